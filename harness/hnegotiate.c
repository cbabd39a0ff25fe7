/* SPDX-License-Identifier: MIT */
/*
 * hnegotiate.c - what the well-behaved initiator offers in the operational
 * stage, how it answers keys the target offers, and the judgement of every
 * answer the target gives (proto/keys.h iscsi_key_judge), folded into the
 * session's mine/peer/agreed parameter sets.
 */
#include <stdio.h>
#include <string.h>

#include "engine_int.h"

static const char *yes_no(enum cts_tri v, bool dflt)
{
	if (v == CTS_DEFAULT)
		return dflt ? "Yes" : "No";
	return v == CTS_YES ? "Yes" : "No";
}

static const char *digest_offer(enum cts_tri v, bool either)
{
	if (v != CTS_YES)
		return "None";
	return either ? "CRC32C,None" : "CRC32C";
}

static int add_num(struct iscsi_text *t, const char *key, uint32_t v)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%u", v);
	return iscsi_text_add(t, key, buf);
}

/* Keys of `extra` replace ours of the same name; the rest are appended. */
static int add_or_extra(struct iscsi_text *t, const struct iscsi_text *extra,
			const char *key, const char *v)
{
	if (extra && iscsi_text_find(extra, key))
		return 0;
	return iscsi_text_add(t, key, v);
}

static int add_num_or_extra(struct iscsi_text *t,
			    const struct iscsi_text *extra, const char *key,
			    uint32_t v)
{
	if (extra && iscsi_text_find(extra, key))
		return 0;
	return add_num(t, key, v);
}

int cts_neg_offer(struct cts_session *s, const struct cts_login_opts *o,
		  bool leading, struct iscsi_text *out)
{
	const struct iscsi_text *x = o->extra;
	int rc = 0;

	rc |= add_or_extra(out, x, "HeaderDigest",
			   digest_offer(o->header_digest, o->digest_either));
	rc |= add_or_extra(out, x, "DataDigest",
			   digest_offer(o->data_digest, o->digest_either));
	rc |= add_num_or_extra(out, x, "MaxRecvDataSegmentLength",
			       o->max_recv_dsl ? o->max_recv_dsl :
						 CTS_LOGIN_MRDSL_DEFAULT);
	/* §13: the session-wide keys are leading-only; most are irrelevant
	 * in a discovery session */
	if (leading && !s->discovery) {
		rc |= add_num_or_extra(out, x, "MaxConnections",
				       o->max_connections ?
					       o->max_connections :
					       CTS_SESSION_CONNS_MAX);
		rc |= add_or_extra(out, x, "InitialR2T",
				   yes_no(o->initial_r2t, false));
		rc |= add_or_extra(out, x, "ImmediateData",
				   yes_no(o->immediate_data, true));
		rc |= add_num_or_extra(out, x, "MaxBurstLength",
				       o->max_burst ? o->max_burst : 262144u);
		rc |= add_num_or_extra(out, x, "FirstBurstLength",
				       o->first_burst ? o->first_burst :
							65536u);
		rc |= add_num_or_extra(out, x, "DefaultTime2Wait",
				       o->have_time2wait ?
					       o->default_time2wait :
					       2u);
		rc |= add_num_or_extra(out, x, "DefaultTime2Retain",
				       o->have_time2retain ?
					       o->default_time2retain :
					       20u);
		rc |= add_num_or_extra(out, x, "MaxOutstandingR2T",
				       o->max_outstanding_r2t ?
					       o->max_outstanding_r2t :
					       1u);
		rc |= add_or_extra(out, x, "DataPDUInOrder",
				   yes_no(o->data_pdu_in_order, true));
		rc |= add_or_extra(out, x, "DataSequenceInOrder",
				   yes_no(o->data_sequence_in_order, true));
		rc |= add_num_or_extra(out, x, "ErrorRecoveryLevel", o->erl);
	}
	for (size_t i = 0; x && i < x->n; i++)
		rc |= iscsi_text_add(out, x->kv[i].key, x->kv[i].value);
	/* what we declare and offer is "mine" */
	for (size_t i = 0; i < out->n; i++)
		if (!strchr(out->kv[i].value, ','))
			iscsi_params_apply(&s->mine, out->kv[i].key,
					   out->kv[i].value, true, NULL, 0);
	s->mine.header_digest = o->header_digest == CTS_YES;
	s->mine.data_digest = o->data_digest == CTS_YES;
	return rc ? -1 : 0;
}

static void negctx_of(const struct cts_session *s,
		      enum iscsi_login_stage stage, bool leading,
		      bool target_responds, struct iscsi_negctx *n)
{
	iscsi_negctx_init(n);
	n->discovery = s->discovery;
	n->leading = leading;
	n->stage = stage;
	n->responder_is_target = target_responds;
	n->initial_r2t = s->agreed.initial_r2t;
	n->immediate_data = s->agreed.immediate_data;
	n->max_burst = s->agreed.max_burst;
}

