/* SPDX-License-Identifier: MIT */
/*
 * wire.h - iSCSI PDU wire format (RFC 7143 §11).
 *
 * One struct per Basic Header Segment kind, every multi-byte field a byte
 * array read and written through the big-endian accessors below (no
 * bitfields, no host-order integers, no padding), and a compile-time size
 * check after each struct.
 */
#ifndef ISCSI_CTS_WIRE_H
#define ISCSI_CTS_WIRE_H

#include <stddef.h>
#include <stdint.h>

#define ISCSI_BHS_LEN 48u
#define ISCSI_DIGEST_LEN 4u
#define ISCSI_RSVD_TAG 0xffffffffu /* reserved ITT/TTT value (§11.2.1.7) */
#define ISCSI_DSL_MAX 0xffffffu    /* DataSegmentLength is 24 bits */
#define ISCSI_AHS_MAX (255u * 4u)  /* TotalAHSLength is in 4-byte words */

/* Opcodes (RFC 7143 §11.2.1.2). */
enum iscsi_opcode {
	/* initiator opcodes */
	ISCSI_OP_NOP_OUT = 0x00,
	ISCSI_OP_SCSI_CMD = 0x01,
	ISCSI_OP_TMF_REQ = 0x02,
	ISCSI_OP_LOGIN_REQ = 0x03,
	ISCSI_OP_TEXT_REQ = 0x04,
	ISCSI_OP_DATA_OUT = 0x05,
	ISCSI_OP_LOGOUT_REQ = 0x06,
	ISCSI_OP_SNACK_REQ = 0x10,
	/* target opcodes */
	ISCSI_OP_NOP_IN = 0x20,
	ISCSI_OP_SCSI_RSP = 0x21,
	ISCSI_OP_TMF_RSP = 0x22,
	ISCSI_OP_LOGIN_RSP = 0x23,
	ISCSI_OP_TEXT_RSP = 0x24,
	ISCSI_OP_DATA_IN = 0x25,
	ISCSI_OP_LOGOUT_RSP = 0x26,
	ISCSI_OP_R2T = 0x31,
	ISCSI_OP_ASYNC_MSG = 0x32,
	ISCSI_OP_REJECT = 0x3f,
};

/* Byte 0 of every BHS. */
#define ISCSI_OPCODE_MASK 0x3fu
#define ISCSI_OP_IMMEDIATE 0x40u /* I bit, initiator PDUs only */
/* Byte 1: the F (final) bit is common to most opcodes. */
#define ISCSI_FLAG_FINAL 0x80u

/* Big-endian accessors: every multi-byte wire field goes through these. */
static inline uint16_t iscsi_get16(const uint8_t *p)
{
	return (uint16_t)((uint16_t)p[0] << 8 | p[1]);
}
static inline uint32_t iscsi_get24(const uint8_t *p)
{
	return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
}
static inline uint32_t iscsi_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}
static inline uint64_t iscsi_get48(const uint8_t *p)
{
	return (uint64_t)iscsi_get16(p) << 32 | iscsi_get32(p + 2);
}
static inline uint64_t iscsi_get64(const uint8_t *p)
{
	return (uint64_t)iscsi_get32(p) << 32 | iscsi_get32(p + 4);
}
static inline void iscsi_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}
static inline void iscsi_put24(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 16);
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)v;
}
static inline void iscsi_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}
static inline void iscsi_put48(uint8_t *p, uint64_t v)
{
	iscsi_put16(p, (uint16_t)(v >> 32));
	iscsi_put32(p + 2, (uint32_t)v);
}
static inline void iscsi_put64(uint8_t *p, uint64_t v)
{
	iscsi_put32(p, (uint32_t)(v >> 32));
	iscsi_put32(p + 4, (uint32_t)v);
}

/* Bytes needed to pad n up to a 4-byte boundary (§11.1). */
static inline size_t iscsi_pad_len(size_t n)
{
	return (4u - (n & 3u)) & 3u;
}

/* The layout common to every BHS (§11.2.1). */
struct iscsi_bhs {
	uint8_t opcode; /* I bit | opcode */
	uint8_t flags;
	uint8_t opspec1[2];
	uint8_t total_ahs_len; /* in 4-byte words */
	uint8_t dsl[3];	       /* DataSegmentLength, excluding padding */
	uint8_t lun[8];	       /* or opcode-specific */
	uint8_t itt[4];
	uint8_t opspec2[28];
};
_Static_assert(sizeof(struct iscsi_bhs) == ISCSI_BHS_LEN, "BHS is 48 bytes");

