/* SPDX-License-Identifier: MIT */
/*
 * test_loop.c - the reference target's event loop (reference-target/loop.h).
 *
 * No RFC governs the loop; each test cites the rule of loop.h it checks.
 * Run under ASan too: the deletion tests free a context the loop must no
 * longer touch.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "loop.h"
#include "unit.h"

static struct loop *new_loop(void)
{
	char err[256] = "";
	struct loop *l = loop_new(1024, err, sizeof(err));

	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	return l;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

/* ---- readiness --------------------------------------------------------- */

struct ready {
	int calls;
	unsigned events;
	int fd;
};

static void ready_cb(struct loop *l, int fd, unsigned events, void *arg)
{
	struct ready *r = arg;

	(void)l;
	r->calls++;
	r->events |= events;
	r->fd = fd;
}

/* loop.h round step 2: a readable pipe calls its callback with LOOP_READ. */
static void loop_pipe_read_readiness(void)
{
	struct loop *l = new_loop();
	struct ready r = {0, 0, -1};
	int p[2];

	CU_ASSERT_EQUAL_FATAL(pipe(p), 0);
	CU_ASSERT_EQUAL(loop_add_fd(l, p[0], LOOP_READ, ready_cb, &r), 0);
	CU_ASSERT_EQUAL(loop_run_once(l, 0), 0);
	CU_ASSERT_EQUAL(r.calls, 0); /* nothing written yet */
	CU_ASSERT_EQUAL(write(p[1], "x", 1), 1);
	CU_ASSERT_EQUAL(loop_run_once(l, 1000), 0);
	CU_ASSERT_EQUAL(r.calls, 1);
	CU_ASSERT_EQUAL(r.events, LOOP_READ);
	CU_ASSERT_EQUAL(r.fd, p[0]);
	loop_del_fd(l, p[0]);
	close(p[0]);
	close(p[1]);
	loop_free(l);
}

/* loop.h loop_mod_fd: write interest is reported, and dropped on request. */
static void loop_pipe_write_readiness_and_mod(void)
{
	struct loop *l = new_loop();
	struct ready r = {0, 0, -1};
	int p[2];

	CU_ASSERT_EQUAL_FATAL(pipe(p), 0);
	CU_ASSERT_EQUAL(loop_add_fd(l, p[1], LOOP_WRITE, ready_cb, &r), 0);
	CU_ASSERT_EQUAL(loop_run_once(l, 1000), 0);
	CU_ASSERT_EQUAL(r.calls, 1);
	CU_ASSERT_EQUAL(r.events, LOOP_WRITE);
	CU_ASSERT_EQUAL(loop_mod_fd(l, p[1], 0), 0);
	CU_ASSERT_EQUAL(loop_run_once(l, 0), 0);
	CU_ASSERT_EQUAL(r.calls, 1);
	CU_ASSERT_EQUAL(loop_mod_fd(l, p[1], LOOP_WRITE), 0);
	CU_ASSERT_EQUAL(loop_run_once(l, 1000), 0);
	CU_ASSERT_EQUAL(r.calls, 2);
	loop_del_fd(l, p[1]);
	close(p[0]);
	close(p[1]);
	loop_free(l);
}

/* loop.h LOOP_ERROR: a pipe whose writer closed reports hang-up. */
static void loop_hangup_reported_as_error(void)
{
	struct loop *l = new_loop();
	struct ready r = {0, 0, -1};
	int p[2];

	CU_ASSERT_EQUAL_FATAL(pipe(p), 0);
	close(p[1]);
	CU_ASSERT_EQUAL(loop_add_fd(l, p[0], LOOP_READ, ready_cb, &r), 0);
	CU_ASSERT_EQUAL(loop_run_once(l, 1000), 0);
	CU_ASSERT_EQUAL(r.calls, 1);
	CU_ASSERT(r.events & LOOP_ERROR);
	loop_del_fd(l, p[0]);
	close(p[0]);
	loop_free(l);
}

