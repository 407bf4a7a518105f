// SPDX-License-Identifier: GPL-2.0
/*
 * The buddy allocator around each block: kmemlab_split (where a block was
 * cut from), kmemlab_merge (the free block that holds it once freed),
 * kmemlab_free_area (free blocks per order at a run's edges), and the
 * kernel's free-list events matched with them by pfn and order
 * (mm_page_alloc_zone_locked, mm_page_pcpu_drain, mm_page_alloc_extfrag).
 *
 * The rules are expand()'s (docs/events.md): a block of order o at pfn P
 * cut from a free block of order K starts it (P aligned to 2^K) and leaves
 * free blocks of order j at P + 2^j for j in [o, K), so the free counts
 * move by -1 at K and +1 at each j.  A split the module calls clean must
 * obey all of them; one that other allocations disturbed only the first
 * ones, which hold whatever happens in between.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model-priv.h"

static int ring_push(struct recent_ring **ring, const struct kmem_recent *e)
{
	struct recent_ring *r = *ring;

	if (!r) {
		r = calloc(1, sizeof(*r));
		if (!r)
			return -1;
		*ring = r;
	}
	r->e[r->next] = *e;
	r->next = (r->next + 1) % MODEL_RECENT;
	if (r->count < MODEL_RECENT)
		r->count++;
	return 0;
}

/* The newest event at pfn with ts in [from, to], of order (< 0: any). */
static const struct kmem_recent *ring_find(const struct recent_ring *r,
					   uint64_t pfn, int order,
					   uint64_t from, uint64_t to)
{
	unsigned int i;

	for (i = 0; r && i < r->count; i++) {
		const struct kmem_recent *e =
			&r->e[(r->next + MODEL_RECENT - 1 - i) % MODEL_RECENT];

		if (e->pfn == pfn && (order < 0 || e->order == (uint32_t)order) &&
		    e->ts >= from && e->ts <= to)
			return e;
	}
	return NULL;
}

static void zone_copy(char *dst, const char *src)
{
	size_t n = src ? strnlen(src, MODEL_ZONE_LEN - 1) : 0;

	memcpy(dst, src ? src : "", n);
	dst[n] = '\0';
}

/* The allocated block an event names, or NULL (counted). */
static struct model_block *event_block(struct model *m, struct model_run *r,
				       uint32_t block)
{
	struct model_block *b;

	if (block >= r->nr_block_slots)
		goto unmatched;
	b = &r->blocks[block];
	if (b->allocated && !b->failed)
		return b;
unmatched:
	m->sys.buddy.unmatched++;
	return NULL;
}

/* free_after - free_before as one split of a source block explains it. */
static bool counts_explained(const struct model_split *s, uint32_t order)
{
	uint32_t j;

	for (j = 0; j < s->nr_orders; j++) {
		int64_t delta = (int64_t)s->after[j] - s->before[j];
		int64_t want = 0;

		if (!s->pcp && (int)j == s->source_order)
			want = -1;
		else if (!s->pcp && j >= order && (int)j < s->source_order)
			want = 1;
		if (delta != want)
			return false;
	}
	return true;
}

static unsigned int split_rules(const struct model_block *b,
				const struct model_split *s)
{
	int largest = (int)s->nr_orders - 1;
	unsigned int broken = 0;

	if (s->event_pfn != b->pfn || s->event_order != b->order)
		broken |= MODEL_SPLIT_BLOCK;
	if (s->pcp) {
		if (s->source_order != -1 || s->source_pfn != MODEL_PFN_NONE)
			broken |= MODEL_SPLIT_PCP_SOURCE;
	} else {
		if (s->source_order < (int)s->event_order ||
		    s->source_order > largest)
			broken |= MODEL_SPLIT_RANGE;
		if (s->source_pfn != s->event_pfn)
			broken |= MODEL_SPLIT_START;
		if (s->source_order >= 0 && s->source_order < 64 &&
		    s->event_pfn & ((1ULL << s->source_order) - 1))
			broken |= MODEL_SPLIT_ALIGN;
	}
	if (s->clean && (!s->has_before || (broken & MODEL_SPLIT_RANGE) ||
			 !counts_explained(s, s->event_order)))
		broken |= MODEL_SPLIT_COUNTS;
	return broken;
}

