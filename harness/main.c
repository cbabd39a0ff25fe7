/* SPDX-License-Identifier: MIT */
/*
 * main.c - the iscsi-cts command: list and run conformance tests.
 *
 *   iscsi-cts list [GLOB...]
 *   iscsi-cts run --target URL [--profile FILE] [--junit FILE] [--json FILE]
 *                 [--md FILE] [--pcap-dir DIR] [--timeout SECONDS]
 *                 [--jobs N] [--baseline FILE] [-v] [--no-fork] [GLOB...]
 *
 * Exit status: 0 all well; 1 a test failed or errored (with --baseline: a
 * test regressed); 2 usage or harness error.
 */
#include <errno.h>
#include <fnmatch.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cts.h"
#include "profile.h"
#include "results.h"
#include "runner.h"
#include "url.h"

#ifndef ISCSI_CTS_VERSION
#define ISCSI_CTS_VERSION "0.0.0"
#endif

#define EXIT_TESTS 1
#define EXIT_USAGE 2

static const char usage_text[] =
    "usage: iscsi-cts list [--defects] [GLOB...]\n"
    "       iscsi-cts run --target URL [--profile FILE] [--junit FILE]\n"
    "                     [--json FILE] [--md FILE] [--pcap-dir DIR]\n"
    "                     [--timeout SECONDS] [--jobs N] [--baseline FILE]\n"
    "                     [--verbose] [--no-fork] [GLOB...]\n"
    "       iscsi-cts --help | --version\n"
    "\n"
    "Commands:\n"
    "  list              print the tests whose id matches a GLOB (all when\n"
    "                    none): id, section, level, requirement, "
    "tab-separated;\n"
    "                    with --defects: id and the iscsi-reftgt defect(s)\n"
    "                    that make the test fail\n"
    "  run               run the selected tests against a target\n"
    "\n"
    "Options of run:\n"
    "  -t, --target URL      iscsi://host[:port]/target/lun (overrides the\n"
    "                        profile's url)\n"
    "  -p, --profile FILE    target profile; NAME alone means "
    "targets/NAME.conf\n"
    "      --json FILE       write the results as JSON\n"
    "      --junit FILE      write the results as JUnit XML\n"
    "      --md FILE         write a Markdown summary\n"
    "      --pcap-dir DIR    write each test's transcript as DIR/ID.pcapng\n"
    "      --timeout SECONDS deadline of a test without its own (default 30)\n"
    "  -j, --jobs N          run N tests at once (default 1)\n"
    "      --baseline FILE   compare with a stored JSON result set; exit 0\n"
    "                        only when no test regressed\n"
    "  -v, --verbose         details under each FAIL, ERROR and SKIP line\n"
    "      --no-fork         run tests in this process (for debuggers; no\n"
    "                        deadlines, a crash ends the run)\n"
    "\n"
    "GLOBs match the dotted test id (fnmatch), e.g. 'login.*'.\n"
    "Exit status: 0 nothing failed or errored (with --baseline: nothing\n"
    "regressed), 1 otherwise, 2 usage or harness error.\n";

static void usage(FILE *f)
{
	fputs(usage_text, f);
}

__attribute__((format(printf, 1, 2))) static int usage_error(const char *fmt,
							     ...)
{
	va_list ap;

	fputs("iscsi-cts: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'iscsi-cts --help'.\n", stderr);
	return EXIT_USAGE;
}

/* The selected tests, sorted by id; warns about globs matching none. */
static long select_tests(char **globs, int nglobs, const struct cts_test ***sel)
{
	const struct cts_test *const *all;
	char err[128];
	size_t n;
	long k;

	all = cts_registry_all(&n);
	k = cts_select(all, n, (const char *const *)globs, (size_t)nglobs, sel,
		       err, sizeof(err));
	if (k < 0) {
		fprintf(stderr, "iscsi-cts: %s\n", err);
		return -1;
	}
	for (int g = 0; g < nglobs; g++) {
		bool any = false;

		for (long i = 0; i < k && !any; i++)
			any = fnmatch(globs[g], (*sel)[i]->id, 0) == 0;
		if (!any)
			fprintf(stderr, "iscsi-cts: no test matches '%s'\n",
				globs[g]);
	}
	return k;
}

