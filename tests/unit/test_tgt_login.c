/* SPDX-License-Identifier: MIT */
/*
 * test_tgt_login.c - the reference target's login phase (login.c,
 * login_keys.c): stages, T/C bits, numbering, mandatory keys, status
 * classes of RFC 7143 §11.13.5 (asserted as the literal values of the
 * table), and the login defects of the catalog.
 */
#include <string.h>

#include "test_tgt_login_util.h"
#include "unit.h"

static struct fixture *fx_new_defect(const char *defect)
{
	struct fixture_opts o;

	memset(&o, 0, sizeof(o));
	o.defects[0] = defect;
	return fixture_new(defect ? &o : NULL);
}

/* The one-request login CSG=1 -> FFP; status returned, rsp kept. */
static uint16_t op_login(struct fixture *fx, const char *const *keys,
			 struct tl_rsp *rsp)
{
	struct tl_req r;

	tl_req_init(&r, ISCSI_STAGE_OPERATIONAL, ISCSI_STAGE_FFP, true);
	if (tl_xchg(fx, &r, keys, rsp) != 0)
		return 0xffff;
	return tl_status(rsp);
}

/* §11.13.5: a failure closes the connection and carries no keys. */
static void expect_failure(struct fixture *fx, struct tl_rsp *rsp,
			   uint16_t status)
{
	CU_ASSERT_EQUAL(tl_status(rsp), status);
	CU_ASSERT_EQUAL(rsp->dsl, 0);
	CU_ASSERT_FALSE(rsp->f.transit);
	CU_ASSERT_EQUAL(fixture_wait_closed(fx, TL_TIMEOUT), 0);
}

/* §6.3, §11.13: a minimal login reaches FFP; ITT and ISID echoed, TSIH
 * non-zero in the final response, TPGT and MRDSL declared. */
static void login_minimal_reaches_ffp(void)
{
	struct fixture *fx = fixture_new(NULL);
	struct tl_rsp rsp;
	struct tgt_conn *c;

	CU_ASSERT_FATAL(fx != NULL);
	CU_ASSERT_EQUAL(op_login(fx, tl_normal_keys, &rsp), 0x0000);
	CU_ASSERT_TRUE(rsp.f.transit);
	CU_ASSERT_EQUAL(rsp.f.csg, 1);
	CU_ASSERT_EQUAL(rsp.f.nsg, 3);
	CU_ASSERT_EQUAL(rsp.f.itt, TL_ITT);
	CU_ASSERT_EQUAL(rsp.f.isid, FIXTURE_ISID);
	CU_ASSERT_NOT_EQUAL(rsp.f.tsih, 0);
	CU_ASSERT_EQUAL(rsp.f.version_max, 0x00);
	CU_ASSERT_EQUAL(rsp.f.version_active, 0x00);
	CU_ASSERT_EQUAL(rsp.f.exp_cmdsn, TL_CMDSN);
	CU_ASSERT_PTR_NOT_NULL(tl_find(&rsp, "TargetPortalGroupTag"));
	CU_ASSERT_PTR_NOT_NULL(tl_find(&rsp, "MaxRecvDataSegmentLength"));
	c = fixture_server_conn(fx);
	CU_ASSERT_FATAL(c != NULL);
	CU_ASSERT_EQUAL(c->state, CONN_FFP);
	tl_rsp_free(&rsp);
	fixture_free(fx);
}

/* §11.13.4: TSIH 0 until the final response; StatSN +1 per response;
 * ExpCmdSN is the login's CmdSN (login requests are immediate). */
static void login_tsih_zero_until_final(void)
{
	static const char *const sec[] = {
		"InitiatorName=" FIXTURE_INITIATOR,
		"TargetName=" FIXTURE_TARGET, "AuthMethod=None", NULL};
	struct fixture *fx = fixture_new(NULL);
	struct tl_rsp a, b;
	struct tl_req r;

	CU_ASSERT_FATAL(fx != NULL);
	tl_req_init(&r, ISCSI_STAGE_SECURITY, ISCSI_STAGE_OPERATIONAL, true);
	CU_ASSERT_EQUAL_FATAL(tl_xchg(fx, &r, sec, &a), 0);
	CU_ASSERT_EQUAL(tl_status(&a), 0x0000);
	CU_ASSERT_EQUAL(a.f.tsih, 0);
	CU_ASSERT_TRUE(a.f.transit);
	CU_ASSERT_EQUAL(a.f.csg, 0);
	CU_ASSERT_EQUAL(a.f.nsg, 1);
	CU_ASSERT_EQUAL(tl_find(&a, "AuthMethod") ? 1 : 0, 1);
	CU_ASSERT_STRING_EQUAL(tl_find(&a, "AuthMethod"), "None");
	tl_req_init(&r, ISCSI_STAGE_OPERATIONAL, ISCSI_STAGE_FFP, true);
	CU_ASSERT_EQUAL_FATAL(tl_xchg(fx, &r, NULL, &b), 0);
	CU_ASSERT_EQUAL(tl_status(&b), 0x0000);
	CU_ASSERT_NOT_EQUAL(b.f.tsih, 0);
	CU_ASSERT_EQUAL(b.f.statsn, a.f.statsn + 1);
	CU_ASSERT_EQUAL(a.f.exp_cmdsn, TL_CMDSN);
	CU_ASSERT_EQUAL(b.f.exp_cmdsn, TL_CMDSN);
	tl_rsp_free(&a);
	tl_rsp_free(&b);
	fixture_free(fx);
}

