/* SPDX-License-Identifier: GPL-2.0 */
/*
 * flags - a table of flag names (value, name) taken from a recording's own
 * __print_flags(), and the rendering libtraceevent gives it: each entry
 * whose bits are all set, in table order, its bits then cleared; what is
 * left over in hex.  Pure code: the table is filled by read-flags.c.
 */
#ifndef _KMEMLAB_FLAGS_H
#define _KMEMLAB_FLAGS_H

#include <stddef.h>
#include <stdint.h>

struct flag_name {
	uint64_t value;
	char *name;
};

struct flag_names {
	struct flag_name *v;
	size_t n;
	char delim[8];		/* between names, "|" for GFP flags */
};

int flag_names_add(struct flag_names *t, uint64_t value, const char *name);
void flag_names_release(struct flag_names *t);
/*
 * "GFP_KERNEL|__GFP_NOWARN" for v into buf; "none" for 0 without a
 * zero-valued entry (show_gfp_flags prints that).  Returns buf, or NULL
 * when the table is empty (the recording had none): show the number.
 */
const char *flag_names_format(const struct flag_names *t, uint64_t v,
			      char *buf, size_t len);

#endif /* _KMEMLAB_FLAGS_H */
