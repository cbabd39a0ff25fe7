/* SPDX-License-Identifier: MIT */
/*
 * conn_tx.c - the transmit side of a connection: a queue of PDUs whose
 * headers are copied in and whose data segments are referenced until
 * written, flushed with writev across as many queued PDUs as one call
 * takes, partial writes resumed when the socket is writable again.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "crc32c.h"
#include "server_int.h"

#define CONN_TXFREE_MAX 64u /* spare txbufs kept per connection */
#if defined(IOV_MAX) && IOV_MAX < 1024
#define CONN_IOV_MAX IOV_MAX
#else
#define CONN_IOV_MAX 1024
#endif

static const uint8_t zero_pad[4];

static size_t txbuf_len(const struct txbuf *tb)
{
	return tb->hdr_len + tb->data_len + tb->trailer_len;
}

static struct txbuf *txbuf_get(struct tgt_conn *c)
{
	struct txbuf *tb = c->txfree;

	if (tb) {
		c->txfree = tb->next;
		c->ntxfree--;
	} else {
		tb = malloc(sizeof(*tb));
		if (!tb)
			return NULL;
	}
	tb->next = NULL;
	tb->sent = 0;
	tb->release = NULL;
	tb->release_arg = NULL;
	tb->close_after = false;
	return tb;
}

static void txbuf_put(struct tgt_conn *c, struct txbuf *tb)
{
	if (c->ntxfree >= CONN_TXFREE_MAX) {
		free(tb);
		return;
	}
	tb->next = c->txfree;
	c->txfree = tb;
	c->ntxfree++;
}

static void txbuf_release(struct txbuf *tb)
{
	void (*fn)(void *) = tb->release;

	tb->release = NULL;
	if (fn)
		fn(tb->release_arg);
}

static void conn_trace_tx(const struct tgt_conn *c, const struct iscsi_bhs *h)
{
	conn_log(c, "tx %s itt 0x%08x statsn %u expcmdsn %u maxcmdsn %u dsl %u",
		 iscsi_opcode_name(iscsi_bhs_opcode(h)), iscsi_bhs_itt(h),
		 iscsi_bhs_get32(h, 24), iscsi_bhs_get32(h, 28),
		 iscsi_bhs_get32(h, 32), iscsi_bhs_dsl(h));
}

static int conn_queue(struct tgt_conn *c, struct iscsi_bhs *bhs,
		      const uint8_t *ahs, size_t ahs_len, const uint8_t *data,
		      size_t data_len, void (*release)(void *arg), void *arg,
		      bool copy_small)
{
	struct txbuf *tb;
	size_t pad;

	if (c->closed || c->tx_closing || ahs_len > ISCSI_AHS_MAX ||
	    (ahs_len & 3u) || data_len > ISCSI_DSL_MAX ||
	    !(tb = txbuf_get(c))) {
		if (release)
			release(arg);
		return -1;
	}
	bhs->total_ahs_len = (uint8_t)(ahs_len / 4u);
	iscsi_bhs_set_dsl(bhs, (uint32_t)data_len);
	memcpy(tb->hdr, bhs, ISCSI_BHS_LEN);
	if (ahs_len)
		memcpy(tb->hdr + ISCSI_BHS_LEN, ahs, ahs_len);
	tb->hdr_len = ISCSI_BHS_LEN + ahs_len;
	/* §13.1: header digest over BHS and AHS, data digest over the data
	 * segment with its padding; both as negotiated for this connection. */
	if (c->dg.header) {
		iscsi_digest_put(tb->hdr + tb->hdr_len,
				 iscsi_crc32c(tb->hdr, tb->hdr_len));
		tb->hdr_len += ISCSI_DIGEST_LEN;
	}
	if (copy_small && data_len) {
		memcpy(tb->small, data, data_len);
		data = tb->small;
	}
	tb->data = data_len ? data : NULL;
	tb->data_len = data_len;
	pad = iscsi_pad_len(data_len);
	memset(tb->trailer, 0, pad);
	tb->trailer_len = pad;
	if (c->dg.data && data_len) {
		uint32_t crc = iscsi_crc32c_init();

		crc = iscsi_crc32c_update(crc, data, data_len);
		crc = iscsi_crc32c_update(crc, zero_pad, pad);
		iscsi_digest_put(tb->trailer + pad, iscsi_crc32c_final(crc));
		tb->trailer_len += ISCSI_DIGEST_LEN;
	}
	tb->release = release;
	tb->release_arg = arg;
	if (c->txq_tail)
		c->txq_tail->next = tb;
	else
		c->txq = tb;
	c->txq_tail = tb;
	c->tx_bytes += txbuf_len(tb);
	if (c->srv->verbose)
		conn_trace_tx(c, bhs);
	/* Inside a receive round the flush comes once the round's PDUs are
	 * all handled, so their answers share one writev. */
	if (c->in_rx == 0 && !c->migrating && !c->migrate_to)
		conn_flush(c);
	return 0;
}

