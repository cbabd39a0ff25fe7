/* SPDX-License-Identifier: MIT */
/*
 * test_lu.c - the LU core: opening, unit attentions, CDB decoding, the
 * transfer lengths told to the iSCSI side, and READ / WRITE.
 */
#include <fcntl.h>

#include "test_lu_fixture.h"
#include "unit.h"

/* lu_open accepts block sizes 512..4096 only (SBC-3 §4.4 logical block). */
static void open_rejects_block_size_not_512_to_4096(void)
{
	struct lu_opts o = {.path = "/tmp/lu-never", .size_bytes = 1 << 20,
			    .block_size = 520};
	struct lu *lu = NULL;
	char err[128];

	CU_ASSERT_EQUAL(lu_open(&lu, &o, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NULL(lu);
	CU_ASSERT(strlen(err) > 0);
}

/* size_bytes creates / extends the file; capacity = size / block size. */
static void open_sizes_lu_from_size_bytes(void)
{
	struct lu_opts o = {.block_size = 4096};

	CU_ASSERT_FATAL(lu_fx_open(&o) == 0);
	CU_ASSERT_EQUAL(lu_num_blocks(lu_fx.lu), 2048);
	CU_ASSERT_EQUAL(lu_block_size(lu_fx.lu), 4096);
	lu_fx_close();
}

/* SAM-5 §6.3.2: a new I_T nexus sees POWER ON... (29h/00h), once. */
static void new_nexus_reports_power_on_ua_29_00_once(void)
{
	uint8_t cdb[16];

	CU_ASSERT_FATAL(lu_fx_open(NULL) == 0);
	lu_new_nexus(lu_fx.lu, NX1, NULL);
	scsi_cdb_test_unit_ready(cdb);
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 6, NULL, 0), 0x02);
	CU_ASSERT(lu_fx_sense_is(0x6, 0x29, 0x00));
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 6, NULL, 0), 0x00);
	lu_fx_close();
}

/* SAM-5 §6.3.3: LU reset -> 29h/03h for every nexus, reported once. */
static void lun_reset_ua_29_03_reported_once_to_every_nexus(void)
{
	uint8_t cdb[16];

	LU_FX_OPEN(NULL);
	lu_reset(lu_fx.lu, NX1);
	scsi_cdb_test_unit_ready(cdb);
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 6, NULL, 0), 0x02);
	CU_ASSERT(lu_fx_sense_is(0x6, 0x29, 0x03));
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 6, NULL, 0), 0x00);
	CU_ASSERT_EQUAL(lu_fx_run(NX2, cdb, 6, NULL, 0), 0x02);
	CU_ASSERT(lu_fx_sense_is(0x6, 0x29, 0x03));
	CU_ASSERT_EQUAL(lu_fx_run(NX2, cdb, 6, NULL, 0), 0x00);
	lu_fx_close();
}

/* SAM-5 §6.3.4: a lost nexus that comes back sees 29h/07h. */
static void nexus_loss_ua_29_07_on_return(void)
{
	uint8_t cdb[16];

	LU_FX_OPEN(NULL);
	lu_nexus_gone(lu_fx.lu, NX1);
	lu_new_nexus(lu_fx.lu, NX1, NULL);
	scsi_cdb_test_unit_ready(cdb);
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 6, NULL, 0), 0x02);
	CU_ASSERT(lu_fx_sense_is(0x6, 0x29, 0x07));
	lu_fx_close();
}

/* SAM-5 §5.14: INQUIRY neither reports nor clears a pending UA. */
static void inquiry_does_not_report_or_clear_ua(void)
{
	uint8_t cdb[16];

	LU_FX_OPEN(NULL);
	lu_reset(lu_fx.lu, NX1);
	scsi_cdb_inquiry(cdb, false, 0, 96);
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 6, NULL, 0), 0x00);
	scsi_cdb_report_luns(cdb, 0, 64);
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 12, NULL, 0), 0x00);
	scsi_cdb_test_unit_ready(cdb);
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 6, NULL, 0), 0x02);
	CU_ASSERT(lu_fx_sense_is(0x6, 0x29, 0x03));
	lu_fx_close();
}

