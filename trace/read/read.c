// SPDX-License-Identifier: GPL-2.0
/*
 * Reading a recording: one table of handled events, each with the fields
 * it needs, looked up by name once per recording (the recording's own
 * format files are the truth, not our headers).  Each record's values are
 * bounds-checked against the record before they are read, because a
 * corrupted file can hold records shorter than their format.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event-parse.h>

#include "model/model.h"
#include "read.h"
#include "read-local.h"
#include "lib/util.h"
#include "lib/err.h"

#define MAX_FIELDS 16

/*
 * Each event's fields by name.  event_table[] puts every field name at
 * its index ([BEGIN_RUN] = "run") and the handlers read v[BEGIN_RUN], so
 * the two cannot fall out of step by position.
 */
enum {
	BEGIN_RUN, BEGIN_MODE, BEGIN_NR_STRUCTS, BEGIN_STRUCT_SIZE,
	BEGIN_STRUCTS_PER_PAGE, BEGIN_NR_PAGES, BEGIN_ORDER, BEGIN_NR_BLOCKS,
	BEGIN_NR_ALLOC_PAGES, BEGIN_PAGE_SIZE, BEGIN_MAX_ORDER, BEGIN_PMD_SHIFT,
	BEGIN_PUD_SHIFT, BEGIN_KMALLOC_MAX_SIZE,
};

enum {
	BLOCK_RUN, BLOCK_BLOCK, BLOCK_ORDER, BLOCK_PFN, BLOCK_PHYS,
	BLOCK_NR_PAGES, BLOCK_GFP_FLAGS, BLOCK_RET,
};

enum {
	TR_RUN, TR_INDEX, TR_PFN, TR_PHYS, TR_VIRT, TR_REF_PHYS, TR_WALK_PHYS,
	TR_LIN_PHYS, TR_LEVEL, TR_MATCH,
};

enum {
	FILL_RUN, FILL_INDEX, FILL_PFN, FILL_FIRST, FILL_LAST, FILL_COUNT,
};

enum {
	VERIFY_RUN, VERIFY_INDEX, VERIFY_PFN, VERIFY_CHECKED,
	VERIFY_MISMATCHES,
};

enum {
	END_RUN, END_RET, END_MISMATCHES, END_FILL_NS, END_VERIFY_NS,
};

enum {
	PALLOC_PFN, PALLOC_ORDER, PALLOC_GFP_FLAGS, PALLOC_MIGRATETYPE,
};

enum {
	PFREE_PFN, PFREE_ORDER,
};

enum {
	SPLIT_RUN, SPLIT_BLOCK, SPLIT_PFN, SPLIT_ORDER, SPLIT_SOURCE_ORDER,
	SPLIT_SOURCE_PFN, SPLIT_PCP, SPLIT_CLEAN, SPLIT_ZONE, SPLIT_NR_BEFORE,
	SPLIT_NR_ORDERS, SPLIT_FREE_BEFORE, SPLIT_FREE_AFTER,
};

enum {
	MERGE_RUN, MERGE_BLOCK, MERGE_PFN, MERGE_ORDER, MERGE_MERGED_ORDER,
	MERGE_MERGED_PFN, MERGE_PCP, MERGE_ZONE,
};

enum {
	AREA_RUN, AREA_PHASE, AREA_NODE, AREA_BUDDY_BLOCKS, AREA_ZONE,
	AREA_NR_ORDERS, AREA_NR_FREE,
};

enum {
	ZL_PFN, ZL_ORDER, ZL_MIGRATETYPE, ZL_PERCPU_REFILL,
};

enum {
	DRAIN_PFN, DRAIN_ORDER, DRAIN_MIGRATETYPE,
};

enum {
	EXTFRAG_PFN, EXTFRAG_ALLOC_ORDER, EXTFRAG_FALLBACK_ORDER,
	EXTFRAG_ALLOC_MT, EXTFRAG_FALLBACK_MT,
};

/*
 * What an event's array and string fields held, decoded with the record:
 * the u32 arrays in field order (n: elements the record had, a: the first
 * MODEL_BUDDY_NR_ORDERS of them) and the one string, NUL-terminated.
 */
#define READ_MAX_ARRAYS 2

struct read_extra {
	uint32_t n[READ_MAX_ARRAYS];
	uint32_t a[READ_MAX_ARRAYS][MODEL_BUDDY_NR_ORDERS];
	char str[MODEL_ZONE_LEN];
};

typedef int (*handler_fn)(struct model *m, const struct tep_record *rec,
			  const uint64_t *v);
typedef int (*extra_handler_fn)(struct model *m, const struct tep_record *rec,
				const uint64_t *v, const struct read_extra *x);

/*
 * The kernel's page events are nearly every record of a recording: when a
 * recording lays their fields out as a 64-bit kernel does, they are read
 * by a decoder of their own (read_page_alloc(), read_page_free()), straight into the model.
 */
enum read_native { NATIVE_NONE, NATIVE_PAGE_ALLOC, NATIVE_PAGE_FREE };

/*
 * A field name starting with '?' is optional: read as 0 when absent.
 * After it, '#' marks a dynamic array of u32 (__data_loc u32[]) and '$' a
 * fixed char array read as a string; events with either have handle_extra.
 */
struct event_desc {
	const char *system;
	const char *name;
	handler_fn handle;
	const char *fields[MAX_FIELDS];
	extra_handler_fn handle_extra;
};