/* loop.h loop_add_fd: bad descriptors and double registration fail. */
static void loop_add_fd_rejects_bad_input(void)
{
	char err[128];
	struct loop *l = loop_new(64, err, sizeof(err));
	struct ready r = {0, 0, -1};
	int p[2];

	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	CU_ASSERT_EQUAL_FATAL(pipe(p), 0);
	CU_ASSERT_EQUAL(loop_add_fd(l, 64, LOOP_READ, ready_cb, &r), -1);
	CU_ASSERT_EQUAL(errno, ERANGE);
	CU_ASSERT_EQUAL(loop_add_fd(l, -1, LOOP_READ, ready_cb, &r), -1);
	CU_ASSERT_EQUAL(loop_add_fd(l, p[0], 0x80, ready_cb, &r), -1);
	CU_ASSERT_EQUAL(errno, EINVAL);
	CU_ASSERT_EQUAL(loop_add_fd(l, p[0], LOOP_READ, ready_cb, &r), 0);
	CU_ASSERT_EQUAL(loop_add_fd(l, p[0], LOOP_READ, ready_cb, &r), -1);
	CU_ASSERT_EQUAL(errno, EEXIST);
	CU_ASSERT_EQUAL(loop_del_fd(l, p[0]), 0);
	CU_ASSERT_EQUAL(loop_del_fd(l, p[0]), -1);
	CU_ASSERT_EQUAL(errno, ENOENT);
	CU_ASSERT_EQUAL(loop_mod_fd(l, p[0], LOOP_READ), -1);
	CU_ASSERT_EQUAL(errno, ENOENT);
	close(p[0]);
	close(p[1]);
	CU_ASSERT_PTR_NULL(loop_new(1, err, sizeof(err)));
	loop_free(l);
}

/* ---- deletion during dispatch ------------------------------------------- */

struct conn {
	struct loop *l;
	int rfd, wfd;
	int *calls;
	struct conn *victim;   /* the other connection, torn down by us */
	struct conn **runner;  /* set to the one whose callback ran */
};

static void conn_close_free(struct conn *c)
{
	loop_del_fd(c->l, c->rfd);
	close(c->rfd);
	close(c->wfd);
	free(c);
}

static void victim_cb(struct loop *l, int fd, unsigned events, void *arg)
{
	struct conn *c = arg; /* freed memory if the loop is wrong: ASan */

	(void)l;
	(void)fd;
	(void)events;
	(*c->calls)++;
	*c->runner = c;
	conn_close_free(c->victim); /* no deferral: the loop must cope */
}

/*
 * loop.h round step 2: a callback that deletes and frees another ready fd
 * in the same round; the other fd's callback must not run.
 */
