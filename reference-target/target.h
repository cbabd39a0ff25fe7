/* SPDX-License-Identifier: MIT */
/*
 * target.h - the iSCSI side of iscsi-reftgt: server, connections, sessions,
 * tasks, and the contract between the modules that handle them.
 *
 *   server.c     listeners, reactor threads, the session table, shutdown,
 *                reload, status (IET /proc layout) on the control socket
 *   conn.c       one TCP connection: receive through proto's framer,
 *                dispatch by state, transmit queue (writev), timers, close
 *   login.c      login phase (RFC 7143 §6.3, §11.12, §11.13): stages,
 *   login_*.c    negotiation through proto/keys.h, CHAP (§12.1.3), ISID/TSIH
 *                rules, reinstatement, redirect
 *   ffp.c        full feature phase dispatch: CmdSN window and ordering
 *                (§4.2.2.1), NOP (§11.18-19), Text/SendTargets, Logout,
 *                TMF (§11.5-6), SNACK (§11.16), Reject (§11.17), Async
 *   ffp_scsi.c   SCSI command, Data-Out, R2T, Data-In, SCSI Response
 *                (§11.3-11.8), over lu.h
 *   defects.c    the catalog of switchable defects
 *
 * Threading: each reactor thread runs one struct loop. A connection lives
 * on one loop. A session and all its connections live on the session's
 * loop (the loop of its leading connection): when a login adds a
 * connection to a session owned by another loop, the connection moves
 * there (conn_migrate) before it enters full feature phase. So session and
 * task state is touched by one thread only; the session table
 * (server.c) is the only structure shared between threads, under a mutex.
 */
#ifndef ISCSI_REFTGT_TARGET_H
#define ISCSI_REFTGT_TARGET_H

#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

#include "config.h"
#include "defects.h"
#include "framer.h"
#include "keys.h"
#include "loop.h"
#include "lu.h"
#include "pdu.h"

struct tgt_server;
struct tgt_session;
struct ffp_sess; /* private to ffp*.c */
struct ffp_buf;	 /* private to ffp*.c */
struct tgt_conn;
struct tgt_task;
struct login_state; /* private to login*.c */

/* ---- a target at run time --------------------------------------------- */

struct target_rt {
	const struct tgt_target *cfg; /* from config.h */
	struct lu_set *luns;
	uint16_t tpgt;		/* TargetPortalGroupTag (§13.9) */
	unsigned nsessions;	/* under srv->lock */
};

/* ---- transmit queue ----------------------------------------------------- */

/*
 * One PDU on its way out. The header part (BHS, AHS, header digest) is
 * copied in; the data segment is referenced and released after it has been
 * written (so read data goes out of the task's buffer without a copy).
 */
struct txbuf {
	struct txbuf *next;
	uint8_t hdr[ISCSI_BHS_LEN + 2 * 256 + ISCSI_DIGEST_LEN];
	size_t hdr_len;
	const uint8_t *data;
	size_t data_len;
	uint8_t trailer[3 + ISCSI_DIGEST_LEN]; /* padding + data digest */
	size_t trailer_len;
	size_t sent; /* bytes of hdr+data+trailer already written */
	void (*release)(void *arg);
	void *release_arg;
	bool close_after; /* close the connection once this is written */
	uint8_t small[256]; /* conn_send_copy's data when it fits */
};

/* ---- connection ------------------------------------------------------- */

/* Target connection states (RFC 7143 §8.1.3, T1..T7), as this target uses them. */
enum conn_state {
	CONN_LOGIN,	 /* T4: login in progress */
	CONN_FFP,	 /* T5: logged in */
	CONN_LOGGED_OUT, /* T7 after a Logout Response: nothing more accepted */
	CONN_CLOSING,	 /* being torn down */
};

struct tgt_conn {
	struct tgt_server *srv;
	struct loop *loop; /* owning reactor */
	int fd;
	uint64_t id; /* for logs and status */
	struct sockaddr_storage peer, local;
	char peer_str[64]; /* "addr:port" */
	enum conn_state state;

