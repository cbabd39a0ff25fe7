/* SPDX-License-Identifier: MIT */
/*
 * test_lu_spc.c - primary commands: INQUIRY and VPD pages, MODE SENSE,
 * REPORT SUPPORTED OPERATION CODES, TEST UNIT READY, START STOP, PREVENT
 * ALLOW, SPC-2 RESERVE / RELEASE, REPORT LUNS and the unmapped LUN.
 */
#include "test_lu_fixture.h"
#include "unit.h"

static uint8_t spc_inq(uint64_t lun, bool evpd, uint8_t page, uint16_t alloc)
{
	uint8_t cdb[16];

	scsi_cdb_inquiry(cdb, evpd, page, alloc);
	return lu_fx_run_lun(NX1, lun, cdb, 6, NULL, 0);
}

/* SPC-4 §6.6.2: SPC-4 version, HISUP, format 2, length, identification. */
static void inquiry_standard_data_is_spc4_with_hisup(void)
{
	LU_FX_OPEN(NULL);
	CU_ASSERT_EQUAL(spc_inq(0, false, 0, 255), 0x00);
	CU_ASSERT_EQUAL(lu_fx.t.data_in_len, 96);
	CU_ASSERT_EQUAL(lu_fx.din[0], 0x00);
	CU_ASSERT_EQUAL(lu_fx.din[2], 0x06);
	CU_ASSERT_EQUAL(lu_fx.din[3], 0x12);
	CU_ASSERT_EQUAL(lu_fx.din[4], 91);
	CU_ASSERT_EQUAL(memcmp(lu_fx.din + 8, "ISCSICTS", 8), 0);
	CU_ASSERT_EQUAL(memcmp(lu_fx.din + 16, "REFTGT          ", 16), 0);
	CU_ASSERT_EQUAL(iscsi_get16(lu_fx.din + 62), 0x0460); /* SPC-4 */
	lu_fx_close();
}

/* SPC-4 §4.2.5.6: data is cut at the allocation length; 0 sends none. */
static void inquiry_allocation_length_truncates(void)
{
	LU_FX_OPEN(NULL);
	CU_ASSERT_EQUAL(spc_inq(0, false, 0, 5), 0x00);
	CU_ASSERT_EQUAL(lu_fx.t.data_in_len, 5);
	CU_ASSERT_EQUAL(lu_fx.din[5], 0xee);
	CU_ASSERT_EQUAL(spc_inq(0, false, 0, 0), 0x00);
	CU_ASSERT_EQUAL(lu_fx.t.data_in_len, 0);
	lu_fx_close();
}

/* SPC-4 §6.6.1: EVPD=0 with a PAGE CODE -> INVALID FIELD IN CDB. */
static void inquiry_evpd0_with_page_code_is_invalid_field(void)
{
	LU_FX_OPEN(NULL);
	CU_ASSERT_EQUAL(spc_inq(0, false, 0x83, 255), 0x02);
	CU_ASSERT(lu_fx_sense_is(0x5, 0x24, 0x00));
	CU_ASSERT_EQUAL(spc_inq(0, true, 0xc7, 255), 0x02);
	CU_ASSERT(lu_fx_sense_is(0x5, 0x24, 0x00));
	lu_fx_close();
}

/* SPC-4 §7.8.13: the supported pages, in ascending order. */
static void inquiry_vpd00_lists_supported_pages_ascending(void)
{
	static const uint8_t want[] = {0x00, 0x80, 0x83, 0xb0, 0xb1, 0xb2};

	LU_FX_OPEN(NULL);
	CU_ASSERT_EQUAL(spc_inq(0, true, 0x00, 255), 0x00);
	CU_ASSERT_EQUAL(lu_fx.din[1], 0x00);
	CU_ASSERT_EQUAL(iscsi_get16(lu_fx.din + 2), 6);
	CU_ASSERT_EQUAL(memcmp(lu_fx.din + 4, want, 6), 0);
	lu_fx_close();
}

