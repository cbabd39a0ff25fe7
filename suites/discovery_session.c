/* SPDX-License-Identifier: MIT */
/*
 * discovery_session.c - what a discovery session may and may not carry
 * (RFC 7143 §4.3: only Text Requests with SendTargets and a Logout that
 * closes the session), a long SendTargets listing cut to the initiator's
 * MaxRecvDataSegmentLength, and SendTargets in a normal session
 * (Appendix C: the session's own target only; "All" is not supported).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "s2_util.h"
#include "scsi.h"

#define DISC_WAIT_MS 2000u

static struct cts_session *disc_login(struct cts_ctx *ctx, uint32_t mrdsl)
{
	const struct iscsi_url *u = s2_need_url(ctx, "discovery_url");

	return u ? s2_login(ctx, u, true, mrdsl) : NULL;
}

/* ---- §4.3: a discovery session rejects everything but Text and Logout ---- */

/* Judges what came for a forbidden request; true when it was rejected. */
static bool rejected(struct cts_ctx *ctx, const char *what,
		     const struct s2_reply *r, unsigned ok_op, uint8_t ok_rsp)
{
	char seen[160];

	if (r->io == CTS_IO_CLOSED || r->io == CTS_IO_RESET) {
		cts_note(ctx, "%s: the target ended the connection (%s)", what,
			 cts_io_str(r->io));
		return true;
	}
	if (!r->io && r->opcode == ISCSI_OP_REJECT) {
		cts_note(ctx, "%s: Reject reason 0x%02x", what,
			 r->reject_reason);
		return true;
	}
	/* a TMF Response "Function rejected" (255) or "not supported" */
	if (!r->io && r->opcode == ok_op && ok_op == ISCSI_OP_TMF_RSP) {
		struct iscsi_tmf_rsp_f t;

		iscsi_tmf_rsp_unpack(&r->pdu.bhs, &t);
		if (t.response == ok_rsp ||
		    t.response == ISCSI_TMF_RSP_NOT_SUPPORTED) {
			cts_note(ctx, "%s: TMF Response 0x%02x", what,
				 t.response);
			return true;
		}
	}
	s2_reply_str(r, seen, sizeof(seen));
	cts_fail(ctx, "a Reject (or the connection closed)", seen,
		 "%s in a discovery session", what);
	return false;
}

static void try_scsi(struct cts_ctx *ctx)
{
	struct cts_session *s = disc_login(ctx, 0);
	struct cts_scsi_result r;
	struct cts_task_opts o;
	uint8_t cdb[SCSI_CDB_MAX], buf[96];
	char seen[160];

	if (!s)
		return;
	memset(&o, 0, sizeof(o));
	o.timeout_ms = DISC_WAIT_MS;
	scsi_cdb_inquiry(cdb, false, 0, sizeof(buf));
	cts_scsi_cmd(ctx, cts_session_conn(s), 0, cdb, 6, sizeof(buf), NULL,
		     buf, &o, &r);
	if (r.rejected) {
		cts_note(ctx, "SCSI Command: Reject reason 0x%02x",
			 r.reject_reason);
		return;
	}
	if (r.io == CTS_IO_CLOSED || r.io == CTS_IO_RESET) {
		cts_note(ctx, "SCSI Command: the target ended the connection");
		return;
	}
	s2_status_str(&r, seen, sizeof(seen));
	if (r.got_status || r.n_data_in)
		cts_fail(ctx, "a Reject (or the connection closed)", seen,
			 "SCSI Command (INQUIRY) in a discovery session");
	else
		cts_error(ctx, "SCSI Command in a discovery session: %s",
			  seen);
}

static void try_tmf(struct cts_ctx *ctx)
{
	struct cts_session *s = disc_login(ctx, 0);
	struct iscsi_tmf_req_f f;
	struct s2_reply r;
	struct iscsi_pdu p;
	struct cts_conn *c;

	if (!s)
		return;
	c = cts_session_conn(s);
	memset(&f, 0, sizeof(f));
	f.function = ISCSI_TMF_ABORT_TASK_SET;
	f.itt = cts_session_next_itt(s);
	f.ref_task_tag = ISCSI_RSVD_TAG;
	iscsi_pdu_init(&p);
	iscsi_tmf_req_pack(&p.bhs, &f);
	s2_reply_init(&r);
	if (cts_conn_send_cmd(c, &p, CTS_CMD_IMMEDIATE, NULL) == CTS_IO_OK)
		s2_text_recv(c, &r, DISC_WAIT_MS);
	else
		r.io = CTS_IO_CLOSED;
	rejected(ctx, "Task Management Function Request (ABORT TASK SET)",
		 &r, ISCSI_OP_TMF_RSP, 0xff);
	s2_reply_free(&r);
	iscsi_pdu_release(&p);
}

