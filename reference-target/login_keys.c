/* SPDX-License-Identifier: MIT */
/*
 * login_keys.c - the keys of a login (RFC 7143 §6.2, §6.3, §13) as the
 * target answers them, through proto/keys.h:
 *
 *  - the first complete request names who logs in and to what
 *    (InitiatorName §13.5, SessionType §13.21, TargetName §13.4) and gets
 *    the status of §11.13.5 that fits what is wrong;
 *  - every other key is answered with iscsi_key_answer: NotUnderstood for
 *    unknown keys (§6.2), Irrelevant where §13 says so, Reject for
 *    malformed or out-of-range values, the result function otherwise;
 *  - a key negotiated twice in a login is an initiator error (§6.3).
 *    libiscsi repeats InitiatorName, TargetName, SessionType and
 *    InitiatorAlias in every stage: an identical re-declaration of those
 *    four changes nothing and is let through; a different value is not;
 *  - keys the target wants but the initiator did not negotiate are
 *    offered before the target agrees to leave the operational stage, and
 *    the answers judged with iscsi_key_judge.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "login_int.h"

static size_t key_index(const struct iscsi_key_def *k)
{
	return (size_t)(k - iscsi_key_at(0));
}

bool login_key_is_security(const char *key)
{
	const struct iscsi_key_def *k = iscsi_key_find(key);

	/* the keys of §12.1 only: an unknown CHAP_X is NotUnderstood */
	return k && k->use == ISCSI_USE_SEC;
}

/* Declarations of who logs in: tolerated again with the same value. */
static bool identity_key(const char *key)
{
	return strcmp(key, "InitiatorName") == 0 ||
	       strcmp(key, "TargetName") == 0 ||
	       strcmp(key, "SessionType") == 0 ||
	       strcmp(key, "InitiatorAlias") == 0;
}

static void mark_seen(struct login_state *ls, const char *key)
{
	const struct iscsi_key_def *k = iscsi_key_find(key);

	if (k && key_index(k) < LOGIN_MAX_KEYS)
		ls->seen[key_index(k)] = true;
}

const char *login_key_mine(const struct tgt_server *srv,
			   const struct target_rt *t,
			   const struct iscsi_key_def *k, char *buf,
			   size_t len)
{
	const char *v = config_key(&srv->cfg, t ? t->cfg : NULL, k->name);

	if (v)
		return v;
	/* Built-in values: what this target accepts. */
	if (strcmp(k->name, "HeaderDigest") == 0 ||
	    strcmp(k->name, "DataDigest") == 0)
		return "CRC32C,None"; /* either, the initiator's order */
	if (strcmp(k->name, "MaxConnections") == 0 && t) {
		snprintf(buf, len, "%u", t->cfg->max_connections);
		return buf;
	}
	if (strcmp(k->name, "InitialR2T") == 0)
		return "No"; /* OR: the initiator's choice stands */
	if (strcmp(k->name, "MaxBurstLength") == 0)
		return "1048576";
	if (strcmp(k->name, "TaskReporting") == 0)
		return "RFC3720";
	return NULL; /* the RFC default (§13) */
}

/* ---- the first complete request ------------------------------------ */

/* "host:port", "[v6]:port" versus "host", "[v6]" (§13.8). */
static bool addr_has_port(const char *a)
{
	const char *close = a[0] == '[' ? strchr(a, ']') : NULL;

	if (a[0] == '[')
		return close && close[1] == ':';
	return strchr(a, ':') != NULL;
}

static int identify_normal(struct tgt_conn *c, struct login_state *ls,
			   const struct iscsi_text *in,
			   struct iscsi_text *out, struct login_error *e)
{
	const char *tn = iscsi_text_find(in, "TargetName");
	struct target_rt *t;
	char buf[TGT_PORTAL_TEXT_LEN + 16];