static int cmd_list(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"help", no_argument, NULL, 'h'},
	    {"defects", no_argument, NULL, 'D'},
	    {NULL, 0, NULL, 0},
	};
	const struct cts_test **sel;
	bool defects = false;
	long k;
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return 0;
		}
		if (c == 'D') {
			defects = true;
			continue;
		}
		return usage_error("list: bad option");
	}
	k = select_tests(argv + optind, argc - optind, &sel);
	if (k < 0)
		return EXIT_USAGE;
	for (long i = 0; i < k; i++) {
		if (defects)
			printf("%s\t%s\n", sel[i]->id,
			       sel[i]->defect ? sel[i]->defect : "-");
		else
			printf("%s\t%s\t%s\t%s\n", sel[i]->id,
			       sel[i]->section, cts_level_name(sel[i]->level),
			       sel[i]->requirement);
	}
	free(sel);
	return 0;
}

struct run_args {
	const char *target, *profile, *json, *junit, *md, *pcap_dir;
	const char *baseline;
	unsigned timeout_ms, jobs;
	bool verbose, no_fork;
};

static int parse_timeout(const char *s, unsigned *ms)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v > 0) || v > 86400)
		return -1;
	*ms = (unsigned)(v * 1000.0 + 0.5);
	return *ms ? 0 : -1;
}

static int parse_jobs(const char *s, unsigned *jobs)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v < 1 || v > CTS_JOBS_MAX)
		return -1;
	*jobs = (unsigned)v;
	return 0;
}

/* mkdir -p */
static int make_dir(const char *path)
{
	char buf[4096];
	size_t n = strlen(path);

	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, path, n + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0777) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(buf, 0777) < 0 && errno != EEXIST)
		return -1;
	return 0;
}

/* FILE, or targets/NAME.conf for a bare NAME that is not a file. */
static int load_profile(const char *arg, struct cts_profile *p)
{
	char path[1024], err[512];

	if (access(arg, F_OK) != 0 && !strchr(arg, '/') &&
	    snprintf(path, sizeof(path), "targets/%s.conf", arg) <
		(int)sizeof(path) &&
	    access(path, F_OK) == 0)
		arg = path;
	if (cts_profile_load(arg, p, err, sizeof(err)) < 0) {
		fprintf(stderr, "iscsi-cts: %s\n", err);
		return -1;
	}
	return 0;
}

static int parse_run_args(int argc, char **argv, struct run_args *a)
{
	enum {
		O_JSON = 256,
		O_JUNIT,
		O_MD,
		O_PCAP,
		O_TIMEOUT,
		O_BASELINE,
		O_NOFORK
	};
	static const struct option opts[] = {
	    {"target", required_argument, NULL, 't'},
	    {"profile", required_argument, NULL, 'p'},
	    {"json", required_argument, NULL, O_JSON},
	    {"junit", required_argument, NULL, O_JUNIT},
	    {"md", required_argument, NULL, O_MD},
	    {"pcap-dir", required_argument, NULL, O_PCAP},
	    {"timeout", required_argument, NULL, O_TIMEOUT},
	    {"jobs", required_argument, NULL, 'j'},
	    {"baseline", required_argument, NULL, O_BASELINE},
	    {"verbose", no_argument, NULL, 'v'},
	    {"no-fork", no_argument, NULL, O_NOFORK},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, "t:p:j:vh", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			a->target = optarg;
			break;
		case 'p':
			a->profile = optarg;
			break;
		case O_JSON:
			a->json = optarg;
			break;
		case O_JUNIT:
			a->junit = optarg;
			break;
		case O_MD:
			a->md = optarg;
			break;
		case O_PCAP:
			a->pcap_dir = optarg;
			break;
		case O_TIMEOUT:
			if (parse_timeout(optarg, &a->timeout_ms) < 0)
				return usage_error(
				    "--timeout: not a number of "
				    "seconds in (0, 86400]: '%s'",
				    optarg);
			break;
		case 'j':
			if (parse_jobs(optarg, &a->jobs) < 0)
				return usage_error("--jobs: not a number in "
						   "1..256: '%s'",
						   optarg);
			break;
		case O_BASELINE:
			a->baseline = optarg;
			break;
		case 'v':
			a->verbose = true;
			break;
		case O_NOFORK:
			a->no_fork = true;
			break;
		case 'h':
			usage(stdout);
			return -1;
		default:
			return usage_error("run: bad option");
		}
	}
	return 0;
}

