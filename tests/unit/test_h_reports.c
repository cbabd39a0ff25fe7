/* SPDX-License-Identifier: MIT */
/*
 * test_h_reports.c - the results model and its reports: JSON round trip
 * and validation, JUnit structure and XML escaping, the Markdown summary,
 * and baseline comparison (regressions, improvements, new, missing).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "results.h"
#include "unit.h"

static void add(struct cts_result_set *s, const char *id, enum cts_level l,
		enum cts_verdict v, const char *msg)
{
	struct cts_result r = {
	    .id = (char *)id,
	    .section = "7143 11.12.2; 3720 10.12.2",
	    .level = l,
	    .requirement = "T=0 with NSG != CSG is refused",
	    .verdict = v,
	    .message = (char *)msg,
	    .expected = v == CTS_FAIL ? "status 0x0200" : "",
	    .seen = v == CTS_FAIL ? "status 0x0000" : "",
	    .notes = "",
	    .duration_ms = 12,
	    .pcap = "",
	};
	char err[64];

	CU_ASSERT_EQUAL_FATAL(cts_results_add(s, &r, err, sizeof(err)), 0);
}

/* A set with one of each verdict. */
static void sample(struct cts_result_set *s)
{
	cts_results_init(s);
	CU_ASSERT_EQUAL_FATAL(
	    cts_results_set_meta(s, "iscsi://127.0.0.1/iqn.x:t/0",
				 "2024-05-01T12:00:00Z", "0.1.0", 1500),
	    0);
	add(s, "login.stage.a", CTS_MUST, CTS_PASS, "");
	add(s, "login.stage.b", CTS_MUST, CTS_FAIL, "Login -> Login Response");
	add(s, "nop.ping", CTS_SHOULD, CTS_SKIP, "no NOP-In support");
	add(s, "text.cbit", CTS_MAY, CTS_ERROR, "connect: refused");
}

static char *junit_of(const struct cts_result_set *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	cts_results_print_junit(s, f);
	fclose(f);
	return buf;
}

