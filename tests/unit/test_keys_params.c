/* SPDX-License-Identifier: MIT */
/*
 * test_keys_params.c - typed parameter sets: RFC 7143 §13 defaults,
 * folding outcomes and declarations in, and the mine/peer merge.
 */
#include <string.h>

#include "keys.h"
#include "unit.h"

/* §13: every default as the RFC states it. */
static void params_rfc_defaults(void)
{
	struct iscsi_params p;

	iscsi_params_defaults(&p);
	CU_ASSERT_FALSE(p.header_digest);		 /* §13.1 None */
	CU_ASSERT_FALSE(p.data_digest);			 /* §13.1 None */
	CU_ASSERT_EQUAL(p.max_connections, 1);		 /* §13.2 */
	CU_ASSERT_TRUE(p.initial_r2t);			 /* §13.10 */
	CU_ASSERT_TRUE(p.immediate_data);		 /* §13.11 */
	CU_ASSERT_EQUAL(p.max_recv_dsl_initiator, 8192); /* §13.12 */
	CU_ASSERT_EQUAL(p.max_recv_dsl_target, 8192);
	CU_ASSERT_EQUAL(p.max_burst, 262144);		       /* §13.13 */
	CU_ASSERT_EQUAL(p.first_burst, 65536);		       /* §13.14 */
	CU_ASSERT_EQUAL(p.default_time2wait, 2);	       /* §13.15 */
	CU_ASSERT_EQUAL(p.default_time2retain, 20);	       /* §13.16 */
	CU_ASSERT_EQUAL(p.max_outstanding_r2t, 1);	       /* §13.17 */
	CU_ASSERT_TRUE(p.data_pdu_in_order);		       /* §13.18 */
	CU_ASSERT_TRUE(p.data_sequence_in_order);	       /* §13.19 */
	CU_ASSERT_EQUAL(p.erl, 0);			       /* §13.20 */
	CU_ASSERT_EQUAL(p.session_type, ISCSI_SESSION_NORMAL); /* §13.21 */
	CU_ASSERT_EQUAL(p.task_reporting, ISCSI_TR_RFC3720);   /* §13.23 */
	CU_ASSERT_EQUAL(p.protocol_level, 1);		       /* §13.24 */
	CU_ASSERT_FALSE(p.tpgt_set);
}

/* §13: outcomes fold into typed fields. */
static void params_apply_outcomes(void)
{
	struct iscsi_params p;
	char err[128];

	iscsi_params_defaults(&p);
	CU_ASSERT_EQUAL(iscsi_params_apply(&p, "HeaderDigest", "CRC32C", true,
					   err, sizeof(err)),
			0);
	CU_ASSERT_TRUE(p.header_digest);
	CU_ASSERT_EQUAL(iscsi_params_apply(&p, "MaxBurstLength", "0x10000",
					   true, err, sizeof(err)),
			0);
	CU_ASSERT_EQUAL(p.max_burst, 65536);
	CU_ASSERT_EQUAL(
	    iscsi_params_apply(&p, "InitialR2T", "No", true, err, sizeof(err)),
	    0);
	CU_ASSERT_FALSE(p.initial_r2t);
	CU_ASSERT_EQUAL(iscsi_params_apply(&p, "ErrorRecoveryLevel", "2", false,
					   err, sizeof(err)),
			0);
	CU_ASSERT_EQUAL(p.erl, 2);
	CU_ASSERT_EQUAL(iscsi_params_apply(&p, "SessionType", "Discovery", true,
					   err, sizeof(err)),
			0);
	CU_ASSERT_EQUAL(p.session_type, ISCSI_SESSION_DISCOVERY);
	CU_ASSERT_EQUAL(iscsi_params_apply(&p, "TaskReporting", "FastAbort",
					   false, err, sizeof(err)),
			0);
	CU_ASSERT_EQUAL(p.task_reporting, ISCSI_TR_FAST_ABORT);
	CU_ASSERT_EQUAL(iscsi_params_apply(&p, "TargetPortalGroupTag", "7",
					   false, err, sizeof(err)),
			0);
	CU_ASSERT_TRUE(p.tpgt_set);
	CU_ASSERT_EQUAL(p.target_portal_group_tag, 7);
	CU_ASSERT_EQUAL(iscsi_params_apply(&p, "InitiatorName",
					   "iqn.1998-01.com.example:h", true,
					   err, sizeof(err)),
			0);
	CU_ASSERT_STRING_EQUAL(p.initiator_name, "iqn.1998-01.com.example:h");
}