	struct iscsi_framer rx;
	struct iscsi_digests dg; /* in force (after login) */

	struct txbuf *txq, *txq_tail;
	size_t tx_bytes;
	bool want_write;

	uint16_t cid;
	uint32_t statsn;     /* next StatSN this connection sends */
	uint32_t exp_statsn; /* last ExpStatSN received */
	uint32_t max_xmit_dsl; /* the initiator's MaxRecvDataSegmentLength */

	struct login_state *login; /* while CONN_LOGIN */
	struct tgt_session *sess;  /* once attached */
	struct tgt_conn *sess_next;

	uint64_t login_timer, nop_timer, idle_timer; /* loop timer ids, 0 = none */
	uint32_t nop_ttt;	/* outstanding target ping, ISCSI_RSVD_TAG if none */
	uint64_t last_rx_ms;

	/* login.c fills it as soon as it is known; conn_log prints it. */
	char initiator_name[TGT_NAME_LEN];

	/* conn.c private */
	struct loop *migrate_to;	  /* move after the handler returns */
	struct tgt_reactor *reactor;	  /* owning reactor (NULL in transit) */
	struct tgt_conn *rprev, *rnext;	  /* the reactor's connection list */
	uint8_t *rbuf;			  /* received, not yet framed */
	size_t rbuf_off, rbuf_len, rbuf_cap;
	uint64_t partial_since_ms;	  /* a PDU began arriving; 0 = none */
	unsigned in_rx;			  /* dispatch depth */
	bool closed;			  /* conn_close ran: freed after the round */
	bool migrating;			  /* between loops: nothing processed */
	bool tx_closing;		  /* a close_after PDU is queued */
	struct txbuf *txfree;		  /* spare txbufs */
	unsigned ntxfree;
	unsigned io_mask;		  /* LOOP_READ/LOOP_WRITE watched */
};

/* ---- session ---------------------------------------------------------- */

struct tgt_session {
	struct tgt_server *srv;
	struct loop *loop;	 /* owning reactor */
	struct target_rt *target; /* NULL for a discovery session */
	bool discovery;
	uint64_t isid;
	uint16_t tsih;
	uint64_t nexus; /* I_T nexus id for lu.h */
	char initiator_name[224];
	char initiator_alias[256];
	struct iscsi_params params; /* agreed at login (session-wide keys) */

	/* command window (§4.2.2.1) */
	uint32_t exp_cmdsn, max_cmdsn;
	unsigned queue_depth;
	struct tgt_task *held; /* non-immediate commands waiting for a gap, by CmdSN */
	struct ffp_sess *ffp;  /* ffp*.c private state (ffp_int.h) */

	struct tgt_task **tasks; /* ITT hash */
	size_t ntask_buckets, ntasks;

	struct tgt_conn *conns;
	unsigned nconns;
	bool closing;
	unsigned refs;

	/* ERL 2, last connection gone without a Logout (§6.2.2, §7.1.3):
	 * the session waits DefaultTime2Wait + DefaultTime2Retain for a
	 * connection to join it (server_sess.c). */
	bool retaining;	      /* under srv->lock */
	bool no_retain;	      /* logged out (reason 0/1), cold reset */
	uint64_t retain_timer; /* on loop; its thread only */
};

/* ---- task ------------------------------------------------------------- */

enum task_state {
	TASK_HELD,	/* waiting for CmdSN order */
	TASK_RECEIVING, /* write data still coming */
	TASK_EXEC,
	TASK_SENDING,
	TASK_DONE, /* status sent; kept until acknowledged (ERL>=1) */
};

/* One outstanding R2T (§11.8). */
struct tgt_r2t {
	uint32_t ttt, r2tsn, offset, len, received, next_datasn;
	bool active;
	bool recover; /* a PDU was lost: re-send the R2T at its end (§7.2) */
};

#define TGT_MAX_R2T 16u /* R2T slots per task (MaxOutstandingR2T cap) */