/* SPC-4 §6.39: REQUEST SENSE returns the pending UA and clears it. */
static void request_sense_returns_and_clears_ua(void)
{
	uint8_t cdb[16];

	LU_FX_OPEN(NULL);
	lu_reset(lu_fx.lu, NX1);
	scsi_cdb_request_sense(cdb, false, 252);
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 6, NULL, 0), 0x00);
	CU_ASSERT_EQUAL(lu_fx.t.data_in_len, 18);
	CU_ASSERT_EQUAL(lu_fx.din[0], 0x70);
	CU_ASSERT_EQUAL(lu_fx.din[2], 0x06);
	CU_ASSERT_EQUAL(lu_fx.din[12], 0x29);
	CU_ASSERT_EQUAL(lu_fx.din[13], 0x03);
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 6, NULL, 0), 0x00);
	CU_ASSERT_EQUAL(lu_fx.din[2], 0x00); /* NO SENSE now */
	CU_ASSERT_EQUAL(lu_fx.din[12], 0x00);
	scsi_cdb_test_unit_ready(cdb);
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 6, NULL, 0), 0x00);
	lu_fx_close();
}

/* SPC-4 §6.39: DESC=1 asks for descriptor-format sense (72h). */
static void request_sense_desc_returns_descriptor_format(void)
{
	uint8_t cdb[16];

	LU_FX_OPEN(NULL);
	scsi_cdb_request_sense(cdb, true, 252);
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 6, NULL, 0), 0x00);
	CU_ASSERT_EQUAL(lu_fx.din[0], 0x72);
	CU_ASSERT_EQUAL(lu_fx.din[1], 0x00);
	lu_fx_close();
}

/* SPC-4 §4.2.5.1: unknown opcode -> INVALID COMMAND OPERATION CODE. */
static void unknown_opcode_is_invalid_command_operation_code_20_00(void)
{
	uint8_t cdb[16] = {0x04}; /* FORMAT UNIT: not offered by this LU */

	LU_FX_OPEN(NULL);
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 6, NULL, 0), 0x02);
	CU_ASSERT(lu_fx_sense_is(0x5, 0x20, 0x00));
	lu_fx_close();
}

/* SAM-5 §5.9: ACA unsupported, NACA=1 -> INVALID FIELD IN CDB at it. */
static void naca_bit_is_invalid_field_in_cdb_24_00(void)
{
	uint8_t cdb[16];

	LU_FX_OPEN(NULL);
	scsi_cdb_read10(cdb, 0, 1, 0);
	cdb[9] = 0x04;
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 10, NULL, 0), 0x02);
	CU_ASSERT(lu_fx_sense_is(0x5, 0x24, 0x00));
	/* SKSV, C/D=1, BPV, bit 2; field pointer byte 9 */
	CU_ASSERT_EQUAL(lu_fx.t.sense[15], 0x80 | 0x40 | 0x08 | 2);
	CU_ASSERT_EQUAL(lu_fx.t.sense[17], 9);
	lu_fx_close();
}

/* SPC-4 §4.3.2: a set reserved CDB bit is an invalid field. */
static void reserved_cdb_bit_is_invalid_field_in_cdb(void)
{
	uint8_t cdb[16];

	LU_FX_OPEN(NULL);
	scsi_cdb_test_unit_ready(cdb);
	cdb[3] = 0x01;
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 6, NULL, 0), 0x02);
	CU_ASSERT(lu_fx_sense_is(0x5, 0x24, 0x00));
	CU_ASSERT_EQUAL(lu_fx.t.sense[17], 3);
	lu_fx_close();
}

/* SBC-3 §5.33 / §5.12: what WRITE(10) stores READ(10) returns. */
static void write10_read10_round_trip(void)
{
	uint8_t cdb[16], buf[1024];

	LU_FX_OPEN(NULL);
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 7 + 3);
	scsi_cdb_write10(cdb, 100, 2, 0);
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 10, buf, sizeof(buf)), 0x00);
	scsi_cdb_read10(cdb, 100, 2, 0);
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 10, NULL, 0), 0x00);
	CU_ASSERT_EQUAL(lu_fx.t.data_in_len, 1024);
	CU_ASSERT_EQUAL(memcmp(lu_fx.din, buf, 1024), 0);
	lu_fx_close();
}

