/* SPDX-License-Identifier: MIT */
/*
 * pcapng.c - a transcript as a pcapng capture of the real flows.
 *
 * Frames are synthesised: Ethernet, IPv4 or IPv6 with the sockets' own
 * addresses and ports, TCP with a SYN/SYN-ACK/ACK handshake at each
 * flow's start, sequence and acknowledgement numbers that follow the
 * bytes of each direction, one PDU per frame (split into segments of at
 * most 65000 bytes), FIN or RST where the connection ended.  IP and TCP
 * checksums are computed.  Blocks: one Section Header, one Interface
 * Description (LINKTYPE_ETHERNET, microsecond timestamps), then an
 * Enhanced Packet Block per frame.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"

#define SEG_MAX 65000u
#define ETH_LEN 14u
#define IP4_LEN 20u
#define IP6_LEN 40u
#define TCP_LEN 20u
#define FRAME_MAX (ETH_LEN + IP6_LEN + TCP_LEN + SEG_MAX)

#define TCP_FIN 0x01u
#define TCP_SYN 0x02u
#define TCP_RST 0x04u
#define TCP_PSH 0x08u
#define TCP_ACK 0x10u

/* One flow as written: endpoints and sequence state. */
struct wflow {
	int family; /* AF_INET or AF_INET6 */
	uint8_t cli[16], srv[16];
	uint16_t cport, sport;
	uint32_t cseq, sseq; /* next sequence number per direction */
	bool started;
};

struct writer {
	FILE *f;
	uint8_t frame[FRAME_MAX];
	uint16_t ip_id;
	bool failed;
};

static void put_le32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4); /* pcapng blocks are in the writer's byte order */
}

static void wbytes(struct writer *w, const void *p, size_t n)
{
	if (!w->failed && n && fwrite(p, 1, n, w->f) != n)
		w->failed = true;
}

static void w32(struct writer *w, uint32_t v)
{
	uint8_t b[4];

	put_le32(b, v);
	wbytes(w, b, 4);
}

static void write_headers(struct writer *w)
{
	uint16_t v16[2];

	/* Section Header Block */
	w32(w, 0x0a0d0d0au);
	w32(w, 28);
	w32(w, 0x1a2b3c4du);
	v16[0] = 1; /* major */
	v16[1] = 0; /* minor */
	wbytes(w, v16, 4);
	w32(w, 0xffffffffu); /* section length unknown (-1) */
	w32(w, 0xffffffffu);
	w32(w, 28);
	/* Interface Description Block */
	w32(w, 1);
	w32(w, 20);
	v16[0] = 1; /* LINKTYPE_ETHERNET */
	v16[1] = 0;
	wbytes(w, v16, 4);
	w32(w, 0); /* snaplen: no limit */
	w32(w, 20);
}

static void write_epb(struct writer *w, uint64_t ts_us, size_t caplen,
		      size_t origlen)
{
	static const uint8_t zero[4];
	size_t pad = iscsi_pad_len(caplen);

	w32(w, 6);
	w32(w, (uint32_t)(32 + caplen + pad));
	w32(w, 0);
	w32(w, (uint32_t)(ts_us >> 32));
	w32(w, (uint32_t)ts_us);
	w32(w, (uint32_t)caplen);
	w32(w, (uint32_t)origlen);
	wbytes(w, w->frame, caplen);
	wbytes(w, zero, pad);
	w32(w, (uint32_t)(32 + caplen + pad));
}

static uint32_t sum16(const uint8_t *p, size_t n, uint32_t s)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1u)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}

static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffffu) + (s >> 16);
	return (uint16_t)~s;
}

