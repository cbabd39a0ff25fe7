/* SPDX-License-Identifier: MIT */
/*
 * framer.c - incremental iSCSI PDU framer.
 *
 * Two states before a PDU completes: gathering the 48-byte BHS (in
 * f->bhs), then gathering the rest (in f->buf, sized to this PDU). When a
 * whole PDU lies in the caller's buffer at a PDU boundary it is returned
 * in place. RFC 7143 §11.1 gives the layout: BHS, AHS, header digest,
 * data segment padded to 4 bytes, data digest.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "framer.h"

static uint32_t lim_dsl(const struct iscsi_framer_limits *lim)
{
	return lim && lim->max_dsl ? lim->max_dsl
				   : ISCSI_FRAMER_MAX_DSL_DEFAULT;
}

static size_t lim_ahs(const struct iscsi_framer_limits *lim)
{
	return lim && lim->max_ahs ? lim->max_ahs
				   : ISCSI_FRAMER_MAX_AHS_DEFAULT;
}

int iscsi_frame_len(const uint8_t bhs[ISCSI_BHS_LEN],
		    const struct iscsi_digests *dg,
		    const struct iscsi_framer_limits *lim, size_t *total,
		    char *err, size_t errlen)
{
	const struct iscsi_bhs *h = (const struct iscsi_bhs *)bhs;
	size_t ahs = iscsi_bhs_ahs_bytes(h);
	uint32_t dsl = iscsi_bhs_dsl(h);
	size_t n;

	if (ahs > lim_ahs(lim)) {
		iscsi_err(err, errlen,
			"TotalAHSLength %zu bytes over the limit of %zu", ahs,
			lim_ahs(lim));
		return -1;
	}
	if (dsl > lim_dsl(lim)) {
		iscsi_err(err, errlen,
			"DataSegmentLength %u over the limit of %u",
			(unsigned)dsl, (unsigned)lim_dsl(lim));
		return -1;
	}
	n = ISCSI_BHS_LEN + ahs;
	if (dg && dg->header)
		n += ISCSI_DIGEST_LEN;
	/* A data digest follows a non-empty data segment only (§11.1). */
	if (dsl > 0) {
		n += dsl + iscsi_pad_len(dsl);
		if (dg && dg->data)
			n += ISCSI_DIGEST_LEN;
	}
	*total = n;
	return 0;
}

void iscsi_framer_init(struct iscsi_framer *f,
		       const struct iscsi_framer_limits *lim)
{
	memset(f, 0, sizeof(*f));
	f->lim.max_dsl = lim_dsl(lim);
	f->lim.max_ahs = lim_ahs(lim);
	f->state = ISCSI_FRAMER_S_BHS;
}

void iscsi_framer_free(struct iscsi_framer *f)
{
	free(f->buf);
	f->buf = NULL;
	f->cap = 0;
	f->frame = NULL;
	f->frame_len = 0;
}

static void apply_pending_digests(struct iscsi_framer *f)
{
	if (f->dg_pending) {
		f->dg = f->dg_next;
		f->dg_pending = false;
	}
}

void iscsi_framer_reset(struct iscsi_framer *f)
{
	f->state = ISCSI_FRAMER_S_BHS;
	f->have = 0;
	f->total = 0;
	f->frame = NULL;
	f->frame_len = 0;
	f->err[0] = '\0';
	apply_pending_digests(f);
}

void iscsi_framer_set_digests(struct iscsi_framer *f,
			      const struct iscsi_digests *dg)
{
	f->dg_next = *dg;
	f->dg_pending = true;
	if (f->state == ISCSI_FRAMER_S_BHS && f->have == 0)
		apply_pending_digests(f);
}

static enum iscsi_framer_status fail(struct iscsi_framer *f, char *err,
				     size_t errlen)
{
	f->state = ISCSI_FRAMER_S_ERROR;
	f->frame = NULL;
	f->frame_len = 0;
	iscsi_err(err, errlen, "%s", f->err);
	return ISCSI_FRAMER_ERROR;
}

/* Make room for a PDU of total bytes (bounded by the limits). */
static int reserve(struct iscsi_framer *f, size_t total)
{
	uint8_t *p;

	if (total <= f->cap)
		return 0;
	p = realloc(f->buf, total);
	if (!p) {
		iscsi_err(f->err, sizeof(f->err),
			"out of memory for a %zu-byte PDU", total);
		return -1;
	}
	f->buf = p;
	f->cap = total;
	return 0;
}

static enum iscsi_framer_status complete(struct iscsi_framer *f,
					 const uint8_t *frame, size_t len)
{
	f->frame = frame;
	f->frame_len = len;
	f->frame_dg = f->dg;
	f->state = ISCSI_FRAMER_S_BHS;
	f->have = 0;
	f->total = 0;
	apply_pending_digests(f);
	return ISCSI_FRAMER_PDU;
}

