/* SPDX-License-Identifier: MIT */
/*
 * test_scsi.c - CDB builders, sense data and name tables (SPC-4, SBC-3),
 * each against byte strings written out from the standards' tables.
 */
#include <string.h>

#include "scsi.h"
#include "unit.h"

static uint8_t cdb[SCSI_CDB_MAX];
static char err[256];

#define CHECK_CDB(len_expr, ...)                                               \
	do {                                                                   \
		static const uint8_t want_[] = {__VA_ARGS__};                  \
		CU_ASSERT_EQUAL((len_expr), sizeof(want_));                    \
		CU_ASSERT_EQUAL(memcmp(cdb, want_, sizeof(want_)), 0);         \
	} while (0)

/* SBC-3 §5.15/§5.30: READ/WRITE(6) carry a 21-bit LBA; 0 blocks = 256. */
static void cdb_rw6_layout(void)
{
	CHECK_CDB(scsi_cdb_read6(cdb, 0x1fffff, 0), 0x08, 0x1f, 0xff, 0xff,
		  0x00, 0x00);
	CHECK_CDB(scsi_cdb_write6(cdb, 0x012345, 8), 0x0a, 0x01, 0x23, 0x45,
		  0x08, 0x00);
	CU_ASSERT_EQUAL(scsi_cdb_read6(cdb, 0x200000, 1), 0u);
}

/* SBC-3 §5.11/§5.12/§5.13: READ(10/12/16) layouts with DPO/FUA. */
static void cdb_read_10_12_16_layout(void)
{
	CHECK_CDB(scsi_cdb_read10(cdb, 0x12345678, 0x0102, SCSI_CDB_FUA), 0x28,
		  0x08, 0x12, 0x34, 0x56, 0x78, 0x00, 0x01, 0x02, 0x00);
	CHECK_CDB(scsi_cdb_read12(cdb, 0x01020304, 0x05060708, 0), 0xa8, 0x00,
		  0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x00, 0x00);
	CHECK_CDB(scsi_cdb_read16(cdb, 0x0102030405060708ull, 0x0a0b0c0d,
				  SCSI_CDB_DPO | SCSI_CDB_PROTECT(1)),
		  0x88, 0x30, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
		  0x0a, 0x0b, 0x0c, 0x0d, 0x00, 0x00);
}

/* SBC-3 §5.32/§5.33/§5.34: WRITE(10/12/16) layouts. */
static void cdb_write_10_12_16_layout(void)
{
	CHECK_CDB(scsi_cdb_write10(cdb, 1, 1, 0), 0x2a, 0x00, 0x00, 0x00, 0x00,
		  0x01, 0x00, 0x00, 0x01, 0x00);
	CHECK_CDB(scsi_cdb_write12(cdb, 2, 3, 0), 0xaa, 0x00, 0x00, 0x00, 0x00,
		  0x02, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00);
	CHECK_CDB(scsi_cdb_write16(cdb, 0xffffffffffffffffull, 0xffffffff,
				   SCSI_CDB_FUA),
		  0x8a, 0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		  0xff, 0xff, 0xff, 0xff, 0x00, 0x00);
}

/* SBC-3 §5.29/§5.35: VERIFY and WRITE AND VERIFY with BYTCHK. */
static void cdb_verify_and_write_verify(void)
{
	CHECK_CDB(scsi_cdb_verify10(cdb, 0x10, 4, SCSI_CDB_BYTCHK), 0x2f, 0x02,
		  0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x04, 0x00);
	CHECK_CDB(scsi_cdb_verify12(cdb, 0x10, 4, 0), 0xaf, 0x00, 0x00, 0x00,
		  0x00, 0x10, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00);
	CHECK_CDB(scsi_cdb_verify16(cdb, 0x10, 4, SCSI_CDB_BYTCHK), 0x8f, 0x02,
		  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00,
		  0x00, 0x04, 0x00, 0x00);
	CHECK_CDB(scsi_cdb_write_verify10(cdb, 7, 1, SCSI_CDB_BYTCHK), 0x2e,
		  0x02, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x01, 0x00);
	CHECK_CDB(scsi_cdb_write_verify12(cdb, 7, 1, 0), 0xae, 0x00, 0x00, 0x00,
		  0x00, 0x07, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00);
	CHECK_CDB(scsi_cdb_write_verify16(cdb, 7, 1, 0), 0x8e, 0x00, 0x00, 0x00,
		  0x00, 0x00, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0x01,
		  0x00, 0x00);
}

