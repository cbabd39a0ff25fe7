/* SPDX-License-Identifier: MIT */
/*
 * test_h_engine_login.c - cts_login against a scripted target: stages,
 * C-bit continuation of the response, CHAP one-way and mutual, refusal,
 * and the judgement of every answer the target gives.
 */
#include <stdlib.h>
#include <string.h>

#include "chap.h"
#include "test_h_fake.h"
#include "unit.h"

#define TGT_NAME "iqn.2024-01.org.iscsi-cts:unit"

struct lscript {
	bool chap, mutual;
	const char *mutual_secret; /* what the target answers with */
	bool split_rsp;		   /* operational answer in C=1 pieces */
	const char *bad_key, *bad_val; /* an answer to substitute */
	uint16_t refuse;	       /* status of the first response */
	uint32_t statsn;
	unsigned empty_requests;       /* C=0 T=0 empty requests seen */
	bool keys_ok;		       /* first request had the right keys */
};

/* What the target answers to each operational key (§13). */
static const char *const answers[][2] = {
	{"HeaderDigest", "None"},
	{"DataDigest", "None"},
	{"MaxConnections", "1"},
	{"InitialR2T", "Yes"},
	{"ImmediateData", "Yes"},
	{"MaxBurstLength", "65536"},
	{"FirstBurstLength", "8192"},
	{"DefaultTime2Wait", "2"},
	{"DefaultTime2Retain", "0"},
	{"MaxOutstandingR2T", "1"},
	{"DataPDUInOrder", "Yes"},
	{"DataSequenceInOrder", "Yes"},
	{"ErrorRecoveryLevel", "0"},
};

static void rsp_fields(struct lscript *ls, const struct iscsi_pdu *req,
		       struct iscsi_login_rsp_f *o)
{
	struct iscsi_login_req_f f;

	iscsi_login_req_unpack(&req->bhs, &f);
	memset(o, 0, sizeof(*o));
	o->isid = f.isid;
	o->itt = f.itt;
	o->csg = f.csg;
	o->statsn = ls->statsn++;
	o->exp_cmdsn = f.cmdsn;
	o->max_cmdsn = f.cmdsn + 31;
}

static int send_login_rsp(struct fake *f, int fd,
			  const struct iscsi_login_rsp_f *o, const void *data,
			  size_t len)
{
	struct iscsi_pdu p;
	int rc;

	iscsi_pdu_init(&p);
	iscsi_login_rsp_pack(&p.bhs, o);
	iscsi_pdu_set_data(&p, data, len);
	rc = fake_send(f, fd, &p);
	iscsi_pdu_release(&p);
	return rc;
}

static int recv_keys(struct fake *f, int fd, struct iscsi_pdu *p,
		     struct iscsi_text *t)
{
	char err[64];

	iscsi_text_free(t);
	iscsi_text_init(t);
	if (fake_recv(f, fd, p) < 0)
		return -1;
	return iscsi_text_parse(t, p->data, p->data_len, err, sizeof(err)) < 0 ?
		       -1 :
		       0;
}

static size_t put_kv(uint8_t *b, size_t at, const char *k, const char *v)
{
	at += (size_t)sprintf((char *)b + at, "%s=%s", k, v);
	b[at++] = '\0';
	return at;
}

/* CHAP as the challenger, and the responder when mutual (§12.1.3). */
static int fake_chap(struct fake *f, int fd, struct lscript *ls,
		     struct iscsi_pdu *p, struct iscsi_text *t)
{
	static const uint8_t isecret[] = "initiator-secret-1";
	struct iscsi_chap_cred peer = {"alice", isecret, sizeof(isecret) - 1};
	struct iscsi_chap_cred self = {"target-x",
				       (const uint8_t *)ls->mutual_secret,
				       ls->mutual_secret ?
					       strlen(ls->mutual_secret) :
					       0};
	struct iscsi_login_rsp_f o;
	struct iscsi_chap st;
	struct iscsi_chap_keys ck;
	uint8_t b[4096];
	char r[ISCSI_CHAP_HEX_MAX], err[128];
	size_t n = 0;

