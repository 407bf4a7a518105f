#!/bin/sh
# Guest half of the page-allocator VM test (run by vm/run, cwd = the share).
#
# Loads kmemlab_trace.ko once, records every load/unload experiment of the
# lab's sizes plus multi-block and bad-input cases into pages.dat, and notes
# what insmod/rmmod/the control file answered in results.txt. The host half
# (tests/vm/check_pages.py) judges it all from the recording.
#
# Usage: pages.sh MULTI_BLOCK_STRUCTS SIZE...
#
# Sizes are structs, as numbers or in the kernel's terms, evaluated here
# with $(( )): P structs a page, B structs in the largest buddy block (so
# "B" is one block of the largest order and "B+1" the first that needs
# two, on any page size), M pages in the largest kmalloc.  The judge
# evaluates the same words on the geometry this script writes down.

# shellcheck source-path=SCRIPTDIR/../../vm source=guest-lib.sh
. /lib/kmemlab/guest-lib.sh
kmemlab_prog=pages.sh

KO=/lib/kmemlab
CTL=/sys/kernel/debug/kmemlab/run

rm -f geometry.txt
kmemlab_geometry geometry.txt

multi=$(kmemlab_size "$1") || exit 1
shift
sizes=
for n in "$@"; do
	sizes="$sizes $(kmemlab_size "$n")" || exit 1
done

# record OUT LOG: both recordings below take the same events.
record() {
	kmemlab_record_start "$1" "$2" -e kmemlab -e kmem:mm_page_alloc \
		-e kmem:mm_page_free
}

load_unload() {
	insmod $KO/kmemlab.ko nr_structs="$1"
	kmemlab_note "load $1 $?"
	rmmod kmemlab
	kmemlab_note "unload $1 $?"
}

rm -f results.txt pages.dat
insmod $KO/kmemlab_trace.ko || kmemlab_die "cannot load kmemlab_trace.ko"

record pages.dat record.log

for n in $sizes; do
	load_unload "$n"
done

# Multi-block, once at load time and once through the control file.
load_unload "$multi"
insmod $KO/kmemlab.ko nr_structs=1 || kmemlab_die "cannot load kmemlab.ko"
# $? after echo is meant: the write's status is what the module answered.
echo "$multi" > $CTL
# shellcheck disable=SC2320
kmemlab_note "write $multi $?"
echo 0 > $CTL
# shellcheck disable=SC2320
kmemlab_note "write 0 $?"
cat $CTL > control.txt
rmmod kmemlab
kmemlab_note "unload ctl $?"

# Bad input: insmod must fail, and the module must not stay loaded.
for n in 0 4294967295; do
	insmod $KO/kmemlab.ko nr_structs=$n 2> insmod-$n.err
	kmemlab_note "load $n $?"
	grep -q '^kmemlab ' /proc/modules
	kmemlab_note "loaded-after $n $((1 - $?))"
done

kmemlab_record_stop
kmemlab_note "record rc $?"

# Recordings the analyzer must judge: a block still live when the recording
# stopped (a leak, as far as the recording can tell), kmem events without
# kmemlab ones, and neither.
record leak.dat record-leak.log
insmod $KO/kmemlab.ko nr_structs=1000
kmemlab_record_stop
kmemlab_note "record-leak rc $?"
rmmod kmemlab
trace-cmd record -q -e kmem:mm_page_alloc -e kmem:mm_page_free \
	-o kmem-only.dat -- sh -c 'cat /proc/meminfo > /dev/null; sleep 1' \
	> record-kmem.log 2>&1
kmemlab_note "record-kmem rc $?"
trace-cmd record -q -e sched:sched_process_exec -o other.dat \
	-- sh -c 'sleep 1' > record-other.log 2>&1
kmemlab_note "record-other rc $?"

# A run whose allocation fails part-way, for tests/unit/cli_counts.py: as
# many pages as the machine has RAM, in whole largest blocks (a multiple of
# 2048 pages is one on every page size), passes the plan's RAM check but
# cannot all be allocated.
record failed.dat record-failed.log
insmod $KO/kmemlab.ko nr_structs=1000
page_size=$(dmesg | sed -n 's/.*kmemlab: PAGE_SIZE=\([0-9]*\) .*/\1/p' | tail -n 1)
ram_kb=$(sed -n 's/^MemTotal: *\([0-9]*\) kB/\1/p' /proc/meminfo)
pages=$((ram_kb * 1024 / page_size / 2048 * 2048))
echo $((pages * (page_size / 32))) > $CTL
# shellcheck disable=SC2320
kmemlab_note "write-failed rc $?"
echo 3000 > $CTL
rmmod kmemlab
kmemlab_record_stop
kmemlab_note "record-failed rc $?"

rmmod kmemlab_trace
dmesg > pages-dmesg.txt
exit 0