/* §11.13.4 defect EARLY_TSIH: a non-zero TSIH before the final one. */
static void login_early_tsih_defect_detected(void)
{
	static const char *const sec[] = {
		"InitiatorName=" FIXTURE_INITIATOR,
		"TargetName=" FIXTURE_TARGET, NULL};
	struct fixture *fx = fx_new_defect("early-tsih");
	struct tl_rsp a;
	struct tl_req r;

	CU_ASSERT_FATAL(fx != NULL);
	tl_req_init(&r, ISCSI_STAGE_SECURITY, ISCSI_STAGE_OPERATIONAL, true);
	CU_ASSERT_EQUAL_FATAL(tl_xchg(fx, &r, sec, &a), 0);
	CU_ASSERT_NOT_EQUAL(a.f.tsih, 0);
	tl_rsp_free(&a);
	fixture_free(fx);
}

/* §6.3: a PDU other than a Login Request once the login started gets a
 * Login reject 0x020b, then the connection closes. */
static void login_non_login_pdu_invalid_during_login(void)
{
	struct fixture *fx = fixture_new(NULL);
	struct iscsi_nop_out_f nf;
	struct iscsi_pdu nop;
	struct tl_rsp rsp;
	struct tl_req r;

	CU_ASSERT_FATAL(fx != NULL);
	tl_req_init(&r, ISCSI_STAGE_OPERATIONAL, 0, false);
	CU_ASSERT_EQUAL_FATAL(tl_xchg(fx, &r, tl_normal_keys, &rsp), 0);
	CU_ASSERT_EQUAL(tl_status(&rsp), 0x0000);
	tl_rsp_free(&rsp);
	memset(&nf, 0, sizeof(nf));
	nf.immediate = true;
	nf.itt = 0x77;
	nf.ttt = 0xffffffffu;
	nf.cmdsn = TL_CMDSN;
	iscsi_pdu_init(&nop);
	iscsi_nop_out_pack(&nop.bhs, &nf);
	CU_ASSERT_EQUAL(fixture_send_pdu(fx, &nop), 0);
	iscsi_pdu_release(&nop);
	CU_ASSERT_EQUAL_FATAL(tl_recv(fx, &rsp), 0);
	expect_failure(fx, &rsp, 0x020b);
	tl_rsp_free(&rsp);
	fixture_free(fx);
}

/* §6.3: a non-login PDU before any Login Request: immediate close. */
static void login_non_login_first_closes(void)
{
	struct fixture *fx = fixture_new(NULL);
	struct iscsi_nop_out_f nf;
	struct iscsi_pdu nop, rsp;

	CU_ASSERT_FATAL(fx != NULL);
	memset(&nf, 0, sizeof(nf));
	nf.immediate = true;
	nf.itt = 0x77;
	nf.ttt = 0xffffffffu;
	iscsi_pdu_init(&nop);
	iscsi_pdu_init(&rsp);
	iscsi_nop_out_pack(&nop.bhs, &nf);
	CU_ASSERT_EQUAL(fixture_send_pdu(fx, &nop), 0);
	CU_ASSERT_EQUAL(fixture_recv_pdu(fx, &rsp, TL_TIMEOUT), -2);
	iscsi_pdu_release(&nop);
	iscsi_pdu_release(&rsp);
	fixture_free(fx);
}

/* §11.12.4: Version-min above 0x00 -> 0x0205 "unsupported version". */
static void login_unsupported_version(void)
{
	struct fixture *fx = fixture_new(NULL);
	struct tl_rsp rsp;
	struct tl_req r;

	CU_ASSERT_FATAL(fx != NULL);
	tl_req_init(&r, ISCSI_STAGE_OPERATIONAL, ISCSI_STAGE_FFP, true);
	r.vmin = 1;
	r.vmax = 2;
	CU_ASSERT_EQUAL_FATAL(tl_xchg(fx, &r, tl_normal_keys, &rsp), 0);
	expect_failure(fx, &rsp, 0x0205);
	tl_rsp_free(&rsp);
	fixture_free(fx);
}

