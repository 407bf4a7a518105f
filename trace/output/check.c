// SPDX-License-Identifier: GPL-2.0
/*
 * The lab's invariants, checked on a finished model: one line per
 * violation on stdout, "FILE: run N [block B]: what" (analyze check).
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "model/model.h"
#include "read/read.h"
#include "check.h"

struct verdict {
	const char *path;
	unsigned int violations;
};

/* The rest of a line whose "FILE: " (and where) is already printed. */
static void vviolation(struct verdict *v, const char *fmt, va_list ap)
{
	vprintf(fmt, ap);
	putchar('\n');
	v->violations++;
}

static void __attribute__((format(printf, 2, 3)))
violation(struct verdict *v, const char *fmt, ...)
{
	va_list ap;

	printf("%s: ", v->path);
	va_start(ap, fmt);
	vviolation(v, fmt, ap);
	va_end(ap);
}

/* "FILE: run N block B: what" */
static void __attribute__((format(printf, 4, 5)))
block_violation(struct verdict *v, const struct model_run *r,
		const struct model_block *b, const char *fmt, ...)
{
	va_list ap;

	printf("%s: run %u block %u: ", v->path, r->id, b->index);
	va_start(ap, fmt);
	vviolation(v, fmt, ap);
	va_end(ap);
}

/*
 * pages mode splits at the kernel's largest block, 2^max_order pages (1024
 * on 4 KiB pages, 2048 on 16 KiB): as many blocks as that takes, all of
 * the largest order but the last.
 */
static void check_split(struct verdict *v, const struct model_run *r,
			uint64_t pages)
{
	uint64_t largest = 1ULL << r->max_order;
	uint64_t blocks = (pages + largest - 1) / largest;

	if (r->nr_blocks != blocks || (blocks > 1 && r->order != r->max_order))
		violation(v, "run %u: %u block%s, first of order %u, for %" PRIu64
			  " pages; the largest block is order %u: %" PRIu64 " block%s",
			  r->id, r->nr_blocks, r->nr_blocks == 1 ? "" : "s", r->order,
			  pages, r->max_order, blocks, blocks == 1 ? "" : "s");
}

/* The plan must follow the lab's formula: pages = ceil(n / per page). */
static void check_plan(struct verdict *v, const struct model_run *r)
{
	uint32_t spp = r->page_size / r->struct_size;
	uint64_t pages = spp ? ((uint64_t)r->nr_structs + spp - 1) / spp : 0;

	if (r->structs_per_page != spp || r->nr_pages != pages)
		violation(v, "run %u: plan says %u structs/page, %u pages; formula: %u, %"
			  PRIu64, r->id, r->structs_per_page, r->nr_pages, spp, pages);
	if (r->nr_alloc_pages < r->nr_pages)
		violation(v, "run %u: %u pages allocated for %u needed", r->id,
			  r->nr_alloc_pages, r->nr_pages);
	if (r->mode == MODEL_MODE_PAGES)
		check_split(v, r, pages);
	if (r->nr_blocks == 1 && (r->order != model_order_for_pages(pages) ||
				  r->nr_alloc_pages != 1u << r->order))
		violation(v, "run %u: order %u (%u pages) for %" PRIu64
			  " pages; formula: order %u", r->id, r->order, r->nr_alloc_pages, pages,
			  model_order_for_pages(pages));
}

/* free_after - free_before, "[+1 -1 0 ...]" */
static const char *fmt_delta(char *buf, size_t len, const struct model_split *s)
{
	size_t n = 0;
	uint32_t j;

	buf[0] = '\0';
	for (j = 0; j < s->nr_orders && n < len; j++)
		n += snprintf(buf + n, len - n, "%s%+lld", j ? " " : "[",
			      (long long)s->after[j] - s->before[j]);
	if (n < len)
		snprintf(buf + n, len - n, "]");
	return buf;
}

/*
 * A split whose remnants contradict expand(): never a disturbed one,
 * whose derived source order is only a lower bound (model-buddy.c).
 */
static void check_buddy_split(struct verdict *v, const struct model_run *r,
			      const struct model_block *b)
{
	const struct model_split *s = b->split;
	unsigned int broken = model_split_broken(b);
	char delta[256];

	if (broken & MODEL_SPLIT_BLOCK)
		block_violation(v, r, b, "kmemlab_split of pfn 0x%" PRIx64
				" order %u, not the block's pfn 0x%" PRIx64 " order %u",
				s->event_pfn, s->event_order, b->pfn, b->order);
	if (broken & MODEL_SPLIT_PCP_SOURCE)
		block_violation(v, r, b,
				"per-CPU block with source order %d at 0x%" PRIx64
				" (a per-CPU list has none: -1)",
				s->source_order, s->source_pfn);
	if (broken & MODEL_SPLIT_RANGE)
		block_violation(v, r, b,
				"source order %d outside [%u, %u] (the block's order to the largest)",
				s->source_order, s->event_order, s->nr_orders - 1);
	if (broken & MODEL_SPLIT_START)
		block_violation(v, r, b, "source block at pfn 0x%" PRIx64
				", not at the block's pfn 0x%" PRIx64
				" (expand() keeps the low half)",
				s->source_pfn, s->event_pfn);
	if (broken & MODEL_SPLIT_ALIGN)
		block_violation(v, r, b, "pfn 0x%" PRIx64
				" not aligned to its source order %d, so its remnants at P + 2^j are no buddies",
				s->event_pfn, s->source_order);
	if (broken & MODEL_SPLIT_COUNTS)
		block_violation(v, r, b,
				"a clean split from order %d, but the free counts changed by %s",
				s->source_order, s->has_before ?
				fmt_delta(delta, sizeof(delta), s) :
				"an unknown amount (no free_before)");
}

