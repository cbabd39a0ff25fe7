/* SPDX-License-Identifier: MIT */
/*
 * config_acl.c - IET-style initiators.allow / initiators.deny.
 *
 * File format: '#' comment lines and blank lines are skipped; every other
 * line is "TARGET ENTRY[, ENTRY...]" (entries separated by commas and/or
 * blanks).  TARGET is a configured target's name or ALL (every target).
 * ENTRY is one of
 *   ALL                      every initiator
 *   iqn.… / eui.… / naa.…    an initiator name (RFC 7143 §4.2.7)
 *   192.0.2.7                an IPv4 address
 *   192.0.2.0/24             an IPv4 network by prefix length
 *   192.0.2.0/255.255.255.0  an IPv4 network by netmask (contiguous)
 *   2001:db8::1, [2001:db8::1], [2001:db8::]/32   IPv6, brackets optional
 * The decision order is documented at config_acl_permits() in config.h.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config_int.h"
#include "names.h"

/* ---- entries ----------------------------------------------------------- */

static void mask_host_bits(uint8_t *addr, unsigned bytes, unsigned prefix)
{
	for (unsigned i = 0; i < bytes; i++) {
		/* bits of byte i inside the prefix */
		unsigned keep = prefix > 8 * i ? prefix - 8 * i : 0;

		if (keep > 8)
			keep = 8;
		addr[i] &= (uint8_t)(0xff00u >> keep);
	}
}

/* A dotted IPv4 netmask into a prefix length; -1 if not contiguous. */
static int netmask_prefix(const char *s)
{
	struct in_addr m;
	uint32_t v;
	int n = 0;

	if (inet_pton(AF_INET, s, &m) != 1)
		return -1;
	v = ntohl(m.s_addr);
	while (v & 0x80000000u) {
		v <<= 1;
		n++;
	}
	return v ? -1 : n;
}

static int parse_net(const char *text, struct tgt_acl_entry *e)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *slash = strchr(text, '/');
	size_t hl = slash ? (size_t)(slash - text) : strlen(text);
	uint64_t pfx;
	unsigned max;

	if (hl == 0 || hl >= sizeof(host))
		return -1;
	memcpy(host, text, hl);
	host[hl] = '\0';
	if (host[0] == '[') {
		if (hl < 3 || host[hl - 1] != ']')
			return -1;
		host[hl - 1] = '\0';
		memmove(host, host + 1, hl - 1);
		if (inet_pton(AF_INET6, host, e->addr) != 1)
			return -1;
		e->family = AF_INET6;
	} else if (inet_pton(AF_INET, host, e->addr) == 1) {
		e->family = AF_INET;
	} else if (inet_pton(AF_INET6, host, e->addr) == 1) {
		e->family = AF_INET6;
	} else {
		return -1;
	}
	max = e->family == AF_INET ? 32 : 128;
	e->prefix = max;
	if (slash) {
		int m;

		if (config_parse_uint(slash + 1, max, &pfx) == 0)
			e->prefix = (unsigned)pfx;
		else if (e->family == AF_INET &&
			 (m = netmask_prefix(slash + 1)) >= 0)
			e->prefix = (unsigned)m;
		else
			return -1;
	}
	mask_host_bits(e->addr, max / 8, e->prefix);
	e->kind = TGT_ACL_NET;
	return 0;
}

static int parse_entry(const char *text, struct tgt_acl_entry *e, char *why,
		       size_t whylen)
{
	char nerr[256];

	memset(e, 0, sizeof(*e));
	if (strcasecmp(text, "ALL") == 0) {
		e->kind = TGT_ACL_ALL;
		return 0;
	}
	if (parse_net(text, e) == 0)
		return 0;
	if (strchr(text, '/') || isdigit((unsigned char)text[0]) ||
	    text[0] == '[') {
		snprintf(why, whylen, "bad address or network '%s'", text);
		return -1;
	}
	if (iscsi_name_validate(text, nerr, sizeof(nerr)) < 0) {
		snprintf(why, whylen,
			 "bad entry '%s': not ALL, an address or an "
			 "initiator name (%s)", text, nerr);
		return -1;
	}
	e->kind = TGT_ACL_NAME;
	snprintf(e->name, sizeof(e->name), "%s", text);
	return 0;
}

static int acl_append(struct tgt_acl *a, const struct tgt_acl_entry *e,
		      char *why, size_t whylen)
{
	struct tgt_acl_entry *arr;

	if (a->n >= TGT_MAX_ACL) {
		snprintf(why, whylen, "too many rules (at most %u per target)",
			 TGT_MAX_ACL);
		return -1;
	}
	arr = realloc(a->entries, (a->n + 1) * sizeof(*arr));
	if (!arr) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	arr[a->n++] = *e;
	a->entries = arr;
	return 0;
}

/* ---- files ------------------------------------------------------------- */

