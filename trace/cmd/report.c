// SPDX-License-Identifier: GPL-2.0
/*
 * analyze report: the text report (output/report.c) or the JSON document
 * (output/report-json.c) of one recording, all runs or one, sorted.
 */
#include <errno.h>
#include <getopt.h>
#include <string.h>

#include "analyze.h"
#include "model/model.h"
#include "output/report.h"

static bool run_exists(const struct model *m, uint32_t id)
{
	size_t i;

	for (i = 0; i < model_nr_runs(m); i++)
		if (model_run_get(m, i)->id == id)
			return true;
	return false;
}

static int bad_run(const char *arg)
{
	analyze_err("report: --run wants a run number, not '%s'", arg);
	return analyze_usage("report", stderr);
}

static int bad_sort(const char *arg)
{
	analyze_err("report: --sort wants keys among %s, not '%s'",
		    report_sort_key_names(), arg);
	return EXIT_INPUT;
}

static const struct option options[] = {
	{ "run", required_argument, NULL, 'r' },
	{ "sort", required_argument, NULL, 's' },
	{ "json", no_argument, NULL, 'j' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int cmd_report(int argc, char **argv)
{
	struct report_filter f = { 0 };
	struct read_stats st;
	const char *path;
	struct model *m;
	bool json = false;
	int c, ret;

	optind = 1;
	while ((c = getopt_long(argc, argv, "r:s:jh", options, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'h':
			return analyze_usage("report", stdout);
		case 'r':
			if (report_filter_set_run(&f, optarg))
				return bad_run(optarg);
			break;
		case 's':
			if (report_sort_parse(&f.sort, optarg))
				return bad_sort(optarg);
			break;
		default:
			return analyze_usage("report", stderr);
		}
	}
	if (optind < argc - 1)
		return analyze_usage("report", stderr);
	path = optind < argc ? argv[optind] : ANALYZE_DEFAULT_FILE;
	m = analyze_load(path, &st);
	if (!m)
		return EXIT_INPUT;
	if (f.one && !run_exists(m, f.run)) {
		analyze_err("%s: no run %u in the recording", path, f.run);
		model_free(m);
		return EXIT_INPUT;
	}
	ret = json ? report_json(m, &st, &f, path, stdout) :
		     report_text(m, &st, &f, path, REPORT_NO_RUNS, stdout);
	model_free(m);
	if (ret)
		analyze_err("%s: %s", path, strerror(errno));
	return ret ? EXIT_INPUT : EXIT_OK;
}
