/* SPDX-License-Identifier: MIT */
/*
 * analyzer.h - the iscsi-pcap pipeline, as a library.
 *
 *   libpcap input (input.c)  ->  link/IP/TCP parse (input.c)
 *     -> per-flow TCP reassembly, both directions (reasm.c)
 *     -> per-direction PDU framing with proto/framer.h, resync (stream.c)
 *     -> decode + connection/session/task tracking (decode.c)
 *     -> consumer callback, one struct pcap_event at a time.
 *
 * Everything a callback receives (the event, the PDU, its segments, the
 * keys) is valid only during the callback. Connection and session structs
 * stay valid until the PCAP_EV_FLOW_END of their connection (a session
 * until its last connection's); a struct pcap_task pointer only during
 * the callback (tasks move within their table; a task is freed after the
 * callback of the PDU that completed it). Consumers may hang their own
 * state on the `user` members (a task's moves with it).
 *
 * Memory is bounded per flow and in total (struct pcap_opts limits): the
 * peak does not grow with the size of the capture.
 *
 *   struct pcap_opts o;
 *   pcap_opts_init(&o);
 *   o.file = "x.pcapng";
 *   if (pcap_analyze(&o, on_event, ctx, err, sizeof(err)) < 0)
 *           fprintf(stderr, "%s\n", err);
 */
#ifndef ISCSI_CTS_ANALYZER_H
#define ISCSI_CTS_ANALYZER_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "keys.h"
#include "pdu.h"
#include "scsi.h"
#include "text.h"
#include "wire.h"

/* ---- options ------------------------------------------------------------ */

#define PCAP_MAX_PORTS 16

struct pcap_opts {
	const char *file;   /* offline input (pcap or pcapng), or */
	const char *iface;  /* live input */
	const char *filter; /* optional BPF filter expression */
	/* iSCSI ports: when nports > 0 only these (and heuristics if
	 * `heuristics`); otherwise 3260 and 860, plus heuristics. */
	uint16_t ports[PCAP_MAX_PORTS];
	size_t nports;
	bool heuristics;	   /* detect iSCSI on other ports (default on) */
	/* Reassemble and resynchronise as Wireshark 4.0 does by default
	 * (tcp.reassemble_out_of_order off), for frame-exact comparisons
	 * with tshark on lossy captures: a segment past a hole makes the
	 * hole a gap at once (instead of being held until the hole fills or
	 * an ACK proves it lost), and after a gap framing resumes only at a
	 * segment that starts with a plausible BHS (not inside one). This
	 * loses data on captures that are merely reordered. */
	bool wireshark_compat;
	size_t max_ooo_per_dir;	   /* out-of-order bytes held per direction */
	size_t max_ooo_total;	   /* ... and over all flows */
	size_t max_flows;	   /* concurrent TCP flows tracked */
	size_t max_tasks_per_conn; /* outstanding tasks tracked */
	uint32_t max_dsl;	   /* framer limit, 0 = 16 MiB - 1 */
	size_t resync_window;	   /* bytes scanned/held while resyncing */
	uint32_t idle_timeout_s;   /* evict a silent flow after this */
	uint64_t max_frames;	   /* stop after this many frames, 0 = all */
	int snaplen;		   /* live capture */
	volatile sig_atomic_t *stop; /* live: set non-zero to stop */
};

/* Defaults: no input, ports 3260/860, heuristics on, 4 MiB ooo per
 * direction, 64 MiB in total, 65536 flows, 65536 tasks per connection,
 * 1 MiB resync window, 300 s idle timeout. */
void pcap_opts_init(struct pcap_opts *o);

/* ---- flows, connections, sessions, tasks ------------------------------- */

struct pcap_endpoint {
	int family;	  /* AF_INET or AF_INET6 */
	uint8_t addr[16]; /* IPv4 in the first 4 bytes */
	uint16_t port;
};

/* "10.0.0.1:3260" or "[fe80::1]:3260"; returns snprintf's value. */
int pcap_endpoint_str(const struct pcap_endpoint *e, char *buf, size_t len);

/* Which side sent a PDU, from its opcode class (§11.2.1.2). */
enum pcap_dir {
	PCAP_DIR_I2T = 0, /* initiator -> target */
	PCAP_DIR_T2I = 1, /* target -> initiator */
};

/* A TCP connection. a is the endpoint that sent the first packet seen
 * (the SYN when captured), b the other. */
