/* SPDX-License-Identifier: MIT */
/*
 * test_lu_fixture.h - an LU on a temporary file for the tests of lu.c,
 * spc.c, sbc.c and pr.c (test_lu*.c).
 *
 * Each test opens its own fixture (a 1 MiB file of 2048 blocks of 512
 * bytes under /tmp, mapped as LUN 0 of a set) with two I_T nexuses, NX1 and
 * NX2, whose power-on unit attentions are already consumed, and closes it,
 * which removes the file.  lu_fx_run() sends a CDB and returns the status;
 * the reply is in lu_fx.t.
 */
#ifndef ISCSI_CTS_TEST_LU_FIXTURE_H
#define ISCSI_CTS_TEST_LU_FIXTURE_H

#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lu.h"
#include "scsi.h"
#include "wire.h"

#define NX1 0x1001u
#define NX2 0x2002u
#define LU_FX_BLOCKS 2048u
#define LU_FX_DIN (256u * 1024u)

struct lu_fx {
	char path[64];
	struct lu *lu;
	struct lu_set set;
	struct lu_task t;
	uint8_t cdb[SCSI_CDB_MAX];
	uint8_t din[LU_FX_DIN];
};

/* The one object CUnit's argument-less tests share (STYLE.md). */
static struct lu_fx lu_fx;

/* Opens the fixture; o may be NULL (defaults) and gets path/size set. */
static inline int lu_fx_open(struct lu_opts *o)
{
	struct lu_opts d = {0};
	char err[256];
	int fd;

	if (!o)
		o = &d;
	memset(&lu_fx.t, 0, sizeof(lu_fx.t));
	snprintf(lu_fx.path, sizeof(lu_fx.path), "/tmp/lu-test-XXXXXX");
	fd = mkstemp(lu_fx.path);
	if (fd < 0)
		return -1;
	close(fd);
	o->path = lu_fx.path;
	if (!o->size_bytes)
		o->size_bytes = (uint64_t)LU_FX_BLOCKS *
				(o->block_size ? o->block_size : 512);
	if (lu_open(&lu_fx.lu, o, err, sizeof(err)) < 0) {
		fprintf(stderr, "lu_open: %s\n", err);
		unlink(lu_fx.path);
		return -1;
	}
	lu_set_init(&lu_fx.set);
	snprintf(lu_fx.set.target_name, sizeof(lu_fx.set.target_name),
		 "iqn.2024-01.org.example:disk");
	snprintf(lu_fx.set.target_port, sizeof(lu_fx.set.target_port),
		 "iqn.2024-01.org.example:disk,t,0x0001");
	lu_set_add(&lu_fx.set, 0, lu_fx.lu, err, sizeof(err));
	return 0;
}

static inline void lu_fx_close(void)
{
	lu_close(lu_fx.lu);
	lu_fx.lu = NULL;
	unlink(lu_fx.path);
}

/* Runs cdb on LUN lun from nexus; returns the SAM status. */
static inline uint8_t lu_fx_run_lun(uint64_t nexus, uint64_t lun,
				    const uint8_t *cdb, size_t cdb_len,
				    const void *dout, size_t dout_len)
{
	struct lu_task *t = &lu_fx.t;

	memset(t, 0, sizeof(*t));
	t->nexus = nexus;
	t->cdb = cdb;
	t->cdb_len = cdb_len < 16 ? 16 : cdb_len; /* iSCSI carries 16 */
	t->data_out = dout;
	t->data_out_len = dout_len;
	t->data_in = lu_fx.din;
	t->data_in_cap = sizeof(lu_fx.din);
	memset(lu_fx.din, 0xee, sizeof(lu_fx.din));
	lu_set_exec(&lu_fx.set, lun, t);
	return t->status;
}

static inline uint8_t lu_fx_run(uint64_t nexus, const uint8_t *cdb,
				size_t cdb_len, const void *dout,
				size_t dout_len)
{
	return lu_fx_run_lun(nexus, 0, cdb, cdb_len, dout, dout_len);
}

/* Opens with NX1 and NX2 logged in and their power-on UAs consumed. */
static inline int lu_fx_open_ready(struct lu_opts *o)
{
	uint8_t cdb[SCSI_CDB_MAX];

	if (lu_fx_open(o) < 0)
		return -1;
	lu_new_nexus(lu_fx.lu, NX1, "iqn.2024-01.org.example:host1,i,0x023d00000001");
	lu_new_nexus(lu_fx.lu, NX2, "iqn.2024-01.org.example:host2,i,0x023d00000002");
	scsi_cdb_test_unit_ready(cdb);
	lu_fx_run(NX1, cdb, 6, NULL, 0);
	lu_fx_run(NX2, cdb, 6, NULL, 0);
	return 0;
}

/* Fixed-format sense key / ASC / ASCQ of the last task. */
static inline int lu_fx_sense_is(uint8_t key, uint8_t asc, uint8_t ascq)
{
	const uint8_t *s = lu_fx.t.sense;

	return lu_fx.t.sense_len >= 14 && (s[0] & 0x7f) == 0x70 &&
	       (s[2] & 0x0f) == key && s[12] == asc && s[13] == ascq;
}

#define LU_FX_OPEN(o) CU_ASSERT_FATAL(lu_fx_open_ready(o) == 0)

#endif
