// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of flag-name rendering on a small table laid out as the
 * kernel's show_gfp_flags() lists it (composite names first).  Expected
 * strings are spelled out by hand: 0x6cc0 = GFP_KERNEL (0xcc0) | 0x2000
 * (__GFP_NOWARN) | 0x4000 (__GFP_RETRY_MAYFAIL).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lib/flags.h"

static void table(struct flag_names *t)
{
	memset(t, 0, sizeof(*t));
	strcpy(t->delim, "|");
	assert_int_equal(flag_names_add(t, 0xcc0, "GFP_KERNEL"), 0);
	assert_int_equal(flag_names_add(t, 0x40, "__GFP_IO"), 0);
	assert_int_equal(flag_names_add(t, 0x2000, "__GFP_NOWARN"), 0);
	assert_int_equal(flag_names_add(t, 0x4000, "__GFP_RETRY_MAYFAIL"), 0);
	assert_int_equal(flag_names_add(t, 0x40000, "__GFP_COMP"), 0);
}

static void test_names(void **state)
{
	struct flag_names t;
	char buf[128];

	(void)state;
	table(&t);
	assert_string_equal(flag_names_format(&t, 0x6cc0, buf, sizeof(buf)),
			    "GFP_KERNEL|__GFP_NOWARN|__GFP_RETRY_MAYFAIL");
	/* a composite's bits are taken once: no __GFP_IO after GFP_KERNEL */
	assert_string_equal(flag_names_format(&t, 0x46cc0, buf, sizeof(buf)),
			    "GFP_KERNEL|__GFP_NOWARN|__GFP_RETRY_MAYFAIL|__GFP_COMP");
	assert_string_equal(flag_names_format(&t, 0x42, buf, sizeof(buf)),
			    "__GFP_IO|0x2");
	assert_string_equal(flag_names_format(&t, 0x1, buf, sizeof(buf)), "0x1");
	assert_string_equal(flag_names_format(&t, 0, buf, sizeof(buf)), "none");
	flag_names_release(&t);
}

static void test_empty_and_short(void **state)
{
	struct flag_names t = { 0 };
	char buf[8];

	(void)state;
	assert_null(flag_names_format(&t, 0x6cc0, buf, sizeof(buf)));
	table(&t);
	/* truncated, still terminated */
	assert_string_equal(flag_names_format(&t, 0x6cc0, buf, sizeof(buf)), "GFP_KER");
	flag_names_release(&t);
	assert_int_equal(t.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_empty_and_short),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
