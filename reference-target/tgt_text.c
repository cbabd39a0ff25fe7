/* SPDX-License-Identifier: MIT */
/*
 * tgt_text.c - Text Request / Text Response in full feature phase
 * (RFC 7143 §11.10, §11.11): SendTargets (§13.3, Appendix C) and the
 * renegotiation of keys allowed outside login (§6.2, §13).
 *
 *  - one sequence per connection; a request with TTT 0xffffffff starts a
 *    new one and drops what an unfinished one held (§11.10.4);
 *  - the initiator's text may come in C=1 pieces: each is answered with
 *    an empty response carrying a TTT (§11.10.2, §11.11.4);
 *  - our response is cut to the initiator's MaxRecvDataSegmentLength
 *    (§13.12) with C=1 and a TTT; the initiator fetches the rest with
 *    empty requests carrying that TTT (§11.11.2);
 *  - F=1 only in answer to F=1 and only on the last piece, and then with
 *    TTT 0xffffffff; F=0 always with a TTT of ours (§11.11.1, §11.11.4);
 *  - login-only keys (LO, IO) are answered Reject and the session goes
 *    on (§6.2, §13 "Use").
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "codec.h"
#include "login_int.h"

static bool text_defect(const struct tgt_conn *c, enum defect_id d)
{
	return defect_on(&c->srv->defects, d);
}

/* Bound on one response, whatever the number of targets. */
#define TEXT_OUT_MAX (1u << 20)

void text_seq_release(struct text_seq *t)
{
	free(t->out);
	t->out = NULL;
	t->out_len = t->out_off = 0;
	iscsi_text_accum_reset(&t->in);
	t->active = false;
}

static uint32_t text_new_ttt(struct text_seq *t)
{
	if (t->next_ttt == ISCSI_RSVD_TAG || t->next_ttt == 0)
		t->next_ttt = 1;
	return t->next_ttt++;
}

/* ---- SendTargets (§13.3, Appendix C) --------------------------------- */

static bool is_wildcard(const struct sockaddr_storage *a)
{
	if (a->ss_family == AF_INET)
		return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
		       htonl(INADDR_ANY);
	if (a->ss_family == AF_INET6)
		return IN6_IS_ADDR_UNSPECIFIED(
			&((const struct sockaddr_in6 *)a)->sin6_addr);
	return true;
}

static unsigned port_of(const struct sockaddr_storage *a)
{
	if (a->ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)a)->sin_port);
	if (a->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)a)->sin6_port);
	return 0;
}

/* "a.b.c.d" or "[v6]" (§13.8: IPv6 in brackets); -1 if unprintable. */
static int host_of(const struct sockaddr_storage *a, char *buf, size_t len)
{
	char tmp[INET6_ADDRSTRLEN];
	const struct in6_addr *v6;

	if (a->ss_family == AF_INET) {
		if (!inet_ntop(AF_INET,
			       &((const struct sockaddr_in *)a)->sin_addr, tmp,
			       sizeof(tmp)))
			return -1;
		snprintf(buf, len, "%s", tmp);
		return 0;
	}
	if (a->ss_family != AF_INET6)
		return -1;
	v6 = &((const struct sockaddr_in6 *)a)->sin6_addr;
	if (IN6_IS_ADDR_V4MAPPED(v6)) {
		if (!inet_ntop(AF_INET, &v6->s6_addr[12], tmp, sizeof(tmp)))
			return -1;
		snprintf(buf, len, "%s", tmp);
		return 0;
	}
	if (!inet_ntop(AF_INET6, v6, tmp, sizeof(tmp)))
		return -1;
	snprintf(buf, len, "[%s]", tmp);
	return 0;
}

/*
 * TargetAddress of one portal (§13.8): addr:port,tpgt.  A portal bound
 * to a wildcard address is reported with the address this connection
 * came in on, never 0.0.0.0 or ::; port 0 ("any free port") likewise.
 */
