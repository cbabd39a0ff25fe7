/* SPDX-License-Identifier: MIT */
/*
 * pr.c - persistent reservations (SPC-4 §5.12, §6.15, §6.16): PERSISTENT
 * RESERVE IN (READ KEYS, READ RESERVATION, REPORT CAPABILITIES, READ FULL
 * STATUS) and OUT (REGISTER, RESERVE, RELEASE, CLEAR, PREEMPT, PREEMPT AND
 * ABORT, REGISTER AND IGNORE EXISTING KEY), and the access rules of the six
 * reservation types (SPC-4 §5.12.1 table 53, SBC-3 §4.17 table 13).
 *
 * Not offered (REPORT CAPABILITIES says so): SPEC_I_PT, ALL_TG_PT, APTPL
 * (state is not kept across power loss), REGISTER AND MOVE.
 */
#define LU_INTERNAL
#include "lu.h"

#include <stdlib.h>
#include <string.h>

#include "scsi.h"
#include "wire.h"

enum pr_sa {
	PR_REGISTER = 0,
	PR_RESERVE = 1,
	PR_RELEASE = 2,
	PR_CLEAR = 3,
	PR_PREEMPT = 4,
	PR_PREEMPT_ABORT = 5,
	PR_REGISTER_IGNORE = 6,
};

#define PR_PARAM_LEN 24u /* basic PR OUT parameter list (§6.16.3) */

static bool pr_all_reg(uint8_t type)
{
	return type == LU_PR_WE_AR || type == LU_PR_EA_AR;
}

static bool pr_valid_type(uint8_t type)
{
	return type == LU_PR_WE || type == LU_PR_EA || type == LU_PR_WE_RO ||
	       type == LU_PR_EA_RO || type == LU_PR_WE_AR ||
	       type == LU_PR_EA_AR;
}

static struct lu_pr_reg *pr_find(const struct lu_pr *p, uint64_t nexus)
{
	for (size_t i = 0; i < p->nreg; i++)
		if (p->reg[i].nexus == nexus)
			return (struct lu_pr_reg *)&p->reg[i];
	return NULL;
}

/* The holder: any registrant for all-registrants types (§5.12.10). */
static bool pr_is_holder(const struct lu_pr *p, uint64_t nexus)
{
	if (!p->held)
		return false;
	return pr_all_reg(p->type) ? pr_find(p, nexus) != NULL
				   : p->holder == nexus;
}

bool pr_any(const struct lu *lu)
{
	return lu->pr.nreg > 0 || lu->pr.held;
}

bool pr_conflicts(const struct lu *lu, uint64_t nexus, const uint8_t *cdb,
		  uint8_t flags)
{
	const struct lu_pr *p = &lu->pr;
	bool reg;

	if (!p->held || !(flags & (LU_F_PR_READ | LU_F_PR_WRITE)))
		return false;
	/* START STOP UNIT with START=1 and no power condition, and ALLOW
	 * MEDIUM REMOVAL, are allowed (table 53). */
	if (cdb[0] == SCSI_OP_START_STOP_UNIT && (cdb[4] & 0x01) && !(cdb[4] >> 4))
		return false;
	if (cdb[0] == SCSI_OP_PREVENT_ALLOW && !(cdb[4] & 3))
		return false;
	if (pr_is_holder(p, nexus))
		return false;
	reg = pr_find(p, nexus) != NULL;
	switch (p->type) {
	case LU_PR_WE:
		return flags & LU_F_PR_WRITE;
	case LU_PR_WE_RO:
	case LU_PR_WE_AR:
		return !reg && (flags & LU_F_PR_WRITE);
	case LU_PR_EA_RO:
	case LU_PR_EA_AR:
		return !reg;
	default: /* EA */
		return true;
	}
}

/* ---- PERSISTENT RESERVE IN (§6.15) ------------------------------------- */

static size_t pr_read_keys(const struct lu_pr *p, uint8_t *d)
{
	iscsi_put32(d, p->generation);
	for (size_t i = 0; i < p->nreg; i++)
		iscsi_put64(d + 8 + 8 * i, p->reg[i].key);
	iscsi_put32(d + 4, (uint32_t)(8 * p->nreg));
	return 8 + 8 * p->nreg;
}

