/* SPDX-License-Identifier: MIT */
/*
 * login_chap.c - authentication at login (RFC 7143 §6.3.2, §9.2.1, §12.1,
 * §12.1.3): a target that requires CHAP refuses None, a skipped security
 * stage and a premature transit; CHAP_A selection; the challenge; wrong,
 * unknown, malformed and short responses; CHAP_R in every binary form;
 * mutual CHAP and a reflected challenge.  Needs chap_url (and
 * mutual_url) with chap_user/chap_secret (mutual_user/mutual_secret) in
 * the profile.
 */
#include <stdio.h>
#include <string.h>

#include "profile.h"
#include "s1_util.h"

/* One CHAP exchange: the target's challenge. */
struct chap {
	struct s1_login *l;
	const char *user, *secret;
	uint8_t id;
	uint8_t chal[ISCSI_CHAP_BIN_MAX];
	size_t clen;
};

/* A connection to chap_url (or mutual_url); NULL after cts_skip or
 * cts_error. */
static struct s1_login *chap_open(struct cts_ctx *ctx, struct chap *ch,
				  enum s1_target which)
{
	const struct iscsi_url *u = s1_url(ctx, which);
	const struct cts_profile *p = cts_profile(ctx);

	memset(ch, 0, sizeof(*ch));
	if (!u)
		return NULL;
	if (!p->chap_user[0] || !p->chap_secret[0]) {
		cts_skip(ctx, "the profile has no chap_user/chap_secret");
		return NULL;
	}
	ch->user = p->chap_user;
	ch->secret = p->chap_secret;
	ch->l = s1_open(ctx, u);
	return ch->l;
}

/* AuthMethod=CHAP with the identity keys, T=0: CHAP must be answered. */
static int chap_method(struct chap *ch)
{
	struct s1_login *l = ch->l;
	struct iscsi_text k;
	const char *a;
	int rc;

	iscsi_text_init(&k);
	s1_identity(l, &k, false);
	iscsi_text_add(&k, "AuthMethod", "CHAP");
	rc = s1_step(l, 0, 1, false, &k, "Login Request AuthMethod=CHAP");
	iscsi_text_free(&k);
	if (rc || s1_want_status(l, 0, "Login Response to AuthMethod=CHAP"))
		return -1;
	a = iscsi_text_find(&l->r.keys, "AuthMethod");
	if (!a || strcmp(a, "CHAP") != 0) {
		cts_fail(l->ctx, "AuthMethod=CHAP", a ? a : "no AuthMethod",
			 "Login Response to AuthMethod=CHAP");
		return -1;
	}
	return 0;
}

/* CHAP_A=algs, T=0; the response is left in l->r. */
static int chap_a(struct chap *ch, const char *algs)
{
	struct iscsi_text k;
	char what[64];
	int rc;

	iscsi_text_init(&k);
	iscsi_text_add(&k, "CHAP_A", algs);
	snprintf(what, sizeof(what), "Login Request CHAP_A=%s", algs);
	rc = s1_step(ch->l, 0, 1, false, &k, what);
	iscsi_text_free(&k);
	return rc;
}

/* The challenge in l->r: CHAP_A=5, CHAP_I and CHAP_C (§12.1.3). */
static int chap_parse(struct chap *ch)
{
	struct s1_login *l = ch->l;
	const char *a = iscsi_text_find(&l->r.keys, "CHAP_A");
	const char *i = iscsi_text_find(&l->r.keys, "CHAP_I");
	const char *c = iscsi_text_find(&l->r.keys, "CHAP_C");
	char err[128];

	if (s1_want_status(l, 0, "Login Response to CHAP_A"))
		return -1;
	if (!a || strcmp(a, "5") != 0) {
		cts_fail(l->ctx, "CHAP_A=5", a ? a : "no CHAP_A",
			 "Login Response to CHAP_A");
		return -1;
	}
	if (!i || iscsi_chap_parse_id(i, &ch->id, err, sizeof(err)) < 0) {
		cts_fail(l->ctx, "CHAP_I=<0..255>", i ? i : "no CHAP_I",
			 "Login Response to CHAP_A (with CHAP_A and CHAP_C)");
		return -1;
	}
	if (!c || iscsi_chap_parse_bin(c, ch->chal, sizeof(ch->chal),
				       &ch->clen, err, sizeof(err)) < 0) {
		cts_fail(l->ctx, "CHAP_C=<binary value>", c ? c : "no CHAP_C",
			 "Login Response to CHAP_A (with CHAP_A and CHAP_I)");
		return -1;
	}
	return 0;
}

