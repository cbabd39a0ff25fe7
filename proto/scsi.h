/* SPDX-License-Identifier: MIT */
/*
 * scsi.h - the SCSI layer iSCSI carries: CDB builders (SPC-4, SBC-3),
 * sense data parsing and building (SPC-4 §4.5), and the name tables that
 * decode, logs, JSON and reports share.
 *
 *   scsi.c        status, sense key, ASC/ASCQ and opcode names
 *   scsi_cdb.c    CDB builders, CDB length and LBA/length decoding,
 *                 UNMAP and PERSISTENT RESERVE OUT parameter lists
 *   scsi_sense.c  sense data parse and build
 *
 * Every builder zeroes cdb[0..SCSI_CDB_MAX) first, sets the control byte
 * to 0 and returns the CDB length, or 0 when an argument does not fit the
 * CDB (e.g. an LBA beyond 21 bits for READ(6)).  Byte-1 "flags" arguments
 * are written as given, so a test may set reserved bits on purpose.
 */
#ifndef ISCSI_CTS_SCSI_H
#define ISCSI_CTS_SCSI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SCSI_CDB_MAX	     16
#define SCSI_SENSE_FIXED_LEN 18
#define SCSI_SENSE_MAX	     252 /* 8 + additional sense length (one byte) */

/* ---- status (SAM-5 §5.3) ------------------------------------------------ */

enum scsi_status {
	SCSI_STATUS_GOOD = 0x00,
	SCSI_STATUS_CHECK_CONDITION = 0x02,
	SCSI_STATUS_CONDITION_MET = 0x04,
	SCSI_STATUS_BUSY = 0x08,
	SCSI_STATUS_RESERVATION_CONFLICT = 0x18,
	SCSI_STATUS_TASK_SET_FULL = 0x28,
	SCSI_STATUS_ACA_ACTIVE = 0x30,
	SCSI_STATUS_TASK_ABORTED = 0x40,
};

/* ---- sense keys (SPC-4 §4.5.6) ------------------------------------------ */

enum scsi_sense_key {
	SCSI_SK_NO_SENSE = 0x0,
	SCSI_SK_RECOVERED_ERROR = 0x1,
	SCSI_SK_NOT_READY = 0x2,
	SCSI_SK_MEDIUM_ERROR = 0x3,
	SCSI_SK_HARDWARE_ERROR = 0x4,
	SCSI_SK_ILLEGAL_REQUEST = 0x5,
	SCSI_SK_UNIT_ATTENTION = 0x6,
	SCSI_SK_DATA_PROTECT = 0x7,
	SCSI_SK_BLANK_CHECK = 0x8,
	SCSI_SK_VENDOR_SPECIFIC = 0x9,
	SCSI_SK_COPY_ABORTED = 0xa,
	SCSI_SK_ABORTED_COMMAND = 0xb,
	SCSI_SK_VOLUME_OVERFLOW = 0xd,
	SCSI_SK_MISCOMPARE = 0xe,
	SCSI_SK_COMPLETED = 0xf,
};

/* ---- operation codes (SPC-4 Annex D) ------------------------------------ */

