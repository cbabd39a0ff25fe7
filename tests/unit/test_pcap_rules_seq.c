/* SPDX-License-Identifier: MIT */
/*
 * test_pcap_rules_seq.c - numbering, read-path, write-path and SCSI
 * Response rules of pcap/rules.c, each shown firing on a crafted broken
 * sequence and silent on the conformant one.
 */
#include <string.h>

#include "test_pcap_rules.h"
#include "unit.h"

#define F_ ISCSI_DATA_IN_F
#define S_ ISCSI_DATA_IN_S

/* A conformant login, a 4 KiB read in 2 Data-In, a 12 KiB write with
 * immediate data and R2Ts: no finding at all. */
static void rules_conformant_session(void)
{
	struct rfix f;

	fx_init(&f);
	fx_login(&f);
	fx_cmd(&f, 1, true, false, 4096, 0);
	fx_data_in(&f, 1, 0, 0, 2048, 0);
	fx_data_in(&f, 1, 1, 2048, 2048, F_);
	fx_rsp(&f, 1, 2, 0, 0);
	fx_cmd(&f, 2, false, true, 12288, 1024);
	fx_r2t(&f, 2, 0x10, 0, 1024, 8192);
	fx_data_out(&f, 2, 0x10, 0, 1024, 8192, true);
	fx_r2t(&f, 2, 0x11, 1, 9216, 3072);
	fx_data_out(&f, 2, 0x11, 0, 9216, 3072, true);
	fx_rsp(&f, 2, 0, 0, 0);
	for (unsigned i = 0; i < f.n; i++)
		CU_FAIL(f.id[i]);
	CU_ASSERT_EQUAL(f.n, 0);
	fx_free(&f);
}

/* §4.2.2.2: StatSN advances by exactly 1 per status. */
static void seq_statsn(void)
{
	struct rfix f;

	fx_init(&f);
	fx_login(&f);
	fx_cmd(&f, 1, true, false, 512, 0);
	fx_data_in(&f, 1, 0, 0, 512, F_ | S_); /* StatSN 101 */
	CU_ASSERT_EQUAL(fx_count(&f, "seq.statsn"), 0);
	f.statsn += 2;
	fx_cmd(&f, 2, false, false, 0, 0);
	fx_rsp(&f, 2, 0, 0, 0); /* StatSN 104 */
	CU_ASSERT_EQUAL(fx_count(&f, "seq.statsn"), 1);
	CU_ASSERT_STRING_EQUAL(fx_expected(&f, "seq.statsn"), "102");
	CU_ASSERT_STRING_EQUAL(fx_seen(&f, "seq.statsn"), "104");
	fx_free(&f);
}

/* §11.8.2: an R2T carries the next StatSN without advancing it. */
static void seq_statsn_current(void)
{
	struct rfix f;

	fx_init(&f);
	fx_login(&f);
	fx_cmd(&f, 1, false, true, 4096, 0);
	fx_r2t(&f, 1, 0x10, 0, 0, 4096); /* StatSN 101: next */
	CU_ASSERT_EQUAL(fx_count(&f, "seq.statsn-current"), 0);
	f.statsn = 150;
	fx_cmd(&f, 2, false, true, 4096, 0);
	fx_r2t(&f, 2, 0x11, 0, 0, 4096);
	CU_ASSERT_EQUAL(fx_count(&f, "seq.statsn-current"), 1);
	CU_ASSERT_STRING_EQUAL(fx_seen(&f, "seq.statsn-current"), "150");
	fx_free(&f);
}

/* §4.2.2.2: ExpStatSN never acknowledges a status not yet sent. */
static void seq_expstatsn(void)
{
	struct rfix f;

	fx_init(&f);
	fx_login(&f);
	fx_cmd(&f, 1, false, false, 0, 0); /* ExpStatSN 101 */
	CU_ASSERT_EQUAL(fx_count(&f, "seq.expstatsn"), 0);
	f.statsn = 200;
	fx_cmd(&f, 2, false, false, 0, 0);
	CU_ASSERT_EQUAL(fx_count(&f, "seq.expstatsn"), 1);
	CU_ASSERT_STRING_EQUAL(fx_expected(&f, "seq.expstatsn"), "101");
	fx_free(&f);
}

