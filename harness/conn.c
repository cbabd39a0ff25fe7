/* SPDX-License-Identifier: MIT */
/*
 * conn.c - one TCP connection to a target, with deadlines.
 *
 * Sockets are non-blocking; every wait is a poll() bounded by
 * min(operation timeout, test deadline), so a silent or hung target
 * yields CTS_IO_TIMEOUT, never a hang.  End of stream (FIN) and reset
 * (RST) are told apart: read() returning 0 is CTS_IO_CLOSED, ECONNRESET
 * is CTS_IO_RESET.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engine_int.h"
#include "serial.h"

#define RXBUF_SIZE 65536u

static void drop_pending(struct cts_conn *c);

const char *cts_io_str(int rc)
{
	switch (rc) {
	case CTS_IO_OK:
		return "ok";
	case CTS_IO_TIMEOUT:
		return "timeout";
	case CTS_IO_CLOSED:
		return "closed";
	case CTS_IO_RESET:
		return "reset";
	default:
		return "error";
	}
}

void cts_errf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (!buf || !len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

uint64_t cts_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

uint64_t cts_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static unsigned ctx_budget(struct cts_ctx *ctx, unsigned ms)
{
	if (ctx) {
		unsigned left = cts_deadline_ms(ctx);

		if (left < ms)
			ms = left;
	}
	return ms;
}

unsigned cts_conn_budget(const struct cts_conn *c, unsigned op_ms)
{
	return ctx_budget(c->ctx, op_ms ? op_ms : c->timeout_ms);
}

static int remaining(uint64_t deadline)
{
	uint64_t now = cts_mono_ms();

	if (now >= deadline)
		return 0;
	return deadline - now > 600000u ? 600000 : (int)(deadline - now);
}

void cts_conn_record(struct cts_conn *c, enum cts_rec_kind kind,
		     enum cts_dir dir, const uint8_t *bytes, size_t len,
		     const char *mutation, bool digest_bad)
{
	struct cts_record r;

	if (!c->t || c->flow < 0)
		return;
	memset(&r, 0, sizeof(r));
	r.kind = kind;
	r.dir = dir;
	r.flow = (unsigned)c->flow;
	r.ts_us = cts_now_us();
	r.bytes = bytes;
	r.len = len;
	r.wire_len = len;
	r.digest_bad = digest_bad;
	if (kind == CTS_REC_PDU && len >= ISCSI_BHS_LEN) {
		r.opcode = bytes[0] & ISCSI_OPCODE_MASK;
		r.itt = iscsi_get32(bytes + 16);
	}
	if (mutation)
		snprintf(r.mutation, sizeof(r.mutation), "%s", mutation);
	cts_transcript_add(c->t, &r);
}

static void conn_register_flow(struct cts_conn *c)
{
	struct sockaddr_storage l, p;
	socklen_t ll = sizeof(l), pl = sizeof(p);

	c->flow = -1;
	if (!c->t)
		return;
	memset(&l, 0, sizeof(l));
	memset(&p, 0, sizeof(p));
	if (getsockname(c->fd, (struct sockaddr *)&l, &ll) < 0)
		ll = 0;
	if (getpeername(c->fd, (struct sockaddr *)&p, &pl) < 0)
		pl = 0;
	c->flow = cts_transcript_add_flow(c->t, (struct sockaddr *)&l, ll,
					  (struct sockaddr *)&p, pl);
	cts_conn_record(c, CTS_REC_OPEN, CTS_SENT, NULL, 0, NULL, false);
}

static struct cts_conn *conn_alloc(struct cts_ctx *ctx, int fd)
{
	struct cts_conn *c = calloc(1, sizeof(*c));
	int one = 1;

	if (!c)
		return NULL;
	c->rxbuf = malloc(RXBUF_SIZE);
	if (!c->rxbuf) {
		free(c);
		return NULL;
	}
	c->rx_cap = RXBUF_SIZE;
	c->fd = fd;
	c->ctx = ctx;
	c->t = ctx ? cts_transcript(ctx) : NULL;
	c->timeout_ms = CTS_TIMEOUT_OP_DEFAULT_MS;
	c->split_delay_us = 1000;
	c->auto_nop = true;
	c->next_itt = 1;
	iscsi_framer_init(&c->rx, NULL);
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	/* pieces of a split send should leave as separate segments */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	conn_register_flow(c);
	return c;
}

