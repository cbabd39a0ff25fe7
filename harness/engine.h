/* SPDX-License-Identifier: MIT */
/*
 * engine.h - the raw initiator engine that conformance tests drive.
 *
 * Unlike a normal initiator it lets a test send anything: any PDU field,
 * key, ordering, timing, digest, or a deliberately wrong one.  Layers:
 *
 *   connection  (conn.c)       one TCP connection with per-operation
 *                              deadlines; whole, split or byte-wise sends,
 *                              raw bytes, one-PDU receive through proto's
 *                              framer; EOF and RST reported apart
 *   mutations   (mutate.c)     {opcode, field, op, value, nth} applied to
 *                              the PDUs a connection sends
 *   transcript  (transcript.c, every PDU sent and received, with time,
 *                pcapng.c)     direction, flow and wire bytes; pcapng out
 *   login       (hlogin.c,     single Login Request/Response steps, CHAP,
 *                hnegotiate.c) and cts_login, the well-behaved initiator
 *   session     (session.c)    CmdSN/ExpStatSN tracking, several
 *                              connections, NOP, Text, Logout, TMF, SNACK
 *   tasks       (task.c)       SCSI reads and writes with the whole
 *                              exchange recorded
 *
 * Every function takes the test's context first (NULL is allowed: no
 * transcript unless cts_conn_set_transcript gave one, no test deadline),
 * so every wait is bounded by min(operation timeout, test deadline) and
 * every PDU lands in the test's transcript.  Nothing here decides a
 * verdict: functions return what happened and tests judge.
 */
#ifndef ISCSI_CTS_ENGINE_H
#define ISCSI_CTS_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "chap.h"
#include "codec.h"
#include "cts.h"
#include "framer.h"
#include "keys.h"
#include "pdu.h"
#include "text.h"
#include "url.h"
#include "wire.h"

/* ---- I/O results ---------------------------------------------------------- */

enum cts_io {
	CTS_IO_OK = 0,
	CTS_IO_TIMEOUT = -1, /* nothing (complete) within the time allowed */
	CTS_IO_CLOSED = -2,  /* the peer closed the connection (EOF) */
	CTS_IO_RESET = -3,   /* the peer reset the connection (RST) */
	CTS_IO_ERROR = -4,   /* anything else: see cts_conn_error() */
};

/* "ok", "timeout", "closed", "reset", "error". */
const char *cts_io_str(int rc);

#define CTS_ANY 0xffffffffu /* any opcode in a mutation or a search */
#define CTS_TIMEOUT_OP_DEFAULT_MS 5000u

/* ---- mutations (mutate.c) -------------------------------------------------- */

enum cts_mut_op {
	CTS_MUT_SET,	  /* field = value */
	CTS_MUT_ADD,	  /* field += value, modulo the field's width */
	CTS_MUT_XOR,	  /* field ^= value */
	CTS_MUT_TRUNCATE, /* "data", "pdu", digests: keep only value bytes */
	CTS_MUT_CORRUPT,  /* flip bits (value, or 1 when 0) after digests */
};

/*
 * One mutation.  field is a proto/fields.h name for the PDU's opcode
 * ("iscsi.cmdsn", "bhs.dsl", "bhs.word36", ...) or one of:
 *   "digest.header", "digest.data"  the 4 digest bytes (SET/ADD/XOR/
 *                                   CORRUPT change the value, TRUNCATE
 *                                   keeps value bytes of it);
 *   "data"                          the data segment: CORRUPT flips byte
 *                                   number `value` (modulo its length)
 *                                   after the data digest was computed;
 *                                   TRUNCATE sends only `value` bytes of it
 *                                   while DSL keeps announcing the whole;
 *   "pdu"                           TRUNCATE: only the first value bytes
 *                                   of the encoded PDU reach the wire.
 * Header field changes are made before digests are computed, so the
 * mutated header carries a valid header digest (the target sees exactly
 * the field change); CORRUPT on a header field is made after, so the
 * digest no longer matches.
 */
struct cts_mutation {
	unsigned opcode;   /* which PDU kind (ISCSI_OP_*), or CTS_ANY */
	const char *field; /* see above; copied when added */
	enum cts_mut_op op;
	uint64_t value;
	unsigned nth; /* the n-th matching PDU (1-based), 0 = every one */
};

