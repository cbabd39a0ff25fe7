/* SPDX-License-Identifier: MIT */
/*
 * sbc.c - the block commands of SBC-3: READ / WRITE / VERIFY / WRITE AND
 * VERIFY (6, 10, 12, 16), SYNCHRONIZE CACHE, WRITE SAME (with UNMAP),
 * UNMAP, COMPARE AND WRITE and READ CAPACITY.
 *
 * Checks run in one order for every command: CDB fields (INVALID FIELD IN
 * CDB), write protection (DATA PROTECT, WRITE PROTECTED), LBA range (LBA OUT
 * OF RANGE), then the data.  No protection information is supported, so a
 * non-zero RDPROTECT / WRPROTECT / VRPROTECT is an invalid field (SBC-3
 * §5.8 table 57 ff.).
 */
#define LU_INTERNAL
#include "lu.h"

#include <string.h>

#include "scsi.h"
#include "wire.h"

#define SBC_BOUNCE (1u << 20) /* lu->bounce size, a multiple of any block */

/* LBA and block count of a block command; *n is UINT32_MAX+ safe. */
struct sbc_io {
	uint64_t lba;
	uint64_t n;
	unsigned len_byte; /* CDB byte of the transfer length, for pointers */
};

/* LBA and count through proto/scsi.h; the CDB length was checked by
 * lu_exec against the command table. */
static void sbc_decode(const uint8_t *cdb, struct sbc_io *io)
{
	static const uint8_t len_byte[8] = {4, 7, 7, 0, 10, 6, 0, 0};
	uint32_t n = 0;

	io->lba = 0;
	scsi_cdb_lba_len(cdb, SCSI_CDB_MAX, &io->lba, &n);
	io->n = n;
	io->len_byte = cdb[0] == SCSI_OP_COMPARE_AND_WRITE ? 13
							  : len_byte[cdb[0] >> 5];
}

/* LBA OUT OF RANGE (21h/00h) unless [lba, lba+n) lies on the medium. */
static int sbc_range(const struct lu *lu, struct lu_task *t,
		     const struct sbc_io *io)
{
	if (io->lba >= lu->nblocks || io->n > lu->nblocks - io->lba) {
		lu_check(t, SCSI_SK_ILLEGAL_REQUEST, 0x21, 0x00);
		return -1;
	}
	return 0;
}

static int sbc_protected(const struct lu *lu, struct lu_task *t)
{
	if (!lu->read_only)
		return 0;
	lu_check(t, SCSI_SK_DATA_PROTECT, 0x27, 0x00);
	return -1;
}

/* The PROTECT field (bits 7:5 of byte 1) of 10/12/16-byte CDBs. */
static int sbc_protect_field(struct lu_task *t)
{
	if ((t->cdb[0] >> 5) == 0 || !(t->cdb[1] & 0xe0))
		return 0;
	lu_bad_cdb(t, 1, 7);
	return -1;
}

static int sbc_max_xfer(const struct lu *lu, struct lu_task *t,
			const struct sbc_io *io)
{
	if (io->n <= LU_MAX_XFER_BYTES / lu->block_size)
		return 0;
	lu_bad_cdb(t, io->len_byte, 7); /* SBC-3 §6.5.3 MAXIMUM TRANSFER */
	return -1;
}

/* The write data the CDB asks for must all be there. */
static int sbc_data(const struct lu *lu, struct lu_task *t, uint64_t bytes)
{
	(void)lu;
	if (t->data_out && t->data_out_len >= bytes)
		return 0;
	lu_bad_cdb(t, 0, 7);
	return -1;
}

static int sbc_fua_sync(struct lu *lu, struct lu_task *t)
{
	/* FUA (byte 1 bit 3): the data reaches the medium before GOOD. */
	if ((t->cdb[0] >> 5) && (t->cdb[1] & 0x08) && !lu->write_through)
		return lu_sync(lu, t);
	return 0;
}

