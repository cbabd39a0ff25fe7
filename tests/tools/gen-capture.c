/* SPDX-License-Identifier: MIT */
/*
 * gen-capture.c - write a synthetic iSCSI capture for the iscsi-pcap
 * benchmark (ci/bench-pcap.sh).
 *
 *   gen-capture MODE SIZE_MB OUT.pcap
 *
 * Classic pcap (microsecond timestamps), Ethernet / IPv4 / TCP, target
 * port 3260. Every connection opens with a three-way handshake, a login
 * that goes from operational negotiation straight to full feature phase
 * (so the analyzer learns the negotiated values), and ends with a Logout
 * and a FIN exchange. Each direction's bytes are cut into segments of up
 * to 64 KB regardless of PDU boundaries, so segments carry several PDUs
 * and PDUs cross segments. TCP sequence and acknowledgement numbers are
 * exact (an ACK never covers bytes not yet sent).
 *
 *   read4k  one connection, rounds of 32 READ(10) of 4 KiB (queue depth
 *           32), each answered by one Data-In carrying the status (S bit)
 *   mixed   four sessions of one connection each; reads and writes of
 *           512 B .. 1 MiB (writes solicited by R2Ts: InitialR2T=Yes,
 *           ImmediateData=No, MaxBurstLength 256 KiB, MaxOutstandingR2T
 *           1), reads completed by a Data-In with S or a SCSI Response,
 *           NOP-Out pings answered by NOP-Ins
 *
 * The file is streamed: memory use does not depend on SIZE_MB.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wire.h"

#define TARGET_PORT 3260
#define OUT_CAP (8u << 20)
#define Q_CAP (2u << 20)		/* queued stream bytes per direction */
#define SEG_MAX 65160u			/* 45 * 1448: IPv4 total length fits */
#define HDRS (14u + 20u + 20u)		/* Ethernet + IPv4 + TCP */
#define REC_MAX (16u + HDRS + SEG_MAX)
#define MAX_PDU_DATA 65536u		/* Data-In / Data-Out payload */
#define MAX_BURST 262144u		/* MaxBurstLength */
#define MAX_CONNS 4

enum { I2T = 0, T2I = 1 };

struct out {
	int fd;
	uint8_t *buf;
	size_t len;
	uint64_t total;	 /* bytes written to the file so far */
	int64_t ts_us;	 /* timestamp of the next record */
	uint16_t ip_id;
};

struct dir {
	uint32_t seq; /* next sequence number to send */
	uint8_t *q;   /* stream bytes not yet sent */
	size_t qlen;
};

struct conn {
	unsigned idx;
	uint8_t ip[2][4]; /* [I2T] initiator's, [T2I] target's */
	uint16_t port[2];
	struct dir d[2];
	uint64_t isid;
	uint16_t tsih;
	uint32_t cmdsn;	    /* next CmdSN the initiator assigns */
	uint32_t exp_cmdsn; /* what the target has received */
	uint32_t statsn;    /* next StatSN the target assigns */
	uint32_t exp_statsn; /* what the initiator has received */
	uint32_t itt, ttt;
	uint64_t rng;
};

static struct out g_out;

static uint32_t rnd(struct conn *c)
{
	/* xorshift64 */
	c->rng ^= c->rng << 13;
	c->rng ^= c->rng >> 7;
	c->rng ^= c->rng << 17;
	return (uint32_t)(c->rng >> 16);
}

static int out_flush(struct out *o)
{
	size_t off = 0;

	while (off < o->len) {
		ssize_t n = write(o->fd, o->buf + off, o->len - off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			perror("gen-capture: write");
			return -1;
		}
		off += (size_t)n;
	}
	o->total += o->len;
	o->len = 0;
	return 0;
}

static int out_room(struct out *o, size_t n)
{
	return o->len + n > OUT_CAP ? out_flush(o) : 0;
}