struct tgt_task {
	struct tgt_session *sess;
	struct tgt_conn *conn; /* connection allegiance (§4.2.4.1) */
	struct tgt_task *hash_next, *held_next;
	enum task_state state;
	uint32_t itt, cmdsn;
	bool immediate;
	uint8_t lun_raw[8];
	uint64_t lun;
	uint8_t cdb[260];
	size_t cdb_len;
	uint8_t attr;
	bool read, write;
	uint32_t edtl, bidi_read_len;

	/* write side */
	uint8_t *wbuf;	    /* edtl bytes */
	uint32_t received;  /* bytes of write data received */
	uint32_t unsol_len; /* unsolicited bytes allowed (§13.14) */
	uint32_t unsol_next_datasn;
	uint32_t next_r2t_offset; /* first byte not yet requested or received unsolicited */
	uint32_t r2tsn;
	struct tgt_r2t *r2ts; /* MaxOutstandingR2T slots */

	/* read side */
	uint32_t datasn; /* next DataSN (Data-In and R2T share it for bidi) */
	uint32_t statsn; /* StatSN of the response once sent (for SNACK) */

	struct lu_task lt;

	/* ffp*.c private */
	uint8_t kind;	       /* enum ffp_kind */
	bool counted;	       /* CmdSN reached ExpCmdSN (delivered) */
	bool failed;	       /* data phase error: CHECK CONDITION */
	bool unsol_open;       /* unsolicited Data-Out still expected */
	bool collapsed;	       /* status went in the last Data-In */
	bool in_hash, in_execq, in_retained;
	uint16_t cid;	       /* connection the task was given on */
	struct iscsi_pdu *pdu; /* FFP_KIND_PDU: the held command */
	struct tgt_task *exec_next, *ret_next;
	uint32_t unsol_end;    /* first byte past the first burst */
	uint32_t solicit_end;  /* first byte past what R2Ts ask for */
	uint32_t wbuf_cap, wbuf_alloc;
	uint32_t xfer_len;     /* bytes the CDB moves (lu_set_xfer_len) */
	int xfer_dir;
	uint32_t r2t_outstanding;
	struct ffp_buf *rbuf;  /* read data, referenced by queued Data-In */
	uint32_t rlen;	       /* read bytes to send */
	uint32_t din_seg, din_burst, din_base; /* Data-In segmentation */
	uint32_t ndatain;      /* Data-In PDUs sent (ExpDataSN) */
	uint32_t din_ttt;      /* TTT of the A-bit Data-In, or 0xffffffff */
	uint64_t gone_ms;      /* ERL 2: its connection went away */
	uint8_t rsp[ISCSI_BHS_LEN]; /* SCSI Response as sent (SNACK) */
	struct tgt_r2t r2t_slot[TGT_MAX_R2T];
};

/* ---- reactor threads and server --------------------------------------- */

struct tgt_reactor {
	struct tgt_server *srv;
	struct loop *loop;
	pthread_t thread;
	unsigned index;
	/* server.c / conn.c: touched only on this reactor's thread */
	struct tgt_conn *conns; /* every connection the loop owns */
	size_t nconns;
	bool started;	    /* thread running */
};

struct server_priv; /* private to server.c */

struct tgt_server {
	struct tgt_config cfg;
	struct target_rt *targets;
	size_t ntargets;
	struct tgt_reactor *reactors;
	unsigned nreactors;
	struct defect_set defects;
	int verbose;

	pthread_mutex_t lock; /* guards the session table below */
	struct tgt_session **sessions;
	size_t nsessions, cap_sessions;
	uint16_t next_tsih;
	uint64_t next_conn_id, next_nexus;

	/* server.c / conn.c */
	unsigned login_timeout_ms; /* login not finished: close (0 = none) */
	unsigned idle_timeout_ms;  /* a PDU started and stalled (0 = none) */
	/* Rebuild the configuration on SIGHUP (main.c sets it); 0 or -1. */
	int (*reload)(struct tgt_config *out, void *arg, char *err,
		      size_t errlen);
	void *reload_arg;
	struct server_priv *priv;
};

