/* SPDX-License-Identifier: MIT */
/*
 * test_serial.c - RFC 1982 serial arithmetic (SERIAL_BITS = 32) and the
 * CmdSN window rules of RFC 7143 §4.2.2.1.
 */
#include "serial.h"
#include "unit.h"

/* RFC 1982 §3.2: equal values compare equal. */
static void serial_equal_values(void)
{
	CU_ASSERT_EQUAL(iscsi_sn_cmp(5, 5), ISCSI_SN_EQ);
	CU_ASSERT_TRUE(iscsi_sn_le(5, 5));
	CU_ASSERT_TRUE(iscsi_sn_ge(5, 5));
	CU_ASSERT_FALSE(iscsi_sn_lt(5, 5));
	CU_ASSERT_FALSE(iscsi_sn_gt(5, 5));
	CU_ASSERT_EQUAL(iscsi_sn_diff(0xffffffffu, 0xffffffffu), 0);
}

/* RFC 1982 §3.2: i1 < i2 and i2 - i1 < 2^31 means s1 < s2. */
static void serial_plain_order(void)
{
	CU_ASSERT_TRUE(iscsi_sn_lt(1, 2));
	CU_ASSERT_TRUE(iscsi_sn_gt(2, 1));
	CU_ASSERT_EQUAL(iscsi_sn_cmp(100, 200), ISCSI_SN_LT);
	CU_ASSERT_EQUAL(iscsi_sn_diff(200, 100), 100);
	CU_ASSERT_EQUAL(iscsi_sn_diff(100, 200), -100);
}

/* RFC 1982 §3.2: 0xffffffff is before 0 (the counter wrapped). */
static void serial_wrap_ffffffff_before_zero(void)
{
	CU_ASSERT_TRUE(iscsi_sn_lt(0xffffffffu, 0));
	CU_ASSERT_TRUE(iscsi_sn_gt(0, 0xffffffffu));
	CU_ASSERT_TRUE(iscsi_sn_le(0xffffffffu, 0));
	CU_ASSERT_FALSE(iscsi_sn_ge(0xffffffffu, 0));
	CU_ASSERT_EQUAL(iscsi_sn_diff(0, 0xffffffffu), 1);
	CU_ASSERT_EQUAL(iscsi_sn_diff(0xffffffffu, 0), -1);
	CU_ASSERT_EQUAL(iscsi_sn_add(0xffffffffu, 1), 0u);
	CU_ASSERT_TRUE(iscsi_sn_lt(0xfffffff0u, 0x10u));
}

/* RFC 1982 §3.2: 2^31 - 1 apart is still ordered. */
static void serial_just_below_half(void)
{
	CU_ASSERT_TRUE(iscsi_sn_lt(0, 0x7fffffffu));
	CU_ASSERT_TRUE(iscsi_sn_gt(0x7fffffffu, 0));
	CU_ASSERT_EQUAL(iscsi_sn_diff(0x7fffffffu, 0), 0x7fffffff);
	CU_ASSERT_EQUAL(iscsi_sn_diff(0, 0x7fffffffu), -0x7fffffff);
	/* 2^31 + 1 apart: the larger integer is "before" the smaller. */
	CU_ASSERT_TRUE(iscsi_sn_lt(0x80000001u, 0));
	CU_ASSERT_TRUE(iscsi_sn_gt(0, 0x80000001u));
}

/* RFC 1982 §3.2: values exactly 2^31 apart are undefined. */
static void serial_half_apart_undefined(void)
{
	static const uint32_t pairs[][2] = {
	    {0, 0x80000000u},
	    {0x80000000u, 0},
	    {0x7fffffffu, 0xffffffffu},
	    {0xffffffffu, 0x7fffffffu},
	    {12345, 12345u + 0x80000000u},
	};

	for (unsigned i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		uint32_t a = pairs[i][0], b = pairs[i][1];

		CU_ASSERT_EQUAL(iscsi_sn_cmp(a, b), ISCSI_SN_UNDEFINED);
		CU_ASSERT_FALSE(iscsi_sn_lt(a, b));
		CU_ASSERT_FALSE(iscsi_sn_gt(a, b));
		CU_ASSERT_FALSE(iscsi_sn_le(a, b));
		CU_ASSERT_FALSE(iscsi_sn_ge(a, b));
		CU_ASSERT_EQUAL(iscsi_sn_diff(a, b), INT32_MIN);
	}
}