/*
 * What reading one field of a record takes, copied out of the format once:
 * the per-record path then touches neither libtraceevent nor strings.
 */
enum read_kind { KIND_NUMBER, KIND_U32S, KIND_STRING };

/*
 * How a number field of a recording in our byte order is loaded, chosen
 * once per recording so that a record of an event whose fields are all
 * numbers is read with one length check and one switch per field
 * (read_plain()); LOAD_GENERIC: through read_values().
 */
enum read_load {
	LOAD_GENERIC, LOAD_ABSENT, LOAD_U8, LOAD_U16, LOAD_U32, LOAD_U64,
	LOAD_S8, LOAD_S16, LOAD_S32, LOAD_PFN32,
};

struct read_field {
	int offset;
	int size;		/* 0: an optional field the recording lacks */
	bool is_signed;
	bool is_pfn;		/* all ones at the field's width means -1UL */
	bool is_relative;	/* __rel_loc: offset from the field's end */
	unsigned char kind;	/* enum read_kind */
	unsigned char load;	/* enum read_load */
};

struct read_event {
	const struct event_desc *desc;
	int id;
	int nr_fields;		/* entries of desc->fields, optional included */
	bool plain;		/* every field has a load other than GENERIC */
	int plain_size;		/* the record length its fields need */
	unsigned char native;	/* enum read_native, when the layout is */
	struct read_field fields[MAX_FIELDS];
};

struct read_ctx {
	struct tep_handle *tep;
	struct model *m;
	struct read_event *events;
	int nr_events;
	bool swap;		/* the recording's byte order is not ours */
	int type_offset;	/* common_type: the event id in each record */
	int type_size;
	/* the shortest record read: 2 bytes, and the whole common_type */
	long long type_end;
	unsigned char type_load;	/* LOAD_U16 or LOAD_GENERIC */
	int max_id;
	/* event id -> its entry in events, NULL: not handled */
	const struct read_event **by_id;
	struct read_stats stats;
	struct read_pages pages;	/* read_page_record()'s view of the above */
};

static int on_run_begin(struct model *m, const struct tep_record *rec,
			const uint64_t *v)
{
	struct kmemlab_run_begin_ev ev = {
		.run = v[BEGIN_RUN],
		.mode = v[BEGIN_MODE],
		.nr_structs = v[BEGIN_NR_STRUCTS],
		.struct_size = v[BEGIN_STRUCT_SIZE],
		.structs_per_page = v[BEGIN_STRUCTS_PER_PAGE],
		.nr_pages = v[BEGIN_NR_PAGES],
		.order = v[BEGIN_ORDER],
		.nr_blocks = v[BEGIN_NR_BLOCKS],
		.nr_alloc_pages = v[BEGIN_NR_ALLOC_PAGES],
		.page_size = v[BEGIN_PAGE_SIZE],
		.max_order = v[BEGIN_MAX_ORDER],
		.pmd_shift = v[BEGIN_PMD_SHIFT],
		.pud_shift = v[BEGIN_PUD_SHIFT],
		.kmalloc_max_size = v[BEGIN_KMALLOC_MAX_SIZE],
	};

	return model_handle_run_begin(m, rec->ts, rec->cpu, &ev);
}

static void block_ev(struct kmemlab_block_ev *ev, const uint64_t *v)
{
	ev->run = v[BLOCK_RUN];
	ev->block = v[BLOCK_BLOCK];
	ev->order = v[BLOCK_ORDER];
	ev->pfn = v[BLOCK_PFN];
	ev->phys = v[BLOCK_PHYS];
	ev->nr_pages = v[BLOCK_NR_PAGES];
	ev->gfp_flags = v[BLOCK_GFP_FLAGS];
	ev->ret = (int)v[BLOCK_RET];
}

static int on_alloc(struct model *m, const struct tep_record *rec,
		    const uint64_t *v)
{
	struct kmemlab_block_ev ev;

	block_ev(&ev, v);
	return model_handle_alloc(m, rec->ts, rec->cpu, &ev);
}

static int on_free(struct model *m, const struct tep_record *rec,
		   const uint64_t *v)
{
	struct kmemlab_block_ev ev;

	block_ev(&ev, v);
	return model_handle_free(m, rec->ts, rec->cpu, &ev);
}

static int on_translate(struct model *m, const struct tep_record *rec,
			const uint64_t *v)
{
	struct kmemlab_translate_ev ev = {
		.run = v[TR_RUN],
		.index = v[TR_INDEX],
		.pfn = v[TR_PFN],
		.phys = v[TR_PHYS],
		.virt = v[TR_VIRT],
		.ref_phys = v[TR_REF_PHYS],
		.walk_phys = v[TR_WALK_PHYS],
		.lin_phys = v[TR_LIN_PHYS],
		.level = (int)v[TR_LEVEL],
		.match = v[TR_MATCH] != 0,
	};

	return model_handle_translate(m, rec->ts, rec->cpu, &ev);
}

static int on_fill(struct model *m, const struct tep_record *rec,
		   const uint64_t *v)
{
	struct kmemlab_fill_ev ev = {
		.run = v[FILL_RUN],
		.index = v[FILL_INDEX],
		.pfn = v[FILL_PFN],
		.first = v[FILL_FIRST],
		.last = v[FILL_LAST],
		.count = v[FILL_COUNT],
	};

	return model_handle_fill(m, rec->ts, rec->cpu, &ev);
}

