/* SPDX-License-Identifier: MIT */
/*
 * fields_out.c - `iscsi-pcap fields -e NAME... FILE`: tab-separated
 * columns the way `tshark -Y iscsi -T fields -e NAME...` prints them.
 *
 * tshark prints one line per frame that carries iSCSI, i.e. per frame in
 * which at least one PDU ends (its TCP reassembly completes there); a
 * field present in several PDUs of the frame lists every occurrence,
 * separated by ','; a field absent from every PDU leaves its column empty.
 * Values use proto/fields.h's formats (tshark 4.0). A few frame/IP/TCP
 * fields are accepted as well, printed once per line.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>

#include "analyzer.h"
#include "fields.h"

#define MAX_COLS 64

enum col_kind {
	COL_ISCSI,
	COL_FRAME_NUMBER,
	COL_TIME_RELATIVE,
	COL_TIME_EPOCH,
	COL_IP_SRC,
	COL_IP_DST,
	COL_IPV6_SRC,
	COL_IPV6_DST,
	COL_TCP_SRCPORT,
	COL_TCP_DSTPORT,
	COL_TCP_STREAM,
};

static const struct {
	const char *name;
	enum col_kind kind;
} other_fields[] = {
	{"frame.number", COL_FRAME_NUMBER},
	{"frame.time_relative", COL_TIME_RELATIVE},
	{"frame.time_epoch", COL_TIME_EPOCH},
	{"ip.src", COL_IP_SRC},
	{"ip.dst", COL_IP_DST},
	{"ipv6.src", COL_IPV6_SRC},
	{"ipv6.dst", COL_IPV6_DST},
	{"tcp.srcport", COL_TCP_SRCPORT},
	{"tcp.dstport", COL_TCP_DSTPORT},
	{"tcp.stream", COL_TCP_STREAM},
};

struct col {
	enum col_kind kind;
	const char *name;
	const struct iscsi_field *by_op[64]; /* per opcode, NULL if none */
	char *buf;			     /* this frame's occurrences */
	size_t len, cap;
	bool any;
};

struct fields_ctx {
	struct col cols[MAX_COLS];
	size_t ncols;
	uint64_t frame; /* frame of the pending line, 0 if none */
	int64_t t0_ns;
	bool t0_set;
	const struct pcap_pdu *first; /* for frame/IP/TCP columns */
	int64_t ts_ns;
	struct pcap_endpoint src, dst;
	uint64_t stream;
	FILE *out;
	int exit_status;
};

static int col_init(struct col *c, const char *name)
{
	bool found = false;

	memset(c, 0, sizeof(*c));
	c->name = name;
	for (size_t i = 0; i < sizeof(other_fields) / sizeof(other_fields[0]);
	     i++) {
		if (strcmp(other_fields[i].name, name) == 0) {
			c->kind = other_fields[i].kind;
			return 0;
		}
	}
	c->kind = COL_ISCSI;
	for (unsigned op = 0; op < 64; op++) {
		c->by_op[op] = iscsi_field_find(name, op);
		if (c->by_op[op])
			found = true;
	}
	return found ? 0 : -1;
}

static void col_append(struct col *c, const char *v, size_t n)
{
	size_t need = c->len + n + 2;

	if (need > c->cap) {
		size_t ncap = c->cap ? c->cap * 2 : 256;
		char *p;

		while (ncap < need)
			ncap *= 2;
		p = realloc(c->buf, ncap);
		if (!p)
			return;
		c->buf = p;
		c->cap = ncap;
	}
	if (c->any)
		c->buf[c->len++] = ',';
	memcpy(c->buf + c->len, v, n);
	c->len += n;
	c->any = true;
}

static void put_time(FILE *out, int64_t ns)
{
	const char *sign = ns < 0 ? "-" : "";

	if (ns < 0)
		ns = -ns;
	fprintf(out, "%s%lld.%09lld", sign, (long long)(ns / 1000000000),
		(long long)(ns % 1000000000));
}

static void put_addr(FILE *out, const struct pcap_endpoint *e, int family)
{
	char b[INET6_ADDRSTRLEN];

	if (e->family != family)
		return;
	if (inet_ntop(family, e->addr, b, sizeof(b)))
		fputs(b, out);
}

