/* SPDX-License-Identifier: MIT */
/*
 * test_h_runner.c - the conformance runner: registration checks, globbing,
 * verdicts, crash and deadline isolation, parallel jobs, the verdict
 * record, progress lines and profiles.
 *
 * The tests run here are explicit struct cts_test lists handed to cts_run,
 * never CTS_TEST registrations, so the global registry stays untouched.
 * Their bodies run in child processes: no CUnit assertion inside them.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ctx.h"
#include "cts.h"
#include "profile.h"
#include "runner.h"
#include "unit.h"
#include "url.h"

static struct iscsi_url target;

static void body_pass(struct cts_ctx *ctx)
{
	(void)ctx;
}

static void body_fail(struct cts_ctx *ctx)
{
	cts_fail(ctx, "status 0x0200", "status 0x0000",
		 "Login Request T=0 CSG=0 NSG=1 -> Login Response");
}

static void body_skip(struct cts_ctx *ctx)
{
	cts_skip(ctx, "target has %d LUN", 1);
}

static void body_error(struct cts_ctx *ctx)
{
	cts_error(ctx, "connect: refused");
}

static void body_segv(struct cts_ctx *ctx)
{
	(void)ctx;
	raise(SIGSEGV);
}

static void body_abort(struct cts_ctx *ctx)
{
	(void)ctx;
	abort();
}

static void body_exit3(struct cts_ctx *ctx)
{
	(void)ctx;
	_exit(3);
}

static void body_hang(struct cts_ctx *ctx)
{
	(void)ctx;
	for (int i = 0; i < 100; i++)
		sleep(1);
}

static void body_nap(struct cts_ctx *ctx)
{
	struct timespec ts = {0, 300 * 1000000L};

	(void)ctx;
	nanosleep(&ts, NULL);
}

/* Records the order of cleanups and the state seen, as notes. */
static void note_cleanup(void *arg)
{
	struct cts_ctx *ctx = arg;

	cts_note(ctx, "cleanup %s", cts_failed(ctx) ? "after-fail" : "ok");
}

static void note_cleanup2(void *arg)
{
	cts_note(arg, "cleanup first");
}

static void body_multi(struct cts_ctx *ctx)
{
	cts_defer(ctx, note_cleanup, ctx);
	cts_defer(ctx, note_cleanup2, ctx);
	cts_note(ctx, "saw reject");
	cts_fail(ctx, "A", "B", "first");
	cts_fail(ctx, "C", "D", "second");
	cts_skip(ctx, "late skip");
}

static void body_deadline(struct cts_ctx *ctx)
{
	unsigned left = cts_deadline_ms(ctx);

	/* budget 2000 ms minus the runner's margin of 200 ms */
	if (left > 1800 || left < 1500)
		cts_fail(ctx, "1500..1800", "other", "deadline %u", left);
	if (!cts_target(ctx) || strcmp(cts_target(ctx)->host, "192.0.2.7"))
		cts_fail(ctx, "192.0.2.7", "other", "target");
	if (!cts_profile(ctx) || !cts_profile_has_lun(cts_profile(ctx), 0))
		cts_fail(ctx, "LUN 0", "none", "profile");
	if (!cts_transcript(ctx))
		cts_fail(ctx, "a transcript", "NULL", "transcript");
	if (strcmp(cts_test_of(ctx)->id, "h.deadline"))
		cts_fail(ctx, "h.deadline", cts_test_of(ctx)->id, "test");
}

#define T(id, lvl, fn, ms)                                                     \
	{                                                                      \
		id, "7143 11.12.2", lvl, "req " id, fn, ms, NULL                   \
	}

static const struct cts_test t_pass = T("h.pass", CTS_MUST, body_pass, 0);
static const struct cts_test t_fail = T("h.fail", CTS_MUST, body_fail, 0);
static const struct cts_test t_fail_should =
    T("h.fail-should", CTS_SHOULD, body_fail, 0);
