/* SPDX-License-Identifier: MIT */
/*
 * nop_reject.c - Reject (RFC 7143 §11.17, §7.3): an unknown opcode is
 * rejected with "command not supported" (or the connection closes); the
 * Reject has ITT 0xffffffff, the next StatSN, a reason from the defined
 * set and the complete offending header in its data segment; a rejected
 * command is not executed and may be sent again with its ITT and CmdSN.
 */
#include <stdio.h>
#include <string.h>

#include "s3_util.h"
#include "scsi.h"

#define OPCODE_UNKNOWN 0x1eu /* not defined for initiators (§11.2.1.2) */

/* What came back for the probe. */
struct probe {
	int rc;		      /* CTS_IO_* of the receive */
	struct iscsi_pdu rsp; /* what came, when rc is OK */
	uint8_t sent[ISCSI_BHS_LEN];
	uint32_t exp_statsn; /* the StatSN the next status must carry */
};

static void probe_free(void *arg)
{
	iscsi_pdu_release(arg);
}

/*
 * Logs in and sends a PDU with opcode 0x1e (I=1, ITT valid, CmdSN and
 * ExpStatSN as a command would carry them); waits for the answer.  false
 * after cts_error.
 */
static bool probe_unknown(struct cts_ctx *ctx, struct probe *pr)
{
	struct cts_session *s = s3_login(ctx, NULL, NULL);
	const struct cts_transcript *t = cts_transcript(ctx);
	const struct cts_record *r, *last = NULL;
	struct cts_conn *c;
	struct iscsi_pdu p;
	size_t from = 0;

	memset(pr, 0, sizeof(*pr));
	iscsi_pdu_init(&pr->rsp);
	cts_defer(ctx, probe_free, &pr->rsp);
	if (!s)
		return false;
	c = cts_session_conn(s);
	pr->exp_statsn = c->exp_statsn;
	iscsi_pdu_init(&p);
	p.bhs.opcode = ISCSI_OP_IMMEDIATE | OPCODE_UNKNOWN;
	p.bhs.flags = 0x80;
	iscsi_bhs_set_itt(&p.bhs, cts_session_next_itt(s));
	iscsi_bhs_put32(&p.bhs, 20, ISCSI_RSVD_TAG);
	iscsi_bhs_put32(&p.bhs, 24, s->cmdsn);
	iscsi_bhs_put32(&p.bhs, 28, c->exp_statsn);
	pr->rc = cts_conn_send_pdu(c, &p);
	iscsi_pdu_release(&p);
	if (pr->rc) {
		cts_error(ctx, "sending opcode 0x%02x: %s", OPCODE_UNKNOWN,
			  cts_io_str(pr->rc));
		return false;
	}
	/* the header as it went on the wire */
	while ((r = cts_transcript_find(t, &from, CTS_SENT, OPCODE_UNKNOWN)))
		last = r;
	if (!last || last->len < ISCSI_BHS_LEN) {
		cts_error(ctx, "the PDU sent is not in the transcript");
		return false;
	}
	memcpy(pr->sent, last->bytes, ISCSI_BHS_LEN);
	pr->rc = s3_recv(c, &pr->rsp, 1000);
	return true;
}

/* The Reject that came, or NULL after a verdict on what came instead. */
static const struct iscsi_pdu *reject_of(struct cts_ctx *ctx,
					 const struct probe *pr)
{
	char seen[160];

	if (pr->rc == CTS_IO_CLOSED || pr->rc == CTS_IO_RESET) {
		cts_note(ctx, "the target closed the connection instead of a "
			      "Reject");
		return NULL;
	}
	if (pr->rc == CTS_IO_OK &&
	    iscsi_bhs_opcode(&pr->rsp.bhs) == ISCSI_OP_REJECT)
		return &pr->rsp;
	if (pr->rc == CTS_IO_OK)
		s3_describe(&pr->rsp, seen, sizeof(seen));
	cts_fail(ctx, "Reject (or connection closed)",
		 pr->rc == CTS_IO_OK	    ? seen
		 : pr->rc == CTS_IO_TIMEOUT ? "nothing within 1 s"
					    : cts_io_str(pr->rc),
		 "PDU with the undefined opcode 0x%02x", OPCODE_UNKNOWN);
	return NULL;
}

CTS_TEST_D(rej_unknown_opcode, "reject.opcode.unknown",
	   "7143 11.17.1; 3720 10.17.1", CTS_MUST,
	   "a PDU with an undefined opcode is answered by a Reject with reason "
	   "0x05 (command not supported), or the connection is closed",
	   "unknown-opcode-ignored,reject-reason-reserved")
{
	struct probe pr;
	const struct iscsi_pdu *rj;
	char seen[32];

	if (!probe_unknown(ctx, &pr) || !(rj = reject_of(ctx, &pr)))
		return;
	snprintf(seen, sizeof(seen), "reason 0x%02x", rj->bhs.opspec1[0]);
	if (rj->bhs.opspec1[0] != ISCSI_REJECT_CMD_NOT_SUPPORTED)
		cts_fail(ctx, "reason 0x05", seen, "Reject of opcode 0x%02x",
			 OPCODE_UNKNOWN);
}

