/* SPDX-License-Identifier: MIT */
/*
 * test_tgt_ffp_data.c - the reference target's data movement: Data-In
 * segmentation (§13.12, §13.13), phase collapse (§11.7.3), residuals
 * (§11.4.5), immediate and unsolicited data (§13.10, §13.11, §13.14), R2T
 * (§11.8, §13.17) and Data-Out checks (§11.7.4).
 */
#include <string.h>

#include "test_tgt_ffp_util.h"
#include "unit.h"

static const char *const small_keys[] = {
	"MaxRecvDataSegmentLength=4096", "MaxBurstLength=8192",
	"FirstBurstLength=8192", NULL};

struct din {
	uint8_t flags, status;
	uint32_t datasn, offset, len, residual;
};

/* Receive Data-In PDUs until one with S (or a SCSI Response). */
static int read_all(struct fixture *fx, struct din *d, size_t max,
		    size_t *n, uint8_t *buf, size_t buflen)
{
	struct iscsi_pdu r;

	*n = 0;
	for (;;) {
		struct iscsi_data_in_f f;

		if (fixture_recv_pdu(fx, &r, TF_TIMEOUT) < 0)
			return -1;
		if (iscsi_bhs_opcode(&r.bhs) != ISCSI_OP_DATA_IN) {
			int op = (int)iscsi_bhs_opcode(&r.bhs);

			iscsi_pdu_release(&r);
			return op;
		}
		iscsi_data_in_unpack(&r.bhs, &f);
		if (*n < max) {
			d[*n].flags = r.bhs.flags;
			d[*n].status = f.status;
			d[*n].datasn = f.datasn;
			d[*n].offset = f.buffer_offset;
			d[*n].len = (uint32_t)r.data_len;
			d[*n].residual = f.residual;
			(*n)++;
		}
		if (buf && f.buffer_offset + r.data_len <= buflen)
			memcpy(buf + f.buffer_offset, r.data, r.data_len);
		iscsi_pdu_release(&r);
		if (f.status_present)
			return 0;
	}
}

/* §13.12/§13.13: 20480 bytes with MRDSL 4096 and MaxBurstLength 8192:
 * five PDUs of 4096, F at 8192, 16384 and the end, DataSN 0..4, status
 * in the last (GOOD, no residual: §11.7.3 phase collapse). */
static void read_segmented_by_mrdsl_and_maxburst(void)
{
	struct fixture *fx = tf_start(small_keys, NULL, NULL);
	static const struct din want[5] = {
		{0x00, 0, 0, 0, 4096, 0},     {0x80, 0, 1, 4096, 4096, 0},
		{0x00, 0, 2, 8192, 4096, 0},  {0x80, 0, 3, 12288, 4096, 0},
		{0x81, 0, 4, 16384, 4096, 0},
	};
	struct din d[8];
	uint8_t cdb[16];
	size_t n;

	CU_ASSERT_FATAL(fx != NULL);
	CU_ASSERT_EQUAL_FATAL(tf_clear_ua(fx), 0);
	tf_read10(cdb, 0, 40);
	CU_ASSERT_EQUAL(tf_scsi(fx, TF_R | TF_F, 0x100, fx->cmdsn++, 20480,
				cdb, 16, NULL, 0), 0);
	CU_ASSERT_EQUAL_FATAL(read_all(fx, d, 8, &n, NULL, 0), 0);
	CU_ASSERT_EQUAL_FATAL(n, 5u);
	for (size_t i = 0; i < 5; i++) {
		CU_ASSERT_EQUAL(d[i].flags, want[i].flags);
		CU_ASSERT_EQUAL(d[i].datasn, want[i].datasn);
		CU_ASSERT_EQUAL(d[i].offset, want[i].offset);
		CU_ASSERT_EQUAL(d[i].len, want[i].len);
	}
	fixture_free(fx);
}

