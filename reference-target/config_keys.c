/* SPDX-License-Identifier: MIT */
/*
 * config_keys.c - iSCSI keys as configuration values.
 *
 * Types and ranges come from the shared RFC 7143 key table (proto/keys.h);
 * this file only says which keys a target may be configured with, matches
 * their names case-insensitively as IET does, and adds two rules a
 * configured value needs beyond a well-formed offer: a list names only
 * values the RFC defines (a target cannot support "CRC64"), and IET's
 * MaxXmitDataSegmentLength, which is not an RFC key, is range-checked here.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "config_int.h"
#include "keys.h"

/*
 * IET's MaxXmitDataSegmentLength: the largest data segment the target
 * sends.  Not negotiated; the target sends at most the smaller of this and
 * the initiator's declared MaxRecvDataSegmentLength.  Same range as
 * MaxRecvDataSegmentLength (§13.12).
 */
#define CONFIG_KEY_MAX_XMIT "MaxXmitDataSegmentLength"
#define DSL_MIN 512u
#define DSL_MAX 16777215u /* 2**24 - 1 */

/*
 * The operational keys (RFC 7143 §13) a target may be configured with.
 * Names, addresses, session type, authentication and the obsolete marker
 * keys are not configuration: they come from the Target block, the users
 * or the login itself.
 */
static const char *const config_keys[] = {
	"HeaderDigest",		   /* §13.1 */
	"DataDigest",		   /* §13.1 */
	"MaxConnections",	   /* §13.2 */
	"InitialR2T",		   /* §13.10 */
	"ImmediateData",	   /* §13.11 */
	"MaxRecvDataSegmentLength", /* §13.12 */
	"MaxBurstLength",	   /* §13.13 */
	"FirstBurstLength",	   /* §13.14 */
	"DefaultTime2Wait",	   /* §13.15 */
	"DefaultTime2Retain",	   /* §13.16 */
	"MaxOutstandingR2T",	   /* §13.17 */
	"DataPDUInOrder",	   /* §13.18 */
	"DataSequenceInOrder",	   /* §13.19 */
	"ErrorRecoveryLevel",	   /* §13.20 */
	"TaskReporting",	   /* §13.23 */
	"iSCSIProtocolLevel",	   /* §13.24 */
	CONFIG_KEY_MAX_XMIT,	   /* IET extension */
};

static const char *canonical(const char *name)
{
	for (size_t i = 0; i < sizeof(config_keys) / sizeof(config_keys[0]);
	     i++)
		if (strcasecmp(config_keys[i], name) == 0)
			return config_keys[i];
	return NULL;
}

/* Every item of a configured list must be a value the RFC defines. */
static int check_list_values(const struct iscsi_key_def *k, const char *v,
			     char *err, size_t errlen)
{
	const char *cur = v, *item;
	size_t len;

	if (!k->values)
		return 0;
	while (iscsi_list_next(&cur, &item, &len)) {
		if (!iscsi_list_contains(k->values, item, len)) {
			snprintf(err, errlen,
				 "'%.*s' is not one of %s (RFC 7143 §%s)",
				 (int)(len > 64 ? 64 : len), item,
				 k->values, k->section);
			return -1;
		}
	}
	return 0;
}

static int check_max_xmit(const char *v, char *err, size_t errlen)
{
	char nerr[128];
	uint64_t x;

	if (iscsi_value_number(v, &x, nerr, sizeof(nerr)) < 0) {
		snprintf(err, errlen, "%s %.64s: %s", CONFIG_KEY_MAX_XMIT, v,
			 nerr);
		return -1;
	}
	if (x < DSL_MIN || x > DSL_MAX) {
		snprintf(err, errlen, "%s %.64s: outside %u..%u",
			 CONFIG_KEY_MAX_XMIT, v, DSL_MIN, DSL_MAX);
		return -1;
	}
	return 0;
}

int config_key_check(const char *name, const char *value, char *canon,
		     char *err, size_t errlen)
{
	const char *cname = canonical(name);
	const struct iscsi_key_def *k;
	char why[CONFIG_WHY_LEN - 100];

	if (!cname) {
		snprintf(err, errlen, "unknown key '%s'", name);
		return -2;
	}
	snprintf(canon, TGT_KEY_LEN, "%s", cname);
	if (*value == '\0') {
		snprintf(err, errlen, "%s needs a value", cname);
		return -1;
	}
	if (strcmp(cname, CONFIG_KEY_MAX_XMIT) == 0)
		return check_max_xmit(value, err, errlen);
	k = iscsi_key_find(cname);
	if (!k) {
		snprintf(err, errlen, "%s missing from the key table", cname);
		return -1;
	}
	if (iscsi_key_value_check(k, value, why, sizeof(why)) < 0 ||
	    (k->type == ISCSI_KT_LIST &&
	     check_list_values(k, value, why, sizeof(why)) < 0)) {
		snprintf(err, errlen, "%s %.64s: %s", cname, value, why);
		return -1;
	}
	return 0;
}
