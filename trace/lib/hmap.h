/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hmap - open-addressing hash table keyed by a 64-bit integer (a pfn or a
 * run number), values of a fixed size stored inline.  Linear probing with
 * backward-shift deletion, so removal leaves no tombstones and the table
 * stays as small as what is live.
 */
#ifndef _KMEMLAB_HMAP_H
#define _KMEMLAB_HMAP_H

#include <stddef.h>
#include <stdint.h>

struct hmap {
	unsigned char *slots;
	size_t value_size;
	size_t slot_size;
	size_t cap;		/* power of two, 0 before the first insert */
	size_t count;
};

void hmap_init(struct hmap *h, size_t value_size);
void hmap_release(struct hmap *h);
void *hmap_find(const struct hmap *h, uint64_t key);
void *hmap_findnew(struct hmap *h, uint64_t key, int *created);
int hmap_remove(struct hmap *h, uint64_t key);

/* Visit every entry; stops early when fn returns non-zero. */
int hmap_for_each(const struct hmap *h,
		  int (*fn)(uint64_t key, void *value, void *data), void *data);

#endif /* _KMEMLAB_HMAP_H */
