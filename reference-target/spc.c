/* SPDX-License-Identifier: MIT */
/*
 * spc.c - the primary commands (SPC-4) of the reference target's LU:
 * INQUIRY and its VPD pages, MODE SENSE, REQUEST SENSE, REPORT SUPPORTED
 * OPERATION CODES, TEST UNIT READY, START STOP UNIT, PREVENT ALLOW MEDIUM
 * REMOVAL and SPC-2 RESERVE / RELEASE; then REPORT LUNS, the answers of
 * an unmapped LUN and of the REPORT LUNS well-known LU, and the lu_set
 * functions.
 */
#define LU_INTERNAL
#include "lu.h"

#include <stdio.h>
#include <string.h>

#include "defects.h"
#include "scsi.h"
#include "wire.h"

#define SPC_VERSION_SPC4 0x06
#define SPC_TYPE_DISK 0x00
#define SPC_TYPE_WLUN 0x1e
#define SPC_NO_DEVICE 0x7f /* peripheral qualifier 011b, type 1Fh */
#define SPC_STD_INQ_LEN 96u
#define SPC_NOT_CONNECTED 0x20 /* peripheral qualifier 001b */

/* Is this --defect of the target switched on (lu_set.defects)? */
static bool spc_defect(const struct lu_set *set, enum defect_id d)
{
	return set && set->defects && defect_on(set->defects, d);
}

/* ---- INQUIRY (SPC-4 §6.6) ------------------------------------------------- */

static void spc_pad(uint8_t *dst, const char *s, size_t n)
{
	size_t k = strlen(s);

	memset(dst, ' ', n);
	memcpy(dst, s, k < n ? k : n);
}

static size_t spc_std_inquiry(uint8_t *d, uint8_t pqt, const char *vendor,
			      const char *product, const char *rev)
{
	/* SAM-5, iSCSI, SPC-4, SBC-3 version descriptors (SPC-4 §6.6.2). */
	static const uint16_t vd[] = {0x00a0, 0x0960, 0x0460, 0x04c0};

	memset(d, 0, SPC_STD_INQ_LEN);
	d[0] = pqt;
	d[2] = SPC_VERSION_SPC4;
	d[3] = 0x10 | 0x02; /* HISUP, RESPONSE DATA FORMAT 2 */
	d[4] = SPC_STD_INQ_LEN - 5;
	d[7] = 0x02; /* CMDQUE */
	spc_pad(d + 8, vendor, 8);
	spc_pad(d + 16, product, 16);
	spc_pad(d + 32, rev, 4);
	for (size_t i = 0; pqt != SPC_NO_DEVICE && i < 4; i++)
		iscsi_put16(d + 58 + 2 * i, vd[i]);
	return SPC_STD_INQ_LEN;
}

static const uint8_t spc_vpd_list[] = {0x00, 0x80, 0x83, 0xb0, 0xb1, 0xb2};

/* One designation descriptor (SPC-4 §7.8.6.1); returns its length. */
static size_t spc_desig(uint8_t *d, uint8_t proto_cs, uint8_t piv_assoc_type,
			const void *v, size_t n, size_t padded)
{
	d[0] = proto_cs;
	d[1] = piv_assoc_type;
	d[2] = 0;
	d[3] = (uint8_t)padded;
	memset(d + 4, 0, padded);
	memcpy(d + 4, v, n);
	return 4 + padded;
}

/* A SCSI name string designator: NUL-terminated, padded to 4 (§7.8.6.11). */
static size_t spc_name_desig(uint8_t *d, uint8_t assoc, const char *name)
{
	size_t n = strnlen(name, LU_PORT_NAME_MAX - 1);

	/* protocol 5h iSCSI, code set 3h UTF-8; PIV, association, type 8h */
	return spc_desig(d, 0x53, (uint8_t)(0x80 | assoc << 4 | 0x08), name, n,
			 (n + 4) & ~(size_t)3);
}

