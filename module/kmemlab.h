/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kmemlab internal API, shared by the files of kmemlab.ko, and what
 * kmemlab_trace.ko exports to it and to kmemlab_check.ko (the run counter,
 * the page-table walk, the fault-safe read).
 */
#ifndef _KMEMLAB_H
#define _KMEMLAB_H

#include <linux/bits.h>
#include <linux/gfp.h>
#include <linux/log2.h>
#include <linux/printk.h>
#include <linux/mm_types.h>
#include <linux/mmzone.h>
#include <linux/types.h>
#include <asm/page.h>

struct dentry;

/* The lab's struct: eight unsigned ints, 32 bytes. */
#define ARR_SIZE 8
struct datatype {
	unsigned int array[ARR_SIZE];
};

/*
 * The largest block the buddy allocator serves.  Not MAX_ORDER - 1: 6.4 made
 * MAX_ORDER that order itself and 6.8 renamed it MAX_PAGE_ORDER, while
 * MAX_ORDER_NR_PAGES is the block's size in pages on every kernel.
 */
#define KMEMLAB_MAX_BLOCK_ORDER	ilog2(MAX_ORDER_NR_PAGES)
#define KMEMLAB_MAX_BLOCK_PAGES	BIT(KMEMLAB_MAX_BLOCK_ORDER)

/*
 * GFP_KERNEL as the lab asks, plus: no allocation-failure splat, because a
 * failed experiment is an expected outcome that the alloc event and one log
 * line report; and no OOM killer, because a lab must not kill the user's
 * processes to make room for itself.
 */
#define KMEMLAB_GFP	(GFP_KERNEL | __GFP_NOWARN | __GFP_RETRY_MAYFAIL)

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

struct kmemlab_run;

/* One page's address, every way the lab knows: kmemlab_translate's fields. */
struct kmemlab_translation {
	unsigned long pfn;
	u64 phys;		/* page_to_phys() + offset */
	unsigned long virt;	/* the address the run writes through */
	u64 ref_phys;		/* the kernel's own answer */
	u64 walk_phys;		/* kmemlab_walk(); 0 unmapped */
	u64 lin_phys;		/* kmemlab_lin_phys(): the lab's "Macro" */
	int level;		/* enum kmemlab_level */
};

/*
 * What differs between the ways of getting memory.  The run loops in run.c
 * (translate, fill, verify, timing, events) are the same for every mode.
 */
struct kmemlab_ops {
	/* adjust the plan to the mode, refuse what it cannot serve */
	int (*plan)(struct kmemlab_run *run);
	/* allocate (and send the alloc events); nothing left on failure */
	int (*alloc)(struct kmemlab_run *run);
	/* send the free events and free everything alloc() got */
	void (*free)(struct kmemlab_run *run);
	/* struct j of page i, through the mode's own address arithmetic */
	struct datatype *(*struct_at)(const struct kmemlab_run *run, u32 i,
				      u32 j);
	unsigned long (*pfn)(const struct kmemlab_run *run, u32 i);
	/* translate page i's address every way the lab knows */
	void (*translate)(const struct kmemlab_run *run, u32 i,
			  struct kmemlab_translation *t);
	/*
	 * The second lab (kmalloc, vmalloc): compare virt_to_phys()'s
	 * arithmetic with the walk on every page and say so in dmesg.
	 */
	bool lab_addresses;
};

/* One experiment, from plan to free. */
struct kmemlab_run {
	u32 id;			/* run number, from kmemlab_next_run() */
	int mode;		/* enum kmemlab_mode */
	const struct kmemlab_ops *ops;
	struct kmemlab_plan plan;
	struct page **blocks;	/* pages: plan.nr_blocks blocks, or NULL */
	void *buf;		/* kmalloc/vmalloc: the buffer, or NULL */
	size_t size;		/* kmalloc/vmalloc: bytes requested */
	bool show_values;	/* dmesg: array[0] of each page's first struct */
	u32 lin_same;		/* lab_addresses: pages past 0 where */
	u32 lin_different;	/*   lin_phys == walk_phys, and where not */
	u64 mismatches;		/* values that differed at verify time */
	u64 fill_ns;
	u64 verify_ns;
};

/*
 * Orders of the buddy allocator's free lists: 0 to the largest block's.
 * Taken from the array itself, because MAX_ORDER changed meaning in 6.4
 * and was renamed MAX_PAGE_ORDER in 6.8.
 */
#define KMEMLAB_NR_ORDERS	(sizeof_field(struct zone, free_area) / \
				 sizeof(struct free_area))

/* Free blocks per order of every populated zone of the local node. */
struct kmemlab_free_counts {
	struct zone *zone[MAX_NR_ZONES];
	u32 nr_free[MAX_NR_ZONES][KMEMLAB_NR_ORDERS];
	int nr_zones;
};