/* AuthMethod=CHAP, CHAP_A=5 and the challenge: 0 or -1 after a verdict. */
static int chap_begin(struct chap *ch)
{
	if (chap_method(ch) || chap_a(ch, "5"))
		return -1;
	return chap_parse(ch);
}

/* R = MD5(I || secret || C) for the target's challenge. */
static void chap_r(const struct chap *ch, const char *secret,
		   uint8_t r[ISCSI_CHAP_MD5_LEN])
{
	iscsi_chap_response(ch->id, (const uint8_t *)secret, strlen(secret),
			    ch->chal, ch->clen, r);
}

/* CHAP_N=name CHAP_R=r (and more keys), T=1 to the operational stage. */
static int chap_send(struct chap *ch, const char *name, const char *r,
		     const struct iscsi_text *more, const char *what)
{
	struct iscsi_text k;
	int rc;

	iscsi_text_init(&k);
	iscsi_text_add(&k, "CHAP_N", name);
	iscsi_text_add(&k, "CHAP_R", r);
	for (size_t i = 0; more && i < more->n; i++)
		iscsi_text_add(&k, more->kv[i].key, more->kv[i].value);
	rc = s1_step(ch->l, 0, 1, true, &k, what);
	iscsi_text_free(&k);
	return rc;
}

/* A refusal: Status-Class 2 (0x0201 noted as the expected detail). */
static void want_refused(struct s1_login *l, const char *what)
{
	if (s1_status(l) == ISCSI_LOGIN_STATUS_AUTH_FAILED)
		return;
	s1_want_class(l, 2, what);
}

CTS_TEST_D(chap_none, "login.chap.none-refused", "7143 12.1", CTS_MUST,
	   "a target that requires CHAP does not accept AuthMethod=None",
	   "auth-bypass")
{
	struct chap ch;
	struct iscsi_text k;
	const char *a;

	if (!chap_open(ctx, &ch, S1_CHAP))
		return;
	iscsi_text_init(&k);
	s1_identity(ch.l, &k, false);
	iscsi_text_add(&k, "AuthMethod", "None");
	if (s1_step(ch.l, 0, 1, true, &k, "Login Request AuthMethod=None") < 0)
		goto out;
	a = iscsi_text_find(&ch.l->r.keys, "AuthMethod");
	if (s1_status(ch.l) == 0 && !ch.l->r.f.transit && a &&
	    strcmp(a, ISCSI_REJECT) == 0)
		cts_note(ctx, "AuthMethod=Reject answered, no transit");
	else if (s1_status(ch.l) == 0)
		cts_fail(ctx, "Status-Class 2 Detail 0x01 (or AuthMethod="
			      "Reject without transit)",
			 a ? a : "Status-Class 0",
			 "Login Response to AuthMethod=None T=1 on a target "
			 "requiring CHAP");
	else
		want_refused(ch.l, "Login Response to AuthMethod=None on a "
				   "target requiring CHAP");
out:
	iscsi_text_free(&k);
}

CTS_TEST_D(chap_skip, "login.chap.security-stage-skipped", "7143 6.3.2",
	   CTS_MUST, "a target that requires CHAP refuses a login starting in "
		     "the operational stage with 0x0201",
	   "auth-bypass")
{
	struct chap ch;
	struct iscsi_text k;

	if (!chap_open(ctx, &ch, S1_CHAP))
		return;
	iscsi_text_init(&k);
	s1_identity(ch.l, &k, false);
	if (s1_step(ch.l, 1, 3, true, &k, "Login Request CSG=1 NSG=3 T=1") == 0)
		s1_want_status(ch.l, ISCSI_LOGIN_STATUS_AUTH_FAILED,
			       "Login Response to a login that skips the "
			       "security stage of a target requiring CHAP");
	iscsi_text_free(&k);
}

CTS_TEST_D(chap_premature, "login.chap.premature-transit", "7143 6.3.2",
	   CTS_MUST, "a transit asked before CHAP is done is not granted (0x0201 "
		     "or T=0, and the operational stage stays closed)",
	   "auth-bypass")
{
	struct chap ch;

	if (!chap_open(ctx, &ch, S1_CHAP) || chap_begin(&ch))
		return;
	/* no CHAP_N/CHAP_R, T=1 */
	if (s1_step(ch.l, 0, 1, true, NULL,
		    "Login Request T=1 without CHAP_N/CHAP_R") < 0)
		return;
	if (s1_status(ch.l)) {
		want_refused(ch.l, "Login Response to a transit before CHAP "
				   "was done");
		return;
	}
	if (ch.l->r.f.transit) {
		cts_fail(ctx, "Status-Class 2 Detail 0x01, or T=0", "T=1",
			 "Login Response to a transit before CHAP was done");
		return;
	}
	cts_note(ctx, "the target answered T=0");
	if (s1_step(ch.l, 1, 3, true, NULL,
		    "operational stage Login Request before CHAP was done") ==
	    0)
		s1_want_class(ch.l, 2, "Login Response to CSG=1 before CHAP "
				       "was done");
}

