/* SPDX-License-Identifier: MIT */
/*
 * test_chap.c - CHAP (RFC 7143 §12.1.3 over RFC 1994).
 *
 * The expected MD5 responses were computed when the tests were written,
 * independently of the code under test, with coreutils/OpenSSL, e.g.
 *   printf '\x01secretsecret\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09'\
 *          '\x0a\x0b\x0c\x0d\x0e\x0f' | md5sum
 *     -> 226dc576c33f04ff9c3a200ffe35f442
 *   printf '\xffs\xde\xad\xbe\xef' | md5sum
 *     -> 6ce2805adf0e22f45612210503509359
 *   printf '\x00target-secret10123456789abcdef' | md5sum
 *     -> 56a907359e42a604b870b88fbace034a
 * and the base64 form with
 *   printf 226dc576c33f04ff9c3a200ffe35f442 | xxd -r -p | base64
 *     -> Im3FdsM/BP+cOiAP/jX0Qg==
 */
#include <string.h>

#include "chap.h"
#include "unit.h"

static const uint8_t chal16[16] = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05,
				   0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b,
				   0x0c, 0x0d, 0x0e, 0x0f};
/* MD5(0x01 || "secretsecret" || 00..0f) */
static const uint8_t resp_v1[16] = {0x22, 0x6d, 0xc5, 0x76, 0xc3, 0x3f,
				    0x04, 0xff, 0x9c, 0x3a, 0x20, 0x0f,
				    0xfe, 0x35, 0xf4, 0x42};
#define RESP_V1_HEX "0x226dc576c33f04ff9c3a200ffe35f442"
#define RESP_V1_B64 "0bIm3FdsM/BP+cOiAP/jX0Qg=="
#define CHAL16_HEX  "0x000102030405060708090a0b0c0d0e0f"

static const struct iscsi_chap_cred alice = {
    "iqn.2001-04.com.example:alice", (const uint8_t *)"secretsecret", 12};
static const struct iscsi_chap_cred target_id = {
    "iqn.2001-04.com.example:tgt", (const uint8_t *)"target-secret1", 14};

static char err[256];

/* A challenger state with a known identifier and challenge. */
static void fixed_challenge(struct iscsi_chap *c, uint8_t id,
			    struct iscsi_chap_history *h)
{
	iscsi_chap_init(c, h);
	c->alg = ISCSI_CHAP_ALG_MD5;
	c->id = id;
	memcpy(c->chal, chal16, sizeof(chal16));
	c->chal_len = sizeof(chal16);
}

/* RFC 1994 §4.1: Response = MD5(Identifier || secret || Challenge). */
static void chap_md5_known_vectors(void)
{
	static const uint8_t chal_v2[4] = {0xde, 0xad, 0xbe, 0xef};
	static const uint8_t want_v2[16] = {0x6c, 0xe2, 0x80, 0x5a, 0xdf, 0x0e,
					    0x22, 0xf4, 0x56, 0x12, 0x21, 0x05,
					    0x03, 0x50, 0x93, 0x59};
	static const uint8_t want_v3[16] = {0x56, 0xa9, 0x07, 0x35, 0x9e, 0x42,
					    0xa6, 0x04, 0xb8, 0x70, 0xb8, 0x8f,
					    0xba, 0xce, 0x03, 0x4a};
	uint8_t out[16];

	CU_ASSERT_EQUAL(iscsi_chap_response(0x01,
					    (const uint8_t *)"secretsecret", 12,
					    chal16, 16, out),
			0);
	CU_ASSERT_EQUAL(memcmp(out, resp_v1, 16), 0);
	CU_ASSERT_EQUAL(
	    iscsi_chap_response(0xff, (const uint8_t *)"s", 1, chal_v2, 4, out),
	    0);
	CU_ASSERT_EQUAL(memcmp(out, want_v2, 16), 0);
	CU_ASSERT_EQUAL(
	    iscsi_chap_response(0x00, (const uint8_t *)"target-secret1", 14,
				(const uint8_t *)"0123456789abcdef", 16, out),
	    0);
	CU_ASSERT_EQUAL(memcmp(out, want_v3, 16), 0);
	/* the identifier is part of the hash */
	CU_ASSERT_EQUAL(iscsi_chap_response(0x02,
					    (const uint8_t *)"secretsecret", 12,
					    chal16, 16, out),
			0);
	CU_ASSERT_NOT_EQUAL(memcmp(out, resp_v1, 16), 0);
}

