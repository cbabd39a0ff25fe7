/* SPDX-License-Identifier: MIT */
/*
 * ffp.c - full feature phase: dispatch by opcode, the command window and
 * CmdSN ordering (§4.2.2.1), StatSN/ExpStatSN (§4.2.2.2), NOP-Out/NOP-In
 * (§11.18, §11.19), Reject (§11.17) and Asynchronous Message (§11.9).
 *
 * Ordering: a non-immediate command whose CmdSN is ExpCmdSN is delivered
 * at once and ExpCmdSN advances; one further ahead inside the window is
 * held until the gap fills (SCSI commands are instantiated at once so
 * their data can flow, but execute in CmdSN order); one outside the window
 * is silently ignored.  Immediate commands are delivered at once and do
 * not advance ExpCmdSN.
 */
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "ffp_int.h"
#include "serial.h"

bool ffp_defect(const struct tgt_conn *c, enum defect_id d)
{
	return defect_on(&c->srv->defects, d);
}

uint32_t ffp_erl(const struct tgt_conn *c)
{
	return c->sess ? c->sess->params.erl : 0;
}

/* ---- numbering --------------------------------------------------------- */

void ffp_stamp(struct tgt_conn *c, uint8_t *statsn, uint8_t *exp_cmdsn,
	       uint8_t *max_cmdsn, bool advance_statsn)
{
	struct tgt_session *s = c->sess;
	uint32_t max;

	if (statsn)
		iscsi_put32(statsn, c->statsn);
	if (advance_statsn)
		c->statsn++;
	if (!s)
		return;
	if (!s->queue_depth)
		s->queue_depth = FFP_QUEUE_DEPTH_DEFAULT;
	max = s->exp_cmdsn + s->queue_depth - 1u;
	if (ffp_defect(c, DEFECT_MAXCMDSN_BACKWARDS)) {
		/* defect: one less on every PDU, down to a closed window */
		if (s->max_cmdsn != s->exp_cmdsn - 1u &&
		    iscsi_window_valid(s->exp_cmdsn, s->max_cmdsn - 1u))
			s->max_cmdsn--;
	} else if (iscsi_sn_gt(max, s->max_cmdsn)) {
		/* §4.2.2.1: MaxCmdSN never moves backwards */
		s->max_cmdsn = max;
	}
	if (exp_cmdsn)
		iscsi_put32(exp_cmdsn, s->exp_cmdsn);
	if (max_cmdsn)
		iscsi_put32(max_cmdsn, s->max_cmdsn);
}

/* §4.2.2.2: ExpStatSN acknowledges the statuses below it. */
static void exp_statsn_rx(struct tgt_conn *c, const struct iscsi_pdu *pdu)
{
	uint32_t e = iscsi_get32((const uint8_t *)&pdu->bhs + 28);

	/* defect: a lagging ExpStatSN is taken as a failed connection */
	if (ffp_defect(c, DEFECT_STALE_EXPSTATSN_DROP) &&
	    iscsi_sn_gt(c->statsn, e + 2u) && c->statsn - e < 0x40000000u) {
		conn_close(c, "ExpStatSN lags StatSN");
		return;
	}

	/* only values between what was acknowledged and what was sent
	 * (c->exp_statsn may still be unset after login: a value that far
	 * behind StatSN does not count) */
	if (iscsi_sn_gt(e, c->statsn) || c->statsn - e >= 0x40000000u)
		return;
	if (c->statsn - c->exp_statsn < 0x40000000u &&
	    !iscsi_sn_gt(e, c->exp_statsn))
		return;
	c->exp_statsn = e;
	if (c->sess->ffp && c->sess->ffp->retained)
		task_ack(c);
}

/* ---- Reject (§11.17) ---------------------------------------------------- */

