/* SPDX-License-Identifier: MIT */
/*
 * loop.c - the event loop: descriptor table, timer heap, cross-thread post
 * queue and deferred frees.  The polling itself is in loop_epoll.c.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "loop.h"

struct loop_fde {
	loop_fd_cb cb;
	void *arg;
	unsigned mask;
	bool used;
	uint32_t gen; /* bumped on every add: tells old readiness apart */
};

struct loop_timer {
	uint64_t when; /* loop_now_ms() deadline */
	uint64_t seq;  /* insertion order, breaks ties */
	uint64_t id;
	loop_timer_cb cb;
	void *arg;
};

struct loop_closure {
	loop_fn fn;
	void *arg;
	struct loop_closure *next;
};

struct loop {
	struct loop_backend *be;
	unsigned max_fds;
	struct loop_fde *fds;
	struct loop_fired *fired;
	uint32_t *fired_gen;

	struct loop_timer *heap; /* binary min-heap on (when, seq) */
	size_t ntimers, timer_cap;
	uint64_t next_id, next_seq;
	/* the timer whose callback is running, if any */
	struct loop_timer running;
	bool in_timer, running_rearmed, running_deleted;

	int wakefd; /* eventfd: loop_post() and loop_stop() wake the poll */
	pthread_mutex_t post_lock;
	struct loop_closure *post_head, *post_tail;

	struct loop_closure *defer; /* array */
	size_t ndefer, defer_cap;

	atomic_bool stop;
};

uint64_t loop_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* ---- wakeup ------------------------------------------------------------ */

static void loop_wake(struct loop *l)
{
	uint64_t one = 1;
	ssize_t r;

	/* EAGAIN means the counter is already non-zero: the poll will wake. */
	do
		r = write(l->wakefd, &one, sizeof(one));
	while (r < 0 && errno == EINTR);
}

static void loop_wake_cb(struct loop *l, int fd, unsigned events, void *arg)
{
	uint64_t v;

	(void)l;
	(void)events;
	(void)arg;
	while (read(fd, &v, sizeof(v)) < 0 && errno == EINTR)
		;
}

/* ---- life cycle -------------------------------------------------------- */

struct loop *loop_new(unsigned max_fds, char *err, size_t errlen)
{
	struct loop *l;

	if (max_fds < 2 || max_fds > (unsigned)INT_MAX) {
		snprintf(err, errlen, "loop: max_fds %u out of range", max_fds);
		return NULL;
	}
	l = calloc(1, sizeof(*l));
	if (!l) {
		snprintf(err, errlen, "loop: out of memory");
		return NULL;
	}
	l->wakefd = -1;
	l->max_fds = max_fds;
	l->next_id = 1;
	atomic_init(&l->stop, false);
	pthread_mutex_init(&l->post_lock, NULL);
	l->fds = calloc(max_fds, sizeof(*l->fds));
	l->fired = calloc(max_fds, sizeof(*l->fired));
	l->fired_gen = calloc(max_fds, sizeof(*l->fired_gen));
	if (!l->fds || !l->fired || !l->fired_gen) {
		snprintf(err, errlen, "loop: out of memory");
		goto fail;
	}
	l->be = loop_backend_new(max_fds, err, errlen);
	if (!l->be)
		goto fail;
	l->wakefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (l->wakefd < 0) {
		snprintf(err, errlen, "eventfd: %s", strerror(errno));
		goto fail;
	}
	if (loop_add_fd(l, l->wakefd, LOOP_READ, loop_wake_cb, NULL) < 0) {
		snprintf(err, errlen, "loop: cannot watch eventfd %d: %s",
			 l->wakefd, strerror(errno));
		goto fail;
	}
	return l;
fail:
	loop_free(l);
	return NULL;
}

static void loop_run_defers(struct loop *l)
{
	/* A deferred free may defer more: run until none is left. */
	for (size_t i = 0; i < l->ndefer; i++)
		l->defer[i].fn(l->defer[i].arg);
	l->ndefer = 0;
}

void loop_free(struct loop *l)
{
	struct loop_closure *c, *next;

	if (!l)
		return;
	loop_run_defers(l);
	for (c = l->post_head; c; c = next) {
		next = c->next;
		free(c);
	}
	if (l->wakefd >= 0)
		close(l->wakefd);
	loop_backend_free(l->be);
	pthread_mutex_destroy(&l->post_lock);
	free(l->defer);
	free(l->heap);
	free(l->fired_gen);
	free(l->fired);
	free(l->fds);
	free(l);
}

/* ---- descriptors ------------------------------------------------------- */

static struct loop_fde *loop_fde(struct loop *l, int fd)
{
	if (fd < 0 || (unsigned)fd >= l->max_fds) {
		errno = fd < 0 ? EBADF : ERANGE;
		return NULL;
	}
	return &l->fds[fd];
}