#define CTS_MUT_MAX 16u
#define CTS_MUT_TEXT_MAX 256u

/* "iscsi.cmdsn add 5 on SCSI Command #1"; returns the length written
 * (truncated to len - 1), or -1 when buf is NULL or len 0. */
int cts_mutation_format(const struct cts_mutation *m, char *buf, size_t len);

/* ---- transcript (transcript.c, pcapng.c) ---------------------------------- */

enum cts_dir { CTS_SENT, CTS_RECV };

enum cts_rec_kind {
	CTS_REC_OPEN, /* connection established (pcapng: handshake) */
	CTS_REC_PDU,  /* one whole PDU as it went over the wire */
	CTS_REC_RAW,  /* bytes sent with cts_conn_send_raw, or a cut PDU */
	CTS_REC_FIN,  /* this side closed (CTS_SENT) or the peer did (RECV) */
	CTS_REC_RST,  /* the peer reset the connection */
};

/* One recorded event; bytes are owned by the transcript. */
struct cts_record {
	enum cts_rec_kind kind;
	enum cts_dir dir;
	unsigned flow;	    /* cts_transcript_flow() index */
	uint64_t ts_us;	    /* wall clock, microseconds since the epoch */
	unsigned opcode;    /* PDU: opcode without the I bit; else 0 */
	uint32_t itt;	    /* PDU: Initiator Task Tag */
	const uint8_t *bytes;
	size_t len;	    /* bytes stored: < wire_len past the memory limit */
	size_t wire_len;    /* bytes that went over the wire */
	bool digest_bad;    /* RECV: a digest did not verify */
	char mutation[CTS_MUT_TEXT_MAX]; /* mutations applied, "" if none */
};

/* One TCP connection: both ends as the socket saw them. */
struct cts_flow {
	struct sockaddr_storage local, peer;
	socklen_t local_len, peer_len;
};

struct cts_transcript;

struct cts_transcript *cts_transcript_new(void);
void cts_transcript_free(struct cts_transcript *t);

/* Wire bytes kept in memory (default 256 MiB); past it, records keep
 * their first 64 bytes (pcapng then shows a snapped frame). */
void cts_transcript_set_limit(struct cts_transcript *t, size_t bytes);

size_t cts_transcript_count(const struct cts_transcript *t);
const struct cts_record *cts_transcript_at(const struct cts_transcript *t,
					   size_t i);
size_t cts_transcript_flows(const struct cts_transcript *t);
const struct cts_flow *cts_transcript_flow(const struct cts_transcript *t,
					   size_t i);

/* Used by the connection layer: registers a flow, returns its index or -1. */
int cts_transcript_add_flow(struct cts_transcript *t,
			    const struct sockaddr *local, socklen_t llen,
			    const struct sockaddr *peer, socklen_t plen);
/* Appends a copy of r (and of r->bytes); 0 or -1 (memory). */
int cts_transcript_add(struct cts_transcript *t, const struct cts_record *r);

/*
 * The next PDU record at index >= *from with this direction and opcode
 * (CTS_ANY for any); *from is left just past it.  NULL when none.
 */
const struct cts_record *cts_transcript_find(const struct cts_transcript *t,
					     size_t *from, enum cts_dir dir,
					     unsigned opcode);

/* True when a PDU of this opcode (CTS_ANY: any) was sent with a mutation
 * of this field (NULL: any field) applied. */
bool cts_transcript_has_mutated(const struct cts_transcript *t,
				unsigned opcode, const char *field);

/* "12.345678 SENT Login Request ITT 0x1 72 bytes [iscsi.cmdsn set 5 ...]" */
int cts_record_describe(const struct cts_record *r, char *buf, size_t len);

/*
 * Writes the transcript as pcapng: synthesised Ethernet/IPv4 or IPv6/TCP
 * frames of the real flows (addresses and ports of the sockets, a
 * handshake at each flow's start, TCP sequence numbers per direction,
 * one PDU per frame, split into <= 65000-byte segments when larger,
 * FIN/RST at the end).  0, or -1 with a reason in err.
 */
int cts_transcript_write_pcapng(const struct cts_transcript *t,
				const char *path, char *err, size_t errlen);

/* ---- connections (conn.c) -------------------------------------------------- */

struct cts_session;

#define CTS_PENDING_MAX 32u

