/* SPDX-License-Identifier: MIT */
/*
 * neg_keys.c - the result function of each negotiated key of RFC 7143 §13
 * (min, max, AND, OR, list order) with literal expected answers, beside
 * proto's judge (s1_offer); MaxRecvDataSegmentLength as a declaration per
 * direction (§13.12) and the defaults of keys left unnegotiated.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scsi.h"
#include "s1_util.h"

/* Offers key=offer and wants a number in [lo, hi]; 0, -1 after a verdict. */
static int want_number(struct cts_ctx *ctx, const struct iscsi_url *u,
		       const char *key, const char *offer, uint64_t lo,
		       uint64_t hi)
{
	char ans[ISCSI_VALUE_MAX + 1], e[64], s[48];
	uint64_t x;
	int rc = s1_offer(ctx, u, false, key, offer, ans, sizeof(ans));

	if (rc < 0)
		return -1;
	if (lo == hi)
		snprintf(e, sizeof(e), "%s=%llu", key, (unsigned long long)lo);
	else
		snprintf(e, sizeof(e), "%s=<%llu..%llu>", key,
			 (unsigned long long)lo, (unsigned long long)hi);
	if (rc > 0) {
		s1_status_str((uint16_t)rc, s, sizeof(s));
		cts_fail(ctx, e, s, "login offering %s=%s", key, offer);
		return -1;
	}
	if (!ans[0] || s1_number(ans, &x) < 0 || x < lo || x > hi) {
		cts_fail(ctx, e, ans[0] ? ans : "no answer",
			 "Login Response to %s=%s", key, offer);
		return -1;
	}
	return 0;
}

/* Offers key=offer and wants exactly `want`. */
static int want_value(struct cts_ctx *ctx, const char *key, const char *offer,
		      const char *want)
{
	char ans[ISCSI_VALUE_MAX + 1], e[96], s[48];
	int rc = s1_offer(ctx, NULL, false, key, offer, ans, sizeof(ans));

	if (rc < 0)
		return -1;
	snprintf(e, sizeof(e), "%s=%s", key, want);
	if (rc > 0) {
		s1_status_str((uint16_t)rc, s, sizeof(s));
		cts_fail(ctx, e, s, "login offering %s=%s", key, offer);
		return -1;
	}
	if (strcmp(ans, want) != 0) {
		cts_fail(ctx, e, ans[0] ? ans : "no answer",
			 "Login Response to %s=%s", key, offer);
		return -1;
	}
	return 0;
}

/* min rule (§6.2.2): an offer at the bottom of the range leaves the
 * responder no other choice than that value. */
CTS_TEST_D(neg_mbl_min, "neg.key.maxburstlength-min", "7143 13.13",
	   CTS_MUST, "MaxBurstLength=512 is answered 512 (min rule, range "
		     "512..2^24-1)",
	   "neg-over-offer")
{
	want_number(ctx, NULL, "MaxBurstLength", "512", 512, 512);
}

CTS_TEST_D(neg_fbl_min, "neg.key.firstburstlength-min", "7143 13.14",
	   CTS_MUST, "FirstBurstLength=512 is answered 512 (min rule)",
	   "neg-min-over-offer")
{
	want_number(ctx, NULL, "FirstBurstLength", "512", 512, 512);
}

CTS_TEST_D(neg_maxconn_min, "neg.key.maxconnections-min", "7143 13.2",
	   CTS_MUST, "MaxConnections=1 is answered 1 (min rule)",
	   "neg-min-over-offer")
{
	want_number(ctx, NULL, "MaxConnections", "1", 1, 1);
}

CTS_TEST_D(neg_t2r_min, "neg.key.defaulttime2retain-min", "7143 13.16",
	   CTS_MUST, "DefaultTime2Retain=0 is answered 0 (min rule)",
	   "neg-min-over-offer")
{
	want_number(ctx, NULL, "DefaultTime2Retain", "0", 0, 0);
}

CTS_TEST_D(neg_mor2t_min, "neg.key.maxoutstandingr2t-min", "7143 13.17",
	   CTS_MUST, "MaxOutstandingR2T=1 is answered 1 (min rule)",
	   "neg-min-over-offer")
{
	want_number(ctx, NULL, "MaxOutstandingR2T", "1", 1, 1);
}

CTS_TEST_D(neg_erl_min, "neg.key.errorrecoverylevel-min", "7143 13.20",
	   CTS_MUST, "ErrorRecoveryLevel=0 is answered 0 (min rule)",
	   "neg-min-over-offer")
{
	want_number(ctx, NULL, "ErrorRecoveryLevel", "0", 0, 0);
}