int loop_add_fd(struct loop *l, int fd, unsigned mask, loop_fd_cb cb,
		void *arg)
{
	struct loop_fde *e = loop_fde(l, fd);

	if (!e)
		return -1;
	if (!cb || (mask & ~(LOOP_READ | LOOP_WRITE))) {
		errno = EINVAL;
		return -1;
	}
	if (e->used) {
		errno = EEXIST;
		return -1;
	}
	if (loop_backend_set(l->be, fd, 0, mask) < 0)
		return -1;
	e->cb = cb;
	e->arg = arg;
	e->mask = mask;
	e->used = true;
	e->gen++;
	return 0;
}

int loop_mod_fd(struct loop *l, int fd, unsigned mask)
{
	struct loop_fde *e = loop_fde(l, fd);

	if (!e)
		return -1;
	if (mask & ~(LOOP_READ | LOOP_WRITE)) {
		errno = EINVAL;
		return -1;
	}
	if (!e->used) {
		errno = ENOENT;
		return -1;
	}
	if (loop_backend_set(l->be, fd, e->mask, mask) < 0)
		return -1;
	e->mask = mask;
	return 0;
}

int loop_del_fd(struct loop *l, int fd)
{
	struct loop_fde *e = loop_fde(l, fd);
	int rc;

	if (!e)
		return -1;
	if (!e->used) {
		errno = ENOENT;
		return -1;
	}
	rc = loop_backend_set(l->be, fd, e->mask, 0);
	/* Forget it even if the backend complained: the caller closes it. */
	e->used = false;
	e->mask = 0;
	e->cb = NULL;
	e->arg = NULL;
	return rc;
}

/* ---- timers ------------------------------------------------------------ */

static bool timer_before(const struct loop_timer *a, const struct loop_timer *b)
{
	return a->when < b->when || (a->when == b->when && a->seq < b->seq);
}

static void timer_swap(struct loop *l, size_t i, size_t j)
{
	struct loop_timer t = l->heap[i];

	l->heap[i] = l->heap[j];
	l->heap[j] = t;
}

static void heap_up(struct loop *l, size_t i)
{
	while (i > 0) {
		size_t p = (i - 1) / 2;

		if (!timer_before(&l->heap[i], &l->heap[p]))
			break;
		timer_swap(l, i, p);
		i = p;
	}
}

static void heap_down(struct loop *l, size_t i)
{
	for (;;) {
		size_t a = 2 * i + 1, b = a + 1, m = i;

		if (a < l->ntimers && timer_before(&l->heap[a], &l->heap[m]))
			m = a;
		if (b < l->ntimers && timer_before(&l->heap[b], &l->heap[m]))
			m = b;
		if (m == i)
			break;
		timer_swap(l, i, m);
		i = m;
	}
}

static void heap_remove(struct loop *l, size_t i)
{
	l->ntimers--;
	if (i == l->ntimers)
		return;
	l->heap[i] = l->heap[l->ntimers];
	heap_down(l, i);
	heap_up(l, i);
}

static int heap_push(struct loop *l, const struct loop_timer *t)
{
	if (l->ntimers == l->timer_cap) {
		size_t cap = l->timer_cap ? l->timer_cap * 2 : 16;
		struct loop_timer *h = realloc(l->heap, cap * sizeof(*h));

		if (!h) {
			errno = ENOMEM;
			return -1;
		}
		l->heap = h;
		l->timer_cap = cap;
	}
	l->heap[l->ntimers] = *t;
	heap_up(l, l->ntimers++);
	return 0;
}

/* Heap index of timer id, or SIZE_MAX.  A linear scan: few timers live. */
static size_t heap_find(const struct loop *l, uint64_t id)
{
	for (size_t i = 0; i < l->ntimers; i++)
		if (l->heap[i].id == id)
			return i;
	return SIZE_MAX;
}

static uint64_t deadline(uint64_t ms)
{
	uint64_t now = loop_now_ms();

	return ms > UINT64_MAX - now ? UINT64_MAX : now + ms;
}

/*
 * Is id the timer whose callback is running and that is neither re-armed
 * (then it is back in the heap) nor cancelled?
 */
static bool running_timer(const struct loop *l, uint64_t id)
{
	return l->in_timer && l->running.id == id && !l->running_rearmed &&
	       !l->running_deleted;
}

uint64_t loop_add_timer(struct loop *l, uint64_t ms, loop_timer_cb cb,
			void *arg)
{
	struct loop_timer t = {
		.when = deadline(ms),
		.seq = l->next_seq++,
		.id = l->next_id,
		.cb = cb,
		.arg = arg,
	};

	if (!cb) {
		errno = EINVAL;
		return 0;
	}
	if (heap_push(l, &t) < 0)
		return 0;
	l->next_id++;
	return t.id;
}

int loop_rearm_timer(struct loop *l, uint64_t id, uint64_t ms)
{
	size_t i;

	if (running_timer(l, id)) {
		/* Back into the heap now, so a failure reaches the caller. */
		struct loop_timer t = l->running;

		t.when = deadline(ms);
		t.seq = l->next_seq++;
		if (heap_push(l, &t) < 0)
			return -1;
		l->running_rearmed = true;
		return 0;
	}
	i = heap_find(l, id);
	if (i == SIZE_MAX) {
		errno = ENOENT;
		return -1;
	}
	l->heap[i].when = deadline(ms);
	l->heap[i].seq = l->next_seq++;
	heap_down(l, i);
	heap_up(l, i);
	return 0;
}

