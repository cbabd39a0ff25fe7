/* SPDX-License-Identifier: MIT */
/*
 * defects_ffp.h - defects added for the numbering, NOP and logout suites
 * (suites/numbering*.c, suites/nop*.c, suites/logout*.c).
 * Same X(ID, "name", "RFC section", "what") rows as defects.h.
 */
#ifndef ISCSI_REFTGT_DEFECTS_FFP_H
#define ISCSI_REFTGT_DEFECTS_FFP_H

#define DEFECTS_FFP(X)                                                         \
	/* numbering (§4.2.2) */                                               \
	X(CMDSN_NO_HOLD, "cmdsn-no-hold", "7143 4.2.2.1",                      \
	  "delivers a command ahead of ExpCmdSN at once instead of holding "   \
	  "it until the gap fills")                                            \
	X(WINDOW_INVALID, "window-invalid", "7143 4.2.2.1",                    \
	  "answers NOP-Out pings with MaxCmdSN = ExpCmdSN - 2")                \
	X(STALE_EXPSTATSN_DROP, "stale-expstatsn-drop", "7143 4.2.2.2",        \
	  "drops the connection when ExpStatSN lags StatSN by more than one")  \
	X(DATAIN_DATASN_CONTINUES, "datain-datasn-continues", "7143 11.7.4",   \
	  "continues Data-In DataSN from the previous command instead of 0")   \
	X(DATAIN_DATASN_PER_BURST, "datain-datasn-per-burst", "7143 11.7.4",   \
	  "restarts Data-In DataSN at 0 in every Data-In sequence")            \
	X(EXPDATASN_WRONG, "expdatasn-wrong", "7143 11.4.8",                   \
	  "sends read status in a SCSI Response whose ExpDataSN is one more "  \
	  "than the Data-In PDUs sent")                                        \
	X(R2TSN_FROM_ONE, "r2tsn-from-one", "7143 11.8.2",                     \
	  "numbers each task's R2Ts from 1")                                   \
	/* NOP (§11.18, §11.19) */                                             \
	X(NOP_ACCEPT_OVER_MRDSL, "nop-accept-over-mrdsl", "7143 13.12",        \
	  "echoes NOP-Out data longer than its MaxRecvDataSegmentLength")      \
	X(NOP_ANSWERS_RSVD_ITT, "nop-answers-reserved-itt", "7143 11.18",      \
	  "answers a NOP-Out with ITT 0xffffffff with a NOP-In")               \
	X(NOP_RSVD_ITT_NON_IMMEDIATE, "nop-reserved-itt-non-immediate",        \
	  "7143 11.18",                                                        \
	  "silently accepts a NOP-Out with ITT 0xffffffff and I=0")            \
	X(NOP_UNKNOWN_TTT_DROP, "nop-unknown-ttt-drop", "7143 11.18",          \
	  "drops the connection on a NOP-Out answering an unknown TTT")        \
	/* Logout (§11.14, §11.15) */                                          \
	X(LOGOUT_UNKNOWN_CID_OK, "logout-unknown-cid-ok", "7143 11.15.1",      \
	  "answers a Logout for an unknown CID with response 0")               \
	X(LOGOUT_RECOVERY_AT_ERL0, "logout-recovery-at-erl0", "7143 11.15.1",  \
	  "accepts Logout reason 2 at ErrorRecoveryLevel 0")                   \
	X(LOGOUT_TIMES_OUT_OF_RANGE, "logout-times-out-of-range",              \
	  "7143 11.15.2",                                                      \
	  "sends Time2Wait/Time2Retain 65535 in a Logout Response code 2")     \
	X(LOGOUT_STATUS_AFTER_RESPONSE, "logout-status-after-response",        \
	  "7143 11.14",                                                        \
	  "sends the status of pending tasks after the Logout Response")       \
	X(LOGOUT_CLOSES_WRONG_CONN, "logout-closes-wrong-connection",          \
	  "7143 11.14",                                                        \
	  "also closes the requesting connection when logging out another "    \
	  "CID")                                                               \
	/* Reject (§11.17, §7.3) */                                            \
	X(UNKNOWN_OPCODE_IGNORED, "unknown-opcode-ignored", "7143 11.17.1",    \
	  "silently ignores PDUs with an unknown opcode")                      \
	X(REJECT_ITT_ECHO, "reject-itt-echo", "7143 11.17",                    \
	  "puts the rejected PDU's ITT in a Reject instead of 0xffffffff")     \
	X(REJECT_REASON_RESERVED, "reject-reason-reserved", "7143 11.17.1",    \
	  "sends Rejects with the reserved reason code 0x3f")                  \
	X(EXEC_REJECTED, "exec-rejected", "7143 7.3",                          \
	  "executes a SCSI command after rejecting it")

#endif
