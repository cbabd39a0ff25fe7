/* SPDX-License-Identifier: MIT */
/*
 * test_tgt_conn.c - the reference target's connection layer (conn.c,
 * conn_tx.c) and server life cycle, through tests/unit/tgt_fixture.h.
 *
 * The rules are RFC 7143's framing rules (§11.1) and the target's own
 * robustness rules (target.h): a peer never makes the target exit, memory
 * stays bounded, a connection closes cleanly whatever its state.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "codec.h"
#include "crc32c.h"
#include "server_int.h"
#include "tgt_fixture.h"
#include "unit.h"

/* A first Login Request, security stage, AuthMethod=None, T=1 to stage 1. */
static size_t login_bytes(uint8_t *buf, size_t cap)
{
	static const char keys[] = "InitiatorName=" FIXTURE_INITIATOR "\0"
				   "TargetName=" FIXTURE_TARGET "\0"
				   "SessionType=Normal\0"
				   "AuthMethod=None";
	struct iscsi_login_req_f f;
	struct iscsi_digests dg = {false, false};
	struct iscsi_pdu pdu;
	char err[128];
	ssize_t n;

	memset(&f, 0, sizeof(f));
	f.transit = true;
	f.csg = 0;
	f.nsg = 1;
	f.isid = FIXTURE_ISID;
	f.itt = 0x77;
	f.cmdsn = 1;
	iscsi_pdu_init(&pdu);
	iscsi_login_req_pack(&pdu.bhs, &f);
	iscsi_pdu_set_data(&pdu, keys, sizeof(keys));
	n = iscsi_pdu_encode(&pdu, &dg, buf, cap, err, sizeof(err));
	iscsi_pdu_release(&pdu);
	return n < 0 ? 0 : (size_t)n;
}

static struct fixture *fx_new(unsigned idle_ms)
{
	struct fixture_opts o;
	struct fixture *fx;

	memset(&o, 0, sizeof(o));
	o.idle_timeout_ms = idle_ms;
	o.login_timeout_ms = 5000;
	fx = fixture_new(&o);
	CU_ASSERT_PTR_NOT_NULL_FATAL(fx);
	return fx;
}

/* §11.1: a BHS whose DataSegmentLength exceeds what the target accepts
 * cannot be framed; the target closes the connection. */
static void conn_unframeable_pdu_closes_connection(void)
{
	struct fixture *fx = fx_new(0);
	uint8_t bhs[ISCSI_BHS_LEN];

	memset(bhs, 0, sizeof(bhs));
	bhs[0] = ISCSI_OP_LOGIN_REQ | ISCSI_OP_IMMEDIATE;
	iscsi_put24(bhs + 5, 0xfffff0); /* 16 MiB data segment */
	CU_ASSERT_EQUAL(fixture_send_raw(fx, bhs, sizeof(bhs)), 0);
	CU_ASSERT_EQUAL(fixture_wait_closed(fx, 2000), 0);
	fixture_step(fx, 5);
	CU_ASSERT_PTR_NULL(fixture_server_conn(fx));
	CU_ASSERT_EQUAL(fixture_server_nconns(fx), 0);
	fixture_free(fx);
}

/* §11.1: PDUs are framed from the byte stream whatever the segment
 * boundaries: a Login Request sent one byte at a time is answered. */
static void conn_pdu_split_into_single_bytes(void)
{
	struct fixture *fx = fx_new(0);
	struct iscsi_pdu rsp;
	uint8_t buf[512];
	size_t len = login_bytes(buf, sizeof(buf)), i;

	CU_ASSERT_FATAL(len > ISCSI_BHS_LEN);
	for (i = 0; i < len; i++)
		CU_ASSERT_EQUAL_FATAL(fixture_send_raw(fx, buf + i, 1), 0);
	CU_ASSERT_EQUAL_FATAL(fixture_recv_pdu(fx, &rsp, 2000), 0);
	CU_ASSERT_EQUAL(iscsi_bhs_opcode(&rsp.bhs), ISCSI_OP_LOGIN_RSP);
	CU_ASSERT_EQUAL(iscsi_bhs_itt(&rsp.bhs), 0x77);
	iscsi_pdu_release(&rsp);
	fixture_free(fx);
}

