/* SPDX-License-Identifier: MIT */
/*
 * keys.h - the login/text keys of RFC 7143 §12.1 and §13 as one table,
 * and the negotiation rules of §6.2 as pure functions.
 *
 * One row per key holds what §13 says of it: value type, scope (SW/CO),
 * use (LO/IO/FFPO/ALL, security stage only), senders, declarative or
 * negotiated, default, typed range, result function, when it is
 * irrelevant, and the RFC section.  Result functions are named rules
 * (min, max, or, and, list-first, declare), each with an "answer" side
 * (what a conformant responder says) and a "judge" side (is a seen answer
 * allowed, and what is the outcome).  The harness predicts with answer, the
 * analyzer judges with judge, the reference target answers with answer.
 *
 * Files: keys.c (table, lookup, value checks), negotiate.c (answer and
 * judge), params.c (typed parameter sets).
 */
#ifndef ISCSI_CTS_KEYS_H
#define ISCSI_CTS_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "text.h"
#include "wire.h"

/* Value type, from the key's "<...>" in §13 (forms of §6.1). */
enum iscsi_ktype {
	ISCSI_KT_BOOL,	      /* boolean-value */
	ISCSI_KT_NUMBER,      /* numerical-value within [min, max] */
	ISCSI_KT_RANGE,	      /* numerical-range within [min, max] */
	ISCSI_KT_LIST,	      /* list-of-values, answered with one item */
	ISCSI_KT_ENUM,	      /* one value out of `values` (SessionType) */
	ISCSI_KT_NAME,	      /* iSCSI-name-value (§4.2.7) */
	ISCSI_KT_LOCAL_NAME,  /* iSCSI-local-name-value: UTF-8 (aliases) */
	ISCSI_KT_TEXT,	      /* text-value */
	ISCSI_KT_ADDRESS,     /* TargetAddress: host[:port][,tpgt] (§13.8) */
	ISCSI_KT_SENDTARGETS, /* "All", an iSCSI name, or empty (§13.3) */
	ISCSI_KT_BINARY,      /* large-binary-value, hex or base64 */
	ISCSI_KT_NUMBER_LIST, /* list of numerical-values (CHAP_A) */
};

enum iscsi_kscope { ISCSI_SCOPE_SW, ISCSI_SCOPE_CO };

/* "Use:" of §13 (§6.3 for the stage names). */
enum iscsi_kuse {
	ISCSI_USE_LO,	/* leading-only: leading login of a session */
	ISCSI_USE_IO,	/* initialize-only: any login, not in FFP */
	ISCSI_USE_FFPO, /* full-feature phase only (Text) */
	ISCSI_USE_ALL,	/* login and FFP Text */
	ISCSI_USE_SEC,	/* security negotiation stage only (§12.1) */
};

/* "Senders:" */
#define ISCSI_SND_INITIATOR 0x1u
#define ISCSI_SND_TARGET    0x2u
#define ISCSI_SND_BOTH	    (ISCSI_SND_INITIATOR | ISCSI_SND_TARGET)

/* "Irrelevant when:" */
#define ISCSI_IRR_DISCOVERY 0x1u /* SessionType=Discovery */
#define ISCSI_IRR_FBL	    0x2u /* InitialR2T=Yes and ImmediateData=No */

/* Key flags. */
#define ISCSI_KF_DECLARATIVE 0x1u  /* declared, never answered (§6.2) */
#define ISCSI_KF_OBSOLETE    0x2u  /* RFC 3720 key obsoleted by §13.25 */
#define ISCSI_KF_OPTIONAL    0x4u  /* may be NotUnderstood (X# keys) */
#define ISCSI_KF_PRIVATE     0x8u  /* "X-..." row standing for the prefix */
#define ISCSI_KF_MUST_AGREE  0x10u /* no common value ends the login */
#define ISCSI_KF_LE_MBL	     0x20u /* outcome <= MaxBurstLength (§13.14) */

/* Outcome of judging an answer. */
enum iscsi_neg_verdict {
	ISCSI_NEG_OK = 0,      /* allowed; result holds the outcome */
	ISCSI_NEG_WARN = 1,    /* allowed, but against a SHOULD (see why) */
	ISCSI_NEG_ILLEGAL = 2, /* the RFC does not allow this answer */
	ISCSI_NEG_FAILED = 3,  /* legal, but the login must end */
};

