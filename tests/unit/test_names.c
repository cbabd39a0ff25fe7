/* SPDX-License-Identifier: MIT */
/*
 * test_names.c - iSCSI name validation (RFC 7143 §4.2.7).
 */
#include <string.h>

#include "names.h"
#include "unit.h"

static int valid(const char *name)
{
	char err[256] = "";
	int rc = iscsi_name_validate(name, err, sizeof(err));

	/* a failure always explains itself, a success leaves err alone */
	if (rc < 0) {
		CU_ASSERT_NOT_EQUAL(err[0], '\0');
	} else {
		CU_ASSERT_EQUAL(err[0], '\0');
	}
	return rc == 0;
}

/* RFC 7143 §4.2.7.4: the RFC's own iqn. examples are valid. */
static void names_iqn_rfc_examples_valid(void)
{
	CU_ASSERT_TRUE(valid("iqn.2001-04.com.example:storage:diskarrays-sn-"
			     "a8675309"));
	CU_ASSERT_TRUE(valid("iqn.2001-04.com.example"));
	CU_ASSERT_TRUE(valid("iqn.2001-04.com.example:storage.tape1.sys1.xyz"));
	CU_ASSERT_TRUE(valid("iqn.2001-04.com.example:storage.disk2.sys1.xyz"));
	CU_ASSERT_TRUE(valid("iqn.2000-02.edu.example.cs:users.oaks:proto."
			     "target4"));
	CU_ASSERT_EQUAL(iscsi_name_type("iqn.2001-04.com.example"),
			ISCSI_NAME_IQN);
}

/* RFC 7143 §4.2.7.4: the date is yyyy-mm with a real month. */
static void names_iqn_date_format(void)
{
	CU_ASSERT_FALSE(valid("iqn.2001-4.com.example"));
	CU_ASSERT_FALSE(valid("iqn.01-04.com.example"));
	CU_ASSERT_FALSE(valid("iqn.2001-13.com.example"));
	CU_ASSERT_FALSE(valid("iqn.2001-00.com.example"));
	CU_ASSERT_FALSE(valid("iqn.2001/04.com.example"));
	CU_ASSERT_FALSE(valid("iqn.2001-04"));
	CU_ASSERT_FALSE(valid("iqn."));
	CU_ASSERT_TRUE(valid("iqn.1999-12.org.example"));
}

/* RFC 7143 §4.2.7.4: a reversed domain name follows the date. */
static void names_iqn_domain_required(void)
{
	CU_ASSERT_FALSE(valid("iqn.2001-04."));
	CU_ASSERT_FALSE(valid("iqn.2001-04.:foo"));
	CU_ASSERT_FALSE(valid("iqn.2001-04com.example"));
	CU_ASSERT_FALSE(valid("iqn.2001-04.com..example"));
	CU_ASSERT_FALSE(valid("iqn.2001-04.com.example.:x"));
	CU_ASSERT_FALSE(valid("iqn.2001-04.com.example:"));
}

/* RFC 7143 §4.2.7.2: normalized names hold no uppercase ASCII. */
static void names_uppercase_rejected(void)
{
	char err[256] = "";

	CU_ASSERT_EQUAL(
	    iscsi_name_validate("iqn.2001-04.com.Example", err, sizeof(err)),
	    -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "uppercase"));
	CU_ASSERT_FALSE(valid("IQN.2001-04.com.example"));
	CU_ASSERT_FALSE(valid("iqn.2001-04.com.example:HOST1"));
}

/* RFC 7143 §4.2.7.2: no whitespace, '/', '_' or other punctuation. */
static void names_punctuation_rejected(void)
{
	CU_ASSERT_FALSE(valid("iqn.2001-04.com.example:a b"));
	CU_ASSERT_FALSE(valid("iqn.2001-04.com.example:a/b"));
	CU_ASSERT_FALSE(valid("iqn.2001-04.com.example:a_b"));
	CU_ASSERT_FALSE(valid("iqn.2001-04.com.example:a\tb"));
	CU_ASSERT_FALSE(valid("iqn.2001-04.com.exa_mple:x"));
	CU_ASSERT_TRUE(valid("iqn.2001-04.com.example:a-b.c:d"));
}

