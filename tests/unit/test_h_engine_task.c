/* SPDX-License-Identifier: MIT */
/*
 * test_h_engine_task.c - SCSI reads and writes, NOP, Text and Logout in
 * full feature phase against a scripted target: Data-In reassembly by
 * BufferOffset, status in the last Data-In, sense, R2T-driven Data-Out
 * within the target's MaxRecvDataSegmentLength, immediate and unsolicited
 * data up to FirstBurstLength, the knob that goes beyond it, automatic
 * answers to target pings, the command window, Text continuation.
 */
#include <stdlib.h>
#include <string.h>

#include "test_h_fake.h"
#include "unit.h"

/* A session in full feature phase on a connection to the fake. */
static struct cts_session *ffp_session(struct fake *f, struct cts_conn **cp)
{
	struct cts_session *s = cts_session_new(NULL);
	struct cts_conn *c = fake_connect(f, NULL);

	if (!s || !c || cts_session_attach(s, c) < 0)
		return NULL;
	c->ffp = true;
	s->agreed.max_recv_dsl_target = 4096;
	s->agreed.max_burst = 8192;
	s->agreed.first_burst = 8192;
	s->agreed.immediate_data = false;
	s->agreed.initial_r2t = true;
	*cp = c;
	return s;
}

static void send_data_in(struct fake *f, int fd, uint32_t itt, uint32_t sn,
			 uint32_t off, uint32_t len, uint8_t fill, bool last)
{
	struct iscsi_data_in_f d;
	struct iscsi_pdu p;
	uint8_t *b = malloc(len);

	memset(&d, 0, sizeof(d));
	memset(b, fill, len);
	d.final = last;
	d.status_present = last;
	d.underflow = last;
	d.residual = last ? 1808 : 0;
	d.itt = itt;
	d.ttt = ISCSI_RSVD_TAG;
	d.statsn = last ? 7 : 0;
	d.exp_cmdsn = 2;
	d.max_cmdsn = 20;
	d.datasn = sn;
	d.buffer_offset = off;
	iscsi_pdu_init(&p);
	iscsi_data_in_pack(&p.bhs, &d);
	iscsi_pdu_set_data(&p, b, len);
	fake_send(f, fd, &p);
	iscsi_pdu_release(&p);
	free(b);
}

static void send_scsi_rsp(struct fake *f, int fd, uint32_t itt, uint8_t status,
			  bool sense)
{
	static const uint8_t fixed[18] = {0x70, 0, 0x05, 0, 0, 0, 0, 10,
					  0,	0, 0,	 0, 0x20, 0};
	struct iscsi_scsi_rsp_f r;
	struct iscsi_pdu p;

	memset(&r, 0, sizeof(r));
	r.itt = itt;
	r.status = status;
	r.statsn = 7;
	r.exp_cmdsn = 2;
	r.max_cmdsn = 20;
	iscsi_pdu_init(&p);
	iscsi_scsi_rsp_pack(&p.bhs, &r);
	if (sense)
		iscsi_scsi_rsp_set_sense(&p, fixed, sizeof(fixed), NULL, 0);
	fake_send(f, fd, &p);
	iscsi_pdu_release(&p);
}

/* Two Data-In, second half first, status in the last (S). */
static void script_read(struct fake *f, int fd)
{
	struct iscsi_pdu p;
	uint32_t itt;

	iscsi_pdu_init(&p);
	if (fake_recv(f, fd, &p) < 0)
		return;
	f->seen[0] = p.bhs.flags;
	f->seen[1] = iscsi_bhs_get32(&p.bhs, 20); /* EDTL */
	itt = iscsi_bhs_itt(&p.bhs);
	send_data_in(f, fd, itt, 0, 4096, 4096, 0xbb, false);
	send_data_in(f, fd, itt, 1, 0, 4096, 0xaa, true);
	iscsi_pdu_release(&p);
	fake_read_bytes(f, fd, sizeof(f->bytes));
}

