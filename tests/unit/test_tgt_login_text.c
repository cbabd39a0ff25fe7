/* SPDX-License-Identifier: MIT */
/*
 * test_tgt_login_text.c - the reference target's Text Requests in full
 * feature phase (tgt_text.c): SendTargets (RFC 7143 §13.3, Appendix C),
 * continuation with C/F and TTT (§11.10, §11.11), renegotiation (§13.12)
 * and login-only keys refused (§13 "Use").
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_tgt_login_util.h"
#include "unit.h"

#define T_ITT 0x5000u

/* Log in (normal or discovery) and give the server end a local address
 * (socketpairs have none): 127.0.0.1:3260. */
static struct fixture *text_fixture(bool discovery, unsigned *tpgt)
{
	static const char *const disc[] = {"SessionType=Discovery", NULL};
	struct fixture *fx = fixture_new(NULL);
	struct sockaddr_in *sin;
	struct tgt_conn *c;

	if (!fx)
		return NULL;
	if (fixture_login(fx, discovery ? disc : NULL) < 0) {
		fixture_free(fx);
		return NULL;
	}
	c = fixture_server_conn(fx);
	if (!c) {
		fixture_free(fx);
		return NULL;
	}
	sin = (struct sockaddr_in *)&c->local;
	memset(&c->local, 0, sizeof(c->local));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(3260);
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	*tpgt = server_find_target(&fx->srv, FIXTURE_TARGET)->tpgt;
	return fx;
}

static int st_exchange(struct fixture *fx, const char *key,
		       struct iscsi_text_rsp_f *f, struct iscsi_text *kv)
{
	const char *keys[] = {key, NULL};

	iscsi_text_init(kv);
	if (tt_send(fx, true, false, T_ITT, 0xffffffffu, keys) < 0)
		return -1;
	return tt_recv(fx, f, kv, NULL);
}

/* Appendix C: SendTargets=All in a discovery session lists each target
 * as TargetName then TargetAddress=addr:port,tpgt, never 0.0.0.0. */
static void sendtargets_all_in_discovery(void)
{
	struct iscsi_text_rsp_f f;
	struct iscsi_text kv;
	unsigned tpgt;
	char want[64];
	struct fixture *fx = text_fixture(true, &tpgt);

	CU_ASSERT_FATAL(fx != NULL);
	CU_ASSERT_EQUAL_FATAL(st_exchange(fx, "SendTargets=All", &f, &kv), 0);
	CU_ASSERT_TRUE(f.final);
	CU_ASSERT_EQUAL(f.ttt, 0xffffffffu);
	CU_ASSERT_EQUAL(f.itt, T_ITT);
	CU_ASSERT_FATAL(kv.n >= 2);
	CU_ASSERT_STRING_EQUAL(kv.kv[0].key, "TargetName");
	CU_ASSERT_STRING_EQUAL(kv.kv[0].value, FIXTURE_TARGET);
	CU_ASSERT_STRING_EQUAL(kv.kv[1].key, "TargetAddress");
	snprintf(want, sizeof(want), "127.0.0.1:3260,%u", tpgt);
	CU_ASSERT_STRING_EQUAL(kv.kv[1].value, want);
	for (size_t i = 0; i < kv.n; i++)
		CU_ASSERT_PTR_NULL(strstr(kv.kv[i].value, "0.0.0.0"));
	iscsi_text_free(&kv);
	fixture_free(fx);
}

/* §13.3: "All" only in discovery (Reject in a normal session); empty
 * value: the session's target; a misspelled value: Reject. */
static void sendtargets_normal_session(void)
{
	struct iscsi_text_rsp_f f;
	struct iscsi_text kv;
	unsigned tpgt;
	struct fixture *fx = text_fixture(false, &tpgt);

	CU_ASSERT_FATAL(fx != NULL);
	CU_ASSERT_EQUAL_FATAL(st_exchange(fx, "SendTargets=All", &f, &kv), 0);
	CU_ASSERT_STRING_EQUAL(iscsi_text_find(&kv, "SendTargets") ?: "",
			       "Reject");
	CU_ASSERT_PTR_NULL(iscsi_text_find(&kv, "TargetName"));
	iscsi_text_free(&kv);
	CU_ASSERT_EQUAL_FATAL(st_exchange(fx, "SendTargets=", &f, &kv), 0);
	CU_ASSERT_STRING_EQUAL(iscsi_text_find(&kv, "TargetName") ?: "",
			       FIXTURE_TARGET);
	CU_ASSERT_PTR_NOT_NULL(iscsi_text_find(&kv, "TargetAddress"));
	iscsi_text_free(&kv);
	CU_ASSERT_EQUAL_FATAL(st_exchange(fx, "SendTargets=Alle", &f, &kv), 0);
	CU_ASSERT_STRING_EQUAL(iscsi_text_find(&kv, "SendTargets") ?: "",
			       "Reject");
	iscsi_text_free(&kv);
	fixture_free(fx);
}