static uint16_t ip_csum(const uint8_t *h)
{
	uint32_t s = 0;

	for (int i = 0; i < 20; i += 2)
		s += (uint32_t)iscsi_get16(h + i);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* One TCP segment of direction k carrying len bytes (and SYN/FIN). */
#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_PSH 0x08
#define TH_ACK 0x10
static int emit_seg(struct conn *c, int k, const uint8_t *data, size_t len,
		    uint8_t flags)
{
	struct out *o = &g_out;
	uint8_t *p;
	size_t frame = HDRS + len;

	if (out_room(o, 16 + frame) < 0)
		return -1;
	p = o->buf + o->len;
	/* pcap record header: host byte order, as the file header says */
	uint32_t rec[4] = { (uint32_t)(o->ts_us / 1000000),
			    (uint32_t)(o->ts_us % 1000000), (uint32_t)frame,
			    (uint32_t)frame };
	memcpy(p, rec, 16);
	p += 16;
	/* Ethernet */
	static const uint8_t mac[2][6] = {
		{ 0x02, 0, 0, 0, 0, 0x01 }, { 0x02, 0, 0, 0, 0, 0x02 }
	};
	memcpy(p, mac[1 - k], 6);
	memcpy(p + 6, mac[k], 6);
	iscsi_put16(p + 12, 0x0800);
	p += 14;
	/* IPv4 */
	p[0] = 0x45;
	p[1] = 0;
	iscsi_put16(p + 2, (uint16_t)(20 + 20 + len));
	iscsi_put16(p + 4, o->ip_id++);
	iscsi_put16(p + 6, 0x4000); /* DF */
	p[8] = 64;
	p[9] = 6;
	iscsi_put16(p + 10, 0);
	memcpy(p + 12, c->ip[k], 4);
	memcpy(p + 16, c->ip[1 - k], 4);
	iscsi_put16(p + 10, ip_csum(p));
	p += 20;
	/* TCP (checksum left 0: not verified by the readers) */
	iscsi_put16(p, c->port[k]);
	iscsi_put16(p + 2, c->port[1 - k]);
	iscsi_put32(p + 4, c->d[k].seq);
	iscsi_put32(p + 8, (flags & TH_ACK) ? c->d[1 - k].seq : 0);
	p[12] = 5 << 4;
	p[13] = flags;
	iscsi_put16(p + 14, 65535);
	iscsi_put32(p + 16, 0);
	p += 20;
	if (len)
		memcpy(p, data, len);
	o->len += 16 + frame;
	c->d[k].seq += (uint32_t)len + ((flags & (TH_SYN | TH_FIN)) ? 1 : 0);
	o->ts_us += 1 + (int64_t)(len >> 12);
	return 0;
}

/* Send the queued bytes of direction k as segments of up to SEG_MAX;
 * with `all` false, keep a tail shorter than one segment queued. */
static size_t g_seg_max = SEG_MAX; /* MSS option: 1448 = ordinary frames */

static int q_send(struct conn *c, int k, bool all)
{
	struct dir *d = &c->d[k];
	size_t off = 0;

	for (;;) {
		size_t n = g_seg_max;

		/* with large segments (offload-style captures), now and then a
		 * smaller one (8..44 MSS) */
		if (g_seg_max > 1448u * 44 && (rnd(c) & 7) == 0)
			n = 1448u * (8 + rnd(c) % 37);
		if (d->qlen - off < n) {
			if (!all || d->qlen == off)
				break;
			n = d->qlen - off;
		}
		if (emit_seg(c, k, d->q + off, n, TH_ACK | TH_PSH) < 0)
			return -1;
		off += n;
	}
	memmove(d->q, d->q + off, d->qlen - off);
	d->qlen -= off;
	/* what each side has received by now (everything sent) */
	if (all) {
		if (k == I2T)
			c->exp_cmdsn = c->cmdsn;
		else
			c->exp_statsn = c->statsn;
	}
	return 0;
}

/* Room for a PDU of `bytes` in direction k's queue; returns the BHS. */
static uint8_t *q_pdu(struct conn *c, int k, size_t bytes)
{
	struct dir *d = &c->d[k];
	uint8_t *p;

	if (d->qlen + bytes > Q_CAP && q_send(c, k, false) < 0)
		return NULL;
	p = d->q + d->qlen;
	memset(p, 0, 48);
	d->qlen += bytes;
	return p;
}

/* A PDU with a data segment of dsl bytes (padded, §11.2.3; the payload
 * bytes themselves are whatever the queue held). */
static uint8_t *pdu(struct conn *c, int k, uint8_t opcode, uint8_t flags,
		    uint32_t dsl)
{
	uint8_t *p = q_pdu(c, k, 48 + (size_t)dsl + iscsi_pad_len(dsl));

	if (!p)
		return NULL;
	p[0] = opcode;
	p[1] = flags;
	iscsi_put24(p + 5, dsl);
	if (dsl & 3)
		memset(p + 48 + dsl, 0, 4 - (dsl & 3));
	return p;
}

static void put_sn_t2i(struct conn *c, uint8_t *p, bool advance)
{
	iscsi_put32(p + 24, c->statsn);
	iscsi_put32(p + 28, c->exp_cmdsn);
	iscsi_put32(p + 32, c->exp_cmdsn + 63);
	if (advance)
		c->statsn++;
}

/* ---- connection start and end ------------------------------------------ */

static const char login_keys_i[] =
	"InitiatorName=iqn.2026-11.org.iscsi-cts:gen\0"
	"SessionType=Normal\0"
	"TargetName=iqn.2026-11.org.iscsi-cts:plain\0"
	"HeaderDigest=None\0DataDigest=None\0"
	"MaxRecvDataSegmentLength=262144\0"
	"InitialR2T=Yes\0ImmediateData=No\0"
	"FirstBurstLength=65536\0MaxBurstLength=262144\0"
	"MaxOutstandingR2T=1\0MaxConnections=1\0"
	"DataPDUInOrder=Yes\0DataSequenceInOrder=Yes\0"
	"ErrorRecoveryLevel=0\0DefaultTime2Wait=2\0DefaultTime2Retain=0\0";
static const char login_keys_t[] =
	"TargetPortalGroupTag=1\0"
	"HeaderDigest=None\0DataDigest=None\0"
	"MaxRecvDataSegmentLength=262144\0"
	"InitialR2T=Yes\0ImmediateData=No\0"
	"FirstBurstLength=65536\0MaxBurstLength=262144\0"
	"MaxOutstandingR2T=1\0MaxConnections=1\0"
	"DataPDUInOrder=Yes\0DataSequenceInOrder=Yes\0"
	"ErrorRecoveryLevel=0\0DefaultTime2Wait=2\0DefaultTime2Retain=0\0";

static int conn_open(struct conn *c)
{
	/* §11.12.2: T=1, CSG=1 (operational), NSG=3 (full feature) */
	uint8_t fl = ISCSI_LOGIN_T | (1 << ISCSI_LOGIN_CSG_SHIFT) | 3;
	uint32_t n;
	uint8_t *p;

	if (emit_seg(c, I2T, NULL, 0, TH_SYN) < 0 ||
	    emit_seg(c, T2I, NULL, 0, TH_SYN | TH_ACK) < 0 ||
	    emit_seg(c, I2T, NULL, 0, TH_ACK) < 0)
		return -1;
	n = sizeof(login_keys_i) - 1;
	p = pdu(c, I2T, ISCSI_OP_LOGIN_REQ | ISCSI_OP_IMMEDIATE, fl, n);
	if (!p)
		return -1;
	iscsi_isid_put(p + 8, c->isid);
	iscsi_put32(p + 16, c->itt++);
	iscsi_put32(p + 24, c->cmdsn);
	memcpy(p + 48, login_keys_i, n);
	if (q_send(c, I2T, true) < 0)
		return -1;
	n = sizeof(login_keys_t) - 1;
	p = pdu(c, T2I, ISCSI_OP_LOGIN_RSP, fl, n);
	if (!p)
		return -1;
	iscsi_isid_put(p + 8, c->isid);
	iscsi_put16(p + 14, c->tsih);
	iscsi_put32(p + 16, c->itt - 1);
	put_sn_t2i(c, p, true);
	memcpy(p + 48, login_keys_t, n);
	return q_send(c, T2I, true);
}

static int conn_close(struct conn *c)
{
	uint8_t *p;

	/* §11.14: close the session; immediate, CmdSN not advanced */
	p = pdu(c, I2T, ISCSI_OP_LOGOUT_REQ | ISCSI_OP_IMMEDIATE,
		ISCSI_FLAG_FINAL, 0);
	if (!p)
		return -1;
	iscsi_put32(p + 16, c->itt++);
	iscsi_put32(p + 24, c->cmdsn);
	iscsi_put32(p + 28, c->exp_statsn);
	if (q_send(c, I2T, true) < 0)
		return -1;
	p = pdu(c, T2I, ISCSI_OP_LOGOUT_RSP, ISCSI_FLAG_FINAL, 0);
	if (!p)
		return -1;
	iscsi_put32(p + 16, c->itt - 1);
	put_sn_t2i(c, p, true);
	if (q_send(c, T2I, true) < 0)
		return -1;
	if (emit_seg(c, I2T, NULL, 0, TH_FIN | TH_ACK) < 0 ||
	    emit_seg(c, T2I, NULL, 0, TH_FIN | TH_ACK) < 0 ||
	    emit_seg(c, I2T, NULL, 0, TH_ACK) < 0)
		return -1;
	return 0;
}

/* ---- SCSI commands ----------------------------------------------------- */

struct cmd {
	uint32_t itt;
	bool write;
	uint32_t len;
	bool use_s; /* read: status in the last Data-In */
};

static uint8_t *scsi_cmd(struct conn *c, struct cmd *x, uint32_t lba)
{
	uint8_t fl = ISCSI_SCSI_CMD_F | ISCSI_ATTR_SIMPLE |
		     (x->write ? ISCSI_SCSI_CMD_W : ISCSI_SCSI_CMD_R);
	uint8_t *p = pdu(c, I2T, ISCSI_OP_SCSI_CMD, fl, 0);

	if (!p)
		return NULL;
	x->itt = c->itt++;
	iscsi_put32(p + 16, x->itt);
	iscsi_put32(p + 20, x->len);
	iscsi_put32(p + 24, c->cmdsn++);
	iscsi_put32(p + 28, c->exp_statsn);
	p[32] = x->write ? 0x2a : 0x28; /* WRITE(10) / READ(10) */
	iscsi_put32(p + 34, lba);
	iscsi_put16(p + 39, (uint16_t)(x->len / 512));
	return p;
}

static int scsi_rsp(struct conn *c, const struct cmd *x, uint32_t expdatasn)
{
	uint8_t *p = pdu(c, T2I, ISCSI_OP_SCSI_RSP, ISCSI_FLAG_FINAL, 0);

	if (!p)
		return -1;
	iscsi_put32(p + 16, x->itt);
	put_sn_t2i(c, p, true);
	iscsi_put32(p + 36, expdatasn);
	return 0;
}

/* §11.7: Data-In PDUs of up to 64 KiB, F at the end of each burst. */
static int read_data(struct conn *c, const struct cmd *x)
{
	uint32_t off = 0, sn = 0;

	while (off < x->len) {
		uint32_t n = x->len - off;
		uint8_t fl = 0, *p;
		bool last;

		if (n > MAX_PDU_DATA)
			n = MAX_PDU_DATA;
		last = off + n == x->len;
		if (last || (off + n) % MAX_BURST == 0)
			fl |= ISCSI_DATA_IN_F;
		if (last && x->use_s)
			fl |= ISCSI_DATA_IN_S;
		p = pdu(c, T2I, ISCSI_OP_DATA_IN, fl, n);
		if (!p)
			return -1;
		iscsi_put32(p + 16, x->itt);
		iscsi_put32(p + 20, 0xffffffffu);
		put_sn_t2i(c, p, (fl & ISCSI_DATA_IN_S) != 0);
		if (!(fl & ISCSI_DATA_IN_S))
			iscsi_put32(p + 24, 0); /* StatSN valid only with S */
		iscsi_put32(p + 36, sn++);
		iscsi_put32(p + 40, off);
		off += n;
	}
	return x->use_s ? 0 : scsi_rsp(c, x, sn);
}

/* §11.8: one R2T per burst (MaxOutstandingR2T=1), Data-Out PDUs of up to
 * 64 KiB, DataSN from 0 in each burst and F on its last PDU. */
static int write_data(struct conn *c, const struct cmd *x)
{
	uint32_t off = 0, r2tsn = 0;

	while (off < x->len) {
		uint32_t burst = x->len - off, ttt = c->ttt++, sn = 0, end;
		uint8_t *p;

		if (burst > MAX_BURST)
			burst = MAX_BURST;
		end = off + burst;
		p = pdu(c, T2I, ISCSI_OP_R2T, ISCSI_FLAG_FINAL, 0);
		if (!p)
			return -1;
		iscsi_put32(p + 16, x->itt);
		iscsi_put32(p + 20, ttt);
		put_sn_t2i(c, p, false);
		iscsi_put32(p + 36, r2tsn++);
		iscsi_put32(p + 40, off);
		iscsi_put32(p + 44, burst);
		if (q_send(c, T2I, true) < 0)
			return -1;
		while (off < end) {
			uint32_t n = end - off;

			if (n > MAX_PDU_DATA)
				n = MAX_PDU_DATA;
			p = pdu(c, I2T, ISCSI_OP_DATA_OUT,
				off + n == end ? ISCSI_DATA_OUT_F : 0, n);
			if (!p)
				return -1;
			iscsi_put32(p + 16, x->itt);
			iscsi_put32(p + 20, ttt);
			iscsi_put32(p + 28, c->exp_statsn);
			iscsi_put32(p + 36, sn++);
			iscsi_put32(p + 40, off);
			off += n;
		}
		if (q_send(c, I2T, true) < 0)
			return -1;
	}
	/* §11.4.8: ExpDataSN counts Data-In PDUs only: 0 for a write */
	return scsi_rsp(c, x, 0);
}

/* A round of read4k: 32 READ(10) of 4 KiB, one Data-In with S each. */
static int round_read4k(struct conn *c)
{
	struct cmd x[32];

	for (int i = 0; i < 32; i++) {
		x[i] = (struct cmd){ .len = 4096, .use_s = true };
		if (!scsi_cmd(c, &x[i], rnd(c) % (1u << 24)))
			return -1;
	}
	if (q_send(c, I2T, true) < 0)
		return -1;
	for (int i = 0; i < 32; i++)
		if (read_data(c, &x[i]) < 0)
			return -1;
	return q_send(c, T2I, true);
}

/* §11.18/§11.19: a NOP-Out ping (immediate) and its NOP-In. */
static int round_nop(struct conn *c)
{
	uint8_t *p = pdu(c, I2T, ISCSI_OP_NOP_OUT | ISCSI_OP_IMMEDIATE,
			 ISCSI_FLAG_FINAL, 0);
	uint32_t itt = c->itt++;

	if (!p)
		return -1;
	iscsi_put32(p + 16, itt);
	iscsi_put32(p + 20, 0xffffffffu);
	iscsi_put32(p + 24, c->cmdsn);
	iscsi_put32(p + 28, c->exp_statsn);
	if (q_send(c, I2T, true) < 0)
		return -1;
	p = pdu(c, T2I, ISCSI_OP_NOP_IN, ISCSI_FLAG_FINAL, 0);
	if (!p)
		return -1;
	iscsi_put32(p + 16, itt);
	iscsi_put32(p + 20, 0xffffffffu);
	put_sn_t2i(c, p, true); /* ITT != 0xffffffff: StatSN advances */
	return q_send(c, T2I, true);
}

/* A round of mixed: a NOP ping, or 1..8 reads and writes of 512 B..1 MiB. */
static int round_mixed(struct conn *c)
{
	struct cmd x[8];
	unsigned n;

	if (rnd(c) % 16 == 0)
		return round_nop(c);
	n = 1 + rnd(c) % 8;
	for (unsigned i = 0; i < n; i++) {
		x[i] = (struct cmd){ .write = rnd(c) & 1,
				     .len = 512u << (rnd(c) % 12),
				     .use_s = rnd(c) & 1 };
		if (!scsi_cmd(c, &x[i], rnd(c) % (1u << 24)))
			return -1;
	}
	if (q_send(c, I2T, true) < 0)
		return -1;
	for (unsigned i = 0; i < n; i++) {
		int r = x[i].write ? write_data(c, &x[i]) : read_data(c, &x[i]);

		if (r < 0)
			return -1;
	}
	return q_send(c, T2I, true);
}

/* ---- main --------------------------------------------------------------- */

static int write_file_header(struct out *o)
{
	/* classic pcap, microseconds, snaplen 262144, LINKTYPE_ETHERNET */
	uint32_t h32[6] = { 0xa1b2c3d4u, 0, 0, 0, 262144, 1 };
	uint16_t ver[2] = { 2, 4 };

	memcpy(o->buf, h32, 4);
	memcpy(o->buf + 4, ver, 4);
	memcpy(o->buf + 8, h32 + 2, 16);
	o->len = 24;
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: gen-capture read4k|mixed SIZE_MB OUT.pcap [MSS]\n"
			"  MSS: TCP segment size (default 65160, as captures with\n"
			"  segmentation offload show; 1448 for 1500-byte frames)\n");
}

