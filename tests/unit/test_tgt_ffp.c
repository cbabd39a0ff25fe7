/* SPDX-License-Identifier: MIT */
/*
 * test_tgt_ffp.c - the reference target's full feature phase: command
 * window (§4.2.2.1), NOP (§11.18-19), Reject (§11.17), Logout (§11.14-15),
 * Task Management (§11.5-6) and SNACK at ERL 0 (§11.16).
 */
#include <string.h>

#include "test_tgt_ffp_util.h"
#include "unit.h"

static uint32_t rsp_u32(const struct iscsi_pdu *p, size_t off)
{
	return iscsi_get32((const uint8_t *)&p->bhs + off);
}

/* Sends a NOP-Out ping and expects its NOP-In (returns its ExpCmdSN). */
static uint32_t ping_ok(struct fixture *fx, uint32_t itt, uint32_t cmdsn,
			bool immediate)
{
	struct iscsi_pdu r;
	uint32_t exp;

	CU_ASSERT_EQUAL_FATAL(tf_nop(fx, immediate, itt, ISCSI_RSVD_TAG, cmdsn,
				     NULL, 0), 0);
	CU_ASSERT_EQUAL_FATAL(tf_recv_op(fx, &r, ISCSI_OP_NOP_IN), 0);
	CU_ASSERT_EQUAL(iscsi_bhs_itt(&r.bhs), itt);
	exp = rsp_u32(&r, 28);
	iscsi_pdu_release(&r);
	return exp;
}

/* §4.2.2.1: a non-immediate command outside [ExpCmdSN, MaxCmdSN] is
 * silently ignored. */
static void window_out_of_window_ignored(void)
{
	struct fixture *fx = tf_start(NULL, NULL, NULL);
	struct iscsi_pdu r;
	uint32_t sn;

	CU_ASSERT_FATAL(fx != NULL);
	sn = fx->cmdsn;
	CU_ASSERT_EQUAL(tf_nop(fx, false, 0x10, ISCSI_RSVD_TAG, sn + 100000u,
			       NULL, 0), 0);
	CU_ASSERT_EQUAL(fixture_recv_pdu(fx, &r, TF_QUIET), -1);
	CU_ASSERT_EQUAL(tf_nop(fx, false, 0x11, ISCSI_RSVD_TAG, sn - 1u, NULL,
			       0), 0);
	CU_ASSERT_EQUAL(fixture_recv_pdu(fx, &r, TF_QUIET), -1);
	/* the window did not move: CmdSN sn is still the expected one */
	CU_ASSERT_EQUAL(ping_ok(fx, 0x12, sn, false), sn + 1u);
	fixture_free(fx);
}

/* §4.2.2.1: a command ahead of ExpCmdSN waits for the gap, then both run
 * in CmdSN order. */
static void window_held_until_gap_fills(void)
{
	struct fixture *fx = tf_start(NULL, NULL, NULL);
	struct iscsi_pdu r;
	uint32_t sn;

	CU_ASSERT_FATAL(fx != NULL);
	sn = fx->cmdsn;
	CU_ASSERT_EQUAL(tf_nop(fx, false, 0x21, ISCSI_RSVD_TAG, sn + 1u, NULL,
			       0), 0);
	CU_ASSERT_EQUAL(fixture_recv_pdu(fx, &r, TF_QUIET), -1);
	CU_ASSERT_EQUAL(tf_nop(fx, false, 0x20, ISCSI_RSVD_TAG, sn, NULL, 0),
			0);
	CU_ASSERT_EQUAL_FATAL(tf_recv_op(fx, &r, ISCSI_OP_NOP_IN), 0);
	CU_ASSERT_EQUAL(iscsi_bhs_itt(&r.bhs), 0x20u);
	iscsi_pdu_release(&r);
	CU_ASSERT_EQUAL_FATAL(tf_recv_op(fx, &r, ISCSI_OP_NOP_IN), 0);
	CU_ASSERT_EQUAL(iscsi_bhs_itt(&r.bhs), 0x21u);
	CU_ASSERT_EQUAL(rsp_u32(&r, 28), sn + 2u); /* ExpCmdSN */
	iscsi_pdu_release(&r);
	fixture_free(fx);
}

