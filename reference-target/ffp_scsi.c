/* SPDX-License-Identifier: MIT */
/*
 * ffp_scsi.c - SCSI Command (§11.3), the write data path: immediate data,
 * unsolicited Data-Out (§13.10, §13.11, §13.14), R2T (§11.8) and Data-Out
 * validation (§11.7.4-§11.7.6), with recovery R2Ts at ERL >= 1 (§7.2).
 */
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "ffp_int.h"
#include "serial.h"

static uint32_t min32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

static uint32_t max32(uint32_t a, uint32_t b)
{
	return a > b ? a : b;
}

/* ---- R2T (§11.8) -------------------------------------------------------- */

void scsi_r2t_send(struct tgt_task *t, struct tgt_r2t *r)
{
	struct tgt_conn *c = t->conn;
	struct iscsi_r2t_f f;
	struct iscsi_bhs bhs;
	struct iscsi_bhs_r2t *w = (struct iscsi_bhs_r2t *)&bhs;

	if (!c)
		return;
	memset(&f, 0, sizeof(f));
	memcpy(f.lun, t->lun_raw, 8);
	f.itt = t->itt;
	f.ttt = r->ttt;
	f.r2tsn = r->r2tsn;
	f.buffer_offset = r->offset;
	f.desired_len = r->len;
	iscsi_r2t_pack(&bhs, &f);
	/* §11.8: StatSN is the next one, not advanced */
	ffp_stamp(c, w->statsn, w->exp_cmdsn, w->max_cmdsn, false);
	conn_send_copy(c, &bhs, NULL, 0);
}

void scsi_r2t_more(struct tgt_task *t)
{
	const struct iscsi_params *p = &t->sess->params;
	struct tgt_conn *c = t->conn;
	uint32_t limit, burst;

	if (!c || t->unsol_open)
		return;
	/* §13.17: at most MaxOutstandingR2T R2Ts per task */
	limit = min32(p->max_outstanding_r2t ? p->max_outstanding_r2t : 1u,
		      TGT_MAX_R2T);
	if (ffp_defect(c, DEFECT_IGNORE_MAX_OUTSTANDING_R2T))
		limit = TGT_MAX_R2T;
	/* §13.13: an R2T asks for at most MaxBurstLength */
	burst = p->max_burst ? p->max_burst : 262144u;
	if (ffp_defect(c, DEFECT_R2T_OVER_MAXBURST))
		burst *= 2;
	while (t->r2t_outstanding < limit &&
	       iscsi_sn_lt(t->next_r2t_offset, t->solicit_end)) {
		struct tgt_r2t *r = NULL;

		for (unsigned i = 0; i < TGT_MAX_R2T; i++)
			if (!t->r2t_slot[i].active) {
				r = &t->r2t_slot[i];
				break;
			}
		if (!r)
			return;
		memset(r, 0, sizeof(*r));
		r->active = true;
		/* §11.8.3: a TTT that is not 0xffffffff, unique per R2T */
		r->ttt = ffp_next_ttt(t->sess);
		/* §11.8.2: R2TSN from 0 per task (shared with Data-In for
		 * bidirectional commands) */
		if (t->r2tsn == 0 && ffp_defect(c, DEFECT_R2TSN_FROM_ONE))
			t->r2tsn = 1; /* defect: R2TSN 1, 2, ... */
		r->r2tsn = t->r2tsn++;
		/* §13.19: ascending offsets (DataSequenceInOrder) */
		r->offset = t->next_r2t_offset;
		r->len = min32(burst, t->solicit_end - r->offset);
		t->next_r2t_offset += r->len;
		t->r2t_outstanding++;
		scsi_r2t_send(t, r);
	}
}

bool scsi_data_complete(const struct tgt_task *t)
{
	return !t->unsol_open && t->r2t_outstanding == 0 &&
	       !iscsi_sn_lt(t->next_r2t_offset, t->solicit_end);
}

/* ---- SCSI Command (§11.3) ----------------------------------------------- */

static uint64_t lun_of(const uint8_t *raw)
{
	int32_t n = iscsi_lun_decode(raw);

	if (n >= 0)
		return (uint64_t)n;
	/* REPORT LUNS well-known LU, extended addressing C1h 01h (SAM-5) */
	if (raw[0] == 0xc1 && raw[1] == 0x01) {
		for (unsigned i = 2; i < 8; i++)
			if (raw[i])
				return UINT64_MAX;
		return LU_WLUN_REPORT_LUNS;
	}
	return UINT64_MAX; /* answered as an unmapped LUN */
}

