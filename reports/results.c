/* SPDX-License-Identifier: MIT */
/*
 * results.c - the results model: records, names, counts.
 */
#include "results.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const verdict_names[] = {
    [CTS_PASS] = "PASS",
    [CTS_FAIL] = "FAIL",
    [CTS_SKIP] = "SKIP",
    [CTS_ERROR] = "ERROR",
};

static const char *const level_names[] = {
    [CTS_MUST] = "MUST",
    [CTS_SHOULD] = "SHOULD",
    [CTS_MAY] = "MAY",
};

const char *cts_verdict_name(enum cts_verdict v)
{
	if ((unsigned)v < sizeof(verdict_names) / sizeof(verdict_names[0]))
		return verdict_names[v];
	return "?";
}

const char *cts_level_name(enum cts_level l)
{
	if ((unsigned)l < sizeof(level_names) / sizeof(level_names[0]))
		return level_names[l];
	return "?";
}

int cts_verdict_parse(const char *s, enum cts_verdict *out)
{
	for (unsigned i = 0; i < 4; i++) {
		if (!strcmp(s, verdict_names[i])) {
			*out = (enum cts_verdict)i;
			return 0;
		}
	}
	return -1;
}

int cts_level_parse(const char *s, enum cts_level *out)
{
	for (unsigned i = 0; i < 3; i++) {
		if (!strcmp(s, level_names[i])) {
			*out = (enum cts_level)i;
			return 0;
		}
	}
	return -1;
}

void cts_results_init(struct cts_result_set *s)
{
	memset(s, 0, sizeof(*s));
}

static void result_free(struct cts_result *r)
{
	free(r->id);
	free(r->section);
	free(r->requirement);
	free(r->message);
	free(r->expected);
	free(r->seen);
	free(r->notes);
	free(r->pcap);
}

static void meta_free(struct cts_run_meta *m)
{
	free(m->target);
	free(m->date);
	free(m->tool_version);
	memset(m, 0, sizeof(*m));
}

void cts_results_free(struct cts_result_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		result_free(&s->v[i]);
	free(s->v);
	meta_free(&s->meta);
	memset(s, 0, sizeof(*s));
}

/* A copy of s (NULL = ""), cut to max bytes; NULL when out of memory. */
static char *dup_bounded(const char *s, size_t max)
{
	size_t n;
	char *d;

	if (!s)
		s = "";
	n = strnlen(s, max);
	d = malloc(n + 1);
	if (!d)
		return NULL;
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

int cts_results_set_meta(struct cts_result_set *s, const char *target,
			 const char *date, const char *tool_version,
			 uint64_t duration_ms)
{
	struct cts_run_meta m = {0};

	m.target = dup_bounded(target, CTS_RESULT_STR_MAX);
	m.date = dup_bounded(date, 64);
	m.tool_version = dup_bounded(tool_version, 64);
	m.duration_ms = duration_ms;
	if (!m.target || !m.date || !m.tool_version) {
		meta_free(&m);
		return -1;
	}
	meta_free(&s->meta);
	s->meta = m;
	return 0;
}

int cts_results_add(struct cts_result_set *s, const struct cts_result *r,
		    char *err, size_t errlen)
{
	struct cts_result c = {0};

	if (s->n == CTS_RESULTS_MAX) {
		snprintf(err, errlen, "more than %u results", CTS_RESULTS_MAX);
		return -1;
	}
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		struct cts_result *v = realloc(s->v, cap * sizeof(*v));

		if (!v) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		s->v = v;
		s->cap = cap;
	}
	c.level = r->level;
	c.verdict = r->verdict;
	c.duration_ms = r->duration_ms;
	c.id = dup_bounded(r->id, CTS_RESULT_STR_MAX);
	c.section = dup_bounded(r->section, CTS_RESULT_STR_MAX);
	c.requirement = dup_bounded(r->requirement, CTS_RESULT_STR_MAX);
	c.message = dup_bounded(r->message, CTS_RESULT_STR_MAX);
	c.expected = dup_bounded(r->expected, CTS_RESULT_STR_MAX);
	c.seen = dup_bounded(r->seen, CTS_RESULT_STR_MAX);
	c.notes = dup_bounded(r->notes, CTS_RESULT_NOTES_MAX);
	c.pcap = dup_bounded(r->pcap, CTS_RESULT_STR_MAX);
	if (!c.id || !c.section || !c.requirement || !c.message ||
	    !c.expected || !c.seen || !c.notes || !c.pcap) {
		result_free(&c);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	s->v[s->n++] = c;
	return 0;
}

long cts_results_find(const struct cts_result_set *s, const char *id)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i].id, id))
			return (long)i;
	return -1;
}

void cts_results_count(const struct cts_result_set *s, struct cts_counts *c)
{
	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < s->n; i++) {
		switch (s->v[i].verdict) {
		case CTS_PASS:
			c->passed++;
			break;
		case CTS_FAIL:
			c->failed++;
			if ((unsigned)s->v[i].level < 3)
				c->failed_level[s->v[i].level]++;
			break;
		case CTS_SKIP:
			c->skipped++;
			break;
		case CTS_ERROR:
			c->errors++;
			break;
		}
	}
}

static int cmp_result(const void *a, const void *b)
{
	const struct cts_result *x = a, *y = b;

	return strcmp(x->id, y->id);
}

void cts_results_sort(struct cts_result_set *s)
{
	if (s->n > 1)
		qsort(s->v, s->n, sizeof(s->v[0]), cmp_result);
}

void cts_results_date(long long t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) ||
	    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) {
		if (len)
			buf[0] = '\0';
	}
}
