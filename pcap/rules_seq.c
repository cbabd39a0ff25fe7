/* SPDX-License-Identifier: MIT */
/*
 * rules_seq.c - checks of sequence numbers (RFC 7143 §4.2.2): StatSN,
 * the command window, DataSN, R2TSN and ExpDataSN.
 */
#include <stdio.h>

#include "rules_int.h"
#include "serial.h"

static uint32_t statsn_of(const struct rview *v)
{
	return iscsi_bhs_get32(v->bhs, 24);
}

/* §4.2.2.2: +1 per status-bearing PDU on the connection. */
RT_CHECK(chk_seq_statsn)
{
	uint32_t s = statsn_of(v);

	if (!rt_status_bearing(v) || !v->rc->statsn_known)
		return;
	if (v->op == ISCSI_OP_LOGIN_RSP && !v->rc->in_login)
		return;
	if (s == v->rc->last_statsn + 1)
		return;
	/* a status resent on SNACK repeats an old number (§11.16) */
	if (v->rc->snack_seen && iscsi_sn_le(s, v->rc->last_statsn))
		return;
	rt_fire_u(ctx, v, r, (uint32_t)(v->rc->last_statsn + 1), s, NULL);
}

/* §11.8.2, §11.19.2: R2T and an unsolicited NOP-In carry the next StatSN
 * without advancing it. */
RT_CHECK(chk_seq_statsn_current)
{
	uint32_t s = statsn_of(v);

	if (!v->rc->statsn_known || rt_status_bearing(v))
		return;
	if (s != v->rc->last_statsn + 1)
		rt_fire_u(ctx, v, r, (uint32_t)(v->rc->last_statsn + 1), s,
			  NULL);
}

/* §4.2.2.2: ExpStatSN acknowledges statuses received, never beyond. */
RT_CHECK(chk_seq_expstatsn)
{
	uint32_t e;

	if (!v->rc->statsn_known || v->op == ISCSI_OP_LOGIN_REQ)
		return;
	e = iscsi_bhs_get32(v->bhs, 28); /* every initiator opcode */
	if (iscsi_sn_gt(e, v->rc->last_statsn + 1))
		rt_fire_u(ctx, v, r, (uint32_t)(v->rc->last_statsn + 1), e,
			  "at most");
}

static void window_of(const struct rview *v, uint32_t *exp, uint32_t *max)
{
	*exp = iscsi_bhs_get32(v->bhs, 28);
	*max = iscsi_bhs_get32(v->bhs, 32);
}

/* §4.2.2.1: MaxCmdSN >= ExpCmdSN - 1. */
RT_CHECK(chk_seq_cmd_window)
{
	uint32_t e, m;
	char s[40];

	if (!rt_carries_window(v))
		return;
	window_of(v, &e, &m);
	if (iscsi_window_valid(e, m))
		return;
	snprintf(s, sizeof(s), "ExpCmdSN %u MaxCmdSN %u", e, m);
	rt_fire(ctx, v, r, "MaxCmdSN >= ExpCmdSN - 1", s, NULL);
}

RT_CHECK(chk_seq_expcmdsn_backwards)
{
	uint32_t e, m;

	if (!rt_carries_window(v) || !v->rc->win_known)
		return;
	window_of(v, &e, &m);
	if (iscsi_sn_lt(e, v->rc->expcmdsn))
		rt_fire_u(ctx, v, r, v->rc->expcmdsn, e, "at least");
}

RT_CHECK(chk_seq_maxcmdsn_backwards)
{
	uint32_t e, m;

	if (!rt_carries_window(v) || !v->rc->win_known)
		return;
	window_of(v, &e, &m);
	if (iscsi_sn_lt(m, v->rc->maxcmdsn))
		rt_fire_u(ctx, v, r, v->rc->maxcmdsn, m, "at least");
}

/*
 * §4.2.2.1: immediate PDUs do not advance ExpCmdSN, so it is at most one
 * past the last non-immediate CmdSN. Judged on single-connection
 * sessions (with several, commands travel on other connections).
 */
RT_CHECK(chk_seq_expcmdsn_ahead)
{
	uint32_t e, m;

	if (!rt_carries_window(v) || !v->rc->next_known || !v->rc->synced)
		return;
	if (v->p->session && v->p->session->nconns > 1)
		return;
	window_of(v, &e, &m);
	if (iscsi_sn_gt(e, v->rc->next_cmdsn))
		rt_fire_u(ctx, v, r, v->rc->next_cmdsn, e, "at most");
}

/* §4.2.2.1: the final Login Response opens the window (>= 1 command). */
RT_CHECK(chk_seq_window_open)
{
	const struct iscsi_bhs_login_rsp *b = (const void *)v->bhs;
	uint32_t e, m;

	if (b->status_class != 0 || !(b->flags & ISCSI_LOGIN_T) ||
	    (b->flags & ISCSI_LOGIN_NSG_MASK) != ISCSI_STAGE_FFP)
		return;
	window_of(v, &e, &m);
	if (iscsi_window_valid(e, m) && iscsi_window_closed(e, m))
		rt_fire_u(ctx, v, r, e, m, "MaxCmdSN at least ExpCmdSN");
}

/* §11.7.5, §4.2.2.3: Data-In DataSN counts 0, 1, 2... per command. */
RT_CHECK(chk_seq_datasn)
{
	uint32_t sn = iscsi_bhs_get32(v->bhs, 36);

	if (!v->task || v->task->op != ISCSI_OP_SCSI_CMD)
		return;
	if (sn != v->task->next_datasn)
		rt_fire_u(ctx, v, r, v->task->next_datasn, sn, NULL);
}

/* §11.8.3: R2TSN counts 0, 1, 2... per command (shared with Data-In
 * DataSN for bidirectional commands). */
RT_CHECK(chk_seq_r2tsn)
{
	uint32_t sn = iscsi_bhs_get32(v->bhs, 36), want;

	if (!v->task || v->task->op != ISCSI_OP_SCSI_CMD)
		return;
	want = (v->task->read && v->task->write) ? v->task->next_datasn
						 : v->task->next_r2tsn;
	if (sn != want)
		rt_fire_u(ctx, v, r, want, sn, NULL);
}

/*
 * §11.4.8: ExpDataSN counts "R2T and Data-In (read) PDUs" the target sent
 * for the command (RFC 3720 §10.4.8 counted Data-In PDUs only), 0 when the
 * command did not complete (Response != 0). For a write the two texts
 * differ (R2Ts or 0): either count is accepted.
 */
RT_CHECK(chk_seq_expdatasn)
{
	const struct iscsi_bhs_scsi_rsp *b = (const void *)v->bhs;
	uint32_t e = iscsi_get32(b->exp_datasn), want, alt;
	bool done = b->response == ISCSI_RSP_COMPLETED;

	if (!v->task || v->task->op != ISCSI_OP_SCSI_CMD ||
	    (v->task->read && v->task->write))
		return;
	want = done ? v->task->datain_pdus + v->task->r2ts : 0;
	alt = done ? v->task->datain_pdus : 0;
	if (e != want && e != alt)
		rt_fire_u(ctx, v, r, want, e, NULL);
}
