// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the model on synthetic event sequences.  Expected values
 * come from the lab's formula worked out by hand (4096-byte pages, 32-byte
 * structs: 128 structs per page, pages = ceil(n / 128), order =
 * ceil(log2(pages)), waste = 2^order - pages), never from the model.
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
#define SPP 128		/* 4096 / 32 */

/* Hand-computed: n structs -> pages, order, waste pages. */
static const struct {
	uint32_t n, pages, order, waste;
} lab[] = {
	{ 1, 1, 0, 0 },
	{ 128, 1, 0, 0 },
	{ 129, 2, 1, 0 },
	{ 300, 3, 2, 1 },
	{ 600, 5, 3, 3 },
	{ 1000, 8, 3, 0 },
	{ 2000, 16, 4, 0 },
	{ 2049, 17, 5, 15 },
	{ 100000, 782, 10, 242 },
};

struct sim {
	struct model *m;
	uint64_t ts;
	bool kmem;		/* emit kmem:mm_page_* like the kernel */
	bool kmem_after;	/* mm_page_alloc after kmemlab_alloc */
	int skip_verify;	/* page index not verified, or -1 */
	int bad_pfn_page;	/* page index translated with a wrong pfn */
	bool no_free;
};

static uint64_t tick(struct sim *s)
{
	return s->ts += 1000;
}

static void begin(struct sim *s, uint32_t run, uint32_t n, uint32_t pages,
		  uint32_t order)
{
	struct kmemlab_run_begin_ev ev = {
		.run = run, .mode = MODEL_MODE_PAGES, .nr_structs = n,
		.struct_size = 32, .structs_per_page = SPP, .nr_pages = pages,
		.order = order, .nr_blocks = 1, .nr_alloc_pages = 1u << order,
		.page_size = PAGE,
	};

	assert_int_equal(model_handle_run_begin(s->m, tick(s), 0, &ev), 0);
}

static void kmem_alloc(struct sim *s, uint64_t pfn, uint32_t order)
{
	struct kmem_page_alloc_ev ka = { pfn, order, 0xcc0, 0 };

	assert_int_equal(model_handle_page_alloc(s->m, tick(s), 0, &ka), 0);
}

static void alloc(struct sim *s, uint32_t run, uint64_t pfn, uint32_t order)
{
	struct kmemlab_block_ev ev = {
		.run = run, .block = 0, .order = order, .pfn = pfn,
		.phys = pfn * PAGE, .nr_pages = 1u << order, .gfp_flags = 0xcc0,
	};

	if (s->kmem && !s->kmem_after)
		kmem_alloc(s, pfn, order);
	assert_int_equal(model_handle_alloc(s->m, tick(s), 0, &ev), 0);
	if (s->kmem && s->kmem_after)
		kmem_alloc(s, pfn, order);
}

static void page(struct sim *s, uint32_t run, uint32_t i, uint64_t pfn)
{
	struct kmemlab_translate_ev t = {
		.run = run, .index = i, .pfn = pfn, .phys = pfn * PAGE,
		.ref_phys = pfn * PAGE, .walk_phys = pfn * PAGE, .match = true,
	};
	struct kmemlab_fill_ev f = {
		.run = run, .index = i, .pfn = pfn, .first = i * SPP * 8,
		.last = i * SPP * 8 + SPP * 8 - 1, .count = SPP * 8,
	};

	if ((int)i == s->bad_pfn_page) {
		t.pfn = pfn + 100;
		f.pfn = pfn + 100;
	}
	assert_int_equal(model_handle_translate(s->m, tick(s), 0, &t), 0);
	assert_int_equal(model_handle_fill(s->m, tick(s), 0, &f), 0);
}

static void verify(struct sim *s, uint32_t run, uint32_t i, uint64_t pfn)
{
	struct kmemlab_verify_ev v = {
		.run = run, .index = i, .pfn = pfn, .checked = SPP * 8,
	};

	if ((int)i != s->skip_verify)
		assert_int_equal(model_handle_verify(s->m, tick(s), 0, &v), 0);
}

static void release(struct sim *s, uint32_t run, uint64_t pfn, uint32_t order)
{
	struct kmemlab_block_ev ev = {
		.run = run, .block = 0, .order = order, .pfn = pfn,
	};
	struct kmem_page_free_ev kf = { pfn, order };
	struct kmemlab_run_end_ev end = { .run = run, .fill_ns = 8000,
					  .verify_ns = 4000 };

	if (!s->no_free) {
		assert_int_equal(model_handle_free(s->m, tick(s), 0, &ev), 0);
		if (s->kmem)
			assert_int_equal(model_handle_page_free(s->m, tick(s), 0, &kf), 0);
	}
	assert_int_equal(model_handle_run_end(s->m, tick(s), 0, &end), 0);
}

