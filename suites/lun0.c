/* SPDX-License-Identifier: MIT */
/*
 * lun0.c - LUN 0, REPORT LUNS and unmapped LUNs (SAM-5 §4.7, SPC-4 §6.6.2,
 * §6.33; RFC 7143 §11.3 for the LUN field):
 *
 *  - LUN 0 answers INQUIRY with a connected LU (peripheral qualifier 000b);
 *  - REPORT LUNS on LUN 0 lists the profile's LUNs in single-level form,
 *    and each listed LUN, sent back verbatim in the LUN field, reaches its
 *    LU;
 *  - REPORT LUNS works on LUN 0 of a target with no LU there (nolun0_url)
 *    and on the REPORT LUNS well-known LU (C101h) where implemented;
 *  - an unmapped LUN answers INQUIRY with qualifier 011b / type 1Fh and
 *    other commands with LOGICAL UNIT NOT SUPPORTED (25h/00h);
 *  - an unknown operation code is a SCSI CHECK CONDITION (INVALID COMMAND
 *    OPERATION CODE, 20h/00h), not an iSCSI Reject.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "s2_util.h"
#include "scsi.h"

#define RL_ALLOC 4096u
#define INQ_ALLOC 96u
#define PQ_NOT_CAPABLE 0x7f /* peripheral qualifier 011b, type 1Fh */

static const uint8_t wlun_report_luns[8] = {0xc1, 0x01}; /* SAM-5 */

/* A normal session to u; NULL after cts_skip / cts_error. */
static struct cts_session *lun_login(struct cts_ctx *ctx, const char *key)
{
	const struct iscsi_url *u = s2_need_url(ctx, key);

	return u ? s2_login(ctx, u, false, 0) : NULL;
}

/* INQUIRY (standard data) on lun / raw LUN bytes; false after cts_fail. */
static bool inquiry(struct cts_ctx *ctx, struct cts_session *s, uint32_t lun,
		    const uint8_t *raw, uint8_t *d, const char *what)
{
	struct cts_scsi_result r;
	uint8_t cdb[SCSI_CDB_MAX];
	char seen[160];

	memset(d, 0, INQ_ALLOC);
	scsi_cdb_inquiry(cdb, false, 0, INQ_ALLOC);
	s2_scsi(ctx, cts_session_conn(s), lun, raw, cdb, 6, INQ_ALLOC, d, &r);
	if (r.io || !r.got_status || r.response ||
	    r.status != SCSI_STATUS_GOOD || r.data_len < 1) {
		s2_status_str(&r, seen, sizeof(seen));
		cts_fail(ctx, "GOOD with INQUIRY data", seen, "INQUIRY on %s",
			 what);
		return false;
	}
	return true;
}

/* REPORT LUNS (SELECT REPORT 00h); the list bytes in *list / *n (LUN LIST
 * LENGTH / 8 entries); false after cts_fail. */
static bool report_luns(struct cts_ctx *ctx, struct cts_session *s,
			uint32_t lun, const uint8_t *raw, uint8_t *buf,
			size_t *n, const char *what)
{
	struct cts_scsi_result r;
	uint8_t cdb[SCSI_CDB_MAX];
	uint32_t len;
	char seen[160];

	memset(buf, 0, RL_ALLOC);
	scsi_cdb_report_luns(cdb, 0, RL_ALLOC);
	s2_scsi(ctx, cts_session_conn(s), lun, raw, cdb, 12, RL_ALLOC, buf,
		&r);
	if (r.io || !r.got_status || r.response ||
	    r.status != SCSI_STATUS_GOOD) {
		s2_status_str(&r, seen, sizeof(seen));
		cts_fail(ctx, "GOOD with a LUN list", seen,
			 "REPORT LUNS addressed to %s", what);
		return false;
	}
	len = iscsi_get32(buf);
	if (len % 8 || r.data_len < 8) {
		snprintf(seen, sizeof(seen), "LUN LIST LENGTH %u, %u bytes",
			 len, r.data_len);
		cts_fail(ctx, "a multiple of 8", seen,
			 "REPORT LUNS parameter data from %s", what);
		return false;
	}
	*n = len / 8;
	if (*n > (RL_ALLOC - 8) / 8)
		*n = (RL_ALLOC - 8) / 8;
	return true;
}

