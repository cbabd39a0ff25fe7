/* SPDX-License-Identifier: MIT */
/*
 * logout.c - Logout Request and Response (RFC 7143 §11.14, §11.15):
 * reason 0 closes the session, reason 1 a connection (response 1 for an
 * unknown CID), reason 2 needs ErrorRecoveryLevel 2 (response 2 below);
 * the target closes the connection after a successful Logout Response
 * and answers nothing more on it; pending tasks end before the response;
 * Time2Wait/Time2Retain stay within their key ranges.
 */
#include <stdio.h>
#include <string.h>

#include "profile.h"
#include "s3_util.h"
#include "scsi.h"

/* A Logout Request with these numbers; the response into rsp. */
static int logout_raw(struct cts_conn *c, uint8_t reason, uint16_t cid,
		      bool immediate, uint32_t *itt_out, struct iscsi_pdu *rsp)
{
	struct cts_session *s = c->sess;
	struct iscsi_logout_req_f f;
	struct iscsi_pdu p;
	int rc;

	memset(&f, 0, sizeof(f));
	f.immediate = immediate;
	f.reason = reason;
	f.cid = cid;
	f.itt = cts_session_next_itt(s);
	f.cmdsn = s->cmdsn;
	f.exp_statsn = c->exp_statsn;
	*itt_out = f.itt;
	iscsi_pdu_init(&p);
	iscsi_logout_req_pack(&p.bhs, &f);
	rc = cts_conn_send_cmd(
	    c, &p, CTS_CMD_KEEP_SN | (immediate ? CTS_CMD_IMMEDIATE : 0u),
	    NULL);
	iscsi_pdu_release(&p);
	if (!immediate)
		s->cmdsn++;
	if (rc)
		return rc;
	return cts_conn_recv_for(c, f.itt, rsp, 1000);
}

/* After a successful Logout Response the target closes the connection:
 * a FIN (or RST) within 1 s, with nothing before it (§11.14). */
static void expect_closed(struct cts_ctx *ctx, struct cts_conn *c,
			  const char *what)
{
	struct iscsi_pdu p;
	char seen[160];
	int rc;

	iscsi_pdu_init(&p);
	rc = s3_recv(c, &p, 1000);
	if (rc == CTS_IO_OK) {
		s3_describe(&p, seen, sizeof(seen));
		cts_fail(ctx, "connection closed, nothing more sent", seen,
			 "after %s", what);
	} else if (rc == CTS_IO_TIMEOUT) {
		cts_fail(ctx, "connection closed", "still open after 1 s",
			 "after %s", what);
	}
	iscsi_pdu_release(&p);
}

/* Checks the response code of rsp; false after cts_fail. */
static bool response_is(struct cts_ctx *ctx, const struct iscsi_pdu *rsp,
			uint8_t want, const char *what)
{
	char e[32], seen[160];

	if (iscsi_bhs_opcode(&rsp->bhs) != ISCSI_OP_LOGOUT_RSP) {
		s3_describe(rsp, seen, sizeof(seen));
		cts_fail(ctx, "Logout Response", seen, "%s", what);
		return false;
	}
	if (rsp->bhs.opspec1[0] == want)
		return true;
	snprintf(e, sizeof(e), "Response %u", want);
	snprintf(seen, sizeof(seen), "Response %u", rsp->bhs.opspec1[0]);
	cts_fail(ctx, e, seen, "Logout Response to %s", what);
	return false;
}

/* Sends the logout and checks its response; false after a verdict. */
static bool logout_expect(struct cts_ctx *ctx, struct cts_conn *c,
			  uint8_t reason, uint16_t cid, bool immediate,
			  uint8_t want, struct iscsi_pdu *rsp, const char *what)
{
	uint32_t itt;
	int rc = logout_raw(c, reason, cid, immediate, &itt, rsp);

	if (rc) {
		cts_fail(ctx, "Logout Response", cts_io_str(rc), "%s", what);
		return false;
	}
	return response_is(ctx, rsp, want, what);
}