static void expect_flags_error(bool t, bool cbit, uint8_t csg, uint8_t nsg)
{
	struct fixture *fx = fixture_new(NULL);
	struct tl_rsp rsp;
	struct tl_req r;

	CU_ASSERT_FATAL(fx != NULL);
	tl_req_init(&r, csg, nsg, t);
	r.c = cbit;
	CU_ASSERT_EQUAL_FATAL(tl_xchg(fx, &r, tl_normal_keys, &rsp), 0);
	expect_failure(fx, &rsp, 0x0200);
	tl_rsp_free(&rsp);
	fixture_free(fx);
}

/* §11.12.2: T=1 with C=1 is an initiator error (0x0200). */
static void login_t_and_c_both_set(void)
{
	expect_flags_error(true, true, 1, 3);
}

/* §11.12.3: NSG 2 is reserved; CSG 3 is not a login stage; a transit
 * backwards is no transit. */
static void login_reserved_or_backward_stage(void)
{
	expect_flags_error(true, false, 1, 2);
	expect_flags_error(false, false, 3, 0);
	expect_flags_error(true, false, 1, 0);
}

/* §11.12.2: while C=1 the target answers with empty responses (T=0,
 * C=0, no keys); a pair split across PDUs is reassembled. */
static void login_continue_bit_reassembles(void)
{
	static const char text[] = "InitiatorName=" FIXTURE_INITIATOR
				   "\0TargetName=" FIXTURE_TARGET;
	struct fixture *fx = fixture_new(NULL);
	struct tl_rsp rsp;
	struct tl_req r;
	size_t half = 20;

	CU_ASSERT_FATAL(fx != NULL);
	tl_req_init(&r, ISCSI_STAGE_OPERATIONAL, 0, false);
	r.c = true;
	CU_ASSERT_EQUAL(tl_send_data(fx, &r, text, half), 0);
	CU_ASSERT_EQUAL_FATAL(tl_recv(fx, &rsp), 0);
	CU_ASSERT_EQUAL(tl_status(&rsp), 0x0000);
	CU_ASSERT_EQUAL(rsp.dsl, 0);
	CU_ASSERT_FALSE(rsp.f.transit);
	CU_ASSERT_FALSE(rsp.f.cont);
	tl_rsp_free(&rsp);
	tl_req_init(&r, ISCSI_STAGE_OPERATIONAL, ISCSI_STAGE_FFP, true);
	CU_ASSERT_EQUAL(tl_send_data(fx, &r, text + half, sizeof(text) - half),
			0);
	CU_ASSERT_EQUAL_FATAL(tl_recv(fx, &rsp), 0);
	CU_ASSERT_EQUAL(tl_status(&rsp), 0x0000);
	CU_ASSERT_TRUE(rsp.f.transit);
	CU_ASSERT_NOT_EQUAL(rsp.f.tsih, 0);
	tl_rsp_free(&rsp);
	fixture_free(fx);
}

/* §13.5: no InitiatorName in the first request -> 0x0207; the defect
 * NO_INITIATORNAME_CHECK lets it through. */
static void login_missing_initiatorname(void)
{
	static const char *const keys[] = {"TargetName=" FIXTURE_TARGET,
					   NULL};
	struct fixture *fx = fixture_new(NULL);
	struct tl_rsp rsp;

	CU_ASSERT_FATAL(fx != NULL);
	CU_ASSERT_EQUAL(op_login(fx, keys, &rsp), 0x0207);
	expect_failure(fx, &rsp, 0x0207);
	tl_rsp_free(&rsp);
	fixture_free(fx);
	fx = fx_new_defect("no-initiatorname-check");
	CU_ASSERT_FATAL(fx != NULL);
	CU_ASSERT_EQUAL(op_login(fx, keys, &rsp), 0x0000);
	tl_rsp_free(&rsp);
	fixture_free(fx);
}

/* §13.4: a normal session without TargetName -> 0x0207; an unknown
 * one -> 0x0203 "not found". */
static void login_targetname_missing_or_unknown(void)
{
	static const char *const none[] = {"InitiatorName=" FIXTURE_INITIATOR,
					   NULL};
	static const char *const unknown[] = {
		"InitiatorName=" FIXTURE_INITIATOR,
		"TargetName=iqn.2026-11.org.iscsi-cts:nonexistent", NULL};
	struct fixture *fx = fixture_new(NULL);
	struct tl_rsp rsp;

	CU_ASSERT_FATAL(fx != NULL);
	CU_ASSERT_EQUAL(op_login(fx, none, &rsp), 0x0207);
	tl_rsp_free(&rsp);
	fixture_free(fx);
	fx = fixture_new(NULL);
	CU_ASSERT_FATAL(fx != NULL);
	CU_ASSERT_EQUAL(op_login(fx, unknown, &rsp), 0x0203);
	expect_failure(fx, &rsp, 0x0203);
	tl_rsp_free(&rsp);
	fixture_free(fx);
}