/* The Data-In defects break exactly their rule. */
static void read_defects_break_segmentation(void)
{
	const char *const d1[] = {"datain-over-mrdsl", NULL};
	const char *const d2[] = {"datain-datasn-gap", NULL};
	struct fixture *fx = tf_start(small_keys, NULL, d1);
	struct din d[8];
	uint8_t cdb[16];
	size_t n;

	CU_ASSERT_FATAL(fx != NULL);
	CU_ASSERT_EQUAL_FATAL(tf_clear_ua(fx), 0);
	tf_read10(cdb, 0, 40);
	CU_ASSERT_EQUAL(tf_scsi(fx, TF_R | TF_F, 0x101, fx->cmdsn++, 20480,
				cdb, 16, NULL, 0), 0);
	CU_ASSERT_EQUAL_FATAL(read_all(fx, d, 8, &n, NULL, 0), 0);
	CU_ASSERT(n > 0 && d[0].len == 8192u);
	fixture_free(fx);

	fx = tf_start(small_keys, NULL, d2);
	CU_ASSERT_FATAL(fx != NULL);
	CU_ASSERT_EQUAL_FATAL(tf_clear_ua(fx), 0);
	CU_ASSERT_EQUAL(tf_scsi(fx, TF_R | TF_F, 0x102, fx->cmdsn++, 20480,
				cdb, 16, NULL, 0), 0);
	CU_ASSERT_EQUAL_FATAL(read_all(fx, d, 8, &n, NULL, 0), 0);
	CU_ASSERT(n >= 2 && d[0].datasn == 0u && d[1].datasn == 2u);
	fixture_free(fx);
}

/* §11.4.5.1: one block read with EDTL 1024: U, residual 512; two blocks
 * with EDTL 512: only 512 bytes go, O, residual 512. */
static void read_residuals(void)
{
	struct fixture *fx = tf_start(NULL, NULL, NULL);
	struct din d[4];
	uint8_t cdb[16];
	size_t n;

	CU_ASSERT_FATAL(fx != NULL);
	CU_ASSERT_EQUAL_FATAL(tf_clear_ua(fx), 0);
	tf_read10(cdb, 0, 1);
	CU_ASSERT_EQUAL(tf_scsi(fx, TF_R | TF_F, 0x110, fx->cmdsn++, 1024,
				cdb, 16, NULL, 0), 0);
	CU_ASSERT_EQUAL_FATAL(read_all(fx, d, 4, &n, NULL, 0), 0);
	CU_ASSERT_EQUAL_FATAL(n, 1u);
	CU_ASSERT_EQUAL(d[0].flags, 0x83); /* F U S */
	CU_ASSERT_EQUAL(d[0].len, 512u);
	CU_ASSERT_EQUAL(d[0].residual, 512u);
	tf_read10(cdb, 0, 2);
	CU_ASSERT_EQUAL(tf_scsi(fx, TF_R | TF_F, 0x111, fx->cmdsn++, 512,
				cdb, 16, NULL, 0), 0);
	CU_ASSERT_EQUAL_FATAL(read_all(fx, d, 4, &n, NULL, 0), 0);
	CU_ASSERT_EQUAL_FATAL(n, 1u);
	CU_ASSERT_EQUAL(d[0].flags, 0x85); /* F O S */
	CU_ASSERT_EQUAL(d[0].len, 512u);
	CU_ASSERT_EQUAL(d[0].residual, 512u);
	fixture_free(fx);
}

/* Defect wrong-residual: one block off. */
static void read_residual_defect(void)
{
	const char *const d1[] = {"wrong-residual", NULL};
	struct fixture *fx = tf_start(NULL, NULL, d1);
	struct din d[4];
	uint8_t cdb[16];
	size_t n;

	CU_ASSERT_FATAL(fx != NULL);
	CU_ASSERT_EQUAL_FATAL(tf_clear_ua(fx), 0);
	tf_read10(cdb, 0, 1);
	CU_ASSERT_EQUAL(tf_scsi(fx, TF_R | TF_F, 0x112, fx->cmdsn++, 1024,
				cdb, 16, NULL, 0), 0);
	CU_ASSERT_EQUAL_FATAL(read_all(fx, d, 4, &n, NULL, 0), 0);
	CU_ASSERT(n == 1 && d[0].residual == 1024u);
	fixture_free(fx);
}