/*
 * The stage in which a key is exchanged is wire.h's enum iscsi_login_stage:
 * ISCSI_STAGE_SECURITY (CSG 0), ISCSI_STAGE_OPERATIONAL (CSG 1), and
 * ISCSI_STAGE_FFP (3) for Text Request/Response in full feature phase.
 */

/* Context of one offer/answer exchange.  Fill with iscsi_negctx_init. */
struct iscsi_negctx {
	/* inputs */
	bool discovery; /* SessionType=Discovery */
	bool leading;	/* leading connection (TSIH 0 login) */
	enum iscsi_login_stage stage;
	bool responder_is_target; /* the offer came from the initiator */
	bool initial_r2t;	  /* outcome so far (§13.14 irrelevance) */
	bool immediate_data;
	uint64_t max_burst; /* agreed MaxBurstLength, 0 if unknown */
	/* outputs of iscsi_key_answer */
	bool protocol_error; /* the offer itself broke a rule */
	bool fail_login;     /* the responder should end the login */
	char note[160];	     /* why, with the section */
};

struct iscsi_key_def;

/*
 * A result function (§6.2.2, §13 "Result function is ...").
 *   answer: given a valid offer and the responder's own value, write what
 *           a conformant responder answers; 1 if an answer is written,
 *           0 if none is due (declarations), -1 if `len` is short or
 *           `mine` is unusable (reason in ctx->note).
 *   judge:  given a valid offer and a plain (non-reserved) answer, decide
 *           legality and write the outcome into result.
 */
struct iscsi_rule {
	const char *name;
	int (*answer)(const struct iscsi_key_def *k, const char *offer,
		      const char *mine, struct iscsi_negctx *ctx, char *ans,
		      size_t len);
	enum iscsi_neg_verdict (*judge)(const struct iscsi_key_def *k,
					const char *offer, const char *answer,
					char *result, size_t len, char *why,
					size_t whylen);
};

extern const struct iscsi_rule iscsi_rule_min;
extern const struct iscsi_rule iscsi_rule_max;
extern const struct iscsi_rule iscsi_rule_or;
extern const struct iscsi_rule iscsi_rule_and;
extern const struct iscsi_rule iscsi_rule_list_first;
extern const struct iscsi_rule iscsi_rule_declare;
/* RFC 3720 marker intervals: a number within the offered range. */
extern const struct iscsi_rule iscsi_rule_range;

struct iscsi_key_def {
	const char *name;
	enum iscsi_ktype type;
	enum iscsi_kscope scope;
	enum iscsi_kuse use;
	unsigned senders;   /* ISCSI_SND_* */
	unsigned flags;	    /* ISCSI_KF_* */
	const char *def;    /* default value, NULL if none */
	uint64_t min, max;  /* numeric bounds (NUMBER, RANGE) */
	const char *values; /* defined values ("CRC32C,None"), or NULL */
	size_t maxlen;	    /* bound on the value, bytes */
	const struct iscsi_rule *rule;
	unsigned irrelevant; /* ISCSI_IRR_* */
	const char *section; /* "13.13" (RFC 7143 unless rfc says) */
	const char *rfc;     /* "7143", "7144", "3720" */
};

/* Exact, case-sensitive lookup (§6.1).  "X-..." keys map to the private
 * extension row; unknown keys (and unknown X# keys) give NULL. */
const struct iscsi_key_def *iscsi_key_find(const char *name);

/* Iteration over the table: index 0..iscsi_key_count()-1. */
size_t iscsi_key_count(void);
const struct iscsi_key_def *iscsi_key_at(size_t i);

/* Is v a well-formed value of k's type, within its range and length?
 * 0, or -1 with a reason.  Reserved answers are not values. */
int iscsi_key_value_check(const struct iscsi_key_def *k, const char *v,
			  char *err, size_t errlen);

/* Is k irrelevant in this context ("Irrelevant when:" of §13)? */
bool iscsi_key_irrelevant(const struct iscsi_key_def *k,
			  const struct iscsi_negctx *ctx);

/* Does the key's "Use:" allow it in this stage/connection?  0, or -1
 * with a reason. */
int iscsi_key_phase_check(const struct iscsi_key_def *k,
			  const struct iscsi_negctx *ctx, char *err,
			  size_t errlen);

/* Defaults: a normal-session, leading, operational-stage exchange in
 * which the initiator offers and the target answers. */
void iscsi_negctx_init(struct iscsi_negctx *ctx);