/* Two PDUs in one segment are both handled, in order (§11.1). */
static void conn_two_pdus_in_one_write(void)
{
	struct fixture *fx = fx_new(0);
	struct iscsi_pdu rsp;
	uint8_t buf[1024];
	size_t len = login_bytes(buf, sizeof(buf));

	/* The second copy is a continuation of the login with the same ITT:
	 * either answered or refused, but read. */
	memcpy(buf + len, buf, len);
	CU_ASSERT_EQUAL(fixture_send_raw(fx, buf, 2 * len), 0);
	CU_ASSERT_EQUAL_FATAL(fixture_recv_pdu(fx, &rsp, 2000), 0);
	CU_ASSERT_EQUAL(iscsi_bhs_opcode(&rsp.bhs), ISCSI_OP_LOGIN_RSP);
	iscsi_pdu_release(&rsp);
	CU_ASSERT_NOT_EQUAL(fixture_recv_pdu(fx, &rsp, 2000), -1);
	iscsi_pdu_release(&rsp);
	fixture_free(fx);
}

/* target.h: a PDU started and never completed closes the connection after
 * the idle timeout (bounded resources per connection). */
static void conn_stalled_partial_pdu_times_out(void)
{
	struct fixture *fx = fx_new(100);
	uint8_t buf[512];
	size_t len = login_bytes(buf, sizeof(buf));

	CU_ASSERT_EQUAL(fixture_send_raw(fx, buf, len - 5), 0);
	fixture_step(fx, 20);
	CU_ASSERT_PTR_NOT_NULL(fixture_server_conn(fx)); /* not yet */
	CU_ASSERT_EQUAL(fixture_wait_closed(fx, 3000), 0);
	fixture_step(fx, 5);
	CU_ASSERT_EQUAL(fixture_server_nconns(fx), 0);
	fixture_free(fx);
}

/* A PDU that completes in time does not trip the idle timeout. */
static void conn_slow_but_complete_pdu_survives(void)
{
	struct fixture *fx = fx_new(300);
	struct iscsi_pdu rsp;
	uint8_t buf[512];
	size_t len = login_bytes(buf, sizeof(buf));

	CU_ASSERT_EQUAL(fixture_send_raw(fx, buf, 30), 0);
	fixture_step(fx, 100);
	CU_ASSERT_EQUAL(fixture_send_raw(fx, buf + 30, len - 30), 0);
	CU_ASSERT_EQUAL_FATAL(fixture_recv_pdu(fx, &rsp, 2000), 0);
	iscsi_pdu_release(&rsp);
	fixture_step(fx, 400);
	CU_ASSERT_PTR_NOT_NULL(fixture_server_conn(fx));
	fixture_free(fx);
}

/* §6.3: a non-login PDU first ends the connection; login.c closes it from
 * inside its handler and the PDU after it in the same segment is never
 * handled (no answer, no use after free). */
static void conn_close_inside_handler_is_safe(void)
{
	struct fixture *fx = fx_new(0);
	struct iscsi_nop_out_f nf;
	struct iscsi_digests dg = {false, false};
	struct iscsi_pdu pdu, rsp;
	uint8_t buf[1024];
	char err[128];
	ssize_t n;

	memset(&nf, 0, sizeof(nf));
	nf.immediate = true;
	nf.itt = 1;
	nf.ttt = ISCSI_RSVD_TAG;
	iscsi_pdu_init(&pdu);
	iscsi_nop_out_pack(&pdu.bhs, &nf);
	n = iscsi_pdu_encode(&pdu, &dg, buf, sizeof(buf), err, sizeof(err));
	CU_ASSERT_FATAL(n == ISCSI_BHS_LEN);
	n += (ssize_t)login_bytes(buf + n, sizeof(buf) - (size_t)n);
	CU_ASSERT_EQUAL(fixture_send_raw(fx, buf, (size_t)n), 0);
	CU_ASSERT_EQUAL(fixture_recv_pdu(fx, &rsp, 2000), -2);
	fixture_step(fx, 5);
	CU_ASSERT_EQUAL(fixture_server_nconns(fx), 0);
	fixture_free(fx);
}

