/* SPDX-License-Identifier: MIT */
/*
 * config_int.h - helpers shared by config.c, config_file.c, config_cli.c,
 * config_acl.c and config_keys.c.  Not for use outside the config module.
 *
 * Helpers write a bare reason into (why, whylen); the caller prefixes the
 * location ("FILE:LINE: " or "--option ARG: ") with config_err().
 */
#ifndef ISCSI_CTS_CONFIG_INT_H
#define ISCSI_CTS_CONFIG_INT_H

#include "config.h"

#define CONFIG_WHY_LEN 512

/*
 * "where:line: reason" (line > 0) or "where: reason" into err; returns -1
 * so callers can "return config_err(...)".
 */
int config_err(char *err, size_t errlen, const char *where, unsigned line,
	       const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Copy src into dst[dstlen]; -1 with "WHAT too long" if it does not fit. */
int config_copy(char *dst, size_t dstlen, const char *src, const char *what,
		char *why, size_t whylen);

/* Decimal unsigned number with no sign, no junk, at most max. */
int config_parse_uint(const char *s, uint64_t max, uint64_t *out);
/* Bytes with an optional K/M/G/T (binary) suffix; > 0. */
int config_parse_size(const char *s, uint64_t *out);

/* New target with a valid iSCSI name not yet used; NULL with a reason. */
struct tgt_target *config_target_new(struct tgt_config *c, const char *name,
				     unsigned line, char *why, size_t whylen);
/* Append an IncomingUser-style user; -1 with a reason. */
int config_user_add(struct tgt_user **users, size_t *n, const char *name,
		    const char *secret, char *why, size_t whylen);
/* Fill one OutgoingUser-style user. */
int config_user_set(struct tgt_user *u, const char *name, const char *secret,
		    char *why, size_t whylen);
/* Append a LUN, its number unique within t. */
int config_lun_add(struct tgt_target *t, const struct tgt_lun *lun, char *why,
		   size_t whylen);
/*
 * Set iSCSI key name=value in a key list after config_key_check().  An
 * existing key is an error unless replace is set.
 */
int config_kv_set(struct tgt_kv **kv, size_t *n, const char *name,
		  const char *value, unsigned line, bool replace, char *why,
		  size_t whylen);
/* Parse "ADDR[:PORT]" / "[V6]:PORT" and append it to the portals. */
int config_portal_add(struct tgt_config *c, const char *text, char *why,
		      size_t whylen);
/*
 * Parse "ADDR[:PORT]" into a sockaddr (numeric addresses only; IPv6 in
 * brackets when a port follows; no port = default_port).
 */
int config_parse_addr_port(const char *text, unsigned default_port,
			   struct sockaddr_storage *ss, socklen_t *len,
			   char *why, size_t whylen);

#endif
