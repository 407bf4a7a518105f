// SPDX-License-Identifier: GPL-2.0
/*
 * Drawing analyze layout's picture: plain SVG, one <rect class="block"> per
 * block with its run, block, order and pfn as data- attributes and a
 * <title> for hovering, so programs and people read the same facts.
 */
#include <inttypes.h>
#include <string.h>

#include "layout.h"
#include "lib/svg.h"
#include "lib/util.h"

#define CHAR_W	6.1	/* advance of 10 px monospace */

static const char *fmt_size(char *buf, size_t len, uint64_t bytes)
{
	if (bytes && !(bytes % (1ULL << 30)))
		snprintf(buf, len, "%" PRIu64 " GiB", bytes >> 30);
	else if (bytes && !(bytes % (1ULL << 20)))
		snprintf(buf, len, "%" PRIu64 " MiB", bytes >> 20);
	else if (bytes && !(bytes % 1024))
		snprintf(buf, len, "%" PRIu64 " KiB", bytes >> 10);
	else
		snprintf(buf, len, "%" PRIu64 " B", bytes);
	return buf;
}

/*
 * Few runs: ten colours chosen at least 50 apart in CIELAB (a hue a fixed
 * angle further per run made runs N and N + 5 look alike), light enough
 * for black labels; each further cycle of ten a shade darker or lighter.
 * Many runs: a hue ramp.
 */
static const char *run_color(const struct layout *l, size_t idx,
			     char buf[SVG_COLOR_LEN])
{
	static const struct { double hue, sat, light; } palette[] = {
		{ 210, 0.8, 0.45 }, { 0, 0.8, 0.65 }, { 145, 0.5, 0.45 },
		{ 50, 0.8, 0.45 }, { 275, 0.8, 0.55 }, { 190, 0.8, 0.55 },
		{ 320, 0.8, 0.45 }, { 120, 0.8, 0.55 }, { 300, 0.8, 0.85 },
		{ 45, 0.65, 0.85 },
	};
	static const double shade[] = { 0, -0.12, 0.08, -0.2 };
	size_t n = ARRAY_SIZE(palette), i = idx % n;

	if (!l->list)
		return svg_hsl(buf, l->nr_runs > 1 ? 270.0 * idx / (l->nr_runs - 1) : 0,
			       0.65, 0.62);
	return svg_hsl(buf, palette[i].hue, palette[i].sat,
		       palette[i].light + shade[idx / n % ARRAY_SIZE(shade)]);
}

static bool seg_split(const struct layout_seg *s)
{
	return s->first && s->blk->split &&
	       s->blk->split->came == MODEL_CAME_SPLIT;
}

static bool layout_has_splits(const struct layout *l)
{
	size_t i;

	for (i = 0; i < l->nr_segs; i++)
		if (seg_split(&l->segs[i]))
			return true;
	return false;
}

static void draw_header(const struct layout *l, FILE *out)
{
	char a[32], b[32];

	fputs("<?xml version='1.0' encoding='UTF-8'?>\n", out);
	fprintf(out, "<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d'",
		LAYOUT_WIDTH, l->height);
	fprintf(out, " viewBox='0 0 %d %d' font-size='10'", LAYOUT_WIDTH, l->height);
	fputs(" font-family='DejaVu Sans Mono, monospace'>\n", out);
	fputs("<rect width='100%' height='100%' fill='#fff'/>\n", out);
	fputs("<text x='16' y='24' font-size='15' font-weight='bold'>", out);
	fputs("kmemlab physical layout: ", out);
	svg_escape(out, l->path);
	fputs("</text>\n", out);
	svg_text(out, 16, 42, "font-size='11'",
		 "%zu block%s of %zu run%s in %zu row%s; a row is one %s-aligned chunk (an order-%d block), 1 px = 1 page (%s)",
		 l->nr_segs, l->nr_segs == 1 ? "" : "s", l->nr_runs,
		 l->nr_runs == 1 ? "" : "s", l->nr_rows, l->nr_rows == 1 ? "" : "s",
		 fmt_size(a, sizeof(a), (uint64_t)LAYOUT_ROW_PAGES * l->page_size),
		 LAYOUT_ROW_ORDER, fmt_size(b, sizeof(b), l->page_size));
	svg_text(out, 16, 57, "font-size='11' fill='#555'",
		 "grid: order-6/8/9 buddy boundaries (faint, medium, dark); blocks of runs that reused pages stack downwards; red outline: never freed; orange dashes: not buddy-aligned%s",
		 l->nr_undrawn ? "; failed allocations are not drawn" : "");
}

