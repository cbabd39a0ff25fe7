/* SPDX-License-Identifier: MIT */
/*
 * server_priv.h - struct server_priv, private to server*.c and control.c.
 */
#ifndef ISCSI_REFTGT_SERVER_PRIV_H
#define ISCSI_REFTGT_SERVER_PRIV_H

#include "server_int.h"

#define SERVER_MAX_LISTEN TGT_MAX_PORTALS

/* One opened LU, shared by every configuration generation. */
struct lu_reg {
	struct lu *lu;
	char path[TGT_PATH_LEN];
};

/* A configuration replaced by a reload: sessions may still point into it,
 * so it lives until server_fini. */
struct cfg_gen {
	struct tgt_config cfg;
	struct target_rt *targets;
	size_t ntargets;
	struct cfg_gen *next;
};

struct server_priv {
	int listen_fd[SERVER_MAX_LISTEN];
	size_t nlisten;
	unsigned rr; /* next reactor for an accepted connection */
	int sigfd;
	bool stopping; /* reactor 0 only */
	bool threaded; /* reactor threads run */
	uint64_t drain_deadline_ms;
	unsigned drained; /* reactors done draining (atomic) */
	uint32_t max_rx_dsl;

	struct lu_reg *lus;
	size_t nlus, cap_lus;
	struct cfg_gen *retired;

	/* stop-the-world for reload: reactors park until released */
	pthread_mutex_t park_lock;
	pthread_cond_t park_cond;
	unsigned parked;
	uint64_t park_gen;

	/* control socket (control.c) */
	int ctl_fd;
	int ctl_wake[2];
	pthread_t ctl_thread;
	bool ctl_running;
	char ctl_path[108];
};

void server_priv_init(struct server_priv *p);
void server_priv_destroy(struct server_priv *p);
void server_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* server_reload.c: SIGHUP, on reactor 0. */
void server_reload(struct tgt_server *srv);
/* Run fn(arg) while every other reactor is parked (reactor 0 only). */
void server_stop_world(struct tgt_server *srv, void (*fn)(void *), void *arg);

/* control.c */
int control_start(struct tgt_server *srv, const char *path, char *err,
		  size_t errlen);
void control_stop(struct tgt_server *srv);

/* server.c, for server_reload.c */
int server_targets_build(struct tgt_server *srv, const struct tgt_config *cfg,
			 struct target_rt **out, size_t *nout, char *err,
			 size_t errlen);
void server_targets_free(struct target_rt *rts, size_t n);
uint32_t server_config_max_rx_dsl(const struct tgt_config *cfg);

#endif
