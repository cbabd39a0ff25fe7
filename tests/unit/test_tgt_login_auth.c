/* SPDX-License-Identifier: MIT */
/*
 * test_tgt_login_auth.c - the reference target's security stage
 * (login_auth.c): AuthMethod (RFC 7143 §12.1), CHAP one-way and mutual
 * (§12.1.3), reflection (§9.2.1), and the CHAP defects.  Expected CHAP_R
 * values are computed here with OpenSSL's MD5 from literal secrets.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_tgt_login_util.h"
#include "unit.h"

#define USER "alice"
#define SECRET "alice-secret-12"
#define MUSER "target-bob"
#define MSECRET "target-secret-34"

static struct fixture *chap_fixture(bool mutual, const char *defect)
{
	struct fixture_opts o;

	memset(&o, 0, sizeof(o));
	o.chap_user = USER;
	o.chap_secret = SECRET;
	if (mutual) {
		o.mutual_user = MUSER;
		o.mutual_secret = MSECRET;
	}
	o.defects[0] = defect;
	return fixture_new(&o);
}

static void sec_req(struct tl_req *r, bool t)
{
	tl_req_init(r, ISCSI_STAGE_SECURITY, ISCSI_STAGE_OPERATIONAL, t);
}

/* AuthMethod=CHAP,None then CHAP_A: the challenge (id, bytes). */
static int chap_start(struct fixture *fx, uint16_t isid_low, uint8_t *id,
		      uint8_t *chal, size_t *clen)
{
	static const char *const first[] = {
		"InitiatorName=" FIXTURE_INITIATOR,
		"TargetName=" FIXTURE_TARGET, "SessionType=Normal",
		"AuthMethod=CHAP,None", NULL};
	static const char *const alg[] = {"CHAP_A=7,5", NULL};
	struct tl_rsp rsp;
	struct tl_req r;
	int n, rc = -1;

	sec_req(&r, true);
	r.isid += isid_low;
	if (tl_xchg(fx, &r, first, &rsp) != 0)
		return -1;
	/* §12.1: CHAP chosen; not transiting while CHAP is to be done */
	CU_ASSERT_STRING_EQUAL(tl_find(&rsp, "AuthMethod") ?: "", "CHAP");
	CU_ASSERT_FALSE(rsp.f.transit);
	tl_rsp_free(&rsp);
	r.t = false;
	if (tl_xchg(fx, &r, alg, &rsp) != 0)
		return -1;
	/* §12.1.3: CHAP_A (the one we support of 7,5), CHAP_I, CHAP_C */
	CU_ASSERT_STRING_EQUAL(tl_find(&rsp, "CHAP_A") ?: "", "5");
	if (tl_find(&rsp, "CHAP_I") && tl_find(&rsp, "CHAP_C")) {
		*id = (uint8_t)atoi(tl_find(&rsp, "CHAP_I"));
		n = tl_unhex(tl_find(&rsp, "CHAP_C"), chal, 1024);
		if (n > 0) {
			*clen = (size_t)n;
			rc = 0;
		}
	}
	tl_rsp_free(&rsp);
	return rc;
}

static void chap_answer(uint8_t id, const char *secret, const uint8_t *chal,
			size_t clen, char *r)
{
	uint8_t md[16];

	tl_md5_chap(id, secret, chal, clen, md);
	tl_hex(md, 16, r);
}

/* Send CHAP_N/CHAP_R (+ mutual keys) with T=1; return the status. */
static uint16_t chap_finish(struct fixture *fx, uint16_t isid_low,
			    const char *name, const char *r,
			    const char *mi, const char *mc,
			    struct tl_rsp *rsp)
{
	char kn[300], kr[64], ki[16], kc[2100];
	const char *keys[5] = {kn, kr, NULL, NULL, NULL};
	struct tl_req q;

	snprintf(kn, sizeof(kn), "CHAP_N=%s", name);
	snprintf(kr, sizeof(kr), "CHAP_R=%s", r);
	if (mi) {
		snprintf(ki, sizeof(ki), "CHAP_I=%s", mi);
		snprintf(kc, sizeof(kc), "CHAP_C=%s", mc);
		keys[2] = ki;
		keys[3] = kc;
	}
	sec_req(&q, true);
	q.isid += isid_low;
	if (tl_xchg(fx, &q, keys, rsp) != 0)
		return 0xffff;
	return tl_status(rsp);
}

static uint16_t op_finish(struct fixture *fx, uint16_t isid_low)
{
	struct tl_rsp rsp;
	struct tl_req r;
	uint16_t st;

	tl_req_init(&r, ISCSI_STAGE_OPERATIONAL, ISCSI_STAGE_FFP, true);
	r.isid += isid_low;
	if (tl_xchg(fx, &r, NULL, &rsp) != 0)
		return 0xffff;
	st = tl_status(&rsp);
	if (st == 0 && (!rsp.f.transit || !rsp.f.tsih))
		st = 0xfffe;
	tl_rsp_free(&rsp);
	return st;
}