static size_t count_of(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

/* ---- model --------------------------------------------------------------- */

/* Verdict and level names are the report words: PASS FAIL SKIP ERROR,
 * MUST SHOULD MAY (RFC 2119 keywords as RFC 7143 §1.1 uses them). */
static void results_names_and_parse(void)
{
	enum cts_verdict v;
	enum cts_level l;

	CU_ASSERT_STRING_EQUAL(cts_verdict_name(CTS_ERROR), "ERROR");
	CU_ASSERT_STRING_EQUAL(cts_level_name(CTS_SHOULD), "SHOULD");
	CU_ASSERT_EQUAL(cts_verdict_parse("SKIP", &v), 0);
	CU_ASSERT_EQUAL(v, CTS_SKIP);
	CU_ASSERT_EQUAL(cts_level_parse("MAY", &l), 0);
	CU_ASSERT_EQUAL(l, CTS_MAY);
	CU_ASSERT_EQUAL(cts_verdict_parse("pass", &v), -1);
	CU_ASSERT_EQUAL(cts_level_parse("MUST NOT", &l), -1);
}

/* Counting: each verdict once, failures split by level. */
static void results_count_by_verdict_and_level(void)
{
	struct cts_result_set s;
	struct cts_counts c;
	char date[32];

	sample(&s);
	add(&s, "login.stage.c", CTS_SHOULD, CTS_FAIL, "x");
	cts_results_count(&s, &c);
	CU_ASSERT_EQUAL(c.passed, 1);
	CU_ASSERT_EQUAL(c.failed, 2);
	CU_ASSERT_EQUAL(c.failed_level[CTS_MUST], 1);
	CU_ASSERT_EQUAL(c.failed_level[CTS_SHOULD], 1);
	CU_ASSERT_EQUAL(c.failed_level[CTS_MAY], 0);
	CU_ASSERT_EQUAL(c.skipped, 1);
	CU_ASSERT_EQUAL(c.errors, 1);
	CU_ASSERT_EQUAL(cts_results_find(&s, "nop.ping"), 2);
	CU_ASSERT_EQUAL(cts_results_find(&s, "nop.pong"), -1);
	cts_results_date(0, date, sizeof(date));
	CU_ASSERT_STRING_EQUAL(date, "1970-01-01T00:00:00Z");
	cts_results_free(&s);
}

/* ---- JSON ---------------------------------------------------------------- */

/* What is written reads back field for field, notes as lines. */
static void json_round_trip(void)
{
	struct cts_result_set a, b;
	char err[256], *text;

	sample(&a);
	free(a.v[1].notes);
	a.v[1].notes = strdup("target answered \"0x0000\"\nsecond line");
	free(a.v[1].pcap);
	a.v[1].pcap = strdup("out/login.stage.b.pcapng");
	text = cts_results_to_json(&a, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	CU_ASSERT_PTR_NOT_NULL(
	    strstr(text, "\"schema\": \"iscsi-cts-results\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"failed_must\": 1"));
	CU_ASSERT_EQUAL_FATAL(
	    cts_results_from_json(text, strlen(text), &b, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(b.meta.target, "iscsi://127.0.0.1/iqn.x:t/0");
	CU_ASSERT_STRING_EQUAL(b.meta.date, "2024-05-01T12:00:00Z");
	CU_ASSERT_STRING_EQUAL(b.meta.tool_version, "0.1.0");
	CU_ASSERT_EQUAL(b.meta.duration_ms, 1500);
	CU_ASSERT_EQUAL_FATAL(b.n, 4);
	CU_ASSERT_STRING_EQUAL(b.v[1].id, "login.stage.b");
	CU_ASSERT_STRING_EQUAL(b.v[1].section, "7143 11.12.2; 3720 10.12.2");
	CU_ASSERT_EQUAL(b.v[1].level, CTS_MUST);
	CU_ASSERT_EQUAL(b.v[1].verdict, CTS_FAIL);
	CU_ASSERT_STRING_EQUAL(b.v[1].message, "Login -> Login Response");
	CU_ASSERT_STRING_EQUAL(b.v[1].expected, "status 0x0200");
	CU_ASSERT_STRING_EQUAL(b.v[1].seen, "status 0x0000");
	CU_ASSERT_STRING_EQUAL(b.v[1].notes,
			       "target answered \"0x0000\"\nsecond line");
	CU_ASSERT_STRING_EQUAL(b.v[1].pcap, "out/login.stage.b.pcapng");
	CU_ASSERT_EQUAL(b.v[1].duration_ms, 12);
	CU_ASSERT_EQUAL(b.v[2].level, CTS_SHOULD);
	CU_ASSERT_EQUAL(b.v[2].verdict, CTS_SKIP);
	CU_ASSERT_EQUAL(b.v[3].verdict, CTS_ERROR);
	CU_ASSERT_STRING_EQUAL(b.v[0].notes, "");
	free(text);
	cts_results_free(&a);
	cts_results_free(&b);
}

/* The reader refuses documents that are not this tool's result sets. */
static void json_reader_rejects_bad_documents(void)
{
	static const char *const bad[] = {
	    "[]",
	    "{\"schema\":\"other\",\"schema_version\":1,\"tests\":[]}",
	    "{\"schema\":\"iscsi-cts-results\",\"schema_version\":2,"
	    "\"tests\":[]}",
	    "{\"schema\":\"iscsi-cts-results\",\"schema_version\":1}",
	    "{\"schema\":\"iscsi-cts-results\",\"schema_version\":1,"
	    "\"tests\":[{\"id\":\"a.b\",\"level\":\"MUST\","
	    "\"verdict\":\"GOOD\"}]}",
	    "{\"schema\":\"iscsi-cts-results\",\"schema_version\":1,"
	    "\"tests\":[{\"id\":\"a.b\",\"level\":\"MUST\",\"verdict\":"
	    "\"PASS\"},{\"id\":\"a.b\",\"level\":\"MUST\",\"verdict\":"
	    "\"FAIL\"}]}",
	    "{\"schema\":\"iscsi-cts-results\",\"schema_version\":1,"
	    "\"tests\":[{\"id\":\"a.b\",\"level\":\"MUST\",\"verdict\":"
	    "\"PASS\",\"notes\":\"not an array\"}]}",
	    "{\"schema\":\"iscsi-cts-results\",\"schema_version\":1,"
	    "\"tests\":[{\"id\":\"a.b\",\"level\":\"MUST\",\"verdict\":"
	    "\"PASS\",\"duration_ms\":-4}]}",
	    "{\"schema\":",
	};
	static const char good[] =
	    "{\"schema\":\"iscsi-cts-results\",\"schema_version\":1,"
	    "\"tests\":[{\"id\":\"a.b\",\"level\":\"MUST\",\"verdict\":"
	    "\"PASS\"}]}";
	struct cts_result_set s;
	char err[256];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		CU_ASSERT_EQUAL(cts_results_from_json(bad[i], strlen(bad[i]),
						      &s, err, sizeof(err)),
				-1);
		CU_ASSERT_NOT_EQUAL(err[0], '\0');
	}
	CU_ASSERT_EQUAL(
	    cts_results_from_json(good, strlen(good), &s, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(s.n, 1);
	cts_results_free(&s);
}

/* A file written by the writer is read back by the reader. */
static void json_file_round_trip(void)
{
	struct cts_result_set a, b;
	char path[] = "/tmp/h_reports_XXXXXX", err[256];
	int fd = mkstemp(path);

	CU_ASSERT_TRUE_FATAL(fd >= 0);
	close(fd);
	sample(&a);
	CU_ASSERT_EQUAL(cts_results_write_json(&a, path, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(cts_results_read_json(path, &b, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(b.n, 4);
	cts_results_free(&b);
	unlink(path);
	CU_ASSERT_EQUAL(cts_results_read_json(path, &b, err, sizeof(err)), -1);
	cts_results_free(&a);
	cts_results_free(&b);
}

/* ---- JUnit --------------------------------------------------------------- */

/* XML 1.0 §2.4/§2.3: & < > escaped; quotes in attributes; bytes outside
 * the Char production (controls, invalid UTF-8) never reach the file. */
static void junit_xml_escaping(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	cts_xml_escape(f, "a<b>&\"c'\n", true);
	fputc('|', f);
	cts_xml_escape(f, "a<b>&\"c'\n", false);
	fputc('|', f);
	cts_xml_escape(f, "x\001y\xff\xc3\xa9z\xed\xa0\x80", false);
	fclose(f);
	CU_ASSERT_STRING_EQUAL(buf, "a&lt;b&gt;&amp;&quot;c&apos;&#10;|"
				    "a&lt;b&gt;&amp;\"c'\n|"
				    "x\\x01y\\xff\xc3\xa9z\\xed\\xa0\\x80");
	free(buf);
}

/* One testsuite per first id component; classname/name split at the last
 * dot; failure carries expected and seen; skipped and error elements. */
static void junit_structure(void)
{
	struct cts_result_set s;
	char *x;

	sample(&s);
	free(s.v[1].message);
	s.v[1].message = strdup("Login <T=0> & \"NSG\"");
	x = junit_of(&s);
	CU_ASSERT_PTR_NOT_NULL_FATAL(x);
	CU_ASSERT_EQUAL(count_of(x, "<testsuite "), 3);
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "<testsuites name=\"iscsi-cts\" "
					 "tests=\"4\" failures=\"1\" "
					 "errors=\"1\" skipped=\"1\" "
					 "time=\"1.500\">"));
	CU_ASSERT_PTR_NOT_NULL(strstr(x,
				      "<testsuite name=\"login\" tests=\"2\" "
				      "failures=\"1\" errors=\"0\" "
				      "skipped=\"0\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "<testcase classname=\"login.stage\" "
					 "name=\"b\" time=\"0.012\">"));
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "<failure message=\"Login &lt;T=0&gt; "
					 "&amp; &quot;NSG&quot;\" "
					 "type=\"MUST\">"));
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "expected: status 0x0200\n"
					 "seen: status 0x0000</failure>"));
	CU_ASSERT_PTR_NOT_NULL(
	    strstr(x, "<property name=\"section\" "
		      "value=\"7143 11.12.2; 3720 10.12.2\"/>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "<property name=\"level\" "
					 "value=\"SHOULD\"/>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "<skipped message=\"no NOP-In "
					 "support\"/>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "<error message=\"connect: "
					 "refused\"/>"));
	free(x);
	cts_results_free(&s);
}

/* ---- Markdown ------------------------------------------------------------ */

/* The summary table, failures with section/expected/seen, '|' escaped. */
static void markdown_summary_and_failures(void)
{
	struct cts_result_set s;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	sample(&s);
	free(s.v[1].message);
	s.v[1].message = strdup("a|b");
	f = open_memstream(&buf, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(cts_results_print_markdown(&s, f), 0);
	fclose(f);
	CU_ASSERT_PTR_NOT_NULL(
	    strstr(buf, "| 4 | 1 | 1 (1 / 0 / 0) | 1 | 1 |"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "## MUST failures (1)"));
	CU_ASSERT_PTR_NULL(strstr(buf, "## SHOULD failures"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "| `login.stage.b` | 7143 11.12.2; "
					   "3720 10.12.2 | `status 0x0200` | "
					   "`status 0x0000` | a\\|b |"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "## Errors (1)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "## Skipped (1)"));
	free(buf);
	cts_results_free(&s);
}

/* ---- baseline ------------------------------------------------------------ */

/* PASS -> FAIL and PASS -> ERROR are regressions; FAIL -> PASS is an
 * improvement; SKIP -> FAIL only a change; new and missing tests listed. */
static void baseline_regressions_and_more(void)
{
	struct cts_result_set base, now;
	struct cts_diff d;
	char err[64], *buf = NULL;
	size_t len = 0;
	FILE *f;

	cts_results_init(&base);
	cts_results_init(&now);
	add(&base, "a.pass-fail", CTS_MUST, CTS_PASS, "");
	add(&base, "a.pass-error", CTS_MUST, CTS_PASS, "");
	add(&base, "a.fail-pass", CTS_MUST, CTS_FAIL, "x");
	add(&base, "a.skip-fail", CTS_MUST, CTS_SKIP, "x");
	add(&base, "a.same", CTS_MUST, CTS_FAIL, "x");
	add(&base, "a.gone", CTS_MUST, CTS_PASS, "");
	add(&now, "a.pass-fail", CTS_MUST, CTS_FAIL, "Login -> reject");
	add(&now, "a.pass-error", CTS_MUST, CTS_ERROR, "timeout");
	add(&now, "a.fail-pass", CTS_MUST, CTS_PASS, "");
	add(&now, "a.skip-fail", CTS_MUST, CTS_FAIL, "y");
	add(&now, "a.same", CTS_MUST, CTS_FAIL, "x");
	add(&now, "a.fresh", CTS_MUST, CTS_PASS, "");
	CU_ASSERT_EQUAL_FATAL(
	    cts_diff_results(&base, &now, &d, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(d.count[CTS_CHANGE_REGRESSION], 2);
	CU_ASSERT_EQUAL(d.count[CTS_CHANGE_IMPROVEMENT], 1);
	CU_ASSERT_EQUAL(d.count[CTS_CHANGE_NEW], 1);
	CU_ASSERT_EQUAL(d.count[CTS_CHANGE_MISSING], 1);
	CU_ASSERT_EQUAL(d.count[CTS_CHANGE_OTHER], 1);
	CU_ASSERT_EQUAL(d.n, 6);
	f = open_memstream(&buf, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	cts_diff_print(&d, f);
	fclose(f);
	CU_ASSERT_STRING_EQUAL(
	    buf, "regression: a.pass-error PASS -> ERROR: timeout\n"
		 "regression: a.pass-fail PASS -> FAIL: Login -> "
		 "reject\n"
		 "improvement: a.fail-pass FAIL -> PASS\n"
		 "new: a.fresh PASS\n"
		 "missing: a.gone PASS -> not run\n"
		 "changed: a.skip-fail SKIP -> FAIL\n"
		 "baseline: 2 regressions, 1 improvements, 1 new, "
		 "1 missing, 1 changed\n");
	free(buf);
	cts_diff_free(&d);
	/* a run identical to its baseline has nothing to report */
	CU_ASSERT_EQUAL(cts_diff_results(&now, &now, &d, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(d.n, 0);
	cts_diff_free(&d);
	cts_results_free(&base);
	cts_results_free(&now);
}

UNIT_SUITE(h_reports, "h_reports", UNIT_TEST(results_names_and_parse),
	   UNIT_TEST(results_count_by_verdict_and_level),
	   UNIT_TEST(json_round_trip),
	   UNIT_TEST(json_reader_rejects_bad_documents),
	   UNIT_TEST(json_file_round_trip), UNIT_TEST(junit_xml_escaping),
	   UNIT_TEST(junit_structure), UNIT_TEST(markdown_summary_and_failures),
	   UNIT_TEST(baseline_regressions_and_more))
