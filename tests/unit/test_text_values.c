/* SPDX-License-Identifier: MIT */
/*
 * test_text_values.c - the value forms of RFC 7143 §6.1: booleans,
 * numbers, ranges, lists, character sets, binary strings, reserved
 * constants.
 */
#include <string.h>

#include "text.h"
#include "unit.h"

/* §6.1: boolean-value is exactly "Yes" or "No" (case-sensitive). */
static void value_bool_yes_no_only(void)
{
	bool b = false;

	CU_ASSERT_EQUAL(iscsi_value_bool("Yes", &b), 0);
	CU_ASSERT_TRUE(b);
	CU_ASSERT_EQUAL(iscsi_value_bool("No", &b), 0);
	CU_ASSERT_FALSE(b);
	CU_ASSERT_EQUAL(iscsi_value_bool("yes", &b), -1);
	CU_ASSERT_EQUAL(iscsi_value_bool("1", &b), -1);
	CU_ASSERT_EQUAL(iscsi_value_bool("", &b), -1);
}

/* §6.1: decimal-constant is "0" or digits without a leading zero. */
static void value_decimal_constant(void)
{
	uint64_t x = 1;

	CU_ASSERT_EQUAL(iscsi_value_number("0", &x, NULL, 0), 0);
	CU_ASSERT_EQUAL(x, 0);
	CU_ASSERT_EQUAL(iscsi_value_number("262144", &x, NULL, 0), 0);
	CU_ASSERT_EQUAL(x, 262144);
	CU_ASSERT_EQUAL(iscsi_value_number("0262144", &x, NULL, 0), -1);
	CU_ASSERT_EQUAL(iscsi_value_number("", &x, NULL, 0), -1);
	CU_ASSERT_EQUAL(iscsi_value_number("12a", &x, NULL, 0), -1);
	CU_ASSERT_EQUAL(iscsi_value_number("-1", &x, NULL, 0), -1);
	CU_ASSERT_EQUAL(iscsi_value_number(" 1", &x, NULL, 0), -1);
}

/* §6.1: numerical-value is always less than 2**64. */
static void value_number_below_2_64(void)
{
	uint64_t x = 0;
	char err[96] = "";

	CU_ASSERT_EQUAL(iscsi_value_number("18446744073709551615", &x, NULL, 0),
			0);
	CU_ASSERT_EQUAL(x, UINT64_MAX);
	CU_ASSERT_EQUAL(
	    iscsi_value_number("18446744073709551616", &x, err, sizeof(err)),
	    -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "2**64"));
	CU_ASSERT_EQUAL(iscsi_value_number("0xFFFFFFFFFFFFFFFF", &x, NULL, 0),
			0);
	CU_ASSERT_EQUAL(x, UINT64_MAX);
	CU_ASSERT_EQUAL(iscsi_value_number("0x10000000000000000", &x, NULL, 0),
			-1);
}

/* §6.1: hex-constant is 0x or 0X and hex digits; leading zeros allowed. */
static void value_hex_constant(void)
{
	uint64_t x = 0;

	CU_ASSERT_EQUAL(iscsi_value_number("0x200", &x, NULL, 0), 0);
	CU_ASSERT_EQUAL(x, 512);
	CU_ASSERT_EQUAL(
	    iscsi_value_number("0X00000000000000000aB", &x, NULL, 0), 0);
	CU_ASSERT_EQUAL(x, 171);
	CU_ASSERT_EQUAL(iscsi_value_number("0x", &x, NULL, 0), -1);
	CU_ASSERT_EQUAL(iscsi_value_number("0xg1", &x, NULL, 0), -1);
}