/* §11.7.4, §11.7.6: Data-In placed by BufferOffset; status and residual
 * from the Data-In with S set. */
static void read_reassembles_by_offset_with_status_in_data(void)
{
	struct fake f;
	struct cts_conn *c;
	struct cts_session *s;
	struct cts_scsi_result r;
	uint8_t cdb[10] = {0x28}, buf[10000];

	memset(buf, 0, sizeof(buf));
	CU_ASSERT_FATAL(fake_start(&f, script_read, NULL) == 0);
	s = ffp_session(&f, &c);
	CU_ASSERT_FATAL(s != NULL);
	CU_ASSERT_EQUAL(cts_scsi_read(NULL, c, 0, cdb, 10, 10000, buf, &r),
			CTS_IO_OK);
	cts_conn_close(c);
	fake_join(&f);
	CU_ASSERT_EQUAL(f.seen[0] & 0xe0, 0xc0); /* F and R */
	CU_ASSERT_EQUAL(f.seen[1], 10000);
	CU_ASSERT_EQUAL(buf[0], 0xaa);
	CU_ASSERT_EQUAL(buf[4095], 0xaa);
	CU_ASSERT_EQUAL(buf[4096], 0xbb);
	CU_ASSERT_EQUAL(buf[8191], 0xbb);
	CU_ASSERT_EQUAL(buf[8192], 0);
	CU_ASSERT(r.got_status && r.status_in_data);
	CU_ASSERT_EQUAL(r.status, 0);
	CU_ASSERT(r.underflow);
	CU_ASSERT_EQUAL(r.residual, 1808);
	CU_ASSERT_EQUAL(r.data_len, 8192);
	CU_ASSERT_EQUAL(r.n_data_in, 2);
	CU_ASSERT_EQUAL(r.npdus, 3);
	CU_ASSERT_STRING_EQUAL(r.note, "");
	CU_ASSERT_EQUAL(c->exp_statsn, 8);
	cts_session_free(s);
}

static void script_check_condition(struct fake *f, int fd)
{
	struct iscsi_pdu p;

	iscsi_pdu_init(&p);
	if (fake_recv(f, fd, &p) < 0)
		return;
	send_scsi_rsp(f, fd, iscsi_bhs_itt(&p.bhs), 0x02, true);
	iscsi_pdu_release(&p);
	fake_read_bytes(f, fd, sizeof(f->bytes));
}

/* §11.4.7: sense data comes after its 2-byte SenseLength. */
static void response_sense_is_extracted(void)
{
	struct fake f;
	struct cts_conn *c;
	struct cts_session *s;
	struct cts_scsi_result r;
	uint8_t cdb[6] = {0}, buf[16];

	CU_ASSERT_FATAL(fake_start(&f, script_check_condition, NULL) == 0);
	s = ffp_session(&f, &c);
	CU_ASSERT_FATAL(s != NULL);
	CU_ASSERT_EQUAL(cts_scsi_read(NULL, c, 1, cdb, 6, 16, buf, &r),
			CTS_IO_OK);
	cts_conn_close(c);
	fake_join(&f);
	CU_ASSERT(r.got_status && !r.status_in_data);
	CU_ASSERT_EQUAL(r.status, 0x02);
	CU_ASSERT_EQUAL(r.sense_len, 18);
	CU_ASSERT_EQUAL(r.sense[2] & 0x0f, 0x05);
	CU_ASSERT_EQUAL(r.sense[12], 0x20);
	cts_session_free(s);
}

static void send_r2t(struct fake *f, int fd, uint32_t itt, uint32_t ttt,
		     uint32_t sn, uint32_t off, uint32_t len)
{
	struct iscsi_r2t_f r;
	struct iscsi_pdu p;

	memset(&r, 0, sizeof(r));
	r.itt = itt;
	r.ttt = ttt;
	r.r2tsn = sn;
	r.statsn = 7;
	r.exp_cmdsn = 2;
	r.max_cmdsn = 20;
	r.buffer_offset = off;
	r.desired_len = len;
	iscsi_pdu_init(&p);
	iscsi_r2t_pack(&p.bhs, &r);
	fake_send(f, fd, &p);
	iscsi_pdu_release(&p);
}

