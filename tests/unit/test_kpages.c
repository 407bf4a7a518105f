// SPDX-License-Identifier: GPL-2.0
/*
 * The live-page table against a plain reference (an array searched
 * linearly): random allocations, block links, frees and re-allocations,
 * over pfns that fit its slots and pfns, GFP flags and migratetypes that
 * do not (its hash fallback), must read back exactly as stored.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model/kpages.h"

#define NR_REF 512

struct ref_entry {
	uint64_t pfn;
	bool live;
	struct kpage kp;
};

static struct ref_entry ref[NR_REF];

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/*
 * Distinct pfns that share chunks, cross chunk edges (0xffff0 + 74), and
 * cross and leave the slots' range (0xffffffc0 + 74 passes 2^32).
 */
static uint64_t pick_pfn(unsigned int i)
{
	static const uint64_t bases[] = {
		0, 0xffff0, 0x200000, 0x7ffff000, 0xffffffc0, 0x100001000ULL,
		0xffffffffffffff00ULL,
	};

	return bases[i % 7] + i / 7;
}

static void random_kpage(struct kpage *kp)
{
	uint64_t r = next_rand();

	memset(kp, 0, sizeof(*kp));
	kp->order = r % 11;
	kp->migratetype = (r >> 8) % 7 ? (int)((r >> 16) % 6) : (int)(r >> 20);
	kp->gfp_flags = (r >> 24) % 5 ? (uint32_t)(r >> 32) : r;
}

static void check_all(const struct kpages *t)
{
	size_t live = 0;
	int i;

	for (i = 0; i < NR_REF; i++) {
		struct kpage got;
		bool found = kpages_get(t, ref[i].pfn, &got);

		assert_int_equal(found, ref[i].live);
		if (!found)
			continue;
		live++;
		assert_int_equal(got.order, ref[i].kp.order);
		assert_int_equal(got.migratetype, ref[i].kp.migratetype);
		assert_true(got.gfp_flags == ref[i].kp.gfp_flags);
		assert_int_equal(got.has_block, ref[i].kp.has_block);
		if (got.has_block) {
			assert_int_equal(got.ref.run, ref[i].kp.ref.run);
			assert_int_equal(got.ref.block, ref[i].kp.ref.block);
		}
	}
	assert_int_equal(t->count, live);
}

static void assert_kpage_equal(const struct kpage *got,
			       const struct kpage *want)
{
	assert_int_equal(got->order, want->order);
	assert_int_equal(got->migratetype, want->migratetype);
	assert_true(got->gfp_flags == want->gfp_flags);
	assert_int_equal(got->has_block, want->has_block);
	if (want->has_block) {
		assert_int_equal(got->ref.run, want->ref.run);
		assert_int_equal(got->ref.block, want->ref.block);
	}
}

/* kpages_take() must return what the reference holds, then forget it. */
static void check_take(struct kpages *t, struct ref_entry *e)
{
	size_t count = t->count;
	struct kpage got;

	assert_int_equal(kpages_take(t, e->pfn, &got), e->live);
	if (e->live) {
		assert_kpage_equal(&got, &e->kp);
		assert_int_equal(t->count, count - 1);
	} else {
		assert_int_equal(t->count, count);
	}
	e->live = false;
	assert_false(kpages_get(t, e->pfn, &got));
}

static void sum_orders(uint64_t pfn, unsigned int order, void *data)
{
	(void)pfn;
	*(uint64_t *)data += 1ULL << order;
}

static void test_against_reference(void **state)
{
	struct kpages t;
	uint64_t want = 0, got = 0;
	int step, i;

	(void)state;
	kpages_init(&t);
	for (i = 0; i < NR_REF; i++)
		ref[i].pfn = pick_pfn(i);
	for (step = 0; step < 20000; step++) {
		struct ref_entry *e = &ref[next_rand() % NR_REF];
		uint64_t op = next_rand() % 4;

		if (op <= 1) {			/* alloc, maybe over a live one */
			random_kpage(&e->kp);
			assert_int_equal(kpages_set(&t, e->pfn, &e->kp), 0);
			e->live = true;
		} else if (op == 2 && e->live) {	/* a module block */
			struct block_ref r = { (uint32_t)next_rand(),
					       (uint32_t)next_rand() };

			assert_int_equal(kpages_link(&t, e->pfn, r), 0);
			e->kp.has_block = true;
			e->kp.ref = r;
		} else if (op == 3 && step % 2) {	/* free */
			kpages_remove(&t, e->pfn);
			e->live = false;
		} else if (op == 3) {		/* free, reading it back */
			check_take(&t, e);
		}
		if (step % 1000 == 0)
			check_all(&t);
	}
	check_all(&t);
	for (i = 0; i < NR_REF; i++)
		if (ref[i].live)
			want += 1ULL << ref[i].kp.order;
	kpages_for_each(&t, sum_orders, &got);
	assert_true(got == want);
	kpages_release(&t);
}

