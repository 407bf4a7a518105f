// SPDX-License-Identifier: GPL-2.0
/*
 * analyze layout: where every block sits in physical memory, as SVG
 * (output/layout.c places the blocks, output/layout-svg.c draws them).
 */
#include <errno.h>
#include <getopt.h>
#include <string.h>
#include <unistd.h>

#include "analyze.h"
#include "model/model.h"
#include "output/layout.h"
#include "output/report.h"

/* Write the picture to path ("-": stdout); remove a partial file. */
static int write_svg(const struct layout *l, const char *path)
{
	bool std = !strcmp(path, "-");
	FILE *out = std ? stdout : fopen(path, "w");
	int err;

	if (!out)
		return -1;
	layout_draw(l, out);
	err = ferror(out) ? (errno ? errno : EIO) : 0;
	if ((std ? fflush(out) : fclose(out)) && !err)
		err = errno;
	if (err && !std)
		unlink(path);
	errno = err;
	return err ? -1 : 0;
}

static int no_blocks(const char *path, const struct report_filter *f,
		     const struct layout *l)
{
	if (f->one)
		analyze_err("%s: run %u allocated no block to draw (%zu failed)",
			    path, f->run, l->nr_undrawn);
	else
		analyze_err("%s: no kmemlab blocks to draw \u2014 record with %s",
			    path, "`analyze record` or `trace-cmd record -e kmemlab`");
	return EXIT_INPUT;
}

static const struct option options[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "run", required_argument, NULL, 'r' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int draw_file(const char *in, const char *out,
		     const struct report_filter *f)
{
	struct layout l = { .path = in };
	struct read_stats st;
	struct model *m = analyze_load(in, &st);
	int ret = EXIT_OK;

	if (!m)
		return EXIT_INPUT;
	if (layout_build(&l, m, f)) {
		analyze_err("%s: %s", in, strerror(errno));
		ret = EXIT_INPUT;
	} else if (!l.nr_segs) {
		ret = no_blocks(in, f, &l);
	} else if (write_svg(&l, out)) {
		analyze_err("layout: cannot write %s: %s", out, strerror(errno));
		ret = EXIT_INPUT;
	}
	layout_release(&l);
	model_free(m);
	return ret;
}

/* SVG on a terminal is noise: with no -o there, write this file instead. */
#define LAYOUT_TTY_FILE "layout.svg"

int cmd_layout(int argc, char **argv)
{
	struct report_filter f = { 0 };
	const char *out = NULL, *in;
	bool tty_default;
	int c, ret;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:r:h", options, NULL)) != -1) {
		if (c == 'o') {
			out = optarg;
		} else if (c == 'r') {
			if (report_filter_set_run(&f, optarg)) {
				analyze_err("layout: --run wants a run number, not '%s'",
					    optarg);
				return analyze_usage("layout", stderr);
			}
		} else {
			return analyze_usage("layout", c == 'h' ? stdout : stderr);
		}
	}
	if (optind < argc - 1)
		return analyze_usage("layout", stderr);
	in = optind < argc ? argv[optind] : ANALYZE_DEFAULT_FILE;
	tty_default = !out && isatty(STDOUT_FILENO);
	if (!out)
		out = tty_default ? LAYOUT_TTY_FILE : "-";
	ret = draw_file(in, out, &f);
	if (!ret && tty_default)
		printf("layout of %s written to %s (not to the terminal; -o - forces it)\n",
		       in, out);
	return ret;
}
