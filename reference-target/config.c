/* SPDX-License-Identifier: MIT */
/*
 * config.c - the configuration model: life cycle, the building blocks the
 * file parser and the quick mode share, lookups and the final cross-checks.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "config_int.h"
#include "names.h"
#include "text.h"

void config_init(struct tgt_config *c)
{
	memset(c, 0, sizeof(*c));
}

static void target_free(struct tgt_target *t)
{
	free(t->luns);
	free(t->in_users);
	free(t->keys);
	free(t->allow.entries);
	free(t->deny.entries);
}

void config_free(struct tgt_config *c)
{
	for (size_t i = 0; i < c->ntargets; i++)
		target_free(&c->targets[i]);
	free(c->targets);
	free(c->portals);
	free(c->disc_in);
	free(c->keys);
	/* secrets do not linger in freed memory */
	memset(c, 0, sizeof(*c));
}

/* ---- small helpers ----------------------------------------------------- */

int config_err(char *err, size_t errlen, const char *where, unsigned line,
	       const char *fmt, ...)
{
	char why[CONFIG_WHY_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (line > 0)
		snprintf(err, errlen, "%s:%u: %s", where, line, why);
	else
		snprintf(err, errlen, "%s: %s", where, why);
	return -1;
}

int config_copy(char *dst, size_t dstlen, const char *src, const char *what,
		char *why, size_t whylen)
{
	size_t n = strlen(src);

	if (n >= dstlen) {
		snprintf(why, whylen, "%s too long (%zu bytes, at most %zu)",
			 what, n, dstlen - 1);
		return -1;
	}
	memcpy(dst, src, n + 1);
	return 0;
}

int config_parse_uint(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (*s == '\0')
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (v > (max - (uint64_t)(*s - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return 0;
}

int config_parse_size(const char *s, uint64_t *out)
{
	static const char suffixes[] = "KMGT";
	const char *suffix;
	char num[32];
	size_t n = strlen(s);
	unsigned shift = 0;
	uint64_t v;

	if (n == 0 || n >= sizeof(num))
		return -1;
	memcpy(num, s, n + 1);
	suffix = strchr(suffixes, toupper((unsigned char)num[n - 1]));
	if (suffix && *suffix) {
		shift = 10u * (unsigned)(suffix - suffixes + 1);
		num[n - 1] = '\0';
	}
	if (config_parse_uint(num, UINT64_MAX >> shift, &v) < 0 || v == 0)
		return -1;
	*out = v << shift;
	return 0;
}

/* ---- building blocks ---------------------------------------------------- */

struct tgt_target *config_target_find(const struct tgt_config *c,
				      const char *name)
{
	for (size_t i = 0; i < c->ntargets; i++)
		if (strcasecmp(c->targets[i].name, name) == 0)
			return &c->targets[i];
	return NULL;
}

struct tgt_target *config_target_new(struct tgt_config *c, const char *name,
				     unsigned line, char *why, size_t whylen)
{
	char nerr[256];
	struct tgt_target *arr, *t;

	if (iscsi_name_validate(name, nerr, sizeof(nerr)) < 0) {
		snprintf(why, whylen, "bad target name '%s': %s", name, nerr);
		return NULL;
	}
	if (config_target_find(c, name)) {
		snprintf(why, whylen, "Target %s defined twice", name);
		return NULL;
	}
	if (c->ntargets >= TGT_MAX_TARGETS) {
		snprintf(why, whylen, "too many targets (at most %u)",
			 TGT_MAX_TARGETS);
		return NULL;
	}
	arr = realloc(c->targets, (c->ntargets + 1) * sizeof(*arr));
	if (!arr) {
		snprintf(why, whylen, "out of memory");
		return NULL;
	}
	c->targets = arr;
	t = &arr[c->ntargets++];
	memset(t, 0, sizeof(*t));
	snprintf(t->name, sizeof(t->name), "%s", name);
	t->line = line;
	t->max_connections = 1; /* RFC 7143 §13.2 default */
	return t;
}

int config_user_set(struct tgt_user *u, const char *name, const char *secret,
		    char *why, size_t whylen)
{
	if (*name == '\0' || *secret == '\0') {
		snprintf(why, whylen, "empty user name or secret");
		return -1;
	}
	if (config_copy(u->name, sizeof(u->name), name, "user name", why,
			whylen) < 0 ||
	    config_copy(u->secret, sizeof(u->secret), secret, "secret", why,
			whylen) < 0)
		return -1;
	return 0;
}

int config_user_add(struct tgt_user **users, size_t *n, const char *name,
		    const char *secret, char *why, size_t whylen)
{
	struct tgt_user u, *arr;

	if (config_user_set(&u, name, secret, why, whylen) < 0)
		return -1;
	for (size_t i = 0; i < *n; i++) {
		if (strcmp((*users)[i].name, name) == 0) {
			snprintf(why, whylen, "user %s given twice", name);
			return -1;
		}
	}
	if (*n >= TGT_MAX_USERS) {
		snprintf(why, whylen, "too many users (at most %u)",
			 TGT_MAX_USERS);
		return -1;
	}
	arr = realloc(*users, (*n + 1) * sizeof(*arr));
	if (!arr) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	arr[(*n)++] = u;
	*users = arr;
	return 0;
}

int config_lun_add(struct tgt_target *t, const struct tgt_lun *lun, char *why,
		   size_t whylen)
{
	struct tgt_lun *arr;

	for (size_t i = 0; i < t->nluns; i++) {
		if (t->luns[i].lun != lun->lun)
			continue;
		if (t->luns[i].line)
			snprintf(why, whylen,
				 "duplicate LUN %u (first at line %u)",
				 lun->lun, t->luns[i].line);
		else
			snprintf(why, whylen, "duplicate LUN %u", lun->lun);
		return -1;
	}
	if (t->nluns >= TGT_MAX_LUNS) {
		snprintf(why, whylen, "too many LUNs (at most %u)",
			 TGT_MAX_LUNS);
		return -1;
	}
	arr = realloc(t->luns, (t->nluns + 1) * sizeof(*arr));
	if (!arr) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	arr[t->nluns++] = *lun;
	t->luns = arr;
	return 0;
}

int config_kv_set(struct tgt_kv **kv, size_t *n, const char *name,
		  const char *value, unsigned line, bool replace, char *why,
		  size_t whylen)
{
	struct tgt_kv *arr, *e = NULL;

	for (size_t i = 0; i < *n; i++)
		if (strcmp((*kv)[i].name, name) == 0)
			e = &(*kv)[i];
	if (e && !replace) {
		if (e->line == 0)
			return 0; /* set on the command line, which wins */
		snprintf(why, whylen, "%s given twice (first at line %u)",
			 name, e->line);
		return -1;
	}
	if (!e) {
		if (*n >= TGT_MAX_KEYS) {
			snprintf(why, whylen, "too many keys (at most %u)",
				 TGT_MAX_KEYS);
			return -1;
		}
		arr = realloc(*kv, (*n + 1) * sizeof(*arr));
		if (!arr) {
			snprintf(why, whylen, "out of memory");
			return -1;
		}
		*kv = arr;
		e = &arr[(*n)++];
	}
	memset(e, 0, sizeof(*e));
	snprintf(e->name, sizeof(e->name), "%s", name);
	if (config_copy(e->value, sizeof(e->value), value, "value", why,
			whylen) < 0) {
		(*n)--;
		return -1;
	}
	e->line = line;
	return 0;
}

int config_parse_addr_port(const char *text, unsigned default_port,
			   struct sockaddr_storage *ss, socklen_t *len,
			   char *why, size_t whylen)
{
	char host[TGT_PORTAL_TEXT_LEN];
	const char *port = NULL, *colon;
	uint64_t p = default_port;
	size_t hl;

	memset(ss, 0, sizeof(*ss));
	if (text[0] == '[') {
		const char *close = strchr(text, ']');

		if (!close)
			goto bad;
		hl = (size_t)(close - text - 1);
		if (hl >= sizeof(host))
			goto bad;
		memcpy(host, text + 1, hl);
		host[hl] = '\0';
		if (close[1] == ':')
			port = close + 2;
		else if (close[1] != '\0')
			goto bad;
	} else {
		colon = strchr(text, ':');
		if (colon && strchr(colon + 1, ':'))
			colon = NULL; /* a bare IPv6 address, no port */
		hl = colon ? (size_t)(colon - text) : strlen(text);
		if (hl >= sizeof(host))
			goto bad;
		memcpy(host, text, hl);
		host[hl] = '\0';
		if (colon)
			port = colon + 1;
	}
	if (port && config_parse_uint(port, 65535, &p) < 0) {
		snprintf(why, whylen, "bad port in '%s' (0..65535)", text);
		return -1;
	}
	{
		struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
		struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;

		if (text[0] != '[' &&
		    inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
			v4->sin_family = AF_INET;
			v4->sin_port = htons((uint16_t)p);
			*len = sizeof(*v4);
			return 0;
		}
		if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
			v6->sin6_family = AF_INET6;
			v6->sin6_port = htons((uint16_t)p);
			*len = sizeof(*v6);
			return 0;
		}
	}
bad:
	snprintf(why, whylen,
		 "bad address '%s' (want IPv4:PORT or [IPv6]:PORT)", text);
	return -1;
}

int config_portal_add(struct tgt_config *c, const char *text, char *why,
		      size_t whylen)
{
	struct tgt_portal p, *arr;

	memset(&p, 0, sizeof(p));
	if (config_parse_addr_port(text, TGT_DEFAULT_PORT, &p.addr, &p.addrlen,
				   why, whylen) < 0)
		return -1;
	if (config_copy(p.text, sizeof(p.text), text, "portal", why,
			whylen) < 0)
		return -1;
	if (c->nportals >= TGT_MAX_PORTALS) {
		snprintf(why, whylen, "too many portals (at most %u)",
			 TGT_MAX_PORTALS);
		return -1;
	}
	arr = realloc(c->portals, (c->nportals + 1) * sizeof(*arr));
	if (!arr) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	arr[c->nportals++] = p;
	c->portals = arr;
	return 0;
}

/* ---- final cross-checks ------------------------------------------------- */

/* Where a target or LUN came from, for messages. */
static const char *origin(const struct tgt_config *c, unsigned line)
{
	return line ? c->source : "command line";
}

static int finish_lun(const struct tgt_config *c, const struct tgt_target *t,
		      const struct tgt_lun *l, char *err, size_t errlen)
{
	struct stat st;

	if (l->path[0] == '\0')
		return config_err(err, errlen, origin(c, l->line), l->line,
				  "Target %s Lun %u: missing Path", t->name,
				  l->lun);
	if (l->size_bytes == 0 && stat(l->path, &st) < 0)
		return config_err(err, errlen, origin(c, l->line), l->line,
				  "Target %s Lun %u: %s: %s", t->name, l->lun,
				  l->path, strerror(errno));
	if (l->size_bytes && l->size_bytes % l->block_size)
		return config_err(err, errlen, origin(c, l->line), l->line,
				  "Target %s Lun %u: size %llu is not a "
				  "multiple of the block size %u",
				  t->name, l->lun,
				  (unsigned long long)l->size_bytes,
				  l->block_size);
	return 0;
}

static const struct tgt_kv *kv_entry(const struct tgt_kv *kv, size_t n,
				     const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcasecmp(kv[i].name, name) == 0)
			return &kv[i];
	return NULL;
}

/* The effective entry of key name for t (NULL: global only). */
static const struct tgt_kv *key_entry(const struct tgt_config *c,
				      const struct tgt_target *t,
				      const char *name)
{
	const struct tgt_kv *e = t ? kv_entry(t->keys, t->nkeys, name) : NULL;

	return e ? e : kv_entry(c->keys, c->nkeys, name);
}

/* RFC 7143 §13.14: FirstBurstLength MUST NOT exceed MaxBurstLength. */
static int finish_bursts(const struct tgt_config *c,
			 const struct tgt_target *t, char *err, size_t errlen)
{
	const struct tgt_kv *fb = key_entry(c, t, "FirstBurstLength");
	const struct tgt_kv *mb = key_entry(c, t, "MaxBurstLength");
	uint64_t first = 65536, max = 262144; /* §13.14, §13.13 defaults */
	unsigned line;

	/* Values passed config_key_check(): they parse. */
	if (fb)
		iscsi_value_number(fb->value, &first, NULL, 0);
	if (mb)
		iscsi_value_number(mb->value, &max, NULL, 0);
	if (first <= max)
		return 0;
	/* Blame the later of the two lines (0 = command line). */
	line = fb ? fb->line : 0;
	if (mb && mb->line > line)
		line = mb->line;
	return config_err(err, errlen, origin(c, line), line,
			  "%s%s: FirstBurstLength %llu exceeds MaxBurstLength "
			  "%llu (RFC 7143 §13.14)",
			  t ? "Target " : "global keys", t ? t->name : "",
			  (unsigned long long)first, (unsigned long long)max);
}

static int finish_target(struct tgt_config *c, struct tgt_target *t,
			 char *err, size_t errlen)
{
	const char *where = origin(c, t->line);
	const char *mc;
	char nerr[256];
	uint64_t v;

	if (iscsi_name_validate(t->name, nerr, sizeof(nerr)) < 0)
		return config_err(err, errlen, where, t->line,
				  "bad target name '%s': %s", t->name, nerr);
	for (size_t i = 0; i < c->ntargets; i++)
		if (&c->targets[i] != t &&
		    strcasecmp(c->targets[i].name, t->name) == 0)
			return config_err(err, errlen, where, t->line,
					  "Target %s defined twice", t->name);
	if (t->nluns == 0 && t->redirect[0] == '\0')
		return config_err(err, errlen, where, t->line,
				  "Target %s has no Lun", t->name);
	for (size_t i = 0; i < t->nluns; i++) {
		for (size_t j = 0; j < i; j++)
			if (t->luns[i].lun == t->luns[j].lun)
				return config_err(err, errlen,
						  origin(c, t->luns[i].line),
						  t->luns[i].line,
						  "Target %s: duplicate LUN %u",
						  t->name, t->luns[i].lun);
		if (finish_lun(c, t, &t->luns[i], err, errlen) < 0)
			return -1;
	}
	/* §12.1.3: the target authenticates itself only after CHAP_N/R. */
	if (t->has_out_user && t->n_in_users == 0)
		return config_err(err, errlen, where, t->line,
				  "Target %s: OutgoingUser without IncomingUser",
				  t->name);
	if (finish_bursts(c, t, err, errlen) < 0)
		return -1;
	mc = config_key(c, t, "MaxConnections");
	if (mc && iscsi_value_number(mc, &v, NULL, 0) == 0)
		t->max_connections = (unsigned)v;
	return 0;
}

int config_finish(struct tgt_config *c, char *err, size_t errlen)
{
	char why[CONFIG_WHY_LEN];

	if (c->has_disc_out && c->n_disc_in == 0)
		return config_err(err, errlen, c->source[0] ? c->source :
				  "command line", 0,
				  "discovery OutgoingUser without IncomingUser");
	if (finish_bursts(c, NULL, err, errlen) < 0)
		return -1;
	for (size_t i = 0; i < c->ntargets; i++)
		if (finish_target(c, &c->targets[i], err, errlen) < 0)
			return -1;
	if (c->nportals == 0 &&
	    config_portal_add(c, "0.0.0.0:3260", why, sizeof(why)) < 0)
		return config_err(err, errlen, "portal", 0, "%s", why);
	return 0;
}

/* ---- lookups ----------------------------------------------------------- */

const char *config_key(const struct tgt_config *c, const struct tgt_target *t,
		       const char *name)
{
	const struct tgt_kv *e = key_entry(c, t, name);

	return e ? e->value : NULL;
}
