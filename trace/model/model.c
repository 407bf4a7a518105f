// SPDX-License-Identifier: GPL-2.0
/*
 * The model: runs, the module's live blocks and the kernel's live pages.
 *
 * Runs live in an array (they are the report); a run number can repeat
 * when the module is reloaded during one recording, so the hash maps a run
 * number to its latest entry.  Blocks and kernel pages are keyed by pfn and
 * dropped when freed, so memory follows what is live.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model-priv.h"

struct model *model_new(void)
{
	struct model *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	hmap_init(&m->run_ids, sizeof(uint32_t));
	hmap_init(&m->blocks, sizeof(struct block_ref));
	kpages_init(&m->kpages);
	m->sys.max_order = MODEL_DEFAULT_MAX_ORDER;
	hmap_init(&m->pcp_freed, sizeof(struct block_ref));
	hmap_init(&m->freeing, sizeof(struct block_ref));
	return m;
}

/* Words of one of a block's page bitmaps (struct model_block page_maps). */
static size_t map_words(uint32_t order)
{
	return ((1u << order) + 63) / 64;
}

static uint64_t *fill_map(const struct model_block *b)
{
	return b->page_maps;
}

static uint64_t *verify_map(const struct model_block *b)
{
	return b->page_maps ? b->page_maps + map_words(b->order) : NULL;
}

static uint64_t *off_map(const struct model_block *b)
{
	return b->page_maps ? b->page_maps + 2 * map_words(b->order) : NULL;
}

static void block_drop_maps(struct model_block *b)
{
	free(b->page_maps);
	b->page_maps = NULL;
}

void model_free(struct model *m)
{
	size_t i;

	if (!m)
		return;
	for (i = 0; i < m->nr_runs; i++) {
		model_run_release(m->runs[i]);
		free(m->runs[i]->kept.failed);
		free(m->runs[i]);
	}
	free(m->runs);
	hmap_release(&m->run_ids);
	hmap_release(&m->blocks);
	kpages_release(&m->kpages);
	free(m->zone_locked);
	free(m->drains);
	free(m->extfrags);
	hmap_release(&m->pcp_freed);
	hmap_release(&m->freeing);
	free(m->ready);
	flag_names_release(&m->gfp);
	free(m);
}

struct flag_names *model_gfp_names(struct model *m)
{
	return &m->gfp;
}

const char *model_gfp_format(const struct model *m, uint64_t flags,
			     char *buf, size_t len)
{
	return flag_names_format(&m->gfp, flags, buf, len);
}

int model_invalid(struct model *m, struct model_run *r)
{
	m->sys.invalid_events++;
	if (r)
		r->invalid_events++;
	errno = EINVAL;
	return -1;
}

static struct model_run *run_add(struct model *m, uint32_t id)
{
	struct model_run *r;
	uint32_t *idx;
	int created;

	m->last_run = NULL;	/* the id may now name another run */
	if (m->nr_runs == m->cap_runs) {
		size_t ncap = m->cap_runs ? m->cap_runs * 2 : 16;
		void *p = realloc(m->runs, ncap * sizeof(*m->runs));

		if (!p)
			return NULL;
		m->runs = p;
		m->cap_runs = ncap;
	}
	idx = hmap_findnew(&m->run_ids, id, &created);
	r = calloc(1, sizeof(*r));
	if (!idx || !r) {
		free(r);
		return NULL;
	}
	r->id = id;
	*idx = m->nr_runs;
	m->runs[m->nr_runs++] = r;
	m->last_run = r;
	return r;
}

/* The run an event belongs to; created (never begun) if its begin was lost. */
static struct model_run *run_findnew(struct model *m, uint32_t id)
{
	uint32_t *idx;

	m->sys.has_kmemlab = true;
	/* a run's page events come in a row: most ask for the last run again */
	if (m->last_run && m->last_run->id == id)
		return m->last_run;
	idx = hmap_find(&m->run_ids, id);
	if (!idx)
		return run_add(m, id);
	if (m->runs[*idx]->retired) {
		/* printed already: what comes after its end cannot count */
		model_invalid(m, m->runs[*idx]);
		return NULL;
	}
	return m->last_run = m->runs[*idx];
}

