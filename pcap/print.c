/* SPDX-License-Identifier: MIT */
/*
 * print.c - the one-line summary of a PDU and the text form of events.
 * The -V tree is in print_tree.c.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "analyzer.h"
#include "codec.h"
#include "print_int.h"

int pcap_endpoint_str(const struct pcap_endpoint *e, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	if (!inet_ntop(e->family == AF_INET6 ? AF_INET6 : AF_INET, e->addr, a,
		       sizeof(a)))
		snprintf(a, sizeof(a), "?");
	if (e->family == AF_INET6)
		return snprintf(buf, len, "[%s]:%u", a, (unsigned)e->port);
	return snprintf(buf, len, "%s:%u", a, (unsigned)e->port);
}

/* §11.5.1 (RFC 7144 §4.1 for 9-12) */
const char *pr_tmf_function(unsigned f)
{
	static const char *const n[] = {
		NULL,
		"ABORT TASK",
		"ABORT TASK SET",
		"CLEAR ACA",
		"CLEAR TASK SET",
		"LOGICAL UNIT RESET",
		"TARGET WARM RESET",
		"TARGET COLD RESET",
		"TASK REASSIGN",
		"QUERY TASK",
		"QUERY TASK SET",
		"I_T NEXUS RESET",
		"QUERY ASYNCHRONOUS EVENT",
	};
	return f < sizeof(n) / sizeof(n[0]) && n[f] ? n[f] : "reserved";
}

/* §11.6.1 */
const char *pr_tmf_response(unsigned r)
{
	static const char *const n[] = {
		"Function complete",
		"Task does not exist",
		"LUN does not exist",
		"Task still allegiant",
		"Task allegiance reassignment not supported",
		"Task management function not supported",
		"Function authorization failed",
		"Function succeeded",
	};
	if (r == 255)
		return "Function rejected";
	return r < sizeof(n) / sizeof(n[0]) ? n[r] : "reserved";
}

/* §11.17.1 */
const char *pr_reject_reason(unsigned r)
{
	switch (r) {
	case 0x02: return "Data (payload) digest error";
	case 0x03: return "SNACK Reject";
	case 0x04: return "Protocol Error";
	case 0x05: return "Command not supported";
	case 0x06: return "Immediate command reject";
	case 0x07: return "Task in progress";
	case 0x08: return "Invalid data ack";
	case 0x09: return "Invalid PDU field";
	case 0x0a: return "Long op reject";
	case 0x0b: return "Deprecated";
	case 0x0c: return "Waiting for Logout";
	default: return "reserved";
	}
}

/* §11.9.1 */
const char *pr_async_event(unsigned e)
{
	static const char *const n[] = {
		"SCSI Async Event",   "Logout requested",
		"Connection drop",    "Session drop",
		"Negotiation request", "Task termination",
	};
	if (e == 255)
		return "Vendor specific";
	return e < sizeof(n) / sizeof(n[0]) ? n[e] : "reserved";
}

/* §11.14.1, §11.15.1 */
const char *pr_logout_reason(unsigned r)
{
	static const char *const n[] = {"close session", "close connection",
					"remove for recovery"};
	return r < 3 ? n[r] : "reserved";
}

const char *pr_logout_response(unsigned r)
{
	static const char *const n[] = {"success", "CID not found",
					"recovery not supported",
					"cleanup failed"};
	return r < 4 ? n[r] : "reserved";
}

/* §11.13.5 */
const char *pr_login_status(unsigned cls, unsigned det)
{
	if (cls == 0)
		return "Success";
	if (cls == 1)
		return det == 1 ? "Target moved temporarily"
				: det == 2 ? "Target moved permanently"
					   : "Redirection";
	if (cls == 2) {
		switch (det) {
		case 0x00: return "Initiator error";
		case 0x01: return "Authentication failure";
		case 0x02: return "Authorization failure";
		case 0x03: return "Not found";
		case 0x04: return "Target removed";
		case 0x05: return "Unsupported version";
		case 0x06: return "Too many connections";
		case 0x07: return "Missing parameter";
		case 0x08: return "Can't include in session";
		case 0x09: return "Session type not supported";
		case 0x0a: return "Session does not exist";
		case 0x0b: return "Invalid during login";
		default: return "Initiator error";
		}
	}
	if (cls == 3) {
		switch (det) {
		case 0x01: return "Service unavailable";
		case 0x02: return "Out of resources";
		default: return "Target error";
		}
	}
	return "reserved";
}

