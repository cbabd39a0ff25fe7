/* SPDX-License-Identifier: MIT */
/*
 * rules_data.c - checks of the write path (R2T, immediate, unsolicited and
 * solicited data), the read path (Data-In), SCSI Response, NOP, Logout,
 * Async Message, Reject and Text flags.
 */
#include <stdio.h>

#include "crc32c.h"
#include "rules_int.h"

static bool scsi_task(const struct rview *v)
{
	return v->task && v->task->op == ISCSI_OP_SCSI_CMD;
}

/* ---- write path ---------------------------------------------------------- */

/* §11.8.4, §13.13: 0 < length <= MaxBurstLength; offset+length <= EDTL. */
RT_CHECK(chk_r2t_length)
{
	struct iscsi_r2t_f f;

	iscsi_r2t_unpack(v->bhs, &f);
	if (!f.desired_len)
		rt_fire_u(ctx, v, r, 1, 0, "Desired Data Transfer Length 0");
	if (v->par && f.desired_len > v->par->max_burst)
		rt_fire_u(ctx, v, r, v->par->max_burst, f.desired_len,
			  "over MaxBurstLength");
	if (scsi_task(v) &&
	    (uint64_t)f.buffer_offset + f.desired_len > v->task->edtl)
		rt_fire_u(ctx, v, r, v->task->edtl,
			  (uint64_t)f.buffer_offset + f.desired_len,
			  "offset + length past the EDTL");
}

/*
 * §11.8.4 with §13.10/§13.14: the target solicits only what was not sent
 * unsolicited: immediate data, and with InitialR2T=No the first burst.
 */
RT_CHECK(chk_r2t_offset)
{
	uint32_t off = iscsi_bhs_get32(v->bhs, 40);
	uint64_t unsol;

	if (!scsi_task(v) || v->task->r2ts)
		return;
	unsol = v->task->imm_len;
	if (v->par && !v->par->initial_r2t) {
		uint64_t fb = v->par->first_burst < v->task->edtl
				      ? v->par->first_burst
				      : v->task->edtl;

		if (fb > unsol)
			unsol = fb;
	}
	if (off < unsol)
		rt_fire_u(ctx, v, r, unsol, off, "first R2T BufferOffset at least");
}

/* §13.17: at most MaxOutstandingR2T R2Ts per task not yet satisfied. */
RT_CHECK(chk_r2t_outstanding)
{
	if (!scsi_task(v) || !v->par || !v->par->max_outstanding_r2t)
		return;
	if (v->task->nr2t + 1 > v->par->max_outstanding_r2t)
		rt_fire_u(ctx, v, r, v->par->max_outstanding_r2t,
			  v->task->nr2t + 1, "outstanding R2Ts");
}

/* §13.11, §13.14: immediate data only with ImmediateData=Yes, at most
 * FirstBurstLength and the EDTL. */
RT_CHECK(chk_write_immediate)
{
	uint32_t dsl = iscsi_bhs_dsl(v->bhs),
		 edtl = iscsi_bhs_get32(v->bhs, 20);

	if (!dsl || !v->par)
		return;
	if (!v->par->immediate_data)
		rt_fire(ctx, v, r, "no immediate data", "data",
			"ImmediateData=No");
	else if (dsl > v->par->first_burst)
		rt_fire_u(ctx, v, r, v->par->first_burst, dsl,
			  "over FirstBurstLength");
	if (dsl > edtl)
		rt_fire_u(ctx, v, r, edtl, dsl, "over the EDTL");
}

/* §13.10, §13.14: unsolicited Data-Out only with InitialR2T=No, and
 * immediate plus unsolicited data within FirstBurstLength. */
RT_CHECK(chk_write_unsolicited)
{
	uint32_t dsl = iscsi_bhs_dsl(v->bhs);
	uint64_t total;

	if (iscsi_bhs_get32(v->bhs, 20) != ISCSI_RSVD_TAG || !v->par)
		return;
	if (v->par->initial_r2t) {
		rt_fire(ctx, v, r, "R2T first", "unsolicited Data-Out",
			"InitialR2T=Yes");
		return;
	}
	if (!scsi_task(v))
		return;
	total = v->task->imm_len + v->task->unsol_bytes + dsl;
	if (total > v->par->first_burst)
		rt_fire_u(ctx, v, r, v->par->first_burst, total,
			  "unsolicited bytes over FirstBurstLength");
}

