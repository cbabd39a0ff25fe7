/* SPDX-License-Identifier: MIT */
/*
 * nop.c - NOP-Out and NOP-In (RFC 7143 §11.18, §11.19): a ping (valid
 * ITT, TTT 0xffffffff) is answered by a NOP-In with the same ITT, TTT
 * 0xffffffff and the same data; ITT 0xffffffff asks for no answer and
 * must be immediate; ping data beyond the target's
 * MaxRecvDataSegmentLength is an error; a NOP-Out answering an unknown
 * TTT does not hurt the session; the NOP-In's StatSN is the next one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "s3_util.h"
#include "scsi.h"

/*
 * Pings with len bytes of pattern and checks the echo: NOP-In with our
 * ITT, TTT 0xffffffff, DataSegmentLength len and the same bytes.
 */
static void ping_echo(struct cts_ctx *ctx, size_t len)
{
	struct cts_session *s = s3_login(ctx, NULL, NULL);
	struct cts_conn *c;
	struct iscsi_pdu p;
	uint8_t *data;
	uint32_t itt;
	char e[64], seen[160];
	int rc;

	if (!s)
		return;
	c = cts_session_conn(s);
	if (len > s->agreed.max_recv_dsl_target) {
		cts_skip(ctx,
			 "the target's MaxRecvDataSegmentLength %u is "
			 "below %zu",
			 s->agreed.max_recv_dsl_target, len);
		return;
	}
	data = malloc(len ? len : 1);
	if (!data) {
		cts_error(ctx, "out of memory");
		return;
	}
	s3_pattern(data, len, (unsigned)len);
	itt = cts_session_next_itt(s);
	iscsi_pdu_init(&p);
	rc = s3_send_nop(c, itt, ISCSI_RSVD_TAG, s->cmdsn++, c->exp_statsn,
			 false, data, len);
	if (!rc)
		rc = cts_conn_recv_for(c, itt, &p, 1000);
	if (rc) {
		cts_fail(ctx, "NOP-In", cts_io_str(rc),
			 "NOP-Out ping ITT 0x%x with %zu data bytes", itt, len);
		goto out;
	}
	s3_describe(&p, seen, sizeof(seen));
	if (iscsi_bhs_opcode(&p.bhs) != ISCSI_OP_NOP_IN) {
		snprintf(e, sizeof(e), "NOP-In ITT 0x%x", itt);
		cts_fail(ctx, e, seen, "NOP-Out ping with %zu data bytes", len);
	} else if (iscsi_bhs_get32(&p.bhs, 20) != ISCSI_RSVD_TAG) {
		/* §11.19: a NOP-In answering a ping has TTT 0xffffffff */
		snprintf(seen, sizeof(seen), "TTT 0x%x",
			 iscsi_bhs_get32(&p.bhs, 20));
		cts_fail(ctx, "TTT 0xffffffff", seen,
			 "NOP-In answering ping ITT 0x%x", itt);
	} else if (p.data_len != len) {
		/* §11.18.3: the ping data is returned in the NOP-In */
		snprintf(e, sizeof(e), "%zu data bytes", len);
		snprintf(seen, sizeof(seen), "%zu data bytes", p.data_len);
		cts_fail(ctx, e, seen, "NOP-In answering ping ITT 0x%x", itt);
	} else if (len && memcmp(p.data, data, len) != 0) {
		size_t at = 0;

		while (at < len && p.data[at] == data[at])
			at++;
		snprintf(e, sizeof(e), "byte %zu = 0x%02x", at, data[at]);
		snprintf(seen, sizeof(seen), "0x%02x", p.data[at]);
		cts_fail(ctx, e, seen,
			 "NOP-In answering ping ITT 0x%x: echoed data differs",
			 itt);
	}
out:
	iscsi_pdu_release(&p);
	free(data);
}

CTS_TEST_D(nop_ping_empty, "nop.ping.no-data", "7143 11.19.1; 3720 10.19.1",
	   CTS_MUST,
	   "a NOP-Out ping without data is answered by a NOP-In with its ITT "
	   "and TTT 0xffffffff",
	   "nop-wrong-ttt")
{
	ping_echo(ctx, 0);
}

CTS_TEST_D(nop_ping_one, "nop.ping.one-byte", "7143 11.18.3; 3720 10.18.3",
	   CTS_MUST,
	   "a ping with 1 data byte (3 bytes of padding) gets exactly that "
	   "byte back",
	   "nop-no-echo")
{
	ping_echo(ctx, 1);
}