/* §13.12: MaxRecvDataSegmentLength is declared per direction. */
static void params_mrdsl_per_direction(void)
{
	struct iscsi_params p;

	iscsi_params_defaults(&p);
	CU_ASSERT_EQUAL(iscsi_params_apply(&p, "MaxRecvDataSegmentLength",
					   "262144", true, NULL, 0),
			0);
	CU_ASSERT_EQUAL(iscsi_params_apply(&p, "MaxRecvDataSegmentLength",
					   "16384", false, NULL, 0),
			0);
	CU_ASSERT_EQUAL(p.max_recv_dsl_initiator, 262144);
	CU_ASSERT_EQUAL(p.max_recv_dsl_target, 16384);
}

/* §6.2: Reject/Irrelevant/NotUnderstood leave the value as it was. */
static void params_reserved_answers_keep_value(void)
{
	struct iscsi_params p;

	iscsi_params_defaults(&p);
	CU_ASSERT_EQUAL(
	    iscsi_params_apply(&p, "MaxBurstLength", "Reject", false, NULL, 0),
	    0);
	CU_ASSERT_EQUAL(iscsi_params_apply(&p, "FirstBurstLength", "Irrelevant",
					   false, NULL, 0),
			0);
	CU_ASSERT_EQUAL(p.max_burst, 262144);
	CU_ASSERT_EQUAL(p.first_burst, 65536);
}

