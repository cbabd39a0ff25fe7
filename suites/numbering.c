/* SPDX-License-Identifier: MIT */
/*
 * numbering.c - the command window and CmdSN ordering (RFC 7143
 * §4.2.2.1): commands outside [ExpCmdSN, MaxCmdSN] are silently ignored,
 * immediate commands do not advance ExpCmdSN, commands ahead of a gap are
 * held and delivered in CmdSN order, ExpCmdSN/MaxCmdSN never go
 * backwards and always satisfy MaxCmdSN >= ExpCmdSN - 1.
 */
#include <stdio.h>
#include <string.h>

#include "s3_util.h"
#include "scsi.h"

/* A ping so that the engine's ExpCmdSN/MaxCmdSN are the latest. */
static bool fresh_window(struct cts_ctx *ctx, struct cts_session *s)
{
	struct cts_nop_result r;
	int rc = cts_nop_ping(ctx, cts_session_conn(s), NULL, 0, 0, &r);

	if (rc) {
		cts_error(ctx, "NOP-Out ping before the test: %s",
			  cts_io_str(rc));
		return false;
	}
	return true;
}

/*
 * Sends a non-immediate ping with this CmdSN and expects silence: the
 * target must drop the command without a word (§4.2.2.1).
 */
static bool nop_ignored(struct cts_ctx *ctx, struct cts_conn *c, uint32_t cmdsn,
			const char *which)
{
	struct iscsi_pdu p;
	uint32_t itt = cts_session_next_itt(c->sess);
	char seen[160];
	int rc;

	rc = s3_send_nop(c, itt, ISCSI_RSVD_TAG, cmdsn, c->exp_statsn, false,
			 NULL, 0);
	if (rc) {
		cts_error(ctx, "sending the NOP-Out: %s", cts_io_str(rc));
		return false;
	}
	iscsi_pdu_init(&p);
	rc = s3_recv(c, &p, S3_SILENCE_MS);
	if (rc == CTS_IO_OK) {
		s3_describe(&p, seen, sizeof(seen));
		cts_fail(ctx, "no answer (command silently ignored)", seen,
			 "NOP-Out ITT 0x%x with CmdSN %u %s", itt, cmdsn,
			 which);
	} else if (rc != CTS_IO_TIMEOUT) {
		cts_fail(ctx, "no answer, connection kept", cts_io_str(rc),
			 "NOP-Out ITT 0x%x with CmdSN %u %s", itt, cmdsn,
			 which);
	}
	iscsi_pdu_release(&p);
	return !cts_failed(ctx);
}

CTS_TEST_D(num_above_max, "numbering.cmdsn.above-max-ignored", "7143 4.2.2.1",
	   CTS_MUST,
	   "a non-immediate command with CmdSN > MaxCmdSN is silently ignored; "
	   "the connection stays up",
	   "exec-out-of-window")
{
	struct cts_session *s = s3_login(ctx, NULL, NULL);
	char which[64];

	if (!s || !fresh_window(ctx, s))
		return;
	snprintf(which, sizeof(which), "(MaxCmdSN %u)", s->max_cmdsn);
	if (!nop_ignored(ctx, cts_session_conn(s), s->max_cmdsn + 1u, which))
		return;
	/* CmdSN was not consumed: the in-window ping reuses it */
	s3_ping_ok(ctx, cts_session_conn(s), "an out-of-window command");
}

CTS_TEST_D(num_below_exp, "numbering.cmdsn.below-exp-ignored", "7143 4.2.2.1",
	   CTS_MUST,
	   "a non-immediate command with CmdSN < ExpCmdSN (a duplicate) is "
	   "silently ignored",
	   "exec-out-of-window")
{
	struct cts_session *s = s3_login(ctx, NULL, NULL);
	char which[64];

	if (!s || !fresh_window(ctx, s))
		return;
	snprintf(which, sizeof(which), "(ExpCmdSN %u)", s->exp_cmdsn);
	if (!nop_ignored(ctx, cts_session_conn(s), s->exp_cmdsn - 1u, which))
		return;
	s3_ping_ok(ctx, cts_session_conn(s), "a command below ExpCmdSN");
}