/*
 * Each place an allocation can live: a slot, a slot linked to a block,
 * the hash fallback (a pfn past 2^32, GFP flags past 32 bits), and the
 * fallback linked to a block.  Taking one returns it as stored and leaves
 * nothing behind: no live page, no block ref, the count down by one.
 */
static void test_take(void **state)
{
	static const struct {
		uint64_t pfn;
		struct kpage kp;
	} cases[] = {
		{ 0x1234, { .order = 3, .migratetype = 1, .gfp_flags = 0xcc0 } },
		{ 0x1235, { .order = 0, .migratetype = 2, .gfp_flags = 0x100cca,
			    .has_block = true, .ref = { 4, 9 } } },
		{ 0x100000005ULL, { .order = 1, .migratetype = 0,
				    .gfp_flags = 0x2 } },
		{ 0x1236, { .order = 2, .migratetype = -1,
			    .gfp_flags = 1ULL << 40, .has_block = true,
			    .ref = { 7, 11 } } },
		{ 0x1237, { .order = 10, .migratetype = 300, .gfp_flags = 1 } },
	};
	const size_t n = sizeof(cases) / sizeof(cases[0]);
	struct kpages t;
	struct kpage got;
	size_t i;

	(void)state;
	kpages_init(&t);
	for (i = 0; i < n; i++) {
		assert_int_equal(kpages_set(&t, cases[i].pfn, &cases[i].kp), 0);
		if (cases[i].kp.has_block)
			assert_int_equal(kpages_link(&t, cases[i].pfn,
						     cases[i].kp.ref), 0);
	}
	assert_int_equal(t.count, n);
	/* Never allocated: in a chunk that exists, and in one that does not. */
	assert_false(kpages_take(&t, 0x1238, &got));
	assert_false(kpages_take(&t, 0x50000, &got));
	assert_false(kpages_take(&t, 0x200000000ULL, &got));
	assert_int_equal(t.count, n);
	for (i = 0; i < n; i++) {
		assert_true(kpages_take(&t, cases[i].pfn, &got));
		assert_kpage_equal(&got, &cases[i].kp);
		assert_int_equal(t.count, n - 1 - i);
		assert_false(kpages_get(&t, cases[i].pfn, &got));
		assert_false(kpages_take(&t, cases[i].pfn, &got));
	}
	assert_int_equal(t.count, 0);
	assert_int_equal(t.refs.count, 0);
	assert_int_equal(t.wide.count, 0);
	/* A pfn taken is free for a new allocation, with no stale block. */
	assert_int_equal(kpages_set(&t, cases[1].pfn, &cases[0].kp), 0);
	assert_true(kpages_get(&t, cases[1].pfn, &got));
	assert_kpage_equal(&got, &cases[0].kp);
	kpages_release(&t);
}

/*
 * A slot names its GFP flags and migratetype by an index into the pairs
 * seen: the first KPAGES_MAX_ATTRS distinct pairs get one, any later pair
 * goes to the hash fallback; both read back exact.  The inline path takes
 * a known pair and refuses a new one once the pairs are all taken,
 * changing nothing.
 */
static void test_attrs(void **state)
{
	const unsigned int n = KPAGES_MAX_ATTRS + 45;
	struct kpages t;
	struct kpage kp, got;
	unsigned int i;

	(void)state;
	kpages_init(&t);
	for (i = 0; i < n; i++) {
		kp = (struct kpage){ .order = i % 11, .migratetype = i % 6,
				     .gfp_flags = 0x1000 + i };
		assert_int_equal(kpages_set(&t, 0x4000 + i, &kp), 0);
	}
	assert_int_equal(t.nr_attrs, KPAGES_MAX_ATTRS);
	assert_int_equal(t.wide.count, n - KPAGES_MAX_ATTRS);
	assert_int_equal(t.count, n);
	for (i = 0; i < n; i++) {
		kp = (struct kpage){ .order = i % 11, .migratetype = i % 6,
				     .gfp_flags = 0x1000 + i };
		assert_true(kpages_get(&t, 0x4000 + i, &got));
		assert_kpage_equal(&got, &kp);
		assert_true(kpages_take(&t, 0x4000 + i, &got));
		assert_kpage_equal(&got, &kp);
	}
	assert_int_equal(t.count, 0);
	assert_int_equal(t.wide.count, 0);
	/* pair 7 is known, 0xdead is not and no index is left for it */
	assert_true(kpages_set_fast(&t, 0x4000, 2, 7 % 6, 0x1000 + 7));
	assert_false(kpages_set_fast(&t, 0x4001, 2, 1, 0xdead));
	assert_int_equal(t.count, 1);
	assert_false(kpages_get(&t, 0x4001, &got));
	assert_true(kpages_get(&t, 0x4000, &got));
	assert_true(got.gfp_flags == 0x1000 + 7 && got.migratetype == 7 % 6 &&
		    got.order == 2);
	kpages_release(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_against_reference),
		cmocka_unit_test(test_take),
		cmocka_unit_test(test_attrs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