struct cts_conn {
	int fd;
	struct cts_ctx *ctx;
	struct cts_transcript *t; /* may be NULL */
	int flow;		  /* index in t, -1 if unrecorded */
	struct cts_session *sess; /* NULL for a bare connection */
	uint16_t cid;
	unsigned timeout_ms;	  /* per operation (default 5000) */
	unsigned split_delay_us;  /* between pieces of a split send */
	/* StatSN (§4.2.2.2): the ExpStatSN we acknowledge next */
	uint32_t exp_statsn;
	bool statsn_known;
	bool auto_nop;	       /* answer NOP-In pings (default on) */
	bool ffp;	       /* full feature phase reached */
	bool closed;	       /* EOF, RST or cts_conn_close seen */
	struct iscsi_digests dg; /* digests in force for what we send */
	struct iscsi_framer rx;
	uint8_t *rxbuf;
	size_t rx_off, rx_len, rx_cap;
	struct cts_mutation mut[CTS_MUT_MAX];
	char mut_field[CTS_MUT_MAX][48];
	unsigned mut_seen[CTS_MUT_MAX]; /* matching PDUs sent so far */
	size_t nmut;
	uint32_t next_itt; /* bare connections; sessions have their own */
	uint32_t login_itt; /* the ITT of this connection's login, 0 unset */
	/* PDUs received while waiting for another (cts_conn_recv_for) */
	struct iscsi_pdu *pending[CTS_PENDING_MAX];
	size_t npending;
	char err[256];	   /* the last error, "" if none */
};

/*
 * Connects to u's host and port (names resolved with getaddrinfo, IPv4
 * and IPv6), within min(CTS_TIMEOUT_OP_DEFAULT_MS, the test deadline).
 * Records into cts_transcript(ctx).  NULL with *err set to a CTS_IO_*
 * code (CLOSED/RESET: refused) on failure; msg (may be NULL) gets why.
 */
struct cts_conn *cts_conn_open(struct cts_ctx *ctx, const struct iscsi_url *u,
			       int *err);
struct cts_conn *cts_conn_open_host(struct cts_ctx *ctx, const char *host,
				    uint16_t port, int *err, char *msg,
				    size_t msglen);
/* Wraps a connected stream socket (a socketpair in unit tests); takes
 * ownership of fd.  NULL on allocation failure (fd is then closed). */
struct cts_conn *cts_conn_from_fd(struct cts_ctx *ctx, int fd);

/* Records a FIN and closes the socket; the struct stays readable. */
void cts_conn_close(struct cts_conn *c);
/* Closes (if open) and frees; detaches from its session. */
void cts_conn_free(struct cts_conn *c);

/* Records into t from now on (replacing cts_transcript(ctx)). */
void cts_conn_set_transcript(struct cts_conn *c, struct cts_transcript *t);
void cts_conn_set_timeout(struct cts_conn *c, unsigned ms);
void cts_conn_set_split_delay(struct cts_conn *c, unsigned us);
void cts_conn_set_auto_nop(struct cts_conn *c, bool on);
/* Digests for both directions from the next PDU on (§13.1). */
void cts_conn_set_digests(struct cts_conn *c, const struct iscsi_digests *dg);
const char *cts_conn_error(const struct cts_conn *c);

/* How a PDU goes out. */
struct cts_send_opts {
	const size_t *cuts; /* byte offsets at which to split the wire bytes */
	size_t ncuts;
	bool bytewise;	    /* one byte per write */
	unsigned delay_us;  /* between pieces; 0 = the connection's */
	bool no_mutate;	    /* bypass the connection's mutations */
};

/* Encodes with the connection's digests, applies mutations, sends whole
 * and records the PDU actually sent. */
int cts_conn_send_pdu(struct cts_conn *c, const struct iscsi_pdu *pdu);
int cts_conn_send_pdu_opts(struct cts_conn *c, const struct iscsi_pdu *pdu,
			   const struct cts_send_opts *o);
/* Split at the given offsets (ascending, within the PDU). */
int cts_conn_send_pdu_split(struct cts_conn *c, const struct iscsi_pdu *pdu,
			    const size_t *cuts, size_t ncuts);
int cts_conn_send_pdu_bytewise(struct cts_conn *c,
			       const struct iscsi_pdu *pdu);
/* Bytes as given, recorded as CTS_REC_RAW. */
int cts_conn_send_raw(struct cts_conn *c, const void *buf, size_t len);