/* An end of stream in the middle of a PDU closes the connection. */
static void conn_eof_inside_pdu_closes(void)
{
	struct fixture *fx = fx_new(0);

	CU_ASSERT_EQUAL(fixture_send_raw(fx, "\x43\x87\x00", 3), 0);
	fixture_disconnect(fx);
	fixture_step(fx, 20);
	CU_ASSERT_EQUAL(fixture_server_nconns(fx), 0);
	fixture_free(fx);
}

static unsigned released;
static void count_release(void *arg)
{
	(void)arg;
	released++;
}

#define MANY 2000u

/* Queued PDUs go out whole and in order across partial writes; each data
 * buffer is released once written (target.h conn_send). */
static void conn_many_queued_pdus_in_order(void)
{
	static uint8_t data[4096];
	struct fixture *fx = fx_new(0);
	struct tgt_conn *c = fixture_server_conn(fx);
	struct iscsi_pdu rsp;
	unsigned i, got = 0;
	bool in_order = true, sizes_ok = true;

	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	memset(data, 0xa5, sizeof(data));
	released = 0;
	for (i = 0; i < MANY; i++) {
		struct iscsi_bhs bhs;

		memset(&bhs, 0, sizeof(bhs));
		bhs.opcode = ISCSI_OP_DATA_IN;
		iscsi_bhs_set_itt(&bhs, i);
		CU_ASSERT_EQUAL_FATAL(conn_send(c, &bhs, NULL, 0, data,
						sizeof(data) - (i % 4),
						count_release, NULL),
				      0);
	}
	/* 8 MB cannot fit in a socketpair: the rest waits in the queue. */
	CU_ASSERT(c->txq != NULL);
	CU_ASSERT(c->io_mask & LOOP_WRITE);
	while (got < MANY && fixture_recv_pdu(fx, &rsp, 2000) == 0) {
		if (iscsi_bhs_itt(&rsp.bhs) != got)
			in_order = false;
		if (rsp.data_len != sizeof(data) - (got % 4))
			sizes_ok = false;
		got++;
		iscsi_pdu_release(&rsp);
	}
	CU_ASSERT_EQUAL(got, MANY);
	CU_ASSERT(in_order);
	CU_ASSERT(sizes_ok);
	CU_ASSERT_EQUAL(released, MANY);
	CU_ASSERT_PTR_NULL(c->txq);
	CU_ASSERT_EQUAL(c->tx_bytes, 0);
	CU_ASSERT_FALSE(c->io_mask & LOOP_WRITE); /* interest dropped */
	fixture_free(fx);
}

/* §13.1: with digests on, every queued PDU carries a header digest over
 * BHS+AHS and a data digest over data plus padding. */
static void conn_send_applies_digests(void)
{
	static const uint8_t data[5] = {1, 2, 3, 4, 5};
	struct fixture *fx = fx_new(0);
	struct tgt_conn *c = fixture_server_conn(fx);
	struct iscsi_bhs bhs;
	struct iscsi_pdu rsp;

	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	c->dg.header = c->dg.data = true;
	fixture_set_digests(fx, true, true);
	memset(&bhs, 0, sizeof(bhs));
	bhs.opcode = ISCSI_OP_NOP_IN;
	CU_ASSERT_EQUAL(conn_send_copy(c, &bhs, data, sizeof(data)), 0);
	CU_ASSERT_EQUAL_FATAL(fixture_recv_pdu(fx, &rsp, 2000), 0);
	CU_ASSERT(rsp.hdigest_present && rsp.hdigest_ok);
	CU_ASSERT(rsp.ddigest_present && rsp.ddigest_ok);
	CU_ASSERT_EQUAL(rsp.data_len, 5);
	CU_ASSERT_EQUAL(memcmp(rsp.data, data, 5), 0);
	iscsi_pdu_release(&rsp);
	fixture_free(fx);
}

/* target.h: conn_close_after_tx writes what is queued, then closes; a PDU
 * queued after it is refused and its buffer released at once. */