/* A single-level LUN (SAM-5 §4.7): peripheral (00b, bus 0) or flat
 * (01b) addressing, bytes 2..7 zero; its number or -1. */
static int single_level(const uint8_t *e)
{
	for (unsigned i = 2; i < 8; i++)
		if (e[i])
			return -1;
	if ((e[0] & 0xc0) == 0x00)
		return e[0] ? -1 : e[1];
	if ((e[0] & 0xc0) == 0x40)
		return (e[0] & 0x3f) << 8 | e[1];
	return -1;
}

static void lun_hex(const uint8_t *e, char *buf, size_t len)
{
	snprintf(buf, len, "%02x%02x %02x%02x %02x%02x %02x%02x", e[0], e[1],
		 e[2], e[3], e[4], e[5], e[6], e[7]);
}

CTS_TEST_D(lun0_present, "lun0.inquiry.lun0-present",
	   "SAM-5 4.7; SPC-4 6.6.2", CTS_MUST,
	   "LUN 0 of the target answers INQUIRY with a connected LU "
	   "(peripheral qualifier 000b)",
	   "lun0-not-connected")
{
	struct cts_session *s = lun_login(ctx, "url");
	uint8_t d[INQ_ALLOC];
	char seen[160];

	if (!s || !inquiry(ctx, s, 0, NULL, d, "LUN 0"))
		return;
	if (d[0] >> 5 != 0) {
		snprintf(seen, sizeof(seen), "qualifier %u%u%ub, type %02xh",
			 d[0] >> 7 & 1, d[0] >> 6 & 1, d[0] >> 5 & 1,
			 d[0] & 0x1f);
		cts_fail(ctx, "qualifier 000b", seen,
			 "INQUIRY data byte 0 from LUN 0");
		return;
	}
	cts_note(ctx, "peripheral device type %02xh", d[0] & 0x1f);
}

CTS_TEST_D(lun0_report_profile, "lun0.report-luns.lists-profile-luns",
	   "SPC-4 6.33; SAM-5 4.7", CTS_MUST,
	   "REPORT LUNS on LUN 0 lists exactly the LUNs of the profile "
	   "(luns = ...)",
	   "report-luns-omits-lun")
{
	const struct cts_profile *p = cts_profile(ctx);
	struct cts_session *s;
	uint8_t buf[RL_ALLOC];
	char want[256], seen[256];
	size_t n, off = 0;
	bool found[CTS_PROFILE_LUNS_MAX] = {false};

	if (!p || !p->has_luns) {
		cts_skip(ctx, "the profile has no luns");
		return;
	}
	s = lun_login(ctx, "url");
	if (!s || !report_luns(ctx, s, 0, NULL, buf, &n, "LUN 0"))
		return;
	want[0] = seen[0] = '\0';
	for (size_t i = 0; i < p->nluns; i++)
		snprintf(want + strlen(want), sizeof(want) - strlen(want),
			 "%s%u", i ? "," : "", p->luns[i]);
	for (size_t i = 0; i < n; i++) {
		int lun = single_level(buf + 8 + 8 * i);
		bool known = false;

		for (size_t j = 0; j < p->nluns; j++)
			if (lun >= 0 && (unsigned)lun == p->luns[j])
				known = found[j] = true;
		if (!known)
			cts_note(ctx, "entry %zu is not in the profile", i);
		off = strlen(seen);
		snprintf(seen + off, sizeof(seen) - off, "%s%d", i ? "," : "",
			 lun);
	}
	if (n != p->nluns) {
		cts_fail(ctx, want, seen, "LUN list of REPORT LUNS on LUN 0");
		return;
	}
	for (size_t j = 0; j < p->nluns; j++)
		if (!found[j]) {
			cts_fail(ctx, want, seen,
				 "LUN list of REPORT LUNS on LUN 0");
			return;
		}
}