void ffp_reject_sn(struct tgt_conn *c, const struct iscsi_pdu *bad,
		   uint8_t reason, uint32_t datasn)
{
	struct iscsi_reject_f f = {.reason = reason, .itt = ISCSI_RSVD_TAG,
				   .datasn = datasn};
	struct iscsi_bhs bhs;
	struct iscsi_bhs_reject *w = (struct iscsi_bhs_reject *)&bhs;
	uint8_t hdr[ISCSI_BHS_LEN + ISCSI_AHS_MAX];
	size_t n = 0;

	if (ffp_defect(c, DEFECT_REJECT_REASON_RESERVED))
		f.reason = 0x3f;
	iscsi_reject_pack(&bhs, &f);
	if (bad && ffp_defect(c, DEFECT_REJECT_ITT_ECHO))
		iscsi_bhs_set_itt(&bhs, iscsi_bhs_itt(&bad->bhs));
	/* §11.17.3: StatSN is advanced after a Reject */
	ffp_stamp(c, w->statsn, w->exp_cmdsn, w->max_cmdsn, true);
	/* §11.17.4: the complete header of the bad PDU (BHS and AHS) */
	if (bad && !ffp_defect(c, DEFECT_REJECT_NO_HEADER)) {
		memcpy(hdr, &bad->bhs, ISCSI_BHS_LEN);
		n = ISCSI_BHS_LEN;
		if (bad->ahs && bad->ahs_len <= ISCSI_AHS_MAX) {
			memcpy(hdr + n, bad->ahs, bad->ahs_len);
			n += bad->ahs_len;
		}
	}
	conn_log(c, "reject %s (ITT 0x%08x): reason 0x%02x",
		 bad ? iscsi_opcode_name(iscsi_bhs_opcode(&bad->bhs)) : "PDU",
		 bad ? iscsi_bhs_itt(&bad->bhs) : 0, reason);
	conn_send_copy(c, &bhs, n ? hdr : NULL, n);
}

void ffp_reject(struct tgt_conn *c, const struct iscsi_pdu *bad,
		uint8_t reason)
{
	ffp_reject_sn(c, bad, reason, 0);
}

/* ---- NOP (§11.18, §11.19) ----------------------------------------------- */

static void nop_out_rx(struct tgt_conn *c, struct iscsi_pdu *pdu)
{
	struct iscsi_nop_out_f o;
	struct iscsi_nop_in_f in;
	struct iscsi_bhs bhs;
	struct iscsi_bhs_nop_in *w = (struct iscsi_bhs_nop_in *)&bhs;

	iscsi_nop_out_unpack(&pdu->bhs, &o);
	if (o.itt == ISCSI_RSVD_TAG) {
		/* §11.18: no response wanted; it answers our ping when the TTT
		 * is one we sent */
		if (o.ttt != ISCSI_RSVD_TAG && o.ttt == c->nop_ttt)
			c->nop_ttt = ISCSI_RSVD_TAG;
		else if (o.ttt != ISCSI_RSVD_TAG &&
			 ffp_defect(c, DEFECT_NOP_UNKNOWN_TTT_DROP))
			conn_close(c, "NOP-Out for an unknown TTT");
		if (!ffp_defect(c, DEFECT_NOP_ANSWERS_RSVD_ITT))
			return;
	}
	/* §11.18.1: a ping from the initiator carries TTT 0xffffffff */
	if (o.ttt != ISCSI_RSVD_TAG && o.itt != ISCSI_RSVD_TAG) {
		ffp_reject(c, pdu, ISCSI_REJECT_INVALID_PDU_FIELD);
		return;
	}
	memset(&in, 0, sizeof(in));
	memcpy(in.lun, o.lun, 8);
	in.itt = o.itt;
	/* §11.19.1: TTT 0xffffffff in a response to a ping */
	in.ttt = ffp_defect(c, DEFECT_NOP_WRONG_TTT) ? 0x12345678u :
						       ISCSI_RSVD_TAG;
	iscsi_nop_in_pack(&bhs, &in);
	/* §11.19: a response (ITT != 0xffffffff) advances StatSN */
	ffp_stamp(c, w->statsn, w->exp_cmdsn, w->max_cmdsn,
		  o.itt != ISCSI_RSVD_TAG);
	if (ffp_defect(c, DEFECT_WINDOW_INVALID))
		iscsi_put32(w->max_cmdsn, iscsi_get32(w->exp_cmdsn) - 2u);
	/* §11.18.3/§11.19.4: the ping data is echoed */
	if (ffp_defect(c, DEFECT_NOP_NO_ECHO))
		conn_send_copy(c, &bhs, NULL, 0);
	else
		conn_send_copy(c, &bhs, pdu->data, pdu->data_len);
}