static int on_verify(struct model *m, const struct tep_record *rec,
		     const uint64_t *v)
{
	struct kmemlab_verify_ev ev = {
		.run = v[VERIFY_RUN],
		.index = v[VERIFY_INDEX],
		.pfn = v[VERIFY_PFN],
		.checked = v[VERIFY_CHECKED],
		.mismatches = v[VERIFY_MISMATCHES],
	};

	return model_handle_verify(m, rec->ts, rec->cpu, &ev);
}

static int on_run_end(struct model *m, const struct tep_record *rec,
		      const uint64_t *v)
{
	struct kmemlab_run_end_ev ev = {
		.run = v[END_RUN],
		.ret = (int)v[END_RET],
		.mismatches = v[END_MISMATCHES],
		.fill_ns = v[END_FILL_NS],
		.verify_ns = v[END_VERIFY_NS],
	};

	return model_handle_run_end(m, rec->ts, rec->cpu, &ev);
}

static int on_page_alloc(struct model *m, const struct tep_record *rec,
			 const uint64_t *v)
{
	struct kmem_page_alloc_ev ev = {
		.pfn = v[PALLOC_PFN],
		.order = v[PALLOC_ORDER],
		.gfp_flags = v[PALLOC_GFP_FLAGS],
		.migratetype = (int)v[PALLOC_MIGRATETYPE],
	};

	return model_handle_page_alloc(m, rec->ts, rec->cpu, &ev);
}

static int on_page_free(struct model *m, const struct tep_record *rec,
			const uint64_t *v)
{
	struct kmem_page_free_ev ev = {
		.pfn = v[PFREE_PFN],
		.order = v[PFREE_ORDER],
	};

	return model_handle_page_free(m, rec->ts, rec->cpu, &ev);
}

static int on_split(struct model *m, const struct tep_record *rec,
		    const uint64_t *v, const struct read_extra *x)
{
	struct kmemlab_split_ev ev = {
		.run = v[SPLIT_RUN],
		.block = v[SPLIT_BLOCK],
		.pfn = v[SPLIT_PFN],
		.order = v[SPLIT_ORDER],
		.source_order = (int)v[SPLIT_SOURCE_ORDER],
		.source_pfn = v[SPLIT_SOURCE_PFN],
		.pcp = v[SPLIT_PCP] != 0,
		.clean = v[SPLIT_CLEAN] != 0,
		.zone = x->str,
		.nr_before = v[SPLIT_NR_BEFORE],
		.nr_orders = v[SPLIT_NR_ORDERS],
		.free_before = x->a[0],
		.free_after = x->a[1],
	};

	/* the arrays must hold what their counts say, and no more */
	if (x->n[0] != ev.nr_before || x->n[1] != ev.nr_orders)
		ev.nr_orders = 0;
	return model_handle_split(m, rec->ts, rec->cpu, &ev);
}

static int on_merge(struct model *m, const struct tep_record *rec,
		    const uint64_t *v, const struct read_extra *x)
{
	struct kmemlab_merge_ev ev = {
		.run = v[MERGE_RUN],
		.block = v[MERGE_BLOCK],
		.pfn = v[MERGE_PFN],
		.order = v[MERGE_ORDER],
		.merged_order = (int)v[MERGE_MERGED_ORDER],
		.merged_pfn = v[MERGE_MERGED_PFN],
		.pcp = v[MERGE_PCP] != 0,
		.zone = x->str,
	};

	return model_handle_merge(m, rec->ts, rec->cpu, &ev);
}

static int on_free_area(struct model *m, const struct tep_record *rec,
			const uint64_t *v, const struct read_extra *x)
{
	struct kmemlab_free_area_ev ev = {
		.run = v[AREA_RUN],
		.phase = (int)v[AREA_PHASE],
		.node = (int)v[AREA_NODE],
		.buddy_blocks = v[AREA_BUDDY_BLOCKS] != 0,
		.zone = x->str,
		.nr_orders = v[AREA_NR_ORDERS],
		.nr_free = x->a[0],
	};

	if (x->n[0] != ev.nr_orders)
		ev.nr_orders = 0;
	return model_handle_free_area(m, rec->ts, rec->cpu, &ev);
}

static int on_zone_locked(struct model *m, const struct tep_record *rec,
			  const uint64_t *v)
{
	struct kmem_zone_locked_ev ev = {
		.pfn = v[ZL_PFN],
		.order = v[ZL_ORDER],
		.migratetype = (int)v[ZL_MIGRATETYPE],
		.percpu_refill = v[ZL_PERCPU_REFILL] != 0,
	};

	return model_handle_zone_locked(m, rec->ts, rec->cpu, &ev);
}

static int on_pcpu_drain(struct model *m, const struct tep_record *rec,
			 const uint64_t *v)
{
	struct kmem_pcpu_drain_ev ev = {
		.pfn = v[DRAIN_PFN],
		.order = v[DRAIN_ORDER],
		.migratetype = (int)v[DRAIN_MIGRATETYPE],
	};

	return model_handle_pcpu_drain(m, rec->ts, rec->cpu, &ev);
}