	rsp_fields(ls, p, &o);
	n = put_kv(b, 0, "AuthMethod", "CHAP");
	send_login_rsp(f, fd, &o, b, n);
	if (recv_keys(f, fd, p, t) < 0 ||
	    !iscsi_text_find(t, "CHAP_A"))
		return -1;
	iscsi_chap_init(&st, NULL);
	iscsi_chap_new_challenge(&st, 5, 16, &ck, err, sizeof(err));
	rsp_fields(ls, p, &o);
	n = put_kv(b, 0, "CHAP_A", ck.a);
	n = put_kv(b, n, "CHAP_I", ck.i);
	n = put_kv(b, n, "CHAP_C", ck.c);
	send_login_rsp(f, fd, &o, b, n);
	if (recv_keys(f, fd, p, t) < 0)
		return -1;
	rsp_fields(ls, p, &o);
	if (iscsi_chap_verify_keys(&st, iscsi_text_find(t, "CHAP_N"),
				   iscsi_text_find(t, "CHAP_R"), &peer, NULL,
				   err, sizeof(err)) < 0) {
		o.status_class = 2;
		o.status_detail = 1;
		send_login_rsp(f, fd, &o, NULL, 0);
		return -1;
	}
	n = 0;
	if (ls->mutual) {
		if (iscsi_chap_respond_keys(NULL, iscsi_text_find(t, "CHAP_I"),
					    iscsi_text_find(t, "CHAP_C"), &self,
					    r, sizeof(r), err,
					    sizeof(err)) < 0)
			return -1;
		n = put_kv(b, 0, "CHAP_N", "target-x");
		n = put_kv(b, n, "CHAP_R", r);
	}
	o.transit = true;
	o.nsg = 1;
	return send_login_rsp(f, fd, &o, b, n);
}

/* Operational stage: answers every key, optionally in C=1 pieces. */
static void fake_operational(struct fake *f, int fd, struct lscript *ls,
			     struct iscsi_pdu *p, struct iscsi_text *t)
{
	struct iscsi_login_rsp_f o;
	uint8_t b[4096];
	size_t n = 0, start = 0;

	for (size_t i = 0; i < t->n; i++) {
		const char *v = NULL;

		for (size_t j = 0; j < sizeof(answers) / sizeof(answers[0]); j++)
			if (strcmp(t->kv[i].key, answers[j][0]) == 0)
				v = answers[j][1];
		if (ls->bad_key && strcmp(t->kv[i].key, ls->bad_key) == 0)
			v = ls->bad_val;
		if (v)
			n = put_kv(b, n, t->kv[i].key, v);
	}
	n = put_kv(b, n, "MaxRecvDataSegmentLength", "16384");
	n = put_kv(b, n, "TargetPortalGroupTag", "1");
	rsp_fields(ls, p, &o);
	if (ls->split_rsp) {
		start = 37; /* in the middle of a pair */
		o.cont = true;
		send_login_rsp(f, fd, &o, b, start);
		if (fake_recv(f, fd, p) < 0)
			return;
		if (!(p->bhs.flags & (ISCSI_LOGIN_C | ISCSI_LOGIN_T)) &&
		    p->data_len == 0)
			ls->empty_requests++;
		rsp_fields(ls, p, &o);
	}
	o.transit = true;
	o.nsg = 3;
	o.tsih = 0x1234;
	send_login_rsp(f, fd, &o, b + start, n - start);
}

