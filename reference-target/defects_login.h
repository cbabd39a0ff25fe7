/* SPDX-License-Identifier: MIT */
/*
 * defects_login.h - defects added for the login and negotiation suites (suites/login*.c, suites/neg*.c).
 * Same X(ID, "name", "RFC section", "what") rows as defects.h.
 */
#ifndef ISCSI_REFTGT_DEFECTS_LOGIN_H
#define ISCSI_REFTGT_DEFECTS_LOGIN_H

#define DEFECTS_LOGIN(X)                                                       \
	/* stages, T and C bits (login.c) */                                   \
	X(LOGIN_ACCEPT_T_WITH_C, "login-accept-t-with-c", "7143 11.12.2",      \
	  "accepts a Login Request with both the T and the C bit set")         \
	X(LOGIN_CONT_DROPPED, "login-cont-dropped", "7143 11.12.2",            \
	  "discards the earlier pieces of a login text continued with C=1")    \
	X(LOGIN_TEXT_LIMIT_4096, "login-text-limit-4096", "7143 6.1",          \
	  "refuses Login Request data segments longer than 4096 bytes")        \
	X(LOGIN_ANY_TRANSIT, "login-any-transit", "7143 11.12.3",              \
	  "accepts a transit to the reserved NSG 2 or to an earlier stage")    \
	X(LOGIN_REQUIRE_SECURITY, "login-require-security", "7143 6.3",        \
	  "refuses a login that starts in the operational stage although "    \
	  "no authentication is required")                                     \
	X(LOGIN_NONLOGIN_IGNORED, "login-nonlogin-ignored", "7143 6.3",        \
	  "silently ignores a non-login PDU during the login phase")           \
	X(LOGIN_FAIL_WITH_KEYS, "login-fail-with-keys", "7143 11.13.5",        \
	  "puts keys in the data segment of a failing Login Response")         \
	X(LOGIN_FAIL_KEEPS_CONNECTION, "login-fail-keeps-connection",          \
	  "7143 11.13.5", "keeps the connection open after a failing Login "  \
	  "Response")                                                          \
	/* response fields (login.c) */                                        \
	X(LOGIN_ISID_NOT_ECHOED, "login-isid-not-echoed", "7143 11.13",        \
	  "answers a Login Request with a different ISID")                     \
	X(LOGIN_ITT_NOT_ECHOED, "login-itt-not-echoed", "7143 11.13",          \
	  "answers a Login Request with a different Initiator Task Tag")       \
	X(FINAL_TSIH_ZERO, "final-tsih-zero", "7143 11.13",                    \
	  "sends TSIH 0 in the final Login Response of a new session")         \
	X(LOGIN_STATSN_STUCK, "login-statsn-stuck", "7143 11.13",              \
	  "does not advance StatSN from one Login Response to the next")       \
	X(LOGIN_EXPCMDSN_PLUS_ONE, "login-expcmdsn-plus-one", "7143 4.2.2.1",  \
	  "answers the leading login with ExpCmdSN one past its CmdSN")        \
	X(VERSION_UNCHECKED, "version-unchecked", "7143 11.12",                \
	  "accepts a Version-min/Version-max range that excludes 0x00")        \
	X(VERSION_ACTIVE_WRONG, "version-active-wrong", "7143 11.13",          \
	  "answers Version-active 0x01, outside the initiator's range")        \
	/* who logs in to what (login.c, login_keys.c) */                      \
	X(NO_TARGETNAME_STATUS, "no-targetname-status", "7143 11.13.5",        \
	  "answers a normal login without TargetName with 0x0203 instead of "  \
	  "0x0207")                                                            \
	X(TARGET_NOT_FOUND_STATUS, "target-not-found-status", "7143 11.13.5",  \
	  "answers a login to an unknown TargetName with 0x0300")              \
	X(SESSIONTYPE_UNCHECKED, "sessiontype-unchecked", "7143 13.21",        \
	  "takes an undefined SessionType for Normal")                         \
	X(DISCOVERY_NEEDS_TARGETNAME, "discovery-needs-targetname",            \
	  "7143 13.4", "refuses a discovery login without TargetName")         \
	X(UNKNOWN_TSIH_ACCEPTED, "unknown-tsih-accepted", "7143 11.13.5",      \
	  "opens a new session for a login with an unknown non-zero TSIH")     \
	X(NO_TPGT, "no-tpgt", "7143 13.9",                                     \
	  "does not declare TargetPortalGroupTag in a normal login")           \
	X(ISID_TYPE_RESTRICTED, "isid-type-restricted", "7143 11.12",          \
	  "refuses ISIDs of the OUI and EN types")                             \
	/* session and connection reinstatement (login.c) */                   \
	X(NO_SESSION_REINSTATEMENT, "no-session-reinstatement", "7143 6.3.5",  \
	  "keeps the old session when a login reinstates it")                  \
	X(NO_CONN_REINSTATEMENT, "no-conn-reinstatement", "7143 6.3.4",        \
	  "keeps the old connection when a login reuses its CID")              \
	X(MCS_REFUSED, "mcs-refused", "7143 13.2",                             \
	  "refuses a second connection although MaxConnections > 1 was "       \
	  "agreed")                                                            \
	/* authentication (login_auth.c) */                                    \
	X(AUTH_BYPASS, "auth-bypass", "7143 6.3.2",                            \
	  "lets an unauthenticated login leave or skip the security stage "    \
	  "of a target that requires CHAP")                                    \
	X(CHAP_A_FIRST, "chap-a-first", "7143 12.1.3",                         \
	  "answers CHAP_A with the first algorithm offered, supported or not") \
	X(CHAP_CHALLENGE_INCOMPLETE, "chap-challenge-incomplete",              \
	  "7143 12.1.3", "sends CHAP_C without CHAP_I")                        \
	X(CHAP_STATIC_CHALLENGE, "chap-static-challenge", "7143 9.2.1",        \
	  "sends the same CHAP_I and CHAP_C in every login")                   \
	X(CHAP_R_STRICT_FORM, "chap-r-strict-form", "7143 6.1",                \
	  "accepts CHAP_R only as lower-case 0x hex")                          \
	X(CHAP_MUTUAL_WRONG, "chap-mutual-wrong", "7143 12.1.3",               \
	  "answers the initiator's mutual challenge with a wrong CHAP_R")      \
	/* negotiation (login_keys.c) */                                       \
	X(NEG_MIN_OVER_OFFER, "neg-min-over-offer", "7143 6.2.2",              \
	  "answers min-rule keys other than MaxBurstLength above the offer")   \
	X(NEG_MAX_UNDER_OFFER, "neg-max-under-offer", "7143 13.15",            \
	  "answers DefaultTime2Wait below the offer")                          \
	X(NEG_BOOL_OVERRIDE, "neg-bool-override", "7143 6.2.2",                \
	  "answers ImmediateData=Yes, InitialR2T, DataPDUInOrder and "         \
	  "DataSequenceInOrder=No whatever was offered")                       \
	X(LIST_LAST_CHOICE, "list-last-choice", "7143 6.2.1",                  \
	  "answers a list with the last acceptable value, not the first")     \
	X(VALUE_UNCHECKED, "value-unchecked", "7143 6.2.2",                    \
	  "adopts malformed and out-of-range values instead of Reject")        \
	X(HEX_REFUSED, "hex-refused", "7143 6.1",                              \
	  "answers Reject to numbers written in hex")                          \
	X(PRIVATE_KEY_IGNORED, "private-key-ignored", "7143 13.22",            \
	  "silently ignores X- keys instead of NotUnderstood")                 \
	X(OBSOLETE_NOT_UNDERSTOOD, "obsolete-not-understood", "7143 13.25",    \
	  "answers the obsolete marker keys with NotUnderstood")               \
	X(FBL_OVER_MBL, "fbl-over-mbl", "7143 13.14",                          \
	  "answers FirstBurstLength above the agreed MaxBurstLength")          \
	X(FBL_IRRELEVANT_REJECTED, "fbl-irrelevant-rejected", "7143 13.14",    \
	  "answers Reject to FirstBurstLength when it is irrelevant")          \
	X(DISCOVERY_SESSION_KEYS_FAIL, "discovery-session-keys-fail",          \
	  "7143 6.2.1", "fails a discovery login that offers session keys")    \
	X(MRDSL_DECLARED_TOO_SMALL, "mrdsl-declared-too-small", "7143 13.12",  \
	  "declares its MaxRecvDataSegmentLength as 256, below the range")

#endif