/*
 * Reads Data-Outs until F; reports in f->seen[4..]: count, then per PDU
 * (DataSN << 24 | TTT low byte << 16 | DSL/16) - compact enough to
 * compare with literals.  seen[0] = command flags, seen[1] = command DSL.
 */
static int read_data_outs(struct fake *f, int fd, struct iscsi_pdu *p,
			  unsigned *k)
{
	do {
		if (fake_recv(f, fd, p) < 0 ||
		    iscsi_bhs_opcode(&p->bhs) != ISCSI_OP_DATA_OUT)
			return -1;
		if (*k < 10)
			f->seen[4 + (*k)++] =
				iscsi_bhs_get32(&p->bhs, 36) << 24 |
				(iscsi_bhs_get32(&p->bhs, 20) & 0xffu) << 16 |
				iscsi_bhs_dsl(&p->bhs);
	} while (!(p->bhs.flags & ISCSI_FLAG_FINAL));
	return 0;
}

struct wscript {
	bool unsolicited;  /* expect unsolicited Data-Out first */
	uint32_t r2t_from; /* R2T for [r2t_from, 12000 or 10000) */
	uint32_t total;
};

static void script_write(struct fake *f, int fd)
{
	struct wscript *w = f->arg;
	struct iscsi_pdu p;
	unsigned k = 0;
	uint32_t itt, off = w->r2t_from, sn = 0;

	iscsi_pdu_init(&p);
	if (fake_recv(f, fd, &p) < 0)
		goto out;
	f->seen[0] = p.bhs.flags;
	f->seen[1] = (uint32_t)p.data_len;
	itt = iscsi_bhs_itt(&p.bhs);
	if (w->unsolicited && read_data_outs(f, fd, &p, &k) < 0)
		goto out;
	while (off < w->total) {
		uint32_t len = w->total - off > 8192 ? 8192 : w->total - off;

		send_r2t(f, fd, itt, 0x70 + sn, sn, off, len);
		sn++;
		if (read_data_outs(f, fd, &p, &k) < 0)
			goto out;
		off += len;
	}
	f->seen[3] = k;
	send_scsi_rsp(f, fd, itt, 0, false);
	fake_read_bytes(f, fd, sizeof(f->bytes));
out:
	iscsi_pdu_release(&p);
}

static int run_write(struct wscript *w, bool imm, bool r2t,
		     const struct cts_task_opts *o, struct fake *f,
		     struct cts_scsi_result *r)
{
	struct cts_conn *c;
	struct cts_session *s;
	uint8_t cdb[10] = {0x2a}, *data = calloc(1, 12288);
	int rc;

	if (!data || fake_start(f, script_write, w) < 0)
		return -1;
	s = ffp_session(f, &c);
	if (!s)
		return -1;
	s->agreed.immediate_data = imm;
	s->agreed.initial_r2t = r2t;
	rc = cts_scsi_cmd(NULL, c, 0, cdb, 10, w->total, data, NULL, o, r);
	cts_conn_close(c);
	fake_join(f);
	cts_session_free(s);
	free(data);
	return rc;
}

/* §13.12, §11.7.5, §11.8: R2T-driven Data-Out in PDUs of at most the
 * target's MaxRecvDataSegmentLength, DataSN from 0 per R2T, its TTT. */
