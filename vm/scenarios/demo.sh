#!/bin/sh
# The kmemlab demo, run inside the lab VM by `make demo` (cwd /out).
#
# Records the kmemlab events and the kernel's own buddy allocator events
# while the lab's experiment runs for several sizes, then once through the
# control file with more pages than the largest buddy block holds.
#
# trace-cmd runs in the background rather than as `trace-cmd record -- CMD`:
# with a short CMD it can stop before the events it enabled ever reach the
# buffer it reads, and the recording comes back empty.
set -eu

lib=/lib/kmemlab
tracing=/sys/kernel/tracing
control=/sys/kernel/debug/kmemlab/run
out=/out/trace.dat
# Record in RAM (per-CPU temp files, then one merge); copy once at the end.
rec=/tmp/trace.dat
sizes="1000 2000 4000 10000 50000"
multi=300000

fail() {
	echo "demo: $*" >&2
	exit 1
}

step() {
	echo "demo: $*"
}

# Poll until FILE reads 1; trace-cmd enables the events some time after it
# starts, and anything the module emits before that is lost.
wait_enabled() {
	i=0
	while [ "$(cat "$1" 2>/dev/null)" != 1 ]; do
		kill -0 "$tc" 2>/dev/null || fail "trace-cmd exited early: $(cat /tmp/trace-cmd.log)"
		i=$((i + 1))
		[ "$i" -le 200 ] || fail "$1 still not 1 after 20 s"
		sleep 0.1
	done
}

for ko in kmemlab_trace.ko kmemlab.ko; do
	[ -f "$lib/$ko" ] || fail "no $lib/$ko in the VM: run 'make module' on the host"
done

insmod "$lib/kmemlab_trace.ko" || fail "insmod kmemlab_trace.ko failed (see dmesg)"

step "recording kmemlab, kmem:mm_page_alloc, kmem:mm_page_free"
trace-cmd record -q -b 4096 -e kmemlab -e kmem:mm_page_alloc -e kmem:mm_page_free \
	-o "$rec" >/tmp/trace-cmd.log 2>&1 &
tc=$!
wait_enabled "$tracing/events/kmemlab/enable"
wait_enabled "$tracing/events/kmem/mm_page_free/enable"
# trace-cmd turns tracing_on off before enabling the events and back on
# once its readers run: until then the module's events would be dropped.
wait_enabled "$tracing/tracing_on"

for n in $sizes; do
	step "insmod kmemlab.ko nr_structs=$n; rmmod kmemlab"
	insmod "$lib/kmemlab.ko" nr_structs="$n" || fail "insmod kmemlab.ko nr_structs=$n failed (see dmesg)"
	rmmod kmemlab || fail "rmmod kmemlab failed after nr_structs=$n"
done

step "echo $multi > $control (several blocks)"
insmod "$lib/kmemlab.ko" || fail "insmod kmemlab.ko failed (see dmesg)"
echo "$multi" >"$control" || fail "writing $multi to $control failed"
step "$(cat "$control")"
rmmod kmemlab || fail "rmmod kmemlab failed after the control-file run"

# Let the recorder drain the per-CPU buffers before it is stopped.
sleep 1
kill -INT "$tc"
wait "$tc" || fail "trace-cmd record failed: $(cat /tmp/trace-cmd.log)"
cp "$rec" "$out" || fail "cannot copy the recording to $out"
step "recorded $(wc -c <"$out") bytes in $out"
dmesg >/out/dmesg.txt
