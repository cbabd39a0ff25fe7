/* SPDX-License-Identifier: MIT */
/*
 * ffp_int.h - shared internals of the full feature phase handlers:
 *   ffp.c        dispatch, command window, NOP, Logout, Reject, Async
 *   ffp_task.c   task table, free list, ordering queues, retention
 *   ffp_scsi.c   SCSI Command, Data-Out, R2T (§11.3, §11.7.1, §11.8)
 *   ffp_datain.c execution, Data-In, SCSI Response (§11.4, §11.7.2)
 *   ffp_tmf.c    Task Management (§11.5, §11.6)
 *   ffp_snack.c  SNACK (§11.16) and connection loss per ERL (§7)
 */
#ifndef ISCSI_REFTGT_FFP_INT_H
#define ISCSI_REFTGT_FFP_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "target.h"

#define FFP_QUEUE_DEPTH_DEFAULT 64u
#define FFP_QUEUE_DEPTH_MAX 4096u
#define FFP_HASH_BUCKETS 256u	 /* power of two */
#define FFP_MAX_FREE_TASKS 64u	 /* spare tasks kept per session */
#define FFP_MAX_IMMEDIATE 64u	 /* immediate SCSI tasks in progress */
#define FFP_MAX_RETAINED 256u	 /* unacknowledged statuses kept (ERL>=1) */
#define FFP_ABORTED_RING 16u	 /* recently aborted ITTs (Data-Out drop) */
#define FFP_UNKNOWN_XFER_CAP 65536u /* read buffer when the CDB is unknown */

enum ffp_kind {
	FFP_KIND_SCSI,	/* a SCSI task */
	FFP_KIND_PDU,	/* another command held for CmdSN order */
	FFP_KIND_PLUG,	/* a CmdSN taken as received (ABORT TASK, §11.5.1) */
};

/* A reference-counted buffer: read data stays alive while queued Data-In
 * PDUs point into it, whatever happens to the task meanwhile. */
struct ffp_buf {
	unsigned refs;
	size_t cap;
	uint8_t data[];
};

struct ffp_sess {
	struct tgt_task *free; /* spare tasks (linked by hash_next) */
	unsigned nfree;
	struct tgt_task *execq, *execq_tail; /* delivered SCSI tasks */
	struct tgt_task *retained, *retained_tail; /* status not acked */
	unsigned nretained, nimmediate;
	uint32_t next_ttt;
	uint32_t aborted[FFP_ABORTED_RING];
	unsigned aborted_next;
	uint64_t retain_timer; /* ERL 2: drops orphaned tasks */
	bool in_advance;	/* ffp_advance running (no recursion) */
};

/* ffp_task.c */
struct ffp_sess *ffp_sess_get(struct tgt_session *s);
struct tgt_task *task_new(struct tgt_session *s, struct tgt_conn *c);
/* Unlinks t from every list and returns it to the free list. */
void task_free(struct tgt_task *t);
struct tgt_task *task_find(struct tgt_session *s, uint32_t itt);
void task_hash_add(struct tgt_task *t);
void task_hash_del(struct tgt_task *t);
/* Insert into s->held by CmdSN; -1 when that CmdSN is already held. */
int task_hold(struct tgt_task *t);
/* Remove t from s->held if it is there. */
void task_unhold(struct tgt_task *t);
struct tgt_task *task_held_find(struct tgt_session *s, uint32_t cmdsn);
void task_execq_add(struct tgt_task *t);
void task_execq_del(struct tgt_task *t);
void task_retain(struct tgt_task *t);
void task_unretain(struct tgt_task *t);
/* Free retained tasks of c whose StatSN the initiator acknowledged. */
void task_ack(struct tgt_conn *c);
/* Terminate t (TMF, connection loss): no status is sent for it. */
void task_abort(struct tgt_task *t);
struct ffp_buf *ffp_buf_new(size_t cap);
void ffp_buf_ref(struct ffp_buf *b);
void ffp_buf_release(void *arg); /* conn_send release callback */
uint32_t ffp_next_ttt(struct tgt_session *s);
/* The session's LUN map (an empty one for a discovery session). */
struct lu_set *ffp_luns(struct tgt_session *s);

/* ffp.c */
/* Deliver commands whose turn came, then run ready tasks (§4.2.2.1). */
void ffp_advance(struct tgt_session *s);
void ffp_dispatch(struct tgt_conn *c, struct iscsi_pdu *pdu);
/* Reject with the DataSN/R2TSN field set (§11.17.2). */
void ffp_reject_sn(struct tgt_conn *c, const struct iscsi_pdu *bad,
		   uint8_t reason, uint32_t datasn);
bool ffp_defect(const struct tgt_conn *c, enum defect_id d);
uint32_t ffp_erl(const struct tgt_conn *c);

/* ffp_scsi.c */
void scsi_cmd_rx(struct tgt_conn *c, struct iscsi_pdu *pdu);
void data_out_rx(struct tgt_conn *c, struct iscsi_pdu *pdu);
/* Issue R2Ts up to MaxOutstandingR2T for what is still missing. */
void scsi_r2t_more(struct tgt_task *t);
void scsi_r2t_send(struct tgt_task *t, struct tgt_r2t *r);
/* True when all write data the task waits for has arrived. */
bool scsi_data_complete(const struct tgt_task *t);

/* ffp_datain.c */
/* Execute (lu_set_exec) and send data and status. */
void scsi_exec(struct tgt_task *t);
/* Data-In PDUs with DataSN in [from, to) as first sent (SNACK). */
void scsi_datain_resend(struct tgt_task *t, uint32_t from, uint32_t to);
/* The SCSI Response again (Status SNACK, retry; §6.2.1, §11.16). */
void scsi_status_resend(struct tgt_task *t, uint32_t snack_tag);
/* CHECK CONDITION for a task that cannot complete (§11.17.1). */
void scsi_fail(struct tgt_task *t, uint8_t key, uint8_t asc, uint8_t ascq);
/* Number of Data-In PDUs a transfer is cut into. */
uint32_t scsi_datain_count(const struct tgt_task *t);

/* ffp_tmf.c */
void tmf_rx(struct tgt_conn *c, struct iscsi_pdu *pdu);

/* ffp_snack.c */
void snack_rx(struct tgt_conn *c, struct iscsi_pdu *pdu);

/* ffp_logout.c */
void logout_rx(struct tgt_conn *c, struct iscsi_pdu *pdu);

#endif
