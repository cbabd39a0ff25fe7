/* SPDX-License-Identifier: MIT */
/*
 * input.c - libpcap input (files and live interfaces) and the analyzer's
 * life cycle: frames in, events out.
 */
#include <pcap/pcap.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer_int.h"
#include "err.h"

void pcap_opts_init(struct pcap_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->heuristics = true;
	o->max_ooo_per_dir = 4u << 20;
	o->max_ooo_total = 64u << 20;
	o->max_flows = 65536;
	o->max_tasks_per_conn = 65536;
	o->resync_window = 1u << 20;
	o->idle_timeout_s = 300;
	o->snaplen = 262144;
}

int pcap_opts_parse_port(struct pcap_opts *o, const char *s, char *err,
			 size_t errlen)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (!*s || *end || v == 0 || v > 65535)
		return iscsi_err(err, errlen, "bad port '%s'", s);
	if (o->nports >= PCAP_MAX_PORTS)
		return iscsi_err(err, errlen, "at most %d ports",
				 PCAP_MAX_PORTS);
	o->ports[o->nports++] = (uint16_t)v;
	return 0;
}

void an_event_init(struct pcap_analyzer *a, struct pcap_event *ev,
		   enum pcap_event_kind kind, struct flow *f)
{
	memset(ev, 0, sizeof(*ev));
	ev->kind = kind;
	ev->frame = a->frame;
	ev->ts_ns = a->ts_ns;
	ev->totals = &a->t;
	if (f) {
		ev->flow = &f->pub;
		ev->conn = f->iscsi ? &f->conn : NULL;
	}
}

void an_emit(struct pcap_analyzer *a, struct pcap_event *ev)
{
	if (ev->kind == PCAP_EV_ERROR)
		a->t.errors++;
	if (a->cb)
		a->cb(ev, a->arg);
}

void an_error(struct pcap_analyzer *a, struct flow *f, int k,
	      enum pcap_error_code code, const char *fmt, ...)
{
	struct pcap_event ev;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(a->msg, sizeof(a->msg), fmt, ap);
	va_end(ap);
	an_event_init(a, &ev, PCAP_EV_ERROR, f);
	ev.code = code;
	ev.msg = a->msg;
	if (f && k >= 0 && f->conn.roles_known) {
		ev.dir_known = true;
		ev.dir = half_dir(f, k);
	}
	an_emit(a, &ev);
}

struct pcap_analyzer *pcap_analyzer_new(const struct pcap_opts *o,
					pcap_event_cb cb, void *arg)
{
	struct pcap_analyzer *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	if (o)
		a->o = *o;
	else
		pcap_opts_init(&a->o);
	if (a->o.max_flows == 0)
		a->o.max_flows = 65536;
	if (a->o.resync_window < 4096)
		a->o.resync_window = 4096;
	if (a->o.max_tasks_per_conn == 0)
		a->o.max_tasks_per_conn = 65536;
	a->cb = cb;
	a->arg = arg;
	a->hcap = 1024;
	a->htab = calloc(a->hcap, sizeof(*a->htab));
	if (!a->htab) {
		free(a);
		return NULL;
	}
	return a;
}

void pcap_analyzer_frame(struct pcap_analyzer *a, int linktype,
			 const uint8_t *data, size_t caplen, int64_t ts_ns)
{
	struct pkt p;
	char msg[128];
	int r;

	a->frame++;
	a->ts_ns = ts_ns;
	a->t.frames++;
	a->t.bytes += caplen;
	if (a->t.frames == 1)
		a->t.first_ts_ns = ts_ns;
	a->t.last_ts_ns = ts_ns;
	memset(&p, 0, sizeof(p));
	r = an_parse_frame(linktype, data, caplen, &p, msg, sizeof(msg));
	if (r < 0) {
		an_error(a, NULL, -1, PCAP_ERR_FRAME, "frame %llu: %s",
			 (unsigned long long)a->frame, msg);
		return;
	}
	if (r == 0)
		return;
	a->t.tcp_frames++;
	flows_segment(a, &p);
}

void pcap_analyzer_input_error(struct pcap_analyzer *a,
			       enum pcap_error_code code, const char *msg)
{
	if (code == PCAP_ERR_TRUNCATED_FILE)
		a->t.truncated = true;
	an_error(a, NULL, -1, code, "%s", msg);
}

void pcap_analyzer_finish(struct pcap_analyzer *a)
{
	struct pcap_event ev;

	flows_end_all(a);
	a->frame = 0;
	an_event_init(a, &ev, PCAP_EV_END, NULL);
	ev.totals = &a->t;
	an_emit(a, &ev);
}

const struct pcap_totals *pcap_analyzer_totals(const struct pcap_analyzer *a)
{
	return &a->t;
}

void pcap_analyzer_free(struct pcap_analyzer *a)
{
	if (!a)
		return;
	flows_free_all(a);
	sessions_free_all(a);
	free(a->htab);
	free(a);
}

