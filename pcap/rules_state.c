/* SPDX-License-Identifier: MIT */
/*
 * rules_state.c - what the rule engine remembers of a connection: login,
 * numbering, key offers, target pings and the tasks by ITT. Checks read
 * this state as it was before the PDU; rt_update folds the PDU in after.
 */
#include <stdlib.h>
#include <string.h>

#include "crc32c.h"
#include "rules_int.h"
#include "serial.h"

struct rt_conn *rt_conn_get(struct pcap_conn *c)
{
	struct rt_conn *rc = c->user;

	if (rc)
		return rc;
	rc = calloc(1, sizeof(*rc));
	if (!rc)
		return NULL;
	rc->conn = c;
	rc->initial_r2t = true; /* RFC defaults (§13.10, §13.11) */
	rc->immediate_data = true;
	iscsi_text_accum_init(&rc->acc[0], RT_TEXT_LIMIT);
	iscsi_text_accum_init(&rc->acc[1], RT_TEXT_LIMIT);
	c->user = rc;
	return rc;
}

void rt_offers_clear(struct rt_conn *rc)
{
	for (unsigned s = 0; s < 2; s++) {
		for (unsigned i = 0; i < rc->noffers[s]; i++)
			free(rc->offers[s][i].value);
		rc->noffers[s] = 0;
	}
}

void rt_conn_free(struct rt_conn *rc)
{
	if (!rc)
		return;
	rt_offers_clear(rc);
	iscsi_text_accum_free(&rc->acc[0]);
	iscsi_text_accum_free(&rc->acc[1]);
	free(rc->tasks);
	free(rc);
}

/* After a gap the numbering and the tasks in flight are unknown. */
void rt_conn_lost_sync(struct rt_conn *rc)
{
	rc->synced = false;
	rc->statsn_known = false;
	rc->win_known = false;
	rc->next_known = false;
	if (rc->tasks)
		memset(rc->tasks, 0, rc->cap * sizeof(*rc->tasks));
	rc->ntasks = 0;
	iscsi_text_accum_reset(&rc->acc[0]);
	iscsi_text_accum_reset(&rc->acc[1]);
}

/* ---- tasks: open addressing with linear probing ------------------------ */

static size_t slot_of(uint32_t itt, size_t cap)
{
	return (size_t)((itt * 2654435761u) & (uint32_t)(cap - 1));
}

struct rt_task *rt_task_find(struct rt_conn *rc, uint32_t itt)
{
	size_t i;

	if (!rc->cap)
		return NULL;
	for (i = slot_of(itt, rc->cap);; i = (i + 1) & (rc->cap - 1)) {
		if (!rc->tasks[i].used)
			return NULL;
		if (rc->tasks[i].itt == itt)
			return &rc->tasks[i];
	}
}

static int grow(struct rt_conn *rc)
{
	size_t ncap = rc->cap ? rc->cap * 2 : 64, i;
	struct rt_task *old = rc->tasks, *nt;

	if (ncap > RT_MAX_TASKS)
		return -1;
	nt = calloc(ncap, sizeof(*nt));
	if (!nt)
		return -1;
	rc->tasks = nt;
	for (i = 0; i < rc->cap; i++) {
		size_t j;

		if (!old[i].used)
			continue;
		for (j = slot_of(old[i].itt, ncap); nt[j].used;
		     j = (j + 1) & (ncap - 1))
			;
		nt[j] = old[i];
	}
	rc->cap = ncap;
	free(old);
	return 0;
}

struct rt_task *rt_task_add(struct rt_conn *rc, uint32_t itt)
{
	struct rt_task *t = rt_task_find(rc, itt);
	size_t i;

	if (t) {
		memset(t, 0, sizeof(*t));
		t->used = true;
		t->itt = itt;
		return t;
	}
	if ((rc->ntasks + 1) * 4 > rc->cap * 3 && grow(rc) < 0) {
		rc->dropped++;
		return NULL;
	}
	for (i = slot_of(itt, rc->cap); rc->tasks[i].used;
	     i = (i + 1) & (rc->cap - 1))
		;
	t = &rc->tasks[i];
	memset(t, 0, sizeof(*t));
	t->used = true;
	t->itt = itt;
	rc->ntasks++;
	return t;
}

/* Backward-shift deletion keeps probe chains intact. */
void rt_task_del(struct rt_conn *rc, struct rt_task *t)
{
	size_t i = (size_t)(t - rc->tasks), j = i, mask = rc->cap - 1;

	rc->tasks[i].used = false;
	rc->ntasks--;
	for (;;) {
		size_t k;

		j = (j + 1) & mask;
		if (!rc->tasks[j].used)
			return;
		k = slot_of(rc->tasks[j].itt, rc->cap);
		/* move j back to i when its home k is not in (i, j] */
		if ((i <= j) ? (i < k && k <= j) : (i < k || k <= j))
			continue;
		rc->tasks[i] = rc->tasks[j];
		rc->tasks[j].used = false;
		i = j;
	}
}

