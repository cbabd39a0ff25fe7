/* SPDX-License-Identifier: MIT */
/*
 * test_pcap_rules_util.c - the rule-engine fixture of test_pcap_rules.h.
 */
#include <stdlib.h>
#include <string.h>

#include "test_pcap_rules.h"

static void sink(const struct rule_finding *r, void *arg)
{
	struct rfix *f = arg;

	if (f->n >= FX_MAX_FINDINGS)
		return;
	snprintf(f->id[f->n], sizeof(f->id[0]), "%s", r->rule->id);
	snprintf(f->seen[f->n], sizeof(f->seen[0]), "%s", r->seen);
	snprintf(f->expected[f->n], sizeof(f->expected[0]), "%s",
		 r->expected);
	f->n++;
}

void fx_init(struct rfix *f)
{
	memset(f, 0, sizeof(*f));
	f->conn.flow = &f->flow;
	f->conn.roles_known = true;
	f->conn.session = &f->sess;
	f->sess.nconns = 1;
	iscsi_params_defaults(&f->conn.params);
	f->rules = rules_new(sink, f);
	f->statsn = 100;
	f->cmdsn = 1;
}

void fx_free(struct rfix *f)
{
	rules_conn_end(f->rules, &f->conn);
	rules_free(f->rules);
}

void fx_send_wire(struct rfix *f, bool from_target, const uint8_t *wire,
		  size_t len)
{
	struct pcap_pdu p;
	char err[128];

	memset(&p, 0, sizeof(p));
	iscsi_pdu_init(&p.pdu);
	if (iscsi_pdu_decode(&p.pdu, wire, len, NULL, err, sizeof(err)) < 0)
		return;
	p.frame = ++f->frame;
	p.first_frame = p.frame;
	p.flow = &f->flow;
	p.conn = &f->conn;
	p.session = &f->sess;
	p.dir = from_target ? PCAP_DIR_T2I : PCAP_DIR_I2T;
	p.opcode = iscsi_bhs_opcode(&p.pdu.bhs);
	p.wire = wire;
	p.wire_len = len;
	rules_pdu(f->rules, &p);
	iscsi_pdu_release(&p.pdu);
}

void fx_send(struct rfix *f, bool from_target, struct iscsi_pdu *pdu)
{
	uint8_t *buf;
	size_t cap = iscsi_pdu_wire_len(pdu, NULL);
	char err[128];
	ssize_t n;

	buf = malloc(cap);
	if (!buf)
		return;
	n = iscsi_pdu_encode(pdu, NULL, buf, cap, err, sizeof(err));
	if (n > 0)
		fx_send_wire(f, from_target, buf, (size_t)n);
	free(buf);
	iscsi_pdu_release(pdu);
}

unsigned fx_count(const struct rfix *f, const char *id)
{
	unsigned c = 0;

	for (unsigned i = 0; i < f->n; i++)
		c += !strcmp(f->id[i], id);
	return c;
}

static int last_of(const struct rfix *f, const char *id)
{
	for (unsigned i = f->n; i-- > 0;)
		if (!strcmp(f->id[i], id))
			return (int)i;
	return -1;
}

const char *fx_seen(const struct rfix *f, const char *id)
{
	int i = last_of(f, id);

	return i < 0 ? "" : f->seen[i];
}

const char *fx_expected(const struct rfix *f, const char *id)
{
	int i = last_of(f, id);

	return i < 0 ? "" : f->expected[i];
}

void fx_pdu_data(struct iscsi_pdu *p, const char *text, size_t len)
{
	if (len)
		iscsi_pdu_set_data(p, text, len);
}

/* "k=v" strings into a NUL-separated text segment. */
void fx_text_keys(struct iscsi_pdu *p, const char *const *kv, size_t n)
{
	char buf[2048];
	size_t len = 0;

	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(kv[i]) + 1;

		if (len + l > sizeof(buf))
			break;
		memcpy(buf + len, kv[i], l);
		len += l;
	}
	fx_pdu_data(p, buf, len);
}

void fx_login(struct rfix *f)
{
	static const char *const req[] = {
		"InitiatorName=iqn.2026-11.org.example:init",
		"TargetName=iqn.2026-11.org.example:tgt",
		"SessionType=Normal",
		"MaxBurstLength=16384",
		"FirstBurstLength=8192",
		"InitialR2T=Yes",
		"ImmediateData=Yes",
		"MaxOutstandingR2T=1",
		"MaxRecvDataSegmentLength=8192",
	};
	static const char *const rsp[] = {
		"TargetPortalGroupTag=1",
		"MaxBurstLength=16384",
		"FirstBurstLength=8192",
		"InitialR2T=Yes",
		"ImmediateData=Yes",
		"MaxOutstandingR2T=1",
		"MaxRecvDataSegmentLength=8192",
	};
	struct iscsi_login_req_f q = {
		.transit = true, .csg = 1, .nsg = 3, .isid = 0x23d000001ull,
		.itt = 0x100, .cmdsn = 1, .exp_statsn = 0,
	};
	struct iscsi_login_rsp_f s = {
		.transit = true, .csg = 1, .nsg = 3, .isid = 0x23d000001ull,
		.tsih = 1, .itt = 0x100, .statsn = 100, .exp_cmdsn = 1,
		.max_cmdsn = 32,
	};
	struct iscsi_pdu p;

	iscsi_pdu_init(&p);
	iscsi_login_req_pack(&p.bhs, &q);
	fx_text_keys(&p, req, sizeof(req) / sizeof(req[0]));
	fx_send(f, false, &p);
	iscsi_pdu_init(&p);
	iscsi_login_rsp_pack(&p.bhs, &s);
	fx_text_keys(&p, rsp, sizeof(rsp) / sizeof(rsp[0]));
	fx_send(f, true, &p);
	f->conn.ffp = true;
	f->conn.login_seen = true;
	f->conn.params_known = true;
	f->conn.params.max_burst = 16384;
	f->conn.params.first_burst = 8192;
	f->conn.params.max_outstanding_r2t = 1;
	f->statsn = 101;
	f->cmdsn = 1;
}