	/* §6.3, §13.4: a normal session names its target in the first
	 * request; §11.13.5: 0x0207 "missing parameter". */
	if (!tn) {
		login_error_set(e,
				defect_on(&c->srv->defects,
					  DEFECT_NO_TARGETNAME_STATUS)
					? ISCSI_LOGIN_STATUS_TGT_NOT_FOUND
					: ISCSI_LOGIN_STATUS_MISSING_PARAM,
				"no TargetName in the first Login Request of "
				"a normal session (§13.4)");
		return -1;
	}
	snprintf(ls->tname, sizeof(ls->tname), "%s", tn);
	t = server_find_target(c->srv, tn);
	if (!t) {
		login_error_set(e,
				defect_on(&c->srv->defects,
					  DEFECT_TARGET_NOT_FOUND_STATUS)
					? ISCSI_LOGIN_STATUS_TGT_ERROR
					: ISCSI_LOGIN_STATUS_TGT_NOT_FOUND,
				"no target %.128s here (§11.13.5)", tn);
		return -1;
	}
	ls->target = t;
	if (t->cfg->redirect[0]) {
		/* §11.13.5: class 1 with TargetAddress (§13.8). */
		snprintf(buf, sizeof(buf), "%s%s,%u", t->cfg->redirect,
			 addr_has_port(t->cfg->redirect) ? "" : ":3260",
			 t->tpgt);
		iscsi_text_add(out, "TargetAddress", buf);
		login_error_set(e,
				t->cfg->redirect_permanent
					? ISCSI_LOGIN_STATUS_TGT_MOVED_PERM
					: ISCSI_LOGIN_STATUS_TGT_MOVED_TEMP,
				"target %.128s moved to %s", tn, buf);
		return -1;
	}
	/* §11.13.5: 0x0202 "the initiator is not allowed access to the
	 * given target" (authorization, not authentication). */
	if (!config_acl_permits(t->cfg, ls->iname,
				(const struct sockaddr *)&c->peer)) {
		login_error_set(e, ISCSI_LOGIN_STATUS_TGT_FORBIDDEN,
				"%s may not access %.128s (ACL)", ls->iname,
				tn);
		return -1;
	}
	return 0;
}

/* §11.13.5 0x0302 "out of resources": MaxSessions of the target. */
static int identify_max_sessions(struct tgt_conn *c, struct login_state *ls,
				 struct login_error *e)
{
	struct target_rt *t = ls->target;
	unsigned n;

	if (!t || !t->cfg->max_sessions || !ls->leading)
		return 0;
	/* a reinstatement replaces a session, it does not add one */
	if (server_find_session(c->srv, ls->iname, ls->isid, t))
		return 0;
	pthread_mutex_lock(&c->srv->lock);
	n = t->nsessions;
	pthread_mutex_unlock(&c->srv->lock);
	if (n < t->cfg->max_sessions)
		return 0;
	login_error_set(e, ISCSI_LOGIN_STATUS_NO_RESOURCES,
			"MaxSessions %u of %s reached", t->cfg->max_sessions,
			t->cfg->name);
	return -1;
}

/* A connection joining a session must name the same nexus (§4.4, §6.3). */
static int identify_join(struct tgt_conn *c, struct login_state *ls,
			 struct login_error *e)
{
	struct tgt_session *s = ls->join;
	unsigned maxc = s->params.max_connections;