/* Reports the baseline comparison; 0 when nothing regressed. */
static int compare_baseline(const char *path, struct cts_result_set *base,
			    char **globs, int nglobs,
			    const struct cts_result_set *now)
{
	struct cts_result_set sel;
	struct cts_diff d;
	char err[256];
	int rc;

	/* Only baseline entries this selection could have run count. */
	cts_results_init(&sel);
	for (size_t i = 0; i < base->n; i++) {
		bool want = nglobs == 0;

		for (int g = 0; g < nglobs && !want; g++)
			want = fnmatch(globs[g], base->v[i].id, 0) == 0;
		if (want &&
		    cts_results_add(&sel, &base->v[i], err, sizeof(err)) < 0) {
			fprintf(stderr, "iscsi-cts: %s\n", err);
			cts_results_free(&sel);
			return EXIT_USAGE;
		}
	}
	if (cts_diff_results(&sel, now, &d, err, sizeof(err)) < 0) {
		fprintf(stderr, "iscsi-cts: %s\n", err);
		cts_results_free(&sel);
		return EXIT_USAGE;
	}
	printf("compared with %s:\n", path);
	cts_diff_print(&d, stdout);
	rc = d.count[CTS_CHANGE_REGRESSION] ? EXIT_TESTS : 0;
	cts_diff_free(&d);
	cts_results_free(&sel);
	return rc;
}

static int write_reports(const struct run_args *a,
			 const struct cts_result_set *res)
{
	char err[512];
	int rc = 0;

	if (a->json &&
	    cts_results_write_json(res, a->json, err, sizeof(err)) < 0) {
		fprintf(stderr, "iscsi-cts: %s\n", err);
		rc = -1;
	}
	if (a->junit &&
	    cts_results_write_junit(res, a->junit, err, sizeof(err)) < 0) {
		fprintf(stderr, "iscsi-cts: %s\n", err);
		rc = -1;
	}
	if (a->md &&
	    cts_results_write_markdown(res, a->md, err, sizeof(err)) < 0) {
		fprintf(stderr, "iscsi-cts: %s\n", err);
		rc = -1;
	}
	return rc;
}

static uint64_t monotonic_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000u + (uint64_t)t.tv_nsec / 1000000u;
}

