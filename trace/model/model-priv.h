/* SPDX-License-Identifier: GPL-2.0 */
/* Internals shared by model.c (kmemlab events) and model-kmem.c (kmem). */
#ifndef _KMEMLAB_MODEL_PRIV_H
#define _KMEMLAB_MODEL_PRIV_H

#include "lib/flags.h"
#include "lib/hmap.h"
#include "model.h"

struct block_ref {
	uint32_t run;		/* index in m->runs */
	uint32_t block;
};

/*
 * One per page the kernel holds, tens of thousands at once: kept to 24
 * bytes (a 40-byte hash slot) so the table of live pages stays in cache.
 */
struct kpage {
	uint8_t order;		/* <= MODEL_MAX_ORDER, checked on insert */
	bool has_block;
	int migratetype;
	uint64_t gfp_flags;
	struct block_ref ref;
};

struct model {
	struct model_run **runs;
	size_t nr_runs;
	size_t cap_runs;
	struct hmap run_ids;	/* run number -> uint32_t index */
	struct hmap blocks;	/* pfn -> struct block_ref, live blocks */
	struct hmap kpages;	/* pfn -> struct kpage, kernel live pages */
	struct model_sys sys;
	struct flag_names gfp;
	bool finished;
};

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
void model_stamp(struct model *m, uint64_t ts);
void model_block_settle(struct model_run *r, struct model_block *b);
/* Block b of run r and the kernel's live page kp are one allocation. */
void model_kernel_link(struct model *m, struct model_run *r,
		       struct model_block *b, struct kpage *kp);
/* model-walk.c: the walk's share of one kmemlab_translate. */
int model_walk_note(struct model_run *r, const struct kmemlab_translate_ev *ev);

#endif /* _KMEMLAB_MODEL_PRIV_H */
