/* SPDX-License-Identifier: MIT */
/*
 * flows.c - the table of TCP flows: lookup by 4-tuple (either direction),
 * creation, iSCSI detection by port, and eviction on FIN/RST, idleness
 * or when the table is full (least recently active first).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer_int.h"

static uint32_t mix(uint32_t h, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

/* The same hash for both directions. */
static uint32_t tuple_hash(const struct pcap_endpoint *x,
			   const struct pcap_endpoint *y)
{
	uint32_t hx = mix(2166136261u, x->addr, 16);
	uint32_t hy = mix(2166136261u, y->addr, 16);

	hx = mix(hx, (const uint8_t *)&x->port, 2);
	hy = mix(hy, (const uint8_t *)&y->port, 2);
	return hx ^ hy;
}

bool flows_is_port(const struct pcap_analyzer *a, uint16_t port)
{
	if (a->o.nports == 0)
		return port == 3260 || port == 860;
	for (size_t i = 0; i < a->o.nports; i++)
		if (a->o.ports[i] == port)
			return true;
	return false;
}

static void lru_unlink(struct pcap_analyzer *a, struct flow *f)
{
	if (f->lru_prev)
		f->lru_prev->lru_next = f->lru_next;
	else
		a->lru_head = f->lru_next;
	if (f->lru_next)
		f->lru_next->lru_prev = f->lru_prev;
	else
		a->lru_tail = f->lru_prev;
	f->lru_prev = f->lru_next = NULL;
}

static void lru_front(struct pcap_analyzer *a, struct flow *f)
{
	f->lru_next = a->lru_head;
	f->lru_prev = NULL;
	if (a->lru_head)
		a->lru_head->lru_prev = f;
	a->lru_head = f;
	if (!a->lru_tail)
		a->lru_tail = f;
}

static void hash_remove(struct pcap_analyzer *a, struct flow *f)
{
	struct flow **pp = &a->htab[f->hash & (a->hcap - 1)];

	while (*pp && *pp != f)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = f->hnext;
}

static void hash_grow(struct pcap_analyzer *a)
{
	size_t ncap = a->hcap * 2;
	struct flow **n = calloc(ncap, sizeof(*n));

	if (!n)
		return; /* keep the longer chains */
	for (size_t i = 0; i < a->hcap; i++) {
		struct flow *f = a->htab[i], *next;

		for (; f; f = next) {
			next = f->hnext;
			f->hnext = n[f->hash & (ncap - 1)];
			n[f->hash & (ncap - 1)] = f;
		}
	}
	free(a->htab);
	a->htab = n;
	a->hcap = ncap;
}

static void flow_free(struct pcap_analyzer *a, struct flow *f)
{
	for (int k = 0; k < 2; k++) {
		reasm_free(a, &f->h[k]);
		stream_free(a, &f->h[k]);
	}
	tasks_free(&f->tasks);
	free(f);
}

/* Flush both directions, report the end, forget the flow. */
void flows_end(struct pcap_analyzer *a, struct flow *f)
{
	struct pcap_event ev;

	for (int k = 0; k < 2; k++)
		reasm_flush(a, f, k);
	for (int k = 0; k < 2; k++)
		stream_end(a, f, k);
	if (f->started) {
		an_event_init(a, &ev, PCAP_EV_FLOW_END, f);
		an_emit(a, &ev);
	}
	session_detach(a, f);
	hash_remove(a, f);
	lru_unlink(a, f);
	a->nflows--;
	flow_free(a, f);
}

void flows_end_all(struct pcap_analyzer *a)
{
	/* oldest first, so FLOW_END events come in order of activity */
	while (a->lru_tail)
		flows_end(a, a->lru_tail);
}

void flows_free_all(struct pcap_analyzer *a)
{
	while (a->lru_tail) {
		struct flow *f = a->lru_tail;

		hash_remove(a, f);
		lru_unlink(a, f);
		a->nflows--;
		flow_free(a, f);
	}
}

