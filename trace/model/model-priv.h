/* SPDX-License-Identifier: GPL-2.0 */
/* Internals shared by model.c (kmemlab events) and model-kmem.c (kmem). */
#ifndef _KMEMLAB_MODEL_PRIV_H
#define _KMEMLAB_MODEL_PRIV_H

#include "lib/flags.h"
#include "lib/hmap.h"
#include "kpages.h"
#include "model.h"

/* One of the kernel's free-list events, kept a while to match blocks with. */
struct kmem_recent {
	uint64_t ts;
	uint64_t pfn;
	uint32_t order;
	int cpu;
	bool refill;
	int alloc_mt;
	int fallback_mt;
	int fallback_order;
};

/*
 * The last MODEL_RECENT events of one kind: a block's kmemlab_split comes
 * right after its allocation, so its zone_locked or extfrag event is among
 * them; memory stays fixed however long the recording.
 */
#define MODEL_RECENT 1024

struct recent_ring {
	struct kmem_recent e[MODEL_RECENT];
	unsigned int next;
	unsigned int count;
};

#define MODEL_PCP_BUCKETS	256

static inline unsigned int model_pcp_bucket(uint64_t pfn)
{
	return (unsigned int)((pfn * 0x9e3779b97f4a7c15ULL) >> 56);
}

struct model {
	struct model_run **runs;
	size_t nr_runs;
	size_t cap_runs;
	struct hmap run_ids;	/* run number -> uint32_t index */
	struct model_run *last_run;	/* run_findnew()'s last answer */
	struct hmap blocks;	/* pfn -> struct block_ref, live blocks */
	struct kpages kpages;	/* pfn -> the kernel's live page allocations */
	struct model_sys sys;
	struct flag_names gfp;
	bool finished;
	/* model-buddy.c: allocated at the first event of their kind */
	struct recent_ring *zone_locked;
	struct recent_ring *drains;
	struct recent_ring *extfrags;
	struct hmap pcp_freed;	/* pfn -> struct block_ref: freed to a list */
	/*
	 * pcp_freed's entries counted by model_pcp_bucket() of their pfn:
	 * every page allocation looks there, nearly all in vain, and a zero
	 * count answers without a lookup.
	 */
	uint32_t pcp_filter[MODEL_PCP_BUCKETS];
	struct hmap freeing;	/* pfn -> struct block_ref: freed, merge due */
	/* model-retire.c: runs handed over so far, to whom */
	model_retire_fn retire;
	void *retire_arg;
	uint32_t *ready;	/* runs (indices) over, to hand over */
	size_t nr_ready;
	size_t cap_ready;
};

/*
 * Whether a block freed to a per-CPU list may wait at @pfn: answered
 * inline, as nearly every page allocation asks it in vain.
 */
static inline bool model_pcp_may_hold(const struct model *m, uint64_t pfn)
{
	return m->pcp_freed.count && m->pcp_filter[model_pcp_bucket(pfn)];
}

/* The column of a migratetype in the tables; the last one: any other. */
static inline int model_mt_column(int migratetype)
{
	if (migratetype < 0 || migratetype >= MODEL_NR_MIGRATETYPES)
		return MODEL_NR_MIGRATETYPES;
	return migratetype;
}

struct model_block *model_live_block(struct model *m, uint64_t pfn,
				     struct model_run **run);
int model_invalid(struct model *m, struct model_run *r);

/* The first and last timestamps of the recording, as events arrive. */
static inline void model_stamp(struct model *m, uint64_t ts)
{
	if (!m->sys.first_ts || ts < m->sys.first_ts)
		m->sys.first_ts = ts;
	if (ts > m->sys.last_ts)
		m->sys.last_ts = ts;
}

void model_block_settle(struct model_run *r, struct model_block *b);
/* The sums of the run's blocks the model_run_*() queries answer (kept or counted now). */
struct model_run_kept model_run_sums(const struct model_run *r);

/*
 * model-retire.c.  The tables naming blocks by struct block_ref (live
 * blocks, blocks awaiting their merge, blocks on a per-CPU list) change
 * only through model_ref_put() and model_ref_forget(), which count the
 * entries naming each run: a run is handed over only when none does.
 */
struct block_ref *model_ref_put(struct model *m, struct hmap *h, uint64_t pfn,
				struct block_ref ref, int *created);
/* Drop pfn's entry, copied to *was when was is not NULL; false if none. */
bool model_ref_forget(struct model *m, struct hmap *h, uint64_t pfn,
		      struct block_ref *was);
/* Run r (index in m->runs) has ended: hand it over when nothing names its blocks. */
void model_run_over(struct model *m, struct model_run *r, uint32_t index);
/* Free what a run holds beyond its own fields; its tables read empty. */
void model_run_release(struct model_run *r);
/* Hand over the runs that are ready (every run left, when final). */
void model_retire_ready(struct model *m, bool final);
/* Block b of run r and the kernel's live page kp at its pfn are one allocation. */
int model_kernel_link(struct model *m, struct model_run *r,
		      struct model_block *b, const struct kpage *kp);
struct model_run *model_run_of(struct model *m, uint32_t id);
uint32_t model_run_index(const struct model *m, const struct model_run *r);
/* model-buddy.c: a page allocation takes a block off a per-CPU list. */
void model_buddy_page_alloc(struct model *m, uint64_t ts, uint64_t pfn);
/* model-walk.c: the walk's share of one kmemlab_translate. */
int model_walk_note(struct model_run *r, const struct kmemlab_translate_ev *ev);

#endif /* _KMEMLAB_MODEL_PRIV_H */