static int portal_address(const struct tgt_conn *c,
			  const struct tgt_portal *p, uint16_t tpgt,
			  char *buf, size_t len)
{
	const struct sockaddr_storage *a = &p->addr;
	char host[INET6_ADDRSTRLEN + 2];
	unsigned port = port_of(a);

	if (is_wildcard(a))
		a = &c->local;
	if (port == 0)
		port = port_of(&c->local);
	if (host_of(a, host, sizeof(host)) < 0 || is_wildcard(a))
		return -1;
	if (text_defect(c, DEFECT_SENDTARGETS_WILDCARD_ADDR))
		snprintf(host, sizeof(host), "0.0.0.0");
	if (text_defect(c, DEFECT_SENDTARGETS_WRONG_TPGT))
		tpgt++;
	if (text_defect(c, DEFECT_SENDTARGETS_NO_TPGT))
		snprintf(buf, len, "%s:%u", host, port);
	else
		snprintf(buf, len, "%s:%u,%u", host, port, tpgt);
	return 0;
}

/* TargetName followed by a TargetAddress per portal (Appendix C). */
static int add_target(const struct tgt_conn *c, const struct target_rt *t,
		      struct iscsi_text *out)
{
	const struct tgt_config *cfg = &c->srv->cfg;
	char addr[TGT_PORTAL_TEXT_LEN + 16];
	char name[ISCSI_VALUE_MAX + 1];

	if (iscsi_text_len(out) > TEXT_OUT_MAX)
		return 0;
	snprintf(name, sizeof(name), "%s", t->cfg->name);
	if (text_defect(c, DEFECT_SENDTARGETS_UPPERCASE_NAME))
		for (char *q = name; *q; q++)
			if (*q >= 'a' && *q <= 'z')
				*q = (char)(*q - 'a' + 'A');
	if (iscsi_text_add(out, "TargetName", name) < 0)
		return -1;
	for (size_t i = 0; i < cfg->nportals; i++) {
		if (portal_address(c, &cfg->portals[i], t->tpgt, addr,
				   sizeof(addr)) < 0)
			continue;
		if (iscsi_text_add(out, "TargetAddress", addr) < 0)
			return -1;
	}
	return 0;
}

static bool may_see(const struct tgt_conn *c, const struct target_rt *t)
{
	const struct tgt_session *s = c->sess;

	return config_acl_permits(t->cfg, s ? s->initiator_name : NULL,
				  (const struct sockaddr *)&c->peer);
}

/* Every target this initiator may see (Appendix C: "All"). */
static int all_targets(const struct tgt_conn *c, struct iscsi_text *out)
{
	const struct tgt_server *srv = c->srv;
	size_t first = text_defect(c, DEFECT_SENDTARGETS_OMITS_TARGET);

	for (size_t i = first; i < srv->ntargets; i++)
		if (may_see(c, &srv->targets[i]) &&
		    add_target(c, &srv->targets[i], out) < 0)
			return -1;
	return 0;
}

static int send_targets(const struct tgt_conn *c, const char *v,
			struct iscsi_text *out)
{
	const struct tgt_session *s = c->sess;
	const struct tgt_server *srv = c->srv;
	bool normal = s && !s->discovery;
	bool leak = normal && text_defect(c, DEFECT_SENDTARGETS_NORMAL_LISTS_ALL);
	char err[160];

