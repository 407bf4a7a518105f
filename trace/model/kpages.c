// SPDX-License-Identifier: GPL-2.0
/*
 * The live-page table: a slot per pfn, chunk by chunk.  A slot is 2 bytes
 * (the profile: a 40-byte hash slot per live page, 262,144 of them,
 * spent 39% of a run waiting on memory); a lookup is two loads.  The GFP
 * flags and migratetype a slot stands for are in a table of the pairs
 * seen, since only a module block that claims a page ever reads them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kpages.h"

#define MAX_FAST_PFN	0x100000000ULL	/* pfns a slot's index covers */

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
	return &t->chunks[c][pfn & (KPAGES_CHUNK_SLOTS - 1)];
}

static unsigned int attr_hash(uint32_t gfp_flags, int migratetype)
{
	uint32_t h = (gfp_flags ^ (uint32_t)migratetype << 24) * 0x9e3779b1u;

	return h >> 26;		/* KPAGES_ATTR_CACHE == 1 << 6 */
}

int kpages_attr_find(struct kpages *t, uint32_t gfp_flags, int migratetype)
{
	unsigned int h = attr_hash(gfp_flags, migratetype);
	unsigned int i = t->attr_cache[h];
	struct kpages_attr *a;

	if (i && t->attrs[i - 1].gfp_flags == gfp_flags &&
	    t->attrs[i - 1].migratetype == migratetype) {
		t->last_attr = i - 1;
		return (int)(i - 1);
	}
	for (i = 0; i < t->nr_attrs; i++) {
		a = &t->attrs[i];
		if (a->gfp_flags == gfp_flags && a->migratetype == migratetype)
			break;
	}
	if (i == t->nr_attrs) {
		if (t->nr_attrs == KPAGES_MAX_ATTRS)
			return -1;
		t->attrs[i] = (struct kpages_attr){ gfp_flags, migratetype };
		t->nr_attrs++;
	}
	t->attr_cache[h] = (uint8_t)(i + 1);
	t->last_attr = i;
	return (int)i;
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
		t->chunks[c] = calloc(KPAGES_CHUNK_SLOTS, sizeof(struct kslot));
		if (!t->chunks[c])
			return NULL;
	}
	return &t->chunks[c][pfn & (KPAGES_CHUNK_SLOTS - 1)];
}

int kpages_set_slow(struct kpages *t, uint64_t pfn, const struct kpage *kp)
{
	struct kslot *s = NULL;
	struct kpage *w;
	int created, attr = -1;

	if (pfn < MAX_FAST_PFN) {
		s = findnew_slot(t, pfn);
		if (!s)
			return -1;
		if (s->state & KSLOT_LIVE)
			kpages_remove(t, pfn);
		if (kpages_fits(pfn, kp->order, kp->migratetype, kp->gfp_flags))
			attr = kpages_attr(t, (uint32_t)kp->gfp_flags,
					   kp->migratetype);
		if (attr >= 0) {	/* the common case: one store */
			s->attr = (uint8_t)attr;
			s->state = KSLOT_LIVE | kp->order;
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
		s->state = KSLOT_LIVE | KSLOT_WIDE;
	t->count++;
	return 0;
}

bool kpages_get(const struct kpages *t, uint64_t pfn, struct kpage *kp)
{
	const struct kslot *s = find_slot(t, pfn);
	const struct block_ref *ref;
	const struct kpage *w;

	if (s && !(s->state & KSLOT_LIVE))
		return false;
	if (!s || (s->state & KSLOT_WIDE)) {
		w = hmap_find(&t->wide, pfn);
		if (!w)
			return false;
		*kp = *w;
	} else {
		kp->order = s->state & KSLOT_ORDER;
		kp->migratetype = t->attrs[s->attr].migratetype;
		kp->gfp_flags = t->attrs[s->attr].gfp_flags;
		kp->has_block = s->state & KSLOT_BLOCK;
	}
	if (kp->has_block) {
		ref = hmap_find(&t->refs, pfn);
		kp->ref = ref ? *ref : (struct block_ref){ 0 };
	}
	return true;
}

bool kpages_take_slow(struct kpages *t, uint64_t pfn, struct kpage *kp)
{
	if (!kpages_get(t, pfn, kp))
		return false;
	kpages_remove(t, pfn);
	return true;
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
	if (s && !(s->state & KSLOT_WIDE)) {
		s->state |= KSLOT_BLOCK;
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

	if (s && !(s->state & KSLOT_LIVE))
		return;
	if (!s || (s->state & KSLOT_WIDE)) {
		if (hmap_remove(&t->wide, pfn))
			return;
	}
	if (!s || (s->state & KSLOT_BLOCK) || (s->state & KSLOT_WIDE))
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

		for (i = 0; chunk && i < KPAGES_CHUNK_SLOTS; i++)
			if ((chunk[i].state & (KSLOT_LIVE | KSLOT_WIDE)) == KSLOT_LIVE)
				fn(((uint64_t)c << KPAGES_SHIFT) | i,
				   chunk[i].state & KSLOT_ORDER, data);
	}
	hmap_for_each(&t->wide, visit_wide, &v);
}