/* §12.1.3: one-way CHAP with the right response reaches FFP. */
static void chap_one_way_succeeds(void)
{
	struct fixture *fx = chap_fixture(false, NULL);
	uint8_t id, chal[1024];
	size_t clen;
	char r[40];
	struct tl_rsp rsp;

	CU_ASSERT_FATAL(fx != NULL);
	CU_ASSERT_EQUAL_FATAL(chap_start(fx, 0, &id, chal, &clen), 0);
	chap_answer(id, SECRET, chal, clen, r);
	CU_ASSERT_EQUAL(chap_finish(fx, 0, USER, r, NULL, NULL, &rsp), 0);
	CU_ASSERT_TRUE(rsp.f.transit);
	CU_ASSERT_EQUAL(rsp.f.nsg, 1);
	CU_ASSERT_PTR_NULL(tl_find(&rsp, "CHAP_N"));
	tl_rsp_free(&rsp);
	CU_ASSERT_EQUAL(op_finish(fx, 0), 0x0000);
	fixture_free(fx);
}

/* §12.1.3, §11.13.5: a wrong CHAP_R or unknown CHAP_N -> 0x0201 and
 * close; CHAP_ACCEPT_ANY lets a wrong one through. */
static void chap_wrong_response_fails(void)
{
	for (int i = 0; i < 3; i++) {
		struct fixture *fx =
			chap_fixture(false, i == 2 ? "chap-accept-any" : NULL);
		uint8_t id, chal[1024];
		size_t clen;
		char r[40];
		struct tl_rsp rsp;

		CU_ASSERT_FATAL(fx != NULL);
		CU_ASSERT_EQUAL_FATAL(chap_start(fx, 0, &id, chal, &clen), 0);
		chap_answer(id, "not-the-secret", chal, clen, r);
		if (i == 1)
			chap_answer(id, SECRET, chal, clen, r);
		CU_ASSERT_EQUAL(chap_finish(fx, 0, i == 1 ? "mallory" : USER,
					    r, NULL, NULL, &rsp),
				i == 2 ? 0x0000 : 0x0201);
		if (i < 2) {
			CU_ASSERT_EQUAL(rsp.dsl, 0);
			CU_ASSERT_EQUAL(rsp.f.tsih, 0);
			CU_ASSERT_EQUAL(fixture_wait_closed(fx, TL_TIMEOUT), 0);
		}
		tl_rsp_free(&rsp);
		fixture_free(fx);
	}
}

static uint16_t one_request(struct fixture *fx, struct tl_req *r,
			    const char *const *keys)
{
	struct tl_rsp rsp;
	uint16_t st;

	if (tl_xchg(fx, r, keys, &rsp) != 0)
		return 0xffff;
	st = tl_status(&rsp);
	tl_rsp_free(&rsp);
	return st;
}

/* §12.1: CHAP required and only None offered -> 0x0201; skipping the
 * security stage -> 0x0201. */
static void chap_required_none_refused(void)
{
	static const char *const none[] = {
		"InitiatorName=" FIXTURE_INITIATOR,
		"TargetName=" FIXTURE_TARGET, "AuthMethod=None", NULL};
	struct fixture *fx = chap_fixture(false, NULL);
	struct tl_req r;

	CU_ASSERT_FATAL(fx != NULL);
	sec_req(&r, true);
	CU_ASSERT_EQUAL(one_request(fx, &r, none), 0x0201);
	fixture_free(fx);
	fx = chap_fixture(false, NULL);
	CU_ASSERT_FATAL(fx != NULL);
	tl_req_init(&r, ISCSI_STAGE_OPERATIONAL, ISCSI_STAGE_FFP, true);
	CU_ASSERT_EQUAL(one_request(fx, &r, tl_normal_keys), 0x0201);
	fixture_free(fx);
}

/* §12.1: without users, AuthMethod=CHAP,None gets None; CHAP alone
 * cannot be agreed -> 0x0201. */
static void auth_none_without_users(void)
{
	static const char *const both[] = {
		"InitiatorName=" FIXTURE_INITIATOR,
		"TargetName=" FIXTURE_TARGET, "AuthMethod=CHAP,None", NULL};
	static const char *const chap[] = {
		"InitiatorName=" FIXTURE_INITIATOR,
		"TargetName=" FIXTURE_TARGET, "AuthMethod=CHAP", NULL};
	struct fixture *fx = fixture_new(NULL);
	struct tl_rsp rsp;
	struct tl_req r;

	CU_ASSERT_FATAL(fx != NULL);
	sec_req(&r, true);
	CU_ASSERT_EQUAL_FATAL(tl_xchg(fx, &r, both, &rsp), 0);
	CU_ASSERT_STRING_EQUAL(tl_find(&rsp, "AuthMethod") ?: "", "None");
	CU_ASSERT_TRUE(rsp.f.transit);
	tl_rsp_free(&rsp);
	fixture_free(fx);
	fx = fixture_new(NULL);
	CU_ASSERT_FATAL(fx != NULL);
	CU_ASSERT_EQUAL(one_request(fx, &r, chap), 0x0201);
	fixture_free(fx);
}

