/* SPDX-License-Identifier: MIT */
/*
 * server.c - the reference target's process: targets at run time (LUNs
 * opened, LUN maps built), reactor threads, listeners and accept, signals
 * (shutdown, reload), and the life cycle main.c drives.  The session table
 * is in server_sess.c, status in control.c.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "server_priv.h"

__thread struct loop *tgt_thread_loop;

#define SHUTDOWN_GRACE_MS    2000u /* FFP connections may log out meanwhile */
#define SHUTDOWN_POLL_MS     20u
#define ASYNC_LOGOUT_SECONDS 2u /* Parameter3 of the Async Message */
#define ACCEPT_BURST	     64

void server_msg(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "iscsi-reftgt: %s\n", msg);
}

struct tgt_reactor *server_reactor_of(struct tgt_server *srv,
				      const struct loop *l)
{
	unsigned i;

	for (i = 0; i < srv->nreactors; i++)
		if (srv->reactors[i].loop == l)
			return &srv->reactors[i];
	return NULL;
}

uint32_t server_max_rx_dsl(const struct tgt_server *srv)
{
	/* --defect text-accepts-oversize: frame PDUs of any length, so a
	 * Text Request beyond MaxRecvDataSegmentLength reaches tgt_text.c */
	if (defect_on(&srv->defects, DEFECT_TEXT_ACCEPTS_OVERSIZE))
		return ISCSI_DSL_MAX;
	return srv->priv ? srv->priv->max_rx_dsl : ISCSI_DSL_MAX;
}

/* ---- targets at run time ------------------------------------------------ */

/* One LU per backing path, shared by every configuration generation, so a
 * reload keeps the unit attentions and reservations of a LUN it keeps. */
static struct lu *lu_registry_open(struct tgt_server *srv,
				   const struct tgt_lun *l, char *err,
				   size_t errlen)
{
	struct server_priv *p = srv->priv;
	struct lu_opts o;
	struct lu *lu;
	size_t i;

	for (i = 0; i < p->nlus; i++)
		if (strcmp(p->lus[i].path, l->path) == 0)
			return p->lus[i].lu;
	if (p->nlus == p->cap_lus) {
		size_t cap = p->cap_lus ? p->cap_lus * 2 : 8;
		struct lu_reg *n = realloc(p->lus, cap * sizeof(*n));

		if (!n) {
			snprintf(err, errlen, "out of memory");
			return NULL;
		}
		p->lus = n;
		p->cap_lus = cap;
	}
	memset(&o, 0, sizeof(o));
	o.path = l->path;
	o.size_bytes = l->size_bytes;
	o.block_size = l->block_size;
	o.read_only = l->iomode == TGT_IOMODE_RO;
	o.write_through = l->iomode == TGT_IOMODE_WT;
	o.blockio = l->blockio;
	o.serial =
	    l->scsi_sn[0] ? l->scsi_sn : (l->scsi_id[0] ? l->scsi_id : NULL);
	if (lu_open(&lu, &o, err, errlen) < 0)
		return NULL;
	p->lus[p->nlus].lu = lu;
	snprintf(p->lus[p->nlus].path, sizeof(p->lus[p->nlus].path), "%s",
		 l->path);
	p->nlus++;
	return lu;
}

/* Build the run-time targets of cfg: LUN maps, TPGT 1 (one portal group). */
int server_targets_build(struct tgt_server *srv, const struct tgt_config *cfg,
			 struct target_rt **out, size_t *nout, char *err,
			 size_t errlen)
{
	struct target_rt *rts;
	size_t i, j;
	char e[256];

	*out = NULL;
	*nout = 0;
	rts = calloc(cfg->ntargets ? cfg->ntargets : 1, sizeof(*rts));
	if (!rts) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (i = 0; i < cfg->ntargets; i++) {
		const struct tgt_target *t = &cfg->targets[i];
		struct target_rt *rt = &rts[i];

		rt->cfg = t;
		rt->tpgt = 1;
		rt->luns = calloc(1, sizeof(*rt->luns));
		if (!rt->luns)
			goto oom;
		lu_set_init(rt->luns);
		rt->luns->defects = &srv->defects;
		snprintf(rt->luns->target_name, sizeof(rt->luns->target_name),
			 "%s", t->name);
		/* SCSI name string of the target port (§4.2.7.1). */
		snprintf(rt->luns->target_port, sizeof(rt->luns->target_port),
			 "%s,t,0x%04x", t->name, rt->tpgt);
		rt->luns->rel_port = rt->tpgt;
		for (j = 0; j < t->nluns; j++) {
			struct lu *lu =
			    lu_registry_open(srv, &t->luns[j], e, sizeof(e));

			if (!lu || lu_set_add(rt->luns, t->luns[j].lun, lu, e,
					      sizeof(e)) < 0) {
				snprintf(err, errlen, "target %s LUN %u: %s",
					 t->name, t->luns[j].lun, e);
				*out = rts;
				*nout = i + 1;
				return -1;
			}
		}
	}
	*out = rts;
	*nout = cfg->ntargets;
	return 0;
oom:
	snprintf(err, errlen, "out of memory");
	*out = rts;
	*nout = i;
	return -1;
}

