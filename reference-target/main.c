/* SPDX-License-Identifier: MIT */
/*
 * main.c - iscsi-reftgt: the reference iSCSI target (RFC 7143).
 *
 * Reads an ietd.conf-style configuration and/or quick-mode options, listens
 * on every portal, prints "listening on ADDR:PORT" per portal, and serves
 * until SIGTERM or SIGINT.  SIGHUP reads the configuration again.  Stays in
 * the foreground.  Exit status: 0 after a clean shutdown, 1 when the
 * target cannot start, 2 for a usage or configuration error.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "defects.h"
#include "target.h"

#ifndef ISCSI_CTS_VERSION
#define ISCSI_CTS_VERSION "0"
#endif

#define EXIT_USAGE   2
#define MAX_CLI_OPTS 1024

/* Everything the configuration is built from, kept for SIGHUP. */
struct cfg_source {
	const char *conf, *allow, *deny;
	struct {
		int opt;
		const char *arg;
	} cli[MAX_CLI_OPTS];
	size_t ncli;
};

enum {
	OPT_ALLOW = 0x2000,
	OPT_DENY,
	OPT_LIST_DEFECTS,
	OPT_CONTROL,
	OPT_SHOW,
	OPT_PIDFILE,
	OPT_LOGIN_TIMEOUT,
	OPT_IDLE_TIMEOUT,
};

static const struct option long_opts[] = {
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {"config", required_argument, NULL, 'c'},
    {"allow", required_argument, NULL, OPT_ALLOW},
    {"deny", required_argument, NULL, OPT_DENY},
    {"threads", required_argument, NULL, 't'},
    {"defect", required_argument, NULL, 'd'},
    {"list-defects", no_argument, NULL, OPT_LIST_DEFECTS},
    {"verbose", no_argument, NULL, 'v'},
    {"control", required_argument, NULL, OPT_CONTROL},
    {"show", required_argument, NULL, OPT_SHOW},
    {"foreground", no_argument, NULL, 'f'},
    {"pidfile", required_argument, NULL, OPT_PIDFILE},
    {"login-timeout", required_argument, NULL, OPT_LOGIN_TIMEOUT},
    {"idle-timeout", required_argument, NULL, OPT_IDLE_TIMEOUT},
    CONFIG_CLI_LONG_OPTIONS,
    {NULL, 0, NULL, 0},
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: iscsi-reftgt [OPTION]...\n"
		"       iscsi-reftgt --control PATH --show session|volume\n"
		"The reference iSCSI target (RFC 7143) of iscsi-cts.\n"
		"\n"
		"Configuration (quick-mode options and the file combine):\n"
		"  -c, --config FILE          read targets from FILE "
		"(ietd.conf syntax)\n"
		"      --allow FILE           initiators.allow rules (IET)\n"
		"      --deny FILE            initiators.deny rules (IET)\n"
		"%s"
		"\n"
		"Running:\n"
		"  -t, --threads N            reactor threads (default: one "
		"per CPU)\n"
		"  -d, --defect NAME          switch on a defect (repeatable)\n"
		"      --list-defects         print the defect catalog and "
		"exit\n"
		"  -v, --verbose              log every PDU (repeat for "
		"more)\n"
		"      --control PATH         serve status on the UNIX socket "
		"PATH\n"
		"      --show session|volume  with --control: print the status "
		"of a\n"
		"                             running target (IET "
		"/proc/net/iet layout)\n"
		"  -f, --foreground           stay in the foreground (the "
		"default;\n"
		"                             the target never daemonizes)\n"
		"      --pidfile FILE         write the process id to FILE\n"
		"      --login-timeout SEC    close a connection whose login "
		"is not\n"
		"                             done after SEC seconds "
		"(default 30; 0 off)\n"
		"      --idle-timeout SEC     close a connection whose PDU "
		"stays\n"
		"                             half-received SEC seconds "
		"(default 30; 0 off)\n"
		"  -h, --help                 print this help and exit\n"
		"  -V, --version              print the version and exit\n"
		"\n"
		"Without any portal the target listens on 0.0.0.0:3260.  "
		"Each portal\n"
		"is announced on standard output as \"listening on "
		"ADDR:PORT\".\n"
		"SIGTERM/SIGINT: log every session out and exit 0.  "
		"SIGHUP: reload.\n"
		"Exit status: 0 ok, 1 cannot start, 2 usage or "
		"configuration error.\n",
		config_cli_help);
}

static int build_config(struct tgt_config *c, void *arg, char *err,
			size_t errlen)
{
	const struct cfg_source *src = arg;
	size_t i;

	config_init(c);
	for (i = 0; i < src->ncli; i++)
		if (config_add_cli(c, src->cli[i].opt, src->cli[i].arg, err,
				   errlen) < 0)
			goto fail;
	if (src->conf && config_load(c, src->conf, err, errlen) < 0)
		goto fail;
	if ((src->allow || src->deny) &&
	    config_load_acl(c, src->allow, src->deny, err, errlen) < 0)
		goto fail;
	if (config_finish(c, err, errlen) < 0)
		goto fail;
	return 0;
fail:
	config_free(c);
	config_init(c);
	return -1;
}

static int parse_uint(const char *opt, const char *s, unsigned max,
		      unsigned *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v > max || s[0] == '-') {
		fprintf(stderr,
			"iscsi-reftgt: %s %s: expected a number "
			"0..%u\n",
			opt, s, max);
		return -1;
	}
	*out = (unsigned)v;
	return 0;
}

struct run_opts {
	unsigned threads;
	int verbose;
	const char *control, *show, *pidfile;
	unsigned login_timeout, idle_timeout; /* seconds; UINT_MAX = default */
	struct defect_set defects;
};

