/* SPDX-License-Identifier: MIT */
/*
 * tgt_fixture.h - a reference target in a box, for unit tests of the
 * target's handlers (login.c, ffp*.c, conn.c).
 *
 * fixture_new() builds a struct tgt_server from a quick-mode style
 * configuration: one target FIXTURE_TARGET with LUN 0 on a temporary file
 * (4 MiB unless lun_size says otherwise), optional CHAP credentials,
 * optional iSCSI key overrides and defects.  The server has one reactor and
 * no threads: the test thread steps the loop itself inside every fixture
 * call that waits (send, receive, step), so server state may be inspected
 * between calls without locks, and every wait is bounded by a timeout.
 *
 * Connections are socketpairs: the server end goes through conn_new() like
 * an accepted socket, the test end is driven by the calls below.
 *
 *   struct fixture *fx = fixture_new(NULL);          (defaults)
 *   CU_ASSERT_FATAL(fx != NULL);
 *   CU_ASSERT_EQUAL(fixture_login(fx, NULL), 0);      (now in FFP)
 *   ... build a PDU with codec.h, fx->cmdsn, fixture_exp_statsn(fx) ...
 *   CU_ASSERT_EQUAL(fixture_send_pdu(fx, &pdu), 0);
 *   CU_ASSERT_EQUAL(fixture_recv_pdu(fx, &rsp, 1000), 0);
 *   iscsi_pdu_release(&rsp);
 *   fixture_free(fx);
 *
 * Everything the fixture allocated is freed by fixture_free (ASan clean),
 * including the server, its sessions and the temporary directory.
 */
#ifndef ISCSI_CTS_TGT_FIXTURE_H
#define ISCSI_CTS_TGT_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "framer.h"
#include "keys.h"
#include "pdu.h"
#include "target.h"

#define FIXTURE_TARGET	  "iqn.2026-11.org.iscsi-cts:fixture"
#define FIXTURE_INITIATOR "iqn.2026-11.org.iscsi-cts:unit-initiator"
#define FIXTURE_ISID	  0x023d00000001ull /* OUI format, qualifier 1 */
#define FIXTURE_LUN_SIZE  (4u << 20)
#define FIXTURE_MAX_KEYS  16
#define FIXTURE_MAX_LINKS 4

struct fixture_opts {
	/* IncomingUser of the target (initiator authenticates with CHAP);
	 * NULL = no authentication. */
	const char *chap_user, *chap_secret;
	/* OutgoingUser (mutual CHAP); NULL = none. */
	const char *mutual_user, *mutual_secret;
	/* Target-side key defaults "Name=Value" (like --key), NULL ends. */
	const char *keys[FIXTURE_MAX_KEYS];
	/* Defect names (like --defect), NULL ends. */
	const char *defects[FIXTURE_MAX_KEYS];
	uint64_t lun_size;	   /* 0 = FIXTURE_LUN_SIZE */
	unsigned login_timeout_ms; /* 0 = the server's default */
	unsigned idle_timeout_ms;  /* stalled partial PDU; 0 = default */
	int verbose;		   /* server's -v level */
};

/* The test's end of one connection. */
struct fixture_link {
	int fd;			 /* -1 once closed */
	uint64_t conn_id;	 /* tgt_conn.id of the server's end */
	struct iscsi_digests dg; /* in force on this link, both directions */
	struct iscsi_framer rx;
	uint8_t *rbuf; /* bytes read, not yet framed */
	size_t rlen, rcap;
	uint16_t cid;
	uint32_t exp_statsn; /* StatSN of the last status received + 1 */
	bool closed;	     /* the server closed it (EOF seen) */
};

struct fixture {
	struct tgt_server srv;
	char dir[64];	    /* temporary directory (removed by free) */
	char lun_path[128]; /* LUN 0's backing file */
	struct fixture_link link[FIXTURE_MAX_LINKS];
	unsigned nlinks, cur; /* link[cur] is the one calls use */

