// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the model on kernels other than 4 KiB pages / order 10:
 * the geometry comes from kmemlab_run_begin, and recordings without it
 * (older modules) keep the old limits.  Expected values are computed here
 * from the lab's formula and the buddy and page-table rules (lab_plan(),
 * leaf_shift()), written out independently of the model.
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

#define STRUCT_SIZE	32	/* eight unsigned ints */
#define PAGE_16K	16384
#define ORDER_16K	11	/* arm64 with 16 KiB pages: 32 MiB blocks */
#define PAGE_4K		4096

static unsigned int log2_exact(uint64_t v)
{
	unsigned int s = 0;

	while ((1ULL << s) < v)
		s++;
	return s;
}

/* The lab's plan, with the kernel's largest block as the split point. */
struct plan {
	uint32_t spp, pages, nr_blocks, order, last_order, alloc_pages;
};

static struct plan lab_plan(uint32_t page_size, uint32_t max_order, uint32_t n)
{
	struct plan p;
	uint32_t largest = 1u << max_order, rest;

	p.spp = page_size / STRUCT_SIZE;
	p.pages = (n + p.spp - 1) / p.spp;
	p.nr_blocks = (p.pages + largest - 1) / largest;
	rest = p.pages - (p.nr_blocks - 1) * largest;
	p.last_order = log2_exact(rest);
	p.order = p.nr_blocks > 1 ? max_order : p.last_order;
	p.alloc_pages = (p.nr_blocks - 1) * largest + (1u << p.last_order);
	return p;
}

/* A table holds page_size / 8 entries: each level up maps that many more. */
static unsigned int leaf_shift(uint32_t page_size, int levels_up)
{
	unsigned int page_shift = log2_exact(page_size);

	return page_shift + levels_up * (page_shift - 3);
}

static uint64_t ts;

static struct kmemlab_run_begin_ev begin_ev(uint32_t run, uint32_t page_size,
					    uint32_t max_order, uint32_t n)
{
	struct plan p = lab_plan(page_size, max_order, n);
	struct kmemlab_run_begin_ev ev = {
		.run = run, .mode = MODEL_MODE_PAGES, .nr_structs = n,
		.struct_size = STRUCT_SIZE, .structs_per_page = p.spp,
		.nr_pages = p.pages, .order = p.order,
		.nr_blocks = p.nr_blocks, .nr_alloc_pages = p.alloc_pages,
		.page_size = page_size, .max_order = max_order,
		.pmd_shift = leaf_shift(page_size, 1),
		.pud_shift = leaf_shift(page_size, 2),
		.kmalloc_max_size = (uint64_t)page_size << max_order,
	};

	return ev;
}

/*
 * One pages-mode run as the module and the kernel report it: every block
 * (largest ones first, each at a pfn aligned to its order) seen by
 * kmem:mm_page_alloc, every page translated at the pmd level, filled and
 * verified, every block freed.
 */
