/* SPDX-License-Identifier: MIT */
/*
 * pdu.c - PDU segments, AHS list and the wire encoding (RFC 7143 §11.1,
 * §11.2.2, §13.1).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "crc32c.h"
#include "pdu.h"

void iscsi_pdu_init(struct iscsi_pdu *pdu)
{
	memset(pdu, 0, sizeof(*pdu));
}

void iscsi_pdu_release(struct iscsi_pdu *pdu)
{
	free(pdu->ahs);
	free(pdu->data);
	iscsi_pdu_init(pdu);
}

struct iscsi_pdu *iscsi_pdu_new(void)
{
	return calloc(1, sizeof(struct iscsi_pdu));
}

void iscsi_pdu_free(struct iscsi_pdu *pdu)
{
	if (!pdu)
		return;
	iscsi_pdu_release(pdu);
	free(pdu);
}

int iscsi_pdu_set_data(struct iscsi_pdu *pdu, const void *data, size_t len)
{
	uint8_t *copy = NULL;

	if (len > ISCSI_DSL_MAX)
		return -1;
	if (len) {
		copy = malloc(len);
		if (!copy)
			return -1;
		memcpy(copy, data, len);
	}
	free(pdu->data);
	pdu->data = copy;
	pdu->data_len = len;
	iscsi_bhs_set_dsl(&pdu->bhs, (uint32_t)len);
	return 0;
}

int iscsi_pdu_add_ahs(struct iscsi_pdu *pdu, uint8_t type, const void *payload,
		      size_t len)
{
	/* §11.2.2: AHSLength counts the bytes after AHSType, without the
	 * padding to the next 4-byte boundary. */
	size_t one, total;
	uint8_t *grown;

	if (len > 0xffffu)
		return -1;
	one = 3 + len + iscsi_pad_len(3 + len);
	if (pdu->ahs_len > ISCSI_AHS_MAX || one > ISCSI_AHS_MAX - pdu->ahs_len)
		return -1;
	total = pdu->ahs_len + one;
	grown = realloc(pdu->ahs, total);
	if (!grown)
		return -1;
	memset(grown + pdu->ahs_len, 0, one);
	iscsi_put16(grown + pdu->ahs_len, (uint16_t)len);
	grown[pdu->ahs_len + 2] = type;
	if (len)
		memcpy(grown + pdu->ahs_len + 3, payload, len);
	pdu->ahs = grown;
	pdu->ahs_len = total;
	pdu->bhs.total_ahs_len = (uint8_t)(total / 4);
	return 0;
}

int iscsi_ahs_next(const struct iscsi_pdu *pdu, size_t *off, uint8_t *type,
		   const uint8_t **payload, size_t *len)
{
	size_t o = *off, alen, need;

	if (o >= pdu->ahs_len)
		return 0;
	if (pdu->ahs_len - o < 3)
		return -1;
	alen = iscsi_get16(pdu->ahs + o);
	need = 3 + alen;
	if (need > pdu->ahs_len - o)
		return -1;
	*type = pdu->ahs[o + 2];
	*payload = pdu->ahs + o + 3;
	*len = alen;
	need += iscsi_pad_len(need);
	*off = need > pdu->ahs_len - o ? pdu->ahs_len : o + need;
	return 1;
}

size_t iscsi_pdu_wire_len(const struct iscsi_pdu *pdu,
			  const struct iscsi_digests *dg)
{
	size_t n = ISCSI_BHS_LEN + pdu->ahs_len;

	if (dg && dg->header)
		n += ISCSI_DIGEST_LEN;
	if (pdu->data_len) {
		n += pdu->data_len + iscsi_pad_len(pdu->data_len);
		/* §13.1: no data digest without a data segment */
		if (dg && dg->data)
			n += ISCSI_DIGEST_LEN;
	}
	return n;
}

ssize_t iscsi_pdu_encode(const struct iscsi_pdu *pdu,
			 const struct iscsi_digests *dg, uint8_t *buf,
			 size_t buflen, char *err, size_t errlen)
{
	size_t need, off, pad;
	struct iscsi_bhs *h;

	if (pdu->ahs_len > ISCSI_AHS_MAX || pdu->ahs_len % 4) {
		iscsi_err(err, errlen, "AHS of %zu bytes is not 0..%u in 4-byte "
			"words", pdu->ahs_len, ISCSI_AHS_MAX);
		return -1;
	}
	if (pdu->data_len > ISCSI_DSL_MAX) {
		iscsi_err(err, errlen, "data segment of %zu bytes exceeds the "
			"24-bit DataSegmentLength", pdu->data_len);
		return -1;
	}
	need = iscsi_pdu_wire_len(pdu, dg);
	if (need > buflen) {
		iscsi_err(err, errlen, "buffer of %zu bytes too small for a PDU "
			"of %zu", buflen, need);
		return -1;
	}
	h = (struct iscsi_bhs *)buf;
	memcpy(h, &pdu->bhs, ISCSI_BHS_LEN);
	h->total_ahs_len = (uint8_t)(pdu->ahs_len / 4);
	iscsi_bhs_set_dsl(h, (uint32_t)pdu->data_len);
	off = ISCSI_BHS_LEN;
	if (pdu->ahs_len)
		memcpy(buf + off, pdu->ahs, pdu->ahs_len);
	off += pdu->ahs_len;
	if (dg && dg->header) {
		/* §13.1: the header digest covers BHS and AHS */
		iscsi_digest_put(buf + off, iscsi_crc32c(buf, off));
		off += ISCSI_DIGEST_LEN;
	}
	if (pdu->data_len) {
		size_t start = off;

		memcpy(buf + off, pdu->data, pdu->data_len);
		off += pdu->data_len;
		pad = iscsi_pad_len(pdu->data_len);
		memset(buf + off, 0, pad);
		off += pad;
		if (dg && dg->data) {
			/* the data digest covers data and padding */
			iscsi_digest_put(buf + off,
					 iscsi_crc32c(buf + start, off - start));
			off += ISCSI_DIGEST_LEN;
		}
	}
	return (ssize_t)off;
}