/* At a boundary with a whole BHS in buf: hand back in place if possible. */
static enum iscsi_framer_status feed_direct(struct iscsi_framer *f,
					    const uint8_t *buf, size_t len,
					    size_t *used, char *err,
					    size_t errlen)
{
	size_t total;

	if (iscsi_frame_len(buf, &f->dg, &f->lim, &total, f->err,
			    sizeof(f->err)) < 0) {
		*used = ISCSI_BHS_LEN;
		return fail(f, err, errlen);
	}
	if (len >= total) {
		*used = total;
		return complete(f, buf, total);
	}
	if (reserve(f, total) < 0) {
		*used = ISCSI_BHS_LEN;
		return fail(f, err, errlen);
	}
	memcpy(f->buf, buf, len);
	f->have = len;
	f->total = total;
	f->state = ISCSI_FRAMER_S_REST;
	*used = len;
	return ISCSI_FRAMER_NEED_MORE;
}

/* The BHS just completed in f->bhs: learn the PDU's length. */
static enum iscsi_framer_status bhs_done(struct iscsi_framer *f, char *err,
					 size_t errlen)
{
	size_t total;

	if (iscsi_frame_len(f->bhs, &f->dg, &f->lim, &total, f->err,
			    sizeof(f->err)) < 0)
		return fail(f, err, errlen);
	if (total == ISCSI_BHS_LEN)
		return complete(f, f->bhs, ISCSI_BHS_LEN);
	if (reserve(f, total) < 0)
		return fail(f, err, errlen);
	memcpy(f->buf, f->bhs, ISCSI_BHS_LEN);
	f->total = total;
	f->state = ISCSI_FRAMER_S_REST;
	return ISCSI_FRAMER_NEED_MORE;
}

enum iscsi_framer_status iscsi_framer_feed(struct iscsi_framer *f,
					   const uint8_t *buf, size_t len,
					   size_t *used, char *err,
					   size_t errlen)
{
	enum iscsi_framer_status st;
	size_t off = 0, n;

	*used = 0;
	if (f->state == ISCSI_FRAMER_S_ERROR)
		return fail(f, err, errlen);
	f->frame = NULL;
	f->frame_len = 0;
	if (len == 0)
		return ISCSI_FRAMER_NEED_MORE;

	if (f->state == ISCSI_FRAMER_S_BHS && f->have == 0 &&
	    len >= ISCSI_BHS_LEN)
		return feed_direct(f, buf, len, used, err, errlen);

	if (f->state == ISCSI_FRAMER_S_BHS) {
		n = ISCSI_BHS_LEN - f->have;
		if (n > len)
			n = len;
		memcpy(f->bhs + f->have, buf, n);
		f->have += n;
		off = n;
		*used = off;
		if (f->have < ISCSI_BHS_LEN)
			return ISCSI_FRAMER_NEED_MORE;
		st = bhs_done(f, err, errlen);
		if (st != ISCSI_FRAMER_NEED_MORE)
			return st;
	}

	n = f->total - f->have;
	if (n > len - off)
		n = len - off;
	memcpy(f->buf + f->have, buf + off, n);
	f->have += n;
	*used = off + n;
	if (f->have < f->total)
		return ISCSI_FRAMER_NEED_MORE;
	return complete(f, f->buf, f->total);
}

size_t iscsi_framer_need(const struct iscsi_framer *f)
{
	switch (f->state) {
	case ISCSI_FRAMER_S_BHS:
		return ISCSI_BHS_LEN - f->have;
	case ISCSI_FRAMER_S_REST:
		return f->total - f->have;
	case ISCSI_FRAMER_S_ERROR:
		break;
	}
	return 0;
}

size_t iscsi_framer_pending(const struct iscsi_framer *f)
{
	return f->state == ISCSI_FRAMER_S_ERROR ? 0 : f->have;
}

bool iscsi_framer_frame(const struct iscsi_framer *f, const uint8_t **frame,
			size_t *len)
{
	if (!f->frame)
		return false;
	*frame = f->frame;
	*len = f->frame_len;
	return true;
}

const struct iscsi_digests *
iscsi_framer_frame_digests(const struct iscsi_framer *f)
{
	return &f->frame_dg;
}

int iscsi_framer_decode(const struct iscsi_framer *f, struct iscsi_pdu *out,
			char *err, size_t errlen)
{
	if (!f->frame) {
		iscsi_err(err, errlen, "no complete PDU to decode");
		return -1;
	}
	return iscsi_pdu_decode(out, f->frame, f->frame_len, &f->frame_dg, err,
				errlen);
}