static void write_follows_r2t_within_target_mrdsl(void)
{
	struct wscript w = {.r2t_from = 0, .total = 10000};
	struct cts_scsi_result r;
	struct fake f;

	CU_ASSERT_EQUAL(run_write(&w, false, true, NULL, &f, &r), CTS_IO_OK);
	CU_ASSERT_EQUAL(f.seen[0] & 0xa0, 0xa0); /* F and W */
	CU_ASSERT_EQUAL(f.seen[1], 0);
	CU_ASSERT_EQUAL(f.seen[3], 3);
	CU_ASSERT_EQUAL(f.seen[4], 0x00700000u | 4096);
	CU_ASSERT_EQUAL(f.seen[5], 0x01700000u | 4096);
	CU_ASSERT_EQUAL(f.seen[6], 0x00710000u | 1808);
	CU_ASSERT_EQUAL(r.n_r2t, 2);
	CU_ASSERT_EQUAL(r.solicited_len, 10000);
	CU_ASSERT_EQUAL(r.n_data_out, 3);
	CU_ASSERT(r.got_status);
	CU_ASSERT_EQUAL(r.npdus, 1 + 2 + 3 + 1);
}

/* §13.10, §13.11, §13.14: immediate data (one PDU), then unsolicited
 * Data-Out (TTT 0xffffffff) up to FirstBurstLength; F=0 on the command. */
static void write_sends_immediate_and_unsolicited_up_to_fbl(void)
{
	struct wscript w = {.unsolicited = true, .r2t_from = 8192,
			    .total = 12000};
	struct cts_scsi_result r;
	struct fake f;

	CU_ASSERT_EQUAL(run_write(&w, true, false, NULL, &f, &r), CTS_IO_OK);
	CU_ASSERT_EQUAL(f.seen[0] & 0x80, 0);
	CU_ASSERT_EQUAL(f.seen[1], 4096);
	CU_ASSERT_EQUAL(f.seen[3], 2);
	CU_ASSERT_EQUAL(f.seen[4], 0x00ff0000u | 4096);
	CU_ASSERT_EQUAL(f.seen[5], 0x00700000u | 3808);
	CU_ASSERT_EQUAL(r.immediate_len, 4096);
	CU_ASSERT_EQUAL(r.unsolicited_len, 4096);
	CU_ASSERT_EQUAL(r.solicited_len, 3808);
}

/* The rule-breaking knob: unsolicited data beyond FirstBurstLength. */
static void write_knob_sends_beyond_fbl(void)
{
	struct wscript w = {.unsolicited = true, .r2t_from = 12000,
			    .total = 12000};
	struct cts_task_opts o = {.unsolicited_extra = 8192};
	struct cts_scsi_result r;
	struct fake f;

	CU_ASSERT_EQUAL(run_write(&w, true, false, &o, &f, &r), CTS_IO_OK);
	CU_ASSERT_EQUAL(f.seen[3], 2);
	CU_ASSERT_EQUAL(f.seen[4], 0x00ff0000u | 4096);
	CU_ASSERT_EQUAL(f.seen[5], 0x01ff0000u | 3808);
	CU_ASSERT_EQUAL(r.unsolicited_len, 12000 - 4096);
}

/* Pings with TTT 0x55, then answers the ping of the test. */
static void script_ping_first(struct fake *f, int fd)
{
	struct iscsi_nop_in_f n;
	struct iscsi_pdu p;

	iscsi_pdu_init(&p);
	memset(&n, 0, sizeof(n));
	n.itt = ISCSI_RSVD_TAG;
	n.ttt = 0x55;
	n.statsn = 3;
	n.exp_cmdsn = 1;
	n.max_cmdsn = 0; /* window closed */
	iscsi_nop_in_pack(&p.bhs, &n);
	fake_send(f, fd, &p);
	if (fake_recv(f, fd, &p) < 0)
		return;
	f->seen[0] = p.bhs.opcode;
	f->seen[1] = iscsi_bhs_itt(&p.bhs);
	f->seen[2] = iscsi_bhs_get32(&p.bhs, 20);
	usleep(50000);
	n.itt = ISCSI_RSVD_TAG;
	n.ttt = ISCSI_RSVD_TAG;
	n.max_cmdsn = 10; /* window open */
	iscsi_nop_in_pack(&p.bhs, &n);
	iscsi_pdu_set_data(&p, NULL, 0);
	fake_send(f, fd, &p);
	if (fake_recv(f, fd, &p) < 0)
		return;
	f->seen[3] = iscsi_bhs_get32(&p.bhs, 24);
	n.itt = iscsi_bhs_itt(&p.bhs);
	n.statsn = 3;
	iscsi_nop_in_pack(&p.bhs, &n);
	fake_send(f, fd, &p); /* echo, same data */
	fake_read_bytes(f, fd, sizeof(f->bytes));
	iscsi_pdu_release(&p);
}