/* SPC-4 §7.8.15: unit serial number page. */
static void inquiry_vpd80_returns_serial(void)
{
	struct lu_opts o = {.serial = "SN0042"};

	LU_FX_OPEN(&o);
	CU_ASSERT_EQUAL(spc_inq(0, true, 0x80, 255), 0x00);
	CU_ASSERT_EQUAL(iscsi_get16(lu_fx.din + 2), 6);
	CU_ASSERT_EQUAL(memcmp(lu_fx.din + 4, "SN0042", 6), 0);
	lu_fx_close();
}

/* SPC-4 §7.8.6: NAA, T10 vendor id, target port and device names. */
static void inquiry_vpd83_has_naa_t10_and_port_designators(void)
{
	struct lu_opts o = {.naa = 0x5001405abcdef012ull};
	const uint8_t *d = lu_fx.din;
	size_t off, end;
	int naa = 0, t10 = 0, rtp = 0, port = 0, dev = 0;

	LU_FX_OPEN(&o);
	CU_ASSERT_EQUAL(spc_inq(0, true, 0x83, 1024), 0x00);
	end = 4 + iscsi_get16(d + 2);
	CU_ASSERT_EQUAL(lu_fx.t.data_in_len, end);
	for (off = 4; off + 4 <= end; off += 4 + d[off + 3]) {
		uint8_t type = d[off + 1] & 0x0f, assoc = (d[off + 1] >> 4) & 3;

		if (type == 3 && assoc == 0 && d[off + 3] == 8 &&
		    iscsi_get64(d + off + 4) == 0x5001405abcdef012ull)
			naa++;
		if (type == 1 && memcmp(d + off + 4, "ISCSICTS", 8) == 0)
			t10++;
		if (type == 4 && assoc == 1 && iscsi_get16(d + off + 6) == 1)
			rtp++;
		if (type == 8 && assoc == 1 &&
		    strcmp((const char *)d + off + 4,
			   "iqn.2024-01.org.example:disk,t,0x0001") == 0)
			port++;
		if (type == 8 && assoc == 2 &&
		    strcmp((const char *)d + off + 4,
			   "iqn.2024-01.org.example:disk") == 0)
			dev++;
		if (type == 8)
			CU_ASSERT_EQUAL(d[off + 3] % 4, 0);
	}
	CU_ASSERT_EQUAL(off, end);
	CU_ASSERT(naa == 1 && t10 == 1 && rtp == 1 && port == 1 && dev == 1);
	lu_fx_close();
}

/* SBC-3 §6.5.3: Block Limits, page length 3Ch, non-zero UNMAP limits. */
static void inquiry_vpd_b0_block_limits(void)
{
	LU_FX_OPEN(NULL);
	CU_ASSERT_EQUAL(spc_inq(0, true, 0xb0, 255), 0x00);
	CU_ASSERT_EQUAL(lu_fx.t.data_in_len, 64);
	CU_ASSERT_EQUAL(iscsi_get16(lu_fx.din + 2), 0x3c);
	CU_ASSERT_EQUAL(lu_fx.din[4] & 1, 0);			/* WSNZ */
	CU_ASSERT_EQUAL(iscsi_get32(lu_fx.din + 8), 32768);	/* 16 MiB */
	CU_ASSERT(iscsi_get32(lu_fx.din + 20) > 0);		/* unmap LBAs */
	CU_ASSERT(iscsi_get32(lu_fx.din + 20) <= 1024 * 1024);
	CU_ASSERT(iscsi_get32(lu_fx.din + 24) > 0);		/* descriptors */
	CU_ASSERT(iscsi_get64(lu_fx.din + 36) > 0);		/* WRITE SAME */
	lu_fx_close();
}