CTS_TEST_D(
    nop_ping_odd, "nop.ping.unpadded-length", "7143 11.18.3; 7143 11.2.3",
    CTS_MUST,
    "a ping with 7 data bytes is echoed with DataSegmentLength 7 and the "
    "same bytes",
    "nop-no-echo")
{
	ping_echo(ctx, 7);
}

CTS_TEST_D(nop_ping_4k, "nop.ping.four-kib", "7143 11.18.3; 3720 10.18.3",
	   CTS_MUST, "a ping with 4 KiB of data gets the same 4 KiB back",
	   "nop-no-echo")
{
	ping_echo(ctx, 4096);
}

/*
 * SHOULD: §13.12 binds the sender (the initiator MUST NOT exceed the
 * target's MaxRecvDataSegmentLength); what the target does with such a
 * PDU is a protocol error without a mandated answer (§7.3).
 */
CTS_TEST_D(nop_ping_over_mrdsl, "nop.ping.over-mrdsl",
	   "7143 13.12; 7143 11.18.3; 7143 7.3", CTS_SHOULD,
	   "ping data longer than the target's MaxRecvDataSegmentLength is "
	   "treated as an error (Reject or connection closed), not echoed",
	   "nop-accept-over-mrdsl")
{
	static const struct cts_login_opts big = {.max_recv_dsl = 1u << 20};
	struct cts_session *s = s3_login(ctx, NULL, &big);
	struct cts_conn *c;
	struct iscsi_pdu p;
	uint8_t *data;
	uint32_t itt, mrdsl;
	size_t len;
	char seen[160];
	int rc;

	if (!s)
		return;
	c = cts_session_conn(s);
	mrdsl = s->agreed.max_recv_dsl_target;
	if (!mrdsl || mrdsl > (1u << 20) - 512u) {
		cts_skip(ctx,
			 "the target's MaxRecvDataSegmentLength (%u) "
			 "leaves no room for a larger ping",
			 mrdsl);
		return;
	}
	len = mrdsl + 512u;
	data = calloc(1, len);
	if (!data) {
		cts_error(ctx, "out of memory");
		return;
	}
	itt = cts_session_next_itt(s);
	iscsi_pdu_init(&p);
	rc = s3_send_nop(c, itt, ISCSI_RSVD_TAG, s->cmdsn, c->exp_statsn, false,
			 data, len);
	if (!rc)
		rc = s3_recv(c, &p, 1000);
	if (rc == CTS_IO_CLOSED || rc == CTS_IO_RESET) {
		cts_note(ctx, "the target closed the connection");
	} else if (rc == CTS_IO_OK &&
		   iscsi_bhs_opcode(&p.bhs) == ISCSI_OP_REJECT) {
		cts_note(ctx, "Reject reason 0x%02x", p.bhs.opspec1[0]);
	} else if (rc == CTS_IO_OK) {
		s3_describe(&p, seen, sizeof(seen));
		cts_fail(ctx, "Reject or connection closed", seen,
			 "NOP-Out ping ITT 0x%x with %zu bytes (target MRDSL "
			 "%u)",
			 itt, len, mrdsl);
	} else {
		cts_fail(ctx, "Reject or connection closed", cts_io_str(rc),
			 "NOP-Out ping ITT 0x%x with %zu bytes (target MRDSL "
			 "%u)",
			 itt, len, mrdsl);
	}
	iscsi_pdu_release(&p);
	free(data);
}

