/* SPDX-License-Identifier: MIT */
/*
 * test_lu_pr.c - persistent reservations (SPC-4 §5.12, §6.15, §6.16).
 */
#include "test_lu_fixture.h"
#include "unit.h"

#define K1 0x1111111111111111ull
#define K2 0x2222222222222222ull

static uint8_t pr_out(uint64_t nexus, uint8_t sa, uint8_t type, uint64_t key,
		      uint64_t sakey, uint8_t flags)
{
	uint8_t cdb[16], prm[24];

	scsi_pr_out_param(prm, sizeof(prm), key, sakey, flags);
	scsi_cdb_pr_out(cdb, sa, 0, type, sizeof(prm));
	return lu_fx_run(nexus, cdb, 10, prm, sizeof(prm));
}

static uint8_t pr_in(uint64_t nexus, uint8_t sa, uint16_t alloc)
{
	uint8_t cdb[16];

	scsi_cdb_pr_in(cdb, sa, alloc);
	return lu_fx_run(nexus, cdb, 10, NULL, 0);
}

static uint8_t pr_rw(uint64_t nexus, bool write)
{
	static uint8_t blk[512];
	uint8_t cdb[16];

	if (write)
		scsi_cdb_write10(cdb, 1, 1, 0);
	else
		scsi_cdb_read10(cdb, 1, 1, 0);
	return lu_fx_run(nexus, cdb, 10, blk, sizeof(blk));
}

static uint32_t pr_generation(uint64_t nexus)
{
	CU_ASSERT_EQUAL(pr_in(nexus, SCSI_PR_IN_READ_KEYS, 1024), 0);
	return iscsi_get32(lu_fx.din);
}

/* SPC-4 §6.15.2: a registered key is listed by READ KEYS. */
static void pr_register_then_read_keys_lists_it(void)
{
	LU_FX_OPEN(NULL);
	CU_ASSERT_EQUAL(pr_out(NX1, SCSI_PR_OUT_REGISTER, 0, 0, K1, 0), 0);
	CU_ASSERT_EQUAL(pr_in(NX1, SCSI_PR_IN_READ_KEYS, 1024), 0);
	CU_ASSERT_EQUAL(iscsi_get32(lu_fx.din), 1); /* PRGENERATION */
	CU_ASSERT_EQUAL(iscsi_get32(lu_fx.din + 4), 8);
	CU_ASSERT_EQUAL(iscsi_get64(lu_fx.din + 8), K1);
	lu_fx_close();
}

/* SPC-4 §5.12.7: REGISTER with the wrong reservation key conflicts. */
static void pr_reregister_with_wrong_key_is_reservation_conflict(void)
{
	LU_FX_OPEN(NULL);
	CU_ASSERT_EQUAL(pr_out(NX1, SCSI_PR_OUT_REGISTER, 0, 0, K1, 0), 0);
	CU_ASSERT_EQUAL(pr_out(NX1, SCSI_PR_OUT_REGISTER, 0, 0, K2, 0), 0x18);
	/* REGISTER AND IGNORE EXISTING KEY replaces it */
	CU_ASSERT_EQUAL(pr_out(NX1, SCSI_PR_OUT_REGISTER_AND_IGNORE, 0, 0, K2,
			       0), 0);
	CU_ASSERT_EQUAL(pr_in(NX1, SCSI_PR_IN_READ_KEYS, 1024), 0);
	CU_ASSERT_EQUAL(iscsi_get64(lu_fx.din + 8), K2);
	/* unregister with the right key */
	CU_ASSERT_EQUAL(pr_out(NX1, SCSI_PR_OUT_REGISTER, 0, K2, 0, 0), 0);
	CU_ASSERT_EQUAL(pr_in(NX1, SCSI_PR_IN_READ_KEYS, 1024), 0);
	CU_ASSERT_EQUAL(iscsi_get32(lu_fx.din + 4), 0);
	lu_fx_close();
}

/* SPC-4 §6.15.2: ADDITIONAL LENGTH is not cut by the allocation length. */
static void pr_read_keys_truncated_keeps_additional_length(void)
{
	LU_FX_OPEN(NULL);
	CU_ASSERT_EQUAL(pr_out(NX1, SCSI_PR_OUT_REGISTER, 0, 0, K1, 0), 0);
	CU_ASSERT_EQUAL(pr_in(NX1, SCSI_PR_IN_READ_KEYS, 8), 0);
	CU_ASSERT_EQUAL(lu_fx.t.data_in_len, 8);
	CU_ASSERT_EQUAL(iscsi_get32(lu_fx.din + 4), 8);
	lu_fx_close();
}

