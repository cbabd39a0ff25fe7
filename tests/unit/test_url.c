/* SPDX-License-Identifier: MIT */
/*
 * test_url.c - iscsi:// URL parsing and formatting (libiscsi's syntax).
 */
#include <string.h>

#include "unit.h"
#include "url.h"

static struct iscsi_url url;
static char err[256];

static int parse(const char *s)
{
	err[0] = '\0';
	return iscsi_url_parse(s, &url, err, sizeof(err));
}

/* Fails and says why, with the reason containing `why`. */
static void expect_bad(const char *s, const char *why)
{
	CU_ASSERT_EQUAL(parse(s), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, why));
}

/* libiscsi URL form: host, default port 3260, target and LUN. */
static void url_full_form_default_port(void)
{
	CU_ASSERT_EQUAL(parse("iscsi://192.0.2.1/iqn.2001-04.com.example:t1/3"),
			0);
	CU_ASSERT_STRING_EQUAL(url.host, "192.0.2.1");
	CU_ASSERT_EQUAL(url.port, 3260);
	CU_ASSERT_FALSE(url.has_port);
	CU_ASSERT_FALSE(url.host_is_ipv6);
	CU_ASSERT_STRING_EQUAL(url.target, "iqn.2001-04.com.example:t1");
	CU_ASSERT_TRUE(url.has_lun);
	CU_ASSERT_EQUAL(url.lun, 3);
	CU_ASSERT_STRING_EQUAL(url.user, "");
	CU_ASSERT_EQUAL(url.header_digest, ISCSI_URL_DIGEST_UNSET);
}

/* libiscsi URL form: user%password@ and an explicit port. */
static void url_user_password_port(void)
{
	CU_ASSERT_EQUAL(parse("iscsi://alice%s3cr:et/x@tgt.example.com:3261/"
			      "iqn.2001-04.com.example:t1/0"),
			0);
	CU_ASSERT_STRING_EQUAL(url.user, "alice");
	CU_ASSERT_STRING_EQUAL(url.password, "s3cr:et/x");
	CU_ASSERT_STRING_EQUAL(url.host, "tgt.example.com");
	CU_ASSERT_EQUAL(url.port, 3261);
	CU_ASSERT_TRUE(url.has_port);
	CU_ASSERT_EQUAL(url.lun, 0);
	/* "user:password@" is accepted too */
	CU_ASSERT_EQUAL(parse("iscsi://bob:pw@h/iqn.2001-04.com.example/1"), 0);
	CU_ASSERT_STRING_EQUAL(url.user, "bob");
	CU_ASSERT_STRING_EQUAL(url.password, "pw");
}

/* libiscsi URL form: mutual CHAP through target_user/target_password. */
static void url_mutual_chap_query(void)
{
	CU_ASSERT_EQUAL(parse("iscsi://u%p@h/iqn.2001-04.com.example/1"
			      "?target_user=tu&target_password=tp"
			      "&header_digest=crc32c"),
			0);
	CU_ASSERT_STRING_EQUAL(url.target_user, "tu");
	CU_ASSERT_STRING_EQUAL(url.target_password, "tp");
	CU_ASSERT_EQUAL(url.header_digest, ISCSI_URL_DIGEST_CRC32C);
	CU_ASSERT_STRING_EQUAL(url.target, "iqn.2001-04.com.example");
	expect_bad("iscsi://h/iqn.x/1?target_user=tu&target_password=tp",
		   "need user and password");
	expect_bad("iscsi://u%p@h/iqn.x/1?target_user=tu", "go together");
	expect_bad("iscsi://h/iqn.x/1?iser=1", "unknown URL argument");
	expect_bad("iscsi://h/iqn.x/1?header_digest=md5", "header_digest");
	expect_bad("iscsi://h/iqn.x/1?target_user", "no '='");
}