/* ---- classification ------------------------------------------------------ */

/* PDUs that carry and advance StatSN (§4.2.2.2, §11.19.2). */
bool rt_status_bearing(const struct rview *v)
{
	switch (v->op) {
	case ISCSI_OP_SCSI_RSP:
	case ISCSI_OP_TMF_RSP:
	case ISCSI_OP_TEXT_RSP:
	case ISCSI_OP_LOGOUT_RSP:
	case ISCSI_OP_REJECT:
	case ISCSI_OP_ASYNC_MSG:
		return true;
	case ISCSI_OP_LOGIN_RSP:
		/* StatSN is meaningful on a successful response (§11.13.4) */
		return ((const struct iscsi_bhs_login_rsp *)v->bhs)
			       ->status_class == 0;
	case ISCSI_OP_DATA_IN:
		return v->bhs->flags & ISCSI_DATA_IN_S;
	case ISCSI_OP_NOP_IN:
		return v->itt != ISCSI_RSVD_TAG;
	default:
		return false;
	}
}

/* Target PDUs whose ExpCmdSN/MaxCmdSN are meaningful. */
bool rt_carries_window(const struct rview *v)
{
	if (!v->tgt)
		return false;
	if (v->op == ISCSI_OP_LOGIN_RSP)
		return ((const struct iscsi_bhs_login_rsp *)v->bhs)
			       ->status_class == 0;
	return true;
}

/* ---- update --------------------------------------------------------------- */

static void add_offers(struct rt_conn *rc, const struct rview *v)
{
	unsigned side = v->tgt ? 1 : 0, other = side ^ 1;
	const struct iscsi_text *t = v->keys;

	for (size_t i = 0; i < t->n; i++) {
		const char *k = t->kv[i].key;
		unsigned j;
		bool answered = false;

		/* an answer removes the other side's offer */
		for (j = 0; j < rc->noffers[other]; j++) {
			if (strcmp(rc->offers[other][j].key, k))
				continue;
			free(rc->offers[other][j].value);
			rc->offers[other][j] = rc->offers[other]
						       [--rc->noffers[other]];
			answered = true;
			break;
		}
		if (answered || rc->noffers[side] >= RT_MAX_OFFERS ||
		    strlen(k) > ISCSI_KEY_NAME_MAX)
			continue;
		for (j = 0; j < rc->noffers[side]; j++)
			if (!strcmp(rc->offers[side][j].key, k))
				break;
		if (j < rc->noffers[side]) {
			char *nv = strdup(t->kv[i].value);

			if (nv) {
				free(rc->offers[side][j].value);
				rc->offers[side][j].value = nv;
			}
			continue;
		}
		rc->offers[side][j].value = strdup(t->kv[i].value);
		if (!rc->offers[side][j].value)
			continue;
		strcpy(rc->offers[side][j].key, k);
		rc->noffers[side]++;
	}
}

static void fold_keys(struct rt_conn *rc, const struct rview *v)
{
	const struct iscsi_text *t = v->keys;
	const char *s;
	bool b;

	if (!t)
		return;
	if (!v->tgt) {
		if ((s = iscsi_text_find(t, "SessionType")))
			rc->discovery = !strcmp(s, "Discovery");
		if ((s = iscsi_text_find(t, "TargetName")))
			snprintf(rc->target_name, sizeof(rc->target_name),
				 "%s", s);
		if (iscsi_text_find(t, "CHAP_A"))
			rc->chap_a_offered = true;
		if (v->op == ISCSI_OP_TEXT_REQ &&
		    iscsi_text_find(t, "SendTargets"))
			rc->sendtargets = true;
	} else {
		if (iscsi_text_find(t, "CHAP_C"))
			rc->chap_a_offered = false;
		if ((s = iscsi_text_find(t, "InitialR2T")) &&
		    !iscsi_value_bool(s, &b))
			rc->initial_r2t = b;
		if ((s = iscsi_text_find(t, "ImmediateData")) &&
		    !iscsi_value_bool(s, &b))
			rc->immediate_data = b;
	}
	add_offers(rc, v);
}

