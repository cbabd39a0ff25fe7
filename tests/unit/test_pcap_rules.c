/* SPDX-License-Identifier: MIT */
/*
 * test_pcap_rules.c - format, digest, login, key, CHAP, SendTargets, NOP,
 * Logout, Async, Reject and Text rules of pcap/rules.c, each shown firing
 * on a crafted broken PDU and silent on the conformant one; and the table
 * itself.
 */
#include <string.h>

#include "crc32c.h"
#include "test_pcap_rules.h"
#include "unit.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Every row has an id, a section, a message; ids are unique. */
static void rules_table_wellformed(void)
{
	size_t n;
	const struct rule_def *t = rules_table(&n);

	CU_ASSERT(n >= 60);
	for (size_t i = 0; i < n; i++) {
		CU_ASSERT_PTR_NOT_NULL(t[i].id);
		CU_ASSERT(t[i].section && t[i].section[0]);
		CU_ASSERT(t[i].message && t[i].message[0]);
		for (size_t j = i + 1; j < n; j++)
			CU_ASSERT(strcmp(t[i].id, t[j].id) != 0);
	}
	CU_ASSERT_PTR_NOT_NULL(rules_find("seq.cmdsn-window"));
	CU_ASSERT_EQUAL(rules_find("digest.data")->sev, RULE_ERROR);
}

static void login_req(struct rfix *f, const struct iscsi_login_req_f *q,
		      const char *const *kv, size_t n)
{
	struct iscsi_pdu p;

	iscsi_pdu_init(&p);
	iscsi_login_req_pack(&p.bhs, q);
	fx_text_keys(&p, kv, n);
	fx_send(f, false, &p);
}

static void login_rsp(struct rfix *f, const struct iscsi_login_rsp_f *s,
		      const char *const *kv, size_t n)
{
	struct iscsi_pdu p;

	iscsi_pdu_init(&p);
	iscsi_login_rsp_pack(&p.bhs, s);
	fx_text_keys(&p, kv, n);
	fx_send(f, true, &p);
}

static const char *const q_sec[] = {
	"InitiatorName=iqn.2026-11.org.example:init",
	"TargetName=iqn.2026-11.org.example:tgt",
	"AuthMethod=None",
};
static const char *const s_sec[] = {"TargetPortalGroupTag=1",
				    "AuthMethod=None"};

static const struct iscsi_login_req_f Q = {
	.transit = true, .csg = 0, .nsg = 1, .isid = 0x23d000001ull,
	.itt = 0x100, .cmdsn = 5, .version_max = 0, .version_min = 0,
};
static const struct iscsi_login_rsp_f S = {
	.transit = true, .csg = 0, .nsg = 1, .isid = 0x23d000001ull,
	.itt = 0x100, .statsn = 77, .exp_cmdsn = 5, .max_cmdsn = 5,
};

/* One security-stage exchange with response s; findings of id. */
static unsigned one_login(const struct iscsi_login_rsp_f *s,
			  const char *const *kv, size_t n, const char *id)
{
	struct rfix f;
	unsigned c;

	fx_init(&f);
	login_req(&f, &Q, q_sec, N(q_sec));
	login_rsp(&f, s, kv, n);
	c = fx_count(&f, id);
	fx_free(&f);
	return c;
}

/* The conformant exchange fires nothing at all. */
static void login_conformant(void)
{
	struct rfix f;

	fx_init(&f);
	fx_login(&f);
	for (unsigned i = 0; i < f.n; i++)
		CU_FAIL(f.id[i]);
	CU_ASSERT_EQUAL(f.n, 0);
	fx_free(&f);
	CU_ASSERT_EQUAL(one_login(&S, s_sec, N(s_sec), "login.echo"), 0);
}

/* §11.13: ITT and ISID echoed. */
static void login_echo(void)
{
	struct iscsi_login_rsp_f s = S;

	s.itt = 0x101;
	CU_ASSERT_EQUAL(one_login(&s, s_sec, N(s_sec), "login.echo"), 1);
	s = S;
	s.isid = 0x23d000002ull;
	CU_ASSERT_EQUAL(one_login(&s, s_sec, N(s_sec), "login.echo"), 1);
}

/* §11.13.3: TSIH 0 before the final response of a new session. */
static void login_tsih(void)
{
	struct iscsi_login_rsp_f s = S;

	s.tsih = 9;
	CU_ASSERT_EQUAL(one_login(&S, s_sec, N(s_sec), "login.tsih"), 0);
	CU_ASSERT_EQUAL(one_login(&s, s_sec, N(s_sec), "login.tsih"), 1);
}

