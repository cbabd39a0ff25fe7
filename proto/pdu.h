/* SPDX-License-Identifier: MIT */
/*
 * pdu.h - an iSCSI PDU as separate segments, and its wire encoding.
 *
 * A PDU keeps its Basic Header Segment, its Additional Header Segments and
 * its data segment apart, so a test can corrupt one alone, and so DSL and
 * TotalAHSLength are always derived from the segments on encode
 * (RFC 7143 §11.1: BHS, AHS, header digest, data, padding, data digest).
 *
 *   struct iscsi_pdu pdu;
 *   iscsi_pdu_init(&pdu);
 *   iscsi_login_req_pack(&pdu.bhs, &fields);          (codec.h)
 *   iscsi_pdu_set_data(&pdu, keys, keys_len);
 *   n = iscsi_pdu_encode(&pdu, &dg, buf, sizeof(buf), err, sizeof(err));
 *   iscsi_pdu_release(&pdu);
 */
#ifndef ISCSI_CTS_PDU_H
#define ISCSI_CTS_PDU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "wire.h"

/* CRC32C digests negotiated per direction (HeaderDigest/DataDigest, §13.1). */
struct iscsi_digests {
	bool header;
	bool data;
};

struct iscsi_pdu {
	struct iscsi_bhs bhs;
	uint8_t *ahs;
	size_t ahs_len; /* whole AHS bytes, multiple of 4 */
	uint8_t *data;
	size_t data_len; /* DataSegmentLength bytes, no padding */
	/* filled by iscsi_pdu_decode */
	bool hdigest_present, ddigest_present;
	uint32_t hdigest, ddigest; /* as received */
	bool hdigest_ok, ddigest_ok; /* recomputed CRC matched */
};

void iscsi_pdu_init(struct iscsi_pdu *pdu);
/* Frees ahs/data and re-initialises the PDU. */
void iscsi_pdu_release(struct iscsi_pdu *pdu);
struct iscsi_pdu *iscsi_pdu_new(void);
void iscsi_pdu_free(struct iscsi_pdu *pdu);

/* Copies len bytes as the data segment and updates DSL. len 0 clears it.
 * Returns 0, or -1 when len exceeds the 24-bit DSL or memory runs out. */
int iscsi_pdu_set_data(struct iscsi_pdu *pdu, const void *data, size_t len);

/*
 * Appends one AHS (§11.2.2): AHSLength = len, AHSType = type, then the
 * len bytes of payload, which start at the AHS's byte 3 (the AHS-specific
 * byte) - AHSLength counts everything after AHSType, padding excluded.
 * Pads to 4 bytes and sets TotalAHSLength. Returns 0, or -1 when the
 * whole AHS would exceed 255 words or len exceeds 65535.
 */
int iscsi_pdu_add_ahs(struct iscsi_pdu *pdu, uint8_t type, const void *payload,
		      size_t len);
/*
 * Walks the AHS list: *off starts at 0. On success stores the type, a
 * pointer to the AHS-specific bytes (from byte 3) and AHSLength, advances
 * *off past the padding and returns 1; returns 0 at the end, -1 when an
 * AHSLength runs past the AHS bytes or an AHS header is truncated.
 */
int iscsi_ahs_next(const struct iscsi_pdu *pdu, size_t *off, uint8_t *type,
		   const uint8_t **payload, size_t *len);

/* Bytes the PDU occupies on the wire with these digests. */
size_t iscsi_pdu_wire_len(const struct iscsi_pdu *pdu,
			  const struct iscsi_digests *dg);

/*
 * Writes header, AHS, header digest, data, zero padding, data digest;
 * DSL and TotalAHSLength are taken from the segments. Returns bytes
 * written, or -1 (buffer too small, oversize segment) with err set.
 */
ssize_t iscsi_pdu_encode(const struct iscsi_pdu *pdu,
			 const struct iscsi_digests *dg, uint8_t *buf,
			 size_t buflen, char *err, size_t errlen);

/*
 * buf holds exactly one PDU as on the wire; copies the segments into pdu
 * (releasing what it held); checks TotalAHSLength, DSL, padding and
 * digest presence against len; records digest values and whether they
 * verify. A bad digest is not an error return: callers decide
 * (§7.8 lets a target answer with Reject or drop the connection).
 * Returns 0, or -1 with err set.
 */
int iscsi_pdu_decode(struct iscsi_pdu *pdu, const uint8_t *buf, size_t len,
		     const struct iscsi_digests *dg, char *err, size_t errlen);

/* "SCSI Command", "Login Response", ...; "Unknown" otherwise. */
const char *iscsi_opcode_name(unsigned opcode);
/* Initiator opcodes 0x00-0x1f (§11.2.1.2). */
bool iscsi_opcode_is_initiator(unsigned opcode);
/* One of the 18 opcodes RFC 7143 defines (vendor-specific ones are not). */
bool iscsi_opcode_is_known(unsigned opcode);

#endif
