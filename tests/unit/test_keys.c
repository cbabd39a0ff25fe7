/* SPDX-License-Identifier: MIT */
/*
 * test_keys.c - every key of RFC 7143 §12.1/§13 (and the obsolete RFC 3720
 * marker keys) through the same cases: default, a legal exchange, an
 * illegal answer, an inadmissible offer, NotUnderstood and Irrelevant.
 * Expected values are written out from the RFC, one row per key.
 */
#include <stdio.h>
#include <string.h>

#include "keys.h"
#include "unit.h"

struct key_case {
	const char *key;     /* name as sent */
	const char *section; /* RFC section of the row */
	const char *def;     /* §13 "Default is" (NULL: none) */
	enum iscsi_login_stage stage;
	bool from_target; /* the target offers, the initiator answers */
	const char *offer;
	const char *mine;      /* responder's own value */
	const char *answer;    /* expected answer, NULL: none due */
	const char *result;    /* outcome of offer + answer */
	const char *ill_offer; /* offer for the illegal answer (NULL: offer) */
	const char *illegal;   /* an answer the RFC forbids (NULL: none) */
	const char *bad;       /* inadmissible offer (NULL: none) */
	bool irr_discovery;    /* "Irrelevant when: SessionType=Discovery" */
};

#define OP  ISCSI_STAGE_OPERATIONAL
#define SEC ISCSI_STAGE_SECURITY
#define FFP ISCSI_STAGE_FFP