static inline unsigned iscsi_bhs_opcode(const struct iscsi_bhs *h)
{
	return h->opcode & ISCSI_OPCODE_MASK;
}
static inline int iscsi_bhs_immediate(const struct iscsi_bhs *h)
{
	return (h->opcode & ISCSI_OP_IMMEDIATE) != 0;
}
static inline size_t iscsi_bhs_ahs_bytes(const struct iscsi_bhs *h)
{
	return (size_t)h->total_ahs_len * 4u;
}
static inline uint32_t iscsi_bhs_dsl(const struct iscsi_bhs *h)
{
	return iscsi_get24(h->dsl);
}
static inline void iscsi_bhs_set_dsl(struct iscsi_bhs *h, uint32_t len)
{
	iscsi_put24(h->dsl, len);
}
static inline uint32_t iscsi_bhs_itt(const struct iscsi_bhs *h)
{
	return iscsi_get32(h->itt);
}
static inline void iscsi_bhs_set_itt(struct iscsi_bhs *h, uint32_t itt)
{
	iscsi_put32(h->itt, itt);
}

/* Generic accessors for the fields most opcodes share. */
static inline uint32_t iscsi_bhs_get32(const struct iscsi_bhs *h, size_t off)
{
	return iscsi_get32((const uint8_t *)h + off);
}
static inline void iscsi_bhs_put32(struct iscsi_bhs *h, size_t off, uint32_t v)
{
	iscsi_put32((uint8_t *)h + off, v);
}
static inline uint16_t iscsi_bhs_get16(const struct iscsi_bhs *h, size_t off)
{
	return iscsi_get16((const uint8_t *)h + off);
}
static inline void iscsi_bhs_put16(struct iscsi_bhs *h, size_t off, uint16_t v)
{
	iscsi_put16((uint8_t *)h + off, v);
}

/*
 * Per-opcode layouts (RFC 7143 §11.3-§11.19). Byte 0 is always
 * ".|I|opcode", bytes 4-7 TotalAHSLength and DataSegmentLength, bytes
 * 16-19 the Initiator Task Tag; "rsvd" members are Reserved in the RFC.
 */

/* Byte 0 is ".|I|opcode": bit 7 is reserved (§11.2.1.1). */
#define ISCSI_OP_RSVD_BIT 0x80u

/* §11.18 NOP-Out (0x00) */
struct iscsi_bhs_nop_out {
	uint8_t opcode;
	uint8_t flags; /* F = 1 */
	uint8_t rsvd2[2];
	uint8_t total_ahs_len;
	uint8_t dsl[3];
	uint8_t lun[8];
	uint8_t itt[4];
	uint8_t ttt[4];
	uint8_t cmdsn[4];
	uint8_t exp_statsn[4];
	uint8_t rsvd32[16];
};
_Static_assert(sizeof(struct iscsi_bhs_nop_out) == 48, "NOP-Out is 48 bytes");

/* §11.3 SCSI Command (0x01) */
struct iscsi_bhs_scsi_cmd {
	uint8_t opcode;
	uint8_t flags; /* F R W . . ATTR */
	uint8_t rsvd2[2];
	uint8_t total_ahs_len;
	uint8_t dsl[3];
	uint8_t lun[8];
	uint8_t itt[4];
	uint8_t edtl[4]; /* Expected Data Transfer Length */
	uint8_t cmdsn[4];
	uint8_t exp_statsn[4];
	uint8_t cdb[16];
};
_Static_assert(sizeof(struct iscsi_bhs_scsi_cmd) == 48, "SCSI Command is 48");

#define ISCSI_CDB_BHS_LEN 16u /* CDB bytes carried in the BHS (§11.3.5) */
#define ISCSI_SCSI_CMD_F 0x80u
#define ISCSI_SCSI_CMD_R 0x40u
#define ISCSI_SCSI_CMD_W 0x20u
#define ISCSI_SCSI_CMD_RSVD 0x18u
#define ISCSI_SCSI_CMD_ATTR_MASK 0x07u