static int on_extfrag(struct model *m, const struct tep_record *rec,
		      const uint64_t *v)
{
	struct kmem_extfrag_ev ev = {
		.pfn = v[EXTFRAG_PFN],
		.alloc_order = (int)v[EXTFRAG_ALLOC_ORDER],
		.fallback_order = (int)v[EXTFRAG_FALLBACK_ORDER],
		.alloc_migratetype = (int)v[EXTFRAG_ALLOC_MT],
		.fallback_migratetype = (int)v[EXTFRAG_FALLBACK_MT],
	};

	return model_handle_extfrag(m, rec->ts, rec->cpu, &ev);
}

#define KMEMLAB "kmemlab"
/* kmemlab_alloc and kmemlab_free; a leading '?': optional (older modules). */
#define BLOCK_FIELDS \
	{ [BLOCK_RUN] = "run", [BLOCK_BLOCK] = "block", \
	  [BLOCK_ORDER] = "order", [BLOCK_PFN] = "pfn", \
	  [BLOCK_PHYS] = "?phys", [BLOCK_NR_PAGES] = "?nr_pages", \
	  [BLOCK_GFP_FLAGS] = "?gfp_flags", [BLOCK_RET] = "?ret" }

static const struct event_desc event_table[] = {
	{ KMEMLAB, "kmemlab_run_begin", on_run_begin,
	  { [BEGIN_RUN] = "run", [BEGIN_MODE] = "mode",
	    [BEGIN_NR_STRUCTS] = "nr_structs",
	    [BEGIN_STRUCT_SIZE] = "struct_size",
	    [BEGIN_STRUCTS_PER_PAGE] = "structs_per_page",
	    [BEGIN_NR_PAGES] = "nr_pages", [BEGIN_ORDER] = "order",
	    [BEGIN_NR_BLOCKS] = "nr_blocks",
	    [BEGIN_NR_ALLOC_PAGES] = "nr_alloc_pages",
	    [BEGIN_PAGE_SIZE] = "page_size",
	    [BEGIN_MAX_ORDER] = "?max_order",
	    [BEGIN_PMD_SHIFT] = "?pmd_shift",
	    [BEGIN_PUD_SHIFT] = "?pud_shift",
	    [BEGIN_KMALLOC_MAX_SIZE] = "?kmalloc_max_size" }, NULL },
	{ KMEMLAB, "kmemlab_alloc", on_alloc, BLOCK_FIELDS, NULL },
	{ KMEMLAB, "kmemlab_free", on_free, BLOCK_FIELDS, NULL },
	{ KMEMLAB, "kmemlab_translate", on_translate,
	  { [TR_RUN] = "run", [TR_INDEX] = "index", [TR_PFN] = "pfn",
	    [TR_PHYS] = "phys", [TR_VIRT] = "virt",
	    [TR_REF_PHYS] = "ref_phys", [TR_WALK_PHYS] = "walk_phys",
	    [TR_LIN_PHYS] = "?lin_phys", [TR_LEVEL] = "level",
	    [TR_MATCH] = "match" }, NULL },
	{ KMEMLAB, "kmemlab_fill", on_fill,
	  { [FILL_RUN] = "run", [FILL_INDEX] = "index", [FILL_PFN] = "pfn",
	    [FILL_FIRST] = "first", [FILL_LAST] = "last",
	    [FILL_COUNT] = "count" }, NULL },
	{ KMEMLAB, "kmemlab_verify", on_verify,
	  { [VERIFY_RUN] = "run", [VERIFY_INDEX] = "index",
	    [VERIFY_PFN] = "pfn", [VERIFY_CHECKED] = "checked",
	    [VERIFY_MISMATCHES] = "mismatches" }, NULL },
	{ KMEMLAB, "kmemlab_run_end", on_run_end,
	  { [END_RUN] = "run", [END_RET] = "ret",
	    [END_MISMATCHES] = "mismatches", [END_FILL_NS] = "fill_ns",
	    [END_VERIFY_NS] = "verify_ns" }, NULL },
	{ "kmem", "mm_page_alloc", on_page_alloc,
	  { [PALLOC_PFN] = "pfn", [PALLOC_ORDER] = "order",
	    [PALLOC_GFP_FLAGS] = "gfp_flags",
	    [PALLOC_MIGRATETYPE] = "migratetype" }, NULL },
	{ "kmem", "mm_page_free", on_page_free,
	  { [PFREE_PFN] = "pfn", [PFREE_ORDER] = "order" }, NULL },
	{ KMEMLAB, "kmemlab_split", NULL,
	  { [SPLIT_RUN] = "run", [SPLIT_BLOCK] = "block", [SPLIT_PFN] = "pfn",
	    [SPLIT_ORDER] = "order", [SPLIT_SOURCE_ORDER] = "source_order",
	    [SPLIT_SOURCE_PFN] = "source_pfn", [SPLIT_PCP] = "pcp",
	    [SPLIT_CLEAN] = "clean", [SPLIT_ZONE] = "$zone",
	    [SPLIT_NR_BEFORE] = "nr_before", [SPLIT_NR_ORDERS] = "nr_orders",
	    [SPLIT_FREE_BEFORE] = "#free_before",
	    [SPLIT_FREE_AFTER] = "#free_after" }, on_split },
	{ KMEMLAB, "kmemlab_merge", NULL,
	  { [MERGE_RUN] = "run", [MERGE_BLOCK] = "block", [MERGE_PFN] = "pfn",
	    [MERGE_ORDER] = "order", [MERGE_MERGED_ORDER] = "merged_order",
	    [MERGE_MERGED_PFN] = "merged_pfn", [MERGE_PCP] = "pcp",
	    [MERGE_ZONE] = "$zone" }, on_merge },
	{ KMEMLAB, "kmemlab_free_area", NULL,
	  { [AREA_RUN] = "run", [AREA_PHASE] = "phase", [AREA_NODE] = "node",
	    [AREA_BUDDY_BLOCKS] = "buddy_blocks", [AREA_ZONE] = "$zone",
	    [AREA_NR_ORDERS] = "nr_orders", [AREA_NR_FREE] = "#nr_free" },
	  on_free_area },
	{ "kmem", "mm_page_alloc_zone_locked", on_zone_locked,
	  { [ZL_PFN] = "pfn", [ZL_ORDER] = "order",
	    [ZL_MIGRATETYPE] = "migratetype",
	    [ZL_PERCPU_REFILL] = "percpu_refill" }, NULL },
	{ "kmem", "mm_page_pcpu_drain", on_pcpu_drain,
	  { [DRAIN_PFN] = "pfn", [DRAIN_ORDER] = "order",
	    [DRAIN_MIGRATETYPE] = "migratetype" }, NULL },
	{ "kmem", "mm_page_alloc_extfrag", on_extfrag,
	  { [EXTFRAG_PFN] = "pfn", [EXTFRAG_ALLOC_ORDER] = "alloc_order",
	    [EXTFRAG_FALLBACK_ORDER] = "fallback_order",
	    [EXTFRAG_ALLOC_MT] = "alloc_migratetype",
	    [EXTFRAG_FALLBACK_MT] = "fallback_migratetype" }, NULL },
};