static const struct key_case cases[] = {
    /* §12.1 AuthMethod: list; first offered value supported. */
    {"AuthMethod", "12.1", "None", SEC, false, "CHAP,None", "None,CHAP", "CHAP",
     "CHAP", NULL, "KRB5", "CHAP,,None", false},
    /* §12.1.3 CHAP_A: list of algorithm numbers, 5 = MD5. */
    {"CHAP_A", "12.1.3", NULL, SEC, false, "7,5", "5", "5", "5", NULL, "7,5",
     "5,x", false},
    /* §12.1.3 CHAP_I/C/N/R are declarations: no answer. */
    {"CHAP_I", "12.1.3", NULL, SEC, true, "17", NULL, NULL, "17", NULL,
     "Reject", "256", false},
    {"CHAP_C", "12.1.3", NULL, SEC, true, "0x0123456789abcdef", NULL, NULL,
     "0x0123456789abcdef", NULL, "Reject", "0xZZ", false},
    {"CHAP_N", "12.1.3", NULL, SEC, false, "alice", NULL, NULL, "alice", NULL,
     "Reject", "\xff", false},
    {"CHAP_R", "12.1.3", NULL, SEC, false, "0bASNFZ4mrze8=", NULL, NULL,
     "0bASNFZ4mrze8=", NULL, "Reject", "12345", false},
    /* §13.1 digests: list, default None. */
    {"HeaderDigest", "13.1", "None", OP, false, "CRC32C,None", "None", "None",
     "None", NULL, "CRC32C,None", "CRC32C,,None", false},
    {"DataDigest", "13.1", "None", OP, false, "None,CRC32C", "CRC32C,None",
     "None", "None", NULL, "MD5", "None,CRC 32C", false},
    /* §13.2 MaxConnections: 1..65535, default 1, Minimum. */
    {"MaxConnections", "13.2", "1", OP, false, "4", "2", "2", "2", NULL, "5",
     "0", true},
    /* §13.3 SendTargets: FFP only, declarative from the initiator. */
    {"SendTargets", "13.3", NULL, FFP, false, "All", NULL, NULL, "All", NULL,
     "Reject", "Some", false},
    /* §13.4/13.5 names: declarative iSCSI names. */
    {"TargetName", "13.4", NULL, OP, false, "iqn.2001-04.com.example:storage",
     NULL, NULL, "iqn.2001-04.com.example:storage", NULL, "Reject",
     "iqn.2001-13.com.example", false},
    {"InitiatorName", "13.5", NULL, OP, false, "iqn.1998-01.com.example:host",
     NULL, NULL, "iqn.1998-01.com.example:host", NULL,
     "iqn.1998-01.com.example:t", "", false},
    /* §13.6/13.7 aliases: declarative UTF-8. */
    {"TargetAlias", "13.6", NULL, OP, true, "disk \xc3\xa9", NULL, NULL,
     "disk \xc3\xa9", NULL, "Reject", "\xc0\x80", false},
    {"InitiatorAlias", "13.7", NULL, OP, false, "host-a", NULL, NULL, "host-a",
     NULL, "Reject", "\xff", false},
    /* §13.8 TargetAddress: domainname[:port][,tag], from the target. */
    {"TargetAddress", "13.8", NULL, OP, true, "10.0.0.1:3260,1", NULL, NULL,
     "10.0.0.1:3260,1", NULL, "Reject", "10.0.0.1:99999,1", false},
    /* §13.9 TargetPortalGroupTag: 16-bit, declared by the target. */
    {"TargetPortalGroupTag", "13.9", NULL, OP, true, "1", NULL, NULL, "1", NULL,
     "Reject", "65536", false},
    /* §13.10 InitialR2T: OR, default Yes. */
    {"InitialR2T", "13.10", "Yes", OP, false, "No", "Yes", "Yes", "Yes", "Yes",
     "No", "yes", true},
    /* §13.11 ImmediateData: AND, default Yes. */
    {"ImmediateData", "13.11", "Yes", OP, false, "Yes", "No", "No", "No", "No",
     "Yes", "1", true},
    /* §13.12 MaxRecvDataSegmentLength: declarative, 512..2**24-1. */
    {"MaxRecvDataSegmentLength", "13.12", "8192", OP, false, "65536", NULL,
     NULL, "65536", NULL, "Reject", "511", false},
    /* §13.13 MaxBurstLength: Minimum, 512..2**24-1, default 262144. */
    {"MaxBurstLength", "13.13", "262144", OP, false, "262144", "65536", "65536",
     "65536", NULL, "524288", "16777216", true},
    /* §13.14 FirstBurstLength: Minimum, default 65536. */
    {"FirstBurstLength", "13.14", "65536", OP, false, "65536", "262144",
     "65536", "65536", NULL, "131072", "0x1000000", true},
    /* §13.15 DefaultTime2Wait: Maximum, 0..3600, default 2. */
    {"DefaultTime2Wait", "13.15", "2", OP, false, "2", "5", "5", "5", NULL, "1",
     "3601", false},
    /* §13.16 DefaultTime2Retain: Minimum, 0..3600, default 20. */
    {"DefaultTime2Retain", "13.16", "20", OP, false, "20", "0", "0", "0", NULL,
     "21", "-1", false},
    /* §13.17 MaxOutstandingR2T: Minimum, 1..65535, default 1. */
    {"MaxOutstandingR2T", "13.17", "1", OP, false, "8", "16", "8", "8", NULL,
     "9", "65536", true},
    /* §13.18/13.19: OR, default Yes. */
    {"DataPDUInOrder", "13.18", "Yes", OP, false, "No", "No", "No", "No", "Yes",
     "No", "Maybe", true},
    {"DataSequenceInOrder", "13.19", "Yes", OP, false, "No", "Yes", "Yes",
     "Yes", "Yes", "No", "", true},
    /* §13.20 ErrorRecoveryLevel: Minimum, 0..2, default 0. */
    {"ErrorRecoveryLevel", "13.20", "0", OP, false, "1", "2", "1", "1", NULL,
     "2", "3", false},
    /* §13.21 SessionType: declared by the initiator, default Normal. */
    {"SessionType", "13.21", "Normal", OP, false, "Discovery", NULL, NULL,
     "Discovery", NULL, "Normal", "discovery", false},
    /* §13.22 private extension keys: we do not understand them. */
    {"X-com.example.knob", "13.22", NULL, OP, false, "on", NULL,
     "NotUnderstood", "", NULL, NULL, NULL, false},
    /* §13.23 TaskReporting: list, default RFC3720. */
    {"TaskReporting", "13.23", "RFC3720", OP, false, "ResponseFence,RFC3720",
     "RFC3720", "RFC3720", "RFC3720", NULL, "FastAbort", "RFC3720,,FastAbort",
     true},
    /* RFC 7144 §2.1 iSCSIProtocolLevel: Minimum, 0..31. */
    {"iSCSIProtocolLevel", "2.1", "1", OP, false, "2", "1", "1", "1", NULL, "3",
     "32", true},
    /* §13.25 obsolete marker keys: answered Reject. */
    {"OFMarker", "13.25", "No", OP, false, "Yes", NULL, "Reject", "No", NULL,
     "Yes", NULL, false},
    {"IFMarker", "13.25", "No", OP, false, "Yes", NULL, "Reject", "No", NULL,
     "Yes", NULL, false},
    {"OFMarkInt", "13.25", "2048", OP, false, "2048~8192", NULL, "Reject",
     "2048", NULL, "2048", NULL, false},
    {"IFMarkInt", "13.25", "2048", OP, false, "2048~8192", NULL, "Reject",
     "2048", NULL, "4096", NULL, false},
    /* §13.26 X#NodeArchitecture: declarative list of text-values. */
    {"X#NodeArchitecture", "13.26", NULL, OP, false,
     "ExampleOS/v1234,ExampleInc_SW_Initiator/1.05a", NULL, NULL,
     "ExampleOS/v1234,ExampleInc_SW_Initiator/1.05a", NULL, "Reject",
     "Bad Value", false},
};