CTS_TEST_D(lo_session, "logout.session.closes", "7143 11.14.1; 7143 11.15.1",
	   CTS_MUST,
	   "Logout reason 0 (close the session) gets response 0 and the target "
	   "closes the connection",
	   "logout-keeps-connection")
{
	struct cts_session *s = s3_login(ctx, NULL, NULL);
	struct iscsi_pdu rsp;
	const char *what = "Logout reason 0 (close the session)";

	if (!s)
		return;
	iscsi_pdu_init(&rsp);
	if (logout_expect(ctx, cts_session_conn(s), 0, 0, true, 0, &rsp, what))
		expect_closed(ctx, cts_session_conn(s), what);
	iscsi_pdu_release(&rsp);
}

CTS_TEST_D(lo_own_cid, "logout.connection.own-cid",
	   "7143 11.14.1; 7143 11.15.1", CTS_MUST,
	   "Logout reason 1 for the connection's own CID gets response 0 and "
	   "the connection is closed",
	   "logout-keeps-connection")
{
	struct cts_session *s = s3_login(ctx, NULL, NULL);
	struct iscsi_pdu rsp;
	struct cts_conn *c;
	const char *what = "Logout reason 1 (close the connection), own CID";

	if (!s)
		return;
	c = cts_session_conn(s);
	iscsi_pdu_init(&rsp);
	if (logout_expect(ctx, c, 1, c->cid, true, 0, &rsp, what))
		expect_closed(ctx, c, what);
	iscsi_pdu_release(&rsp);
}

CTS_TEST_D(lo_unknown_cid, "logout.connection.unknown-cid",
	   "7143 11.15.1; 3720 10.15.1", CTS_MUST,
	   "Logout reason 1 for a CID not in the session gets response 1 (CID "
	   "not found); the connection keeps working",
	   "logout-unknown-cid-ok")
{
	struct cts_session *s = s3_login(ctx, NULL, NULL);
	struct iscsi_pdu rsp;
	struct cts_conn *c;

	if (!s)
		return;
	c = cts_session_conn(s);
	iscsi_pdu_init(&rsp);
	if (logout_expect(ctx, c, 1, 0x7777, true, 1, &rsp,
			  "Logout reason 1 for CID 0x7777 (not in the "
			  "session)"))
		s3_ping_ok(ctx, c, "a Logout answered \"CID not found\"");
	iscsi_pdu_release(&rsp);
}

CTS_TEST_D(lo_recovery_erl0, "logout.recovery.not-supported-erl0",
	   "7143 11.15.1; 7143 13.20", CTS_MUST,
	   "Logout reason 2 (remove for recovery) at ErrorRecoveryLevel 0 gets "
	   "response 2 (recovery not supported)",
	   "logout-recovery-at-erl0")
{
	struct cts_session *s = s3_login(ctx, NULL, NULL);
	struct iscsi_pdu rsp;
	struct cts_conn *c;

	if (!s)
		return;
	if (s->agreed.erl != 0) {
		cts_error(ctx, "ErrorRecoveryLevel %u negotiated, 0 expected",
			  s->agreed.erl);
		return;
	}
	c = cts_session_conn(s);
	iscsi_pdu_init(&rsp);
	logout_expect(ctx, c, 2, c->cid, true, 2, &rsp,
		      "Logout reason 2 at ErrorRecoveryLevel 0");
	iscsi_pdu_release(&rsp);
}

