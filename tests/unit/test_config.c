/* SPDX-License-Identifier: MIT */
/*
 * test_config.c - the reference target's configuration (config.h): the
 * ietd.conf reader against tests/fixtures/ietd-*.conf, quick mode, the
 * final cross-checks and IET-style ACLs.
 *
 * Sources of the expectations: ietd.conf(5) for the syntax, RFC 7143 §13
 * for key ranges, §4.2.7 for names.  Expected messages are literal.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "unit.h"

static char err[1024];
static char tmpdir[64];

/* Load a fixture into c; returns config_load's result. */
static int load(struct tgt_config *c, const char *name)
{
	char rel[128];

	config_init(c);
	err[0] = '\0';
	snprintf(rel, sizeof(rel), "fixtures/%s", name);
	return config_load(c, unit_fixture(rel), err, sizeof(err));
}

/* Does err read "<fixture path>:LINE: reason"? */
static int err_is(const char *name, unsigned line, const char *reason)
{
	char rel[128], want[1024];

	snprintf(rel, sizeof(rel), "fixtures/%s", name);
	snprintf(want, sizeof(want), "%s:%u: %s", unit_fixture(rel), line,
		 reason);
	if (strcmp(err, want) != 0) {
		fprintf(stderr, "\n  got:  %s\n  want: %s\n", err, want);
		return 0;
	}
	return 1;
}

/* Load a bad fixture; expect failure at line with reason. */
static void expect_bad(const char *name, unsigned line, const char *reason)
{
	struct tgt_config c;

	CU_ASSERT_EQUAL(load(&c, name), -1);
	CU_ASSERT_TRUE(err_is(name, line, reason));
	config_free(&c);
}

/* Files made by tmp_file(), removed when the test binary exits. */
static char tmp_paths[16][256];
static unsigned ntmp;

/* Write a file under a per-run temporary directory; returns its path. */
static const char *tmp_file(const char *name, const char *text)
{
	char path[256], *p;
	unsigned i;
	FILE *f;

	if (!tmpdir[0]) {
		strcpy(tmpdir, "/tmp/cts-config-XXXXXX");
		if (!mkdtemp(tmpdir))
			return "/nonexistent";
	}
	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	for (p = NULL, i = 0; i < ntmp && !p; i++)
		if (strcmp(tmp_paths[i], path) == 0)
			p = tmp_paths[i]; /* rewritten in place */
	if (!p && ntmp == sizeof(tmp_paths) / sizeof(tmp_paths[0]))
		return "/nonexistent";
	if (!p)
		p = strcpy(tmp_paths[ntmp++], path);
	f = fopen(p, "w");
	if (!f)
		return "/nonexistent";
	fputs(text, f);
	fclose(f);
	return p;
}

__attribute__((destructor)) static void tmp_cleanup(void)
{
	for (unsigned i = 0; i < ntmp; i++)
		unlink(tmp_paths[i]);
	if (tmpdir[0])
		rmdir(tmpdir);
}

/* ---- a full file --------------------------------------------------------- */

/* ietd.conf(5): users and keys before the first Target are global. */
static void config_global_part_is_discovery_and_defaults(void)
{
	struct tgt_config c;

	CU_ASSERT_EQUAL_FATAL(load(&c, "ietd-full.conf"), 0);
	CU_ASSERT_EQUAL(c.n_disc_in, 2);
	CU_ASSERT_STRING_EQUAL(c.disc_in[0].name, "disc-user");
	CU_ASSERT_STRING_EQUAL(c.disc_in[0].secret, "disc-secret-12");
	CU_ASSERT_STRING_EQUAL(c.disc_in[1].name, "disc-user2");
	CU_ASSERT_TRUE(c.has_disc_out);
	CU_ASSERT_STRING_EQUAL(c.disc_out.name, "disc-target");
	CU_ASSERT_STRING_EQUAL(c.disc_out.secret, "disc-target-secret");
	CU_ASSERT_EQUAL(c.nkeys, 2);
	CU_ASSERT_STRING_EQUAL(config_key(&c, NULL, "HeaderDigest"),
			       "CRC32C,None");
	CU_ASSERT_EQUAL(c.ntargets, 3);
	config_free(&c);
}

/* ietd.conf(5): Lun N Path=,Type=,IOMode=,ScsiId=,ScsiSN=,BlockSize=. */
static void config_lun_parameters(void)
{
	struct tgt_config c;
	struct tgt_target *t;

	CU_ASSERT_EQUAL_FATAL(load(&c, "ietd-full.conf"), 0);
	t = config_target_find(&c, "iqn.2024-01.org.example:disk1");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_EQUAL(t->line, 9);
	CU_ASSERT_EQUAL_FATAL(t->nluns, 3);
	CU_ASSERT_EQUAL(t->luns[0].lun, 0);
	CU_ASSERT_STRING_EQUAL(t->luns[0].path, "/var/lib/disk0.img");
	CU_ASSERT_FALSE(t->luns[0].blockio);
	CU_ASSERT_EQUAL(t->luns[0].iomode, TGT_IOMODE_WB);
	CU_ASSERT_EQUAL(t->luns[0].block_size, 512);
	CU_ASSERT_EQUAL(t->luns[0].size_bytes, 0);
	CU_ASSERT_EQUAL(t->luns[0].line, 13);
	CU_ASSERT_EQUAL(t->luns[1].lun, 3);
	CU_ASSERT_STRING_EQUAL(t->luns[1].path, "/dev/sdb");
	CU_ASSERT_TRUE(t->luns[1].blockio);
	CU_ASSERT_EQUAL(t->luns[1].iomode, TGT_IOMODE_WT);
	CU_ASSERT_STRING_EQUAL(t->luns[1].scsi_id, "abc123");
	CU_ASSERT_STRING_EQUAL(t->luns[1].scsi_sn, "SN0003");
	CU_ASSERT_EQUAL(t->luns[1].block_size, 4096);
	/* parameter names and Type values case-insensitive, blanks ok */
	CU_ASSERT_EQUAL(t->luns[2].lun, 7);
	CU_ASSERT_STRING_EQUAL(t->luns[2].path, "/tmp/ro.img");
	CU_ASSERT_FALSE(t->luns[2].blockio);
	CU_ASSERT_EQUAL(t->luns[2].iomode, TGT_IOMODE_RO);
	CU_ASSERT_EQUAL(t->luns[2].size_bytes, 67108864ull);
	config_free(&c);
}

