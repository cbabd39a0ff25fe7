/* SPDX-License-Identifier: MIT */
/*
 * engine_int.h - helpers shared by the engine's files (not for tests).
 */
#ifndef ISCSI_CTS_ENGINE_INT_H
#define ISCSI_CTS_ENGINE_INT_H

#include <stdarg.h>

#include "engine.h"

/* Wall clock in microseconds (transcript) and a monotonic clock in
 * milliseconds (deadlines). */
uint64_t cts_now_us(void);
uint64_t cts_mono_ms(void);

/* min(op_ms or the connection's timeout, the test's time left). */
unsigned cts_conn_budget(const struct cts_conn *c, unsigned op_ms);

void cts_errf(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Encodes pdu with c's digests into a malloc'd buffer and applies c's
 * matching mutations (unless skip); the text of the applied ones goes to
 * text.  0, or -1 with c->err set.
 */
int cts_mut_encode(struct cts_conn *c, const struct iscsi_pdu *pdu, bool skip,
		   uint8_t **out, size_t *outlen, char *text, size_t textlen);

/* Appends a record for c (no-op without a transcript). */
void cts_conn_record(struct cts_conn *c, enum cts_rec_kind kind,
		     enum cts_dir dir, const uint8_t *bytes, size_t len,
		     const char *mutation, bool digest_bad);

/* Receive one PDU within an absolute monotonic deadline. */
int cts_conn_recv_until(struct cts_conn *c, struct iscsi_pdu *out,
			uint64_t deadline_ms);

/* Answer a NOP-In ping (§11.19: TTT valid -> NOP-Out with TTT, ITT
 * 0xffffffff, I=1). */
int cts_conn_answer_ping(struct cts_conn *c, const struct iscsi_pdu *nop_in);

/* The ITT a task/command PDU should use on c. */
uint32_t cts_conn_new_itt(struct cts_conn *c);

#endif