/* SBC-4 §6.6.4: MAXIMUM COMPARE AND WRITE LENGTH 255 (one-byte NLB) and
 * MAXIMUM WRITE SAME LENGTH no larger than MAXIMUM TRANSFER LENGTH. */
static void inquiry_vpd_b0_caw_and_write_same_limits(void)
{
	struct lu_opts o = {.block_size = 4096};

	LU_FX_OPEN(NULL);
	CU_ASSERT_EQUAL(spc_inq(0, true, 0xb0, 255), 0x00);
	CU_ASSERT_EQUAL(lu_fx.din[5], 255);
	CU_ASSERT_EQUAL(iscsi_get64(lu_fx.din + 36), 32768);
	lu_fx_close();
	LU_FX_OPEN(&o);
	CU_ASSERT_EQUAL(spc_inq(0, true, 0xb0, 255), 0x00);
	CU_ASSERT_EQUAL(lu_fx.din[5], 255);
	CU_ASSERT_EQUAL(iscsi_get32(lu_fx.din + 8), 4096);
	CU_ASSERT_EQUAL(iscsi_get64(lu_fx.din + 36), 4096);
	lu_fx_close();
}

/* SBC-3 §6.5.2: MEDIUM ROTATION RATE 1 = non-rotating. */
static void inquiry_vpd_b1_non_rotating(void)
{
	LU_FX_OPEN(NULL);
	CU_ASSERT_EQUAL(spc_inq(0, true, 0xb1, 255), 0x00);
	CU_ASSERT_EQUAL(iscsi_get16(lu_fx.din + 2), 0x3c);
	CU_ASSERT_EQUAL(iscsi_get16(lu_fx.din + 4), 1);
	lu_fx_close();
}

/* SBC-3 §6.5.4: LBPU, LBPWS, LBPWS10, LBPRZ set. */
static void inquiry_vpd_b2_unmap_and_lbprz(void)
{
	LU_FX_OPEN(NULL);
	CU_ASSERT_EQUAL(spc_inq(0, true, 0xb2, 255), 0x00);
	CU_ASSERT_EQUAL(lu_fx.din[5] & 0xe4, 0xe4);
	CU_ASSERT_EQUAL(lu_fx.din[5] & 0x02, 0); /* ANC_SUP */
	lu_fx_close();
}

static uint8_t spc_ms6(uint8_t flags, uint8_t pc, uint8_t page, uint8_t alloc)
{
	uint8_t cdb[16];

	scsi_cdb_mode_sense6(cdb, flags, pc, page, 0, alloc);
	return lu_fx_run(NX1, cdb, 6, NULL, 0);
}

/* Finds a mode page in MODE SENSE(6) data; NULL if absent. */
static const uint8_t *spc_page(uint8_t code)
{
	const uint8_t *d = lu_fx.din;
	size_t n = (size_t)d[0] + 1, off = 4 + d[3];

	for (; off + 2 <= n; off += 2 + d[off + 1])
		if ((d[off] & 0x3f) == code)
			return d + off;
	return NULL;
}

/* SPC-4 §6.11: 3Fh returns caching, control, informational exceptions. */
static void mode_sense6_all_pages_has_caching_control_iec(void)
{
	LU_FX_OPEN(NULL);
	CU_ASSERT_EQUAL(spc_ms6(0, 0, 0x3f, 255), 0x00);
	CU_ASSERT_EQUAL(lu_fx.din[0] + 1, (int)lu_fx.t.data_in_len);
	CU_ASSERT_EQUAL(lu_fx.din[3], 8); /* block descriptor */
	CU_ASSERT_EQUAL(iscsi_get32(lu_fx.din + 4), 2048);
	CU_ASSERT_EQUAL(lu_fx.din[2] & 0x10, 0x10); /* DPOFUA */
	CU_ASSERT_PTR_NOT_NULL(spc_page(0x08));
	CU_ASSERT_PTR_NOT_NULL(spc_page(0x0a));
	CU_ASSERT_PTR_NOT_NULL(spc_page(0x1c));
	lu_fx_close();
}

