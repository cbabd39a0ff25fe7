/* SPDX-License-Identifier: MIT */
/*
 * url.c - parse and format iscsi:// URLs (syntax in url.h).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "text.h"
#include "url.h"

#define URL_SCHEME "iscsi://"

static int copy_span(char *dst, size_t dstlen, const char *s, size_t n,
		     const char *what, char *err, size_t errlen)
{
	if (n >= dstlen)
		return iscsi_err(err, errlen, "%s is longer than %zu bytes",
				what, dstlen - 1);
	memcpy(dst, s, n);
	dst[n] = '\0';
	return 0;
}

/* Copies s[0..n) into dst, decoding %XX escapes. */
static int copy_decoded(char *dst, size_t dstlen, const char *s, size_t n,
			const char *what, char *err, size_t errlen)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		int c = (unsigned char)s[i];

		if (c == '%') {
			int hi = n - i >= 3 ? iscsi_hex_digit(s[i + 1]) : -1;
			int lo = n - i >= 3 ? iscsi_hex_digit(s[i + 2]) : -1;

			if (hi < 0 || lo < 0)
				return iscsi_err(err, errlen,
						"bad %%-escape in %s at "
						"offset %zu",
						what, i);
			c = hi << 4 | lo;
			if (c == 0)
				return iscsi_err(err, errlen,
						"%%00 is not allowed in %s",
						what);
			i += 2;
		}
		if (o + 1 >= dstlen)
			return iscsi_err(err, errlen,
					"%s is longer than %zu bytes", what,
					dstlen - 1);
		dst[o++] = (char)c;
	}
	dst[o] = '\0';
	return 0;
}

static int parse_decimal(const char *s, size_t n, unsigned long max,
			 unsigned long *out)
{
	unsigned long v = 0;

	if (n == 0 || n > 9)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v > max)
		return -1;
	*out = v;
	return 0;
}

/* "key=value&key=value"; q[0..n) excludes the '?'. */
static int parse_query(const char *q, size_t n, struct iscsi_url *u, char *err,
		       size_t errlen)
{
	while (n > 0) {
		const char *amp = memchr(q, '&', n);
		size_t arglen = amp ? (size_t)(amp - q) : n;
		const char *eq = memchr(q, '=', arglen);
		size_t klen, vlen;
		const char *v;
		int rc;

		if (!eq)
			return iscsi_err(err, errlen,
					"URL argument '%.*s' has no '='",
					(int)arglen, q);
		klen = (size_t)(eq - q);
		v = eq + 1;
		vlen = arglen - klen - 1;
		if (klen == 11 && !memcmp(q, "target_user", 11)) {
			rc = copy_span(u->target_user, sizeof(u->target_user),
				       v, vlen, "target_user", err, errlen);
		} else if (klen == 15 && !memcmp(q, "target_password", 15)) {
			rc = copy_span(u->target_password,
				       sizeof(u->target_password), v, vlen,
				       "target_password", err, errlen);
		} else if (klen == 13 && !memcmp(q, "header_digest", 13)) {
			if (vlen == 4 && !memcmp(v, "none", 4))
				u->header_digest = ISCSI_URL_DIGEST_NONE;
			else if (vlen == 6 && !memcmp(v, "crc32c", 6))
				u->header_digest = ISCSI_URL_DIGEST_CRC32C;
			else
				return iscsi_err(err, errlen,
						"header_digest must be none "
						"or crc32c, not '%.*s'",
						(int)vlen, v);
			rc = 0;
		} else {
			return iscsi_err(err, errlen,
					"unknown URL argument '%.*s'",
					(int)klen, q);
		}
		if (rc < 0)
			return -1;
		if (!amp)
			break;
		n -= arglen + 1;
		q = amp + 1;
	}
	return 0;
}

/* "user%password" or "user:password", s[0..n) excludes the '@'. */
static int parse_userinfo(const char *s, size_t n, struct iscsi_url *u,
			  char *err, size_t errlen)
{
	const char *sep = memchr(s, '%', n);
	size_t ulen;

	if (!sep)
		sep = memchr(s, ':', n);
	if (!sep || sep + 1 == s + n)
		return iscsi_err(err, errlen,
				"user name given without a password");
	ulen = (size_t)(sep - s);
	if (ulen == 0)
		return iscsi_err(err, errlen, "empty user name before '@'");
	if (copy_span(u->user, sizeof(u->user), s, ulen, "user name", err,
		      errlen) < 0)
		return -1;
	return copy_span(u->password, sizeof(u->password), sep + 1,
			 n - ulen - 1, "password", err, errlen);
}

static bool host_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
}