void ffp_nop_ping(struct tgt_conn *c)
{
	struct iscsi_nop_in_f in;
	struct iscsi_bhs bhs;
	struct iscsi_bhs_nop_in *w = (struct iscsi_bhs_nop_in *)&bhs;

	if (c->state != CONN_FFP || !c->sess || !ffp_sess_get(c->sess))
		return;
	memset(&in, 0, sizeof(in));
	/* §11.19: ITT 0xffffffff, a TTT the initiator echoes back */
	in.itt = ISCSI_RSVD_TAG;
	in.ttt = ffp_next_ttt(c->sess);
	c->nop_ttt = in.ttt;
	iscsi_nop_in_pack(&bhs, &in);
	/* §11.19.1: StatSN is not advanced when ITT is 0xffffffff */
	ffp_stamp(c, w->statsn, w->exp_cmdsn, w->max_cmdsn, false);
	conn_send_copy(c, &bhs, NULL, 0);
}

/* ---- Asynchronous Message (§11.9) --------------------------------------- */

void ffp_async_logout(struct tgt_conn *c, unsigned seconds)
{
	struct iscsi_async_f f;
	struct iscsi_bhs bhs;
	struct iscsi_bhs_async *w = (struct iscsi_bhs_async *)&bhs;

	if (c->state != CONN_FFP || !c->sess)
		return;
	memset(&f, 0, sizeof(f));
	f.itt = ISCSI_RSVD_TAG;
	/* §11.9.1 AsyncEvent 1: logout requested within Parameter3 s */
	f.event = ISCSI_ASYNC_LOGOUT_REQUEST;
	f.param3 = seconds > 0xffffu ? 0xffffu : (uint16_t)seconds;
	iscsi_async_pack(&bhs, &f);
	/* an Async Message carries status: StatSN advances */
	ffp_stamp(c, w->statsn, w->exp_cmdsn, w->max_cmdsn, true);
	conn_send_copy(c, &bhs, NULL, 0);
}

/* ---- dispatch ----------------------------------------------------------- */

/* Handle a command whose turn has come (after the CmdSN checks). */
void ffp_dispatch(struct tgt_conn *c, struct iscsi_pdu *pdu)
{
	switch (iscsi_bhs_opcode(&pdu->bhs)) {
	case ISCSI_OP_NOP_OUT:
		nop_out_rx(c, pdu);
		break;
	case ISCSI_OP_TMF_REQ:
		tmf_rx(c, pdu);
		break;
	case ISCSI_OP_TEXT_REQ:
		text_rx(c, pdu);
		break;
	case ISCSI_OP_LOGOUT_REQ:
		logout_rx(c, pdu);
		break;
	default:
		break;
	}
}

static struct iscsi_pdu *pdu_copy(const struct iscsi_pdu *p)
{
	struct iscsi_pdu *q = iscsi_pdu_new();

	if (!q)
		return NULL;
	q->bhs = p->bhs;
	if (p->data_len && iscsi_pdu_set_data(q, p->data, p->data_len) < 0)
		goto fail;
	if (p->ahs_len) {
		q->ahs = malloc(p->ahs_len);
		if (!q->ahs)
			goto fail;
		memcpy(q->ahs, p->ahs, p->ahs_len);
		q->ahs_len = p->ahs_len;
	}
	q->ddigest_ok = p->ddigest_ok;
	q->hdigest_ok = p->hdigest_ok;
	return q;
fail:
	iscsi_pdu_free(q);
	return NULL;
}

