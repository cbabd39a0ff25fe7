/* SPDX-License-Identifier: MIT */
/*
 * text.c - Text Request / Text Response in full feature phase (RFC 7143
 * §11.10, §11.11): the ITT echo, the F and C bits, the Target Transfer
 * Tag that asks for the rest of a long response, a new request
 * (TTT 0xffffffff) that resets an unfinished one, and a request sent in
 * C=1 pieces.
 *
 * Long responses are made by asking about many X- keys no target knows:
 * each is answered "X-org.iscsi-cts.padNNNN=NotUnderstood" (§6.2), 38
 * bytes, so 40 of them need three PDUs at a MaxRecvDataSegmentLength of
 * 512, and the cuts fall inside a key=value pair.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "s2_util.h"

#define TEXT_MRDSL 512u /* what we declare: the smallest legal (§13.12) */
#define TEXT_NPAD 40u
#define TEXT_ROUNDS 16u

/* A normal session to url declaring MaxRecvDataSegmentLength mrdsl. */
static struct cts_session *text_login(struct cts_ctx *ctx, uint32_t mrdsl)
{
	const struct iscsi_url *u = s2_need_url(ctx, "url");

	return u ? s2_login(ctx, u, false, mrdsl) : NULL;
}

/* The 40 padding keys as request bytes (malloc'd). */
static uint8_t *pad_request(size_t *len)
{
	struct iscsi_text t;
	uint8_t *b = NULL;

	iscsi_text_init(&t);
	if (s2_text_pad(&t, "pad", TEXT_NPAD, 8) == 0)
		b = s2_text_bytes(&t, len);
	iscsi_text_free(&t);
	return b;
}

/*
 * Logs in with MaxRecvDataSegmentLength 512 and runs the padded exchange
 * to its end into x.  false after cts_error / cts_fail.
 */
static bool long_exchange(struct cts_ctx *ctx, struct s2_collect *x)
{
	struct cts_session *s = text_login(ctx, TEXT_MRDSL);
	size_t len;
	uint8_t *req;
	char why[256];
	int rc;

	if (!s)
		return false;
	req = pad_request(&len);
	if (!req) {
		cts_error(ctx, "out of memory");
		return false;
	}
	rc = s2_text_collect(cts_session_conn(s), req, len, TEXT_ROUNDS, x,
			     why, sizeof(why));
	free(req);
	if (rc < 0) {
		cts_fail(ctx, "Text Responses ending with F=1", why,
			 "Text Request of %u unknown keys, continued with the "
			 "target's TTT", TEXT_NPAD);
		return false;
	}
	return true;
}

/* Every padding key answered exactly once, NotUnderstood (§6.2). */
static void check_pad_answers(struct cts_ctx *ctx, const struct iscsi_text *t)
{
	char key[ISCSI_KEY_NAME_MAX + 1], seen[ISCSI_VALUE_MAX + 64];

	for (unsigned i = 0; i < TEXT_NPAD; i++) {
		const char *v;
		unsigned count = 0;

		snprintf(key, sizeof(key), "X-org.iscsi-cts.pad%04u", i);
		for (size_t j = 0; j < t->n; j++)
			count += strcmp(t->kv[j].key, key) == 0;
		v = iscsi_text_find(t, key);
		if (count != 1 || strcmp(v, "NotUnderstood") != 0) {
			snprintf(seen, sizeof(seen), "%u answers, first %s",
				 count, v ? v : "none");
			cts_fail(ctx, "one answer NotUnderstood", seen,
				 "joined Text Responses, key %s", key);
			return;
		}
	}
}