/* ---- contract between the modules ------------------------------------- */

/* conn.c */
struct tgt_conn *conn_new(struct tgt_server *srv, struct loop *loop, int fd,
			  const struct sockaddr *peer, socklen_t peerlen);
/*
 * Queue a PDU: header (BHS + optional AHS) is copied, data is referenced
 * until written and then release(arg) is called - exactly once, also when
 * the PDU cannot be queued (-1: connection closing) (release may be NULL when
 * the data is static or copied by the caller into a txbuf it owns: use
 * conn_send_copy for small data). Digests follow c->dg. DataSegmentLength
 * and TotalAHSLength are set here from the lengths given.
 */
int conn_send(struct tgt_conn *c, struct iscsi_bhs *bhs, const uint8_t *ahs,
	      size_t ahs_len, const uint8_t *data, size_t data_len,
	      void (*release)(void *arg), void *arg);
int conn_send_copy(struct tgt_conn *c, struct iscsi_bhs *bhs,
		   const uint8_t *data, size_t data_len);
/* Close once everything queued has been written (Logout, login failure). */
void conn_close_after_tx(struct tgt_conn *c);
/*
 * Close now; safe from inside a handler (freed after it returns).  Called
 * from a thread other than c's reactor (e.g. CID reinstatement, §6.3.4),
 * the close is posted to c's reactor.
 */
void conn_close(struct tgt_conn *c, const char *why);
/*
 * Move c to the loop of its session (login.c calls it).  Inside a handler
 * the move happens once the handler returns; no PDU of c is processed
 * until c runs on loop `to` (bytes already received are kept).  PDUs may
 * be queued meanwhile.  c must not be touched by the old thread after the
 * handler returned.
 */