static const struct cts_test t_skip = T("h.skip", CTS_MAY, body_skip, 0);
static const struct cts_test t_error = T("h.error", CTS_MUST, body_error, 0);
static const struct cts_test t_segv = T("h.segv", CTS_MUST, body_segv, 0);
static const struct cts_test t_abort = T("h.abort", CTS_MUST, body_abort, 0);
static const struct cts_test t_exit3 = T("h.exit3", CTS_MUST, body_exit3, 0);
static const struct cts_test t_hang = T("h.hang", CTS_MUST, body_hang, 300);
static const struct cts_test t_multi = T("h.multi", CTS_MUST, body_multi, 0);
static const struct cts_test t_deadline =
    T("h.deadline", CTS_MUST, body_deadline, 2000);
static const struct cts_test t_nap[4] = {
    T("h.nap-1", CTS_MUST, body_nap, 0),
    T("h.nap-2", CTS_MUST, body_nap, 0),
    T("h.nap-3", CTS_MUST, body_nap, 0),
    T("h.nap-4", CTS_MUST, body_nap, 0),
};

static uint64_t now_ms(void)
{
	return cts_now_ns() / 1000000u;
}

/* Runs the list with jobs children, silently; 0 on success. */
static int run_list(const struct cts_test *const *v, size_t n, unsigned jobs,
		    struct cts_result_set *res)
{
	struct cts_run_opts o = {0};
	char err[256];

	o.target = &target;
	o.jobs = jobs;
	o.timeout_ms = 10000;
	cts_results_init(res);
	return cts_run(v, n, &o, res, err, sizeof(err));
}

static void setup_target(void)
{
	char err[128];

	CU_ASSERT_EQUAL_FATAL(iscsi_url_parse("iscsi://192.0.2.7/iqn.2024-01."
					      "org.example:t/0",
					      &target, err, sizeof(err)),
			      0);
}

/* ---- registration and selection ----------------------------------------- */

/* Globs select by fnmatch on the dotted id; the result is sorted by id. */
static void select_glob_sorted_union(void)
{
	static const struct cts_test a =
	    T("login.stage.b", CTS_MUST, body_pass, 0);
	static const struct cts_test b =
	    T("login.stage.a", CTS_MUST, body_pass, 0);
	static const struct cts_test c = T("nop.ping", CTS_MUST, body_pass, 0);
	static const struct cts_test d =
	    T("text.c-bit", CTS_MUST, body_pass, 0);
	const struct cts_test *all[] = {&a, &b, &c, &d};
	const char *globs[] = {"login.*", "text.*", "login.stage.a"};
	const char *none[] = {"scsi.*"};
	const struct cts_test **sel;
	char err[64];

	CU_ASSERT_EQUAL(cts_select(all, 4, globs, 3, &sel, err, sizeof(err)),
			3);
	CU_ASSERT_STRING_EQUAL(sel[0]->id, "login.stage.a");
	CU_ASSERT_STRING_EQUAL(sel[1]->id, "login.stage.b");
	CU_ASSERT_STRING_EQUAL(sel[2]->id, "text.c-bit");
	free(sel);
	CU_ASSERT_EQUAL(cts_select(all, 4, NULL, 0, &sel, err, sizeof(err)), 4);
	CU_ASSERT_STRING_EQUAL(sel[2]->id, "nop.ping");
	free(sel);
	CU_ASSERT_EQUAL(cts_select(all, 4, none, 1, &sel, err, sizeof(err)), 0);
	CU_ASSERT_PTR_NULL(sel);
}

