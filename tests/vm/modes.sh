#!/bin/sh
# Guest half of the kmalloc/vmalloc VM test (run by vm/run, cwd = the share).
#
# Loads kmemlab_trace.ko once and records, with the kernel's own kmem
# events, one load/unload experiment per kmalloc and vmalloc size, the
# control file's "N MODE" form, bad input, and the probe (the lab's
# check.ko) on live buffers and on addresses that must be refused.  Notes
# what insmod/rmmod/the debugfs files answered in results.txt; the host
# half (tests/vm/check_modes.py) judges it all.
#
# Usage: modes.sh "KMALLOC_PAGES..." "VMALLOC_PAGES..." KMALLOC_TOO_BIG_PAGES
#
# Page counts are numbers or kmemlab_size words (vm/guest-lib.sh): M is the
# largest kmalloc in pages, so "M" must work and "M+1" be refused on any
# page size.

# shellcheck source-path=SCRIPTDIR/../../vm source=guest-lib.sh
. /lib/kmemlab/guest-lib.sh
kmemlab_prog=modes.sh

KO=/lib/kmemlab
DBG=/sys/kernel/debug/kmemlab

rm -f geometry.txt kfence-early.txt
kmemlab_geometry geometry.txt
PAGE_SIZE=$kmemlab_page_size
PER_PAGE=$((PAGE_SIZE / 32))	# structs of 32 bytes in a page
# Whether this kernel decides KFENCE's effect on arm64's linear map at
# boot (kfence_early_init): the judge's rule for block entries needs it.
grep -c ' kfence_early_init$' /proc/kallsyms > kfence-early.txt

pages_of() {
	for w in $1; do
		n=$(kmemlab_size "$w") || exit 1
		printf '%s ' "$n"
	done
}
kmalloc_pages=$(pages_of "$1") || exit 1
vmalloc_pages=$(pages_of "$2") || exit 1
too_big=$(kmemlab_size "$3") || exit 1

# probe LABEL ADDRESS: write the address, note the exit status and what
# the probe file says afterwards.
probe() {
	echo "$2" > $DBG/probe 2> /dev/null
	# shellcheck disable=SC2320  # the write's status is the probe's answer
	kmemlab_note "probe $1 $?"
	echo "probe-out $1 $(cat $DBG/probe)" >> probes.txt
}

# The buffer's page 1 (page 0 when there is one page): its first value is
# non-zero, so the probe's data can be checked against the formula.  The
# page after the buffer is a vmalloc guard page, never mapped.
probe_buffer() {
	mode=$1
	pages=$2
	line=$(cat $DBG/buffer)
	echo "buffer $mode $pages $line" >> probes.txt
	virt=$(echo "$line" | sed -n 's/.*virt=\(0x[0-9a-f]*\).*/\1/p')
	[ -n "$virt" ] || { kmemlab_note "buffer $mode-$pages 1"; return; }
	kmemlab_note "buffer $mode-$pages 0"
	page=$((pages > 1 ? 1 : 0))
	probe "$mode-$pages" "$(printf '%x' $((virt + page * PAGE_SIZE)))"
	if [ "$mode" = vmalloc ]; then
		probe "guard-$pages" "$(printf '%x' $((virt + pages * PAGE_SIZE)))"
	fi
}

experiment() {
	mode=$1
	pages=$2
	insmod $KO/kmemlab.ko mode="$mode" nr_structs=$((pages * PER_PAGE))
	rc=$?
	kmemlab_note "load $mode-$pages $rc"
	[ $rc -eq 0 ] || return
	probe_buffer "$mode" "$pages"
	rmmod kmemlab
	kmemlab_note "unload $mode-$pages $?"
}

rm -f results.txt probes.txt modes.dat
insmod $KO/kmemlab_trace.ko || kmemlab_die "cannot load kmemlab_trace.ko"
cat /proc/meminfo > meminfo.txt

kmemlab_record_start modes.dat record.log -b 8192 -e kmemlab -e kmem:kmalloc \
	-e kmem:kfree -e kmem:mm_page_alloc -e kmem:mm_page_free

for p in $kmalloc_pages; do
	experiment kmalloc "$p"
done
for p in $vmalloc_pages; do
	experiment vmalloc "$p"
done
experiment pages 64

# Too big for kmalloc: insmod fails, nothing stays loaded.
insmod $KO/kmemlab.ko mode=kmalloc nr_structs=$((too_big * PER_PAGE)) 2> /dev/null
kmemlab_note "load kmalloc-$too_big $?"
grep -q '^kmemlab ' /proc/modules
kmemlab_note "loaded-after kmalloc-$too_big $((1 - $?))"
insmod $KO/kmemlab.ko mode=bogus nr_structs=1 2> /dev/null
kmemlab_note "load bogus $?"
grep -q '^kmemlab ' /proc/modules
kmemlab_note "loaded-after bogus $((1 - $?))"

# The control file: "N MODE", and the refusals of the write.
insmod $KO/kmemlab.ko nr_structs=1 || kmemlab_die "cannot load kmemlab.ko"
for req in "256 kmalloc" "256 vmalloc" "256"; do
	echo "$req" > $DBG/run
	kmemlab_note "write $(echo "$req" | tr ' ' -) $?"
	cat $DBG/run >> control.txt
done
echo "$((too_big * PER_PAGE)) kmalloc" > $DBG/run 2> /dev/null
# shellcheck disable=SC2320  # the write's status is the answer
kmemlab_note "write too-big $?"
echo "256 bogus" > $DBG/run 2> /dev/null
# shellcheck disable=SC2320  # the write's status is the answer
kmemlab_note "write bogus $?"

# Addresses the probe must refuse, without a fault: NULL, a user address
# mapped in the writer's own mm (echo is a shell builtin), non-canonical.
probe null 0
probe user "$(head -n 1 /proc/$$/maps | cut -d- -f1)"
probe noncanonical 8000000000000000
probe garbage xyz
rmmod kmemlab
kmemlab_note "unload ctl $?"

kmemlab_record_stop
kmemlab_note "record rc $?"
rmmod kmemlab_trace
dmesg > modes-dmesg.txt
exit 0
