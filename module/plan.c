// SPDX-License-Identifier: GPL-2.0
/*
 * The lab's arithmetic: how many structs fit in a page, how many pages
 * nr_structs needs, which buddy order holds them.  Requests larger than the
 * biggest buddy block are split into several blocks rather than truncated.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/math.h>
#include <linux/mm.h>
#include <linux/string.h>

#include "kmemlab.h"
#include "kmemlab_trace.h"

/*
 * The lab's my_get_order(): log2 of the next power of two >= nr_pages,
 * which is what the kernel calls order_base_2().
 */
static unsigned int my_get_order(u32 nr_pages)
{
	return order_base_2(nr_pages);
}

/**
 * kmemlab_plan() - compute the plan for nr_structs structs
 * @plan: filled on success
 * @nr_structs: structs requested
 *
 * Return: 0, or -EINVAL (with one log line saying why) when nr_structs is
 * zero or needs more pages than the machine has.
 */
int kmemlab_plan(struct kmemlab_plan *plan, u32 nr_structs)
{
	u32 per_page = PAGE_SIZE / sizeof(struct datatype);
	u32 nr_pages, nr_blocks, rest;
	u64 alloc_pages;

	if (!nr_structs) {
		pr_err("nr_structs=0: nothing to allocate, give a positive count\n");
		return -EINVAL;
	}
	/* in 64 bits: rounding up near U32_MAX must not wrap to 0 pages */
	nr_pages = DIV_ROUND_UP_ULL(nr_structs, per_page);
	nr_blocks = DIV_ROUND_UP(nr_pages, KMEMLAB_MAX_BLOCK_PAGES);
	rest = nr_pages - (nr_blocks - 1) * KMEMLAB_MAX_BLOCK_PAGES;
	alloc_pages = (u64)(nr_blocks - 1) * KMEMLAB_MAX_BLOCK_PAGES +
		      (1ULL << my_get_order(rest));
	if (alloc_pages > totalram_pages()) {
		pr_err("nr_structs=%u needs %llu pages, more than the %lu pages of RAM\n",
		       nr_structs, alloc_pages, totalram_pages());
		return -EINVAL;
	}

	plan->nr_structs = nr_structs;
	plan->structs_per_page = per_page;
	plan->nr_pages = nr_pages;
	plan->nr_blocks = nr_blocks;
	plan->last_order = my_get_order(rest);
	plan->order = nr_blocks > 1 ? KMEMLAB_MAX_BLOCK_ORDER : plan->last_order;
	plan->nr_alloc_pages = alloc_pages;
	return 0;
}

/* Every block is as large as the buddy allocator serves, but the last. */
unsigned int kmemlab_block_order(const struct kmemlab_plan *plan, u32 block)
{
	if (block + 1 < plan->nr_blocks)
		return KMEMLAB_MAX_BLOCK_ORDER;
	return plan->last_order;
}

/* The lab's dmesg lines: the page size and the three computed values. */
void kmemlab_plan_log(const struct kmemlab_plan *plan)
{
	pr_info("nr_structs=%u\n", plan->nr_structs);
	pr_info("PAGE_SIZE=%lu struct_size=%zu nr_structs_per_page=%u\n",
		PAGE_SIZE, sizeof(struct datatype), plan->structs_per_page);
	pr_info("nr_pages=%u order=%u nr_blocks=%u nr_alloc_pages=%u\n",
		plan->nr_pages, plan->order, plan->nr_blocks,
		plan->nr_alloc_pages);
}

static const char * const mode_names[] = {
	[KMEMLAB_MODE_PAGES] = "pages",
	[KMEMLAB_MODE_KMALLOC] = "kmalloc",
	[KMEMLAB_MODE_VMALLOC] = "vmalloc",
};

/* Return: the enum kmemlab_mode called name (a trailing newline is fine), or -EINVAL. */
int kmemlab_mode_parse(const char *name)
{
	int mode = sysfs_match_string(mode_names, name);

	return mode < 0 ? -EINVAL : mode;
}

const char *kmemlab_mode_name(int mode)
{
	if (mode < 0 || mode >= ARRAY_SIZE(mode_names))
		return "?";
	return mode_names[mode];
}