/* §6.1: numerical-value is decimal or hex; base64 only as large value. */
static void value_base64_number(void)
{
	uint64_t x = 0;

	CU_ASSERT_EQUAL(iscsi_value_number("0bAQ==", &x, NULL, 0), -1);
	CU_ASSERT_EQUAL(iscsi_value_number_any("0bAQ==", &x, NULL, 0), 0);
	CU_ASSERT_EQUAL(x, 16); /* digits A=0, Q=16, most significant first */
	CU_ASSERT_EQUAL(iscsi_value_number_any("0b/w", &x, NULL, 0), 0);
	CU_ASSERT_EQUAL(x, 4080);
	CU_ASSERT_EQUAL(iscsi_value_number_any("0b", &x, NULL, 0), -1);
	CU_ASSERT_EQUAL(iscsi_value_number_any("0bA*", &x, NULL, 0), -1);
	CU_ASSERT_EQUAL(iscsi_value_number_any("0bA=A", &x, NULL, 0), -1);
	/* 11 digits are 66 bits: too many. */
	CU_ASSERT_EQUAL(iscsi_value_number_any("0b///////////", &x, NULL, 0),
			-1);
	CU_ASSERT_EQUAL(iscsi_value_number_any("42", &x, NULL, 0), 0);
	CU_ASSERT_EQUAL(x, 42);
}

/* §6.1: numerical-range is two numbers, the right not below the left. */
static void value_numerical_range(void)
{
	uint64_t lo = 0, hi = 0;

	CU_ASSERT_EQUAL(iscsi_value_range("1~65535", &lo, &hi, NULL, 0), 0);
	CU_ASSERT_EQUAL(lo, 1);
	CU_ASSERT_EQUAL(hi, 65535);
	CU_ASSERT_EQUAL(iscsi_value_range("7~7", &lo, &hi, NULL, 0), 0);
	CU_ASSERT_EQUAL(iscsi_value_range("8~7", &lo, &hi, NULL, 0), -1);
	CU_ASSERT_EQUAL(iscsi_value_range("8", &lo, &hi, NULL, 0), -1);
	CU_ASSERT_EQUAL(iscsi_value_range("~7", &lo, &hi, NULL, 0), -1);
	CU_ASSERT_EQUAL(iscsi_value_range("1~", &lo, &hi, NULL, 0), -1);
	CU_ASSERT_EQUAL(iscsi_value_range("0x10~0x20", &lo, &hi, NULL, 0), 0);
	CU_ASSERT_EQUAL(hi, 32);
}

/* §6.1: list-of-values is comma-separated values. */
static void value_list_items(void)
{
	const char *cur = "CRC32C,,None", *it;
	size_t len;

	CU_ASSERT_EQUAL(iscsi_list_count("CRC32C,None"), 2);
	CU_ASSERT_EQUAL(iscsi_list_count("None"), 1);
	CU_ASSERT_TRUE(iscsi_list_contains("CRC32C,None", "None", 4));
	CU_ASSERT_FALSE(iscsi_list_contains("CRC32C,None", "Non", 3));
	CU_ASSERT_FALSE(iscsi_list_contains("CRC32C,None", "CRC32", 5));
	CU_ASSERT_TRUE(iscsi_list_next(&cur, &it, &len));
	CU_ASSERT_EQUAL(len, 6);
	CU_ASSERT_TRUE(iscsi_list_next(&cur, &it, &len));
	CU_ASSERT_EQUAL(len, 0);
	CU_ASSERT_TRUE(iscsi_list_next(&cur, &it, &len));
	CU_ASSERT_EQUAL(len, 4);
	CU_ASSERT_EQUAL(memcmp(it, "None", 4), 0);
	CU_ASSERT_FALSE(iscsi_list_next(&cur, &it, &len));
}

/* §6.1: text-value is letters digits . - + @ _ / [ ] : only. */
static void value_text_value_charset(void)
{
	CU_ASSERT_TRUE(iscsi_is_text_value("ExampleOS/v1.2_[x]:a@b+c-d"));
	CU_ASSERT_TRUE(iscsi_is_text_value(""));
	CU_ASSERT_FALSE(iscsi_is_text_value("a b"));
	CU_ASSERT_FALSE(iscsi_is_text_value("a,b"));
	CU_ASSERT_FALSE(iscsi_is_text_value("a=b"));
	CU_ASSERT_FALSE(iscsi_is_text_value("\xc3\xa9"));
}

