/* SPDX-License-Identifier: MIT */
/*
 * stream.c - one direction of a reassembled TCP stream cut into iSCSI
 * PDUs (proto/framer.h), and resynchronisation.
 *
 * A stream whose first byte is the connection's first byte, on an iSCSI
 * port, is framed from offset 0 (RFC 7143 §6.3: a connection opens with a
 * Login Request). Otherwise - a capture started mid-stream, after a gap,
 * after a framing error, or on an unknown port - bytes are held in a
 * bounded window and scanned for a plausible BHS (known opcode, reserved
 * bits zero, sane TotalAHSLength and DataSegmentLength) whose successor is
 * plausible too, or whose header digest verifies. Digests of a connection
 * whose login was not captured are detected there by CRC32C check.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer_int.h"
#include "codec.h"
#include "crc32c.h"

enum cand { C_NO, C_WAIT, C_YES };

bool stream_bhs_plausible(const uint8_t *b, uint32_t max_dsl)
{
	unsigned op = b[0] & ISCSI_OPCODE_MASK;
	uint32_t dsl = iscsi_get24(b + 5);

	if ((b[0] & ISCSI_OP_RSVD_BIT) || !iscsi_opcode_is_known(op))
		return false;
	if ((b[0] & ISCSI_OP_IMMEDIATE) && !iscsi_opcode_is_initiator(op))
		return false;
	if (!iscsi_bhs_reserved_zero((const struct iscsi_bhs *)b, NULL, 0))
		return false;
	if (b[4] && op != ISCSI_OP_SCSI_CMD)
		return false;
	if (dsl > (max_dsl ? max_dsl : ISCSI_DSL_MAX))
		return false;
	switch (op) {
	case ISCSI_OP_R2T:
	case ISCSI_OP_TMF_REQ:
	case ISCSI_OP_TMF_RSP:
	case ISCSI_OP_LOGOUT_REQ:
	case ISCSI_OP_LOGOUT_RSP:
	case ISCSI_OP_SNACK_REQ:
		return dsl == 0;
	case ISCSI_OP_LOGIN_REQ:
	case ISCSI_OP_LOGIN_RSP:
		return b[2] == 0; /* VersionMax 0x00 (§11.12.4) */
	default:
		return true;
	}
}

static bool opcode_framable(unsigned op)
{
	/* the 18 of RFC 7143 plus the vendor-specific 0x1c-0x1e, 0x3c-0x3e */
	return iscsi_opcode_is_known(op) || (op >= 0x1c && op <= 0x1e) ||
	       (op >= 0x3c && op <= 0x3e);
}

static enum pcap_dir dir_of(unsigned op)
{
	return iscsi_opcode_is_initiator(op) ? PCAP_DIR_I2T : PCAP_DIR_T2I;
}

static void flow_start(struct pcap_analyzer *a, struct flow *f)
{
	struct pcap_event ev;

	if (f->started)
		return;
	f->started = true;
	a->t.iscsi_flows++;
	an_event_init(a, &ev, PCAP_EV_FLOW_START, f);
	an_emit(a, &ev);
}

void stream_init(struct pcap_analyzer *a, struct flow *f, int k)
{
	struct iscsi_framer_limits lim = {.max_dsl = a->o.max_dsl};
	struct half *h = &f->h[k];

	iscsi_framer_init(&h->fr, &lim);
	iscsi_text_accum_init(&h->text, 0);
	h->state = ST_SYNC;
}

void stream_free(struct pcap_analyzer *a, struct half *h)
{
	iscsi_framer_free(&h->fr);
	iscsi_text_accum_free(&h->text);
	a->buffered -= h->sync_cap;
	free(h->sync);
	h->sync = NULL;
	h->sync_cap = h->sync_len = 0;
}

static void begin(struct pcap_analyzer *a, struct flow *f, int k)
{
	struct half *h = &f->h[k];

	h->begun = true;
	if (!f->known_port && !a->o.heuristics)
		h->state = ST_OFF;
	else if (f->known_port && h->at_start)
		h->state = ST_FRAME;
	else
		h->state = ST_SYNC;
	h->seg_pos = 0;
	h->seg_valid = true;
	if (f->iscsi)
		flow_start(a, f);
}

static void frame_bytes(struct pcap_analyzer *a, struct flow *f, int k,
			const uint8_t *d, size_t len, uint64_t off);
static void sync_bytes(struct pcap_analyzer *a, struct flow *f, int k,
		       const uint8_t *d, size_t len, uint64_t off);

