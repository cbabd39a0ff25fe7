/* SPDX-License-Identifier: MIT */
/*
 * login_stage.c - login stages and the T and C bits (RFC 7143 §6.3,
 * §11.12.1-§11.12.3, §11.13): what the target does with T=1 C=1, with a
 * text continued over C=1 requests (also split inside a key=value pair
 * and up to 8192 bytes in one PDU), with requests that do not ask to
 * transit, with reserved or backward NSGs, and with a login that skips
 * the security stage.
 */
#include <stdio.h>
#include <string.h>

#include "profile.h"
#include "s1_util.h"

/* Serialized "k=v\0..." of t into buf; its length, 0 when too long. */
static size_t flat(const struct iscsi_text *t, uint8_t *buf, size_t len)
{
	ssize_t n = iscsi_text_serialize(t, buf, len);

	return n > 0 ? (size_t)n : 0;
}

/*
 * SHOULD: §11.12.2's MUST (C=1 requires T=0) binds the initiator; the RFC
 * names no target answer to the violation (§7.3: protocol errors are
 * fixed in the implementation; Status-Class 2 is the tool it gives).
 */
CTS_TEST_D(login_t_and_c, "login.stage.t-and-c-both-set",
	   "7143 11.12.2, 7.3", CTS_SHOULD,
	   "a Login Request with T=1 and C=1 (an initiator error) is refused "
	   "with Status-Class 2",
	   "login-accept-t-with-c")
{
	struct s1_login *l = s1_open(ctx, NULL);
	struct iscsi_text k;

	if (!l)
		return;
	iscsi_text_init(&k);
	s1_identity(l, &k, false);
	iscsi_text_add(&k, "AuthMethod", "None");
	if (s1_send(l, 0, 1, true, true, &k) == 0 &&
	    s1_recv(l, "Login Request T=1 C=1") == 0)
		s1_want_class(l, 2, "Login Response to a Login Request with "
				    "T=1 and C=1");
	iscsi_text_free(&k);
}

CTS_TEST_D(login_cont_empty, "login.stage.continue-empty-response",
	   "7143 11.12.2", CTS_MUST,
	   "a Login Request with C=1 is answered by an empty Login Response "
	   "and the keys of all pieces are answered at the end",
	   "login-cont-dropped")
{
	struct s1_login *l = s1_open(ctx, NULL);
	struct iscsi_text a, b;

	if (!l)
		return;
	iscsi_text_init(&a);
	iscsi_text_init(&b);
	s1_identity(l, &a, false);
	iscsi_text_add(&b, "AuthMethod", "None");
	if (s1_send(l, 0, 1, false, true, &a) < 0 ||
	    s1_recv(l, "Login Request C=1 (first piece)") < 0 ||
	    s1_want_status(l, 0, "Login Response to a C=1 Login Request") < 0)
		goto out;
	if (l->r.pdu.data_len || l->r.f.cont || l->r.f.transit) {
		char seen[64];

		snprintf(seen, sizeof(seen), "DSL %zu C=%d T=%d",
			 l->r.pdu.data_len, l->r.f.cont, l->r.f.transit);
		cts_fail(ctx, "DSL 0 C=0 T=0", seen,
			 "Login Response to a C=1 Login Request");
		goto out;
	}
	if (s1_step(l, 0, 1, true, &b, "Login Request C=0 (last piece)") < 0 ||
	    s1_want_status(l, 0, "Login Response to the last piece of a "
				 "text continued with C=1") < 0)
		goto out;
	if (!iscsi_text_find(&l->r.keys, "AuthMethod"))
		cts_fail(ctx, "AuthMethod answered", "no AuthMethod",
			 "Login Response to a text continued with C=1");
out:
	iscsi_text_free(&a);
	iscsi_text_free(&b);
}

