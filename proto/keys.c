/* SPDX-License-Identifier: MIT */
/*
 * keys.c - the key table of RFC 7143 §12.1 and §13, lookup, and checks of
 * a value against its row.
 */
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "keys.h"
#include "names.h"

#define LIM24 16777215u /* 2**24 - 1 */

/* Extra flag for rows whose number is a binary-value (may be base64). */
#define KF_BINNUM 0x100u

/*
 * One row per key.  Columns follow §13's own layout: Use, Senders, Scope,
 * value, default, result function, Irrelevant when.
 */
static const struct iscsi_key_def key_table[] = {
    /* §12.1: AuthMethod=<list-of-values>, security stage, CO. */
    {"AuthMethod", ISCSI_KT_LIST, ISCSI_SCOPE_CO, ISCSI_USE_SEC, ISCSI_SND_BOTH,
     ISCSI_KF_MUST_AGREE, "None", 0, 0, "KRB5,SRP,CHAP,None", 0,
     &iscsi_rule_list_first, 0, "12.1", "7143"},
    /* §12.1.3: CHAP_A=<A1,A2...>, 5 is MD5; the target picks one. */
    {"CHAP_A", ISCSI_KT_NUMBER_LIST, ISCSI_SCOPE_CO, ISCSI_USE_SEC,
     ISCSI_SND_BOTH, ISCSI_KF_MUST_AGREE, NULL, 0, 255, "5", 0,
     &iscsi_rule_list_first, 0, "12.1.3", "7143"},
    /* §12.1.3: CHAP_I=<I>, one-octet identifier. */
    {"CHAP_I", ISCSI_KT_NUMBER, ISCSI_SCOPE_CO, ISCSI_USE_SEC, ISCSI_SND_BOTH,
     ISCSI_KF_DECLARATIVE, NULL, 0, 255, NULL, 0, &iscsi_rule_declare, 0,
     "12.1.3", "7143"},
    /* §12.1.3: CHAP_C=<C>, binary; 1024 bytes is this project's bound. */
    {"CHAP_C", ISCSI_KT_BINARY, ISCSI_SCOPE_CO, ISCSI_USE_SEC, ISCSI_SND_BOTH,
     ISCSI_KF_DECLARATIVE, NULL, 0, 0, NULL, 1024, &iscsi_rule_declare, 0,
     "12.1.3", "7143"},
    {"CHAP_N", ISCSI_KT_LOCAL_NAME, ISCSI_SCOPE_CO, ISCSI_USE_SEC,
     ISCSI_SND_BOTH, ISCSI_KF_DECLARATIVE, NULL, 0, 0, NULL, ISCSI_VALUE_MAX,
     &iscsi_rule_declare, 0, "12.1.3", "7143"},
    {"CHAP_R", ISCSI_KT_BINARY, ISCSI_SCOPE_CO, ISCSI_USE_SEC, ISCSI_SND_BOTH,
     ISCSI_KF_DECLARATIVE, NULL, 0, 0, NULL, 1024, &iscsi_rule_declare, 0,
     "12.1.3", "7143"},
    /* §13.1: Use IO, both, CO, list-of-values, default None. */
    {"HeaderDigest", ISCSI_KT_LIST, ISCSI_SCOPE_CO, ISCSI_USE_IO,
     ISCSI_SND_BOTH, 0, "None", 0, 0, "CRC32C,None", 0, &iscsi_rule_list_first,
     0, "13.1", "7143"},
    {"DataDigest", ISCSI_KT_LIST, ISCSI_SCOPE_CO, ISCSI_USE_IO, ISCSI_SND_BOTH,
     0, "None", 0, 0, "CRC32C,None", 0, &iscsi_rule_list_first, 0, "13.1",
     "7143"},
    /* §13.2: LO, both, SW, 1..65535, default 1, Minimum. */
    {"MaxConnections", ISCSI_KT_NUMBER, ISCSI_SCOPE_SW, ISCSI_USE_LO,
     ISCSI_SND_BOTH, 0, "1", 1, 65535, NULL, 0, &iscsi_rule_min,
     ISCSI_IRR_DISCOVERY, "13.2", "7143"},
    /* §13.3: FFPO, initiator, SW. */
    {"SendTargets", ISCSI_KT_SENDTARGETS, ISCSI_SCOPE_SW, ISCSI_USE_FFPO,
     ISCSI_SND_INITIATOR, ISCSI_KF_DECLARATIVE, NULL, 0, 0, NULL,
     ISCSI_NAME_MAX, &iscsi_rule_declare, 0, "13.3", "7143"},
    /* §13.4: IO by initiator, FFPO by target (SendTargets response). */
    {"TargetName", ISCSI_KT_NAME, ISCSI_SCOPE_SW, ISCSI_USE_IO, ISCSI_SND_BOTH,
     ISCSI_KF_DECLARATIVE, NULL, 0, 0, NULL, ISCSI_NAME_MAX,
     &iscsi_rule_declare, 0, "13.4", "7143"},
    /* §13.5: IO, initiator, declarative. */
    {"InitiatorName", ISCSI_KT_NAME, ISCSI_SCOPE_SW, ISCSI_USE_IO,
     ISCSI_SND_INITIATOR, ISCSI_KF_DECLARATIVE, NULL, 0, 0, NULL,
     ISCSI_NAME_MAX, &iscsi_rule_declare, 0, "13.5", "7143"},
    /* §13.6/§13.7: ALL, declarative, iSCSI-local-name-value. */
    {"TargetAlias", ISCSI_KT_LOCAL_NAME, ISCSI_SCOPE_SW, ISCSI_USE_ALL,
     ISCSI_SND_TARGET, ISCSI_KF_DECLARATIVE, NULL, 0, 0, NULL, ISCSI_VALUE_MAX,
     &iscsi_rule_declare, 0, "13.6", "7143"},
    {"InitiatorAlias", ISCSI_KT_LOCAL_NAME, ISCSI_SCOPE_SW, ISCSI_USE_ALL,
     ISCSI_SND_INITIATOR, ISCSI_KF_DECLARATIVE, NULL, 0, 0, NULL,
     ISCSI_VALUE_MAX, &iscsi_rule_declare, 0, "13.7", "7143"},
    /* §13.8: ALL, target, domainname[:port][,portal-group-tag]. */
    {"TargetAddress", ISCSI_KT_ADDRESS, ISCSI_SCOPE_SW, ISCSI_USE_ALL,
     ISCSI_SND_TARGET, ISCSI_KF_DECLARATIVE, NULL, 0, 0, NULL, ISCSI_VALUE_MAX,
     &iscsi_rule_declare, 0, "13.8", "7143"},
    /* §13.9: IO by target, declarative, 16-bit binary-value. */
    {"TargetPortalGroupTag", ISCSI_KT_NUMBER, ISCSI_SCOPE_SW, ISCSI_USE_IO,
     ISCSI_SND_TARGET, ISCSI_KF_DECLARATIVE | KF_BINNUM, NULL, 0, 65535, NULL,
     0, &iscsi_rule_declare, 0, "13.9", "7143"},
    /* §13.10: LO, both, SW, default Yes, OR. */
    {"InitialR2T", ISCSI_KT_BOOL, ISCSI_SCOPE_SW, ISCSI_USE_LO, ISCSI_SND_BOTH,
     0, "Yes", 0, 0, NULL, 0, &iscsi_rule_or, ISCSI_IRR_DISCOVERY, "13.10",
     "7143"},
    /* §13.11: LO, both, SW, default Yes, AND. */
    {"ImmediateData", ISCSI_KT_BOOL, ISCSI_SCOPE_SW, ISCSI_USE_LO,
     ISCSI_SND_BOTH, 0, "Yes", 0, 0, NULL, 0, &iscsi_rule_and,
     ISCSI_IRR_DISCOVERY, "13.11", "7143"},
    /* §13.12: ALL, both, CO, declarative, 512..2**24-1, default 8192. */
    {"MaxRecvDataSegmentLength", ISCSI_KT_NUMBER, ISCSI_SCOPE_CO, ISCSI_USE_ALL,
     ISCSI_SND_BOTH, ISCSI_KF_DECLARATIVE, "8192", 512, LIM24, NULL, 0,
     &iscsi_rule_declare, 0, "13.12", "7143"},
    /* §13.13: LO, both, SW, 512..2**24-1, default 262144, Minimum. */
    {"MaxBurstLength", ISCSI_KT_NUMBER, ISCSI_SCOPE_SW, ISCSI_USE_LO,
     ISCSI_SND_BOTH, 0, "262144", 512, LIM24, NULL, 0, &iscsi_rule_min,
     ISCSI_IRR_DISCOVERY, "13.13", "7143"},
    /* §13.14: as 13.13, default 65536, also irrelevant when
     * InitialR2T=Yes and ImmediateData=No; must not exceed MBL. */
    {"FirstBurstLength", ISCSI_KT_NUMBER, ISCSI_SCOPE_SW, ISCSI_USE_LO,
     ISCSI_SND_BOTH, ISCSI_KF_LE_MBL, "65536", 512, LIM24, NULL, 0,
     &iscsi_rule_min, ISCSI_IRR_DISCOVERY | ISCSI_IRR_FBL, "13.14", "7143"},
    /* §13.15: LO, both, SW, 0..3600, default 2, Maximum. */
    {"DefaultTime2Wait", ISCSI_KT_NUMBER, ISCSI_SCOPE_SW, ISCSI_USE_LO,
     ISCSI_SND_BOTH, 0, "2", 0, 3600, NULL, 0, &iscsi_rule_max, 0, "13.15",
     "7143"},
    /* §13.16: LO, both, SW, 0..3600, default 20, Minimum. */
    {"DefaultTime2Retain", ISCSI_KT_NUMBER, ISCSI_SCOPE_SW, ISCSI_USE_LO,
     ISCSI_SND_BOTH, 0, "20", 0, 3600, NULL, 0, &iscsi_rule_min, 0, "13.16",
     "7143"},
    /* §13.17: LO, both, SW, 1..65535, default 1, Minimum. */
    {"MaxOutstandingR2T", ISCSI_KT_NUMBER, ISCSI_SCOPE_SW, ISCSI_USE_LO,
     ISCSI_SND_BOTH, 0, "1", 1, 65535, NULL, 0, &iscsi_rule_min,
     ISCSI_IRR_DISCOVERY, "13.17", "7143"},
    /* §13.18/§13.19: LO, both, SW, default Yes, OR. */
    {"DataPDUInOrder", ISCSI_KT_BOOL, ISCSI_SCOPE_SW, ISCSI_USE_LO,
     ISCSI_SND_BOTH, 0, "Yes", 0, 0, NULL, 0, &iscsi_rule_or,
     ISCSI_IRR_DISCOVERY, "13.18", "7143"},
    {"DataSequenceInOrder", ISCSI_KT_BOOL, ISCSI_SCOPE_SW, ISCSI_USE_LO,
     ISCSI_SND_BOTH, 0, "Yes", 0, 0, NULL, 0, &iscsi_rule_or,
     ISCSI_IRR_DISCOVERY, "13.19", "7143"},
    /* §13.20: LO, both, SW, 0..2, default 0, Minimum. */
    {"ErrorRecoveryLevel", ISCSI_KT_NUMBER, ISCSI_SCOPE_SW, ISCSI_USE_LO,
     ISCSI_SND_BOTH, 0, "0", 0, 2, NULL, 0, &iscsi_rule_min, 0, "13.20",
     "7143"},
    /* §13.21: LO, declarative, initiator, Discovery|Normal. */
    {"SessionType", ISCSI_KT_ENUM, ISCSI_SCOPE_SW, ISCSI_USE_LO,
     ISCSI_SND_INITIATOR, ISCSI_KF_DECLARATIVE, "Normal", 0, 0,
     "Discovery,Normal", 0, &iscsi_rule_declare, 0, "13.21", "7143"},
    /* §13.22: X-reversed.vendor.dns_name.do_something= (any value). */
    {"X-", ISCSI_KT_LOCAL_NAME, ISCSI_SCOPE_SW, ISCSI_USE_ALL, ISCSI_SND_BOTH,
     ISCSI_KF_PRIVATE | ISCSI_KF_OPTIONAL | ISCSI_KF_DECLARATIVE, NULL, 0, 0,
     NULL, ISCSI_VALUE_MAX, &iscsi_rule_declare, 0, "13.22", "7143"},
    /* §13.23: LO, both, SW, list, default RFC3720. */
    {"TaskReporting", ISCSI_KT_LIST, ISCSI_SCOPE_SW, ISCSI_USE_LO,
     ISCSI_SND_BOTH, 0, "RFC3720", 0, 0, "RFC3720,ResponseFence,FastAbort", 0,
     &iscsi_rule_list_first, ISCSI_IRR_DISCOVERY, "13.23", "7143"},
    /* §13.24 / RFC 7144 §2.1: LO, both, SW, 0..31, Minimum; 7143 is
     * level 1. */
    {"iSCSIProtocolLevel", ISCSI_KT_NUMBER, ISCSI_SCOPE_SW, ISCSI_USE_LO,
     ISCSI_SND_BOTH, 0, "1", 0, 31, NULL, 0, &iscsi_rule_min,
     ISCSI_IRR_DISCOVERY, "2.1", "7144"},
    /* §13.25: RFC 3720 marker keys (App. A there: IO, both, CO; markers
     * Boolean AND default No; intervals a range 1..65535, default
     * 2048).  A 7143 responder rejects them. */
    {"OFMarker", ISCSI_KT_BOOL, ISCSI_SCOPE_CO, ISCSI_USE_IO, ISCSI_SND_BOTH,
     ISCSI_KF_OBSOLETE, "No", 0, 0, NULL, 0, &iscsi_rule_and, 0, "13.25",
     "7143"},
    {"IFMarker", ISCSI_KT_BOOL, ISCSI_SCOPE_CO, ISCSI_USE_IO, ISCSI_SND_BOTH,
     ISCSI_KF_OBSOLETE, "No", 0, 0, NULL, 0, &iscsi_rule_and, 0, "13.25",
     "7143"},
    {"OFMarkInt", ISCSI_KT_RANGE, ISCSI_SCOPE_CO, ISCSI_USE_IO, ISCSI_SND_BOTH,
     ISCSI_KF_OBSOLETE, "2048", 1, 65535, NULL, 0, &iscsi_rule_range, 0,
     "13.25", "7143"},
    {"IFMarkInt", ISCSI_KT_RANGE, ISCSI_SCOPE_CO, ISCSI_USE_IO, ISCSI_SND_BOTH,
     ISCSI_KF_OBSOLETE, "2048", 1, 65535, NULL, 0, &iscsi_rule_range, 0,
     "13.25", "7143"},
    /* §13.26 (RFC 4850): LO, declarative, both, SW, list of
     * text-values, the whole value at most 255 bytes. */
    {"X#NodeArchitecture", ISCSI_KT_LIST, ISCSI_SCOPE_SW, ISCSI_USE_LO,
     ISCSI_SND_BOTH, ISCSI_KF_DECLARATIVE | ISCSI_KF_OPTIONAL, NULL, 0, 0, NULL,
     ISCSI_VALUE_MAX, &iscsi_rule_declare, 0, "13.26", "7143"},
};

