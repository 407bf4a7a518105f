// SPDX-License-Identifier: GPL-2.0
/*
 * Runs handed to an output as they finish (model_set_retire()).  A
 * recording's runs are most of what the model keeps: a vmalloc run holds
 * a block per page.  An output that prints each run and keeps only its
 * totals lets the model drop the run's blocks once nothing can change
 * them, and a report's memory stays flat however long the recording.
 *
 * What can still change a run after its kmemlab_run_end is an entry of
 * the model's tables naming one of its blocks: a block never freed (live),
 * a freed one whose kmemlab_merge is due, or one freed to a per-CPU list,
 * which the kernel's drain or reuse settles much later, if ever.  Each
 * run counts the entries naming it, and is queued when the count is 0
 * after its end.
 */
#include <stdlib.h>
#include <string.h>

#include "model-priv.h"

void model_set_retire(struct model *m, model_retire_fn fn, void *arg)
{
	m->retire = fn;
	m->retire_arg = arg;
}

/* Runs whose events are over, waiting for the retire function to take them. */
static void queue(struct model *m, uint32_t i)
{
	struct model_run *r = m->runs[i];
	uint32_t *p;
	size_t cap;

	if (r->queued || r->retired)
		return;
	if (m->nr_ready == m->cap_ready) {
		cap = m->cap_ready ? m->cap_ready * 2 : 64;
		p = realloc(m->ready, cap * sizeof(*p));
		if (!p)	/* it waits for model_finish() instead */
			return;
		m->ready = p;
		m->cap_ready = cap;
	}
	m->ready[m->nr_ready++] = i;
	r->queued = true;
}

static void count_entry(struct model *m, struct block_ref ref, int delta)
{
	struct model_run *r;

	if (ref.run >= m->nr_runs)
		return;
	r = m->runs[ref.run];
	r->awaited += delta;
	if (!r->awaited && r->ended && m->retire)
		queue(m, ref.run);
}

void model_run_over(struct model *m, struct model_run *r, uint32_t index)
{
	if (!r->awaited && m->retire)
		queue(m, index);
	model_retire_ready(m, false);
}

void model_run_release(struct model_run *r)
{
	uint32_t j;

	for (j = 0; j < r->nr_block_slots; j++) {
		free(r->blocks[j].page_maps);
		free(r->blocks[j].split);
		free(r->blocks[j].merge);
	}
	free(r->blocks);
	free(r->areas);
	free(r->ranges);
	r->blocks = NULL;
	r->nr_block_slots = 0;
	r->block_cap = 0;
	r->areas = NULL;
	r->nr_areas = 0;
	r->ranges = NULL;
	r->nr_ranges = 0;
	r->range_cap = 0;
}

struct block_ref *model_ref_put(struct model *m, struct hmap *h, uint64_t pfn,
				struct block_ref ref, int *created)
{
	struct block_ref *slot = hmap_findnew(h, pfn, created);

	if (!slot)
		return NULL;
	if (!*created)
		count_entry(m, *slot, -1);
	*slot = ref;
	count_entry(m, ref, 1);
	return slot;
}

bool model_ref_forget(struct model *m, struct hmap *h, uint64_t pfn,
		      struct block_ref *was)
{
	struct block_ref *slot = hmap_find(h, pfn);

	if (!slot)
		return false;
	count_entry(m, *slot, -1);
	if (was)
		*was = *slot;
	hmap_remove(h, pfn);
	return true;
}

/* What the model_run_*() queries answer from the blocks, kept without them. */
static int keep_answers(struct model_run *r)
{
	const struct model_block *failed = model_run_failed_block(r);
	struct model_block *copy = NULL;

	if (failed) {
		copy = malloc(sizeof(*copy));
		if (!copy)
			return -1;
		*copy = *failed;
		copy->split = NULL;
		copy->merge = NULL;
		copy->page_maps = NULL;
	}
	r->kept = model_run_sums(r);
	r->kept.failed = copy;
	return 0;
}

static bool retire(struct model *m, size_t i, bool final)
{
	struct model_run *r = m->runs[i];

	/* model_finish()'s verdict, due now: nothing can begin it any more */
	if (!r->begun || !r->ended)
		r->incomplete = true;
	if (!m->retire(r, i, final, m->retire_arg))
		return false;
	r->retired = true;
	if (m->last_run == r)
		m->last_run = NULL;
	/* without memory for its answers, it keeps its blocks */
	if (!keep_answers(r)) {
		model_run_release(r);
		r->kept.valid = true;
	}
	return true;
}

/*
 * In the order they became ready, which is not always the runs' order:
 * one that waits on a per-CPU list (the kernel may take long to reuse a
 * block, or never) must not hold the others back.
 */
void model_retire_ready(struct model *m, bool final)
{
	size_t i, done = 0;

	if (!m->retire)
		return;
	if (final) {
		for (i = 0; i < m->nr_runs; i++)
			if (!m->runs[i]->retired)
				retire(m, i, true);
		m->nr_ready = 0;
		return;
	}
	for (; done < m->nr_ready; done++) {
		struct model_run *r = m->runs[m->ready[done]];

		if (r->retired || r->awaited) {	/* queued again when 0 */
			r->queued = false;
			continue;
		}
		if (!retire(m, m->ready[done], false))
			break;
		r->queued = false;
	}
	if (!done)
		return;
	memmove(m->ready, m->ready + done, (m->nr_ready - done) * sizeof(*m->ready));
	m->nr_ready -= done;
}