CTS_TEST_D(text_itt_echo, "text.response.itt-echo",
	   "7143 11.11.3; 3720 10.11.3", CTS_MUST,
	   "a Text Response carries the Initiator Task Tag of the Text "
	   "Request",
	   "text-wrong-itt")
{
	static const uint8_t req[] = "X-org.iscsi-cts.echo=1";
	struct cts_session *s = text_login(ctx, 0);
	struct s2_text_req q;
	struct s2_reply r;
	struct cts_conn *c;
	char want[32], seen[160];

	if (!s)
		return;
	c = cts_session_conn(s);
	memset(&q, 0, sizeof(q));
	q.itt = cts_session_next_itt(s);
	q.ttt = ISCSI_RSVD_TAG;
	q.final = true;
	q.data = req;
	q.len = sizeof(req);
	s2_reply_init(&r);
	if (s2_text_send(c, &q)) {
		cts_error(ctx, "Text Request: %s", cts_conn_error(c));
		return;
	}
	s2_text_recv(c, &r, 0);
	s2_reply_str(&r, seen, sizeof(seen));
	snprintf(want, sizeof(want), "ITT 0x%08x", q.itt);
	if (r.io || r.opcode != ISCSI_OP_TEXT_RSP)
		cts_fail(ctx, "a Text Response", seen, "Text Request %s",
			 want);
	else if (r.rsp.itt != q.itt)
		cts_fail(ctx, want, seen, "Text Response to a Text Request");
	s2_reply_free(&r);
}

CTS_TEST_D(text_final_ttt, "text.response.final-ttt-reserved",
	   "7143 11.11.1, 11.11.4; 3720 10.11.1, 10.11.4", CTS_MUST,
	   "a Text Response with F=1 has C=0 and TTT 0xffffffff",
	   "text-final-ttt")
{
	static const uint8_t req[] = "X-org.iscsi-cts.short=1";
	struct cts_session *s = text_login(ctx, 0);
	struct s2_collect x;
	char why[256], seen[96];

	if (!s)
		return;
	s2_collect_init(&x);
	if (s2_text_collect(cts_session_conn(s), req, sizeof(req), TEXT_ROUNDS,
			    &x, why, sizeof(why)) < 0) {
		cts_fail(ctx, "a Text Response F=1", why,
			 "Text Request F=1 of one key");
	} else if (x.last.rsp.ttt != ISCSI_RSVD_TAG || x.last.rsp.cont) {
		snprintf(seen, sizeof(seen), "F=1 C=%d TTT 0x%08x",
			 x.last.rsp.cont, x.last.rsp.ttt);
		cts_fail(ctx, "F=1 C=0 TTT 0xffffffff", seen,
			 "final Text Response");
	}
	s2_collect_free(&x);
}

CTS_TEST_D(text_split_mrdsl, "text.response.split-within-mrdsl",
	   "7143 11.11.6, 13.12; 3720 10.11.6, 12.12", CTS_MUST,
	   "no Text Response data segment exceeds the initiator's "
	   "MaxRecvDataSegmentLength (512)",
	   "text-over-initiator-mrdsl")
{
	struct s2_collect x;
	char seen[160];

	s2_collect_init(&x);
	if (long_exchange(ctx, &x)) {
		for (size_t i = 0; i < x.n; i++) {
			if (x.p[i].len <= TEXT_MRDSL)
				continue;
			snprintf(seen, sizeof(seen), "%zu bytes in piece %zu",
				 x.p[i].len, i + 1);
			cts_fail(ctx, "at most 512 bytes", seen,
				 "Text Response data");
			break;
		}
		if (!cts_failed(ctx))
			cts_note(ctx, "%zu bytes in %zu Text Responses", x.len,
				 x.n);
	}
	s2_collect_free(&x);
}

CTS_TEST_D(text_continuation, "text.response.ttt-continuation",
	   "7143 11.11.4, 11.10.4; 3720 10.11.4, 10.10.4", CTS_MUST,
	   "empty Text Requests carrying the target's TTT fetch the rest of "
	   "a long response, every key once",
	   "text-continue-restarts")
{
	struct s2_collect x;
	struct iscsi_text t;
	char why[160];

	s2_collect_init(&x);
	iscsi_text_init(&t);
	if (!long_exchange(ctx, &x))
		goto out;
	if (x.n < 2) {
		cts_fail(ctx, "several Text Responses", "one",
			 "%zu bytes of answers at MaxRecvDataSegmentLength "
			 "512", x.len);
		goto out;
	}
	if (s2_collect_text(&x, &t, why, sizeof(why)) < 0) {
		cts_fail(ctx, "key=value text", why, "joined Text Responses");
		goto out;
	}
	check_pad_answers(ctx, &t);
out:
	iscsi_text_free(&t);
	s2_collect_free(&x);
}