/* One whole lab run, as the module emits it. */
static void lab_run(struct sim *s, uint32_t run, uint32_t n, uint32_t pages,
		    uint32_t order, uint64_t pfn)
{
	uint32_t i;

	begin(s, run, n, pages, order);
	alloc(s, run, pfn, order);
	for (i = 0; i < pages; i++)
		page(s, run, i, pfn + i);
	for (i = 0; i < pages; i++)
		verify(s, run, i, pfn + i);
	release(s, run, pfn, order);
}

static struct sim sim_new(void)
{
	struct sim s = { .m = model_new(), .skip_verify = -1,
			 .bad_pfn_page = -1, .kmem = true };

	assert_non_null(s.m);
	return s;
}

static void test_order_formula(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(lab); i++)
		assert_int_equal(model_order_for_pages(lab[i].pages), lab[i].order);
}

static void test_lab_runs(void **state)
{
	struct sim s = sim_new();
	size_t i, nr = ARRAY_SIZE(lab);

	(void)state;
	for (i = 0; i < nr; i++)
		lab_run(&s, i + 1, lab[i].n, lab[i].pages, lab[i].order,
			0x40000 + (i << 10));
	model_finish(s.m);
	assert_int_equal(model_nr_runs(s.m), nr);
	for (i = 0; i < nr; i++) {
		const struct model_run *r = model_run_get(s.m, i);
		const struct model_block *b = &r->blocks[0];

		assert_int_equal(r->id, i + 1);
		assert_false(r->incomplete);
		assert_int_equal(model_run_waste_pages(r), lab[i].waste);
		assert_int_equal(r->pages_filled, lab[i].pages);
		assert_int_equal(r->values_filled, (uint64_t)lab[i].pages * 1024);
		assert_int_equal(r->unverified, 0);
		assert_true(model_block_aligned(b));
		assert_int_equal(b->discontiguous, 0);
		assert_true(b->freed);
		assert_true(b->kernel_alloc_seen);
		assert_true(b->kernel_free_seen);
		/* alloc, 2 events per page, verify per page, then free */
		assert_int_equal(model_block_lifetime_ns(b),
				 (1 + 3 * (uint64_t)lab[i].pages) * 1000);
	}
	assert_int_equal(model_sys_get(s.m)->live_at_end, 0);
	assert_int_equal(model_sys_get(s.m)->allocs[3][0], 2);
	model_free(s.m);
}

static void test_kmem_after_module(void **state)
{
	struct sim s = sim_new();
	const struct model_block *b;

	(void)state;
	s.kmem_after = true;
	lab_run(&s, 1, 600, 5, 3, 0x2268);
	model_finish(s.m);
	b = &model_run_get(s.m, 0)->blocks[0];
	assert_true(b->kernel_alloc_seen);
	assert_true(b->kernel_free_seen);
	model_free(s.m);
}

static void test_unverified_and_discontiguous(void **state)
{
	struct sim s = sim_new();
	const struct model_run *r;

	(void)state;
	s.skip_verify = 2;
	s.bad_pfn_page = 4;
	lab_run(&s, 7, 600, 5, 3, 0x2268);
	model_finish(s.m);
	r = model_run_get(s.m, 0);
	assert_int_equal(r->unverified, 1);
	assert_int_equal(r->blocks[0].unverified, 1);
	/* translate, fill and verify of page 4 all missed: one page off */
	assert_int_equal(r->blocks[0].discontiguous, 1);
	assert_int_equal(r->translate_mismatches, 1);
	model_free(s.m);
}

static void test_leak(void **state)
{
	struct sim s = sim_new();
	const struct model_run *r;

	(void)state;
	s.no_free = true;
	lab_run(&s, 1, 1000, 8, 3, 0x1000);
	model_finish(s.m);
	r = model_run_get(s.m, 0);
	assert_false(r->blocks[0].freed);
	assert_int_equal(model_sys_get(s.m)->live_at_end, 1);
	assert_int_equal(model_sys_get(s.m)->live_pages_at_end, 8);
	model_free(s.m);
}

