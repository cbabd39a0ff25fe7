/* SPDX-License-Identifier: MIT */
/*
 * main.c - runs every self-registered unit suite under CUnit.
 *
 *   unit-tests [SUITE-GLOB]    run all suites, or those matching the glob
 *
 * Exit status is 0 only when every assertion passed.
 */
#include <CUnit/Basic.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

static struct unit_suite *suites;

void unit_suite_add(struct unit_suite *s)
{
	s->next = suites;
	suites = s;
}

const char *unit_fixture(const char *rel)
{
	static char path[4096];
	const char *dir = getenv("UNIT_TESTS_DIR");

	snprintf(path, sizeof(path), "%s/%s", dir ? dir : "tests", rel);
	return path;
}

/* Suites register in reverse link order; run them sorted by name. */
static int by_name(const void *a, const void *b)
{
	const struct unit_suite *const *x = a, *const *y = b;

	return strcmp((*x)->name, (*y)->name);
}

int main(int argc, char **argv)
{
	const char *glob = argc > 1 ? argv[1] : "*";
	struct unit_suite *arr[256];
	size_t n = 0;
	unsigned failed;

	for (struct unit_suite *s = suites; s && n < 256; s = s->next)
		arr[n++] = s;
	qsort(arr, n, sizeof(arr[0]), by_name);

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	for (size_t i = 0; i < n; i++) {
		CU_pSuite cs;

		if (fnmatch(glob, arr[i]->name, 0) != 0)
			continue;
		cs = CU_add_suite(arr[i]->name, NULL, NULL);
		if (!cs)
			return 2;
		for (const struct unit_test *t = arr[i]->tests; t->name; t++)
			if (!CU_add_test(cs, t->name, t->fn))
				return 2;
	}
	CU_basic_set_mode(CU_BRM_NORMAL);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() +
		 CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
