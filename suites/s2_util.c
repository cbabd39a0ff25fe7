/* SPDX-License-Identifier: MIT */
/*
 * s2_util.c - helpers of the discovery, text and LUN 0 suites.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "s2_util.h"
#include "scsi.h"

/* ---- sessions ------------------------------------------------------------ */

static void session_free(void *arg)
{
	cts_session_free(arg);
}

struct cts_session *s2_login(struct cts_ctx *ctx, const struct iscsi_url *u,
			     bool discovery, uint32_t mrdsl)
{
	struct cts_login_opts o;
	struct cts_session *s = cts_session_new(ctx);
	int rc;

	if (!s) {
		cts_error(ctx, "out of memory for a session");
		return NULL;
	}
	cts_defer(ctx, session_free, s);
	memset(&o, 0, sizeof(o));
	o.url = u;
	o.discovery = discovery;
	o.max_recv_dsl = mrdsl;
	rc = cts_login(ctx, s, &o);
	if (rc) {
		cts_error(ctx, "%s login for the test failed (%d): %s",
			  discovery ? "discovery" : "normal", rc,
			  s->err[0] ? s->err : "no detail");
		return NULL;
	}
	return s;
}

const struct iscsi_url *s2_need_url(struct cts_ctx *ctx, const char *key)
{
	const struct cts_profile *p = cts_profile(ctx);
	const struct iscsi_url *u = NULL;

	if (p && strcmp(key, "url") == 0 && p->has_url)
		u = &p->url;
	else if (p && strcmp(key, "url2") == 0 && p->has_url2)
		u = &p->url2;
	else if (p && strcmp(key, "discovery_url") == 0 &&
		 p->has_discovery_url)
		u = &p->discovery_url;
	else if (p && strcmp(key, "nolun0_url") == 0 && p->has_nolun0_url)
		u = &p->nolun0_url;
	else if (p && strcmp(key, "mc_url") == 0 && p->has_mc_url)
		u = &p->mc_url;
	if (!u && strcmp(key, "url") == 0)
		u = cts_target(ctx);
	if (!u)
		cts_skip(ctx, "the profile has no %s", key);
	return u;
}

/* ---- Text ---------------------------------------------------------------- */

int s2_text_send(struct cts_conn *c, const struct s2_text_req *r)
{
	struct iscsi_text_req_f f;
	struct iscsi_pdu p;
	int rc;

	memset(&f, 0, sizeof(f));
	f.final = r->final;
	f.cont = r->cont;
	f.itt = r->itt;
	f.ttt = r->ttt;
	iscsi_pdu_init(&p);
	iscsi_text_req_pack(&p.bhs, &f);
	if (r->len && iscsi_pdu_set_data(&p, r->data, r->len) < 0) {
		iscsi_pdu_release(&p);
		return CTS_IO_ERROR;
	}
	rc = cts_conn_send_cmd(c, &p, 0, NULL);
	iscsi_pdu_release(&p);
	return rc;
}

void s2_reply_init(struct s2_reply *r)
{
	memset(r, 0, sizeof(*r));
	iscsi_pdu_init(&r->pdu);
}

void s2_reply_free(struct s2_reply *r)
{
	iscsi_pdu_release(&r->pdu);
}

int s2_text_recv(struct cts_conn *c, struct s2_reply *r, unsigned ms)
{
	r->opcode = CTS_ANY;
	r->io = cts_conn_recv_for(c, CTS_ANY, &r->pdu, ms);
	if (r->io)
		return r->io;
	r->opcode = iscsi_bhs_opcode(&r->pdu.bhs);
	if (r->opcode == ISCSI_OP_TEXT_RSP) {
		iscsi_text_rsp_unpack(&r->pdu.bhs, &r->rsp);
	} else if (r->opcode == ISCSI_OP_REJECT) {
		struct iscsi_reject_f rj;

		iscsi_reject_unpack(&r->pdu.bhs, &rj);
		r->reject_reason = rj.reason;
		r->rejected_itt = r->pdu.data_len >= 20 ?
					  iscsi_get32(r->pdu.data + 16) :
					  ISCSI_RSVD_TAG;
	}
	return CTS_IO_OK;
}

void s2_reply_str(const struct s2_reply *r, char *buf, size_t len)
{
	if (r->io == CTS_IO_TIMEOUT)
		snprintf(buf, len, "no PDU within the time allowed");
	else if (r->io == CTS_IO_CLOSED || r->io == CTS_IO_RESET)
		snprintf(buf, len, "connection %s", cts_io_str(r->io));
	else if (r->io)
		snprintf(buf, len, "receive error (%s)", cts_io_str(r->io));
	else if (r->opcode == ISCSI_OP_TEXT_RSP)
		snprintf(buf, len,
			 "Text Response F=%d C=%d ITT 0x%08x TTT 0x%08x, %zu "
			 "data bytes",
			 r->rsp.final, r->rsp.cont, r->rsp.itt, r->rsp.ttt,
			 r->pdu.data_len);
	else if (r->opcode == ISCSI_OP_REJECT)
		snprintf(buf, len, "Reject reason 0x%02x", r->reject_reason);
	else
		snprintf(buf, len, "%s", iscsi_opcode_name(r->opcode));
}

