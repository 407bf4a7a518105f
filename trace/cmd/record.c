// SPDX-License-Identifier: GPL-2.0
/*
 * analyze record: trace-cmd record with every event a report needs, so
 * nobody has to remember the list.
 *
 * trace-cmd enables the events before it starts COMMAND, so COMMAND runs
 * under a small sh wrapper that waits a settle time after it: a recording
 * stopped right after its last event can lose that event (seen in the lab
 * VM).  trace-cmd does not pass COMMAND's exit status on, so the wrapper
 * writes it to a pipe.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "analyze.h"
#include "session.h"
#include "lib/util.h"

#define STATUS_FD	3
#define WRAPPER	"s=$1; shift; \"$@\"; rc=$?; sleep \"$s\"; echo $rc >&3; exit $rc"
/* trace-cmd record [-b KB] -e x (per event), -o FILE, -- sh -c W name secs */
#define FIXED_ARGS	16

static bool on_path(const char *prog)
{
	const char *path = getenv("PATH");
	char buf[4096];

	while (path && *path) {
		size_t n = strcspn(path, ":");

		snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, path, prog);
		if (n && !access(buf, X_OK))
			return true;
		path += n + !!path[n];
	}
	return false;
}

/* The trace-cmd command line; NULL with errno when out of memory. */
static char **build_argv(const char *out, const char *secs, const char *kb,
			 int argc, char **cmd)
{
	char **av = calloc(FIXED_ARGS + 2 * session_nr_events + argc + 1,
			   sizeof(*av));
	static char names[12][64];
	int n = 0;
	size_t i;

	if (!av)
		return NULL;
	av[n++] = "trace-cmd";
	av[n++] = "record";
	for (i = 0; i < session_nr_events && i < ARRAY_SIZE(names); i++) {
		const struct session_event *e = &session_events[i];

		if (e->optional && !session_event_exists(e))
			continue;
		snprintf(names[i], sizeof(names[i]), "%s%s%s", e->system,
			 e->name ? ":" : "", e->name ? e->name : "");
		av[n++] = "-e";
		av[n++] = names[i];
	}
	if (kb) {
		av[n++] = "-b";
		av[n++] = (char *)kb;
	}
	av[n++] = "-o";
	av[n++] = (char *)out;
	if (!argc)
		return av;
	av[n++] = "--";
	av[n++] = "sh";
	av[n++] = "-c";
	av[n++] = WRAPPER;
	av[n++] = "analyze-record";
	av[n++] = (char *)secs;
	memcpy(&av[n], cmd, argc * sizeof(*cmd));
	return av;
}

/* COMMAND's status from the wrapper, or -1 when it never said. */
static int read_status(int fd)
{
	char buf[16] = "";
	ssize_t n = read(fd, buf, sizeof(buf) - 1);

	return n > 0 ? atoi(buf) : -1;
}

static int run_trace_cmd(char **av, int *cmd_status)
{
	struct sigaction ign = { .sa_handler = SIG_IGN }, old_int, old_term;
	int fds[2], status;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		/* dup2() onto itself would keep close-on-exec. */
		if (fds[1] == STATUS_FD ? fcntl(STATUS_FD, F_SETFD, 0) :
		    dup2(fds[1], STATUS_FD) < 0)
			_exit(127);
		execvp(av[0], av);
		fprintf(stderr, "analyze: record: cannot run trace-cmd: %s\n",
			strerror(errno));
		_exit(127);
	}
	close(fds[1]);
	/* Ctrl-C is trace-cmd's cue to stop; we only wait for it. */
	sigaction(SIGINT, &ign, &old_int);
	sigaction(SIGTERM, &ign, &old_term);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	fcntl(fds[0], F_SETFL, O_NONBLOCK);
	*cmd_status = read_status(fds[0]);
	close(fds[0]);
	return status;
}

static int record(const char *out, const char *secs, const char *kb,
		  int argc, char **cmd)
{
	char err[256];
	char **av;
	int status, cmd_status = -1;

	if (!on_path("trace-cmd")) {
		analyze_err("record: trace-cmd not found on PATH (Debian: apt-get install trace-cmd)");
		return EXIT_INPUT;
	}
	if (session_check(err, sizeof(err))) {
		analyze_err("record: %s", err);
		return EXIT_INPUT;
	}
	av = build_argv(out, secs, kb, argc, cmd);
	if (!av) {
		analyze_err("record: %s", strerror(errno));
		return EXIT_INPUT;
	}
	status = run_trace_cmd(av, &cmd_status);
	free(av);
	if (status < 0) {
		analyze_err("record: cannot start trace-cmd: %s", strerror(errno));
		return EXIT_INPUT;
	}
	if (WIFSIGNALED(status) || (WEXITSTATUS(status) && cmd_status < 0)) {
		analyze_err("record: trace-cmd record failed (%s %d); %s may be incomplete",
			    WIFSIGNALED(status) ? "signal" : "status",
			    WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status),
			    out);
		return EXIT_INPUT;
	}
	if (cmd_status > 0) {
		analyze_err("record: the command exited with status %d; %s holds what it did",
			    cmd_status, out);
		return EXIT_VIOLATION;
	}
	return EXIT_OK;
}

static const struct option options[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "settle", required_argument, NULL, 's' },
	{ "buffer", required_argument, NULL, 'b' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int cmd_record(int argc, char **argv)
{
	const char *out = NULL, *secs = "1", *kb = NULL;
	double s;
	int c;

	optind = 1;
	/* '+': stop at COMMAND, whose options are its own. */
	while ((c = getopt_long(argc, argv, "+o:s:b:h", options, NULL)) != -1) {
		if (c == 'o') {
			out = optarg;
		} else if (c == 'b') {
			kb = optarg;
			if (strspn(kb, "0123456789") != strlen(kb) || !*kb) {
				analyze_err("record: --buffer wants kilobytes per CPU, not '%s'",
					    kb);
				return EXIT_INPUT;
			}
		} else if (c == 's') {
			secs = optarg;
			if (session_parse_secs(secs, &s)) {
				analyze_err("record: --settle wants seconds from 0 to 60, not '%s'",
					    secs);
				return EXIT_INPUT;
			}
		} else {
			return analyze_usage("record", c == 'h' ? stdout : stderr);
		}
	}
	if (!out) {
		analyze_err("record: -o FILE is required");
		return analyze_usage("record", stderr);
	}
	return record(out, secs, kb, argc - optind, argv + optind);
}