static int recv_r2t(struct fixture *fx, struct iscsi_r2t_f *f)
{
	struct iscsi_pdu r;

	if (tf_recv_op(fx, &r, ISCSI_OP_R2T) < 0)
		return -1;
	iscsi_r2t_unpack(&r.bhs, f);
	iscsi_pdu_release(&r);
	return 0;
}

static int recv_status(struct fixture *fx, struct iscsi_scsi_rsp_f *f)
{
	struct iscsi_pdu r;

	if (tf_recv_op(fx, &r, ISCSI_OP_SCSI_RSP) < 0)
		return -1;
	iscsi_scsi_rsp_unpack(&r.bhs, f);
	iscsi_pdu_release(&r);
	return 0;
}

/* §13.10/§13.11/§13.14, §11.8: 20480 bytes with FirstBurstLength 4096:
 * 1024 immediate + 3072 unsolicited, then R2T 0 at 4096 for 8192 and R2T
 * 1 at 12288 for 8192 (MaxBurstLength, one outstanding); GOOD; the data
 * reads back. */
static void write_immediate_unsolicited_and_r2t(void)
{
	const char *const k[] = {"InitialR2T=No", "ImmediateData=Yes",
				 "FirstBurstLength=4096",
				 "MaxBurstLength=8192",
				 "MaxRecvDataSegmentLength=8192", NULL};
	struct fixture *fx = tf_start(k, NULL, NULL);
	static uint8_t out[20480], in[20480];
	struct iscsi_scsi_rsp_f rsp;
	struct iscsi_r2t_f r2t;
	struct din d[8];
	uint8_t cdb[16];
	size_t n;

	CU_ASSERT_FATAL(fx != NULL);
	CU_ASSERT_EQUAL_FATAL(tf_clear_ua(fx), 0);
	for (size_t i = 0; i < sizeof(out); i++)
		out[i] = (uint8_t)(i * 7 + 3);
	tf_write10(cdb, 8, 40);
	CU_ASSERT_EQUAL(tf_scsi(fx, TF_W, 0x200, fx->cmdsn++, 20480, cdb, 16,
				out, 1024), 0);
	CU_ASSERT_EQUAL(tf_data_out(fx, true, 0x200, ISCSI_RSVD_TAG, 0, 1024,
				    out + 1024, 3072), 0);
	for (uint32_t i = 0; i < 2; i++) {
		uint32_t off = 4096 + i * 8192;

		CU_ASSERT_EQUAL_FATAL(recv_r2t(fx, &r2t), 0);
		CU_ASSERT_EQUAL(r2t.itt, 0x200u);
		CU_ASSERT_EQUAL(r2t.r2tsn, i);
		CU_ASSERT_EQUAL(r2t.buffer_offset, off);
		CU_ASSERT_EQUAL(r2t.desired_len, 8192u);
		CU_ASSERT_NOT_EQUAL(r2t.ttt, 0xffffffffu);
		CU_ASSERT_EQUAL(tf_data_out(fx, false, 0x200, r2t.ttt, 0, off,
					    out + off, 4096), 0);
		CU_ASSERT_EQUAL(tf_data_out(fx, true, 0x200, r2t.ttt, 1,
					    off + 4096, out + off + 4096,
					    4096), 0);
	}
	CU_ASSERT_EQUAL_FATAL(recv_status(fx, &rsp), 0);
	CU_ASSERT_EQUAL(rsp.status, 0);
	CU_ASSERT_EQUAL(rsp.response, 0);
	CU_ASSERT_FALSE(rsp.underflow || rsp.overflow);
	tf_read10(cdb, 8, 40);
	CU_ASSERT_EQUAL(tf_scsi(fx, TF_R | TF_F, 0x201, fx->cmdsn++, 20480,
				cdb, 16, NULL, 0), 0);
	CU_ASSERT_EQUAL_FATAL(read_all(fx, d, 8, &n, in, sizeof(in)), 0);
	CU_ASSERT_EQUAL(n, 3u); /* 8192 + 8192 + 4096 */
	CU_ASSERT(memcmp(in, out, sizeof(out)) == 0);
	fixture_free(fx);
}