CTS_TEST_D(nop_rsvd_itt_silent, "nop.reserved-itt.no-answer",
	   "7143 11.18.1; 3720 10.18.1", CTS_MUST,
	   "a NOP-Out with ITT 0xffffffff and I=1 gets no answer; the session "
	   "goes on",
	   "nop-answers-reserved-itt")
{
	struct cts_session *s = s3_login(ctx, NULL, NULL);
	struct cts_conn *c;
	struct iscsi_pdu p;
	char seen[160];
	int rc;

	if (!s)
		return;
	c = cts_session_conn(s);
	rc = s3_send_nop(c, ISCSI_RSVD_TAG, ISCSI_RSVD_TAG, s->cmdsn,
			 c->exp_statsn, true, NULL, 0);
	if (rc) {
		cts_error(ctx, "sending: %s", cts_io_str(rc));
		return;
	}
	iscsi_pdu_init(&p);
	rc = cts_conn_expect_silence(c, &p, S3_SILENCE_MS);
	if (rc == CTS_IO_OK) {
		s3_describe(&p, seen, sizeof(seen));
		cts_fail(ctx, "no answer", seen,
			 "NOP-Out ITT 0xffffffff TTT 0xffffffff I=1");
	} else if (rc != CTS_IO_TIMEOUT) {
		cts_fail(ctx, "no answer, connection kept", cts_io_str(rc),
			 "NOP-Out ITT 0xffffffff TTT 0xffffffff I=1");
	}
	iscsi_pdu_release(&p);
	if (!cts_failed(ctx))
		s3_ping_ok(ctx, c, "a NOP-Out with ITT 0xffffffff");
}

CTS_TEST_D(nop_rsvd_itt_non_imm, "nop.reserved-itt.non-immediate",
	   "7143 11.18; 3720 10.18", CTS_MUST,
	   "a NOP-Out with ITT 0xffffffff and I=0 is a protocol error (Reject "
	   "or connection closed)",
	   "nop-reserved-itt-non-immediate")
{
	struct cts_session *s = s3_login(ctx, NULL, NULL);
	struct cts_conn *c;
	struct iscsi_pdu p;
	char seen[160];
	int rc;

	if (!s)
		return;
	c = cts_session_conn(s);
	rc = s3_send_nop(c, ISCSI_RSVD_TAG, ISCSI_RSVD_TAG, s->cmdsn,
			 c->exp_statsn, false, NULL, 0);
	if (rc) {
		cts_error(ctx, "sending: %s", cts_io_str(rc));
		return;
	}
	iscsi_pdu_init(&p);
	rc = s3_recv(c, &p, 1000);
	if (rc == CTS_IO_CLOSED || rc == CTS_IO_RESET) {
		cts_note(ctx, "the target closed the connection");
	} else if (rc == CTS_IO_OK &&
		   iscsi_bhs_opcode(&p.bhs) == ISCSI_OP_REJECT) {
		cts_note(ctx, "Reject reason 0x%02x", p.bhs.opspec1[0]);
	} else {
		if (rc == CTS_IO_OK)
			s3_describe(&p, seen, sizeof(seen));
		cts_fail(ctx, "Reject or connection closed",
			 rc == CTS_IO_OK	? seen
			 : rc == CTS_IO_TIMEOUT ? "nothing within 1 s"
						: cts_io_str(rc),
			 "NOP-Out ITT 0xffffffff with I=0, CmdSN %u", s->cmdsn);
	}
	iscsi_pdu_release(&p);
}

CTS_TEST_D(nop_unknown_ttt, "nop.ttt.unknown-ignored",
	   "7143 11.18.2; 3720 10.18.2", CTS_SHOULD,
	   "a NOP-Out answering a TTT the target never sent is ignored or "
	   "rejected; the session survives",
	   "nop-unknown-ttt-drop")
{
	struct cts_session *s = s3_login(ctx, NULL, NULL);
	struct cts_conn *c;
	struct iscsi_pdu p;
	char seen[160];
	int rc;

	if (!s)
		return;
	c = cts_session_conn(s);
	rc = s3_send_nop(c, ISCSI_RSVD_TAG, 0x0badf00du, s->cmdsn,
			 c->exp_statsn, true, NULL, 0);
	if (rc) {
		cts_error(ctx, "sending: %s", cts_io_str(rc));
		return;
	}
	iscsi_pdu_init(&p);
	rc = s3_recv(c, &p, S3_SILENCE_MS);
	if (rc == CTS_IO_OK && iscsi_bhs_opcode(&p.bhs) == ISCSI_OP_REJECT) {
		cts_note(ctx, "Reject reason 0x%02x", p.bhs.opspec1[0]);
	} else if (rc == CTS_IO_TIMEOUT) {
		cts_note(ctx, "ignored");
	} else {
		if (rc == CTS_IO_OK)
			s3_describe(&p, seen, sizeof(seen));
		cts_fail(ctx, "no answer or a Reject",
			 rc == CTS_IO_OK ? seen : cts_io_str(rc),
			 "NOP-Out ITT 0xffffffff TTT 0x0badf00d I=1");
	}
	iscsi_pdu_release(&p);
	if (!cts_failed(ctx))
		s3_ping_ok(ctx, c, "a NOP-Out with an unknown TTT");
}

