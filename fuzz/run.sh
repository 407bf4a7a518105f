#!/bin/sh
# fuzz/run.sh BUILD_DIR SECONDS - run the fuzz targets for SECONDS each.
#
# Seeds come from fuzz/corpus/; for the file and perf targets each seed
# recording also gets truncated and bit-flipped variants, made here rather
# than committed.  Crashing inputs are kept in BUILD_DIR/crashes-TARGET/
# and triaged by fuzz/triage.sh, which says whose crash each is.  Crashes
# inside libtracecmd or libtraceevent are counted apart and listed, not
# failed: ./analyze's guard turns them into exit 2 (fuzz/crashes-known/).
# Exit 1 when the analyzer's own code crashed, 0 otherwise.
set -u

build=$1
secs=$2
here=$(dirname "$0")
fail=0

# variants SEED OUTDIR: cut at a few lengths, and flip one byte at a few
# offsets, each offset derived from the length so reruns make the same set.
variants() {
	seed=$1
	dir=$2
	name=$(basename "$seed")
	name=${name%.*}
	size=$(wc -c < "$seed")
	for cut in 16 200 1000 4096 $((size / 3)) $((size / 2)) $((size - 100)); do
		if [ "$cut" -le 0 ] || [ "$cut" -ge "$size" ]; then
			continue
		fi
		head -c "$cut" "$seed" > "$dir/$name-cut$cut"
	done
	i=1
	while [ $i -le 12 ]; do
		off=$(( (size * i / 13 + i * 7) % size ))
		cp "$seed" "$dir/$name-flip$off"
		printf '\377' | dd of="$dir/$name-flip$off" bs=1 seek="$off" \
			conv=notrunc 2>/dev/null
		i=$((i + 1))
	done
}

# fuzz_file and fuzz_perf keep going after a crash (-fork=1
# -ignore_crashes=1), because libtracecmd and libtraceevent themselves
# crash on some corrupted files; each crash is then triaged: library
# crashes are counted and listed, analyzer crashes fail the run.
for t in model file perf; do
	corpus=$build/corpus-$t
	crashes=$build/crashes-$t
	rm -rf "$crashes"
	mkdir -p "$corpus" "$crashes"
	cp "$here/corpus/$t"/* "$corpus/" 2>/dev/null
	extra=
	if [ $t != model ]; then
		for s in "$here/corpus/$t"/*; do
			[ -f "$s" ] && variants "$s" "$corpus"
		done
		extra="-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1"
	fi
	echo "  FUZZ    fuzz_$t for $secs s (corpus $corpus)"
	log=$build/fuzz_$t.log
	# shellcheck disable=SC2086
	"$build/fuzz_$t" -max_total_time="$secs" -timeout=20 -rss_limit_mb=2048 \
		-malloc_limit_mb=512 -close_fd_mask=3 -print_final_stats=1 $extra \
		-artifact_prefix="$crashes/" "$corpus" > "$log" 2>&1
	rc=$?
	grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb)' "$log" |
		sed 's/^/          /'
	grep -E '^#[0-9]+: cov: .* exec/s' "$log" | tail -n 1 | sed 's/^/          /'
	# one line per kind of crash, with a count and one example input
	: > "$build/verdicts-$t"
	nlib=0 nours=0
	for c in "$crashes"/*; do
		[ -f "$c" ] || continue
		if verdict=$("$here/triage.sh" "$build/fuzz_$t" "$c"); then
			nlib=$((nlib + 1))
		else
			nours=$((nours + 1))
			fail=1
		fi
		printf '%s\t%s\n' "$(printf '%s' "$verdict" |
			sed 's/ (BuildId: [0-9a-f]*)//; s/0x[0-9a-f]*/ADDR/g')" "$c" \
			>> "$build/verdicts-$t"
	done
	sort "$build/verdicts-$t" | awk -F '\t' '
		$1 != last { if (n) printf "          %dx %s (e.g. %s)\n", n, last, ex;
			     last = $1; ex = $2; n = 0 }
		{ n++ }
		END { if (n) printf "          %dx %s (e.g. %s)\n", n, last, ex }'
	echo "          crashes: $nours in the analyzer, $nlib in the trace libraries"
	if [ $rc -ne 0 ] && [ $t = model ]; then
		echo "fuzz: fuzz_$t failed (exit $rc); see $log" >&2
		fail=1
	fi
done
[ $fail -eq 0 ] && echo "fuzz: no crashes in the analyzer"
exit $fail