/* §13.17: with MaxOutstandingR2T 1 only one R2T is out at a time; the
 * defect sends more.  §13.13: each asks for at most MaxBurstLength. */
static void r2t_limits(void)
{
	const char *const d1[] = {"ignore-max-outstanding-r2t", NULL};
	const char *const d2[] = {"r2t-over-maxburst", NULL};
	struct fixture *fx = tf_start(small_keys, NULL, NULL);
	struct iscsi_r2t_f r2t;
	struct iscsi_pdu r;
	uint8_t cdb[16];

	CU_ASSERT_FATAL(fx != NULL);
	CU_ASSERT_EQUAL_FATAL(tf_clear_ua(fx), 0);
	tf_write10(cdb, 0, 40);
	CU_ASSERT_EQUAL(tf_scsi(fx, TF_W | TF_F, 0x300, fx->cmdsn++, 20480,
				cdb, 16, NULL, 0), 0);
	CU_ASSERT_EQUAL_FATAL(recv_r2t(fx, &r2t), 0);
	CU_ASSERT_EQUAL(r2t.buffer_offset, 0u);
	CU_ASSERT_EQUAL(r2t.desired_len, 8192u);
	CU_ASSERT_EQUAL(fixture_recv_pdu(fx, &r, TF_QUIET), -1);
	fixture_free(fx);

	fx = tf_start(small_keys, NULL, d1);
	CU_ASSERT_FATAL(fx != NULL);
	CU_ASSERT_EQUAL_FATAL(tf_clear_ua(fx), 0);
	CU_ASSERT_EQUAL(tf_scsi(fx, TF_W | TF_F, 0x301, fx->cmdsn++, 20480,
				cdb, 16, NULL, 0), 0);
	CU_ASSERT_EQUAL_FATAL(recv_r2t(fx, &r2t), 0);
	CU_ASSERT_EQUAL_FATAL(recv_r2t(fx, &r2t), 0);
	CU_ASSERT_EQUAL(r2t.r2tsn, 1u);
	fixture_free(fx);

	fx = tf_start(small_keys, NULL, d2);
	CU_ASSERT_FATAL(fx != NULL);
	CU_ASSERT_EQUAL_FATAL(tf_clear_ua(fx), 0);
	CU_ASSERT_EQUAL(tf_scsi(fx, TF_W | TF_F, 0x302, fx->cmdsn++, 20480,
				cdb, 16, NULL, 0), 0);
	CU_ASSERT_EQUAL_FATAL(recv_r2t(fx, &r2t), 0);
	CU_ASSERT_EQUAL(r2t.desired_len, 16384u);
	fixture_free(fx);
}

/* §11.4.5.1: a one-block write with EDTL 1024: the R2T asks for the 512
 * bytes the CDB moves and the status says U, residual 512. */
static void write_underflow_residual(void)
{
	struct fixture *fx = tf_start(NULL, NULL, NULL);
	struct iscsi_scsi_rsp_f rsp;
	struct iscsi_r2t_f r2t;
	uint8_t buf[512] = {1};
	uint8_t cdb[16];

	CU_ASSERT_FATAL(fx != NULL);
	CU_ASSERT_EQUAL_FATAL(tf_clear_ua(fx), 0);
	tf_write10(cdb, 1, 1);
	CU_ASSERT_EQUAL(tf_scsi(fx, TF_W | TF_F, 0x400, fx->cmdsn++, 1024,
				cdb, 16, NULL, 0), 0);
	CU_ASSERT_EQUAL_FATAL(recv_r2t(fx, &r2t), 0);
	CU_ASSERT_EQUAL(r2t.buffer_offset, 0u);
	CU_ASSERT_EQUAL(r2t.desired_len, 512u);
	CU_ASSERT_EQUAL(tf_data_out(fx, true, 0x400, r2t.ttt, 0, 0, buf, 512),
			0);
	CU_ASSERT_EQUAL_FATAL(recv_status(fx, &rsp), 0);
	CU_ASSERT_EQUAL(rsp.status, 0);
	CU_ASSERT_TRUE(rsp.underflow);
	CU_ASSERT_EQUAL(rsp.residual, 512u);
	fixture_free(fx);
}

