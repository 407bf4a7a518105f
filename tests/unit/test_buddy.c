// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the model's buddy handlers (kmemlab_split, kmemlab_merge,
 * kmemlab_free_area and the kernel's free-list events).  Every expected
 * value comes from expand()'s rules, worked out here: a block of order o
 * at pfn P cut from a free block of order K leaves free blocks of order j
 * at P + 2^j for j in [o, K), and the free counts move by -1 at K and +1
 * at each of those j; never from the model's own output.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model/model.h"
#include "unit-events.h"

#define NR_ORDERS 11	/* x86_64, 4 KiB pages */
#define RUN 1

struct sim {
	struct model *m;
	uint64_t ts;
	uint32_t free[NR_ORDERS];	/* the zone's free lists, kept by the rules */
	uint32_t before[NR_ORDERS];	/* free[] as the run began */
};

static uint64_t tick(struct sim *s)
{
	return s->ts += 1000;
}

static int setup(void **state)
{
	struct sim *s = calloc(1, sizeof(*s));
	static const uint32_t start[NR_ORDERS] = {
		2, 2, 3, 3, 1, 3, 1, 1, 1, 2, 210,
	};

	if (!s)
		return -1;
	s->m = model_new();
	memcpy(s->free, start, sizeof(start));
	*state = s;
	return s->m ? 0 : -1;
}

static int teardown(void **state)
{
	struct sim *s = *state;

	model_free(s->m);
	free(s);
	return 0;
}

static void begin(struct sim *s, uint32_t run, uint32_t order)
{
	struct kmemlab_run_begin_ev ev = unit_one_block_run(run, order);

	assert_int_equal(model_handle_run_begin(s->m, tick(s), 0, &ev), 0);
	memcpy(s->before, s->free, sizeof(s->before));
}

static void area(struct sim *s, uint32_t run, int phase)
{
	struct kmemlab_free_area_ev ev = {
		.run = run, .phase = phase, .node = 0, .buddy_blocks = true,
		.zone = "DMA32", .nr_orders = NR_ORDERS, .nr_free = s->free,
	};

	assert_int_equal(model_handle_free_area(s->m, tick(s), 0, &ev), 0);
}

static void alloc(struct sim *s, uint32_t run, uint64_t pfn, uint32_t order)
{
	struct kmemlab_block_ev ev = unit_one_block(run, pfn, order);

	assert_int_equal(model_handle_alloc(s->m, tick(s), 0, &ev), 0);
}

static void zone_locked(struct sim *s, uint64_t pfn, uint32_t order,
			bool refill, int cpu)
{
	struct kmem_zone_locked_ev ev = { pfn, order, 0, refill };

	assert_int_equal(model_handle_zone_locked(s->m, tick(s), cpu, &ev), 0);
}

/* The rules applied to the simulated free lists: one split of K into o. */
static void rules_split(struct sim *s, uint32_t order, int source)
{
	int j;

	s->free[source]--;
	for (j = order; j < source; j++)
		s->free[j]++;
}

static int split(struct sim *s, uint32_t run, uint64_t pfn, uint32_t order,
		 int source, bool clean, const uint32_t *before)
{
	struct kmemlab_split_ev ev = {
		.run = run, .block = 0, .pfn = pfn, .order = order,
		.source_order = source,
		.source_pfn = source < 0 ? MODEL_PFN_NONE : pfn,
		.pcp = source < 0, .clean = clean, .zone = "DMA32",
		.nr_before = before ? NR_ORDERS : 0, .nr_orders = NR_ORDERS,
		.free_before = before, .free_after = s->free,
	};

	return model_handle_split(s->m, tick(s), 1, &ev);
}

static void merge(struct sim *s, uint32_t run, uint64_t pfn, uint32_t order,
		  int merged, uint64_t merged_pfn, bool pcp)
{
	struct kmemlab_block_ev fr = {
		.run = run, .block = 0, .order = order, .pfn = pfn,
	};
	struct kmemlab_merge_ev ev = {
		.run = run, .block = 0, .pfn = pfn, .order = order,
		.merged_order = merged, .merged_pfn = merged_pfn, .pcp = pcp,
		.zone = "DMA32",
	};

	assert_int_equal(model_handle_free(s->m, tick(s), 0, &fr), 0);
	assert_int_equal(model_handle_merge(s->m, tick(s), 0, &ev), 0);
}

