/* SPDX-License-Identifier: MIT */
/*
 * profile.h - target profiles (targets/NAME.conf).
 *
 * A profile states only what negotiation cannot reveal: where the target
 * is, the credentials it expects, whether it insists on CHAP and how its
 * LUNs are laid out.  Everything negotiable is discovered by the tests.
 *
 *	# targets/tgt.conf
 *	url           = iscsi://127.0.0.1:3260/iqn.2024-01.org.example:t0/0
 *	url2          = iscsi://127.0.0.1:3260/iqn.2024-01.org.example:t1/0
 *	discovery_url = iscsi://127.0.0.1:3260
 *	chap_user     = alice
 *	chap_secret   = secret-of-alice
 *	requires_chap = no
 *	luns          = 0,1
 *
 * One "key = value" per line; '#' starts a comment when it begins the line
 * or follows white space; blank lines are ignored; white space around key
 * and value is dropped.  Unknown and repeated keys are errors.
 */
#ifndef ISCSI_CTS_PROFILE_H
#define ISCSI_CTS_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "url.h"

#define CTS_PROFILE_STR_MAX  256u
#define CTS_PROFILE_LUNS_MAX 64u
#define CTS_PROFILE_FILE_MAX (64u * 1024u)

struct cts_profile {
	char path[CTS_PROFILE_STR_MAX]; /* where it was read from, "" if none */

	bool has_url; /* url: the target under test */
	struct iscsi_url url;
	bool has_url2; /* url2: a second target or LUN */
	struct iscsi_url url2;
	bool has_discovery_url; /* discovery_url: a portal for SendTargets */
	struct iscsi_url discovery_url;
	/* Targets with a property a test needs; a test that needs one the
	 * profile does not give is SKIPPED, saying which key is missing. */
	bool has_chap_url; /* chap_url: requires one-way CHAP */
	struct iscsi_url chap_url;
	bool has_mutual_url; /* mutual_url: offers mutual CHAP */
	struct iscsi_url mutual_url;
	bool has_mc_url; /* mc_url: MaxConnections > 1 (MC/S) */
	struct iscsi_url mc_url;
	bool has_nolun0_url; /* nolun0_url: no LU mapped at LUN 0 */
	struct iscsi_url nolun0_url;

	char initiator_name[CTS_PROFILE_STR_MAX]; /* "" = the harness default */

	/* One-way CHAP: the initiator's name and secret. */
	char chap_user[CTS_PROFILE_STR_MAX];
	char chap_secret[CTS_PROFILE_STR_MAX];
	/* Mutual CHAP: the target's name and secret. */
	char mutual_user[CTS_PROFILE_STR_MAX];
	char mutual_secret[CTS_PROFILE_STR_MAX];
	/* CHAP on discovery sessions. */
	char discovery_chap_user[CTS_PROFILE_STR_MAX];
	char discovery_chap_secret[CTS_PROFILE_STR_MAX];

	bool requires_chap; /* the target refuses logins without CHAP */

	/* LUNs the target exposes on url (luns = 0,1); none listed = {0}. */
	uint16_t luns[CTS_PROFILE_LUNS_MAX];
	size_t nluns;
	bool has_luns;
};

/* An empty profile: no URLs, no credentials, requires_chap = no, LUN 0. */
void cts_profile_init(struct cts_profile *p);

/*
 * Parses len bytes of profile text; `name` labels errors ("NAME:LINE: ...").
 * 0, or -1 with the first error in err (p is then unspecified).
 */
int cts_profile_parse(const char *text, size_t len, const char *name,
		      struct cts_profile *p, char *err, size_t errlen);

/* Reads and parses the file at path (at most CTS_PROFILE_FILE_MAX bytes). */
int cts_profile_load(const char *path, struct cts_profile *p, char *err,
		     size_t errlen);

/* True when the profile lists this LUN (or lists none and lun is 0). */
bool cts_profile_has_lun(const struct cts_profile *p, unsigned lun);

#endif