/*
 * The checks of §11.3.1 and §13 on a SCSI Command before a task exists;
 * 0 or the Reject reason.
 */
static uint8_t scsi_cmd_check(struct tgt_conn *c, const struct iscsi_pdu *pdu,
			      const struct iscsi_scsi_cmd_f *o,
			      uint32_t bidi_len)
{
	const struct iscsi_params *p = &c->sess->params;
	uint32_t dsl = (uint32_t)pdu->data_len;
	uint32_t fbl = p->first_burst ? p->first_burst : 65536u;
	uint32_t mrdsl = p->max_recv_dsl_target ? p->max_recv_dsl_target :
						  8192u;

	/* §11.3.1: R and W MUST NOT both be 0 when an expected length is
	 * not 0 (a field describing the data transfer: Note 2 of §11.17.1) */
	if (!o->read && !o->write && (o->edtl || bidi_len))
		return ISCSI_REJECT_INVALID_PDU_FIELD;
	/* §11.3.1: F = 0 announces unsolicited Data-Out: only for writes,
	 * and only when InitialR2T=No (§13.10) */
	if (!o->final && (!o->write || p->initial_r2t))
		return ISCSI_REJECT_PROTOCOL_ERROR;
	if (dsl) {
		/* immediate data: writes only, ImmediateData=Yes (§13.11),
		 * at most FirstBurstLength (§13.14), our MRDSL (§13.12) and
		 * the expected length (§11.3.4) */
		if (!o->write || !p->immediate_data || dsl > o->edtl)
			return ISCSI_REJECT_PROTOCOL_ERROR;
		if ((dsl > fbl || dsl > mrdsl) &&
		    !ffp_defect(c, DEFECT_ACCEPT_UNSOLICITED_OVER_FBL))
			return ISCSI_REJECT_PROTOCOL_ERROR;
	}
	return 0;
}

/* Size the write side of t; 0, or -1 when memory runs out. */
static int scsi_write_setup(struct tgt_task *t, const struct iscsi_pdu *pdu,
			    bool final)
{
	const struct iscsi_params *p = &t->sess->params;
	uint32_t fbl = p->first_burst ? p->first_burst : 65536u;
	uint32_t dsl = (uint32_t)pdu->data_len;
	uint32_t want = 0;

	if (t->xfer_dir & LU_DIR_WRITE)
		want = t->xfer_len;
	/* unsolicited data: immediate + Data-Out up to FirstBurstLength or
	 * EDTL, whichever is less (§13.14) */
	t->unsol_end = final ? dsl : min32(fbl, t->edtl);
	if (!final && ffp_defect(t->conn, DEFECT_ACCEPT_UNSOLICITED_OVER_FBL))
		t->unsol_end = t->edtl;
	t->unsol_end = max32(t->unsol_end, dsl);
	t->unsol_open = !final;
	/* R2Ts ask only for what the CDB moves, never past EDTL: never trust
	 * EDTL alone for the buffer size */
	t->solicit_end = min32(min32(want, t->edtl), LU_MAX_XFER_BYTES);
	t->wbuf_cap = min32(t->edtl, max32(t->solicit_end, t->unsol_end));
	if (t->wbuf_cap > t->wbuf_alloc || !t->wbuf) {
		uint8_t *b = realloc(t->wbuf, t->wbuf_cap ? t->wbuf_cap : 1);

		if (!b)
			return -1;
		t->wbuf = b;
		t->wbuf_alloc = t->wbuf_cap;
	}
	if (dsl)
		memcpy(t->wbuf, pdu->data, min32(dsl, t->wbuf_cap));
	t->received = dsl;
	t->next_r2t_offset = dsl;
	return 0;
}

/* §6.2.1: the same ITT and CmdSN again at ERL >= 1 is a retry. */
static bool scsi_retry(struct tgt_conn *c, struct tgt_task *old,
		       const struct iscsi_scsi_cmd_f *o)
{
	if (ffp_erl(c) < 1 || old->kind != FFP_KIND_SCSI ||
	    old->cmdsn != o->cmdsn)
		return false;
	if (old->state == TASK_DONE) {
		/* not executed again: the status is sent again */
		old->conn = c;
		scsi_status_resend(old, 0);
	}
	/* still in progress: its status will come */
	return true;
}

