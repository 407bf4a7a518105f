/* SPDX-License-Identifier: GPL-2.0 */
/*
 * layout - the geometry of analyze layout's picture, shared by layout.c
 * (which blocks, which row and lane) and layout-svg.c (drawing them).
 */
#ifndef _KMEMLAB_LAYOUT_H
#define _KMEMLAB_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "model/model.h"

#define LAYOUT_ROW_ORDER	10
#define LAYOUT_ROW_PAGES	1024u	/* 2^LAYOUT_ROW_ORDER: one order-10 block per row */
#define LAYOUT_X0		196	/* left edge of the rows */
#define LAYOUT_BAR_W		LAYOUT_ROW_PAGES		/* one pixel per page */
#define LAYOUT_WIDTH		(LAYOUT_X0 + LAYOUT_BAR_W + 24)
#define LAYOUT_ROWS_Y		132	/* top of the first row */
#define LAYOUT_ROW_PAD		3
#define LAYOUT_ROW_SEP		3
#define LAYOUT_GAP_H		16	/* a stretch of memory without blocks */
#define LAYOUT_MAX_LANES	16
#define LAYOUT_LABEL_RUNS	64	/* more runs: hover titles, no labels */
#define LAYOUT_LIST_RUNS	32	/* more runs: a colour bar, not a list */

/* The part of one block that falls in one row. */
struct layout_seg {
	const struct model_run *run;
	const struct model_block *blk;
	size_t run_idx;		/* among the drawn runs: picks the colour */
	uint64_t pfn;		/* first page in this row */
	uint32_t pages;		/* pages in this row */
	bool first;		/* the block's first row: its one "block" shape */
	int lane;
};

/* One 1024-page chunk of physical memory that holds a block. */
struct layout_row {
	uint64_t chunk;		/* pfn / LAYOUT_ROW_PAGES */
	size_t first;		/* its segments: segs[first .. first + nr) */
	size_t nr;
	int lanes;
	int stacked;		/* segments drawn over others */
	int y;
	int h;
};

struct layout {
	const char *path;
	struct layout_seg *segs;
	size_t nr_segs;
	size_t cap;
	struct layout_row *rows;
	size_t nr_rows;
	size_t nr_runs;		/* runs with a drawn block */
	size_t nr_undrawn;	/* failed allocations */
	size_t nr_stacked;
	uint32_t first_run;
	uint32_t last_run;
	uint32_t page_size;
	bool labels;		/* text inside blocks */
	bool list;		/* a legend line per run */
	int lane_h;
	int max_lanes;
	int legend_y;
	int height;
	uint64_t span;		/* pages the overview strip covers */
};

struct report_filter;

/*
 * Place every drawable block of the runs f selects (layout.c); 0 with
 * nr_segs 0 when there is none, -1 with errno on failure.
 */
int layout_build(struct layout *l, const struct model *m,
		 const struct report_filter *f);
void layout_release(struct layout *l);
/* The picture of a built layout, as SVG (layout-svg.c). */
void layout_draw(const struct layout *l, FILE *out);

#endif /* _KMEMLAB_LAYOUT_H */
