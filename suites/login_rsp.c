/* SPDX-License-Identifier: MIT */
/*
 * login_rsp.c - the fields of Login Responses (RFC 7143 §11.13: ISID and
 * ITT echoed, TSIH, StatSN, ExpCmdSN, Version-active), the version range
 * (§11.12), who logs in to what (InitiatorName §13.5, TargetName §13.4,
 * SessionType §13.21, TargetPortalGroupTag §13.9), and failures: their
 * status (§11.13.5), no keys, the connection closed.
 */
#include <stdio.h>
#include <string.h>

#include "s1_util.h"

/* One security-stage request with the identity keys and AuthMethod=None;
 * f may change the fields first (NULL: none).  0 with the response in
 * l->r, -1 after a verdict. */
static int first_request(struct s1_login *l, bool transit,
			 void (*mod)(struct iscsi_login_req_f *f),
			 const char *what)
{
	struct iscsi_login_req_f f;
	struct iscsi_text k;
	int rc;

	iscsi_text_init(&k);
	s1_identity(l, &k, false);
	iscsi_text_add(&k, "AuthMethod", "None");
	cts_login_fields(l->s, l->c, 0, 1, transit, &f);
	if (mod)
		mod(&f);
	rc = s1_send_f(l, &f, &k);
	iscsi_text_free(&k);
	return rc ? rc : s1_recv(l, what);
}

/* A first request with the given keys only (names tests). */
static int named_request(struct s1_login *l, const struct iscsi_text *k,
			 const char *what)
{
	return s1_step(l, 0, 1, true, k, what);
}

CTS_TEST_D(login_isid_echo, "login.rsp.isid-echoed", "7143 11.13",
	   CTS_MUST, "the Login Response carries the ISID of the request",
	   "login-isid-not-echoed")
{
	struct s1_login *l = s1_open(ctx, NULL);
	char e[32], s[32];

	if (!l || first_request(l, true, NULL, "first Login Request") < 0)
		return;
	if (l->r.f.isid == l->s->isid)
		return;
	snprintf(e, sizeof(e), "0x%012llx", (unsigned long long)l->s->isid);
	snprintf(s, sizeof(s), "0x%012llx", (unsigned long long)l->r.f.isid);
	cts_fail(ctx, e, s, "ISID of the Login Response to the first request");
}

CTS_TEST_D(login_itt_echo, "login.rsp.itt-echoed", "7143 11.13", CTS_MUST,
	   "the Login Response carries the Initiator Task Tag of the request",
	   "login-itt-not-echoed")
{
	struct s1_login *l = s1_open(ctx, NULL);
	char e[16], s[16];

	if (!l || first_request(l, true, NULL, "first Login Request") < 0)
		return;
	if (l->r.f.itt == l->c->login_itt)
		return;
	snprintf(e, sizeof(e), "0x%08x", l->c->login_itt);
	snprintf(s, sizeof(s), "0x%08x", l->r.f.itt);
	cts_fail(ctx, e, s, "ITT of the Login Response to the first request");
}

CTS_TEST_D(login_tsih_zero, "login.rsp.tsih-zero-until-final", "7143 11.13",
	   CTS_MUST, "Login Responses of a leading login carry TSIH 0 until "
		     "the final one",
	   "early-tsih")
{
	struct s1_login *l = s1_open(ctx, NULL);
	char s[16];

	/* T=0 first: a response that cannot be the final one */
	if (!l || first_request(l, false, NULL, "Login Request T=0") < 0)
		return;
	if (l->r.f.tsih == 0 &&
	    s1_step(l, 0, 1, true, NULL, "Login Request T=1") == 0 &&
	    l->r.f.tsih == 0)
		return;
	if (cts_failed(ctx))
		return;
	snprintf(s, sizeof(s), "TSIH %u", l->r.f.tsih);
	cts_fail(ctx, "TSIH 0", s, "security stage Login Response of a "
				   "leading login");
}

CTS_TEST_D(login_tsih_final, "login.rsp.tsih-nonzero-final", "7143 11.13",
	   CTS_MUST, "the final Login Response of a new session carries a "
		     "non-zero TSIH",
	   "final-tsih-zero")
{
	struct s1_login *l;

	if (s1_login(ctx, NULL, false, NULL, NULL, &l) != 0) {
		if (!cts_failed(ctx))
			cts_error(ctx, "the login was refused");
		return;
	}
	if (l->r.f.tsih == 0)
		cts_fail(ctx, "a non-zero TSIH", "TSIH 0",
			 "final Login Response (T=1 NSG=3) of a new session");
}