/*
 * Receives one PDU (timeout_ms 0: the connection's timeout), decodes it
 * into out (released first) and records it.  Tracks StatSN/ExpCmdSN/
 * MaxCmdSN.  Never answers anything: see cts_conn_recv_for.  A stream
 * that cannot be framed is CTS_IO_ERROR.  PDUs set aside by
 * cts_conn_recv_for come first, oldest first.
 */
int cts_conn_recv_pdu(struct cts_conn *c, struct iscsi_pdu *out,
		      unsigned timeout_ms);
/*
 * Like cts_conn_recv_pdu, but answers target NOP-In pings (when
 * auto_nop) and skips them, and skips unsolicited NOP-Ins and Async
 * Messages, until a PDU with this ITT (a Reject: of the rejected PDU;
 * CTS_ANY: any other PDU) arrives.  PDUs for other ITTs are set aside
 * (up to CTS_PENDING_MAX, oldest dropped) for a later call.  Every PDU,
 * skipped or not, is in the transcript.
 */
int cts_conn_recv_for(struct cts_conn *c, uint32_t itt, struct iscsi_pdu *out,
		      unsigned timeout_ms);

/*
 * For "the target must silently ignore it" tests: waits ms for a PDU.
 * CTS_IO_TIMEOUT (nothing came, connection still open) is the silent
 * outcome; CTS_IO_OK hands back what came instead in out.
 */
int cts_conn_expect_silence(struct cts_conn *c, struct iscsi_pdu *out,
			    unsigned ms);

/* Mutations: 0, or -1 with the reason in c->err (unknown field for that
 * opcode, table full). */
int cts_conn_mutate(struct cts_conn *c, const struct cts_mutation *m);
void cts_conn_mutations_clear(struct cts_conn *c);

/* ---- sessions (session.c) -------------------------------------------------- */

#define CTS_SESSION_CONNS_MAX 8u
#define CTS_JUDGED_MAX 64u

/* What the target answered to a key we offered, and whether the RFC
 * allows that answer (proto/keys.h iscsi_key_judge). */
struct cts_judged {
	char key[ISCSI_KEY_NAME_MAX + 1];
	char offer[ISCSI_VALUE_MAX + 1];
	char answer[ISCSI_VALUE_MAX + 1]; /* "" when none */
	bool answered;
	char result[ISCSI_VALUE_MAX + 1]; /* negotiated outcome */
	int verdict;			  /* enum iscsi_neg_verdict, -1 error */
	char why[160];
	enum iscsi_login_stage stage;
};

struct cts_session {
	struct cts_ctx *ctx;
	uint64_t isid;
	uint16_t tsih;
	bool discovery;
	/* §4.2.2.1 command numbering */
	uint32_t cmdsn;	    /* next CmdSN to use */
	uint32_t exp_cmdsn; /* as last seen from the target */
	uint32_t max_cmdsn;
	bool window_known;
	uint32_t next_itt;
	uint16_t next_cid;
	/* negotiation: what we declared/offered, what the target did, the
	 * outcome */
	struct iscsi_params mine, peer, agreed;
	struct cts_judged judged[CTS_JUDGED_MAX];
	size_t njudged;
	/* every key sent and received during the logins, in order */
	struct iscsi_text login_tx, login_rx;
	struct cts_conn *conns[CTS_SESSION_CONNS_MAX];
	size_t nconns;
	uint16_t login_status; /* class << 8 | detail of the last response */
	char target_name[ISCSI_VALUE_MAX + 1];
	char err[256];
};

/* A session with a fresh random-type ISID (§11.12.5), TSIH 0, CmdSN 1. */
struct cts_session *cts_session_new(struct cts_ctx *ctx);
/* Frees the session and every connection it holds. */
void cts_session_free(struct cts_session *s);

/* Opens a connection to u (NULL: cts_target(ctx)) and attaches it with
 * the next CID; not logged in.  NULL with *err a CTS_IO_* code. */
struct cts_conn *cts_session_connect(struct cts_ctx *ctx,
				     struct cts_session *s,
				     const struct iscsi_url *u, int *err);
/* Attaches an existing connection (CID = next). 0 or -1 (full). */
int cts_session_attach(struct cts_session *s, struct cts_conn *c);
void cts_session_detach(struct cts_session *s, struct cts_conn *c);
/* The leading (first) connection, NULL if none. */
struct cts_conn *cts_session_conn(const struct cts_session *s);

