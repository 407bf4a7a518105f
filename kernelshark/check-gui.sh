#!/bin/bash
# kernelshark/check-gui.sh — GUI test of the kmemlab KernelShark plugin.
#
# Usage: kernelshark/check-gui.sh PLUGIN.so [TRACE.dat] [SHOT.png]
#
# Opens the recording in a real KernelShark under Xvfb three times, with
# the same window size and the same (whole-recording) view: twice without
# the plugin, once with it.  The two plain runs must give the same picture,
# so that any difference in the third comes from the plugin's drawing; the
# plugin's own colours must appear only in the third, each one whenever the
# recording holds its events (the split and merge marks: a kmemlab_split
# above the block's order, a kmemlab_merge with free buddies).  What the
# recording holds is read with trace-cmd, not with KernelShark.  SHOT, if given,
# receives the screenshot taken with the plugin.
set -u

plugin=$(realpath -e "${1:?usage: check-gui.sh PLUGIN.so [TRACE.dat] [SHOT.png]}") || exit 2
trace=${2:-out/trace.dat}
shot_out=${3:-}
work=$(dirname "$plugin")/gui
win_w=1280
win_h=800
# Colours drawn by the plugin (KmemlabPlot.cpp).
col_box='rgb(160,32,240)'
col_fill='rgb(0,160,0)'
col_verify='rgb(0,0,230)'
col_bad='rgb(230,0,0)'
col_split='rgb(255,140,0)'
col_merge='rgb(0,150,150)'

pass=0
fail=0
ok() { echo "ok   $*"; pass=$((pass + 1)); }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }
finish() {
	echo "kernelshark: $pass passed, $fail failed"
	[ "$fail" = 0 ]
	exit
}

need_tools() {
	local t missing=""
	for t in kernelshark:kernelshark Xvfb:xvfb xdotool:xdotool \
		 import:imagemagick compare:imagemagick trace-cmd:trace-cmd; do
		command -v "${t%%:*}" >/dev/null || missing="$missing ${t#*:}"
	done
	[ -z "$missing" ] && return 0
	bad "tools: missing; install:$missing (scripts/deps.sh gui)"
	finish
}

xvfb_pid=""
# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() { [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null; }
trap cleanup EXIT

start_xvfb() {
	# -displayfd lets the server pick a free display number.
	Xvfb -displayfd 3 -screen 0 ${win_w}x${win_h}x24 -nolisten tcp \
		3>"$work/display" >"$work/xvfb.log" 2>&1 &
	xvfb_pid=$!
	for _ in $(seq 50); do
		[ -s "$work/display" ] && break
		sleep 0.1
	done
	[ -s "$work/display" ] || { bad "Xvfb did not start, see $work/xvfb.log"; finish; }
	DISPLAY=:$(head -1 "$work/display")
	export DISPLAY
}

# Pixel count of colour $2 in image $1.
count_colour() {
	convert "$1" -alpha off -fill black +opaque "$2" -fill white -opaque "$2" \
		-format '%[fx:round(mean*w*h)]' info:
}

# Number of pixels that differ between two images.
pixels_differ() {
	compare -metric AE "$1" "$2" null: 2>&1 | cut -d' ' -f1
}

# Screenshots until two in a row match: KernelShark draws in steps.
settle_and_shoot() {
	local out=$1
	import -window root "$out.prev.png"
	for _ in $(seq 20); do
		sleep 0.5
		import -window root "$out"
		[ "$(pixels_differ "$out" "$out.prev.png")" = 0 ] && return 0
		mv "$out" "$out.prev.png"
	done
	mv "$out.prev.png" "$out"
	return 1
}

# Polled rather than `xdotool search --sync`: that search dies with an X
# error when one of the windows KernelShark opens and closes at start-up
# vanishes under it.
# find_window PID: gives up early once KernelShark has exited.
find_window() {
	local w
	for _ in $(seq 300); do
		w=$(xdotool search --name '^Kernel Shark' 2>/dev/null | head -1)
		[ -n "$w" ] && echo "$w" && return 0
		kill -0 "$1" 2>/dev/null || return 1
		sleep 0.2
	done
	return 1
}

