/* SPDX-License-Identifier: MIT */
/*
 * stats.c - `iscsi-pcap stats FILE [--port N]`: PDU counts per opcode and
 * direction, SCSI latency percentiles (command to status) per LUN and CDB
 * opcode, throughput per second and direction, sessions and connections.
 *
 * Memory is bounded: latencies keep at most STATS_SAMPLES per group
 * (reservoir sampling beyond, so percentiles become estimates; count and
 * max stay exact), at most STATS_GROUPS groups, STATS_SECONDS buckets.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer.h"
#include "scsi.h"

#define STATS_SAMPLES 65536u
#define STATS_GROUPS 1024u
#define STATS_SECONDS 86400u
#define STATS_SESSIONS 64u

struct lat_group {
	int32_t lun;
	uint8_t op;
	uint64_t count;
	int64_t max;
	int64_t *s;
	size_t ns;
};

struct sess_row {
	uint64_t id, isid;
	uint16_t tsih;
	bool discovery;
	unsigned conns;
};

struct stats {
	uint64_t pdus[64][2];
	struct lat_group *g;
	size_t ng;
	uint64_t (*tp)[2]; /* bytes per second per direction */
	size_t nsec;
	int64_t t0;
	bool t0_set;
	uint64_t rng;
	uint64_t conns, sessions_total, untracked;
	struct sess_row sess[STATS_SESSIONS];
	size_t nsess;
};

static uint64_t rnd(struct stats *st)
{
	st->rng ^= st->rng << 13;
	st->rng ^= st->rng >> 7;
	st->rng ^= st->rng << 17;
	return st->rng;
}

static struct lat_group *group(struct stats *st, int32_t lun, uint8_t op)
{
	for (size_t i = 0; i < st->ng; i++)
		if (st->g[i].lun == lun && st->g[i].op == op)
			return &st->g[i];
	if (st->ng >= STATS_GROUPS)
		return NULL;
	if (!st->g) {
		st->g = calloc(STATS_GROUPS, sizeof(*st->g));
		if (!st->g)
			return NULL;
	}
	st->g[st->ng].lun = lun;
	st->g[st->ng].op = op;
	return &st->g[st->ng++];
}

static void add_latency(struct stats *st, const struct pcap_task *t)
{
	struct lat_group *g = group(st, iscsi_lun_decode(t->lun), t->cdb[0]);

	if (!g) {
		st->untracked++;
		return;
	}
	g->count++;
	if (t->latency_ns > g->max)
		g->max = t->latency_ns;
	if (!g->s) {
		g->s = malloc(STATS_SAMPLES * sizeof(*g->s));
		if (!g->s)
			return;
	}
	if (g->ns < STATS_SAMPLES) {
		g->s[g->ns++] = t->latency_ns;
	} else {
		uint64_t j = rnd(st) % g->count;

		if (j < STATS_SAMPLES)
			g->s[j] = t->latency_ns;
	}
}

static void add_bytes(struct stats *st, int64_t ts, enum pcap_dir d,
		      size_t n)
{
	int64_t sec;

	if (!st->t0_set) {
		st->t0 = ts;
		st->t0_set = true;
	}
	sec = (ts - st->t0) / 1000000000;
	if (sec < 0 || sec >= (int64_t)STATS_SECONDS)
		return;
	if ((size_t)sec >= st->nsec) {
		size_t n2 = (size_t)sec + 1;
		void *p = realloc(st->tp, n2 * sizeof(*st->tp));

		if (!p)
			return;
		st->tp = p;
		memset(st->tp + st->nsec, 0, (n2 - st->nsec) * sizeof(*st->tp));
		st->nsec = n2;
	}
	st->tp[sec][d] += n;
}

static void note_session(struct stats *st, const struct pcap_session *s)
{
	for (size_t i = 0; i < st->nsess; i++)
		if (st->sess[i].id == s->id)
			return;
	st->sessions_total++;
	if (st->nsess >= STATS_SESSIONS)
		return;
	st->sess[st->nsess].id = s->id;
	st->sess[st->nsess].isid = s->isid;
	st->sess[st->nsess].tsih = s->tsih;
	st->sess[st->nsess].discovery = s->discovery;
	st->nsess++;
}