static uint32_t run_index(const struct model *m, const struct model_run *r)
{
	return *(uint32_t *)hmap_find(&m->run_ids, r->id);
}

/* The largest order the run's kernel serves, as far as the event says. */
static uint32_t plan_max_order(const struct kmemlab_run_begin_ev *ev)
{
	return ev->max_order ? ev->max_order : MODEL_DEFAULT_MAX_ORDER;
}

/*
 * A leaf one level up maps a whole table of the level below, so the shifts
 * grow with the level; with folded levels (fewer than four) two are equal.
 */
static bool geometry_valid(const struct kmemlab_run_begin_ev *ev,
			   unsigned int page_shift)
{
	uint64_t kmax = ev->kmalloc_max_size;

	return ev->max_order <= MODEL_MAX_ORDER &&
	       (!ev->pmd_shift || (ev->pmd_shift > page_shift && ev->pmd_shift < 64)) &&
	       (!ev->pud_shift || (ev->pud_shift > page_shift && ev->pud_shift < 64 &&
				   ev->pud_shift >= ev->pmd_shift)) &&
	       !(kmax & (kmax - 1));
}

struct model_run *model_run_of(struct model *m, uint32_t id)
{
	return run_findnew(m, id);
}

uint32_t model_run_index(const struct model *m, const struct model_run *r)
{
	return run_index(m, r);
}

static bool plan_valid(const struct kmemlab_run_begin_ev *ev)
{
	uint32_t ps = ev->page_size;

	if (ev->mode < 0 || ev->mode >= MODEL_NR_MODES || ps < 512 ||
	    ps > (1u << 21) || (ps & (ps - 1)) || !ev->struct_size ||
	    ev->nr_blocks > MODEL_MAX_BLOCKS)
		return false;
	return ev->order <= plan_max_order(ev) &&
	       geometry_valid(ev, __builtin_ctz(ps));
}

/*
 * What the module did not record follows from the page size: a table holds
 * page_size / 8 entries, so each level's leaf maps that many of the level
 * below (2M/1G on 4 KiB pages, 32M/64G on 16 KiB); kmalloc's limit is
 * SLUB's largest block.
 */
static void run_geometry(struct model *m, struct model_run *r,
			 const struct kmemlab_run_begin_ev *ev)
{
	unsigned int per_table_shift = r->page_shift - 3;

	r->geometry_recorded = ev->max_order != 0;
	r->max_order = plan_max_order(ev);
	r->pmd_shift = ev->pmd_shift ? ev->pmd_shift :
		       r->page_shift + per_table_shift;
	r->pud_shift = ev->pud_shift ? ev->pud_shift :
		       r->pmd_shift + per_table_shift;
	r->kmalloc_max_size = ev->kmalloc_max_size ? ev->kmalloc_max_size :
			      (uint64_t)r->page_size << r->max_order;
	if (r->geometry_recorded &&
	    (!m->sys.max_order_recorded || r->max_order > m->sys.max_order)) {
		m->sys.max_order = r->max_order;
		m->sys.max_order_recorded = true;
	}
}

/* Block orders are held to the run's kernel, or the recording's if unknown. */
static uint32_t run_max_order(const struct model *m, const struct model_run *r)
{
	return r->begun ? r->max_order : m->sys.max_order;
}

int model_handle_run_begin(struct model *m, uint64_t ts, int cpu,
			   const struct kmemlab_run_begin_ev *ev)
{
	struct model_run *r;
	uint32_t *idx;

	(void)cpu;
	model_stamp(m, ts);
	m->sys.has_kmemlab = true;
	if (!plan_valid(ev))
		return model_invalid(m, NULL);
	idx = hmap_find(&m->run_ids, ev->run);
	r = idx ? m->runs[*idx] : NULL;
	if (!r || r->begun || r->retired)
		r = run_add(m, ev->run);
	if (!r)
		return -1;
	r->begun = true;
	r->begin_ts = ts;
	r->mode = ev->mode;
	r->nr_structs = ev->nr_structs;
	r->struct_size = ev->struct_size;
	r->structs_per_page = ev->structs_per_page;
	r->nr_pages = ev->nr_pages;
	r->order = ev->order;
	r->nr_blocks = ev->nr_blocks;
	r->nr_alloc_pages = ev->nr_alloc_pages;
	r->page_size = ev->page_size;
	r->page_shift = __builtin_ctz(ev->page_size);
	run_geometry(m, r, ev);
	return 0;
}