void server_targets_free(struct target_rt *rts, size_t n)
{
	size_t i;

	for (i = 0; rts && i < n; i++)
		free(rts[i].luns);
	free(rts);
}

struct target_rt *server_find_target(struct tgt_server *srv, const char *name)
{
	size_t i;

	/* iSCSI names compare case-insensitively (§4.2.7.2). */
	for (i = 0; name && i < srv->ntargets; i++)
		if (strcasecmp(srv->targets[i].cfg->name, name) == 0)
			return &srv->targets[i];
	return NULL;
}

/* Largest MaxRecvDataSegmentLength any target declares (§13.12): the
 * framer refuses longer data segments before buffering them. */
uint32_t server_config_max_rx_dsl(const struct tgt_config *cfg)
{
	uint32_t best = 8192; /* the RFC default */
	const char *v;
	size_t i;

	v = config_key(cfg, NULL, "MaxRecvDataSegmentLength");
	if (v && strtoul(v, NULL, 0) > best)
		best = (uint32_t)strtoul(v, NULL, 0);
	for (i = 0; i < cfg->ntargets; i++) {
		v = config_key(cfg, &cfg->targets[i],
			       "MaxRecvDataSegmentLength");
		if (v && strtoul(v, NULL, 0) > best)
			best = (uint32_t)strtoul(v, NULL, 0);
	}
	/* Login and Text data arrive in at most 8192-byte PDUs by default;
	 * room for an initiator that ignores nothing but rounds up. */
	if (best < 262144)
		best = 262144;
	return best > ISCSI_DSL_MAX ? ISCSI_DSL_MAX : best;
}

/* ---- init / fini -------------------------------------------------------- */

static unsigned max_fds(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		if (rl.rlim_cur < rl.rlim_max && rl.rlim_cur < 65536) {
			rl.rlim_cur = rl.rlim_max < 65536 ? rl.rlim_max : 65536;
			setrlimit(RLIMIT_NOFILE, &rl);
			getrlimit(RLIMIT_NOFILE, &rl);
		}
		if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < 65536)
			return (unsigned)rl.rlim_cur;
	}
	return 65536;
}

int server_init(struct tgt_server *srv, struct tgt_config *cfg,
		unsigned nreactors, char *err, size_t errlen)
{
	unsigned i;
	long ncpu;

	memset(srv, 0, sizeof(*srv));
	pthread_mutex_init(&srv->lock, NULL);
	srv->login_timeout_ms = TGT_LOGIN_TIMEOUT_MS;
	srv->idle_timeout_ms = TGT_IDLE_TIMEOUT_MS;
	srv->next_tsih = 1;
	srv->priv = calloc(1, sizeof(*srv->priv));
	if (!srv->priv) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	server_priv_init(srv->priv);
	srv->cfg = *cfg;
	config_init(cfg);
	srv->priv->max_rx_dsl = server_config_max_rx_dsl(&srv->cfg);
	if (server_targets_build(srv, &srv->cfg, &srv->targets, &srv->ntargets,
				 err, errlen) < 0)
		goto fail;
	if (nreactors == 0) {
		ncpu = sysconf(_SC_NPROCESSORS_ONLN);
		nreactors = ncpu > 0 ? (unsigned)ncpu : 1;
	}
	if (nreactors > 256)
		nreactors = 256;
	srv->reactors = calloc(nreactors, sizeof(*srv->reactors));
	if (!srv->reactors) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	for (i = 0; i < nreactors; i++) {
		struct tgt_reactor *r = &srv->reactors[i];

		r->srv = srv;
		r->index = i;
		r->loop = loop_new(max_fds(), err, errlen);
		if (!r->loop)
			goto fail;
		srv->nreactors = i + 1;
	}
	return 0;
fail:
	server_fini(srv);
	return -1;
}

