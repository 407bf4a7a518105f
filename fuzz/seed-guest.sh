#!/bin/sh
# Guest half of the fuzz seed recordings (run by vm/run, cwd = the share):
# small real trace.dat files for fuzz/corpus/, kept small so the corpus
# stays far under 1 MB.  Run from the host with
#   mkdir -p /tmp/seeds && vm/run --share /tmp/seeds fuzz/seed-guest.sh
# then copy /tmp/seeds/NAME.dat to fuzz/corpus/file/NAME.tracedat (the
# repository's .gitignore drops *.dat).
set -eu

lib=/lib/kmemlab
tracing=/sys/kernel/tracing
control=/sys/kernel/debug/kmemlab/run

fail() {
	echo "seed-guest: $*" >&2
	exit 1
}

# record NAME EVENTS... -- runs the control-file requests in $requests
record() {
	name=$1
	shift
	echo 0 > $tracing/events/enable
	trace-cmd record -q "$@" -o "/tmp/$name.dat" > "/tmp/$name.log" 2>&1 &
	tc=$!
	i=0
	while [ "$(cat $tracing/tracing_on)" != 1 ] ||
	      ! grep -q 1 $tracing/events/*/*/enable 2>/dev/null; do
		i=$((i + 1))
		[ $i -le 300 ] || fail "$name: events not enabled after 30 s"
		sleep 0.1
	done
	for r in $requests; do
		echo "$r" | tr _ ' ' > $control
	done
	sleep 1
	kill -INT $tc
	wait $tc || fail "$name: trace-cmd failed: $(cat "/tmp/$name.log")"
	cp "/tmp/$name.dat" "$name.dat"
}

# trace-cmd stores /proc/kallsyms (about 900 KB here) in every recording;
# the analyzer never reads it, so hide it to keep the seeds small.
: > /tmp/no-kallsyms
mount -o bind /tmp/no-kallsyms /proc/kallsyms || fail "cannot hide /proc/kallsyms"

insmod $lib/kmemlab_trace.ko || fail "cannot load kmemlab_trace.ko"
insmod $lib/kmemlab.ko nr_structs=1 || fail "cannot load kmemlab.ko"

requests="1000 3_vmalloc 600_kmalloc"
record seed-kmemlab -e kmemlab
requests="2000 300000"
record seed-both -b 256 -e kmemlab -e kmem:mm_page_alloc -e kmem:mm_page_free
requests=""
record seed-kmem -b 64 -e kmem:mm_page_alloc -e kmem:mm_page_free

rmmod kmemlab
rmmod kmemlab_trace