/* ietd.conf(5): IncomingUser repeatable, one OutgoingUser, Alias, limits. */
static void config_target_users_and_limits(void)
{
	struct tgt_config c;
	struct tgt_target *t;

	CU_ASSERT_EQUAL_FATAL(load(&c, "ietd-full.conf"), 0);
	t = config_target_find(&c, "IQN.2024-01.org.example:DISK1");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_EQUAL_FATAL(t->n_in_users, 2);
	CU_ASSERT_STRING_EQUAL(t->in_users[0].name, "joe");
	CU_ASSERT_STRING_EQUAL(t->in_users[0].secret, "joe-secret-123");
	CU_ASSERT_STRING_EQUAL(t->in_users[1].name, "jim");
	CU_ASSERT_TRUE(t->has_out_user);
	CU_ASSERT_STRING_EQUAL(t->out_user.name, "tgt-name");
	CU_ASSERT_STRING_EQUAL(t->out_user.secret, "tgt-secret-789");
	CU_ASSERT_STRING_EQUAL(t->alias, "Test Disk One");
	CU_ASSERT_EQUAL(t->max_sessions, 0);
	CU_ASSERT_EQUAL(t->nop_interval, 5);
	CU_ASSERT_EQUAL(t->nop_timeout, 10);
	t = config_target_find(&c, "iqn.2024-01.org.example:disk2");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_EQUAL(t->max_sessions, 16); /* "maxsessions" */
	config_free(&c);
}

/* RFC 7143 §13: every operational key is stored under its RFC name. */
static void config_every_rfc_key_parsed(void)
{
	static const char *const want[][2] = {
		{"MaxConnections", "4"}, /* in file order */
		{"HeaderDigest", "None"},
		{"DataDigest", "CRC32C"},
		{"InitialR2T", "No"},
		{"ImmediateData", "Yes"},
		{"MaxRecvDataSegmentLength", "8192"},
		{"MaxXmitDataSegmentLength", "16384"},
		{"MaxBurstLength", "262144"},
		{"FirstBurstLength", "65536"},
		{"DefaultTime2Wait", "2"},
		{"DefaultTime2Retain", "20"},
		{"MaxOutstandingR2T", "8"},
		{"DataPDUInOrder", "Yes"},
		{"DataSequenceInOrder", "No"},
		{"ErrorRecoveryLevel", "2"},
		{"TaskReporting", "ResponseFence,RFC3720"},
		{"iSCSIProtocolLevel", "1"},
	};
	struct tgt_config c;
	struct tgt_target *t;

	CU_ASSERT_EQUAL_FATAL(load(&c, "ietd-full.conf"), 0);
	t = config_target_find(&c, "iqn.2024-01.org.example:disk1");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_EQUAL(t->nkeys, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const char *v = config_key(&c, t, want[i][0]);

		CU_ASSERT_PTR_NOT_NULL(v);
		if (v)
			CU_ASSERT_STRING_EQUAL(v, want[i][1]);
	}
	for (size_t i = 0; i < t->nkeys; i++)
		CU_ASSERT_STRING_EQUAL(t->keys[i].name, want[i][0]);
	config_free(&c);
}

/* ietd.conf(5): a target's key overrides the global default. */
static void config_target_key_overrides_global(void)
{
	struct tgt_config c;
	struct tgt_target *d1, *d2;

	CU_ASSERT_EQUAL_FATAL(load(&c, "ietd-full.conf"), 0);
	d1 = config_target_find(&c, "iqn.2024-01.org.example:disk1");
	d2 = config_target_find(&c, "iqn.2024-01.org.example:disk2");
	CU_ASSERT_PTR_NOT_NULL_FATAL(d1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d2);
	CU_ASSERT_STRING_EQUAL(config_key(&c, d1, "MaxRecvDataSegmentLength"),
			       "8192");
	CU_ASSERT_STRING_EQUAL(config_key(&c, d2, "MaxRecvDataSegmentLength"),
			       "65536");
	CU_ASSERT_STRING_EQUAL(config_key(&c, d2, "HeaderDigest"),
			       "CRC32C,None");
	CU_ASSERT_PTR_NULL(config_key(&c, d2, "InitialR2T"));
	config_free(&c);
}

