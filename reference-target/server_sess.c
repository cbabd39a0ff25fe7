/* SPDX-License-Identifier: MIT */
/*
 * server_sess.c - the session table: the one structure shared between
 * reactor threads, under srv->lock.  A session itself, its connections'
 * teardown and its tasks belong to the session's loop; work asked from
 * another thread is posted there and finds the session again by TSIH (so
 * a session freed meanwhile is simply not found).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "server_priv.h"

/* Under the lock. */
static bool tsih_in_use(const struct tgt_server *srv, uint16_t tsih)
{
	size_t i;

	for (i = 0; i < srv->nsessions; i++)
		if (srv->sessions[i]->tsih == tsih)
			return true;
	return false;
}

struct tgt_session *server_session_new(struct tgt_server *srv,
				       struct loop *loop)
{
	struct tgt_session *s = calloc(1, sizeof(*s));
	unsigned tries;

	if (!s)
		return NULL;
	s->srv = srv;
	s->loop = loop;
	iscsi_params_defaults(&s->params);
	pthread_mutex_lock(&srv->lock);
	if (srv->nsessions == srv->cap_sessions) {
		size_t cap = srv->cap_sessions ? srv->cap_sessions * 2 : 16;
		struct tgt_session **n = NULL;

		if (cap <= 65535)
			n = realloc(srv->sessions, cap * sizeof(*n));
		if (!n) {
			pthread_mutex_unlock(&srv->lock);
			free(s);
			return NULL;
		}
		srv->sessions = n;
		srv->cap_sessions = cap;
	}
	/* §11.13.4: TSIH is set by the target at the final Login Response
	 * of a leading login, non-zero, and identifies the session among
	 * those of this target; 0 is the leading-login value. */
	for (tries = 0; tries < 65536; tries++) {
		uint16_t t = srv->next_tsih++;

		if (srv->next_tsih == 0)
			srv->next_tsih = 1;
		if (t != 0 && !tsih_in_use(srv, t)) {
			s->tsih = t;
			break;
		}
	}
	if (s->tsih == 0) {
		pthread_mutex_unlock(&srv->lock);
		free(s);
		return NULL;
	}
	s->nexus = ++srv->next_nexus;
	srv->sessions[srv->nsessions++] = s;
	pthread_mutex_unlock(&srv->lock);
	return s;
}

int server_session_set_target(struct tgt_session *s, struct target_rt *t)
{
	struct tgt_server *srv = s->srv;
	unsigned n = 0;
	size_t i;
	int rc = 0;

	pthread_mutex_lock(&srv->lock);
	if (t && t->cfg->max_sessions) {
		/* Counted by name: a reload may have replaced t. */
		for (i = 0; i < srv->nsessions; i++) {
			const struct tgt_session *o = srv->sessions[i];

			if (o != s && o->target && !o->closing &&
			    strcasecmp(o->target->cfg->name, t->cfg->name) == 0)
				n++;
		}
		if (n >= t->cfg->max_sessions)
			rc = -1;
	}
	if (rc == 0 && s->target != t) {
		if (s->target)
			s->target->nsessions--;
		s->target = t;
		if (t)
			t->nsessions++;
	}
	pthread_mutex_unlock(&srv->lock);
	return rc;
}

struct tgt_session *server_find_session(struct tgt_server *srv,
					const char *initiator, uint64_t isid,
					const struct target_rt *t)
{
	struct tgt_session *found = NULL;
	size_t i;

	pthread_mutex_lock(&srv->lock);
	for (i = 0; i < srv->nsessions && !found; i++) {
		struct tgt_session *s = srv->sessions[i];

		/* §4.4: a session is identified by initiator name, ISID and
		 * target (the target portal group here is always the one). */
		if (s->closing || s->isid != isid ||
		    strcasecmp(s->initiator_name, initiator) != 0)
			continue;
		if (t ? (s->target &&
			 strcasecmp(s->target->cfg->name, t->cfg->name) == 0)
		      : s->target == NULL)
			found = s;
	}
	pthread_mutex_unlock(&srv->lock);
	return found;
}

struct tgt_session *server_session_by_tsih(struct tgt_server *srv,
					   uint16_t tsih)
{
	struct tgt_session *found = NULL;
	size_t i;

	pthread_mutex_lock(&srv->lock);
	for (i = 0; i < srv->nsessions; i++)
		if (srv->sessions[i]->tsih == tsih &&
		    !srv->sessions[i]->closing) {
			found = srv->sessions[i];
			break;
		}
	pthread_mutex_unlock(&srv->lock);
	return found;
}

