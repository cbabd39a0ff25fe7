/* SPDX-License-Identifier: MIT */
/*
 * test_text.c - key=value text segments (RFC 7143 §6.1): parsing, limits,
 * duplicates, serialization, and texts continued across PDUs.
 */
#include <string.h>

#include "text.h"
#include "unit.h"

#define SEG(s) ((const uint8_t *)(s)), (sizeof(s) - 1)

/* §6.1: a data segment is key=value items, each ending in a NUL. */
static void text_parses_nul_terminated_pairs(void)
{
	struct iscsi_text t;
	char err[128];

	iscsi_text_init(&t);
	CU_ASSERT_EQUAL(iscsi_text_parse(&t,
					 SEG("HeaderDigest=None\0"
					     "MaxBurstLength=262144\0"),
					 err, sizeof(err)),
			2);
	CU_ASSERT_EQUAL(t.n, 2);
	CU_ASSERT_STRING_EQUAL(t.kv[0].key, "HeaderDigest");
	CU_ASSERT_STRING_EQUAL(t.kv[0].value, "None");
	CU_ASSERT_STRING_EQUAL(iscsi_text_find(&t, "MaxBurstLength"), "262144");
	CU_ASSERT_PTR_NULL(iscsi_text_find(&t, "maxburstlength"));
	iscsi_text_free(&t);
}

/* §6.1: an empty value ("SendTargets=") is a pair with value "". */
static void text_empty_value_is_allowed(void)
{
	struct iscsi_text t;

	iscsi_text_init(&t);
	CU_ASSERT_EQUAL(iscsi_text_parse(&t, SEG("SendTargets=\0"), NULL, 0),
			1);
	CU_ASSERT_STRING_EQUAL(iscsi_text_find(&t, "SendTargets"), "");
	iscsi_text_free(&t);
}

/* §6.1: an empty segment holds no pairs. */
static void text_empty_segment_has_no_pairs(void)
{
	struct iscsi_text t;

	iscsi_text_init(&t);
	CU_ASSERT_EQUAL(iscsi_text_parse(&t, (const uint8_t *)"", 0, NULL, 0),
			0);
	CU_ASSERT_EQUAL(t.n, 0);
	iscsi_text_free(&t);
}

/* §6.1: the last pair must end with a NUL. */
static void text_rejects_missing_final_nul(void)
{
	struct iscsi_text t;
	char err[128] = "";

	iscsi_text_init(&t);
	CU_ASSERT_EQUAL(
	    iscsi_text_parse(&t, SEG("HeaderDigest=None"), err, sizeof(err)),
	    -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "missing final NUL"));
	CU_ASSERT_EQUAL(t.n, 0);
	iscsi_text_free(&t);
}

/* §6.1: bytes after the last NUL are an unterminated pair. */
static void text_rejects_trailing_data(void)
{
	struct iscsi_text t;
	char err[128] = "";

	iscsi_text_init(&t);
	CU_ASSERT_EQUAL(iscsi_text_parse(&t, SEG("A=1\0B=2"), err, sizeof(err)),
			-1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "trailing data"));
	CU_ASSERT_EQUAL(t.n, 0); /* nothing kept on error */
	iscsi_text_free(&t);
}

/* §6.1: every item is key "=" value. */
static void text_rejects_missing_equals(void)
{
	struct iscsi_text t;
	char err[128] = "";

	iscsi_text_init(&t);
	CU_ASSERT_EQUAL(
	    iscsi_text_parse(&t, SEG("A=1\0HeaderDigest\0"), err, sizeof(err)),
	    -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "no '='"));
	CU_ASSERT_EQUAL(t.n, 0);
	iscsi_text_free(&t);
}

/* §6.1: a key-name has at least one character. */
static void text_rejects_empty_key(void)
{
	struct iscsi_text t;
	char err[128] = "";

	iscsi_text_init(&t);
	CU_ASSERT_EQUAL(iscsi_text_parse(&t, SEG("=None\0"), err, sizeof(err)),
			-1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "empty key"));
	iscsi_text_free(&t);
}

/* §6.1: two NULs in a row make an empty item, not a pair. */
static void text_rejects_empty_item(void)
{
	struct iscsi_text t;

	iscsi_text_init(&t);
	CU_ASSERT_EQUAL(iscsi_text_parse(&t, SEG("A=1\0\0"), NULL, 0), -1);
	iscsi_text_free(&t);
}