/* §11.7: solicited Data-Out stays inside its R2T; DataSN from 0 per R2T
 * (§11.7.5). */
RT_CHECK(chk_write_dataout)
{
	struct iscsi_data_out_f f;
	const struct rt_r2t *r2 = NULL;
	uint32_t dsl = iscsi_bhs_dsl(v->bhs);
	char s[16];

	iscsi_data_out_unpack(v->bhs, &f);
	if (f.ttt == ISCSI_RSVD_TAG || !scsi_task(v) || !v->rc->synced)
		return;
	for (unsigned i = 0; i < v->task->nr2t; i++)
		if (v->task->r2t[i].ttt == f.ttt)
			r2 = &v->task->r2t[i];
	if (!r2) {
		if (v->task->nr2t >= RT_MAX_R2T)
			return;
		snprintf(s, sizeof(s), "0x%x", f.ttt);
		rt_fire(ctx, v, r, "TTT of an open R2T", s, NULL);
		return;
	}
	if (f.buffer_offset < r2->off ||
	    (uint64_t)f.buffer_offset + dsl > (uint64_t)r2->off + r2->len)
		rt_fire_u(ctx, v, r, (uint64_t)r2->off + r2->len,
			  (uint64_t)f.buffer_offset + dsl,
			  "data end past the R2T (offset %u length %u)",
			  r2->off, r2->len);
	if (f.datasn != r2->next_datasn)
		rt_fire_u(ctx, v, r, r2->next_datasn, f.datasn, "DataSN");
}

/* ---- read path ----------------------------------------------------------- */

/* §13.13: a Data-In sequence (up to F) carries at most MaxBurstLength. */
RT_CHECK(chk_read_burst)
{
	uint64_t n;

	if (!scsi_task(v) || !v->par)
		return;
	n = v->task->seq_bytes + iscsi_bhs_dsl(v->bhs);
	if (n > v->par->max_burst)
		rt_fire_u(ctx, v, r, v->par->max_burst, n,
			  "bytes in the sequence");
}

/* §11.7.1: the last Data-In of a command (before its status) has F. */
RT_CHECK(chk_read_final)
{
	bool status = v->op == ISCSI_OP_SCSI_RSP ||
		      (v->bhs->flags & ISCSI_DATA_IN_S);

	if (!scsi_task(v) || !status)
		return;
	if (v->op == ISCSI_OP_DATA_IN) {
		if (!(v->bhs->flags & ISCSI_DATA_IN_F))
			rt_fire_u(ctx, v, r, 1, 0, "F on the Data-In with S");
		return;
	}
	if (v->task->any_in && !v->task->last_in_final)
		rt_fire_u(ctx, v, r, 1, 0, "F on the last Data-In");
}

/* §13.18: DataPDUInOrder=Yes: each Data-In continues the previous. */
RT_CHECK(chk_read_order)
{
	uint32_t off = iscsi_bhs_get32(v->bhs, 40), want;

	if (!scsi_task(v) || !v->par || !v->par->data_pdu_in_order)
		return;
	if (v->task->any_in)
		want = v->task->next_in_off;
	else if (v->par->data_sequence_in_order)
		want = 0;
	else
		return;
	if (off != want)
		rt_fire_u(ctx, v, r, want, off, "BufferOffset");
}

/* §11.7.6: no data past the EDTL (an overflow is reported, not sent). */
RT_CHECK(chk_read_edtl)
{
	uint64_t end = (uint64_t)iscsi_bhs_get32(v->bhs, 40) +
		       iscsi_bhs_dsl(v->bhs);

	if (!scsi_task(v) || (v->task->read && v->task->write))
		return;
	if (end > v->task->edtl)
		rt_fire_u(ctx, v, r, v->task->edtl, end, "data end");
}

/*
 * §11.7.3: S only with F, and only for a status without an exception
 * (GOOD, CONDITION MET, INTERMEDIATE, INTERMEDIATE-CONDITION MET); O and
 * U only with S.
 */
