/* SPDX-License-Identifier: MIT */
/*
 * chap.c - CHAP for iSCSI login (RFC 7143 §12.1.3, RFC 1994); the value
 * encodings (hex/base64, numbers, lists) come from text.h.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "err.h"
#include "chap.h"
#include "text.h"

/* ---- RFC 1994 primitives ------------------------------------------------ */

int iscsi_chap_response(uint8_t id, const uint8_t *secret, size_t slen,
			const uint8_t *chal, size_t clen,
			uint8_t out[ISCSI_CHAP_MD5_LEN])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned int n = 0;
	int ok;

	if (!ctx)
		return -1;
	/* RFC 1994 §4.1: hash of Identifier, then secret, then Challenge */
	ok = EVP_DigestInit_ex(ctx, EVP_md5(), NULL) == 1 &&
	     EVP_DigestUpdate(ctx, &id, 1) == 1 &&
	     (slen == 0 || EVP_DigestUpdate(ctx, secret, slen) == 1) &&
	     (clen == 0 || EVP_DigestUpdate(ctx, chal, clen) == 1) &&
	     EVP_DigestFinal_ex(ctx, out, &n) == 1 && n == ISCSI_CHAP_MD5_LEN;
	EVP_MD_CTX_free(ctx);
	return ok ? 0 : -1;
}

int iscsi_chap_challenge(uint8_t *buf, size_t len)
{
	if (len > ISCSI_CHAP_BIN_MAX)
		return -1;
	return RAND_bytes(buf, (int)len) == 1 ? 0 : -1;
}

bool iscsi_chap_equal(const uint8_t *a, const uint8_t *b, size_t len)
{
	return CRYPTO_memcmp(a, b, len) == 0;
}

/* ---- key values ---------------------------------------------------------- */

bool iscsi_chap_alg_supported(uint64_t alg)
{
	return alg == ISCSI_CHAP_ALG_MD5;
}

int iscsi_chap_select_alg(const char *list, char *err, size_t errlen)
{
	const char *cur = list, *item;
	size_t len;

	if (!list) {
		iscsi_err(err, errlen, "no CHAP_A list");
		return 0;
	}
	while (iscsi_list_next(&cur, &item, &len)) {
		char buf[32];
		uint64_t a;

		/* §6.2.1: values not understood are ignored */
		if (len == 0 || len >= sizeof(buf))
			continue;
		memcpy(buf, item, len);
		buf[len] = '\0';
		if (iscsi_value_number(buf, &a, NULL, 0) < 0)
			continue;
		if (iscsi_chap_alg_supported(a))
			return (int)a;
	}
	iscsi_err(err, errlen,
		  "CHAP_A=%.64s offers no supported algorithm (only 5, MD5; "
		  "RFC 7143 §12.1.3)",
		  list);
	return 0;
}

int iscsi_chap_parse_id(const char *v, uint8_t *id, char *err, size_t errlen)
{
	uint64_t n;

	if (iscsi_value_number(v, &n, err, errlen) < 0)
		return -1;
	if (n > 255)
		return iscsi_err(err, errlen,
				 "CHAP_I=%.32s is not 0..255 (one octet, "
				 "RFC 1994 §4.1)",
				 v);
	*id = (uint8_t)n;
	return 0;
}

int iscsi_chap_parse_bin(const char *v, uint8_t *out, size_t cap, size_t *len,
			 char *err, size_t errlen)
{
	if (cap > ISCSI_CHAP_BIN_MAX)
		cap = ISCSI_CHAP_BIN_MAX;
	if (iscsi_value_to_bin(v, out, cap, len, err, errlen) < 0)
		return -1;
	if (*len == 0)
		return iscsi_err(err, errlen, "empty CHAP binary value");
	return 0;
}

/* ---- history ------------------------------------------------------------- */

static int chal_digest(const uint8_t *chal, size_t clen, uint8_t out[32])
{
	unsigned int n = 0;

	if (EVP_Digest(chal, clen, out, &n, EVP_sha256(), NULL) != 1 || n != 32)
		return -1;
	return 0;
}

