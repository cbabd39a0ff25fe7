/* SPDX-License-Identifier: MIT */
/*
 * mutate.c - the per-connection mutation hook.
 *
 * A test states what to break as data ({opcode, field, op, value, nth});
 * the connection applies it to the encoded PDU just before it goes out,
 * and the transcript records the bytes actually sent together with the
 * text of every mutation applied, so the test (and the report) can see
 * that the mutated PDU reached the wire.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crc32c.h"
#include "engine_int.h"
#include "fields.h"

enum special {
	SP_NONE,
	SP_HDIGEST,
	SP_DDIGEST,
	SP_DATA,
	SP_PDU,
};

static enum special special_of(const char *field)
{
	if (strcmp(field, "digest.header") == 0)
		return SP_HDIGEST;
	if (strcmp(field, "digest.data") == 0)
		return SP_DDIGEST;
	if (strcmp(field, "data") == 0)
		return SP_DATA;
	if (strcmp(field, "pdu") == 0)
		return SP_PDU;
	return SP_NONE;
}

static const char *op_name(enum cts_mut_op op)
{
	switch (op) {
	case CTS_MUT_SET:
		return "set";
	case CTS_MUT_ADD:
		return "add";
	case CTS_MUT_XOR:
		return "xor";
	case CTS_MUT_TRUNCATE:
		return "truncate to";
	case CTS_MUT_CORRUPT:
		return "corrupt";
	}
	return "?";
}

int cts_mutation_format(const struct cts_mutation *m, char *buf, size_t len)
{
	char val[32], when[64];
	int n;

	if (!buf || !len)
		return -1;
	switch (m->op) {
	case CTS_MUT_XOR:
	case CTS_MUT_CORRUPT:
		snprintf(val, sizeof(val), "0x%llx",
			 (unsigned long long)(m->op == CTS_MUT_CORRUPT &&
							 !m->value ?
						     1u :
						     m->value));
		break;
	case CTS_MUT_TRUNCATE:
		snprintf(val, sizeof(val), "%llu bytes",
			 (unsigned long long)m->value);
		break;
	default:
		snprintf(val, sizeof(val), "%llu",
			 (unsigned long long)m->value);
		break;
	}
	if (m->opcode == CTS_ANY && m->nth)
		snprintf(when, sizeof(when), "PDU #%u", m->nth);
	else if (m->opcode == CTS_ANY)
		snprintf(when, sizeof(when), "every PDU");
	else if (m->nth)
		snprintf(when, sizeof(when), "%s #%u",
			 iscsi_opcode_name(m->opcode), m->nth);
	else
		snprintf(when, sizeof(when), "every %s",
			 iscsi_opcode_name(m->opcode));
	n = snprintf(buf, len, "%s %s %s on %s", m->field ? m->field : "?",
		     op_name(m->op), val, when);
	if (n < 0)
		return -1;
	return (size_t)n >= len ? (int)len - 1 : n;
}

static bool field_known(const char *field, unsigned opcode)
{
	if (opcode != CTS_ANY)
		return iscsi_field_find(field, opcode) != NULL;
	for (unsigned op = 0; op <= ISCSI_OPCODE_MASK; op++)
		if (iscsi_field_find(field, op))
			return true;
	return false;
}

int cts_conn_mutate(struct cts_conn *c, const struct cts_mutation *m)
{
	enum special sp;
	size_t i = c->nmut;

	if (!m->field || !m->field[0]) {
		cts_errf(c->err, sizeof(c->err), "mutation without a field");
		return -1;
	}
	if (i >= CTS_MUT_MAX) {
		cts_errf(c->err, sizeof(c->err), "more than %u mutations",
			 CTS_MUT_MAX);
		return -1;
	}
	if (strlen(m->field) >= sizeof(c->mut_field[0])) {
		cts_errf(c->err, sizeof(c->err), "field name too long");
		return -1;
	}
	sp = special_of(m->field);
	if (sp == SP_NONE && !field_known(m->field, m->opcode)) {
		cts_errf(c->err, sizeof(c->err), "no field \"%s\" in %s",
			 m->field,
			 m->opcode == CTS_ANY ? "any PDU" :
						iscsi_opcode_name(m->opcode));
		return -1;
	}
	if (m->op == CTS_MUT_TRUNCATE && sp == SP_NONE) {
		cts_errf(c->err, sizeof(c->err),
			 "truncate applies to data, pdu or a digest, not %s",
			 m->field);
		return -1;
	}
	if (sp == SP_PDU && m->op != CTS_MUT_TRUNCATE) {
		cts_errf(c->err, sizeof(c->err), "\"pdu\" only truncates");
		return -1;
	}
	if (sp == SP_DATA && m->op != CTS_MUT_TRUNCATE &&
	    m->op != CTS_MUT_CORRUPT) {
		cts_errf(c->err, sizeof(c->err),
			 "\"data\" takes truncate or corrupt");
		return -1;
	}
	snprintf(c->mut_field[i], sizeof(c->mut_field[i]), "%s", m->field);
	c->mut[i] = *m;
	c->mut[i].field = c->mut_field[i];
	c->mut_seen[i] = 0;
	c->nmut++;
	return 0;
}

void cts_conn_mutations_clear(struct cts_conn *c)
{
	c->nmut = 0;
}

/* Where the segments lie in the encoded PDU. */
struct layout {
	size_t hd_off, data_off, dsl, pad, dd_off, len;
	bool hd, dd;
};