void sbc_read(struct lu *lu, struct lu_task *t)
{
	struct sbc_io io;
	size_t bytes, k;

	sbc_decode(t->cdb, &io);
	if (sbc_protect_field(t) < 0 || sbc_max_xfer(lu, t, &io) < 0 ||
	    sbc_range(lu, t, &io) < 0 || io.n == 0)
		return;
	bytes = (size_t)io.n * lu->block_size;
	k = bytes < t->data_in_cap ? bytes : t->data_in_cap;
	t->data_in_full = bytes;
	if (k && t->data_in &&
	    lu_read(lu, t, t->data_in, io.lba * lu->block_size, k) < 0) {
		t->data_in_full = 0;
		return;
	}
	t->data_in_len = t->data_in ? k : 0;
}

/*
 * When the initiator's buffer (iSCSI Expected Data Transfer Length) is
 * smaller than the CDB's transfer length, only the whole blocks it holds
 * are written; the transport reports the rest as an overflow residual
 * (RFC 7143 §11.4.5.1; SAM-5 lets the device server stop at the end of the
 * Data-Out buffer). Blocks past the buffer are left untouched.
 */
static int sbc_write_blocks(struct lu *lu, struct lu_task *t,
			    const struct sbc_io *io)
{
	uint64_t bytes = io->n * lu->block_size;
	uint64_t have = t->data_out ? t->data_out_len : 0;

	if (have < bytes)
		bytes = have - have % lu->block_size;
	if (bytes == 0)
		return 0;
	if (lu_write(lu, t, t->data_out, io->lba * lu->block_size,
		     (size_t)bytes) < 0)
		return -1;
	return 0;
}

void sbc_write(struct lu *lu, struct lu_task *t)
{
	struct sbc_io io;

	sbc_decode(t->cdb, &io);
	if (sbc_protect_field(t) < 0 || sbc_max_xfer(lu, t, &io) < 0 ||
	    sbc_protected(lu, t) < 0 || sbc_range(lu, t, &io) < 0 ||
	    io.n == 0)
		return;
	if (sbc_write_blocks(lu, t, &io) == 0)
		sbc_fua_sync(lu, t);
}

/*
 * Compares the medium at [lba, lba+n) with data: whole (pattern == false)
 * or one block repeated (pattern == true, BYTCHK 11b).  MISCOMPARE DURING
 * VERIFY OPERATION (1Dh/00h) with the byte offset of the first difference
 * in INFORMATION (SBC-3 §5.29).  data == NULL only reads the medium.
 */
static int sbc_compare(struct lu *lu, struct lu_task *t, uint64_t lba,
		       uint64_t n, const uint8_t *data, bool pattern)
{
	uint64_t off = lba * lu->block_size, total = n * lu->block_size;
	uint64_t done = 0;
	uint8_t *buf = lu->bounce;

	while (done < total) {
		size_t k = total - done < SBC_BOUNCE ? (size_t)(total - done)
						     : SBC_BOUNCE;

		if (lu_read(lu, t, buf, off + done, k) < 0)
			return -1;
		for (size_t i = 0; data && i < k; i++) {
			uint64_t pos = done + i;
			uint8_t want = pattern ? data[pos % lu->block_size]
					       : data[pos];

			if (buf[i] != want) {
				lu_check_info(t, SCSI_SK_MISCOMPARE, 0x1d, 0x00,
					      (uint32_t)pos);
				return -1;
			}
		}
		done += k;
	}
	return 0;
}

/* BYTCHK, 2 bits at byte 1 bits 2:1 (SBC-3 §5.29 with SBC-4's 11b). */
static unsigned sbc_bytchk(const uint8_t *cdb)
{
	return (cdb[1] >> 1) & 3;
}

