/* SPDX-License-Identifier: MIT */
/*
 * profile.c - the target profile parser (format in profile.h).
 */
#include "profile.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum profile_type { PT_URL, PT_STR, PT_BOOL, PT_LUNS };

struct profile_key {
	const char *name;
	enum profile_type type;
	size_t off;  /* of the value in struct cts_profile */
	size_t flag; /* of its "has_" bool (PT_URL), else 0 */
};

#define KSTR(k)                                                                \
	{                                                                      \
#k, PT_STR, offsetof(struct cts_profile, k), 0                 \
	}
#define KURL(k)                                                                \
	{                                                                      \
#k, PT_URL, offsetof(struct cts_profile, k),                   \
		    offsetof(struct cts_profile, has_##k)                      \
	}

static const struct profile_key profile_keys[] = {
    KURL(url),
    KURL(url2),
    KURL(discovery_url),
    KURL(chap_url),
    KURL(mutual_url),
    KURL(mc_url),
    KURL(nolun0_url),
    KSTR(initiator_name),
    KSTR(chap_user),
    KSTR(chap_secret),
    KSTR(mutual_user),
    KSTR(mutual_secret),
    KSTR(discovery_chap_user),
    KSTR(discovery_chap_secret),
    {"requires_chap", PT_BOOL, offsetof(struct cts_profile, requires_chap), 0},
    {"luns", PT_LUNS, 0, 0},
};

#define NKEYS (sizeof(profile_keys) / sizeof(profile_keys[0]))

__attribute__((format(printf, 3, 4))) static int perr(char *err, size_t errlen,
						      const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

void cts_profile_init(struct cts_profile *p)
{
	memset(p, 0, sizeof(*p));
	p->luns[0] = 0;
	p->nluns = 1;
}

bool cts_profile_has_lun(const struct cts_profile *p, unsigned lun)
{
	for (size_t i = 0; i < p->nluns; i++)
		if (p->luns[i] == lun)
			return true;
	return false;
}

/* "0,1, 5": decimal LUNs 0..16383 (SAM flat space), each listed once. */
static int parse_luns(const char *v, struct cts_profile *p, char *why,
		      size_t whylen)
{
	const char *s = v;

	p->nluns = 0;
	for (;;) {
		char *end;
		unsigned long lun;

		while (*s == ' ' || *s == '\t')
			s++;
		if (*s < '0' || *s > '9')
			return perr(why, whylen,
				    "expected a LUN number at '%s'", s);
		errno = 0;
		lun = strtoul(s, &end, 10);
		if (errno || lun > ISCSI_URL_LUN_MAX)
			return perr(why, whylen, "LUN out of range 0..%d",
				    ISCSI_URL_LUN_MAX);
		if (cts_profile_has_lun(p, (unsigned)lun))
			return perr(why, whylen, "LUN %lu listed twice", lun);
		if (p->nluns == CTS_PROFILE_LUNS_MAX)
			return perr(why, whylen, "more than %u LUNs",
				    CTS_PROFILE_LUNS_MAX);
		p->luns[p->nluns++] = (uint16_t)lun;
		s = end;
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\0')
			return 0;
		if (*s != ',')
			return perr(why, whylen, "expected ',' at '%s'", s);
		s++;
	}
}

static int set_value(const struct profile_key *k, const char *v,
		     struct cts_profile *p, char *why, size_t whylen)
{
	char *base = (char *)p;
	char uerr[160];

	switch (k->type) {
	case PT_URL:
		if (iscsi_url_parse(v, (struct iscsi_url *)(base + k->off),
				    uerr, sizeof(uerr)) < 0)
			return perr(why, whylen, "%s", uerr);
		*(bool *)(base + k->flag) = true;
		return 0;
	case PT_STR:
		if (strlen(v) >= CTS_PROFILE_STR_MAX)
			return perr(why, whylen, "value longer than %u bytes",
				    CTS_PROFILE_STR_MAX - 1);
		strcpy(base + k->off, v);
		return 0;
	case PT_BOOL:
		if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1"))
			*(bool *)(base + k->off) = true;
		else if (!strcmp(v, "no") || !strcmp(v, "false") ||
			 !strcmp(v, "0"))
			*(bool *)(base + k->off) = false;
		else
			return perr(why, whylen, "expected yes or no, not '%s'",
				    v);
		return 0;
	case PT_LUNS:
		if (parse_luns(v, p, why, whylen) < 0)
			return -1;
		p->has_luns = true;
		return 0;
	}
	return perr(why, whylen, "internal: key type %d", (int)k->type);
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

/* Cuts a comment: '#' at the start or after white space. */
static void cut_comment(char *s)
{
	for (char *c = s; *c; c++) {
		if (*c == '#' && (c == s || c[-1] == ' ' || c[-1] == '\t')) {
			*c = '\0';
			return;
		}
	}
}

static int parse_line(char *line, struct cts_profile *p, bool *seen, char *why,
		      size_t whylen)
{
	char *eq, *key, *val;
	size_t i;

	cut_comment(line);
	key = trim(line);
	if (*key == '\0')
		return 0;
	eq = strchr(key, '=');
	if (!eq)
		return perr(why, whylen, "expected 'key = value'");
	*eq = '\0';
	key = trim(key);
	val = trim(eq + 1);
	for (i = 0; i < NKEYS; i++)
		if (!strcmp(profile_keys[i].name, key))
			break;
	if (i == NKEYS)
		return perr(why, whylen, "unknown key '%.64s'", key);
	if (seen[i])
		return perr(why, whylen, "key '%s' set twice", key);
	seen[i] = true;
	if (*val == '\0')
		return perr(why, whylen, "key '%s' has no value", key);
	return set_value(&profile_keys[i], val, p, why, whylen);
}

int cts_profile_parse(const char *text, size_t len, const char *name,
		      struct cts_profile *p, char *err, size_t errlen)
{
	bool seen[NKEYS] = {false};
	char line[1024], why[256];
	size_t pos = 0;
	unsigned lineno = 0;

	if (!name)
		name = "<profile>";
	if (len > CTS_PROFILE_FILE_MAX)
		return perr(err, errlen, "%s: larger than %u bytes", name,
			    CTS_PROFILE_FILE_MAX);
	cts_profile_init(p);
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;

		lineno++;
		if (n >= sizeof(line))
			return perr(err, errlen,
				    "%s:%u: line longer than %zu bytes", name,
				    lineno, sizeof(line) - 1);
		if (memchr(text + pos, '\0', n))
			return perr(err, errlen, "%s:%u: NUL byte", name,
				    lineno);
		memcpy(line, text + pos, n);
		line[n] = '\0';
		pos += n + (nl ? 1 : 0);
		if (parse_line(line, p, seen, why, sizeof(why)) < 0)
			return perr(err, errlen, "%s:%u: %s", name, lineno,
				    why);
	}
	if (!p->has_luns) {
		p->luns[0] = 0;
		p->nluns = 1;
	}
	return 0;
}

int cts_profile_load(const char *path, struct cts_profile *p, char *err,
		     size_t errlen)
{
	char *buf;
	size_t n;
	FILE *f;
	int rc;

	f = fopen(path, "r");
	if (!f)
		return perr(err, errlen, "%s: %s", path, strerror(errno));
	buf = malloc(CTS_PROFILE_FILE_MAX + 1);
	if (!buf) {
		fclose(f);
		return perr(err, errlen, "%s: out of memory", path);
	}
	n = fread(buf, 1, CTS_PROFILE_FILE_MAX + 1, f);
	if (ferror(f)) {
		rc = perr(err, errlen, "%s: read error", path);
	} else {
		rc = cts_profile_parse(buf, n, path, p, err, errlen);
		if (rc == 0)
			snprintf(p->path, sizeof(p->path), "%s", path);
	}
	free(buf);
	fclose(f);
	return rc;
}