/* §13.21: SessionType other than Discovery/Normal -> 0x0209; Discovery
 * needs no TargetName and gets no TargetPortalGroupTag. */
static void login_session_type(void)
{
	static const char *const bad[] = {"InitiatorName=" FIXTURE_INITIATOR,
					  "TargetName=" FIXTURE_TARGET,
					  "SessionType=Normall", NULL};
	static const char *const disc[] = {"InitiatorName=" FIXTURE_INITIATOR,
					   "SessionType=Discovery", NULL};
	struct fixture *fx = fixture_new(NULL);
	struct tl_rsp rsp;

	CU_ASSERT_FATAL(fx != NULL);
	CU_ASSERT_EQUAL(op_login(fx, bad, &rsp), 0x0209);
	tl_rsp_free(&rsp);
	fixture_free(fx);
	fx = fixture_new(NULL);
	CU_ASSERT_FATAL(fx != NULL);
	CU_ASSERT_EQUAL(op_login(fx, disc, &rsp), 0x0000);
	CU_ASSERT_PTR_NULL(tl_find(&rsp, "TargetPortalGroupTag"));
	tl_rsp_free(&rsp);
	fixture_free(fx);
}

/* §6.2: unknown keys (and X- keys) are answered NotUnderstood; the
 * defect UNKNOWN_KEY_IGNORED leaves them unanswered. */
static void login_unknown_key_not_understood(void)
{
	static const char *const keys[] = {
		"InitiatorName=" FIXTURE_INITIATOR,
		"TargetName=" FIXTURE_TARGET, "FooBarKey=1",
		"X-org.example.thing=2", NULL};
	struct fixture *fx = fixture_new(NULL);
	struct tl_rsp rsp;

	CU_ASSERT_FATAL(fx != NULL);
	CU_ASSERT_EQUAL(op_login(fx, keys, &rsp), 0x0000);
	CU_ASSERT_STRING_EQUAL(tl_find(&rsp, "FooBarKey") ?: "(none)",
			       "NotUnderstood");
	CU_ASSERT_STRING_EQUAL(tl_find(&rsp, "X-org.example.thing")
				       ?: "(none)",
			       "NotUnderstood");
	tl_rsp_free(&rsp);
	fixture_free(fx);
	fx = fx_new_defect("unknown-key-ignored");
	CU_ASSERT_FATAL(fx != NULL);
	CU_ASSERT_EQUAL(op_login(fx, keys, &rsp), 0x0000);
	CU_ASSERT_PTR_NULL(tl_find(&rsp, "FooBarKey"));
	tl_rsp_free(&rsp);
	fixture_free(fx);
}

/* §6.3: a key negotiated twice in one login -> 0x0200 (in one request
 * and across requests); ACCEPT_DUPLICATE_KEY accepts it. */
static void login_duplicate_key(void)
{
	static const char *const twice[] = {
		"InitiatorName=" FIXTURE_INITIATOR,
		"TargetName=" FIXTURE_TARGET, "MaxBurstLength=65536",
		"MaxBurstLength=65536", NULL};
	static const char *const once[] = {"MaxBurstLength=65536", NULL};
	const char *first[] = {"InitiatorName=" FIXTURE_INITIATOR,
			       "TargetName=" FIXTURE_TARGET,
			       "MaxBurstLength=65536", NULL};
	struct fixture *fx = fixture_new(NULL);
	struct tl_rsp rsp;
	struct tl_req r;

	CU_ASSERT_FATAL(fx != NULL);
	CU_ASSERT_EQUAL(op_login(fx, twice, &rsp), 0x0200);
	tl_rsp_free(&rsp);
	fixture_free(fx);

	fx = fixture_new(NULL);
	CU_ASSERT_FATAL(fx != NULL);
	tl_req_init(&r, ISCSI_STAGE_OPERATIONAL, 0, false);
	CU_ASSERT_EQUAL_FATAL(tl_xchg(fx, &r, first, &rsp), 0);
	CU_ASSERT_EQUAL(tl_status(&rsp), 0x0000);
	tl_rsp_free(&rsp);
	CU_ASSERT_EQUAL_FATAL(tl_xchg(fx, &r, once, &rsp), 0);
	expect_failure(fx, &rsp, 0x0200);
	tl_rsp_free(&rsp);
	fixture_free(fx);

	fx = fx_new_defect("accept-duplicate-key");
	CU_ASSERT_FATAL(fx != NULL);
	CU_ASSERT_EQUAL(op_login(fx, twice, &rsp), 0x0000);
	tl_rsp_free(&rsp);
	fixture_free(fx);
}

