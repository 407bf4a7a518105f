// SPDX-License-Identifier: GPL-2.0
/*
 * The text report, for `analyze report` and `analyze live`: per run, the
 * plan, what was allocated and wasted, and every block (where it sits, how
 * it checked out, what the kernel saw); then the run table, buddy-order
 * behaviour and a SUMMARY.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model/model.h"
#include "report.h"
#include "lib/table.h"

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

/* A failed run held some blocks for a while, then gave them back. */
static void print_failed_alloc(const struct model_run *r,
			       const struct model_block *failed, FILE *out)
{
	uint64_t pages = model_run_alloc_pages(r);

	fprintf(out, "  allocated  %" PRIu64 " of %u planned pages (%" PRIu64
		" B): block %u of %u failed (ret %d)\n",
		pages, r->nr_alloc_pages, pages * r->page_size, failed->index,
		r->nr_blocks, failed->ret);
}

static void print_plan(const struct model_run *r, FILE *out)
{
	const struct model_block *failed = model_run_failed_block(r);
	uint64_t pages = model_run_alloc_pages(r);
	uint64_t waste = model_run_waste_pages(r);

	fprintf(out, "  plan       %u structs x %u B, %u structs/page, ",
		r->nr_structs, r->struct_size, r->structs_per_page);
	fprintf(out, "%u pages needed, order %u, %u block%s\n",
		r->nr_pages, r->order, r->nr_blocks, r->nr_blocks == 1 ? "" : "s");
	if (failed) {
		print_failed_alloc(r, failed, out);
		return;
	}
	fprintf(out, "  allocated  %" PRIu64 " pages (%" PRIu64 " B); waste %" PRIu64
		" pages (%" PRIu64 " B, %.1f%% of allocation)\n",
		pages, pages * r->page_size, waste, waste * r->page_size,
		pages ? 100.0 * waste / pages : 0.0);
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
	if (r->ended) {
		print_per_page(" fill", r->fill_ns, r->pages_filled, out);
		print_per_page(", verify", r->verify_ns, r->pages_verified, out);
	} else {
		fputs(" not recorded (kmemlab_run_end missing)", out);
	}
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

/* " (GFP_KERNEL|__GFP_COMP)" when the recording names the flags, else "". */
static const char *gfp_names(const struct model *m, uint64_t flags,
			     char *buf, size_t len)
{
	char names[480];

	if (!model_gfp_format(m, flags, names, sizeof(names)))
		return "";
	snprintf(buf, len, " (%s)", names);
	return buf;
}

static void print_kernel_view(const struct model *m, const struct model_run *r,
			      const struct model_block *b, FILE *out)
{
	char gfp[512];

	fputs("    kernel   ", out);
	if (!model_sys_get(m)->has_kmem) {
		fputs("not recorded (no kmem:mm_page_alloc/mm_page_free events)\n", out);
		return;
	}
	if (b->kernel_alloc_seen)
		fprintf(out, "mm_page_alloc order %u migratetype %s gfp_flags 0x%" PRIx64 "%s",
			b->order, model_migratetype_name(b->kernel_migratetype),
			b->kernel_gfp_flags,
			gfp_names(m, b->kernel_gfp_flags, gfp, sizeof(gfp)));
	else if (!model_run_expects_page_alloc(r))
		fprintf(out, "no mm_page_alloc (none expected: %s)",
			r->mode == MODEL_MODE_KMALLOC ? "a slab cache serves it" :
			"vmalloc's bulk allocator");
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

static void print_block(const struct model *m, const struct model_run *r,
			const struct model_block *b, FILE *out)
{
	uint64_t n = 1ULL << b->order;
	char gfp[512];

	if (!b->allocated)
		return;
	if (b->failed) {
		fprintf(out, "  block %u  order %u  FAILED (ret %d, gfp_flags 0x%" PRIx64 "%s)\n",
			b->index, b->order, b->ret, b->gfp_flags,
			gfp_names(m, b->gfp_flags, gfp, sizeof(gfp)));
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
	fprintf(out, "    gfp      0x%" PRIx64 "%s\n", b->gfp_flags,
		gfp_names(m, b->gfp_flags, gfp, sizeof(gfp)));
	print_block_state(b, out);
	print_kernel_view(m, r, b, out);
	report_block_buddy(m, r, b, out);
}

static bool block_troubled(const struct model_block *b)
{
	return b->failed || !b->freed || b->free_mismatch || b->discontiguous ||
	       b->translate_mismatches || b->value_mismatches || b->unverified ||
	       !model_block_aligned(b);
}

/* Blocks that continue the previous one in physical memory share a line. */
static bool block_continues(const struct model_block *prev,
			    const struct model_block *b)
{
	return prev->allocated && !prev->failed && b->allocated && !b->failed &&
	       b->pfn == prev->pfn + (1ULL << prev->order);
}

static int range_row(struct table *t, const struct model_run *r,
		     uint32_t first, uint32_t last)
{
	const struct model_block *a = &r->blocks[first], *z = &r->blocks[last];
	uint64_t end = z->pfn + (1ULL << z->order) - 1;
	uint32_t i, kernel = 0;

	for (i = first; i <= last; i++)
		kernel += r->blocks[i].kernel_alloc_seen;
	return table_cell(t, "%u-%u", first, last) ||
	       table_cell(t, "0x%" PRIx64 "-0x%" PRIx64, a->pfn, end) ||
	       table_cell(t, "%" PRIu64, end - a->pfn + 1) ||
	       table_cell(t, "0x%" PRIx64 "-0x%" PRIx64, a->phys,
			  (end + 1) * r->page_size - 1) ||
	       table_cell(t, "%u", kernel);
}

static int print_ranges(const struct model_run *r, FILE *out)
{
	static const char *const heads[] = {
		"<blocks", "<pfn range", "pages", "<phys range", "mm_page_alloc",
	};
	struct table *t = table_new(5, heads);
	uint32_t i, start = 0;
	int ret = 0;

	if (!t)
		return -1;
	for (i = 1; i <= r->nr_block_slots && !ret; i++) {
		if (i < r->nr_block_slots &&
		    block_continues(&r->blocks[i - 1], &r->blocks[i]))
			continue;
		if (r->blocks[start].allocated && !r->blocks[start].failed)
			ret = range_row(t, r, start, i - 1);
		start = i;
	}
	if (!ret)
		table_print(t, out, "    ");
	table_free(t);
	return ret;
}

#define MAX_TROUBLED 16

/* Runs with many blocks (vmalloc: one a page): ranges, then the odd ones. */
static void print_block_ranges(const struct model *m, const struct model_run *r,
			       FILE *out)
{
	uint32_t i, troubled = 0;

	fprintf(out, "  %u blocks; physically consecutive ones share a line:\n",
		r->nr_block_slots);
	print_ranges(r, out);
	for (i = 0; i < r->nr_block_slots; i++) {
		if (!r->blocks[i].allocated || !block_troubled(&r->blocks[i]))
			continue;
		if (troubled++ < MAX_TROUBLED)
			print_block(m, r, &r->blocks[i], out);
	}
	if (troubled > MAX_TROUBLED)
		fprintf(out, "  ... and %u more blocks with problems\n",
			troubled - MAX_TROUBLED);
}

#define MAX_DETAILED_BLOCKS 8

void report_run_detail(const struct model *m, const struct model_run *r,
		       FILE *out)
{
	uint32_t i;

	fprintf(out, "RUN %u  mode %s  ret %d  [%s]\n", r->id,
		model_mode_name(r->mode), r->ret, run_state(r));
	if (r->begun)
		print_plan(r, out);
	print_checks(r, out);
	report_run_walk(r, out);
	report_run_free_areas(r, out);
	if (r->nr_block_slots > MAX_DETAILED_BLOCKS)
		print_block_ranges(m, r, out);
	else
		for (i = 0; i < r->nr_block_slots; i++)
			print_block(m, r, &r->blocks[i], out);
	fputc('\n', out);
}

/* Where a run's detail sits in the spool. */
struct spooled_run {
	size_t index;		/* the run's, in the model */
	long offset;
	long len;
};

/* A report under way: where runs go, and the tables' sums so far. */
struct report_text {
	const struct model *m;
	const struct report_filter *f;
	FILE *runs;		/* the report itself, or the spool */
	size_t shown;
	struct report_totals totals;
	struct buddy_tally buddy;
	/* the spool's runs, in the order the model handed them over */
	struct spooled_run *spooled;
	size_t nr_spooled;
	size_t cap_spooled;
	int spool_errno;	/* the spool's first failure: the report cannot be whole */
};

static void text_start(struct report_text *rt, const struct model *m,
		       const struct report_filter *f, FILE *runs)
{
	memset(rt, 0, sizeof(*rt));
	rt->m = m;
	rt->f = f;
	rt->runs = runs;
}

/* One run: its detail and its share of the sums; false if f leaves it out. */
static bool text_run(struct report_text *rt, const struct model_run *r)
{
	if (!report_filter_match(rt->f, r))
		return false;
	report_run_detail(rt->m, r, rt->runs);
	report_totals_add_run(&rt->totals, r);
	report_buddy_tally_run(&rt->buddy, r);
	rt->shown++;
	return true;
}

/* Everything after the runs' detail. */
static int text_end(struct report_text *rt, const struct read_stats *st,
		    const char *no_runs, FILE *out)
{
	const struct model *m = rt->m;
	const struct report_filter *f = rt->f;

	rt->buddy.nr_orders = model_sys_get(m)->buddy.nr_orders;
	if (!rt->shown)
		fprintf(out, "%s\n\n", no_runs);
	else if (report_runs_table(m, f, out) || report_orders_table(m, f, out) ||
		 report_buddy_tables(m, f, &rt->buddy, out))
		return -1;
	/* The kernel's tables cover the whole recording, not one run. */
	if (!f->one && report_kmem_tables(m, out))
		return -1;
	report_summary(m, st, &rt->totals, out);
	return 0;
}

int report_text(const struct model *m, const struct read_stats *st,
		const struct report_filter *f, const char *source,
		const char *no_runs, FILE *out)
{
	struct report_text *rt = malloc(sizeof(*rt));
	size_t i;
	int ret;

	if (!rt)
		return -1;
	text_start(rt, m, f, out);
	fprintf(out, "kmemlab report: %s\n\n", source);
	for (i = 0; i < model_nr_runs(m); i++)
		text_run(rt, model_run_get(m, i));
	ret = text_end(rt, st, no_runs, out);
	free(rt);
	return ret;
}

/* Unlinked from the start: gone however the process ends. */
static FILE *spool_open(void)
{
	const char *dir = getenv("TMPDIR");
	FILE *f;
	int fd;

	fd = open(dir && *dir ? dir : "/tmp", O_TMPFILE | O_RDWR, 0600);
	if (fd < 0)	/* a file system without O_TMPFILE */
		return tmpfile();
	f = fdopen(fd, "w+");
	if (!f)
		close(fd);
	return f;
}

struct report_text *report_text_spool(const struct model *m,
				      const struct report_filter *f)
{
	struct report_text *rt = malloc(sizeof(*rt));
	FILE *spool = spool_open();

	if (!rt || !spool) {
		free(rt);
		if (spool)
			fclose(spool);
		return NULL;
	}
	text_start(rt, m, f, spool);
	return rt;
}

/*
 * A run's detail says whether the recording has the kernel's page events
 * and the buddy events at all: until one of each has been seen, only the
 * end of the recording can tell, and the run waits.
 */
bool report_text_retire(const struct model_run *r, size_t index, bool final,
			void *arg)
{
	struct report_text *rt = arg;
	const struct model_sys *s = model_sys_get(rt->m);
	struct spooled_run *p;
	long offset;

	if (!final && (!s->has_kmem || !s->buddy.has_buddy))
		return false;
	if (rt->nr_spooled == rt->cap_spooled) {
		size_t cap = rt->cap_spooled ? rt->cap_spooled * 2 : 64;

		p = realloc(rt->spooled, cap * sizeof(*p));
		if (!p) {
			if (!rt->spool_errno)
				rt->spool_errno = ENOMEM;
			return true;
		}
		rt->spooled = p;
		rt->cap_spooled = cap;
	}
	errno = 0;
	offset = ftell(rt->runs);
	if (!text_run(rt, r))
		return true;
	if (ferror(rt->runs) && !rt->spool_errno)	/* full disk, file size limit */
		rt->spool_errno = errno ? errno : EIO;
	rt->spooled[rt->nr_spooled++] = (struct spooled_run){
		index, offset, ftell(rt->runs) - offset,
	};
	return true;
}

static int by_index(const void *a, const void *b)
{
	const struct spooled_run *x = a, *y = b;

	return (x->index > y->index) - (x->index < y->index);
}

/* The runs' detail from the spool to out, in the recording's order. */
static int copy_spool(struct report_text *rt, FILE *out)
{
	FILE *spool = rt->runs;
	char buf[65536];
	size_t i, n;
	long left;

	if (rt->nr_spooled)
		qsort(rt->spooled, rt->nr_spooled, sizeof(*rt->spooled), by_index);
	for (i = 0; i < rt->nr_spooled; i++) {
		if (fseek(spool, rt->spooled[i].offset, SEEK_SET))
			return -1;
		for (left = rt->spooled[i].len; left > 0; left -= n) {
			n = fread(buf, 1, left < (long)sizeof(buf) ?
				  (size_t)left : sizeof(buf), spool);
			if (!n || fwrite(buf, 1, n, out) != n) {
				if (!ferror(out))
					errno = EIO;
				return -1;
			}
		}
	}
	return 0;
}

int report_text_spooled(struct report_text *rt, const struct read_stats *st,
			const char *source, const char *no_runs, FILE *out)
{
	/* a spool that lost a run fails before a line is printed */
	if (!rt->spool_errno && fflush(rt->runs))
		rt->spool_errno = errno;
	if (rt->spool_errno) {
		errno = rt->spool_errno;
		return -1;
	}
	fprintf(out, "kmemlab report: %s\n\n", source);
	if (copy_spool(rt, out))
		return -1;
	return text_end(rt, st, no_runs, out);
}

bool report_text_spool_failed(const struct report_text *rt)
{
	return rt->spool_errno;
}

void report_text_free(struct report_text *rt)
{
	if (!rt)
		return;
	fclose(rt->runs);
	free(rt->spooled);
	free(rt);
}
