/* SPDX-License-Identifier: MIT */
/*
 * decode.c - a framed PDU becomes a struct pcap_pdu (segments pointing
 * into the capture, digests verified), the connection's state and task
 * table are updated around the consumer's callback, and the lazy
 * accessors (keys, CDB, sense) are answered.
 */
#include <stdlib.h>
#include <string.h>

#include "analyzer_int.h"
#include "codec.h"
#include "crc32c.h"

static enum pcap_dir dir_of(unsigned op)
{
	return iscsi_opcode_is_initiator(op) ? PCAP_DIR_I2T : PCAP_DIR_T2I;
}

/* Segments in place, digests checked (§11.1 layout). */
static void fill_segments(struct pcap_pdu *p, const uint8_t *w, size_t len,
			  const struct iscsi_digests *dg)
{
	size_t ahs = (size_t)w[4] * 4, off = ISCSI_BHS_LEN + ahs;
	uint32_t dsl = iscsi_get24(w + 5);
	size_t pad = iscsi_pad_len(dsl);

	memcpy(&p->pdu.bhs, w, ISCSI_BHS_LEN);
	p->pdu.ahs = ahs ? (uint8_t *)(uintptr_t)(w + ISCSI_BHS_LEN) : NULL;
	p->pdu.ahs_len = ahs;
	if (dg->header && off + ISCSI_DIGEST_LEN <= len) {
		p->pdu.hdigest_present = true;
		p->pdu.hdigest = iscsi_digest_get(w + off);
		p->pdu.hdigest_ok = iscsi_crc32c(w, off) == p->pdu.hdigest;
		off += ISCSI_DIGEST_LEN;
	}
	if (dsl && off + dsl <= len) {
		p->pdu.data = (uint8_t *)(uintptr_t)(w + off);
		p->pdu.data_len = dsl;
		if (dg->data && off + dsl + pad + ISCSI_DIGEST_LEN <= len) {
			p->pdu.ddigest_present = true;
			p->pdu.ddigest = iscsi_digest_get(w + off + dsl + pad);
			p->pdu.ddigest_ok = iscsi_crc32c(w + off, dsl + pad) ==
					    p->pdu.ddigest;
		}
	}
}

/* ---- text of Login and Text PDUs (continued with the C bit) ---------- */

static void gather_text(struct pcap_analyzer *a, struct flow *f, int k,
			struct pcap_pdu *p)
{
	struct half *h = &f->h[k];
	bool cont = p->pdu.bhs.flags & ISCSI_TEXT_C; /* same bit in Login */
	char err[128];

	if (!cont && h->text.len == 0) {
		p->cache->text = p->pdu.data;
		p->cache->text_len = p->pdu.data_len;
		if (!p->cache->text)
			p->cache->text = (const uint8_t *)"";
		return;
	}
	if (iscsi_text_accum_add(&h->text, p->pdu.data, p->pdu.data_len, err,
				 sizeof(err)) < 0) {
		an_error(a, f, k, PCAP_ERR_LIMIT, "continued text: %s", err);
		iscsi_text_accum_reset(&h->text);
		return;
	}
	if (!cont) {
		p->cache->text = h->text.buf ? h->text.buf
					     : (const uint8_t *)"";
		p->cache->text_len = h->text.len;
	}
}

static int key_index(const struct iscsi_key_def *kd)
{
	size_t n = iscsi_key_count();

	for (size_t i = 0; i < n && i < 128; i++)
		if (iscsi_key_at(i) == kd)
			return (int)i;
	return -1;
}

/* Fold the keys of a Login/Text PDU into the connection's parameters:
 * declarations at once, negotiated keys when the answer comes (§6.2). */
