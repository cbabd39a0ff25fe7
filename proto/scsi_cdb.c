/* SPDX-License-Identifier: MIT */
/*
 * scsi_cdb.c - CDB builders and decoding (SPC-4, SBC-3), UNMAP and
 * PERSISTENT RESERVE OUT parameter lists.
 */
#include <string.h>

#include "scsi.h"
#include "wire.h"

static uint8_t *cdb_start(uint8_t *cdb, uint8_t opcode)
{
	memset(cdb, 0, SCSI_CDB_MAX);
	cdb[0] = opcode;
	return cdb;
}

/* OP | flags | LBA(4) @2 | group @6 | LENGTH(2) @7 | control */
static size_t cdb10(uint8_t *cdb, uint8_t op, uint8_t flags, uint32_t lba,
		    uint16_t len)
{
	cdb_start(cdb, op);
	cdb[1] = flags;
	iscsi_put32(cdb + 2, lba);
	iscsi_put16(cdb + 7, len);
	return 10;
}

/* OP | flags | LBA(4) @2 | LENGTH(4) @6 | group @10 | control */
static size_t cdb12(uint8_t *cdb, uint8_t op, uint8_t flags, uint32_t lba,
		    uint32_t len)
{
	cdb_start(cdb, op);
	cdb[1] = flags;
	iscsi_put32(cdb + 2, lba);
	iscsi_put32(cdb + 6, len);
	return 12;
}

/* OP | flags | LBA(8) @2 | LENGTH(4) @10 | group @14 | control */
static size_t cdb16(uint8_t *cdb, uint8_t op, uint8_t flags, uint64_t lba,
		    uint32_t len)
{
	cdb_start(cdb, op);
	cdb[1] = flags;
	iscsi_put64(cdb + 2, lba);
	iscsi_put32(cdb + 10, len);
	return 16;
}

/* SBC-3 §5.15/§5.30: 21-bit LBA in bytes 1..3, length in byte 4. */
static size_t cdb6_rw(uint8_t *cdb, uint8_t op, uint32_t lba, uint8_t blocks)
{
	if (lba > 0x1fffffu)
		return 0;
	cdb_start(cdb, op);
	cdb[1] = (uint8_t)(lba >> 16);
	cdb[2] = (uint8_t)(lba >> 8);
	cdb[3] = (uint8_t)lba;
	cdb[4] = blocks;
	return 6;
}

size_t scsi_cdb_test_unit_ready(uint8_t *cdb)
{
	cdb_start(cdb, SCSI_OP_TEST_UNIT_READY);
	return 6;
}

size_t scsi_cdb_request_sense(uint8_t *cdb, bool desc, uint8_t alloc)
{
	cdb_start(cdb, SCSI_OP_REQUEST_SENSE);
	cdb[1] = desc ? 0x01 : 0x00;
	cdb[4] = alloc;
	return 6;
}

/* SPC-4 §6.6: EVPD bit 0 of byte 1, page code, 16-bit allocation length */
size_t scsi_cdb_inquiry(uint8_t *cdb, bool evpd, uint8_t page, uint16_t alloc)
{
	cdb_start(cdb, SCSI_OP_INQUIRY);
	cdb[1] = evpd ? 0x01 : 0x00;
	cdb[2] = page;
	iscsi_put16(cdb + 3, alloc);
	return 6;
}

/* SPC-4 §6.27 */
size_t scsi_cdb_report_luns(uint8_t *cdb, uint8_t select, uint32_t alloc)
{
	cdb_start(cdb, SCSI_OP_REPORT_LUNS);
	cdb[2] = select;
	iscsi_put32(cdb + 6, alloc);
	return 12;
}

size_t scsi_cdb_read_capacity10(uint8_t *cdb)
{
	cdb_start(cdb, SCSI_OP_READ_CAPACITY10);
	return 10;
}

/* SBC-3 §5.16: SERVICE ACTION IN(16) / READ CAPACITY(16) */
size_t scsi_cdb_read_capacity16(uint8_t *cdb, uint32_t alloc)
{
	cdb_start(cdb, SCSI_OP_SERVICE_ACTION_IN16);
	cdb[1] = SCSI_SA_READ_CAPACITY16;
	iscsi_put32(cdb + 10, alloc);
	return 16;
}

