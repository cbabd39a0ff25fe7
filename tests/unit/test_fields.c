/* SPDX-License-Identifier: MIT */
/*
 * test_fields.c - the named-field table: Wireshark names, per-opcode
 * offsets and tshark's value formats. Expected strings are what
 * `tshark -T fields -e NAME` (Wireshark 4.0) printed for these bytes.
 */
#include <string.h>

#include "fields.h"
#include "unit.h"

static void hex_to_bhs(const char *hex, struct iscsi_bhs *b)
{
	uint8_t *p = (uint8_t *)b;

	for (unsigned i = 0; i < ISCSI_BHS_LEN; i++) {
		unsigned v = 0;

		for (unsigned j = 0; j < 2; j++) {
			char c = hex[2 * i + j];

			v = v << 4 | (unsigned)(c <= '9' ? c - '0' : c - 'a' + 10);
		}
		p[i] = (uint8_t)v;
	}
}

static void expect(const struct iscsi_bhs *b, const char *name,
		   const char *want)
{
	const struct iscsi_field *f = iscsi_field_find(name, b->opcode);
	char buf[64];

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT(iscsi_field_shown(b, f));
	CU_ASSERT(iscsi_field_format(b, f, buf, sizeof(buf)) > 0);
	CU_ASSERT_STRING_EQUAL(buf, want);
}

/* §11.12 Login Request, as tshark prints its fields */
static void login_request_fields_print_like_tshark(void)
{
	struct iscsi_bhs b;

	hex_to_bhs("438700000000000000023d00000100001122334700010000"
		   "000010040000200500000000000000000000000000000000", &b);
	expect(&b, "iscsi.opcode", "0x03");
	expect(&b, "iscsi.login.T", "1");
	expect(&b, "iscsi.login.C", "0");
	expect(&b, "iscsi.login.csg", "0x01");
	expect(&b, "iscsi.login.nsg", "0x03");
	expect(&b, "iscsi.versionmax", "0x00");
	expect(&b, "iscsi.versionmin", "0x00");
	expect(&b, "iscsi.totalahslength", "0");
	expect(&b, "iscsi.datasegmentlength", "0");
	expect(&b, "iscsi.isid", "00023d000001");
	expect(&b, "iscsi.isid.t", "0x00");
	expect(&b, "iscsi.isid.b", "0x023d");
	expect(&b, "iscsi.isid.d", "0x0001");
	expect(&b, "iscsi.tsih", "0x0000");
	expect(&b, "iscsi.initiatortasktag", "0x11223347");
	expect(&b, "iscsi.cid", "0x0001");
	expect(&b, "iscsi.cmdsn", "4100");
	expect(&b, "iscsi.expstatsn", "8197");
	CU_ASSERT_PTR_NULL(iscsi_field_find("iscsi.I", b.opcode));
	CU_ASSERT_PTR_NULL(iscsi_field_find("iscsi.statsn", b.opcode));
}

/* §11.4 SCSI Response, as tshark prints its fields */
static void scsi_response_fields_print_like_tshark(void)
{
	struct iscsi_bhs b;

	hex_to_bhs("218600020000000000000000000000001122334500009009"
		   "00003002000010080000110800000a0a00000b0b00000c0c", &b);
	expect(&b, "iscsi.flags", "0x86");
	expect(&b, "iscsi.scsiresponse.o", "0");
	expect(&b, "iscsi.scsiresponse.O", "1");
	expect(&b, "iscsi.scsiresponse.U", "1");
	expect(&b, "iscsi.scsiresponse.response", "0x00");
	expect(&b, "iscsi.scsiresponse.status", "0x02");
	expect(&b, "iscsi.statsn", "12290");
	expect(&b, "iscsi.expcmdsn", "4104");
	expect(&b, "iscsi.maxcmdsn", "4360");
	expect(&b, "iscsi.expdatasn", "0x00000a0a");
	expect(&b, "iscsi.scsiresponse.bidireadresidualcount", "2827");
	expect(&b, "iscsi.scsiresponse.residualcount", "3084");
}

