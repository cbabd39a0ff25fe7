/* SPDX-License-Identifier: MIT */
/*
 * test_keys_rules.c - the negotiation rules of RFC 7143 §6.2 beyond the
 * per-key table: optional Boolean answers, list selection, Reject,
 * unknown keys, phases, senders, §13.14 and §13.25 details.
 */
#include <string.h>

#include "keys.h"
#include "unit.h"

/* The one fixture CUnit's argument-less test functions share. */
static struct rules_fixture {
	struct iscsi_negctx ctx;
	char ans[128], res[128], why[200];
} fx;

static int answer(const char *key, const char *offer, const char *mine)
{
	return iscsi_key_answer(iscsi_key_find(key), offer, mine, &fx.ctx,
				fx.ans, sizeof(fx.ans));
}

static int judge(const char *key, const char *offer, const char *answer_)
{
	fx.why[0] = '\0';
	return iscsi_key_judge(iscsi_key_find(key), offer, answer_, &fx.ctx,
			       fx.res, sizeof(fx.res), fx.why, sizeof(fx.why));
}

static void reset(void)
{
	iscsi_negctx_init(&fx.ctx);
}

/* §6.2: an unknown key is answered NotUnderstood. */
static void rule_unknown_key_not_understood(void)
{
	reset();
	CU_ASSERT_EQUAL(answer("FooBar", "1", NULL), 1);
	CU_ASSERT_STRING_EQUAL(fx.ans, "NotUnderstood");
	CU_ASSERT_EQUAL(answer("X#Unregistered", "1", NULL), 1);
	CU_ASSERT_STRING_EQUAL(fx.ans, "NotUnderstood");
	CU_ASSERT_EQUAL(judge("FooBar", "1", "NotUnderstood"), ISCSI_NEG_OK);
	CU_ASSERT_STRING_EQUAL(fx.res, "");
}

/* §6.2: Reject/Irrelevant/NotUnderstood are not proposed values. */
static void rule_reserved_constant_offered(void)
{
	reset();
	CU_ASSERT_EQUAL(answer("MaxBurstLength", "Reject", "65536"), 1);
	CU_ASSERT_STRING_EQUAL(fx.ans, "Reject");
	CU_ASSERT_TRUE(fx.ctx.protocol_error);
	CU_ASSERT_EQUAL(answer("InitialR2T", "Irrelevant", "Yes"), 1);
	CU_ASSERT_STRING_EQUAL(fx.ans, "Reject");
	CU_ASSERT_TRUE(fx.ctx.protocol_error);
}

/* §6.2.2: OR offered Yes and AND offered No need no answer. */
static void rule_optional_boolean_answers(void)
{
	reset();
	CU_ASSERT_EQUAL(judge("InitialR2T", "Yes", NULL), ISCSI_NEG_OK);
	CU_ASSERT_STRING_EQUAL(fx.res, "Yes");
	CU_ASSERT_EQUAL(judge("ImmediateData", "No", NULL), ISCSI_NEG_OK);
	CU_ASSERT_STRING_EQUAL(fx.res, "No");
	CU_ASSERT_EQUAL(judge("InitialR2T", "No", NULL), ISCSI_NEG_ILLEGAL);
	CU_ASSERT_EQUAL(judge("ImmediateData", "Yes", NULL), ISCSI_NEG_ILLEGAL);
	CU_ASSERT_EQUAL(judge("MaxBurstLength", "512", NULL),
			ISCSI_NEG_ILLEGAL);
	CU_ASSERT_EQUAL(judge("HeaderDigest", "None", NULL), ISCSI_NEG_ILLEGAL);
}

