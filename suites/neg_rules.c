/* SPDX-License-Identifier: MIT */
/*
 * neg_rules.c - negotiation rules that hold across keys (RFC 7143 §6.1,
 * §6.2, §6.3, §13): NotUnderstood for unknown and X- keys, the obsolete
 * marker keys (§13.25), Reject for out-of-range and malformed values,
 * numbers in hex, a key negotiated twice, FirstBurstLength against
 * MaxBurstLength (§13.14), session keys in a discovery session, and the
 * judgement of every answer of a well-behaved login.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "s1_util.h"

/* A login offering keys; the answers in ans.  0 in full feature phase,
 * a status when refused, -1 after a verdict. */
static int offer_keys(struct cts_ctx *ctx, bool discovery,
		      const struct iscsi_text *k, struct iscsi_text *ans)
{
	const struct iscsi_url *u = discovery ? s1_url(ctx, S1_DISCOVERY)
					      : NULL;

	return s1_login(ctx, u, discovery, k, ans, NULL);
}

/* key=value must be answered `want` (or `alt` when not NULL), and the
 * login must reach full feature phase. */
static void want_answer(struct cts_ctx *ctx, const char *kv,
			const char *want, const char *alt)
{
	struct iscsi_text k, ans;
	const char *key_end = strchr(kv, '=');
	char key[ISCSI_KEY_NAME_MAX + 1], e[128], s[48];
	const char *a;
	int rc;

	snprintf(key, sizeof(key), "%.*s", (int)(key_end - kv), kv);
	iscsi_text_init(&k);
	iscsi_text_init(&ans);
	s1_keys(&k, kv, NULL);
	rc = offer_keys(ctx, false, &k, &ans);
	a = iscsi_text_find(&ans, key);
	snprintf(e, sizeof(e), "%s=%s%s%s, login going on", key, want,
		 alt ? " or " : "", alt ? alt : "");
	if (rc > 0) {
		s1_status_str((uint16_t)rc, s, sizeof(s));
		cts_fail(ctx, e, s, "login offering %s", kv);
	} else if (rc == 0 &&
		   (!a || (strcmp(a, want) != 0 &&
			   (!alt || strcmp(a, alt) != 0)))) {
		cts_fail(ctx, e, a ? a : "no answer",
			 "Login Response to %s", kv);
	} else if (rc == 0) {
		cts_note(ctx, "%s answered %s", kv, a);
	}
	iscsi_text_free(&k);
	iscsi_text_free(&ans);
}

CTS_TEST_D(neg_unknown, "neg.unknown.not-understood", "7143 6.2", CTS_MUST,
	   "an unknown key is answered NotUnderstood and the login goes on",
	   "unknown-key-ignored")
{
	want_answer(ctx, "CtsNoSuchKey=maybe", ISCSI_NOT_UNDERSTOOD, NULL);
}

CTS_TEST_D(neg_xkey, "neg.unknown.private-x-key", "7143 13.22", CTS_MUST,
	   "a private X- key the target does not implement is answered "
	   "NotUnderstood",
	   "private-key-ignored")
{
	want_answer(ctx, "X-org.iscsi-cts.private=1", ISCSI_NOT_UNDERSTOOD,
		    NULL);
}

CTS_TEST_D(neg_xhash, "neg.unknown.public-x-hash-key", "7143 6.2",
	   CTS_MUST, "an unregistered X# key is answered NotUnderstood",
	   "unknown-key-ignored")
{
	want_answer(ctx, "X#CtsUnregistered=1", ISCSI_NOT_UNDERSTOOD, NULL);
}

CTS_TEST_D(neg_ofmarker, "neg.obsolete.ofmarker", "7143 13.25", CTS_MUST,
	   "OFMarker (obsolete) is answered Reject or No, never NotUnderstood",
	   "obsolete-not-understood")
{
	want_answer(ctx, "OFMarker=No", ISCSI_REJECT, "No");
}

CTS_TEST_D(neg_ifmarker, "neg.obsolete.ifmarker", "7143 13.25", CTS_MUST,
	   "IFMarker (obsolete) is answered Reject or No, never NotUnderstood",
	   "obsolete-not-understood")
{
	want_answer(ctx, "IFMarker=No", ISCSI_REJECT, "No");
}

CTS_TEST_D(neg_ofmarkint, "neg.obsolete.ofmarkint", "7143 13.25", CTS_MUST,
	   "OFMarkInt (obsolete) is answered Reject", "obsolete-not-understood")
{
	want_answer(ctx, "OFMarkInt=2048~8192", ISCSI_REJECT, NULL);
}

