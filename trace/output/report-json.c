// SPDX-License-Identifier: GPL-2.0
/*
 * analyze report --json: the model as one JSON document.  The schema is
 * versioned ("schema": "kmemlab-analyze/2") and documented in
 * docs/analyze.md; fields may be added within a version, never renamed.
 */
#include <errno.h>
#include <json-c/json.h>

#include "lib/version.h"
#include "model/model.h"
#include "report.h"
#include "report-json-local.h"

#define SCHEMA "kmemlab-analyze/2"

/* The flags by the recording's own names, or null when it names none. */
static void put_gfp(struct json_object *o, const struct model *m,
		    const char *key, uint64_t flags)
{
	char buf[512];
	const char *names = model_gfp_format(m, flags, buf, sizeof(buf));

	put(o, key, names ? json_object_new_string(names) : NULL);
}

static struct json_object *kernel_view(const struct model *m,
				       const struct model_block *b)
{
	struct json_object *k = json_object_new_object();
	struct json_object *a = NULL;

	if (b->kernel_alloc_seen) {
		a = json_object_new_object();
		put(a, "migratetype", json_object_new_int(b->kernel_migratetype));
		put(a, "migratetype_name",
		    json_object_new_string(model_migratetype_name(b->kernel_migratetype)));
		put_u64(a, "gfp_flags", b->kernel_gfp_flags);
		put_gfp(a, m, "gfp_flags_names", b->kernel_gfp_flags);
	}
	put(k, "alloc", a);
	put_bool(k, "freed", b->kernel_free_seen);
	return k;
}

static void block_pages(struct json_object *o, const struct model_block *b)
{
	put_u64(o, "translated", b->translated);
	put_u64(o, "translate_mismatches", b->translate_mismatches);
	put_u64(o, "discontiguous", b->discontiguous);
	put_u64(o, "filled", b->filled);
	put_u64(o, "verified", b->verified);
	put_u64(o, "unverified", b->unverified);
	put_u64(o, "values_filled", b->values_filled);
	put_u64(o, "values_checked", b->values_checked);
	put_u64(o, "value_mismatches", b->value_mismatches);
}

static struct json_object *block_json(const struct model *m,
				      const struct model_run *r,
				      const struct model_block *b)
{
	struct json_object *o = json_object_new_object();
	uint64_t n = 1ULL << b->order;

	put_u64(o, "block", b->index);
	put_u64(o, "order", b->order);
	put_u64(o, "nr_pages", n);
	put_bool(o, "failed", b->failed);
	put(o, "ret", json_object_new_int(b->ret));
	put_u64(o, "gfp_flags", b->gfp_flags);
	put_gfp(o, m, "gfp_flags_names", b->gfp_flags);
	put(o, "pfn", b->failed ? NULL : json_object_new_uint64(b->pfn));
	put(o, "pfn_last", b->failed ? NULL : json_object_new_uint64(b->pfn + n - 1));
	put(o, "phys", b->failed ? NULL : json_object_new_uint64(b->phys));
	put(o, "phys_last", b->failed ? NULL :
	    json_object_new_uint64(b->phys + n * r->page_size - 1));
	put_bool(o, "aligned", model_block_aligned(b));
	put(o, "contiguous", b->translated + b->filled ?
	    json_object_new_boolean(!b->discontiguous) : NULL);
	block_pages(o, b);
	put_bool(o, "freed", b->freed);
	put_bool(o, "free_mismatch", b->free_mismatch);
	put_u64(o, "alloc_ts", b->alloc_ts);
	put(o, "free_ts", b->freed ? json_object_new_uint64(b->free_ts) : NULL);
	put(o, "lifetime_ns", b->freed ?
	    json_object_new_uint64(model_block_lifetime_ns(b)) : NULL);
	put(o, "kernel", model_sys_get(m)->has_kmem ? kernel_view(m, b) : NULL);
	if (model_sys_get(m)->buddy.has_buddy)
		report_json_block_buddy(o, r, b);
	return o;
}