static void update_login_req(struct rt_conn *rc, const struct rview *v)
{
	struct iscsi_login_req_f f;

	iscsi_login_req_unpack(v->bhs, &f);
	if (!rc->in_login) {
		rc->in_login = true;
		rc->from_login = true;
		rc->synced = true;
		rc->login_failed = false;
		rc->statsn_known = false;
		rc->win_known = false;
		rc->tpgt_done = false;
		rc->normal = false;
		rc->discovery = false;
		rc->target_name[0] = '\0';
		rt_offers_clear(rc);
	}
	rc->login_itt = f.itt;
	rc->isid = f.isid;
	rc->tsih_req = f.tsih;
	rc->login_cmdsn = f.cmdsn;
	rc->login_flags = v->bhs->flags;
	rc->vmax = f.version_max;
	rc->vmin = f.version_min;
	rc->login_req_c = f.cont;
	rc->next_known = true;
	rc->next_cmdsn = f.cmdsn; /* login is immediate (§4.2.2.1) */
	fold_keys(rc, v);
	if (!f.cont && !rc->tpgt_done && rc->target_name[0] && !rc->discovery)
		rc->tpgt_due = true;
}

static void update_login_rsp(struct rt_conn *rc, const struct rview *v)
{
	const struct iscsi_bhs_login_rsp *b = (const void *)v->bhs;
	unsigned nsg = b->flags & ISCSI_LOGIN_NSG_MASK;

	fold_keys(rc, v);
	if (!rc->login_req_c && rc->tpgt_due) {
		rc->tpgt_due = false;
		rc->tpgt_done = true;
	}
	if (b->status_class != 0) {
		rc->login_failed = true;
		rc->in_login = false;
		rt_offers_clear(rc);
		return;
	}
	if ((b->flags & ISCSI_LOGIN_T) && nsg == ISCSI_STAGE_FFP) {
		rc->in_login = false;
		rt_offers_clear(rc);
	}
}

static void update_initiator(struct rt_conn *rc, const struct rview *v)
{
	const struct iscsi_bhs *b = v->bhs;
	uint32_t dsl = iscsi_bhs_dsl(b);
	struct rt_task *t = v->task;

	if (v->op == ISCSI_OP_LOGIN_REQ) {
		update_login_req(rc, v);
		return;
	}
	if (!iscsi_bhs_immediate(b) && v->op != ISCSI_OP_DATA_OUT &&
	    v->op != ISCSI_OP_SNACK_REQ) {
		uint32_t sn = iscsi_bhs_get32(b, 24);

		if (!rc->next_known || iscsi_sn_ge(sn + 1, rc->next_cmdsn))
			rc->next_cmdsn = sn + 1;
		rc->next_known = true;
	}
	switch (v->op) {
	case ISCSI_OP_SCSI_CMD: {
		struct iscsi_scsi_cmd_f f;

		iscsi_scsi_cmd_unpack(b, &f);
		if (f.itt == ISCSI_RSVD_TAG || !(t = rt_task_add(rc, f.itt)))
			break;
		t->op = v->op;
		t->read = f.read;
		t->write = f.write;
		t->immediate = f.immediate;
		t->edtl = f.edtl;
		t->cmdsn = f.cmdsn;
		t->imm_len = dsl;
		break;
	}
	case ISCSI_OP_DATA_OUT: {
		uint32_t ttt = iscsi_bhs_get32(b, 20);

		if (!t)
			break;
		if (ttt == ISCSI_RSVD_TAG) {
			t->unsol_bytes += dsl;
			break;
		}
		for (unsigned i = 0; i < t->nr2t; i++) {
			struct rt_r2t *r2 = &t->r2t[i];

			if (r2->ttt != ttt)
				continue;
			r2->got += dsl;
			r2->next_datasn = iscsi_bhs_get32(b, 36) + 1;
			if (b->flags & ISCSI_DATA_OUT_F)
				t->r2t[i] = t->r2t[--t->nr2t];
			break;
		}
		break;
	}
	case ISCSI_OP_NOP_OUT: {
		uint32_t ttt = iscsi_bhs_get32(b, 20);

		for (unsigned i = 0; ttt != ISCSI_RSVD_TAG && i < rc->npings;
		     i++) {
			if (rc->pings[i] == ttt) {
				rc->pings[i] = rc->pings[--rc->npings];
				break;
			}
		}
		if (v->itt == ISCSI_RSVD_TAG || !(t = rt_task_add(rc, v->itt)))
			break;
		t->op = v->op;
		t->ping_len = dsl;
		t->ping_crc = iscsi_crc32c(v->p->pdu.data, v->p->pdu.data_len);
		break;
	}
	case ISCSI_OP_TEXT_REQ:
		if (v->itt != ISCSI_RSVD_TAG && !t &&
		    (t = rt_task_add(rc, v->itt)))
			t->op = v->op;
		fold_keys(rc, v);
		break;
	case ISCSI_OP_TMF_REQ:
	case ISCSI_OP_LOGOUT_REQ:
	case ISCSI_OP_SNACK_REQ:
		if (v->op == ISCSI_OP_SNACK_REQ)
			rc->snack_seen = true;
		if (v->itt == ISCSI_RSVD_TAG || v->op == ISCSI_OP_SNACK_REQ ||
		    !(t = rt_task_add(rc, v->itt)))
			break;
		t->op = v->op;
		/* Logout: reason in edtl's place, CID in cmdsn's */
		t->edtl = b->flags & ISCSI_LOGOUT_REASON_MASK;
		t->cmdsn = iscsi_bhs_get16(b, 20);
		break;
	default:
		break;
	}
}