static size_t spc_vpd83(const struct lu *lu, const struct lu_task *t,
			uint8_t *d)
{
	uint8_t v[8 + 32 + 1];
	size_t n = 4;
	int k;

	iscsi_put64(v, lu->naa); /* NAA, binary, LU association, type 3h */
	n += spc_desig(d + n, 0x01, 0x03, v, 8, 8);
	k = snprintf((char *)v, sizeof(v), "%-8s%s", lu->vendor, lu->serial);
	n += spc_desig(d + n, 0x02, 0x01, v, (size_t)k, (size_t)k);
	if (t->set && t->set->rel_port) { /* relative target port, 4h */
		memset(v, 0, 4);
		iscsi_put16(v + 2, t->set->rel_port);
		n += spc_desig(d + n, 0x51, 0x94, v, 4, 4);
	}
	if (t->set && t->set->target_port[0])
		n += spc_name_desig(d + n, 1, t->set->target_port);
	if (t->set && t->set->target_name[0])
		n += spc_name_desig(d + n, 2, t->set->target_name);
	iscsi_put16(d + 2, (uint16_t)(n - 4));
	return n;
}

/* Block Limits (SBC-3 §6.5.3). */
static size_t spc_vpd_b0(const struct lu *lu, uint8_t *d)
{
	unsigned bs = lu->block_size;

	iscsi_put16(d + 2, 0x3c);
	d[5] = LU_CAW_MAX_BLOCKS * bs <= (1u << 20) ? LU_CAW_MAX_BLOCKS
						     : (1u << 20) / bs;
	iscsi_put16(d + 6, (uint16_t)(bs < 4096 ? 4096 / bs : 1));
	iscsi_put32(d + 8, LU_MAX_XFER_BYTES / bs);
	iscsi_put32(d + 12, (1u << 20) / bs); /* optimal transfer: 1 MiB */
	iscsi_put32(d + 20, LU_UNMAP_MAX_LBAS);
	iscsi_put32(d + 24, LU_UNMAP_MAX_DESC);
	iscsi_put32(d + 28, 1); /* optimal unmap granularity */
	iscsi_put64(d + 36, lu_ws_max_blocks(lu));
	return 64;
}

static size_t spc_vpd(const struct lu *lu, const struct lu_task *t,
		      uint8_t page, uint8_t *d)
{
	size_t n;

	d[1] = page;
	switch (page) {
	case 0x00:
		memcpy(d + 4, spc_vpd_list, sizeof(spc_vpd_list));
		n = 4 + sizeof(spc_vpd_list);
		break;
	case 0x80:
		n = strlen(lu->serial);
		memcpy(d + 4, lu->serial, n);
		n += 4;
		break;
	case 0x83:
		return spc_vpd83(lu, t, d);
	case 0xb0:
		return spc_vpd_b0(lu, d);
	case 0xb1: /* Block Device Characteristics (SBC-3 §6.5.2) */
		iscsi_put16(d + 4, 1); /* non-rotating medium */
		n = 64;
		break;
	case 0xb2: /* Logical Block Provisioning (SBC-3 §6.5.4) */
		d[5] = 0x80 | 0x40 | 0x20 | 0x04; /* LBPU LBPWS LBPWS10 LBPRZ */
		d[6] = 0x02;			  /* thin provisioned */
		n = 8;
		break;
	default:
		return 0;
	}
	iscsi_put16(d + 2, (uint16_t)(n - 4));
	return n;
}

void spc_inquiry(struct lu *lu, struct lu_task *t)
{
	uint8_t d[1024] = {0};
	size_t alloc = iscsi_get16(t->cdb + 3), n;

	if (!(t->cdb[1] & 1)) {
		if (t->cdb[2]) { /* PAGE CODE without EVPD */
			lu_bad_cdb(t, 2, 7);
			return;
		}
		uint8_t pqt = SPC_TYPE_DISK;

		if (spc_defect(t->set, DEFECT_LUN0_NOT_CONNECTED) &&
		    lu_set_get(t->set, 0) == lu)
			pqt |= SPC_NOT_CONNECTED;
		n = spc_std_inquiry(d, pqt, lu->vendor, lu->product,
				    lu->revision);
	} else {
		n = spc_vpd(lu, t, t->cdb[2], d);
		if (!n) {
			lu_bad_cdb(t, 2, 7);
			return;
		}
	}
	lu_reply(t, d, n, alloc);
}

/* ---- MODE SENSE (SPC-4 §6.11, §7.5) -------------------------------------- */