/* §11.3.1.3 task attributes (ATTR) */
enum iscsi_task_attr {
	ISCSI_ATTR_UNTAGGED = 0,
	ISCSI_ATTR_SIMPLE = 1,
	ISCSI_ATTR_ORDERED = 2,
	ISCSI_ATTR_HEAD_OF_QUEUE = 3,
	ISCSI_ATTR_ACA = 4,
};

/* §11.5 Task Management Function Request (0x02) */
struct iscsi_bhs_tmf_req {
	uint8_t opcode;
	uint8_t flags; /* 1 | Function */
	uint8_t rsvd2[2];
	uint8_t total_ahs_len;
	uint8_t dsl[3];
	uint8_t lun[8];
	uint8_t itt[4];
	uint8_t ref_task_tag[4];
	uint8_t cmdsn[4];
	uint8_t exp_statsn[4];
	uint8_t ref_cmdsn[4];
	uint8_t exp_datasn[4];
	uint8_t rsvd40[8];
};
_Static_assert(sizeof(struct iscsi_bhs_tmf_req) == 48, "TMF Request is 48");

#define ISCSI_TMF_FUNC_MASK 0x7fu

/* §11.5.1 functions; 9-12 are assigned by RFC 7144 §4.1. */
enum iscsi_tmf_function {
	ISCSI_TMF_ABORT_TASK = 1,
	ISCSI_TMF_ABORT_TASK_SET = 2,
	ISCSI_TMF_CLEAR_ACA = 3,
	ISCSI_TMF_CLEAR_TASK_SET = 4,
	ISCSI_TMF_LOGICAL_UNIT_RESET = 5,
	ISCSI_TMF_TARGET_WARM_RESET = 6,
	ISCSI_TMF_TARGET_COLD_RESET = 7,
	ISCSI_TMF_TASK_REASSIGN = 8,
	ISCSI_TMF_QUERY_TASK = 9,
	ISCSI_TMF_QUERY_TASK_SET = 10,
	ISCSI_TMF_I_T_NEXUS_RESET = 11,
	ISCSI_TMF_QUERY_ASYNC_EVENT = 12,
};

/* §11.6.1 responses; 7 is assigned by RFC 7144 §4.2. */
enum iscsi_tmf_response {
	ISCSI_TMF_RSP_COMPLETE = 0,
	ISCSI_TMF_RSP_NO_TASK = 1,
	ISCSI_TMF_RSP_NO_LUN = 2,
	ISCSI_TMF_RSP_TASK_ALLEGIANT = 3,
	ISCSI_TMF_RSP_NO_FAILOVER = 4, /* allegiance reassignment unsupported */
	ISCSI_TMF_RSP_NOT_SUPPORTED = 5,
	ISCSI_TMF_RSP_AUTH_FAILED = 6,
	ISCSI_TMF_RSP_SUCCEEDED = 7,
	ISCSI_TMF_RSP_REJECTED = 255,
};

/* §11.12 Login Request (0x03) */
struct iscsi_bhs_login_req {
	uint8_t opcode; /* I bit always 1 */
	uint8_t flags;	/* T C . . CSG NSG */
	uint8_t version_max;
	uint8_t version_min;
	uint8_t total_ahs_len;
	uint8_t dsl[3];
	uint8_t isid[6];
	uint8_t tsih[2];
	uint8_t itt[4];
	uint8_t cid[2];
	uint8_t rsvd22[2];
	uint8_t cmdsn[4];
	uint8_t exp_statsn[4];
	uint8_t rsvd32[16];
};
_Static_assert(sizeof(struct iscsi_bhs_login_req) == 48, "Login Request is 48");

/* Byte 1 of Login Request and Response (§11.12.1-§11.12.3). */
#define ISCSI_LOGIN_T 0x80u
#define ISCSI_LOGIN_C 0x40u
#define ISCSI_LOGIN_RSVD 0x30u
#define ISCSI_LOGIN_CSG_MASK 0x0cu
#define ISCSI_LOGIN_CSG_SHIFT 2
#define ISCSI_LOGIN_NSG_MASK 0x03u
#define ISCSI_LOGIN_NSG_SHIFT 0

/* §11.12.3 login stages (CSG/NSG); 2 is reserved. */
enum iscsi_login_stage {
	ISCSI_STAGE_SECURITY = 0,
	ISCSI_STAGE_OPERATIONAL = 1,
	ISCSI_STAGE_FFP = 3,
};