static void apply_keys(struct flow *f, const struct iscsi_text *t,
		       bool from_initiator)
{
	uint64_t *mine = from_initiator ? f->offers.by_initiator
					: f->offers.by_target;
	uint64_t *peer = from_initiator ? f->offers.by_target
					: f->offers.by_initiator;
	char err[128];

	for (size_t i = 0; i < t->n; i++) {
		const struct iscsi_key_def *kd = iscsi_key_find(t->kv[i].key);
		int idx;
		uint64_t bit;

		if (!kd)
			continue;
		if (strcmp(kd->name, "SessionType") == 0 && from_initiator)
			f->conn.discovery =
				strcmp(t->kv[i].value, "Discovery") == 0;
		idx = key_index(kd);
		if (idx < 0)
			continue;
		bit = UINT64_C(1) << (idx & 63);
		if ((kd->flags & ISCSI_KF_DECLARATIVE) || (peer[idx / 64] & bit))
			iscsi_params_apply(&f->conn.params, t->kv[i].key,
					   t->kv[i].value, from_initiator, err,
					   sizeof(err));
		else
			mine[idx / 64] |= bit;
	}
}

static const struct iscsi_text *keys_of(struct pcap_pdu *p)
{
	return pcap_pdu_keys(p);
}

/* ---- sessions ------------------------------------------------------------- */

static struct sess *session_find(struct pcap_analyzer *a, uint64_t isid,
				 uint16_t tsih)
{
	for (struct sess *s = a->sessions; s; s = s->next)
		if (s->pub.isid == isid && s->pub.tsih == tsih)
			return s;
	return NULL;
}

static struct sess *session_get(struct pcap_analyzer *a, uint64_t isid,
				uint16_t tsih)
{
	struct sess *s = session_find(a, isid, tsih);

	if (s)
		return s;
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->pub.id = a->next_session_id++;
	s->pub.isid = isid;
	s->pub.tsih = tsih;
	iscsi_params_defaults(&s->pub.params);
	s->next = a->sessions;
	a->sessions = s;
	return s;
}

void session_detach(struct pcap_analyzer *a, struct flow *f)
{
	struct pcap_session *ps = f->conn.session;
	struct sess **pp;

	if (!ps)
		return;
	f->conn.session = NULL;
	if (ps->nconns && --ps->nconns)
		return;
	for (pp = &a->sessions; *pp; pp = &(*pp)->next) {
		if (&(*pp)->pub == ps) {
			struct sess *s = *pp;

			*pp = s->next;
			free(s);
			return;
		}
	}
}

void sessions_free_all(struct pcap_analyzer *a)
{
	while (a->sessions) {
		struct sess *s = a->sessions;

		a->sessions = s->next;
		free(s);
	}
}

/* ---- login (§6.3, §11.12, §11.13) --------------------------------------- */

static void login_req(struct flow *f, struct pcap_pdu *p)
{
	const uint8_t *w = (const uint8_t *)&p->pdu.bhs;
	struct pcap_conn *c = &f->conn;

	if (!c->login_seen || c->ffp) {
		/* a new login on this connection */
		c->login_seen = true;
		c->ffp = false;
		c->params_known = false;
		memset(&f->offers, 0, sizeof(f->offers));
		iscsi_params_defaults(&c->params);
		f->login_isid = iscsi_get48(w + 8);
		f->leading = iscsi_get16(w + 14) == 0;
		c->cid = iscsi_get16(w + 20);
	}
}

static void login_rsp(struct pcap_analyzer *a, struct flow *f,
		      struct pcap_pdu *p)
{
	const uint8_t *w = (const uint8_t *)&p->pdu.bhs;
	struct pcap_conn *c = &f->conn;
	struct sess *s;
	uint16_t tsih = iscsi_get16(w + 14);

