// SPDX-License-Identifier: GPL-2.0
/*
 * The buddy allocator in the text report: for each block where it came
 * from and where it went (kmemlab_split, kmemlab_merge and the kernel's
 * free-list events matched with them), for each run its zones' free
 * blocks per order at begin and end, for the recording the orders asked
 * against the orders cut.  Printed only for recordings with those events,
 * so older recordings read as before.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"
#include "report.h"
#include "lib/table.h"

#define TS_SEC(ts) ((ts) / 1e9)

/* "left free: order 4 @0x3e790, 5 @0x3e7a0" (the remnants, P + 2^j). */
static void print_remnants(const struct model_block *b, FILE *out)
{
	const struct model_split *s = b->split;
	uint32_t j;

	for (j = b->order; (int)j < s->source_order; j++)
		fprintf(out, "%s%u @0x%" PRIx64, j == b->order ?
			"; left free: order " : ", ", j,
			model_split_remnant(b, j));
}

static void print_kernel_match(const struct model_split *s, FILE *out)
{
	if (s->extfrag)
		fprintf(out,
			"; fallback: stolen from the %s lists, order %d (mm_page_alloc_extfrag)",
			model_migratetype_name(s->fallback_migratetype),
			s->fallback_order);
	if (s->zone_locked && !s->pcp)
		fprintf(out,
			"; off the free lists at t=%.6f (mm_page_alloc_zone_locked)",
			TS_SEC(s->zone_locked_ts));
}

static void print_pcp_source(const struct model_split *s, FILE *out)
{
	fprintf(out, "from CPU %d's per-CPU list",
		s->refill ? s->zone_locked_cpu : s->cpu);
	if (s->refill)
		fprintf(out,
			", refilled from the free lists at t=%.6f (mm_page_alloc_zone_locked percpu_refill=1)",
			TS_SEC(s->zone_locked_ts));
	else if (!s->clean)
		fputs("; the free lists changed meanwhile (other allocations)", out);
}

static void print_came(const struct model_block *b, FILE *out)
{
	const struct model_split *s = b->split;

	fputs("    came     ", out);
	switch (s->came) {
	case MODEL_CAME_SPLIT:
		fprintf(out, "split from order %d at pfn 0x%" PRIx64,
			s->source_order, s->source_pfn);
		print_remnants(b, out);
		break;
	case MODEL_CAME_EXACT:
		fprintf(out, "a free order-%u block, taken whole (no split)",
			b->order);
		break;
	case MODEL_CAME_PCP:
		print_pcp_source(s, out);
		break;
	case MODEL_CAME_DISTURBED:
		fprintf(out, "%s: split order at least %d", s->has_before ?
			"free-list state changed by other allocations in between" :
			"free counts before the allocation not recorded",
			s->source_order);
		break;
	default:
		fprintf(out,
			"CONTRADICTS the buddy rules (analyze check): source order %d at pfn 0x%"
			PRIx64, s->source_order, s->source_pfn);
		break;
	}
	print_kernel_match(s, out);
	fputc('\n', out);
}

static void print_list_fate(const struct model_merge *g, FILE *out)
{
	if (g->drained && g->merged_order >= 0)
		fprintf(out, ", drained at once (t=%.6f)", TS_SEC(g->drain_ts));
	else if (g->drained)
		fprintf(out, ", drained at t=%.6f (mm_page_pcpu_drain)",
			TS_SEC(g->drain_ts));
	else if (g->reused)
		fprintf(out, ", taken off it again at t=%.6f (mm_page_alloc)",
			TS_SEC(g->reuse_ts));
	else if (g->merged_order < 0)
		fputs(", no drain recorded", out);
}

