// SPDX-License-Identifier: GPL-2.0
/*
 * analyze - the kmemlab recording analyzer: which file runs which
 * subcommand.  Each subcommand is one file of trace/cmd/ exporting its
 * cmd_NAME(); its manual page is in usage.c.  To add one, add its file,
 * one line here and its manual page there.
 */
#include <stdio.h>
#include <string.h>

#include "analyze.h"
#include "lib/util.h"
#include "output/report.h"

static const struct analyze_cmd commands[] = {
	{ "report", cmd_report },
	{ "check", cmd_check },
	{ "layout", cmd_layout },
	{ "record", cmd_record },
	{ "live", cmd_live },
	{ "version", cmd_version },
	{ "help", cmd_help },
};

static const struct analyze_cmd *find_cmd(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static int list_commands(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(commands); i++)
		puts(commands[i].name);
	return EXIT_OK;
}

/* report_sort_key_names() is "run, mode, ...": one key a line. */
static int list_sort_keys(void)
{
	const char *p = report_sort_key_names();
	size_t len;

	for (; *p; p += len + strspn(p + len, ", ")) {
		len = strcspn(p, ", ");
		printf("%.*s\n", (int)len, p);
	}
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	const struct analyze_cmd *c;

	if (argc < 2) {
		analyze_usage_all(stderr);
		return EXIT_INPUT;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		analyze_usage_all(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--version"))
		return cmd_version(1, argv + 1);
	/* Undocumented: the completion script's word lists, from the tables. */
	if (!strcmp(argv[1], "--list-commands"))
		return list_commands();
	if (!strcmp(argv[1], "--list-sort-keys"))
		return list_sort_keys();
	c = find_cmd(argv[1]);
	if (!c) {
		analyze_err("unknown command '%s' (try 'analyze help')", argv[1]);
		return EXIT_INPUT;
	}
	if (argc > 2 && (!strcmp(argv[2], "--help") || !strcmp(argv[2], "-h")))
		return analyze_usage(c->name, stdout);
	return c->run(argc - 1, argv + 1);
}
