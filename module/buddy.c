// SPDX-License-Identifier: GPL-2.0
/*
 * The buddy allocator around the experiment's blocks: where each block was
 * cut from, which free block holds it once given back, and the free lists
 * at each run's edges (kmemlab_split, kmemlab_merge, kmemlab_free_area).
 *
 * The kernel has no tracepoint for a split or a merge, but both leave marks
 * the module can read with public inlines alone.  __rmqueue_smallest()
 * takes the first free block of the smallest order >= the request and
 * expand() keeps its low half, so a block of order o at pfn P cut from a
 * free block of order K leaves free buddies of order j at P + 2^j, j in
 * [o, K).  A free buddy is PageBuddy() with its order in page_private(),
 * stable under zone->lock.  Each look takes the lock once, for at most
 * one page per order, and nothing runs while the event is off.
 *
 * docs/events.md says how each field is derived and when other work on the
 * machine may have disturbed what the module sees.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/align.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/page-flags.h>
#include <linux/pageblock-flags.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/topology.h>

#include "kmemlab.h"
#include "kmemlab_trace.h"

/* The largest order a free block can have (10 with 4 KiB pages on x86_64). */
#define LARGEST_ORDER	((unsigned int)KMEMLAB_NR_ORDERS - 1)

/*
 * The orders the page allocator serves from and frees to per-CPU lists:
 * 6.1's pcp_allowed_order() (pageblock_order with THP; 6.12 says
 * HPAGE_PMD_ORDER, the same order on every configuration kmemlab builds
 * for).
 */
static bool pcp_order(unsigned int order)
{
	if (order <= PAGE_ALLOC_COSTLY_ORDER)
		return true;
	return IS_ENABLED(CONFIG_TRANSPARENT_HUGEPAGE) &&
	       order == pageblock_order;
}

/* The free buddy at pfn in zone, or NULL; call with zone->lock held. */
static struct page *free_buddy_at(struct zone *zone, unsigned long pfn)
{
	struct page *page;

	if (!pfn_valid(pfn))
		return NULL;
	page = pfn_to_page(pfn);
	if (page_zone(page) != zone || !PageBuddy(page))
		return NULL;
	return page;
}

static void read_nr_free(struct zone *zone, u32 *nr_free)
{
	unsigned int order;

	for (order = 0; order < KMEMLAB_NR_ORDERS; order++)
		nr_free[order] = zone->free_area[order].nr_free;
}

/*
 * The order of the block that pfn (order @order, just allocated) was cut
 * from: the first j >= order at which P + 2^j is not a free buddy of order
 * j, or at which P is not aligned to a block of order j + 1.
 */
static unsigned int source_order(struct zone *zone, unsigned long pfn,
				 unsigned int order)
{
	unsigned int j;

	for (j = order; j < LARGEST_ORDER; j++) {
		struct page *rest;

		if (!IS_ALIGNED(pfn, 1UL << (j + 1)))
			break;
		rest = free_buddy_at(zone, pfn + (1UL << j));
		if (!rest || page_private(rest) != j)
			break;
	}
	return j;
}

/*
 * Did the counts move exactly as one split of a source_order block into a
 * block of @order (or, from a per-CPU list, not at all)?
 */
static bool counts_clean(const u32 *before, const u32 *after,
			 unsigned int order, int source)
{
	unsigned int j;

	for (j = 0; j < KMEMLAB_NR_ORDERS; j++) {
		s64 delta = (s64)after[j] - before[j];
		s64 want = 0;

		if (source >= 0 && j == source)
			want = -1;
		else if (source >= 0 && j >= order && j < source)
			want = 1;
		if (delta != want)
			return false;
	}
	return true;
}

/**
 * kmemlab_buddy_before() - free blocks per order, just before an allocation
 * @before: filled with every populated zone of the local node
 *
 * The zone a block comes from is known only afterwards, so every zone the
 * allocation may use is read.  Nothing is read while kmemlab_split is off.
 */
