// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_model - libFuzzer target: the input bytes are a sequence of
 * synthetic events fed straight into the model (no recording, no
 * libtracecmd), then the finished model goes through every output the
 * subcommands have, the real code of trace/output/: the text report (all
 * runs and one run), the JSON document, check and the layout picture.
 *
 * Field values are mostly small (one byte), so the fuzzer easily makes
 * events that refer to each other (same run, same pfn, neighbouring page
 * indexes); a marker byte lets it reach the edges (0, -1, 2^32 - 1, any
 * 64-bit value) as well.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "model/model.h"
#include "output/check.h"
#include "output/layout.h"
#include "output/report.h"

struct input {
	const uint8_t *p;
	size_t left;
};


static uint64_t take_raw(struct input *in, size_t n)
{
	uint64_t v = 0;

	while (n-- && in->left) {
		v = (v << 8) | *in->p++;
		in->left--;
	}
	return v;
}

/* Bytes below 0xf0 are the value; the others pick an edge or a raw value. */
static uint64_t take(struct input *in)
{
	uint64_t b = take_raw(in, 1);

	switch (b) {
	case 0xf0:
		return UINT64_MAX;
	case 0xf1:
		return UINT32_MAX;
	case 0xf2:
		return INT32_MAX + 1ULL;
	case 0xf3:
		return take_raw(in, 2);
	case 0xf4:
		return take_raw(in, 4);
	case 0xf5:
		return take_raw(in, 8);
	case 0xf6:
		return 4096;
	default:
		return b;
	}
}

static void feed_block(struct model *m, struct input *in, uint64_t ts,
		       int cpu, int is_free)
{
	struct kmemlab_block_ev ev = {
		.run = take(in), .block = take(in), .order = take(in),
		.pfn = take(in), .phys = take(in), .nr_pages = take(in),
		.gfp_flags = take(in), .ret = (int)take(in),
	};

	if (is_free)
		model_handle_free(m, ts, cpu, &ev);
	else
		model_handle_alloc(m, ts, cpu, &ev);
}

static void feed_begin(struct model *m, struct input *in, uint64_t ts, int cpu)
{
	struct kmemlab_run_begin_ev ev = {
		.run = take(in), .mode = (int)take(in),
		.nr_structs = take(in), .struct_size = take(in),
		.structs_per_page = take(in), .nr_pages = take(in),
		.order = take(in), .nr_blocks = take(in),
		.nr_alloc_pages = take(in),
	};
	uint64_t shape = take_raw(in, 1);

	/* a page size the model accepts most of the time, any value else */
	ev.page_size = shape & 1 ? 4096 : take(in);
	/* the kernel's geometry, from a module that records it */
	if (shape & 2) {
		ev.max_order = take(in);
		ev.pmd_shift = take(in);
		ev.pud_shift = take(in);
		ev.kmalloc_max_size = take(in);
	}
	model_handle_run_begin(m, ts, cpu, &ev);
}

static void feed_translate(struct model *m, struct input *in, uint64_t ts,
			   int cpu)
{
	struct kmemlab_translate_ev ev = {
		.run = take(in), .index = take(in), .pfn = take(in),
		.phys = take(in), .virt = take(in), .ref_phys = take(in),
		.walk_phys = take(in), .lin_phys = take(in),
		.level = (int)take(in), .match = take(in) & 1,
	};

	model_handle_translate(m, ts, cpu, &ev);
}

static void feed_fill(struct model *m, struct input *in, uint64_t ts, int cpu)
{
	struct kmemlab_fill_ev ev = {
		.run = take(in), .index = take(in), .pfn = take(in),
		.first = take(in), .last = take(in), .count = take(in),
	};

	model_handle_fill(m, ts, cpu, &ev);
}

static void feed_verify(struct model *m, struct input *in, uint64_t ts, int cpu)
{
	struct kmemlab_verify_ev ev = {
		.run = take(in), .index = take(in), .pfn = take(in),
		.checked = take(in), .mismatches = take(in),
	};

	model_handle_verify(m, ts, cpu, &ev);
}

