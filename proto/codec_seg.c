/* SPDX-License-Identifier: MIT */
/*
 * codec_seg.c - reserved-field checks per opcode (RFC 7143 §11) and the
 * helpers for opcode-specific segments: CDB and its Extended CDB AHS,
 * the bidirectional read length AHS, SCSI Response sense data and the
 * Reject's copy of the rejected header.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"

/*
 * One rule: bytes [off, off+len) masked with mask must equal expect.
 * len > 1 rules are whole reserved bytes (mask 0xff, expect 0).
 */
struct rsvd_rule {
	uint8_t off, len, mask, expect;
};

#define RSVD(o, n) {(o), (n), 0xff, 0}
#define BITS(o, m) {(o), 1, (m), 0}
#define ONE(o, m) {(o), 1, (m), (m)} /* a bit the RFC fixes to 1 */
#define END {0, 0, 0, 0}

/* Byte 0 bit 7 is reserved everywhere; bit 6 too on target PDUs,
 * Data-Out and SNACK, whose layouts show ".|.|" (§11.2.1.1). */
static const struct rsvd_rule r_nop_out[] = {
	BITS(0, 0x80), ONE(1, 0x80), BITS(1, 0x7f), RSVD(2, 2), RSVD(32, 16),
	END};
static const struct rsvd_rule r_scsi_cmd[] = {
	BITS(0, 0x80), BITS(1, ISCSI_SCSI_CMD_RSVD), RSVD(2, 2), END};
static const struct rsvd_rule r_tmf_req[] = {
	BITS(0, 0x80), ONE(1, 0x80), RSVD(2, 2), RSVD(40, 8), END};
static const struct rsvd_rule r_login_req[] = {
	BITS(0, 0x80), ONE(0, ISCSI_OP_IMMEDIATE), BITS(1, ISCSI_LOGIN_RSVD),
	RSVD(22, 2), RSVD(32, 16), END};
static const struct rsvd_rule r_text_req[] = {
	BITS(0, 0x80), BITS(1, ISCSI_TEXT_RSVD), RSVD(2, 2), RSVD(32, 16),
	END};
static const struct rsvd_rule r_data_out[] = {
	BITS(0, 0xc0), BITS(1, ISCSI_DATA_OUT_RSVD), RSVD(2, 2), RSVD(24, 4),
	RSVD(32, 4), RSVD(44, 4), END};
static const struct rsvd_rule r_logout_req[] = {
	BITS(0, 0x80), ONE(1, 0x80), RSVD(2, 2), RSVD(8, 8), RSVD(22, 2),
	RSVD(32, 16), END};
static const struct rsvd_rule r_snack[] = {
	BITS(0, 0xc0), ONE(1, 0x80), BITS(1, ISCSI_SNACK_RSVD), RSVD(2, 2),
	RSVD(24, 4), RSVD(32, 8), END};
static const struct rsvd_rule r_nop_in[] = {
	BITS(0, 0xc0), ONE(1, 0x80), BITS(1, 0x7f), RSVD(2, 2), RSVD(36, 12),
	END};
static const struct rsvd_rule r_scsi_rsp[] = {
	BITS(0, 0xc0), ONE(1, 0x80), BITS(1, ISCSI_SCSI_RSP_RSVD), RSVD(8, 8),
	END};
static const struct rsvd_rule r_tmf_rsp[] = {
	BITS(0, 0xc0), ONE(1, 0x80), BITS(1, 0x7f), RSVD(3, 1), RSVD(8, 8),
	RSVD(20, 4), RSVD(36, 12), END};
static const struct rsvd_rule r_login_rsp[] = {
	BITS(0, 0xc0), BITS(1, ISCSI_LOGIN_RSVD), RSVD(20, 4), RSVD(38, 10),
	END};
static const struct rsvd_rule r_text_rsp[] = {
	BITS(0, 0xc0), BITS(1, ISCSI_TEXT_RSVD), RSVD(2, 2), RSVD(36, 12),
	END};
static const struct rsvd_rule r_data_in[] = {
	BITS(0, 0xc0), BITS(1, ISCSI_DATA_IN_RSVD), RSVD(2, 1), END};
static const struct rsvd_rule r_logout_rsp[] = {
	BITS(0, 0xc0), ONE(1, 0x80), BITS(1, 0x7f), RSVD(3, 1), RSVD(8, 8),
	RSVD(20, 4), RSVD(36, 4), RSVD(44, 4), END};
static const struct rsvd_rule r_r2t[] = {
	BITS(0, 0xc0), ONE(1, 0x80), BITS(1, 0x7f), RSVD(2, 2), END};
