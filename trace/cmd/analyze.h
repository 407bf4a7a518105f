/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The subcommand layer: the only code that prints errors and picks exit
 * statuses.  Each subcommand lives in its own file, is listed once in
 * main.c's commands[] table and has its manual page in usage.c.
 */
#ifndef _KMEMLAB_ANALYZE_H
#define _KMEMLAB_ANALYZE_H

#include <stdio.h>

#include "read/read.h"

struct model;

/* Exit statuses shared by every subcommand. */
#define EXIT_OK		0
#define EXIT_VIOLATION	1	/* check: an invariant does not hold */
#define EXIT_INPUT	2	/* the input cannot be read, or bad usage */

/* One subcommand: main.c's commands[]. */
struct analyze_cmd {
	const char *name;
	int (*run)(int argc, char **argv);	/* argv[0] is the name */
};

/*
 * A subcommand's whole manual page (usage.c).  The multi-line texts are
 * printed indented under their headings by `analyze CMD --help` and
 * `analyze help CMD`.
 */
struct analyze_manual {
	const char *name;
	const char *args;			/* synopsis after the name */
	const char *help;			/* one line */
	const char *desc;			/* DESCRIPTION */
	const char *options;			/* OPTIONS, or NULL */
	const char *examples;			/* EXAMPLES */
	const char *exit_status;		/* EXIT STATUS */
};

int cmd_report(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_layout(int argc, char **argv);
int cmd_record(int argc, char **argv);
int cmd_live(int argc, char **argv);
int cmd_help(int argc, char **argv);
int cmd_version(int argc, char **argv);

/* The list of commands (usage.c): to stdout for help, stderr for a mistake. */
void analyze_usage_all(FILE *out);

/*
 * Help for cmd from the table: to stdout the whole manual page (exit 0),
 * to stderr the usage line for a usage error (returns EXIT_INPUT).
 */
int analyze_usage(const char *cmd, FILE *out);

/* What report, check and layout read when given no file, as trace-cmd report. */
#define ANALYZE_DEFAULT_FILE "trace.dat"

/* Print "analyze: FILE: cause" and return NULL when it cannot be read (load.c). */
struct model *analyze_load(const char *path, struct read_stats *st);
/* The same into a model of the caller's; 0, or -1 once the line is printed. */
int analyze_read(const char *path, struct model *m, struct read_stats *st);

/* One line to stderr, prefixed "analyze: " (usage.c). */
void analyze_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* _KMEMLAB_ANALYZE_H */
