/* SPDX-License-Identifier: MIT */
/* test_defects.c - the defect catalog: names unique, lookup, enabling. */
#include <string.h>

#include "defects.h"
#include "unit.h"

/* Every defect names the rule it breaks, and names are unique. */
static void catalog_rows_complete_and_unique(void)
{
	for (unsigned i = 0; i < DEFECT_COUNT; i++) {
		const struct defect_info *a = defect_info(i);

		CU_ASSERT_PTR_NOT_NULL_FATAL(a);
		CU_ASSERT(a->name && a->name[0]);
		CU_ASSERT(a->section && a->section[0]);
		CU_ASSERT(a->what && a->what[0]);
		for (unsigned j = i + 1; j < DEFECT_COUNT; j++)
			CU_ASSERT(strcmp(a->name, defect_info(j)->name) != 0);
	}
	CU_ASSERT_PTR_NULL(defect_info(DEFECT_COUNT));
}

/* Defects are off unless named; naming one turns on that one only. */
static void enable_by_name_sets_one_bit(void)
{
	struct defect_set s = {{0}};
	char err[128];

	for (unsigned i = 0; i < DEFECT_COUNT; i++)
		CU_ASSERT(!defect_on(&s, i));
	CU_ASSERT_EQUAL(defect_enable(&s, "no-lun0", err, sizeof(err)), 0);
	for (unsigned i = 0; i < DEFECT_COUNT; i++)
		CU_ASSERT_EQUAL(defect_on(&s, i), i == DEFECT_NO_LUN0);
	CU_ASSERT_EQUAL(defect_enable(&s, "no-such-defect", err, sizeof(err)),
			-1);
	CU_ASSERT(strstr(err, "no-such-defect") != NULL);
}

UNIT_SUITE(defects, "reftgt.defects", UNIT_TEST(catalog_rows_complete_and_unique),
	   UNIT_TEST(enable_by_name_sets_one_bit))
