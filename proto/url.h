/* SPDX-License-Identifier: MIT */
/*
 * url.h - iSCSI URLs in the form libiscsi and its tools accept:
 *
 *   iscsi://[user[%password]@]host[:port][/target[/lun]][?arg=value&...]
 *
 *   - "user:password@" is accepted as well as "user%password@"; the
 *     userinfo ends at the first '@' and is split at its first '%' (or, if
 *     there is none, its first ':'), so a password may contain ':', '%'
 *     and '/' but not '@' or '?';
 *   - host is a name, an IPv4 address or a bracketed IPv6 address
 *     ("[::1]:3260"); the port defaults to 3260, the IANA iSCSI port;
 *   - "iscsi://host[:port]" or "iscsi://host[:port]/" names a portal only
 *     (SendTargets discovery); a target without "/lun" leaves has_lun false;
 *   - %XX escapes are decoded in the target name;
 *   - query arguments: target_user, target_password (mutual CHAP; kept
 *     only when user and password are set too, as libiscsi does) and
 *     header_digest=none|crc32c; any other argument is an error.
 */
#ifndef ISCSI_CTS_URL_H
#define ISCSI_CTS_URL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ISCSI_URL_PORT_DEFAULT 3260
#define ISCSI_URL_STR_MAX      256
#define ISCSI_URL_TARGET_MAX   224   /* 223-byte iSCSI name + NUL (§4.2.7.1) */
#define ISCSI_URL_LUN_MAX      16383 /* SAM flat space addressing */

enum iscsi_url_digest {
	ISCSI_URL_DIGEST_UNSET = 0,
	ISCSI_URL_DIGEST_NONE,
	ISCSI_URL_DIGEST_CRC32C,
};

struct iscsi_url {
	char user[ISCSI_URL_STR_MAX];	  /* initiator's CHAP name */
	char password[ISCSI_URL_STR_MAX]; /* initiator's CHAP secret */
	char target_user[ISCSI_URL_STR_MAX];
	char target_password[ISCSI_URL_STR_MAX];
	char host[ISCSI_URL_STR_MAX]; /* without the IPv6 brackets */
	bool host_is_ipv6;	      /* written in brackets */
	uint16_t port;
	bool has_port;			   /* port written explicitly */
	char target[ISCSI_URL_TARGET_MAX]; /* empty: a portal URL */
	int lun;
	bool has_lun;
	enum iscsi_url_digest header_digest;
};

/* 0 on success; -1 with a reason in err (u is then unspecified). */
int iscsi_url_parse(const char *s, struct iscsi_url *u, char *err,
		    size_t errlen);

/* Formatting flags. */
#define ISCSI_URL_HIDE_SECRETS 0x1u /* print passwords as "***" */

/*
 * Writes the URL of u into buf; returns its length, or -1 with a reason in
 * err when it does not fit or u holds something the syntax cannot carry
 * (a user name containing '%', ':', '@', '/' or '?', and the like).
 */
int iscsi_url_format(const struct iscsi_url *u, unsigned flags, char *buf,
		     size_t len, char *err, size_t errlen);

#endif
