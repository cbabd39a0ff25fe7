/* SPDX-License-Identifier: MIT */
/*
 * task.c - SCSI commands with their whole data exchange (RFC 7143 §11.3,
 * §11.4, §11.7, §11.8).
 *
 * Writes follow the negotiated rules unless a knob says otherwise:
 * immediate data when ImmediateData=Yes, up to FirstBurstLength and the
 * target's MaxRecvDataSegmentLength (§13.11, §13.14); unsolicited Data-Out
 * up to FirstBurstLength when InitialR2T=No (§13.10); the rest when the
 * target asks with R2T, in PDUs no larger than its MaxRecvDataSegmentLength
 * (§13.12), DataSN counting from 0 in each sequence (§11.7.5).  Reads place
 * Data-In by BufferOffset and take the status from the Data-In with S set
 * or from the SCSI Response.  Every PDU of the exchange is recorded in the
 * result.
 */
#include <stdio.h>
#include <string.h>

#include "engine_int.h"

static void note(struct cts_scsi_result *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void note(struct cts_scsi_result *r, const char *fmt, ...)
{
	size_t used = strlen(r->note);
	va_list ap;

	if (used + 3 >= sizeof(r->note))
		return;
	if (used) {
		memcpy(r->note + used, "; ", 3);
		used += 2;
	}
	va_start(ap, fmt);
	vsnprintf(r->note + used, sizeof(r->note) - used, fmt, ap);
	va_end(ap);
}

static void rec(struct cts_scsi_result *r, enum cts_dir dir,
		const struct iscsi_pdu *p)
{
	struct cts_task_pdu *t;

	if (r->npdus >= CTS_TASK_PDUS_MAX) {
		r->pdus_dropped++;
		return;
	}
	t = &r->pdus[r->npdus++];
	t->dir = dir;
	t->bhs = p->bhs;
	t->data_len = (uint32_t)p->data_len;
}

static uint32_t min32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

/* Sends data[from, to) as one Data-Out sequence for ttt. */
static int data_out_seq(struct cts_conn *c, struct cts_scsi_result *r,
			const uint8_t lun[8], uint32_t ttt, const uint8_t *data,
			uint32_t from, uint32_t to, uint32_t pdu_len)
{
	struct iscsi_data_out_f f;
	struct iscsi_pdu p;
	uint32_t datasn = 0;
	int rc = CTS_IO_OK;

	iscsi_pdu_init(&p);
	for (uint32_t off = from; off < to && !rc; off += pdu_len) {
		uint32_t n = min32(pdu_len, to - off);

		memset(&f, 0, sizeof(f));
		f.final = off + n == to;
		memcpy(f.lun, lun, sizeof(f.lun));
		f.itt = r->itt;
		f.ttt = ttt;
		f.exp_statsn = c->exp_statsn;
		f.datasn = datasn++;
		f.buffer_offset = off;
		iscsi_data_out_pack(&p.bhs, &f);
		if (iscsi_pdu_set_data(&p, data + off, n) < 0) {
			rc = CTS_IO_ERROR;
			break;
		}
		rc = cts_conn_send_pdu(c, &p);
		rec(r, CTS_SENT, &p);
		r->n_data_out++;
	}
	iscsi_pdu_release(&p);
	return rc;
}

struct xfer {
	const uint8_t *data;
	uint8_t *buf;
	uint32_t write_len, read_len, pdu_len, max_burst;
	uint32_t next_datasn, next_r2tsn;
	uint8_t lun[8];
	const struct cts_task_opts *o;
};

static void on_data_in(struct xfer *x, struct cts_scsi_result *r,
		       const struct iscsi_pdu *p)
{
	struct iscsi_data_in_f f;
	uint32_t end;

	iscsi_data_in_unpack(&p->bhs, &f);
	r->n_data_in++;
	if (f.datasn != x->next_datasn)
		note(r, "Data-In DataSN %u, expected %u", f.datasn,
		     x->next_datasn);
	x->next_datasn = f.datasn + 1u;
	end = f.buffer_offset + (uint32_t)p->data_len;
	if (end < f.buffer_offset || end > x->read_len) {
		note(r, "Data-In offset %u + %zu beyond the read length %u",
		     f.buffer_offset, p->data_len, x->read_len);
	} else if (x->buf && p->data_len) {
		memcpy(x->buf + f.buffer_offset, p->data, p->data_len);
	}
	if (end > r->data_len && end >= f.buffer_offset)
		r->data_len = end;
	if (f.status_present) {
		/* §11.7.4: status in the last Data-In; no SCSI Response */
		r->got_status = true;
		r->status_in_data = true;
		r->status = f.status;
		r->overflow = f.overflow;
		r->underflow = f.underflow;
		r->residual = f.residual;
		if (!f.final)
			note(r, "Data-In with S=1 but F=0");
	}
}

static int on_r2t(struct cts_conn *c, struct xfer *x,
		  struct cts_scsi_result *r, const struct iscsi_pdu *p)
{
	struct iscsi_r2t_f f;
	uint32_t end;

	iscsi_r2t_unpack(&p->bhs, &f);
	r->n_r2t++;
	if (f.r2tsn != x->next_r2tsn)
		note(r, "R2TSN %u, expected %u", f.r2tsn, x->next_r2tsn);
	x->next_r2tsn = f.r2tsn + 1u;
	if (x->max_burst && f.desired_len > x->max_burst)
		note(r, "R2T asks %u bytes, over MaxBurstLength %u",
		     f.desired_len, x->max_burst);
	end = f.buffer_offset + f.desired_len;
	if (end < f.buffer_offset || end > x->write_len) {
		note(r, "R2T for %u+%u beyond the write length %u",
		     f.buffer_offset, f.desired_len, x->write_len);
		end = x->write_len;
	}
	if (x->o->ignore_r2t || f.buffer_offset >= end)
		return CTS_IO_OK;
	r->solicited_len += end - f.buffer_offset;
	return data_out_seq(c, r, x->lun, f.ttt, x->data, f.buffer_offset,
			    end, x->pdu_len);
}

static void on_response(struct cts_scsi_result *r, const struct iscsi_pdu *p)
{
	struct iscsi_scsi_rsp_f f;
	const uint8_t *sense, *rd;
	size_t sl, rl;

	iscsi_scsi_rsp_unpack(&p->bhs, &f);
	if (r->status_in_data)
		note(r, "SCSI Response after a Data-In with status");
	r->got_status = true;
	r->response = f.response;
	r->status = f.status;
	r->overflow = f.overflow;
	r->underflow = f.underflow;
	r->residual = f.residual;
	if (iscsi_scsi_rsp_get_sense(p, &sense, &sl, &rd, &rl) < 0) {
		note(r, "SenseLength overruns the data segment");
		return;
	}
	if (sl > sizeof(r->sense))
		sl = sizeof(r->sense);
	if (sl)
		memcpy(r->sense, sense, sl);
	r->sense_len = sl;
}

/* Receives until the task's status (or a Reject) arrives. */
static int collect(struct cts_conn *c, struct xfer *x,
		   struct cts_scsi_result *r, unsigned timeout_ms)
{
	struct iscsi_pdu p;
	uint64_t deadline = cts_mono_ms() + cts_conn_budget(c, timeout_ms);
	int rc = CTS_IO_OK;

	iscsi_pdu_init(&p);
	while (!rc) {
		int left = (int)(deadline - cts_mono_ms());

		rc = cts_conn_recv_for(c, r->itt, &p,
				       left > 0 ? (unsigned)left : 1u);
		if (rc)
			break;
		rec(r, CTS_RECV, &p);
		switch (iscsi_bhs_opcode(&p.bhs)) {
		case ISCSI_OP_DATA_IN:
			on_data_in(x, r, &p);
			if (r->status_in_data)
				goto out;
			break;
		case ISCSI_OP_R2T:
			rc = on_r2t(c, x, r, &p);
			break;
		case ISCSI_OP_SCSI_RSP:
			on_response(r, &p);
			goto out;
		case ISCSI_OP_REJECT:
			r->rejected = true;
			r->reject_reason = p.bhs.opspec1[0];
			goto out;
		default:
			note(r, "unexpected %s for the task",
			     iscsi_opcode_name(iscsi_bhs_opcode(&p.bhs)));
			goto out;
		}
	}
out:
	iscsi_pdu_release(&p);
	return rc;
}

int cts_scsi_cmd(struct cts_ctx *ctx, struct cts_conn *c, uint32_t lun,
		 const uint8_t *cdb, size_t cdb_len, uint32_t edtl,
		 const uint8_t *data, uint8_t *buf,
		 const struct cts_task_opts *o, struct cts_scsi_result *r)
{
	static const struct cts_task_opts dflt;
	struct iscsi_params defaults;
	const struct iscsi_params *a;
	struct iscsi_scsi_cmd_f f;
	struct iscsi_pdu p;
	struct xfer x;
	uint32_t fbl, imm = 0, unsol_end = 0, extra_end;
	int rc;

	(void)ctx;
	memset(r, 0, sizeof(*r));
	memset(&x, 0, sizeof(x));
	if (!o)
		o = &dflt;
	iscsi_params_defaults(&defaults);
	a = c->sess ? &c->sess->agreed : &defaults;
	x.o = o;
	x.data = data;
	x.buf = buf;
	x.write_len = data ? edtl : 0;
	x.read_len = buf ? (data ? o->expected_read : edtl) : 0;
	x.pdu_len = o->data_pdu_len ? o->data_pdu_len :
		    a->max_recv_dsl_target ? a->max_recv_dsl_target :
					     ISCSI_TEXT_MIN_SUPPORT;
	x.max_burst = a->max_burst;
	if (iscsi_lun_encode(x.lun, lun) < 0) {
		cts_errf(c->err, sizeof(c->err), "LUN %u not encodable", lun);
		return r->io = CTS_IO_ERROR;
	}
	fbl = min32(a->first_burst, x.write_len);
	if (data && a->immediate_data && !o->no_immediate)
		imm = min32(fbl, x.pdu_len);
	unsol_end = imm;
	if (data && !a->initial_r2t && !o->no_unsolicited)
		unsol_end = fbl > imm ? fbl : imm;
	extra_end = unsol_end + min32(o->unsolicited_extra,
				      x.write_len - unsol_end);

	memset(&f, 0, sizeof(f));
	f.final = extra_end == imm; /* §11.3.1.2: no unsolicited data follows */
	f.read = buf != NULL;
	f.write = data != NULL;
	f.attr = o->attr ? o->attr : ISCSI_ATTR_SIMPLE;
	memcpy(f.lun, x.lun, sizeof(f.lun));
	f.itt = r->itt = cts_conn_new_itt(c);
	f.edtl = data ? x.write_len : x.read_len;
	iscsi_pdu_init(&p);
	iscsi_scsi_cmd_pack(&p.bhs, &f);
	if (iscsi_pdu_set_cdb(&p, cdb, cdb_len) < 0 ||
	    (data && buf && o->expected_read &&
	     iscsi_pdu_set_bidi_read_len(&p, o->expected_read) < 0) ||
	    (imm && iscsi_pdu_set_data(&p, data, imm) < 0)) {
		iscsi_pdu_release(&p);
		cts_errf(c->err, sizeof(c->err), "cannot build the command");
		return r->io = CTS_IO_ERROR;
	}
	rc = cts_conn_send_cmd(c, &p, o->flags, &r->cmdsn);
	rec(r, CTS_SENT, &p);
	iscsi_pdu_release(&p);
	r->immediate_len = imm;
	if (!rc && extra_end > imm) {
		/* unsolicited Data-Out, TTT 0xffffffff (§11.7.4) */
		r->unsolicited_len = extra_end - imm;
		rc = data_out_seq(c, r, x.lun, ISCSI_RSVD_TAG, data, imm,
				  extra_end, x.pdu_len);
	}
	if (!rc && !o->send_only)
		rc = collect(c, &x, r, o->timeout_ms);
	return r->io = rc;
}

int cts_scsi_read(struct cts_ctx *ctx, struct cts_conn *c, uint32_t lun,
		  const uint8_t *cdb, size_t cdb_len, uint32_t edtl,
		  uint8_t *buf, struct cts_scsi_result *r)
{
	return cts_scsi_cmd(ctx, c, lun, cdb, cdb_len, edtl, NULL, buf, NULL,
			    r);
}

int cts_scsi_write(struct cts_ctx *ctx, struct cts_conn *c, uint32_t lun,
		   const uint8_t *cdb, size_t cdb_len, uint32_t edtl,
		   const uint8_t *data, struct cts_scsi_result *r)
{
	return cts_scsi_cmd(ctx, c, lun, cdb, cdb_len, edtl, data, NULL, NULL,
			    r);
}