static void print_went(const struct model_block *b, FILE *out)
{
	const struct model_merge *g = b->merge;

	fputs("    went     ", out);
	if (!g) {
		fputs("not recorded (no kmemlab_merge)\n", out);
		return;
	}
	if (g->broken) {
		fprintf(out,
			"CONTRADICTS the buddy rules (analyze check): merged order %d at pfn 0x%"
			PRIx64 "\n", g->merged_order, g->merged_pfn);
		return;
	}
	if (g->pcp) {
		fprintf(out, "to CPU %d's per-CPU list", g->cpu);
		print_list_fate(g, out);
		if (g->merged_order >= 0)
			fputs(" and", out);
	}
	if (g->merged_order == (int)b->order)
		fprintf(out,
			"%sback on the free lists as an order-%u block (its buddy was not free)",
			g->pcp ? " " : "", b->order);
	else if (g->merged_order > (int)b->order)
		fprintf(out, "%smerged up to order %d at pfn 0x%" PRIx64,
			g->pcp ? " " : "", g->merged_order, g->merged_pfn);
	fputc('\n', out);
}

void report_block_buddy(const struct model *m, const struct model_run *r,
			const struct model_block *b, FILE *out)
{
	if (!model_sys_get(m)->buddy.has_buddy)
		return;
	if (r->nr_areas && !r->buddy_blocks) {
		fprintf(out, "    came     not applicable: %s\n",
			r->mode == MODEL_MODE_VMALLOC ?
			"vmalloc's pages come from the bulk allocator" :
			"a slab object, in a slab page allocated earlier");
		return;
	}
	if (!b->split)
		fputs("    came     not recorded (no kmemlab_split)\n", out);
	else
		print_came(b, out);
	if (b->freed)
		print_went(b, out);
}

static int area_rows(struct table *t, const struct model_free_area *a,
		     uint32_t nr_orders)
{
	static const char *const when[] = { "begin", "end", "change" };
	int row, ret = 0;
	uint32_t j;

	for (row = 0; row < 3 && !ret; row++) {
		ret = table_cell(t, "%s", row ? "" : a->zone) ||
		      table_cell(t, "%s", when[row]);
		for (j = 0; j < nr_orders && !ret; j++) {
			int64_t d = (int64_t)a->end[j] - a->begin[j];
			bool have = j < a->nr_orders &&
				    (row == 0 ? a->has_begin : row == 1 ? a->has_end :
				     a->has_begin && a->has_end);

			if (!have)
				ret = table_cell(t, "-");
			else if (row < 2)
				ret = table_cell(t, "%u", row ? a->end[j] : a->begin[j]);
			else
				ret = d ? table_cell(t, "%+" PRId64, d) :
					  table_cell(t, ".");
		}
	}
	return ret;
}

#define MAX_COLS (2 + MODEL_BUDDY_NR_ORDERS)

static const char *const order_heads[MAX_COLS] = {
	"<zone", "<at", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10",
	"11", "12", "13", "14", "15",
};

int report_run_free_areas(const struct model_run *r, FILE *out)
{
	uint32_t i, nr = 0;
	struct table *t;
	int ret = 0;

	if (!r->nr_areas)
		return 0;
	for (i = 0; i < r->nr_areas; i++)
		if (r->areas[i].nr_orders > nr)
			nr = r->areas[i].nr_orders;
	t = table_new(2 + nr, order_heads);
	if (!t)
		return -1;
	for (i = 0; i < r->nr_areas && !ret; i++)
		ret = area_rows(t, &r->areas[i], nr);
	if (!ret) {
		fprintf(out,
			"  free lists blocks per order in each zone at the run's begin and end (kmemlab_free_area)\n");
		table_print(t, out, "             ");
	}
	table_free(t);
	return ret;
}

static void tally_block(struct buddy_tally *t, const struct model_block *b)
{
	const struct model_split *s = b->split;

	if (!s || b->order >= MODEL_BUDDY_NR_ORDERS)
		return;
	t->blocks[b->order]++;
	t->came[b->order][s->came]++;
	if (s->came == MODEL_CAME_SPLIT || s->came == MODEL_CAME_EXACT)
		t->source[b->order][s->source_order]++;
}