static void listeners_close(struct tgt_server *srv)
{
	struct server_priv *p = srv->priv;
	size_t i;

	for (i = 0; i < p->nlisten; i++) {
		if (p->listen_fd[i] < 0)
			continue;
		if (srv->nreactors)
			loop_del_fd(srv->reactors[0].loop, p->listen_fd[i]);
		close(p->listen_fd[i]);
		p->listen_fd[i] = -1;
	}
	p->nlisten = 0;
}

static void retired_free(struct server_priv *p)
{
	struct cfg_gen *g;

	while ((g = p->retired) != NULL) {
		p->retired = g->next;
		server_targets_free(g->targets, g->ntargets);
		config_free(&g->cfg);
		free(g);
	}
}

void server_fini(struct tgt_server *srv)
{
	struct server_priv *p = srv->priv;
	struct tgt_conn *c, *next;
	unsigned i;
	size_t k;

	tgt_thread_loop = NULL; /* single-threaded from here on */
	if (p) {
		control_stop(srv);
		listeners_close(srv);
		if (p->sigfd >= 0) {
			if (srv->nreactors)
				loop_del_fd(srv->reactors[0].loop, p->sigfd);
			close(p->sigfd);
			p->sigfd = -1;
		}
	}
	/* Closures still posted (accepted or migrating connections) land
	 * first, so the pass below finds every connection. */
	for (i = 0; i < srv->nreactors; i++)
		loop_run_once(srv->reactors[i].loop, 0);
	for (i = 0; i < srv->nreactors; i++) {
		struct tgt_reactor *r = &srv->reactors[i];

		for (c = r->conns; c; c = next) {
			next = c->rnext;
			conn_close(c, "target shutting down");
		}
		/* Runs the deferred teardowns (sessions end with their last
		 * connection), then frees the loop. */
		loop_run_once(r->loop, 0);
	}
	server_sessions_fini(srv);
	for (i = 0; i < srv->nreactors; i++)
		loop_free(srv->reactors[i].loop);
	free(srv->reactors);
	srv->reactors = NULL;
	srv->nreactors = 0;
	server_targets_free(srv->targets, srv->ntargets);
	srv->targets = NULL;
	srv->ntargets = 0;
	if (p) {
		retired_free(p);
		for (k = 0; k < p->nlus; k++)
			lu_close(p->lus[k].lu);
		free(p->lus);
		server_priv_destroy(p);
		free(p);
		srv->priv = NULL;
	}
	free(srv->sessions);
	srv->sessions = NULL;
	config_free(&srv->cfg);
	pthread_mutex_destroy(&srv->lock);
}

/* ---- listeners and accept ------------------------------------------------ */

struct accept_job {
	struct tgt_server *srv;
	struct tgt_reactor *r;
	int fd;
	struct sockaddr_storage peer;
	socklen_t peerlen;
};

static void accept_arrive(void *arg)
{
	struct accept_job *j = arg;

	if (j->srv->priv->stopping ||
	    !conn_new(j->srv, j->r->loop, j->fd,
		      (const struct sockaddr *)&j->peer, j->peerlen))
		close(j->fd);
	free(j);
}

/* Hand a new connection to the reactors in turn. */
static void accept_dispatch(struct tgt_server *srv, int fd,
			    const struct sockaddr_storage *peer,
			    socklen_t peerlen)
{
	struct server_priv *p = srv->priv;
	struct tgt_reactor *r = &srv->reactors[p->rr++ % srv->nreactors];
	struct accept_job *j;

	if (r->index == 0 || !r->started) {
		r = &srv->reactors[0];
		if (!conn_new(srv, r->loop, fd, (const struct sockaddr *)peer,
			      peerlen))
			close(fd);
		return;
	}
	j = malloc(sizeof(*j));
	if (!j) {
		close(fd);
		return;
	}
	j->srv = srv;
	j->r = r;
	j->fd = fd;
	j->peer = *peer;
	j->peerlen = peerlen;
	if (loop_post(r->loop, accept_arrive, j) < 0) {
		close(fd);
		free(j);
	}
}