/* §4.2.2.1: immediate commands do not advance ExpCmdSN. */
static void immediate_does_not_advance_expcmdsn(void)
{
	struct fixture *fx = tf_start(NULL, NULL, NULL);
	uint32_t sn;

	CU_ASSERT_FATAL(fx != NULL);
	sn = fx->cmdsn;
	CU_ASSERT_EQUAL(ping_ok(fx, 0x30, sn, true), sn);
	CU_ASSERT_EQUAL(ping_ok(fx, 0x31, sn, false), sn + 1u);
	fixture_free(fx);
}

/* The defect immediate-advances-cmdsn breaks exactly that rule. */
static void immediate_defect_advances_expcmdsn(void)
{
	const char *const d[] = {"immediate-advances-cmdsn", NULL};
	struct fixture *fx = tf_start(NULL, NULL, d);
	uint32_t sn;

	CU_ASSERT_FATAL(fx != NULL);
	sn = fx->cmdsn;
	CU_ASSERT_EQUAL(ping_ok(fx, 0x32, sn, true), sn + 1u);
	fixture_free(fx);
}

/* §4.2.2.1: MaxCmdSN never moves backwards; window = queue depth. */
static void maxcmdsn_never_backwards(void)
{
	struct fixture *fx = tf_start(NULL, NULL, NULL);
	struct iscsi_pdu r;
	uint32_t sn, max1;

	CU_ASSERT_FATAL(fx != NULL);
	sn = fx->cmdsn;
	CU_ASSERT_EQUAL(tf_nop(fx, false, 0x40, ISCSI_RSVD_TAG, sn, NULL, 0),
			0);
	CU_ASSERT_EQUAL_FATAL(tf_recv_op(fx, &r, ISCSI_OP_NOP_IN), 0);
	max1 = rsp_u32(&r, 32);
	iscsi_pdu_release(&r);
	CU_ASSERT(max1 - (sn + 1u) + 1u >= 64u); /* at least 64 open */
	CU_ASSERT_EQUAL(tf_nop(fx, true, 0x41, ISCSI_RSVD_TAG, sn + 1u, NULL,
			       0), 0);
	CU_ASSERT_EQUAL_FATAL(tf_recv_op(fx, &r, ISCSI_OP_NOP_IN), 0);
	CU_ASSERT(rsp_u32(&r, 32) - max1 < 0x80000000u);
	iscsi_pdu_release(&r);
	fixture_free(fx);
}

/* §11.19: a ping is answered with its ITT, TTT 0xffffffff, its data
 * echoed, and StatSN advancing by one per response. */
static void nop_ping_echoes_data(void)
{
	struct fixture *fx = tf_start(NULL, NULL, NULL);
	struct iscsi_pdu r;
	uint32_t statsn;

	CU_ASSERT_FATAL(fx != NULL);
	CU_ASSERT_EQUAL(tf_nop(fx, true, 0x50, ISCSI_RSVD_TAG, fx->cmdsn,
			       "hello", 5), 0);
	CU_ASSERT_EQUAL_FATAL(tf_recv_op(fx, &r, ISCSI_OP_NOP_IN), 0);
	CU_ASSERT_EQUAL(iscsi_bhs_itt(&r.bhs), 0x50u);
	CU_ASSERT_EQUAL(rsp_u32(&r, 20), 0xffffffffu);
	CU_ASSERT_EQUAL(r.data_len, 5u);
	CU_ASSERT(r.data && memcmp(r.data, "hello", 5) == 0);
	statsn = rsp_u32(&r, 24);
	iscsi_pdu_release(&r);
	CU_ASSERT_EQUAL(tf_nop(fx, true, 0x51, ISCSI_RSVD_TAG, fx->cmdsn,
			       NULL, 0), 0);
	CU_ASSERT_EQUAL_FATAL(tf_recv_op(fx, &r, ISCSI_OP_NOP_IN), 0);
	CU_ASSERT_EQUAL(rsp_u32(&r, 24), statsn + 1u);
	iscsi_pdu_release(&r);
	fixture_free(fx);
}