static void update_data_in(struct rt_conn *rc, const struct rview *v,
			   struct rt_task *t)
{
	struct iscsi_data_in_f f;
	uint32_t dsl = iscsi_bhs_dsl(v->bhs);

	iscsi_data_in_unpack(v->bhs, &f);
	t->datain_pdus++;
	t->next_datasn = f.datasn + 1;
	t->in_bytes += dsl;
	t->seq_bytes = f.final ? 0 : t->seq_bytes + dsl;
	t->next_in_off = f.buffer_offset + dsl;
	t->any_in = true;
	t->last_in_final = f.final;
	if (f.status_present)
		rt_task_del(rc, t);
}

static void update_r2t(const struct rview *v, struct rt_task *t)
{
	struct iscsi_r2t_f f;

	iscsi_r2t_unpack(v->bhs, &f);
	t->next_r2tsn = f.r2tsn + 1;
	if (t->read && t->write)
		t->next_datasn = f.r2tsn + 1; /* shared space (§11.8.3) */
	t->r2ts++;
	if (t->nr2t < RT_MAX_R2T) {
		struct rt_r2t *r2 = &t->r2t[t->nr2t++];

		r2->ttt = f.ttt;
		r2->off = f.buffer_offset;
		r2->len = f.desired_len;
		r2->got = 0;
		r2->next_datasn = 0;
	}
}

static void update_target(struct rt_conn *rc, const struct rview *v)
{
	const struct iscsi_bhs *b = v->bhs;
	struct rt_task *t = v->task;

	if (rt_status_bearing(v)) {
		rc->last_statsn = iscsi_bhs_get32(b, 24);
		rc->statsn_known = true;
	}
	if (rt_carries_window(v)) {
		rc->expcmdsn = iscsi_bhs_get32(b, 28);
		rc->maxcmdsn = iscsi_bhs_get32(b, 32);
		rc->win_known = true;
	}
	switch (v->op) {
	case ISCSI_OP_LOGIN_RSP:
		update_login_rsp(rc, v);
		break;
	case ISCSI_OP_TEXT_RSP:
		fold_keys(rc, v);
		if (b->flags & ISCSI_TEXT_F) {
			rc->sendtargets = false;
			rt_offers_clear(rc);
			if (t)
				rt_task_del(rc, t);
		}
		break;
	case ISCSI_OP_DATA_IN:
		if (t && t->op == ISCSI_OP_SCSI_CMD)
			update_data_in(rc, v, t);
		break;
	case ISCSI_OP_R2T:
		if (t && t->op == ISCSI_OP_SCSI_CMD)
			update_r2t(v, t);
		break;
	case ISCSI_OP_LOGOUT_RSP:
		if (t && t->op == ISCSI_OP_LOGOUT_REQ && b->opspec1[0] == 0 &&
		    (t->edtl == ISCSI_LOGOUT_CLOSE_SESSION ||
		     (t->edtl == ISCSI_LOGOUT_CLOSE_CONNECTION &&
		      t->cmdsn == rc->conn->cid)))
			rc->closed = true;
		if (t)
			rt_task_del(rc, t);
		break;
	case ISCSI_OP_SCSI_RSP:
	case ISCSI_OP_TMF_RSP:
		if (t)
			rt_task_del(rc, t);
		break;
	case ISCSI_OP_NOP_IN:
		if (v->itt != ISCSI_RSVD_TAG) {
			if (t)
				rt_task_del(rc, t);
		} else if (iscsi_bhs_get32(b, 20) != ISCSI_RSVD_TAG &&
			   rc->npings < RT_MAX_PINGS) {
			rc->pings[rc->npings++] = iscsi_bhs_get32(b, 20);
		}
		break;
	default:
		break;
	}
}

void rt_update(struct rules_ctx *ctx, struct rview *v)
{
	(void)ctx;
	if (v->tgt)
		update_target(v->rc, v);
	else
		update_initiator(v->rc, v);
}