CTS_TEST_D(lo_times, "logout.recovery.times-in-range",
	   "7143 11.15.2; 7143 11.15.3; 7143 13.15; 7143 13.16", CTS_SHOULD,
	   "Time2Wait and Time2Retain of a Logout Response code 2 lie within "
	   "0..3600 like the keys they come from",
	   "logout-times-out-of-range")
{
	struct cts_session *s = s3_login(ctx, NULL, NULL);
	struct iscsi_logout_rsp_f f;
	struct iscsi_pdu rsp;
	struct cts_conn *c;
	char seen[64];
	uint32_t itt;
	int rc;

	if (!s)
		return;
	c = cts_session_conn(s);
	iscsi_pdu_init(&rsp);
	rc = logout_raw(c, 2, c->cid, true, &itt, &rsp);
	if (rc) {
		cts_fail(ctx, "Logout Response", cts_io_str(rc),
			 "Logout reason 2 at ErrorRecoveryLevel 0");
		goto out;
	}
	iscsi_logout_rsp_unpack(&rsp.bhs, &f);
	if (f.response != 2) {
		/* the code itself is logout.recovery.not-supported-erl0's
		 * verdict; this test only judges the times of a code 2 */
		cts_skip(ctx, "the target answered Logout reason 2 with "
			      "response %u, not 2: no Time2Wait/Time2Retain of "
			      "a code 2 to check", f.response);
		goto out;
	}
	snprintf(seen, sizeof(seen), "Time2Wait %u, Time2Retain %u",
		 f.time2wait, f.time2retain);
	if (f.time2wait > 3600 || f.time2retain > 3600) {
		cts_fail(ctx, "both in 0..3600", seen,
			 "Logout Response code 2");
		goto out;
	}
	cts_note(ctx,
		 "%s (negotiated DefaultTime2Wait %u, "
		 "DefaultTime2Retain %u)",
		 seen, s->agreed.default_time2wait,
		 s->agreed.default_time2retain);
out:
	iscsi_pdu_release(&rsp);
}

/* A ping so that ExpCmdSN is known to equal the session's next CmdSN. */
static bool settle(struct cts_ctx *ctx, struct cts_conn *c)
{
	struct cts_nop_result r;
	int rc = cts_nop_ping(ctx, c, NULL, 0, 0, &r);

	if (rc)
		cts_error(ctx, "NOP-Out ping before the logout: %s",
			  cts_io_str(rc));
	return rc == CTS_IO_OK;
}

CTS_TEST_D(lo_immediate, "logout.immediate.accepted",
	   "7143 11.14; 7143 4.2.2.1", CTS_MUST,
	   "an immediate Logout is accepted and does not advance ExpCmdSN",
	   "immediate-advances-cmdsn")
{
	struct cts_session *s = s3_login(ctx, NULL, NULL);
	struct iscsi_pdu rsp;
	struct cts_conn *c;
	uint32_t exp;
	char e[32], seen[32];

	if (!s)
		return;
	c = cts_session_conn(s);
	if (!settle(ctx, c))
		return;
	exp = s->cmdsn;
	iscsi_pdu_init(&rsp);
	if (logout_expect(ctx, c, 0, 0, true, 0, &rsp,
			  "an immediate Logout reason 0")) {
		snprintf(e, sizeof(e), "ExpCmdSN %u", exp);
		snprintf(seen, sizeof(seen), "ExpCmdSN %u",
			 iscsi_bhs_get32(&rsp.bhs, 28));
		if (iscsi_bhs_get32(&rsp.bhs, 28) != exp)
			cts_fail(ctx, e, seen,
				 "Logout Response to an immediate Logout with "
				 "CmdSN %u",
				 exp);
	}
	iscsi_pdu_release(&rsp);
}

CTS_TEST_D(lo_non_immediate, "logout.non-immediate.accepted",
	   "7143 11.14; 7143 4.2.2.1", CTS_MUST,
	   "a non-immediate Logout is accepted in CmdSN order, answered with "
	   "response 0 and the connection closed",
	   "logout-keeps-connection")
{
	struct cts_session *s = s3_login(ctx, NULL, NULL);
	struct iscsi_pdu rsp;
	struct cts_conn *c;
	const char *what = "a non-immediate Logout reason 0";

	if (!s)
		return;
	c = cts_session_conn(s);
	iscsi_pdu_init(&rsp);
	if (logout_expect(ctx, c, 0, 0, false, 0, &rsp, what))
		expect_closed(ctx, c, what);
	iscsi_pdu_release(&rsp);
}

