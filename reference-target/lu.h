/* SPDX-License-Identifier: MIT */
/*
 * lu.h - the reference target's SCSI layer: a direct-access block device
 * (SBC-3) with the primary commands of SPC-4, over a file or block device.
 *
 * The iSCSI side hands a CDB plus the write data it received to lu_exec()
 * (or lu_set_exec() for a LUN number) and gets back SAM status, sense data
 * and read data.  It never fails: every outcome is a status.
 *
 *   struct lu *lu;
 *   struct lu_opts o = { .path = "/tmp/disk.img", .size_bytes = 64 << 20 };
 *   if (lu_open(&lu, &o, err, sizeof(err)) < 0) ...
 *   lu_set_add(set, 0, lu, err, sizeof(err));
 *   lu_new_nexus(lu, nexus, "iqn.2024-01.org.example:host,i,0x00023d000001");
 *   lu_set_xfer_len(set, lun, cdb, 16, &len, &dir);   // size R2Ts, residuals
 *   lu_set_exec(set, lun, &task);                      // status, sense, data
 *
 * Data-In: the caller supplies the buffer (data_in, data_in_cap) - the
 * iSCSI side can send straight from it.  Size it with lu_xfer_len(), capped
 * by the Expected Data Transfer Length (RFC 7143 §11.4.5: the target sends
 * at most EDTL bytes); lu_exec writes min(produced, data_in_cap) bytes and
 * reports how many it would have written in data_in_full, so an overflow
 * residual is data_in_full - data_in_len.
 *
 * Data-Out: data_out holds the bytes received.  When it holds fewer than the
 * CDB needs (the iSCSI side should have caught the short EDTL), the command
 * ends in CHECK CONDITION, ILLEGAL REQUEST, INVALID FIELD IN CDB and nothing
 * past data_out_len is read; extra bytes are ignored.
 *
 * Sense data is fixed format (the Control mode page reports D_SENSE=0).
 *
 * Concurrency: every lu_* call on one lu takes that lu's mutex, so calls may
 * come from several threads; commands on one lu run one at a time (which
 * also makes COMPARE AND WRITE atomic).
 */
#ifndef ISCSI_CTS_LU_H
#define ISCSI_CTS_LU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LU_SENSE_MAX 96u
#define LU_MAX_XFER_BYTES (16u << 20)  /* Block Limits MAXIMUM TRANSFER */
#define LU_WLUN_REPORT_LUNS 0xc101u    /* REPORT LUNS well-known LU (SAM-5) */
#define LU_SET_MAX 256u                /* LUNs in one lu_set */
#define LU_LUN_MAX 16383u              /* flat space addressing limit */
#define LU_PORT_NAME_MAX 256u          /* "iqn...,t,0x0001" plus NUL */

struct lu;

struct lu_opts {
	const char *path;
	/* 0: use the file's / device's size.  Otherwise a regular file is
	 * created or extended to it; a block device must be at least this big. */
	uint64_t size_bytes;
	unsigned block_size; /* 0 = 512; 512, 1024, 2048 or 4096 */
	bool read_only;	     /* medium write protected (WP, DATA PROTECT) */
	bool write_through;  /* WCE=0: O_DSYNC; else write-back (WCE=1) */
	bool blockio;	     /* O_DIRECT (bounce buffers keep alignment) */
	const char *vendor;  /* INQUIRY T10 VENDOR, default "ISCSICTS" */
	const char *product; /* INQUIRY PRODUCT, default "REFTGT" */
	const char *serial;  /* VPD 80h; default derived from the NAA */
	uint64_t naa;	     /* NAA 2/3/5 designator; 0 = derived from path */
};

struct lu_set; /* forward, below */
struct defect_set; /* defects.h */

struct lu_task {
	uint64_t nexus; /* I_T nexus id: UAs and reservations are per nexus */
	const uint8_t *cdb;
	size_t cdb_len;
	/* iSCSI Expected Data Transfer Lengths (0 = not known): the lu
	 * honours the caps; COMPARE AND WRITE also checks edtl_out */
	uint32_t edtl_in, edtl_out;
	const uint8_t *data_out;    /* write data received */
	size_t data_out_len;
	uint8_t *data_in;	    /* caller's buffer */
	size_t data_in_cap;
	size_t data_in_len;  /* out: bytes placed in data_in (<= cap) */
	size_t data_in_full; /* out: bytes the command produced (>= len) */
	uint8_t status;	     /* out: SAM status, enum scsi_status */
	uint8_t sense[LU_SENSE_MAX];
	size_t sense_len; /* out: 0 unless CHECK CONDITION */
	const struct lu_set *set; /* filled by lu_set_exec; else NULL */
};