/* A SCSI Response with an explicit window. */
static void rsp_window(struct rfix *f, uint32_t itt, uint32_t exp,
		       uint32_t max)
{
	struct iscsi_scsi_rsp_f s = {
		.itt = itt, .statsn = f->statsn++, .exp_cmdsn = exp,
		.max_cmdsn = max,
	};
	struct iscsi_pdu p;

	iscsi_pdu_init(&p);
	iscsi_scsi_rsp_pack(&p.bhs, &s);
	fx_send(f, true, &p);
}

/* §4.2.2.1: MaxCmdSN >= ExpCmdSN - 1. */
static void seq_cmdsn_window(void)
{
	struct rfix f;

	fx_init(&f);
	fx_login(&f);
	fx_cmd(&f, 1, false, false, 0, 0);
	rsp_window(&f, 1, 2, 1); /* closed window: legal */
	CU_ASSERT_EQUAL(fx_count(&f, "seq.cmdsn-window"), 0);
	fx_cmd(&f, 2, false, false, 0, 0);
	rsp_window(&f, 2, 3, 0);
	CU_ASSERT_EQUAL(fx_count(&f, "seq.cmdsn-window"), 1);
	fx_free(&f);
}

/* §4.2.2.1: ExpCmdSN and MaxCmdSN never go backwards. */
static void seq_cmdsn_backwards(void)
{
	struct rfix f;

	fx_init(&f);
	fx_login(&f);
	fx_cmd(&f, 1, false, false, 0, 0);
	fx_cmd(&f, 2, false, false, 0, 0);
	rsp_window(&f, 1, 3, 40);
	CU_ASSERT_EQUAL(fx_count(&f, "seq.expcmdsn-backwards"), 0);
	CU_ASSERT_EQUAL(fx_count(&f, "seq.maxcmdsn-backwards"), 0);
	rsp_window(&f, 2, 2, 35);
	CU_ASSERT_EQUAL(fx_count(&f, "seq.expcmdsn-backwards"), 1);
	CU_ASSERT_STRING_EQUAL(fx_expected(&f, "seq.expcmdsn-backwards"), "3");
	CU_ASSERT_EQUAL(fx_count(&f, "seq.maxcmdsn-backwards"), 1);
	CU_ASSERT_STRING_EQUAL(fx_seen(&f, "seq.maxcmdsn-backwards"), "35");
	fx_free(&f);
}

/* §4.2.2.1 (C22): an immediate command does not advance ExpCmdSN. */
static void seq_expcmdsn_ahead(void)
{
	struct rfix f;
	struct iscsi_nop_out_f n = {.immediate = true, .itt = 7, .cmdsn = 1,
				    .ttt = ISCSI_RSVD_TAG};
	struct iscsi_nop_in_f i = {.itt = 7, .ttt = ISCSI_RSVD_TAG,
				   .statsn = 101, .exp_cmdsn = 2,
				   .max_cmdsn = 33};
	struct iscsi_pdu p;

	fx_init(&f);
	fx_login(&f);
	fx_cmd(&f, 1, false, false, 0, 0); /* CmdSN 1 */
	rsp_window(&f, 1, 2, 33);
	CU_ASSERT_EQUAL(fx_count(&f, "seq.expcmdsn-ahead"), 0);
	n.cmdsn = 2;
	iscsi_pdu_init(&p);
	iscsi_nop_out_pack(&p.bhs, &n);
	fx_send(&f, false, &p);
	i.statsn = f.statsn++;
	i.exp_cmdsn = 3; /* advanced by an immediate NOP-Out */
	iscsi_pdu_init(&p);
	iscsi_nop_in_pack(&p.bhs, &i);
	fx_send(&f, true, &p);
	CU_ASSERT_EQUAL(fx_count(&f, "seq.expcmdsn-ahead"), 1);
	CU_ASSERT_STRING_EQUAL(fx_expected(&f, "seq.expcmdsn-ahead"), "2");
	fx_free(&f);
}