/* §11.10 Text Request (0x04) */
struct iscsi_bhs_text_req {
	uint8_t opcode;
	uint8_t flags; /* F C */
	uint8_t rsvd2[2];
	uint8_t total_ahs_len;
	uint8_t dsl[3];
	uint8_t lun[8];
	uint8_t itt[4];
	uint8_t ttt[4];
	uint8_t cmdsn[4];
	uint8_t exp_statsn[4];
	uint8_t rsvd32[16];
};
_Static_assert(sizeof(struct iscsi_bhs_text_req) == 48, "Text Request is 48");

/* Byte 1 of Text Request and Response (§11.10.1, §11.10.2). */
#define ISCSI_TEXT_F 0x80u
#define ISCSI_TEXT_C 0x40u
#define ISCSI_TEXT_RSVD 0x3fu

/* §11.7 SCSI Data-Out (0x05) */
struct iscsi_bhs_data_out {
	uint8_t opcode;
	uint8_t flags; /* F */
	uint8_t rsvd2[2];
	uint8_t total_ahs_len;
	uint8_t dsl[3];
	uint8_t lun[8];
	uint8_t itt[4];
	uint8_t ttt[4];
	uint8_t rsvd24[4];
	uint8_t exp_statsn[4];
	uint8_t rsvd32[4];
	uint8_t datasn[4];
	uint8_t buffer_offset[4];
	uint8_t rsvd44[4];
};
_Static_assert(sizeof(struct iscsi_bhs_data_out) == 48, "Data-Out is 48");

#define ISCSI_DATA_OUT_F 0x80u
#define ISCSI_DATA_OUT_RSVD 0x7fu

/* §11.14 Logout Request (0x06) */
struct iscsi_bhs_logout_req {
	uint8_t opcode;
	uint8_t flags; /* 1 | Reason Code */
	uint8_t rsvd2[2];
	uint8_t total_ahs_len;
	uint8_t dsl[3];
	uint8_t rsvd8[8];
	uint8_t itt[4];
	uint8_t cid[2];
	uint8_t rsvd22[2];
	uint8_t cmdsn[4];
	uint8_t exp_statsn[4];
	uint8_t rsvd32[16];
};
_Static_assert(sizeof(struct iscsi_bhs_logout_req) == 48, "Logout Req is 48");

#define ISCSI_LOGOUT_REASON_MASK 0x7fu

/* §11.14.1 reason codes */
enum iscsi_logout_reason {
	ISCSI_LOGOUT_CLOSE_SESSION = 0,
	ISCSI_LOGOUT_CLOSE_CONNECTION = 1,
	ISCSI_LOGOUT_REMOVE_FOR_RECOVERY = 2,
};

/* §11.15.1 responses */
enum iscsi_logout_response {
	ISCSI_LOGOUT_RSP_SUCCESS = 0,
	ISCSI_LOGOUT_RSP_CID_NOT_FOUND = 1,
	ISCSI_LOGOUT_RSP_RECOVERY_UNSUPPORTED = 2,
	ISCSI_LOGOUT_RSP_CLEANUP_FAILED = 3,
};

/* §11.16 SNACK Request (0x10) */
struct iscsi_bhs_snack {
	uint8_t opcode;
	uint8_t flags; /* 1 . . . Type */
	uint8_t rsvd2[2];
	uint8_t total_ahs_len;
	uint8_t dsl[3];
	uint8_t lun[8];
	uint8_t itt[4];
	uint8_t ttt[4]; /* TTT, SNACK Tag or 0xffffffff */
	uint8_t rsvd24[4];
	uint8_t exp_statsn[4];
	uint8_t rsvd32[8];
	uint8_t begrun[4];
	uint8_t runlength[4];
};
_Static_assert(sizeof(struct iscsi_bhs_snack) == 48, "SNACK is 48 bytes");

#define ISCSI_SNACK_TYPE_MASK 0x0fu
#define ISCSI_SNACK_RSVD 0x70u

/* §11.16.1 SNACK types */
enum iscsi_snack_type {
	ISCSI_SNACK_DATA_R2T = 0,
	ISCSI_SNACK_STATUS = 1,
	ISCSI_SNACK_DATA_ACK = 2,
	ISCSI_SNACK_RDATA = 3,
};