CTS_TEST_D(rej_header, "reject.header.complete", "7143 11.17; 3720 10.17",
	   CTS_MUST,
	   "a Reject's data segment holds the complete 48-byte header of the "
	   "rejected PDU, byte for byte",
	   "reject-no-header")
{
	struct probe pr;
	const struct iscsi_pdu *rj;
	char e[32], seen[48];

	if (!probe_unknown(ctx, &pr) || !(rj = reject_of(ctx, &pr)))
		return;
	if (rj->data_len < ISCSI_BHS_LEN) {
		snprintf(seen, sizeof(seen), "%zu data bytes", rj->data_len);
		cts_fail(ctx, "at least 48 data bytes", seen,
			 "Reject of opcode 0x%02x", OPCODE_UNKNOWN);
		return;
	}
	for (size_t i = 0; i < ISCSI_BHS_LEN; i++) {
		if (rj->data[i] == pr.sent[i])
			continue;
		snprintf(e, sizeof(e), "byte %zu = 0x%02x", i, pr.sent[i]);
		snprintf(seen, sizeof(seen), "0x%02x", rj->data[i]);
		cts_fail(ctx, e, seen,
			 "Reject of opcode 0x%02x: header in the data segment "
			 "differs from the one sent",
			 OPCODE_UNKNOWN);
		return;
	}
}

CTS_TEST_D(rej_fields, "reject.fields.itt-statsn", "7143 11.17; 3720 10.17",
	   CTS_MUST,
	   "a Reject carries ITT 0xffffffff, the next StatSN and a valid "
	   "window",
	   "reject-itt-echo")
{
	struct probe pr;
	const struct iscsi_pdu *rj;
	struct s3_sn sn;
	char e[32], seen[48];

	if (!probe_unknown(ctx, &pr) || !(rj = reject_of(ctx, &pr)))
		return;
	s3_sn_of(rj, &sn);
	if (iscsi_bhs_itt(&rj->bhs) != ISCSI_RSVD_TAG) {
		snprintf(seen, sizeof(seen), "ITT 0x%x",
			 iscsi_bhs_itt(&rj->bhs));
		cts_fail(ctx, "ITT 0xffffffff", seen, "Reject of opcode 0x%02x",
			 OPCODE_UNKNOWN);
	} else if (sn.statsn != pr.exp_statsn) {
		/* §11.17.3: StatSN advances with a Reject */
		snprintf(e, sizeof(e), "StatSN %u", pr.exp_statsn);
		snprintf(seen, sizeof(seen), "StatSN %u", sn.statsn);
		cts_fail(ctx, e, seen, "Reject of opcode 0x%02x",
			 OPCODE_UNKNOWN);
	} else if (s3_sn_lt(sn.max_cmdsn, sn.exp_cmdsn - 1u)) {
		snprintf(seen, sizeof(seen), "ExpCmdSN %u MaxCmdSN %u",
			 sn.exp_cmdsn, sn.max_cmdsn);
		cts_fail(ctx, "MaxCmdSN >= ExpCmdSN - 1", seen,
			 "Reject of opcode 0x%02x", OPCODE_UNKNOWN);
	}
}

CTS_TEST_D(rej_reason_defined, "reject.reason.defined", "7143 11.17.1",
	   CTS_MUST, "a Reject's reason is one of the defined codes 0x02-0x0c",
	   "reject-reason-reserved")
{
	struct probe pr;
	const struct iscsi_pdu *rj;
	uint8_t why;
	char seen[32];

	if (!probe_unknown(ctx, &pr) || !(rj = reject_of(ctx, &pr)))
		return;
	why = rj->bhs.opspec1[0];
	snprintf(seen, sizeof(seen), "reason 0x%02x", why);
	/* §11.17.1: 0x01 and 0x0d-0xff are reserved; 0x0b is deprecated */
	if (why < 0x02 || why > 0x0c || why == 0x0b)
		cts_fail(ctx, "a reason in 0x02-0x0a or 0x0c", seen,
			 "Reject of opcode 0x%02x", OPCODE_UNKNOWN);
}

/* ---- a rejected command is not executed (§7.3, §6.3) ------------------- */

/* Each test has its own LBA: tests run in parallel (--jobs) against the
 * same LU, and not-executed checks that its LBA was left alone. */
#define REJ_LBA_NOT_EXECUTED 120u
#define REJ_LBA_RETRY 121u

