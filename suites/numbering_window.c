/* SPDX-License-Identifier: MIT */
/*
 * numbering_window.c - what every target PDU says about the window and
 * the status numbers across a run of commands (RFC 7143 §4.2.2.1,
 * §4.2.2.2): ExpCmdSN and MaxCmdSN never go backwards, MaxCmdSN >=
 * ExpCmdSN - 1 always, the window is open after login, StatSN counts
 * status-bearing PDUs one by one, a stale ExpStatSN is tolerated.
 */
#include <stdio.h>
#include <string.h>

#include "s3_util.h"
#include "scsi.h"

/* Pings, TEST UNIT READYs and 4 KiB reads (with small MRDSL: several
 * Data-In each), n rounds; false after cts_error. */
static bool command_run(struct cts_ctx *ctx, struct cts_conn *c, int n)
{
	static uint8_t buf[4096];
	uint8_t cdb[16];

	for (int i = 0; i < n; i++) {
		struct cts_scsi_result r;
		struct cts_nop_result nr;
		int rc;

		switch (i % 3) {
		case 0:
			rc = cts_nop_ping(ctx, c, "ab", 2, 0, &nr);
			break;
		case 1:
			rc = cts_scsi_cmd(ctx, c, 0, cdb,
					  scsi_cdb_test_unit_ready(cdb), 0,
					  NULL, NULL, NULL, &r);
			break;
		default:
			rc = cts_scsi_read(
			    ctx, c, 0, cdb,
			    scsi_cdb_read10(cdb, (uint32_t)i, 8, 0),
			    sizeof(buf), buf, &r);
			break;
		}
		if (rc) {
			cts_error(ctx, "command %d of the run: %s (%s)", i + 1,
				  cts_io_str(rc), cts_conn_error(c));
			return false;
		}
	}
	return true;
}

static const struct cts_login_opts small_pdus = {.max_recv_dsl = 512};

CTS_TEST_D(num_window_monotonic, "numbering.window.never-backwards",
	   "7143 4.2.2.1", CTS_MUST,
	   "ExpCmdSN and MaxCmdSN never move backwards (serial arithmetic) "
	   "across a run of commands",
	   "maxcmdsn-backwards")
{
	struct cts_session *s = s3_login(ctx, NULL, &small_pdus);
	const struct cts_transcript *t = cts_transcript(ctx);
	const struct cts_record *r;
	uint32_t exp = 0, max = 0;
	bool have = false;
	size_t from = 0, n = 0;

	if (!s || !command_run(ctx, cts_session_conn(s), 18))
		return;
	while ((r = cts_transcript_find(t, &from, CTS_RECV, CTS_ANY))) {
		const struct iscsi_bhs *h = s3_rec_bhs(r);
		uint32_t e, m;
		char want[64], seen[64];

		if (!h || r->opcode == ISCSI_OP_LOGIN_RSP)
			continue;
		e = iscsi_bhs_get32(h, 28);
		m = iscsi_bhs_get32(h, 32);
		n++;
		if (have && (s3_sn_lt(e, exp) || s3_sn_lt(m, max))) {
			snprintf(want, sizeof(want),
				 "ExpCmdSN >= %u, MaxCmdSN >= %u", exp, max);
			snprintf(seen, sizeof(seen), "ExpCmdSN %u, MaxCmdSN %u",
				 e, m);
			cts_fail(ctx, want, seen,
				 "%s ITT 0x%x, target PDU %zu of the run",
				 iscsi_opcode_name(r->opcode), r->itt, n);
			return;
		}
		exp = e;
		max = m;
		have = true;
	}
	cts_note(ctx, "%zu target PDUs checked", n);
}

CTS_TEST_D(num_window_valid, "numbering.window.max-ge-exp-minus-one",
	   "7143 4.2.2.1", CTS_MUST,
	   "every target PDU carries MaxCmdSN >= ExpCmdSN - 1 (serial "
	   "arithmetic)",
	   "window-invalid")
{
	struct cts_session *s = s3_login(ctx, NULL, &small_pdus);
	const struct cts_transcript *t = cts_transcript(ctx);
	const struct cts_record *r;
	size_t from = 0;

	if (!s || !command_run(ctx, cts_session_conn(s), 12))
		return;
	while ((r = cts_transcript_find(t, &from, CTS_RECV, CTS_ANY))) {
		const struct iscsi_bhs *h = s3_rec_bhs(r);
		uint32_t e, m;
		char want[48], seen[64];

		if (!h)
			continue;
		e = iscsi_bhs_get32(h, 28);
		m = iscsi_bhs_get32(h, 32);
		if (!s3_sn_lt(m, e - 1u))
			continue;
		if (r->opcode == ISCSI_OP_LOGIN_RSP &&
		    ((const uint8_t *)h)[36] != 0)
			continue; /* failed login: fields not meaningful */
		snprintf(want, sizeof(want), "MaxCmdSN >= %u", e - 1u);
		snprintf(seen, sizeof(seen), "ExpCmdSN %u, MaxCmdSN %u", e, m);
		cts_fail(ctx, want, seen, "%s ITT 0x%x",
			 iscsi_opcode_name(r->opcode), r->itt);
		return;
	}
}