static void run_plan(struct json_object *o, const struct model_run *r)
{
	const struct model_block *failed = model_run_failed_block(r);
	uint64_t pages = model_run_alloc_pages(r);
	uint64_t waste = model_run_waste_pages(r);

	put(o, "mode", json_object_new_string(model_mode_name(r->mode)));
	put_u64(o, "nr_structs", r->nr_structs);
	put_u64(o, "struct_size", r->struct_size);
	put_u64(o, "structs_per_page", r->structs_per_page);
	put_u64(o, "nr_pages", r->nr_pages);
	put_u64(o, "order", r->order);
	put_u64(o, "nr_blocks", r->nr_blocks);
	put_u64(o, "nr_alloc_pages", r->nr_alloc_pages);
	put_u64(o, "alloc_pages", pages);
	put(o, "failed_block", failed ?
	    json_object_new_uint64(failed->index) : NULL);
	put_u64(o, "page_size", r->page_size);
	put_u64(o, "max_order", r->max_order);
	put_u64(o, "pmd_size", r->begun ? 1ULL << r->pmd_shift : 0);
	put_u64(o, "pud_size", r->begun ? 1ULL << r->pud_shift : 0);
	put_u64(o, "kmalloc_max_size", r->kmalloc_max_size);
	put_bool(o, "geometry_recorded", r->geometry_recorded);
	put_u64(o, "waste_pages", waste);
	put_u64(o, "waste_bytes", waste * r->page_size);
	put(o, "waste_pct", json_object_new_double(pages ?
		100.0 * waste / pages : 0.0));
}

static void run_pages(struct json_object *o, const struct model_run *r)
{
	put_u64(o, "pages_translated", r->pages_translated);
	put_u64(o, "translate_mismatches", r->translate_mismatches);
	put_u64(o, "discontiguous", r->discontiguous);
	put_u64(o, "pages_filled", r->pages_filled);
	put_u64(o, "pages_verified", r->pages_verified);
	put_u64(o, "unverified", r->unverified);
	put_u64(o, "values_filled", r->values_filled);
	put_u64(o, "values_checked", r->values_checked);
	put_u64(o, "value_mismatches", r->value_mismatches);
	put_u64(o, "end_mismatches", r->end_mismatches);
	put_u64(o, "stray_pages", r->stray_pages);
	put_u64(o, "unmatched_frees", r->unmatched_frees);
	put_u64(o, "invalid_events", r->invalid_events);
}

static void run_walk(struct json_object *o, const struct model_run *r)
{
	struct json_object *levels = json_object_new_object();
	struct json_object *ranges = json_object_new_array();
	uint32_t i;
	int l;

	put_u64(o, "walk_mismatches", r->walk_mismatches);
	put_u64(o, "linear_mismatches", r->linear_mismatches);
	put_bool(o, "linear_applies", model_run_linear_applies(r));
	for (l = 0; l < MODEL_NR_LEVELS; l++)
		put_u64(levels, model_level_name(l), r->levels[l]);
	put(o, "levels", levels);
	put_u64(o, "contiguous_ranges", r->nr_ranges);
	put_u64(o, "largest_range", r->largest_range);
	for (i = 0; i < r->nr_ranges; i++) {
		struct json_object *g = json_object_new_object();

		put_u64(g, "pfn", r->ranges[i].pfn);
		put_u64(g, "len", r->ranges[i].len);
		put_u64(g, "index", r->ranges[i].index);
		json_object_array_add(ranges, g);
	}
	put(o, "ranges", ranges);
}

static struct json_object *run_json(const struct model *m,
				    const struct model_run *r)
{
	struct json_object *o = json_object_new_object();
	struct json_object *blocks = json_object_new_array();
	uint32_t i;

	put_u64(o, "run", r->id);
	put_bool(o, "begun", r->begun);
	put_bool(o, "ended", r->ended);
	put_bool(o, "incomplete", r->incomplete);
	put(o, "ret", json_object_new_int(r->ret));
	run_plan(o, r);
	put_u64(o, "begin_ts", r->begin_ts);
	put_u64(o, "end_ts", r->end_ts);
	put_u64(o, "fill_ns", r->fill_ns);
	put_u64(o, "verify_ns", r->verify_ns);
	run_pages(o, r);
	run_walk(o, r);
	for (i = 0; i < r->nr_block_slots; i++)
		if (r->blocks[i].allocated)
			json_object_array_add(blocks, block_json(m, r, &r->blocks[i]));
	put(o, "blocks", blocks);
	if (model_sys_get(m)->buddy.has_buddy)
		report_json_run_buddy(o, r);
	return o;
}

static struct json_object *orders_json(const struct model *m,
				       const struct report_filter *f)
{
	struct report_order_stat os[MODEL_NR_ORDERS];
	struct json_object *a = json_object_new_array();
	int i;

	report_order_stats(m, f, os);
	for (i = 0; i < MODEL_NR_ORDERS; i++) {
		struct json_object *o;

		if (!os[i].runs)
			continue;
		o = json_object_new_object();
		put_u64(o, "order", i);
		put_u64(o, "runs", os[i].runs);
		put_u64(o, "needed", os[i].needed);
		put_u64(o, "allocated", os[i].allocated);
		put_u64(o, "waste", os[i].waste);
		json_object_array_add(a, o);
	}
	return a;
}

