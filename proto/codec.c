/* SPDX-License-Identifier: MIT */
/*
 * codec.c - pack/unpack of the 18 BHS kinds (RFC 7143 §11.3-§11.19)
 * through the wire structs of wire.h.
 */
#include <string.h>

#include "codec.h"

/* Clears the BHS but for TotalAHSLength and DataSegmentLength (owned by
 * the segments), then writes byte 0 and byte 1. */
static void bhs_start(struct iscsi_bhs *b, uint8_t opcode, bool immediate,
		      uint8_t flags)
{
	uint8_t ahs = b->total_ahs_len, dsl[3];

	memcpy(dsl, b->dsl, sizeof(dsl));
	memset(b, 0, sizeof(*b));
	b->total_ahs_len = ahs;
	memcpy(b->dsl, dsl, sizeof(dsl));
	b->opcode = (uint8_t)(opcode | (immediate ? ISCSI_OP_IMMEDIATE : 0));
	b->flags = flags;
}

static uint8_t flag(bool on, unsigned mask)
{
	return on ? (uint8_t)mask : 0;
}

/* ---- initiator PDUs ----------------------------------------------------- */

void iscsi_nop_out_pack(struct iscsi_bhs *bhs, const struct iscsi_nop_out_f *f)
{
	struct iscsi_bhs_nop_out *w = (struct iscsi_bhs_nop_out *)bhs;

	bhs_start(bhs, ISCSI_OP_NOP_OUT, f->immediate, ISCSI_FLAG_FINAL);
	memcpy(w->lun, f->lun, 8);
	iscsi_put32(w->itt, f->itt);
	iscsi_put32(w->ttt, f->ttt);
	iscsi_put32(w->cmdsn, f->cmdsn);
	iscsi_put32(w->exp_statsn, f->exp_statsn);
}

void iscsi_nop_out_unpack(const struct iscsi_bhs *bhs,
			  struct iscsi_nop_out_f *f)
{
	const struct iscsi_bhs_nop_out *w =
		(const struct iscsi_bhs_nop_out *)bhs;

	memset(f, 0, sizeof(*f));
	f->immediate = iscsi_bhs_immediate(bhs);
	memcpy(f->lun, w->lun, 8);
	f->itt = iscsi_get32(w->itt);
	f->ttt = iscsi_get32(w->ttt);
	f->cmdsn = iscsi_get32(w->cmdsn);
	f->exp_statsn = iscsi_get32(w->exp_statsn);
}

void iscsi_scsi_cmd_pack(struct iscsi_bhs *bhs,
			 const struct iscsi_scsi_cmd_f *f)
{
	struct iscsi_bhs_scsi_cmd *w = (struct iscsi_bhs_scsi_cmd *)bhs;

	bhs_start(bhs, ISCSI_OP_SCSI_CMD, f->immediate,
		  flag(f->final, ISCSI_SCSI_CMD_F) |
			  flag(f->read, ISCSI_SCSI_CMD_R) |
			  flag(f->write, ISCSI_SCSI_CMD_W) |
			  (f->attr & ISCSI_SCSI_CMD_ATTR_MASK));
	memcpy(w->lun, f->lun, 8);
	iscsi_put32(w->itt, f->itt);
	iscsi_put32(w->edtl, f->edtl);
	iscsi_put32(w->cmdsn, f->cmdsn);
	iscsi_put32(w->exp_statsn, f->exp_statsn);
	memcpy(w->cdb, f->cdb, ISCSI_CDB_BHS_LEN);
}

void iscsi_scsi_cmd_unpack(const struct iscsi_bhs *bhs,
			   struct iscsi_scsi_cmd_f *f)
{
	const struct iscsi_bhs_scsi_cmd *w =
		(const struct iscsi_bhs_scsi_cmd *)bhs;