/* RFC 7143 §4.2.2.1: CmdSN from ExpCmdSN to MaxCmdSN inclusive is accepted. */
static void window_accepts_exp_through_max(void)
{
	CU_ASSERT_TRUE(iscsi_cmdsn_in_window(10, 10, 20));
	CU_ASSERT_TRUE(iscsi_cmdsn_in_window(15, 10, 20));
	CU_ASSERT_TRUE(iscsi_cmdsn_in_window(20, 10, 20));
	CU_ASSERT_FALSE(iscsi_cmdsn_in_window(9, 10, 20));
	CU_ASSERT_FALSE(iscsi_cmdsn_in_window(21, 10, 20));
	CU_ASSERT_EQUAL(iscsi_window_size(10, 20), 11u);
	/* a single-slot window */
	CU_ASSERT_TRUE(iscsi_cmdsn_in_window(7, 7, 7));
	CU_ASSERT_FALSE(iscsi_cmdsn_in_window(8, 7, 7));
}

/* RFC 7143 §4.2.2.1: the window straddling 0xffffffff -> 0 still works. */
static void window_across_wrap(void)
{
	CU_ASSERT_TRUE(iscsi_window_valid(0xfffffffeu, 2));
	CU_ASSERT_EQUAL(iscsi_window_size(0xfffffffeu, 2), 5u);
	CU_ASSERT_TRUE(iscsi_cmdsn_in_window(0xfffffffeu, 0xfffffffeu, 2));
	CU_ASSERT_TRUE(iscsi_cmdsn_in_window(0xffffffffu, 0xfffffffeu, 2));
	CU_ASSERT_TRUE(iscsi_cmdsn_in_window(0, 0xfffffffeu, 2));
	CU_ASSERT_TRUE(iscsi_cmdsn_in_window(2, 0xfffffffeu, 2));
	CU_ASSERT_FALSE(iscsi_cmdsn_in_window(3, 0xfffffffeu, 2));
	CU_ASSERT_FALSE(iscsi_cmdsn_in_window(0xfffffffdu, 0xfffffffeu, 2));
}

/* RFC 7143 §4.2.2.1: MaxCmdSN = ExpCmdSN - 1 closes the window. */
static void window_closed_at_exp_minus_one(void)
{
	CU_ASSERT_TRUE(iscsi_window_closed(10, 9));
	CU_ASSERT_TRUE(iscsi_window_valid(10, 9));
	CU_ASSERT_EQUAL(iscsi_window_size(10, 9), 0u);
	CU_ASSERT_FALSE(iscsi_cmdsn_in_window(10, 10, 9));
	CU_ASSERT_FALSE(iscsi_cmdsn_in_window(9, 10, 9));
	/* across the wrap: ExpCmdSN 0, MaxCmdSN 0xffffffff */
	CU_ASSERT_TRUE(iscsi_window_closed(0, 0xffffffffu));
	CU_ASSERT_FALSE(iscsi_cmdsn_in_window(0, 0, 0xffffffffu));
	CU_ASSERT_FALSE(iscsi_window_closed(10, 10));
}

/* RFC 7143 §4.2.2.1: MaxCmdSN less than ExpCmdSN - 1 is invalid. */
static void window_max_below_exp_minus_one_invalid(void)
{
	CU_ASSERT_FALSE(iscsi_window_valid(10, 8));
	CU_ASSERT_FALSE(iscsi_window_valid(0, 0xfffffffeu));
	CU_ASSERT_EQUAL(iscsi_window_size(10, 8), 0u);
	CU_ASSERT_FALSE(iscsi_cmdsn_in_window(9, 10, 8));
	CU_ASSERT_FALSE(iscsi_cmdsn_in_window(10, 10, 8));
	/* MaxCmdSN exactly 2^31 past ExpCmdSN - 1: not a defined order */
	CU_ASSERT_FALSE(iscsi_window_valid(1, 0x80000000u));
	/* largest valid window: 2^31 - 1 slots */
	CU_ASSERT_TRUE(iscsi_window_valid(1, 0x7fffffffu));
	CU_ASSERT_EQUAL(iscsi_window_size(1, 0x7fffffffu), 0x7fffffffu);
}

UNIT_SUITE(serial, "proto.serial", UNIT_TEST(serial_equal_values),
	   UNIT_TEST(serial_plain_order),
	   UNIT_TEST(serial_wrap_ffffffff_before_zero),
	   UNIT_TEST(serial_just_below_half),
	   UNIT_TEST(serial_half_apart_undefined),
	   UNIT_TEST(window_accepts_exp_through_max),
	   UNIT_TEST(window_across_wrap),
	   UNIT_TEST(window_closed_at_exp_minus_one),
	   UNIT_TEST(window_max_below_exp_minus_one_invalid))