static void conn_close_after_tx_drains_then_closes(void)
{
	struct fixture *fx = fx_new(0);
	struct tgt_conn *c = fixture_server_conn(fx);
	struct iscsi_bhs bhs;
	struct iscsi_pdu rsp;

	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	memset(&bhs, 0, sizeof(bhs));
	bhs.opcode = ISCSI_OP_LOGOUT_RSP;
	c->in_rx = 1; /* as inside a handler: queue without writing */
	CU_ASSERT_EQUAL(conn_send(c, &bhs, NULL, 0, NULL, 0, NULL, NULL), 0);
	conn_close_after_tx(c);
	released = 0;
	CU_ASSERT_EQUAL(conn_send(c, &bhs, NULL, 0, (const uint8_t *)"x", 1,
				  count_release, NULL),
			-1);
	CU_ASSERT_EQUAL(released, 1);
	c->in_rx = 0;
	conn_flush(c);
	CU_ASSERT_EQUAL_FATAL(fixture_recv_pdu(fx, &rsp, 2000), 0);
	CU_ASSERT_EQUAL(iscsi_bhs_opcode(&rsp.bhs), ISCSI_OP_LOGOUT_RSP);
	iscsi_pdu_release(&rsp);
	CU_ASSERT_EQUAL(fixture_wait_closed(fx, 2000), 0);
	fixture_free(fx);
}

/* target.h conn_migrate: a moved connection processes nothing until it
 * runs on its new loop, and keeps the bytes it had received. */
