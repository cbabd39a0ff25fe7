/* SPDX-License-Identifier: MIT */
/*
 * params.c - typed parameter sets: RFC 7143 §13 defaults, folding an
 * outcome into a set, and the pure "mine + peer's -> agreed" merge.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "keys.h"

void iscsi_params_defaults(struct iscsi_params *p)
{
	memset(p, 0, sizeof(*p));
	p->header_digest = false;		/* §13.1: None */
	p->data_digest = false;			/* §13.1: None */
	p->max_connections = 1;			/* §13.2 */
	p->initial_r2t = true;			/* §13.10 */
	p->immediate_data = true;		/* §13.11 */
	p->max_recv_dsl_initiator = 8192;	/* §13.12 */
	p->max_recv_dsl_target = 8192;		/* §13.12 */
	p->max_burst = 262144;			/* §13.13 */
	p->first_burst = 65536;			/* §13.14 */
	p->default_time2wait = 2;		/* §13.15 */
	p->default_time2retain = 20;		/* §13.16 */
	p->max_outstanding_r2t = 1;		/* §13.17 */
	p->data_pdu_in_order = true;		/* §13.18 */
	p->data_sequence_in_order = true;	/* §13.19 */
	p->erl = 0;				/* §13.20 */
	p->session_type = ISCSI_SESSION_NORMAL; /* §13.21 */
	p->task_reporting = ISCSI_TR_RFC3720;	/* §13.23 */
	p->protocol_level = 1;			/* §13.24 */
}

enum field_kind { F_U32, F_BOOL, F_DIGEST, F_STR };

/* Keys with a typed field, and where it lives. */
static const struct field {
	const char *key;
	enum field_kind kind;
	size_t off;
} fields[] = {
    {"HeaderDigest", F_DIGEST, offsetof(struct iscsi_params, header_digest)},
    {"DataDigest", F_DIGEST, offsetof(struct iscsi_params, data_digest)},
    {"MaxConnections", F_U32, offsetof(struct iscsi_params, max_connections)},
    {"InitialR2T", F_BOOL, offsetof(struct iscsi_params, initial_r2t)},
    {"ImmediateData", F_BOOL, offsetof(struct iscsi_params, immediate_data)},
    {"MaxBurstLength", F_U32, offsetof(struct iscsi_params, max_burst)},
    {"FirstBurstLength", F_U32, offsetof(struct iscsi_params, first_burst)},
    {"DefaultTime2Wait", F_U32,
     offsetof(struct iscsi_params, default_time2wait)},
    {"DefaultTime2Retain", F_U32,
     offsetof(struct iscsi_params, default_time2retain)},
    {"MaxOutstandingR2T", F_U32,
     offsetof(struct iscsi_params, max_outstanding_r2t)},
    {"DataPDUInOrder", F_BOOL,
     offsetof(struct iscsi_params, data_pdu_in_order)},
    {"DataSequenceInOrder", F_BOOL,
     offsetof(struct iscsi_params, data_sequence_in_order)},
    {"ErrorRecoveryLevel", F_U32, offsetof(struct iscsi_params, erl)},
    {"iSCSIProtocolLevel", F_U32,
     offsetof(struct iscsi_params, protocol_level)},
    {"InitiatorName", F_STR, offsetof(struct iscsi_params, initiator_name)},
    {"TargetName", F_STR, offsetof(struct iscsi_params, target_name)},
    {"InitiatorAlias", F_STR, offsetof(struct iscsi_params, initiator_alias)},
    {"TargetAlias", F_STR, offsetof(struct iscsi_params, target_alias)},
};