/* Writes one block at lba on LUN lun; true on GOOD. */
static bool write_block(struct cts_ctx *ctx, struct cts_conn *c, uint32_t lun,
			uint32_t lba, const uint8_t *data)
{
	struct cts_scsi_result r;
	uint8_t cdb[16];
	size_t n = scsi_cdb_write10(cdb, lba, 1, 0);
	int rc = cts_scsi_write(ctx, c, lun, cdb, n, 512, data, &r);

	if (rc || !r.got_status || r.status != 0) {
		cts_error(ctx, "WRITE(10) of LBA %u: %s, status 0x%02x", lba,
			  cts_io_str(rc), r.status);
		return false;
	}
	return true;
}

static bool read_block(struct cts_ctx *ctx, struct cts_conn *c, uint32_t lun,
		       uint32_t lba, uint8_t *buf)
{
	struct cts_scsi_result r;
	uint8_t cdb[16];
	size_t n = scsi_cdb_read10(cdb, lba, 1, 0);
	int rc = cts_scsi_read(ctx, c, lun, cdb, n, 512, buf, &r);

	if (rc || !r.got_status || r.status != 0) {
		cts_error(ctx, "READ(10) of LBA %u: %s, status 0x%02x", lba,
			  cts_io_str(rc), r.status);
		return false;
	}
	return true;
}

CTS_TEST_D(
    num_scsi_out_of_window, "numbering.cmdsn.out-of-window-not-executed",
    "7143 4.2.2.1", CTS_MUST,
    "a SCSI WRITE with CmdSN > MaxCmdSN is neither executed nor answered",
    "exec-out-of-window")
{
	const struct iscsi_url *u = s3_url2(ctx);
	struct cts_session *s;
	struct cts_conn *c;
	struct iscsi_pdu p;
	uint8_t a[512], b[512], back[512], cdb[16];
	struct s3_scsi cmd;
	uint32_t lba = 96;
	char seen[160];
	int rc;

	if (!u || !(s = s3_login(ctx, u, NULL)))
		return;
	c = cts_session_conn(s);
	s3_pattern(a, sizeof(a), 1);
	s3_pattern(b, sizeof(b), 2);
	if (!write_block(ctx, c, s3_lun(u), lba, a) || !fresh_window(ctx, s))
		return;
	memset(&cmd, 0, sizeof(cmd));
	cmd.itt = cts_session_next_itt(s);
	cmd.cmdsn = s->max_cmdsn + 1u;
	cmd.exp_statsn = c->exp_statsn;
	cmd.lun = s3_lun(u);
	cmd.write = true;
	cmd.edtl = 512;
	cmd.cdb = cdb;
	cmd.cdb_len = scsi_cdb_write10(cdb, lba, 1, 0);
	/* the whole block as immediate data when allowed, else none */
	if (s->agreed.immediate_data) {
		cmd.data = b;
		cmd.len = sizeof(b);
	}
	rc = s3_send_scsi(c, &cmd);
	if (rc) {
		cts_error(ctx, "sending the WRITE: %s", cts_io_str(rc));
		return;
	}
	iscsi_pdu_init(&p);
	rc = s3_recv(c, &p, S3_SILENCE_MS);
	if (rc == CTS_IO_OK) {
		s3_describe(&p, seen, sizeof(seen));
		cts_fail(ctx, "no answer", seen,
			 "WRITE(10) ITT 0x%x with CmdSN %u (MaxCmdSN %u)",
			 cmd.itt, cmd.cmdsn, s->max_cmdsn);
	}
	iscsi_pdu_release(&p);
	if (cts_failed(ctx) || !read_block(ctx, c, s3_lun(u), lba, back))
		return;
	if (memcmp(back, a, sizeof(a)) != 0)
		cts_fail(ctx, "LBA unchanged", "LBA overwritten",
			 "READ(10) after an out-of-window WRITE(10) CmdSN %u: "
			 "the ignored command was executed",
			 cmd.cmdsn);
}

