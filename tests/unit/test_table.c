// SPDX-License-Identifier: GPL-2.0
/*
 * Ruled, aligned tables: what table_print() writes for cells given by
 * each kind of format (a constant, "%s", "%u", any other printf format),
 * against text written out by hand from the layout the header describes:
 * a column as wide as its widest entry, '<' headings left-aligned, others
 * right-aligned, two spaces between columns, the last left-aligned column
 * not padded.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/table.h"

/* 200 'x': longer than a cell format_simple() writes. */
#define X10	"xxxxxxxxxx"
#define X50	X10 X10 X10 X10 X10
#define XS	X50 X50 X50 X50
#define D10	"----------"
#define D50	D10 D10 D10 D10 D10
#define DS	D50 D50 D50 D50		/* the rule under a column of XS */

static void test_print(void **state)
{
	static const char *const heads[] = { "<name", "n", "<note" };
	static const char want[] =
		"  name            n  note\n"
		"  -----------------------\n"
		"  alpha           7  .\n"
		"  b      4294967295  -\n"
		"                -12  3-4\n"
		"  gamma           0  %\n"
		"  z      \n";
	struct table *t = table_new(3, heads);
	char *got = NULL;
	size_t len = 0;
	FILE *out;

	(void)state;
	assert_non_null(t);
	assert_int_equal(table_cell(t, "%s", "alpha"), 0);
	assert_int_equal(table_cell(t, "%u", 7u), 0);
	assert_int_equal(table_cell(t, "."), 0);
	assert_int_equal(table_cell(t, "%s", "b"), 0);
	assert_int_equal(table_cell(t, "%u", 4294967295u), 0);
	assert_int_equal(table_cell(t, "-"), 0);
	assert_int_equal(table_cell(t, "%s", ""), 0);
	assert_int_equal(table_cell(t, "%d", -12), 0);
	assert_int_equal(table_cell(t, "%u-%u", 3u, 4u), 0);
	assert_int_equal(table_cell(t, "%s", "gamma"), 0);
	assert_int_equal(table_cell(t, "%u", 0u), 0);
	assert_int_equal(table_cell(t, "%%"), 0);
	assert_int_equal(table_cell(t, "%s", "z"), 0);	/* a row cut short */
	out = open_memstream(&got, &len);
	assert_non_null(out);
	table_print(t, out, "  ");
	assert_int_equal(fclose(out), 0);
	assert_string_equal(got, want);
	free(got);
	table_free(t);
}

/* Numbers at their limits, and cells only vasprintf() formats. */
static void test_formats(void **state)
{
	static const char *const heads[] = { "<value" };
	static const char want[] =
		"- value\n"
		"- " DS "\n"
		"- 0x7ec28-0x7ec2f\n"
		"- 0x0 ffffffffffffffff\n"
		"- 18446744073709551615 0\n"
		"- -3 +4 2.5\n"
		"- 100%\n"
		"- " XS "\n";
	struct table *t = table_new(1, heads);
	char *got = NULL;
	size_t len = 0;
	FILE *out;

	(void)state;
	assert_non_null(t);
	assert_int_equal(table_cell(t, "0x%lx-0x%lx", 0x7ec28UL, 0x7ec2fUL), 0);
	assert_int_equal(table_cell(t, "0x%lx %lx", 0UL, ~0UL), 0);
	assert_int_equal(table_cell(t, "%lu %u", ~0UL, 0u), 0);
	assert_int_equal(table_cell(t, "%d %+ld %.1f", -3, 4L, 2.5), 0);
	assert_int_equal(table_cell(t, "%u%%", 100u), 0);
	assert_int_equal(table_cell(t, "%s", XS), 0);	/* past 128 bytes */
	out = open_memstream(&got, &len);
	assert_non_null(out);
	table_print(t, out, "- ");
	assert_int_equal(fclose(out), 0);
	assert_string_equal(got, want);
	free(got);
	table_free(t);
}

/* Enough cells to outgrow the table's first buffers, each read back. */
static void test_many_cells(void **state)
{
	static const char *const heads[] = { "n", "<name" };
	char *got = NULL, *want = NULL;
	size_t got_len = 0, want_len = 0;
	FILE *out, *ref;
	struct table *t = table_new(2, heads);
	unsigned int i;

	(void)state;
	assert_non_null(t);
	ref = open_memstream(&want, &want_len);
	assert_non_null(ref);
	/* widths: 2999 * 7 = 20993, 5 digits; "cell-bb7", 8 characters */
	fprintf(ref, "    n  name\n---------------\n");
	for (i = 0; i < 3000; i++) {
		assert_int_equal(table_cell(t, "%u", i * 7), 0);
		assert_int_equal(table_cell(t, "cell-%lx", (unsigned long)i), 0);
		fprintf(ref, "%5u  cell-%x\n", i * 7, i);
	}
	assert_int_equal(fclose(ref), 0);
	out = open_memstream(&got, &got_len);
	assert_non_null(out);
	table_print(t, out, "");
	assert_int_equal(fclose(out), 0);
	assert_string_equal(got, want);
	free(got);
	free(want);
	table_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_print),
		cmocka_unit_test(test_formats),
		cmocka_unit_test(test_many_cells),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