/*
 * The table doubles as blocks arrive, but never past the plan's nr_blocks
 * (a begun run's blocks are held to it): a finished run keeps no spare
 * slots, and the run history is most of what a long recording leaves.
 */
static uint32_t blocks_grow_to(const struct model_run *r, uint32_t n)
{
	uint32_t cap = r->block_cap * 2 > n ? r->block_cap * 2 : n;

	if (r->begun && cap > r->nr_blocks && n <= r->nr_blocks)
		cap = r->nr_blocks;
	return cap;
}

static int blocks_reserve(struct model_run *r, uint32_t block)
{
	uint32_t n = block + 1;
	uint32_t cap = r->block_cap;
	struct model_block *p;

	if (n <= r->nr_block_slots)
		return 0;
	if (n > cap) {
		cap = blocks_grow_to(r, n);
		p = realloc(r->blocks, (size_t)cap * sizeof(*p));
		if (!p)
			return -1;
		r->blocks = p;
		r->block_cap = cap;
	}
	memset(r->blocks + r->nr_block_slots, 0,
	       (size_t)(n - r->nr_block_slots) * sizeof(*r->blocks));
	r->nr_block_slots = n;
	return 0;
}

/* Blocks normally come in order: then the previous block gives the answer. */
static uint32_t first_page_of(const struct model_run *r, uint32_t block)
{
	const struct model_block *prev = block ? &r->blocks[block - 1] : NULL;
	uint32_t i, first = 0;

	if (!prev)
		return 0;
	if (prev->allocated && !prev->failed)
		return prev->first_page + (1u << prev->order);
	for (i = 0; i < block; i++)
		if (r->blocks[i].allocated && !r->blocks[i].failed)
			first += 1u << r->blocks[i].order;
	return first;
}

static int page_maps_new(struct model_block *b)
{
	b->page_maps = calloc(3 * map_words(b->order), sizeof(uint64_t));
	return b->page_maps ? 0 : -1;
}

int model_kernel_link(struct model *m, struct model_run *r,
		      struct model_block *b, const struct kpage *kp)
{
	b->kernel_alloc_seen = true;
	b->kernel_migratetype = kp->migratetype;
	b->kernel_gfp_flags = kp->gfp_flags;
	return kpages_link(&m->kpages, b->pfn,
			   (struct block_ref){ run_index(m, r), b->index });
}

/* The kernel allocated these pages before the module's event: link now. */
static void kernel_view_link(struct model *m, struct model_run *r,
			     struct model_block *b)
{
	struct kpage kp;

	if (kpages_get(&m->kpages, b->pfn, &kp) && kp.order == b->order)
		model_kernel_link(m, r, b, &kp);
}

static int block_go_live(struct model *m, struct model_run *r,
			 struct model_block *b)
{
	struct block_ref ref = { run_index(m, r), b->index };
	int created;

	if (page_maps_new(b))
		return -1;
	if (!model_ref_put(m, &m->blocks, b->pfn, ref, &created))
		return -1;
	kernel_view_link(m, r, b);
	if (!created)
		return model_invalid(m, r);	/* pfn already live: lost free */
	return 0;
}

int model_handle_alloc(struct model *m, uint64_t ts, int cpu,
		       const struct kmemlab_block_ev *ev)
{
	struct model_run *r;
	struct model_block *b;

	(void)cpu;
	model_stamp(m, ts);
	r = run_findnew(m, ev->run);
	if (!r)
		return -1;
	if (ev->order > run_max_order(m, r) || ev->block >= MODEL_MAX_BLOCKS)
		return model_invalid(m, r);
	/* The plan bounds the block table: one bad record cannot inflate it. */
	if (r->begun && ev->block >= r->nr_blocks)
		return model_invalid(m, r);
	if (blocks_reserve(r, ev->block))
		return -1;
	b = &r->blocks[ev->block];
	if (b->allocated)
		return model_invalid(m, r);
	b->index = ev->block;
	b->order = ev->order;
	b->pfn = ev->pfn;
	b->phys = ev->phys;
	b->gfp_flags = ev->gfp_flags;
	b->ret = ev->ret;
	b->alloc_ts = ts;
	b->failed = ev->pfn == MODEL_PFN_NONE || ev->ret < 0;
	b->first_page = first_page_of(r, ev->block);
	b->allocated = true;
	if (b->failed)
		return 0;
	return block_go_live(m, r, b);
}