static int came_of(const struct model_split *s)
{
	if (s->broken)
		return MODEL_CAME_BROKEN;
	if (s->pcp)
		return MODEL_CAME_PCP;
	if (!s->clean)
		return MODEL_CAME_DISTURBED;
	return s->source_order > (int)s->event_order ? MODEL_CAME_SPLIT :
						       MODEL_CAME_EXACT;
}

/* The kernel's events of this block since its run began, by pfn and order. */
static void split_match_kernel(struct model *m, const struct model_run *r,
			       struct model_split *s, uint32_t order)
{
	uint64_t from = r->begun ? r->begin_ts : 0;
	const struct kmem_recent *e;

	e = ring_find(m->zone_locked, s->event_pfn, order, from, s->ts);
	if (e) {
		s->zone_locked = true;
		s->refill = e->refill;
		s->zone_locked_ts = e->ts;
		s->zone_locked_cpu = e->cpu;
	}
	/* the fallback names the stolen block's first page: P for a split */
	e = ring_find(m->extfrags, s->event_pfn, order, from, s->ts);
	if (e) {
		s->extfrag = true;
		s->fallback_order = e->fallback_order;
		s->fallback_migratetype = e->fallback_mt;
		s->alloc_migratetype = e->alloc_mt;
	}
}

static bool split_valid(const struct kmemlab_split_ev *ev)
{
	return ev->nr_orders && ev->nr_orders <= MODEL_BUDDY_NR_ORDERS &&
	       (!ev->nr_before || ev->nr_before == ev->nr_orders) &&
	       ev->order < ev->nr_orders;
}

int model_handle_split(struct model *m, uint64_t ts, int cpu,
		       const struct kmemlab_split_ev *ev)
{
	struct model_run *r;
	struct model_block *b;
	struct model_split *s;

	model_stamp(m, ts);
	m->sys.buddy.has_buddy = true;
	r = model_run_of(m, ev->run);
	if (!r)
		return -1;
	if (!split_valid(ev))
		return model_invalid(m, r);
	b = event_block(m, r, ev->block);
	if (!b)
		return 0;
	if (b->split)
		return model_invalid(m, r);
	s = calloc(1, sizeof(*s));
	if (!s)
		return -1;
	s->ts = ts;
	s->cpu = cpu;
	s->source_order = ev->source_order;
	s->source_pfn = ev->source_pfn;
	s->pcp = ev->pcp;
	s->clean = ev->clean;
	s->event_pfn = ev->pfn;
	s->event_order = ev->order;
	zone_copy(s->zone, ev->zone);
	s->nr_orders = ev->nr_orders;
	s->has_before = ev->nr_before == ev->nr_orders;
	if (s->has_before)
		memcpy(s->before, ev->free_before, ev->nr_orders * sizeof(uint32_t));
	memcpy(s->after, ev->free_after, ev->nr_orders * sizeof(uint32_t));
	if (ev->nr_orders > m->sys.buddy.nr_orders)
		m->sys.buddy.nr_orders = ev->nr_orders;
	s->broken = split_rules(b, s);
	s->came = came_of(s);
	split_match_kernel(m, r, s, ev->order);
	b->split = s;
	m->sys.buddy.splits++;
	return 0;
}

static unsigned int merge_rules(const struct model *m,
				const struct model_block *b,
				const struct model_merge *g)
{
	int largest = (b->split ? (int)b->split->nr_orders :
		       (int)m->sys.buddy.nr_orders) - 1;
	unsigned int broken = 0;
	uint64_t size;

	if (g->event_pfn != b->pfn || g->event_order != b->order)
		broken |= MODEL_MERGE_BLOCK;
	if (g->merged_order < 0) {
		if (!g->pcp || g->merged_pfn != MODEL_PFN_NONE)
			broken |= MODEL_MERGE_NONE;
		return broken;
	}
	if (g->merged_order < (int)g->event_order ||
	    (largest >= 0 && g->merged_order > largest) || g->merged_order > 63)
		return broken | MODEL_MERGE_RANGE;
	size = 1ULL << g->merged_order;
	if (g->merged_pfn & (size - 1) || g->merged_pfn > g->event_pfn ||
	    g->event_pfn - g->merged_pfn + (1ULL << g->event_order) > size)
		broken |= MODEL_MERGE_COVER;
	return broken;
}

/* A freed block whose kmemlab_merge is due (model_handle_free: why). */
static struct model_block *freeing_find(struct model *m, uint64_t pfn)
{
	struct block_ref *ref = hmap_find(&m->freeing, pfn);

