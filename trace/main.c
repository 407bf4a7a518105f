// SPDX-License-Identifier: GPL-2.0
/*
 * analyze - the kmemlab recording analyzer.
 *
 * One table of subcommands; the usage text and `analyze help` are generated
 * from it, so help cannot drift from what exists.  To add a subcommand,
 * add its file and one line here.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyze.h"
#include "model.h"
#include "util.h"

static int cmd_help(int argc, char **argv);

static const struct analyze_cmd commands[] = {
	{ "report", cmd_report, "FILE [--run N] [--json]",
	  "what each run allocated, where it sits, how it checked out" },
	{ "check", cmd_check, "FILE",
	  "exit 0 when every invariant holds, 1 listing violations" },
	{ "layout", cmd_layout, "FILE [-o SVG] [--run N]",
	  "draw where every block sits in physical memory, as SVG" },
	{ "record", cmd_record, "-o FILE [-s S] [-b KB] [-- CMD]",
	  "trace-cmd record of every event a report needs" },
	{ "live", cmd_live, "[--json] [-s S] [-- CMD]",
	  "record CMD (or until Ctrl-C) through tracefs, then report" },
	{ "help", cmd_help, "[COMMAND]", "show this help, or a command's" },
};

#define NR_COMMANDS ARRAY_SIZE(commands)

static const struct analyze_cmd *find_cmd(const char *name)
{
	size_t i;

	for (i = 0; i < NR_COMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

void analyze_err(const char *fmt, ...)
{
	va_list ap;

	fputs("analyze: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int analyze_usage(const char *name, FILE *out)
{
	const struct analyze_cmd *c = find_cmd(name);

	if (!c)
		return EXIT_INPUT;
	fprintf(out, "usage: analyze %s %s\n  %s\n", c->name, c->args, c->help);
	return out == stderr ? EXIT_INPUT : EXIT_OK;
}

static void usage(FILE *out)
{
	size_t i;

	fprintf(out, "usage: analyze COMMAND [ARGS]\n\ncommands:\n");
	for (i = 0; i < NR_COMMANDS; i++)
		fprintf(out, "  %-8s %-26s %s\n", commands[i].name,
			commands[i].args, commands[i].help);
	fprintf(out, "\n'analyze COMMAND --help' for one command; see docs/analyze.md\n");
}

static int cmd_help(int argc, char **argv)
{
	if (argc < 2) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!find_cmd(argv[1])) {
		analyze_err("unknown command '%s' (try 'analyze help')", argv[1]);
		return EXIT_INPUT;
	}
	return analyze_usage(argv[1], stdout);
}

struct model *analyze_load(const char *path, struct read_stats *st)
{
	char err[READ_ERR_LEN] = "";
	struct model *m = model_new();

	if (!m) {
		analyze_err("%s: %s", path, strerror(errno));
		return NULL;
	}
	if (read_file_load(path, m, st, err, sizeof(err))) {
		int crashed = errno == ENOTRECOVERABLE;

		analyze_err("%s: %s", path, err[0] ? err : strerror(errno));
		if (crashed)
			_exit(EXIT_INPUT);
		model_free(m);
		return NULL;
	}
	return m;
}

#if defined(__SANITIZE_ADDRESS__)
/*
 * libtracecmd 3.1.6 leaks a string it parses with sscanf("%ms") when it
 * reads a version 6 file; not ours to fix, so LeakSanitizer skips it.
 */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:__isoc99_vsscanf\nleak:libtracecmd.so\n";
}

const char *__lsan_default_options(void);
const char *__lsan_default_options(void)
{
	return "print_suppressions=0";
}
#endif

int main(int argc, char **argv)
{
	const struct analyze_cmd *c;

	if (argc < 2) {
		usage(stderr);
		return EXIT_INPUT;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return EXIT_OK;
	}
	c = find_cmd(argv[1]);
	if (!c) {
		analyze_err("unknown command '%s' (try 'analyze help')", argv[1]);
		return EXIT_INPUT;
	}
	if (argc > 2 && (!strcmp(argv[2], "--help") || !strcmp(argv[2], "-h")))
		return analyze_usage(c->name, stdout);
	return c->run(argc - 1, argv + 1);
}