/* §11.7.5: DataSN 0, 1, 2 per command. */
static void seq_datasn(void)
{
	struct rfix f;

	fx_init(&f);
	fx_login(&f);
	fx_cmd(&f, 1, true, false, 1024, 0);
	fx_data_in(&f, 1, 0, 0, 512, 0);
	CU_ASSERT_EQUAL(fx_count(&f, "seq.datasn"), 0);
	fx_data_in(&f, 1, 2, 512, 512, F_ | S_);
	CU_ASSERT_EQUAL(fx_count(&f, "seq.datasn"), 1);
	CU_ASSERT_STRING_EQUAL(fx_expected(&f, "seq.datasn"), "1");
	CU_ASSERT_STRING_EQUAL(fx_seen(&f, "seq.datasn"), "2");
	fx_free(&f);
}

/* §11.8.3: R2TSN 0, 1, 2 per command. */
static void seq_r2tsn(void)
{
	struct rfix f;

	fx_init(&f);
	fx_login(&f);
	fx_cmd(&f, 1, false, true, 8192, 0);
	fx_r2t(&f, 1, 0x10, 0, 0, 4096);
	fx_data_out(&f, 1, 0x10, 0, 0, 4096, true);
	CU_ASSERT_EQUAL(fx_count(&f, "seq.r2tsn"), 0);
	fx_r2t(&f, 1, 0x11, 5, 4096, 4096);
	CU_ASSERT_EQUAL(fx_count(&f, "seq.r2tsn"), 1);
	CU_ASSERT_STRING_EQUAL(fx_expected(&f, "seq.r2tsn"), "1");
	fx_free(&f);
}

/* §11.4.8: ExpDataSN = number of Data-In PDUs. */
static void seq_expdatasn(void)
{
	struct rfix f;

	fx_init(&f);
	fx_login(&f);
	fx_cmd(&f, 1, true, false, 1024, 0);
	fx_data_in(&f, 1, 0, 0, 512, 0);
	fx_data_in(&f, 1, 1, 512, 512, F_);
	fx_rsp(&f, 1, 2, 0, 0);
	CU_ASSERT_EQUAL(fx_count(&f, "seq.expdatasn"), 0);
	fx_cmd(&f, 2, true, false, 512, 0);
	fx_data_in(&f, 2, 0, 0, 512, F_);
	fx_rsp(&f, 2, 0, 0, 0);
	CU_ASSERT_EQUAL(fx_count(&f, "seq.expdatasn"), 1);
	CU_ASSERT_STRING_EQUAL(fx_expected(&f, "seq.expdatasn"), "1");
	CU_ASSERT_STRING_EQUAL(fx_seen(&f, "seq.expdatasn"), "0");
	fx_free(&f);
}

/* §11.4.8 counts R2T and Data-In PDUs; RFC 3720 counted Data-In only: for
 * a write with two R2Ts, 2 and 0 are both accepted, 1 is not. */
static void seq_expdatasn_write(void)
{
	struct rfix f;

	fx_init(&f);
	fx_login(&f);
	for (uint32_t itt = 1; itt <= 3; itt++) {
		fx_cmd(&f, itt, false, true, 8192, 0);
		fx_r2t(&f, itt, 0x10 + itt, 0, 0, 4096);
		fx_r2t(&f, itt, 0x20 + itt, 1, 4096, 4096);
		fx_rsp(&f, itt, itt == 1 ? 2 : itt == 2 ? 0 : 1, 0, 0);
	}
	CU_ASSERT_EQUAL(fx_count(&f, "seq.expdatasn"), 1);
	CU_ASSERT_STRING_EQUAL(fx_seen(&f, "seq.expdatasn"), "1");
	fx_free(&f);
}