uint32_t cts_session_next_itt(struct cts_session *s);
/* Is cmdsn within [ExpCmdSN, MaxCmdSN] as last seen (true if unknown)? */
bool cts_session_window_open(const struct cts_session *s);

size_t cts_session_judged_count(const struct cts_session *s);
const struct cts_judged *cts_session_judged(const struct cts_session *s,
					    size_t i);
/* The last judgement of key, NULL when it was not offered. */
const struct cts_judged *cts_session_judged_find(const struct cts_session *s,
						 const char *key);

/* How cts_conn_send_cmd numbers a command PDU. */
#define CTS_CMD_IMMEDIATE 0x1u	   /* I bit; CmdSN not advanced (§3.2.2.1) */
#define CTS_CMD_OUT_OF_WINDOW 0x2u /* send even when the window is closed */
#define CTS_CMD_KEEP_SN 0x4u	   /* CmdSN/ExpStatSN as the test set them */

/*
 * Sends a command PDU (NOP-Out, SCSI Command, TMF, Text, Logout, or any
 * with CmdSN at byte 24) on c: sets the I bit per flags, fills CmdSN and
 * ExpStatSN, advances CmdSN for non-immediate commands, and waits (within
 * the timeout) for the window to open unless CTS_CMD_OUT_OF_WINDOW.
 * pdu is modified (numbers filled in).  Returns CTS_IO_*; the CmdSN used
 * in *cmdsn (may be NULL).
 */
int cts_conn_send_cmd(struct cts_conn *c, struct iscsi_pdu *pdu,
		      unsigned flags, uint32_t *cmdsn);

/* NOP-Out ping (§11.18) with data, waiting for the NOP-In echo. */
struct cts_nop_result {
	struct iscsi_nop_in_f in;
	uint8_t data[512]; /* first bytes of the echoed data */
	size_t data_len;   /* whole echoed length */
	uint32_t itt, cmdsn;
};
int cts_nop_ping(struct cts_ctx *ctx, struct cts_conn *c, const void *data,
		 size_t len, unsigned flags, struct cts_nop_result *r);

/*
 * Text Request/Response in full feature phase (§11.10, §11.11), with
 * C-bit continuation both ways: a request longer than the target's
 * MaxRecvDataSegmentLength goes out in C=1 pieces, and while the target
 * answers F=0 we send empty requests carrying its TTT.  rsp gets every
 * key of the whole response; npdus the number of response PDUs.
 */
struct cts_text_result {
	struct iscsi_text_rsp_f last; /* fields of the final response */
	unsigned npdus;
	bool rejected;		/* a Reject came instead */
	uint8_t reject_reason;
};
int cts_text_exchange(struct cts_ctx *ctx, struct cts_conn *c,
		      const struct iscsi_text *req, unsigned flags,
		      struct iscsi_text *rsp, struct cts_text_result *r);

/* One SendTargets record (§13.3, Appendix C). */
#define CTS_ADDRS_MAX 8u
struct cts_target_rec {
	char name[ISCSI_VALUE_MAX + 1];
	char addr[CTS_ADDRS_MAX][ISCSI_VALUE_MAX + 1]; /* TargetAddress */
	size_t naddr;
};
/* SendTargets=what ("All", a name, or "" for the session's target);
 * *out is malloc'd (free()), *n records.  CTS_IO_* (ERROR with s->err
 * when the response has a TargetAddress before any TargetName). */
int cts_sendtargets(struct cts_ctx *ctx, struct cts_session *s,
		    const char *what, struct cts_target_rec **out, size_t *n);

/* Logout (§11.14) with reason 0/1/2 for connection cid, sent on c. */
int cts_logout(struct cts_ctx *ctx, struct cts_conn *c, uint8_t reason,
	       uint16_t cid, struct iscsi_logout_rsp_f *rsp);

/* Task management (§11.5). */
struct cts_tmf_req {
	uint8_t function;
	uint32_t lun;
	uint32_t ref_itt, ref_cmdsn, exp_datasn;
	unsigned flags; /* CTS_CMD_*: CTS_CMD_IMMEDIATE as usual for TMF */
};
int cts_tmf(struct cts_ctx *ctx, struct cts_conn *c,
	    const struct cts_tmf_req *req, struct iscsi_tmf_rsp_f *rsp);