static void test_failures(void **state)
{
	struct kmemlab_block_ev fail = {
		.run = 1, .order = 10, .pfn = MODEL_PFN_NONE, .ret = -ENOMEM,
	};
	struct kmem_page_alloc_ev kfail = { MODEL_PFN_NONE, 10, 0xcc0, 0 };
	struct sim s = sim_new();
	const struct model_run *r;

	(void)state;
	begin(&s, 1, 200000, 1563, 10);
	assert_int_equal(model_handle_page_alloc(s.m, tick(&s), 0, &kfail), 0);
	assert_int_equal(model_handle_alloc(s.m, tick(&s), 0, &fail), 0);
	model_finish(s.m);
	r = model_run_get(s.m, 0);
	assert_true(r->blocks[0].failed);
	assert_false(model_block_aligned(&r->blocks[0]));
	assert_int_equal(model_sys_get(s.m)->alloc_failures, 1);
	assert_int_equal(model_sys_get(s.m)->live_at_end, 0);
	assert_true(r->incomplete);	/* never ended */
	model_free(s.m);
}

/*
 * A run planned as 3 order-10 blocks whose third allocation fails: it
 * held 2 x 1024 pages, not the 3072 of its plan, and wasted nothing.
 */
static void test_failed_run_counts_what_it_got(void **state)
{
	struct kmemlab_run_begin_ev plan = {
		.run = 1, .mode = MODEL_MODE_PAGES, .nr_structs = 3 * 1024 * SPP,
		.struct_size = 32, .structs_per_page = SPP, .nr_pages = 3072,
		.order = 10, .nr_blocks = 3, .nr_alloc_pages = 3072,
		.page_size = PAGE,
	};
	struct kmemlab_block_ev ev = {
		.run = 1, .order = 10, .nr_pages = 1024, .gfp_flags = 0xcc0,
	};
	struct sim s = sim_new();
	const struct model_run *r;

	(void)state;
	assert_int_equal(model_handle_run_begin(s.m, tick(&s), 0, &plan), 0);
	for (ev.block = 0; ev.block < 2; ev.block++) {
		ev.pfn = 0x40000 + ev.block * 1024;
		ev.phys = ev.pfn * PAGE;
		assert_int_equal(model_handle_alloc(s.m, tick(&s), 0, &ev), 0);
	}
	ev.pfn = MODEL_PFN_NONE;
	ev.ret = -ENOMEM;
	assert_int_equal(model_handle_alloc(s.m, tick(&s), 0, &ev), 0);
	model_finish(s.m);
	r = model_run_get(s.m, 0);
	assert_int_equal(model_run_alloc_pages(r), 2 * 1024);
	assert_non_null(model_run_failed_block(r));
	assert_int_equal(model_run_failed_block(r)->index, 2);
	assert_int_equal(model_run_waste_pages(r), 0);
	assert_int_equal(r->nr_alloc_pages, 3072);	/* the plan stays */
	model_free(s.m);
}