/* §6.3 (libiscsi's habit): an identical re-declaration of InitiatorName
 * in the next stage is harmless; a different value is an error. */
static void login_identity_redeclared(void)
{
	static const char *const same[] = {"InitiatorName=" FIXTURE_INITIATOR,
					   NULL};
	static const char *const other[] = {
		"InitiatorName=iqn.2026-11.org.iscsi-cts:someone-else", NULL};
	struct fixture *fx = fixture_new(NULL);
	struct tl_rsp rsp;
	struct tl_req r;

	CU_ASSERT_FATAL(fx != NULL);
	tl_req_init(&r, ISCSI_STAGE_OPERATIONAL, 0, false);
	CU_ASSERT_EQUAL_FATAL(tl_xchg(fx, &r, tl_normal_keys, &rsp), 0);
	tl_rsp_free(&rsp);
	CU_ASSERT_EQUAL_FATAL(tl_xchg(fx, &r, same, &rsp), 0);
	CU_ASSERT_EQUAL(tl_status(&rsp), 0x0000);
	tl_rsp_free(&rsp);
	CU_ASSERT_EQUAL_FATAL(tl_xchg(fx, &r, other, &rsp), 0);
	CU_ASSERT_EQUAL(tl_status(&rsp), 0x0200);
	tl_rsp_free(&rsp);
	fixture_free(fx);
}

/* §6.2.2, §13.13: out-of-range values are answered Reject and the login
 * goes on; Minimum: 4096 offered gives 4096; NEG_OVER_OFFER answers
 * more than offered. */
static void login_negotiation_answers(void)
{
	static const char *const keys[] = {
		"InitiatorName=" FIXTURE_INITIATOR,
		"TargetName=" FIXTURE_TARGET, "MaxBurstLength=4096",
		"FirstBurstLength=100", "ImmediateData=No",
		"InitialR2T=Yes", "DefaultTime2Wait=0", "IFMarker=No", NULL};
	struct fixture *fx = fixture_new(NULL);
	struct tl_rsp rsp;

	CU_ASSERT_FATAL(fx != NULL);
	CU_ASSERT_EQUAL(op_login(fx, keys, &rsp), 0x0000);
	CU_ASSERT_STRING_EQUAL(tl_find(&rsp, "MaxBurstLength") ?: "", "4096");
	CU_ASSERT_STRING_EQUAL(tl_find(&rsp, "FirstBurstLength") ?: "",
			       "Reject");
	CU_ASSERT_STRING_EQUAL(tl_find(&rsp, "ImmediateData") ?: "", "No");
	CU_ASSERT_STRING_EQUAL(tl_find(&rsp, "InitialR2T") ?: "", "Yes");
	CU_ASSERT_STRING_EQUAL(tl_find(&rsp, "DefaultTime2Wait") ?: "", "2");
	CU_ASSERT_STRING_EQUAL(tl_find(&rsp, "IFMarker") ?: "", "Reject");
	tl_rsp_free(&rsp);
	fixture_free(fx);
	fx = fx_new_defect("neg-over-offer");
	CU_ASSERT_FATAL(fx != NULL);
	CU_ASSERT_EQUAL(op_login(fx, keys, &rsp), 0x0000);
	CU_ASSERT_STRING_EQUAL(tl_find(&rsp, "MaxBurstLength") ?: "", "4608");
	tl_rsp_free(&rsp);
	fixture_free(fx);
}

/* §13.2, §13.10: session-wide keys are Irrelevant in discovery. */
static void login_discovery_irrelevant_keys(void)
{
	static const char *const keys[] = {"InitiatorName=" FIXTURE_INITIATOR,
					   "SessionType=Discovery",
					   "MaxConnections=4", NULL};
	struct fixture *fx = fixture_new(NULL);
	struct tl_rsp rsp;

	CU_ASSERT_FATAL(fx != NULL);
	CU_ASSERT_EQUAL(op_login(fx, keys, &rsp), 0x0000);
	CU_ASSERT_STRING_EQUAL(tl_find(&rsp, "MaxConnections") ?: "",
			       "Irrelevant");
	tl_rsp_free(&rsp);
	fixture_free(fx);
}