/* SPC-4 §6.11/§6.12: PC in bits 7..6 of byte 2, page code in 5..0 */
size_t scsi_cdb_mode_sense6(uint8_t *cdb, uint8_t flags, uint8_t pc,
			    uint8_t page, uint8_t subpage, uint8_t alloc)
{
	if (pc > 3 || page > 0x3f)
		return 0;
	cdb_start(cdb, SCSI_OP_MODE_SENSE6);
	cdb[1] = flags;
	cdb[2] = (uint8_t)(pc << 6 | page);
	cdb[3] = subpage;
	cdb[4] = alloc;
	return 6;
}

size_t scsi_cdb_mode_sense10(uint8_t *cdb, uint8_t flags, uint8_t pc,
			     uint8_t page, uint8_t subpage, uint16_t alloc)
{
	if (pc > 3 || page > 0x3f)
		return 0;
	cdb_start(cdb, SCSI_OP_MODE_SENSE10);
	cdb[1] = flags;
	cdb[2] = (uint8_t)(pc << 6 | page);
	cdb[3] = subpage;
	iscsi_put16(cdb + 7, alloc);
	return 10;
}

size_t scsi_cdb_mode_select6(uint8_t *cdb, uint8_t flags, uint8_t len)
{
	cdb_start(cdb, SCSI_OP_MODE_SELECT6);
	cdb[1] = flags;
	cdb[4] = len;
	return 6;
}

size_t scsi_cdb_mode_select10(uint8_t *cdb, uint8_t flags, uint16_t len)
{
	cdb_start(cdb, SCSI_OP_MODE_SELECT10);
	cdb[1] = flags;
	iscsi_put16(cdb + 7, len);
	return 10;
}

size_t scsi_cdb_read6(uint8_t *cdb, uint32_t lba, uint8_t blocks)
{
	return cdb6_rw(cdb, SCSI_OP_READ6, lba, blocks);
}

size_t scsi_cdb_write6(uint8_t *cdb, uint32_t lba, uint8_t blocks)
{
	return cdb6_rw(cdb, SCSI_OP_WRITE6, lba, blocks);
}

size_t scsi_cdb_read10(uint8_t *cdb, uint32_t lba, uint16_t blocks,
		       uint8_t flags)
{
	return cdb10(cdb, SCSI_OP_READ10, flags, lba, blocks);
}

size_t scsi_cdb_write10(uint8_t *cdb, uint32_t lba, uint16_t blocks,
			uint8_t flags)
{
	return cdb10(cdb, SCSI_OP_WRITE10, flags, lba, blocks);
}

size_t scsi_cdb_read12(uint8_t *cdb, uint32_t lba, uint32_t blocks,
		       uint8_t flags)
{
	return cdb12(cdb, SCSI_OP_READ12, flags, lba, blocks);
}

size_t scsi_cdb_write12(uint8_t *cdb, uint32_t lba, uint32_t blocks,
			uint8_t flags)
{
	return cdb12(cdb, SCSI_OP_WRITE12, flags, lba, blocks);
}

size_t scsi_cdb_read16(uint8_t *cdb, uint64_t lba, uint32_t blocks,
		       uint8_t flags)
{
	return cdb16(cdb, SCSI_OP_READ16, flags, lba, blocks);
}

size_t scsi_cdb_write16(uint8_t *cdb, uint64_t lba, uint32_t blocks,
			uint8_t flags)
{
	return cdb16(cdb, SCSI_OP_WRITE16, flags, lba, blocks);
}

size_t scsi_cdb_verify10(uint8_t *cdb, uint32_t lba, uint16_t blocks,
			 uint8_t flags)
{
	return cdb10(cdb, SCSI_OP_VERIFY10, flags, lba, blocks);
}

size_t scsi_cdb_verify12(uint8_t *cdb, uint32_t lba, uint32_t blocks,
			 uint8_t flags)
{
	return cdb12(cdb, SCSI_OP_VERIFY12, flags, lba, blocks);
}

size_t scsi_cdb_verify16(uint8_t *cdb, uint64_t lba, uint32_t blocks,
			 uint8_t flags)
{
	return cdb16(cdb, SCSI_OP_VERIFY16, flags, lba, blocks);
}

size_t scsi_cdb_write_verify10(uint8_t *cdb, uint32_t lba, uint16_t blocks,
			       uint8_t flags)
{
	return cdb10(cdb, SCSI_OP_WRITE_VERIFY10, flags, lba, blocks);
}

