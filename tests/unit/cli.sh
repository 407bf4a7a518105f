#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# cli.sh ANALYZE TRACE.DAT WORKDIR [FAILED.DAT] - run the analyzer binary on
# a real recording and on damaged copies of it: reports must work, bad input
# must end in exactly one "analyze: FILE: cause" line and exit status 2,
# never a crash.  The counts the report gives (and FAILED.DAT's, a recording
# with a run whose allocation failed) are judged against trace-cmd's by
# cli_counts.py.  Prints "cli: N passed, N failed"; exits 1 on any failure.

analyze=$1 trace=$2 work=$3 failed=${4:-}
case $analyze in */*) analyze=$(cd "$(dirname "$analyze")" && pwd)/$(basename "$analyze") ;; esac
pass=0 fail=0

ok()  { pass=$((pass + 1)); [ -n "$V" ] && echo "ok   $*"; return 0; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }

# expect NAME WANTED-STATUSES CMD... : status in the list, one stderr line on 2
expect() {
	name=$1 want=$2; shift 2
	"$@" >"$work/out" 2>"$work/err"; rc=$?
	case " $want " in *" $rc "*) ;; *)
		bad "$name: exit $rc, wanted $want: $(head -c 300 "$work/err")"; return 1;;
	esac
	if [ $rc -eq 2 ] && [ "$(wc -l <"$work/err")" -ne 1 ]; then
		bad "$name: $(wc -l <"$work/err") lines on stderr, wanted 1"; return 1
	fi
	if [ $rc -eq 2 ] && ! grep -q '^analyze: ' "$work/err"; then
		bad "$name: error does not start with 'analyze: '"; return 1
	fi
	# report prints runs as it reads them, into a spool: a file found
	# bad at any point leaves nothing half-printed on stdout
	if [ $rc -eq 2 ] && [ -s "$work/out" ]; then
		bad "$name: exit 2 after $(wc -c <"$work/out") bytes on stdout"; return 1
	fi
	ok "$name"
}

# grep_out NAME PATTERN FILE: the last command's output (or stderr) matches
grep_out() {
	if grep -q -- "$2" "$work/$3"; then ok "$1"; else bad "$1: no '$2' in $3"; fi
}

mkdir -p "$work" || exit 1
work=$(cd "$work" && pwd)	# the default-file tests run in a subdirectory
size=$(stat -c %s "$trace")

expect "report" 0 "$analyze" report "$trace"
grep_out "report has SUMMARY" '^SUMMARY' out
grep_out "report has the kernel's tables" '^KERNEL PAGE ALLOCATIONS' out
cp "$work/out" "$work/full.txt"
# report prints each run as it finishes, through a spool, and drops its
# blocks; --run N keeps every run to the end: the two must print each
# run's detail alike.
same=ok
for id in $(sed -n 's/^RUN \([0-9]*\) .*/\1/p' "$work/full.txt" | sort -un); do
	section='$1 == "RUN" && $2 == id { p = 1 } p { print } p && /^$/ { p = 0 }'
	"$analyze" report --run "$id" "$trace" >"$work/one.txt" 2>/dev/null ||
		{ same="report --run $id failed"; break; }
	awk -v id="$id" "$section" "$work/full.txt" >"$work/a.txt"
	awk -v id="$id" "$section" "$work/one.txt" >"$work/b.txt"
	[ -s "$work/a.txt" ] && cmp -s "$work/a.txt" "$work/b.txt" ||
		{ same="run $id differs from report --run $id"; break; }
done
if [ "$same" = ok ]; then ok "report's runs as report --run prints them"; else bad "$same"; fi
# A spool that cannot be written (here: a file size limit of 2 blocks,
# its signal ignored) is an error naming it, with nothing on stdout.
expect "report with its temporary file refused" 2 sh -c \
	'trap "" XFSZ; ulimit -f 2 && exec "$0" report "$1"' "$analyze" "$trace" &&
	grep_out "report names its temporary file" "temporary file.*File too large" err
# --run N: that run only; the kernel's tables cover the whole recording.
run1=$(sed -n 's/^RUN \([0-9]*\) .*/\1/p' "$work/full.txt" | head -1)
expect "report --run $run1" 0 "$analyze" report --run "$run1" "$trace"
if [ "$(grep -c '^RUN ' "$work/out")" -eq 1 ] &&
   ! grep -q '^KERNEL PAGE ALLOCATIONS' "$work/out"; then
	ok "report --run: one run, no kernel-wide tables"
else
	bad "report --run: wanted one RUN and no KERNEL PAGE ALLOCATIONS table"
fi
expect "check runs" "0 1" "$analyze" check "$trace"
expect "json" 0 "$analyze" report --json "$trace"
if command -v python3 >/dev/null; then
	if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["schema"]=="kmemlab-analyze/2"' "$work/out"
	then ok "json parses"; else bad "json does not parse"; fi
