# shellcheck shell=sh
# vm/guest-lib.sh — helpers shared by the guest scripts, sourced in the lab
# VM as `. /lib/kmemlab/guest-lib.sh` (vm/run copies it there at each run).
# POSIX sh as busybox ash runs it: no `local`, so every variable it sets
# starts with kmemlab_ and cannot clobber a caller's.
#
#   kmemlab_prog=NAME             set by the caller: prefix of kmemlab_die
#   kmemlab_die MSG...            "NAME: MSG" on stderr, exit 1
#   kmemlab_note MSG...           append MSG as a line to ./results.txt
#   kmemlab_record_start OUT LOG TRACE_CMD_RECORD_OPTIONS...
#                                 trace-cmd record into OUT in the
#                                 background (its output in LOG); returns
#                                 once every -e event is being recorded
#   kmemlab_record_stop           stop it; returns trace-cmd's exit status

kmemlab_tracing=/sys/kernel/tracing

kmemlab_die() {
	echo "${kmemlab_prog:-guest}: $*" >&2
	exit 1
}

kmemlab_note() {
	echo "$*" >> results.txt
}

# The enable file of one -e argument: a system ("kmemlab") or an event
# ("kmem:mm_page_free").
kmemlab_enable_file() {
	case $1 in
	*:*) echo "$kmemlab_tracing/events/${1%%:*}/${1#*:}/enable" ;;
	*) echo "$kmemlab_tracing/events/$1/enable" ;;
	esac
}

# kmemlab_wait_recording ENABLE_FILE...: poll until every file and
# tracing_on read 1.  trace-cmd turns tracing_on off, enables the events,
# starts its readers and only then turns tracing_on back on: wait for both,
# or the first experiment is lost (seen under load).
kmemlab_wait_recording() {
	kmemlab_i=0
	while :; do
		kmemlab_ready=1
		for kmemlab_f in "$@" "$kmemlab_tracing/tracing_on"; do
			[ "$(cat "$kmemlab_f" 2>/dev/null)" = 1 ] || kmemlab_ready=0
		done
		[ $kmemlab_ready = 1 ] && return 0
		kill -0 "$kmemlab_rec_pid" 2>/dev/null ||
			kmemlab_die "trace-cmd exited early: $(cat "$kmemlab_rec_log")"
		kmemlab_i=$((kmemlab_i + 1))
		[ $kmemlab_i -le 300 ] ||
			kmemlab_die "trace-cmd did not enable the events within 30 s"
		sleep 0.1
	done
}

# Runs trace-cmd in the background rather than as `trace-cmd record -- CMD`:
# with a short CMD it can stop before the events it enabled ever reach the
# buffer it reads, and the recording comes back empty.
kmemlab_record_start() {
	kmemlab_rec_out=$1
	kmemlab_rec_log=$2
	shift 2
	# A previous recorder leaves its events enabled: turn them off, so the
	# wait below sees this recorder's settings, not the old one's.
	echo 0 > "$kmemlab_tracing/events/enable"
	trace-cmd record -q "$@" -o "$kmemlab_rec_out" > "$kmemlab_rec_log" 2>&1 &
	kmemlab_rec_pid=$!
	kmemlab_files=
	kmemlab_prev=
	for kmemlab_a in "$@"; do
		case $kmemlab_prev in
		-e) kmemlab_files="$kmemlab_files $(kmemlab_enable_file "$kmemlab_a")" ;;
		esac
		kmemlab_prev=$kmemlab_a
	done
	# shellcheck disable=SC2086  # tracefs paths have no spaces
	kmemlab_wait_recording $kmemlab_files
}

kmemlab_record_stop() {
	# A recording stopped right after its last event can lose it (the
	# recorder has not drained the per-CPU buffers yet): settle first.
	sleep 1
	kill -INT "$kmemlab_rec_pid"
	wait "$kmemlab_rec_pid"
}