size_t scsi_cdb_write_verify12(uint8_t *cdb, uint32_t lba, uint32_t blocks,
			       uint8_t flags)
{
	return cdb12(cdb, SCSI_OP_WRITE_VERIFY12, flags, lba, blocks);
}

size_t scsi_cdb_write_verify16(uint8_t *cdb, uint64_t lba, uint32_t blocks,
			       uint8_t flags)
{
	return cdb16(cdb, SCSI_OP_WRITE_VERIFY16, flags, lba, blocks);
}

size_t scsi_cdb_sync_cache10(uint8_t *cdb, uint32_t lba, uint16_t blocks,
			     uint8_t flags)
{
	return cdb10(cdb, SCSI_OP_SYNC_CACHE10, flags, lba, blocks);
}

size_t scsi_cdb_sync_cache16(uint8_t *cdb, uint64_t lba, uint32_t blocks,
			     uint8_t flags)
{
	return cdb16(cdb, SCSI_OP_SYNC_CACHE16, flags, lba, blocks);
}

size_t scsi_cdb_write_same10(uint8_t *cdb, uint32_t lba, uint16_t blocks,
			     uint8_t flags)
{
	return cdb10(cdb, SCSI_OP_WRITE_SAME10, flags, lba, blocks);
}

size_t scsi_cdb_write_same16(uint8_t *cdb, uint64_t lba, uint32_t blocks,
			     uint8_t flags)
{
	return cdb16(cdb, SCSI_OP_WRITE_SAME16, flags, lba, blocks);
}

/* SBC-3 §5.28: ANCHOR in byte 1, parameter list length in bytes 7..8 */
size_t scsi_cdb_unmap(uint8_t *cdb, uint8_t flags, uint16_t param_len)
{
	cdb_start(cdb, SCSI_OP_UNMAP);
	cdb[1] = flags;
	iscsi_put16(cdb + 7, param_len);
	return 10;
}

/* SBC-3 §5.3: number of logical blocks in byte 13 */
size_t scsi_cdb_compare_and_write(uint8_t *cdb, uint64_t lba, uint8_t blocks,
				  uint8_t flags)
{
	cdb_start(cdb, SCSI_OP_COMPARE_AND_WRITE);
	cdb[1] = flags;
	iscsi_put64(cdb + 2, lba);
	cdb[13] = blocks;
	return 16;
}

/* SPC-4 §6.15 */
size_t scsi_cdb_pr_in(uint8_t *cdb, uint8_t sa, uint16_t alloc)
{
	if (sa > 0x1f)
		return 0;
	cdb_start(cdb, SCSI_OP_PR_IN);
	cdb[1] = sa;
	iscsi_put16(cdb + 7, alloc);
	return 10;
}

/* SPC-4 §6.16: scope in bits 7..4 and type in 3..0 of byte 2 */
size_t scsi_cdb_pr_out(uint8_t *cdb, uint8_t sa, uint8_t scope, uint8_t type,
		       uint32_t param_len)
{
	if (sa > 0x1f || scope > 0xf || type > 0xf)
		return 0;
	cdb_start(cdb, SCSI_OP_PR_OUT);
	cdb[1] = sa;
	cdb[2] = (uint8_t)(scope << 4 | type);
	iscsi_put32(cdb + 5, param_len);
	return 10;
}

size_t scsi_cdb_reserve6(uint8_t *cdb)
{
	cdb_start(cdb, SCSI_OP_RESERVE6);
	return 6;
}

size_t scsi_cdb_release6(uint8_t *cdb)
{
	cdb_start(cdb, SCSI_OP_RELEASE6);
	return 6;
}

/* SPC-4 §6.35: MAINTENANCE IN / REPORT SUPPORTED OPERATION CODES */
size_t scsi_cdb_report_supported_opcodes(uint8_t *cdb, uint8_t options,
					 uint8_t opcode, uint16_t sa,
					 uint32_t alloc)
{
	cdb_start(cdb, SCSI_OP_MAINTENANCE_IN);
	cdb[1] = SCSI_SA_REPORT_SUPPORTED_OPS;
	cdb[2] = options;
	cdb[3] = opcode;
	iscsi_put16(cdb + 4, sa);
	iscsi_put32(cdb + 6, alloc);
	return 12;
}