void kmemlab_buddy_before(struct kmemlab_free_counts *before)
{
	pg_data_t *pgdat = NODE_DATA(numa_node_id());
	unsigned int z;

	before->nr_zones = 0;
	if (!trace_kmemlab_split_enabled())
		return;
	for (z = 0; z < MAX_NR_ZONES; z++) {
		struct zone *zone = &pgdat->node_zones[z];
		unsigned int n = before->nr_zones;
		unsigned long flags;

		if (!populated_zone(zone))
			continue;
		before->zone[n] = zone;
		spin_lock_irqsave(&zone->lock, flags);
		read_nr_free(zone, before->nr_free[n]);
		spin_unlock_irqrestore(&zone->lock, flags);
		before->nr_zones++;
	}
}

static const u32 *counts_of(const struct kmemlab_free_counts *before,
			    const struct zone *zone)
{
	int i;

	for (i = 0; i < before->nr_zones; i++)
		if (before->zone[i] == zone)
			return before->nr_free[i];
	return NULL;
}

/**
 * kmemlab_buddy_split() - send kmemlab_split for a block just allocated
 * @run: the experiment
 * @block: the block's index in the run
 * @page: the block, or NULL when the allocation failed (nothing is sent)
 * @order: its order
 * @before: what kmemlab_buddy_before() read just before the allocation
 */
void kmemlab_buddy_split(const struct kmemlab_run *run, u32 block,
			 struct page *page, unsigned int order,
			 const struct kmemlab_free_counts *before)
{
	u32 after[KMEMLAB_NR_ORDERS];
	unsigned long pfn, flags;
	bool pcp = pcp_order(order);
	struct zone *zone;
	const u32 *prev;
	int source = -1;

	if (!page || !trace_kmemlab_split_enabled())
		return;
	zone = page_zone(page);
	pfn = page_to_pfn(page);
	spin_lock_irqsave(&zone->lock, flags);
	if (!pcp)
		source = source_order(zone, pfn, order);
	read_nr_free(zone, after);
	spin_unlock_irqrestore(&zone->lock, flags);

	prev = counts_of(before, zone);
	trace_kmemlab_split(run->id, block, pfn, order, source, pcp,
			    prev && counts_clean(prev, after, order, source),
			    zone->name, prev, prev ? KMEMLAB_NR_ORDERS : 0,
			    after, KMEMLAB_NR_ORDERS);
}

/*
 * The free block that holds pfn, walking up from @order: at each order j
 * the block of order j around pfn starts at pfn rounded down to 2^j, and
 * holds pfn if it is a free buddy of order >= j.
 */
static int merged_block(struct zone *zone, unsigned long pfn,
			unsigned int order, unsigned long *start)
{
	unsigned int j;

	for (j = order; j <= LARGEST_ORDER; j++) {
		unsigned long base = ALIGN_DOWN(pfn, 1UL << j);
		struct page *head = free_buddy_at(zone, base);

		if (head && page_private(head) >= j) {
			*start = base;
			return page_private(head);
		}
	}
	return -1;
}

/**
 * kmemlab_buddy_merge() - send kmemlab_merge for a block just freed
 * @run: the experiment
 * @block: the block's index in the run
 * @pfn: its first pfn (the block is gone: only its number is used)
 * @order: its order
 */
void kmemlab_buddy_merge(const struct kmemlab_run *run, u32 block,
			 unsigned long pfn, unsigned int order)
{
	unsigned long start = -1UL, flags;
	struct zone *zone;
	int merged;

	if (!trace_kmemlab_merge_enabled())
		return;
	/* struct page outlives the free, and so does its zone link */
	zone = page_zone(pfn_to_page(pfn));
	spin_lock_irqsave(&zone->lock, flags);
	merged = merged_block(zone, pfn, order, &start);
	spin_unlock_irqrestore(&zone->lock, flags);
	trace_kmemlab_merge(run->id, block, pfn, order, merged, start,
			    pcp_order(order), zone->name);
}

/* Did the block just allocated come whole off a free list (no split)? */
static bool taken_whole(struct page *page, unsigned int order)
{
	struct zone *zone = page_zone(page);
	unsigned long flags;
	unsigned int source;

	spin_lock_irqsave(&zone->lock, flags);
	source = source_order(zone, page_to_pfn(page), order);
	spin_unlock_irqrestore(&zone->lock, flags);
	return source == order;
}

/**
 * kmemlab_buddy_can_force_split() - may force_split make a block a split?
 * @order: the order of the block to be allocated
 *
 * Only when it is served from the free lists (not a per-CPU list, which
 * has blocks of its own) and a larger block can exist to be cut.
 */