/* §11.18: ITT 0xffffffff needs the I bit; otherwise a Reject (0x04)
 * carrying the complete header (§11.17.4), ITT 0xffffffff. */
static void nop_reserved_itt_needs_immediate(void)
{
	struct fixture *fx = tf_start(NULL, NULL, NULL);
	struct iscsi_bhs_reject *w;
	struct iscsi_pdu r;

	CU_ASSERT_FATAL(fx != NULL);
	CU_ASSERT_EQUAL(tf_nop(fx, false, ISCSI_RSVD_TAG, ISCSI_RSVD_TAG,
			       fx->cmdsn, NULL, 0), 0);
	CU_ASSERT_EQUAL_FATAL(tf_recv_op(fx, &r, ISCSI_OP_REJECT), 0);
	w = (struct iscsi_bhs_reject *)&r.bhs;
	CU_ASSERT_EQUAL(w->reason, 0x04);
	CU_ASSERT_EQUAL(iscsi_bhs_itt(&r.bhs), 0xffffffffu);
	CU_ASSERT_EQUAL(r.data_len, 48u);
	CU_ASSERT(r.data && r.data[0] == 0x00 && iscsi_get32(r.data + 16) ==
						       0xffffffffu);
	iscsi_pdu_release(&r);
	/* and the answer to a ping of ours (I=1) gets no reply at all */
	CU_ASSERT_EQUAL(tf_nop(fx, true, ISCSI_RSVD_TAG, ISCSI_RSVD_TAG,
			       fx->cmdsn, NULL, 0), 0);
	CU_ASSERT_EQUAL(fixture_recv_pdu(fx, &r, TF_QUIET), -1);
	fixture_free(fx);
}

/* §11.17.1 0x05: an opcode the target does not support; the Reject
 * carries the 48 bytes of the offending BHS. */
static void reject_unknown_opcode_carries_header(void)
{
	struct fixture *fx = tf_start(NULL, NULL, NULL);
	uint8_t bhs[48];
	struct iscsi_pdu r;

	CU_ASSERT_FATAL(fx != NULL);
	memset(bhs, 0, sizeof(bhs));
	bhs[0] = 0x40 | 0x1c; /* a vendor-specific initiator opcode */
	bhs[1] = 0x80;
	iscsi_put32(bhs + 16, 0xabcd0001u);
	CU_ASSERT_EQUAL(fixture_send_raw(fx, bhs, sizeof(bhs)), 0);
	CU_ASSERT_EQUAL_FATAL(tf_recv_op(fx, &r, ISCSI_OP_REJECT), 0);
	CU_ASSERT_EQUAL(((struct iscsi_bhs_reject *)&r.bhs)->reason, 0x05);
	CU_ASSERT_EQUAL(r.data_len, 48u);
	CU_ASSERT(r.data && memcmp(r.data, bhs, 48) == 0);
	iscsi_pdu_release(&r);
	fixture_free(fx);
}

/* Defect reject-no-header: the Reject comes without the header. */
static void reject_defect_drops_header(void)
{
	const char *const d[] = {"reject-no-header", NULL};
	struct fixture *fx = tf_start(NULL, NULL, d);
	uint8_t bhs[48];
	struct iscsi_pdu r;

	CU_ASSERT_FATAL(fx != NULL);
	memset(bhs, 0, sizeof(bhs));
	bhs[0] = 0x40 | 0x1c;
	bhs[1] = 0x80;
	CU_ASSERT_EQUAL(fixture_send_raw(fx, bhs, sizeof(bhs)), 0);
	CU_ASSERT_EQUAL_FATAL(tf_recv_op(fx, &r, ISCSI_OP_REJECT), 0);
	CU_ASSERT_EQUAL(r.data_len, 0u);
	iscsi_pdu_release(&r);
	fixture_free(fx);
}

