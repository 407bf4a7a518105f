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

# probe FILE ADDR: what the lab's check.ko does with va=ADDR, from a shell
probe() {
	kmemlab_transcript "$1" "echo $2 > $DBG/probe"
	kmemlab_transcript "$1" "cat $DBG/probe"
}

# check FILE ADDR: the lab's check.ko itself, kmemlab_check.ko va=0xADDR
check() {
	kmemlab_transcript "$1" "insmod $KO/kmemlab_check.ko va=0x$2"
	kmemlab_transcript "$1" "dmesg -c"
	grep -q '^kmemlab_check ' /proc/modules && kmemlab_transcript "$1" "rmmod kmemlab_check"
}

# experiment MODE: load with MODE, show the buffer, read pages 0 and 1 (and,
# for vmalloc, the unmapped guard page after the buffer) through the probe.
# Sets $virt to the buffer's address.
experiment() {
	f=$out/kv-$1.txt
	kmemlab_transcript "$f" "insmod $KO/kmemlab.ko mode=$1 nr_structs=$NR"
	kmemlab_transcript "$f" "dmesg -c"
	kmemlab_transcript "$f" "cat $DBG/buffer"
	virt=$(sed -n 's/.*virt=\(0x[0-9a-f]*\).*/\1/p' $DBG/buffer)
	[ -n "$virt" ] || kmemlab_die "no virt= in $DBG/buffer"
	check "$f" "$(kmemlab_hex "$virt" 0)"
	probe "$f" "$(kmemlab_hex "$virt" 0)"
	probe "$f" "$(kmemlab_hex "$virt" 4096)"
	[ "$1" = vmalloc ] && probe "$f" "$(kmemlab_hex "$virt" 8192)"
	kmemlab_transcript "$f" "rmmod kmemlab"
	kmemlab_transcript "$f" "dmesg -c"
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
check "$f" "$(kmemlab_hex "$kva" 0)"
check "$f" "$(kmemlab_hex "$vva" 0)"
kmemlab_transcript "$f" "insmod $KO/kmemlab.ko nr_structs=1"
probe "$f" "$(kmemlab_hex "$kva" 0)"
probe "$f" "$(kmemlab_hex "$kva" 4096)"
probe "$f" "$(kmemlab_hex "$vva" 0)"
kmemlab_transcript "$f" "rmmod kmemlab"

kmemlab_record_stop || kmemlab_die "trace-cmd record failed: $(cat /tmp/record.log)"
cp /tmp/kv.dat "$out/kv.dat" || kmemlab_die "cannot copy kv.dat to $out"

# trace-cmd 3.1.6 applies -F only when it comes before the file.
f=$out/kv-report.txt
kmemlab_transcript "$f" "trace-cmd report -F 'kmemlab_translate' kv.dat"
kmemlab_transcript "$f" "trace-cmd report -F 'kmalloc: bytes_req == 8192' -F 'kfree: ptr == $kva' kv.dat"
kmemlab_transcript "$f" "trace-cmd report -F 'kmemlab_alloc' kv.dat"
kmemlab_transcript "$f" "trace-cmd report -F 'kmemlab_probe' kv.dat"
if command -v analyze > /dev/null; then
	kmemlab_transcript "$f" "analyze report --run 1 kv.dat"
	kmemlab_transcript "$f" "analyze report --run 2 kv.dat"
	kmemlab_transcript "$f" 'analyze check kv.dat; echo $?'
else
	echo "lab-kv: analyze is not in the VM (build ./analyze first): no analyzer output" >&2
fi
rmmod kmemlab_trace
exit 0
