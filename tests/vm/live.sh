#!/bin/sh
# Guest half of the live/record VM test (run by vm/run, cwd = the share).
#
# Runs `analyze live` and `analyze record` against the real module: with
# kmemlab_trace.ko missing (clear errors), around a load/unload, stopped by
# SIGINT, and MANY control-file experiments for the layout picture.  Notes
# exit statuses in results.txt and what is left in tracefs instances/; the
# host half (tests/vm/check_live.py) judges it all.
#
# Usage: live.sh MANY

# shellcheck source-path=SCRIPTDIR/../../vm source=guest-lib.sh
. /lib/kmemlab/guest-lib.sh
kmemlab_prog=live.sh

KO=/lib/kmemlab
CTL=/sys/kernel/debug/kmemlab/run
INST=/sys/kernel/tracing/instances
many=${1:-1000}

command -v analyze > /dev/null || kmemlab_die "analyze is not in the VM (build ./analyze first)"
rm -f results.txt ./*.json ./*.err ./*.dat instances-*.txt

analyze live --json -- true > nomod-live.json 2> nomod-live.err
kmemlab_note "nomod-live $?"
analyze record -o nomod.dat -- true > /dev/null 2> nomod-record.err
kmemlab_note "nomod-record $?"

kmemlab_geometry geometry.txt
insmod $KO/kmemlab_trace.ko || kmemlab_die "cannot load kmemlab_trace.ko"

analyze live --json -- sh -c "insmod $KO/kmemlab.ko nr_structs=1000 && rmmod kmemlab" \
	> live.json 2> live.err
kmemlab_note "live $?"
ls $INST > instances-live.txt

# Stopped by a signal: wait for the session's instance, run two
# experiments, interrupt it.
analyze live --json > live-int.json 2> live-int.err &
pid=$!
i=0
while [ ! -d "$INST/kmemlab-live-$pid" ]; do
	i=$((i + 1))
	[ $i -gt 100 ] && kmemlab_die "analyze live made no instance within 10 s"
	sleep 0.1
done
sleep 0.5
insmod $KO/kmemlab.ko nr_structs=1 && echo 2000 > $CTL && rmmod kmemlab
sleep 1
kill -INT $pid
wait $pid
kmemlab_note "live-int $?"
ls $INST > instances-int.txt

analyze record -o record.dat -- sh -c "insmod $KO/kmemlab.ko nr_structs=4000 && rmmod kmemlab" \
	> record.out 2> record.err
kmemlab_note "record $?"
analyze record -o record-fail.dat -s 0 -- false > /dev/null 2> record-fail.err
kmemlab_note "record-fail $?"

# Many experiments through the control file, sizes spread over orders 0-6
# with a large one now and then.
# The recorder under TCG falls behind a tight loop: a big buffer, and a
# pause every 20 experiments so it catches up.
analyze record -o many.dat -b 16384 -- sh -c "
	insmod $KO/kmemlab.ko nr_structs=1 || exit 1
	i=1
	while [ \$i -lt $many ]; do
		if [ \$((i % 97)) = 0 ]; then n=\$((i * 131 % 60000 + 1)); else n=\$((i * 7919 % 5000 + 1)); fi
		echo \$n > $CTL || exit 1
		[ \$((i % 20)) = 0 ] && sleep 0.3
		i=\$((i + 1))
	done
	rmmod kmemlab" > many.out 2> many.err
kmemlab_note "many $?"

rmmod kmemlab_trace
exit 0
