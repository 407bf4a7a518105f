// SPDX-License-Identifier: GPL-2.0
/*
 * The manual page of every subcommand, the usage lines and the error
 * prefix: text and printing only, calling no other part of the analyzer
 * (as trace-cmd's trace-usage.c), so every command can use it and it
 * depends on none.  `analyze help`, `analyze CMD --help` and the usage
 * line of a usage error are all generated from manuals[], so help cannot
 * drift from itself; tests/unit/cli.sh checks every command it lists runs
 * and names every option its parser takes.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "lib/util.h"

static const struct analyze_manual manuals[] = {
	{
	.name = "report",
	.args = "[FILE] [--run N] [--sort KEY[,KEY]] [--json]",
	.help = "what each run allocated, where it sits, how it checked out",
	.desc =
	"Reads FILE (default: trace.dat in the current directory, as trace-cmd\n"
	"report does), a trace.dat written by trace-cmd record or a perf.data,\n"
	"in one pass and prints, for each kmemlab run:\n"
	"the plan (structs, pages needed, buddy order, blocks), the pages\n"
	"allocated (for a run whose allocation failed: of how many planned)\n"
	"and wasted, the page and value checks, the fill and verify\n"
	"timings, the page-table walk (walk vs the kernel's answer, the linear\n"
	"map, leaf levels, physically contiguous ranges) and every block with\n"
	"the kernel's kmem:mm_page_alloc of it.  With the buddy events\n"
	"(kmemlab_split, kmemlab_merge, kmemlab_free_area), each block also says\n"
	"where it came from (split from order K, leaving remnants at P + 2^j; a\n"
	"free block of its order; a per-CPU list; disturbed) and where it went\n"
	"(merged up to order K; a per-CPU list, drained), matched with the\n"
	"kernel's mm_page_alloc_zone_locked, mm_page_pcpu_drain and\n"
	"mm_page_alloc_extfrag, and each run its zones' free blocks per order at\n"
	"begin and end.  Then the RUNS table, the runs by buddy order (runs\n"
	"whose allocation failed left out), the BUDDY tables (order asked x\n"
	"order cut; served by split, exactly, per-CPU), the kernel's allocations\n"
	"by order x migratetype and a SUMMARY, whose recording line names the\n"
	"events of the records not read.  GFP flags are shown by name, decoded\n"
	"with the recording's own print format.\n"
	"\n"
	"Each run is printed as soon as nothing later in the recording can\n"
	"change it, into an unlinked temporary file in $TMPDIR (default /tmp),\n"
	"and its blocks are dropped: memory stays flat however many runs the\n"
	"recording holds.  The runs come out in the recording's order once the\n"
	"whole file has been read; a file found bad prints only its error.\n"
	"--run and --json keep every run to the end instead.",
	.options =
	"-r, --run N\n"
	"    report only run number N (unknown N: exit 2); the kernel-wide\n"
	"    tables, which cover the whole recording, are left out.\n"
	"-s, --sort KEY[,KEY]\n"
	"    order the RUNS table by KEYs, ties broken by the next: run, mode,\n"
	"    structs, pages, order, allocated, waste, waste%, blocks, lifetime,\n"
	"    fill_ns, verify_ns; a '-' prefix (-waste) sorts descending.\n"
	"-j, --json\n"
	"    print one JSON document, schema kmemlab-analyze/2 (docs/analyze.md).\n"
	"-h, --help\n"
	"    print this help.",
	.examples =
	"analyze report out/trace.dat\n"
	"analyze report --run 4 out/trace.dat\n"
	"analyze report --sort -waste,run out/trace.dat\n"
	"analyze report --json out/trace.dat | jq '.runs[] | [.run, .waste_pages]'",
	.exit_status =
	"0 the report was printed; 2 FILE cannot be read (missing, not a\n"
	"recording, truncated or corrupted, no kmemlab or kmem events), no\n"
	"run N, or bad usage.",
	},
	{
	.name = "check", .args = "[FILE] [-q]",
	.help = "exit 0 when every invariant holds, 1 listing violations",
	.desc =
	"Reads FILE (default: trace.dat) like report and checks the lab's\n"
	"invariants: runs begun\n"
	"and ended with ret 0, nothing lost or malformed, the plan follows the\n"
	"lab's formula, every translation matched, the page-table walk agrees\n"
	"with the kernel's answer, the linear map (__pa) agrees with the walk\n"
	"for pages and kmalloc (for vmalloc it is expected to differ, not a\n"
	"violation), every value verified, every block buddy-aligned,\n"
	"contiguous, freed, and matched by the kernel's mm_page_alloc where\n"
	"the kernel emits one, and every kmemlab_split and kmemlab_merge obeys\n"
	"the buddy rules (source block starting at the block and aligned to its\n"
	"order, source order between the block's and the largest, a clean\n"
	"split's free counts moved as one split explains; a disturbed split is\n"
	"no violation).  Each violation is one line on stdout:\n"
	"FILE: run N [block B]: what.  When all hold, one line says so:\n"
	"ok: 7 runs, 9 blocks, every invariant holds.",
	.options =
	"-q, --quiet\n"
	"    print nothing when every invariant holds (violations still are).\n"
	"-h, --help\n"
	"    print this help.",
	.examples =
	"analyze check out/trace.dat; echo $?\n"
	"analyze check -q out/trace.dat && echo passed\n"
	"analyze check leak.dat    # FILE: run 2 block 0: never freed (leaked)",
	.exit_status =
	"0 every invariant holds; 1 at least one does not (one line each);\n"
	"2 FILE cannot be read, or bad usage.",
	},
	{
	.name = "layout", .args = "[FILE] [-o SVG] [--run N]",
	.help = "draw where every block sits in physical memory, as SVG",
	.desc =
	"Draws every block the kmemlab runs of FILE (default: trace.dat)\n"
	"allocated where it sits in physical memory: one row per 1024-page\n"
	"chunk that holds a block, labelled by its first pfn, one pixel a page,\n"
	"grid lines at order 6, 8 and 9 boundaries, blocks coloured by run\n"
	"(neighbouring run numbers far apart in hue), leaked blocks outlined\n"
	"red, unaligned ones dashed; a block of 8 pages or fewer is labelled\n"
	"with its run and block, beside it when the label does not fit; around\n"
	"a block cut from a larger free block (kmemlab_split), that block's\n"
	"outline (class='source') and the free remnants it left\n"
	"(class='remnant', data-order, data-pfn).\n"
	"Every block is a <rect class='block'> with data-run, data-block,\n"
	"data-order, data-pfn and data-pages attributes.",
	.options =
	"-o, --output SVG\n"
	"    write the picture to SVG ('-': standard output).  Without -o,\n"
	"    standard output, unless it is a terminal: then layout.svg, and\n"
	"    one line saying so.\n"
	"-r, --run N\n"
	"    draw only run N.\n"
	"-h, --help\n"
	"    print this help.",
	.examples =
	"analyze layout out/trace.dat -o out/layout.svg\n"
	"analyze layout --run 4 out/trace.dat > run4.svg",
	.exit_status =
	"0 the picture was written; 2 FILE cannot be read, holds no block to\n"
	"draw (or run N has none), the output cannot be written, or bad usage.",
	},
	{
	.name = "record",
	.args = "-o FILE [-s SECS] [-b KB] [-- CMD [ARGS...]]",
	.help = "trace-cmd record of every event a report needs",
	.desc =
	"Runs trace-cmd record with every event report reads (-e kmemlab\n"
	"-e kmem:mm_page_alloc -e kmem:mm_page_free; kmem:mm_page_alloc_zone_locked,\n"
	"mm_page_pcpu_drain, mm_page_alloc_extfrag, module:module_load and\n"
	"module_free when the kernel has them).  With CMD, records while\n"
	"CMD runs and SECS seconds after; without, until Ctrl-C.  Needs root,\n"
	"trace-cmd on PATH and kmemlab_trace.ko loaded.",
	.options =
	"-o, --output FILE\n"
	"    the recording to write (required).\n"
	"-s, --settle SECS\n"
	"    keep recording SECS seconds after CMD ends (0 to 60, default 1).\n"
	"-b, --buffer KB\n"
	"    ring buffer size per CPU (trace-cmd record -b).\n"
	"-h, --help\n"
	"    print this help.",
	.examples =
	"analyze record -o run.dat -- sh -c 'insmod kmemlab.ko nr_structs=4000 && rmmod kmemlab'\n"
	"analyze report run.dat",
	.exit_status =
	"0 recorded and CMD succeeded; 1 recorded, but CMD exited non-zero;\n"
	"2 trace-cmd is missing, the events do not exist, trace-cmd failed,\n"
	"or bad usage.",
	},
	{
	.name = "live", .args = "[--json] [-s SECS] [-- CMD [ARGS...]]",
	.help = "record CMD (or until Ctrl-C) through tracefs, then report",
	.desc =
	"A session on the running kernel without a trace.dat: creates its own\n"
	"tracefs instance, enables the kmemlab and kmem page events there,\n"
	"runs CMD (or waits for Ctrl-C, SIGTERM or SIGHUP), reads the buffers\n"
	"into the same model as report, prints the same report and removes the\n"
	"instance.  Needs root and kmemlab_trace.ko loaded.",
	.options =
	"-j, --json\n"
	"    the report as JSON (file is \"live\").\n"
	"-s, --settle SECS\n"
	"    keep reading SECS seconds after CMD ends (0 to 60, default 0.2).\n"
	"-h, --help\n"
	"    print this help.",
	.examples =
	"analyze live -- sh -c 'insmod kmemlab.ko nr_structs=1000 && rmmod kmemlab'\n"
	"analyze live --json > session.json    # Ctrl-C to stop",
	.exit_status =
	"0 the report was printed; 1 it was printed, but CMD exited non-zero;\n"
	"2 tracefs, the events or the instance are not available, or bad usage.",
	},
	{
	.name = "version", .args = "",
	.help = "print kmemlab's version",
	.desc =
	"Prints \"kmemlab VERSION\": git describe of the tree it was built\n"
	"from, or its VERSION file (a release or package).  The modules carry\n"
	"the same version (modinfo -F version kmemlab.ko), report --json the\n"
	"same \"version\".  analyze --version prints the same.",
	.examples =
	"analyze version",
	.exit_status =
	"0 the version was printed; 2 bad usage.",
	},
	{
	.name = "help", .args = "[COMMAND]",
	.help = "show this help, or a command's",
	.desc =
	"Without COMMAND, lists the commands; with one, prints its manual page\n"
	"(the same as analyze COMMAND --help).  The full manual is\n"
	"docs/analyze.md.",
	.examples =
	"analyze help report",
	.exit_status =
	"0 the help was printed; 2 COMMAND does not exist.",
	},
};

#define NR_MANUALS ARRAY_SIZE(manuals)

static const struct analyze_manual *find_manual(const char *name)
{
	size_t i;

	for (i = 0; i < NR_MANUALS; i++)
		if (!strcmp(manuals[i].name, name))
			return &manuals[i];
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

/* A heading, then text with every line indented as a man page does. */
static void section(FILE *out, const char *head, const char *text)
{
	const char *p = text, *nl;

	if (!text)
		return;
	fprintf(out, "\n%s\n", head);
	for (; *p; p = nl + 1) {
		nl = strchrnul(p, '\n');
		fprintf(out, "    %.*s\n", (int)(nl - p), p);
		if (!*nl)
			break;
	}
}