	if (!ref || ref->run >= m->nr_runs ||
	    ref->block >= m->runs[ref->run]->nr_block_slots)
		return NULL;
	return &m->runs[ref->run]->blocks[ref->block];
}

/* A block freed to a per-CPU list waits there for a drain or a taker. */
static int merge_track_list(struct model *m, struct model_run *r,
			    struct model_block *b)
{
	struct block_ref ref = { model_run_index(m, r), b->index };
	struct model_merge *g = b->merge;
	const struct kmem_recent *e;
	int created;

	if (b->drain_seen) {
		g->drained = true;
		g->drain_ts = b->drain_seen_ts;
		return 0;
	}
	e = ring_find(m->drains, b->pfn, b->order, b->freed ? b->free_ts : 0,
		      g->ts);
	if (e) {
		g->drained = true;
		g->drain_ts = e->ts;
		return 0;
	}
	if (g->merged_order >= 0)
		return 0;
	if (!model_ref_put(m, &m->pcp_freed, b->pfn, ref, &created))
		return -1;
	if (created)
		m->pcp_filter[model_pcp_bucket(b->pfn)]++;
	return 0;
}

int model_handle_merge(struct model *m, uint64_t ts, int cpu,
		       const struct kmemlab_merge_ev *ev)
{
	struct model_run *r;
	struct model_block *b;
	struct model_merge *g;

	model_stamp(m, ts);
	m->sys.buddy.has_buddy = true;
	r = model_run_of(m, ev->run);
	if (!r)
		return -1;
	b = event_block(m, r, ev->block);
	if (!b)
		return 0;
	if (b->merge)
		return model_invalid(m, r);
	g = calloc(1, sizeof(*g));
	if (!g)
		return -1;
	g->ts = ts;
	g->cpu = cpu;
	g->merged_order = ev->merged_order;
	g->merged_pfn = ev->merged_pfn;
	g->pcp = ev->pcp;
	g->event_pfn = ev->pfn;
	g->event_order = ev->order;
	g->broken = merge_rules(m, b, g);
	b->merge = g;
	m->sys.buddy.merges++;
	model_ref_forget(m, &m->freeing, b->pfn, NULL);
	if (g->pcp && !g->broken)
		return merge_track_list(m, r, b);
	return 0;
}

static struct model_free_area *area_findnew(struct model_run *r,
					    const char *zone, int node)
{
	struct model_free_area *a;
	uint32_t i;

	for (i = 0; i < r->nr_areas; i++)
		if (r->areas[i].node == node && !strcmp(r->areas[i].zone, zone))
			return &r->areas[i];
	if (r->nr_areas == MODEL_BUDDY_NR_ZONES)
		return NULL;
	/* One at a time: every run keeps its zones to the end. */
	a = realloc(r->areas, (r->nr_areas + 1) * sizeof(*a));
	if (!a)
		return NULL;
	r->areas = a;
	a = &r->areas[r->nr_areas++];
	memset(a, 0, sizeof(*a));
	zone_copy(a->zone, zone);
	a->node = node;
	return a;
}

int model_handle_free_area(struct model *m, uint64_t ts, int cpu,
			   const struct kmemlab_free_area_ev *ev)
{
	struct model_free_area *a;
	struct model_run *r;
	char zone[MODEL_ZONE_LEN];

	(void)cpu;
	model_stamp(m, ts);
	m->sys.buddy.has_buddy = true;
	r = model_run_of(m, ev->run);
	if (!r)
		return -1;
	if (!ev->nr_orders || ev->nr_orders > MODEL_BUDDY_NR_ORDERS ||
	    (ev->phase != 0 && ev->phase != 1))
		return model_invalid(m, r);
	zone_copy(zone, ev->zone);
	a = area_findnew(r, zone, ev->node);
	if (!a)
		return r->nr_areas == MODEL_BUDDY_NR_ZONES ?
		       model_invalid(m, r) : -1;
	if ((ev->phase ? a->has_end : a->has_begin) ||
	    (a->nr_orders && a->nr_orders != ev->nr_orders))
		return model_invalid(m, r);
	a->nr_orders = ev->nr_orders;
	memcpy(ev->phase ? a->end : a->begin, ev->nr_free,
	       ev->nr_orders * sizeof(uint32_t));
	*(ev->phase ? &a->has_end : &a->has_begin) = true;
	r->buddy_blocks = ev->buddy_blocks;
	if (ev->nr_orders > m->sys.buddy.nr_orders)
		m->sys.buddy.nr_orders = ev->nr_orders;
	return 0;
}