	if (w[36] != 0 || !(w[1] & ISCSI_LOGIN_T) ||
	    (w[1] & ISCSI_LOGIN_NSG_MASK) != ISCSI_STAGE_FFP)
		return;
	/* final response: full feature phase from the next PDU (§6.3) */
	c->ffp = true;
	c->params_known = c->login_seen;
	c->dg[PCAP_DIR_I2T].header = c->dg[PCAP_DIR_T2I].header =
		c->params.header_digest;
	c->dg[PCAP_DIR_I2T].data = c->dg[PCAP_DIR_T2I].data =
		c->params.data_digest;
	c->dg_source = PCAP_DG_LOGIN;
	for (int k = 0; k < 2; k++)
		iscsi_framer_set_digests(&f->h[k].fr, &c->dg[half_dir(f, k)]);
	memset(&f->offers, 0, sizeof(f->offers));
	session_detach(a, f);
	s = session_get(a, f->login_isid ? f->login_isid : iscsi_get48(w + 8),
			tsih);
	if (!s)
		return;
	s->pub.nconns++;
	c->session = &s->pub;
	if (f->leading || !s->pub.params_known) {
		s->pub.params = c->params;
		s->pub.params_known = c->params_known;
		s->pub.discovery = c->discovery;
	}
	p->session = c->session;
}

/* ---- tasks -------------------------------------------------------------- */

static void task_open(struct pcap_analyzer *a, struct flow *f,
		      struct pcap_pdu *p, enum pcap_task_kind kind)
{
	const uint8_t *w = (const uint8_t *)&p->pdu.bhs;
	struct pcap_task *t;
	uint32_t itt = iscsi_get32(w + 16);
	bool dup;

	if ((kind == PCAP_TASK_TEXT || kind == PCAP_TASK_LOGIN) &&
	    (t = tasks_find(&f->tasks, itt))) {
		p->task = t; /* a continued exchange */
		return;
	}
	t = tasks_open(&f->tasks, itt, a->o.max_tasks_per_conn, &dup);
	if (!t) {
		f->conn.tasks_dropped++;
		return;
	}
	t->kind = kind;
	memcpy(t->lun, w + 8, 8);
	t->cmdsn = iscsi_get32(w + 24);
	t->immediate = w[0] & ISCSI_OP_IMMEDIATE;
	t->cmd_frame = p->frame;
	t->cmd_ts_ns = p->ts_ns;
	if (kind == PCAP_TASK_SCSI) {
		memcpy(t->cdb, w + 32, 16);
		t->read = w[1] & ISCSI_SCSI_CMD_R;
		t->write = w[1] & ISCSI_SCSI_CMD_W;
		t->edtl = iscsi_get32(w + 20);
	}
	p->task = t;
	p->task_new = true;
	p->task_dup = dup;
	f->conn.tasks_open = f->tasks.n;
}

static void task_done(struct pcap_pdu *p, uint8_t status, uint8_t response)
{
	struct pcap_task *t = p->task;

	if (!t)
		return;
	t->done = true;
	t->rsp_frame = p->frame;
	t->rsp_ts_ns = p->ts_ns;
	t->latency_ns = p->ts_ns - t->cmd_ts_ns;
	t->status = status;
	t->response = response;
}

static void track_before(struct pcap_analyzer *a, struct flow *f,
			 struct pcap_pdu *p)
{
	const uint8_t *w = (const uint8_t *)&p->pdu.bhs;
	uint32_t itt = iscsi_get32(w + 16);