/* §4.2.2.1: ExpCmdSN of a Login Response = the login's CmdSN (5). */
static void login_expcmdsn(void)
{
	struct iscsi_login_rsp_f s = S;

	s.exp_cmdsn = 6;
	s.max_cmdsn = 6;
	CU_ASSERT_EQUAL(one_login(&s, s_sec, N(s_sec), "login.expcmdsn"), 1);
}

/* §11.13: no T=1 unless requested; no stage beyond NSG. */
static void login_transit(void)
{
	struct iscsi_login_rsp_f s = S;

	s.nsg = 3;
	CU_ASSERT_EQUAL(one_login(&s, s_sec, N(s_sec), "login.transit"), 1);
}

/* §11.13.5: 0x0203 defined, 0x0207 defined, 0x0400 not. */
static void login_status(void)
{
	struct iscsi_login_rsp_f s = S;

	s.transit = false;
	s.status_class = 2;
	s.status_detail = 3;
	CU_ASSERT_EQUAL(one_login(&s, NULL, 0, "login.status"), 0);
	s.status_class = 4;
	s.status_detail = 0;
	CU_ASSERT_EQUAL(one_login(&s, NULL, 0, "login.status"), 1);
}

/* §11.13.5: a failed response carries no keys. */
static void login_failure_keys(void)
{
	struct iscsi_login_rsp_f s = S;

	s.transit = false;
	s.status_class = 2;
	s.status_detail = 1;
	CU_ASSERT_EQUAL(one_login(&s, NULL, 0, "login.failure-keys"), 0);
	CU_ASSERT_EQUAL(one_login(&s, s_sec, N(s_sec), "login.failure-keys"),
			1);
}

/* §11.13.2: Version-active within Version-min..max (0..0). */
static void login_version(void)
{
	struct iscsi_login_rsp_f s = S;

	s.version_active = 2;
	CU_ASSERT_EQUAL(one_login(&s, s_sec, N(s_sec), "login.version"), 1);
}

/* §11.13.5: nothing after a failed Login Response. */
static void login_after_failure(void)
{
	struct rfix f;
	struct iscsi_login_rsp_f s = S;

	s.transit = false;
	s.status_class = 2;
	s.status_detail = 1;
	fx_init(&f);
	login_req(&f, &Q, q_sec, N(q_sec));
	login_rsp(&f, &s, NULL, 0);
	CU_ASSERT_EQUAL(fx_count(&f, "login.after-failure"), 0);
	login_rsp(&f, &s, NULL, 0);
	CU_ASSERT_EQUAL(fx_count(&f, "login.after-failure"), 1);
	fx_free(&f);
}

/* §13.9: TargetPortalGroupTag in the first Login Response. */
static void login_tpgt(void)
{
	static const char *const none[] = {"AuthMethod=None"};

	CU_ASSERT_EQUAL(one_login(&S, s_sec, N(s_sec), "login.tpgt"), 0);
	CU_ASSERT_EQUAL(one_login(&S, none, N(none), "login.tpgt"), 1);
}

/* §6.1: key=value items, NUL-terminated. */
static void keys_format(void)
{
	struct rfix f;
	struct iscsi_pdu p;

	fx_init(&f);
	login_req(&f, &Q, q_sec, N(q_sec));
	iscsi_pdu_init(&p);
	iscsi_login_rsp_pack(&p.bhs, &S);
	fx_pdu_data(&p, "AuthMethod", 10);
	fx_send(&f, true, &p);
	CU_ASSERT_EQUAL(fx_count(&f, "keys.format"), 1);
	fx_free(&f);
}

/* §6.1: no key twice in one text. */
static void keys_duplicate(void)
{
	static const char *const dup[] = {"TargetPortalGroupTag=1",
					  "AuthMethod=None", "AuthMethod=None"};

	CU_ASSERT_EQUAL(one_login(&S, s_sec, N(s_sec), "keys.duplicate"), 0);
	CU_ASSERT_EQUAL(one_login(&S, dup, N(dup), "keys.duplicate"), 1);
}

/* §13.12: a declared MaxRecvDataSegmentLength within 512..2^24-1. */
static void keys_value(void)
{
	static const char *const bad[] = {"TargetPortalGroupTag=1",
					  "AuthMethod=None",
					  "MaxRecvDataSegmentLength=12"};

	CU_ASSERT_EQUAL(one_login(&S, s_sec, N(s_sec), "keys.value"), 0);
	CU_ASSERT_EQUAL(one_login(&S, bad, N(bad), "keys.value"), 1);
}