static bool is_chap_key(const char *key)
{
	return strncmp(key, "CHAP_", 5) == 0;
}

static bool declarative(const char *key)
{
	const struct iscsi_key_def *k = iscsi_key_find(key);

	return k && (k->flags & ISCSI_KF_DECLARATIVE);
}

static void judge_one(struct cts_session *s, const struct iscsi_kv *kv,
		      const char *answer, enum iscsi_login_stage stage,
		      bool leading)
{
	const struct iscsi_key_def *k = iscsi_key_find(kv->key);
	struct cts_judged *j;
	struct iscsi_negctx n;

	if (s->njudged >= CTS_JUDGED_MAX)
		return;
	j = &s->judged[s->njudged++];
	memset(j, 0, sizeof(*j));
	snprintf(j->key, sizeof(j->key), "%s", kv->key);
	snprintf(j->offer, sizeof(j->offer), "%s", kv->value);
	j->answered = answer != NULL;
	if (answer)
		snprintf(j->answer, sizeof(j->answer), "%s", answer);
	j->stage = stage;
	negctx_of(s, stage, leading, true, &n);
	j->verdict = iscsi_key_judge(k, kv->value, answer, &n, j->result,
				     sizeof(j->result), j->why,
				     sizeof(j->why));
	if (j->verdict == ISCSI_NEG_OK || j->verdict == ISCSI_NEG_WARN) {
		if (j->result[0])
			iscsi_params_apply(&s->agreed, kv->key, j->result, true,
					   NULL, 0);
	}
	if (answer && iscsi_value_special(answer) == ISCSI_VAL_PLAIN)
		iscsi_params_apply(&s->peer, kv->key, answer, false, NULL, 0);
}

void cts_neg_judge(struct cts_session *s, const struct iscsi_text *offered,
		   const struct iscsi_text *answers, enum iscsi_login_stage stage,
		   bool leading)
{
	for (size_t i = 0; i < offered->n; i++) {
		const struct iscsi_kv *kv = &offered->kv[i];

		if (is_chap_key(kv->key))
			continue;
		if (declarative(kv->key)) {
			/* a declaration is not answered (§6.2) */
			judge_one(s, kv, NULL, stage, leading);
			iscsi_params_apply(&s->agreed, kv->key, kv->value,
					   true, NULL, 0);
			continue;
		}
		judge_one(s, kv, iscsi_text_find(answers, kv->key), stage,
			  leading);
	}
	/* the target's own declarations: MaxRecvDataSegmentLength (§13.12),
	 * TargetAlias, TargetPortalGroupTag ... */
	for (size_t i = 0; i < answers->n; i++) {
		const struct iscsi_kv *kv = &answers->kv[i];

		if (!declarative(kv->key))
			continue;
		iscsi_params_apply(&s->agreed, kv->key, kv->value, false, NULL,
				   0);
		iscsi_params_apply(&s->peer, kv->key, kv->value, false, NULL,
				   0);
	}
	/* a target that declared nothing keeps the default (§13.12) */
}

int cts_neg_respond(struct cts_session *s, const struct cts_login_opts *o,
		    const struct iscsi_text *offered,
		    const struct iscsi_text *rsp, struct iscsi_text *out)
{
	struct iscsi_text mine;
	int rc = 0;

	iscsi_text_init(&mine);
	cts_neg_offer(s, o, s->tsih == 0, &mine);
	for (size_t i = 0; i < rsp->n; i++) {
		const struct iscsi_kv *kv = &rsp->kv[i];
		const struct iscsi_key_def *k = iscsi_key_find(kv->key);
		struct iscsi_negctx n;
		char ans[ISCSI_VALUE_MAX + 1];
		const char *my;

		if (iscsi_text_find(offered, kv->key) || is_chap_key(kv->key) ||
		    iscsi_text_find(out, kv->key))
			continue;
		if (iscsi_value_special(kv->value) != ISCSI_VAL_PLAIN)
			continue;
		my = iscsi_text_find(&mine, kv->key);
		negctx_of(s, ISCSI_STAGE_OPERATIONAL, s->tsih == 0, false, &n);
		if (iscsi_key_answer(k, kv->value, my, &n, ans, sizeof(ans)) !=
		    1)
			continue;
		rc |= iscsi_text_add(out, kv->key, ans);
		iscsi_params_apply(&s->peer, kv->key, kv->value, false, NULL,
				   0);
		iscsi_params_apply(&s->agreed, kv->key, ans, true, NULL, 0);
	}
	iscsi_text_free(&mine);
	return rc ? -1 : 0;
}
