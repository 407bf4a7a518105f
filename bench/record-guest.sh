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

rounds=$1
out=$2
lib=/lib/kmemlab
tracing=/sys/kernel/tracing
control=/sys/kernel/debug/kmemlab/run
# Recorded straight onto the 9p share (cache=none): a recording kept in
# guest RAM (tmpfs) would stay allocated, so the kernel's live pages - and
# the analyzer's table of them - would grow with the recording's length,
# which is what the benchmark's "2x recording" check must not measure.
work=/tmp/bench
rec=$out

fail() {
	echo "record-guest: $*" >&2
	exit 1
}

wait_enabled() {
	i=0
	while [ "$(cat $tracing/events/kmem/mm_page_free/enable 2>/dev/null)" != 1 ] ||
	      [ "$(cat $tracing/events/kmemlab/kmemlab_run_end/enable 2>/dev/null)" != 1 ]; do
		kill -0 "$tc" 2>/dev/null || fail "trace-cmd exited early: $(cat $work/record.log)"
		i=$((i + 1))
		[ "$i" -le 300 ] || fail "events still not enabled after 30 s"
		sleep 0.1
	done
}

one_round() {
	for n in 1000 20000 100000; do
		echo "$n" > $control
	done
	echo "50000 vmalloc" > $control
	dd if=/dev/zero of=$work/fill bs=1M count=128 2>/dev/null
	rm -f $work/fill
}

mkdir -p $work
insmod $lib/kmemlab_trace.ko || fail "cannot load kmemlab_trace.ko"
insmod $lib/kmemlab.ko nr_structs=1 || fail "cannot load kmemlab.ko"

# -b: 64 MiB per CPU, so a burst (one dd) never overruns the ring buffer.
trace-cmd record -q -b 65536 -e kmemlab -e kmem:mm_page_alloc \
	-e kmem:mm_page_free -o "$rec" > $work/record.log 2>&1 &
tc=$!
wait_enabled

start=$(date +%s)
i=0
while [ $i -lt "$rounds" ]; do
	one_round
	i=$((i + 1))
done
end=$(date +%s)
echo "record-guest: $rounds rounds in $((end - start)) s"

sleep 1
kill -INT $tc
wait $tc || fail "trace-cmd record failed: $(cat $work/record.log)"
rmmod kmemlab
rmmod kmemlab_trace
echo "record-guest: $(wc -c < "$out") bytes in $out"