	if (s->isid != ls->isid || s->discovery != ls->discovery ||
	    (!ls->discovery && s->target != ls->target) ||
	    strcasecmp(s->initiator_name, ls->iname) != 0) {
		login_error_set(e, ISCSI_LOGIN_STATUS_NO_SESSION,
				"TSIH %u belongs to another I_T nexus",
				ls->tsih);
		return -1;
	}
	/* §13.2, §11.13.5: 0x0206 "too many connections on this SSID";
	 * a login reusing a CID replaces that connection (§6.3.4). */
	for (const struct tgt_conn *o = s->conns; o; o = o->sess_next)
		if (o->cid == ls->cid)
			return 0;
	if (s->nconns >= 1 && defect_on(&c->srv->defects, DEFECT_MCS_REFUSED)) {
		login_error_set(e, ISCSI_LOGIN_STATUS_TOO_MANY_CONNS,
				"second connection refused");
		return -1;
	}
	if (s->nconns >= maxc &&
	    !defect_on(&c->srv->defects, DEFECT_IGNORE_MAXCONNECTIONS)) {
		login_error_set(e, ISCSI_LOGIN_STATUS_TOO_MANY_CONNS,
				"session tsih %u has %u of MaxConnections=%u",
				ls->tsih, s->nconns, maxc);
		return -1;
	}
	return 0;
}

/* §13.9: TargetPortalGroupTag in the response to the first request with
 * C=0 when the initiator named a target; §13.6 TargetAlias. */
static int identify_declare(const struct tgt_conn *c, struct login_state *ls,
			    struct iscsi_text *out)
{
	char tag[8];

	if (!ls->target)
		return 0;
	snprintf(tag, sizeof(tag), "%u", ls->target->tpgt);
	if (!defect_on(&c->srv->defects, DEFECT_NO_TPGT) &&
	    iscsi_text_add(out, "TargetPortalGroupTag", tag) < 0)
		return -1;
	ls->params.target_portal_group_tag = ls->target->tpgt;
	ls->params.tpgt_set = true;
	if (ls->target->cfg->alias[0]) {
		if (iscsi_text_add(out, "TargetAlias",
				   ls->target->cfg->alias) < 0)
			return -1;
		snprintf(ls->params.target_alias,
			 sizeof(ls->params.target_alias), "%s",
			 ls->target->cfg->alias);
	}
	return 0;
}

int login_keys_identify(struct tgt_conn *c, struct login_state *ls,
			const struct iscsi_text *in, struct iscsi_text *out,
			struct login_error *e)
{
	const char *in_name = iscsi_text_find(in, "InitiatorName");
	const char *st = iscsi_text_find(in, "SessionType");
	const char *alias = iscsi_text_find(in, "InitiatorAlias");
	char err[160];

	/* §6.3, §13.5: InitiatorName in the first request, always. */
	if (!in_name) {
		if (!defect_on(&c->srv->defects,
			       DEFECT_NO_INITIATORNAME_CHECK)) {
			login_error_set(e, ISCSI_LOGIN_STATUS_MISSING_PARAM,
					"no InitiatorName in the first Login "
					"Request (§13.5)");
			return -1;
		}
		in_name = "";
	} else if (iscsi_key_value_check(iscsi_key_find("InitiatorName"),
					 in_name, err, sizeof(err)) < 0) {
		login_error_set(e, ISCSI_LOGIN_STATUS_INIT_ERR,
				"InitiatorName: %s", err);
		return -1;
	}
	snprintf(ls->iname, sizeof(ls->iname), "%s", in_name);
	snprintf(ls->params.initiator_name, sizeof(ls->params.initiator_name),
		 "%s", in_name);
	/* §13.21: Discovery or Normal (the default); anything else is a
	 * session type this target does not support (0x0209). */
	if (st && strcmp(st, "Discovery") != 0 && strcmp(st, "Normal") != 0 &&
	    !defect_on(&c->srv->defects, DEFECT_SESSIONTYPE_UNCHECKED)) {
		login_error_set(e, ISCSI_LOGIN_STATUS_SESS_TYPE_UNSUPP,
				"SessionType=%.32s (§13.21)", st);
		return -1;
	}
	ls->discovery = st && strcmp(st, "Discovery") == 0;
	ls->params.session_type = ls->discovery ? ISCSI_SESSION_DISCOVERY
						: ISCSI_SESSION_NORMAL;
	if (alias) {
		snprintf(ls->ialias, sizeof(ls->ialias), "%s", alias);
		ls->ialias_set = true;
	}
	if (!ls->discovery && identify_normal(c, ls, in, out, e) < 0)
		return -1;
	if (ls->discovery && !iscsi_text_find(in, "TargetName") &&
	    defect_on(&c->srv->defects, DEFECT_DISCOVERY_NEEDS_TARGETNAME)) {
		login_error_set(e, ISCSI_LOGIN_STATUS_MISSING_PARAM,
				"no TargetName in a discovery login");
		return -1;
	}
	if (ls->discovery && iscsi_text_find(in, "TargetName"))
		snprintf(ls->tname, sizeof(ls->tname), "%s",
			 iscsi_text_find(in, "TargetName"));
	if (!ls->leading && identify_join(c, ls, e) < 0)
		return -1;
	if (identify_max_sessions(c, ls, e) < 0)
		return -1;
	mark_seen(ls, "InitiatorName");
	if (st)
		mark_seen(ls, "SessionType");
	if (iscsi_text_find(in, "TargetName"))
		mark_seen(ls, "TargetName");
	if (alias)
		mark_seen(ls, "InitiatorAlias");
	if (identify_declare(c, ls, out) < 0) {
		login_error_set(e, ISCSI_LOGIN_STATUS_NO_RESOURCES,
				"no memory for the response");
		return -1;
	}
	return 0;
}

