/* SPDX-License-Identifier: MIT */
/*
 * login_session.c - sessions and connections at login (RFC 7143 §6.3.1,
 * §6.3.4, §6.3.5, §11.12, §13.2): the ISID types, a TSIH the target does
 * not know, session reinstatement, connection reinstatement, adding a
 * connection, and MaxConnections.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "s1_util.h"

/* Bits that keep concurrent runs of these tests apart. */
static uint32_t salt(void)
{
	return ((uint32_t)getpid() * 2654435761u) ^ (uint32_t)time(NULL);
}

/* Logs in with the given ISID; 0, -1 after a verdict. */
static int login_isid(struct cts_ctx *ctx, uint64_t isid, const char *type)
{
	struct s1_login *l = s1_open(ctx, NULL);
	char e[32], s[48];
	int rc;

	if (!l)
		return -1;
	l->s->isid = isid;
	rc = s1_to_operational(l, false);
	if (!rc)
		rc = s1_operational(l, NULL, NULL);
	if (rc < 0)
		return -1;
	if (rc > 0) {
		s1_status_str((uint16_t)rc, s, sizeof(s));
		cts_fail(ctx, "Status-Class 0", s,
			 "login with an ISID of the %s type (0x%012llx)", type,
			 (unsigned long long)isid);
		return -1;
	}
	if (l->r.f.isid != isid) {
		snprintf(e, sizeof(e), "0x%012llx", (unsigned long long)isid);
		snprintf(s, sizeof(s), "0x%012llx",
			 (unsigned long long)l->r.f.isid);
		cts_fail(ctx, e, s, "ISID of the final Login Response");
		return -1;
	}
	return 0;
}

/* ISID (§11.12.5 of 7143; 48 bits): T (2) A (6) B (16) C (8) D (16). */
CTS_TEST_D(login_isid_oui, "login.isid.oui-type", "7143 11.12", CTS_MUST,
	   "a login with an ISID of the OUI type (T=00b) is accepted",
	   "isid-type-restricted")
{
	uint32_t r = salt();

	/* 22-bit OUI in A and B, 24-bit qualifier in C and D */
	login_isid(ctx, (0x0a0b0cull << 24) | (r & 0xffffffu), "OUI");
}

CTS_TEST_D(login_isid_en, "login.isid.en-type", "7143 11.12", CTS_MUST,
	   "a login with an ISID of the EN type (T=01b) is accepted",
	   "isid-type-restricted")
{
	uint32_t r = salt();

	/* T=01b, A=0, 24-bit IANA enterprise number in B and C, D qualifier */
	login_isid(ctx, (1ull << 46) | (0x00abcdull << 16) | (r & 0xffffu),
		   "EN");
}

CTS_TEST_D(login_isid_random, "login.isid.random-type", "7143 11.12",
	   CTS_MUST, "a login with an ISID of the random type (T=10b) is "
		     "accepted and echoed",
	   "login-isid-not-echoed")
{
	uint32_t r = salt();

	login_isid(ctx, (2ull << 46) | ((uint64_t)(r & 0xffffffu) << 16) |
				0x5a5au,
		   "random");
}

CTS_TEST_D(login_unknown_tsih, "login.session.unknown-tsih", "7143 11.13.5",
	   CTS_MUST, "a login with a non-zero TSIH of no session is refused "
		     "with 0x020a",
	   "unknown-tsih-accepted")
{
	struct s1_login *l = s1_open(ctx, NULL);
	struct iscsi_text k;

	if (!l)
		return;
	l->s->tsih = 0x7e51;
	iscsi_text_init(&k);
	s1_identity(l, &k, false);
	iscsi_text_add(&k, "AuthMethod", "None");
	if (s1_step(l, 0, 1, true, &k, "Login Request with TSIH 0x7e51") == 0)
		s1_want_status(l, ISCSI_LOGIN_STATUS_NO_SESSION,
			       "Login Response to a TSIH no session has");
	iscsi_text_free(&k);
}

/* Waits for the target to close c, skipping Async Messages and NOP-Ins
 * it may send first.  True when it did. */
