/* SPDX-License-Identifier: MIT */
/*
 * test_lu_sbc.c - block commands: VERIFY, WRITE AND VERIFY, SYNCHRONIZE
 * CACHE, WRITE SAME, UNMAP, COMPARE AND WRITE, READ CAPACITY.
 */
#include "test_lu_fixture.h"
#include "unit.h"

static uint8_t sbc_buf[8192];

static void sbc_fill(uint64_t lba, unsigned blocks, uint8_t v)
{
	uint8_t cdb[16];

	memset(sbc_buf, v, blocks * 512u);
	scsi_cdb_write10(cdb, (uint32_t)lba, (uint16_t)blocks, 0);
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 10, sbc_buf, blocks * 512u), 0);
}

/* All of [lba, lba+blocks) reads back as v. */
static int sbc_reads_as(uint64_t lba, unsigned blocks, uint8_t v)
{
	uint8_t cdb[16];

	scsi_cdb_read16(cdb, lba, blocks, 0);
	if (lu_fx_run(NX1, cdb, 16, NULL, 0) != 0 ||
	    lu_fx.t.data_in_len != blocks * 512u)
		return 0;
	for (size_t i = 0; i < blocks * 512u; i++)
		if (lu_fx.din[i] != v)
			return 0;
	return 1;
}

/* SBC-3 §5.29: VERIFY BYTCHK=1 with equal data is GOOD. */
static void verify10_bytchk_equal_data_is_good(void)
{
	uint8_t cdb[16];

	LU_FX_OPEN(NULL);
	sbc_fill(20, 2, 0x11);
	scsi_cdb_verify10(cdb, 20, 2, SCSI_CDB_BYTCHK);
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 10, sbc_buf, 1024), 0x00);
	lu_fx_close();
}

/* SBC-3 §5.29: a difference -> MISCOMPARE 1Dh/00h, INFORMATION = offset. */
static void verify10_miscompare_is_1d_00_with_offset(void)
{
	uint8_t cdb[16];

	LU_FX_OPEN(NULL);
	sbc_fill(20, 2, 0x11);
	sbc_buf[700] ^= 0xff;
	scsi_cdb_verify10(cdb, 20, 2, SCSI_CDB_BYTCHK);
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 10, sbc_buf, 1024), 0x02);
	CU_ASSERT(lu_fx_sense_is(0xe, 0x1d, 0x00));
	CU_ASSERT_EQUAL(lu_fx.t.sense[0] & 0x80, 0x80); /* VALID */
	CU_ASSERT_EQUAL(iscsi_get32(lu_fx.t.sense + 3), 700);
	lu_fx_close();
}

/* SBC-3 §5.29: BYTCHK=0 only checks the medium: no data, GOOD. */
static void verify16_bytchk0_needs_no_data(void)
{
	uint8_t cdb[16];
	uint32_t len;
	int dir;

	LU_FX_OPEN(NULL);
	scsi_cdb_verify16(cdb, 0, 16, 0);
	CU_ASSERT_EQUAL(lu_xfer_len(lu_fx.lu, cdb, 16, &len, &dir), 0);
	CU_ASSERT_EQUAL(dir, LU_DIR_NONE);
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 16, NULL, 0), 0x00);
	scsi_cdb_verify16(cdb, 2048, 1, 0);
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 16, NULL, 0), 0x02);
	CU_ASSERT(lu_fx_sense_is(0x5, 0x21, 0x00));
	lu_fx_close();
}

/* SBC-3 §5.38: WRITE AND VERIFY stores the data. */
static void write_verify12_stores_data(void)
{
	uint8_t cdb[16];

	LU_FX_OPEN(NULL);
	memset(sbc_buf, 0x42, 1024);
	scsi_cdb_write_verify12(cdb, 30, 2, SCSI_CDB_BYTCHK);
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 12, sbc_buf, 1024), 0x00);
	CU_ASSERT(sbc_reads_as(30, 2, 0x42));
	lu_fx_close();
}