static int copy_segment(uint8_t **dst, const uint8_t *src, size_t len)
{
	if (!len)
		return 0;
	*dst = malloc(len);
	if (!*dst)
		return -1;
	memcpy(*dst, src, len);
	return 0;
}

int iscsi_pdu_decode(struct iscsi_pdu *pdu, const uint8_t *buf, size_t len,
		     const struct iscsi_digests *dg, char *err, size_t errlen)
{
	const struct iscsi_bhs *h = (const struct iscsi_bhs *)buf;
	size_t ahs, dsl, pad, need, off;
	bool hd = dg && dg->header, dd = dg && dg->data;

	iscsi_pdu_release(pdu);
	if (len < ISCSI_BHS_LEN) {
		iscsi_err(err, errlen, "truncated BHS: %zu of 48 bytes", len);
		return -1;
	}
	ahs = iscsi_bhs_ahs_bytes(h);
	dsl = iscsi_bhs_dsl(h);
	pad = iscsi_pad_len(dsl);
	need = ISCSI_BHS_LEN + ahs + (hd ? ISCSI_DIGEST_LEN : 0);
	if (dsl)
		need += dsl + pad + (dd ? ISCSI_DIGEST_LEN : 0);
	if (len < need) {
		iscsi_err(err, errlen, "truncated PDU: %zu bytes, TotalAHSLength "
			"%zu, DataSegmentLength %zu%s%s need %zu", len, ahs,
			dsl, hd ? ", header digest" : "",
			dsl && dd ? ", data digest" : "", need);
		return -1;
	}
	if (len > need) {
		iscsi_err(err, errlen, "%zu bytes after the end of a %zu-byte "
			"PDU", len - need, need);
		return -1;
	}
	memcpy(&pdu->bhs, buf, ISCSI_BHS_LEN);
	off = ISCSI_BHS_LEN;
	if (copy_segment(&pdu->ahs, buf + off, ahs))
		goto nomem;
	pdu->ahs_len = ahs;
	off += ahs;
	if (hd) {
		pdu->hdigest_present = true;
		pdu->hdigest = iscsi_digest_get(buf + off);
		pdu->hdigest_ok = iscsi_crc32c(buf, off) == pdu->hdigest;
		off += ISCSI_DIGEST_LEN;
	}
	if (dsl) {
		if (copy_segment(&pdu->data, buf + off, dsl))
			goto nomem;
		pdu->data_len = dsl;
		if (dd) {
			pdu->ddigest_present = true;
			pdu->ddigest = iscsi_digest_get(buf + off + dsl + pad);
			pdu->ddigest_ok =
				iscsi_crc32c(buf + off, dsl + pad) ==
				pdu->ddigest;
		}
	}
	return 0;
nomem:
	iscsi_pdu_release(pdu);
	iscsi_err(err, errlen, "out of memory copying a PDU segment");
	return -1;
}

/* §11.2.1.2 opcode names */
static const struct {
	uint8_t opcode;
	const char *name;
} opcode_names[] = {
	{ISCSI_OP_NOP_OUT, "NOP-Out"},
	{ISCSI_OP_SCSI_CMD, "SCSI Command"},
	{ISCSI_OP_TMF_REQ, "Task Management Function Request"},
	{ISCSI_OP_LOGIN_REQ, "Login Request"},
	{ISCSI_OP_TEXT_REQ, "Text Request"},
	{ISCSI_OP_DATA_OUT, "SCSI Data-Out"},
	{ISCSI_OP_LOGOUT_REQ, "Logout Request"},
	{ISCSI_OP_SNACK_REQ, "SNACK Request"},
	{ISCSI_OP_NOP_IN, "NOP-In"},
	{ISCSI_OP_SCSI_RSP, "SCSI Response"},
	{ISCSI_OP_TMF_RSP, "Task Management Function Response"},
	{ISCSI_OP_LOGIN_RSP, "Login Response"},
	{ISCSI_OP_TEXT_RSP, "Text Response"},
	{ISCSI_OP_DATA_IN, "SCSI Data-In"},
	{ISCSI_OP_LOGOUT_RSP, "Logout Response"},
	{ISCSI_OP_R2T, "Ready To Transfer"},
	{ISCSI_OP_ASYNC_MSG, "Asynchronous Message"},
	{ISCSI_OP_REJECT, "Reject"},
};

const char *iscsi_opcode_name(unsigned opcode)
{
	for (size_t i = 0; i < sizeof(opcode_names) / sizeof(opcode_names[0]);
	     i++)
		if (opcode_names[i].opcode == opcode)
			return opcode_names[i].name;
	return "Unknown";
}

bool iscsi_opcode_is_initiator(unsigned opcode)
{
	return opcode < 0x20u;
}

bool iscsi_opcode_is_known(unsigned opcode)
{
	return strcmp(iscsi_opcode_name(opcode), "Unknown") != 0;
}
