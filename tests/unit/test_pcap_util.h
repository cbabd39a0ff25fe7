/* SPDX-License-Identifier: MIT */
/*
 * test_pcap_util.h - hand-built frames and an event recorder for the
 * analyzer's unit tests (test_pcap_*.c). Everything is static: each test
 * file gets its own copy.
 */
#ifndef ISCSI_CTS_TEST_PCAP_UTIL_H
#define ISCSI_CTS_TEST_PCAP_UTIL_H

#include <stdint.h>
#include <string.h>

#include "analyzer.h"
#include "crc32c.h"

#define TP_MAX_EV 256

struct tp_ev {
	enum pcap_event_kind kind;
	uint64_t frame, first_frame, offset, length;
	unsigned opcode, index;
	uint32_t itt;
	size_t data_len;
	uint8_t data0; /* first data byte */
	bool hd_present, hd_ok, dd_present, dd_ok;
	enum pcap_dir dir;
	bool task, task_done;
	int64_t latency_ns;
	enum pcap_error_code code;
	bool ffp, params_known, hdg;
};

struct tp_rec {
	struct tp_ev ev[TP_MAX_EV];
	size_t n, pdus, gaps, resyncs, errors;
};

static __attribute__((unused)) void tp_cb(const struct pcap_event *ev,
					  void *arg)
{
	struct tp_rec *r = arg;
	struct tp_ev *e;

	if (ev->kind == PCAP_EV_PDU)
		r->pdus++;
	if (ev->kind == PCAP_EV_GAP)
		r->gaps++;
	if (ev->kind == PCAP_EV_RESYNC)
		r->resyncs++;
	if (ev->kind == PCAP_EV_ERROR)
		r->errors++;
	if (r->n >= TP_MAX_EV || ev->kind == PCAP_EV_FLOW_START ||
	    ev->kind == PCAP_EV_FLOW_END || ev->kind == PCAP_EV_END)
		return;
	e = &r->ev[r->n++];
	memset(e, 0, sizeof(*e));
	e->kind = ev->kind;
	e->frame = ev->frame;
	e->offset = ev->offset;
	e->length = ev->length;
	e->code = ev->code;
	if (ev->pdu) {
		const struct pcap_pdu *p = ev->pdu;

		e->first_frame = p->first_frame;
		e->opcode = p->opcode;
		e->index = p->index;
		e->itt = iscsi_bhs_itt(&p->pdu.bhs);
		e->data_len = p->pdu.data_len;
		e->data0 = p->pdu.data_len ? p->pdu.data[0] : 0;
		e->hd_present = p->pdu.hdigest_present;
		e->hd_ok = p->pdu.hdigest_ok;
		e->dd_present = p->pdu.ddigest_present;
		e->dd_ok = p->pdu.ddigest_ok;
		e->dir = p->dir;
		e->task = p->task != NULL;
		e->task_done = p->task && p->task->done;
		e->latency_ns = p->task ? p->task->latency_ns : 0;
		e->ffp = p->conn->ffp;
		e->params_known = p->conn->params_known;
		e->hdg = p->conn->dg[PCAP_DIR_I2T].header;
	}
}

/* The n-th recorded PDU event, or NULL. */
static __attribute__((unused)) const struct tp_ev *
tp_pdu(const struct tp_rec *r, size_t n)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->ev[i].kind == PCAP_EV_PDU && n-- == 0)
			return &r->ev[i];
	return NULL;
}

/*
 * A BHS: opcode, flags, DataSegmentLength and ITT; every other byte 0.
 * Returns the PDU length written (BHS + data + padding + digests) with
 * data bytes set to `fill`.
 */
static __attribute__((unused)) size_t
tp_pdu_bytes(uint8_t *p, uint8_t opcode, uint8_t flags, uint32_t dsl,
	     uint32_t itt, uint8_t fill, bool hd, bool dd)
{
	size_t off = ISCSI_BHS_LEN, pad = (4 - (dsl & 3)) & 3;

	memset(p, 0, ISCSI_BHS_LEN);
	p[0] = opcode;
	p[1] = flags;
	iscsi_put24(p + 5, dsl);
	iscsi_put32(p + 16, itt);
	if ((opcode & 0x3f) == 0x03 || (opcode & 0x3f) == 0x23) {
		p[1] |= 0x80 | 0x04 | 0x03; /* T, CSG=1, NSG=3 */
	}
	if (hd) {
		iscsi_digest_put(p + off, iscsi_crc32c(p, off));
		off += 4;
	}
	if (dsl) {
		memset(p + off, fill, dsl);
		memset(p + off + dsl, 0, pad);
		if (dd)
			iscsi_digest_put(p + off + dsl + pad,
					 iscsi_crc32c(p + off, dsl + pad));
		off += dsl + pad + (dd ? 4 : 0);
	}
	return off;
}

