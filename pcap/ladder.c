/* SPDX-License-Identifier: MIT */
/*
 * ladder.c - `iscsi-pcap ladder FILE [--session ISID/TSIH|INDEX]
 * [--from T --to T] [-o OUT.svg] [--port N]`: an SVG sequence diagram.
 *
 * Each connection has an initiator and a target lifeline; each PDU is an
 * arrow between them, labelled with its one-line summary, at a height
 * that grows with capture time order (the time is printed at the left).
 * PDUs on which a validation rule fired are drawn in red, with the rule
 * ids in a tooltip. Two passes over the input: the first finds the
 * connections and rows to draw, the second draws. At most LADDER_ROWS
 * PDUs and LADDER_CONNS connections are drawn.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"

#define LADDER_ROWS 5000u
#define LADDER_CONNS 16u
#define ROW_H 22
#define LANE_W 420
#define LEFT 110
#define TOP 70

struct ladder {
	/* selection */
	bool sess_by_id, sess_by_isid, sess_any;
	uint64_t sess_id, isid;
	unsigned tsih;
	double from, to;
	bool has_from, has_to;
	/* pass state */
	int pass;
	int64_t t0;
	bool t0_set;
	uint64_t flows[LADDER_CONNS];
	unsigned nflows;
	unsigned rows, drawn;
	bool truncated;
	FILE *out;
	struct rules_ctx *rules;
	char red[256]; /* rule ids fired on the current PDU */
};

static void sink(const struct rule_finding *f, void *arg)
{
	struct ladder *l = arg;
	size_t n = strlen(l->red);

	if (!f->has_pdu || f->rule->sev == RULE_INFO)
		return;
	snprintf(l->red + n, sizeof(l->red) - n, "%s%s", n ? " " : "",
		 f->rule->id);
}

static bool session_match(struct ladder *l, const struct pcap_pdu *p)
{
	const struct pcap_session *s = p->session;

	if (l->sess_any)
		return true;
	if (!s)
		return false;
	if (l->sess_by_id)
		return s->id == l->sess_id;
	return s->isid == l->isid && s->tsih == l->tsih;
}

static int lane_of(struct ladder *l, uint64_t flow, bool add)
{
	for (unsigned i = 0; i < l->nflows; i++)
		if (l->flows[i] == flow)
			return (int)i;
	if (!add || l->nflows >= LADDER_CONNS)
		return -1;
	l->flows[l->nflows] = flow;
	return (int)l->nflows++;
}

static void xml_text(FILE *out, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<':
			fputs("&lt;", out);
			break;
		case '>':
			fputs("&gt;", out);
			break;
		case '&':
			fputs("&amp;", out);
			break;
		case '"':
			fputs("&quot;", out);
			break;
		default:
			if ((unsigned char)*s >= 0x20)
				fputc(*s, out);
		}
	}
}

static void draw_pdu(struct ladder *l, const struct pcap_pdu *p, int lane,
		     double t)
{
	int y = TOP + 30 + (int)l->drawn * ROW_H;
	int xi = LEFT + lane * LANE_W + 40, xt = xi + LANE_W - 80;
	bool i2t = p->dir == PCAP_DIR_I2T;
	const char *col = l->red[0] ? "#d00000" : "#203060";
	char sum[256];

	pcap_pdu_summary(p, sum, sizeof(sum));
	fprintf(l->out, "<g><title>frame %" PRIu64 "%s", p->frame,
		l->red[0] ? ": " : "");
	xml_text(l->out, l->red);
	fprintf(l->out, "</title>\n");
	fprintf(l->out,
		"<text x=\"4\" y=\"%d\" class=\"t\">%.6f</text>\n"
		"<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" "
		"marker-end=\"url(#%s)\"/>\n",
		y, t, i2t ? xi : xt, y, i2t ? xt : xi, y, col,
		l->red[0] ? "ar" : "ab");
	fprintf(l->out, "<text x=\"%d\" y=\"%d\" fill=\"%s\" class=\"l\">",
		xi + 8, y - 4, col);
	xml_text(l->out, sum);
	fprintf(l->out, "</text></g>\n");
}

static void on_event(const struct pcap_event *ev, void *arg)
{
	struct ladder *l = arg;
	const struct pcap_pdu *p = ev->pdu;
	double t;
	int lane;

	l->red[0] = '\0';
	if (l->pass == 2)
		rules_event(l->rules, ev);
	if (ev->kind != PCAP_EV_PDU || !p)
		return;
	if (!l->t0_set) {
		l->t0 = p->ts_ns;
		l->t0_set = true;
	}
	t = (double)(p->ts_ns - l->t0) / 1e9;
	if ((l->has_from && t < l->from) || (l->has_to && t > l->to) ||
	    !session_match(l, p))
		return;
	lane = lane_of(l, p->flow->id, l->pass == 1);
	if (lane < 0)
		return;
	if (l->pass == 1) {
		if (l->rows < LADDER_ROWS)
			l->rows++;
		else
			l->truncated = true;
		return;
	}
	if (l->drawn >= l->rows)
		return;
	draw_pdu(l, p, lane, t);
	l->drawn++;
}

