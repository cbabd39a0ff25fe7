/* SPDX-License-Identifier: MIT */
/*
 * rules_login.c - checks of the login phase, text keys, CHAP and
 * SendTargets.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chap.h"
#include "crc32c.h"
#include "names.h"
#include "rules_int.h"

static const struct iscsi_bhs_login_rsp *lrsp(const struct rview *v)
{
	return (const struct iscsi_bhs_login_rsp *)v->bhs;
}

static bool login_final_ok(const struct rview *v)
{
	const struct iscsi_bhs_login_rsp *b = lrsp(v);

	return b->status_class == 0 && (b->flags & ISCSI_LOGIN_T) &&
	       (b->flags & ISCSI_LOGIN_NSG_MASK) == ISCSI_STAGE_FFP;
}

/* §11.13: ITT and ISID are those of the request. */
RT_CHECK(chk_login_echo)
{
	char e[24], s[24];
	uint64_t isid = iscsi_isid_get(lrsp(v)->isid);

	if (!v->rc->in_login)
		return;
	if (v->itt != v->rc->login_itt) {
		snprintf(e, sizeof(e), "0x%x", v->rc->login_itt);
		snprintf(s, sizeof(s), "0x%x", v->itt);
		rt_fire(ctx, v, r, e, s, "ITT");
	}
	if (isid != v->rc->isid) {
		snprintf(e, sizeof(e), "0x%012llx", (unsigned long long)v->rc->isid);
		snprintf(s, sizeof(s), "0x%012llx", (unsigned long long)isid);
		rt_fire(ctx, v, r, e, s, "ISID");
	}
}

/* §11.13.3: a new session gets its TSIH in the final response only. */
RT_CHECK(chk_login_tsih)
{
	uint16_t tsih = iscsi_get16(lrsp(v)->tsih);

	if (!v->rc->in_login || lrsp(v)->status_class != 0)
		return;
	if (v->rc->tsih_req) {
		if (tsih != v->rc->tsih_req)
			rt_fire_u(ctx, v, r, v->rc->tsih_req, tsih,
				  "response to a login with a TSIH");
	} else if (login_final_ok(v)) {
		if (!tsih)
			rt_fire(ctx, v, r, "non-zero", "0",
				"final response of a new session");
	} else if (tsih) {
		rt_fire_u(ctx, v, r, 0, tsih, "non-final response");
	}
}

/* §4.2.2.1: login is immediate: ExpCmdSN equals the login's CmdSN. */
RT_CHECK(chk_login_expcmdsn)
{
	uint32_t e = iscsi_get32(lrsp(v)->exp_cmdsn);

	if (v->rc->in_login && lrsp(v)->status_class == 0 &&
	    e != v->rc->login_cmdsn)
		rt_fire_u(ctx, v, r, v->rc->login_cmdsn, e, NULL);
}

static unsigned stage_rank(unsigned s)
{
	return s == ISCSI_STAGE_FFP ? 2 : s;
}

/*
 * §6.3, §11.13: T=1 only if the request had T=1; CSG is the request's;
 * the target moves no further than the NSG requested.
 */
RT_CHECK(chk_login_transit)
{
	uint8_t rf = lrsp(v)->flags, qf = v->rc->login_flags;
	unsigned rcsg = (rf & ISCSI_LOGIN_CSG_MASK) >> ISCSI_LOGIN_CSG_SHIFT;
	unsigned qcsg = (qf & ISCSI_LOGIN_CSG_MASK) >> ISCSI_LOGIN_CSG_SHIFT;
	unsigned rnsg = rf & ISCSI_LOGIN_NSG_MASK, qnsg = qf & ISCSI_LOGIN_NSG_MASK;

	if (!v->rc->in_login || lrsp(v)->status_class != 0)
		return;
	if ((rf & ISCSI_LOGIN_T) && !(qf & ISCSI_LOGIN_T))
		rt_fire_u(ctx, v, r, 0, 1, "T bit set; the request's was 0");
	if (rcsg != qcsg)
		rt_fire_u(ctx, v, r, qcsg, rcsg, "CSG");
	if ((rf & ISCSI_LOGIN_T) && (qf & ISCSI_LOGIN_T) &&
	    (rnsg == 2 || stage_rank(rnsg) > stage_rank(qnsg)))
		rt_fire_u(ctx, v, r, qnsg, rnsg, "NSG");
}

