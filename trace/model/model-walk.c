// SPDX-License-Identifier: GPL-2.0
/*
 * The page-table walk's side of the model: per run, how the module's walk
 * compares with the kernel's answer and with the linear-map arithmetic,
 * at which level each leaf was found, and which pages sit one after
 * another in physical memory (merged into ranges as they arrive, so the
 * list grows with the run's fragments, not with its events).
 */
#include <stdlib.h>

#include "model-priv.h"

static int range_append(struct model_run *r, uint32_t index, uint64_t pfn)
{
	struct model_range *p;

	if (r->nr_ranges == r->range_cap) {
		uint32_t cap = r->range_cap ? r->range_cap * 2 : 4;

		p = realloc(r->ranges, (size_t)cap * sizeof(*p));
		if (!p)
			return -1;
		r->ranges = p;
		r->range_cap = cap;
	}
	p = &r->ranges[r->nr_ranges++];
	p->index = index;
	p->pfn = pfn;
	p->len = 1;
	return 0;
}

/* The page continues the last range when both its index and pfn follow. */
static int range_note(struct model_run *r, uint32_t index, uint64_t pfn)
{
	struct model_range *last = r->nr_ranges ? &r->ranges[r->nr_ranges - 1] : NULL;

	if (last && index == last->index + last->len &&
	    pfn == last->pfn + last->len)
		last->len++;
	else if (range_append(r, index, pfn))
		return -1;
	last = &r->ranges[r->nr_ranges - 1];
	if (last->len > r->largest_range)
		r->largest_range = last->len;
	return 0;
}

int model_walk_note(struct model_run *r, const struct kmemlab_translate_ev *ev)
{
	r->walk_mismatches += ev->walk_phys != ev->ref_phys;
	/* lin_phys 0: a module from before the field existed */
	r->linear_mismatches += ev->lin_phys && ev->lin_phys != ev->walk_phys;
	r->levels[ev->level]++;
	return range_note(r, ev->index, ev->pfn);
}

const char *model_level_name(int level)
{
	static const char *const names[MODEL_NR_LEVELS] = {
		"none", "pte", "pmd", "pud", "p4d", "pgd",
	};

	if (level < 0 || level >= MODEL_NR_LEVELS)
		return "unknown";
	return names[level];
}

bool model_run_linear_applies(const struct model_run *r)
{
	return r->mode != MODEL_MODE_VMALLOC;
}