	memset(f, 0, sizeof(*f));
	f->immediate = iscsi_bhs_immediate(bhs);
	f->final = w->flags & ISCSI_SCSI_CMD_F;
	f->read = w->flags & ISCSI_SCSI_CMD_R;
	f->write = w->flags & ISCSI_SCSI_CMD_W;
	f->attr = w->flags & ISCSI_SCSI_CMD_ATTR_MASK;
	memcpy(f->lun, w->lun, 8);
	f->itt = iscsi_get32(w->itt);
	f->edtl = iscsi_get32(w->edtl);
	f->cmdsn = iscsi_get32(w->cmdsn);
	f->exp_statsn = iscsi_get32(w->exp_statsn);
	memcpy(f->cdb, w->cdb, ISCSI_CDB_BHS_LEN);
}

void iscsi_tmf_req_pack(struct iscsi_bhs *bhs, const struct iscsi_tmf_req_f *f)
{
	struct iscsi_bhs_tmf_req *w = (struct iscsi_bhs_tmf_req *)bhs;

	bhs_start(bhs, ISCSI_OP_TMF_REQ, f->immediate,
		  ISCSI_FLAG_FINAL | (f->function & ISCSI_TMF_FUNC_MASK));
	memcpy(w->lun, f->lun, 8);
	iscsi_put32(w->itt, f->itt);
	iscsi_put32(w->ref_task_tag, f->ref_task_tag);
	iscsi_put32(w->cmdsn, f->cmdsn);
	iscsi_put32(w->exp_statsn, f->exp_statsn);
	iscsi_put32(w->ref_cmdsn, f->ref_cmdsn);
	iscsi_put32(w->exp_datasn, f->exp_datasn);
}

void iscsi_tmf_req_unpack(const struct iscsi_bhs *bhs,
			  struct iscsi_tmf_req_f *f)
{
	const struct iscsi_bhs_tmf_req *w =
		(const struct iscsi_bhs_tmf_req *)bhs;

	memset(f, 0, sizeof(*f));
	f->immediate = iscsi_bhs_immediate(bhs);
	f->function = w->flags & ISCSI_TMF_FUNC_MASK;
	memcpy(f->lun, w->lun, 8);
	f->itt = iscsi_get32(w->itt);
	f->ref_task_tag = iscsi_get32(w->ref_task_tag);
	f->cmdsn = iscsi_get32(w->cmdsn);
	f->exp_statsn = iscsi_get32(w->exp_statsn);
	f->ref_cmdsn = iscsi_get32(w->ref_cmdsn);
	f->exp_datasn = iscsi_get32(w->exp_datasn);
}

static uint8_t login_flags(bool transit, bool cont, uint8_t csg, uint8_t nsg)
{
	return (uint8_t)(flag(transit, ISCSI_LOGIN_T) |
			 flag(cont, ISCSI_LOGIN_C) |
			 ((csg << ISCSI_LOGIN_CSG_SHIFT) & ISCSI_LOGIN_CSG_MASK) |
			 ((nsg << ISCSI_LOGIN_NSG_SHIFT) & ISCSI_LOGIN_NSG_MASK));
}

void iscsi_login_req_pack(struct iscsi_bhs *bhs,
			  const struct iscsi_login_req_f *f)
{
	struct iscsi_bhs_login_req *w = (struct iscsi_bhs_login_req *)bhs;

	/* §11.12: the I bit of a Login Request is always 1 */
	bhs_start(bhs, ISCSI_OP_LOGIN_REQ, true,
		  login_flags(f->transit, f->cont, f->csg, f->nsg));
	w->version_max = f->version_max;
	w->version_min = f->version_min;
	iscsi_isid_put(w->isid, f->isid);
	iscsi_put16(w->tsih, f->tsih);
	iscsi_put32(w->itt, f->itt);
	iscsi_put16(w->cid, f->cid);
	iscsi_put32(w->cmdsn, f->cmdsn);
	iscsi_put32(w->exp_statsn, f->exp_statsn);
}

void iscsi_login_req_unpack(const struct iscsi_bhs *bhs,
			    struct iscsi_login_req_f *f)
{
	const struct iscsi_bhs_login_req *w =
		(const struct iscsi_bhs_login_req *)bhs;

