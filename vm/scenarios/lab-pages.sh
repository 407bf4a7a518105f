#!/bin/sh
# The page-allocator lab (seeds/000: exercises 2 to 5), run inside the lab
# VM to produce every output docs/lab.md shows:
#
#   vm/run --share out/lab vm/scenarios/lab-pages.sh
#
# Writes, in the share: pages.dat (one recording of every experiment),
# ex2.txt .. ex5.txt (transcripts: each command after "# ", then what it
# printed), and, when ./analyze was built, lab-layout.svg.
#
# Each experiment is a load of kmemlab.ko, numbered from run 1 because
# kmemlab_trace.ko is loaded fresh: run 1 exercise 2, runs 2-4 exercise 3,
# run 5 exercise 4, runs 6-8 exercise 5.  The transcripts refer to them by
# those numbers.
set -u

# shellcheck source-path=SCRIPTDIR/.. source=guest-lib.sh
. /lib/kmemlab/guest-lib.sh
kmemlab_prog=lab-pages

KO=/lib/kmemlab
DBG=/sys/kernel/debug/kmemlab
out=$PWD

cd /tmp || kmemlab_die "no /tmp"
rm -f "$out"/ex[2-5].txt "$out"/pages.dat "$out"/lab-layout.svg
insmod $KO/kmemlab_trace.ko || kmemlab_die "cannot load kmemlab_trace.ko"
dmesg -c > /dev/null

kmemlab_record_start /tmp/pages.dat /tmp/record.log -b 4096 -e kmemlab \
	-e kmem:mm_page_alloc -e kmem:mm_page_free

# Exercise 2: the parameter and the struct's size (default nr_structs).
f=$out/ex2.txt
kmemlab_transcript "$f" "insmod $KO/kmemlab.ko"
kmemlab_transcript "$f" "cat /sys/module/kmemlab/parameters/nr_structs"
kmemlab_transcript "$f" "dmesg -c"
kmemlab_transcript "$f" "rmmod kmemlab"
dmesg -c > /dev/null

# Exercise 3: pages and order for 1000, 2000, 4000 structs.
f=$out/ex3.txt
for n in 1000 2000 4000; do
	kmemlab_transcript "$f" "insmod $KO/kmemlab.ko nr_structs=$n"
	kmemlab_transcript "$f" "dmesg -c"
	kmemlab_transcript "$f" "rmmod kmemlab"
	dmesg -c > /dev/null
done

# Exercise 4: 200 structs, with show_values=1 so dmesg prints the lab's
# values (array[0] of each page's first struct); while loaded, read page
# 0 and page 1 back with kmemlab_check.ko (the second lab's check.ko) and
# through the probe (the first two values of each page, little-endian),
# and the last struct the lab asked for (struct 199 = page 1, struct 71).
f=$out/ex4.txt
kmemlab_transcript "$f" "insmod $KO/kmemlab.ko nr_structs=200 show_values=1"
kmemlab_transcript "$f" "dmesg -c"
kmemlab_transcript "$f" "cat $DBG/buffer"
virt=$(sed -n 's/.*virt=\(0x[0-9a-f]*\).*/\1/p' $DBG/buffer)
[ -n "$virt" ] || kmemlab_die "no virt= in $DBG/buffer"
kmemlab_transcript "$f" "insmod $KO/kmemlab_check.ko va=0x$(kmemlab_hex "$virt" 4096)"
kmemlab_transcript "$f" "dmesg -c"
kmemlab_transcript "$f" "rmmod kmemlab_check"
for off in 0 4096 $((4096 + 71 * 32)); do
	kmemlab_transcript "$f" "echo $(kmemlab_hex "$virt" $off) > $DBG/probe"
	kmemlab_transcript "$f" "cat $DBG/probe"
done
kmemlab_transcript "$f" "rmmod kmemlab"
kmemlab_transcript "$f" "dmesg -c"

# Exercise 5: verify on unload for 1000, 10000, 50000 structs.
f=$out/ex5.txt
for n in 1000 10000 50000; do
	kmemlab_transcript "$f" "insmod $KO/kmemlab.ko nr_structs=$n"
	kmemlab_transcript "$f" "rmmod kmemlab"
	kmemlab_transcript "$f" "dmesg -c"
done

kmemlab_record_stop || kmemlab_die "trace-cmd record failed: $(cat /tmp/record.log)"
cp /tmp/pages.dat "$out/pages.dat" || kmemlab_die "cannot copy pages.dat to $out"

# The recording, read back.  trace-cmd 3.1.6 applies -F only when it comes
# before the file, so the file is the last argument.
kmemlab_transcript "$out/ex3.txt" "trace-cmd report -F 'kmemlab_run_begin' pages.dat"
kmemlab_transcript "$out/ex4.txt" "trace-cmd report -F 'kmemlab_fill: run == 5' pages.dat"
kmemlab_transcript "$out/ex4.txt" "trace-cmd report -F 'kmemlab_translate: run == 5' pages.dat"
kmemlab_transcript "$out/ex5.txt" "trace-cmd report -F 'kmemlab_run_begin: run >= 6' -F 'kmemlab_run_end: run >= 6' -F 'kmemlab_alloc: run >= 6' -F 'kmemlab_free: run >= 6' pages.dat"
if command -v analyze > /dev/null; then
	kmemlab_transcript "$out/ex3.txt" "analyze report --run 3 pages.dat"
	kmemlab_transcript "$out/ex5.txt" "analyze report --run 7 pages.dat"
	kmemlab_transcript "$out/ex5.txt" "analyze report pages.dat"
	kmemlab_transcript "$out/ex5.txt" 'analyze check pages.dat; echo $?'
	kmemlab_transcript "$out/ex5.txt" "analyze layout pages.dat -o $out/lab-layout.svg"
else
	echo "lab-pages: analyze is not in the VM (build ./analyze first): no analyzer output" >&2
fi
rmmod kmemlab_trace
exit 0
