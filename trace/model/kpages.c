// SPDX-License-Identifier: GPL-2.0
/*
 * The live-page table: a slot per pfn, chunk by chunk.  A slot is 8 bytes
 * (the profile: a 40-byte hash slot per live page, 262,144 of them,
 * spent 39% of a run waiting on memory); a lookup is two loads.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kpages.h"

#define KPAGES_SHIFT	16
#define CHUNK_SLOTS	0x10000u	/* 1 << KPAGES_SHIFT */
#define MAX_FAST_PFN	0x100000000ULL	/* pfns a slot's index covers */

#define ST_LIVE		0x80
#define ST_BLOCK	0x40	/* a module block: its ref is in t->refs */
#define ST_WIDE		0x20	/* the allocation is in t->wide */
#define ST_ORDER	0x1f

struct kslot {
	uint32_t gfp_flags;
	int8_t migratetype;
	uint8_t state;		/* ST_* | order */
	uint16_t unused;
};

void kpages_init(struct kpages *t)
{
	memset(t, 0, sizeof(*t));
	hmap_init(&t->wide, sizeof(struct kpage));
	hmap_init(&t->refs, sizeof(struct block_ref));
}

void kpages_release(struct kpages *t)
{
	size_t i;

	for (i = 0; i < t->nr_chunks; i++)
		free(t->chunks[i]);
	free(t->chunks);
	hmap_release(&t->wide);
	hmap_release(&t->refs);
	kpages_init(t);
}

static struct kslot *find_slot(const struct kpages *t, uint64_t pfn)
{
	uint64_t c = pfn >> KPAGES_SHIFT;

	if (pfn >= MAX_FAST_PFN || c >= t->nr_chunks || !t->chunks[c])
		return NULL;
	return &t->chunks[c][pfn & (CHUNK_SLOTS - 1)];
}

static struct kslot *findnew_slot(struct kpages *t, uint64_t pfn)
{
	uint64_t c = pfn >> KPAGES_SHIFT;

	if (c >= t->nr_chunks) {
		struct kslot **v = realloc(t->chunks, (c + 1) * sizeof(*v));

		if (!v)
			return NULL;
		memset(v + t->nr_chunks, 0, (c + 1 - t->nr_chunks) * sizeof(*v));
		t->chunks = v;
		t->nr_chunks = c + 1;
	}
	if (!t->chunks[c]) {
		t->chunks[c] = calloc(CHUNK_SLOTS, sizeof(struct kslot));
		if (!t->chunks[c])
			return NULL;
	}
	return &t->chunks[c][pfn & (CHUNK_SLOTS - 1)];
}

static bool fits_slot(uint64_t pfn, const struct kpage *kp)
{
	return pfn < MAX_FAST_PFN && kp->gfp_flags <= UINT32_MAX &&
	       kp->migratetype >= INT8_MIN && kp->migratetype <= INT8_MAX &&
	       kp->order <= ST_ORDER;
}

/* kpages_set() for all but the common case, kept out of its way. */
static __attribute__((noinline)) int
set_slow(struct kpages *t, uint64_t pfn, const struct kpage *kp)
{
	struct kslot *s = NULL;
	struct kpage *w;
	int created;

	if (pfn < MAX_FAST_PFN) {
		s = findnew_slot(t, pfn);
		if (!s)
			return -1;
		if (s->state & ST_LIVE)
			kpages_remove(t, pfn);
		if (fits_slot(pfn, kp)) {	/* the common case: one store */
			s->gfp_flags = (uint32_t)kp->gfp_flags;
			s->migratetype = (int8_t)kp->migratetype;
			s->state = ST_LIVE | kp->order;
			t->count++;
			return 0;
		}
	} else if (hmap_find(&t->wide, pfn)) {
		kpages_remove(t, pfn);
	}
	w = hmap_findnew(&t->wide, pfn, &created);
	if (!w)
		return -1;
	*w = *kp;
	w->has_block = false;
	if (s)
		s->state = ST_LIVE | ST_WIDE;
	t->count++;
	return 0;
}

