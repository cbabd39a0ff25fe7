/* SPDX-License-Identifier: MIT */
/*
 * test_wire.c - wire.h layouts, ISID and LUN accessors (RFC 7143 §11).
 */
#include <stddef.h>
#include <string.h>

#include "unit.h"
#include "wire.h"

/* §11.3-§11.19: field offsets as drawn in the RFC's PDU figures */
static void bhs_offsets_follow_rfc_figures(void)
{
	CU_ASSERT_EQUAL(offsetof(struct iscsi_bhs_scsi_cmd, edtl), 20);
	CU_ASSERT_EQUAL(offsetof(struct iscsi_bhs_scsi_cmd, cdb), 32);
	CU_ASSERT_EQUAL(offsetof(struct iscsi_bhs_scsi_rsp, exp_datasn), 36);
	CU_ASSERT_EQUAL(offsetof(struct iscsi_bhs_scsi_rsp, residual), 44);
	CU_ASSERT_EQUAL(offsetof(struct iscsi_bhs_tmf_req, ref_cmdsn), 32);
	CU_ASSERT_EQUAL(offsetof(struct iscsi_bhs_tmf_req, exp_datasn), 36);
	CU_ASSERT_EQUAL(offsetof(struct iscsi_bhs_login_req, isid), 8);
	CU_ASSERT_EQUAL(offsetof(struct iscsi_bhs_login_req, tsih), 14);
	CU_ASSERT_EQUAL(offsetof(struct iscsi_bhs_login_req, cid), 20);
	CU_ASSERT_EQUAL(offsetof(struct iscsi_bhs_login_rsp, status_class), 36);
	CU_ASSERT_EQUAL(offsetof(struct iscsi_bhs_login_rsp, status_detail),
			37);
	CU_ASSERT_EQUAL(offsetof(struct iscsi_bhs_data_out, datasn), 36);
	CU_ASSERT_EQUAL(offsetof(struct iscsi_bhs_data_in, status), 3);
	CU_ASSERT_EQUAL(offsetof(struct iscsi_bhs_data_in, residual), 44);
	CU_ASSERT_EQUAL(offsetof(struct iscsi_bhs_logout_req, cid), 20);
	CU_ASSERT_EQUAL(offsetof(struct iscsi_bhs_logout_rsp, time2wait), 40);
	CU_ASSERT_EQUAL(offsetof(struct iscsi_bhs_logout_rsp, time2retain), 42);
	CU_ASSERT_EQUAL(offsetof(struct iscsi_bhs_snack, begrun), 40);
	CU_ASSERT_EQUAL(offsetof(struct iscsi_bhs_snack, runlength), 44);
	CU_ASSERT_EQUAL(offsetof(struct iscsi_bhs_r2t, r2tsn), 36);
	CU_ASSERT_EQUAL(offsetof(struct iscsi_bhs_r2t, desired_len), 44);
	CU_ASSERT_EQUAL(offsetof(struct iscsi_bhs_async, async_event), 36);
	CU_ASSERT_EQUAL(offsetof(struct iscsi_bhs_async, param3), 42);
	CU_ASSERT_EQUAL(offsetof(struct iscsi_bhs_reject, reason), 2);
	CU_ASSERT_EQUAL(offsetof(struct iscsi_bhs_reject, datasn), 36);
	CU_ASSERT_EQUAL(offsetof(struct iscsi_bhs_nop_in, max_cmdsn), 32);
	CU_ASSERT_EQUAL(offsetof(struct iscsi_bhs_text_rsp, ttt), 20);
}

/* §11.2.1: multi-byte fields are big-endian; DSL is 24 bits */
static void accessors_are_big_endian(void)
{
	uint8_t b[8] = {0};

	iscsi_put24(b, 0x0a0b0c);
	CU_ASSERT(b[0] == 0x0a && b[1] == 0x0b && b[2] == 0x0c);
	CU_ASSERT_EQUAL(iscsi_get24(b), 0x0a0b0c);
	iscsi_put32(b, 0x11223344);
	CU_ASSERT(b[0] == 0x11 && b[3] == 0x44);
	CU_ASSERT_EQUAL(iscsi_pad_len(5), 3);
	CU_ASSERT_EQUAL(iscsi_pad_len(8), 0);
}