static size_t pr_read_reservation(const struct lu_pr *p, uint8_t *d)
{
	const struct lu_pr_reg *r;

	memset(d, 0, 24);
	iscsi_put32(d, p->generation);
	if (!p->held)
		return 8;
	iscsi_put32(d + 4, 16);
	r = pr_find(p, p->holder);
	/* all-registrants: the key is zero (§6.15.3.3) */
	if (!pr_all_reg(p->type) && r)
		iscsi_put64(d + 8, r->key);
	d[21] = p->type; /* scope 0h: logical unit */
	return 24;
}

static size_t pr_report_caps(uint8_t *d)
{
	memset(d, 0, 8);
	iscsi_put16(d, 8);
	d[2] = 0x10;	      /* CRH: SPC-2 RESERVE handled per §5.12.3 */
	d[3] = 0x80 | 0x10;   /* TMV, ALLOW COMMANDS 001b (TUR allowed) */
	d[4] = 0x80 | 0x40 | 0x20 | 0x08 | 0x02; /* WE_AR EA_RO WE_RO EA WE */
	d[5] = 0x01;			      /* EA_AR */
	return 8;
}

/* iSCSI TransportID (SPC-4 §7.6.4.6): port name when known. */
static size_t pr_transport_id(const struct lu *lu, uint64_t nexus,
			      uint8_t *d)
{
	const struct lu_nexus *e = NULL;
	size_t n, pad;

	for (size_t i = 0; i < LU_MAX_NEXUS && !e; i++)
		if (lu->nexus[i].used && lu->nexus[i].id == nexus)
			e = &lu->nexus[i];
	n = e ? strnlen(e->port, LU_PORT_NAME_MAX - 1) : 0;
	pad = (n + 4) & ~(size_t)3;
	if (pad < 20)
		pad = 20;
	memset(d, 0, 4 + pad);
	/* format 01b (name,i,0x<ISID>) when the name has the ISID part */
	d[0] = (uint8_t)((n && strstr(e->port, ",i,0x") ? 0x40 : 0) | 0x05);
	iscsi_put16(d + 2, (uint16_t)pad);
	if (n)
		memcpy(d + 4, e->port, n);
	return 4 + pad;
}

static size_t pr_full_status(const struct lu *lu, uint8_t *d)
{
	const struct lu_pr *p = &lu->pr;
	size_t n = 8;

	iscsi_put32(d, p->generation);
	for (size_t i = 0; i < p->nreg; i++) {
		uint8_t *e = d + n;
		size_t tl;

		memset(e, 0, 24);
		iscsi_put64(e, p->reg[i].key);
		if (pr_is_holder(p, p->reg[i].nexus)) {
			e[12] = 0x01; /* R_HOLDER */
			e[13] = p->type;
		}
		iscsi_put16(e + 18, 1); /* relative target port */
		tl = pr_transport_id(lu, p->reg[i].nexus, e + 24);
		iscsi_put32(e + 20, (uint32_t)tl);
		n += 24 + tl;
	}
	iscsi_put32(d + 4, (uint32_t)(n - 8));
	return n;
}

void pr_in(struct lu *lu, struct lu_task *t)
{
	/* 8 + per registrant: 24 + TransportID of at most 4 + 256 bytes */
	size_t cap = 8 + LU_MAX_PR_REG * (24 + 4 + LU_PORT_NAME_MAX), n;
	uint8_t *d = malloc(cap);

	if (!d) {
		t->status = SCSI_STATUS_BUSY;
		return;
	}
	switch (t->cdb[1] & 0x1f) {
	case 0:
		n = pr_read_keys(&lu->pr, d);
		break;
	case 1:
		n = pr_read_reservation(&lu->pr, d);
		break;
	case 2:
		n = pr_report_caps(d);
		break;
	default:
		n = pr_full_status(lu, d);
		break;
	}
	lu_reply(t, d, n, iscsi_get16(t->cdb + 7));
	free(d);
}

/* ---- PERSISTENT RESERVE OUT (§5.12.11, §6.16) ---------------------------- */

struct pr_out {
	struct lu *lu;
	struct lu_task *t;
	uint8_t sa, type;
	uint64_t key, sakey;
	struct lu_pr_reg *me; /* this nexus's registration, if any */
	size_t nremoved;      /* preempted I_T nexuses, for the abort hook */
	uint64_t removed[LU_MAX_PR_REG];
};

