/* SPDX-License-Identifier: MIT */
/*
 * ffp_snack.c - SNACK Request (§11.16) and what happens to tasks when a
 * connection goes away (§6.2, §7.1, §7.3).
 *
 * Only ErrorRecoveryLevel >= 1 uses SNACK; there every status stays
 * retained (with its read data) until ExpStatSN acknowledges it.
 */
#include <string.h>

#include "codec.h"
#include "ffp_int.h"
#include "serial.h"

/* §11.16: what was not sent, or was acknowledged, is a protocol error */
static void snack_bad(struct tgt_conn *c, struct iscsi_pdu *pdu,
		      uint32_t next_sn)
{
	ffp_reject_sn(c, pdu, ISCSI_REJECT_PROTOCOL_ERROR, next_sn);
}

/* Data/R2T SNACK: the same PDUs again, same DataSN/R2TSN and offsets. */
static void snack_data(struct tgt_conn *c, struct iscsi_pdu *pdu,
		       const struct iscsi_snack_f *o)
{
	struct tgt_task *t = task_find(c->sess, o->itt);
	uint32_t end;

	if (!t || t->kind != FFP_KIND_SCSI || t->conn != c) {
		ffp_reject(c, pdu, ISCSI_REJECT_INVALID_PDU_FIELD);
		return;
	}
	if (t->state == TASK_DONE && t->rbuf && t->rlen) {
		uint32_t n = scsi_datain_count(t);

		end = o->runlength ? o->begrun + o->runlength : n;
		if (o->begrun >= n || end > n || end < o->begrun) {
			snack_bad(c, pdu, n);
			return;
		}
		scsi_datain_resend(t, o->begrun, end);
		return;
	}
	/* R2T SNACK: the outstanding R2Ts with R2TSN in the run */
	end = o->runlength ? o->begrun + o->runlength : t->r2tsn;
	if (t->state == TASK_DONE || !iscsi_sn_lt(o->begrun, t->r2tsn) ||
	    iscsi_sn_gt(end, t->r2tsn)) {
		snack_bad(c, pdu, t->r2tsn);
		return;
	}
	for (unsigned i = 0; i < TGT_MAX_R2T; i++) {
		struct tgt_r2t *r = &t->r2t_slot[i];

		if (r->active && iscsi_sn_ge(r->r2tsn, o->begrun) &&
		    iscsi_sn_lt(r->r2tsn, end))
			scsi_r2t_send(t, r);
	}
}

/* Status SNACK: unacknowledged SCSI Responses from BegRun. */
static void snack_status(struct tgt_conn *c, struct iscsi_pdu *pdu,
			 const struct iscsi_snack_f *o)
{
	uint32_t end = o->begrun + o->runlength;

	bool acked = c->statsn - c->exp_statsn < 0x40000000u &&
		     iscsi_sn_lt(o->begrun, c->exp_statsn);

	if (acked || !iscsi_sn_lt(o->begrun, c->statsn) ||
	    (o->runlength && iscsi_sn_gt(end, c->statsn))) {
		snack_bad(c, pdu, 0);
		return;
	}
	for (struct tgt_task *t = c->sess->ffp->retained; t; t = t->ret_next)
		if (t->conn == c && iscsi_sn_ge(t->statsn, o->begrun) &&
		    (!o->runlength || iscsi_sn_lt(t->statsn, end)))
			scsi_status_resend(t, 0);
}

/* DataACK: the initiator has the Data-In below BegRun (§11.16.1). */
static void snack_data_ack(struct tgt_conn *c, struct iscsi_pdu *pdu,
			   const struct iscsi_snack_f *o)
{
	struct tgt_task *t = NULL;
	struct ffp_sess *f = c->sess->ffp;

	for (struct tgt_task *q = f->retained; q; q = q->ret_next)
		if (q->din_ttt == o->ttt && q->conn == c &&
		    o->ttt != ISCSI_RSVD_TAG)
			t = q;
	if (!t || iscsi_sn_gt(o->begrun, t->din_base + scsi_datain_count(t))) {
		/* §11.17.1 0x08 */
		ffp_reject(c, pdu, ISCSI_REJECT_INVALID_DATA_ACK);
		return;
	}
	/* the data is acknowledged: only the status is still kept */
	if (t->rbuf) {
		ffp_buf_release(t->rbuf);
		t->rbuf = NULL;
	}
}