void scsi_cmd_rx(struct tgt_conn *c, struct iscsi_pdu *pdu)
{
	struct tgt_session *s = c->sess;
	struct ffp_sess *f = s->ffp;
	struct iscsi_scsi_cmd_f o;
	struct tgt_task *t, *old;
	uint32_t bidi = 0;
	uint8_t reason;
	bool ordered;
	ssize_t n;

	iscsi_scsi_cmd_unpack(&pdu->bhs, &o);
	ordered = !o.immediate &&
		  iscsi_cmdsn_in_window(o.cmdsn, s->exp_cmdsn, s->max_cmdsn);
	old = task_find(s, o.itt);
	if (old) {
		if (scsi_retry(c, old, &o))
			return;
		if (old->state != TASK_DONE) {
			/* §11.17.1 0x07: the ITT names a task in progress */
			ffp_reject(c, pdu, ISCSI_REJECT_TASK_IN_PROGRESS);
			return;
		}
		task_free(old); /* its status went out: the ITT is free */
	}
	if (ordered && o.cmdsn != s->exp_cmdsn && task_held_find(s, o.cmdsn))
		return; /* a duplicate of a held CmdSN: ignored (§4.2.2.1) */
	if (o.read && o.write)
		(void)iscsi_pdu_get_bidi_read_len(pdu, &bidi);
	reason = scsi_cmd_check(c, pdu, &o, bidi);
	if (!reason && o.immediate && f->nimmediate >= FFP_MAX_IMMEDIATE)
		reason = ISCSI_REJECT_IMM_CMD_REJECT;
	if (reason) {
		/* §6.3: the CmdSN of a rejected command is not received */
		ffp_reject(c, pdu, reason);
		if (!ffp_defect(c, DEFECT_EXEC_REJECTED))
			return;
	}
	t = task_new(s, c);
	if (!t) {
		ffp_reject(c, pdu, ISCSI_REJECT_LONG_OP);
		return;
	}
	t->kind = FFP_KIND_SCSI;
	t->itt = o.itt;
	t->cmdsn = o.cmdsn;
	t->immediate = !ordered;
	memcpy(t->lun_raw, o.lun, 8);
	t->lun = lun_of(o.lun);
	t->attr = o.attr;
	t->read = o.read;
	t->write = o.write;
	t->edtl = o.write ? o.edtl : 0;
	/* expected read length: EDTL, or the bidirectional AHS (§11.3.5) */
	t->bidi_read_len = o.read ? (o.write ? bidi : o.edtl) : 0;
	n = iscsi_pdu_get_cdb(pdu, t->cdb, sizeof(t->cdb));
	if (n < 0) {
		task_free(t);
		ffp_reject(c, pdu, ISCSI_REJECT_INVALID_PDU_FIELD);
		return;
	}
	t->cdb_len = (size_t)n;
	if (lu_set_xfer_len(ffp_luns(s), t->lun, t->cdb, t->cdb_len,
			    &t->xfer_len, &t->xfer_dir) < 0) {
		t->xfer_len = 0;
		t->xfer_dir = LU_DIR_NONE;
	}
	if (scsi_write_setup(t, pdu, o.final) < 0) {
		task_free(t);
		ffp_reject(c, pdu, ISCSI_REJECT_LONG_OP);
		return;
	}
	task_hash_add(t);
	t->state = scsi_data_complete(t) ? TASK_EXEC : TASK_RECEIVING;
	if (!ordered) {
		f->nimmediate += o.immediate;
	} else if (o.cmdsn == s->exp_cmdsn) {
		s->exp_cmdsn++;
		t->counted = true;
		task_execq_add(t);
	} else if (ffp_defect(c, DEFECT_CMDSN_NO_HOLD)) {
		t->immediate = true; /* defect: runs ahead of the gap */
		ordered = false;
	} else {
		(void)task_hold(t); /* duplicates were ruled out above */
	}
	scsi_r2t_more(t);
	if (!ordered && t->state == TASK_EXEC)
		scsi_exec(t);
	/* ordered tasks run from ffp_advance, after ffp_rx */
}

/* ---- Data-Out (§11.7) --------------------------------------------------- */

/*
 * A Data-Out that cannot be used.  ERL 0 has no recovery within a command
 * or connection (§7.1.5, §7.2): after the Reject the connection closes and
 * the session recovers.  At ERL >= 1 the PDU is discarded (with a Reject
 * when reason is not 0); lost data is asked again with a recovery R2T.
 */