static unsigned int popcount_diff(const uint64_t *a, const uint64_t *b,
				  uint32_t order)
{
	unsigned int i, n = 0;

	for (i = 0; i < map_words(order); i++)
		n += __builtin_popcountll(a[i] & ~b[i]);
	return n;
}

/* A block leaves the live set: count filled pages that were never verified. */
void model_block_settle(struct model_run *r, struct model_block *b)
{
	if (!b->page_maps)
		return;
	b->unverified = popcount_diff(fill_map(b), verify_map(b), b->order);
	r->unverified += b->unverified;
	block_drop_maps(b);
}

struct model_block *model_live_block(struct model *m, uint64_t pfn,
				     struct model_run **run)
{
	struct block_ref *ref = hmap_find(&m->blocks, pfn);

	if (!ref)
		return NULL;
	*run = m->runs[ref->run];
	return &(*run)->blocks[ref->block];
}

/*
 * Between a block's kmemlab_free and its kmemlab_merge lies one
 * __free_pages(): a per-CPU list freed over its high mark can drain
 * thousands of pages in it, more than the recent-drain ring holds, so the
 * block's own drain is caught by pfn (model_handle_pcpu_drain).  Only
 * blocks with a split event wait: the module that sends one sends the
 * merge that ends the wait.
 */
static int await_merge(struct model *m, struct model_run *r,
		       struct model_block *b)
{
	struct block_ref ref = { model_run_index(m, r), b->index };
	int created;

	return model_ref_put(m, &m->freeing, b->pfn, ref, &created) ? 0 : -1;
}

int model_handle_free(struct model *m, uint64_t ts, int cpu,
		      const struct kmemlab_block_ev *ev)
{
	struct model_run *r, *owner;
	struct model_block *b;

	(void)cpu;
	model_stamp(m, ts);
	r = run_findnew(m, ev->run);
	if (!r)
		return -1;
	if (ev->order > run_max_order(m, r))
		return model_invalid(m, r);
	b = model_live_block(m, ev->pfn, &owner);
	if (!b) {
		r->unmatched_frees++;
		return 0;
	}
	b->freed = true;
	b->free_ts = ts;
	b->free_mismatch = ev->order != b->order || owner != r ||
			   ev->block != b->index;
	model_block_settle(owner, b);
	model_ref_forget(m, &m->blocks, ev->pfn, NULL);
	return b->split ? await_merge(m, owner, b) : 0;
}

static bool block_holds(const struct model_block *b, uint32_t index)
{
	return b->allocated && !b->failed && index >= b->first_page &&
	       index - b->first_page < (1u << b->order);
}

/*
 * The block holding page @index of run @r, or NULL.  vmalloc runs have a
 * block per page, so look where the page would be first, then search.
 */
static struct model_block *page_block(struct model_run *r, uint32_t index)
{
	uint32_t i;

	if (index < r->nr_block_slots && block_holds(&r->blocks[index], index))
		return &r->blocks[index];
	for (i = 0; i < r->nr_block_slots; i++)
		if (block_holds(&r->blocks[i], index))
			return &r->blocks[i];
	return NULL;
}

/* Set a bit; true when it was clear (and the map is live). */
static bool bitmap_set(uint64_t *map, uint32_t bit)
{
	uint64_t mask = 1ULL << (bit % 64);
	bool was_clear;

	if (!map)
		return false;
	was_clear = !(map[bit / 64] & mask);
	map[bit / 64] |= mask;
	return was_clear;
}

static bool page_discontiguous(const struct model_run *r,
			       const struct model_block *b,
			       uint32_t index, uint64_t pfn)
{
	if (r->mode == MODEL_MODE_VMALLOC)
		return false;	/* virtually contiguous only, by design */
	return pfn != b->pfn + (index - b->first_page);
}

