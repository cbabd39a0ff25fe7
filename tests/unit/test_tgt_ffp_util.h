/* SPDX-License-Identifier: MIT */
/*
 * test_tgt_ffp_util.h - crafting full feature phase PDUs for the reference
 * target's ffp unit tests (test_tgt_ffp*.c), over tgt_fixture.h.
 */
#ifndef ISCSI_CTS_TEST_TGT_FFP_UTIL_H
#define ISCSI_CTS_TEST_TGT_FFP_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "codec.h"
#include "tgt_fixture.h"

#define TF_TIMEOUT 2000
#define TF_QUIET 150 /* ms to wait when nothing should come */

/* Fixture logged in with extra initiator keys, target keys and defects
 * (each NULL-terminated, may be NULL); NULL on failure. */
struct fixture *tf_start(const char *const *ikeys, const char *const *tkeys,
			 const char *const *defects);

/* Takes the unit attention of a new I_T nexus (TEST UNIT READY). */
int tf_clear_ua(struct fixture *fx);

/* SCSI Command flags */
#define TF_R 0x1u
#define TF_W 0x2u
#define TF_F 0x4u
#define TF_I 0x8u

int tf_scsi(struct fixture *fx, unsigned flags, uint32_t itt,
	    uint32_t cmdsn, uint32_t edtl, const uint8_t *cdb, size_t cdb_len,
	    const void *data, size_t len);
int tf_data_out(struct fixture *fx, bool final, uint32_t itt, uint32_t ttt,
		uint32_t datasn, uint32_t offset, const void *data,
		size_t len);
int tf_nop(struct fixture *fx, bool immediate, uint32_t itt, uint32_t ttt,
	   uint32_t cmdsn, const void *data, size_t len);
int tf_tmf(struct fixture *fx, bool immediate, uint8_t function,
	   uint32_t lun, uint32_t itt, uint32_t ref_itt, uint32_t cmdsn,
	   uint32_t ref_cmdsn);
int tf_logout(struct fixture *fx, uint8_t reason, uint16_t cid,
	      uint32_t itt, uint32_t cmdsn);
/* Receive; 0 when a PDU of opcode op came (else it is released). */
int tf_recv_op(struct fixture *fx, struct iscsi_pdu *pdu, unsigned op);

void tf_read10(uint8_t cdb[16], uint32_t lba, uint16_t blocks);
void tf_write10(uint8_t cdb[16], uint32_t lba, uint16_t blocks);

#endif
