/* SPDX-License-Identifier: MIT */
/*
 * validate.c - `iscsi-pcap validate FILE [--json] [--port N]`: run the
 * rule table (rules.c) over a capture and print every finding.
 *
 * Text: one line per finding (frame, rule id, section, severity, message,
 * expected/seen, where), then a "# N errors, N warnings, N info" line.
 * JSON: an array of finding objects, written as they come (nothing is
 * held in memory). Exit 1 when a rule of error severity fired, 0
 * otherwise, 2 on a usage or input error.
 */
#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "rules.h"

struct vstate {
	struct rules_ctx *rules;
	bool json;
	uint64_t n;
	FILE *out;
};

static void usage(FILE *f)
{
	fputs("usage: iscsi-pcap validate FILE [--json] [--port N]...\n"
	      "  --json      findings as a JSON array\n"
	      "  --port N    iSCSI target port (repeatable; default 3260, "
	      "860 and heuristics)\n"
	      "  --rules     print the rule table and exit\n"
	      "Exit: 1 when an error-severity rule fired, 0 otherwise, 2 on "
	      "usage or input errors.\n",
	      f);
}

static json_t *finding_json(const struct rule_finding *f)
{
	json_t *o = json_object();

	json_object_set_new(o, "frame", json_integer((json_int_t)f->frame));
	json_object_set_new(o, "rule", json_string(f->rule->id));
	json_object_set_new(o, "section", json_string(f->rule->section));
	json_object_set_new(o, "severity",
			    json_string(rule_severity_str(f->rule->sev)));
	json_object_set_new(o, "message", json_string(f->rule->message));
	if (f->detail[0])
		json_object_set_new(o, "detail", json_string(f->detail));
	if (f->expected[0])
		json_object_set_new(o, "expected", json_string(f->expected));
	if (f->seen[0])
		json_object_set_new(o, "seen", json_string(f->seen));
	if (f->flow_id != UINT64_MAX)
		json_object_set_new(o, "flow",
				    json_integer((json_int_t)f->flow_id));
	if (f->has_pdu) {
		char itt[16];

		snprintf(itt, sizeof(itt), "0x%08x", f->itt);
		json_object_set_new(o, "direction",
				    json_string(f->dir == PCAP_DIR_T2I
							? "target"
							: "initiator"));
		json_object_set_new(o, "pdu",
				    json_string(iscsi_opcode_name(f->opcode)));
		json_object_set_new(o, "opcode", json_integer(f->opcode));
		json_object_set_new(o, "itt", json_string(itt));
	}
	return o;
}

static void sink(const struct rule_finding *f, void *arg)
{
	struct vstate *st = arg;

	if (st->json) {
		json_t *o = finding_json(f);
		char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);

		fprintf(st->out, "%s\n  %s", st->n ? "," : "", s ? s : "{}");
		free(s);
		json_decref(o);
	} else {
		char line[1024];

		rule_finding_format(f, line, sizeof(line));
		fprintf(st->out, "%s\n", line);
	}
	st->n++;
}

static void on_event(const struct pcap_event *ev, void *arg)
{
	struct vstate *st = arg;

	rules_event(st->rules, ev);
}

static void print_rules(FILE *out)
{
	size_t n;
	const struct rule_def *t = rules_table(&n);

	for (size_t i = 0; i < n; i++)
		fprintf(out, "%s\t%s\t%s\t%s\n", t[i].id, t[i].section,
			rule_severity_str(t[i].sev), t[i].message);
}

int cmd_validate(int argc, char **argv)
{
	static const struct option opts[] = {
		{"json", no_argument, NULL, 'j'},
		{"port", required_argument, NULL, 'p'},
		{"rules", no_argument, NULL, 'r'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct pcap_opts o;
	struct vstate st = {.out = stdout};
	char err[256];
	int c, rc;

	pcap_opts_init(&o);
	optind = 1;
	while ((c = getopt_long(argc, argv, "jp:rh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			st.json = true;
			break;
		case 'p':
			if (pcap_opts_parse_port(&o, optarg, err, sizeof(err)) <
			    0) {
				fprintf(stderr, "iscsi-pcap validate: %s\n", err);
				return 2;
			}
			break;
		case 'r':
			print_rules(stdout);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return 2;
	}
	o.file = argv[optind];
	st.rules = rules_new(sink, &st);
	if (!st.rules) {
		fprintf(stderr, "iscsi-pcap validate: out of memory\n");
		return 2;
	}
	if (st.json)
		fputs("[", st.out);
	rc = pcap_analyze(&o, on_event, &st, err, sizeof(err));
	if (st.json)
		fputs(st.n ? "\n]\n" : "]\n", st.out);
	if (rc < 0) {
		fprintf(stderr, "iscsi-pcap validate: %s\n", err);
		rules_free(st.rules);
		return 2;
	}
	if (!st.json)
		fprintf(st.out, "# %" PRIu64 " errors, %" PRIu64
			" warnings, %" PRIu64 " info\n",
			rules_count(st.rules, RULE_ERROR),
			rules_count(st.rules, RULE_WARNING),
			rules_count(st.rules, RULE_INFO));
	rc = rules_count(st.rules, RULE_ERROR) ? 1 : 0;
	rules_free(st.rules);
	return rc;
}
