/* SPDX-License-Identifier: GPL-2.0 */
/*
 * session - what analyze record and analyze live share: the events a
 * report needs, the check that this kernel has them, and running COMMAND.
 */
#ifndef _KMEMLAB_SESSION_H
#define _KMEMLAB_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct session_event {
	const char *system;
	const char *name;	/* NULL: every event of the system */
	bool optional;		/* recorded when this kernel has it */
};

extern const struct session_event session_events[];
extern const size_t session_nr_events;

/* True when tracefs has the event (or, with name NULL, the system). */
bool session_event_exists(const struct session_event *e);

/*
 * 0 when tracefs is readable and has every required event; -1 with a
 * one-line cause and what to do in err otherwise.
 */
int session_check(char *err, size_t len);

/* fork and exec argv with default signal handling; -1 and errno on error. */
pid_t session_spawn(char *const argv[]);

/* Parse "1.5" as seconds (0 to 60): -1 when it is not one. */
int session_parse_secs(const char *s, double *secs);

#endif /* _KMEMLAB_SESSION_H */
