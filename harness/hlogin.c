/* SPDX-License-Identifier: MIT */
/*
 * hlogin.c - login as a scriptable sequence, and cts_login: the
 * well-behaved initiator (RFC 7143 §6, §11.12, §11.13, §12.1.3).
 *
 * A test can send each Login Request itself (cts_login_fields,
 * cts_login_send, cts_login_recv) or let cts_login go security ->
 * operational -> full feature phase.  cts_login handles C-bit
 * continuation both ways (§11.12.2: a text longer than the receiver's
 * limit goes in C=1 PDUs with T=0, each answered by an empty PDU), CHAP
 * one-way and mutual, keys offered by the target, and records every key
 * sent and received in the session.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"

/* Login PDUs carry at most 8192 data bytes until MaxRecvDataSegmentLength
 * is in force (§12.12 default, §6.1 minimum). */
#define LOGIN_SEG_MAX ISCSI_TEXT_MIN_SUPPORT

void cts_login_rsp_init(struct cts_login_rsp *r)
{
	memset(r, 0, sizeof(*r));
	iscsi_text_init(&r->keys);
	iscsi_pdu_init(&r->pdu);
}

void cts_login_rsp_free(struct cts_login_rsp *r)
{
	iscsi_text_free(&r->keys);
	iscsi_pdu_release(&r->pdu);
}

uint16_t cts_login_rsp_status(const struct cts_login_rsp *r)
{
	return (uint16_t)(r->f.status_class << 8 | r->f.status_detail);
}

void cts_login_fields(struct cts_session *s, struct cts_conn *c, uint8_t csg,
		      uint8_t nsg, bool transit, struct iscsi_login_req_f *f)
{
	memset(f, 0, sizeof(*f));
	f->transit = transit;
	f->csg = csg;
	f->nsg = nsg;
	f->isid = s->isid;
	f->tsih = s->tsih;
	f->cid = c->cid;
	/* one ITT for all the PDUs of a login phase (§11.12.1) */
	if (!c->login_itt)
		c->login_itt = cts_session_next_itt(s);
	f->itt = c->login_itt;
	f->cmdsn = s->cmdsn;
	f->exp_statsn = c->exp_statsn;
}

int cts_login_send_data(struct cts_ctx *ctx, struct cts_conn *c,
			const struct iscsi_login_req_f *f, const void *data,
			size_t len)
{
	struct iscsi_pdu p;
	int rc;

	(void)ctx;
	iscsi_pdu_init(&p);
	iscsi_login_req_pack(&p.bhs, f);
	if (len && iscsi_pdu_set_data(&p, data, len) < 0) {
		iscsi_pdu_release(&p);
		cts_errf(c->err, sizeof(c->err), "login data too long");
		return CTS_IO_ERROR;
	}
	rc = cts_conn_send_pdu(c, &p);
	iscsi_pdu_release(&p);
	return rc;
}

int cts_login_send(struct cts_ctx *ctx, struct cts_conn *c,
		   const struct iscsi_login_req_f *f,
		   const struct iscsi_text *keys)
{
	size_t len = keys ? iscsi_text_len(keys) : 0;
	uint8_t *buf = malloc(len ? len : 1);
	int rc;

	if (!buf || (len && iscsi_text_serialize(keys, buf, len) < 0)) {
		free(buf);
		cts_errf(c->err, sizeof(c->err), "out of memory");
		return CTS_IO_ERROR;
	}
	rc = cts_login_send_data(ctx, c, f, buf, len);
	free(buf);
	return rc;
}

int cts_login_recv(struct cts_ctx *ctx, struct cts_conn *c,
		   struct cts_login_rsp *r, unsigned timeout_ms)
{
	int rc;