uint8_t *s2_text_bytes(const struct iscsi_text *t, size_t *len)
{
	size_t n = iscsi_text_len(t);
	uint8_t *b = malloc(n ? n : 1);

	if (b && iscsi_text_serialize(t, b, n) < 0) {
		free(b);
		b = NULL;
	}
	*len = n;
	return b;
}

int s2_text_pad(struct iscsi_text *t, const char *tag, size_t n, size_t vlen)
{
	char key[ISCSI_KEY_NAME_MAX + 1], val[ISCSI_VALUE_MAX + 1];

	if (vlen == 0 || vlen > ISCSI_VALUE_MAX)
		return -1;
	memset(val, 'v', vlen);
	val[vlen] = '\0';
	for (size_t i = 0; i < n; i++) {
		snprintf(key, sizeof(key), "X-org.iscsi-cts.%s%04zu", tag, i);
		if (iscsi_text_add(t, key, val) < 0)
			return -1;
	}
	return 0;
}

/* ---- SendTargets ------------------------------------------------------------ */

static int parse_dec(const char *s, size_t n, unsigned max, unsigned *out)
{
	unsigned v = 0;

	if (n == 0 || n > 5)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v > max)
		return -1;
	*out = v;
	return 0;
}

/* §13.8: TargetAddress=domainname[:port][,portal-group-tag], the
 * domainname a DNS host name, a dotted-decimal IPv4 address or a
 * bracketed IPv6 address. */
int s2_addr_parse(const char *v, struct s2_addr *a, char *err, size_t len)
{
	const char *comma = strrchr(v, ','), *end, *colon;
	size_t hl;

	memset(a, 0, sizeof(*a));
	end = comma ? comma : v + strlen(v);
	if (comma) {
		if (parse_dec(comma + 1, strlen(comma + 1), 65535, &a->tpgt)) {
			snprintf(err, len, "portal group tag '%s' is not a "
				 "16-bit decimal", comma + 1);
			return -1;
		}
		a->has_tpgt = true;
	}
	if (v[0] == '[') {
		const char *rb = memchr(v, ']', (size_t)(end - v));

		if (!rb) {
			snprintf(err, len, "'[' without ']'");
			return -1;
		}
		hl = (size_t)(rb - v - 1);
		a->bracketed = true;
		memcpy(a->host, v + 1, hl < sizeof(a->host) ? hl : 0);
		colon = rb + 1 < end ? rb + 1 : NULL;
		if (colon && *colon != ':') {
			snprintf(err, len, "junk after ']'");
			return -1;
		}
	} else {
		colon = memchr(v, ':', (size_t)(end - v));
		hl = (size_t)((colon ? colon : end) - v);
		if (colon && memchr(colon + 1, ':', (size_t)(end - colon - 1))) {
			snprintf(err, len, "IPv6 address not in brackets");
			return -1;
		}
		memcpy(a->host, v, hl < sizeof(a->host) ? hl : 0);
	}
	if (a->host[0] == '\0') {
		snprintf(err, len, "no host");
		return -1;
	}
	if (colon) {
		if (parse_dec(colon + 1, (size_t)(end - colon - 1), 65535,
			      &a->port) || a->port == 0) {
			snprintf(err, len, "port is not a decimal 1..65535");
			return -1;
		}
		a->has_port = true;
	}
	return 0;
}

const struct cts_target_rec *s2_rec_find(const struct cts_target_rec *recs,
					 size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(recs[i].name, name) == 0)
			return &recs[i];
	return NULL;
}

/* ---- SCSI ------------------------------------------------------------------ */

int s2_scsi(struct cts_ctx *ctx, struct cts_conn *c, uint32_t lun,
	    const uint8_t *raw, const uint8_t *cdb, size_t cdb_len,
	    uint32_t edtl, uint8_t *buf, struct cts_scsi_result *r)
{
	struct cts_mutation m;
	uint8_t key = 0, asc, ascq;
	int rc = CTS_IO_OK;

	if (raw) {
		memset(&m, 0, sizeof(m));
		m.opcode = ISCSI_OP_SCSI_CMD;
		m.field = "bhs.lun";
		m.op = CTS_MUT_SET;
		m.value = iscsi_get64(raw);
		if (cts_conn_mutate(c, &m) < 0)
			return CTS_IO_ERROR;
	}
	/* SAM-5 §5.14: a new I_T nexus may first see a unit attention */
	for (unsigned i = 0; i < 4; i++) {
		rc = cts_scsi_cmd(ctx, c, lun, cdb, cdb_len, edtl, NULL, buf,
				  NULL, r);
		if (rc || !r->got_status ||
		    r->status != SCSI_STATUS_CHECK_CONDITION ||
		    !s2_sense(r, &key, &asc, &ascq) ||
		    key != SCSI_SK_UNIT_ATTENTION)
			break;
	}
	if (raw)
		cts_conn_mutations_clear(c);
	return rc;
}