CTS_TEST_D(num_window_open, "numbering.window.open-after-login", "7143 4.2.2.1",
	   CTS_SHOULD,
	   "the command window is open (MaxCmdSN >= ExpCmdSN) after login and "
	   "stays open while commands complete",
	   "maxcmdsn-backwards")
{
	struct cts_session *s = s3_login(ctx, NULL, NULL);
	const struct cts_transcript *t = cts_transcript(ctx);
	const struct cts_record *r, *last = NULL;
	struct cts_conn *c;
	size_t from = 0;
	char seen[64];

	if (!s)
		return;
	while (
	    (r = cts_transcript_find(t, &from, CTS_RECV, ISCSI_OP_LOGIN_RSP)))
		last = r;
	if (!last || !s3_rec_bhs(last)) {
		cts_error(ctx, "no Login Response in the transcript");
		return;
	}
	if (s3_sn_lt(iscsi_bhs_get32(s3_rec_bhs(last), 32),
		     iscsi_bhs_get32(s3_rec_bhs(last), 28))) {
		snprintf(seen, sizeof(seen), "ExpCmdSN %u, MaxCmdSN %u",
			 iscsi_bhs_get32(s3_rec_bhs(last), 28),
			 iscsi_bhs_get32(s3_rec_bhs(last), 32));
		cts_fail(ctx, "MaxCmdSN >= ExpCmdSN", seen,
			 "final Login Response: the window is closed");
		return;
	}
	c = cts_session_conn(s);
	for (int i = 0; i < 100; i++) {
		struct cts_nop_result nr;
		int rc = cts_nop_ping(ctx, c, NULL, 0, 0, &nr);

		if (rc) {
			cts_error(ctx, "ping %d: %s", i + 1, cts_io_str(rc));
			return;
		}
		if (s3_sn_lt(nr.in.max_cmdsn, nr.in.exp_cmdsn)) {
			snprintf(seen, sizeof(seen), "ExpCmdSN %u, MaxCmdSN %u",
				 nr.in.exp_cmdsn, nr.in.max_cmdsn);
			cts_fail(ctx, "MaxCmdSN >= ExpCmdSN", seen,
				 "NOP-In answering ping %d with no other "
				 "command outstanding: the window closed",
				 i + 1);
			return;
		}
	}
}

/* Does this target PDU carry a StatSN of its own (§4.2.2.2)? */
static bool status_bearing(const struct iscsi_bhs *h)
{
	switch (iscsi_bhs_opcode(h)) {
	case ISCSI_OP_NOP_IN:
		/* §11.19.1: only a response (ITT valid) advances StatSN */
		return iscsi_bhs_itt(h) != ISCSI_RSVD_TAG;
	case ISCSI_OP_DATA_IN:
		return (h->flags & ISCSI_DATA_IN_S) != 0; /* §11.7.3 */
	case ISCSI_OP_R2T:
		return false;
	default:
		return true;
	}
}

CTS_TEST_D(num_statsn_sequential, "numbering.statsn.sequential",
	   "7143 4.2.2.2; 3720 3.2.2.2", CTS_MUST,
	   "StatSN grows by exactly 1 per status-bearing PDU on a connection, "
	   "starting after the final Login Response's StatSN",
	   "statsn-skip")
{
	struct cts_session *s = s3_login(ctx, NULL, &small_pdus);
	const struct cts_transcript *t = cts_transcript(ctx);
	const struct cts_record *r;
	uint32_t next = 0;
	bool have = false;
	size_t from = 0, n = 0;

	if (!s || !command_run(ctx, cts_session_conn(s), 15))
		return;
	while ((r = cts_transcript_find(t, &from, CTS_RECV, CTS_ANY))) {
		const struct iscsi_bhs *h = s3_rec_bhs(r);
		uint32_t sn;
		char want[32], seen[32];

		if (!h)
			continue;
		sn = iscsi_bhs_get32(h, 24);
		if (r->opcode == ISCSI_OP_LOGIN_RSP) {
			next = sn + 1u;
			have = true;
			continue;
		}
		if (!have || !status_bearing(h))
			continue;
		n++;
		if (sn != next) {
			snprintf(want, sizeof(want), "StatSN %u", next);
			snprintf(seen, sizeof(seen), "StatSN %u", sn);
			cts_fail(ctx, want, seen,
				 "%s ITT 0x%x, status %zu after login%s",
				 iscsi_opcode_name(r->opcode), r->itt, n,
				 sn == next - 1u ? " (a duplicate)"
						 : " (a gap)");
			return;
		}
		next = sn + 1u;
	}
	cts_note(ctx, "%zu status-bearing PDUs checked", n);
}

CTS_TEST_D(num_stale_expstatsn, "numbering.expstatsn.stale-tolerated",
	   "7143 4.2.2.2", CTS_SHOULD,
	   "commands whose ExpStatSN lags behind (statuses not yet "
	   "acknowledged) are still answered",
	   "stale-expstatsn-drop")
{
	struct cts_session *s = s3_login(ctx, NULL, NULL);
	struct cts_conn *c;
	struct iscsi_pdu p;
	uint32_t stale;
	int rc = CTS_IO_OK;

	if (!s)
		return;
	c = cts_session_conn(s);
	stale = c->exp_statsn; /* acknowledges only the login */
	iscsi_pdu_init(&p);
	for (int i = 0; i < 6 && !rc; i++) {
		uint32_t itt = cts_session_next_itt(s);

		rc = s3_send_nop(c, itt, ISCSI_RSVD_TAG, s->cmdsn, stale, false,
				 NULL, 0);
		s->cmdsn++;
		if (!rc)
			rc = cts_conn_recv_for(c, itt, &p, 1000);
		if (rc)
			cts_fail(ctx, "NOP-In", cts_io_str(rc),
				 "NOP-Out ping %d with ExpStatSN %u (StatSN "
				 "already %u)",
				 i + 1, stale, c->exp_statsn - 1u);
	}
	iscsi_pdu_release(&p);
	if (!rc)
		s3_ping_ok(ctx, c, "pings with a stale ExpStatSN");
}