/* §11.7.2 Data-In: Status shown with S, TTT only with A (Wireshark) */
static void data_in_fields_follow_s_and_a_bits(void)
{
	struct iscsi_bhs b;
	const struct iscsi_field *ttt;

	hex_to_bhs("2587000000000000000100000000000011223345ffffffff"
		   "000030060000100c0000110c00000d0d00000e0e00000f0f", &b);
	expect(&b, "iscsi.scsidata.S", "1");
	expect(&b, "iscsi.scsidata.A", "0");
	expect(&b, "iscsi.scsiresponse.status", "0x00");
	expect(&b, "iscsi.datasn", "3341");
	expect(&b, "iscsi.bufferOffset", "3598");
	expect(&b, "iscsi.scsidata.readresidualcount", "3855");
	ttt = iscsi_field_find("iscsi.targettransfertag", b.opcode);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ttt);
	CU_ASSERT(!iscsi_field_shown(&b, ttt));
	b.flags |= ISCSI_DATA_IN_A;
	CU_ASSERT(iscsi_field_shown(&b, ttt));
}

/* §11.16 SNACK: type decimal, BegRun hex, RunLength decimal */
static void snack_fields_print_like_tshark(void)
{
	struct iscsi_bhs b;

	hex_to_bhs("108000000000000000010000000000001122334500005005"
		   "000000000000200900000000000000000000000300000004", &b);
	expect(&b, "iscsi.snack.type", "0");
	expect(&b, "iscsi.snack.begrun", "0x00000003");
	expect(&b, "iscsi.snack.runlength", "4");
	expect(&b, "iscsi.targettransfertag", "0x00005005");
}

/* §11.2.1: one name, different offsets per opcode */
static void lookup_is_per_opcode(void)
{
	const struct iscsi_field *f;

	f = iscsi_field_find("iscsi.statsn", ISCSI_OP_SCSI_RSP);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(f->offset, 24);
	CU_ASSERT_PTR_NULL(iscsi_field_find("iscsi.cmdsn", ISCSI_OP_SCSI_RSP));
	CU_ASSERT_PTR_NULL(iscsi_field_find("iscsi.statsn", ISCSI_OP_NOP_OUT));
	f = iscsi_field_find("iscsi.datasn", ISCSI_OP_REJECT);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(f->offset, 36);
	CU_ASSERT_PTR_NULL(iscsi_field_find("iscsi.datasn", ISCSI_OP_R2T));
	f = iscsi_field_find("iscsi.cid", ISCSI_OP_LOGOUT_REQ);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(f->offset, 20);
	CU_ASSERT_EQUAL(f->width, 2);
	/* the I bit in the opcode argument is ignored */
	CU_ASSERT_PTR_NOT_NULL(iscsi_field_find("iscsi.tsih", 0x43));
	CU_ASSERT_PTR_NULL(iscsi_field_find("iscsi.nosuch", 0x01));
}

/* Every field is readable, formattable and writable on every opcode it
 * names, and a name appears at most once per opcode. */
static void every_field_readable_on_its_opcodes(void)
{
	size_t n;
	const struct iscsi_field *t = iscsi_field_table(&n);

	CU_ASSERT(n > 60);
	for (size_t i = 0; i < n; i++) {
		for (unsigned op = 0; op < 64; op++) {
			struct iscsi_bhs b;
			uint64_t v = 0, w = 0;
			char buf[64];

			if (!(t[i].opcodes & ISCSI_FIELD_OP(op)))
				continue;
			memset(&b, 0xa5, sizeof(b));
			b.opcode = (uint8_t)op;
			CU_ASSERT_PTR_EQUAL(iscsi_field_find(t[i].name, op),
					    &t[i]);
			CU_ASSERT_EQUAL(iscsi_field_get(&b, &t[i], &v), 0);
			CU_ASSERT(iscsi_field_format(&b, &t[i], buf,
						     sizeof(buf)) > 0);
			CU_ASSERT_EQUAL(iscsi_field_set(&b, &t[i], 1), 0);
			CU_ASSERT_EQUAL(iscsi_field_get(&b, &t[i], &w), 0);
			CU_ASSERT_EQUAL(w, 1);
		}
	}
}