static const struct model_block *block0(struct sim *s, size_t run_idx)
{
	const struct model_run *r;

	model_finish(s->m);
	r = model_run_get(s->m, run_idx);
	assert_non_null(r);
	assert_true(r->nr_block_slots >= 1);
	return &r->blocks[0];
}

/* An order-4 block cut from a free order-7 block at 0x3d880. */
static void test_clean_split(void **state)
{
	struct sim *s = *state;
	const uint64_t P = 0x3d880;
	const struct model_block *b;
	uint32_t j;

	begin(s, RUN, 4);
	area(s, RUN, 0);
	zone_locked(s, P, 4, false, 0);
	alloc(s, RUN, P, 4);
	rules_split(s, 4, 7);
	assert_int_equal(split(s, RUN, P, 4, 7, true, s->before), 0);
	b = block0(s, 0);
	assert_non_null(b->split);
	assert_int_equal(b->split->came, MODEL_CAME_SPLIT);
	assert_int_equal(model_split_broken(b), 0);
	/* remnants: orders 4, 5, 6 at P + 16, P + 32, P + 64 */
	for (j = 4; j < 7; j++)
		assert_int_equal(model_split_remnant(b, j), P + (1u << j));
	assert_int_equal(model_split_remnant(b, 4), 0x3d890);
	assert_int_equal(model_split_remnant(b, 6), 0x3d8c0);
	assert_true(b->split->zone_locked);
	assert_false(b->split->refill);
	assert_string_equal(b->split->zone, "DMA32");
}

/* The second order-4 request gets the order-4 remnant whole. */
static void test_exact_then_merge(void **state)
{
	struct sim *s = *state;
	const struct model_block *b;

	begin(s, RUN, 4);
	alloc(s, RUN, 0x3d890, 4);
	rules_split(s, 4, 4);
	assert_int_equal(split(s, RUN, 0x3d890, 4, 4, true, s->before), 0);
	merge(s, RUN, 0x3d890, 4, 7, 0x3d880, false);
	b = block0(s, 0);
	assert_int_equal(b->split->came, MODEL_CAME_EXACT);
	assert_non_null(b->merge);
	assert_int_equal(model_merge_broken(b), 0);
	assert_int_equal(b->merge->merged_order, 7);
}

/* A per-CPU block, freed to a list and drained later. */
static void test_pcp_drained(void **state)
{
	struct sim *s = *state;
	struct kmem_pcpu_drain_ev drain = { 0x5f80, 3, 0 };
	const struct model_block *b;

	begin(s, RUN, 3);
	alloc(s, RUN, 0x5f80, 3);
	assert_int_equal(split(s, RUN, 0x5f80, 3, -1, true, s->before), 0);
	merge(s, RUN, 0x5f80, 3, -1, MODEL_PFN_NONE, true);
	assert_int_equal(model_handle_pcpu_drain(s->m, tick(s), 1, &drain), 0);
	b = block0(s, 0);
	assert_int_equal(b->split->came, MODEL_CAME_PCP);
	assert_int_equal(model_merge_broken(b), 0);
	assert_true(b->merge->drained);
	assert_int_equal(b->merge->drain_ts, s->ts);
}

/*
 * Freed over the list's high mark: __free_pages() drains the list, ours
 * among more pages than the recent-drain ring holds, before the module's
 * kmemlab_merge finds the block merged.  The drain is still the block's.
 */