static void loop_delete_other_fd_in_same_round(void)
{
	struct loop *l = new_loop();
	int calls = 0, p[2], q[2];
	struct conn *a = calloc(1, sizeof(*a)), *b = calloc(1, sizeof(*b));
	struct conn *runner = NULL;

	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	CU_ASSERT_EQUAL_FATAL(pipe(p), 0);
	CU_ASSERT_EQUAL_FATAL(pipe(q), 0);
	*a = (struct conn){l, p[0], p[1], &calls, b, &runner};
	*b = (struct conn){l, q[0], q[1], &calls, a, &runner};
	CU_ASSERT_EQUAL(loop_add_fd(l, a->rfd, LOOP_READ, victim_cb, a), 0);
	CU_ASSERT_EQUAL(loop_add_fd(l, b->rfd, LOOP_READ, victim_cb, b), 0);
	/* Both readable before the round starts. */
	CU_ASSERT_EQUAL(write(a->wfd, "a", 1), 1);
	CU_ASSERT_EQUAL(write(b->wfd, "b", 1), 1);
	CU_ASSERT_EQUAL(loop_run_once(l, 1000), 0);
	CU_ASSERT_EQUAL(calls, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(runner);
	conn_close_free(runner);
	loop_free(l);
}

struct selfdel {
	struct loop *l;
	int rfd, wfd;
	int calls;
	int freed;
	bool freed_during_cb;
};

static void selfdel_free(void *arg)
{
	struct selfdel *s = arg;

	s->freed++;
}

static void selfdel_cb(struct loop *l, int fd, unsigned events, void *arg)
{
	struct selfdel *s = arg;

	(void)events;
	s->calls++;
	CU_ASSERT_EQUAL(loop_del_fd(l, fd), 0);
	CU_ASSERT_EQUAL(loop_defer_free(l, selfdel_free, s), 0);
	/* The deferred free has not run: the handler may still use s. */
	s->freed_during_cb = s->freed != 0;
}

/*
 * loop.h loop_defer_free: a callback deletes its own fd and asks for its
 * context to be freed; the free runs once, after the handler returned.
 */
static void loop_delete_self_defers_free(void)
{
	struct loop *l = new_loop();
	struct selfdel s = {l, -1, -1, 0, 0, false};
	int p[2];

	CU_ASSERT_EQUAL_FATAL(pipe(p), 0);
	s.rfd = p[0];
	s.wfd = p[1];
	CU_ASSERT_EQUAL(loop_add_fd(l, s.rfd, LOOP_READ, selfdel_cb, &s), 0);
	CU_ASSERT_EQUAL(write(s.wfd, "x", 1), 1);
	CU_ASSERT_EQUAL(loop_run_once(l, 1000), 0);
	CU_ASSERT_EQUAL(s.calls, 1);
	CU_ASSERT_FALSE(s.freed_during_cb);
	CU_ASSERT_EQUAL(s.freed, 1);
	/* Still readable, but no longer watched. */
	CU_ASSERT_EQUAL(loop_run_once(l, 0), 0);
	CU_ASSERT_EQUAL(s.calls, 1);
	close(p[0]);
	close(p[1]);
	loop_free(l);
}

struct reuse {
	int first_calls, second_calls, new_calls;
	int fd_a, fd_b, wb;
	int new_rfd, new_wfd;
};

static void reuse_new_cb(struct loop *l, int fd, unsigned events, void *arg)
{
	struct reuse *r = arg;

	(void)l;
	(void)fd;
	(void)events;
	r->new_calls++;
}

static void reuse_cb(struct loop *l, int fd, unsigned events, void *arg)
{
	struct reuse *r = arg;
	int other = fd == r->fd_a ? r->fd_b : r->fd_a;
	int p[2];

	(void)events;
	r->first_calls++;
	if (r->new_rfd >= 0)
		return;
	/* Close the other ready pipe and reuse its number for an idle one. */
	loop_del_fd(l, other);
	close(other);
	if (pipe(p) != 0)
		return;
	r->new_rfd = p[0];
	r->new_wfd = p[1];
	loop_add_fd(l, p[0], LOOP_READ, reuse_new_cb, r);
}

/*
 * loop.h round step 2: an fd deleted and re-added under the same number in
 * one round is not handed the old registration's readiness.
 */
static void loop_reused_fd_not_given_stale_readiness(void)
{
	struct loop *l = new_loop();
	struct reuse r = {0, 0, 0, -1, -1, -1, -1, -1};
	int p[2], q[2];

	CU_ASSERT_EQUAL_FATAL(pipe(p), 0);
	CU_ASSERT_EQUAL_FATAL(pipe(q), 0);
	r.fd_a = p[0];
	r.fd_b = q[0];
	CU_ASSERT_EQUAL(loop_add_fd(l, p[0], LOOP_READ, reuse_cb, &r), 0);
	CU_ASSERT_EQUAL(loop_add_fd(l, q[0], LOOP_READ, reuse_cb, &r), 0);
	CU_ASSERT_EQUAL(write(p[1], "a", 1), 1);
	CU_ASSERT_EQUAL(write(q[1], "b", 1), 1);
	CU_ASSERT_EQUAL(loop_run_once(l, 1000), 0);
	CU_ASSERT_EQUAL(r.first_calls, 1);
	CU_ASSERT_EQUAL(r.new_calls, 0);
	CU_ASSERT_TRUE(r.new_rfd == p[0] || r.new_rfd == q[0]);
	/* The new pipe works normally afterwards. */
	CU_ASSERT_EQUAL(write(r.new_wfd, "n", 1), 1);
	CU_ASSERT_EQUAL(loop_run_once(l, 1000), 0);
	CU_ASSERT_EQUAL(r.new_calls, 1);
	for (int i = 0; i < 2; i++) {
		int rd = i ? q[0] : p[0];

		loop_del_fd(l, rd);
		close(rd);
	}
	close(p[1]);
	close(q[1]);
	close(r.new_wfd);
	loop_free(l);
}

/* ---- timers ------------------------------------------------------------ */

struct order {
	int seen[8];
	int n;
	int stop_after;
};

struct order_arg {
	struct order *o;
	int tag;
};

static void order_cb(struct loop *l, uint64_t id, void *arg)
{
	struct order_arg *a = arg;

	(void)id;
	if (a->o->n < 8)
		a->o->seen[a->o->n++] = a->tag;
	if (a->o->n == a->o->stop_after)
		loop_stop(l);
}

/*
 * loop.h round step 3: timers fire earliest deadline first, equal deadlines
 * in the order they were added.
 */
static void loop_timers_fire_in_deadline_order(void)
{
	struct loop *l = new_loop();
	struct order o = {{0}, 0, 5};
	struct order_arg a[5] = {{&o, 30}, {&o, 10}, {&o, 20}, {&o, 11},
				 {&o, 0}};

	CU_ASSERT_NOT_EQUAL(loop_add_timer(l, 60, order_cb, &a[0]), 0);
	CU_ASSERT_NOT_EQUAL(loop_add_timer(l, 20, order_cb, &a[1]), 0);
	CU_ASSERT_NOT_EQUAL(loop_add_timer(l, 40, order_cb, &a[2]), 0);
	CU_ASSERT_NOT_EQUAL(loop_add_timer(l, 20, order_cb, &a[3]), 0);
	CU_ASSERT_NOT_EQUAL(loop_add_timer(l, 0, order_cb, &a[4]), 0);
	CU_ASSERT_EQUAL(loop_run(l), 0);
	CU_ASSERT_EQUAL(o.n, 5);
	CU_ASSERT_EQUAL(o.seen[0], 0);
	CU_ASSERT_EQUAL(o.seen[1], 10);
	CU_ASSERT_EQUAL(o.seen[2], 11);
	CU_ASSERT_EQUAL(o.seen[3], 20);
	CU_ASSERT_EQUAL(o.seen[4], 30);
	loop_free(l);
}

/* loop.h loop_add_timer: a timer does not fire before its deadline. */
static void loop_timer_waits_its_delay(void)
{
	struct loop *l = new_loop();
	struct order o = {{0}, 0, 1};
	struct order_arg a = {&o, 1};
	uint64_t t0 = loop_now_ms();

	CU_ASSERT_NOT_EQUAL(loop_add_timer(l, 50, order_cb, &a), 0);
	CU_ASSERT_EQUAL(loop_run(l), 0);
	CU_ASSERT_EQUAL(o.n, 1);
	CU_ASSERT(loop_now_ms() - t0 >= 50);
	loop_free(l);
}

struct repeat {
	int fired;
	int rounds_seen;
};

static void repeat_cb(struct loop *l, uint64_t id, void *arg)
{
	struct repeat *r = arg;

	r->fired++;
	if (r->fired < 3)
		CU_ASSERT_EQUAL(loop_rearm_timer(l, id, 0), 0);
}

/*
 * loop.h loop_timer_cb: a callback re-arms its own timer; a 0 ms re-arm
 * fires in the next round, not again in the same one.
 */
static void loop_timer_rearms_itself(void)
{
	struct loop *l = new_loop();
	struct repeat r = {0, 0};

	CU_ASSERT_NOT_EQUAL(loop_add_timer(l, 0, repeat_cb, &r), 0);
	CU_ASSERT_EQUAL(loop_run_once(l, 0), 0);
	CU_ASSERT_EQUAL(r.fired, 1);
	CU_ASSERT_EQUAL(loop_run_once(l, 0), 0);
	CU_ASSERT_EQUAL(r.fired, 2);
	CU_ASSERT_EQUAL(loop_run_once(l, 0), 0);
	CU_ASSERT_EQUAL(r.fired, 3);
	CU_ASSERT_EQUAL(loop_run_once(l, 0), 0);
	CU_ASSERT_EQUAL(r.fired, 3); /* not re-armed the third time */
	loop_free(l);
}

static uint64_t doomed_id;

static void canceller_cb(struct loop *l, uint64_t id, void *arg)
{
	(void)id;
	(void)arg;
	CU_ASSERT_EQUAL(loop_del_timer(l, doomed_id), 0);
}

static void doomed_cb(struct loop *l, uint64_t id, void *arg)
{
	int *fired = arg;

	(void)l;
	(void)id;
	(*fired)++;
}

/*
 * loop.h loop_del_timer: a cancelled timer never fires, even when cancelled
 * by another timer due in the same round.
 */
static void loop_deleted_timer_never_fires(void)
{
	struct loop *l = new_loop();
	int fired = 0;
	uint64_t id;

	id = loop_add_timer(l, 0, doomed_cb, &fired);
	CU_ASSERT_EQUAL(loop_del_timer(l, id), 0);
	CU_ASSERT_EQUAL(loop_del_timer(l, id), -1);
	CU_ASSERT_EQUAL(errno, ENOENT);
	CU_ASSERT_NOT_EQUAL(loop_add_timer(l, 0, canceller_cb, NULL), 0);
	doomed_id = loop_add_timer(l, 0, doomed_cb, &fired);
	CU_ASSERT_NOT_EQUAL(doomed_id, 0);
	sleep_ms(2);
	CU_ASSERT_EQUAL(loop_run_once(l, 0), 0);
	CU_ASSERT_EQUAL(loop_run_once(l, 0), 0);
	CU_ASSERT_EQUAL(fired, 0);
	loop_free(l);
}

/* ---- cross-thread post and stop ------------------------------------------ */

#define NPOST 1000

struct post_ctx {
	struct loop *l;
	pthread_t loop_thread;
	int ran;
	int wrong_thread;
	int out_of_order;
};

struct post_item {
	struct post_ctx *ctx;
	int seq;
};

static struct post_item post_items[NPOST];

static void post_fn(void *arg)
{
	struct post_item *it = arg;
	struct post_ctx *c = it->ctx;

	if (!pthread_equal(pthread_self(), c->loop_thread))
		c->wrong_thread++;
	if (it->seq != c->ran)
		c->out_of_order++;
	c->ran++;
	if (c->ran == NPOST)
		loop_stop(c->l);
}

static void *poster(void *arg)
{
	struct post_ctx *c = arg;

	sleep_ms(20); /* let the loop block in its poll first */
	for (int i = 0; i < NPOST; i++) {
		post_items[i].ctx = c;
		post_items[i].seq = i;
		if (loop_post(c->l, post_fn, &post_items[i]) != 0)
			break;
	}
	return NULL;
}

/*
 * loop.h loop_post: closures posted by another thread run on the loop's
 * thread, in posting order, waking a loop blocked with no timers.
 */
static void loop_post_from_other_thread(void)
{
	struct post_ctx c = {new_loop(), pthread_self(), 0, 0, 0};
	pthread_t th;

	CU_ASSERT_EQUAL_FATAL(pthread_create(&th, NULL, poster, &c), 0);
	CU_ASSERT_EQUAL(loop_run(c.l), 0);
	pthread_join(th, NULL);
	CU_ASSERT_EQUAL(c.ran, NPOST);
	CU_ASSERT_EQUAL(c.wrong_thread, 0);
	CU_ASSERT_EQUAL(c.out_of_order, 0);
	loop_free(c.l);
}

static void *stopper(void *arg)
{
	sleep_ms(30);
	loop_stop(arg);
	return NULL;
}

/* loop.h loop_stop: another thread stops a loop blocked in its poll. */
static void loop_stop_from_other_thread(void)
{
	struct loop *l = new_loop();
	pthread_t th;
	uint64_t t0 = loop_now_ms();

	CU_ASSERT_EQUAL_FATAL(pthread_create(&th, NULL, stopper, l), 0);
	CU_ASSERT_EQUAL(loop_run(l), 0);
	pthread_join(th, NULL);
	CU_ASSERT(loop_now_ms() - t0 < 5000);
	loop_free(l);
}

static void stop_timer_cb(struct loop *l, uint64_t id, void *arg)
{
	int *fired = arg;

	(void)id;
	(*fired)++;
	loop_stop(l);
}

/* loop.h loop_run: stop ends the run after the round; the loop is reusable. */
static void loop_stop_then_run_again(void)
{
	struct loop *l = new_loop();
	int fired = 0;

	CU_ASSERT_NOT_EQUAL(loop_add_timer(l, 1, stop_timer_cb, &fired), 0);
	CU_ASSERT_EQUAL(loop_run(l), 0);
	CU_ASSERT_EQUAL(fired, 1);
	CU_ASSERT_NOT_EQUAL(loop_add_timer(l, 1, stop_timer_cb, &fired), 0);
	CU_ASSERT_EQUAL(loop_run(l), 0);
	CU_ASSERT_EQUAL(fired, 2);
	loop_free(l);
}

UNIT_SUITE(loop, "reftgt.loop", UNIT_TEST(loop_pipe_read_readiness),
	   UNIT_TEST(loop_pipe_write_readiness_and_mod),
	   UNIT_TEST(loop_hangup_reported_as_error),
	   UNIT_TEST(loop_add_fd_rejects_bad_input),
	   UNIT_TEST(loop_delete_other_fd_in_same_round),
	   UNIT_TEST(loop_delete_self_defers_free),
	   UNIT_TEST(loop_reused_fd_not_given_stale_readiness),
	   UNIT_TEST(loop_timers_fire_in_deadline_order),
	   UNIT_TEST(loop_timer_waits_its_delay),
	   UNIT_TEST(loop_timer_rearms_itself),
	   UNIT_TEST(loop_deleted_timer_never_fires),
	   UNIT_TEST(loop_post_from_other_thread),
	   UNIT_TEST(loop_stop_from_other_thread),
	   UNIT_TEST(loop_stop_then_run_again))
