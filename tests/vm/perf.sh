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

KO=/lib/kmemlab
CTL=/sys/kernel/debug/kmemlab/run
EV=/sys/kernel/tracing/events
RES=results.txt
PERF_EVENTS="-e kmemlab:* -e kmem:mm_page_alloc -e kmem:mm_page_free"

note() { echo "$*" >> "$RES"; }

die() {
	echo "perf.sh: $*" >&2
	exit 1
}

# One write per size; each write runs a whole experiment before it returns.
runs() {
	for n in "$@"; do
		echo "$n" > $CTL || return 1
	done
}
# The same, as a command for perf stat and perf record to run.
runs_cmd="for n in $*; do echo \$n > $CTL || exit 1; done"

# trace-cmd turns tracing_on off, enables the events, starts its readers and
# only then turns tracing_on back on: wait for both.
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

command -v perf > /dev/null || die "no perf in the guest (install linux-perf on the host)"
rm -f "$RES" t.dat p.data stat.csv perf-script.txt noraw.data kmem-only.data \
	pipe.data nosamples.data lost.data
insmod $KO/kmemlab_trace.ko || die "cannot load kmemlab_trace.ko"
# Loaded once, before any recording: its own load-time run (one struct) is
# open until rmmod, so no recording below may see an unload.
insmod $KO/kmemlab.ko nr_structs=1 || die "cannot load kmemlab.ko"

# (a) trace-cmd
trace-cmd record -q -e kmemlab -e kmem:mm_page_alloc -e kmem:mm_page_free \
	-o /tmp/t.dat > record.log 2>&1 &
rec=$!
wait_enabled
runs "$@"
note "trace-cmd runs $?"
sleep 1
kill -INT $rec
wait $rec
note "trace-cmd rc $?"
cp /tmp/t.dat t.dat
echo 0 > $EV/enable

# (b) perf stat: -x, prints count,unit,event,... one line per event.
t0=$(cut -d' ' -f1 /proc/uptime)
perf stat -a -x, -e 'kmemlab:*' -o stat.csv -- sh -c "$runs_cmd" \
	2> stat.err
note "perf-stat rc $?"

# (c) perf record, then perf script of the same file.
# shellcheck disable=SC2086  # PERF_EVENTS is one option a word
perf record -q -a -m 8M $PERF_EVENTS -o /tmp/p.data \
	-- sh -c "$runs_cmd" > perf-record.log 2>&1
note "perf-record rc $?"
cp /tmp/p.data p.data
perf script -i /tmp/p.data > perf-script.txt 2> perf-script.err
note "perf-script rc $?"
t1=$(cut -d' ' -f1 /proc/uptime)
note "perf-seconds $t0 $t1"

# Recordings the analyzer must refuse or report as partial: samples without
# raw tracepoint data (a software event), kmem events only, and perf's
# piped format (tracing data inside the stream).
perf record -q -a -e cpu-clock -o /tmp/noraw.data -- sleep 0.5 \
	> noraw.log 2>&1
note "perf-noraw rc $?"
cp /tmp/noraw.data noraw.data
perf record -q -a -e kmem:mm_page_alloc -e kmem:mm_page_free \
	-o /tmp/kmem-only.data -- sh -c 'cat /proc/meminfo > /dev/null' \
	> kmem-only.log 2>&1
note "perf-kmem-only rc $?"
cp /tmp/kmem-only.data kmem-only.data
# shellcheck disable=SC2086
perf record -q -a $PERF_EVENTS -o - -- sh -c "echo 1000 > $CTL" \
	> /tmp/pipe.data 2> pipe.log
note "perf-pipe rc $?"
cp /tmp/pipe.data pipe.data

# A buffer of one page per CPU cannot hold the big run: perf loses events,
# and the analyzer must say so.
# shellcheck disable=SC2086
perf record -q -a -m 1 $PERF_EVENTS -o /tmp/lost.data \
	-- sh -c "echo 300000 > $CTL" > lost.log 2>&1
note "perf-lost rc $?"
cp /tmp/lost.data lost.data

# Tracing data but not one sample: kmemlab_probe fires only on request.
perf record -q -a -e kmemlab:kmemlab_probe -o /tmp/nosamples.data -- sleep 0.2 \
	> nosamples.log 2>&1
note "perf-nosamples rc $?"
cp /tmp/nosamples.data nosamples.data

cat $CTL > control.txt
rmmod kmemlab
rmmod kmemlab_trace
exit 0
