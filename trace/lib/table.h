/* SPDX-License-Identifier: GPL-2.0 */
/*
 * table - ruled, aligned text tables.  Cells are added left to right; a
 * row ends after the last column.  Widths come from the content, so
 * columns stay aligned whatever the numbers are.
 */
#ifndef _KMEMLAB_TABLE_H
#define _KMEMLAB_TABLE_H

#include <stdio.h>

struct table;

/* A heading that starts with '<' is left-aligned; others right-aligned. */
struct table *table_new(int nr_cols, const char *const *heads);
int table_cell(struct table *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void table_print(const struct table *t, FILE *out, const char *indent);
void table_free(struct table *t);

#endif /* _KMEMLAB_TABLE_H */