CTS_TEST_D(lun0_single_level, "lun0.report-luns.single-level-format",
	   "SAM-5 4.7; SPC-4 6.33", CTS_MUST,
	   "REPORT LUNS lists each LUN in single-level form: peripheral "
	   "(00b) or flat (01b) addressing, bytes 2-7 zero",
	   "report-luns-two-level")
{
	struct cts_session *s = lun_login(ctx, "url");
	uint8_t buf[RL_ALLOC];
	char seen[160];
	size_t n;

	if (!s || !report_luns(ctx, s, 0, NULL, buf, &n, "LUN 0"))
		return;
	for (size_t i = 0; i < n; i++) {
		const uint8_t *e = buf + 8 + 8 * i;

		if (single_level(e) < 0) {
			lun_hex(e, seen, sizeof(seen));
			cts_fail(ctx, "00xx 0000 0000 0000 or 4xxx 0000 0000 "
				      "0000", seen,
				 "REPORT LUNS entry %zu", i);
			return;
		}
	}
	cts_note(ctx, "%zu single-level entries", n);
}

CTS_TEST_D(lun0_addressable, "lun0.report-luns.entries-addressable",
	   "7143 11.3; SAM-5 4.7", CTS_MUST,
	   "each LUN REPORT LUNS lists, sent back verbatim in the LUN field "
	   "of a SCSI Command, reaches a connected LU",
	   "report-luns-two-level")
{
	struct cts_session *s = lun_login(ctx, "url");
	uint8_t buf[RL_ALLOC], d[INQ_ALLOC];
	char what[64], seen[32];
	size_t n;

	if (!s || !report_luns(ctx, s, 0, NULL, buf, &n, "LUN 0"))
		return;
	for (size_t i = 0; i < n && i < 16; i++) {
		const uint8_t *e = buf + 8 + 8 * i;

		lun_hex(e, what, sizeof(what));
		if (!inquiry(ctx, s, 0, e, d, what))
			return;
		if (d[0] >> 5 != 0) {
			snprintf(seen, sizeof(seen), "byte 0 %02xh", d[0]);
			cts_fail(ctx, "qualifier 000b (an LU is there)", seen,
				 "INQUIRY on LUN %s as listed by REPORT LUNS",
				 what);
			return;
		}
	}
}

/* The LUN the URL names, 0 when it names none. */
static uint32_t url_lun(const struct iscsi_url *u)
{
	return u && u->has_lun && u->lun > 0 ? (uint32_t)u->lun : 0;
}

/* Does the list hold single-level LUN want? */
static bool lists(const uint8_t *buf, size_t n, uint32_t want)
{
	for (size_t i = 0; i < n; i++)
		if (single_level(buf + 8 + 8 * i) == (int)want)
			return true;
	return false;
}

CTS_TEST_D(lun0_nolun0_report, "lun0.nolun0.report-luns-on-lun0",
	   "SPC-4 6.33; SAM-5 4.7", CTS_MUST,
	   "REPORT LUNS addressed to LUN 0 is answered even when no LU is "
	   "mapped at LUN 0, and lists the LUNs that are",
	   "no-lun0")
{
	const struct iscsi_url *u = s2_need_url(ctx, "nolun0_url");
	struct cts_session *s;
	uint8_t buf[RL_ALLOC];
	char want[32];
	size_t n;

	if (!u || !(s = s2_login(ctx, u, false, 0)))
		return;
	if (!report_luns(ctx, s, 0, NULL, buf, &n, "LUN 0 (no LU mapped)"))
		return;
	snprintf(want, sizeof(want), "LUN %u listed", url_lun(u));
	if (!lists(buf, n, url_lun(u)))
		cts_fail(ctx, want, n ? "other LUNs" : "an empty list",
			 "REPORT LUNS on LUN 0 of %s", u->target);
	else if (lists(buf, n, 0))
		cts_fail(ctx, "no LUN 0", "LUN 0 listed",
			 "REPORT LUNS on LUN 0 of %s (no LU at LUN 0)",
			 u->target);
}