/* Where the rows sit in the whole of physical memory. */
static void draw_overview(const struct layout *l, FILE *out)
{
	double scale = (double)LAYOUT_BAR_W / l->span;
	double w = LAYOUT_ROW_PAGES * scale > 1 ? LAYOUT_ROW_PAGES * scale : 1.0;
	char a[32];
	size_t i;

	svg_text(out, LAYOUT_X0 - 8, 81, "text-anchor='end'", "physical memory");
	svg_rect(out, LAYOUT_X0, 72, LAYOUT_BAR_W, 12,
		 "fill='#eee' stroke='#999' stroke-width='0.5'", false);
	for (i = 0; i < l->nr_rows; i++)
		svg_rect(out, LAYOUT_X0 + l->rows[i].chunk * LAYOUT_ROW_PAGES * scale, 72, w, 12,
			 "fill='#444'", false);
	svg_text(out, LAYOUT_X0, 96, "fill='#555'", "0");
	svg_text(out, LAYOUT_X0 + LAYOUT_BAR_W, 96, "fill='#555' text-anchor='end'", "%s",
		 fmt_size(a, sizeof(a), l->span * l->page_size));
}

/* Offsets within a row, over the first row. */
static void draw_axis(const struct layout *l, FILE *out)
{
	static const char *const anchor[] = {
		"fill='#555'", "fill='#555' text-anchor='middle'",
		"fill='#555' text-anchor='end'",
	};
	char a[32];
	uint32_t off;

	svg_text(out, LAYOUT_X0 - 8, LAYOUT_ROWS_Y - 8, "text-anchor='end'", "phys / pfn");
	for (off = 0; off <= LAYOUT_ROW_PAGES; off += LAYOUT_ROW_PAGES / 4)
		svg_text(out, LAYOUT_X0 + off, LAYOUT_ROWS_Y - 8,
			 anchor[!off ? 0 : off == LAYOUT_ROW_PAGES ? 2 : 1], "+%s",
			 fmt_size(a, sizeof(a), (uint64_t)off * l->page_size));
}

static void draw_grid(const struct layout_row *r, FILE *out)
{
	uint32_t off;

	for (off = 64; off < LAYOUT_ROW_PAGES; off += 64)
		fprintf(out, "<line x1='%u' x2='%u' y1='%d' y2='%d' %s/>\n",
			LAYOUT_X0 + off, LAYOUT_X0 + off, r->y, r->y + r->h,
			!(off % 512) ? "stroke='#777'" :
			!(off % 256) ? "stroke='#aaa' stroke-width='0.5'" :
				       "stroke='#ddd' stroke-width='0.5'");
}

static void draw_row_frame(const struct layout *l, const struct layout_row *r,
			   FILE *out)
{
	uint64_t pfn = r->chunk * LAYOUT_ROW_PAGES;

	svg_text(out, LAYOUT_X0 - 8, r->y + 11, "class='row-label' text-anchor='end'",
		 "0x%" PRIx64, pfn * l->page_size);
	if (r->h >= 26)
		svg_text(out, LAYOUT_X0 - 8, r->y + 23, "text-anchor='end' fill='#666'",
			 "pfn 0x%" PRIx64, pfn);
	svg_rect(out, LAYOUT_X0, r->y, LAYOUT_BAR_W, r->h,
		 "class='row' fill='#f4f4f4' stroke='#999' stroke-width='0.5'", true);
	fprintf(out, "<title>pfn 0x%" PRIx64 "-0x%" PRIx64 ": %zu block%s",
		pfn, pfn + LAYOUT_ROW_PAGES - 1, r->nr, r->nr == 1 ? "" : "s");
	if (r->stacked)
		fprintf(out, ", %d drawn over others (out of lanes)", r->stacked);
	fputs("</title></rect>\n", out);
	draw_grid(r, out);
}

