/* SPDX-License-Identifier: MIT */
/*
 * logout_tasks.c - Logout with work in progress and with several
 * connections (RFC 7143 §11.14): pending tasks end before the Logout
 * Response (completed with status, or terminated silently) and nothing
 * about them follows it; reason 0 closes every connection of the
 * session; reason 1 for another CID closes that connection only.
 */
#include <stdio.h>
#include <string.h>

#include "profile.h"
#include "s3_util.h"
#include "scsi.h"

static const struct cts_login_opts r2t_only = {
    .immediate_data = CTS_NO,
    .initial_r2t = CTS_YES,
};

CTS_TEST_D(lo_inflight, "logout.inflight.no-status-after-response",
	   "7143 11.14", CTS_MUST,
	   "a task pending at Logout ends before the Logout Response (status "
	   "before it, or terminated); nothing for it follows the response",
	   "logout-status-after-response")
{
	static uint8_t data[4096];
	const struct iscsi_url *u = s3_url2(ctx);
	struct cts_task_opts o = {.send_only = true};
	struct iscsi_logout_req_f f;
	struct cts_scsi_result r;
	struct cts_session *s;
	struct cts_conn *c;
	struct iscsi_pdu p;
	uint8_t cdb[16];
	bool got_rsp = false, status_before = false;
	char seen[160];
	int rc;

	if (!u || !(s = s3_login(ctx, u, &r2t_only)))
		return;
	c = cts_session_conn(s);
	/* a WRITE waiting for the Data-Out its R2T asks for */
	rc = cts_scsi_cmd(ctx, c, s3_lun(u), cdb,
			  scsi_cdb_write10(cdb, 160, 8, 0), sizeof(data), data,
			  NULL, &o, &r);
	if (rc) {
		cts_error(ctx, "WRITE(10): %s", cts_io_str(rc));
		return;
	}
	memset(&f, 0, sizeof(f));
	f.immediate = true;
	f.reason = 0;
	f.itt = cts_session_next_itt(s);
	f.cmdsn = s->cmdsn;
	f.exp_statsn = c->exp_statsn;
	iscsi_pdu_init(&p);
	iscsi_logout_req_pack(&p.bhs, &f);
	rc =
	    cts_conn_send_cmd(c, &p, CTS_CMD_KEEP_SN | CTS_CMD_IMMEDIATE, NULL);
	while (!rc) {
		rc = s3_recv(c, &p, 1000);
		if (rc)
			break;
		if (iscsi_bhs_itt(&p.bhs) == f.itt) {
			got_rsp = true;
			continue;
		}
		if (iscsi_bhs_itt(&p.bhs) != r.itt ||
		    (iscsi_bhs_opcode(&p.bhs) != ISCSI_OP_SCSI_RSP &&
		     iscsi_bhs_opcode(&p.bhs) != ISCSI_OP_DATA_IN))
			continue; /* the R2T, or anything else */
		if (got_rsp) {
			s3_describe(&p, seen, sizeof(seen));
			cts_fail(ctx,
				 "nothing for the task after the Logout "
				 "Response",
				 seen, "WRITE(10) ITT 0x%x pending at Logout",
				 r.itt);
			goto out;
		}
		status_before = true;
	}
	if (!got_rsp)
		cts_fail(ctx, "Logout Response", cts_io_str(rc),
			 "Logout reason 0 with a WRITE(10) pending");
	else if (rc == CTS_IO_TIMEOUT)
		cts_fail(ctx, "connection closed", "still open after 1 s",
			 "after the Logout Response");
	else
		cts_note(ctx, "the pending task was %s",
			 status_before ? "completed before the response"
				       : "terminated without status");
out:
	iscsi_pdu_release(&p);
}

/* Two logged-in connections of one session to the profile's mc_url. */
static struct cts_session *two_conns(struct cts_ctx *ctx,
				     struct cts_conn **second)
{
	const struct cts_profile *pr = cts_profile(ctx);
	struct cts_login_opts o;
	struct cts_session *s;
	int rc;