static bool closes(struct cts_conn *c, char *seen, size_t len)
{
	for (unsigned i = 0; i < 4; i++) {
		struct iscsi_pdu p;
		unsigned op;
		int rc;

		iscsi_pdu_init(&p);
		rc = cts_conn_recv_pdu(c, &p, S1_CLOSE_MS);
		op = iscsi_bhs_opcode(&p.bhs);
		iscsi_pdu_release(&p);
		if (rc == CTS_IO_CLOSED || rc == CTS_IO_RESET)
			return true;
		if (rc) {
			snprintf(seen, len, "%s after %u ms", cts_io_str(rc),
				 S1_CLOSE_MS);
			return false;
		}
		if (op != ISCSI_OP_ASYNC_MSG && op != ISCSI_OP_NOP_IN) {
			snprintf(seen, len, "a %s PDU", iscsi_opcode_name(op));
			return false;
		}
	}
	snprintf(seen, len, "PDUs, no close");
	return false;
}

/* A full login of a new session to u; NULL after a verdict. */
static struct s1_login *logged_in(struct cts_ctx *ctx,
				  const struct iscsi_url *u,
				  const struct iscsi_text *keys,
				  struct iscsi_text *ans)
{
	struct s1_login *l;
	int rc = s1_login(ctx, u, false, keys, ans, &l);
	char s[48];

	if (rc == 0)
		return l;
	if (rc > 0) {
		s1_status_str((uint16_t)rc, s, sizeof(s));
		cts_error(ctx, "the login was refused (%s)", s);
	}
	return NULL;
}

CTS_TEST_D(login_sess_reinst, "login.session.reinstatement", "7143 6.3.5",
	   CTS_MUST, "a leading login with the ISID and InitiatorName of a "
		     "live session (TSIH 0) replaces it: old connection "
		     "closed, new TSIH",
	   "no-session-reinstatement")
{
	struct s1_login *a = logged_in(ctx, NULL, NULL, NULL), *b;
	char seen[64];
	int rc;

	if (!a)
		return;
	b = s1_open(ctx, NULL);
	if (!b)
		return;
	b->s->isid = a->s->isid;
	rc = s1_to_operational(b, false);
	if (!rc)
		rc = s1_operational(b, NULL, NULL);
	if (rc > 0) {
		s1_status_str((uint16_t)rc, seen, sizeof(seen));
		cts_fail(ctx, "Status-Class 0", seen,
			 "reinstating login (same ISID, TSIH 0)");
	}
	if (rc)
		return;
	if (b->r.f.tsih == 0) {
		cts_fail(ctx, "a non-zero TSIH", "TSIH 0",
			 "final Login Response of the reinstating login");
		return;
	}
	if (!closes(a->c, seen, sizeof(seen)))
		cts_fail(ctx, "the old session's connection closed", seen,
			 "old session after a session reinstatement");
}

/* MaxConnections answered by the target, 0 when none came. */
static uint64_t maxconns(const struct iscsi_text *ans)
{
	const char *v = iscsi_text_find(ans, "MaxConnections");
	uint64_t x = 0;

	if (v && s1_number(v, &x) < 0)
		x = 0;
	return x;
}

/* A second connection in a's session (CID cid, or a new one if < 0)
 * logged in; 0, a status, or -1 after a verdict. */
static int second_conn(struct cts_ctx *ctx, struct s1_login *a,
		       const struct iscsi_url *u, int cid,
		       struct s1_login **out)
{
	struct s1_login *b = s1_open_in(ctx, a->s, u, cid);
	int rc;

	*out = b;
	if (!b)
		return -1;
	rc = s1_to_operational(b, false);
	return rc ? rc : s1_operational(b, NULL, NULL);
}

