/* SPDX-License-Identifier: MIT */
/*
 * numbering_data.c - data and R2T numbering (RFC 7143 §11.7.4, §11.4.8,
 * §11.8.2): Data-In DataSN counts from 0 for every command and runs on
 * across Data-In sequences, the SCSI Response's ExpDataSN equals the
 * number of Data-In PDUs, R2TSN counts from 0 for every command.
 * Reads and writes of a few KiB with MaxRecvDataSegmentLength 512 and a
 * small MaxBurstLength give many PDUs per command.
 */
#include <stdio.h>
#include <string.h>

#include "s3_util.h"
#include "scsi.h"

#define XFER_BLOCKS 8u
#define XFER_LEN    (XFER_BLOCKS * 512u)

static const struct cts_login_opts small_pdus = {.max_recv_dsl = 512};
/* MaxBurstLength 1024: a 4 KiB transfer is four sequences (§13.13) */
static const struct cts_login_opts small_bursts = {
    .max_recv_dsl = 512, .max_burst = 1024, .first_burst = 512};

/* READ(10) of XFER_LEN bytes at lba on the target's LUN (the url's, whose
 * pending unit attentions s3_login cleared); false after cts_error. */
static bool read_xfer(struct cts_ctx *ctx, struct cts_conn *c, uint32_t lba,
		      struct cts_scsi_result *r)
{
	static uint8_t buf[XFER_LEN];
	uint8_t cdb[16];
	size_t n = scsi_cdb_read10(cdb, lba, XFER_BLOCKS, 0);
	int rc = cts_scsi_read(ctx, c, s3_lun(cts_target(ctx)), cdb, n,
			       XFER_LEN, buf, r);

	if (rc || !r->got_status || r->status != 0) {
		cts_error(ctx, "READ(10) of %u bytes: %s, status 0x%02x",
			  XFER_LEN, cts_io_str(rc), r->status);
		return false;
	}
	if (r->pdus_dropped) {
		cts_error(ctx, "more PDUs than the engine records");
		return false;
	}
	return true;
}

/*
 * Checks that the Data-In PDUs of r carry DataSN 0, 1, 2, ... (§11.7.4:
 * the input PDU number within the command's data transfer).  what names
 * the command in a FAIL.  Returns the count, or -1 after cts_fail.
 */
static int datain_numbered(struct cts_ctx *ctx, const struct cts_scsi_result *r,
			   const char *what)
{
	uint32_t want = 0;

	for (size_t i = 0; i < r->npdus; i++) {
		const struct iscsi_bhs *h = &r->pdus[i].bhs;
		char e[32], seen[32];
		uint32_t sn;

		if (r->pdus[i].dir != CTS_RECV ||
		    iscsi_bhs_opcode(h) != ISCSI_OP_DATA_IN)
			continue;
		sn = iscsi_bhs_get32(h, 36);
		if (sn != want) {
			snprintf(e, sizeof(e), "DataSN %u", want);
			snprintf(seen, sizeof(seen), "DataSN %u", sn);
			cts_fail(ctx, e, seen,
				 "Data-In %u (BufferOffset %u) of %s", want + 1,
				 iscsi_bhs_get32(h, 40), what);
			return -1;
		}
		want++;
	}
	return (int)want;
}

CTS_TEST_D(num_datain_from_zero, "numbering.datasn.data-in-from-zero",
	   "7143 11.7.4; 3720 10.7.5", CTS_MUST,
	   "the Data-In PDUs of a command carry DataSN 0, 1, 2, ... without "
	   "gaps",
	   "datain-datasn-gap")
{
	struct cts_session *s = s3_login(ctx, NULL, &small_pdus);
	struct cts_scsi_result r;
	int n;

	if (!s || !read_xfer(ctx, cts_session_conn(s), 0, &r))
		return;
	n = datain_numbered(ctx, &r, "a 4 KiB READ(10) with MRDSL 512");
	if (n >= 0 && n < 2)
		cts_error(ctx,
			  "only %d Data-In PDU for 4 KiB with MRDSL 512 "
			  "(see the MRDSL tests)",
			  n);
	else if (n >= 0)
		cts_note(ctx, "%d Data-In PDUs", n);
}

