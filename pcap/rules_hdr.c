/* SPDX-License-Identifier: MIT */
/*
 * rules_hdr.c - checks of PDU format, digests, segment limits and tags.
 */
#include <stdio.h>

#include "rules_int.h"

/* §11.2: reserved fields are 0, fixed bits 1 (codec knows which). */
RT_CHECK(chk_hdr_reserved)
{
	char which[96];

	if (!iscsi_opcode_is_known(v->op))
		return;
	if (!iscsi_bhs_reserved_zero(v->bhs, which, sizeof(which)))
		rt_fire(ctx, v, r, NULL, NULL, "%s", which);
}

/* §11.1: the data segment is padded to 4 bytes with zero bytes. */
RT_CHECK(chk_hdr_padding)
{
	const struct pcap_pdu *p = v->p;
	size_t dsl = p->pdu.data_len, pad = iscsi_pad_len(dsl), off;

	if (!pad || !p->wire)
		return;
	off = ISCSI_BHS_LEN + p->pdu.ahs_len + (p->dg.header ? 4 : 0) + dsl;
	if (off + pad > p->wire_len)
		return;
	for (size_t i = 0; i < pad; i++) {
		if (p->wire[off + i]) {
			rt_fire_u(ctx, v, r, 0, p->wire[off + i],
				  "padding byte %zu of %zu", i + 1, pad);
			return;
		}
	}
}

/* §11.2.1.2: only the 18 defined opcodes (vendor ones aside). */
RT_CHECK(chk_hdr_opcode)
{
	char s[8];

	if (iscsi_opcode_is_known(v->op))
		return;
	/* 0x1c-0x1e and 0x3c-0x3e are vendor-specific */
	if ((v->op >= 0x1c && v->op <= 0x1e) || (v->op >= 0x3c && v->op <= 0x3e))
		return;
	snprintf(s, sizeof(s), "0x%02x", v->op);
	rt_fire(ctx, v, r, NULL, s, NULL);
}

/* §11.2.2: every AHS fits in TotalAHSLength. */
RT_CHECK(chk_hdr_ahs)
{
	size_t off = 0, len;
	uint8_t type;
	const uint8_t *pl;
	int rc;

	if (!v->p->pdu.ahs_len)
		return;
	while ((rc = iscsi_ahs_next(&v->p->pdu, &off, &type, &pl, &len)) > 0)
		;
	if (rc < 0)
		rt_fire(ctx, v, r, NULL, NULL, "TotalAHSLength %zu bytes",
			v->p->pdu.ahs_len);
}

/* §11.2.1.1: the I bit exists on initiator PDUs only. */
RT_CHECK(chk_hdr_ibit)
{
	if (v->bhs->opcode & ISCSI_OP_IMMEDIATE)
		rt_fire_u(ctx, v, r, 0, 1, NULL);
}

RT_CHECK(chk_digest_header)
{
	char s[16];

	if (!v->p->pdu.hdigest_present || v->p->pdu.hdigest_ok)
		return;
	snprintf(s, sizeof(s), "0x%08x", v->p->pdu.hdigest);
	rt_fire(ctx, v, r, "CRC32C of BHS+AHS", s, NULL);
}

RT_CHECK(chk_digest_data)
{
	char s[16];

	if (!v->p->pdu.ddigest_present || v->p->pdu.ddigest_ok)
		return;
	snprintf(s, sizeof(s), "0x%08x", v->p->pdu.ddigest);
	rt_fire(ctx, v, r, "CRC32C of data+padding", s, NULL);
}

/*
 * §13.12: MaxRecvDataSegmentLength is declared by each side for what it
 * receives, so the target's PDUs are bounded by the initiator's value and
 * the other way round. Applies in full feature phase.
 */
RT_CHECK(chk_limit_mrdsl)
{
	uint32_t dsl = iscsi_bhs_dsl(v->bhs), lim;

	if (!v->par || !v->ffp)
		return;
	lim = v->tgt ? v->par->max_recv_dsl_initiator
		     : v->par->max_recv_dsl_target;
	if (lim && dsl > lim)
		rt_fire_u(ctx, v, r, lim, dsl, "DataSegmentLength over the %s's "
			  "declared MaxRecvDataSegmentLength",
			  v->tgt ? "initiator" : "target");
}

/* Which request opcode a response answers. */
static unsigned request_of(unsigned op)
{
	switch (op) {
	case ISCSI_OP_SCSI_RSP:
	case ISCSI_OP_DATA_IN:
	case ISCSI_OP_R2T:
		return ISCSI_OP_SCSI_CMD;
	case ISCSI_OP_TMF_RSP:
		return ISCSI_OP_TMF_REQ;
	case ISCSI_OP_TEXT_RSP:
		return ISCSI_OP_TEXT_REQ;
	case ISCSI_OP_LOGOUT_RSP:
		return ISCSI_OP_LOGOUT_REQ;
	case ISCSI_OP_NOP_IN:
		return ISCSI_OP_NOP_OUT;
	default:
		return 0xff;
	}
}

/*
 * §11.2.1.7: a response carries the ITT of its request. Judged only on a
 * connection followed from its login without a gap, where every request
 * was seen.
 */
RT_CHECK(chk_tag_itt_echo)
{
	char e[16], s[16];

	if (v->itt == ISCSI_RSVD_TAG)
		return;
	if (v->op == ISCSI_OP_LOGIN_RSP) {
		if (v->rc->in_login || !v->rc->from_login)
			return; /* login.echo judges it */
		snprintf(s, sizeof(s), "0x%x", v->itt);
		rt_fire(ctx, v, r, "no Login Response outside login", s, NULL);
		return;
	}
	if (!v->rc->from_login || !v->rc->synced || v->rc->dropped)
		return;
	if (v->task && v->task->op == request_of(v->op))
		return;
	snprintf(e, sizeof(e), "%s", iscsi_opcode_name(request_of(v->op)));
	snprintf(s, sizeof(s), "0x%x", v->itt);
	rt_fire(ctx, v, r, e, s, v->task ? "ITT belongs to a %s" : "ITT unknown",
		v->task ? iscsi_opcode_name(v->task->op) : "");
}

/*
 * §11.2.1.7: 0xffffffff is reserved: never the ITT of a command or of a
 * response to one; always the ITT of Async Message (§11.9) and Reject
 * (§11.17). NOP-In/NOP-Out have their own rules (nop.*).
 */
RT_CHECK(chk_tag_itt_reserved)
{
	bool must = v->op == ISCSI_OP_ASYNC_MSG || v->op == ISCSI_OP_REJECT;
	char s[16];

	snprintf(s, sizeof(s), "0x%x", v->itt);
	if (must && v->itt != ISCSI_RSVD_TAG)
		rt_fire(ctx, v, r, "0xffffffff", s, NULL);
	else if (!must && v->itt == ISCSI_RSVD_TAG)
		rt_fire(ctx, v, r, "a task tag", s, NULL);
}

/* §11.8.1: an R2T's TTT identifies the transfer: never 0xffffffff. */
RT_CHECK(chk_tag_ttt_reserved)
{
	if (iscsi_bhs_get32(v->bhs, 20) == ISCSI_RSVD_TAG)
		rt_fire(ctx, v, r, "a transfer tag", "0xffffffff", NULL);
}
