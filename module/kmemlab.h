/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kmemlab internal API, shared by the files of kmemlab.ko (and the run
 * counter exported by kmemlab_trace.ko).
 */
#ifndef _KMEMLAB_H
#define _KMEMLAB_H

#include <linux/bits.h>
#include <linux/gfp.h>
#include <linux/mm_types.h>
#include <linux/types.h>

/* The lab's struct: eight unsigned ints, 32 bytes. */
#define ARR_SIZE 8
struct datatype {
	unsigned int array[ARR_SIZE];
};

/* The largest block the buddy allocator serves: order MAX_ORDER - 1. */
#define KMEMLAB_MAX_BLOCK_ORDER	(MAX_ORDER - 1)
#define KMEMLAB_MAX_BLOCK_PAGES	BIT(KMEMLAB_MAX_BLOCK_ORDER)

/* What one experiment needs, computed before anything is allocated. */
struct kmemlab_plan {
	u32 nr_structs;		/* structs requested */
	u32 structs_per_page;	/* PAGE_SIZE / sizeof(struct datatype) */
	u32 nr_pages;		/* pages needed to hold nr_structs */
	u32 order;		/* order of the first block */
	u32 last_order;		/* order of the last block */
	u32 nr_blocks;		/* blocks to allocate */
	u32 nr_alloc_pages;	/* pages over all blocks */
};

/* One experiment of the page-allocator kind, from plan to free. */
struct kmemlab_run {
	u32 id;			/* run number, from kmemlab_next_run() */
	struct kmemlab_plan plan;
	struct page **blocks;	/* plan.nr_blocks blocks; NULL until allocated */
	u64 mismatches;		/* values that differed at verify time */
	u64 fill_ns;
	u64 verify_ns;
};

/* kmemlab_trace.ko */
u32 kmemlab_next_run(void);

/* plan.c */
int kmemlab_plan(struct kmemlab_plan *plan, u32 nr_structs);
unsigned int kmemlab_block_order(const struct kmemlab_plan *plan, u32 block);
void kmemlab_plan_log(const struct kmemlab_plan *plan);

/* pages.c */
int kmemlab_run_init(struct kmemlab_run *run, u32 nr_structs);
int kmemlab_run_start(struct kmemlab_run *run);
void kmemlab_run_finish(struct kmemlab_run *run);
void kmemlab_run_release(struct kmemlab_run *run);

/* walk.c */
u64 kmemlab_walk(unsigned long addr, int *level);

/* control.c */
int kmemlab_control_init(void);
void kmemlab_control_exit(void);

#endif /* _KMEMLAB_H */
