/* SPDX-License-Identifier: MIT */
/*
 * ffp_datain.c - executing a SCSI task and answering it: Data-In PDUs
 * (§11.7.2) cut by the initiator's MaxRecvDataSegmentLength (§13.12) into
 * sequences of at most MaxBurstLength (§13.13), phase-collapsed status
 * where allowed (§11.7.3), the SCSI Response (§11.4) with residuals
 * (§11.4.5) and sense data (§11.4.7).
 */
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "ffp_int.h"
#include "scsi.h"
#include "serial.h"

static uint32_t min32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

/* ---- residuals (§11.4.5) ------------------------------------------------ */

struct residuals {
	bool over, under, bidi_over, bidi_under;
	uint32_t residual, bidi_residual;
};

static void residuals_of(const struct tgt_task *t, struct residuals *r)
{
	uint32_t rd = t->bidi_read_len;
	uint64_t full = t->lt.data_in_full;
	uint32_t want = (t->xfer_dir & LU_DIR_WRITE) ? t->xfer_len : 0;
	uint32_t rres = 0, wres = 0;
	bool rover = false, runder = false, wover = false, wunder = false;

	/* read: O when the command had more than EDTL to send (only EDTL
	 * went), U when it sent less than EDTL */
	if (full > rd) {
		rover = true;
		rres = full - rd > UINT32_MAX ? UINT32_MAX : (uint32_t)(full - rd);
	} else if (t->rlen < rd) {
		runder = true;
		rres = rd - t->rlen;
	}
	/* write: O when the CDB wanted more than EDTL, U when less */
	if (want > t->edtl) {
		wover = true;
		wres = want - t->edtl;
	} else if (want < t->edtl) {
		wunder = true;
		wres = t->edtl - want;
	}
	memset(r, 0, sizeof(*r));
	if (t->read && t->write) {
		/* §11.4.6: the read side goes in the Bidirectional fields */
		r->over = wover, r->under = wunder, r->residual = wres;
		r->bidi_over = rover, r->bidi_under = runder;
		r->bidi_residual = rres;
	} else if (t->write) {
		r->over = wover, r->under = wunder, r->residual = wres;
	} else {
		r->over = rover, r->under = runder, r->residual = rres;
	}
	if (r->residual && ffp_defect(t->conn, DEFECT_WRONG_RESIDUAL))
		r->residual += 512; /* defect: one block off */
}

/* ---- Data-In (§11.7.2) -------------------------------------------------- */

/* Segment size and sequence length of t's Data-In PDUs. */
static uint32_t seg_eff(const struct tgt_task *t)
{
	return t->din_seg < t->din_burst ? t->din_seg : t->din_burst;
}

uint32_t scsi_datain_count(const struct tgt_task *t)
{
	uint32_t seg = seg_eff(t), burst = t->din_burst, per, rest;

	if (!t->rlen || !seg)
		return 0;
	per = (burst + seg - 1) / seg;
	rest = t->rlen % burst;
	return t->rlen / burst * per + (rest + seg - 1) / seg;
}

/* Data-In PDUs in one full sequence of t. */
static uint32_t datain_per_burst(const struct tgt_task *t)
{
	uint32_t seg = seg_eff(t);

	return seg ? (t->din_burst + seg - 1) / seg : 1u;
}

/* The k-th Data-In PDU of t: offset, length and whether it ends its
 * sequence (F bit). */
static void datain_geometry(const struct tgt_task *t, uint32_t k,
			    uint32_t *off, uint32_t *len, bool *final)
{
	uint32_t seg = seg_eff(t), burst = t->din_burst;
	uint32_t per = (burst + seg - 1) / seg;
	uint32_t b = k / per, i = k % per;
	uint64_t bstart = (uint64_t)b * burst;
	uint64_t bend = bstart + burst > t->rlen ? t->rlen : bstart + burst;

	*off = (uint32_t)(bstart + (uint64_t)i * seg);
	*len = min32(seg, (uint32_t)(bend - *off));
	*final = *off + *len == bend;
}