#define NCASES (sizeof(cases) / sizeof(cases[0]))

/* CU_ASSERT inside a loop over keys, naming the key when it fails. */
#define KASSERT(c, cond)                                                       \
	do {                                                                   \
		bool ok_ = (cond);                                             \
		CU_ASSERT(ok_);                                                \
		if (!ok_)                                                      \
			fprintf(stderr, "\n  key %s: %s\n", (c)->key, #cond);  \
	} while (0)

static void ctx_for(const struct key_case *c, struct iscsi_negctx *ctx)
{
	iscsi_negctx_init(ctx);
	ctx->stage = c->stage;
	ctx->responder_is_target = !c->from_target;
}

static const struct key_case *case_for(const char *name)
{
	for (size_t i = 0; i < NCASES; i++) {
		if (strcmp(cases[i].key, name) == 0)
			return &cases[i];
		if (strcmp(name, "X-") == 0 &&
		    strncmp(cases[i].key, "X-", 2) == 0)
			return &cases[i];
	}
	return NULL;
}

/* §13: the table holds every key the RFC defines (36 rows here). */
static void keys_table_covers_every_key(void)
{
	CU_ASSERT_EQUAL(iscsi_key_count(), 36);
	CU_ASSERT_EQUAL(NCASES, 36);
	for (size_t i = 0; i < iscsi_key_count(); i++) {
		const struct iscsi_key_def *k = iscsi_key_at(i);

		CU_ASSERT_PTR_NOT_NULL(case_for(k->name));
		CU_ASSERT_PTR_NOT_NULL(k->rule);
		CU_ASSERT_PTR_NOT_NULL(k->section);
	}
	CU_ASSERT_PTR_NULL(iscsi_key_at(iscsi_key_count()));
}

/* §13: each row carries its section and its default. */
static void keys_sections_and_defaults(void)
{
	for (size_t i = 0; i < NCASES; i++) {
		const struct key_case *c = &cases[i];
		const struct iscsi_key_def *k = iscsi_key_find(c->key);

		CU_ASSERT_PTR_NOT_NULL_FATAL(k);
		KASSERT(c, strcmp(k->section, c->section) == 0);
		if (c->def) {
			CU_ASSERT_PTR_NOT_NULL_FATAL(k->def);
			KASSERT(c, strcmp(k->def, c->def) == 0);
		} else if (strcmp(c->key, "AuthMethod") != 0) {
			KASSERT(c, k->def == NULL);
		}
	}
}

/* §6.2: a conformant responder's answer to a valid offer, every key. */
static void keys_answer_every_key(void)
{
	for (size_t i = 0; i < NCASES; i++) {
		const struct key_case *c = &cases[i];
		struct iscsi_negctx ctx;
		char ans[300] = "unset";
		int rc;

		ctx_for(c, &ctx);
		rc = iscsi_key_answer(iscsi_key_find(c->key), c->offer, c->mine,
				      &ctx, ans, sizeof(ans));
		if (c->answer) {
			KASSERT(c, rc == 1);
			KASSERT(c, strcmp(ans, c->answer) == 0);
		} else {
			KASSERT(c, rc == 0);
		}
		KASSERT(c, !ctx.protocol_error);
		KASSERT(c, !ctx.fail_login);
	}
}

/* §6.2: the expected answer is judged legal, with the expected outcome. */
static void keys_judge_legal_answer_every_key(void)
{
	for (size_t i = 0; i < NCASES; i++) {
		const struct key_case *c = &cases[i];
		struct iscsi_negctx ctx;
		char res[300], why[200];
		int v;

		ctx_for(c, &ctx);
		v = iscsi_key_judge(iscsi_key_find(c->key), c->offer, c->answer,
				    &ctx, res, sizeof(res), why, sizeof(why));
		KASSERT(c, v == ISCSI_NEG_OK);
		KASSERT(c, strcmp(res, c->result) == 0);
	}
}

/* §6.2.1, §6.2.2, §13.25: an answer outside the rule is illegal. */
static void keys_judge_illegal_answer_every_key(void)
{
	for (size_t i = 0; i < NCASES; i++) {
		const struct key_case *c = &cases[i];
		struct iscsi_negctx ctx;
		char res[300], why[200] = "";
		int v;

		if (!c->illegal)
			continue;
		ctx_for(c, &ctx);
		v = iscsi_key_judge(iscsi_key_find(c->key),
				    c->ill_offer ? c->ill_offer : c->offer,
				    c->illegal, &ctx, res, sizeof(res), why,
				    sizeof(why));
		KASSERT(c, v == ISCSI_NEG_ILLEGAL);
		KASSERT(c, why[0] != '\0');
	}
}

/* §6.2.2: an inadmissible offer is answered Reject (a protocol error). */
static void keys_bad_offer_rejected_every_key(void)
{
	for (size_t i = 0; i < NCASES; i++) {
		const struct key_case *c = &cases[i];
		const struct iscsi_key_def *k = iscsi_key_find(c->key);
		struct iscsi_negctx ctx;
		char ans[64], res[300], why[200];
		int rc;

		if (!c->bad)
			continue;
		ctx_for(c, &ctx);
		rc = iscsi_key_answer(k, c->bad, c->mine, &ctx, ans,
				      sizeof(ans));
		KASSERT(c, rc == 1);
		KASSERT(c, strcmp(ans, "Reject") == 0);
		KASSERT(c, ctx.protocol_error);
		KASSERT(c, ctx.note[0] != '\0');
		rc = iscsi_key_judge(k, c->bad, "Reject", &ctx, res,
				     sizeof(res), why, sizeof(why));
		KASSERT(c, rc == ISCSI_NEG_OK);
	}
}

/* §6.2: keys of this document MUST NOT be answered NotUnderstood. */
static void keys_not_understood_every_key(void)
{
	for (size_t i = 0; i < NCASES; i++) {
		const struct key_case *c = &cases[i];
		struct iscsi_negctx ctx;
		char res[300], why[200];
		int v, want = ISCSI_NEG_ILLEGAL;

		if (strncmp(c->key, "X-", 2) == 0 ||
		    strncmp(c->key, "X#", 2) == 0)
			want = ISCSI_NEG_OK; /* extension keys may be */
		ctx_for(c, &ctx);
		v = iscsi_key_judge(iscsi_key_find(c->key), c->offer,
				    "NotUnderstood", &ctx, res, sizeof(res),
				    why, sizeof(why));
		KASSERT(c, v == want);
	}
}

/* §13 "Irrelevant when: SessionType=Discovery": answer and judge. */
static void keys_irrelevant_in_discovery_every_key(void)
{
	for (size_t i = 0; i < NCASES; i++) {
		const struct key_case *c = &cases[i];
		const struct iscsi_key_def *k = iscsi_key_find(c->key);
		struct iscsi_negctx ctx;
		char ans[300], res[300], why[200];
		int v;

		if (k->flags & (ISCSI_KF_OBSOLETE | ISCSI_KF_PRIVATE))
			continue;
		ctx_for(c, &ctx);
		ctx.discovery = true;
		KASSERT(c, ((k->irrelevant & ISCSI_IRR_DISCOVERY) != 0) ==
			       c->irr_discovery);
		v = iscsi_key_judge(k, c->offer, "Irrelevant", &ctx, res,
				    sizeof(res), why, sizeof(why));
		if (c->irr_discovery) {
			int rc = iscsi_key_answer(k, c->offer, c->mine, &ctx,
						  ans, sizeof(ans));

			KASSERT(c, rc == 1);
			KASSERT(c, strcmp(ans, "Irrelevant") == 0);
			KASSERT(c, v == ISCSI_NEG_OK);
		} else {
			KASSERT(c, v == ISCSI_NEG_ILLEGAL);
		}
	}
}

/* §6.1: key names are case-sensitive; X- is a prefix, X# exact. */
static void keys_lookup_is_exact(void)
{
	CU_ASSERT_PTR_NOT_NULL(iscsi_key_find("MaxBurstLength"));
	CU_ASSERT_PTR_NULL(iscsi_key_find("maxburstlength"));
	CU_ASSERT_PTR_NULL(iscsi_key_find("MaxBurstLength "));
	CU_ASSERT_PTR_NULL(iscsi_key_find("X-"));
	CU_ASSERT_PTR_NULL(iscsi_key_find("X#Other"));
	CU_ASSERT_PTR_NULL(iscsi_key_find(""));
	CU_ASSERT_STRING_EQUAL(iscsi_key_find("X-org.example.a")->section,
			       "13.22");
	CU_ASSERT_STRING_EQUAL(iscsi_key_find("X#NodeArchitecture")->section,
			       "13.26");
}

/* §13: scope, use, senders and result function of sample rows. */
static void keys_row_attributes(void)
{
	const struct iscsi_key_def *k;

	k = iscsi_key_find("HeaderDigest");
	CU_ASSERT_EQUAL(k->scope, ISCSI_SCOPE_CO);
	CU_ASSERT_EQUAL(k->use, ISCSI_USE_IO);
	CU_ASSERT_STRING_EQUAL(k->rule->name, "list-first");
	k = iscsi_key_find("MaxRecvDataSegmentLength");
	CU_ASSERT_EQUAL(k->scope, ISCSI_SCOPE_CO);
	CU_ASSERT_EQUAL(k->use, ISCSI_USE_ALL);
	CU_ASSERT_TRUE(k->flags & ISCSI_KF_DECLARATIVE);
	CU_ASSERT_EQUAL(k->min, 512);
	CU_ASSERT_EQUAL(k->max, 16777215);
	k = iscsi_key_find("DefaultTime2Wait");
	CU_ASSERT_STRING_EQUAL(k->rule->name, "max");
	CU_ASSERT_EQUAL(k->max, 3600);
	k = iscsi_key_find("ImmediateData");
	CU_ASSERT_STRING_EQUAL(k->rule->name, "and");
	k = iscsi_key_find("InitialR2T");
	CU_ASSERT_STRING_EQUAL(k->rule->name, "or");
	CU_ASSERT_EQUAL(k->use, ISCSI_USE_LO);
	CU_ASSERT_EQUAL(k->scope, ISCSI_SCOPE_SW);
	k = iscsi_key_find("SendTargets");
	CU_ASSERT_EQUAL(k->use, ISCSI_USE_FFPO);
	CU_ASSERT_EQUAL(k->senders, ISCSI_SND_INITIATOR);
	k = iscsi_key_find("TargetAlias");
	CU_ASSERT_EQUAL(k->senders, ISCSI_SND_TARGET);
	k = iscsi_key_find("ErrorRecoveryLevel");
	CU_ASSERT_EQUAL(k->max, 2);
	CU_ASSERT_EQUAL(k->irrelevant, 0);
	k = iscsi_key_find("FirstBurstLength");
	CU_ASSERT_EQUAL(k->irrelevant, ISCSI_IRR_DISCOVERY | ISCSI_IRR_FBL);
	k = iscsi_key_find("IFMarkInt");
	CU_ASSERT_TRUE(k->flags & ISCSI_KF_OBSOLETE);
}

UNIT_SUITE(keys, "keys", UNIT_TEST(keys_table_covers_every_key),
	   UNIT_TEST(keys_sections_and_defaults),
	   UNIT_TEST(keys_answer_every_key),
	   UNIT_TEST(keys_judge_legal_answer_every_key),
	   UNIT_TEST(keys_judge_illegal_answer_every_key),
	   UNIT_TEST(keys_bad_offer_rejected_every_key),
	   UNIT_TEST(keys_not_understood_every_key),
	   UNIT_TEST(keys_irrelevant_in_discovery_every_key),
	   UNIT_TEST(keys_lookup_is_exact), UNIT_TEST(keys_row_attributes))
