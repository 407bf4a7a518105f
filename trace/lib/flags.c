// SPDX-License-Identifier: GPL-2.0
/* Flag names from a recording's __print_flags(), rendered as it does. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flags.h"

int flag_names_add(struct flag_names *t, uint64_t value, const char *name)
{
	struct flag_name *p = realloc(t->v, (t->n + 1) * sizeof(*p));

	if (!p)
		return -1;
	t->v = p;
	p[t->n].value = value;
	p[t->n].name = strdup(name);
	if (!p[t->n].name)
		return -1;
	t->n++;
	return 0;
}

void flag_names_release(struct flag_names *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->v[i].name);
	free(t->v);
	t->v = NULL;
	t->n = 0;
}

/* Append to buf at *pos, truncating silently (buf stays terminated). */
static void put(char *buf, size_t len, size_t *pos, const char *s)
{
	int n = snprintf(buf + *pos, len - *pos, "%s", s);

	if (n > 0)
		*pos += (size_t)n < len - *pos ? (size_t)n : len - *pos - 1;
}

static const char *zero_name(const struct flag_names *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (!t->v[i].value)
			return t->v[i].name;
	return "none";
}

const char *flag_names_format(const struct flag_names *t, uint64_t v,
			      char *buf, size_t len)
{
	char rest[24];
	size_t i, pos = 0;

	if (!t->n || !len) {
		errno = ENOENT;
		return NULL;
	}
	buf[0] = '\0';
	if (!v) {
		put(buf, len, &pos, zero_name(t));
		return buf;
	}
	for (i = 0; i < t->n && v; i++) {
		uint64_t f = t->v[i].value;

		if (!f || (v & f) != f)
			continue;
		if (pos)
			put(buf, len, &pos, t->delim);
		put(buf, len, &pos, t->v[i].name);
		v &= ~f;
	}
	if (v) {
		snprintf(rest, sizeof(rest), "0x%" PRIx64, v);
		if (pos)
			put(buf, len, &pos, t->delim);
		put(buf, len, &pos, rest);
	}
	return buf;
}