CTS_TEST_D(neg_t2w_max, "neg.key.defaulttime2wait-max", "7143 13.15",
	   CTS_MUST, "DefaultTime2Wait=3600 is answered 3600 (max rule, range "
		     "0..3600)",
	   "neg-max-under-offer")
{
	want_number(ctx, NULL, "DefaultTime2Wait", "3600", 3600, 3600);
}

CTS_TEST_D(neg_immd_and, "neg.key.immediatedata-and", "7143 13.11",
	   CTS_MUST, "ImmediateData=No is answered No (AND)",
	   "neg-bool-override")
{
	want_value(ctx, "ImmediateData", "No", "No");
}

CTS_TEST_D(neg_ir2t_or, "neg.key.initialr2t-or", "7143 13.10", CTS_MUST,
	   "InitialR2T=Yes is answered Yes (OR)", "neg-bool-override")
{
	want_value(ctx, "InitialR2T", "Yes", "Yes");
}

CTS_TEST_D(neg_dpio_or, "neg.key.datapduinorder-or", "7143 13.18", CTS_MUST,
	   "DataPDUInOrder=Yes is answered Yes (OR)", "neg-bool-override")
{
	want_value(ctx, "DataPDUInOrder", "Yes", "Yes");
}

CTS_TEST_D(neg_dsio_or, "neg.key.datasequenceinorder-or", "7143 13.19",
	   CTS_MUST, "DataSequenceInOrder=Yes is answered Yes (OR)",
	   "neg-bool-override")
{
	want_value(ctx, "DataSequenceInOrder", "Yes", "Yes");
}

/*
 * §6.2.1: the responder answers with the first value of the offered list
 * that it supports.  Whether it supports `first` alone is probed first.
 */
static void list_order(struct cts_ctx *ctx, const char *key,
		       const char *first, const char *second)
{
	char ans[ISCSI_VALUE_MAX + 1], list[64], want[64];
	int rc = s1_offer(ctx, NULL, false, key, first, ans, sizeof(ans));

	if (rc < 0)
		return;
	if (rc > 0 || strcmp(ans, first) != 0) {
		cts_note(ctx, "%s=%s alone answered %s: not supported", key,
			 first, rc > 0 ? "by a refusal" : ans);
		snprintf(want, sizeof(want), "%s", second);
	} else {
		snprintf(want, sizeof(want), "%s", first);
	}
	snprintf(list, sizeof(list), "%s,%s", first, second);
	want_value(ctx, key, list, want);
}

CTS_TEST_D(neg_hd_crc_first, "neg.list.headerdigest-crc32c-first",
	   "7143 6.2.1", CTS_MUST,
	   "HeaderDigest=CRC32C,None is answered CRC32C when the target "
	   "supports it (first supported value of the list)",
	   "list-last-choice")
{
	list_order(ctx, "HeaderDigest", "CRC32C", "None");
}

CTS_TEST_D(neg_hd_none_first, "neg.list.headerdigest-none-first",
	   "7143 6.2.1", CTS_MUST,
	   "HeaderDigest=None,CRC32C is answered None when the target "
	   "supports it (first supported value of the list)",
	   "list-last-choice")
{
	list_order(ctx, "HeaderDigest", "None", "CRC32C");
}

CTS_TEST_D(neg_dd_crc_first, "neg.list.datadigest-crc32c-first",
	   "7143 6.2.1", CTS_MUST,
	   "DataDigest=CRC32C,None is answered CRC32C when the target "
	   "supports it (first supported value of the list)",
	   "list-last-choice")
{
	list_order(ctx, "DataDigest", "CRC32C", "None");
}

/* Reads len bytes from LBA 0 of the run's LUN on l's connection and checks
 * every Data-In segment <= seg and every sequence (up to F=1) <= burst. */
