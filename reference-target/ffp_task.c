/* SPDX-License-Identifier: MIT */
/*
 * ffp_task.c - the session's task table (by Initiator Task Tag), its
 * free list, the CmdSN-ordered queues and the statuses kept for SNACK.
 *
 * Queues of a session (all touched by the session's loop only):
 *   held      commands received ahead of ExpCmdSN, by CmdSN (§4.2.2.1)
 *   execq     SCSI tasks delivered in CmdSN order, executed from the head
 *   retained  tasks whose status was sent but not yet acknowledged by
 *             ExpStatSN (ErrorRecoveryLevel >= 1 only, for SNACK)
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "ffp_int.h"
#include "serial.h"

/*
 * Spare large read buffers of the calling reactor thread.  A read buffer
 * outlives its task while queued Data-In PDUs point into it, so it cannot
 * stay with the task; it comes back here when its last reference goes, and
 * the next large read takes it.  Without this every 1 MiB read paid for a
 * fresh allocation that malloc had just trimmed: page faults were a third
 * of the target's time (docs/performance.md).  A buffer is released on the
 * loop that queued its Data-In (the session's), so the cache needs no lock;
 * a thread's spares are freed when it exits.
 */
#define FFP_BUF_CACHE_MIN 65536u	      /* smaller: plain malloc/free */
#define FFP_BUF_CACHE_BYTES (32u << 20) /* spares kept per thread */

struct ffp_buf_cache {
	struct ffp_buf *head; /* linked through the first bytes of data[] */
	size_t bytes;
};

static __thread struct ffp_buf_cache buf_cache;
static pthread_key_t buf_cache_key;
static pthread_once_t buf_cache_once = PTHREAD_ONCE_INIT;
static int buf_cache_ok;

static struct ffp_buf *buf_next(struct ffp_buf *b)
{
	struct ffp_buf *n;

	memcpy(&n, b->data, sizeof(n));
	return n;
}

static void buf_cache_drop(void *arg)
{
	struct ffp_buf_cache *bc = arg;
	struct ffp_buf *b;

	while ((b = bc->head)) {
		bc->head = buf_next(b);
		free(b);
	}
	bc->bytes = 0;
}

static void buf_cache_init(void)
{
	buf_cache_ok = pthread_key_create(&buf_cache_key, buf_cache_drop) == 0;
}

/* A spare of at least cap bytes, not more than twice that. */
static struct ffp_buf *buf_cache_take(size_t cap)
{
	struct ffp_buf *prev = NULL, *b, *n;

	for (b = buf_cache.head; b; prev = b, b = buf_next(b)) {
		if (b->cap < cap || b->cap / 2 > cap)
			continue;
		n = buf_next(b);
		if (prev)
			memcpy(prev->data, &n, sizeof(n));
		else
			buf_cache.head = n;
		buf_cache.bytes -= b->cap;
		return b;
	}
	return NULL;
}

static bool buf_cache_put(struct ffp_buf *b)
{
	if (b->cap < FFP_BUF_CACHE_MIN ||
	    buf_cache.bytes + b->cap > FFP_BUF_CACHE_BYTES)
		return false;
	pthread_once(&buf_cache_once, buf_cache_init);
	if (!buf_cache_ok)
		return false;
	if (!buf_cache.head)
		pthread_setspecific(buf_cache_key, &buf_cache);
	memcpy(b->data, &buf_cache.head, sizeof(buf_cache.head));
	buf_cache.head = b;
	buf_cache.bytes += b->cap;
	return true;
}

struct ffp_buf *ffp_buf_new(size_t cap)
{
	struct ffp_buf *b = NULL;

	if (cap >= FFP_BUF_CACHE_MIN)
		b = buf_cache_take(cap);
	if (!b) {
		b = malloc(sizeof(*b) + (cap ? cap : 1));
		if (!b)
			return NULL;
		b->cap = cap;
	}
	b->refs = 1;
	return b;
}

void ffp_buf_ref(struct ffp_buf *b)
{
	b->refs++;
}

void ffp_buf_release(void *arg)
{
	struct ffp_buf *b = arg;

	if (b && --b->refs == 0 && !buf_cache_put(b))
		free(b);
}
static unsigned queue_depth(const struct tgt_session *s)
{
	const char *v = NULL;
	unsigned long n;
	char *end;

	if (s->target)
		v = config_key(&s->srv->cfg, s->target->cfg, "QueuedCommands");
	if (v) {
		n = strtoul(v, &end, 10);
		if (*end == '\0' && n >= 1 && n <= FFP_QUEUE_DEPTH_MAX)
			return (unsigned)n;
	}
	return s->queue_depth ? s->queue_depth : FFP_QUEUE_DEPTH_DEFAULT;
}

struct ffp_sess *ffp_sess_get(struct tgt_session *s)
{
	struct ffp_sess *f;
	uint32_t max;