int loop_del_timer(struct loop *l, uint64_t id)
{
	size_t i;

	if (running_timer(l, id)) {
		l->running_deleted = true;
		return 0;
	}
	i = heap_find(l, id);
	if (i == SIZE_MAX) {
		errno = ENOENT;
		return -1;
	}
	heap_remove(l, i);
	return 0;
}

/* Run the timers due at now that existed when the round began. */
static void loop_run_timers(struct loop *l, uint64_t now)
{
	uint64_t round_seq = l->next_seq;

	while (l->ntimers > 0 && l->heap[0].when <= now &&
	       l->heap[0].seq < round_seq) {
		l->running = l->heap[0];
		heap_remove(l, 0);
		l->in_timer = true;
		l->running_rearmed = false;
		l->running_deleted = false;
		l->running.cb(l, l->running.id, l->running.arg);
		l->in_timer = false;
	}
}

/* Milliseconds until the earliest timer, capped by limit (-1 = none). */
static int loop_poll_timeout(const struct loop *l, int limit)
{
	uint64_t now, wait;

	if (l->ntimers == 0)
		return limit;
	now = loop_now_ms();
	wait = l->heap[0].when > now ? l->heap[0].when - now : 0;
	if (wait > INT_MAX)
		wait = INT_MAX;
	if (limit >= 0 && (uint64_t)limit < wait)
		return limit;
	return (int)wait;
}

/* ---- closures ---------------------------------------------------------- */

int loop_post(struct loop *l, loop_fn fn, void *arg)
{
	struct loop_closure *c = malloc(sizeof(*c));

	if (!c) {
		errno = ENOMEM;
		return -1;
	}
	c->fn = fn;
	c->arg = arg;
	c->next = NULL;
	pthread_mutex_lock(&l->post_lock);
	if (l->post_tail)
		l->post_tail->next = c;
	else
		l->post_head = c;
	l->post_tail = c;
	pthread_mutex_unlock(&l->post_lock);
	loop_wake(l);
	return 0;
}

static void loop_run_posts(struct loop *l)
{
	struct loop_closure *c, *next;

	pthread_mutex_lock(&l->post_lock);
	c = l->post_head;
	l->post_head = l->post_tail = NULL;
	pthread_mutex_unlock(&l->post_lock);
	for (; c; c = next) {
		next = c->next;
		c->fn(c->arg);
		free(c);
	}
}

static bool loop_posts_pending(struct loop *l)
{
	bool pending;

	pthread_mutex_lock(&l->post_lock);
	pending = l->post_head != NULL;
	pthread_mutex_unlock(&l->post_lock);
	return pending;
}

int loop_defer_free(struct loop *l, loop_fn fn, void *arg)
{
	if (l->ndefer == l->defer_cap) {
		size_t cap = l->defer_cap ? l->defer_cap * 2 : 16;
		struct loop_closure *d = realloc(l->defer, cap * sizeof(*d));

		if (!d) {
			errno = ENOMEM;
			return -1;
		}
		l->defer = d;
		l->defer_cap = cap;
	}
	l->defer[l->ndefer].fn = fn;
	l->defer[l->ndefer].arg = arg;
	l->defer[l->ndefer].next = NULL;
	l->ndefer++;
	return 0;
}

/* ---- dispatch ---------------------------------------------------------- */

static void loop_dispatch_fds(struct loop *l, int n)
{
	for (int i = 0; i < n; i++)
		l->fired_gen[i] = l->fds[l->fired[i].fd].gen;
	for (int i = 0; i < n; i++) {
		int fd = l->fired[i].fd;
		struct loop_fde *e = &l->fds[fd];
		unsigned ev;

		/* Deleted (or deleted and re-added) earlier in this round. */
		if (!e->used || e->gen != l->fired_gen[i])
			continue;
		ev = l->fired[i].events & (e->mask | LOOP_ERROR);
		if (ev)
			e->cb(l, fd, ev, e->arg);
	}
}

int loop_run_once(struct loop *l, int timeout_ms)
{
	int n, timeout = loop_poll_timeout(l, timeout_ms);

	if (loop_posts_pending(l) || atomic_load(&l->stop))
		timeout = 0;
	n = loop_backend_poll(l->be, l->fired, l->max_fds, timeout);
	if (n < 0)
		return -1;
	loop_dispatch_fds(l, n);
	loop_run_timers(l, loop_now_ms());
	loop_run_posts(l);
	loop_run_defers(l);
	return 0;
}

int loop_run(struct loop *l)
{
	int rc = 0;

	while (!atomic_load(&l->stop)) {
		rc = loop_run_once(l, -1);
		if (rc < 0)
			break;
	}
	atomic_store(&l->stop, false);
	return rc;
}

void loop_stop(struct loop *l)
{
	atomic_store(&l->stop, true);
	loop_wake(l);
}