static bool order_seen(const struct model_sys *s, int order)
{
	int mt;

	for (mt = 0; mt <= MODEL_NR_MIGRATETYPES; mt++)
		if (s->allocs[order][mt])
			return true;
	return s->frees[order] != 0;
}

static struct json_object *kernel_json(const struct model_sys *s)
{
	struct json_object *o = json_object_new_object();
	struct json_object *names = json_object_new_array();
	struct json_object *allocs = json_object_new_array();
	struct json_object *frees = json_object_new_array();
	int i, mt, nr_orders;

	for (mt = 0; mt <= MODEL_NR_MIGRATETYPES; mt++)
		json_object_array_add(names, json_object_new_string(model_migratetype_name(mt)));
	/* a row per order of the recording's kernel, and any seen beyond */
	nr_orders = s->max_order + 1;
	for (i = nr_orders; i < MODEL_NR_ORDERS; i++)
		if (order_seen(s, i))
			nr_orders = i + 1;
	for (i = 0; i < nr_orders; i++) {
		struct json_object *row = json_object_new_array();

		for (mt = 0; mt <= MODEL_NR_MIGRATETYPES; mt++)
			json_object_array_add(row, json_object_new_uint64(s->allocs[i][mt]));
		json_object_array_add(allocs, row);
		json_object_array_add(frees, json_object_new_uint64(s->frees[i]));
	}
	put(o, "migratetypes", names);
	put(o, "allocs", allocs);
	put(o, "frees", frees);
	put_u64(o, "max_order", s->max_order);
	put_bool(o, "max_order_recorded", s->max_order_recorded);
	put_u64(o, "live_at_end", s->live_at_end);
	put_u64(o, "live_pages_at_end", s->live_pages_at_end);
	put_u64(o, "frees_without_alloc", s->frees_without_alloc);
	put_u64(o, "alloc_failures", s->alloc_failures);
	put_u64(o, "free_order_mismatch", s->free_order_mismatch);
	return o;
}

static struct json_object *others_json(const struct read_stats *st)
{
	struct json_object *a = json_object_new_array();
	int i;

	for (i = 0; st && i < st->nr_others; i++) {
		struct json_object *o = json_object_new_object();

		put(o, "event", json_object_new_string(st->others[i].name));
		put_u64(o, "records", st->others[i].count);
		json_object_array_add(a, o);
	}
	if (st && st->others_rest) {
		struct json_object *o = json_object_new_object();

		put(o, "event", NULL);
		put_u64(o, "records", st->others_rest);
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *recording_json(const struct model_sys *s,
					  const struct read_stats *st)
{
	struct json_object *o = json_object_new_object();

	put_u64(o, "records", st ? st->records : 0);
	put_u64(o, "handled", st ? st->handled : 0);
	put(o, "not_read", others_json(st));
	put_u64(o, "malformed", st ? st->bad_records : 0);
	put_u64(o, "invalid_events", s->invalid_events);
	put_u64(o, "lost_events", s->missed_events);
	put_bool(o, "lost_unknown", s->missed_unknown);
	put_bool(o, "has_kmemlab", s->has_kmemlab);
	put_bool(o, "has_kmem", s->has_kmem);
	put_u64(o, "first_ts", s->first_ts);
	put_u64(o, "last_ts", s->last_ts);
	return o;
}

int report_json(const struct model *m, const struct read_stats *st,
		const struct report_filter *f, const char *path, FILE *out)
{
	const struct model_sys *s = model_sys_get(m);
	struct json_object *doc = json_object_new_object();
	struct json_object *runs = json_object_new_array();
	const char *text;
	size_t i;
	int ret = 0;

	put(doc, "schema", json_object_new_string(SCHEMA));
	put(doc, "version", json_object_new_string(kmemlab_version));
	put(doc, "file", json_object_new_string(path));
	put(doc, "recording", recording_json(s, st));
	for (i = 0; i < model_nr_runs(m); i++)
		if (report_filter_match(f, model_run_get(m, i)))
			json_object_array_add(runs, run_json(m, model_run_get(m, i)));
	put(doc, "runs", runs);
	put(doc, "orders", orders_json(m, f));
	put(doc, "kernel", s->has_kmem ? kernel_json(s) : NULL);
	if (s->buddy.has_buddy)
		put(doc, "buddy", report_json_buddy(m, f));
	text = json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY |
					      JSON_C_TO_STRING_NOSLASHESCAPE);
	if (!text || fprintf(out, "%s\n", text) < 0) {
		errno = errno ? errno : EIO;
		ret = -1;
	}
	json_object_put(doc);
	return ret;
}