/* §11.8.4: 0 < R2T length <= MaxBurstLength (16384), within the EDTL. */
static void r2t_length(void)
{
	struct rfix f;

	fx_init(&f);
	fx_login(&f);
	fx_cmd(&f, 1, false, true, 65536, 0);
	fx_r2t(&f, 1, 0x10, 0, 0, 16384);
	fx_data_out(&f, 1, 0x10, 0, 0, 16384, true);
	CU_ASSERT_EQUAL(fx_count(&f, "r2t.length"), 0);
	fx_r2t(&f, 1, 0x11, 1, 16384, 16385);
	CU_ASSERT_EQUAL(fx_count(&f, "r2t.length"), 1);
	CU_ASSERT_STRING_EQUAL(fx_expected(&f, "r2t.length"), "16384");
	fx_free(&f);
}

/* §11.8.4: the first R2T does not ask again for immediate data. */
static void r2t_offset(void)
{
	struct rfix f;

	fx_init(&f);
	fx_login(&f);
	fx_cmd(&f, 1, false, true, 4096, 1024);
	fx_r2t(&f, 1, 0x10, 0, 1024, 3072);
	fx_data_out(&f, 1, 0x10, 0, 1024, 3072, true);
	CU_ASSERT_EQUAL(fx_count(&f, "r2t.offset"), 0);
	fx_cmd(&f, 2, false, true, 4096, 1024);
	fx_r2t(&f, 2, 0x11, 0, 0, 4096);
	CU_ASSERT_EQUAL(fx_count(&f, "r2t.offset"), 1);
	CU_ASSERT_STRING_EQUAL(fx_expected(&f, "r2t.offset"), "1024");
	fx_free(&f);
}

/* §13.17: MaxOutstandingR2T (1) open R2Ts per task at most. */
static void r2t_outstanding(void)
{
	struct rfix f;

	fx_init(&f);
	fx_login(&f);
	fx_cmd(&f, 1, false, true, 8192, 0);
	fx_r2t(&f, 1, 0x10, 0, 0, 4096);
	fx_data_out(&f, 1, 0x10, 0, 0, 4096, true);
	fx_r2t(&f, 1, 0x11, 1, 4096, 4096);
	CU_ASSERT_EQUAL(fx_count(&f, "r2t.outstanding"), 0);
	fx_cmd(&f, 2, false, true, 8192, 0);
	fx_r2t(&f, 2, 0x20, 0, 0, 4096);
	fx_r2t(&f, 2, 0x21, 1, 4096, 4096);
	CU_ASSERT_EQUAL(fx_count(&f, "r2t.outstanding"), 1);
	CU_ASSERT_STRING_EQUAL(fx_seen(&f, "r2t.outstanding"), "2");
	fx_free(&f);
}

/* §11.8.1: an R2T's TTT is never 0xffffffff. */
static void tag_ttt_reserved(void)
{
	struct rfix f;

	fx_init(&f);
	fx_login(&f);
	fx_cmd(&f, 1, false, true, 4096, 0);
	fx_r2t(&f, 1, 0x10, 0, 0, 4096);
	CU_ASSERT_EQUAL(fx_count(&f, "tag.ttt-reserved"), 0);
	fx_cmd(&f, 2, false, true, 4096, 0);
	fx_r2t(&f, 2, ISCSI_RSVD_TAG, 0, 0, 4096);
	CU_ASSERT_EQUAL(fx_count(&f, "tag.ttt-reserved"), 1);
	fx_free(&f);
}

