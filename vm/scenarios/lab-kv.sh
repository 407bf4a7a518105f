#!/bin/sh
# The kmalloc/vmalloc lab (seeds/001: kmalloc vs vmalloc, virt_to_phys vs a
# page-table walk, reading one module's memory from another), run inside the
# lab VM to produce every output docs/lab.md shows:
#
#   vm/run --share out/lab vm/scenarios/lab-kv.sh
#
# Writes, in the share: kv.dat (the recording) and kv-kmalloc.txt,
# kv-vmalloc.txt, kv-after.txt, kv-report.txt (transcripts: each command
# after "# ", then what it printed).
#
# The lab allocates 8192 bytes: 256 structs of 32 bytes.  Run 1 is kmalloc,
# run 2 vmalloc; kmemlab_check.ko (the lab's check.ko) reads each buffer
# while it lives and after it was freed; run 3 is a one-struct load that
# only lends its probe file to look at the two freed buffers from a shell.
set -u

# shellcheck source-path=SCRIPTDIR/.. source=guest-lib.sh
. /lib/kmemlab/guest-lib.sh
kmemlab_prog=lab-kv

KO=/lib/kmemlab
DBG=/sys/kernel/debug/kmemlab
NR=256
out=$PWD

# do_cmd FILE CMD: append "# CMD" and what CMD prints (stdout and stderr) to
# FILE, the way a terminal shows it.  The paths are the VM's.
do_cmd() {
	f=$1
	shift
	echo "# $*" >> "$f"
	# eval, not sh -c: guest-lib.sh's insmod/rmmod (kmod's) reach it
	(eval "$*") >> "$f" 2>&1
	rc=$?
	[ $rc -eq 0 ] || echo "(exit status $rc)" >> "$f"
}

hex() {
	printf '%x' $(($1 + $2))
}

# probe FILE ADDR: what the lab's check.ko does with va=ADDR, from a shell
probe() {
	do_cmd "$1" "echo $2 > $DBG/probe"
	do_cmd "$1" "cat $DBG/probe"
}

# check FILE ADDR: the lab's check.ko itself, kmemlab_check.ko va=0xADDR
check() {
	do_cmd "$1" "insmod $KO/kmemlab_check.ko va=0x$2"
	do_cmd "$1" "dmesg -c"
	grep -q '^kmemlab_check ' /proc/modules && do_cmd "$1" "rmmod kmemlab_check"
}

# experiment MODE: load with MODE, show the buffer, read pages 0 and 1 (and,
# for vmalloc, the unmapped guard page after the buffer) through the probe.
# Sets $virt to the buffer's address.
experiment() {
	f=$out/kv-$1.txt
	do_cmd "$f" "insmod $KO/kmemlab.ko mode=$1 nr_structs=$NR"
	do_cmd "$f" "dmesg -c"
	do_cmd "$f" "cat $DBG/buffer"
	virt=$(sed -n 's/.*virt=\(0x[0-9a-f]*\).*/\1/p' $DBG/buffer)
	[ -n "$virt" ] || kmemlab_die "no virt= in $DBG/buffer"
	check "$f" "$(hex "$virt" 0)"
	probe "$f" "$(hex "$virt" 0)"
	probe "$f" "$(hex "$virt" 4096)"
	[ "$1" = vmalloc ] && probe "$f" "$(hex "$virt" 8192)"
	do_cmd "$f" "rmmod kmemlab"
	do_cmd "$f" "dmesg -c"
}

cd /tmp || kmemlab_die "no /tmp"
rm -f "$out"/kv-*.txt "$out"/kv.dat
insmod $KO/kmemlab_trace.ko || kmemlab_die "cannot load kmemlab_trace.ko"
dmesg -c > /dev/null

kmemlab_record_start /tmp/kv.dat /tmp/record.log -b 8192 -e kmemlab \
	-e kmem:kmalloc -e kmem:kfree -e kmem:mm_page_alloc -e kmem:mm_page_free

experiment kmalloc
kva=$virt
experiment vmalloc
vva=$virt

# Both buffers are freed now.  A one-struct load provides the probe again.
f=$out/kv-after.txt
check "$f" "$(hex "$kva" 0)"
check "$f" "$(hex "$vva" 0)"
do_cmd "$f" "insmod $KO/kmemlab.ko nr_structs=1"
probe "$f" "$(hex "$kva" 0)"
probe "$f" "$(hex "$kva" 4096)"
probe "$f" "$(hex "$vva" 0)"
do_cmd "$f" "rmmod kmemlab"

kmemlab_record_stop || kmemlab_die "trace-cmd record failed: $(cat /tmp/record.log)"
cp /tmp/kv.dat "$out/kv.dat" || kmemlab_die "cannot copy kv.dat to $out"

# trace-cmd 3.1.6 applies -F only when it comes before the file.
f=$out/kv-report.txt
do_cmd "$f" "trace-cmd report -F 'kmemlab_translate' kv.dat"
do_cmd "$f" "trace-cmd report -F 'kmalloc: bytes_req == 8192' -F 'kfree: ptr == $kva' kv.dat"
do_cmd "$f" "trace-cmd report -F 'kmemlab_alloc' kv.dat"
do_cmd "$f" "trace-cmd report -F 'kmemlab_probe' kv.dat"
if command -v analyze > /dev/null; then
	do_cmd "$f" "analyze report --run 1 kv.dat"
	do_cmd "$f" "analyze report --run 2 kv.dat"
	do_cmd "$f" 'analyze check kv.dat; echo $?'
else
	echo "lab-kv: analyze is not in the VM (build ./analyze first): no analyzer output" >&2
fi
rmmod kmemlab_trace
exit 0
