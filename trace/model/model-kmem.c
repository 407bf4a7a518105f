// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's side of the model: kmem:mm_page_alloc / mm_page_free and
 * lost events.  The end of input and the read-only accessors are in
 * model-query.c.
 */
#include <errno.h>
#include <stdlib.h>

#include "model-priv.h"

/* A module block at this pfn learns the kernel's view of it. */
static int link_block(struct model *m, uint64_t pfn, const struct kpage *kp)
{
	struct model_run *r;
	struct model_block *b;

	if (!m->blocks.count)
		return 0;
	b = model_live_block(m, pfn, &r);
	if (!b || b->order != kp->order || b->kernel_alloc_seen)
		return 0;
	return model_kernel_link(m, r, b, kp);
}

/* An allocation kpages_set_fast() did not take, or one a block may claim. */
static __attribute__((noinline)) int
record_alloc(struct model *m, const struct kmem_page_alloc_ev *ev)
{
	struct kpage kp = {
		.order = (uint8_t)ev->order, .migratetype = ev->migratetype,
		.gfp_flags = ev->gfp_flags,
	};

	if (kpages_set(&m->kpages, ev->pfn, &kp))
		return -1;
	return link_block(m, ev->pfn, &kp);
}

int model_handle_page_alloc(struct model *m, uint64_t ts, int cpu,
			    const struct kmem_page_alloc_ev *ev)
{
	(void)cpu;
	model_stamp(m, ts);
	m->sys.has_kmem = true;
	if (ev->order > MODEL_MAX_ORDER)
		return model_invalid(m, NULL);
	if (ev->pfn == MODEL_PFN_NONE) {
		m->sys.alloc_failures++;
		return 0;
	}
	m->sys.allocs[ev->order][model_mt_column(ev->migratetype)]++;
	if (model_pcp_may_hold(m, ev->pfn))
		model_buddy_page_alloc(m, ts, ev->pfn);
	/* most page events: no module block is live to claim the page */
	if (!m->blocks.count &&
	    kpages_set_fast(&m->kpages, ev->pfn, ev->order, ev->migratetype,
			    ev->gfp_flags))
		return 0;
	return record_alloc(m, ev);
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

/* A free kpages_take_order() did not take: unknown, or of a block's page. */
static __attribute__((noinline)) int
record_free(struct model *m, const struct kmem_page_free_ev *ev)
{
	struct model_run *r;
	struct model_block *b;
	struct kpage kp;

	if (!kpages_take(&m->kpages, ev->pfn, &kp)) {
		m->sys.frees_without_alloc++;
		if (!m->blocks.count)
			return 0;
		b = model_live_block(m, ev->pfn, &r);
		if (b && b->order == ev->order)
			b->kernel_free_seen = true;
		return 0;
	}
	if (kp.order != ev->order)
		m->sys.free_order_mismatch++;
	if (kp.has_block)
		kernel_free_block(m, &kp.ref, ev->order);
	return 0;
}

int model_handle_page_free(struct model *m, uint64_t ts, int cpu,
			   const struct kmem_page_free_ev *ev)
{
	int order;

	(void)cpu;
	model_stamp(m, ts);
	m->sys.has_kmem = true;
	if (ev->order > MODEL_MAX_ORDER)
		return model_invalid(m, NULL);
	m->sys.frees[ev->order]++;
	order = kpages_take_order(&m->kpages, ev->pfn);
	if (order < 0)
		return record_free(m, ev);
	if ((uint32_t)order != ev->order)
		m->sys.free_order_mismatch++;
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
