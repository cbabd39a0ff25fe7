/* SPDX-License-Identifier: MIT */
/*
 * defects_text.h - defects added for the discovery, text and LUN 0 suites (suites/discovery*.c, suites/text*.c, suites/lun0*.c).
 * Same X(ID, "name", "RFC section", "what") rows as defects.h.
 */
#ifndef ISCSI_REFTGT_DEFECTS_TEXT_H
#define ISCSI_REFTGT_DEFECTS_TEXT_H

#define DEFECTS_TEXT(X)

#endif