/* §13.3: SendTargets=<name> answers that target; §6.1 keys are case
 * sensitive: "sENDtARGETS" is not understood. */
static void sendtargets_by_name_and_case(void)
{
	struct iscsi_text_rsp_f f;
	struct iscsi_text kv;
	unsigned tpgt;
	struct fixture *fx = text_fixture(true, &tpgt);

	CU_ASSERT_FATAL(fx != NULL);
	CU_ASSERT_EQUAL_FATAL(st_exchange(fx, "SendTargets=" FIXTURE_TARGET,
					  &f, &kv),
			      0);
	CU_ASSERT_STRING_EQUAL(iscsi_text_find(&kv, "TargetName") ?: "",
			       FIXTURE_TARGET);
	iscsi_text_free(&kv);
	CU_ASSERT_EQUAL_FATAL(st_exchange(fx, "sENDtARGETS=aLL", &f, &kv), 0);
	CU_ASSERT_STRING_EQUAL(iscsi_text_find(&kv, "sENDtARGETS") ?: "",
			       "NotUnderstood");
	iscsi_text_free(&kv);
	fixture_free(fx);
}

/* §11.11, §13.12: a response over the initiator's MRDSL comes in C=1
 * pieces with a TTT; empty requests carrying it fetch the rest; the last
 * piece has F=1 and TTT 0xffffffff. */
static void sendtargets_split_by_mrdsl(void)
{
	struct tgt_portal *p;
	struct tgt_conn *c;
	unsigned tpgt;
	struct fixture *fx = text_fixture(true, &tpgt);
	const char *keys[] = {"SendTargets=All", NULL};
	uint8_t all[8192];
	size_t have = 0, n0;
	int pieces = 0;
	struct iscsi_text kv;

	CU_ASSERT_FATAL(fx != NULL);
	/* 16 IPv6 portals: far more than 512 bytes of TargetAddress */
	p = realloc(fx->srv.cfg.portals, 16 * sizeof(*p));
	CU_ASSERT_FATAL(p != NULL);
	n0 = fx->srv.cfg.nportals;
	for (size_t i = n0; i < 16; i++) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&p[i].addr;

		memset(&p[i], 0, sizeof(p[i]));
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(3260);
		inet_pton(AF_INET6, "2001:db8:1234:5678:9abc:def0:1234:5678",
			  &s6->sin6_addr);
		s6->sin6_addr.s6_addr[15] = (uint8_t)i;
		p[i].addrlen = sizeof(*s6);
	}
	fx->srv.cfg.portals = p;
	fx->srv.cfg.nportals = 16;
	c = fixture_server_conn(fx);
	CU_ASSERT_FATAL(c != NULL);
	c->max_xmit_dsl = 512;
	CU_ASSERT_EQUAL_FATAL(tt_send(fx, true, false, T_ITT, 0xffffffffu,
				      keys),
			      0);
	for (;;) {
		struct iscsi_pdu pdu;
		struct iscsi_text_rsp_f f;

		iscsi_pdu_init(&pdu);
		CU_ASSERT_EQUAL_FATAL(fixture_recv_pdu(fx, &pdu, TL_TIMEOUT),
				      0);
		CU_ASSERT_EQUAL(iscsi_bhs_opcode(&pdu.bhs), ISCSI_OP_TEXT_RSP);
		iscsi_text_rsp_unpack(&pdu.bhs, &f);
		CU_ASSERT(pdu.data_len <= 512);
		CU_ASSERT_FATAL(have + pdu.data_len <= sizeof(all));
		memcpy(all + have, pdu.data, pdu.data_len);
		have += pdu.data_len;
		iscsi_pdu_release(&pdu);
		pieces++;
		if (!f.cont) {
			CU_ASSERT_TRUE(f.final);
			CU_ASSERT_EQUAL(f.ttt, 0xffffffffu);
			break;
		}
		CU_ASSERT_FALSE(f.final);
		CU_ASSERT_NOT_EQUAL(f.ttt, 0xffffffffu);
		CU_ASSERT_FATAL(pieces < 20);
		CU_ASSERT_EQUAL_FATAL(tt_send(fx, true, false, T_ITT, f.ttt,
					      NULL),
				      0);
	}
	CU_ASSERT(pieces >= 2);
	iscsi_text_init(&kv);
	CU_ASSERT_FATAL(iscsi_text_parse(&kv, all, have, NULL, 0) >= 0);
	CU_ASSERT_EQUAL(kv.n, 17); /* TargetName + 16 TargetAddress */
	CU_ASSERT_PTR_NOT_NULL(strchr(kv.kv[16].value, '['));
	iscsi_text_free(&kv);
	fixture_free(fx);
}