static int acl_line(struct tgt_config *c, bool allow, char *line, char *why,
		    size_t whylen)
{
	const char *seps = ", \t\r\n";
	char *save = NULL, *tname, *tok;
	struct tgt_target *t = NULL;
	struct tgt_acl_entry e;
	bool all, any = false;

	tname = strtok_r(line, " \t\r\n", &save);
	all = strcasecmp(tname, "ALL") == 0;
	if (!all && !(t = config_target_find(c, tname))) {
		snprintf(why, whylen, "no Target named %s", tname);
		return -1;
	}
	while ((tok = strtok_r(NULL, seps, &save))) {
		any = true;
		if (parse_entry(tok, &e, why, whylen) < 0)
			return -1;
		for (size_t i = 0; i < c->ntargets; i++) {
			struct tgt_target *x = &c->targets[i];

			if (!all && x != t)
				continue;
			if (acl_append(allow ? &x->allow : &x->deny, &e, why,
				       whylen) < 0)
				return -1;
		}
	}
	if (!any) {
		snprintf(why, whylen, "%s: no initiators listed", tname);
		return -1;
	}
	return 0;
}

static int acl_file(struct tgt_config *c, const char *path, bool allow,
		    char *err, size_t errlen)
{
	char buf[TGT_LINE_MAX], why[CONFIG_WHY_LEN];
	unsigned line = 0;
	FILE *f = fopen(path, "r");
	int rc = 0;

	if (!f)
		return config_err(err, errlen, path, 0, "%s", strerror(errno));
	while (fgets(buf, sizeof(buf), f)) {
		char *s = buf;
		size_t n = strlen(buf);

		line++;
		if (n == sizeof(buf) - 1 && buf[n - 1] != '\n' && !feof(f)) {
			rc = config_err(err, errlen, path, line,
					"line too long");
			break;
		}
		while (*s && isspace((unsigned char)*s))
			s++;
		if (*s == '\0' || *s == '#')
			continue;
		if (acl_line(c, allow, s, why, sizeof(why)) < 0) {
			rc = config_err(err, errlen, path, line, "%s", why);
			break;
		}
	}
	if (rc == 0 && ferror(f))
		rc = config_err(err, errlen, path, line, "read error");
	fclose(f);
	return rc;
}

int config_load_acl(struct tgt_config *c, const char *allow_path,
		    const char *deny_path, char *err, size_t errlen)
{
	if (allow_path && acl_file(c, allow_path, true, err, errlen) < 0)
		return -1;
	if (deny_path && acl_file(c, deny_path, false, err, errlen) < 0)
		return -1;
	return 0;
}

/* ---- decision ---------------------------------------------------------- */

static bool prefix_match(const uint8_t *a, const uint8_t *net,
			 unsigned prefix)
{
	unsigned full = prefix / 8, rest = prefix % 8;

	if (memcmp(a, net, full) != 0)
		return false;
	if (rest == 0)
		return true;
	return ((a[full] ^ net[full]) & (uint8_t)(0xff00u >> rest)) == 0;
}

static bool entry_matches(const struct tgt_acl_entry *e, const char *name,
			  const struct sockaddr *peer)
{
	static const uint8_t v4mapped[12] = {0, 0, 0, 0, 0, 0,
					     0, 0, 0, 0, 0xff, 0xff};
	const uint8_t *a = NULL;
	int fam = 0;

	switch (e->kind) {
	case TGT_ACL_ALL:
		return true;
	case TGT_ACL_NAME:
		return name && strcasecmp(e->name, name) == 0;
	case TGT_ACL_NET:
		break;
	}
	if (!peer)
		return false;
	if (peer->sa_family == AF_INET) {
		a = (const uint8_t *)&((const struct sockaddr_in *)peer)
			    ->sin_addr;
		fam = AF_INET;
	} else if (peer->sa_family == AF_INET6) {
		a = ((const struct sockaddr_in6 *)peer)->sin6_addr.s6_addr;
		fam = AF_INET6;
		/* An IPv4 peer on a dual-stack socket: ::ffff:a.b.c.d. */
		if (memcmp(a, v4mapped, sizeof(v4mapped)) == 0 &&
		    e->family == AF_INET) {
			a += 12;
			fam = AF_INET;
		}
	}
	return a && fam == e->family && prefix_match(a, e->addr, e->prefix);
}

static bool acl_matches(const struct tgt_acl *a, const char *name,
			const struct sockaddr *peer)
{
	for (size_t i = 0; i < a->n; i++)
		if (entry_matches(&a->entries[i], name, peer))
			return true;
	return false;
}

bool config_acl_permits(const struct tgt_target *t, const char *initiator_name,
			const struct sockaddr *peer)
{
	/* IET's order: allow wins, then deny, otherwise open. */
	if (acl_matches(&t->allow, initiator_name, peer))
		return true;
	if (acl_matches(&t->deny, initiator_name, peer))
		return false;
	return true;
}