/* ---- negotiation ------------------------------------------------------- */

static void negctx(const struct tgt_conn *c, const struct login_state *ls,
		   struct iscsi_negctx *ctx)
{
	(void)c;
	iscsi_negctx_init(ctx);
	ctx->discovery = ls->discovery;
	ctx->leading = ls->leading;
	ctx->stage = ls->stage == ISCSI_STAGE_SECURITY
			     ? ISCSI_STAGE_SECURITY
			     : ISCSI_STAGE_OPERATIONAL;
	ctx->initial_r2t = ls->params.initial_r2t;
	ctx->immediate_data = ls->params.immediate_data;
	ctx->max_burst = ls->params.max_burst;
}

/* An identity key seen again: the same value changes nothing. */
static int identity_again(struct tgt_conn *c, struct login_state *ls,
			  const struct iscsi_kv *kv, struct login_error *e)
{
	const char *was = NULL;

	if (strcmp(kv->key, "InitiatorName") == 0)
		was = ls->iname;
	else if (strcmp(kv->key, "TargetName") == 0)
		was = ls->tname;
	else if (strcmp(kv->key, "InitiatorAlias") == 0)
		was = ls->ialias_set ? ls->ialias : NULL;
	else if (strcmp(kv->key, "SessionType") == 0)
		was = ls->discovery ? "Discovery" : "Normal";
	if (!was && strcmp(kv->key, "InitiatorAlias") == 0) {
		/* first declaration of the alias, after the first request */
		snprintf(ls->ialias, sizeof(ls->ialias), "%s", kv->value);
		ls->ialias_set = true;
		mark_seen(ls, kv->key);
		return 0;
	}
	if ((was && strcmp(was, kv->value) == 0) ||
	    defect_on(&c->srv->defects, DEFECT_ACCEPT_DUPLICATE_KEY) ||
	    (strcmp(kv->key, "SessionType") == 0 &&
	     defect_on(&c->srv->defects, DEFECT_SESSIONTYPE_UNCHECKED)))
		return 0;
	login_error_set(e, ISCSI_LOGIN_STATUS_INIT_ERR,
			"%s redeclared as \"%.64s\" (§6.3)", kv->key,
			kv->value);
	return -1;
}

/* The initiator's answer to one of our offers (§6.2). */
static int judge_answer(struct tgt_conn *c, struct login_state *ls,
			struct login_offer *o, const char *answer,
			struct login_error *e)
{
	struct iscsi_negctx ctx;
	char result[ISCSI_VALUE_MAX + 1], why[200];
	int v;