static void datain_one(struct tgt_task *t, uint32_t k, bool last,
		       bool with_status, const struct residuals *res)
{
	struct tgt_conn *c = t->conn;
	struct iscsi_data_in_f f;
	struct iscsi_bhs bhs;
	struct iscsi_bhs_data_in *w = (struct iscsi_bhs_data_in *)&bhs;
	uint32_t off, len;
	bool final;

	datain_geometry(t, k, &off, &len, &final);
	memset(&f, 0, sizeof(f));
	f.itt = t->itt;
	f.ttt = ISCSI_RSVD_TAG;
	f.final = final;
	f.datasn = t->din_base + k;
	if (k > 0 && ffp_defect(c, DEFECT_DATAIN_DATASN_GAP))
		f.datasn++; /* defect: DataSN 0, 2, 3, ... */
	if (ffp_defect(c, DEFECT_DATAIN_DATASN_PER_BURST))
		f.datasn = t->din_base + k % datain_per_burst(t);
	f.buffer_offset = off;
	if (last && with_status) {
		/* §11.7.3: status in the last PDU, F and S set */
		f.final = f.status_present = true;
		f.status = t->lt.status;
		f.overflow = res->over;
		f.underflow = res->under;
		f.residual = res->residual;
	} else if (last && ffp_erl(c) >= 1) {
		/* §11.7.2: A only at ERL >= 1, at most on the PDU that ends
		 * the transfer; TTT and LUN are then valid (§11.7.4) */
		f.ack = true;
		if (t->din_ttt == ISCSI_RSVD_TAG)
			t->din_ttt = ffp_next_ttt(t->sess);
		f.ttt = t->din_ttt;
		memcpy(f.lun, t->lun_raw, 8);
	}
	iscsi_data_in_pack(&bhs, &f);
	if (f.status_present) {
		t->statsn = c->statsn;
		ffp_stamp(c, w->statsn, w->exp_cmdsn, w->max_cmdsn, true);
	} else {
		ffp_stamp(c, NULL, w->exp_cmdsn, w->max_cmdsn, false);
	}
	/* straight from the task's buffer, released once written (conn_send
	 * releases it itself when it cannot queue) */
	ffp_buf_ref(t->rbuf);
	(void)conn_send(c, &bhs, NULL, 0, t->rbuf->data + off, len,
			ffp_buf_release, t->rbuf);
}

static void datain_setup(struct tgt_task *t)
{
	struct tgt_conn *c = t->conn;
	const struct iscsi_params *p = &t->sess->params;

	/* §13.12: each segment within the initiator's MRDSL */
	t->din_seg = c && c->max_xmit_dsl ? c->max_xmit_dsl : 8192u;
	if (c && ffp_defect(c, DEFECT_DATAIN_OVER_MRDSL))
		t->din_seg *= 2;
	/* §13.13: sequences of at most MaxBurstLength */
	t->din_burst = p->max_burst ? p->max_burst : 262144u;
	if (c && ffp_defect(c, DEFECT_DATAIN_OVER_MAXBURST))
		t->din_burst *= 2;
	if (t->din_seg > t->din_burst &&
	    !(c && ffp_defect(c, DEFECT_DATAIN_OVER_MRDSL)))
		t->din_seg = t->din_burst;
	/* §11.7.5: bidirectional Data-In continues the R2TSN numbering */
	t->din_base = t->write ? t->r2tsn : 0;
	if (c && ffp_defect(c, DEFECT_DATAIN_DATASN_CONTINUES)) {
		/* defect: one DataSN count across the commands */
		static uint32_t defect_datasn;

		t->din_base = __atomic_fetch_add(&defect_datasn,
						 scsi_datain_count(t),
						 __ATOMIC_RELAXED);
	}
}

void scsi_datain_resend(struct tgt_task *t, uint32_t from, uint32_t to)
{
	struct residuals res;
	uint32_t n = scsi_datain_count(t);

	if (!t->conn || !t->rbuf)
		return;
	residuals_of(t, &res);
	for (uint32_t k = from; k < to && k < n; k++)
		datain_one(t, k, false, false, &res);
}

/* ---- SCSI Response (§11.4) ---------------------------------------------- */

static void response_send(struct tgt_task *t, bool again, uint32_t snack_tag)
{
	struct tgt_conn *c = t->conn;
	struct iscsi_scsi_rsp_f f;
	struct residuals res;
	struct iscsi_bhs bhs;
	struct iscsi_bhs_scsi_rsp *w = (struct iscsi_bhs_scsi_rsp *)&bhs;
	uint8_t data[2 + LU_SENSE_MAX];
	size_t n = 0;

	residuals_of(t, &res);
	memset(&f, 0, sizeof(f));
	f.itt = t->itt;
	f.response = ISCSI_RSP_COMPLETED;
	f.status = t->lt.status;
	f.overflow = res.over;
	f.underflow = res.under;
	f.residual = res.residual;
	f.bidi_overflow = res.bidi_over;
	f.bidi_underflow = res.bidi_under;
	f.bidi_residual = res.bidi_residual;
	f.snack_tag = snack_tag;
	/* §11.4.8: ExpDataSN = the number of Data-In PDUs (and R2Ts for
	 * bidirectional commands) sent */
	f.exp_datasn = t->din_base + scsi_datain_count(t);
	if (c && ffp_defect(c, DEFECT_EXPDATASN_WRONG))
		f.exp_datasn++;
	iscsi_scsi_rsp_pack(&bhs, &f);
	if (again) {
		/* a retransmitted status keeps its StatSN (§11.16.1) */
		iscsi_put32(w->statsn, t->statsn);
		ffp_stamp(c, NULL, w->exp_cmdsn, w->max_cmdsn, false);
	} else {
		t->statsn = c->statsn;
		ffp_stamp(c, w->statsn, w->exp_cmdsn, w->max_cmdsn, true);
		if (ffp_defect(c, DEFECT_STATSN_SKIP))
			c->statsn++;
	}
	/* §11.4.7: SenseLength (2 bytes) and the sense data */
	if (t->lt.sense_len) {
		size_t sl = t->lt.sense_len > LU_SENSE_MAX ? LU_SENSE_MAX :
							     t->lt.sense_len;

		iscsi_put16(data, (uint16_t)sl);
		memcpy(data + 2, t->lt.sense, sl);
		n = 2 + sl;
	}
	memcpy(t->rsp, &bhs, ISCSI_BHS_LEN);
	conn_send_copy(c, &bhs, n ? data : NULL, n);
}