/* R-Data SNACK: all the data again, cut to today's MRDSL (§11.16.3). */
static void snack_rdata(struct tgt_conn *c, struct iscsi_pdu *pdu,
			const struct iscsi_snack_f *o)
{
	struct tgt_task *t = task_find(c->sess, o->itt);

	if (!t || t->kind != FFP_KIND_SCSI || t->conn != c ||
	    t->state != TASK_DONE || !t->rbuf || o->begrun || o->runlength) {
		snack_bad(c, pdu, 0);
		return;
	}
	t->din_seg = c->max_xmit_dsl ? c->max_xmit_dsl : 8192u;
	if (t->din_seg > t->din_burst)
		t->din_seg = t->din_burst;
	scsi_datain_resend(t, 0, scsi_datain_count(t));
	/* §11.4.4 SNACK Tag: the last response carries the R-Data tag */
	scsi_status_resend(t, o->ttt);
}

void snack_rx(struct tgt_conn *c, struct iscsi_pdu *pdu)
{
	struct iscsi_snack_f o;

	/* §11.16: SNACK is part of ErrorRecoveryLevel >= 1 (§7.1.5); at ERL 0
	 * it is a Protocol Error (§11.17.1 reason 0x04) */
	if (ffp_erl(c) == 0) {
		if (!ffp_defect(c, DEFECT_SNACK_AT_ERL0))
			ffp_reject(c, pdu, ISCSI_REJECT_PROTOCOL_ERROR);
		return;
	}
	iscsi_snack_unpack(&pdu->bhs, &o);
	switch (o.type) {
	case ISCSI_SNACK_DATA_R2T:
		snack_data(c, pdu, &o);
		break;
	case ISCSI_SNACK_STATUS:
		snack_status(c, pdu, &o);
		break;
	case ISCSI_SNACK_DATA_ACK:
		snack_data_ack(c, pdu, &o);
		break;
	case ISCSI_SNACK_RDATA:
		snack_rdata(c, pdu, &o);
		break;
	default:
		ffp_reject(c, pdu, ISCSI_REJECT_INVALID_PDU_FIELD);
		break;
	}
}

/* ---- connection loss (§7) ---------------------------------------------- */

/* ERL 2: tasks not reassigned within Time2Wait + Time2Retain end. */
static void retain_expired(struct loop *l, uint64_t id, void *arg)
{
	struct tgt_session *s = arg;
	struct ffp_sess *f = s->ffp;
	uint64_t now = tgt_now_ms(), limit, next = 0;

	(void)id;
	limit = ((uint64_t)s->params.default_time2wait +
		 s->params.default_time2retain) * 1000u;
	f->retain_timer = 0;
	for (size_t b = 0; b < s->ntask_buckets; b++) {
		struct tgt_task *t = s->tasks[b], *nx;

		for (; t; t = nx) {
			nx = t->hash_next;
			if (t->conn || !t->gone_ms)
				continue;
			if (now - t->gone_ms >= limit)
				task_abort(t);
			else if (!next || t->gone_ms + limit - now < next)
				next = t->gone_ms + limit - now;
		}
	}
	if (next)
		f->retain_timer = loop_add_timer(l, next, retain_expired, s);
}

void ffp_conn_gone(struct tgt_conn *c)
{
	struct tgt_session *s = c->sess;
	struct ffp_sess *f;
	struct tgt_task *t, *next;
	bool keep;

	if (!s || !(f = s->ffp))
		return;
	keep = s->params.erl >= 2;
	/* commands it sent ahead of ExpCmdSN are lost with it */
	for (t = s->held; t; t = next) {
		next = t->held_next;
		if (t->conn == c && t->kind == FFP_KIND_PDU)
			task_free(t);
		else if (t->conn == c && t->kind == FFP_KIND_PLUG)
			t->conn = NULL;
	}
	for (size_t b = 0; b < s->ntask_buckets; b++)
		for (t = s->tasks[b]; t; t = next) {
			next = t->hash_next;
			if (t->conn != c)
				continue;
			if (!keep) {
				/* ERL 0/1: the connection's tasks end (§7.1) */
				task_abort(t);
				continue;
			}
			/* ERL 2: kept for TASK REASSIGN (§6.2.2) */
			t->conn = NULL;
			t->gone_ms = tgt_now_ms();
			if (!t->gone_ms)
				t->gone_ms = 1;
		}
	if (keep && !f->retain_timer && s->loop)
		f->retain_timer = loop_add_timer(
			s->loop,
			((uint64_t)s->params.default_time2wait +
			 s->params.default_time2retain) * 1000u + 1u,
			retain_expired, s);
}