static void test_invalid_input(void **state)
{
	struct kmemlab_block_ev big = { .run = 1, .order = 40, .pfn = 0x1000 };
	struct kmemlab_block_ev many = { .run = 1, .block = 1u << 30, .pfn = 8 };
	struct kmem_page_alloc_ev kbig = { 0x2000, 11, 0, 0 };
	struct kmem_page_alloc_ev kmt = { 0x3000, 0, 0, 99 };
	struct kmem_page_free_ev fbig = { 0x2000, 64 };
	struct kmemlab_run_begin_ev bad = { .run = 2, .mode = 7,
					    .struct_size = 32, .page_size = PAGE };
	struct model *m = model_new();

	(void)state;
	assert_int_equal(model_handle_alloc(m, 1, 0, &big), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(model_handle_alloc(m, 2, 0, &many), -1);
	/* order 11 is judged at the end, against the recording's largest */
	assert_int_equal(model_handle_page_alloc(m, 3, 0, &kbig), 0);
	assert_int_equal(model_handle_page_free(m, 4, 0, &fbig), -1);
	assert_int_equal(model_handle_run_begin(m, 5, 0, &bad), -1);
	bad.mode = 0;
	bad.page_size = 4095;
	assert_int_equal(model_handle_run_begin(m, 6, 0, &bad), -1);
	assert_int_equal(model_handle_page_alloc(m, 7, 0, &kmt), 0);
	model_finish(m);
	assert_int_equal(model_sys_get(m)->invalid_events, 6);
	assert_int_equal(model_sys_get(m)->allocs[0][MODEL_NR_MIGRATETYPES], 1);
	assert_string_equal(model_migratetype_name(99), "other");
	assert_string_equal(model_mode_name(-1), "unknown");
	model_free(m);
}

/* A block number beyond the run's plan is bad input, not a table size. */
static void test_block_beyond_plan(void **state)
{
	struct sim s = { .m = model_new(), .skip_verify = -1, .bad_pfn_page = -1 };
	struct kmemlab_block_ev stray = { .run = 1, .block = 200000, .pfn = 0x800 };
	const struct model_run *r;

	(void)state;
	begin(&s, 1, 1000, 8, 3);
	assert_int_equal(model_handle_alloc(s.m, tick(&s), 0, &stray), -1);
	assert_int_equal(errno, EINVAL);
	model_finish(s.m);
	r = model_run_get(s.m, 0);
	assert_true(r->nr_block_slots <= 1);
	assert_int_equal(model_sys_get(s.m)->invalid_events, 1);
	model_free(s.m);
}

static void test_unmatched(void **state)
{
	struct kmemlab_block_ev stray = { .run = 3, .order = 2, .pfn = 0x500 };
	struct kmem_page_free_ev kf = { 0x600, 0 };
	struct model *m = model_new();
	const struct model_run *r;

	(void)state;
	assert_int_equal(model_handle_free(m, 1, 0, &stray), 0);
	assert_int_equal(model_handle_page_free(m, 2, 0, &kf), 0);
	model_finish(m);
	r = model_run_get(m, 0);
	assert_int_equal(r->unmatched_frees, 1);
	assert_false(r->begun);
	assert_true(r->incomplete);
	assert_int_equal(model_sys_get(m)->frees_without_alloc, 1);
	assert_int_equal(model_sys_get(m)->frees[0], 1);
	model_free(m);
}

static void test_missed_events(void **state)
{
	struct sim s = sim_new();

	(void)state;
	lab_run(&s, 1, 1, 1, 0, 0x10);
	begin(&s, 2, 1, 1, 0);
	model_handle_missed(s.m, tick(&s), 1, -1);
	alloc(&s, 2, 0x11, 0);
	release(&s, 2, 0x11, 0);
	model_finish(s.m);
	assert_false(model_run_get(s.m, 0)->incomplete);
	assert_true(model_run_get(s.m, 1)->incomplete);
	assert_true(model_sys_get(s.m)->missed_unknown);
	model_free(s.m);
}

static void test_run_reuse(void **state)
{
	struct sim s = sim_new();

	(void)state;
	lab_run(&s, 1, 1, 1, 0, 0x10);
	lab_run(&s, 1, 129, 2, 1, 0x20);	/* module reloaded */
	model_finish(s.m);
	assert_int_equal(model_nr_runs(s.m), 2);
	assert_int_equal(model_run_get(s.m, 1)->nr_pages, 2);
	assert_true(model_run_get(s.m, 1)->blocks[0].freed);
	assert_null(model_run_get(s.m, 2));
	/* each run's pages went to it, not to the other of the same number */
	assert_int_equal(model_run_get(s.m, 0)->pages_translated, 1);
	assert_int_equal(model_run_get(s.m, 1)->pages_translated, 2);
	model_free(s.m);
}

/* Two runs at once, their page events interleaved: each counts its own. */
static void test_interleaved_runs(void **state)
{
	struct sim s = sim_new();

	(void)state;
	begin(&s, 1, 129, 2, 1);
	begin(&s, 2, 1, 1, 0);
	alloc(&s, 1, 0x20, 1);
	alloc(&s, 2, 0x30, 0);
	page(&s, 1, 0, 0x20);
	page(&s, 2, 0, 0x30);
	page(&s, 1, 1, 0x21);
	model_finish(s.m);
	assert_int_equal(model_nr_runs(s.m), 2);
	assert_int_equal(model_run_get(s.m, 0)->id, 1);
	assert_int_equal(model_run_get(s.m, 0)->pages_translated, 2);
	assert_int_equal(model_run_get(s.m, 1)->id, 2);
	assert_int_equal(model_run_get(s.m, 1)->pages_translated, 1);
	model_free(s.m);
}

/* Many short-lived runs: everything freed, nothing live at the end. */
static void test_churn(void **state)
{
	struct sim s = sim_new();
	uint32_t i;

	(void)state;
	for (i = 0; i < 2000; i++)
		lab_run(&s, i + 1, 300, 3, 2, 0x100000 + 4 * (uint64_t)(i % 97));
	model_finish(s.m);
	assert_int_equal(model_sys_get(s.m)->live_at_end, 0);
	assert_int_equal(model_sys_get(s.m)->allocs[2][0], 2000);
	assert_int_equal(model_sys_get(s.m)->frees[2], 2000);
	assert_int_equal(model_run_get(s.m, 1999)->unverified, 0);
	model_free(s.m);
}

/* Arbitrary values must never crash the model (run under ASan/UBSan). */
static void test_random_events(void **state)
{
	struct model *m = model_new();
	unsigned int seed = 1;
	int i;

	(void)state;
	for (i = 0; i < 20000; i++) {
		uint64_t v = ((uint64_t)rand_r(&seed) << 32) | rand_r(&seed);
		struct kmemlab_block_ev b = { .run = v % 4, .block = v % 5,
					      .order = v % 13, .pfn = v % 64,
					      .ret = -(int)(v % 2) };
		struct kmemlab_fill_ev f = { .run = v % 4, .index = v % 3000,
					     .pfn = v % 64, .count = 8 };
		struct kmem_page_free_ev kf = { v % 64, v % 12 };
		struct kmem_page_alloc_ev ka = { v % 64, v % 12, 0,
						 (int)(v % 9) - 1 };

		switch (rand_r(&seed) % 5) {
		case 0:
			model_handle_alloc(m, i, 0, &b);
			break;
		case 1:
			model_handle_free(m, i, 0, &b);
			break;
		case 2:
			model_handle_fill(m, i, 0, &f);
			break;
		case 3:
			model_handle_page_alloc(m, i, 0, &ka);
			break;
		default:
			model_handle_page_free(m, i, 0, &kf);
		}
	}
	model_finish(m);
	assert_true(model_sys_get(m)->has_kmemlab);
	model_free(m);
}

/* vmalloc: a block per page, order 0, pages anywhere in physical memory. */
static void test_vmalloc_scattered(void **state)
{
	static const uint64_t pfns[] = { 0x44995, 0x449a3, 0x44a30, 0x44a2f, 0x44991 };
	struct kmemlab_run_begin_ev ev = {
		.run = 5, .mode = MODEL_MODE_VMALLOC, .nr_structs = 600,
		.struct_size = 32, .structs_per_page = SPP, .nr_pages = 5,
		.order = 0, .nr_blocks = 5, .nr_alloc_pages = 5, .page_size = PAGE,
	};
	struct sim s = sim_new();
	const struct model_run *r;
	uint32_t i;

	(void)state;
	s.kmem = false;
	assert_int_equal(model_handle_run_begin(s.m, tick(&s), 0, &ev), 0);
	for (i = 0; i < 5; i++) {
		struct kmemlab_block_ev b = { .run = 5, .block = i, .pfn = pfns[i],
					      .phys = pfns[i] * PAGE };

		assert_int_equal(model_handle_alloc(s.m, tick(&s), 0, &b), 0);
	}
	for (i = 0; i < 5; i++)
		page(&s, 5, i, pfns[i]);
	for (i = 0; i < 5; i++)
		verify(&s, 5, i, pfns[i]);
	model_finish(s.m);
	r = model_run_get(s.m, 0);
	assert_int_equal(r->stray_pages, 0);
	assert_int_equal(r->discontiguous, 0);
	assert_int_equal(r->blocks[3].first_page, 3);
	assert_int_equal(r->blocks[3].filled, 1);
	assert_int_equal(r->unverified, 0);
	assert_false(model_run_expects_page_alloc(r));
	model_free(s.m);
}

static void test_expects_page_alloc(void **state)
{
	struct model_run r = { .mode = MODEL_MODE_KMALLOC, .nr_pages = 2 };

	(void)state;
	assert_false(model_run_expects_page_alloc(&r));	/* kmalloc-8k slab */
	r.nr_pages = 3;
	assert_true(model_run_expects_page_alloc(&r));	/* kmalloc_large */
	r.mode = MODEL_MODE_VMALLOC;
	assert_false(model_run_expects_page_alloc(&r));	/* bulk allocator */
	r.nr_pages = 1;
	assert_true(model_run_expects_page_alloc(&r));
	r.mode = MODEL_MODE_PAGES;
	r.nr_pages = 1000;
	assert_true(model_run_expects_page_alloc(&r));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_formula),
		cmocka_unit_test(test_lab_runs),
		cmocka_unit_test(test_kmem_after_module),
		cmocka_unit_test(test_unverified_and_discontiguous),
		cmocka_unit_test(test_leak),
		cmocka_unit_test(test_failures),
		cmocka_unit_test(test_failed_run_counts_what_it_got),
		cmocka_unit_test(test_invalid_input),
		cmocka_unit_test(test_block_beyond_plan),
		cmocka_unit_test(test_unmatched),
		cmocka_unit_test(test_missed_events),
		cmocka_unit_test(test_run_reuse),
		cmocka_unit_test(test_interleaved_runs),
		cmocka_unit_test(test_churn),
		cmocka_unit_test(test_random_events),
		cmocka_unit_test(test_vmalloc_scattered),
		cmocka_unit_test(test_expects_page_alloc),
	};

	return cmocka_run_group_tests_name("model", tests, NULL, NULL);
}
