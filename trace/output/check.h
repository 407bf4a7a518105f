/* SPDX-License-Identifier: GPL-2.0 */
/* The lab's invariants on a finished model (check.c). */
#ifndef _KMEMLAB_CHECK_H
#define _KMEMLAB_CHECK_H

struct model;
struct read_stats;

/*
 * Print one line per violated invariant, prefixed "path: ", to stdout;
 * return how many there were.
 */
unsigned int check_model(const struct model *m, const struct read_stats *st,
			 const char *path);

#endif /* _KMEMLAB_CHECK_H */