/* §11.19 NOP-In (0x20) */
struct iscsi_bhs_nop_in {
	uint8_t opcode;
	uint8_t flags; /* F = 1 */
	uint8_t rsvd2[2];
	uint8_t total_ahs_len;
	uint8_t dsl[3];
	uint8_t lun[8];
	uint8_t itt[4];
	uint8_t ttt[4];
	uint8_t statsn[4];
	uint8_t exp_cmdsn[4];
	uint8_t max_cmdsn[4];
	uint8_t rsvd36[12];
};
_Static_assert(sizeof(struct iscsi_bhs_nop_in) == 48, "NOP-In is 48 bytes");

/* §11.4 SCSI Response (0x21) */
struct iscsi_bhs_scsi_rsp {
	uint8_t opcode;
	uint8_t flags; /* 1 . . o u O U . */
	uint8_t response;
	uint8_t status;
	uint8_t total_ahs_len;
	uint8_t dsl[3];
	uint8_t rsvd8[8];
	uint8_t itt[4];
	uint8_t snack_tag[4];
	uint8_t statsn[4];
	uint8_t exp_cmdsn[4];
	uint8_t max_cmdsn[4];
	uint8_t exp_datasn[4];
	uint8_t bidi_residual[4];
	uint8_t residual[4];
};
_Static_assert(sizeof(struct iscsi_bhs_scsi_rsp) == 48, "SCSI Response is 48");

#define ISCSI_SCSI_RSP_o 0x10u /* bidi read overflow */
#define ISCSI_SCSI_RSP_u 0x08u /* bidi read underflow */
#define ISCSI_SCSI_RSP_O 0x04u /* residual overflow */
#define ISCSI_SCSI_RSP_U 0x02u /* residual underflow */
#define ISCSI_SCSI_RSP_RSVD 0x61u

/* §11.4.3 Response */
enum iscsi_scsi_response {
	ISCSI_RSP_COMPLETED = 0x00,
	ISCSI_RSP_TARGET_FAILURE = 0x01,
};

/* §11.6 Task Management Function Response (0x22) */
struct iscsi_bhs_tmf_rsp {
	uint8_t opcode;
	uint8_t flags; /* 1 */
	uint8_t response;
	uint8_t rsvd3;
	uint8_t total_ahs_len;
	uint8_t dsl[3];
	uint8_t rsvd8[8];
	uint8_t itt[4];
	uint8_t rsvd20[4];
	uint8_t statsn[4];
	uint8_t exp_cmdsn[4];
	uint8_t max_cmdsn[4];
	uint8_t rsvd36[12];
};
_Static_assert(sizeof(struct iscsi_bhs_tmf_rsp) == 48, "TMF Response is 48");

/* §11.13 Login Response (0x23) */
struct iscsi_bhs_login_rsp {
	uint8_t opcode;
	uint8_t flags; /* T C . . CSG NSG */
	uint8_t version_max;
	uint8_t version_active;
	uint8_t total_ahs_len;
	uint8_t dsl[3];
	uint8_t isid[6];
	uint8_t tsih[2];
	uint8_t itt[4];
	uint8_t rsvd20[4];
	uint8_t statsn[4];
	uint8_t exp_cmdsn[4];
	uint8_t max_cmdsn[4];
	uint8_t status_class;
	uint8_t status_detail;
	uint8_t rsvd38[10];
};
_Static_assert(sizeof(struct iscsi_bhs_login_rsp) == 48, "Login Response is 48");

/* §11.13.5 Status-Class << 8 | Status-Detail */
enum iscsi_login_status {
	ISCSI_LOGIN_STATUS_SUCCESS = 0x0000,
	ISCSI_LOGIN_STATUS_TGT_MOVED_TEMP = 0x0101,
	ISCSI_LOGIN_STATUS_TGT_MOVED_PERM = 0x0102,
	ISCSI_LOGIN_STATUS_INIT_ERR = 0x0200,
	ISCSI_LOGIN_STATUS_AUTH_FAILED = 0x0201,
	ISCSI_LOGIN_STATUS_TGT_FORBIDDEN = 0x0202,
	ISCSI_LOGIN_STATUS_TGT_NOT_FOUND = 0x0203,
	ISCSI_LOGIN_STATUS_TGT_REMOVED = 0x0204,
	ISCSI_LOGIN_STATUS_NO_VERSION = 0x0205,
	ISCSI_LOGIN_STATUS_TOO_MANY_CONNS = 0x0206,
	ISCSI_LOGIN_STATUS_MISSING_PARAM = 0x0207,
	ISCSI_LOGIN_STATUS_CANT_INCLUDE = 0x0208,
	ISCSI_LOGIN_STATUS_SESS_TYPE_UNSUPP = 0x0209,
	ISCSI_LOGIN_STATUS_NO_SESSION = 0x020a,
	ISCSI_LOGIN_STATUS_INVALID_REQUEST = 0x020b,
	ISCSI_LOGIN_STATUS_TGT_ERROR = 0x0300,
	ISCSI_LOGIN_STATUS_SVC_UNAVAILABLE = 0x0301,
	ISCSI_LOGIN_STATUS_NO_RESOURCES = 0x0302,
};