	if (text_defect(c, DEFECT_SENDTARGETS_VALUE_NOCASE) &&
	    strncasecmp(v, "all", 3) == 0)
		v = "All";
	if (iscsi_key_value_check(iscsi_key_find("SendTargets"), v, err,
				  sizeof(err)) < 0)
		/* misspelled values ("Alle", "aLL") are not values */
		return iscsi_text_add(out, "SendTargets", ISCSI_REJECT);
	if (strcmp(v, "All") == 0) {
		/* Appendix C: All MUST NOT be supported on an operational
		 * session */
		if (leak)
			return all_targets(c, out);
		if (!s || !s->discovery)
			return iscsi_text_add(out, "SendTargets", ISCSI_REJECT);
		return all_targets(c, out);
	}
	if (v[0] == '\0') {
		/* Appendix C: empty in a normal session: the session's
		 * target; a discovery session has none to report */
		if (leak)
			return all_targets(c, out);
		if (!s || s->discovery || !s->target)
			return iscsi_text_add(out, "SendTargets", ISCSI_REJECT);
		return add_target(c, s->target, out);
	}
	if (leak || (s && s->discovery &&
		     text_defect(c, DEFECT_SENDTARGETS_NAME_LISTS_ALL)))
		return all_targets(c, out);
	/* a name: that target, when it exists and this initiator may see
	 * it; in a normal session only the session's own */
	for (size_t i = 0; i < srv->ntargets; i++) {
		const struct target_rt *t = &srv->targets[i];

		if (strcasecmp(t->cfg->name, v) != 0 || !may_see(c, t))
			continue;
		if (normal && s->target != t)
			break;
		return add_target(c, t, out);
	}
	return 0;
}

/* ---- renegotiation --------------------------------------------------- */

static int text_answer_key(struct tgt_conn *c, const struct iscsi_kv *kv,
			   struct iscsi_text *out, uint32_t *new_mrdsl)
{
	struct tgt_session *s = c->sess;
	const struct iscsi_key_def *k = iscsi_key_find(kv->key);
	struct iscsi_negctx ctx;
	char ans[ISCSI_VALUE_MAX + 1], mbuf[16];
	const char *mine;
	uint64_t x;
	int rc;

	if (strcmp(kv->key, "SendTargets") == 0 ||
	    (text_defect(c, DEFECT_TEXT_KEY_NOCASE) &&
	     strcasecmp(kv->key, "SendTargets") == 0))
		return send_targets(c, kv->value, out);
	if (!k && defect_on(&c->srv->defects, DEFECT_UNKNOWN_KEY_IGNORED))
		return 0;
	iscsi_negctx_init(&ctx);
	ctx.stage = ISCSI_STAGE_FFP; /* LO and IO keys: Reject (§13) */
	ctx.discovery = s && s->discovery;
	ctx.leading = false;
	if (text_defect(c, DEFECT_TEXT_ACCEPTS_LOGIN_KEYS)) {
		/* negotiates as if this were the leading login */
		ctx.stage = ISCSI_STAGE_OPERATIONAL;
		ctx.leading = true;
	}
	if (s) {
		ctx.initial_r2t = s->params.initial_r2t;
		ctx.immediate_data = s->params.immediate_data;
		ctx.max_burst = s->params.max_burst;
	}
	mine = k ? login_key_mine(c->srv, s ? s->target : NULL, k, mbuf,
				  sizeof(mbuf))
		 : NULL;
	rc = iscsi_key_answer(k, kv->value, mine, &ctx, ans, sizeof(ans));
	if (rc < 0)
		return -1;
	if (rc == 1)
		return iscsi_text_add(out, kv->key, ans);
	/* §13.12: a new MaxRecvDataSegmentLength applies to the PDUs
	 * after this exchange */
	if (k && !ctx.protocol_error &&
	    strcmp(k->name, "MaxRecvDataSegmentLength") == 0 &&
	    iscsi_value_number(kv->value, &x, NULL, 0) == 0)
		*new_mrdsl = (uint32_t)x;
	return 0;
}

static int text_answer(struct tgt_conn *c, const struct iscsi_text *in,
		       struct iscsi_text *out, uint32_t *new_mrdsl)
{
	for (size_t i = 0; i < in->n; i++) {
		bool dup = false;

		/* a key answered once per request (§6.1: no key twice) */
		for (size_t j = 0; j < i && !dup; j++)
			dup = strcmp(in->kv[j].key, in->kv[i].key) == 0;
		if (!dup && text_answer_key(c, &in->kv[i], out, new_mrdsl) < 0)
			return -1;
	}
	return 0;
}

/* ---- responses ------------------------------------------------------- */