/* §6.2.2: OR - a responder whose value is Yes answers Yes regardless. */
static void rule_or_responder_yes_wins(void)
{
	reset();
	CU_ASSERT_EQUAL(answer("DataPDUInOrder", "No", "Yes"), 1);
	CU_ASSERT_STRING_EQUAL(fx.ans, "Yes");
	CU_ASSERT_EQUAL(answer("DataPDUInOrder", "Yes", "No"), 1);
	CU_ASSERT_STRING_EQUAL(fx.ans, "Yes");
	CU_ASSERT_EQUAL(judge("DataPDUInOrder", "No", "Yes"), ISCSI_NEG_OK);
	CU_ASSERT_STRING_EQUAL(fx.res, "Yes");
}

/* §6.2.2: AND - an offer of No decides No; Yes follows the responder. */
static void rule_and_offer_no_decides(void)
{
	reset();
	CU_ASSERT_EQUAL(answer("ImmediateData", "No", "Yes"), 1);
	CU_ASSERT_STRING_EQUAL(fx.ans, "No");
	CU_ASSERT_EQUAL(answer("ImmediateData", "Yes", "Yes"), 1);
	CU_ASSERT_STRING_EQUAL(fx.ans, "Yes");
	CU_ASSERT_EQUAL(judge("ImmediateData", "Yes", "No"), ISCSI_NEG_OK);
	CU_ASSERT_STRING_EQUAL(fx.res, "No");
}

/* §6.2.1: the first offered value the responder supports. */
static void rule_list_first_in_offer_order(void)
{
	reset();
	CU_ASSERT_EQUAL(answer("HeaderDigest", "CRC32C,None", "None,CRC32C"),
			1);
	CU_ASSERT_STRING_EQUAL(fx.ans, "CRC32C");
	/* unknown values in the offer are ignored */
	CU_ASSERT_EQUAL(answer("HeaderDigest", "X-magic,None", NULL), 1);
	CU_ASSERT_STRING_EQUAL(fx.ans, "None");
	CU_ASSERT_EQUAL(judge("HeaderDigest", "X-magic,None", "None"),
			ISCSI_NEG_OK);
}

/* §6.2.1: "None" is a valid selection only if explicitly proposed. */
static void rule_list_none_only_if_offered(void)
{
	reset();
	CU_ASSERT_EQUAL(answer("DataDigest", "CRC32C", "None"), 1);
	CU_ASSERT_STRING_EQUAL(fx.ans, "Reject");
	CU_ASSERT_FALSE(fx.ctx.fail_login);
	CU_ASSERT_EQUAL(judge("DataDigest", "CRC32C", "None"),
			ISCSI_NEG_ILLEGAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.why, "6.2.1"));
}

/* §6.2: after Reject the key keeps its value (the default, None). */
static void rule_list_reject_keeps_default(void)
{
	reset();
	CU_ASSERT_EQUAL(judge("DataDigest", "CRC32C", "Reject"), ISCSI_NEG_OK);
	CU_ASSERT_STRING_EQUAL(fx.res, "None");
}

/* §12.1: no common AuthMethod ends the login. */
static void rule_no_common_authmethod_fails(void)
{
	reset();
	fx.ctx.stage = ISCSI_STAGE_SECURITY;
	CU_ASSERT_EQUAL(answer("AuthMethod", "KRB5", "CHAP"), 1);
	CU_ASSERT_STRING_EQUAL(fx.ans, "Reject");
	CU_ASSERT_TRUE(fx.ctx.fail_login);
	CU_ASSERT_EQUAL(judge("AuthMethod", "KRB5", "Reject"),
			ISCSI_NEG_FAILED);
}

/* §6.2.2: an admissible numeric/Boolean offer leaves no room for Reject. */
static void rule_reject_of_valid_simple_value(void)
{
	reset();
	CU_ASSERT_EQUAL(judge("MaxBurstLength", "65536", "Reject"),
			ISCSI_NEG_ILLEGAL);
	CU_ASSERT_EQUAL(judge("InitialR2T", "No", "Reject"), ISCSI_NEG_ILLEGAL);
}

