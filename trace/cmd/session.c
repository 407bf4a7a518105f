// SPDX-License-Identifier: GPL-2.0
/* The events a kmemlab session records, checked against this kernel. */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <tracefs.h>

#include "session.h"
#include "lib/util.h"
#include "lib/err.h"

const struct session_event session_events[] = {
	{ "kmemlab", NULL, false },
	{ "kmem", "mm_page_alloc", false },
	{ "kmem", "mm_page_free", false },
	/* The free lists around each block (report's came/went lines). */
	{ "kmem", "mm_page_alloc_zone_locked", true },
	{ "kmem", "mm_page_pcpu_drain", true },
	{ "kmem", "mm_page_alloc_extfrag", true },
	/* When modules came and went: tells a reload from a new run. */
	{ "module", "module_load", true },
	{ "module", "module_free", true },
};

const size_t session_nr_events = ARRAY_SIZE(session_events);

bool session_event_exists(const struct session_event *e)
{
	if (e->name)
		return tracefs_event_file_exists(NULL, e->system, e->name,
						 "format");
	/* A system directory has its own "enable" file. */
	return tracefs_event_file_exists(NULL, e->system, "", "enable");
}

int session_check(char *err, size_t len)
{
	const char *dir = tracefs_tracing_dir();
	size_t i;

	if (!dir) {
		err_set(err, len, errno,
			"tracefs is not mounted (mount -t tracefs nodev /sys/kernel/tracing)");
		return -1;
	}
	if (access(dir, R_OK | W_OK | X_OK)) {
		err_set(err, len, errno, "cannot use %s: %s (run as root)", dir, strerror(errno));
		return -1;
	}
	for (i = 0; i < session_nr_events; i++) {
		const struct session_event *e = &session_events[i];

		if (e->optional || session_event_exists(e))
			continue;
		if (!strcmp(e->system, "kmemlab"))
			err_set(err, len, errno,
				"no kmemlab events in %s: kmemlab_trace.ko is not loaded (insmod build/module/$(uname -r)/kmemlab_trace.ko)",
				dir);
		else
			err_set(err, len, errno, "this kernel has no %s:%s event in %s",
				e->system, e->name, dir);
		return -1;
	}
	return 0;
}

pid_t session_spawn(char *const argv[])
{
	pid_t pid = fork();

	if (pid)
		return pid;
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	execvp(argv[0], argv);
	fprintf(stderr, "analyze: cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

int session_parse_secs(const char *s, double *secs)
{
	char *end;

	errno = 0;
	*secs = strtod(s, &end);
	if (errno || !*s || *end || !(*secs >= 0 && *secs <= 60))
		return -1;
	return 0;
}