/* Under the lock: take s out of the table. */
static void session_unlink(struct tgt_server *srv, struct tgt_session *s)
{
	size_t i;

	for (i = 0; i < srv->nsessions; i++)
		if (srv->sessions[i] == s) {
			srv->sessions[i] = srv->sessions[--srv->nsessions];
			break;
		}
	if (s->target)
		s->target->nsessions--;
}

void server_session_free(struct tgt_session *s)
{
	struct tgt_server *srv = s->srv;
	struct target_rt *t;
	size_t i;

	pthread_mutex_lock(&srv->lock);
	session_unlink(srv, s);
	t = s->target;
	pthread_mutex_unlock(&srv->lock);
	if (s->retain_timer && s->loop)
		loop_del_timer(s->loop, s->retain_timer);
	/* The I_T nexus is gone (SAM-5 §6.3): its unit attentions and
	 * SPC-2 reservation go with it. */
	for (i = 0; t && t->luns && i < t->luns->n; i++)
		lu_nexus_gone(t->luns->map[i].lu, s->nexus);
	ffp_session_fini(s); /* tasks and ffp state */
	free(s);
}

struct sess_post {
	struct tgt_server *srv;
	uint16_t tsih;
	char why[96];
};

static void session_close_here(struct tgt_session *s, const char *why)
{
	struct tgt_conn *c, *next;

	bool was;

	pthread_mutex_lock(&s->srv->lock);
	was = s->closing;
	s->closing = true; /* under the lock: no join gets in any more */
	s->retaining = false;
	pthread_mutex_unlock(&s->srv->lock);
	if (!was) {
		if (s->srv->verbose)
			server_msg("session tsih %u %s: closed: %s",
				   (unsigned)s->tsih, s->initiator_name, why);
	}
	for (c = s->conns; c; c = next) {
		next = c->sess_next;
		conn_close(c, why);
	}
	/* With connections left, the last one's teardown frees s
	 * (session_del_conn). */
	if (s->nconns == 0)
		server_session_free(s);
}

static void session_close_posted(void *arg)
{
	struct sess_post *q = arg;
	struct tgt_session *s = NULL;
	size_t i;

	pthread_mutex_lock(&q->srv->lock);
	for (i = 0; i < q->srv->nsessions; i++)
		if (q->srv->sessions[i]->tsih == q->tsih)
			s = q->srv->sessions[i];
	pthread_mutex_unlock(&q->srv->lock);
	if (s)
		session_close_here(s, q->why);
	free(q);
}

void server_session_close(struct tgt_session *s, const char *why)
{
	struct sess_post *q;

	if (!why)
		why = "session closed";
	if (tgt_on_loop(s->loop)) {
		session_close_here(s, why);
		return;
	}
	/* Another reactor owns s: ask it (§6.3.5 reinstatement may come
	 * from a login on any reactor). */
	q = calloc(1, sizeof(*q));
	if (!q)
		return;
	q->srv = s->srv;
	q->tsih = s->tsih;
	snprintf(q->why, sizeof(q->why), "%s", why);
	pthread_mutex_lock(&s->srv->lock);
	s->closing = true; /* no new lookups find it */
	pthread_mutex_unlock(&s->srv->lock);
	if (loop_post(s->loop, session_close_posted, q) < 0)
		free(q);
}

/* ---- ERL 2: a session without connections (§6.2.2) ------------------ */

static bool session_may_retain(struct tgt_session *s)
{
	bool ok;

	pthread_mutex_lock(&s->srv->lock);
	ok = !s->closing && !s->no_retain && !s->discovery &&
	     s->params.erl >= 2 && s->params.default_time2retain > 0;
	pthread_mutex_unlock(&s->srv->lock);
	return ok;
}

/* Time2Wait + Time2Retain passed with no connection joining: the session
 * ends, its tasks with it (§6.2.2, §13.16). */
static void session_retain_expired(struct loop *l, uint64_t id, void *arg)
{
	struct tgt_session *s = arg;
	bool expire;

	(void)l;
	if (id == s->retain_timer)
		s->retain_timer = 0;
	pthread_mutex_lock(&s->srv->lock);
	expire = s->retaining && s->nconns == 0 && !s->closing;
	s->retaining = false;
	pthread_mutex_unlock(&s->srv->lock);
	if (expire)
		session_close_here(s, "DefaultTime2Retain expired (§6.2.2)");
}