/* Transfer directions of lu_xfer_len(). */
enum lu_dir { LU_DIR_NONE = 0, LU_DIR_READ = 1, LU_DIR_WRITE = 2,
	      LU_DIR_BOTH = 3 };

int lu_open(struct lu **out, const struct lu_opts *o, char *err,
	    size_t errlen);
void lu_close(struct lu *lu);

uint64_t lu_num_blocks(const struct lu *lu);
unsigned lu_block_size(const struct lu *lu);

/*
 * Bytes the CDB says will move and in which direction (enum lu_dir), for
 * EDTL checks, R2T sizing and residuals (RFC 7143 §11.4.5).  Returns 0, or
 * -1 for an unknown opcode or a CDB whose length cannot be computed (or
 * exceeds 32 bits): lu_exec() then reports the CHECK CONDITION itself, so
 * the caller just runs the command with no data.
 */
int lu_xfer_len(const struct lu *lu, const uint8_t *cdb, size_t cdb_len,
		uint32_t *len, int *dir);

/* Runs one command synchronously; always sets status (and sense). */
void lu_exec(struct lu *lu, struct lu_task *t);

/*
 * I_T nexus events (SAM-5 §6.3).  initiator_port is the iSCSI initiator
 * port name "iqn...,i,0x<ISID>" used in PERSISTENT RESERVE IN READ FULL
 * STATUS TransportIDs; it may be NULL.
 *
 * lu_new_nexus: a nexus never seen gets a POWER ON, RESET, OR BUS DEVICE
 *   RESET OCCURRED (29h/00h) unit attention (it has not been told of the
 *   power on); a nexus that was lost and comes back keeps the I_T NEXUS
 *   LOSS OCCURRED (29h/07h) one established when it went away.
 * lu_nexus_gone: drops its pending UAs and its SPC-2 reservation, and
 *   queues 29h/07h for its return.  Persistent reservations stay (SPC-4).
 * lu_reset: LOGICAL UNIT RESET (SAM-5 §6.3.3): 29h/03h for every I_T nexus,
 *   the one the TMF came on (from_nexus) included; clears the SPC-2
 *   reservation and the prevent state; persistent reservations stay.
 */
void lu_new_nexus(struct lu *lu, uint64_t nexus, const char *initiator_port);
void lu_nexus_gone(struct lu *lu, uint64_t nexus);
void lu_reset(struct lu *lu, uint64_t from_nexus);

/*
 * PREEMPT AND ABORT (SPC-4 §5.12.11.4.4): after the command, the tasks of
 * every I_T nexus whose registration it removed must be aborted; lu_exec
 * calls fn(arg, lu, nexus) once per such nexus (under the lu's mutex: fn
 * must not call back into this lu).  Without a hook nothing is aborted.
 */
void lu_set_abort_hook(struct lu *lu,
		       void (*fn)(void *arg, struct lu *lu, uint64_t nexus),
		       void *arg);

/*
 * A target's LUN map.  The caller fills target_port ("<target name>,t,0x"
 * + 4 hex digits TPGT, RFC 7143 §4.2.7.1 / SPC-4 iSCSI SCSI name string),
 * target_name and rel_port before use: VPD 83h reports them as target port
 * and target device designators.
 */
struct lu_set {
	char target_name[LU_PORT_NAME_MAX];
	char target_port[LU_PORT_NAME_MAX];
	uint16_t rel_port; /* relative target port identifier, 1.. */
	/* The target's --defect switches (defects.h), NULL: none; only the
	 * LUN-map answers (REPORT LUNS, unmapped LUNs) consult them. */
	const struct defect_set *defects;
	size_t n;
	struct {
		uint64_t lun;
		struct lu *lu;
	} map[LU_SET_MAX];
};

void lu_set_init(struct lu_set *set);
/* 0, or -1 (LUN > 16383, duplicate, set full) with a message in err. */
int lu_set_add(struct lu_set *set, uint64_t lun, struct lu *lu, char *err,
	       size_t errlen);
/* The lu at lun, or NULL. */
struct lu *lu_set_get(const struct lu_set *set, uint64_t lun);