/* §6.1: a standard-label is at most 63 characters. */
static void text_key_length_limit_is_63(void)
{
	struct iscsi_text t;
	uint8_t buf[80];
	char err[128] = "";

	iscsi_text_init(&t);
	memset(buf, 'K', 63);
	memcpy(buf + 63, "=v", 3); /* includes the NUL */
	CU_ASSERT_EQUAL(iscsi_text_parse(&t, buf, 66, err, sizeof(err)), 1);
	memset(buf, 'K', 64);
	memcpy(buf + 64, "=v", 3);
	CU_ASSERT_EQUAL(iscsi_text_parse(&t, buf, 67, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "64 bytes"));
	CU_ASSERT_EQUAL(t.n, 1);
	iscsi_text_free(&t);
}

/* §6.1: key names use letters, digits, . - + @ _ only. */
static void text_rejects_key_characters(void)
{
	struct iscsi_text t;

	iscsi_text_init(&t);
	CU_ASSERT_EQUAL(iscsi_text_parse(&t, SEG("Max Burst=1\0"), NULL, 0),
			-1);
	CU_ASSERT_EQUAL(iscsi_text_parse(&t, SEG("A/B=1\0"), NULL, 0), -1);
	CU_ASSERT_EQUAL(iscsi_text_parse(&t, SEG("A\xc3\xa9=1\0"), NULL, 0),
			-1);
	CU_ASSERT_EQUAL(iscsi_text_parse(&t, SEG("a.b-c+d@e_f9=1\0"), NULL, 0),
			1);
	iscsi_text_free(&t);
}

/* §13.26: "X#" introduces a public extension key name. */
static void text_accepts_x_hash_prefix(void)
{
	CU_ASSERT_TRUE(iscsi_key_name_valid("X#NodeArchitecture"));
	CU_ASSERT_TRUE(iscsi_key_name_valid("X-com.example.key"));
	CU_ASSERT_FALSE(iscsi_key_name_valid("X#"));
	CU_ASSERT_FALSE(iscsi_key_name_valid("Y#Key"));
	CU_ASSERT_FALSE(iscsi_key_name_valid("X#A#B"));
	CU_ASSERT_FALSE(iscsi_key_name_valid(""));
}

/* §6.3: a key declared twice is detectable (first duplicate reported). */
static void text_finds_duplicate_key(void)
{
	struct iscsi_text t;

	iscsi_text_init(&t);
	CU_ASSERT_EQUAL(
	    iscsi_text_parse(&t, SEG("A=1\0B=2\0C=3\0B=4\0A=5\0"), NULL, 0), 5);
	CU_ASSERT_STRING_EQUAL(iscsi_text_find_dup(&t), "B");
	CU_ASSERT_STRING_EQUAL(iscsi_text_find(&t, "B"), "2");
	iscsi_text_free(&t);
	iscsi_text_init(&t);
	CU_ASSERT_EQUAL(iscsi_text_add(&t, "A", "1"), 0);
	CU_ASSERT_PTR_NULL(iscsi_text_find_dup(&t));
	iscsi_text_free(&t);
}

/* §6.1: serialization writes key=value NUL for every pair in order. */
static void text_serializes_in_order(void)
{
	struct iscsi_text t;
	uint8_t buf[64];
	static const char want[] = "InitiatorName=iqn.a\0SessionType=Normal";

	iscsi_text_init(&t);
	iscsi_text_add(&t, "InitiatorName", "iqn.a");
	iscsi_text_add(&t, "SessionType", "Normal");
	CU_ASSERT_EQUAL(iscsi_text_len(&t), 39);
	CU_ASSERT_EQUAL(iscsi_text_serialize(&t, buf, sizeof(buf)), 39);
	CU_ASSERT_EQUAL(memcmp(buf, want, sizeof(want)), 0);
	CU_ASSERT_EQUAL(iscsi_text_serialize(&t, buf, 38), -1);
	iscsi_text_free(&t);
}

