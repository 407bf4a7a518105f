// SPDX-License-Identifier: GPL-2.0
/*
 * analyze check: the lab's invariants (output/check.c) as an exit status,
 * one line per violation, so a test or CI can gate on a recording; one
 * line on success too, so a person sees it ran (-q: none).
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>

#include "analyze.h"
#include "model/model.h"
#include "output/check.h"

static const struct option options[] = {
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static uint64_t nr_blocks(const struct model *m)
{
	uint64_t n = 0;
	size_t i;
	uint32_t j;

	for (i = 0; i < model_nr_runs(m); i++) {
		const struct model_run *r = model_run_get(m, i);

		for (j = 0; j < r->nr_block_slots; j++)
			n += r->blocks[j].allocated;
	}
	return n;
}

int cmd_check(int argc, char **argv)
{
	struct read_stats st;
	unsigned int violations;
	bool quiet = false;
	const char *path;
	struct model *m;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "qh", options, NULL)) != -1) {
		if (c == 'q')
			quiet = true;
		else
			return analyze_usage("check", c == 'h' ? stdout : stderr);
	}
	if (optind < argc - 1)
		return analyze_usage("check", stderr);
	path = optind < argc ? argv[optind] : ANALYZE_DEFAULT_FILE;
	m = analyze_load(path, &st);
	if (!m)
		return EXIT_INPUT;
	violations = check_model(m, &st, path);
	if (!violations && !quiet)
		printf("ok: %zu run%s, %" PRIu64 " block%s, every invariant holds\n",
		       model_nr_runs(m), model_nr_runs(m) == 1 ? "" : "s",
		       nr_blocks(m), nr_blocks(m) == 1 ? "" : "s");
	model_free(m);
	return violations ? EXIT_VIOLATION : EXIT_OK;
}