static void draw_gap(const struct layout *l, const struct layout_row *prev,
		     const struct layout_row *r, FILE *out)
{
	char a[32];
	uint64_t pages = (r->chunk - prev->chunk - 1) * LAYOUT_ROW_PAGES;

	svg_text(out, LAYOUT_X0 + LAYOUT_BAR_W / 2, r->y - LAYOUT_ROW_SEP - 4,
		 "text-anchor='middle' fill='#888' font-style='italic'",
		 "\u22ee %s without blocks \u22ee",
		 fmt_size(a, sizeof(a), pages * l->page_size));
}

static void block_title(const struct layout *l, const struct layout_seg *s, FILE *out)
{
	const struct model_block *b = s->blk;
	uint64_t n = (uint64_t)1 << b->order;
	char a[32];

	fprintf(out, "<title>run %u block %u: order %u, ", s->run->id, b->index,
		b->order);
	fprintf(out, "pfn 0x%" PRIx64 "-0x%" PRIx64 " (%" PRIu64 " page%s, %s), ",
		b->pfn, b->pfn + n - 1, n, n == 1 ? "" : "s",
		fmt_size(a, sizeof(a), n * l->page_size));
	fprintf(out, "phys 0x%" PRIx64 "; %s%s</title>", b->pfn * l->page_size,
		b->freed ? "freed" : "LEAKED (never freed)",
		model_block_aligned(b) ? "" : "; NOT buddy-aligned");
}

/* Blocks this small get a label even when none fits inside them. */
#define LABEL_ALWAYS_PAGES 8

/* Beside the block: to its right, or to its left at the row's end. */
static void label_beside(const char *text, const char *attrs, double x,
			 double y, double w, FILE *out)
{
	double tw = strlen(text) * CHAR_W;
	char a[128];

	if (x + w + 2 + tw <= LAYOUT_X0 + LAYOUT_BAR_W)
		snprintf(a, sizeof(a), "%s data-place='beside'", attrs);
	else
		snprintf(a, sizeof(a), "%s data-place='beside' text-anchor='end'",
			 attrs);
	svg_text(out, x + w + 2 + tw <= LAYOUT_X0 + LAYOUT_BAR_W ? x + w + 2 : x - 2,
		 y, a, "%s", text);
}

/* The longest label that fits the block; a small block's goes beside it. */
static void block_label(const struct layout_seg *s, double x, double y, double w,
			FILE *out)
{
	const struct model_block *b = s->blk;
	char text[3][96], attrs[64];
	int i;

	snprintf(text[0], sizeof(text[0]),
		 "run %u order %u pfn 0x%" PRIx64 "-0x%" PRIx64, s->run->id,
		 b->order, b->pfn, b->pfn + ((uint64_t)1 << b->order) - 1);
	snprintf(text[1], sizeof(text[1]), "r%u o%u", s->run->id, b->order);
	snprintf(text[2], sizeof(text[2]), "%u", s->run->id);
	for (i = 0; i < 3; i++)
		if (strlen(text[i]) * CHAR_W + 4 <= w)
			break;
	snprintf(attrs, sizeof(attrs), "class='label' data-run='%u' data-block='%u'",
		 s->run->id, b->index);
	if (i < 3)
		svg_text(out, x + 2, y, attrs, "%s", text[i]);
	else if ((1u << b->order) <= LABEL_ALWAYS_PAGES)
		label_beside(text[1], attrs, x, y, w, out);
}

static const char *block_stroke(const struct model_block *b)
{
	if (!model_block_aligned(b))
		return "stroke='#e07000' stroke-width='1.5' stroke-dasharray='3,2'";
	if (!b->freed)
		return "stroke='#d00' stroke-width='1.5'";
	return "stroke='#222' stroke-opacity='0.5' stroke-width='0.5'";
}

