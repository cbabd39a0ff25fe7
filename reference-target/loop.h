/* SPDX-License-Identifier: MIT */
/*
 * loop.h - the reference target's event loop: a small reactor.
 *
 * One loop runs in one thread.  It watches file descriptors for readiness
 * (level-triggered), runs one-shot timers kept in a binary heap ordered by
 * deadline on CLOCK_MONOTONIC, runs closures posted from other threads
 * (woken through an eventfd), and frees objects only after the dispatch
 * round that asked for it has finished.
 *
 * One round of loop_run():
 *   1. wait for readiness, at most until the earliest timer is due;
 *   2. call the callback of every ready descriptor that is still registered
 *      (a callback may delete any descriptor, its own included: a descriptor
 *      deleted earlier in the round is skipped, and one deleted and re-added
 *      under the same number is not handed the old readiness);
 *   3. run every timer that was due when the round began, earliest first,
 *      ties in the order they were added;
 *   4. run the closures posted by loop_post(), in posting order;
 *   5. run the deferred frees (loop_defer_free()), in request order.
 *
 * Thread rules: loop_post() and loop_stop() may be called from any thread;
 * every other function only from the thread running the loop (or before it
 * runs / after it returned).
 *
 * The polling backend is private to the loop and lives in its own file
 * (loop_epoll.c); its interface is at the end of this header.
 */
#ifndef ISCSI_CTS_LOOP_H
#define ISCSI_CTS_LOOP_H

#include <stddef.h>
#include <stdint.h>

struct loop;

/* Interest / readiness bits. */
#define LOOP_READ 0x1u
#define LOOP_WRITE 0x2u
#define LOOP_ERROR 0x4u /* reported only: error or hang-up on the fd */

/*
 * Called when fd is ready; events holds the ready bits among those the fd
 * is registered for, plus LOOP_ERROR on error or hang-up (a read then
 * returns the error or end of file).
 */
typedef void (*loop_fd_cb)(struct loop *l, int fd, unsigned events,
			   void *arg);
/* Called once when a timer is due; may re-arm it with loop_rearm_timer(). */
typedef void (*loop_timer_cb)(struct loop *l, uint64_t id, void *arg);
/* A closure: posted work or a deferred free. */
typedef void (*loop_fn)(void *arg);

/*
 * Create a loop that can watch descriptors 0..max_fds-1.  Returns NULL and
 * a message in err on failure.
 */
struct loop *loop_new(unsigned max_fds, char *err, size_t errlen);
/*
 * Free the loop.  Pending deferred frees run; posted closures that never ran
 * are dropped (stop the posting threads first).  Registered descriptors are
 * not closed.
 */
void loop_free(struct loop *l);

/* Watch fd for mask (LOOP_READ|LOOP_WRITE).  -1 with errno on error. */
int loop_add_fd(struct loop *l, int fd, unsigned mask, loop_fd_cb cb,
		void *arg);
/* Change the interest set of a watched fd (mask 0 = keep it, watch none). */
int loop_mod_fd(struct loop *l, int fd, unsigned mask);
/* Stop watching fd; call before close().  Safe inside any callback. */
int loop_del_fd(struct loop *l, int fd);

/*
 * One-shot timer due in ms milliseconds.  Returns its id (never 0), or 0
 * with errno set on allocation failure.
 */
uint64_t loop_add_timer(struct loop *l, uint64_t ms, loop_timer_cb cb,
			void *arg);
/*
 * Make timer id due ms milliseconds from now: works on a pending timer and
 * on the one whose callback is running (that is how a timer repeats).
 * -1 with errno ENOENT if there is no such timer.
 */
int loop_rearm_timer(struct loop *l, uint64_t id, uint64_t ms);
/* Cancel timer id (pending or running).  -1/ENOENT if unknown. */
int loop_del_timer(struct loop *l, uint64_t id);

/*
 * Run fn(arg) on the loop's thread at its next round.  Callable from any
 * thread.  -1 with errno on allocation failure (fn will not run).
 */
int loop_post(struct loop *l, loop_fn fn, void *arg);
/*
 * Run fn(arg) after the current dispatch round, once every callback of the
 * round has returned.  -1 with errno on allocation failure.
 */
int loop_defer_free(struct loop *l, loop_fn fn, void *arg);

/*
 * Run rounds until loop_stop().  Returns 0 after a stop, -1 with errno if
 * polling failed.
 */
int loop_run(struct loop *l);
/*
 * Run one round, waiting at most timeout_ms for readiness (-1 = until a
 * timer or an event).  Returns 0, or -1 with errno if polling failed.
 */
int loop_run_once(struct loop *l, int timeout_ms);
/* Make loop_run() return after the current round; any thread. */
void loop_stop(struct loop *l);

/* CLOCK_MONOTONIC in milliseconds. */
uint64_t loop_now_ms(void);

/* ---- backend interface (loop.c <-> loop_epoll.c only) ------------------ */

struct loop_backend;

struct loop_fired {
	int fd;
	unsigned events; /* LOOP_READ | LOOP_WRITE | LOOP_ERROR */
};

struct loop_backend *loop_backend_new(unsigned max_events, char *err,
				      size_t errlen);
void loop_backend_free(struct loop_backend *b);
/* Change the interest of fd from old_mask to new_mask (0 = not watched). */
int loop_backend_set(struct loop_backend *b, int fd, unsigned old_mask,
		     unsigned new_mask);
/*
 * Wait up to timeout_ms (-1 = forever) and store at most max ready fds in
 * out.  Returns the count (0 on timeout or signal), -1 with errno on error.
 */
int loop_backend_poll(struct loop_backend *b, struct loop_fired *out,
		      unsigned max, int timeout_ms);
const char *loop_backend_name(void);

#endif