static void text_send(struct tgt_conn *c, struct text_seq *t, bool final,
		      bool cont, const uint8_t *data, size_t len)
{
	struct iscsi_text_rsp_f f;
	struct iscsi_bhs bhs;
	struct iscsi_bhs_text_rsp *w = (struct iscsi_bhs_text_rsp *)&bhs;

	memset(&f, 0, sizeof(f));
	f.final = final;
	f.cont = cont;
	memcpy(f.lun, t->lun, sizeof(f.lun));
	f.itt = t->itt;
	if (text_defect(c, DEFECT_TEXT_WRONG_ITT))
		f.itt++;
	/* §11.11.4: F=1 carries 0xffffffff, F=0 a tag of ours */
	f.ttt = final && !text_defect(c, DEFECT_TEXT_FINAL_TTT) ?
			ISCSI_RSVD_TAG : (t->ttt = text_new_ttt(t));
	iscsi_text_rsp_pack(&bhs, &f);
	ffp_stamp(c, w->statsn, w->exp_cmdsn, w->max_cmdsn, true);
	if (c->srv->verbose)
		conn_log(c, "tx Text Response F=%d C=%d ITT 0x%08x TTT "
			    "0x%08x len %zu",
			 final, cont, f.itt, f.ttt, len);
	conn_send_copy(c, &bhs, data, len);
}

/* The next piece of our response (§11.11.2 C bit, §13.12 MRDSL). */
static void text_send_piece(struct tgt_conn *c, struct text_seq *t,
			    bool req_final)
{
	size_t left = t->out_len - t->out_off;
	size_t max = c->max_xmit_dsl >= 512 ? c->max_xmit_dsl : 512;
	size_t n;
	bool last, final, cont;

	if (text_defect(c, DEFECT_TEXT_OVER_MRDSL))
		max = 8192;
	n = left > max ? max : left;
	last = n == left;
	/* §11.11.1: F=1 only in answer to F=1, on the last piece */
	final = last && req_final;
	/* §11.11.2: C=1 while the text is not complete */
	cont = !last;
	if (text_defect(c, DEFECT_TEXT_NO_C_BIT))
		cont = false;
	if (text_defect(c, DEFECT_TEXT_C_WITH_F))
		cont = true;
	text_send(c, t, final, cont, t->out ? t->out + t->out_off : NULL, n);
	t->out_off += n;
	if (!last)
		return;
	free(t->out);
	t->out = NULL;
	t->out_len = t->out_off = 0;
	if (final)
		t->active = false;
}

/* A complete request: answer its keys. */
static void text_complete(struct tgt_conn *c, struct text_seq *t,
			  const struct iscsi_pdu *pdu, bool req_final)
{
	struct iscsi_text in, out;
	uint32_t new_mrdsl = 0;
	char err[160];
	size_t len;

	err[0] = '\0';
	iscsi_text_init(&in);
	iscsi_text_init(&out);
	if (iscsi_text_accum_finish(&t->in, &in, err, sizeof(err)) < 0 ||
	    text_answer(c, &in, &out, &new_mrdsl) < 0) {
		conn_log(c, "Text Request: %s",
			 err[0] ? err : "cannot answer");
		text_seq_release(t);
		ffp_reject(c, pdu, ISCSI_REJECT_PROTOCOL_ERROR);
		goto out;
	}
	len = iscsi_text_len(&out);
	free(t->out);
	t->out = len ? malloc(len) : NULL;
	if (len && (!t->out || iscsi_text_serialize(&out, t->out, len) < 0)) {
		text_seq_release(t);
		ffp_reject(c, pdu, ISCSI_REJECT_LONG_OP);
		goto out;
	}
	t->out_len = len;
	t->out_off = 0;
	text_send_piece(c, t, req_final);
	if (new_mrdsl && !text_defect(c, DEFECT_TEXT_MRDSL_NOT_APPLIED)) {
		c->max_xmit_dsl = new_mrdsl;
		if (c->sess)
			c->sess->params.max_recv_dsl_initiator = new_mrdsl;
	}
out:
	iscsi_text_free(&in);
	iscsi_text_free(&out);
}