static void feed_end(struct model *m, struct input *in, uint64_t ts, int cpu)
{
	struct kmemlab_run_end_ev ev = {
		.run = take(in), .ret = (int)take(in), .mismatches = take(in),
		.fill_ns = take(in), .verify_ns = take(in),
	};

	model_handle_run_end(m, ts, cpu, &ev);
}

static void feed_kmem(struct model *m, struct input *in, uint64_t ts, int cpu,
		      int is_free)
{
	struct kmem_page_alloc_ev a;
	struct kmem_page_free_ev f;

	if (is_free) {
		f.pfn = take(in);
		f.order = take(in);
		model_handle_page_free(m, ts, cpu, &f);
		return;
	}
	a.pfn = take(in);
	a.order = take(in);
	a.gfp_flags = take(in);
	a.migratetype = (int)take(in);
	model_handle_page_alloc(m, ts, cpu, &a);
}

/* u32 arrays of the buddy events: a count, then that many values (<= 17). */
static uint32_t take_u32s(struct input *in, uint32_t *a, uint32_t max)
{
	uint32_t n = take_raw(in, 1) % (max + 2), i;

	for (i = 0; i < n && i < max; i++)
		a[i] = take(in);
	return n;
}

static void feed_split(struct model *m, struct input *in, uint64_t ts,
		       int cpu)
{
	uint32_t before[MODEL_BUDDY_NR_ORDERS], after[MODEL_BUDDY_NR_ORDERS];
	struct kmemlab_split_ev ev = {
		.run = take(in), .block = take(in), .pfn = take(in),
		.order = take(in), .source_order = (int)take(in),
		.source_pfn = take(in), .pcp = take(in) & 1,
		.clean = take(in) & 1, .zone = "DMA32",
		.free_before = before, .free_after = after,
	};

	/* as read.c passes them: counts no larger than the arrays */
	ev.nr_before = take_u32s(in, before, MODEL_BUDDY_NR_ORDERS);
	ev.nr_orders = take_u32s(in, after, MODEL_BUDDY_NR_ORDERS);
	if (ev.nr_before > MODEL_BUDDY_NR_ORDERS ||
	    ev.nr_orders > MODEL_BUDDY_NR_ORDERS)
		ev.nr_orders = 0;
	model_handle_split(m, ts, cpu, &ev);
}

static void feed_merge(struct model *m, struct input *in, uint64_t ts,
		       int cpu)
{
	struct kmemlab_merge_ev ev = {
		.run = take(in), .block = take(in), .pfn = take(in),
		.order = take(in), .merged_order = (int)take(in),
		.merged_pfn = take(in), .pcp = take(in) & 1, .zone = "DMA32",
	};

	model_handle_merge(m, ts, cpu, &ev);
}

static void feed_free_area(struct model *m, struct input *in, uint64_t ts,
			   int cpu)
{
	uint32_t nr_free[MODEL_BUDDY_NR_ORDERS];
	static const char *const zones[] = {
		"DMA", "DMA32", "Normal", "Movable", "Device",
	};
	struct kmemlab_free_area_ev ev = {
		.run = take(in), .phase = (int)take(in), .node = (int)take(in),
		.buddy_blocks = take(in) & 1, .zone = zones[take(in) % 5],
		.nr_free = nr_free,
	};

	ev.nr_orders = take_u32s(in, nr_free, MODEL_BUDDY_NR_ORDERS);
	if (ev.nr_orders > MODEL_BUDDY_NR_ORDERS)
		ev.nr_orders = 0;
	model_handle_free_area(m, ts, cpu, &ev);
}