/*
 * Blocks force_split holds: free blocks of the experiment's order that an
 * allocation would take whole.  More than this and the lab says so.
 */
#define KMEMLAB_HOLD_MAX	64

struct kmemlab_held {
	struct page *page[KMEMLAB_HOLD_MAX];
	unsigned int nr;
	unsigned int order;
};

/* Pages whose value show_values prints; one line counts the rest. */
#define KMEMLAB_SHOW_VALUES_MAX	64

/* The lab's formula for array[k] of struct j on page i (mod 2^32). */
static inline unsigned int kmemlab_value(u32 per_page, u32 i, u32 j, u32 k)
{
	return i * per_page * ARR_SIZE + j * ARR_SIZE + k;
}

/*
 * What __pa() computes for a linear-map address, applied blindly to any
 * address: right for the direct map, meaningless for vmalloc.  Computed by
 * hand because __pa()/virt_to_phys() of a vmalloc address may BUG() with
 * CONFIG_DEBUG_VIRTUAL.  x86_64's __phys_addr() is virt - PAGE_OFFSET below
 * the kernel image; arm64's linear map adds PHYS_OFFSET.
 */
static inline u64 kmemlab_lin_phys(unsigned long virt)
{
#ifdef PHYS_OFFSET
	return virt - PAGE_OFFSET + PHYS_OFFSET;
#else
	return virt - PAGE_OFFSET;
#endif
}

/*
 * The second lab's lines for one address: the virtual address, the physical
 * address by virt_to_phys()'s arithmetic (the lab's "Macro") and by the
 * page-table walk.  Inline, so each module's pr_fmt prefixes them.
 */
static inline void kmemlab_pr_lab_addresses(const char *prefix,
					    unsigned long virt, u64 macro,
					    u64 walk)
{
	pr_info("%sVirtual Address : %lx\n", prefix, virt);
	pr_info("%sPhysical Address (using Macro) : %llx\n", prefix, macro);
	pr_info("%sPhysical Address (using Pagewalk) : %llx\n", prefix, walk);
}

/* What kmemlab_peek() found at one address. */
struct kmemlab_peek {
	unsigned long virt;
	u64 walk_phys;		/* 0 unless walked and mapped */
	int level;		/* enum kmemlab_level of the leaf */
	int ret;		/* 0, -EINVAL or -EFAULT */
	const char *why;	/* why it was refused; NULL when ret is 0 */
};

/* kmemlab_trace.ko: events.c, walk.c, peek.c */
u32 kmemlab_next_run(void);
u64 kmemlab_walk(unsigned long addr, int *level);
int kmemlab_peek(struct kmemlab_peek *res, unsigned long virt, void *buf,
		 size_t len);

/* main.c: the show_values parameter, the default for control-file runs */
extern bool kmemlab_show_values;

/* plan.c */
int kmemlab_plan(struct kmemlab_plan *plan, u32 nr_structs);
unsigned int kmemlab_block_order(const struct kmemlab_plan *plan, u32 block);
void kmemlab_plan_log(const struct kmemlab_plan *plan);
int kmemlab_mode_parse(const char *name);
const char *kmemlab_mode_name(int mode);

/* run.c */
int kmemlab_run_init(struct kmemlab_run *run, u32 nr_structs, int mode);
int kmemlab_run_start(struct kmemlab_run *run);
void kmemlab_run_finish(struct kmemlab_run *run);
void kmemlab_run_release(struct kmemlab_run *run);
void *kmemlab_run_virt(const struct kmemlab_run *run, u32 i);

/* pages.c, kv.c */
extern const struct kmemlab_ops kmemlab_pages_ops;
extern const struct kmemlab_ops kmemlab_kmalloc_ops;
extern const struct kmemlab_ops kmemlab_vmalloc_ops;

/* buddy.c */
void kmemlab_buddy_before(struct kmemlab_free_counts *before);
void kmemlab_buddy_split(const struct kmemlab_run *run, u32 block,
			 struct page *page, unsigned int order,
			 const struct kmemlab_free_counts *before);
void kmemlab_buddy_merge(const struct kmemlab_run *run, u32 block,
			 unsigned long pfn, unsigned int order);
bool kmemlab_buddy_applies(const struct kmemlab_run *run);
void kmemlab_buddy_free_area(const struct kmemlab_run *run, int phase);
bool kmemlab_buddy_can_force_split(unsigned int order);
int kmemlab_buddy_hold(struct kmemlab_held *held, unsigned int order);
void kmemlab_buddy_release(struct kmemlab_held *held);

/* control.c */
int kmemlab_control_init(struct kmemlab_run *load_run);
void kmemlab_control_exit(void);

/* probe.c */
int kmemlab_probe_init(struct dentry *dir, struct kmemlab_run *load_run);

#endif /* _KMEMLAB_H */