void iscsi_chap_history_init(struct iscsi_chap_history *h)
{
	memset(h, 0, sizeof(*h));
}

void iscsi_chap_history_add(struct iscsi_chap_history *h, const uint8_t *chal,
			    size_t clen)
{
	if (chal_digest(chal, clen, h->digest[h->next]) < 0)
		return;
	h->next = (h->next + 1) % ISCSI_CHAP_HISTORY;
	if (h->count < ISCSI_CHAP_HISTORY)
		h->count++;
}

bool iscsi_chap_history_has(const struct iscsi_chap_history *h,
			    const uint8_t *chal, size_t clen)
{
	uint8_t d[32];

	if (chal_digest(chal, clen, d) < 0)
		return true; /* cannot tell: refuse rather than risk it */
	for (unsigned i = 0; i < h->count; i++)
		if (iscsi_chap_equal(h->digest[i], d, sizeof(d)))
			return true;
	return false;
}

/* ---- exchange state ------------------------------------------------------ */

void iscsi_chap_init(struct iscsi_chap *c, struct iscsi_chap_history *h)
{
	memset(c, 0, sizeof(*c));
	c->history = h;
}

int iscsi_chap_new_challenge(struct iscsi_chap *c, int alg, size_t len,
			     struct iscsi_chap_keys *k, char *err,
			     size_t errlen)
{
	if (alg < 0 || !iscsi_chap_alg_supported((uint64_t)alg))
		return iscsi_err(err, errlen, "CHAP algorithm %d unsupported",
				 alg);
	if (len == 0)
		len = ISCSI_CHAP_CHALLENGE_DEFAULT;
	if (len > ISCSI_CHAP_BIN_MAX)
		return iscsi_err(err, errlen,
				 "challenge of %zu bytes exceeds %d "
				 "(RFC 7143 §12.1.3)",
				 len, ISCSI_CHAP_BIN_MAX);
	/* §9.2.1: never reuse a challenge; a fresh random one each time */
	if (iscsi_chap_challenge(&c->id, 1) < 0 ||
	    iscsi_chap_challenge(c->chal, len) < 0)
		return iscsi_err(err, errlen, "RAND_bytes failed");
	c->alg = alg;
	c->chal_len = len;
	if (c->history)
		iscsi_chap_history_add(c->history, c->chal, len);
	if (!k)
		return 0;
	snprintf(k->a, sizeof(k->a), "%d", alg);
	snprintf(k->i, sizeof(k->i), "%u", (unsigned)c->id);
	if (iscsi_bin_to_hex(c->chal, len, k->c, sizeof(k->c)) < 0)
		return iscsi_err(err, errlen, "CHAP_C does not fit");
	return 0;
}

int iscsi_chap_verify(const struct iscsi_chap *c, const char *name,
		      const uint8_t *resp, size_t rlen,
		      const struct iscsi_chap_cred *peer,
		      const struct iscsi_chap_cred *self, char *err,
		      size_t errlen)
{
	uint8_t want[ISCSI_CHAP_MD5_LEN], mine[ISCSI_CHAP_MD5_LEN];
	bool ok;

	if (c->chal_len == 0)
		return iscsi_err(err, errlen,
				 "CHAP_R received but no challenge was sent");
	if (!name || !peer || !peer->name || strcmp(name, peer->name) != 0)
		return iscsi_err(err, errlen, "unknown CHAP_N \"%.64s\"",
				 name ? name : "");
	if (rlen != ISCSI_CHAP_MD5_LEN)
		return iscsi_err(err, errlen,
				 "CHAP_R is %zu bytes, MD5 gives %d", rlen,
				 ISCSI_CHAP_MD5_LEN);
	/* §9.2.1: a response our own secret would give means a shared
	 * secret (or a reflection): treat it as an authentication failure */
	if (self && self->secret &&
	    iscsi_chap_response(c->id, self->secret, self->secret_len, c->chal,
				c->chal_len, mine) == 0 &&
	    iscsi_chap_equal(resp, mine, sizeof(mine)))
		return iscsi_err(err, errlen,
				 "CHAP_R matches our own secret's response: "
				 "the same secret is used in both directions "
				 "(RFC 7143 §9.2.1)");
	if (iscsi_chap_response(c->id, peer->secret, peer->secret_len, c->chal,
				c->chal_len, want) < 0)
		return iscsi_err(err, errlen, "MD5 unavailable");
	ok = iscsi_chap_equal(resp, want, sizeof(want));
	OPENSSL_cleanse(want, sizeof(want));
	if (!ok)
		return iscsi_err(err, errlen, "CHAP_R does not match");
	return 0;
}