int kpages_set(struct kpages *t, uint64_t pfn, const struct kpage *kp)
{
	uint64_t c = pfn >> KPAGES_SHIFT;
	struct kslot *s;

	/*
	 * Nearly every allocation: its chunk exists (so pfn < 2^32), the
	 * slot is free and the allocation fits it.  Anything else, set_slow().
	 */
	if (c < t->nr_chunks && t->chunks[c] && !(kp->gfp_flags >> 32) &&
	    (unsigned int)kp->migratetype + 128u <= UINT8_MAX &&
	    kp->order <= ST_ORDER) {
		s = &t->chunks[c][pfn & (CHUNK_SLOTS - 1)];
		if (!(s->state & ST_LIVE)) {
			s->gfp_flags = (uint32_t)kp->gfp_flags;
			s->migratetype = (int8_t)kp->migratetype;
			s->state = ST_LIVE | kp->order;
			t->count++;
			return 0;
		}
	}
	return set_slow(t, pfn, kp);
}

bool kpages_get(const struct kpages *t, uint64_t pfn, struct kpage *kp)
{
	const struct kslot *s = find_slot(t, pfn);
	const struct block_ref *ref;
	const struct kpage *w;

	if (s && !(s->state & ST_LIVE))
		return false;
	if (!s || (s->state & ST_WIDE)) {
		w = hmap_find(&t->wide, pfn);
		if (!w)
			return false;
		*kp = *w;
	} else {
		kp->order = s->state & ST_ORDER;
		kp->migratetype = s->migratetype;
		kp->gfp_flags = s->gfp_flags;
		kp->has_block = s->state & ST_BLOCK;
	}
	if (kp->has_block) {
		ref = hmap_find(&t->refs, pfn);
		kp->ref = ref ? *ref : (struct block_ref){ 0 };
	}
	return true;
}

/* kpages_take() of anything but a plain slot, kept out of its way. */
static __attribute__((noinline)) bool
take_slow(struct kpages *t, uint64_t pfn, struct kpage *kp)
{
	if (!kpages_get(t, pfn, kp))
		return false;
	kpages_remove(t, pfn);
	return true;
}

bool kpages_take(struct kpages *t, uint64_t pfn, struct kpage *kp)
{
	struct kslot *s = find_slot(t, pfn);

	/* Nearly every free: a slot holding all of it, no block ref to drop. */
	if (s && (s->state & (ST_LIVE | ST_WIDE | ST_BLOCK)) == ST_LIVE) {
		kp->order = s->state & ST_ORDER;
		kp->migratetype = s->migratetype;
		kp->gfp_flags = s->gfp_flags;
		kp->has_block = false;
		s->state = 0;
		t->count--;
		return true;
	}
	return take_slow(t, pfn, kp);
}

int kpages_link(struct kpages *t, uint64_t pfn, struct block_ref ref)
{
	struct kslot *s = find_slot(t, pfn);
	struct block_ref *r;
	struct kpage *w;
	int created;

	r = hmap_findnew(&t->refs, pfn, &created);
	if (!r)
		return -1;
	*r = ref;
	if (s && !(s->state & ST_WIDE)) {
		s->state |= ST_BLOCK;
		return 0;
	}
	w = hmap_find(&t->wide, pfn);
	if (w)
		w->has_block = true;
	return 0;
}

void kpages_remove(struct kpages *t, uint64_t pfn)
{
	struct kslot *s = find_slot(t, pfn);

	if (s && !(s->state & ST_LIVE))
		return;
	if (!s || (s->state & ST_WIDE)) {
		if (hmap_remove(&t->wide, pfn))
			return;
	}
	if (!s || (s->state & ST_BLOCK) || (s->state & ST_WIDE))
		hmap_remove(&t->refs, pfn);
	if (s)
		s->state = 0;
	t->count--;
}

struct wide_visit {
	void (*fn)(uint64_t pfn, unsigned int order, void *data);
	void *data;
};

static int visit_wide(uint64_t pfn, void *value, void *data)
{
	struct wide_visit *v = data;

	v->fn(pfn, ((struct kpage *)value)->order, v->data);
	return 0;
}

void kpages_for_each(const struct kpages *t,
		     void (*fn)(uint64_t pfn, unsigned int order, void *data),
		     void *data)
{
	struct wide_visit v = { fn, data };
	size_t c, i;

	for (c = 0; c < t->nr_chunks; c++) {
		const struct kslot *chunk = t->chunks[c];

		for (i = 0; chunk && i < CHUNK_SLOTS; i++)
			if ((chunk[i].state & (ST_LIVE | ST_WIDE)) == ST_LIVE)
				fn(((uint64_t)c << KPAGES_SHIFT) | i,
				   chunk[i].state & ST_ORDER, data);
	}
	hmap_for_each(&t->wide, visit_wide, &v);
}
