// SPDX-License-Identifier: GPL-2.0
/*
 * Sort keys for the RUNS table: one { name, cmp } registry, parsed from
 * --sort KEY[,KEY] (a '-' before a key sorts it descending), the way perf
 * kmem's sort keys are a table rather than a comparator per option.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"
#include "report.h"
#include "lib/util.h"

static int cmp_u64(uint64_t a, uint64_t b)
{
	return (a > b) - (a < b);
}

static uint64_t waste_ppm(const struct model_run *r)
{
	uint64_t pages = model_run_alloc_pages(r);

	return pages ? model_run_waste_pages(r) * 1000000 / pages : 0;
}

static int by_run(const struct model_run *a, const struct model_run *b)
{
	return cmp_u64(a->id, b->id);
}

static int by_mode(const struct model_run *a, const struct model_run *b)
{
	return cmp_u64((uint64_t)a->mode, (uint64_t)b->mode);
}

static int by_structs(const struct model_run *a, const struct model_run *b)
{
	return cmp_u64(a->nr_structs, b->nr_structs);
}

static int by_pages(const struct model_run *a, const struct model_run *b)
{
	return cmp_u64(a->nr_pages, b->nr_pages);
}

static int by_order(const struct model_run *a, const struct model_run *b)
{
	return cmp_u64(a->order, b->order);
}

static int by_allocated(const struct model_run *a, const struct model_run *b)
{
	return cmp_u64(model_run_alloc_pages(a), model_run_alloc_pages(b));
}

static int by_waste(const struct model_run *a, const struct model_run *b)
{
	return cmp_u64(model_run_waste_pages(a), model_run_waste_pages(b));
}

static int by_waste_pct(const struct model_run *a, const struct model_run *b)
{
	return cmp_u64(waste_ppm(a), waste_ppm(b));
}

static int by_blocks(const struct model_run *a, const struct model_run *b)
{
	return cmp_u64(a->nr_blocks, b->nr_blocks);
}

static int by_lifetime(const struct model_run *a, const struct model_run *b)
{
	return cmp_u64(model_run_lifetime_ns(a), model_run_lifetime_ns(b));
}

static int by_fill(const struct model_run *a, const struct model_run *b)
{
	return cmp_u64(a->fill_ns, b->fill_ns);
}

static int by_verify(const struct model_run *a, const struct model_run *b)
{
	return cmp_u64(a->verify_ns, b->verify_ns);
}

static const struct report_sort_key sort_keys[] = {
	{ "run", by_run },
	{ "mode", by_mode },
	{ "structs", by_structs },
	{ "pages", by_pages },
	{ "order", by_order },
	{ "allocated", by_allocated },
	{ "waste", by_waste },
	{ "waste%", by_waste_pct },
	{ "blocks", by_blocks },
	{ "lifetime", by_lifetime },
	{ "fill_ns", by_fill },
	{ "verify_ns", by_verify },
};

static const struct report_sort_key *find_key(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(sort_keys); i++)
		if (strlen(sort_keys[i].name) == len &&
		    !strncmp(sort_keys[i].name, name, len))
			return &sort_keys[i];
	return NULL;
}

int report_sort_parse(struct report_sort *s, const char *spec)
{
	const char *p = spec;

	memset(s, 0, sizeof(*s));
	while (*p) {
		size_t len = strcspn(p, ",");
		bool desc = *p == '-';
		const struct report_sort_key *k = find_key(p + desc, len - desc);

		if (!k || s->n == REPORT_MAX_SORT_KEYS) {
			errno = EINVAL;
			return -1;
		}
		s->keys[s->n] = k;
		s->desc[s->n++] = desc;
		p += len + (p[len] == ',');
	}
	if (!s->n)
		errno = EINVAL;
	return s->n ? 0 : -1;
}

/* "run, mode, ...": built once from the registry, so it cannot drift. */
const char *report_sort_key_names(void)
{
	static char names[160];
	size_t i, pos = 0;

	if (names[0])
		return names;
	for (i = 0; i < ARRAY_SIZE(sort_keys) && pos < sizeof(names); i++)
		pos += snprintf(names + pos, sizeof(names) - pos, "%s%s",
				i ? ", " : "", sort_keys[i].name);
	return names;
}

struct slot {
	const struct model_run *r;
	size_t pos;		/* order in the recording breaks ties */
};

static int cmp_slots(const void *pa, const void *pb, void *data)
{
	const struct slot *a = pa, *b = pb;
	const struct report_sort *s = data;
	int i, c;

	for (i = 0; i < s->n; i++) {
		c = s->keys[i]->cmp(a->r, b->r);
		if (c)
			return s->desc[i] ? -c : c;
	}
	return cmp_u64(a->pos, b->pos);
}

const struct model_run **report_sorted_runs(const struct model *m,
					    const struct report_sort *s)
{
	size_t i, n = model_nr_runs(m);
	struct slot *v = calloc(n + 1, sizeof(*v));
	const struct model_run **out = calloc(n + 1, sizeof(*out));

	if (!v || !out) {
		free(v);
		free(out);
		return NULL;
	}
	for (i = 0; i < n; i++) {
		v[i].r = model_run_get(m, i);
		v[i].pos = i;
	}
	if (s && s->n)
		qsort_r(v, n, sizeof(*v), cmp_slots, (void *)s);
	for (i = 0; i < n; i++)
		out[i] = v[i].r;
	free(v);
	return out;
}
