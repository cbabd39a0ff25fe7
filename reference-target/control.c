/* SPDX-License-Identifier: MIT */
/*
 * control.c - status in the layout IET users know from /proc/net/iet:
 *
 *   session:  tid:1 name:iqn.2026-11.org.example:disk
 *             \tsid:562949970198529 initiator:iqn.1993-08.org.debian:01:ab
 *             \t\tcid:0 ip:127.0.0.1 state:active hd:none dd:none
 *   volume:   tid:1 name:iqn.2026-11.org.example:disk
 *             \tlun:0 state:0 iotype:fileio iomode:wb blocks:8192
 *               blocksize:512 path:/srv/disk.img       (one line)
 *
 * served on a UNIX socket (--control PATH) by a thread of its own: a
 * client writes "session\n" or "volume\n" and reads the text until EOF.
 * Connection details are collected by posting to every reactor (each reads
 * only its own connections); sessions and targets are read under srv->lock.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "server_priv.h"

#define CTL_WAIT_MS   1000
#define CTL_MAX_CONNS 65536u

struct conn_rec {
	uint16_t tsih, cid;
	bool hd, dd;
	char ip[INET6_ADDRSTRLEN];
};

struct status_job {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	unsigned pending, refs;
	struct conn_rec *recs;
	size_t n, cap;
	bool oom;
};

static void job_unref(struct status_job *j)
{
	bool last;

	pthread_mutex_lock(&j->lock);
	last = --j->refs == 0;
	pthread_mutex_unlock(&j->lock);
	if (!last)
		return;
	pthread_mutex_destroy(&j->lock);
	pthread_cond_destroy(&j->cond);
	free(j->recs);
	free(j);
}

static void peer_ip(const struct sockaddr_storage *ss, char *out, size_t len)
{
	snprintf(out, len, "-");
	if (ss->ss_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ss)->sin_addr,
			  out, (socklen_t)len);
	else if (ss->ss_family == AF_INET6)
		inet_ntop(AF_INET6,
			  &((const struct sockaddr_in6 *)ss)->sin6_addr, out,
			  (socklen_t)len);
}

/* The connections of one reactor that belong to a session. */
static void collect_reactor(struct tgt_reactor *r, struct status_job *j)
{
	struct tgt_conn *c;

	for (c = r->conns; c; c = c->rnext) {
		struct conn_rec rec;

		if (!c->sess || c->closed || c->state != CONN_FFP)
			continue;
		memset(&rec, 0, sizeof(rec));
		rec.tsih = c->sess->tsih;
		rec.cid = c->cid;
		rec.hd = c->dg.header;
		rec.dd = c->dg.data;
		peer_ip(&c->peer, rec.ip, sizeof(rec.ip));
		pthread_mutex_lock(&j->lock);
		if (j->n == j->cap && j->cap < CTL_MAX_CONNS) {
			size_t cap = j->cap ? j->cap * 2 : 64;
			struct conn_rec *n = realloc(j->recs, cap * sizeof(*n));

			if (n) {
				j->recs = n;
				j->cap = cap;
			}
		}
		if (j->n < j->cap)
			j->recs[j->n++] = rec;
		else
			j->oom = true;
		pthread_mutex_unlock(&j->lock);
	}
}

struct collect_arg {
	struct tgt_reactor *r;
	struct status_job *j;
};

static void collect_posted(void *arg)
{
	struct collect_arg *a = arg;
	struct status_job *j = a->j;

	collect_reactor(a->r, j);
	free(a);
	pthread_mutex_lock(&j->lock);
	j->pending--;
	pthread_cond_broadcast(&j->cond);
	pthread_mutex_unlock(&j->lock);
	job_unref(j);
}

static struct status_job *collect_conns(struct tgt_server *srv)
{
	struct status_job *j = calloc(1, sizeof(*j));
	struct timespec until;
	unsigned i;