/* Operational exchange: initiator offers kv_i, target answers kv_t. */
static unsigned op_login(const char *const *ki, size_t ni,
			 const char *const *kt, size_t nt, const char *id)
{
	struct iscsi_login_req_f q = Q;
	struct iscsi_login_rsp_f s = S;

	q.csg = s.csg = 1;
	q.nsg = s.nsg = 3;
	s.tsih = 1;
	{
		struct rfix f;
		unsigned c;

		fx_init(&f);
		login_req(&f, &q, ki, ni);
		login_rsp(&f, &s, kt, nt);
		c = fx_count(&f, id);
		fx_free(&f);
		return c;
	}
}

/* §13.13 (C12): MaxBurstLength is min: the answer never exceeds 65536. */
static void keys_negotiation(void)
{
	static const char *const qi[] = {
		"InitiatorName=iqn.2026-11.org.example:init",
		"TargetName=iqn.2026-11.org.example:tgt",
		"MaxBurstLength=65536", "ImmediateData=No"};
	static const char *const ok[] = {"TargetPortalGroupTag=1",
					 "MaxBurstLength=65536",
					 "ImmediateData=No"};
	static const char *const big[] = {"TargetPortalGroupTag=1",
					  "MaxBurstLength=262144",
					  "ImmediateData=No"};
	static const char *const and[] = {"TargetPortalGroupTag=1",
					  "MaxBurstLength=65536",
					  "ImmediateData=Yes"};

	CU_ASSERT_EQUAL(op_login(qi, N(qi), ok, N(ok), "keys.negotiation"), 0);
	CU_ASSERT_EQUAL(op_login(qi, N(qi), big, N(big), "keys.negotiation"),
			1);
	/* §13.11 (C10): ImmediateData is AND: No offered, Yes illegal */
	CU_ASSERT_EQUAL(op_login(qi, N(qi), and, N(and), "keys.negotiation"),
			1);
}

/* §13.1: an answer of the list's non-first acceptable value is legal;
 * a value that was not offered is not (judged as an error), and a
 * SHOULD-level deviation is a warning of its own rule. */
static void keys_negotiation_should(void)
{
	static const char *const qi[] = {
		"InitiatorName=iqn.2026-11.org.example:init",
		"TargetName=iqn.2026-11.org.example:tgt",
		"HeaderDigest=None"};
	static const char *const ok[] = {"TargetPortalGroupTag=1",
					 "HeaderDigest=None"};

	CU_ASSERT_EQUAL(op_login(qi, N(qi), ok, N(ok),
				 "keys.negotiation-should"), 0);
	CU_ASSERT_EQUAL(op_login(qi, N(qi), ok, N(ok), "keys.negotiation"),
			0);
	/* §13.25: the obsolete IFMarker SHOULD be answered Reject (MAY
	 * No); Irrelevant is allowed but against the SHOULD */
	{
		static const char *const qm[] = {
			"InitiatorName=iqn.2026-11.org.example:init",
			"TargetName=iqn.2026-11.org.example:tgt",
			"IFMarker=Yes"};
		static const char *const rej[] = {"TargetPortalGroupTag=1",
						  "IFMarker=Reject"};
		static const char *const no[] = {"TargetPortalGroupTag=1",
						 "IFMarker=Irrelevant"};

		CU_ASSERT_EQUAL(op_login(qm, N(qm), rej, N(rej),
					 "keys.negotiation-should"), 0);
		CU_ASSERT_EQUAL(op_login(qm, N(qm), no, N(no),
					 "keys.negotiation-should"), 1);
	}
}

/* §12.1.3: CHAP_A is answered with CHAP_A, CHAP_I, CHAP_C. */
static void chap_challenge(void)
{
	static const char *const qa[] = {"CHAP_A=5"};
	static const char *const good[] = {"CHAP_A=5", "CHAP_I=7",
					   "CHAP_C=0x0102030405060708"};
	static const char *const bad[] = {"CHAP_A=5", "CHAP_I=300",
					  "CHAP_C=0x0102030405060708"};
	struct iscsi_login_req_f q = Q;
	struct iscsi_login_rsp_f s = S;
	struct rfix f;

	q.transit = s.transit = false;
	q.nsg = s.nsg = 0;
	fx_init(&f);
	login_req(&f, &q, qa, N(qa));
	login_rsp(&f, &s, good, N(good));
	CU_ASSERT_EQUAL(fx_count(&f, "chap.challenge"), 0);
	login_req(&f, &q, qa, N(qa));
	login_rsp(&f, &s, bad, N(bad));
	CU_ASSERT_EQUAL(fx_count(&f, "chap.challenge"), 1);
	CU_ASSERT_STRING_EQUAL(fx_seen(&f, "chap.challenge"), "300");
	login_req(&f, &q, qa, N(qa));
	login_rsp(&f, &s, qa, N(qa));
	CU_ASSERT_EQUAL(fx_count(&f, "chap.challenge"), 2);
	fx_free(&f);
}