/* §11.17.1: a Login Request in full feature phase is a Protocol Error. */
static void login_in_ffp_rejected(void)
{
	struct fixture *fx = tf_start(NULL, NULL, NULL);
	struct iscsi_login_req_f f;
	struct iscsi_pdu p, r;

	CU_ASSERT_FATAL(fx != NULL);
	memset(&f, 0, sizeof(f));
	f.csg = 1;
	f.nsg = 3;
	f.transit = true;
	f.isid = FIXTURE_ISID;
	f.itt = 0x60;
	f.cmdsn = fx->cmdsn;
	iscsi_pdu_init(&p);
	iscsi_login_req_pack(&p.bhs, &f);
	CU_ASSERT_EQUAL(fixture_send_pdu(fx, &p), 0);
	iscsi_pdu_release(&p);
	CU_ASSERT_EQUAL_FATAL(tf_recv_op(fx, &r, ISCSI_OP_REJECT), 0);
	CU_ASSERT_EQUAL(((struct iscsi_bhs_reject *)&r.bhs)->reason, 0x04);
	iscsi_pdu_release(&r);
	fixture_free(fx);
}

static uint8_t logout_response(struct fixture *fx, uint8_t reason,
			       uint16_t cid, uint16_t *t2w, uint16_t *t2r)
{
	struct iscsi_logout_rsp_f f;
	struct iscsi_pdu r;

	if (tf_logout(fx, reason, cid, 0x70, fx->cmdsn) < 0 ||
	    tf_recv_op(fx, &r, ISCSI_OP_LOGOUT_RSP) < 0)
		return 0xff;
	iscsi_logout_rsp_unpack(&r.bhs, &f);
	CU_ASSERT_EQUAL(f.itt, 0x70u);
	iscsi_pdu_release(&r);
	if (t2w)
		*t2w = f.time2wait;
	if (t2r)
		*t2r = f.time2retain;
	return f.response;
}

/* §11.15.1: close the session: response 0, then the connection closes. */
static void logout_close_session(void)
{
	struct fixture *fx = tf_start(NULL, NULL, NULL);
	uint16_t t2w = 0xffff;

	CU_ASSERT_FATAL(fx != NULL);
	CU_ASSERT_EQUAL(logout_response(fx, 0, 0, &t2w, NULL), 0);
	CU_ASSERT_EQUAL(t2w, 2u); /* DefaultTime2Wait default (§13.15) */
	CU_ASSERT_EQUAL(fixture_wait_closed(fx, TF_TIMEOUT), 0);
	fixture_free(fx);
}

/* Defect logout-keeps-connection: still open after the response. */
static void logout_defect_keeps_connection(void)
{
	const char *const d[] = {"logout-keeps-connection", NULL};
	struct fixture *fx = tf_start(NULL, NULL, d);

	CU_ASSERT_FATAL(fx != NULL);
	CU_ASSERT_EQUAL(logout_response(fx, 0, 0, NULL, NULL), 0);
	CU_ASSERT_EQUAL(fixture_wait_closed(fx, TF_QUIET), -1);
	fixture_free(fx);
}

/* §11.15.1: response 1 for an unknown CID, 2 for recovery below ERL 2. */
static void logout_bad_cid_and_recovery(void)
{
	struct fixture *fx = tf_start(NULL, NULL, NULL);

	CU_ASSERT_FATAL(fx != NULL);
	CU_ASSERT_EQUAL(logout_response(fx, 1, 7, NULL, NULL), 1);
	CU_ASSERT_EQUAL(logout_response(fx, 2, 0, NULL, NULL), 2);
	/* the connection stays usable */
	ping_ok(fx, 0x71, fx->cmdsn, true);
	fixture_free(fx);
}