/* RFC 7143 §12.1.3: responses are compared (here in constant time). */
static void chap_equal_compares_bytes(void)
{
	uint8_t x[16];

	memcpy(x, resp_v1, 16);
	CU_ASSERT_TRUE(iscsi_chap_equal(x, resp_v1, 16));
	x[15] ^= 1;
	CU_ASSERT_FALSE(iscsi_chap_equal(x, resp_v1, 16));
	CU_ASSERT_TRUE(iscsi_chap_equal(x, resp_v1, 15));
}

/* RFC 7143 §9.2.1: challenges are random and never repeated. */
static void chap_challenges_are_random(void)
{
	uint8_t a[16], b[16];

	CU_ASSERT_EQUAL(iscsi_chap_challenge(a, sizeof(a)), 0);
	CU_ASSERT_EQUAL(iscsi_chap_challenge(b, sizeof(b)), 0);
	CU_ASSERT_NOT_EQUAL(memcmp(a, b, sizeof(a)), 0);
	CU_ASSERT_EQUAL(iscsi_chap_challenge(a, ISCSI_CHAP_BIN_MAX + 1), -1);
}

/* RFC 7143 §12.1.3: the target picks an offered algorithm; 5 is MD5. */
static void chap_select_md5_from_list(void)
{
	CU_ASSERT_EQUAL(iscsi_chap_select_alg("5", err, sizeof(err)), 5);
	CU_ASSERT_EQUAL(iscsi_chap_select_alg("7,6,5", err, sizeof(err)), 5);
	CU_ASSERT_EQUAL(iscsi_chap_select_alg("0x5", err, sizeof(err)), 5);
	/* §6.2.1: values not understood are ignored */
	CU_ASSERT_EQUAL(iscsi_chap_select_alg("foo,,5", err, sizeof(err)), 5);
}