/* Test ids are unique: a duplicate is reported. */
static void registry_duplicate_id_reported(void)
{
	static const struct cts_test a = T("login.x", CTS_MUST, body_pass, 0);
	static const struct cts_test b = T("login.y", CTS_MUST, body_pass, 0);
	static const struct cts_test c = T("login.x", CTS_SHOULD, body_pass, 0);
	const struct cts_test *ok[] = {&a, &b};
	const struct cts_test *dup[] = {&a, &b, &c};
	char err[256] = "";

	CU_ASSERT_PTR_NULL(cts_find_duplicate(ok, 2));
	CU_ASSERT_EQUAL(cts_check_tests(ok, 2, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(cts_find_duplicate(dup, 3), "login.x");
	CU_ASSERT_EQUAL(cts_check_tests(dup, 3, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "duplicate test id 'login.x'"));
}

/* Ids are dotted lower-case words; metadata is complete. */
static void registry_malformed_id_reported(void)
{
	static const struct cts_test up = T("Login.x", CTS_MUST, body_pass, 0);
	static const struct cts_test nodot = T("login", CTS_MUST, body_pass, 0);
	static const struct cts_test nosec = {"login.z", "",	    CTS_MUST,
					      "r",	 body_pass, 0, NULL};
	const struct cts_test *v[] = {&up};
	const struct cts_test *w[] = {&nosec};
	char err[256] = "";

	CU_ASSERT_TRUE(cts_id_valid("login.stage.transit-without-t-bit"));
	CU_ASSERT_FALSE(cts_id_valid("login..x"));
	CU_ASSERT_FALSE(cts_id_valid("login.x."));
	CU_ASSERT_FALSE(cts_id_valid(nodot.id));
	CU_ASSERT_FALSE(cts_id_valid("login.a b"));
	CU_ASSERT_EQUAL(cts_check_tests(v, 1, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "malformed test id 'Login.x'"));
	err[0] = '\0';
	CU_ASSERT_EQUAL(cts_check_tests(w, 1, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "login.z lacks"));
}

/* ---- verdicts ------------------------------------------------------------ */

/* No failure = PASS; cts_fail = FAIL with expected, seen, section, level;
 * cts_skip = SKIP with its reason; cts_error = ERROR. */
static void run_verdicts_and_counts(void)
{
	const struct cts_test *v[] = {&t_pass, &t_fail, &t_fail_should, &t_skip,
				      &t_error};
	struct cts_result_set res;
	struct cts_counts c;

	setup_target();
	CU_ASSERT_EQUAL_FATAL(run_list(v, 5, 1, &res), 0);
	CU_ASSERT_EQUAL_FATAL(res.n, 5);
	CU_ASSERT_EQUAL(res.v[0].verdict, CTS_PASS);
	CU_ASSERT_EQUAL(res.v[1].verdict, CTS_FAIL);
	CU_ASSERT_STRING_EQUAL(res.v[1].expected, "status 0x0200");
	CU_ASSERT_STRING_EQUAL(res.v[1].seen, "status 0x0000");
	CU_ASSERT_STRING_EQUAL(
	    res.v[1].message,
	    "Login Request T=0 CSG=0 NSG=1 -> Login Response");
	CU_ASSERT_STRING_EQUAL(res.v[1].section, "7143 11.12.2");
	CU_ASSERT_STRING_EQUAL(res.v[1].requirement, "req h.fail");
	CU_ASSERT_EQUAL(res.v[1].level, CTS_MUST);
	CU_ASSERT_EQUAL(res.v[2].level, CTS_SHOULD);
	CU_ASSERT_EQUAL(res.v[3].verdict, CTS_SKIP);
	CU_ASSERT_STRING_EQUAL(res.v[3].message, "target has 1 LUN");
	CU_ASSERT_EQUAL(res.v[4].verdict, CTS_ERROR);
	CU_ASSERT_STRING_EQUAL(res.v[4].message, "connect: refused");
	cts_results_count(&res, &c);
	CU_ASSERT_EQUAL(c.passed, 1);
	CU_ASSERT_EQUAL(c.failed, 2);
	CU_ASSERT_EQUAL(c.failed_level[CTS_MUST], 1);
	CU_ASSERT_EQUAL(c.failed_level[CTS_SHOULD], 1);
	CU_ASSERT_EQUAL(c.skipped, 1);
	CU_ASSERT_EQUAL(c.errors, 1);
	CU_ASSERT_EQUAL(cts_run_exit_status(&c), 1);
	cts_results_free(&res);
}

/* Exit status 0 only when nothing failed or errored (skips are fine). */
static void run_exit_status_rules(void)
{
	struct cts_counts c = {0};

	CU_ASSERT_EQUAL(cts_run_exit_status(&c), 0);
	c.passed = 3;
	c.skipped = 2;
	CU_ASSERT_EQUAL(cts_run_exit_status(&c), 0);
	c.errors = 1;
	CU_ASSERT_EQUAL(cts_run_exit_status(&c), 1);
	c.errors = 0;
	c.failed = 1;
	CU_ASSERT_EQUAL(cts_run_exit_status(&c), 1);
}

/* The run ends with "N passed, N failed, N skipped, N errors". */
static void run_summary_line_form(void)
{
	struct cts_counts c = {0};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	cts_run_summary(f, &c);
	c.passed = 7;
	c.failed = 2;
	c.failed_level[CTS_MUST] = 1;
	c.failed_level[CTS_SHOULD] = 1;
	c.skipped = 1;
	c.errors = 3;
	cts_run_summary(f, &c);
	fclose(f);
	CU_ASSERT_STRING_EQUAL(buf,
			       "0 passed, 0 failed, 0 skipped, 0 errors\n"
			       "failures: 1 MUST, 1 SHOULD, 0 MAY\n"
			       "7 passed, 2 failed, 1 skipped, 3 errors\n");
	free(buf);
}

/* The first of fail/skip/error decides; later ones and cts_note become
 * notes; deferred cleanups run last-first after the body. */
static void run_first_verdict_decides_and_defers(void)
{
	const struct cts_test *v[] = {&t_multi};
	struct cts_result_set res;

	setup_target();
	CU_ASSERT_EQUAL_FATAL(run_list(v, 1, 1, &res), 0);
	CU_ASSERT_EQUAL_FATAL(res.n, 1);
	CU_ASSERT_EQUAL(res.v[0].verdict, CTS_FAIL);
	CU_ASSERT_STRING_EQUAL(res.v[0].message, "first");
	CU_ASSERT_STRING_EQUAL(res.v[0].expected, "A");
	CU_ASSERT_STRING_EQUAL(res.v[0].notes,
			       "saw reject\n"
			       "also failed: second (expected C, seen D)\n"
			       "also skipped: late skip\n"
			       "cleanup first\n"
			       "cleanup after-fail");
	cts_results_free(&res);
}

/* Accessors: target, profile (empty = LUN 0), transcript, deadline. */
static void run_ctx_accessors(void)
{
	const struct cts_test *v[] = {&t_deadline};
	struct cts_result_set res;

	setup_target();
	CU_ASSERT_EQUAL_FATAL(run_list(v, 1, 1, &res), 0);
	CU_ASSERT_EQUAL(res.v[0].verdict, CTS_PASS);
	if (res.v[0].verdict != CTS_PASS)
		fprintf(stderr, "%s: %s\n", res.v[0].message, res.v[0].notes);
	cts_results_free(&res);
}

/* ---- isolation ----------------------------------------------------------- */

/* A crashing, aborting or exiting test yields ERROR; the run goes on. */
static void run_crash_is_error_and_run_continues(void)
{
	const struct cts_test *v[] = {&t_segv, &t_pass, &t_abort, &t_exit3,
				      &t_pass};
	struct cts_result_set res;

	setup_target();
	CU_ASSERT_EQUAL_FATAL(run_list(v, 5, 1, &res), 0);
	CU_ASSERT_EQUAL_FATAL(res.n, 5);
	CU_ASSERT_EQUAL(res.v[0].verdict, CTS_ERROR);
	CU_ASSERT_PTR_NOT_NULL(strstr(res.v[0].message, "test process"));
	CU_ASSERT_EQUAL(res.v[1].verdict, CTS_PASS);
	CU_ASSERT_EQUAL(res.v[2].verdict, CTS_ERROR);
	CU_ASSERT_EQUAL(res.v[3].verdict, CTS_ERROR);
	CU_ASSERT_STRING_EQUAL(res.v[3].message,
			       "test process exited with status 3 without a "
			       "verdict");
	CU_ASSERT_EQUAL(res.v[4].verdict, CTS_PASS);
	cts_results_free(&res);
}

/* A test past its deadline is killed: ERROR within deadline + 1 s. */
static void run_deadline_kills_within_a_second(void)
{
	const struct cts_test *v[] = {&t_hang, &t_pass};
	struct cts_result_set res;
	uint64_t t0 = now_ms(), dt;

	setup_target();
	CU_ASSERT_EQUAL_FATAL(run_list(v, 2, 1, &res), 0);
	dt = now_ms() - t0;
	CU_ASSERT_EQUAL_FATAL(res.n, 2);
	CU_ASSERT_EQUAL(res.v[0].verdict, CTS_ERROR);
	CU_ASSERT_STRING_EQUAL(res.v[0].message,
			       "deadline exceeded after 300 ms");
	CU_ASSERT_TRUE(res.v[0].duration_ms >= 300);
	CU_ASSERT_TRUE(dt < 1300);
	CU_ASSERT_EQUAL(res.v[1].verdict, CTS_PASS);
	cts_results_free(&res);
}

/* --jobs N runs N children at once; records keep the given order. */
static void run_jobs_parallel_keeps_order(void)
{
	const struct cts_test *v[] = {&t_nap[0], &t_nap[1], &t_nap[2],
				      &t_nap[3], &t_segv};
	struct cts_result_set res;
	uint64_t t0 = now_ms(), dt;

	setup_target();
	CU_ASSERT_EQUAL_FATAL(run_list(v, 5, 4, &res), 0);
	dt = now_ms() - t0;
	CU_ASSERT_EQUAL_FATAL(res.n, 5);
	/* four 300 ms naps side by side, then the crash: well under 1.2 s */
	CU_ASSERT_TRUE(dt < 1000);
	CU_ASSERT_STRING_EQUAL(res.v[0].id, "h.nap-1");
	CU_ASSERT_STRING_EQUAL(res.v[3].id, "h.nap-4");
	CU_ASSERT_STRING_EQUAL(res.v[4].id, "h.segv");
	for (int i = 0; i < 4; i++)
		CU_ASSERT_EQUAL(res.v[i].verdict, CTS_PASS);
	CU_ASSERT_EQUAL(res.v[4].verdict, CTS_ERROR);
	cts_results_free(&res);
}

/* Progress: "[ k/N] id ... VERDICT N ms", one line per test. */
static void run_progress_lines(void)
{
	const struct cts_test *v[] = {&t_pass, &t_fail, &t_skip};
	struct cts_run_opts o = {0};
	struct cts_result_set res;
	char err[128], *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	setup_target();
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	o.target = &target;
	o.progress = f;
	cts_results_init(&res);
	CU_ASSERT_EQUAL(cts_run(v, 3, &o, &res, err, sizeof(err)), 0);
	fclose(f);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "[1/3] h.pass ... PASS "));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "[2/3] h.fail ... FAIL "));
	CU_ASSERT_PTR_NOT_NULL(
	    strstr(buf, " ms [MUST]\n[3/3] h.skip ... SKIP "));
	CU_ASSERT_PTR_NULL(strchr(buf, '\r'));
	free(buf);
	cts_results_free(&res);
}