/* SBC-3 §6.4.5: WCE=1 for write-back, 0 for write-through. */
static void mode_sense_caching_wce_follows_io_mode(void)
{
	struct lu_opts o = {.write_through = true};

	LU_FX_OPEN(NULL);
	CU_ASSERT_EQUAL(spc_ms6(SCSI_MS_DBD, 0, 0x08, 255), 0x00);
	CU_ASSERT_EQUAL(lu_fx.din[3], 0); /* DBD: no block descriptor */
	CU_ASSERT_EQUAL(spc_page(0x08)[2] & 0x04, 0x04);
	lu_fx_close();
	LU_FX_OPEN(&o);
	CU_ASSERT_EQUAL(spc_ms6(SCSI_MS_DBD, 0, 0x08, 255), 0x00);
	CU_ASSERT_EQUAL(spc_page(0x08)[2] & 0x04, 0x00);
	lu_fx_close();
}

/* SPC-4 §6.11: saved values -> SAVING PARAMETERS NOT SUPPORTED. */
static void mode_sense_saved_values_is_39_00(void)
{
	LU_FX_OPEN(NULL);
	CU_ASSERT_EQUAL(spc_ms6(0, 3, 0x3f, 255), 0x02);
	CU_ASSERT(lu_fx_sense_is(0x5, 0x39, 0x00));
	lu_fx_close();
}

/* SPC-4 §6.11: changeable values: nothing may be changed. */
static void mode_sense_changeable_values_are_zero(void)
{
	const uint8_t *p;

	LU_FX_OPEN(NULL);
	CU_ASSERT_EQUAL(spc_ms6(SCSI_MS_DBD, 1, 0x08, 255), 0x00);
	p = spc_page(0x08);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	for (size_t i = 2; i < 2u + p[1]; i++)
		CU_ASSERT_EQUAL(p[i], 0);
	lu_fx_close();
}

/* SPC-4 §6.12 / SBC-3 §6.4.2: LLBAA gives a 16-byte block descriptor. */
static void mode_sense10_llbaa_returns_long_descriptor(void)
{
	uint8_t cdb[16];

	LU_FX_OPEN(NULL);
	scsi_cdb_mode_sense10(cdb, SCSI_MS_LLBAA, 0, 0x0a, 0, 512);
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 10, NULL, 0), 0x00);
	CU_ASSERT_EQUAL(iscsi_get16(lu_fx.din) + 2, (int)lu_fx.t.data_in_len);
	CU_ASSERT_EQUAL(lu_fx.din[4] & 1, 1); /* LONGLBA */
	CU_ASSERT_EQUAL(iscsi_get16(lu_fx.din + 6), 16);
	CU_ASSERT_EQUAL(iscsi_get64(lu_fx.din + 8), 2048);
	CU_ASSERT_EQUAL(iscsi_get32(lu_fx.din + 20), 512);
	CU_ASSERT_EQUAL(lu_fx.din[24], 0x0a);
	lu_fx_close();
}

/* SBC-3 §6.4.1: WP set in the device-specific parameter when read-only. */
static void mode_sense_wp_set_when_read_only(void)
{
	struct lu_opts o = {0};
	struct lu *rw;
	char err[128];

	CU_ASSERT_FATAL(lu_fx_open(NULL) == 0);
	rw = lu_fx.lu;
	o.path = lu_fx.path;
	o.read_only = true;
	CU_ASSERT_FATAL(lu_open(&lu_fx.lu, &o, err, sizeof(err)) == 0);
	lu_fx.set.map[0].lu = lu_fx.lu;
	lu_new_nexus(lu_fx.lu, NX1, NULL);
	spc_ms6(0, 0, 0x3f, 255); /* consumes the power-on UA */
	CU_ASSERT_EQUAL(spc_ms6(0, 0, 0x3f, 255), 0x00);
	CU_ASSERT_EQUAL(lu_fx.din[2] & 0x80, 0x80);
	lu_close(rw);
	lu_fx_close();
}

