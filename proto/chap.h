/* SPDX-License-Identifier: MIT */
/*
 * chap.h - CHAP for iSCSI login (RFC 7143 §12.1.3 over RFC 1994), shared by
 * the harness's initiator and the reference target.
 *
 * The exchange (§12.1.3):
 *   I -> T  CHAP_A=<A1,A2,...>                 proposed algorithms
 *   T -> I  CHAP_A=<A> CHAP_I=<I> CHAP_C=<C>   the target's challenge
 *   I -> T  CHAP_N=<N> CHAP_R=<R> [CHAP_I=<I> CHAP_C=<C>]   (mutual)
 *   T -> I  [CHAP_N=<N> CHAP_R=<R>]            (mutual)
 * R = MD5(I || secret || C) (RFC 1994 §4.1).  Whoever sends a challenge is
 * the "challenger" (iscsi_chap_new_challenge, iscsi_chap_verify), whoever
 * answers one is the "responder" (iscsi_chap_respond); the target is the
 * challenger one way and the responder the other way in mutual CHAP, and
 * the initiator the opposite.
 *
 * Reflection protection (§9.2.1): a responder refuses a challenge equal to
 * the one it sent on this connection, or to any it sent recently (a history
 * shared by all connections of the endpoint, bounded to
 * ISCSI_CHAP_HISTORY entries); a challenger refuses a response equal to
 * what it would itself have answered, i.e. the same secret used both ways.
 */
#ifndef ISCSI_CTS_CHAP_H
#define ISCSI_CTS_CHAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ISCSI_CHAP_ALG_MD5	     5 /* the one algorithm iSCSI mandates (§12.1.3) */
#define ISCSI_CHAP_MD5_LEN	     16
#define ISCSI_CHAP_BIN_MAX	     1024 /* binary length limit of C and R (§12.1.3) */
#define ISCSI_CHAP_CHALLENGE_DEFAULT 16
/* §9.2.1: a secret under 96 random bits needs IPsec encryption. */
#define ISCSI_CHAP_SECRET_MIN_CLEAR 12
#define ISCSI_CHAP_HISTORY	    64
/* "0x" + two hex digits per byte + NUL, for the longest CHAP_C or CHAP_R */
#define ISCSI_CHAP_HEX_MAX (2 + 2 * ISCSI_CHAP_BIN_MAX + 1)

/* ---- RFC 1994 primitives ------------------------------------------------ */

/* out = MD5(id || secret || challenge); 0, or -1 if libcrypto fails. */
int iscsi_chap_response(uint8_t id, const uint8_t *secret, size_t slen,
			const uint8_t *chal, size_t clen,
			uint8_t out[ISCSI_CHAP_MD5_LEN]);

/* len random bytes from the CSPRNG (RAND_bytes); 0 or -1. */
int iscsi_chap_challenge(uint8_t *buf, size_t len);

/* Constant-time comparison (CRYPTO_memcmp). */
bool iscsi_chap_equal(const uint8_t *a, const uint8_t *b, size_t len);

/* ---- key values ---------------------------------------------------------- */

bool iscsi_chap_alg_supported(uint64_t alg);

/*
 * Picks the algorithm for the target's CHAP_A answer from the initiator's
 * list (§12.1.3): the first one proposed that we support.  Values we do
 * not understand are ignored (§6.2.1).  Returns the algorithm, or 0 with
 * a reason in err when none is acceptable: the target then answers
 * CHAP_A=Reject and fails the login with Authentication Failure.
 */
int iscsi_chap_select_alg(const char *list, char *err, size_t errlen);

/* CHAP_I: a numerical-value 0..255 (RFC 1994 identifier is one octet). */
int iscsi_chap_parse_id(const char *v, uint8_t *id, char *err, size_t errlen);