/*
 * "Unknown" algorithms are numbers IANA has not assigned in the PPP
 * authentication algorithm registry (§12.1.3 points there): 6 (SHA-1) and
 * 7 (SHA-256) are registered and a target may legitimately pick them.
 */
#define CHAP_A_UNKNOWN "200,201"

CTS_TEST_D(chap_alg_pick, "login.chap.alg-unknown-first", "7143 12.1.3",
	   CTS_MUST, "CHAP_A=200,201,5 (200, 201 unassigned) is answered "
		     "CHAP_A=5 (MD5)", "chap-a-first")
{
	struct chap ch;
	const char *a;

	if (!chap_open(ctx, &ch, S1_CHAP) || chap_method(&ch) ||
	    chap_a(&ch, CHAP_A_UNKNOWN ",5") ||
	    s1_want_status(ch.l, 0,
			   "Login Response to CHAP_A=" CHAP_A_UNKNOWN ",5"))
		return;
	a = iscsi_text_find(&ch.l->r.keys, "CHAP_A");
	if (!a || strcmp(a, "5") != 0)
		cts_fail(ctx, "CHAP_A=5", a ? a : "no CHAP_A",
			 "Login Response to CHAP_A=" CHAP_A_UNKNOWN ",5");
}

CTS_TEST_D(chap_alg_none, "login.chap.alg-none-acceptable", "7143 12.1.3",
	   CTS_MUST, "CHAP_A with no supported algorithm (200,201) is "
		     "refused (CHAP_A=Reject or Status-Class 2), no challenge "
		     "sent",
	   "chap-a-first")
{
	struct chap ch;
	const char *a;

	if (!chap_open(ctx, &ch, S1_CHAP) || chap_method(&ch) ||
	    chap_a(&ch, CHAP_A_UNKNOWN))
		return;
	if (s1_status(ch.l)) {
		want_refused(ch.l, "Login Response to CHAP_A=" CHAP_A_UNKNOWN);
		return;
	}
	a = iscsi_text_find(&ch.l->r.keys, "CHAP_A");
	if (a && strcmp(a, ISCSI_REJECT) == 0 &&
	    !iscsi_text_find(&ch.l->r.keys, "CHAP_C"))
		cts_note(ctx, "CHAP_A=Reject answered");
	else
		cts_fail(ctx, "CHAP_A=Reject or Status-Class 2",
			 a ? a : "no CHAP_A",
			 "Login Response to CHAP_A=" CHAP_A_UNKNOWN);
}

CTS_TEST_D(chap_together, "login.chap.challenge-complete", "7143 12.1.3",
	   CTS_MUST, "the answer to CHAP_A carries CHAP_A, CHAP_I (0..255) "
		     "and CHAP_C together",
	   "chap-challenge-incomplete")
{
	struct chap ch;

	if (chap_open(ctx, &ch, S1_CHAP))
		chap_begin(&ch);
}

CTS_TEST_D(chap_fresh, "login.chap.challenge-fresh", "7143 9.2.1",
	   CTS_MUST, "every login gets a new CHAP_C", "chap-static-challenge")
{
	uint8_t seen[3][ISCSI_CHAP_BIN_MAX];
	size_t len[3];
	struct chap ch;

	for (unsigned n = 0; n < 3; n++) {
		if (!chap_open(ctx, &ch, S1_CHAP) || chap_begin(&ch))
			return;
		memcpy(seen[n], ch.chal, ch.clen);
		len[n] = ch.clen;
		for (unsigned m = 0; m < n; m++)
			if (len[m] == len[n] &&
			    memcmp(seen[m], seen[n], len[n]) == 0) {
				cts_fail(ctx, "a new CHAP_C every login",
					 "the same CHAP_C twice",
					 "logins %u and %u to chap_url",
					 m + 1, n + 1);
				return;
			}
	}
}

