/* SPDX-License-Identifier: MIT */
/*
 * s2_util.h - helpers shared by the discovery, text and LUN 0 suites
 * (suites/discovery*.c, suites/text*.c, suites/lun0*.c).
 *
 * They build on the engine (harness/engine.h) and report harness trouble
 * with cts_error themselves, so a test body reads as the exchange it
 * checks: log in, send, look at what came back, judge.
 */
#ifndef ISCSI_CTS_S2_UTIL_H
#define ISCSI_CTS_S2_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine.h"
#include "profile.h"

/* ---- sessions ------------------------------------------------------------ */

/*
 * Logs in to u (NULL: the profile's url) like a well-behaved initiator,
 * as a discovery session when discovery, declaring MaxRecvDataSegmentLength
 * mrdsl (0: the engine's default).  The session is freed when the test
 * ends.  NULL after cts_error (a refused login is an ERROR here: these
 * suites test what follows a login).
 */
struct cts_session *s2_login(struct cts_ctx *ctx, const struct iscsi_url *u,
			     bool discovery, uint32_t mrdsl);

/* The profile's URL named key, or NULL after cts_skip naming the key. */
const struct iscsi_url *s2_need_url(struct cts_ctx *ctx, const char *key);

/* ---- Text ---------------------------------------------------------------- */

/* One Text Request PDU, exactly as given (CmdSN/ExpStatSN filled in). */
struct s2_text_req {
	uint32_t itt, ttt;
	bool final, cont;
	const void *data;
	size_t len;
};
int s2_text_send(struct cts_conn *c, const struct s2_text_req *r);

/*
 * What came back for a Text Request: a Text Response (fields and data),
 * a Reject, another PDU, or nothing (io: CTS_IO_*).  Release with
 * s2_reply_free.
 */
struct s2_reply {
	int io;
	unsigned opcode;
	struct iscsi_text_rsp_f rsp; /* valid for a Text Response */
	uint8_t reject_reason;	     /* valid for a Reject */
	uint32_t rejected_itt;	     /* ITT in the rejected header */
	struct iscsi_pdu pdu;
};
void s2_reply_init(struct s2_reply *r);
void s2_reply_free(struct s2_reply *r);
/* Receives the next PDU other than target NOP-Ins / async messages. */
int s2_text_recv(struct cts_conn *c, struct s2_reply *r, unsigned ms);
/* "Text Response F=1 C=0 ITT 0x.. TTT 0x.. 12 bytes", "Reject 0x04",
 * "connection closed", ... */
void s2_reply_str(const struct s2_reply *r, char *buf, size_t len);

/* Serializes keys into a malloc'd buffer (*len bytes); NULL on ENOMEM. */
uint8_t *s2_text_bytes(const struct iscsi_text *t, size_t *len);
/* n keys "X-org.iscsi-cts.<tag>NNN=<value of vlen 'v'>", each distinct. */
int s2_text_pad(struct iscsi_text *t, const char *tag, size_t n, size_t vlen);

/*
 * A whole Text exchange step by step (§11.10, §11.11): sends data as one
 * new request (TTT 0xffffffff, F=1) and, while the target answers F=0,
 * empty F=1 requests carrying its TTT, at most max_rounds PDUs.  Every
 * response PDU is kept as a piece; data is their concatenation.
 */
#define S2_PIECES_MAX 64u
struct s2_piece {
	struct iscsi_text_rsp_f f;
	size_t len;
	bool ends_nul; /* the piece's data ends with a 0x00 delimiter */
};
struct s2_collect {
	uint32_t itt;
	struct s2_piece p[S2_PIECES_MAX];
	size_t n;
	uint8_t *data;
	size_t len;
	struct s2_reply last; /* what ended the exchange */
};
void s2_collect_init(struct s2_collect *x);
void s2_collect_free(struct s2_collect *x);
/* 0 once an F=1 response came; -1 with what came instead in why. */
int s2_text_collect(struct cts_conn *c, const void *data, size_t len,
		    unsigned max_rounds, struct s2_collect *x, char *why,
		    size_t whylen);
/* Receives responses (after a request sent by the caller) into x the
 * same way; the first expected TTT is none. */
int s2_collect_more(struct cts_conn *c, unsigned max_rounds,
		    struct s2_collect *x, char *why, size_t whylen);
/* Parses x->data as text; 0, or -1 with why. */
int s2_collect_text(const struct s2_collect *x, struct iscsi_text *t,
		    char *why, size_t whylen);

/* ---- SendTargets ------------------------------------------------------------ */

/* Parsed TargetAddress value (§13.8): host[:port][,tpgt]. */
struct s2_addr {
	char host[ISCSI_VALUE_MAX + 1]; /* without brackets */
	bool bracketed;			/* [IPv6] */
	bool has_port, has_tpgt;
	unsigned port, tpgt;
};
/* 0, or -1 with why in err (the value breaks §13.8's syntax). */
int s2_addr_parse(const char *v, struct s2_addr *a, char *err, size_t len);

/* The record for name in recs, NULL when absent. */
const struct cts_target_rec *s2_rec_find(const struct cts_target_rec *recs,
					 size_t n, const char *name);

/* ---- SCSI ------------------------------------------------------------------ */

/*
 * A command without data-out on lun (its 8 LUN bytes replaced by raw when
 * raw is not NULL), repeated while the target answers UNIT ATTENTION (at
 * most 4 times).  buf gets up to edtl bytes.  The CTS_IO_* code.
 */
int s2_scsi(struct cts_ctx *ctx, struct cts_conn *c, uint32_t lun,
	    const uint8_t *raw, const uint8_t *cdb, size_t cdb_len,
	    uint32_t edtl, uint8_t *buf, struct cts_scsi_result *r);
/* The sense key / ASC / ASCQ of a result, false when it has none. */
bool s2_sense(const struct cts_scsi_result *r, uint8_t *key, uint8_t *asc,
	      uint8_t *ascq);
/* "GOOD", "CHECK CONDITION 5/25h/00h", "Reject 0x05", "timeout", ... */
void s2_status_str(const struct cts_scsi_result *r, char *buf, size_t len);
/* A LUN the profile does not list on url (for unmapped-LUN tests). */
uint32_t s2_unmapped_lun(const struct cts_profile *p);

#endif
