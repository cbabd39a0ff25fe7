/* SPDX-License-Identifier: MIT */
/*
 * session.c - a session's connections and numbering, and the small
 * exchanges: NOP-Out ping, Logout, task management, SNACK.
 *
 * Numbering follows RFC 7143 §4.2.2: CmdSN counts non-immediate commands
 * session-wide (immediate ones carry the current CmdSN without advancing
 * it, §3.2.2.1); the target's ExpCmdSN/MaxCmdSN bound the window; StatSN
 * is per connection and acknowledged with ExpStatSN.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "engine_int.h"
#include "serial.h"

static uint64_t random_isid(void)
{
	struct iscsi_isid_parts p = {.t = ISCSI_ISID_RANDOM};
	uint8_t r[3] = {0x5a, 0x3c, 0x11};

	/* §11.12.5: type 10b, B and C random, D a qualifier */
	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
		r[0] ^= (uint8_t)cts_now_us();
	p.b = (uint16_t)(r[0] << 8 | r[1]);
	p.c = r[2];
	p.d = 1;
	return iscsi_isid_join(&p);
}

struct cts_session *cts_session_new(struct cts_ctx *ctx)
{
	struct cts_session *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->ctx = ctx;
	s->isid = random_isid();
	s->cmdsn = 1;
	s->next_itt = 1;
	s->next_cid = 1;
	iscsi_params_defaults(&s->mine);
	iscsi_params_defaults(&s->peer);
	iscsi_params_defaults(&s->agreed);
	iscsi_text_init(&s->login_tx);
	iscsi_text_init(&s->login_rx);
	return s;
}

void cts_session_free(struct cts_session *s)
{
	if (!s)
		return;
	while (s->nconns)
		cts_conn_free(s->conns[s->nconns - 1]);
	iscsi_text_free(&s->login_tx);
	iscsi_text_free(&s->login_rx);
	free(s);
}

int cts_session_attach(struct cts_session *s, struct cts_conn *c)
{
	if (s->nconns >= CTS_SESSION_CONNS_MAX) {
		cts_errf(s->err, sizeof(s->err), "more than %u connections",
			 CTS_SESSION_CONNS_MAX);
		return -1;
	}
	s->conns[s->nconns++] = c;
	c->sess = s;
	c->cid = s->next_cid++;
	return 0;
}

void cts_session_detach(struct cts_session *s, struct cts_conn *c)
{
	for (size_t i = 0; i < s->nconns; i++) {
		if (s->conns[i] != c)
			continue;
		memmove(&s->conns[i], &s->conns[i + 1],
			(s->nconns - i - 1) * sizeof(s->conns[0]));
		s->nconns--;
		break;
	}
	c->sess = NULL;
}

struct cts_conn *cts_session_conn(const struct cts_session *s)
{
	return s->nconns ? s->conns[0] : NULL;
}

struct cts_conn *cts_session_connect(struct cts_ctx *ctx,
				     struct cts_session *s,
				     const struct iscsi_url *u, int *err)
{
	struct cts_conn *c;
	char msg[256];
	int rc;

	if (!u && ctx)
		u = cts_target(ctx);
	if (!u) {
		cts_errf(s->err, sizeof(s->err), "no target URL");
		if (err)
			*err = CTS_IO_ERROR;
		return NULL;
	}
	c = cts_conn_open_host(ctx, u->host, u->port ? u->port : 3260, &rc,
			       msg, sizeof(msg));
	if (err)
		*err = rc;
	if (!c) {
		cts_errf(s->err, sizeof(s->err), "%s", msg);
		return NULL;
	}
	if (cts_session_attach(s, c) < 0) {
		cts_conn_free(c);
		if (err)
			*err = CTS_IO_ERROR;
		return NULL;
	}
	return c;
}

uint32_t cts_session_next_itt(struct cts_session *s)
{
	uint32_t itt = s->next_itt++;

	if (s->next_itt == ISCSI_RSVD_TAG)
		s->next_itt = 1;
	return itt;
}

bool cts_session_window_open(const struct cts_session *s)
{
	if (!s->window_known)
		return true;
	return iscsi_cmdsn_in_window(s->cmdsn, s->exp_cmdsn, s->max_cmdsn);
}