static struct text_seq *text_state(struct tgt_conn *c)
{
	if (!c->login) {
		c->login = calloc(1, sizeof(*c->login));
		if (!c->login)
			return NULL;
		iscsi_text_accum_init(&c->login->in, 1);
		iscsi_text_accum_init(&c->login->text.in,
				      ISCSI_TEXT_ACCUM_DEFAULT);
		c->login->text.next_ttt = 1;
	}
	return &c->login->text;
}

/*
 * §11.10.5: a Text Request's data MUST NOT exceed our
 * MaxRecvDataSegmentLength; one that does breaks the protocol (Reject,
 * §11.17.1 reason 0x04).  True when the PDU was dealt with here.
 */
static bool text_oversize(struct tgt_conn *c, struct text_seq *t,
			  const struct iscsi_pdu *pdu)
{
	uint32_t mrdsl = c->sess ? c->sess->params.max_recv_dsl_target : 0;

	if (!mrdsl || pdu->data_len <= mrdsl)
		return false;
	if (text_defect(c, DEFECT_TEXT_ACCEPTS_OVERSIZE)) {
		/* room for the whole oversized text, then carry on */
		iscsi_text_accum_free(&t->in);
		iscsi_text_accum_init(&t->in, pdu->data_len + 1);
		return false;
	}
	conn_log(c, "Text Request of %zu bytes beyond MaxRecvDataSegmentLength "
		    "%u", pdu->data_len, mrdsl);
	text_seq_release(t);
	ffp_reject(c, pdu, ISCSI_REJECT_PROTOCOL_ERROR);
	return true;
}

void text_rx(struct tgt_conn *c, struct iscsi_pdu *pdu)
{
	struct iscsi_text_req_f f;
	struct text_seq *t = text_state(c);
	char err[160];

	if (!t) {
		conn_close(c, "no memory for a Text sequence");
		return;
	}
	iscsi_text_req_unpack(&pdu->bhs, &f);
	/* §11.10.2: C=1 means more text follows, so F MUST be 0 */
	if (f.final && f.cont) {
		ffp_reject(c, pdu, ISCSI_REJECT_PROTOCOL_ERROR);
		return;
	}
	if (f.ttt == ISCSI_RSVD_TAG && t->active && t->out &&
	    f.itt == t->itt && text_defect(c, DEFECT_TEXT_NO_RESET)) {
		text_send_piece(c, t, f.final);
		return;
	}
	if (f.ttt == ISCSI_RSVD_TAG) {
		/* §11.10.4: a new request; whatever was under way for an
		 * earlier one is reset */
		text_seq_release(t);
		t->active = true;
		t->itt = f.itt;
		memcpy(t->lun, f.lun, sizeof(t->lun));
	} else if (!t->active || f.ttt != t->ttt || f.itt != t->itt) {
		/* §11.10.4: a TTT we did not hand out for this ITT */
		ffp_reject(c, pdu, ISCSI_REJECT_INVALID_PDU_FIELD);
		return;
	}
	if (t->out) {
		/* the initiator fetches the rest of our response */
		if (pdu->data_len || f.cont) {
			text_seq_release(t);
			ffp_reject(c, pdu, ISCSI_REJECT_PROTOCOL_ERROR);
			return;
		}
		if (text_defect(c, DEFECT_TEXT_CONTINUE_RESTARTS))
			t->out_off = 0;
		text_send_piece(c, t, f.final);
		return;
	}
	if (text_oversize(c, t, pdu))
		return;
	if (iscsi_text_accum_add(&t->in, pdu->data, pdu->data_len, err,
				 sizeof(err)) < 0) {
		conn_log(c, "Text Request: %s", err);
		text_seq_release(t);
		ffp_reject(c, pdu, ISCSI_REJECT_PROTOCOL_ERROR);
		return;
	}
	if (f.cont && !text_defect(c, DEFECT_TEXT_C_BIT_IGNORED)) {
		/* §11.11: an empty answer with a TTT invites the rest */
		text_send(c, t, false, false, NULL, 0);
		return;
	}
	text_complete(c, t, pdu, f.final);
}