/* libiscsi URL form: bracketed IPv6 literal with and without a port. */
static void url_ipv6_brackets(void)
{
	CU_ASSERT_EQUAL(parse("iscsi://[::1]:3260/iqn.2001-04.com.example/2"),
			0);
	CU_ASSERT_STRING_EQUAL(url.host, "::1");
	CU_ASSERT_TRUE(url.host_is_ipv6);
	CU_ASSERT_EQUAL(url.port, 3260);
	CU_ASSERT_EQUAL(url.lun, 2);
	CU_ASSERT_EQUAL(parse("iscsi://[2001:db8::5]/"), 0);
	CU_ASSERT_STRING_EQUAL(url.host, "2001:db8::5");
	CU_ASSERT_EQUAL(url.port, 3260);
	expect_bad("iscsi://[::1/iqn.x/0", "unterminated '['");
	expect_bad("iscsi://[::1]x/iqn.x/0", "after ']'");
	expect_bad("iscsi://[not-ipv6]/", "not an IPv6 address");
}

/* libiscsi portal URL: no target, used for SendTargets discovery. */
static void url_portal_only(void)
{
	CU_ASSERT_EQUAL(parse("iscsi://host.example:3262/"), 0);
	CU_ASSERT_STRING_EQUAL(url.target, "");
	CU_ASSERT_FALSE(url.has_lun);
	CU_ASSERT_EQUAL(url.port, 3262);
	CU_ASSERT_EQUAL(parse("iscsi://host.example"), 0);
	CU_ASSERT_STRING_EQUAL(url.host, "host.example");
	CU_ASSERT_EQUAL(url.port, 3260);
	/* a target without a LUN is a login-only URL */
	CU_ASSERT_EQUAL(parse("iscsi://h/iqn.2001-04.com.example"), 0);
	CU_ASSERT_STRING_EQUAL(url.target, "iqn.2001-04.com.example");
	CU_ASSERT_FALSE(url.has_lun);
}

/* libiscsi URL form: %XX escapes in the target name are decoded. */
static void url_percent_escapes_in_target(void)
{
	CU_ASSERT_EQUAL(parse("iscsi://h/iqn.2001-04.com.example%3Afoo%2fbar/"
			      "4"),
			0);
	CU_ASSERT_STRING_EQUAL(url.target, "iqn.2001-04.com.example:foo/bar");
	expect_bad("iscsi://h/iqn%2/0", "bad %-escape");
	expect_bad("iscsi://h/iqn%zz/0", "bad %-escape");
	expect_bad("iscsi://h/iqn%00x/0", "%00");
}

/* libiscsi URL form: the scheme iscsi:// is required. */
static void url_bad_scheme(void)
{
	expect_bad("192.0.2.1/iqn.x/0", "missing iscsi:// scheme");
	expect_bad("http://192.0.2.1/iqn.x/0", "unsupported URL scheme");
	expect_bad("iser://192.0.2.1/iqn.x/0", "not supported");
	expect_bad("iscsi:/192.0.2.1/iqn.x/0", "missing iscsi:// scheme");
	CU_ASSERT_EQUAL(iscsi_url_parse(NULL, &url, err, sizeof(err)), -1);
}

/* TCP ports are 1..65535. */
static void url_bad_port(void)
{
	expect_bad("iscsi://h:0/iqn.x/0", "bad port");
	expect_bad("iscsi://h:65536/iqn.x/0", "bad port");
	expect_bad("iscsi://h:32a/iqn.x/0", "bad port");
	expect_bad("iscsi://h:/iqn.x/0", "bad port");
	expect_bad("iscsi://h:-1/iqn.x/0", "bad port");
	CU_ASSERT_EQUAL(parse("iscsi://h:65535/"), 0);
	CU_ASSERT_EQUAL(url.port, 65535);
}

/* LUNs are decimal, 0..16383 (SAM flat space addressing). */
static void url_bad_lun(void)
{
	expect_bad("iscsi://h/iqn.x/", "bad LUN");
	expect_bad("iscsi://h/iqn.x/abc", "bad LUN");
	expect_bad("iscsi://h/iqn.x/1/", "bad LUN");
	expect_bad("iscsi://h/iqn.x/-1", "bad LUN");
	expect_bad("iscsi://h/iqn.x/16384", "bad LUN");
	CU_ASSERT_EQUAL(parse("iscsi://h/iqn.x/16383"), 0);
	CU_ASSERT_EQUAL(url.lun, 16383);
}