CTS_TEST_D(login_split_pair, "login.stage.key-split-across-pdus",
	   "7143 11.12.2", CTS_MUST,
	   "a key=value pair split between two C=1 Login Requests is "
	   "reassembled",
	   "login-cont-dropped")
{
	struct s1_login *l = s1_open(ctx, NULL);
	struct iscsi_login_req_f f;
	struct iscsi_text k;
	uint8_t buf[1024];
	size_t n, cut;

	if (!l)
		return;
	iscsi_text_init(&k);
	s1_identity(l, &k, false);
	iscsi_text_add(&k, "AuthMethod", "None");
	n = flat(&k, buf, sizeof(buf));
	iscsi_text_free(&k);
	/* cut in the middle of InitiatorName's value */
	cut = strlen("InitiatorName=") + 5;
	if (n <= cut) {
		cts_error(ctx, "login text too short to split");
		return;
	}
	cts_login_fields(l->s, l->c, 0, 1, false, &f);
	f.cont = true;
	if (cts_login_send_data(ctx, l->c, &f, buf, cut) ||
	    s1_recv(l, "Login Request C=1 ending inside a value") < 0 ||
	    s1_want_status(l, 0, "Login Response to a C=1 Login Request") < 0)
		return;
	cts_login_fields(l->s, l->c, 0, 1, true, &f);
	if (cts_login_send_data(ctx, l->c, &f, buf + cut, n - cut) ||
	    s1_recv(l, "Login Request with the rest of the text") < 0)
		return;
	if (s1_want_status(l, 0, "Login Response after InitiatorName was "
				 "split between two Login Requests") == 0 &&
	    !l->r.f.transit)
		cts_note(ctx, "the target answered T=0 (not ready to transit)");
}

/* Identity, AuthMethod=None and X- padding keys: exactly `size` bytes. */
static void padded_text(const struct s1_login *l, struct iscsi_text *t,
			size_t size)
{
	char key[32], val[ISCSI_VALUE_MAX + 1];
	size_t len, rem, v;
	unsigned i = 0;

	s1_identity(l, t, false);
	iscsi_text_add(t, "AuthMethod", "None");
	len = iscsi_text_len(t);
	while (len < size) {
		rem = size - len;
		snprintf(key, sizeof(key), "X-org.iscsi-cts.pad%02u", i++);
		/* key=value\0: strlen(key) + 2 bytes of overhead */
		v = rem - strlen(key) - 2;
		/* leave room for one more whole pair when not the last */
		if (v > ISCSI_VALUE_MAX + 40)
			v = ISCSI_VALUE_MAX;
		else if (v > ISCSI_VALUE_MAX)
			v /= 2;
		memset(val, 'p', v);
		val[v] = '\0';
		iscsi_text_add(t, key, val);
		len = iscsi_text_len(t);
	}
}

CTS_TEST_D(login_text_8192, "login.stage.text-8192-bytes", "7143 6.1",
	   CTS_MUST, "a Login Request carrying 8192 bytes of text is accepted",
	   "login-text-limit-4096")
{
	struct s1_login *l = s1_open(ctx, NULL);
	struct iscsi_text k;

	if (!l)
		return;
	iscsi_text_init(&k);
	padded_text(l, &k, 8192);
	if (iscsi_text_len(&k) != 8192) {
		cts_error(ctx, "padding built %zu bytes", iscsi_text_len(&k));
	} else if (s1_step(l, 0, 1, true, &k,
			   "Login Request with 8192 bytes of text") == 0) {
		s1_want_status(l, 0, "Login Response to a Login Request "
				     "with 8192 bytes of text");
	}
	iscsi_text_free(&k);
}