#define KEY_COUNT (sizeof(key_table) / sizeof(key_table[0]))

size_t iscsi_key_count(void)
{
	return KEY_COUNT;
}

const struct iscsi_key_def *iscsi_key_at(size_t i)
{
	return i < KEY_COUNT ? &key_table[i] : NULL;
}

const struct iscsi_key_def *iscsi_key_find(const char *name)
{
	/* §13.22: every "X-" key is a private extension. */
	if (name[0] == 'X' && name[1] == '-' && name[2] != '\0') {
		for (size_t i = 0; i < KEY_COUNT; i++)
			if (key_table[i].flags & ISCSI_KF_PRIVATE)
				return &key_table[i];
	}
	for (size_t i = 0; i < KEY_COUNT; i++)
		if (!(key_table[i].flags & ISCSI_KF_PRIVATE) &&
		    strcmp(key_table[i].name, name) == 0)
			return &key_table[i];
	return NULL;
}

static int check_bounds(const struct iscsi_key_def *k, uint64_t x, char *err,
			size_t errlen)
{
	if (x < k->min || x > k->max) {
		iscsi_err(err, errlen, "%s=%llu is outside %llu..%llu (§%s)",
		     k->name, (unsigned long long)x, (unsigned long long)k->min,
		     (unsigned long long)k->max, k->section);
		return -1;
	}
	return 0;
}