	if (!pr || !pr->has_mc_url) {
		cts_skip(ctx, "the profile has no mc_url (a target with "
			      "MaxConnections > 1)");
		return NULL;
	}
	memset(&o, 0, sizeof(o));
	o.url = &pr->mc_url;
	o.max_connections = 2;
	s = s3_login(ctx, &pr->mc_url, &o);
	if (!s)
		return NULL;
	if (s->agreed.max_connections < 2) {
		cts_skip(ctx, "MaxConnections=%u negotiated",
			 s->agreed.max_connections);
		return NULL;
	}
	rc = cts_session_add_conn(ctx, s, &o, second);
	if (rc) {
		cts_error(ctx, "second connection: %d (%s)", rc, s->err);
		return NULL;
	}
	return s;
}

/* Waits for c to be closed by the target (1 s); false after cts_fail. */
static bool closed_by_target(struct cts_ctx *ctx, struct cts_conn *c,
			     const char *what)
{
	struct iscsi_pdu p;
	char seen[160];
	int rc;

	iscsi_pdu_init(&p);
	do
		rc = s3_recv(c, &p, 1000);
	while (rc == CTS_IO_OK &&
	       iscsi_bhs_opcode(&p.bhs) == ISCSI_OP_LOGOUT_RSP);
	if (rc == CTS_IO_OK) {
		s3_describe(&p, seen, sizeof(seen));
		cts_fail(ctx, "connection closed", seen, "%s", what);
	} else if (rc == CTS_IO_TIMEOUT) {
		cts_fail(ctx, "connection closed", "still open after 1 s", "%s",
			 what);
	}
	iscsi_pdu_release(&p);
	return rc != CTS_IO_OK && rc != CTS_IO_TIMEOUT;
}

CTS_TEST_D(lo_session_all, "logout.session.closes-every-connection",
	   "7143 11.14.1", CTS_MUST,
	   "Logout reason 0 on one connection closes every connection of the "
	   "session",
	   "logout-keeps-connection")
{
	struct iscsi_logout_rsp_f f;
	struct cts_session *s;
	struct cts_conn *c, *c2;
	char seen[32];
	int rc;

	if (!(s = two_conns(ctx, &c2)))
		return;
	c = cts_session_conn(s);
	rc = cts_logout(ctx, c, 0, c->cid, &f);
	if (rc || f.response != 0) {
		snprintf(seen, sizeof(seen), "%s, Response %u", cts_io_str(rc),
			 f.response);
		cts_fail(ctx, "Response 0", seen,
			 "Logout reason 0 on CID %u of two", c->cid);
		return;
	}
	if (closed_by_target(ctx, c2,
			     "the other connection after Logout "
			     "reason 0"))
		closed_by_target(ctx, c,
				 "the connection that sent Logout "
				 "reason 0");
}

CTS_TEST_D(lo_other_cid, "logout.connection.other-cid", "7143 11.14.1",
	   CTS_MUST,
	   "Logout reason 1 for another CID closes that connection and keeps "
	   "the one it was sent on",
	   "logout-closes-wrong-connection")
{
	struct iscsi_logout_rsp_f f;
	struct cts_session *s;
	struct cts_conn *c, *c2;
	char seen[32];
	int rc;

	if (!(s = two_conns(ctx, &c2)))
		return;
	c = cts_session_conn(s);
	rc = cts_logout(ctx, c, 1, c2->cid, &f);
	if (rc || f.response != 0) {
		snprintf(seen, sizeof(seen), "%s, Response %u", cts_io_str(rc),
			 f.response);
		cts_fail(ctx, "Response 0", seen,
			 "Logout reason 1 for CID %u sent on CID %u", c2->cid,
			 c->cid);
		return;
	}
	if (closed_by_target(ctx, c2, "the connection logged out by CID"))
		s3_ping_ok(ctx, c, "logging out the other connection");
}