/* §11.13.5 Status-Class */
enum iscsi_login_status_class {
	ISCSI_LOGIN_CLASS_SUCCESS = 0,
	ISCSI_LOGIN_CLASS_REDIRECTION = 1,
	ISCSI_LOGIN_CLASS_INITIATOR_ERROR = 2,
	ISCSI_LOGIN_CLASS_TARGET_ERROR = 3,
};

/* §11.11 Text Response (0x24) */
struct iscsi_bhs_text_rsp {
	uint8_t opcode;
	uint8_t flags; /* F C */
	uint8_t rsvd2[2];
	uint8_t total_ahs_len;
	uint8_t dsl[3];
	uint8_t lun[8];
	uint8_t itt[4];
	uint8_t ttt[4];
	uint8_t statsn[4];
	uint8_t exp_cmdsn[4];
	uint8_t max_cmdsn[4];
	uint8_t rsvd36[12];
};
_Static_assert(sizeof(struct iscsi_bhs_text_rsp) == 48, "Text Response is 48");

/* §11.7 SCSI Data-In (0x25) */
struct iscsi_bhs_data_in {
	uint8_t opcode;
	uint8_t flags; /* F A 0 0 0 O U S */
	uint8_t rsvd2;
	uint8_t status; /* valid when S */
	uint8_t total_ahs_len;
	uint8_t dsl[3];
	uint8_t lun[8];
	uint8_t itt[4];
	uint8_t ttt[4];
	uint8_t statsn[4];
	uint8_t exp_cmdsn[4];
	uint8_t max_cmdsn[4];
	uint8_t datasn[4];
	uint8_t buffer_offset[4];
	uint8_t residual[4];
};
_Static_assert(sizeof(struct iscsi_bhs_data_in) == 48, "Data-In is 48 bytes");

#define ISCSI_DATA_IN_F 0x80u
#define ISCSI_DATA_IN_A 0x40u /* acknowledge requested (§11.7.2) */
#define ISCSI_DATA_IN_O 0x04u
#define ISCSI_DATA_IN_U 0x02u
#define ISCSI_DATA_IN_S 0x01u
#define ISCSI_DATA_IN_RSVD 0x38u

/* §11.15 Logout Response (0x26) */
struct iscsi_bhs_logout_rsp {
	uint8_t opcode;
	uint8_t flags; /* 1 */
	uint8_t response;
	uint8_t rsvd3;
	uint8_t total_ahs_len;
	uint8_t dsl[3];
	uint8_t rsvd8[8];
	uint8_t itt[4];
	uint8_t rsvd20[4];
	uint8_t statsn[4];
	uint8_t exp_cmdsn[4];
	uint8_t max_cmdsn[4];
	uint8_t rsvd36[4];
	uint8_t time2wait[2];
	uint8_t time2retain[2];
	uint8_t rsvd44[4];
};
_Static_assert(sizeof(struct iscsi_bhs_logout_rsp) == 48, "Logout Rsp is 48");

/* §11.8 Ready To Transfer (0x31) */
struct iscsi_bhs_r2t {
	uint8_t opcode;
	uint8_t flags; /* 1 */
	uint8_t rsvd2[2];
	uint8_t total_ahs_len;
	uint8_t dsl[3];
	uint8_t lun[8];
	uint8_t itt[4];
	uint8_t ttt[4];
	uint8_t statsn[4];
	uint8_t exp_cmdsn[4];
	uint8_t max_cmdsn[4];
	uint8_t r2tsn[4];
	uint8_t buffer_offset[4];
	uint8_t desired_len[4];
};
_Static_assert(sizeof(struct iscsi_bhs_r2t) == 48, "R2T is 48 bytes");