/* SBC-3 §5.22/§5.23/§5.43/§5.44: SYNCHRONIZE CACHE, WRITE SAME. */
static void cdb_sync_cache_and_write_same(void)
{
	CHECK_CDB(scsi_cdb_sync_cache10(cdb, 0, 0, SCSI_CDB_IMMED), 0x35, 0x02,
		  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00);
	CHECK_CDB(scsi_cdb_sync_cache16(cdb, 0x100, 0x20, 0), 0x91, 0x00, 0x00,
		  0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
		  0x20, 0x00, 0x00);
	CHECK_CDB(scsi_cdb_write_same10(cdb, 5, 0x400, 0), 0x41, 0x00, 0x00,
		  0x00, 0x00, 0x05, 0x00, 0x04, 0x00, 0x00);
	CHECK_CDB(scsi_cdb_write_same16(cdb, 5, 0x400,
					SCSI_CDB_UNMAP | SCSI_CDB_NDOB),
		  0x93, 0x09, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05,
		  0x00, 0x00, 0x04, 0x00, 0x00, 0x00);
}

/* SBC-3 §5.28/§5.3: UNMAP and COMPARE AND WRITE. */
static void cdb_unmap_and_compare_and_write(void)
{
	CHECK_CDB(scsi_cdb_unmap(cdb, 0, 24), 0x42, 0x00, 0x00, 0x00, 0x00,
		  0x00, 0x00, 0x00, 0x18, 0x00);
	CHECK_CDB(scsi_cdb_compare_and_write(cdb, 1, 1, SCSI_CDB_FUA), 0x89,
		  0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00,
		  0x00, 0x00, 0x01, 0x00, 0x00);
}

/* SPC-4 §6.6/§6.27/SBC-3 §5.16: INQUIRY, REPORT LUNS, READ CAPACITY. */
static void cdb_inquiry_report_luns_capacity(void)
{
	CHECK_CDB(scsi_cdb_inquiry(cdb, false, 0, 36), 0x12, 0x00, 0x00, 0x00,
		  0x24, 0x00);
	CHECK_CDB(scsi_cdb_inquiry(cdb, true, 0x83, 0x1000), 0x12, 0x01, 0x83,
		  0x10, 0x00, 0x00);
	CHECK_CDB(scsi_cdb_report_luns(cdb, 0, 0x1000), 0xa0, 0x00, 0x00, 0x00,
		  0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00);
	CHECK_CDB(scsi_cdb_read_capacity10(cdb), 0x25, 0x00, 0x00, 0x00, 0x00,
		  0x00, 0x00, 0x00, 0x00, 0x00);
	CHECK_CDB(scsi_cdb_read_capacity16(cdb, 32), 0x9e, 0x10, 0x00, 0x00,
		  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x20,
		  0x00, 0x00);
	CHECK_CDB(scsi_cdb_test_unit_ready(cdb), 0x00, 0x00, 0x00, 0x00, 0x00,
		  0x00);
	CHECK_CDB(scsi_cdb_request_sense(cdb, true, 252), 0x03, 0x01, 0x00,
		  0x00, 0xfc, 0x00);
}

/* SPC-4 §6.9-§6.12: MODE SENSE/SELECT, PC in bits 7..6 of byte 2. */
static void cdb_mode_sense_select(void)
{
	CHECK_CDB(scsi_cdb_mode_sense6(cdb, SCSI_MS_DBD, 0, 0x3f, 0xff, 0xff),
		  0x1a, 0x08, 0x3f, 0xff, 0xff, 0x00);
	CHECK_CDB(scsi_cdb_mode_sense10(cdb, SCSI_MS_LLBAA | SCSI_MS_DBD, 1,
					0x08, 0, 0x200),
		  0x5a, 0x18, 0x48, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00);
	CU_ASSERT_EQUAL(scsi_cdb_mode_sense6(cdb, 0, 4, 0, 0, 0), 0u);
	CU_ASSERT_EQUAL(scsi_cdb_mode_sense10(cdb, 0, 0, 0x40, 0, 0), 0u);
	CHECK_CDB(scsi_cdb_mode_select6(cdb, SCSI_MSEL_PF | SCSI_MSEL_SP, 12),
		  0x15, 0x11, 0x00, 0x00, 0x0c, 0x00);
	CHECK_CDB(scsi_cdb_mode_select10(cdb, SCSI_MSEL_PF, 0x0110), 0x55, 0x10,
		  0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x10, 0x00);
}

