/* SPDX-License-Identifier: MIT */
/*
 * defects_login.h - defects added for the login and negotiation suites (suites/login*.c, suites/neg*.c).
 * Same X(ID, "name", "RFC section", "what") rows as defects.h.
 */
#ifndef ISCSI_REFTGT_DEFECTS_LOGIN_H
#define ISCSI_REFTGT_DEFECTS_LOGIN_H

#define DEFECTS_LOGIN(X)

#endif