/* §11.9 Asynchronous Message (0x32) */
struct iscsi_bhs_async {
	uint8_t opcode;
	uint8_t flags; /* 1 */
	uint8_t rsvd2[2];
	uint8_t total_ahs_len;
	uint8_t dsl[3];
	uint8_t lun[8];
	uint8_t itt[4]; /* 0xffffffff */
	uint8_t rsvd20[4];
	uint8_t statsn[4];
	uint8_t exp_cmdsn[4];
	uint8_t max_cmdsn[4];
	uint8_t async_event;
	uint8_t async_vcode;
	uint8_t param1[2];
	uint8_t param2[2];
	uint8_t param3[2];
	uint8_t rsvd44[4];
};
_Static_assert(sizeof(struct iscsi_bhs_async) == 48, "Async Message is 48");

/* §11.9.1 AsyncEvent */
enum iscsi_async_event {
	ISCSI_ASYNC_SCSI_EVENT = 0,
	ISCSI_ASYNC_LOGOUT_REQUEST = 1,
	ISCSI_ASYNC_DROP_CONNECTION = 2,
	ISCSI_ASYNC_DROP_ALL_CONNECTIONS = 3,
	ISCSI_ASYNC_NEGOTIATION_REQUEST = 4,
	ISCSI_ASYNC_VENDOR_SPECIFIC = 255,
};

/* §11.17 Reject (0x3f); its data segment is the rejected PDU's header. */
struct iscsi_bhs_reject {
	uint8_t opcode;
	uint8_t flags; /* 1 */
	uint8_t reason;
	uint8_t rsvd3;
	uint8_t total_ahs_len;
	uint8_t dsl[3];
	uint8_t rsvd8[8];
	uint8_t itt[4]; /* 0xffffffff */
	uint8_t rsvd20[4];
	uint8_t statsn[4];
	uint8_t exp_cmdsn[4];
	uint8_t max_cmdsn[4];
	uint8_t datasn[4]; /* DataSN/R2TSN or reserved */
	uint8_t rsvd40[8];
};
_Static_assert(sizeof(struct iscsi_bhs_reject) == 48, "Reject is 48 bytes");

/* §11.17.1 reasons */
enum iscsi_reject_reason {
	ISCSI_REJECT_RESERVED = 0x01,
	ISCSI_REJECT_DATA_DIGEST = 0x02,
	ISCSI_REJECT_SNACK = 0x03,
	ISCSI_REJECT_PROTOCOL_ERROR = 0x04,
	ISCSI_REJECT_CMD_NOT_SUPPORTED = 0x05,
	ISCSI_REJECT_IMM_CMD_REJECT = 0x06,
	ISCSI_REJECT_TASK_IN_PROGRESS = 0x07,
	ISCSI_REJECT_INVALID_DATA_ACK = 0x08,
	ISCSI_REJECT_INVALID_PDU_FIELD = 0x09,
	ISCSI_REJECT_LONG_OP = 0x0a, /* out of resources for a TTT */
	ISCSI_REJECT_DEPRECATED = 0x0b, /* was "negotiation reset" */
	ISCSI_REJECT_WAITING_FOR_LOGOUT = 0x0c,
};

/* §11.2.2 Additional Header Segment */
struct iscsi_ahs_hdr {
	uint8_t ahs_len[2]; /* bytes after ahs_type, padding excluded */
	uint8_t ahs_type;
	uint8_t ahs_specific; /* first byte counted by ahs_len */
};
_Static_assert(sizeof(struct iscsi_ahs_hdr) == 4, "AHS header is 4 bytes");

/* §11.2.2.2 AHSType */
enum iscsi_ahs_type {
	ISCSI_AHS_EXTENDED_CDB = 1,
	ISCSI_AHS_BIDI_READ_LEN = 2, /* Expected Bidirectional Read DTL */
};

/* ---- ISID (§11.12.5) ---------------------------------------------------
 *   byte 8: T (2 bits) | A (6 bits); bytes 9-10: B; byte 11: C;
 *   bytes 12-13: D.
 */
enum iscsi_isid_type {
	ISCSI_ISID_OUI = 0,	 /* A+B: 22-bit OUI, C+D: qualifier */
	ISCSI_ISID_EN = 1,	 /* B+C: IANA enterprise number, D: qualifier */
	ISCSI_ISID_RANDOM = 2,	 /* B+C: random, D: qualifier */
	ISCSI_ISID_RESERVED = 3,
};

