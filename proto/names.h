/* SPDX-License-Identifier: MIT */
/*
 * names.h - iSCSI name validation (RFC 7143 §4.2.7).
 *
 * What is enforced:
 *   - 1..223 bytes (§4.2.7.1);
 *   - a type designator in lowercase: "iqn.", "eui." or "naa." (§4.2.7.3);
 *   - iqn.: "iqn." yyyy-mm "." reversed-domain [ ":" unique-part ], the
 *     month 01..12, domain labels non-empty and made of a-z 0-9 '-', and a
 *     non-empty unique part when the ':' is present (§4.2.7.4);
 *   - eui.: exactly 16 hex digits (§4.2.7.5);
 *   - naa.: exactly 16 or 32 hex digits (§4.2.7.6).
 * Characters (§4.2.7.2): after the iSCSI stringprep profile (RFC 3722) a
 * name holds no ASCII uppercase, whitespace, control or punctuation other
 * than '-', '.' and ':'.  In the iqn. unique part we also accept
 * well-formed multi-byte UTF-8 (stringprep-normalized non-ASCII letters),
 * but we do not run the stringprep tables, so non-ASCII is only checked
 * for UTF-8 well-formedness.  Hex digits of eui./naa. are accepted in
 * either case, since the RFC's own examples print them in uppercase.
 */
#ifndef ISCSI_CTS_NAMES_H
#define ISCSI_CTS_NAMES_H

#include <stddef.h>

#define ISCSI_NAME_MAX 223 /* bytes, not counting the NUL (§4.2.7.1) */

enum iscsi_name_type {
	ISCSI_NAME_UNKNOWN = 0, /* no known type designator */
	ISCSI_NAME_IQN,
	ISCSI_NAME_EUI,
	ISCSI_NAME_NAA,
};

/* The type by its designator alone; the rest of the name is not checked. */
enum iscsi_name_type iscsi_name_type(const char *name);

const char *iscsi_name_type_str(enum iscsi_name_type t);

/* 0 if valid; -1 with a reason in err otherwise. */
int iscsi_name_validate(const char *name, char *err, size_t errlen);

#endif