/* §12.1.3: no acceptable CHAP_A -> failure 0x0201. */
static void chap_no_acceptable_algorithm(void)
{
	static const char *const first[] = {
		"InitiatorName=" FIXTURE_INITIATOR,
		"TargetName=" FIXTURE_TARGET, "AuthMethod=CHAP", NULL};
	static const char *const alg[] = {"CHAP_A=6,7", NULL};
	struct fixture *fx = chap_fixture(false, NULL);
	struct tl_req r;

	CU_ASSERT_FATAL(fx != NULL);
	sec_req(&r, false);
	CU_ASSERT_EQUAL(one_request(fx, &r, first), 0x0000);
	CU_ASSERT_EQUAL(one_request(fx, &r, alg), 0x0201);
	fixture_free(fx);
}

/* §6.3.2, §12.1.3: T=1 before CHAP is done, or CHAP keys out of order
 * -> 0x0201. */
static void chap_premature_transit_and_order(void)
{
	static const char *const first[] = {
		"InitiatorName=" FIXTURE_INITIATOR,
		"TargetName=" FIXTURE_TARGET, "AuthMethod=CHAP", NULL};
	static const char *const early_n[] = {"CHAP_N=" USER,
					      "CHAP_R=0x00112233", NULL};
	struct fixture *fx = chap_fixture(false, NULL);
	struct tl_req r;

	CU_ASSERT_FATAL(fx != NULL);
	sec_req(&r, false);
	CU_ASSERT_EQUAL(one_request(fx, &r, first), 0x0000);
	r.t = true;
	CU_ASSERT_EQUAL(one_request(fx, &r, NULL), 0x0201);
	fixture_free(fx);
	fx = chap_fixture(false, NULL);
	CU_ASSERT_FATAL(fx != NULL);
	sec_req(&r, false);
	CU_ASSERT_EQUAL(one_request(fx, &r, first), 0x0000);
	CU_ASSERT_EQUAL(one_request(fx, &r, early_n), 0x0201);
	fixture_free(fx);
}

/* §12.1: CHAP keys in the operational stage -> failure. */
static void chap_keys_in_operational_stage(void)
{
	static const char *const keys[] = {
		"InitiatorName=" FIXTURE_INITIATOR,
		"TargetName=" FIXTURE_TARGET, "CHAP_A=5", NULL};
	struct fixture *fx = fixture_new(NULL);
	struct tl_req r;

	CU_ASSERT_FATAL(fx != NULL);
	tl_req_init(&r, ISCSI_STAGE_OPERATIONAL, ISCSI_STAGE_FFP, true);
	CU_ASSERT_EQUAL(one_request(fx, &r, keys), 0x0201);
	fixture_free(fx);
}

/* §12.1.3: mutual CHAP: the target answers CHAP_N=OutgoingUser and
 * CHAP_R = MD5(I || target secret || C). */
static void chap_mutual_succeeds(void)
{
	static const uint8_t ic[16] = {0x10, 0x32, 0x54, 0x76, 0x98, 0xba,
				       0xdc, 0xfe, 0x01, 0x23, 0x45, 0x67,
				       0x89, 0xab, 0xcd, 0xef};
	struct fixture *fx = chap_fixture(true, NULL);
	uint8_t id, chal[1024], want[16], got[16];
	size_t clen;
	char r[40], c_hex[40];
	struct tl_rsp rsp;

	CU_ASSERT_FATAL(fx != NULL);
	CU_ASSERT_EQUAL_FATAL(chap_start(fx, 0, &id, chal, &clen), 0);
	chap_answer(id, SECRET, chal, clen, r);
	tl_hex(ic, sizeof(ic), c_hex);
	CU_ASSERT_EQUAL(chap_finish(fx, 0, USER, r, "77", c_hex, &rsp), 0);
	CU_ASSERT_TRUE(rsp.f.transit);
	CU_ASSERT_STRING_EQUAL(tl_find(&rsp, "CHAP_N") ?: "", MUSER);
	tl_md5_chap(77, MSECRET, ic, sizeof(ic), want);
	CU_ASSERT_EQUAL(tl_unhex(tl_find(&rsp, "CHAP_R"), got, 16), 16);
	CU_ASSERT_EQUAL(memcmp(got, want, 16), 0);
	tl_rsp_free(&rsp);
	CU_ASSERT_EQUAL(op_finish(fx, 0), 0x0000);
	fixture_free(fx);
}