	negctx(c, ls, &ctx);
	ctx.responder_is_target = false;
	v = iscsi_key_judge(o->k, o->value, answer, &ctx, result,
			    sizeof(result), why, sizeof(why));
	if (v == ISCSI_NEG_ILLEGAL || v == ISCSI_NEG_FAILED || v < 0) {
		login_error_set(e, ISCSI_LOGIN_STATUS_INIT_ERR,
				"answer %s=%.48s to our offer %.48s: %s",
				o->k->name, answer ? answer : "(none)",
				o->value, why);
		return -1;
	}
	if (result[0])
		iscsi_params_apply(&ls->params, o->k->name, result, false,
				   NULL, 0);
	o->k = NULL; /* answered */
	return 0;
}

static struct login_offer *find_offer(struct login_state *ls,
				      const char *key)
{
	for (unsigned i = 0; i < LOGIN_MAX_OFFERS; i++)
		if (ls->offers[i].k && strcmp(ls->offers[i].k->name, key) == 0)
			return &ls->offers[i];
	return NULL;
}

/* NEG_OVER_OFFER: MaxBurstLength answered above the offer (§13.13). */
static void over_offer(const struct tgt_conn *c, const struct iscsi_kv *kv,
		       char *ans, size_t len)
{
	uint64_t x;

	if (!defect_on(&c->srv->defects, DEFECT_NEG_OVER_OFFER) ||
	    strcmp(kv->key, "MaxBurstLength") != 0 ||
	    iscsi_value_number(kv->value, &x, NULL, 0) < 0 || x >= 16777215u)
		return;
	snprintf(ans, len, "%llu", (unsigned long long)(x + 512 > 16777215u
								? 16777215u
								: x + 512));
}

/* Fold what was agreed into the outcome and the connection. */
static void apply_outcome(struct login_state *ls,
			  const struct iscsi_key_def *k,
			  const struct iscsi_kv *kv, const char *ans, int rc,
			  bool protocol_error)
{
	uint64_t x;

	if (!k || (k->flags & (ISCSI_KF_PRIVATE | ISCSI_KF_OBSOLETE)))
		return;
	if (rc == 0 && !protocol_error) {
		/* a declaration stands as sent (§6.2) */
		iscsi_params_apply(&ls->params, k->name, kv->value, true, NULL,
				   0);
		if (strcmp(k->name, "MaxRecvDataSegmentLength") == 0 &&
		    iscsi_value_number(kv->value, &x, NULL, 0) == 0) {
			ls->initiator_mrdsl = (uint32_t)x;
			ls->initiator_mrdsl_set = true;
		}
		return;
	}
	if (rc == 1 && iscsi_value_special(ans) == ISCSI_VAL_PLAIN)
		iscsi_params_apply(&ls->params, k->name, ans, false, NULL, 0);
}

/* The last item of the offered list that mine accepts (LIST_LAST_CHOICE,
 * which breaks §6.2.1's "first value it supports"). */
static void last_choice(const struct iscsi_key_def *k, const char *offer,
			const char *mine, char *ans, size_t len)
{
	const char *cur = offer, *item;
	const char *ok = mine ? mine : k->values;
	size_t n;

	if (!ok || !strchr(offer, ','))
		return;
	while (iscsi_list_next(&cur, &item, &n))
		if (n && n < len && iscsi_list_contains(ok, item, n))
			snprintf(ans, len, "%.*s", (int)n, item);
}

