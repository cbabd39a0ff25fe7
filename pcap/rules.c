/* SPDX-License-Identifier: MIT */
/*
 * rules.c - the rule table, the engine that runs it, and findings.
 *
 * Sections are RFC 7143's. The checks live in rules_hdr.c, rules_login.c,
 * rules_seq.c and rules_data.c; the state they read in rules_state.c.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules_int.h"

#define O(x) RULE_OP(ISCSI_OP_##x)
#define ALL_I                                                                  \
	(O(NOP_OUT) | O(SCSI_CMD) | O(TMF_REQ) | O(LOGIN_REQ) | O(TEXT_REQ) |  \
	 O(DATA_OUT) | O(LOGOUT_REQ) | O(SNACK_REQ))
#define ALL_T                                                                  \
	(O(NOP_IN) | O(SCSI_RSP) | O(TMF_RSP) | O(LOGIN_RSP) | O(TEXT_RSP) |   \
	 O(DATA_IN) | O(LOGOUT_RSP) | O(R2T) | O(ASYNC_MSG) | O(REJECT))
#define ALL_OPS UINT64_MAX /* unknown opcodes too */
#define LT (O(LOGIN_REQ) | O(LOGIN_RSP) | O(TEXT_REQ) | O(TEXT_RSP))
#define CMDSN_I                                                                \
	(O(NOP_OUT) | O(SCSI_CMD) | O(TMF_REQ) | O(TEXT_REQ) | O(LOGOUT_REQ))

#define R(id, sec, sev, msg, ops, fn) {id, sec, RULE_##sev, msg, ops, fn}