/*
 * §7.8 / §11.7.5 at ERL 0: a Data-Out with a wrong DataSN (an implied
 * digest error) ends the task unexecuted with CHECK CONDITION, ABORTED
 * COMMAND (0Bh), PROTOCOL SERVICE CRC ERROR (47h/05h) once its data is in;
 * the connection stays up and the next command works.
 */
static void data_out_bad_datasn_erl0(void)
{
	struct fixture *fx = tf_start(NULL, NULL, NULL);
	struct iscsi_scsi_rsp_f rsp;
	struct iscsi_r2t_f r2t;
	struct iscsi_pdu r;
	uint8_t buf[512] = {2};
	uint8_t cdb[16];

	CU_ASSERT_FATAL(fx != NULL);
	CU_ASSERT_EQUAL_FATAL(tf_clear_ua(fx), 0);
	tf_write10(cdb, 2, 1);
	CU_ASSERT_EQUAL(tf_scsi(fx, TF_W | TF_F, 0x500, fx->cmdsn++, 512,
				cdb, 16, NULL, 0), 0);
	CU_ASSERT_EQUAL_FATAL(recv_r2t(fx, &r2t), 0);
	CU_ASSERT_EQUAL(tf_data_out(fx, true, 0x500, r2t.ttt, 5, 0, buf, 512),
			0);
	CU_ASSERT_EQUAL_FATAL(tf_recv_op(fx, &r, ISCSI_OP_SCSI_RSP), 0);
	CU_ASSERT_EQUAL(((struct iscsi_bhs_scsi_rsp *)&r.bhs)->status, 0x02);
	CU_ASSERT_FATAL(r.data && r.data_len >= 2 + 14);
	CU_ASSERT_EQUAL(r.data[2 + 2] & 0x0f, 0x0b); /* ABORTED COMMAND */
	CU_ASSERT_EQUAL(r.data[2 + 12], 0x47);
	CU_ASSERT_EQUAL(r.data[2 + 13], 0x05);
	iscsi_pdu_release(&r);
	/* the session goes on: the same write, done right, is GOOD */
	CU_ASSERT_EQUAL(tf_scsi(fx, TF_W | TF_F, 0x501, fx->cmdsn++, 512,
				cdb, 16, NULL, 0), 0);
	CU_ASSERT_EQUAL_FATAL(recv_r2t(fx, &r2t), 0);
	CU_ASSERT_EQUAL(tf_data_out(fx, true, 0x501, r2t.ttt, 0, 0, buf, 512),
			0);
	CU_ASSERT_EQUAL_FATAL(recv_status(fx, &rsp), 0);
	CU_ASSERT_EQUAL(rsp.status, 0);
	fixture_free(fx);
}

/* Defect accept-bad-datasn: the same write completes GOOD. */
static void data_out_bad_datasn_defect(void)
{
	const char *const d1[] = {"accept-bad-datasn", NULL};
	struct fixture *fx = tf_start(NULL, NULL, d1);
	struct iscsi_scsi_rsp_f rsp;
	struct iscsi_r2t_f r2t;
	uint8_t buf[512] = {2};
	uint8_t cdb[16];

	CU_ASSERT_FATAL(fx != NULL);
	CU_ASSERT_EQUAL_FATAL(tf_clear_ua(fx), 0);
	tf_write10(cdb, 2, 1);
	CU_ASSERT_EQUAL(tf_scsi(fx, TF_W | TF_F, 0x501, fx->cmdsn++, 512,
				cdb, 16, NULL, 0), 0);
	CU_ASSERT_EQUAL_FATAL(recv_r2t(fx, &r2t), 0);
	CU_ASSERT_EQUAL(tf_data_out(fx, true, 0x501, r2t.ttt, 5, 0, buf, 512),
			0);
	CU_ASSERT_EQUAL_FATAL(recv_status(fx, &rsp), 0);
	CU_ASSERT_EQUAL(rsp.status, 0);
	fixture_free(fx);
}

