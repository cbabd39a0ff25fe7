/* SPDX-License-Identifier: MIT */
/*
 * defects.h - the reference target's catalog of switchable defects.
 *
 * Each defect breaks exactly one RFC rule, so that every conformance test
 * can be shown to fail against the reference target. All are off unless
 * named with --defect NAME; --list-defects prints the catalog.
 */
#ifndef ISCSI_REFTGT_DEFECTS_H
#define ISCSI_REFTGT_DEFECTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "defects_login.h"
#include "defects_text.h"
#include "defects_ffp.h"

/*
 * X(ID, "name", "RFC section", "what the target then does").
 * The catalog is DEFECTS_CORE below plus one list per suite area, each in
 * its own header (defects_login.h, defects_text.h, defects_ffp.h).
 */
#define DEFECT_LIST(X)                                                         \
	DEFECTS_CORE(X)                                                        \
	DEFECTS_LOGIN(X)                                                       \
	DEFECTS_TEXT(X)                                                        \
	DEFECTS_FFP(X)

#define DEFECTS_CORE(X)                                                         \
	/* numbering (§4.2.2) */                                               \
	X(IMMEDIATE_ADVANCES_CMDSN, "immediate-advances-cmdsn", "7143 4.2.2.1", \
	  "advances ExpCmdSN on commands marked immediate")                    \
	X(EXEC_OUT_OF_WINDOW, "exec-out-of-window", "7143 4.2.2.1",            \
	  "executes a non-immediate command whose CmdSN is outside the window") \
	X(MAXCMDSN_BACKWARDS, "maxcmdsn-backwards", "7143 4.2.2.1",            \
	  "lets MaxCmdSN move backwards after a response")                     \
	X(STATSN_SKIP, "statsn-skip", "7143 4.2.2.2",                          \
	  "skips a StatSN value on every SCSI Response")                       \
	/* data movement (§11.7, §11.8, §13) */                                \
	X(ACCEPT_BAD_DATASN, "accept-bad-datasn", "7143 11.7.4",               \
	  "accepts Data-Out PDUs whose DataSN is wrong")                       \
	X(DATAIN_OVER_MAXBURST, "datain-over-maxburst", "7143 13.13",          \
	  "sends Data-In sequences longer than MaxBurstLength")                \
	X(DATAIN_OVER_MRDSL, "datain-over-mrdsl", "7143 13.12",                \
	  "sends data segments larger than the initiator's "                   \
	  "MaxRecvDataSegmentLength")                                          \
	X(R2T_OVER_MAXBURST, "r2t-over-maxburst", "7143 13.13",                \
	  "asks for more than MaxBurstLength in one R2T")                      \
	X(IGNORE_MAX_OUTSTANDING_R2T, "ignore-max-outstanding-r2t",           \
	  "7143 13.17", "issues more R2Ts per task than MaxOutstandingR2T")    \
	X(ACCEPT_UNSOLICITED_OVER_FBL, "accept-unsolicited-over-fbl",          \
	  "7143 13.14", "accepts unsolicited data beyond FirstBurstLength")    \
	X(WRONG_RESIDUAL, "wrong-residual", "7143 11.4.5",                     \
	  "reports a residual count off by one block")                         \
	X(DATAIN_DATASN_GAP, "datain-datasn-gap", "7143 11.7.4",               \
	  "skips a DataSN value in Data-In sequences")                         \
	/* digests (§13.1, §7.8) */                                            \
	X(NO_DIGEST_CHECK, "no-digest-check", "7143 7.8",                      \
	  "does not verify header and data digests")                           \
	/* login (§6.3, §11.12, §11.13, §13) */                                \
	X(IGNORE_MAXCONNECTIONS, "ignore-maxconnections", "7143 13.2",         \
	  "accepts more connections than MaxConnections")                      \
	X(EARLY_TSIH, "early-tsih", "7143 11.13.4",                            \
	  "sends a non-zero TSIH before the final Login Response")             \
	X(TRANSIT_UNASKED, "transit-unasked", "7143 11.13.1",                  \
	  "sets the T bit in a Login Response when the initiator did not")     \
	X(NO_INITIATORNAME_CHECK, "no-initiatorname-check", "7143 13.5",       \
	  "accepts a login without InitiatorName")                             \
	X(UNKNOWN_KEY_IGNORED, "unknown-key-ignored", "7143 6.2",              \
	  "silently ignores an unknown key instead of NotUnderstood")          \
	X(NEG_OVER_OFFER, "neg-over-offer", "7143 13.13",                      \
	  "answers a MaxBurstLength larger than the initiator offered")        \
	X(ACCEPT_DUPLICATE_KEY, "accept-duplicate-key", "7143 6.1",            \
	  "accepts a key sent twice in one login")                             \
	X(CHAP_ACCEPT_REFLECTION, "chap-accept-reflection", "7143 9.2.1",      \
	  "answers a CHAP challenge equal to the one it sent")                 \
	X(CHAP_ACCEPT_ANY, "chap-accept-any", "7143 12.1.3",                   \
	  "accepts any CHAP_R")                                                \
	/* full feature phase */                                               \
	X(NO_LUN0, "no-lun0", "SAM-5 4.7.2",                                   \
	  "does not answer on LUN 0 when no LU is mapped there")               \
	X(UNMAPPED_LUN_PQ0, "unmapped-lun-pq0", "SPC-4 6.6.2",                 \
	  "answers INQUIRY on an unmapped LUN with peripheral qualifier 000b") \
	X(NOP_WRONG_TTT, "nop-wrong-ttt", "7143 11.19",                        \
	  "answers a NOP-Out ping with a TTT other than 0xffffffff")           \
	X(NOP_NO_ECHO, "nop-no-echo", "7143 11.18",                            \
	  "does not echo the ping data of a NOP-Out")                          \
	X(LOGOUT_KEEPS_CONNECTION, "logout-keeps-connection", "7143 11.14",    \
	  "keeps the connection open after a successful Logout Response")      \
	X(DISCOVERY_ALLOWS_SCSI, "discovery-allows-scsi", "7143 4.3",          \
	  "executes SCSI commands in a discovery session")                     \
	X(REJECT_NO_HEADER, "reject-no-header", "7143 11.17",                  \
	  "sends a Reject without the rejected header")                        \
	X(SNACK_AT_ERL0, "snack-at-erl0", "7143 11.16",                        \
	  "silently ignores a SNACK at ErrorRecoveryLevel 0 instead of "       \
	  "rejecting it")                                                      \
	X(TMF_ABORT_STILL_RESPONDS, "tmf-abort-still-responds", "7143 11.5.1", \
	  "still sends the status of a task after aborting it")

enum defect_id {
#define DEFECT_ENUM(id, name, sect, what) DEFECT_##id,
	DEFECT_LIST(DEFECT_ENUM)
#undef DEFECT_ENUM
	DEFECT_COUNT
};

struct defect_info {
	const char *name;
	const char *section;
	const char *what;
};

struct defect_set {
	uint64_t bits[(DEFECT_COUNT + 63) / 64];
};

static inline bool defect_on(const struct defect_set *s, enum defect_id d)
{
	return (s->bits[d / 64] >> (d % 64)) & 1u;
}

const struct defect_info *defect_info(enum defect_id d);
/* Enable a defect by name: 0, or -1 with a reason for an unknown name. */
int defect_enable(struct defect_set *s, const char *name, char *err,
		  size_t errlen);
/* The catalog, one line each: name, section, what. */
void defect_print_catalog(FILE *out);

#endif