static void manual(const struct analyze_manual *c, FILE *out)
{
	fprintf(out, "NAME\n    analyze %s - %s\n", c->name, c->help);
	fprintf(out, "\nSYNOPSIS\n    analyze %s %s\n", c->name, c->args);
	section(out, "DESCRIPTION", c->desc);
	section(out, "OPTIONS", c->options);
	section(out, "EXAMPLES", c->examples);
	section(out, "EXIT STATUS", c->exit_status);
	fputs("\nSEE ALSO\n    analyze help, kmemlab-analyze(1), kmemlab(7), docs/analyze.md\n",
	      out);
}

int analyze_usage(const char *name, FILE *out)
{
	const struct analyze_manual *c = find_manual(name);

	if (!c)
		return EXIT_INPUT;
	if (out != stderr) {
		manual(c, out);
		return EXIT_OK;
	}
	fprintf(out, "usage: analyze %s %s\n  (analyze %s --help for more)\n",
		c->name, c->args, c->name);
	return EXIT_INPUT;
}

void analyze_usage_all(FILE *out)
{
	size_t i;

	fprintf(out, "usage: analyze COMMAND [ARGS]\n\ncommands:\n");
	for (i = 0; i < NR_MANUALS; i++)
		fprintf(out, "  %-8s %s\n  %-8s   %s\n", manuals[i].name,
			manuals[i].args, "", manuals[i].help);
	fprintf(out, "\n'analyze COMMAND --help' for one command; see docs/analyze.md\n");
}

int cmd_help(int argc, char **argv)
{
	if (argc < 2) {
		analyze_usage_all(stdout);
		return EXIT_OK;
	}
	if (!find_manual(argv[1])) {
		analyze_err("unknown command '%s' (try 'analyze help')", argv[1]);
		return EXIT_INPUT;
	}
	return analyze_usage(argv[1], stdout);
}
