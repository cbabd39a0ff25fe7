/* SPDX-License-Identifier: MIT */
/*
 * s1_util.c - helpers of the login, CHAP and negotiation suites (see
 * s1_util.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profile.h"
#include "s1_util.h"

/* ---- targets and connections -------------------------------------------- */

const struct iscsi_url *s1_url(struct cts_ctx *ctx, enum s1_target which)
{
	const struct cts_profile *p = cts_profile(ctx);

	switch (which) {
	case S1_PLAIN:
		return cts_target(ctx);
	case S1_CHAP:
		if (p && p->has_chap_url)
			return &p->chap_url;
		cts_skip(ctx, "the profile has no chap_url");
		return NULL;
	case S1_MUTUAL:
		if (p && p->has_mutual_url)
			return &p->mutual_url;
		cts_skip(ctx, "the profile has no mutual_url");
		return NULL;
	case S1_MC:
		if (p && p->has_mc_url)
			return &p->mc_url;
		cts_skip(ctx, "the profile has no mc_url");
		return NULL;
	case S1_DISCOVERY:
		if (p && p->has_discovery_url)
			return &p->discovery_url;
		return cts_target(ctx); /* any portal of the target */
	}
	return NULL;
}

struct s1_owned {
	struct s1_login *l;
	bool owns_session;
};

static void s1_free(void *arg)
{
	struct s1_owned *o = arg;

	cts_login_rsp_free(&o->l->r);
	if (o->owns_session)
		cts_session_free(o->l->s);
	free(o->l);
	free(o);
}

static struct s1_login *open_common(struct cts_ctx *ctx, struct cts_session *s,
				    const struct iscsi_url *u, int cid,
				    bool owns)
{
	struct s1_owned *o = calloc(1, sizeof(*o));
	struct s1_login *l = calloc(1, sizeof(*l));
	int rc = CTS_IO_ERROR;

	if (!o || !l || !s) {
		free(o);
		free(l);
		if (owns)
			cts_session_free(s);
		cts_error(ctx, "out of memory");
		return NULL;
	}
	o->l = l;
	o->owns_session = owns;
	l->ctx = ctx;
	l->u = u ? u : cts_target(ctx);
	l->s = s;
	cts_login_rsp_init(&l->r);
	cts_defer(ctx, s1_free, o);
	l->c = cts_session_connect(ctx, s, l->u, &rc);
	if (!l->c) {
		cts_error(ctx, "cannot connect to %s:%u: %s", l->u->host,
			  (unsigned)l->u->port, s->err);
		return NULL;
	}
	if (cid >= 0)
		l->c->cid = (uint16_t)cid;
	cts_conn_set_timeout(l->c, S1_RSP_MS);
	return l;
}

struct s1_login *s1_open(struct cts_ctx *ctx, const struct iscsi_url *u)
{
	return open_common(ctx, cts_session_new(ctx), u, -1, true);
}

struct s1_login *s1_open_in(struct cts_ctx *ctx, struct cts_session *s,
			    const struct iscsi_url *u, int cid)
{
	return open_common(ctx, s, u, cid, false);
}

/* ---- keys ----------------------------------------------------------------- */

void s1_keys(struct iscsi_text *t, ...)
{
	const char *kv;
	va_list ap;

	va_start(ap, t);
	while ((kv = va_arg(ap, const char *)) != NULL) {
		const char *eq = strchr(kv, '=');
		char key[ISCSI_KEY_NAME_MAX + 8];

		if (!eq || (size_t)(eq - kv) >= sizeof(key))
			continue;
		memcpy(key, kv, (size_t)(eq - kv));
		key[eq - kv] = '\0';
		iscsi_text_add(t, key, eq + 1);
	}
	va_end(ap);
}

void s1_identity(const struct s1_login *l, struct iscsi_text *t,
		 bool discovery)
{
	const struct cts_profile *p = cts_profile(l->ctx);
	const char *in = p && p->initiator_name[0] ? p->initiator_name
						   : CTS_INITIATOR_NAME;

	iscsi_text_add(t, "InitiatorName", in);
	/* SessionType is leading-only (§13.21) */
	if (l->s->tsih == 0)
		iscsi_text_add(t, "SessionType",
			       discovery ? "Discovery" : "Normal");
	if (!discovery)
		iscsi_text_add(t, "TargetName", l->u->target);
}

/* ---- requests and responses ---------------------------------------------- */

int s1_send_f(struct s1_login *l, const struct iscsi_login_req_f *f,
	      const struct iscsi_text *keys)
{
	int rc = cts_login_send(l->ctx, l->c, f, keys);

	if (rc) {
		cts_error(l->ctx, "sending a Login Request: %s (%s)",
			  cts_io_str(rc), cts_conn_error(l->c));
		return -1;
	}
	return 0;
}

int s1_send(struct s1_login *l, uint8_t csg, uint8_t nsg, bool transit,
	    bool cont, const struct iscsi_text *keys)
{
	struct iscsi_login_req_f f;

	cts_login_fields(l->s, l->c, csg, nsg, transit, &f);
	f.cont = cont;
	return s1_send_f(l, &f, keys);
}