/* SBC-3 §5.25: IMMED in byte 1, POWER CONDITION in bits 7..4 of byte 4 */
size_t scsi_cdb_start_stop_unit(uint8_t *cdb, bool immed,
				uint8_t power_condition, uint8_t flags)
{
	if (power_condition > 0xf || flags > 0x0f)
		return 0;
	cdb_start(cdb, SCSI_OP_START_STOP_UNIT);
	cdb[1] = immed ? 0x01 : 0x00;
	cdb[4] = (uint8_t)(power_condition << 4 | flags);
	return 6;
}

/* SPC-4 §6.13: PREVENT in bits 1..0 of byte 4 */
size_t scsi_cdb_prevent_allow(uint8_t *cdb, uint8_t prevent)
{
	if (prevent > 3)
		return 0;
	cdb_start(cdb, SCSI_OP_PREVENT_ALLOW);
	cdb[4] = prevent;
	return 6;
}

/* ---- decoding ------------------------------------------------------------ */

size_t scsi_cdb_len(uint8_t opcode)
{
	switch (opcode >> 5) {
	case 0:
		return 6;
	case 1:
	case 2:
		return 10;
	case 4:
		return 16;
	case 5:
		return 12;
	default: /* 3: reserved / variable length; 6, 7: vendor specific */
		return 0;
	}
}

bool scsi_cdb_lba_len(const uint8_t *cdb, size_t len, uint64_t *lba,
		      uint32_t *blocks)
{
	if (!cdb || len == 0 || len < scsi_cdb_len(cdb[0]))
		return false;
	switch (cdb[0]) {
	case SCSI_OP_READ6:
	case SCSI_OP_WRITE6:
		*lba = (uint32_t)(cdb[1] & 0x1f) << 16 | iscsi_get16(cdb + 2);
		*blocks = cdb[4] ? cdb[4] : 256;
		return true;
	case SCSI_OP_READ10:
	case SCSI_OP_WRITE10:
	case SCSI_OP_WRITE_VERIFY10:
	case SCSI_OP_VERIFY10:
	case SCSI_OP_PREFETCH10:
	case SCSI_OP_SYNC_CACHE10:
	case SCSI_OP_WRITE_SAME10:
		*lba = iscsi_get32(cdb + 2);
		*blocks = iscsi_get16(cdb + 7);
		return true;
	case SCSI_OP_READ12:
	case SCSI_OP_WRITE12:
	case SCSI_OP_WRITE_VERIFY12:
	case SCSI_OP_VERIFY12:
		*lba = iscsi_get32(cdb + 2);
		*blocks = iscsi_get32(cdb + 6);
		return true;
	case SCSI_OP_READ16:
	case SCSI_OP_WRITE16:
	case SCSI_OP_ORWRITE16:
	case SCSI_OP_WRITE_VERIFY16:
	case SCSI_OP_VERIFY16:
	case SCSI_OP_PREFETCH16:
	case SCSI_OP_SYNC_CACHE16:
	case SCSI_OP_WRITE_SAME16:
		*lba = iscsi_get64(cdb + 2);
		*blocks = iscsi_get32(cdb + 10);
		return true;
	case SCSI_OP_COMPARE_AND_WRITE:
		*lba = iscsi_get64(cdb + 2);
		*blocks = cdb[13];
		return true;
	default:
		return false;
	}
}

/* ---- parameter lists ----------------------------------------------------- */

size_t scsi_unmap_param(uint8_t *buf, size_t buflen,
			const struct scsi_unmap_desc *d, size_t n)
{
	size_t need;

	/* UNMAP DATA LENGTH (6 + 16n) must fit its 16-bit field */
	if (n > (0xffffu - 6u) / 16u)
		return 0;
	need = 8 + 16 * n;
	if (buflen < need)
		return 0;
	memset(buf, 0, need);
	iscsi_put16(buf, (uint16_t)(6 + 16 * n));
	iscsi_put16(buf + 2, (uint16_t)(16 * n));
	for (size_t i = 0; i < n; i++) {
		iscsi_put64(buf + 8 + 16 * i, d[i].lba);
		iscsi_put32(buf + 16 + 16 * i, d[i].blocks);
	}
	return need;
}

size_t scsi_pr_out_param(uint8_t *buf, size_t buflen, uint64_t key,
			 uint64_t sa_key, uint8_t flags)
{
	if (buflen < SCSI_PR_OUT_PARAM_LEN)
		return 0;
	memset(buf, 0, SCSI_PR_OUT_PARAM_LEN);
	iscsi_put64(buf, key);
	iscsi_put64(buf + 8, sa_key);
	buf[20] = flags;
	return SCSI_PR_OUT_PARAM_LEN;
}
