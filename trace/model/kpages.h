/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kpages - the kernel's live page allocations (kmem:mm_page_alloc not yet
 * matched by mm_page_free), keyed by pfn.  Every page event of a recording
 * looks here, so it is laid out for the cache: an array indexed by pfn,
 * 2 bytes a pfn, in 64 Ki-pfn chunks allocated only where the recording's
 * pfns fall (a 2 GiB machine: at most 1 MiB).  A slot holds the order and
 * an index into the distinct (GFP flags, migratetype) pairs seen, which a
 * kernel uses a few dozen of (every recording of the VM suites, 6.1 and
 * 6.12: at most 20).  What does not fit a slot (a pfn above 2^32, GFP
 * flags above 32 bits, a migratetype beyond a byte: only damaged files;
 * a pair past the first 255) goes to a hash table with the same meaning;
 * the module block a page belongs to (rare) to another.
 */
#ifndef _KMEMLAB_KPAGES_H
#define _KMEMLAB_KPAGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/hmap.h"

struct block_ref {
	uint32_t run;		/* index in m->runs */
	uint32_t block;
};

/* One live allocation, as the model reads and writes it. */
struct kpage {
	uint8_t order;		/* <= MODEL_MAX_ORDER, checked on insert */
	bool has_block;
	int migratetype;
	uint64_t gfp_flags;
	struct block_ref ref;	/* meaningful when has_block */
};

/*
 * A pfn's slot: 2 bytes.  Its fields are here, not in kpages.c, only so
 * that kpages_set() and kpages_take() can handle the common case inline.
 */
#define KPAGES_SHIFT		16
#define KPAGES_CHUNK_SLOTS	0x10000u	/* 1 << KPAGES_SHIFT */
#define KPAGES_MAX_ATTRS	255		/* what a slot's attr indexes */
#define KPAGES_ATTR_CACHE	64		/* power of two */

#define KSLOT_LIVE	0x80
#define KSLOT_BLOCK	0x40	/* a module block: its ref is in t->refs */
#define KSLOT_WIDE	0x20	/* the allocation is in t->wide */
#define KSLOT_ORDER	0x1f

struct kslot {
	uint8_t attr;		/* index in t->attrs */
	uint8_t state;		/* KSLOT_* | order */
};

/* A live allocation's GFP flags and migratetype, shared by its slots. */
struct kpages_attr {
	uint32_t gfp_flags;
	int32_t migratetype;	/* within int8_t */
};

struct kpages {
	struct kslot **chunks;	/* pfn >> KPAGES_SHIFT -> 64 Ki slots */
	size_t nr_chunks;
	struct kpages_attr attrs[KPAGES_MAX_ATTRS];
	unsigned int nr_attrs;
	unsigned int last_attr;	/* the pair most recently stored */
	/* hash of a pair -> 1 + its index, 0: not cached */
	uint8_t attr_cache[KPAGES_ATTR_CACHE];
	struct hmap wide;	/* pfn -> struct kpage that fits no slot */
	struct hmap refs;	/* pfn -> struct block_ref of has_block pages */
	size_t count;		/* live allocations */
};

void kpages_init(struct kpages *t);
void kpages_release(struct kpages *t);
/* Copy the live allocation at @pfn into @kp; false when none. */
bool kpages_get(const struct kpages *t, uint64_t pfn, struct kpage *kp);
/* Tie the live allocation at @pfn to a module block; -1 on ENOMEM. */
int kpages_link(struct kpages *t, uint64_t pfn, struct block_ref ref);
void kpages_remove(struct kpages *t, uint64_t pfn);
/* kpages_set() and kpages_take() of all but their common case. */
int kpages_set_slow(struct kpages *t, uint64_t pfn, const struct kpage *kp);
bool kpages_take_slow(struct kpages *t, uint64_t pfn, struct kpage *kp);
/* kpages_attr()'s search, and its entry when new; -1 when none is left. */
int kpages_attr_find(struct kpages *t, uint32_t gfp_flags, int migratetype);

/*
 * The index of a (GFP flags, migratetype) pair for a slot, or -1 when
 * all KPAGES_MAX_ATTRS are taken by others.  Inline for the common case:
 * the pair of the allocation before.
 */
