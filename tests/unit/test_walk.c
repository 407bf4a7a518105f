// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the page-table walk's share of the model: walk vs the
 * kernel's answer, the linear map, leaf levels and the physically
 * contiguous ranges, on synthetic kmemlab_translate sequences whose
 * expected figures are worked out by hand in the comments.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "model/model.h"
#include "lib/util.h"

#define PAGE 4096
#define VMALLOC_BASE 0xffffc90000000000ULL
#define PAGE_OFFSET 0xffff888000000000ULL

static struct model *start(uint32_t run, int mode, uint32_t pages)
{
	struct kmemlab_run_begin_ev ev = {
		.run = run, .mode = mode, .nr_structs = pages * 128,
		.struct_size = 32, .structs_per_page = 128, .nr_pages = pages,
		.order = 0, .nr_blocks = 1, .nr_alloc_pages = pages,
		.page_size = PAGE,
	};
	struct model *m = model_new();

	assert_non_null(m);
	assert_int_equal(model_handle_run_begin(m, 1, 0, &ev), 0);
	return m;
}

/* A direct-map translation: every answer agrees. */
static struct kmemlab_translate_ev direct(uint32_t run, uint32_t i,
					  uint64_t pfn, int level)
{
	struct kmemlab_translate_ev t = {
		.run = run, .index = i, .pfn = pfn, .phys = pfn * PAGE,
		.virt = PAGE_OFFSET + pfn * PAGE, .ref_phys = pfn * PAGE,
		.walk_phys = pfn * PAGE, .lin_phys = pfn * PAGE,
		.level = level, .match = true,
	};
	return t;
}

static void translate(struct model *m, const struct kmemlab_translate_ev *t)
{
	assert_int_equal(model_handle_translate(m, 10 + t->index, 0, t), 0);
}

/*
 * vmalloc pages at pfns 10 11 12 20 19 30 31 (index 0..6): ranges
 * [0x0a x3 from index 0], [20 x1 @3], [19 x1 @4] (descending is not
 * contiguous), [30 x2 @5] -> 4 ranges, largest 3.  virt - PAGE_OFFSET of
 * a vmalloc address is never the page: 7 linear-map differences.
 */
static void test_vmalloc_ranges(void **state)
{
	static const uint64_t pfns[] = { 10, 11, 12, 20, 19, 30, 31 };
	struct model *m = start(1, MODEL_MODE_VMALLOC, 7);
	const struct model_run *r;
	uint32_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(pfns); i++) {
		struct kmemlab_translate_ev t = direct(1, i, pfns[i], 1);

		t.virt = VMALLOC_BASE + i * PAGE;
		t.lin_phys = t.virt - PAGE_OFFSET;
		translate(m, &t);
	}
	model_finish(m);
	r = model_run_get(m, 0);
	assert_int_equal(r->nr_ranges, 4);
	assert_int_equal(r->largest_range, 3);
	assert_int_equal(r->ranges[0].pfn, 10);
	assert_int_equal(r->ranges[0].len, 3);
	assert_int_equal(r->ranges[1].pfn, 20);
	assert_int_equal(r->ranges[2].index, 4);
	assert_int_equal(r->ranges[3].pfn, 30);
	assert_int_equal(r->ranges[3].len, 2);
	assert_int_equal(r->walk_mismatches, 0);
	assert_int_equal(r->linear_mismatches, 7);
	assert_false(model_run_linear_applies(r));
	assert_int_equal(r->levels[1], 7);
	model_free(m);
}

/* kmalloc: 3 pages at 0x100.., one walk wrong, one linear answer wrong. */
static void test_kmalloc_mismatches(void **state)
{
	struct model *m = start(2, MODEL_MODE_KMALLOC, 3);
	struct kmemlab_translate_ev t;
	const struct model_run *r;

	(void)state;
	t = direct(2, 0, 0x100, 2);
	translate(m, &t);
	t = direct(2, 1, 0x101, 2);
	t.walk_phys += PAGE;		/* the walk disagrees with ref_phys */
	t.lin_phys = t.walk_phys;	/* and the linear map follows the walk */
	translate(m, &t);
	t = direct(2, 2, 0x102, 1);
	t.lin_phys += 8;		/* the linear map alone is wrong */
	translate(m, &t);
	model_finish(m);
	r = model_run_get(m, 0);
	assert_int_equal(r->walk_mismatches, 1);
	assert_int_equal(r->linear_mismatches, 1);
	assert_true(model_run_linear_applies(r));
	assert_int_equal(r->levels[2], 2);	/* pmd */
	assert_int_equal(r->levels[1], 1);	/* pte */
	assert_int_equal(r->nr_ranges, 1);
	assert_int_equal(r->largest_range, 3);
	model_free(m);
}

/* lin_phys 0 (older module) is not a difference; a bad level is rejected. */
static void test_missing_and_invalid(void **state)
{
	struct model *m = start(3, MODEL_MODE_PAGES, 2);
	struct kmemlab_translate_ev t;
	const struct model_run *r;

	(void)state;
	t = direct(3, 0, 0x200, 3);
	t.lin_phys = 0;
	translate(m, &t);
	t = direct(3, 1, 0x201, MODEL_NR_LEVELS);
	errno = 0;
	assert_int_equal(model_handle_translate(m, 20, 0, &t), -1);
	assert_int_equal(errno, EINVAL);
	t.level = -1;
	assert_int_equal(model_handle_translate(m, 21, 0, &t), -1);
	model_finish(m);
	r = model_run_get(m, 0);
	assert_int_equal(r->linear_mismatches, 0);
	assert_int_equal(r->levels[3], 1);	/* pud */
	assert_int_equal(r->pages_translated, 1);
	assert_int_equal(r->invalid_events, 2);
	assert_int_equal(r->nr_ranges, 1);
	model_free(m);
}

/* Pages out of index order start a new range: 1 then 0 -> 2 ranges of 1. */
static void test_out_of_order(void **state)
{
	struct model *m = start(4, MODEL_MODE_PAGES, 2);
	struct kmemlab_translate_ev t;

	(void)state;
	t = direct(4, 1, 0x301, 1);
	translate(m, &t);
	t = direct(4, 0, 0x300, 1);
	translate(m, &t);
	model_finish(m);
	assert_int_equal(model_run_get(m, 0)->nr_ranges, 2);
	assert_int_equal(model_run_get(m, 0)->largest_range, 1);
	assert_string_equal(model_level_name(2), "pmd");
	assert_string_equal(model_level_name(9), "unknown");
	model_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vmalloc_ranges),
		cmocka_unit_test(test_kmalloc_mismatches),
		cmocka_unit_test(test_missing_and_invalid),
		cmocka_unit_test(test_out_of_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