/* §6.2.2: an inadmissible offer answered by a value: Reject expected. */
static void rule_bad_offer_answered_with_value(void)
{
	reset();
	CU_ASSERT_EQUAL(judge("MaxBurstLength", "100", "512"), ISCSI_NEG_WARN);
	CU_ASSERT_EQUAL(judge("MaxBurstLength", "100", "100"),
			ISCSI_NEG_ILLEGAL);
	CU_ASSERT_EQUAL(judge("MaxBurstLength", "100", NULL),
			ISCSI_NEG_ILLEGAL);
	CU_ASSERT_EQUAL(judge("MaxBurstLength", "100", "NotUnderstood"),
			ISCSI_NEG_ILLEGAL);
}

/* §13.13: MaxBurstLength answer greater than the offer is illegal. */
static void rule_min_answer_above_offer(void)
{
	reset();
	CU_ASSERT_EQUAL(judge("MaxBurstLength", "65536", "65537"),
			ISCSI_NEG_ILLEGAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.why, "Minimum"));
	CU_ASSERT_EQUAL(judge("MaxBurstLength", "65536", "512"), ISCSI_NEG_OK);
	CU_ASSERT_EQUAL(judge("MaxBurstLength", "65536", "511"),
			ISCSI_NEG_ILLEGAL);
}

/* §13.15: DefaultTime2Wait answer below the offer is illegal. */
static void rule_max_answer_below_offer(void)
{
	reset();
	CU_ASSERT_EQUAL(judge("DefaultTime2Wait", "10", "9"),
			ISCSI_NEG_ILLEGAL);
	CU_ASSERT_EQUAL(judge("DefaultTime2Wait", "10", "3600"), ISCSI_NEG_OK);
	CU_ASSERT_EQUAL(judge("DefaultTime2Wait", "10", "3601"),
			ISCSI_NEG_ILLEGAL);
}

/* §13.14: FirstBurstLength must not exceed MaxBurstLength. */
static void rule_first_burst_within_max_burst(void)
{
	reset();
	fx.ctx.max_burst = 65536;
	CU_ASSERT_EQUAL(answer("FirstBurstLength", "262144", "262144"), 1);
	CU_ASSERT_STRING_EQUAL(fx.ans, "65536");
	CU_ASSERT_EQUAL(judge("FirstBurstLength", "262144", "131072"),
			ISCSI_NEG_ILLEGAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.why, "13.14"));
	CU_ASSERT_EQUAL(judge("FirstBurstLength", "262144", "65536"),
			ISCSI_NEG_OK);
}

/* §13.14: irrelevant when InitialR2T=Yes and ImmediateData=No. */
static void rule_first_burst_irrelevant(void)
{
	reset();
	fx.ctx.initial_r2t = true;
	fx.ctx.immediate_data = false;
	CU_ASSERT_EQUAL(answer("FirstBurstLength", "65536", NULL), 1);
	CU_ASSERT_STRING_EQUAL(fx.ans, "Irrelevant");
	CU_ASSERT_EQUAL(judge("FirstBurstLength", "65536", "Irrelevant"),
			ISCSI_NEG_OK);
	fx.ctx.immediate_data = true;
	CU_ASSERT_EQUAL(judge("FirstBurstLength", "65536", "Irrelevant"),
			ISCSI_NEG_ILLEGAL);
}

