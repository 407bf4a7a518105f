// SPDX-License-Identifier: GPL-2.0
/*
 * The other half of the model's interface: the read-only accessors and
 * names the outputs use once model_finish() (model-finish.c) is done.
 */
#include <errno.h>
#include <stdlib.h>

#include "model-priv.h"

size_t model_nr_runs(const struct model *m)
{
	return m->nr_runs;
}

const struct model_run *model_run_get(const struct model *m, size_t i)
{
	if (i >= m->nr_runs) {
		errno = ENOENT;
		return NULL;
	}
	return m->runs[i];
}

const struct model_sys *model_sys_get(const struct model *m)
{
	return &m->sys;
}

const char *model_mode_name(int mode)
{
	static const char *const names[] = { "pages", "kmalloc", "vmalloc" };

	if (mode < 0 || mode >= MODEL_NR_MODES)
		return "unknown";
	return names[mode];
}

/* Names of enum migratetype on 6.1 kernels built with CONFIG_CMA. */
const char *model_migratetype_name(int mt)
{
	static const char *const names[] = {
		"Unmovable", "Movable", "Reclaimable", "HighAtomic", "CMA",
		"Isolate", "other",
	};

	return names[model_mt_column(mt)];
}

uint32_t model_order_for_pages(uint64_t pages)
{
	uint32_t order = 0;

	while (order < 63 && (1ULL << order) < pages)
		order++;
	return order;
}

struct model_run_kept model_run_sums(const struct model_run *r)
{
	struct model_run_kept k = { 0 };
	uint32_t i;

	if (r->kept.valid)
		return r->kept;
	for (i = 0; i < r->nr_block_slots; i++) {
		const struct model_block *b = &r->blocks[i];

		if (!b->allocated || b->failed)
			continue;
		k.alloc_pages += 1ULL << b->order;
		k.leaked_blocks += !b->freed;
		if (model_block_lifetime_ns(b) > k.lifetime_ns)
			k.lifetime_ns = model_block_lifetime_ns(b);
	}
	return k;
}

uint64_t model_run_alloc_pages(const struct model_run *r)
{
	return model_run_sums(r).alloc_pages;
}

uint64_t model_run_lifetime_ns(const struct model_run *r)
{
	return model_run_sums(r).lifetime_ns;
}

uint32_t model_run_leaked_blocks(const struct model_run *r)
{
	return model_run_sums(r).leaked_blocks;
}

const struct model_block *model_run_failed_block(const struct model_run *r)
{
	uint32_t i;

	if (r->kept.valid)
		return r->kept.failed;
	for (i = 0; i < r->nr_block_slots; i++)
		if (r->blocks[i].allocated && r->blocks[i].failed)
			return &r->blocks[i];
	return NULL;
}

/* A failed run wasted nothing: what it got was given back, unused. */
uint64_t model_run_waste_pages(const struct model_run *r)
{
	uint64_t pages = model_run_alloc_pages(r);

	if (model_run_failed_block(r))
		return 0;
	return pages > r->nr_pages ? pages - r->nr_pages : 0;
}

uint64_t model_block_lifetime_ns(const struct model_block *b)
{
	if (!b->freed || b->free_ts < b->alloc_ts)
		return 0;
	return b->free_ts - b->alloc_ts;
}

bool model_block_aligned(const struct model_block *b)
{
	return !b->failed && !(b->pfn & ((1ULL << b->order) - 1));
}

/* KMALLOC_MAX_CACHE_SIZE with SLUB and 4 KiB pages: two pages. */
#define KMALLOC_SLAB_PAGES 2

bool model_run_expects_page_alloc(const struct model_run *r)
{
	if (r->mode == MODEL_MODE_KMALLOC)
		return r->nr_pages > KMALLOC_SLAB_PAGES;
	if (r->mode == MODEL_MODE_VMALLOC)
		return r->nr_pages <= 1;
	return true;
}