/* SPC-4 §6.15.1: service actions 04h..1Fh -> INVALID FIELD IN CDB. */
static void pr_in_service_action_4_is_invalid_field(void)
{
	LU_FX_OPEN(NULL);
	CU_ASSERT_EQUAL(pr_in(NX1, 4, 1024), 0x02);
	CU_ASSERT(lu_fx_sense_is(0x5, 0x24, 0x00));
	CU_ASSERT_EQUAL(pr_in(NX1, SCSI_PR_IN_READ_FULL_STATUS, 1024), 0);
	lu_fx_close();
}

/* SPC-4 §6.15.4: length 8, TMV, the six types, no PTPL / SIP / ATP. */
static void pr_report_capabilities_lists_six_types(void)
{
	LU_FX_OPEN(NULL);
	CU_ASSERT_EQUAL(pr_in(NX1, SCSI_PR_IN_REPORT_CAPABILITIES, 1024), 0);
	CU_ASSERT_EQUAL(iscsi_get16(lu_fx.din), 8);
	CU_ASSERT_EQUAL(lu_fx.din[2] & 0x0d, 0);    /* SIP_C ATP_C PTPL_C */
	CU_ASSERT_EQUAL(lu_fx.din[3] & 0x80, 0x80); /* TMV */
	CU_ASSERT(((lu_fx.din[3] >> 4) & 7) <= 5);
	CU_ASSERT_EQUAL(lu_fx.din[4], 0xea);
	CU_ASSERT_EQUAL(lu_fx.din[5], 0x01);
	lu_fx_close();
}

/* SPC-4 table 53: EA blocks reads and writes of another nexus. */
static void pr_exclusive_access_blocks_other_nexus(void)
{
	LU_FX_OPEN(NULL);
	CU_ASSERT_EQUAL(pr_out(NX1, SCSI_PR_OUT_REGISTER, 0, 0, K1, 0), 0);
	CU_ASSERT_EQUAL(pr_out(NX2, SCSI_PR_OUT_REGISTER, 0, 0, K2, 0), 0);
	CU_ASSERT_EQUAL(pr_out(NX1, SCSI_PR_OUT_RESERVE,
			       SCSI_PR_EXCLUSIVE_ACCESS, K1, 0, 0), 0);
	CU_ASSERT_EQUAL(pr_rw(NX1, false), 0);
	CU_ASSERT_EQUAL(pr_rw(NX1, true), 0);
	CU_ASSERT_EQUAL(pr_rw(NX2, false), 0x18);
	CU_ASSERT_EQUAL(pr_rw(NX2, true), 0x18);
	/* READ RESERVATION: holder key and type */
	CU_ASSERT_EQUAL(pr_in(NX2, SCSI_PR_IN_READ_RESERVATION, 64), 0);
	CU_ASSERT_EQUAL(iscsi_get32(lu_fx.din + 4), 16);
	CU_ASSERT_EQUAL(iscsi_get64(lu_fx.din + 8), K1);
	CU_ASSERT_EQUAL(lu_fx.din[21], SCSI_PR_EXCLUSIVE_ACCESS);
	lu_fx_close();
}

/* SPC-4 table 53: WE lets others read but not write. */
static void pr_write_exclusive_allows_other_reads_only(void)
{
	LU_FX_OPEN(NULL);
	CU_ASSERT_EQUAL(pr_out(NX1, SCSI_PR_OUT_REGISTER, 0, 0, K1, 0), 0);
	CU_ASSERT_EQUAL(pr_out(NX1, SCSI_PR_OUT_RESERVE,
			       SCSI_PR_WRITE_EXCLUSIVE, K1, 0, 0), 0);
	CU_ASSERT_EQUAL(pr_rw(NX2, false), 0);
	CU_ASSERT_EQUAL(pr_rw(NX2, true), 0x18);
	lu_fx_close();
}