# Without a window manager the window opens small, and a resize sent before
# it is mapped is lost: repeat until the geometry is what every run needs.
fit_window() {
	for _ in $(seq 50); do
		xdotool windowmove "$1" 0 0 windowsize "$1" $win_w $win_h 2>/dev/null
		sleep 0.2
		xdotool getwindowgeometry "$1" 2>/dev/null |
			grep -q "Geometry: ${win_w}x${win_h}$" && return 0
	done
	return 1
}

# The X server must still answer before each session: once, in a full
# `make check`, its socket vanished between two sessions and KernelShark
# could not start.  A fresh server is the same blank screen.
ensure_xvfb() {
	xdotool getdisplaygeometry >/dev/null 2>&1 && return 0
	echo "note: the X server stopped answering; starting a new one"
	cleanup
	start_xvfb
}

# run_ks NAME TRACE [kernelshark options]: one session, quit with ctrl+q.
# A session that could not reach the X server at all says nothing about
# KernelShark or the plugin: it gets one more try on a fresh server.
run_ks() {
	local rc
	run_ks_once "$@"
	rc=$?
	[ "$rc" = 3 ] || return "$rc"
	echo "note: $1: KernelShark could not connect to the X server; starting a new one"
	cleanup
	start_xvfb
	run_ks_once "$@"
	rc=$?
	[ "$rc" = 3 ] || return "$rc"
	bad "$1: KernelShark could not connect to a fresh X server either, see $work/$1.err"
	return 1
}

# Returns 3, having counted nothing, when KernelShark could not reach X.
run_ks_once() {
	local name=$1 data=$2 cache="$work/$1.cache" win pid rc
	shift 2
	ensure_xvfb
	# A fresh cache per run: KernelShark keeps the last session (window
	# size, plugins) there, which would leak from one run into the next.
	# noRootWarn: as root it opens a modal warning that blocks start-up.
	rm -rf "$cache" && mkdir -p "$cache"
	printf '[General]\nnoRootWarn=true\n' >"$cache/setting.ini"
	KS_USER_CACHE_DIR=$cache timeout 90 stdbuf -oL -eL \
		kernelshark "$@" "$data" >"$work/$name.out" 2>"$work/$name.err" &
	pid=$!
	win=$(find_window "$pid")
	if [ -z "$win" ]; then
		import -window root "$work/$name-timeout.png"
		kill "$pid" 2>/dev/null; wait "$pid"
		grep -q 'could not connect to display' "$work/$name.err" && return 3
		bad "$name: no KernelShark window within 60 s, see $work/$name.err and $name-timeout.png"
		return 1
	fi
	if ! fit_window "$win"; then
		kill "$pid" 2>/dev/null; wait "$pid"
		bad "$name: could not resize the KernelShark window to ${win_w}x${win_h}"
		return 1
	fi
	settle_and_shoot "$work/$name.png" || echo "note: $name: picture still changing after 10 s"
	# ctrl+q, not a signal: only a clean quit runs the plugins' deinit.
	for _ in 1 2 3; do
		xdotool windowfocus --sync "$win" key --window "$win" ctrl+q 2>/dev/null
		for _ in $(seq 25); do
			kill -0 "$pid" 2>/dev/null || break 2
			sleep 0.2
		done
	done
	wait "$pid"
	rc=$?
	echo "$rc" >"$work/$name.rc"
	return 0
}

trace_has() {
	trace-cmd report -i "$work/trace.dat" 2>/dev/null | grep -c " $1:"
}

# trace_above EVENT FIELD: events whose FIELD (source_order, merged_order)
# is above their order: splits of a larger block, merges with free buddies.
trace_above() {
	trace-cmd report -i "$work/trace.dat" 2>/dev/null |
		awk -v ev=" $1:" -v f="$2" 'index($0, ev) {
			o = -1; x = -1
			for (i = 1; i <= NF; i++) {
				if ($i ~ "^order=") o = substr($i, 7) + 0
				if (index($i, f "=") == 1) x = substr($i, length(f) + 2) + 0
			}
			if (x > o) n++
		} END { print n + 0 }'
}