/* §13.14: immediate data at most FirstBurstLength (8192). */
static void write_immediate(void)
{
	struct rfix f;

	fx_init(&f);
	fx_login(&f);
	f.conn.params.first_burst = 512;
	fx_cmd(&f, 1, false, true, 4096, 512);
	CU_ASSERT_EQUAL(fx_count(&f, "write.immediate"), 0);
	fx_cmd(&f, 2, false, true, 4096, 1024);
	CU_ASSERT_EQUAL(fx_count(&f, "write.immediate"), 1);
	CU_ASSERT_STRING_EQUAL(fx_expected(&f, "write.immediate"), "512");
	fx_free(&f);
}

/* §13.10: no unsolicited Data-Out with InitialR2T=Yes. */
static void write_unsolicited(void)
{
	struct rfix f;

	fx_init(&f);
	fx_login(&f);
	f.conn.params.initial_r2t = false;
	fx_cmd(&f, 1, false, true, 8192, 0);
	fx_data_out(&f, 1, ISCSI_RSVD_TAG, 0, 0, 4096, true);
	CU_ASSERT_EQUAL(fx_count(&f, "write.unsolicited"), 0);
	f.conn.params.initial_r2t = true;
	fx_cmd(&f, 2, false, true, 8192, 0);
	fx_data_out(&f, 2, ISCSI_RSVD_TAG, 0, 0, 4096, true);
	CU_ASSERT_EQUAL(fx_count(&f, "write.unsolicited"), 1);
	fx_free(&f);
}

/* §11.7: solicited data stays within its R2T. */
static void write_dataout(void)
{
	struct rfix f;

	fx_init(&f);
	fx_login(&f);
	fx_cmd(&f, 1, false, true, 8192, 0);
	fx_r2t(&f, 1, 0x10, 0, 0, 4096);
	fx_data_out(&f, 1, 0x10, 0, 0, 4096, true);
	CU_ASSERT_EQUAL(fx_count(&f, "write.dataout"), 0);
	fx_r2t(&f, 1, 0x11, 1, 4096, 2048);
	fx_data_out(&f, 1, 0x11, 0, 4096, 4096, true);
	CU_ASSERT_EQUAL(fx_count(&f, "write.dataout"), 1);
	CU_ASSERT_STRING_EQUAL(fx_expected(&f, "write.dataout"), "6144");
	fx_free(&f);
}

/* §13.13: a Data-In sequence carries at most MaxBurstLength (16384). */
static void read_burst(void)
{
	struct rfix f;

	fx_init(&f);
	fx_login(&f);
	fx_cmd(&f, 1, true, false, 32768, 0);
	fx_data_in(&f, 1, 0, 0, 8192, 0);
	fx_data_in(&f, 1, 1, 8192, 8192, F_);
	CU_ASSERT_EQUAL(fx_count(&f, "read.burst"), 0);
	fx_data_in(&f, 1, 2, 16384, 8192, 0);
	fx_data_in(&f, 1, 3, 24576, 8192, 0);
	fx_data_in(&f, 1, 4, 32768, 0, F_ | S_);
	CU_ASSERT_EQUAL(fx_count(&f, "read.burst"), 0);
	fx_cmd(&f, 2, true, false, 32768, 0);
	fx_data_in(&f, 2, 0, 0, 8192, 0);
	fx_data_in(&f, 2, 1, 8192, 8192, 0);
	fx_data_in(&f, 2, 2, 16384, 8192, F_);
	CU_ASSERT_EQUAL(fx_count(&f, "read.burst"), 1);
	CU_ASSERT_STRING_EQUAL(fx_seen(&f, "read.burst"), "24576");
	fx_free(&f);
}

/* §11.7.1: the last Data-In before the status has F. */
static void read_final(void)
{
	struct rfix f;

	fx_init(&f);
	fx_login(&f);
	fx_cmd(&f, 1, true, false, 512, 0);
	fx_data_in(&f, 1, 0, 0, 512, F_);
	fx_rsp(&f, 1, 1, 0, 0);
	CU_ASSERT_EQUAL(fx_count(&f, "read.final"), 0);
	fx_cmd(&f, 2, true, false, 512, 0);
	fx_data_in(&f, 2, 0, 0, 512, 0);
	fx_rsp(&f, 2, 1, 0, 0);
	CU_ASSERT_EQUAL(fx_count(&f, "read.final"), 1);
	fx_free(&f);
}

