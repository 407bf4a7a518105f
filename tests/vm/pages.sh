#!/bin/sh
# Guest half of the page-allocator VM test (run by vm/run, cwd = the share).
#
# Loads kmemlab_trace.ko once, records every load/unload experiment of the
# lab's sizes plus multi-block and bad-input cases into pages.dat, and notes
# what insmod/rmmod/the control file answered in results.txt. The host half
# (tests/vm/check_pages.py) judges it all from the recording.
#
# Usage: pages.sh MULTI_BLOCK_STRUCTS SIZE...

KO=/lib/kmemlab
CTL=/sys/kernel/debug/kmemlab/run
EV=/sys/kernel/tracing/events
RES=results.txt

multi=$1
shift

note() { echo "$*" >> "$RES"; }

die() {
	echo "pages.sh: $*" >&2
	exit 1
}

# trace-cmd turns tracing_on off, enables the events, starts its readers and
# only then turns tracing_on back on: wait for both, or the first
# experiment is lost (seen under load).
wait_enabled() {
	i=0
	while [ "$(cat $EV/kmemlab/kmemlab_run_end/enable 2>/dev/null)" != 1 ] ||
	      [ "$(cat $EV/kmem/mm_page_free/enable 2>/dev/null)" != 1 ] ||
	      [ "$(cat $EV/../tracing_on)" != 1 ]; do
		i=$((i + 1))
		[ $i -gt 300 ] && die "trace-cmd did not enable the events within 30 s"
		sleep 0.1
	done
}

load_unload() {
	insmod $KO/kmemlab.ko nr_structs="$1"
	note "load $1 $?"
	rmmod kmemlab
	note "unload $1 $?"
}

rm -f "$RES" pages.dat
insmod $KO/kmemlab_trace.ko || die "cannot load kmemlab_trace.ko"

trace-cmd record -q -e kmemlab -e kmem:mm_page_alloc -e kmem:mm_page_free \
	-o pages.dat > record.log 2>&1 &
rec=$!
wait_enabled

for n in "$@"; do
	load_unload "$n"
done

# Multi-block, once at load time and once through the control file.
load_unload "$multi"
insmod $KO/kmemlab.ko nr_structs=1 || die "cannot load kmemlab.ko"
echo "$multi" > $CTL
note "write $multi $?"
echo 0 > $CTL
note "write 0 $?"
cat $CTL > control.txt
rmmod kmemlab
note "unload ctl $?"

# Bad input: insmod must fail, and the module must not stay loaded.
for n in 0 4294967295; do
	insmod $KO/kmemlab.ko nr_structs=$n 2> insmod-$n.err
	note "load $n $?"
	grep -q '^kmemlab ' /proc/modules
	note "loaded-after $n $((1 - $?))"
done

# A recording stopped right after its last event can lose it: settle first.
sleep 1
kill -INT $rec
wait $rec
note "record rc $?"

# Recordings the analyzer must judge: a block still live when the recording
# stopped (a leak, as far as the recording can tell), kmem events without
# kmemlab ones, and neither. Events off first, so wait_enabled waits for
# the new recorder rather than seeing the old one's settings.
echo 0 > $EV/enable
trace-cmd record -q -e kmemlab -e kmem:mm_page_alloc -e kmem:mm_page_free \
	-o leak.dat > record-leak.log 2>&1 &
rec=$!
wait_enabled
insmod $KO/kmemlab.ko nr_structs=1000
sleep 1
kill -INT $rec
wait $rec
note "record-leak rc $?"
rmmod kmemlab
trace-cmd record -q -e kmem:mm_page_alloc -e kmem:mm_page_free \
	-o kmem-only.dat -- sh -c 'cat /proc/meminfo > /dev/null; sleep 1' \
	> record-kmem.log 2>&1
note "record-kmem rc $?"
trace-cmd record -q -e sched:sched_process_exec -o other.dat \
	-- sh -c 'sleep 1' > record-other.log 2>&1
note "record-other rc $?"

rmmod kmemlab_trace
dmesg > pages-dmesg.txt
exit 0