enum scsi_opcode {
	SCSI_OP_TEST_UNIT_READY = 0x00,
	SCSI_OP_REQUEST_SENSE = 0x03,
	SCSI_OP_FORMAT_UNIT = 0x04,
	SCSI_OP_READ6 = 0x08,
	SCSI_OP_WRITE6 = 0x0a,
	SCSI_OP_INQUIRY = 0x12,
	SCSI_OP_MODE_SELECT6 = 0x15,
	SCSI_OP_RESERVE6 = 0x16,
	SCSI_OP_RELEASE6 = 0x17,
	SCSI_OP_MODE_SENSE6 = 0x1a,
	SCSI_OP_START_STOP_UNIT = 0x1b,
	SCSI_OP_RECEIVE_DIAGNOSTIC = 0x1c,
	SCSI_OP_SEND_DIAGNOSTIC = 0x1d,
	SCSI_OP_PREVENT_ALLOW = 0x1e,
	SCSI_OP_READ_CAPACITY10 = 0x25,
	SCSI_OP_READ10 = 0x28,
	SCSI_OP_WRITE10 = 0x2a,
	SCSI_OP_WRITE_VERIFY10 = 0x2e,
	SCSI_OP_VERIFY10 = 0x2f,
	SCSI_OP_PREFETCH10 = 0x34,
	SCSI_OP_SYNC_CACHE10 = 0x35,
	SCSI_OP_WRITE_BUFFER = 0x3b,
	SCSI_OP_READ_BUFFER = 0x3c,
	SCSI_OP_WRITE_SAME10 = 0x41,
	SCSI_OP_UNMAP = 0x42,
	SCSI_OP_LOG_SELECT = 0x4c,
	SCSI_OP_LOG_SENSE = 0x4d,
	SCSI_OP_MODE_SELECT10 = 0x55,
	SCSI_OP_RESERVE10 = 0x56,
	SCSI_OP_RELEASE10 = 0x57,
	SCSI_OP_MODE_SENSE10 = 0x5a,
	SCSI_OP_PR_IN = 0x5e,
	SCSI_OP_PR_OUT = 0x5f,
	SCSI_OP_VARIABLE_LENGTH = 0x7f,
	SCSI_OP_EXTENDED_COPY = 0x83,
	SCSI_OP_RECEIVE_COPY_RESULTS = 0x84,
	SCSI_OP_READ16 = 0x88,
	SCSI_OP_COMPARE_AND_WRITE = 0x89,
	SCSI_OP_WRITE16 = 0x8a,
	SCSI_OP_ORWRITE16 = 0x8b,
	SCSI_OP_WRITE_VERIFY16 = 0x8e,
	SCSI_OP_VERIFY16 = 0x8f,
	SCSI_OP_PREFETCH16 = 0x90,
	SCSI_OP_SYNC_CACHE16 = 0x91,
	SCSI_OP_WRITE_SAME16 = 0x93,
	SCSI_OP_SERVICE_ACTION_IN16 = 0x9e,
	SCSI_OP_REPORT_LUNS = 0xa0,
	SCSI_OP_MAINTENANCE_IN = 0xa3,
	SCSI_OP_MAINTENANCE_OUT = 0xa4,
	SCSI_OP_READ12 = 0xa8,
	SCSI_OP_WRITE12 = 0xaa,
	SCSI_OP_WRITE_VERIFY12 = 0xae,
	SCSI_OP_VERIFY12 = 0xaf,
};

/* Service actions (CDB byte 1, bits 4..0). */
#define SCSI_SA_READ_CAPACITY16	      0x10 /* SERVICE ACTION IN(16) */
#define SCSI_SA_GET_LBA_STATUS	      0x12 /* SERVICE ACTION IN(16) */
#define SCSI_SA_REPORT_TPGS	      0x0a /* MAINTENANCE IN */
#define SCSI_SA_REPORT_SUPPORTED_OPS  0x0c /* MAINTENANCE IN */
#define SCSI_SA_REPORT_SUPPORTED_TMFS 0x0d /* MAINTENANCE IN */
#define SCSI_SA_REPORT_TIMESTAMP      0x0f /* MAINTENANCE IN */
#define SCSI_SA_SET_TPGS	      0x0a /* MAINTENANCE OUT */

/* PERSISTENT RESERVE IN / OUT service actions and types (SPC-4 §6.15/16). */
enum scsi_pr_in_sa {
	SCSI_PR_IN_READ_KEYS = 0,
	SCSI_PR_IN_READ_RESERVATION = 1,
	SCSI_PR_IN_REPORT_CAPABILITIES = 2,
	SCSI_PR_IN_READ_FULL_STATUS = 3,
};
enum scsi_pr_out_sa {
	SCSI_PR_OUT_REGISTER = 0,
	SCSI_PR_OUT_RESERVE = 1,
	SCSI_PR_OUT_RELEASE = 2,
	SCSI_PR_OUT_CLEAR = 3,
	SCSI_PR_OUT_PREEMPT = 4,
	SCSI_PR_OUT_PREEMPT_AND_ABORT = 5,
	SCSI_PR_OUT_REGISTER_AND_IGNORE = 6,
	SCSI_PR_OUT_REGISTER_AND_MOVE = 7,
	SCSI_PR_OUT_REPLACE_LOST = 8,
};
enum scsi_pr_type {
	SCSI_PR_WRITE_EXCLUSIVE = 1,
	SCSI_PR_EXCLUSIVE_ACCESS = 3,
	SCSI_PR_WRITE_EXCLUSIVE_RO = 5, /* registrants only */
	SCSI_PR_EXCLUSIVE_ACCESS_RO = 6,
	SCSI_PR_WRITE_EXCLUSIVE_AR = 7, /* all registrants */
	SCSI_PR_EXCLUSIVE_ACCESS_AR = 8,
};
#define SCSI_PR_SCOPE_LU 0
/* PERSISTENT RESERVE OUT parameter list, byte 20 */
#define SCSI_PR_SPEC_I_PT     0x08
#define SCSI_PR_ALL_TG_PT     0x04
#define SCSI_PR_APTPL	      0x01
#define SCSI_PR_OUT_PARAM_LEN 24