static const struct rule_def table[] = {
	/* PDU format (§11.1, §11.2) */
	R("hdr.reserved", "11.2", ERROR,
	  "reserved field or bit not zero (or a fixed bit not set)", ALL_OPS,
	  chk_hdr_reserved),
	R("hdr.padding", "11.1", WARNING,
	  "data segment padding bytes not zero", ALL_OPS, chk_hdr_padding),
	R("hdr.opcode", "11.2.1.2", ERROR, "opcode not defined by RFC 7143",
	  ALL_OPS, chk_hdr_opcode),
	R("hdr.ahs", "11.2.2", ERROR,
	  "AHS list malformed (AHSLength runs past TotalAHSLength)", ALL_OPS,
	  chk_hdr_ahs),
	R("hdr.i-bit", "11.2.1.1", ERROR, "target PDU has the I bit set",
	  ALL_T, chk_hdr_ibit),
	/* digests (§13.1) */
	R("digest.header", "13.1", ERROR, "header digest does not verify",
	  ALL_OPS, chk_digest_header),
	R("digest.data", "13.1", ERROR, "data digest does not verify", ALL_OPS,
	  chk_digest_data),
	/* limits */
	R("limit.mrdsl", "13.12", ERROR,
	  "data segment longer than the receiver's MaxRecvDataSegmentLength",
	  ALL_OPS & ~(O(LOGIN_REQ) | O(LOGIN_RSP)), chk_limit_mrdsl),
	/* tags (§11.2.1.7) */
	R("tag.itt-echo", "11.2.1.7", ERROR,
	  "response ITT matches no outstanding request of that kind",
	  O(SCSI_RSP) | O(DATA_IN) | O(R2T) | O(TMF_RSP) | O(TEXT_RSP) |
		  O(LOGOUT_RSP) | O(NOP_IN) | O(LOGIN_RSP),
	  chk_tag_itt_echo),
	R("tag.itt-reserved", "11.2.1.7", ERROR,
	  "reserved ITT 0xffffffff misused",
	  (ALL_I & ~(O(NOP_OUT) | O(DATA_OUT) | O(SNACK_REQ))) |
		  O(SCSI_RSP) | O(DATA_IN) | O(R2T) | O(TMF_RSP) |
		  O(TEXT_RSP) | O(LOGOUT_RSP) | O(LOGIN_RSP) | O(ASYNC_MSG) |
		  O(REJECT),
	  chk_tag_itt_reserved),
	R("tag.ttt-reserved", "11.8.1", ERROR,
	  "R2T carries the reserved TTT 0xffffffff", O(R2T),
	  chk_tag_ttt_reserved),
	/* login (§6.3, §11.12, §11.13) */
	R("login.echo", "11.13", ERROR,
	  "Login Response does not echo the request's ITT and ISID",
	  O(LOGIN_RSP), chk_login_echo),
	R("login.tsih", "11.13.3", ERROR,
	  "TSIH wrong: 0 until the final response of a new session, then "
	  "non-zero; else the initiator's",
	  O(LOGIN_RSP), chk_login_tsih),
	R("login.expcmdsn", "4.2.2.1", ERROR,
	  "Login Response ExpCmdSN differs from the Login Request's CmdSN",
	  O(LOGIN_RSP), chk_login_expcmdsn),
	R("login.transit", "11.13", ERROR,
	  "Login Response transit (T, CSG, NSG) not allowed by the request",
	  O(LOGIN_RSP), chk_login_transit),
	R("login.status", "11.13.5", ERROR,
	  "Status-Class/Status-Detail not defined", O(LOGIN_RSP),
	  chk_login_status),
	R("login.failure-keys", "11.13.5", WARNING,
	  "failed Login Response carries text keys", O(LOGIN_RSP),
	  chk_login_failure_keys),
	R("login.version", "11.13.2", ERROR,
	  "Version-active outside the initiator's Version-min..Version-max",
	  O(LOGIN_RSP), chk_login_version),
	R("login.after-failure", "11.13.5", WARNING,
	  "PDU on a connection after a failed Login Response", ALL_OPS,
	  chk_login_after_failure),
	R("login.tpgt", "13.9", ERROR,
	  "TargetPortalGroupTag missing from the first Login Response, or "
	  "differs from SendTargets",
	  O(LOGIN_RSP), chk_login_tpgt),
	/* text keys (§6, §13) */
	R("keys.format", "6.1", ERROR,
	  "text is not a run of NUL-terminated key=value pairs", LT,
	  chk_keys_format),
	R("keys.duplicate", "6.1", ERROR, "key repeated in one text", LT,
	  chk_keys_duplicate),
	R("keys.value", "6.1", ERROR,
	  "declared or offered value invalid for the key", LT,
	  chk_keys_value),
	R("keys.negotiation", "6.2", ERROR,
	  "answer to an offered key not allowed by its result function", LT,
	  chk_keys_negotiation),
	R("keys.negotiation-should", "6.2", WARNING,
	  "answer to an offered key allowed but against a SHOULD", LT,
	  chk_keys_negotiation_should),
	/* CHAP (§12.1.3, §9.2.1) */
	R("chap.challenge", "12.1.3", ERROR,
	  "reply to CHAP_A lacks CHAP_A, CHAP_I (0-255) and CHAP_C together",
	  O(LOGIN_RSP), chk_chap_challenge),
	R("chap.reuse", "9.2.1", WARNING,
	  "CHAP challenge repeated from an earlier login", O(LOGIN_RSP),
	  chk_chap_reuse),
	/* discovery (§13.3, §13.8, App. C) */
	R("sendtargets.format", "App. C", ERROR,
	  "SendTargets response: TargetAddress not preceded by a TargetName",
	  O(TEXT_RSP), chk_sendtargets_format),
	R("sendtargets.address", "13.8", ERROR,
	  "TargetAddress not a reachable unicast host[:port],tag",
	  O(TEXT_RSP), chk_sendtargets_address),
	R("names.valid", "4.2.7", ERROR,
	  "iSCSI name not a valid iqn./eui./naa. name", LT, chk_names_valid),
	/* numbering (§4.2.2) */
	R("seq.statsn", "4.2.2.2", ERROR,
	  "StatSN does not advance by 1 per status-bearing PDU", ALL_T,
	  chk_seq_statsn),
	R("seq.statsn-current", "11.19.2", WARNING,
	  "R2T or unsolicited NOP-In does not carry the next StatSN",
	  O(R2T) | O(NOP_IN), chk_seq_statsn_current),
	R("seq.expstatsn", "4.2.2.2", WARNING,
	  "ExpStatSN acknowledges a StatSN not yet sent", ALL_I,
	  chk_seq_expstatsn),
	R("seq.cmdsn-window", "4.2.2.1", ERROR,
	  "MaxCmdSN less than ExpCmdSN - 1", ALL_T, chk_seq_cmd_window),
	R("seq.expcmdsn-backwards", "4.2.2.1", ERROR,
	  "ExpCmdSN went backwards", ALL_T, chk_seq_expcmdsn_backwards),
	R("seq.maxcmdsn-backwards", "4.2.2.1", ERROR,
	  "MaxCmdSN went backwards", ALL_T, chk_seq_maxcmdsn_backwards),
	R("seq.expcmdsn-ahead", "4.2.2.1", ERROR,
	  "ExpCmdSN beyond the last non-immediate CmdSN + 1 (an immediate "
	  "PDU advanced it)",
	  ALL_T, chk_seq_expcmdsn_ahead),
	R("seq.window-open", "4.2.2.1", WARNING,
	  "command window closed at the end of login", O(LOGIN_RSP),
	  chk_seq_window_open),
	R("seq.datasn", "11.7.5", ERROR,
	  "Data-In DataSN not 0, 1, 2... per command", O(DATA_IN),
	  chk_seq_datasn),
	R("seq.r2tsn", "11.8.3", ERROR, "R2TSN not 0, 1, 2... per command",
	  O(R2T), chk_seq_r2tsn),
	R("seq.expdatasn", "11.4.8", ERROR,
	  "SCSI Response ExpDataSN is not the number of R2T and Data-In PDUs "
	  "sent (RFC 3720: Data-In only)",
	  O(SCSI_RSP), chk_seq_expdatasn),
	/* write path (§11.8, §13.10-§13.17) */
	R("r2t.length", "11.8.4", ERROR,
	  "R2T Desired Data Transfer Length 0, over MaxBurstLength, or past "
	  "the EDTL",
	  O(R2T), chk_r2t_length),
	R("r2t.offset", "11.8.4", ERROR,
	  "R2T asks for data already sent as immediate or unsolicited data",
	  O(R2T), chk_r2t_offset),
	R("r2t.outstanding", "13.17", ERROR,
	  "more outstanding R2Ts for a task than MaxOutstandingR2T", O(R2T),
	  chk_r2t_outstanding),
	R("write.immediate", "13.11", ERROR,
	  "immediate data not allowed, or over FirstBurstLength or EDTL",
	  O(SCSI_CMD), chk_write_immediate),
	R("write.unsolicited", "13.10", ERROR,
	  "unsolicited Data-Out with InitialR2T=Yes or beyond "
	  "FirstBurstLength",
	  O(DATA_OUT), chk_write_unsolicited),
	R("write.dataout", "11.7", ERROR,
	  "Data-Out outside its R2T (TTT, offset, length or DataSN)",
	  O(DATA_OUT), chk_write_dataout),
	/* read path (§11.7, §13.13, §13.18) */
	R("read.burst", "13.13", ERROR,
	  "Data-In sequence longer than MaxBurstLength", O(DATA_IN),
	  chk_read_burst),
	R("read.final", "11.7.1", ERROR,
	  "last Data-In before the status does not have the F bit",
	  O(DATA_IN) | O(SCSI_RSP), chk_read_final),
	R("read.order", "13.18", ERROR,
	  "Data-In BufferOffset not contiguous with DataPDUInOrder=Yes",
	  O(DATA_IN), chk_read_order),
	R("read.edtl", "11.7.6", WARNING,
	  "Data-In carries data past the Expected Data Transfer Length",
	  O(DATA_IN), chk_read_edtl),
	R("read.s-bit", "11.7.3", ERROR,
	  "Data-In S/O/U bits misused (S needs F and a non-exception "
	  "status; O/U need S)",
	  O(DATA_IN), chk_read_sbit),
	R("read.a-bit", "11.7.2", ERROR,
	  "Data-In A bit with ErrorRecoveryLevel 0, or a TTT without A",
	  O(DATA_IN), chk_read_abit),
	R("read.unexpected", "11.3.1", ERROR,
	  "Data-In for a command that is not a read", O(DATA_IN),
	  chk_read_unexpected),
	/* SCSI Response (§11.4) */
	R("rsp.flags", "11.4.1", ERROR,
	  "residual flags inconsistent (O with U, o with u, or a residual "
	  "without its flag)",
	  O(SCSI_RSP), chk_rsp_flags),
	R("rsp.sense", "11.4.7", ERROR,
	  "data segment does not start with a SenseLength that fits",
	  O(SCSI_RSP), chk_rsp_sense),
	R("rsp.response", "11.4.3", ERROR, "Response code reserved",
	  O(SCSI_RSP), chk_rsp_response),
	/* NOP (§11.18, §11.19) */
	R("nop.ttt", "11.19.1", ERROR,
	  "NOP TTT misused (a reply with a TTT, or an echo of no ping)",
	  O(NOP_IN) | O(NOP_OUT), chk_nop_ttt),
	R("nop.itt", "11.18.1", ERROR,
	  "NOP-Out with ITT 0xffffffff is not immediate", O(NOP_OUT),
	  chk_nop_itt),
	R("nop.echo", "11.19", ERROR,
	  "NOP-In does not return the NOP-Out's ping data", O(NOP_IN),
	  chk_nop_echo),
	/* Logout, Async, Reject, Text */
	R("logout.response", "11.15.1", ERROR, "Logout Response code reserved",
	  O(LOGOUT_RSP), chk_logout_response),
	R("logout.after", "11.15", WARNING,
	  "target PDU on a connection after its successful Logout Response",
	  ALL_T, chk_logout_after),
	R("async.event", "11.9.1", ERROR, "AsyncEvent code reserved",
	  O(ASYNC_MSG), chk_async_event),
	R("reject.header", "11.17", ERROR,
	  "Reject lacks the complete rejected header, or its reason is "
	  "reserved",
	  O(REJECT), chk_reject_header),
	R("text.c-bit", "11.11.2", ERROR,
	  "C bit set together with F (Text) or T (Login)",
	  O(TEXT_RSP) | O(TEXT_REQ) | O(LOGIN_RSP) | O(LOGIN_REQ),
	  chk_text_cbit),
	R("text.ttt", "11.11.4", ERROR,
	  "Text Response TTT: 0xffffffff only on the final response",
	  O(TEXT_RSP), chk_text_ttt),
	/* capture-level */
	R("capture.gap", "-", INFO, "bytes missing from the stream", 0, NULL),
	R("capture.resync", "-", INFO,
	  "decoding resumed at a PDU boundary", 0, NULL),
	R("capture.error", "-", WARNING, "capture or stream problem", 0, NULL),
};

