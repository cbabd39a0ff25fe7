/* SPDX-License-Identifier: MIT */
/*
 * text.h - iSCSI text segments: NUL-terminated key=value pairs (RFC 7143
 * §6.1) and the value forms they carry.
 *
 * A Login or Text data segment is a run of "key=value\0" items.  A text
 * that spans several PDUs (C bit, §11.10.2/§11.12.2) is concatenated with
 * struct iscsi_text_accum and parsed once it is complete, since a pair may
 * be split at any byte.
 *
 * Value forms (§6.1): boolean-value, numerical-value (decimal-constant or
 * hex-constant, < 2**64), large values and binary strings (hex-constant or
 * base64-constant), numerical-range "a~b", list-of-values "a,b,c", and the
 * reserved answers NotUnderstood, Irrelevant, Reject.  Helpers here encode
 * and decode hex and base64 (CHAP uses them).
 */
#ifndef ISCSI_CTS_TEXT_H
#define ISCSI_CTS_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define ISCSI_KEY_NAME_MAX	 63	/* standard-label limit (§6.1) */
#define ISCSI_VALUE_MAX		 255	/* simple-value limit (§6.1) */
#define ISCSI_TEXT_MIN_SUPPORT	 8192u	/* MUST receive at least (§6.1) */
#define ISCSI_TEXT_ACCUM_DEFAULT 65536u /* 64 KiB, long auth items (§6.1) */

struct iscsi_kv {
	char *key;
	char *value;
};

/* An ordered list of pairs; duplicates are kept (see find_dup). */
struct iscsi_text {
	struct iscsi_kv *kv;
	size_t n, cap;
};

void iscsi_text_init(struct iscsi_text *t);
void iscsi_text_free(struct iscsi_text *t);

/*
 * Parse len bytes of a data segment (padding excluded) and append the pairs
 * to t.  Each item must be "key=value" followed by a NUL; the key must be a
 * 1..63 byte key-name (§6.1 characters, plus the "X#" public-extension
 * prefix).  Returns the number of pairs appended, or -1 with a reason in
 * err; on error t is left as it was.  len == 0 is an empty text (0 pairs).
 */
int iscsi_text_parse(struct iscsi_text *t, const uint8_t *buf, size_t len,
		     char *err, size_t errlen);

/* Append a copy of key/value; 0 or -1 (allocation failure). */
int iscsi_text_add(struct iscsi_text *t, const char *key, const char *value);

/* Value of the first pair named key (case-sensitive, §6.1), or NULL. */
const char *iscsi_text_find(const struct iscsi_text *t, const char *key);

/* The first key that appears more than once, or NULL. */
const char *iscsi_text_find_dup(const struct iscsi_text *t);

/* Bytes iscsi_text_serialize writes: sum of strlen(k)+1+strlen(v)+1. */
size_t iscsi_text_len(const struct iscsi_text *t);

/* Write "k=v\0" items into buf; bytes written, or -1 if len is short. */
ssize_t iscsi_text_serialize(const struct iscsi_text *t, uint8_t *buf,
			     size_t len);

/*
 * Accumulates the data segments of a text that continues across PDUs.
 * limit bounds the total (0 selects ISCSI_TEXT_ACCUM_DEFAULT); growth is
 * never larger than the bytes actually received.
 */
struct iscsi_text_accum {
	uint8_t *buf;
	size_t len, cap, limit;
};

void iscsi_text_accum_init(struct iscsi_text_accum *a, size_t limit);
void iscsi_text_accum_free(struct iscsi_text_accum *a);
/* Drop what was gathered, keep the limit. */
void iscsi_text_accum_reset(struct iscsi_text_accum *a);
/* Append one PDU's segment; -1 with a reason if the limit is exceeded. */
int iscsi_text_accum_add(struct iscsi_text_accum *a, const uint8_t *seg,
			 size_t len, char *err, size_t errlen);
/* The final PDU (C=0) arrived: parse everything into t, then reset. */
int iscsi_text_accum_finish(struct iscsi_text_accum *a, struct iscsi_text *t,
			    char *err, size_t errlen);

/* ---- value forms (§6.1) ------------------------------------------------ */

/* Reserved answer constants (§6.2). */
enum iscsi_special {
	ISCSI_VAL_PLAIN = 0, /* an ordinary value */
	ISCSI_VAL_NOT_UNDERSTOOD,
	ISCSI_VAL_IRRELEVANT,
	ISCSI_VAL_REJECT,
};
#define ISCSI_NOT_UNDERSTOOD "NotUnderstood"
#define ISCSI_IRRELEVANT     "Irrelevant"
#define ISCSI_REJECT	     "Reject"

enum iscsi_special iscsi_value_special(const char *v);

/* key-name: 1..63 of a-z A-Z 0-9 . - + @ _, or an "X#" prefix (§6.1). */
bool iscsi_key_name_valid(const char *key);

/* boolean-value "Yes" / "No" (§6.1): 0 and *out, or -1. */
int iscsi_value_bool(const char *v, bool *out);

/*
 * numerical-value (§6.1): decimal-constant ("0" or no leading zero) or
 * hex-constant ("0x"/"0X", leading zeros allowed), below 2**64.
 */
int iscsi_value_number(const char *v, uint64_t *out, char *err, size_t errlen);
/* Also accepts a base64-constant ("0b"/"0B") of at most 64 bits. */
int iscsi_value_number_any(const char *v, uint64_t *out, char *err,
			   size_t errlen);

/* numerical-range "lo~hi" with lo <= hi (§6.1). */
int iscsi_value_range(const char *v, uint64_t *lo, uint64_t *hi, char *err,
		      size_t errlen);

/*
 * list-of-values (§6.1): walk the comma-separated items of list.  Start
 * with *cursor = list; each call yields the next item (not NUL-terminated)
 * and returns false at the end.  Empty items are yielded as length 0.
 */
bool iscsi_list_next(const char **cursor, const char **item, size_t *len);
/* Number of items, and whether item (exact) is one of them. */
size_t iscsi_list_count(const char *list);
bool iscsi_list_contains(const char *list, const char *item, size_t len);

/* text-value characters: letters digits . - + @ _ / [ ] : (§6.1). */
bool iscsi_is_text_value(const char *v);
/* iSCSI-local-name-value: well-formed UTF-8, no NUL (§6.1). */
bool iscsi_is_utf8(const char *v);

/* The value of one hexadecimal digit (either case), or -1. */
int iscsi_hex_digit(int c);

/*
 * Binary values (§6.1): hex-constant ("0x", n digits decode to (n+1)/2
 * bytes, an odd first digit taken as the low nibble of the first byte) or
 * base64-constant ("0b", RFC 4648 with optional '=' padding).  Decimal
 * constants carry no implicit length and are refused.  Writes at most cap
 * bytes; -1 with a reason when malformed or longer than cap.
 */
int iscsi_value_to_bin(const char *v, uint8_t *out, size_t cap, size_t *len,
		       char *err, size_t errlen);
/* "0x" + 2 lowercase hex digits per byte + NUL; -1 if outlen is short. */
int iscsi_bin_to_hex(const uint8_t *in, size_t len, char *out, size_t outlen);
/* "0b" + RFC 4648 base64 with '=' padding + NUL; -1 if outlen is short. */
int iscsi_bin_to_base64(const uint8_t *in, size_t len, char *out,
			size_t outlen);

#endif
