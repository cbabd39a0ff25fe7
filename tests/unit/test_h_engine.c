/* SPDX-License-Identifier: MIT */
/*
 * test_h_engine.c - the engine's connection layer against a scripted fake
 * target on loopback: split and byte-wise sends arrive intact, receives
 * time out within their deadline, close and reset are told apart, and
 * numbering follows what the target sends.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "serial.h"
#include "test_h_fake.h"
#include "unit.h"

static uint64_t ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* NOP-Out ITT 0x1234, CmdSN 7, ping data "hello". */
static void make_nop(struct iscsi_pdu *p, uint32_t itt)
{
	struct iscsi_nop_out_f f;

	memset(&f, 0, sizeof(f));
	f.itt = itt;
	f.ttt = ISCSI_RSVD_TAG;
	f.cmdsn = 7;
	iscsi_pdu_init(p);
	iscsi_nop_out_pack(&p->bhs, &f);
	iscsi_pdu_set_data(p, "hello", 5);
}

/* Reads one PDU and reports its ITT, CmdSN, DSL and first data byte. */
static void script_read_one(struct fake *f, int fd)
{
	struct iscsi_pdu p;

	iscsi_pdu_init(&p);
	if (fake_recv(f, fd, &p) < 0) {
		snprintf(f->fail, sizeof(f->fail), "no whole PDU");
		return;
	}
	f->seen[0] = iscsi_bhs_itt(&p.bhs);
	f->seen[1] = iscsi_bhs_get32(&p.bhs, 24);
	f->seen[2] = iscsi_bhs_dsl(&p.bhs);
	f->seen[3] = p.data_len == 5 && memcmp(p.data, "hello", 5) == 0;
	iscsi_pdu_release(&p);
}

/* §11.1: a PDU's bytes may arrive in any TCP segmentation. */
static void split_send_arrives_intact(void)
{
	static const size_t cuts[] = {1, 20, 48, 50};
	struct fake f;
	struct cts_conn *c;
	struct iscsi_pdu p;

	CU_ASSERT_FATAL(fake_start(&f, script_read_one, NULL) == 0);
	c = fake_connect(&f, NULL);
	CU_ASSERT_FATAL(c != NULL);
	make_nop(&p, 0x1234);
	CU_ASSERT_EQUAL(cts_conn_send_pdu_split(c, &p, cuts, 4), CTS_IO_OK);
	fake_join(&f);
	CU_ASSERT_STRING_EQUAL(f.fail, "");
	CU_ASSERT_EQUAL(f.seen[0], 0x1234);
	CU_ASSERT_EQUAL(f.seen[1], 7);
	CU_ASSERT_EQUAL(f.seen[2], 5);
	CU_ASSERT_EQUAL(f.seen[3], 1);
	iscsi_pdu_release(&p);
	cts_conn_free(c);
}

/* §11.1: one byte per segment still frames as one PDU. */
static void bytewise_send_arrives_intact(void)
{
	struct fake f;
	struct cts_conn *c;
	struct iscsi_pdu p;

	CU_ASSERT_FATAL(fake_start(&f, script_read_one, NULL) == 0);
	c = fake_connect(&f, NULL);
	CU_ASSERT_FATAL(c != NULL);
	cts_conn_set_split_delay(c, 50);
	make_nop(&p, 0x4321);
	CU_ASSERT_EQUAL(cts_conn_send_pdu_bytewise(c, &p), CTS_IO_OK);
	fake_join(&f);
	CU_ASSERT_STRING_EQUAL(f.fail, "");
	CU_ASSERT_EQUAL(f.seen[0], 0x4321);
	CU_ASSERT_EQUAL(f.seen[3], 1);
	iscsi_pdu_release(&p);
	cts_conn_free(c);
}

/* Sleeps until the client is gone (reads to EOF). */
static void script_silent(struct fake *f, int fd)
{
	fake_read_bytes(f, fd, sizeof(f->bytes));
}

