/* SPDX-License-Identifier: MIT */
/*
 * lu.c - logical unit life cycle, medium I/O, unit attentions, the command
 * table and the dispatcher (SAM-5 / SPC-4 / SBC-3).  The commands
 * themselves live in spc.c, sbc.c and pr.c.
 */
#define LU_INTERNAL
#include "lu.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "defects.h"
#include "scsi.h"
#include "wire.h"

#ifndef ISCSI_CTS_VERSION
#define ISCSI_CTS_VERSION "0"
#endif

#define LU_BOUNCE (1u << 20) /* O_DIRECT bounce buffer and zero chunk */
#define LU_ALIGN 4096u

/* ---- sense --------------------------------------------------------------- */

void lu_check(struct lu_task *t, uint8_t key, uint8_t asc, uint8_t ascq)
{
	t->status = SCSI_STATUS_CHECK_CONDITION;
	t->sense_len = scsi_sense_build_fixed(t->sense, sizeof(t->sense), key,
					      asc, ascq);
}

void lu_check_info(struct lu_task *t, uint8_t key, uint8_t asc, uint8_t ascq,
		   uint32_t info)
{
	lu_check(t, key, asc, ascq);
	scsi_sense_set_info(t->sense, t->sense_len, info);
}

static void lu_bad_field(struct lu_task *t, uint8_t asc, bool cdb,
			 unsigned byte, int bit)
{
	lu_check(t, SCSI_SK_ILLEGAL_REQUEST, asc, 0);
	scsi_sense_set_field_pointer(t->sense, t->sense_len, cdb, byte, bit);
}

void lu_bad_cdb(struct lu_task *t, unsigned byte, int bit)
{
	lu_bad_field(t, 0x24, true, byte, bit);
}

void lu_bad_param(struct lu_task *t, unsigned byte, int bit)
{
	lu_bad_field(t, 0x26, false, byte, bit);
}

void lu_reply(struct lu_task *t, const void *buf, size_t n, size_t alloc)
{
	size_t k = n < alloc ? n : alloc;

	t->data_in_full = k;
	if (k > t->data_in_cap)
		k = t->data_in_cap;
	if (k && t->data_in)
		memcpy(t->data_in, buf, k);
	t->data_in_len = t->data_in ? k : 0;
}

/* ---- medium I/O ------------------------------------------------------------ */

static bool lu_aligned(const struct lu *lu, const void *buf, size_t n)
{
	return !lu->direct ||
	       (((uintptr_t)buf % LU_ALIGN) == 0 && n % lu->block_size == 0);
}

static int lu_io_fail(struct lu_task *t, bool write, int err)
{
	if (write && err == ENOSPC) /* SBC-3 §4.7.3.6: out of space */
		lu_check(t, SCSI_SK_DATA_PROTECT, 0x27, 0x07);
	else if (write)
		lu_check(t, SCSI_SK_MEDIUM_ERROR, 0x0c, 0x00);
	else
		lu_check(t, SCSI_SK_MEDIUM_ERROR, 0x11, 0x00);
	return -1;
}

/* One pread/pwrite loop over an aligned-or-not-needed buffer. */
static int lu_rw(struct lu *lu, bool write, void *buf, uint64_t off,
		 size_t n)
{
	uint8_t *p = buf;

	while (n) {
		ssize_t r = write ? pwrite(lu->fd, p, n, (off_t)off)
				  : pread(lu->fd, p, n, (off_t)off);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return errno ? errno : EIO;
		if (r == 0) {
			if (write)
				return EIO;
			memset(p, 0, n); /* beyond a file's end reads zeros */
			return 0;
		}
		p += r;
		off += (uint64_t)r;
		n -= (size_t)r;
	}
	return 0;
}

int lu_read(struct lu *lu, struct lu_task *t, void *buf, uint64_t off,
	    size_t n)
{
	uint8_t *p = buf;
	int e;

	if (lu_aligned(lu, buf, n)) {
		e = lu_rw(lu, false, buf, off, n);
		return e ? lu_io_fail(t, false, e) : 0;
	}
	while (n) {
		size_t k = n < LU_BOUNCE ? n : LU_BOUNCE;
		size_t kr = (k + lu->block_size - 1) / lu->block_size *
			    lu->block_size;

		e = lu_rw(lu, false, lu->bounce, off, kr);
		if (e)
			return lu_io_fail(t, false, e);
		memcpy(p, lu->bounce, k);
		p += k;
		off += k;
		n -= k;
	}
	return 0;
}