static inline int kpages_attr(struct kpages *t, uint32_t gfp_flags,
			      int migratetype)
{
	const struct kpages_attr *a = &t->attrs[t->last_attr];

	if (t->nr_attrs && a->gfp_flags == gfp_flags &&
	    a->migratetype == migratetype)
		return (int)t->last_attr;
	return kpages_attr_find(t, gfp_flags, migratetype);
}

/* What fits a slot, but for the attr index. */
static inline bool kpages_fits(uint64_t pfn, unsigned int order,
			       int migratetype, uint64_t gfp_flags)
{
	return pfn < ((uint64_t)1 << 32) && !(gfp_flags >> 32) &&
	       (unsigned int)migratetype + 128u <= UINT8_MAX &&
	       order <= KSLOT_ORDER;
}

/* The slot of @pfn when its chunk exists (so pfn < 2^32), else NULL. */
static inline struct kslot *kpages_slot(const struct kpages *t, uint64_t pfn)
{
	uint64_t c = pfn >> KPAGES_SHIFT;

	if (c >= t->nr_chunks || !t->chunks[c])
		return NULL;
	return &t->chunks[c][pfn & (KPAGES_CHUNK_SLOTS - 1)];
}

/*
 * kpages_set()'s common case: a free slot of a chunk that exists, and an
 * allocation that fits it.  True when stored; false: nothing changed.
 */
static inline bool kpages_set_fast(struct kpages *t, uint64_t pfn,
				   unsigned int order, int migratetype,
				   uint64_t gfp_flags)
{
	struct kslot *s = kpages_slot(t, pfn);
	int attr;

	if (!s || (s->state & KSLOT_LIVE) ||
	    !kpages_fits(pfn, order, migratetype, gfp_flags))
		return false;
	attr = kpages_attr(t, (uint32_t)gfp_flags, migratetype);
	if (attr < 0)
		return false;
	s->attr = (uint8_t)attr;
	s->state = KSLOT_LIVE | order;
	t->count++;
	return true;
}

/* Record an allocation at @pfn (replacing a live one); -1 on ENOMEM. */
static inline int kpages_set(struct kpages *t, uint64_t pfn,
			     const struct kpage *kp)
{
	if (kpages_set_fast(t, pfn, kp->order, kp->migratetype, kp->gfp_flags))
		return 0;
	return kpages_set_slow(t, pfn, kp);
}

/* The slot of @pfn when it holds all of a live allocation, no block ref. */
static inline struct kslot *kpages_whole_slot(const struct kpages *t,
					      uint64_t pfn)
{
	struct kslot *s = kpages_slot(t, pfn);

	if (s && (s->state & (KSLOT_LIVE | KSLOT_WIDE | KSLOT_BLOCK)) ==
		 KSLOT_LIVE)
		return s;
	return NULL;
}

/*
 * kpages_take()'s common case, for a caller that needs only the order:
 * the order of the allocation taken, or -1 (nothing changed) when
 * kpages_take() is needed.
 */
static inline int kpages_take_order(struct kpages *t, uint64_t pfn)
{
	struct kslot *s = kpages_whole_slot(t, pfn);
	int order;

	if (!s)
		return -1;
	order = s->state & KSLOT_ORDER;
	s->state = 0;
	t->count--;
	return order;
}

/*
 * kpages_get() then kpages_remove() of a live allocation, in one lookup.
 * Inline: nearly every free finds a slot holding all of it, no block ref.
 */
static inline bool kpages_take(struct kpages *t, uint64_t pfn,
			       struct kpage *kp)
{
	struct kslot *s = kpages_whole_slot(t, pfn);

	if (s) {
		kp->order = s->state & KSLOT_ORDER;
		kp->migratetype = t->attrs[s->attr].migratetype;
		kp->gfp_flags = t->attrs[s->attr].gfp_flags;
		kp->has_block = false;
		s->state = 0;
		t->count--;
		return true;
	}
	return kpages_take_slow(t, pfn, kp);
}

/* Visit every live allocation's order. */
void kpages_for_each(const struct kpages *t,
		     void (*fn)(uint64_t pfn, unsigned int order, void *data),
		     void *data);

#endif /* _KMEMLAB_KPAGES_H */