/* §11.13.5: the defined Status-Class/Status-Detail pairs. */
RT_CHECK(chk_login_status)
{
	unsigned c = lrsp(v)->status_class, d = lrsp(v)->status_detail;
	bool ok = (c == 0 && d == 0) || (c == 1 && (d == 1 || d == 2)) ||
		  (c == 2 && d <= 0x0b) || (c == 3 && d <= 2);
	char s[16];

	if (ok)
		return;
	snprintf(s, sizeof(s), "0x%02x%02x", c, d);
	rt_fire(ctx, v, r, NULL, s, NULL);
}

/*
 * §11.13.5: a failed login ends; its response carries no negotiation
 * (redirection, class 1, carries TargetAddress).
 */
RT_CHECK(chk_login_failure_keys)
{
	unsigned c = lrsp(v)->status_class;

	if (c >= 2 && iscsi_bhs_dsl(v->bhs))
		rt_fire_u(ctx, v, r, 0, iscsi_bhs_dsl(v->bhs),
			  "status class %u with a data segment", c);
}

/* §11.13.2: Version-active within the initiator's range. */
RT_CHECK(chk_login_version)
{
	unsigned a = lrsp(v)->version_active;
	char e[16];

	if (!v->rc->in_login || lrsp(v)->status_class != 0)
		return;
	if (a < v->rc->vmin || a > v->rc->vmax) {
		snprintf(e, sizeof(e), "%u..%u", v->rc->vmin, v->rc->vmax);
		rt_fire(ctx, v, r, e, a ? "non-zero" : "0", "Version-active %u",
			a);
	}
}

/* §11.13.5: after a failed login both sides close the connection. */
RT_CHECK(chk_login_after_failure)
{
	(void)r;
	if (!v->rc->login_failed)
		return;
	rt_fire(ctx, v, r, "connection closed", iscsi_opcode_name(v->op), NULL);
	v->rc->login_failed = false; /* once per failure */
}

static bool portal_tag(struct rules_ctx *ctx, const char *name, uint32_t *tag)
{
	for (unsigned i = 0; i < ctx->nportals; i++) {
		if (!strcmp(ctx->portals[i].name, name)) {
			*tag = ctx->portals[i].tag;
			return true;
		}
	}
	return false;
}

/*
 * §13.9: the target returns TargetPortalGroupTag in the Login Response to
 * the first Login Request with C=0 that names the target, and (App. C) it
 * is the tag SendTargets reported for that portal.
 */
RT_CHECK(chk_login_tpgt)
{
	const char *tpgt;
	uint32_t want;
	uint64_t seen;

	if (!v->rc->in_login || !v->rc->tpgt_due || v->rc->login_req_c ||
	    !v->keys || lrsp(v)->status_class != 0)
		return;
	tpgt = iscsi_text_find(v->keys, "TargetPortalGroupTag");
	if (!tpgt) {
		rt_fire(ctx, v, r, "TargetPortalGroupTag", "none", NULL);
		return;
	}
	if (iscsi_value_number(tpgt, &seen, NULL, 0) == 0 &&
	    portal_tag(ctx, v->rc->target_name, &want) && seen != want)
		rt_fire_u(ctx, v, r, want, seen, "tag SendTargets gave %s",
			  v->rc->target_name);
}

/* ---- keys ------------------------------------------------------------- */

RT_CHECK(chk_keys_format)
{
	if (v->keys_err)
		rt_fire(ctx, v, r, NULL, NULL, "%s", v->keys_err);
}