CTS_TEST_D(chap_wrong, "login.chap.wrong-response", "7143 12.1.3", CTS_MUST,
	   "a wrong CHAP_R is refused with 0x0201", "chap-accept-any")
{
	struct chap ch;
	uint8_t r[ISCSI_CHAP_MD5_LEN];
	char hex[64];

	if (!chap_open(ctx, &ch, S1_CHAP) || chap_begin(&ch))
		return;
	chap_r(&ch, "not-the-secret-at-all", r);
	iscsi_bin_to_hex(r, sizeof(r), hex, sizeof(hex));
	if (chap_send(&ch, ch.user, hex, NULL, "Login Request with a wrong "
					       "CHAP_R") == 0)
		s1_want_status(ch.l, ISCSI_LOGIN_STATUS_AUTH_FAILED,
			       "Login Response to a wrong CHAP_R");
}

CTS_TEST_D(chap_unknown, "login.chap.unknown-user", "7143 12.1.3", CTS_MUST,
	   "an unknown CHAP_N is refused with 0x0201", "chap-accept-any")
{
	struct chap ch;
	uint8_t r[ISCSI_CHAP_MD5_LEN];
	char hex[64];

	if (!chap_open(ctx, &ch, S1_CHAP) || chap_begin(&ch))
		return;
	chap_r(&ch, ch.secret, r);
	iscsi_bin_to_hex(r, sizeof(r), hex, sizeof(hex));
	if (chap_send(&ch, "no-such-chap-user", hex, NULL,
		      "Login Request with an unknown CHAP_N") == 0)
		s1_want_status(ch.l, ISCSI_LOGIN_STATUS_AUTH_FAILED,
			       "Login Response to an unknown CHAP_N");
}

CTS_TEST_D(chap_malformed, "login.chap.malformed-response", "7143 12.1.3",
	   CTS_MUST, "a CHAP_R that is not a binary value is refused",
	   "chap-accept-any")
{
	struct chap ch;

	if (!chap_open(ctx, &ch, S1_CHAP) || chap_begin(&ch))
		return;
	if (chap_send(&ch, ch.user, "0xZZ12notHex", NULL,
		      "Login Request with CHAP_R=0xZZ12notHex") == 0)
		want_refused(ch.l, "Login Response to a malformed CHAP_R");
}

CTS_TEST_D(chap_short, "login.chap.short-response", "7143 12.1.3", CTS_MUST,
	   "a CHAP_R of 8 bytes (MD5 gives 16) is refused", "chap-accept-any")
{
	struct chap ch;
	uint8_t r[ISCSI_CHAP_MD5_LEN];
	char hex[64];

	if (!chap_open(ctx, &ch, S1_CHAP) || chap_begin(&ch))
		return;
	chap_r(&ch, ch.secret, r);
	iscsi_bin_to_hex(r, 8, hex, sizeof(hex));
	if (chap_send(&ch, ch.user, hex, NULL,
		      "Login Request with the first 8 bytes of CHAP_R") == 0)
		want_refused(ch.l, "Login Response to an 8-byte CHAP_R");
}

/* The right CHAP_R, written by fmt, must authenticate. */
static void chap_form(struct cts_ctx *ctx, bool base64, const char *form)
{
	struct chap ch;
	uint8_t r[ISCSI_CHAP_MD5_LEN];
	char v[64], what[96];

	if (!chap_open(ctx, &ch, S1_CHAP) || chap_begin(&ch))
		return;
	chap_r(&ch, ch.secret, r);
	if (base64) {
		iscsi_bin_to_base64(r, sizeof(r), v, sizeof(v));
	} else {
		iscsi_bin_to_hex(r, sizeof(r), v, sizeof(v));
		for (char *p = v; *p; p++)
			if (*p >= 'a' && *p <= 'z')
				*p = (char)(*p - 'a' + 'A');
	}
	snprintf(what, sizeof(what), "Login Request with CHAP_R in %s (%s)",
		 form, v);
	if (chap_send(&ch, ch.user, v, NULL, what) < 0)
		return;
	snprintf(what, sizeof(what), "Login Response to CHAP_R in %s", form);
	if (s1_want_status(ch.l, 0, what) == 0 && !ch.l->r.f.transit)
		cts_note(ctx, "authenticated; the target answered T=0");
}

CTS_TEST_D(chap_hex_upper, "login.chap.response-hex-upper", "7143 6.1",
	   CTS_MUST, "CHAP_R as 0X and upper-case hex digits is accepted",
	   "chap-r-strict-form")
{
	chap_form(ctx, false, "upper-case hex");
}

CTS_TEST_D(chap_base64, "login.chap.response-base64", "7143 6.1", CTS_MUST,
	   "CHAP_R in base64 (0b...) is accepted", "chap-r-strict-form")
{
	chap_form(ctx, true, "base64");
}