#define NR_EVENTS ((int)ARRAY_SIZE(event_table))

bool read_event_wanted(const char *system, const char *name)
{
	int i;

	for (i = 0; i < NR_EVENTS; i++)
		if (!strcmp(event_table[i].system, system) &&
		    !strcmp(event_table[i].name, name))
			return true;
	/* read-flags.c's last source of GFP flag names */
	return !strcmp(system, "kmem") && !strcmp(name, "kmalloc");
}

static bool field_usable(const struct tep_format_field *f, int kind)
{
	if (f->offset < 0)
		return false;
	switch (kind) {
	case KIND_U32S:	/* the field itself is the 4-byte location word */
		return (f->flags & TEP_FIELD_IS_DYNAMIC) && f->size == 4 &&
		       f->elementsize == 4;
	case KIND_STRING:
		return (f->flags & TEP_FIELD_IS_ARRAY) &&
		       !(f->flags & TEP_FIELD_IS_DYNAMIC) && f->size >= 1;
	}
	return f->size >= 1 && f->size <= 8 &&
	       !(f->flags & (TEP_FIELD_IS_ARRAY | TEP_FIELD_IS_STRING |
			     TEP_FIELD_IS_DYNAMIC));
}

static void field_copy(struct read_field *rf, const struct tep_format_field *f,
		       int kind)
{
	rf->offset = f->offset;
	rf->size = f->size;
	rf->is_signed = f->flags & TEP_FIELD_IS_SIGNED;
	rf->is_pfn = !strcmp(f->name, "pfn");
	rf->is_relative = f->flags & TEP_FIELD_IS_RELATIVE;
	rf->kind = kind;
}

/* The kind a name's marker asks for, past the marker. */
static int field_kind(const char **name)
{
	if (**name == '#') {
		(*name)++;
		return KIND_U32S;
	}
	if (**name == '$') {
		(*name)++;
		return KIND_STRING;
	}
	return KIND_NUMBER;
}

static int bind_fields(struct read_event *re, struct tep_event *ev,
		       char *err, size_t len)
{
	const struct event_desc *d = re->desc;
	struct tep_format_field *f;
	int i;

	for (i = 0; i < MAX_FIELDS && d->fields[i]; i++) {
		const char *name = d->fields[i];
		bool optional = name[0] == '?';
		int kind;

		name += optional;
		kind = field_kind(&name);
		f = tep_find_field(ev, name);
		if (!f && optional)
			continue;
		if (!f || !field_usable(f, kind)) {
			err_set(err, len, EINVAL,
				"event %s:%s has %s field '%s' (see docs/events.md)",
				d->system, d->name, f ? "an unusable" : "no",
				name);
			return -1;
		}
		field_copy(&re->fields[i], f, kind);
	}
	re->nr_fields = i;
	return 0;
}

/* The load of a field, given the recording's byte order. */
static int field_load(const struct read_field *f, bool swap)
{
	if (!f->size)
		return LOAD_ABSENT;
	if (swap || f->kind != KIND_NUMBER)
		return LOAD_GENERIC;
	switch (f->size) {
	case 1:
		return f->is_signed ? LOAD_S8 : f->is_pfn ? LOAD_GENERIC : LOAD_U8;
	case 2:
		return f->is_signed ? LOAD_S16 : f->is_pfn ? LOAD_GENERIC : LOAD_U16;
	case 4:
		return f->is_signed ? LOAD_S32 : f->is_pfn ? LOAD_PFN32 : LOAD_U32;
	case 8:
		return LOAD_U64;
	}
	return LOAD_GENERIC;
}

/* The loads read_page_alloc() and read_page_free() assume, field by field. */
static const unsigned char native_loads[][MAX_FIELDS] = {
	[NATIVE_PAGE_ALLOC] = {
		[PALLOC_PFN] = LOAD_U64, [PALLOC_ORDER] = LOAD_U32,
		[PALLOC_GFP_FLAGS] = LOAD_U64, [PALLOC_MIGRATETYPE] = LOAD_S32,
	},
	[NATIVE_PAGE_FREE] = {
		[PFREE_PFN] = LOAD_U64, [PFREE_ORDER] = LOAD_U32,
	},
};