/* ---- byte-1 flags of the CDB builders (SBC-3) --------------------------- */

#define SCSI_CDB_PROTECT(n) ((uint8_t)(((n)&7u) << 5)) /* RD/WR/VRPROTECT */
#define SCSI_CDB_DPO	    0x10
#define SCSI_CDB_FUA	    0x08
#define SCSI_CDB_BYTCHK	    0x02 /* VERIFY, WRITE AND VERIFY: BYTCHK = 01b */
#define SCSI_CDB_IMMED	    0x02 /* SYNCHRONIZE CACHE */
#define SCSI_CDB_ANCHOR	    0x10 /* WRITE SAME */
#define SCSI_CDB_UNMAP	    0x08 /* WRITE SAME */
#define SCSI_CDB_NDOB	    0x01 /* WRITE SAME(16) */
#define SCSI_UNMAP_ANCHOR   0x01 /* UNMAP byte 1 */
#define SCSI_MS_DBD	    0x08 /* MODE SENSE */
#define SCSI_MS_LLBAA	    0x10 /* MODE SENSE(10) */
#define SCSI_MSEL_PF	    0x10 /* MODE SELECT */
#define SCSI_MSEL_SP	    0x01 /* MODE SELECT */
#define SCSI_SSU_START	    0x01 /* START STOP UNIT byte 4 */
#define SCSI_SSU_LOEJ	    0x02
#define SCSI_SSU_NO_FLUSH   0x04
#define SCSI_RSOC_RCTD	    0x80 /* REPORT SUPPORTED OPERATION CODES byte 2 */

/* ---- CDB builders (cdb has room for SCSI_CDB_MAX bytes) ----------------- */

size_t scsi_cdb_test_unit_ready(uint8_t *cdb);
size_t scsi_cdb_request_sense(uint8_t *cdb, bool desc, uint8_t alloc);
size_t scsi_cdb_inquiry(uint8_t *cdb, bool evpd, uint8_t page, uint16_t alloc);
size_t scsi_cdb_report_luns(uint8_t *cdb, uint8_t select, uint32_t alloc);
size_t scsi_cdb_read_capacity10(uint8_t *cdb);
size_t scsi_cdb_read_capacity16(uint8_t *cdb, uint32_t alloc);
/* pc: page control 0..3; flags: SCSI_MS_DBD (| SCSI_MS_LLBAA for 10) */
size_t scsi_cdb_mode_sense6(uint8_t *cdb, uint8_t flags, uint8_t pc,
			    uint8_t page, uint8_t subpage, uint8_t alloc);
size_t scsi_cdb_mode_sense10(uint8_t *cdb, uint8_t flags, uint8_t pc,
			     uint8_t page, uint8_t subpage, uint16_t alloc);
size_t scsi_cdb_mode_select6(uint8_t *cdb, uint8_t flags, uint8_t len);
size_t scsi_cdb_mode_select10(uint8_t *cdb, uint8_t flags, uint16_t len);
/* READ/WRITE(6): lba < 2^21; blocks 0 means 256 (SBC-3 §5.15) */
size_t scsi_cdb_read6(uint8_t *cdb, uint32_t lba, uint8_t blocks);
size_t scsi_cdb_write6(uint8_t *cdb, uint32_t lba, uint8_t blocks);
size_t scsi_cdb_read10(uint8_t *cdb, uint32_t lba, uint16_t blocks,
		       uint8_t flags);
