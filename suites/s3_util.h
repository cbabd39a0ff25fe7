/* SPDX-License-Identifier: MIT */
/*
 * s3_util.h - helpers shared by the numbering, NOP, Reject and Logout
 * suites: log in, send a command PDU with the numbers a test chose, read
 * the next PDU whatever it is, and the window/StatSN fields of a target
 * PDU.  Every helper reports through the test's context: a helper that
 * fails has already called cts_error (the harness could not get as far as
 * a verdict) and returns NULL or a CTS_IO_* code.
 */
#ifndef ISCSI_CTS_SUITES_S3_UTIL_H
#define ISCSI_CTS_SUITES_S3_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine.h"

/* How long a "must stay silent" wait lasts. */
#define S3_SILENCE_MS 300u

/*
 * A new session logged in to u (NULL: the profile's target) with these
 * options (NULL: defaults).  Freed when the test ends.  NULL after
 * cts_error when the login failed.
 */
struct cts_session *s3_login(struct cts_ctx *ctx, const struct iscsi_url *u,
			     const struct cts_login_opts *o);

/* The profile's url2 (LUN 1 of a second target) or NULL after cts_skip. */
const struct iscsi_url *s3_url2(struct cts_ctx *ctx);

/* The LUN in u, 0 when it has none. */
uint32_t s3_lun(const struct iscsi_url *u);

/*
 * A NOP-Out on c: ITT itt, TTT ttt, data (may be NULL), CmdSN cmdsn and
 * ExpStatSN exp_statsn exactly as given (CTS_CMD_KEEP_SN), I bit when
 * immediate.  CTS_IO_*.
 */
int s3_send_nop(struct cts_conn *c, uint32_t itt, uint32_t ttt, uint32_t cmdsn,
		uint32_t exp_statsn, bool immediate, const void *data,
		size_t len);

/*
 * A SCSI Command on c with the numbers given as they are (KEEP_SN): LUN
 * lun, the CDB, EDTL edtl, R/W flags, F=1 and data as immediate data
 * (may be NULL).  CTS_IO_*.
 */
struct s3_scsi {
	uint32_t itt, cmdsn, exp_statsn, lun, edtl;
	bool immediate, read, write;
	const uint8_t *cdb;
	size_t cdb_len;
	const void *data;
	size_t len;
};
int s3_send_scsi(struct cts_conn *c, const struct s3_scsi *cmd);

/*
 * The next PDU from the target, whatever it is, within ms (0: the
 * connection's timeout); target pings (NOP-In with a valid TTT) are
 * answered and skipped, and so are Async Messages.  CTS_IO_*.
 */
int s3_recv(struct cts_conn *c, struct iscsi_pdu *p, unsigned ms);

/* The StatSN, ExpCmdSN and MaxCmdSN fields of a target PDU. */
struct s3_sn {
	uint32_t statsn, exp_cmdsn, max_cmdsn;
};
void s3_sn_of(const struct iscsi_pdu *p, struct s3_sn *sn);

/* RFC 1982 serial order on 32-bit numbers (§4.2.2.1 uses it): a < b. */
static inline bool s3_sn_lt(uint32_t a, uint32_t b)
{
	return a != b && (uint32_t)(b - a) < 0x80000000u;
}

/* The BHS of a transcript record (NULL when it is shorter than one). */
const struct iscsi_bhs *s3_rec_bhs(const struct cts_record *r);

/* "NOP-In ITT 0x5 StatSN 7 ExpCmdSN 3 MaxCmdSN 66" into buf. */
void s3_describe(const struct iscsi_pdu *p, char *buf, size_t len);

/* A ping with no data, I=0, numbered by the session: true when the
 * NOP-In came back (the session still works); cts_fail otherwise with
 * what: "after <what>". */
bool s3_ping_ok(struct cts_ctx *ctx, struct cts_conn *c, const char *what);

/* Fills buf with a pattern of len bytes starting at seed. */
void s3_pattern(uint8_t *buf, size_t len, unsigned seed);

#endif