	if (!j)
		return NULL;
	pthread_mutex_init(&j->lock, NULL);
	pthread_cond_init(&j->cond, NULL);
	j->refs = 1;
	for (i = 0; i < srv->nreactors; i++) {
		struct collect_arg *a;

		if (!srv->priv->threaded) {
			collect_reactor(&srv->reactors[i], j);
			continue;
		}
		a = malloc(sizeof(*a));
		if (!a)
			continue;
		a->r = &srv->reactors[i];
		a->j = j;
		pthread_mutex_lock(&j->lock);
		j->pending++;
		j->refs++;
		pthread_mutex_unlock(&j->lock);
		if (loop_post(a->r->loop, collect_posted, a) < 0) {
			free(a);
			pthread_mutex_lock(&j->lock);
			j->pending--;
			j->refs--;
			pthread_mutex_unlock(&j->lock);
		}
	}
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += CTL_WAIT_MS / 1000;
	pthread_mutex_lock(&j->lock);
	while (j->pending > 0)
		if (pthread_cond_timedwait(&j->cond, &j->lock, &until) ==
		    ETIMEDOUT)
			break; /* a busy reactor: show what has come */
	pthread_mutex_unlock(&j->lock);
	return j;
}

static void status_sessions(struct tgt_server *srv, struct status_job *j,
			    FILE *out)
{
	size_t i, k, m;

	for (i = 0; i < srv->ntargets; i++) {
		const struct target_rt *t = &srv->targets[i];

		fprintf(out, "tid:%zu name:%s\n", i + 1, t->cfg->name);
		for (k = 0; k < srv->nsessions; k++) {
			const struct tgt_session *s = srv->sessions[k];

			if (!s->target || s->discovery ||
			    strcasecmp(s->target->cfg->name, t->cfg->name))
				continue;
			/* IET's sid: ISID and TSIH in one 64-bit number. */
			fprintf(out, "\tsid:%llu initiator:%s\n",
				(unsigned long long)(s->isid << 16 | s->tsih),
				s->initiator_name);
			pthread_mutex_lock(&j->lock);
			for (m = 0; m < j->n; m++)
				if (j->recs[m].tsih == s->tsih)
					fprintf(
					    out,
					    "\t\tcid:%u ip:%s state:active "
					    "hd:%s dd:%s\n",
					    j->recs[m].cid, j->recs[m].ip,
					    j->recs[m].hd ? "crc32c" : "none",
					    j->recs[m].dd ? "crc32c" : "none");
			pthread_mutex_unlock(&j->lock);
		}
	}
}

static const char *iomode_name(enum tgt_iomode m)
{
	return m == TGT_IOMODE_WT ? "wt" : m == TGT_IOMODE_RO ? "ro" : "wb";
}

static void status_volumes(struct tgt_server *srv, FILE *out)
{
	size_t i, k;

	for (i = 0; i < srv->ntargets; i++) {
		const struct target_rt *t = &srv->targets[i];

		fprintf(out, "tid:%zu name:%s\n", i + 1, t->cfg->name);
		for (k = 0; k < t->cfg->nluns; k++) {
			const struct tgt_lun *l = &t->cfg->luns[k];
			struct lu *lu = lu_set_get(t->luns, l->lun);

			if (!lu)
				continue;
			fprintf(out,
				"\tlun:%u state:0 iotype:%s iomode:%s "
				"blocks:%llu blocksize:%u path:%s\n",
				l->lun, l->blockio ? "blockio" : "fileio",
				iomode_name(l->iomode),
				(unsigned long long)lu_num_blocks(lu),
				lu_block_size(lu), l->path);
		}
	}
}

int control_status(struct tgt_server *srv, enum tgt_status_kind kind, FILE *out)
{
	struct status_job *j = NULL;

	if (kind == TGT_STATUS_SESSION) {
		j = collect_conns(srv);
		if (!j)
			return -1;
	}
	pthread_mutex_lock(&srv->lock);
	if (kind == TGT_STATUS_SESSION)
		status_sessions(srv, j, out);
	else
		status_volumes(srv, out);
	pthread_mutex_unlock(&srv->lock);
	if (j)
		job_unref(j);
	return ferror(out) ? -1 : 0;
}

/* ---- the control socket ------------------------------------------------- */

