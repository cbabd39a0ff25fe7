/* SPDX-License-Identifier: MIT */
/*
 * login_auth.c - the security negotiation stage as the target runs it
 * (RFC 7143 §6.3.2, §12.1 AuthMethod, §12.1.3 CHAP over RFC 1994):
 *
 *   I: AuthMethod=CHAP,None         T: AuthMethod=CHAP
 *   I: CHAP_A=<A1,A2..>             T: CHAP_A=5 CHAP_I=<I> CHAP_C=<C>
 *   I: CHAP_N=<N> CHAP_R=<R>        T: (T=1 when the initiator asks)
 *      [CHAP_I=<I> CHAP_C=<C>]         [CHAP_N=<N> CHAP_R=<R>]  mutual
 *
 * A target with IncomingUser lines requires CHAP; one without accepts
 * None.  Every failure is 0x0201 "authentication failure" (§11.13.5):
 * a wrong or unknown CHAP_N/CHAP_R, no acceptable algorithm, keys out of
 * order, a transit asked before CHAP is done, a mutual challenge with no
 * OutgoingUser to answer it, a reflected challenge (§9.2.1).
 *
 * Reflection (§9.2.1): the challenges this target sent recently, on any
 * connection, are kept in one history per process (one endpoint), under
 * its own mutex since reactors run in several threads.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "login_int.h"

static struct iscsi_chap_history chap_history; /* zero = empty */
static pthread_mutex_t chap_history_lock = PTHREAD_MUTEX_INITIALIZER;

/* The users this login authenticates against, and our own identity. */
static void auth_users(const struct tgt_conn *c, const struct login_state *ls,
		       const struct tgt_user **users, size_t *n,
		       const struct tgt_user **self)
{
	const struct tgt_config *cfg = &c->srv->cfg;

	if (ls->discovery) {
		/* §12.1: discovery sessions authenticate with the global
		 * (discovery) users when some are configured */
		*users = cfg->disc_in;
		*n = cfg->n_disc_in;
		*self = cfg->has_disc_out ? &cfg->disc_out : NULL;
	} else if (ls->target) {
		*users = ls->target->cfg->in_users;
		*n = ls->target->cfg->n_in_users;
		*self = ls->target->cfg->has_out_user
				? &ls->target->cfg->out_user
				: NULL;
	} else {
		*users = NULL;
		*n = 0;
		*self = NULL;
	}
}

void login_auth_setup(struct tgt_conn *c, struct login_state *ls)
{
	const struct tgt_user *users, *self;
	size_t n;

	auth_users(c, ls, &users, &n, &self);
	ls->auth_required = n > 0;
	ls->auth = AUTH_START;
	iscsi_chap_init(&ls->chap, NULL); /* history used under the lock */
}

static void cred_of(const struct tgt_user *u, struct iscsi_chap_cred *cr)
{
	cr->name = u->name;
	cr->secret = (const uint8_t *)u->secret;
	cr->secret_len = strlen(u->secret);
}