size_t scsi_cdb_write10(uint8_t *cdb, uint32_t lba, uint16_t blocks,
			uint8_t flags);
size_t scsi_cdb_read12(uint8_t *cdb, uint32_t lba, uint32_t blocks,
		       uint8_t flags);
size_t scsi_cdb_write12(uint8_t *cdb, uint32_t lba, uint32_t blocks,
			uint8_t flags);
size_t scsi_cdb_read16(uint8_t *cdb, uint64_t lba, uint32_t blocks,
		       uint8_t flags);
size_t scsi_cdb_write16(uint8_t *cdb, uint64_t lba, uint32_t blocks,
			uint8_t flags);
size_t scsi_cdb_verify10(uint8_t *cdb, uint32_t lba, uint16_t blocks,
			 uint8_t flags);
size_t scsi_cdb_verify12(uint8_t *cdb, uint32_t lba, uint32_t blocks,
			 uint8_t flags);
size_t scsi_cdb_verify16(uint8_t *cdb, uint64_t lba, uint32_t blocks,
			 uint8_t flags);
size_t scsi_cdb_write_verify10(uint8_t *cdb, uint32_t lba, uint16_t blocks,
			       uint8_t flags);
size_t scsi_cdb_write_verify12(uint8_t *cdb, uint32_t lba, uint32_t blocks,
			       uint8_t flags);
size_t scsi_cdb_write_verify16(uint8_t *cdb, uint64_t lba, uint32_t blocks,
			       uint8_t flags);
size_t scsi_cdb_sync_cache10(uint8_t *cdb, uint32_t lba, uint16_t blocks,
			     uint8_t flags);
size_t scsi_cdb_sync_cache16(uint8_t *cdb, uint64_t lba, uint32_t blocks,
			     uint8_t flags);
size_t scsi_cdb_write_same10(uint8_t *cdb, uint32_t lba, uint16_t blocks,
			     uint8_t flags);
size_t scsi_cdb_write_same16(uint8_t *cdb, uint64_t lba, uint32_t blocks,
			     uint8_t flags);
size_t scsi_cdb_unmap(uint8_t *cdb, uint8_t flags, uint16_t param_len);
size_t scsi_cdb_compare_and_write(uint8_t *cdb, uint64_t lba, uint8_t blocks,
				  uint8_t flags);
size_t scsi_cdb_pr_in(uint8_t *cdb, uint8_t sa, uint16_t alloc);
size_t scsi_cdb_pr_out(uint8_t *cdb, uint8_t sa, uint8_t scope, uint8_t type,
		       uint32_t param_len);
size_t scsi_cdb_reserve6(uint8_t *cdb);
size_t scsi_cdb_release6(uint8_t *cdb);
/* options: reporting options 0..7 | SCSI_RSOC_RCTD */
size_t scsi_cdb_report_supported_opcodes(uint8_t *cdb, uint8_t options,
					 uint8_t opcode, uint16_t sa,
					 uint32_t alloc);
/* flags: SCSI_SSU_START | SCSI_SSU_LOEJ | SCSI_SSU_NO_FLUSH */
size_t scsi_cdb_start_stop_unit(uint8_t *cdb, bool immed,
				uint8_t power_condition, uint8_t flags);
/* prevent: 0 allow, 1 prevent (2, 3 obsolete) */
size_t scsi_cdb_prevent_allow(uint8_t *cdb, uint8_t prevent);

/* ---- CDB decoding -------------------------------------------------------- */

/*
 * CDB length from the group code (SPC-4 §4.2.5.1): 6, 10, 12 or 16; 0 for
 * the reserved and vendor-specific groups and for the variable-length CDB
 * 0x7f (its length is 8 + byte 7).
 */
size_t scsi_cdb_len(uint8_t opcode);

/*
 * LBA and number of logical blocks of a medium-access CDB (READ, WRITE,
 * VERIFY, WRITE AND VERIFY, WRITE SAME, SYNCHRONIZE CACHE, COMPARE AND
 * WRITE, PRE-FETCH, ORWRITE).  READ/WRITE(6) 0 blocks reads back as 256.
 * Returns false for other commands or a CDB shorter than its opcode needs.
 */
bool scsi_cdb_lba_len(const uint8_t *cdb, size_t len, uint64_t *lba,
		      uint32_t *blocks);

