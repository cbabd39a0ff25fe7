/* SPDX-License-Identifier: MIT */
/*
 * loop_epoll.c - the event loop's Linux epoll backend (level-triggered).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "loop.h"

struct loop_backend {
	int epfd;
	unsigned max_events;
	struct epoll_event *events;
};

struct loop_backend *loop_backend_new(unsigned max_events, char *err,
				      size_t errlen)
{
	struct loop_backend *b;

	if (max_events == 0) {
		snprintf(err, errlen, "epoll: need room for one event");
		return NULL;
	}
	b = calloc(1, sizeof(*b));
	if (b)
		b->events = calloc(max_events, sizeof(*b->events));
	if (!b || !b->events) {
		snprintf(err, errlen, "epoll: out of memory");
		free(b);
		return NULL;
	}
	b->max_events = max_events;
	b->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (b->epfd < 0) {
		snprintf(err, errlen, "epoll_create1: %s", strerror(errno));
		free(b->events);
		free(b);
		return NULL;
	}
	return b;
}

void loop_backend_free(struct loop_backend *b)
{
	if (!b)
		return;
	close(b->epfd);
	free(b->events);
	free(b);
}

static uint32_t to_epoll(unsigned mask)
{
	uint32_t ev = 0;

	if (mask & LOOP_READ)
		ev |= EPOLLIN;
	if (mask & LOOP_WRITE)
		ev |= EPOLLOUT;
	return ev;
}

int loop_backend_set(struct loop_backend *b, int fd, unsigned old_mask,
		     unsigned new_mask)
{
	struct epoll_event ev;
	int op;

	memset(&ev, 0, sizeof(ev));
	ev.events = to_epoll(new_mask);
	ev.data.fd = fd;
	if (old_mask == new_mask)
		return 0;
	if (new_mask == 0) {
		/*
		 * A descriptor closed before it was deleted has already left
		 * the epoll set (unless duplicated): nothing left to undo.
		 */
		if (epoll_ctl(b->epfd, EPOLL_CTL_DEL, fd, &ev) < 0 &&
		    errno != EBADF && errno != ENOENT)
			return -1;
		return 0;
	}
	op = old_mask == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
	return epoll_ctl(b->epfd, op, fd, &ev);
}

int loop_backend_poll(struct loop_backend *b, struct loop_fired *out,
		      unsigned max, int timeout_ms)
{
	int n;

	if (max > b->max_events)
		max = b->max_events;
	n = epoll_wait(b->epfd, b->events, (int)max, timeout_ms);
	if (n < 0)
		return errno == EINTR ? 0 : -1;
	for (int i = 0; i < n; i++) {
		uint32_t ev = b->events[i].events;
		unsigned m = 0;

		if (ev & EPOLLIN)
			m |= LOOP_READ;
		if (ev & EPOLLOUT)
			m |= LOOP_WRITE;
		if (ev & (EPOLLERR | EPOLLHUP))
			m |= LOOP_ERROR;
		out[i].fd = b->events[i].data.fd;
		out[i].events = m;
	}
	return n;
}

const char *loop_backend_name(void)
{
	return "epoll";
}
