// SPDX-License-Identifier: GPL-2.0
/*
 * The lab's second experiment: one kmalloc() or one vmalloc() buffer of the
 * plan's whole pages, each page translated by the kernel's own helper and
 * by the software walk.  kmalloc memory lies in the direct map, so
 * virt_to_phys(), the walk and the linear arithmetic agree; vmalloc memory
 * is order-0 pages from anywhere in RAM behind contiguous virtual
 * addresses, so only vmalloc_to_pfn() and the walk agree.
 *
 * The buffer holds nr_pages * PAGE_SIZE bytes (nr_structs rounded up to
 * whole pages) so that every mode fills and verifies the same pages with
 * the same values.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "kmemlab.h"
#include "kmemlab_trace.h"

static void *buf_page(const struct kmemlab_run *run, u32 i)
{
	return run->buf + (size_t)i * PAGE_SIZE;
}

/* Both modes reach struct j of page i through the buffer pointer. */
static struct datatype *buf_struct(const struct kmemlab_run *run, u32 i,
				   u32 j)
{
	return buf_page(run, i) + j * sizeof(struct datatype);
}

static void translate(const struct kmemlab_run *run, u32 i, struct page *page,
		      u64 ref_phys, struct kmemlab_translation *t)
{
	t->virt = (unsigned long)buf_page(run, i);
	t->pfn = page_to_pfn(page);
	t->phys = page_to_phys(page) + offset_in_page(t->virt);
	t->ref_phys = ref_phys;
	t->walk_phys = kmemlab_walk(t->virt, &t->level);
	t->lin_phys = kmemlab_lin_phys(t->virt);
}

/* kmalloc: one block; its pages are consecutive pfns of the direct map. */

static int kmalloc_plan(struct kmemlab_run *run)
{
	struct kmemlab_plan *plan = &run->plan;
	size_t size = (size_t)plan->nr_pages * PAGE_SIZE;

	if (size > KMALLOC_MAX_SIZE) {
		pr_err("mode=kmalloc nr_structs=%u needs %zu bytes, more than the %lu bytes kmalloc serves (KMALLOC_MAX_SIZE)\n",
		       plan->nr_structs, size, (unsigned long)KMALLOC_MAX_SIZE);
		return -EINVAL;
	}
	run->size = size;
	/* what kmalloc_large() asks alloc_pages() for above the slab caches */
	plan->order = get_order(size);
	plan->last_order = plan->order;
	plan->nr_blocks = 1;
	plan->nr_alloc_pages = 1U << plan->order;
	return 0;
}

static int kmalloc_alloc(struct kmemlab_run *run)
{
	struct kmemlab_free_counts before = {};
	struct page *page;

	if (kmemlab_buddy_applies(run))
		kmemlab_buddy_before(&before);
	run->buf = kmalloc(run->size, KMEMLAB_GFP);
	page = run->buf ? virt_to_page(run->buf) : NULL;
	trace_kmemlab_alloc(run->id, 0, page, run->plan.order, KMEMLAB_GFP,
			    run->buf ? 0 : -ENOMEM);
	if (kmemlab_buddy_applies(run))
		kmemlab_buddy_split(run, 0, page, run->plan.order, &before);
	if (!run->buf) {
		pr_err("run %u: kmalloc(%zu) failed\n", run->id, run->size);
		return -ENOMEM;
	}
	return 0;
}

static void kmalloc_free(struct kmemlab_run *run)
{
	unsigned long pfn = page_to_pfn(virt_to_page(run->buf));

	trace_kmemlab_free(run->id, 0, virt_to_page(run->buf), run->plan.order,
			   KMEMLAB_GFP, 0);
	kfree(run->buf);
	run->buf = NULL;
	if (kmemlab_buddy_applies(run))
		kmemlab_buddy_merge(run, 0, pfn, run->plan.order);
}

static unsigned long kmalloc_pfn(const struct kmemlab_run *run, u32 i)
{
	return page_to_pfn(virt_to_page(buf_page(run, i)));
}

static void kmalloc_translate(const struct kmemlab_run *run, u32 i,
			      struct kmemlab_translation *t)
{
	void *virt = buf_page(run, i);

	translate(run, i, virt_to_page(virt), virt_to_phys(virt), t);
}

const struct kmemlab_ops kmemlab_kmalloc_ops = {
	.plan = kmalloc_plan,
	.alloc = kmalloc_alloc,
	.free = kmalloc_free,
	.struct_at = buf_struct,
	.pfn = kmalloc_pfn,
	.translate = kmalloc_translate,
	.lab_addresses = true,
};

/*
 * vmalloc: every page is its own order-0 block, found with
 * vmalloc_to_page(), so each alloc/free event names one page the kernel's
 * kmem:mm_page_free (and, outside the bulk allocator, mm_page_alloc) sees.
 */

static int vmalloc_plan(struct kmemlab_run *run)
{
	struct kmemlab_plan *plan = &run->plan;

	run->size = (size_t)plan->nr_pages * PAGE_SIZE;
	plan->order = 0;
	plan->last_order = 0;
	plan->nr_blocks = plan->nr_pages;
	plan->nr_alloc_pages = plan->nr_pages;
	return 0;
}

static int vmalloc_alloc(struct kmemlab_run *run)
{
	u32 i;

	run->buf = __vmalloc(run->size, KMEMLAB_GFP);
	if (!run->buf) {
		trace_kmemlab_alloc(run->id, 0, NULL, 0, KMEMLAB_GFP, -ENOMEM);
		pr_err("run %u: vmalloc(%zu) failed\n", run->id, run->size);
		return -ENOMEM;
	}
	for (i = 0; i < run->plan.nr_pages && trace_kmemlab_alloc_enabled(); i++)
		trace_kmemlab_alloc(run->id, i,
				    vmalloc_to_page(buf_page(run, i)), 0,
				    KMEMLAB_GFP, 0);
	return 0;
}

static void vmalloc_free(struct kmemlab_run *run)
{
	u32 i;

	for (i = 0; i < run->plan.nr_pages && trace_kmemlab_free_enabled(); i++)
		trace_kmemlab_free(run->id, i,
				   vmalloc_to_page(buf_page(run, i)), 0,
				   KMEMLAB_GFP, 0);
	vfree(run->buf);
	run->buf = NULL;
}

static unsigned long vmalloc_pfn(const struct kmemlab_run *run, u32 i)
{
	return vmalloc_to_pfn(buf_page(run, i));
}

/* Never virt_to_phys() here: it is wrong for vmalloc, and may BUG(). */
static void vmalloc_translate(const struct kmemlab_run *run, u32 i,
			      struct kmemlab_translation *t)
{
	void *virt = buf_page(run, i);

	translate(run, i, vmalloc_to_page(virt),
		  PFN_PHYS(vmalloc_to_pfn(virt)) + offset_in_page(virt), t);
}

const struct kmemlab_ops kmemlab_vmalloc_ops = {
	.plan = vmalloc_plan,
	.alloc = vmalloc_alloc,
	.free = vmalloc_free,
	.struct_at = buf_struct,
	.pfn = vmalloc_pfn,
	.translate = vmalloc_translate,
	.lab_addresses = true,
};