struct cts_conn *cts_conn_from_fd(struct cts_ctx *ctx, int fd)
{
	struct cts_conn *c = conn_alloc(ctx, fd);

	if (!c)
		close(fd);
	return c;
}

static int errno_io(int e)
{
	switch (e) {
	case ECONNRESET:
	case ECONNREFUSED:
		return CTS_IO_RESET;
	case EPIPE:
		return CTS_IO_CLOSED;
	case ETIMEDOUT:
		return CTS_IO_TIMEOUT;
	default:
		return CTS_IO_ERROR;
	}
}

/* One address: non-blocking connect bounded by deadline. */
static int connect_one(const struct addrinfo *ai, uint64_t deadline, int *fdp)
{
	int fd, e = 0;
	socklen_t el = sizeof(e);
	struct pollfd pfd;

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
				       SOCK_CLOEXEC, ai->ai_protocol);
	if (fd < 0)
		return CTS_IO_ERROR;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
		if (errno != EINPROGRESS) {
			e = errno;
			close(fd);
			errno = e;
			return errno_io(e);
		}
		pfd.fd = fd;
		pfd.events = POLLOUT;
		for (;;) {
			int n = poll(&pfd, 1, remaining(deadline));

			if (n > 0)
				break;
			if (n == 0 || (n < 0 && errno != EINTR)) {
				close(fd);
				errno = ETIMEDOUT;
				return CTS_IO_TIMEOUT;
			}
		}
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &el) < 0 || e) {
			close(fd);
			errno = e ? e : EIO;
			return errno_io(errno);
		}
	}
	*fdp = fd;
	return CTS_IO_OK;
}

struct cts_conn *cts_conn_open_host(struct cts_ctx *ctx, const char *host,
				    uint16_t port, int *err, char *msg,
				    size_t msglen)
{
	struct addrinfo hints, *res = NULL, *ai;
	char ports[8];
	uint64_t deadline;
	int rc = CTS_IO_ERROR, fd = -1, gai;
	struct cts_conn *c;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	snprintf(ports, sizeof(ports), "%u", (unsigned)port);
	deadline = cts_mono_ms() + ctx_budget(ctx, CTS_TIMEOUT_OP_DEFAULT_MS);
	gai = getaddrinfo(host, ports, &hints, &res);
	if (gai != 0) {
		cts_errf(msg, msglen, "%s: %s", host, gai_strerror(gai));
		if (err)
			*err = CTS_IO_ERROR;
		return NULL;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		rc = connect_one(ai, deadline, &fd);
		if (rc == CTS_IO_OK || rc == CTS_IO_TIMEOUT)
			break;
	}
	freeaddrinfo(res);
	if (rc != CTS_IO_OK) {
		cts_errf(msg, msglen, "connect to %s port %u: %s (%s)", host,
			 (unsigned)port, cts_io_str(rc), strerror(errno));
		if (err)
			*err = rc;
		return NULL;
	}
	c = conn_alloc(ctx, fd);
	if (!c) {
		close(fd);
		cts_errf(msg, msglen, "out of memory");
		if (err)
			*err = CTS_IO_ERROR;
		return NULL;
	}
	if (err)
		*err = CTS_IO_OK;
	return c;
}

struct cts_conn *cts_conn_open(struct cts_ctx *ctx, const struct iscsi_url *u,
			       int *err)
{
	if (!u && ctx)
		u = cts_target(ctx);
	if (!u) {
		if (err)
			*err = CTS_IO_ERROR;
		return NULL;
	}
	return cts_conn_open_host(ctx, u->host, u->port ? u->port : 3260, err,
				  NULL, 0);
}