static void try_snack(struct cts_ctx *ctx)
{
	struct cts_session *s = disc_login(ctx, 0);
	struct iscsi_snack_f f;
	struct s2_reply r;
	struct cts_conn *c;

	if (!s)
		return;
	c = cts_session_conn(s);
	memset(&f, 0, sizeof(f));
	f.type = ISCSI_SNACK_STATUS;
	f.itt = ISCSI_RSVD_TAG;
	f.ttt = 0;
	f.begrun = 0;
	f.runlength = 0;
	s2_reply_init(&r);
	if (cts_snack(ctx, c, &f) == CTS_IO_OK)
		s2_text_recv(c, &r, DISC_WAIT_MS);
	else
		r.io = CTS_IO_CLOSED;
	rejected(ctx, "SNACK Request (Status)", &r, CTS_ANY, 0);
	s2_reply_free(&r);
}

CTS_TEST_D(disc_rejects_other, "discovery.session.rejects-other-requests",
	   "7143 4.3; 3720 3.3", CTS_MUST,
	   "a discovery session rejects SCSI Commands, task management "
	   "requests and SNACKs",
	   "discovery-allows-scsi")
{
	/* each on a discovery session of its own: a target may end the
	 * connection instead of sending a Reject */
	try_scsi(ctx);
	if (!cts_failed(ctx))
		try_tmf(ctx);
	if (!cts_failed(ctx))
		try_snack(ctx);
}

CTS_TEST_D(disc_logout, "discovery.session.logout-closes",
	   "7143 4.3, 11.14, 11.15; 3720 3.3, 10.14, 10.15", CTS_MUST,
	   "Logout (close the session) in a discovery session is answered "
	   "with response 0 and the connection then closes",
	   "logout-keeps-connection")
{
	struct cts_session *s = disc_login(ctx, 0);
	struct iscsi_logout_rsp_f rsp;
	struct iscsi_pdu p;
	struct cts_conn *c;
	char seen[160];
	int rc;

	if (!s)
		return;
	c = cts_session_conn(s);
	rc = cts_logout(ctx, c, ISCSI_LOGOUT_CLOSE_SESSION, c->cid, &rsp);
	if (rc) {
		cts_fail(ctx, "Logout Response", cts_io_str(rc),
			 "Logout Request (reason 0) in a discovery session: "
			 "%s", cts_conn_error(c));
		return;
	}
	if (rsp.response != 0) {
		snprintf(seen, sizeof(seen), "response 0x%02x", rsp.response);
		cts_fail(ctx, "response 0 (closed successfully)", seen,
			 "Logout Response in a discovery session");
		return;
	}
	iscsi_pdu_init(&p);
	rc = cts_conn_expect_silence(c, &p, DISC_WAIT_MS);
	iscsi_pdu_release(&p);
	if (rc != CTS_IO_CLOSED && rc != CTS_IO_RESET)
		cts_fail(ctx, "the connection closed", cts_io_str(rc),
			 "%u ms after a successful Logout Response",
			 DISC_WAIT_MS);
}

/* ---- a long listing and the initiator's MaxRecvDataSegmentLength ---------- */

#define DISC_MRDSL 512u

CTS_TEST_D(disc_split_mrdsl, "discovery.sendtargets.split-within-mrdsl",
	   "7143 11.11.6, 11.11.2, 13.12, App. C; 3720 10.11.6, 12.12",
	   CTS_MUST,
	   "a SendTargets listing longer than the initiator's "
	   "MaxRecvDataSegmentLength (512) comes in pieces of at most 512 "
	   "bytes, joined with the C bit and the TTT",
	   "text-over-initiator-mrdsl")
{
	struct cts_session *s = disc_login(ctx, DISC_MRDSL);
	static const uint8_t req[] = "SendTargets=All";
	struct s2_collect x;
	struct iscsi_text t;
	char why[256], seen[64];

	if (!s)
		return;
	s2_collect_init(&x);
	iscsi_text_init(&t);
	if (s2_text_collect(cts_session_conn(s), req, sizeof(req), 32, &x, why,
			    sizeof(why)) < 0) {
		cts_fail(ctx, "Text Responses ending with F=1", why,
			 "SendTargets=All with MaxRecvDataSegmentLength=%u",
			 DISC_MRDSL);
		goto out;
	}
	for (size_t i = 0; i < x.n; i++) {
		if (x.p[i].len > DISC_MRDSL) {
			snprintf(seen, sizeof(seen), "%zu bytes in piece %zu",
				 x.p[i].len, i + 1);
			cts_fail(ctx, "at most 512 bytes", seen,
				 "Text Response data to SendTargets=All");
			goto out;
		}
	}
	if (s2_collect_text(&x, &t, why, sizeof(why)) < 0 ||
	    !iscsi_text_find(&t, "TargetName")) {
		cts_fail(ctx, "TargetName records", why,
			 "the joined SendTargets=All response");
		goto out;
	}
	if (x.len <= DISC_MRDSL)
		cts_note(ctx, "the listing (%zu bytes) fits one PDU: "
			      "continuation not exercised", x.len);
	else
		cts_note(ctx, "%zu bytes in %zu Text Responses", x.len, x.n);
out:
	iscsi_text_free(&t);
	s2_collect_free(&x);
}

/* ---- SendTargets in a normal session (Appendix C) ------------------------- */

static void free_recs(void *arg)
{
	free(arg);
}

/* SendTargets=what on a normal session to url: records, or a Reject PDU
 * (*rejected).  false after cts_error. */
