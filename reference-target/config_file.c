/* SPDX-License-Identifier: MIT */
/*
 * config_file.c - the ietd.conf reader (syntax in config.h).
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

#include "config_int.h"
#include "text.h"

struct parse {
	struct tgt_config *c;
	const char *path;
	unsigned line;	 /* first physical line of the current directive */
	bool in_target;	 /* the last target is open */
	char *err;
	size_t errlen;
};

static struct tgt_target *cur_target(struct parse *p)
{
	return p->in_target ? &p->c->targets[p->c->ntargets - 1] : NULL;
}

static int perr(struct parse *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int perr(struct parse *p, const char *fmt, ...)
{
	char why[CONFIG_WHY_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return config_err(p->err, p->errlen, p->path, p->line, "%s", why);
}

/* ---- tokens ------------------------------------------------------------ */

static char *skip_space(char *s)
{
	while (*s && isspace((unsigned char)*s))
		s++;
	return s;
}

static void trim_end(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
}

/* Split off the next whitespace-separated word of *s; NULL at the end. */
static char *next_word(char **s)
{
	char *w = skip_space(*s), *e;

	if (*w == '\0')
		return NULL;
	e = w;
	while (*e && !isspace((unsigned char)*e))
		e++;
	if (*e)
		*e++ = '\0';
	*s = e;
	return w;
}

/* ---- Lun ----------------------------------------------------------------- */

static int lun_param(struct parse *p, struct tgt_lun *l, char *kv,
		     unsigned *seen)
{
	static const char *const names[] = {"Path", "Type", "IOMode",
					    "ScsiId", "ScsiSN", "BlockSize",
					    "Size"};
	char *eq = strchr(kv, '='), *val, why[CONFIG_WHY_LEN];
	char lunstr[16];
	size_t i;
	uint64_t v;

	snprintf(lunstr, sizeof(lunstr), "%u", l->lun);
	if (!eq)
		return perr(p, "Lun %s: bad parameter '%s' (want Name=Value)",
			    lunstr, kv);
	*eq = '\0';
	val = skip_space(eq + 1);
	trim_end(kv);
	trim_end(val);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcasecmp(kv, names[i]) == 0)
			break;
	if (i == sizeof(names) / sizeof(names[0]))
		return perr(p, "Lun %s: unknown parameter '%s'", lunstr, kv);
	if (*seen & (1u << i))
		return perr(p, "Lun %s: %s given twice", lunstr, names[i]);
	*seen |= 1u << i;
	switch (i) {
	case 0: /* Path */
		if (*val == '\0')
			return perr(p, "Lun %s: empty %s", lunstr, "Path");
		if (config_copy(l->path, sizeof(l->path), val, "Path", why,
				sizeof(why)) < 0)
			return perr(p, "Lun %s: %s", lunstr, why);
		return 0;
	case 1: /* Type */
		if (strcasecmp(val, "fileio") == 0)
			l->blockio = false;
		else if (strcasecmp(val, "blockio") == 0)
			l->blockio = true;
		else
			return perr(p, "Lun %s: bad Type '%s' "
				    "(fileio or blockio)", lunstr, val);
		return 0;
	case 2: /* IOMode */
		if (strcasecmp(val, "wb") == 0)
			l->iomode = TGT_IOMODE_WB;
		else if (strcasecmp(val, "wt") == 0)
			l->iomode = TGT_IOMODE_WT;
		else if (strcasecmp(val, "ro") == 0)
			l->iomode = TGT_IOMODE_RO;
		else
			return perr(p, "Lun %s: bad IOMode '%s' (wb, wt or ro)",
				    lunstr, val);
		return 0;
	case 3: /* ScsiId */
	case 4: /* ScsiSN */
		for (const char *q = val; *q; q++)
			if (!isgraph((unsigned char)*q))
				return perr(p, "Lun %s: %s must be printable "
					    "ASCII", lunstr, names[i]);
		if (config_copy(i == 3 ? l->scsi_id : l->scsi_sn,
				sizeof(l->scsi_id), val, names[i], why,
				sizeof(why)) < 0 || *val == '\0')
			return perr(p, "Lun %s: bad %s", lunstr, names[i]);
		return 0;
	case 5: /* BlockSize */
		if (config_parse_uint(val, 4096, &v) < 0 || v < 512 ||
		    (v & (v - 1)))
			return perr(p, "Lun %s: bad BlockSize '%s' "
				    "(512, 1024, 2048 or 4096)", lunstr, val);
		l->block_size = (unsigned)v;
		return 0;
	default: /* Size */
		if (config_parse_size(val, &l->size_bytes) < 0)
			return perr(p, "Lun %s: bad Size '%s'", lunstr, val);
		return 0;
	}
}

static int do_lun(struct parse *p, char *args)
{
	struct tgt_target *t = cur_target(p);
	char *num, *kv, *save = NULL, why[CONFIG_WHY_LEN];
	struct tgt_lun l;
	unsigned seen = 0;
	uint64_t n;

	if (!t)
		return perr(p, "Lun without a Target");
	num = next_word(&args);
	if (!num)
		return perr(p, "Lun needs a number");
	if (config_parse_uint(num, UINT64_MAX, &n) < 0)
		return perr(p, "bad LUN number '%s'", num);
	if (n > TGT_LUN_MAX)
		return perr(p, "LUN %s out of range (0..%u)", num, TGT_LUN_MAX);
	memset(&l, 0, sizeof(l));
	l.lun = (unsigned)n;
	l.block_size = 512;
	l.line = p->line;
	for (kv = strtok_r(args, ",", &save); kv;
	     kv = strtok_r(NULL, ",", &save)) {
		kv = skip_space(kv);
		if (*kv == '\0')
			continue;
		if (lun_param(p, &l, kv, &seen) < 0)
			return -1;
	}
	if (l.path[0] == '\0')
		return perr(p, "Lun %s: missing Path", num);
	if (config_lun_add(t, &l, why, sizeof(why)) < 0)
		return perr(p, "%s", why);
	return 0;
}

/* ---- the other directives ------------------------------------------------ */

static int do_target(struct parse *p, char *args)
{
	char *name = next_word(&args), why[CONFIG_WHY_LEN];

	if (!name)
		return perr(p, "Target needs a name");
	if (next_word(&args))
		return perr(p, "Target %s: junk after the name", name);
	if (!config_target_new(p->c, name, p->line, why, sizeof(why)))
		return perr(p, "%s", why);
	p->in_target = true;
	return 0;
}

static int do_user(struct parse *p, char *args, bool incoming)
{
	const char *dir = incoming ? "IncomingUser" : "OutgoingUser";
	struct tgt_target *t = cur_target(p);
	char *user = next_word(&args), *secret = next_word(&args);
	char why[CONFIG_WHY_LEN];
	int rc;

	if (!user)
		return 0; /* IET accepts a bare "IncomingUser": no user */
	if (!secret || next_word(&args))
		return perr(p, "%s needs USER SECRET", dir);
	if (incoming) {
		rc = t ? config_user_add(&t->in_users, &t->n_in_users, user,
					 secret, why, sizeof(why))
		       : config_user_add(&p->c->disc_in, &p->c->n_disc_in,
					 user, secret, why, sizeof(why));
	} else {
		bool *has = t ? &t->has_out_user : &p->c->has_disc_out;

		if (*has)
			return perr(p, "%s given twice (one allowed)", dir);
		rc = config_user_set(t ? &t->out_user : &p->c->disc_out, user,
				     secret, why, sizeof(why));
		if (rc == 0)
			*has = true;
	}
	if (rc < 0)
		return perr(p, "%s: %s", dir, why);
	return 0;
}

static int do_alias(struct parse *p, struct tgt_target *t, char *args)
{
	char why[CONFIG_WHY_LEN];

	/* TargetAlias is an iSCSI-local-name-value: UTF-8 (§13.6, §6.1). */
	if (*args == '\0')
		return perr(p, "Alias needs a value");
	if (!iscsi_is_utf8(args))
		return perr(p, "Alias is not UTF-8");
	if (config_copy(t->alias, sizeof(t->alias), args, "Alias", why,
			sizeof(why)) < 0)
		return perr(p, "%s", why);
	return 0;
}

static int do_number(struct parse *p, const char *dir, char *args,
		     uint64_t max, unsigned *out)
{
	char *w = next_word(&args);
	uint64_t v;

	if (!w || next_word(&args))
		return perr(p, "%s needs one number", dir);
	if (config_parse_uint(w, UINT64_MAX, &v) < 0)
		return perr(p, "%s: bad number '%s'", dir, w);
	if (v > max)
		return perr(p, "%s %s out of range (0..%llu)", dir, w,
			    (unsigned long long)max);
	*out = (unsigned)v;
	return 0;
}

/* RedirectTarget ADDR[:PORT] [Temporary|Permanent] (extension). */
static int do_redirect(struct parse *p, struct tgt_target *t, char *args)
{
	char *addr = next_word(&args), *kind = next_word(&args);
	char why[CONFIG_WHY_LEN], host[INET6_ADDRSTRLEN];
	struct sockaddr_storage ss;
	socklen_t len;
	unsigned port;

	if (!addr || next_word(&args))
		return perr(p, "RedirectTarget needs ADDR[:PORT] "
			    "[Temporary|Permanent]");
	if (config_parse_addr_port(addr, TGT_DEFAULT_PORT, &ss, &len, why,
				   sizeof(why)) < 0)
		return perr(p, "RedirectTarget: %s", why);
	if (kind && strcasecmp(kind, "Temporary") != 0 &&
	    strcasecmp(kind, "Permanent") != 0)
		return perr(p, "RedirectTarget: '%s' is neither Temporary nor "
			    "Permanent", kind);
	t->redirect_permanent = kind && strcasecmp(kind, "Permanent") == 0;
	/* TargetAddress form (§13.8): IPv6 in brackets, port explicit. */
	if (ss.ss_family == AF_INET6) {
		struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&ss;

		inet_ntop(AF_INET6, &v6->sin6_addr, host, sizeof(host));
		port = ntohs(v6->sin6_port);
		snprintf(t->redirect, sizeof(t->redirect), "[%s]:%u", host,
			 port);
	} else {
		struct sockaddr_in *v4 = (struct sockaddr_in *)&ss;

		inet_ntop(AF_INET, &v4->sin_addr, host, sizeof(host));
		port = ntohs(v4->sin_port);
		snprintf(t->redirect, sizeof(t->redirect), "%s:%u", host,
			 port);
	}
	return 0;
}

static int do_key(struct parse *p, const char *name, char *args)
{
	struct tgt_target *t = cur_target(p);
	char canon[TGT_KEY_LEN], why[CONFIG_WHY_LEN], *value;
	int rc;

	value = next_word(&args);
	rc = config_key_check(name, value ? value : "", canon, why,
			      sizeof(why));
	if (rc == -2)
		return perr(p, "unknown directive '%s'", name);
	if (rc < 0)
		return perr(p, "%s", why);
	if (next_word(&args))
		return perr(p, "%s: one value expected", canon);
	rc = t ? config_kv_set(&t->keys, &t->nkeys, canon, value, p->line,
			       false, why, sizeof(why))
	       : config_kv_set(&p->c->keys, &p->c->nkeys, canon, value,
			       p->line, false, why, sizeof(why));
	if (rc < 0)
		return perr(p, "%s", why);
	return 0;
}

/* Directives valid only inside a Target block. */
static int do_target_only(struct parse *p, const char *dir, char *args)
{
	struct tgt_target *t = cur_target(p);

	if (!t)
		return perr(p, "%s without a Target", dir);
	if (strcasecmp(dir, "Alias") == 0)
		return do_alias(p, t, args);
	if (strcasecmp(dir, "MaxSessions") == 0)
		return do_number(p, "MaxSessions", args, 65535,
				 &t->max_sessions);
	if (strcasecmp(dir, "NOPInterval") == 0)
		return do_number(p, "NOPInterval", args, 3600,
				 &t->nop_interval);
	if (strcasecmp(dir, "NOPTimeout") == 0)
		return do_number(p, "NOPTimeout", args, 3600,
				 &t->nop_timeout);
	return do_redirect(p, t, args);
}

static int directive(struct parse *p, char *line)
{
	char *dir, *args = line;

	dir = next_word(&args);
	args = skip_space(args);
	trim_end(args);
	if (strcasecmp(dir, "Target") == 0)
		return do_target(p, args);
	if (strcasecmp(dir, "Lun") == 0)
		return do_lun(p, args);
	if (strcasecmp(dir, "IncomingUser") == 0)
		return do_user(p, args, true);
	if (strcasecmp(dir, "OutgoingUser") == 0)
		return do_user(p, args, false);
	if (strcasecmp(dir, "Alias") == 0 ||
	    strcasecmp(dir, "MaxSessions") == 0 ||
	    strcasecmp(dir, "NOPInterval") == 0 ||
	    strcasecmp(dir, "NOPTimeout") == 0 ||
	    strcasecmp(dir, "RedirectTarget") == 0)
		return do_target_only(p, dir, args);
	return do_key(p, dir, args);
}

/* ---- lines ------------------------------------------------------------ */

/*
 * Read one logical line (continuations joined) into buf.  1 with a line,
 * 0 at end of file, -1 on error.  *phys counts physical lines.
 */
static int read_line(struct parse *p, FILE *f, char *buf, size_t cap,
		     unsigned *phys)
{
	size_t len = 0;
	bool any = false;

	for (;;) {
		size_t n;

		if (!fgets(buf + len, (int)(cap - len), f))
			break;
		any = true;
		(*phys)++;
		if (len == 0)
			p->line = *phys;
		n = len + strlen(buf + len);
		if (n == cap - 1 && buf[n - 1] != '\n' && !feof(f))
			return perr(p, "line too long (over %u bytes)",
				    TGT_LINE_MAX - 2);
		while (n > len && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
			buf[--n] = '\0';
		if (n > 0 && buf[n - 1] == '\\') {
			buf[--n] = '\0';
			len = n;
			continue;
		}
		return 1;
	}
	if (ferror(f))
		return perr(p, "read error");
	return any ? 1 : 0;
}

int config_load(struct tgt_config *c, const char *path, char *err,
		size_t errlen)
{
	struct parse p = {c, path, 0, false, err, errlen};
	unsigned phys = 0;
	char *buf;
	FILE *f;
	int rc;

	snprintf(c->source, sizeof(c->source), "%s", path);
	f = fopen(path, "r");
	if (!f)
		return config_err(err, errlen, path, 0, "%s", strerror(errno));
	buf = malloc(TGT_LINE_MAX);
	if (!buf) {
		fclose(f);
		return config_err(err, errlen, path, 0, "out of memory");
	}
	while ((rc = read_line(&p, f, buf, TGT_LINE_MAX, &phys)) > 0) {
		char *s = skip_space(buf);

		if (*s == '\0' || *s == '#')
			continue;
		rc = directive(&p, s);
		if (rc < 0)
			break;
	}
	free(buf);
	fclose(f);
	return rc < 0 ? -1 : 0;
}