/* §11.10.4: a new request (TTT 0xffffffff) in the middle of a sequence
 * resets it and is answered afresh. */
static void text_new_request_resets_sequence(void)
{
	struct tgt_conn *c;
	unsigned tpgt;
	struct fixture *fx = text_fixture(true, &tpgt);
	const char *keys[] = {"SendTargets=All", NULL};
	struct iscsi_text_rsp_f f;
	struct iscsi_text kv;
	size_t dsl;

	CU_ASSERT_FATAL(fx != NULL);
	c = fixture_server_conn(fx);
	CU_ASSERT_FATAL(c != NULL);
	/* F=0: the target must answer F=0 with a TTT (§11.11.1) */
	CU_ASSERT_EQUAL_FATAL(tt_send(fx, false, false, T_ITT, 0xffffffffu,
				      keys),
			      0);
	iscsi_text_init(&kv);
	CU_ASSERT_EQUAL_FATAL(tt_recv(fx, &f, &kv, &dsl), 0);
	CU_ASSERT_FALSE(f.final);
	CU_ASSERT_NOT_EQUAL(f.ttt, 0xffffffffu);
	iscsi_text_free(&kv);
	CU_ASSERT_EQUAL_FATAL(tt_send(fx, true, false, T_ITT + 1, 0xffffffffu,
				      keys),
			      0);
	iscsi_text_init(&kv);
	CU_ASSERT_EQUAL_FATAL(tt_recv(fx, &f, &kv, &dsl), 0);
	CU_ASSERT_TRUE(f.final);
	CU_ASSERT_EQUAL(f.itt, T_ITT + 1);
	CU_ASSERT_STRING_EQUAL(iscsi_text_find(&kv, "TargetName") ?: "",
			       FIXTURE_TARGET);
	iscsi_text_free(&kv);
	fixture_free(fx);
}

/* §13.12: MaxRecvDataSegmentLength renegotiated in FFP applies to later
 * PDUs; §13: LO keys in FFP are answered Reject, the session goes on. */
static void text_renegotiation(void)
{
	struct iscsi_text_rsp_f f;
	struct iscsi_text kv;
	unsigned tpgt;
	struct fixture *fx = text_fixture(false, &tpgt);
	struct tgt_conn *c;

	CU_ASSERT_FATAL(fx != NULL);
	CU_ASSERT_EQUAL_FATAL(st_exchange(fx, "MaxRecvDataSegmentLength=1024",
					  &f, &kv),
			      0);
	CU_ASSERT_PTR_NULL(iscsi_text_find(&kv, "MaxRecvDataSegmentLength"));
	iscsi_text_free(&kv);
	c = fixture_server_conn(fx);
	CU_ASSERT_FATAL(c != NULL);
	CU_ASSERT_EQUAL(c->max_xmit_dsl, 1024);
	CU_ASSERT_EQUAL_FATAL(st_exchange(fx, "MaxBurstLength=4096", &f, &kv),
			      0);
	CU_ASSERT_STRING_EQUAL(iscsi_text_find(&kv, "MaxBurstLength") ?: "",
			       "Reject");
	iscsi_text_free(&kv);
	CU_ASSERT_EQUAL_FATAL(st_exchange(fx, "SendTargets=", &f, &kv), 0);
	CU_ASSERT_STRING_EQUAL(iscsi_text_find(&kv, "TargetName") ?: "",
			       FIXTURE_TARGET);
	iscsi_text_free(&kv);
	fixture_free(fx);
}

UNIT_SUITE(tgt_login_text, "tgt/login/text",
	   UNIT_TEST(sendtargets_all_in_discovery),
	   UNIT_TEST(sendtargets_normal_session),
	   UNIT_TEST(sendtargets_by_name_and_case),
	   UNIT_TEST(sendtargets_split_by_mrdsl),
	   UNIT_TEST(text_new_request_resets_sequence),
	   UNIT_TEST(text_renegotiation));
