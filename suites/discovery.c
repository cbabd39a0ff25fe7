/* SPDX-License-Identifier: MIT */
/*
 * discovery.c - SendTargets in a discovery session (RFC 7143 §4.3,
 * §13.3, §13.8, §13.9, Appendix C): what SendTargets=All and
 * SendTargets=<name> list, the form of TargetName / TargetAddress records,
 * portal group tags, iSCSI names, misspelled keys and values, and a long
 * listing cut to the initiator's MaxRecvDataSegmentLength.
 *
 * Each test logs in to the profile's discovery_url as a discovery
 * session: no TargetName is sent (§4.3, §13.4), so every one of them also
 * exercises "a discovery login needs no TargetName".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "s2_util.h"

/* A discovery session on the profile's discovery_url; NULL after
 * cts_skip / cts_error. */
static struct cts_session *disc_login(struct cts_ctx *ctx, uint32_t mrdsl)
{
	const struct iscsi_url *u = s2_need_url(ctx, "discovery_url");

	return u ? s2_login(ctx, u, true, mrdsl) : NULL;
}

static void free_recs(void *arg)
{
	free(arg);
}

/* SendTargets=what as records; false after cts_error. */
static bool disc_records(struct cts_ctx *ctx, struct cts_session *s,
			 const char *what, struct cts_target_rec **recs,
			 size_t *n)
{
	int rc = cts_sendtargets(ctx, s, what, recs, n);

	if (rc) {
		cts_error(ctx, "SendTargets=%s: %s (%s)", what, cts_io_str(rc),
			  s->err);
		return false;
	}
	cts_defer(ctx, free_recs, *recs);
	return true;
}

/* "name1, name2" (truncated) for messages. */
static void rec_names(const struct cts_target_rec *recs, size_t n, char *buf,
		      size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	if (n == 0)
		snprintf(buf, len, "no records");
	for (size_t i = 0; i < n && off + 1 < len; i++) {
		int k = snprintf(buf + off, len - off, "%s%s", i ? ", " : "",
				 recs[i].name);

		if (k < 0)
			break;
		off += (size_t)k;
	}
}

/* SendTargets=value as raw keys (the whole logical response). */
static int disc_raw(struct cts_ctx *ctx, struct cts_session *s,
		    const char *key, const char *value, struct iscsi_text *rsp,
		    struct cts_text_result *r)
{
	struct iscsi_text req;
	int rc;

	iscsi_text_init(&req);
	if (iscsi_text_add(&req, key, value) < 0) {
		iscsi_text_free(&req);
		return CTS_IO_ERROR;
	}
	rc = cts_text_exchange(ctx, cts_session_conn(s), &req, 0, rsp, r);
	iscsi_text_free(&req);
	return rc;
}

/* The target names the profile's URLs point at (url, url2, nolun0_url,
 * mc_url: targets the harness logs in to without credentials). */
static size_t profile_targets(const struct cts_profile *p,
			      const char *out[4])
{
	const struct iscsi_url *u[4] = {
		p && p->has_url ? &p->url : NULL,
		p && p->has_url2 ? &p->url2 : NULL,
		p && p->has_nolun0_url ? &p->nolun0_url : NULL,
		p && p->has_mc_url ? &p->mc_url : NULL,
	};
	size_t n = 0;

	for (size_t i = 0; i < 4; i++) {
		bool dup = false;

		if (!u[i] || !u[i]->target[0])
			continue;
		for (size_t j = 0; j < n; j++)
			dup = dup || strcmp(out[j], u[i]->target) == 0;
		if (!dup)
			out[n++] = u[i]->target;
	}
	return n;
}

CTS_TEST_D(disc_all_lists_targets, "discovery.sendtargets.all-lists-targets",
	   "7143 App. C; 3720 App. D", CTS_MUST,
	   "SendTargets=All in a discovery session lists every target the "
	   "initiator may access",
	   "sendtargets-omits-target")
{
	const char *want[4];
	struct cts_target_rec *recs;
	struct cts_session *s;
	size_t n, nwant;
	char seen[512];

	nwant = profile_targets(cts_profile(ctx), want);
	if (nwant == 0) {
		cts_skip(ctx, "the profile has no url with a target name");
		return;
	}
	s = disc_login(ctx, 0);
	if (!s || !disc_records(ctx, s, "All", &recs, &n))
		return;
	rec_names(recs, n, seen, sizeof(seen));
	for (size_t i = 0; i < nwant; i++)
		if (!s2_rec_find(recs, n, want[i]))
			cts_fail(ctx, want[i], seen,
				 "Text Response to SendTargets=All: no "
				 "TargetName record for a target of the "
				 "profile");
	cts_note(ctx, "%zu target records: %s", n, seen);
}