/* §13.18: with DataPDUInOrder=Yes offsets are contiguous. */
static void read_order(void)
{
	struct rfix f;

	fx_init(&f);
	fx_login(&f);
	fx_cmd(&f, 1, true, false, 1024, 0);
	fx_data_in(&f, 1, 0, 0, 512, 0);
	fx_data_in(&f, 1, 1, 512, 512, F_ | S_);
	CU_ASSERT_EQUAL(fx_count(&f, "read.order"), 0);
	fx_cmd(&f, 2, true, false, 1024, 0);
	fx_data_in(&f, 2, 0, 512, 512, 0);
	CU_ASSERT_EQUAL(fx_count(&f, "read.order"), 1);
	CU_ASSERT_STRING_EQUAL(fx_expected(&f, "read.order"), "0");
	CU_ASSERT_STRING_EQUAL(fx_seen(&f, "read.order"), "512");
	fx_free(&f);
}

/* §11.7.6: no Data-In past the EDTL. */
static void read_edtl(void)
{
	struct rfix f;

	fx_init(&f);
	fx_login(&f);
	fx_cmd(&f, 1, true, false, 512, 0);
	fx_data_in(&f, 1, 0, 0, 512, F_ | S_);
	CU_ASSERT_EQUAL(fx_count(&f, "read.edtl"), 0);
	fx_cmd(&f, 2, true, false, 512, 0);
	fx_data_in(&f, 2, 0, 0, 1024, F_ | S_);
	CU_ASSERT_EQUAL(fx_count(&f, "read.edtl"), 1);
	CU_ASSERT_STRING_EQUAL(fx_seen(&f, "read.edtl"), "1024");
	fx_free(&f);
}

/* §11.7.3: S needs F; O/U need S. */
static void read_s_bit(void)
{
	struct rfix f;

	fx_init(&f);
	fx_login(&f);
	fx_cmd(&f, 1, true, false, 512, 0);
	fx_data_in(&f, 1, 0, 0, 512, F_ | S_);
	CU_ASSERT_EQUAL(fx_count(&f, "read.s-bit"), 0);
	fx_cmd(&f, 2, true, false, 1024, 0);
	fx_data_in(&f, 2, 0, 0, 512, ISCSI_DATA_IN_U);
	CU_ASSERT_EQUAL(fx_count(&f, "read.s-bit"), 1);
	fx_free(&f);
}

/* §11.7.2: the A bit only with ErrorRecoveryLevel > 0. */
static void read_a_bit(void)
{
	struct rfix f;

	fx_init(&f);
	fx_login(&f);
	fx_cmd(&f, 1, true, false, 512, 0);
	f.conn.params.erl = 1;
	fx_data_in(&f, 1, 0, 0, 512, F_ | ISCSI_DATA_IN_A);
	CU_ASSERT_EQUAL(fx_count(&f, "read.a-bit"), 0); /* ERL 1 */
	fx_free(&f);
	fx_init(&f);
	fx_login(&f);
	fx_cmd(&f, 1, true, false, 512, 0);
	fx_data_in(&f, 1, 0, 0, 512, F_ | ISCSI_DATA_IN_A);
	CU_ASSERT_EQUAL(fx_count(&f, "read.a-bit"), 1);
	CU_ASSERT_STRING_EQUAL(fx_seen(&f, "read.a-bit"), "A set");
	fx_free(&f);
}

/* §11.3.1: Data-In only answers a read. */
static void read_unexpected(void)
{
	struct rfix f;

	fx_init(&f);
	fx_login(&f);
	fx_cmd(&f, 1, true, false, 512, 0);
	fx_data_in(&f, 1, 0, 0, 512, F_ | S_);
	CU_ASSERT_EQUAL(fx_count(&f, "read.unexpected"), 0);
	fx_cmd(&f, 2, false, true, 512, 512);
	fx_data_in(&f, 2, 0, 0, 512, F_ | S_);
	CU_ASSERT_EQUAL(fx_count(&f, "read.unexpected"), 1);
	fx_free(&f);
}