	memset(f, 0, sizeof(*f));
	f->transit = w->flags & ISCSI_LOGIN_T;
	f->cont = w->flags & ISCSI_LOGIN_C;
	f->csg = (w->flags & ISCSI_LOGIN_CSG_MASK) >> ISCSI_LOGIN_CSG_SHIFT;
	f->nsg = (w->flags & ISCSI_LOGIN_NSG_MASK) >> ISCSI_LOGIN_NSG_SHIFT;
	f->version_max = w->version_max;
	f->version_min = w->version_min;
	f->isid = iscsi_isid_get(w->isid);
	f->tsih = iscsi_get16(w->tsih);
	f->itt = iscsi_get32(w->itt);
	f->cid = iscsi_get16(w->cid);
	f->cmdsn = iscsi_get32(w->cmdsn);
	f->exp_statsn = iscsi_get32(w->exp_statsn);
}

void iscsi_text_req_pack(struct iscsi_bhs *bhs,
			 const struct iscsi_text_req_f *f)
{
	struct iscsi_bhs_text_req *w = (struct iscsi_bhs_text_req *)bhs;

	bhs_start(bhs, ISCSI_OP_TEXT_REQ, f->immediate,
		  flag(f->final, ISCSI_TEXT_F) | flag(f->cont, ISCSI_TEXT_C));
	memcpy(w->lun, f->lun, 8);
	iscsi_put32(w->itt, f->itt);
	iscsi_put32(w->ttt, f->ttt);
	iscsi_put32(w->cmdsn, f->cmdsn);
	iscsi_put32(w->exp_statsn, f->exp_statsn);
}

void iscsi_text_req_unpack(const struct iscsi_bhs *bhs,
			   struct iscsi_text_req_f *f)
{
	const struct iscsi_bhs_text_req *w =
		(const struct iscsi_bhs_text_req *)bhs;

	memset(f, 0, sizeof(*f));
	f->immediate = iscsi_bhs_immediate(bhs);
	f->final = w->flags & ISCSI_TEXT_F;
	f->cont = w->flags & ISCSI_TEXT_C;
	memcpy(f->lun, w->lun, 8);
	f->itt = iscsi_get32(w->itt);
	f->ttt = iscsi_get32(w->ttt);
	f->cmdsn = iscsi_get32(w->cmdsn);
	f->exp_statsn = iscsi_get32(w->exp_statsn);
}

void iscsi_data_out_pack(struct iscsi_bhs *bhs,
			 const struct iscsi_data_out_f *f)
{
	struct iscsi_bhs_data_out *w = (struct iscsi_bhs_data_out *)bhs;

	bhs_start(bhs, ISCSI_OP_DATA_OUT, false,
		  flag(f->final, ISCSI_DATA_OUT_F));
	memcpy(w->lun, f->lun, 8);
	iscsi_put32(w->itt, f->itt);
	iscsi_put32(w->ttt, f->ttt);
	iscsi_put32(w->exp_statsn, f->exp_statsn);
	iscsi_put32(w->datasn, f->datasn);
	iscsi_put32(w->buffer_offset, f->buffer_offset);
}

void iscsi_data_out_unpack(const struct iscsi_bhs *bhs,
			   struct iscsi_data_out_f *f)
{
	const struct iscsi_bhs_data_out *w =
		(const struct iscsi_bhs_data_out *)bhs;

	memset(f, 0, sizeof(*f));
	f->final = w->flags & ISCSI_DATA_OUT_F;
	memcpy(f->lun, w->lun, 8);
	f->itt = iscsi_get32(w->itt);
	f->ttt = iscsi_get32(w->ttt);
	f->exp_statsn = iscsi_get32(w->exp_statsn);
	f->datasn = iscsi_get32(w->datasn);
	f->buffer_offset = iscsi_get32(w->buffer_offset);
}