static struct flow *flow_new(struct pcap_analyzer *a, const struct pkt *p,
			     uint32_t h)
{
	struct flow *f;

	if (a->nflows >= a->o.max_flows && a->lru_tail) {
		an_error(a, NULL, -1, PCAP_ERR_LIMIT,
			 "more than %zu concurrent flows: the least recently "
			 "active one is ended early",
			 a->o.max_flows);
		flows_end(a, a->lru_tail);
	}
	f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->hash = h;
	f->pub.id = a->next_flow_id++;
	f->pub.a = p->src;
	f->pub.b = p->dst;
	f->pub.first_frame = a->frame;
	f->pub.first_ts_ns = a->ts_ns;
	f->syn_seen = (p->flags & (TCP_SYN | TCP_ACK)) == TCP_SYN;
	f->known_port = flows_is_port(a, p->src.port) ||
			flows_is_port(a, p->dst.port);
	f->iscsi = f->known_port;
	f->conn.flow = &f->pub;
	iscsi_params_defaults(&f->conn.params);
	for (int k = 0; k < 2; k++)
		stream_init(a, f, k);
	if (a->nflows * 2 >= a->hcap)
		hash_grow(a);
	f->hnext = a->htab[h & (a->hcap - 1)];
	a->htab[h & (a->hcap - 1)] = f;
	lru_front(a, f);
	a->nflows++;
	a->t.flows++;
	return f;
}

static struct flow *flow_find(struct pcap_analyzer *a, const struct pkt *p,
			      uint32_t h, int *k)
{
	struct flow *f = a->htab[h & (a->hcap - 1)];

	for (; f; f = f->hnext) {
		if (f->hash != h)
			continue;
		if (ep_eq(&f->pub.a, &p->src) && ep_eq(&f->pub.b, &p->dst)) {
			*k = 0;
			return f;
		}
		if (ep_eq(&f->pub.a, &p->dst) && ep_eq(&f->pub.b, &p->src)) {
			*k = 1;
			return f;
		}
	}
	return NULL;
}

static void evict_idle(struct pcap_analyzer *a)
{
	int64_t limit = (int64_t)a->o.idle_timeout_s * 1000000000;

	if (!a->o.idle_timeout_s)
		return;
	if (a->ts_ns - a->last_idle_check_ns < 1000000000)
		return;
	a->last_idle_check_ns = a->ts_ns;
	while (a->lru_tail && a->ts_ns - a->lru_tail->last_ts_ns > limit)
		flows_end(a, a->lru_tail);
}

void flows_segment(struct pcap_analyzer *a, const struct pkt *p)
{
	uint32_t h = tuple_hash(&p->src, &p->dst);
	struct flow *f;
	int k = 0;

	evict_idle(a);
	f = flow_find(a, p, h, &k);
	if (f && (p->flags & (TCP_SYN | TCP_ACK)) == TCP_SYN &&
	    (f->rst || (f->h[0].fin && f->h[1].fin) ||
	     (f->h[k].seq_known && p->seq + 1 != f->h[k].next_seq))) {
		/* a new connection reusing the 4-tuple */
		flows_end(a, f);
		f = NULL;
	}
	if (!f) {
		/* nothing to reassemble: a stray RST or ACK (the last ACK
		 * of a closed connection) does not open a flow */
		if ((p->flags & TCP_RST) ||
		    (!(p->flags & TCP_SYN) && p->len == 0 && p->missing == 0))
			return;
		f = flow_new(a, p, h);
		if (!f) {
			an_error(a, NULL, -1, PCAP_ERR_LIMIT,
				 "out of memory for a new flow");
			return;
		}
		k = 0;
	}
	f->last_ts_ns = a->ts_ns;
	if (a->lru_head != f) {
		lru_unlink(a, f);
		lru_front(a, f);
	}
	reasm_segment(a, f, k, p);
	if (p->flags & TCP_RST) {
		f->rst = true;
		flows_end(a, f);
		return;
	}
	if (f->h[0].fin && f->h[1].fin && !f->h[0].ooo && !f->h[1].ooo)
		flows_end(a, f);
}
