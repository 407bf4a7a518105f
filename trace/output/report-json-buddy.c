// SPDX-License-Identifier: GPL-2.0
/*
 * analyze report --json: the buddy keys (schema kmemlab-analyze/2,
 * docs/analyze.md), present only when the recording has kmemlab_split,
 * kmemlab_merge or kmemlab_free_area events.
 */
#include <json-c/json.h>

#include "model/model.h"
#include "report.h"
#include "report-json-local.h"

/* A pfn, or null for -1UL (a per-CPU list has no source block). */
static void put_pfn(struct json_object *o, const char *key, uint64_t pfn)
{
	put(o, key, pfn == MODEL_PFN_NONE ? NULL : json_object_new_uint64(pfn));
}

static struct json_object *u32_array(const uint32_t *v, uint32_t n)
{
	struct json_object *a = json_object_new_array();
	uint32_t i;

	for (i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_uint64(v[i]));
	return a;
}

static struct json_object *split_remnants(const struct model_block *b)
{
	struct json_object *a = json_object_new_array();
	const struct model_split *s = b->split;
	uint32_t j;

	if (s->came != MODEL_CAME_SPLIT)
		return a;
	for (j = b->order; (int)j < s->source_order; j++) {
		struct json_object *r = json_object_new_object();

		put_u64(r, "order", j);
		put_u64(r, "pfn", model_split_remnant(b, j));
		json_object_array_add(a, r);
	}
	return a;
}

static struct json_object *split_kernel(const struct model_split *s)
{
	struct json_object *k = json_object_new_object();
	struct json_object *z = NULL, *x = NULL;

	if (s->zone_locked) {
		z = json_object_new_object();
		put_u64(z, "ts", s->zone_locked_ts);
		put_int(z, "cpu", s->zone_locked_cpu);
		put_bool(z, "percpu_refill", s->refill);
	}
	if (s->extfrag) {
		x = json_object_new_object();
		put_int(x, "fallback_order", s->fallback_order);
		put_int(x, "alloc_migratetype", s->alloc_migratetype);
		put_int(x, "fallback_migratetype", s->fallback_migratetype);
	}
	put(k, "zone_locked", z);
	put(k, "extfrag", x);
	return k;
}

static struct json_object *split_json(const struct model_block *b)
{
	const struct model_split *s = b->split;
	struct json_object *o = json_object_new_object();

	put(o, "came", json_object_new_string(model_came_name(s->came)));
	put_int(o, "source_order", s->source_order);
	put_pfn(o, "source_pfn", s->source_pfn);
	put_bool(o, "pcp", s->pcp);
	put_bool(o, "clean", s->clean);
	put(o, "zone", json_object_new_string(s->zone));
	put_int(o, "cpu", s->pcp && s->refill ? s->zone_locked_cpu : s->cpu);
	put_u64(o, "ts", s->ts);
	put(o, "remnants", split_remnants(b));
	put(o, "free_before", s->has_before ? u32_array(s->before, s->nr_orders) : NULL);
	put(o, "free_after", u32_array(s->after, s->nr_orders));
	put_u64(o, "broken", s->broken);
	put(o, "kernel", split_kernel(s));
	return o;
}

static struct json_object *merge_json(const struct model_merge *g)
{
	struct json_object *o = json_object_new_object();

	put_int(o, "merged_order", g->merged_order);
	put_pfn(o, "merged_pfn", g->merged_pfn);
	put_bool(o, "pcp", g->pcp);
	put_int(o, "cpu", g->cpu);
	put_u64(o, "ts", g->ts);
	put(o, "drain_ts", g->drained ? json_object_new_uint64(g->drain_ts) : NULL);
	put(o, "reuse_ts", g->reused ? json_object_new_uint64(g->reuse_ts) : NULL);
	put_u64(o, "broken", g->broken);
	return o;
}

void report_json_block_buddy(struct json_object *o, const struct model_run *r,
			     const struct model_block *b)
{
	bool applies = !r->nr_areas || r->buddy_blocks;

	put(o, "split", applies && b->split ? split_json(b) : NULL);
	put(o, "merge", applies && b->merge ? merge_json(b->merge) : NULL);
}

static struct json_object *area_json(const struct model_free_area *a)
{
	struct json_object *o = json_object_new_object();
	struct json_object *change = NULL;
	uint32_t j;

	put(o, "zone", json_object_new_string(a->zone));
	put_int(o, "node", a->node);
	put(o, "begin", a->has_begin ? u32_array(a->begin, a->nr_orders) : NULL);
	put(o, "end", a->has_end ? u32_array(a->end, a->nr_orders) : NULL);
	if (a->has_begin && a->has_end) {
		change = json_object_new_array();
		for (j = 0; j < a->nr_orders; j++) {
			int64_t d = (int64_t)a->end[j] - a->begin[j];

			json_object_array_add(change, json_object_new_int64(d));
		}
	}
	put(o, "change", change);
	return o;
}

void report_json_run_buddy(struct json_object *o, const struct model_run *r)
{
	struct json_object *areas = json_object_new_array();
	uint32_t i;

	put(o, "buddy_blocks", r->nr_areas ? json_object_new_boolean(r->buddy_blocks) : NULL);
	for (i = 0; i < r->nr_areas; i++)
		json_object_array_add(areas, area_json(&r->areas[i]));
	put(o, "free_areas", areas);
}

static struct json_object *sources_json(const struct buddy_tally *t)
{
	struct json_object *a = json_object_new_array();
	uint32_t o, k;

	for (o = 0; o < MODEL_BUDDY_NR_ORDERS; o++)
		for (k = 0; k < MODEL_BUDDY_NR_ORDERS; k++) {
			struct json_object *e;

			if (!t->source[o][k])
				continue;
			e = json_object_new_object();
			put_u64(e, "order", o);
			put_u64(e, "source_order", k);
			put_u64(e, "blocks", t->source[o][k]);
			json_object_array_add(a, e);
		}
	return a;
}

static struct json_object *served_json(const struct buddy_tally *t)
{
	struct json_object *a = json_object_new_array();
	uint32_t o;
	int c;

	for (o = 0; o < MODEL_BUDDY_NR_ORDERS; o++) {
		struct json_object *e;

		if (!t->blocks[o])
			continue;
		e = json_object_new_object();
		put_u64(e, "order", o);
		put_u64(e, "blocks", t->blocks[o]);
		for (c = 0; c < MODEL_NR_CAME; c++)
			put_u64(e, model_came_name(c), t->came[o][c]);
		json_object_array_add(a, e);
	}
	return a;
}

struct json_object *report_json_buddy(const struct model *m,
				      const struct report_filter *f)
{
	const struct model_buddy_sys *s = &model_sys_get(m)->buddy;
	struct json_object *o = json_object_new_object();
	struct json_object *k = NULL;
	struct buddy_tally t;

	report_buddy_tally(m, f, &t);
	put_u64(o, "nr_orders", s->nr_orders);
	put_u64(o, "splits", s->splits);
	put_u64(o, "merges", s->merges);
	put_u64(o, "unmatched", s->unmatched);
	put(o, "sources", sources_json(&t));
	put(o, "served", served_json(&t));
	if (s->has_kmem) {
		k = json_object_new_object();
		put_u64(k, "zone_locked", s->zone_locked);
		put_u64(k, "refills", s->refills);
		put_u64(k, "drains", s->drains);
		put_u64(k, "extfrags", s->extfrags);
	}
	put(o, "kernel", k);
	return o;
}