/* §9.2.1 (D05): a challenge is not repeated across logins. */
static void chap_reuse(void)
{
	static const char *const c1[] = {"CHAP_A=5", "CHAP_I=1",
					 "CHAP_C=0x11223344"};
	static const char *const c2[] = {"CHAP_A=5", "CHAP_I=2",
					 "CHAP_C=0x55667788"};
	struct iscsi_login_rsp_f s = S;
	struct rfix f;

	s.transit = false;
	s.nsg = 0;
	fx_init(&f);
	login_rsp(&f, &s, c1, N(c1));
	login_rsp(&f, &s, c2, N(c2));
	CU_ASSERT_EQUAL(fx_count(&f, "chap.reuse"), 0);
	login_rsp(&f, &s, c1, N(c1));
	CU_ASSERT_EQUAL(fx_count(&f, "chap.reuse"), 1);
	fx_free(&f);
}

/* A SendTargets=All request and a final response with kv. */
static struct rfix *sendtargets(struct rfix *f, const char *const *kv,
				size_t n)
{
	static const char *const q[] = {"SendTargets=All"};
	struct iscsi_text_req_f tq = {.final = true, .itt = 0x200,
				      .ttt = ISCSI_RSVD_TAG, .cmdsn = 1};
	struct iscsi_text_rsp_f ts = {.final = true, .itt = 0x200,
				      .ttt = ISCSI_RSVD_TAG, .statsn = 101,
				      .exp_cmdsn = 2, .max_cmdsn = 33};
	struct iscsi_pdu p;

	fx_init(f);
	fx_login(f);
	iscsi_pdu_init(&p);
	iscsi_text_req_pack(&p.bhs, &tq);
	fx_text_keys(&p, q, N(q));
	fx_send(f, false, &p);
	iscsi_pdu_init(&p);
	iscsi_text_rsp_pack(&p.bhs, &ts);
	fx_text_keys(&p, kv, n);
	fx_send(f, true, &p);
	return f;
}

/* App. C: TargetName, then its TargetAddress values. */
static void sendtargets_format(void)
{
	static const char *const good[] = {
		"TargetName=iqn.2026-11.org.example:a",
		"TargetAddress=10.0.0.1:3260,1",
		"TargetName=iqn.2026-11.org.example:b",
		"TargetAddress=[2001:db8::1]:3260,2"};
	static const char *const bad[] = {"TargetAddress=10.0.0.1:3260,1",
					  "TargetName=iqn.2026-11.org.example:a"};
	struct rfix f;

	sendtargets(&f, good, N(good));
	CU_ASSERT_EQUAL(f.n, 0);
	CU_ASSERT_EQUAL(fx_count(&f, "keys.duplicate"), 0);
	fx_free(&f);
	sendtargets(&f, bad, N(bad));
	CU_ASSERT_EQUAL(fx_count(&f, "sendtargets.format"), 1);
	fx_free(&f);
}

/* §13.8 (E05): no 0.0.0.0, IPv6 bracketed, a portal group tag. */
static void sendtargets_address(void)
{
	static const char *const bad[] = {
		"TargetName=iqn.2026-11.org.example:a",
		"TargetAddress=0.0.0.0:3260,1",
		"TargetAddress=2001:db8::1,1",
		"TargetAddress=10.0.0.1:3260"};
	struct rfix f;

	sendtargets(&f, bad, N(bad));
	CU_ASSERT_EQUAL(fx_count(&f, "sendtargets.address"), 3);
	fx_free(&f);
}

/* §4.2.7 (E08): names are iqn./eui./naa. */
static void names_valid(void)
{
	static const char *const bad[] = {"TargetName=IQN.bad name",
					  "TargetAddress=10.0.0.1:3260,1"};
	struct rfix f;

	sendtargets(&f, bad, N(bad));
	CU_ASSERT_EQUAL(fx_count(&f, "names.valid"), 1);
	fx_free(&f);
}