RT_CHECK(chk_read_sbit)
{
	uint8_t fl = v->bhs->flags, st = v->bhs->opspec1[1];
	char s[8];

	if (fl & ISCSI_DATA_IN_S) {
		if (!(fl & ISCSI_DATA_IN_F))
			rt_fire(ctx, v, r, "F with S", "S without F", NULL);
		if (st != 0x00 && st != 0x04 && st != 0x10 && st != 0x14) {
			snprintf(s, sizeof(s), "0x%02x", st);
			rt_fire(ctx, v, r, "a non-exception status", s,
				"status in Data-In");
		}
	} else if (fl & (ISCSI_DATA_IN_O | ISCSI_DATA_IN_U)) {
		rt_fire(ctx, v, r, "O/U only with S", "O/U without S", NULL);
	}
}

/* §11.7.2, §11.7.4: A needs ErrorRecoveryLevel > 0; TTT only with A. */
RT_CHECK(chk_read_abit)
{
	bool a = v->bhs->flags & ISCSI_DATA_IN_A;
	uint32_t ttt = iscsi_bhs_get32(v->bhs, 20);
	char s[16];

	if (a && v->par && v->par->erl == 0)
		rt_fire(ctx, v, r, "A clear", "A set", "ErrorRecoveryLevel 0");
	if (!a && ttt != ISCSI_RSVD_TAG) {
		snprintf(s, sizeof(s), "0x%x", ttt);
		rt_fire(ctx, v, r, "TTT 0xffffffff", s, "A bit clear");
	}
}

/* §11.3.1: Data-In only for a command with the R bit. */
RT_CHECK(chk_read_unexpected)
{
	if (scsi_task(v) && !v->task->read)
		rt_fire(ctx, v, r, "a read command", "no R bit", NULL);
}

/* ---- SCSI Response ------------------------------------------------------- */

/* §11.4.1, §11.4.5: O/U and o/u exclusive; a residual needs its flag. */
RT_CHECK(chk_rsp_flags)
{
	struct iscsi_scsi_rsp_f f;

	iscsi_scsi_rsp_unpack(v->bhs, &f);
	if (f.overflow && f.underflow)
		rt_fire(ctx, v, r, "O or U", "O and U", NULL);
	if (f.bidi_overflow && f.bidi_underflow)
		rt_fire(ctx, v, r, "o or u", "o and u", NULL);
	if (!f.overflow && !f.underflow && f.residual)
		rt_fire_u(ctx, v, r, 0, f.residual,
			  "Residual Count without O or U");
	if (!f.bidi_overflow && !f.bidi_underflow && f.bidi_residual)
		rt_fire_u(ctx, v, r, 0, f.bidi_residual,
			  "Bidirectional Read Residual Count without o or u");
}

/* §11.4.7: a data segment starts with a 2-byte SenseLength that fits. */
RT_CHECK(chk_rsp_sense)
{
	const struct iscsi_pdu *pdu = &v->p->pdu;
	size_t sl;

	if (!pdu->data_len)
		return;
	if (pdu->data_len < 2) {
		rt_fire_u(ctx, v, r, 2, pdu->data_len, "data segment bytes");
		return;
	}
	sl = iscsi_get16(pdu->data);
	if (sl + 2 > pdu->data_len)
		rt_fire_u(ctx, v, r, pdu->data_len - 2, sl, "SenseLength");
}

/* §11.4.3: 0x00, 0x01, or vendor-specific 0x80-0xff. */
RT_CHECK(chk_rsp_response)
{
	uint8_t rsp = v->bhs->opspec1[0];
	char s[8];

	if (rsp <= 0x01 || rsp >= 0x80)
		return;
	snprintf(s, sizeof(s), "0x%02x", rsp);
	rt_fire(ctx, v, r, "0x00, 0x01 or 0x80-0xff", s, NULL);
}

/* ---- NOP ---------------------------------------------------------------- */

/*
 * §11.19.1: a NOP-In answering a NOP-Out has TTT 0xffffffff; §11.18.2: a
 * NOP-Out carries a TTT only to answer a NOP-In that had one.
 */
RT_CHECK(chk_nop_ttt)
{
	uint32_t ttt = iscsi_bhs_get32(v->bhs, 20);
	char s[16];

	if (ttt == ISCSI_RSVD_TAG)
		return;
	snprintf(s, sizeof(s), "0x%x", ttt);
	if (v->op == ISCSI_OP_NOP_IN) {
		if (v->itt != ISCSI_RSVD_TAG)
			rt_fire(ctx, v, r, "0xffffffff", s,
				"NOP-In answering a NOP-Out");
		return;
	}
	if (!v->rc->from_login || !v->rc->synced)
		return;
	for (unsigned i = 0; i < v->rc->npings; i++)
		if (v->rc->pings[i] == ttt)
			return;
	rt_fire(ctx, v, r, "TTT of a NOP-In ping", s, NULL);
}