int conn_send(struct tgt_conn *c, struct iscsi_bhs *bhs, const uint8_t *ahs,
	      size_t ahs_len, const uint8_t *data, size_t data_len,
	      void (*release)(void *arg), void *arg)
{
	return conn_queue(c, bhs, ahs, ahs_len, data, data_len, release, arg,
			  false);
}

int conn_send_copy(struct tgt_conn *c, struct iscsi_bhs *bhs,
		   const uint8_t *data, size_t data_len)
{
	uint8_t *copy;
	int rc;

	if (data_len <= sizeof(((struct txbuf *)NULL)->small))
		return conn_queue(c, bhs, NULL, 0, data, data_len, NULL, NULL,
				  true);
	copy = malloc(data_len);
	if (!copy)
		return -1;
	memcpy(copy, data, data_len);
	rc = conn_send(c, bhs, NULL, 0, copy, data_len, free, copy);
	return rc;
}

void conn_close_after_tx(struct tgt_conn *c)
{
	if (c->closed || c->tx_closing)
		return;
	if (!c->txq_tail) {
		conn_close(c, "done");
		return;
	}
	c->txq_tail->close_after = true;
	c->tx_closing = true;
}

void conn_update_interest(struct tgt_conn *c)
{
	unsigned mask = 0;

	if (c->closed || c->migrating || !c->reactor || c->fd < 0)
		return;
	/* Bounded memory: a peer that does not read its responses stops
	 * being read until it catches up. */
	if (c->tx_bytes < CONN_TX_HIGH)
		mask |= LOOP_READ;
	if (c->txq)
		mask |= LOOP_WRITE;
	if (mask == c->io_mask)
		return;
	if (loop_mod_fd(c->loop, c->fd, mask) == 0)
		c->io_mask = mask;
	c->want_write = (mask & LOOP_WRITE) != 0;
}

/* Drop n written bytes from the head of the queue; false once closed. */
static bool conn_tx_advance(struct tgt_conn *c, size_t n)
{
	struct txbuf *tb;
	size_t left;
	bool close_after;

	c->tx_bytes -= n;
	while ((tb = c->txq) != NULL) {
		left = txbuf_len(tb) - tb->sent;
		if (n < left) {
			tb->sent += n;
			return true;
		}
		n -= left;
		c->txq = tb->next;
		if (!c->txq)
			c->txq_tail = NULL;
		close_after = tb->close_after;
		txbuf_release(tb);
		txbuf_put(c, tb);
		if (close_after) {
			/* §11.15: after the Logout Response (or a final login
			 * failure) the connection is closed. */
			conn_close(c, "closed after the last response");
			return false;
		}
	}
	return true;
}

static size_t iov_add(struct iovec *iov, size_t *cnt, const void *base,
		      size_t len, size_t *skip)
{
	if (*skip >= len) {
		*skip -= len;
		return 0;
	}
	iov[*cnt].iov_base = (void *)((uintptr_t)base + *skip);
	iov[*cnt].iov_len = len - *skip;
	*skip = 0;
	(*cnt)++;
	return iov[*cnt - 1].iov_len;
}

void conn_flush(struct tgt_conn *c)
{
	struct iovec iov[CONN_IOV_MAX];
	struct txbuf *tb;
	size_t cnt, want, skip;
	ssize_t n;

	while (c->txq && !c->closed && c->fd >= 0) {
		cnt = 0;
		want = 0;
		for (tb = c->txq; tb && cnt + 3 <= CONN_IOV_MAX;
		     tb = tb->next) {
			skip = tb->sent;
			want += iov_add(iov, &cnt, tb->hdr, tb->hdr_len, &skip);
			if (tb->data_len)
				want += iov_add(iov, &cnt, tb->data,
						tb->data_len, &skip);
			if (tb->trailer_len)
				want += iov_add(iov, &cnt, tb->trailer,
						tb->trailer_len, &skip);
		}
		n = writev(c->fd, iov, (int)cnt);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				conn_close(c, strerror(errno));
			break;
		}
		if (!conn_tx_advance(c, (size_t)n))
			return;
		if ((size_t)n < want)
			break; /* socket full: wait for LOOP_WRITE */
	}
	conn_update_interest(c);
}

void conn_tx_free(struct tgt_conn *c)
{
	struct txbuf *tb;

	while ((tb = c->txq) != NULL) {
		c->txq = tb->next;
		txbuf_release(tb);
		free(tb);
	}
	c->txq_tail = NULL;
	c->tx_bytes = 0;
	while ((tb = c->txfree) != NULL) {
		c->txfree = tb->next;
		free(tb);
	}
	c->ntxfree = 0;
}
