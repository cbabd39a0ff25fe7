/* SPDX-License-Identifier: MIT */
/*
 * cts.h - conformance test registration, per-test context and verdicts.
 *
 * Every conformance test is written once, with its metadata:
 *
 *	CTS_TEST(login_transit_no_t, "login.stage.transit-without-t-bit",
 *		 "7143 11.12.2", CTS_MUST,
 *		 "T=0 with NSG != CSG is rejected")
 *	{
 *		...
 *		if (seen != expected)
 *			cts_fail(ctx, "status 0x0200", buf,
 *				 "Login Request T=0 CSG=0 NSG=1 -> Login
 *Response");
 *	}
 *
 * The macro defines the body and registers the test from a constructor;
 * the runner selects tests by glob on the dotted id and runs each one in a
 * child process with a deadline (runner.h).
 *
 * A body records its verdict through the context: no call = PASS;
 * cts_fail = FAIL (with the test's section and level); cts_skip = SKIP;
 * cts_error = ERROR (the harness could not reach a verdict).  The first of
 * fail/skip/error decides; later calls add notes.
 */
#ifndef ISCSI_CTS_CTS_H
#define ISCSI_CTS_CTS_H

#include <stdbool.h>
#include <stddef.h>

#include "results.h" /* enum cts_level, enum cts_verdict */

struct cts_ctx;
struct cts_profile;    /* profile.h */
struct cts_transcript; /* engine.h */
struct iscsi_url;      /* url.h */

struct cts_test {
	const char *id;	      /* dotted: "login.stage.transit-without-t-bit" */
	const char *section;  /* "7143 11.12.2" [; "3720 10.12.2"] */
	enum cts_level level; /* CTS_MUST, CTS_SHOULD, CTS_MAY */
	const char *requirement; /* one line */
	void (*fn)(struct cts_ctx *ctx);
	unsigned timeout_ms; /* 0 = the run's default */
	/* The iscsi-reftgt defect(s) (comma-separated --defect names) that
	 * break this test's rule: the sensitivity check runs the test
	 * against the reference target with each and expects FAIL. */
	const char *defect;
};

/* Default per-test deadline when neither the test nor --timeout sets one. */
#define CTS_TIMEOUT_DEFAULT_MS 30000u

/* ---- registration (registry.c) ------------------------------------------ */

/* Called by CTS_TEST's constructor; never fails (problems are reported by
 * cts_registry_check). */
void cts_register(const struct cts_test *t);

#define CTS_TEST_FULL(sym, id_, section_, level_, requirement_, ms_,         \
		      defect_)                                                 \
	static void sym(struct cts_ctx *ctx);                                  \
	static const struct cts_test sym##_cts_test = {                        \
	    (id_), (section_), (level_), (requirement_), sym, (ms_), (defect_)}; \
	__attribute__((constructor)) static void sym##_cts_register(void)      \
	{                                                                      \
		cts_register(&sym##_cts_test);                                 \
	}                                                                      \
	static void sym(struct cts_ctx *ctx)

#define CTS_TEST_TIMEOUT(sym, id_, section_, level_, requirement_, ms_)        \
	CTS_TEST_FULL(sym, id_, section_, level_, requirement_, ms_, NULL)

/* A test with the reference-target defect that proves it can fail. */
#define CTS_TEST_D(sym, id_, section_, level_, requirement_, defect_)         \
	CTS_TEST_FULL(sym, id_, section_, level_, requirement_, 0u, defect_)

#define CTS_TEST(sym, id_, section_, level_, requirement_)                     \
	CTS_TEST_TIMEOUT(sym, id_, section_, level_, requirement_, 0u)

/*
 * 0 when the global registry is sound; -1 with every problem found (a
 * duplicate id, an id that is not dotted lower-case words, a missing
 * section or requirement, an allocation failure while registering) in err.
 */
int cts_registry_check(char *err, size_t errlen);

/* Every registered test, in registration order (n in *n). */
const struct cts_test *const *cts_registry_all(size_t *n);

/*
 * Selects from `all` (n entries) the tests whose id matches at least one of
 * the globs (fnmatch(3) on the dotted id; no globs = all), sorted by id.
 * Returns the count and a malloc'd array in *out (free() it; NULL when the
 * count is 0), or -1 with a reason in err.
 */
long cts_select(const struct cts_test *const *all, size_t n,
		const char *const *globs, size_t nglobs,
		const struct cts_test ***out, char *err, size_t errlen);

/*
 * The checks of cts_registry_check on any list: 0, or -1 with every
 * problem appended to err (which must hold a string, "" at first).
 */
int cts_check_tests(const struct cts_test *const *v, size_t n, char *err,
		    size_t errlen);

/* Dotted words of [a-z0-9_-], at least two: "login.stage.x". */
bool cts_id_valid(const char *id);

/* First duplicate id in `all`, or NULL when ids are unique. */
const char *cts_find_duplicate(const struct cts_test *const *all, size_t n);

/* ---- verdicts (runner.c / ctx.c), called by test bodies ------------------ */

/* FAIL with the test's section and level; fmt names the PDU exchange. */
void cts_fail(struct cts_ctx *ctx, const char *expected, const char *seen,
	      const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void cts_skip(struct cts_ctx *ctx, const char *why, ...)
    __attribute__((format(printf, 2, 3)));
/* The harness could not reach a verdict (target unreachable, engine error). */
void cts_error(struct cts_ctx *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Which of several allowed behaviours was seen (goes into the report). */
void cts_note(struct cts_ctx *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* True once cts_fail, cts_skip or cts_error has been called. */
bool cts_failed(const struct cts_ctx *ctx);

/* ---- accessors ----------------------------------------------------------- */

const struct cts_test *cts_test_of(const struct cts_ctx *ctx);
const struct iscsi_url *cts_target(const struct cts_ctx *ctx);
const struct cts_profile *cts_profile(const struct cts_ctx *ctx);
struct cts_transcript *cts_transcript(struct cts_ctx *ctx);
/* Milliseconds left before this test's deadline (0 once it has passed). */
unsigned cts_deadline_ms(const struct cts_ctx *ctx);
/* Runs fn(arg) when the test ends, last registered first. */
void cts_defer(struct cts_ctx *ctx, void (*fn)(void *), void *arg);

#endif