/* §11.4.1: O and U exclusive; a residual needs its flag. */
static void rsp_flags(void)
{
	struct rfix f;

	fx_init(&f);
	fx_login(&f);
	fx_cmd(&f, 1, false, false, 0, 0);
	fx_rsp(&f, 1, 0, ISCSI_SCSI_RSP_U, 512);
	CU_ASSERT_EQUAL(fx_count(&f, "rsp.flags"), 0);
	fx_cmd(&f, 2, false, false, 0, 0);
	fx_rsp(&f, 2, 0, ISCSI_SCSI_RSP_U | ISCSI_SCSI_RSP_O, 512);
	CU_ASSERT_EQUAL(fx_count(&f, "rsp.flags"), 1);
	fx_cmd(&f, 3, false, false, 0, 0);
	fx_rsp(&f, 3, 0, 0, 512);
	CU_ASSERT_EQUAL(fx_count(&f, "rsp.flags"), 2);
	fx_free(&f);
}

/* §11.4.7: the data segment starts with a SenseLength that fits. */
static void rsp_sense(void)
{
	struct rfix f;
	struct iscsi_scsi_rsp_f s = {.itt = 1, .status = 2, .exp_cmdsn = 2,
				     .max_cmdsn = 33};
	static const uint8_t good[20] = {0, 18, 0x70, 0, 5};
	static const uint8_t bad[20] = {0, 40, 0x70, 0, 5};
	struct iscsi_pdu p;

	fx_init(&f);
	fx_login(&f);
	fx_cmd(&f, 1, false, false, 0, 0);
	s.statsn = f.statsn++;
	iscsi_pdu_init(&p);
	iscsi_scsi_rsp_pack(&p.bhs, &s);
	iscsi_pdu_set_data(&p, good, sizeof(good));
	fx_send(&f, true, &p);
	CU_ASSERT_EQUAL(fx_count(&f, "rsp.sense"), 0);
	fx_cmd(&f, 2, false, false, 0, 0);
	s.itt = 2;
	s.statsn = f.statsn++;
	s.exp_cmdsn = 3;
	iscsi_pdu_init(&p);
	iscsi_scsi_rsp_pack(&p.bhs, &s);
	iscsi_pdu_set_data(&p, bad, sizeof(bad));
	fx_send(&f, true, &p);
	CU_ASSERT_EQUAL(fx_count(&f, "rsp.sense"), 1);
	CU_ASSERT_STRING_EQUAL(fx_seen(&f, "rsp.sense"), "40");
	fx_free(&f);
}

/* §11.4.3: Response 0x00, 0x01 or vendor 0x80-0xff. */
static void rsp_response(void)
{
	struct rfix f;
	struct iscsi_scsi_rsp_f s = {.itt = 1, .response = 0x01,
				     .exp_cmdsn = 2, .max_cmdsn = 33};
	struct iscsi_pdu p;

	fx_init(&f);
	fx_login(&f);
	fx_cmd(&f, 1, false, false, 0, 0);
	s.statsn = f.statsn++;
	iscsi_pdu_init(&p);
	iscsi_scsi_rsp_pack(&p.bhs, &s);
	fx_send(&f, true, &p);
	CU_ASSERT_EQUAL(fx_count(&f, "rsp.response"), 0);
	fx_cmd(&f, 2, false, false, 0, 0);
	s.itt = 2;
	s.response = 0x05;
	s.statsn = f.statsn++;
	s.exp_cmdsn = 3;
	iscsi_pdu_init(&p);
	iscsi_scsi_rsp_pack(&p.bhs, &s);
	fx_send(&f, true, &p);
	CU_ASSERT_EQUAL(fx_count(&f, "rsp.response"), 1);
	CU_ASSERT_STRING_EQUAL(fx_seen(&f, "rsp.response"), "0x05");
	fx_free(&f);
}