/* §6.1: what is serialized parses back to the same pairs. */
static void text_roundtrip(void)
{
	struct iscsi_text a, b;
	uint8_t buf[128];
	ssize_t n;

	iscsi_text_init(&a);
	iscsi_text_init(&b);
	iscsi_text_add(&a, "CHAP_C", "0x0102");
	iscsi_text_add(&a, "TargetAlias", "disk \xc3\xa9");
	n = iscsi_text_serialize(&a, buf, sizeof(buf));
	CU_ASSERT_EQUAL(n, 34);
	CU_ASSERT_EQUAL(iscsi_text_parse(&b, buf, (size_t)n, NULL, 0), 2);
	CU_ASSERT_STRING_EQUAL(b.kv[1].value, "disk \xc3\xa9");
	iscsi_text_free(&a);
	iscsi_text_free(&b);
}

/* §11.10.2: with C=1 a pair may be split across PDUs; join, then parse. */
static void text_accum_joins_split_pair(void)
{
	struct iscsi_text_accum acc;
	struct iscsi_text t;

	iscsi_text_accum_init(&acc, 0);
	iscsi_text_init(&t);
	CU_ASSERT_EQUAL(acc.limit, 65536);
	CU_ASSERT_EQUAL(iscsi_text_accum_add(&acc, SEG("MaxBurst"), NULL, 0),
			0);
	CU_ASSERT_EQUAL(
	    iscsi_text_accum_add(&acc, SEG("Length=512\0Ini"), NULL, 0), 0);
	CU_ASSERT_EQUAL(
	    iscsi_text_accum_add(&acc, SEG("tialR2T=No\0"), NULL, 0), 0);
	CU_ASSERT_EQUAL(iscsi_text_accum_finish(&acc, &t, NULL, 0), 2);
	CU_ASSERT_STRING_EQUAL(iscsi_text_find(&t, "MaxBurstLength"), "512");
	CU_ASSERT_STRING_EQUAL(iscsi_text_find(&t, "InitialR2T"), "No");
	CU_ASSERT_EQUAL(acc.len, 0);
	iscsi_text_free(&t);
	iscsi_text_accum_free(&acc);
}

/* §6.1: the accumulated text is bounded (64 KiB by default). */
static void text_accum_enforces_limit(void)
{
	struct iscsi_text_accum acc;
	uint8_t big[40];
	char err[128] = "";

	memset(big, 'a', sizeof(big));
	iscsi_text_accum_init(&acc, 64);
	CU_ASSERT_EQUAL(iscsi_text_accum_add(&acc, big, 40, err, sizeof(err)),
			0);
	CU_ASSERT_EQUAL(iscsi_text_accum_add(&acc, big, 24, err, sizeof(err)),
			0);
	CU_ASSERT_EQUAL(iscsi_text_accum_add(&acc, big, 1, err, sizeof(err)),
			-1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "64 bytes"));
	iscsi_text_accum_free(&acc);
}

/* §11.10.2: a continued text whose last PDU lacks the final NUL fails. */
static void text_accum_unterminated_fails(void)
{
	struct iscsi_text_accum acc;
	struct iscsi_text t;

	iscsi_text_accum_init(&acc, 0);
	iscsi_text_init(&t);
	iscsi_text_accum_add(&acc, SEG("A=1\0B="), NULL, 0);
	CU_ASSERT_EQUAL(iscsi_text_accum_finish(&acc, &t, NULL, 0), -1);
	CU_ASSERT_EQUAL(t.n, 0);
	iscsi_text_free(&t);
	iscsi_text_accum_free(&acc);
}

UNIT_SUITE(text, "text", UNIT_TEST(text_parses_nul_terminated_pairs),
	   UNIT_TEST(text_empty_value_is_allowed),
	   UNIT_TEST(text_empty_segment_has_no_pairs),
	   UNIT_TEST(text_rejects_missing_final_nul),
	   UNIT_TEST(text_rejects_trailing_data),
	   UNIT_TEST(text_rejects_missing_equals),
	   UNIT_TEST(text_rejects_empty_key),
	   UNIT_TEST(text_rejects_empty_item),
	   UNIT_TEST(text_key_length_limit_is_63),
	   UNIT_TEST(text_rejects_key_characters),
	   UNIT_TEST(text_accepts_x_hash_prefix),
	   UNIT_TEST(text_finds_duplicate_key),
	   UNIT_TEST(text_serializes_in_order), UNIT_TEST(text_roundtrip),
	   UNIT_TEST(text_accum_joins_split_pair),
	   UNIT_TEST(text_accum_enforces_limit),
	   UNIT_TEST(text_accum_unterminated_fails))