void cts_conn_close(struct cts_conn *c)
{
	if (!c || c->fd < 0)
		return;
	cts_conn_record(c, CTS_REC_FIN, CTS_SENT, NULL, 0, NULL, false);
	close(c->fd);
	c->fd = -1;
	c->closed = true;
}

void cts_conn_free(struct cts_conn *c)
{
	if (!c)
		return;
	if (c->sess)
		cts_session_detach(c->sess, c);
	cts_conn_close(c);
	drop_pending(c);
	iscsi_framer_free(&c->rx);
	free(c->rxbuf);
	free(c);
}

void cts_conn_set_transcript(struct cts_conn *c, struct cts_transcript *t)
{
	if (t == c->t)
		return;
	c->t = t;
	if (c->fd >= 0)
		conn_register_flow(c);
}

void cts_conn_set_timeout(struct cts_conn *c, unsigned ms)
{
	c->timeout_ms = ms ? ms : CTS_TIMEOUT_OP_DEFAULT_MS;
}

void cts_conn_set_split_delay(struct cts_conn *c, unsigned us)
{
	c->split_delay_us = us;
}

void cts_conn_set_auto_nop(struct cts_conn *c, bool on)
{
	c->auto_nop = on;
}

void cts_conn_set_digests(struct cts_conn *c, const struct iscsi_digests *dg)
{
	c->dg = *dg;
	iscsi_framer_set_digests(&c->rx, dg);
}

const char *cts_conn_error(const struct cts_conn *c)
{
	return c->err;
}

uint32_t cts_conn_new_itt(struct cts_conn *c)
{
	uint32_t itt;

	if (c->sess)
		return cts_session_next_itt(c->sess);
	itt = c->next_itt++;
	if (c->next_itt == ISCSI_RSVD_TAG)
		c->next_itt = 1;
	return itt;
}

/* ---- sending -------------------------------------------------------------- */

static int conn_write(struct cts_conn *c, const uint8_t *p, size_t len,
		      uint64_t deadline)
{
	struct pollfd pfd = {.fd = c->fd, .events = POLLOUT};

	if (c->fd < 0) {
		cts_errf(c->err, sizeof(c->err), "connection is closed");
		return CTS_IO_CLOSED;
	}
	while (len > 0) {
		ssize_t n = send(c->fd, p, len, MSG_NOSIGNAL);

		if (n > 0) {
			p += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
			int rc = errno_io(errno);

			cts_errf(c->err, sizeof(c->err), "send: %s",
				 strerror(errno));
			if (rc != CTS_IO_ERROR)
				c->closed = true;
			return rc;
		}
		n = poll(&pfd, 1, remaining(deadline));
		if (n == 0) {
			cts_errf(c->err, sizeof(c->err),
				 "send: no room in the socket in time");
			return CTS_IO_TIMEOUT;
		}
	}
	return CTS_IO_OK;
}

static void pause_us(unsigned us)
{
	struct timespec ts = {.tv_sec = us / 1000000u,
			      .tv_nsec = (long)(us % 1000000u) * 1000};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Sends buf in the pieces o asks for. */
static int write_pieces(struct cts_conn *c, const uint8_t *buf, size_t len,
			const struct cts_send_opts *o, uint64_t deadline)
{
	unsigned delay = o && o->delay_us ? o->delay_us : c->split_delay_us;
	size_t at = 0;
	int rc;

	if (o && o->bytewise) {
		for (; at < len; at++) {
			if (at)
				pause_us(delay);
			rc = conn_write(c, buf + at, 1, deadline);
			if (rc)
				return rc;
		}
		return CTS_IO_OK;
	}
	for (size_t i = 0; o && i < o->ncuts; i++) {
		size_t cut = o->cuts[i];

		if (cut <= at || cut >= len)
			continue;
		rc = conn_write(c, buf + at, cut - at, deadline);
		if (rc)
			return rc;
		at = cut;
		pause_us(delay);
	}
	return conn_write(c, buf + at, len - at, deadline);
}

int cts_conn_send_pdu_opts(struct cts_conn *c, const struct iscsi_pdu *pdu,
			   const struct cts_send_opts *o)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	char text[CTS_MUT_TEXT_MAX];
	uint64_t deadline = cts_mono_ms() + cts_conn_budget(c, 0);
	int rc;

	c->err[0] = '\0';
	if (cts_mut_encode(c, pdu, o && o->no_mutate, &buf, &len, text,
			   sizeof(text)) < 0)
		return CTS_IO_ERROR;
	rc = write_pieces(c, buf, len, o, deadline);
	/* the transcript shows the bytes as mutated, even if the send
	 * failed part way (the return code says so) */
	cts_conn_record(c, len >= ISCSI_BHS_LEN ? CTS_REC_PDU : CTS_REC_RAW,
			CTS_SENT, buf, len, text, false);
	free(buf);
	return rc;
}