/* SPC-4 §6.15/§6.16/§6.35/SBC-3 §5.25, SPC-4 §6.13: the rest. */
static void cdb_reservations_and_unit_control(void)
{
	CHECK_CDB(scsi_cdb_pr_in(cdb, SCSI_PR_IN_READ_KEYS, 0x100), 0x5e, 0x00,
		  0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00);
	CHECK_CDB(scsi_cdb_pr_out(cdb, SCSI_PR_OUT_RESERVE, SCSI_PR_SCOPE_LU,
				  SCSI_PR_WRITE_EXCLUSIVE, 24),
		  0x5f, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x18, 0x00);
	CU_ASSERT_EQUAL(scsi_cdb_pr_out(cdb, 0, 0, 0x10, 24), 0u);
	CHECK_CDB(scsi_cdb_reserve6(cdb), 0x16, 0x00, 0x00, 0x00, 0x00, 0x00);
	CHECK_CDB(scsi_cdb_release6(cdb), 0x17, 0x00, 0x00, 0x00, 0x00, 0x00);
	CHECK_CDB(scsi_cdb_report_supported_opcodes(cdb, SCSI_RSOC_RCTD | 1,
						    0x28, 0, 512),
		  0xa3, 0x0c, 0x81, 0x28, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00,
		  0x00, 0x00);
	CHECK_CDB(scsi_cdb_start_stop_unit(cdb, true, 0, SCSI_SSU_START), 0x1b,
		  0x01, 0x00, 0x00, 0x01, 0x00);
	CHECK_CDB(scsi_cdb_start_stop_unit(cdb, false, 3, SCSI_SSU_NO_FLUSH),
		  0x1b, 0x00, 0x00, 0x00, 0x34, 0x00);
	CHECK_CDB(scsi_cdb_prevent_allow(cdb, 1), 0x1e, 0x00, 0x00, 0x00, 0x01,
		  0x00);
	CU_ASSERT_EQUAL(scsi_cdb_prevent_allow(cdb, 4), 0u);
}

/* SPC-4 §4.2.5.1: the group code gives the CDB length. */
static void cdb_len_from_group_code(void)
{
	CU_ASSERT_EQUAL(scsi_cdb_len(0x00), 6u);
	CU_ASSERT_EQUAL(scsi_cdb_len(0x1e), 6u);
	CU_ASSERT_EQUAL(scsi_cdb_len(0x28), 10u);
	CU_ASSERT_EQUAL(scsi_cdb_len(0x5f), 10u);
	CU_ASSERT_EQUAL(scsi_cdb_len(0x7f), 0u);
	CU_ASSERT_EQUAL(scsi_cdb_len(0x60), 0u);
	CU_ASSERT_EQUAL(scsi_cdb_len(0x88), 16u);
	CU_ASSERT_EQUAL(scsi_cdb_len(0xa0), 12u);
	CU_ASSERT_EQUAL(scsi_cdb_len(0xc0), 0u);
	CU_ASSERT_EQUAL(scsi_cdb_len(0xff), 0u);
}

/* SBC-3: LBA and transfer length read back from medium-access CDBs. */
static void cdb_lba_len_decoding(void)
{
	static const uint8_t r6[6] = {0x08, 0x01, 0x02, 0x03, 0x00, 0x00};
	static const uint8_t caw[16] = {0x89, 0, 0, 0, 0, 0, 0, 0,
					0,    9, 0, 0, 0, 2, 0, 0};
	static const uint8_t v12[12] = {0xaf, 0, 0, 0, 0, 5, 0, 1, 0, 0, 0, 0};
	static const uint8_t inq[6] = {0x12, 0, 0, 0, 36, 0};
	uint64_t lba = 0;
	uint32_t n = 0;

	CU_ASSERT_TRUE(scsi_cdb_lba_len(r6, 6, &lba, &n));
	CU_ASSERT_EQUAL(lba, 0x010203u);
	CU_ASSERT_EQUAL(n, 256u);
	CU_ASSERT_TRUE(scsi_cdb_lba_len(caw, 16, &lba, &n));
	CU_ASSERT_EQUAL(lba, 9u);
	CU_ASSERT_EQUAL(n, 2u);
	CU_ASSERT_TRUE(scsi_cdb_lba_len(v12, 12, &lba, &n));
	CU_ASSERT_EQUAL(lba, 5u);
	CU_ASSERT_EQUAL(n, 0x10000u);
	CU_ASSERT_FALSE(scsi_cdb_lba_len(inq, 6, &lba, &n));
	/* a READ(16) cut to 10 bytes */
	scsi_cdb_read16(cdb, 1, 1, 0);
	CU_ASSERT_FALSE(scsi_cdb_lba_len(cdb, 10, &lba, &n));
}