static void run_16k(struct model *m, uint32_t run, uint32_t n, uint64_t pfn)
{
	struct kmemlab_run_begin_ev ev = begin_ev(run, PAGE_16K, ORDER_16K, n);
	struct plan p = lab_plan(PAGE_16K, ORDER_16K, n);
	uint32_t values = p.spp * 8, b, i, page = 0;
	struct kmemlab_run_end_ev end = { .run = run };

	assert_int_equal(model_handle_run_begin(m, ++ts, 0, &ev), 0);
	for (b = 0; b < p.nr_blocks; b++) {
		uint32_t order = b + 1 < p.nr_blocks ? ORDER_16K : p.last_order;
		uint64_t base = pfn + ((uint64_t)b << ORDER_16K);
		struct kmem_page_alloc_ev ka = { base, order, 0xcc0, 0 };
		struct kmemlab_block_ev al = {
			.run = run, .block = b, .order = order, .pfn = base,
			.phys = base * PAGE_16K, .nr_pages = 1u << order,
		};

		assert_int_equal(model_handle_page_alloc(m, ++ts, 0, &ka), 0);
		assert_int_equal(model_handle_alloc(m, ++ts, 0, &al), 0);
	}
	for (b = 0; b < p.nr_blocks; b++) {
		uint64_t base = pfn + ((uint64_t)b << ORDER_16K);

		for (i = 0; page < p.pages && i < (1u << ORDER_16K); i++, page++) {
			uint64_t phys = (base + i) * PAGE_16K;
			struct kmemlab_translate_ev t = {
				.run = run, .index = page, .pfn = base + i,
				.phys = phys, .ref_phys = phys, .walk_phys = phys,
				.level = 2, .match = true,
			};
			struct kmemlab_fill_ev f = {
				.run = run, .index = page, .pfn = base + i,
				.first = page * values, .count = values,
				.last = page * values + values - 1,
			};
			struct kmemlab_verify_ev v = {
				.run = run, .index = page, .pfn = base + i,
				.checked = values,
			};

			assert_int_equal(model_handle_translate(m, ++ts, 0, &t), 0);
			assert_int_equal(model_handle_fill(m, ++ts, 0, &f), 0);
			assert_int_equal(model_handle_verify(m, ++ts, 0, &v), 0);
		}
	}
	for (b = 0; b < p.nr_blocks; b++) {
		uint32_t order = b + 1 < p.nr_blocks ? ORDER_16K : p.last_order;
		uint64_t base = pfn + ((uint64_t)b << ORDER_16K);
		struct kmemlab_block_ev fr = {
			.run = run, .block = b, .order = order, .pfn = base,
		};
		struct kmem_page_free_ev kf = { base, order };

		assert_int_equal(model_handle_free(m, ++ts, 0, &fr), 0);
		assert_int_equal(model_handle_page_free(m, ++ts, 0, &kf), 0);
	}
	assert_int_equal(model_handle_run_end(m, ++ts, 0, &end), 0);
}

static void assert_clean_run(const struct model_run *r, struct plan p)
{
	uint32_t b;

	assert_true(r->begun && r->ended && !r->incomplete);
	assert_int_equal(r->invalid_events, 0);
	assert_int_equal(r->structs_per_page, p.spp);
	assert_int_equal(r->nr_pages, p.pages);
	assert_int_equal(r->nr_block_slots, p.nr_blocks);
	assert_int_equal(r->pages_verified, p.pages);
	assert_int_equal(r->values_checked, (uint64_t)p.pages * p.spp * 8);
	assert_int_equal(r->unverified, 0);
	assert_int_equal(r->discontiguous, 0);
	assert_int_equal(r->stray_pages, 0);
	assert_int_equal(model_run_waste_pages(r), p.alloc_pages - p.pages);
	for (b = 0; b < p.nr_blocks; b++) {
		const struct model_block *blk = &r->blocks[b];

		assert_int_equal(blk->order, b + 1 < p.nr_blocks ?
				 ORDER_16K : p.last_order);
		assert_true(blk->freed && !blk->free_mismatch);
		assert_true(blk->kernel_alloc_seen && blk->kernel_free_seen);
		assert_true(model_block_aligned(blk));
	}
}

/*
 * 16 KiB pages: 512 structs a page; the largest block is 2^11 = 2048
 * pages (32 MiB), so exactly that many pages are one order-11 block and
 * one page more splits into two blocks (order 11 + order 0).
 */