/* SPC-4 table 53: WE-RO lets registrants write, others only read. */
static void pr_write_exclusive_registrants_only_access(void)
{
	LU_FX_OPEN(NULL);
	CU_ASSERT_EQUAL(pr_out(NX1, SCSI_PR_OUT_REGISTER, 0, 0, K1, 0), 0);
	CU_ASSERT_EQUAL(pr_out(NX2, SCSI_PR_OUT_REGISTER, 0, 0, K2, 0), 0);
	CU_ASSERT_EQUAL(pr_out(NX1, SCSI_PR_OUT_RESERVE,
			       SCSI_PR_WRITE_EXCLUSIVE_RO, K1, 0, 0), 0);
	CU_ASSERT_EQUAL(pr_rw(NX2, true), 0);
	CU_ASSERT_EQUAL(pr_out(NX2, SCSI_PR_OUT_REGISTER, 0, K2, 0, 0), 0);
	CU_ASSERT_EQUAL(pr_rw(NX2, false), 0);
	CU_ASSERT_EQUAL(pr_rw(NX2, true), 0x18);
	lu_fx_close();
}

/* SPC-4 §5.12.10: EA-AR shows key 0 and outlives its reserver. */
static void pr_all_registrants_key_zero_and_survives_reserver(void)
{
	LU_FX_OPEN(NULL);
	CU_ASSERT_EQUAL(pr_out(NX1, SCSI_PR_OUT_REGISTER, 0, 0, K1, 0), 0);
	CU_ASSERT_EQUAL(pr_out(NX2, SCSI_PR_OUT_REGISTER, 0, 0, K2, 0), 0);
	CU_ASSERT_EQUAL(pr_out(NX1, SCSI_PR_OUT_RESERVE,
			       SCSI_PR_EXCLUSIVE_ACCESS_AR, K1, 0, 0), 0);
	CU_ASSERT_EQUAL(pr_in(NX1, SCSI_PR_IN_READ_RESERVATION, 64), 0);
	CU_ASSERT_EQUAL(iscsi_get64(lu_fx.din + 8), 0);
	CU_ASSERT_EQUAL(pr_out(NX1, SCSI_PR_OUT_REGISTER, 0, K1, 0, 0), 0);
	CU_ASSERT_EQUAL(pr_in(NX1, SCSI_PR_IN_READ_RESERVATION, 64), 0);
	CU_ASSERT_EQUAL(iscsi_get32(lu_fx.din + 4), 16);
	CU_ASSERT_EQUAL(lu_fx.din[21], SCSI_PR_EXCLUSIVE_ACCESS_AR);
	CU_ASSERT_EQUAL(pr_rw(NX1, false), 0x18); /* NX1 no longer registered */
	CU_ASSERT_EQUAL(pr_out(NX2, SCSI_PR_OUT_RELEASE,
			       SCSI_PR_EXCLUSIVE_ACCESS_AR, K2, 0, 0), 0);
	CU_ASSERT_EQUAL(pr_rw(NX1, false), 0);
	lu_fx_close();
}

/* SPC-4 §5.12.11.2: RELEASE with another type -> 26h/04h. */
static void pr_release_with_wrong_type_is_invalid_release_26_04(void)
{
	LU_FX_OPEN(NULL);
	CU_ASSERT_EQUAL(pr_out(NX1, SCSI_PR_OUT_REGISTER, 0, 0, K1, 0), 0);
	CU_ASSERT_EQUAL(pr_out(NX1, SCSI_PR_OUT_RESERVE,
			       SCSI_PR_WRITE_EXCLUSIVE, K1, 0, 0), 0);
	CU_ASSERT_EQUAL(pr_out(NX1, SCSI_PR_OUT_RELEASE,
			       SCSI_PR_EXCLUSIVE_ACCESS, K1, 0, 0), 0x02);
	CU_ASSERT(lu_fx_sense_is(0x5, 0x26, 0x04));
	CU_ASSERT_EQUAL(pr_out(NX1, SCSI_PR_OUT_RESERVE,
			       SCSI_PR_EXCLUSIVE_ACCESS, K1, 0, 0), 0x18);
	lu_fx_close();
}

/* SPC-4 §5.12.11.6: CLEAR drops all, bumps PRGENERATION once, and gives
 * the other registrants RESERVATIONS PREEMPTED (2Ah/03h). */