CTS_TEST_D(text_c_bit, "text.response.c-bit-inside-pair",
	   "7143 11.11.2, 6.1; 3720 10.11.2, 5.1", CTS_MUST,
	   "a Text Response whose data ends inside a key=value pair has "
	   "C=1; the last one has C=0",
	   "text-no-c-bit")
{
	struct s2_collect x;
	char seen[128];

	s2_collect_init(&x);
	if (!long_exchange(ctx, &x))
		goto out;
	for (size_t i = 0; i < x.n; i++) {
		bool last = i + 1 == x.n;
		const struct s2_piece *p = &x.p[i];

		if ((!p->ends_nul && p->len && !p->f.cont) ||
		    (last && p->f.cont)) {
			snprintf(seen, sizeof(seen), "C=%d on piece %zu of %zu"
				 "%s", p->f.cont, i + 1, x.n,
				 p->ends_nul ? "" : " (cut inside a pair)");
			cts_fail(ctx, last ? "C=0 on the last piece" :
					     "C=1 when cut inside a pair",
				 seen, "Text Responses of a long answer");
			goto out;
		}
	}
out:
	s2_collect_free(&x);
}

CTS_TEST_D(text_c_not_final, "text.response.c-bit-not-final",
	   "7143 11.11.1, 11.11.2; 3720 10.11.1, 10.11.2", CTS_MUST,
	   "a Text Response with C=1 has F=0, and one with F=0 has a TTT "
	   "other than 0xffffffff",
	   "text-c-with-f")
{
	struct s2_collect x;
	char seen[160];

	s2_collect_init(&x);
	if (!long_exchange(ctx, &x))
		goto out;
	for (size_t i = 0; i < x.n; i++) {
		const struct iscsi_text_rsp_f *f = &x.p[i].f;

		if ((f->cont && f->final) ||
		    (!f->final && f->ttt == ISCSI_RSVD_TAG)) {
			snprintf(seen, sizeof(seen), "F=%d C=%d TTT 0x%08x "
				 "(piece %zu)", f->final, f->cont, f->ttt,
				 i + 1);
			cts_fail(ctx, "C=1 only with F=0; F=0 with a TTT",
				 seen, "Text Responses of a long answer");
			goto out;
		}
	}
out:
	s2_collect_free(&x);
}

CTS_TEST_D(text_reset, "text.request.new-request-resets",
	   "7143 11.10.4; 3720 10.10.4", CTS_MUST,
	   "a Text Request with TTT 0xffffffff in the middle of a long "
	   "response starts afresh: only the new request is answered",
	   "text-no-reset")
{
	static const uint8_t fresh[] = "X-org.iscsi-cts.fresh=1";
	struct cts_session *s = text_login(ctx, TEXT_MRDSL);
	struct s2_text_req q;
	struct s2_reply r;
	struct s2_collect x;
	struct iscsi_text t;
	struct cts_conn *c;
	uint8_t *req = NULL;
	size_t len;
	char why[256], seen[160];

	s2_collect_init(&x);
	s2_reply_init(&r);
	iscsi_text_init(&t);
	if (!s)
		goto out;
	c = cts_session_conn(s);
	req = pad_request(&len);
	memset(&q, 0, sizeof(q));
	q.itt = x.itt = cts_session_next_itt(s);
	q.ttt = ISCSI_RSVD_TAG;
	q.final = true;
	q.data = req;
	q.len = len;
	if (!req || s2_text_send(c, &q)) {
		cts_error(ctx, "Text Request: %s", cts_conn_error(c));
		goto out;
	}
	s2_text_recv(c, &r, 0);
	s2_reply_str(&r, seen, sizeof(seen));
	if (r.io || r.opcode != ISCSI_OP_TEXT_RSP || r.rsp.final) {
		cts_fail(ctx, "a Text Response F=0 (more to come)", seen,
			 "Text Request of %u unknown keys at "
			 "MaxRecvDataSegmentLength 512", TEXT_NPAD);
		goto out;
	}
	/* the same ITT, TTT 0xffffffff: a new request (§11.10.4) */
	q.data = fresh;
	q.len = sizeof(fresh);
	if (s2_text_send(c, &q)) {
		cts_error(ctx, "Text Request: %s", cts_conn_error(c));
		goto out;
	}
	if (s2_collect_more(c, TEXT_ROUNDS, &x, why, sizeof(why)) < 0) {
		cts_fail(ctx, "Text Responses ending with F=1", why,
			 "new Text Request (TTT 0xffffffff) mid-sequence");
		goto out;
	}
	if (s2_collect_text(&x, &t, why, sizeof(why)) < 0 ||
	    t.n != 1 || !iscsi_text_find(&t, "X-org.iscsi-cts.fresh")) {
		snprintf(seen, sizeof(seen), "%zu keys, first %s", t.n,
			 t.n ? t.kv[0].key : "none");
		cts_fail(ctx, "X-org.iscsi-cts.fresh=NotUnderstood alone",
			 seen, "answer to a new Text Request (TTT 0xffffffff) "
			       "mid-sequence");
	}
out:
	free(req);
	iscsi_text_free(&t);
	s2_reply_free(&r);
	s2_collect_free(&x);
}