/* Answers the negotiation defects of defects_login.h change. */
static void answer_defects(const struct tgt_conn *c,
			   const struct iscsi_key_def *k,
			   const struct iscsi_kv *kv, const char *mine,
			   char *ans, size_t len)
{
	const struct defect_set *d = &c->srv->defects;
	bool plain = iscsi_value_special(ans) == ISCSI_VAL_PLAIN;
	uint64_t x;

	if (!k)
		return;
	if (plain && k->rule == &iscsi_rule_min &&
	    strcmp(k->name, "MaxBurstLength") != 0 &&
	    defect_on(d, DEFECT_NEG_MIN_OVER_OFFER) &&
	    iscsi_value_number(kv->value, &x, NULL, 0) == 0 && x < k->max)
		snprintf(ans, len, "%llu", (unsigned long long)x + 1);
	if (plain && k->rule == &iscsi_rule_max &&
	    defect_on(d, DEFECT_NEG_MAX_UNDER_OFFER) &&
	    iscsi_value_number(kv->value, &x, NULL, 0) == 0 && x > k->min)
		snprintf(ans, len, "%llu", (unsigned long long)x - 1);
	if (plain && k->type == ISCSI_KT_BOOL &&
	    !(k->flags & ISCSI_KF_OBSOLETE) &&
	    defect_on(d, DEFECT_NEG_BOOL_OVERRIDE))
		snprintf(ans, len, "%s",
			 strcmp(k->name, "ImmediateData") == 0 ? "Yes" : "No");
	if (plain && k->type == ISCSI_KT_LIST &&
	    defect_on(d, DEFECT_LIST_LAST_CHOICE))
		last_choice(k, kv->value, mine, ans, len);
	if (strcmp(k->name, "FirstBurstLength") == 0 &&
	    iscsi_value_special(ans) == ISCSI_VAL_IRRELEVANT &&
	    defect_on(d, DEFECT_FBL_IRRELEVANT_REJECTED))
		snprintf(ans, len, "%s", ISCSI_REJECT);
	if ((k->flags & ISCSI_KF_OBSOLETE) &&
	    defect_on(d, DEFECT_OBSOLETE_NOT_UNDERSTOOD))
		snprintf(ans, len, "%s", ISCSI_NOT_UNDERSTOOD);
	if (k->type == ISCSI_KT_NUMBER && defect_on(d, DEFECT_HEX_REFUSED) &&
	    (strncmp(kv->value, "0x", 2) == 0 ||
	     strncmp(kv->value, "0X", 2) == 0))
		snprintf(ans, len, "%s", ISCSI_REJECT);
}

/* VALUE_UNCHECKED: a malformed or out-of-range value is adopted as it
 * came (breaks §6.2.2's Reject).  1 when the defect handled the key. */
static int value_unchecked(const struct tgt_conn *c,
			   const struct iscsi_key_def *k,
			   const struct iscsi_kv *kv, struct iscsi_text *out)
{
	if (!k || !defect_on(&c->srv->defects, DEFECT_VALUE_UNCHECKED) ||
	    (k->flags & (ISCSI_KF_PRIVATE | ISCSI_KF_OBSOLETE)) ||
	    iscsi_key_value_check(k, kv->value, NULL, 0) == 0)
		return 0;
	if (!(k->flags & ISCSI_KF_DECLARATIVE))
		iscsi_text_add(out, kv->key, kv->value);
	return 1;
}

static int negotiate_one(struct tgt_conn *c, struct login_state *ls,
			 const struct iscsi_kv *kv, struct iscsi_text *out,
			 struct login_error *e)
{
	const struct iscsi_key_def *k = iscsi_key_find(kv->key);
	struct iscsi_negctx ctx;
	char ans[ISCSI_VALUE_MAX + 1], mbuf[16];
	const char *mine;
	int rc;