static void data_error(struct tgt_conn *c, struct iscsi_pdu *pdu,
		       uint8_t reason, const char *why)
{
	if (reason)
		ffp_reject(c, pdu, reason);
	if (ffp_erl(c) == 0) {
		conn_log(c, "Data-Out error at ErrorRecoveryLevel 0: %s", why);
		conn_close_after_tx(c);
		c->state = CONN_CLOSING;
	}
}

/*
 * A DataSN out of order means the target missed a PDU (an implied digest
 * error, §7.8).  At ERL 0 there is no recovery R2T, so the target takes
 * §7.8's other choice: it keeps receiving the task's data (every
 * outstanding burst to its F bit), does not execute the command, and ends
 * the task with CHECK CONDITION, ABORTED COMMAND, PROTOCOL SERVICE CRC
 * ERROR (§11.4.7.2).  The session stays up.
 */
static void data_sequence_error(struct tgt_conn *c, struct tgt_task *t,
				const char *why)
{
	if (!t->failed)
		conn_log(c, "ITT 0x%08x: %s: the task will end with CHECK "
			    "CONDITION (ERL 0, RFC 7143 §7.8)",
			 t->itt, why);
	t->failed = true;
}

static void data_store(struct tgt_task *t, uint32_t off,
		       const struct iscsi_pdu *pdu)
{
	uint32_t n = (uint32_t)pdu->data_len;

	if (off >= t->wbuf_cap || !pdu->ddigest_ok || n == 0)
		return;
	if (n > t->wbuf_cap - off)
		n = t->wbuf_cap - off; /* unsolicited past the CDB: dropped */
	memcpy(t->wbuf + off, pdu->data, n);
}

static void data_unsolicited(struct tgt_conn *c, struct tgt_task *t,
			     struct iscsi_pdu *pdu,
			     const struct iscsi_data_out_f *o)
{
	uint32_t dsl = (uint32_t)pdu->data_len;
	uint64_t end = (uint64_t)o->buffer_offset + dsl;
	bool in_order = t->sess->params.data_pdu_in_order;

	if (!t->unsol_open) {
		data_error(c, pdu, ISCSI_REJECT_INVALID_PDU_FIELD,
			   "unsolicited Data-Out not expected");
		return;
	}
	/* §13.14: unsolicited data ends at FirstBurstLength */
	if (end > t->unsol_end) {
		data_error(c, pdu, ISCSI_REJECT_PROTOCOL_ERROR,
			   "unsolicited data beyond FirstBurstLength");
		return;
	}
	/* §11.7.5: DataSN counts the sequence's PDUs from 0 */
	if (o->datasn != t->unsol_next_datasn &&
	    !ffp_defect(c, DEFECT_ACCEPT_BAD_DATASN)) {
		if (ffp_erl(c)) {
			data_error(c, pdu, ISCSI_REJECT_PROTOCOL_ERROR,
				   "wrong DataSN in the first burst");
			return;
		}
		data_sequence_error(c, t, "wrong DataSN in the first burst");
		t->unsol_next_datasn = o->datasn;
	}
	t->unsol_next_datasn++;
	/* §13.18 DataPDUInOrder=Yes: contiguous offsets */
	if (pdu->ddigest_ok &&
	    (!in_order || o->buffer_offset == t->received)) {
		data_store(t, o->buffer_offset, pdu);
		if (end > t->received)
			t->received = (uint32_t)end;
	} else if (in_order && pdu->ddigest_ok) {
		data_error(c, pdu, ISCSI_REJECT_INVALID_PDU_FIELD,
			   "Buffer Offset out of order");
		return;
	}
	if (o->final) {
		/* the first burst is over: R2Ts ask for the rest, from the
		 * first byte not received (recovery included, §7.2) */
		t->unsol_open = false;
		t->next_r2t_offset = t->received;
		scsi_r2t_more(t);
	}
}

static struct tgt_r2t *r2t_find(struct tgt_task *t, uint32_t ttt)
{
	for (unsigned i = 0; i < TGT_MAX_R2T; i++)
		if (t->r2t_slot[i].active && t->r2t_slot[i].ttt == ttt)
			return &t->r2t_slot[i];
	return NULL;
}

/* A recovery R2T for the whole burst (§7.2, §11.8: same R2TSN). */
static void r2t_recover(struct tgt_task *t, struct tgt_r2t *r, bool final)
{
	r->recover = true;
	if (!final)
		return;
	r->recover = false;
	r->received = 0;
	r->next_datasn = 0;
	scsi_r2t_send(t, r);
}