#define NRULES (sizeof(table) / sizeof(table[0]))

const struct rule_def *rt_rule_gap = &table[NRULES - 3];
const struct rule_def *rt_rule_resync = &table[NRULES - 2];
const struct rule_def *rt_rule_error = &table[NRULES - 1];

const struct rule_def *rules_table(size_t *count)
{
	if (count)
		*count = NRULES;
	return table;
}

const struct rule_def *rules_find(const char *id)
{
	for (size_t i = 0; i < NRULES; i++)
		if (strcmp(table[i].id, id) == 0)
			return &table[i];
	return NULL;
}

const char *rule_severity_str(enum rule_severity s)
{
	switch (s) {
	case RULE_ERROR:
		return "error";
	case RULE_WARNING:
		return "warning";
	default:
		return "info";
	}
}

struct rules_ctx *rules_new(rules_sink sink, void *arg)
{
	struct rules_ctx *ctx = calloc(1, sizeof(*ctx));

	if (!ctx)
		return NULL;
	ctx->sink = sink;
	ctx->arg = arg;
	return ctx;
}

void rules_free(struct rules_ctx *ctx)
{
	free(ctx);
}

uint64_t rules_count(const struct rules_ctx *ctx, enum rule_severity s)
{
	return (unsigned)s < 3 ? ctx->counts[s] : 0;
}

