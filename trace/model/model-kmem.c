// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's side of the model: kmem:mm_page_alloc / mm_page_free,
 * lost events, the end of input, and the read-only accessors.
 */
#include <errno.h>
#include <stdlib.h>

#include "model-priv.h"

static int mt_column(int migratetype)
{
	if (migratetype < 0 || migratetype >= MODEL_NR_MIGRATETYPES)
		return MODEL_NR_MIGRATETYPES;
	return migratetype;
}

/* A module block at this pfn learns the kernel's view of it. */
static void link_block(struct model *m, uint64_t pfn, struct kpage *kp)
{
	struct model_run *r;
	struct model_block *b;

	if (!m->blocks.count)	/* most page events: no module block is live */
		return;
	b = model_live_block(m, pfn, &r);
	if (!b || b->order != kp->order || b->kernel_alloc_seen)
		return;
	b->kernel_alloc_seen = true;
	b->kernel_migratetype = kp->migratetype;
	b->kernel_gfp_flags = kp->gfp_flags;
	kp->has_block = true;
	kp->ref.run = *(uint32_t *)hmap_find(&m->run_ids, r->id);
	kp->ref.block = b->index;
}

int model_handle_page_alloc(struct model *m, uint64_t ts, int cpu,
			    const struct kmem_page_alloc_ev *ev)
{
	struct kpage *kp;
	int created;

	(void)cpu;
	model_stamp(m, ts);
	m->sys.has_kmem = true;
	if (ev->order > MODEL_MAX_ORDER)
		return model_invalid(m, NULL);
	if (ev->pfn == MODEL_PFN_NONE) {
		m->sys.alloc_failures++;
		return 0;
	}
	m->sys.allocs[ev->order][mt_column(ev->migratetype)]++;
	kp = hmap_findnew(&m->kpages, ev->pfn, &created);
	if (!kp)
		return -1;
	kp->order = ev->order;
	kp->migratetype = ev->migratetype;
	kp->gfp_flags = ev->gfp_flags;
	kp->has_block = false;
	link_block(m, ev->pfn, kp);
	return 0;
}

static void kernel_free_block(struct model *m, const struct block_ref *ref,
			      uint32_t order)
{
	struct model_block *b;

	if (ref->run >= m->nr_runs ||
	    ref->block >= m->runs[ref->run]->nr_block_slots)
		return;
	b = &m->runs[ref->run]->blocks[ref->block];
	if (b->order == order)
		b->kernel_free_seen = true;
}

int model_handle_page_free(struct model *m, uint64_t ts, int cpu,
			   const struct kmem_page_free_ev *ev)
{
	struct model_run *r;
	struct model_block *b;
	struct kpage *kp;

	(void)cpu;
	model_stamp(m, ts);
	m->sys.has_kmem = true;
	if (ev->order > MODEL_MAX_ORDER)
		return model_invalid(m, NULL);
	m->sys.frees[ev->order]++;
	kp = hmap_find(&m->kpages, ev->pfn);
	if (!kp) {
		m->sys.frees_without_alloc++;
		if (!m->blocks.count)
			return 0;
		b = model_live_block(m, ev->pfn, &r);
		if (b && b->order == ev->order)
			b->kernel_free_seen = true;
		return 0;
	}
	if (kp->order != ev->order)
		m->sys.free_order_mismatch++;
	if (kp->has_block)
		kernel_free_block(m, &kp->ref, ev->order);
	hmap_remove(&m->kpages, ev->pfn);
	return 0;
}

void model_handle_missed(struct model *m, uint64_t ts, int cpu, long long count)
{
	size_t i;

	(void)cpu;
	model_stamp(m, ts);
	if (count > 0)
		m->sys.missed_events += count;
	else
		m->sys.missed_unknown = true;
	for (i = 0; i < m->nr_runs; i++)
		if (!m->runs[i]->ended)
			m->runs[i]->incomplete = true;
}

static int settle_live(uint64_t pfn, void *value, void *data)
{
	struct block_ref *ref = value;
	struct model *m = data;

	(void)pfn;
	model_block_settle(m->runs[ref->run],
			   &m->runs[ref->run]->blocks[ref->block]);
	return 0;
}

static int count_live(uint64_t pfn, void *value, void *data)
{
	struct kpage *kp = value;
	struct model *m = data;

	(void)pfn;
	m->sys.live_at_end++;
	m->sys.live_pages_at_end += 1ULL << kp->order;
	return 0;
}

void model_finish(struct model *m)
{
	size_t i;

	if (m->finished)
		return;
	m->finished = true;
	hmap_for_each(&m->blocks, settle_live, m);
	hmap_for_each(&m->kpages, count_live, m);
	for (i = 0; i < m->nr_runs; i++)
		if (!m->runs[i]->begun || !m->runs[i]->ended)
			m->runs[i]->incomplete = true;
}

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

	return names[mt_column(mt)];
}

uint32_t model_order_for_pages(uint64_t pages)
{
	uint32_t order = 0;

	while (order < 63 && (1ULL << order) < pages)
		order++;
	return order;
}

uint64_t model_run_waste_pages(const struct model_run *r)
{
	return r->nr_alloc_pages > r->nr_pages ?
	       r->nr_alloc_pages - r->nr_pages : 0;
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