	/* Initiator-side session state, kept by fixture_login and by
	 * fixture_recv_pdu (exp_statsn); tests use and advance cmdsn/itt. */
	uint64_t isid;	/* FIXTURE_ISID unless changed before login */
	uint16_t tsih;	/* from the final Login Response */
	uint32_t cmdsn; /* next CmdSN to send */
	uint32_t itt;	/* next ITT fixture_login would use */
	struct iscsi_params agreed;	 /* what fixture_login negotiated */
	const struct fixture_opts *opts; /* copy kept in opts_copy */
	struct fixture_opts opts_copy;
	char err[256]; /* why the last call failed */
};

/* Build the server and open one connection (link 0).  NULL on failure,
 * with the reason on stderr.  o may be NULL for the defaults. */
struct fixture *fixture_new(const struct fixture_opts *o);
/* Close every link, run the server until its connections are gone, free
 * the server and the fixture, remove the temporary files. */
void fixture_free(struct fixture *fx);

/* Open another connection to the same server and make it current.
 * Returns its index, or -1 when FIXTURE_MAX_LINKS are open. */
int fixture_connect(struct fixture *fx);
/* Make link idx current for the calls below. */
void fixture_use(struct fixture *fx, unsigned idx);
/* Close the test's end of the current link (the server sees EOF). */
void fixture_disconnect(struct fixture *fx);

/* The server's end of the current link; NULL once the server freed it. */
struct tgt_conn *fixture_server_conn(struct fixture *fx);
/* Connections the server holds on its reactor. */
size_t fixture_server_nconns(struct fixture *fx);

/* Run the reactor for about ms milliseconds (at least one round). */
void fixture_step(struct fixture *fx, unsigned ms);

/*
 * Send one PDU on the current link, encoded with the link's digests
 * (DataSegmentLength and TotalAHSLength follow the segments).  The reactor
 * runs while the socket is full.  0, or -1 (fx->err says why).
 */
int fixture_send_pdu(struct fixture *fx, const struct iscsi_pdu *pdu);
/* Send bytes as they are (malformed PDUs, split PDUs). 0 or -1. */
int fixture_send_raw(struct fixture *fx, const void *buf, size_t len);

/*
 * Receive the next PDU from the target on the current link, running the
 * reactor while waiting, at most timeout_ms.  Returns 0 with *pdu filled
 * (release it with iscsi_pdu_release; digests were checked into
 * hdigest_ok/ddigest_ok), -1 on timeout, -2 when the server closed the
 * connection (or sent bytes that cannot be framed).  A status-carrying PDU
 * advances the link's exp_statsn.
 */
int fixture_recv_pdu(struct fixture *fx, struct iscsi_pdu *pdu, int timeout_ms);
/* Wait up to timeout_ms for the server to close the current link:
 * 0 when it did (PDUs still arriving are discarded), -1 otherwise. */
int fixture_wait_closed(struct fixture *fx, int timeout_ms);

/* Digests on the current link from now on (both directions). */
void fixture_set_digests(struct fixture *fx, bool header, bool data);

/*
 * A normal-session login on the current link up to full feature phase:
 * SessionType=Normal, InitiatorName=FIXTURE_INITIATOR,
 * TargetName=FIXTURE_TARGET, AuthMethod=None (CHAP, mutual when
 * configured, if the options have chap_user), then the operational keys
 * HeaderDigest=None, DataDigest=None, MaxRecvDataSegmentLength=262144,
 * ErrorRecoveryLevel=0 and the rest at RFC defaults; extra_keys
 * ("Name=Value", NULL-terminated, may be NULL) replace a default of the same
 * name or are added.  InitiatorName, TargetName and SessionType among them
 * replace those of the first request (SessionType=Discovery sends no
 * TargetName).  The first link logs in with TSIH 0 and CID 0; a later
 * link (fixture_connect) joins the session with fx->tsih and CID = its
 * index.  Digests agreed are switched on after the final response.
 * 0, or -1 with the reason in fx->err.
 */
int fixture_login(struct fixture *fx, const char *const *extra_keys);

/* ExpStatSN to put in the next PDU on the current link. */
uint32_t fixture_exp_statsn(const struct fixture *fx);

#endif