/* One mode page, current (or default) values, or its changeable mask. */
static size_t spc_mode_page(const struct lu *lu, uint8_t page, bool mask,
			    uint8_t *d)
{
	switch (page) {
	case 0x08: /* Caching (SBC-3 §6.4.5) */
		memset(d, 0, 20);
		d[0] = 0x08;
		d[1] = 0x12;
		if (!mask && !lu->write_through)
			d[2] = 0x04; /* WCE */
		return 20;
	case 0x0a: /* Control (SPC-4 §7.5.7) */
		memset(d, 0, 12);
		d[0] = 0x0a;
		d[1] = 0x0a;
		if (!mask)
			iscsi_put16(d + 8, 0xffff); /* busy timeout: unlimited */
		return 12;
	case 0x1c: /* Informational Exceptions Control (SPC-4 §7.5.9) */
		memset(d, 0, 12);
		d[0] = 0x1c;
		d[1] = 0x0a;
		if (!mask)
			d[2] = 0x08; /* DEXCPT: no exception reporting */
		return 12;
	default:
		return 0;
	}
}

static size_t spc_mode_pages(const struct lu *lu, uint8_t page, bool mask,
			     uint8_t *d)
{
	static const uint8_t all[] = {0x08, 0x0a, 0x1c};
	size_t n = 0;

	if (page != 0x3f)
		return spc_mode_page(lu, page, mask, d);
	for (size_t i = 0; i < sizeof(all); i++)
		n += spc_mode_page(lu, all[i], mask, d + n);
	return n;
}

void spc_mode_sense(struct lu *lu, struct lu_task *t)
{
	bool ten = t->cdb[0] == SCSI_OP_MODE_SENSE10, dbd = t->cdb[1] & 0x08;
	bool llba = ten && (t->cdb[1] & 0x10);
	unsigned pc = t->cdb[2] >> 6, page = t->cdb[2] & 0x3f;
	unsigned sub = t->cdb[3], hdr = ten ? 8 : 4, bdl = 0;
	size_t alloc = ten ? iscsi_get16(t->cdb + 7) : t->cdb[4], n;
	uint8_t d[256] = {0};

	if (pc == 3) { /* saved values */
		lu_check(t, SCSI_SK_ILLEGAL_REQUEST, 0x39, 0x00);
		return;
	}
	if (sub && !(page == 0x3f && sub == 0xff)) { /* no subpages */
		lu_bad_cdb(t, 3, 7);
		return;
	}
	if (!dbd)
		bdl = llba ? 16 : 8;
	n = spc_mode_pages(lu, (uint8_t)page, pc == 1, d + hdr + bdl);
	if (!n) {
		lu_bad_cdb(t, 2, 5);
		return;
	}
	if (bdl == 8) { /* short LBA block descriptor (SBC-3 §6.4.2) */
		iscsi_put32(d + hdr, lu->nblocks > 0xffffffffu
					     ? 0xffffffffu
					     : (uint32_t)lu->nblocks);
		iscsi_put32(d + hdr + 4, lu->block_size); /* byte 4 reserved */
	} else if (bdl == 16) {
		iscsi_put64(d + hdr, lu->nblocks);
		iscsi_put32(d + hdr + 12, lu->block_size);
	}
	n += hdr + bdl;
	/* device-specific parameter: WP, DPOFUA (SBC-3 §6.4.1) */
	d[ten ? 3 : 2] = (uint8_t)((lu->read_only ? 0x80 : 0) | 0x10);
	if (ten) {
		iscsi_put16(d, (uint16_t)(n - 2));
		d[4] = llba && bdl ? 1 : 0; /* LONGLBA */
		iscsi_put16(d + 6, (uint16_t)bdl);
	} else {
		d[0] = (uint8_t)(n - 1);
		d[3] = (uint8_t)bdl;
	}
	lu_reply(t, d, n, alloc);
}

/* ---- REQUEST SENSE, TEST UNIT READY, START STOP, PREVENT ALLOW ---------- */

/* Sense data as REQUEST SENSE parameter data: DESC picks the format. */
static size_t spc_sense(uint8_t *s, bool desc, uint8_t key, uint8_t asc,
			uint8_t ascq)
{
	if (desc)
		return scsi_sense_build_desc(s, LU_SENSE_MAX, key, asc, ascq);
	return scsi_sense_build_fixed(s, LU_SENSE_MAX, key, asc, ascq);
}

/* SPC-4 §6.39: returns (and clears) a pending UA, else NO SENSE. */
void spc_request_sense(struct lu *lu, struct lu_task *t)
{
	uint8_t s[LU_SENSE_MAX];
	bool desc = t->cdb[1] & 1;
	size_t n;

	n = lu_ua_pop(lu, t->nexus, s, desc);
	if (!n)
		n = spc_sense(s, desc, SCSI_SK_NO_SENSE, 0, 0);
	lu_reply(t, s, n, t->cdb[4]);
}