/* §6.1: a key appears once per text (SendTargets records apart). */
RT_CHECK(chk_keys_duplicate)
{
	const char *d;

	if (!v->keys || (v->tgt && v->op == ISCSI_OP_TEXT_RSP &&
			 v->rc->sendtargets))
		return;
	if ((d = iscsi_text_find_dup(v->keys)))
		rt_fire(ctx, v, r, "once", "twice", "%s", d);
}

static const struct rt_offer *pending(const struct rview *v, const char *key)
{
	unsigned other = v->tgt ? 0 : 1;

	for (unsigned i = 0; i < v->rc->noffers[other]; i++)
		if (!strcmp(v->rc->offers[other][i].key, key))
			return &v->rc->offers[other][i];
	return NULL;
}

/* A value that offers or declares (not an answer), well-formed (§6.1). */
RT_CHECK(chk_keys_value)
{
	char err[160];

	if (!v->keys)
		return;
	for (size_t i = 0; i < v->keys->n; i++) {
		const struct iscsi_kv *kv = &v->keys->kv[i];
		const struct iscsi_key_def *k = iscsi_key_find(kv->key);

		if (!k || (k->flags & (ISCSI_KF_PRIVATE | ISCSI_KF_OBSOLETE)) ||
		    pending(v, kv->key) ||
		    iscsi_value_special(kv->value) != ISCSI_VAL_PLAIN)
			continue;
		if (!strncmp(kv->key, "CHAP_", 5) ||
		    !strcmp(kv->key, "TargetAddress"))
			continue; /* chap.*, sendtargets.address judge these */
		if (iscsi_key_value_check(k, kv->value, err, sizeof(err)) < 0)
			rt_fire(ctx, v, r, NULL, kv->value, "%s: %s", kv->key,
				err);
	}
}

static void negctx_of(const struct rview *v, struct iscsi_negctx *nc)
{
	iscsi_negctx_init(nc);
	nc->discovery = v->rc->discovery;
	nc->leading = v->rc->tsih_req == 0;
	if (v->op == ISCSI_OP_LOGIN_REQ || v->op == ISCSI_OP_LOGIN_RSP)
		nc->stage = (enum iscsi_login_stage)(
			(v->bhs->flags & ISCSI_LOGIN_CSG_MASK) >>
			ISCSI_LOGIN_CSG_SHIFT);
	else
		nc->stage = ISCSI_STAGE_FFP;
	nc->responder_is_target = v->tgt;
	nc->initial_r2t = v->rc->initial_r2t;
	nc->immediate_data = v->rc->immediate_data;
	/* §13.14: whether FirstBurstLength is Irrelevant depends on the
	 * InitialR2T and ImmediateData outcomes, which may be settled in the
	 * very PDU being judged: take them from it. */
	if (v->keys) {
		const char *s;
		bool b;

		if ((s = iscsi_text_find(v->keys, "InitialR2T")) &&
		    !iscsi_value_bool(s, &b))
			nc->initial_r2t = b;
		if ((s = iscsi_text_find(v->keys, "ImmediateData")) &&
		    !iscsi_value_bool(s, &b))
			nc->immediate_data = b;
	}
}

static void judge_one(struct rules_ctx *ctx, const struct rview *v,
		      const struct rule_def *r, enum iscsi_neg_verdict want,
		      const char *key, const char *offer, const char *answer)
{
	const struct iscsi_key_def *k = iscsi_key_find(key);
	struct iscsi_negctx nc;
	char result[ISCSI_VALUE_MAX + 1], why[200];
	int verdict;

	if (!k || (k->flags & ISCSI_KF_PRIVATE))
		return;
	if (!strncmp(key, "CHAP_", 5) || !strcmp(key, "SendTargets") ||
	    !strcmp(key, "TargetAddress") || !strcmp(key, "TargetName"))
		return;
	negctx_of(v, &nc);
	verdict = iscsi_key_judge(k, offer, answer, &nc, result, sizeof(result),
				  why, sizeof(why));
	if (verdict != (int)want)
		return;
	rt_fire(ctx, v, r, NULL, answer ? answer : "no answer",
		"%s offered %s: %s", key, offer, why);
}

