/* SPDX-License-Identifier: MIT */
/*
 * htext.c - Text Request/Response in full feature phase (RFC 7143 §11.10,
 * §11.11) with continuation both ways, and SendTargets (§13.3, App. C).
 */
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"

#define TEXT_ROUNDS_MAX 1024u
#define TEXT_ACCUM_LIMIT (4u * 1024u * 1024u)
#define SENDTARGETS_MAX 4096u

/* The largest data segment the target accepts from us (§13.12). */
static size_t target_mrdsl(const struct cts_conn *c)
{
	uint32_t v = c->sess ? c->sess->agreed.max_recv_dsl_target : 0;

	return v ? v : ISCSI_TEXT_MIN_SUPPORT;
}

static int send_text(struct cts_conn *c, uint32_t itt, uint32_t ttt,
		     bool final, bool cont, const uint8_t *data, size_t len,
		     unsigned flags)
{
	struct iscsi_text_req_f f;
	struct iscsi_pdu p;
	int rc;

	memset(&f, 0, sizeof(f));
	f.final = final;
	f.cont = cont;
	f.itt = itt;
	f.ttt = ttt;
	iscsi_pdu_init(&p);
	iscsi_text_req_pack(&p.bhs, &f);
	if (len && iscsi_pdu_set_data(&p, data, len) < 0) {
		iscsi_pdu_release(&p);
		cts_errf(c->err, sizeof(c->err), "text segment too long");
		return CTS_IO_ERROR;
	}
	rc = cts_conn_send_cmd(c, &p, flags, NULL);
	iscsi_pdu_release(&p);
	return rc;
}

/* One response for itt: its fields, data appended to acc. */
static int recv_text(struct cts_conn *c, uint32_t itt,
		     struct iscsi_text_accum *acc, struct cts_text_result *r)
{
	struct iscsi_pdu p;
	char err[128];
	int rc;

	iscsi_pdu_init(&p);
	rc = cts_conn_recv_for(c, itt, &p, 0);
	if (rc)
		goto out;
	if (iscsi_bhs_opcode(&p.bhs) == ISCSI_OP_REJECT) {
		struct iscsi_reject_f rj;

		iscsi_reject_unpack(&p.bhs, &rj);
		r->rejected = true;
		r->reject_reason = rj.reason;
		cts_errf(c->err, sizeof(c->err), "Text Request rejected (0x%x)",
			 rj.reason);
		rc = CTS_IO_ERROR;
		goto out;
	}
	if (iscsi_bhs_opcode(&p.bhs) != ISCSI_OP_TEXT_RSP) {
		cts_errf(c->err, sizeof(c->err), "expected Text Response, got %s",
			 iscsi_opcode_name(iscsi_bhs_opcode(&p.bhs)));
		rc = CTS_IO_ERROR;
		goto out;
	}
	iscsi_text_rsp_unpack(&p.bhs, &r->last);
	r->npdus++;
	if (acc && iscsi_text_accum_add(acc, p.data, p.data_len, err,
					sizeof(err)) < 0) {
		cts_errf(c->err, sizeof(c->err), "Text Response: %s", err);
		rc = CTS_IO_ERROR;
	}
out:
	iscsi_pdu_release(&p);
	return rc;
}

int cts_text_exchange(struct cts_ctx *ctx, struct cts_conn *c,
		      const struct iscsi_text *req, unsigned flags,
		      struct iscsi_text *rsp, struct cts_text_result *r)
{
	struct iscsi_text_accum acc;
	size_t len = iscsi_text_len(req), max = target_mrdsl(c), off = 0;
	uint32_t itt = cts_conn_new_itt(c), ttt = ISCSI_RSVD_TAG;
	uint8_t *buf;
	char err[128];
	int rc = CTS_IO_OK;

