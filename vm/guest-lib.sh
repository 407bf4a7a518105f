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
#   kmemlab_mark WORD             write WORD (no spaces) to trace_marker: an
#                                 ftrace print event in the recording, so
#                                 the host can tell which events fell
#                                 between two steps of the guest script
#   kmemlab_geometry FILE         write the kernel's page size, largest
#                                 buddy order and PMD size, as the kernel
#                                 itself shows them (not the module), to
#                                 FILE as "name value" lines; sets
#                                 kmemlab_page_size and kmemlab_max_order
#   kmemlab_size EXPR             (after kmemlab_geometry) the number a
#                                 size such as 1000, P+1, B+1 or M+1 stands
#                                 for: P structs a page, B structs in the
#                                 largest buddy block, M pages in the
#                                 largest kmalloc (tests/vm/geometry.py
#                                 reads the same words)
#   kmemlab_transcript FILE CMD...
#                                 append "# CMD" and what CMD prints
#                                 (stdout and stderr, then "(exit status
#                                 N)" when it fails) to FILE, the way a
#                                 terminal shows it; CMD runs with eval in
#                                 a subshell, so insmod and rmmod are kmod's
#   kmemlab_hex ADDR OFFSET       ADDR + OFFSET in hex without 0x, as
#                                 kmemlab/probe takes it
#   insmod, rmmod, modprobe, lsmod, modinfo
#                                 kmod's (/sbin/*), not busybox's applets

kmemlab_tracing=/sys/kernel/tracing

# busybox sh runs its own applets before anything on PATH, and busybox's
# insmod retries a failed finit_module() with init_module(): a module whose
# init fails would run, and log, twice.  vm/run installs kmod's tools as
# /sbin/*, as on a real machine; these names reach them.  A child `sh -c`
# does not inherit functions: run such commands with eval in a subshell.
insmod() { /sbin/insmod "$@"; }
rmmod() { /sbin/rmmod "$@"; }
modprobe() { /sbin/modprobe "$@"; }
lsmod() { /sbin/lsmod "$@"; }
modinfo() { /sbin/modinfo "$@"; }

kmemlab_die() {
	echo "${kmemlab_prog:-guest}: $*" >&2
	exit 1
}

kmemlab_note() {
	echo "$*" >> results.txt
}

kmemlab_mark() {
	echo "$1" > "$kmemlab_tracing/trace_marker" ||
		kmemlab_die "cannot write $1 to $kmemlab_tracing/trace_marker"
}

kmemlab_transcript() {
	kmemlab_f=$1
	shift
	echo "# $*" >> "$kmemlab_f"
	(eval "$*") >> "$kmemlab_f" 2>&1
	kmemlab_rc=$?
	[ $kmemlab_rc -eq 0 ] || echo "(exit status $kmemlab_rc)" >> "$kmemlab_f"
}

kmemlab_hex() {
	printf '%x' $(($1 + $2))
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

# busybox has no getconf: smaps' KernelPageSize is the kernel's page size.
# /proc/buddyinfo has one free count per order, so its last column is the
# largest order.  hpage_pmd_size is a PMD leaf's size; without THP,
# Hugepagesize is the same on x86_64 and arm64 (its default hugepage is a
# PMD).
kmemlab_geometry() {
	{
		awk '/^KernelPageSize:/ { print "page_size", $2 * 1024; exit }' \
			/proc/self/smaps
		awk '/zone/ { print "max_order", NF - 5; exit }' /proc/buddyinfo
		if [ -r /sys/kernel/mm/transparent_hugepage/hpage_pmd_size ]; then
			echo "pmd_size $(cat /sys/kernel/mm/transparent_hugepage/hpage_pmd_size)"
		else
			awk '/^Hugepagesize:/ { print "pmd_size", $2 * 1024 }' /proc/meminfo
		fi
		echo "release $(uname -r)"
		echo "machine $(uname -m)"
	} > "$1"
	kmemlab_page_size=$(awk '$1 == "page_size" { print $2 }' "$1")
	kmemlab_max_order=$(awk '$1 == "max_order" { print $2 }' "$1")
	if [ -z "$kmemlab_page_size" ] || [ -z "$kmemlab_max_order" ]; then
		kmemlab_die "cannot read the page size or largest order: $(cat "$1")"
	fi
}

kmemlab_size() {
	case $1 in
	*[!0-9PBM+*/\(\)\ -]*|'')
		kmemlab_die "size '$1': only digits, P, B, M, + - * / ( )" ;;
	esac
	kmemlab_p=$((kmemlab_page_size / 32))
	kmemlab_expr=$(echo "$1" | sed "s/P/$kmemlab_p/g; \
		s/B/$((kmemlab_p << kmemlab_max_order))/g; \
		s/M/$((1 << kmemlab_max_order))/g")
	echo $((kmemlab_expr))
}