static void to_sync(struct half *h)
{
	iscsi_framer_reset(&h->fr);
	iscsi_text_accum_reset(&h->text);
	h->state = ST_SYNC;
	h->sync_len = 0;
	h->sync_skipped = 0;
	h->seg_valid = false;
}

static void frame_bytes(struct pcap_analyzer *a, struct flow *f, int k,
			const uint8_t *d, size_t len, uint64_t off)
{
	struct half *h = &f->h[k];
	enum iscsi_framer_status st;
	const uint8_t *fr;
	size_t used, flen;
	char err[ISCSI_FRAMER_ERRLEN];

	while (len > 0) {
		if (h->fr.state == ISCSI_FRAMER_S_BHS && h->fr.have == 0) {
			h->pdu_first_frame = a->frame;
			h->pdu_offset = off;
		}
		st = iscsi_framer_feed(&h->fr, d, len, &used, err,
				       sizeof(err));
		d += used;
		len -= used;
		off += used;
		if (st == ISCSI_FRAMER_NEED_MORE)
			continue;
		if (st == ISCSI_FRAMER_PDU && iscsi_framer_frame(&h->fr, &fr,
								  &flen)) {
			if (opcode_framable(fr[0] & ISCSI_OPCODE_MASK)) {
				decode_pdu(a, f, k, fr, flen,
					   iscsi_framer_frame_digests(&h->fr));
				if (h->state != ST_FRAME)
					return;
				continue;
			}
			snprintf(err, sizeof(err), "opcode 0x%02x",
				 fr[0] & ISCSI_OPCODE_MASK);
		}
		an_error(a, f, k, PCAP_ERR_FRAMING,
			 "no PDU at stream offset %llu (%s): resynchronising",
			 (unsigned long long)h->pdu_offset, err);
		to_sync(h);
		sync_bytes(a, f, k, d, len, off);
		return;
	}
}

/* Is the PDU whose BHS is at b (n bytes available) a place to resume? */
static enum cand candidate(struct pcap_analyzer *a, struct flow *f, int k,
			   const uint8_t *b, size_t n, bool eof, bool at0,
			   bool fresh, struct iscsi_digests *dg)
{
	unsigned op;
	size_t ahs, hoff, doff, dend, len;
	uint32_t dsl;
	bool strict = !f->iscsi, hd_ok = false;

	(void)k;
	if (n < ISCSI_BHS_LEN)
		return C_WAIT;
	if (!stream_bhs_plausible(b, a->o.max_dsl))
		return C_NO;
	op = b[0] & ISCSI_OPCODE_MASK;
	ahs = (size_t)b[4] * 4;
	dsl = iscsi_get24(b + 5);
	if (at0 && op == ISCSI_OP_LOGIN_REQ) {
		dg->header = dg->data = false; /* login: no digests (§13.1) */
		return C_YES;
	}
	if (f->conn.dg_source == PCAP_DG_LOGIN) {
		*dg = f->conn.dg[dir_of(op)];
	} else {
		hoff = ISCSI_BHS_LEN + ahs;
		if (n < hoff + ISCSI_DIGEST_LEN && !eof && !(fresh && !strict))
			return C_WAIT;
		hd_ok = n >= hoff + ISCSI_DIGEST_LEN &&
			iscsi_digest_get(b + hoff) == iscsi_crc32c(b, hoff);
		dg->header = hd_ok;
		dg->data = hd_ok;
		if (dsl) {
			doff = hoff + (hd_ok ? ISCSI_DIGEST_LEN : 0);
			dend = doff + dsl + iscsi_pad_len(dsl);
			if (n >= dend + ISCSI_DIGEST_LEN)
				dg->data = iscsi_digest_get(b + dend) ==
					   iscsi_crc32c(b + doff, dend - doff);
			else if (dend + ISCSI_DIGEST_LEN <= a->o.resync_window &&
				 !eof && !(fresh && !strict))
				return C_WAIT;
		}
	}
	if (hd_ok)
		return C_YES; /* a CRC32C match over 48+ bytes */
	if (fresh && !strict)
		return C_YES; /* a segment after a hole starts a PDU, as
				 Wireshark assumes */
	if (iscsi_frame_len(b, dg, NULL, &len, NULL, 0) < 0)
		return C_NO;
	if (n >= len + ISCSI_BHS_LEN)
		return stream_bhs_plausible(b + len, a->o.max_dsl) ? C_YES
								    : C_NO;
	if (!strict && (eof ? n >= len : len + ISCSI_BHS_LEN >
						 a->o.resync_window))
		return C_YES; /* on an iSCSI port: the best we can do */
	if (eof || len + ISCSI_BHS_LEN > a->o.resync_window)
		return C_NO;
	return C_WAIT;
}