/*
 * §6.2, §13: every answer is judged against its offer with the key's
 * result function (proto/keys.h); at the end of a login or text exchange
 * the initiator's offers left unanswered are judged as "no answer".
 */
static void judge_all(struct rules_ctx *ctx, const struct rview *v,
		      const struct rule_def *r, enum iscsi_neg_verdict want)
{
	const struct rt_offer *o;
	bool end;

	if (!v->keys)
		return;
	for (size_t i = 0; i < v->keys->n; i++) {
		const struct iscsi_kv *kv = &v->keys->kv[i];

		if ((o = pending(v, kv->key)))
			judge_one(ctx, v, r, want, kv->key, o->value,
				  kv->value);
	}
	end = v->tgt && ((v->op == ISCSI_OP_LOGIN_RSP && login_final_ok(v)) ||
			 (v->op == ISCSI_OP_TEXT_RSP &&
			  (v->bhs->flags & ISCSI_TEXT_F)));
	if (!end)
		return;
	for (unsigned i = 0; i < v->rc->noffers[0]; i++) {
		o = &v->rc->offers[0][i];
		if (!iscsi_text_find(v->keys, o->key))
			judge_one(ctx, v, r, want, o->key, o->value, NULL);
	}
}

RT_CHECK(chk_keys_negotiation)
{
	judge_all(ctx, v, r, ISCSI_NEG_ILLEGAL);
}

RT_CHECK(chk_keys_negotiation_should)
{
	judge_all(ctx, v, r, ISCSI_NEG_WARN);
}

/* ---- CHAP -------------------------------------------------------------- */

/* §12.1.3: CHAP_A is answered with CHAP_A, CHAP_I and CHAP_C. */
RT_CHECK(chk_chap_challenge)
{
	const char *a, *i, *c;
	char err[160];
	uint8_t id, bin[ISCSI_CHAP_BIN_MAX];
	size_t blen;

	if (!v->rc->chap_a_offered || !v->keys || lrsp(v)->status_class != 0)
		return;
	a = iscsi_text_find(v->keys, "CHAP_A");
	i = iscsi_text_find(v->keys, "CHAP_I");
	c = iscsi_text_find(v->keys, "CHAP_C");
	if (a && !strcmp(a, ISCSI_REJECT))
		return;
	if (!a || !i || !c) {
		rt_fire(ctx, v, r, "CHAP_A, CHAP_I, CHAP_C", a ? (i ? "no CHAP_C"
				: "no CHAP_I") : "no CHAP_A", NULL);
		return;
	}
	if (iscsi_chap_parse_id(i, &id, err, sizeof(err)) < 0)
		rt_fire(ctx, v, r, "0..255", i, "CHAP_I: %s", err);
	if (iscsi_chap_parse_bin(c, bin, sizeof(bin), &blen, err,
				 sizeof(err)) < 0)
		rt_fire(ctx, v, r, "1..1024 bytes", "malformed", "CHAP_C: %s",
			err);
}

/* §9.2.1: a challenge is not reused; remembered over the capture. */
RT_CHECK(chk_chap_reuse)
{
	const char *c;
	uint32_t crc, len;

	if (!v->keys || !(c = iscsi_text_find(v->keys, "CHAP_C")))
		return;
	len = (uint32_t)strlen(c);
	crc = iscsi_crc32c(c, len);
	for (unsigned i = 0; i < ctx->nchap; i++) {
		if (ctx->chap_crc[i] == crc && ctx->chap_len[i] == len) {
			rt_fire(ctx, v, r, "a new challenge", "a repeated one",
				"CHAP_C=%.40s", c);
			return;
		}
	}
	ctx->chap_crc[ctx->chap_next] = crc;
	ctx->chap_len[ctx->chap_next] = len;
	ctx->chap_next = (ctx->chap_next + 1) % RT_MAX_CHAP;
	if (ctx->nchap < RT_MAX_CHAP)
		ctx->nchap++;
}