struct pcap_flow {
	uint64_t id;	   /* 0, 1, 2... in order of appearance (tcp.stream) */
	struct pcap_endpoint a, b;
	uint64_t first_frame;
	int64_t first_ts_ns;
};

/* How a connection's digests were learned. */
enum pcap_digest_source {
	PCAP_DG_DEFAULT,  /* nothing seen yet: none (login default) */
	PCAP_DG_LOGIN,	  /* negotiated in the captured login */
	PCAP_DG_DETECTED, /* detected by CRC32C check mid-stream */
};

struct pcap_session;

/* One iSCSI connection (a flow carrying iSCSI). */
struct pcap_conn {
	const struct pcap_flow *flow;
	bool roles_known;	    /* initiator/target known */
	struct pcap_endpoint initiator, target;
	struct pcap_session *session; /* NULL until the login is seen */
	uint16_t cid;
	bool login_seen;	/* a Login Request of this connection */
	bool ffp;		/* final Login Response with status 0 seen */
	bool discovery;		/* SessionType=Discovery */
	struct iscsi_digests dg[2]; /* indexed by enum pcap_dir */
	enum pcap_digest_source dg_source;
	/* Negotiated parameters: the session-wide and this connection's
	 * values, from the captured login (RFC defaults until then).
	 * params_known says whether the login was captured to its end. */
	struct iscsi_params params;
	bool params_known;
	uint64_t pdus[2];	 /* per direction */
	uint64_t bytes[2];	 /* payload bytes per direction */
	uint64_t tasks_open;	 /* outstanding tasks tracked */
	uint64_t tasks_dropped;	 /* not tracked: table full */
	void *user;
};

/* A session: ISID + TSIH (§4.4.3 of RFC 7143: SSID). */
struct pcap_session {
	uint64_t id; /* 0, 1, 2... in order of appearance */
	uint64_t isid;
	uint16_t tsih;
	bool discovery;
	/* The leading connection's negotiated values (SW keys). */
	struct iscsi_params params;
	bool params_known;
	unsigned nconns; /* connections currently attached */
	void *user;
};

/* What a task is, from the PDU that opened it. */
enum pcap_task_kind {
	PCAP_TASK_SCSI,	  /* SCSI Command */
	PCAP_TASK_TMF,	  /* Task Management Function Request */
	PCAP_TASK_TEXT,	  /* Text Request */
	PCAP_TASK_NOP,	  /* NOP-Out with ITT != 0xffffffff */
	PCAP_TASK_LOGOUT, /* Logout Request */
	PCAP_TASK_LOGIN,  /* Login Request */
	PCAP_TASK_SNACK,  /* SNACK Request */
};

/* An ITT's exchange: command, data, R2Ts, response; latency. */
struct pcap_task {
	enum pcap_task_kind kind;
	uint32_t itt;
	uint8_t lun[8];
	uint32_t cmdsn;
	bool immediate;
	/* SCSI Command */
	uint8_t cdb[16]; /* the BHS's 16 bytes (an extended CDB: AHS) */
	bool read, write;
	uint32_t edtl;
	/* progress: updated after the callback of each PDU, so that during
	 * a Data-In's callback next_datasn_in is the DataSN it should carry
	 * (and likewise for R2Ts) */
	uint64_t cmd_frame;
	int64_t cmd_ts_ns;
	uint32_t data_in_pdus, data_out_pdus, r2ts;
	uint64_t data_in_bytes, data_out_bytes;
	uint32_t next_datasn_in;	/* DataSN expected of the next Data-In */
	uint32_t next_r2tsn;		/* R2TSN expected of the next R2T */
	/* completion: set in the callback of the PDU that completes it
	 * (SCSI Response, Data-In with S, TMF/Text/NOP/Logout/Login
	 * response with F); the task is freed after that callback */
	bool done;
	uint64_t rsp_frame;
	int64_t rsp_ts_ns;
	int64_t latency_ns; /* rsp_ts_ns - cmd_ts_ns */
	uint8_t status;	    /* SCSI status (SCSI Response, Data-In S) */
	uint8_t response;   /* iSCSI response / TMF response */
	void *user;
};

/* ---- PDUs and events ----------------------------------------------------- */

struct pcap_pdu_cache; /* lazily decoded parts, private */

