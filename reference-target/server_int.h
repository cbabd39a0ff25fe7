/* SPDX-License-Identifier: MIT */
/*
 * server_int.h - what server.c, server_sess.c, conn.c, conn_tx.c and
 * control.c share and nobody else needs.
 */
#ifndef ISCSI_REFTGT_SERVER_INT_H
#define ISCSI_REFTGT_SERVER_INT_H

#include "target.h"

/* The reactor running loop l, or NULL. */
struct tgt_reactor *server_reactor_of(struct tgt_server *srv,
				      const struct loop *l);

/* conn.c: the connection list of a reactor (its own thread only). */
void conn_list_add(struct tgt_reactor *r, struct tgt_conn *c);
void conn_list_del(struct tgt_reactor *r, struct tgt_conn *c);
/* Free a connection nobody else can reach any more (server_fini). */
void conn_destroy(struct tgt_conn *c);

/* conn_tx.c */
void conn_flush(struct tgt_conn *c);
void conn_tx_free(struct tgt_conn *c);
/* Read interest on/off and write interest from the queue's state. */
void conn_update_interest(struct tgt_conn *c);
#define CONN_TX_HIGH (32u << 20) /* stop reading while this much is queued */

/* server_sess.c */
void server_sessions_fini(struct tgt_server *srv);

/* The largest DataSegmentLength this target accepts from an initiator. */
uint32_t server_max_rx_dsl(const struct tgt_server *srv);

#endif
