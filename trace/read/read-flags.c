// SPDX-License-Identifier: GPL-2.0
/*
 * GFP flag names from the recording itself: the __print_flags() table
 * that show_gfp_flags() puts into an event's print format, as
 * libtraceevent parsed it.  The kernel that made the recording names its
 * own bits, so no bit table of ours can go stale.  kmemlab_alloc comes
 * first: libtraceevent parses its format completely, while it can give up
 * on kmem:mm_page_alloc's (its page= argument needs vmemmap_base).
 */
#include <stdlib.h>
#include <string.h>

#include <event-parse.h>

#include "lib/flags.h"
#include "read.h"
#include "lib/util.h"

static const char *const gfp_sources[][2] = {
	{ "kmemlab", "kmemlab_alloc" },
	{ "kmem", "mm_page_alloc" },
	{ "kmem", "kmalloc" },
};

static bool is_gfp_field(const struct tep_print_arg *a)
{
	while (a && a->type == TEP_PRINT_TYPE)
		a = a->typecast.item;
	return a && a->type == TEP_PRINT_FIELD && a->field.name &&
	       !strcmp(a->field.name, "gfp_flags");
}

/* show_gfp_flags() is "flags ? __print_flags(...) : \"none\"": recurse. */
static const struct tep_print_arg *find_flags(const struct tep_print_arg *a,
					      int depth)
{
	const struct tep_print_arg *found = NULL;

	for (; a && !found && depth < 8; a = a->next) {
		if (a->type == TEP_PRINT_FLAGS && is_gfp_field(a->flags.field))
			return a;
		if (a->type == TEP_PRINT_OP)
			found = find_flags(a->op.left, depth + 1) ?:
				find_flags(a->op.right, depth + 1);
		else if (a->type == TEP_PRINT_TYPE)
			found = find_flags(a->typecast.item, depth + 1);
		if (depth)
			break;	/* an operand is one argument, not a list */
	}
	return found;
}

static int copy_table(const struct tep_print_arg *a, struct flag_names *t)
{
	const struct tep_print_flag_sym *s;

	snprintf(t->delim, sizeof(t->delim), "%s",
		 a->flags.delim ? a->flags.delim : "|");
	for (s = a->flags.flags; s; s = s->next) {
		char *end;
		unsigned long long v;

		if (!s->value || !s->str)
			continue;
		v = strtoull(s->value, &end, 0);
		end += strspn(end, "uUlL");	/* C suffixes: 0x800u */
		if (end == s->value || *end)
			continue;	/* a symbol libtraceevent could not evaluate */
		if (flag_names_add(t, v, s->str))
			return -1;
	}
	return 0;
}

int read_gfp_names(struct tep_handle *tep, struct flag_names *t)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(gfp_sources) && !t->n; i++) {
		struct tep_event *ev = tep_find_event_by_name(tep, gfp_sources[i][0],
							      gfp_sources[i][1]);
		const struct tep_print_arg *a;

		if (!ev)
			continue;
		a = find_flags(ev->print_fmt.args, 0);
		if (a && copy_table(a, t))
			return -1;
	}
	return 0;
}