/*
 * Runs a task addressed to LUN number lun (already decoded, single level;
 * the REPORT LUNS well-known LU is LU_WLUN_REPORT_LUNS).  REPORT LUNS is
 * answered on any LUN.  An unmapped LUN answers INQUIRY with peripheral
 * qualifier 011b / type 1Fh, REQUEST SENSE with LOGICAL UNIT NOT SUPPORTED
 * sense data, anything else with CHECK CONDITION ILLEGAL REQUEST, LOGICAL
 * UNIT NOT SUPPORTED (25h/00h) (SAM-5 §5.10, SPC-4 §6.6).
 */
void lu_set_exec(struct lu_set *set, uint64_t lun, struct lu_task *t);
int lu_set_xfer_len(const struct lu_set *set, uint64_t lun,
		    const uint8_t *cdb, size_t cdb_len, uint32_t *len,
		    int *dir);

/* ------------------------------------------------------------------------
 * Internal to lu.c, spc.c, sbc.c and pr.c (not for the iSCSI side).
 * ------------------------------------------------------------------------ */
#ifdef LU_INTERNAL
#include <pthread.h>

#define LU_MAX_NEXUS 256u   /* tracked I_T nexuses (UAs, names) */
#define LU_MAX_PR_REG 64u   /* persistent reservation registrants */
#define LU_UNMAP_MAX_DESC 256u
#define LU_UNMAP_MAX_LBAS (1u << 20)
#define LU_CAW_MAX_BLOCKS 255u

/* Unit attentions, in reporting priority order (SAM-5 §5.14). */
enum lu_ua {
	LU_UA_POWER_ON,	     /* 29h/00h */
	LU_UA_LUN_RESET,     /* 29h/03h */
	LU_UA_NEXUS_LOSS,    /* 29h/07h */
	LU_UA_RES_PREEMPTED, /* 2Ah/03h */
	LU_UA_RES_RELEASED,  /* 2Ah/04h */
	LU_UA_REG_PREEMPTED, /* 2Ah/05h */
	LU_UA_COUNT
};

struct lu_nexus {
	bool used, active;
	uint64_t id;
	uint32_t ua;	  /* bit per enum lu_ua */
	uint64_t seen;	  /* lu->clock at last event, for eviction */
	char port[LU_PORT_NAME_MAX];
};

/* Persistent reservation types (SPC-4 §6.16.3). */
enum lu_pr_type {
	LU_PR_WE = 1,
	LU_PR_EA = 3,
	LU_PR_WE_RO = 5,
	LU_PR_EA_RO = 6,
	LU_PR_WE_AR = 7,
	LU_PR_EA_AR = 8,
};

struct lu_pr_reg {
	uint64_t nexus;
	uint64_t key;
};

struct lu_pr {
	uint32_t generation;
	size_t nreg;
	struct lu_pr_reg reg[LU_MAX_PR_REG];
	bool held;
	uint8_t type;
	uint64_t holder; /* nexus; unused for all-registrants types */
};

struct lu {
	pthread_mutex_t mu;
	int fd;
	bool is_blockdev, direct, read_only, write_through;
	uint64_t nblocks;
	unsigned block_size;
	char vendor[9], product[17], revision[5];
	char serial[33];
	uint64_t naa;
	/* per-nexus state */
	struct lu_nexus nexus[LU_MAX_NEXUS];
	uint64_t clock;
	/* SPC-2 RESERVE(6)/(10) */
	bool spc2_held;
	uint64_t spc2_holder;
	bool prevent;
	struct lu_pr pr;
	void (*abort_fn)(void *arg, struct lu *lu, uint64_t nexus);
	void *abort_arg;
	void *bounce; /* O_DIRECT bounce buffer, LU_BOUNCE bytes */
};

/* A command's handler; t->status is GOOD on entry. */
typedef void (*lu_handler)(struct lu *lu, struct lu_task *t);

/* Sense helpers (fixed format; SPC-4 §4.5.3). */
void lu_check(struct lu_task *t, uint8_t key, uint8_t asc, uint8_t ascq);
void lu_check_info(struct lu_task *t, uint8_t key, uint8_t asc, uint8_t ascq,
		   uint32_t info);
/* INVALID FIELD IN CDB / PARAMETER LIST with a field pointer. */
void lu_bad_cdb(struct lu_task *t, unsigned byte, int bit);
void lu_bad_param(struct lu_task *t, unsigned byte, int bit);

/* Copies n bytes of a response (truncated to the allocation length and
 * the caller's buffer), recording data_in_full. */
void lu_reply(struct lu_task *t, const void *buf, size_t n, size_t alloc);

/* Medium I/O in whole bytes; 0 or -1 (sense set: MEDIUM ERROR). */
int lu_read(struct lu *lu, struct lu_task *t, void *buf, uint64_t off,
	    size_t n);