CTS_TEST_D(login_no_t_sec, "login.stage.no-transit-unasked-security",
	   "7143 11.13", CTS_MUST,
	   "the target sets T=1 only when the Login Request had T=1 "
	   "(security stage)",
	   "transit-unasked")
{
	struct s1_login *l = s1_open(ctx, NULL);
	struct iscsi_text k;

	if (!l)
		return;
	iscsi_text_init(&k);
	s1_identity(l, &k, false);
	iscsi_text_add(&k, "AuthMethod", "None");
	if (s1_step(l, 0, 1, false, &k, "Login Request CSG=0 T=0") == 0 &&
	    s1_want_status(l, 0, "Login Response to CSG=0 T=0") == 0 &&
	    l->r.f.transit)
		cts_fail(ctx, "T=0", "T=1",
			 "Login Response to a Login Request CSG=0 T=0");
	iscsi_text_free(&k);
}

CTS_TEST_D(login_no_t_op, "login.stage.no-transit-unasked-operational",
	   "7143 11.13", CTS_MUST,
	   "the target sets T=1 only when the Login Request had T=1 "
	   "(operational stage)",
	   "transit-unasked")
{
	struct s1_login *l = s1_open(ctx, NULL);
	struct iscsi_text k;

	if (!l || s1_need_operational(l) < 0)
		return;
	iscsi_text_init(&k);
	iscsi_text_add(&k, "MaxRecvDataSegmentLength", "8192");
	if (s1_step(l, 1, 3, false, &k, "Login Request CSG=1 T=0") == 0 &&
	    s1_want_status(l, 0, "Login Response to CSG=1 T=0") == 0 &&
	    l->r.f.transit)
		cts_fail(ctx, "T=0", "T=1",
			 "Login Response to a Login Request CSG=1 T=0");
	iscsi_text_free(&k);
}

CTS_TEST_D(login_nsg_2, "login.stage.nsg-reserved", "7143 11.12.3",
	   CTS_MUST, "a transit to the reserved stage 2 is refused with "
		     "Status-Class 2",
	   "login-any-transit")
{
	struct s1_login *l = s1_open(ctx, NULL);
	struct iscsi_text k;

	if (!l)
		return;
	iscsi_text_init(&k);
	s1_identity(l, &k, false);
	iscsi_text_add(&k, "AuthMethod", "None");
	if (s1_step(l, 0, 2, true, &k, "Login Request CSG=0 NSG=2 T=1") == 0)
		s1_want_class(l, 2, "Login Response to a Login Request "
				    "CSG=0 NSG=2 T=1");
	iscsi_text_free(&k);
}

CTS_TEST_D(login_backward, "login.stage.transit-backward", "7143 11.12.3",
	   CTS_MUST, "a transit from the operational back to the security "
		     "stage is refused with Status-Class 2",
	   "login-any-transit")
{
	struct s1_login *l = s1_open(ctx, NULL);

	if (!l || s1_need_operational(l) < 0)
		return;
	if (s1_step(l, 1, 0, true, NULL, "Login Request CSG=1 NSG=0 T=1") == 0)
		s1_want_class(l, 2, "Login Response to a Login Request "
				    "CSG=1 NSG=0 T=1");
}

CTS_TEST_D(login_skip_sec, "login.stage.security-optional", "7143 6.3",
	   CTS_MUST, "a target that needs no authentication accepts a login "
		     "that starts in the operational stage",
	   "login-require-security")
{
	struct s1_login *l;
	struct iscsi_text k, ans;
	int rc;

	if (cts_profile(ctx) && cts_profile(ctx)->requires_chap) {
		cts_skip(ctx, "the profile says the target requires CHAP");
		return;
	}
	l = s1_open(ctx, NULL);
	if (!l)
		return;
	iscsi_text_init(&k);
	iscsi_text_init(&ans);
	s1_identity(l, &k, false);
	rc = s1_operational(l, &k, &ans);
	if (rc > 0) {
		char s[48];

		s1_status_str((uint16_t)rc, s, sizeof(s));
		cts_fail(ctx, "Status-Class 0 and T=1 NSG=3", s,
			 "Login Request CSG=1 NSG=3 T=1 as the first request");
	}
	iscsi_text_free(&k);
	iscsi_text_free(&ans);
}
