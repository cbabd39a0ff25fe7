/* SPDX-License-Identifier: MIT */
/*
 * serial.h - serial number arithmetic for CmdSN, StatSN, DataSN, R2TSN
 * (RFC 7143 §4.2.2.1 refers to RFC 1982 with SERIAL_BITS = 32).
 *
 * RFC 1982 §3.2: s1 < s2 when (i1 < i2 and i2 - i1 < 2^31) or
 * (i1 > i2 and i1 - i2 > 2^31).  When the two values are exactly 2^31
 * apart the comparison is undefined: iscsi_sn_cmp() says so with
 * ISCSI_SN_UNDEFINED, and the boolean helpers then answer false for
 * lt, le, gt and ge alike (neither is "before" the other).
 */
#ifndef ISCSI_CTS_SERIAL_H
#define ISCSI_CTS_SERIAL_H

#include <stdbool.h>
#include <stdint.h>

#define ISCSI_SN_HALF 0x80000000u /* 2^(SERIAL_BITS - 1) */

enum iscsi_sn_order {
	ISCSI_SN_LT = -1,
	ISCSI_SN_EQ = 0,
	ISCSI_SN_GT = 1,
	ISCSI_SN_UNDEFINED = 2, /* exactly 2^31 apart (RFC 1982 §3.2) */
};

static inline enum iscsi_sn_order iscsi_sn_cmp(uint32_t a, uint32_t b)
{
	uint32_t d = a - b; /* modulo 2^32 */

	if (d == 0)
		return ISCSI_SN_EQ;
	if (d == ISCSI_SN_HALF)
		return ISCSI_SN_UNDEFINED;
	return d < ISCSI_SN_HALF ? ISCSI_SN_GT : ISCSI_SN_LT;
}

static inline bool iscsi_sn_lt(uint32_t a, uint32_t b)
{
	return iscsi_sn_cmp(a, b) == ISCSI_SN_LT;
}
static inline bool iscsi_sn_gt(uint32_t a, uint32_t b)
{
	return iscsi_sn_cmp(a, b) == ISCSI_SN_GT;
}
static inline bool iscsi_sn_le(uint32_t a, uint32_t b)
{
	enum iscsi_sn_order o = iscsi_sn_cmp(a, b);

	return o == ISCSI_SN_LT || o == ISCSI_SN_EQ;
}
static inline bool iscsi_sn_ge(uint32_t a, uint32_t b)
{
	enum iscsi_sn_order o = iscsi_sn_cmp(a, b);

	return o == ISCSI_SN_GT || o == ISCSI_SN_EQ;
}

/*
 * Signed distance a - b in the serial space, in -(2^31 - 1) .. 2^31 - 1.
 * The undefined case (exactly 2^31 apart) yields INT32_MIN, a value no
 * defined pair can produce.
 */
static inline int32_t iscsi_sn_diff(uint32_t a, uint32_t b)
{
	uint32_t d = a - b;

	if (d == ISCSI_SN_HALF)
		return INT32_MIN;
	if (d < ISCSI_SN_HALF)
		return (int32_t)d;
	return -(int32_t)(0u - d);
}

/* Serial addition (RFC 1982 §3.1): n must be at most 2^31 - 1. */
static inline uint32_t iscsi_sn_add(uint32_t a, uint32_t n)
{
	return a + n;
}

/*
 * Command window (RFC 7143 §4.2.2.1).  The target MUST NOT send a MaxCmdSN
 * less than ExpCmdSN - 1; MaxCmdSN = ExpCmdSN - 1 closes the window; a
 * non-immediate command is accepted for ExpCmdSN <= CmdSN <= MaxCmdSN.
 */
static inline bool iscsi_window_valid(uint32_t expcmdsn, uint32_t maxcmdsn)
{
	return iscsi_sn_ge(maxcmdsn, expcmdsn - 1u);
}

static inline bool iscsi_window_closed(uint32_t expcmdsn, uint32_t maxcmdsn)
{
	return maxcmdsn == expcmdsn - 1u;
}

/* Number of CmdSNs the window admits; 0 when closed or invalid. */
static inline uint32_t iscsi_window_size(uint32_t expcmdsn, uint32_t maxcmdsn)
{
	if (!iscsi_window_valid(expcmdsn, maxcmdsn))
		return 0;
	return maxcmdsn - expcmdsn + 1u;
}

static inline bool iscsi_cmdsn_in_window(uint32_t cmdsn, uint32_t expcmdsn,
					 uint32_t maxcmdsn)
{
	if (!iscsi_window_valid(expcmdsn, maxcmdsn) ||
	    iscsi_window_closed(expcmdsn, maxcmdsn))
		return false;
	return cmdsn - expcmdsn <= maxcmdsn - expcmdsn;
}

#endif
