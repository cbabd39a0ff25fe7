/* SPDX-License-Identifier: MIT */
/*
 * analyzer_int.h - private structures shared by the analyzer's stages
 * (input.c, reasm.c, stream.c, decode.c, tasks.c). Consumers use
 * analyzer.h only.
 */
#ifndef ISCSI_CTS_ANALYZER_INT_H
#define ISCSI_CTS_ANALYZER_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "analyzer.h"
#include "framer.h"
#include "text.h"

/* A parsed TCP segment. */
struct pkt {
	struct pcap_endpoint src, dst;
	uint32_t seq, ack;
	uint8_t flags;
	const uint8_t *payload;
	size_t len;	/* captured payload bytes */
	size_t missing; /* payload bytes not captured (snaplen) */
};

#define TCP_FIN 0x01u
#define TCP_SYN 0x02u
#define TCP_RST 0x04u
#define TCP_ACK 0x10u

/* An out-of-order segment held until the hole before it fills. */
struct seg {
	struct seg *next;
	uint32_t seq;
	uint32_t len;	  /* captured bytes in data[] */
	uint32_t missing; /* bytes after them that were not captured */
	uint8_t data[];
};

enum stream_state {
	ST_FRAME, /* at a known PDU boundary: framing */
	ST_SYNC,  /* scanning for a plausible BHS */
	ST_OFF,	  /* not iSCSI, or given up */
};

/* One direction of a TCP flow: reassembly, then framing. */
struct half {
	/* reassembly */
	bool seq_known;
	uint32_t next_seq;
	bool peer_ack_known;
	uint32_t peer_ack; /* highest ACK the other side sent */
	bool fin;
	struct seg *ooo; /* sorted by seq */
	size_t ooo_bytes;
	uint64_t offset; /* stream offset of next_seq */
	/* framing */
	enum stream_state state;
	bool begun;    /* first byte seen: state chosen */
	bool at_start; /* stream offset 0 is the connection's first byte */
	struct iscsi_framer fr;
	uint64_t pdu_first_frame;
	uint64_t pdu_offset; /* stream offset of the PDU being framed */
	uint8_t *sync;	     /* resync window */
	size_t sync_len, sync_cap;
	uint64_t sync_off;     /* stream offset of sync[0] */
	uint64_t sync_skipped; /* bytes dropped while scanning */
	size_t seg_pos;	       /* sync[seg_pos] starts a TCP segment */
	bool seg_valid;
	/* Login/Text data continued over PDUs (C bit) */
	struct iscsi_text_accum text;
};

struct task_table {
	struct pcap_task *slot;
	bool *used;
	size_t cap, n;
};

/* Which keys were offered in the current login/text, by whom. */
struct key_offers {
	uint64_t by_initiator[2], by_target[2];
};

struct flow {
	struct pcap_flow pub;
	struct flow *hnext;		/* hash chain */
	struct flow *lru_prev, *lru_next; /* by last activity */
	uint32_t hash;
	struct half h[2]; /* h[0]: a -> b, h[1]: b -> a */
	bool iscsi;	  /* decided to carry iSCSI */
	bool known_port;  /* on a configured port: resync leniently */
	bool started;	  /* PCAP_EV_FLOW_START sent */
	bool syn_seen;
	bool rst;
	int64_t last_ts_ns;
	struct pcap_conn conn;
	struct task_table tasks;
	struct key_offers offers;
	bool leading; /* login with TSIH 0 */
	uint64_t login_isid;
	unsigned pdus_in_frame; /* PDUs that ended in the current frame */
	uint64_t pdus_frame;
};

struct pcap_analyzer {
	struct pcap_opts o;
	pcap_event_cb cb;
	void *arg;
	struct pcap_totals t;
	/* current frame */
	uint64_t frame;
	int64_t ts_ns;
	/* flows */
	struct flow **htab;
	size_t hcap, nflows;
	struct flow *lru_head, *lru_tail; /* head: most recent */
	uint64_t next_flow_id;
	size_t buffered; /* ooo + resync bytes held over all flows */
	int64_t last_idle_check_ns;
	/* sessions */
	struct sess *sessions;
	uint64_t next_session_id;
	char msg[256];
};

