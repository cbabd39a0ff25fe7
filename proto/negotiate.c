/* SPDX-License-Identifier: MIT */
/*
 * negotiate.c - the result functions of RFC 7143 §6.2 and §13, and the
 * two questions asked of every exchange: what must a responder answer
 * (iscsi_key_answer), and is the answer seen allowed (iscsi_key_judge).
 *
 * Decisions taken from the text, by section:
 *  §6.2    An unknown key is answered NotUnderstood; keys of this document
 *          (X- and X# extensions apart) MUST NOT be.  Reject, Irrelevant
 *          and NotUnderstood are never proposed values.  After Reject the
 *          key keeps its current value (here: the default).
 *  §6.2.1  List: the answer is the first offered value the responder
 *          supports; a value not offered is a protocol error; "None" only
 *          if offered; no usable value: Reject (or end the negotiation).
 *  §6.2.2  Simple values: the answer follows the key's result function;
 *          a value outside the rule is a protocol error.  Booleans: the
 *          answer is optional only for AND offered No and OR offered Yes.
 *          An inadmissible offer (malformed, out of range) may be
 *          answered Reject; an admissible one leaves Reject no room for a
 *          Boolean or numeric key, so we judge it illegal there.
 *  §13.25  IFMarker/OFMarker: SHOULD Reject, MAY No; IFMarkInt/OFMarkInt:
 *          MUST Reject; for all four a responder MUST NOT answer
 *          NotUnderstood.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "keys.h"

static void note(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void note(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (!buf || !len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

/* Copy s into out; -1 if it does not fit. */
static int put(char *out, size_t len, const char *s)
{
	size_t n = strlen(s);

	if (!out || n >= len)
		return -1;
	memcpy(out, s, n + 1);
	return 0;
}