/* Sends 20 bytes of a BHS, then nothing. */
static void script_half_bhs(struct fake *f, int fd)
{
	uint8_t b[20] = {ISCSI_OP_NOP_IN, 0x80};

	if (write(fd, b, sizeof(b)) != (ssize_t)sizeof(b))
		snprintf(f->fail, sizeof(f->fail), "write");
	fake_read_bytes(f, fd, sizeof(f->bytes));
}

/* A silent target yields a timeout within the deadline, never a hang. */
static void recv_times_out_within_deadline(void)
{
	struct fake f;
	struct cts_conn *c;
	struct iscsi_pdu p;
	uint64_t t0, dt;

	CU_ASSERT_FATAL(fake_start(&f, script_silent, NULL) == 0);
	c = fake_connect(&f, NULL);
	CU_ASSERT_FATAL(c != NULL);
	iscsi_pdu_init(&p);
	t0 = ms_now();
	CU_ASSERT_EQUAL(cts_conn_recv_pdu(c, &p, 200), CTS_IO_TIMEOUT);
	dt = ms_now() - t0;
	CU_ASSERT(dt >= 190 && dt < 1000);
	cts_conn_free(c);
	fake_join(&f);
}

/* Half a BHS then silence: still a timeout, bounded. */
static void partial_pdu_times_out(void)
{
	struct fake f;
	struct cts_conn *c;
	struct iscsi_pdu p;
	uint64_t t0;

	CU_ASSERT_FATAL(fake_start(&f, script_half_bhs, NULL) == 0);
	c = fake_connect(&f, NULL);
	CU_ASSERT_FATAL(c != NULL);
	iscsi_pdu_init(&p);
	t0 = ms_now();
	CU_ASSERT_EQUAL(cts_conn_recv_pdu(c, &p, 150), CTS_IO_TIMEOUT);
	CU_ASSERT(ms_now() - t0 < 1000);
	cts_conn_free(c);
	fake_join(&f);
}

static void script_close(struct fake *f, int fd)
{
	(void)f;
	(void)fd; /* fake_main closes: FIN */
}

static void script_reset(struct fake *f, int fd)
{
	struct linger l = {.l_onoff = 1, .l_linger = 0};

	(void)f;
	/* linger 0: close() sends RST */
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
}

/* End of stream (FIN) is reported as CLOSED. */
static void close_is_reported_as_closed(void)
{
	struct fake f;
	struct cts_conn *c;
	struct iscsi_pdu p;
	struct cts_transcript *t = cts_transcript_new();
	const struct cts_record *r;

	CU_ASSERT_FATAL(fake_start(&f, script_close, NULL) == 0);
	c = fake_connect(&f, t);
	CU_ASSERT_FATAL(c != NULL);
	fake_join(&f);
	iscsi_pdu_init(&p);
	CU_ASSERT_EQUAL(cts_conn_recv_pdu(c, &p, 2000), CTS_IO_CLOSED);
	r = cts_transcript_at(t, cts_transcript_count(t) - 1);
	CU_ASSERT(r && r->kind == CTS_REC_FIN && r->dir == CTS_RECV);
	cts_conn_free(c);
	cts_transcript_free(t);
}

/* A reset (RST) is reported as RESET, not as a close. */
static void reset_is_reported_as_reset(void)
{
	struct fake f;
	struct cts_conn *c;
	struct iscsi_pdu p;

	CU_ASSERT_FATAL(fake_start(&f, script_reset, NULL) == 0);
	c = fake_connect(&f, NULL);
	CU_ASSERT_FATAL(c != NULL);
	fake_join(&f);
	iscsi_pdu_init(&p);
	CU_ASSERT_EQUAL(cts_conn_recv_pdu(c, &p, 2000), CTS_IO_RESET);
	cts_conn_free(c);
}

