/* SPDX-License-Identifier: MIT */
/*
 * text_ffp.c - keys in full feature phase Text Requests (RFC 7143 §6.2,
 * §13 "Use", §13.12): a renegotiated MaxRecvDataSegmentLength
 * governs the target's later PDUs, login-only keys (LO, IO) are rejected
 * while the session goes on, unknown keys are NotUnderstood, and a Text
 * Request longer than the target's MaxRecvDataSegmentLength is refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "s2_util.h"
#include "scsi.h"

static struct cts_session *ffp_login(struct cts_ctx *ctx, uint32_t mrdsl)
{
	const struct iscsi_url *u = s2_need_url(ctx, "url");

	return u ? s2_login(ctx, u, false, mrdsl) : NULL;
}

/* One key in one Text exchange; rsp gets the answer keys.  The CTS_IO_*
 * code; *rj true when a Reject PDU came instead. */
static int one_key(struct cts_ctx *ctx, struct cts_session *s,
		   const char *key, const char *value, struct iscsi_text *rsp,
		   bool *rj, uint8_t *reason)
{
	struct cts_text_result r;
	struct iscsi_text req;
	int rc;

	iscsi_text_init(&req);
	if (iscsi_text_add(&req, key, value) < 0) {
		iscsi_text_free(&req);
		return CTS_IO_ERROR;
	}
	rc = cts_text_exchange(ctx, cts_session_conn(s), &req, 0, rsp, &r);
	iscsi_text_free(&req);
	*rj = r.rejected;
	*reason = r.reject_reason;
	return rc;
}

/* ---- §13.12: MaxRecvDataSegmentLength renegotiated in FFP ------------------ */

#define FFP_NEW_MRDSL 512u
#define FFP_READ_BYTES 8192u

CTS_TEST_D(text_mrdsl_reneg, "text.ffp.mrdsl-takes-effect",
	   "7143 13.12, 6.2; 3720 12.12, 5.4", CTS_MUST,
	   "after MaxRecvDataSegmentLength=512 in a Text Request, the "
	   "target's Data-In PDUs carry at most 512 bytes",
	   "text-mrdsl-not-applied,datain-over-mrdsl")
{
	const struct iscsi_url *u = s2_need_url(ctx, "url");
	struct cts_session *s = ffp_login(ctx, 0);
	struct cts_scsi_result r;
	struct iscsi_text rsp;
	uint8_t cdb[SCSI_CDB_MAX], cap[8], *buf = NULL;
	uint32_t bs, lun;
	char v[16], seen[160];
	uint8_t reason;
	bool rj;
	int rc;

	iscsi_text_init(&rsp);
	if (!s)
		goto out;
	lun = u->has_lun && u->lun > 0 ? (uint32_t)u->lun : 0;
	scsi_cdb_read_capacity10(cdb);
	rc = s2_scsi(ctx, cts_session_conn(s), lun, NULL, cdb, 10, 8, cap, &r);
	if (rc || !r.got_status || r.status != SCSI_STATUS_GOOD) {
		s2_status_str(&r, seen, sizeof(seen));
		cts_error(ctx, "READ CAPACITY(10) on LUN %u: %s", lun, seen);
		goto out;
	}
	bs = iscsi_get32(cap + 4);
	if (bs == 0 || bs > FFP_READ_BYTES) {
		cts_error(ctx, "block size %u", bs);
		goto out;
	}
	snprintf(v, sizeof(v), "%u", FFP_NEW_MRDSL);
	rc = one_key(ctx, s, "MaxRecvDataSegmentLength", v, &rsp, &rj,
		     &reason);
	if (rc || rj) {
		cts_fail(ctx, "a Text Response", rj ? "a Reject PDU" :
			 cts_io_str(rc), "Text Request "
			 "MaxRecvDataSegmentLength=%s (declarative, Use: ALL)",
			 v);
		goto out;
	}
	buf = malloc(FFP_READ_BYTES);
	if (!buf) {
		cts_error(ctx, "out of memory");
		goto out;
	}
	scsi_cdb_read10(cdb, 0, (uint16_t)(FFP_READ_BYTES / bs), 0);
	rc = cts_scsi_read(ctx, cts_session_conn(s), lun, cdb, 10,
			   FFP_READ_BYTES, buf, &r);
	if (rc || !r.got_status || r.status != SCSI_STATUS_GOOD) {
		s2_status_str(&r, seen, sizeof(seen));
		cts_error(ctx, "READ(10) of %u bytes: %s", FFP_READ_BYTES, seen);
		goto out;
	}
	for (size_t i = 0; i < r.npdus; i++) {
		const struct cts_task_pdu *p = &r.pdus[i];

		if (p->dir != CTS_RECV ||
		    iscsi_bhs_opcode(&p->bhs) != ISCSI_OP_DATA_IN ||
		    p->data_len <= FFP_NEW_MRDSL)
			continue;
		snprintf(seen, sizeof(seen), "a Data-In of %u bytes",
			 p->data_len);
		cts_fail(ctx, "at most 512 bytes per Data-In", seen,
			 "READ(10) of %u bytes after Text "
			 "MaxRecvDataSegmentLength=512", FFP_READ_BYTES);
		goto out;
	}
	cts_note(ctx, "%u Data-In PDUs for %u bytes", r.n_data_in,
		 FFP_READ_BYTES);
out:
	free(buf);
	iscsi_text_free(&rsp);
}