size_t cts_session_judged_count(const struct cts_session *s)
{
	return s->njudged;
}

const struct cts_judged *cts_session_judged(const struct cts_session *s,
					    size_t i)
{
	return i < s->njudged ? &s->judged[i] : NULL;
}

const struct cts_judged *cts_session_judged_find(const struct cts_session *s,
						 const char *key)
{
	for (size_t i = s->njudged; i-- > 0;)
		if (strcmp(s->judged[i].key, key) == 0)
			return &s->judged[i];
	return NULL;
}

/* Waits for the target to open the window (a NOP-In or a response
 * carrying a new MaxCmdSN); other PDUs are set aside. */
static int wait_window(struct cts_conn *c, uint64_t deadline)
{
	struct cts_session *s = c->sess;
	struct iscsi_pdu p;
	int rc = CTS_IO_OK;

	iscsi_pdu_init(&p);
	while (!cts_session_window_open(s)) {
		unsigned op;

		rc = cts_conn_recv_until(c, &p, deadline);
		if (rc) {
			cts_errf(c->err, sizeof(c->err),
				 "command window closed (CmdSN %u, ExpCmdSN "
				 "%u, MaxCmdSN %u): %s",
				 s->cmdsn, s->exp_cmdsn, s->max_cmdsn,
				 cts_io_str(rc));
			break;
		}
		op = iscsi_bhs_opcode(&p.bhs);
		if (op == ISCSI_OP_NOP_IN && c->auto_nop &&
		    iscsi_bhs_get32(&p.bhs, 20) != ISCSI_RSVD_TAG) {
			rc = cts_conn_answer_ping(c, &p);
			if (rc)
				break;
		}
		if (op == ISCSI_OP_NOP_IN &&
		    iscsi_bhs_itt(&p.bhs) == ISCSI_RSVD_TAG)
			continue;
		if (c->npending < CTS_PENDING_MAX) {
			struct iscsi_pdu *keep = malloc(sizeof(*keep));

			if (keep) {
				*keep = p;
				iscsi_pdu_init(&p);
				c->pending[c->npending++] = keep;
			}
		}
	}
	iscsi_pdu_release(&p);
	return rc;
}

int cts_conn_send_cmd(struct cts_conn *c, struct iscsi_pdu *pdu,
		      unsigned flags, uint32_t *cmdsn)
{
	struct cts_session *s = c->sess;
	bool imm = flags & CTS_CMD_IMMEDIATE;
	uint64_t deadline = cts_mono_ms() + cts_conn_budget(c, 0);
	int rc;

	if (imm)
		pdu->bhs.opcode |= ISCSI_OP_IMMEDIATE;
	else
		pdu->bhs.opcode &= (uint8_t)~ISCSI_OP_IMMEDIATE;
	if (!(flags & CTS_CMD_KEEP_SN)) {
		if (s && !imm && !(flags & CTS_CMD_OUT_OF_WINDOW)) {
			rc = wait_window(c, deadline);
			if (rc)
				return rc;
		}
		iscsi_bhs_put32(&pdu->bhs, 24, s ? s->cmdsn : 0);
		iscsi_bhs_put32(&pdu->bhs, 28, c->exp_statsn);
	}
	if (cmdsn)
		*cmdsn = iscsi_bhs_get32(&pdu->bhs, 24);
	rc = cts_conn_send_pdu(c, pdu);
	if (s && !imm && !(flags & CTS_CMD_KEEP_SN))
		s->cmdsn++;
	return rc;
}

/* Receives the response for itt; CTS_IO_ERROR unless its opcode is op. */
static int recv_reply(struct cts_conn *c, uint32_t itt, unsigned op,
		      struct iscsi_pdu *p)
{
	int rc = cts_conn_recv_for(c, itt, p, 0);

	if (rc)
		return rc;
	if (iscsi_bhs_opcode(&p->bhs) != op) {
		cts_errf(c->err, sizeof(c->err), "expected %s, got %s",
			 iscsi_opcode_name(op),
			 iscsi_opcode_name(iscsi_bhs_opcode(&p->bhs)));
		return CTS_IO_ERROR;
	}
	return CTS_IO_OK;
}

