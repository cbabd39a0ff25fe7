/* SPDX-License-Identifier: MIT */
/*
 * decode_cmd.c - `iscsi-pcap [-V | --json] [--port N] FILE` and
 * `iscsi-pcap -i IFACE`: one line per PDU, a tree per PDU, or JSON lines
 * (one object per PDU or event, one per line).
 */
#include <getopt.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer.h"

enum out_mode { OUT_LINE, OUT_TREE, OUT_JSON };

struct decode_ctx {
	enum out_mode mode;
	bool quiet_events;
	int64_t t0_ns;
	bool t0_set;
	FILE *out;
	bool input_error;
};

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
	pcap_analyze_live_break();
}

static void emit_json(FILE *out, void *j)
{
	if (!j)
		return;
	json_dumpf((json_t *)j, out, JSON_COMPACT | JSON_ENSURE_ASCII);
	fputc('\n', out);
	json_decref((json_t *)j);
}

static void decode_cb(const struct pcap_event *ev, void *arg)
{
	struct decode_ctx *x = arg;

	if (!x->t0_set && ev->totals && ev->totals->frames) {
		x->t0_ns = ev->totals->first_ts_ns;
		x->t0_set = true;
	}
	if (ev->kind == PCAP_EV_ERROR &&
	    (ev->code == PCAP_ERR_TRUNCATED_FILE || ev->code == PCAP_ERR_READ))
		x->input_error = true;
	switch (x->mode) {
	case OUT_LINE:
		if (ev->kind == PCAP_EV_PDU)
			pcap_print_line(x->out, ev->pdu, x->t0_ns);
		else
			pcap_print_event(x->out, ev, x->t0_ns);
		break;
	case OUT_TREE:
		if (ev->kind == PCAP_EV_PDU)
			pcap_print_tree(x->out, ev->pdu, x->t0_ns);
		else
			pcap_print_event(x->out, ev, x->t0_ns);
		break;
	case OUT_JSON:
		if (ev->kind == PCAP_EV_PDU)
			emit_json(x->out, pcap_pdu_json(ev->pdu, x->t0_ns));
		else
			emit_json(x->out, pcap_event_json(ev, x->t0_ns));
		break;
	}
}

static void decode_usage(FILE *out)
{
	fprintf(out,
		"usage: iscsi-pcap [-V | --json] [--port N]... [--filter BPF] "
		"FILE\n"
		"       iscsi-pcap -i IFACE [-V | --json] [--port N]...\n"
		"       iscsi-pcap fields -e FIELD... FILE\n"
		"       iscsi-pcap validate|stats|ladder ... (see --help of "
		"each)\n");
}

int cmd_decode(int argc, char **argv)
{
	static const struct option lo[] = {
		{"verbose", no_argument, NULL, 'V'},
		{"json", no_argument, NULL, 'j'},
		{"port", required_argument, NULL, 'p'},
		{"wireshark-compat", no_argument, NULL, 'R'},
		{"interface", required_argument, NULL, 'i'},
		{"filter", required_argument, NULL, 'f'},
		{"count", required_argument, NULL, 'c'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct decode_ctx x = {.mode = OUT_LINE, .out = stdout};
	struct pcap_opts o;
	char err[256];
	int c, r;

	pcap_opts_init(&o);
	optind = 1;
	while ((c = getopt_long(argc, argv, "Vjp:i:f:c:h", lo, NULL)) != -1) {
		switch (c) {
		case 'V':
			x.mode = OUT_TREE;
			break;
		case 'j':
			x.mode = OUT_JSON;
			break;
		case 'p':
			if (pcap_opts_parse_port(&o, optarg, err,
						 sizeof(err)) < 0) {
				fprintf(stderr, "iscsi-pcap: %s\n", err);
				return 2;
			}
			break;
		case 'i':
			o.iface = optarg;
			break;
		case 'f':
			o.filter = optarg;
			break;
		case 'R':
			o.wireshark_compat = true;
			break;
		case 'c':
			o.max_frames = strtoull(optarg, NULL, 10);
			break;
		case 'h':
			decode_usage(stdout);
			return 0;
		default:
			decode_usage(stderr);
			return 2;
		}
	}
	if (o.iface) {
		if (optind != argc) {
			decode_usage(stderr);
			return 2;
		}
		signal(SIGINT, on_signal);
		signal(SIGTERM, on_signal);
		o.stop = &stop_flag;
		setvbuf(stdout, NULL, _IOLBF, 0);
		r = pcap_analyze_live(&o, decode_cb, &x, err, sizeof(err));
	} else {
		if (optind != argc - 1) {
			decode_usage(stderr);
			return 2;
		}
		o.file = argv[optind];
		r = pcap_analyze(&o, decode_cb, &x, err, sizeof(err));
	}
	fflush(stdout);
	if (r < 0) {
		fprintf(stderr, "iscsi-pcap: %s\n", err);
		return 2;
	}
	return x.input_error ? 1 : 0;
}