void iscsi_logout_req_pack(struct iscsi_bhs *bhs,
			   const struct iscsi_logout_req_f *f)
{
	struct iscsi_bhs_logout_req *w = (struct iscsi_bhs_logout_req *)bhs;

	bhs_start(bhs, ISCSI_OP_LOGOUT_REQ, f->immediate,
		  ISCSI_FLAG_FINAL | (f->reason & ISCSI_LOGOUT_REASON_MASK));
	iscsi_put32(w->itt, f->itt);
	iscsi_put16(w->cid, f->cid);
	iscsi_put32(w->cmdsn, f->cmdsn);
	iscsi_put32(w->exp_statsn, f->exp_statsn);
}

void iscsi_logout_req_unpack(const struct iscsi_bhs *bhs,
			     struct iscsi_logout_req_f *f)
{
	const struct iscsi_bhs_logout_req *w =
		(const struct iscsi_bhs_logout_req *)bhs;

	memset(f, 0, sizeof(*f));
	f->immediate = iscsi_bhs_immediate(bhs);
	f->reason = w->flags & ISCSI_LOGOUT_REASON_MASK;
	f->itt = iscsi_get32(w->itt);
	f->cid = iscsi_get16(w->cid);
	f->cmdsn = iscsi_get32(w->cmdsn);
	f->exp_statsn = iscsi_get32(w->exp_statsn);
}

void iscsi_snack_pack(struct iscsi_bhs *bhs, const struct iscsi_snack_f *f)
{
	struct iscsi_bhs_snack *w = (struct iscsi_bhs_snack *)bhs;

	bhs_start(bhs, ISCSI_OP_SNACK_REQ, false,
		  ISCSI_FLAG_FINAL | (f->type & ISCSI_SNACK_TYPE_MASK));
	memcpy(w->lun, f->lun, 8);
	iscsi_put32(w->itt, f->itt);
	iscsi_put32(w->ttt, f->ttt);
	iscsi_put32(w->exp_statsn, f->exp_statsn);
	iscsi_put32(w->begrun, f->begrun);
	iscsi_put32(w->runlength, f->runlength);
}

void iscsi_snack_unpack(const struct iscsi_bhs *bhs, struct iscsi_snack_f *f)
{
	const struct iscsi_bhs_snack *w = (const struct iscsi_bhs_snack *)bhs;

	memset(f, 0, sizeof(*f));
	f->type = w->flags & ISCSI_SNACK_TYPE_MASK;
	memcpy(f->lun, w->lun, 8);
	f->itt = iscsi_get32(w->itt);
	f->ttt = iscsi_get32(w->ttt);
	f->exp_statsn = iscsi_get32(w->exp_statsn);
	f->begrun = iscsi_get32(w->begrun);
	f->runlength = iscsi_get32(w->runlength);
}

/* ---- target PDUs -------------------------------------------------------- */

void iscsi_nop_in_pack(struct iscsi_bhs *bhs, const struct iscsi_nop_in_f *f)
{
	struct iscsi_bhs_nop_in *w = (struct iscsi_bhs_nop_in *)bhs;

	bhs_start(bhs, ISCSI_OP_NOP_IN, false, ISCSI_FLAG_FINAL);
	memcpy(w->lun, f->lun, 8);
	iscsi_put32(w->itt, f->itt);
	iscsi_put32(w->ttt, f->ttt);
	iscsi_put32(w->statsn, f->statsn);
	iscsi_put32(w->exp_cmdsn, f->exp_cmdsn);
	iscsi_put32(w->max_cmdsn, f->max_cmdsn);
}

void iscsi_nop_in_unpack(const struct iscsi_bhs *bhs, struct iscsi_nop_in_f *f)
{
	const struct iscsi_bhs_nop_in *w = (const struct iscsi_bhs_nop_in *)bhs;

	memset(f, 0, sizeof(*f));
	memcpy(f->lun, w->lun, 8);
	f->itt = iscsi_get32(w->itt);
	f->ttt = iscsi_get32(w->ttt);
	f->statsn = iscsi_get32(w->statsn);
	f->exp_cmdsn = iscsi_get32(w->exp_cmdsn);
	f->max_cmdsn = iscsi_get32(w->max_cmdsn);
}

