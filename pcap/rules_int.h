/* SPDX-License-Identifier: MIT */
/*
 * rules_int.h - state shared by the rule engine's files (not installed).
 */
#ifndef ISCSI_CTS_RULES_INT_H
#define ISCSI_CTS_RULES_INT_H

#include <stdarg.h>

#include "codec.h"
#include "keys.h"
#include "rules.h"
#include "text.h"

#define RT_MAX_TASKS 65536u /* tasks tracked per connection */
#define RT_MAX_R2T 32u	    /* open R2Ts tracked per task */
#define RT_MAX_PINGS 16u    /* target pings (NOP-In TTT) tracked */
#define RT_MAX_OFFERS 64u   /* pending key offers per side */
#define RT_MAX_CHAP 256u    /* CHAP challenges remembered per capture */
#define RT_MAX_PORTALS 64u  /* SendTargets TargetName -> tag */
#define RT_TEXT_LIMIT 65536u

struct rt_r2t {
	uint32_t ttt, off, len, got, next_datasn;
};

struct rt_task {
	bool used;
	uint32_t itt;
	unsigned op; /* opcode of the request */
	bool read, write, immediate;
	uint32_t edtl, cmdsn;
	/* read path */
	uint32_t next_datasn; /* Data-In (and R2T when bidirectional) */
	uint32_t datain_pdus;
	uint64_t in_bytes, seq_bytes;
	uint32_t next_in_off;
	bool any_in, last_in_final;
	/* write path */
	uint32_t imm_len;
	uint64_t unsol_bytes;
	uint32_t next_r2tsn, r2ts;
	struct rt_r2t r2t[RT_MAX_R2T];
	unsigned nr2t;
	/* NOP-Out ping data */
	uint32_t ping_crc, ping_len;
};

struct rt_offer {
	char key[ISCSI_KEY_NAME_MAX + 1];
	char *value;
};

struct rt_conn {
	struct pcap_conn *conn;
	bool from_login; /* its login was captured: complete knowledge */
	bool synced;	 /* no gap since from_login */
	/* login */
	bool in_login;
	uint32_t login_itt;
	uint64_t isid;
	uint16_t tsih_req;
	uint32_t login_cmdsn;
	uint8_t login_flags, vmax, vmin;
	bool login_req_c;
	bool tpgt_due, tpgt_done, normal;
	char target_name[ISCSI_VALUE_MAX + 1];
	bool login_failed, closed; /* failed login / logout response seen */
	/* numbering */
	bool statsn_known;
	uint32_t last_statsn;
	bool win_known;
	uint32_t expcmdsn, maxcmdsn;
	bool next_known;
	uint32_t next_cmdsn;
	bool snack_seen;
	/* text */
	struct iscsi_text_accum acc[2];
	struct rt_offer offers[2][RT_MAX_OFFERS];
	unsigned noffers[2];
	bool sendtargets, chap_a_offered, discovery;
	bool initial_r2t, immediate_data; /* outcomes so far */
	/* NOP pings from the target */
	uint32_t pings[RT_MAX_PINGS];
	unsigned npings;
	/* tasks: open addressing on ITT */
	struct rt_task *tasks;
	size_t cap, ntasks;
	uint64_t dropped;
};

struct rt_portal {
	char name[ISCSI_VALUE_MAX + 1];
	uint32_t tag;
};

struct rules_ctx {
	rules_sink sink;
	void *arg;
	uint64_t counts[3];
	/* CHAP challenges seen (CRC32C and length of the value string) */
	uint32_t chap_crc[RT_MAX_CHAP];
	uint32_t chap_len[RT_MAX_CHAP];
	unsigned nchap, chap_next;
	struct rt_portal portals[RT_MAX_PORTALS];
	unsigned nportals;
};

/* What a check sees: the PDU, and the state before it. */
struct rview {
	const struct pcap_pdu *p;
	const struct iscsi_bhs *bhs;
	unsigned op;
	bool tgt; /* sent by the target */
	uint32_t itt;
	struct rt_conn *rc;
	struct rt_task *task; /* NULL when the ITT is not tracked */
	const struct iscsi_params *par; /* NULL when not negotiated in view */
	bool ffp;
	/* a complete Login/Text text, NULL otherwise or when malformed */
	const struct iscsi_text *keys;
	const char *keys_err; /* parse error of a complete text */
};

/* Report a finding of rule r on v. expected/seen may be NULL. */
void rt_fire(struct rules_ctx *ctx, const struct rview *v,
	     const struct rule_def *r, const char *expected, const char *seen,
	     const char *fmt, ...) __attribute__((format(printf, 6, 7)));