static void accept_at(struct pcap_analyzer *a, struct flow *f, int k,
		      size_t pos, const struct iscsi_digests *dg)
{
	struct half *h = &f->h[k];
	struct pcap_event ev;
	uint8_t *buf = h->sync;
	size_t cap = h->sync_cap, n = h->sync_len;
	uint64_t off = h->sync_off + pos, skipped = h->sync_skipped + pos;
	unsigned op = buf[pos] & ISCSI_OPCODE_MASK;
	char msg[160];

	if (!f->iscsi) {
		f->iscsi = true;
		flow_start(a, f);
	}
	if (!(h->at_start && off == 0)) {
		a->t.resyncs++;
		snprintf(msg, sizeof(msg),
			 "resynchronised at offset %llu (%s) after skipping "
			 "%llu bytes",
			 (unsigned long long)off, iscsi_opcode_name(op),
			 (unsigned long long)skipped);
		an_event_init(a, &ev, PCAP_EV_RESYNC, f);
		ev.dir = dir_of(op);
		ev.dir_known = true;
		ev.offset = off;
		ev.length = skipped;
		ev.msg = msg;
		an_emit(a, &ev);
	}
	if (f->conn.dg_source != PCAP_DG_LOGIN && !(h->at_start && off == 0)) {
		f->conn.dg[dir_of(op)] = *dg;
		f->conn.dg_source = PCAP_DG_DETECTED;
	}
	iscsi_framer_reset(&h->fr);
	iscsi_framer_set_digests(&h->fr, dg);
	h->state = ST_FRAME;
	h->sync_skipped = 0;
	/* take the window away: framing may fall back into sync_bytes */
	h->sync = NULL;
	h->sync_cap = h->sync_len = 0;
	frame_bytes(a, f, k, buf + pos, n - pos, off);
	if (!h->sync) {
		h->sync = buf;
		h->sync_cap = cap;
	} else {
		a->buffered -= cap;
		free(buf);
	}
}

/* Scan the window: true when framing resumed (the window is consumed). */
static bool sync_scan(struct pcap_analyzer *a, struct flow *f, int k, bool eof)
{
	struct half *h = &f->h[k];
	struct iscsi_digests dg;
	size_t pos, keep;
	bool full = h->sync_len >= a->o.resync_window;

	for (pos = 0; pos + ISCSI_BHS_LEN <= h->sync_len; pos++) {
		bool at0 = h->at_start && h->sync_off + pos == 0;
		bool fresh = h->seg_valid && pos == h->seg_pos;
		enum cand c = candidate(a, f, k, h->sync + pos,
					h->sync_len - pos, eof, at0, fresh,
					&dg);

		if (c == C_YES && a->o.wireshark_compat && f->iscsi && !fresh &&
		    !at0)
			c = C_NO; /* Wireshark resumes at segment starts only */
		if (c == C_YES) {
			accept_at(a, f, k, pos, &dg);
			return true;
		}
		if (!f->iscsi && at0) {
			/* a connection that does not open with a Login
			 * Request is not iSCSI (§6.3) */
			if (c == C_WAIT)
				return false;
			h->state = ST_OFF;
			return false;
		}
		if (c == C_WAIT && !(full && pos == 0))
			break;
	}
	/* keep from the first undecided candidate (or the last 47 bytes) */
	keep = h->sync_len - pos;
	if (keep < h->sync_len) {
		size_t drop = h->sync_len - keep;

		memmove(h->sync, h->sync + drop, keep);
		h->seg_valid = h->seg_valid && h->seg_pos >= drop;
		h->seg_pos -= h->seg_valid ? drop : 0;
		h->sync_len = keep;
		h->sync_off += drop;
		h->sync_skipped += drop;
	}
	if (!f->iscsi && h->sync_skipped > a->o.resync_window) {
		h->state = ST_OFF; /* no iSCSI here */
		h->sync_len = 0;
	}
	return false;
}