void fx_cmd(struct rfix *f, uint32_t itt, bool rd, bool wr, uint32_t edtl,
	    uint32_t imm)
{
	struct iscsi_scsi_cmd_f c = {
		.final = true, .read = rd, .write = wr, .attr = 1, .itt = itt,
		.edtl = edtl, .cmdsn = f->cmdsn++, .exp_statsn = f->statsn,
		.cdb = {rd ? 0x28 : 0x2a},
	};
	struct iscsi_pdu p;
	uint8_t data[1024] = {0};

	iscsi_pdu_init(&p);
	iscsi_scsi_cmd_pack(&p.bhs, &c);
	if (imm)
		iscsi_pdu_set_data(&p, data, imm <= sizeof(data) ? imm : 1024);
	fx_send(f, false, &p);
}

static void window(struct rfix *f, uint32_t *exp, uint32_t *max)
{
	*exp = f->cmdsn;
	*max = f->cmdsn + 31;
}

void fx_data_in(struct rfix *f, uint32_t itt, uint32_t datasn, uint32_t off,
		uint32_t len, uint8_t flags)
{
	struct iscsi_data_in_f d = {
		.final = flags & ISCSI_DATA_IN_F, .ack = flags & ISCSI_DATA_IN_A,
		.status_present = flags & ISCSI_DATA_IN_S,
		.overflow = flags & ISCSI_DATA_IN_O,
		.underflow = flags & ISCSI_DATA_IN_U, .itt = itt,
		.ttt = ISCSI_RSVD_TAG, .datasn = datasn, .buffer_offset = off,
	};
	struct iscsi_pdu p;
	static uint8_t zero[65536];

	window(f, &d.exp_cmdsn, &d.max_cmdsn);
	if (d.status_present)
		d.statsn = f->statsn++;
	iscsi_pdu_init(&p);
	iscsi_data_in_pack(&p.bhs, &d);
	if (len)
		iscsi_pdu_set_data(&p, zero, len < sizeof(zero) ? len : 65536);
	fx_send(f, true, &p);
}

void fx_rsp(struct rfix *f, uint32_t itt, uint32_t expdatasn, uint8_t flags,
	    uint32_t residual)
{
	struct iscsi_scsi_rsp_f s = {
		.overflow = flags & ISCSI_SCSI_RSP_O,
		.underflow = flags & ISCSI_SCSI_RSP_U,
		.bidi_overflow = flags & ISCSI_SCSI_RSP_o,
		.bidi_underflow = flags & ISCSI_SCSI_RSP_u, .itt = itt,
		.statsn = f->statsn++, .exp_datasn = expdatasn,
		.residual = residual,
	};
	struct iscsi_pdu p;

	window(f, &s.exp_cmdsn, &s.max_cmdsn);
	iscsi_pdu_init(&p);
	iscsi_scsi_rsp_pack(&p.bhs, &s);
	fx_send(f, true, &p);
}

void fx_r2t(struct rfix *f, uint32_t itt, uint32_t ttt, uint32_t r2tsn,
	    uint32_t off, uint32_t len)
{
	struct iscsi_r2t_f r = {
		.itt = itt, .ttt = ttt, .statsn = f->statsn, .r2tsn = r2tsn,
		.buffer_offset = off, .desired_len = len,
	};
	struct iscsi_pdu p;

	window(f, &r.exp_cmdsn, &r.max_cmdsn);
	iscsi_pdu_init(&p);
	iscsi_r2t_pack(&p.bhs, &r);
	fx_send(f, true, &p);
}

void fx_data_out(struct rfix *f, uint32_t itt, uint32_t ttt,
		 uint32_t datasn, uint32_t off, uint32_t len, bool final)
{
	struct iscsi_data_out_f d = {
		.final = final, .itt = itt, .ttt = ttt,
		.exp_statsn = f->statsn, .datasn = datasn,
		.buffer_offset = off,
	};
	struct iscsi_pdu p;
	static uint8_t zero[65536];

	iscsi_pdu_init(&p);
	iscsi_data_out_pack(&p.bhs, &d);
	if (len)
		iscsi_pdu_set_data(&p, zero, len < sizeof(zero) ? len : 65536);
	fx_send(f, false, &p);
}