/* SNACK (§11.16): sends it (ExpStatSN filled in) and returns. */
int cts_snack(struct cts_ctx *ctx, struct cts_conn *c,
	      const struct iscsi_snack_f *f);

/* ---- login (hlogin.c, hnegotiate.c) ---------------------------------------- */

/* One Login Response as received. */
struct cts_login_rsp {
	unsigned opcode;	/* ISCSI_OP_LOGIN_RSP, or what came instead */
	struct iscsi_login_rsp_f f;
	struct iscsi_text keys; /* parsed data segment */
	bool keys_ok;		/* false: keys_err says why */
	char keys_err[128];
	struct iscsi_pdu pdu; /* the PDU itself */
};

void cts_login_rsp_init(struct cts_login_rsp *r);
void cts_login_rsp_free(struct cts_login_rsp *r);
uint16_t cts_login_rsp_status(const struct cts_login_rsp *r);

/*
 * Defaults for a Login Request on c of session s: ISID, TSIH, CID, the
 * connection's login ITT (one for the whole login phase, chosen at the
 * first request; reset c->login_itt to 0 for a new one), CmdSN,
 * ExpStatSN, versions 0, and the stages given.
 */
void cts_login_fields(struct cts_session *s, struct cts_conn *c, uint8_t csg,
		      uint8_t nsg, bool transit, struct iscsi_login_req_f *f);
/* Sends one Login Request with these keys (NULL: none). */
int cts_login_send(struct cts_ctx *ctx, struct cts_conn *c,
		   const struct iscsi_login_req_f *f,
		   const struct iscsi_text *keys);
/* Same with the data segment given verbatim (malformed-text tests). */
int cts_login_send_data(struct cts_ctx *ctx, struct cts_conn *c,
			const struct iscsi_login_req_f *f, const void *data,
			size_t len);
/* Receives one PDU into r; parses a Login Response's fields and keys. */
int cts_login_recv(struct cts_ctx *ctx, struct cts_conn *c,
		   struct cts_login_rsp *r, unsigned timeout_ms);

/* Tri-state for login options: default, or an explicit choice. */
enum cts_tri { CTS_DEFAULT = 0, CTS_YES, CTS_NO };

struct cts_login_opts {
	const struct iscsi_url *url; /* NULL: cts_target(ctx) */
	const char *initiator_name;  /* NULL: CTS_INITIATOR_NAME */
	const char *target_name;     /* NULL: from the URL */
	bool discovery;		     /* SessionType=Discovery */
	/* CHAP: NULL user = from the URL (user%password), none if empty */
	const char *chap_user, *chap_secret;
	const char *mutual_user, *mutual_secret; /* set: mutual CHAP */
	bool no_auth;		/* never CHAP, even when the URL has a user */
	bool skip_security;	/* start at the operational stage */
	enum cts_tri header_digest, data_digest; /* YES: CRC32C */
	bool digest_either;	/* offer "CRC32C,None" for what is YES */
	enum cts_tri immediate_data, initial_r2t;
	enum cts_tri data_pdu_in_order, data_sequence_in_order;
	uint32_t max_recv_dsl, max_burst, first_burst; /* 0: defaults */
	uint32_t max_connections, max_outstanding_r2t, erl;
	uint32_t default_time2wait, default_time2retain;
	bool have_time2wait, have_time2retain;
	const struct iscsi_text *extra; /* more keys, operational stage */
	/* A non-leading login: this ISID/TSIH (from the session). */
	unsigned max_rounds;	/* login PDUs per stage, 0: 16 */
};

#define CTS_INITIATOR_NAME "iqn.2024-01.org.iscsi-cts:initiator"
#define CTS_LOGIN_MRDSL_DEFAULT 262144u

/*
 * "Log me in like a well-behaved initiator": connects (when s has no
 * connection), goes security (CHAP when credentials are given) ->
 * operational -> full feature, handles C-bit continuation both ways,
 * answers keys the target offers, judges every answer, keeps mine/peer/
 * agreed, switches digests on.  Returns 0; a CTS_IO_* code; or a positive
 * class << 8 | detail when the target refused (s->login_status) or
 * CTS_LOGIN_PROTOCOL when it broke the login protocol (s->err says how).
 */
#define CTS_LOGIN_PROTOCOL 0x10000
int cts_login(struct cts_ctx *ctx, struct cts_session *s,
	      const struct cts_login_opts *o);