/* Keep a non-SCSI command received ahead of ExpCmdSN. */
static void hold_pdu(struct tgt_conn *c, struct iscsi_pdu *pdu,
		     uint32_t cmdsn)
{
	struct tgt_task *t = task_new(c->sess, c);

	if (!t || !(t->pdu = pdu_copy(pdu))) {
		if (t)
			task_free(t);
		conn_log(c, "out of memory holding a command");
		return;
	}
	t->kind = FFP_KIND_PDU;
	t->cmdsn = cmdsn;
	t->itt = iscsi_bhs_itt(&pdu->bhs);
	if (task_hold(t) < 0)
		task_free(t); /* that CmdSN is already held: a duplicate */
}

void ffp_advance(struct tgt_session *s)
{
	struct ffp_sess *f = s->ffp;
	struct tgt_task *t;

	if (!f || f->in_advance)
		return;
	f->in_advance = true;
	for (;;) {
		/* deliver what the gap was holding, in CmdSN order */
		while ((t = s->held) && t->cmdsn == s->exp_cmdsn) {
			s->held = t->held_next;
			t->held_next = NULL;
			s->exp_cmdsn++;
			if (t->kind == FFP_KIND_SCSI) {
				t->counted = true;
				t->state = t->wbuf && !scsi_data_complete(t) ?
						   TASK_RECEIVING :
						   TASK_EXEC;
				task_execq_add(t);
			} else if (t->kind == FFP_KIND_PDU && t->pdu &&
				   t->conn && t->conn->state == CONN_FFP) {
				struct iscsi_pdu *p = t->pdu;
				struct tgt_conn *tc = t->conn;

				t->pdu = NULL;
				task_free(t);
				ffp_dispatch(tc, p);
				iscsi_pdu_free(p);
			} else {
				task_free(t);
			}
		}
		/* SCSI tasks execute in CmdSN order once their data is in */
		t = f->execq;
		if (!t || !scsi_data_complete(t))
			break;
		task_execq_del(t);
		scsi_exec(t);
	}
	f->in_advance = false;
}

static bool is_command(unsigned op)
{
	return op == ISCSI_OP_NOP_OUT || op == ISCSI_OP_SCSI_CMD ||
	       op == ISCSI_OP_TMF_REQ || op == ISCSI_OP_TEXT_REQ ||
	       op == ISCSI_OP_LOGOUT_REQ;
}

/*
 * The CmdSN rules of §4.2.2.1 for a command PDU: returns true when the
 * caller should deliver it now, false when it was held or ignored.
 */
static bool cmdsn_check(struct tgt_conn *c, struct iscsi_pdu *pdu)
{
	struct tgt_session *s = c->sess;
	uint32_t cmdsn = iscsi_get32((const uint8_t *)&pdu->bhs + 24);
	unsigned op = iscsi_bhs_opcode(&pdu->bhs);

	if (iscsi_bhs_immediate(&pdu->bhs)) {
		/* §4.2.2.1: immediate commands do not advance ExpCmdSN */
		if (ffp_defect(c, DEFECT_IMMEDIATE_ADVANCES_CMDSN) &&
		    cmdsn == s->exp_cmdsn)
			s->exp_cmdsn++;
		return true;
	}
	if (!iscsi_cmdsn_in_window(cmdsn, s->exp_cmdsn, s->max_cmdsn)) {
		/* §4.2.2.1: outside the window: silently ignored */
		if (ffp_defect(c, DEFECT_EXEC_OUT_OF_WINDOW))
			return true;
		if (c->srv->verbose)
			conn_log(c, "CmdSN %u outside [%u, %u]: ignored", cmdsn,
				 s->exp_cmdsn, s->max_cmdsn);
		return false;
	}
	if (op == ISCSI_OP_SCSI_CMD)
		return true; /* scsi_cmd_rx holds or delivers it */
	if (cmdsn == s->exp_cmdsn) {
		s->exp_cmdsn++;
		return true;
	}
	if (ffp_defect(c, DEFECT_CMDSN_NO_HOLD))
		return true; /* defect: delivered ahead of the gap */
	hold_pdu(c, pdu, cmdsn);
	return false;
}