/* §11.11.4: final Text Response TTT 0xffffffff; §11.11.2: not C with F. */
static void text_ttt_and_cbit(void)
{
	struct iscsi_text_req_f tq = {.final = true, .itt = 0x200,
				      .ttt = ISCSI_RSVD_TAG, .cmdsn = 1};
	struct iscsi_text_rsp_f ts = {.final = true, .cont = true,
				      .itt = 0x200, .ttt = 0x44,
				      .statsn = 101, .exp_cmdsn = 2,
				      .max_cmdsn = 33};
	struct iscsi_pdu p;
	struct rfix f;

	fx_init(&f);
	fx_login(&f);
	iscsi_pdu_init(&p);
	iscsi_text_req_pack(&p.bhs, &tq);
	fx_send(&f, false, &p);
	CU_ASSERT_EQUAL(fx_count(&f, "text.c-bit"), 0);
	iscsi_pdu_init(&p);
	iscsi_text_rsp_pack(&p.bhs, &ts);
	fx_send(&f, true, &p);
	CU_ASSERT_EQUAL(fx_count(&f, "text.ttt"), 1);
	CU_ASSERT_EQUAL(fx_count(&f, "text.c-bit"), 1);
	fx_free(&f);
}

/* §11.2: reserved bytes zero (byte 2 of a SCSI Response's ... here byte
 * 8 of a Reject). */
static void hdr_reserved(void)
{
	struct rfix f;
	uint8_t w[48 + 48] = {0};

	fx_init(&f);
	fx_login(&f);
	w[0] = ISCSI_OP_REJECT;
	w[1] = 0x80;
	w[2] = ISCSI_REJECT_PROTOCOL_ERROR;
	w[7] = 48;
	iscsi_put32(w + 16, ISCSI_RSVD_TAG);
	iscsi_put32(w + 24, 101);
	iscsi_put32(w + 28, 1);
	iscsi_put32(w + 32, 32);
	fx_send_wire(&f, true, w, sizeof(w));
	CU_ASSERT_EQUAL(fx_count(&f, "hdr.reserved"), 0);
	CU_ASSERT_EQUAL(fx_count(&f, "reject.header"), 0);
	CU_ASSERT_EQUAL(fx_count(&f, "tag.itt-reserved"), 0);
	w[9] = 1;
	iscsi_put32(w + 24, 102);
	fx_send_wire(&f, true, w, sizeof(w));
	CU_ASSERT_EQUAL(fx_count(&f, "hdr.reserved"), 1);
	fx_free(&f);
}

/* §11.17 (M01): Reject data = the 48-byte header; reason defined. */
static void reject_header(void)
{
	struct rfix f;
	uint8_t w[48 + 8] = {0};

	fx_init(&f);
	fx_login(&f);
	w[0] = ISCSI_OP_REJECT;
	w[1] = 0x80;
	w[2] = 0x0f;
	w[7] = 8;
	iscsi_put32(w + 16, ISCSI_RSVD_TAG);
	iscsi_put32(w + 24, 101);
	iscsi_put32(w + 28, 1);
	iscsi_put32(w + 32, 32);
	fx_send_wire(&f, true, w, sizeof(w));
	CU_ASSERT_EQUAL(fx_count(&f, "reject.header"), 2);
	fx_free(&f);
}

/* §11.1 (A01): padding bytes are zero. */
static void hdr_padding(void)
{
	struct rfix f;
	uint8_t w[48 + 4] = {0};

	fx_init(&f);
	fx_login(&f);
	w[0] = ISCSI_OP_NOP_OUT | ISCSI_OP_IMMEDIATE;
	w[1] = 0x80;
	w[7] = 1;
	iscsi_put32(w + 16, 0x300);
	iscsi_put32(w + 20, ISCSI_RSVD_TAG);
	iscsi_put32(w + 24, 1);
	iscsi_put32(w + 28, 101);
	fx_send_wire(&f, false, w, sizeof(w));
	CU_ASSERT_EQUAL(fx_count(&f, "hdr.padding"), 0);
	w[50] = 0xaa;
	iscsi_put32(w + 16, 0x301);
	fx_send_wire(&f, false, w, sizeof(w));
	CU_ASSERT_EQUAL(fx_count(&f, "hdr.padding"), 1);
	fx_free(&f);
}

