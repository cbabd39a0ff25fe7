/* SPDX-License-Identifier: MIT */
/*
 * test_h_fake.h - a scripted fake target for the engine's unit tests: a
 * loopback TCP listener whose one accepted connection is handed to a
 * script running in a thread, with blocking helpers to read and write
 * whole PDUs.  The script reports what it saw in `fail` (empty: all as
 * expected) and in a few counters the test checks after joining.
 */
#ifndef ISCSI_CTS_TEST_H_FAKE_H
#define ISCSI_CTS_TEST_H_FAKE_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "codec.h"
#include "engine.h"
#include "framer.h"
#include "pdu.h"

struct fake {
	int lfd;
	uint16_t port;
	pthread_t th;
	void (*script)(struct fake *f, int fd);
	void *arg;
	char fail[256];
	uint8_t bytes[4096]; /* what a byte-level script read */
	size_t nbytes;
	uint32_t seen[16]; /* values a script reports */
	struct iscsi_digests dg;
	struct iscsi_framer fr;
	uint8_t buf[65536];
	size_t off, len;
};

static inline void *fake_main(void *p)
{
	struct fake *f = p;
	int fd = accept(f->lfd, NULL, NULL);

	if (fd < 0) {
		snprintf(f->fail, sizeof(f->fail), "accept failed");
		return NULL;
	}
	f->script(f, fd);
	close(fd);
	return NULL;
}

/* Listens on 127.0.0.1 (ephemeral port) and runs script on the first
 * connection.  0 or -1. */
static inline int fake_start(struct fake *f, void (*script)(struct fake *, int),
		      void *arg)
{
	struct sockaddr_in a;
	socklen_t al = sizeof(a);
	int one = 1;

	memset(f, 0, sizeof(*f));
	f->script = script;
	f->arg = arg;
	iscsi_framer_init(&f->fr, NULL);
	f->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (f->lfd < 0)
		return -1;
	setsockopt(f->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(f->lfd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    listen(f->lfd, 4) < 0 ||
	    getsockname(f->lfd, (struct sockaddr *)&a, &al) < 0) {
		close(f->lfd);
		return -1;
	}
	f->port = ntohs(a.sin_port);
	if (pthread_create(&f->th, NULL, fake_main, f) != 0) {
		close(f->lfd);
		return -1;
	}
	return 0;
}

static inline void fake_join(struct fake *f)
{
	pthread_join(f->th, NULL);
	close(f->lfd);
	iscsi_framer_free(&f->fr);
}

/* Connects the engine to the fake target, recording into t. */
static inline struct cts_conn *fake_connect(struct fake *f, struct cts_transcript *t)
{
	struct cts_conn *c;
	char msg[128];
	int rc;

	c = cts_conn_open_host(NULL, "127.0.0.1", f->port, &rc, msg,
			       sizeof(msg));
	if (c && t)
		cts_conn_set_transcript(c, t);
	return c;
}

/* Blocking: the next whole PDU from the engine, or -1 (EOF, error). */
static inline int fake_recv(struct fake *f, int fd, struct iscsi_pdu *out)
{
	char err[128];

	for (;;) {
		if (f->off < f->len) {
			size_t used = 0;
			enum iscsi_framer_status st;

			st = iscsi_framer_feed(&f->fr, f->buf + f->off,
					       f->len - f->off, &used, err,
					       sizeof(err));
			f->off += used;
			if (st == ISCSI_FRAMER_ERROR)
				return -1;
			if (st == ISCSI_FRAMER_PDU)
				return iscsi_framer_decode(&f->fr, out, err,
							   sizeof(err));
			continue;
		}
		ssize_t n = read(fd, f->buf, sizeof(f->buf));

		if (n <= 0)
			return -1;
		f->off = 0;
		f->len = (size_t)n;
	}
}

static inline int fake_send(struct fake *f, int fd, const struct iscsi_pdu *p)
{
	uint8_t b[70000];
	char err[128];
	ssize_t n = iscsi_pdu_encode(p, &f->dg, b, sizeof(b), err, sizeof(err));

	if (n < 0)
		return -1;
	return write(fd, b, (size_t)n) == n ? 0 : -1;
}

/* Reads exactly len bytes (or until EOF) into f->bytes. */
static inline void fake_read_bytes(struct fake *f, int fd, size_t len)
{
	while (f->nbytes < len && f->nbytes < sizeof(f->bytes)) {
		ssize_t n = read(fd, f->bytes + f->nbytes, len - f->nbytes);

		if (n <= 0)
			break;
		f->nbytes += (size_t)n;
	}
}

#endif