static int check_list(const struct iscsi_key_def *k, const char *v,
		      bool numeric, char *err, size_t errlen)
{
	const char *cur = v, *it;
	size_t len;
	char item[ISCSI_VALUE_MAX + 1];

	while (iscsi_list_next(&cur, &it, &len)) {
		if (len == 0) {
			iscsi_err(err, errlen, "%s has an empty list item (§6.1)",
			     k->name);
			return -1;
		}
		if (len > ISCSI_VALUE_MAX) {
			iscsi_err(err, errlen, "%s list item over %d bytes (§6.1)",
			     k->name, ISCSI_VALUE_MAX);
			return -1;
		}
		memcpy(item, it, len);
		item[len] = '\0';
		if (numeric) {
			uint64_t x;

			if (iscsi_value_number(item, &x, err, errlen) < 0)
				return -1;
			if (check_bounds(k, x, err, errlen) < 0)
				return -1;
		} else if (!iscsi_is_text_value(item)) {
			iscsi_err(err, errlen,
			     "%s item \"%.32s\" has characters "
			     "outside text-value (§6.1)",
			     k->name, item);
			return -1;
		}
	}
	return 0;
}

static int check_port_tag(const char *p, char *err, size_t errlen)
{
	uint64_t x;
	char buf[16];
	const char *comma;
	size_t n;

	if (*p == ':') {
		p++;
		comma = strchr(p, ',');
		n = comma ? (size_t)(comma - p) : strlen(p);
		if (n == 0 || n >= sizeof(buf))
			goto bad;
		memcpy(buf, p, n);
		buf[n] = '\0';
		if (iscsi_value_number(buf, &x, NULL, 0) < 0 || x == 0 ||
		    x > 65535)
			goto bad;
		p += n;
	}
	if (*p == ',') {
		if (iscsi_value_number(p + 1, &x, NULL, 0) < 0 || x > 65535)
			goto bad;
		return 0;
	}
	if (*p == '\0')
		return 0;
bad:
	iscsi_err(err, errlen, "TargetAddress port or tag malformed (§13.8)");
	return -1;
}