static void on_event(const struct pcap_event *ev, void *arg)
{
	struct stats *st = arg;
	const struct pcap_pdu *p = ev->pdu;

	if (ev->kind == PCAP_EV_FLOW_START && ev->conn)
		st->conns++;
	if (ev->kind != PCAP_EV_PDU || !p)
		return;
	st->pdus[p->opcode & 0x3f][p->dir]++;
	add_bytes(st, p->ts_ns, p->dir, p->wire_len);
	if (p->session) {
		note_session(st, p->session);
		/* tsih is only known after the login: refresh it */
		for (size_t i = 0; i < st->nsess; i++)
			if (st->sess[i].id == p->session->id) {
				st->sess[i].tsih = p->session->tsih;
				st->sess[i].discovery = p->session->discovery;
				st->sess[i].conns = p->session->nconns;
			}
	}
	if (p->task && p->task->done && p->task->kind == PCAP_TASK_SCSI &&
	    (p->opcode == ISCSI_OP_SCSI_RSP || p->opcode == ISCSI_OP_DATA_IN))
		add_latency(st, p->task);
}

static int cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* Nearest-rank percentile of sorted samples. */
static double pct(const int64_t *s, size_t n, unsigned q)
{
	size_t rank = (n * q + 99) / 100;

	return n ? (double)s[rank ? rank - 1 : 0] / 1000.0 : 0.0;
}

static void print_stats(FILE *out, struct stats *st)
{
	fprintf(out, "PDUs\n  %-4s %-24s %10s %10s\n", "op", "name", "I->T",
		"T->I");
	for (unsigned op = 0; op < 64; op++) {
		if (!st->pdus[op][0] && !st->pdus[op][1])
			continue;
		fprintf(out, "  0x%02x %-24s %10" PRIu64 " %10" PRIu64 "\n", op,
			iscsi_opcode_name(op), st->pdus[op][0],
			st->pdus[op][1]);
	}
	fprintf(out, "\nSCSI latency, command to status (microseconds)\n"
		     "  %-4s %-28s %8s %10s %10s %10s %10s\n",
		"LUN", "CDB", "count", "p50", "p90", "p99", "max");
	for (size_t i = 0; i < st->ng; i++) {
		struct lat_group *g = &st->g[i];
		const char *nm = scsi_opcode_name(g->op);
		char cdb[40];

		if (g->s)
			qsort(g->s, g->ns, sizeof(*g->s), cmp64);
		snprintf(cdb, sizeof(cdb), "0x%02x %s", g->op, nm ? nm : "");
		fprintf(out, "  %-4d %-28s %8" PRIu64
			" %10.1f %10.1f %10.1f %10.1f\n",
			(int)g->lun, cdb, g->count, pct(g->s, g->ns, 50),
			pct(g->s, g->ns, 90), pct(g->s, g->ns, 99),
			(double)g->max / 1000.0);
	}
	fprintf(out, "\nThroughput (PDU bytes per second)\n  %-8s %12s %12s\n",
		"second", "I->T", "T->I");
	for (size_t s = 0; s < st->nsec; s++)
		fprintf(out, "  %-8zu %12" PRIu64 " %12" PRIu64 "\n", s,
			st->tp[s][0], st->tp[s][1]);
	fprintf(out, "\nSessions %" PRIu64 ", connections %" PRIu64 "\n",
		st->sessions_total, st->conns);
	for (size_t i = 0; i < st->nsess; i++)
		fprintf(out, "  session %" PRIu64 " ISID 0x%012" PRIx64
			" TSIH %u %s\n",
			st->sess[i].id, st->sess[i].isid, st->sess[i].tsih,
			st->sess[i].discovery ? "discovery" : "normal");
}

int cmd_stats(int argc, char **argv)
{
	static const struct option opts[] = {
		{"port", required_argument, NULL, 'p'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct pcap_opts o;
	struct stats *st;
	char err[256];
	int c, rc;

	pcap_opts_init(&o);
	optind = 1;
	while ((c = getopt_long(argc, argv, "p:h", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (pcap_opts_parse_port(&o, optarg, err, sizeof(err)) <
			    0) {
				fprintf(stderr, "iscsi-pcap stats: %s\n", err);
				return 2;
			}
			break;
		case 'h':
			puts("usage: iscsi-pcap stats FILE [--port N]...");
			return 0;
		default:
			fputs("usage: iscsi-pcap stats FILE [--port N]...\n",
			      stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		fputs("usage: iscsi-pcap stats FILE [--port N]...\n", stderr);
		return 2;
	}
	o.file = argv[optind];
	st = calloc(1, sizeof(*st));
	if (!st)
		return 2;
	st->rng = 0x9e3779b97f4a7c15ull;
	rc = pcap_analyze(&o, on_event, st, err, sizeof(err));
	if (rc < 0)
		fprintf(stderr, "iscsi-pcap stats: %s\n", err);
	else
		print_stats(stdout, st);
	for (size_t i = 0; i < st->ng; i++)
		free(st->g[i].s);
	free(st->g);
	free(st->tp);
	free(st);
	return rc < 0 ? 2 : 0;
}
