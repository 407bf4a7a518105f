#!/bin/sh
# Guest half of the lab VM test (run by vm/run, cwd = the share): both lab
# texts, read in dmesg as they say.  Exercise 4's values (show_values), the
# second lab's kmalloc/vmalloc lines, kmemlab_check.ko (the lab's check.ko)
# on live buffers and on addresses it must refuse, control-file input that
# must be refused with a reason, and a failing insmod.  Each step's dmesg
# goes to its own dmesg-STEP.txt (dmesg -c between steps) and what the
# commands answered to results.txt; tests/vm/check_lab.py judges on the
# host, against the recording lab.dat.

# shellcheck source-path=SCRIPTDIR/../../vm source=guest-lib.sh
. /lib/kmemlab/guest-lib.sh
kmemlab_prog=lab.sh

KO=/lib/kmemlab
DBG=/sys/kernel/debug/kmemlab
CTL=$DBG/run

# step LABEL CMD...: run CMD with a clean dmesg, keep what it logged, note
# its exit status.
step() {
	label=$1
	shift
	dmesg -c > /dev/null
	"$@" 2> "stderr-$label.txt"
	rc=$?
	dmesg -c > "dmesg-$label.txt"
	kmemlab_note "$label $rc"
}

# write LABEL TEXT: one control-file write as a step, then what reading
# the file says.
write() {
	# shellcheck disable=SC2016  # expanded by the child sh, safely quoted
	step "$1" sh -c 'printf "%s\n" "$1" > "$2"' write "$2" "$CTL"
	cat $CTL > "ctl-$1.txt"
}

buffer_virt() {
	sed -n 's/.*virt=\(0x[0-9a-f]*\).*/\1/p' $DBG/buffer
}

loaded() {
	grep -q "^$1 " /proc/modules
	kmemlab_note "loaded-$2 $((1 - $?))"
}

rm -f results.txt lab.dat dmesg-*.txt ctl-*.txt stderr-*.txt buffer-*.txt
# The page size as the kernel maps this process, not as the module says.
kb=$(sed -n 's/^KernelPageSize: *\([0-9]*\) kB/\1/p' /proc/self/smaps | head -n 1)
[ -n "$kb" ] || kmemlab_die "no KernelPageSize in /proc/self/smaps"
page_size=$((kb * 1024))
echo "$page_size" > pagesize.txt
per_page=$((page_size / 32))
cat /proc/meminfo > meminfo.txt

insmod $KO/kmemlab_trace.ko || kmemlab_die "cannot load kmemlab_trace.ko"
kmemlab_record_start lab.dat record.log -b 8192 -e kmemlab

# Exercise 4: nr_structs=200 with show_values, at load time and through
# the control file; without it, no values; 100 pages hit the cap.
step ex4-load insmod $KO/kmemlab.ko nr_structs=200 show_values=1
step ex4-unload rmmod kmemlab
step ex4-off insmod $KO/kmemlab.ko nr_structs=200
write ex4-ctl "200 show_values=1"
write cap "$((100 * per_page)) show_values=1"

# The second lab: kmalloc and vmalloc, four pages each.
write kmalloc "$((4 * per_page)) kmalloc"
write vmalloc "$((4 * per_page)) vmalloc"

# Control-file input that must be refused, and base-0 numbers.
write bad-abc abc
write bad-negative -1
write bad-empty ""
write bad-range 4294967296
write bad-long "$(printf '%070d' 7)"
write base-010 010
write base-0x10 0x10
step unload-ctl rmmod kmemlab

# kmemlab_check.ko on the load-time buffer: page 1 of a pages run, page 2
# of a vmalloc run; then the addresses it must refuse.
step check-pages-load insmod $KO/kmemlab.ko nr_structs=$((4 * per_page))
cat $DBG/buffer > buffer-pages.txt
virt=$(buffer_virt)
step check-pages insmod $KO/kmemlab_check.ko \
	va=0x"$(printf '%x' $((virt + page_size)))"
step check-pages-unload rmmod kmemlab_check
step check-pages-done rmmod kmemlab

step check-vmalloc-load insmod $KO/kmemlab.ko mode=vmalloc \
	nr_structs=$((4 * per_page))
cat $DBG/buffer > buffer-vmalloc.txt
virt=$(buffer_virt)
step check-vmalloc insmod $KO/kmemlab_check.ko \
	va=0x"$(printf '%x' $((virt + 2 * page_size)))"
step check-vmalloc-unload rmmod kmemlab_check
step check-null insmod $KO/kmemlab_check.ko va=0
loaded kmemlab_check null
step check-user insmod $KO/kmemlab_check.ko \
	va=0x"$(head -n 1 /proc/$$/maps | cut -d- -f1)"
loaded kmemlab_check user
# The page after a vmalloc buffer is its guard page, never mapped.
step check-unmapped insmod $KO/kmemlab_check.ko \
	va=0x"$(printf '%x' $((virt + 4 * page_size)))"
loaded kmemlab_check unmapped
# The debugfs probe refuses the same addresses through the same code.
probe() {
	# shellcheck disable=SC2016  # expanded by the child sh, safely quoted
	step "probe-$1" sh -c 'echo "$1" > "$2"' probe "$2" $DBG/probe
}
probe null 0
probe unmapped "$(printf '%x' $((virt + 4 * page_size)))"
probe garbage xyz
step check-vmalloc-done rmmod kmemlab

# A failing insmod: most of RAM (ENOMEM), then an unknown mode (EINVAL).
pages=$(sed -n 's/^MemTotal: *\([0-9]*\) kB/\1/p' /proc/meminfo)
pages=$((pages * 1024 * 95 / 100 / page_size))
echo "$((pages * per_page))" > enomem-structs.txt
step enomem insmod $KO/kmemlab.ko nr_structs=$((pages * per_page))
loaded kmemlab enomem
step bogus insmod $KO/kmemlab.ko mode=bogus nr_structs=1
loaded kmemlab bogus
step after-load insmod $KO/kmemlab.ko nr_structs=1
cat $DBG/buffer > buffer-after.txt
step after-unload rmmod kmemlab

kmemlab_record_stop
kmemlab_note "record rc $?"
rmmod kmemlab_trace
exit 0