void sbc_verify(struct lu *lu, struct lu_task *t)
{
	struct sbc_io io;
	unsigned bytchk = sbc_bytchk(t->cdb);
	uint64_t need;

	sbc_decode(t->cdb, &io);
	if (bytchk == 2) {
		lu_bad_cdb(t, 1, 2);
		return;
	}
	if (sbc_protect_field(t) < 0 || sbc_max_xfer(lu, t, &io) < 0 ||
	    sbc_range(lu, t, &io) < 0 || io.n == 0)
		return;
	need = bytchk == 0 ? 0 : bytchk == 1 ? io.n * lu->block_size
					     : lu->block_size;
	if (need && sbc_data(lu, t, need) < 0)
		return;
	sbc_compare(lu, t, io.lba, io.n, need ? t->data_out : NULL,
		    bytchk == 3);
}

void sbc_write_verify(struct lu *lu, struct lu_task *t)
{
	struct sbc_io io;
	unsigned bytchk = sbc_bytchk(t->cdb);
	uint64_t have;

	sbc_decode(t->cdb, &io);
	if (bytchk > 1) {
		lu_bad_cdb(t, 1, 2);
		return;
	}
	if (sbc_protect_field(t) < 0 || sbc_max_xfer(lu, t, &io) < 0 ||
	    sbc_protected(lu, t) < 0 || sbc_range(lu, t, &io) < 0 ||
	    io.n == 0)
		return;
	/* Written, on the medium (verify reads the medium), then checked. */
	if (sbc_write_blocks(lu, t, &io) < 0 ||
	    (!lu->write_through && lu_sync(lu, t) < 0))
		return;
	/* only the blocks the Data-Out buffer held were written */
	have = (t->data_out ? t->data_out_len : 0) / lu->block_size;
	if (have < io.n)
		io.n = have;
	if (io.n)
		sbc_compare(lu, t, io.lba, io.n, bytchk ? t->data_out : NULL,
			    false);
}

void sbc_sync_cache(struct lu *lu, struct lu_task *t)
{
	struct sbc_io io;

	sbc_decode(t->cdb, &io);
	if (io.n == 0 && io.lba < lu->nblocks) /* 0: to the last LBA */
		io.n = lu->nblocks - io.lba;
	if (sbc_range(lu, t, &io) < 0)
		return;
	if (!lu->read_only)
		lu_sync(lu, t);
}

/* WRITE SAME writes the block in lu->bounce-sized runs. */
static int sbc_ws_fill(struct lu *lu, struct lu_task *t, const uint8_t *blk,
		       uint64_t lba, uint64_t n)
{
	unsigned bs = lu->block_size;
	uint64_t per = SBC_BOUNCE / bs;

	for (uint64_t i = 0; i < per; i++)
		memcpy((uint8_t *)lu->bounce + i * bs, blk, bs);
	while (n) {
		uint64_t k = n < per ? n : per;

		if (lu_write(lu, t, lu->bounce, lba * bs, (size_t)(k * bs)) < 0)
			return -1;
		lba += k;
		n -= k;
	}
	return 0;
}

void sbc_write_same(struct lu *lu, struct lu_task *t)
{
	static const uint8_t zero_blk[4096];
	struct sbc_io io;
	bool unmap = t->cdb[1] & 0x08;
	bool ndob = t->cdb[0] == SCSI_OP_WRITE_SAME16 && (t->cdb[1] & 0x01);
	const uint8_t *blk = zero_blk;

	sbc_decode(t->cdb, &io);
	if (sbc_protect_field(t) < 0)
		return;
	if (t->cdb[1] & 0x10) { /* ANCHOR: ANC_SUP=0 in VPD B2h */
		lu_bad_cdb(t, 1, 4);
		return;
	}
	if (sbc_protected(lu, t) < 0)
		return;
	if (io.n == 0 && io.lba < lu->nblocks) /* WSNZ=0: to the end */
		io.n = lu->nblocks - io.lba;
	if (sbc_range(lu, t, &io) < 0)
		return;
	if (io.n > lu_ws_max_blocks(lu)) { /* MAXIMUM WRITE SAME LENGTH */
		lu_bad_cdb(t, io.len_byte, 7);
		return;
	}
	if (!ndob) {
		if (sbc_data(lu, t, lu->block_size) < 0)
			return;
		blk = t->data_out;
	}
	/* SBC-4 §5.50: for each LBA the device server either writes the
	 * block or performs an unmap operation.  UNMAP=1 requests the
	 * unmap, which we always honour (LBPWS/LBPWS10=1): the LBAs are
	 * deallocated whatever the block holds and read back zeros
	 * (LBPRZ=1, SBC-4 §4.7.4.5). */
	if (unmap)
		lu_zero(lu, t, io.lba * lu->block_size, io.n * lu->block_size);
	else
		sbc_ws_fill(lu, t, blk, io.lba, io.n);
}