CTS_TEST_D(disc_record_format, "discovery.sendtargets.record-format",
	   "7143 App. C, 13.8; 3720 App. D, 12.8", CTS_MUST,
	   "a SendTargets response holds TargetName records, each followed "
	   "by TargetAddress=host[:port],tpgt values, and no other key",
	   "sendtargets-no-tpgt")
{
	struct cts_text_result r;
	struct iscsi_text rsp;
	struct cts_session *s = disc_login(ctx, 0);
	char err[128], seen[ISCSI_VALUE_MAX + 160];
	int rc;

	if (!s)
		return;
	iscsi_text_init(&rsp);
	rc = disc_raw(ctx, s, "SendTargets", "All", &rsp, &r);
	if (rc) {
		cts_error(ctx, "SendTargets=All: %s (%s)", cts_io_str(rc),
			  cts_conn_error(cts_session_conn(s)));
		goto out;
	}
	if (rsp.n == 0) {
		cts_fail(ctx, "at least one TargetName record", "no keys",
			 "Text Response to SendTargets=All");
		goto out;
	}
	for (size_t i = 0; i < rsp.n && !cts_failed(ctx); i++) {
		const struct iscsi_kv *kv = &rsp.kv[i];
		struct s2_addr a;

		if (i == 0 && strcmp(kv->key, "TargetName") != 0) {
			snprintf(seen, sizeof(seen), "%s=%s first", kv->key,
				 kv->value);
			cts_fail(ctx, "TargetName first", seen,
				 "Text Response to SendTargets=All: a record "
				 "starts with TargetName");
		} else if (strcmp(kv->key, "TargetAddress") == 0) {
			if (s2_addr_parse(kv->value, &a, err, sizeof(err)) < 0 ||
			    !a.has_tpgt) {
				snprintf(seen, sizeof(seen), "TargetAddress=%s "
					 "(%s)", kv->value,
					 a.has_tpgt ? err : "no ,tpgt");
				cts_fail(ctx, "host[:port],portal-group-tag",
					 seen, "Text Response to "
					 "SendTargets=All");
			}
		} else if (strcmp(kv->key, "TargetName") != 0) {
			snprintf(seen, sizeof(seen), "%s=%s", kv->key,
				 kv->value);
			cts_fail(ctx, "only TargetName and TargetAddress keys",
				 seen, "Text Response to SendTargets=All");
		}
	}
	cts_note(ctx, "%zu keys in %u Text Response PDU(s)", rsp.n, r.npdus);
out:
	iscsi_text_free(&rsp);
}

/* A usable unicast address: not unspecified, broadcast or multicast, and
 * no unscoped IPv6 link-local (§13.8; 3720 §12.8). */
static const char *addr_unusable(const struct s2_addr *a)
{
	const char *h = a->host;

	if (!a->bracketed) {
		if (strcmp(h, "0.0.0.0") == 0)
			return "the unspecified address 0.0.0.0";
		if (strcmp(h, "255.255.255.255") == 0)
			return "the broadcast address";
		if (atoi(h) >= 224 && atoi(h) <= 239 && strchr(h, '.') &&
		    strspn(h, "0123456789.") == strlen(h))
			return "a multicast address";
		return NULL;
	}
	if (strcmp(h, "::") == 0 || strcmp(h, "0:0:0:0:0:0:0:0") == 0)
		return "the unspecified address ::";
	if (strncasecmp(h, "ff", 2) == 0)
		return "a multicast address";
	if (strncasecmp(h, "fe80:", 5) == 0 && !strchr(h, '%'))
		return "a link-local address without a zone";
	return NULL;
}

