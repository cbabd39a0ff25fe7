/* SPDX-License-Identifier: MIT */
/*
 * ctx.h - the per-test context behind cts.h, and the verdict record a test
 * process sends to the runner (internal to harness/: tests use cts.h).
 */
#ifndef ISCSI_CTS_CTX_H
#define ISCSI_CTS_CTX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cts.h"

#define CTS_OUT_STR_MAX	  1024u
#define CTS_OUT_NOTES_MAX 8192u
#define CTS_DEFER_MAX	  256u
/* Largest serialized record: every field full, plus framing. */
#define CTS_RECORD_MAX (8u * 1024u + 5u * 1024u + 256u)

/* What one test found: the child's half of a struct cts_result. */
struct cts_outcome {
	enum cts_verdict verdict;
	char message[CTS_OUT_STR_MAX];
	char expected[CTS_OUT_STR_MAX];
	char seen[CTS_OUT_STR_MAX];
	char notes[CTS_OUT_NOTES_MAX]; /* '\n'-separated */
	char pcap[CTS_OUT_STR_MAX];
	uint64_t duration_ms;
};

struct cts_defer {
	void (*fn)(void *);
	void *arg;
};

struct cts_ctx {
	const struct cts_test *test;
	const struct iscsi_url *target;
	const struct cts_profile *profile;
	struct cts_transcript *transcript;
	uint64_t deadline_ns; /* CLOCK_MONOTONIC */
	bool decided;	      /* fail, skip or error recorded */
	struct cts_outcome out;
	struct cts_defer *defers;
	size_t ndefers, capdefers;
};

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t cts_now_ns(void);

/* Prepares ctx for t with `budget_ms` before its deadline (nothing
 * allocated; the transcript may be NULL). */
void cts_ctx_init(struct cts_ctx *ctx, const struct cts_test *t,
		  const struct iscsi_url *target,
		  const struct cts_profile *profile,
		  struct cts_transcript *transcript, unsigned budget_ms);

/* Runs the body, then the deferred cleanups (last first); fills
 * ctx->out.duration_ms and frees the defer list. */
void cts_ctx_exec(struct cts_ctx *ctx);

/* Appends a line to ctx->out.notes (marks the cut when full). */
void cts_ctx_add_note(struct cts_ctx *ctx, const char *line);

/*
 * The record: a list of {tag u8, length u32 big-endian, bytes}, ending with
 * tag 'Z'.  Encode returns the length written into buf (at least
 * CTS_RECORD_MAX bytes); decode returns 0, or -1 when buf is not one whole,
 * well-formed record.
 */
size_t cts_record_encode(const struct cts_outcome *o, uint8_t *buf);
int cts_record_decode(const uint8_t *buf, size_t len, struct cts_outcome *o);

#endif