/* Flow endpoints from the sockets; made up when they are not IP. */
static void flow_init(struct wflow *wf, const struct cts_flow *f, unsigned idx)
{
	const struct sockaddr_in *l4 = (const void *)&f->local;
	const struct sockaddr_in *p4 = (const void *)&f->peer;
	const struct sockaddr_in6 *l6 = (const void *)&f->local;
	const struct sockaddr_in6 *p6 = (const void *)&f->peer;

	memset(wf, 0, sizeof(*wf));
	wf->cseq = 0x10000000u + idx * 0x01000000u;
	wf->sseq = 0x80000000u + idx * 0x01000000u;
	if (f->local.ss_family == AF_INET && f->peer.ss_family == AF_INET) {
		wf->family = AF_INET;
		memcpy(wf->cli, &l4->sin_addr, 4);
		memcpy(wf->srv, &p4->sin_addr, 4);
		wf->cport = ntohs(l4->sin_port);
		wf->sport = ntohs(p4->sin_port);
		return;
	}
	if (f->local.ss_family == AF_INET6 && f->peer.ss_family == AF_INET6) {
		wf->family = AF_INET6;
		memcpy(wf->cli, &l6->sin6_addr, 16);
		memcpy(wf->srv, &p6->sin6_addr, 16);
		wf->cport = ntohs(l6->sin6_port);
		wf->sport = ntohs(p6->sin6_port);
		return;
	}
	/* a socketpair: 127.0.0.1, client port per flow, server 3260 */
	wf->family = AF_INET;
	wf->cli[0] = wf->srv[0] = 127;
	wf->cli[3] = wf->srv[3] = 1;
	wf->cport = (uint16_t)(40000u + idx % 20000u);
	wf->sport = 3260;
}

/*
 * One TCP segment of flow wf in direction dir carrying n payload bytes
 * (avail of them known, the rest beyond the capture).
 */
static void segment(struct writer *w, struct wflow *wf, bool from_client,
		    uint8_t flags, const uint8_t *payload, size_t avail,
		    size_t n, uint64_t ts_us)
{
	uint8_t *e = w->frame, *ip = e + ETH_LEN, *tcp;
	const uint8_t *src = from_client ? wf->cli : wf->srv;
	const uint8_t *dst = from_client ? wf->srv : wf->cli;
	uint32_t *seq = from_client ? &wf->cseq : &wf->sseq;
	uint32_t ack = from_client ? wf->sseq : wf->cseq;
	size_t iplen, hdrs;
	uint32_t s;

	memset(e, 0, ETH_LEN);
	e[0] = 0x02;
	e[5] = from_client ? 2 : 1;
	e[6] = 0x02;
	e[11] = from_client ? 1 : 2;
	if (wf->family == AF_INET6) {
		iscsi_put16(e + 12, 0x86dd);
		memset(ip, 0, IP6_LEN);
		ip[0] = 0x60;
		iscsi_put16(ip + 4, (uint16_t)(TCP_LEN + n));
		ip[6] = 6;
		ip[7] = 64;
		memcpy(ip + 8, src, 16);
		memcpy(ip + 24, dst, 16);
		iplen = IP6_LEN;
	} else {
		iscsi_put16(e + 12, 0x0800);
		memset(ip, 0, IP4_LEN);
		ip[0] = 0x45;
		iscsi_put16(ip + 2, (uint16_t)(IP4_LEN + TCP_LEN + n));
		iscsi_put16(ip + 4, w->ip_id++);
		ip[6] = 0x40; /* DF */
		ip[8] = 64;
		ip[9] = 6;
		memcpy(ip + 12, src, 4);
		memcpy(ip + 16, dst, 4);
		iscsi_put16(ip + 10, fold(sum16(ip, IP4_LEN, 0)));
		iplen = IP4_LEN;
	}
	tcp = ip + iplen;
	memset(tcp, 0, TCP_LEN);
	iscsi_put16(tcp, from_client ? wf->cport : wf->sport);
	iscsi_put16(tcp + 2, from_client ? wf->sport : wf->cport);
	iscsi_put32(tcp + 4, *seq);
	iscsi_put32(tcp + 8, (flags & TCP_SYN) && !(flags & TCP_ACK) ? 0 : ack);
	tcp[12] = 5u << 4;
	tcp[13] = flags;
	iscsi_put16(tcp + 14, 65535);
	if (avail)
		memcpy(tcp + TCP_LEN, payload, avail);
	hdrs = ETH_LEN + iplen + TCP_LEN;
	if (avail == n) {
		/* pseudo header, then the segment */
		if (wf->family == AF_INET6) {
			s = sum16(src, 16, 0);
			s = sum16(dst, 16, s);
			s += (uint32_t)(TCP_LEN + n);
		} else {
			s = sum16(src, 4, 0);
			s = sum16(dst, 4, s);
			s += (uint32_t)(TCP_LEN + n);
		}
		s += 6;
		s = sum16(tcp, TCP_LEN + n, s);
		iscsi_put16(tcp + 16, fold(s));
	}
	write_epb(w, ts_us, hdrs + avail, hdrs + n);
	*seq += (uint32_t)n + ((flags & (TCP_SYN | TCP_FIN)) ? 1u : 0u);
}

