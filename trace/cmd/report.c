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

/*
 * The text report of every run is written as the recording is read
 * (report_text_spool()), so that its memory stays flat however many runs
 * the recording holds.  --run must know that its run exists before
 * printing, and --json builds one document: both read the whole file
 * first, as does the report when no temporary file can be made.
 */
static int report_file(const char *path, const struct report_filter *f,
		       bool json)
{
	struct report_text *rt = NULL;
	struct read_stats st;
	struct model *m = model_new();
	int ret;

	if (!m) {
		analyze_err("%s: %s", path, strerror(errno));
		return EXIT_INPUT;
	}
	if (!json && !f->one)
		rt = report_text_spool(m, f);
	if (rt)
		model_set_retire(m, report_text_retire, rt);
	if (analyze_read(path, m, &st)) {
		ret = EXIT_INPUT;
		goto out;
	}
	if (f->one && !run_exists(m, f->run)) {
		analyze_err("%s: no run %u in the recording", path, f->run);
		ret = EXIT_INPUT;
		goto out;
	}
	if (json)
		ret = report_json(m, &st, f, path, stdout);
	else if (rt)
		ret = report_text_spooled(rt, &st, path, REPORT_NO_RUNS, stdout);
	else
		ret = report_text(m, &st, f, path, REPORT_NO_RUNS, stdout);
	if (ret && rt && report_text_spool_failed(rt))
		analyze_err("%s: cannot write the report's temporary file (in $TMPDIR, else /tmp): %s",
			    path, strerror(errno));
	else if (ret)
		analyze_err("%s: %s", path, strerror(errno));
	ret = ret ? EXIT_INPUT : EXIT_OK;
out:
	report_text_free(rt);
	model_free(m);
	return ret;
}

int cmd_report(int argc, char **argv)
{
	struct report_filter f = { 0 };
	const char *path;
	bool json = false;
	int c;

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
	return report_file(path, &f, json);
}
