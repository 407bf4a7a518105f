// SPDX-License-Identifier: GPL-2.0
/*
 * The page-allocator experiment: allocate the plan's blocks with
 * alloc_pages(), reach every struct through page_to_phys() and __va() as the
 * lab does, fill it with the lab's formula, read it back, free the blocks.
 * Every step is reported as a kmemlab event.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>

#include "kmemlab.h"
#include "kmemlab_trace.h"

/*
 * GFP_KERNEL as the lab asks, plus: no allocation-failure splat, because a
 * failed experiment is an expected outcome that the alloc event and one log
 * line report; and no OOM killer, because a lab must not kill the user's
 * processes to make room for itself.
 */
#define KMEMLAB_GFP	(GFP_KERNEL | __GFP_NOWARN | __GFP_RETRY_MAYFAIL)

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

/* The lab's formula for array[k] of struct j on page i (mod 2^32). */
static unsigned int expected(const struct kmemlab_run *run, u32 i, u32 j,
			     u32 k)
{
	u32 per_page = run->plan.structs_per_page;

	return i * per_page * ARR_SIZE + j * ARR_SIZE + k;
}

static void free_blocks(struct kmemlab_run *run, u32 nr)
{
	gfp_t gfp = KMEMLAB_GFP;
	u32 b;

	for (b = 0; b < nr; b++) {
		unsigned int order = kmemlab_block_order(&run->plan, b);

		trace_kmemlab_free(run->id, b, run->blocks[b], order, gfp, 0);
		__free_pages(run->blocks[b], order);
		run->blocks[b] = NULL;
	}
}

static int alloc_blocks(struct kmemlab_run *run)
{
	gfp_t gfp = KMEMLAB_GFP;
	u32 b;

	for (b = 0; b < run->plan.nr_blocks; b++) {
		unsigned int order = kmemlab_block_order(&run->plan, b);
		struct page *page = alloc_pages(gfp, order);

		trace_kmemlab_alloc(run->id, b, page, order, gfp,
				    page ? 0 : -ENOMEM);
		if (!page) {
			pr_err("run %u: alloc_pages(order %u) failed for block %u of %u\n",
			       run->id, order, b, run->plan.nr_blocks);
			free_blocks(run, b);
			return -ENOMEM;
		}
		run->blocks[b] = page;
	}
	return 0;
}

/* Every way the lab knows to translate page i's address, for the event. */
static void translate_page(const struct kmemlab_run *run, u32 i)
{
	phys_addr_t phys = page_phys(run, i);
	void *virt = __va(phys);
	u32 offset;
	struct page *page = nth_page(run_block(run, i, &offset), offset);
	u64 walk_phys;
	int level;

	walk_phys = kmemlab_walk((unsigned long)virt, &level);
	trace_kmemlab_translate(run->id, i, page_to_pfn(page), phys,
				(unsigned long)virt,
				virt_to_phys(page_address(page)), walk_phys,
				(unsigned long)virt - PAGE_OFFSET, level);
}

/* The lab's inner loops: one struct at a time, through its own __va(). */
static void fill_page(const struct kmemlab_run *run, u32 i)
{
	phys_addr_t cur_page = page_phys(run, i);
	u32 j, k;

	for (j = 0; j < run->plan.structs_per_page; j++) {
		phys_addr_t cur_struct = cur_page + j * sizeof(struct datatype);
		struct datatype *this_struct = __va(cur_struct);

		for (k = 0; k < ARR_SIZE; k++)
			this_struct->array[k] = expected(run, i, j, k);
	}
}

static u32 verify_page(const struct kmemlab_run *run, u32 i)
{
	phys_addr_t cur_page = page_phys(run, i);
	u32 j, k, bad = 0;

	for (j = 0; j < run->plan.structs_per_page; j++) {
		phys_addr_t cur_struct = cur_page + j * sizeof(struct datatype);
		struct datatype *this_struct = __va(cur_struct);

		for (k = 0; k < ARR_SIZE; k++) {
			unsigned int want = expected(run, i, j, k);

			if (this_struct->array[k] == want)
				continue;
			if (!bad++)
				pr_err("run %u: page %u struct %u array[%u] = %u, expected %u\n",
				       run->id, i, j, k, this_struct->array[k],
				       want);
		}
	}
	return bad;
}

