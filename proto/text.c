/* SPDX-License-Identifier: MIT */
/*
 * text.c - key=value lists: parse, build, serialize, accumulate across
 * PDUs (RFC 7143 §6.1).  Value forms live in textval.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "text.h"

void iscsi_text_init(struct iscsi_text *t)
{
	t->kv = NULL;
	t->n = 0;
	t->cap = 0;
}

static void text_truncate(struct iscsi_text *t, size_t n)
{
	while (t->n > n) {
		t->n--;
		free(t->kv[t->n].key);
		free(t->kv[t->n].value);
	}
}

void iscsi_text_free(struct iscsi_text *t)
{
	text_truncate(t, 0);
	free(t->kv);
	iscsi_text_init(t);
}

static int text_grow(struct iscsi_text *t)
{
	struct iscsi_kv *kv;
	size_t cap;

	if (t->n < t->cap)
		return 0;
	cap = t->cap ? t->cap * 2 : 16;
	kv = realloc(t->kv, cap * sizeof(*kv));
	if (!kv)
		return -1;
	t->kv = kv;
	t->cap = cap;
	return 0;
}

static int text_add_n(struct iscsi_text *t, const char *key, size_t klen,
		      const char *value, size_t vlen)
{
	char *k, *v;

	if (text_grow(t) < 0)
		return -1;
	k = strndup(key, klen);
	v = strndup(value, vlen);
	if (!k || !v) {
		free(k);
		free(v);
		return -1;
	}
	t->kv[t->n].key = k;
	t->kv[t->n].value = v;
	t->n++;
	return 0;
}

int iscsi_text_add(struct iscsi_text *t, const char *key, const char *value)
{
	return text_add_n(t, key, strlen(key), value, strlen(value));
}

const char *iscsi_text_find(const struct iscsi_text *t, const char *key)
{
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->kv[i].key, key) == 0)
			return t->kv[i].value;
	return NULL;
}

const char *iscsi_text_find_dup(const struct iscsi_text *t)
{
	for (size_t i = 1; i < t->n; i++)
		for (size_t j = 0; j < i; j++)
			if (strcmp(t->kv[i].key, t->kv[j].key) == 0)
				return t->kv[i].key;
	return NULL;
}

size_t iscsi_text_len(const struct iscsi_text *t)
{
	size_t len = 0;

	for (size_t i = 0; i < t->n; i++)
		len += strlen(t->kv[i].key) + strlen(t->kv[i].value) + 2;
	return len;
}

ssize_t iscsi_text_serialize(const struct iscsi_text *t, uint8_t *buf,
			     size_t len)
{
	size_t off = 0;

	if (iscsi_text_len(t) > len)
		return -1;
	for (size_t i = 0; i < t->n; i++) {
		size_t kl = strlen(t->kv[i].key), vl = strlen(t->kv[i].value);

		memcpy(buf + off, t->kv[i].key, kl);
		off += kl;
		buf[off++] = '=';
		memcpy(buf + off, t->kv[i].value, vl);
		off += vl;
		buf[off++] = '\0';
	}
	return (ssize_t)off;
}

/* One "key=value" item of length n (its NUL excluded) starting at p. */
static int parse_item(struct iscsi_text *t, const char *p, size_t n, size_t off,
		      char *err, size_t errlen)
{
	const char *eq = memchr(p, '=', n);
	size_t klen;
	char key[ISCSI_KEY_NAME_MAX + 1];

	if (n == 0) {
		iscsi_err(err, errlen, "empty item (two NULs) at offset %zu",
			off);
		return -1;
	}
	if (!eq) {
		iscsi_err(err, errlen, "item at offset %zu has no '='", off);
		return -1;
	}
	klen = (size_t)(eq - p);
	if (klen == 0) {
		iscsi_err(err, errlen, "empty key at offset %zu", off);
		return -1;
	}
	if (klen > ISCSI_KEY_NAME_MAX) {
		iscsi_err(err, errlen,
			"key at offset %zu is %zu bytes, over %d (§6.1)", off,
			klen, ISCSI_KEY_NAME_MAX);
		return -1;
	}
	memcpy(key, p, klen);
	key[klen] = '\0';
	if (!iscsi_key_name_valid(key)) {
		iscsi_err(err, errlen,
			"key at offset %zu has characters outside the §6.1 "
			"key-name set",
			off);
		return -1;
	}
	if (text_add_n(t, p, klen, eq + 1, n - klen - 1) < 0) {
		iscsi_err(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

int iscsi_text_parse(struct iscsi_text *t, const uint8_t *buf, size_t len,
		     char *err, size_t errlen)
{
	size_t start = t->n, off = 0;

	if (len == 0)
		return 0;
	if (buf[len - 1] != '\0') {
		bool some_nul = memchr(buf, '\0', len) != NULL;

		/* §6.1: every key=value pair ends with a NUL. */
		iscsi_err(err, errlen, "%s: the last item is not NUL-terminated",
			some_nul ? "trailing data after the last NUL"
				 : "missing final NUL");
		return -1;
	}
	while (off < len) {
		const uint8_t *nul = memchr(buf + off, '\0', len - off);
		size_t n = (size_t)(nul - (buf + off));

		if (parse_item(t, (const char *)buf + off, n, off, err,
			       errlen) < 0) {
			text_truncate(t, start);
			return -1;
		}
		off += n + 1;
	}
	return (int)(t->n - start);
}

void iscsi_text_accum_init(struct iscsi_text_accum *a, size_t limit)
{
	a->buf = NULL;
	a->len = 0;
	a->cap = 0;
	a->limit = limit ? limit : ISCSI_TEXT_ACCUM_DEFAULT;
}

void iscsi_text_accum_free(struct iscsi_text_accum *a)
{
	free(a->buf);
	iscsi_text_accum_init(a, a->limit);
}

void iscsi_text_accum_reset(struct iscsi_text_accum *a)
{
	a->len = 0;
}

int iscsi_text_accum_add(struct iscsi_text_accum *a, const uint8_t *seg,
			 size_t len, char *err, size_t errlen)
{
	if (len > a->limit - a->len) {
		iscsi_err(err, errlen,
			"text exceeds %zu bytes across continued PDUs",
			a->limit);
		return -1;
	}
	if (a->len + len > a->cap) {
		size_t cap = a->cap ? a->cap : 1024;
		uint8_t *b;

		while (cap < a->len + len)
			cap *= 2;
		if (cap > a->limit)
			cap = a->limit;
		b = realloc(a->buf, cap);
		if (!b) {
			iscsi_err(err, errlen, "out of memory");
			return -1;
		}
		a->buf = b;
		a->cap = cap;
	}
	if (len)
		memcpy(a->buf + a->len, seg, len);
	a->len += len;
	return 0;
}

int iscsi_text_accum_finish(struct iscsi_text_accum *a, struct iscsi_text *t,
			    char *err, size_t errlen)
{
	int rc = iscsi_text_parse(t, a->buf, a->len, err, errlen);

	a->len = 0;
	return rc;
}