/* SPC-4 §6.11: an unsupported page -> INVALID FIELD IN CDB. */
static void mode_sense_unknown_page_is_invalid_field(void)
{
	LU_FX_OPEN(NULL);
	CU_ASSERT_EQUAL(spc_ms6(0, 0, 0x19, 255), 0x02);
	CU_ASSERT(lu_fx_sense_is(0x5, 0x24, 0x00));
	lu_fx_close();
}

/* SPC-4 §6.35.2: all commands, 8-byte descriptors, READ(10) is one. */
static void report_opcodes_all_lists_read10(void)
{
	uint8_t cdb[16];
	size_t n, found = 0;

	LU_FX_OPEN(NULL);
	scsi_cdb_report_supported_opcodes(cdb, 0, 0, 0, 8192);
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 12, NULL, 0), 0x00);
	n = iscsi_get32(lu_fx.din);
	CU_ASSERT_EQUAL(n % 8, 0);
	for (size_t off = 4; off < 4 + n; off += 8)
		if (lu_fx.din[off] == 0x28 &&
		    iscsi_get16(lu_fx.din + off + 6) == 10)
			found++;
	CU_ASSERT_EQUAL(found, 1);
	lu_fx_close();
}

/* SPC-4 §6.35.3: one command: SUPPORT 011b and its CDB usage data. */
static void report_opcodes_one_read10_usage_has_dpo_fua(void)
{
	uint8_t cdb[16];

	LU_FX_OPEN(NULL);
	scsi_cdb_report_supported_opcodes(cdb, 1, 0x28, 0, 512);
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 12, NULL, 0), 0x00);
	CU_ASSERT_EQUAL(lu_fx.din[1] & 7, 3);
	CU_ASSERT_EQUAL(iscsi_get16(lu_fx.din + 2), 10);
	CU_ASSERT_EQUAL(lu_fx.din[4], 0x28);
	CU_ASSERT_EQUAL(lu_fx.din[5] & 0x18, 0x18);
	lu_fx_close();
}

/* SPC-4 §6.35.1: option 001b on an opcode with service actions fails. */
static void report_opcodes_option1_on_service_action_opcode_is_invalid(void)
{
	uint8_t cdb[16];

	LU_FX_OPEN(NULL);
	scsi_cdb_report_supported_opcodes(cdb, 1, 0x5e, 0, 512);
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 12, NULL, 0), 0x02);
	CU_ASSERT(lu_fx_sense_is(0x5, 0x24, 0x00));
	scsi_cdb_report_supported_opcodes(cdb, 2, 0x5e, 3, 512);
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 12, NULL, 0), 0x00);
	CU_ASSERT_EQUAL(lu_fx.din[5], 0x03);
	lu_fx_close();
}

/* SPC-4 §6.35.2: RCTD=1 adds a 12-byte timeout descriptor (CTDP). */
static void report_opcodes_rctd_adds_timeout_descriptors(void)
{
	uint8_t cdb[16];

	LU_FX_OPEN(NULL);
	scsi_cdb_report_supported_opcodes(cdb, SCSI_RSOC_RCTD, 0, 0, 8192);
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 12, NULL, 0), 0x00);
	CU_ASSERT_EQUAL(iscsi_get32(lu_fx.din) % 20, 0);
	CU_ASSERT_EQUAL(lu_fx.din[4 + 5] & 0x02, 0x02);
	CU_ASSERT_EQUAL(iscsi_get16(lu_fx.din + 12), 0x0a);
	lu_fx_close();
}