/* §11.13.1: T=1 only in answer to T=1; TRANSIT_UNASKED breaks it. */
static void login_no_transit_unasked(void)
{
	struct fixture *fx = fixture_new(NULL);
	struct tl_rsp rsp;
	struct tl_req r;

	CU_ASSERT_FATAL(fx != NULL);
	tl_req_init(&r, ISCSI_STAGE_OPERATIONAL, 0, false);
	CU_ASSERT_EQUAL_FATAL(tl_xchg(fx, &r, tl_normal_keys, &rsp), 0);
	CU_ASSERT_FALSE(rsp.f.transit);
	CU_ASSERT_EQUAL(rsp.f.tsih, 0);
	tl_rsp_free(&rsp);
	fixture_free(fx);
	fx = fx_new_defect("transit-unasked");
	CU_ASSERT_FATAL(fx != NULL);
	CU_ASSERT_EQUAL_FATAL(tl_xchg(fx, &r, tl_normal_keys, &rsp), 0);
	CU_ASSERT_TRUE(rsp.f.transit);
	tl_rsp_free(&rsp);
	fixture_free(fx);
}

/* §6.3.1, §11.13.5: TSIH of no session -> 0x020a at the first PDU. */
static void login_unknown_tsih(void)
{
	struct fixture *fx = fixture_new(NULL);
	struct tl_rsp rsp;
	struct tl_req r;

	CU_ASSERT_FATAL(fx != NULL);
	tl_req_init(&r, ISCSI_STAGE_OPERATIONAL, ISCSI_STAGE_FFP, true);
	r.tsih = 0x4321;
	CU_ASSERT_EQUAL_FATAL(tl_xchg(fx, &r, tl_normal_keys, &rsp), 0);
	expect_failure(fx, &rsp, 0x020a);
	tl_rsp_free(&rsp);
	fixture_free(fx);
}

/* §11.12: ISID, CID, ITT and CmdSN stay the same through the login. */
static void login_fields_must_not_change(void)
{
	for (int which = 0; which < 4; which++) {
		struct fixture *fx = fixture_new(NULL);
		struct tl_rsp rsp;
		struct tl_req r;

		CU_ASSERT_FATAL(fx != NULL);
		tl_req_init(&r, ISCSI_STAGE_OPERATIONAL, 0, false);
		CU_ASSERT_EQUAL_FATAL(tl_xchg(fx, &r, tl_normal_keys, &rsp), 0);
		tl_rsp_free(&rsp);
		if (which == 0)
			r.isid ^= 1;
		else if (which == 1)
			r.cid = 7;
		else if (which == 2)
			r.itt ^= 0x10;
		else
			r.cmdsn += 1;
		r.t = true;
		r.nsg = ISCSI_STAGE_FFP;
		CU_ASSERT_EQUAL_FATAL(tl_xchg(fx, &r, NULL, &rsp), 0);
		CU_ASSERT_EQUAL(tl_status(&rsp), 0x0200);
		tl_rsp_free(&rsp);
		fixture_free(fx);
	}
}

/* §13.2, §11.13.5: a connection beyond MaxConnections (1) -> 0x0206;
 * IGNORE_MAXCONNECTIONS accepts it. */
static void login_max_connections(void)
{
	const char *defects[] = {NULL, "ignore-maxconnections"};

	for (int i = 0; i < 2; i++) {
		struct fixture *fx = fx_new_defect(defects[i]);
		struct tl_rsp rsp;
		struct tl_req r;

		CU_ASSERT_FATAL(fx != NULL);
		CU_ASSERT_EQUAL_FATAL(fixture_login(fx, NULL), 0);
		CU_ASSERT_FATAL(fixture_connect(fx) == 1);
		tl_req_init(&r, ISCSI_STAGE_OPERATIONAL, ISCSI_STAGE_FFP,
			    true);
		r.tsih = fx->tsih;
		r.cid = 1;
		r.cmdsn = fx->cmdsn;
		CU_ASSERT_EQUAL_FATAL(tl_xchg(fx, &r, tl_normal_keys, &rsp),
				      0);
		CU_ASSERT_EQUAL(tl_status(&rsp), i == 0 ? 0x0206 : 0x0000);
		if (i == 1)
			CU_ASSERT_EQUAL(rsp.f.tsih, fx->tsih);
		tl_rsp_free(&rsp);
		fixture_free(fx);
	}
}

/* §6.3.5: a leading login with the ISID and names of a live session
 * reinstates it: the old session's connection is closed. */