static void emit(struct rules_ctx *ctx, struct rule_finding *f)
{
	ctx->counts[f->rule->sev]++;
	if (ctx->sink)
		ctx->sink(f, ctx->arg);
}

static void fill(struct rule_finding *f, const struct rview *v,
		 const struct rule_def *r)
{
	memset(f, 0, sizeof(*f));
	f->rule = r;
	f->frame = v->p->frame;
	f->ts_ns = v->p->ts_ns;
	f->flow_id = v->p->flow ? v->p->flow->id : UINT64_MAX;
	f->has_pdu = true;
	f->dir = v->p->dir;
	f->opcode = v->op;
	f->itt = v->itt;
}

static void vfire(struct rules_ctx *ctx, const struct rview *v,
		  const struct rule_def *r, const char *expected,
		  const char *seen, const char *fmt, va_list ap)
	__attribute__((format(printf, 6, 0)));

static void vfire(struct rules_ctx *ctx, const struct rview *v,
		  const struct rule_def *r, const char *expected,
		  const char *seen, const char *fmt, va_list ap)
{
	struct rule_finding f;

	fill(&f, v, r);
	if (expected)
		snprintf(f.expected, sizeof(f.expected), "%s", expected);
	if (seen)
		snprintf(f.seen, sizeof(f.seen), "%s", seen);
	if (fmt)
		vsnprintf(f.detail, sizeof(f.detail), fmt, ap);
	emit(ctx, &f);
}