/* UNMAP parameter list (SBC-3 §5.28.2). */
void sbc_unmap(struct lu *lu, struct lu_task *t)
{
	const uint8_t *p = t->data_out;
	uint32_t len = iscsi_get16(t->cdb + 7);
	uint32_t dlen, bdlen, nd;
	uint64_t total = 0;

	if (t->cdb[1] & 0x01) { /* ANCHOR, ANC_SUP=0 */
		lu_bad_cdb(t, 1, 0);
		return;
	}
	if (sbc_protected(lu, t) < 0 || len == 0)
		return;
	if (len < 8) {
		lu_check(t, SCSI_SK_ILLEGAL_REQUEST, 0x1a, 0x00);
		return;
	}
	if (sbc_data(lu, t, len) < 0)
		return;
	dlen = iscsi_get16(p);
	bdlen = iscsi_get16(p + 2);
	if (dlen > len - 2) {
		lu_bad_param(t, 0, 7);
		return;
	}
	if (bdlen > len - 8) {
		lu_bad_param(t, 2, 7);
		return;
	}
	nd = bdlen / 16; /* an incomplete last descriptor is ignored */
	if (nd > LU_UNMAP_MAX_DESC) {
		lu_bad_param(t, 2, 7);
		return;
	}
	for (uint32_t i = 0; i < nd; i++) {
		const uint8_t *d = p + 8 + 16 * i;
		struct sbc_io io = {iscsi_get64(d), iscsi_get32(d + 8), 0};

		total += io.n;
		if (total > LU_UNMAP_MAX_LBAS) {
			lu_bad_param(t, 8 + 16 * i + 8, 7);
			return;
		}
		if (io.n && sbc_range(lu, t, &io) < 0)
			return;
	}
	for (uint32_t i = 0; i < nd; i++) {
		const uint8_t *d = p + 8 + 16 * i;
		uint64_t lba = iscsi_get64(d), n = iscsi_get32(d + 8);

		if (lu_zero(lu, t, lba * lu->block_size,
			    n * lu->block_size) < 0)
			return;
	}
}

/* COMPARE AND WRITE (SBC-3 §5.2): atomic under the lu mutex. */
void sbc_caw(struct lu *lu, struct lu_task *t)
{
	struct sbc_io io;
	uint64_t bytes;

	sbc_decode(t->cdb, &io);
	if (sbc_protect_field(t) < 0)
		return;
	if (io.n > LU_CAW_MAX_BLOCKS ||
	    io.n * lu->block_size > SBC_BOUNCE) {
		lu_bad_cdb(t, 13, 7);
		return;
	}
	/* SBC-4 §5.3: the Data-Out Buffer is the verify instance followed
	 * by the write instance, 2 x NUMBER OF LOGICAL BLOCKS blocks, and
	 * none when the field is zero.  An Expected Data Transfer Length
	 * that disagrees means the one-byte field does not say what the
	 * initiator meant (e.g. 256 blocks wrapped to 0): refuse it rather
	 * than compare or write a different extent. */
	if (t->edtl_out && t->edtl_out != 2 * io.n * lu->block_size) {
		lu_bad_cdb(t, 13, 7);
		return;
	}
	if (sbc_protected(lu, t) < 0 || sbc_range(lu, t, &io) < 0 ||
	    io.n == 0)
		return;
	bytes = io.n * lu->block_size;
	if (sbc_data(lu, t, 2 * bytes) < 0 ||
	    sbc_compare(lu, t, io.lba, io.n, t->data_out, false) < 0)
		return;
	if (lu_write(lu, t, t->data_out + bytes, io.lba * lu->block_size,
		     (size_t)bytes) == 0)
		sbc_fua_sync(lu, t);
}

