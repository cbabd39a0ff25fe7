/* SPDX-License-Identifier: MIT */
/*
 * rules.h - the analyzer's validation rules: one table, one engine.
 *
 * Every rule is a row {id, RFC 7143 section, severity, message, opcodes,
 * check}. The engine takes the pipeline's events one at a time
 * (rules_event), keeps per-connection and per-task state of its own, runs
 * the check of every row that applies to the PDU against the state as it
 * was before that PDU, then folds the PDU into the state. A check that
 * finds a violation hands a finding (frame, flow, PDU, expected, seen) to
 * the caller's sink.
 *
 *   struct rules_ctx *r = rules_new(sink, arg);
 *   ... pcap_analyze(&o, cb, ...) with cb calling rules_event(r, ev) ...
 *   rules_free(r);
 *
 * Files: rules.c (table, engine, findings), rules_state.c (state update),
 * rules_hdr.c (format, digests, limits, tags), rules_login.c (login, keys,
 * CHAP, SendTargets), rules_seq.c (numbering), rules_data.c (write and
 * read paths, SCSI Response, NOP, Logout, Async, Reject, Text).
 */
#ifndef ISCSI_CTS_RULES_H
#define ISCSI_CTS_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analyzer.h"

enum rule_severity {
	RULE_INFO = 0,
	RULE_WARNING = 1,
	RULE_ERROR = 2,
};

struct rules_ctx;
struct rview;
struct rule_def;

typedef void (*rule_check_fn)(struct rules_ctx *ctx, const struct rview *v,
			      const struct rule_def *r);

/* Opcode mask bits, as proto/fields.h's ISCSI_FIELD_OP. */
#define RULE_OP(op) (UINT64_C(1) << (op))

struct rule_def {
	const char *id;	     /* "seq.statsn" */
	const char *section; /* RFC 7143 section, "4.2.2.2" */
	enum rule_severity sev;
	const char *message; /* one sentence: what was broken */
	uint64_t opcodes;    /* PDUs it looks at; 0: capture-level events */
	rule_check_fn check; /* NULL for capture-level rules */
};

#define RULE_TXT 64
#define RULE_DETAIL 200

struct rule_finding {
	const struct rule_def *rule;
	uint64_t frame;
	int64_t ts_ns;
	uint64_t flow_id; /* tcp.stream; UINT64_MAX when input-level */
	bool has_pdu;
	enum pcap_dir dir;
	unsigned opcode;
	uint32_t itt;
	char expected[RULE_TXT];
	char seen[RULE_TXT];
	char detail[RULE_DETAIL];
};

typedef void (*rules_sink)(const struct rule_finding *f, void *arg);

/* The table, in the order the checks run. */
const struct rule_def *rules_table(size_t *count);
const struct rule_def *rules_find(const char *id);
const char *rule_severity_str(enum rule_severity s);

struct rules_ctx *rules_new(rules_sink sink, void *arg);
void rules_free(struct rules_ctx *ctx);

/* Feed one pipeline event (PDU, GAP, RESYNC, FLOW_END, ERROR, ...). */
void rules_event(struct rules_ctx *ctx, const struct pcap_event *ev);
/* The same for a PDU alone (tests drive the engine with crafted PDUs). */
void rules_pdu(struct rules_ctx *ctx, const struct pcap_pdu *p);
/* Forget a connection's state (FLOW_END). */
void rules_conn_end(struct rules_ctx *ctx, struct pcap_conn *c);

/* Findings reported so far, by severity. */
uint64_t rules_count(const struct rules_ctx *ctx, enum rule_severity s);

/*
 * "12 seq.statsn 4.2.2.2 error StatSN ... (expected 5, seen 7) [flow 0
 * T->I SCSI Response ITT 0x3]": one line, no newline. Returns snprintf's
 * value.
 */
int rule_finding_format(const struct rule_finding *f, char *buf, size_t len);

#endif