void spc_tur(struct lu *lu, struct lu_task *t)
{
	(void)lu;
	(void)t; /* the medium is always ready */
}

/* SBC-3 §5.25: the power conditions a disk knows. */
void spc_start_stop(struct lu *lu, struct lu_task *t)
{
	unsigned pc = t->cdb[4] >> 4;

	(void)lu;
	if (pc != 0 && pc != 1 && pc != 2 && pc != 3 && pc != 7 &&
	    pc != 0xa && pc != 0xb)
		lu_bad_cdb(t, 4, 7);
}

void spc_prevent_allow(struct lu *lu, struct lu_task *t)
{
	unsigned prevent = t->cdb[4] & 3;

	if (prevent > 1) { /* 10b, 11b: obsolete (SBC-3 §5.13) */
		lu_bad_cdb(t, 4, 1);
		return;
	}
	lu->prevent = prevent;
}

/* ---- SPC-2 RESERVE / RELEASE (SPC-2 §7.21, §7.17; SPC-4 §5.12.3) ----- */

/*
 * With persistent reservations in use, RESERVE and RELEASE conflict,
 * except from the holder of a WE or EA persistent reservation, where they
 * do nothing (compatible reservation handling, CRH=1).
 */
static bool spc_pr_blocks(const struct lu *lu, struct lu_task *t)
{
	if (!pr_any(lu))
		return false;
	if (!(lu->pr.held && lu->pr.holder == t->nexus &&
	      (lu->pr.type == LU_PR_WE || lu->pr.type == LU_PR_EA)))
		t->status = SCSI_STATUS_RESERVATION_CONFLICT;
	return true;
}

void spc_reserve(struct lu *lu, struct lu_task *t)
{
	if (spc_pr_blocks(lu, t))
		return;
	if (lu->spc2_held && lu->spc2_holder != t->nexus) {
		t->status = SCSI_STATUS_RESERVATION_CONFLICT;
		return;
	}
	lu->spc2_held = true;
	lu->spc2_holder = t->nexus;
}

void spc_release(struct lu *lu, struct lu_task *t)
{
	if (spc_pr_blocks(lu, t))
		return;
	/* From a non-holder a release does nothing (SPC-2 §7.17). */
	if (lu->spc2_held && lu->spc2_holder == t->nexus)
		lu->spc2_held = false;
}

/* ---- REPORT SUPPORTED OPERATION CODES (SPC-4 §6.35) --------------------- */

static size_t spc_timeout_desc(uint8_t *d)
{
	memset(d, 0, 12);
	iscsi_put16(d, 0x0a);
	iscsi_put32(d + 8, 30); /* recommended command timeout, seconds */
	return 12;
}

static size_t spc_rsoc_all(bool rctd, uint8_t *d)
{
	size_t n = 4;
	const struct lu_cmd *c;

	for (size_t i = 0; (c = lu_cmd_at(i)) != NULL; i++) {
		uint8_t *e = d + n;

		memset(e, 0, 8);
		e[0] = c->op;
		iscsi_put16(e + 2, c->sa);
		e[5] = (uint8_t)((rctd ? 0x02 : 0) | (c->has_sa ? 0x01 : 0));
		iscsi_put16(e + 6, c->cdb_len);
		n += 8;
		if (rctd)
			n += spc_timeout_desc(d + n);
	}
	iscsi_put32(d, (uint32_t)(n - 4));
	return n;
}

static size_t spc_rsoc_one(struct lu_task *t, unsigned opt, bool rctd,
			   uint8_t *d)
{
	uint8_t op = t->cdb[3];
	uint16_t sa = iscsi_get16(t->cdb + 4);
	const struct lu_cmd *c;
	bool known, has_sa;
	size_t n = 4;

	c = lu_cmd_find(op, sa, &known);
	has_sa = known && lu_cmd_find(op, 0xffff, &known) == NULL;
	/* A mismatch between option and the opcode's kind is an invalid
	 * field (001b: opcode has service actions; 010b: it has none). */
	if ((opt == 1 && has_sa) || (opt == 2 && known && !has_sa)) {
		lu_bad_cdb(t, 2, 2);
		return 0;
	}
	if (opt == 3 && !has_sa) /* 011b: the SA field is ignored */
		c = lu_cmd_find(op, 0, &known);
	memset(d, 0, 4);
	if (!c) {
		d[1] = 0x01; /* not supported */
		return 4;
	}
	d[1] = (uint8_t)((rctd ? 0x80 : 0) | 0x03); /* supported */
	iscsi_put16(d + 2, c->cdb_len);
	memcpy(d + 4, c->usage, c->cdb_len); /* SA in usage[1] when any */
	n += c->cdb_len;
	if (rctd)
		n += spc_timeout_desc(d + n);
	return n;
}