int lu_write(struct lu *lu, struct lu_task *t, const void *buf, uint64_t off,
	     size_t n)
{
	const uint8_t *p = buf;
	int e;

	if (lu_aligned(lu, buf, n)) {
		e = lu_rw(lu, true, (void *)(uintptr_t)buf, off, n);
		return e ? lu_io_fail(t, true, e) : 0;
	}
	while (n) { /* callers write whole blocks */
		size_t k = n < LU_BOUNCE ? n : LU_BOUNCE;

		memcpy(lu->bounce, p, k);
		e = lu_rw(lu, true, lu->bounce, off, k);
		if (e)
			return lu_io_fail(t, true, e);
		p += k;
		off += k;
		n -= k;
	}
	return 0;
}

int lu_sync(struct lu *lu, struct lu_task *t)
{
	if (fdatasync(lu->fd) < 0)
		return lu_io_fail(t, true, errno);
	return 0;
}

/*
 * Deallocates (UNMAP, WRITE SAME with UNMAP) so that the range reads back
 * zeros (LBPRZ=1): punch a hole, else zero the range in place, else write
 * zeros.
 */
int lu_zero(struct lu *lu, struct lu_task *t, uint64_t off, uint64_t n)
{
	static const uint8_t zeros[LU_ALIGN];

	if (n == 0)
		return 0;
	if (fallocate(lu->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
		      (off_t)off, (off_t)n) == 0 ||
	    fallocate(lu->fd, FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE,
		      (off_t)off, (off_t)n) == 0)
		return lu->write_through ? lu_sync(lu, t) : 0;
	while (n) {
		size_t k = n < sizeof(zeros) ? (size_t)n : sizeof(zeros);

		if (lu_write(lu, t, zeros, off, k) < 0)
			return -1;
		off += k;
		n -= k;
	}
	return 0;
}

/* ---- open / close ------------------------------------------------------------ */

static int lu_text(char *dst, size_t cap, const char *src, const char *dflt,
		   const char *what, char *err, size_t errlen)
{
	const char *s = src ? src : dflt;
	size_t n = strlen(s);

	if (n >= cap) {
		snprintf(err, errlen, "%s \"%s\" longer than %zu bytes", what,
			 s, cap - 1);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (s[i] < 0x20 || s[i] > 0x7e) { /* SPC-4 §4.3.1 ASCII */
			snprintf(err, errlen, "%s has a non-ASCII byte", what);
			return -1;
		}
	}
	memcpy(dst, s, n + 1);
	return 0;
}

static uint64_t lu_fnv1a(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 0x100000001b3ull;
	return h;
}

static int lu_open_fd(struct lu *lu, const struct lu_opts *o,
		      uint64_t *bytes, char *err, size_t errlen)
{
	int flags = O_CLOEXEC | (o->read_only ? O_RDONLY : O_RDWR);
	struct stat st;

	if (o->write_through && !o->read_only)
		flags |= O_DSYNC;
	if (o->blockio)
		flags |= O_DIRECT;
	if (o->size_bytes && !o->read_only)
		flags |= O_CREAT;
	lu->fd = open(o->path, flags, 0600);
	if (lu->fd < 0 || fstat(lu->fd, &st) < 0) {
		snprintf(err, errlen, "%s: %s", o->path, strerror(errno));
		return -1;
	}
	if (S_ISBLK(st.st_mode)) {
		int ssz = 512;

		lu->is_blockdev = true;
		if (ioctl(lu->fd, BLKGETSIZE64, bytes) < 0 ||
		    ioctl(lu->fd, BLKSSZGET, &ssz) < 0) {
			snprintf(err, errlen, "%s: %s", o->path,
				 strerror(errno));
			return -1;
		}
		if ((unsigned)ssz > lu->block_size) {
			snprintf(err, errlen, "%s: sector size %d exceeds "
				 "block size %u", o->path, ssz, lu->block_size);
			return -1;
		}
	} else if (S_ISREG(st.st_mode)) {
		*bytes = (uint64_t)st.st_size;
		if (o->size_bytes > *bytes) {
			if (o->read_only ||
			    ftruncate(lu->fd, (off_t)o->size_bytes) < 0) {
				snprintf(err, errlen, "%s: cannot extend to "
					 "%llu bytes", o->path,
					 (unsigned long long)o->size_bytes);
				return -1;
			}
			*bytes = o->size_bytes;
		}
	} else {
		snprintf(err, errlen, "%s: not a file or block device",
			 o->path);
		return -1;
	}
	if (o->size_bytes) {
		if (o->size_bytes > *bytes) {
			snprintf(err, errlen, "%s: smaller than %llu bytes",
				 o->path, (unsigned long long)o->size_bytes);
			return -1;
		}
		*bytes = o->size_bytes;
	}
	return 0;
}