	if (s->ffp)
		return s->ffp;
	f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	if (!s->tasks) {
		s->tasks = calloc(FFP_HASH_BUCKETS, sizeof(*s->tasks));
		if (!s->tasks) {
			free(f);
			return NULL;
		}
		s->ntask_buckets = FFP_HASH_BUCKETS;
	}
	f->next_ttt = (uint32_t)(s->tsih) << 16 | 1u;
	s->queue_depth = queue_depth(s);
	/* MaxCmdSN = ExpCmdSN + depth - 1, never moving back (§4.2.2.1) */
	max = s->exp_cmdsn + s->queue_depth - 1u;
	if (iscsi_sn_gt(max, s->max_cmdsn) ||
	    !iscsi_window_valid(s->exp_cmdsn, s->max_cmdsn))
		s->max_cmdsn = max;
	s->ffp = f;
	return f;
}

uint32_t ffp_next_ttt(struct tgt_session *s)
{
	struct ffp_sess *f = s->ffp;
	uint32_t ttt = f->next_ttt++;

	/* 0xffffffff is reserved (§11.2.1.7, §11.8.3) */
	if (ttt == ISCSI_RSVD_TAG)
		ttt = f->next_ttt++;
	return ttt;
}

struct lu_set *ffp_luns(struct tgt_session *s)
{
	static struct lu_set none; /* zero: no LU mapped */

	if (s->target && s->target->luns)
		return s->target->luns;
	return &none;
}

static size_t bucket(const struct tgt_session *s, uint32_t itt)
{
	uint32_t h = itt * 2654435761u;

	return (h >> 16 ^ h) & (s->ntask_buckets - 1);
}

struct tgt_task *task_new(struct tgt_session *s, struct tgt_conn *c)
{
	struct ffp_sess *f = s->ffp;
	struct tgt_task *t = f->free;
	uint8_t *wbuf = NULL;
	uint32_t walloc = 0;
	struct ffp_buf *rbuf = NULL;

	if (t) {
		f->free = t->hash_next;
		f->nfree--;
		wbuf = t->wbuf;
		walloc = t->wbuf_alloc;
		rbuf = t->rbuf;
		memset(t, 0, sizeof(*t));
	} else {
		t = calloc(1, sizeof(*t));
		if (!t)
			return NULL;
	}
	t->wbuf = wbuf;
	t->wbuf_alloc = walloc;
	t->rbuf = rbuf;
	t->sess = s;
	t->conn = c;
	t->cid = c ? c->cid : 0;
	t->din_ttt = ISCSI_RSVD_TAG;
	return t;
}

void task_hash_add(struct tgt_task *t)
{
	struct tgt_session *s = t->sess;
	size_t b = bucket(s, t->itt);

	t->hash_next = s->tasks[b];
	s->tasks[b] = t;
	t->in_hash = true;
	s->ntasks++;
}

void task_hash_del(struct tgt_task *t)
{
	struct tgt_session *s = t->sess;
	struct tgt_task **pp;

	if (!t->in_hash)
		return;
	for (pp = &s->tasks[bucket(s, t->itt)]; *pp; pp = &(*pp)->hash_next)
		if (*pp == t) {
			*pp = t->hash_next;
			break;
		}
	t->in_hash = false;
	t->hash_next = NULL;
	s->ntasks--;
}

struct tgt_task *task_find(struct tgt_session *s, uint32_t itt)
{
	struct tgt_task *t;

	if (!s->tasks)
		return NULL;
	for (t = s->tasks[bucket(s, itt)]; t; t = t->hash_next)
		if (t->itt == itt)
			return t;
	return NULL;
}

int task_hold(struct tgt_task *t)
{
	struct tgt_session *s = t->sess;
	struct tgt_task **pp;
	int32_t d = iscsi_sn_diff(t->cmdsn, s->exp_cmdsn);

	for (pp = &s->held; *pp; pp = &(*pp)->held_next) {
		int32_t e = iscsi_sn_diff((*pp)->cmdsn, s->exp_cmdsn);

		if (e == d)
			return -1;
		if (e > d)
			break;
	}
	t->held_next = *pp;
	*pp = t;
	t->state = TASK_HELD;
	return 0;
}

struct tgt_task *task_held_find(struct tgt_session *s, uint32_t cmdsn)
{
	struct tgt_task *t;

	for (t = s->held; t; t = t->held_next)
		if (t->cmdsn == cmdsn)
			return t;
	return NULL;
}

void task_unhold(struct tgt_task *t)
{
	struct tgt_task **pp;

	for (pp = &t->sess->held; *pp; pp = &(*pp)->held_next)
		if (*pp == t) {
			*pp = t->held_next;
			t->held_next = NULL;
			return;
		}
}

void task_execq_add(struct tgt_task *t)
{
	struct ffp_sess *f = t->sess->ffp;

	t->exec_next = NULL;
	if (f->execq_tail)
		f->execq_tail->exec_next = t;
	else
		f->execq = t;
	f->execq_tail = t;
	t->in_execq = true;
}