bool kmemlab_buddy_can_force_split(unsigned int order)
{
	return !pcp_order(order) && order < LARGEST_ORDER;
}

/**
 * kmemlab_buddy_hold() - hold the free blocks of @order, so that the next
 * allocation of that order must be cut from a larger block
 * @held: where the blocks are kept until kmemlab_buddy_release()
 * @order: a pages experiment's order (kmemlab_buddy_can_force_split())
 *
 * __rmqueue_smallest() takes a free block of exactly @order first, on the
 * allocation's own migratetype list (GFP_KERNEL: unmovable), so whether
 * the lab's block is a split depends on what the machine left free.
 * Allocate with the experiment's flags until a block comes from a split:
 * the blocks that came whole are held; the split one is given back at
 * once, where it merges with the remnants it just left, so the larger
 * block is whole again for the experiment.  Other CPUs may free a block
 * of @order in between; the experiment's kmemlab_split says what really
 * happened.
 *
 * Return: 0 (also when KMEMLAB_HOLD_MAX blocks were not enough: logged),
 * or -ENOMEM with nothing held.
 */
int kmemlab_buddy_hold(struct kmemlab_held *held, unsigned int order)
{
	struct page *page;

	held->nr = 0;
	held->order = order;
	while (held->nr < KMEMLAB_HOLD_MAX) {
		page = alloc_pages(KMEMLAB_GFP, order);
		if (!page) {
			pr_err("force_split: cannot allocate an order-%u block\n",
			       order);
			kmemlab_buddy_release(held);
			return -ENOMEM;
		}
		if (!taken_whole(page, order)) {
			__free_pages(page, order);
			pr_info("force_split: held %u free order-%u block%s: the experiment's block is cut from a larger one\n",
				held->nr, order, held->nr == 1 ? "" : "s");
			return 0;
		}
		held->page[held->nr++] = page;
	}
	pr_warn("force_split: %u free order-%u blocks held and more are free: the experiment may take one whole\n",
		held->nr, order);
	return 0;
}

/**
 * kmemlab_buddy_release() - free what kmemlab_buddy_hold() held
 * @held: the held blocks; empty afterwards
 */
void kmemlab_buddy_release(struct kmemlab_held *held)
{
	while (held->nr)
		__free_pages(held->page[--held->nr], held->order);
}

/**
 * kmemlab_buddy_applies() - do the run's blocks come from alloc_pages()?
 * @run: the experiment
 *
 * Pages do; a kmalloc above KMALLOC_MAX_CACHE_SIZE goes to the page
 * allocator in one block of get_order(size).  A smaller kmalloc is a slab
 * object and vmalloc's pages come in bulk: no split or merge applies.
 *
 * Return: true when kmemlab_split/kmemlab_merge are sent for its blocks.
 */
bool kmemlab_buddy_applies(const struct kmemlab_run *run)
{
	switch (run->mode) {
	case KMEMLAB_MODE_PAGES:
		return true;
	case KMEMLAB_MODE_KMALLOC:
		return run->size > KMALLOC_MAX_CACHE_SIZE;
	default:
		return false;
	}
}

/**
 * kmemlab_buddy_free_area() - send kmemlab_free_area for every zone
 * @run: the experiment
 * @phase: KMEMLAB_PHASE_BEGIN or KMEMLAB_PHASE_END
 */
void kmemlab_buddy_free_area(const struct kmemlab_run *run, int phase)
{
	int nid = numa_node_id();
	pg_data_t *pgdat = NODE_DATA(nid);
	u32 nr_free[KMEMLAB_NR_ORDERS];
	unsigned int z;

	if (!trace_kmemlab_free_area_enabled())
		return;
	for (z = 0; z < MAX_NR_ZONES; z++) {
		struct zone *zone = &pgdat->node_zones[z];
		unsigned long flags;

		if (!populated_zone(zone))
			continue;
		spin_lock_irqsave(&zone->lock, flags);
		read_nr_free(zone, nr_free);
		spin_unlock_irqrestore(&zone->lock, flags);
		trace_kmemlab_free_area(run->id, phase, zone->name, nid,
					kmemlab_buddy_applies(run), nr_free,
					KMEMLAB_NR_ORDERS);
	}
}