CTS_TEST_D(login_statsn, "login.rsp.statsn-sequence", "7143 11.13",
	   CTS_MUST, "StatSN starts in the first Login Response and grows by "
		     "one per response, into full feature phase",
	   "login-statsn-stuck")
{
	struct s1_login *l = s1_open(ctx, NULL);
	struct cts_nop_result nr;
	uint32_t first, prev;
	char e[32], s[32];

	if (!l || first_request(l, false, NULL, "first Login Request") < 0)
		return;
	first = prev = l->r.f.statsn;
	if (s1_step(l, 0, 1, true, NULL, "second Login Request") < 0)
		return;
	if (l->r.f.statsn != prev + 1)
		goto bad;
	prev = l->r.f.statsn;
	if (s1_operational(l, NULL, NULL) != 0) {
		if (!cts_failed(ctx))
			cts_error(ctx, "the login was refused");
		return;
	}
	if (l->r.f.statsn != prev + 1)
		goto bad;
	prev = l->r.f.statsn;
	if (cts_nop_ping(ctx, l->c, "cts1", 4, 0, &nr)) {
		cts_fail(ctx, "a NOP-In", "none", "NOP-Out ping after login");
		return;
	}
	l->r.f.statsn = nr.in.statsn;
	if (nr.in.statsn == prev + 1)
		return;
bad:
	snprintf(e, sizeof(e), "StatSN %u", prev + 1);
	snprintf(s, sizeof(s), "StatSN %u", l->r.f.statsn);
	cts_fail(ctx, e, s, "response after a Login Response with StatSN %u "
			    "(first %u)",
		 prev, first);
}

CTS_TEST_D(login_expcmdsn, "login.rsp.expcmdsn-is-login-cmdsn",
	   "7143 4.2.2.1", CTS_MUST,
	   "a leading login's responses carry ExpCmdSN equal to its CmdSN, "
	   "the first command's number",
	   "login-expcmdsn-plus-one")
{
	struct s1_login *l = s1_open(ctx, NULL);
	struct cts_nop_result nr;
	const uint32_t sn = 0x12340;
	char e[32], s[32];

	if (!l)
		return;
	l->s->cmdsn = sn;
	if (first_request(l, true, NULL, "first Login Request") < 0)
		return;
	if (l->r.f.exp_cmdsn != sn)
		goto bad;
	if (s1_operational(l, NULL, NULL) != 0) {
		if (!cts_failed(ctx))
			cts_error(ctx, "the login was refused");
		return;
	}
	if (l->r.f.exp_cmdsn != sn)
		goto bad;
	/* the first non-immediate command carries that CmdSN */
	if (cts_nop_ping(ctx, l->c, "cts1", 4, 0, &nr) || nr.cmdsn != sn)
		cts_fail(ctx, "a NOP-In", "none",
			 "non-immediate NOP-Out with CmdSN 0x%x after login",
			 sn);
	return;
bad:
	snprintf(e, sizeof(e), "ExpCmdSN 0x%x", sn);
	snprintf(s, sizeof(s), "ExpCmdSN 0x%x", l->r.f.exp_cmdsn);
	cts_fail(ctx, e, s, "Login Response to a leading login with CmdSN "
			    "0x%x",
		 sn);
}

static void versions_1_2(struct iscsi_login_req_f *f)
{
	f->version_min = 1;
	f->version_max = 2;
}

CTS_TEST_D(login_version_none, "login.version.range-excludes-zero",
	   "7143 11.13.5", CTS_MUST,
	   "Version-min 1 / Version-max 2 (no common version) is refused "
	   "with 0x0205",
	   "version-unchecked")
{
	struct s1_login *l = s1_open(ctx, NULL);

	if (l && first_request(l, true, versions_1_2,
			       "Login Request Version-min 1 Version-max 2") == 0)
		s1_want_status(l, ISCSI_LOGIN_STATUS_NO_VERSION,
			       "Login Response to Version-min 1 "
			       "Version-max 2");
}

CTS_TEST_D(login_version_active, "login.version.active-zero", "7143 11.13",
	   CTS_MUST, "Version-active is 0x00 when the initiator offers "
		     "versions 0x00 to 0x00",
	   "version-active-wrong")
{
	struct s1_login *l = s1_open(ctx, NULL);
	char s[32];

	if (!l || first_request(l, true, NULL, "first Login Request") < 0 ||
	    s1_want_status(l, 0, "first Login Response") < 0)
		return;
	if (l->r.f.version_active == 0)
		return;
	snprintf(s, sizeof(s), "0x%02x", l->r.f.version_active);
	cts_fail(ctx, "Version-active 0x00", s,
		 "Login Response to Version-min 0 Version-max 0");
}

