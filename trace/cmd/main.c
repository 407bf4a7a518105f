// SPDX-License-Identifier: GPL-2.0
/*
 * analyze - the kmemlab recording analyzer: which file runs which
 * subcommand.  Each subcommand is one file of trace/cmd/ exporting its
 * cmd_NAME(); its manual page is in usage.c.  To add one, add its file,
 * one line here and its manual page there.
 */
#include <string.h>

#include "analyze.h"
#include "lib/util.h"

static const struct analyze_cmd commands[] = {
	{ "report", cmd_report },
	{ "check", cmd_check },
	{ "layout", cmd_layout },
	{ "record", cmd_record },
	{ "live", cmd_live },
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
	c = find_cmd(argv[1]);
	if (!c) {
		analyze_err("unknown command '%s' (try 'analyze help')", argv[1]);
		return EXIT_INPUT;
	}
	if (argc > 2 && (!strcmp(argv[2], "--help") || !strcmp(argv[2], "-h")))
		return analyze_usage(c->name, stdout);
	return c->run(argc - 1, argv + 1);
}
