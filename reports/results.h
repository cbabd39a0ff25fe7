/* SPDX-License-Identifier: MIT */
/*
 * results.h - the one results model: what a run found, test by test.
 *
 * The runner fills it, reports/json.c writes and reads it (the schema is in
 * docs/results-schema.md), junit.c and markdown.c render it, baseline.c
 * compares two of them.  Every string is owned by the set (malloc'd copies).
 */
#ifndef ISCSI_CTS_RESULTS_H
#define ISCSI_CTS_RESULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum cts_level { CTS_MUST, CTS_SHOULD, CTS_MAY };

enum cts_verdict { CTS_PASS, CTS_FAIL, CTS_SKIP, CTS_ERROR };

/* Upper bounds on what one record may hold (report sizes stay bounded). */
#define CTS_RESULT_STR_MAX   4096u  /* message, expected, seen, paths */
#define CTS_RESULT_NOTES_MAX 16384u /* notes, '\n'-separated */
#define CTS_RESULTS_MAX	     100000u

struct cts_result {
	char *id;
	char *section;
	enum cts_level level;
	char *requirement;
	enum cts_verdict verdict;
	char *message;	/* FAIL: the exchange; SKIP: why; ERROR: what broke */
	char *expected; /* FAIL only */
	char *seen;	/* FAIL only */
	char *notes;	/* '\n'-separated lines, "" when none */
	uint64_t duration_ms;
	char *pcap; /* transcript path, "" when none was written */
};

struct cts_run_meta {
	char *target; /* URL, secrets hidden */
	char *date;   /* ISO 8601 UTC: "2024-05-01T12:00:00Z" */
	char *tool_version;
	uint64_t duration_ms;
};

struct cts_result_set {
	struct cts_run_meta meta;
	struct cts_result *v;
	size_t n, cap;
};

struct cts_counts {
	size_t passed, failed, skipped, errors;
	size_t failed_level[3]; /* failures by enum cts_level */
};

/* Names as reports print them: "PASS", "MUST", ... */
const char *cts_verdict_name(enum cts_verdict v);
const char *cts_level_name(enum cts_level l);
/* 0 and the value in *out, or -1 when s is not a name (exact match). */
int cts_verdict_parse(const char *s, enum cts_verdict *out);
int cts_level_parse(const char *s, enum cts_level *out);

void cts_results_init(struct cts_result_set *s);
void cts_results_free(struct cts_result_set *s);
/* 0 or -1 (allocation failure); copies every string (NULL = ""). */
int cts_results_set_meta(struct cts_result_set *s, const char *target,
			 const char *date, const char *tool_version,
			 uint64_t duration_ms);
/* Appends a deep copy of r (NULL strings = ""); 0 or -1 with err. */
int cts_results_add(struct cts_result_set *s, const struct cts_result *r,
		    char *err, size_t errlen);
/* Index of the record with this id, or -1. */
long cts_results_find(const struct cts_result_set *s, const char *id);
void cts_results_count(const struct cts_result_set *s, struct cts_counts *c);
/* Sorts the records by id. */
void cts_results_sort(struct cts_result_set *s);
/* Writes "YYYY-MM-DDTHH:MM:SSZ" for t (seconds since the epoch). */
void cts_results_date(long long t, char *buf, size_t len);

/* ---- reports ------------------------------------------------------------- */

/* JSON (json.c); 0 or -1 with err. */
int cts_results_write_json(const struct cts_result_set *s, const char *path,
			   char *err, size_t errlen);
int cts_results_read_json(const char *path, struct cts_result_set *s, char *err,
			  size_t errlen);
/* The same from/to memory (read: len bytes of text; write: malloc'd,
 * NUL-ended). */
int cts_results_from_json(const char *text, size_t len,
			  struct cts_result_set *s, char *err, size_t errlen);
char *cts_results_to_json(const struct cts_result_set *s, char *err,
			  size_t errlen);

/*
 * JUnit XML (junit.c): one <testsuite> per first id component, a
 * <testcase> per test (classname: the id up to its last dot; name: the
 * rest), with section, level and requirement as properties.
 * Markdown (markdown.c): the summary table, then failures, errors, skips.
 * The _print forms write to f and return 0 or -1 (write error); the
 * _write forms create path: 0 or -1 with err.
 */
int cts_results_print_junit(const struct cts_result_set *s, FILE *f);
int cts_results_write_junit(const struct cts_result_set *s, const char *path,
			    char *err, size_t errlen);
int cts_results_print_markdown(const struct cts_result_set *s, FILE *f);
int cts_results_write_markdown(const struct cts_result_set *s, const char *path,
			       char *err, size_t errlen);

/* Writes s XML-escaped (attr: for an attribute value); bytes XML 1.0 cannot
 * carry (controls, invalid UTF-8) become the text "\xNN". */
void cts_xml_escape(FILE *f, const char *s, bool attr);

/* ---- baseline comparison (baseline.c) ------------------------------------ */

enum cts_change {
	CTS_CHANGE_REGRESSION,	/* PASS before, FAIL or ERROR now */
	CTS_CHANGE_IMPROVEMENT, /* not PASS before, PASS now */
	CTS_CHANGE_NEW,		/* not in the baseline */
	CTS_CHANGE_MISSING,	/* in the baseline, not run now */
	CTS_CHANGE_OTHER,	/* any other change of verdict */
};

struct cts_diff_entry {
	enum cts_change change;
	const char *id;		 /* points into one of the two sets */
	enum cts_verdict before; /* not for CTS_CHANGE_NEW */
	enum cts_verdict now;	 /* not for CTS_CHANGE_MISSING */
	const char *now_message; /* "" when none */
};

struct cts_diff {
	struct cts_diff_entry *v; /* sorted by change, then id */
	size_t n;
	size_t count[5]; /* by enum cts_change */
};

/* Compares `now` with `base`; 0 or -1 (out of memory) with err.  Entries
 * point into both sets: keep them alive while d is used. */
int cts_diff_results(const struct cts_result_set *base,
		     const struct cts_result_set *now, struct cts_diff *d,
		     char *err, size_t errlen);
void cts_diff_free(struct cts_diff *d);
/* One line per entry ("regression: ID PASS -> FAIL: message"), then
 * "baseline: N regressions, N improvements, N new, N missing, N changed". */
void cts_diff_print(const struct cts_diff *d, FILE *f);

#endif