static bool sync_room(struct pcap_analyzer *a, struct half *h)
{
	size_t ncap, win = a->o.resync_window;
	uint8_t *p;

	if (h->sync_cap >= win)
		return h->sync_len < h->sync_cap;
	if (h->sync_len < h->sync_cap)
		return true;
	ncap = h->sync_cap ? h->sync_cap * 2 : 16384;
	if (ncap > win)
		ncap = win;
	if (h->sync_cap && a->buffered + (ncap - h->sync_cap) >
				   a->o.max_ooo_total + win)
		return false;
	p = realloc(h->sync, ncap);
	if (!p)
		return false;
	a->buffered += ncap - h->sync_cap;
	h->sync = p;
	h->sync_cap = ncap;
	return true;
}

static void sync_bytes(struct pcap_analyzer *a, struct flow *f, int k,
		       const uint8_t *d, size_t len, uint64_t off)
{
	struct half *h = &f->h[k];
	size_t n;

	while (len > 0 && h->state == ST_SYNC) {
		if (h->sync_len == 0)
			h->sync_off = off;
		if (!sync_room(a, h)) {
			/* no memory for the window: scan what it holds */
			if (h->sync_len == 0)
				return;
			n = 0;
		} else {
			n = h->sync_cap - h->sync_len;
			if (n > len)
				n = len;
			memcpy(h->sync + h->sync_len, d, n);
			h->sync_len += n;
			d += n;
			len -= n;
			off += n;
		}
		if (sync_scan(a, f, k, false)) {
			if (len && h->state == ST_FRAME)
				frame_bytes(a, f, k, d, len, off);
			else if (len && h->state == ST_SYNC)
				sync_bytes(a, f, k, d, len, off);
			return;
		}
		if (n == 0 && h->sync_len == h->sync_cap) {
			/* nothing freed: drop the oldest byte */
			memmove(h->sync, h->sync + 1, --h->sync_len);
			h->seg_valid = h->seg_valid && h->seg_pos >= 1;
			h->seg_pos -= h->seg_valid ? 1 : 0;
			h->sync_off++;
			h->sync_skipped++;
		}
	}
}

void stream_data(struct pcap_analyzer *a, struct flow *f, int k,
		 const uint8_t *data, size_t len)
{
	struct half *h = &f->h[k];

	if (!h->begun)
		begin(a, f, k);
	if (h->state == ST_FRAME)
		frame_bytes(a, f, k, data, len, h->offset);
	else if (h->state == ST_SYNC) {
		/* Wireshark tries a PDU at every segment start: so do we */
		h->seg_pos = h->sync_len;
		h->seg_valid = true;
		sync_bytes(a, f, k, data, len, h->offset);
	}
}

void stream_gap(struct pcap_analyzer *a, struct flow *f, int k, uint64_t len)
{
	struct half *h = &f->h[k];
	struct pcap_event ev;
	char msg[160];
	size_t pend;

	if (!h->begun)
		begin(a, f, k);
	if (h->state == ST_OFF)
		return;
	pend = h->state == ST_FRAME ? iscsi_framer_pending(&h->fr) : 0;
	if (f->iscsi) {
		snprintf(msg, sizeof(msg),
			 "%llu bytes missing at stream offset %llu%s",
			 (unsigned long long)len,
			 (unsigned long long)h->offset,
			 pend ? ": the PDU in progress is lost" : "");
		an_event_init(a, &ev, PCAP_EV_GAP, f);
		ev.offset = h->offset;
		ev.length = len;
		ev.msg = msg;
		if (f->conn.roles_known) {
			ev.dir_known = true;
			ev.dir = half_dir(f, k);
		}
		an_emit(a, &ev);
	}
	to_sync(h);
	h->seg_pos = 0;
	h->seg_valid = true;
}

void stream_end(struct pcap_analyzer *a, struct flow *f, int k)
{
	struct half *h = &f->h[k];
	size_t pend;

	if (h->state == ST_FRAME) {
		pend = iscsi_framer_pending(&h->fr);
		if (pend && f->iscsi)
			an_error(a, f, k, PCAP_ERR_TRUNCATED_PDU,
				 "stream ends %zu bytes into a PDU at offset "
				 "%llu (%zu more needed)",
				 pend, (unsigned long long)h->pdu_offset,
				 iscsi_framer_need(&h->fr));
	} else if (h->state == ST_SYNC && h->sync_len >= ISCSI_BHS_LEN &&
		   f->iscsi) {
		sync_scan(a, f, k, true);
		if (h->state == ST_FRAME && iscsi_framer_pending(&h->fr))
			an_error(a, f, k, PCAP_ERR_TRUNCATED_PDU,
				 "stream ends inside a PDU at offset %llu",
				 (unsigned long long)h->pdu_offset);
	}
	h->state = ST_OFF;
}
