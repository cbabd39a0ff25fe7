/* SPDX-License-Identifier: MIT */
/*
 * ffp_tmf.c - Task Management Function Request and Response (§11.5,
 * §11.6).  Terminated tasks send no status (§11.5.1); responses of tasks
 * that completed before the TMF are already queued ahead of the TMF
 * Response on their connection (the response fence of §4.2.3.5 holds
 * because this target executes synchronously).
 */
#include <string.h>

#include "codec.h"
#include "ffp_int.h"
#include "serial.h"

static void tmf_respond(struct tgt_conn *c, uint32_t itt, uint8_t response)
{
	struct iscsi_tmf_rsp_f f = {.response = response, .itt = itt};
	struct iscsi_bhs bhs;
	struct iscsi_bhs_tmf_rsp *w = (struct iscsi_bhs_tmf_rsp *)&bhs;

	iscsi_tmf_rsp_pack(&bhs, &f);
	ffp_stamp(c, w->statsn, w->exp_cmdsn, w->max_cmdsn, true);
	conn_send_copy(c, &bhs, NULL, 0);
}

/* Is t affected by a TMF on lun (lun NULL: every task)? */
static bool task_on_lun(const struct tgt_task *t, const uint64_t *lun)
{
	return t->kind == FFP_KIND_SCSI && t->state != TASK_DONE &&
	       (!lun || t->lun == *lun);
}

/* Terminate the session's tasks on lun (NULL: all), except keep. */
static void abort_tasks(struct tgt_session *s, const uint64_t *lun)
{
	for (size_t b = 0; b < s->ntask_buckets; b++) {
		struct tgt_task *t = s->tasks[b], *next;

		for (; t; t = next) {
			next = t->hash_next;
			if (task_on_lun(t, lun))
				task_abort(t);
		}
	}
}

/*
 * §11.5.1 ABORT TASK:
 *  a) the task exists: terminate it, "Function complete";
 *  b) it does not, but RefCmdSN is in the window and below the TMF's
 *     CmdSN: that CmdSN counts as received (it plugs a gap and such a
 *     command is never executed later), "Function complete";
 *  c) otherwise "Task does not exist".
 */
static uint8_t tmf_abort_task(struct tgt_conn *c,
			      const struct iscsi_tmf_req_f *o)
{
	struct tgt_session *s = c->sess;
	struct tgt_task *t = task_find(s, o->ref_task_tag), *plug;

	if (t && t->kind == FFP_KIND_SCSI && t->state != TASK_DONE) {
		if (ffp_defect(c, DEFECT_TMF_ABORT_STILL_RESPONDS))
			return ISCSI_TMF_RSP_COMPLETE; /* defect: it goes on */
		task_abort(t);
		return ISCSI_TMF_RSP_COMPLETE;
	}
	if (!iscsi_cmdsn_in_window(o->ref_cmdsn, s->exp_cmdsn, s->max_cmdsn) ||
	    !iscsi_sn_lt(o->ref_cmdsn, o->cmdsn) ||
	    task_held_find(s, o->ref_cmdsn))
		return ISCSI_TMF_RSP_NO_TASK;
	if (o->ref_cmdsn == s->exp_cmdsn) {
		s->exp_cmdsn++;
		return ISCSI_TMF_RSP_COMPLETE; /* ffp_advance drains */
	}
	plug = task_new(s, c);
	if (!plug)
		return ISCSI_TMF_RSP_REJECTED;
	plug->kind = FFP_KIND_PLUG;
	plug->cmdsn = o->ref_cmdsn;
	if (task_hold(plug) < 0)
		task_free(plug);
	return ISCSI_TMF_RSP_COMPLETE;
}

/* §6.2.2, §11.5.1 TASK REASSIGN: the task moves to this connection. */
static uint8_t tmf_reassign(struct tgt_conn *c,
			    const struct iscsi_tmf_req_f *o)
{
	struct tgt_task *t = task_find(c->sess, o->ref_task_tag);

	/* allegiance reassignment needs ErrorRecoveryLevel 2 (§6.2.2) */
	if (ffp_erl(c) < 2)
		return ISCSI_TMF_RSP_NO_FAILOVER;
	if (!t || t->kind != FFP_KIND_SCSI)
		return ISCSI_TMF_RSP_NO_TASK;
	if (t->conn)
		return ISCSI_TMF_RSP_TASK_ALLEGIANT;
	t->conn = c;
	t->cid = c->cid;
	t->gone_ms = 0;
	return ISCSI_TMF_RSP_COMPLETE;
}