static void accept_cb(struct loop *l, int fd, unsigned events, void *arg)
{
	struct tgt_server *srv = arg;
	struct sockaddr_storage peer;
	socklen_t len;
	int n, cfd;

	(void)l;
	(void)events;
	for (n = 0; n < ACCEPT_BURST; n++) {
		len = sizeof(peer);
		cfd = accept4(fd, (struct sockaddr *)&peer, &len,
			      SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (cfd < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR && errno != ECONNABORTED)
				server_msg("accept: %s", strerror(errno));
			return;
		}
		if (srv->priv->stopping) {
			close(cfd);
			continue;
		}
		accept_dispatch(srv, cfd, &peer, len);
	}
}

static void portal_str(const struct sockaddr_storage *ss, char *out, size_t len)
{
	char host[INET6_ADDRSTRLEN] = "?";

	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)ss;

		inet_ntop(AF_INET6, &s6->sin6_addr, host, sizeof(host));
		snprintf(out, len, "[%s]:%u", host, ntohs(s6->sin6_port));
	} else {
		const struct sockaddr_in *s4 = (const void *)ss;

		inet_ntop(AF_INET, &s4->sin_addr, host, sizeof(host));
		snprintf(out, len, "%s:%u", host, ntohs(s4->sin_port));
	}
}

static int listen_one(struct tgt_server *srv, struct tgt_portal *pt,
		      FILE *announce, char *err, size_t errlen)
{
	struct server_priv *p = srv->priv;
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char text[TGT_PORTAL_TEXT_LEN + 8];
	int fd, one = 1;

	fd = socket(pt->addr.ss_family,
		    SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "portal %s: socket: %s", pt->text,
			 strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (pt->addr.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)&pt->addr, pt->addrlen) < 0 ||
	    listen(fd, 128) < 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &len) < 0) {
		snprintf(err, errlen, "portal %s: %s", pt->text,
			 strerror(errno));
		close(fd);
		return -1;
	}
	if (loop_add_fd(srv->reactors[0].loop, fd, LOOP_READ, accept_cb, srv) <
	    0) {
		snprintf(err, errlen, "portal %s: %s", pt->text,
			 strerror(errno));
		close(fd);
		return -1;
	}
	p->listen_fd[p->nlisten++] = fd;
	/* The configuration now holds the port actually bound (port 0 =
	 * any free port), so SendTargets reports it (§13.8). */
	if (len <= sizeof(pt->addr)) {
		memcpy(&pt->addr, &ss, len);
		pt->addrlen = len;
	}
	portal_str(&ss, text, sizeof(text));
	if (announce) {
		fprintf(announce, "listening on %s\n", text);
		fflush(announce);
	}
	return 0;
}

int server_listen(struct tgt_server *srv, FILE *announce, char *err,
		  size_t errlen)
{
	size_t i;

	for (i = 0; i < srv->cfg.nportals && i < SERVER_MAX_LISTEN; i++)
		if (listen_one(srv, &srv->cfg.portals[i], announce, err,
			       errlen) < 0) {
			listeners_close(srv);
			return -1;
		}
	return 0;
}

/* ---- shutdown ----------------------------------------------------------- */

/* On each reactor: ask FFP connections to log out, close the rest, and
 * close whatever remains when the grace period ends. */
static void reactor_drain_tick(struct loop *l, uint64_t id, void *arg)
{
	struct tgt_reactor *r = arg;
	struct server_priv *p = r->srv->priv;
	struct tgt_conn *c, *next;

	if (r->nconns > 0 && tgt_now_ms() < p->drain_deadline_ms) {
		loop_rearm_timer(l, id, SHUTDOWN_POLL_MS);
		return;
	}
	for (c = r->conns; c; c = next) {
		next = c->rnext;
		conn_close(c, "target shutting down");
	}
	__atomic_add_fetch(&p->drained, 1, __ATOMIC_ACQ_REL);
}

static void reactor_drain(void *arg)
{
	struct tgt_reactor *r = arg;
	struct tgt_conn *c, *next;

	for (c = r->conns; c; c = next) {
		next = c->rnext;
		if (c->state == CONN_FFP && c->sess && !c->sess->discovery)
			/* §11.9.1 AsyncEvent 1: the target requests logout. */
			ffp_async_logout(c, ASYNC_LOGOUT_SECONDS);
		else
			conn_close(c, "target shutting down");
	}
	if (!loop_add_timer(r->loop, SHUTDOWN_POLL_MS, reactor_drain_tick, r))
		reactor_drain_tick(r->loop, 0, r);
}