struct pcap_pdu {
	uint64_t frame;	     /* frame where the PDU ends (frame.number) */
	int64_t ts_ns;	     /* its timestamp, ns since the epoch */
	uint64_t first_frame; /* frame where the PDU starts */
	unsigned index;	     /* 0 for the first PDU ending in this frame */
	const struct pcap_flow *flow;
	struct pcap_conn *conn;
	struct pcap_session *session; /* NULL when unknown */
	struct pcap_task *task;	      /* NULL when not tracked */
	bool task_new; /* this PDU opened the task */
	bool task_dup; /* ... replacing an open task with the same ITT */
	enum pcap_dir dir;
	const struct pcap_endpoint *src, *dst;
	uint64_t stream_offset; /* offset of its BHS in the TCP stream */
	unsigned opcode;	/* BHS opcode, I bit stripped */
	/* BHS (copied), ahs/data pointing into the capture (read-only
	 * despite the type), digest presence, values and verification */
	struct iscsi_pdu pdu;
	const uint8_t *wire; /* the PDU as on the wire */
	size_t wire_len;
	struct iscsi_digests dg; /* digests it was framed with */
	struct pcap_pdu_cache *cache;
};

enum pcap_event_kind {
	PCAP_EV_PDU,	    /* pdu: a decoded PDU */
	PCAP_EV_GAP,	    /* bytes missing from a stream (capture loss) */
	PCAP_EV_RESYNC,	    /* framing resumed at `offset` */
	PCAP_EV_FLOW_START, /* a flow recognised as iSCSI */
	PCAP_EV_FLOW_END,   /* FIN/RST, idle eviction, or end of input */
	PCAP_EV_ERROR,	    /* a problem (see code and msg) */
	PCAP_EV_END,	    /* end of the input: totals */
};

enum pcap_error_code {
	PCAP_ERR_NONE = 0,
	PCAP_ERR_TRUNCATED_FILE, /* the capture file ends mid-record */
	PCAP_ERR_READ,		 /* other read error from libpcap */
	PCAP_ERR_FRAME,		 /* malformed link/IP/TCP headers */
	PCAP_ERR_FRAMING,	 /* unframeable iSCSI stream (then resync) */
	PCAP_ERR_DECODE,	 /* a framed PDU failed to decode */
	PCAP_ERR_LIMIT,		 /* a memory bound dropped data or state */
	PCAP_ERR_TRUNCATED_PDU,	 /* stream ended inside a PDU */
	PCAP_ERR_LINKTYPE,	 /* unsupported link type */
};

struct pcap_totals {
	uint64_t frames, bytes; /* read from the input */
	uint64_t tcp_frames, flows, iscsi_flows;
	uint64_t pdus, gaps, gap_bytes, resyncs, errors;
	uint64_t retrans_bytes, ooo_segments;
	size_t peak_buffered; /* largest out-of-order bytes held at once */
	bool truncated;	      /* the file ended mid-record */
	int64_t first_ts_ns, last_ts_ns;
};

struct pcap_event {
	enum pcap_event_kind kind;
	uint64_t frame; /* frame being processed (0 at end of input) */
	int64_t ts_ns;
	const struct pcap_flow *flow; /* NULL for input-level events */
	struct pcap_conn *conn;	      /* NULL unless the flow is iSCSI */
	enum pcap_dir dir;	      /* GAP, RESYNC, stream errors */
	bool dir_known;
	const struct pcap_pdu *pdu; /* PCAP_EV_PDU */
	uint64_t offset;	    /* GAP: stream offset of the hole;
				       RESYNC: offset of the BHS found */
	uint64_t length;	    /* GAP: bytes missing; RESYNC: skipped */
	enum pcap_error_code code;  /* PCAP_EV_ERROR */
	const char *msg;	    /* human text for GAP/RESYNC/ERROR */
	const struct pcap_totals *totals; /* running totals; final at END
					     (first_ts_ns is frame 1's) */
};

typedef void (*pcap_event_cb)(const struct pcap_event *ev, void *arg);

/*
 * Read the whole input (o->file, or o->iface live) and report every event.
 * Returns 0 when the input was read (a truncated file included: it yields
 * a PCAP_EV_ERROR PCAP_ERR_TRUNCATED_FILE and what was decoded), -1 with
 * err set when it cannot be opened, is not a capture, or has an
 * unsupported link type.
 */
int pcap_analyze(const struct pcap_opts *o, pcap_event_cb cb, void *arg,
		 char *err, size_t errlen);
/* The same on a live interface (o->iface), until *o->stop or max_frames. */
int pcap_analyze_live(const struct pcap_opts *o, pcap_event_cb cb, void *arg,
		      char *err, size_t errlen);
