// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"

/* The longest cell format_simple() writes, and what text keeps free for it. */
#define CELL_MAX	128

/*
 * Cells live one after the other in text, each ending in a NUL: a report
 * has tens of thousands of them, and a string of its own each cost a
 * malloc() and a free() apiece.
 */
struct table {
	int nr_cols;
	const char *const *heads;
	size_t *cells;		/* row-major offsets in text, nr_cells of them */
	size_t nr_cells;
	size_t cap;
	char *text;
	size_t text_len, text_cap;
};

struct table *table_new(int nr_cols, const char *const *heads)
{
	struct table *t;

	if (nr_cols <= 0) {
		errno = EINVAL;
		return NULL;
	}
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->nr_cols = nr_cols;
	t->heads = heads;
	return t;
}

/* @v in base 10 or 16 (lower case), as printf prints it, ending at @end. */
static char *digits(char *end, unsigned long v, unsigned int base)
{
	*--end = '\0';
	do {
		end--;
		*end = "0123456789abcdef"[v % base];
	} while (v /= base);
	return end;
}

/*
 * A report has tens of thousands of cells, nearly all of them text and
 * %s, %u, %lu, %lx or %% with no flag, width or precision: those are
 * written into @buf here, as printf would, without vasprintf()'s setup
 * per cell.  False for any other format, or a cell longer than @buf.
 */
static bool format_simple(char *buf, size_t size, const char *fmt,
			  va_list ap, size_t *out_len)
{
	char num[24], *p = buf, *end = buf + size - 1;
	const char *s;
	size_t len;

	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			if (p == end)
				return false;
			*p++ = *fmt;
			continue;
		}
		switch (*++fmt) {
		case '%':
			s = "%";
			break;
		case 's':
			s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			break;
		case 'u':
			s = digits(num + sizeof(num), va_arg(ap, unsigned int), 10);
			break;
		case 'l':
			if (fmt[1] != 'u' && fmt[1] != 'x')
				return false;
			s = digits(num + sizeof(num), va_arg(ap, unsigned long),
				   *++fmt == 'u' ? 10 : 16);
			break;
		default:
			return false;
		}
		len = strlen(s);
		if (len > (size_t)(end - p))
			return false;
		memcpy(p, s, len);
		p += len;
	}
	*p = '\0';
	*out_len = (size_t)(p - buf);
	return true;
}

/* Room for @n more bytes of text; -1 on ENOMEM. */
static int text_reserve(struct table *t, size_t n)
{
	size_t ncap = t->text_cap ? t->text_cap : 4096;
	char *p;

	if (t->text_cap - t->text_len >= n)
		return 0;
	while (ncap - t->text_len < n)
		ncap *= 2;
	p = realloc(t->text, ncap);
	if (!p)
		return -1;
	t->text = p;
	t->text_cap = ncap;
	return 0;
}

/* A cell format_simple() does not write, by vasprintf(), into text. */
static int cell_vasprintf(struct table *t, const char *fmt, va_list ap,
			  size_t *len)
{
	char *s;

	if (vasprintf(&s, fmt, ap) < 0)
		return -1;
	*len = strlen(s);
	if (text_reserve(t, *len + 1)) {
		free(s);
		return -1;
	}
	memcpy(t->text + t->text_len, s, *len + 1);
	free(s);
	return 0;
}

int table_cell(struct table *t, const char *fmt, ...)
{
	va_list ap, again;
	size_t len;
	int ret = 0;

	if (t->nr_cells == t->cap) {
		size_t ncap = t->cap ? t->cap * 2 : 64;
		size_t *p = realloc(t->cells, ncap * sizeof(*p));

		if (!p)
			return -1;
		t->cells = p;
		t->cap = ncap;
	}
	if (text_reserve(t, CELL_MAX))
		return -1;
	va_start(ap, fmt);
	va_copy(again, ap);
	if (!format_simple(t->text + t->text_len, CELL_MAX, fmt, ap, &len))
		ret = cell_vasprintf(t, fmt, again, &len);
	va_end(again);
	va_end(ap);
	if (ret)
		return -1;
	t->cells[t->nr_cells++] = t->text_len;
	t->text_len += len + 1;
	return 0;
}

static const char *cell(const struct table *t, size_t i)
{
	return t->text + t->cells[i];
}

static const char *head(const struct table *t, int col, bool *left)
{
	const char *h = t->heads[col];

	*left = h[0] == '<';
	return h + *left;
}

static void widths(const struct table *t, size_t *w)
{
	size_t i;
	bool left;

	for (i = 0; i < (size_t)t->nr_cols; i++)
		w[i] = strlen(head(t, i, &left));
	for (i = 0; i < t->nr_cells; i++) {
		size_t len = strlen(cell(t, i));

		if (len > w[i % t->nr_cols])
			w[i % t->nr_cols] = len;
	}
}

static void pad(FILE *out, size_t n)
{
	while (n--)
		putc(' ', out);
}

/* @s in a column @w wide, as "%-*s" (@left) or "%*s" would print it. */
static void put(FILE *out, const char *s, size_t w, bool left, bool last)
{
	size_t len = strlen(s);

	if (!left && len < w)
		pad(out, w - len);
	fwrite(s, 1, len, out);
	if (left && !last && len < w)
		pad(out, w - len);
	fputs(last ? "\n" : "  ", out);
}

void table_print(const struct table *t, FILE *out, const char *indent)
{
	size_t *w = calloc(t->nr_cols, sizeof(*w));
	size_t i, total = 0;
	int c;
	bool left;

	if (!w)
		return;
	widths(t, w);
	fputs(indent, out);
	for (c = 0; c < t->nr_cols; c++) {
		const char *h = head(t, c, &left);

		put(out, h, w[c], left, c == t->nr_cols - 1);
		total += w[c] + (c ? 2 : 0);
	}
	fprintf(out, "%s", indent);
	for (i = 0; i < total; i++)
		fputc('-', out);
	fputc('\n', out);
	for (i = 0; i < t->nr_cells; i++) {
		c = i % t->nr_cols;
		if (!c)
			fputs(indent, out);
		head(t, c, &left);
		put(out, cell(t, i), w[c], left, c == t->nr_cols - 1);
	}
	if (t->nr_cells % t->nr_cols)
		fputc('\n', out);
	free(w);
}

void table_free(struct table *t)
{
	if (!t)
		return;
	free(t->text);
	free(t->cells);
	free(t);
}