/* §11.12.5: ISID 0x00023d000001 is T=0 (OUI), A=0, B=0x023d, C=0, D=1 */
static void isid_oui_format_splits_into_t_a_b_c_d(void)
{
	uint8_t w[6];
	const uint8_t want[6] = {0x00, 0x02, 0x3d, 0x00, 0x00, 0x01};
	struct iscsi_isid_parts p;

	iscsi_isid_put(w, 0x00023d000001ull);
	CU_ASSERT_EQUAL(memcmp(w, want, 6), 0);
	CU_ASSERT_EQUAL(iscsi_isid_get(want), 0x00023d000001ull);
	iscsi_isid_split(0x00023d000001ull, &p);
	CU_ASSERT_EQUAL(p.t, 0);
	CU_ASSERT_EQUAL(p.a, 0);
	CU_ASSERT_EQUAL(p.b, 0x023d);
	CU_ASSERT_EQUAL(p.c, 0);
	CU_ASSERT_EQUAL(p.d, 1);
	CU_ASSERT_EQUAL(iscsi_isid_join(&p), 0x00023d000001ull);
	CU_ASSERT_EQUAL(iscsi_isid_type(0x00023d000001ull), ISCSI_ISID_OUI);
	/* A+B: 22-bit OUI 0x00023d, C+D: qualifier 0x000001 */
	CU_ASSERT_EQUAL(iscsi_isid_naming_authority(0x00023d000001ull),
			0x00023d);
	CU_ASSERT_EQUAL(iscsi_isid_qualifier(0x00023d000001ull), 0x000001);
}

/* §11.12.5: T=01b IANA EN in B+C, T=10b random, T=11b reserved */
static void isid_type_field_selects_format(void)
{
	/* 0x40 | A=0, B+C = EN 0x000137 (311), D = 0x0005 */
	uint64_t en = 0x400001370005ull;

	CU_ASSERT_EQUAL(iscsi_isid_type(en), ISCSI_ISID_EN);
	CU_ASSERT_EQUAL(iscsi_isid_naming_authority(en), 0x000137);
	CU_ASSERT_EQUAL(iscsi_isid_qualifier(en), 0x0005);
	CU_ASSERT_EQUAL(iscsi_isid_type(0x80abcdef0001ull), ISCSI_ISID_RANDOM);
	CU_ASSERT_EQUAL(iscsi_isid_naming_authority(0x80abcdef0001ull),
			0xabcdef);
	CU_ASSERT_EQUAL(iscsi_isid_type(0xc00000000000ull),
			ISCSI_ISID_RESERVED);
	CU_ASSERT_EQUAL(iscsi_isid_naming_authority(0xc00000000000ull), 0);
}

/* SAM-5 §4.7 (via §11.3.4): peripheral addressing below 256 */
static void lun_below_256_uses_peripheral_addressing(void)
{
	uint8_t l[8];
	const uint8_t want[8] = {0x00, 0x05, 0, 0, 0, 0, 0, 0};

	CU_ASSERT_EQUAL(iscsi_lun_encode(l, 5), 0);
	CU_ASSERT_EQUAL(memcmp(l, want, 8), 0);
	CU_ASSERT_EQUAL(iscsi_lun_decode(want), 5);
	CU_ASSERT_EQUAL(iscsi_lun_method(want), ISCSI_LUN_PERIPHERAL);
}