const char *pr_stage(unsigned s)
{
	switch (s) {
	case ISCSI_STAGE_SECURITY: return "Security";
	case ISCSI_STAGE_OPERATIONAL: return "Operational";
	case ISCSI_STAGE_FFP: return "FullFeature";
	default: return "reserved";
	}
}

/* Appends to a bounded buffer; never overruns, tracks the length. */
void pr_add(struct pr_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->len >= b->cap)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->buf + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	b->len += (size_t)n;
	if (b->len >= b->cap)
		b->len = b->cap - 1;
}

void pr_lun(struct pr_buf *b, const uint8_t *lun)
{
	int32_t l = iscsi_lun_decode(lun);

	if (l >= 0)
		pr_add(b, " LUN=%d", (int)l);
	else
		pr_add(b, " LUN=0x%016" PRIx64, iscsi_get64(lun));
}

static void sum_scsi_cmd(struct pr_buf *b, const struct pcap_pdu *p)
{
	const uint8_t *w = (const uint8_t *)&p->pdu.bhs;
	uint8_t cdb[260];
	ssize_t n = pcap_pdu_cdb(p, cdb, sizeof(cdb));
	const char *name;
	uint64_t lba;
	uint32_t blocks;

	if (n < 0) {
		memcpy(cdb, w + 32, 16);
		n = 16;
	}
	pr_add(b, " CmdSN=%u", iscsi_get32(w + 24));
	pr_lun(b, w + 8);
	name = scsi_cdb_name(cdb, (size_t)n);
	if (name)
		pr_add(b, " %s", name);
	else
		pr_add(b, " CDB[0]=0x%02x", cdb[0]);
	if (scsi_cdb_lba_len(cdb, (size_t)n, &lba, &blocks))
		pr_add(b, " LBA=%" PRIu64 " len=%u", lba, blocks);
	pr_add(b, " EDTL=%u", iscsi_get32(w + 20));
}

static void sum_scsi_rsp(struct pr_buf *b, const struct pcap_pdu *p)
{
	const uint8_t *w = (const uint8_t *)&p->pdu.bhs;
	const char *st = scsi_status_name(w[3]);
	struct scsi_sense s;
	char sb[128];

	pr_add(b, " StatSN=%u", iscsi_get32(w + 24));
	if (w[2])
		pr_add(b, " Response=0x%02x", w[2]);
	pr_add(b, " Status=%s", st ? st : "?");
	if (w[1] & 0x06u)
		pr_add(b, " Residual=%s%u", w[1] & 0x04u ? "+" : "-",
		       iscsi_get32(w + 44));
	if (pcap_pdu_sense(p, &s) == 0 && scsi_sense_str(&s, sb, sizeof(sb)) > 0)
		pr_add(b, " Sense=%s", sb);
	if (p->task && p->task->done)
		pr_add(b, " latency=%.6f",
		       (double)p->task->latency_ns / 1e9);
}

static void sum_login(struct pr_buf *b, const struct pcap_pdu *p, bool rsp)
{
	const uint8_t *w = (const uint8_t *)&p->pdu.bhs;
	unsigned csg = (w[1] & ISCSI_LOGIN_CSG_MASK) >> ISCSI_LOGIN_CSG_SHIFT;
	unsigned nsg = w[1] & ISCSI_LOGIN_NSG_MASK;

	pr_add(b, " %s", pr_stage(csg));
	if (w[1] & ISCSI_LOGIN_T)
		pr_add(b, "->%s", pr_stage(nsg));
	if (w[1] & ISCSI_LOGIN_C)
		pr_add(b, " C");
	pr_add(b, " ISID=0x%012" PRIx64 " TSIH=%u", iscsi_get48(w + 8),
	       iscsi_get16(w + 14));
	if (rsp) {
		pr_add(b, " StatSN=%u", iscsi_get32(w + 24));
		if (w[36] || w[37])
			pr_add(b, " Status=%s(0x%02x%02x)",
			       pr_login_status(w[36], w[37]), w[36], w[37]);
	} else {
		pr_add(b, " CID=%u CmdSN=%u", iscsi_get16(w + 20),
		       iscsi_get32(w + 24));
	}
}