void iscsi_scsi_rsp_pack(struct iscsi_bhs *bhs,
			 const struct iscsi_scsi_rsp_f *f)
{
	struct iscsi_bhs_scsi_rsp *w = (struct iscsi_bhs_scsi_rsp *)bhs;

	bhs_start(bhs, ISCSI_OP_SCSI_RSP, false,
		  ISCSI_FLAG_FINAL | flag(f->bidi_overflow, ISCSI_SCSI_RSP_o) |
			  flag(f->bidi_underflow, ISCSI_SCSI_RSP_u) |
			  flag(f->overflow, ISCSI_SCSI_RSP_O) |
			  flag(f->underflow, ISCSI_SCSI_RSP_U));
	w->response = f->response;
	w->status = f->status;
	iscsi_put32(w->itt, f->itt);
	iscsi_put32(w->snack_tag, f->snack_tag);
	iscsi_put32(w->statsn, f->statsn);
	iscsi_put32(w->exp_cmdsn, f->exp_cmdsn);
	iscsi_put32(w->max_cmdsn, f->max_cmdsn);
	iscsi_put32(w->exp_datasn, f->exp_datasn);
	iscsi_put32(w->bidi_residual, f->bidi_residual);
	iscsi_put32(w->residual, f->residual);
}

void iscsi_scsi_rsp_unpack(const struct iscsi_bhs *bhs,
			   struct iscsi_scsi_rsp_f *f)
{
	const struct iscsi_bhs_scsi_rsp *w =
		(const struct iscsi_bhs_scsi_rsp *)bhs;

	memset(f, 0, sizeof(*f));
	f->bidi_overflow = w->flags & ISCSI_SCSI_RSP_o;
	f->bidi_underflow = w->flags & ISCSI_SCSI_RSP_u;
	f->overflow = w->flags & ISCSI_SCSI_RSP_O;
	f->underflow = w->flags & ISCSI_SCSI_RSP_U;
	f->response = w->response;
	f->status = w->status;
	f->itt = iscsi_get32(w->itt);
	f->snack_tag = iscsi_get32(w->snack_tag);
	f->statsn = iscsi_get32(w->statsn);
	f->exp_cmdsn = iscsi_get32(w->exp_cmdsn);
	f->max_cmdsn = iscsi_get32(w->max_cmdsn);
	f->exp_datasn = iscsi_get32(w->exp_datasn);
	f->bidi_residual = iscsi_get32(w->bidi_residual);
	f->residual = iscsi_get32(w->residual);
}

void iscsi_tmf_rsp_pack(struct iscsi_bhs *bhs, const struct iscsi_tmf_rsp_f *f)
{
	struct iscsi_bhs_tmf_rsp *w = (struct iscsi_bhs_tmf_rsp *)bhs;

	bhs_start(bhs, ISCSI_OP_TMF_RSP, false, ISCSI_FLAG_FINAL);
	w->response = f->response;
	iscsi_put32(w->itt, f->itt);
	iscsi_put32(w->statsn, f->statsn);
	iscsi_put32(w->exp_cmdsn, f->exp_cmdsn);
	iscsi_put32(w->max_cmdsn, f->max_cmdsn);
}

void iscsi_tmf_rsp_unpack(const struct iscsi_bhs *bhs,
			  struct iscsi_tmf_rsp_f *f)
{
	const struct iscsi_bhs_tmf_rsp *w = (const struct iscsi_bhs_tmf_rsp *)bhs;

	memset(f, 0, sizeof(*f));
	f->response = w->response;
	f->itt = iscsi_get32(w->itt);
	f->statsn = iscsi_get32(w->statsn);
	f->exp_cmdsn = iscsi_get32(w->exp_cmdsn);
	f->max_cmdsn = iscsi_get32(w->max_cmdsn);
}