bool s2_sense(const struct cts_scsi_result *r, uint8_t *key, uint8_t *asc,
	      uint8_t *ascq)
{
	struct scsi_sense s;
	char err[64];

	if (!r->sense_len ||
	    scsi_sense_parse(r->sense, r->sense_len, &s, err, sizeof(err)) < 0)
		return false;
	*key = s.key;
	*asc = s.asc;
	*ascq = s.ascq;
	return true;
}

void s2_status_str(const struct cts_scsi_result *r, char *buf, size_t len)
{
	uint8_t key, asc, ascq;

	if (r->rejected)
		snprintf(buf, len, "an iSCSI Reject (reason 0x%02x)",
			 r->reject_reason);
	else if (r->io)
		snprintf(buf, len, "%s", cts_io_str(r->io));
	else if (!r->got_status)
		snprintf(buf, len, "no status");
	else if (r->response != 0)
		snprintf(buf, len, "iSCSI response 0x%02x", r->response);
	else if (r->status == SCSI_STATUS_GOOD)
		snprintf(buf, len, "GOOD");
	else if (s2_sense(r, &key, &asc, &ascq))
		snprintf(buf, len, "status 0x%02x sense %xh/%02xh/%02xh",
			 r->status, key, asc, ascq);
	else
		snprintf(buf, len, "status 0x%02x without sense", r->status);
}

uint32_t s2_unmapped_lun(const struct cts_profile *p)
{
	/* the first number the profile does not list, from 2 up: low LUNs
	 * keep the peripheral device addressing form (SAM-5 §4.7) */
	for (uint32_t lun = 2; lun < 256; lun++)
		if (!p || !cts_profile_has_lun(p, lun))
			return lun;
	return 255;
}

/* ---- a Text exchange piece by piece ---------------------------------------- */

void s2_collect_init(struct s2_collect *x)
{
	memset(x, 0, sizeof(*x));
	s2_reply_init(&x->last);
}

void s2_collect_free(struct s2_collect *x)
{
	free(x->data);
	x->data = NULL;
	s2_reply_free(&x->last);
}

/* Appends one Text Response to x. */
static int collect_piece(struct s2_collect *x, char *why, size_t whylen)
{
	const struct iscsi_pdu *p = &x->last.pdu;
	uint8_t *nd;

	if (x->n >= S2_PIECES_MAX) {
		snprintf(why, whylen, "more than %u Text Responses",
			 S2_PIECES_MAX);
		return -1;
	}
	x->p[x->n].f = x->last.rsp;
	x->p[x->n].len = p->data_len;
	x->p[x->n].ends_nul = p->data_len && p->data[p->data_len - 1] == 0;
	x->n++;
	if (!p->data_len)
		return 0;
	nd = realloc(x->data, x->len + p->data_len);
	if (!nd) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	memcpy(nd + x->len, p->data, p->data_len);
	x->data = nd;
	x->len += p->data_len;
	return 0;
}

int s2_collect_more(struct cts_conn *c, unsigned max_rounds,
		    struct s2_collect *x, char *why, size_t whylen)
{
	char seen[160];

	for (unsigned round = 0;; round++) {
		struct s2_text_req req;

		s2_reply_free(&x->last);
		s2_reply_init(&x->last);
		s2_text_recv(c, &x->last, 0);
		if (x->last.io || x->last.opcode != ISCSI_OP_TEXT_RSP) {
			s2_reply_str(&x->last, seen, sizeof(seen));
			snprintf(why, whylen, "%s", seen);
			return -1;
		}
		if (collect_piece(x, why, whylen) < 0)
			return -1;
		if (x->last.rsp.final)
			return 0;
		if (round + 1 >= max_rounds) {
			snprintf(why, whylen, "still F=0 after %u Text "
				 "Responses", round + 1);
			return -1;
		}
		/* §11.10.4: copy the TTT to ask for the rest */
		memset(&req, 0, sizeof(req));
		req.itt = x->itt;
		req.ttt = x->last.rsp.ttt;
		req.final = true;
		if (s2_text_send(c, &req)) {
			snprintf(why, whylen, "sending the continuation: %s",
				 cts_conn_error(c));
			return -1;
		}
	}
}

int s2_text_collect(struct cts_conn *c, const void *data, size_t len,
		    unsigned max_rounds, struct s2_collect *x, char *why,
		    size_t whylen)
{
	struct s2_text_req req;

	memset(&req, 0, sizeof(req));
	req.itt = x->itt = cts_session_next_itt(c->sess);
	req.ttt = ISCSI_RSVD_TAG;
	req.final = true;
	req.data = data;
	req.len = len;
	if (s2_text_send(c, &req)) {
		snprintf(why, whylen, "sending the Text Request: %s",
			 cts_conn_error(c));
		return -1;
	}
	return s2_collect_more(c, max_rounds, x, why, whylen);
}

int s2_collect_text(const struct s2_collect *x, struct iscsi_text *t,
		    char *why, size_t whylen)
{
	return iscsi_text_parse(t, x->data, x->len, why, whylen) < 0 ? -1 : 0;
}