static void draw_seg(const struct layout *l, const struct layout_row *r,
		     const struct layout_seg *s, FILE *out)
{
	const struct model_block *b = s->blk;
	double w = s->pages > 2 ? s->pages : 2;
	double x = LAYOUT_X0 + s->pfn % LAYOUT_ROW_PAGES;
	double y = r->y + LAYOUT_ROW_PAD + s->lane * l->lane_h;
	char color[SVG_COLOR_LEN], attrs[256], pfn[24];

	if (x + w > LAYOUT_X0 + LAYOUT_BAR_W)
		x = LAYOUT_X0 + LAYOUT_BAR_W - w;
	snprintf(pfn, sizeof(pfn), "0x%" PRIx64, b->pfn);
	snprintf(attrs, sizeof(attrs),
		 "class='%s' data-run='%u' data-block='%u' data-order='%u' data-pfn='%s' data-pages='%u' fill='%s' %s",
		 s->first ? "block" : "block-cont", s->run->id, b->index,
		 b->order, pfn, 1u << b->order, run_color(l, s->run_idx, color),
		 block_stroke(b));
	svg_rect(out, x, y, w, l->lane_h - 1, attrs, true);
	block_title(l, s, out);
	fputs("</rect>\n", out);
	if (l->labels && s->first)
		block_label(s, x, y + l->lane_h - 5, w, out);
}

/* A stretch of pfns within row r, clipped to it: x and width. */
static double row_x(const struct layout_row *r, uint64_t pfn, uint64_t pages,
		    double *w)
{
	uint64_t lo = r->chunk * LAYOUT_ROW_PAGES, hi = lo + LAYOUT_ROW_PAGES;
	uint64_t start = pfn > lo ? pfn : lo, end = pfn + pages < hi ? pfn + pages : hi;

	*w = end > start ? end - start : 0;
	return LAYOUT_X0 + (start - lo);
}

/*
 * Where a block was cut from (kmemlab_split): the source block's outline
 * over the whole row, and the free remnants it left at P + 2^j in the
 * block's lane, under the blocks.
 */
static void draw_source(const struct layout *l, const struct layout_row *r,
			const struct layout_seg *s, FILE *out)
{
	const struct model_block *b = s->blk;
	const struct model_split *sp = b->split;
	double x, w, y = r->y + LAYOUT_ROW_PAD + s->lane * l->lane_h;
	char attrs[200];
	uint32_t j;

	x = row_x(r, sp->source_pfn, 1ULL << sp->source_order, &w);
	snprintf(attrs, sizeof(attrs),
		 "class='source' data-run='%u' data-block='%u' data-order='%d' data-pfn='0x%" PRIx64
		 "' fill='none' stroke='#333' stroke-width='1.2' stroke-dasharray='5,3'",
		 s->run->id, b->index, sp->source_order, sp->source_pfn);
	svg_rect(out, x, r->y + 1, w, r->h - 2, attrs, true);
	fprintf(out, "<title>run %u block %u was cut from this free order-%d block at pfn 0x%"
		PRIx64 "</title></rect>\n", s->run->id, b->index, sp->source_order,
		sp->source_pfn);
	for (j = b->order; (int)j < sp->source_order; j++) {
		uint64_t pfn = model_split_remnant(b, j);

		x = row_x(r, pfn, 1ULL << j, &w);
		snprintf(attrs, sizeof(attrs),
			 "class='remnant' data-run='%u' data-block='%u' data-order='%u' data-pfn='0x%"
			 PRIx64
			 "' fill='#fff' stroke='#666' stroke-width='0.8' stroke-dasharray='2,2'",
			 s->run->id, b->index, j, pfn);
		svg_rect(out, x, y, w, l->lane_h - 1, attrs, true);
		fprintf(out, "<title>left free by run %u block %u's split: order %u at pfn 0x%"
			PRIx64 "</title></rect>\n", s->run->id, b->index, j, pfn);
	}
}