/* RFC 7143 §13.8: RedirectTarget becomes a TargetAddress with a port. */
static void config_redirect_target(void)
{
	struct tgt_config c;
	struct tgt_target *t;

	CU_ASSERT_EQUAL_FATAL(load(&c, "ietd-full.conf"), 0);
	t = config_target_find(&c, "iqn.2024-01.org.example:moved");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_STRING_EQUAL(t->redirect, "[2001:db8::5]:3261");
	CU_ASSERT_TRUE(t->redirect_permanent);
	CU_ASSERT_EQUAL(t->nluns, 0);
	t = config_target_find(&c, "iqn.2024-01.org.example:disk2");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_STRING_EQUAL(t->redirect, "192.0.2.9:3260");
	CU_ASSERT_FALSE(t->redirect_permanent);
	config_free(&c);
}

/* ietd.conf(5): a line ending in '\' continues on the next line. */
static void config_continuation_line(void)
{
	struct tgt_config c;
	struct tgt_target *t;

	CU_ASSERT_EQUAL_FATAL(load(&c, "ietd-full.conf"), 0);
	t = config_target_find(&c, "iqn.2024-01.org.example:disk2");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_EQUAL_FATAL(t->nluns, 1);
	CU_ASSERT_STRING_EQUAL(t->luns[0].path, "/var/lib/disk2.img");
	CU_ASSERT_TRUE(t->luns[0].blockio);
	CU_ASSERT_EQUAL(t->luns[0].line, 43);
	config_free(&c);
}

/* ---- errors: FILE:LINE: reason ------------------------------------------- */

/* ietd.conf(5): only the documented directives exist. */
static void config_error_unknown_directive(void)
{
	expect_bad("ietd-bad-directive.conf", 3,
		   "unknown directive 'Frobnicate'");
}

/* RFC 7143 §6.1: a numerical value is a decimal or hex constant. */
static void config_error_bad_number(void)
{
	struct tgt_config c;
	char rel[] = "fixtures/ietd-bad-number.conf", want[600];

	CU_ASSERT_EQUAL(load(&c, "ietd-bad-number.conf"), -1);
	snprintf(want, sizeof(want), "%s:4: MaxBurstLength 12k: ",
		 unit_fixture(rel));
	CU_ASSERT_EQUAL(strncmp(err, want, strlen(want)), 0);
	config_free(&c);
}

/* RFC 7143 §13.12: MaxRecvDataSegmentLength is 512..2**24-1. */
static void config_error_out_of_range(void)
{
	struct tgt_config c;
	char rel[] = "fixtures/ietd-out-of-range.conf", want[600];

	CU_ASSERT_EQUAL(load(&c, "ietd-out-of-range.conf"), -1);
	snprintf(want, sizeof(want), "%s:4: MaxRecvDataSegmentLength 511: ",
		 unit_fixture(rel));
	CU_ASSERT_EQUAL(strncmp(err, want, strlen(want)), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "512"));
	config_free(&c);
}

/* RFC 7143 §13.20: ErrorRecoveryLevel is 0..2. */
static void config_error_erl_out_of_range(void)
{
	struct tgt_config c;

	CU_ASSERT_EQUAL(load(&c, "ietd-erl-range.conf"), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, ":3: ErrorRecoveryLevel 3: "));
	config_free(&c);
}

/* ietd.conf(5): Lun belongs to a Target stanza. */
static void config_error_lun_without_target(void)
{
	expect_bad("ietd-lun-no-target.conf", 2, "Lun without a Target");
}

/* SAM-5: a LUN number names one logical unit of the target. */
static void config_error_duplicate_lun(void)
{
	expect_bad("ietd-dup-lun.conf", 4, "duplicate LUN 0 (first at line 2)");
}

/* SAM-5 flat space addressing: LUN 0..16383. */
static void config_error_lun_out_of_range(void)
{
	expect_bad("ietd-lun-range.conf", 3,
		   "LUN 99999 out of range (0..16383)");
}

/* ietd.conf(5): Path= is required. */
static void config_error_missing_path(void)
{
	expect_bad("ietd-no-path.conf", 2, "Lun 0: missing Path");
}

/* config.h: Type is fileio or blockio. */
static void config_error_bad_type(void)
{
	expect_bad("ietd-bad-type.conf", 2,
		   "Lun 0: bad Type 'nullio' (fileio or blockio)");
}

/* RFC 7143 §6.1: boolean values are "Yes" or "No", case-sensitive. */
static void config_error_bool_is_case_sensitive(void)
{
	struct tgt_config c;

	CU_ASSERT_EQUAL(load(&c, "ietd-bad-bool.conf"), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, ":3: InitialR2T yes: "));
	config_free(&c);
}

/* RFC 7143 §13.1: digests are CRC32C or None. */
static void config_error_bad_digest(void)
{
	expect_bad("ietd-bad-digest.conf", 1,
		   "HeaderDigest CRC32C,MD5: 'MD5' is not one of CRC32C,None "
		   "(RFC 7143 §13.1)");
}

/* ietd.conf(5): one OutgoingUser per target. */
static void config_error_two_outgoing_users(void)
{
	expect_bad("ietd-two-outgoing.conf", 3,
		   "OutgoingUser given twice (one allowed)");
}

/* RFC 7143 §4.2.7: a target name is a valid iSCSI name. */
static void config_error_bad_target_name(void)
{
	struct tgt_config c;

	CU_ASSERT_EQUAL(load(&c, "ietd-bad-name.conf"), -1);
	CU_ASSERT_PTR_NOT_NULL(
		strstr(err, ":2: bad target name 'IQN.2024-13.Bad': "));
	config_free(&c);
}