void spc_report_opcodes(struct lu *lu, struct lu_task *t)
{
	uint8_t d[2048];
	unsigned opt = t->cdb[2] & 7;
	bool rctd = t->cdb[2] & 0x80;
	size_t n;

	(void)lu;
	if (opt > 3) {
		lu_bad_cdb(t, 2, 2);
		return;
	}
	n = opt == 0 ? spc_rsoc_all(rctd, d) : spc_rsoc_one(t, opt, rctd, d);
	if (n)
		lu_reply(t, d, n, iscsi_get32(t->cdb + 6));
}

/* ---- REPORT LUNS, unmapped LUNs, the well-known LU, lu_set --------------- */

void spc_report_luns_set(const struct lu_set *set, struct lu_task *t)
{
	uint8_t d[8 + 8 * (LU_SET_MAX + 1)] = {0};
	uint8_t sel = t->cdb[2];
	size_t n = 8, nluns = set ? set->n : 0;
	/* LUN byte 0 and 1 go at 2 and 3 (second level) under the defect */
	size_t at = spc_defect(set, DEFECT_REPORT_LUNS_TWO_LEVEL) ? 2 : 0;

	if (sel > 2) { /* SPC-4 §6.33 SELECT REPORT 00h..02h */
		lu_bad_cdb(t, 2, 7);
		return;
	}
	if (iscsi_get32(t->cdb + 6) < 16) {
		lu_bad_cdb(t, 6, 7);
		return;
	}
	if (nluns && spc_defect(set, DEFECT_REPORT_LUNS_OMITS_LUN))
		nluns--;
	for (size_t i = 0; sel != 1 && i < nluns; i++, n += 8) {
		uint64_t lun = set->map[i].lun;

		/* SAM-5 §4.7.7: peripheral device addressing below 256,
		 * flat space above. */
		d[n + at] = lun < 256 ? 0 : (uint8_t)(0x40 | lun >> 8);
		d[n + at + 1] = (uint8_t)lun;
	}
	if (sel != 1 && !set) /* lu_exec without a set: the LU is LUN 0 */
		n += 8;
	if (sel != 0) {
		d[n] = LU_WLUN_REPORT_LUNS >> 8;
		d[n + 1] = LU_WLUN_REPORT_LUNS & 0xff;
		n += 8;
	}
	iscsi_put32(d, (uint32_t)(n - 8));
	lu_reply(t, d, n, iscsi_get32(t->cdb + 6));
}

void spc_report_luns(struct lu *lu, struct lu_task *t)
{
	(void)lu;
	spc_report_luns_set(t->set, t);
}

/* INQUIRY on a LUN with no LU: PQ 011b, type 1Fh (SPC-4 §6.6.2). */
static void spc_inquiry_none(struct lu_task *t, uint8_t pqt)
{
	uint8_t d[SPC_STD_INQ_LEN];
	size_t n;

	if (!(t->cdb[1] & 1)) {
		if (t->cdb[2]) {
			lu_bad_cdb(t, 2, 7);
			return;
		}
		n = spc_std_inquiry(d, pqt, "ISCSICTS", "REFTGT", "");
	} else if (t->cdb[2] == 0) { /* only page 00h exists here */
		memset(d, 0, 5);
		d[0] = pqt;
		d[3] = 1;
		n = 5;
	} else {
		lu_bad_cdb(t, 2, 7);
		return;
	}
	lu_reply(t, d, n, iscsi_get16(t->cdb + 3));
}

void spc_no_lu(const struct lu_set *set, struct lu_task *t)
{
	uint8_t s[LU_SENSE_MAX];
	size_t n;

	if (spc_defect(set, DEFECT_UNMAPPED_LUN_GOOD) &&
	    t->cdb[0] != SCSI_OP_INQUIRY)
		return; /* GOOD, no data */
	switch (t->cdb[0]) {
	case SCSI_OP_INQUIRY:
		/* the defect claims a disk is there (PQ 000b) */
		spc_inquiry_none(t, spc_defect(set, DEFECT_UNMAPPED_LUN_PQ0) ?
					    SPC_TYPE_DISK : SPC_NO_DEVICE);
		break;
	case SCSI_OP_REQUEST_SENSE: /* SPC-4 §6.39: sense data, GOOD status */
		n = spc_sense(s, t->cdb[1] & 1, SCSI_SK_ILLEGAL_REQUEST,
			      0x25, 0x00);
		lu_reply(t, s, n, t->cdb[4]);
		break;
	default: /* SAM-5 §5.10: LOGICAL UNIT NOT SUPPORTED */
		lu_check(t, SCSI_SK_ILLEGAL_REQUEST, 0x25, 0x00);
		break;
	}
}