/* §11.2.1.2: opcode 0x07 is not defined. */
static void hdr_opcode(void)
{
	struct rfix f;
	uint8_t w[48] = {0x07, 0x80};

	fx_init(&f);
	fx_send_wire(&f, false, w, sizeof(w));
	CU_ASSERT_EQUAL(fx_count(&f, "hdr.opcode"), 1);
	w[0] = 0x1c; /* vendor-specific */
	fx_send_wire(&f, false, w, sizeof(w));
	CU_ASSERT_EQUAL(fx_count(&f, "hdr.opcode"), 1);
	fx_free(&f);
}

/* §11.2.2: an AHSLength that runs past TotalAHSLength. */
static void hdr_ahs(void)
{
	struct rfix f;
	uint8_t w[48 + 8] = {ISCSI_OP_SCSI_CMD, 0x80};

	fx_init(&f);
	w[4] = 2;
	w[48 + 1] = 5; /* AHSLength 5: 3 + 5 fits in 8 */
	w[48 + 2] = ISCSI_AHS_EXTENDED_CDB;
	iscsi_put32(w + 16, 1);
	fx_send_wire(&f, false, w, sizeof(w));
	CU_ASSERT_EQUAL(fx_count(&f, "hdr.ahs"), 0);
	w[48 + 1] = 40;
	iscsi_put32(w + 16, 2);
	fx_send_wire(&f, false, w, sizeof(w));
	CU_ASSERT_EQUAL(fx_count(&f, "hdr.ahs"), 1);
	fx_free(&f);
}

/* §11.2.1.1 (A13): the target never sets the I bit. */
static void hdr_i_bit(void)
{
	struct rfix f;
	uint8_t w[48] = {ISCSI_OP_NOP_IN, 0x80};

	fx_init(&f);
	memset(w + 16, 0xff, 8);
	fx_send_wire(&f, true, w, sizeof(w));
	CU_ASSERT_EQUAL(fx_count(&f, "hdr.i-bit"), 0);
	w[0] |= ISCSI_OP_IMMEDIATE;
	fx_send_wire(&f, true, w, sizeof(w));
	CU_ASSERT_EQUAL(fx_count(&f, "hdr.i-bit"), 1);
	fx_free(&f);
}

/* §13.1 (A06, A07): digests that do not verify are findings. */
static void digest_header_and_data(void)
{
	struct rfix f;
	struct pcap_pdu p;

	fx_init(&f);
	memset(&p, 0, sizeof(p));
	p.frame = 1;
	p.flow = &f.flow;
	p.conn = &f.conn;
	p.dir = PCAP_DIR_I2T;
	p.opcode = ISCSI_OP_NOP_OUT;
	p.pdu.bhs.opcode = ISCSI_OP_NOP_OUT | ISCSI_OP_IMMEDIATE;
	p.pdu.bhs.flags = 0x80;
	iscsi_bhs_set_itt(&p.pdu.bhs, ISCSI_RSVD_TAG);
	iscsi_bhs_put32(&p.pdu.bhs, 20, ISCSI_RSVD_TAG);
	p.pdu.hdigest_present = p.pdu.ddigest_present = true;
	p.pdu.hdigest_ok = p.pdu.ddigest_ok = true;
	rules_pdu(f.rules, &p);
	CU_ASSERT_EQUAL(fx_count(&f, "digest.header"), 0);
	CU_ASSERT_EQUAL(fx_count(&f, "digest.data"), 0);
	p.pdu.hdigest_ok = p.pdu.ddigest_ok = false;
	p.pdu.hdigest = 0x12345678;
	rules_pdu(f.rules, &p);
	CU_ASSERT_EQUAL(fx_count(&f, "digest.header"), 1);
	CU_ASSERT_STRING_EQUAL(fx_seen(&f, "digest.header"), "0x12345678");
	CU_ASSERT_EQUAL(fx_count(&f, "digest.data"), 1);
	fx_free(&f);
}

static void nop_out(struct rfix *f, uint32_t itt, uint32_t ttt, bool imm,
		    const char *data, size_t len)
{
	struct iscsi_nop_out_f n = {.immediate = imm, .itt = itt, .ttt = ttt,
				    .cmdsn = f->cmdsn, .exp_statsn = f->statsn};
	struct iscsi_pdu p;

	if (!imm)
		f->cmdsn++;
	iscsi_pdu_init(&p);
	iscsi_nop_out_pack(&p.bhs, &n);
	fx_pdu_data(&p, data, len);
	fx_send(f, false, &p);
}