static void pr_clear_removes_all_with_ua_2a_03(void)
{
	uint8_t cdb[16];
	uint32_t gen;

	LU_FX_OPEN(NULL);
	CU_ASSERT_EQUAL(pr_out(NX1, SCSI_PR_OUT_REGISTER, 0, 0, K1, 0), 0);
	CU_ASSERT_EQUAL(pr_out(NX2, SCSI_PR_OUT_REGISTER, 0, 0, K2, 0), 0);
	CU_ASSERT_EQUAL(pr_out(NX1, SCSI_PR_OUT_RESERVE,
			       SCSI_PR_EXCLUSIVE_ACCESS, K1, 0, 0), 0);
	gen = pr_generation(NX1);
	CU_ASSERT_EQUAL(pr_out(NX1, SCSI_PR_OUT_CLEAR, 0, K1, 0, 0), 0);
	CU_ASSERT_EQUAL(pr_generation(NX1), gen + 1);
	CU_ASSERT_EQUAL(iscsi_get32(lu_fx.din + 4), 0);
	scsi_cdb_test_unit_ready(cdb);
	CU_ASSERT_EQUAL(lu_fx_run(NX2, cdb, 6, NULL, 0), 0x02);
	CU_ASSERT(lu_fx_sense_is(0x6, 0x2a, 0x03));
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 6, NULL, 0), 0x00);
	lu_fx_close();
}

/* SPC-4 §5.12.11.4: PREEMPT removes the key, 2Ah/05h to its owner. */
static void pr_preempt_removes_registration_with_ua_2a_05(void)
{
	uint8_t cdb[16];
	uint32_t gen;

	LU_FX_OPEN(NULL);
	CU_ASSERT_EQUAL(pr_out(NX1, SCSI_PR_OUT_REGISTER, 0, 0, K1, 0), 0);
	CU_ASSERT_EQUAL(pr_out(NX2, SCSI_PR_OUT_REGISTER, 0, 0, K2, 0), 0);
	gen = pr_generation(NX2);
	CU_ASSERT_EQUAL(pr_out(NX2, SCSI_PR_OUT_PREEMPT,
			       SCSI_PR_EXCLUSIVE_ACCESS, K2, K1, 0), 0);
	CU_ASSERT_EQUAL(pr_generation(NX2), gen + 1);
	CU_ASSERT_EQUAL(iscsi_get32(lu_fx.din + 4), 8);
	CU_ASSERT_EQUAL(iscsi_get64(lu_fx.din + 8), K2);
	scsi_cdb_test_unit_ready(cdb);
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 6, NULL, 0), 0x02);
	CU_ASSERT(lu_fx_sense_is(0x6, 0x2a, 0x05));
	/* an unknown key to preempt: RESERVATION CONFLICT */
	CU_ASSERT_EQUAL(pr_out(NX2, SCSI_PR_OUT_PREEMPT,
			       SCSI_PR_EXCLUSIVE_ACCESS, K2, 0x99, 0), 0x18);
	lu_fx_close();
}

static uint64_t pr_aborted;

static void pr_abort_hook(void *arg, struct lu *lu, uint64_t nexus)
{
	(void)lu;
	*(int *)arg += 1;
	pr_aborted = nexus;
}

/* SPC-4 §5.12.11.4.4: PREEMPT AND ABORT takes the reservation and has
 * the preempted nexus's tasks aborted (reported through the hook). */
static void pr_preempt_and_abort_takes_reservation_and_reports_abort(void)
{
	int calls = 0;

	LU_FX_OPEN(NULL);
	lu_set_abort_hook(lu_fx.lu, pr_abort_hook, &calls);
	CU_ASSERT_EQUAL(pr_out(NX1, SCSI_PR_OUT_REGISTER, 0, 0, K1, 0), 0);
	CU_ASSERT_EQUAL(pr_out(NX2, SCSI_PR_OUT_REGISTER, 0, 0, K2, 0), 0);
	CU_ASSERT_EQUAL(pr_out(NX1, SCSI_PR_OUT_RESERVE,
			       SCSI_PR_EXCLUSIVE_ACCESS, K1, 0, 0), 0);
	CU_ASSERT_EQUAL(pr_out(NX2, SCSI_PR_OUT_PREEMPT_AND_ABORT,
			       SCSI_PR_WRITE_EXCLUSIVE, K2, K1, 0), 0);
	CU_ASSERT_EQUAL(calls, 1);
	CU_ASSERT_EQUAL(pr_aborted, NX1);
	CU_ASSERT_EQUAL(pr_in(NX2, SCSI_PR_IN_READ_RESERVATION, 64), 0);
	CU_ASSERT_EQUAL(iscsi_get64(lu_fx.din + 8), K2);
	CU_ASSERT_EQUAL(lu_fx.din[21], SCSI_PR_WRITE_EXCLUSIVE);
	lu_fx_close();
}