	if (!k && defect_on(&c->srv->defects, DEFECT_UNKNOWN_KEY_IGNORED))
		return 0;
	if (k && (k->flags & ISCSI_KF_PRIVATE) &&
	    defect_on(&c->srv->defects, DEFECT_PRIVATE_KEY_IGNORED))
		return 0;
	if (k && !(k->flags & ISCSI_KF_PRIVATE) &&
	    key_index(k) < LOGIN_MAX_KEYS) {
		/* §6.3: negotiated or declared once per login. */
		if (ls->seen[key_index(k)] &&
		    !defect_on(&c->srv->defects, DEFECT_ACCEPT_DUPLICATE_KEY)) {
			login_error_set(e, ISCSI_LOGIN_STATUS_INIT_ERR,
					"%s negotiated twice in one login "
					"(§6.3)",
					k->name);
			return -1;
		}
		ls->seen[key_index(k)] = true;
	}
	if (value_unchecked(c, k, kv, out))
		return 0;
	negctx(c, ls, &ctx);
	if (k && strcmp(k->name, "FirstBurstLength") == 0 &&
	    defect_on(&c->srv->defects, DEFECT_FBL_OVER_MBL))
		ctx.max_burst = 0;
	mine = k ? login_key_mine(c->srv, ls->target, k, mbuf, sizeof(mbuf))
		 : NULL;
	rc = iscsi_key_answer(k, kv->value, mine, &ctx, ans, sizeof(ans));
	if (rc < 0) {
		login_error_set(e, ISCSI_LOGIN_STATUS_TGT_ERROR,
				"cannot answer %s: %s", kv->key, ctx.note);
		return -1;
	}
	if (ctx.fail_login) {
		/* §6.2: an unusable declaration, or no common value of a
		 * key both sides must agree on */
		login_error_set(e, ISCSI_LOGIN_STATUS_INIT_ERR, "%s=%.64s: %s",
				kv->key, kv->value, ctx.note);
		return -1;
	}
	if (rc == 1 && ls->discovery &&
	    iscsi_value_special(ans) == ISCSI_VAL_IRRELEVANT &&
	    defect_on(&c->srv->defects, DEFECT_DISCOVERY_SESSION_KEYS_FAIL)) {
		login_error_set(e, ISCSI_LOGIN_STATUS_INIT_ERR,
				"%s in a discovery session", kv->key);
		return -1;
	}
	if (rc == 1) {
		over_offer(c, kv, ans, sizeof(ans));
		answer_defects(c, k, kv, mine, ans, sizeof(ans));
		if (iscsi_text_add(out, kv->key, ans) < 0) {
			login_error_set(e, ISCSI_LOGIN_STATUS_NO_RESOURCES,
					"no memory for the response");
			return -1;
		}
	}
	apply_outcome(ls, k, kv, ans, rc, ctx.protocol_error);
	return 0;
}

/* Keys whose outcome others depend on go first (§13.14 needs
 * MaxBurstLength, InitialR2T and ImmediateData). */
static bool goes_first(const char *key)
{
	return strcmp(key, "MaxBurstLength") == 0 ||
	       strcmp(key, "InitialR2T") == 0 ||
	       strcmp(key, "ImmediateData") == 0;
}

static int negotiate_pass(struct tgt_conn *c, struct login_state *ls,
			  const struct iscsi_text *in, struct iscsi_text *out,
			  bool first, struct login_error *e)
{
	for (size_t i = 0; i < in->n; i++) {
		const struct iscsi_kv *kv = &in->kv[i];
		struct login_offer *o;

		if (goes_first(kv->key) != first)
			continue;
		if (login_key_is_security(kv->key)) {
			/* §12.1: security keys belong to the security
			 * stage; login_auth.c answers them there. */
			if (ls->stage == ISCSI_STAGE_SECURITY)
				continue;
			login_error_set(e, ISCSI_LOGIN_STATUS_AUTH_FAILED,
					"%s in the operational stage (§12.1)",
					kv->key);
			return -1;
		}
		if (identity_key(kv->key)) {
			if (identity_again(c, ls, kv, e) < 0)
				return -1;
			continue;
		}
		o = find_offer(ls, kv->key);
		if (o) {
			if (judge_answer(c, ls, o, kv->value, e) < 0)
				return -1;
			ls->noffers--;
			continue;
		}
		if (negotiate_one(c, ls, kv, out, e) < 0)
			return -1;
	}
	return 0;
}