/* Sends a NOP-In byte by byte: ITT 9, StatSN 10, ExpCmdSN 5, MaxCmdSN 20. */
static void script_nop_in_bytewise(struct fake *f, int fd)
{
	struct iscsi_nop_in_f n;
	struct iscsi_pdu p;
	uint8_t b[64];
	char err[64];
	ssize_t len;

	memset(&n, 0, sizeof(n));
	n.itt = 9;
	n.ttt = ISCSI_RSVD_TAG;
	n.statsn = 10;
	n.exp_cmdsn = 5;
	n.max_cmdsn = 20;
	iscsi_pdu_init(&p);
	iscsi_nop_in_pack(&p.bhs, &n);
	len = iscsi_pdu_encode(&p, &f->dg, b, sizeof(b), err, sizeof(err));
	for (ssize_t i = 0; i < len; i++) {
		if (write(fd, b + i, 1) != 1)
			break;
		usleep(200);
	}
	fake_read_bytes(f, fd, sizeof(f->bytes));
}

/* §4.2.2.1/§4.2.2.2: StatSN acknowledged as StatSN+1; window taken. */
static void received_numbers_update_session(void)
{
	struct fake f;
	struct cts_conn *c;
	struct cts_session *s = cts_session_new(NULL);
	struct iscsi_pdu p;

	CU_ASSERT_FATAL(fake_start(&f, script_nop_in_bytewise, NULL) == 0);
	c = fake_connect(&f, NULL);
	CU_ASSERT_FATAL(c != NULL);
	CU_ASSERT_EQUAL(cts_session_attach(s, c), 0);
	iscsi_pdu_init(&p);
	CU_ASSERT_EQUAL(cts_conn_recv_pdu(c, &p, 2000), CTS_IO_OK);
	CU_ASSERT_EQUAL(iscsi_bhs_opcode(&p.bhs), ISCSI_OP_NOP_IN);
	CU_ASSERT_EQUAL(c->exp_statsn, 11);
	CU_ASSERT_EQUAL(s->exp_cmdsn, 5);
	CU_ASSERT_EQUAL(s->max_cmdsn, 20);
	CU_ASSERT(s->window_known);
	iscsi_pdu_release(&p);
	cts_session_free(s); /* frees c */
	fake_join(&f);
}

/* Reads three PDUs and reports their CmdSNs. */
static void script_read_three(struct fake *f, int fd)
{
	struct iscsi_pdu p;

	iscsi_pdu_init(&p);
	for (int i = 0; i < 3; i++) {
		if (fake_recv(f, fd, &p) < 0) {
			snprintf(f->fail, sizeof(f->fail), "PDU %d missing", i);
			break;
		}
		f->seen[i] = iscsi_bhs_get32(&p.bhs, 24);
	}
	iscsi_pdu_release(&p);
}

/* The mutation reaches the wire on the n-th matching PDU only, and the
 * transcript records it. */
static void mutation_applies_to_nth_pdu_and_is_recorded(void)
{
	struct cts_mutation m = {ISCSI_OP_NOP_OUT, "iscsi.cmdsn", CTS_MUT_SET,
				 77, 2};
	struct cts_transcript *t = cts_transcript_new();
	const struct cts_record *r;
	struct fake f;
	struct cts_conn *c;
	struct iscsi_pdu p;
	size_t from = 0;

	CU_ASSERT_FATAL(fake_start(&f, script_read_three, NULL) == 0);
	c = fake_connect(&f, t);
	CU_ASSERT_FATAL(c != NULL);
	CU_ASSERT_EQUAL(cts_conn_mutate(c, &m), 0);
	make_nop(&p, 1);
	for (int i = 0; i < 3; i++)
		CU_ASSERT_EQUAL(cts_conn_send_pdu(c, &p), CTS_IO_OK);
	fake_join(&f);
	CU_ASSERT_STRING_EQUAL(f.fail, "");
	CU_ASSERT_EQUAL(f.seen[0], 7);
	CU_ASSERT_EQUAL(f.seen[1], 77);
	CU_ASSERT_EQUAL(f.seen[2], 7);
	CU_ASSERT(cts_transcript_has_mutated(t, ISCSI_OP_NOP_OUT,
					     "iscsi.cmdsn"));
	CU_ASSERT(!cts_transcript_has_mutated(t, ISCSI_OP_SCSI_CMD, NULL));
	r = cts_transcript_find(t, &from, CTS_SENT, ISCSI_OP_NOP_OUT);
	CU_ASSERT(r && r->mutation[0] == '\0');
	r = cts_transcript_find(t, &from, CTS_SENT, ISCSI_OP_NOP_OUT);
	CU_ASSERT_FATAL(r != NULL);
	CU_ASSERT_STRING_EQUAL(r->mutation,
			       "iscsi.cmdsn set 77 on NOP-Out #2");
	CU_ASSERT_EQUAL(iscsi_get32(r->bytes + 24), 77);
	iscsi_pdu_release(&p);
	cts_conn_free(c);
	cts_transcript_free(t);
}