/* NATIVE_NONE, or the decoder of @re when its fields are laid out for it. */
static int native_of(const struct read_event *re)
{
	int native = NATIVE_NONE, i;

	if (re->desc->handle == on_page_alloc)
		native = NATIVE_PAGE_ALLOC;
	else if (re->desc->handle == on_page_free)
		native = NATIVE_PAGE_FREE;
	for (i = 0; native && i < re->nr_fields; i++)
		if (re->fields[i].load != native_loads[native][i])
			return NATIVE_NONE;
	return native;
}

static void plan_loads(struct read_event *re, bool swap)
{
	int i;

	re->plain = true;
	re->plain_size = 0;
	for (i = 0; i < re->nr_fields; i++) {
		struct read_field *f = &re->fields[i];

		f->load = field_load(f, swap);
		if (f->load == LOAD_GENERIC)
			re->plain = false;
		if (f->offset + f->size > re->plain_size)
			re->plain_size = f->offset + f->size;
	}
	re->native = native_of(re);
}

/* Where each record keeps its event id: the common_type field. */
static void bind_type(struct read_ctx *ctx, struct tep_event *ev)
{
	struct tep_format_field *f;

	if (ctx->type_size)
		return;
	f = tep_find_common_field(ev, "common_type");
	if (f && f->offset >= 0 && (f->size == 1 || f->size == 2 ||
				    f->size == 4 || f->size == 8)) {
		ctx->type_offset = f->offset;
		ctx->type_size = f->size;
		if ((long long)f->offset + f->size > ctx->type_end)
			ctx->type_end = (long long)f->offset + f->size;
		ctx->type_load = f->size == 2 && !ctx->swap ? LOAD_U16 :
				 LOAD_GENERIC;
	}
}

static int bind_events(struct read_ctx *ctx, char *err, size_t len)
{
	int i;

	for (i = 0; i < NR_EVENTS; i++) {
		const struct event_desc *d = &event_table[i];
		struct read_event *re = &ctx->events[ctx->nr_events];
		struct tep_event *ev;

		ev = tep_find_event_by_name(ctx->tep, d->system, d->name);
		if (!ev)
			continue;
		re->desc = d;
		re->id = ev->id;
		bind_type(ctx, ev);
		if (bind_fields(re, ev, err, len))
			return -1;
		plan_loads(re, ctx->swap);
		if (re->id > ctx->max_id)
			ctx->max_id = re->id;
		ctx->nr_events++;
		if (d->system == event_table[0].system)
			ctx->stats.nr_kmemlab_formats++;
		else
			ctx->stats.nr_kmem_formats++;
	}
	return 0;
}

/*
 * Event ids are small integers: a table beats a search per record.  A
 * corrupted file may declare any id, so the table stops at MAX_INDEXED_ID
 * and larger ids fall back to the search.
 */
#define MAX_INDEXED_ID 65535

static int index_events(struct read_ctx *ctx)
{
	int i;

	if (ctx->max_id > MAX_INDEXED_ID)
		ctx->max_id = MAX_INDEXED_ID;
	ctx->by_id = calloc((size_t)ctx->max_id + 1, sizeof(*ctx->by_id));
	if (!ctx->by_id)
		return -1;
	for (i = 0; i < ctx->nr_events; i++) {
		int id = ctx->events[i].id;

		if (id >= 0 && id <= ctx->max_id)
			ctx->by_id[id] = &ctx->events[i];
	}
	return 0;
}

static const struct read_event *find_event(const struct read_ctx *ctx,
					   int id)
{
	int i;

	if (id >= 0 && id <= ctx->max_id)
		return ctx->by_id[id];
	for (i = 0; i < ctx->nr_events; i++)
		if (ctx->events[i].id == id)
			return &ctx->events[i];
	return NULL;
}

/*
 * A native page event's field offsets, and its id when read_page_record()
 * may take it inline: the id is read there as a u16 in our byte order,
 * and must find this event as find_event() would.
 */
static void plan_page_layout(struct read_ctx *ctx, const struct read_event *re,
			     struct read_page_layout *l)
{
	int i;

	for (i = 0; i < re->nr_fields; i++)
		l->offset[i] = re->fields[i].offset;
	if (ctx->type_load != LOAD_U16 || find_event(ctx, re->id) != re)
		return;
	l->id = re->id;
	l->min_size = re->plain_size;
	if (l->min_size < ctx->type_end)
		l->min_size = (int)ctx->type_end;
	ctx->pages.type_offset = ctx->type_offset;
	ctx->pages.type_end = (int)ctx->type_end;
}

static void plan_pages(struct read_ctx *ctx)
{
	int i;

	ctx->pages.m = ctx->m;
	ctx->pages.stats = &ctx->stats;
	ctx->pages.type_end = INT_MAX;
	ctx->pages.alloc.id = -1;
	ctx->pages.free.id = -1;
	for (i = 0; i < ctx->nr_events; i++) {
		const struct read_event *re = &ctx->events[i];

		if (re->native == NATIVE_PAGE_ALLOC)
			plan_page_layout(ctx, re, &ctx->pages.alloc);
		else if (re->native == NATIVE_PAGE_FREE)
			plan_page_layout(ctx, re, &ctx->pages.free);
	}
}