int conn_migrate(struct tgt_conn *c, struct loop *to);
void conn_log(const struct tgt_conn *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * The PDU handed to login_rx / ffp_rx belongs to conn.c and lives only
 * during the call: its ahs and data point into the receive buffer.  Do not
 * release, free or keep it (copy what must outlive the call).
 * hdigest_ok/ddigest_ok are already judged: a header digest error never
 * reaches a handler; ffp_rx sees ddigest_ok == false only for a Data-Out
 * at ErrorRecoveryLevel >= 1, after conn.c sent the Reject (§7.8).
 */
/* login.c: every PDU received while c->state == CONN_LOGIN. */
void login_rx(struct tgt_conn *c, struct iscsi_pdu *pdu);
void login_free(struct login_state *ls);

/* ffp.c: every PDU received while c->state == CONN_FFP. */
void ffp_rx(struct tgt_conn *c, struct iscsi_pdu *pdu);
/* The connection is going away: end or keep its tasks per ERL (§7). */
void ffp_conn_gone(struct tgt_conn *c);
/* Fill StatSN/ExpCmdSN/MaxCmdSN of a target PDU header and advance StatSN
 * when the PDU carries status. */
void ffp_stamp(struct tgt_conn *c, uint8_t *statsn, uint8_t *exp_cmdsn,
	       uint8_t *max_cmdsn, bool advance_statsn);
void ffp_reject(struct tgt_conn *c, const struct iscsi_pdu *bad,
		uint8_t reason);

/* tgt_text.c: a Text Request in full feature phase, after ffp.c's CmdSN
 * checks (§11.10, SendTargets §13.3, renegotiation).  Its sequence state
 * lives in c->login, which stays allocated after login for that purpose:
 * conn.c frees it with login_free() whatever the connection's state. */
void text_rx(struct tgt_conn *c, struct iscsi_pdu *pdu);

/* server.c: the session table. */
struct target_rt *server_find_target(struct tgt_server *srv,
				      const char *name);
/* Look up by ISID + InitiatorName + TargetName (§4.4 session identity). */
struct tgt_session *server_find_session(struct tgt_server *srv,
					const char *initiator, uint64_t isid,
					const struct target_rt *t);
struct tgt_session *server_session_by_tsih(struct tgt_server *srv,
					   uint16_t tsih);
struct tgt_session *server_session_new(struct tgt_server *srv,
				       struct loop *loop);
void server_session_free(struct tgt_session *s);
/* Tear down a session (reinstatement, logout, last connection gone). */
void server_session_close(struct tgt_session *s, const char *why);
void session_add_conn(struct tgt_session *s, struct tgt_conn *c);
/*
 * Non-leading login (login.c): add c to the live session with this TSIH,
 * which must still be `expect`; lookup and add under one lock, so a
 * session ending meanwhile (Time2Retain expiry) is never joined.  Returns
 * the session, or NULL when it is gone or closing.
 */
struct tgt_session *server_session_join(struct tgt_server *srv,
					uint16_t tsih,
					const struct tgt_session *expect,
					struct tgt_conn *c);
void session_del_conn(struct tgt_session *s, struct tgt_conn *c);

/* The loop the calling thread runs (NULL: a thread that runs none, or the
 * single-threaded unit-test fixture, where every object is "ours"). */
extern __thread struct loop *tgt_thread_loop;

/* True when the calling thread may touch objects owned by loop l. */
static inline bool tgt_on_loop(const struct loop *l)
{
	return tgt_thread_loop == NULL || tgt_thread_loop == l;
}

/* Monotonic milliseconds. */
uint64_t tgt_now_ms(void);

/*
 * server.c: life cycle (main.c and tests/unit/tgt_fixture.c).
 *
 *   server_init   takes over *cfg (left empty), opens the LUNs, creates
 *                 nreactors loops (0 = one per CPU); no thread yet
 *   server_listen listens on every portal, prints "listening on ADDR:PORT"
 *                 per portal to announce (may be NULL) and flushes it
 *   server_run    handles SIGTERM/SIGINT (shutdown) and SIGHUP (reload)
 *                 (block them in every thread first), serves status on
 *                 control_path (NULL = none), runs the reactors until
 *                 shutdown; returns 0
 *   server_shutdown  ask server_run to return (any thread)
 *   server_fini   closes everything, frees the sessions, LUNs and config
 */
#define TGT_LOGIN_TIMEOUT_MS 30000u
#define TGT_IDLE_TIMEOUT_MS 30000u
int server_init(struct tgt_server *srv, struct tgt_config *cfg,
		unsigned nreactors, char *err, size_t errlen);
int server_listen(struct tgt_server *srv, FILE *announce, char *err,
		  size_t errlen);
int server_run(struct tgt_server *srv, const char *control_path, char *err,
	       size_t errlen);
void server_shutdown(struct tgt_server *srv);
void server_fini(struct tgt_server *srv);
/*
 * Bind session s to target t (login.c, leading login): -1 when t already
 * has MaxSessions sessions (the login then fails with 0x0302, §11.13.5
 * "Out of resources"), else 0.  Counted under the lock, so two logins on
 * two reactors cannot both take the last place.
 */
int server_session_set_target(struct tgt_session *s, struct target_rt *t);
/* Status in IET's /proc/net/iet layout (control.c). */
enum tgt_status_kind { TGT_STATUS_SESSION, TGT_STATUS_VOLUME };
int control_status(struct tgt_server *srv, enum tgt_status_kind kind,
		   FILE *out);
/* Client side of --control PATH --show KIND: 0, or -1 with err. */
int control_show(const char *path, const char *kind, FILE *out, char *err,
		 size_t errlen);

/* ffp.c: a NOP-In ping (§11.19) is due on c (NOPInterval elapsed). */
void ffp_nop_ping(struct tgt_conn *c);
/* ffp.c: Asynchronous Message "logout requested" (§11.9.1, AsyncEvent 1)
 * with Parameter3 = seconds to log out in (server shutdown). */
void ffp_async_logout(struct tgt_conn *c, unsigned seconds);
/* ffp.c: frees the tasks and ffp state of s (server_session_free calls it
 * before freeing s; safe when ffp never ran on s). */
void ffp_session_fini(struct tgt_session *s);

#endif