static uint8_t tmf_response(struct fixture *fx, bool immediate, uint8_t fn,
			    uint32_t lun, uint32_t ref_itt, uint32_t cmdsn,
			    uint32_t ref_cmdsn)
{
	struct iscsi_pdu r;
	uint8_t v;

	if (tf_tmf(fx, immediate, fn, lun, 0x80, ref_itt, cmdsn, ref_cmdsn) <
		    0 ||
	    tf_recv_op(fx, &r, ISCSI_OP_TMF_RSP) < 0)
		return 0xfe;
	CU_ASSERT_EQUAL(iscsi_bhs_itt(&r.bhs), 0x80u);
	v = ((struct iscsi_bhs_tmf_rsp *)&r.bhs)->response;
	iscsi_pdu_release(&r);
	return v;
}

/* §11.5.1 c): no such task and RefCmdSN outside the window: "Task does
 * not exist" (1); §11.6.1: 2 for a LUN that does not exist, 4 for TASK
 * REASSIGN below ERL 2, 5 for an unknown function. */
static void tmf_responses(void)
{
	struct fixture *fx = tf_start(NULL, NULL, NULL);
	uint32_t sn;

	CU_ASSERT_FATAL(fx != NULL);
	sn = fx->cmdsn;
	CU_ASSERT_EQUAL(tmf_response(fx, true, 1, 0, 0x999, sn, sn - 1u), 1);
	CU_ASSERT_EQUAL(tmf_response(fx, true, 1, 9, 0x999, sn, sn - 1u), 2);
	CU_ASSERT_EQUAL(tmf_response(fx, true, 8, 0, 0x999, sn, sn - 1u), 4);
	CU_ASSERT_EQUAL(tmf_response(fx, true, 20, 0, 0x999, sn, sn - 1u), 5);
	CU_ASSERT_EQUAL(tmf_response(fx, true, 5, 0, 0, sn, 0), 0);
	fixture_free(fx);
}

/* §11.5.1 b): RefCmdSN in the window, below the TMF's CmdSN, never
 * received: "Function complete", and the CmdSN counts as received, so the
 * command held behind the gap runs. */
static void tmf_abort_plugs_cmdsn_gap(void)
{
	struct fixture *fx = tf_start(NULL, NULL, NULL);
	struct iscsi_pdu r;
	uint32_t sn;

	CU_ASSERT_FATAL(fx != NULL);
	sn = fx->cmdsn;
	CU_ASSERT_EQUAL(tf_nop(fx, false, 0x91, ISCSI_RSVD_TAG, sn + 1u, NULL,
			       0), 0);
	CU_ASSERT_EQUAL(fixture_recv_pdu(fx, &r, TF_QUIET), -1);
	CU_ASSERT_EQUAL(tmf_response(fx, true, 1, 0, 0x90, sn + 2u, sn), 0);
	CU_ASSERT_EQUAL_FATAL(tf_recv_op(fx, &r, ISCSI_OP_NOP_IN), 0);
	CU_ASSERT_EQUAL(iscsi_bhs_itt(&r.bhs), 0x91u);
	CU_ASSERT_EQUAL(rsp_u32(&r, 28), sn + 2u);
	iscsi_pdu_release(&r);
	fixture_free(fx);
}

/* §11.5.1 a): ABORT TASK ends a write waiting for data; no SCSI Response
 * follows the TMF Response. */
static void tmf_abort_task_sends_no_status(void)
{
	struct fixture *fx = tf_start(NULL, NULL, NULL);
	struct iscsi_pdu r;
	uint8_t cdb[16];
	uint32_t sn;

	CU_ASSERT_FATAL(fx != NULL);
	sn = fx->cmdsn;
	tf_write10(cdb, 0, 1);
	CU_ASSERT_EQUAL(tf_scsi(fx, TF_W | TF_F, 0xa0, sn, 512, cdb, 16, NULL,
				0), 0);
	CU_ASSERT_EQUAL_FATAL(tf_recv_op(fx, &r, ISCSI_OP_R2T), 0);
	iscsi_pdu_release(&r);
	CU_ASSERT_EQUAL(tmf_response(fx, true, 1, 0, 0xa0, sn + 1u, sn), 0);
	CU_ASSERT_EQUAL(fixture_recv_pdu(fx, &r, TF_QUIET), -1);
	fixture_free(fx);
}