/* -1 usage error, 1 handled and exit 0 (help...), 0 go on. */
static int parse_args(int argc, char **argv, struct cfg_source *src,
		      struct run_opts *ro)
{
	char err[512];
	int opt;

	while ((opt = getopt_long(argc, argv, "hVc:t:d:vf", long_opts, NULL)) !=
	       -1) {
		if (opt >= CONFIG_OPT_FIRST && opt <= CONFIG_OPT_LAST) {
			if (src->ncli == MAX_CLI_OPTS) {
				fprintf(stderr, "iscsi-reftgt: too many "
						"options\n");
				return -1;
			}
			src->cli[src->ncli].opt = opt;
			src->cli[src->ncli++].arg = optarg;
			continue;
		}
		switch (opt) {
		case 'h':
			usage(stdout);
			return 1;
		case 'V':
			printf("iscsi-reftgt %s\n", ISCSI_CTS_VERSION);
			return 1;
		case 'c':
			src->conf = optarg;
			break;
		case OPT_ALLOW:
			src->allow = optarg;
			break;
		case OPT_DENY:
			src->deny = optarg;
			break;
		case 't':
			if (parse_uint("--threads", optarg, 256, &ro->threads) <
				0 ||
			    ro->threads == 0) {
				if (ro->threads == 0)
					fprintf(stderr, "iscsi-reftgt: "
							"--threads: 1..256\n");
				return -1;
			}
			break;
		case 'd':
			if (defect_enable(&ro->defects, optarg, err,
					  sizeof(err)) < 0) {
				fprintf(stderr,
					"iscsi-reftgt: --defect %s: "
					"%s\n",
					optarg, err);
				return -1;
			}
			break;
		case OPT_LIST_DEFECTS:
			defect_print_catalog(stdout);
			return 1;
		case 'v':
			ro->verbose++;
			break;
		case OPT_CONTROL:
			ro->control = optarg;
			break;
		case OPT_SHOW:
			ro->show = optarg;
			break;
		case 'f':
			break;
		case OPT_PIDFILE:
			ro->pidfile = optarg;
			break;
		case OPT_LOGIN_TIMEOUT:
			if (parse_uint("--login-timeout", optarg, 86400,
				       &ro->login_timeout) < 0)
				return -1;
			break;
		case OPT_IDLE_TIMEOUT:
			if (parse_uint("--idle-timeout", optarg, 86400,
				       &ro->idle_timeout) < 0)
				return -1;
			break;
		default:
			fprintf(stderr, "Try 'iscsi-reftgt --help'.\n");
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr,
			"iscsi-reftgt: unexpected argument '%s'\n"
			"Try 'iscsi-reftgt --help'.\n",
			argv[optind]);
		return -1;
	}
	if (ro->show && !ro->control) {
		fprintf(stderr, "iscsi-reftgt: --show needs --control PATH\n");
		return -1;
	}
	return 0;
}

static int write_pidfile(const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f || fprintf(f, "%ld\n", (long)getpid()) < 0 || fclose(f) != 0) {
		fprintf(stderr, "iscsi-reftgt: --pidfile %s: %s\n", path,
			strerror(errno));
		return -1;
	}
	return 0;
}

static int serve(struct cfg_source *src, struct run_opts *ro)
{
	static struct tgt_server srv;
	struct tgt_config cfg;
	char err[1024];
	int rc = 0;

	if (build_config(&cfg, src, err, sizeof(err)) < 0) {
		fprintf(stderr, "iscsi-reftgt: %s\n", err);
		return EXIT_USAGE;
	}
	if (server_init(&srv, &cfg, ro->threads, err, sizeof(err)) < 0) {
		fprintf(stderr, "iscsi-reftgt: %s\n", err);
		config_free(&cfg);
		return EXIT_FAILURE;
	}
	srv.defects = ro->defects;
	srv.verbose = ro->verbose;
	if (ro->login_timeout != UINT_MAX)
		srv.login_timeout_ms = ro->login_timeout * 1000u;
	if (ro->idle_timeout != UINT_MAX)
		srv.idle_timeout_ms = ro->idle_timeout * 1000u;
	srv.reload = build_config;
	srv.reload_arg = src;
	err[0] = '\0';
	if (server_listen(&srv, stdout, err, sizeof(err)) < 0 ||
	    (ro->pidfile && write_pidfile(ro->pidfile) < 0)) {
		if (err[0])
			fprintf(stderr, "iscsi-reftgt: %s\n", err);
		server_fini(&srv);
		return EXIT_FAILURE;
	}
	err[0] = '\0';
	if (server_run(&srv, ro->control, err, sizeof(err)) < 0) {
		fprintf(stderr, "iscsi-reftgt: %s\n", err);
		rc = EXIT_FAILURE;
	}
	server_fini(&srv);
	if (ro->pidfile)
		unlink(ro->pidfile);
	return rc;
}

int main(int argc, char **argv)
{
	static struct cfg_source src;
	struct run_opts ro;
	char err[512];
	int rc;

	memset(&ro, 0, sizeof(ro));
	ro.login_timeout = ro.idle_timeout = UINT_MAX;
	rc = parse_args(argc, argv, &src, &ro);
	if (rc != 0)
		return rc < 0 ? EXIT_USAGE : EXIT_SUCCESS;
	if (ro.show) {
		if (control_show(ro.control, ro.show, stdout, err,
				 sizeof(err)) < 0) {
			fprintf(stderr, "iscsi-reftgt: %s\n", err);
			return strncmp(err, "--show", 6) == 0 ? EXIT_USAGE
							      : EXIT_FAILURE;
		}
		return EXIT_SUCCESS;
	}
	return serve(&src, &ro);
}