static void pr_ua_others(struct lu *lu, uint64_t except, enum lu_ua ua)
{
	for (size_t i = 0; i < lu->pr.nreg; i++)
		if (lu->pr.reg[i].nexus != except)
			lu_ua_set(lu, lu->pr.reg[i].nexus, ua);
}

/* Drops the reservation (after a RELEASE or an unregistration). */
static void pr_release(struct lu *lu, uint64_t nexus)
{
	uint8_t type = lu->pr.type;

	lu->pr.held = false;
	/* §5.12.11.2: registrants-only and all-registrants releases tell the
	 * other registrants. */
	if (type != LU_PR_WE && type != LU_PR_EA)
		pr_ua_others(lu, nexus, LU_UA_RES_RELEASED);
}

static void pr_unregister(struct lu *lu, uint64_t nexus)
{
	struct lu_pr *p = &lu->pr;
	struct lu_pr_reg *r = pr_find(p, nexus);

	if (!r)
		return;
	*r = p->reg[--p->nreg];
	if (!p->held)
		return;
	if (pr_all_reg(p->type)) { /* the last registrant takes it along */
		if (p->nreg == 0)
			p->held = false;
	} else if (p->holder == nexus) {
		pr_release(lu, nexus);
	}
}

static void pr_conflict(struct pr_out *o)
{
	o->t->status = SCSI_STATUS_RESERVATION_CONFLICT;
}

static void pr_register(struct pr_out *o)
{
	struct lu_pr *p = &o->lu->pr;

	/* REGISTER checks the reservation key; REGISTER AND IGNORE EXISTING
	 * KEY does not (§5.12.7). */
	if (o->sa == PR_REGISTER && o->key != (o->me ? o->me->key : 0)) {
		pr_conflict(o);
		return;
	}
	if (o->me && o->sakey == 0) {
		pr_unregister(o->lu, o->t->nexus);
	} else if (o->me) {
		o->me->key = o->sakey;
	} else if (o->sakey) {
		if (p->nreg >= LU_MAX_PR_REG) {
			lu_check(o->t, SCSI_SK_ILLEGAL_REQUEST, 0x55, 0x04);
			return;
		}
		p->reg[p->nreg].nexus = o->t->nexus;
		p->reg[p->nreg++].key = o->sakey;
	}
	p->generation++;
}

static void pr_reserve(struct pr_out *o)
{
	struct lu_pr *p = &o->lu->pr;

	if (p->held) {
		/* the holder may repeat its reservation, nothing else */
		if (!pr_is_holder(p, o->t->nexus) || p->type != o->type)
			pr_conflict(o);
		return;
	}
	p->held = true;
	p->type = o->type;
	p->holder = o->t->nexus;
}

static void pr_do_release(struct pr_out *o)
{
	struct lu_pr *p = &o->lu->pr;

	if (!pr_is_holder(p, o->t->nexus)) /* nothing to release: GOOD */
		return;
	if (p->type != o->type) { /* INVALID RELEASE OF PERSISTENT RES. */
		lu_check(o->t, SCSI_SK_ILLEGAL_REQUEST, 0x26, 0x04);
		return;
	}
	pr_release(o->lu, o->t->nexus);
}

static void pr_clear(struct pr_out *o)
{
	struct lu_pr *p = &o->lu->pr;

	pr_ua_others(o->lu, o->t->nexus, LU_UA_RES_PREEMPTED);
	p->nreg = 0;
	p->held = false;
	p->generation++;
}

/* Removes the registrations with key (all others when all == true) but
 * the preempting nexus's own; returns how many. */
static size_t pr_remove(struct pr_out *o, uint64_t key, bool all)
{
	struct lu_pr *p = &o->lu->pr;
	size_t n = 0;

	for (size_t i = 0; i < p->nreg;) {
		uint64_t nx = p->reg[i].nexus;

		if (nx == o->t->nexus || (!all && p->reg[i].key != key)) {
			i++;
			continue;
		}
		p->reg[i] = p->reg[--p->nreg];
		lu_ua_set(o->lu, nx, LU_UA_REG_PREEMPTED);
		o->removed[o->nremoved++] = nx;
		n++;
	}
	return n;
}