CTS_TEST_D(neg_ifmarkint, "neg.obsolete.ifmarkint", "7143 13.25", CTS_MUST,
	   "IFMarkInt (obsolete) is answered Reject", "obsolete-not-understood")
{
	want_answer(ctx, "IFMarkInt=2048~8192", ISCSI_REJECT, NULL);
}

/* A value the key does not allow: Reject, or a failed login (§6.2.2). */
static void want_rejected(struct cts_ctx *ctx, const char *kv)
{
	struct iscsi_text k, ans;
	const char *eq = strchr(kv, '=');
	char key[ISCSI_KEY_NAME_MAX + 1], s[48];
	const char *a;
	int rc;

	snprintf(key, sizeof(key), "%.*s", (int)(eq - kv), kv);
	iscsi_text_init(&k);
	iscsi_text_init(&ans);
	s1_keys(&k, kv, NULL);
	rc = offer_keys(ctx, false, &k, &ans);
	a = iscsi_text_find(&ans, key);
	if (rc > 0) {
		s1_status_str((uint16_t)rc, s, sizeof(s));
		cts_note(ctx, "login refused: %s", s);
	} else if (rc == 0 && (!a || strcmp(a, ISCSI_REJECT) != 0)) {
		cts_fail(ctx, "Reject, or a failed login", a ? a : "no answer",
			 "Login Response to %s", kv);
	}
	iscsi_text_free(&k);
	iscsi_text_free(&ans);
}

CTS_TEST_D(neg_range_mbl, "neg.range.maxburstlength-below-512", "7143 13.13",
	   CTS_MUST, "MaxBurstLength=511 (range 512..2^24-1) is rejected",
	   "value-unchecked")
{
	want_rejected(ctx, "MaxBurstLength=511");
}

CTS_TEST_D(neg_range_mc, "neg.range.maxconnections-zero", "7143 13.2",
	   CTS_MUST, "MaxConnections=0 (range 1..65535) is rejected",
	   "value-unchecked")
{
	want_rejected(ctx, "MaxConnections=0");
}

CTS_TEST_D(neg_range_t2w, "neg.range.defaulttime2wait-above-3600",
	   "7143 13.15", CTS_MUST,
	   "DefaultTime2Wait=3601 (range 0..3600) is rejected",
	   "value-unchecked")
{
	want_rejected(ctx, "DefaultTime2Wait=3601");
}

CTS_TEST_D(neg_range_erl, "neg.range.errorrecoverylevel-3", "7143 13.20",
	   CTS_MUST, "ErrorRecoveryLevel=3 (range 0..2) is rejected",
	   "value-unchecked")
{
	want_rejected(ctx, "ErrorRecoveryLevel=3");
}

CTS_TEST_D(neg_range_mor2t, "neg.range.maxoutstandingr2t-zero",
	   "7143 13.17", CTS_MUST,
	   "MaxOutstandingR2T=0 (range 1..65535) is rejected",
	   "value-unchecked")
{
	want_rejected(ctx, "MaxOutstandingR2T=0");
}

CTS_TEST_D(neg_range_mrdsl, "neg.range.mrdsl-below-512", "7143 13.12",
	   CTS_MUST, "MaxRecvDataSegmentLength=511 (range 512..2^24-1) is "
		     "rejected",
	   "value-unchecked")
{
	want_rejected(ctx, "MaxRecvDataSegmentLength=511");
}

CTS_TEST_D(neg_bad_bool, "neg.malformed.boolean", "7143 6.2.2", CTS_MUST,
	   "ImmediateData=Maybe (not a boolean) is rejected",
	   "value-unchecked")
{
	want_rejected(ctx, "ImmediateData=Maybe");
}

CTS_TEST_D(neg_bad_number, "neg.malformed.number", "7143 6.2.2", CTS_MUST,
	   "MaxBurstLength=12abc (not a number) is rejected",
	   "value-unchecked")
{
	want_rejected(ctx, "MaxBurstLength=12abc");
}

CTS_TEST_D(neg_hex, "neg.number.hex-accepted", "7143 6.1", CTS_MUST,
	   "MaxBurstLength=0x200 (512 in hex) is answered 512",
	   "hex-refused")
{
	char ans[ISCSI_VALUE_MAX + 1];
	uint64_t x;
	int rc = s1_offer(ctx, NULL, false, "MaxBurstLength", "0x200", ans,
			  sizeof(ans));

	if (rc > 0)
		cts_fail(ctx, "MaxBurstLength=512", "login refused",
			 "login offering MaxBurstLength=0x200");
	else if (rc == 0 && (s1_number(ans, &x) < 0 || x != 512))
		cts_fail(ctx, "MaxBurstLength=512 (or 0x200)",
			 ans[0] ? ans : "no answer",
			 "Login Response to MaxBurstLength=0x200");
}