/* With --pcap-dir the transcript is written as DIR/<id>.pcapng. */
static void run_pcap_written_per_test(void)
{
	const struct cts_test *v[] = {&t_pass};
	struct cts_run_opts o = {0};
	struct cts_result_set res;
	char dir[] = "/tmp/h_runner_XXXXXX", path[128], err[128];
	struct stat st;

	setup_target();
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	o.target = &target;
	o.pcap_dir = dir;
	cts_results_init(&res);
	CU_ASSERT_EQUAL(cts_run(v, 1, &o, &res, err, sizeof(err)), 0);
	snprintf(path, sizeof(path), "%s/h.pass.pcapng", dir);
	CU_ASSERT_STRING_EQUAL(res.v[0].pcap, path);
	CU_ASSERT_EQUAL(stat(path, &st), 0);
	unlink(path);
	rmdir(dir);
	cts_results_free(&res);
}

/* ---- the verdict record -------------------------------------------------- */

/* The child's record decodes to what was encoded; a cut one is refused. */
static void record_round_trip_and_truncation(void)
{
	static struct cts_outcome a, b;
	static uint8_t buf[CTS_RECORD_MAX];
	size_t n;

	memset(&a, 0, sizeof(a));
	a.verdict = CTS_SKIP;
	a.duration_ms = 1234567;
	strcpy(a.message, "no second LUN");
	strcpy(a.notes, "one\ntwo");
	strcpy(a.pcap, "/tmp/x.pcapng");
	n = cts_record_encode(&a, buf);
	CU_ASSERT_EQUAL_FATAL(cts_record_decode(buf, n, &b), 0);
	CU_ASSERT_EQUAL(b.verdict, CTS_SKIP);
	CU_ASSERT_EQUAL(b.duration_ms, 1234567);
	CU_ASSERT_STRING_EQUAL(b.message, "no second LUN");
	CU_ASSERT_STRING_EQUAL(b.notes, "one\ntwo");
	CU_ASSERT_STRING_EQUAL(b.pcap, "/tmp/x.pcapng");
	CU_ASSERT_STRING_EQUAL(b.expected, "");
	for (size_t cut = 0; cut < n; cut++)
		CU_ASSERT_EQUAL(cts_record_decode(buf, cut, &b), -1);
	buf[0] = 'V';
	buf[5] = 9; /* no such verdict */
	CU_ASSERT_EQUAL(cts_record_decode(buf, n, &b), -1);
}

