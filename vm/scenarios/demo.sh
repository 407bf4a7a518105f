#!/bin/sh
# The kmemlab demo, run inside the lab VM by `make demo` (cwd /out).
#
# Records the kmemlab events and the kernel's own buddy allocator events
# while the lab's experiment runs for several sizes, then the buddy
# allocator's two-step (force_split=1, then the control file), then once
# through the control file with more pages than the largest buddy block
# holds.
set -eu

# shellcheck source-path=SCRIPTDIR/.. source=guest-lib.sh
. /lib/kmemlab/guest-lib.sh
kmemlab_prog=demo

lib=/lib/kmemlab
control=/sys/kernel/debug/kmemlab/run
out=/out/trace.dat
# Record in RAM (per-CPU temp files, then one merge); copy once at the end.
rec=/tmp/trace.dat
sizes="1000 2000 4000 10000 50000"
# Two of the largest blocks and a smaller one, whatever the page size
# (300536 structs on 4 KiB pages, order-11 blocks on 16 KiB).
kmemlab_geometry /tmp/geometry.txt
multi=$(kmemlab_size "2*B+300*P-8")

step() {
	echo "demo: $*"
}

for ko in kmemlab_trace.ko kmemlab.ko; do
	[ -f "$lib/$ko" ] || kmemlab_die "no $lib/$ko in the VM: run 'make module' on the host"
done

insmod "$lib/kmemlab_trace.ko" || kmemlab_die "insmod kmemlab_trace.ko failed (see dmesg)"

step "recording kmemlab and the kernel's buddy allocator events (kmem:mm_page_*)"
kmemlab_record_start "$rec" /tmp/trace-cmd.log -b 4096 -e kmemlab \
	-e kmem:mm_page_alloc -e kmem:mm_page_free \
	-e kmem:mm_page_alloc_zone_locked -e kmem:mm_page_pcpu_drain \
	-e kmem:mm_page_alloc_extfrag

for n in $sizes; do
	step "insmod kmemlab.ko nr_structs=$n; rmmod kmemlab"
	insmod "$lib/kmemlab.ko" nr_structs="$n" || kmemlab_die "insmod kmemlab.ko nr_structs=$n failed (see dmesg)"
	rmmod kmemlab || kmemlab_die "rmmod kmemlab failed after nr_structs=$n"
done

# The buddy allocator's two-step (docs/lab.md, part 3): an order-4 block
# cut from a larger free block, the order-4 remnant that split left, an
# order-3 block from a per-CPU list, and the merge back at unload.
order4=$(kmemlab_size "16*P")
order3=$(kmemlab_size "8*P")
step "insmod kmemlab.ko nr_structs=$order4 force_split=1; echo $order4, $order3 > $control; rmmod kmemlab"
insmod "$lib/kmemlab.ko" nr_structs="$order4" force_split=1 ||
	kmemlab_die "insmod kmemlab.ko force_split=1 failed (see dmesg)"
echo "$order4" >"$control" || kmemlab_die "writing $order4 to $control failed"
echo "$order3" >"$control" || kmemlab_die "writing $order3 to $control failed"
rmmod kmemlab || kmemlab_die "rmmod kmemlab failed after the two-step"

step "echo $multi > $control (several blocks)"
insmod "$lib/kmemlab.ko" || kmemlab_die "insmod kmemlab.ko failed (see dmesg)"
echo "$multi" >"$control" || kmemlab_die "writing $multi to $control failed"
step "$(cat "$control")"
rmmod kmemlab || kmemlab_die "rmmod kmemlab failed after the control-file run"

kmemlab_record_stop || kmemlab_die "trace-cmd record failed: $(cat /tmp/trace-cmd.log)"
cp "$rec" "$out" || kmemlab_die "cannot copy the recording to $out"
step "recorded $(wc -c <"$out") bytes in $out"
dmesg >/out/dmesg.txt