/* SBC-3 §5.22: SYNCHRONIZE CACHE is GOOD inside the medium... */
static void sync_cache10_in_range_is_good(void)
{
	uint8_t cdb[16];

	LU_FX_OPEN(NULL);
	scsi_cdb_sync_cache10(cdb, 0, 0, 0);
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 10, NULL, 0), 0x00);
	scsi_cdb_sync_cache16(cdb, 2000, 48, SCSI_CDB_IMMED);
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 16, NULL, 0), 0x00);
	lu_fx_close();
}

/* ... and LBA OUT OF RANGE past it. */
static void sync_cache16_beyond_end_is_21_00(void)
{
	uint8_t cdb[16];

	LU_FX_OPEN(NULL);
	scsi_cdb_sync_cache16(cdb, 2000, 49, 0);
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 16, NULL, 0), 0x02);
	CU_ASSERT(lu_fx_sense_is(0x5, 0x21, 0x00));
	lu_fx_close();
}

/* SBC-3 §5.41: WRITE SAME writes the one block to every LBA. */
static void write_same10_fills_range(void)
{
	uint8_t cdb[16], blk[512];

	LU_FX_OPEN(NULL);
	memset(blk, 0x77, sizeof(blk));
	scsi_cdb_write_same10(cdb, 40, 5, 0);
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 10, blk, sizeof(blk)), 0x00);
	CU_ASSERT(sbc_reads_as(40, 5, 0x77));
	CU_ASSERT(sbc_reads_as(45, 1, 0x00));
	lu_fx_close();
}

/* SBC-3 §5.41 (WSNZ=0): 0 blocks means up to the last LBA. */
static void write_same10_zero_blocks_writes_to_the_end(void)
{
	uint8_t cdb[16], blk[512];

	LU_FX_OPEN(NULL);
	memset(blk, 0x31, sizeof(blk));
	scsi_cdb_write_same10(cdb, 2040, 0, 0);
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 10, blk, sizeof(blk)), 0x00);
	CU_ASSERT(sbc_reads_as(2040, 8, 0x31));
	CU_ASSERT(sbc_reads_as(2039, 1, 0x00));
	lu_fx_close();
}

/* SBC-3 §4.7.3.4 (LBPRZ=1): WRITE SAME(16) UNMAP of zeros reads zeros. */
static void write_same16_unmap_reads_back_zeros(void)
{
	uint8_t cdb[16], blk[512] = {0};

	LU_FX_OPEN(NULL);
	sbc_fill(50, 8, 0xaa);
	scsi_cdb_write_same16(cdb, 50, 8, SCSI_CDB_UNMAP);
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 16, blk, sizeof(blk)), 0x00);
	CU_ASSERT(sbc_reads_as(50, 8, 0x00));
	lu_fx_close();
}

/* SBC-4 §5.50: UNMAP=1 deallocates whatever the block holds; LBPRZ=1
 * makes the LBAs read back zeros. */
static void write_same10_unmap_nonzero_block_deallocates(void)
{
	uint8_t cdb[16], blk[512];

	LU_FX_OPEN(NULL);
	sbc_fill(60, 3, 0xff);
	memset(blk, 0xff, sizeof(blk));
	scsi_cdb_write_same10(cdb, 60, 3, SCSI_CDB_UNMAP);
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 10, blk, sizeof(blk)), 0x00);
	CU_ASSERT(sbc_reads_as(60, 3, 0x00));
	lu_fx_close();
}

