/* SPDX-License-Identifier: MIT */
/*
 * login_int.h - state shared by login.c (stages, responses, session
 * attach), login_keys.c (negotiation of every §13 key) and login_auth.c
 * (AuthMethod and CHAP, RFC 7143 §12.1).  Private to those files and
 * tgt_text.c.
 */
#ifndef ISCSI_REFTGT_LOGIN_INT_H
#define ISCSI_REFTGT_LOGIN_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "chap.h"
#include "keys.h"
#include "target.h"
#include "text.h"

/*
 * Largest data segment of a Login Response: §13.12's default
 * MaxRecvDataSegmentLength, which the initiator's own declaration may
 * lower but never raise while the login runs (a declaration takes effect
 * once the login completes, §13.12).
 */
#define LOGIN_SEG_MAX 8192u
/* The target's own MaxRecvDataSegmentLength unless configured (§13.12). */
#define LOGIN_DEFAULT_MRDSL 262144u
/* Rows of the key table tracked per login (keys.c has fewer). */
#define LOGIN_MAX_KEYS 64u
/* Keys the target may offer on its own in one login. */
#define LOGIN_MAX_OFFERS 24u
/* Window the first MaxCmdSN opens when the session has no queue depth. */
#define LOGIN_DEFAULT_DEPTH 128u

/* Progress of the security negotiation (§12.1, §12.1.3). */
enum login_auth {
	AUTH_START,	 /* AuthMethod not negotiated yet */
	AUTH_CHAP_A,	 /* AuthMethod=CHAP agreed: CHAP_A expected */
	AUTH_CHAP_R,	 /* CHAP_A/I/C sent: CHAP_N/CHAP_R expected */
	AUTH_DONE,	 /* authenticated, or none required */
};

/* A key the target offered on its own, waiting for the answer (§6.2). */
struct login_offer {
	const struct iscsi_key_def *k;
	char value[ISCSI_VALUE_MAX + 1];
};

/* A login failure: Status-Class << 8 | Status-Detail (§11.13.5). */
struct login_error {
	uint16_t status;
	char why[200];
};

/*
 * Text Request/Response state in full feature phase (tgt_text.c): one
 * sequence at a time per connection (§11.10, §11.11).
 */
struct text_seq {
	bool active;		 /* a sequence is under way */
	uint32_t itt, ttt;	 /* its ITT and the TTT we handed out */
	uint32_t next_ttt;
	struct iscsi_text_accum in; /* initiator's text, C=1 pieces */
	uint8_t *out;		 /* our response, sent in pieces */
	size_t out_len, out_off;
	uint8_t lun[8];
};

struct login_state {
	bool started;	 /* the first Login Request arrived (§6.3) */
	bool failed;	 /* a failure response is queued: ignore the rest */
	bool identified; /* the first complete request was checked */
	uint8_t stage;	 /* CSG the next request must carry */
	bool leading;	 /* TSIH 0: a new session (§6.3.1) */

	/* fields every request of the phase must repeat (§11.12) */
	uint64_t isid;
	uint16_t tsih, cid;
	uint32_t itt, cmdsn;
	uint8_t version_max, version_min;

	/* who logs in, and to what */
	bool discovery;
	struct target_rt *target;	/* NULL: discovery */
	struct tgt_session *join;	/* non-leading: the session joined */
	char iname[TGT_NAME_LEN];
	char tname[TGT_NAME_LEN];
	char ialias[TGT_VALUE_LEN];
	bool ialias_set;

	/* negotiation */
	struct iscsi_params params; /* outcome so far */
	bool seen[LOGIN_MAX_KEYS];  /* negotiated/declared once (§6.3) */
	struct login_offer offers[LOGIN_MAX_OFFERS];
	unsigned noffers;	 /* outstanding offers of ours */
	bool offered;		 /* our offers were made */
	bool mrdsl_declared;	 /* our MaxRecvDataSegmentLength sent */
	uint32_t target_mrdsl;	 /* what we declare */
	uint32_t initiator_mrdsl; /* what the initiator declared */
	bool initiator_mrdsl_set;

	/* the initiator's text while C=1 (§11.12.2) */
	struct iscsi_text_accum in;
	bool in_cont;

	/* our response while it goes out in C=1 pieces (§11.13.2) */
	uint8_t *out;
	size_t out_len, out_off;
	bool out_pending;
	bool out_transit; /* flags of the last piece */
	uint8_t out_nsg;

	/* security */
	enum login_auth auth;
	bool auth_required;
	struct iscsi_chap chap;

	/* full feature phase Text sequences (tgt_text.c) */
	struct text_seq text;
};

/* ---- login.c ---------------------------------------------------------- */

/* Record a failure to be answered: status and a reason for the log. */
void login_error_set(struct login_error *e, uint16_t status,
		     const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* ---- login_keys.c ----------------------------------------------------- */

/*
 * The first complete Login Request (C=0): InitiatorName, SessionType,
 * TargetName, target lookup, redirect, ACL, MaxSessions, and the
 * non-leading session checks.  Adds the target's first declarations
 * (TargetPortalGroupTag, TargetAlias, redirect TargetAddress) to out.
 * 0, or -1 with e filled (a redirect is a "failure" of class 1).
 */
int login_keys_identify(struct tgt_conn *c, struct login_state *ls,
			const struct iscsi_text *in, struct iscsi_text *out,
			struct login_error *e);

/*
 * Every key of a complete request that is not a security key: answers
 * (§6.2), declarations, answers to our own offers (§6.2), duplicates
 * (§6.3).  0, or -1 with e filled.
 */
int login_keys_negotiate(struct tgt_conn *c, struct login_state *ls,
			 const struct iscsi_text *in, struct iscsi_text *out,
			 struct login_error *e);

/*
 * Before the target agrees to leave for full feature phase: the keys it
 * wants to offer on its own (configured values the initiator did not
 * negotiate).  Returns how many were added to out; the target must then
 * answer with T=0 and judge the answers in the next request.
 */
unsigned login_keys_offer(struct tgt_conn *c, struct login_state *ls,
			  struct iscsi_text *out);

/* Our MaxRecvDataSegmentLength declaration, once per login (§13.12). */
int login_keys_declare_mrdsl(struct tgt_conn *c, struct login_state *ls,
			     struct iscsi_text *out);

/* Is this one of the security keys of §12.1 (AuthMethod, CHAP_*)? */
bool login_key_is_security(const char *key);

/* The target's own value for key k (configured, else built-in). */
const char *login_key_mine(const struct tgt_server *srv,
			   const struct target_rt *t,
			   const struct iscsi_key_def *k, char *buf,
			   size_t len);

/* ---- login_auth.c ----------------------------------------------------- */

/* Decide whether authentication is required (users configured). */
void login_auth_setup(struct tgt_conn *c, struct login_state *ls);

/*
 * The security keys of a complete request in the security stage (§12.1,
 * §12.1.3).  transit: the initiator asked to leave the stage.  0 with the
 * answers in out (ls->auth tells whether the target may transit), or -1
 * with e filled (0x0201 mostly).
 */
int login_auth_step(struct tgt_conn *c, struct login_state *ls,
		    const struct iscsi_text *in, bool transit,
		    struct iscsi_text *out, struct login_error *e);

/* May the login leave the security stage (or skip it)? */
static inline bool login_auth_ok(const struct login_state *ls)
{
	return ls->auth == AUTH_DONE ||
	       (ls->auth == AUTH_START && !ls->auth_required);
}

/* ---- tgt_text.c ------------------------------------------------------- */

/* Free what a Text sequence holds (login_free calls it). */
void text_seq_release(struct text_seq *t);

#endif
