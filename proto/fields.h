/* SPDX-License-Identifier: MIT */
/*
 * fields.h - named BHS fields, so the analyzer can print columns and the
 * harness can mutate a PDU by name ({field, op, value}).
 *
 * Names and value formats are Wireshark's (epan/dissectors/packet-iscsi.c,
 * checked against tshark 4.0 `-T fields -e NAME` output): one name may sit
 * at different offsets per opcode (iscsi.statsn, iscsi.datasn, ...), hence
 * the per-opcode lookup. Fields Wireshark does not name are reachable as
 * raw "bhs.*" bytes and words, valid for every opcode.
 */
#ifndef ISCSI_CTS_FIELDS_H
#define ISCSI_CTS_FIELDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire.h"

/* How `tshark -T fields` prints a value. */
enum iscsi_field_fmt {
	ISCSI_FMT_DEC,	 /* BASE_DEC, BASE_DEC_HEX: "4097" */
	ISCSI_FMT_HEX,	 /* BASE_HEX: "0x" + 2 digits per byte of width */
	ISCSI_FMT_BOOL,	 /* FT_BOOLEAN: "1" or "0" */
	ISCSI_FMT_BYTES, /* FT_BYTES: "00023d000001" */
};

#define ISCSI_FIELD_OP(op) (UINT64_C(1) << (op))

struct iscsi_field {
	const char *name; /* Wireshark's name, e.g. "iscsi.cmdsn" */
	uint64_t opcodes; /* ISCSI_FIELD_OP(opcode) for each it applies to */
	uint8_t offset, width; /* bytes within the BHS; width 1..8 */
	uint32_t mask;	       /* bits within the value, 0 for all */
	enum iscsi_field_fmt fmt;
	uint8_t shown_if; /* byte-1 flag bits Wireshark needs set to show it
			     (Login NSG needs T, Data-In Status needs S) */
	bool wireshark;	  /* false for the raw "bhs.*" names of our own */
};

/* The whole table; *count receives its length. */
const struct iscsi_field *iscsi_field_table(size_t *count);

/* The entry for name on this opcode (I bit ignored), or NULL. */
const struct iscsi_field *iscsi_field_find(const char *name, unsigned opcode);

/* Reads the field (masked bits shifted down). Returns 0, or -1. */
int iscsi_field_get(const struct iscsi_bhs *bhs, const struct iscsi_field *f,
		    uint64_t *v);
/* Writes v (shifted into the mask). Returns 0, or -1 when v does not fit. */
int iscsi_field_set(struct iscsi_bhs *bhs, const struct iscsi_field *f,
		    uint64_t v);

/* Whether Wireshark would show this field on this header (shown_if). */
bool iscsi_field_shown(const struct iscsi_bhs *bhs,
		       const struct iscsi_field *f);

/* The value exactly as `tshark -T fields -e NAME` prints it. Returns the
 * length written, or -1 when buf is too small. */
int iscsi_field_format(const struct iscsi_bhs *bhs,
		       const struct iscsi_field *f, char *buf, size_t len);

#endif
