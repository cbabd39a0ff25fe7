/* SPDX-License-Identifier: MIT */
/*
 * codec.h - typed pack/unpack of every BHS kind (RFC 7143 §11.3-§11.19).
 *
 * Each BHS kind has a host-order field struct and a pack/unpack pair.
 * pack writes opcode, flags and every field the struct names, sets the I
 * bit where the struct has `immediate` (and always for Login, §11.12),
 * and zeroes every other byte except TotalAHSLength and DataSegmentLength,
 * which belong to the PDU's segments (iscsi_pdu_encode sets them).
 * unpack fills every field; reserved bytes are checked separately with
 * iscsi_bhs_reserved_zero. LUNs stay as their 8 wire bytes (wire.h has
 * iscsi_lun_encode/decode).
 */
#ifndef ISCSI_CTS_CODEC_H
#define ISCSI_CTS_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "pdu.h"
#include "wire.h"

/* §11.18 */
struct iscsi_nop_out_f {
	bool immediate;
	uint8_t lun[8];
	uint32_t itt, ttt, cmdsn, exp_statsn;
};
/* §11.3 */
struct iscsi_scsi_cmd_f {
	bool immediate, final, read, write;
	uint8_t attr; /* enum iscsi_task_attr */
	uint8_t lun[8];
	uint32_t itt, edtl, cmdsn, exp_statsn;
	uint8_t cdb[ISCSI_CDB_BHS_LEN]; /* first 16 bytes; rest in AHS 1 */
};
/* §11.5 */
struct iscsi_tmf_req_f {
	bool immediate;
	uint8_t function; /* enum iscsi_tmf_function */
	uint8_t lun[8];
	uint32_t itt, ref_task_tag, cmdsn, exp_statsn, ref_cmdsn, exp_datasn;
};
/* §11.12 */
struct iscsi_login_req_f {
	bool transit, cont;
	uint8_t csg, nsg, version_max, version_min;
	uint64_t isid;
	uint16_t tsih, cid;
	uint32_t itt, cmdsn, exp_statsn;
};
/* §11.10 */
struct iscsi_text_req_f {
	bool immediate, final, cont;
	uint8_t lun[8];
	uint32_t itt, ttt, cmdsn, exp_statsn;
};
/* §11.7.1 */
struct iscsi_data_out_f {
	bool final;
	uint8_t lun[8];
	uint32_t itt, ttt, exp_statsn, datasn, buffer_offset;
};
/* §11.14 */
struct iscsi_logout_req_f {
	bool immediate;
	uint8_t reason; /* enum iscsi_logout_reason */
	uint16_t cid;
	uint32_t itt, cmdsn, exp_statsn;
};
/* §11.16 */
struct iscsi_snack_f {
	uint8_t type; /* enum iscsi_snack_type */
	uint8_t lun[8];
	uint32_t itt, ttt, exp_statsn, begrun, runlength; /* ttt: or SNACK Tag */
};
/* §11.19 */
struct iscsi_nop_in_f {
	uint8_t lun[8];
	uint32_t itt, ttt, statsn, exp_cmdsn, max_cmdsn;
};
/* §11.4 */
struct iscsi_scsi_rsp_f {
	bool bidi_overflow, bidi_underflow, overflow, underflow; /* o u O U */
	uint8_t response, status;
	uint32_t itt, snack_tag, statsn, exp_cmdsn, max_cmdsn, exp_datasn;
	uint32_t bidi_residual, residual;
};
/* §11.6 */
struct iscsi_tmf_rsp_f {
	uint8_t response; /* enum iscsi_tmf_response */
	uint32_t itt, statsn, exp_cmdsn, max_cmdsn;
};
/* §11.13 */
struct iscsi_login_rsp_f {
	bool transit, cont;
	uint8_t csg, nsg, version_max, version_active;
	uint64_t isid;
	uint16_t tsih;
	uint32_t itt, statsn, exp_cmdsn, max_cmdsn;
	uint8_t status_class, status_detail;
};
/* §11.11 */
struct iscsi_text_rsp_f {
	bool final, cont;
	uint8_t lun[8];
	uint32_t itt, ttt, statsn, exp_cmdsn, max_cmdsn;
};
/* §11.7.2 */
struct iscsi_data_in_f {
	bool final, ack, overflow, underflow, status_present; /* F A O U S */
	uint8_t status;
	uint8_t lun[8];
	uint32_t itt, ttt, statsn, exp_cmdsn, max_cmdsn, datasn;
	uint32_t buffer_offset, residual;
};
/* §11.15 */
struct iscsi_logout_rsp_f {
	uint8_t response; /* enum iscsi_logout_response */
	uint32_t itt, statsn, exp_cmdsn, max_cmdsn;
	uint16_t time2wait, time2retain;
};
/* §11.8 */
struct iscsi_r2t_f {
	uint8_t lun[8];
	uint32_t itt, ttt, statsn, exp_cmdsn, max_cmdsn, r2tsn;
	uint32_t buffer_offset, desired_len;
};
/* §11.9; itt is 0xffffffff on the wire */
struct iscsi_async_f {
	uint8_t lun[8];
	uint32_t itt, statsn, exp_cmdsn, max_cmdsn;
	uint8_t event, vcode; /* enum iscsi_async_event */
	uint16_t param1, param2, param3;
};
/* §11.17; itt is 0xffffffff on the wire */
struct iscsi_reject_f {
	uint8_t reason; /* enum iscsi_reject_reason */
	uint32_t itt, statsn, exp_cmdsn, max_cmdsn, datasn;
};