CTS_TEST_D(num_datain_per_command, "numbering.datasn.data-in-per-command",
	   "7143 11.7.4", CTS_MUST,
	   "DataSN starts again at 0 for every command",
	   "datain-datasn-continues")
{
	struct cts_session *s = s3_login(ctx, NULL, &small_pdus);
	struct cts_scsi_result r;

	if (!s)
		return;
	for (int i = 0; i < 3; i++) {
		char what[48];

		if (!read_xfer(ctx, cts_session_conn(s), (uint32_t)i * 8u, &r))
			return;
		snprintf(what, sizeof(what), "READ(10) number %d", i + 1);
		if (datain_numbered(ctx, &r, what) < 0)
			return;
	}
}

CTS_TEST_D(num_datain_across_bursts,
	   "numbering.datasn.data-in-across-sequences", "7143 11.7.4", CTS_MUST,
	   "Data-In DataSN runs on across the Data-In sequences of one "
	   "command (it does not restart per MaxBurstLength sequence)",
	   "datain-datasn-per-burst")
{
	struct cts_session *s = s3_login(ctx, NULL, &small_bursts);
	struct cts_scsi_result r;
	unsigned finals = 0;

	if (!s || !read_xfer(ctx, cts_session_conn(s), 0, &r))
		return;
	for (size_t i = 0; i < r.npdus; i++)
		if (r.pdus[i].dir == CTS_RECV &&
		    iscsi_bhs_opcode(&r.pdus[i].bhs) == ISCSI_OP_DATA_IN &&
		    (r.pdus[i].bhs.flags & ISCSI_DATA_IN_F))
			finals++;
	if (datain_numbered(ctx, &r, "a 4 KiB READ(10), MaxBurstLength 1024") <
	    0)
		return;
	cts_note(ctx, "%u Data-In sequences (MaxBurstLength %u)", finals,
		 s->agreed.max_burst);
}

/* The SCSI Response among r's PDUs, NULL if the status came otherwise. */
static const struct iscsi_bhs *response_of(const struct cts_scsi_result *r)
{
	for (size_t i = 0; i < r->npdus; i++)
		if (r->pdus[i].dir == CTS_RECV &&
		    iscsi_bhs_opcode(&r->pdus[i].bhs) == ISCSI_OP_SCSI_RSP)
			return &r->pdus[i].bhs;
	return NULL;
}

CTS_TEST_D(num_expdatasn_read, "numbering.expdatasn.counts-data-in",
	   "7143 11.4.8; 3720 10.4.8", CTS_MUST,
	   "a SCSI Response after Data-In carries ExpDataSN = the number of "
	   "Data-In PDUs sent for the command",
	   "expdatasn-wrong")
{
	struct cts_session *s = s3_login(ctx, NULL, &small_pdus);
	const struct iscsi_bhs *h;
	struct cts_scsi_result r;
	char e[32], seen[32];

	if (!s || !read_xfer(ctx, cts_session_conn(s), 0, &r))
		return;
	h = response_of(&r);
	if (!h) {
		/* §11.7.3: status in the last Data-In: no ExpDataSN sent */
		cts_note(ctx, "status came in the last Data-In (S=1); no "
			      "SCSI Response to check");
		return;
	}
	snprintf(e, sizeof(e), "ExpDataSN %u", r.n_data_in);
	snprintf(seen, sizeof(seen), "ExpDataSN %u", iscsi_bhs_get32(h, 36));
	if (iscsi_bhs_get32(h, 36) != r.n_data_in)
		cts_fail(ctx, e, seen,
			 "SCSI Response to a 4 KiB READ(10) after %u Data-In "
			 "PDUs",
			 r.n_data_in);
}