	(void)ctx;
	iscsi_text_free(&r->keys);
	iscsi_text_init(&r->keys);
	memset(&r->f, 0, sizeof(r->f));
	r->keys_ok = false;
	r->keys_err[0] = '\0';
	rc = cts_conn_recv_pdu(c, &r->pdu, timeout_ms);
	if (rc)
		return rc;
	r->opcode = iscsi_bhs_opcode(&r->pdu.bhs);
	if (r->opcode != ISCSI_OP_LOGIN_RSP)
		return CTS_IO_OK;
	iscsi_login_rsp_unpack(&r->pdu.bhs, &r->f);
	r->keys_ok = iscsi_text_parse(&r->keys, r->pdu.data, r->pdu.data_len,
				      r->keys_err, sizeof(r->keys_err)) >= 0;
	return CTS_IO_OK;
}

/* ---- the well-behaved initiator ------------------------------------------- */

struct lstate {
	struct cts_ctx *ctx;
	struct cts_session *s;
	struct cts_conn *c;
	const struct cts_login_opts *o;
	bool leading;
	unsigned max_rounds;
	struct iscsi_login_rsp_f last;
	char iname[ISCSI_VALUE_MAX + 1], tname[ISCSI_VALUE_MAX + 1];
	/* CHAP */
	bool chap, mutual;
	struct iscsi_chap st;
	struct iscsi_chap_cred self, peer;
};

static void text_append(struct iscsi_text *dst, const struct iscsi_text *src)
{
	for (size_t i = 0; i < src->n; i++)
		iscsi_text_add(dst, src->kv[i].key, src->kv[i].value);
}