void rt_fire_u(struct rules_ctx *ctx, const struct rview *v,
	       const struct rule_def *r, uint64_t expected, uint64_t seen,
	       const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* State (rules_state.c). */
struct rt_conn *rt_conn_get(struct pcap_conn *c);
void rt_conn_free(struct rt_conn *rc);
struct rt_task *rt_task_find(struct rt_conn *rc, uint32_t itt);
struct rt_task *rt_task_add(struct rt_conn *rc, uint32_t itt);
void rt_task_del(struct rt_conn *rc, struct rt_task *t);
void rt_conn_lost_sync(struct rt_conn *rc);
void rt_update(struct rules_ctx *ctx, struct rview *v);
void rt_offers_clear(struct rt_conn *rc);
bool rt_status_bearing(const struct rview *v);
bool rt_carries_window(const struct rview *v);

/* Checks, one per table row (rules_*.c). */
#define RT_CHECK(name)                                                         \
	void name(struct rules_ctx *ctx, const struct rview *v,                \
		  const struct rule_def *r)
RT_CHECK(chk_hdr_reserved);
RT_CHECK(chk_hdr_padding);
RT_CHECK(chk_hdr_opcode);
RT_CHECK(chk_hdr_ahs);
RT_CHECK(chk_hdr_ibit);
RT_CHECK(chk_digest_header);
RT_CHECK(chk_digest_data);
RT_CHECK(chk_limit_mrdsl);
RT_CHECK(chk_tag_itt_echo);
RT_CHECK(chk_tag_itt_reserved);
RT_CHECK(chk_tag_ttt_reserved);
RT_CHECK(chk_login_echo);
RT_CHECK(chk_login_tsih);
RT_CHECK(chk_login_expcmdsn);
RT_CHECK(chk_login_transit);
RT_CHECK(chk_login_status);
RT_CHECK(chk_login_failure_keys);
RT_CHECK(chk_login_version);
RT_CHECK(chk_login_after_failure);
RT_CHECK(chk_login_tpgt);
RT_CHECK(chk_keys_format);
RT_CHECK(chk_keys_duplicate);
RT_CHECK(chk_keys_value);
RT_CHECK(chk_keys_negotiation);
RT_CHECK(chk_keys_negotiation_should);
RT_CHECK(chk_chap_challenge);
RT_CHECK(chk_chap_reuse);
RT_CHECK(chk_sendtargets_format);
RT_CHECK(chk_sendtargets_address);
RT_CHECK(chk_names_valid);
RT_CHECK(chk_seq_statsn);
RT_CHECK(chk_seq_statsn_current);
RT_CHECK(chk_seq_expstatsn);
RT_CHECK(chk_seq_cmd_window);
RT_CHECK(chk_seq_expcmdsn_backwards);
RT_CHECK(chk_seq_maxcmdsn_backwards);
RT_CHECK(chk_seq_expcmdsn_ahead);
RT_CHECK(chk_seq_window_open);
RT_CHECK(chk_seq_datasn);
RT_CHECK(chk_seq_r2tsn);
RT_CHECK(chk_seq_expdatasn);
RT_CHECK(chk_r2t_length);
RT_CHECK(chk_r2t_offset);
RT_CHECK(chk_r2t_outstanding);
RT_CHECK(chk_write_immediate);
RT_CHECK(chk_write_unsolicited);
RT_CHECK(chk_write_dataout);
RT_CHECK(chk_read_burst);
RT_CHECK(chk_read_final);
RT_CHECK(chk_read_order);
RT_CHECK(chk_read_edtl);
RT_CHECK(chk_read_sbit);
RT_CHECK(chk_read_abit);
RT_CHECK(chk_read_unexpected);
RT_CHECK(chk_rsp_flags);
RT_CHECK(chk_rsp_sense);
RT_CHECK(chk_rsp_response);
RT_CHECK(chk_nop_ttt);
RT_CHECK(chk_nop_itt);
RT_CHECK(chk_nop_echo);
RT_CHECK(chk_logout_response);
RT_CHECK(chk_logout_after);
RT_CHECK(chk_async_event);
RT_CHECK(chk_reject_header);
RT_CHECK(chk_text_cbit);
RT_CHECK(chk_text_ttt);

/* Capture-level rows, fired by the engine itself. */
extern const struct rule_def *rt_rule_gap, *rt_rule_resync, *rt_rule_error;

#endif