enum tp_link { TP_ETH, TP_VLAN2, TP_SLL, TP_SLL2, TP_RAW4, TP_RAW6, TP_NULL };

struct tp_conn {
	enum tp_link link;
	uint32_t seq[2]; /* next seq of each side: 0 initiator, 1 target */
	uint64_t frames;
};

static __attribute__((unused)) int tp_linktype(enum tp_link l)
{
	switch (l) {
	case TP_ETH:
	case TP_VLAN2:
		return PCAP_LT_ETHERNET;
	case TP_SLL:
		return PCAP_LT_LINUX_SLL;
	case TP_SLL2:
		return PCAP_LT_LINUX_SLL2;
	case TP_RAW4:
	case TP_RAW6:
		return PCAP_LT_RAW;
	case TP_NULL:
		return PCAP_LT_NULL;
	}
	return PCAP_LT_ETHERNET;
}

/*
 * One TCP segment from side s (0: initiator 10.0.0.1:50000, 1: target
 * 10.0.0.2:3260; IPv6 ::1/::2 for TP_RAW6, with a hop-by-hop header),
 * at sequence number seq with the given flags, into frame; returns its
 * length.
 */
static __attribute__((unused)) size_t
tp_frame(uint8_t *fr, enum tp_link l, int s, uint32_t seq, uint32_t ack,
	 uint8_t flags, const uint8_t *pl, size_t len)
{
	size_t o = 0, ipo, tcpo;
	uint16_t sp = s ? 3260 : 50000, dp = s ? 50000 : 3260;

	switch (l) {
	case TP_ETH:
	case TP_VLAN2:
		memset(fr, 0x02, 12);
		o = 12;
		if (l == TP_VLAN2) {
			iscsi_put16(fr + o, 0x88a8);
			iscsi_put16(fr + o + 2, 10);
			iscsi_put16(fr + o + 4, 0x8100);
			iscsi_put16(fr + o + 6, 20);
			o += 8;
		}
		iscsi_put16(fr + o, 0x0800);
		o += 2;
		break;
	case TP_SLL:
		memset(fr, 0, 14);
		iscsi_put16(fr + 14, 0x0800);
		o = 16;
		break;
	case TP_SLL2:
		memset(fr, 0, 20);
		iscsi_put16(fr, 0x0800);
		o = 20;
		break;
	case TP_NULL:
		fr[0] = 2; /* AF_INET, host order (little-endian capture) */
		fr[1] = fr[2] = fr[3] = 0;
		o = 4;
		break;
	case TP_RAW4:
	case TP_RAW6:
		break;
	}
	ipo = o;
	if (l == TP_RAW6) {
		memset(fr + o, 0, 48);
		fr[o] = 0x60;
		iscsi_put16(fr + o + 4, (uint16_t)(8 + 20 + len));
		fr[o + 6] = 0; /* hop-by-hop options */
		fr[o + 7] = 64;
		fr[o + 8 + 15] = s ? 2 : 1;
		fr[o + 24 + 15] = s ? 1 : 2;
		fr[o + 40] = 6; /* next: TCP */
		fr[o + 41] = 0; /* 8 bytes */
		tcpo = o + 48;
	} else {
		memset(fr + o, 0, 20);
		fr[o] = 0x45;
		iscsi_put16(fr + o + 2, (uint16_t)(20 + 20 + len));
		fr[o + 8] = 64;
		fr[o + 9] = 6;
		fr[o + 12] = 10;
		fr[o + 15] = s ? 2 : 1;
		fr[o + 16] = 10;
		fr[o + 19] = s ? 1 : 2;
		tcpo = o + 20;
	}
	(void)ipo;
	memset(fr + tcpo, 0, 20);
	iscsi_put16(fr + tcpo, sp);
	iscsi_put16(fr + tcpo + 2, dp);
	iscsi_put32(fr + tcpo + 4, seq);
	iscsi_put32(fr + tcpo + 8, ack);
	fr[tcpo + 12] = 0x50;
	fr[tcpo + 13] = flags;
	if (len)
		memcpy(fr + tcpo + 20, pl, len);
	return tcpo + 20 + len;
}

#endif