static void data_solicited(struct tgt_conn *c, struct tgt_task *t,
			   struct iscsi_pdu *pdu,
			   const struct iscsi_data_out_f *o)
{
	struct tgt_r2t *r = r2t_find(t, o->ttt);
	uint32_t dsl = (uint32_t)pdu->data_len;
	uint64_t end = (uint64_t)o->buffer_offset + dsl;

	if (!r) {
		/* §11.17.1 Note 2: an invalid TTT */
		data_error(c, pdu, ISCSI_REJECT_INVALID_PDU_FIELD,
			   "Data-Out for no outstanding R2T");
		return;
	}
	if (r->recover) {
		r2t_recover(t, r, o->final);
		return;
	}
	/* §11.7.5: DataSN restarts at 0 for every R2T's sequence */
	if (o->datasn != r->next_datasn &&
	    !ffp_defect(c, DEFECT_ACCEPT_BAD_DATASN)) {
		if (ffp_erl(c)) {
			data_error(c, pdu, 0, "wrong DataSN");
			r2t_recover(t, r, o->final);
			return;
		}
		data_sequence_error(c, t, "wrong DataSN");
		r->next_datasn = o->datasn;
	}
	if (!pdu->ddigest_ok) {
		/* conn.c already sent the Reject (§7.8): recover the burst */
		r2t_recover(t, r, o->final);
		return;
	}
	/* §11.7.6: the offset lies in the R2T's window */
	if (o->buffer_offset < r->offset || end > (uint64_t)r->offset + r->len ||
	    (t->sess->params.data_pdu_in_order &&
	     o->buffer_offset != r->offset + r->received)) {
		data_error(c, pdu, ISCSI_REJECT_INVALID_PDU_FIELD,
			   "Buffer Offset outside the R2T");
		return;
	}
	data_store(t, o->buffer_offset, pdu);
	r->received += dsl;
	r->next_datasn++;
	if (!o->final)
		return;
	if (r->received != r->len) {
		/* the sequence ended short of DesiredDataTransferLength */
		data_error(c, pdu, ISCSI_REJECT_PROTOCOL_ERROR,
			   "R2T sequence ended early");
		if (ffp_erl(c))
			r2t_recover(t, r, true);
		return;
	}
	r->active = false;
	t->r2t_outstanding--;
	scsi_r2t_more(t);
}

static bool recently_aborted(const struct ffp_sess *f, uint32_t itt)
{
	for (unsigned i = 0; i < FFP_ABORTED_RING; i++)
		if (f->aborted[i] == itt && itt != 0)
			return true;
	return false;
}

void data_out_rx(struct tgt_conn *c, struct iscsi_pdu *pdu)
{
	struct tgt_session *s = c->sess;
	const struct iscsi_params *p = &s->params;
	struct iscsi_data_out_f o;
	struct tgt_task *t;

	iscsi_data_out_unpack(&pdu->bhs, &o);
	t = task_find(s, o.itt);
	if (!t || t->kind != FFP_KIND_SCSI || t->state == TASK_DONE ||
	    !t->wbuf || t->conn != c) {
		/* data for a task just aborted is dropped (§11.5.1) */
		if (recently_aborted(s->ffp, o.itt))
			return;
		/* §11.17.1 Note 2: an invalid ITT; data keeps connection
		 * allegiance (§4.2.4.1) */
		data_error(c, pdu, ISCSI_REJECT_INVALID_PDU_FIELD,
			   "Data-Out for no task");
		return;
	}
	/* §13.12: no segment beyond our MaxRecvDataSegmentLength */
	if (p->max_recv_dsl_target && pdu->data_len > p->max_recv_dsl_target) {
		data_error(c, pdu, ISCSI_REJECT_PROTOCOL_ERROR,
			   "data segment over MaxRecvDataSegmentLength");
		return;
	}
	if (o.ttt == ISCSI_RSVD_TAG)
		data_unsolicited(c, t, pdu, &o);
	else
		data_solicited(c, t, pdu, &o);
	if (c->state != CONN_FFP || !scsi_data_complete(t) ||
	    t->state != TASK_RECEIVING)
		return;
	if (t->in_execq) {
		t->state = TASK_EXEC; /* ffp_advance runs it in order */
	} else if (!t->counted) {
		t->state = TASK_EXEC;
		if (t->immediate)
			scsi_exec(t);
		/* a held task waits for its CmdSN */
	}
}
