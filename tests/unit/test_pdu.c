/* SPDX-License-Identifier: MIT */
/*
 * test_pdu.c - PDU segments, encode/decode, AHS, digests and the typed
 * codec of every opcode (RFC 7143 §11, §13.1).
 */
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "pdu.h"
#include "unit.h"

static uint8_t wire[8192];
static char err[256];

/* A Login Request written byte by byte from the §11.12 figure: I, T=1,
 * CSG=1, NSG=3, ISID 0x00023d000001, TSIH 0, ITT 0x11223347, CID 1,
 * CmdSN 0x1004, ExpStatSN 0x2005, 5 data bytes "AB=1\0" + 3 padding. */
static const uint8_t login_req_wire[] = {
	0x43, 0x87, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, /* DSL 5 */
	0x00, 0x02, 0x3d, 0x00, 0x00, 0x01, 0x00, 0x00, /* ISID, TSIH */
	0x11, 0x22, 0x33, 0x47, 0x00, 0x01, 0x00, 0x00, /* ITT, CID */
	0x00, 0x00, 0x10, 0x04, 0x00, 0x00, 0x20, 0x05, /* CmdSN, ExpStatSN */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	'A', 'B', '=', '1', 0x00, 0x00, 0x00, 0x00,
};

/* §11.12: a hand-written Login Request decodes to its fields */
static void login_request_decodes_from_rfc_layout(void)
{
	struct iscsi_pdu pdu;
	struct iscsi_login_req_f f;

	iscsi_pdu_init(&pdu);
	CU_ASSERT_EQUAL_FATAL(iscsi_pdu_decode(&pdu, login_req_wire,
					       sizeof(login_req_wire), NULL,
					       err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(iscsi_bhs_opcode(&pdu.bhs), 0x03);
	iscsi_login_req_unpack(&pdu.bhs, &f);
	CU_ASSERT(f.transit);
	CU_ASSERT(!f.cont);
	CU_ASSERT_EQUAL(f.csg, 1);
	CU_ASSERT_EQUAL(f.nsg, 3);
	CU_ASSERT_EQUAL(f.isid, 0x00023d000001ull);
	CU_ASSERT_EQUAL(f.tsih, 0);
	CU_ASSERT_EQUAL(f.itt, 0x11223347);
	CU_ASSERT_EQUAL(f.cid, 1);
	CU_ASSERT_EQUAL(f.cmdsn, 0x1004);
	CU_ASSERT_EQUAL(f.exp_statsn, 0x2005);
	CU_ASSERT_EQUAL(pdu.data_len, 5);
	CU_ASSERT_EQUAL(memcmp(pdu.data, "AB=1", 5), 0);
	CU_ASSERT(!pdu.hdigest_present && !pdu.ddigest_present);
	CU_ASSERT(iscsi_bhs_reserved_zero(&pdu.bhs, err, sizeof(err)));
	iscsi_pdu_release(&pdu);
}

/* §11.12 + §11.1: packing the same fields gives the same bytes */
static void login_request_encodes_to_rfc_layout(void)
{
	struct iscsi_pdu pdu;
	struct iscsi_login_req_f f;
	ssize_t n;

	memset(&f, 0, sizeof(f));
	f.transit = true;
	f.csg = ISCSI_STAGE_OPERATIONAL;
	f.nsg = ISCSI_STAGE_FFP;
	f.isid = 0x00023d000001ull;
	f.itt = 0x11223347;
	f.cid = 1;
	f.cmdsn = 0x1004;
	f.exp_statsn = 0x2005;
	iscsi_pdu_init(&pdu);
	iscsi_login_req_pack(&pdu.bhs, &f);
	CU_ASSERT_EQUAL(iscsi_pdu_set_data(&pdu, "AB=1", 5), 0);
	CU_ASSERT_EQUAL(iscsi_pdu_wire_len(&pdu, NULL), 56);
	n = iscsi_pdu_encode(&pdu, NULL, wire, sizeof(wire), err, sizeof(err));
	CU_ASSERT_EQUAL(n, (ssize_t)sizeof(login_req_wire));
	CU_ASSERT_EQUAL(memcmp(wire, login_req_wire, sizeof(login_req_wire)),
			0);
	iscsi_pdu_release(&pdu);
}

/* §13.1: header digest = CRC32C over BHS, data digest over data+pad;
 * 32 zero bytes give CRC 0x8a9136aa, sent aa 36 91 8a (Appendix A.4) */
static void digests_are_placed_after_header_and_padded_data(void)
{
	static const uint8_t zeros[32];
	const uint8_t hdig[4] = {0x13, 0x36, 0x74, 0xef}; /* of the BHS */
	const uint8_t ddig[4] = {0xaa, 0x36, 0x91, 0x8a};
	struct iscsi_digests dg = {true, true};
	struct iscsi_pdu pdu, back;
	ssize_t n;

	iscsi_pdu_init(&pdu);
	iscsi_pdu_init(&back);
	memcpy(&pdu.bhs, login_req_wire, ISCSI_BHS_LEN);
	iscsi_bhs_set_dsl(&pdu.bhs, 0);
	n = iscsi_pdu_encode(&pdu, &dg, wire, sizeof(wire), err, sizeof(err));
	/* no data segment: header digest only (§11.1) */
	CU_ASSERT_EQUAL(n, 52);
	CU_ASSERT_EQUAL(memcmp(wire + 48, hdig, 4), 0);

	CU_ASSERT_EQUAL(iscsi_pdu_set_data(&pdu, zeros, sizeof(zeros)), 0);
	n = iscsi_pdu_encode(&pdu, &dg, wire, sizeof(wire), err, sizeof(err));
	CU_ASSERT_EQUAL(n, 48 + 4 + 32 + 4);
	CU_ASSERT_EQUAL(memcmp(wire + 84, ddig, 4), 0);
	CU_ASSERT_EQUAL(iscsi_pdu_decode(&back, wire, (size_t)n, &dg, err,
					 sizeof(err)), 0);
	CU_ASSERT(back.hdigest_present && back.hdigest_ok);
	CU_ASSERT(back.ddigest_present && back.ddigest_ok);
	CU_ASSERT_EQUAL(back.ddigest, 0x8a9136aa);
	iscsi_pdu_release(&back);
	iscsi_pdu_release(&pdu);
}

/* §13.1: a digest that does not verify is reported, not rejected */
static void wrong_digest_is_flagged_not_rejected(void)
{
	struct iscsi_digests dg = {true, true};
	struct iscsi_pdu pdu, back;
	ssize_t n;

	iscsi_pdu_init(&pdu);
	iscsi_pdu_init(&back);
	memcpy(&pdu.bhs, login_req_wire, ISCSI_BHS_LEN);
	CU_ASSERT_EQUAL(iscsi_pdu_set_data(&pdu, "AB=1", 5), 0);
	n = iscsi_pdu_encode(&pdu, &dg, wire, sizeof(wire), err, sizeof(err));
	CU_ASSERT_EQUAL_FATAL(n, 48 + 4 + 8 + 4);
	wire[50] ^= 0x01; /* header digest */
	wire[53] ^= 0x20; /* a data byte */
	CU_ASSERT_EQUAL(iscsi_pdu_decode(&back, wire, (size_t)n, &dg, err,
					 sizeof(err)), 0);
	CU_ASSERT(back.hdigest_present && !back.hdigest_ok);
	CU_ASSERT(back.ddigest_present && !back.ddigest_ok);
	CU_ASSERT_EQUAL(back.data[1], 'B' ^ 0x20);
	/* padding is covered by the data digest too */
	wire[50] ^= 0x01;
	wire[53] ^= 0x20;
	wire[58] = 0x01;
	CU_ASSERT_EQUAL(iscsi_pdu_decode(&back, wire, (size_t)n, &dg, err,
					 sizeof(err)), 0);
	CU_ASSERT(back.hdigest_ok);
	CU_ASSERT(!back.ddigest_ok);
	iscsi_pdu_release(&back);
	iscsi_pdu_release(&pdu);
}

/* §11.1: a PDU shorter than its lengths and digests say is refused */
static void truncated_pdu_is_rejected_with_reason(void)
{
	struct iscsi_digests hd = {true, false};
	struct iscsi_pdu pdu;

	iscsi_pdu_init(&pdu);
	err[0] = 0;
	CU_ASSERT_EQUAL(iscsi_pdu_decode(&pdu, login_req_wire, 47, NULL, err,
					 sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "truncated"));
	/* data present but its padding missing */
	err[0] = 0;
	CU_ASSERT_EQUAL(iscsi_pdu_decode(&pdu, login_req_wire, 53, NULL, err,
					 sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "truncated"));
	/* header digest negotiated but absent */
	CU_ASSERT_EQUAL(iscsi_pdu_decode(&pdu, login_req_wire,
					 sizeof(login_req_wire), &hd, err,
					 sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "header digest"));
	CU_ASSERT_PTR_NULL(pdu.data);
}

/* §11.1: bytes past the PDU's end are refused */
static void oversized_input_is_rejected_with_reason(void)
{
	struct iscsi_pdu pdu;
	uint8_t longer[sizeof(login_req_wire) + 4] = {0};

	memcpy(longer, login_req_wire, sizeof(login_req_wire));
	iscsi_pdu_init(&pdu);
	err[0] = 0;
	CU_ASSERT_EQUAL(iscsi_pdu_decode(&pdu, longer, sizeof(longer), NULL,
					 err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "4 bytes after"));
}

/* §11.1: encode refuses a buffer that cannot hold the PDU */
static void encode_refuses_short_buffer(void)
{
	struct iscsi_pdu pdu;

	iscsi_pdu_init(&pdu);
	CU_ASSERT_EQUAL(iscsi_pdu_set_data(&pdu, "AB=1", 5), 0);
	err[0] = 0;
	CU_ASSERT_EQUAL(iscsi_pdu_encode(&pdu, NULL, wire, 55, err,
					 sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "too small"));
	CU_ASSERT_EQUAL(iscsi_pdu_encode(&pdu, NULL, wire, 56, err,
					 sizeof(err)), 56);
	iscsi_pdu_release(&pdu);
}

/* §11.2.1.5: DataSegmentLength is 24 bits; §11.2.1.4: AHS <= 255 words */
static void oversize_segments_are_refused(void)
{
	static const uint8_t big[1018];
	struct iscsi_pdu pdu;

	iscsi_pdu_init(&pdu);
	CU_ASSERT_EQUAL(iscsi_pdu_set_data(&pdu, NULL, 0x1000000), -1);
	/* 3 + 1018 bytes would pad to 1024: one word too many */
	CU_ASSERT_EQUAL(iscsi_pdu_add_ahs(&pdu, 1, big, 1018), -1);
	/* 3 + 1016 = 1019, padded to 1020 bytes: exactly 255 words */
	CU_ASSERT_EQUAL(iscsi_pdu_add_ahs(&pdu, 1, big, 1016), 0);
	CU_ASSERT_EQUAL(pdu.ahs_len, 1020);
	CU_ASSERT_EQUAL(pdu.bhs.total_ahs_len, 255);
	CU_ASSERT_EQUAL(iscsi_pdu_add_ahs(&pdu, 2, big, 0), -1);
	iscsi_pdu_release(&pdu);
}

/* §11.2.2: AHSLength excludes type, length and padding; list walks */
static void ahs_is_padded_and_walked(void)
{
	const uint8_t want[12] = {0x00, 0x06, 0x7f, 0x00, 1, 2, 3, 4, 5,
				  0, 0, 0};
	const uint8_t p6[6] = {0x00, 1, 2, 3, 4, 5};
	struct iscsi_pdu pdu, back;
	const uint8_t *payload;
	size_t off = 0, len;
	uint8_t type;
	ssize_t n;

	iscsi_pdu_init(&pdu);
	iscsi_pdu_init(&back);
	CU_ASSERT_EQUAL(iscsi_pdu_add_ahs(&pdu, 0x7f, p6, 6), 0);
	CU_ASSERT_EQUAL(pdu.ahs_len, 12);
	CU_ASSERT_EQUAL(memcmp(pdu.ahs, want, 12), 0);
	CU_ASSERT_EQUAL(iscsi_pdu_set_bidi_read_len(&pdu, 0x1000), 0);
	CU_ASSERT_EQUAL(pdu.bhs.total_ahs_len, 5);
	n = iscsi_pdu_encode(&pdu, NULL, wire, sizeof(wire), err, sizeof(err));
	CU_ASSERT_EQUAL(n, 48 + 20);
	CU_ASSERT_EQUAL(wire[4], 5);
	CU_ASSERT_EQUAL(iscsi_pdu_decode(&back, wire, (size_t)n, NULL, err,
					 sizeof(err)), 0);
	CU_ASSERT_EQUAL(iscsi_ahs_next(&back, &off, &type, &payload, &len), 1);
	CU_ASSERT_EQUAL(type, 0x7f);
	CU_ASSERT_EQUAL(len, 6);
	CU_ASSERT_EQUAL(off, 12);
	CU_ASSERT_EQUAL(iscsi_ahs_next(&back, &off, &type, &payload, &len), 1);
	CU_ASSERT_EQUAL(type, ISCSI_AHS_BIDI_READ_LEN);
	CU_ASSERT_EQUAL(len, 5);
	CU_ASSERT_EQUAL(iscsi_ahs_next(&back, &off, &type, &payload, &len), 0);
	iscsi_pdu_release(&back);
	iscsi_pdu_release(&pdu);
}

/* §11.2.2.4: the bidi read length AHS is 00 05 02 00 + 4-byte length */
static void bidi_read_length_ahs_layout(void)
{
	const uint8_t want[8] = {0x00, 0x05, 0x02, 0x00, 0x00, 0x01, 0x00,
				 0x00};
	struct iscsi_pdu pdu;
	uint32_t v = 0;

	iscsi_pdu_init(&pdu);
	CU_ASSERT_EQUAL(iscsi_pdu_set_bidi_read_len(&pdu, 0x10000), 0);
	CU_ASSERT_EQUAL(pdu.ahs_len, 8);
	CU_ASSERT_EQUAL(memcmp(pdu.ahs, want, 8), 0);
	CU_ASSERT_EQUAL(iscsi_pdu_get_bidi_read_len(&pdu, &v), 0);
	CU_ASSERT_EQUAL(v, 0x10000);
	iscsi_pdu_release(&pdu);
}

/* §11.2.2: an AHSLength running past TotalAHSLength is malformed */
static void ahs_length_overrun_is_detected(void)
{
	uint8_t ahs[8] = {0x00, 0x09, 0x01, 0x00, 0, 0, 0, 0};
	struct iscsi_pdu pdu;
	const uint8_t *payload;
	size_t off = 0, len;
	uint8_t type;

	iscsi_pdu_init(&pdu);
	pdu.ahs = ahs;
	pdu.ahs_len = sizeof(ahs);
	CU_ASSERT_EQUAL(iscsi_ahs_next(&pdu, &off, &type, &payload, &len), -1);
	ahs[1] = 0x05; /* 3 + 5 = 8: fits */
	CU_ASSERT_EQUAL(iscsi_ahs_next(&pdu, &off, &type, &payload, &len), 1);
	CU_ASSERT_EQUAL(off, 8);
}

/* §11.2.2.3: a 32-byte CDB puts 16 bytes in the BHS, AHSLength 17 */
static void extended_cdb_goes_to_ahs_type_1(void)
{
	uint8_t cdb[32], out[64];
	struct iscsi_pdu pdu;

	for (unsigned i = 0; i < sizeof(cdb); i++)
		cdb[i] = (uint8_t)(0xa0 + i);
	iscsi_pdu_init(&pdu);
	pdu.bhs.opcode = ISCSI_OP_SCSI_CMD;
	CU_ASSERT_EQUAL(iscsi_pdu_set_cdb(&pdu, cdb, sizeof(cdb)), 0);
	CU_ASSERT_EQUAL(((uint8_t *)&pdu.bhs)[32], 0xa0);
	CU_ASSERT_EQUAL(((uint8_t *)&pdu.bhs)[47], 0xaf);
	CU_ASSERT_EQUAL(pdu.ahs[0], 0x00);
	CU_ASSERT_EQUAL(pdu.ahs[1], 17);
	CU_ASSERT_EQUAL(pdu.ahs[2], ISCSI_AHS_EXTENDED_CDB);
	CU_ASSERT_EQUAL(pdu.ahs[3], 0x00); /* reserved */
	CU_ASSERT_EQUAL(pdu.ahs[4], 0xb0);
	CU_ASSERT_EQUAL(pdu.ahs_len, 20);
	CU_ASSERT_EQUAL(iscsi_pdu_get_cdb(&pdu, out, sizeof(out)), 32);
	CU_ASSERT_EQUAL(memcmp(out, cdb, 32), 0);
	CU_ASSERT_EQUAL(iscsi_pdu_get_cdb(&pdu, out, 20), -1);
	iscsi_pdu_release(&pdu);
}

/* §11.4.7.1: SCSI Response data starts with a 2-byte SenseLength */
static void scsi_response_sense_has_length_prefix(void)
{
	const uint8_t sense[3] = {0x70, 0x00, 0x05};
	const uint8_t *s, *r;
	size_t sl, rl;
	struct iscsi_pdu pdu;

	iscsi_pdu_init(&pdu);
	CU_ASSERT_EQUAL(iscsi_scsi_rsp_set_sense(&pdu, sense, 3, NULL, 0), 0);
	CU_ASSERT_EQUAL(pdu.data_len, 5);
	CU_ASSERT(pdu.data[0] == 0x00 && pdu.data[1] == 0x03 &&
		  pdu.data[2] == 0x70);
	CU_ASSERT_EQUAL(iscsi_bhs_dsl(&pdu.bhs), 5);
	CU_ASSERT_EQUAL(iscsi_scsi_rsp_get_sense(&pdu, &s, &sl, &r, &rl), 0);
	CU_ASSERT_EQUAL(sl, 3);
	CU_ASSERT_EQUAL(s[2], 0x05);
	CU_ASSERT_EQUAL(rl, 0);
	pdu.data[1] = 0x04; /* SenseLength past the segment */
	CU_ASSERT_EQUAL(iscsi_scsi_rsp_get_sense(&pdu, &s, &sl, &r, &rl), -1);
	iscsi_pdu_release(&pdu);
}

/* §11.17: the Reject data segment is the rejected PDU's header */
static void reject_carries_rejected_header(void)
{
	struct iscsi_pdu bad, rej;
	struct iscsi_bhs got;

	iscsi_pdu_init(&bad);
	iscsi_pdu_init(&rej);
	CU_ASSERT_EQUAL(iscsi_pdu_decode(&bad, login_req_wire,
					 sizeof(login_req_wire), NULL, err,
					 sizeof(err)), 0);
	CU_ASSERT_EQUAL(iscsi_reject_set_rejected(&rej, &bad), 0);
	CU_ASSERT_EQUAL(rej.data_len, 48);
	CU_ASSERT_EQUAL(memcmp(rej.data, login_req_wire, 48), 0);
	CU_ASSERT_EQUAL(iscsi_reject_get_rejected(&rej, &got), 0);
	CU_ASSERT_EQUAL(got.opcode, 0x43);
	CU_ASSERT_EQUAL(iscsi_bhs_dsl(&got), 5);
	iscsi_pdu_release(&bad);
	iscsi_pdu_release(&rej);
}

/* §11.2.1.2: opcode names and the initiator/target split */
static void opcode_names_and_classes(void)
{
	CU_ASSERT_STRING_EQUAL(iscsi_opcode_name(0x01), "SCSI Command");
	CU_ASSERT_STRING_EQUAL(iscsi_opcode_name(0x23), "Login Response");
	CU_ASSERT_STRING_EQUAL(iscsi_opcode_name(0x3f), "Reject");
	CU_ASSERT_STRING_EQUAL(iscsi_opcode_name(0x1c), "Unknown");
	CU_ASSERT(iscsi_opcode_is_initiator(0x10));
	CU_ASSERT(!iscsi_opcode_is_initiator(0x20));
	CU_ASSERT(iscsi_opcode_is_known(0x32));
	CU_ASSERT(!iscsi_opcode_is_known(0x3c));
	CU_ASSERT(!iscsi_opcode_is_known(0x07));
}

/* §11: reserved bytes and bits must be 0, fixed "1" bits set */
static void reserved_checker_reports_first_offender(void)
{
	struct iscsi_bhs b;
	char which[96];

	memcpy(&b, login_req_wire, sizeof(b));
	CU_ASSERT(iscsi_bhs_reserved_zero(&b, which, sizeof(which)));
	b.flags |= 0x20; /* §11.12: bits 2-3 of byte 1 reserved */
	CU_ASSERT(!iscsi_bhs_reserved_zero(&b, which, sizeof(which)));
	CU_ASSERT_PTR_NOT_NULL(strstr(which, "byte 1"));
	b.flags &= (uint8_t)~0x20;
	b.opcode = ISCSI_OP_LOGIN_REQ; /* §11.12: I bit is always 1 */
	CU_ASSERT(!iscsi_bhs_reserved_zero(&b, which, sizeof(which)));
	CU_ASSERT_PTR_NOT_NULL(strstr(which, "must be 1"));
	b.opcode = 0x43;
	((uint8_t *)&b)[40] = 0x01; /* bytes 32-47 reserved */
	CU_ASSERT(!iscsi_bhs_reserved_zero(&b, which, sizeof(which)));
	CU_ASSERT_PTR_NOT_NULL(strstr(which, "byte 40"));
	memset(&b, 0, sizeof(b));
	b.opcode = ISCSI_OP_NOP_IN;
	b.flags = 0x80;
	CU_ASSERT(iscsi_bhs_reserved_zero(&b, which, sizeof(which)));
	b.opcode |= ISCSI_OP_IMMEDIATE; /* target PDUs: bit 6 reserved */
	CU_ASSERT(!iscsi_bhs_reserved_zero(&b, which, sizeof(which)));
	b.opcode = 0x1d;
	CU_ASSERT(!iscsi_bhs_reserved_zero(&b, which, sizeof(which)));
	CU_ASSERT_PTR_NOT_NULL(strstr(which, "not defined"));
}

/*
 * Round trip: pack -> data -> encode (both digests) -> decode -> unpack
 * yields the same fields, the right opcode and clean reserved fields.
 */
#define ROUNDTRIP(kind, OPC, ...)                                              \
	static void kind##_round_trips(void)                                   \
	{                                                                      \
		struct iscsi_##kind##_f in, out;                               \
		struct iscsi_digests dg = {true, true};                        \
		struct iscsi_pdu p, q;                                         \
		char why[96];                                                  \
		ssize_t n;                                                     \
		memset(&in, 0, sizeof(in));                                    \
		memset(&out, 0xee, sizeof(out));                               \
		__VA_ARGS__;                                                   \
		iscsi_pdu_init(&p);                                            \
		iscsi_pdu_init(&q);                                            \
		iscsi_##kind##_pack(&p.bhs, &in);                              \
		CU_ASSERT_EQUAL(iscsi_pdu_set_data(&p, "xyz", 3), 0);          \
		n = iscsi_pdu_encode(&p, &dg, wire, sizeof(wire), err,         \
				     sizeof(err));                             \
		CU_ASSERT_EQUAL_FATAL(n, 48 + 4 + 4 + 4);                      \
		CU_ASSERT_EQUAL(wire[0] & 0x3f, OPC);                          \
		CU_ASSERT_EQUAL(iscsi_pdu_decode(&q, wire, (size_t)n, &dg,     \
						 err, sizeof(err)), 0);        \
		CU_ASSERT(q.hdigest_ok && q.ddigest_ok);                       \
		iscsi_##kind##_unpack(&q.bhs, &out);                           \
		CU_ASSERT_EQUAL(memcmp(&in, &out, sizeof(in)), 0);             \
		CU_ASSERT(iscsi_bhs_reserved_zero(&q.bhs, why, sizeof(why)));  \
		iscsi_pdu_release(&p);                                         \
		iscsi_pdu_release(&q);                                         \
	}

/* §11.18 */
ROUNDTRIP(nop_out, 0x00, in.immediate = true; in.lun[1] = 3;
	  in.itt = 0x01020304; in.ttt = 0xffffffff; in.cmdsn = 7;
	  in.exp_statsn = 9)
/* §11.3 */
ROUNDTRIP(scsi_cmd, 0x01, in.final = true; in.write = true;
	  in.attr = ISCSI_ATTR_ORDERED; in.lun[1] = 1; in.itt = 0xa1;
	  in.edtl = 0x200000; in.cmdsn = 0x11; in.exp_statsn = 0x22;
	  in.cdb[0] = 0x2a; in.cdb[15] = 0x7e)
/* §11.5 */
ROUNDTRIP(tmf_req, 0x02, in.immediate = true;
	  in.function = ISCSI_TMF_TASK_REASSIGN; in.lun[1] = 2; in.itt = 5;
	  in.ref_task_tag = 6; in.cmdsn = 7; in.exp_statsn = 8;
	  in.ref_cmdsn = 9; in.exp_datasn = 10)
/* §11.12 */
ROUNDTRIP(login_req, 0x03, in.transit = true; in.cont = false; in.csg = 0;
	  in.nsg = 1; in.version_max = 0; in.version_min = 0;
	  in.isid = 0x80123456789aull; in.tsih = 0x1234; in.cid = 0xbeef;
	  in.itt = 0x77; in.cmdsn = 0xfffffffe; in.exp_statsn = 3)
/* §11.10 */
ROUNDTRIP(text_req, 0x04, in.immediate = true; in.final = false;
	  in.cont = true; in.itt = 0x42; in.ttt = 0x43; in.cmdsn = 0x44;
	  in.exp_statsn = 0x45)
/* §11.7.1 */
ROUNDTRIP(data_out, 0x05, in.final = true; in.lun[1] = 9; in.itt = 1;
	  in.ttt = 2; in.exp_statsn = 3; in.datasn = 4;
	  in.buffer_offset = 0x10000)
/* §11.14 */
ROUNDTRIP(logout_req, 0x06, in.immediate = true;
	  in.reason = ISCSI_LOGOUT_REMOVE_FOR_RECOVERY; in.cid = 4;
	  in.itt = 0x99; in.cmdsn = 0x100; in.exp_statsn = 0x200)
/* §11.16 */
ROUNDTRIP(snack, 0x10, in.type = ISCSI_SNACK_RDATA; in.lun[1] = 1;
	  in.itt = 0x31; in.ttt = 0x32; in.exp_statsn = 0x33; in.begrun = 0;
	  in.runlength = 0)
/* §11.19 */
ROUNDTRIP(nop_in, 0x20, in.lun[1] = 4; in.itt = 0xffffffff; in.ttt = 0x55;
	  in.statsn = 1; in.exp_cmdsn = 2; in.max_cmdsn = 3)
/* §11.4 */
ROUNDTRIP(scsi_rsp, 0x21, in.bidi_overflow = true; in.underflow = true;
	  in.response = ISCSI_RSP_COMPLETED; in.status = 0x02; in.itt = 0xa1;
	  in.snack_tag = 0xb2; in.statsn = 0xc3; in.exp_cmdsn = 0xd4;
	  in.max_cmdsn = 0xe5; in.exp_datasn = 0xf6; in.bidi_residual = 7;
	  in.residual = 8)
/* §11.6 */
ROUNDTRIP(tmf_rsp, 0x22, in.response = ISCSI_TMF_RSP_REJECTED; in.itt = 1;
	  in.statsn = 2; in.exp_cmdsn = 3; in.max_cmdsn = 4)
/* §11.13 */
ROUNDTRIP(login_rsp, 0x23, in.transit = true; in.csg = 1; in.nsg = 3;
	  in.version_max = 0; in.version_active = 0;
	  in.isid = 0x00023d000001ull; in.tsih = 0x1001; in.itt = 0x5;
	  in.statsn = 6; in.exp_cmdsn = 7; in.max_cmdsn = 8;
	  in.status_class = 2; in.status_detail = 1)
/* §11.11 */
ROUNDTRIP(text_rsp, 0x24, in.final = true; in.lun[7] = 0; in.itt = 10;
	  in.ttt = 0xffffffff; in.statsn = 11; in.exp_cmdsn = 12;
	  in.max_cmdsn = 13)
/* §11.7.2 */
ROUNDTRIP(data_in, 0x25, in.final = true; in.ack = true;
	  in.overflow = true; in.status_present = true; in.status = 0x02;
	  in.lun[1] = 1; in.itt = 21; in.ttt = 22; in.statsn = 23;
	  in.exp_cmdsn = 24; in.max_cmdsn = 25; in.datasn = 26;
	  in.buffer_offset = 27; in.residual = 28)
/* §11.15 */
ROUNDTRIP(logout_rsp, 0x26, in.response = ISCSI_LOGOUT_RSP_CLEANUP_FAILED;
	  in.itt = 31; in.statsn = 32; in.exp_cmdsn = 33; in.max_cmdsn = 34;
	  in.time2wait = 2; in.time2retain = 20)
/* §11.8 */
ROUNDTRIP(r2t, 0x31, in.lun[1] = 1; in.itt = 41; in.ttt = 42;
	  in.statsn = 43; in.exp_cmdsn = 44; in.max_cmdsn = 45; in.r2tsn = 46;
	  in.buffer_offset = 47; in.desired_len = 48)
/* §11.9 */
ROUNDTRIP(async, 0x32, in.lun[1] = 1; in.itt = 0xffffffff; in.statsn = 51;
	  in.exp_cmdsn = 52; in.max_cmdsn = 53;
	  in.event = ISCSI_ASYNC_DROP_CONNECTION; in.vcode = 0;
	  in.param1 = 1; in.param2 = 2; in.param3 = 3)
/* §11.17 */
ROUNDTRIP(reject, 0x3f, in.reason = ISCSI_REJECT_PROTOCOL_ERROR;
	  in.itt = 0xffffffff; in.statsn = 61; in.exp_cmdsn = 62;
	  in.max_cmdsn = 63; in.datasn = 64)

/* §11.5: pack keeps TotalAHSLength/DSL, which belong to the segments */
static void pack_keeps_segment_lengths(void)
{
	struct iscsi_tmf_req_f f;
	struct iscsi_bhs b;

	memset(&f, 0, sizeof(f));
	memset(&b, 0xff, sizeof(b));
	iscsi_tmf_req_pack(&b, &f);
	CU_ASSERT_EQUAL(b.total_ahs_len, 0xff);
	CU_ASSERT_EQUAL(iscsi_bhs_dsl(&b), 0xffffff);
	CU_ASSERT_EQUAL(b.opcode, ISCSI_OP_TMF_REQ);
	CU_ASSERT_EQUAL(b.flags, 0x80);
	CU_ASSERT_EQUAL(((uint8_t *)&b)[40], 0);
}

/* new/free pair and release of an empty PDU */
static void pdu_new_free_and_release(void)
{
	struct iscsi_pdu *p = iscsi_pdu_new();

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(iscsi_pdu_set_data(p, "abc", 3), 0);
	CU_ASSERT_EQUAL(iscsi_pdu_set_data(p, NULL, 0), 0);
	CU_ASSERT_PTR_NULL(p->data);
	CU_ASSERT_EQUAL(iscsi_bhs_dsl(&p->bhs), 0);
	iscsi_pdu_free(p);
	iscsi_pdu_free(NULL);
}

UNIT_SUITE(pdu, "pdu",
	   UNIT_TEST(login_request_decodes_from_rfc_layout),
	   UNIT_TEST(login_request_encodes_to_rfc_layout),
	   UNIT_TEST(digests_are_placed_after_header_and_padded_data),
	   UNIT_TEST(wrong_digest_is_flagged_not_rejected),
	   UNIT_TEST(truncated_pdu_is_rejected_with_reason),
	   UNIT_TEST(oversized_input_is_rejected_with_reason),
	   UNIT_TEST(encode_refuses_short_buffer),
	   UNIT_TEST(oversize_segments_are_refused),
	   UNIT_TEST(ahs_is_padded_and_walked),
	   UNIT_TEST(bidi_read_length_ahs_layout),
	   UNIT_TEST(ahs_length_overrun_is_detected),
	   UNIT_TEST(extended_cdb_goes_to_ahs_type_1),
	   UNIT_TEST(scsi_response_sense_has_length_prefix),
	   UNIT_TEST(reject_carries_rejected_header),
	   UNIT_TEST(opcode_names_and_classes),
	   UNIT_TEST(reserved_checker_reports_first_offender),
	   UNIT_TEST(nop_out_round_trips), UNIT_TEST(scsi_cmd_round_trips),
	   UNIT_TEST(tmf_req_round_trips), UNIT_TEST(login_req_round_trips),
	   UNIT_TEST(text_req_round_trips), UNIT_TEST(data_out_round_trips),
	   UNIT_TEST(logout_req_round_trips), UNIT_TEST(snack_round_trips),
	   UNIT_TEST(nop_in_round_trips), UNIT_TEST(scsi_rsp_round_trips),
	   UNIT_TEST(tmf_rsp_round_trips), UNIT_TEST(login_rsp_round_trips),
	   UNIT_TEST(text_rsp_round_trips), UNIT_TEST(data_in_round_trips),
	   UNIT_TEST(logout_rsp_round_trips), UNIT_TEST(r2t_round_trips),
	   UNIT_TEST(async_round_trips), UNIT_TEST(reject_round_trips),
	   UNIT_TEST(pack_keeps_segment_lengths),
	   UNIT_TEST(pdu_new_free_and_release))