/* SBC-3 §4.5: an LBA past the capacity -> LBA OUT OF RANGE. */
static void read10_lba_out_of_range_is_check_condition_21_00(void)
{
	uint8_t cdb[16];

	LU_FX_OPEN(NULL);
	scsi_cdb_read10(cdb, 2048, 1, 0);
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 10, NULL, 0), 0x02);
	CU_ASSERT(lu_fx_sense_is(0x5, 0x21, 0x00));
	CU_ASSERT_EQUAL(lu_fx.t.data_in_len, 0);
	lu_fx_close();
}

/* SBC-3 §4.5: LBA + length past the end -> LBA OUT OF RANGE. */
static void read10_crossing_the_end_is_21_00(void)
{
	uint8_t cdb[16];

	LU_FX_OPEN(NULL);
	scsi_cdb_read10(cdb, 2047, 2, 0);
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 10, NULL, 0), 0x02);
	CU_ASSERT(lu_fx_sense_is(0x5, 0x21, 0x00));
	scsi_cdb_read16(cdb, 0xffffffffffffffffull, 1, 0);
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 16, NULL, 0), 0x02);
	CU_ASSERT(lu_fx_sense_is(0x5, 0x21, 0x00));
	lu_fx_close();
}

/* SBC-3 §5.12: READ(10) length 0 transfers nothing and is GOOD. */
static void read10_zero_blocks_transfers_nothing(void)
{
	uint8_t cdb[16];

	LU_FX_OPEN(NULL);
	scsi_cdb_read10(cdb, 0, 0, 0);
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 10, NULL, 0), 0x00);
	CU_ASSERT_EQUAL(lu_fx.t.data_in_len, 0);
	CU_ASSERT_EQUAL(lu_fx.t.data_in_full, 0);
	lu_fx_close();
}

/* SBC-3 §5.15: READ(6) TRANSFER LENGTH 0 means 256 blocks. */
static void read6_zero_length_means_256_blocks(void)
{
	uint8_t cdb[16];
	uint32_t len;
	int dir;

	LU_FX_OPEN(NULL);
	scsi_cdb_read6(cdb, 0, 0);
	CU_ASSERT_EQUAL(lu_xfer_len(lu_fx.lu, cdb, 16, &len, &dir), 0);
	CU_ASSERT_EQUAL(len, 256 * 512);
	CU_ASSERT_EQUAL(dir, LU_DIR_READ);
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 6, NULL, 0), 0x00);
	CU_ASSERT_EQUAL(lu_fx.t.data_in_len, 256 * 512);
	lu_fx_close();
}

/* SBC-3 §5.35: WRITE(6) TRANSFER LENGTH 0 means 256 blocks. */
static void write6_zero_length_means_256_blocks(void)
{
	uint8_t cdb[16];
	uint32_t len;
	int dir;

	LU_FX_OPEN(NULL);
	scsi_cdb_write6(cdb, 10, 0);
	CU_ASSERT_EQUAL(lu_xfer_len(lu_fx.lu, cdb, 16, &len, &dir), 0);
	CU_ASSERT_EQUAL(len, 256 * 512);
	CU_ASSERT_EQUAL(dir, LU_DIR_WRITE);
	lu_fx_close();
}

/* SBC-3 §5.12: RDPROTECT != 0 without protection information. */
static void read10_rdprotect_nonzero_is_invalid_field(void)
{
	uint8_t cdb[16];

	LU_FX_OPEN(NULL);
	scsi_cdb_read10(cdb, 0, 1, SCSI_CDB_PROTECT(3));
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 10, NULL, 0), 0x02);
	CU_ASSERT(lu_fx_sense_is(0x5, 0x24, 0x00));
	lu_fx_close();
}