/* SBC-4 §5.50 (WSNZ=0): UNMAP=1 with 0 blocks deallocates to the end. */
static void write_same10_unmap_zero_blocks_deallocates_to_the_end(void)
{
	uint8_t cdb[16], blk[512];

	LU_FX_OPEN(NULL);
	sbc_fill(2044, 4, 0xff);
	sbc_fill(2043, 1, 0x5a);
	memset(blk, 0xff, sizeof(blk));
	scsi_cdb_write_same10(cdb, 2044, 0, SCSI_CDB_UNMAP);
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 10, blk, sizeof(blk)), 0x00);
	CU_ASSERT(sbc_reads_as(2044, 4, 0x00));
	CU_ASSERT(sbc_reads_as(2043, 1, 0x5a));
	lu_fx_close();
}

/* SBC-3 §5.42: NDOB=1 writes zeros without a Data-Out buffer. */
static void write_same16_ndob_writes_zeros_without_data(void)
{
	uint8_t cdb[16];
	uint32_t len;
	int dir;

	LU_FX_OPEN(NULL);
	sbc_fill(70, 2, 0xbb);
	scsi_cdb_write_same16(cdb, 70, 2, SCSI_CDB_NDOB);
	CU_ASSERT_EQUAL(lu_xfer_len(lu_fx.lu, cdb, 16, &len, &dir), 0);
	CU_ASSERT_EQUAL(dir, LU_DIR_NONE);
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 16, NULL, 0), 0x00);
	CU_ASSERT(sbc_reads_as(70, 2, 0x00));
	lu_fx_close();
}

/* SBC-3 §5.41: ANCHOR=1 with ANC_SUP=0 -> INVALID FIELD IN CDB. */
static void write_same_anchor_is_invalid_field(void)
{
	uint8_t cdb[16], blk[512] = {0};

	LU_FX_OPEN(NULL);
	scsi_cdb_write_same10(cdb, 0, 1, SCSI_CDB_ANCHOR | SCSI_CDB_UNMAP);
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 10, blk, sizeof(blk)), 0x02);
	CU_ASSERT(lu_fx_sense_is(0x5, 0x24, 0x00));
	lu_fx_close();
}

static uint8_t sbc_unmap(const struct scsi_unmap_desc *d, size_t n)
{
	uint8_t cdb[16], prm[8 + 16 * 4];
	size_t len = scsi_unmap_param(prm, sizeof(prm), d, n);

	scsi_cdb_unmap(cdb, 0, (uint16_t)len);
	return lu_fx_run(NX1, cdb, 10, prm, len);
}

/* SBC-3 §5.28 (LBPRZ=1): unmapped blocks read back zeros. */
static void unmap_reads_back_zeros(void)
{
	struct scsi_unmap_desc d[2] = {{100, 4}, {200, 1}};

	LU_FX_OPEN(NULL);
	sbc_fill(100, 4, 0x99);
	sbc_fill(200, 2, 0x99);
	CU_ASSERT_EQUAL(sbc_unmap(d, 2), 0x00);
	CU_ASSERT(sbc_reads_as(100, 4, 0x00));
	CU_ASSERT(sbc_reads_as(200, 1, 0x00));
	CU_ASSERT(sbc_reads_as(201, 1, 0x99));
	lu_fx_close();
}

/* SBC-3 §5.28: a descriptor past the end -> 21h/00h, nothing unmapped. */
static void unmap_out_of_range_descriptor_is_21_00_and_unmaps_nothing(void)
{
	struct scsi_unmap_desc d[2] = {{100, 4}, {2047, 2}};

	LU_FX_OPEN(NULL);
	sbc_fill(100, 4, 0x99);
	CU_ASSERT_EQUAL(sbc_unmap(d, 2), 0x02);
	CU_ASSERT(lu_fx_sense_is(0x5, 0x21, 0x00));
	CU_ASSERT(sbc_reads_as(100, 4, 0x99));
	lu_fx_close();
}

/* SBC-3 §5.28: PARAMETER LIST LENGTH 1..7 -> 1Ah/00h; 0 -> GOOD. */
static void unmap_param_list_length_below_8_is_1a_00(void)
{
	uint8_t cdb[16], prm[8] = {0};

	LU_FX_OPEN(NULL);
	scsi_cdb_unmap(cdb, 0, 6);
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 10, prm, 6), 0x02);
	CU_ASSERT(lu_fx_sense_is(0x5, 0x1a, 0x00));
	scsi_cdb_unmap(cdb, 0, 0);
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 10, NULL, 0), 0x00);
	lu_fx_close();
}