CTS_TEST_D(num_expdatasn_none, "numbering.expdatasn.zero-without-data",
	   "7143 11.4.8", CTS_MUST,
	   "a SCSI Response to a command without Data-In carries ExpDataSN 0",
	   "expdatasn-wrong")
{
	struct cts_session *s = s3_login(ctx, NULL, NULL);
	struct cts_scsi_result r;
	const struct iscsi_bhs *h;
	uint8_t cdb[16];
	char seen[32];

	if (!s)
		return;
	cts_scsi_cmd(ctx, cts_session_conn(s), s3_lun(cts_target(ctx)), cdb,
		     scsi_cdb_test_unit_ready(cdb), 0, NULL, NULL, NULL, &r);
	h = response_of(&r);
	if (r.io || !h) {
		cts_error(ctx, "TEST UNIT READY: %s, %s", cts_io_str(r.io),
			  h ? "response" : "no SCSI Response");
		return;
	}
	snprintf(seen, sizeof(seen), "ExpDataSN %u", iscsi_bhs_get32(h, 36));
	if (iscsi_bhs_get32(h, 36) != 0)
		cts_fail(ctx, "ExpDataSN 0", seen,
			 "SCSI Response to TEST UNIT READY (no Data-In)");
}

/* R2T-only writes: InitialR2T=Yes, no immediate data, 512-byte bursts. */
static const struct cts_login_opts r2t_only = {
    .max_recv_dsl = 512,
    .max_burst = 1024,
    .first_burst = 512,
    .initial_r2t = CTS_YES,
    .immediate_data = CTS_NO,
};

/* WRITE(10) of XFER_LEN bytes at lba; checks R2TSN 0, 1, ... */
static bool write_r2tsn(struct cts_ctx *ctx, struct cts_conn *c, uint32_t lun,
			uint32_t lba, const char *what)
{
	static uint8_t data[XFER_LEN];
	struct cts_scsi_result r;
	uint8_t cdb[16];
	uint32_t want = 0;
	int rc;

	s3_pattern(data, sizeof(data), lba);
	rc = cts_scsi_write(ctx, c, lun, cdb,
			    scsi_cdb_write10(cdb, lba, XFER_BLOCKS, 0),
			    XFER_LEN, data, &r);
	if (rc || !r.got_status || r.status != 0) {
		cts_error(ctx, "WRITE(10) of %u bytes: %s, status 0x%02x",
			  XFER_LEN, cts_io_str(rc), r.status);
		return false;
	}
	for (size_t i = 0; i < r.npdus; i++) {
		const struct iscsi_bhs *h = &r.pdus[i].bhs;
		char e[32], seen[32];

		if (r.pdus[i].dir != CTS_RECV ||
		    iscsi_bhs_opcode(h) != ISCSI_OP_R2T)
			continue;
		if (iscsi_bhs_get32(h, 36) != want) {
			snprintf(e, sizeof(e), "R2TSN %u", want);
			snprintf(seen, sizeof(seen), "R2TSN %u",
				 iscsi_bhs_get32(h, 36));
			cts_fail(ctx, e, seen, "R2T %u (BufferOffset %u) of %s",
				 want + 1, iscsi_bhs_get32(h, 40), what);
			return false;
		}
		want++;
	}
	if (want < 2) {
		cts_error(ctx, "only %u R2T for %s", want, what);
		return false;
	}
	return true;
}

CTS_TEST_D(num_r2tsn_from_zero, "numbering.r2tsn.from-zero",
	   "7143 11.8.2; 3720 10.8.2", CTS_MUST,
	   "the R2Ts of a command carry R2TSN 0, 1, 2, ... without gaps",
	   "r2tsn-from-one")
{
	const struct iscsi_url *u = s3_url2(ctx);
	struct cts_session *s;

	if (!u || !(s = s3_login(ctx, u, &r2t_only)))
		return;
	write_r2tsn(ctx, cts_session_conn(s), s3_lun(u), 64,
		    "a 4 KiB WRITE(10), MaxBurstLength 1024");
}

CTS_TEST_D(num_r2tsn_per_command, "numbering.r2tsn.per-command", "7143 11.8.2",
	   CTS_MUST, "R2TSN starts again at 0 for every command",
	   "r2tsn-from-one")
{
	const struct iscsi_url *u = s3_url2(ctx);
	struct cts_session *s;

	if (!u || !(s = s3_login(ctx, u, &r2t_only)))
		return;
	for (uint32_t i = 0; i < 3; i++) {
		char what[48];

		snprintf(what, sizeof(what), "WRITE(10) number %u", i + 1);
		if (!write_r2tsn(ctx, cts_session_conn(s), s3_lun(u),
				 72 + i * XFER_BLOCKS, what))
			return;
	}
}
