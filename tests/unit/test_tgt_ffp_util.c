/* SPDX-License-Identifier: MIT */
/*
 * test_tgt_ffp_util.c - PDU helpers for the ffp unit tests.
 */
#include <string.h>

#include "test_tgt_ffp_util.h"

struct fixture *tf_start(const char *const *ikeys, const char *const *tkeys,
			 const char *const *defects)
{
	struct fixture_opts o;
	struct fixture *fx;

	memset(&o, 0, sizeof(o));
	for (unsigned i = 0; tkeys && tkeys[i] && i + 1 < FIXTURE_MAX_KEYS; i++)
		o.keys[i] = tkeys[i];
	for (unsigned i = 0; defects && defects[i] && i + 1 < FIXTURE_MAX_KEYS;
	     i++)
		o.defects[i] = defects[i];
	fx = fixture_new(&o);
	if (!fx)
		return NULL;
	if (fixture_login(fx, ikeys) < 0) {
		fprintf(stderr, "login failed: %s\n", fx->err);
		fixture_free(fx);
		return NULL;
	}
	return fx;
}

/* A TEST UNIT READY takes the POWER ON unit attention (SAM-5 §5.14) the
 * first command of a new I_T nexus gets. */
int tf_clear_ua(struct fixture *fx)
{
	uint8_t cdb[16] = {0};
	struct iscsi_pdu r;

	if (tf_scsi(fx, TF_F, 0xfff0, fx->cmdsn++, 0, cdb, 16, NULL, 0) < 0 ||
	    tf_recv_op(fx, &r, ISCSI_OP_SCSI_RSP) < 0)
		return -1;
	iscsi_pdu_release(&r);
	return 0;
}

static int send_and_release(struct fixture *fx, struct iscsi_pdu *p)
{
	int rc = fixture_send_pdu(fx, p);

	iscsi_pdu_release(p);
	return rc;
}

int tf_scsi(struct fixture *fx, unsigned flags, uint32_t itt,
	    uint32_t cmdsn, uint32_t edtl, const uint8_t *cdb, size_t cdb_len,
	    const void *data, size_t len)
{
	struct iscsi_scsi_cmd_f f;
	struct iscsi_pdu p;

	memset(&f, 0, sizeof(f));
	f.immediate = flags & TF_I;
	f.final = flags & TF_F;
	f.read = flags & TF_R;
	f.write = flags & TF_W;
	f.attr = ISCSI_ATTR_SIMPLE;
	f.itt = itt;
	f.edtl = edtl;
	f.cmdsn = cmdsn;
	f.exp_statsn = fixture_exp_statsn(fx);
	iscsi_pdu_init(&p);
	iscsi_scsi_cmd_pack(&p.bhs, &f);
	if (iscsi_pdu_set_cdb(&p, cdb, cdb_len) < 0 ||
	    (len && iscsi_pdu_set_data(&p, data, len) < 0)) {
		iscsi_pdu_release(&p);
		return -1;
	}
	return send_and_release(fx, &p);
}

int tf_data_out(struct fixture *fx, bool final, uint32_t itt, uint32_t ttt,
		uint32_t datasn, uint32_t offset, const void *data, size_t len)
{
	struct iscsi_data_out_f f;
	struct iscsi_pdu p;

	memset(&f, 0, sizeof(f));
	f.final = final;
	f.itt = itt;
	f.ttt = ttt;
	f.exp_statsn = fixture_exp_statsn(fx);
	f.datasn = datasn;
	f.buffer_offset = offset;
	iscsi_pdu_init(&p);
	iscsi_data_out_pack(&p.bhs, &f);
	if (len && iscsi_pdu_set_data(&p, data, len) < 0) {
		iscsi_pdu_release(&p);
		return -1;
	}
	return send_and_release(fx, &p);
}

int tf_nop(struct fixture *fx, bool immediate, uint32_t itt, uint32_t ttt,
	   uint32_t cmdsn, const void *data, size_t len)
{
	struct iscsi_nop_out_f f;
	struct iscsi_pdu p;

	memset(&f, 0, sizeof(f));
	f.immediate = immediate;
	f.itt = itt;
	f.ttt = ttt;
	f.cmdsn = cmdsn;
	f.exp_statsn = fixture_exp_statsn(fx);
	iscsi_pdu_init(&p);
	iscsi_nop_out_pack(&p.bhs, &f);
	if (len && iscsi_pdu_set_data(&p, data, len) < 0) {
		iscsi_pdu_release(&p);
		return -1;
	}
	return send_and_release(fx, &p);
}

int tf_tmf(struct fixture *fx, bool immediate, uint8_t function,
	   uint32_t lun, uint32_t itt, uint32_t ref_itt, uint32_t cmdsn,
	   uint32_t ref_cmdsn)
{
	struct iscsi_tmf_req_f f;
	struct iscsi_pdu p;

	memset(&f, 0, sizeof(f));
	f.immediate = immediate;
	f.function = function;
	iscsi_lun_encode(f.lun, lun);
	f.itt = itt;
	f.ref_task_tag = ref_itt;
	f.cmdsn = cmdsn;
	f.exp_statsn = fixture_exp_statsn(fx);
	f.ref_cmdsn = ref_cmdsn;
	iscsi_pdu_init(&p);
	iscsi_tmf_req_pack(&p.bhs, &f);
	return send_and_release(fx, &p);
}

int tf_logout(struct fixture *fx, uint8_t reason, uint16_t cid,
	      uint32_t itt, uint32_t cmdsn)
{
	struct iscsi_logout_req_f f;
	struct iscsi_pdu p;

	memset(&f, 0, sizeof(f));
	f.immediate = true;
	f.reason = reason;
	f.cid = cid;
	f.itt = itt;
	f.cmdsn = cmdsn;
	f.exp_statsn = fixture_exp_statsn(fx);
	iscsi_pdu_init(&p);
	iscsi_logout_req_pack(&p.bhs, &f);
	return send_and_release(fx, &p);
}

int tf_recv_op(struct fixture *fx, struct iscsi_pdu *pdu, unsigned op)
{
	int rc = fixture_recv_pdu(fx, pdu, TF_TIMEOUT);

	if (rc < 0)
		return rc;
	if (iscsi_bhs_opcode(&pdu->bhs) != op) {
		fprintf(stderr, "expected opcode 0x%02x, got 0x%02x\n", op,
			iscsi_bhs_opcode(&pdu->bhs));
		iscsi_pdu_release(pdu);
		return -3;
	}
	return 0;
}

static void rw10(uint8_t cdb[16], uint8_t op, uint32_t lba, uint16_t blocks)
{
	memset(cdb, 0, 16);
	cdb[0] = op;
	iscsi_put32(cdb + 2, lba);
	iscsi_put16(cdb + 7, blocks);
}

void tf_read10(uint8_t cdb[16], uint32_t lba, uint16_t blocks)
{
	rw10(cdb, 0x28, lba, blocks);
}

void tf_write10(uint8_t cdb[16], uint32_t lba, uint16_t blocks)
{
	rw10(cdb, 0x2a, lba, blocks);
}