CTS_TEST_D(text_request_pieces, "text.request.c-bit-pieces",
	   "7143 11.10.2, 11.11.4, 6.1; 3720 10.10.2, 10.11.4, 5.1",
	   CTS_MUST,
	   "a Text Request sent in two pieces (C=1 cut inside a pair, then "
	   "C=0) is answered as one text",
	   "text-c-bit-ignored")
{
	static const char whole[] = "X-org.iscsi-cts.split=1";
	const size_t cut = 18; /* inside the key name */
	struct cts_session *s = text_login(ctx, 0);
	struct s2_text_req q;
	struct s2_reply r;
	struct s2_collect x;
	struct iscsi_text t;
	struct cts_conn *c;
	char why[256], seen[160];
	const char *v;

	s2_collect_init(&x);
	s2_reply_init(&r);
	iscsi_text_init(&t);
	if (!s)
		goto out;
	c = cts_session_conn(s);
	memset(&q, 0, sizeof(q));
	q.itt = x.itt = cts_session_next_itt(s);
	q.ttt = ISCSI_RSVD_TAG;
	q.cont = true; /* §11.10.2: C=1 needs F=0 */
	q.data = whole;
	q.len = cut;
	if (s2_text_send(c, &q)) {
		cts_error(ctx, "Text Request: %s", cts_conn_error(c));
		goto out;
	}
	s2_text_recv(c, &r, 0);
	s2_reply_str(&r, seen, sizeof(seen));
	if (r.io || r.opcode != ISCSI_OP_TEXT_RSP || r.rsp.final ||
	    r.rsp.ttt == ISCSI_RSVD_TAG) {
		cts_fail(ctx, "a Text Response F=0 with a TTT", seen,
			 "Text Request C=1 holding the first %zu bytes of a "
			 "pair", cut);
		goto out;
	}
	q.ttt = r.rsp.ttt;
	q.cont = false;
	q.final = true;
	q.data = whole + cut;
	q.len = sizeof(whole) - cut;
	if (s2_text_send(c, &q)) {
		cts_error(ctx, "Text Request: %s", cts_conn_error(c));
		goto out;
	}
	if (s2_collect_more(c, TEXT_ROUNDS, &x, why, sizeof(why)) < 0) {
		cts_fail(ctx, "Text Responses ending with F=1", why,
			 "second piece (C=0) of a Text Request");
		goto out;
	}
	v = s2_collect_text(&x, &t, why, sizeof(why)) < 0 ? NULL :
		iscsi_text_find(&t, "X-org.iscsi-cts.split");
	if (!v || strcmp(v, "NotUnderstood") != 0)
		cts_fail(ctx, "X-org.iscsi-cts.split=NotUnderstood",
			 v ? v : "no answer for the key",
			 "answer to a Text Request sent in two pieces");
out:
	iscsi_text_free(&t);
	s2_reply_free(&r);
	s2_collect_free(&x);
}