static void check_buddy_merge(struct verdict *v, const struct model_run *r,
			      const struct model_block *b)
{
	const struct model_merge *g = b->merge;
	unsigned int broken = model_merge_broken(b);

	if (broken & MODEL_MERGE_BLOCK)
		block_violation(v, r, b, "kmemlab_merge of pfn 0x%" PRIx64
				" order %u, not the block's",
				g->event_pfn, g->event_order);
	if (broken & MODEL_MERGE_NONE)
		block_violation(v, r, b,
				"in no free block after the free, yet not freed to a per-CPU list");
	if (broken & MODEL_MERGE_RANGE)
		block_violation(v, r, b,
				"merged order %d below the block's order %u or past the largest",
				g->merged_order, g->event_order);
	if (broken & MODEL_MERGE_COVER)
		block_violation(v, r, b, "the merged order-%d block at 0x%" PRIx64
				" is not aligned or does not hold pfn 0x%" PRIx64 " order %u",
				g->merged_order, g->merged_pfn, g->event_pfn,
				g->event_order);
}

static void check_block(struct verdict *v, const struct model_run *r,
			const struct model_block *b, bool has_kmem)
{
	if (!b->allocated)
		return;
	if (b->failed) {
		block_violation(v, r, b, "allocation failed (ret %d)", b->ret);
		return;
	}
	if (!model_block_aligned(b))
		block_violation(v, r, b, "pfn 0x%" PRIx64 " not aligned to order %u",
				b->pfn, b->order);
	if (b->discontiguous)
		block_violation(v, r, b, "%u page events off the block's pfn range",
				b->discontiguous);
	if (!b->freed)
		block_violation(v, r, b, "never freed (leaked)");
	else if (b->free_mismatch)
		block_violation(v, r, b, "freed with another order, run or block");
	if (b->split)
		check_buddy_split(v, r, b);
	if (b->merge)
		check_buddy_merge(v, r, b);
	if (has_kmem && !b->kernel_alloc_seen && model_run_expects_page_alloc(r))
		block_violation(v, r, b, "no kmem:mm_page_alloc of pfn 0x%" PRIx64 " order %u",
				b->pfn, b->order);
}

static void check_pages(struct verdict *v, const struct model_run *r)
{
	if (r->translate_mismatches)
		violation(v, "run %u: %" PRIu64 " of %" PRIu64 " translations mismatched",
			  r->id, r->translate_mismatches, r->pages_translated);
	if (r->walk_mismatches)
		violation(v, "run %u: %" PRIu64 " of %" PRIu64
			  " page-table walks differ from the kernel's answer",
			  r->id, r->walk_mismatches, r->pages_translated);
	if (r->linear_mismatches && model_run_linear_applies(r))
		violation(v, "run %u: %" PRIu64 " of %" PRIu64
			  " linear-map answers (__pa) differ from the walk in %s mode",
			  r->id, r->linear_mismatches, r->pages_translated,
			  model_mode_name(r->mode));
	if (r->value_mismatches || r->end_mismatches)
		violation(v, "run %u: %" PRIu64 " values mismatched (run_end: %" PRIu64 ")",
			  r->id, r->value_mismatches, r->end_mismatches);
	if (r->unverified)
		violation(v, "run %u: %" PRIu64 " filled pages never verified",
			  r->id, r->unverified);
	if (r->stray_pages)
		violation(v, "run %u: %" PRIu64 " page events outside every block",
			  r->id, r->stray_pages);
	if (r->unmatched_frees)
		violation(v, "run %u: %" PRIu64 " frees of no live block",
			  r->id, r->unmatched_frees);
}

static void check_run(struct verdict *v, const struct model_run *r,
		      bool has_kmem)
{
	uint32_t i;

	if (!r->begun || !r->ended)
		violation(v, "run %u: %s not recorded", r->id,
			  r->begun ? "kmemlab_run_end" : "kmemlab_run_begin");
	else if (r->incomplete)
		violation(v, "run %u: events were lost while it ran", r->id);
	if (r->ret)
		violation(v, "run %u: ended with error %d", r->id, r->ret);
	if (r->begun)
		check_plan(v, r);
	check_pages(v, r);
	if (r->invalid_events)
		violation(v, "run %u: %" PRIu64 " invalid events", r->id,
			  r->invalid_events);
	for (i = 0; i < r->nr_block_slots; i++)
		check_block(v, r, &r->blocks[i], has_kmem);
}

static void check_recording(struct verdict *v, const struct model *m,
			    const struct read_stats *st)
{
	const struct model_sys *s = model_sys_get(m);

	if (!model_nr_runs(m))
		violation(v, "no kmemlab runs recorded");
	if (s->missed_events || s->missed_unknown)
		violation(v, "the ring buffer lost %" PRIu64 "%s events",
			  s->missed_events, s->missed_unknown ? "+" : "");
	if (st->bad_records)
		violation(v, "%" PRIu64 " malformed records", st->bad_records);
	if (s->invalid_events)
		violation(v, "%" PRIu64 " events with invalid values",
			  s->invalid_events);
}

unsigned int check_model(const struct model *m, const struct read_stats *st,
			 const char *path)
{
	struct verdict v = { .path = path };
	size_t i;

	check_recording(&v, m, st);
	for (i = 0; i < model_nr_runs(m); i++)
		check_run(&v, model_run_get(m, i), model_sys_get(m)->has_kmem);
	return v.violations;
}
