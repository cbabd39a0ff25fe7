/* SPDX-License-Identifier: MIT */
/*
 * ffp_logout.c - Logout Request and Response (§11.14, §11.15).
 */
#include <string.h>

#include "codec.h"
#include "ffp_int.h"

static struct tgt_conn *conn_by_cid(struct tgt_session *s, uint16_t cid)
{
	for (struct tgt_conn *k = s->conns; k; k = k->sess_next)
		if (k->cid == cid && k->state == CONN_FFP)
			return k;
	return NULL;
}

/*
 * Terminate the tasks of k (NULL: of the whole session).  With late set
 * (a defect) each still gets a CHECK CONDITION status instead.
 */
static void end_tasks_how(struct tgt_session *s, const struct tgt_conn *k,
			  bool late)
{
	for (size_t b = 0; b < s->ntask_buckets; b++) {
		struct tgt_task *t = s->tasks[b], *next;

		for (; t; t = next) {
			next = t->hash_next;
			if (t->kind != FFP_KIND_SCSI || (k && t->conn != k))
				continue;
			if (late && t->conn && t->state != TASK_DONE) {
				task_unhold(t);
				task_execq_del(t);
				/* ABORTED COMMAND, no additional sense */
				scsi_fail(t, 0x0b, 0x00, 0x00);
			} else {
				task_abort(t);
			}
		}
	}
}

static void end_tasks(struct tgt_session *s, const struct tgt_conn *k)
{
	end_tasks_how(s, k, false);
}

/* Tasks kept (ERL 2) for a connection that is already gone. */
static bool orphans_of(struct tgt_session *s, uint16_t cid)
{
	for (size_t b = 0; b < s->ntask_buckets; b++)
		for (struct tgt_task *t = s->tasks[b]; t; t = t->hash_next)
			if (!t->conn && t->cid == cid)
				return true;
	return false;
}

static void logout_close(struct tgt_conn *c, struct tgt_conn *k)
{
	/* defect: the connection that logged out stays open */
	if (k == c && ffp_defect(c, DEFECT_LOGOUT_KEEPS_CONNECTION))
		return;
	/* defect: the requesting connection goes too */
	if (k != c && ffp_defect(c, DEFECT_LOGOUT_CLOSES_WRONG_CONN)) {
		c->state = CONN_LOGGED_OUT;
		conn_close_after_tx(c);
	}
	/* §11.14: nothing is accepted after the Logout Response */
	k->state = CONN_LOGGED_OUT;
	conn_close_after_tx(k);
}

void logout_rx(struct tgt_conn *c, struct iscsi_pdu *pdu)
{
	struct tgt_session *s = c->sess;
	const struct iscsi_params *p = &s->params;
	struct iscsi_logout_req_f o;
	struct iscsi_logout_rsp_f f;
	struct iscsi_bhs bhs;
	struct iscsi_bhs_logout_rsp *w = (struct iscsi_bhs_logout_rsp *)&bhs;
	struct tgt_conn *k = NULL;
	bool all = false, kept = false;
	bool late = ffp_defect(c, DEFECT_LOGOUT_STATUS_AFTER_RESPONSE);

	iscsi_logout_req_unpack(&pdu->bhs, &o);
	memset(&f, 0, sizeof(f));
	f.itt = o.itt;
	f.response = ISCSI_LOGOUT_RSP_SUCCESS;
	switch (o.reason) {
	case ISCSI_LOGOUT_CLOSE_SESSION:
		/* §11.14.1: every connection closes, every task ends */
		all = true;
		if (!late)
			end_tasks(s, NULL);
		break;
	case ISCSI_LOGOUT_CLOSE_CONNECTION:
		/* §11.14.3: this connection or another one of the session */
		k = conn_by_cid(s, o.cid);
		if (!k && !ffp_defect(c, DEFECT_LOGOUT_UNKNOWN_CID_OK))
			f.response = ISCSI_LOGOUT_RSP_CID_NOT_FOUND;
		else if (k && !late)
			end_tasks(s, k);
		break;
	case ISCSI_LOGOUT_REMOVE_FOR_RECOVERY:
		/* §11.15.1: only ErrorRecoveryLevel 2 recovers connections */
		if (p->erl < 2 && ffp_defect(c, DEFECT_LOGOUT_RECOVERY_AT_ERL0))
			break; /* defect: "success", nothing done */
		if (p->erl < 2) {
			f.response = ISCSI_LOGOUT_RSP_RECOVERY_UNSUPPORTED;
			break;
		}
		k = conn_by_cid(s, o.cid);
		kept = true; /* its tasks wait for TASK REASSIGN (§6.2.2) */
		if (!k && !orphans_of(s, o.cid))
			f.response = ISCSI_LOGOUT_RSP_CID_NOT_FOUND;
		break;
	default:
		/* §11.14.1: reason codes 3-127 are reserved */
		ffp_reject(c, pdu, ISCSI_REJECT_INVALID_PDU_FIELD);
		return;
	}
	/* §11.15.2-3: Time2Wait/Time2Retain are invalid with response 1;
	 * Time2Retain 0 says the task state is already gone */
	if (f.response != ISCSI_LOGOUT_RSP_CID_NOT_FOUND) {
		f.time2wait = (uint16_t)p->default_time2wait;
		f.time2retain = kept || f.response ?
					(uint16_t)p->default_time2retain :
					0;
	}
	if (f.response == ISCSI_LOGOUT_RSP_RECOVERY_UNSUPPORTED &&
	    ffp_defect(c, DEFECT_LOGOUT_TIMES_OUT_OF_RANGE))
		f.time2wait = f.time2retain = 0xffffu;
	iscsi_logout_rsp_pack(&bhs, &f);
	ffp_stamp(c, w->statsn, w->exp_cmdsn, w->max_cmdsn, true);
	conn_send_copy(c, &bhs, NULL, 0);
	conn_log(c, "logout (reason %u, CID %u): response %u", o.reason,
		 o.cid, f.response);
	if (f.response != ISCSI_LOGOUT_RSP_SUCCESS)
		return;
	if (late && (all || k))
		end_tasks_how(s, all ? NULL : k, true);
	/* A session logged out (or its last connection closed by Logout)
	 * ends with its connections: only a failure, or reason 2, leaves
	 * it waiting for reassignment at ERL 2 (§6.2.2, §11.14.1). */
	if (all || (k && !kept && s->nconns == 1)) {
		pthread_mutex_lock(&s->srv->lock);
		s->no_retain = true;
		pthread_mutex_unlock(&s->srv->lock);
	}
	if (all) {
		for (struct tgt_conn *q = s->conns; q; q = q->sess_next)
			logout_close(c, q);
	} else if (k) {
		logout_close(c, k);
	}
}