/* §11.19: a target ping (TTT valid) is answered with a NOP-Out carrying
 * its TTT and ITT 0xffffffff, I=1; §4.2.2.1: a non-immediate command
 * waits until MaxCmdSN opens the window. */
static void target_ping_answered_and_window_awaited(void)
{
	struct fake f;
	struct cts_conn *c;
	struct cts_session *s;
	struct cts_nop_result r;

	CU_ASSERT_FATAL(fake_start(&f, script_ping_first, NULL) == 0);
	s = ffp_session(&f, &c);
	CU_ASSERT_FATAL(s != NULL);
	/* as if a response had closed the window (§4.2.2.1) */
	s->exp_cmdsn = 1;
	s->max_cmdsn = 0;
	s->window_known = true;
	CU_ASSERT(!cts_session_window_open(s));
	CU_ASSERT_EQUAL(cts_nop_ping(NULL, c, "abc", 3, 0, &r), CTS_IO_OK);
	cts_conn_close(c);
	fake_join(&f);
	CU_ASSERT_EQUAL(f.seen[0], 0x40); /* immediate NOP-Out */
	CU_ASSERT_EQUAL(f.seen[1], 0xffffffffu);
	CU_ASSERT_EQUAL(f.seen[2], 0x55);
	CU_ASSERT_EQUAL(f.seen[3], 1); /* CmdSN of the ping */
	CU_ASSERT_EQUAL(r.data_len, 3);
	CU_ASSERT(memcmp(r.data, "abc", 3) == 0);
	CU_ASSERT_EQUAL(s->cmdsn, 2);
	cts_session_free(s);
}

/* SendTargets answered in two Text Responses (F=0 with a TTT, then F=1). */
static void script_sendtargets(struct fake *f, int fd)
{
	static const char part1[] = "TargetName=iqn.2024-01.a:one\0"
				    "TargetAddress=10.0.0.1:3260,1\0"
				    "TargetNa";
	static const char part2[] = "me=iqn.2024-01.a:two\0"
				    "TargetAddress=[fe80::1]:3261,2";
	struct iscsi_text_rsp_f t;
	struct iscsi_pdu p;

	iscsi_pdu_init(&p);
	if (fake_recv(f, fd, &p) < 0)
		return;
	memset(&t, 0, sizeof(t));
	t.itt = iscsi_bhs_itt(&p.bhs);
	t.cont = true;
	t.ttt = 0x99;
	t.statsn = 4;
	t.exp_cmdsn = 2;
	t.max_cmdsn = 20;
	iscsi_text_rsp_pack(&p.bhs, &t);
	iscsi_pdu_set_data(&p, part1, sizeof(part1) - 1);
	fake_send(f, fd, &p);
	if (fake_recv(f, fd, &p) < 0)
		return;
	f->seen[0] = iscsi_bhs_get32(&p.bhs, 20);
	f->seen[1] = (uint32_t)p.data_len;
	t.cont = false;
	t.final = true;
	t.ttt = ISCSI_RSVD_TAG;
	t.statsn = 5;
	iscsi_text_rsp_pack(&p.bhs, &t);
	iscsi_pdu_set_data(&p, part2, sizeof(part2));
	fake_send(f, fd, &p);
	fake_read_bytes(f, fd, sizeof(f->bytes));
	iscsi_pdu_release(&p);
}