int s1_recv(struct s1_login *l, const char *what)
{
	int rc = cts_login_recv(l->ctx, l->c, &l->r, S1_RSP_MS);

	if (rc) {
		cts_fail(l->ctx, "a Login Response", cts_io_str(rc), "%s",
			 what);
		return -1;
	}
	if (l->r.opcode != ISCSI_OP_LOGIN_RSP) {
		cts_fail(l->ctx, "a Login Response",
			 iscsi_opcode_name(l->r.opcode), "%s", what);
		return -1;
	}
	if (!l->r.keys_ok) {
		cts_fail(l->ctx, "well-formed key=value text",
			 l->r.keys_err, "%s", what);
		return -1;
	}
	l->nrsp++;
	return 0;
}

int s1_step(struct s1_login *l, uint8_t csg, uint8_t nsg, bool transit,
	    const struct iscsi_text *keys, const char *what)
{
	if (s1_send(l, csg, nsg, transit, false, keys) < 0)
		return -1;
	return s1_recv(l, what);
}

uint16_t s1_status(const struct s1_login *l)
{
	return cts_login_rsp_status(&l->r);
}

void s1_status_str(uint16_t st, char *buf, size_t len)
{
	snprintf(buf, len, "Status-Class %u Detail 0x%02x", st >> 8,
		 st & 0xffu);
}

int s1_want_status(struct s1_login *l, uint16_t want, const char *what)
{
	char e[48], s[48];

	if (s1_status(l) == want)
		return 0;
	s1_status_str(want, e, sizeof(e));
	s1_status_str(s1_status(l), s, sizeof(s));
	cts_fail(l->ctx, e, s, "%s", what);
	return -1;
}

int s1_want_class(struct s1_login *l, uint8_t cls, const char *what)
{
	char e[48], s[48];

	s1_status_str(s1_status(l), s, sizeof(s));
	if (s1_status(l) >> 8 == cls) {
		cts_note(l->ctx, "%s: %s", what, s);
		return 0;
	}
	snprintf(e, sizeof(e), "Status-Class %u", cls);
	cts_fail(l->ctx, e, s, "%s", what);
	return -1;
}

int s1_want_no_keys(struct s1_login *l, const char *what)
{
	char s[64];

	if (l->r.pdu.data_len == 0 && !l->r.f.transit)
		return 0;
	snprintf(s, sizeof(s), "DataSegmentLength %zu, T=%d",
		 l->r.pdu.data_len, l->r.f.transit);
	cts_fail(l->ctx, "no data segment and T=0", s, "%s", what);
	return -1;
}

bool s1_closed_within(struct cts_conn *c, unsigned ms, char *seen,
		      size_t len)
{
	struct iscsi_pdu p;
	int rc;

	iscsi_pdu_init(&p);
	rc = cts_conn_recv_pdu(c, &p, ms);
	if (rc == CTS_IO_OK)
		snprintf(seen, len, "a %s PDU",
			 iscsi_opcode_name(iscsi_bhs_opcode(&p.bhs)));
	else
		snprintf(seen, len, "%s after %u ms", cts_io_str(rc), ms);
	iscsi_pdu_release(&p);
	return rc == CTS_IO_CLOSED || rc == CTS_IO_RESET;
}

int s1_want_closed(struct s1_login *l, const char *what)
{
	char seen[64];

	if (s1_closed_within(l->c, S1_CLOSE_MS, seen, sizeof(seen)))
		return 0;
	cts_fail(l->ctx, "the target closes the connection", seen, "%s",
		 what);
	return -1;
}

/* ---- stages -------------------------------------------------------------- */

int s1_to_operational(struct s1_login *l, bool discovery)
{
	struct iscsi_text k;
	int rc = 0;

	iscsi_text_init(&k);
	s1_identity(l, &k, discovery);
	iscsi_text_add(&k, "AuthMethod", "None");
	for (unsigned i = 0; !rc && i < 4; i++) {
		rc = s1_step(l, ISCSI_STAGE_SECURITY, ISCSI_STAGE_OPERATIONAL,
			     true, i ? NULL : &k,
			     "Login Request CSG=0 NSG=1 T=1 AuthMethod=None");
		if (rc)
			break;
		if (s1_status(l)) {
			rc = s1_status(l);
		} else if (l->r.f.transit) {
			break;
		}
	}
	if (!rc && !l->r.f.transit) {
		cts_error(l->ctx, "the target did not leave the security "
				  "stage after 4 requests");
		rc = -1;
	}
	iscsi_text_free(&k);
	return rc;
}

int s1_need_operational(struct s1_login *l)
{
	int rc = s1_to_operational(l, false);
	char s[48];

	if (rc <= 0)
		return rc;
	s1_status_str((uint16_t)rc, s, sizeof(s));
	cts_error(l->ctx, "a login with AuthMethod=None was refused (%s)", s);
	return -1;
}

static void text_append(struct iscsi_text *dst, const struct iscsi_text *src)
{
	for (size_t i = 0; dst && i < src->n; i++)
		iscsi_text_add(dst, src->kv[i].key, src->kv[i].value);
}