/* §6.1: iSCSI-local-name-value is UTF-8 without NUL. */
static void value_local_name_is_utf8(void)
{
	CU_ASSERT_TRUE(iscsi_is_utf8("Disk \xc3\xa9t\xc3\xa9 \xe2\x82\xac"));
	CU_ASSERT_TRUE(iscsi_is_utf8("\xf0\x9f\x98\x80"));
	CU_ASSERT_FALSE(iscsi_is_utf8("\xff"));
	CU_ASSERT_FALSE(iscsi_is_utf8("\xc3"));
	CU_ASSERT_FALSE(iscsi_is_utf8("\xc0\x80"));	    /* overlong NUL */
	CU_ASSERT_FALSE(iscsi_is_utf8("\xed\xa0\x80"));	    /* surrogate */
	CU_ASSERT_FALSE(iscsi_is_utf8("\xf4\x90\x80\x80")); /* > U+10FFFF */
}

/* §6.2: NotUnderstood, Irrelevant and Reject are reserved constants. */
static void value_reserved_constants(void)
{
	CU_ASSERT_EQUAL(iscsi_value_special("NotUnderstood"),
			ISCSI_VAL_NOT_UNDERSTOOD);
	CU_ASSERT_EQUAL(iscsi_value_special("Irrelevant"),
			ISCSI_VAL_IRRELEVANT);
	CU_ASSERT_EQUAL(iscsi_value_special("Reject"), ISCSI_VAL_REJECT);
	CU_ASSERT_EQUAL(iscsi_value_special("reject"), ISCSI_VAL_PLAIN);
	CU_ASSERT_EQUAL(iscsi_value_special("None"), ISCSI_VAL_PLAIN);
}

/* §6.1: hex binary: n digits are (n+1)/2 bytes, leading zeros count. */
static void value_hex_binary(void)
{
	uint8_t out[8];
	size_t len = 0;

	CU_ASSERT_EQUAL(
	    iscsi_value_to_bin("0x0102ff", out, sizeof(out), &len, NULL, 0), 0);
	CU_ASSERT_EQUAL(len, 3);
	CU_ASSERT_EQUAL(out[0], 0x01);
	CU_ASSERT_EQUAL(out[2], 0xff);
	CU_ASSERT_EQUAL(
	    iscsi_value_to_bin("0Xabc", out, sizeof(out), &len, NULL, 0), 0);
	CU_ASSERT_EQUAL(len, 2);
	CU_ASSERT_EQUAL(out[0], 0x0a);
	CU_ASSERT_EQUAL(out[1], 0xbc);
	CU_ASSERT_EQUAL(
	    iscsi_value_to_bin("0x0000", out, sizeof(out), &len, NULL, 0), 0);
	CU_ASSERT_EQUAL(len, 2);
	CU_ASSERT_EQUAL(
	    iscsi_value_to_bin("0x", out, sizeof(out), &len, NULL, 0), -1);
	CU_ASSERT_EQUAL(
	    iscsi_value_to_bin("0x0g", out, sizeof(out), &len, NULL, 0), -1);
}