CTS_TEST_D(login_no_iname, "login.name.initiatorname-missing", "7143 13.5",
	   CTS_MUST, "a first Login Request without InitiatorName is refused "
		     "with 0x0207",
	   "no-initiatorname-check")
{
	struct s1_login *l = s1_open(ctx, NULL);
	struct iscsi_text k;

	if (!l)
		return;
	iscsi_text_init(&k);
	s1_keys(&k, "SessionType=Normal", "AuthMethod=None", NULL);
	iscsi_text_add(&k, "TargetName", l->u->target);
	if (named_request(l, &k, "Login Request without InitiatorName") == 0)
		s1_want_status(l, ISCSI_LOGIN_STATUS_MISSING_PARAM,
			       "Login Response to a first Login Request "
			       "without InitiatorName");
	iscsi_text_free(&k);
}

CTS_TEST_D(login_no_tname, "login.name.targetname-missing", "7143 13.4",
	   CTS_MUST, "a normal session's first Login Request without "
		     "TargetName is refused with 0x0207",
	   "no-targetname-status")
{
	struct s1_login *l = s1_open(ctx, NULL);
	struct iscsi_text k;

	if (!l)
		return;
	iscsi_text_init(&k);
	iscsi_text_add(&k, "InitiatorName", CTS_INITIATOR_NAME);
	s1_keys(&k, "SessionType=Normal", "AuthMethod=None", NULL);
	if (named_request(l, &k, "Login Request without TargetName") == 0)
		s1_want_status(l, ISCSI_LOGIN_STATUS_MISSING_PARAM,
			       "Login Response to a normal session's first "
			       "Login Request without TargetName");
	iscsi_text_free(&k);
}

CTS_TEST_D(login_unknown_tname, "login.name.targetname-unknown",
	   "7143 11.13.5", CTS_MUST,
	   "a login to a TargetName the target does not have is refused "
	   "with 0x0203",
	   "target-not-found-status")
{
	struct s1_login *l = s1_open(ctx, NULL);
	struct iscsi_text k;

	if (!l)
		return;
	iscsi_text_init(&k);
	iscsi_text_add(&k, "InitiatorName", CTS_INITIATOR_NAME);
	s1_keys(&k, "SessionType=Normal", "AuthMethod=None",
		"TargetName=iqn.2024-01.org.iscsi-cts:no-such-target", NULL);
	if (named_request(l, &k, "Login Request with an unknown TargetName") ==
	    0)
		s1_want_status(l, ISCSI_LOGIN_STATUS_TGT_NOT_FOUND,
			       "Login Response to an unknown TargetName");
	iscsi_text_free(&k);
}

CTS_TEST_D(login_bad_stype, "login.name.sessiontype-invalid", "7143 13.21",
	   CTS_MUST, "an undefined SessionType is refused (Status-Class 2 or "
		     "SessionType=Reject)",
	   "sessiontype-unchecked")
{
	struct s1_login *l = s1_open(ctx, NULL);
	struct iscsi_text k;
	const char *a;

	if (!l)
		return;
	iscsi_text_init(&k);
	iscsi_text_add(&k, "InitiatorName", CTS_INITIATOR_NAME);
	iscsi_text_add(&k, "TargetName", l->u->target);
	s1_keys(&k, "SessionType=Sideways", "AuthMethod=None", NULL);
	if (named_request(l, &k, "Login Request SessionType=Sideways") < 0)
		goto out;
	a = iscsi_text_find(&l->r.keys, "SessionType");
	if (s1_status(l) == 0 && a && strcmp(a, ISCSI_REJECT) == 0) {
		cts_note(ctx, "SessionType=Reject answered");
		goto out;
	}
	if (s1_status(l) == 0) {
		cts_fail(ctx, "Status-Class 2 or SessionType=Reject",
			 "Status-Class 0, the login goes on",
			 "Login Response to SessionType=Sideways");
		goto out;
	}
	s1_want_class(l, 2, "Login Response to SessionType=Sideways");
out:
	iscsi_text_free(&k);
}

CTS_TEST_D(login_disc_no_tname, "login.name.discovery-without-targetname",
	   "7143 13.4", CTS_MUST,
	   "a discovery session logs in without TargetName",
	   "discovery-needs-targetname")
{
	const struct iscsi_url *u = s1_url(ctx, S1_DISCOVERY);
	int rc;

	if (!u)
		return;
	rc = s1_login(ctx, u, true, NULL, NULL, NULL);
	if (rc > 0) {
		char s[48];

		s1_status_str((uint16_t)rc, s, sizeof(s));
		cts_fail(ctx, "Status-Class 0, full feature phase", s,
			 "discovery login without TargetName");
	}
}