int cts_nop_ping(struct cts_ctx *ctx, struct cts_conn *c, const void *data,
		 size_t len, unsigned flags, struct cts_nop_result *r)
{
	struct iscsi_nop_out_f f;
	struct iscsi_pdu p;
	int rc;

	(void)ctx;
	memset(r, 0, sizeof(*r));
	memset(&f, 0, sizeof(f));
	/* §11.18: a ping has a valid ITT and TTT 0xffffffff */
	f.itt = r->itt = cts_conn_new_itt(c);
	f.ttt = ISCSI_RSVD_TAG;
	iscsi_pdu_init(&p);
	iscsi_nop_out_pack(&p.bhs, &f);
	if (len && iscsi_pdu_set_data(&p, data, len) < 0) {
		iscsi_pdu_release(&p);
		cts_errf(c->err, sizeof(c->err), "ping data too long");
		return CTS_IO_ERROR;
	}
	rc = cts_conn_send_cmd(c, &p, flags, &r->cmdsn);
	if (!rc)
		rc = recv_reply(c, r->itt, ISCSI_OP_NOP_IN, &p);
	if (!rc) {
		iscsi_nop_in_unpack(&p.bhs, &r->in);
		r->data_len = p.data_len;
		if (p.data_len) /* an empty echo has no data buffer */
			memcpy(r->data, p.data,
			       p.data_len < sizeof(r->data) ? p.data_len :
							      sizeof(r->data));
	}
	iscsi_pdu_release(&p);
	return rc;
}

int cts_logout(struct cts_ctx *ctx, struct cts_conn *c, uint8_t reason,
	       uint16_t cid, struct iscsi_logout_rsp_f *rsp)
{
	struct iscsi_logout_req_f f;
	struct iscsi_pdu p;
	int rc;

	(void)ctx;
	memset(&f, 0, sizeof(f));
	memset(rsp, 0, sizeof(*rsp));
	f.immediate = true;
	f.reason = reason;
	f.cid = cid;
	f.itt = cts_conn_new_itt(c);
	iscsi_pdu_init(&p);
	iscsi_logout_req_pack(&p.bhs, &f);
	rc = cts_conn_send_cmd(c, &p, CTS_CMD_IMMEDIATE, NULL);
	if (!rc)
		rc = recv_reply(c, f.itt, ISCSI_OP_LOGOUT_RSP, &p);
	if (!rc)
		iscsi_logout_rsp_unpack(&p.bhs, rsp);
	iscsi_pdu_release(&p);
	return rc;
}

int cts_tmf(struct cts_ctx *ctx, struct cts_conn *c,
	    const struct cts_tmf_req *req, struct iscsi_tmf_rsp_f *rsp)
{
	struct iscsi_tmf_req_f f;
	struct iscsi_pdu p;
	int rc;

	(void)ctx;
	memset(&f, 0, sizeof(f));
	memset(rsp, 0, sizeof(*rsp));
	f.function = req->function;
	if (iscsi_lun_encode(f.lun, req->lun) < 0) {
		cts_errf(c->err, sizeof(c->err), "LUN %u not encodable",
			 req->lun);
		return CTS_IO_ERROR;
	}
	f.itt = cts_conn_new_itt(c);
	f.ref_task_tag = req->ref_itt;
	f.ref_cmdsn = req->ref_cmdsn;
	f.exp_datasn = req->exp_datasn;
	iscsi_pdu_init(&p);
	iscsi_tmf_req_pack(&p.bhs, &f);
	rc = cts_conn_send_cmd(c, &p, req->flags, NULL);
	if (!rc)
		rc = recv_reply(c, f.itt, ISCSI_OP_TMF_RSP, &p);
	if (!rc)
		iscsi_tmf_rsp_unpack(&p.bhs, rsp);
	iscsi_pdu_release(&p);
	return rc;
}

int cts_snack(struct cts_ctx *ctx, struct cts_conn *c,
	      const struct iscsi_snack_f *f)
{
	struct iscsi_snack_f g = *f;
	struct iscsi_pdu p;
	int rc;

	(void)ctx;
	if (!g.exp_statsn)
		g.exp_statsn = c->exp_statsn;
	iscsi_pdu_init(&p);
	iscsi_snack_pack(&p.bhs, &g);
	rc = cts_conn_send_pdu(c, &p);
	iscsi_pdu_release(&p);
	return rc;
}