void sbc_read_capacity10(struct lu *lu, struct lu_task *t)
{
	uint8_t d[8];
	uint64_t last = lu->nblocks - 1;

	/* SBC-3 §5.16: PMI=0 with a non-zero LBA is an invalid field. */
	if (!(t->cdb[8] & 1) && iscsi_get32(t->cdb + 2)) {
		lu_bad_cdb(t, 2, 7);
		return;
	}
	iscsi_put32(d, last >= 0xffffffffu ? 0xffffffffu : (uint32_t)last);
	iscsi_put32(d + 4, lu->block_size);
	lu_reply(t, d, sizeof(d), sizeof(d));
}

void sbc_read_capacity16(struct lu *lu, struct lu_task *t)
{
	uint8_t d[32] = {0};

	if (!(t->cdb[14] & 1) && iscsi_get64(t->cdb + 2)) {
		lu_bad_cdb(t, 2, 7);
		return;
	}
	iscsi_put64(d, lu->nblocks - 1);
	iscsi_put32(d + 8, lu->block_size);
	/* LBPME=1 (UNMAP / WRITE SAME UNMAP), LBPRZ=1: unmapped reads zero */
	d[14] = 0x80 | 0x40;
	lu_reply(t, d, sizeof(d), iscsi_get32(t->cdb + 10));
}

int sbc_xfer_len(const struct lu *lu, const uint8_t *cdb, uint32_t *len,
		 int *dir)
{
	struct sbc_io io;
	uint64_t bytes;

	switch (cdb[0]) {
	case SCSI_OP_READ6: case SCSI_OP_READ10: case SCSI_OP_READ12: case SCSI_OP_READ16:
		*dir = LU_DIR_READ;
		break;
	case SCSI_OP_WRITE6: case SCSI_OP_WRITE10: case SCSI_OP_WRITE12: case SCSI_OP_WRITE16:
	case SCSI_OP_WRITE_VERIFY10: case SCSI_OP_WRITE_VERIFY12: case SCSI_OP_WRITE_VERIFY16:
		*dir = LU_DIR_WRITE;
		break;
	case SCSI_OP_VERIFY10: case SCSI_OP_VERIFY12: case SCSI_OP_VERIFY16:
		*dir = sbc_bytchk(cdb) ? LU_DIR_WRITE : LU_DIR_NONE;
		break;
	case SCSI_OP_SYNC_CACHE10: case SCSI_OP_SYNC_CACHE16:
		*dir = LU_DIR_NONE;
		return 0;
	case SCSI_OP_WRITE_SAME10: case SCSI_OP_WRITE_SAME16:
		*dir = cdb[0] == SCSI_OP_WRITE_SAME16 && (cdb[1] & 1) ? LU_DIR_NONE
						      : LU_DIR_WRITE;
		*len = *dir ? lu->block_size : 0;
		return 0;
	case SCSI_OP_COMPARE_AND_WRITE:
		*dir = LU_DIR_WRITE;
		break;
	default:
		return -1;
	}
	if (*dir == LU_DIR_NONE)
		return 0;
	sbc_decode(cdb, &io);
	if (cdb[0] == SCSI_OP_COMPARE_AND_WRITE)
		io.n *= 2;
	if ((cdb[0] == SCSI_OP_VERIFY10 || cdb[0] == SCSI_OP_VERIFY12 || cdb[0] == SCSI_OP_VERIFY16) &&
	    sbc_bytchk(cdb) == 3) /* one block, compared with each */
		io.n = io.n ? 1 : 0;
	bytes = io.n * lu->block_size;
	if (bytes > UINT32_MAX)
		return -1;
	*len = (uint32_t)bytes;
	if (!*len)
		*dir = LU_DIR_NONE;
	return 0;
}