static int proto_err(struct lstate *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int proto_err(struct lstate *l, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(l->s->err, sizeof(l->s->err), fmt, ap);
	va_end(ap);
	return CTS_LOGIN_PROTOCOL;
}

/* One Login Response: fields into l->last; status and kind checked. */
static int recv_rsp(struct lstate *l, struct cts_login_rsp *r)
{
	int rc = cts_login_recv(l->ctx, l->c, r, 0);

	if (rc) {
		cts_errf(l->s->err, sizeof(l->s->err), "login: %s",
			 l->c->err[0] ? l->c->err : cts_io_str(rc));
		return rc;
	}
	if (r->opcode != ISCSI_OP_LOGIN_RSP)
		return proto_err(l, "expected Login Response, got %s",
				 iscsi_opcode_name(r->opcode));
	l->last = r->f;
	l->s->login_status = cts_login_rsp_status(r);
	if (l->s->login_status) {
		cts_errf(l->s->err, sizeof(l->s->err),
			 "login refused: status 0x%04x",
			 l->s->login_status);
		return l->s->login_status;
	}
	/* §11.13: T and C both set is a protocol error */
	if (r->f.transit && r->f.cont)
		return proto_err(l, "Login Response with both T and C set");
	return CTS_IO_OK;
}

/*
 * Sends keys in stage csg (C=1 pieces when longer than a login PDU may
 * carry), then gathers the response text over C=1 responses.  The keys
 * the target sent are parsed into answers.
 */
static int round_trip(struct lstate *l, uint8_t csg, uint8_t nsg, bool transit,
		      const struct iscsi_text *keys, struct iscsi_text *answers)
{
	struct iscsi_login_req_f f;
	struct cts_login_rsp r;
	struct iscsi_text_accum acc;
	size_t len = iscsi_text_len(keys), off = 0;
	uint8_t *buf = malloc(len ? len : 1);
	char err[128];
	int rc = CTS_IO_OK;

	if (!buf || iscsi_text_serialize(keys, buf, len) < 0) {
		free(buf);
		return CTS_IO_ERROR;
	}
	text_append(&l->s->login_tx, keys);
	cts_login_rsp_init(&r);
	iscsi_text_accum_init(&acc, 0);
	do {
		size_t n = len - off < LOGIN_SEG_MAX ? len - off : LOGIN_SEG_MAX;
		bool last = off + n == len;

		cts_login_fields(l->s, l->c, csg, nsg, last && transit, &f);
		f.cont = !last;
		rc = cts_login_send_data(l->ctx, l->c, &f, buf + off, n);
		off += n;
		if (!rc && !last)
			rc = recv_rsp(l, &r);
	} while (!rc && off < len);
	for (unsigned i = 0; !rc; i++) {
		rc = recv_rsp(l, &r);
		if (!rc && iscsi_text_accum_add(&acc, r.pdu.data,
						r.pdu.data_len, err,
						sizeof(err)) < 0)
			rc = proto_err(l, "login text: %s", err);
		if (rc || !r.f.cont)
			break;
		if (i >= l->max_rounds) {
			rc = proto_err(l, "Login Response C=1 after %u PDUs",
				       i);
			break;
		}
		/* §11.12.2: answer C=1 with an empty request */
		cts_login_fields(l->s, l->c, csg, nsg, false, &f);
		rc = cts_login_send_data(l->ctx, l->c, &f, NULL, 0);
	}
	if (!rc && iscsi_text_accum_finish(&acc, answers, err, sizeof(err)) < 0)
		rc = proto_err(l, "login text: %s", err);
	if (!rc)
		text_append(&l->s->login_rx, answers);
	iscsi_text_accum_free(&acc);
	cts_login_rsp_free(&r);
	free(buf);
	return rc;
}

/* Keys of the first request on a connection (§12, §13.4, §13.5, §13.21). */
static void first_keys(struct lstate *l, struct iscsi_text *t)
{
	iscsi_text_add(t, "InitiatorName", l->iname);
	if (l->leading)
		iscsi_text_add(t, "SessionType",
			       l->s->discovery ? "Discovery" : "Normal");
	if (!l->s->discovery)
		iscsi_text_add(t, "TargetName", l->tname);
}

/* Empty requests with T=1 until the target transits (or gives up). */
static int push_transit(struct lstate *l, uint8_t csg, uint8_t nsg)
{
	struct iscsi_text none, ans;
	int rc = CTS_IO_OK;

	iscsi_text_init(&none);
	for (unsigned i = 0; !rc && !l->last.transit; i++) {
		if (i >= l->max_rounds) {
			rc = proto_err(l, "target did not transit from stage "
					  "%u after %u requests",
				       csg, i);
			break;
		}
		iscsi_text_init(&ans);
		rc = round_trip(l, csg, nsg, true, &none, &ans);
		iscsi_text_free(&ans);
	}
	return rc;
}

static int chap_exchange(struct lstate *l)
{
	struct iscsi_text k, ans;
	struct iscsi_chap_keys ck;
	char r[ISCSI_CHAP_HEX_MAX], err[160];
	const char *a, *i, *c, *n, *rr;
	int rc;

	iscsi_text_init(&k);
	iscsi_text_init(&ans);
	iscsi_text_add(&k, "CHAP_A", "5");
	rc = round_trip(l, ISCSI_STAGE_SECURITY, ISCSI_STAGE_OPERATIONAL,
			false, &k, &ans);
	if (rc)
		goto out;
	a = iscsi_text_find(&ans, "CHAP_A");
	i = iscsi_text_find(&ans, "CHAP_I");
	c = iscsi_text_find(&ans, "CHAP_C");
	if (!a || strcmp(a, "5") != 0 || !i || !c) {
		rc = proto_err(l, "CHAP: expected CHAP_A=5, CHAP_I and CHAP_C, "
				  "got CHAP_A=%s", a ? a : "(none)");
		goto out;
	}
	if (iscsi_chap_respond_keys(&l->st, i, c, &l->self, r, sizeof(r), err,
				    sizeof(err)) < 0) {
		rc = proto_err(l, "CHAP: %s", err);
		goto out;
	}
	iscsi_text_free(&k);
	iscsi_text_free(&ans);
	iscsi_text_add(&k, "CHAP_N", l->self.name);
	iscsi_text_add(&k, "CHAP_R", r);
	if (l->mutual) {
		if (iscsi_chap_new_challenge(&l->st, ISCSI_CHAP_ALG_MD5, 0, &ck,
					     err, sizeof(err)) < 0) {
			rc = proto_err(l, "CHAP: %s", err);
			goto out;
		}
		iscsi_text_add(&k, "CHAP_I", ck.i);
		iscsi_text_add(&k, "CHAP_C", ck.c);
	}
	rc = round_trip(l, ISCSI_STAGE_SECURITY, ISCSI_STAGE_OPERATIONAL, true,
			&k, &ans);
	if (rc || !l->mutual)
		goto out;
	n = iscsi_text_find(&ans, "CHAP_N");
	rr = iscsi_text_find(&ans, "CHAP_R");
	if (!n || !rr) {
		rc = proto_err(l, "mutual CHAP: no CHAP_N/CHAP_R from target");
		goto out;
	}
	if (iscsi_chap_verify_keys(&l->st, n, rr, &l->peer, &l->self, err,
				   sizeof(err)) < 0)
		rc = proto_err(l, "mutual CHAP: target failed: %s", err);
out:
	iscsi_text_free(&k);
	iscsi_text_free(&ans);
	return rc;
}

static int security(struct lstate *l)
{
	struct iscsi_text k, ans;
	const char *am;
	int rc;

	iscsi_text_init(&k);
	iscsi_text_init(&ans);
	first_keys(l, &k);
	iscsi_text_add(&k, "AuthMethod", l->chap ? "CHAP" : "None");
	rc = round_trip(l, ISCSI_STAGE_SECURITY, ISCSI_STAGE_OPERATIONAL,
			!l->chap, &k, &ans);
	if (!rc)
		cts_neg_judge(l->s, &k, &ans, ISCSI_STAGE_SECURITY, l->leading);
	am = iscsi_text_find(&ans, "AuthMethod");
	if (!rc && l->chap && am && strcmp(am, "CHAP") == 0)
		rc = chap_exchange(l);
	else if (!rc && l->chap && (!am || strcmp(am, "None") != 0))
		rc = proto_err(l, "AuthMethod=CHAP answered with %s",
			       am ? am : "nothing");
	if (!rc)
		rc = push_transit(l, ISCSI_STAGE_SECURITY,
				  ISCSI_STAGE_OPERATIONAL);
	iscsi_text_free(&k);
	iscsi_text_free(&ans);
	return rc;
}

static int operational(struct lstate *l, bool first)
{
	struct iscsi_text offered, k, ans, all;
	int rc = CTS_IO_OK;

	iscsi_text_init(&offered);
	iscsi_text_init(&k);
	iscsi_text_init(&all);
	if (first)
		first_keys(l, &offered);
	if (cts_neg_offer(l->s, l->o, l->leading, &offered) < 0)
		rc = CTS_IO_ERROR;
	text_append(&k, &offered);
	for (unsigned i = 0; !rc; i++) {
		if (i >= l->max_rounds) {
			rc = proto_err(l, "no transit to full feature phase "
					  "after %u requests", i);
			break;
		}
		iscsi_text_init(&ans);
		rc = round_trip(l, ISCSI_STAGE_OPERATIONAL, ISCSI_STAGE_FFP,
				true, &k, &ans);
		text_append(&all, &ans);
		iscsi_text_free(&k);
		iscsi_text_init(&k);
		/* keys the target offered itself need our answer (§6.2) */
		if (!rc && !l->last.transit &&
		    cts_neg_respond(l->s, l->o, &offered, &ans, &k) < 0)
			rc = CTS_IO_ERROR;
		iscsi_text_free(&ans);
		if (rc || l->last.transit)
			break;
	}
	if (!rc)
		cts_neg_judge(l->s, &offered, &all, ISCSI_STAGE_OPERATIONAL,
			      l->leading);
	iscsi_text_free(&offered);
	iscsi_text_free(&k);
	iscsi_text_free(&all);
	return rc;
}

static void setup(struct lstate *l, struct cts_ctx *ctx, struct cts_session *s,
		  struct cts_conn *c, const struct cts_login_opts *o)
{
	const struct iscsi_url *u = o->url ? o->url :
					     (ctx ? cts_target(ctx) : NULL);
	const char *user = o->chap_user, *secret = o->chap_secret;
	const char *muser = o->mutual_user, *msecret = o->mutual_secret;

	memset(l, 0, sizeof(*l));
	l->ctx = ctx;
	l->s = s;
	l->c = c;
	l->o = o;
	l->leading = s->tsih == 0;
	l->max_rounds = o->max_rounds ? o->max_rounds : 16;
	s->discovery = o->discovery;
	snprintf(l->iname, sizeof(l->iname), "%s",
		 o->initiator_name ? o->initiator_name : CTS_INITIATOR_NAME);
	snprintf(l->tname, sizeof(l->tname), "%s",
		 o->target_name ? o->target_name : (u ? u->target : ""));
	snprintf(s->target_name, sizeof(s->target_name), "%s", l->tname);
	if (!user && u && u->user[0]) {
		user = u->user;
		secret = u->password;
	}
	if (!muser && u && u->target_user[0]) {
		muser = u->target_user;
		msecret = u->target_password;
	}
	iscsi_chap_init(&l->st, NULL);
	l->chap = !o->no_auth && user && user[0] && secret;
	if (!l->chap)
		return;
	l->self.name = user;
	l->self.secret = (const uint8_t *)secret;
	l->self.secret_len = strlen(secret);
	l->mutual = muser && muser[0] && msecret;
	if (l->mutual) {
		l->peer.name = muser;
		l->peer.secret = (const uint8_t *)msecret;
		l->peer.secret_len = strlen(msecret);
	}
}

int cts_login_conn(struct cts_ctx *ctx, struct cts_session *s,
		   struct cts_conn *c, const struct cts_login_opts *o)
{
	static const struct cts_login_opts none;
	struct iscsi_digests dg;
	struct lstate l;
	int rc = CTS_IO_OK;

	setup(&l, ctx, s, c, o ? o : &none);
	s->err[0] = '\0';
	if (!s->discovery && !l.tname[0]) {
		cts_errf(s->err, sizeof(s->err), "no target name to log in to");
		return CTS_IO_ERROR;
	}
	if (l.chap || !l.o->skip_security)
		rc = security(&l);
	if (!rc && l.last.nsg != ISCSI_STAGE_FFP)
		rc = operational(&l, !l.chap && l.o->skip_security);
	if (rc)
		return rc;
	if (!l.last.transit || l.last.nsg != ISCSI_STAGE_FFP)
		return proto_err(&l, "login ended without reaching full "
				     "feature phase");
	if (l.leading)
		s->tsih = l.last.tsih;
	c->ffp = true;
	/* §13.1: digests apply from the first PDU after the last Login
	 * Response */
	dg.header = s->agreed.header_digest;
	dg.data = s->agreed.data_digest;
	cts_conn_set_digests(c, &dg);
	return CTS_IO_OK;
}

int cts_login(struct cts_ctx *ctx, struct cts_session *s,
	      const struct cts_login_opts *o)
{
	struct cts_conn *c = cts_session_conn(s);
	int rc;

	if (!c) {
		c = cts_session_connect(ctx, s, o ? o->url : NULL, &rc);
		if (!c)
			return rc ? rc : CTS_IO_ERROR;
	}
	return cts_login_conn(ctx, s, c, o);
}

int cts_session_add_conn(struct cts_ctx *ctx, struct cts_session *s,
			 const struct cts_login_opts *o,
			 struct cts_conn **out)
{
	struct cts_conn *c;
	int rc;

	if (out)
		*out = NULL;
	c = cts_session_connect(ctx, s, o ? o->url : NULL, &rc);
	if (!c)
		return rc ? rc : CTS_IO_ERROR;
	rc = cts_login_conn(ctx, s, c, o);
	if (out)
		*out = c;
	return rc;
}