static void script_login(struct fake *f, int fd)
{
	struct lscript *ls = f->arg;
	struct iscsi_login_rsp_f o;
	struct iscsi_pdu p;
	struct iscsi_text t;

	iscsi_pdu_init(&p);
	iscsi_text_init(&t);
	if (recv_keys(f, fd, &p, &t) < 0)
		goto out;
	ls->keys_ok = iscsi_text_find(&t, "InitiatorName") &&
		      iscsi_text_find(&t, "TargetName") &&
		      strcmp(iscsi_text_find(&t, "TargetName"), TGT_NAME) == 0;
	rsp_fields(ls, &p, &o);
	if (ls->refuse) {
		o.status_class = (uint8_t)(ls->refuse >> 8);
		o.status_detail = (uint8_t)ls->refuse;
		send_login_rsp(f, fd, &o, NULL, 0);
		goto out;
	}
	if (ls->chap) {
		if (fake_chap(f, fd, ls, &p, &t) < 0)
			goto out;
	} else {
		o.transit = true;
		o.nsg = 1;
		send_login_rsp(f, fd, &o, "AuthMethod=None", 16);
	}
	if (recv_keys(f, fd, &p, &t) == 0)
		fake_operational(f, fd, ls, &p, &t);
	fake_read_bytes(f, fd, sizeof(f->bytes));
out:
	iscsi_pdu_release(&p);
	iscsi_text_free(&t);
}

static int run_login(struct lscript *ls, struct cts_login_opts *o,
		     struct cts_session **sp)
{
	struct iscsi_url u;
	struct fake f;
	int rc;

	memset(&u, 0, sizeof(u));
	ls->statsn = 100;
	if (fake_start(&f, script_login, ls) < 0)
		return -1000;
	snprintf(u.host, sizeof(u.host), "127.0.0.1");
	u.port = f.port;
	snprintf(u.target, sizeof(u.target), TGT_NAME);
	o->url = &u;
	*sp = cts_session_new(NULL);
	rc = cts_login(NULL, *sp, o);
	if (cts_session_conn(*sp))
		cts_conn_close(cts_session_conn(*sp));
	fake_join(&f);
	return rc;
}

/* §6.3, §11.13: security -> operational -> FFP; the final response's
 * TSIH names the session; the target's declarations are kept. */
static void login_reaches_ffp_and_keeps_agreed_values(void)
{
	struct lscript ls = {0};
	struct cts_login_opts o = {0};
	struct cts_session *s;
	const struct cts_judged *j;

	CU_ASSERT_EQUAL(run_login(&ls, &o, &s), 0);
	CU_ASSERT(ls.keys_ok);
	CU_ASSERT_EQUAL(s->tsih, 0x1234);
	CU_ASSERT(cts_session_conn(s)->ffp);
	CU_ASSERT_EQUAL(cts_session_conn(s)->exp_statsn, 102);
	CU_ASSERT_EQUAL(s->agreed.max_recv_dsl_target, 16384);
	CU_ASSERT_EQUAL(s->agreed.max_recv_dsl_initiator, 262144);
	CU_ASSERT_EQUAL(s->agreed.initial_r2t, true);
	CU_ASSERT_EQUAL(s->agreed.max_burst, 65536);
	CU_ASSERT_EQUAL(s->agreed.first_burst, 8192);
	CU_ASSERT_EQUAL(s->mine.max_burst, 262144);
	j = cts_session_judged_find(s, "InitialR2T");
	CU_ASSERT_FATAL(j != NULL);
	CU_ASSERT_STRING_EQUAL(j->offer, "No");
	CU_ASSERT_STRING_EQUAL(j->answer, "Yes");
	CU_ASSERT_EQUAL(j->verdict, ISCSI_NEG_OK);
	CU_ASSERT_STRING_EQUAL(j->result, "Yes");
	CU_ASSERT(cts_session_judged_count(s) >= 13);
	cts_session_free(s);
}

/* §11.13 C bit: a response text continued over two PDUs is gathered
 * after an empty request, even when a pair is split. */
static void login_gathers_continued_response(void)
{
	struct lscript ls = {.split_rsp = true};
	struct cts_login_opts o = {0};
	struct cts_session *s;

	CU_ASSERT_EQUAL(run_login(&ls, &o, &s), 0);
	CU_ASSERT_EQUAL(ls.empty_requests, 1);
	CU_ASSERT_EQUAL(s->agreed.max_recv_dsl_target, 16384);
	CU_ASSERT_EQUAL(s->agreed.max_burst, 65536);
	cts_session_free(s);
}

