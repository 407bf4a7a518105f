// SPDX-License-Identifier: GPL-2.0
/*
 * model_finish(): the end of input settles what is still open, the live
 * blocks and pages and the runs never ended, and hands every run left to
 * model_set_retire()'s function.
 */
#include "model-priv.h"

static int settle_live(uint64_t pfn, void *value, void *data)
{
	struct block_ref *ref = value;
	struct model *m = data;

	(void)pfn;
	model_block_settle(m->runs[ref->run],
			   &m->runs[ref->run]->blocks[ref->block]);
	return 0;
}

static void count_live(uint64_t pfn, unsigned int order, void *data)
{
	struct model *m = data;

	(void)pfn;
	m->sys.live_at_end++;
	m->sys.live_pages_at_end += 1ULL << order;
}

/*
 * Page events of an order the recording's kernel does not have are bad
 * input.  Known only now: the run_begin that names the largest order may
 * come after the kernel's events.  They stay in the per-order counts, so
 * the report shows what was there.
 */
static void count_orders_beyond(struct model *m)
{
	uint32_t o;
	int mt;

	for (o = m->sys.max_order + 1; o < MODEL_NR_ORDERS; o++) {
		m->sys.invalid_events += m->sys.frees[o];
		for (mt = 0; mt <= MODEL_NR_MIGRATETYPES; mt++)
			m->sys.invalid_events += m->sys.allocs[o][mt];
	}
}

void model_finish(struct model *m)
{
	size_t i;

	if (m->finished)
		return;
	m->finished = true;
	count_orders_beyond(m);
	hmap_for_each(&m->blocks, settle_live, m);
	kpages_for_each(&m->kpages, count_live, m);
	for (i = 0; i < m->nr_runs; i++)
		if (!m->runs[i]->begun || !m->runs[i]->ended)
			m->runs[i]->incomplete = true;
	model_retire_ready(m, true);
}