/* The REPORT LUNS well-known LU (SPC-4 §8.2). */
void spc_wlun(const struct lu_set *set, struct lu_task *t)
{
	uint8_t s[LU_SENSE_MAX];
	size_t n;

	(void)set;
	switch (t->cdb[0]) {
	case SCSI_OP_INQUIRY:
		spc_inquiry_none(t, SPC_TYPE_WLUN);
		break;
	case SCSI_OP_REQUEST_SENSE:
		n = spc_sense(s, t->cdb[1] & 1, SCSI_SK_NO_SENSE, 0, 0);
		lu_reply(t, s, n, t->cdb[4]);
		break;
	case SCSI_OP_TEST_UNIT_READY:
		break;
	default:
		lu_check(t, SCSI_SK_ILLEGAL_REQUEST, 0x20, 0x00);
		break;
	}
}

void lu_set_init(struct lu_set *set)
{
	memset(set, 0, sizeof(*set));
	set->rel_port = 1;
}

int lu_set_add(struct lu_set *set, uint64_t lun, struct lu *lu, char *err,
	       size_t errlen)
{
	size_t i;

	if (lun > LU_LUN_MAX || set->n >= LU_SET_MAX || !lu ||
	    lu_set_get(set, lun)) {
		snprintf(err, errlen, "LUN %llu: out of range, taken or set "
			 "full", (unsigned long long)lun);
		return -1;
	}
	for (i = set->n; i > 0 && set->map[i - 1].lun > lun; i--)
		set->map[i] = set->map[i - 1]; /* keep the map sorted */
	set->map[i].lun = lun;
	set->map[i].lu = lu;
	set->n++;
	return 0;
}

struct lu *lu_set_get(const struct lu_set *set, uint64_t lun)
{
	for (size_t i = 0; i < set->n; i++)
		if (set->map[i].lun == lun)
			return set->map[i].lu;
	return NULL;
}

void lu_set_exec(struct lu_set *set, uint64_t lun, struct lu_task *t)
{
	struct lu *lu = lu_set_get(set, lun);

	t->set = set;
	if (lu) {
		lu_exec(lu, t);
		return;
	}
	t->status = SCSI_STATUS_GOOD;
	t->sense_len = 0;
	t->data_in_len = 0;
	t->data_in_full = 0;
	if (!t->cdb || t->cdb_len < 6)
		lu_check(t, SCSI_SK_ILLEGAL_REQUEST, 0x20, 0x00);
	else if (t->cdb[0] == SCSI_OP_REPORT_LUNS && t->cdb_len >= 12 &&
		 !(lun == 0 && spc_defect(set, DEFECT_NO_LUN0)))
		spc_report_luns_set(set, t);
	else if (lun == LU_WLUN_REPORT_LUNS)
		spc_wlun(set, t);
	else
		spc_no_lu(set, t);
}

int lu_set_xfer_len(const struct lu_set *set, uint64_t lun,
		    const uint8_t *cdb, size_t cdb_len, uint32_t *len,
		    int *dir)
{
	const struct lu *lu = lu_set_get(set, lun);

	if (lu)
		return lu_xfer_len(lu, cdb, cdb_len, len, dir);
	*len = 0;
	*dir = LU_DIR_NONE;
	if (!cdb || cdb_len < 6)
		return -1;
	switch (cdb[0]) {
	case SCSI_OP_INQUIRY:
		*len = iscsi_get16(cdb + 3);
		break;
	case SCSI_OP_REQUEST_SENSE:
		*len = cdb[4];
		break;
	case SCSI_OP_REPORT_LUNS:
		if (cdb_len < 12)
			return -1;
		*len = iscsi_get32(cdb + 6);
		break;
	case SCSI_OP_TEST_UNIT_READY:
		return 0;
	default:
		return -1;
	}
	*dir = *len ? LU_DIR_READ : LU_DIR_NONE;
	return 0;
}
