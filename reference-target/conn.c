/* SPDX-License-Identifier: MIT */
/*
 * conn.c - one iSCSI connection of the reference target: receive through
 * proto's framer, check digests, dispatch by connection state, timers,
 * migration between reactors, close.  The transmit side is in conn_tx.c.
 *
 * Lifetime: conn_close() marks the connection closed, stops watching and
 * closes its socket at once, and leaves the teardown (login/FFP/session
 * hooks, free) to loop_defer_free, which runs after every callback of the
 * round has returned - so a handler may close its own connection and keep
 * using the pointer until it returns.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "crc32c.h"
#include "server_int.h"

#define CONN_RBUF_SIZE (256u * 1024u)

static void conn_read_cb(struct loop *l, int fd, unsigned events, void *arg);
static bool conn_rx_process(struct tgt_conn *c);
static void conn_arm_timers(struct tgt_conn *c);

uint64_t tgt_now_ms(void)
{
	return loop_now_ms();
}

/* ---- logging ----------------------------------------------------------- */

void conn_log(const struct tgt_conn *c, const char *fmt, ...)
{
	char msg[512], line[1024];
	const char *name = "-";
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (c->initiator_name[0])
		name = c->initiator_name;
	else if (c->sess && c->sess->initiator_name[0])
		name = c->sess->initiator_name;
	snprintf(line, sizeof(line), "iscsi-reftgt: conn %llu %s %s: %s\n",
		 (unsigned long long)c->id, c->peer_str, name, msg);
	fputs(line, stderr);
}

static void addr_str(const struct sockaddr_storage *ss, char *out, size_t len)
{
	char host[INET6_ADDRSTRLEN] = "?";
	unsigned port = 0;

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s4 = (const void *)ss;

		inet_ntop(AF_INET, &s4->sin_addr, host, sizeof(host));
		port = ntohs(s4->sin_port);
		snprintf(out, len, "%s:%u", host, port);
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)ss;

		inet_ntop(AF_INET6, &s6->sin6_addr, host, sizeof(host));
		port = ntohs(s6->sin6_port);
		snprintf(out, len, "[%s]:%u", host, port);
	} else {
		snprintf(out, len, "local");
	}
}

/* ---- reactor's connection list ----------------------------------------- */

void conn_list_add(struct tgt_reactor *r, struct tgt_conn *c)
{
	c->reactor = r;
	c->rprev = NULL;
	c->rnext = r->conns;
	if (r->conns)
		r->conns->rprev = c;
	r->conns = c;
	r->nconns++;
}

void conn_list_del(struct tgt_reactor *r, struct tgt_conn *c)
{
	if (c->rprev)
		c->rprev->rnext = c->rnext;
	else if (r->conns == c)
		r->conns = c->rnext;
	if (c->rnext)
		c->rnext->rprev = c->rprev;
	c->rprev = c->rnext = NULL;
	c->reactor = NULL;
	r->nconns--;
}

/* ---- creation ---------------------------------------------------------- */