void iscsi_login_rsp_pack(struct iscsi_bhs *bhs,
			  const struct iscsi_login_rsp_f *f)
{
	struct iscsi_bhs_login_rsp *w = (struct iscsi_bhs_login_rsp *)bhs;

	bhs_start(bhs, ISCSI_OP_LOGIN_RSP, false,
		  login_flags(f->transit, f->cont, f->csg, f->nsg));
	w->version_max = f->version_max;
	w->version_active = f->version_active;
	iscsi_isid_put(w->isid, f->isid);
	iscsi_put16(w->tsih, f->tsih);
	iscsi_put32(w->itt, f->itt);
	iscsi_put32(w->statsn, f->statsn);
	iscsi_put32(w->exp_cmdsn, f->exp_cmdsn);
	iscsi_put32(w->max_cmdsn, f->max_cmdsn);
	w->status_class = f->status_class;
	w->status_detail = f->status_detail;
}

void iscsi_login_rsp_unpack(const struct iscsi_bhs *bhs,
			    struct iscsi_login_rsp_f *f)
{
	const struct iscsi_bhs_login_rsp *w =
		(const struct iscsi_bhs_login_rsp *)bhs;

	memset(f, 0, sizeof(*f));
	f->transit = w->flags & ISCSI_LOGIN_T;
	f->cont = w->flags & ISCSI_LOGIN_C;
	f->csg = (w->flags & ISCSI_LOGIN_CSG_MASK) >> ISCSI_LOGIN_CSG_SHIFT;
	f->nsg = (w->flags & ISCSI_LOGIN_NSG_MASK) >> ISCSI_LOGIN_NSG_SHIFT;
	f->version_max = w->version_max;
	f->version_active = w->version_active;
	f->isid = iscsi_isid_get(w->isid);
	f->tsih = iscsi_get16(w->tsih);
	f->itt = iscsi_get32(w->itt);
	f->statsn = iscsi_get32(w->statsn);
	f->exp_cmdsn = iscsi_get32(w->exp_cmdsn);
	f->max_cmdsn = iscsi_get32(w->max_cmdsn);
	f->status_class = w->status_class;
	f->status_detail = w->status_detail;
}

void iscsi_text_rsp_pack(struct iscsi_bhs *bhs,
			 const struct iscsi_text_rsp_f *f)
{
	struct iscsi_bhs_text_rsp *w = (struct iscsi_bhs_text_rsp *)bhs;

	bhs_start(bhs, ISCSI_OP_TEXT_RSP, false,
		  flag(f->final, ISCSI_TEXT_F) | flag(f->cont, ISCSI_TEXT_C));
	memcpy(w->lun, f->lun, 8);
	iscsi_put32(w->itt, f->itt);
	iscsi_put32(w->ttt, f->ttt);
	iscsi_put32(w->statsn, f->statsn);
	iscsi_put32(w->exp_cmdsn, f->exp_cmdsn);
	iscsi_put32(w->max_cmdsn, f->max_cmdsn);
}

void iscsi_text_rsp_unpack(const struct iscsi_bhs *bhs,
			   struct iscsi_text_rsp_f *f)
{
	const struct iscsi_bhs_text_rsp *w =
		(const struct iscsi_bhs_text_rsp *)bhs;

	memset(f, 0, sizeof(*f));
	f->final = w->flags & ISCSI_TEXT_F;
	f->cont = w->flags & ISCSI_TEXT_C;
	memcpy(f->lun, w->lun, 8);
	f->itt = iscsi_get32(w->itt);
	f->ttt = iscsi_get32(w->ttt);
	f->statsn = iscsi_get32(w->statsn);
	f->exp_cmdsn = iscsi_get32(w->exp_cmdsn);
	f->max_cmdsn = iscsi_get32(w->max_cmdsn);
}