static void test_16k_split(void **state)
{
	uint32_t largest = 1u << ORDER_16K;
	uint32_t spp = PAGE_16K / STRUCT_SIZE;
	struct plan one = lab_plan(PAGE_16K, ORDER_16K, largest * spp);
	struct plan two = lab_plan(PAGE_16K, ORDER_16K, largest * spp + 1);
	struct model *m = model_new();
	const struct model_sys *s;
	const struct model_run *r;

	(void)state;
	assert_int_equal(spp, 512);
	assert_int_equal(one.nr_blocks, 1);
	assert_int_equal(one.order, 11);
	assert_int_equal(two.nr_blocks, 2);
	assert_int_equal(two.pages, largest + 1);
	run_16k(m, 1, largest * spp, 0x10000);
	run_16k(m, 2, largest * spp + 1, 0x20000);
	model_finish(m);
	s = model_sys_get(m);
	assert_int_equal(s->invalid_events, 0);
	assert_int_equal(s->max_order, ORDER_16K);
	assert_true(s->max_order_recorded);
	/* two order-11 blocks and one order-0 went through the buddy allocator */
	assert_int_equal(s->allocs[ORDER_16K][0], 2);
	assert_int_equal(s->frees[ORDER_16K], 2);
	assert_int_equal(s->allocs[0][0], 1);
	assert_int_equal(s->live_at_end, 0);

	r = model_run_get(m, 0);
	assert_clean_run(r, one);
	assert_int_equal(r->order, ORDER_16K);
	r = model_run_get(m, 1);
	assert_clean_run(r, two);
	assert_int_equal(r->order, ORDER_16K);
	assert_true(r->geometry_recorded);
	assert_int_equal(r->max_order, ORDER_16K);
	assert_int_equal(r->pmd_shift, leaf_shift(PAGE_16K, 1));
	assert_int_equal(1ULL << r->pmd_shift, 32 << 20);
	assert_int_equal(r->pud_shift, leaf_shift(PAGE_16K, 2));
	assert_int_equal(r->kmalloc_max_size, 32 << 20);
	assert_int_equal(r->levels[2], two.pages);
	model_free(m);
}

/* The kernel's order-11 pages may come before the run_begin that says 11. */
static void test_kmem_before_begin(void **state)
{
	struct kmem_page_alloc_ev thp = { 0x40000, ORDER_16K, 0x140cca, 1 };
	struct kmem_page_alloc_ev beyond = { 0x80000, ORDER_16K + 1, 0xcc0, 0 };
	struct model *m = model_new();

	(void)state;
	assert_int_equal(model_handle_page_alloc(m, ++ts, 0, &thp), 0);
	run_16k(m, 1, 1000, 0x10000);
	model_finish(m);
	assert_int_equal(model_sys_get(m)->invalid_events, 0);
	assert_int_equal(model_sys_get(m)->allocs[ORDER_16K][1], 1);
	model_free(m);

	/* one order beyond the recording's largest: bad input, still counted */
	m = model_new();
	assert_int_equal(model_handle_page_alloc(m, ++ts, 0, &beyond), 0);
	run_16k(m, 1, 1000, 0x10000);
	model_finish(m);
	assert_int_equal(model_sys_get(m)->invalid_events, 1);
	assert_int_equal(model_sys_get(m)->allocs[ORDER_16K + 1][0], 1);
	model_free(m);

	/* no run_begin names the largest order: order 10 stays the limit */
	m = model_new();
	assert_int_equal(model_handle_page_alloc(m, ++ts, 0, &thp), 0);
	model_finish(m);
	assert_int_equal(model_sys_get(m)->max_order, MODEL_DEFAULT_MAX_ORDER);
	assert_false(model_sys_get(m)->max_order_recorded);
	assert_int_equal(model_sys_get(m)->invalid_events, 1);
	model_free(m);
}

/*
 * A module older than max_order: the model derives the leaves from the
 * page size and keeps order 10 as the largest, as it always did.
 */