/* Answers keys the target offered on its own with the RFC default side
 * (§6.2): everything in rsp that is not in what we offered. */
static void answer_offers(const struct s1_login *l,
			  const struct iscsi_text *offered,
			  const struct iscsi_text *rsp,
			  struct iscsi_text *out)
{
	for (size_t i = 0; i < rsp->n; i++) {
		const struct iscsi_kv *kv = &rsp->kv[i];
		const struct iscsi_key_def *k = iscsi_key_find(kv->key);
		struct iscsi_negctx n;
		char ans[ISCSI_VALUE_MAX + 1];

		if (!k || (offered && iscsi_text_find(offered, kv->key)) ||
		    iscsi_value_special(kv->value) != ISCSI_VAL_PLAIN)
			continue;
		iscsi_negctx_init(&n);
		n.discovery = l->s->discovery;
		n.responder_is_target = false;
		if (iscsi_key_answer(k, kv->value, NULL, &n, ans,
				     sizeof(ans)) == 1)
			iscsi_text_add(out, kv->key, ans);
	}
}

int s1_operational(struct s1_login *l, const struct iscsi_text *keys,
		   struct iscsi_text *ans)
{
	struct iscsi_text next, got;
	int rc = 0;

	iscsi_text_init(&next);
	iscsi_text_init(&got);
	if (keys)
		text_append(&next, keys);
	for (unsigned i = 0; !rc && i < 8; i++) {
		iscsi_text_free(&got);
		iscsi_text_init(&got);
		rc = s1_step(l, ISCSI_STAGE_OPERATIONAL, ISCSI_STAGE_FFP, true,
			     &next, "Login Request CSG=1 NSG=3 T=1");
		/* the response continues (§11.13): ask for the rest */
		while (!rc && !s1_status(l) && l->r.f.cont) {
			text_append(&got, &l->r.keys);
			rc = s1_step(l, ISCSI_STAGE_OPERATIONAL,
				     ISCSI_STAGE_FFP, false, NULL,
				     "empty Login Request after C=1");
		}
		if (!rc && s1_status(l)) {
			rc = s1_status(l);
			break;
		}
		if (!rc)
			text_append(&got, &l->r.keys);
		text_append(ans, &got);
		iscsi_text_free(&next);
		iscsi_text_init(&next);
		if (!rc && l->r.f.transit)
			break;
		if (!rc)
			answer_offers(l, keys, &got, &next);
	}
	iscsi_text_free(&got);
	iscsi_text_free(&next);
	if (rc)
		return rc;
	if (!l->r.f.transit || l->r.f.nsg != ISCSI_STAGE_FFP) {
		cts_fail(l->ctx, "T=1 NSG=3 within 8 requests",
			 "no transit", "operational stage Login Requests with "
				       "T=1 NSG=3");
		return -1;
	}
	l->s->tsih = l->r.f.tsih;
	l->c->ffp = true;
	return 0;
}

int s1_login(struct cts_ctx *ctx, const struct iscsi_url *u, bool discovery,
	     const struct iscsi_text *keys, struct iscsi_text *ans,
	     struct s1_login **out)
{
	struct s1_login *l = s1_open(ctx, u);
	int rc;

	if (out)
		*out = l;
	if (!l)
		return -1;
	l->s->discovery = discovery;
	rc = s1_to_operational(l, discovery);
	return rc ? rc : s1_operational(l, keys, ans);
}

/* ---- one key --------------------------------------------------------------- */

int s1_number(const char *v, uint64_t *out)
{
	return iscsi_value_number(v, out, NULL, 0);
}

int s1_offer(struct cts_ctx *ctx, const struct iscsi_url *u, bool discovery,
	     const char *key, const char *offer, char *ans, size_t len)
{
	struct iscsi_text k, got;
	struct iscsi_negctx n;
	const char *a;
	char result[ISCSI_VALUE_MAX + 1], why[200];
	int rc, v;

	iscsi_text_init(&k);
	iscsi_text_init(&got);
	iscsi_text_add(&k, key, offer);
	rc = s1_login(ctx, u, discovery, &k, &got, NULL);
	a = iscsi_text_find(&got, key);
	snprintf(ans, len, "%s", a ? a : "");
	if (rc == 0 && a) {
		iscsi_negctx_init(&n);
		n.discovery = discovery;
		n.responder_is_target = true;
		v = iscsi_key_judge(iscsi_key_find(key), offer, a, &n, result,
				    sizeof(result), why, sizeof(why));
		if (v == ISCSI_NEG_ILLEGAL || v < 0) {
			cts_fail(ctx, why, a,
				 "Login Response to %s=%s in the operational "
				 "stage",
				 key, offer);
			rc = -1;
		}
	}
	iscsi_text_free(&k);
	iscsi_text_free(&got);
	return rc;
}

int s1_ping(struct s1_login *l, const char *what)
{
	struct cts_nop_result r;
	int rc = cts_nop_ping(l->ctx, l->c, "cts1", 4, 0, &r);

	if (rc == 0)
		return 0;
	cts_fail(l->ctx, "a NOP-In echoing the ping", cts_io_str(rc), "%s",
		 what);
	return -1;
}