static const struct cts_login_opts no_immediate = {
    .immediate_data = CTS_NO,
    .initial_r2t = CTS_YES,
};

/* Writes a at lba, then a WRITE of b carrying immediate data although
 * ImmediateData=No (§13.11): *cmd describes it, *rsp what came. */
static bool send_bad_write(struct cts_ctx *ctx, struct cts_session *s,
			   uint32_t lun, uint32_t lba, const uint8_t *a,
			   const uint8_t *b,
			   uint8_t *cdb, struct s3_scsi *cmd, struct probe *pr)
{
	struct cts_conn *c = cts_session_conn(s);
	struct cts_scsi_result r;
	int rc;

	rc = cts_scsi_write(ctx, c, lun, cdb,
			    scsi_cdb_write10(cdb, lba, 1, 0), 512, a, &r);
	if (rc || !r.got_status || r.status) {
		cts_error(ctx, "WRITE(10) before the test: %s, status 0x%02x",
			  cts_io_str(rc), r.status);
		return false;
	}
	if (s->agreed.immediate_data) {
		cts_skip(ctx, "the target kept ImmediateData=Yes");
		return false;
	}
	memset(cmd, 0, sizeof(*cmd));
	cmd->itt = cts_session_next_itt(s);
	cmd->cmdsn = s->cmdsn;
	cmd->exp_statsn = c->exp_statsn;
	cmd->lun = lun;
	cmd->write = true;
	cmd->edtl = 512;
	cmd->cdb = cdb;
	cmd->cdb_len = scsi_cdb_write10(cdb, lba, 1, 0);
	cmd->data = b;
	cmd->len = 512;
	iscsi_pdu_init(&pr->rsp);
	cts_defer(ctx, probe_free, &pr->rsp);
	rc = s3_send_scsi(c, cmd);
	if (rc) {
		cts_error(ctx, "sending the WRITE: %s", cts_io_str(rc));
		return false;
	}
	pr->rc = s3_recv(c, &pr->rsp, 1000);
	return true;
}

/* The LBA as a new session reads it. */
static bool read_back(struct cts_ctx *ctx, const struct iscsi_url *u,
		      uint32_t lba, uint8_t *buf)
{
	struct cts_session *s = s3_login(ctx, u, NULL);
	struct cts_scsi_result r;
	uint8_t cdb[16];
	int rc;

	if (!s)
		return false;
	rc = cts_scsi_read(ctx, cts_session_conn(s), s3_lun(u), cdb,
			   scsi_cdb_read10(cdb, lba, 1, 0), 512, buf, &r);
	if (rc || !r.got_status || r.status) {
		cts_error(ctx, "READ(10) after the test: %s, status 0x%02x",
			  cts_io_str(rc), r.status);
		return false;
	}
	return true;
}

/*
 * SHOULD: §13.11 forbids the initiator's immediate data under
 * ImmediateData=No; the RFC gives the target no MUST for it (§7.3:
 * Reject and response codes are there to signal protocol errors).
 */
CTS_TEST_D(rej_not_executed, "reject.command.not-executed",
	   "7143 7.3; 7143 13.11", CTS_SHOULD,
	   "a WRITE carrying immediate data under ImmediateData=No is refused "
	   "and its data is not written",
	   "exec-rejected")
{
	const struct iscsi_url *u = s3_url2(ctx);
	struct cts_session *s;
	struct s3_scsi cmd;
	struct probe pr;
	uint8_t a[512], b[512], back[512], cdb[16];
	char seen[160];

	if (!u || !(s = s3_login(ctx, u, &no_immediate)))
		return;
	s3_pattern(a, sizeof(a), 11);
	s3_pattern(b, sizeof(b), 12);
	if (!send_bad_write(ctx, s, s3_lun(u), REJ_LBA_NOT_EXECUTED, a, b, cdb,
			    &cmd, &pr))
		return;
	if (pr.rc == CTS_IO_OK &&
	    iscsi_bhs_opcode(&pr.rsp.bhs) == ISCSI_OP_REJECT) {
		cts_note(ctx, "Reject reason 0x%02x", pr.rsp.bhs.opspec1[0]);
	} else if (pr.rc == CTS_IO_OK &&
		   iscsi_bhs_opcode(&pr.rsp.bhs) == ISCSI_OP_SCSI_RSP &&
		   pr.rsp.bhs.opspec1[1] != 0) {
		cts_note(ctx, "SCSI Response with status 0x%02x",
			 pr.rsp.bhs.opspec1[1]);
	} else if (pr.rc == CTS_IO_CLOSED || pr.rc == CTS_IO_RESET) {
		cts_note(ctx, "the target closed the connection");
	} else {
		if (pr.rc == CTS_IO_OK)
			s3_describe(&pr.rsp, seen, sizeof(seen));
		cts_fail(ctx, "Reject, error status or connection closed",
			 pr.rc == CTS_IO_OK ? seen : cts_io_str(pr.rc),
			 "WRITE(10) ITT 0x%x with 512 bytes of immediate data "
			 "under ImmediateData=No",
			 cmd.itt);
		return;
	}
	if (!read_back(ctx, u, REJ_LBA_NOT_EXECUTED, back))
		return;
	if (memcmp(back, a, sizeof(a)) != 0)
		cts_fail(ctx, "LBA unchanged", "LBA overwritten",
			 "READ(10) after the refused WRITE(10) ITT 0x%x: the "
			 "rejected command was executed",
			 cmd.itt);
}