/* SBC-3 §5.28.2: block descriptor length beyond the list -> 26h/00h. */
static void unmap_descriptor_length_beyond_list_is_26_00(void)
{
	uint8_t cdb[16], prm[24] = {0};

	LU_FX_OPEN(NULL);
	iscsi_put16(prm, 22);
	iscsi_put16(prm + 2, 32); /* claims two descriptors, one is sent */
	scsi_cdb_unmap(cdb, 0, sizeof(prm));
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 10, prm, sizeof(prm)), 0x02);
	CU_ASSERT(lu_fx_sense_is(0x5, 0x26, 0x00));
	lu_fx_close();
}

/* SBC-3 §5.28: ANCHOR=1 with ANC_SUP=0 -> INVALID FIELD IN CDB. */
static void unmap_anchor_is_invalid_field(void)
{
	uint8_t cdb[16];

	LU_FX_OPEN(NULL);
	scsi_cdb_unmap(cdb, SCSI_UNMAP_ANCHOR, 0);
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 10, NULL, 0), 0x02);
	CU_ASSERT(lu_fx_sense_is(0x5, 0x24, 0x00));
	lu_fx_close();
}

/* SBC-3 §5.2: equal compare data -> the write data is stored. */
static void caw_equal_data_writes_new_data(void)
{
	uint8_t cdb[16];

	LU_FX_OPEN(NULL);
	sbc_fill(300, 2, 0x10);
	memset(sbc_buf, 0x10, 1024);
	memset(sbc_buf + 1024, 0x20, 1024);
	scsi_cdb_compare_and_write(cdb, 300, 2, 0);
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 16, sbc_buf, 2048), 0x00);
	CU_ASSERT(sbc_reads_as(300, 2, 0x20));
	lu_fx_close();
}

/* SBC-3 §5.2: MISCOMPARE 1Dh/00h, offset in INFORMATION, no write. */
static void caw_miscompare_is_1d_00_and_writes_nothing(void)
{
	uint8_t cdb[16];

	LU_FX_OPEN(NULL);
	sbc_fill(300, 2, 0x10);
	memset(sbc_buf, 0x10, 1024);
	sbc_buf[513] = 0x11;
	memset(sbc_buf + 1024, 0x20, 1024);
	scsi_cdb_compare_and_write(cdb, 300, 2, 0);
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 16, sbc_buf, 2048), 0x02);
	CU_ASSERT(lu_fx_sense_is(0xe, 0x1d, 0x00));
	CU_ASSERT_EQUAL(iscsi_get32(lu_fx.t.sense + 3), 513);
	CU_ASSERT(sbc_reads_as(300, 2, 0x10));
	lu_fx_close();
}

/* Runs a COMPARE AND WRITE with an iSCSI Expected Data Transfer Length. */
static uint8_t sbc_caw_edtl(uint64_t lba, uint8_t nlb, uint32_t edtl,
			    size_t dlen)
{
	uint8_t cdb[16];
	struct lu_task *t = &lu_fx.t;

	scsi_cdb_compare_and_write(cdb, lba, nlb, 0);
	memset(t, 0, sizeof(*t));
	t->nexus = NX1;
	t->cdb = cdb;
	t->cdb_len = 16;
	t->edtl_out = edtl;
	t->data_out = sbc_buf;
	t->data_out_len = dlen;
	t->data_in = lu_fx.din;
	t->data_in_cap = sizeof(lu_fx.din);
	lu_set_exec(&lu_fx.set, 0, t);
	return t->status;
}