/* CHAP_C / CHAP_R: a binary value of 1..1024 bytes (§12.1.3). */
int iscsi_chap_parse_bin(const char *v, uint8_t *out, size_t cap, size_t *len,
			 char *err, size_t errlen);

/* ---- exchange state ------------------------------------------------------ */

/*
 * Digests of the challenges an endpoint sent recently.  One per endpoint,
 * shared by its connections (the caller serializes access).
 */
struct iscsi_chap_history {
	uint8_t digest[ISCSI_CHAP_HISTORY][32]; /* SHA-256 of each challenge */
	unsigned count, next;
};

void iscsi_chap_history_init(struct iscsi_chap_history *h);
void iscsi_chap_history_add(struct iscsi_chap_history *h, const uint8_t *chal,
			    size_t clen);
bool iscsi_chap_history_has(const struct iscsi_chap_history *h,
			    const uint8_t *chal, size_t clen);

/* A configured CHAP identity: name (CHAP_N) and secret. */
struct iscsi_chap_cred {
	const char *name;
	const uint8_t *secret;
	size_t secret_len;
};

/* One connection's CHAP state. */
struct iscsi_chap {
	int alg;	 /* agreed CHAP_A, 0 until chosen */
	uint8_t id;	 /* CHAP_I this end sent */
	size_t chal_len; /* 0 until this end sent a challenge */
	uint8_t chal[ISCSI_CHAP_BIN_MAX];
	struct iscsi_chap_history *history; /* may be NULL */
};

/* The three values of the challenger's keys, ready for the text segment. */
struct iscsi_chap_keys {
	char a[4];		    /* CHAP_A, decimal */
	char i[4];		    /* CHAP_I, decimal */
	char c[ISCSI_CHAP_HEX_MAX]; /* CHAP_C, "0x..." */
};

void iscsi_chap_init(struct iscsi_chap *c, struct iscsi_chap_history *h);

/*
 * Challenger: picks a random identifier and a random challenge of len
 * bytes (0: ISCSI_CHAP_CHALLENGE_DEFAULT) for algorithm alg, records the
 * challenge in the history, and fills k (may be NULL).
 */
int iscsi_chap_new_challenge(struct iscsi_chap *c, int alg, size_t len,
			     struct iscsi_chap_keys *k, char *err,
			     size_t errlen);

/*
 * Challenger: checks CHAP_N and CHAP_R against the configured peer.  self,
 * when not NULL, is this end's own identity for the other direction: a
 * response that matches what self's secret would give is refused (§9.2.1).
 * 0 when authenticated, -1 with a reason otherwise.
 */
int iscsi_chap_verify(const struct iscsi_chap *c, const char *name,
		      const uint8_t *resp, size_t rlen,
		      const struct iscsi_chap_cred *peer,
		      const struct iscsi_chap_cred *self, char *err,
		      size_t errlen);
/* Same, from the CHAP_N and CHAP_R key values as received. */
int iscsi_chap_verify_keys(const struct iscsi_chap *c, const char *chap_n,
			   const char *chap_r,
			   const struct iscsi_chap_cred *peer,
			   const struct iscsi_chap_cred *self, char *err,
			   size_t errlen);

/*
 * Responder: answers the peer's CHAP_I/CHAP_C with self's secret, after the
 * reflection checks against c (may be NULL: no challenge of ours to
 * compare).  Uses c->alg when set, else MD5.
 */
int iscsi_chap_respond(const struct iscsi_chap *c, uint8_t id,
		       const uint8_t *chal, size_t clen,
		       const struct iscsi_chap_cred *self,
		       uint8_t out[ISCSI_CHAP_MD5_LEN], char *err,
		       size_t errlen);
/* Same, from key values; writes CHAP_R as "0x..." into r. */
int iscsi_chap_respond_keys(const struct iscsi_chap *c, const char *chap_i,
			    const char *chap_c,
			    const struct iscsi_chap_cred *self, char *r,
			    size_t rlen, char *err, size_t errlen);

#endif