/* §13: out-of-range, offers and unknown keys are refused. */
static void params_apply_refuses_bad_input(void)
{
	struct iscsi_params p;
	char err[128] = "";

	iscsi_params_defaults(&p);
	CU_ASSERT_EQUAL(iscsi_params_apply(&p, "MaxBurstLength", "511", true,
					   err, sizeof(err)),
			-1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "13.13"));
	CU_ASSERT_EQUAL(iscsi_params_apply(&p, "HeaderDigest", "CRC32C,None",
					   true, err, sizeof(err)),
			-1);
	CU_ASSERT_EQUAL(
	    iscsi_params_apply(&p, "Bogus", "1", true, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(iscsi_params_apply(&p, "X-com.example.x", "1", true,
					   err, sizeof(err)),
			0);
	CU_ASSERT_EQUAL(p.max_burst, 262144);
	CU_ASSERT_FALSE(p.header_digest);
}

/* §13 result functions applied field by field. */
static void params_merge_result_functions(void)
{
	struct iscsi_params ini, tgt, a;

	iscsi_params_defaults(&ini);
	iscsi_params_defaults(&tgt);
	ini.header_digest = true;
	tgt.header_digest = true;
	ini.data_digest = true;
	ini.max_connections = 8;
	tgt.max_connections = 4;
	ini.initial_r2t = false;
	tgt.initial_r2t = false;
	ini.immediate_data = true;
	tgt.immediate_data = false;
	ini.max_burst = 1048576;
	tgt.max_burst = 524288;
	ini.first_burst = 131072;
	tgt.first_burst = 262144;
	ini.default_time2wait = 2;
	tgt.default_time2wait = 10;
	ini.default_time2retain = 20;
	tgt.default_time2retain = 0;
	ini.data_pdu_in_order = false;
	tgt.data_pdu_in_order = true;
	ini.erl = 2;
	tgt.erl = 1;
	ini.max_recv_dsl_initiator = 262144;
	tgt.max_recv_dsl_target = 65536;
	ini.protocol_level = 2;
	tgt.protocol_level = 1;
	CU_ASSERT_EQUAL(iscsi_params_merge(&ini, &tgt, true, &a, NULL, 0), 0);
	CU_ASSERT_TRUE(a.header_digest);
	CU_ASSERT_FALSE(a.data_digest);
	CU_ASSERT_EQUAL(a.max_connections, 4);
	CU_ASSERT_FALSE(a.initial_r2t);
	CU_ASSERT_FALSE(a.immediate_data);
	CU_ASSERT_EQUAL(a.max_burst, 524288);
	CU_ASSERT_EQUAL(a.first_burst, 131072);
	CU_ASSERT_EQUAL(a.default_time2wait, 10);
	CU_ASSERT_EQUAL(a.default_time2retain, 0);
	CU_ASSERT_TRUE(a.data_pdu_in_order);
	CU_ASSERT_EQUAL(a.erl, 1);
	CU_ASSERT_EQUAL(a.max_recv_dsl_initiator, 262144);
	CU_ASSERT_EQUAL(a.max_recv_dsl_target, 65536);
	CU_ASSERT_EQUAL(a.protocol_level, 1);
}

/* §13: the merge is symmetric in who calls it. */
static void params_merge_from_target_side(void)
{
	struct iscsi_params ini, tgt, a, b;

	iscsi_params_defaults(&ini);
	iscsi_params_defaults(&tgt);
	ini.max_recv_dsl_initiator = 4096;
	tgt.max_recv_dsl_target = 131072;
	ini.max_burst = 65536;
	ini.session_type = ISCSI_SESSION_DISCOVERY;
	tgt.tpgt_set = true;
	tgt.target_portal_group_tag = 3;
	CU_ASSERT_EQUAL(iscsi_params_merge(&ini, &tgt, true, &a, NULL, 0), 0);
	CU_ASSERT_EQUAL(iscsi_params_merge(&tgt, &ini, false, &b, NULL, 0), 0);
	CU_ASSERT_EQUAL(b.max_recv_dsl_initiator, 4096);
	CU_ASSERT_EQUAL(b.max_recv_dsl_target, 131072);
	CU_ASSERT_EQUAL(b.max_burst, 65536);
	CU_ASSERT_EQUAL(b.session_type, ISCSI_SESSION_DISCOVERY);
	CU_ASSERT_EQUAL(b.target_portal_group_tag, 3);
	CU_ASSERT_EQUAL(memcmp(&a, &b, sizeof(a)), 0);
}

/* §13.14: FirstBurstLength is clamped to MaxBurstLength. */
static void params_merge_clamps_first_burst(void)
{
	struct iscsi_params ini, tgt, a;
	char err[128] = "";

	iscsi_params_defaults(&ini);
	iscsi_params_defaults(&tgt);
	ini.max_burst = 16384;
	ini.first_burst = 65536;
	CU_ASSERT_EQUAL(
	    iscsi_params_merge(&ini, &tgt, true, &a, err, sizeof(err)), 1);
	CU_ASSERT_EQUAL(a.first_burst, 16384);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "13.14"));
}

/* §13: sets with out-of-range values are refused by the merge. */
static void params_merge_refuses_out_of_range(void)
{
	struct iscsi_params ini, tgt, a;
	char err[128] = "";

	iscsi_params_defaults(&ini);
	iscsi_params_defaults(&tgt);
	tgt.erl = 3;
	CU_ASSERT_EQUAL(
	    iscsi_params_merge(&ini, &tgt, true, &a, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "ErrorRecoveryLevel"));
	tgt.erl = 0;
	ini.max_recv_dsl_initiator = 100;
	CU_ASSERT_EQUAL(
	    iscsi_params_merge(&ini, &tgt, true, &a, err, sizeof(err)), -1);
}

UNIT_SUITE(keys_params, "keys-params", UNIT_TEST(params_rfc_defaults),
	   UNIT_TEST(params_apply_outcomes),
	   UNIT_TEST(params_mrdsl_per_direction),
	   UNIT_TEST(params_reserved_answers_keep_value),
	   UNIT_TEST(params_apply_refuses_bad_input),
	   UNIT_TEST(params_merge_result_functions),
	   UNIT_TEST(params_merge_from_target_side),
	   UNIT_TEST(params_merge_clamps_first_burst),
	   UNIT_TEST(params_merge_refuses_out_of_range))