/* ---- profiles ------------------------------------------------------------ */

static char perr_buf[256];

static int profile(const char *text, struct cts_profile *p)
{
	perr_buf[0] = '\0';
	return cts_profile_parse(text, strlen(text), "targets/t.conf", p,
				 perr_buf, sizeof(perr_buf));
}

/* key = value lines, # comments, URLs parsed, LUN list, yes/no. */
static void profile_parses_all_keys(void)
{
	static struct cts_profile p;
	static const char text[] =
	    "# reference target\n"
	    "url = iscsi://127.0.0.1:3261/iqn.2024-01.org.example:t0/0\n"
	    "url2=iscsi://[::1]/iqn.2024-01.org.example:t1/1 # second\n"
	    "discovery_url = iscsi://127.0.0.1:3261\n"
	    "\n"
	    "chap_user = alice\n"
	    "chap_secret = se#cret-of-alice\n"
	    "mutual_user = tgt\n"
	    "mutual_secret = secret-of-tgt\n"
	    "discovery_chap_user = dave\n"
	    "discovery_chap_secret = secret-of-dave\r\n"
	    "requires_chap = yes\n"
	    "luns = 0, 1,7\n";

	CU_ASSERT_EQUAL_FATAL(profile(text, &p), 0);
	CU_ASSERT_TRUE(p.has_url);
	CU_ASSERT_EQUAL(p.url.port, 3261);
	CU_ASSERT_STRING_EQUAL(p.url.target, "iqn.2024-01.org.example:t0");
	CU_ASSERT_TRUE(p.has_url2);
	CU_ASSERT_TRUE(p.url2.host_is_ipv6);
	CU_ASSERT_EQUAL(p.url2.lun, 1);
	CU_ASSERT_TRUE(p.has_discovery_url);
	CU_ASSERT_STRING_EQUAL(p.discovery_url.target, "");
	CU_ASSERT_STRING_EQUAL(p.chap_user, "alice");
	CU_ASSERT_STRING_EQUAL(p.chap_secret, "se#cret-of-alice");
	CU_ASSERT_STRING_EQUAL(p.mutual_user, "tgt");
	CU_ASSERT_STRING_EQUAL(p.discovery_chap_secret, "secret-of-dave");
	CU_ASSERT_TRUE(p.requires_chap);
	CU_ASSERT_EQUAL(p.nluns, 3);
	CU_ASSERT_TRUE(cts_profile_has_lun(&p, 7));
	CU_ASSERT_FALSE(cts_profile_has_lun(&p, 2));
}