static const struct rsvd_rule r_async[] = {
	BITS(0, 0xc0), ONE(1, 0x80), BITS(1, 0x7f), RSVD(2, 2), RSVD(20, 4),
	RSVD(44, 4), END};
static const struct rsvd_rule r_reject[] = {
	BITS(0, 0xc0), ONE(1, 0x80), BITS(1, 0x7f), RSVD(3, 1), RSVD(8, 8),
	RSVD(20, 4), RSVD(40, 8), END};

static const struct rsvd_rule *rules_for(unsigned opcode)
{
	switch (opcode) {
	case ISCSI_OP_NOP_OUT: return r_nop_out;
	case ISCSI_OP_SCSI_CMD: return r_scsi_cmd;
	case ISCSI_OP_TMF_REQ: return r_tmf_req;
	case ISCSI_OP_LOGIN_REQ: return r_login_req;
	case ISCSI_OP_TEXT_REQ: return r_text_req;
	case ISCSI_OP_DATA_OUT: return r_data_out;
	case ISCSI_OP_LOGOUT_REQ: return r_logout_req;
	case ISCSI_OP_SNACK_REQ: return r_snack;
	case ISCSI_OP_NOP_IN: return r_nop_in;
	case ISCSI_OP_SCSI_RSP: return r_scsi_rsp;
	case ISCSI_OP_TMF_RSP: return r_tmf_rsp;
	case ISCSI_OP_LOGIN_RSP: return r_login_rsp;
	case ISCSI_OP_TEXT_RSP: return r_text_rsp;
	case ISCSI_OP_DATA_IN: return r_data_in;
	case ISCSI_OP_LOGOUT_RSP: return r_logout_rsp;
	case ISCSI_OP_R2T: return r_r2t;
	case ISCSI_OP_ASYNC_MSG: return r_async;
	case ISCSI_OP_REJECT: return r_reject;
	default: return NULL;
	}
}

bool iscsi_bhs_reserved_zero(const struct iscsi_bhs *bhs, char *which,
			     size_t len)
{
	const uint8_t *b = (const uint8_t *)bhs;
	unsigned op = iscsi_bhs_opcode(bhs);
	const struct rsvd_rule *r = rules_for(op);

	if (!r) {
		if (which && len)
			snprintf(which, len, "opcode 0x%02x is not defined", op);
		return false;
	}
	for (; r->len; r++) {
		for (unsigned i = r->off; i < (unsigned)r->off + r->len; i++) {
			if ((b[i] & r->mask) == r->expect)
				continue;
			if (!which || !len)
				return false;
			if (r->expect)
				snprintf(which, len, "byte %u & 0x%02x must be "
					 "1, byte is 0x%02x", i, r->mask, b[i]);
			else if (r->mask != 0xff)
				snprintf(which, len, "byte %u & 0x%02x "
					 "(reserved) is 0x%02x", i, r->mask,
					 b[i] & r->mask);
			else
				snprintf(which, len, "byte %u (reserved, bytes "
					 "%u-%u) is 0x%02x", i, r->off,
					 r->off + r->len - 1, b[i]);
			return false;
		}
	}
	return true;
}

/* ---- CDB and AHS helpers ------------------------------------------------ */

int iscsi_pdu_set_cdb(struct iscsi_pdu *pdu, const uint8_t *cdb,
		      size_t cdb_len)
{
	struct iscsi_bhs_scsi_cmd *w = (struct iscsi_bhs_scsi_cmd *)&pdu->bhs;
	uint8_t ext[ISCSI_AHS_MAX];
	size_t n = cdb_len < ISCSI_CDB_BHS_LEN ? cdb_len : ISCSI_CDB_BHS_LEN;

	if (!cdb_len)
		return -1;
	/* §11.2.2.3: AHSLength = CDBLength - 15 (reserved byte + rest) */
	if (cdb_len > ISCSI_CDB_BHS_LEN &&
	    cdb_len - ISCSI_CDB_BHS_LEN + 4 > ISCSI_AHS_MAX - pdu->ahs_len)
		return -1;
	memset(w->cdb, 0, sizeof(w->cdb));
	memcpy(w->cdb, cdb, n);
	if (cdb_len <= ISCSI_CDB_BHS_LEN)
		return 0;
	ext[0] = 0;
	memcpy(ext + 1, cdb + ISCSI_CDB_BHS_LEN, cdb_len - ISCSI_CDB_BHS_LEN);
	return iscsi_pdu_add_ahs(pdu, ISCSI_AHS_EXTENDED_CDB, ext,
				 cdb_len - ISCSI_CDB_BHS_LEN + 1);
}

