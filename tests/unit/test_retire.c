// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of model_set_retire(): which run is handed over when, what a
 * handed-over run still answers, and what becomes of events naming it.
 * Expected values come from the events the tests send (timestamps, pfns,
 * orders), never from the model's answers.
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

#define MAX_SEEN 8

struct sim {
	struct model *m;
	uint64_t ts;
	/* what the retire function saw, in order */
	size_t nr_seen;
	size_t index[MAX_SEEN];
	uint32_t id[MAX_SEEN];
	bool final[MAX_SEEN];
	bool had_blocks[MAX_SEEN];
	bool reused[MAX_SEEN];
	uint64_t reuse_ts[MAX_SEEN];
	int refuse;		/* say "later" this many times */
};

static bool on_retire(const struct model_run *r, size_t index, bool final,
		      void *arg)
{
	struct sim *s = arg;
	size_t n = s->nr_seen;

	if (s->refuse && !final) {
		s->refuse--;
		return false;
	}
	assert_true(n < MAX_SEEN);
	s->index[n] = index;
	s->id[n] = r->id;
	s->final[n] = final;
	s->had_blocks[n] = r->nr_block_slots > 0;
	if (r->nr_block_slots && r->blocks[0].merge) {
		s->reused[n] = r->blocks[0].merge->reused;
		s->reuse_ts[n] = r->blocks[0].merge->reuse_ts;
	}
	s->nr_seen++;
	return true;
}

static int setup(void **state)
{
	struct sim *s = calloc(1, sizeof(*s));

	if (!s)
		return -1;
	s->m = model_new();
	if (!s->m)
		return -1;
	model_set_retire(s->m, on_retire, s);
	*state = s;
	return 0;
}

static int teardown(void **state)
{
	struct sim *s = *state;

	model_free(s->m);
	free(s);
	return 0;
}

static uint64_t tick(struct sim *s)
{
	return s->ts += 1000;
}

static void begin(struct sim *s, uint32_t run, uint32_t order)
{
	struct kmemlab_run_begin_ev ev = unit_one_block_run(run, order);

	assert_int_equal(model_handle_run_begin(s->m, tick(s), 0, &ev), 0);
}

static uint64_t alloc(struct sim *s, uint32_t run, uint64_t pfn, uint32_t order)
{
	struct kmemlab_block_ev ev = unit_one_block(run, pfn, order);

	assert_int_equal(model_handle_alloc(s->m, tick(s), 0, &ev), 0);
	return s->ts;
}

static uint64_t free_block(struct sim *s, uint32_t run, uint64_t pfn,
			   uint32_t order)
{
	struct kmemlab_block_ev ev = {
		.run = run, .order = order, .pfn = pfn,
	};

	assert_int_equal(model_handle_free(s->m, tick(s), 0, &ev), 0);
	return s->ts;
}

static void end(struct sim *s, uint32_t run)
{
	struct kmemlab_run_end_ev ev = { .run = run };

	assert_int_equal(model_handle_run_end(s->m, tick(s), 0, &ev), 0);
}

/* A run of one block, allocated and freed with nothing left waiting. */
static void plain_run(struct sim *s, uint32_t run, uint64_t pfn, uint32_t order)
{
	begin(s, run, order);
	alloc(s, run, pfn, order);
	free_block(s, run, pfn, order);
	end(s, run);
}

/* A run whose block was freed to a per-CPU list (kmemlab_merge pcp=1). */
static void pcp_run(struct sim *s, uint32_t run, uint64_t pfn, uint32_t order)
{
	static const uint32_t counts[11];
	struct kmemlab_split_ev sp = {
		.run = run, .pfn = pfn, .order = order, .source_order = -1,
		.source_pfn = MODEL_PFN_NONE, .pcp = true, .zone = "DMA32",
		.nr_orders = 11, .free_after = counts,
	};
	struct kmemlab_merge_ev mg = {
		.run = run, .pfn = pfn, .order = order, .merged_order = -1,
		.merged_pfn = MODEL_PFN_NONE, .pcp = true, .zone = "DMA32",
	};

	begin(s, run, order);
	alloc(s, run, pfn, order);
	assert_int_equal(model_handle_split(s->m, tick(s), 0, &sp), 0);
	free_block(s, run, pfn, order);
	assert_int_equal(model_handle_merge(s->m, tick(s), 0, &mg), 0);
	end(s, run);
}

/* Handed over at its end, with its blocks; then answers without them. */
static void test_handed_over_at_end(void **state)
{
	struct sim *s = *state;
	const struct model_run *r;
	uint64_t t_alloc, t_free;

	begin(s, 1, 2);
	t_alloc = alloc(s, 1, 0x1000, 2);
	t_free = free_block(s, 1, 0x1000, 2);
	assert_int_equal(s->nr_seen, 0);
	end(s, 1);
	assert_int_equal(s->nr_seen, 1);
	assert_int_equal(s->index[0], 0);
	assert_int_equal(s->id[0], 1);
	assert_false(s->final[0]);
	assert_true(s->had_blocks[0]);

	r = model_run_get(s->m, 0);
	assert_true(r->retired);
	assert_int_equal(r->nr_block_slots, 0);
	assert_null(r->blocks);
	assert_int_equal(model_run_alloc_pages(r), 4);
	assert_int_equal(model_run_waste_pages(r), 0);
	assert_int_equal(model_run_lifetime_ns(r), t_free - t_alloc);
	assert_int_equal(model_run_leaked_blocks(r), 0);
	assert_null(model_run_failed_block(r));

	model_finish(s->m);
	assert_int_equal(s->nr_seen, 1);	/* once only */
}