/* On reactor 0: every reactor drained -> stop them all. */
static void shutdown_wait_tick(struct loop *l, uint64_t id, void *arg)
{
	struct tgt_server *srv = arg;
	unsigned i;

	if (__atomic_load_n(&srv->priv->drained, __ATOMIC_ACQUIRE) <
	    srv->nreactors) {
		loop_rearm_timer(l, id, SHUTDOWN_POLL_MS);
		return;
	}
	for (i = 0; i < srv->nreactors; i++)
		loop_stop(srv->reactors[i].loop);
}

/* Reactor 0: stop accepting, then drain every reactor. */
static void server_begin_shutdown(void *arg)
{
	struct tgt_server *srv = arg;
	struct server_priv *p = srv->priv;
	unsigned i;

	if (p->stopping)
		return;
	p->stopping = true;
	server_msg("shutting down");
	listeners_close(srv);
	p->drain_deadline_ms = tgt_now_ms() + SHUTDOWN_GRACE_MS;
	for (i = 0; i < srv->nreactors; i++) {
		if (i == 0 || !srv->reactors[i].started)
			reactor_drain(&srv->reactors[i]);
		else if (loop_post(srv->reactors[i].loop, reactor_drain,
				   &srv->reactors[i]) < 0)
			__atomic_add_fetch(&p->drained, 1, __ATOMIC_ACQ_REL);
	}
	if (!loop_add_timer(srv->reactors[0].loop, SHUTDOWN_POLL_MS,
			    shutdown_wait_tick, srv))
		for (i = 0; i < srv->nreactors; i++)
			loop_stop(srv->reactors[i].loop);
}

void server_shutdown(struct tgt_server *srv)
{
	if (srv->nreactors)
		loop_post(srv->reactors[0].loop, server_begin_shutdown, srv);
}

/* ---- signals and threads ------------------------------------------------ */

static void signal_cb(struct loop *l, int fd, unsigned events, void *arg)
{
	struct tgt_server *srv = arg;
	struct signalfd_siginfo si;

	(void)l;
	(void)events;
	while (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGHUP)
			server_reload(srv);
		else
			server_begin_shutdown(srv);
	}
}

static void *reactor_main(void *arg)
{
	struct tgt_reactor *r = arg;

	tgt_thread_loop = r->loop;
	if (loop_run(r->loop) < 0)
		server_msg("reactor %u: %s", r->index, strerror(errno));
	return NULL;
}

static int signals_setup(struct tgt_server *srv, char *err, size_t errlen)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	/* Blocked in every thread (they inherit the mask): delivered only
	 * through the signalfd, on reactor 0, outside signal context. */
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	srv->priv->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (srv->priv->sigfd < 0 ||
	    loop_add_fd(srv->reactors[0].loop, srv->priv->sigfd, LOOP_READ,
			signal_cb, srv) < 0) {
		snprintf(err, errlen, "signalfd: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int server_run(struct tgt_server *srv, const char *control_path, char *err,
	       size_t errlen)
{
	unsigned i;
	int rc = 0;

	if (signals_setup(srv, err, errlen) < 0)
		return -1;
	if (control_path && control_start(srv, control_path, err, errlen) < 0)
		return -1;
	srv->priv->threaded = true;
	for (i = 1; i < srv->nreactors; i++) {
		struct tgt_reactor *r = &srv->reactors[i];

		if (pthread_create(&r->thread, NULL, reactor_main, r) != 0) {
			server_msg("cannot start reactor %u; running with %u",
				   i, i);
			break;
		}
		r->started = true;
	}
	tgt_thread_loop = srv->reactors[0].loop;
	if (loop_run(srv->reactors[0].loop) < 0) {
		snprintf(err, errlen, "event loop: %s", strerror(errno));
		rc = -1;
		for (i = 1; i < srv->nreactors; i++)
			loop_stop(srv->reactors[i].loop);
	}
	for (i = 1; i < srv->nreactors; i++)
		if (srv->reactors[i].started) {
			pthread_join(srv->reactors[i].thread, NULL);
			srv->reactors[i].started = false;
		}
	srv->priv->threaded = false;
	tgt_thread_loop = NULL;
	return rc;
}