/* §11.18.1: a NOP-Out with ITT 0xffffffff has the I bit. */
RT_CHECK(chk_nop_itt)
{
	if (v->itt == ISCSI_RSVD_TAG && !iscsi_bhs_immediate(v->bhs))
		rt_fire_u(ctx, v, r, 1, 0, "I bit");
}

/* §11.19: the ping data of a NOP-Out comes back in its NOP-In. */
RT_CHECK(chk_nop_echo)
{
	const struct iscsi_pdu *pdu = &v->p->pdu;

	if (v->itt == ISCSI_RSVD_TAG || !v->task ||
	    v->task->op != ISCSI_OP_NOP_OUT)
		return;
	if (pdu->data_len != v->task->ping_len)
		rt_fire_u(ctx, v, r, v->task->ping_len, pdu->data_len,
			  "ping data bytes");
	else if (iscsi_crc32c(pdu->data, pdu->data_len) != v->task->ping_crc)
		rt_fire(ctx, v, r, "the same bytes", "different bytes",
			"ping data");
}

/* ---- Logout, Async, Reject, Text ----------------------------------------- */

/* §11.15.1: responses 0-3. */
RT_CHECK(chk_logout_response)
{
	uint8_t rsp = v->bhs->opspec1[0];

	if (rsp > ISCSI_LOGOUT_RSP_CLEANUP_FAILED)
		rt_fire_u(ctx, v, r, 3, rsp, "at most");
}

/* §11.15: after a successful logout of the connection it is closed. */
RT_CHECK(chk_logout_after)
{
	if (!v->rc->closed)
		return;
	rt_fire(ctx, v, r, "connection closed", iscsi_opcode_name(v->op), NULL);
	v->rc->closed = false; /* once */
}

/* §11.9.1: AsyncEvent 0-4 or 255 (vendor). */
RT_CHECK(chk_async_event)
{
	uint8_t e = ((const struct iscsi_bhs_async *)v->bhs)->async_event;

	if (e > ISCSI_ASYNC_NEGOTIATION_REQUEST && e != ISCSI_ASYNC_VENDOR_SPECIFIC)
		rt_fire_u(ctx, v, r, 4, e, "0-4 or 255");
}

/* §11.17: the data segment holds the whole rejected header (48 bytes at
 * least); the reason is one of §11.17.1. */
RT_CHECK(chk_reject_header)
{
	uint8_t reason = v->bhs->opspec1[0];
	uint32_t dsl = iscsi_bhs_dsl(v->bhs);

	if (dsl < ISCSI_BHS_LEN)
		rt_fire_u(ctx, v, r, ISCSI_BHS_LEN, dsl, "data segment bytes");
	if (reason < ISCSI_REJECT_RESERVED ||
	    reason > ISCSI_REJECT_WAITING_FOR_LOGOUT)
		rt_fire_u(ctx, v, r, 1, reason, "reason 0x01-0x0c");
}

/* §11.10.2, §11.11.2, §11.12.2: C excludes F (Text) and T (Login). */
RT_CHECK(chk_text_cbit)
{
	uint8_t fl = v->bhs->flags;

	if ((fl & ISCSI_TEXT_C) && (fl & 0x80u))
		rt_fire(ctx, v, r, "C alone", "C with F/T", NULL);
}

/* §11.11.4: a final Text Response has TTT 0xffffffff; a continued one a
 * real TTT. */
RT_CHECK(chk_text_ttt)
{
	uint32_t ttt = iscsi_bhs_get32(v->bhs, 20);
	bool final = v->bhs->flags & ISCSI_TEXT_F;
	char s[16];

	snprintf(s, sizeof(s), "0x%x", ttt);
	if (final && ttt != ISCSI_RSVD_TAG)
		rt_fire(ctx, v, r, "0xffffffff", s, "final response");
	else if (!final && ttt == ISCSI_RSVD_TAG)
		rt_fire(ctx, v, r, "a transfer tag", s, "continued response");
}
