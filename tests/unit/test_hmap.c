// SPDX-License-Identifier: GPL-2.0
/* The pfn-keyed hash table: insert, find, backward-shift removal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "lib/hmap.h"

static void test_insert_remove(void **state)
{
	struct hmap h;
	uint64_t k;
	int created;

	(void)state;
	hmap_init(&h, sizeof(uint64_t));
	assert_null(hmap_find(&h, 1));
	assert_int_equal(hmap_remove(&h, 1), -1);
	/* consecutive pfns, as one block's pages are */
	for (k = 0x1000; k < 0x1000 + 5000; k++) {
		uint64_t *v = hmap_findnew(&h, k, &created);

		assert_non_null(v);
		assert_true(created);
		*v = k * 3;
	}
	assert_int_equal(h.count, 5000);
	hmap_findnew(&h, 0x1000, &created);
	assert_false(created);
	for (k = 0x1000; k < 0x1000 + 5000; k += 2)
		assert_int_equal(hmap_remove(&h, k), 0);
	for (k = 0x1000; k < 0x1000 + 5000; k++) {
		uint64_t *v = hmap_find(&h, k);

		if ((k - 0x1000) % 2 == 0) {
			assert_null(v);
		} else {
			assert_non_null(v);
			assert_int_equal(*v, k * 3);
		}
	}
	assert_int_equal(h.count, 2500);
	hmap_release(&h);
}

static int count(uint64_t key, void *value, void *data)
{
	(void)key;
	(void)value;
	(*(int *)data)++;
	return 0;
}

static void test_for_each(void **state)
{
	struct hmap h;
	int n = 0, created, i;

	(void)state;
	hmap_init(&h, 24);
	for (i = 0; i < 100; i++)
		hmap_findnew(&h, (uint64_t)i << 40, &created);
	hmap_for_each(&h, count, &n);
	assert_int_equal(n, 100);
	hmap_release(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_insert_remove),
		cmocka_unit_test(test_for_each),
	};

	return cmocka_run_group_tests_name("hmap", tests, NULL, NULL);
}