static void layout_of(const struct iscsi_pdu *pdu,
		      const struct iscsi_digests *dg, size_t len,
		      struct layout *l)
{
	l->hd = dg->header;
	l->dd = dg->data && pdu->data_len > 0;
	l->hd_off = ISCSI_BHS_LEN + pdu->ahs_len;
	l->data_off = l->hd_off + (l->hd ? ISCSI_DIGEST_LEN : 0);
	l->dsl = pdu->data_len;
	l->pad = iscsi_pad_len(pdu->data_len);
	l->dd_off = l->data_off + l->dsl + l->pad;
	l->len = len;
}

static bool applies(const struct cts_mutation *m, const struct iscsi_pdu *pdu,
		    const struct layout *l)
{
	unsigned op = iscsi_bhs_opcode(&pdu->bhs);

	if (m->opcode != CTS_ANY && m->opcode != op)
		return false;
	switch (special_of(m->field)) {
	case SP_HDIGEST:
		return l->hd;
	case SP_DDIGEST:
		return l->dd;
	case SP_DATA:
		return l->dsl > 0;
	case SP_PDU:
		return true;
	case SP_NONE:
		break;
	}
	return iscsi_field_find(m->field, op) != NULL;
}

static uint64_t field_limit(const struct iscsi_field *f)
{
	unsigned bits = 0;

	if (f->mask) {
		for (uint32_t x = f->mask; x; x &= x - 1u)
			bits++;
	} else {
		bits = f->width * 8u;
	}
	return bits >= 64 ? UINT64_MAX : (UINT64_C(1) << bits) - 1u;
}

static uint64_t combine(enum cts_mut_op op, uint64_t cur, uint64_t v)
{
	switch (op) {
	case CTS_MUT_SET:
		return v;
	case CTS_MUT_ADD:
		return cur + v;
	case CTS_MUT_XOR:
		return cur ^ v;
	case CTS_MUT_CORRUPT:
		return cur ^ (v ? v : 1u);
	case CTS_MUT_TRUNCATE:
		break;
	}
	return cur;
}

static void mutate_field(const struct cts_mutation *m, uint8_t *wire)
{
	struct iscsi_bhs *h = (struct iscsi_bhs *)(void *)wire;
	const struct iscsi_field *f;
	uint64_t cur = 0;

	f = iscsi_field_find(m->field, iscsi_bhs_opcode(h));
	if (!f || iscsi_field_get(h, f, &cur) < 0)
		return;
	iscsi_field_set(h, f, combine(m->op, cur, m->value) & field_limit(f));
}

/* Removes n bytes at off from buf (len updated). */
static void cut_bytes(uint8_t *buf, size_t *len, size_t off, size_t n)
{
	if (off >= *len)
		return;
	if (n > *len - off)
		n = *len - off;
	memmove(buf + off, buf + off + n, *len - off - n);
	*len -= n;
}

static void mutate_digest(const struct cts_mutation *m, uint8_t *buf,
			  size_t off)
{
	uint32_t cur = iscsi_digest_get(buf + off);

	iscsi_digest_put(buf + off, (uint32_t)combine(m->op, cur, m->value));
}