struct iscsi_isid_parts {
	uint8_t t, a; /* 2 and 6 bits */
	uint16_t b;
	uint8_t c;
	uint16_t d;
};

static inline uint64_t iscsi_isid_get(const uint8_t *p)
{
	return iscsi_get48(p);
}
static inline void iscsi_isid_put(uint8_t *p, uint64_t isid)
{
	iscsi_put48(p, isid & 0xffffffffffffull);
}
static inline void iscsi_isid_split(uint64_t isid, struct iscsi_isid_parts *o)
{
	o->t = (uint8_t)(isid >> 46 & 0x3u);
	o->a = (uint8_t)(isid >> 40 & 0x3fu);
	o->b = (uint16_t)(isid >> 24);
	o->c = (uint8_t)(isid >> 16);
	o->d = (uint16_t)isid;
}
static inline uint64_t iscsi_isid_join(const struct iscsi_isid_parts *p)
{
	return (uint64_t)(p->t & 0x3u) << 46 | (uint64_t)(p->a & 0x3fu) << 40 |
	       (uint64_t)p->b << 24 | (uint64_t)p->c << 16 | p->d;
}
static inline enum iscsi_isid_type iscsi_isid_type(uint64_t isid)
{
	return (enum iscsi_isid_type)(isid >> 46 & 0x3u);
}
/* OUI (22 bits), enterprise number or random value (24 bits); 0 when the
 * type is reserved. */
static inline uint32_t iscsi_isid_naming_authority(uint64_t isid)
{
	switch (iscsi_isid_type(isid)) {
	case ISCSI_ISID_OUI:
		return (uint32_t)(isid >> 24 & 0x3fffffu);
	case ISCSI_ISID_EN:
	case ISCSI_ISID_RANDOM:
		return (uint32_t)(isid >> 16 & 0xffffffu);
	default:
		return 0;
	}
}
/* C+D for the OUI format (24 bits), D otherwise. */
static inline uint32_t iscsi_isid_qualifier(uint64_t isid)
{
	if (iscsi_isid_type(isid) == ISCSI_ISID_OUI)
		return (uint32_t)(isid & 0xffffffu);
	return (uint32_t)(isid & 0xffffu);
}

/* ---- LUN (SAM-5 §4.7, carried as 8 bytes per RFC 7143 §11.3.4) ----------
 * First-level addressing only: peripheral device addressing (method 00b,
 * bus 0) for LUN < 256, flat space addressing (01b) for LUN < 16384;
 * the other six bytes zero.
 */
#define ISCSI_LUN_LEN 8u
enum iscsi_lun_method {
	ISCSI_LUN_PERIPHERAL = 0,
	ISCSI_LUN_FLAT = 1,
	ISCSI_LUN_LOGICAL_UNIT = 2,
	ISCSI_LUN_EXTENDED = 3,
};

static inline enum iscsi_lun_method iscsi_lun_method(const uint8_t *p)
{
	return (enum iscsi_lun_method)(p[0] >> 6);
}
/* Fills p[0..8); returns 0, or -1 when lun >= 16384. */
static inline int iscsi_lun_encode(uint8_t *p, uint32_t lun)
{
	if (lun >= 16384u)
		return -1;
	for (unsigned i = 0; i < ISCSI_LUN_LEN; i++)
		p[i] = 0;
	if (lun < 256u) {
		p[1] = (uint8_t)lun;
	} else {
		p[0] = (uint8_t)(0x40u | lun >> 8);
		p[1] = (uint8_t)lun;
	}
	return 0;
}
/* The LUN number, or -1 for formats this does not decode (logical unit
 * or extended addressing, a non-zero bus, or a second level). */
static inline int32_t iscsi_lun_decode(const uint8_t *p)
{
	for (unsigned i = 2; i < ISCSI_LUN_LEN; i++)
		if (p[i])
			return -1;
	switch (iscsi_lun_method(p)) {
	case ISCSI_LUN_PERIPHERAL:
		return (p[0] & 0x3fu) ? -1 : (int32_t)p[1];
	case ISCSI_LUN_FLAT:
		return (int32_t)((p[0] & 0x3fu) << 8 | p[1]);
	default:
		return -1;
	}
}

#endif