/* §13.8: domainname[:port][,portal-group-tag]; IPv6 in brackets. */
static int check_address(const char *v, char *err, size_t errlen)
{
	const char *p = v;

	if (*p == '[') {
		const char *close = strchr(p, ']');

		if (!close || close == p + 1)
			goto bad;
		for (const char *q = p + 1; q < close; q++)
			if (!strchr("0123456789abcdefABCDEF:.", *q))
				goto bad;
		p = close + 1;
	} else {
		size_t n = strcspn(p, ":,");

		if (n == 0)
			goto bad;
		for (size_t i = 0; i < n; i++) {
			char c = p[i];

			if (!((c >= 'a' && c <= 'z') ||
			      (c >= 'A' && c <= 'Z') ||
			      (c >= '0' && c <= '9') || c == '.' || c == '-' ||
			      c == '_'))
				goto bad;
		}
		p += n;
	}
	return check_port_tag(p, err, errlen);
bad:
	iscsi_err(err, errlen, "TargetAddress \"%.48s\" malformed (§13.8)", v);
	return -1;
}

static int check_typed(const struct iscsi_key_def *k, const char *v, char *err,
		       size_t errlen)
{
	uint64_t x, lo, hi;
	bool b;
	uint8_t bin[1024];
	size_t blen;

	switch (k->type) {
	case ISCSI_KT_BOOL:
		if (iscsi_value_bool(v, &b) == 0)
			return 0;
		iscsi_err(err, errlen, "%s=\"%.32s\" is not Yes or No (§6.1)",
		     k->name, v);
		return -1;
	case ISCSI_KT_NUMBER:
		if ((k->flags & KF_BINNUM
			 ? iscsi_value_number_any(v, &x, err, errlen)
			 : iscsi_value_number(v, &x, err, errlen)) < 0)
			return -1;
		return check_bounds(k, x, err, errlen);
	case ISCSI_KT_RANGE:
		if (iscsi_value_range(v, &lo, &hi, err, errlen) < 0)
			return -1;
		if (check_bounds(k, lo, err, errlen) < 0)
			return -1;
		return check_bounds(k, hi, err, errlen);
	case ISCSI_KT_LIST:
		return check_list(k, v, false, err, errlen);
	case ISCSI_KT_NUMBER_LIST:
		return check_list(k, v, true, err, errlen);
	case ISCSI_KT_ENUM:
		if (iscsi_list_contains(k->values, v, strlen(v)))
			return 0;
		iscsi_err(err, errlen, "%s=\"%.32s\" is not one of %s (§%s)",
		     k->name, v, k->values, k->section);
		return -1;
	case ISCSI_KT_NAME:
		return iscsi_name_validate(v, err, errlen);
	case ISCSI_KT_LOCAL_NAME:
		if (iscsi_is_utf8(v))
			return 0;
		iscsi_err(err, errlen, "%s is not well-formed UTF-8 (§6.1)",
		     k->name);
		return -1;
	case ISCSI_KT_TEXT:
		if (iscsi_is_text_value(v))
			return 0;
		iscsi_err(err, errlen, "%s has characters outside text-value",
		     k->name);
		return -1;
	case ISCSI_KT_ADDRESS:
		return check_address(v, err, errlen);
	case ISCSI_KT_SENDTARGETS:
		/* §13.3: "All", a target name, or nothing. */
		if (*v == '\0' || strcmp(v, "All") == 0)
			return 0;
		return iscsi_name_validate(v, err, errlen);
	case ISCSI_KT_BINARY:
		return iscsi_value_to_bin(
		    v, bin, k->maxlen < sizeof(bin) ? k->maxlen : sizeof(bin),
		    &blen, err, errlen);
	}
	iscsi_err(err, errlen, "%s has an unknown type", k->name);
	return -1;
}