void iscsi_data_in_pack(struct iscsi_bhs *bhs, const struct iscsi_data_in_f *f)
{
	struct iscsi_bhs_data_in *w = (struct iscsi_bhs_data_in *)bhs;

	bhs_start(bhs, ISCSI_OP_DATA_IN, false,
		  flag(f->final, ISCSI_DATA_IN_F) |
			  flag(f->ack, ISCSI_DATA_IN_A) |
			  flag(f->overflow, ISCSI_DATA_IN_O) |
			  flag(f->underflow, ISCSI_DATA_IN_U) |
			  flag(f->status_present, ISCSI_DATA_IN_S));
	w->status = f->status;
	memcpy(w->lun, f->lun, 8);
	iscsi_put32(w->itt, f->itt);
	iscsi_put32(w->ttt, f->ttt);
	iscsi_put32(w->statsn, f->statsn);
	iscsi_put32(w->exp_cmdsn, f->exp_cmdsn);
	iscsi_put32(w->max_cmdsn, f->max_cmdsn);
	iscsi_put32(w->datasn, f->datasn);
	iscsi_put32(w->buffer_offset, f->buffer_offset);
	iscsi_put32(w->residual, f->residual);
}

void iscsi_data_in_unpack(const struct iscsi_bhs *bhs,
			  struct iscsi_data_in_f *f)
{
	const struct iscsi_bhs_data_in *w =
		(const struct iscsi_bhs_data_in *)bhs;

	memset(f, 0, sizeof(*f));
	f->final = w->flags & ISCSI_DATA_IN_F;
	f->ack = w->flags & ISCSI_DATA_IN_A;
	f->overflow = w->flags & ISCSI_DATA_IN_O;
	f->underflow = w->flags & ISCSI_DATA_IN_U;
	f->status_present = w->flags & ISCSI_DATA_IN_S;
	f->status = w->status;
	memcpy(f->lun, w->lun, 8);
	f->itt = iscsi_get32(w->itt);
	f->ttt = iscsi_get32(w->ttt);
	f->statsn = iscsi_get32(w->statsn);
	f->exp_cmdsn = iscsi_get32(w->exp_cmdsn);
	f->max_cmdsn = iscsi_get32(w->max_cmdsn);
	f->datasn = iscsi_get32(w->datasn);
	f->buffer_offset = iscsi_get32(w->buffer_offset);
	f->residual = iscsi_get32(w->residual);
}

void iscsi_logout_rsp_pack(struct iscsi_bhs *bhs,
			   const struct iscsi_logout_rsp_f *f)
{
	struct iscsi_bhs_logout_rsp *w = (struct iscsi_bhs_logout_rsp *)bhs;

	bhs_start(bhs, ISCSI_OP_LOGOUT_RSP, false, ISCSI_FLAG_FINAL);
	w->response = f->response;
	iscsi_put32(w->itt, f->itt);
	iscsi_put32(w->statsn, f->statsn);
	iscsi_put32(w->exp_cmdsn, f->exp_cmdsn);
	iscsi_put32(w->max_cmdsn, f->max_cmdsn);
	iscsi_put16(w->time2wait, f->time2wait);
	iscsi_put16(w->time2retain, f->time2retain);
}

void iscsi_logout_rsp_unpack(const struct iscsi_bhs *bhs,
			     struct iscsi_logout_rsp_f *f)
{
	const struct iscsi_bhs_logout_rsp *w =
		(const struct iscsi_bhs_logout_rsp *)bhs;

	memset(f, 0, sizeof(*f));
	f->response = w->response;
	f->itt = iscsi_get32(w->itt);
	f->statsn = iscsi_get32(w->statsn);
	f->exp_cmdsn = iscsi_get32(w->exp_cmdsn);
	f->max_cmdsn = iscsi_get32(w->max_cmdsn);
	f->time2wait = iscsi_get16(w->time2wait);
	f->time2retain = iscsi_get16(w->time2retain);
}

void iscsi_r2t_pack(struct iscsi_bhs *bhs, const struct iscsi_r2t_f *f)
{
	struct iscsi_bhs_r2t *w = (struct iscsi_bhs_r2t *)bhs;

	bhs_start(bhs, ISCSI_OP_R2T, false, ISCSI_FLAG_FINAL);
	memcpy(w->lun, f->lun, 8);
	iscsi_put32(w->itt, f->itt);
	iscsi_put32(w->ttt, f->ttt);
	iscsi_put32(w->statsn, f->statsn);
	iscsi_put32(w->exp_cmdsn, f->exp_cmdsn);
	iscsi_put32(w->max_cmdsn, f->max_cmdsn);
	iscsi_put32(w->r2tsn, f->r2tsn);
	iscsi_put32(w->buffer_offset, f->buffer_offset);
	iscsi_put32(w->desired_len, f->desired_len);
}