CTS_TEST_D(neg_dup_same, "neg.dup.same-request", "7143 6.3", CTS_MUST,
	   "a key sent twice in one Login Request fails the login "
	   "(Status-Class 2)",
	   "accept-duplicate-key")
{
	struct iscsi_text k, ans;
	char s[48];
	int rc;

	iscsi_text_init(&k);
	iscsi_text_init(&ans);
	s1_keys(&k, "MaxBurstLength=65536", "MaxBurstLength=131072", NULL);
	rc = offer_keys(ctx, false, &k, &ans);
	s1_status_str((uint16_t)(rc > 0 ? rc : 0), s, sizeof(s));
	if (rc == 0 || (rc > 0 && rc >> 8 != 2))
		cts_fail(ctx, "Status-Class 2", s,
			 "login offering MaxBurstLength twice in one request");
	else if (rc > 0)
		cts_note(ctx, "refused: %s", s);
	iscsi_text_free(&k);
	iscsi_text_free(&ans);
}

CTS_TEST_D(neg_dup_across, "neg.dup.across-requests", "7143 6.3", CTS_MUST,
	   "a key negotiated again in a later Login Request fails the login "
	   "(Status-Class 2)",
	   "accept-duplicate-key")
{
	struct s1_login *l = s1_open(ctx, NULL);
	struct iscsi_text k;

	if (!l || s1_need_operational(l) < 0)
		return;
	iscsi_text_init(&k);
	iscsi_text_add(&k, "MaxBurstLength", "65536");
	if (s1_step(l, 1, 3, false, &k, "Login Request CSG=1 T=0 with "
					"MaxBurstLength") == 0 &&
	    s1_want_status(l, 0, "first offer of MaxBurstLength") == 0 &&
	    s1_step(l, 1, 3, true, &k, "Login Request offering "
				       "MaxBurstLength again") == 0)
		s1_want_class(l, 2, "Login Response to MaxBurstLength "
				    "negotiated a second time");
	iscsi_text_free(&k);
}

/*
 * SHOULD: the offer FirstBurstLength=65536 with MaxBurstLength=512 breaks
 * §13.14 ("FirstBurstLength MUST NOT exceed MaxBurstLength") on the
 * initiator's side; the RFC does not say how the target answers it, so
 * keeping the session within the rule (clamp, Reject, refuse) is what a
 * careful target should do, not a MUST.
 */
CTS_TEST_D(neg_fbl_le_mbl, "neg.fbl.not-above-maxburstlength", "7143 13.14",
	   CTS_SHOULD, "to an offer MaxBurstLength=512 FirstBurstLength=65536 "
		       "(itself against the rule) FirstBurstLength is answered "
		       "<= 512 (or rejected, or the login refused)",
	   "fbl-over-mbl")
{
	struct iscsi_text k, ans;
	const char *a;
	uint64_t x;
	int rc;

	iscsi_text_init(&k);
	iscsi_text_init(&ans);
	s1_keys(&k, "MaxBurstLength=512", "FirstBurstLength=65536", NULL);
	rc = offer_keys(ctx, false, &k, &ans);
	a = iscsi_text_find(&ans, "FirstBurstLength");
	if (rc > 0)
		cts_note(ctx, "login refused: 0x%04x", rc);
	else if (rc == 0 && a && strcmp(a, ISCSI_REJECT) == 0)
		cts_note(ctx, "FirstBurstLength=Reject");
	else if (rc == 0 && (!a || s1_number(a, &x) < 0 || x > 512))
		cts_fail(ctx, "FirstBurstLength <= 512", a ? a : "no answer",
			 "Login Response to MaxBurstLength=512 "
			 "FirstBurstLength=65536");
	iscsi_text_free(&k);
	iscsi_text_free(&ans);
}