/* §13 Use: LO keys only on the leading connection, not in FFP. */
static void rule_leading_only_phase(void)
{
	reset();
	fx.ctx.stage = ISCSI_STAGE_FFP;
	CU_ASSERT_EQUAL(answer("MaxBurstLength", "65536", NULL), 1);
	CU_ASSERT_STRING_EQUAL(fx.ans, "Reject");
	CU_ASSERT_TRUE(fx.ctx.protocol_error);
	CU_ASSERT_FALSE(fx.ctx.fail_login);
	CU_ASSERT_EQUAL(judge("MaxBurstLength", "65536", "65536"),
			ISCSI_NEG_ILLEGAL);
	reset();
	fx.ctx.leading = false;
	CU_ASSERT_EQUAL(judge("ErrorRecoveryLevel", "1", "Irrelevant"),
			ISCSI_NEG_OK);
	CU_ASSERT_EQUAL(judge("ErrorRecoveryLevel", "1", "Reject"),
			ISCSI_NEG_OK);
	/* CO keys are fine on any login */
	CU_ASSERT_EQUAL(answer("HeaderDigest", "None", NULL), 1);
	CU_ASSERT_STRING_EQUAL(fx.ans, "None");
}

/* §13 Use: MaxRecvDataSegmentLength (ALL) may be declared in FFP. */
static void rule_all_keys_in_ffp(void)
{
	reset();
	fx.ctx.stage = ISCSI_STAGE_FFP;
	CU_ASSERT_EQUAL(answer("MaxRecvDataSegmentLength", "16384", NULL), 0);
	CU_ASSERT_FALSE(fx.ctx.protocol_error);
	CU_ASSERT_EQUAL(answer("HeaderDigest", "None", NULL), 1);
	CU_ASSERT_STRING_EQUAL(fx.ans, "Reject"); /* IO: not in FFP */
}

/* §12.1: security keys belong to the security negotiation stage. */
static void rule_security_keys_stage(void)
{
	reset();
	CU_ASSERT_EQUAL(answer("AuthMethod", "None", NULL), 1);
	CU_ASSERT_STRING_EQUAL(fx.ans, "Reject");
	CU_ASSERT_TRUE(fx.ctx.protocol_error);
	fx.ctx.stage = ISCSI_STAGE_SECURITY;
	CU_ASSERT_EQUAL(answer("AuthMethod", "None", NULL), 1);
	CU_ASSERT_STRING_EQUAL(fx.ans, "None");
}

/* §13 Senders: a target-only key offered by the initiator. */
static void rule_wrong_sender(void)
{
	reset();
	CU_ASSERT_EQUAL(answer("TargetAlias", "x", NULL), 1);
	CU_ASSERT_STRING_EQUAL(fx.ans, "Reject");
	CU_ASSERT_TRUE(fx.ctx.protocol_error);
	CU_ASSERT_EQUAL(answer("TargetPortalGroupTag", "1", NULL), 1);
	CU_ASSERT_STRING_EQUAL(fx.ans, "Reject");
}

/* §13.21: a bad SessionType declaration ends the login. */
static void rule_bad_declaration_fails_login(void)
{
	reset();
	CU_ASSERT_EQUAL(answer("SessionType", "Mixed", NULL), 1);
	CU_ASSERT_TRUE(fx.ctx.protocol_error);
	CU_ASSERT_TRUE(fx.ctx.fail_login);
}

/* §13.25: IFMarker/OFMarker SHOULD Reject, MAY No. */
static void rule_obsolete_markers(void)
{
	reset();
	CU_ASSERT_EQUAL(answer("IFMarker", "No", NULL), 1);
	CU_ASSERT_STRING_EQUAL(fx.ans, "Reject");
	CU_ASSERT_EQUAL(judge("IFMarker", "Yes", "No"), ISCSI_NEG_OK);
	CU_ASSERT_EQUAL(judge("IFMarker", "Yes", "Reject"), ISCSI_NEG_OK);
	CU_ASSERT_EQUAL(judge("IFMarker", "Yes", "Irrelevant"), ISCSI_NEG_WARN);
	CU_ASSERT_EQUAL(judge("IFMarker", "Yes", NULL), ISCSI_NEG_WARN);
	/* §13.25: MUST NOT respond NotUnderstood to any of the four */
	CU_ASSERT_EQUAL(judge("IFMarker", "Yes", "NotUnderstood"),
			ISCSI_NEG_ILLEGAL);
	CU_ASSERT_EQUAL(judge("OFMarker", "No", "NotUnderstood"),
			ISCSI_NEG_ILLEGAL);
}