/* §11.11, App. C: a continued Text Response is fetched with the TTT and
 * SendTargets records group TargetAddress under TargetName. */
static void sendtargets_gathers_continued_text(void)
{
	struct fake f;
	struct cts_conn *c;
	struct cts_session *s;
	struct cts_target_rec *t = NULL;
	size_t n = 0;

	CU_ASSERT_FATAL(fake_start(&f, script_sendtargets, NULL) == 0);
	s = ffp_session(&f, &c);
	CU_ASSERT_FATAL(s != NULL);
	CU_ASSERT_EQUAL(cts_sendtargets(NULL, s, "All", &t, &n), CTS_IO_OK);
	cts_conn_close(c);
	fake_join(&f);
	CU_ASSERT_EQUAL(f.seen[0], 0x99);
	CU_ASSERT_EQUAL(f.seen[1], 0);
	CU_ASSERT_EQUAL_FATAL(n, 2);
	CU_ASSERT_STRING_EQUAL(t[0].name, "iqn.2024-01.a:one");
	CU_ASSERT_EQUAL(t[0].naddr, 1);
	CU_ASSERT_STRING_EQUAL(t[0].addr[0], "10.0.0.1:3260,1");
	CU_ASSERT_STRING_EQUAL(t[1].name, "iqn.2024-01.a:two");
	CU_ASSERT_STRING_EQUAL(t[1].addr[0], "[fe80::1]:3261,2");
	free(t);
	cts_session_free(s);
}

static void script_logout(struct fake *f, int fd)
{
	struct iscsi_logout_rsp_f l;
	struct iscsi_pdu p;

	iscsi_pdu_init(&p);
	if (fake_recv(f, fd, &p) < 0)
		return;
	f->seen[0] = p.bhs.flags;
	f->seen[1] = iscsi_bhs_get16(&p.bhs, 20);
	memset(&l, 0, sizeof(l));
	l.itt = iscsi_bhs_itt(&p.bhs);
	l.statsn = 9;
	l.exp_cmdsn = 1;
	l.max_cmdsn = 9;
	l.time2wait = 2;
	l.time2retain = 20;
	iscsi_logout_rsp_pack(&p.bhs, &l);
	fake_send(f, fd, &p);
	iscsi_pdu_release(&p);
}

/* §11.14/§11.15: reason code in byte 1, CID, and the response's times. */
static void logout_carries_reason_and_reads_response(void)
{
	struct iscsi_logout_rsp_f rsp;
	struct fake f;
	struct cts_conn *c;
	struct cts_session *s;

	CU_ASSERT_FATAL(fake_start(&f, script_logout, NULL) == 0);
	s = ffp_session(&f, &c);
	CU_ASSERT_FATAL(s != NULL);
	CU_ASSERT_EQUAL(cts_logout(NULL, c, ISCSI_LOGOUT_CLOSE_CONNECTION,
				   c->cid, &rsp),
			CTS_IO_OK);
	fake_join(&f);
	CU_ASSERT_EQUAL(f.seen[0], 0x81);
	CU_ASSERT_EQUAL(f.seen[1], 1);
	CU_ASSERT_EQUAL(rsp.response, 0);
	CU_ASSERT_EQUAL(rsp.time2wait, 2);
	CU_ASSERT_EQUAL(rsp.time2retain, 20);
	cts_session_free(s);
}

UNIT_SUITE(h_engine_task, "h_engine_task",
	   UNIT_TEST(read_reassembles_by_offset_with_status_in_data),
	   UNIT_TEST(response_sense_is_extracted),
	   UNIT_TEST(write_follows_r2t_within_target_mrdsl),
	   UNIT_TEST(write_sends_immediate_and_unsolicited_up_to_fbl),
	   UNIT_TEST(write_knob_sends_beyond_fbl),
	   UNIT_TEST(target_ping_answered_and_window_awaited),
	   UNIT_TEST(sendtargets_gathers_continued_text),
	   UNIT_TEST(logout_carries_reason_and_reads_response))