static int apply_special(struct iscsi_params *p, const struct iscsi_key_def *k,
			 const char *value, bool from_initiator)
{
	uint64_t x = 0;

	if (strcmp(k->name, "MaxRecvDataSegmentLength") == 0) {
		iscsi_value_number(value, &x, NULL, 0);
		/* §13.12: each side declares what it can receive. */
		if (from_initiator)
			p->max_recv_dsl_initiator = (uint32_t)x;
		else
			p->max_recv_dsl_target = (uint32_t)x;
	} else if (strcmp(k->name, "SessionType") == 0) {
		p->session_type = strcmp(value, "Discovery") == 0
				      ? ISCSI_SESSION_DISCOVERY
				      : ISCSI_SESSION_NORMAL;
	} else if (strcmp(k->name, "TaskReporting") == 0) {
		if (strcmp(value, "ResponseFence") == 0)
			p->task_reporting = ISCSI_TR_RESPONSE_FENCE;
		else if (strcmp(value, "FastAbort") == 0)
			p->task_reporting = ISCSI_TR_FAST_ABORT;
		else
			p->task_reporting = ISCSI_TR_RFC3720;
	} else if (strcmp(k->name, "TargetPortalGroupTag") == 0) {
		iscsi_value_number_any(value, &x, NULL, 0);
		p->target_portal_group_tag = (uint16_t)x;
		p->tpgt_set = true;
	}
	return 0;
}

int iscsi_params_apply(struct iscsi_params *p, const char *key,
		       const char *value, bool from_initiator, char *err,
		       size_t errlen)
{
	const struct iscsi_key_def *k = iscsi_key_find(key);
	uint8_t *base = (uint8_t *)p;
	uint64_t x;

	if (!k) {
		iscsi_err(err, errlen, "unknown key \"%.63s\"", key);
		return -1;
	}
	/* §6.2: after Reject/Irrelevant/NotUnderstood the value stays. */
	if (iscsi_value_special(value) != ISCSI_VAL_PLAIN)
		return 0;
	if (k->flags & (ISCSI_KF_PRIVATE | ISCSI_KF_OBSOLETE))
		return 0;
	if (iscsi_key_value_check(k, value, err, errlen) < 0)
		return -1;
	if (k->rule == &iscsi_rule_list_first && strchr(value, ',')) {
		iscsi_err(err, errlen, "%s=%.48s is an offer, not an outcome", key,
		     value);
		return -1;
	}
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		const struct field *f = &fields[i];

		if (strcmp(f->key, key) != 0)
			continue;
		switch (f->kind) {
		case F_U32:
			iscsi_value_number(value, &x, NULL, 0);
			*(uint32_t *)(void *)(base + f->off) = (uint32_t)x;
			break;
		case F_BOOL:
			*(bool *)(void *)(base + f->off) =
			    strcmp(value, "Yes") == 0;
			break;
		case F_DIGEST:
			*(bool *)(void *)(base + f->off) =
			    strcmp(value, "CRC32C") == 0;
			break;
		case F_STR:
			snprintf((char *)(base + f->off), ISCSI_VALUE_MAX + 1,
				 "%s", value);
			break;
		}
		return 0;
	}
	return apply_special(p, k, value, from_initiator);
}

static uint32_t min32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

static uint32_t max32(uint32_t a, uint32_t b)
{
	return a > b ? a : b;
}

/* Each numeric field of a set within its key's range. */
static int params_check(const struct iscsi_params *p, const char *who,
			char *err, size_t errlen)
{
	const uint8_t *base = (const uint8_t *)p;
	const struct {
		const char *key;
		uint32_t v;
	} extra[] = {
	    {"MaxRecvDataSegmentLength", p->max_recv_dsl_initiator},
	    {"MaxRecvDataSegmentLength", p->max_recv_dsl_target},
	};

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		const struct iscsi_key_def *k = iscsi_key_find(fields[i].key);
		uint32_t v;

		if (fields[i].kind != F_U32)
			continue;
		v = *(const uint32_t *)(const void *)(base + fields[i].off);
		if (v < k->min || v > k->max) {
			iscsi_err(err, errlen, "%s %s=%u outside %llu..%llu (§%s)",
			     who, k->name, v, (unsigned long long)k->min,
			     (unsigned long long)k->max, k->section);
			return -1;
		}
	}
	for (size_t i = 0; i < 2; i++)
		if (extra[i].v < 512 || extra[i].v > 16777215u) {
			iscsi_err(err, errlen,
			     "%s %s=%u outside 512..16777215 "
			     "(§13.12)",
			     who, extra[i].key, extra[i].v);
			return -1;
		}
	return 0;
}