static void handshake(struct writer *w, struct wflow *wf, uint64_t ts)
{
	wf->started = true;
	segment(w, wf, true, TCP_SYN, NULL, 0, 0, ts);
	segment(w, wf, false, TCP_SYN | TCP_ACK, NULL, 0, 0, ts);
	segment(w, wf, true, TCP_ACK, NULL, 0, 0, ts);
}

static void write_record(struct writer *w, struct wflow *wf,
			 const struct cts_record *r)
{
	bool cli = r->dir == CTS_SENT;

	if (!wf->started)
		handshake(w, wf, r->ts_us);
	switch (r->kind) {
	case CTS_REC_OPEN:
		break;
	case CTS_REC_FIN:
		segment(w, wf, cli, TCP_FIN | TCP_ACK, NULL, 0, 0, r->ts_us);
		break;
	case CTS_REC_RST:
		segment(w, wf, false, TCP_RST | TCP_ACK, NULL, 0, 0, r->ts_us);
		break;
	case CTS_REC_PDU:
	case CTS_REC_RAW:
		for (size_t off = 0; off < r->wire_len; off += SEG_MAX) {
			size_t n = r->wire_len - off, avail = 0;

			if (n > SEG_MAX)
				n = SEG_MAX;
			if (off < r->len)
				avail = r->len - off < n ? r->len - off : n;
			segment(w, wf, cli, TCP_PSH | TCP_ACK, r->bytes + off,
				avail, n, r->ts_us);
		}
		break;
	}
}

int cts_transcript_write_pcapng(const struct cts_transcript *t,
				const char *path, char *err, size_t errlen)
{
	struct writer *w;
	struct wflow *wf;
	size_t nf = cts_transcript_flows(t);
	int rc = 0;

	w = calloc(1, sizeof(*w));
	wf = calloc(nf ? nf : 1, sizeof(*wf));
	if (!w || !wf) {
		free(w);
		free(wf);
		cts_errf(err, errlen, "out of memory");
		return -1;
	}
	w->f = fopen(path, "wb");
	if (!w->f) {
		cts_errf(err, errlen, "%s: %s", path, strerror(errno));
		free(w);
		free(wf);
		return -1;
	}
	for (size_t i = 0; i < nf; i++)
		flow_init(&wf[i], cts_transcript_flow(t, i), (unsigned)i);
	write_headers(w);
	for (size_t i = 0; i < cts_transcript_count(t); i++) {
		const struct cts_record *r = cts_transcript_at(t, i);

		if (r->flow < nf)
			write_record(w, &wf[r->flow], r);
	}
	if (fclose(w->f) != 0 || w->failed) {
		cts_errf(err, errlen, "%s: write failed: %s", path,
			 strerror(errno));
		rc = -1;
	}
	free(w);
	free(wf);
	return rc;
}
