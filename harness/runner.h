/* SPDX-License-Identifier: MIT */
/*
 * runner.h - runs conformance tests, each in its own process.
 *
 * Each test runs in a forked child with a deadline: a crash, an abort or a
 * hang gives ERROR for that test and the run goes on.  The child sends its
 * verdict to the runner through a pipe; the runner kills it (SIGKILL) when
 * its deadline passes.  Results land in a struct cts_result_set
 * (reports/results.h) in the order the tests were given.
 */
#ifndef ISCSI_CTS_RUNNER_H
#define ISCSI_CTS_RUNNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "cts.h"
#include "results.h"

#define CTS_JOBS_MAX 256u

struct cts_run_opts {
	const struct iscsi_url *target;	   /* what cts_target() returns */
	const struct cts_profile *profile; /* NULL: an empty profile */
	const char *pcap_dir;		   /* NULL: no transcripts written */
	unsigned timeout_ms; /* for tests without their own; 0 = default */
	unsigned jobs;	     /* children at once; 0 or 1 = one at a time */
	bool no_fork;	     /* run in this process (debugging; no deadline) */
	FILE *progress;	     /* a line per test; NULL = silent */
	bool tty;	     /* progress is a terminal: live status line */
	bool verbose;	     /* details under FAIL, ERROR and SKIP lines */
};

/*
 * Runs tests[0..n) and appends one record per test to res, in that order.
 * 0, or -1 with err when the run itself could not go on (out of memory,
 * no pipes): the records of tests already run are kept.
 */
int cts_run(const struct cts_test *const *tests, size_t n,
	    const struct cts_run_opts *o, struct cts_result_set *res, char *err,
	    size_t errlen);

/* The deadline of t under o, in milliseconds. */
unsigned cts_test_timeout_ms(const struct cts_test *t,
			     const struct cts_run_opts *o);

/* Writes "N passed, N failed, N skipped, N errors" (one line), preceded by
 * the failures by level when there are any. */
void cts_run_summary(FILE *f, const struct cts_counts *c);

/* 0 when nothing failed or errored, else 1. */
int cts_run_exit_status(const struct cts_counts *c);

#endif