int iscsi_chap_verify_keys(const struct iscsi_chap *c, const char *chap_n,
			   const char *chap_r,
			   const struct iscsi_chap_cred *peer,
			   const struct iscsi_chap_cred *self, char *err,
			   size_t errlen)
{
	uint8_t r[ISCSI_CHAP_BIN_MAX];
	size_t rlen;

	if (!chap_n || !chap_r)
		return iscsi_err(err, errlen,
				 "CHAP_N and CHAP_R are required "
				 "(RFC 7143 §12.1.3)");
	if (iscsi_chap_parse_bin(chap_r, r, sizeof(r), &rlen, err, errlen) < 0)
		return -1;
	return iscsi_chap_verify(c, chap_n, r, rlen, peer, self, err, errlen);
}

int iscsi_chap_respond(const struct iscsi_chap *c, uint8_t id,
		       const uint8_t *chal, size_t clen,
		       const struct iscsi_chap_cred *self,
		       uint8_t out[ISCSI_CHAP_MD5_LEN], char *err,
		       size_t errlen)
{
	if (c && c->alg && !iscsi_chap_alg_supported((uint64_t)c->alg))
		return iscsi_err(err, errlen, "CHAP algorithm %d unsupported",
				 c->alg);
	if (clen == 0 || clen > ISCSI_CHAP_BIN_MAX)
		return iscsi_err(err, errlen,
				 "CHAP_C of %zu bytes (1..%d, RFC 7143 "
				 "§12.1.3)",
				 clen, ISCSI_CHAP_BIN_MAX);
	/* §9.2.1: the peer must not hand our own challenge back to us */
	if (c && c->chal_len == clen && iscsi_chap_equal(chal, c->chal, clen))
		return iscsi_err(err, errlen,
				 "CHAP_C is the challenge we sent on this "
				 "connection: reflection (RFC 7143 §9.2.1)");
	if (c && c->history && iscsi_chap_history_has(c->history, chal, clen))
		return iscsi_err(err, errlen,
				 "CHAP_C is a challenge we sent recently: "
				 "reflection (RFC 7143 §9.2.1)");
	if (!self || (!self->secret && self->secret_len))
		return iscsi_err(err, errlen, "no CHAP secret configured");
	if (iscsi_chap_response(id, self->secret, self->secret_len, chal, clen,
				out) < 0)
		return iscsi_err(err, errlen, "MD5 unavailable");
	return 0;
}

int iscsi_chap_respond_keys(const struct iscsi_chap *c, const char *chap_i,
			    const char *chap_c,
			    const struct iscsi_chap_cred *self, char *r,
			    size_t rlen, char *err, size_t errlen)
{
	uint8_t chal[ISCSI_CHAP_BIN_MAX], out[ISCSI_CHAP_MD5_LEN];
	size_t clen = 0;
	uint8_t id = 0;

	if (!chap_i || !chap_c)
		return iscsi_err(err, errlen,
				 "CHAP_I and CHAP_C are required "
				 "(RFC 7143 §12.1.3)");
	if (iscsi_chap_parse_id(chap_i, &id, err, errlen) < 0 ||
	    iscsi_chap_parse_bin(chap_c, chal, sizeof(chal), &clen, err,
				 errlen) < 0)
		return -1;
	if (iscsi_chap_respond(c, id, chal, clen, self, out, err, errlen) < 0)
		return -1;
	if (iscsi_bin_to_hex(out, sizeof(out), r, rlen) < 0)
		return iscsi_err(err, errlen, "CHAP_R does not fit");
	return 0;
}