/*
 * host[:port] from s[0..n); the authority ends before the first '/' that
 * follows the host.  Sets *used to the bytes consumed.
 */
static int parse_hostport(const char *s, size_t n, struct iscsi_url *u,
			  size_t *used, char *err, size_t errlen)
{
	const char *p, *end = s + n;
	size_t hlen;

	if (n > 0 && s[0] == '[') {
		const char *close = memchr(s, ']', n);
		unsigned char addr[16];

		if (!close)
			return iscsi_err(err, errlen,
					"unterminated '[' in IPv6 address");
		hlen = (size_t)(close - s - 1);
		if (copy_span(u->host, sizeof(u->host), s + 1, hlen, "host",
			      err, errlen) < 0)
			return -1;
		if (inet_pton(AF_INET6, u->host, addr) != 1)
			return iscsi_err(err, errlen,
					"'%s' is not an IPv6 address", u->host);
		u->host_is_ipv6 = true;
		p = close + 1;
		if (p < end && *p != ':' && *p != '/')
			return iscsi_err(err, errlen,
					"unexpected '%c' after ']'", *p);
	} else {
		for (p = s; p < end && *p != ':' && *p != '/'; p++)
			if (!host_char_ok(*p))
				return iscsi_err(err, errlen,
						"character '%c' is not "
						"allowed in a host name",
						*p);
		hlen = (size_t)(p - s);
		if (hlen == 0)
			return iscsi_err(err, errlen, "missing host");
		if (copy_span(u->host, sizeof(u->host), s, hlen, "host", err,
			      errlen) < 0)
			return -1;
	}
	if (p < end && *p == ':') {
		const char *ps = ++p;
		unsigned long port;

		while (p < end && *p != '/')
			p++;
		if (parse_decimal(ps, (size_t)(p - ps), 65535, &port) < 0 ||
		    port == 0)
			return iscsi_err(err, errlen,
					"bad port '%.*s' (1..65535)",
					(int)(p - ps), ps);
		u->port = (uint16_t)port;
		u->has_port = true;
	}
	*used = (size_t)(p - s);
	return 0;
}

/* "/target[/lun]" or "/" or nothing, s[0..n). */
static int parse_path(const char *s, size_t n, struct iscsi_url *u, char *err,
		      size_t errlen)
{
	const char *slash;
	size_t tlen;
	unsigned long lun;

	if (n <= 1) /* "" or "/": a portal (discovery) URL */
		return 0;
	s++;
	n--;
	slash = memchr(s, '/', n);
	tlen = slash ? (size_t)(slash - s) : n;
	if (tlen == 0)
		return iscsi_err(err, errlen, "empty target name");
	if (copy_decoded(u->target, sizeof(u->target), s, tlen, "target name",
			 err, errlen) < 0)
		return -1;
	if (!slash)
		return 0;
	if (parse_decimal(slash + 1, n - tlen - 1, ISCSI_URL_LUN_MAX, &lun) < 0)
		return iscsi_err(err, errlen, "bad LUN '%.*s' (0..%d)",
				(int)(n - tlen - 1), slash + 1,
				ISCSI_URL_LUN_MAX);
	u->lun = (int)lun;
	u->has_lun = true;
	return 0;
}

static int check_scheme(const char *s, char *err, size_t errlen)
{
	if (!strncmp(s, URL_SCHEME, strlen(URL_SCHEME)))
		return 0;
	if (!strncmp(s, "iser://", 7))
		return iscsi_err(err, errlen,
				"iser:// URLs are not supported (TCP only)");
	if (strstr(s, "://"))
		return iscsi_err(err, errlen,
				"unsupported URL scheme: must be iscsi://");
	return iscsi_err(err, errlen, "missing iscsi:// scheme");
}

int iscsi_url_parse(const char *s, struct iscsi_url *u, char *err,
		    size_t errlen)
{
	const char *p, *q, *at;
	size_t rest, used = 0;

	if (!s || !u)
		return iscsi_err(err, errlen, "no URL");
	memset(u, 0, sizeof(*u));
	u->port = ISCSI_URL_PORT_DEFAULT;
	if (check_scheme(s, err, errlen) < 0)
		return -1;
	p = s + strlen(URL_SCHEME);
	q = strchr(p, '?');
	rest = q ? (size_t)(q - p) : strlen(p);

	at = memchr(p, '@', rest);
	if (at) {
		if (parse_userinfo(p, (size_t)(at - p), u, err, errlen) < 0)
			return -1;
		rest -= (size_t)(at + 1 - p);
		p = at + 1;
	}
	if (parse_hostport(p, rest, u, &used, err, errlen) < 0)
		return -1;
	if (parse_path(p + used, rest - used, u, err, errlen) < 0)
		return -1;
	if (q && parse_query(q + 1, strlen(q + 1), u, err, errlen) < 0)
		return -1;
	if ((u->target_user[0] != '\0') != (u->target_password[0] != '\0'))
		return iscsi_err(err, errlen,
				"target_user and target_password go together");
	if (u->target_user[0] && !u->user[0])
		return iscsi_err(err, errlen,
				"target_user/target_password (mutual CHAP) "
				"need user and password as well");
	return 0;
}