/* §13.25: IFMarkInt/OFMarkInt MUST be answered Reject. */
static void rule_obsolete_mark_intervals(void)
{
	reset();
	CU_ASSERT_EQUAL(answer("OFMarkInt", "1~65535", NULL), 1);
	CU_ASSERT_STRING_EQUAL(fx.ans, "Reject");
	CU_ASSERT_EQUAL(judge("OFMarkInt", "1~65535", "Reject"), ISCSI_NEG_OK);
	CU_ASSERT_EQUAL(judge("OFMarkInt", "1~65535", NULL), ISCSI_NEG_ILLEGAL);
	CU_ASSERT_EQUAL(judge("OFMarkInt", "1~65535", "NotUnderstood"),
			ISCSI_NEG_ILLEGAL);
	CU_ASSERT_STRING_EQUAL(iscsi_rule_range.name, "range");
}

/* §6.2: own value outside the key range is refused, not answered. */
static void rule_invalid_own_value(void)
{
	reset();
	CU_ASSERT_EQUAL(answer("MaxBurstLength", "65536", "100"), -1);
	CU_ASSERT_EQUAL(answer("InitialR2T", "No", "Maybe"), -1);
	CU_ASSERT_EQUAL(iscsi_key_answer(iscsi_key_find("MaxBurstLength"),
					 "65536", NULL, &fx.ctx, fx.ans, 3),
			-1);
}

/* §13.3: a target answers SendTargets in a discovery session's FFP. */
static void rule_sendtargets_forms(void)
{
	reset();
	fx.ctx.stage = ISCSI_STAGE_FFP;
	fx.ctx.discovery = true;
	CU_ASSERT_EQUAL(answer("SendTargets", "", NULL), 0);
	CU_ASSERT_EQUAL(
	    answer("SendTargets", "iqn.2001-04.com.example:t", NULL), 0);
	CU_ASSERT_FALSE(fx.ctx.protocol_error);
}

/* §13.8: TargetAddress forms, IPv6 in brackets. */
static void rule_target_address_forms(void)
{
	const struct iscsi_key_def *k = iscsi_key_find("TargetAddress");

	CU_ASSERT_EQUAL(
	    iscsi_key_value_check(k, "[2001:db8::1]:3260,1", NULL, 0), 0);
	CU_ASSERT_EQUAL(iscsi_key_value_check(k, "host.example.com", NULL, 0),
			0);
	CU_ASSERT_EQUAL(iscsi_key_value_check(k, "host,2", NULL, 0), 0);
	CU_ASSERT_EQUAL(iscsi_key_value_check(k, "[2001:db8::1", NULL, 0), -1);
	CU_ASSERT_EQUAL(iscsi_key_value_check(k, ":3260", NULL, 0), -1);
	CU_ASSERT_EQUAL(iscsi_key_value_check(k, "h:0", NULL, 0), -1);
	CU_ASSERT_EQUAL(iscsi_key_value_check(k, "h:3260,70000", NULL, 0), -1);
}

/* §6.1: simple values are at most 255 bytes; names 223. */
static void rule_value_length_limits(void)
{
	char v[300];

	memset(v, 'a', sizeof(v));
	v[256] = '\0';
	CU_ASSERT_EQUAL(
	    iscsi_key_value_check(iscsi_key_find("InitiatorAlias"), v, NULL, 0),
	    -1);
	v[255] = '\0';
	CU_ASSERT_EQUAL(
	    iscsi_key_value_check(iscsi_key_find("InitiatorAlias"), v, NULL, 0),
	    0);
	memcpy(v, "iqn.2001-04.com.example:", 24);
	v[224] = '\0';
	CU_ASSERT_EQUAL(
	    iscsi_key_value_check(iscsi_key_find("InitiatorName"), v, NULL, 0),
	    -1);
	v[223] = '\0';
	CU_ASSERT_EQUAL(
	    iscsi_key_value_check(iscsi_key_find("InitiatorName"), v, NULL, 0),
	    0);
}

