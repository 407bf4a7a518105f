#!/bin/sh
# fuzz/triage.sh BINARY INPUT - rerun one crashing input and say whose
# crash it is.
#
# "library": the sanitizer's first stack frame in the analyzer is one of the
# functions that hand the file to libtracecmd or libtraceevent under the
# signal guard's name (read_tracecmd_load, load, guarded_load, load_fd,
# read_file_load, tdat_load, tdat_head_parse: tep_free; parse_one:
# tep_parse_event; parse_headers: tep_parse_header_page), and a frame
# above it is in one of those
# libraries: the library crashed on a corrupted file, which ./analyze
# survives through read/read-file.c's signal guard (exit 2, the call
# named).
# "analyzer": anything else (a frame in trace/ code that is not a plain call
# into the library, or no stack at all).  Prints "KIND: one-line summary";
# exit 0 for library, 1 for analyzer.
set -u

bin=$1
input=$2
# The limits fuzz/run.sh fuzzes with; the slow unwinder, because libtracecmd
# has no frame pointers and the fast one stops at its first frame.
report=$(ASAN_OPTIONS=fast_unwind_on_malloc=0:fast_unwind_on_fatal=0 \
	"$bin" -runs=1 -malloc_limit_mb=512 -rss_limit_mb=2048 "$input" 2>&1)

first=$(printf '%s\n' "$report" | awk '
	/^ *#[0-9]+ / && /\/trace\/([a-z]+\/)?[a-z-]+\.c:/ {
		for (i = 1; i <= NF; i++) if ($i == "in") { print $(i + 1); exit }
	}')
lib=$(printf '%s\n' "$report" | awk '
	/^ *#[0-9]+ / && /\/trace\/([a-z]+\/)?[a-z-]+\.c:/ { exit }
	/^ *#[0-9]+ / && /libtrace(cmd|event)\.so/ { print "yes"; exit }')
summary=$(printf '%s\n' "$report" | grep -m 1 '^SUMMARY:' | cut -c 1-160)
[ -n "$summary" ] || summary=$(printf '%s\n' "$report" | grep -m 1 -E 'ERROR|WARNING|runtime error' | cut -c 1-160)
if [ -z "$summary" ] && printf '%s\n' "$report" | grep -q 'HandleMalloc'; then
	summary="libFuzzer: malloc above the 512 MB limit"
fi

case "$first" in
read_tracecmd_load|load|guarded_load|load_fd|read_file_load|tdat_load|tdat_head_parse|parse_one|parse_headers)
	if [ "$lib" = yes ]; then
		echo "library: $summary (called from $first)"
		exit 0
	fi ;;
esac
echo "analyzer: ${summary:-no sanitizer report} (first analyzer frame: ${first:-none})"
exit 1
