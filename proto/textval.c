/* SPDX-License-Identifier: MIT */
/*
 * textval.c - the value forms of RFC 7143 §6.1: booleans, numbers,
 * ranges, lists, character sets, binary strings (hex and base64).
 */
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "text.h"

enum iscsi_special iscsi_value_special(const char *v)
{
	if (strcmp(v, ISCSI_NOT_UNDERSTOOD) == 0)
		return ISCSI_VAL_NOT_UNDERSTOOD;
	if (strcmp(v, ISCSI_IRRELEVANT) == 0)
		return ISCSI_VAL_IRRELEVANT;
	if (strcmp(v, ISCSI_REJECT) == 0)
		return ISCSI_VAL_REJECT;
	return ISCSI_VAL_PLAIN;
}

static bool is_alnum(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

static bool is_label_char(int c)
{
	return is_alnum(c) || c == '.' || c == '-' || c == '+' || c == '@' ||
	       c == '_';
}

bool iscsi_key_name_valid(const char *key)
{
	size_t n = strlen(key), i = 0;

	if (n == 0 || n > ISCSI_KEY_NAME_MAX)
		return false;
	/* §13.5.x / RFC 4850: public extension keys are "X#name". */
	if (key[0] == 'X' && key[1] == '#') {
		if (n == 2)
			return false;
		i = 2;
	}
	for (; i < n; i++)
		if (!is_label_char((unsigned char)key[i]))
			return false;
	return true;
}

int iscsi_value_bool(const char *v, bool *out)
{
	if (strcmp(v, "Yes") == 0) {
		*out = true;
		return 0;
	}
	if (strcmp(v, "No") == 0) {
		*out = false;
		return 0;
	}
	return -1;
}

int iscsi_hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int b64_digit(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

static int parse_decimal(const char *v, uint64_t *out, char *err, size_t errlen)
{
	uint64_t x = 0;

	/* decimal-constant: "0" or digits not starting with 0 (§6.1). */
	if (v[0] == '0' && v[1] != '\0') {
		iscsi_err(err, errlen, "decimal \"%.32s\" has a leading zero", v);
		return -1;
	}
	for (const char *p = v; *p; p++) {
		unsigned d;

		if (*p < '0' || *p > '9') {
			iscsi_err(err, errlen,
				"bad character in decimal "
				"\"%.32s\"",
				v);
			return -1;
		}
		d = (unsigned)(*p - '0');
		if (x > (UINT64_MAX - d) / 10) {
			iscsi_err(err, errlen, "\"%.32s\" is 2**64 or more", v);
			return -1;
		}
		x = x * 10 + d;
	}
	*out = x;
	return 0;
}

static int parse_hex(const char *v, const char *digits, uint64_t *out,
		     char *err, size_t errlen)
{
	uint64_t x = 0;

	if (*digits == '\0') {
		iscsi_err(err, errlen, "hex constant \"%.32s\" has no digits", v);
		return -1;
	}
	for (const char *p = digits; *p; p++) {
		int d = iscsi_hex_digit((unsigned char)*p);

		if (d < 0) {
			iscsi_err(err, errlen, "bad hex digit in \"%.32s\"", v);
			return -1;
		}
		if (x >> 60) {
			iscsi_err(err, errlen, "\"%.32s\" is 2**64 or more", v);
			return -1;
		}
		x = x << 4 | (uint64_t)d;
	}
	*out = x;
	return 0;
}

static int parse_b64_number(const char *v, const char *digits, uint64_t *out,
			    char *err, size_t errlen)
{
	uint64_t x = 0;
	const char *p = digits;

	if (*p == '\0' || *p == '=') {
		iscsi_err(err, errlen, "base64 constant \"%.32s\" has no digits",
			v);
		return -1;
	}
	for (; *p && *p != '='; p++) {
		int d = b64_digit((unsigned char)*p);

		if (d < 0) {
			iscsi_err(err, errlen, "bad base64 digit in \"%.32s\"",
				v);
			return -1;
		}
		if (x >> 58) {
			iscsi_err(err, errlen, "\"%.32s\" is 2**64 or more", v);
			return -1;
		}
		x = x << 6 | (uint64_t)d;
	}
	/* Trailing pad digits are not part of the number (§6.1). */
	for (; *p == '='; p++)
		;
	if (*p) {
		iscsi_err(err, errlen, "data after base64 padding in \"%.32s\"",
			v);
		return -1;
	}
	*out = x;
	return 0;
}

int iscsi_value_number(const char *v, uint64_t *out, char *err, size_t errlen)
{
	if (*v == '\0') {
		iscsi_err(err, errlen, "empty numerical value");
		return -1;
	}
	if (v[0] == '0' && (v[1] == 'x' || v[1] == 'X'))
		return parse_hex(v, v + 2, out, err, errlen);
	if (v[0] == '0' && (v[1] == 'b' || v[1] == 'B')) {
		/* §6.1: numerical-value is decimal or hex only. */
		iscsi_err(err, errlen,
			"base64 \"%.32s\" is not a numerical-value (§6.1)", v);
		return -1;
	}
	return parse_decimal(v, out, err, errlen);
}

int iscsi_value_number_any(const char *v, uint64_t *out, char *err,
			   size_t errlen)
{
	if (v[0] == '0' && (v[1] == 'b' || v[1] == 'B'))
		return parse_b64_number(v, v + 2, out, err, errlen);
	return iscsi_value_number(v, out, err, errlen);
}

int iscsi_value_range(const char *v, uint64_t *lo, uint64_t *hi, char *err,
		      size_t errlen)
{
	const char *tilde = strchr(v, '~');
	char left[ISCSI_VALUE_MAX + 1];
	size_t ll;

	if (!tilde) {
		iscsi_err(err, errlen, "range \"%.32s\" has no '~'", v);
		return -1;
	}
	ll = (size_t)(tilde - v);
	if (ll > ISCSI_VALUE_MAX) {
		iscsi_err(err, errlen, "range bound too long");
		return -1;
	}
	memcpy(left, v, ll);
	left[ll] = '\0';
	if (iscsi_value_number(left, lo, err, errlen) < 0 ||
	    iscsi_value_number(tilde + 1, hi, err, errlen) < 0)
		return -1;
	/* §6.1: the right value must not be lower than the left. */
	if (*hi < *lo) {
		iscsi_err(err, errlen, "range \"%.32s\" has hi < lo", v);
		return -1;
	}
	return 0;
}

bool iscsi_list_next(const char **cursor, const char **item, size_t *len)
{
	const char *p = *cursor, *comma;

	if (!p)
		return false;
	comma = strchr(p, ',');
	*item = p;
	if (comma) {
		*len = (size_t)(comma - p);
		*cursor = comma + 1;
	} else {
		*len = strlen(p);
		*cursor = NULL;
	}
	return true;
}

size_t iscsi_list_count(const char *list)
{
	const char *cur = list, *it;
	size_t n = 0, len;

	while (iscsi_list_next(&cur, &it, &len))
		n++;
	return n;
}

bool iscsi_list_contains(const char *list, const char *item, size_t len)
{
	const char *cur = list, *it;
	size_t l;

	while (iscsi_list_next(&cur, &it, &l))
		if (l == len && memcmp(it, item, len) == 0)
			return true;
	return false;
}

bool iscsi_is_text_value(const char *v)
{
	for (; *v; v++) {
		int c = (unsigned char)*v;

		if (!is_label_char(c) && c != '/' && c != '[' && c != ']' &&
		    c != ':')
			return false;
	}
	return true;
}

bool iscsi_is_utf8(const char *v)
{
	const unsigned char *p = (const unsigned char *)v;

	while (*p) {
		unsigned n, cp;

		if (*p < 0x80) {
			p++;
			continue;
		}
		if ((*p & 0xe0) == 0xc0)
			n = 1, cp = *p & 0x1fu;
		else if ((*p & 0xf0) == 0xe0)
			n = 2, cp = *p & 0x0fu;
		else if ((*p & 0xf8) == 0xf0)
			n = 3, cp = *p & 0x07u;
		else
			return false;
		p++;
		for (unsigned i = 0; i < n; i++, p++) {
			if ((*p & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (*p & 0x3fu);
		}
		/* Overlong forms, surrogates and > U+10FFFF are invalid. */
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) ||
		    (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return false;
	}
	return true;
}

static int hex_to_bin(const char *v, const char *d, uint8_t *out, size_t cap,
		      size_t *len, char *err, size_t errlen)
{
	size_t n = strlen(d), bytes = (n + 1) / 2, o = 0, i = 0;

	if (n == 0) {
		iscsi_err(err, errlen, "hex constant \"%.32s\" has no digits", v);
		return -1;
	}
	if (bytes > cap) {
		iscsi_err(err, errlen, "binary value of %zu bytes exceeds %zu",
			bytes, cap);
		return -1;
	}
	/* An odd count: the first digit is the low half of byte 0 (§6.1). */
	if (n & 1) {
		int x = iscsi_hex_digit((unsigned char)d[0]);

		if (x < 0)
			goto bad;
		out[o++] = (uint8_t)x;
		i = 1;
	}
	for (; i < n; i += 2) {
		int hi = iscsi_hex_digit((unsigned char)d[i]);
		int lo = iscsi_hex_digit((unsigned char)d[i + 1]);

		if (hi < 0 || lo < 0)
			goto bad;
		out[o++] = (uint8_t)(hi << 4 | lo);
	}
	*len = o;
	return 0;
bad:
	iscsi_err(err, errlen, "bad hex digit in \"%.32s\"", v);
	return -1;
}

static int b64_to_bin(const char *v, const char *d, uint8_t *out, size_t cap,
		      size_t *len, char *err, size_t errlen)
{
	size_t n = 0, pad = 0, o = 0;
	uint32_t acc = 0;
	unsigned bits = 0;

	while (d[n] && d[n] != '=')
		n++;
	while (d[n + pad] == '=')
		pad++;
	if (d[n + pad] != '\0' || pad > 2) {
		iscsi_err(err, errlen, "bad base64 padding in \"%.32s\"", v);
		return -1;
	}
	/* §6.1: 4k+1 characters cannot be a correct encoding. */
	if (n == 0 || n % 4 == 1) {
		iscsi_err(err, errlen,
			"base64 \"%.32s\" has an impossible "
			"length",
			v);
		return -1;
	}
	if (pad && (n + pad) % 4 != 0) {
		iscsi_err(err, errlen,
			"base64 \"%.32s\" is padded to a length "
			"that is not a multiple of 4",
			v);
		return -1;
	}
	if (n * 3 / 4 > cap) {
		iscsi_err(err, errlen, "binary value of %zu bytes exceeds %zu",
			n * 3 / 4, cap);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		int x = b64_digit((unsigned char)d[i]);

		if (x < 0) {
			iscsi_err(err, errlen, "bad base64 digit in \"%.32s\"",
				v);
			return -1;
		}
		acc = (acc << 6 | (uint32_t)x) & 0xffffffu;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	*len = o;
	return 0;
}

int iscsi_value_to_bin(const char *v, uint8_t *out, size_t cap, size_t *len,
		       char *err, size_t errlen)
{
	if (v[0] == '0' && (v[1] == 'x' || v[1] == 'X'))
		return hex_to_bin(v, v + 2, out, cap, len, err, errlen);
	if (v[0] == '0' && (v[1] == 'b' || v[1] == 'B'))
		return b64_to_bin(v, v + 2, out, cap, len, err, errlen);
	/* §6.1: decimal encodes binary only with an explicit length. */
	iscsi_err(err, errlen,
		"binary value \"%.32s\" is neither hex (0x) nor base64 (0b)",
		v);
	return -1;
}

int iscsi_bin_to_hex(const uint8_t *in, size_t len, char *out, size_t outlen)
{
	static const char digits[] = "0123456789abcdef";

	if (len > (SIZE_MAX - 3) / 2 || outlen < 2 * len + 3)
		return -1;
	out[0] = '0';
	out[1] = 'x';
	for (size_t i = 0; i < len; i++) {
		out[2 + 2 * i] = digits[in[i] >> 4];
		out[3 + 2 * i] = digits[in[i] & 15];
	}
	out[2 + 2 * len] = '\0';
	return 0;
}

int iscsi_bin_to_base64(const uint8_t *in, size_t len, char *out, size_t outlen)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				  "abcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t need, o = 2;

	if (len > (SIZE_MAX - 3) / 4 * 3 - 2)
		return -1;
	need = (len + 2) / 3 * 4 + 3;
	if (outlen < need)
		return -1;
	out[0] = '0';
	out[1] = 'b';
	for (size_t i = 0; i < len; i += 3) {
		uint32_t w = (uint32_t)in[i] << 16;
		size_t rem = len - i;

		if (rem > 1)
			w |= (uint32_t)in[i + 1] << 8;
		if (rem > 2)
			w |= in[i + 2];
		out[o++] = tab[w >> 18 & 63];
		out[o++] = tab[w >> 12 & 63];
		out[o++] = rem > 1 ? tab[w >> 6 & 63] : '=';
		out[o++] = rem > 2 ? tab[w & 63] : '=';
	}
	out[o] = '\0';
	return 0;
}