/* §13.24: a 7143 responder at level 1 answers min(offer, 1). */
static void rule_protocol_level_minimum(void)
{
	reset();
	CU_ASSERT_EQUAL(answer("iSCSIProtocolLevel", "0", "1"), 1);
	CU_ASSERT_STRING_EQUAL(fx.ans, "0");
	CU_ASSERT_EQUAL(answer("iSCSIProtocolLevel", "31", NULL), 1);
	CU_ASSERT_STRING_EQUAL(fx.ans, "1");
}

/* §13.23: TaskReporting answered with a value not offered is illegal. */
static void rule_task_reporting_values(void)
{
	reset();
	CU_ASSERT_EQUAL(answer("TaskReporting", "FastAbort,RFC3720", NULL), 1);
	CU_ASSERT_STRING_EQUAL(fx.ans, "FastAbort");
	CU_ASSERT_EQUAL(answer("TaskReporting", "FastAbort,RFC3720", "RFC3720"),
			1);
	CU_ASSERT_STRING_EQUAL(fx.ans, "RFC3720");
	CU_ASSERT_EQUAL(judge("TaskReporting", "RFC3720", "ResponseFence"),
			ISCSI_NEG_ILLEGAL);
}

/* verdict names, used by reports */
static void rule_verdict_names(void)
{
	CU_ASSERT_STRING_EQUAL(iscsi_neg_verdict_str(ISCSI_NEG_OK), "ok");
	CU_ASSERT_STRING_EQUAL(iscsi_neg_verdict_str(ISCSI_NEG_ILLEGAL),
			       "illegal");
	CU_ASSERT_STRING_EQUAL(iscsi_neg_verdict_str(ISCSI_NEG_FAILED),
			       "failed");
	CU_ASSERT_STRING_EQUAL(iscsi_neg_verdict_str(ISCSI_NEG_WARN), "warn");
}

UNIT_SUITE(
    keys_rules, "keys-rules", UNIT_TEST(rule_unknown_key_not_understood),
    UNIT_TEST(rule_reserved_constant_offered),
    UNIT_TEST(rule_optional_boolean_answers),
    UNIT_TEST(rule_or_responder_yes_wins), UNIT_TEST(rule_and_offer_no_decides),
    UNIT_TEST(rule_list_first_in_offer_order),
    UNIT_TEST(rule_list_none_only_if_offered),
    UNIT_TEST(rule_list_reject_keeps_default),
    UNIT_TEST(rule_no_common_authmethod_fails),
    UNIT_TEST(rule_reject_of_valid_simple_value),
    UNIT_TEST(rule_bad_offer_answered_with_value),
    UNIT_TEST(rule_min_answer_above_offer),
    UNIT_TEST(rule_max_answer_below_offer),
    UNIT_TEST(rule_first_burst_within_max_burst),
    UNIT_TEST(rule_first_burst_irrelevant), UNIT_TEST(rule_leading_only_phase),
    UNIT_TEST(rule_all_keys_in_ffp), UNIT_TEST(rule_security_keys_stage),
    UNIT_TEST(rule_wrong_sender), UNIT_TEST(rule_bad_declaration_fails_login),
    UNIT_TEST(rule_obsolete_markers), UNIT_TEST(rule_obsolete_mark_intervals),
    UNIT_TEST(rule_invalid_own_value), UNIT_TEST(rule_sendtargets_forms),
    UNIT_TEST(rule_target_address_forms), UNIT_TEST(rule_value_length_limits),
    UNIT_TEST(rule_protocol_level_minimum),
    UNIT_TEST(rule_task_reporting_values), UNIT_TEST(rule_verdict_names))