int iscsi_params_merge(const struct iscsi_params *mine,
		       const struct iscsi_params *peer, bool i_am_initiator,
		       struct iscsi_params *agreed, char *err, size_t errlen)
{
	const struct iscsi_params *ini = i_am_initiator ? mine : peer;
	const struct iscsi_params *tgt = i_am_initiator ? peer : mine;
	struct iscsi_params a;

	if (params_check(mine, "own", err, errlen) < 0 ||
	    params_check(peer, "peer's", err, errlen) < 0)
		return -1;
	iscsi_params_defaults(&a);
	/* §13.1: CRC32C only if both sides want it. */
	a.header_digest = mine->header_digest && peer->header_digest;
	a.data_digest = mine->data_digest && peer->data_digest;
	/* Minimum: §13.2, 13.13, 13.14, 13.16, 13.17, 13.20, 13.24. */
	a.max_connections = min32(mine->max_connections, peer->max_connections);
	a.max_burst = min32(mine->max_burst, peer->max_burst);
	a.first_burst = min32(mine->first_burst, peer->first_burst);
	a.default_time2retain =
	    min32(mine->default_time2retain, peer->default_time2retain);
	a.max_outstanding_r2t =
	    min32(mine->max_outstanding_r2t, peer->max_outstanding_r2t);
	a.erl = min32(mine->erl, peer->erl);
	a.protocol_level = min32(mine->protocol_level, peer->protocol_level);
	/* Maximum: §13.15. */
	a.default_time2wait =
	    max32(mine->default_time2wait, peer->default_time2wait);
	/* OR: §13.10, 13.18, 13.19; AND: §13.11. */
	a.initial_r2t = mine->initial_r2t || peer->initial_r2t;
	a.data_pdu_in_order =
	    mine->data_pdu_in_order || peer->data_pdu_in_order;
	a.data_sequence_in_order =
	    mine->data_sequence_in_order || peer->data_sequence_in_order;
	a.immediate_data = mine->immediate_data && peer->immediate_data;
	/* §13.23: RFC3720 is always offered; anything else needs both. */
	a.task_reporting = mine->task_reporting == peer->task_reporting
			       ? mine->task_reporting
			       : ISCSI_TR_RFC3720;
	/* Declarations, each from the side that makes it (§13.12, §13.4-9,
	 * §13.21). */
	a.max_recv_dsl_initiator = ini->max_recv_dsl_initiator;
	a.max_recv_dsl_target = tgt->max_recv_dsl_target;
	a.session_type = ini->session_type;
	memcpy(a.initiator_name, ini->initiator_name, sizeof(a.initiator_name));
	memcpy(a.target_name, ini->target_name, sizeof(a.target_name));
	memcpy(a.initiator_alias, ini->initiator_alias,
	       sizeof(a.initiator_alias));
	memcpy(a.target_alias, tgt->target_alias, sizeof(a.target_alias));
	a.target_portal_group_tag = tgt->target_portal_group_tag;
	a.tpgt_set = tgt->tpgt_set;
	memcpy(agreed, &a, sizeof(a));
	/* §13.14: FirstBurstLength MUST NOT exceed MaxBurstLength. */
	if (a.first_burst > a.max_burst) {
		iscsi_err(err, errlen,
		     "FirstBurstLength %u clamped to MaxBurstLength %u "
		     "(§13.14)",
		     a.first_burst, a.max_burst);
		agreed->first_burst = a.max_burst;
		return 1;
	}
	return 0;
}