static void lu_revision(char *rev)
{
	const char *v = ISCSI_CTS_VERSION;
	size_t n = 0;

	for (; *v && n < 4; v++)
		if (*v >= '0' && *v <= '9')
			rev[n++] = *v;
	rev[n] = '\0';
}

static int lu_idents(struct lu *lu, const struct lu_opts *o, char *err,
		     size_t errlen)
{
	unsigned naa_type;

	if (lu_text(lu->vendor, sizeof(lu->vendor), o->vendor, "ISCSICTS",
		    "vendor", err, errlen) < 0 ||
	    lu_text(lu->product, sizeof(lu->product), o->product, "REFTGT",
		    "product", err, errlen) < 0)
		return -1;
	lu->naa = o->naa;
	if (!lu->naa) /* NAA 3h: locally assigned (SPC-4 §7.8.6.6.4) */
		lu->naa = 3ull << 60 | (lu_fnv1a(o->path) >> 4);
	naa_type = (unsigned)(lu->naa >> 60);
	if (naa_type != 2 && naa_type != 3 && naa_type != 5) {
		snprintf(err, errlen, "NAA type %u: want 2, 3 or 5", naa_type);
		return -1;
	}
	if (o->serial)
		return lu_text(lu->serial, sizeof(lu->serial), o->serial, "",
			       "serial", err, errlen);
	snprintf(lu->serial, sizeof(lu->serial), "%016llx",
		 (unsigned long long)lu->naa);
	return 0;
}