# Runs without the plugin until two give the same picture; that picture
# becomes plain1.png.  Now and then one session is shot before KernelShark
# has drawn its graphs, so a single pair is not a reliable baseline.
plain_baseline() {
	local i j
	noise=""
	for i in 1 2 3 4; do
		run_ks "plain$i" "$work/trace.dat" || finish
		for ((j = 1; j < i; j++)); do
			noise=$(pixels_differ "$work/plain$j.png" "$work/plain$i.png")
			if [ "$noise" = 0 ]; then
				ok "two runs without the plugin look the same (after $i runs)"
				[ "$j" = 1 ] || cp "$work/plain$j.png" "$work/plain1.png"
				return 0
			fi
		done
	done
	return 1
}

main() {
	need_tools
	if [ ! -r "$trace" ]; then
		bad "recording: no $trace; run \`make demo\`, or name another recording (make check-gui KS_TRACE=file)"
		finish
	fi
	rm -rf "$work" && mkdir -p "$work"
	cp "$trace" "$work/trace.dat"

	check "plugin exports the KernelShark entry points" \
		bash -c "nm -D --defined-only '$plugin' | grep -q ' kshark_data_plugin_initializer$' &&
			 nm -D --defined-only '$plugin' | grep -q ' kshark_data_plugin_deinitializer$'"
	local n_alloc n_fill n_verify n_split n_merge
	n_alloc=$(trace_has kmemlab_alloc)
	n_fill=$(trace_has kmemlab_fill)
	n_verify=$(trace_has kmemlab_verify)
	n_split=$(trace_above kmemlab_split source_order)
	n_merge=$(trace_above kmemlab_merge merged_order)
	check "recording has kmemlab_alloc events ($n_alloc)" [ "$n_alloc" -gt 0 ]

	start_xvfb
	plain_baseline || bad "no two runs without the plugin looked the same (${noise:-?} pixels differ)"
	run_ks plugin "$work/trace.dat" -p "$plugin" || finish

	check "KernelShark says it loaded the plugin" \
		grep -qxF "loading plugin \"kmemlab\" from $plugin" "$work/plugin.out"
	check "the plugin initialised on the stream" \
		bash -c "! grep -q 'plugin \"kmemlab\" failed' '$work/plugin.out' '$work/plugin.err'"
	check "KernelShark quit cleanly with the plugin (exit $(cat "$work/plugin.rc"))" \
		[ "$(cat "$work/plugin.rc")" = 0 ]

	local diff
	diff=$(pixels_differ "$work/plain1.png" "$work/plugin.png")
	check "the plugin changes the picture ($diff pixels differ)" [ "$diff" -gt 500 ]

	check_colour "block lifetime boxes" "$col_box" 1
	check_colour "kmemlab_fill marks" "$col_fill" "$n_fill"
	check_colour "kmemlab_split marks ($n_split splits of a larger block)" \
		"$col_split" "$n_split"
	check_colour "kmemlab_merge marks ($n_merge merges with free buddies)" \
		"$col_merge" "$n_merge"
	# A verify mark is blue, or red when its page had mismatches.
	local marks
	marks=$(( $(count_colour "$work/plugin.png" "$col_verify") +
		  $(count_colour "$work/plugin.png" "$col_bad") ))
	if [ "$n_verify" -gt 0 ]; then
		check "kmemlab_verify marks drawn ($marks pixels)" [ "$marks" -gt 0 ]
	fi

	[ -n "$shot_out" ] && cp "$work/plugin.png" "$shot_out"
	finish
}

# check_colour WHAT COLOUR EXPECTED_EVENTS: drawn with the plugin only.
check_colour() {
	local with without
	with=$(count_colour "$work/plugin.png" "$2")
	without=$(count_colour "$work/plain1.png" "$2")
	check "$1: colour absent without the plugin ($without pixels)" [ "$without" = 0 ]
	if [ "$3" -gt 0 ]; then
		check "$1: drawn ($with pixels)" [ "$with" -gt 0 ]
	else
		check "$1: none drawn, the recording has none ($with pixels)" [ "$with" = 0 ]
	fi
}

main