int iscsi_key_value_check(const struct iscsi_key_def *k, const char *v,
			  char *err, size_t errlen)
{
	size_t n = strlen(v);

	if (iscsi_value_special(v) != ISCSI_VAL_PLAIN) {
		iscsi_err(err, errlen,
		     "%s=%s: a reserved constant is not a value (§6.2)",
		     k->name, v);
		return -1;
	}
	/* §6.1: a simple-value is at most 255 bytes unless stated. */
	if (k->type != ISCSI_KT_BINARY && k->type != ISCSI_KT_LIST &&
	    k->type != ISCSI_KT_NUMBER_LIST && k->maxlen == 0 &&
	    n > ISCSI_VALUE_MAX) {
		iscsi_err(err, errlen, "%s value is %zu bytes, over %d (§6.1)",
		     k->name, n, ISCSI_VALUE_MAX);
		return -1;
	}
	if (k->type != ISCSI_KT_BINARY && k->maxlen && n > k->maxlen) {
		iscsi_err(err, errlen, "%s value is %zu bytes, over %zu (§%s)",
		     k->name, n, k->maxlen, k->section);
		return -1;
	}
	return check_typed(k, v, err, errlen);
}

bool iscsi_key_irrelevant(const struct iscsi_key_def *k,
			  const struct iscsi_negctx *ctx)
{
	if ((k->irrelevant & ISCSI_IRR_DISCOVERY) && ctx->discovery)
		return true;
	/* §13.14: irrelevant when InitialR2T=Yes and ImmediateData=No. */
	if ((k->irrelevant & ISCSI_IRR_FBL) && ctx->initial_r2t &&
	    !ctx->immediate_data)
		return true;
	return false;
}