int main(int argc, char **argv)
{
	static struct conn conns[MAX_CONNS];
	unsigned nconns;
	bool mixed;
	uint64_t limit;
	char *end;
	int rc = 0;

	if (argc == 5) {
		unsigned long mss = strtoul(argv[4], &end, 10);

		if (*end || mss < 536 || mss > SEG_MAX) {
			usage();
			return 2;
		}
		g_seg_max = mss;
	}
	if (argc != 4 && argc != 5) {
		usage();
		return 2;
	}
	if (strcmp(argv[1], "read4k") == 0) {
		mixed = false;
	} else if (strcmp(argv[1], "mixed") == 0) {
		mixed = true;
	} else {
		usage();
		return 2;
	}
	limit = strtoull(argv[2], &end, 10);
	if (*end || limit == 0 || limit > 1000000) {
		usage();
		return 2;
	}
	limit <<= 20;
	g_out.fd = open(argv[3], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (g_out.fd < 0) {
		perror(argv[3]);
		return 1;
	}
	g_out.buf = malloc(OUT_CAP);
	g_out.ts_us = 1795000000LL * 1000000;
	nconns = mixed ? MAX_CONNS : 1;
	for (unsigned i = 0; i < nconns && g_out.buf; i++) {
		struct conn *c = &conns[i];

		c->idx = i;
		memcpy(c->ip[I2T], (uint8_t[]){ 10, 0, 0, (uint8_t)(1 + i) }, 4);
		memcpy(c->ip[T2I], (uint8_t[]){ 10, 0, 0, 100 }, 4);
		c->port[I2T] = (uint16_t)(50000 + i);
		c->port[T2I] = TARGET_PORT;
		c->d[I2T].seq = 1000000u * (i + 1);
		c->d[T2I].seq = 0x80000000u + 7777u * i;
		c->d[I2T].q = calloc(1, Q_CAP);
		c->d[T2I].q = calloc(1, Q_CAP);
		if (!c->d[I2T].q || !c->d[T2I].q)
			g_out.buf = NULL;
		/* ISID type 0x80 (random), TSIH per session */
		c->isid = 0x800000000000ull | (0x1234u + i);
		c->tsih = (uint16_t)(1 + i);
		c->cmdsn = 1;
		c->statsn = 0x1000u * (i + 1);
		c->itt = 0x10u;
		c->ttt = 0x100u;
		c->rng = 0x9e3779b97f4a7c15ull ^ (i + 1);
	}
	if (!g_out.buf) {
		fprintf(stderr, "gen-capture: out of memory\n");
		return 1;
	}
	write_file_header(&g_out);
	for (unsigned i = 0; i < nconns && rc == 0; i++)
		rc = conn_open(&conns[i]);
	for (uint64_t r = 0; rc == 0 && g_out.total + g_out.len < limit; r++) {
		struct conn *c = &conns[r % nconns];

		rc = mixed ? round_mixed(c) : round_read4k(c);
	}
	for (unsigned i = 0; i < nconns && rc == 0; i++)
		rc = conn_close(&conns[i]);
	if (rc == 0)
		rc = out_flush(&g_out);
	if (close(g_out.fd) < 0 && rc == 0) {
		perror(argv[3]);
		rc = -1;
	}
	return rc == 0 ? 0 : 1;
}