static void flush_line(struct fields_ctx *x)
{
	FILE *out = x->out;

	if (!x->frame)
		return;
	for (size_t i = 0; i < x->ncols; i++) {
		struct col *c = &x->cols[i];

		if (i)
			putc('\t', out);
		switch (c->kind) {
		case COL_ISCSI:
			if (c->len)
				fwrite(c->buf, 1, c->len, out);
			c->len = 0;
			c->any = false;
			break;
		case COL_FRAME_NUMBER:
			fprintf(out, "%llu", (unsigned long long)x->frame);
			break;
		case COL_TIME_RELATIVE:
			put_time(out, x->ts_ns - x->t0_ns);
			break;
		case COL_TIME_EPOCH:
			put_time(out, x->ts_ns);
			break;
		case COL_IP_SRC:
			put_addr(out, &x->src, AF_INET);
			break;
		case COL_IP_DST:
			put_addr(out, &x->dst, AF_INET);
			break;
		case COL_IPV6_SRC:
			put_addr(out, &x->src, AF_INET6);
			break;
		case COL_IPV6_DST:
			put_addr(out, &x->dst, AF_INET6);
			break;
		case COL_TCP_SRCPORT:
			fprintf(out, "%u", (unsigned)x->src.port);
			break;
		case COL_TCP_DSTPORT:
			fprintf(out, "%u", (unsigned)x->dst.port);
			break;
		case COL_TCP_STREAM:
			fprintf(out, "%llu", (unsigned long long)x->stream);
			break;
		}
	}
	putc('\n', out);
	x->frame = 0;
}

static void on_pdu(struct fields_ctx *x, const struct pcap_pdu *p)
{
	char v[64];
	int n;

	if (p->frame != x->frame) {
		flush_line(x);
		x->frame = p->frame;
		x->ts_ns = p->ts_ns;
		x->src = *p->src;
		x->dst = *p->dst;
		x->stream = p->flow->id;
	}
	for (size_t i = 0; i < x->ncols; i++) {
		struct col *c = &x->cols[i];
		const struct iscsi_field *f;

		if (c->kind != COL_ISCSI)
			continue;
		f = c->by_op[p->opcode];
		if (!f || !iscsi_field_shown(&p->pdu.bhs, f))
			continue;
		n = iscsi_field_format(&p->pdu.bhs, f, v, sizeof(v));
		if (n > 0)
			col_append(c, v, (size_t)n);
	}
}

static void fields_cb(const struct pcap_event *ev, void *arg)
{
	struct fields_ctx *x = arg;

	if (!x->t0_set && ev->totals && ev->totals->frames) {
		/* frame.time_relative counts from the first frame */
		x->t0_ns = ev->totals->first_ts_ns;
		x->t0_set = true;
	}
	switch (ev->kind) {
	case PCAP_EV_PDU:
		on_pdu(x, ev->pdu);
		break;
	case PCAP_EV_ERROR:
		if (ev->code == PCAP_ERR_TRUNCATED_FILE ||
		    ev->code == PCAP_ERR_READ)
			fprintf(stderr, "iscsi-pcap: %s\n", ev->msg);
		break;
	case PCAP_EV_END:
		flush_line(x);
		break;
	default:
		break;
	}
}

static void fields_usage(FILE *out)
{
	fprintf(out,
		"usage: iscsi-pcap fields -e FIELD [-e FIELD]... [--port N] "
		"FILE\n"
		"  Prints one tab-separated line per frame in which an iSCSI "
		"PDU ends,\n"
		"  as tshark -Y iscsi -T fields -e FIELD... does; several "
		"PDUs in a frame\n"
		"  join their values with ','.\n");
}

int cmd_fields(int argc, char **argv)
{
	static const struct option lo[] = {
		{"port", required_argument, NULL, 'p'},
		{"wireshark-compat", no_argument, NULL, 'R'},
		{"filter", required_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	static struct fields_ctx x;
	struct pcap_opts o;
	char err[256];
	int c, r;

	pcap_opts_init(&o);
	memset(&x, 0, sizeof(x));
	x.out = stdout;
	optind = 1;
	while ((c = getopt_long(argc, argv, "e:p:f:h", lo, NULL)) != -1) {
		switch (c) {
		case 'e':
			if (x.ncols >= MAX_COLS) {
				fprintf(stderr, "iscsi-pcap: too many -e\n");
				return 2;
			}
			if (col_init(&x.cols[x.ncols], optarg) < 0) {
				fprintf(stderr,
					"iscsi-pcap: unknown field '%s'\n",
					optarg);
				return 2;
			}
			x.ncols++;
			break;
		case 'p':
			if (pcap_opts_parse_port(&o, optarg, err,
						 sizeof(err)) < 0) {
				fprintf(stderr, "iscsi-pcap: %s\n", err);
				return 2;
			}
			break;
		case 'f':
			o.filter = optarg;
			break;
		case 'R':
			o.wireshark_compat = true;
			break;
		case 'h':
			fields_usage(stdout);
			return 0;
		default:
			fields_usage(stderr);
			return 2;
		}
	}
	if (optind != argc - 1 || x.ncols == 0) {
		fields_usage(stderr);
		return 2;
	}
	o.file = argv[optind];
	r = pcap_analyze(&o, fields_cb, &x, err, sizeof(err));
	for (size_t i = 0; i < x.ncols; i++)
		free(x.cols[i].buf);
	fflush(stdout);
	if (r < 0) {
		fprintf(stderr, "iscsi-pcap: %s\n", err);
		return 2;
	}
	return 0;
}