static void sum_keys(struct pr_buf *b, const struct pcap_pdu *p)
{
	const struct iscsi_text *t = pcap_pdu_keys(p);

	if (!t)
		return;
	for (size_t i = 0; i < t->n && b->len + 2 < b->cap; i++)
		pr_add(b, " %s=%s", t->kv[i].key, t->kv[i].value);
}

static void sum_opcode(struct pr_buf *b, const struct pcap_pdu *p)
{
	const uint8_t *w = (const uint8_t *)&p->pdu.bhs;
	uint32_t ttt = iscsi_get32(w + 20);

	switch (p->opcode) {
	case ISCSI_OP_NOP_OUT:
		pr_add(b, " TTT=0x%x CmdSN=%u", ttt, iscsi_get32(w + 24));
		break;
	case ISCSI_OP_NOP_IN:
		pr_add(b, " TTT=0x%x StatSN=%u", ttt, iscsi_get32(w + 24));
		break;
	case ISCSI_OP_SCSI_CMD:
		sum_scsi_cmd(b, p);
		break;
	case ISCSI_OP_SCSI_RSP:
		sum_scsi_rsp(b, p);
		break;
	case ISCSI_OP_TMF_REQ:
		pr_add(b, " %s RefITT=0x%x CmdSN=%u",
		       pr_tmf_function(w[1] & ISCSI_TMF_FUNC_MASK),
		       iscsi_get32(w + 20), iscsi_get32(w + 24));
		break;
	case ISCSI_OP_TMF_RSP:
		pr_add(b, " StatSN=%u Response=%s", iscsi_get32(w + 24),
		       pr_tmf_response(w[2]));
		break;
	case ISCSI_OP_LOGIN_REQ:
	case ISCSI_OP_LOGIN_RSP:
		sum_login(b, p, p->opcode == ISCSI_OP_LOGIN_RSP);
		sum_keys(b, p);
		break;
	case ISCSI_OP_TEXT_REQ:
	case ISCSI_OP_TEXT_RSP:
		pr_add(b, " TTT=0x%x %s=%u%s%s", ttt,
		       p->opcode == ISCSI_OP_TEXT_REQ ? "CmdSN" : "StatSN",
		       iscsi_get32(w + 24), w[1] & ISCSI_TEXT_F ? " F" : "",
		       w[1] & ISCSI_TEXT_C ? " C" : "");
		sum_keys(b, p);
		break;
	case ISCSI_OP_DATA_OUT:
	case ISCSI_OP_DATA_IN:
		pr_add(b, " DataSN=%u Offset=%u len=%zu%s",
		       iscsi_get32(w + 36), iscsi_get32(w + 40),
		       p->pdu.data_len, w[1] & ISCSI_FLAG_FINAL ? " F" : "");
		if (p->opcode == ISCSI_OP_DATA_IN && (w[1] & 0x01u))
			pr_add(b, " S Status=%s StatSN=%u",
			       scsi_status_name(w[3]) ? scsi_status_name(w[3])
						      : "?",
			       iscsi_get32(w + 24));
		break;
	case ISCSI_OP_LOGOUT_REQ:
		pr_add(b, " Reason=%s CID=%u CmdSN=%u",
		       pr_logout_reason(w[1] & ISCSI_LOGOUT_REASON_MASK),
		       iscsi_get16(w + 20), iscsi_get32(w + 24));
		break;
	case ISCSI_OP_LOGOUT_RSP:
		pr_add(b, " Response=%s StatSN=%u", pr_logout_response(w[2]),
		       iscsi_get32(w + 24));
		break;
	case ISCSI_OP_SNACK_REQ:
		pr_add(b, " Type=%u BegRun=%u RunLength=%u", w[1] & 0x0fu,
		       iscsi_get32(w + 40), iscsi_get32(w + 44));
		break;
	case ISCSI_OP_R2T:
		pr_add(b, " TTT=0x%x R2TSN=%u Offset=%u DesiredLen=%u", ttt,
		       iscsi_get32(w + 36), iscsi_get32(w + 40),
		       iscsi_get32(w + 44));
		break;
	case ISCSI_OP_ASYNC_MSG:
		pr_add(b, " %s StatSN=%u", pr_async_event(w[36]),
		       iscsi_get32(w + 24));
		break;
	case ISCSI_OP_REJECT:
		pr_add(b, " Reason=%s StatSN=%u", pr_reject_reason(w[2]),
		       iscsi_get32(w + 24));
		break;
	default:
		pr_add(b, " DSL=%zu", p->pdu.data_len);
		break;
	}
}