static int put_num(char *out, size_t len, uint64_t x)
{
	int n = snprintf(out, len, "%llu", (unsigned long long)x);

	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* A number the caller supplied as its own value (mine). */
static int mine_number(const struct iscsi_key_def *k, const char *mine,
		       struct iscsi_negctx *ctx, uint64_t *out)
{
	if (iscsi_value_number(mine, out, NULL, 0) < 0 || *out < k->min ||
	    *out > k->max) {
		note(ctx->note, sizeof(ctx->note),
		     "own value %s=\"%.32s\" is not in %llu..%llu", k->name,
		     mine, (unsigned long long)k->min,
		     (unsigned long long)k->max);
		return -1;
	}
	return 0;
}

/* ---- Minimum / Maximum (§6.2.2) --------------------------------------- */

static int answer_minmax(const struct iscsi_key_def *k, const char *offer,
			 const char *mine, struct iscsi_negctx *ctx, char *ans,
			 size_t len, bool is_min)
{
	uint64_t x, m, a;

	if (iscsi_value_number(offer, &x, NULL, 0) < 0 ||
	    mine_number(k, mine, ctx, &m) < 0)
		return -1;
	a = is_min ? (x < m ? x : m) : (x > m ? x : m);
	/* §13.14: FirstBurstLength MUST NOT exceed MaxBurstLength. */
	if ((k->flags & ISCSI_KF_LE_MBL) && ctx->max_burst &&
	    a > ctx->max_burst)
		a = ctx->max_burst;
	return put_num(ans, len, a) < 0 ? -1 : 1;
}

static int answer_min(const struct iscsi_key_def *k, const char *offer,
		      const char *mine, struct iscsi_negctx *ctx, char *ans,
		      size_t len)
{
	return answer_minmax(k, offer, mine, ctx, ans, len, true);
}

static int answer_max(const struct iscsi_key_def *k, const char *offer,
		      const char *mine, struct iscsi_negctx *ctx, char *ans,
		      size_t len)
{
	return answer_minmax(k, offer, mine, ctx, ans, len, false);
}

static enum iscsi_neg_verdict judge_minmax(const struct iscsi_key_def *k,
					   const char *offer,
					   const char *answer, char *result,
					   size_t len, char *why, size_t whylen,
					   bool is_min)
{
	uint64_t x, a;

	iscsi_value_number(offer, &x, NULL, 0);
	iscsi_value_number(answer, &a, NULL, 0);
	if (is_min ? a > x : a < x) {
		note(why, whylen,
		     "%s answered %s to an offer of %s: result function is "
		     "%s (§%s, §6.2.2)",
		     k->name, answer, offer, is_min ? "Minimum" : "Maximum",
		     k->section);
		return ISCSI_NEG_ILLEGAL;
	}
	put(result, len, answer);
	return ISCSI_NEG_OK;
}

static enum iscsi_neg_verdict judge_min(const struct iscsi_key_def *k,
					const char *offer, const char *answer,
					char *result, size_t len, char *why,
					size_t whylen)
{
	return judge_minmax(k, offer, answer, result, len, why, whylen, true);
}

static enum iscsi_neg_verdict judge_max(const struct iscsi_key_def *k,
					const char *offer, const char *answer,
					char *result, size_t len, char *why,
					size_t whylen)
{
	return judge_minmax(k, offer, answer, result, len, why, whylen, false);
}

/* ---- OR / AND (§6.2.2) ------------------------------------------------- */

static int answer_bool(const struct iscsi_key_def *k, const char *offer,
		       const char *mine, struct iscsi_negctx *ctx, char *ans,
		       size_t len, bool is_or)
{
	bool o, m;

	iscsi_value_bool(offer, &o);
	if (iscsi_value_bool(mine, &m) < 0) {
		note(ctx->note, sizeof(ctx->note),
		     "own value %s=\"%.32s\" is not Yes or No", k->name, mine);
		return -1;
	}
	/* OR: Yes offered decides Yes; AND: No offered decides No.  The
	 * answer is then optional (§6.2.2); we send it anyway. */
	return put(ans, len, (is_or ? (o || m) : (o && m)) ? "Yes" : "No") < 0
		   ? -1
		   : 1;
}

static int answer_or(const struct iscsi_key_def *k, const char *offer,
		     const char *mine, struct iscsi_negctx *ctx, char *ans,
		     size_t len)
{
	return answer_bool(k, offer, mine, ctx, ans, len, true);
}

static int answer_and(const struct iscsi_key_def *k, const char *offer,
		      const char *mine, struct iscsi_negctx *ctx, char *ans,
		      size_t len)
{
	return answer_bool(k, offer, mine, ctx, ans, len, false);
}

static enum iscsi_neg_verdict judge_bool(const struct iscsi_key_def *k,
					 const char *offer, const char *answer,
					 char *result, size_t len, char *why,
					 size_t whylen, bool is_or)
{
	bool o, a;

	iscsi_value_bool(offer, &o);
	iscsi_value_bool(answer, &a);
	/* §6.2.2: the offer alone decides OR=Yes and AND=No. */
	if (is_or && o && !a) {
		note(why, whylen,
		     "%s=Yes offered decides the OR result; No answered "
		     "(§%s, §6.2.2)",
		     k->name, k->section);
		return ISCSI_NEG_ILLEGAL;
	}
	if (!is_or && !o && a) {
		note(why, whylen,
		     "%s=No offered decides the AND result; Yes answered "
		     "(§%s, §6.2.2)",
		     k->name, k->section);
		return ISCSI_NEG_ILLEGAL;
	}
	put(result, len, answer);
	return ISCSI_NEG_OK;
}

static enum iscsi_neg_verdict judge_or(const struct iscsi_key_def *k,
				       const char *offer, const char *answer,
				       char *result, size_t len, char *why,
				       size_t whylen)
{
	return judge_bool(k, offer, answer, result, len, why, whylen, true);
}

static enum iscsi_neg_verdict judge_and(const struct iscsi_key_def *k,
					const char *offer, const char *answer,
					char *result, size_t len, char *why,
					size_t whylen)
{
	return judge_bool(k, offer, answer, result, len, why, whylen, false);
}

/* ---- list, first acceptable (§6.2.1) ------------------------------------ */

static int answer_list(const struct iscsi_key_def *k, const char *offer,
		       const char *mine, struct iscsi_negctx *ctx, char *ans,
		       size_t len)
{
	const char *cur = offer, *it;
	size_t n;

	while (iscsi_list_next(&cur, &it, &n)) {
		if (!iscsi_list_contains(mine, it, n))
			continue;
		if (n >= len)
			return -1;
		memcpy(ans, it, n);
		ans[n] = '\0';
		return 1;
	}
	note(ctx->note, sizeof(ctx->note),
	     "no offered %s value is acceptable: Reject (§6.2.1)", k->name);
	if (k->flags & ISCSI_KF_MUST_AGREE)
		ctx->fail_login = true;
	return put(ans, len, ISCSI_REJECT) < 0 ? -1 : 1;
}

static enum iscsi_neg_verdict judge_list(const struct iscsi_key_def *k,
					 const char *offer, const char *answer,
					 char *result, size_t len, char *why,
					 size_t whylen)
{
	if (strchr(answer, ',')) {
		note(why, whylen,
		     "%s answered with a list \"%.48s\"; one value is due "
		     "(§6.2.1)",
		     k->name, answer);
		return ISCSI_NEG_ILLEGAL;
	}
	if (!iscsi_list_contains(offer, answer, strlen(answer))) {
		note(why, whylen,
		     "%s=%.48s was not offered (\"%.64s\"): a value not "
		     "proposed is a protocol error (§6.2.1)",
		     k->name, answer, offer);
		return ISCSI_NEG_ILLEGAL;
	}
	put(result, len, answer);
	return ISCSI_NEG_OK;
}

/* ---- RFC 3720 marker intervals: a number within the offered range ----- */

static int answer_range(const struct iscsi_key_def *k, const char *offer,
			const char *mine, struct iscsi_negctx *ctx, char *ans,
			size_t len)
{
	uint64_t lo, hi, m;

	iscsi_value_range(offer, &lo, &hi, NULL, 0);
	if (mine_number(k, mine, ctx, &m) < 0)
		return -1;
	m = m < lo ? lo : m > hi ? hi : m;
	return put_num(ans, len, m) < 0 ? -1 : 1;
}

static enum iscsi_neg_verdict judge_range(const struct iscsi_key_def *k,
					  const char *offer, const char *answer,
					  char *result, size_t len, char *why,
					  size_t whylen)
{
	uint64_t lo, hi, a;

	iscsi_value_range(offer, &lo, &hi, NULL, 0);
	if (iscsi_value_number(answer, &a, NULL, 0) < 0 || a < lo || a > hi) {
		note(why, whylen, "%s=%.32s is not a number within %s", k->name,
		     answer, offer);
		return ISCSI_NEG_ILLEGAL;
	}
	put(result, len, answer);
	return ISCSI_NEG_OK;
}

/* ---- declarative: nothing to answer, the declaration stands ------------ */

static int answer_declare(const struct iscsi_key_def *k, const char *offer,
			  const char *mine, struct iscsi_negctx *ctx, char *ans,
			  size_t len)
{
	(void)k;
	(void)offer;
	(void)mine;
	(void)ctx;
	if (len)
		ans[0] = '\0';
	return 0;
}

static enum iscsi_neg_verdict judge_declare(const struct iscsi_key_def *k,
					    const char *offer,
					    const char *answer, char *result,
					    size_t len, char *why,
					    size_t whylen)
{
	(void)k;
	(void)answer;
	(void)why;
	(void)whylen;
	put(result, len, offer);
	return ISCSI_NEG_OK;
}

const struct iscsi_rule iscsi_rule_min = {"min", answer_min, judge_min};
const struct iscsi_rule iscsi_rule_max = {"max", answer_max, judge_max};
const struct iscsi_rule iscsi_rule_or = {"or", answer_or, judge_or};
const struct iscsi_rule iscsi_rule_and = {"and", answer_and, judge_and};
const struct iscsi_rule iscsi_rule_list_first = {"list-first", answer_list,
						 judge_list};
const struct iscsi_rule iscsi_rule_declare = {"declare", answer_declare,
					      judge_declare};
const struct iscsi_rule iscsi_rule_range = {"range", answer_range, judge_range};

/* ---- the responder --------------------------------------------------- */

static unsigned offerer(const struct iscsi_negctx *ctx)
{
	return ctx->responder_is_target ? ISCSI_SND_INITIATOR
					: ISCSI_SND_TARGET;
}

static unsigned responder(const struct iscsi_negctx *ctx)
{
	return ctx->responder_is_target ? ISCSI_SND_TARGET
					: ISCSI_SND_INITIATOR;
}

/* 0 if the offer is admissible; else -1, the fault in why, and *phase
 * set when the fault is who sent it or when (not what was sent). */
static int offer_fault(const struct iscsi_key_def *k, const char *offer,
		       const struct iscsi_negctx *ctx, char *why, size_t whylen,
		       bool *phase)
{
	*phase = false;
	if (iscsi_value_special(offer) != ISCSI_VAL_PLAIN) {
		note(why, whylen,
		     "%s=%s: Reject, Irrelevant and NotUnderstood are not "
		     "proposed values (§6.2)",
		     k->name, offer);
		return -1;
	}
	if (!(k->senders & offerer(ctx))) {
		note(why, whylen, "%s is not sent by the %s (§%s)", k->name,
		     ctx->responder_is_target ? "initiator" : "target",
		     k->section);
		*phase = true;
		return -1;
	}
	if (iscsi_key_phase_check(k, ctx, why, whylen) < 0) {
		*phase = true;
		return -1;
	}
	return iscsi_key_value_check(k, offer, why, whylen);
}

static int reject(char *answer, size_t len)
{
	return put(answer, len, ISCSI_REJECT) < 0 ? -1 : 1;
}

static const char *default_mine(const struct iscsi_key_def *k)
{
	if (k->type == ISCSI_KT_LIST || k->type == ISCSI_KT_NUMBER_LIST)
		return k->values ? k->values : "";
	return k->def ? k->def : "";
}

int iscsi_key_answer(const struct iscsi_key_def *k, const char *offer,
		     const char *mine, struct iscsi_negctx *ctx, char *answer,
		     size_t len)
{
	bool phase;

	ctx->protocol_error = false;
	ctx->fail_login = false;
	ctx->note[0] = '\0';
	if (!k || (k->flags & ISCSI_KF_PRIVATE)) {
		/* §6.2: a key not understood MUST be answered so. */
		note(ctx->note, sizeof(ctx->note),
		     "key not understood: NotUnderstood (§6.2)");
		return put(answer, len, ISCSI_NOT_UNDERSTOOD) < 0 ? -1 : 1;
	}
	if (k->flags & ISCSI_KF_OBSOLETE) {
		note(ctx->note, sizeof(ctx->note),
		     "%s is obsolete: Reject (§13.25)", k->name);
		return reject(answer, len);
	}
	if (offer_fault(k, offer, ctx, ctx->note, sizeof(ctx->note), &phase) <
	    0) {
		ctx->protocol_error = true;
		/* A bad declaration leaves nothing to negotiate on. */
		if ((k->flags & ISCSI_KF_DECLARATIVE) && !phase)
			ctx->fail_login = true;
		return reject(answer, len);
	}
	if (iscsi_key_irrelevant(k, ctx)) {
		note(ctx->note, sizeof(ctx->note),
		     "%s is irrelevant here: Irrelevant (§%s)", k->name,
		     k->section);
		return put(answer, len, ISCSI_IRRELEVANT) < 0 ? -1 : 1;
	}
	if (!mine)
		mine = default_mine(k);
	return k->rule->answer(k, offer, mine, ctx, answer, len);
}

/* ---- the judge ------------------------------------------------------- */

static enum iscsi_neg_verdict judge_obsolete(const struct iscsi_key_def *k,
					     const char *answer, char *result,
					     size_t len, char *why,
					     size_t whylen)
{
	bool markint = k->type == ISCSI_KT_RANGE;

	put(result, len, k->def);
	if (answer && strcmp(answer, ISCSI_REJECT) == 0)
		return ISCSI_NEG_OK;
	if (answer && iscsi_value_special(answer) == ISCSI_VAL_NOT_UNDERSTOOD) {
		note(why, whylen,
		     "%s MUST NOT be answered NotUnderstood (§13.25)",
		     k->name);
		return ISCSI_NEG_ILLEGAL;
	}
	if (markint) {
		note(why, whylen,
		     "%s MUST be answered Reject, got %.32s "
		     "(§13.25)",
		     k->name, answer ? answer : "no answer");
		return ISCSI_NEG_ILLEGAL;
	}
	if (answer && strcmp(answer, "No") == 0)
		return ISCSI_NEG_OK; /* §13.25: MAY answer No */
	if (answer && strcmp(answer, "Yes") == 0) {
		note(why, whylen,
		     "%s=Yes: markers are obsolete; Reject or "
		     "No is due (§13.25)",
		     k->name);
		return ISCSI_NEG_ILLEGAL;
	}
	if (answer && iscsi_value_special(answer) == ISCSI_VAL_PLAIN) {
		note(why, whylen, "%s=%.32s is not a boolean (§13.25)", k->name,
		     answer);
		return ISCSI_NEG_ILLEGAL;
	}
	note(why, whylen,
	     "%s SHOULD be answered Reject (or No), got %.32s "
	     "(§13.25)",
	     k->name, answer ? answer : "no answer");
	return ISCSI_NEG_WARN;
}

/* The offer was not admissible: what may the responder do? */
static enum iscsi_neg_verdict judge_bad_offer(const struct iscsi_key_def *k,
					      const char *answer, bool phase,
					      const char *fault, char *result,
					      size_t len, char *why,
					      size_t whylen)
{
	char err[128];

	put(result, len, k->def ? k->def : "");
	if (!answer) {
		if (k->flags & ISCSI_KF_DECLARATIVE)
			return ISCSI_NEG_OK;
		note(why, whylen,
		     "no answer to an inadmissible offer (%s); "
		     "Reject is due (§6.2)",
		     fault);
		return ISCSI_NEG_ILLEGAL;
	}
	switch (iscsi_value_special(answer)) {
	case ISCSI_VAL_REJECT:
		return ISCSI_NEG_OK;
	case ISCSI_VAL_IRRELEVANT:
		if (phase)
			return ISCSI_NEG_OK;
		note(why, whylen,
		     "Irrelevant answered to an inadmissible "
		     "offer (%s); Reject is due (§6.2)",
		     fault);
		return ISCSI_NEG_ILLEGAL;
	case ISCSI_VAL_NOT_UNDERSTOOD:
		note(why, whylen,
		     "%s MUST NOT be answered NotUnderstood "
		     "(§6.2)",
		     k->name);
		return ISCSI_NEG_ILLEGAL;
	case ISCSI_VAL_PLAIN:
		break;
	}
	if (phase) {
		note(why, whylen, "%s negotiated where it is not allowed (%s)",
		     k->name, fault);
		return ISCSI_NEG_ILLEGAL;
	}
	if (iscsi_key_value_check(k, answer, err, sizeof(err)) < 0) {
		note(why, whylen,
		     "answer to an inadmissible offer is itself "
		     "invalid: %s",
		     err);
		return ISCSI_NEG_ILLEGAL;
	}
	put(result, len, answer);
	note(why, whylen,
	     "inadmissible offer (%s) answered with a value; "
	     "Reject is expected (§6.2.2)",
	     fault);
	return ISCSI_NEG_WARN;
}

/* No answer to an admissible offer. */
static enum iscsi_neg_verdict judge_silence(const struct iscsi_key_def *k,
					    const char *offer, char *result,
					    size_t len, char *why,
					    size_t whylen)
{
	put(result, len, offer);
	if (k->flags & ISCSI_KF_DECLARATIVE)
		return ISCSI_NEG_OK;
	/* §6.2.2: optional only when the offer decides the outcome. */
	if ((k->rule == &iscsi_rule_or && strcmp(offer, "Yes") == 0) ||
	    (k->rule == &iscsi_rule_and && strcmp(offer, "No") == 0))
		return ISCSI_NEG_OK;
	put(result, len, "");
	note(why, whylen, "%s=%.32s offered and not answered (§6.2, §6.2.2)",
	     k->name, offer);
	return ISCSI_NEG_ILLEGAL;
}

static enum iscsi_neg_verdict judge_reserved(const struct iscsi_key_def *k,
					     const char *answer,
					     const struct iscsi_negctx *ctx,
					     char *result, size_t len,
					     char *why, size_t whylen)
{
	put(result, len, k->def ? k->def : "");
	switch (iscsi_value_special(answer)) {
	case ISCSI_VAL_NOT_UNDERSTOOD:
		if (k->flags & ISCSI_KF_OPTIONAL) {
			put(result, len, "");
			return ISCSI_NEG_OK;
		}
		note(why, whylen,
		     "%s MUST NOT be answered NotUnderstood "
		     "(§6.2)",
		     k->name);
		return ISCSI_NEG_ILLEGAL;
	case ISCSI_VAL_IRRELEVANT:
		if (iscsi_key_irrelevant(k, ctx))
			return ISCSI_NEG_OK;
		note(why, whylen,
		     "%s answered Irrelevant where it is "
		     "relevant (§%s, §6.2)",
		     k->name, k->section);
		return ISCSI_NEG_ILLEGAL;
	case ISCSI_VAL_REJECT:
		break;
	case ISCSI_VAL_PLAIN:
		return ISCSI_NEG_OK;
	}
	if (k->rule == &iscsi_rule_list_first) {
		if (!(k->flags & ISCSI_KF_MUST_AGREE))
			return ISCSI_NEG_OK; /* §6.2: key keeps its value */
		note(why, whylen, "no common %s: the login cannot go on (§%s)",
		     k->name, k->section);
		return ISCSI_NEG_FAILED;
	}
	note(why, whylen,
	     "%s: an admissible offer leaves no room for "
	     "Reject; the rule selects a value (§6.2.2)",
	     k->name);
	return ISCSI_NEG_ILLEGAL;
}

static enum iscsi_neg_verdict judge_plain(const struct iscsi_key_def *k,
					  const char *offer, const char *answer,
					  const struct iscsi_negctx *ctx,
					  char *result, size_t len, char *why,
					  size_t whylen)
{
	char err[160];
	enum iscsi_neg_verdict v;

	if (!(k->senders & responder(ctx))) {
		note(why, whylen, "%s is not sent by the %s (§%s)", k->name,
		     ctx->responder_is_target ? "target" : "initiator",
		     k->section);
		return ISCSI_NEG_ILLEGAL;
	}
	if (iscsi_key_value_check(k, answer, err, sizeof(err)) < 0) {
		note(why, whylen, "invalid answer: %s", err);
		return ISCSI_NEG_ILLEGAL;
	}
	v = k->rule->judge(k, offer, answer, result, len, why, whylen);
	if (v != ISCSI_NEG_OK)
		return v;
	if ((k->flags & ISCSI_KF_LE_MBL) && ctx->max_burst) {
		uint64_t a;

		iscsi_value_number(answer, &a, NULL, 0);
		if (a > ctx->max_burst) {
			note(why, whylen,
			     "%s=%s exceeds MaxBurstLength=%llu (§13.14)",
			     k->name, answer,
			     (unsigned long long)ctx->max_burst);
			return ISCSI_NEG_ILLEGAL;
		}
	}
	return ISCSI_NEG_OK;
}

int iscsi_key_judge(const struct iscsi_key_def *k, const char *offer,
		    const char *answer, const struct iscsi_negctx *ctx,
		    char *result, size_t len, char *why, size_t whylen)
{
	char fault[160];
	bool phase;

	if (why && whylen)
		why[0] = '\0';
	if (!result || !len)
		return -1;
	result[0] = '\0';
	if (!k || (k->flags & ISCSI_KF_PRIVATE)) {
		/* Keys we do not know: whatever the peer knows of them. */
		if (answer && iscsi_value_special(answer) == ISCSI_VAL_PLAIN &&
		    put(result, len, answer) < 0)
			return -1;
		return ISCSI_NEG_OK;
	}
	if (k->flags & ISCSI_KF_OBSOLETE)
		return judge_obsolete(k, answer, result, len, why, whylen);
	if (offer_fault(k, offer, ctx, fault, sizeof(fault), &phase) < 0)
		return judge_bad_offer(k, answer, phase, fault, result, len,
				       why, whylen);
	if (strlen(offer) >= len || (answer && strlen(answer) >= len))
		return -1;
	if (!answer)
		return judge_silence(k, offer, result, len, why, whylen);
	if (iscsi_value_special(answer) != ISCSI_VAL_PLAIN)
		return judge_reserved(k, answer, ctx, result, len, why, whylen);
	return judge_plain(k, offer, answer, ctx, result, len, why, whylen);
}