/*
 * What a conformant responder answers to key=offer (§6.2).  k is the
 * looked-up row (NULL for an unknown key: NotUnderstood).  mine is the
 * responder's own value: for lists the values it accepts ("CRC32C,None"),
 * for numbers its own value, for booleans the value it would choose; NULL
 * selects the key's RFC default (for lists: every defined value).
 * Returns 1 with the answer in `answer`, 0 when no answer is due (a
 * declaration), -1 if len is too short or mine is invalid.  ctx->note,
 * protocol_error and fail_login tell what the offer broke.
 */
int iscsi_key_answer(const struct iscsi_key_def *k, const char *offer,
		     const char *mine, struct iscsi_negctx *ctx, char *answer,
		     size_t len);

/*
 * Given the offer and the answer seen (NULL: no answer was sent), return
 * a verdict, the negotiated outcome in result ("" if none), and for
 * anything but OK a reason citing the section in why.  -1 if result is
 * too short for the outcome.
 */
int iscsi_key_judge(const struct iscsi_key_def *k, const char *offer,
		    const char *answer, const struct iscsi_negctx *ctx,
		    char *result, size_t len, char *why, size_t whylen);

const char *iscsi_neg_verdict_str(enum iscsi_neg_verdict v);

/* ---- typed parameter sets ---------------------------------------------- */

enum iscsi_session_type { ISCSI_SESSION_NORMAL, ISCSI_SESSION_DISCOVERY };

enum iscsi_task_reporting {
	ISCSI_TR_RFC3720,
	ISCSI_TR_RESPONSE_FENCE,
	ISCSI_TR_FAST_ABORT,
};

struct iscsi_params {
	/* digests: true = CRC32C, false = None (§13.1); in a "mine" set,
	 * true means "I want CRC32C" */
	bool header_digest, data_digest;
	uint32_t max_connections; /* §13.2 */
	bool initial_r2t;	  /* §13.10 */
	bool immediate_data;	  /* §13.11 */
	/* §13.12, declarative per direction: what the initiator declared
	 * limits target->initiator PDUs, and vice versa */
	uint32_t max_recv_dsl_initiator;
	uint32_t max_recv_dsl_target;
	uint32_t max_burst;			  /* §13.13 */
	uint32_t first_burst;			  /* §13.14 */
	uint32_t default_time2wait;		  /* §13.15 */
	uint32_t default_time2retain;		  /* §13.16 */
	uint32_t max_outstanding_r2t;		  /* §13.17 */
	bool data_pdu_in_order;			  /* §13.18 */
	bool data_sequence_in_order;		  /* §13.19 */
	uint32_t erl;				  /* §13.20 */
	enum iscsi_session_type session_type;	  /* §13.21 */
	enum iscsi_task_reporting task_reporting; /* §13.23 */
	uint32_t protocol_level;		  /* §13.24, RFC 7144 §2.1 */
	uint16_t target_portal_group_tag;	  /* §13.9 */
	bool tpgt_set;
	char initiator_name[ISCSI_VALUE_MAX + 1];  /* §13.5 */
	char target_name[ISCSI_VALUE_MAX + 1];	   /* §13.4 */
	char initiator_alias[ISCSI_VALUE_MAX + 1]; /* §13.7 */
	char target_alias[ISCSI_VALUE_MAX + 1];	   /* §13.6 */
};

/* The RFC defaults of every key (§13). */
void iscsi_params_defaults(struct iscsi_params *p);

/*
 * Fold a negotiated outcome or a declaration into p.  from_initiator
 * tells who declared a per-direction key (MaxRecvDataSegmentLength).
 * Reserved answers (Reject, Irrelevant, NotUnderstood) leave p as it is.
 * Keys without a typed field (AuthMethod, CHAP_*, X-*, SendTargets,
 * TargetAddress, obsolete keys) are accepted and ignored.  0, or -1 with a
 * reason for an unknown key or a bad value.
 */
int iscsi_params_apply(struct iscsi_params *p, const char *key,
		       const char *value, bool from_initiator, char *err,
		       size_t errlen);

/*
 * The agreed set when this side holds `mine` and the peer `peer`, each
 * side's values being what it offers (§13 result functions; digests agree
 * on CRC32C only when both want it; MaxRecvDataSegmentLength is taken
 * from the side that declares it).  FirstBurstLength is clamped to
 * MaxBurstLength (§13.14); returns 1 with a note in err when it had to be,
 * else 0.  Declarative names, aliases and the session type come from the
 * side that declares them.
 */
int iscsi_params_merge(const struct iscsi_params *mine,
		       const struct iscsi_params *peer, bool i_am_initiator,
		       struct iscsi_params *agreed, char *err, size_t errlen);

#endif