/* Opcodes a discovery session accepts (§4.3: Text, Logout, NOP). */
static bool discovery_allows(const struct tgt_conn *c, unsigned op)
{
	if (op == ISCSI_OP_TEXT_REQ || op == ISCSI_OP_LOGOUT_REQ ||
	    op == ISCSI_OP_NOP_OUT)
		return true;
	return op == ISCSI_OP_SCSI_CMD &&
	       ffp_defect(c, DEFECT_DISCOVERY_ALLOWS_SCSI);
}

void ffp_rx(struct tgt_conn *c, struct iscsi_pdu *pdu)
{
	struct tgt_session *s = c->sess;
	unsigned op = iscsi_bhs_opcode(&pdu->bhs);

	if (!s || !ffp_sess_get(s)) {
		conn_close(c, "no session state");
		return;
	}
	/* defect: data segments past our MRDSL get through the framer */
	if (ffp_defect(c, DEFECT_NOP_ACCEPT_OVER_MRDSL))
		c->rx.lim.max_dsl = 4u << 20;
	if (c->srv->verbose)
		conn_log(c, "rx %s ITT 0x%08x", iscsi_opcode_name(op),
			 iscsi_bhs_itt(&pdu->bhs));
	if (op == ISCSI_OP_LOGIN_REQ) {
		/* the login phase is over: a Login Request here breaks the
		 * protocol (§6.3, §11.17.1 reason 0x04 "Protocol Error") */
		ffp_reject(c, pdu, ISCSI_REJECT_PROTOCOL_ERROR);
		return;
	}
	if (!is_command(op) && op != ISCSI_OP_DATA_OUT &&
	    op != ISCSI_OP_SNACK_REQ) {
		/* §11.17.1 0x05: reserved, vendor or target opcodes */
		if (ffp_defect(c, DEFECT_UNKNOWN_OPCODE_IGNORED))
			return;
		ffp_reject(c, pdu, ISCSI_REJECT_CMD_NOT_SUPPORTED);
		return;
	}
	exp_statsn_rx(c, pdu);
	if (c->closed)
		return;
	if ((s->discovery || !s->target) && !discovery_allows(c, op)) {
		/* §4.3: discovery sessions carry Text, Logout, NOP only */
		ffp_reject(c, pdu, ISCSI_REJECT_CMD_NOT_SUPPORTED);
		return;
	}
	if (op == ISCSI_OP_NOP_OUT &&
	    iscsi_bhs_itt(&pdu->bhs) == ISCSI_RSVD_TAG &&
	    !iscsi_bhs_immediate(&pdu->bhs) &&
	    !ffp_defect(c, DEFECT_NOP_RSVD_ITT_NON_IMMEDIATE)) {
		/* §11.18: ITT 0xffffffff requires the I bit */
		ffp_reject(c, pdu, ISCSI_REJECT_PROTOCOL_ERROR);
		return;
	}
	if (op == ISCSI_OP_NOP_OUT &&
	    pdu->data_len > s->params.max_recv_dsl_target &&
	    s->params.max_recv_dsl_target &&
	    !ffp_defect(c, DEFECT_NOP_ACCEPT_OVER_MRDSL)) {
		/* §11.18.3 / §13.12: ping data beyond our MRDSL */
		ffp_reject(c, pdu, ISCSI_REJECT_PROTOCOL_ERROR);
		return;
	}
	if (is_command(op) && !cmdsn_check(c, pdu))
		goto out;
	switch (op) {
	case ISCSI_OP_SCSI_CMD:
		scsi_cmd_rx(c, pdu);
		break;
	case ISCSI_OP_DATA_OUT:
		data_out_rx(c, pdu);
		break;
	case ISCSI_OP_SNACK_REQ:
		snack_rx(c, pdu);
		break;
	default:
		ffp_dispatch(c, pdu);
		break;
	}
out:
	ffp_advance(s);
}