/* SBC-3 §5.28.2 / SPC-4 §6.16.3: UNMAP and PR OUT parameter lists. */
static void param_lists_unmap_and_pr_out(void)
{
	static const struct scsi_unmap_desc d[2] = {
	    {0x10, 8}, {0x0102030405060708ull, 0xffffffff}};
	static const uint8_t want_unmap[40] = {
	    0x00, 0x26, 0x00, 0x20, 0,	  0,	0,    0,    0, 0, 0, 0, 0, 0,
	    0,	  0x10, 0,    0,    0,	  8,	0,    0,    0, 0, 1, 2, 3, 4,
	    5,	  6,	7,    8,    0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0};
	static const uint8_t want_pr[24] = {0, 0, 0, 0, 0,    0, 0x12, 0x34,
					    0, 0, 0, 0, 0,    0, 0x56, 0x78,
					    0, 0, 0, 0, 0x05, 0, 0,    0};
	uint8_t buf[64];

	CU_ASSERT_EQUAL(scsi_unmap_param(buf, sizeof(buf), d, 2), 40u);
	CU_ASSERT_EQUAL(memcmp(buf, want_unmap, 40), 0);
	CU_ASSERT_EQUAL(scsi_unmap_param(buf, 39, d, 2), 0u);
	CU_ASSERT_EQUAL(scsi_pr_out_param(buf, sizeof(buf), 0x1234, 0x5678,
					  SCSI_PR_ALL_TG_PT | SCSI_PR_APTPL),
			24u);
	CU_ASSERT_EQUAL(memcmp(buf, want_pr, 24), 0);
	CU_ASSERT_EQUAL(scsi_pr_out_param(buf, 23, 1, 2, 0), 0u);
}

/* SPC-4 §4.5.3: fixed sense, INVALID FIELD IN CDB with a field pointer. */
static void sense_fixed_field_pointer_decoded(void)
{
	static const uint8_t b[18] = {0x70, 0, 0x05, 0, 0, 0,	 0, 0x0a, 0, 0,
				      0,    0, 0x24, 0, 0, 0xcc, 0, 0x02};
	struct scsi_sense s;
	bool is_cdb = false;
	uint16_t byte = 0;
	int bit = -2;

	CU_ASSERT_EQUAL(scsi_sense_parse(b, sizeof(b), &s, err, sizeof(err)),
			0);
	CU_ASSERT_EQUAL(s.response_code, 0x70);
	CU_ASSERT_FALSE(s.descriptor);
	CU_ASSERT_FALSE(s.deferred);
	CU_ASSERT_EQUAL(s.key, SCSI_SK_ILLEGAL_REQUEST);
	CU_ASSERT_EQUAL(s.asc, 0x24);
	CU_ASSERT_EQUAL(s.ascq, 0x00);
	CU_ASSERT_FALSE(s.valid_info);
	CU_ASSERT_TRUE(scsi_sense_field_pointer(&s, &is_cdb, &byte, &bit));
	CU_ASSERT_TRUE(is_cdb);
	CU_ASSERT_EQUAL(byte, 2);
	CU_ASSERT_EQUAL(bit, 4);
}

/* SPC-4 §4.5.3: VALID bit and 4-byte INFORMATION; deferred 71h. */
static void sense_fixed_info_and_deferred(void)
{
	static const uint8_t b[18] = {0xf0, 0,	  0x03, 0x00, 0x00, 0x12,
				      0x34, 0x0a, 0,	0,    0,    0,
				      0x11, 0x00, 0,	0,    0,    0};
	static const uint8_t d[18] = {0x71, 0, 0x06, 0,	   0,	 0, 0, 0x0a, 0,
				      0,    0, 0,    0x29, 0x00, 0, 0, 0,    0};
	struct scsi_sense s;

	CU_ASSERT_EQUAL(scsi_sense_parse(b, sizeof(b), &s, err, sizeof(err)),
			0);
	CU_ASSERT_EQUAL(s.key, SCSI_SK_MEDIUM_ERROR);
	CU_ASSERT_TRUE(s.valid_info);
	CU_ASSERT_EQUAL(s.info, 0x1234u);
	CU_ASSERT_EQUAL(s.asc, 0x11);
	CU_ASSERT_EQUAL(scsi_sense_parse(d, sizeof(d), &s, err, sizeof(err)),
			0);
	CU_ASSERT_TRUE(s.deferred);
	CU_ASSERT_EQUAL(s.key, SCSI_SK_UNIT_ATTENTION);
	CU_ASSERT_EQUAL(s.asc, 0x29);
}