int cts_conn_send_pdu(struct cts_conn *c, const struct iscsi_pdu *pdu)
{
	return cts_conn_send_pdu_opts(c, pdu, NULL);
}

int cts_conn_send_pdu_split(struct cts_conn *c, const struct iscsi_pdu *pdu,
			    const size_t *cuts, size_t ncuts)
{
	struct cts_send_opts o = {.cuts = cuts, .ncuts = ncuts};

	return cts_conn_send_pdu_opts(c, pdu, &o);
}

int cts_conn_send_pdu_bytewise(struct cts_conn *c, const struct iscsi_pdu *pdu)
{
	struct cts_send_opts o = {.bytewise = true};

	return cts_conn_send_pdu_opts(c, pdu, &o);
}

int cts_conn_send_raw(struct cts_conn *c, const void *buf, size_t len)
{
	uint64_t deadline = cts_mono_ms() + cts_conn_budget(c, 0);
	int rc;

	c->err[0] = '\0';
	rc = conn_write(c, buf, len, deadline);
	cts_conn_record(c, CTS_REC_RAW, CTS_SENT, buf, len, NULL, false);
	return rc;
}

/* ---- receiving ------------------------------------------------------------ */

/* Does this target PDU consume a StatSN (§4.2.2.2, §11.19, §11.7.4)? */
static bool advances_statsn(const struct iscsi_bhs *h)
{
	switch (iscsi_bhs_opcode(h)) {
	case ISCSI_OP_NOP_IN:
		return iscsi_bhs_itt(h) != ISCSI_RSVD_TAG;
	case ISCSI_OP_DATA_IN:
		return (h->flags & ISCSI_DATA_IN_S) != 0;
	case ISCSI_OP_R2T:
		return false;
	default:
		return !iscsi_opcode_is_initiator(iscsi_bhs_opcode(h));
	}
}

/* §4.2.2.1: ExpCmdSN/MaxCmdSN are ignored when MaxCmdSN < ExpCmdSN - 1;
 * otherwise each is taken when it is ahead of the local value. */
static void track_numbers(struct cts_conn *c, const struct iscsi_bhs *h)
{
	struct cts_session *s = c->sess;
	uint32_t statsn = iscsi_bhs_get32(h, 24);
	uint32_t exp = iscsi_bhs_get32(h, 28), max = iscsi_bhs_get32(h, 32);

	if (iscsi_opcode_is_initiator(iscsi_bhs_opcode(h)))
		return;
	if (advances_statsn(h) &&
	    (!c->statsn_known || iscsi_sn_ge(statsn + 1u, c->exp_statsn))) {
		c->exp_statsn = statsn + 1u;
		c->statsn_known = true;
	}
	if (!s || !iscsi_window_valid(exp, max))
		return;
	if (!s->window_known) {
		s->exp_cmdsn = exp;
		s->max_cmdsn = max;
		s->window_known = true;
		return;
	}
	if (iscsi_sn_gt(max, s->max_cmdsn))
		s->max_cmdsn = max;
	if (iscsi_sn_gt(exp, s->exp_cmdsn))
		s->exp_cmdsn = exp;
}

