/* SPDX-License-Identifier: MIT */
/*
 * defects_ffp.h - defects added for the numbering, NOP and logout suites (suites/numbering*.c, suites/nop*.c, suites/logout*.c).
 * Same X(ID, "name", "RFC section", "what") rows as defects.h.
 */
#ifndef ISCSI_REFTGT_DEFECTS_FFP_H
#define ISCSI_REFTGT_DEFECTS_FFP_H

#define DEFECTS_FFP(X)

#endif