static void test_older_module(void **state)
{
	struct kmemlab_run_begin_ev ev = begin_ev(1, PAGE_4K, 10, 100000);
	struct kmemlab_run_begin_ev ev16 = begin_ev(2, PAGE_16K, ORDER_16K,
						    (1u << ORDER_16K) * 512);
	struct model *m = model_new();
	const struct model_run *r;

	(void)state;
	ev.max_order = 0;
	ev.pmd_shift = 0;
	ev.pud_shift = 0;
	ev.kmalloc_max_size = 0;
	assert_int_equal(model_handle_run_begin(m, ++ts, 0, &ev), 0);
	r = model_run_get(m, 0);
	assert_false(r->geometry_recorded);
	assert_int_equal(r->max_order, MODEL_DEFAULT_MAX_ORDER);
	assert_int_equal(1ULL << r->pmd_shift, 2 << 20);
	assert_int_equal(1ULL << r->pud_shift, 1 << 30);
	assert_int_equal(r->kmalloc_max_size, 4 << 20);

	/* 16 KiB pages without max_order: an order-11 plan is out of bounds */
	ev16.max_order = 0;
	assert_int_equal(model_handle_run_begin(m, ++ts, 0, &ev16), -1);
	assert_int_equal(errno, EINVAL);
	/* without leaf shifts, 16 KiB pages' leaves follow from the page size */
	ev16 = begin_ev(3, PAGE_16K, ORDER_16K, 1000);
	ev16.pmd_shift = 0;
	ev16.pud_shift = 0;
	assert_int_equal(model_handle_run_begin(m, ++ts, 0, &ev16), 0);
	r = model_run_get(m, 1);
	assert_int_equal(1ULL << r->pmd_shift, 32 << 20);
	assert_int_equal(1ULL << r->pud_shift, 64ULL << 30);
	model_finish(m);
	assert_int_equal(model_sys_get(m)->invalid_events, 1);
	model_free(m);
}

static void test_hostile_geometry(void **state)
{
	struct kmemlab_run_begin_ev ok = begin_ev(1, PAGE_16K, ORDER_16K, 1000);
	struct kmemlab_run_begin_ev ev;
	struct kmemlab_block_ev big = {
		.run = 1, .block = 0, .order = ORDER_16K + 1, .pfn = 0x1000,
	};
	struct kmemlab_block_ev orphan = {
		.run = 9, .block = 0, .order = MODEL_MAX_ORDER, .pfn = 0x2000,
	};
	struct kmem_page_alloc_ev kbig = { 0x3000, MODEL_MAX_ORDER + 1, 0, 0 };
	struct kmem_page_free_ev fbig = { 0x3000, MODEL_MAX_ORDER + 1 };
	struct model *m = model_new();
	int bad = 0;

	(void)state;
	ev = ok;
	ev.max_order = MODEL_MAX_ORDER + 1;
	bad += model_handle_run_begin(m, ++ts, 0, &ev) == -1;
	ev = ok;
	ev.order = ORDER_16K + 1;	/* above the run's own largest */
	bad += model_handle_run_begin(m, ++ts, 0, &ev) == -1;
	ev = ok;
	ev.pmd_shift = log2_exact(PAGE_16K);	/* a pmd leaf of one page */
	bad += model_handle_run_begin(m, ++ts, 0, &ev) == -1;
	ev = ok;
	ev.pud_shift = ev.pmd_shift - 1;
	bad += model_handle_run_begin(m, ++ts, 0, &ev) == -1;
	ev = ok;
	ev.pmd_shift = 64;
	bad += model_handle_run_begin(m, ++ts, 0, &ev) == -1;
	ev = ok;
	ev.kmalloc_max_size = 3 << 20;
	bad += model_handle_run_begin(m, ++ts, 0, &ev) == -1;
	assert_int_equal(bad, 6);

	assert_int_equal(model_handle_run_begin(m, ++ts, 0, &ok), 0);
	/* a block beyond the run's largest order, and an orphan run's block
	 * beyond the recording's */
	assert_int_equal(model_handle_alloc(m, ++ts, 0, &big), -1);
	assert_int_equal(model_handle_alloc(m, ++ts, 0, &orphan), -1);
	assert_int_equal(model_handle_page_alloc(m, ++ts, 0, &kbig), -1);
	assert_int_equal(model_handle_page_free(m, ++ts, 0, &fbig), -1);
	model_finish(m);
	assert_int_equal(model_sys_get(m)->invalid_events, 10);
	assert_int_equal(model_sys_get(m)->max_order, ORDER_16K);
	model_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_16k_split),
		cmocka_unit_test(test_kmem_before_begin),
		cmocka_unit_test(test_older_module),
		cmocka_unit_test(test_hostile_geometry),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
