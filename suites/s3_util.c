/* SPDX-License-Identifier: MIT */
/*
 * s3_util.c - helpers of the numbering, NOP, Reject and Logout suites.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profile.h"
#include "s3_util.h"

static void session_free(void *arg)
{
	cts_session_free(arg);
}

/*
 * A new I_T nexus starts with a unit attention (SAM-5 §5.14): TEST UNIT
 * READY until it reports GOOD (at most 3 times) so that the test's own
 * commands see their real status.
 */
static void clear_unit_attention(struct cts_ctx *ctx, struct cts_conn *c,
				 uint32_t lun)
{
	uint8_t cdb[16] = {0}; /* TEST UNIT READY: opcode 00h */

	for (int i = 0; i < 3; i++) {
		struct cts_scsi_result r;

		if (cts_scsi_cmd(ctx, c, lun, cdb, 6, 0, NULL, NULL, NULL,
				 &r) ||
		    (r.got_status && r.status == 0))
			return;
	}
}

struct cts_session *s3_login(struct cts_ctx *ctx, const struct iscsi_url *u,
			     const struct cts_login_opts *o)
{
	struct cts_login_opts dflt;
	struct cts_session *s = cts_session_new(ctx);
	int rc;

	if (!s) {
		cts_error(ctx, "out of memory for a session");
		return NULL;
	}
	cts_defer(ctx, session_free, s);
	if (o)
		dflt = *o;
	else
		memset(&dflt, 0, sizeof(dflt));
	if (u)
		dflt.url = u;
	rc = cts_login(ctx, s, &dflt);
	if (rc) {
		cts_error(ctx, "login for the test failed (%d): %s", rc,
			  s->err[0] ? s->err : "no detail");
		return NULL;
	}
	if (!dflt.discovery)
		clear_unit_attention(
		    ctx, cts_session_conn(s),
		    s3_lun(dflt.url ? dflt.url : cts_target(ctx)));
	return s;
}

const struct iscsi_url *s3_url2(struct cts_ctx *ctx)
{
	const struct cts_profile *p = cts_profile(ctx);

	if (!p || !p->has_url2) {
		cts_skip(ctx, "the profile has no url2 (a LUN the test may "
			      "write)");
		return NULL;
	}
	return &p->url2;
}

uint32_t s3_lun(const struct iscsi_url *u)
{
	return u && u->has_lun && u->lun > 0 ? (uint32_t)u->lun : 0;
}

int s3_send_nop(struct cts_conn *c, uint32_t itt, uint32_t ttt, uint32_t cmdsn,
		uint32_t exp_statsn, bool immediate, const void *data,
		size_t len)
{
	struct iscsi_nop_out_f f;
	struct iscsi_pdu p;
	int rc;

	memset(&f, 0, sizeof(f));
	f.immediate = immediate;
	f.itt = itt;
	f.ttt = ttt;
	f.cmdsn = cmdsn;
	f.exp_statsn = exp_statsn;
	iscsi_pdu_init(&p);
	iscsi_nop_out_pack(&p.bhs, &f);
	if (len && iscsi_pdu_set_data(&p, data, len) < 0) {
		iscsi_pdu_release(&p);
		return CTS_IO_ERROR;
	}
	rc = cts_conn_send_cmd(
	    c, &p, CTS_CMD_KEEP_SN | (immediate ? CTS_CMD_IMMEDIATE : 0u),
	    NULL);
	iscsi_pdu_release(&p);
	return rc;
}

int s3_send_scsi(struct cts_conn *c, const struct s3_scsi *cmd)
{
	struct iscsi_scsi_cmd_f f;
	struct iscsi_pdu p;
	int rc;

	memset(&f, 0, sizeof(f));
	f.immediate = cmd->immediate;
	f.final = true;
	f.read = cmd->read;
	f.write = cmd->write;
	f.attr = ISCSI_ATTR_SIMPLE;
	if (iscsi_lun_encode(f.lun, cmd->lun) < 0)
		return CTS_IO_ERROR;
	f.itt = cmd->itt;
	f.edtl = cmd->edtl;
	f.cmdsn = cmd->cmdsn;
	f.exp_statsn = cmd->exp_statsn;
	iscsi_pdu_init(&p);
	iscsi_scsi_cmd_pack(&p.bhs, &f);
	if (iscsi_pdu_set_cdb(&p, cmd->cdb, cmd->cdb_len) < 0 ||
	    (cmd->len && iscsi_pdu_set_data(&p, cmd->data, cmd->len) < 0)) {
		iscsi_pdu_release(&p);
		return CTS_IO_ERROR;
	}
	rc = cts_conn_send_cmd(
	    c, &p, CTS_CMD_KEEP_SN | (cmd->immediate ? CTS_CMD_IMMEDIATE : 0u),
	    NULL);
	iscsi_pdu_release(&p);
	return rc;
}

int s3_recv(struct cts_conn *c, struct iscsi_pdu *p, unsigned ms)
{
	for (;;) {
		int rc = cts_conn_recv_pdu(c, p, ms);
		unsigned op;

		if (rc)
			return rc;
		op = iscsi_bhs_opcode(&p->bhs);
		if (op == ISCSI_OP_ASYNC_MSG)
			continue;
		if (op != ISCSI_OP_NOP_IN ||
		    iscsi_bhs_itt(&p->bhs) != ISCSI_RSVD_TAG)
			return CTS_IO_OK;
		/* an unsolicited NOP-In: answer a ping (§11.19) */
		if (iscsi_bhs_get32(&p->bhs, 20) != ISCSI_RSVD_TAG) {
			struct iscsi_nop_in_f in;

			iscsi_nop_in_unpack(&p->bhs, &in);
			rc = s3_send_nop(c, ISCSI_RSVD_TAG, in.ttt,
					 c->sess ? c->sess->cmdsn : 0,
					 c->exp_statsn, true, NULL, 0);
			if (rc)
				return rc;
		}
	}
}

void s3_sn_of(const struct iscsi_pdu *p, struct s3_sn *sn)
{
	sn->statsn = iscsi_bhs_get32(&p->bhs, 24);
	sn->exp_cmdsn = iscsi_bhs_get32(&p->bhs, 28);
	sn->max_cmdsn = iscsi_bhs_get32(&p->bhs, 32);
}

const struct iscsi_bhs *s3_rec_bhs(const struct cts_record *r)
{
	if (r->kind != CTS_REC_PDU || r->len < ISCSI_BHS_LEN)
		return NULL;
	return (const struct iscsi_bhs *)(const void *)r->bytes;
}

void s3_describe(const struct iscsi_pdu *p, char *buf, size_t len)
{
	struct s3_sn sn;

	s3_sn_of(p, &sn);
	snprintf(buf, len, "%s ITT 0x%x StatSN %u ExpCmdSN %u MaxCmdSN %u",
		 iscsi_opcode_name(iscsi_bhs_opcode(&p->bhs)),
		 iscsi_bhs_itt(&p->bhs), sn.statsn, sn.exp_cmdsn, sn.max_cmdsn);
}

bool s3_ping_ok(struct cts_ctx *ctx, struct cts_conn *c, const char *what)
{
	struct cts_nop_result r;
	int rc = cts_nop_ping(ctx, c, NULL, 0, 0, &r);

	if (rc == CTS_IO_OK)
		return true;
	cts_fail(ctx, "NOP-In answering the ping", cts_io_str(rc),
		 "NOP-Out ping after %s: the session no longer answers (%s)",
		 what, cts_conn_error(c));
	return false;
}

void s3_pattern(uint8_t *buf, size_t len, unsigned seed)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)(seed * 31u + i * 7u + (i >> 8));
}