/* Reads what is available; CTS_IO_OK when bytes came. */
static int conn_fill(struct cts_conn *c, uint64_t deadline)
{
	struct pollfd pfd = {.fd = c->fd, .events = POLLIN};
	ssize_t n;

	for (;;) {
		n = read(c->fd, c->rxbuf, c->rx_cap);
		if (n > 0) {
			c->rx_off = 0;
			c->rx_len = (size_t)n;
			return CTS_IO_OK;
		}
		if (n == 0) {
			c->closed = true;
			cts_errf(c->err, sizeof(c->err),
				 "the target closed the connection");
			cts_conn_record(c, CTS_REC_FIN, CTS_RECV, NULL, 0, NULL,
					false);
			return CTS_IO_CLOSED;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK) {
			int rc = errno_io(errno);

			cts_errf(c->err, sizeof(c->err), "read: %s",
				 strerror(errno));
			if (rc == CTS_IO_RESET) {
				c->closed = true;
				cts_conn_record(c, CTS_REC_RST, CTS_RECV, NULL,
						0, NULL, false);
			}
			return rc;
		}
		n = poll(&pfd, 1, remaining(deadline));
		if (n == 0) {
			cts_errf(c->err, sizeof(c->err),
				 "no PDU from the target in time");
			return CTS_IO_TIMEOUT;
		}
	}
}

int cts_conn_recv_until(struct cts_conn *c, struct iscsi_pdu *out,
			uint64_t deadline)
{
	char err[160];
	int rc;

	c->err[0] = '\0';
	for (;;) {
		if (c->rx_off < c->rx_len) {
			size_t used = 0;
			enum iscsi_framer_status st;
			const uint8_t *f;
			size_t flen;
			bool bad;

			st = iscsi_framer_feed(&c->rx, c->rxbuf + c->rx_off,
					       c->rx_len - c->rx_off, &used,
					       err, sizeof(err));
			c->rx_off += used;
			if (st == ISCSI_FRAMER_ERROR) {
				cts_errf(c->err, sizeof(c->err),
					 "unframeable stream: %s", err);
				return CTS_IO_ERROR;
			}
			if (st != ISCSI_FRAMER_PDU)
				continue;
			iscsi_framer_frame(&c->rx, &f, &flen);
			if (iscsi_framer_decode(&c->rx, out, err,
						sizeof(err)) < 0) {
				cts_conn_record(c, CTS_REC_PDU, CTS_RECV, f,
						flen, NULL, false);
				cts_errf(c->err, sizeof(c->err),
					 "undecodable PDU: %s", err);
				return CTS_IO_ERROR;
			}
			bad = (out->hdigest_present && !out->hdigest_ok) ||
			      (out->ddigest_present && !out->ddigest_ok);
			cts_conn_record(c, CTS_REC_PDU, CTS_RECV, f, flen, NULL,
					bad);
			track_numbers(c, &out->bhs);
			return CTS_IO_OK;
		}
		if (c->fd < 0)
			return CTS_IO_CLOSED;
		rc = conn_fill(c, deadline);
		if (rc)
			return rc;
	}
}

/* Moves the i-th set-aside PDU into out. */
static void take_pending(struct cts_conn *c, size_t i, struct iscsi_pdu *out)
{
	struct iscsi_pdu *p = c->pending[i];

	iscsi_pdu_release(out);
	*out = *p;
	free(p);
	memmove(&c->pending[i], &c->pending[i + 1],
		(c->npending - i - 1) * sizeof(c->pending[0]));
	c->npending--;
}

/* Sets a copy of in aside (in is left empty). */
static void put_pending(struct cts_conn *c, struct iscsi_pdu *in)
{
	struct iscsi_pdu *p = malloc(sizeof(*p));

	if (!p)
		return;
	if (c->npending == CTS_PENDING_MAX) {
		iscsi_pdu_free(c->pending[0]);
		memmove(&c->pending[0], &c->pending[1],
			(c->npending - 1) * sizeof(c->pending[0]));
		c->npending--;
	}
	*p = *in;
	iscsi_pdu_init(in);
	c->pending[c->npending++] = p;
}

