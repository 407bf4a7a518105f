// SPDX-License-Identifier: GPL-2.0
/*
 * analyze check: the lab's invariants (output/check.c) as an exit status,
 * one line per violation, so a test or CI can gate on a recording.
 */
#include "analyze.h"
#include "model/model.h"
#include "output/check.h"

int cmd_check(int argc, char **argv)
{
	struct read_stats st;
	unsigned int violations;
	struct model *m;

	if (argc != 2 || argv[1][0] == '-')
		return analyze_usage("check", stderr);
	m = analyze_load(argv[1], &st);
	if (!m)
		return EXIT_INPUT;
	violations = check_model(m, &st, argv[1]);
	model_free(m);
	return violations ? EXIT_VIOLATION : EXIT_OK;
}