/* §13.14: unsolicited data past FirstBurstLength is a Protocol Error. */
static void unsolicited_over_first_burst_rejected(void)
{
	const char *const k[] = {"InitialR2T=No", "FirstBurstLength=4096",
				 "MaxBurstLength=8192", NULL};
	struct fixture *fx = tf_start(k, NULL, NULL);
	static uint8_t buf[8192];
	struct iscsi_pdu r;
	uint8_t cdb[16];

	CU_ASSERT_FATAL(fx != NULL);
	CU_ASSERT_EQUAL_FATAL(tf_clear_ua(fx), 0);
	tf_write10(cdb, 0, 16);
	CU_ASSERT_EQUAL(tf_scsi(fx, TF_W, 0x600, fx->cmdsn++, 8192, cdb, 16,
				NULL, 0), 0);
	CU_ASSERT_EQUAL(tf_data_out(fx, true, 0x600, ISCSI_RSVD_TAG, 0, 0,
				    buf, 8192), 0);
	CU_ASSERT_EQUAL_FATAL(tf_recv_op(fx, &r, ISCSI_OP_REJECT), 0);
	CU_ASSERT_EQUAL(((struct iscsi_bhs_reject *)&r.bhs)->reason, 0x04);
	iscsi_pdu_release(&r);
	fixture_free(fx);
}

/* §11.4.7: CHECK CONDITION goes in a SCSI Response with SenseLength and
 * sense data, never collapsed into Data-In (§11.7.3). */
static void check_condition_carries_sense(void)
{
	struct fixture *fx = tf_start(NULL, NULL, NULL);
	struct iscsi_pdu r;
	uint8_t cdb[16];

	CU_ASSERT_FATAL(fx != NULL);
	CU_ASSERT_EQUAL_FATAL(tf_clear_ua(fx), 0);
	tf_read10(cdb, 0x7fffffff, 1); /* beyond the 4 MiB LU */
	CU_ASSERT_EQUAL(tf_scsi(fx, TF_R | TF_F, 0x700, fx->cmdsn++, 512,
				cdb, 16, NULL, 0), 0);
	CU_ASSERT_EQUAL_FATAL(tf_recv_op(fx, &r, ISCSI_OP_SCSI_RSP), 0);
	CU_ASSERT_EQUAL(((struct iscsi_bhs_scsi_rsp *)&r.bhs)->status, 0x02);
	CU_ASSERT(r.data_len >= 2 + 18);
	CU_ASSERT(r.data && iscsi_get16(r.data) + 2u == r.data_len);
	CU_ASSERT(r.data && (r.data[2 + 2] & 0x0f) == 0x05); /* ILLEGAL REQ */
	iscsi_pdu_release(&r);
	fixture_free(fx);
}

UNIT_SUITE(tgt_ffp_data, "tgt/ffp/data",
	   UNIT_TEST(read_segmented_by_mrdsl_and_maxburst),
	   UNIT_TEST(read_defects_break_segmentation),
	   UNIT_TEST(read_residuals),
	   UNIT_TEST(read_residual_defect),
	   UNIT_TEST(write_immediate_unsolicited_and_r2t),
	   UNIT_TEST(r2t_limits),
	   UNIT_TEST(write_underflow_residual),
	   UNIT_TEST(data_out_bad_datasn_erl0),
	   UNIT_TEST(data_out_bad_datasn_defect),
	   UNIT_TEST(unsolicited_over_first_burst_rejected),
	   UNIT_TEST(check_condition_carries_sense))
