// SPDX-License-Identifier: GPL-2.0
/*
 * One experiment, whatever the mode: plan, allocate, translate and fill
 * every page, verify every page, free.  The mode's ops (pages.c, kv.c) say
 * how memory is obtained and reached; the loops, the timing and the fill,
 * verify and run events are the same for all, so the modes compare.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/timekeeping.h>

#include "kmemlab.h"
#include "kmemlab_trace.h"

static const struct kmemlab_ops *const mode_ops[] = {
	[KMEMLAB_MODE_PAGES] = &kmemlab_pages_ops,
	[KMEMLAB_MODE_KMALLOC] = &kmemlab_kmalloc_ops,
	[KMEMLAB_MODE_VMALLOC] = &kmemlab_vmalloc_ops,
};

static unsigned int expected(const struct kmemlab_run *run, u32 i, u32 j,
			     u32 k)
{
	return kmemlab_value(run->plan.structs_per_page, i, j, k);
}

/* The lab's inner loops: one struct at a time, as the mode reaches it. */
static void fill_page(const struct kmemlab_run *run, u32 i)
{
	u32 j, k;

	for (j = 0; j < run->plan.structs_per_page; j++) {
		struct datatype *this_struct = run->ops->struct_at(run, i, j);

		for (k = 0; k < ARR_SIZE; k++)
			this_struct->array[k] = expected(run, i, j, k);
	}
}