void report_buddy_tally_run(struct buddy_tally *t, const struct model_run *r)
{
	uint32_t j;

	for (j = 0; j < r->nr_block_slots; j++)
		tally_block(t, &r->blocks[j]);
}

void report_buddy_tally(const struct model *m, const struct report_filter *f,
			struct buddy_tally *t)
{
	size_t i;

	memset(t, 0, sizeof(*t));
	t->nr_orders = model_sys_get(m)->buddy.nr_orders;
	for (i = 0; i < model_nr_runs(m); i++)
		if (report_filter_match(f, model_run_get(m, i)))
			report_buddy_tally_run(t, model_run_get(m, i));
}

static int sources_table(const struct buddy_tally *bt, FILE *out)
{
	const char *heads[1 + MODEL_BUDDY_NR_ORDERS] = { "order" };
	struct table *t;
	uint32_t o, k;
	int ret = 0;

	for (k = 0; k < bt->nr_orders; k++)
		heads[1 + k] = order_heads[2 + k];
	t = table_new(1 + bt->nr_orders, heads);
	if (!t)
		return -1;
	for (o = 0; o < bt->nr_orders && !ret; o++) {
		if (!bt->came[o][MODEL_CAME_SPLIT] && !bt->came[o][MODEL_CAME_EXACT])
			continue;
		ret = table_cell(t, "%u", o);
		for (k = 0; k < bt->nr_orders && !ret; k++)
			ret = bt->source[o][k] ?
			      table_cell(t, "%" PRIu64, bt->source[o][k]) :
			      table_cell(t, ".");
	}
	if (!ret) {
		fprintf(out,
			"BUDDY SOURCES (clean splits: order asked, down; order of the free block it was cut from, across)\n");
		table_print(t, out, "  ");
		fputc('\n', out);
	}
	table_free(t);
	return ret;
}

static int served_table(const struct buddy_tally *bt, FILE *out)
{
	static const char *const heads[] = {
		"order", "blocks", "split", "exact", "per-CPU", "disturbed",
		"contradicting",
	};
	struct table *t = table_new(7, heads);
	uint32_t o;
	int c, ret = 0;

	if (!t)
		return -1;
	for (o = 0; o < MODEL_BUDDY_NR_ORDERS && !ret; o++) {
		if (!bt->blocks[o])
			continue;
		ret = table_cell(t, "%u", o) ||
		      table_cell(t, "%" PRIu64, bt->blocks[o]);
		for (c = 0; c < MODEL_NR_CAME && !ret; c++)
			ret = bt->came[o][c] ?
			      table_cell(t, "%" PRIu64, bt->came[o][c]) :
			      table_cell(t, ".");
	}
	if (!ret) {
		fprintf(out,
			"BUDDY SERVED BY ORDER (kmemlab_split: a split, a free block of the order, a per-CPU list)\n");
		table_print(t, out, "  ");
	}
	table_free(t);
	return ret;
}

int report_buddy_tables(const struct model *m, const struct report_filter *f,
			const struct buddy_tally *bt, FILE *out)
{
	const struct model_buddy_sys *s = &model_sys_get(m)->buddy;

	if (!s->has_buddy)
		return 0;
	if (sources_table(bt, out) || served_table(bt, out))
		return -1;
	/* recording-wide, like the kernel's tables: not for --run */
	if (s->has_kmem && !f->one)
		fprintf(out, "  kernel free-list events: %" PRIu64
			" mm_page_alloc_zone_locked (%" PRIu64
			" refilling per-CPU lists), %" PRIu64 " mm_page_pcpu_drain, %"
			PRIu64 " mm_page_alloc_extfrag\n", s->zone_locked,
			s->refills, s->drains, s->extfrags);
	fputc('\n', out);
	return 0;
}