static int auth_fail(struct login_error *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int auth_fail(struct login_error *e, const char *fmt, ...)
{
	va_list ap;

	e->status = ISCSI_LOGIN_STATUS_AUTH_FAILED;
	va_start(ap, fmt);
	vsnprintf(e->why, sizeof(e->why), fmt, ap);
	va_end(ap);
	return -1;
}

/* AuthMethod (§12.1): CHAP when users are configured, else None. */
static int auth_method(struct tgt_conn *c, struct login_state *ls,
		       const char *offer, struct iscsi_text *out,
		       struct login_error *e)
{
	const struct iscsi_key_def *k = iscsi_key_find("AuthMethod");
	struct iscsi_negctx ctx;
	char ans[64];
	int rc;

	iscsi_negctx_init(&ctx);
	ctx.stage = ISCSI_STAGE_SECURITY;
	ctx.leading = ls->leading;
	ctx.discovery = ls->discovery;
	rc = iscsi_key_answer(k, offer, ls->auth_required ? "CHAP" : "None",
			      &ctx, ans, sizeof(ans));
	if (rc == 1 && iscsi_value_special(ans) != ISCSI_VAL_PLAIN &&
	    iscsi_list_contains(offer, "None", 4) &&
	    defect_on(&c->srv->defects, DEFECT_AUTH_BYPASS)) {
		snprintf(ans, sizeof(ans), "None"); /* breaks §6.3.2 */
		ctx.fail_login = ctx.protocol_error = false;
	}
	if (rc != 1 || ctx.fail_login || ctx.protocol_error ||
	    iscsi_value_special(ans) != ISCSI_VAL_PLAIN)
		/* §11.13.5: "target authentication is not supported", or
		 * the initiator will not authenticate as required */
		return auth_fail(e, "AuthMethod=%.64s: no acceptable method "
				    "(§12.1)",
				 offer);
	if (iscsi_text_add(out, "AuthMethod", ans) < 0)
		return auth_fail(e, "no memory");
	ls->auth = strcmp(ans, "CHAP") == 0 ? AUTH_CHAP_A : AUTH_DONE;
	return 0;
}

/* CHAP_STATIC_CHALLENGE: the same identifier and challenge every time
 * (breaks §9.2.1's fresh challenges). */
static void static_challenge(struct login_state *ls,
			     struct iscsi_chap_keys *keys)
{
	ls->chap.id = 7;
	ls->chap.chal_len = ISCSI_CHAP_CHALLENGE_DEFAULT;
	memset(ls->chap.chal, 0x5a, ls->chap.chal_len);
	snprintf(keys->i, sizeof(keys->i), "7");
	iscsi_bin_to_hex(ls->chap.chal, ls->chap.chal_len, keys->c,
			 sizeof(keys->c));
}

/* CHAP_A_FIRST: the first item of the list, whatever it is. */
static void first_alg(const char *list, struct iscsi_chap_keys *keys)
{
	const char *cur = list, *item;
	size_t n;

	if (iscsi_list_next(&cur, &item, &n) && n && n < sizeof(keys->a))
		snprintf(keys->a, sizeof(keys->a), "%.*s", (int)n, item);
}

/* CHAP_A (§12.1.3): pick MD5 and send A, I and C together. */
static int auth_chap_a(struct tgt_conn *c, struct login_state *ls,
		       const char *list, struct iscsi_text *out,
		       struct login_error *e)
{
	const struct defect_set *d = &c->srv->defects;
	struct iscsi_chap_keys keys;
	char err[160];
	int alg, rc;

	alg = iscsi_chap_select_alg(list, err, sizeof(err));
	if (alg <= 0 && defect_on(d, DEFECT_CHAP_A_FIRST))
		alg = ISCSI_CHAP_ALG_MD5;
	if (alg <= 0)
		return auth_fail(e, "CHAP_A: %s (§12.1.3)", err);
	pthread_mutex_lock(&chap_history_lock);
	ls->chap.history = &chap_history;
	rc = iscsi_chap_new_challenge(&ls->chap, alg, 0, &keys, err,
				      sizeof(err));
	ls->chap.history = NULL;
	pthread_mutex_unlock(&chap_history_lock);
	if (rc < 0)
		return auth_fail(e, "CHAP challenge: %s", err);
	if (defect_on(d, DEFECT_CHAP_STATIC_CHALLENGE))
		static_challenge(ls, &keys);
	if (defect_on(d, DEFECT_CHAP_A_FIRST))
		first_alg(list, &keys);
	if (iscsi_text_add(out, "CHAP_A", keys.a) < 0 ||
	    (!defect_on(d, DEFECT_CHAP_CHALLENGE_INCOMPLETE) &&
	     iscsi_text_add(out, "CHAP_I", keys.i) < 0) ||
	    iscsi_text_add(out, "CHAP_C", keys.c) < 0)
		return auth_fail(e, "no memory");
	ls->auth = AUTH_CHAP_R;
	return 0;
}

/* "0x" and lower-case digits: the one form CHAP_R_STRICT_FORM takes. */
static bool lower_hex(const char *v)
{
	if (strncmp(v, "0x", 2) != 0)
		return false;
	for (v += 2; *v; v++)
		if (*v >= 'A' && *v <= 'F')
			return false;
	return true;
}

/* CHAP_N/CHAP_R from the initiator (§12.1.3). */
static int auth_verify(struct tgt_conn *c, struct login_state *ls,
		       const char *n, const char *r, struct login_error *e)
{
	const struct tgt_user *users, *self;
	struct iscsi_chap_cred peer, me;
	size_t nusers;
	char err[200];

	auth_users(c, ls, &users, &nusers, &self);
	if (!n || !r)
		return auth_fail(e, "CHAP_N and CHAP_R are both due "
				    "(§12.1.3)");
	if (defect_on(&c->srv->defects, DEFECT_CHAP_R_STRICT_FORM) &&
	    !lower_hex(r))
		return auth_fail(e, "CHAP_R=%.40s: not lower-case 0x hex", r);
	for (size_t i = 0; i < nusers; i++) {
		if (strcmp(users[i].name, n) != 0)
			continue;
		cred_of(&users[i], &peer);
		if (self)
			cred_of(self, &me);
		if (defect_on(&c->srv->defects, DEFECT_CHAP_ACCEPT_ANY))
			return 0;
		if (iscsi_chap_verify_keys(&ls->chap, n, r, &peer,
					   self ? &me : NULL, err,
					   sizeof(err)) == 0)
			return 0;
		return auth_fail(e, "CHAP: %s", err);
	}
	if (defect_on(&c->srv->defects, DEFECT_CHAP_ACCEPT_ANY))
		return 0;
	return auth_fail(e, "CHAP_N=%.64s is not a configured user "
			    "(§12.1.3)",
			 n);
}

/* Mutual CHAP: answer the initiator's CHAP_I/CHAP_C (§12.1.3). */
static int auth_mutual(struct tgt_conn *c, struct login_state *ls,
		       const char *ci, const char *cc, struct iscsi_text *out,
		       struct login_error *e)
{
	const struct tgt_user *users, *self;
	struct iscsi_chap_cred me;
	struct iscsi_chap chk;
	char r[2 + 2 * ISCSI_CHAP_MD5_LEN + 1], err[200];
	size_t n;
	int rc;

	if (!ci || !cc)
		return auth_fail(e, "CHAP_I and CHAP_C come together "
				    "(§12.1.3)");
	auth_users(c, ls, &users, &n, &self);
	if (!self)
		return auth_fail(e, "mutual CHAP asked but no OutgoingUser "
				    "is configured");
	cred_of(self, &me);
	/* §9.2.1: refuse our own challenge, from this connection or any
	 * other recently; the defect skips both checks */
	chk = ls->chap;
	if (defect_on(&c->srv->defects, DEFECT_CHAP_ACCEPT_REFLECTION)) {
		chk.chal_len = 0;
		rc = iscsi_chap_respond_keys(&chk, ci, cc, &me, r, sizeof(r),
					     err, sizeof(err));
	} else {
		pthread_mutex_lock(&chap_history_lock);
		chk.history = &chap_history;
		rc = iscsi_chap_respond_keys(&chk, ci, cc, &me, r, sizeof(r),
					     err, sizeof(err));
		pthread_mutex_unlock(&chap_history_lock);
	}
	memset(&chk, 0, sizeof(chk));
	if (rc < 0)
		return auth_fail(e, "mutual CHAP: %s", err);
	if (defect_on(&c->srv->defects, DEFECT_CHAP_MUTUAL_WRONG))
		r[strlen(r) - 1] = r[strlen(r) - 1] == '0' ? '1' : '0';
	if (iscsi_text_add(out, "CHAP_N", self->name) < 0 ||
	    iscsi_text_add(out, "CHAP_R", r) < 0)
		return auth_fail(e, "no memory");
	return 0;
}

/* Security keys present in the request, by name. */
struct sec_keys {
	const char *method, *a, *i, *c, *n, *r;
};

static void sec_keys_of(const struct iscsi_text *in, struct sec_keys *k)
{
	k->method = iscsi_text_find(in, "AuthMethod");
	k->a = iscsi_text_find(in, "CHAP_A");
	k->i = iscsi_text_find(in, "CHAP_I");
	k->c = iscsi_text_find(in, "CHAP_C");
	k->n = iscsi_text_find(in, "CHAP_N");
	k->r = iscsi_text_find(in, "CHAP_R");
}

static bool any_chap(const struct sec_keys *k)
{
	return k->a || k->i || k->c || k->n || k->r;
}

int login_auth_step(struct tgt_conn *c, struct login_state *ls,
		    const struct iscsi_text *in, bool transit,
		    struct iscsi_text *out, struct login_error *e)
{
	struct sec_keys k;

	sec_keys_of(in, &k);
	switch (ls->auth) {
	case AUTH_START:
		if (any_chap(&k))
			return auth_fail(e, "CHAP keys before AuthMethod=CHAP "
					    "was agreed (§12.1.3)");
		if (k.method && auth_method(c, ls, k.method, out, e) < 0)
			return -1;
		/* §6.3.2: leaving the security stage needs authentication
		 * when the target requires it */
		if (transit && ls->auth == AUTH_START && ls->auth_required &&
		    defect_on(&c->srv->defects, DEFECT_AUTH_BYPASS))
			ls->auth = AUTH_DONE; /* breaks §6.3.2 */
		if (transit && ls->auth == AUTH_START && ls->auth_required)
			return auth_fail(e, "transit asked with no "
					    "authentication (§6.3.2)");
		return 0;
	case AUTH_CHAP_A:
		if (k.method || k.i || k.c || k.n || k.r)
			return auth_fail(e, "CHAP_A expected (§12.1.3)");
		if (!k.a) {
			if (transit &&
			    defect_on(&c->srv->defects, DEFECT_AUTH_BYPASS)) {
				ls->auth = AUTH_DONE;
				return 0;
			}
			if (transit)
				return auth_fail(e, "transit asked before "
						    "CHAP was done (§6.3.2)");
			return 0;
		}
		return auth_chap_a(c, ls, k.a, out, e);
	case AUTH_CHAP_R:
		if (k.method || k.a)
			return auth_fail(e, "CHAP_N/CHAP_R expected "
					    "(§12.1.3)");
		if (!k.n && !k.r && !k.i && !k.c) {
			if (transit &&
			    defect_on(&c->srv->defects, DEFECT_AUTH_BYPASS)) {
				ls->auth = AUTH_DONE;
				return 0;
			}
			if (transit)
				return auth_fail(e, "transit asked before "
						    "CHAP was done (§6.3.2)");
			return 0;
		}
		if (auth_verify(c, ls, k.n, k.r, e) < 0)
			return -1;
		if ((k.i || k.c) && auth_mutual(c, ls, k.i, k.c, out, e) < 0)
			return -1;
		ls->auth = AUTH_DONE;
		return 0;
	case AUTH_DONE:
		if (k.method || any_chap(&k))
			return auth_fail(e, "security keys after the "
					    "authentication ended (§12.1)");
		return 0;
	}
	return 0;
}