static void nop_in(struct rfix *f, uint32_t itt, uint32_t ttt,
		   const char *data, size_t len)
{
	struct iscsi_nop_in_f n = {.itt = itt, .ttt = ttt,
				   .statsn = itt == ISCSI_RSVD_TAG
						     ? f->statsn
						     : f->statsn++,
				   .exp_cmdsn = f->cmdsn,
				   .max_cmdsn = f->cmdsn + 31};
	struct iscsi_pdu p;

	iscsi_pdu_init(&p);
	iscsi_nop_in_pack(&p.bhs, &n);
	fx_pdu_data(&p, data, len);
	fx_send(f, true, &p);
}

/* §11.19.1, §11.18.2 (K05/K06): TTT only on pings and their echoes. */
static void nop_ttt(void)
{
	struct rfix f;

	fx_init(&f);
	fx_login(&f);
	nop_in(&f, ISCSI_RSVD_TAG, 0x77, NULL, 0); /* target ping */
	nop_out(&f, ISCSI_RSVD_TAG, 0x77, true, NULL, 0);
	nop_out(&f, 5, ISCSI_RSVD_TAG, false, NULL, 0);
	nop_in(&f, 5, ISCSI_RSVD_TAG, NULL, 0);
	CU_ASSERT_EQUAL(fx_count(&f, "nop.ttt"), 0);
	nop_out(&f, ISCSI_RSVD_TAG, 0x78, true, NULL, 0); /* no such ping */
	CU_ASSERT_EQUAL(fx_count(&f, "nop.ttt"), 1);
	nop_out(&f, 6, ISCSI_RSVD_TAG, false, NULL, 0);
	nop_in(&f, 6, 0x99, NULL, 0);
	CU_ASSERT_EQUAL(fx_count(&f, "nop.ttt"), 2);
	for (unsigned i = 0; i < f.n; i++)
		CU_ASSERT_STRING_EQUAL(f.id[i], "nop.ttt");
	fx_free(&f);
}

/* §11.18.1: ITT 0xffffffff needs the I bit. */
static void nop_itt(void)
{
	struct rfix f;

	fx_init(&f);
	fx_login(&f);
	nop_out(&f, ISCSI_RSVD_TAG, ISCSI_RSVD_TAG, true, NULL, 0);
	CU_ASSERT_EQUAL(fx_count(&f, "nop.itt"), 0);
	nop_out(&f, ISCSI_RSVD_TAG, ISCSI_RSVD_TAG, false, NULL, 0);
	CU_ASSERT_EQUAL(fx_count(&f, "nop.itt"), 1);
	fx_free(&f);
}

/* §11.19: the NOP-In returns the ping data. */
static void nop_echo(void)
{
	struct rfix f;

	fx_init(&f);
	fx_login(&f);
	nop_out(&f, 5, ISCSI_RSVD_TAG, false, "ping", 4);
	nop_in(&f, 5, ISCSI_RSVD_TAG, "ping", 4);
	CU_ASSERT_EQUAL(fx_count(&f, "nop.echo"), 0);
	nop_out(&f, 6, ISCSI_RSVD_TAG, false, "ping", 4);
	nop_in(&f, 6, ISCSI_RSVD_TAG, "pong", 4);
	CU_ASSERT_EQUAL(fx_count(&f, "nop.echo"), 1);
	fx_free(&f);
}

/* §11.15.1, §11.15: response codes 0-3; closed after a logout. */
static void logout_response_and_after(void)
{
	struct iscsi_logout_req_f q = {.immediate = true, .reason = 0,
				       .itt = 9, .cmdsn = 1};
	struct iscsi_logout_rsp_f s = {.itt = 9, .exp_cmdsn = 1,
				       .max_cmdsn = 32};
	struct iscsi_pdu p;
	struct rfix f;

	fx_init(&f);
	fx_login(&f);
	iscsi_pdu_init(&p);
	iscsi_logout_req_pack(&p.bhs, &q);
	fx_send(&f, false, &p);
	s.statsn = f.statsn++;
	iscsi_pdu_init(&p);
	iscsi_logout_rsp_pack(&p.bhs, &s);
	fx_send(&f, true, &p);
	CU_ASSERT_EQUAL(fx_count(&f, "logout.response"), 0);
	CU_ASSERT_EQUAL(fx_count(&f, "logout.after"), 0);
	nop_in(&f, ISCSI_RSVD_TAG, ISCSI_RSVD_TAG, NULL, 0);
	CU_ASSERT_EQUAL(fx_count(&f, "logout.after"), 1);
	fx_free(&f);
	fx_init(&f);
	fx_login(&f);
	iscsi_pdu_init(&p);
	iscsi_logout_req_pack(&p.bhs, &q);
	fx_send(&f, false, &p);
	s.statsn = f.statsn++;
	s.response = 7;
	iscsi_pdu_init(&p);
	iscsi_logout_rsp_pack(&p.bhs, &s);
	fx_send(&f, true, &p);
	CU_ASSERT_EQUAL(fx_count(&f, "logout.response"), 1);
	fx_free(&f);
}