CTS_TEST_D(login_tpgt, "login.name.tpgt-in-first-response", "7143 13.9",
	   CTS_MUST, "the first Login Response of a normal session declares "
		     "TargetPortalGroupTag (0..65535)",
	   "no-tpgt")
{
	struct s1_login *l = s1_open(ctx, NULL);
	const char *v;
	uint64_t x;

	if (!l || first_request(l, false, NULL, "first Login Request") < 0 ||
	    s1_want_status(l, 0, "first Login Response") < 0)
		return;
	v = iscsi_text_find(&l->r.keys, "TargetPortalGroupTag");
	if (!v)
		cts_fail(ctx, "TargetPortalGroupTag=<tag>", "no such key",
			 "first Login Response of a normal session");
	else if (s1_number(v, &x) < 0 || x > 65535)
		cts_fail(ctx, "a number 0..65535", v,
			 "TargetPortalGroupTag in the first Login Response");
}

/* A first request that fails: unknown TargetName. */
static int failing_request(struct s1_login *l)
{
	struct iscsi_text k;
	int rc;

	iscsi_text_init(&k);
	iscsi_text_add(&k, "InitiatorName", CTS_INITIATOR_NAME);
	s1_keys(&k, "SessionType=Normal", "AuthMethod=None",
		"TargetName=iqn.2024-01.org.iscsi-cts:no-such-target", NULL);
	rc = named_request(l, &k, "Login Request with an unknown TargetName");
	iscsi_text_free(&k);
	if (rc == 0 && s1_status(l) == 0) {
		cts_error(l->ctx, "a login to an unknown target succeeded");
		return -1;
	}
	return rc;
}

CTS_TEST_D(login_fail_no_keys, "login.fail.no-keys", "7143 11.13.5",
	   CTS_MUST, "a failing Login Response carries no keys and T=0",
	   "login-fail-with-keys")
{
	struct s1_login *l = s1_open(ctx, NULL);

	if (l && failing_request(l) == 0)
		s1_want_no_keys(l, "failing Login Response (unknown target)");
}

CTS_TEST_D(login_fail_close, "login.fail.connection-closed",
	   "7143 11.13.5", CTS_MUST,
	   "the target closes the connection after a failing Login Response",
	   "login-fail-keeps-connection")
{
	struct s1_login *l = s1_open(ctx, NULL);

	if (l && failing_request(l) == 0)
		s1_want_closed(l, "after a failing Login Response");
}

CTS_TEST_D(login_nonlogin_pdu, "login.pdu.non-login-during-login",
	   "7143 6.3", CTS_MUST,
	   "a non-login PDU during the login phase ends the login (Status-"
	   "Class 2, or the connection closed), unanswered",
	   "login-nonlogin-ignored")
{
	struct s1_login *l = s1_open(ctx, NULL);
	struct iscsi_nop_out_f f;
	struct iscsi_pdu p;
	int rc;

	if (!l || first_request(l, false, NULL, "first Login Request") < 0)
		return;
	memset(&f, 0, sizeof(f));
	f.immediate = true;
	f.itt = 0x5151;
	f.ttt = ISCSI_RSVD_TAG;
	f.cmdsn = l->s->cmdsn;
	f.exp_statsn = l->c->exp_statsn;
	iscsi_pdu_init(&p);
	iscsi_nop_out_pack(&p.bhs, &f);
	rc = cts_conn_send_pdu(l->c, &p);
	iscsi_pdu_release(&p);
	if (rc) {
		cts_error(ctx, "sending a NOP-Out: %s", cts_io_str(rc));
		return;
	}
	rc = cts_login_recv(ctx, l->c, &l->r, S1_RSP_MS);
	if (rc == CTS_IO_CLOSED || rc == CTS_IO_RESET) {
		cts_note(ctx, "the target closed the connection");
		return;
	}
	if (rc) {
		cts_fail(ctx, "a Login reject or a closed connection",
			 cts_io_str(rc), "NOP-Out during the login phase");
		return;
	}
	if (l->r.opcode != ISCSI_OP_LOGIN_RSP) {
		cts_fail(ctx, "a Login reject or a closed connection",
			 iscsi_opcode_name(l->r.opcode),
			 "NOP-Out during the login phase");
		return;
	}
	s1_want_class(l, 2, "Login Response to a NOP-Out during the login "
			    "phase");
}