/* Malformed authority parts are refused with a reason. */
static void url_bad_authority(void)
{
	expect_bad("iscsi:///iqn.x/0", "missing host");
	expect_bad("iscsi://u@h/iqn.x/0", "without a password");
	expect_bad("iscsi://%p@h/iqn.x/0", "empty user name");
	expect_bad("iscsi://h//0", "empty target name");
	expect_bad("iscsi://ho st/iqn.x/0", "not allowed in a host name");
}

/* Field limits: target names are at most 223 bytes (RFC 7143 §4.2.7.1). */
static void url_target_too_long(void)
{
	char s[400];
	size_t n = strlen("iscsi://h/");

	memcpy(s, "iscsi://h/", n);
	memset(s + n, 'a', 224);
	strcpy(s + n + 224, "/0");
	expect_bad(s, "longer than 223 bytes");
	strcpy(s + n + 223, "/0");
	CU_ASSERT_EQUAL(parse(s), 0);
	CU_ASSERT_EQUAL(strlen(url.target), 223u);
}

/* Formatting writes the form libiscsi parses, and hides secrets on demand. */
static void url_format_round_trip(void)
{
	static const char *const in =
	    "iscsi://u%p@[fe80::1]:3261/iqn.2001-04.com.example:a%2Fb/7"
	    "?target_user=tu&target_password=tp&header_digest=none";
	char out[512];
	struct iscsi_url again;

	CU_ASSERT_EQUAL(parse(in), 0);
	CU_ASSERT_EQUAL(
	    iscsi_url_format(&url, 0, out, sizeof(out), err, sizeof(err)),
	    (int)strlen(in));
	CU_ASSERT_STRING_EQUAL(out, in);
	CU_ASSERT_EQUAL(iscsi_url_parse(out, &again, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(memcmp(&again, &url, sizeof(url)), 0);

	CU_ASSERT(iscsi_url_format(&url, ISCSI_URL_HIDE_SECRETS, out,
				   sizeof(out), err, sizeof(err)) > 0);
	CU_ASSERT_STRING_EQUAL(out,
			       "iscsi://u%***@[fe80::1]:3261/iqn.2001-04.com."
			       "example:a%2Fb/7?target_user=tu&target_"
			       "password=***&header_digest=none");

	CU_ASSERT_EQUAL(parse("iscsi://h"), 0);
	CU_ASSERT_EQUAL(
	    iscsi_url_format(&url, 0, out, sizeof(out), err, sizeof(err)), 10);
	CU_ASSERT_STRING_EQUAL(out, "iscsi://h/");
}

/* Formatting refuses what it cannot write and what does not fit. */
static void url_format_errors(void)
{
	char out[16];

	CU_ASSERT_EQUAL(parse("iscsi://h/iqn.2001-04.com.example/1"), 0);
	CU_ASSERT_EQUAL(
	    iscsi_url_format(&url, 0, out, sizeof(out), err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "does not fit"));
	strcpy(url.user, "a:b");
	strcpy(url.password, "p");
	CU_ASSERT_EQUAL(
	    iscsi_url_format(&url, 0, out, sizeof(out), err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "user name"));
}

UNIT_SUITE(url, "proto.url", UNIT_TEST(url_full_form_default_port),
	   UNIT_TEST(url_user_password_port), UNIT_TEST(url_mutual_chap_query),
	   UNIT_TEST(url_ipv6_brackets), UNIT_TEST(url_portal_only),
	   UNIT_TEST(url_percent_escapes_in_target), UNIT_TEST(url_bad_scheme),
	   UNIT_TEST(url_bad_port), UNIT_TEST(url_bad_lun),
	   UNIT_TEST(url_bad_authority), UNIT_TEST(url_target_too_long),
	   UNIT_TEST(url_format_round_trip), UNIT_TEST(url_format_errors))