CTS_TEST_D(disc_address_usable, "discovery.sendtargets.address-usable",
	   "7143 13.8, App. C; 3720 12.8", CTS_MUST,
	   "TargetAddress values are reachable unicast addresses: no "
	   "0.0.0.0, IPv6 in brackets",
	   "sendtargets-wildcard-address")
{
	const struct iscsi_url *u = s2_need_url(ctx, "url");
	const struct cts_target_rec *rec;
	struct cts_target_rec *recs;
	struct cts_session *s;
	struct cts_conn *c;
	size_t n;
	char err[128], seen[ISCSI_VALUE_MAX + 160];
	const char *why;
	int rc;

	if (!u)
		return;
	s = disc_login(ctx, 0);
	if (!s || !disc_records(ctx, s, "All", &recs, &n))
		return;
	rec = s2_rec_find(recs, n, u->target);
	if (!rec || rec->naddr == 0) {
		cts_skip(ctx, "SendTargets=All lists no address for %s "
			      "(discovery.sendtargets.all-lists-targets "
			      "covers it)", u->target);
		return;
	}
	for (size_t i = 0; i < rec->naddr; i++) {
		struct s2_addr a;

		if (s2_addr_parse(rec->addr[i], &a, err, sizeof(err)) < 0) {
			snprintf(seen, sizeof(seen), "%s (%s)", rec->addr[i],
				 err);
			cts_fail(ctx, "host[:port],tpgt", seen,
				 "TargetAddress of %s in SendTargets=All",
				 u->target);
			return;
		}
		why = addr_unusable(&a);
		if (why) {
			snprintf(seen, sizeof(seen), "%s: %s", rec->addr[i],
				 why);
			cts_fail(ctx, "a reachable unicast address", seen,
				 "TargetAddress of %s in SendTargets=All",
				 u->target);
			return;
		}
		/* it must take a TCP connection */
		c = cts_conn_open_host(ctx, a.host,
				       (uint16_t)(a.has_port ? a.port : 3260),
				       &rc, err, sizeof(err));
		if (!c) {
			snprintf(seen, sizeof(seen), "%s: %s", rec->addr[i],
				 err);
			cts_fail(ctx, "a TCP connection", seen,
				 "connecting to the TargetAddress of %s",
				 u->target);
			return;
		}
		cts_conn_free(c);
		cts_note(ctx, "TargetAddress %s takes connections",
			 rec->addr[i]);
	}
}

CTS_TEST_D(disc_tpgt_matches, "discovery.sendtargets.tpgt-matches-login",
	   "7143 13.9, App. C; 3720 12.9", CTS_MUST,
	   "the portal group tag SendTargets gives for a portal equals the "
	   "TargetPortalGroupTag of a normal login through it",
	   "sendtargets-wrong-tpgt")
{
	const struct iscsi_url *u = s2_need_url(ctx, "url");
	const struct cts_target_rec *rec;
	struct cts_target_rec *recs;
	struct cts_session *s, *d;
	const char *tag;
	char seen[ISCSI_VALUE_MAX + 64], want[32];
	unsigned login_tag;
	size_t n;
	bool portal_seen = false;

	if (!u)
		return;
	s = s2_login(ctx, u, false, 0);
	if (!s)
		return;
	tag = iscsi_text_find(&s->login_rx, "TargetPortalGroupTag");
	if (!tag) {
		cts_fail(ctx, "TargetPortalGroupTag=<tag>", "no such key",
			 "Login Responses of a normal session to %s",
			 u->target);
		return;
	}
	login_tag = (unsigned)strtoul(tag, NULL, 0);
	d = disc_login(ctx, 0);
	if (!d || !disc_records(ctx, d, "All", &recs, &n))
		return;
	rec = s2_rec_find(recs, n, u->target);
	if (!rec || rec->naddr == 0) {
		cts_skip(ctx, "SendTargets=All lists no address for %s",
			 u->target);
		return;
	}
	snprintf(want, sizeof(want), "tpgt %u", login_tag);
	for (size_t i = 0; i < rec->naddr; i++) {
		struct s2_addr a;
		char err[128];
		unsigned port;

		if (s2_addr_parse(rec->addr[i], &a, err, sizeof(err)) < 0 ||
		    !a.has_tpgt)
			continue; /* record-format judges the syntax */
		port = a.has_port ? a.port : 3260;
		if (strcmp(a.host, u->host) != 0 ||
		    port != (u->port ? u->port : 3260))
			continue;
		portal_seen = true;
		if (a.tpgt != login_tag) {
			snprintf(seen, sizeof(seen), "TargetAddress=%s",
				 rec->addr[i]);
			cts_fail(ctx, want, seen,
				 "SendTargets=All record of %s vs the Login "
				 "Response's TargetPortalGroupTag=%s",
				 u->target, tag);
			return;
		}
	}
	if (!portal_seen)
		cts_note(ctx, "no TargetAddress names the portal %s:%u; "
			      "tags not compared", u->host, u->port);
	else
		cts_note(ctx, "login and SendTargets agree on tag %u",
			 login_tag);
}

