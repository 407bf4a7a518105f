// SPDX-License-Identifier: GPL-2.0
/*
 * Slot layout: [used byte][pad to 8][key][value].  Keys are hashed with a
 * 64-bit mixer because pfns of one block are consecutive and would cluster
 * under the identity.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hmap.h"

#define HDR 16

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

static unsigned char *slot(const struct hmap *h, size_t i)
{
	return h->slots + i * h->slot_size;
}

static uint64_t slot_key(const unsigned char *s)
{
	uint64_t k;

	memcpy(&k, s + 8, sizeof(k));
	return k;
}

void hmap_init(struct hmap *h, size_t value_size)
{
	memset(h, 0, sizeof(*h));
	h->value_size = value_size;
	h->slot_size = HDR + ((value_size + 7) & ~(size_t)7);
}

void hmap_release(struct hmap *h)
{
	free(h->slots);
	hmap_init(h, h->value_size);
}

static size_t probe(const struct hmap *h, uint64_t key, int *found)
{
	size_t mask = h->cap - 1;
	size_t i = mix(key) & mask;

	while (slot(h, i)[0]) {
		if (slot_key(slot(h, i)) == key) {
			*found = 1;
			return i;
		}
		i = (i + 1) & mask;
	}
	*found = 0;
	return i;
}

void *hmap_find(const struct hmap *h, uint64_t key)
{
	int found;
	size_t i;

	if (!h->cap)
		return NULL;
	i = probe(h, key, &found);
	return found ? slot(h, i) + HDR : NULL;
}

static int grow(struct hmap *h)
{
	struct hmap old = *h;
	size_t ncap = old.cap ? old.cap * 2 : 64;
	size_t i;

	if (ncap > SIZE_MAX / h->slot_size) {
		errno = ENOMEM;
		return -1;
	}
	h->slots = calloc(ncap, h->slot_size);
	if (!h->slots) {
		*h = old;
		return -1;
	}
	h->cap = ncap;
	for (i = 0; i < old.cap; i++) {
		unsigned char *s = slot(&old, i);
		int found;

		if (s[0])
			memcpy(slot(h, probe(h, slot_key(s), &found)), s, h->slot_size);
	}
	free(old.slots);
	return 0;
}

void *hmap_findnew(struct hmap *h, uint64_t key, int *created)
{
	unsigned char *s;
	int found;
	size_t i;

	*created = 0;
	if ((h->count + 1) * 4 > h->cap * 3 && grow(h))
		return NULL;
	i = probe(h, key, &found);
	s = slot(h, i);
	if (!found) {
		memset(s, 0, h->slot_size);
		s[0] = 1;
		memcpy(s + 8, &key, sizeof(key));
		h->count++;
		*created = 1;
	}
	return s + HDR;
}

/* Backward-shift: pull later entries of the same probe run into the hole. */
int hmap_remove(struct hmap *h, uint64_t key)
{
	size_t mask = h->cap - 1;
	size_t hole, i;
	int found;

	if (!h->cap)
		return -1;
	hole = probe(h, key, &found);
	if (!found)
		return -1;
	for (i = (hole + 1) & mask; slot(h, i)[0]; i = (i + 1) & mask) {
		size_t home = mix(slot_key(slot(h, i))) & mask;

		if (((i - home) & mask) >= ((i - hole) & mask)) {
			memcpy(slot(h, hole), slot(h, i), h->slot_size);
			hole = i;
		}
	}
	slot(h, hole)[0] = 0;
	h->count--;
	return 0;
}

int hmap_for_each(const struct hmap *h,
		  int (*fn)(uint64_t key, void *value, void *data), void *data)
{
	size_t i;
	int ret;

	for (i = 0; i < h->cap; i++) {
		unsigned char *s = slot(h, i);

		if (s[0]) {
			ret = fn(slot_key(s), s + HDR, data);
			if (ret)
				return ret;
		}
	}
	return 0;
}