CTS_TEST_D(neg_fbl_irrelevant, "neg.fbl.irrelevant-allowed", "7143 13.14",
	   CTS_MUST, "with InitialR2T=Yes and ImmediateData=No, "
		     "FirstBurstLength is answered Irrelevant or <= the offer",
	   "fbl-irrelevant-rejected")
{
	struct iscsi_text k, ans;
	const char *a;
	uint64_t x;
	int rc;

	iscsi_text_init(&k);
	iscsi_text_init(&ans);
	s1_keys(&k, "InitialR2T=Yes", "ImmediateData=No",
		"FirstBurstLength=4096", NULL);
	rc = offer_keys(ctx, false, &k, &ans);
	a = iscsi_text_find(&ans, "FirstBurstLength");
	if (rc > 0)
		cts_fail(ctx, "Status-Class 0", "login refused",
			 "login offering InitialR2T=Yes ImmediateData=No "
			 "FirstBurstLength=4096");
	else if (rc == 0 && a && strcmp(a, ISCSI_IRRELEVANT) == 0)
		cts_note(ctx, "FirstBurstLength=Irrelevant");
	else if (rc == 0 && (!a || s1_number(a, &x) < 0 || x > 4096 ||
			     x < 512))
		cts_fail(ctx, "FirstBurstLength=Irrelevant or 512..4096",
			 a ? a : "no answer",
			 "Login Response to FirstBurstLength=4096 with "
			 "InitialR2T=Yes ImmediateData=No");
	iscsi_text_free(&k);
	iscsi_text_free(&ans);
}

CTS_TEST_D(neg_disc_keys, "neg.discovery.session-keys-irrelevant",
	   "7143 6.2.1", CTS_MUST,
	   "session keys offered in a discovery login are answered "
	   "Irrelevant or legally, and the login succeeds",
	   "discovery-session-keys-fail")
{
	static const char *const kv[] = {
	    "MaxBurstLength=262144", "FirstBurstLength=65536",
	    "InitialR2T=Yes",	     "ImmediateData=No",
	    "MaxOutstandingR2T=1",   "DataPDUInOrder=Yes",
	};
	struct iscsi_text k, ans;
	int rc;

	iscsi_text_init(&k);
	iscsi_text_init(&ans);
	for (size_t i = 0; i < sizeof(kv) / sizeof(kv[0]); i++)
		s1_keys(&k, kv[i], NULL);
	rc = offer_keys(ctx, true, &k, &ans);
	if (rc > 0) {
		char s[48];

		s1_status_str((uint16_t)rc, s, sizeof(s));
		cts_fail(ctx, "Status-Class 0", s,
			 "discovery login offering session keys");
	}
	for (size_t i = 0; rc == 0 && i < k.n; i++) {
		const char *a = iscsi_text_find(&ans, k.kv[i].key);
		struct iscsi_negctx n;
		char res[ISCSI_VALUE_MAX + 1], why[200];

		if (!a)
			continue;
		iscsi_negctx_init(&n);
		n.discovery = true;
		if (iscsi_key_judge(iscsi_key_find(k.kv[i].key),
				    k.kv[i].value, a, &n, res, sizeof(res), why,
				    sizeof(why)) == ISCSI_NEG_ILLEGAL) {
			cts_fail(ctx, why, a, "discovery Login Response to %s=%s",
				 k.kv[i].key, k.kv[i].value);
			break;
		}
		cts_note(ctx, "%s=%s answered %s", k.kv[i].key, k.kv[i].value,
			 a);
	}
	iscsi_text_free(&k);
	iscsi_text_free(&ans);
}

static void session_free(void *s)
{
	cts_session_free(s);
}

CTS_TEST_D(neg_judge_all, "neg.judge.well-behaved-login", "7143 6.2",
	   CTS_MUST, "every answer to a well-behaved initiator's offers obeys "
		     "its key's result function",
	   "neg-over-offer")
{
	struct cts_session *s = cts_session_new(ctx);
	int rc;

	if (!s) {
		cts_error(ctx, "out of memory");
		return;
	}
	cts_defer(ctx, session_free, s);
	rc = cts_login(ctx, s, NULL);
	if (rc) {
		cts_error(ctx, "login failed (%d): %s", rc, s->err);
		return;
	}
	for (size_t i = 0; i < cts_session_judged_count(s); i++) {
		const struct cts_judged *j = cts_session_judged(s, i);

		if (j->verdict == ISCSI_NEG_WARN)
			cts_note(ctx, "%s=%s answered %s: %s", j->key, j->offer,
				 j->answer, j->why);
		if (j->verdict != ISCSI_NEG_ILLEGAL &&
		    j->verdict != ISCSI_NEG_FAILED && j->verdict >= 0)
			continue;
		cts_fail(ctx, j->why, j->answered ? j->answer : "no answer",
			 "Login Response to %s=%s", j->key, j->offer);
		return;
	}
}