CTS_TEST_D(num_immediate_no_advance, "numbering.immediate.no-advance",
	   "7143 4.2.2.1; 3720 3.2.2.1", CTS_MUST,
	   "an immediate command does not advance ExpCmdSN",
	   "immediate-advances-cmdsn")
{
	struct cts_session *s = s3_login(ctx, NULL, NULL);
	struct cts_task_opts o = {.flags = CTS_CMD_IMMEDIATE};
	struct cts_scsi_result r;
	struct cts_conn *c;
	uint8_t cdb[16];
	uint32_t exp;
	char e[32], seen[32];

	if (!s || !fresh_window(ctx, s))
		return;
	c = cts_session_conn(s);
	exp = s->cmdsn; /* every earlier command was answered */
	cts_scsi_cmd(ctx, c, 0, cdb, scsi_cdb_test_unit_ready(cdb), 0, NULL,
		     NULL, &o, &r);
	if (r.io || !r.got_status || r.npdus < 2) {
		cts_error(ctx, "immediate TEST UNIT READY: %s",
			  cts_io_str(r.io));
		return;
	}
	snprintf(e, sizeof(e), "ExpCmdSN %u", exp);
	snprintf(seen, sizeof(seen), "ExpCmdSN %u",
		 iscsi_bhs_get32(&r.pdus[r.npdus - 1].bhs, 28));
	if (iscsi_bhs_get32(&r.pdus[r.npdus - 1].bhs, 28) != exp)
		cts_fail(ctx, e, seen,
			 "SCSI Response to an immediate TEST UNIT READY "
			 "carrying CmdSN %u",
			 r.cmdsn);
}

CTS_TEST_D(num_immediate_keeps_cmdsn, "numbering.immediate.cmdsn-reusable",
	   "7143 4.2.2.1", CTS_MUST,
	   "an immediate command is accepted and its CmdSN is then used by the "
	   "next non-immediate command",
	   "immediate-advances-cmdsn")
{
	struct cts_session *s = s3_login(ctx, NULL, NULL);
	struct cts_nop_result r;
	struct cts_conn *c;
	struct iscsi_pdu p;
	uint32_t itt, cmdsn;
	int rc;

	if (!s || !fresh_window(ctx, s))
		return;
	c = cts_session_conn(s);
	rc = cts_nop_ping(ctx, c, NULL, 0, CTS_CMD_IMMEDIATE, &r);
	if (rc) {
		cts_fail(ctx, "NOP-In", cts_io_str(rc),
			 "immediate NOP-Out ping with CmdSN %u", s->cmdsn);
		return;
	}
	/* the same CmdSN, now non-immediate: the next one expected */
	cmdsn = r.cmdsn;
	itt = cts_session_next_itt(s);
	rc = s3_send_nop(c, itt, ISCSI_RSVD_TAG, cmdsn, c->exp_statsn, false,
			 NULL, 0);
	iscsi_pdu_init(&p);
	if (!rc)
		rc = cts_conn_recv_for(c, itt, &p, 1000);
	if (rc)
		cts_fail(ctx, "NOP-In", cts_io_str(rc),
			 "non-immediate NOP-Out CmdSN %u after an immediate "
			 "one with the same CmdSN",
			 cmdsn);
	else
		s->cmdsn = cmdsn + 1u;
	iscsi_pdu_release(&p);
}

/* Sends NOP-Out pings (I=0) for itts[] with CmdSNs sn[] in that order. */
static int send_pings(struct cts_conn *c, const uint32_t *itts,
		      const uint32_t *sn, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int rc = s3_send_nop(c, itts[i], ISCSI_RSVD_TAG, sn[i],
				     c->exp_statsn, false, NULL, 0);

		if (rc)
			return rc;
	}
	return CTS_IO_OK;
}