	(void)ctx;
	memset(r, 0, sizeof(*r));
	buf = malloc(len ? len : 1);
	if (!buf || iscsi_text_serialize(req, buf, len) < 0) {
		free(buf);
		cts_errf(c->err, sizeof(c->err), "out of memory");
		return CTS_IO_ERROR;
	}
	iscsi_text_accum_init(&acc, TEXT_ACCUM_LIMIT);
	/* §11.10.2: a request longer than the target accepts goes in C=1
	 * pieces, each answered by an empty response carrying a TTT */
	do {
		size_t n = len - off < max ? len - off : max;
		bool last = off + n == len;

		rc = send_text(c, itt, ttt, last, !last, buf + off, n, flags);
		off += n;
		if (!rc && !last) {
			rc = recv_text(c, itt, NULL, r);
			ttt = r->last.ttt;
		}
	} while (!rc && off < len);
	/* §11.11: while the target answers F=0, ask for more with its TTT */
	for (unsigned round = 0; !rc; round++) {
		rc = recv_text(c, itt, &acc, r);
		if (rc || r->last.final)
			break;
		if (round >= TEXT_ROUNDS_MAX) {
			cts_errf(c->err, sizeof(c->err),
				 "Text Response still F=0 after %u PDUs",
				 round);
			rc = CTS_IO_ERROR;
			break;
		}
		rc = send_text(c, itt, r->last.ttt, true, false, NULL, 0,
			       flags);
	}
	if (!rc && iscsi_text_accum_finish(&acc, rsp, err, sizeof(err)) < 0) {
		cts_errf(c->err, sizeof(c->err), "Text Response: %s", err);
		rc = CTS_IO_ERROR;
	}
	iscsi_text_accum_free(&acc);
	free(buf);
	return rc;
}

int cts_sendtargets(struct cts_ctx *ctx, struct cts_session *s,
		    const char *what, struct cts_target_rec **out, size_t *n)
{
	struct cts_conn *c = cts_session_conn(s);
	struct iscsi_text req, rsp;
	struct cts_text_result r;
	struct cts_target_rec *recs = NULL, *cur = NULL;
	size_t nrec = 0, cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!c) {
		cts_errf(s->err, sizeof(s->err), "session has no connection");
		return CTS_IO_ERROR;
	}
	iscsi_text_init(&req);
	iscsi_text_init(&rsp);
	if (iscsi_text_add(&req, "SendTargets", what ? what : "All") < 0) {
		rc = CTS_IO_ERROR;
		goto out;
	}
	rc = cts_text_exchange(ctx, c, &req, 0, &rsp, &r);
	if (rc) {
		cts_errf(s->err, sizeof(s->err), "%s", c->err);
		goto out;
	}
	for (size_t i = 0; i < rsp.n && nrec < SENDTARGETS_MAX; i++) {
		const struct iscsi_kv *kv = &rsp.kv[i];

		if (strcmp(kv->key, "TargetName") == 0) {
			if (nrec == cap) {
				size_t nc = cap ? cap * 2 : 8;
				struct cts_target_rec *nr =
					realloc(recs, nc * sizeof(*nr));

				if (!nr) {
					rc = CTS_IO_ERROR;
					goto out;
				}
				recs = nr;
				cap = nc;
			}
			cur = &recs[nrec++];
			memset(cur, 0, sizeof(*cur));
			snprintf(cur->name, sizeof(cur->name), "%s", kv->value);
		} else if (strcmp(kv->key, "TargetAddress") == 0) {
			/* Appendix C: addresses follow their TargetName */
			if (!cur) {
				cts_errf(s->err, sizeof(s->err),
					 "TargetAddress before any TargetName");
				rc = CTS_IO_ERROR;
				goto out;
			}
			if (cur->naddr < CTS_ADDRS_MAX)
				snprintf(cur->addr[cur->naddr++],
					 sizeof(cur->addr[0]), "%s",
					 kv->value);
		}
	}
	*out = recs;
	*n = nrec;
	recs = NULL;
out:
	free(recs);
	iscsi_text_free(&req);
	iscsi_text_free(&rsp);
	return rc;
}