	switch (p->opcode) {
	case ISCSI_OP_SCSI_CMD:
		task_open(a, f, p, PCAP_TASK_SCSI);
		break;
	case ISCSI_OP_TMF_REQ:
		task_open(a, f, p, PCAP_TASK_TMF);
		break;
	case ISCSI_OP_TEXT_REQ:
		task_open(a, f, p, PCAP_TASK_TEXT);
		break;
	case ISCSI_OP_LOGIN_REQ:
		login_req(f, p);
		task_open(a, f, p, PCAP_TASK_LOGIN);
		break;
	case ISCSI_OP_LOGOUT_REQ:
		task_open(a, f, p, PCAP_TASK_LOGOUT);
		break;
	case ISCSI_OP_NOP_OUT:
		if (itt != ISCSI_RSVD_TAG)
			task_open(a, f, p, PCAP_TASK_NOP);
		break;
	case ISCSI_OP_DATA_OUT:
	case ISCSI_OP_R2T:
	case ISCSI_OP_SNACK_REQ:
		p->task = tasks_find(&f->tasks, itt);
		break;
	case ISCSI_OP_DATA_IN:
		p->task = tasks_find(&f->tasks, itt);
		if (w[1] & 0x01u) /* S: status in the last Data-In (§11.7.2) */
			task_done(p, w[3], 0);
		break;
	case ISCSI_OP_SCSI_RSP:
		p->task = tasks_find(&f->tasks, itt);
		task_done(p, w[3], w[2]);
		break;
	case ISCSI_OP_TMF_RSP:
	case ISCSI_OP_LOGOUT_RSP:
		p->task = tasks_find(&f->tasks, itt);
		task_done(p, 0, w[2]);
		break;
	case ISCSI_OP_NOP_IN:
		if (itt != ISCSI_RSVD_TAG) {
			p->task = tasks_find(&f->tasks, itt);
			task_done(p, 0, 0);
		}
		break;
	case ISCSI_OP_TEXT_RSP:
		p->task = tasks_find(&f->tasks, itt);
		if ((w[1] & ISCSI_TEXT_F) && !(w[1] & ISCSI_TEXT_C))
			task_done(p, 0, 0);
		break;
	case ISCSI_OP_LOGIN_RSP:
		p->task = tasks_find(&f->tasks, itt);
		if (w[36] != 0 || ((w[1] & ISCSI_LOGIN_T) &&
				   (w[1] & ISCSI_LOGIN_NSG_MASK) ==
					   ISCSI_STAGE_FFP))
			task_done(p, 0, w[36]);
		break;
	default:
		break;
	}
	if ((p->opcode == ISCSI_OP_LOGIN_REQ || p->opcode == ISCSI_OP_LOGIN_RSP ||
	     p->opcode == ISCSI_OP_TEXT_REQ || p->opcode == ISCSI_OP_TEXT_RSP) &&
	    p->cache->text) {
		const struct iscsi_text *t = keys_of(p);

		if (t)
			apply_keys(f, t, p->dir == PCAP_DIR_I2T);
	}
	if (p->opcode == ISCSI_OP_LOGIN_RSP)
		login_rsp(a, f, p);
}

/* Progress counters move after the callback (see struct pcap_task). */
static void track_after(struct flow *f, struct pcap_pdu *p)
{
	const uint8_t *w = (const uint8_t *)&p->pdu.bhs;
	struct pcap_task *t = p->task;

	if (!t)
		return;
	switch (p->opcode) {
	case ISCSI_OP_DATA_IN:
		t->data_in_pdus++;
		t->data_in_bytes += p->pdu.data_len;
		t->next_datasn_in = iscsi_get32(w + 36) + 1;
		break;
	case ISCSI_OP_DATA_OUT:
		t->data_out_pdus++;
		t->data_out_bytes += p->pdu.data_len;
		break;
	case ISCSI_OP_R2T:
		t->r2ts++;
		t->next_r2tsn = iscsi_get32(w + 36) + 1;
		break;
	default:
		break;
	}
	if (t->done) {
		tasks_close(&f->tasks, t);
		f->conn.tasks_open = f->tasks.n;
	}
}

