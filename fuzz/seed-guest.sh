#!/bin/sh
# Guest half of the fuzz seed recordings (run by vm/run, cwd = the share):
# small real trace.dat and perf.data files for fuzz/corpus/, kept small so
# the corpus stays far under 1 MB.  Run from the host with
#   mkdir -p /tmp/seeds && vm/run --share /tmp/seeds fuzz/seed-guest.sh
# then copy /tmp/seeds/NAME.dat to fuzz/corpus/file/NAME.tracedat (the
# repository's .gitignore drops *.dat) and /tmp/seeds/NAME.data to
# fuzz/corpus/perf/NAME.perfdata.  Without perf in the guest (the host has
# no linux-perf) the perf seeds are skipped.
set -eu

# shellcheck source-path=SCRIPTDIR/../vm source=guest-lib.sh
. /lib/kmemlab/guest-lib.sh
kmemlab_prog=seed-guest

lib=/lib/kmemlab
control=/sys/kernel/debug/kmemlab/run

# record NAME EVENTS... -- runs the control-file requests in $requests
record() {
	name=$1
	shift
	kmemlab_record_start "/tmp/$name.dat" "/tmp/$name.log" "$@"
	for r in $requests; do
		echo "$r" | tr _ ' ' > $control
	done
	kmemlab_record_stop || kmemlab_die "$name: trace-cmd failed: $(cat "/tmp/$name.log")"
	cp "/tmp/$name.dat" "$name.dat"
}

# trace-cmd stores /proc/kallsyms (about 900 KB here) in every recording;
# the analyzer never reads it, so hide it to keep the seeds small.
: > /tmp/no-kallsyms
mount -o bind /tmp/no-kallsyms /proc/kallsyms || kmemlab_die "cannot hide /proc/kallsyms"

insmod $lib/kmemlab_trace.ko || kmemlab_die "cannot load kmemlab_trace.ko"
insmod $lib/kmemlab.ko nr_structs=1 || kmemlab_die "cannot load kmemlab.ko"

requests="1000 3_vmalloc 600_kmalloc"
record seed-kmemlab -e kmemlab
requests="2000 300000"
record seed-both -b 256 -e kmemlab -e kmem:mm_page_alloc -e kmem:mm_page_free
requests=""
record seed-kmem -b 64 -e kmem:mm_page_alloc -e kmem:mm_page_free

# perf record's two formats, one small run each: a perf.data (header,
# attributes, data, feature sections) and a piped one (all in the stream).
perf_events="-e kmemlab:* -e kmem:mm_page_alloc -e kmem:mm_page_free"
if command -v perf > /dev/null; then
	# shellcheck disable=SC2086  # one option a word
	perf record -q -a $perf_events -o /tmp/seed-perf.data \
		-- sh -c "echo 1000 > $control" > /tmp/perf.log 2>&1 ||
		kmemlab_die "perf record failed: $(cat /tmp/perf.log)"
	cp /tmp/seed-perf.data seed-perf.data
	# shellcheck disable=SC2086
	perf record -q -a $perf_events -o - -- sh -c "echo 300 > $control" \
		> /tmp/seed-pipe.data 2> /tmp/perf.log ||
		kmemlab_die "perf record -o - failed: $(cat /tmp/perf.log)"
	cp /tmp/seed-pipe.data seed-pipe.data
fi

rmmod kmemlab
rmmod kmemlab_trace