static void append_text(char *text, size_t textlen, const struct cts_mutation *m)
{
	size_t used = strlen(text);

	if (used && used + 2 < textlen) {
		memcpy(text + used, "; ", 3);
		used += 2;
	}
	if (used + 1 < textlen)
		cts_mutation_format(m, text + used, textlen - used);
}

int cts_mut_encode(struct cts_conn *c, const struct iscsi_pdu *pdu, bool skip,
		   uint8_t **out, size_t *outlen, char *text, size_t textlen)
{
	const struct cts_mutation *act[CTS_MUT_MAX];
	size_t nact = 0, len, wl = iscsi_pdu_wire_len(pdu, &c->dg);
	struct layout l;
	bool hdr_changed = false;
	uint8_t *buf;
	ssize_t n;

	text[0] = '\0';
	buf = malloc(wl ? wl : 1);
	if (!buf) {
		cts_errf(c->err, sizeof(c->err), "out of memory");
		return -1;
	}
	n = iscsi_pdu_encode(pdu, &c->dg, buf, wl, c->err, sizeof(c->err));
	if (n < 0) {
		free(buf);
		return -1;
	}
	len = (size_t)n;
	layout_of(pdu, &c->dg, len, &l);
	for (size_t i = 0; !skip && i < c->nmut; i++) {
		const struct cts_mutation *m = &c->mut[i];

		if (!applies(m, pdu, &l))
			continue;
		c->mut_seen[i]++;
		if (m->nth && c->mut_seen[i] != m->nth)
			continue;
		act[nact++] = m;
		append_text(text, textlen, m);
	}
	/* 1: header fields, then a header digest that matches them */
	for (size_t i = 0; i < nact; i++) {
		if (special_of(act[i]->field) != SP_NONE ||
		    act[i]->op == CTS_MUT_CORRUPT)
			continue;
		mutate_field(act[i], buf);
		hdr_changed = true;
	}
	if (hdr_changed && l.hd)
		iscsi_digest_put(buf + l.hd_off, iscsi_crc32c(buf, l.hd_off));
	/* 2: in-flight damage the digests do not cover */
	for (size_t i = 0; i < nact; i++) {
		const struct cts_mutation *m = act[i];

		switch (special_of(m->field)) {
		case SP_NONE:
			if (m->op == CTS_MUT_CORRUPT)
				mutate_field(m, buf);
			break;
		case SP_HDIGEST:
			if (m->op != CTS_MUT_TRUNCATE)
				mutate_digest(m, buf, l.hd_off);
			break;
		case SP_DDIGEST:
			if (m->op != CTS_MUT_TRUNCATE)
				mutate_digest(m, buf, l.dd_off);
			break;
		case SP_DATA:
			if (m->op == CTS_MUT_CORRUPT)
				buf[l.data_off + m->value % l.dsl] ^= 0xffu;
			break;
		case SP_PDU:
			break;
		}
	}
	/* 3: truncations, from the end of the PDU backwards */
	for (size_t i = 0; i < nact; i++) {
		const struct cts_mutation *m = act[i];
		enum special sp = special_of(m->field);

		if (m->op != CTS_MUT_TRUNCATE)
			continue;
		if (sp == SP_DDIGEST && m->value < ISCSI_DIGEST_LEN)
			cut_bytes(buf, &len, l.dd_off + m->value,
				  ISCSI_DIGEST_LEN - m->value);
	}
	for (size_t i = 0; i < nact; i++) {
		const struct cts_mutation *m = act[i];

		if (m->op == CTS_MUT_TRUNCATE &&
		    special_of(m->field) == SP_DATA && m->value < l.dsl)
			len = l.data_off + m->value;
	}
	for (size_t i = 0; i < nact; i++) {
		const struct cts_mutation *m = act[i];

		if (m->op == CTS_MUT_TRUNCATE &&
		    special_of(m->field) == SP_HDIGEST &&
		    m->value < ISCSI_DIGEST_LEN)
			cut_bytes(buf, &len, l.hd_off + m->value,
				  ISCSI_DIGEST_LEN - m->value);
	}
	for (size_t i = 0; i < nact; i++) {
		const struct cts_mutation *m = act[i];

		if (m->op == CTS_MUT_TRUNCATE &&
		    special_of(m->field) == SP_PDU && m->value < len)
			len = m->value;
	}
	*out = buf;
	*outlen = len;
	return 0;
}