static int64_t ts_of(const struct pcap_pkthdr *h, bool nano)
{
	return (int64_t)h->ts.tv_sec * 1000000000 +
	       (int64_t)h->ts.tv_usec * (nano ? 1 : 1000);
}

static int set_filter(pcap_t *pc, const char *filter, char *err,
		      size_t errlen)
{
	struct bpf_program prog;

	if (!filter)
		return 0;
	if (pcap_compile(pc, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) < 0 ||
	    pcap_setfilter(pc, &prog) < 0) {
		iscsi_err(err, errlen, "filter '%s': %s", filter,
			  pcap_geterr(pc));
		return -1;
	}
	pcap_freecode(&prog);
	return 0;
}

/* Frames until EOF, error or stop; returns 0 or -1 (err). */
static int run(pcap_t *pc, const struct pcap_opts *o, bool nano,
	       pcap_event_cb cb, void *arg, char *err, size_t errlen)
{
	struct pcap_analyzer *a;
	struct pcap_pkthdr *h;
	const u_char *d;
	int lt = pcap_datalink(pc), r;
	char msg[PCAP_ERRBUF_SIZE + 64];

	if (!pcap_linktype_supported(lt))
		return iscsi_err(err, errlen, "unsupported link type %d (%s)",
				 lt, pcap_datalink_val_to_name(lt)
					     ? pcap_datalink_val_to_name(lt)
					     : "?");
	a = pcap_analyzer_new(o, cb, arg);
	if (!a)
		return iscsi_err(err, errlen, "out of memory");
	for (;;) {
		if (o->stop && *o->stop)
			break;
		if (o->max_frames && a->t.frames >= o->max_frames)
			break;
		r = pcap_next_ex(pc, &h, &d);
		if (r == 1) {
			pcap_analyzer_frame(a, lt, d, h->caplen, ts_of(h, nano));
			continue;
		}
		if (r == 0) /* live timeout */
			continue;
		if (r == PCAP_ERROR_BREAK)
			break;
		snprintf(msg, sizeof(msg), "input ends after frame %llu: %s",
			 (unsigned long long)a->t.frames, pcap_geterr(pc));
		pcap_analyzer_input_error(a,
					  strstr(msg, "truncated")
						  ? PCAP_ERR_TRUNCATED_FILE
						  : PCAP_ERR_READ,
					  msg);
		break;
	}
	pcap_analyzer_finish(a);
	pcap_analyzer_free(a);
	return 0;
}

int pcap_analyze(const struct pcap_opts *o, pcap_event_cb cb, void *arg,
		 char *err, size_t errlen)
{
	char eb[PCAP_ERRBUF_SIZE];
	pcap_t *pc;
	int r;

	if (!o->file)
		return o->iface ? pcap_analyze_live(o, cb, arg, err, errlen)
				: iscsi_err(err, errlen, "no input given");
	eb[0] = '\0';
	pc = pcap_open_offline_with_tstamp_precision(
		o->file, PCAP_TSTAMP_PRECISION_NANO, eb);
	if (!pc)
		return iscsi_err(err, errlen, "%s: %s", o->file, eb);
	r = set_filter(pc, o->filter, err, errlen);
	if (r == 0)
		r = run(pc, o, true, cb, arg, err, errlen);
	pcap_close(pc);
	return r;
}

/* The live handle while pcap_analyze_live() reads it, for
 * pcap_analyze_live_break() (called from signal handlers). */
static pcap_t *volatile live_pc;

void pcap_analyze_live_break(void)
{
	pcap_t *pc = live_pc;

	/* pcap_breakloop(3PCAP): may be called from a signal handler; it
	 * also wakes a poll() waiting for packets (libpcap >= 1.10). */
	if (pc)
		pcap_breakloop(pc);
}

int pcap_analyze_live(const struct pcap_opts *o, pcap_event_cb cb, void *arg,
		      char *err, size_t errlen)
{
	char eb[PCAP_ERRBUF_SIZE];
	bool nano;
	pcap_t *pc;
	int r;

	if (!o->iface)
		return iscsi_err(err, errlen, "no interface given");
	eb[0] = '\0';
	pc = pcap_create(o->iface, eb);
	if (!pc)
		return iscsi_err(err, errlen, "%s: %s", o->iface, eb);
	pcap_set_snaplen(pc, o->snaplen > 0 ? o->snaplen : 262144);
	pcap_set_timeout(pc, 100);
	nano = pcap_set_tstamp_precision(pc, PCAP_TSTAMP_PRECISION_NANO) == 0;
	r = pcap_activate(pc);
	if (r < 0) {
		iscsi_err(err, errlen, "%s: %s", o->iface, pcap_geterr(pc));
		pcap_close(pc);
		return -1;
	}
	nano = nano && pcap_get_tstamp_precision(pc) ==
			       PCAP_TSTAMP_PRECISION_NANO;
	r = set_filter(pc, o->filter, err, errlen);
	live_pc = pc;
	if (r == 0)
		r = run(pc, o, nano, cb, arg, err, errlen);
	live_pc = NULL;
	pcap_close(pc);
	return r;
}