void task_execq_del(struct tgt_task *t)
{
	struct ffp_sess *f = t->sess->ffp;
	struct tgt_task *p = NULL, *q;

	if (!t->in_execq)
		return;
	for (q = f->execq; q && q != t; q = q->exec_next)
		p = q;
	if (!q)
		return;
	if (p)
		p->exec_next = t->exec_next;
	else
		f->execq = t->exec_next;
	if (f->execq_tail == t)
		f->execq_tail = p;
	t->exec_next = NULL;
	t->in_execq = false;
}

void task_unretain(struct tgt_task *t)
{
	struct ffp_sess *f = t->sess->ffp;
	struct tgt_task *p = NULL, *q;

	if (!t->in_retained)
		return;
	for (q = f->retained; q && q != t; q = q->ret_next)
		p = q;
	if (!q)
		return;
	if (p)
		p->ret_next = t->ret_next;
	else
		f->retained = t->ret_next;
	if (f->retained_tail == t)
		f->retained_tail = p;
	t->ret_next = NULL;
	t->in_retained = false;
	f->nretained--;
}

void task_free(struct tgt_task *t)
{
	struct tgt_session *s = t->sess;
	struct ffp_sess *f = s->ffp;

	task_hash_del(t);
	task_unhold(t);
	task_execq_del(t);
	task_unretain(t);
	if (t->kind == FFP_KIND_SCSI && t->immediate && f->nimmediate)
		f->nimmediate--;
	if (t->pdu) {
		iscsi_pdu_free(t->pdu);
		t->pdu = NULL;
	}
	/* queued Data-In may still point into the read buffer */
	if (t->rbuf && t->rbuf->refs > 1) {
		ffp_buf_release(t->rbuf);
		t->rbuf = NULL;
	}
	if (f->nfree < FFP_MAX_FREE_TASKS) {
		t->hash_next = f->free;
		f->free = t;
		f->nfree++;
		return;
	}
	free(t->wbuf);
	ffp_buf_release(t->rbuf);
	free(t);
}

/*
 * Keep a task whose status was sent until ExpStatSN acknowledges it, so a
 * Status or Data SNACK can be answered (§11.16; only ERL >= 1 uses SNACK).
 * Bounded: past FFP_MAX_RETAINED the oldest is dropped.
 */
void task_retain(struct tgt_task *t)
{
	struct ffp_sess *f = t->sess->ffp;

	t->state = TASK_DONE;
	t->ret_next = NULL;
	if (f->retained_tail)
		f->retained_tail->ret_next = t;
	else
		f->retained = t;
	f->retained_tail = t;
	t->in_retained = true;
	f->nretained++;
	if (f->nretained > FFP_MAX_RETAINED)
		task_free(f->retained);
}

/* §4.2.2.2: ExpStatSN acknowledges every status with a lower StatSN. */
void task_ack(struct tgt_conn *c)
{
	struct ffp_sess *f = c->sess->ffp;
	struct tgt_task *t, *next;

	for (t = f->retained; t; t = next) {
		next = t->ret_next;
		if (t->conn == c && iscsi_sn_lt(t->statsn, c->exp_statsn))
			task_free(t);
	}
}

void task_abort(struct tgt_task *t)
{
	struct ffp_sess *f = t->sess->ffp;

	/* Data-Out still in flight for it is dropped without a Reject */
	if (t->kind == FFP_KIND_SCSI &&
	    (t->state == TASK_RECEIVING || t->state == TASK_HELD)) {
		f->aborted[f->aborted_next] = t->itt;
		f->aborted_next = (f->aborted_next + 1) % FFP_ABORTED_RING;
	}
	if (t->state == TASK_HELD && t->kind == FFP_KIND_SCSI) {
		/* its CmdSN stays received (§6.9): the task turns into a
		 * plug in the held list */
		task_hash_del(t);
		t->kind = FFP_KIND_PLUG;
		return;
	}
	task_free(t);
}

static void free_all(struct tgt_session *s)
{
	struct ffp_sess *f = s->ffp;
	struct tgt_task *t;

	while (s->held)
		task_free(s->held);
	for (size_t b = 0; b < s->ntask_buckets; b++)
		while (s->tasks[b])
			task_free(s->tasks[b]);
	while (f->retained)
		task_free(f->retained);
	while (f->execq)
		task_free(f->execq);
	while ((t = f->free)) {
		f->free = t->hash_next;
		free(t->wbuf);
		ffp_buf_release(t->rbuf);
		free(t);
	}
	f->nfree = 0;
}

void ffp_session_fini(struct tgt_session *s)
{
	struct ffp_sess *f = s->ffp;

	if (f) {
		/* nothing may return to the free list from here on */
		f->nfree = FFP_MAX_FREE_TASKS;
		free_all(s);
		if (f->retain_timer && s->loop)
			loop_del_timer(s->loop, f->retain_timer);
		free(f);
		s->ffp = NULL;
	}
	free(s->tasks);
	s->tasks = NULL;
	s->ntask_buckets = 0;
	s->ntasks = 0;
}