/* Reads a whole PDU with header digests on and reports hdigest_ok. */
static void script_read_digest(struct fake *f, int fd)
{
	struct iscsi_pdu p;
	struct iscsi_digests dg = {true, false};

	iscsi_framer_set_digests(&f->fr, &dg);
	iscsi_pdu_init(&p);
	if (fake_recv(f, fd, &p) < 0) {
		snprintf(f->fail, sizeof(f->fail), "no PDU");
		return;
	}
	f->seen[0] = p.hdigest_present;
	f->seen[1] = p.hdigest_ok;
	f->seen[2] = iscsi_bhs_get32(&p.bhs, 24);
	iscsi_pdu_release(&p);
}

/* §11.2.2 header digest: a field change keeps the digest valid, CORRUPT
 * of the digest makes it fail at the receiver. */
static void mutation_header_field_keeps_digest_valid(void)
{
	struct cts_mutation m = {CTS_ANY, "iscsi.cmdsn", CTS_MUT_ADD, 3, 0};
	struct iscsi_digests dg = {true, false};
	struct fake f;
	struct cts_conn *c;
	struct iscsi_pdu p;

	CU_ASSERT_FATAL(fake_start(&f, script_read_digest, NULL) == 0);
	c = fake_connect(&f, NULL);
	CU_ASSERT_FATAL(c != NULL);
	cts_conn_set_digests(c, &dg);
	CU_ASSERT_EQUAL(cts_conn_mutate(c, &m), 0);
	make_nop(&p, 1);
	CU_ASSERT_EQUAL(cts_conn_send_pdu(c, &p), CTS_IO_OK);
	fake_join(&f);
	CU_ASSERT_EQUAL(f.seen[0], 1);
	CU_ASSERT_EQUAL(f.seen[1], 1);
	CU_ASSERT_EQUAL(f.seen[2], 10);
	iscsi_pdu_release(&p);
	cts_conn_free(c);
}

static void mutation_corrupt_header_digest_fails_check(void)
{
	struct cts_mutation m = {CTS_ANY, "digest.header", CTS_MUT_CORRUPT, 0,
				 1};
	struct iscsi_digests dg = {true, false};
	struct fake f;
	struct cts_conn *c;
	struct iscsi_pdu p;

	CU_ASSERT_FATAL(fake_start(&f, script_read_digest, NULL) == 0);
	c = fake_connect(&f, NULL);
	CU_ASSERT_FATAL(c != NULL);
	cts_conn_set_digests(c, &dg);
	CU_ASSERT_EQUAL(cts_conn_mutate(c, &m), 0);
	make_nop(&p, 1);
	CU_ASSERT_EQUAL(cts_conn_send_pdu(c, &p), CTS_IO_OK);
	fake_join(&f);
	CU_ASSERT_EQUAL(f.seen[0], 1);
	CU_ASSERT_EQUAL(f.seen[1], 0);
	iscsi_pdu_release(&p);
	cts_conn_free(c);
}

static void script_count_bytes(struct fake *f, int fd)
{
	fake_read_bytes(f, fd, sizeof(f->bytes));
}