/* config.h: a key given twice in one scope is a mistake. */
static void config_error_duplicate_key(void)
{
	expect_bad("ietd-dup-key.conf", 4,
		   "ImmediateData given twice (first at line 3)");
}

/* config.h: an unreadable file names the file and the cause. */
static void config_error_missing_file(void)
{
	struct tgt_config c;

	config_init(&c);
	CU_ASSERT_EQUAL(config_load(&c, "/nonexistent/ietd.conf", err,
				    sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(err,
			       "/nonexistent/ietd.conf: No such file or directory");
	config_free(&c);
}

/* RFC 7143 §13.14: FirstBurstLength MUST NOT exceed MaxBurstLength. */
static void config_finish_first_burst_over_max_burst(void)
{
	struct tgt_config c;

	CU_ASSERT_EQUAL_FATAL(load(&c, "ietd-first-burst.conf"), 0);
	CU_ASSERT_EQUAL(config_finish(&c, err, sizeof(err)), -1);
	CU_ASSERT_TRUE(err_is("ietd-first-burst.conf", 4,
			      "Target iqn.2024-01.org.example:a: "
			      "FirstBurstLength 8192 exceeds MaxBurstLength "
			      "4096 (RFC 7143 §13.14)"));
	config_free(&c);
}

/* ---- finish ------------------------------------------------------------- */

/* config.h config_finish: a LUN without size must name an existing file. */
static void config_finish_checks_lun_path(void)
{
	struct tgt_config c;
	const char *conf = tmp_file("missing.conf",
				    "Target iqn.2024-01.org.example:a\n"
				    "  Lun 2 Path=/nonexistent/disk.img\n");
	char want[600];

	config_init(&c);
	CU_ASSERT_EQUAL_FATAL(config_load(&c, conf, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(config_finish(&c, err, sizeof(err)), -1);
	snprintf(want, sizeof(want),
		 "%s:2: Target iqn.2024-01.org.example:a Lun 2: "
		 "/nonexistent/disk.img: No such file or directory", conf);
	CU_ASSERT_STRING_EQUAL(err, want);
	config_free(&c);
}

/* RFC 7143 §12.1.3: mutual CHAP needs the initiator's CHAP first. */
static void config_finish_outgoing_needs_incoming(void)
{
	struct tgt_config c;
	const char *disk = tmp_file("disk.img", "0123456789");
	char conf_text[512];
	const char *conf;

	snprintf(conf_text, sizeof(conf_text),
		 "Target iqn.2024-01.org.example:a\n"
		 "  Lun 0 Path=%s\n"
		 "  OutgoingUser me my-secret-123\n", disk);
	conf = tmp_file("mutual.conf", conf_text);
	config_init(&c);
	CU_ASSERT_EQUAL_FATAL(config_load(&c, conf, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(config_finish(&c, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, ":1: Target "
					   "iqn.2024-01.org.example:a: "
					   "OutgoingUser without IncomingUser"));
	config_free(&c);
}

/* config.h config_finish: a target needs a LUN unless it redirects. */
static void config_finish_target_needs_lun(void)
{
	struct tgt_config c;

	config_init(&c);
	CU_ASSERT_EQUAL(config_add_cli(&c, CONFIG_OPT_TARGET,
				       "iqn.2024-01.org.example:empty", err,
				       sizeof(err)), 0);
	CU_ASSERT_EQUAL(config_finish(&c, err, sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(err, "command line: Target "
				    "iqn.2024-01.org.example:empty has no Lun");
	config_free(&c);
}

/* RFC 7143 §13.2 and §13.8: MaxConnections applied, port 3260 default. */
static void config_finish_defaults(void)
{
	struct tgt_config c;
	const struct sockaddr_in *sin;
	char lun[300];

	config_init(&c);
	snprintf(lun, sizeof(lun), "0:%s", tmp_file("d0.img", "x"));
	CU_ASSERT_EQUAL(config_add_cli(&c, CONFIG_OPT_TARGET,
				       "iqn.2024-01.org.example:t", err,
				       sizeof(err)), 0);
	CU_ASSERT_EQUAL(config_add_cli(&c, CONFIG_OPT_LUN, lun, err,
				       sizeof(err)), 0);
	CU_ASSERT_EQUAL(config_add_cli(&c, CONFIG_OPT_KEY, "maxconnections=8",
				       err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(c.targets[0].max_connections, 1); /* §13.2 default */
	CU_ASSERT_EQUAL_FATAL(config_finish(&c, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(c.targets[0].max_connections, 8);
	CU_ASSERT_EQUAL_FATAL(c.nportals, 1);
	sin = (const struct sockaddr_in *)&c.portals[0].addr;
	CU_ASSERT_EQUAL(sin->sin_family, AF_INET);
	CU_ASSERT_EQUAL(ntohs(sin->sin_port), 3260);
	CU_ASSERT_EQUAL(ntohl(sin->sin_addr.s_addr), 0);
	config_free(&c);
}

/* ---- quick mode ---------------------------------------------------------- */

static int cli(struct tgt_config *c, int opt, const char *arg)
{
	err[0] = '\0';
	return config_add_cli(c, opt, arg, err, sizeof(err));
}

/* config.h quick mode: portals, targets, LUNs, CHAP users and keys. */
static void config_cli_quick_mode(void)
{
	struct tgt_config c;
	const struct sockaddr_in6 *s6;
	const struct sockaddr_in *s4;
	struct tgt_target *t;

	config_init(&c);
	CU_ASSERT_EQUAL(cli(&c, CONFIG_OPT_PORTAL, "127.0.0.1:0"), 0);
	CU_ASSERT_EQUAL(cli(&c, CONFIG_OPT_PORTAL, "[::1]:3261"), 0);
	CU_ASSERT_EQUAL(cli(&c, CONFIG_OPT_DISCOVERY_CHAP, "d:dsecret:x"), 0);
	CU_ASSERT_EQUAL(cli(&c, CONFIG_OPT_DISCOVERY_MUTUAL_CHAP, "dt:dts"), 0);
	CU_ASSERT_EQUAL(cli(&c, CONFIG_OPT_TARGET, "iqn.2024-01.org.ex:one"), 0);
	CU_ASSERT_EQUAL(cli(&c, CONFIG_OPT_LUN, "0:/tmp/a.img:64M"), 0);
	CU_ASSERT_EQUAL(cli(&c, CONFIG_OPT_LUN, "1:/tmp/b.img"), 0);
	CU_ASSERT_EQUAL(cli(&c, CONFIG_OPT_CHAP, "alice:alice-secret"), 0);
	CU_ASSERT_EQUAL(cli(&c, CONFIG_OPT_MUTUAL_CHAP, "tgt:tgt-secret"), 0);
	CU_ASSERT_EQUAL(cli(&c, CONFIG_OPT_TARGET, "iqn.2024-01.org.ex:two"), 0);
	CU_ASSERT_EQUAL(cli(&c, CONFIG_OPT_LUN, "5:/tmp/c.img:1G"), 0);
	CU_ASSERT_EQUAL(cli(&c, CONFIG_OPT_KEY, "maxburstlength=1024"), 0);
	CU_ASSERT_EQUAL(cli(&c, CONFIG_OPT_KEY, "MaxBurstLength=2048"), 0);

	CU_ASSERT_EQUAL_FATAL(c.nportals, 2);
	s4 = (const struct sockaddr_in *)&c.portals[0].addr;
	CU_ASSERT_EQUAL(s4->sin_family, AF_INET);
	CU_ASSERT_EQUAL(ntohs(s4->sin_port), 0);
	CU_ASSERT_EQUAL(ntohl(s4->sin_addr.s_addr), 0x7f000001u);
	s6 = (const struct sockaddr_in6 *)&c.portals[1].addr;
	CU_ASSERT_EQUAL(s6->sin6_family, AF_INET6);
	CU_ASSERT_EQUAL(ntohs(s6->sin6_port), 3261);
	CU_ASSERT_EQUAL(s6->sin6_addr.s6_addr[15], 1);
	CU_ASSERT_EQUAL(c.n_disc_in, 1);
	CU_ASSERT_STRING_EQUAL(c.disc_in[0].name, "d");
	CU_ASSERT_STRING_EQUAL(c.disc_in[0].secret, "dsecret:x");
	CU_ASSERT_TRUE(c.has_disc_out);
	CU_ASSERT_EQUAL_FATAL(c.ntargets, 2);
	t = &c.targets[0];
	CU_ASSERT_EQUAL_FATAL(t->nluns, 2);
	CU_ASSERT_STRING_EQUAL(t->luns[0].path, "/tmp/a.img");
	CU_ASSERT_EQUAL(t->luns[0].size_bytes, 67108864ull);
	CU_ASSERT_STRING_EQUAL(t->luns[1].path, "/tmp/b.img");
	CU_ASSERT_EQUAL(t->luns[1].size_bytes, 0);
	CU_ASSERT_EQUAL(t->n_in_users, 1);
	CU_ASSERT_STRING_EQUAL(t->in_users[0].name, "alice");
	CU_ASSERT_TRUE(t->has_out_user);
	CU_ASSERT_STRING_EQUAL(t->out_user.secret, "tgt-secret");
	t = &c.targets[1];
	CU_ASSERT_EQUAL_FATAL(t->nluns, 1);
	CU_ASSERT_EQUAL(t->luns[0].lun, 5);
	CU_ASSERT_EQUAL(t->luns[0].size_bytes, 1073741824ull);
	CU_ASSERT_EQUAL(t->n_in_users, 0);
	CU_ASSERT_EQUAL(c.nkeys, 1); /* the later --key replaced the first */
	CU_ASSERT_STRING_EQUAL(c.keys[0].name, "MaxBurstLength");
	CU_ASSERT_STRING_EQUAL(c.keys[0].value, "2048");
	config_free(&c);
}

/* config.h quick mode: SIZE is bytes or a K/M/G/T binary multiple. */
static void config_cli_size_suffixes(void)
{
	static const struct {
		const char *arg;
		unsigned long long bytes;
	} v[] = {
		{"0:/x:4096", 4096ull},
		{"1:/x:512K", 524288ull},
		{"2:/x:3m", 3145728ull},
		{"3:/x:2G", 2147483648ull},
		{"4:/x:1T", 1099511627776ull},
	};
	struct tgt_config c;

	config_init(&c);
	CU_ASSERT_EQUAL(cli(&c, CONFIG_OPT_TARGET, "iqn.2024-01.org.ex:s"), 0);
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		CU_ASSERT_EQUAL(cli(&c, CONFIG_OPT_LUN, v[i].arg), 0);
		CU_ASSERT_EQUAL(c.targets[0].luns[i].size_bytes, v[i].bytes);
		CU_ASSERT_STRING_EQUAL(c.targets[0].luns[i].path, "/x");
	}
	config_free(&c);
}

/* config.h quick mode: --key wins over a file's global key, either order. */
static void config_cli_key_wins_over_file(void)
{
	const char *conf = tmp_file("keys.conf", "MaxBurstLength 4096\n"
						 "MaxBurstLength 8192\n");
	struct tgt_config c;

	config_init(&c);
	CU_ASSERT_EQUAL(cli(&c, CONFIG_OPT_KEY, "MaxBurstLength=1024"), 0);
	CU_ASSERT_EQUAL(config_load(&c, conf, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(config_key(&c, NULL, "MaxBurstLength"), "1024");
	config_free(&c);
	config_init(&c);
	conf = tmp_file("keys.conf", "MaxBurstLength 4096\n");
	CU_ASSERT_EQUAL(config_load(&c, conf, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(cli(&c, CONFIG_OPT_KEY, "MaxBurstLength=2048"), 0);
	CU_ASSERT_STRING_EQUAL(config_key(&c, NULL, "MaxBurstLength"), "2048");
	config_free(&c);
}

/* config.h quick mode: each bad option reads "--option ARG: reason". */
static void config_cli_errors(void)
{
	struct tgt_config c;

	config_init(&c);
	CU_ASSERT_EQUAL(cli(&c, CONFIG_OPT_LUN, "0:/x"), -1);
	CU_ASSERT_STRING_EQUAL(err, "--lun 0:/x: needs a --target before it");
	CU_ASSERT_EQUAL(cli(&c, CONFIG_OPT_PORTAL, "10.0.0.1:65536"), -1);
	CU_ASSERT_STRING_EQUAL(err, "--portal 10.0.0.1:65536: bad port in "
				    "'10.0.0.1:65536' (0..65535)");
	CU_ASSERT_EQUAL(cli(&c, CONFIG_OPT_PORTAL, "host.example:3260"), -1);
	CU_ASSERT_EQUAL(cli(&c, CONFIG_OPT_PORTAL, "[::1:3260"), -1);
	CU_ASSERT_EQUAL(cli(&c, CONFIG_OPT_KEY, "Frob=1"), -1);
	CU_ASSERT_STRING_EQUAL(err, "--key Frob=1: unknown key 'Frob'");
	CU_ASSERT_EQUAL(cli(&c, CONFIG_OPT_KEY, "DataDigest=crc32c"), -1);
	CU_ASSERT_EQUAL(cli(&c, CONFIG_OPT_TARGET, "iqn.bad"), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "--target iqn.bad: bad target "
					   "name"));
	CU_ASSERT_EQUAL(cli(&c, CONFIG_OPT_TARGET, "iqn.2024-01.org.ex:e"), 0);
	CU_ASSERT_EQUAL(cli(&c, CONFIG_OPT_TARGET, "iqn.2024-01.org.ex:E"), -1);
	CU_ASSERT_EQUAL(cli(&c, CONFIG_OPT_LUN, "x:/y"), -1);
	CU_ASSERT_STRING_EQUAL(err, "--lun x:/y: bad LUN number 'x' "
				    "(0..16383)");
	CU_ASSERT_EQUAL(cli(&c, CONFIG_OPT_LUN, "3:/y"), 0);
	CU_ASSERT_EQUAL(cli(&c, CONFIG_OPT_LUN, "3:/z"), -1);
	CU_ASSERT_STRING_EQUAL(err, "--lun 3:/z: duplicate LUN 3");
	/* the secret is never echoed */
	CU_ASSERT_EQUAL(cli(&c, CONFIG_OPT_CHAP, "nosecret"), -1);
	CU_ASSERT_STRING_EQUAL(err, "--chap USER:SECRET: want USER:SECRET");
	CU_ASSERT_EQUAL(cli(&c, CONFIG_OPT_MUTUAL_CHAP, "a:hidden-1"), 0);
	CU_ASSERT_EQUAL(cli(&c, CONFIG_OPT_MUTUAL_CHAP, "b:hidden-2"), -1);
	CU_ASSERT_PTR_NULL(strstr(err, "hidden"));
	config_free(&c);
}

UNIT_SUITE(config, "reftgt.config",
	   UNIT_TEST(config_global_part_is_discovery_and_defaults),
	   UNIT_TEST(config_lun_parameters),
	   UNIT_TEST(config_target_users_and_limits),
	   UNIT_TEST(config_every_rfc_key_parsed),
	   UNIT_TEST(config_target_key_overrides_global),
	   UNIT_TEST(config_redirect_target),
	   UNIT_TEST(config_continuation_line),
	   UNIT_TEST(config_error_unknown_directive),
	   UNIT_TEST(config_error_bad_number),
	   UNIT_TEST(config_error_out_of_range),
	   UNIT_TEST(config_error_erl_out_of_range),
	   UNIT_TEST(config_error_lun_without_target),
	   UNIT_TEST(config_error_duplicate_lun),
	   UNIT_TEST(config_error_lun_out_of_range),
	   UNIT_TEST(config_error_missing_path),
	   UNIT_TEST(config_error_bad_type),
	   UNIT_TEST(config_error_bool_is_case_sensitive),
	   UNIT_TEST(config_error_bad_digest),
	   UNIT_TEST(config_error_two_outgoing_users),
	   UNIT_TEST(config_error_bad_target_name),
	   UNIT_TEST(config_error_duplicate_key),
	   UNIT_TEST(config_error_missing_file),
	   UNIT_TEST(config_finish_first_burst_over_max_burst),
	   UNIT_TEST(config_finish_checks_lun_path),
	   UNIT_TEST(config_finish_outgoing_needs_incoming),
	   UNIT_TEST(config_finish_target_needs_lun),
	   UNIT_TEST(config_finish_defaults),
	   UNIT_TEST(config_cli_quick_mode),
	   UNIT_TEST(config_cli_size_suffixes),
	   UNIT_TEST(config_cli_key_wins_over_file),
	   UNIT_TEST(config_cli_errors))

/* ---- ACLs (initiators.allow / initiators.deny) --------------------------- */

#define T1 "iqn.2024-01.org.example:t1"
#define T2 "iqn.2024-01.org.example:t2"
#define HOST1 "iqn.1994-05.com.redhat:host1"
#define HOST2 "iqn.1994-05.com.redhat:host2"

static struct sockaddr_storage peer_ss;

/* A peer address from text (IPv4 or IPv6). */
static const struct sockaddr *peer(const char *addr)
{
	struct sockaddr_in *v4 = (struct sockaddr_in *)&peer_ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&peer_ss;

	memset(&peer_ss, 0, sizeof(peer_ss));
	if (inet_pton(AF_INET, addr, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
	} else {
		CU_ASSERT_EQUAL(inet_pton(AF_INET6, addr, &v6->sin6_addr), 1);
		v6->sin6_family = AF_INET6;
	}
	return (const struct sockaddr *)&peer_ss;
}

/* Two targets, then the given allow/deny texts (NULL = no file). */
static int acl_setup(struct tgt_config *c, const char *allow,
		     const char *deny)
{
	const char *a = allow ? tmp_file("initiators.allow", allow) : NULL;
	const char *d = deny ? tmp_file("initiators.deny", deny) : NULL;

	config_init(c);
	CU_ASSERT_EQUAL(cli(c, CONFIG_OPT_TARGET, T1), 0);
	CU_ASSERT_EQUAL(cli(c, CONFIG_OPT_TARGET, T2), 0);
	err[0] = '\0';
	return config_load_acl(c, a, d, err, sizeof(err));
}

/* IET initiators.allow(5): a target without rules is open to all. */
static void acl_no_rules_is_open(void)
{
	struct tgt_config c;

	CU_ASSERT_EQUAL_FATAL(acl_setup(&c, NULL, NULL), 0);
	CU_ASSERT_TRUE(config_acl_permits(&c.targets[0], HOST1,
					  peer("198.51.100.1")));
	CU_ASSERT_TRUE(config_acl_permits(&c.targets[0], NULL, NULL));
	config_free(&c);
}

/* IET: allow is checked first, then deny: allow wins over deny ALL. */
static void acl_allow_checked_before_deny(void)
{
	struct tgt_config c;

	CU_ASSERT_EQUAL_FATAL(acl_setup(&c, T1 " " HOST1 "\n",
					T1 " ALL\n"), 0);
	CU_ASSERT_TRUE(config_acl_permits(&c.targets[0], HOST1,
					  peer("192.0.2.1")));
	CU_ASSERT_FALSE(config_acl_permits(&c.targets[0], HOST2,
					   peer("192.0.2.1")));
	/* names compare case-insensitively (§4.2.7.2 case folding) */
	CU_ASSERT_TRUE(config_acl_permits(&c.targets[0],
					  "IQN.1994-05.COM.REDHAT:HOST1", NULL));
	/* unknown name: the name rule cannot match, deny ALL does */
	CU_ASSERT_FALSE(config_acl_permits(&c.targets[0], NULL, NULL));
	/* t2 has no rules */
	CU_ASSERT_TRUE(config_acl_permits(&c.targets[1], HOST2, NULL));
	config_free(&c);
}

/* IET: allow rules alone restrict nothing (they only exempt from deny). */
static void acl_allow_alone_restricts_nothing(void)
{
	struct tgt_config c;

	CU_ASSERT_EQUAL_FATAL(acl_setup(&c, T1 " " HOST1 "\n", NULL), 0);
	CU_ASSERT_TRUE(config_acl_permits(&c.targets[0], HOST2,
					  peer("192.0.2.1")));
	config_free(&c);
}

/* IET: deny by name or address, everything else stays open. */
static void acl_deny_specific_initiators(void)
{
	struct tgt_config c;

	CU_ASSERT_EQUAL_FATAL(acl_setup(&c, NULL,
					"# no host2, no 203.0.113.9\n\n"
					T1 " " HOST2 ", 203.0.113.9\n"), 0);
	CU_ASSERT_FALSE(config_acl_permits(&c.targets[0], HOST2, NULL));
	CU_ASSERT_FALSE(config_acl_permits(&c.targets[0], HOST1,
					   peer("203.0.113.9")));
	CU_ASSERT_TRUE(config_acl_permits(&c.targets[0], HOST1,
					  peer("203.0.113.10")));
	config_free(&c);
}

/* IET: IPv4 networks by prefix length and by dotted netmask. */
static void acl_ipv4_networks(void)
{
	struct tgt_config c;

	CU_ASSERT_EQUAL_FATAL(
		acl_setup(&c, "ALL 192.0.2.0/24 10.20.0.0/255.255.0.0\n",
			  "ALL ALL\n"), 0);
	CU_ASSERT_TRUE(config_acl_permits(&c.targets[0], HOST1,
					  peer("192.0.2.77")));
	CU_ASSERT_FALSE(config_acl_permits(&c.targets[0], HOST1,
					   peer("192.0.3.1")));
	CU_ASSERT_TRUE(config_acl_permits(&c.targets[1], HOST1,
					  peer("10.20.255.1")));
	CU_ASSERT_FALSE(config_acl_permits(&c.targets[1], HOST1,
					   peer("10.21.0.1")));
	/* an IPv4 peer on a dual-stack socket */
	CU_ASSERT_TRUE(config_acl_permits(&c.targets[0], HOST1,
					  peer("::ffff:192.0.2.5")));
	CU_ASSERT_FALSE(config_acl_permits(&c.targets[0], HOST1,
					   peer("::ffff:198.51.100.5")));
	config_free(&c);
}

/* IET: IPv6 networks, prefixes not on a byte boundary, brackets. */
static void acl_ipv6_prefixes(void)
{
	struct tgt_config c;

	CU_ASSERT_EQUAL_FATAL(
		acl_setup(&c, T1 " [2001:db8:abcc::]/46, fe80::1\n",
			  T1 " ALL\n"), 0);
	/* /46 covers 2001:db8:abcc:: .. 2001:db8:abcf:ffff:... */
	CU_ASSERT_TRUE(config_acl_permits(&c.targets[0], HOST1,
					  peer("2001:db8:abcc::1")));
	CU_ASSERT_TRUE(config_acl_permits(&c.targets[0], HOST1,
					  peer("2001:db8:abcf:ffff::9")));
	CU_ASSERT_FALSE(config_acl_permits(&c.targets[0], HOST1,
					   peer("2001:db8:abd0::1")));
	CU_ASSERT_FALSE(config_acl_permits(&c.targets[0], HOST1,
					   peer("2001:db8:abcb:ffff::1")));
	CU_ASSERT_TRUE(config_acl_permits(&c.targets[0], HOST1,
					  peer("fe80::1")));
	CU_ASSERT_FALSE(config_acl_permits(&c.targets[0], HOST1,
					   peer("fe80::2")));
	/* an IPv6 rule never matches an IPv4 peer */
	CU_ASSERT_FALSE(config_acl_permits(&c.targets[0], HOST1,
					   peer("192.0.2.1")));
	config_free(&c);
}

/* IET: an ALL line applies to every target, a named line to one. */
static void acl_all_targets_versus_one(void)
{
	struct tgt_config c;

	CU_ASSERT_EQUAL_FATAL(acl_setup(&c, NULL, "ALL " HOST1 "\n"
					T2 " " HOST2 "\n"), 0);
	CU_ASSERT_EQUAL(c.targets[0].deny.n, 1);
	CU_ASSERT_EQUAL(c.targets[1].deny.n, 2);
	CU_ASSERT_FALSE(config_acl_permits(&c.targets[0], HOST1, NULL));
	CU_ASSERT_FALSE(config_acl_permits(&c.targets[1], HOST1, NULL));
	CU_ASSERT_TRUE(config_acl_permits(&c.targets[0], HOST2, NULL));
	CU_ASSERT_FALSE(config_acl_permits(&c.targets[1], HOST2, NULL));
	config_free(&c);
}

/* config.h config_load_acl: errors read "FILE:LINE: reason". */
static void acl_errors(void)
{
	static const struct {
		const char *text, *reason;
	} bad[] = {
		{"iqn.2024-01.org.example:nope ALL\n",
		 "no Target named iqn.2024-01.org.example:nope"},
		{T1 " 300.1.2.3\n", "bad address or network '300.1.2.3'"},
		{T1 " 192.0.2.0/33\n", "bad address or network '192.0.2.0/33'"},
		{T1 " 10.0.0.0/255.0.255.0\n",
		 "bad address or network '10.0.0.0/255.0.255.0'"},
		{T1 " [2001:db8::]/129\n",
		 "bad address or network '[2001:db8::]/129'"},
		{T1 "\n", T1 ": no initiators listed"},
	};
	struct tgt_config c;
	char want[600];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char text[256];

		snprintf(text, sizeof(text), "# comment\n%s", bad[i].text);
		CU_ASSERT_EQUAL(acl_setup(&c, text, NULL), -1);
		snprintf(want, sizeof(want), "%s/initiators.allow:2: %s",
			 tmpdir, bad[i].reason);
		CU_ASSERT_STRING_EQUAL(err, want);
		config_free(&c);
	}
	CU_ASSERT_EQUAL(acl_setup(&c, T1 " foo.bar\n", NULL), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, ":1: bad entry 'foo.bar': "));
	config_free(&c);
}

UNIT_SUITE(config_acl, "reftgt.config.acl", UNIT_TEST(acl_no_rules_is_open),
	   UNIT_TEST(acl_allow_checked_before_deny),
	   UNIT_TEST(acl_allow_alone_restricts_nothing),
	   UNIT_TEST(acl_deny_specific_initiators),
	   UNIT_TEST(acl_ipv4_networks), UNIT_TEST(acl_ipv6_prefixes),
	   UNIT_TEST(acl_all_targets_versus_one), UNIT_TEST(acl_errors))