static bool normal_st(struct cts_ctx *ctx, const char *what,
		      struct cts_target_rec **recs, size_t *n,
		      bool *was_rejected, const struct iscsi_url **u)
{
	struct cts_session *s;
	int rc;

	*was_rejected = false;
	*u = s2_need_url(ctx, "url");
	if (!*u || !(s = s2_login(ctx, *u, false, 0)))
		return false;
	rc = cts_sendtargets(ctx, s, what, recs, n);
	if (rc == CTS_IO_ERROR &&
	    strstr(s->err, "Text Request rejected")) {
		*was_rejected = true;
		*recs = NULL;
		*n = 0;
		return true;
	}
	if (rc == CTS_IO_CLOSED || rc == CTS_IO_RESET) {
		/* App. C: a target MUST support SendTargets in a normal
		 * session; dropping the connection answers nothing */
		cts_fail(ctx, "a Text Response (or a Reject PDU)",
			 cts_io_str(rc),
			 "Text Request SendTargets=%s in a normal session: %s",
			 what, s->err);
		return false;
	}
	if (rc) {
		cts_error(ctx, "SendTargets=%s: %s (%s)", what, cts_io_str(rc),
			  s->err);
		return false;
	}
	cts_defer(ctx, free_recs, *recs);
	return true;
}

CTS_TEST_D(disc_normal_empty, "discovery.normal.empty-lists-own-target",
	   "7143 App. C; 3720 App. D", CTS_MUST,
	   "SendTargets= (empty) in a normal session lists the session's "
	   "target and no other",
	   "sendtargets-normal-lists-all")
{
	const struct iscsi_url *u;
	struct cts_target_rec *recs;
	size_t n;
	bool rj;
	char seen[ISCSI_VALUE_MAX + 64];

	if (!normal_st(ctx, "", &recs, &n, &rj, &u))
		return;
	if (rj) {
		cts_fail(ctx, u->target, "a Reject PDU",
			 "Text Response to SendTargets= in a normal session");
		return;
	}
	if (n != 1 || strcmp(recs[0].name, u->target) != 0) {
		snprintf(seen, sizeof(seen), "%zu records, first %s", n,
			 n ? recs[0].name : "none");
		cts_fail(ctx, u->target, seen,
			 "Text Response to SendTargets= in a normal session");
		return;
	}
	cts_note(ctx, "%zu address(es) for %s", recs[0].naddr, u->target);
}

CTS_TEST_D(disc_normal_all, "discovery.normal.all-not-supported",
	   "7143 App. C; 3720 App. D", CTS_MUST,
	   "SendTargets=All is not supported in a normal session: it lists "
	   "no target other than the session's",
	   "sendtargets-normal-lists-all")
{
	const struct iscsi_url *u;
	struct cts_target_rec *recs;
	size_t n;
	bool rj;

	if (!normal_st(ctx, "All", &recs, &n, &rj, &u))
		return;
	if (rj) {
		cts_note(ctx, "answered with a Reject PDU");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (strcmp(recs[i].name, u->target) != 0) {
			cts_fail(ctx, "no other target (SendTargets=Reject "
				      "or nothing)", recs[i].name,
				 "Text Response to SendTargets=All in a "
				 "normal session to %s", u->target);
			return;
		}
	}
	cts_note(ctx, n ? "answered with the session's own target only" :
			  "answered without records (SendTargets=Reject or "
			  "nothing)");
}

CTS_TEST_D(disc_normal_other, "discovery.normal.other-name-hidden",
	   "7143 App. C; 3720 App. D", CTS_MUST,
	   "SendTargets=<another target's name> in a normal session does "
	   "not list that other target",
	   "sendtargets-normal-lists-all")
{
	const struct cts_profile *p = cts_profile(ctx);
	const struct iscsi_url *u = s2_need_url(ctx, "url");
	/* any target of the profile other than url's will do */
	const struct iscsi_url *cand[4] = {
		p && p->has_nolun0_url ? &p->nolun0_url : NULL,
		p && p->has_mc_url ? &p->mc_url : NULL,
		p && p->has_chap_url ? &p->chap_url : NULL,
		p && p->has_mutual_url ? &p->mutual_url : NULL,
	};
	const char *other = NULL;
	const struct iscsi_url *u2;
	struct cts_target_rec *recs;
	size_t n;
	bool rj;

	if (!u)
		return;
	for (size_t i = 0; i < 4 && !other; i++)
		if (cand[i] && cand[i]->target[0] &&
		    strcmp(cand[i]->target, u->target) != 0)
			other = cand[i]->target;
	if (!other) {
		cts_skip(ctx, "the profile has no nolun0_url, mc_url, chap_url "
			      "or mutual_url naming a target other than url's");
		return;
	}
	if (!normal_st(ctx, other, &recs, &n, &rj, &u2))
		return;
	if (rj) {
		cts_note(ctx, "answered with a Reject PDU");
		return;
	}
	if (s2_rec_find(recs, n, other))
		cts_fail(ctx, "no record of another target", other,
			 "Text Response to SendTargets=%s in a normal "
			 "session to %s", other, u->target);
}