int lu_open(struct lu **out, const struct lu_opts *o, char *err,
	    size_t errlen)
{
	struct lu *lu;
	uint64_t bytes = 0;
	unsigned bs = o->block_size ? o->block_size : 512;

	*out = NULL;
	if (!o->path || (bs != 512 && bs != 1024 && bs != 2048 && bs != 4096)) {
		snprintf(err, errlen, "need a path and a block size of 512, "
			 "1024, 2048 or 4096");
		return -1;
	}
	lu = calloc(1, sizeof(*lu));
	if (!lu) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	lu->fd = -1;
	lu->block_size = bs;
	lu->read_only = o->read_only;
	lu->write_through = o->write_through;
	lu->direct = o->blockio;
	lu_revision(lu->revision);
	if (lu_idents(lu, o, err, errlen) < 0 ||
	    lu_open_fd(lu, o, &bytes, err, errlen) < 0)
		goto fail;
	lu->nblocks = bytes / bs;
	if (lu->nblocks == 0) {
		snprintf(err, errlen, "%s: smaller than one block", o->path);
		goto fail;
	}
	if (posix_memalign(&lu->bounce, LU_ALIGN, LU_BOUNCE) != 0) {
		lu->bounce = NULL;
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if (pthread_mutex_init(&lu->mu, NULL) != 0) {
		snprintf(err, errlen, "mutex init failed");
		goto fail;
	}
	*out = lu;
	return 0;
fail:
	if (lu->fd >= 0)
		close(lu->fd);
	free(lu->bounce);
	free(lu);
	return -1;
}

void lu_close(struct lu *lu)
{
	if (!lu)
		return;
	if (!lu->read_only)
		fdatasync(lu->fd);
	close(lu->fd);
	pthread_mutex_destroy(&lu->mu);
	free(lu->bounce);
	free(lu);
}

uint64_t lu_num_blocks(const struct lu *lu)
{
	return lu->nblocks;
}

unsigned lu_block_size(const struct lu *lu)
{
	return lu->block_size;
}

void lu_set_abort_hook(struct lu *lu,
		       void (*fn)(void *arg, struct lu *lu, uint64_t nexus),
		       void *arg)
{
	pthread_mutex_lock(&lu->mu);
	lu->abort_fn = fn;
	lu->abort_arg = arg;
	pthread_mutex_unlock(&lu->mu);
}

/* ---- I_T nexuses and unit attentions (SAM-5 §5.14) --------------------- */

struct lu_nexus *lu_nexus_find(struct lu *lu, uint64_t id, bool add)
{
	struct lu_nexus *free_e = NULL, *old = NULL;

	for (size_t i = 0; i < LU_MAX_NEXUS; i++) {
		struct lu_nexus *e = &lu->nexus[i];

		if (e->used && e->id == id)
			return e;
		if (!e->used && !free_e)
			free_e = e;
		if (e->used && !e->active && (!old || e->seen < old->seen))
			old = e;
	}
	if (!add)
		return NULL;
	if (!free_e) /* forget the longest-gone nexus */
		free_e = old;
	if (!free_e)
		return NULL;
	memset(free_e, 0, sizeof(*free_e));
	free_e->used = true;
	free_e->active = true;
	free_e->id = id;
	free_e->ua = 1u << LU_UA_POWER_ON;
	free_e->seen = ++lu->clock;
	return free_e;
}

void lu_ua_set(struct lu *lu, uint64_t nexus, enum lu_ua ua)
{
	struct lu_nexus *e = lu_nexus_find(lu, nexus, true);

	if (e)
		e->ua |= 1u << ua;
}

void lu_new_nexus(struct lu *lu, uint64_t nexus, const char *initiator_port)
{
	struct lu_nexus *e;

	pthread_mutex_lock(&lu->mu);
	e = lu_nexus_find(lu, nexus, true);
	if (e) {
		e->active = true;
		e->seen = ++lu->clock;
		if (initiator_port)
			snprintf(e->port, sizeof(e->port), "%s",
				 initiator_port);
	}
	pthread_mutex_unlock(&lu->mu);
}

void lu_nexus_gone(struct lu *lu, uint64_t nexus)
{
	struct lu_nexus *e;

	pthread_mutex_lock(&lu->mu);
	e = lu_nexus_find(lu, nexus, false);
	if (e) {
		e->active = false;
		e->seen = ++lu->clock;
		e->ua = 1u << LU_UA_NEXUS_LOSS; /* SAM-5 §6.3.4 */
	}
	if (lu->spc2_held && lu->spc2_holder == nexus)
		lu->spc2_held = false;
	pthread_mutex_unlock(&lu->mu);
}

void lu_reset(struct lu *lu, uint64_t from_nexus)
{
	pthread_mutex_lock(&lu->mu);
	lu_nexus_find(lu, from_nexus, true);
	for (size_t i = 0; i < LU_MAX_NEXUS; i++)
		if (lu->nexus[i].used)
			lu->nexus[i].ua |= 1u << LU_UA_LUN_RESET;
	lu->spc2_held = false;
	lu->prevent = false;
	pthread_mutex_unlock(&lu->mu);
}

static const uint8_t lu_ua_code[LU_UA_COUNT][2] = {
	[LU_UA_POWER_ON] = {0x29, 0x00},     [LU_UA_LUN_RESET] = {0x29, 0x03},
	[LU_UA_NEXUS_LOSS] = {0x29, 0x07},   [LU_UA_RES_PREEMPTED] = {0x2a, 0x03},
	[LU_UA_RES_RELEASED] = {0x2a, 0x04}, [LU_UA_REG_PREEMPTED] = {0x2a, 0x05},
};

/*
 * Takes the highest-priority pending UA of nexus into sense (LU_SENSE_MAX
 * bytes, fixed or descriptor format); returns its length, 0 when none.  A power-on UA subsumes the
 * other reset ones (SAM-5 §5.14: the device server may report one UA for
 * several conditions of the same kind).
 */
size_t lu_ua_pop(struct lu *lu, uint64_t nexus, uint8_t *sense, bool desc)
{
	struct lu_nexus *e = lu_nexus_find(lu, nexus, true);
	unsigned u;

	if (!e || !e->ua)
		return 0;
	u = (unsigned)__builtin_ctz(e->ua);
	e->ua &= ~(1u << u);
	if (u == LU_UA_POWER_ON)
		e->ua &= ~(1u << LU_UA_LUN_RESET | 1u << LU_UA_NEXUS_LOSS);
	if (desc)
		return scsi_sense_build_desc(sense, LU_SENSE_MAX,
					     SCSI_SK_UNIT_ATTENTION,
					     lu_ua_code[u][0], lu_ua_code[u][1]);
	return scsi_sense_build_fixed(sense, LU_SENSE_MAX,
				      SCSI_SK_UNIT_ATTENTION, lu_ua_code[u][0],
				      lu_ua_code[u][1]);
}

/* ---- command table ---------------------------------------------------------- */

/* Control byte: NACA (bit 2) and LINK (bit 0) are checked, both must be 0. */
#define CTL 0x05
#define F_RD LU_F_PR_READ
#define F_WR LU_F_PR_WRITE

/*
 * Every command this LU implements, with its CDB usage data (SPC-4 §6.35.3):
 * a bit set where the device server looks at the CDB.  lu_exec rejects a
 * CDB with any other bit set (INVALID FIELD IN CDB, SPC-4 §4.3.2 reserved
 * fields), so the table is also the reserved-field check.  A command with a
 * service action carries it in usage[1] bits 4:0.
 */
static const struct lu_cmd lu_cmds[] = {
	{SCSI_OP_TEST_UNIT_READY, 0, false, 6, 0, spc_tur,
	 {0x00, 0, 0, 0, 0, CTL}},
	{SCSI_OP_REQUEST_SENSE, 0, false, 6, LU_F_SPC2_OK, spc_request_sense,
	 {0x03, 0x01, 0, 0, 0xff, CTL}},
	{SCSI_OP_READ6, 0, false, 6, F_RD, sbc_read,
	 {0x08, 0x1f, 0xff, 0xff, 0xff, CTL}},
	{SCSI_OP_WRITE6, 0, false, 6, F_WR, sbc_write,
	 {0x0a, 0x1f, 0xff, 0xff, 0xff, CTL}},
	{SCSI_OP_INQUIRY, 0, false, 6, LU_F_SPC2_OK, spc_inquiry,
	 {0x12, 0x01, 0xff, 0xff, 0xff, CTL}},
	{SCSI_OP_RESERVE6, 0, false, 6, LU_F_SPC2_OK, spc_reserve,
	 {SCSI_OP_RESERVE6, 0, 0, 0, 0, CTL}},
	{SCSI_OP_RELEASE6, 0, false, 6, LU_F_SPC2_OK, spc_release,
	 {SCSI_OP_RELEASE6, 0, 0, 0, 0, CTL}},
	{SCSI_OP_MODE_SENSE6, 0, false, 6, F_RD, spc_mode_sense,
	 {0x1a, 0x08, 0xff, 0xff, 0xff, CTL}},
	{SCSI_OP_START_STOP_UNIT, 0, false, 6, F_WR, spc_start_stop,
	 {0x1b, 0x01, 0, 0x0f, 0xf7, CTL}},
	{SCSI_OP_PREVENT_ALLOW, 0, false, 6, F_WR, spc_prevent_allow,
	 {0x1e, 0, 0, 0, 0x03, CTL}},
	{SCSI_OP_READ_CAPACITY10, 0, false, 10, 0, sbc_read_capacity10,
	 {0x25, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0x01, CTL}},
	{SCSI_OP_READ10, 0, false, 10, F_RD, sbc_read,
	 {0x28, 0xfe, 0xff, 0xff, 0xff, 0xff, 0x1f, 0xff, 0xff, CTL}},
	{SCSI_OP_WRITE10, 0, false, 10, F_WR, sbc_write,
	 {0x2a, 0xfa, 0xff, 0xff, 0xff, 0xff, 0x1f, 0xff, 0xff, CTL}},
	{SCSI_OP_WRITE_VERIFY10, 0, false, 10, F_WR, sbc_write_verify,
	 {0x2e, 0xf6, 0xff, 0xff, 0xff, 0xff, 0x1f, 0xff, 0xff, CTL}},
	{SCSI_OP_VERIFY10, 0, false, 10, F_RD, sbc_verify,
	 {0x2f, 0xf6, 0xff, 0xff, 0xff, 0xff, 0x1f, 0xff, 0xff, CTL}},
	{SCSI_OP_SYNC_CACHE10, 0, false, 10, F_WR, sbc_sync_cache,
	 {0x35, 0x06, 0xff, 0xff, 0xff, 0xff, 0x1f, 0xff, 0xff, CTL}},
	{SCSI_OP_WRITE_SAME10, 0, false, 10, F_WR, sbc_write_same,
	 {0x41, 0xf8, 0xff, 0xff, 0xff, 0xff, 0x1f, 0xff, 0xff, CTL}},
	{SCSI_OP_UNMAP, 0, false, 10, F_WR, sbc_unmap,
	 {0x42, 0x01, 0, 0, 0, 0, 0x1f, 0xff, 0xff, CTL}},
	{SCSI_OP_RESERVE10, 0, false, 10, LU_F_SPC2_OK, spc_reserve,
	 {0x56, 0, 0, 0, 0, 0, 0, 0xff, 0xff, CTL}},
	{SCSI_OP_RELEASE10, 0, false, 10, LU_F_SPC2_OK, spc_release,
	 {0x57, 0, 0, 0, 0, 0, 0, 0xff, 0xff, CTL}},
	{SCSI_OP_MODE_SENSE10, 0, false, 10, F_RD, spc_mode_sense,
	 {0x5a, 0x18, 0xff, 0xff, 0, 0, 0, 0xff, 0xff, CTL}},
	{SCSI_OP_PR_IN, 0, true, 10, 0, pr_in,
	 {0x5e, 0x00, 0, 0, 0, 0, 0, 0xff, 0xff, CTL}},
	{SCSI_OP_PR_IN, 1, true, 10, 0, pr_in,
	 {0x5e, 0x01, 0, 0, 0, 0, 0, 0xff, 0xff, CTL}},
	{SCSI_OP_PR_IN, 2, true, 10, 0, pr_in,
	 {0x5e, 0x02, 0, 0, 0, 0, 0, 0xff, 0xff, CTL}},
	{SCSI_OP_PR_IN, 3, true, 10, 0, pr_in,
	 {0x5e, 0x03, 0, 0, 0, 0, 0, 0xff, 0xff, CTL}},
#define PROUT(sa)                                                              \
	{SCSI_OP_PR_OUT, sa, true, 10, 0, pr_out,                                        \
	 {0x5f, sa, 0xff, 0, 0, 0xff, 0xff, 0xff, 0xff, CTL}}
	PROUT(0), PROUT(1), PROUT(2), PROUT(3), PROUT(4), PROUT(5), PROUT(6),
#undef PROUT
	{SCSI_OP_READ16, 0, false, 16, F_RD, sbc_read,
	 {0x88, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	  0xff, 0xff, 0xff, 0x1f, CTL}},
	{SCSI_OP_COMPARE_AND_WRITE, 0, false, 16, F_WR, sbc_caw,
	 {0x89, 0xfa, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0,
	  0xff, 0x1f, CTL}},
	{SCSI_OP_WRITE16, 0, false, 16, F_WR, sbc_write,
	 {0x8a, 0xfa, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	  0xff, 0xff, 0xff, 0x1f, CTL}},
	{SCSI_OP_WRITE_VERIFY16, 0, false, 16, F_WR, sbc_write_verify,
	 {0x8e, 0xf6, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	  0xff, 0xff, 0xff, 0x1f, CTL}},
	{SCSI_OP_VERIFY16, 0, false, 16, F_RD, sbc_verify,
	 {0x8f, 0xf6, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	  0xff, 0xff, 0xff, 0x1f, CTL}},
	{SCSI_OP_SYNC_CACHE16, 0, false, 16, F_WR, sbc_sync_cache,
	 {0x91, 0x06, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	  0xff, 0xff, 0xff, 0x1f, CTL}},
	{SCSI_OP_WRITE_SAME16, 0, false, 16, F_WR, sbc_write_same,
	 {0x93, 0xf9, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	  0xff, 0xff, 0xff, 0x1f, CTL}},
	{SCSI_OP_SERVICE_ACTION_IN16, 0x10, true, 16, 0, sbc_read_capacity16,
	 {0x9e, 0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	  0xff, 0xff, 0xff, 0x01, CTL}},
	{SCSI_OP_REPORT_LUNS, 0, false, 12, LU_F_SPC2_OK, spc_report_luns,
	 {0xa0, 0, 0xff, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, CTL}},
	{SCSI_OP_MAINTENANCE_IN, 0x0c, true, 12, 0, spc_report_opcodes,
	 {0xa3, 0x0c, 0x87, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, CTL}},
	{SCSI_OP_READ12, 0, false, 12, F_RD, sbc_read,
	 {0xa8, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x1f,
	  CTL}},
	{SCSI_OP_WRITE12, 0, false, 12, F_WR, sbc_write,
	 {0xaa, 0xfa, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x1f,
	  CTL}},
	{SCSI_OP_WRITE_VERIFY12, 0, false, 12, F_WR, sbc_write_verify,
	 {0xae, 0xf6, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x1f,
	  CTL}},
	{SCSI_OP_VERIFY12, 0, false, 12, F_RD, sbc_verify,
	 {0xaf, 0xf6, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x1f,
	  CTL}},
};

const struct lu_cmd *lu_cmd_at(size_t i)
{
	return i < sizeof(lu_cmds) / sizeof(lu_cmds[0]) ? &lu_cmds[i] : NULL;
}

const struct lu_cmd *lu_cmd_find(uint8_t op, uint16_t sa, bool *op_known)
{
	*op_known = false;
	for (size_t i = 0; i < sizeof(lu_cmds) / sizeof(lu_cmds[0]); i++) {
		const struct lu_cmd *c = &lu_cmds[i];

		if (c->op != op)
			continue;
		*op_known = true;
		if (!c->has_sa || c->sa == sa)
			return c;
	}
	return NULL;
}

/* ---- dispatch ------------------------------------------------------------------ */

static void lu_task_reset(struct lu_task *t)
{
	t->status = SCSI_STATUS_GOOD;
	t->sense_len = 0;
	t->data_in_len = 0;
	t->data_in_full = 0;
}

/*
 * Looks the CDB up: unknown opcode -> INVALID COMMAND OPERATION CODE,
 * unknown service action -> INVALID FIELD IN CDB, a bit outside the usage
 * data (reserved, or NACA: ACA is not supported, SAM-5 §5.9) -> INVALID
 * FIELD IN CDB pointing at it.
 */
static const struct lu_cmd *lu_decode(struct lu_task *t)
{
	const struct lu_cmd *c;
	bool known;

	if (t->cdb_len < 6 || !t->cdb) {
		lu_check(t, SCSI_SK_ILLEGAL_REQUEST, 0x20, 0x00);
		return NULL;
	}
	c = lu_cmd_find(t->cdb[0], t->cdb[1] & 0x1f, &known);
	if (!c) {
		if (known)
			lu_bad_cdb(t, 1, 4);
		else if (t->set && t->set->defects &&
			 defect_on(t->set->defects,
				   DEFECT_UNKNOWN_OPCODE_WRONG_ASC))
			lu_bad_cdb(t, 0, 7);
		else /* SPC-4: INVALID COMMAND OPERATION CODE */
			lu_check(t, SCSI_SK_ILLEGAL_REQUEST, 0x20, 0x00);
		return NULL;
	}
	if (t->cdb_len < c->cdb_len) {
		lu_check(t, SCSI_SK_ILLEGAL_REQUEST, 0x20, 0x00);
		return NULL;
	}
	for (unsigned i = 1; i < c->cdb_len; i++) {
		uint8_t mask = c->usage[i];
		uint8_t bad;

		if (i == 1 && c->has_sa)
			mask |= 0x1f;
		bad = t->cdb[i] & (uint8_t)~mask;
		if (i == c->cdb_len - 1U) /* CONTROL: NACA, LINK must be 0 */
			bad |= t->cdb[i] & CTL;
		if (bad) {
			lu_bad_cdb(t, i, 31 - __builtin_clz(bad));
			return NULL;
		}
	}
	return c;
}

static bool lu_spc2_conflict(const struct lu *lu, const struct lu_task *t,
			     const struct lu_cmd *c)
{
	if (!lu->spc2_held || lu->spc2_holder == t->nexus ||
	    (c->flags & LU_F_SPC2_OK))
		return false;
	/* PREVENT ALLOW with PREVENT=0 passes (SPC-2 §5.5.1). */
	return !(c->op == SCSI_OP_PREVENT_ALLOW && (t->cdb[4] & 3) == 0);
}

static void lu_exec_locked(struct lu *lu, struct lu_task *t)
{
	const struct lu_cmd *c;
	bool no_ua;
	size_t n;

	/* SAM-5 §5.14: INQUIRY, REPORT LUNS and REQUEST SENSE neither report
	 * nor clear a unit attention; every other command reports it. */
	no_ua = t->cdb_len >= 1 && t->cdb &&
		(t->cdb[0] == SCSI_OP_INQUIRY || t->cdb[0] == SCSI_OP_REPORT_LUNS || t->cdb[0] == SCSI_OP_REQUEST_SENSE);
	if (!no_ua) {
		n = lu_ua_pop(lu, t->nexus, t->sense, false);
		if (n) {
			t->status = SCSI_STATUS_CHECK_CONDITION;
			t->sense_len = n;
			return;
		}
	} else {
		lu_nexus_find(lu, t->nexus, true);
	}
	c = lu_decode(t);
	if (!c)
		return;
	if (lu_spc2_conflict(lu, t, c) ||
	    pr_conflicts(lu, t->nexus, t->cdb, c->flags)) {
		t->status = SCSI_STATUS_RESERVATION_CONFLICT;
		return;
	}
	c->fn(lu, t);
}

void lu_exec(struct lu *lu, struct lu_task *t)
{
	lu_task_reset(t);
	pthread_mutex_lock(&lu->mu);
	lu_exec_locked(lu, t);
	pthread_mutex_unlock(&lu->mu);
}

/* Allocation length fields of the non-block commands (SPC-4 §4.2.5.6). */
int lu_xfer_len(const struct lu *lu, const uint8_t *cdb, size_t cdb_len,
		uint32_t *len, int *dir)
{
	*len = 0;
	*dir = LU_DIR_NONE;
	if (!cdb || cdb_len < 6 || cdb_len < scsi_cdb_len(cdb[0]))
		return -1;
	switch (cdb[0]) {
	case SCSI_OP_TEST_UNIT_READY: case SCSI_OP_RESERVE6: case SCSI_OP_RELEASE6: case SCSI_OP_START_STOP_UNIT: case SCSI_OP_PREVENT_ALLOW:
		return 0;
	case SCSI_OP_REQUEST_SENSE: case SCSI_OP_INQUIRY: case SCSI_OP_MODE_SENSE6:
		*len = cdb[0] == SCSI_OP_INQUIRY ? iscsi_get16(cdb + 3) : cdb[4];
		break;
	case SCSI_OP_MODE_SENSE10: case SCSI_OP_PR_IN:
		*len = iscsi_get16(cdb + 7);
		break;
	case SCSI_OP_READ_CAPACITY10:
		*len = 8;
		break;
	case SCSI_OP_REPORT_LUNS: case SCSI_OP_MAINTENANCE_IN:
		*len = iscsi_get32(cdb + 6);
		break;
	case SCSI_OP_SERVICE_ACTION_IN16:
		*len = iscsi_get32(cdb + 10);
		break;
	case SCSI_OP_UNMAP: case SCSI_OP_RESERVE10: case SCSI_OP_RELEASE10:
		*len = iscsi_get16(cdb + 7);
		*dir = *len ? LU_DIR_WRITE : LU_DIR_NONE;
		return 0;
	case SCSI_OP_PR_OUT:
		*len = iscsi_get32(cdb + 5);
		*dir = *len ? LU_DIR_WRITE : LU_DIR_NONE;
		return 0;
	default:
		return sbc_xfer_len(lu, cdb, len, dir);
	}
	*dir = *len ? LU_DIR_READ : LU_DIR_NONE;
	return 0;
}