ssize_t iscsi_pdu_get_cdb(const struct iscsi_pdu *pdu, uint8_t *out,
			  size_t outlen)
{
	const struct iscsi_bhs_scsi_cmd *w =
		(const struct iscsi_bhs_scsi_cmd *)&pdu->bhs;
	size_t off = 0, len, total = ISCSI_CDB_BHS_LEN;
	const uint8_t *p;
	uint8_t type;
	int rc;

	if (outlen < ISCSI_CDB_BHS_LEN)
		return -1;
	memcpy(out, w->cdb, ISCSI_CDB_BHS_LEN);
	while ((rc = iscsi_ahs_next(pdu, &off, &type, &p, &len)) > 0) {
		if (type != ISCSI_AHS_EXTENDED_CDB)
			continue;
		if (len < 1 || len - 1 > outlen - total)
			return -1;
		memcpy(out + total, p + 1, len - 1);
		total += len - 1;
	}
	return rc < 0 ? -1 : (ssize_t)total;
}

int iscsi_pdu_set_bidi_read_len(struct iscsi_pdu *pdu, uint32_t len)
{
	uint8_t v[5] = {0};

	iscsi_put32(v + 1, len);
	return iscsi_pdu_add_ahs(pdu, ISCSI_AHS_BIDI_READ_LEN, v, sizeof(v));
}

int iscsi_pdu_get_bidi_read_len(const struct iscsi_pdu *pdu, uint32_t *len)
{
	size_t off = 0, alen;
	const uint8_t *p;
	uint8_t type;

	while (iscsi_ahs_next(pdu, &off, &type, &p, &alen) > 0) {
		if (type != ISCSI_AHS_BIDI_READ_LEN)
			continue;
		/* §11.2.2.4: AHSLength is 0x0005 */
		if (alen != 5)
			return -1;
		*len = iscsi_get32(p + 1);
		return 0;
	}
	return -1;
}

/* ---- SCSI Response sense data and Reject header ------------------------- */

int iscsi_scsi_rsp_set_sense(struct iscsi_pdu *pdu, const uint8_t *sense,
			     size_t sense_len, const uint8_t *rsp_data,
			     size_t rsp_len)
{
	uint8_t *buf;
	size_t n;
	int rc;

	if (sense_len > 0xffffu || rsp_len > ISCSI_DSL_MAX - 2 - sense_len)
		return -1;
	if (!sense_len && !rsp_len)
		return iscsi_pdu_set_data(pdu, NULL, 0);
	buf = malloc(2 + sense_len + rsp_len);
	if (!buf)
		return -1;
	/* §11.4.7.1: a 2-byte SenseLength precedes the sense data */
	iscsi_put16(buf, (uint16_t)sense_len);
	n = 2;
	if (sense_len)
		memcpy(buf + n, sense, sense_len);
	n += sense_len;
	if (rsp_len)
		memcpy(buf + n, rsp_data, rsp_len);
	n += rsp_len;
	rc = iscsi_pdu_set_data(pdu, buf, n);
	free(buf);
	return rc;
}

int iscsi_scsi_rsp_get_sense(const struct iscsi_pdu *pdu,
			     const uint8_t **sense, size_t *sense_len,
			     const uint8_t **rsp_data, size_t *rsp_len)
{
	size_t sl;

	*sense = NULL;
	*sense_len = 0;
	*rsp_data = NULL;
	*rsp_len = 0;
	if (!pdu->data_len)
		return 0;
	if (pdu->data_len < 2)
		return -1;
	sl = iscsi_get16(pdu->data);
	if (sl > pdu->data_len - 2)
		return -1;
	*sense = sl ? pdu->data + 2 : NULL;
	*sense_len = sl;
	if (pdu->data_len > 2 + sl) {
		*rsp_data = pdu->data + 2 + sl;
		*rsp_len = pdu->data_len - 2 - sl;
	}
	return 0;
}

int iscsi_reject_set_rejected(struct iscsi_pdu *reject,
			      const struct iscsi_pdu *bad)
{
	uint8_t buf[ISCSI_BHS_LEN + ISCSI_AHS_MAX];

	if (bad->ahs_len > ISCSI_AHS_MAX)
		return -1;
	/* §11.17: the data segment carries the complete rejected header */
	memcpy(buf, &bad->bhs, ISCSI_BHS_LEN); /* as received, lengths too */
	if (bad->ahs_len)
		memcpy(buf + ISCSI_BHS_LEN, bad->ahs, bad->ahs_len);
	return iscsi_pdu_set_data(reject, buf, ISCSI_BHS_LEN + bad->ahs_len);
}

int iscsi_reject_get_rejected(const struct iscsi_pdu *reject,
			      struct iscsi_bhs *out)
{
	if (reject->data_len < ISCSI_BHS_LEN)
		return -1;
	memcpy(out, reject->data, ISCSI_BHS_LEN);
	return 0;
}