static void control_serve_one(struct tgt_server *srv, int fd)
{
	char req[64];
	size_t got = 0;
	struct pollfd pfd = {fd, POLLIN, 0};
	char *buf = NULL;
	size_t len = 0;
	FILE *out;
	ssize_t n;

	while (got < sizeof(req) - 1 && !memchr(req, '\n', got)) {
		if (poll(&pfd, 1, CTL_WAIT_MS) <= 0)
			return;
		n = read(fd, req + got, sizeof(req) - 1 - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	req[got] = '\0';
	req[strcspn(req, "\r\n")] = '\0';
	out = open_memstream(&buf, &len);
	if (!out)
		return;
	if (strcmp(req, "session") == 0)
		control_status(srv, TGT_STATUS_SESSION, out);
	else if (strcmp(req, "volume") == 0)
		control_status(srv, TGT_STATUS_VOLUME, out);
	else
		fprintf(out,
			"error: unknown request \"%s\" "
			"(session or volume)\n",
			req);
	fclose(out);
	for (got = 0; got < len; got += (size_t)n) {
		n = write(fd, buf + got, len - got);
		if (n <= 0)
			break;
	}
	free(buf);
}

static void *control_main(void *arg)
{
	struct tgt_server *srv = arg;
	struct server_priv *p = srv->priv;
	struct pollfd pfd[2] = {{p->ctl_fd, POLLIN, 0},
				{p->ctl_wake[0], POLLIN, 0}};
	int fd;

	for (;;) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[1].revents)
			break;
		if (!(pfd[0].revents & POLLIN))
			continue;
		fd = accept4(p->ctl_fd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0)
			continue;
		control_serve_one(srv, fd);
		close(fd);
	}
	return NULL;
}

int control_start(struct tgt_server *srv, const char *path, char *err,
		  size_t errlen)
{
	struct server_priv *p = srv->priv;
	struct sockaddr_un sa;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "--control %s: path too long", path);
		return -1;
	}
	memcpy(sa.sun_path, path, strlen(path));
	p->ctl_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (p->ctl_fd < 0 || pipe2(p->ctl_wake, O_CLOEXEC) < 0)
		goto fail;
	unlink(path); /* a stale socket of an earlier run */
	if (bind(p->ctl_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(p->ctl_fd, 16) < 0)
		goto fail;
	snprintf(p->ctl_path, sizeof(p->ctl_path), "%s", path);
	if (pthread_create(&p->ctl_thread, NULL, control_main, srv) != 0)
		goto fail;
	p->ctl_running = true;
	return 0;
fail:
	snprintf(err, errlen, "--control %s: %s", path, strerror(errno));
	control_stop(srv);
	return -1;
}

void control_stop(struct tgt_server *srv)
{
	struct server_priv *p = srv->priv;

	if (p->ctl_running) {
		if (write(p->ctl_wake[1], "x", 1) < 0)
			server_msg("control: %s", strerror(errno));
		pthread_join(p->ctl_thread, NULL);
		p->ctl_running = false;
	}
	if (p->ctl_fd >= 0) {
		close(p->ctl_fd);
		p->ctl_fd = -1;
		if (p->ctl_path[0])
			unlink(p->ctl_path);
		p->ctl_path[0] = '\0';
	}
	if (p->ctl_wake[0] >= 0)
		close(p->ctl_wake[0]);
	if (p->ctl_wake[1] >= 0)
		close(p->ctl_wake[1]);
	p->ctl_wake[0] = p->ctl_wake[1] = -1;
}

/* ---- client: --control PATH --show KIND --------------------------------- */

int control_show(const char *path, const char *kind, FILE *out, char *err,
		 size_t errlen)
{
	struct sockaddr_un sa;
	char buf[4096];
	ssize_t n;
	int fd;

	if (strcmp(kind, "session") != 0 && strcmp(kind, "volume") != 0) {
		snprintf(err, errlen, "--show %s: session or volume", kind);
		return -1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "--control %s: path too long", path);
		return -1;
	}
	memcpy(sa.sun_path, path, strlen(path));
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		snprintf(err, errlen, "--control %s: %s", path,
			 strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	snprintf(buf, sizeof(buf), "%s\n", kind);
	if (write(fd, buf, strlen(buf)) < 0) {
		snprintf(err, errlen, "--control %s: %s", path,
			 strerror(errno));
		close(fd);
		return -1;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, (size_t)n, out);
	close(fd);
	fflush(out);
	return 0;
}