static void feed_free_list(struct model *m, struct input *in, uint64_t ts,
			   int cpu, unsigned int kind)
{
	struct kmem_zone_locked_ev z = {
		.pfn = take(in), .order = take(in), .migratetype = (int)take(in),
		.percpu_refill = take(in) & 1,
	};
	struct kmem_pcpu_drain_ev d = { z.pfn, z.order, z.migratetype };
	struct kmem_extfrag_ev x = {
		.pfn = z.pfn, .alloc_order = (int)z.order,
		.fallback_order = (int)take(in),
		.alloc_migratetype = z.migratetype,
		.fallback_migratetype = (int)take(in),
	};

	if (kind == 0)
		model_handle_zone_locked(m, ts, cpu, &z);
	else if (kind == 1)
		model_handle_pcpu_drain(m, ts, cpu, &d);
	else
		model_handle_extfrag(m, ts, cpu, &x);
}

/* One event: opcode, timestamp step (time may go backwards), cpu, fields. */
static void feed_one(struct model *m, struct input *in, uint64_t *ts)
{
	unsigned int op = take_raw(in, 1) % 17;
	uint64_t step = take(in);
	int cpu = take_raw(in, 1) % 4;

	*ts = step == UINT64_MAX ? *ts - 1 : *ts + step;
	switch (op) {
	case 0:
		feed_begin(m, in, *ts, cpu);
		break;
	case 1:
	case 5:
		feed_block(m, in, *ts, cpu, op == 5);
		break;
	case 2:
		feed_translate(m, in, *ts, cpu);
		break;
	case 3:
		feed_fill(m, in, *ts, cpu);
		break;
	case 4:
		feed_verify(m, in, *ts, cpu);
		break;
	case 6:
		feed_end(m, in, *ts, cpu);
		break;
	case 7:
	case 8:
		feed_kmem(m, in, *ts, cpu, op == 8);
		break;
	case 9:
		model_handle_missed(m, *ts, cpu, (long long)take(in));
		break;
	case 11:
		feed_split(m, in, *ts, cpu);
		break;
	case 12:
		feed_merge(m, in, *ts, cpu);
		break;
	case 13:
		feed_free_area(m, in, *ts, cpu);
		break;
	case 14:
	case 15:
	case 16:
		feed_free_list(m, in, *ts, cpu, op - 14);
		break;
	default:
		model_handle_missed(m, *ts, cpu, -1);
		break;
	}
}

static void feed_all(struct model *m, const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	uint64_t ts = 1;

	while (in.left)
		feed_one(m, &in, &ts);
	model_finish(m);
}

static struct model *build(const uint8_t *data, size_t size)
{
	struct model *m = model_new();

	if (m)
		feed_all(m, data, size);
	return m;
}

/* `analyze report` as it runs: runs printed and dropped as they finish. */
static void streamed(const uint8_t *data, size_t size)
{
	struct report_filter all = { 0 };
	struct read_stats st = { 0 };
	struct model *m = model_new();
	struct report_text *rt;

	if (!m)
		return;
	rt = report_text_spool(m, &all);
	if (rt)
		model_set_retire(m, report_text_retire, rt);
	feed_all(m, data, size);
	if (rt)
		report_text_spooled(rt, &st, "fuzz.dat", REPORT_NO_RUNS, stdout);
	report_text_free(rt);
	model_free(m);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* the reports go to stdout; libFuzzer talks on stderr */
	if (!freopen("/dev/null", "w", stdout))
		abort();
	return 0;
}

/* Every output of `analyze report`, `check` and `layout`, to stdout. */
static void outputs(const struct model *m, uint32_t run)
{
	struct report_filter all = { 0 }, one = { .one = true, .run = run };
	struct read_stats st = { 0 };
	struct layout l = { .path = "fuzz.dat" };

	report_text(m, &st, &all, "fuzz.dat", REPORT_NO_RUNS, stdout);
	report_json(m, &st, &all, "fuzz.dat", stdout);
	report_text(m, &st, &one, "fuzz.dat", REPORT_NO_RUNS, stdout);
	check_model(m, &st, "fuzz.dat");
	if (!layout_build(&l, m, &all) && l.nr_segs)
		layout_draw(&l, stdout);
	layout_release(&l);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct model *m = build(data, size);

	if (!m)
		return 0;
	/* the run the fuzzer names first, so --run finds it now and then */
	outputs(m, size > 4 ? data[4] : 0);
	model_free(m);
	streamed(data, size);
	return 0;
}
