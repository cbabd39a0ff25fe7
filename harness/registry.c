/* SPDX-License-Identifier: MIT */
/*
 * registry.c - the global list of conformance tests and selection by glob.
 *
 * CTS_TEST registers from constructors, before main() runs, so nothing
 * here may fail loudly: problems (allocation failure, duplicate or
 * malformed ids) are kept and reported by cts_registry_check at startup.
 */
#include "cts.h"

#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REGISTRY_MAX 65536u

static struct {
	const struct cts_test **v;
	size_t n, cap;
	size_t lost; /* registrations dropped (out of memory or too many) */
} registry;

void cts_register(const struct cts_test *t)
{
	if (registry.n == registry.cap) {
		size_t cap = registry.cap ? registry.cap * 2 : 256;
		const struct cts_test **v;

		if (cap > REGISTRY_MAX) {
			registry.lost++;
			return;
		}
		v = realloc(registry.v, cap * sizeof(*v));
		if (!v) {
			registry.lost++;
			return;
		}
		registry.v = v;
		registry.cap = cap;
	}
	registry.v[registry.n++] = t;
}

const struct cts_test *const *cts_registry_all(size_t *n)
{
	*n = registry.n;
	return registry.v;
}

/* Appends to err (cut silently when full). */
__attribute__((format(printf, 3, 4))) static void
add_problem(char *err, size_t errlen, const char *fmt, ...)
{
	size_t used = strnlen(err, errlen);
	va_list ap;

	if (used + 1 >= errlen)
		return;
	if (used) {
		err[used++] = ';';
		if (used + 1 >= errlen) {
			err[used] = '\0';
			return;
		}
		err[used++] = ' ';
		err[used] = '\0';
	}
	va_start(ap, fmt);
	vsnprintf(err + used, errlen - used, fmt, ap);
	va_end(ap);
}

/* Dotted words of [a-z0-9_-], at least two of them: "login.stage.x". */
bool cts_id_valid(const char *id)
{
	size_t word = 0, words = 0;

	for (const char *c = id; *c; c++) {
		if (*c == '.') {
			if (word == 0)
				return false;
			words++;
			word = 0;
		} else if ((*c >= 'a' && *c <= 'z') ||
			   (*c >= '0' && *c <= '9') || *c == '-' || *c == '_') {
			word++;
		} else {
			return false;
		}
	}
	return word > 0 && words >= 1;
}

static int cmp_test_id(const void *a, const void *b)
{
	const struct cts_test *const *x = a, *const *y = b;

	return strcmp((*x)->id, (*y)->id);
}

/* A sorted malloc'd copy of v, or NULL when out of memory (n > 0). */
static const struct cts_test **sorted_copy(const struct cts_test *const *v,
					   size_t n)
{
	const struct cts_test **c;

	if (n == 0)
		return NULL;
	c = malloc(n * sizeof(*c));
	if (!c)
		return NULL;
	memcpy(c, v, n * sizeof(*c));
	qsort(c, n, sizeof(*c), cmp_test_id);
	return c;
}

const char *cts_find_duplicate(const struct cts_test *const *all, size_t n)
{
	const struct cts_test **c = sorted_copy(all, n);
	const char *dup = NULL;

	if (!c) {
		/* Out of memory: fall back to the quadratic scan. */
		for (size_t i = 0; i < n && !dup; i++)
			for (size_t j = i + 1; j < n && !dup; j++)
				if (!strcmp(all[i]->id, all[j]->id))
					dup = all[i]->id;
		return dup;
	}
	for (size_t i = 1; i < n && !dup; i++)
		if (!strcmp(c[i - 1]->id, c[i]->id))
			dup = c[i]->id;
	free(c);
	return dup;
}

int cts_check_tests(const struct cts_test *const *v, size_t n, char *err,
		    size_t errlen)
{
	const struct cts_test **c;
	bool bad = false;

	for (size_t i = 0; i < n; i++) {
		const struct cts_test *t = v[i];

		if (!t->id || !cts_id_valid(t->id)) {
			add_problem(err, errlen,
				    "malformed test id '%s' (dotted words of "
				    "a-z 0-9 - _)",
				    t->id ? t->id : "(null)");
			bad = true;
			continue;
		}
		if (!t->section || !*t->section || !t->requirement ||
		    !*t->requirement || !t->fn) {
			add_problem(
			    err, errlen,
			    "test %s lacks a section, requirement or body",
			    t->id);
			bad = true;
		}
		if ((unsigned)t->level > CTS_MAY) {
			add_problem(err, errlen, "test %s has level %d", t->id,
				    (int)t->level);
			bad = true;
		}
	}
	if (bad)
		return -1;
	c = sorted_copy(v, n);
	if (!c && n) {
		add_problem(err, errlen, "out of memory");
		return -1;
	}
	for (size_t i = 1; i < n; i++) {
		/* each duplicated id once, however often it repeats */
		if (!strcmp(c[i - 1]->id, c[i]->id) &&
		    (i < 2 || strcmp(c[i - 2]->id, c[i]->id))) {
			add_problem(err, errlen, "duplicate test id '%s'",
				    c[i]->id);
			bad = true;
		}
	}
	free(c);
	return bad ? -1 : 0;
}

int cts_registry_check(char *err, size_t errlen)
{
	char local[1];
	int rc = 0;

	if (!err || errlen == 0) {
		err = local;
		errlen = sizeof(local);
	}
	err[0] = '\0';
	if (registry.lost) {
		add_problem(err, errlen, "%zu tests could not be registered",
			    registry.lost);
		rc = -1;
	}
	if (cts_check_tests(registry.v, registry.n, err, errlen) < 0)
		rc = -1;
	return rc;
}

static bool matches(const char *id, const char *const *globs, size_t nglobs)
{
	if (nglobs == 0)
		return true;
	for (size_t g = 0; g < nglobs; g++)
		if (fnmatch(globs[g], id, 0) == 0)
			return true;
	return false;
}

long cts_select(const struct cts_test *const *all, size_t n,
		const char *const *globs, size_t nglobs,
		const struct cts_test ***out, char *err, size_t errlen)
{
	const struct cts_test **sel = NULL;
	size_t k = 0;

	*out = NULL;
	for (size_t i = 0; i < n; i++) {
		if (!matches(all[i]->id, globs, nglobs))
			continue;
		if (!sel) {
			sel = malloc(n * sizeof(*sel));
			if (!sel) {
				snprintf(err, errlen, "out of memory");
				return -1;
			}
		}
		sel[k++] = all[i];
	}
	if (k > 1)
		qsort(sel, k, sizeof(*sel), cmp_test_id);
	*out = sel;
	return (long)k;
}