static void read_check(struct s1_login *l, uint32_t len, uint32_t seg,
		       uint32_t burst, const char *why)
{
	static uint8_t buf[1u << 20];
	struct cts_scsi_result *r = calloc(1, sizeof(*r));
	uint8_t cdb[16];
	size_t n = scsi_cdb_read10(cdb, 0, (uint16_t)(len / 512), 0);
	uint32_t lun = l->u->has_lun ? (uint32_t)l->u->lun : 0, run = 0;
	char e[64], s[64];

	if (!r) {
		cts_error(l->ctx, "out of memory");
		return;
	}
	/* a new I_T nexus may first see a unit attention (SAM-5) */
	for (unsigned i = 0; i < 3; i++) {
		memset(r, 0, sizeof(*r));
		if (cts_scsi_read(l->ctx, l->c, lun, cdb, n, len, buf, r) ||
		    !r->got_status || r->status != 0x02 ||
		    (r->sense[2] & 0x0f) != 0x06)
			break;
	}
	if (r->io || !r->got_status || r->status != 0) {
		cts_error(l->ctx, "READ(10) of %u bytes: %s, status 0x%02x",
			  len, cts_io_str(r->io), r->status);
		goto out;
	}
	for (size_t i = 0; i < r->npdus; i++) {
		const struct cts_task_pdu *p = &r->pdus[i];

		if (p->dir != CTS_RECV ||
		    iscsi_bhs_opcode(&p->bhs) != ISCSI_OP_DATA_IN)
			continue;
		run += p->data_len;
		if (p->data_len > seg) {
			snprintf(e, sizeof(e), "DataSegmentLength <= %u", seg);
			snprintf(s, sizeof(s), "%u", p->data_len);
			cts_fail(l->ctx, e, s, "Data-In of a READ(10) of %u "
					       "bytes (%s)",
				 len, why);
			goto out;
		}
		if (run > burst) {
			snprintf(e, sizeof(e), "sequences <= %u bytes", burst);
			snprintf(s, sizeof(s), "%u bytes before F=1", run);
			cts_fail(l->ctx, e, s, "Data-In sequence of a READ(10) "
					       "of %u bytes (%s)",
				 len, why);
			goto out;
		}
		if (p->bhs.flags & ISCSI_FLAG_FINAL)
			run = 0;
	}
out:
	free(r);
}

CTS_TEST_D(neg_mrdsl_honoured, "neg.mrdsl.initiator-declaration-honoured",
	   "7143 13.12", CTS_MUST,
	   "after MaxRecvDataSegmentLength=512 is declared, no Data-In "
	   "segment exceeds 512 bytes",
	   "datain-over-mrdsl")
{
	struct iscsi_text k;
	struct s1_login *l;
	int rc;

	iscsi_text_init(&k);
	iscsi_text_add(&k, "MaxRecvDataSegmentLength", "512");
	rc = s1_login(ctx, NULL, false, &k, NULL, &l);
	iscsi_text_free(&k);
	if (rc > 0)
		cts_error(ctx, "the login was refused (0x%04x)", rc);
	if (rc == 0)
		read_check(l, 8192, 512, 262144, "MRDSL 512 declared");
}

CTS_TEST_D(neg_mrdsl_target, "neg.mrdsl.target-declaration-in-range",
	   "7143 13.12", CTS_MUST,
	   "the target's own MaxRecvDataSegmentLength declaration is within "
	   "512..2^24-1",
	   "mrdsl-declared-too-small")
{
	struct iscsi_text k, ans;
	const char *v;
	uint64_t x;
	int rc;

	iscsi_text_init(&k);
	iscsi_text_init(&ans);
	iscsi_text_add(&k, "MaxRecvDataSegmentLength", "8192");
	rc = s1_login(ctx, NULL, false, &k, &ans, NULL);
	v = iscsi_text_find(&ans, "MaxRecvDataSegmentLength");
	if (rc > 0)
		cts_error(ctx, "the login was refused (0x%04x)", rc);
	else if (rc == 0 && !v)
		cts_note(ctx, "no declaration: the default 8192 applies");
	else if (rc == 0 &&
		 (s1_number(v, &x) < 0 || x < 512 || x > 16777215))
		cts_fail(ctx, "MaxRecvDataSegmentLength=<512..16777215>", v,
			 "the target's declaration in the operational stage");
	iscsi_text_free(&k);
	iscsi_text_free(&ans);
}

CTS_TEST_D(neg_default_mrdsl, "neg.default.mrdsl-8192", "7143 13.12",
	   CTS_MUST, "when the initiator declares no MaxRecvDataSegmentLength, "
		     "Data-In segments stay within the default 8192",
	   "datain-over-mrdsl")
{
	struct s1_login *l;
	int rc = s1_login(ctx, NULL, false, NULL, NULL, &l);

	if (rc > 0)
		cts_error(ctx, "the login was refused (0x%04x)", rc);
	if (rc == 0)
		read_check(l, 65536, 8192, 262144, "no keys negotiated");
}

CTS_TEST_D(neg_default_mbl, "neg.default.maxburstlength-262144",
	   "7143 13.13", CTS_MUST,
	   "when MaxBurstLength is not negotiated, Data-In sequences stay "
	   "within the default 262144",
	   "datain-over-maxburst")
{
	struct s1_login *l;
	int rc = s1_login(ctx, NULL, false, NULL, NULL, &l);

	if (rc > 0)
		cts_error(ctx, "the login was refused (0x%04x)", rc);
	if (rc == 0)
		read_check(l, 1u << 20, 8192, 262144, "no keys negotiated");
}
