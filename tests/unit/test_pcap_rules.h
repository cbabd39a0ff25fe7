/* SPDX-License-Identifier: MIT */
/*
 * test_pcap_rules.h - a fixture that feeds crafted PDUs to the rule
 * engine (pcap/rules.h) as the pipeline would, and counts findings.
 */
#ifndef ISCSI_CTS_TEST_PCAP_RULES_H
#define ISCSI_CTS_TEST_PCAP_RULES_H

#include "codec.h"
#include "rules.h"

#define FX_MAX_FINDINGS 64

struct rfix {
	struct pcap_flow flow;
	struct pcap_conn conn;
	struct pcap_session sess;
	struct rules_ctx *rules;
	uint64_t frame;
	unsigned n;
	char id[FX_MAX_FINDINGS][40];
	char seen[FX_MAX_FINDINGS][RULE_TXT];
	char expected[FX_MAX_FINDINGS][RULE_TXT];
	uint32_t statsn; /* next StatSN the fixture's target uses */
	uint32_t cmdsn;	 /* next CmdSN of the fixture's initiator */
};

/* A fresh connection (no login seen). */
void fx_init(struct rfix *f);
void fx_free(struct rfix *f);
/* Feed one PDU, encoded with zero padding and no digests. */
void fx_send(struct rfix *f, bool from_target, struct iscsi_pdu *pdu);
/* Feed raw wire bytes of one PDU that iscsi_pdu_decode accepts. */
void fx_send_wire(struct rfix *f, bool from_target, const uint8_t *wire,
		  size_t len);
/* Findings of rule id so far; the last one's seen/expected. */
unsigned fx_count(const struct rfix *f, const char *id);
const char *fx_seen(const struct rfix *f, const char *id);
const char *fx_expected(const struct rfix *f, const char *id);

/*
 * A good leading login (CSG 1 -> FFP, T=1): Login Request ITT 0x100
 * CmdSN 1 with keys, then a Login Response TSIH 1 StatSN 100 ExpCmdSN 1
 * MaxCmdSN 32 with the answers; the connection then is in full feature
 * phase with params (MRDSL 8192 each way, MaxBurstLength 16384,
 * FirstBurstLength 8192, InitialR2T Yes, ImmediateData Yes,
 * MaxOutstandingR2T 1, ERL 0, DataPDUInOrder/SequenceInOrder Yes).
 */
void fx_login(struct rfix *f);

/* Builders (host-order values; data may be NULL). */
void fx_pdu_data(struct iscsi_pdu *p, const char *text, size_t len);
void fx_text_keys(struct iscsi_pdu *p, const char *const *kv, size_t n);
void fx_cmd(struct rfix *f, uint32_t itt, bool rd, bool wr, uint32_t edtl,
	    uint32_t imm);
void fx_data_in(struct rfix *f, uint32_t itt, uint32_t datasn, uint32_t off,
		uint32_t len, uint8_t flags);
void fx_rsp(struct rfix *f, uint32_t itt, uint32_t expdatasn, uint8_t flags,
	    uint32_t residual);
void fx_r2t(struct rfix *f, uint32_t itt, uint32_t ttt, uint32_t r2tsn,
	    uint32_t off, uint32_t len);
void fx_data_out(struct rfix *f, uint32_t itt, uint32_t ttt,
		 uint32_t datasn, uint32_t off, uint32_t len, bool final);

#endif