/* Same on a given connection of s (leading or an added one). */
int cts_login_conn(struct cts_ctx *ctx, struct cts_session *s,
		   struct cts_conn *c, const struct cts_login_opts *o);
/* Opens another connection (same ISID and TSIH, new CID) and logs it in. */
int cts_session_add_conn(struct cts_ctx *ctx, struct cts_session *s,
			 const struct cts_login_opts *o,
			 struct cts_conn **out);

/* Internal to hlogin.c/hnegotiate.c: keys to offer in the operational
 * stage, and folding a stage's answers into s. */
int cts_neg_offer(struct cts_session *s, const struct cts_login_opts *o,
		  bool leading, struct iscsi_text *out);
void cts_neg_judge(struct cts_session *s, const struct iscsi_text *offered,
		   const struct iscsi_text *answers, enum iscsi_login_stage stage,
		   bool leading);
/* Answers to keys the target offered itself (not answers to ours). */
int cts_neg_respond(struct cts_session *s, const struct cts_login_opts *o,
		    const struct iscsi_text *offered,
		    const struct iscsi_text *rsp, struct iscsi_text *out);

/* ---- SCSI tasks (task.c) ---------------------------------------------------- */

#define CTS_TASK_PDUS_MAX 256u

/* One PDU of an exchange: header and data length. */
struct cts_task_pdu {
	enum cts_dir dir;
	struct iscsi_bhs bhs;
	uint32_t data_len;
};

struct cts_scsi_result {
	int io;		     /* CTS_IO_* of the exchange */
	uint32_t itt, cmdsn;
	bool got_status;     /* SCSI Response or Data-In with S */
	bool status_in_data; /* status came in the last Data-In */
	uint8_t response, status;
	bool overflow, underflow;
	uint32_t residual;
	uint8_t sense[252];
	size_t sense_len;
	uint32_t data_len;   /* read: highest BufferOffset + length seen */
	uint32_t immediate_len, unsolicited_len, solicited_len; /* write */
	unsigned n_data_in, n_r2t, n_data_out;
	bool rejected;	     /* a Reject of our command came */
	uint8_t reject_reason;
	struct cts_task_pdu pdus[CTS_TASK_PDUS_MAX];
	size_t npdus;	     /* recorded; further ones are only counted */
	size_t pdus_dropped;
	char note[256];	     /* protocol oddities seen, "" if none */
};

/* Knobs for a command, including ways to break rules on purpose. */
struct cts_task_opts {
	unsigned flags;	       /* CTS_CMD_* */
	uint8_t attr;	       /* task attribute, default SIMPLE */
	bool no_immediate;     /* no immediate data even when allowed */
	bool no_unsolicited;   /* no unsolicited Data-Out even when allowed */
	uint32_t unsolicited_extra; /* send this much beyond FirstBurstLength */
	uint32_t data_pdu_len;	    /* Data-Out payload size (0: target MRDSL) */
	bool ignore_r2t;       /* record R2Ts but send nothing */
	bool send_only;	       /* return after sending the command */
	uint32_t expected_read; /* bidirectional: read EDTL (0: none) */
	unsigned timeout_ms;   /* 0: the connection's */
};

/* Read: Data-In placed by BufferOffset into buf (edtl bytes). */
int cts_scsi_read(struct cts_ctx *ctx, struct cts_conn *c, uint32_t lun,
		  const uint8_t *cdb, size_t cdb_len, uint32_t edtl,
		  uint8_t *buf, struct cts_scsi_result *r);
/* Write: edtl bytes of data following the negotiated data rules. */
int cts_scsi_write(struct cts_ctx *ctx, struct cts_conn *c, uint32_t lun,
		   const uint8_t *cdb, size_t cdb_len, uint32_t edtl,
		   const uint8_t *data, struct cts_scsi_result *r);
/* Any command: read (buf) and/or write (data), with knobs (o may be
 * NULL). edtl is the write length when data is given, else the read's. */
int cts_scsi_cmd(struct cts_ctx *ctx, struct cts_conn *c, uint32_t lun,
		 const uint8_t *cdb, size_t cdb_len, uint32_t edtl,
		 const uint8_t *data, uint8_t *buf,
		 const struct cts_task_opts *o, struct cts_scsi_result *r);

#endif
