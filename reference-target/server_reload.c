/* SPDX-License-Identifier: MIT */
/*
 * server_reload.c - SIGHUP: read the configuration again and swap it in.
 *
 * The new configuration is read and its LUNs opened on reactor 0 while
 * everything runs.  The swap itself happens while every other reactor is
 * parked (stop the world), under srv->lock for the control thread, so
 * reactors read srv->cfg and srv->targets without locking.  The replaced
 * generation is kept until exit: sessions logged in before the reload keep
 * pointing into it and go on unaffected.  Targets that disappeared are no
 * longer found by logins; new ones are.  Portals are not changed by a
 * reload.  A configuration that does not load leaves everything as it was.
 */
#include <stdlib.h>
#include <string.h>

#include "server_priv.h"

void server_priv_init(struct server_priv *p)
{
	size_t i;

	memset(p, 0, sizeof(*p));
	for (i = 0; i < SERVER_MAX_LISTEN; i++)
		p->listen_fd[i] = -1;
	p->sigfd = -1;
	p->ctl_fd = -1;
	p->ctl_wake[0] = p->ctl_wake[1] = -1;
	pthread_mutex_init(&p->park_lock, NULL);
	pthread_cond_init(&p->park_cond, NULL);
}

void server_priv_destroy(struct server_priv *p)
{
	pthread_mutex_destroy(&p->park_lock);
	pthread_cond_destroy(&p->park_cond);
}

struct park {
	struct server_priv *p;
	uint64_t gen;
};

/* On a reactor: wait here until reactor 0 has swapped. */
static void reactor_park(void *arg)
{
	struct park *k = arg;
	struct server_priv *p = k->p;
	uint64_t gen = k->gen;

	free(k);
	pthread_mutex_lock(&p->park_lock);
	p->parked++;
	pthread_cond_broadcast(&p->park_cond);
	while (p->park_gen == gen)
		pthread_cond_wait(&p->park_cond, &p->park_lock);
	p->parked--;
	pthread_cond_broadcast(&p->park_cond);
	pthread_mutex_unlock(&p->park_lock);
}

void server_stop_world(struct tgt_server *srv, void (*fn)(void *), void *arg)
{
	struct server_priv *p = srv->priv;
	unsigned i, want = 0;
	uint64_t gen;

	pthread_mutex_lock(&p->park_lock);
	gen = p->park_gen;
	pthread_mutex_unlock(&p->park_lock);
	for (i = 1; i < srv->nreactors; i++) {
		struct park *k;

		if (!srv->reactors[i].started)
			continue;
		k = malloc(sizeof(*k));
		if (!k)
			continue;
		k->p = p;
		k->gen = gen;
		if (loop_post(srv->reactors[i].loop, reactor_park, k) < 0)
			free(k);
		else
			want++;
	}
	pthread_mutex_lock(&p->park_lock);
	while (p->parked < want)
		pthread_cond_wait(&p->park_cond, &p->park_lock);
	pthread_mutex_unlock(&p->park_lock);
	pthread_mutex_lock(&srv->lock);
	fn(arg);
	pthread_mutex_unlock(&srv->lock);
	pthread_mutex_lock(&p->park_lock);
	p->park_gen++;
	pthread_cond_broadcast(&p->park_cond);
	while (p->parked > 0)
		pthread_cond_wait(&p->park_cond, &p->park_lock);
	pthread_mutex_unlock(&p->park_lock);
}

struct swap {
	struct tgt_server *srv;
	struct cfg_gen *old;   /* filled with the replaced generation */
	struct tgt_config cfg; /* the new one */
	struct target_rt *targets;
	size_t ntargets;
};

static void reload_swap(void *arg)
{
	struct swap *w = arg;
	struct tgt_server *srv = w->srv;
	uint32_t dsl;
	struct tgt_portal *pt = w->cfg.portals;
	size_t npt = w->cfg.nportals;

	/* Portals do not change on reload: keep the ones bound. */
	w->cfg.portals = srv->cfg.portals;
	w->cfg.nportals = srv->cfg.nportals;
	srv->cfg.portals = pt;
	srv->cfg.nportals = npt;
	w->old->cfg = srv->cfg;
	w->old->targets = srv->targets;
	w->old->ntargets = srv->ntargets;
	srv->cfg = w->cfg;
	srv->targets = w->targets;
	srv->ntargets = w->ntargets;
	/* Connections opened from now on accept the new largest segment. */
	dsl = server_config_max_rx_dsl(&srv->cfg);
	if (dsl > srv->priv->max_rx_dsl)
		srv->priv->max_rx_dsl = dsl;
	w->old->next = srv->priv->retired;
	srv->priv->retired = w->old;
}

void server_reload(struct tgt_server *srv)
{
	struct swap w;
	char err[512];

	if (!srv->reload) {
		server_msg("SIGHUP: no configuration to reload");
		return;
	}
	if (srv->priv->stopping)
		return;
	memset(&w, 0, sizeof(w));
	w.srv = srv;
	config_init(&w.cfg);
	if (srv->reload(&w.cfg, srv->reload_arg, err, sizeof(err)) < 0) {
		server_msg("reload: %s (configuration unchanged)", err);
		config_free(&w.cfg);
		return;
	}
	if (server_targets_build(srv, &w.cfg, &w.targets, &w.ntargets, err,
				 sizeof(err)) < 0) {
		server_msg("reload: %s (configuration unchanged)", err);
		server_targets_free(w.targets, w.ntargets);
		config_free(&w.cfg);
		return;
	}
	w.old = calloc(1, sizeof(*w.old));
	if (!w.old) {
		server_msg("reload: out of memory (configuration unchanged)");
		server_targets_free(w.targets, w.ntargets);
		config_free(&w.cfg);
		return;
	}
	server_stop_world(srv, reload_swap, &w);
	server_msg("configuration reloaded: %zu target(s)", srv->ntargets);
}
