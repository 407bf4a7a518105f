#!/bin/sh
# The buddy allocator at work (docs/lab.md, part 3), run inside the lab VM
# to produce every output that part shows:
#
#   vm/run --share out/lab vm/scenarios/lab-buddy.sh
#
# Writes, in the share: buddy.dat (the recording) and buddy-steps.txt,
# buddy-report.txt (transcripts: each command after "# ", then what it
# printed), and, when ./analyze was built, buddy-layout.svg (make lab-docs
# makes it docs/lab-buddy-layout.svg).
#
# The two-step: a load with force_split=1 holds an order-4 block cut from
# a larger free block (run 1); through the control file a second order-4
# experiment gets the order-4 remnant that split left (run 2) and an
# order-3 one comes from a per-CPU list (run 3); the unload merges run 1's
# block back.  Order 4 is 16 pages whatever the page size: nr_structs is
# computed from the guest's own page size.
set -u

# shellcheck source-path=SCRIPTDIR/.. source=guest-lib.sh
. /lib/kmemlab/guest-lib.sh
kmemlab_prog=lab-buddy

KO=/lib/kmemlab
CTL=/sys/kernel/debug/kmemlab/run
out=$PWD

page_size=$(awk '/^KernelPageSize:/ { print $2 * 1024; exit }' /proc/self/smaps)
[ -n "$page_size" ] || kmemlab_die "cannot read KernelPageSize from /proc/self/smaps"
per_page=$((page_size / 32))
order4=$((per_page * 16))
order3=$((per_page * 8))

cd /tmp || kmemlab_die "no /tmp"
rm -f "$out"/buddy-*.txt "$out"/buddy.dat "$out"/buddy-layout.svg
insmod $KO/kmemlab_trace.ko || kmemlab_die "cannot load kmemlab_trace.ko"
dmesg -c > /dev/null

kmemlab_record_start /tmp/buddy.dat /tmp/record.log -b 4096 -e kmemlab \
	-e kmem:mm_page_alloc -e kmem:mm_page_free \
	-e kmem:mm_page_alloc_zone_locked -e kmem:mm_page_pcpu_drain \
	-e kmem:mm_page_alloc_extfrag

f=$out/buddy-steps.txt
kmemlab_transcript "$f" "cat /proc/buddyinfo"
kmemlab_transcript "$f" "insmod $KO/kmemlab.ko nr_structs=$order4 force_split=1"
kmemlab_transcript "$f" "dmesg -c"
kmemlab_transcript "$f" "cat /proc/buddyinfo"
kmemlab_transcript "$f" "echo $order4 > $CTL"
kmemlab_transcript "$f" "echo $order3 > $CTL"
kmemlab_transcript "$f" "rmmod kmemlab"
kmemlab_transcript "$f" "dmesg -c"

kmemlab_record_stop || kmemlab_die "trace-cmd record failed: $(cat /tmp/record.log)"
cp /tmp/buddy.dat "$out/buddy.dat" || kmemlab_die "cannot copy buddy.dat to $out"

f=$out/buddy-report.txt
kmemlab_transcript "$f" "trace-cmd report -F 'kmemlab_split' -F 'kmemlab_merge' buddy.dat"
if command -v analyze > /dev/null; then
	kmemlab_transcript "$f" "analyze report buddy.dat"
	kmemlab_transcript "$f" "analyze report --run 1 buddy.dat"
	kmemlab_transcript "$f" 'analyze check buddy.dat; echo $?'
	# written here first, so the transcript names it as the reader would
	kmemlab_transcript "$f" "analyze layout buddy.dat -o buddy-layout.svg"
	kmemlab_transcript "$f" "grep -m1 \"class='source'\" buddy-layout.svg"
	kmemlab_transcript "$f" "grep -m1 \"class='remnant'\" buddy-layout.svg"
	cp buddy-layout.svg "$out/buddy-layout.svg" ||
		kmemlab_die "cannot copy buddy-layout.svg to $out"
else
	echo "lab-buddy: analyze is not in the VM (build ./analyze first): no analyzer output" >&2
fi
rmmod kmemlab_trace
exit 0