/* ---- §13 "Use": login-only keys in FFP --------------------------------------- */

struct ffp_key {
	const char *key;
	char value[24];
};

/* Offers each key with the value the session already has (harmless if
 * the target took it) and wants Reject each time; then a ping. */
static void login_keys_rejected(struct cts_ctx *ctx, struct cts_session *s,
				const struct ffp_key *k, size_t n,
				const char *use)
{
	struct cts_nop_result nop;
	struct iscsi_text rsp;
	const char *ans;
	char seen[ISCSI_VALUE_MAX + 64];
	uint8_t reason;
	bool rj;
	int rc;

	for (size_t i = 0; i < n && !cts_failed(ctx); i++) {
		iscsi_text_init(&rsp);
		rc = one_key(ctx, s, k[i].key, k[i].value, &rsp, &rj, &reason);
		if (rj) {
			cts_note(ctx, "%s=%s: Reject PDU 0x%02x", k[i].key,
				 k[i].value, reason);
		} else if (rc) {
			cts_fail(ctx, "Key=Reject, session going on",
				 cts_io_str(rc), "Text Request %s=%s (%s)",
				 k[i].key, k[i].value, use);
		} else {
			ans = iscsi_text_find(&rsp, k[i].key);
			if (!ans || strcmp(ans, "Reject") != 0) {
				snprintf(seen, sizeof(seen), "%s=%s", k[i].key,
					 ans ? ans : "(no answer)");
				cts_fail(ctx, "Reject", seen,
					 "Text Response to %s=%s (%s key in "
					 "full feature phase)", k[i].key,
					 k[i].value, use);
			}
		}
		iscsi_text_free(&rsp);
	}
	if (cts_failed(ctx))
		return;
	/* the session goes on (ping data: the engine copies the echo) */
	rc = cts_nop_ping(ctx, cts_session_conn(s), "s2-ping", 8, 0, &nop);
	if (rc)
		cts_fail(ctx, "a NOP-In", cts_io_str(rc),
			 "NOP-Out ping after the rejected %s keys", use);
}

static void yn(char *buf, size_t len, bool v)
{
	snprintf(buf, len, "%s", v ? "Yes" : "No");
}

static void num(char *buf, size_t len, uint32_t v)
{
	snprintf(buf, len, "%u", v);
}

CTS_TEST_D(text_lo_keys, "text.ffp.lo-keys-rejected",
	   "7143 13, 13.2, 13.10-13.20, 6.2; 3720 12, 5.4", CTS_MUST,
	   "leading-only keys (InitialR2T, ImmediateData, MaxBurstLength, "
	   "MaxConnections, ErrorRecoveryLevel...) in a Text Request are "
	   "answered Reject and the session goes on",
	   "text-accepts-login-keys")
{
	struct cts_session *s = ffp_login(ctx, 0);
	struct ffp_key k[11] = {
		{"InitialR2T", ""},	   {"ImmediateData", ""},
		{"MaxBurstLength", ""},	   {"FirstBurstLength", ""},
		{"MaxConnections", ""},	   {"ErrorRecoveryLevel", ""},
		{"DefaultTime2Wait", ""},  {"DefaultTime2Retain", ""},
		{"MaxOutstandingR2T", ""}, {"DataPDUInOrder", ""},
		{"DataSequenceInOrder", ""},
	};
	const struct iscsi_params *a;

	if (!s)
		return;
	a = &s->agreed;
	yn(k[0].value, sizeof(k[0].value), a->initial_r2t);
	yn(k[1].value, sizeof(k[1].value), a->immediate_data);
	num(k[2].value, sizeof(k[2].value), a->max_burst);
	num(k[3].value, sizeof(k[3].value), a->first_burst);
	num(k[4].value, sizeof(k[4].value), a->max_connections);
	num(k[5].value, sizeof(k[5].value), a->erl);
	num(k[6].value, sizeof(k[6].value), a->default_time2wait);
	num(k[7].value, sizeof(k[7].value), a->default_time2retain);
	num(k[8].value, sizeof(k[8].value), a->max_outstanding_r2t);
	yn(k[9].value, sizeof(k[9].value), a->data_pdu_in_order);
	yn(k[10].value, sizeof(k[10].value), a->data_sequence_in_order);
	login_keys_rejected(ctx, s, k, 11, "LO");
}