void scsi_status_resend(struct tgt_task *t, uint32_t snack_tag)
{
	if (t->conn)
		response_send(t, true, snack_tag);
}

/* Status out; the task is kept for SNACK at ERL >= 1, else freed. */
static void task_finish(struct tgt_task *t, bool collapsed)
{
	struct tgt_conn *c = t->conn;

	t->collapsed = collapsed;
	if (c && !collapsed)
		response_send(t, false, 0);
	if (!c || ffp_erl(c) >= 1)
		task_retain(t); /* §11.16: kept until ExpStatSN passes it */
	else
		task_free(t);
}

static void respond(struct tgt_task *t)
{
	struct tgt_conn *c = t->conn;
	struct residuals res;
	uint32_t n;
	bool collapse;

	if (!c || c->state != CONN_FFP) {
		task_finish(t, false);
		return;
	}
	datain_setup(t);
	n = scsi_datain_count(t);
	/* §11.7.3: status may ride on the last Data-In only for GOOD status
	 * without sense data, and never for bidirectional commands */
	collapse = n > 0 && t->lt.status == SCSI_STATUS_GOOD &&
		   !t->lt.sense_len && !t->write &&
		   !ffp_defect(c, DEFECT_EXPDATASN_WRONG);
	residuals_of(t, &res);
	for (uint32_t k = 0; k < n; k++)
		datain_one(t, k, k + 1 == n, collapse, &res);
	task_finish(t, collapse);
}

void scsi_fail(struct tgt_task *t, uint8_t key, uint8_t asc, uint8_t ascq)
{
	memset(&t->lt, 0, sizeof(t->lt));
	t->lt.status = SCSI_STATUS_CHECK_CONDITION;
	/* fixed format sense (SPC-4 §4.5.3) */
	t->lt.sense[0] = 0x70;
	t->lt.sense[2] = key;
	t->lt.sense[7] = 10;
	t->lt.sense[12] = asc;
	t->lt.sense[13] = ascq;
	t->lt.sense_len = 18;
	t->rlen = 0;
	task_finish(t, false);
}

static int read_buffer(struct tgt_task *t, uint32_t *cap)
{
	uint32_t rd = t->bidi_read_len;

	if (t->xfer_dir & LU_DIR_READ)
		*cap = min32(rd, t->xfer_len);
	else if (t->xfer_dir == LU_DIR_NONE && t->xfer_len == 0)
		*cap = min32(rd, FFP_UNKNOWN_XFER_CAP);
	else
		*cap = 0;
	*cap = min32(*cap, LU_MAX_XFER_BYTES);
	if (!*cap)
		return 0;
	if (t->rbuf && (t->rbuf->cap < *cap || t->rbuf->refs > 1)) {
		ffp_buf_release(t->rbuf);
		t->rbuf = NULL;
	}
	if (!t->rbuf)
		t->rbuf = ffp_buf_new(*cap);
	return t->rbuf ? 0 : -1;
}

void scsi_exec(struct tgt_task *t)
{
	struct tgt_session *s = t->sess;
	uint32_t cap = 0;
	uint32_t wlen;

	t->state = TASK_SENDING;
	if (t->failed) {
		/* §7.8 (b): a data sequence error ends the task unexecuted
		 * with PROTOCOL SERVICE CRC ERROR (47h/05h, §11.4.7.2) */
		scsi_fail(t, 0x0b, 0x47, 0x05);
		return;
	}
	if (read_buffer(t, &cap) < 0) {
		/* ABORTED COMMAND, SYSTEM RESOURCE FAILURE (SPC-4) */
		scsi_fail(t, 0x0b, 0x55, 0x00);
		return;
	}
	wlen = t->received > t->solicit_end ? t->received : t->solicit_end;
	wlen = min32(wlen, t->wbuf_cap);
	memset(&t->lt, 0, sizeof(t->lt));
	t->lt.nexus = s->nexus;
	t->lt.cdb = t->cdb;
	t->lt.cdb_len = t->cdb_len;
	t->lt.edtl_in = t->bidi_read_len;
	t->lt.edtl_out = t->edtl;
	t->lt.data_out = t->wbuf;
	t->lt.data_out_len = t->wbuf ? wlen : 0;
	t->lt.data_in = cap ? t->rbuf->data : NULL;
	t->lt.data_in_cap = cap;
	lu_set_exec(ffp_luns(s), t->lun, &t->lt);
	t->rlen = (uint32_t)min32((uint32_t)t->lt.data_in_len, cap);
	respond(t);
}