/* §6.2.2 min rule: an answer above the offer is not allowed. */
static void login_judges_illegal_answer(void)
{
	struct lscript ls = {.bad_key = "MaxBurstLength",
			     .bad_val = "999999"};
	struct cts_login_opts o = {0};
	struct cts_session *s;
	const struct cts_judged *j;

	CU_ASSERT_EQUAL(run_login(&ls, &o, &s), 0);
	j = cts_session_judged_find(s, "MaxBurstLength");
	CU_ASSERT_FATAL(j != NULL);
	CU_ASSERT_STRING_EQUAL(j->answer, "999999");
	CU_ASSERT_EQUAL(j->verdict, ISCSI_NEG_ILLEGAL);
	cts_session_free(s);
}

/* §11.13.5: a refusal status ends the login and is returned. */
static void login_returns_refusal_status(void)
{
	struct lscript ls = {.refuse = 0x0203};
	struct cts_login_opts o = {0};
	struct cts_session *s;

	CU_ASSERT_EQUAL(run_login(&ls, &o, &s), 0x0203);
	CU_ASSERT_EQUAL(s->login_status, 0x0203);
	cts_session_free(s);
}

/* §12.1.3: one-way CHAP with the right secret logs in. */
static void login_with_chap(void)
{
	struct lscript ls = {.chap = true};
	struct cts_login_opts o = {.chap_user = "alice",
				   .chap_secret = "initiator-secret-1"};
	struct cts_session *s;

	CU_ASSERT_EQUAL(run_login(&ls, &o, &s), 0);
	CU_ASSERT_EQUAL(s->tsih, 0x1234);
	cts_session_free(s);
}

/* §12.1.3: a wrong secret is refused with Authentication Failure. */
static void login_with_wrong_chap_secret_fails(void)
{
	struct lscript ls = {.chap = true};
	struct cts_login_opts o = {.chap_user = "alice",
				   .chap_secret = "not-the-secret"};
	struct cts_session *s;

	CU_ASSERT_EQUAL(run_login(&ls, &o, &s), 0x0201);
	cts_session_free(s);
}

/* §12.1.3 mutual CHAP: the target's response is verified. */
static void login_with_mutual_chap(void)
{
	struct lscript ls = {.chap = true, .mutual = true,
			     .mutual_secret = "target-secret-22"};
	struct cts_login_opts o = {.chap_user = "alice",
				   .chap_secret = "initiator-secret-1",
				   .mutual_user = "target-x",
				   .mutual_secret = "target-secret-22"};
	struct cts_session *s;

	CU_ASSERT_EQUAL(run_login(&ls, &o, &s), 0);
	cts_session_free(s);
}

/* §12.1.3: a target answering with the wrong secret is caught. */
static void login_with_mutual_chap_detects_bad_target(void)
{
	struct lscript ls = {.chap = true, .mutual = true,
			     .mutual_secret = "impostor-secret-1"};
	struct cts_login_opts o = {.chap_user = "alice",
				   .chap_secret = "initiator-secret-1",
				   .mutual_user = "target-x",
				   .mutual_secret = "target-secret-22"};
	struct cts_session *s;

	CU_ASSERT_EQUAL(run_login(&ls, &o, &s), CTS_LOGIN_PROTOCOL);
	cts_session_free(s);
}

UNIT_SUITE(h_engine_login, "h_engine_login",
	   UNIT_TEST(login_reaches_ffp_and_keeps_agreed_values),
	   UNIT_TEST(login_gathers_continued_response),
	   UNIT_TEST(login_judges_illegal_answer),
	   UNIT_TEST(login_returns_refusal_status),
	   UNIT_TEST(login_with_chap),
	   UNIT_TEST(login_with_wrong_chap_secret_fails),
	   UNIT_TEST(login_with_mutual_chap),
	   UNIT_TEST(login_with_mutual_chap_detects_bad_target))