CTS_TEST_D(disc_name_only, "discovery.sendtargets.name-lists-only-it",
	   "7143 App. C; 3720 App. D", CTS_MUST,
	   "SendTargets=<name> in a discovery session answers that target's "
	   "record and no other",
	   "sendtargets-name-lists-all")
{
	const struct iscsi_url *u = s2_need_url(ctx, "url");
	struct cts_target_rec *recs;
	struct cts_session *s;
	char seen[512];
	size_t n;

	if (!u)
		return;
	s = disc_login(ctx, 0);
	if (!s || !disc_records(ctx, s, u->target, &recs, &n))
		return;
	rec_names(recs, n, seen, sizeof(seen));
	if (n != 1 || strcmp(recs[0].name, u->target) != 0)
		cts_fail(ctx, u->target, seen,
			 "Text Response to SendTargets=%s", u->target);
	else if (recs[0].naddr == 0)
		cts_note(ctx, "the record carries no TargetAddress");
}

CTS_TEST_D(disc_unknown_name, "discovery.sendtargets.unknown-name-empty",
	   "7143 App. C; 3720 App. D", CTS_SHOULD,
	   "SendTargets=<a name no target has> lists no target",
	   "sendtargets-name-lists-all")
{
	static const char nobody[] =
		"iqn.2024-01.org.iscsi-cts:no-such-target-here";
	struct cts_target_rec *recs;
	struct cts_session *s = disc_login(ctx, 0);
	char seen[512];
	size_t n;

	if (!s || !disc_records(ctx, s, nobody, &recs, &n))
		return;
	rec_names(recs, n, seen, sizeof(seen));
	if (n)
		cts_fail(ctx, "no records", seen,
			 "Text Response to SendTargets=%s", nobody);
}

/*
 * One misspelled request: no record may come back.  A Reject PDU is
 * allowed (§4.3: a discovery session accepts only Text Requests with the
 * SendTargets key); a Text Response must answer an unknown key
 * NotUnderstood when need_nu (§6.2).
 */
static void misspelled(struct cts_ctx *ctx, struct cts_session *s,
		       const char *key, const char *value, bool need_nu)
{
	struct cts_text_result r;
	struct iscsi_text rsp;
	const char *ans;
	char seen[ISCSI_VALUE_MAX + 64];
	int rc;

	iscsi_text_init(&rsp);
	rc = disc_raw(ctx, s, key, value, &rsp, &r);
	if (rc == CTS_IO_ERROR && r.rejected) {
		cts_note(ctx, "%s=%s: Reject PDU 0x%02x", key, value,
			 r.reject_reason);
		goto out;
	}
	if (rc) {
		cts_error(ctx, "%s=%s: %s (%s)", key, value, cts_io_str(rc),
			  cts_conn_error(cts_session_conn(s)));
		goto out;
	}
	if (iscsi_text_find(&rsp, "TargetName")) {
		snprintf(seen, sizeof(seen), "TargetName=%s",
			 iscsi_text_find(&rsp, "TargetName"));
		cts_fail(ctx, "no TargetName records", seen,
			 "Text Response to %s=%s", key, value);
		goto out;
	}
	ans = iscsi_text_find(&rsp, key);
	if (need_nu && (!ans || strcmp(ans, "NotUnderstood") != 0)) {
		snprintf(seen, sizeof(seen), "%s=%s", key,
			 ans ? ans : "(no answer)");
		cts_fail(ctx, "NotUnderstood", seen, "Text Response to %s=%s",
			 key, value);
		goto out;
	}
	cts_note(ctx, "%s=%s answered %s", key, value,
		 ans ? ans : "with no key");
out:
	iscsi_text_free(&rsp);
}