static void header(struct ladder *l)
{
	int w = LEFT + (int)(l->nflows ? l->nflows : 1) * LANE_W + 20;
	int h = TOP + 60 + (int)l->rows * ROW_H;

	fprintf(l->out,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
		"height=\"%d\" viewBox=\"0 0 %d %d\" "
		"font-family=\"monospace\" font-size=\"11\">\n"
		"<defs>\n"
		"<marker id=\"ab\" markerWidth=\"8\" markerHeight=\"8\" "
		"refX=\"8\" refY=\"4\" orient=\"auto\"><path d=\"M0,0 L8,4 "
		"L0,8 z\" fill=\"#203060\"/></marker>\n"
		"<marker id=\"ar\" markerWidth=\"8\" markerHeight=\"8\" "
		"refX=\"8\" refY=\"4\" orient=\"auto\"><path d=\"M0,0 L8,4 "
		"L0,8 z\" fill=\"#d00000\"/></marker>\n"
		"<style>.t{fill:#666}.l{font-size:10px}.h{font-weight:bold}"
		"</style>\n</defs>\n"
		"<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
		"<text x=\"4\" y=\"%d\" class=\"h\">time (s)</text>\n",
		w, h, w, h, TOP - 10);
	for (unsigned i = 0; i < l->nflows; i++) {
		int xi = LEFT + (int)i * LANE_W + 40, xt = xi + LANE_W - 80;

		fprintf(l->out,
			"<text x=\"%d\" y=\"%d\" class=\"h\">initiator "
			"(flow %" PRIu64 ")</text>\n"
			"<text x=\"%d\" y=\"%d\" class=\"h\">target</text>\n"
			"<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
			"stroke=\"#999\"/>\n"
			"<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
			"stroke=\"#999\"/>\n",
			xi - 30, TOP - 10, l->flows[i], xt - 20, TOP - 10, xi,
			TOP, xi, h - 20, xt, TOP, xt, h - 20);
	}
}

static int parse_session(struct ladder *l, const char *s)
{
	char *e;
	const char *slash = strchr(s, '/');

	if (!slash) {
		l->sess_id = strtoull(s, &e, 10);
		if (e == s || *e)
			return -1;
		l->sess_by_id = true;
		return 0;
	}
	l->isid = strtoull(s, &e, 16);
	if (e != slash)
		return -1;
	l->tsih = (unsigned)strtoul(slash + 1, &e, 0);
	if (e == slash + 1 || *e || l->tsih > 0xffff)
		return -1;
	l->sess_by_isid = true;
	return 0;
}

static int parse_time(const char *s, double *out)
{
	char *e;

	*out = strtod(s, &e);
	return (e == s || *e || *out < 0) ? -1 : 0;
}

static const char *const USAGE =
	"usage: iscsi-pcap ladder FILE [--session ISID/TSIH|INDEX] "
	"[--from T] [--to T] [-o OUT.svg] [--port N]\n"
	"  ISID in hex (e.g. 23d000001/1), INDEX a session number (0, 1...),\n"
	"  T seconds from the first PDU.\n";

int cmd_ladder(int argc, char **argv)
{
	static const struct option opts[] = {
		{"session", required_argument, NULL, 's'},
		{"from", required_argument, NULL, 'f'},
		{"to", required_argument, NULL, 't'},
		{"output", required_argument, NULL, 'o'},
		{"port", required_argument, NULL, 'p'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct pcap_opts o;
	struct ladder l;
	const char *outpath = NULL;
	char err[256];
	int c, rc;

	memset(&l, 0, sizeof(l));
	l.sess_any = true;
	pcap_opts_init(&o);
	optind = 1;
	while ((c = getopt_long(argc, argv, "s:f:t:o:p:h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			l.sess_any = false;
			if (parse_session(&l, optarg) < 0)
				goto usage;
			break;
		case 'f':
			l.has_from = true;
			if (parse_time(optarg, &l.from) < 0)
				goto usage;
			break;
		case 't':
			l.has_to = true;
			if (parse_time(optarg, &l.to) < 0)
				goto usage;
			break;
		case 'o':
			outpath = optarg;
			break;
		case 'p':
			if (pcap_opts_parse_port(&o, optarg, err, sizeof(err)) <
			    0) {
				fprintf(stderr, "iscsi-pcap ladder: %s\n", err);
				return 2;
			}
			break;
		case 'h':
			fputs(USAGE, stdout);
			return 0;
		default:
			goto usage;
		}
	}
	if (optind != argc - 1)
		goto usage;
	o.file = argv[optind];
	l.pass = 1;
	if (pcap_analyze(&o, on_event, &l, err, sizeof(err)) < 0) {
		fprintf(stderr, "iscsi-pcap ladder: %s\n", err);
		return 2;
	}
	l.out = outpath ? fopen(outpath, "w") : stdout;
	if (!l.out) {
		perror(outpath);
		return 2;
	}
	l.rules = rules_new(sink, &l);
	if (!l.rules) {
		if (outpath)
			fclose(l.out);
		return 2;
	}
	header(&l);
	l.pass = 2;
	l.t0_set = false;
	rc = pcap_analyze(&o, on_event, &l, err, sizeof(err));
	if (l.truncated)
		fprintf(l.out, "<text x=\"4\" y=\"%d\">(first %u PDUs only)"
			"</text>\n",
			TOP + 45 + (int)l.rows * ROW_H, LADDER_ROWS);
	fputs("</svg>\n", l.out);
	rules_free(l.rules);
	if (outpath && fclose(l.out) != 0)
		rc = -1;
	if (rc < 0) {
		fprintf(stderr, "iscsi-pcap ladder: %s\n", err);
		return 2;
	}
	return 0;
usage:
	fputs(USAGE, stderr);
	return 2;
}