/* ---- parameter lists ----------------------------------------------------- */

struct scsi_unmap_desc {
	uint64_t lba;
	uint32_t blocks;
};
/* UNMAP parameter list (SBC-3 §5.28.2): 8 + 16 * n bytes, 0 if no room. */
size_t scsi_unmap_param(uint8_t *buf, size_t buflen,
			const struct scsi_unmap_desc *d, size_t n);
/* Basic PERSISTENT RESERVE OUT parameter list (SPC-4 §6.16.3), 24 bytes. */
size_t scsi_pr_out_param(uint8_t *buf, size_t buflen, uint64_t key,
			 uint64_t sa_key, uint8_t flags);

/* ---- sense data (SPC-4 §4.5) -------------------------------------------- */

struct scsi_sense {
	uint8_t response_code; /* 0x70/0x71 fixed, 0x72/0x73 descriptor */
	bool descriptor;       /* descriptor format */
	bool deferred;	       /* 0x71 / 0x73 */
	uint8_t key, asc, ascq;
	bool valid_info; /* INFORMATION is valid */
	uint64_t info;
	bool valid_csi; /* COMMAND-SPECIFIC INFORMATION present */
	uint64_t csi;
	bool sksv;	/* sense-key specific valid */
	uint8_t sks[3]; /* its three bytes, SKSV bit cleared */
	uint8_t fru;
	bool filemark, eom, ili;
};

/*
 * Parses fixed or descriptor sense.  A buffer cut short still yields the
 * fields it holds (a fixed-format buffer needs 3 bytes, descriptor 4); the
 * additional sense length bounds what is read.  -1 with a reason for an
 * unknown response code, a too-short buffer, or a malformed descriptor
 * (fields parsed before the fault remain set).
 */
int scsi_sense_parse(const uint8_t *buf, size_t len, struct scsi_sense *s,
		     char *err, size_t errlen);

/*
 * Builds s (format chosen by s->descriptor, current or deferred by
 * s->deferred) into buf; returns the length, 0 if it does not fit.  Fixed
 * format is 18 bytes and carries INFORMATION only when it fits 32 bits
 * (VALID is cleared otherwise); descriptor format appends information,
 * command-specific, sense-key specific, FRU and block/stream descriptors
 * as the fields call for them.
 */
size_t scsi_sense_build(uint8_t *buf, size_t len, const struct scsi_sense *s);
size_t scsi_sense_build_fixed(uint8_t *buf, size_t len, uint8_t key,
			      uint8_t asc, uint8_t ascq);
size_t scsi_sense_build_desc(uint8_t *buf, size_t len, uint8_t key, uint8_t asc,
			     uint8_t ascq);

/*
 * Edit already-built fixed-format sense (false for other formats or too
 * short a buffer): set INFORMATION and VALID (when info fits 32 bits), or
 * the sense-key specific field pointer (SPC-4 §4.5.2.4.2): cdb selects C/D,
 * byte the field, bit the bit (-1: no bit pointer).
 */
bool scsi_sense_set_info(uint8_t *sense, size_t len, uint64_t info);
bool scsi_sense_set_field_pointer(uint8_t *sense, size_t len, bool cdb,
				  unsigned byte, int bit);
/* The same field pointer on a struct, for scsi_sense_build. */
void scsi_sense_sks_field(struct scsi_sense *s, bool cdb, uint16_t byte,
			  int bit);
/* Reads a field pointer back; false when SKSV is clear. */
bool scsi_sense_field_pointer(const struct scsi_sense *s, bool *cdb,
			      uint16_t *byte, int *bit);

/* "ILLEGAL REQUEST: INVALID FIELD IN CDB (5/24/00)"; returns snprintf's. */
int scsi_sense_str(const struct scsi_sense *s, char *buf, size_t len);

/* ---- names (NULL when unknown) ------------------------------------------- */

const char *scsi_status_name(uint8_t status);
const char *scsi_sense_key_name(uint8_t key);
const char *scsi_asc_name(uint8_t asc, uint8_t ascq);
const char *scsi_opcode_name(uint8_t opcode);
/* The command's name with its service action taken into account. */
const char *scsi_cdb_name(const uint8_t *cdb, size_t len);

#endif