#define ISCSI_CODEC_DECLARE(kind)                                              \
	void iscsi_##kind##_pack(struct iscsi_bhs *bhs,                        \
				 const struct iscsi_##kind##_f *f);            \
	void iscsi_##kind##_unpack(const struct iscsi_bhs *bhs,                \
				   struct iscsi_##kind##_f *f)

ISCSI_CODEC_DECLARE(nop_out);
ISCSI_CODEC_DECLARE(scsi_cmd);
ISCSI_CODEC_DECLARE(tmf_req);
ISCSI_CODEC_DECLARE(login_req);
ISCSI_CODEC_DECLARE(text_req);
ISCSI_CODEC_DECLARE(data_out);
ISCSI_CODEC_DECLARE(logout_req);
ISCSI_CODEC_DECLARE(snack);
ISCSI_CODEC_DECLARE(nop_in);
ISCSI_CODEC_DECLARE(scsi_rsp);
ISCSI_CODEC_DECLARE(tmf_rsp);
ISCSI_CODEC_DECLARE(login_rsp);
ISCSI_CODEC_DECLARE(text_rsp);
ISCSI_CODEC_DECLARE(data_in);
ISCSI_CODEC_DECLARE(logout_rsp);
ISCSI_CODEC_DECLARE(r2t);
ISCSI_CODEC_DECLARE(async);
ISCSI_CODEC_DECLARE(reject);

/*
 * True when every bit RFC 7143 §11 marks Reserved for this opcode is zero
 * and every bit it fixes to 1 (the "1" in byte 1 of most opcodes, the I
 * bit of a Login Request) is set. Otherwise false, with the first
 * offending byte described in which, e.g. "byte 1 & 0x30 (reserved) is
 * 0x10". Fields that are "X or Reserved" depending on context are not
 * checked. An unknown opcode is reported as such.
 */
bool iscsi_bhs_reserved_zero(const struct iscsi_bhs *bhs, char *which,
			     size_t len);

/* ---- segment helpers ---------------------------------------------------- */

/*
 * SCSI Command CDB (§11.3.5, §11.2.2.3): the first 16 bytes go in the
 * BHS (zero-padded), the rest in an Extended CDB AHS whose AHSLength is
 * cdb_len - 15. Returns 0 or -1 (cdb_len 0, or too long for the AHS).
 */
int iscsi_pdu_set_cdb(struct iscsi_pdu *pdu, const uint8_t *cdb,
		      size_t cdb_len);
/* Whole CDB into out: returns its length (16 + extension), or -1 when
 * out is too small or the AHS list is malformed. */
ssize_t iscsi_pdu_get_cdb(const struct iscsi_pdu *pdu, uint8_t *out,
			  size_t outlen);
/* Bidirectional Read Expected Data Transfer Length AHS (§11.2.2.4):
 * AHSLength 5, one reserved byte, 4-byte length. */
int iscsi_pdu_set_bidi_read_len(struct iscsi_pdu *pdu, uint32_t len);
/* 0 with *len set, or -1 when absent or malformed. */
int iscsi_pdu_get_bidi_read_len(const struct iscsi_pdu *pdu, uint32_t *len);

/* SCSI Response data segment (§11.4.7): SenseLength (2 bytes), sense
 * data, then response data. sense_len 0 with no response data leaves the
 * data segment empty. Returns 0 or -1. */
int iscsi_scsi_rsp_set_sense(struct iscsi_pdu *pdu, const uint8_t *sense,
			     size_t sense_len, const uint8_t *rsp_data,
			     size_t rsp_len);
/* Splits the data segment: 0 with sense (may be NULL/0) and the response
 * data after it, or -1 when SenseLength overruns DataSegmentLength. */
int iscsi_scsi_rsp_get_sense(const struct iscsi_pdu *pdu,
			     const uint8_t **sense, size_t *sense_len,
			     const uint8_t **rsp_data, size_t *rsp_len);

/* Reject data segment (§11.17): the complete header of the rejected PDU,
 * its BHS followed by its AHS. Returns 0 or -1. */
int iscsi_reject_set_rejected(struct iscsi_pdu *reject,
			      const struct iscsi_pdu *bad);
/* Copies the rejected BHS out: 0, or -1 when the data is under 48 bytes. */
int iscsi_reject_get_rejected(const struct iscsi_pdu *reject,
			      struct iscsi_bhs *out);

#endif