/* SBC-3 §5.25, §5.13: the medium is always there; both are accepted. */
static void tur_start_stop_prevent_allow_are_good(void)
{
	uint8_t cdb[16];

	LU_FX_OPEN(NULL);
	scsi_cdb_test_unit_ready(cdb);
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 6, NULL, 0), 0x00);
	scsi_cdb_start_stop_unit(cdb, true, 0, SCSI_SSU_START);
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 6, NULL, 0), 0x00);
	scsi_cdb_prevent_allow(cdb, 1);
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 6, NULL, 0), 0x00);
	scsi_cdb_prevent_allow(cdb, 0);
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 6, NULL, 0), 0x00);
	scsi_cdb_prevent_allow(cdb, 2);
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 6, NULL, 0), 0x02);
	CU_ASSERT(lu_fx_sense_is(0x5, 0x24, 0x00));
	lu_fx_close();
}

/* SPC-2 §5.5.1: another nexus gets RESERVATION CONFLICT; INQUIRY passes. */
static void reserve6_other_nexus_gets_reservation_conflict(void)
{
	uint8_t cdb[16];

	LU_FX_OPEN(NULL);
	scsi_cdb_reserve6(cdb);
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 6, NULL, 0), 0x00);
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 6, NULL, 0), 0x00);
	CU_ASSERT_EQUAL(lu_fx_run(NX2, cdb, 6, NULL, 0), 0x18);
	scsi_cdb_read10(cdb, 0, 1, 0);
	CU_ASSERT_EQUAL(lu_fx_run(NX2, cdb, 10, NULL, 0), 0x18);
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 10, NULL, 0), 0x00);
	scsi_cdb_inquiry(cdb, false, 0, 96);
	CU_ASSERT_EQUAL(lu_fx_run(NX2, cdb, 6, NULL, 0), 0x00);
	/* RELEASE from a non-holder does nothing (SPC-2 §7.17) */
	scsi_cdb_release6(cdb);
	CU_ASSERT_EQUAL(lu_fx_run(NX2, cdb, 6, NULL, 0), 0x00);
	scsi_cdb_reserve6(cdb);
	CU_ASSERT_EQUAL(lu_fx_run(NX2, cdb, 6, NULL, 0), 0x18);
	scsi_cdb_release6(cdb);
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 6, NULL, 0), 0x00);
	scsi_cdb_reserve6(cdb);
	CU_ASSERT_EQUAL(lu_fx_run(NX2, cdb, 6, NULL, 0), 0x00);
	lu_fx_close();
}

/* SPC-2 §5.5.3: I_T nexus loss and LU reset release the reservation. */
static void reserve6_released_by_nexus_loss_and_lun_reset(void)
{
	uint8_t cdb[16];

	LU_FX_OPEN(NULL);
	scsi_cdb_reserve6(cdb);
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 6, NULL, 0), 0x00);
	lu_nexus_gone(lu_fx.lu, NX1);
	CU_ASSERT_EQUAL(lu_fx_run(NX2, cdb, 6, NULL, 0), 0x00);
	lu_reset(lu_fx.lu, NX1);
	lu_new_nexus(lu_fx.lu, NX1, NULL);
	/* two UAs queued for NX1, reset first, then its nexus loss */
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 6, NULL, 0), 0x02);
	CU_ASSERT(lu_fx_sense_is(0x6, 0x29, 0x03));
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 6, NULL, 0), 0x02);
	CU_ASSERT(lu_fx_sense_is(0x6, 0x29, 0x07));
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 6, NULL, 0), 0x00);
	lu_fx_close();
}