fi
# --sort: the RUNS table in the order the JSON's own numbers give
# (waste descending, then nr_structs, then run), worked out in Python.
if command -v python3 >/dev/null; then
	cp "$work/out" "$work/report.json"
	expect "report --sort" 0 "$analyze" report --sort -waste,structs,run "$trace"
	if python3 - "$work/report.json" "$work/out" <<'PY'
import json, re, sys
d = json.load(open(sys.argv[1]))
want = [r["run"] for r in sorted(d["runs"], key=lambda r: (-r["waste_pages"], r["nr_structs"], r["run"]))]
text = open(sys.argv[2]).read().split("RUNS (", 1)[1].split("\n\n", 1)[0]
got = [int(m.group(1)) for m in re.finditer(r"^ +(\d+) +\w+ ", text, re.M)]
sys.exit(0 if got == want else 1)
PY
	then ok "--sort -waste,structs,run orders the RUNS table"
	else bad "--sort -waste,structs,run: wrong order"; fi
	expect "report --sort unknown key" 2 "$analyze" report --sort nosuchkey "$trace"
fi
# Level names: the analyzer's words are the module's own (show_kmemlab_level
# in module/kmemlab_trace.h), in the module's order, in JSON as in text.
if command -v python3 >/dev/null; then
	if python3 - "$work/report.json" "$(dirname "$0")/../../module/kmemlab_trace.h" <<'PY'
import json, re, sys
d = json.load(open(sys.argv[1]))
hdr = open(sys.argv[2]).read()
block = hdr.split("#define show_kmemlab_level", 1)[1].split("\n\n", 1)[0]
module = re.findall(r'\{ KMEMLAB_LEVEL_\w+, *"(\w+)" *\}', block)
runs = [r for r in d["runs"] if "levels" in r]
sys.exit(0 if module and runs and all(list(r["levels"]) == module for r in runs) else 1)
PY
	then ok "level names are the module's show_kmemlab_level words"
	else bad "level names differ from module/kmemlab_trace.h's show_kmemlab_level"; fi
fi
expect "help" 0 "$analyze" help

# Every command's manual page: both ways of asking give the same page, it
# has the man-page sections, and it names every option the command's
# getopt parser (trace/cmd/CMD.c) accepts, long and short.
src=$(dirname "$0")/../../trace/cmd
for cmd in $("$analyze" help | sed -n 's/^  \([a-z][a-z]*\) .*/\1/p'); do
	expect "$cmd --help" 0 "$analyze" "$cmd" --help || continue
	cp "$work/out" "$work/help-$cmd"
	expect "help $cmd" 0 "$analyze" help "$cmd"
	if cmp -s "$work/out" "$work/help-$cmd"; then ok "help $cmd = $cmd --help"
	else bad "help $cmd differs from $cmd --help"; fi
	for s in NAME SYNOPSIS DESCRIPTION EXAMPLES 'EXIT STATUS'; do
		grep_out "$cmd --help has $s" "^$s\$" "help-$cmd"
	done
	[ -f "$src/$cmd.c" ] || continue
	longs=$(sed -n '/struct option/,/^};/s/.*{ "\([a-z-]*\)".*/\1/p' "$src/$cmd.c")
	shorts=$(sed -n 's/.*getopt_long([^"]*"\([^"]*\)".*/\1/p' "$src/$cmd.c" |
		tr -d ':+' | sed 's/./& /g')
	for o in $longs; do
		if grep -qE -- "(^|[ ,])--$o([ ,=]|\$)" "$work/help-$cmd"; then
			ok "$cmd --help names --$o"
		else bad "$cmd --help does not name --$o"; fi
	done
	for o in $shorts; do
		if grep -qE -- "(^|[ ])-$o([ ,]|\$)" "$work/help-$cmd"; then
			ok "$cmd --help names -$o"
		else bad "$cmd --help does not name -$o"; fi
	done
done
# No FILE: ./trace.dat, as trace-cmd report; missing, the usual one line.
mkdir -p "$work/cwd" && rm -f "$work/cwd/trace.dat"
for cmd in report check layout; do
	(cd "$work/cwd" && expect "$cmd with no file and no ./trace.dat" 2 \
		"$analyze" $cmd) && grep_out "$cmd names ./trace.dat" '^analyze: trace.dat: No such file' err
done
ln -s "$(cd "$(dirname "$trace")" && pwd)/$(basename "$trace")" "$work/cwd/trace.dat"
"$analyze" report "$trace" | sed 1d >"$work/named"
(cd "$work/cwd" && expect "report with no file reads ./trace.dat" 0 "$analyze" report)
if sed 1d "$work/out" | cmp -s - "$work/named"; then ok "report of ./trace.dat = report FILE"
else bad "report with no file differs from report $trace"; fi
rm -f "$work/cwd/trace.dat"