int model_handle_zone_locked(struct model *m, uint64_t ts, int cpu,
			     const struct kmem_zone_locked_ev *ev)
{
	struct kmem_recent e = {
		.ts = ts, .pfn = ev->pfn, .order = ev->order, .cpu = cpu,
		.refill = ev->percpu_refill,
	};

	model_stamp(m, ts);
	m->sys.buddy.has_kmem = true;
	if (ev->order >= MODEL_BUDDY_NR_ORDERS)
		return model_invalid(m, NULL);
	m->sys.buddy.zone_locked++;
	m->sys.buddy.refills += ev->percpu_refill;
	return ring_push(&m->zone_locked, &e);
}

/* The block freed to a list at pfn, if one waits there; dropped from the set. */
static struct model_block *list_block_take(struct model *m, uint64_t pfn)
{
	struct block_ref ref;
	struct model_block *b = NULL;

	if (!m->pcp_filter[model_pcp_bucket(pfn)])
		return NULL;
	if (!model_ref_forget(m, &m->pcp_freed, pfn, &ref))
		return NULL;
	if (ref.run < m->nr_runs &&
	    ref.block < m->runs[ref.run]->nr_block_slots)
		b = &m->runs[ref.run]->blocks[ref.block];
	m->pcp_filter[model_pcp_bucket(pfn)]--;
	return b && b->merge ? b : NULL;
}

int model_handle_pcpu_drain(struct model *m, uint64_t ts, int cpu,
			    const struct kmem_pcpu_drain_ev *ev)
{
	struct kmem_recent e = {
		.ts = ts, .pfn = ev->pfn, .order = ev->order, .cpu = cpu,
	};
	struct model_block *b;

	model_stamp(m, ts);
	m->sys.buddy.has_kmem = true;
	if (ev->order >= MODEL_BUDDY_NR_ORDERS)
		return model_invalid(m, NULL);
	m->sys.buddy.drains++;
	if (m->freeing.count) {
		b = freeing_find(m, ev->pfn);
		if (b && b->order == ev->order && !b->merge) {
			b->drain_seen = true;
			b->drain_seen_ts = ts;
		}
	}
	if (m->pcp_freed.count) {
		b = list_block_take(m, ev->pfn);
		if (b && b->order == ev->order) {
			b->merge->drained = true;
			b->merge->drain_ts = ts;
		}
	}
	return ring_push(&m->drains, &e);
}

void model_buddy_page_alloc(struct model *m, uint64_t ts, uint64_t pfn)
{
	struct model_block *b = list_block_take(m, pfn);

	if (b) {
		b->merge->reused = true;
		b->merge->reuse_ts = ts;
	}
}

int model_handle_extfrag(struct model *m, uint64_t ts, int cpu,
			 const struct kmem_extfrag_ev *ev)
{
	struct kmem_recent e = {
		.ts = ts, .pfn = ev->pfn, .order = (uint32_t)ev->alloc_order,
		.cpu = cpu, .alloc_mt = ev->alloc_migratetype,
		.fallback_mt = ev->fallback_migratetype,
		.fallback_order = ev->fallback_order,
	};

	model_stamp(m, ts);
	m->sys.buddy.has_kmem = true;
	if (ev->alloc_order < 0 || ev->alloc_order >= MODEL_BUDDY_NR_ORDERS ||
	    ev->fallback_order < 0 || ev->fallback_order >= MODEL_BUDDY_NR_ORDERS)
		return model_invalid(m, NULL);
	m->sys.buddy.extfrags++;
	return ring_push(&m->extfrags, &e);
}

unsigned int model_split_broken(const struct model_block *b)
{
	return b->split ? b->split->broken : 0;
}

unsigned int model_merge_broken(const struct model_block *b)
{
	return b->merge ? b->merge->broken : 0;
}

uint64_t model_split_remnant(const struct model_block *b, uint32_t j)
{
	return b->pfn + (1ULL << j);
}

const char *model_came_name(int came)
{
	static const char *const names[] = {
		"split", "exact", "pcp", "disturbed", "broken",
	};

	if (came < 0 || came >= MODEL_NR_CAME)
		return "unknown";
	return names[came];
}