/* SBC-3 §6.5.3: more than MAXIMUM TRANSFER LENGTH -> invalid field. */
static void read_beyond_maximum_transfer_length_is_invalid_field(void)
{
	uint8_t cdb[16];

	LU_FX_OPEN(NULL);
	scsi_cdb_read16(cdb, 0, 0x10000000, 0);
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 16, NULL, 0), 0x02);
	CU_ASSERT(lu_fx_sense_is(0x5, 0x24, 0x00));
	lu_fx_close();
}

/* SBC-3 §4.11: a write-protected LU -> DATA PROTECT, WRITE PROTECTED. */
static void write_on_read_only_lu_is_data_protect_27_00(void)
{
	struct lu_opts o = {0};
	uint8_t cdb[16], buf[512] = {0};
	struct lu *rw;
	char err[128];

	/* a read-only LU needs an existing file */
	CU_ASSERT_FATAL(lu_fx_open(NULL) == 0);
	rw = lu_fx.lu;
	o.path = lu_fx.path;
	o.read_only = true;
	CU_ASSERT_FATAL(lu_open(&lu_fx.lu, &o, err, sizeof(err)) == 0);
	lu_fx.set.map[0].lu = lu_fx.lu;
	lu_new_nexus(lu_fx.lu, NX1, NULL);
	scsi_cdb_test_unit_ready(cdb);
	lu_fx_run(NX1, cdb, 6, NULL, 0);
	scsi_cdb_write10(cdb, 0, 1, 0);
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 10, buf, sizeof(buf)), 0x02);
	CU_ASSERT(lu_fx_sense_is(0x7, 0x27, 0x00));
	scsi_cdb_read10(cdb, 0, 1, 0);
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 10, NULL, 0), 0x00);
	lu_close(rw);
	lu_fx_close();
}

/*
 * RFC 7143 §11.4.5.1 / SAM-5: a Data-Out buffer shorter than the CDB's
 * transfer length writes the whole blocks it holds (GOOD; the transport
 * reports the overflow residual); blocks past it stay untouched.
 */
static void write10_short_data_out_writes_whole_blocks_only(void)
{
	uint8_t cdb[16], buf[1024];

	LU_FX_OPEN(NULL);
	memset(buf, 0x5a, sizeof(buf));
	scsi_cdb_write10(cdb, 7, 2, 0); /* 2 blocks, 1000 bytes supplied */
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 10, buf, 1000), 0x00);
	scsi_cdb_read10(cdb, 7, 1, 0);
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 10, NULL, 0), 0x00);
	CU_ASSERT_EQUAL(lu_fx.din[0], 0x5a);
	CU_ASSERT_EQUAL(lu_fx.din[511], 0x5a);
	scsi_cdb_read10(cdb, 8, 1, 0); /* the partial second block */
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 10, NULL, 0), 0x00);
	CU_ASSERT_EQUAL(lu_fx.din[0], 0x00);
	lu_fx_close();
}

/* SBC-3 §5.33: FUA write reaches the file before GOOD. */
static void write10_fua_data_is_in_the_file(void)
{
	uint8_t cdb[16], buf[512], back[512];
	int fd;

	LU_FX_OPEN(NULL);
	memset(buf, 0xc3, sizeof(buf));
	scsi_cdb_write10(cdb, 3, 1, SCSI_CDB_FUA | SCSI_CDB_DPO);
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 10, buf, sizeof(buf)), 0x00);
	fd = open(lu_fx.path, O_RDONLY);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(pread(fd, back, 512, 3 * 512), 512);
	CU_ASSERT_EQUAL(memcmp(back, buf, 512), 0);
	close(fd);
	lu_fx_close();
}

/* RFC 7143 §11.4.5.2: the LU fills at most the buffer and reports the
 * full length, so the iSCSI side can compute an overflow residual. */