/* SPC-4 §4.5.3: the additional sense length bounds a fixed buffer. */
static void sense_fixed_truncated_and_bounded(void)
{
	static const uint8_t three[3] = {0x70, 0x00, 0x02};
	/* additional length 6: bytes 14..17 are outside the sense data */
	static const uint8_t b[18] = {0x70, 0,	  0x05, 0,    0,    0,
				      0,    0x06, 0,	0,    0,    0,
				      0x20, 0,	  0x99, 0xff, 0xff, 0xff};
	struct scsi_sense s;

	CU_ASSERT_EQUAL(scsi_sense_parse(three, 3, &s, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(s.key, SCSI_SK_NOT_READY);
	CU_ASSERT_EQUAL(s.asc, 0);
	CU_ASSERT_EQUAL(scsi_sense_parse(b, sizeof(b), &s, err, sizeof(err)),
			0);
	CU_ASSERT_EQUAL(s.asc, 0x20);
	CU_ASSERT_EQUAL(s.ascq, 0x00);
	CU_ASSERT_EQUAL(s.fru, 0);
	CU_ASSERT_FALSE(s.sksv);
	CU_ASSERT_EQUAL(scsi_sense_parse(three, 2, &s, err, sizeof(err)), -1);
}

/* SPC-4 §4.5.2: descriptor sense with a 64-bit information descriptor. */
static void sense_descriptor_information(void)
{
	static const uint8_t b[20] = {0x72, 0x05, 0x21, 0x00, 0,    0,	  0,
				      0x0c, 0x00, 0x0a, 0x80, 0x00, 0x00, 0x00,
				      0x00, 0x01, 0x00, 0x00, 0x00, 0x00};
	static const uint8_t mc[20] = {0x72, 0x0e, 0x1d, 0x00, 0,    0,	  0,
				       0x0c, 0x00, 0x0a, 0x80, 0x00, 0,	  0,
				       0,    0,	   0,	 0,    0,    0x05};
	struct scsi_sense s;

	CU_ASSERT_EQUAL(scsi_sense_parse(b, sizeof(b), &s, err, sizeof(err)),
			0);
	CU_ASSERT_TRUE(s.descriptor);
	CU_ASSERT_EQUAL(s.key, SCSI_SK_ILLEGAL_REQUEST);
	CU_ASSERT_EQUAL(s.asc, 0x21);
	CU_ASSERT_TRUE(s.valid_info);
	CU_ASSERT_EQUAL(s.info, 0x0000000100000000ull);
	/* MISCOMPARE: INFORMATION is the offset of the first mismatch */
	CU_ASSERT_EQUAL(scsi_sense_parse(mc, sizeof(mc), &s, err, sizeof(err)),
			0);
	CU_ASSERT_EQUAL(s.key, SCSI_SK_MISCOMPARE);
	CU_ASSERT_EQUAL(s.asc, 0x1d);
	CU_ASSERT_EQUAL(s.info, 5u);
}

/* SPC-4 §4.5.2.4/§4.5.2.6: sense-key specific and block descriptors. */
static void sense_descriptor_sks_and_block(void)
{
	static const uint8_t b[24] = {0x73, 0x05, 0x24, 0x00, 0, 0, 0, 0x10,
				      0x02, 0x06, 0x00, 0x00, 0xc9, 0x00, 0x08,
				      0x00, 0x05, 0x02, 0x00, 0x20,
				      /* an unknown type 0x80 is skipped */
				      0x80, 0x02, 0xaa, 0xbb};
	struct scsi_sense s;
	bool is_cdb = false;
	uint16_t byte = 0;
	int bit = -2;

	CU_ASSERT_EQUAL(scsi_sense_parse(b, sizeof(b), &s, err, sizeof(err)),
			0);
	CU_ASSERT_TRUE(s.deferred);
	CU_ASSERT_TRUE(s.ili);
	CU_ASSERT_TRUE(scsi_sense_field_pointer(&s, &is_cdb, &byte, &bit));
	CU_ASSERT_TRUE(is_cdb);
	CU_ASSERT_EQUAL(byte, 8);
	CU_ASSERT_EQUAL(bit, 1);
}

/* SPC-4 §4.5.2: malformed descriptor sense and unknown formats fail. */
static void sense_malformed_rejected(void)
{
	static const uint8_t overrun[14] = {0x72, 0x05, 0x24, 0,    0, 0, 0,
					    0x06, 0x00, 0x0a, 0x80, 0, 0, 0};
	static const uint8_t badlen[16] = {0x72, 0x05, 0x24, 0, 0, 0, 0, 0x08,
					   0x00, 0x06, 0x80, 0, 0, 0, 0, 0};
	static const uint8_t vendor[18] = {0x7f, 0, 0x05};
	struct scsi_sense s;

	CU_ASSERT_EQUAL(
	    scsi_sense_parse(overrun, sizeof(overrun), &s, err, sizeof(err)),
	    -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "overruns"));
	/* the header was still read */
	CU_ASSERT_EQUAL(s.asc, 0x24);
	CU_ASSERT_EQUAL(
	    scsi_sense_parse(badlen, sizeof(badlen), &s, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(
	    scsi_sense_parse(vendor, sizeof(vendor), &s, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(scsi_sense_parse(vendor, 0, &s, err, sizeof(err)), -1);
}

/* SPC-4 §4.5.3: the target's fixed sense, then INFORMATION and SKS set. */
static void sense_build_fixed_and_edit(void)
{
	static const uint8_t want[18] = {0xf0, 0,    0x05, 0x00, 0x00, 0x00,
					 0x07, 0x0a, 0,	   0,	 0,    0,
					 0x24, 0x00, 0,	   0xcc, 0x00, 0x01};
	uint8_t b[32];

	CU_ASSERT_EQUAL(scsi_sense_build_fixed(
			    b, sizeof(b), SCSI_SK_ILLEGAL_REQUEST, 0x24, 0x00),
			18u);
	CU_ASSERT_TRUE(scsi_sense_set_info(b, 18, 7));
	CU_ASSERT_TRUE(scsi_sense_set_field_pointer(b, 18, true, 1, 4));
	CU_ASSERT_EQUAL(memcmp(b, want, 18), 0);
	CU_ASSERT_FALSE(scsi_sense_set_info(b, 18, 0x100000000ull));
	CU_ASSERT_FALSE(scsi_sense_set_field_pointer(b, 17, true, 1, 4));
	CU_ASSERT_EQUAL(scsi_sense_build_fixed(b, 17, 5, 0x24, 0), 0u);
	/* editing helpers refuse descriptor format */
	CU_ASSERT_EQUAL(scsi_sense_build_desc(b, sizeof(b), 5, 0x24, 0), 8u);
	CU_ASSERT_FALSE(scsi_sense_set_info(b, 8, 1));
}

/* SPC-4 §4.5.2: the target's descriptor sense, byte for byte. */
static void sense_build_descriptor(void)
{
	static const uint8_t want[28] = {
	    0x72, 0x05, 0x24, 0x00, 0,	  0,	0,    0x14, 0x00, 0x0a,
	    0x80, 0x00, 0,    0,    0,	  0,	0,    0,    0x12, 0x34,
	    0x02, 0x06, 0x00, 0x00, 0x80, 0x00, 0x03, 0x00};
	struct scsi_sense s = {.descriptor = true,
			       .key = SCSI_SK_ILLEGAL_REQUEST,
			       .asc = 0x24,
			       .valid_info = true,
			       .info = 0x1234};
	struct scsi_sense back;
	uint8_t b[64];

	/* field pointer into the parameter list, byte 3, no bit pointer */
	scsi_sense_sks_field(&s, false, 3, -1);
	CU_ASSERT_EQUAL(scsi_sense_build(b, sizeof(b), &s), 28u);
	CU_ASSERT_EQUAL(memcmp(b, want, 28), 0);
	CU_ASSERT_EQUAL(scsi_sense_build(b, 27, &s), 0u);
	CU_ASSERT_EQUAL(scsi_sense_parse(want, 28, &back, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(back.info, 0x1234u);
	CU_ASSERT_TRUE(back.sksv);
	CU_ASSERT_EQUAL(back.sks[2], 0x03);
}

/* SPC-4 §4.5.3: fixed INFORMATION is 32 bits; wider values drop VALID. */
static void sense_build_fixed_wide_info(void)
{
	struct scsi_sense s = {.key = SCSI_SK_MEDIUM_ERROR,
			       .asc = 0x11,
			       .valid_info = true,
			       .info = 0x100000000ull,
			       .deferred = true};
	uint8_t b[18];

	CU_ASSERT_EQUAL(scsi_sense_build(b, sizeof(b), &s), 18u);
	CU_ASSERT_EQUAL(b[0], 0x71);
	CU_ASSERT_EQUAL(b[3] | b[4] | b[5] | b[6], 0);
	s.info = 0xdeadbeef;
	CU_ASSERT_EQUAL(scsi_sense_build(b, sizeof(b), &s), 18u);
	CU_ASSERT_EQUAL(b[0], 0xf1);
	CU_ASSERT_EQUAL(b[3], 0xde);
	CU_ASSERT_EQUAL(b[6], 0xef);
}

/* SAM-5 §5.3.1: status names. */
static void names_status(void)
{
	CU_ASSERT_STRING_EQUAL(scsi_status_name(0x00), "GOOD");
	CU_ASSERT_STRING_EQUAL(scsi_status_name(0x02), "CHECK CONDITION");
	CU_ASSERT_STRING_EQUAL(scsi_status_name(0x08), "BUSY");
	CU_ASSERT_STRING_EQUAL(scsi_status_name(0x18), "RESERVATION CONFLICT");
	CU_ASSERT_STRING_EQUAL(scsi_status_name(0x28), "TASK SET FULL");
	CU_ASSERT_STRING_EQUAL(scsi_status_name(0x30), "ACA ACTIVE");
	CU_ASSERT_STRING_EQUAL(scsi_status_name(0x40), "TASK ABORTED");
	CU_ASSERT_PTR_NULL(scsi_status_name(0x01));
}

/* SPC-4 §4.5.6: sense key names. */
static void names_sense_keys(void)
{
	CU_ASSERT_STRING_EQUAL(scsi_sense_key_name(0x0), "NO SENSE");
	CU_ASSERT_STRING_EQUAL(scsi_sense_key_name(0x5), "ILLEGAL REQUEST");
	CU_ASSERT_STRING_EQUAL(scsi_sense_key_name(0x6), "UNIT ATTENTION");
	CU_ASSERT_STRING_EQUAL(scsi_sense_key_name(0xb), "ABORTED COMMAND");
	CU_ASSERT_STRING_EQUAL(scsi_sense_key_name(0xe), "MISCOMPARE");
	CU_ASSERT_PTR_NULL(scsi_sense_key_name(0xc));
	CU_ASSERT_PTR_NULL(scsi_sense_key_name(0x10));
}

/* SPC-4 Annex D: ASC/ASCQ names a disk target reports. */
static void names_asc_ascq(void)
{
	CU_ASSERT_STRING_EQUAL(scsi_asc_name(0x25, 0x00),
			       "LOGICAL UNIT NOT SUPPORTED");
	CU_ASSERT_STRING_EQUAL(scsi_asc_name(0x20, 0x00),
			       "INVALID COMMAND OPERATION CODE");
	CU_ASSERT_STRING_EQUAL(scsi_asc_name(0x24, 0x00),
			       "INVALID FIELD IN CDB");
	CU_ASSERT_STRING_EQUAL(scsi_asc_name(0x21, 0x00),
			       "LOGICAL BLOCK ADDRESS OUT OF RANGE");
	CU_ASSERT_STRING_EQUAL(scsi_asc_name(0x1d, 0x00),
			       "MISCOMPARE DURING VERIFY OPERATION");
	CU_ASSERT_STRING_EQUAL(scsi_asc_name(0x29, 0x00),
			       "POWER ON, RESET, OR BUS DEVICE RESET OCCURRED");
	CU_ASSERT_STRING_EQUAL(scsi_asc_name(0x1a, 0x00),
			       "PARAMETER LIST LENGTH ERROR");
	CU_ASSERT_STRING_EQUAL(scsi_asc_name(0x26, 0x00),
			       "INVALID FIELD IN PARAMETER LIST");
	CU_ASSERT_STRING_EQUAL(scsi_asc_name(0x39, 0x00),
			       "SAVING PARAMETERS NOT SUPPORTED");
	CU_ASSERT_STRING_EQUAL(scsi_asc_name(0x27, 0x00), "WRITE PROTECTED");
	CU_ASSERT_STRING_EQUAL(scsi_asc_name(0x3a, 0x00), "MEDIUM NOT PRESENT");
	CU_ASSERT_STRING_EQUAL(scsi_asc_name(0x11, 0x00),
			       "UNRECOVERED READ ERROR");
	CU_ASSERT_STRING_EQUAL(scsi_asc_name(0x2f, 0x00),
			       "COMMANDS CLEARED BY ANOTHER INITIATOR");
	CU_ASSERT_STRING_EQUAL(scsi_asc_name(0x3f, 0x0e),
			       "REPORTED LUNS DATA HAS CHANGED");
	CU_ASSERT_STRING_EQUAL(scsi_asc_name(0x3f, 0x03),
			       "INQUIRY DATA HAS CHANGED");
	CU_ASSERT_STRING_EQUAL(scsi_asc_name(0x2a, 0x01),
			       "MODE PARAMETERS CHANGED");
	CU_ASSERT_STRING_EQUAL(scsi_asc_name(0x2a, 0x03),
			       "RESERVATIONS PREEMPTED");
	/* RFC 7143 §11.4.7.2: iSCSI's own codes */
	CU_ASSERT_STRING_EQUAL(scsi_asc_name(0x47, 0x05),
			       "PROTOCOL SERVICE CRC ERROR");
	CU_ASSERT_STRING_EQUAL(scsi_asc_name(0x0c, 0x0c),
			       "WRITE ERROR - UNEXPECTED UNSOLICITED DATA");
	CU_ASSERT_PTR_NULL(scsi_asc_name(0x24, 0x7f));
}

/* SPC-4 Annex D: opcode names, service actions included. */
static void names_opcodes(void)
{
	static const uint8_t rc16[16] = {0x9e, 0x10};
	static const uint8_t rsoc[12] = {0xa3, 0x0c};
	static const uint8_t mi_other[12] = {0xa3, 0x1f};
	char s[128];
	struct scsi_sense sn = {.key = 5, .asc = 0x24, .ascq = 0};

	CU_ASSERT_STRING_EQUAL(scsi_opcode_name(0x28), "READ(10)");
	CU_ASSERT_STRING_EQUAL(scsi_opcode_name(0x89), "COMPARE AND WRITE");
	CU_ASSERT_STRING_EQUAL(scsi_opcode_name(0x5f),
			       "PERSISTENT RESERVE OUT");
	CU_ASSERT_PTR_NULL(scsi_opcode_name(0xff));
	CU_ASSERT_STRING_EQUAL(scsi_cdb_name(rc16, 16), "READ CAPACITY(16)");
	CU_ASSERT_STRING_EQUAL(scsi_cdb_name(rsoc, 12),
			       "REPORT SUPPORTED OPERATION CODES");
	CU_ASSERT_STRING_EQUAL(scsi_cdb_name(mi_other, 12), "MAINTENANCE IN");
	CU_ASSERT_PTR_NULL(scsi_cdb_name(rc16, 0));
	scsi_sense_str(&sn, s, sizeof(s));
	CU_ASSERT_STRING_EQUAL(
	    s, "ILLEGAL REQUEST: INVALID FIELD IN CDB (5/24/00)");
}

UNIT_SUITE(scsi, "proto.scsi", UNIT_TEST(cdb_rw6_layout),
	   UNIT_TEST(cdb_read_10_12_16_layout),
	   UNIT_TEST(cdb_write_10_12_16_layout),
	   UNIT_TEST(cdb_verify_and_write_verify),
	   UNIT_TEST(cdb_sync_cache_and_write_same),
	   UNIT_TEST(cdb_unmap_and_compare_and_write),
	   UNIT_TEST(cdb_inquiry_report_luns_capacity),
	   UNIT_TEST(cdb_mode_sense_select),
	   UNIT_TEST(cdb_reservations_and_unit_control),
	   UNIT_TEST(cdb_len_from_group_code), UNIT_TEST(cdb_lba_len_decoding),
	   UNIT_TEST(param_lists_unmap_and_pr_out),
	   UNIT_TEST(sense_fixed_field_pointer_decoded),
	   UNIT_TEST(sense_fixed_info_and_deferred),
	   UNIT_TEST(sense_fixed_truncated_and_bounded),
	   UNIT_TEST(sense_descriptor_information),
	   UNIT_TEST(sense_descriptor_sks_and_block),
	   UNIT_TEST(sense_malformed_rejected),
	   UNIT_TEST(sense_build_fixed_and_edit),
	   UNIT_TEST(sense_build_descriptor),
	   UNIT_TEST(sense_build_fixed_wide_info), UNIT_TEST(names_status),
	   UNIT_TEST(names_sense_keys), UNIT_TEST(names_asc_ascq),
	   UNIT_TEST(names_opcodes))