/* SPC-4 §6.16.1: PARAMETER LIST LENGTH other than 24 -> 1Ah/00h. */
static void pr_out_param_list_length_not_24_is_1a_00(void)
{
	uint8_t cdb[16], prm[32] = {0};

	LU_FX_OPEN(NULL);
	scsi_cdb_pr_out(cdb, SCSI_PR_OUT_REGISTER, 0, 0, 32);
	CU_ASSERT_EQUAL(lu_fx_run(NX1, cdb, 10, prm, 32), 0x02);
	CU_ASSERT(lu_fx_sense_is(0x5, 0x1a, 0x00));
	lu_fx_close();
}

/* SPC-4 §6.16.3: APTPL with PTPL_C=0 -> INVALID FIELD IN PARAMETER LIST. */
static void pr_register_aptpl_is_invalid_field_in_parameter_list(void)
{
	LU_FX_OPEN(NULL);
	CU_ASSERT_EQUAL(pr_out(NX1, SCSI_PR_OUT_REGISTER, 0, 0, K1,
			       SCSI_PR_APTPL), 0x02);
	CU_ASSERT(lu_fx_sense_is(0x5, 0x26, 0x00));
	CU_ASSERT_EQUAL(pr_out(NX1, SCSI_PR_OUT_REGISTER, 0, 0, K1,
			       SCSI_PR_SPEC_I_PT), 0x02);
	CU_ASSERT(lu_fx_sense_is(0x5, 0x26, 0x00));
	lu_fx_close();
}

/* SPC-4 §6.16.2: RESERVE of an unknown type -> INVALID FIELD IN CDB. */
static void pr_reserve_invalid_type_is_invalid_field(void)
{
	LU_FX_OPEN(NULL);
	CU_ASSERT_EQUAL(pr_out(NX1, SCSI_PR_OUT_REGISTER, 0, 0, K1, 0), 0);
	CU_ASSERT_EQUAL(pr_out(NX1, SCSI_PR_OUT_RESERVE, 2, K1, 0, 0), 0x02);
	CU_ASSERT(lu_fx_sense_is(0x5, 0x24, 0x00));
	lu_fx_close();
}

/* SPC-4 §5.12.11.1: unregistered nexus RESERVE -> RESERVATION CONFLICT. */
static void pr_reserve_from_unregistered_nexus_is_conflict(void)
{
	LU_FX_OPEN(NULL);
	CU_ASSERT_EQUAL(pr_out(NX1, SCSI_PR_OUT_RESERVE,
			       SCSI_PR_WRITE_EXCLUSIVE, K1, 0, 0), 0x18);
	lu_fx_close();
}

/* SPC-4 §5.12.3: RESERVE(6) conflicts while registrations exist. */
static void pr_reserve6_conflicts_with_registrations(void)
{
	uint8_t cdb[16];

	LU_FX_OPEN(NULL);
	CU_ASSERT_EQUAL(pr_out(NX1, SCSI_PR_OUT_REGISTER, 0, 0, K1, 0), 0);
	scsi_cdb_reserve6(cdb);
	CU_ASSERT_EQUAL(lu_fx_run(NX2, cdb, 6, NULL, 0), 0x18);
	lu_fx_close();
}