/* §12.1.3: mutual CHAP asked of a target with no OutgoingUser ->
 * 0x0201. */
static void chap_mutual_without_outgoing_user(void)
{
	struct fixture *fx = chap_fixture(false, NULL);
	uint8_t id, chal[1024];
	size_t clen;
	char r[40];
	struct tl_rsp rsp;

	CU_ASSERT_FATAL(fx != NULL);
	CU_ASSERT_EQUAL_FATAL(chap_start(fx, 0, &id, chal, &clen), 0);
	chap_answer(id, SECRET, chal, clen, r);
	CU_ASSERT_EQUAL(chap_finish(fx, 0, USER, r, "1",
				    "0x00112233445566778899aabbccddeeff",
				    &rsp),
			0x0201);
	tl_rsp_free(&rsp);
	fixture_free(fx);
}

/* §9.2.1: the target's own challenge handed back (same connection) ->
 * 0x0201; CHAP_ACCEPT_REFLECTION answers it. */
static void chap_reflection_refused(void)
{
	for (int i = 0; i < 2; i++) {
		struct fixture *fx =
			chap_fixture(true, i ? "chap-accept-reflection" : NULL);
		uint8_t id, chal[1024];
		size_t clen;
		char r[40], c_hex[2100], i_str[8];
		struct tl_rsp rsp;

		CU_ASSERT_FATAL(fx != NULL);
		CU_ASSERT_EQUAL_FATAL(chap_start(fx, 0, &id, chal, &clen), 0);
		chap_answer(id, SECRET, chal, clen, r);
		tl_hex(chal, clen, c_hex);
		snprintf(i_str, sizeof(i_str), "%u", id);
		CU_ASSERT_EQUAL(chap_finish(fx, 0, USER, r, i_str, c_hex,
					    &rsp),
				i ? 0x0000 : 0x0201);
		tl_rsp_free(&rsp);
		fixture_free(fx);
	}
}

/* §9.2.1: a challenge the target sent on another connection -> 0x0201. */
static void chap_reflection_across_connections(void)
{
	struct fixture *fx = chap_fixture(true, NULL);
	uint8_t id_a, chal_a[1024], id_b, chal_b[1024];
	size_t la, lb;
	char r[40], c_hex[2100], i_str[8];
	struct tl_rsp rsp;

	CU_ASSERT_FATAL(fx != NULL);
	CU_ASSERT_EQUAL_FATAL(chap_start(fx, 0, &id_a, chal_a, &la), 0);
	CU_ASSERT_FATAL(fixture_connect(fx) == 1);
	CU_ASSERT_EQUAL_FATAL(chap_start(fx, 1, &id_b, chal_b, &lb), 0);
	chap_answer(id_b, SECRET, chal_b, lb, r);
	tl_hex(chal_a, la, c_hex);
	snprintf(i_str, sizeof(i_str), "%u", id_a);
	CU_ASSERT_EQUAL(chap_finish(fx, 1, USER, r, i_str, c_hex, &rsp),
			0x0201);
	tl_rsp_free(&rsp);
	fixture_free(fx);
}

/* §8.2.1 (D05): every login gets a fresh challenge. */
static void chap_challenge_fresh(void)
{
	struct fixture *fx = chap_fixture(false, NULL);
	uint8_t id_a, chal_a[1024], id_b, chal_b[1024];
	size_t la, lb;

	CU_ASSERT_FATAL(fx != NULL);
	CU_ASSERT_EQUAL_FATAL(chap_start(fx, 0, &id_a, chal_a, &la), 0);
	CU_ASSERT_FATAL(fixture_connect(fx) == 1);
	CU_ASSERT_EQUAL_FATAL(chap_start(fx, 1, &id_b, chal_b, &lb), 0);
	CU_ASSERT(la >= 16);
	CU_ASSERT(la != lb || memcmp(chal_a, chal_b, la) != 0);
	fixture_free(fx);
}

UNIT_SUITE(tgt_login_auth, "tgt/login/auth",
	   UNIT_TEST(chap_one_way_succeeds),
	   UNIT_TEST(chap_wrong_response_fails),
	   UNIT_TEST(chap_required_none_refused),
	   UNIT_TEST(auth_none_without_users),
	   UNIT_TEST(chap_no_acceptable_algorithm),
	   UNIT_TEST(chap_premature_transit_and_order),
	   UNIT_TEST(chap_keys_in_operational_stage),
	   UNIT_TEST(chap_mutual_succeeds),
	   UNIT_TEST(chap_mutual_without_outgoing_user),
	   UNIT_TEST(chap_reflection_refused),
	   UNIT_TEST(chap_reflection_across_connections),
	   UNIT_TEST(chap_challenge_fresh));