/* §11.17.1 0x07: a new command with the ITT of a task in progress. */
static void duplicate_itt_task_in_progress(void)
{
	struct fixture *fx = tf_start(NULL, NULL, NULL);
	struct iscsi_pdu r;
	uint8_t cdb[16];
	uint32_t sn;

	CU_ASSERT_FATAL(fx != NULL);
	sn = fx->cmdsn;
	tf_write10(cdb, 0, 1);
	CU_ASSERT_EQUAL(tf_scsi(fx, TF_W | TF_F, 0xb0, sn, 512, cdb, 16, NULL,
				0), 0);
	CU_ASSERT_EQUAL_FATAL(tf_recv_op(fx, &r, ISCSI_OP_R2T), 0);
	iscsi_pdu_release(&r);
	tf_read10(cdb, 0, 1);
	CU_ASSERT_EQUAL(tf_scsi(fx, TF_R | TF_F, 0xb0, sn + 1u, 512, cdb, 16,
				NULL, 0), 0);
	CU_ASSERT_EQUAL_FATAL(tf_recv_op(fx, &r, ISCSI_OP_REJECT), 0);
	CU_ASSERT_EQUAL(((struct iscsi_bhs_reject *)&r.bhs)->reason, 0x07);
	iscsi_pdu_release(&r);
	fixture_free(fx);
}

/* §11.16 / §11.17.1: a SNACK at ErrorRecoveryLevel 0 is a Protocol Error
 * (0x04) Reject. */
static void snack_at_erl0_rejected(void)
{
	struct fixture *fx = tf_start(NULL, NULL, NULL);
	struct iscsi_snack_f f;
	struct iscsi_pdu p, r;

	CU_ASSERT_FATAL(fx != NULL);
	memset(&f, 0, sizeof(f));
	f.type = ISCSI_SNACK_STATUS;
	f.itt = ISCSI_RSVD_TAG;
	f.ttt = ISCSI_RSVD_TAG;
	f.exp_statsn = fixture_exp_statsn(fx);
	iscsi_pdu_init(&p);
	iscsi_snack_pack(&p.bhs, &f);
	CU_ASSERT_EQUAL(fixture_send_pdu(fx, &p), 0);
	iscsi_pdu_release(&p);
	CU_ASSERT_EQUAL_FATAL(tf_recv_op(fx, &r, ISCSI_OP_REJECT), 0);
	CU_ASSERT_EQUAL(((struct iscsi_bhs_reject *)&r.bhs)->reason, 0x04);
	CU_ASSERT_EQUAL(r.data_len, 48u);
	CU_ASSERT(r.data && r.data[0] == 0x10);
	iscsi_pdu_release(&r);
	fixture_free(fx);
}

/* §4.3: a discovery session refuses SCSI commands (0x05). */
static void discovery_rejects_scsi(void)
{
	const char *const k[] = {"SessionType=Discovery", NULL};
	struct fixture *fx = tf_start(k, NULL, NULL);
	struct iscsi_pdu r;
	uint8_t cdb[16] = {0};

	CU_ASSERT_FATAL(fx != NULL);
	CU_ASSERT_EQUAL(tf_scsi(fx, TF_F, 0xc0, fx->cmdsn, 0, cdb, 16, NULL,
				0), 0);
	CU_ASSERT_EQUAL_FATAL(tf_recv_op(fx, &r, ISCSI_OP_REJECT), 0);
	CU_ASSERT_EQUAL(((struct iscsi_bhs_reject *)&r.bhs)->reason, 0x05);
	iscsi_pdu_release(&r);
	fixture_free(fx);
}