static void data_in_truncated_to_buffer_reports_full_length(void)
{
	uint8_t cdb[16];
	struct lu_task *t = &lu_fx.t;

	LU_FX_OPEN(NULL);
	scsi_cdb_read10(cdb, 0, 2, 0);
	memset(t, 0, sizeof(*t));
	t->nexus = NX1;
	t->cdb = cdb;
	t->cdb_len = 16;
	t->data_in = lu_fx.din;
	t->data_in_cap = 200;
	lu_exec(lu_fx.lu, t);
	CU_ASSERT_EQUAL(t->status, 0x00);
	CU_ASSERT_EQUAL(t->data_in_len, 200);
	CU_ASSERT_EQUAL(t->data_in_full, 1024);
	lu_fx_close();
}

/* RFC 7143 §11.4.5: lengths and directions for EDTL checks. */
static void xfer_len_reports_bytes_and_direction(void)
{
	uint8_t cdb[16];
	uint32_t len;
	int dir;

	LU_FX_OPEN(NULL);
	scsi_cdb_write16(cdb, 0, 3, 0);
	CU_ASSERT_EQUAL(lu_xfer_len(lu_fx.lu, cdb, 16, &len, &dir), 0);
	CU_ASSERT_EQUAL(len, 1536);
	CU_ASSERT_EQUAL(dir, LU_DIR_WRITE);
	scsi_cdb_compare_and_write(cdb, 0, 2, 0);
	CU_ASSERT_EQUAL(lu_xfer_len(lu_fx.lu, cdb, 16, &len, &dir), 0);
	CU_ASSERT_EQUAL(len, 2048);
	scsi_cdb_inquiry(cdb, false, 0, 255);
	CU_ASSERT_EQUAL(lu_xfer_len(lu_fx.lu, cdb, 16, &len, &dir), 0);
	CU_ASSERT_EQUAL(len, 255);
	CU_ASSERT_EQUAL(dir, LU_DIR_READ);
	scsi_cdb_test_unit_ready(cdb);
	CU_ASSERT_EQUAL(lu_xfer_len(lu_fx.lu, cdb, 16, &len, &dir), 0);
	CU_ASSERT_EQUAL(dir, LU_DIR_NONE);
	cdb[0] = 0x04;
	CU_ASSERT_EQUAL(lu_xfer_len(lu_fx.lu, cdb, 16, &len, &dir), -1);
	lu_fx_close();
}

UNIT_SUITE(lu_core, "lu",
	   UNIT_TEST(open_rejects_block_size_not_512_to_4096),
	   UNIT_TEST(open_sizes_lu_from_size_bytes),
	   UNIT_TEST(new_nexus_reports_power_on_ua_29_00_once),
	   UNIT_TEST(lun_reset_ua_29_03_reported_once_to_every_nexus),
	   UNIT_TEST(nexus_loss_ua_29_07_on_return),
	   UNIT_TEST(inquiry_does_not_report_or_clear_ua),
	   UNIT_TEST(request_sense_returns_and_clears_ua),
	   UNIT_TEST(request_sense_desc_returns_descriptor_format),
	   UNIT_TEST(unknown_opcode_is_invalid_command_operation_code_20_00),
	   UNIT_TEST(naca_bit_is_invalid_field_in_cdb_24_00),
	   UNIT_TEST(reserved_cdb_bit_is_invalid_field_in_cdb),
	   UNIT_TEST(write10_read10_round_trip),
	   UNIT_TEST(read10_lba_out_of_range_is_check_condition_21_00),
	   UNIT_TEST(read10_crossing_the_end_is_21_00),
	   UNIT_TEST(read10_zero_blocks_transfers_nothing),
	   UNIT_TEST(read6_zero_length_means_256_blocks),
	   UNIT_TEST(write6_zero_length_means_256_blocks),
	   UNIT_TEST(read10_rdprotect_nonzero_is_invalid_field),
	   UNIT_TEST(read_beyond_maximum_transfer_length_is_invalid_field),
	   UNIT_TEST(write_on_read_only_lu_is_data_protect_27_00),
	   UNIT_TEST(write10_short_data_out_writes_whole_blocks_only),
	   UNIT_TEST(write10_fua_data_is_in_the_file),
	   UNIT_TEST(data_in_truncated_to_buffer_reports_full_length),
	   UNIT_TEST(xfer_len_reports_bytes_and_direction))
