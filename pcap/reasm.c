/* SPDX-License-Identifier: MIT */
/*
 * reasm.c - TCP reassembly of one direction of a flow.
 *
 * In-order payload goes straight to the framer from the capture buffer
 * (no copy). Out-of-order segments are copied and held, sorted, until the
 * hole before them fills; retransmitted and overlapping bytes are trimmed
 * so that every stream byte is delivered once. A hole is declared lost
 * (a gap) when the receiver already acknowledged past it (the capture
 * missed the segment), when the held bytes reach their bound, or at the
 * end of the flow. Sequence numbers compare modulo 2^32.
 */
#include <stdlib.h>
#include <string.h>

#include "analyzer_int.h"

static int32_t sdiff(uint32_t x, uint32_t y)
{
	return (int32_t)(x - y);
}

static void gap(struct pcap_analyzer *a, struct flow *f, int k, uint64_t len)
{
	struct half *h = &f->h[k];

	if (!len)
		return;
	a->t.gaps++;
	a->t.gap_bytes += len;
	stream_gap(a, f, k, len);
	h->next_seq += (uint32_t)len;
	h->offset += len;
}

static void deliver(struct pcap_analyzer *a, struct flow *f, int k,
		    const uint8_t *d, size_t len, size_t missing)
{
	struct half *h = &f->h[k];

	if (len) {
		stream_data(a, f, k, d, len);
		h->next_seq += (uint32_t)len;
		h->offset += len;
	}
	gap(a, f, k, missing);
}

/* Deliver bytes of a segment starting at seq, skipping what was seen. */
static void deliver_from(struct pcap_analyzer *a, struct flow *f, int k,
			 uint32_t seq, const uint8_t *d, size_t len,
			 size_t missing)
{
	struct half *h = &f->h[k];
	size_t skip = (size_t)(uint32_t)(h->next_seq - seq);
	size_t total = len + missing;

	if (skip >= total) {
		a->t.retrans_bytes += total;
		return;
	}
	a->t.retrans_bytes += skip;
	if (skip < len)
		deliver(a, f, k, d + skip, len - skip, missing);
	else
		gap(a, f, k, total - skip);
}

static void seg_drop(struct pcap_analyzer *a, struct half *h, struct seg *s)
{
	h->ooo = s->next;
	h->ooo_bytes -= s->len;
	a->buffered -= s->len;
	free(s);
}

/* Deliver held segments that the stream has reached. */
static void drain(struct pcap_analyzer *a, struct flow *f, int k)
{
	struct half *h = &f->h[k];
	struct seg *s;

	while ((s = h->ooo) && sdiff(s->seq, h->next_seq) <= 0) {
		h->ooo = s->next;
		h->ooo_bytes -= s->len;
		a->buffered -= s->len;
		deliver_from(a, f, k, s->seq, s->data, s->len, s->missing);
		free(s);
	}
}

/* Skip the hole before the first held segment: it is lost. */
static void skip_hole(struct pcap_analyzer *a, struct flow *f, int k)
{
	struct half *h = &f->h[k];

	if (h->ooo && sdiff(h->ooo->seq, h->next_seq) > 0)
		gap(a, f, k, (uint32_t)(h->ooo->seq - h->next_seq));
	drain(a, f, k);
}

/* The receiver acknowledged bytes never captured: holes up to its ACK
 * will not be retransmitted. */
static void fill_lost(struct pcap_analyzer *a, struct flow *f, int k)
{
	struct half *h = &f->h[k];

	while (h->ooo && h->peer_ack_known &&
	       sdiff(h->peer_ack, h->next_seq) > 0) {
		uint32_t upto = sdiff(h->ooo->seq, h->peer_ack) < 0
					? h->ooo->seq
					: h->peer_ack;

		gap(a, f, k, (uint32_t)(upto - h->next_seq));
		drain(a, f, k);
	}
}

static void hold(struct pcap_analyzer *a, struct flow *f, int k, uint32_t seq,
		 const uint8_t *d, size_t len, size_t missing)
{
	struct half *h = &f->h[k];
	struct seg **pp, *s;

	/* a retransmission of a held segment */
	for (pp = &h->ooo; *pp && sdiff((*pp)->seq, seq) < 0; pp = &(*pp)->next)
		;
	if (*pp && (*pp)->seq == seq && (*pp)->len + (*pp)->missing >=
						len + missing) {
		a->t.retrans_bytes += len + missing;
		return;
	}
	s = malloc(sizeof(*s) + len);
	if (!s) {
		skip_hole(a, f, k);
		return;
	}
	s->seq = seq;
	s->len = (uint32_t)len;
	s->missing = (uint32_t)missing;
	memcpy(s->data, d, len);
	s->next = *pp;
	*pp = s;
	h->ooo_bytes += len;
	a->buffered += len;
	if (a->buffered > a->t.peak_buffered)
		a->t.peak_buffered = a->buffered;
	a->t.ooo_segments++;
}

static bool over_budget(const struct pcap_analyzer *a, const struct half *h,
			size_t len)
{
	return h->ooo_bytes + len > a->o.max_ooo_per_dir ||
	       a->buffered + len > a->o.max_ooo_total;
}

void reasm_segment(struct pcap_analyzer *a, struct flow *f, int k,
		   const struct pkt *p)
{
	struct half *h = &f->h[k], *o = &f->h[1 - k];
	uint32_t seq = p->seq;
	size_t total = p->len + p->missing;

	if (p->flags & TCP_ACK) {
		if (!o->peer_ack_known || sdiff(p->ack, o->peer_ack) > 0)
			o->peer_ack = p->ack;
		o->peer_ack_known = true;
		if (o->ooo)
			fill_lost(a, f, 1 - k);
	}
	if (p->flags & TCP_SYN) {
		if (!h->seq_known || h->offset == 0) {
			h->next_seq = seq + 1;
			h->seq_known = true;
			h->at_start = true;
		}
		seq++;
	}
	if (p->flags & TCP_FIN)
		h->fin = true;
	if (h->state == ST_OFF || total == 0)
		return;
	if (!h->seq_known) {
		h->next_seq = seq;
		h->seq_known = true;
	}
	if (sdiff(seq, h->next_seq) <= 0) {
		deliver_from(a, f, k, seq, p->payload, p->len, p->missing);
		drain(a, f, k);
		return;
	}
	/* out of order */
	if (a->o.wireshark_compat) {
		gap(a, f, k, (uint32_t)(seq - h->next_seq));
		deliver(a, f, k, p->payload, p->len, p->missing);
		return;
	}
	hold(a, f, k, seq, p->payload, p->len, p->missing);
	fill_lost(a, f, k);
	while (h->ooo && over_budget(a, h, 0)) {
		an_error(a, f, k, PCAP_ERR_LIMIT,
			 "%zu out-of-order bytes held: hole skipped",
			 h->ooo_bytes);
		skip_hole(a, f, k);
	}
}

void reasm_flush(struct pcap_analyzer *a, struct flow *f, int k)
{
	while (f->h[k].ooo)
		skip_hole(a, f, k);
}

void reasm_free(struct pcap_analyzer *a, struct half *h)
{
	while (h->ooo)
		seg_drop(a, h, h->ooo);
}
