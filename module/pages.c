// SPDX-License-Identifier: GPL-2.0
/*
 * The page-allocator experiment: allocate the plan's blocks with
 * alloc_pages(), reach every struct through page_to_phys() and __va() as the
 * lab does.  run.c fills, verifies and reports; this file holds what is
 * particular to the page allocator: blocks, their pfns, their translation.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>

#include "kmemlab.h"
#include "kmemlab_trace.h"

/* Page i of the run, as the block that holds it and the offset inside. */
static struct page *run_block(const struct kmemlab_run *run, u32 i,
			      u32 *offset)
{
	*offset = i % KMEMLAB_MAX_BLOCK_PAGES;
	return run->blocks[i / KMEMLAB_MAX_BLOCK_PAGES];
}

/* The lab's "physical address of the allocated memory + offset to page i". */
static phys_addr_t page_phys(const struct kmemlab_run *run, u32 i)
{
	u32 offset;
	struct page *block = run_block(run, i, &offset);

	return page_to_phys(block) + (phys_addr_t)offset * PAGE_SIZE;
}

static unsigned long page_pfn(const struct kmemlab_run *run, u32 i)
{
	return PHYS_PFN(page_phys(run, i));
}

static void free_nr_blocks(struct kmemlab_run *run, u32 nr)
{
	gfp_t gfp = KMEMLAB_GFP;
	u32 b;

	for (b = 0; b < nr; b++) {
		unsigned int order = kmemlab_block_order(&run->plan, b);
		unsigned long pfn = page_to_pfn(run->blocks[b]);

		trace_kmemlab_free(run->id, b, run->blocks[b], order, gfp, 0);
		__free_pages(run->blocks[b], order);
		kmemlab_buddy_merge(run, b, pfn, order);
		run->blocks[b] = NULL;
	}
}

static int alloc_blocks(struct kmemlab_run *run)
{
	gfp_t gfp = KMEMLAB_GFP;
	u32 b;

	for (b = 0; b < run->plan.nr_blocks; b++) {
		unsigned int order = kmemlab_block_order(&run->plan, b);
		struct kmemlab_free_counts before;
		struct page *page;

		kmemlab_buddy_before(&before);
		page = alloc_pages(gfp, order);
		trace_kmemlab_alloc(run->id, b, page, order, gfp,
				    page ? 0 : -ENOMEM);
		kmemlab_buddy_split(run, b, page, order, &before);
		if (!page) {
			pr_err("run %u: alloc_pages(order %u) failed for block %u of %u\n",
			       run->id, order, b, run->plan.nr_blocks);
			free_nr_blocks(run, b);
			return -ENOMEM;
		}
		run->blocks[b] = page;
	}
	return 0;
}

/* Every way the lab knows to translate page i's address, for the event. */
static void translate_page(const struct kmemlab_run *run, u32 i,
			   struct kmemlab_translation *t)
{
	u32 offset;
	struct page *page = nth_page(run_block(run, i, &offset), offset);

	t->phys = page_phys(run, i);
	t->virt = (unsigned long)__va(t->phys);
	t->pfn = page_to_pfn(page);
	t->ref_phys = virt_to_phys(page_address(page));
	t->walk_phys = kmemlab_walk(t->virt, &t->level);
	t->lin_phys = kmemlab_lin_phys(t->virt);
}

/* The lab reaches struct j of page i through __va() of its address. */
static struct datatype *page_struct(const struct kmemlab_run *run, u32 i,
				    u32 j)
{
	return __va(page_phys(run, i) + j * sizeof(struct datatype));
}

static void free_blocks(struct kmemlab_run *run)
{
	free_nr_blocks(run, run->plan.nr_blocks);
}

static int plan_blocks(struct kmemlab_run *run)
{
	run->blocks = kvcalloc(run->plan.nr_blocks, sizeof(*run->blocks),
			       GFP_KERNEL);
	return run->blocks ? 0 : -ENOMEM;
}

const struct kmemlab_ops kmemlab_pages_ops = {
	.plan = plan_blocks,
	.alloc = alloc_blocks,
	.free = free_blocks,
	.struct_at = page_struct,
	.pfn = page_pfn,
	.translate = translate_page,
};