int lu_write(struct lu *lu, struct lu_task *t, const void *buf, uint64_t off,
	     size_t n);
int lu_sync(struct lu *lu, struct lu_task *t);
int lu_zero(struct lu *lu, struct lu_task *t, uint64_t off, uint64_t n);

/*
 * MAXIMUM WRITE SAME LENGTH (Block Limits VPD, SBC-4 §6.6.4): no larger
 * than MAXIMUM TRANSFER LENGTH, so the extent of any WRITE SAME can be
 * read back (or rewritten) by one READ / WRITE.
 */
static inline uint64_t lu_ws_max_blocks(const struct lu *lu)
{
	return LU_MAX_XFER_BYTES / lu->block_size;
}

struct lu_nexus *lu_nexus_find(struct lu *lu, uint64_t id, bool add);
void lu_ua_set(struct lu *lu, uint64_t nexus, enum lu_ua ua);
/* REQUEST SENSE: takes the pending UA as sense data (LU_SENSE_MAX bytes,
 * descriptor format when desc); 0 when none. */
size_t lu_ua_pop(struct lu *lu, uint64_t nexus, uint8_t *sense, bool desc);

/* Command table (lu.c). */
struct lu_cmd {
	uint8_t op;
	uint16_t sa;	   /* service action when has_sa */
	bool has_sa;
	uint8_t cdb_len;
	uint8_t flags;	   /* LU_F_* */
	lu_handler fn;
	uint8_t usage[16]; /* CDB usage data (SPC-4 §6.35.3); [0] = op */
};
#define LU_F_PR_READ 0x02  /* conflicts with exclusive-access PRs */
#define LU_F_PR_WRITE 0x04 /* conflicts with every PR type */
#define LU_F_SPC2_OK 0x08  /* allowed through an SPC-2 reservation */
const struct lu_cmd *lu_cmd_find(uint8_t op, uint16_t sa, bool *op_known);
const struct lu_cmd *lu_cmd_at(size_t i); /* NULL past the end */

/* spc.c */
void spc_inquiry(struct lu *lu, struct lu_task *t);
void spc_mode_sense(struct lu *lu, struct lu_task *t);
void spc_request_sense(struct lu *lu, struct lu_task *t);
void spc_report_luns(struct lu *lu, struct lu_task *t);
void spc_report_opcodes(struct lu *lu, struct lu_task *t);
void spc_tur(struct lu *lu, struct lu_task *t);
void spc_start_stop(struct lu *lu, struct lu_task *t);
void spc_prevent_allow(struct lu *lu, struct lu_task *t);
void spc_reserve(struct lu *lu, struct lu_task *t);
void spc_release(struct lu *lu, struct lu_task *t);
/* Unmapped LUN / well-known LU answers (lu_set_exec). */
void spc_no_lu(const struct lu_set *set, struct lu_task *t);
void spc_wlun(const struct lu_set *set, struct lu_task *t);
void spc_report_luns_set(const struct lu_set *set, struct lu_task *t);

/* sbc.c */
void sbc_read(struct lu *lu, struct lu_task *t);
void sbc_write(struct lu *lu, struct lu_task *t);
void sbc_verify(struct lu *lu, struct lu_task *t);
void sbc_write_verify(struct lu *lu, struct lu_task *t);
void sbc_sync_cache(struct lu *lu, struct lu_task *t);
void sbc_write_same(struct lu *lu, struct lu_task *t);
void sbc_unmap(struct lu *lu, struct lu_task *t);
void sbc_caw(struct lu *lu, struct lu_task *t);
void sbc_read_capacity10(struct lu *lu, struct lu_task *t);
void sbc_read_capacity16(struct lu *lu, struct lu_task *t);
/* Data bytes a block command moves, or -1 (lu_xfer_len). */
int sbc_xfer_len(const struct lu *lu, const uint8_t *cdb, uint32_t *len,
		 int *dir);

/* pr.c */
void pr_in(struct lu *lu, struct lu_task *t);
void pr_out(struct lu *lu, struct lu_task *t);
/* True when the command (its LU_F_* flags) conflicts with the PR state
 * for nexus (SPC-4 §5.12.1 table, SBC-3 §4.17). */
bool pr_conflicts(const struct lu *lu, uint64_t nexus, const uint8_t *cdb,
		  uint8_t flags);
bool pr_any(const struct lu *lu); /* a registration or reservation exists */
#endif /* LU_INTERNAL */

#endif