/* §11.9.1 (L09): AsyncEvent 0-4 or 255; ITT 0xffffffff. */
static void async_event(void)
{
	struct iscsi_async_f a = {.itt = ISCSI_RSVD_TAG, .statsn = 101,
				  .exp_cmdsn = 1, .max_cmdsn = 32,
				  .event = 4};
	struct iscsi_pdu p;
	struct rfix f;

	fx_init(&f);
	fx_login(&f);
	iscsi_pdu_init(&p);
	iscsi_async_pack(&p.bhs, &a);
	fx_send(&f, true, &p);
	CU_ASSERT_EQUAL(fx_count(&f, "async.event"), 0);
	a.event = 9;
	a.statsn = 102;
	iscsi_pdu_init(&p);
	iscsi_async_pack(&p.bhs, &a);
	fx_send(&f, true, &p);
	CU_ASSERT_EQUAL(fx_count(&f, "async.event"), 1);
	CU_ASSERT_STRING_EQUAL(fx_seen(&f, "async.event"), "9");
	fx_free(&f);
}

/* §4.2.2.1 (F13): the final Login Response opens the window. */
static void seq_window_open(void)
{
	struct iscsi_login_req_f q = Q;
	struct iscsi_login_rsp_f s = S;

	q.csg = s.csg = 1;
	q.nsg = s.nsg = 3;
	s.tsih = 1;
	s.max_cmdsn = 4; /* ExpCmdSN 5: closed */
	{
		struct rfix f;

		fx_init(&f);
		login_req(&f, &q, q_sec, 2);
		login_rsp(&f, &s, s_sec, 1);
		CU_ASSERT_EQUAL(fx_count(&f, "seq.window-open"), 1);
		fx_free(&f);
	}
}

/* Capture-level rows: a gap is reported with its size. */
static void capture_gap(void)
{
	struct rfix f;
	struct pcap_event ev;

	fx_init(&f);
	memset(&ev, 0, sizeof(ev));
	ev.kind = PCAP_EV_GAP;
	ev.frame = 12;
	ev.flow = &f.flow;
	ev.conn = &f.conn;
	ev.length = 1448;
	rules_event(f.rules, &ev);
	CU_ASSERT_EQUAL(fx_count(&f, "capture.gap"), 1);
	CU_ASSERT_STRING_EQUAL(fx_seen(&f, "capture.gap"), "1448 bytes");
	CU_ASSERT_EQUAL(rules_count(f.rules, RULE_INFO), 1);
	CU_ASSERT_EQUAL(rules_count(f.rules, RULE_ERROR), 0);
	fx_free(&f);
}

UNIT_SUITE(pcap_rules, "pcap.rules", UNIT_TEST(rules_table_wellformed),
	   UNIT_TEST(login_conformant), UNIT_TEST(login_echo),
	   UNIT_TEST(login_tsih), UNIT_TEST(login_expcmdsn),
	   UNIT_TEST(login_transit), UNIT_TEST(login_status),
	   UNIT_TEST(login_failure_keys), UNIT_TEST(login_version),
	   UNIT_TEST(login_after_failure), UNIT_TEST(login_tpgt),
	   UNIT_TEST(keys_format), UNIT_TEST(keys_duplicate),
	   UNIT_TEST(keys_value), UNIT_TEST(keys_negotiation),
	   UNIT_TEST(keys_negotiation_should), UNIT_TEST(chap_challenge),
	   UNIT_TEST(chap_reuse), UNIT_TEST(sendtargets_format),
	   UNIT_TEST(sendtargets_address), UNIT_TEST(names_valid),
	   UNIT_TEST(text_ttt_and_cbit), UNIT_TEST(hdr_reserved),
	   UNIT_TEST(reject_header), UNIT_TEST(hdr_padding),
	   UNIT_TEST(hdr_opcode), UNIT_TEST(hdr_ahs), UNIT_TEST(hdr_i_bit),
	   UNIT_TEST(digest_header_and_data), UNIT_TEST(nop_ttt),
	   UNIT_TEST(nop_itt), UNIT_TEST(nop_echo),
	   UNIT_TEST(logout_response_and_after), UNIT_TEST(async_event),
	   UNIT_TEST(seq_window_open), UNIT_TEST(capture_gap))