int login_keys_negotiate(struct tgt_conn *c, struct login_state *ls,
			 const struct iscsi_text *in, struct iscsi_text *out,
			 struct login_error *e)
{
	if (negotiate_pass(c, ls, in, out, true, e) < 0 ||
	    negotiate_pass(c, ls, in, out, false, e) < 0)
		return -1;
	/* §6.2: an offer is answered in the next request; silence is
	 * judged as such. */
	for (unsigned i = 0; i < LOGIN_MAX_OFFERS && ls->noffers; i++) {
		if (!ls->offers[i].k)
			continue;
		if (judge_answer(c, ls, &ls->offers[i], NULL, e) < 0)
			return -1;
		ls->noffers--;
	}
	/* §13.14: FirstBurstLength never above MaxBurstLength */
	if (ls->params.first_burst > ls->params.max_burst)
		ls->params.first_burst = ls->params.max_burst;
	return 0;
}

/* ---- the target's own offers and declarations ------------------------ */

static bool offerable(const struct login_state *ls,
		      const struct iscsi_key_def *k)
{
	struct iscsi_negctx ctx;

	if (k->rule == &iscsi_rule_declare ||
	    (k->flags & (ISCSI_KF_PRIVATE | ISCSI_KF_OBSOLETE |
			 ISCSI_KF_OPTIONAL)) ||
	    k->use == ISCSI_USE_SEC || k->use == ISCSI_USE_FFPO ||
	    !(k->senders & ISCSI_SND_TARGET))
		return false;
	if (key_index(k) >= LOGIN_MAX_KEYS || ls->seen[key_index(k)])
		return false;
	iscsi_negctx_init(&ctx);
	ctx.discovery = ls->discovery;
	ctx.leading = ls->leading;
	ctx.initial_r2t = ls->params.initial_r2t;
	ctx.immediate_data = ls->params.immediate_data;
	if (iscsi_key_irrelevant(k, &ctx))
		return false;
	return iscsi_key_phase_check(k, &ctx, NULL, 0) == 0;
}

unsigned login_keys_offer(struct tgt_conn *c, struct login_state *ls,
			  struct iscsi_text *out)
{
	const struct tgt_target *tc = ls->target ? ls->target->cfg : NULL;
	unsigned n = 0;

	for (size_t i = 0; i < iscsi_key_count() && n < LOGIN_MAX_OFFERS;
	     i++) {
		const struct iscsi_key_def *k = iscsi_key_at(i);
		const char *v;

		if (!offerable(ls, k))
			continue;
		/* only what was configured and differs from §13's default */
		v = config_key(&c->srv->cfg, tc, k->name);
		if (!v || (k->def && strcmp(v, k->def) == 0))
			continue;
		if (iscsi_text_add(out, k->name, v) < 0)
			break;
		ls->offers[n].k = k;
		snprintf(ls->offers[n].value, sizeof(ls->offers[n].value),
			 "%s", v);
		ls->seen[i] = true;
		n++;
	}
	ls->noffers = n;
	return n;
}

int login_keys_declare_mrdsl(struct tgt_conn *c, struct login_state *ls,
			     struct iscsi_text *out)
{
	const struct tgt_target *tc = ls->target ? ls->target->cfg : NULL;
	const char *v = config_key(&c->srv->cfg, tc,
				   "MaxRecvDataSegmentLength");
	char buf[16];

	if (ls->mrdsl_declared)
		return 0;
	ls->mrdsl_declared = true;
	ls->target_mrdsl = v ? (uint32_t)strtoul(v, NULL, 0)
			     : LOGIN_DEFAULT_MRDSL;
	ls->params.max_recv_dsl_target = ls->target_mrdsl;
	/* §13.12: declarative, each side its own value. */
	snprintf(buf, sizeof(buf), "%u",
		 defect_on(&c->srv->defects, DEFECT_MRDSL_DECLARED_TOO_SMALL)
			 ? 256u
			 : ls->target_mrdsl);
	return iscsi_text_add(out, "MaxRecvDataSegmentLength", buf);
}
