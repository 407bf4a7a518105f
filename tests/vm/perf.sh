#!/bin/sh
# Guest half of the perf VM test (run by vm/run, cwd = the share).
#
# The same control-file experiments, three times over, each time seen by
# another tool: trace-cmd record (t.dat), perf stat (stat.csv), perf record
# (p.data, and what perf script prints of it).  Then recordings the analyzer
# must refuse or report as partial.  The host half (tests/vm/check_perf.py)
# judges them all.
#
# Usage: perf.sh SIZE...

# shellcheck source-path=SCRIPTDIR/../../vm source=guest-lib.sh
. /lib/kmemlab/guest-lib.sh
kmemlab_prog=perf.sh

KO=/lib/kmemlab
CTL=/sys/kernel/debug/kmemlab/run
EV=/sys/kernel/tracing/events
PERF_EVENTS="-e kmemlab:* -e kmem:mm_page_alloc -e kmem:mm_page_free"

# One write per size; each write runs a whole experiment before it returns.
runs() {
	for n in "$@"; do
		echo "$n" > $CTL || return 1
	done
}
# The same, as a command for perf stat and perf record to run.
runs_cmd="for n in $*; do echo \$n > $CTL || exit 1; done"

command -v perf > /dev/null || kmemlab_die "no perf in the guest (install linux-perf on the host)"
rm -f results.txt t.dat p.data stat.csv perf-script.txt noraw.data kmem-only.data \
	pipe.data nosamples.data lost.data
kmemlab_geometry geometry.txt
insmod $KO/kmemlab_trace.ko || kmemlab_die "cannot load kmemlab_trace.ko"
# Loaded once, before any recording: its own load-time run (one struct) is
# open until rmmod, so no recording below may see an unload.
insmod $KO/kmemlab.ko nr_structs=1 || kmemlab_die "cannot load kmemlab.ko"

# (a) trace-cmd
kmemlab_record_start /tmp/t.dat record.log -e kmemlab -e kmem:mm_page_alloc \
	-e kmem:mm_page_free
runs "$@"
kmemlab_note "trace-cmd runs $?"
kmemlab_record_stop
kmemlab_note "trace-cmd rc $?"
cp /tmp/t.dat t.dat
echo 0 > $EV/enable

# (b) perf stat: -x, prints count,unit,event,... one line per event.
t0=$(cut -d' ' -f1 /proc/uptime)
perf stat -a -x, -e 'kmemlab:*' -o stat.csv -- sh -c "$runs_cmd" \
	2> stat.err
kmemlab_note "perf-stat rc $?"

# (c) perf record, then perf script of the same file.
# shellcheck disable=SC2086  # PERF_EVENTS is one option a word
perf record -q -a -m 8M $PERF_EVENTS -o /tmp/p.data \
	-- sh -c "$runs_cmd" > perf-record.log 2>&1
kmemlab_note "perf-record rc $?"
cp /tmp/p.data p.data
perf script -i /tmp/p.data > perf-script.txt 2> perf-script.err
kmemlab_note "perf-script rc $?"
t1=$(cut -d' ' -f1 /proc/uptime)
kmemlab_note "perf-seconds $t0 $t1"

# Recordings the analyzer must refuse or report as partial: samples without
# raw tracepoint data (a software event), kmem events only, and perf's
# piped format (tracing data inside the stream).
perf record -q -a -e cpu-clock -o /tmp/noraw.data -- sleep 0.5 \
	> noraw.log 2>&1
kmemlab_note "perf-noraw rc $?"
cp /tmp/noraw.data noraw.data
perf record -q -a -e kmem:mm_page_alloc -e kmem:mm_page_free \
	-o /tmp/kmem-only.data -- sh -c 'cat /proc/meminfo > /dev/null' \
	> kmem-only.log 2>&1
kmemlab_note "perf-kmem-only rc $?"
cp /tmp/kmem-only.data kmem-only.data
# shellcheck disable=SC2086
perf record -q -a $PERF_EVENTS -o - -- sh -c "echo 1000 > $CTL" \
	> /tmp/pipe.data 2> pipe.log
kmemlab_note "perf-pipe rc $?"
cp /tmp/pipe.data pipe.data

# A buffer of one page per CPU cannot hold the big run: perf loses events,
# and the analyzer must say so.
# shellcheck disable=SC2086
perf record -q -a -m 1 $PERF_EVENTS -o /tmp/lost.data \
	-- sh -c "echo 300000 > $CTL" > lost.log 2>&1
kmemlab_note "perf-lost rc $?"
cp /tmp/lost.data lost.data

# Tracing data but not one sample: kmemlab_probe fires only on request.
perf record -q -a -e kmemlab:kmemlab_probe -o /tmp/nosamples.data -- sleep 0.2 \
	> nosamples.log 2>&1
kmemlab_note "perf-nosamples rc $?"
cp /tmp/nosamples.data nosamples.data

cat $CTL > control.txt
rmmod kmemlab
rmmod kmemlab_trace
exit 0