/* ---- SendTargets ---------------------------------------------------------- */

/* App. C: records are TargetName followed by its TargetAddress values. */
RT_CHECK(chk_sendtargets_format)
{
	bool named = false;

	if (!v->rc->sendtargets || !v->keys)
		return;
	for (size_t i = 0; i < v->keys->n; i++) {
		const char *k = v->keys->kv[i].key;

		if (!strcmp(k, "TargetName")) {
			named = true;
		} else if (!strcmp(k, "TargetAddress") && !named) {
			rt_fire(ctx, v, r, "TargetName first", "TargetAddress",
				"%s", v->keys->kv[i].value);
			return;
		}
	}
}

/* Why a TargetAddress is not usable, or NULL; *tag gets its tag. */
static const char *address_fault(const char *a, long *tag)
{
	const char *host = a, *end, *comma;
	size_t hlen;

	*tag = -1;
	comma = strrchr(a, ',');
	if (a[0] == '[') {
		end = strchr(a, ']');
		if (!end)
			return "unterminated [IPv6] address";
		host = a + 1;
		hlen = (size_t)(end - host);
		end++;
	} else {
		end = a + strcspn(a, ":,");
		hlen = (size_t)(end - a);
		if (*end == ':' && strchr(end + 1, ':'))
			return "IPv6 address not in brackets";
	}
	if (!hlen)
		return "empty host";
	if ((hlen == 7 && !strncmp(host, "0.0.0.0", 7)) ||
	    (hlen == 2 && !strncmp(host, "::", 2)))
		return "unspecified address";
	if (a[0] == '[' && !strncmp(host, "fe80:", 5) &&
	    !memchr(host, '%', hlen))
		return "link-local address without a scope";
	if (*end == ':') {
		char *e;
		long port = strtol(end + 1, &e, 10);

		if (e == end + 1 || port < 1 || port > 65535 ||
		    (*e && *e != ','))
			return "bad port";
	} else if (*end && *end != ',') {
		return "junk after the host";
	}
	if (!comma || comma < end)
		return "no portal group tag";
	{
		char *e;
		long t = strtol(comma + 1, &e, 10);

		if (e == comma + 1 || *e || t < 0 || t > 65535)
			return "bad portal group tag";
		*tag = t;
	}
	return NULL;
}

/* §13.8: TargetAddress=host[:port],tag with a reachable unicast host. */
RT_CHECK(chk_sendtargets_address)
{
	const char *name = NULL;
	long tag;

	if (!v->rc->sendtargets || !v->keys)
		return;
	for (size_t i = 0; i < v->keys->n; i++) {
		const struct iscsi_kv *kv = &v->keys->kv[i];
		const char *why;

		if (!strcmp(kv->key, "TargetName"))
			name = kv->value;
		if (strcmp(kv->key, "TargetAddress"))
			continue;
		why = address_fault(kv->value, &tag);
		if (why) {
			rt_fire(ctx, v, r, "host[:port],tag", kv->value, "%s",
				why);
			continue;
		}
		if (name && ctx->nportals < RT_MAX_PORTALS) {
			struct rt_portal *pt = &ctx->portals[ctx->nportals++];

			snprintf(pt->name, sizeof(pt->name), "%s", name);
			pt->tag = (uint32_t)tag;
		}
	}
}

/* §4.2.7: InitiatorName and TargetName values are valid iSCSI names. */
RT_CHECK(chk_names_valid)
{
	char err[160];

	if (!v->keys)
		return;
	for (size_t i = 0; i < v->keys->n; i++) {
		const struct iscsi_kv *kv = &v->keys->kv[i];

		if (strcmp(kv->key, "TargetName") &&
		    strcmp(kv->key, "InitiatorName"))
			continue;
		if (iscsi_value_special(kv->value) != ISCSI_VAL_PLAIN)
			continue;
		if (iscsi_name_validate(kv->value, err, sizeof(err)) < 0)
			rt_fire(ctx, v, r, NULL, kv->value, "%s: %s", kv->key,
				err);
	}
}