/* Async-signal-safe: wake a pcap_analyze_live() blocked waiting for
 * packets (pcap_breakloop), so that it returns after the frame in hand.
 * A signal handler calls it after setting *o->stop. */
void pcap_analyze_live_break(void);

/* ---- lazy accessors: valid during the PDU's callback ------------------- */

/* Keys of a Login/Text PDU (§6.1). A text continued over several PDUs
 * (C bit) is returned on its final PDU, NULL before it. NULL too when the
 * PDU is not Login/Text or the text is malformed (pcap_pdu_keys_error). */
const struct iscsi_text *pcap_pdu_keys(const struct pcap_pdu *p);
const char *pcap_pdu_keys_error(const struct pcap_pdu *p);

/* The whole CDB of a SCSI Command (BHS + extended CDB AHS): its length,
 * or -1 (not a SCSI Command, malformed AHS, out too small). */
ssize_t pcap_pdu_cdb(const struct pcap_pdu *p, uint8_t *out, size_t outlen);

/* Sense data of a SCSI Response: 0 with *s filled, 1 when there is none,
 * -1 when malformed. */
int pcap_pdu_sense(const struct pcap_pdu *p, struct scsi_sense *s);

/* ---- output helpers (print.c, json.c, fields_out.c) --------------------- */

/* One-line summary without frame/time/addresses:
 * "SCSI Command ITT=0x1 CmdSN=5 LUN=0 READ(10) LBA=0 len=8 EDTL=4096". */
int pcap_pdu_summary(const struct pcap_pdu *p, char *buf, size_t len);

/* The full line iscsi-pcap prints (frame, relative time, addresses,
 * summary), relative to t0_ns. */
void pcap_print_line(FILE *out, const struct pcap_pdu *p, int64_t t0_ns);
/* The -V tree of one PDU. */
void pcap_print_tree(FILE *out, const struct pcap_pdu *p, int64_t t0_ns);
/* Text lines for GAP / RESYNC / ERROR / FLOW events (nothing otherwise). */
void pcap_print_event(FILE *out, const struct pcap_event *ev, int64_t t0_ns);

/* One JSON object for the PDU (a jansson json_t *, as void * to keep
 * jansson out of this header); the caller json_decref()s it. */
void *pcap_pdu_json(const struct pcap_pdu *p, int64_t t0_ns);
/* The same for a GAP/RESYNC/ERROR event; NULL for other kinds. */
void *pcap_event_json(const struct pcap_event *ev, int64_t t0_ns);

/* ---- lower level: feed frames yourself (tests, fuzzing) ---------------- */

struct pcap_analyzer;

/* Link types understood (LINKTYPE_* numbers of pcap files). */
#define PCAP_LT_NULL 0		/* BSD loopback, host-order family */
#define PCAP_LT_ETHERNET 1	/* incl. 802.1Q / QinQ tags */
#define PCAP_LT_RAW 101		/* raw IPv4 or IPv6 (DLT_RAW) */
#define PCAP_LT_LOOP 108	/* OpenBSD loopback, network-order family */
#define PCAP_LT_LINUX_SLL 113
#define PCAP_LT_IPV4 228
#define PCAP_LT_IPV6 229
#define PCAP_LT_LINUX_SLL2 276

bool pcap_linktype_supported(int linktype);

struct pcap_analyzer *pcap_analyzer_new(const struct pcap_opts *o,
					pcap_event_cb cb, void *arg);
/* One captured frame; frame numbers are assigned 1, 2, 3... */
void pcap_analyzer_frame(struct pcap_analyzer *a, int linktype,
			 const uint8_t *data, size_t caplen, int64_t ts_ns);
/* Report a truncated/unreadable input as a PCAP_EV_ERROR. */
void pcap_analyzer_input_error(struct pcap_analyzer *a,
			       enum pcap_error_code code, const char *msg);
/* End of input: flush streams, end every flow, PCAP_EV_END. */
void pcap_analyzer_finish(struct pcap_analyzer *a);
const struct pcap_totals *pcap_analyzer_totals(const struct pcap_analyzer *a);
void pcap_analyzer_free(struct pcap_analyzer *a);

/* ---- commands (main.c dispatches; validate/stats/ladder live in other
 * files of pcap/) ---------------------------------------------------------- */

/* Adds one --port value (1..65535) to o->ports: 0, or -1 with err set. */
int pcap_opts_parse_port(struct pcap_opts *o, const char *s, char *err,
			 size_t errlen);

int cmd_decode(int argc, char **argv);
int cmd_fields(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_ladder(int argc, char **argv);

#endif
