/* SPDX-License-Identifier: MIT */
/*
 * fields.c - the named-field table (Wireshark's names and formats) and
 * its accessors.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "fields.h"

#define OP(x) ISCSI_FIELD_OP(ISCSI_OP_##x)

/* Opcode sets. */
#define ALL_OPS                                                                \
	(OP(NOP_OUT) | OP(SCSI_CMD) | OP(TMF_REQ) | OP(LOGIN_REQ) |            \
	 OP(TEXT_REQ) | OP(DATA_OUT) | OP(LOGOUT_REQ) | OP(SNACK_REQ) |        \
	 TGT_OPS)
#define TGT_OPS                                                                \
	(OP(NOP_IN) | OP(SCSI_RSP) | OP(TMF_RSP) | OP(LOGIN_RSP) |             \
	 OP(TEXT_RSP) | OP(DATA_IN) | OP(LOGOUT_RSP) | OP(R2T) |               \
	 OP(ASYNC_MSG) | OP(REJECT))
#define CMDSN_OPS                                                              \
	(OP(NOP_OUT) | OP(SCSI_CMD) | OP(TMF_REQ) | OP(LOGIN_REQ) |            \
	 OP(TEXT_REQ) | OP(LOGOUT_REQ))
#define LOGIN (OP(LOGIN_REQ) | OP(LOGIN_RSP))
#define TEXT (OP(TEXT_REQ) | OP(TEXT_RSP))