void iscsi_r2t_unpack(const struct iscsi_bhs *bhs, struct iscsi_r2t_f *f)
{
	const struct iscsi_bhs_r2t *w = (const struct iscsi_bhs_r2t *)bhs;

	memset(f, 0, sizeof(*f));
	memcpy(f->lun, w->lun, 8);
	f->itt = iscsi_get32(w->itt);
	f->ttt = iscsi_get32(w->ttt);
	f->statsn = iscsi_get32(w->statsn);
	f->exp_cmdsn = iscsi_get32(w->exp_cmdsn);
	f->max_cmdsn = iscsi_get32(w->max_cmdsn);
	f->r2tsn = iscsi_get32(w->r2tsn);
	f->buffer_offset = iscsi_get32(w->buffer_offset);
	f->desired_len = iscsi_get32(w->desired_len);
}

void iscsi_async_pack(struct iscsi_bhs *bhs, const struct iscsi_async_f *f)
{
	struct iscsi_bhs_async *w = (struct iscsi_bhs_async *)bhs;

	bhs_start(bhs, ISCSI_OP_ASYNC_MSG, false, ISCSI_FLAG_FINAL);
	memcpy(w->lun, f->lun, 8);
	iscsi_put32(w->itt, f->itt);
	iscsi_put32(w->statsn, f->statsn);
	iscsi_put32(w->exp_cmdsn, f->exp_cmdsn);
	iscsi_put32(w->max_cmdsn, f->max_cmdsn);
	w->async_event = f->event;
	w->async_vcode = f->vcode;
	iscsi_put16(w->param1, f->param1);
	iscsi_put16(w->param2, f->param2);
	iscsi_put16(w->param3, f->param3);
}

void iscsi_async_unpack(const struct iscsi_bhs *bhs, struct iscsi_async_f *f)
{
	const struct iscsi_bhs_async *w = (const struct iscsi_bhs_async *)bhs;

	memset(f, 0, sizeof(*f));
	memcpy(f->lun, w->lun, 8);
	f->itt = iscsi_get32(w->itt);
	f->statsn = iscsi_get32(w->statsn);
	f->exp_cmdsn = iscsi_get32(w->exp_cmdsn);
	f->max_cmdsn = iscsi_get32(w->max_cmdsn);
	f->event = w->async_event;
	f->vcode = w->async_vcode;
	f->param1 = iscsi_get16(w->param1);
	f->param2 = iscsi_get16(w->param2);
	f->param3 = iscsi_get16(w->param3);
}

void iscsi_reject_pack(struct iscsi_bhs *bhs, const struct iscsi_reject_f *f)
{
	struct iscsi_bhs_reject *w = (struct iscsi_bhs_reject *)bhs;

	bhs_start(bhs, ISCSI_OP_REJECT, false, ISCSI_FLAG_FINAL);
	w->reason = f->reason;
	iscsi_put32(w->itt, f->itt);
	iscsi_put32(w->statsn, f->statsn);
	iscsi_put32(w->exp_cmdsn, f->exp_cmdsn);
	iscsi_put32(w->max_cmdsn, f->max_cmdsn);
	iscsi_put32(w->datasn, f->datasn);
}

void iscsi_reject_unpack(const struct iscsi_bhs *bhs, struct iscsi_reject_f *f)
{
	const struct iscsi_bhs_reject *w = (const struct iscsi_bhs_reject *)bhs;

	memset(f, 0, sizeof(*f));
	f->reason = w->reason;
	f->itt = iscsi_get32(w->itt);
	f->statsn = iscsi_get32(w->statsn);
	f->exp_cmdsn = iscsi_get32(w->exp_cmdsn);
	f->max_cmdsn = iscsi_get32(w->max_cmdsn);
	f->datasn = iscsi_get32(w->datasn);
}