/* §11.12.3: CSG is 2 bits; writes stay inside the field's mask */
static void set_respects_mask_and_width(void)
{
	struct iscsi_bhs b;
	const struct iscsi_field *csg, *op, *tsih, *lun;
	uint64_t v;

	memset(&b, 0, sizeof(b));
	b.opcode = 0x43;
	b.flags = 0x83;
	csg = iscsi_field_find("iscsi.login.csg", b.opcode);
	op = iscsi_field_find("iscsi.opcode", b.opcode);
	tsih = iscsi_field_find("iscsi.tsih", b.opcode);
	lun = iscsi_field_find("bhs.lun", b.opcode);
	CU_ASSERT_PTR_NOT_NULL_FATAL(csg);
	CU_ASSERT_PTR_NOT_NULL_FATAL(op);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tsih);
	CU_ASSERT_PTR_NOT_NULL_FATAL(lun);
	CU_ASSERT_EQUAL(iscsi_field_set(&b, csg, 3), 0);
	CU_ASSERT_EQUAL(b.flags, 0x8f);
	CU_ASSERT_EQUAL(iscsi_field_set(&b, csg, 4), -1);
	CU_ASSERT_EQUAL(iscsi_field_set(&b, op, 0x23), 0);
	CU_ASSERT_EQUAL(b.opcode, 0x63); /* I bit kept */
	CU_ASSERT_EQUAL(iscsi_field_set(&b, tsih, 0x10000), -1);
	CU_ASSERT_EQUAL(iscsi_field_set(&b, lun, 0x0001000000000002ull), 0);
	CU_ASSERT_EQUAL(((uint8_t *)&b)[9], 0x01);
	CU_ASSERT_EQUAL(((uint8_t *)&b)[15], 0x02);
	CU_ASSERT_EQUAL(iscsi_field_get(&b, lun, &v), 0);
	CU_ASSERT_EQUAL(v, 0x0001000000000002ull);
}

/* Wireshark shows NSG only when T is set (§11.12.3 NSG needs T) */
static void login_nsg_shown_only_with_transit(void)
{
	struct iscsi_bhs b;
	const struct iscsi_field *nsg;
	char buf[16];

	memset(&b, 0, sizeof(b));
	b.opcode = 0x43;
	b.flags = 0x01;
	nsg = iscsi_field_find("iscsi.login.nsg", b.opcode);
	CU_ASSERT_PTR_NOT_NULL_FATAL(nsg);
	CU_ASSERT(!iscsi_field_shown(&b, nsg));
	CU_ASSERT_EQUAL(iscsi_field_format(&b, nsg, buf, sizeof(buf)), 4);
	CU_ASSERT_STRING_EQUAL(buf, "0x01");
	CU_ASSERT_EQUAL(iscsi_field_format(&b, nsg, buf, 4), -1);
}

UNIT_SUITE(fields, "fields",
	   UNIT_TEST(login_request_fields_print_like_tshark),
	   UNIT_TEST(scsi_response_fields_print_like_tshark),
	   UNIT_TEST(data_in_fields_follow_s_and_a_bits),
	   UNIT_TEST(snack_fields_print_like_tshark),
	   UNIT_TEST(lookup_is_per_opcode),
	   UNIT_TEST(every_field_readable_on_its_opcodes),
	   UNIT_TEST(set_respects_mask_and_width),
	   UNIT_TEST(login_nsg_shown_only_with_transit))