/* "pdu" truncate: only the first bytes reach the wire. */
static void mutation_truncate_pdu_sends_prefix(void)
{
	struct cts_mutation m = {ISCSI_OP_NOP_OUT, "pdu", CTS_MUT_TRUNCATE, 30,
				 0};
	struct fake f;
	struct cts_conn *c;
	struct iscsi_pdu p;

	CU_ASSERT_FATAL(fake_start(&f, script_count_bytes, NULL) == 0);
	c = fake_connect(&f, NULL);
	CU_ASSERT_FATAL(c != NULL);
	CU_ASSERT_EQUAL(cts_conn_mutate(c, &m), 0);
	make_nop(&p, 1);
	CU_ASSERT_EQUAL(cts_conn_send_pdu(c, &p), CTS_IO_OK);
	cts_conn_close(c);
	fake_join(&f);
	CU_ASSERT_EQUAL(f.nbytes, 30);
	iscsi_pdu_release(&p);
	cts_conn_free(c);
}

/* Mutations name real fields of the PDU kind, or are refused. */
static void mutation_of_unknown_field_is_refused(void)
{
	struct cts_mutation bad = {ISCSI_OP_NOP_OUT, "iscsi.r2tsn", CTS_MUT_SET,
				   1, 0};
	struct cts_mutation bad2 = {CTS_ANY, "iscsi.cmdsn", CTS_MUT_TRUNCATE,
				    1, 0};
	struct cts_mutation good = {ISCSI_OP_R2T, "iscsi.r2tsn", CTS_MUT_SET,
				    1, 0};
	struct cts_conn *c;
	int sv[2];

	CU_ASSERT_FATAL(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	c = cts_conn_from_fd(NULL, sv[0]);
	CU_ASSERT_FATAL(c != NULL);
	CU_ASSERT_EQUAL(cts_conn_mutate(c, &bad), -1);
	CU_ASSERT_EQUAL(cts_conn_mutate(c, &bad2), -1);
	CU_ASSERT_EQUAL(cts_conn_mutate(c, &good), 0);
	cts_conn_free(c);
	close(sv[1]);
}

/* A report prints mutations as one readable line. */
static void mutation_format_names_field_op_value_and_pdu(void)
{
	struct cts_mutation a = {ISCSI_OP_SCSI_CMD, "iscsi.cmdsn", CTS_MUT_ADD,
				 5, 1};
	struct cts_mutation b = {CTS_ANY, "data", CTS_MUT_TRUNCATE, 10, 0};
	char buf[128];

	CU_ASSERT(cts_mutation_format(&a, buf, sizeof(buf)) > 0);
	CU_ASSERT_STRING_EQUAL(buf, "iscsi.cmdsn add 5 on SCSI Command #1");
	CU_ASSERT(cts_mutation_format(&b, buf, sizeof(buf)) > 0);
	CU_ASSERT_STRING_EQUAL(buf, "data truncate to 10 bytes on every PDU");
}

UNIT_SUITE(h_engine, "h_engine",
	   UNIT_TEST(split_send_arrives_intact),
	   UNIT_TEST(bytewise_send_arrives_intact),
	   UNIT_TEST(recv_times_out_within_deadline),
	   UNIT_TEST(partial_pdu_times_out),
	   UNIT_TEST(close_is_reported_as_closed),
	   UNIT_TEST(reset_is_reported_as_reset),
	   UNIT_TEST(received_numbers_update_session),
	   UNIT_TEST(mutation_applies_to_nth_pdu_and_is_recorded),
	   UNIT_TEST(mutation_header_field_keeps_digest_valid),
	   UNIT_TEST(mutation_corrupt_header_digest_fails_check),
	   UNIT_TEST(mutation_truncate_pdu_sends_prefix),
	   UNIT_TEST(mutation_of_unknown_field_is_refused),
	   UNIT_TEST(mutation_format_names_field_op_value_and_pdu))