static void test_pcp_drained_in_a_long_drain(void **state)
{
	struct sim *s = *state;
	struct kmemlab_block_ev fr = {
		.run = RUN, .block = 0, .order = 3, .pfn = 0x5f80,
	};
	struct kmemlab_merge_ev ev = {
		.run = RUN, .block = 0, .pfn = 0x5f80, .order = 3,
		.merged_order = 4, .merged_pfn = 0x5f80, .pcp = true,
		.zone = "DMA32",
	};
	struct kmem_pcpu_drain_ev drain = { 0x5f80, 3, 0 };
	const struct model_block *b;
	uint64_t ours;
	int i;

	begin(s, RUN, 3);
	alloc(s, RUN, 0x5f80, 3);
	assert_int_equal(split(s, RUN, 0x5f80, 3, -1, true, s->before), 0);
	assert_int_equal(model_handle_free(s->m, tick(s), 0, &fr), 0);
	assert_int_equal(model_handle_pcpu_drain(s->m, tick(s), 0, &drain), 0);
	ours = s->ts;
	for (i = 0; i < 8192; i++) {	/* far more than its ring */
		struct kmem_pcpu_drain_ev other = { 0x100000 + i, 0, 0 };

		assert_int_equal(model_handle_pcpu_drain(s->m, tick(s), 0, &other), 0);
	}
	assert_int_equal(model_handle_merge(s->m, tick(s), 0, &ev), 0);
	b = block0(s, 0);
	assert_int_equal(model_merge_broken(b), 0);
	assert_true(b->merge->drained);
	assert_int_equal(b->merge->drain_ts, ours);
}

/* A per-CPU block refilled for this very allocation: the refill's CPU. */
static void test_pcp_refill(void **state)
{
	struct sim *s = *state;
	const struct model_block *b;

	begin(s, RUN, 3);
	zone_locked(s, 0x6000, 3, true, 1);
	alloc(s, RUN, 0x6000, 3);
	rules_split(s, 3, 9);	/* the refill cut an order-9 block */
	assert_int_equal(split(s, RUN, 0x6000, 3, -1, false, s->before), 0);
	b = block0(s, 0);
	assert_int_equal(b->split->came, MODEL_CAME_PCP);
	assert_true(b->split->refill);
	assert_int_equal(b->split->zone_locked_cpu, 1);
}

/*
 * Disturbed: another allocation took the order-4 remnant between the
 * reads, so the module saw source 4 while the counts say more: not clean,
 * never a broken rule.
 */
static void test_disturbed(void **state)
{
	struct sim *s = *state;
	const struct model_block *b;

	begin(s, RUN, 4);
	alloc(s, RUN, 0x3d880, 4);
	rules_split(s, 4, 7);
	s->free[4]--;		/* someone took the remnant at 0x3d890 */
	assert_int_equal(split(s, RUN, 0x3d880, 4, 4, false, s->before), 0);
	b = block0(s, 0);
	assert_int_equal(b->split->came, MODEL_CAME_DISTURBED);
	assert_int_equal(model_split_broken(b), 0);
}

/* Hostile: a source order past the recording's largest (10). */
static void test_order_past_largest(void **state)
{
	struct sim *s = *state;
	const struct model_block *b;

	begin(s, RUN, 4);
	alloc(s, RUN, 0x40000, 4);
	assert_int_equal(split(s, RUN, 0x40000, 4, NR_ORDERS, false, NULL), 0);
	b = block0(s, 0);
	assert_true(model_split_broken(b) & MODEL_SPLIT_RANGE);
	assert_int_equal(b->split->came, MODEL_CAME_BROKEN);
}

/* Hostile: a block one page off its source's alignment (remnants off by one). */
static void test_remnant_off_by_one(void **state)
{
	struct sim *s = *state;
	const struct model_block *b;

	begin(s, RUN, 0);
	alloc(s, RUN, 0x3d881, 0);
	assert_int_equal(split(s, RUN, 0x3d881, 0, 4, false, NULL), 0);
	b = block0(s, 0);
	assert_true(model_split_broken(b) & MODEL_SPLIT_ALIGN);
}

/* Hostile: "clean", yet the counts moved by one more remnant than the rules. */
static void test_clean_counts_wrong(void **state)
{
	struct sim *s = *state;
	const struct model_block *b;

	begin(s, RUN, 4);
	alloc(s, RUN, 0x3d880, 4);
	rules_split(s, 4, 7);
	s->free[7]++;		/* a remnant of order 7 the rules never leave */
	assert_int_equal(split(s, RUN, 0x3d880, 4, 7, true, s->before), 0);
	b = block0(s, 0);
	assert_true(model_split_broken(b) & MODEL_SPLIT_COUNTS);
}

/* Hostile: a merged block that does not hold the freed pages. */
static void test_merge_not_covering(void **state)
{
	struct sim *s = *state;
	const struct model_block *b;

	begin(s, RUN, 4);
	alloc(s, RUN, 0x3d880, 4);
	rules_split(s, 4, 5);
	assert_int_equal(split(s, RUN, 0x3d880, 4, 5, true, s->before), 0);
	merge(s, RUN, 0x3d880, 4, 5, 0x3d8a0, false);
	b = block0(s, 0);
	assert_true(model_merge_broken(b) & MODEL_MERGE_COVER);
}