/* Wireshark field: name, opcodes, offset, width, mask, format. */
#define WS(n, ops, o, w, m, fmt) {n, ops, o, w, m, ISCSI_FMT_##fmt, 0, true}
/* The same, shown only when byte 1 has the bits `when` set. */
#define WS_IF(n, ops, o, w, m, fmt, when)                                      \
	{n, ops, o, w, m, ISCSI_FMT_##fmt, when, true}
/* Raw bytes of our own naming, on every opcode. */
#define RAW(n, o, w) {n, ALL_OPS, o, w, 0, ISCSI_FMT_HEX, 0, false}

static const struct iscsi_field fields[] = {
	/* common header (§11.2.1) */
	WS("iscsi.opcode", ALL_OPS, 0, 1, 0x3f, HEX),
	WS("iscsi.I", OP(NOP_OUT) | OP(SCSI_CMD) | OP(TMF_REQ) |
		OP(TEXT_REQ) | OP(LOGOUT_REQ), 0, 1, 0x40, BOOL),
	WS("iscsi.flags", OP(SCSI_CMD) | OP(TEXT_REQ) | OP(DATA_OUT) |
		OP(SCSI_RSP) | OP(TEXT_RSP) | OP(DATA_IN), 1, 1, 0, HEX),
	WS("iscsi.totalahslength", ALL_OPS & ~OP(TMF_RSP), 4, 1, 0, DEC),
	WS("iscsi.datasegmentlength", ALL_OPS & ~OP(TMF_RSP), 5, 3, 0, DEC),
	WS("iscsi.initiatortasktag", ALL_OPS & ~(OP(ASYNC_MSG) | OP(REJECT)),
		16, 4, 0, HEX),
	WS("iscsi.targettransfertag", OP(NOP_OUT) | OP(TEXT_REQ) |
		OP(DATA_OUT) | OP(SNACK_REQ) | OP(NOP_IN) | OP(TEXT_RSP) |
		OP(R2T), 20, 4, 0, HEX),
	WS_IF("iscsi.targettransfertag", OP(DATA_IN), 20, 4, 0, HEX,
		ISCSI_DATA_IN_A),
	WS("iscsi.cmdsn", CMDSN_OPS, 24, 4, 0, DEC),
	WS("iscsi.expstatsn", CMDSN_OPS | OP(DATA_OUT) | OP(SNACK_REQ), 28, 4,
		0, DEC),
	WS("iscsi.statsn", TGT_OPS, 24, 4, 0, DEC),
	WS("iscsi.expcmdsn", TGT_OPS, 28, 4, 0, DEC),
	WS("iscsi.maxcmdsn", TGT_OPS, 32, 4, 0, DEC),

	/* SCSI Command (§11.3) */
	WS("iscsi.scsicommand.F", OP(SCSI_CMD), 1, 1, 0x80, BOOL),
	WS("iscsi.scsicommand.R", OP(SCSI_CMD), 1, 1, 0x40, BOOL),
	WS("iscsi.scsicommand.W", OP(SCSI_CMD), 1, 1, 0x20, BOOL),
	WS("iscsi.scsicommand.attr", OP(SCSI_CMD), 1, 1, 0x07, HEX),
	WS("iscsi.scsicommand.expecteddatatransferlength", OP(SCSI_CMD), 20, 4,
		0, DEC),

	/* SCSI Response (§11.4) */
	WS("iscsi.scsiresponse.o", OP(SCSI_RSP), 1, 1, 0x10, BOOL),
	WS("iscsi.scsiresponse.u", OP(SCSI_RSP), 1, 1, 0x08, BOOL),
	WS("iscsi.scsiresponse.O", OP(SCSI_RSP), 1, 1, 0x04, BOOL),
	WS("iscsi.scsiresponse.U", OP(SCSI_RSP), 1, 1, 0x02, BOOL),
	WS("iscsi.scsiresponse.response", OP(SCSI_RSP), 2, 1, 0, HEX),
	WS("iscsi.scsiresponse.status", OP(SCSI_RSP), 3, 1, 0, HEX),
	WS_IF("iscsi.scsiresponse.status", OP(DATA_IN), 3, 1, 0, HEX,
		ISCSI_DATA_IN_S),
	WS("iscsi.expdatasn", OP(SCSI_RSP), 36, 4, 0, HEX),
	WS("iscsi.scsiresponse.bidireadresidualcount", OP(SCSI_RSP), 40, 4, 0,
		DEC),
	WS("iscsi.scsiresponse.residualcount", OP(SCSI_RSP), 44, 4, 0, DEC),

	/* Task Management (§11.5, §11.6) */
	WS("iscsi.taskmanfun.function", OP(TMF_REQ), 1, 1, 0x7f, HEX),
	WS("iscsi.taskmanfun.referencedtasktag", OP(TMF_REQ), 20, 4, 0, HEX),
	WS("iscsi.refcmdsn", OP(TMF_REQ), 32, 4, 0, DEC),
	WS("iscsi.taskmanfun.response", OP(TMF_RSP), 2, 1, 0, HEX),

	/* Data-Out / Data-In (§11.7) */
	WS("iscsi.scsidata.F", OP(DATA_OUT) | OP(DATA_IN), 1, 1, 0x80, BOOL),
	WS("iscsi.scsidata.A", OP(DATA_IN), 1, 1, 0x40, BOOL),
	WS("iscsi.scsidata.O", OP(DATA_IN), 1, 1, 0x04, BOOL),
	WS("iscsi.scsidata.U", OP(DATA_IN), 1, 1, 0x02, BOOL),
	WS("iscsi.scsidata.S", OP(DATA_IN), 1, 1, 0x01, BOOL),
	WS("iscsi.datasn", OP(DATA_OUT) | OP(DATA_IN) | OP(REJECT), 36, 4, 0,
		DEC),
	WS("iscsi.bufferOffset", OP(DATA_OUT) | OP(DATA_IN) | OP(R2T), 40, 4,
		0, DEC),
	WS("iscsi.scsidata.readresidualcount", OP(DATA_IN), 44, 4, 0, DEC),

	/* R2T (§11.8) */
	WS("iscsi.r2tsn", OP(R2T), 36, 4, 0, DEC),
	WS("iscsi.desireddatalength", OP(R2T), 44, 4, 0, DEC),

	/* Asynchronous Message (§11.9) */
	WS("iscsi.asyncevent", OP(ASYNC_MSG), 36, 1, 0, HEX),
	WS("iscsi.eventvendorcode", OP(ASYNC_MSG), 37, 1, 0, HEX),
	WS("iscsi.parameter1", OP(ASYNC_MSG), 38, 2, 0, HEX),
	WS("iscsi.parameter2", OP(ASYNC_MSG), 40, 2, 0, HEX),
	WS("iscsi.parameter3", OP(ASYNC_MSG), 42, 2, 0, HEX),

	/* Text (§11.10, §11.11) */
	WS("iscsi.text.F", TEXT, 1, 1, 0x80, BOOL),
	WS("iscsi.text.C", TEXT, 1, 1, 0x40, BOOL),

	/* Login (§11.12, §11.13) */
	WS("iscsi.login.T", LOGIN, 1, 1, 0x80, BOOL),
	WS("iscsi.login.C", LOGIN, 1, 1, 0x40, BOOL),
	WS("iscsi.login.csg", LOGIN, 1, 1, 0x0c, HEX),
	WS_IF("iscsi.login.nsg", LOGIN, 1, 1, 0x03, HEX, ISCSI_LOGIN_T),
	WS("iscsi.versionmax", LOGIN, 2, 1, 0, HEX),
	WS("iscsi.versionmin", OP(LOGIN_REQ), 3, 1, 0, HEX),
	WS("iscsi.versionactive", OP(LOGIN_RSP), 3, 1, 0, HEX),
	WS("iscsi.isid", LOGIN, 8, 6, 0, BYTES),
	WS("iscsi.isid.t", LOGIN, 8, 1, 0xc0, HEX),
	WS("iscsi.isid.a", LOGIN, 8, 1, 0x3f, HEX),
	WS("iscsi.isid.b", LOGIN, 9, 2, 0, HEX),
	WS("iscsi.isid.c", LOGIN, 11, 1, 0, HEX),
	WS("iscsi.isid.d", LOGIN, 12, 2, 0, HEX),
	WS("iscsi.tsih", LOGIN, 14, 2, 0, HEX),
	WS("iscsi.cid", OP(LOGIN_REQ) | OP(LOGOUT_REQ), 20, 2, 0, HEX),
	WS("iscsi.login.status", OP(LOGIN_RSP), 36, 2, 0, HEX),

	/* Logout (§11.14, §11.15) */
	WS("iscsi.logout.reason", OP(LOGOUT_REQ), 1, 1, 0x7f, HEX),
	WS("iscsi.logout.response", OP(LOGOUT_RSP), 2, 1, 0, HEX),
	WS("iscsi.time2wait", OP(LOGOUT_RSP), 40, 2, 0, HEX),
	WS("iscsi.time2retain", OP(LOGOUT_RSP), 42, 2, 0, HEX),

	/* SNACK (§11.16) */
	WS("iscsi.snack.type", OP(SNACK_REQ), 1, 1, 0x0f, DEC),
	WS("iscsi.snack.begrun", OP(SNACK_REQ), 40, 4, 0, HEX),
	WS("iscsi.snack.runlength", OP(SNACK_REQ), 44, 4, 0, DEC),

	/* Reject (§11.17) */
	WS("iscsi.reject.reason", OP(REJECT), 2, 1, 0, HEX),

	/* raw header bytes, any opcode */
	RAW("bhs.byte0", 0, 1),
	RAW("bhs.byte1", 1, 1),
	RAW("bhs.byte2", 2, 1),
	RAW("bhs.byte3", 3, 1),
	RAW("bhs.totalahslength", 4, 1),
	RAW("bhs.dsl", 5, 3),
	RAW("bhs.lun", 8, 8),
	RAW("bhs.itt", 16, 4),
	RAW("bhs.word20", 20, 4),
	RAW("bhs.word24", 24, 4),
	RAW("bhs.word28", 28, 4),
	RAW("bhs.word32", 32, 4),
	RAW("bhs.word36", 36, 4),
	RAW("bhs.word40", 40, 4),
	RAW("bhs.word44", 44, 4),
};

const struct iscsi_field *iscsi_field_table(size_t *count)
{
	*count = sizeof(fields) / sizeof(fields[0]);
	return fields;
}

const struct iscsi_field *iscsi_field_find(const char *name, unsigned opcode)
{
	uint64_t bit = ISCSI_FIELD_OP(opcode & ISCSI_OPCODE_MASK);

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if ((fields[i].opcodes & bit) && !strcmp(fields[i].name, name))
			return &fields[i];
	return NULL;
}

static unsigned mask_shift(uint32_t mask)
{
	unsigned s = 0;

	while (mask && !(mask & 1u)) {
		mask >>= 1;
		s++;
	}
	return s;
}

static bool field_ok(const struct iscsi_field *f)
{
	return f && f->width >= 1 && f->width <= 8 &&
	       (unsigned)f->offset + f->width <= ISCSI_BHS_LEN;
}

int iscsi_field_get(const struct iscsi_bhs *bhs, const struct iscsi_field *f,
		    uint64_t *v)
{
	const uint8_t *p = (const uint8_t *)bhs;
	uint64_t x = 0;

	if (!field_ok(f))
		return -1;
	for (unsigned i = 0; i < f->width; i++)
		x = x << 8 | p[f->offset + i];
	if (f->mask)
		x = (x & f->mask) >> mask_shift(f->mask);
	*v = x;
	return 0;
}

int iscsi_field_set(struct iscsi_bhs *bhs, const struct iscsi_field *f,
		    uint64_t v)
{
	uint8_t *p = (uint8_t *)bhs;
	uint64_t x = 0;

	if (!field_ok(f))
		return -1;
	if (f->mask) {
		uint64_t mask = f->mask;
		unsigned s = mask_shift(f->mask);

		if (v > (mask >> s))
			return -1;
		for (unsigned i = 0; i < f->width; i++)
			x = x << 8 | p[f->offset + i];
		v = (x & ~mask) | (v << s);
	} else if (f->width < 8 && v >> (8 * f->width)) {
		return -1;
	}
	for (unsigned i = f->width; i-- > 0;) {
		p[f->offset + i] = (uint8_t)v;
		v >>= 8;
	}
	return 0;
}

bool iscsi_field_shown(const struct iscsi_bhs *bhs,
		       const struct iscsi_field *f)
{
	return (bhs->flags & f->shown_if) == f->shown_if;
}

int iscsi_field_format(const struct iscsi_bhs *bhs,
		       const struct iscsi_field *f, char *buf, size_t len)
{
	const uint8_t *p = (const uint8_t *)bhs;
	uint64_t v;
	int n = 0;

	if (iscsi_field_get(bhs, f, &v) || !buf || !len)
		return -1;
	switch (f->fmt) {
	case ISCSI_FMT_DEC:
		n = snprintf(buf, len, "%" PRIu64, v);
		break;
	case ISCSI_FMT_HEX:
		n = snprintf(buf, len, "0x%0*" PRIx64, 2 * f->width, v);
		break;
	case ISCSI_FMT_BOOL:
		n = snprintf(buf, len, "%d", v != 0);
		break;
	case ISCSI_FMT_BYTES:
		for (unsigned i = 0; i < f->width; i++) {
			if ((size_t)n + 3 > len)
				return -1;
			n += snprintf(buf + n, len - (size_t)n, "%02x",
				      p[f->offset + i]);
		}
		break;
	}
	return n < 0 || (size_t)n >= len ? -1 : n;
}