CTS_TEST_D(disc_value_case, "discovery.sendtargets.misspelled-value",
	   "7143 6.1, App. C; 3720 5.1, App. D", CTS_MUST,
	   "values are case-sensitive: SendTargets=Alle, aLL or ALL list no "
	   "target",
	   "sendtargets-value-nocase")
{
	static const char *const bad[] = {"Alle", "aLL", "ALL"};

	/*
	 * A session of its own for each value: a target may keep its
	 * command window small (§4.2.2.1 lets it close the window with
	 * MaxCmdSN = ExpCmdSN - 1), and tgt's discovery sessions take
	 * only two non-immediate requests.
	 */
	for (size_t i = 0; i < 3 && !cts_failed(ctx); i++) {
		struct cts_session *s = disc_login(ctx, 0);

		if (!s)
			return;
		misspelled(ctx, s, "SendTargets", bad[i], false);
	}
}

CTS_TEST_D(disc_key_case, "discovery.sendtargets.misspelled-key",
	   "7143 6.1, 6.2; 3720 5.1, 5.2", CTS_MUST,
	   "keys are case-sensitive: SENDTARGETS=All is answered "
	   "NotUnderstood (or rejected), sENDtARGETS=All lists nothing",
	   "text-key-nocase")
{
	struct cts_session *s = disc_login(ctx, 0);

	if (!s)
		return;
	/* a well-formed key no one defined: NotUnderstood (§6.2) */
	misspelled(ctx, s, "SENDTARGETS", "All", true);
	/* not even a key name (a standard-label begins with a capital
	 * letter, §6.1): NotUnderstood or a Reject, never the listing */
	if (!cts_failed(ctx))
		misspelled(ctx, s, "sENDtARGETS", "All", false);
}

/* §4.2.7: iqn.yyyy-mm.reversed.domain[:unique], eui.<16 hex>,
 * naa.<16|32 hex>; at most 223 bytes; normalized (no ASCII upper case);
 * ASCII characters limited to a-z 0-9 - . : */
static const char *name_invalid(const char *n)
{
	size_t len = strlen(n), hex;

	if (len == 0 || len > 223)
		return "length not 1..223 bytes";
	for (const char *p = n; *p; p++) {
		unsigned char ch = (unsigned char)*p;

		if (ch >= 'A' && ch <= 'Z')
			return "upper-case letters (names are normalized to "
			       "lower case)";
		if (ch < 0x80 && !(ch >= 'a' && ch <= 'z') &&
		    !(ch >= '0' && ch <= '9') && ch != '-' && ch != '.' &&
		    ch != ':')
			return "a character outside a-z 0-9 - . :";
	}
	if (strncmp(n, "eui.", 4) == 0 || strncmp(n, "naa.", 4) == 0) {
		hex = strspn(n + 4, "0123456789abcdef");
		if (hex != len - 4)
			return "non-hex digits after the type";
		if (hex != 16 && !(n[0] == 'n' && hex == 32))
			return "wrong number of hex digits";
		return NULL;
	}
	if (strncmp(n, "iqn.", 4) != 0)
		return "no iqn./eui./naa. type designator";
	/* iqn.yyyy-mm. */
	if (len < 13 || strspn(n + 4, "0123456789") != 4 || n[8] != '-' ||
	    strspn(n + 9, "0123456789") != 2 || n[11] != '.')
		return "no yyyy-mm date after iqn.";
	if (n[12] == '\0' || n[12] == ':' || n[12] == '.')
		return "no naming authority after the date";
	return NULL;
}

CTS_TEST_D(disc_names_valid, "discovery.sendtargets.names-valid",
	   "7143 4.2.7; 3720 3.2.6", CTS_MUST,
	   "every TargetName listed is a valid, normalized iSCSI name",
	   "sendtargets-uppercase-name")
{
	struct cts_target_rec *recs;
	struct cts_session *s = disc_login(ctx, 0);
	const char *why;
	size_t n;

	if (!s || !disc_records(ctx, s, "All", &recs, &n))
		return;
	for (size_t i = 0; i < n; i++) {
		why = name_invalid(recs[i].name);
		if (why) {
			cts_fail(ctx, "an iqn./eui./naa. name", recs[i].name,
				 "TargetName in SendTargets=All: %s", why);
			return;
		}
	}
	cts_note(ctx, "%zu names checked", n);
}