/* SPC-4 §6.15.5: READ FULL STATUS with an iSCSI TransportID. */
static void pr_read_full_status_has_holder_and_transport_id(void)
{
	const uint8_t *d = lu_fx.din;

	LU_FX_OPEN(NULL);
	CU_ASSERT_EQUAL(pr_out(NX1, SCSI_PR_OUT_REGISTER, 0, 0, K1, 0), 0);
	CU_ASSERT_EQUAL(pr_out(NX1, SCSI_PR_OUT_RESERVE,
			       SCSI_PR_WRITE_EXCLUSIVE, K1, 0, 0), 0);
	CU_ASSERT_EQUAL(pr_in(NX1, SCSI_PR_IN_READ_FULL_STATUS, 4096), 0);
	CU_ASSERT_EQUAL(iscsi_get64(d + 8), K1);
	CU_ASSERT_EQUAL(d[8 + 12] & 1, 1); /* R_HOLDER */
	CU_ASSERT_EQUAL(d[8 + 13], SCSI_PR_WRITE_EXCLUSIVE);
	CU_ASSERT_EQUAL(d[8 + 24], 0x45); /* format 01b, protocol iSCSI */
	CU_ASSERT_EQUAL(strcmp((const char *)d + 8 + 28,
			       "iqn.2024-01.org.example:host1,i,0x023d00000001"),
			0);
	CU_ASSERT_EQUAL(iscsi_get32(d + 4),
			24 + iscsi_get32(d + 8 + 20));
	lu_fx_close();
}

/* SPC-4 §5.12.11.2: the holder of a registrants-only reservation that
 * unregisters releases it: RESERVATIONS RELEASED (2Ah/04h) to others. */
static void pr_unregistering_ro_holder_releases_with_ua_2a_04(void)
{
	uint8_t cdb[16];

	LU_FX_OPEN(NULL);
	CU_ASSERT_EQUAL(pr_out(NX1, SCSI_PR_OUT_REGISTER, 0, 0, K1, 0), 0);
	CU_ASSERT_EQUAL(pr_out(NX2, SCSI_PR_OUT_REGISTER, 0, 0, K2, 0), 0);
	CU_ASSERT_EQUAL(pr_out(NX1, SCSI_PR_OUT_RESERVE,
			       SCSI_PR_EXCLUSIVE_ACCESS_RO, K1, 0, 0), 0);
	CU_ASSERT_EQUAL(pr_out(NX1, SCSI_PR_OUT_REGISTER, 0, K1, 0, 0), 0);
	scsi_cdb_test_unit_ready(cdb);
	CU_ASSERT_EQUAL(lu_fx_run(NX2, cdb, 6, NULL, 0), 0x02);
	CU_ASSERT(lu_fx_sense_is(0x6, 0x2a, 0x04));
	CU_ASSERT_EQUAL(pr_in(NX2, SCSI_PR_IN_READ_RESERVATION, 64), 0);
	CU_ASSERT_EQUAL(iscsi_get32(lu_fx.din + 4), 0);
	lu_fx_close();
}

UNIT_SUITE(lu_pr, "lu.pr",
	   UNIT_TEST(pr_register_then_read_keys_lists_it),
	   UNIT_TEST(pr_reregister_with_wrong_key_is_reservation_conflict),
	   UNIT_TEST(pr_read_keys_truncated_keeps_additional_length),
	   UNIT_TEST(pr_in_service_action_4_is_invalid_field),
	   UNIT_TEST(pr_report_capabilities_lists_six_types),
	   UNIT_TEST(pr_exclusive_access_blocks_other_nexus),
	   UNIT_TEST(pr_write_exclusive_allows_other_reads_only),
	   UNIT_TEST(pr_write_exclusive_registrants_only_access),
	   UNIT_TEST(pr_all_registrants_key_zero_and_survives_reserver),
	   UNIT_TEST(pr_release_with_wrong_type_is_invalid_release_26_04),
	   UNIT_TEST(pr_clear_removes_all_with_ua_2a_03),
	   UNIT_TEST(pr_preempt_removes_registration_with_ua_2a_05),
	   UNIT_TEST(pr_preempt_and_abort_takes_reservation_and_reports_abort),
	   UNIT_TEST(pr_out_param_list_length_not_24_is_1a_00),
	   UNIT_TEST(pr_register_aptpl_is_invalid_field_in_parameter_list),
	   UNIT_TEST(pr_reserve_invalid_type_is_invalid_field),
	   UNIT_TEST(pr_reserve_from_unregistered_nexus_is_conflict),
	   UNIT_TEST(pr_reserve6_conflicts_with_registrations),
	   UNIT_TEST(pr_read_full_status_has_holder_and_transport_id),
	   UNIT_TEST(pr_unregistering_ro_holder_releases_with_ua_2a_04))