/* §6.1: base64 binary: n characters (no '=') are n*3/4 bytes. */
static void value_base64_binary(void)
{
	uint8_t out[8];
	size_t len = 0;

	CU_ASSERT_EQUAL(
	    iscsi_value_to_bin("0bAQID", out, sizeof(out), &len, NULL, 0), 0);
	CU_ASSERT_EQUAL(len, 3);
	CU_ASSERT_EQUAL(out[0], 1);
	CU_ASSERT_EQUAL(out[2], 3);
	CU_ASSERT_EQUAL(
	    iscsi_value_to_bin("0BAQI=", out, sizeof(out), &len, NULL, 0), 0);
	CU_ASSERT_EQUAL(len, 2);
	CU_ASSERT_EQUAL(
	    iscsi_value_to_bin("0bAQ==", out, sizeof(out), &len, NULL, 0), 0);
	CU_ASSERT_EQUAL(len, 1);
	CU_ASSERT_EQUAL(out[0], 1);
	CU_ASSERT_EQUAL(
	    iscsi_value_to_bin("0bAQ", out, sizeof(out), &len, NULL, 0), 0);
	CU_ASSERT_EQUAL(len, 1);
	/* 4k+1 characters cannot be a correct encoding. */
	CU_ASSERT_EQUAL(
	    iscsi_value_to_bin("0bAQIDB", out, sizeof(out), &len, NULL, 0), -1);
	CU_ASSERT_EQUAL(
	    iscsi_value_to_bin("0bAQ=", out, sizeof(out), &len, NULL, 0), -1);
	CU_ASSERT_EQUAL(
	    iscsi_value_to_bin("0bA.==", out, sizeof(out), &len, NULL, 0), -1);
}

/* §6.1: decimal binary needs an explicit length; bound on output size. */
static void value_binary_refuses_decimal_and_overflow(void)
{
	uint8_t out[2];
	size_t len = 0;
	char err[96] = "";

	CU_ASSERT_EQUAL(iscsi_value_to_bin("12345", out, sizeof(out), &len, err,
					   sizeof(err)),
			-1);
	CU_ASSERT_EQUAL(iscsi_value_to_bin("0x010203", out, sizeof(out), &len,
					   err, sizeof(err)),
			-1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "exceeds 2"));
	CU_ASSERT_EQUAL(
	    iscsi_value_to_bin("0bAQID", out, sizeof(out), &len, NULL, 0), -1);
}

/* §6.1: encoders produce 0x-hex and 0b-base64 with padding. */
static void value_binary_encoders(void)
{
	static const uint8_t in[] = {0x01, 0x02, 0x03, 0xfe};
	char out[16];

	CU_ASSERT_EQUAL(iscsi_bin_to_hex(in, 4, out, sizeof(out)), 0);
	CU_ASSERT_STRING_EQUAL(out, "0x010203fe");
	CU_ASSERT_EQUAL(iscsi_bin_to_hex(in, 4, out, 10), -1);
	CU_ASSERT_EQUAL(iscsi_bin_to_base64(in, 3, out, sizeof(out)), 0);
	CU_ASSERT_STRING_EQUAL(out, "0bAQID");
	CU_ASSERT_EQUAL(iscsi_bin_to_base64(in, 4, out, sizeof(out)), 0);
	CU_ASSERT_STRING_EQUAL(out, "0bAQID/g==");
	CU_ASSERT_EQUAL(iscsi_bin_to_base64(in, 2, out, sizeof(out)), 0);
	CU_ASSERT_STRING_EQUAL(out, "0bAQI=");
	CU_ASSERT_EQUAL(iscsi_bin_to_base64(in, 4, out, 10), -1);
	CU_ASSERT_EQUAL(iscsi_bin_to_base64(in, 0, out, sizeof(out)), 0);
	CU_ASSERT_STRING_EQUAL(out, "0b");
}

UNIT_SUITE(text_values, "text-values", UNIT_TEST(value_bool_yes_no_only),
	   UNIT_TEST(value_decimal_constant),
	   UNIT_TEST(value_number_below_2_64), UNIT_TEST(value_hex_constant),
	   UNIT_TEST(value_base64_number), UNIT_TEST(value_numerical_range),
	   UNIT_TEST(value_list_items), UNIT_TEST(value_text_value_charset),
	   UNIT_TEST(value_local_name_is_utf8),
	   UNIT_TEST(value_reserved_constants), UNIT_TEST(value_hex_binary),
	   UNIT_TEST(value_base64_binary),
	   UNIT_TEST(value_binary_refuses_decimal_and_overflow),
	   UNIT_TEST(value_binary_encoders))
