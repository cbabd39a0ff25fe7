/* SPDX-License-Identifier: MIT */
/*
 * baseline.c - what changed between a stored result set and this run.
 *
 * A regression is a test that passed in the baseline and now fails or
 * errors; only regressions make a baseline comparison fail.
 */
#include "results.h"

#include <stdlib.h>
#include <string.h>

static const char *const change_names[] = {
    [CTS_CHANGE_REGRESSION] = "regression",
    [CTS_CHANGE_IMPROVEMENT] = "improvement",
    [CTS_CHANGE_NEW] = "new",
    [CTS_CHANGE_MISSING] = "missing",
    [CTS_CHANGE_OTHER] = "changed",
};

static enum cts_change classify(enum cts_verdict before, enum cts_verdict now)
{
	if (before == CTS_PASS && (now == CTS_FAIL || now == CTS_ERROR))
		return CTS_CHANGE_REGRESSION;
	if (before != CTS_PASS && now == CTS_PASS)
		return CTS_CHANGE_IMPROVEMENT;
	return CTS_CHANGE_OTHER;
}

static int add(struct cts_diff *d, size_t *cap, const struct cts_diff_entry *e)
{
	if (d->n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 32;
		struct cts_diff_entry *v = realloc(d->v, ncap * sizeof(*v));

		if (!v)
			return -1;
		d->v = v;
		*cap = ncap;
	}
	d->v[d->n++] = *e;
	d->count[e->change]++;
	return 0;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct cts_diff_entry *x = a, *y = b;

	if (x->change != y->change)
		return (int)x->change - (int)y->change;
	return strcmp(x->id, y->id);
}

int cts_diff_results(const struct cts_result_set *base,
		     const struct cts_result_set *now, struct cts_diff *d,
		     char *err, size_t errlen)
{
	size_t cap = 0;

	memset(d, 0, sizeof(*d));
	for (size_t i = 0; i < now->n; i++) {
		const struct cts_result *r = &now->v[i];
		long j = cts_results_find(base, r->id);
		struct cts_diff_entry e = {
		    .id = r->id,
		    .now = r->verdict,
		    .now_message = r->message ? r->message : "",
		};

		if (j < 0) {
			e.change = CTS_CHANGE_NEW;
		} else {
			e.before = base->v[j].verdict;
			if (e.before == e.now)
				continue;
			e.change = classify(e.before, e.now);
		}
		if (add(d, &cap, &e) < 0)
			goto oom;
	}
	for (size_t i = 0; i < base->n; i++) {
		struct cts_diff_entry e = {
		    .change = CTS_CHANGE_MISSING,
		    .id = base->v[i].id,
		    .before = base->v[i].verdict,
		    .now_message = "",
		};

		if (cts_results_find(now, e.id) >= 0)
			continue;
		if (add(d, &cap, &e) < 0)
			goto oom;
	}
	if (d->n > 1)
		qsort(d->v, d->n, sizeof(d->v[0]), cmp_entry);
	return 0;
oom:
	cts_diff_free(d);
	snprintf(err, errlen, "out of memory");
	return -1;
}

void cts_diff_free(struct cts_diff *d)
{
	free(d->v);
	memset(d, 0, sizeof(*d));
}

void cts_diff_print(const struct cts_diff *d, FILE *f)
{
	for (size_t i = 0; i < d->n; i++) {
		const struct cts_diff_entry *e = &d->v[i];

		fprintf(f, "%s: %s ", change_names[e->change], e->id);
		if (e->change == CTS_CHANGE_NEW)
			fprintf(f, "%s", cts_verdict_name(e->now));
		else if (e->change == CTS_CHANGE_MISSING)
			fprintf(f, "%s -> not run",
				cts_verdict_name(e->before));
		else
			fprintf(f, "%s -> %s", cts_verdict_name(e->before),
				cts_verdict_name(e->now));
		if (e->change == CTS_CHANGE_REGRESSION && *e->now_message)
			fprintf(f, ": %s", e->now_message);
		fputc('\n', f);
	}
	fprintf(f,
		"baseline: %zu regressions, %zu improvements, %zu new, "
		"%zu missing, %zu changed\n",
		d->count[CTS_CHANGE_REGRESSION],
		d->count[CTS_CHANGE_IMPROVEMENT], d->count[CTS_CHANGE_NEW],
		d->count[CTS_CHANGE_MISSING], d->count[CTS_CHANGE_OTHER]);
}