/* SBC-4 §5.3: NUMBER OF LOGICAL BLOCKS 0 moves no data, so 256 blocks of
 * Data-Out with NLB 0 (a wrapped 256) -> INVALID FIELD IN CDB, byte 13. */
static void caw_nlb0_with_data_out_is_invalid_field(void)
{
	LU_FX_OPEN(NULL);
	sbc_fill(300, 2, 0x10);
	memset(sbc_buf, 0x10, 2048);
	CU_ASSERT_EQUAL(sbc_caw_edtl(300, 0, 256u * 2 * 512, 2048), 0x02);
	CU_ASSERT(lu_fx_sense_is(0x5, 0x24, 0x00));
	CU_ASSERT_EQUAL(lu_fx.t.sense[15], 0x80 | 0x40 | 0x08 | 7);
	CU_ASSERT_EQUAL(iscsi_get16(lu_fx.t.sense + 16), 13);
	CU_ASSERT(sbc_reads_as(300, 2, 0x10));
	lu_fx_close();
}

/* SBC-4 §5.3: Data-Out must be 2 x NLB blocks: 4 blocks with NLB 1 or 3
 * -> INVALID FIELD IN CDB, nothing written; exactly 2 x NLB is GOOD. */
static void caw_data_out_not_twice_nlb_is_invalid_field(void)
{
	LU_FX_OPEN(NULL);
	sbc_fill(300, 3, 0x10);
	memset(sbc_buf, 0x10, 4096);
	CU_ASSERT_EQUAL(sbc_caw_edtl(300, 1, 2048, 2048), 0x02);
	CU_ASSERT(lu_fx_sense_is(0x5, 0x24, 0x00));
	CU_ASSERT_EQUAL(sbc_caw_edtl(300, 3, 2048, 2048), 0x02);
	CU_ASSERT(lu_fx_sense_is(0x5, 0x24, 0x00));
	CU_ASSERT(sbc_reads_as(300, 3, 0x10));
	memset(sbc_buf + 1024, 0x20, 1024);
	CU_ASSERT_EQUAL(sbc_caw_edtl(300, 2, 2048, 2048), 0x00);
	CU_ASSERT(sbc_reads_as(300, 2, 0x20));
	lu_fx_close();
}

/* SBC-3 §5.16: last LBA and block length. */
static void read_capacity10_returns_last_lba_and_block_size(void)
{
	uint8_t cdb[16];

	LU_FX_OPEN(NULL);
	scsi_cdb_read_capacity10(cdb);
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 10, NULL, 0), 0x00);
	CU_ASSERT_EQUAL(lu_fx.t.data_in_len, 8);
	CU_ASSERT_EQUAL(iscsi_get32(lu_fx.din), 2047);
	CU_ASSERT_EQUAL(iscsi_get32(lu_fx.din + 4), 512);
	lu_fx_close();
}

/* SBC-3 §5.16: PMI=0 with a non-zero LBA -> INVALID FIELD IN CDB. */
static void read_capacity10_pmi0_with_lba_is_invalid_field(void)
{
	uint8_t cdb[16];

	LU_FX_OPEN(NULL);
	scsi_cdb_read_capacity10(cdb);
	cdb[5] = 1;
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 10, NULL, 0), 0x02);
	CU_ASSERT(lu_fx_sense_is(0x5, 0x24, 0x00));
	lu_fx_close();
}

/* SBC-3 §5.16: capacity beyond 32 bits -> RETURNED LBA FFFFFFFFh. */
static void read_capacity10_beyond_32_bits_returns_ffffffff(void)
{
	struct lu_opts o = {.size_bytes = ((1ull << 32) + 16) * 512};
	uint8_t cdb[16];

	LU_FX_OPEN(&o);
	scsi_cdb_read_capacity10(cdb);
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 10, NULL, 0), 0x00);
	CU_ASSERT_EQUAL(iscsi_get32(lu_fx.din), 0xffffffffu);
	scsi_cdb_read_capacity16(cdb, 32);
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 16, NULL, 0), 0x00);
	CU_ASSERT_EQUAL(iscsi_get64(lu_fx.din), (1ull << 32) + 15);
	lu_fx_close();
}