/* ---- formatting ---------------------------------------------------------- */

struct url_out {
	char *buf;
	size_t len, pos;
	bool overflow;
};

static void out_put(struct url_out *o, const char *s, size_t n)
{
	if (o->overflow || o->len - o->pos <= n) {
		o->overflow = true;
		return;
	}
	memcpy(o->buf + o->pos, s, n);
	o->pos += n;
	o->buf[o->pos] = '\0';
}

static void out_str(struct url_out *o, const char *s)
{
	out_put(o, s, strlen(s));
}

/* The target name, escaping what the path syntax would misread. */
static void out_target(struct url_out *o, const char *t)
{
	static const char hex[] = "0123456789ABCDEF";

	for (const unsigned char *c = (const unsigned char *)t; *c; c++) {
		if (host_char_ok((char)*c) || *c == ':' || *c == '~') {
			out_put(o, (const char *)c, 1);
		} else {
			char e[3] = {'%', hex[*c >> 4], hex[*c & 15]};

			out_put(o, e, 3);
		}
	}
}

static int check_formattable(const struct iscsi_url *u, char *err,
			     size_t errlen)
{
	if (!u->host[0])
		return iscsi_err(err, errlen, "no host to format");
	if (strpbrk(u->user, "%:@/?"))
		return iscsi_err(err, errlen,
				"user name holds a character the URL syntax "
				"cannot carry (one of %%:@/?)");
	if (strpbrk(u->password, "@?"))
		return iscsi_err(err, errlen,
				"password holds '@' or '?', which the URL "
				"syntax cannot carry");
	if (strpbrk(u->target_user, "&?") || strpbrk(u->target_password, "&"))
		return iscsi_err(err, errlen,
				"target_user/target_password hold '&' or '?'");
	if ((u->user[0] != '\0') != (u->password[0] != '\0'))
		return iscsi_err(err, errlen, "user and password go together");
	if (u->has_lun && !u->target[0])
		return iscsi_err(err, errlen, "a LUN needs a target name");
	if (u->has_lun && (u->lun < 0 || u->lun > ISCSI_URL_LUN_MAX))
		return iscsi_err(err, errlen, "LUN %d out of range", u->lun);
	return 0;
}

int iscsi_url_format(const struct iscsi_url *u, unsigned flags, char *buf,
		     size_t len, char *err, size_t errlen)
{
	struct url_out o = {buf, len, 0, len == 0};
	bool hide = flags & ISCSI_URL_HIDE_SECRETS;
	char num[16];
	char sep = '?';

	if (check_formattable(u, err, errlen) < 0)
		return -1;
	if (len)
		buf[0] = '\0';
	out_str(&o, URL_SCHEME);
	if (u->user[0]) {
		out_str(&o, u->user);
		out_str(&o, "%");
		out_str(&o, hide ? "***" : u->password);
		out_str(&o, "@");
	}
	if (u->host_is_ipv6 || strchr(u->host, ':')) {
		out_str(&o, "[");
		out_str(&o, u->host);
		out_str(&o, "]");
	} else {
		out_str(&o, u->host);
	}
	if (u->has_port || u->port != ISCSI_URL_PORT_DEFAULT) {
		snprintf(num, sizeof(num), ":%u", (unsigned)u->port);
		out_str(&o, num);
	}
	out_str(&o, "/");
	if (u->target[0]) {
		out_target(&o, u->target);
		if (u->has_lun) {
			snprintf(num, sizeof(num), "/%d", u->lun);
			out_str(&o, num);
		}
	}
	if (u->target_user[0] && u->user[0]) {
		out_str(&o, "?target_user=");
		out_str(&o, u->target_user);
		out_str(&o, "&target_password=");
		out_str(&o, hide ? "***" : u->target_password);
		sep = '&';
	}
	if (u->header_digest != ISCSI_URL_DIGEST_UNSET) {
		out_put(&o, &sep, 1);
		out_str(&o, u->header_digest == ISCSI_URL_DIGEST_CRC32C
				? "header_digest=crc32c"
				: "header_digest=none");
	}
	if (o.overflow)
		return iscsi_err(err, errlen, "URL does not fit in %zu bytes",
				len);
	return (int)o.pos;
}