static void conn_sockopts(int fd)
{
	int one = 1;

	/* Latency matters more than segment count: every PDU is written
	 * whole with one writev. Fails harmlessly on a non-TCP socket. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

struct tgt_conn *conn_new(struct tgt_server *srv, struct loop *loop, int fd,
			  const struct sockaddr *peer, socklen_t peerlen)
{
	struct iscsi_framer_limits lim = {server_max_rx_dsl(srv), 0};
	struct tgt_reactor *r = server_reactor_of(srv, loop);
	struct tgt_conn *c;
	socklen_t llen;
	int fl;

	if (!r)
		return NULL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->rbuf = malloc(CONN_RBUF_SIZE);
	if (!c->rbuf) {
		free(c);
		return NULL;
	}
	c->rbuf_cap = CONN_RBUF_SIZE;
	c->srv = srv;
	c->loop = loop;
	c->fd = fd;
	c->state = CONN_LOGIN;
	c->nop_ttt = ISCSI_RSVD_TAG;
	c->last_rx_ms = tgt_now_ms();
	if (peer && peerlen <= sizeof(c->peer))
		memcpy(&c->peer, peer, peerlen);
	llen = sizeof(c->local);
	if (getsockname(fd, (struct sockaddr *)&c->local, &llen) < 0)
		memset(&c->local, 0, sizeof(c->local));
	addr_str(&c->peer, c->peer_str, sizeof(c->peer_str));
	iscsi_framer_init(&c->rx, &lim);
	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0 ||
	    loop_add_fd(loop, fd, LOOP_READ, conn_read_cb, c) < 0) {
		iscsi_framer_free(&c->rx);
		free(c->rbuf);
		free(c);
		return NULL;
	}
	conn_sockopts(fd);
	pthread_mutex_lock(&srv->lock);
	c->id = ++srv->next_conn_id;
	pthread_mutex_unlock(&srv->lock);
	conn_list_add(r, c);
	conn_arm_timers(c);
	if (srv->verbose)
		conn_log(c, "connected");
	return c;
}

/* ---- teardown ----------------------------------------------------------- */

static void conn_cancel_timers(struct tgt_conn *c)
{
	if (c->login_timer)
		loop_del_timer(c->loop, c->login_timer);
	if (c->nop_timer)
		loop_del_timer(c->loop, c->nop_timer);
	if (c->idle_timer)
		loop_del_timer(c->loop, c->idle_timer);
	c->login_timer = c->nop_timer = c->idle_timer = 0;
}

/* Free memory only; every hook has run. */
void conn_destroy(struct tgt_conn *c)
{
	conn_tx_free(c);
	iscsi_framer_free(&c->rx);
	free(c->rbuf);
	free(c);
}

/* After the round that closed c: hooks, then free (loop_defer_free). */
static void conn_teardown(void *arg)
{
	struct tgt_conn *c = arg;

	if (c->login) {
		login_free(c->login);
		c->login = NULL;
	}
	if (c->sess) {
		/* Tasks end or wait for reassignment per ERL (§7.1.4.2). */
		ffp_conn_gone(c);
		session_del_conn(c->sess, c);
		c->sess = NULL;
	}
	conn_cancel_timers(c);
	if (c->reactor)
		conn_list_del(c->reactor, c);
	conn_destroy(c);
}

struct conn_close_req {
	struct tgt_server *srv;
	struct loop *loop;
	uint64_t id;
	char why[96];
};

/* conn_close from another thread, run on the connection's reactor. */
static void conn_close_posted(void *arg)
{
	struct conn_close_req *q = arg;
	struct tgt_reactor *r = server_reactor_of(q->srv, q->loop);
	struct tgt_conn *c;

	for (c = r ? r->conns : NULL; c; c = c->rnext)
		if (c->id == q->id) {
			conn_close(c, q->why);
			break;
		}
	free(q);
}

void conn_close(struct tgt_conn *c, const char *why)
{
	struct loop *l = __atomic_load_n(&c->loop, __ATOMIC_ACQUIRE);

	if (!tgt_on_loop(l)) {
		struct conn_close_req *q = calloc(1, sizeof(*q));

		if (!q)
			return;
		q->srv = c->srv;
		q->loop = l;
		q->id = c->id;
		snprintf(q->why, sizeof(q->why), "%s", why ? why : "closed");
		if (loop_post(l, conn_close_posted, q) < 0)
			free(q);
		return;
	}
	if (c->closed)
		return;
	c->closed = true;
	if (c->state != CONN_LOGGED_OUT || c->srv->verbose)
		conn_log(c, "connection closed: %s", why ? why : "closed");
	c->state = CONN_CLOSING;
	if (c->fd >= 0) {
		if (c->reactor)
			loop_del_fd(c->loop, c->fd);
		close(c->fd);
		c->fd = -1;
	}
	conn_cancel_timers(c);
	if (c->migrating)
		return; /* arrival (conn_migrate_arrive) tears it down */
	if (loop_defer_free(c->loop, conn_teardown, c) < 0)
		conn_log(c, "out of memory: connection leaked");
}

/* ---- timers ------------------------------------------------------------ */

/* §6.3 gives no login time limit; a target needs one against peers that
 * open connections and never finish logging in. */
static void conn_login_timeout(struct loop *l, uint64_t id, void *arg)
{
	struct tgt_conn *c = arg;

	(void)l;
	(void)id;
	c->login_timer = 0;
	if (c->state == CONN_LOGIN)
		conn_close(c, "login timed out");
}

/* A PDU whose first bytes arrived and whose rest never comes. */
static void conn_idle_timeout(struct loop *l, uint64_t id, void *arg)
{
	struct tgt_conn *c = arg;
	uint64_t now = tgt_now_ms(), lim = c->srv->idle_timeout_ms;

	if (c->partial_since_ms == 0) {
		c->idle_timer = 0;
		return;
	}
	if (now - c->partial_since_ms >= lim) {
		c->idle_timer = 0;
		conn_close(c, "PDU stalled half-received");
		return;
	}
	loop_rearm_timer(l, id, lim - (now - c->partial_since_ms));
}

static const struct tgt_target *conn_target_cfg(const struct tgt_conn *c)
{
	if (c->sess && c->sess->target)
		return c->sess->target->cfg;
	return NULL;
}

/* NOPInterval / NOPTimeout (IET): ping an idle connection, drop it when a
 * ping stays unanswered (§11.19: the target's NOP-In ping). */
static void conn_nop_timer(struct loop *l, uint64_t id, void *arg)
{
	struct tgt_conn *c = arg;
	const struct tgt_target *t = conn_target_cfg(c);
	uint64_t now = tgt_now_ms(), ival, tmo;

	if (!t || c->state != CONN_FFP || t->nop_interval == 0) {
		c->nop_timer = 0;
		return;
	}
	ival = (uint64_t)t->nop_interval * 1000u;
	tmo = (uint64_t)t->nop_timeout * 1000u;
	if (c->nop_ttt != ISCSI_RSVD_TAG && tmo && now - c->last_rx_ms >= tmo) {
		c->nop_timer = 0;
		conn_close(c, "NOP-In ping not answered");
		return;
	}
	if (c->nop_ttt == ISCSI_RSVD_TAG && now - c->last_rx_ms >= ival)
		ffp_nop_ping(c);
	if (c->closed)
		return;
	loop_rearm_timer(
	    l, id,
	    c->nop_ttt != ISCSI_RSVD_TAG && tmo && tmo < ival ? tmo : ival);
}

/* Timers that fit c's state, on c's current loop. */
static void conn_arm_timers(struct tgt_conn *c)
{
	const struct tgt_target *t = conn_target_cfg(c);

	if (c->state == CONN_LOGIN && c->srv->login_timeout_ms &&
	    !c->login_timer)
		c->login_timer = loop_add_timer(
		    c->loop, c->srv->login_timeout_ms, conn_login_timeout, c);
	if (c->state == CONN_FFP && c->login_timer) {
		loop_del_timer(c->loop, c->login_timer);
		c->login_timer = 0;
	}
	if (c->state == CONN_FFP && t && t->nop_interval && !c->nop_timer)
		c->nop_timer =
		    loop_add_timer(c->loop, (uint64_t)t->nop_interval * 1000u,
				   conn_nop_timer, c);
	if (c->partial_since_ms && c->srv->idle_timeout_ms && !c->idle_timer)
		c->idle_timer = loop_add_timer(c->loop, c->srv->idle_timeout_ms,
					       conn_idle_timeout, c);
}

/* ---- migration --------------------------------------------------------- */

/* On the destination loop: register, then go on with the bytes kept. */
static void conn_migrate_arrive(void *arg)
{
	struct tgt_conn *c = arg;
	struct tgt_reactor *r = server_reactor_of(c->srv, c->loop);

	c->migrating = false;
	if (c->closed || !r) {
		if (!c->closed)
			conn_close(c, "no reactor");
		if (loop_defer_free(c->loop, conn_teardown, c) < 0)
			conn_log(c, "out of memory: connection leaked");
		return;
	}
	conn_list_add(r, c);
	if (loop_add_fd(c->loop, c->fd, LOOP_READ, conn_read_cb, c) < 0) {
		conn_close(c, "cannot watch the socket");
		return;
	}
	conn_arm_timers(c);
	if (c->sess && c->sess->closing) {
		conn_close(c, "session closed during migration");
		return;
	}
	conn_rx_process(c);
	if (!c->closed)
		conn_flush(c);
}

/* On the old loop, once no handler runs: let go of c and post it. */
/* true when c was posted to another reactor (and is no longer ours) */
static bool conn_migrate_now(struct tgt_conn *c)
{
	struct loop *to = c->migrate_to;

	c->migrate_to = NULL;
	if (c->closed || to == c->loop)
		return false;
	conn_flush(c);
	if (c->closed)
		return false;
	conn_cancel_timers(c);
	loop_del_fd(c->loop, c->fd);
	conn_list_del(c->reactor, c);
	c->migrating = true;
	__atomic_store_n(&c->loop, to, __ATOMIC_RELEASE);
	if (loop_post(to, conn_migrate_arrive, c) < 0) {
		/* Cannot move: stay and fail the connection here. */
		__atomic_store_n(&c->loop,
				 tgt_thread_loop ? tgt_thread_loop : c->loop,
				 __ATOMIC_RELEASE);
		c->migrating = false;
		conn_log(c, "cannot move to the session's reactor");
		conn_close(c, "migration failed");
		return false;
	}
	return true;
}

int conn_migrate(struct tgt_conn *c, struct loop *to)
{
	if (!to || !server_reactor_of(c->srv, to))
		return -1;
	if (to == c->loop || c->closed)
		return 0;
	c->migrate_to = to;
	if (c->in_rx == 0)
		(void)conn_migrate_now(c);
	return 0;
}

/* ---- receive ----------------------------------------------------------- */

static void conn_trace(const struct tgt_conn *c, const struct iscsi_pdu *p)
{
	const struct iscsi_bhs *h = &p->bhs;

	conn_log(c, "rx %s%s itt 0x%08x sn %u exp %u dsl %u",
		 iscsi_opcode_name(iscsi_bhs_opcode(h)),
		 iscsi_bhs_immediate(h) ? " (I)" : "", iscsi_bhs_itt(h),
		 iscsi_bhs_get32(h, 24), iscsi_bhs_get32(h, 28),
		 iscsi_bhs_dsl(h));
}

/*
 * The framed PDU as segments pointing into the frame (no copy), with the
 * digests judged (§13.1: header digest over BHS+AHS, data digest over
 * data and padding).
 */
static void conn_pdu_view(const uint8_t *f, const struct iscsi_digests *dg,
			  struct iscsi_pdu *p)
{
	size_t off, dsl;

	memset(p, 0, sizeof(*p));
	memcpy(&p->bhs, f, ISCSI_BHS_LEN);
	p->ahs_len = iscsi_bhs_ahs_bytes(&p->bhs);
	p->ahs = p->ahs_len ? (uint8_t *)(uintptr_t)(f + ISCSI_BHS_LEN) : NULL;
	off = ISCSI_BHS_LEN + p->ahs_len;
	p->hdigest_ok = p->ddigest_ok = true;
	if (dg->header) {
		p->hdigest_present = true;
		p->hdigest = iscsi_digest_get(f + off);
		p->hdigest_ok = iscsi_crc32c(f, off) == p->hdigest;
		off += ISCSI_DIGEST_LEN;
	}
	dsl = iscsi_bhs_dsl(&p->bhs);
	p->data_len = dsl;
	p->data = dsl ? (uint8_t *)(uintptr_t)(f + off) : NULL;
	if (dg->data && dsl) {
		size_t seg = dsl + iscsi_pad_len(dsl);

		p->ddigest_present = true;
		p->ddigest = iscsi_digest_get(f + off + seg);
		p->ddigest_ok = iscsi_crc32c(f + off, seg) == p->ddigest;
	}
}

/* true: hand the PDU on; false: it was dealt with here. */
static bool conn_digests_ok(struct tgt_conn *c, struct iscsi_pdu *p)
{
	unsigned erl = c->sess ? c->sess->params.erl : 0;

	if (defect_on(&c->srv->defects, DEFECT_NO_DIGEST_CHECK)) {
		p->hdigest_ok = p->ddigest_ok = true;
		return true;
	}
	if (!p->hdigest_ok) {
		/* §7.8: the header, its lengths included, cannot be trusted,
		 * and without markers no later PDU boundary can be found:
		 * of "discard up to a later PDU or close", close. */
		conn_log(c, "header digest error (%s): closing",
			 iscsi_opcode_name(iscsi_bhs_opcode(&p->bhs)));
		conn_close(c, "header digest error");
		return false;
	}
	if (p->ddigest_ok)
		return true;
	conn_log(c, "data digest error on %s itt 0x%08x",
		 iscsi_opcode_name(iscsi_bhs_opcode(&p->bhs)),
		 iscsi_bhs_itt(&p->bhs));
	if (c->state != CONN_FFP || erl == 0) {
		/* ERL 0 recovers by session recovery only (§7.1.5,
		 * §7.2): a corrupted payload ends the connection. */
		conn_close(c, "data digest error at ErrorRecoveryLevel 0");
		return false;
	}
	/* §7.8: Reject with "Data (payload) Digest Error" and discard.
	 * A Data-Out goes on to ffp.c (ddigest_ok false) which asks for the
	 * data again with a recovery R2T or ends the task; a command with
	 * immediate data and any other PDU need nothing more (the initiator
	 * retries the command, §7.2.1). */
	ffp_reject(c, p, ISCSI_REJECT_DATA_DIGEST);
	return iscsi_bhs_opcode(&p->bhs) == ISCSI_OP_DATA_OUT;
}

static void conn_dispatch(struct tgt_conn *c, const uint8_t *frame,
			  const struct iscsi_digests *dg)
{
	struct iscsi_pdu pdu;
	enum conn_state was = c->state;

	conn_pdu_view(frame, dg, &pdu);
	c->last_rx_ms = tgt_now_ms();
	if (c->srv->verbose >= 2) /* login.c and ffp.c trace at -v */
		conn_trace(c, &pdu);
	if (!conn_digests_ok(c, &pdu))
		return;
	c->in_rx++;
	switch (c->state) {
	case CONN_LOGIN:
		login_rx(c, &pdu);
		break;
	case CONN_FFP:
		ffp_rx(c, &pdu);
		break;
	case CONN_LOGGED_OUT:
		/* §11.15: after the Logout Response the connection carries
		 * nothing more; whatever still arrives is dropped. */
		if (c->srv->verbose)
			conn_log(c, "PDU after logout ignored");
		break;
	case CONN_CLOSING:
		break;
	}
	c->in_rx--;
	if (was == CONN_LOGIN && c->state == CONN_FFP && !c->closed &&
	    !c->migrate_to)
		conn_arm_timers(c);
}

/* True while c may go on processing received bytes. */
static bool conn_rx_open(const struct tgt_conn *c)
{
	return !c->closed && !c->migrating && !c->migrate_to &&
	       c->state != CONN_CLOSING;
}

/*
 * Frame and dispatch what has been read. Returns true when the connection
 * was handed to another reactor (login joined a session owned there): the
 * caller must not touch c again, that thread may already have freed it.
 */
static bool conn_rx_process(struct tgt_conn *c)
{
	enum iscsi_framer_status st;
	const uint8_t *frame;
	char err[ISCSI_FRAMER_ERRLEN];
	bool completed = false;
	size_t used, flen;

	c->in_rx++;
	while (conn_rx_open(c) && c->rbuf_off < c->rbuf_len) {
		st = iscsi_framer_feed(&c->rx, c->rbuf + c->rbuf_off,
				       c->rbuf_len - c->rbuf_off, &used, err,
				       sizeof(err));
		c->rbuf_off += used;
		if (st == ISCSI_FRAMER_ERROR) {
			/* A PDU that cannot be framed leaves no boundary to
			 * answer from (§11.1): drop the connection. */
			conn_log(c, "unframeable input: %s", err);
			conn_close(c, "framing error");
			break;
		}
		if (st != ISCSI_FRAMER_PDU)
			break;
		completed = true;
		if (iscsi_framer_frame(&c->rx, &frame, &flen))
			conn_dispatch(c, frame,
				      iscsi_framer_frame_digests(&c->rx));
	}
	c->in_rx--;
	if (c->rbuf_off == c->rbuf_len)
		c->rbuf_off = c->rbuf_len = 0;
	if (c->closed)
		return false;
	if (iscsi_framer_pending(&c->rx) == 0) {
		c->partial_since_ms = 0;
	} else if (completed || c->partial_since_ms == 0) {
		c->partial_since_ms = tgt_now_ms();
		if (c->srv->idle_timeout_ms && !c->idle_timer && !c->migrate_to)
			conn_arm_timers(c);
	}
	if (c->migrate_to && c->in_rx == 0)
		return conn_migrate_now(c);
	return false;
}

static void conn_read_cb(struct loop *l, int fd, unsigned events, void *arg)
{
	struct tgt_conn *c = arg;
	ssize_t n;

	(void)l;
	if ((events & LOOP_WRITE) && !c->closed)
		conn_flush(c);
	if (!(events & (LOOP_READ | LOOP_ERROR)) || !conn_rx_open(c))
		return;
	n = read(fd, c->rbuf + c->rbuf_len, c->rbuf_cap - c->rbuf_len);
	if (n == 0) {
		if (iscsi_framer_pending(&c->rx))
			conn_log(c, "connection ended inside a PDU");
		conn_close(c, "closed by the initiator");
		return;
	}
	if (n < 0) {
		if (errno != EAGAIN && errno != EINTR)
			conn_close(c, strerror(errno));
		return;
	}
	c->rbuf_len += (size_t)n;
	if (conn_rx_process(c))
		return; /* now another reactor's */
	/* Everything the PDUs just read produced goes out in one writev. */
	if (!c->closed && !c->migrating)
		conn_flush(c);
}
