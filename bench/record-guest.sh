#!/bin/sh
# Guest half of `make bench` (run by vm/run, cwd = the share): records a
# page-event-heavy trace.dat for the analyzer benchmark.
#
# Usage: record-guest.sh ROUNDS OUTPUT
#
# Each round runs kmemlab experiments through the control file (every page
# of each run traced: alloc, translate, fill, verify, free) and pushes
# order-0 pages through the page cache of a tmpfs file (written, then
# removed), which is the cheapest source of kmem:mm_page_alloc /
# mm_page_free under TCG.  ROUNDS scales the recording linearly, so the
# "twice as long" recording is the same work done twice as often.
set -eu

# shellcheck source-path=SCRIPTDIR/../vm source=guest-lib.sh
. /lib/kmemlab/guest-lib.sh
kmemlab_prog=record-guest

rounds=$1
out=$2
lib=/lib/kmemlab
control=/sys/kernel/debug/kmemlab/run
# Recorded straight onto the 9p share (cache=none): a recording kept in
# guest RAM (tmpfs) would stay allocated, so the kernel's live pages - and
# the analyzer's table of them - would grow with the recording's length,
# which is what the benchmark's "2x recording" check must not measure.
work=/tmp/bench
rec=$out

one_round() {
	for n in 1000 20000 100000; do
		echo "$n" > $control
	done
	echo "50000 vmalloc" > $control
	dd if=/dev/zero of=$work/fill bs=1M count=128 2>/dev/null
	rm -f $work/fill
}

mkdir -p $work
insmod $lib/kmemlab_trace.ko || kmemlab_die "cannot load kmemlab_trace.ko"
insmod $lib/kmemlab.ko nr_structs=1 || kmemlab_die "cannot load kmemlab.ko"

# -b: 64 MiB per CPU, so a burst (one dd) never overruns the ring buffer.
kmemlab_record_start "$rec" $work/record.log -b 65536 -e kmemlab \
	-e kmem:mm_page_alloc -e kmem:mm_page_free

start=$(date +%s)
i=0
while [ $i -lt "$rounds" ]; do
	one_round
	i=$((i + 1))
done
end=$(date +%s)
echo "record-guest: $rounds rounds in $((end - start)) s"

kmemlab_record_stop || kmemlab_die "trace-cmd record failed: $(cat $work/record.log)"
rmmod kmemlab
rmmod kmemlab_trace
echo "record-guest: $(wc -c < "$out") bytes in $out"
