/* SPDX-License-Identifier: MIT */
/*
 * names.c - iSCSI name validation (RFC 7143 §4.2.7); see names.h for the
 * subset of the rules enforced.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "names.h"

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_lower_alnum(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z');
}

static bool is_hex(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

enum iscsi_name_type iscsi_name_type(const char *name)
{
	if (!name)
		return ISCSI_NAME_UNKNOWN;
	if (strncmp(name, "iqn.", 4) == 0)
		return ISCSI_NAME_IQN;
	if (strncmp(name, "eui.", 4) == 0)
		return ISCSI_NAME_EUI;
	if (strncmp(name, "naa.", 4) == 0)
		return ISCSI_NAME_NAA;
	return ISCSI_NAME_UNKNOWN;
}

const char *iscsi_name_type_str(enum iscsi_name_type t)
{
	switch (t) {
	case ISCSI_NAME_IQN:
		return "iqn";
	case ISCSI_NAME_EUI:
		return "eui";
	case ISCSI_NAME_NAA:
		return "naa";
	case ISCSI_NAME_UNKNOWN:
		break;
	}
	return "unknown";
}

/* Length of the well-formed UTF-8 sequence at s (lead byte >= 0x80), or 0. */
static size_t utf8_seq_len(const unsigned char *s)
{
	size_t n;
	unsigned cp;

	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		cp = s[0] & 0x1fu;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		cp = s[0] & 0x0fu;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		cp = s[0] & 0x07u;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0u) != 0x80u)
			return 0; /* also catches the terminating NUL */
		cp = cp << 6 | (s[i] & 0x3fu);
	}
	/* overlong forms, surrogates and code points past U+10FFFF */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

/*
 * §4.2.7.2: the characters a normalized name may hold.  Returns 0 or -1
 * with the offending offset described.
 */
static int check_chars(const char *name, char *err, size_t errlen)
{
	const unsigned char *s = (const unsigned char *)name;

	for (size_t i = 0; s[i];) {
		unsigned char c = s[i];
		size_t n;

		if (is_lower_alnum((char)c) || c == '-' || c == '.' ||
		    c == ':') {
			i++;
			continue;
		}
		if (c >= 'A' && c <= 'Z')
			return iscsi_err(err, errlen,
					 "uppercase '%c' at offset %zu: names "
					 "are normalized to lowercase "
					 "(RFC 7143 §4.2.7.2, RFC 3722)",
					 c, i);
		if (c < 0x80)
			return iscsi_err(err, errlen,
					 "character 0x%02x at offset %zu is "
					 "not allowed in an iSCSI name "
					 "(RFC 7143 §4.2.7.2)",
					 c, i);
		n = utf8_seq_len(s + i);
		if (!n)
			return iscsi_err(err, errlen,
					 "malformed UTF-8 at offset %zu "
					 "(RFC 7143 §4.2.7.2)",
					 i);
		i += n;
	}
	return 0;
}

static int check_hex_tail(const char *name, const char *what, size_t want1,
			  size_t want2, char *err, size_t errlen)
{
	const char *p = name + 4;
	size_t n = strlen(p);

	if (n != want1 && n != want2) {
		if (want1 == want2)
			return iscsi_err(err, errlen,
					 "%s name needs %zu hex digits, "
					 "has %zu",
					 what, want1, n);
		return iscsi_err(err, errlen,
				 "%s name needs %zu or %zu hex digits, has %zu",
				 what, want1, want2, n);
	}
	for (size_t i = 0; i < n; i++)
		if (!is_hex(p[i]))
			return iscsi_err(err, errlen,
					 "%s name: '%c' at offset %zu is not "
					 "a hex digit",
					 what, p[i], i + 4);
	return 0;
}

/* "iqn." yyyy-mm "." reversed-domain [":" unique] (§4.2.7.4) */
static int check_iqn(const char *name, char *err, size_t errlen)
{
	const char *p = name + 4;
	const char *colon;
	size_t dlen, label = 0;
	int month;

	for (int i = 0; i < 7; i++) {
		bool ok = i == 4 ? p[i] == '-' : is_digit(p[i]);

		if (!ok)
			return iscsi_err(err, errlen,
					 "iqn name: date must be yyyy-mm "
					 "(RFC 7143 §4.2.7.4)");
	}
	month = (p[5] - '0') * 10 + (p[6] - '0');
	if (month < 1 || month > 12)
		return iscsi_err(err, errlen,
				 "iqn name: month %02d is not 01..12 "
				 "(RFC 7143 §4.2.7.4)",
				 month);
	p += 7;
	if (*p != '.')
		return iscsi_err(err, errlen,
				 "iqn name: '.' and a reversed domain name "
				 "must follow the date (RFC 7143 §4.2.7.4)");
	p++;
	colon = strchr(p, ':');
	dlen = colon ? (size_t)(colon - p) : strlen(p);
	if (dlen == 0)
		return iscsi_err(err, errlen,
				 "iqn name: empty naming-authority domain "
				 "(RFC 7143 §4.2.7.4)");
	for (size_t i = 0; i <= dlen; i++) {
		if (i == dlen || p[i] == '.') {
			if (label == 0)
				return iscsi_err(err, errlen,
						 "iqn name: empty domain "
						 "label at offset %zu",
						 (size_t)(p - name) + i);
			label = 0;
			continue;
		}
		if (!is_lower_alnum(p[i]) && p[i] != '-')
			return iscsi_err(err, errlen,
					 "iqn name: '%c' at offset %zu is not "
					 "allowed in the reversed domain name",
					 p[i], (size_t)(p - name) + i);
		label++;
	}
	if (colon && colon[1] == '\0')
		return iscsi_err(err, errlen,
				 "iqn name: empty string after ':' "
				 "(RFC 7143 §4.2.7.4)");
	return 0;
}

int iscsi_name_validate(const char *name, char *err, size_t errlen)
{
	size_t len;

	if (!name || !*name)
		return iscsi_err(err, errlen, "empty iSCSI name");
	len = strlen(name);
	if (len > ISCSI_NAME_MAX)
		return iscsi_err(err, errlen,
				 "iSCSI name is %zu bytes, more than %d "
				 "(RFC 7143 §4.2.7.1)",
				 len, ISCSI_NAME_MAX);
	switch (iscsi_name_type(name)) {
	case ISCSI_NAME_IQN:
		if (check_chars(name, err, errlen) < 0)
			return -1;
		return check_iqn(name, err, errlen);
	case ISCSI_NAME_EUI:
		/* §4.2.7.5: EUI-64, 16 hex digits (either case) */
		return check_hex_tail(name, "eui", 16, 16, err, errlen);
	case ISCSI_NAME_NAA:
		/* §4.2.7.6: NAA 64-bit or 128-bit, 16 or 32 hex digits */
		return check_hex_tail(name, "naa", 16, 32, err, errlen);
	case ISCSI_NAME_UNKNOWN:
		if (check_chars(name, err, errlen) < 0)
			return -1;
		break;
	}
	return iscsi_err(err, errlen,
			 "unknown type designator: an iSCSI name starts with "
			 "\"iqn.\", \"eui.\" or \"naa.\" (RFC 7143 §4.2.7.3)");
}