/* SBC-3 §5.17: LBPME and LBPRZ set, 32 bytes of parameter data. */
static void read_capacity16_reports_lbpme_and_lbprz(void)
{
	uint8_t cdb[16];

	LU_FX_OPEN(NULL);
	scsi_cdb_read_capacity16(cdb, 64);
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 16, NULL, 0), 0x00);
	CU_ASSERT_EQUAL(lu_fx.t.data_in_len, 32);
	CU_ASSERT_EQUAL(iscsi_get64(lu_fx.din), 2047);
	CU_ASSERT_EQUAL(iscsi_get32(lu_fx.din + 8), 512);
	CU_ASSERT_EQUAL(lu_fx.din[14] & 0xc0, 0xc0);
	lu_fx_close();
}

/* SPC-4 §4.2.5.6: the allocation length truncates; 0 returns nothing. */
static void read_capacity16_allocation_length_truncates(void)
{
	uint8_t cdb[16];

	LU_FX_OPEN(NULL);
	scsi_cdb_read_capacity16(cdb, 4);
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 16, NULL, 0), 0x00);
	CU_ASSERT_EQUAL(lu_fx.t.data_in_len, 4);
	CU_ASSERT_EQUAL(lu_fx.din[4], 0xee); /* untouched past it */
	scsi_cdb_read_capacity16(cdb, 0);
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 16, NULL, 0), 0x00);
	CU_ASSERT_EQUAL(lu_fx.t.data_in_len, 0);
	lu_fx_close();
}

UNIT_SUITE(lu_sbc, "lu.sbc",
	   UNIT_TEST(verify10_bytchk_equal_data_is_good),
	   UNIT_TEST(verify10_miscompare_is_1d_00_with_offset),
	   UNIT_TEST(verify16_bytchk0_needs_no_data),
	   UNIT_TEST(write_verify12_stores_data),
	   UNIT_TEST(sync_cache10_in_range_is_good),
	   UNIT_TEST(sync_cache16_beyond_end_is_21_00),
	   UNIT_TEST(write_same10_fills_range),
	   UNIT_TEST(write_same10_zero_blocks_writes_to_the_end),
	   UNIT_TEST(write_same16_unmap_reads_back_zeros),
	   UNIT_TEST(write_same10_unmap_nonzero_block_deallocates),
	   UNIT_TEST(write_same10_unmap_zero_blocks_deallocates_to_the_end),
	   UNIT_TEST(write_same16_ndob_writes_zeros_without_data),
	   UNIT_TEST(write_same_anchor_is_invalid_field),
	   UNIT_TEST(unmap_reads_back_zeros),
	   UNIT_TEST(unmap_out_of_range_descriptor_is_21_00_and_unmaps_nothing),
	   UNIT_TEST(unmap_param_list_length_below_8_is_1a_00),
	   UNIT_TEST(unmap_descriptor_length_beyond_list_is_26_00),
	   UNIT_TEST(unmap_anchor_is_invalid_field),
	   UNIT_TEST(caw_equal_data_writes_new_data),
	   UNIT_TEST(caw_miscompare_is_1d_00_and_writes_nothing),
	   UNIT_TEST(caw_nlb0_with_data_out_is_invalid_field),
	   UNIT_TEST(caw_data_out_not_twice_nlb_is_invalid_field),
	   UNIT_TEST(read_capacity10_returns_last_lba_and_block_size),
	   UNIT_TEST(read_capacity10_pmi0_with_lba_is_invalid_field),
	   UNIT_TEST(read_capacity10_beyond_32_bits_returns_ffffffff),
	   UNIT_TEST(read_capacity16_reports_lbpme_and_lbprz),
	   UNIT_TEST(read_capacity16_allocation_length_truncates))