static void login_session_reinstatement(void)
{
	struct fixture *fx = fixture_new(NULL);
	struct tl_rsp rsp;
	uint16_t old;

	CU_ASSERT_FATAL(fx != NULL);
	CU_ASSERT_EQUAL_FATAL(fixture_login(fx, NULL), 0);
	old = fx->tsih;
	CU_ASSERT_FATAL(fixture_connect(fx) == 1);
	CU_ASSERT_EQUAL(op_login(fx, tl_normal_keys, &rsp), 0x0000);
	CU_ASSERT_NOT_EQUAL(rsp.f.tsih, 0);
	CU_ASSERT_NOT_EQUAL(rsp.f.tsih, old);
	tl_rsp_free(&rsp);
	fixture_use(fx, 0);
	CU_ASSERT_EQUAL(fixture_wait_closed(fx, TL_TIMEOUT), 0);
	fixture_free(fx);
}

/* §11.13.5: redirect 0x0101 (temporary) / 0x0102 (permanent) with
 * TargetAddress (§13.8). */
static void login_redirect(void)
{
	for (int perm = 0; perm < 2; perm++) {
		struct fixture *fx = fixture_new(NULL);
		struct tgt_target *t;
		struct tl_rsp rsp;
		char want[64];

		CU_ASSERT_FATAL(fx != NULL);
		t = config_target_find(&fx->srv.cfg, FIXTURE_TARGET);
		CU_ASSERT_FATAL(t != NULL);
		strcpy(t->redirect, "192.0.2.7:3261");
		t->redirect_permanent = perm;
		CU_ASSERT_EQUAL(op_login(fx, tl_normal_keys, &rsp),
				perm ? 0x0102 : 0x0101);
		snprintf(want, sizeof(want), "192.0.2.7:3261,%u",
			 server_find_target(&fx->srv, FIXTURE_TARGET)->tpgt);
		CU_ASSERT_STRING_EQUAL(tl_find(&rsp, "TargetAddress") ?: "",
				       want);
		CU_ASSERT_EQUAL(fixture_wait_closed(fx, TL_TIMEOUT), 0);
		tl_rsp_free(&rsp);
		t->redirect[0] = '\0';
		fixture_free(fx);
	}
}

/* §11.13.5: not permitted by the ACL -> 0x0202 (authorization), not
 * 0x0201 (authentication). */
static void login_acl_authorization_failure(void)
{
	struct fixture *fx = fixture_new(NULL);
	struct tgt_acl_entry all;
	struct tgt_target *t;
	struct tl_rsp rsp;

	CU_ASSERT_FATAL(fx != NULL);
	t = config_target_find(&fx->srv.cfg, FIXTURE_TARGET);
	CU_ASSERT_FATAL(t != NULL);
	memset(&all, 0, sizeof(all));
	all.kind = TGT_ACL_ALL;
	t->deny.entries = &all;
	t->deny.n = 1;
	CU_ASSERT_EQUAL(op_login(fx, tl_normal_keys, &rsp), 0x0202);
	tl_rsp_free(&rsp);
	t->deny.entries = NULL;
	t->deny.n = 0;
	fixture_free(fx);
}

/* §11.13.5: MaxSessions reached -> 0x0302 "out of resources". */
static void login_max_sessions(void)
{
	struct fixture *fx = fixture_new(NULL);
	struct tgt_target *t;
	struct tl_rsp rsp;
	struct tl_req r;

	CU_ASSERT_FATAL(fx != NULL);
	t = config_target_find(&fx->srv.cfg, FIXTURE_TARGET);
	CU_ASSERT_FATAL(t != NULL);
	t->max_sessions = 1;
	CU_ASSERT_EQUAL_FATAL(fixture_login(fx, NULL), 0);
	CU_ASSERT_FATAL(fixture_connect(fx) == 1);
	tl_req_init(&r, ISCSI_STAGE_OPERATIONAL, ISCSI_STAGE_FFP, true);
	r.isid = FIXTURE_ISID + 1; /* another session, not a reinstatement */
	CU_ASSERT_EQUAL_FATAL(tl_xchg(fx, &r, tl_normal_keys, &rsp), 0);
	expect_failure(fx, &rsp, 0x0302);
	tl_rsp_free(&rsp);
	fixture_free(fx);
}

/* §6.2: a key the target is configured with and the initiator did not
 * send is offered (T=0 until answered); an illegal answer -> 0x0200. */