/* RFC 7143 §4.2.7.2: non-ASCII is UTF-8; malformed UTF-8 is refused. */
static void names_utf8(void)
{
	/* "é" (U+00E9) as c3 a9 */
	CU_ASSERT_TRUE(valid("iqn.2001-04.com.example:caf\xc3\xa9"));
	CU_ASSERT_FALSE(valid("iqn.2001-04.com.example:caf\xe9"));
	CU_ASSERT_FALSE(valid("iqn.2001-04.com.example:\xc3"));
	/* overlong encoding of '/' */
	CU_ASSERT_FALSE(valid("iqn.2001-04.com.example:\xc0\xaf"));
	/* UTF-16 surrogate U+D800 encoded as ed a0 80 */
	CU_ASSERT_FALSE(valid("iqn.2001-04.com.example:\xed\xa0\x80"));
}

/* RFC 7143 §4.2.7.1: at most 223 bytes. */
static void names_max_223_bytes(void)
{
	char name[300];
	size_t pre = strlen("iqn.2001-04.com.example:");

	memcpy(name, "iqn.2001-04.com.example:", pre);
	memset(name + pre, 'a', 223 - pre);
	name[223] = '\0';
	CU_ASSERT_EQUAL(strlen(name), 223u);
	CU_ASSERT_TRUE(valid(name));
	name[223] = 'a';
	name[224] = '\0';
	CU_ASSERT_FALSE(valid(name));
	CU_ASSERT_FALSE(valid(""));
	CU_ASSERT_EQUAL(iscsi_name_validate(NULL, NULL, 0), -1);
}

/* RFC 7143 §4.2.7.5: eui. then 16 hex digits (RFC example uppercase). */
static void names_eui_16_hex(void)
{
	CU_ASSERT_TRUE(valid("eui.02004567A425678D"));
	CU_ASSERT_TRUE(valid("eui.02004567a425678d"));
	CU_ASSERT_FALSE(valid("eui.02004567A425678"));
	CU_ASSERT_FALSE(valid("eui.02004567A425678D0"));
	CU_ASSERT_FALSE(valid("eui.02004567A425678G"));
	CU_ASSERT_FALSE(valid("eui."));
	CU_ASSERT_EQUAL(iscsi_name_type("eui.02004567A425678D"),
			ISCSI_NAME_EUI);
}

/* RFC 7143 §4.2.7.6: naa. then 16 or 32 hex digits. */
static void names_naa_16_or_32_hex(void)
{
	CU_ASSERT_TRUE(valid("naa.52004567BA64678D"));
	CU_ASSERT_TRUE(valid("naa.62004567BA64678D0123456789ABCDEF"));
	CU_ASSERT_FALSE(valid("naa.52004567BA64678D0"));
	CU_ASSERT_FALSE(valid("naa.62004567BA64678D0123456789ABCDE"));
	CU_ASSERT_FALSE(valid("naa.62004567BA64678D0123456789ABCDEF0"));
	CU_ASSERT_FALSE(valid("naa.5200-567BA64678D"));
	CU_ASSERT_EQUAL(iscsi_name_type("naa.52004567BA64678D"),
			ISCSI_NAME_NAA);
}

/* RFC 7143 §4.2.7.3: the name starts with a known type designator. */
static void names_unknown_designator(void)
{
	CU_ASSERT_FALSE(valid("foo.2001-04.com.example"));
	CU_ASSERT_FALSE(valid("iqn2001-04.com.example"));
	CU_ASSERT_FALSE(valid("eui02004567A425678D"));
	CU_ASSERT_EQUAL(iscsi_name_type("iqn2001"), ISCSI_NAME_UNKNOWN);
	CU_ASSERT_EQUAL(iscsi_name_type(NULL), ISCSI_NAME_UNKNOWN);
	CU_ASSERT_STRING_EQUAL(iscsi_name_type_str(ISCSI_NAME_NAA), "naa");
	CU_ASSERT_STRING_EQUAL(iscsi_name_type_str(ISCSI_NAME_UNKNOWN),
			       "unknown");
}

UNIT_SUITE(names, "proto.names", UNIT_TEST(names_iqn_rfc_examples_valid),
	   UNIT_TEST(names_iqn_date_format),
	   UNIT_TEST(names_iqn_domain_required),
	   UNIT_TEST(names_uppercase_rejected),
	   UNIT_TEST(names_punctuation_rejected), UNIT_TEST(names_utf8),
	   UNIT_TEST(names_max_223_bytes), UNIT_TEST(names_eui_16_hex),
	   UNIT_TEST(names_naa_16_or_32_hex),
	   UNIT_TEST(names_unknown_designator))