struct sess {
	struct pcap_session pub;
	struct sess *next;
};

/* analyzer core (input.c) */
void an_emit(struct pcap_analyzer *a, struct pcap_event *ev);
void an_error(struct pcap_analyzer *a, struct flow *f, int k,
	      enum pcap_error_code code, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
void an_event_init(struct pcap_analyzer *a, struct pcap_event *ev,
		   enum pcap_event_kind kind, struct flow *f);
/* Parse link, IP and TCP headers: 1 with p filled, 0 when not TCP, -1 on
 * a malformed frame (reason in msg). */
int an_parse_frame(int linktype, const uint8_t *data, size_t caplen,
		   struct pkt *p, char *msg, size_t msglen);

/* flows (flows.c) */
void flows_segment(struct pcap_analyzer *a, const struct pkt *p);
void flows_end(struct pcap_analyzer *a, struct flow *f);
void flows_end_all(struct pcap_analyzer *a);
void flows_free_all(struct pcap_analyzer *a);
bool flows_is_port(const struct pcap_analyzer *a, uint16_t port);

/* reassembly (reasm.c): k is the half (0: a->b, 1: b->a) */
void reasm_segment(struct pcap_analyzer *a, struct flow *f, int k,
		   const struct pkt *p);
void reasm_flush(struct pcap_analyzer *a, struct flow *f, int k);
void reasm_free(struct pcap_analyzer *a, struct half *h);

/* framing (stream.c) */
void stream_init(struct pcap_analyzer *a, struct flow *f, int k);
void stream_data(struct pcap_analyzer *a, struct flow *f, int k,
		 const uint8_t *data, size_t len);
void stream_gap(struct pcap_analyzer *a, struct flow *f, int k, uint64_t len);
void stream_end(struct pcap_analyzer *a, struct flow *f, int k);
void stream_free(struct pcap_analyzer *a, struct half *h);
bool stream_bhs_plausible(const uint8_t *bhs, uint32_t max_dsl);

/* decode and tracking (decode.c, tasks.c, login.c) */
void decode_pdu(struct pcap_analyzer *a, struct flow *f, int k,
		const uint8_t *wire, size_t len,
		const struct iscsi_digests *dg);
struct pcap_task *tasks_find(struct task_table *t, uint32_t itt);
struct pcap_task *tasks_open(struct task_table *t, uint32_t itt,
			     size_t max, bool *dup);
void tasks_close(struct task_table *t, struct pcap_task *task);
void tasks_free(struct task_table *t);
void sessions_free_all(struct pcap_analyzer *a);
void session_detach(struct pcap_analyzer *a, struct flow *f);

/* Private parts of struct pcap_pdu (lazy accessors). */
struct pcap_pdu_cache {
	const uint8_t *text; /* complete text segment (Login/Text), or NULL */
	size_t text_len;
	bool text_parsed, text_bad;
	struct iscsi_text keys;
	char text_err[128];
};

static inline bool ep_eq(const struct pcap_endpoint *x,
			 const struct pcap_endpoint *y)
{
	return x->port == y->port && x->family == y->family &&
	       memcmp(x->addr, y->addr, sizeof(x->addr)) == 0;
}

/* The endpoint of half k's sender / receiver. */
static inline const struct pcap_endpoint *flow_src(const struct flow *f,
						   int k)
{
	return k == 0 ? &f->pub.a : &f->pub.b;
}
static inline const struct pcap_endpoint *flow_dst(const struct flow *f,
						   int k)
{
	return k == 0 ? &f->pub.b : &f->pub.a;
}

/* Which way half k goes, once the connection's roles are known. */
static inline enum pcap_dir half_dir(const struct flow *f, int k)
{
	return ep_eq(flow_src(f, k), &f->conn.initiator) ? PCAP_DIR_I2T
							 : PCAP_DIR_T2I;
}

#endif
