/* SPDX-License-Identifier: MIT */
/*
 * defects_text.h - defects added for the discovery, text and LUN 0 suites
 * (suites/discovery*.c, suites/text*.c, suites/lun0*.c).
 * Same X(ID, "name", "RFC section", "what") rows as defects.h.
 *
 * The SendTargets and Text ones are implemented in tgt_text.c, the LUN
 * ones in spc.c and lu.c (they reach the switches through lu_set.defects).
 */
#ifndef ISCSI_REFTGT_DEFECTS_TEXT_H
#define ISCSI_REFTGT_DEFECTS_TEXT_H

#define DEFECTS_TEXT(X)                                                        \
	DEFECTS_TEXT_SENDTARGETS(X)                                            \
	DEFECTS_TEXT_FFP(X)                                                    \
	DEFECTS_TEXT_LUN(X)

/* SendTargets (§13.3, §13.8, §13.9, Appendix C) */
#define DEFECTS_TEXT_SENDTARGETS(X)                                            \
	X(SENDTARGETS_OMITS_TARGET, "sendtargets-omits-target", "7143 App. C",  \
	  "leaves the first target out of SendTargets=All")                     \
	X(SENDTARGETS_NO_TPGT, "sendtargets-no-tpgt", "7143 13.8",             \
	  "reports TargetAddress without the ,portal-group-tag")               \
	X(SENDTARGETS_WILDCARD_ADDR, "sendtargets-wildcard-address",           \
	  "7143 13.8", "reports TargetAddress 0.0.0.0 instead of the portal")  \
	X(SENDTARGETS_WRONG_TPGT, "sendtargets-wrong-tpgt", "7143 13.9",       \
	  "reports a portal group tag other than the login's "                 \
	  "TargetPortalGroupTag")                                              \
	X(SENDTARGETS_NAME_LISTS_ALL, "sendtargets-name-lists-all",            \
	  "7143 App. C", "answers SendTargets=<name> with every target")       \
	X(SENDTARGETS_VALUE_NOCASE, "sendtargets-value-nocase", "7143 6.1",    \
	  "takes any value starting with all/ALL/aLL as SendTargets=All")      \
	X(TEXT_KEY_NOCASE, "text-key-nocase", "7143 6.1",                      \
	  "matches the key name SendTargets without regard to case")           \
	X(SENDTARGETS_UPPERCASE_NAME, "sendtargets-uppercase-name",            \
	  "7143 4.2.7", "lists target names in upper case (not normalized)")   \
	X(SENDTARGETS_NORMAL_LISTS_ALL, "sendtargets-normal-lists-all",        \
	  "7143 App. C",                                                       \
	  "lists every target in a normal session (SendTargets=, All, names)")

/* Text Request/Response in full feature phase (§6.2, §11.10, §11.11) */
#define DEFECTS_TEXT_FFP(X)                                                    \
	X(TEXT_WRONG_ITT, "text-wrong-itt", "7143 11.11.3",                    \
	  "answers a Text Request with another Initiator Task Tag")             \
	X(TEXT_FINAL_TTT, "text-final-ttt", "7143 11.11.1",                    \
	  "sends F=1 Text Responses with a TTT other than 0xffffffff")         \
	X(TEXT_OVER_MRDSL, "text-over-initiator-mrdsl", "7143 11.11.6",        \
	  "cuts long Text Responses at 8192 bytes, whatever the "              \
	  "initiator's MaxRecvDataSegmentLength")                              \
	X(TEXT_CONTINUE_RESTARTS, "text-continue-restarts", "7143 11.11.4",    \
	  "answers a continuation request with the first piece again")         \
	X(TEXT_NO_C_BIT, "text-no-c-bit", "7143 11.11.2",                      \
	  "sends C=0 on Text Response pieces that end inside a key=value")     \
	X(TEXT_C_WITH_F, "text-c-with-f", "7143 11.11.2",                      \
	  "sets C=1 on every Text Response piece, the F=1 one included")       \
	X(TEXT_NO_RESET, "text-no-reset", "7143 11.10.4",                      \
	  "goes on with the old response when a new Text Request "             \
	  "(TTT 0xffffffff) comes mid-sequence")                               \
	X(TEXT_MRDSL_NOT_APPLIED, "text-mrdsl-not-applied", "7143 13.12",      \
	  "ignores a MaxRecvDataSegmentLength renegotiated in full feature "   \
	  "phase")                                                             \
	X(TEXT_ACCEPTS_LOGIN_KEYS, "text-accepts-login-keys", "7143 13",       \
	  "answers login-only (LO, IO) keys in a Text Request instead of "     \
	  "Reject")                                                            \
	X(TEXT_ACCEPTS_OVERSIZE, "text-accepts-oversize", "7143 11.10.5",      \
	  "answers a Text Request longer than its MaxRecvDataSegmentLength")   \
	X(TEXT_C_BIT_IGNORED, "text-c-bit-ignored", "7143 11.10.2",            \
	  "parses each C=1 Text Request piece as if it were complete")

/* LUN 0 and unmapped LUNs (SAM-5 4.7, SPC-4 6.6, 6.33) */
#define DEFECTS_TEXT_LUN(X)                                                    \
	X(LUN0_NOT_CONNECTED, "lun0-not-connected", "SPC-4 6.6.2",             \
	  "reports peripheral qualifier 001b for the LU mapped at LUN 0")      \
	X(REPORT_LUNS_OMITS_LUN, "report-luns-omits-lun", "SPC-4 6.33",        \
	  "leaves the highest LUN out of REPORT LUNS")                         \
	X(REPORT_LUNS_TWO_LEVEL, "report-luns-two-level", "SAM-5 4.7",         \
	  "lists LUNs in REPORT LUNS at the second addressing level")          \
	X(UNMAPPED_LUN_GOOD, "unmapped-lun-good", "SAM-5 5.10",                \
	  "answers commands to an unmapped LUN with GOOD status")              \
	X(UNKNOWN_OPCODE_WRONG_ASC, "unknown-opcode-wrong-asc", "SPC-4 4.5.6", \
	  "answers an unknown operation code with INVALID FIELD IN CDB")

#endif