/* One Data-Out with the whole of data for the R2T r2t (F=1, DataSN 0). */
static int answer_r2t(struct cts_conn *c, const struct iscsi_pdu *r2t,
		      const uint8_t *data, size_t len)
{
	struct iscsi_data_out_f d;
	struct iscsi_pdu o;
	int rc;

	memset(&d, 0, sizeof(d));
	d.final = true;
	memcpy(d.lun, r2t->bhs.lun, 8);
	d.itt = iscsi_bhs_itt(&r2t->bhs);
	d.ttt = iscsi_bhs_get32(&r2t->bhs, 20);
	d.exp_statsn = c->exp_statsn;
	iscsi_pdu_init(&o);
	iscsi_data_out_pack(&o.bhs, &d);
	rc = iscsi_pdu_set_data(&o, data, len) < 0 ? CTS_IO_ERROR
						   : cts_conn_send_pdu(c, &o);
	iscsi_pdu_release(&o);
	return rc;
}

CTS_TEST_D(rej_retry, "reject.command.retry-accepted", "7143 7.3; 7143 6.3",
	   CTS_MUST,
	   "after a Reject, the same command sent again correctly with its "
	   "ITT and CmdSN is executed",
	   "exec-rejected")
{
	const struct iscsi_url *u = s3_url2(ctx);
	struct cts_session *s;
	struct cts_conn *c;
	struct s3_scsi cmd;
	struct probe pr;
	struct iscsi_pdu p;
	uint8_t a[512], b[512], cdb[16];
	char seen[160];
	int rc;

	if (!u || !(s = s3_login(ctx, u, &no_immediate)))
		return;
	c = cts_session_conn(s);
	s3_pattern(a, sizeof(a), 13);
	s3_pattern(b, sizeof(b), 14);
	if (!send_bad_write(ctx, s, s3_lun(u), REJ_LBA_RETRY, a, b, cdb, &cmd,
			    &pr))
		return;
	if (pr.rc != CTS_IO_OK ||
	    iscsi_bhs_opcode(&pr.rsp.bhs) != ISCSI_OP_REJECT) {
		cts_skip(ctx, "the target did not answer with a Reject (%s)",
			 cts_io_str(pr.rc));
		return;
	}
	/* nothing else may come for the rejected command */
	iscsi_pdu_init(&p);
	rc = s3_recv(c, &p, S3_SILENCE_MS);
	if (rc == CTS_IO_OK && iscsi_bhs_itt(&p.bhs) == cmd.itt) {
		s3_describe(&p, seen, sizeof(seen));
		cts_fail(ctx, "nothing after the Reject", seen,
			 "WRITE(10) ITT 0x%x rejected: it was executed anyway",
			 cmd.itt);
		goto out;
	}
	/* §7.3: the rejected command's CmdSN was not consumed */
	cmd.data = NULL;
	cmd.len = 0;
	cmd.exp_statsn = c->exp_statsn;
	rc = s3_send_scsi(c, &cmd);
	s->cmdsn = cmd.cmdsn + 1u;
	while (!rc) {
		rc = cts_conn_recv_for(c, cmd.itt, &p, 1000);
		if (rc || iscsi_bhs_opcode(&p.bhs) != ISCSI_OP_R2T)
			break;
		rc = answer_r2t(c, &p, b, sizeof(b));
	}
	if (rc) {
		cts_fail(ctx, "SCSI Response GOOD", cts_io_str(rc),
			 "WRITE(10) sent again with ITT 0x%x CmdSN %u after "
			 "its Reject",
			 cmd.itt, cmd.cmdsn);
	} else if (iscsi_bhs_opcode(&p.bhs) != ISCSI_OP_SCSI_RSP ||
		   p.bhs.opspec1[1] != 0) {
		s3_describe(&p, seen, sizeof(seen));
		cts_fail(ctx, "SCSI Response GOOD", seen,
			 "WRITE(10) sent again with ITT 0x%x CmdSN %u after "
			 "its Reject",
			 cmd.itt, cmd.cmdsn);
	}
out:
	iscsi_pdu_release(&p);
}