/* On s's loop: wait for a connection to join, or end s. */
static void session_retain_here(struct tgt_session *s)
{
	uint64_t ms = ((uint64_t)s->params.default_time2wait +
		       s->params.default_time2retain) * 1000u;
	bool closing, wait;
	unsigned n;

	pthread_mutex_lock(&s->srv->lock);
	closing = s->closing;
	n = s->nconns;
	wait = !closing && n == 0;
	s->retaining = wait;
	pthread_mutex_unlock(&s->srv->lock);
	if (closing && n == 0) {
		session_close_here(s, "closed");
		return;
	}
	if (!wait)
		return; /* a connection joined meanwhile */
	if (s->retain_timer)
		loop_del_timer(s->loop, s->retain_timer);
	s->retain_timer = loop_add_timer(s->loop, ms, session_retain_expired, s);
	if (!s->retain_timer) {
		session_close_here(s, "no timer for Time2Retain");
		return;
	}
	if (s->srv->verbose)
		server_msg("session tsih %u %s: no connection left, kept "
			   "%u+%u s for reassignment (RFC 7143 §6.2.2)",
			   (unsigned)s->tsih, s->initiator_name,
			   s->params.default_time2wait,
			   s->params.default_time2retain);
}

static void session_retain_posted(void *arg)
{
	struct sess_post *q = arg;
	struct tgt_session *s = NULL;
	size_t i;

	pthread_mutex_lock(&q->srv->lock);
	for (i = 0; i < q->srv->nsessions; i++)
		if (q->srv->sessions[i]->tsih == q->tsih)
			s = q->srv->sessions[i];
	pthread_mutex_unlock(&q->srv->lock);
	if (s)
		session_retain_here(s);
	free(q);
}

/* The session's timer lives on its loop: go there first. */
static void session_retain(struct tgt_session *s)
{
	struct sess_post *q;

	if (tgt_on_loop(s->loop)) {
		session_retain_here(s);
		return;
	}
	q = calloc(1, sizeof(*q));
	if (!q) {
		server_session_close(s, "last connection gone");
		return;
	}
	q->srv = s->srv;
	q->tsih = s->tsih;
	if (loop_post(s->loop, session_retain_posted, q) < 0) {
		free(q);
		server_session_close(s, "last connection gone");
	}
}

struct tgt_session *server_session_join(struct tgt_server *srv,
					uint16_t tsih,
					const struct tgt_session *expect,
					struct tgt_conn *c)
{
	struct tgt_session *s = NULL;
	size_t i;

	pthread_mutex_lock(&srv->lock);
	for (i = 0; i < srv->nsessions; i++)
		if (srv->sessions[i]->tsih == tsih &&
		    !srv->sessions[i]->closing) {
			s = srv->sessions[i];
			break;
		}
	if (s && s == expect) {
		c->sess = s;
		c->sess_next = s->conns;
		s->conns = c;
		s->nconns++;
		/* §6.2.2: a connection is back; the Time2Retain timer, if
		 * any, finds retaining off and does nothing */
		s->retaining = false;
	} else {
		s = NULL;
	}
	pthread_mutex_unlock(&srv->lock);
	if (s && s->retain_timer && tgt_on_loop(s->loop)) {
		loop_del_timer(s->loop, s->retain_timer);
		s->retain_timer = 0;
	}
	return s;
}

void session_add_conn(struct tgt_session *s, struct tgt_conn *c)
{
	pthread_mutex_lock(&s->srv->lock);
	c->sess = s;
	c->sess_next = s->conns;
	s->conns = c;
	s->nconns++;
	pthread_mutex_unlock(&s->srv->lock);
}

void session_del_conn(struct tgt_session *s, struct tgt_conn *c)
{
	struct tgt_conn **pp;
	unsigned left;

	pthread_mutex_lock(&s->srv->lock);
	for (pp = &s->conns; *pp; pp = &(*pp)->sess_next)
		if (*pp == c) {
			*pp = c->sess_next;
			s->nconns--;
			break;
		}
	c->sess_next = NULL;
	left = s->nconns;
	pthread_mutex_unlock(&s->srv->lock);
	if (c->sess == s)
		c->sess = NULL;
	if (left != 0)
		return;
	/* §6.2.2, §7.1.3: at ErrorRecoveryLevel 2 a session whose last
	 * connection failed (no Logout closing it) keeps its state and the
	 * connection's tasks for Time2Wait + Time2Retain, for a new
	 * connection to join and reassign them.  Otherwise it ends with its
	 * last connection (ERL 0/1: the tasks ended in ffp_conn_gone). */
	if (session_may_retain(s))
		session_retain(s);
	else
		server_session_close(s, s->closing ? "closed"
						   : "last connection gone");
}

/* Sessions still in the table at exit (no connection left anywhere). */
void server_sessions_fini(struct tgt_server *srv)
{
	while (srv->nsessions > 0) {
		struct tgt_session *s = srv->sessions[srv->nsessions - 1];

		s->conns = NULL; /* every connection is gone already */
		s->nconns = 0;
		server_session_free(s);
	}
}