/* RFC 7143 §12.1.3: nothing acceptable means CHAP_A=Reject and failure. */
static void chap_select_none_acceptable(void)
{
	err[0] = '\0';
	CU_ASSERT_EQUAL(iscsi_chap_select_alg("6,7", err, sizeof(err)), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "no supported algorithm"));
	/* "55" is not "5" */
	CU_ASSERT_EQUAL(iscsi_chap_select_alg("55", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(iscsi_chap_select_alg("", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(iscsi_chap_select_alg(NULL, err, sizeof(err)), 0);
}

/* RFC 1994 §4.1: CHAP_I is one octet, 0..255. */
static void chap_identifier_one_octet(void)
{
	uint8_t id = 0;

	CU_ASSERT_EQUAL(iscsi_chap_parse_id("0", &id, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(id, 0);
	CU_ASSERT_EQUAL(iscsi_chap_parse_id("255", &id, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(id, 255);
	CU_ASSERT_EQUAL(iscsi_chap_parse_id("0x7f", &id, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(id, 0x7f);
	CU_ASSERT_EQUAL(iscsi_chap_parse_id("256", &id, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(iscsi_chap_parse_id("-1", &id, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(iscsi_chap_parse_id("", &id, err, sizeof(err)), -1);
}

/* RFC 7143 §12.1.3: C and R are binary values of at most 1024 bytes. */
static void chap_binary_values_hex_base64_limits(void)
{
	static char big[2 + 2 * 1025 + 1];
	uint8_t out[ISCSI_CHAP_BIN_MAX];
	size_t n = 0;

	CU_ASSERT_EQUAL(iscsi_chap_parse_bin(RESP_V1_HEX, out, sizeof(out), &n,
					     err, sizeof(err)),
			0);
	CU_ASSERT_EQUAL(n, 16u);
	CU_ASSERT_EQUAL(memcmp(out, resp_v1, 16), 0);
	CU_ASSERT_EQUAL(iscsi_chap_parse_bin(RESP_V1_B64, out, sizeof(out), &n,
					     err, sizeof(err)),
			0);
	CU_ASSERT_EQUAL(n, 16u);
	CU_ASSERT_EQUAL(memcmp(out, resp_v1, 16), 0);

	big[0] = '0';
	big[1] = 'x';
	memset(big + 2, 'a', 2 * 1024);
	big[2 + 2 * 1024] = '\0';
	CU_ASSERT_EQUAL(
	    iscsi_chap_parse_bin(big, out, sizeof(out), &n, err, sizeof(err)),
	    0);
	CU_ASSERT_EQUAL(n, 1024u);
	memset(big + 2, 'a', 2 * 1025);
	big[2 + 2 * 1025] = '\0';
	CU_ASSERT_EQUAL(
	    iscsi_chap_parse_bin(big, out, sizeof(out), &n, err, sizeof(err)),
	    -1);
	CU_ASSERT_EQUAL(iscsi_chap_parse_bin("1234", out, sizeof(out), &n, err,
					     sizeof(err)),
			-1);
}

/* RFC 7143 §12.1.3: the target's CHAP_A/CHAP_I/CHAP_C, fresh each time. */
static void chap_target_challenge_keys(void)
{
	struct iscsi_chap c;
	struct iscsi_chap_keys k;
	uint8_t first[16], id = 0;

	iscsi_chap_init(&c, NULL);
	CU_ASSERT_EQUAL(iscsi_chap_new_challenge(&c, ISCSI_CHAP_ALG_MD5, 0, &k,
						 err, sizeof(err)),
			0);
	CU_ASSERT_STRING_EQUAL(k.a, "5");
	CU_ASSERT_EQUAL(iscsi_chap_parse_id(k.i, &id, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(id, c.id);
	CU_ASSERT_EQUAL(c.chal_len, 16u);
	CU_ASSERT_EQUAL(strlen(k.c), 2u + 32u);
	CU_ASSERT_EQUAL(strncmp(k.c, "0x", 2), 0);
	memcpy(first, c.chal, 16);
	CU_ASSERT_EQUAL(iscsi_chap_new_challenge(&c, ISCSI_CHAP_ALG_MD5, 16,
						 NULL, err, sizeof(err)),
			0);
	CU_ASSERT_NOT_EQUAL(memcmp(first, c.chal, 16), 0);
	/* only MD5, and at most 1024 bytes */
	CU_ASSERT_EQUAL(
	    iscsi_chap_new_challenge(&c, 7, 16, NULL, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(iscsi_chap_new_challenge(&c, ISCSI_CHAP_ALG_MD5, 1025,
						 NULL, err, sizeof(err)),
			-1);
}

/* RFC 7143 §12.1.3: the target checks CHAP_N and CHAP_R. */
static void chap_target_verifies_initiator(void)
{
	struct iscsi_chap c;
	uint8_t bad[16];

	fixed_challenge(&c, 0x01, NULL);
	CU_ASSERT_EQUAL(iscsi_chap_verify(&c, alice.name, resp_v1, 16, &alice,
					  &target_id, err, sizeof(err)),
			0);
	CU_ASSERT_EQUAL(iscsi_chap_verify_keys(&c, alice.name, RESP_V1_HEX,
					       &alice, &target_id, err,
					       sizeof(err)),
			0);
	CU_ASSERT_EQUAL(iscsi_chap_verify_keys(&c, alice.name, RESP_V1_B64,
					       &alice, NULL, err, sizeof(err)),
			0);
	/* a flipped bit */
	memcpy(bad, resp_v1, 16);
	bad[0] ^= 0x80;
	CU_ASSERT_EQUAL(iscsi_chap_verify(&c, alice.name, bad, 16, &alice, NULL,
					  err, sizeof(err)),
			-1);
	/* the wrong name */
	CU_ASSERT_EQUAL(iscsi_chap_verify(&c, "iqn.2001-04.com.example:eve",
					  resp_v1, 16, &alice, NULL, err,
					  sizeof(err)),
			-1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "CHAP_N"));
	/* the wrong length */
	CU_ASSERT_EQUAL(iscsi_chap_verify(&c, alice.name, resp_v1, 15, &alice,
					  NULL, err, sizeof(err)),
			-1);
	/* no CHAP_R at all */
	CU_ASSERT_EQUAL(iscsi_chap_verify_keys(&c, alice.name, NULL, &alice,
					       NULL, err, sizeof(err)),
			-1);
	/* a response before any challenge */
	iscsi_chap_init(&c, NULL);
	CU_ASSERT_EQUAL(iscsi_chap_verify(&c, alice.name, resp_v1, 16, &alice,
					  NULL, err, sizeof(err)),
			-1);
}

/* RFC 1994 §4.1: the responder answers CHAP_I/CHAP_C with its secret. */
static void chap_initiator_responds(void)
{
	char r[ISCSI_CHAP_HEX_MAX];
	uint8_t out[16];

	CU_ASSERT_EQUAL(iscsi_chap_respond_keys(NULL, "1", CHAL16_HEX, &alice,
						r, sizeof(r), err, sizeof(err)),
			0);
	CU_ASSERT_STRING_EQUAL(r, RESP_V1_HEX);
	CU_ASSERT_EQUAL(iscsi_chap_respond(NULL, 1, chal16, 16, &alice, out,
					   err, sizeof(err)),
			0);
	CU_ASSERT_EQUAL(memcmp(out, resp_v1, 16), 0);
	/* §12.1.3: empty or over-long challenges are refused */
	CU_ASSERT_EQUAL(iscsi_chap_respond(NULL, 1, chal16, 0, &alice, out, err,
					   sizeof(err)),
			-1);
	CU_ASSERT_EQUAL(iscsi_chap_respond_keys(NULL, "300", CHAL16_HEX, &alice,
						r, sizeof(r), err, sizeof(err)),
			-1);
	CU_ASSERT_EQUAL(iscsi_chap_respond_keys(NULL, "1", CHAL16_HEX, &alice,
						r, 10, err, sizeof(err)),
			-1);
}

/* RFC 7143 §12.1.3: mutual CHAP, the target answers the initiator. */
static void chap_mutual_target_answers(void)
{
	static const uint8_t want[16] = {0x56, 0xa9, 0x07, 0x35, 0x9e, 0x42,
					 0xa6, 0x04, 0xb8, 0x70, 0xb8, 0x8f,
					 0xba, 0xce, 0x03, 0x4a};
	struct iscsi_chap_history hist;
	struct iscsi_chap tgt, ini;
	uint8_t out[16];

	iscsi_chap_history_init(&hist);
	iscsi_chap_init(&tgt, &hist);
	CU_ASSERT_EQUAL(iscsi_chap_new_challenge(&tgt, ISCSI_CHAP_ALG_MD5, 16,
						 NULL, err, sizeof(err)),
			0);
	/* the initiator's CHAP_I=0 CHAP_C="0123456789abcdef" */
	CU_ASSERT_EQUAL(
	    iscsi_chap_respond(&tgt, 0, (const uint8_t *)"0123456789abcdef", 16,
			       &target_id, out, err, sizeof(err)),
	    0);
	CU_ASSERT_EQUAL(memcmp(out, want, 16), 0);
	/* and the initiator, as challenger, accepts it */
	iscsi_chap_init(&ini, NULL);
	ini.alg = ISCSI_CHAP_ALG_MD5;
	ini.id = 0;
	memcpy(ini.chal, "0123456789abcdef", 16);
	ini.chal_len = 16;
	CU_ASSERT_EQUAL(iscsi_chap_verify(&ini, target_id.name, out, 16,
					  &target_id, &alice, err, sizeof(err)),
			0);
}

/* RFC 7143 §9.2.1: a challenge reflected on the same connection fails. */
static void chap_reflection_same_connection_rejected(void)
{
	struct iscsi_chap c;
	uint8_t out[16];

	fixed_challenge(&c, 0x01, NULL);
	err[0] = '\0';
	CU_ASSERT_EQUAL(iscsi_chap_respond(&c, 0x01, chal16, 16, &target_id,
					   out, err, sizeof(err)),
			-1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "reflection"));
	/* a different identifier does not make it acceptable */
	CU_ASSERT_EQUAL(iscsi_chap_respond(&c, 0x02, chal16, 16, &target_id,
					   out, err, sizeof(err)),
			-1);
	/* a prefix of our challenge is a different challenge */
	CU_ASSERT_EQUAL(iscsi_chap_respond(&c, 0x02, chal16, 15, &target_id,
					   out, err, sizeof(err)),
			0);
}

/* RFC 7143 §9.2.1: a challenge the target sent on another connection fails. */
static void chap_reflection_recent_challenge_rejected(void)
{
	struct iscsi_chap_history hist;
	struct iscsi_chap conn1, conn2;
	uint8_t out[16], seen[16];

	iscsi_chap_history_init(&hist);
	iscsi_chap_init(&conn1, &hist);
	iscsi_chap_init(&conn2, &hist);
	CU_ASSERT_EQUAL(iscsi_chap_new_challenge(&conn1, ISCSI_CHAP_ALG_MD5, 16,
						 NULL, err, sizeof(err)),
			0);
	CU_ASSERT_EQUAL(iscsi_chap_new_challenge(&conn2, ISCSI_CHAP_ALG_MD5, 16,
						 NULL, err, sizeof(err)),
			0);
	memcpy(seen, conn1.chal, 16);
	/* a rogue initiator replays conn1's challenge on conn2 */
	err[0] = '\0';
	CU_ASSERT_EQUAL(iscsi_chap_respond(&conn2, conn1.id, seen, 16,
					   &target_id, out, err, sizeof(err)),
			-1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "recently"));
	/* the set is bounded: after ISCSI_CHAP_HISTORY newer ones, forgotten */
	for (unsigned i = 0; i < ISCSI_CHAP_HISTORY; i++)
		CU_ASSERT_EQUAL(
		    iscsi_chap_new_challenge(&conn1, ISCSI_CHAP_ALG_MD5, 16,
					     NULL, err, sizeof(err)),
		    0);
	CU_ASSERT_EQUAL(hist.count, (unsigned)ISCSI_CHAP_HISTORY);
	CU_ASSERT_FALSE(iscsi_chap_history_has(&hist, seen, 16));
	CU_ASSERT_TRUE(iscsi_chap_history_has(&hist, conn1.chal, 16));
}

/* RFC 7143 §9.2.1: a response our own secret would give is a failure. */
static void chap_same_secret_both_ways_rejected(void)
{
	/* the target configured with alice's secret for its own identity */
	static const struct iscsi_chap_cred careless = {
	    "iqn.2001-04.com.example:tgt", (const uint8_t *)"secretsecret", 12};
	struct iscsi_chap c;

	fixed_challenge(&c, 0x01, NULL);
	err[0] = '\0';
	CU_ASSERT_EQUAL(iscsi_chap_verify(&c, alice.name, resp_v1, 16, &alice,
					  &careless, err, sizeof(err)),
			-1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "same secret"));
}

UNIT_SUITE(chap, "proto.chap", UNIT_TEST(chap_md5_known_vectors),
	   UNIT_TEST(chap_equal_compares_bytes),
	   UNIT_TEST(chap_challenges_are_random),
	   UNIT_TEST(chap_select_md5_from_list),
	   UNIT_TEST(chap_select_none_acceptable),
	   UNIT_TEST(chap_identifier_one_octet),
	   UNIT_TEST(chap_binary_values_hex_base64_limits),
	   UNIT_TEST(chap_target_challenge_keys),
	   UNIT_TEST(chap_target_verifies_initiator),
	   UNIT_TEST(chap_initiator_responds),
	   UNIT_TEST(chap_mutual_target_answers),
	   UNIT_TEST(chap_reflection_same_connection_rejected),
	   UNIT_TEST(chap_reflection_recent_challenge_rejected),
	   UNIT_TEST(chap_same_secret_both_ways_rejected))