CTS_TEST_D(login_conn_reinst, "login.session.conn-reinstatement",
	   "7143 6.3.4", CTS_MUST,
	   "a login with the CID of a live connection of the session "
	   "replaces that connection",
	   "no-conn-reinstatement")
{
	const struct iscsi_url *u = s1_url(ctx, S1_MC);
	struct s1_login *a, *b;
	char seen[64];
	int rc;

	if (!u || !(a = logged_in(ctx, u, NULL, NULL)))
		return;
	rc = second_conn(ctx, a, u, a->c->cid, &b);
	if (rc > 0) {
		s1_status_str((uint16_t)rc, seen, sizeof(seen));
		cts_fail(ctx, "Status-Class 0", seen,
			 "login with the CID %u of a live connection",
			 a->c->cid);
	}
	if (rc)
		return;
	if (!closes(a->c, seen, sizeof(seen)))
		cts_fail(ctx, "the old connection closed", seen,
			 "connection reinstatement (same CID %u)", b->c->cid);
	else
		s1_ping(b, "NOP-Out on the reinstating connection");
}

/*
 * SHOULD, not MUST: §13.2 only says both sides negotiate the number of
 * connections acceptable; the initiator that adds one more breaks the
 * agreement, and no target MUST refuses it (0x0206 exists for this).
 */
CTS_TEST_D(login_maxconn_1, "login.session.maxconnections-enforced",
	   "7143 13.2, 11.13.5", CTS_SHOULD,
	   "with MaxConnections=1 agreed, a second connection is refused "
	   "(0x0206)",
	   "ignore-maxconnections")
{
	struct iscsi_text k, ans;
	struct s1_login *a, *b;
	char seen[48];
	int rc;

	iscsi_text_init(&k);
	iscsi_text_init(&ans);
	iscsi_text_add(&k, "MaxConnections", "1");
	a = logged_in(ctx, NULL, &k, &ans);
	iscsi_text_free(&k);
	if (a && maxconns(&ans) != 1) {
		const char *v = iscsi_text_find(&ans, "MaxConnections");

		snprintf(seen, sizeof(seen), "%s", v ? v : "none");
		cts_fail(ctx, "MaxConnections=1", seen,
			 "answer to MaxConnections=1 (min rule)");
	}
	iscsi_text_free(&ans);
	if (!a || cts_failed(ctx))
		return;
	rc = second_conn(ctx, a, NULL, -1, &b);
	if (rc < 0)
		return;
	s1_status_str((uint16_t)rc, seen, sizeof(seen));
	if (rc == ISCSI_LOGIN_STATUS_TOO_MANY_CONNS ||
	    rc == ISCSI_LOGIN_STATUS_CANT_INCLUDE)
		cts_note(ctx, "second connection refused: %s", seen);
	else
		cts_fail(ctx, "Status-Class 2 Detail 0x06 (or 0x08)", seen,
			 "second connection of a MaxConnections=1 session");
}

CTS_TEST_D(login_add_conn, "login.session.add-connection", "7143 13.2",
	   CTS_MUST, "with MaxConnections > 1 agreed, a second connection "
		     "(same ISID and TSIH, new CID) joins the session",
	   "mcs-refused")
{
	const struct iscsi_url *u = s1_url(ctx, S1_MC);
	struct iscsi_text k, ans;
	struct s1_login *a = NULL, *b;
	char seen[48];
	uint64_t n;
	int rc;

	if (!u)
		return;
	iscsi_text_init(&k);
	iscsi_text_init(&ans);
	iscsi_text_add(&k, "MaxConnections", "4");
	a = logged_in(ctx, u, &k, &ans);
	n = maxconns(&ans);
	iscsi_text_free(&k);
	iscsi_text_free(&ans);
	if (!a)
		return;
	if (n < 2) {
		cts_skip(ctx, "mc_url agreed MaxConnections=%llu",
			 (unsigned long long)n);
		return;
	}
	rc = second_conn(ctx, a, u, -1, &b);
	if (rc > 0) {
		s1_status_str((uint16_t)rc, seen, sizeof(seen));
		cts_fail(ctx, "Status-Class 0", seen,
			 "second connection of a MaxConnections=%llu session",
			 (unsigned long long)n);
	}
	if (rc)
		return;
	if (b->r.f.tsih != a->s->tsih) {
		snprintf(seen, sizeof(seen), "TSIH %u", b->r.f.tsih);
		cts_fail(ctx, "the session's TSIH", seen,
			 "final Login Response of an added connection");
		return;
	}
	if (s1_ping(a, "NOP-Out on the first connection") == 0)
		s1_ping(b, "NOP-Out on the added connection");
}