/* SAM-5 §4.7: peripheral addressing below 256, flat space above. */
static void report_luns_uses_peripheral_and_flat_addressing(void)
{
	uint8_t cdb[16];
	char err[64];

	LU_FX_OPEN(NULL);
	CU_ASSERT_EQUAL(lu_set_add(&lu_fx.set, 300, lu_fx.lu, err, sizeof(err)),
			0);
	CU_ASSERT_EQUAL(lu_set_add(&lu_fx.set, 16384, lu_fx.lu, err,
				   sizeof(err)), -1);
	scsi_cdb_report_luns(cdb, 0, 512);
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 12, NULL, 0), 0x00);
	CU_ASSERT_EQUAL(iscsi_get32(lu_fx.din), 16);
	CU_ASSERT_EQUAL(iscsi_get64(lu_fx.din + 8), 0);
	CU_ASSERT_EQUAL(iscsi_get64(lu_fx.din + 16), 0x412c000000000000ull);
	CU_ASSERT_EQUAL(lu_fx.t.data_in_len, 24);
	lu_fx_close();
}

/* SPC-4 §6.33: SELECT REPORT 01h lists the well-known LU; >02h invalid. */
static void report_luns_select_report_codes(void)
{
	uint8_t cdb[16];

	LU_FX_OPEN(NULL);
	scsi_cdb_report_luns(cdb, 1, 512);
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 12, NULL, 0), 0x00);
	CU_ASSERT_EQUAL(iscsi_get32(lu_fx.din), 8);
	CU_ASSERT_EQUAL(iscsi_get64(lu_fx.din + 8), 0xc101000000000000ull);
	scsi_cdb_report_luns(cdb, 2, 512);
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 12, NULL, 0), 0x00);
	CU_ASSERT_EQUAL(iscsi_get32(lu_fx.din), 16);
	scsi_cdb_report_luns(cdb, 3, 512);
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 12, NULL, 0), 0x02);
	CU_ASSERT(lu_fx_sense_is(0x5, 0x24, 0x00));
	scsi_cdb_report_luns(cdb, 0, 15);
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 12, NULL, 0), 0x02);
	CU_ASSERT(lu_fx_sense_is(0x5, 0x24, 0x00));
	lu_fx_close();
}

/* SPC-4 §6.33: REPORT LUNS is answered on an unmapped LUN and the W-LUN. */
static void report_luns_answered_on_unmapped_lun_and_wlun(void)
{
	uint8_t cdb[16];

	LU_FX_OPEN(NULL);
	lu_fx.set.map[0].lun = 5; /* LUN 0 unmapped now */
	scsi_cdb_report_luns(cdb, 0, 512);
	CU_ASSERT_EQUAL(lu_fx_run_lun(NX1, 0, cdb, 12, NULL, 0), 0x00);
	CU_ASSERT_EQUAL(iscsi_get32(lu_fx.din), 8);
	CU_ASSERT_EQUAL(lu_fx.din[9], 5);
	CU_ASSERT_EQUAL(lu_fx_run_lun(NX1, LU_WLUN_REPORT_LUNS, cdb, 12, NULL,
				      0), 0x00);
	CU_ASSERT_EQUAL(iscsi_get32(lu_fx.din), 8);
	lu_fx.set.map[0].lun = 0;
	lu_fx_close();
}

/* SPC-4 §6.6.2: no LU -> peripheral qualifier 011b, type 1Fh. */
static void unmapped_lun_inquiry_is_qualifier_011_type_1f(void)
{
	LU_FX_OPEN(NULL);
	CU_ASSERT_EQUAL(spc_inq(7, false, 0, 255), 0x00);
	CU_ASSERT_EQUAL(lu_fx.din[0], 0x7f);
	CU_ASSERT_EQUAL(lu_fx.din[4] + 5, (int)lu_fx.t.data_in_len);
	CU_ASSERT(lu_fx.t.data_in_len >= 36);
	lu_fx_close();
}

/* SPC-4 §6.39: REQUEST SENSE on no LU: GOOD, LU NOT SUPPORTED data. */
static void unmapped_lun_request_sense_is_lu_not_supported(void)
{
	uint8_t cdb[16];

	LU_FX_OPEN(NULL);
	scsi_cdb_request_sense(cdb, false, 18);
	CU_ASSERT_EQUAL(lu_fx_run_lun(NX1, 7, cdb, 6, NULL, 0), 0x00);
	CU_ASSERT_EQUAL(lu_fx.din[2] & 0xf, 0x5);
	CU_ASSERT_EQUAL(lu_fx.din[12], 0x25);
	CU_ASSERT_EQUAL(lu_fx.din[13], 0x00);
	lu_fx_close();
}