CTS_TEST_D(lo_nothing_after, "logout.after.nothing-answered", "7143 11.14",
	   CTS_MUST,
	   "a command sent after the Logout Response gets no SCSI Response",
	   "logout-keeps-connection")
{
	struct cts_session *s = s3_login(ctx, NULL, NULL);
	struct iscsi_pdu rsp, p;
	struct cts_conn *c;
	struct s3_scsi cmd;
	uint8_t cdb[16];
	char seen[160];
	int rc;

	if (!s)
		return;
	c = cts_session_conn(s);
	iscsi_pdu_init(&rsp);
	iscsi_pdu_init(&p);
	if (!logout_expect(ctx, c, 0, 0, true, 0, &rsp, "Logout reason 0"))
		goto out;
	memset(&cmd, 0, sizeof(cmd));
	cmd.itt = cts_session_next_itt(s);
	cmd.cmdsn = s->cmdsn;
	cmd.exp_statsn = c->exp_statsn;
	cmd.cdb = cdb;
	cmd.cdb_len = scsi_cdb_test_unit_ready(cdb);
	if (s3_send_scsi(c, &cmd) != CTS_IO_OK) {
		cts_note(ctx, "the connection was already closed");
		goto out;
	}
	rc = s3_recv(c, &p, S3_SILENCE_MS);
	if (rc == CTS_IO_OK) {
		s3_describe(&p, seen, sizeof(seen));
		cts_fail(ctx, "nothing (connection closing)", seen,
			 "TEST UNIT READY ITT 0x%x sent after the Logout "
			 "Response",
			 cmd.itt);
	} else {
		cts_note(ctx, "%s",
			 rc == CTS_IO_TIMEOUT ? "silence"
					      : "connection closed");
	}
out:
	iscsi_pdu_release(&p);
	iscsi_pdu_release(&rsp);
}

CTS_TEST_D(lo_statsn, "logout.response.statsn", "7143 11.15; 7143 4.2.2.2",
	   CTS_MUST,
	   "the Logout Response echoes the request's ITT and carries the next "
	   "StatSN",
	   "statsn-skip")
{
	struct cts_session *s = s3_login(ctx, NULL, NULL);
	struct cts_scsi_result r;
	struct iscsi_pdu rsp;
	struct cts_conn *c;
	uint8_t cdb[16];
	uint32_t want, itt;
	char e[32], seen[32];
	int rc;

	if (!s)
		return;
	c = cts_session_conn(s);
	rc = cts_scsi_cmd(ctx, c, 0, cdb, scsi_cdb_test_unit_ready(cdb), 0,
			  NULL, NULL, NULL, &r);
	if (rc || r.npdus < 2) {
		cts_error(ctx, "TEST UNIT READY: %s", cts_io_str(rc));
		return;
	}
	want = iscsi_bhs_get32(&r.pdus[r.npdus - 1].bhs, 24) + 1u;
	iscsi_pdu_init(&rsp);
	rc = logout_raw(c, 0, 0, true, &itt, &rsp);
	if (rc) {
		cts_fail(ctx, "Logout Response", cts_io_str(rc),
			 "Logout reason 0 ITT 0x%x", itt);
	} else if (iscsi_bhs_itt(&rsp.bhs) != itt ||
		   iscsi_bhs_opcode(&rsp.bhs) != ISCSI_OP_LOGOUT_RSP) {
		s3_describe(&rsp, seen, sizeof(seen));
		snprintf(e, sizeof(e), "Logout Response ITT 0x%x", itt);
		cts_fail(ctx, e, seen, "Logout reason 0");
	} else if (iscsi_bhs_get32(&rsp.bhs, 24) != want) {
		snprintf(e, sizeof(e), "StatSN %u", want);
		snprintf(seen, sizeof(seen), "StatSN %u",
			 iscsi_bhs_get32(&rsp.bhs, 24));
		cts_fail(ctx, e, seen,
			 "Logout Response after the SCSI Response with StatSN "
			 "%u",
			 want - 1u);
	}
	iscsi_pdu_release(&rsp);
}