static u32 verify_page(const struct kmemlab_run *run, u32 i)
{
	u32 j, k, bad = 0;

	for (j = 0; j < run->plan.structs_per_page; j++) {
		struct datatype *this_struct = run->ops->struct_at(run, i, j);

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

/*
 * The second lab's lines for page 0: its addresses and whether virt_to_phys()'s
 * arithmetic found the page the walk found; the other pages are counted.
 */
static void lab_addresses(struct kmemlab_run *run, u32 i,
			  const struct kmemlab_translation *t)
{
	bool same = t->lin_phys == t->walk_phys;
	char prefix[48];

	if (i) {
		if (same)
			run->lin_same++;
		else
			run->lin_different++;
		return;
	}
	snprintf(prefix, sizeof(prefix), "run %u (%s) page 0: ", run->id,
		 kmemlab_mode_name(run->mode));
	kmemlab_pr_lab_addresses(prefix, t->virt, t->lin_phys, t->walk_phys);
	if (same)
		pr_info("%sSuccess!! Both the physical addresses are same.\n",
			prefix);
	else
		pr_info("%sFailure!! Both the physical addresses are different.\n",
			prefix);
}

static void lab_addresses_total(const struct kmemlab_run *run)
{
	u32 last = run->plan.nr_pages - 1;
	char pages[24];

	if (!run->ops->lab_addresses || !last)
		return;
	if (last == 1)
		snprintf(pages, sizeof(pages), "page 1");
	else
		snprintf(pages, sizeof(pages), "pages 1-%u", last);
	pr_info("run %u (%s) %s: physical addresses same on %u, different on %u\n",
		run->id, kmemlab_mode_name(run->mode), pages, run->lin_same,
		run->lin_different);
}

/* The translation is work for the event and the second lab's lines only. */
static void translate_page(struct kmemlab_run *run, u32 i)
{
	struct kmemlab_translation t;

	if (!run->ops->lab_addresses && !trace_kmemlab_translate_enabled())
		return;
	run->ops->translate(run, i, &t);
	trace_kmemlab_translate(run->id, i, t.pfn, t.phys, t.virt, t.ref_phys,
				t.walk_phys, t.lin_phys, t.level);
	if (run->ops->lab_addresses)
		lab_addresses(run, i, &t);
}

/* Exercise 4's line: read back, so dmesg shows what memory holds. */
static void show_value(const struct kmemlab_run *run, u32 i)
{
	u32 last = run->plan.nr_pages - 1;

	if (i < KMEMLAB_SHOW_VALUES_MAX)
		pr_info("run %u: page %u struct 0 array[0] = %u\n", run->id, i,
			run->ops->struct_at(run, i, 0)->array[0]);
	else if (i == KMEMLAB_SHOW_VALUES_MAX)
		pr_info("run %u: pages %u-%u not shown (%u pages): show_values prints the first %u\n",
			run->id, i, last, last - i + 1,
			KMEMLAB_SHOW_VALUES_MAX);
}

static void fill_pages(struct kmemlab_run *run)
{
	u32 count = run->plan.structs_per_page * ARR_SIZE;
	u32 i;

	for (i = 0; i < run->plan.nr_pages; i++) {
		u64 start;

		translate_page(run, i);
		start = ktime_get_ns();
		fill_page(run, i);
		run->fill_ns += ktime_get_ns() - start;
		trace_kmemlab_fill(run->id, i, run->ops->pfn(run, i),
				   expected(run, i, 0, 0), count);
		if (run->show_values)
			show_value(run, i);
		cond_resched();
	}
	lab_addresses_total(run);
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
		trace_kmemlab_verify(run->id, i, run->ops->pfn(run, i), count,
				     bad);
		cond_resched();
	}
}

/**
 * kmemlab_run_init() - plan an experiment, allocate its bookkeeping
 * @run: the experiment
 * @nr_structs: structs requested
 * @mode: enum kmemlab_mode
 *
 * Return: 0, -EINVAL for a request that cannot be planned (one log line
 * says why), -ENOMEM.
 */
int kmemlab_run_init(struct kmemlab_run *run, u32 nr_structs, int mode)
{
	int ret;

	memset(run, 0, sizeof(*run));
	if (mode < 0 || mode >= ARRAY_SIZE(mode_ops))
		return -EINVAL;
	run->mode = mode;
	run->ops = mode_ops[mode];
	ret = kmemlab_plan(&run->plan, nr_structs);
	if (ret)
		return ret;
	return run->ops->plan(run);
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
	trace_kmemlab_run_begin(run->id, run->mode, plan->nr_structs,
				sizeof(struct datatype), plan->structs_per_page,
				plan->nr_pages, plan->order, plan->nr_blocks,
				plan->nr_alloc_pages);
	kmemlab_buddy_free_area(run, KMEMLAB_PHASE_BEGIN);
	ret = run->ops->alloc(run);
	if (ret) {
		kmemlab_buddy_free_area(run, KMEMLAB_PHASE_END);
		trace_kmemlab_run_end(run->id, ret, 0, 0, 0);
		return ret;
	}
	fill_pages(run);
	return 0;
}

/**
 * kmemlab_run_finish() - verify every value, free everything
 * @run: an experiment kmemlab_run_start() filled
 */
void kmemlab_run_finish(struct kmemlab_run *run)
{
	u64 values = (u64)run->plan.nr_pages * run->plan.structs_per_page *
		     ARR_SIZE;

	verify_pages(run);
	run->ops->free(run);
	kmemlab_buddy_free_area(run, KMEMLAB_PHASE_END);
	trace_kmemlab_run_end(run->id, 0, run->mismatches, run->fill_ns,
			      run->verify_ns);
	if (run->mismatches)
		pr_err("run %u: %llu of %llu values did not match\n", run->id,
		       run->mismatches, values);
	else
		pr_info("run %u (%s): all %llu values verified\n", run->id,
			kmemlab_mode_name(run->mode), values);
}

/* Free the bookkeeping of kmemlab_run_init(); the memory is gone by now. */
void kmemlab_run_release(struct kmemlab_run *run)
{
	kvfree(run->blocks);
	run->blocks = NULL;
}

/**
 * kmemlab_run_virt() - kernel virtual address of page i of a filled run
 * @run: an experiment between kmemlab_run_start() and kmemlab_run_finish()
 * @i: page index, below plan.nr_pages
 *
 * Return: the address the experiment wrote page i through.
 */
void *kmemlab_run_virt(const struct kmemlab_run *run, u32 i)
{
	return run->ops->struct_at(run, i, 0);
}
