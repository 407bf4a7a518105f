/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kpages - the kernel's live page allocations (kmem:mm_page_alloc not yet
 * matched by mm_page_free), keyed by pfn.  Every page event of a recording
 * looks here, so it is laid out for the cache: an array indexed by pfn,
 * 8 bytes a pfn, in 64 Ki-pfn chunks allocated only where the recording's
 * pfns fall (a 2 GiB machine: at most 4 MiB).  What does not fit a slot
 * (a pfn above 2^32, GFP flags above 32 bits, a migratetype beyond a
 * byte: only damaged files) goes to a hash table with the same meaning;
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

struct kpages {
	struct kslot **chunks;	/* pfn >> KPAGES_SHIFT -> 64 Ki slots */
	size_t nr_chunks;
	struct hmap wide;	/* pfn -> struct kpage that fits no slot */
	struct hmap refs;	/* pfn -> struct block_ref of has_block pages */
	size_t count;		/* live allocations */
};

void kpages_init(struct kpages *t);
void kpages_release(struct kpages *t);
/* Record an allocation at @pfn (replacing a live one); -1 on ENOMEM. */
int kpages_set(struct kpages *t, uint64_t pfn, const struct kpage *kp);
/* Copy the live allocation at @pfn into @kp; false when none. */
bool kpages_get(const struct kpages *t, uint64_t pfn, struct kpage *kp);
/* Tie the live allocation at @pfn to a module block; -1 on ENOMEM. */
int kpages_link(struct kpages *t, uint64_t pfn, struct block_ref ref);
void kpages_remove(struct kpages *t, uint64_t pfn);
/* kpages_get() then kpages_remove() of a live allocation, in one lookup. */
bool kpages_take(struct kpages *t, uint64_t pfn, struct kpage *kp);
/* Visit every live allocation's order. */
void kpages_for_each(const struct kpages *t,
		     void (*fn)(uint64_t pfn, unsigned int order, void *data),
		     void *data);

#endif /* _KMEMLAB_KPAGES_H */