CTS_TEST_D(lun0_wlun_report, "lun0.nolun0.report-luns-wlun",
	   "SPC-4 6.33, 8.2; SAM-5 4.7", CTS_MAY,
	   "REPORT LUNS addressed to the REPORT LUNS well-known LU (C101h) "
	   "lists the mapped LUNs, where that LU is implemented",
	   "report-luns-omits-lun")
{
	const struct iscsi_url *u = s2_need_url(ctx, "nolun0_url");
	struct cts_session *s;
	struct cts_scsi_result r;
	uint8_t cdb[SCSI_CDB_MAX], buf[RL_ALLOC], key, asc, ascq;
	char want[32], seen[160];

	if (!u || !(s = s2_login(ctx, u, false, 0)))
		return;
	scsi_cdb_report_luns(cdb, 0, RL_ALLOC);
	memset(buf, 0, sizeof(buf));
	s2_scsi(ctx, cts_session_conn(s), 0, wlun_report_luns, cdb, 12,
		RL_ALLOC, buf, &r);
	if (!r.io && r.got_status && r.status == SCSI_STATUS_CHECK_CONDITION &&
	    s2_sense(&r, &key, &asc, &ascq) && key == SCSI_SK_ILLEGAL_REQUEST &&
	    asc == 0x25) {
		cts_skip(ctx, "the target has no REPORT LUNS well-known LU "
			      "(LOGICAL UNIT NOT SUPPORTED on C101h)");
		return;
	}
	if (r.io || !r.got_status || r.status != SCSI_STATUS_GOOD) {
		s2_status_str(&r, seen, sizeof(seen));
		cts_fail(ctx, "GOOD, or LOGICAL UNIT NOT SUPPORTED", seen,
			 "REPORT LUNS addressed to LUN C101h");
		return;
	}
	snprintf(want, sizeof(want), "LUN %u listed", url_lun(u));
	if (!lists(buf, iscsi_get32(buf) / 8 < (RL_ALLOC - 8) / 8 ?
				iscsi_get32(buf) / 8 : (RL_ALLOC - 8) / 8,
		   url_lun(u)))
		cts_fail(ctx, want, "not listed",
			 "REPORT LUNS on the well-known LU of %s", u->target);
}

/* ---- unmapped LUNs ----------------------------------------------------------- */

/* INQUIRY on an unmapped LUN: byte 0 = 7Fh (SPC-4 §6.6.2). */
static void inquiry_unmapped(struct cts_ctx *ctx, struct cts_session *s,
			     uint32_t lun)
{
	uint8_t d[INQ_ALLOC];
	char what[32], seen[32];

	snprintf(what, sizeof(what), "unmapped LUN %u", lun);
	if (!inquiry(ctx, s, lun, NULL, d, what))
		return;
	if (d[0] != PQ_NOT_CAPABLE) {
		snprintf(seen, sizeof(seen), "byte 0 %02xh", d[0]);
		cts_fail(ctx, "byte 0 7Fh (qualifier 011b, type 1Fh)", seen,
			 "INQUIRY data from %s", what);
	}
}

CTS_TEST_D(lun0_unmapped_inq, "lun0.unmapped.inquiry-qualifier",
	   "SPC-4 6.6.2; SAM-5 4.7", CTS_MUST,
	   "INQUIRY on a LUN with no LU returns peripheral qualifier 011b "
	   "and device type 1Fh",
	   "unmapped-lun-pq0")
{
	struct cts_session *s = lun_login(ctx, "url");

	if (s)
		inquiry_unmapped(ctx, s, s2_unmapped_lun(cts_profile(ctx)));
}

CTS_TEST_D(lun0_nolun0_inq, "lun0.nolun0.inquiry-qualifier",
	   "SPC-4 6.6.2; SAM-5 4.7", CTS_MUST,
	   "INQUIRY on LUN 0 of a target with no LU there returns "
	   "peripheral qualifier 011b and device type 1Fh",
	   "unmapped-lun-pq0")
{
	struct cts_session *s = lun_login(ctx, "nolun0_url");

	if (s)
		inquiry_unmapped(ctx, s, 0);
}

