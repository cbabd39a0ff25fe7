/* SPDX-License-Identifier: MIT */
/*
 * s1_util.h - helpers of the login, CHAP and negotiation suites
 * (suites/login*.c, suites/neg*.c): a login driven one Login Request at a
 * time, the keys of a first request, the status and close checks every
 * failure test makes, and "offer these keys in the operational stage and
 * tell me the answers".
 *
 * Helpers record a verdict themselves only when they say so: those
 * returning -1 have called cts_fail (the target broke a rule on the way),
 * cts_skip or cts_error; the test then just returns.
 */
#ifndef ISCSI_CTS_SUITES_S1_UTIL_H
#define ISCSI_CTS_SUITES_S1_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine.h"

/*
 * How long a test waits for the target to close after a failure.  The RFC
 * sets no deadline; istgt 0.4 notices a connection it marked for closing
 * only when its 3 s poll() wakes up, so allow more than that.
 */
#define S1_CLOSE_MS 5000u
/*
 * How long it waits for a Login Response.  RFC 7143 sets no time limit on
 * answering a Login Request; some targets take over a second per leading
 * login (istgt 0.4 sleeps 1 s under a global lock), so this is generous.
 */
#define S1_RSP_MS 5000u

/* One login on one connection, driven request by request. */
struct s1_login {
	struct cts_ctx *ctx;
	const struct iscsi_url *u;
	struct cts_session *s;
	struct cts_conn *c;
	struct cts_login_rsp r; /* the last response received */
	unsigned nrsp;		/* Login Responses received */
};

/* Which of the profile's targets a test needs. */
enum s1_target { S1_PLAIN, S1_CHAP, S1_MUTUAL, S1_MC, S1_DISCOVERY };

/* The URL of that target, or NULL after cts_skip naming the profile key
 * (S1_PLAIN is the run's target and always present). */
const struct iscsi_url *s1_url(struct cts_ctx *ctx, enum s1_target which);

/*
 * A new session with one connection to u (not logged in), freed when the
 * test ends.  NULL after cts_error.
 */
struct s1_login *s1_open(struct cts_ctx *ctx, const struct iscsi_url *u);
/* Same, in an existing session s (same ISID and TSIH; a new CID, or
 * `cid` when it is not negative). */
struct s1_login *s1_open_in(struct cts_ctx *ctx, struct cts_session *s,
			    const struct iscsi_url *u, int cid);

/* Appends "Key=Value" items (a NULL-terminated list) to t. */
void s1_keys(struct iscsi_text *t, ...) __attribute__((sentinel));
/* InitiatorName, SessionType (leading logins) and TargetName (normal
 * sessions) of u. */
void s1_identity(const struct s1_login *l, struct iscsi_text *t,
		 bool discovery);

/*
 * One Login Request with these stage fields and keys (NULL: none); f
 * (may be NULL) is modified by mod before it goes out.  0, or -1 after
 * cts_error.
 */
int s1_send(struct s1_login *l, uint8_t csg, uint8_t nsg, bool transit,
	    bool cont, const struct iscsi_text *keys);
int s1_send_f(struct s1_login *l, const struct iscsi_login_req_f *f,
	      const struct iscsi_text *keys);

/* Receives the next PDU into l->r.  0 when it is a Login Response;
 * -1 after cts_fail (nothing, a close, another PDU) naming `what`. */
int s1_recv(struct s1_login *l, const char *what);

/* s1_send then s1_recv. */
int s1_step(struct s1_login *l, uint8_t csg, uint8_t nsg, bool transit,
	    const struct iscsi_text *keys, const char *what);

/* The status of l->r: class << 8 | detail. */
uint16_t s1_status(const struct s1_login *l);

/* "Status-Class 2 Detail 0x07" for a status. */
void s1_status_str(uint16_t st, char *buf, size_t len);

/* cts_fail unless l->r carries exactly status want.  0 when it does. */
int s1_want_status(struct s1_login *l, uint16_t want, const char *what);
/* cts_fail unless l->r carries Status-Class cls; notes the detail. */
int s1_want_class(struct s1_login *l, uint8_t cls, const char *what);

/*
 * After a failing Login Response: the response carries no data segment
 * and T=0, and the target closes the connection within S1_CLOSE_MS.
 * 0, or -1 after cts_fail.
 */
int s1_want_no_keys(struct s1_login *l, const char *what);
int s1_want_closed(struct s1_login *l, const char *what);

/*
 * Security stage with AuthMethod=None and the identity keys, T=1 to the
 * operational stage (empty T=1 requests until the target transits).
 * 0; a positive status when the target refused; -1 after a verdict.
 */
int s1_to_operational(struct s1_login *l, bool discovery);
/* Same for a normal session, where a refusal is an ERROR (the test needs
 * the operational stage to check something else): 0 or -1. */
int s1_need_operational(struct s1_login *l);

/*
 * The operational stage: offers keys with T=1 NSG=3 (C=1 responses are
 * gathered, keys the target offers itself are answered with RFC
 * defaults) until the target transits.  Every key of every response is
 * appended to ans.  0 in full feature phase (the session's TSIH, the
 * connection marked ffp); a positive status when the target refused the
 * login; -1 after a verdict.
 */
int s1_operational(struct s1_login *l, const struct iscsi_text *keys,
		   struct iscsi_text *ans);

/*
 * A whole login to u (NULL: the run's target) offering only keys in the
 * operational stage: s1_open, s1_to_operational, s1_operational.  *out
 * gets the login (may be NULL).  Same returns as s1_operational.
 */
int s1_login(struct cts_ctx *ctx, const struct iscsi_url *u, bool discovery,
	     const struct iscsi_text *keys, struct iscsi_text *ans,
	     struct s1_login **out);

/*
 * Offers key=offer alone (with the identity keys) and reports the answer:
 * 0 with the answer in ans ("" when none came, *answered false), a
 * positive status when the login was refused, -1 after a verdict.  When
 * an answer came, proto's judge (iscsi_key_judge) must find it legal,
 * else this records the FAIL with the judge's reason.
 */
int s1_offer(struct cts_ctx *ctx, const struct iscsi_url *u, bool discovery,
	     const char *key, const char *offer, char *ans, size_t len);

/* The answer as a number (hex or decimal); -1 when it is not one. */
int s1_number(const char *v, uint64_t *out);

/* Waits up to ms for the target to close c: true when it did (EOF or
 * RST); false with what came instead in seen. */
bool s1_closed_within(struct cts_conn *c, unsigned ms, char *seen,
		      size_t len);

/* A NOP-Out ping (4 data bytes) on l's connection in full feature phase: 0 when the
 * NOP-In echo came, -1 after cts_fail naming what. */
int s1_ping(struct s1_login *l, const char *what);

#endif