CTS_TEST_D(nop_in_statsn, "nop.in.statsn-next", "7143 11.19; 7143 4.2.2.2",
	   CTS_MUST,
	   "the NOP-In answering a ping carries the next StatSN and a valid "
	   "window",
	   "statsn-skip,window-invalid")
{
	struct cts_session *s = s3_login(ctx, NULL, NULL);
	struct cts_scsi_result r;
	struct cts_nop_result nr;
	struct cts_conn *c;
	uint8_t cdb[16];
	uint32_t want;
	char e[48], seen[64];
	int rc;

	if (!s)
		return;
	c = cts_session_conn(s);
	rc = cts_scsi_cmd(ctx, c, 0, cdb, scsi_cdb_test_unit_ready(cdb), 0,
			  NULL, NULL, NULL, &r);
	if (rc || r.npdus < 2) {
		cts_error(ctx, "TEST UNIT READY: %s", cts_io_str(rc));
		return;
	}
	want = iscsi_bhs_get32(&r.pdus[r.npdus - 1].bhs, 24) + 1u;
	rc = cts_nop_ping(ctx, c, NULL, 0, 0, &nr);
	if (rc) {
		cts_fail(ctx, "NOP-In", cts_io_str(rc), "NOP-Out ping");
		return;
	}
	snprintf(e, sizeof(e), "StatSN %u", want);
	snprintf(seen, sizeof(seen), "StatSN %u", nr.in.statsn);
	if (nr.in.statsn != want) {
		cts_fail(ctx, e, seen,
			 "NOP-In answering a ping after the SCSI Response "
			 "with StatSN %u",
			 want - 1u);
		return;
	}
	/* §4.2.2.1: MaxCmdSN >= ExpCmdSN - 1 */
	if (s3_sn_lt(nr.in.max_cmdsn, nr.in.exp_cmdsn - 1u)) {
		snprintf(seen, sizeof(seen), "ExpCmdSN %u MaxCmdSN %u",
			 nr.in.exp_cmdsn, nr.in.max_cmdsn);
		cts_fail(ctx, "MaxCmdSN >= ExpCmdSN - 1", seen,
			 "NOP-In answering a ping");
	}
}

CTS_TEST_D(nop_pings_outstanding, "nop.ping.several-outstanding",
	   "7143 11.18; 7143 11.19", CTS_MUST,
	   "three pings sent back to back are each answered with their own "
	   "ITT and data",
	   "nop-no-echo")
{
	struct cts_session *s = s3_login(ctx, NULL, NULL);
	struct cts_conn *c;
	struct iscsi_pdu p;
	uint32_t itt[3];
	uint8_t data[3][8];
	int rc = CTS_IO_OK;

	if (!s)
		return;
	c = cts_session_conn(s);
	for (int i = 0; i < 3 && !rc; i++) {
		itt[i] = cts_session_next_itt(s);
		memset(data[i], 'a' + i, sizeof(data[i]));
		rc =
		    s3_send_nop(c, itt[i], ISCSI_RSVD_TAG, s->cmdsn++,
				c->exp_statsn, false, data[i], sizeof(data[i]));
	}
	if (rc) {
		cts_error(ctx, "sending: %s", cts_io_str(rc));
		return;
	}
	iscsi_pdu_init(&p);
	for (int i = 0; i < 3; i++) {
		rc = cts_conn_recv_for(c, itt[i], &p, 1000);
		if (rc) {
			cts_fail(ctx, "NOP-In", cts_io_str(rc),
				 "ping %d of 3 (ITT 0x%x)", i + 1, itt[i]);
			break;
		}
		if (p.data_len != sizeof(data[i]) ||
		    memcmp(p.data, data[i], sizeof(data[i])) != 0) {
			char e[32], seen[32];

			snprintf(e, sizeof(e), "8 bytes '%c'", 'a' + i);
			snprintf(seen, sizeof(seen), "%zu bytes '%c'",
				 p.data_len, p.data_len ? p.data[0] : '-');
			cts_fail(ctx, e, seen,
				 "NOP-In answering ping %d of 3 (ITT 0x%x)",
				 i + 1, itt[i]);
			break;
		}
	}
	iscsi_pdu_release(&p);
}