/* PREEMPT and PREEMPT AND ABORT (§5.12.11.4). */
static void pr_preempt(struct pr_out *o)
{
	struct lu_pr *p = &o->lu->pr;
	const struct lu_pr_reg *h = p->held ? pr_find(p, p->holder) : NULL;
	uint64_t me = o->t->nexus;

	if (p->held && pr_all_reg(p->type) && o->sakey == 0) {
		pr_remove(o, 0, true);
	} else if (p->held && !pr_all_reg(p->type) && h &&
		   h->key == o->sakey) {
		uint8_t old = p->type;

		pr_remove(o, o->sakey, false);
		if (old != o->type)
			pr_ua_others(o->lu, me, LU_UA_RES_RELEASED);
	} else {
		if (o->sakey == 0) {
			lu_bad_param(o->t, 8, 7);
			return;
		}
		if (pr_remove(o, o->sakey, false) == 0 &&
		    !(o->me && o->me->key == o->sakey)) {
			pr_conflict(o);
			return;
		}
		if (p->held && pr_all_reg(p->type) && p->nreg == 0)
			p->held = false;
		p->generation++;
		return;
	}
	/* the preempting nexus now holds a reservation of the new type */
	p->held = true;
	p->type = o->type;
	p->holder = me;
	p->generation++;
}

/* Field checks of the CDB and the parameter list; 0 when all pass. */
static int pr_out_check(struct pr_out *o, const uint8_t *prm)
{
	struct lu_task *t = o->t;
	bool reg_sa = o->sa == PR_REGISTER || o->sa == PR_REGISTER_IGNORE;
	bool typed = o->sa == PR_RESERVE || o->sa == PR_RELEASE ||
		     o->sa == PR_PREEMPT || o->sa == PR_PREEMPT_ABORT;

	if (typed && (t->cdb[2] >> 4) != 0) { /* SCOPE: logical unit only */
		lu_bad_cdb(t, 2, 7);
		return -1;
	}
	if (typed && !pr_valid_type(o->type)) {
		lu_bad_cdb(t, 2, 3);
		return -1;
	}
	if (iscsi_get32(t->cdb + 5) != PR_PARAM_LEN) {
		lu_check(t, SCSI_SK_ILLEGAL_REQUEST, 0x1a, 0x00);
		return -1;
	}
	if (!t->data_out || t->data_out_len < PR_PARAM_LEN) {
		lu_bad_cdb(t, 5, 7);
		return -1;
	}
	if (prm[20] & 0x08) { /* SPEC_I_PT: SIP_C=0 */
		lu_bad_param(t, 20, 3);
		return -1;
	}
	if (reg_sa && (prm[20] & 0x04)) { /* ALL_TG_PT: ATP_C=0 */
		lu_bad_param(t, 20, 2);
		return -1;
	}
	if (reg_sa && (prm[20] & 0x01)) { /* APTPL: PTPL_C=0 */
		lu_bad_param(t, 20, 0);
		return -1;
	}
	return 0;
}

void pr_out(struct lu *lu, struct lu_task *t)
{
	struct pr_out o;
	const uint8_t *prm = t->data_out;

	memset(&o, 0, sizeof(o));
	o.lu = lu;
	o.t = t;
	o.sa = t->cdb[1] & 0x1f;
	o.type = t->cdb[2] & 0x0f;
	if (pr_out_check(&o, prm) < 0)
		return;
	o.key = iscsi_get64(prm);
	o.sakey = iscsi_get64(prm + 8);
	o.me = pr_find(&lu->pr, t->nexus);
	if (o.sa == PR_REGISTER || o.sa == PR_REGISTER_IGNORE) {
		pr_register(&o);
		return;
	}
	/* every other service action needs a registered nexus presenting
	 * its own key (§5.12.11.1) */
	if (!o.me || o.me->key != o.key) {
		pr_conflict(&o);
		return;
	}
	switch (o.sa) {
	case PR_RESERVE:
		pr_reserve(&o);
		break;
	case PR_RELEASE:
		pr_do_release(&o);
		break;
	case PR_CLEAR:
		pr_clear(&o);
		break;
	default:
		pr_preempt(&o);
		break;
	}
	if (o.sa == PR_PREEMPT_ABORT && t->status == SCSI_STATUS_GOOD &&
	    lu->abort_fn)
		for (size_t i = 0; i < o.nremoved; i++)
			lu->abort_fn(lu->abort_arg, lu, o.removed[i]);
}
