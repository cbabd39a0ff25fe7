/* SPDX-License-Identifier: MIT */
/*
 * transcript.c - every PDU a test sent and received, in order, with wall
 * clock time, direction, connection and the wire bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"

#define LIMIT_DEFAULT (256u * 1024u * 1024u)
#define SNAP_LEN 64u

struct cts_transcript {
	struct cts_record *rec;
	size_t n, cap;
	struct cts_flow *flows;
	size_t nflows, flows_cap;
	size_t stored, limit;
};

struct cts_transcript *cts_transcript_new(void)
{
	struct cts_transcript *t = calloc(1, sizeof(*t));

	if (t)
		t->limit = LIMIT_DEFAULT;
	return t;
}

void cts_transcript_free(struct cts_transcript *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++)
		free((void *)t->rec[i].bytes);
	free(t->rec);
	free(t->flows);
	free(t);
}

void cts_transcript_set_limit(struct cts_transcript *t, size_t bytes)
{
	t->limit = bytes;
}

size_t cts_transcript_count(const struct cts_transcript *t)
{
	return t ? t->n : 0;
}

const struct cts_record *cts_transcript_at(const struct cts_transcript *t,
					   size_t i)
{
	return t && i < t->n ? &t->rec[i] : NULL;
}

size_t cts_transcript_flows(const struct cts_transcript *t)
{
	return t ? t->nflows : 0;
}

const struct cts_flow *cts_transcript_flow(const struct cts_transcript *t,
					   size_t i)
{
	return t && i < t->nflows ? &t->flows[i] : NULL;
}

int cts_transcript_add_flow(struct cts_transcript *t,
			    const struct sockaddr *local, socklen_t llen,
			    const struct sockaddr *peer, socklen_t plen)
{
	struct cts_flow *f;

	if (!t)
		return -1;
	if (t->nflows == t->flows_cap) {
		size_t cap = t->flows_cap ? t->flows_cap * 2 : 4;
		struct cts_flow *nf = realloc(t->flows, cap * sizeof(*nf));

		if (!nf)
			return -1;
		t->flows = nf;
		t->flows_cap = cap;
	}
	f = &t->flows[t->nflows];
	memset(f, 0, sizeof(*f));
	if (llen > 0 && (size_t)llen <= sizeof(f->local)) {
		memcpy(&f->local, local, llen);
		f->local_len = llen;
	}
	if (plen > 0 && (size_t)plen <= sizeof(f->peer)) {
		memcpy(&f->peer, peer, plen);
		f->peer_len = plen;
	}
	return (int)t->nflows++;
}

int cts_transcript_add(struct cts_transcript *t, const struct cts_record *r)
{
	struct cts_record *d;
	size_t keep = r->len;
	uint8_t *copy = NULL;

	if (!t)
		return -1;
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		struct cts_record *nr = realloc(t->rec, cap * sizeof(*nr));

		if (!nr)
			return -1;
		t->rec = nr;
		t->cap = cap;
	}
	if (t->stored + keep > t->limit && keep > SNAP_LEN)
		keep = SNAP_LEN;
	if (keep) {
		copy = malloc(keep);
		if (!copy)
			return -1;
		memcpy(copy, r->bytes, keep);
	}
	t->stored += keep;
	d = &t->rec[t->n++];
	*d = *r;
	d->bytes = copy;
	d->len = keep;
	if (!d->wire_len)
		d->wire_len = r->len;
	return 0;
}

const struct cts_record *cts_transcript_find(const struct cts_transcript *t,
					     size_t *from, enum cts_dir dir,
					     unsigned opcode)
{
	for (size_t i = *from; t && i < t->n; i++) {
		const struct cts_record *r = &t->rec[i];

		if (r->kind != CTS_REC_PDU || r->dir != dir)
			continue;
		if (opcode != CTS_ANY && r->opcode != opcode)
			continue;
		*from = i + 1;
		return r;
	}
	if (t)
		*from = t->n;
	return NULL;
}

bool cts_transcript_has_mutated(const struct cts_transcript *t,
				unsigned opcode, const char *field)
{
	for (size_t i = 0; t && i < t->n; i++) {
		const struct cts_record *r = &t->rec[i];
		unsigned op;

		if (r->dir != CTS_SENT || !r->mutation[0] || !r->len)
			continue;
		op = r->bytes[0] & ISCSI_OPCODE_MASK;
		if (opcode != CTS_ANY && op != opcode)
			continue;
		if (field && !strstr(r->mutation, field))
			continue;
		return true;
	}
	return false;
}

static const char *kind_name(const struct cts_record *r)
{
	switch (r->kind) {
	case CTS_REC_OPEN:
		return "connected";
	case CTS_REC_FIN:
		return r->dir == CTS_SENT ? "closed by us" : "closed by target";
	case CTS_REC_RST:
		return "reset by target";
	case CTS_REC_RAW:
		return "raw bytes";
	case CTS_REC_PDU:
		break;
	}
	return iscsi_opcode_name(r->opcode);
}

int cts_record_describe(const struct cts_record *r, char *buf, size_t len)
{
	int n;

	if (!buf || !len)
		return -1;
	n = snprintf(buf, len, "%llu.%06llu %s conn %u %s",
		     (unsigned long long)(r->ts_us / 1000000u),
		     (unsigned long long)(r->ts_us % 1000000u),
		     r->dir == CTS_SENT ? "SENT" : "RECV", r->flow,
		     kind_name(r));
	if (n < 0 || (size_t)n >= len)
		return n < 0 ? -1 : (int)len - 1;
	if (r->kind == CTS_REC_PDU)
		n += snprintf(buf + n, len - (size_t)n, " ITT 0x%x", r->itt);
	if ((size_t)n < len && (r->kind == CTS_REC_PDU ||
				r->kind == CTS_REC_RAW))
		n += snprintf(buf + n, len - (size_t)n, " %zu bytes",
			      r->wire_len);
	if ((size_t)n < len && r->digest_bad)
		n += snprintf(buf + n, len - (size_t)n, " (bad digest)");
	if ((size_t)n < len && r->mutation[0])
		n += snprintf(buf + n, len - (size_t)n, " [%s]", r->mutation);
	return (size_t)n >= len ? (int)len - 1 : n;
}