/* mutual_url with the mutual credentials, else skip. */
static struct s1_login *mutual_open(struct cts_ctx *ctx, struct chap *ch)
{
	const struct cts_profile *p = cts_profile(ctx);

	if (!chap_open(ctx, ch, S1_MUTUAL))
		return NULL;
	if (!p->mutual_user[0] || !p->mutual_secret[0]) {
		cts_skip(ctx, "the profile has no mutual_user/mutual_secret");
		return NULL;
	}
	return ch->l;
}

CTS_TEST_D(chap_mutual, "login.chap.mutual-response", "7143 12.1.3",
	   CTS_MUST, "in mutual CHAP the target answers with its CHAP_N and "
		     "MD5(I || secret || C) of the initiator's challenge",
	   "chap-mutual-wrong")
{
	const struct cts_profile *p = cts_profile(ctx);
	uint8_t r[ISCSI_CHAP_MD5_LEN], want[ISCSI_CHAP_MD5_LEN], got[64];
	uint8_t mychal[16] = {0x13, 0x57, 0x9b, 0xdf, 0x24, 0x68, 0xac, 0xe0,
			      0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88};
	struct iscsi_text more;
	struct chap ch;
	char hex[64], c[64], err[128];
	const char *n, *tr;
	size_t glen = 0;

	if (!mutual_open(ctx, &ch) || chap_begin(&ch))
		return;
	chap_r(&ch, ch.secret, r);
	iscsi_bin_to_hex(r, sizeof(r), hex, sizeof(hex));
	iscsi_chap_challenge(mychal, 8); /* half random, half fixed */
	iscsi_bin_to_hex(mychal, sizeof(mychal), c, sizeof(c));
	iscsi_text_init(&more);
	s1_keys(&more, "CHAP_I=77", NULL);
	iscsi_text_add(&more, "CHAP_C", c);
	if (chap_send(&ch, ch.user, hex, &more, "Login Request CHAP_N, CHAP_R"
						" with CHAP_I=77 and CHAP_C") ||
	    s1_want_status(ch.l, 0, "Login Response to mutual CHAP"))
		goto out;
	n = iscsi_text_find(&ch.l->r.keys, "CHAP_N");
	tr = iscsi_text_find(&ch.l->r.keys, "CHAP_R");
	if (!n || strcmp(n, p->mutual_user) != 0) {
		cts_fail(ctx, p->mutual_user, n ? n : "no CHAP_N",
			 "CHAP_N of the target in mutual CHAP");
		goto out;
	}
	iscsi_chap_response(77, (const uint8_t *)p->mutual_secret,
			    strlen(p->mutual_secret), mychal, sizeof(mychal),
			    want);
	if (!tr || iscsi_value_to_bin(tr, got, sizeof(got), &glen, err,
				      sizeof(err)) < 0 ||
	    glen != sizeof(want) || memcmp(got, want, glen) != 0) {
		iscsi_bin_to_hex(want, sizeof(want), hex, sizeof(hex));
		cts_fail(ctx, hex, tr ? tr : "no CHAP_R",
			 "CHAP_R of the target for CHAP_I=77 and our CHAP_C");
	}
out:
	iscsi_text_free(&more);
}

CTS_TEST_D(chap_reflect, "login.chap.mutual-reflection", "7143 9.2.1",
	   CTS_MUST, "a mutual challenge equal to the target's own CHAP_C is "
		     "refused",
	   "chap-accept-reflection")
{
	uint8_t r[ISCSI_CHAP_MD5_LEN];
	struct iscsi_text more;
	struct chap ch;
	char hex[64], id[8], c[ISCSI_CHAP_HEX_MAX];

	if (!mutual_open(ctx, &ch) || chap_begin(&ch))
		return;
	chap_r(&ch, ch.secret, r);
	iscsi_bin_to_hex(r, sizeof(r), hex, sizeof(hex));
	iscsi_bin_to_hex(ch.chal, ch.clen, c, sizeof(c));
	snprintf(id, sizeof(id), "%u", ch.id);
	iscsi_text_init(&more);
	iscsi_text_add(&more, "CHAP_I", id);
	iscsi_text_add(&more, "CHAP_C", c);
	if (chap_send(&ch, ch.user, hex, &more,
		      "Login Request with the target's own CHAP_I/CHAP_C as "
		      "the mutual challenge") == 0)
		want_refused(ch.l, "Login Response to a reflected challenge");
	iscsi_text_free(&more);
}