static void login_target_offers_configured_key(void)
{
	static const char *const good[] = {"ImmediateData=No", NULL};
	static const char *const bad[] = {"ImmediateData=Yes", NULL};
	struct fixture_opts o;

	memset(&o, 0, sizeof(o));
	o.keys[0] = "ImmediateData=No";
	for (int i = 0; i < 2; i++) {
		struct fixture *fx = fixture_new(&o);
		struct tl_rsp rsp;
		struct tl_req r;

		CU_ASSERT_FATAL(fx != NULL);
		CU_ASSERT_EQUAL(op_login(fx, tl_normal_keys, &rsp), 0x0000);
		CU_ASSERT_FALSE(rsp.f.transit);
		CU_ASSERT_STRING_EQUAL(tl_find(&rsp, "ImmediateData") ?: "",
				       "No");
		tl_rsp_free(&rsp);
		tl_req_init(&r, ISCSI_STAGE_OPERATIONAL, ISCSI_STAGE_FFP,
			    true);
		CU_ASSERT_EQUAL_FATAL(tl_xchg(fx, &r, i ? bad : good, &rsp),
				      0);
		if (i == 0) {
			CU_ASSERT_EQUAL(tl_status(&rsp), 0x0000);
			CU_ASSERT_TRUE(rsp.f.transit);
		} else {
			CU_ASSERT_EQUAL(tl_status(&rsp), 0x0200);
		}
		tl_rsp_free(&rsp);
		fixture_free(fx);
	}
}

/* §11.13.2, §13.12: a response longer than the initiator's
 * MaxRecvDataSegmentLength goes in C=1 pieces, fetched with empty
 * requests; only the last piece carries T=1. */
static void login_long_response_split(void)
{
	const char *keys[32];
	char names[20][80];
	struct fixture *fx = fixture_new(NULL);
	struct tl_req r;
	size_t total = 0;
	int n = 0, pieces = 0;

	CU_ASSERT_FATAL(fx != NULL);
	keys[n++] = "InitiatorName=" FIXTURE_INITIATOR;
	keys[n++] = "TargetName=" FIXTURE_TARGET;
	keys[n++] = "MaxRecvDataSegmentLength=512";
	for (int i = 0; i < 20; i++) {
		snprintf(names[i], sizeof(names[i]),
			 "UnknownKeyNumber%02dxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
			 "xxxx=1",
			 i);
		keys[n++] = names[i];
	}
	keys[n] = NULL;
	tl_req_init(&r, ISCSI_STAGE_OPERATIONAL, ISCSI_STAGE_FFP, true);
	CU_ASSERT_EQUAL_FATAL(tl_send(fx, &r, keys), 0);
	for (;;) {
		struct iscsi_pdu pdu;
		struct iscsi_login_rsp_f f;

		iscsi_pdu_init(&pdu);
		CU_ASSERT_EQUAL_FATAL(fixture_recv_pdu(fx, &pdu, TL_TIMEOUT),
				      0);
		iscsi_login_rsp_unpack(&pdu.bhs, &f);
		CU_ASSERT(pdu.data_len <= 512);
		CU_ASSERT_EQUAL(f.status_class, 0);
		total += pdu.data_len;
		pieces++;
		iscsi_pdu_release(&pdu);
		if (!f.cont) {
			CU_ASSERT_TRUE(f.transit);
			break;
		}
		CU_ASSERT_FALSE(f.transit);
		CU_ASSERT_FATAL(pieces < 10);
		CU_ASSERT_EQUAL_FATAL(tl_send(fx, &r, NULL), 0);
	}
	CU_ASSERT(pieces >= 3);
	CU_ASSERT(total > 20 * 60);
	fixture_free(fx);
}

UNIT_SUITE(tgt_login, "tgt/login",
	   UNIT_TEST(login_minimal_reaches_ffp),
	   UNIT_TEST(login_tsih_zero_until_final),
	   UNIT_TEST(login_early_tsih_defect_detected),
	   UNIT_TEST(login_non_login_pdu_invalid_during_login),
	   UNIT_TEST(login_non_login_first_closes),
	   UNIT_TEST(login_unsupported_version),
	   UNIT_TEST(login_t_and_c_both_set),
	   UNIT_TEST(login_reserved_or_backward_stage),
	   UNIT_TEST(login_continue_bit_reassembles),
	   UNIT_TEST(login_missing_initiatorname),
	   UNIT_TEST(login_targetname_missing_or_unknown),
	   UNIT_TEST(login_session_type),
	   UNIT_TEST(login_unknown_key_not_understood),
	   UNIT_TEST(login_duplicate_key),
	   UNIT_TEST(login_identity_redeclared),
	   UNIT_TEST(login_negotiation_answers),
	   UNIT_TEST(login_discovery_irrelevant_keys),
	   UNIT_TEST(login_no_transit_unasked),
	   UNIT_TEST(login_unknown_tsih),
	   UNIT_TEST(login_fields_must_not_change),
	   UNIT_TEST(login_max_connections),
	   UNIT_TEST(login_session_reinstatement),
	   UNIT_TEST(login_redirect),
	   UNIT_TEST(login_acl_authorization_failure),
	   UNIT_TEST(login_max_sessions),
	   UNIT_TEST(login_target_offers_configured_key),
	   UNIT_TEST(login_long_response_split));