const struct read_pages *read_ctx_pages(const struct read_ctx *ctx)
{
	return &ctx->pages;
}

struct read_ctx *read_ctx_new(struct tep_handle *tep, struct model *m,
			      char *err, size_t len)
{
	struct read_ctx *ctx = calloc(1, sizeof(*ctx));

	if (!ctx)
		goto fail;
	ctx->tep = tep;
	ctx->m = m;
	ctx->swap = tep_is_file_bigendian(tep) != tep_is_local_bigendian(tep);
	ctx->type_end = 2;
	ctx->events = calloc(NR_EVENTS, sizeof(*ctx->events));
	if (!ctx->events || bind_events(ctx, err, len) ||
	    index_events(ctx) || read_gfp_names(tep, model_gfp_names(m)))
		goto fail;
	if (!ctx->nr_events) {
		err_set(err, len, errno, READ_NO_EVENTS);
		errno = ENOENT;
		goto fail;
	}
	plan_pages(ctx);
	return ctx;
fail:
	if (errno == ENOMEM)
		err_set(err, len, errno, "out of memory");
	read_ctx_free(ctx);
	return NULL;
}

void read_ctx_free(struct read_ctx *ctx)
{
	if (!ctx)
		return;
	free(ctx->events);
	free(ctx->by_id);
	free(ctx);
}

int read_finish(struct read_ctx *ctx, struct model *m, struct read_stats *st,
		const char *nothing, char *err, size_t len)
{
	const struct read_stats *rs = read_ctx_stats(ctx);

	/* mostly malformed: damaged, and a report of the rest would pass for all */
	if (rs->bad_records * 2 > rs->records)
		return err_set(err, len, EINVAL,
			       "corrupted CPU data: %llu of %llu records malformed (more than half)",
			       (unsigned long long)rs->bad_records,
			       (unsigned long long)rs->records);
	if (!rs->handled)
		return err_set(err, len, ENOENT, "%s", nothing);
	if (st)
		*st = *read_ctx_stats(ctx);
	model_finish(m);
	return 0;
}

const struct read_stats *read_ctx_stats(const struct read_ctx *ctx)
{
	return &ctx->stats;
}

static uint64_t sign_extend(uint64_t v, int size)
{
	int shift = 64 - 8 * size;

	return shift ? (uint64_t)((int64_t)(v << shift) >> shift) : v;
}

/*
 * The value of a field at its width, byte-swapped when the recording's
 * byte order is not ours (what tep_read_number() does, without its
 * per-call lookups).  -1 for a width tep_read_number() does not read.
 */
static int load_field(const unsigned char *p, int size, bool swap,
		      uint64_t *v)
{
	uint16_t v16;
	uint32_t v32;
	uint64_t v64;

	switch (size) {
	case 1:
		*v = *p;
		return 0;
	case 2:
		memcpy(&v16, p, 2);
		*v = swap ? __builtin_bswap16(v16) : v16;
		return 0;
	case 4:
		memcpy(&v32, p, 4);
		*v = swap ? __builtin_bswap32(v32) : v32;
		return 0;
	case 8:
		memcpy(&v64, p, 8);
		*v = swap ? __builtin_bswap64(v64) : v64;
		return 0;
	}
	return -1;
}

/* A failed pfn is -1UL: all ones at the field's width (4 bytes on 32-bit). */
static uint64_t field_value(const struct read_field *f, uint64_t v)
{
	if (f->is_signed)
		return sign_extend(v, f->size);
	if (f->is_pfn && f->size < 8 && v == (1ULL << (8 * f->size)) - 1)
		return MODEL_PFN_NONE;
	return v;
}

/*
 * A dynamic u32 array: the location word says where in the record (low 16
 * bits) and how many bytes (high 16); both must lie within the record.
 */
static int read_u32s(const struct read_ctx *ctx, const struct read_field *f,
		     const struct tep_record *rec, uint64_t loc,
		     struct read_extra *x, int *nr_arrays)
{
	const unsigned char *data = rec->data;
	uint32_t off = loc & 0xffff, bytes = (loc >> 16) & 0xffff, i;
	int k = (*nr_arrays)++;
	uint64_t val;

	if (f->is_relative)
		off += f->offset + f->size;
	if (k >= READ_MAX_ARRAYS || bytes % 4 || off + bytes > (uint32_t)rec->size)
		return -1;
	x->n[k] = bytes / 4;
	for (i = 0; i < x->n[k] && i < MODEL_BUDDY_NR_ORDERS; i++) {
		load_field(data + off + 4 * i, 4, ctx->swap, &val);
		x->a[k][i] = val;
	}
	return 0;
}

static void read_string(const struct read_field *f,
			const struct tep_record *rec, struct read_extra *x)
{
	size_t n = f->size < MODEL_ZONE_LEN ? f->size : MODEL_ZONE_LEN - 1;

	memcpy(x->str, (const char *)rec->data + f->offset, n);
	x->str[n] = '\0';
}

static int read_values(const struct read_ctx *ctx,
		       const struct read_event *re,
		       const struct tep_record *rec, uint64_t *v,
		       struct read_extra *x)
{
	const unsigned char *data = rec->data;
	int i, nr_arrays = 0;