/* SAM-5 §4.7: flat space addressing (01b) up to 16383 */
static void lun_up_to_16383_uses_flat_space_addressing(void)
{
	uint8_t l[8];
	const uint8_t want[8] = {0x41, 0x2c, 0, 0, 0, 0, 0, 0}; /* 300 */
	const uint8_t flat5[8] = {0x40, 0x05, 0, 0, 0, 0, 0, 0};

	CU_ASSERT_EQUAL(iscsi_lun_encode(l, 300), 0);
	CU_ASSERT_EQUAL(memcmp(l, want, 8), 0);
	CU_ASSERT_EQUAL(iscsi_lun_decode(want), 300);
	CU_ASSERT_EQUAL(iscsi_lun_decode(flat5), 5);
	CU_ASSERT_EQUAL(iscsi_lun_encode(l, 16383), 0);
	CU_ASSERT(l[0] == 0x7f && l[1] == 0xff);
	CU_ASSERT_EQUAL(iscsi_lun_encode(l, 16384), -1);
}

/* SAM-5 §4.7: formats other than single-level 00b/01b are not decoded */
static void lun_other_formats_are_not_decoded(void)
{
	const uint8_t logical[8] = {0x80, 0x01, 0, 0, 0, 0, 0, 0};
	const uint8_t extended[8] = {0xc0, 0x01, 0, 0, 0, 0, 0, 0};
	const uint8_t bus[8] = {0x01, 0x01, 0, 0, 0, 0, 0, 0};
	const uint8_t level2[8] = {0x00, 0x01, 0x00, 0x02, 0, 0, 0, 0};

	CU_ASSERT_EQUAL(iscsi_lun_decode(logical), -1);
	CU_ASSERT_EQUAL(iscsi_lun_decode(extended), -1);
	CU_ASSERT_EQUAL(iscsi_lun_decode(bus), -1);
	CU_ASSERT_EQUAL(iscsi_lun_decode(level2), -1);
	CU_ASSERT_EQUAL(iscsi_lun_method(logical), ISCSI_LUN_LOGICAL_UNIT);
}

/* §11.5.1, §11.6.1, §11.13.5, §11.16.1, §11.17.1: code points */
static void enum_values_match_rfc_code_points(void)
{
	CU_ASSERT_EQUAL(ISCSI_TMF_TASK_REASSIGN, 8);
	CU_ASSERT_EQUAL(ISCSI_TMF_TARGET_COLD_RESET, 7);
	CU_ASSERT_EQUAL(ISCSI_TMF_RSP_REJECTED, 255);
	CU_ASSERT_EQUAL(ISCSI_LOGIN_STATUS_INVALID_REQUEST, 0x020b);
	CU_ASSERT_EQUAL(ISCSI_LOGIN_STATUS_NO_RESOURCES, 0x0302);
	CU_ASSERT_EQUAL(ISCSI_SNACK_RDATA, 3);
	CU_ASSERT_EQUAL(ISCSI_REJECT_INVALID_PDU_FIELD, 0x09);
	CU_ASSERT_EQUAL(ISCSI_REJECT_WAITING_FOR_LOGOUT, 0x0c);
	CU_ASSERT_EQUAL(ISCSI_ASYNC_NEGOTIATION_REQUEST, 4);
	CU_ASSERT_EQUAL(ISCSI_STAGE_FFP, 3);
	CU_ASSERT_EQUAL(ISCSI_LOGIN_CSG_MASK, 0x0c);
	CU_ASSERT_EQUAL(ISCSI_AHS_BIDI_READ_LEN, 2);
}

UNIT_SUITE(wire, "wire",
	   UNIT_TEST(bhs_offsets_follow_rfc_figures),
	   UNIT_TEST(accessors_are_big_endian),
	   UNIT_TEST(isid_oui_format_splits_into_t_a_b_c_d),
	   UNIT_TEST(isid_type_field_selects_format),
	   UNIT_TEST(lun_below_256_uses_peripheral_addressing),
	   UNIT_TEST(lun_up_to_16383_uses_flat_space_addressing),
	   UNIT_TEST(lun_other_formats_are_not_decoded),
	   UNIT_TEST(enum_values_match_rfc_code_points))