static int execute(const struct run_args *a, struct cts_profile *prof,
		   char **globs, int nglobs, struct cts_result_set *base)
{
	struct cts_run_opts o = {0};
	struct cts_result_set res;
	struct cts_counts counts;
	const struct cts_test **sel;
	char err[512], url[1024], date[32];
	uint64_t start;
	long k;
	int rc;

	k = select_tests(globs, nglobs, &sel);
	if (k < 0)
		return EXIT_USAGE;
	o.target = &prof->url;
	o.profile = prof;
	o.pcap_dir = a->pcap_dir;
	o.timeout_ms = a->timeout_ms;
	o.jobs = a->jobs;
	o.no_fork = a->no_fork;
	o.progress = stdout;
	o.tty = isatty(STDOUT_FILENO);
	o.verbose = a->verbose;
	cts_results_init(&res);
	cts_results_date((long long)time(NULL), date, sizeof(date));
	if (iscsi_url_format(&prof->url, ISCSI_URL_HIDE_SECRETS, url,
			     sizeof(url), err, sizeof(err)) < 0)
		snprintf(url, sizeof(url), "(unprintable URL: %.400s)", err);
	start = monotonic_ms();
	rc = cts_run(sel, (size_t)k, &o, &res, err, sizeof(err));
	free(sel);
	if (rc < 0)
		fprintf(stderr, "iscsi-cts: run stopped: %s\n", err);
	if (cts_results_set_meta(&res, url, date, ISCSI_CTS_VERSION,
				 monotonic_ms() - start) < 0) {
		fprintf(stderr, "iscsi-cts: out of memory\n");
		rc = -1;
	}
	if (write_reports(a, &res) < 0)
		rc = -1;
	cts_results_count(&res, &counts);
	if (rc == 0 && base) {
		rc = compare_baseline(a->baseline, base, globs, nglobs, &res);
		cts_run_summary(stdout, &counts);
	} else {
		cts_run_summary(stdout, &counts);
		rc = rc < 0 ? EXIT_USAGE : cts_run_exit_status(&counts);
	}
	cts_results_free(&res);
	return rc;
}

static int cmd_run(int argc, char **argv)
{
	struct run_args a = {0};
	struct cts_result_set base;
	struct cts_profile *prof;
	char err[512];
	int rc;

	rc = parse_run_args(argc, argv, &a);
	if (rc)
		return rc < 0 ? 0 : rc;
	prof = malloc(sizeof(*prof));
	if (!prof) {
		fputs("iscsi-cts: out of memory\n", stderr);
		return EXIT_USAGE;
	}
	cts_profile_init(prof);
	rc = EXIT_USAGE;
	cts_results_init(&base);
	if (a.profile && load_profile(a.profile, prof) < 0)
		goto out;
	if (a.target) {
		if (iscsi_url_parse(a.target, &prof->url, err, sizeof(err)) <
		    0) {
			fprintf(stderr, "iscsi-cts: --target: %s\n", err);
			goto out;
		}
		prof->has_url = true;
	}
	if (!prof->has_url) {
		rc = usage_error("run: --target URL (or a profile with a url) "
				 "is required");
		goto out;
	}
	if (a.pcap_dir && make_dir(a.pcap_dir) < 0) {
		fprintf(stderr, "iscsi-cts: --pcap-dir %s: %s\n", a.pcap_dir,
			strerror(errno));
		goto out;
	}
	if (a.baseline &&
	    cts_results_read_json(a.baseline, &base, err, sizeof(err)) < 0) {
		fprintf(stderr, "iscsi-cts: --baseline: %s\n", err);
		goto out;
	}
	rc = execute(&a, prof, argv + optind, argc - optind,
		     a.baseline ? &base : NULL);
out:
	cts_results_free(&base);
	free(prof);
	return rc;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	char err[2048];
	int c;

	while ((c = getopt_long(argc, argv, "+hV", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("iscsi-cts %s\n", ISCSI_CTS_VERSION);
			return 0;
		default:
			return usage_error("bad option");
		}
	}
	if (cts_registry_check(err, sizeof(err)) < 0) {
		fprintf(stderr, "iscsi-cts: test registry: %s\n", err);
		return EXIT_USAGE;
	}
	if (optind >= argc)
		return usage_error("a command is required (list or run)");
	if (!strcmp(argv[optind], "list"))
		return cmd_list(argc - optind, argv + optind);
	if (!strcmp(argv[optind], "run"))
		return cmd_run(argc - optind, argv + optind);
	return usage_error("unknown command '%s'", argv[optind]);
}
