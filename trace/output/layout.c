// SPDX-License-Identifier: GPL-2.0
/*
 * Where every block sits in physical memory, placed in rows and lanes for
 * an SVG picture (layout-svg.c draws it; analyze layout).
 *
 * Physical memory is a GiB or more and a block 4 KiB to 4 MiB, so a linear
 * axis would hide the blocks.  Each row is one chunk of 1024 pages aligned
 * to 1024 pages: the span of an order-10 block, so a buddy-aligned block
 * never crosses a row and its alignment shows against the grid of smaller
 * orders.  Only chunks that hold a block get a row; the stretch between two
 * rows collapses into one line saying how much was skipped.  Blocks of runs
 * that reused the same pages stack in lanes within their row.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "layout.h"
#include "model/model.h"
#include "report.h"
#include "lib/svg.h"

static bool drawable(const struct model_block *b)
{
	return b->allocated && !b->failed && b->pfn <= UINT64_MAX - LAYOUT_ROW_PAGES;
}

static int add_seg(struct layout *l, const struct layout_seg *s)
{
	if (l->nr_segs == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 256;
		struct layout_seg *n = realloc(l->segs, cap * sizeof(*n));

		if (!n)
			return -1;
		l->segs = n;
		l->cap = cap;
	}
	l->segs[l->nr_segs++] = *s;
	return 0;
}

/* One segment per row the block touches; only a misaligned block has two. */
static int add_block(struct layout *l, const struct model_run *r,
		     const struct model_block *b)
{
	uint64_t pfn = b->pfn, end = b->pfn + (1ULL << b->order);
	struct layout_seg s = { .run = r, .blk = b, .run_idx = l->nr_runs, .first = true };

	while (pfn < end) {
		uint64_t row_end = (pfn / LAYOUT_ROW_PAGES + 1) * LAYOUT_ROW_PAGES;

		s.pfn = pfn;
		s.pages = (end < row_end ? end : row_end) - pfn;
		if (add_seg(l, &s))
			return -1;
		s.first = false;
		pfn += s.pages;
	}
	return 0;
}

static int collect(struct layout *l, const struct model *m,
		   const struct report_filter *f)
{
	size_t i, before;
	uint32_t j;

	for (i = 0; i < model_nr_runs(m); i++) {
		const struct model_run *r = model_run_get(m, i);

		if (!report_filter_match(f, r))
			continue;
		before = l->nr_segs;
		for (j = 0; j < r->nr_block_slots; j++) {
			if (r->blocks[j].allocated && !drawable(&r->blocks[j]))
				l->nr_undrawn++;
			else if (drawable(&r->blocks[j]) &&
				 add_block(l, r, &r->blocks[j]))
				return -1;
		}
		if (l->nr_segs == before)
			continue;
		if (!l->nr_runs++)
			l->first_run = r->id;
		l->last_run = r->id;
		if (!l->page_size && r->page_size)
			l->page_size = r->page_size;
	}
	return 0;
}

static int cmp_seg(const void *pa, const void *pb)
{
	const struct layout_seg *a = pa, *b = pb;

	if (a->pfn / LAYOUT_ROW_PAGES != b->pfn / LAYOUT_ROW_PAGES)
		return a->pfn / LAYOUT_ROW_PAGES < b->pfn / LAYOUT_ROW_PAGES ? -1 : 1;
	if (a->run_idx != b->run_idx)
		return a->run_idx < b->run_idx ? -1 : 1;
	return a->blk->index < b->blk->index ? -1 : a->blk->index > b->blk->index;
}

static bool range_free(const uint64_t *occ, uint32_t off, uint32_t n)
{
	uint32_t i;

	for (i = off; i < off + n; i++)
		if (occ[i / 64] & (1ULL << (i % 64)))
			return false;
	return true;
}

static void range_mark(uint64_t *occ, uint32_t off, uint32_t n)
{
	uint32_t i;

	for (i = off; i < off + n; i++)
		occ[i / 64] |= 1ULL << (i % 64);
}

/* First lane with room, in time order; past the last lane, stack. */
static void place(struct layout *l, struct layout_row *row)
{
	uint64_t occ[LAYOUT_MAX_LANES][LAYOUT_ROW_PAGES / 64];
	size_t i;
	int lane;

	memset(occ, 0, sizeof(occ));
	for (i = row->first; i < row->first + row->nr; i++) {
		struct layout_seg *s = &l->segs[i];
		uint32_t off = s->pfn % LAYOUT_ROW_PAGES;

		for (lane = 0; lane < l->max_lanes; lane++)
			if (range_free(occ[lane], off, s->pages))
				break;
		if (lane == l->max_lanes) {
			lane = l->max_lanes - 1;
			row->stacked++;
			l->nr_stacked++;
		}
		range_mark(occ[lane], off, s->pages);
		s->lane = lane;
		if (lane >= row->lanes)
			row->lanes = lane + 1;
	}
}

static int build_rows(struct layout *l)
{
	size_t i;

	qsort(l->segs, l->nr_segs, sizeof(*l->segs), cmp_seg);
	l->rows = calloc(l->nr_segs, sizeof(*l->rows));
	if (!l->rows)
		return -1;
	for (i = 0; i < l->nr_segs; i++) {
		uint64_t chunk = l->segs[i].pfn / LAYOUT_ROW_PAGES;
		struct layout_row *row = &l->rows[l->nr_rows - !!l->nr_rows];

		if (!l->nr_rows || row->chunk != chunk) {
			row = &l->rows[l->nr_rows++];
			row->chunk = chunk;
			row->first = i;
		}
		row->nr++;
	}
	for (i = 0; i < l->nr_rows; i++)
		place(l, &l->rows[i]);
	return 0;
}

static void geometry(struct layout *l)
{
	int y = LAYOUT_ROWS_Y, min_h = l->labels ? 30 : 12;
	size_t i;

	for (i = 0; i < l->nr_rows; i++) {
		struct layout_row *r = &l->rows[i];
		int h = r->lanes * l->lane_h + 2 * LAYOUT_ROW_PAD;

		if (i && r->chunk != l->rows[i - 1].chunk + 1)
			y += LAYOUT_GAP_H;
		r->y = y;
		r->h = h > min_h ? h : min_h;
		y += r->h + LAYOUT_ROW_SEP;
	}
	l->legend_y = y + 28;
	l->height = l->legend_y + (l->list ? 16 * (int)l->nr_runs : 40) + 20;
	/* The overview spans whole 128-chunk (512 MiB) steps of memory. */
	l->span = ((l->rows[l->nr_rows - 1].chunk + 128) / 128) * 128 * LAYOUT_ROW_PAGES;
}

void layout_release(struct layout *l)
{
	free(l->segs);
	free(l->rows);
}

int layout_build(struct layout *l, const struct model *m,
		 const struct report_filter *f)
{
	if (collect(l, m, f))
		return -1;
	if (!l->nr_segs)
		return 0;
	if (!l->page_size)
		l->page_size = 4096;
	l->labels = l->nr_runs <= LAYOUT_LABEL_RUNS;
	l->list = l->nr_runs <= LAYOUT_LIST_RUNS;
	l->lane_h = l->labels ? 16 : 5;
	l->max_lanes = l->labels ? 8 : LAYOUT_MAX_LANES;
	if (build_rows(l))
		return -1;
	geometry(l);
	return 0;
}