void rt_fire(struct rules_ctx *ctx, const struct rview *v,
	     const struct rule_def *r, const char *expected, const char *seen,
	     const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfire(ctx, v, r, expected, seen, fmt, ap);
	va_end(ap);
}

void rt_fire_u(struct rules_ctx *ctx, const struct rview *v,
	       const struct rule_def *r, uint64_t expected, uint64_t seen,
	       const char *fmt, ...)
{
	char e[24], s[24];
	va_list ap;

	snprintf(e, sizeof(e), "%" PRIu64, expected);
	snprintf(s, sizeof(s), "%" PRIu64, seen);
	va_start(ap, fmt);
	vfire(ctx, v, r, e, s, fmt, ap);
	va_end(ap);
}

/* ---- the engine ---------------------------------------------------------- */

static void parse_text(struct rt_conn *rc, struct rview *v,
		       struct iscsi_text *t, bool *have, char *err,
		       size_t errlen)
{
	const struct iscsi_bhs *b = v->bhs;
	bool cont = b->flags & ISCSI_TEXT_C; /* same bit for Login (§11.12.2) */
	struct iscsi_text_accum *a = &rc->acc[v->tgt ? 1 : 0];

	*have = false;
	if (!a->limit)
		iscsi_text_accum_init(a, RT_TEXT_LIMIT);
	if (iscsi_text_accum_add(a, v->p->pdu.data, v->p->pdu.data_len, err,
				 errlen) < 0) {
		iscsi_text_accum_reset(a);
		v->keys_err = err;
		return;
	}
	if (cont)
		return;
	if (iscsi_text_accum_finish(a, t, err, errlen) < 0) {
		v->keys_err = err;
		return;
	}
	*have = true;
}

void rules_pdu(struct rules_ctx *ctx, const struct pcap_pdu *p)
{
	struct rview v;
	struct iscsi_text text;
	char kerr[160];
	bool have = false;
	size_t i;

	if (!p || !p->conn)
		return;
	memset(&v, 0, sizeof(v));
	v.p = p;
	v.bhs = &p->pdu.bhs;
	v.op = p->opcode;
	v.tgt = p->dir == PCAP_DIR_T2I;
	v.itt = iscsi_bhs_itt(v.bhs);
	v.rc = rt_conn_get(p->conn);
	if (!v.rc)
		return;
	v.ffp = p->conn->ffp && !v.rc->in_login;
	if (p->conn->params_known && v.ffp)
		v.par = &p->conn->params;
	if (v.itt != ISCSI_RSVD_TAG)
		v.task = rt_task_find(v.rc, v.itt);
	iscsi_text_init(&text);
	if (v.op == ISCSI_OP_LOGIN_REQ || v.op == ISCSI_OP_LOGIN_RSP ||
	    v.op == ISCSI_OP_TEXT_REQ || v.op == ISCSI_OP_TEXT_RSP) {
		parse_text(v.rc, &v, &text, &have, kerr, sizeof(kerr));
		if (have)
			v.keys = &text;
	}
	for (i = 0; i < NRULES; i++) {
		const struct rule_def *r = &table[i];

		if (r->check && (r->opcodes & RULE_OP(v.op & 0x3f)))
			r->check(ctx, &v, r);
	}
	rt_update(ctx, &v);
	iscsi_text_free(&text);
}