/* After the response: resume a reassigned task (§6.2.2). */
static void reassign_resume(struct tgt_conn *c, uint32_t ref)
{
	struct tgt_task *t = task_find(c->sess, ref);

	if (!t || t->conn != c)
		return;
	if (t->state == TASK_DONE) {
		/* data not acknowledged and the status go again */
		if (t->rbuf && t->rlen)
			scsi_datain_resend(t, 0, scsi_datain_count(t));
		scsi_status_resend(t, 0);
		return;
	}
	for (unsigned i = 0; i < TGT_MAX_R2T; i++) {
		struct tgt_r2t *r = &t->r2t_slot[i];

		if (r->active) {
			r->received = 0;
			r->next_datasn = 0;
			scsi_r2t_send(t, r);
		}
	}
	scsi_r2t_more(t);
}

static void lu_reset_all(struct tgt_session *s)
{
	struct lu_set *set = ffp_luns(s);

	for (size_t i = 0; i < set->n; i++)
		lu_reset(set->map[i].lu, s->nexus);
}

void tmf_rx(struct tgt_conn *c, struct iscsi_pdu *pdu)
{
	struct tgt_session *s = c->sess;
	struct iscsi_tmf_req_f o;
	struct lu *lu;
	uint64_t lun;
	int32_t n;
	uint8_t rsp;

	iscsi_tmf_req_unpack(&pdu->bhs, &o);
	n = iscsi_lun_decode(o.lun);
	lun = n < 0 ? UINT64_MAX : (uint64_t)n;
	lu = n < 0 ? NULL : lu_set_get(ffp_luns(s), lun);
	switch (o.function) {
	case ISCSI_TMF_ABORT_TASK:
	case ISCSI_TMF_ABORT_TASK_SET:
	case ISCSI_TMF_CLEAR_ACA:
	case ISCSI_TMF_CLEAR_TASK_SET:
	case ISCSI_TMF_LOGICAL_UNIT_RESET:
		/* §11.6.1 response 2: the LUN does not exist */
		if (!lu) {
			tmf_respond(c, o.itt, ISCSI_TMF_RSP_NO_LUN);
			return;
		}
		break;
	default:
		break;
	}
	switch (o.function) {
	case ISCSI_TMF_ABORT_TASK:
		rsp = tmf_abort_task(c, &o);
		break;
	case ISCSI_TMF_ABORT_TASK_SET:
	case ISCSI_TMF_CLEAR_TASK_SET:
		/* this I_T nexus's tasks on the LU (the only ones the
		 * session can see) */
		abort_tasks(s, &lun);
		rsp = ISCSI_TMF_RSP_COMPLETE;
		break;
	case ISCSI_TMF_CLEAR_ACA:
		/* no ACA is ever established (NACA=0): nothing to clear */
		rsp = ISCSI_TMF_RSP_COMPLETE;
		break;
	case ISCSI_TMF_LOGICAL_UNIT_RESET:
		abort_tasks(s, &lun);
		lu_reset(lu, s->nexus);
		rsp = ISCSI_TMF_RSP_COMPLETE;
		break;
	case ISCSI_TMF_TARGET_WARM_RESET:
	case ISCSI_TMF_TARGET_COLD_RESET:
		abort_tasks(s, NULL);
		lu_reset_all(s);
		rsp = ISCSI_TMF_RSP_COMPLETE;
		break;
	case ISCSI_TMF_TASK_REASSIGN:
		rsp = tmf_reassign(c, &o);
		break;
	default:
		/* §11.6.1 response 5 */
		rsp = ISCSI_TMF_RSP_NOT_SUPPORTED;
		break;
	}
	tmf_respond(c, o.itt, rsp);
	if (o.function == ISCSI_TMF_TASK_REASSIGN &&
	    rsp == ISCSI_TMF_RSP_COMPLETE)
		reassign_resume(c, o.ref_task_tag);
	if (o.function == ISCSI_TMF_TARGET_COLD_RESET &&
	    rsp == ISCSI_TMF_RSP_COMPLETE) {
		/* §11.5.1: after the response every connection closes;
		 * the session ends with them */
		pthread_mutex_lock(&s->srv->lock);
		s->no_retain = true;
		pthread_mutex_unlock(&s->srv->lock);
		for (struct tgt_conn *k = s->conns; k; k = k->sess_next) {
			k->state = CONN_LOGGED_OUT;
			conn_close_after_tx(k);
		}
	}
}