/* §13.12: a target PDU's data segment fits the initiator's MRDSL. */
static void limit_mrdsl(void)
{
	struct rfix f;

	fx_init(&f);
	fx_login(&f);
	fx_cmd(&f, 1, true, false, 16384, 0);
	fx_data_in(&f, 1, 0, 0, 8192, 0);
	CU_ASSERT_EQUAL(fx_count(&f, "limit.mrdsl"), 0);
	fx_data_in(&f, 1, 1, 8192, 8196, F_ | S_);
	CU_ASSERT_EQUAL(fx_count(&f, "limit.mrdsl"), 1);
	CU_ASSERT_STRING_EQUAL(fx_expected(&f, "limit.mrdsl"), "8192");
	CU_ASSERT_STRING_EQUAL(fx_seen(&f, "limit.mrdsl"), "8196");
	fx_free(&f);
}

/* §11.2.1.7: a response answers an outstanding request's ITT. */
static void tag_itt_echo(void)
{
	struct rfix f;

	fx_init(&f);
	fx_login(&f);
	fx_cmd(&f, 1, false, false, 0, 0);
	fx_rsp(&f, 1, 0, 0, 0);
	CU_ASSERT_EQUAL(fx_count(&f, "tag.itt-echo"), 0);
	fx_rsp(&f, 9, 0, 0, 0);
	CU_ASSERT_EQUAL(fx_count(&f, "tag.itt-echo"), 1);
	CU_ASSERT_STRING_EQUAL(fx_seen(&f, "tag.itt-echo"), "0x9");
	fx_free(&f);
}

/* §11.2.1.7: 0xffffffff is no command's ITT. */
static void tag_itt_reserved(void)
{
	struct rfix f;

	fx_init(&f);
	fx_login(&f);
	fx_cmd(&f, 1, false, false, 0, 0);
	CU_ASSERT_EQUAL(fx_count(&f, "tag.itt-reserved"), 0);
	fx_cmd(&f, ISCSI_RSVD_TAG, false, false, 0, 0);
	CU_ASSERT_EQUAL(fx_count(&f, "tag.itt-reserved"), 1);
	fx_free(&f);
}

UNIT_SUITE(pcap_rules_seq, "pcap.rules.seq",
	   UNIT_TEST(rules_conformant_session), UNIT_TEST(seq_statsn),
	   UNIT_TEST(seq_statsn_current), UNIT_TEST(seq_expstatsn),
	   UNIT_TEST(seq_cmdsn_window), UNIT_TEST(seq_cmdsn_backwards),
	   UNIT_TEST(seq_expcmdsn_ahead), UNIT_TEST(seq_datasn),
	   UNIT_TEST(seq_r2tsn), UNIT_TEST(seq_expdatasn),
	   UNIT_TEST(seq_expdatasn_write),
	   UNIT_TEST(r2t_length), UNIT_TEST(r2t_offset),
	   UNIT_TEST(r2t_outstanding), UNIT_TEST(tag_ttt_reserved),
	   UNIT_TEST(write_immediate), UNIT_TEST(write_unsolicited),
	   UNIT_TEST(write_dataout), UNIT_TEST(read_burst),
	   UNIT_TEST(read_final), UNIT_TEST(read_order), UNIT_TEST(read_edtl),
	   UNIT_TEST(read_s_bit), UNIT_TEST(read_a_bit),
	   UNIT_TEST(read_unexpected), UNIT_TEST(rsp_flags),
	   UNIT_TEST(rsp_sense), UNIT_TEST(rsp_response),
	   UNIT_TEST(limit_mrdsl), UNIT_TEST(tag_itt_echo),
	   UNIT_TEST(tag_itt_reserved))