void rules_conn_end(struct rules_ctx *ctx, struct pcap_conn *c)
{
	(void)ctx;
	if (c && c->user) {
		rt_conn_free(c->user);
		c->user = NULL;
	}
}

static void fire_event(struct rules_ctx *ctx, const struct pcap_event *ev,
		       const struct rule_def *r)
{
	struct rule_finding f;

	memset(&f, 0, sizeof(f));
	f.rule = r;
	f.frame = ev->frame;
	f.ts_ns = ev->ts_ns;
	f.flow_id = ev->flow ? ev->flow->id : UINT64_MAX;
	f.dir = ev->dir;
	if (ev->kind == PCAP_EV_GAP) {
		snprintf(f.seen, sizeof(f.seen), "%" PRIu64 " bytes",
			 ev->length);
		snprintf(f.detail, sizeof(f.detail), "at stream offset %" PRIu64,
			 ev->offset);
	} else if (ev->kind == PCAP_EV_RESYNC) {
		snprintf(f.detail, sizeof(f.detail),
			 "at stream offset %" PRIu64 " after skipping %" PRIu64
			 " bytes",
			 ev->offset, ev->length);
	}
	if (ev->msg && ev->kind != PCAP_EV_GAP && ev->kind != PCAP_EV_RESYNC)
		snprintf(f.detail, sizeof(f.detail), "%s", ev->msg);
	emit(ctx, &f);
}

void rules_event(struct rules_ctx *ctx, const struct pcap_event *ev)
{
	switch (ev->kind) {
	case PCAP_EV_PDU:
		rules_pdu(ctx, ev->pdu);
		break;
	case PCAP_EV_GAP:
		fire_event(ctx, ev, rt_rule_gap);
		if (ev->conn && ev->conn->user)
			rt_conn_lost_sync(ev->conn->user);
		break;
	case PCAP_EV_RESYNC:
		fire_event(ctx, ev, rt_rule_resync);
		if (ev->conn && ev->conn->user)
			rt_conn_lost_sync(ev->conn->user);
		break;
	case PCAP_EV_ERROR:
		fire_event(ctx, ev, rt_rule_error);
		break;
	case PCAP_EV_FLOW_END:
		rules_conn_end(ctx, ev->conn);
		break;
	default:
		break;
	}
}

static const char *dir_str(enum pcap_dir d)
{
	return d == PCAP_DIR_T2I ? "T->I" : "I->T";
}

int rule_finding_format(const struct rule_finding *f, char *buf, size_t len)
{
	char es[2 * RULE_TXT + 40] = "", where[96] = "";
	const char *sep = f->detail[0] ? ": " : "";

	if (f->expected[0] && f->seen[0])
		snprintf(es, sizeof(es), " (expected %s, seen %s)",
			 f->expected, f->seen);
	else if (f->seen[0])
		snprintf(es, sizeof(es), " (seen %s)", f->seen);
	if (f->has_pdu)
		snprintf(where, sizeof(where), " [flow %" PRIu64 " %s %s ITT 0x%x]",
			 f->flow_id, dir_str(f->dir),
			 iscsi_opcode_name(f->opcode), f->itt);
	else if (f->flow_id != UINT64_MAX)
		snprintf(where, sizeof(where), " [flow %" PRIu64 "]",
			 f->flow_id);
	return snprintf(buf, len, "%" PRIu64 " %s %s %s %s%s%s%s%s",
			f->frame, f->rule->id, f->rule->section,
			rule_severity_str(f->rule->sev), f->rule->message, sep,
			f->detail, es, where);
}