static void draw_rows(const struct layout *l, FILE *out)
{
	size_t i, j;

	for (i = 0; i < l->nr_rows; i++) {
		const struct layout_row *r = &l->rows[i];

		if (i && r->chunk != l->rows[i - 1].chunk + 1)
			draw_gap(l, &l->rows[i - 1], r, out);
		draw_row_frame(l, r, out);
		for (j = r->first; j < r->first + r->nr; j++)
			if (seg_split(&l->segs[j]))
				draw_source(l, r, &l->segs[j], out);
		for (j = r->first; j < r->first + r->nr; j++)
			draw_seg(l, r, &l->segs[j], out);
	}
}

static void legend_entry(const struct layout *l, const struct layout_seg *s, int y,
			 FILE *out)
{
	const struct model_run *r = s->run;
	const struct model_block *b = s->blk;
	char color[SVG_COLOR_LEN], attrs[64], range[48];
	uint32_t nr = 0, i;

	for (i = 0; i < r->nr_block_slots; i++)
		nr += r->blocks[i].allocated && !r->blocks[i].failed;
	snprintf(attrs, sizeof(attrs), "fill='%s' stroke='#222' stroke-width='0.5'",
		 run_color(l, s->run_idx, color));
	svg_rect(out, LAYOUT_X0, y - 9, 14, 11, attrs, false);
	snprintf(range, sizeof(range), "0x%" PRIx64 "-0x%" PRIx64, b->pfn,
		 b->pfn + ((uint64_t)1 << b->order) - 1);
	svg_text(out, LAYOUT_X0 + 20, y, "xml:space='preserve'",
		 "run %-4u %-7s %7u structs  order %2u  %4u block%s  pfn %s%s",
		 r->id, model_mode_name(r->mode), r->nr_structs, r->order, nr,
		 nr == 1 ? " " : "s", range, nr > 1 ? " and more" : "");
}

/* One line per run, from the first segment of each (segs are by row). */
static void draw_list(const struct layout *l, FILE *out)
{
	size_t i, idx;

	for (idx = 0; idx < l->nr_runs; idx++) {
		const struct layout_seg *first = NULL;

		for (i = 0; i < l->nr_segs; i++) {
			const struct layout_seg *s = &l->segs[i];

			if (s->run_idx == idx && s->first &&
			    (!first || s->blk->index < first->blk->index))
				first = s;
		}
		if (first)
			legend_entry(l, first, l->legend_y + 16 * (int)idx, out);
	}
}

static void draw_ramp(const struct layout *l, FILE *out)
{
	char color[SVG_COLOR_LEN];
	int i, y = l->legend_y;

	fputs("<defs><linearGradient id='runs'>", out);
	for (i = 0; i <= 8; i++)
		fprintf(out, "<stop offset='%.3f' stop-color='%s'/>", i / 8.0,
			run_color(l, (l->nr_runs - 1) * i / 8, color));
	fputs("</linearGradient></defs>\n", out);
	svg_rect(out, LAYOUT_X0, y - 10, 400, 12,
		 "fill='url(#runs)' stroke='#222' stroke-width='0.5'", false);
	svg_text(out, LAYOUT_X0, y + 14, "", "run %u", l->first_run);
	svg_text(out, LAYOUT_X0 + 400, y + 14, "text-anchor='end'", "run %u", l->last_run);
	svg_text(out, LAYOUT_X0 + 412, y, "",
		 "colour: run, in recording order (%zu runs); hover a block for its run, block, order and pfns",
		 l->nr_runs);
}

void layout_draw(const struct layout *l, FILE *out)
{
	draw_header(l, out);
	draw_overview(l, out);
	draw_axis(l, out);
	draw_rows(l, out);
	if (layout_has_splits(l))
		svg_text(out, LAYOUT_X0, l->legend_y - 14, "font-size='11' fill='#555'",
			 "dashed frame: the free block a block was cut from (kmemlab_split); white dashed boxes: the free blocks that split left");
	svg_text(out, LAYOUT_X0 - 8, l->legend_y, "text-anchor='end' font-weight='bold'",
		 "runs");
	if (l->list)
		draw_list(l, out);
	else
		draw_ramp(l, out);
	fputs("</svg>\n", out);
}