int iscsi_key_phase_check(const struct iscsi_key_def *k,
			  const struct iscsi_negctx *ctx, char *err,
			  size_t errlen)
{
	bool ffp = ctx->stage == ISCSI_STAGE_FFP;

	switch (k->use) {
	case ISCSI_USE_ALL:
		return 0;
	case ISCSI_USE_FFPO:
		if (ffp)
			return 0;
		iscsi_err(err, errlen, "%s is full-feature only (§%s)", k->name,
		     k->section);
		return -1;
	case ISCSI_USE_SEC:
		if (ctx->stage == ISCSI_STAGE_SECURITY)
			return 0;
		iscsi_err(err, errlen,
		     "%s belongs to the security negotiation stage (§%s)",
		     k->name, k->section);
		return -1;
	case ISCSI_USE_IO:
		if (!ffp)
			return 0;
		iscsi_err(err, errlen, "%s is initialize-only: login, not FFP (§%s)",
		     k->name, k->section);
		return -1;
	case ISCSI_USE_LO:
		if (!ffp && ctx->leading)
			return 0;
		iscsi_err(err, errlen,
		     "%s is leading-only: the leading login alone (§%s)",
		     k->name, k->section);
		return -1;
	}
	return -1;
}

void iscsi_negctx_init(struct iscsi_negctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->leading = true;
	ctx->stage = ISCSI_STAGE_OPERATIONAL;
	ctx->responder_is_target = true;
	ctx->initial_r2t = true;    /* §13.10 default */
	ctx->immediate_data = true; /* §13.11 default */
}

const char *iscsi_neg_verdict_str(enum iscsi_neg_verdict v)
{
	switch (v) {
	case ISCSI_NEG_OK:
		return "ok";
	case ISCSI_NEG_WARN:
		return "warn";
	case ISCSI_NEG_ILLEGAL:
		return "illegal";
	case ISCSI_NEG_FAILED:
		return "failed";
	}
	return "?";
}