void decode_pdu(struct pcap_analyzer *a, struct flow *f, int k,
		const uint8_t *wire, size_t len,
		const struct iscsi_digests *dg)
{
	struct half *h = &f->h[k];
	struct pcap_pdu_cache cache;
	struct pcap_event ev;
	struct pcap_pdu p;

	memset(&p, 0, sizeof(p));
	cache.text = NULL;
	cache.text_len = 0;
	cache.text_parsed = cache.text_bad = false;
	cache.text_err[0] = '\0';
	iscsi_text_init(&cache.keys);
	p.cache = &cache;
	fill_segments(&p, wire, len, dg);
	p.opcode = wire[0] & ISCSI_OPCODE_MASK;
	p.dir = dir_of(p.opcode);
	p.frame = a->frame;
	p.ts_ns = a->ts_ns;
	p.first_frame = h->pdu_first_frame ? h->pdu_first_frame : a->frame;
	p.stream_offset = h->pdu_offset;
	p.wire = wire;
	p.wire_len = len;
	p.dg = *dg;
	p.flow = &f->pub;
	p.src = flow_src(f, k);
	p.dst = flow_dst(f, k);
	if (f->pdus_frame != a->frame) {
		f->pdus_frame = a->frame;
		f->pdus_in_frame = 0;
	}
	p.index = f->pdus_in_frame++;
	if (!f->conn.roles_known && iscsi_opcode_is_known(p.opcode)) {
		f->conn.roles_known = true;
		f->conn.initiator = p.dir == PCAP_DIR_I2T ? *p.src : *p.dst;
		f->conn.target = p.dir == PCAP_DIR_I2T ? *p.dst : *p.src;
	}
	p.conn = &f->conn;
	f->conn.pdus[p.dir]++;
	f->conn.bytes[p.dir] += len;
	a->t.pdus++;
	if (p.opcode == ISCSI_OP_LOGIN_REQ || p.opcode == ISCSI_OP_LOGIN_RSP ||
	    p.opcode == ISCSI_OP_TEXT_REQ || p.opcode == ISCSI_OP_TEXT_RSP)
		gather_text(a, f, k, &p);
	track_before(a, f, &p);
	p.session = f->conn.session;
	an_event_init(a, &ev, PCAP_EV_PDU, f);
	ev.dir = p.dir;
	ev.dir_known = true;
	ev.pdu = &p;
	ev.offset = p.stream_offset;
	an_emit(a, &ev);
	track_after(f, &p);
	if (cache.text && cache.text == h->text.buf)
		iscsi_text_accum_reset(&h->text);
	iscsi_text_free(&cache.keys);
}

/* ---- lazy accessors ----------------------------------------------------- */

const struct iscsi_text *pcap_pdu_keys(const struct pcap_pdu *p)
{
	struct pcap_pdu_cache *c = p->cache;

	if (!c || !c->text)
		return NULL;
	if (!c->text_parsed) {
		c->text_parsed = true;
		if (iscsi_text_parse(&c->keys, c->text, c->text_len,
				     c->text_err, sizeof(c->text_err)) < 0)
			c->text_bad = true;
	}
	return c->text_bad ? NULL : &c->keys;
}

const char *pcap_pdu_keys_error(const struct pcap_pdu *p)
{
	if (!p->cache || !p->cache->text_bad)
		return NULL;
	return p->cache->text_err;
}

ssize_t pcap_pdu_cdb(const struct pcap_pdu *p, uint8_t *out, size_t outlen)
{
	if (p->opcode != ISCSI_OP_SCSI_CMD)
		return -1;
	return iscsi_pdu_get_cdb(&p->pdu, out, outlen);
}

int pcap_pdu_sense(const struct pcap_pdu *p, struct scsi_sense *s)
{
	const uint8_t *sense, *rsp;
	size_t slen, rlen;
	char err[128];

	if (p->opcode != ISCSI_OP_SCSI_RSP)
		return 1;
	if (iscsi_scsi_rsp_get_sense(&p->pdu, &sense, &slen, &rsp, &rlen) < 0)
		return -1;
	if (!sense || slen == 0)
		return 1;
	memset(s, 0, sizeof(*s));
	return scsi_sense_parse(sense, slen, s, err, sizeof(err)) < 0 ? -1 : 0;
}