/* Errors name FILE:LINE; unknown and repeated keys are errors. */
static void profile_errors_name_file_and_line(void)
{
	static struct cts_profile p;

	CU_ASSERT_EQUAL(profile("url = iscsi://h/t/0\n\nmax_burst = 4\n", &p),
			-1);
	CU_ASSERT_STRING_EQUAL(perr_buf,
			       "targets/t.conf:3: unknown key 'max_burst'");
	CU_ASSERT_EQUAL(profile("luns = 0\nluns = 1\n", &p), -1);
	CU_ASSERT_STRING_EQUAL(perr_buf,
			       "targets/t.conf:2: key 'luns' set twice");
	CU_ASSERT_EQUAL(profile("requires_chap = maybe\n", &p), -1);
	CU_ASSERT_PTR_NOT_NULL(
	    strstr(perr_buf, "t.conf:1: expected yes or no"));
	CU_ASSERT_EQUAL(profile("luns = 0,0\n", &p), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(perr_buf, "LUN 0 listed twice"));
	CU_ASSERT_EQUAL(profile("luns = 16384\n", &p), -1);
	CU_ASSERT_EQUAL(profile("url = http://x/\n", &p), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(perr_buf, "t.conf:1: "));
	CU_ASSERT_EQUAL(profile("just words\n", &p), -1);
	CU_ASSERT_STRING_EQUAL(perr_buf,
			       "targets/t.conf:1: expected 'key = value'");
	CU_ASSERT_EQUAL(profile("chap_user =\n", &p), -1);
	/* an empty profile is LUN 0 only, CHAP not required */
	CU_ASSERT_EQUAL(profile("# nothing\n", &p), 0);
	CU_ASSERT_FALSE(p.requires_chap);
	CU_ASSERT_FALSE(p.has_url);
	CU_ASSERT_EQUAL(p.nluns, 1);
	CU_ASSERT_TRUE(cts_profile_has_lun(&p, 0));
}

UNIT_SUITE(h_runner, "h_runner", UNIT_TEST(select_glob_sorted_union),
	   UNIT_TEST(registry_duplicate_id_reported),
	   UNIT_TEST(registry_malformed_id_reported),
	   UNIT_TEST(run_verdicts_and_counts), UNIT_TEST(run_exit_status_rules),
	   UNIT_TEST(run_summary_line_form),
	   UNIT_TEST(run_first_verdict_decides_and_defers),
	   UNIT_TEST(run_ctx_accessors),
	   UNIT_TEST(run_crash_is_error_and_run_continues),
	   UNIT_TEST(run_deadline_kills_within_a_second),
	   UNIT_TEST(run_jobs_parallel_keeps_order),
	   UNIT_TEST(run_progress_lines), UNIT_TEST(run_pcap_written_per_test),
	   UNIT_TEST(record_round_trip_and_truncation),
	   UNIT_TEST(profile_parses_all_keys),
	   UNIT_TEST(profile_errors_name_file_and_line))