CTS_TEST_D(text_io_keys, "text.ffp.io-keys-rejected",
	   "7143 13, 13.1; 3720 12, 12.1, 5.4", CTS_MUST,
	   "initialize-only keys (HeaderDigest, DataDigest) in a Text "
	   "Request are answered Reject and the session goes on",
	   "text-accepts-login-keys")
{
	struct cts_session *s = ffp_login(ctx, 0);
	struct ffp_key k[2] = {{"HeaderDigest", ""}, {"DataDigest", ""}};

	if (!s)
		return;
	snprintf(k[0].value, sizeof(k[0].value), "%s",
		 s->agreed.header_digest ? "CRC32C" : "None");
	snprintf(k[1].value, sizeof(k[1].value), "%s",
		 s->agreed.data_digest ? "CRC32C" : "None");
	login_keys_rejected(ctx, s, k, 2, "IO");
}

/* ---- §6.2: unknown keys --------------------------------------------------------- */

CTS_TEST_D(text_unknown_key, "text.ffp.unknown-key-not-understood",
	   "7143 6.2; 3720 5.2", CTS_MUST,
	   "an unknown key in a Text Request (X- or not) is answered "
	   "key=NotUnderstood",
	   "unknown-key-ignored")
{
	static const char *const keys[] = {"X-org.iscsi-cts.unknown",
					   "CtsNoSuchKey"};
	struct cts_session *s = ffp_login(ctx, 0);
	struct iscsi_text rsp;
	const char *ans;
	char seen[ISCSI_VALUE_MAX + 64];
	uint8_t reason;
	bool rj;
	int rc;

	for (size_t i = 0; s && i < 2 && !cts_failed(ctx); i++) {
		iscsi_text_init(&rsp);
		rc = one_key(ctx, s, keys[i], "1", &rsp, &rj, &reason);
		ans = rc ? NULL : iscsi_text_find(&rsp, keys[i]);
		if (rc || !ans || strcmp(ans, "NotUnderstood") != 0) {
			snprintf(seen, sizeof(seen), "%s",
				 rj    ? "a Reject PDU" :
				 rc    ? cts_io_str(rc) :
				 ans   ? ans :
					 "no answer for the key");
			cts_fail(ctx, "NotUnderstood", seen,
				 "Text Response to %s=1", keys[i]);
		}
		iscsi_text_free(&rsp);
	}
}

/* ---- §11.10.5: a Text Request beyond the target's MRDSL -------------------- */

#define FFP_OVERSIZE_MAX (4u << 20)

CTS_TEST_D(text_oversize, "text.request.over-target-mrdsl",
	   "7143 11.10.5, 13.12; 3720 10.10.5, 12.12", CTS_SHOULD,
	   "a Text Request whose data segment exceeds the target's "
	   "MaxRecvDataSegmentLength is refused (Reject or a dropped "
	   "connection), not answered",
	   "text-accepts-oversize")
{
	struct cts_session *s = ffp_login(ctx, 0);
	struct s2_text_req q;
	struct s2_reply r;
	struct iscsi_text t;
	struct cts_conn *c;
	uint32_t mrdsl;
	uint8_t *data = NULL;
	size_t len, n;
	char seen[160];

	s2_reply_init(&r);
	iscsi_text_init(&t);
	if (!s)
		goto out;
	c = cts_session_conn(s);
	mrdsl = s->agreed.max_recv_dsl_target ? s->agreed.max_recv_dsl_target :
						8192u;
	if (mrdsl > FFP_OVERSIZE_MAX) {
		cts_skip(ctx, "the target's MaxRecvDataSegmentLength %u is "
			      "beyond what this test sends", mrdsl);
		goto out;
	}
	/* 200-byte values: every pair is longer than 200 bytes */
	n = (mrdsl + 256u) / 200u + 1u;
	if (s2_text_pad(&t, "big", n, 200) < 0 ||
	    !(data = s2_text_bytes(&t, &len))) {
		cts_error(ctx, "out of memory");
		goto out;
	}
	memset(&q, 0, sizeof(q));
	q.itt = cts_session_next_itt(s);
	q.ttt = ISCSI_RSVD_TAG;
	q.final = true;
	q.data = data;
	q.len = len;
	if (s2_text_send(c, &q)) {
		cts_note(ctx, "the target closed while we sent (%s)",
			 cts_conn_error(c));
		goto out;
	}
	s2_text_recv(c, &r, 0);
	s2_reply_str(&r, seen, sizeof(seen));
	if (r.io == CTS_IO_CLOSED || r.io == CTS_IO_RESET ||
	    (!r.io && r.opcode == ISCSI_OP_REJECT)) {
		cts_note(ctx, "%zu-byte Text Request (target MRDSL %u): %s",
			 len, mrdsl, seen);
	} else {
		cts_fail(ctx, "a Reject or the connection closed", seen,
			 "Text Request of %zu bytes, target's "
			 "MaxRecvDataSegmentLength %u", len, mrdsl);
	}
out:
	free(data);
	iscsi_text_free(&t);
	s2_reply_free(&r);
}