static void fill_pages(struct kmemlab_run *run)
{
	u32 count = run->plan.structs_per_page * ARR_SIZE;
	u32 i;

	for (i = 0; i < run->plan.nr_pages; i++) {
		u64 start;

		if (trace_kmemlab_translate_enabled())
			translate_page(run, i);
		start = ktime_get_ns();
		fill_page(run, i);
		run->fill_ns += ktime_get_ns() - start;
		trace_kmemlab_fill(run->id, i, page_pfn(run, i),
				   expected(run, i, 0, 0), count);
		cond_resched();
	}
}

static void verify_pages(struct kmemlab_run *run)
{
	u32 count = run->plan.structs_per_page * ARR_SIZE;
	u32 i;

	for (i = 0; i < run->plan.nr_pages; i++) {
		u64 start = ktime_get_ns();
		u32 bad = verify_page(run, i);

		run->verify_ns += ktime_get_ns() - start;
		run->mismatches += bad;
		trace_kmemlab_verify(run->id, i, page_pfn(run, i), count, bad);
		cond_resched();
	}
}

/**
 * kmemlab_run_init() - plan an experiment, allocate its bookkeeping
 * @run: the experiment
 * @nr_structs: structs requested
 *
 * Return: 0, -EINVAL for a request that cannot be planned, -ENOMEM.
 */
int kmemlab_run_init(struct kmemlab_run *run, u32 nr_structs)
{
	int ret;

	memset(run, 0, sizeof(*run));
	ret = kmemlab_plan(&run->plan, nr_structs);
	if (ret)
		return ret;
	run->blocks = kvcalloc(run->plan.nr_blocks, sizeof(*run->blocks),
			       GFP_KERNEL);
	if (!run->blocks)
		return -ENOMEM;
	return 0;
}

/**
 * kmemlab_run_start() - allocate and fill
 * @run: an experiment set up by kmemlab_run_init()
 *
 * On failure nothing stays allocated and the run is over (run_end sent).
 *
 * Return: 0 or -ENOMEM.
 */
int kmemlab_run_start(struct kmemlab_run *run)
{
	const struct kmemlab_plan *plan = &run->plan;
	int ret;

	run->id = kmemlab_next_run();
	trace_kmemlab_run_begin(run->id, KMEMLAB_MODE_PAGES, plan->nr_structs,
				sizeof(struct datatype), plan->structs_per_page,
				plan->nr_pages, plan->order, plan->nr_blocks,
				plan->nr_alloc_pages);
	ret = alloc_blocks(run);
	if (ret) {
		trace_kmemlab_run_end(run->id, ret, 0, 0, 0);
		return ret;
	}
	fill_pages(run);
	return 0;
}

/**
 * kmemlab_run_finish() - verify every value, free every block
 * @run: an experiment kmemlab_run_start() filled
 */
void kmemlab_run_finish(struct kmemlab_run *run)
{
	verify_pages(run);
	free_blocks(run, run->plan.nr_blocks);
	trace_kmemlab_run_end(run->id, 0, run->mismatches, run->fill_ns,
			      run->verify_ns);
	if (run->mismatches)
		pr_err("run %u: %llu of %llu values did not match\n", run->id,
		       run->mismatches,
		       (u64)run->plan.nr_pages * run->plan.structs_per_page *
		       ARR_SIZE);
	else
		pr_info("run %u: all %llu values verified\n", run->id,
			(u64)run->plan.nr_pages * run->plan.structs_per_page *
			ARR_SIZE);
}

/* Free the bookkeeping of kmemlab_run_init(); the blocks are gone by now. */
void kmemlab_run_release(struct kmemlab_run *run)
{
	kvfree(run->blocks);
	run->blocks = NULL;
}