static void conn_migrate_keeps_bytes_and_waits(void)
{
	struct tgt_server srv;
	struct tgt_config cfg;
	struct tgt_conn *c;
	char err[256];
	uint8_t buf[512], rsp[64];
	size_t len = login_bytes(buf, sizeof(buf));
	int sv[2], i;
	ssize_t n = -1;

	config_init(&cfg);
	CU_ASSERT_EQUAL_FATAL(config_add_cli(&cfg, CONFIG_OPT_TARGET,
					     FIXTURE_TARGET, err, sizeof(err)),
			      0);
	CU_ASSERT_EQUAL_FATAL(config_add_cli(&cfg, CONFIG_OPT_LUN,
					     "0:/tmp/tgt-conn-migrate.img:1M",
					     err, sizeof(err)),
			      0);
	CU_ASSERT_EQUAL_FATAL(config_finish(&cfg, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(server_init(&srv, &cfg, 2, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	c = conn_new(&srv, srv.reactors[0].loop, sv[0], NULL, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	/* Half the PDU reaches loop 0, then the connection moves. */
	CU_ASSERT_EQUAL((size_t)write(sv[1], buf, 20), 20);
	loop_run_once(srv.reactors[0].loop, 100);
	CU_ASSERT_EQUAL(conn_migrate(c, srv.reactors[1].loop), 0);
	CU_ASSERT_EQUAL(srv.reactors[0].nconns, 0);
	CU_ASSERT((size_t)write(sv[1], buf + 20, len - 20) == len - 20);
	loop_run_once(srv.reactors[0].loop, 20);
	CU_ASSERT_EQUAL(recv(sv[1], rsp, sizeof(rsp), MSG_DONTWAIT), -1);
	/* On loop 1 the login goes on from the bytes kept. */
	for (i = 0; i < 50 && n <= 0; i++) {
		loop_run_once(srv.reactors[1].loop, 20);
		n = recv(sv[1], rsp, sizeof(rsp), MSG_DONTWAIT);
	}
	CU_ASSERT_EQUAL(srv.reactors[1].nconns, 1);
	CU_ASSERT_FATAL(n >= (ssize_t)ISCSI_BHS_LEN);
	CU_ASSERT_EQUAL(rsp[0] & 0x3f, ISCSI_OP_LOGIN_RSP);
	close(sv[1]);
	server_fini(&srv);
	unlink("/tmp/tgt-conn-migrate.img");
}

/* target.h server_fini: connections in every state, sessions and LUNs are
 * all freed (checked under ASan). */
static void conn_shutdown_frees_everything(void)
{
	struct fixture *fx = fx_new(0);
	uint8_t buf[512];
	size_t len = login_bytes(buf, sizeof(buf));

	CU_ASSERT_EQUAL(fixture_send_raw(fx, buf, len), 0); /* in login */
	CU_ASSERT(fixture_connect(fx) >= 0);
	CU_ASSERT_EQUAL(fixture_send_raw(fx, buf, 10), 0); /* partial PDU */
	CU_ASSERT(fixture_connect(fx) >= 0);		   /* idle */
	fixture_step(fx, 10);
	CU_ASSERT_EQUAL(fixture_server_nconns(fx), 3);
	fixture_free(fx); /* ASan reports any leak */
}

/* Server life cycle: the session table hands out unique non-zero TSIHs
 * (§11.13.4) and finds sessions by TSIH until they are freed. */
static void server_tsih_unique_nonzero(void)
{
	struct fixture *fx = fx_new(0);
	struct tgt_session *a, *b;

	a = server_session_new(&fx->srv, fx->srv.reactors[0].loop);
	b = server_session_new(&fx->srv, fx->srv.reactors[0].loop);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	CU_ASSERT_NOT_EQUAL(a->tsih, 0);
	CU_ASSERT_NOT_EQUAL(b->tsih, 0);
	CU_ASSERT_NOT_EQUAL(a->tsih, b->tsih);
	CU_ASSERT_PTR_EQUAL(server_session_by_tsih(&fx->srv, b->tsih), b);
	server_session_close(a, "test");
	CU_ASSERT_PTR_NULL(server_session_by_tsih(&fx->srv, 0));
	CU_ASSERT_PTR_EQUAL(server_session_by_tsih(&fx->srv, b->tsih), b);
	fixture_free(fx); /* frees b */
}

/* IET's /proc/net/iet/volume layout for the fixture's LUN 0. */
static void control_volume_status_layout(void)
{
	struct fixture *fx = fx_new(0);
	char *buf = NULL, expect[512];
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	CU_ASSERT_EQUAL(control_status(&fx->srv, TGT_STATUS_VOLUME, out), 0);
	fclose(out);
	snprintf(expect, sizeof(expect),
		 "tid:1 name:%s\n\tlun:0 state:0 iotype:fileio iomode:wb "
		 "blocks:8192 blocksize:512 path:%s\n",
		 FIXTURE_TARGET, fx->lun_path);
	CU_ASSERT_STRING_EQUAL(buf, expect);
	free(buf);
	fixture_free(fx);
}

/* §6.3: a normal-session login through the fixture reaches full feature
 * phase with a non-zero TSIH (§11.13.4); status shows the session in
 * IET's /proc/net/iet/session layout. */
static void conn_login_reaches_ffp_and_status(void)
{
	struct fixture *fx = fx_new(0);
	struct tgt_conn *c;
	char *buf = NULL, expect[512];
	size_t len = 0;
	FILE *out;

	CU_ASSERT_EQUAL_FATAL(fixture_login(fx, NULL), 0);
	c = fixture_server_conn(fx);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(c->state, CONN_FFP);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c->sess);
	CU_ASSERT_NOT_EQUAL(fx->tsih, 0);
	CU_ASSERT_EQUAL(c->sess->tsih, fx->tsih);
	out = open_memstream(&buf, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	CU_ASSERT_EQUAL(control_status(&fx->srv, TGT_STATUS_SESSION, out), 0);
	fclose(out);
	snprintf(expect, sizeof(expect),
		 "tid:1 name:%s\n\tsid:%llu initiator:%s\n"
		 "\t\tcid:0 ip:127.0.0.1 state:active hd:none dd:none\n",
		 FIXTURE_TARGET,
		 (unsigned long long)(FIXTURE_ISID << 16 | fx->tsih),
		 FIXTURE_INITIATOR);
	CU_ASSERT_STRING_EQUAL(buf, expect);
	free(buf);
	fixture_free(fx);
}

/* §12.1.3: the fixture's CHAP login (one-way and mutual) succeeds. */
static void conn_login_with_mutual_chap(void)
{
	struct fixture_opts o;
	struct fixture *fx;

	memset(&o, 0, sizeof(o));
	o.chap_user = "user1";
	o.chap_secret = "secret-of-16-byte";
	o.mutual_user = "target1";
	o.mutual_secret = "other-secret-16b";
	fx = fixture_new(&o);
	CU_ASSERT_PTR_NOT_NULL_FATAL(fx);
	CU_ASSERT_EQUAL(fixture_login(fx, NULL), 0);
	if (fx->err[0])
		fprintf(stderr, "fixture: %s\n", fx->err);
	CU_ASSERT_PTR_NOT_NULL(fixture_server_conn(fx));
	fixture_free(fx);
}

/* A NOP-Out ping (§11.18) with ping data, digests as on the link. */
static int send_nop_out(struct fixture *fx, uint32_t itt, const void *data,
			size_t len)
{
	struct iscsi_nop_out_f nf;
	struct iscsi_pdu pdu;
	int rc;

	memset(&nf, 0, sizeof(nf));
	nf.immediate = true;
	nf.itt = itt;
	nf.ttt = ISCSI_RSVD_TAG;
	nf.cmdsn = fx->cmdsn;
	nf.exp_statsn = fixture_exp_statsn(fx);
	iscsi_pdu_init(&pdu);
	iscsi_nop_out_pack(&pdu.bhs, &nf);
	if (len)
		iscsi_pdu_set_data(&pdu, data, len);
	rc = fixture_send_pdu(fx, &pdu);
	iscsi_pdu_release(&pdu);
	return rc;
}

static struct fixture *fx_digests(const char *erl)
{
	const char *ks[4] = {"HeaderDigest=CRC32C", "DataDigest=CRC32C", erl,
			     NULL};
	struct fixture_opts o;
	struct fixture *fx;

	memset(&o, 0, sizeof(o));
	o.keys[0] = "HeaderDigest=CRC32C,None";
	o.keys[1] = "DataDigest=CRC32C,None";
	o.keys[2] = erl;
	fx = fixture_new(&o);
	CU_ASSERT_PTR_NOT_NULL_FATAL(fx);
	CU_ASSERT_EQUAL_FATAL(fixture_login(fx, ks), 0);
	CU_ASSERT_FATAL(fx->agreed.header_digest && fx->agreed.data_digest);
	return fx;
}

/* §7.8: after a header digest error the header cannot be trusted and no
 * later PDU boundary can be found: the target closes the connection. */
static void conn_header_digest_error_closes(void)
{
	struct fixture *fx = fx_digests("ErrorRecoveryLevel=0");
	struct iscsi_nop_out_f nf;
	struct iscsi_pdu pdu;
	uint8_t buf[128];
	ssize_t n;

	memset(&nf, 0, sizeof(nf));
	nf.immediate = true;
	nf.itt = 9;
	nf.ttt = ISCSI_RSVD_TAG;
	nf.cmdsn = fx->cmdsn;
	iscsi_pdu_init(&pdu);
	iscsi_nop_out_pack(&pdu.bhs, &nf);
	n = iscsi_pdu_encode(&pdu, &fx->link[0].dg, buf, sizeof(buf), fx->err,
			     sizeof(fx->err));
	CU_ASSERT_EQUAL_FATAL(n, ISCSI_BHS_LEN + 4);
	buf[ISCSI_BHS_LEN] ^= 0x01; /* corrupt the header digest */
	CU_ASSERT_EQUAL(fixture_send_raw(fx, buf, (size_t)n), 0);
	CU_ASSERT_EQUAL(fixture_wait_closed(fx, 2000), 0);
	fixture_free(fx);
}

/* §7.8: at ErrorRecoveryLevel 1 a data digest error is answered with a
 * Reject, reason 0x02, and the connection stays; the next ping works. */
static void conn_data_digest_error_rejected_at_erl1(void)
{
	struct fixture *fx = fx_digests("ErrorRecoveryLevel=1");
	struct iscsi_nop_out_f nf;
	struct iscsi_pdu pdu, rsp;
	uint8_t buf[128];
	ssize_t n;

	CU_ASSERT_EQUAL_FATAL(fx->agreed.erl, 1);
	memset(&nf, 0, sizeof(nf));
	nf.immediate = true;
	nf.itt = 10;
	nf.ttt = ISCSI_RSVD_TAG;
	nf.cmdsn = fx->cmdsn;
	nf.exp_statsn = fixture_exp_statsn(fx);
	iscsi_pdu_init(&pdu);
	iscsi_nop_out_pack(&pdu.bhs, &nf);
	iscsi_pdu_set_data(&pdu, "pingdata", 8);
	n = iscsi_pdu_encode(&pdu, &fx->link[0].dg, buf, sizeof(buf), fx->err,
			     sizeof(fx->err));
	iscsi_pdu_release(&pdu);
	CU_ASSERT_EQUAL_FATAL(n, ISCSI_BHS_LEN + 4 + 8 + 4);
	buf[n - 1] ^= 0x80; /* corrupt the data digest */
	CU_ASSERT_EQUAL(fixture_send_raw(fx, buf, (size_t)n), 0);
	CU_ASSERT_EQUAL_FATAL(fixture_recv_pdu(fx, &rsp, 2000), 0);
	CU_ASSERT_EQUAL(iscsi_bhs_opcode(&rsp.bhs), ISCSI_OP_REJECT);
	CU_ASSERT_EQUAL(rsp.bhs.opspec1[0], 0x02); /* byte 2: reason */
	iscsi_pdu_release(&rsp);
	CU_ASSERT_EQUAL(send_nop_out(fx, 11, "ok", 2), 0);
	CU_ASSERT_EQUAL_FATAL(fixture_recv_pdu(fx, &rsp, 2000), 0);
	CU_ASSERT_EQUAL(iscsi_bhs_opcode(&rsp.bhs), ISCSI_OP_NOP_IN);
	CU_ASSERT_EQUAL(iscsi_bhs_itt(&rsp.bhs), 11);
	iscsi_pdu_release(&rsp);
	fixture_free(fx);
}

/* IET NOPInterval/NOPTimeout: an idle connection is pinged with a NOP-In
 * (ITT 0xffffffff, a TTT to echo, §11.19) and closed when the ping stays
 * unanswered. */
static void conn_nop_ping_then_timeout(void)
{
	struct fixture *fx = fx_new(0);
	struct iscsi_pdu rsp;

	fx->srv.cfg.targets[0].nop_interval = 1; /* seconds */
	fx->srv.cfg.targets[0].nop_timeout = 1;
	CU_ASSERT_EQUAL_FATAL(fixture_login(fx, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(fixture_recv_pdu(fx, &rsp, 2500), 0);
	CU_ASSERT_EQUAL(iscsi_bhs_opcode(&rsp.bhs), ISCSI_OP_NOP_IN);
	CU_ASSERT_EQUAL(iscsi_bhs_itt(&rsp.bhs), ISCSI_RSVD_TAG);
	CU_ASSERT_NOT_EQUAL(iscsi_bhs_get32(&rsp.bhs, 20), ISCSI_RSVD_TAG);
	iscsi_pdu_release(&rsp);
	CU_ASSERT_EQUAL(fixture_wait_closed(fx, 2500), 0);
	fixture_free(fx);
}

UNIT_SUITE(tgt_conn, "target/conn",
	   UNIT_TEST(conn_unframeable_pdu_closes_connection),
	   UNIT_TEST(conn_pdu_split_into_single_bytes),
	   UNIT_TEST(conn_two_pdus_in_one_write),
	   UNIT_TEST(conn_stalled_partial_pdu_times_out),
	   UNIT_TEST(conn_slow_but_complete_pdu_survives),
	   UNIT_TEST(conn_close_inside_handler_is_safe),
	   UNIT_TEST(conn_eof_inside_pdu_closes),
	   UNIT_TEST(conn_many_queued_pdus_in_order),
	   UNIT_TEST(conn_send_applies_digests),
	   UNIT_TEST(conn_close_after_tx_drains_then_closes),
	   UNIT_TEST(conn_migrate_keeps_bytes_and_waits),
	   UNIT_TEST(conn_shutdown_frees_everything),
	   UNIT_TEST(server_tsih_unique_nonzero),
	   UNIT_TEST(control_volume_status_layout),
	   UNIT_TEST(conn_login_reaches_ffp_and_status),
	   UNIT_TEST(conn_login_with_mutual_chap),
	   UNIT_TEST(conn_header_digest_error_closes),
	   UNIT_TEST(conn_data_digest_error_rejected_at_erl1),
	   UNIT_TEST(conn_nop_ping_then_timeout))
