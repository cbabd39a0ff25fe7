/* SPDX-License-Identifier: MIT */
/*
 * unit.h - self-registering CUnit suites.
 *
 * Each tests/unit/test_*.c file declares its suite once with UNIT_SUITE;
 * a constructor links it into a list that main.c hands to CUnit, so no
 * central list has to be edited when a file is added.
 */
#ifndef ISCSI_CTS_UNIT_H
#define ISCSI_CTS_UNIT_H

#include <CUnit/CUnit.h>

struct unit_test {
	const char *name; /* named after the rule it checks */
	void (*fn)(void);
};

struct unit_suite {
	const char *name;
	const struct unit_test *tests; /* ends with {NULL, NULL} */
	struct unit_suite *next;
};

void unit_suite_add(struct unit_suite *s);

/* Path of a fixture file under tests/ (the binary's working directory may vary). */
const char *unit_fixture(const char *rel);

#define UNIT_TEST(fn) {#fn, fn}

#define UNIT_SUITE(sym, label, ...)                                            \
	static const struct unit_test sym##_tests[] = {__VA_ARGS__,            \
						       {NULL, NULL}};          \
	static struct unit_suite sym##_suite = {label, sym##_tests, NULL};     \
	__attribute__((constructor)) static void sym##_register(void)          \
	{                                                                      \
		unit_suite_add(&sym##_suite);                                  \
	}

#endif