CTS_TEST_D(num_out_of_order_nop, "numbering.cmdsn.gap-held",
	   "7143 4.2.2.1; 3720 3.2.2.1", CTS_MUST,
	   "a command ahead of a CmdSN gap is held until the gap fills, then "
	   "both are delivered in CmdSN order",
	   "cmdsn-no-hold")
{
	struct cts_session *s = s3_login(ctx, NULL, NULL);
	struct cts_conn *c;
	struct iscsi_pdu p;
	uint32_t itt[2], sn[2], want[2];
	char seen[160];
	int rc;

	if (!s || !fresh_window(ctx, s))
		return;
	c = cts_session_conn(s);
	itt[0] = cts_session_next_itt(s);
	itt[1] = cts_session_next_itt(s);
	sn[0] = s->cmdsn + 1u; /* the later one first */
	sn[1] = s->cmdsn;
	rc = send_pings(c, itt, sn, 1);
	if (rc) {
		cts_error(ctx, "sending: %s", cts_io_str(rc));
		return;
	}
	iscsi_pdu_init(&p);
	rc = s3_recv(c, &p, S3_SILENCE_MS);
	if (rc != CTS_IO_TIMEOUT) {
		if (rc == CTS_IO_OK)
			s3_describe(&p, seen, sizeof(seen));
		cts_fail(ctx, "nothing until CmdSN gap fills",
			 rc == CTS_IO_OK ? seen : cts_io_str(rc),
			 "NOP-Out ITT 0x%x CmdSN %u sent while CmdSN %u is "
			 "missing",
			 itt[0], sn[0], sn[1]);
		goto out;
	}
	rc = send_pings(c, itt + 1, sn + 1, 1);
	s->cmdsn += 2u;
	/* §4.2.2.1: delivered in CmdSN order: the gap filler first */
	want[0] = itt[1];
	want[1] = itt[0];
	for (int i = 0; i < 2 && !rc; i++) {
		rc = s3_recv(c, &p, 1000);
		if (rc)
			break;
		if (iscsi_bhs_opcode(&p.bhs) != ISCSI_OP_NOP_IN ||
		    iscsi_bhs_itt(&p.bhs) != want[i]) {
			char e[64];

			s3_describe(&p, seen, sizeof(seen));
			snprintf(e, sizeof(e), "NOP-In ITT 0x%x", want[i]);
			cts_fail(ctx, e, seen,
				 "answer %d after filling the CmdSN gap "
				 "(CmdSN %u then %u)",
				 i + 1, sn[1], sn[0]);
			goto out;
		}
	}
	if (rc)
		cts_fail(ctx, "both NOP-Ins", cts_io_str(rc),
			 "NOP-Outs CmdSN %u and %u after the gap filled", sn[1],
			 sn[0]);
out:
	iscsi_pdu_release(&p);
}

CTS_TEST_D(num_out_of_order_scsi, "numbering.cmdsn.gap-held-scsi",
	   "7143 4.2.2.1", CTS_MUST,
	   "a SCSI command ahead of a CmdSN gap is answered only after the "
	   "command filling the gap",
	   "cmdsn-no-hold")
{
	struct cts_session *s = s3_login(ctx, NULL, NULL);
	struct cts_conn *c;
	struct iscsi_pdu p;
	struct s3_scsi cmd[2];
	uint8_t cdb[16];
	uint32_t want[2];
	char seen[160];
	int rc;

	if (!s || !fresh_window(ctx, s))
		return;
	c = cts_session_conn(s);
	memset(cmd, 0, sizeof(cmd));
	for (int i = 0; i < 2; i++) {
		cmd[i].itt = cts_session_next_itt(s);
		cmd[i].cdb = cdb;
		cmd[i].cdb_len = scsi_cdb_test_unit_ready(cdb);
	}
	cmd[0].cmdsn = s->cmdsn + 1u;
	cmd[1].cmdsn = s->cmdsn;
	s->cmdsn += 2u;
	iscsi_pdu_init(&p);
	for (int i = 0; i < 2; i++) {
		cmd[i].exp_statsn = c->exp_statsn;
		rc = s3_send_scsi(c, &cmd[i]);
		if (rc) {
			cts_error(ctx, "sending: %s", cts_io_str(rc));
			goto out;
		}
	}
	want[0] = cmd[1].itt;
	want[1] = cmd[0].itt;
	for (int i = 0; i < 2; i++) {
		rc = s3_recv(c, &p, 1000);
		if (rc) {
			cts_fail(ctx, "two SCSI Responses", cts_io_str(rc),
				 "TEST UNIT READY CmdSN %u then %u",
				 cmd[0].cmdsn, cmd[1].cmdsn);
			goto out;
		}
		if (iscsi_bhs_itt(&p.bhs) != want[i]) {
			char e[64];

			s3_describe(&p, seen, sizeof(seen));
			snprintf(e, sizeof(e), "SCSI Response ITT 0x%x",
				 want[i]);
			cts_fail(ctx, e, seen,
				 "response %d to TEST UNIT READY CmdSN %u "
				 "(sent first) and %u (sent second)",
				 i + 1, cmd[0].cmdsn, cmd[1].cmdsn);
			goto out;
		}
	}
out:
	iscsi_pdu_release(&p);
}