/* SAM-5 §5.10: other commands -> CHECK CONDITION 25h/00h. */
static void unmapped_lun_other_command_is_25_00(void)
{
	uint8_t cdb[16];

	LU_FX_OPEN(NULL);
	scsi_cdb_test_unit_ready(cdb);
	CU_ASSERT_EQUAL(lu_fx_run_lun(NX1, 7, cdb, 6, NULL, 0), 0x02);
	CU_ASSERT(lu_fx_sense_is(0x5, 0x25, 0x00));
	lu_fx_close();
}

/* SPC-4 §8.2: the REPORT LUNS W-LUN is device type 1Eh. */
static void wlun_inquiry_is_well_known_type_1e(void)
{
	LU_FX_OPEN(NULL);
	CU_ASSERT_EQUAL(spc_inq(LU_WLUN_REPORT_LUNS, false, 0, 96), 0x00);
	CU_ASSERT_EQUAL(lu_fx.din[0], 0x1e);
	lu_fx_close();
}

UNIT_SUITE(lu_spc, "lu.spc",
	   UNIT_TEST(inquiry_standard_data_is_spc4_with_hisup),
	   UNIT_TEST(inquiry_allocation_length_truncates),
	   UNIT_TEST(inquiry_evpd0_with_page_code_is_invalid_field),
	   UNIT_TEST(inquiry_vpd00_lists_supported_pages_ascending),
	   UNIT_TEST(inquiry_vpd80_returns_serial),
	   UNIT_TEST(inquiry_vpd83_has_naa_t10_and_port_designators),
	   UNIT_TEST(inquiry_vpd_b0_block_limits),
	   UNIT_TEST(inquiry_vpd_b0_caw_and_write_same_limits),
	   UNIT_TEST(inquiry_vpd_b1_non_rotating),
	   UNIT_TEST(inquiry_vpd_b2_unmap_and_lbprz),
	   UNIT_TEST(mode_sense6_all_pages_has_caching_control_iec),
	   UNIT_TEST(mode_sense_caching_wce_follows_io_mode),
	   UNIT_TEST(mode_sense_saved_values_is_39_00),
	   UNIT_TEST(mode_sense_changeable_values_are_zero),
	   UNIT_TEST(mode_sense10_llbaa_returns_long_descriptor),
	   UNIT_TEST(mode_sense_wp_set_when_read_only),
	   UNIT_TEST(mode_sense_unknown_page_is_invalid_field),
	   UNIT_TEST(report_opcodes_all_lists_read10),
	   UNIT_TEST(report_opcodes_one_read10_usage_has_dpo_fua),
	   UNIT_TEST(report_opcodes_option1_on_service_action_opcode_is_invalid),
	   UNIT_TEST(report_opcodes_rctd_adds_timeout_descriptors),
	   UNIT_TEST(tur_start_stop_prevent_allow_are_good),
	   UNIT_TEST(reserve6_other_nexus_gets_reservation_conflict),
	   UNIT_TEST(reserve6_released_by_nexus_loss_and_lun_reset),
	   UNIT_TEST(report_luns_uses_peripheral_and_flat_addressing),
	   UNIT_TEST(report_luns_select_report_codes),
	   UNIT_TEST(report_luns_answered_on_unmapped_lun_and_wlun),
	   UNIT_TEST(unmapped_lun_inquiry_is_qualifier_011_type_1f),
	   UNIT_TEST(unmapped_lun_request_sense_is_lu_not_supported),
	   UNIT_TEST(unmapped_lun_other_command_is_25_00),
	   UNIT_TEST(wlun_inquiry_is_well_known_type_1e))