# Counts against trace-cmd report -R (cli_counts.py).
if command -v python3 >/dev/null && command -v trace-cmd >/dev/null; then
	python3 "$(dirname "$0")/cli_counts.py" "$analyze" "$trace" ${failed:+"$failed"} \
		>"$work/counts" 2>&1
	grep '^FAIL' "$work/counts"
	[ -n "$V" ] && grep '^ok' "$work/counts"
	line=$(tail -n 1 "$work/counts")
	p=$(echo "$line" | sed -n 's/^cli-counts: \([0-9]*\) passed.*/\1/p')
	f=$(echo "$line" | sed -n 's/.* \([0-9]*\) failed$/\1/p')
	[ -n "$p" ] || { f=1; echo "FAIL cli_counts.py: $line"; }
	pass=$((pass + ${p:-0})) fail=$((fail + ${f:-1}))
fi

expect "unknown command" 2 "$analyze" frobnicate
expect "no such file" 2 "$analyze" report "$work/does-not-exist.dat"
grep_out "no such file names the cause" 'No such file' err
printf 'not a trace\n' >"$work/text.dat"
expect "not a trace.dat" 2 "$analyze" report "$work/text.dat"
expect "directory" 2 "$analyze" check "$work"

for n in 0 9 64 4096 $((size / 3)) $((size / 2)) $((size - 4096)); do
	[ "$n" -ge 0 ] || continue
	head -c "$n" "$trace" >"$work/trunc.dat"
	expect "truncated to $n bytes" "0 2" "$analyze" report "$work/trunc.dat"
	expect "check truncated to $n bytes" "0 1 2" "$analyze" check "$work/trunc.dat"
done

# A version 7 file cut short anywhere, even by its last byte, is refused
# as truncated (libtracecmd alone reads what is left without a word).
if [ "$(dd if="$trace" bs=1 skip=10 count=1 2>/dev/null)" = 7 ]; then
	for cut in 1 2 16 17 100 4096 $((size / 2)) $((size - 64)); do
		[ "$cut" -lt "$size" ] || continue
		head -c $((size - cut)) "$trace" >"$work/cut.dat"
		for cmd in report check; do
			expect "$cmd of a copy $cut bytes short" 2 "$analyze" $cmd "$work/cut.dat" &&
				grep_out "$cmd names the cut ($cut)" 'truncated' err
			done
	done
fi

# Flip one byte at spread-out offsets (deterministic, no $RANDOM in sh).
i=1
while [ $i -le 24 ]; do
	off=$(( (size / 25) * i + i * 7 ))
	cp "$trace" "$work/flip.dat"
	printf '\377' | dd of="$work/flip.dat" bs=1 seek="$off" conv=notrunc 2>/dev/null
	expect "byte flipped at $off" "0 2" "$analyze" report "$work/flip.dat"
	i=$((i + 1))
done

# Two readers of the CPU data (trace/read/tdat.h streams them; libtracecmd
# with KMEMLAB_READER=libtracecmd) must give the same JSON byte for byte,
# on the recording and on an uncompressed version 7 copy of it.
same_json() {
	"$analyze" report --json "$1" >"$work/stream.json" 2>&1
	KMEMLAB_READER=libtracecmd "$analyze" report --json "$1" \
		>"$work/libtracecmd.json" 2>&1
	if cmp -s "$work/stream.json" "$work/libtracecmd.json"; then
		ok "readers agree on $2"
	else
		bad "readers differ on $2 (see $work/stream.json)"
	fi
}
same_json "$trace" "the recording"
if trace-cmd convert -i "$trace" -o "$work/raw.dat" --compression none \
	>/dev/null 2>&1; then
	same_json "$work/raw.dat" "an uncompressed copy"
fi

# Format-level damage needs an uncompressed copy (trace-cmd convert).
if trace-cmd convert -i "$trace" -o "$work/v6.dat" --file-version 6 \
	--compression none >/dev/null 2>&1; then
	sed 's/name: kmemlab_/name: kmemlXb_/' "$work/v6.dat" >"$work/kmem-only.dat"
	sed 's/name: mm_page_/name: mm_pXge_/' "$work/kmem-only.dat" >"$work/none.dat"
	sed 's/field:unsigned long pfn;/field:unsigned long pXn;/' "$work/v6.dat" \
		>"$work/nofield.dat"
	expect "v6 copy" 0 "$analyze" report "$work/v6.dat"
	if grep -q 'kernel view     not recorded' "$work/out"; then
		expect "no kmem and no kmemlab events" 2 "$analyze" report "$work/kmem-only.dat"
	else
		expect "kmem events only" 0 "$analyze" report "$work/kmem-only.dat"
		grep_out "kmem only says so" 'no kmemlab runs were recorded' out
		expect "no kmemlab or kmem events" 2 "$analyze" report "$work/none.dat"
		grep_out "names what to record" 'record with -e kmemlab' err
	fi
	expect "missing field" 2 "$analyze" report "$work/nofield.dat"
	grep_out "names the field" "no field 'pfn'" err
fi

echo "cli: $pass passed, $fail failed"
[ $fail -eq 0 ]