/* §11.16: at ERL >= 1 an unacknowledged status is sent again, with the
 * same StatSN, on a Status SNACK; an acknowledged one is a Protocol
 * Error. */
static void snack_status_resends_at_erl1(void)
{
	const char *const ik[] = {"ErrorRecoveryLevel=1", NULL};
	const char *const tk[] = {"ErrorRecoveryLevel=2", NULL};
	struct fixture *fx = tf_start(ik, tk, NULL);
	struct iscsi_snack_f f;
	struct iscsi_pdu p, r;
	uint8_t cdb[16] = {0};
	uint32_t statsn;

	CU_ASSERT_FATAL(fx != NULL);
	CU_ASSERT_EQUAL(fx->agreed.erl, 1u);
	CU_ASSERT_EQUAL(tf_scsi(fx, TF_F, 0xd0, fx->cmdsn++, 0, cdb, 16, NULL,
				0), 0);
	CU_ASSERT_EQUAL_FATAL(tf_recv_op(fx, &r, ISCSI_OP_SCSI_RSP), 0);
	statsn = rsp_u32(&r, 24);
	iscsi_pdu_release(&r);
	memset(&f, 0, sizeof(f));
	f.type = ISCSI_SNACK_STATUS;
	f.itt = ISCSI_RSVD_TAG;
	f.ttt = ISCSI_RSVD_TAG;
	f.exp_statsn = statsn; /* not acknowledged yet */
	f.begrun = statsn;
	f.runlength = 1;
	iscsi_pdu_init(&p);
	iscsi_snack_pack(&p.bhs, &f);
	CU_ASSERT_EQUAL(fixture_send_pdu(fx, &p), 0);
	CU_ASSERT_EQUAL_FATAL(tf_recv_op(fx, &r, ISCSI_OP_SCSI_RSP), 0);
	CU_ASSERT_EQUAL(iscsi_bhs_itt(&r.bhs), 0xd0u);
	CU_ASSERT_EQUAL(rsp_u32(&r, 24), statsn);
	iscsi_pdu_release(&r);
	/* now acknowledged: asking again is a Protocol Error */
	f.exp_statsn = statsn + 1u;
	iscsi_snack_pack(&p.bhs, &f);
	CU_ASSERT_EQUAL(fixture_send_pdu(fx, &p), 0);
	iscsi_pdu_release(&p);
	CU_ASSERT_EQUAL_FATAL(tf_recv_op(fx, &r, ISCSI_OP_REJECT), 0);
	CU_ASSERT_EQUAL(((struct iscsi_bhs_reject *)&r.bhs)->reason, 0x04);
	iscsi_pdu_release(&r);
	fixture_free(fx);
}

UNIT_SUITE(tgt_ffp, "tgt/ffp",
	   UNIT_TEST(window_out_of_window_ignored),
	   UNIT_TEST(window_held_until_gap_fills),
	   UNIT_TEST(immediate_does_not_advance_expcmdsn),
	   UNIT_TEST(immediate_defect_advances_expcmdsn),
	   UNIT_TEST(maxcmdsn_never_backwards),
	   UNIT_TEST(nop_ping_echoes_data),
	   UNIT_TEST(nop_reserved_itt_needs_immediate),
	   UNIT_TEST(reject_unknown_opcode_carries_header),
	   UNIT_TEST(reject_defect_drops_header),
	   UNIT_TEST(login_in_ffp_rejected),
	   UNIT_TEST(logout_close_session),
	   UNIT_TEST(logout_defect_keeps_connection),
	   UNIT_TEST(logout_bad_cid_and_recovery),
	   UNIT_TEST(tmf_responses),
	   UNIT_TEST(tmf_abort_plugs_cmdsn_gap),
	   UNIT_TEST(tmf_abort_task_sends_no_status),
	   UNIT_TEST(duplicate_itt_task_in_progress),
	   UNIT_TEST(snack_at_erl0_rejected),
	   UNIT_TEST(snack_status_resends_at_erl1),
	   UNIT_TEST(discovery_rejects_scsi))