/* cdb on an unmapped LUN: CHECK CONDITION, ILLEGAL REQUEST, 25h/00h. */
static void not_supported(struct cts_ctx *ctx, const uint8_t *cdb,
			  size_t cdb_len, uint32_t edtl, const char *name)
{
	struct cts_session *s = lun_login(ctx, "url");
	struct cts_scsi_result r;
	uint8_t buf[64], key, asc, ascq;
	uint32_t lun;
	char seen[160];

	if (!s)
		return;
	lun = s2_unmapped_lun(cts_profile(ctx));
	s2_scsi(ctx, cts_session_conn(s), lun, NULL, cdb, cdb_len, edtl,
		edtl ? buf : NULL, &r);
	s2_status_str(&r, seen, sizeof(seen));
	if (r.io || !r.got_status || r.response ||
	    r.status != SCSI_STATUS_CHECK_CONDITION ||
	    !s2_sense(&r, &key, &asc, &ascq) ||
	    key != SCSI_SK_ILLEGAL_REQUEST || asc != 0x25 || ascq != 0x00)
		cts_fail(ctx, "CHECK CONDITION 5h/25h/00h (LOGICAL UNIT NOT "
			      "SUPPORTED)", seen, "%s on unmapped LUN %u",
			 name, lun);
}

CTS_TEST_D(lun0_unmapped_tur, "lun0.unmapped.tur-not-supported",
	   "SAM-5 5.10; SPC-4 4.5.6", CTS_MUST,
	   "TEST UNIT READY on a LUN with no LU ends in CHECK CONDITION, "
	   "ILLEGAL REQUEST, LOGICAL UNIT NOT SUPPORTED",
	   "unmapped-lun-good")
{
	uint8_t cdb[SCSI_CDB_MAX];

	scsi_cdb_test_unit_ready(cdb);
	not_supported(ctx, cdb, 6, 0, "TEST UNIT READY");
}

CTS_TEST_D(lun0_unmapped_rc, "lun0.unmapped.read-capacity-not-supported",
	   "SAM-5 5.10; SPC-4 4.5.6", CTS_MUST,
	   "READ CAPACITY(10) on a LUN with no LU ends in CHECK CONDITION, "
	   "ILLEGAL REQUEST, LOGICAL UNIT NOT SUPPORTED",
	   "unmapped-lun-good")
{
	uint8_t cdb[SCSI_CDB_MAX];

	scsi_cdb_read_capacity10(cdb);
	not_supported(ctx, cdb, 10, 8, "READ CAPACITY(10)");
}

/* Group code 011b (60h-7Fh below 7Eh) is reserved (SPC-4 §4.2.5.1). */
#define UNKNOWN_OPCODE 0x60

CTS_TEST_D(lun0_unknown_op, "lun0.opcode.unknown-check-condition",
	   "SPC-4 4.5.6, 4.2.5.1; 7143 11.3, 11.4", CTS_MUST,
	   "an unknown operation code on LUN 0 ends in CHECK CONDITION, "
	   "ILLEGAL REQUEST, INVALID COMMAND OPERATION CODE, not an iSCSI "
	   "Reject",
	   "unknown-opcode-wrong-asc")
{
	struct cts_session *s = lun_login(ctx, "url");
	struct cts_scsi_result r;
	uint8_t cdb[SCSI_CDB_MAX] = {UNKNOWN_OPCODE}, key, asc, ascq;
	char seen[160];

	if (!s)
		return;
	s2_scsi(ctx, cts_session_conn(s), 0, NULL, cdb, 16, 0, NULL, &r);
	s2_status_str(&r, seen, sizeof(seen));
	if (r.io || !r.got_status || r.response ||
	    r.status != SCSI_STATUS_CHECK_CONDITION ||
	    !s2_sense(&r, &key, &asc, &ascq) ||
	    key != SCSI_SK_ILLEGAL_REQUEST || asc != 0x20 || ascq != 0x00)
		cts_fail(ctx, "CHECK CONDITION 5h/20h/00h (INVALID COMMAND "
			      "OPERATION CODE)", seen,
			 "SCSI Command with operation code %02xh on LUN 0",
			 UNKNOWN_OPCODE);
}
