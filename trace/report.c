// SPDX-License-Identifier: GPL-2.0
/*
 * analyze report: per run, the plan, what was allocated and wasted, and
 * every block (where it sits, how it checked out, what the kernel saw);
 * then the run table, buddy-order behaviour and a SUMMARY.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "model.h"
#include "report.h"

bool report_filter_match(const struct report_filter *f,
			 const struct model_run *r)
{
	return !f->one || r->id == f->run;
}

const char *report_fmt_ns(char *buf, size_t len, uint64_t ns)
{
	if (ns < 10000)
		snprintf(buf, len, "%" PRIu64 " ns", ns);
	else if (ns < 10000000)
		snprintf(buf, len, "%.3f us", ns / 1e3);
	else if (ns < 10000000000ULL)
		snprintf(buf, len, "%.3f ms", ns / 1e6);
	else
		snprintf(buf, len, "%.3f s", ns / 1e9);
	return buf;
}

static const char *run_state(const struct model_run *r)
{
	if (!r->begun)
		return "incomplete: begin not recorded";
	if (!r->ended)
		return "incomplete: end not recorded";
	if (r->incomplete)
		return "incomplete: events lost";
	return "complete";
}

static void print_plan(const struct model_run *r, FILE *out)
{
	uint64_t waste = model_run_waste_pages(r);

	fprintf(out, "  plan       %u structs x %u B, %u structs/page, ",
		r->nr_structs, r->struct_size, r->structs_per_page);
	fprintf(out, "%u pages needed, order %u, %u block%s\n",
		r->nr_pages, r->order, r->nr_blocks, r->nr_blocks == 1 ? "" : "s");
	fprintf(out, "  allocated  %u pages (%" PRIu64 " B); waste %" PRIu64
		" pages (%" PRIu64 " B, %.1f%% of allocation)\n",
		r->nr_alloc_pages, (uint64_t)r->nr_alloc_pages * r->page_size,
		waste, waste * r->page_size,
		r->nr_alloc_pages ? 100.0 * waste / r->nr_alloc_pages : 0.0);
}

static void print_per_page(const char *what, uint64_t ns, uint64_t pages,
			   FILE *out)
{
	char a[32], b[32];

	fprintf(out, "%s %s", what, report_fmt_ns(a, sizeof(a), ns));
	if (pages)
		fprintf(out, " (%s/page)", report_fmt_ns(b, sizeof(b), ns / pages));
}

static void print_checks(const struct model_run *r, FILE *out)
{
	fprintf(out, "  pages      %" PRIu64 " translated (%" PRIu64
		" mismatched), %" PRIu64 " filled, %" PRIu64 " verified, %"
		PRIu64 " filled but not verified\n",
		r->pages_translated, r->translate_mismatches, r->pages_filled,
		r->pages_verified, r->unverified);
	fprintf(out, "  values     %" PRIu64 " filled, %" PRIu64 " verified, %"
		PRIu64 " mismatched (run_end reports %" PRIu64 ")\n",
		r->values_filled, r->values_checked, r->value_mismatches,
		r->end_mismatches);
	fputs("  timings   ", out);
	print_per_page(" fill", r->fill_ns, r->pages_filled, out);
	print_per_page(", verify", r->verify_ns, r->pages_verified, out);
	fputc('\n', out);
	if (r->stray_pages || r->unmatched_frees || r->invalid_events)
		fprintf(out, "  anomalies  %" PRIu64 " page events outside every block, %"
			PRIu64 " frees of no live block, %" PRIu64 " invalid events\n",
			r->stray_pages, r->unmatched_frees, r->invalid_events);
}

static const char *yes_no(bool v)
{
	return v ? "yes" : "NO";
}

static void print_kernel_view(const struct model_block *b, bool has_kmem,
			      FILE *out)
{
	fputs("    kernel   ", out);
	if (!has_kmem) {
		fputs("not recorded (no kmem:mm_page_alloc/mm_page_free events)\n", out);
		return;
	}
	if (b->kernel_alloc_seen)
		fprintf(out, "mm_page_alloc order %u migratetype %s gfp_flags 0x%" PRIx64,
			b->order, model_migratetype_name(b->kernel_migratetype),
			b->kernel_gfp_flags);
	else
		fputs("NO matching mm_page_alloc", out);
	fprintf(out, "; %s\n", b->kernel_free_seen ?
		"mm_page_free of the same pfn and order" :
		"no matching mm_page_free");
}

static void print_block_state(const struct model_block *b, FILE *out)
{
	char buf[32];

	if (b->freed)
		fprintf(out, "    state    freed after %s%s\n",
			report_fmt_ns(buf, sizeof(buf), model_block_lifetime_ns(b)),
			b->free_mismatch ? " (free did not match: order/run/block)" : "");
	else
		fputs("    state    LEAKED (never freed in the recording)\n", out);
}

static uint32_t pages_seen(const struct model_block *b)
{
	uint32_t n = b->translated > b->filled ? b->translated : b->filled;

	return n > b->verified ? n : b->verified;
}

static void print_block(const struct model_run *r, const struct model_block *b,
			bool has_kmem, FILE *out)
{
	uint64_t n = 1ULL << b->order;

	if (!b->allocated)
		return;
	if (b->failed) {
		fprintf(out, "  block %u  order %u  FAILED (ret %d, gfp_flags 0x%" PRIx64 ")\n",
			b->index, b->order, b->ret, b->gfp_flags);
		return;
	}
	fprintf(out, "  block %u  order %u  pfn 0x%" PRIx64 "-0x%" PRIx64
		" (%" PRIu64 " page%s)  phys 0x%" PRIx64 "-0x%" PRIx64 "\n",
		b->index, b->order, b->pfn, b->pfn + n - 1, n, n == 1 ? "" : "s", b->phys,
		b->phys + n * r->page_size - 1);
	fprintf(out, "    layout   buddy-aligned %s (pfn %% %" PRIu64 " = %" PRIu64
		"), physically contiguous %s (%u of %u pages off)\n",
		yes_no(model_block_aligned(b)), n, b->pfn % n,
		pages_seen(b) ? yes_no(!b->discontiguous) : "unknown",
		b->discontiguous, pages_seen(b));
	fprintf(out, "    checks   translations %u checked, %u mismatched; values %"
		PRIu64 " filled, %" PRIu64 " verified, %" PRIu64 " mismatched\n",
		b->translated, b->translate_mismatches, b->values_filled,
		b->values_checked, b->value_mismatches);
	print_block_state(b, out);
	print_kernel_view(b, has_kmem, out);
}

void report_run_detail(const struct model *m, const struct model_run *r,
		       FILE *out)
{
	uint32_t i;

	fprintf(out, "RUN %u  mode %s  ret %d  [%s]\n", r->id,
		model_mode_name(r->mode), r->ret, run_state(r));
	if (r->begun)
		print_plan(r, out);
	print_checks(r, out);
	for (i = 0; i < r->nr_block_slots; i++)
		print_block(r, &r->blocks[i], model_sys_get(m)->has_kmem, out);
	fputc('\n', out);
}

static int print_text(const struct model *m, const struct read_stats *st,
		      const struct report_filter *f, const char *path)
{
	size_t i, shown = 0;

	printf("kmemlab report: %s\n\n", path);
	for (i = 0; i < model_nr_runs(m); i++) {
		const struct model_run *r = model_run_get(m, i);

		if (report_filter_match(f, r)) {
			report_run_detail(m, r, stdout);
			shown++;
		}
	}
	if (!shown)
		printf("no kmemlab runs were recorded (system-wide kmem part only)\n\n");
	else if (report_runs_table(m, f, stdout) || report_orders_table(m, f, stdout))
		return -1;
	if (report_kmem_tables(m, stdout))
		return -1;
	report_summary(m, st, f, stdout);
	return 0;
}

static bool run_exists(const struct model *m, uint32_t id)
{
	size_t i;

	for (i = 0; i < model_nr_runs(m); i++)
		if (model_run_get(m, i)->id == id)
			return true;
	return false;
}

static int parse_run(const char *s, struct report_filter *f)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || !*s || *end || v > UINT32_MAX)
		return -1;
	f->one = true;
	f->run = v;
	return 0;
}

static int bad_run(const char *arg)
{
	analyze_err("report: --run wants a run number, not '%s'", arg);
	return analyze_usage("report", stderr);
}

static const struct option options[] = {
	{ "run", required_argument, NULL, 'r' },
	{ "json", no_argument, NULL, 'j' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int cmd_report(int argc, char **argv)
{
	struct report_filter f = { 0 };
	struct read_stats st;
	struct model *m;
	bool json = false;
	int c, ret;

	optind = 1;
	while ((c = getopt_long(argc, argv, "r:jh", options, NULL)) != -1) {
		if (c == 'j')
			json = true;
		else if (c == 'h')
			return analyze_usage("report", stdout);
		else if (c != 'r')
			return analyze_usage("report", stderr);
		else if (parse_run(optarg, &f))
			return bad_run(optarg);
	}
	if (optind != argc - 1)
		return analyze_usage("report", stderr);
	m = analyze_load(argv[optind], &st);
	if (!m)
		return EXIT_INPUT;
	if (f.one && !run_exists(m, f.run)) {
		analyze_err("%s: no run %u in the recording", argv[optind], f.run);
		model_free(m);
		return EXIT_INPUT;
	}
	ret = json ? report_json(m, &st, &f, argv[optind], stdout) :
		     print_text(m, &st, &f, argv[optind]);
	model_free(m);
	if (ret)
		analyze_err("%s: %s", argv[optind], strerror(errno));
	return ret ? EXIT_INPUT : EXIT_OK;
}