static void drop_pending(struct cts_conn *c)
{
	for (size_t i = 0; i < c->npending; i++)
		iscsi_pdu_free(c->pending[i]);
	c->npending = 0;
}

int cts_conn_recv_pdu(struct cts_conn *c, struct iscsi_pdu *out,
		      unsigned timeout_ms)
{
	if (c->npending) {
		take_pending(c, 0, out);
		return CTS_IO_OK;
	}
	return cts_conn_recv_until(c, out,
				   cts_mono_ms() +
					   cts_conn_budget(c, timeout_ms));
}

int cts_conn_answer_ping(struct cts_conn *c, const struct iscsi_pdu *nop_in)
{
	struct iscsi_nop_in_f in;
	struct iscsi_nop_out_f f;
	struct iscsi_pdu p;
	int rc;

	iscsi_nop_in_unpack(&nop_in->bhs, &in);
	memset(&f, 0, sizeof(f));
	f.immediate = true;
	memcpy(f.lun, in.lun, sizeof(f.lun));
	f.itt = ISCSI_RSVD_TAG;
	f.ttt = in.ttt;
	f.cmdsn = c->sess ? c->sess->cmdsn : 0;
	f.exp_statsn = c->exp_statsn;
	iscsi_pdu_init(&p);
	iscsi_nop_out_pack(&p.bhs, &f);
	rc = cts_conn_send_pdu(c, &p);
	iscsi_pdu_release(&p);
	return rc;
}

/* ITT a Reject refers to: that of the rejected header in its data. */
static uint32_t reject_itt(const struct iscsi_pdu *p)
{
	struct iscsi_bhs bad;

	if (iscsi_reject_get_rejected(p, &bad) < 0)
		return ISCSI_RSVD_TAG;
	return iscsi_bhs_itt(&bad);
}

/* Would cts_conn_recv_for(itt) hand p back? */
static bool wanted(const struct iscsi_pdu *p, uint32_t itt)
{
	unsigned op = iscsi_bhs_opcode(&p->bhs);
	uint32_t pitt = op == ISCSI_OP_REJECT ? reject_itt(p) :
						iscsi_bhs_itt(&p->bhs);

	if (op == ISCSI_OP_ASYNC_MSG)
		return false;
	if (itt == CTS_ANY)
		return !(op == ISCSI_OP_NOP_IN && pitt == ISCSI_RSVD_TAG);
	return pitt == itt;
}

int cts_conn_recv_for(struct cts_conn *c, uint32_t itt, struct iscsi_pdu *out,
		      unsigned timeout_ms)
{
	uint64_t deadline = cts_mono_ms() + cts_conn_budget(c, timeout_ms);
	int rc;

	for (size_t i = 0; i < c->npending; i++) {
		if (wanted(c->pending[i], itt)) {
			take_pending(c, i, out);
			return CTS_IO_OK;
		}
	}
	for (;;) {
		unsigned op;

		rc = cts_conn_recv_until(c, out, deadline);
		if (rc)
			return rc;
		op = iscsi_bhs_opcode(&out->bhs);
		if (op == ISCSI_OP_NOP_IN &&
		    iscsi_bhs_get32(&out->bhs, 20) != ISCSI_RSVD_TAG &&
		    c->auto_nop) {
			rc = cts_conn_answer_ping(c, out);
			if (rc)
				return rc;
		}
		if (wanted(out, itt))
			return CTS_IO_OK;
		if (op == ISCSI_OP_ASYNC_MSG ||
		    (op == ISCSI_OP_NOP_IN &&
		     iscsi_bhs_itt(&out->bhs) == ISCSI_RSVD_TAG))
			continue;
		put_pending(c, out);
	}
}

int cts_conn_expect_silence(struct cts_conn *c, struct iscsi_pdu *out,
			    unsigned ms)
{
	return cts_conn_recv_pdu(c, out, ms ? ms : 1u);
}