static struct model_block *page_event(struct model *m, uint64_t ts,
				      uint32_t run, uint32_t index,
				      uint64_t pfn, struct model_run **rp)
{
	struct model_run *r;
	struct model_block *b;

	model_stamp(m, ts);
	r = run_findnew(m, run);
	*rp = r;
	if (!r)
		return NULL;
	b = page_block(r, index);
	if (!b) {
		r->stray_pages++;
		return NULL;
	}
	if (page_discontiguous(r, b, index, pfn) &&
	    bitmap_set(off_map(b), index - b->first_page)) {
		b->discontiguous++;
		r->discontiguous++;
	}
	return b;
}

int model_handle_translate(struct model *m, uint64_t ts, int cpu,
			   const struct kmemlab_translate_ev *ev)
{
	struct model_run *r;
	struct model_block *b;
	bool bad;

	(void)cpu;
	if (ev->level < 0 || ev->level >= MODEL_NR_LEVELS) {
		model_stamp(m, ts);
		r = run_findnew(m, ev->run);
		return r ? model_invalid(m, r) : -1;
	}
	b = page_event(m, ts, ev->run, ev->index, ev->pfn, &r);
	if (!r || model_walk_note(r, ev))
		return -1;
	bad = !ev->match || ev->phys != ev->ref_phys ||
	      (r->page_size && ev->phys >> r->page_shift != ev->pfn);
	r->pages_translated++;
	r->translate_mismatches += bad;
	if (b) {
		b->translated++;
		b->translate_mismatches += bad;
	}
	return 0;
}

int model_handle_fill(struct model *m, uint64_t ts, int cpu,
		      const struct kmemlab_fill_ev *ev)
{
	struct model_run *r;
	struct model_block *b;

	(void)cpu;
	b = page_event(m, ts, ev->run, ev->index, ev->pfn, &r);
	if (!r)
		return -1;
	r->pages_filled++;
	r->values_filled += ev->count;
	if (b) {
		b->filled++;
		b->values_filled += ev->count;
		bitmap_set(fill_map(b), ev->index - b->first_page);
	}
	return 0;
}

int model_handle_verify(struct model *m, uint64_t ts, int cpu,
			const struct kmemlab_verify_ev *ev)
{
	struct model_run *r;
	struct model_block *b;

	(void)cpu;
	b = page_event(m, ts, ev->run, ev->index, ev->pfn, &r);
	if (!r)
		return -1;
	r->pages_verified++;
	r->values_checked += ev->checked;
	r->value_mismatches += ev->mismatches;
	if (b) {
		b->verified++;
		b->values_checked += ev->checked;
		b->value_mismatches += ev->mismatches;
		bitmap_set(verify_map(b), ev->index - b->first_page);
	}
	return 0;
}

/*
 * Give back what the doubling growth of the run's tables left spare,
 * now that its events are (normally) all in.
 */
static void run_trim(struct model_run *r)
{
	void *p;

	if (r->nr_ranges && r->nr_ranges < r->range_cap) {
		p = realloc(r->ranges, r->nr_ranges * sizeof(*r->ranges));
		if (p) {
			r->ranges = p;
			r->range_cap = r->nr_ranges;
		}
	}
	if (r->nr_block_slots && r->nr_block_slots < r->block_cap) {
		p = realloc(r->blocks, r->nr_block_slots * sizeof(*r->blocks));
		if (p) {
			r->blocks = p;
			r->block_cap = r->nr_block_slots;
		}
	}
}

int model_handle_run_end(struct model *m, uint64_t ts, int cpu,
			 const struct kmemlab_run_end_ev *ev)
{
	struct model_run *r;

	(void)cpu;
	model_stamp(m, ts);
	r = run_findnew(m, ev->run);
	if (!r)
		return -1;
	if (r->ended)
		return model_invalid(m, r);
	r->ended = true;
	r->end_ts = ts;
	r->ret = ev->ret;
	r->end_mismatches = ev->mismatches;
	r->fill_ns = ev->fill_ns;
	r->verify_ns = ev->verify_ns;
	run_trim(r);
	model_run_over(m, r, run_index(m, r));
	return 0;
}