int pcap_pdu_summary(const struct pcap_pdu *p, char *buf, size_t len)
{
	const uint8_t *w = (const uint8_t *)&p->pdu.bhs;
	struct pr_buf b = {buf, len, 0};

	if (!len)
		return 0;
	buf[0] = '\0';
	pr_add(&b, "%s", iscsi_opcode_name(p->opcode));
	if (w[0] & ISCSI_OP_IMMEDIATE)
		pr_add(&b, " (I)");
	if (p->opcode != ISCSI_OP_ASYNC_MSG && p->opcode != ISCSI_OP_REJECT)
		pr_add(&b, " ITT=0x%x", iscsi_get32(w + 16));
	sum_opcode(&b, p);
	if (p->pdu.hdigest_present && !p->pdu.hdigest_ok)
		pr_add(&b, " [bad header digest]");
	if (p->pdu.ddigest_present && !p->pdu.ddigest_ok)
		pr_add(&b, " [bad data digest]");
	return (int)b.len;
}

void pr_time(char *buf, size_t len, int64_t ts_ns, int64_t t0_ns)
{
	int64_t d = ts_ns - t0_ns;
	const char *sign = d < 0 ? "-" : "";

	if (d < 0)
		d = -d;
	d /= 1000; /* microseconds */
	snprintf(buf, len, "%s%lld.%06lld", sign, (long long)(d / 1000000),
		 (long long)(d % 1000000));
}

void pcap_print_line(FILE *out, const struct pcap_pdu *p, int64_t t0_ns)
{
	char s[64], d[64], t[48], sum[1024];

	pcap_endpoint_str(p->src, s, sizeof(s));
	pcap_endpoint_str(p->dst, d, sizeof(d));
	pr_time(t, sizeof(t), p->ts_ns, t0_ns);
	pcap_pdu_summary(p, sum, sizeof(sum));
	fprintf(out, "%llu %s %s -> %s %s\n", (unsigned long long)p->frame, t,
		s, d, sum);
}

void pcap_print_event(FILE *out, const struct pcap_event *ev, int64_t t0_ns)
{
	char a[64] = "", b[64] = "", t[48];
	const char *what;

	switch (ev->kind) {
	case PCAP_EV_GAP: what = "GAP"; break;
	case PCAP_EV_RESYNC: what = "RESYNC"; break;
	case PCAP_EV_ERROR: what = "ERROR"; break;
	default: return;
	}
	pr_time(t, sizeof(t), ev->ts_ns, t0_ns);
	if (ev->flow) {
		pcap_endpoint_str(&ev->flow->a, a, sizeof(a));
		pcap_endpoint_str(&ev->flow->b, b, sizeof(b));
		fprintf(out, "%llu %s %s <-> %s %s: %s\n",
			(unsigned long long)ev->frame, t, a, b, what,
			ev->msg ? ev->msg : "");
	} else {
		fprintf(out, "%llu %s %s: %s\n", (unsigned long long)ev->frame,
			t, what, ev->msg ? ev->msg : "");
	}
}