/* Bad input: more orders than any kernel has, arrays that disagree. */
static void test_invalid_events(void **state)
{
	struct sim *s = *state;
	uint32_t big[MODEL_BUDDY_NR_ORDERS + 1] = { 0 };
	struct kmemlab_free_area_ev fa = {
		.run = RUN, .phase = 0, .zone = "DMA32",
		.nr_orders = MODEL_BUDDY_NR_ORDERS + 1, .nr_free = big,
	};
	struct kmem_zone_locked_ev zl = { 0x1000, 40, 0, false };

	begin(s, RUN, 4);
	alloc(s, RUN, 0x3d880, 4);
	assert_int_equal(model_handle_free_area(s->m, tick(s), 0, &fa), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(model_handle_zone_locked(s->m, tick(s), 0, &zl), -1);
	/* order 12 of an 11-order zone: not an index, bad input */
	assert_int_equal(split(s, RUN, 0x3d880, 12, 12, false, NULL), -1);
	model_finish(s->m);
	assert_int_equal(model_sys_get(s->m)->invalid_events, 3);
	assert_null(model_run_get(s->m, 0)->blocks[0].split);
}

/*
 * 16 KiB pages on arm64: 12 orders, so order 11 is a valid source and 12
 * is past the largest.  Counts by the same rules, on 12 orders.
 */
static void test_sixteen_k(void **state)
{
	struct sim *s = *state;
	uint32_t before[12] = { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 9 };
	uint32_t after[12];
	struct kmemlab_split_ev ev = {
		.run = RUN, .block = 0, .pfn = 0x40000, .order = 4,
		.source_order = 11, .source_pfn = 0x40000, .clean = true,
		.zone = "DMA", .nr_before = 12, .nr_orders = 12,
		.free_before = before, .free_after = after,
	};
	const struct model_block *b;
	uint32_t j;

	memcpy(after, before, sizeof(after));
	after[11]--;
	for (j = 4; j < 11; j++)
		after[j]++;
	begin(s, RUN, 4);
	alloc(s, RUN, 0x40000, 4);
	assert_int_equal(model_handle_split(s->m, tick(s), 0, &ev), 0);

	ev.run = RUN + 1;
	ev.source_order = 12;
	begin(s, RUN + 1, 4);
	alloc(s, RUN + 1, 0x40000 + 4096, 4);
	ev.pfn = ev.source_pfn = 0x40000 + 4096;
	assert_int_equal(model_handle_split(s->m, tick(s), 0, &ev), 0);

	b = block0(s, 0);
	assert_int_equal(b->split->came, MODEL_CAME_SPLIT);
	assert_int_equal(model_split_remnant(b, 10), 0x40000 + 1024);
	assert_true(model_split_broken(&model_run_get(s->m, 1)->blocks[0]) &
		    MODEL_SPLIT_RANGE);
}

/* Free areas: per zone, begin and end. */
static void test_free_areas(void **state)
{
	struct sim *s = *state;
	const struct model_run *r;

	begin(s, RUN, 4);
	area(s, RUN, 0);
	s->free[10]--;
	area(s, RUN, 1);
	model_finish(s->m);
	r = model_run_get(s->m, 0);
	assert_int_equal(r->nr_areas, 1);
	assert_true(r->areas[0].has_begin && r->areas[0].has_end);
	assert_int_equal((int)r->areas[0].end[10] - (int)r->areas[0].begin[10], -1);
	assert_true(r->buddy_blocks);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_clean_split, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exact_then_merge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pcp_drained, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pcp_drained_in_a_long_drain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pcp_refill, setup, teardown),
		cmocka_unit_test_setup_teardown(test_disturbed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_order_past_largest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_remnant_off_by_one, setup, teardown),
		cmocka_unit_test_setup_teardown(test_clean_counts_wrong, setup, teardown),
		cmocka_unit_test_setup_teardown(test_merge_not_covering, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invalid_events, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sixteen_k, setup, teardown),
		cmocka_unit_test_setup_teardown(test_free_areas, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