/*
 * A block on a per-CPU list waits for the kernel to reuse it; the run
 * after it is handed over first, and the waiting one once the reuse came.
 */
static void test_per_cpu_wait(void **state)
{
	struct sim *s = *state;
	struct kmem_page_alloc_ev reuse = { .pfn = 0x2008, .order = 3 };
	uint64_t t_reuse;

	pcp_run(s, 1, 0x2008, 3);
	assert_int_equal(s->nr_seen, 0);

	plain_run(s, 2, 0x3000, 0);
	assert_int_equal(s->nr_seen, 1);
	assert_int_equal(s->index[0], 1);

	assert_int_equal(model_handle_page_alloc(s->m, t_reuse = tick(s), 0,
						 &reuse), 0);
	plain_run(s, 3, 0x4000, 0);
	assert_int_equal(s->nr_seen, 3);
	assert_int_equal(s->index[1], 0);
	assert_true(s->reused[1]);
	assert_int_equal(s->reuse_ts[1], t_reuse);
	assert_int_equal(s->index[2], 2);
	assert_false(s->final[1]);
}

/* A block never reused waits for the end of the recording. */
static void test_waits_for_finish(void **state)
{
	struct sim *s = *state;

	pcp_run(s, 1, 0x2008, 3);
	begin(s, 2, 1);
	alloc(s, 2, 0x5000, 1);	/* never freed: live to the end */
	end(s, 2);
	assert_int_equal(s->nr_seen, 0);
	model_finish(s->m);
	assert_int_equal(s->nr_seen, 2);
	assert_int_equal(s->index[0], 0);	/* in the runs' order */
	assert_int_equal(s->index[1], 1);
	assert_true(s->final[0] && s->final[1]);
	assert_int_equal(model_run_leaked_blocks(model_run_get(s->m, 1)), 1);
	assert_int_equal(model_run_alloc_pages(model_run_get(s->m, 1)), 2);
	assert_false(s->reused[0]);
}

/* A failed allocation is still told after the blocks are gone. */
static void test_failed_block_kept(void **state)
{
	struct sim *s = *state;
	const struct model_block *failed;

	begin(s, 1, 4);
	alloc(s, 1, MODEL_PFN_NONE, 4);
	end(s, 1);
	assert_int_equal(s->nr_seen, 1);
	failed = model_run_failed_block(model_run_get(s->m, 0));
	assert_non_null(failed);
	assert_int_equal(failed->ret, -ENOMEM);
	assert_int_equal(failed->order, 4);
	assert_int_equal(model_run_alloc_pages(model_run_get(s->m, 0)), 0);
}

/* After its hand-over, an event naming the run is invalid, nothing more. */
static void test_event_after_hand_over(void **state)
{
	struct sim *s = *state;
	struct kmemlab_verify_ev verify = { .run = 1, .pfn = 0x1000,
					    .checked = 128 };
	const struct model_sys *sys = model_sys_get(s->m);
	const struct model_run *r;

	plain_run(s, 1, 0x1000, 0);
	assert_int_equal(sys->invalid_events, 0);
	errno = 0;
	assert_int_equal(model_handle_verify(s->m, tick(s), 0, &verify), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(sys->invalid_events, 1);
	alloc(s, 2, 0x1000, 0);	/* another run may use the pfn */
	r = model_run_get(s->m, 0);
	assert_int_equal(r->pages_verified, 0);
	assert_int_equal(r->nr_block_slots, 0);
	assert_int_equal(model_nr_runs(s->m), 2);
}

/* "Later": asked again at the next run's end, with the runs after it. */
static void test_later(void **state)
{
	struct sim *s = *state;

	s->refuse = 1;
	begin(s, 1, 0);
	end(s, 1);
	assert_int_equal(s->nr_seen, 0);
	assert_false(model_run_get(s->m, 0)->retired);
	begin(s, 2, 0);
	end(s, 2);
	assert_int_equal(s->nr_seen, 2);
	assert_int_equal(s->index[0], 0);
	assert_int_equal(s->index[1], 1);
}

/*
 * A run whose begin was lost is incomplete when handed over, as
 * model_finish() would say; a begin naming it afterwards is a new run.
 */
static void test_begin_lost(void **state)
{
	struct sim *s = *state;

	alloc(s, 7, 0x1000, 0);
	free_block(s, 7, 0x1000, 0);
	end(s, 7);
	assert_int_equal(s->nr_seen, 1);
	assert_true(model_run_get(s->m, 0)->incomplete);
	begin(s, 7, 0);
	assert_int_equal(model_nr_runs(s->m), 2);
	assert_false(model_run_get(s->m, 0)->begun);
	assert_true(model_run_get(s->m, 1)->begun);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_handed_over_at_end, setup, teardown),
		cmocka_unit_test_setup_teardown(test_per_cpu_wait, setup, teardown),
		cmocka_unit_test_setup_teardown(test_waits_for_finish, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_block_kept, setup, teardown),
		cmocka_unit_test_setup_teardown(test_event_after_hand_over, setup, teardown),
		cmocka_unit_test_setup_teardown(test_later, setup, teardown),
		cmocka_unit_test_setup_teardown(test_begin_lost, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
