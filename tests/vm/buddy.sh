#!/bin/sh
# Guest half of the buddy-allocator VM test (run by vm/run, cwd = the share).
#
# The lab's two-step, ATTEMPTS times: a load-time order-4 experiment holds
# its block (cut from a bigger free block), /proc/buddyinfo read around that
# load; then through the control file an order-4 experiment (the remnant the
# first split left) and an order-3 one (a per-CPU list); the unload merges
# everything back.  Then kmalloc above and below KMALLOC_MAX_CACHE_SIZE and
# vmalloc, for which split/merge apply or not.  Everything is recorded into
# buddy.dat with the kernel's own buddy events; tests/vm/check_buddy.py
# judges it on the host.  Other work in the guest may take a remnant or
# split a block between the reads: the host counts such attempts.  Trace
# markers bracket the two /proc/buddyinfo reads, so the host sees what
# else the kernel's kmem: events did to the free lists in between.
# /proc/pagetypeinfo before each load says whether an unmovable order-4
# block was free already, in which case the load takes it whole and the
# lab's first step (a split) cannot happen in that attempt.  A last
# two-step loads with force_split=1, which holds those blocks first.
#
# Usage: buddy.sh ATTEMPTS

# shellcheck source-path=SCRIPTDIR/../../vm source=guest-lib.sh
. /lib/kmemlab/guest-lib.sh
kmemlab_prog=buddy.sh

KO=/lib/kmemlab
CTL=/sys/kernel/debug/kmemlab/run
attempts=${1:-10}

# The page size from the kernel itself, never assumed.
page_size=$(awk '/^KernelPageSize:/ { print $2 * 1024; exit }' /proc/self/smaps)
[ -n "$page_size" ] || kmemlab_die "cannot read KernelPageSize from /proc/self/smaps"
per_page=$((page_size / 32))
order4=$((per_page * 16))
order3=$((per_page * 8))

# ctl NAME REQUEST: one control-file experiment, its status noted.
ctl() {
	echo "$2" > $CTL
	# shellcheck disable=SC2320  # the write's status is the module's answer
	kmemlab_note "$1 $?"
}

rm -f results.txt buddy.dat bi-*.txt pt-*.txt
kmemlab_note "page_size 0 $page_size"
insmod $KO/kmemlab_trace.ko || kmemlab_die "cannot load kmemlab_trace.ko"

kmemlab_record_start buddy.dat record.log -b 4096 -e kmemlab \
	-e kmem:mm_page_alloc -e kmem:mm_page_free \
	-e kmem:mm_page_alloc_zone_locked -e kmem:mm_page_pcpu_drain \
	-e kmem:mm_page_alloc_extfrag \
	-e compaction:mm_compaction_isolate_freepages

for a in $(seq 1 "$attempts"); do
	cat /proc/pagetypeinfo > "pt-$a-before.txt"
	kmemlab_mark "kmemlab-buddyinfo-$a-before"
	cat /proc/buddyinfo > "bi-$a-before.txt"
	insmod $KO/kmemlab.ko nr_structs=$order4
	kmemlab_note "load $a $?"
	cat /proc/buddyinfo > "bi-$a-after.txt"
	kmemlab_mark "kmemlab-buddyinfo-$a-after"
	ctl "again $a" "$order4"
	ctl "order3 $a" "$order3"
	rmmod kmemlab
	kmemlab_note "unload $a $?"
done

insmod $KO/kmemlab.ko nr_structs=1 || kmemlab_die "cannot load kmemlab.ko"
ctl "kmalloc-large 0" "$order4 kmalloc"
ctl "kmalloc-slab 0" "$per_page kmalloc"
ctl "vmalloc 0" "$order4 vmalloc"
rmmod kmemlab
kmemlab_note "unload 0 $?"

# The two-step made certain: force_split=1 first holds the free blocks of
# order 4 that the load would take whole, so its block is cut from a
# larger one (unless other work frees an order-4 block in between).
insmod $KO/kmemlab.ko nr_structs=$order4 force_split=1
kmemlab_note "forced-load 0 $?"
ctl "forced-again 0" "$order4"
ctl "forced-order3 0" "$order3"
rmmod kmemlab
kmemlab_note "forced-unload 0 $?"
# force_split is refused where it cannot work: a per-CPU order
insmod $KO/kmemlab.ko nr_structs=$order3 force_split=1
kmemlab_note "forced-pcp 0 $?"

kmemlab_record_stop
kmemlab_note "record 0 $?"
rmmod kmemlab_trace
exit 0