	x->n[0] = 0;
	x->n[1] = 0;
	for (i = 0; i < re->nr_fields; i++) {
		const struct read_field *f = &re->fields[i];
		uint64_t val;

		v[i] = 0;
		if (!f->size)
			continue;
		if (f->offset + f->size > rec->size)
			return -1;
		if (f->kind == KIND_STRING) {
			read_string(f, rec, x);
			continue;
		}
		if (load_field(data + f->offset, f->size, ctx->swap, &val))
			return -1;
		if (f->kind == KIND_U32S &&
		    read_u32s(ctx, f, rec, val, x, &nr_arrays))
			return -1;
		v[i] = field_value(f, val);
	}
	return 0;
}

/* A field read_plain() loads: in bounds, in our byte order. */
static inline uint64_t load_plain(const unsigned char *p, int load)
{
	uint16_t v16;
	uint32_t v32;
	uint64_t v64;

	switch (load) {
	case LOAD_U8:
		return *p;
	case LOAD_S8:
		return (uint64_t)(int64_t)(int8_t)*p;
	case LOAD_U16:
		memcpy(&v16, p, 2);
		return v16;
	case LOAD_S16:
		memcpy(&v16, p, 2);
		return (uint64_t)(int64_t)(int16_t)v16;
	case LOAD_U32:
		memcpy(&v32, p, 4);
		return v32;
	case LOAD_S32:
		memcpy(&v32, p, 4);
		return (uint64_t)(int64_t)(int32_t)v32;
	case LOAD_PFN32:
		memcpy(&v32, p, 4);
		return v32 == UINT32_MAX ? MODEL_PFN_NONE : v32;
	case LOAD_U64:
		memcpy(&v64, p, 8);
		return v64;
	}
	return 0;	/* LOAD_ABSENT */
}

/*
 * An event whose fields are all plain numbers, in a record long enough
 * for all of them (checked once by the caller): what read_values() reads,
 * without its per-field checks.
 */
static void read_plain(const struct read_event *re, const unsigned char *data,
		       uint64_t *v)
{
	int i;

	for (i = 0; i < re->nr_fields; i++)
		v[i] = load_plain(data + re->fields[i].offset,
				  re->fields[i].load);
}

/* A record of an event not read: counted by event, named when first seen. */
static void note_other(struct read_ctx *ctx, int id)
{
	struct read_stats *st = &ctx->stats;
	struct read_other *o;
	struct tep_event *ev;
	int i;

	for (i = 0; i < st->nr_others; i++)
		if (st->others[i].id == id) {
			st->others[i].count++;
			return;
		}
	if (st->nr_others == READ_MAX_OTHERS) {
		st->others_rest++;
		return;
	}
	o = &st->others[st->nr_others++];
	o->id = id;
	o->count = 1;
	ev = tep_find_event(ctx->tep, id);
	if (ev && ev->system && ev->name)
		snprintf(o->name, sizeof(o->name), "%s:%s", ev->system, ev->name);
	else
		snprintf(o->name, sizeof(o->name), "event id %d", id);
}

/* A record the model finds invalid is counted there, not fatal. */
static int handled(int ret)
{
	return ret && errno != EINVAL ? -1 : 0;
}

/* Every event other than a native one: its fields into v[], its handler. */
static __attribute__((noinline)) int
read_generic(struct read_ctx *ctx, const struct read_event *re,
	     const struct tep_record *rec)
{
	uint64_t v[MAX_FIELDS];
	struct read_extra x;

	if (re->plain && rec->size >= re->plain_size) {
		read_plain(re, rec->data, v);
		ctx->stats.handled++;
		return handled(re->desc->handle(ctx->m, rec, v));
	}
	if (read_values(ctx, re, rec, v, &x)) {
		ctx->stats.bad_records++;
		return 0;
	}
	ctx->stats.handled++;
	return handled(re->desc->handle_extra ?
		       re->desc->handle_extra(ctx->m, rec, v, &x) :
		       re->desc->handle(ctx->m, rec, v));
}

/*
 * The event id, read inline: tep_data_type() looks its field up per call.
 * False for a record too short to hold it.
 */
static bool record_type(const struct read_ctx *ctx,
			const struct tep_record *rec, int *id)
{
	const unsigned char *p = rec->data;
	uint64_t type;

	if (!p || rec->size < ctx->type_end)
		return false;
	if (ctx->type_load == LOAD_U16) {
		*id = (int)load_plain(p + ctx->type_offset, LOAD_U16);
		return true;
	}
	if (load_field(p + ctx->type_offset, ctx->type_size, ctx->swap, &type))
		return false;
	*id = (int)type;
	return true;
}

int read_ctx_record(struct read_ctx *ctx, struct tep_record *rec)
{
	const struct read_event *re;
	int id;

	ctx->stats.records++;
	if (rec->missed_events)
		model_handle_missed(ctx->m, rec->ts, rec->cpu,
				    rec->missed_events);
	if (!record_type(ctx, rec, &id)) {
		ctx->stats.bad_records++;
		return 0;
	}
	re = find_event(ctx, id);
	if (!re) {
		note_other(ctx, id);
		return 0;
	}
	if (re->native && rec->size >= re->plain_size) {
		ctx->stats.handled++;
		return handled(re->native == NATIVE_PAGE_ALLOC ?
			       read_page_alloc_at(&ctx->pages, rec) :
			       read_page_free_at(&ctx->pages, rec));
	}
	return read_generic(ctx, re, rec);
}
