/* SPDX-License-Identifier: MIT */
/*
 * runner.c - runs each test in a child process with a deadline.
 *
 * parent                               child
 *   pipe(), fork()  ------------------>  run the body, then its cleanups
 *   poll() the read ends, with the       write the transcript (pcapng)
 *   nearest deadline as timeout          write the verdict record, _exit(0)
 *   EOF + reaped: decode the record
 *   deadline passed: SIGKILL, ERROR
 *
 * A child that dies without a whole record (signal, exit) gives ERROR.
 */
#include "runner.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ctx.h"
#include "engine.h"
#include "profile.h"

struct slot {
	bool busy;
	size_t idx; /* into the tests array */
	pid_t pid;
	int fd;	     /* read end; -1 after EOF */
	bool reaped; /* waitpid() has collected the child */
	int status;
	uint64_t start_ns, kill_ns;
	unsigned timeout_ms;
	uint8_t *buf;
	size_t len;
	bool overflow;
};

struct progress {
	FILE *f;
	bool tty, verbose, status_shown;
	bool status_dirty; /* the set of running tests changed */
	size_t total, done;
	int width;
};

struct run {
	const struct cts_test *const *tests;
	size_t n;
	const struct cts_run_opts *o;
	const struct cts_profile *profile;
	struct slot *slots;
	unsigned jobs;
	struct progress pg;
	struct cts_result_set *res;
	size_t *order; /* order[k]: the test of the k-th record appended */
	size_t base;   /* res->n when the run began */
};

unsigned cts_test_timeout_ms(const struct cts_test *t,
			     const struct cts_run_opts *o)
{
	if (t->timeout_ms)
		return t->timeout_ms;
	if (o->timeout_ms)
		return o->timeout_ms;
	return CTS_TIMEOUT_DEFAULT_MS;
}

/*
 * The body's own deadline (cts_deadline_ms) ends a little before the one
 * the runner enforces, so an engine that honours it reports a clean
 * verdict instead of being killed.
 */
static unsigned body_budget_ms(unsigned timeout_ms)
{
	unsigned margin = timeout_ms / 10;

	if (margin > 1000)
		margin = 1000;
	return timeout_ms - margin;
}

/* ---- the child ----------------------------------------------------------- */

static void write_pcap(struct cts_ctx *ctx, const char *dir)
{
	char path[CTS_OUT_STR_MAX], err[256];

	if (snprintf(path, sizeof(path), "%s/%s.pcapng", dir, ctx->test->id) >=
	    (int)sizeof(path)) {
		cts_ctx_add_note(ctx, "pcap: path too long");
		return;
	}
	if (cts_transcript_write_pcapng(ctx->transcript, path, err,
					sizeof(err)) < 0) {
		char line[CTS_OUT_STR_MAX];

		snprintf(line, sizeof(line), "pcap: %s", err);
		cts_ctx_add_note(ctx, line);
		return;
	}
	snprintf(ctx->out.pcap, sizeof(ctx->out.pcap), "%s", path);
}

/* Runs t in this process and fills *out. */
static void exec_test(const struct cts_test *t, const struct run *r,
		      struct cts_outcome *out)
{
	struct cts_ctx *ctx = malloc(sizeof(*ctx));
	struct cts_transcript *tr;

	memset(out, 0, sizeof(*out));
	if (!ctx) {
		out->verdict = CTS_ERROR;
		snprintf(out->message, sizeof(out->message), "out of memory");
		return;
	}
	tr = cts_transcript_new();
	cts_ctx_init(ctx, t, r->o->target, r->profile, tr,
		     body_budget_ms(cts_test_timeout_ms(t, r->o)));
	if (!tr)
		cts_error(ctx, "out of memory creating the transcript");
	else
		cts_ctx_exec(ctx);
	if (tr && r->o->pcap_dir)
		write_pcap(ctx, r->o->pcap_dir);
	if (tr)
		cts_transcript_free(tr);
	*out = ctx->out;
	free(ctx);
}

static void write_all(int fd, const uint8_t *p, size_t len)
{
	while (len) {
		ssize_t k = write(fd, p, len);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return; /* the parent will see a short record */
		p += k;
		len -= (size_t)k;
	}
}

__attribute__((noreturn)) static void child_main(const struct run *r,
						 size_t idx, int wfd)
{
	static struct cts_outcome out;
	static uint8_t rec[CTS_RECORD_MAX];

	/* Other children's pipes are none of this one's business. */
	for (unsigned i = 0; i < r->jobs; i++)
		if (r->slots[i].busy && r->slots[i].fd >= 0)
			close(r->slots[i].fd);
	/* A peer closing its socket must not kill the test (EPIPE instead). */
	signal(SIGPIPE, SIG_IGN);
	exec_test(r->tests[idx], r, &out);
	write_all(wfd, rec, cts_record_encode(&out, rec));
	close(wfd);
	_exit(0);
}

/* ---- progress ------------------------------------------------------------ */

static void progress_clear(struct progress *pg)
{
	if (pg->f && pg->tty && pg->status_shown) {
		fputs("\r\033[K", pg->f);
		pg->status_shown = false;
	}
}

/* On a terminal: what is running now, on one line rewritten in place. */
static void progress_status(struct run *r)
{
	struct progress *pg = &r->pg;
	char line[80];
	size_t used;
	int k;

	if (!pg->f || !pg->tty || !pg->status_dirty)
		return;
	pg->status_dirty = false;
	k = snprintf(line, sizeof(line), "[%*zu/%zu] ", pg->width, pg->done + 1,
		     pg->total);
	used = k > 0 ? (size_t)k : 0;
	for (unsigned i = 0; i < r->jobs && used < sizeof(line) - 1; i++) {
		if (!r->slots[i].busy)
			continue;
		k = snprintf(line + used, sizeof(line) - used, "%s ... ",
			     r->tests[r->slots[i].idx]->id);
		used = k > 0 ? used + (size_t)k : used;
	}
	if (used >= sizeof(line))
		used = sizeof(line) - 1;
	line[used] = '\0';
	progress_clear(pg);
	fputs(line, pg->f);
	pg->status_shown = true;
	fflush(pg->f);
}

static void progress_detail(FILE *f, const char *label, const char *s)
{
	if (s && *s)
		fprintf(f, "    %s%s\n", label, s);
}

static void progress_done(struct progress *pg, const struct cts_result *x)
{
	pg->done++;
	pg->status_dirty = true;
	if (!pg->f)
		return;
	progress_clear(pg);
	fprintf(pg->f, "[%*zu/%zu] %s ... %s %llu ms", pg->width, pg->done,
		pg->total, x->id, cts_verdict_name(x->verdict),
		(unsigned long long)x->duration_ms);
	if (x->verdict == CTS_FAIL)
		fprintf(pg->f, " [%s]", cts_level_name(x->level));
	fputc('\n', pg->f);
	if (pg->verbose && x->verdict != CTS_PASS) {
		progress_detail(pg->f, "section: ", x->section);
		progress_detail(pg->f, "", x->message);
		progress_detail(pg->f, "expected: ", x->expected);
		progress_detail(pg->f, "seen: ", x->seen);
	}
	for (const char *p = pg->verbose && x->notes ? x->notes : ""; *p;) {
		size_t n = strcspn(p, "\n");

		fprintf(pg->f, "    note: %.*s\n", (int)n, p);
		p += n + (p[n] == '\n');
	}
	fflush(pg->f);
}

/* ---- results ------------------------------------------------------------- */

static int record_outcome(struct run *r, size_t idx,
			  const struct cts_outcome *out, char *err,
			  size_t errlen)
{
	const struct cts_test *t = r->tests[idx];
	struct cts_result x = {
	    .id = (char *)t->id,
	    .section = (char *)t->section,
	    .level = t->level,
	    .requirement = (char *)t->requirement,
	    .verdict = out->verdict,
	    .message = (char *)out->message,
	    .expected = (char *)out->expected,
	    .seen = (char *)out->seen,
	    .notes = (char *)out->notes,
	    .duration_ms = out->duration_ms,
	    .pcap = (char *)out->pcap,
	};

	if (cts_results_add(r->res, &x, err, errlen) < 0)
		return -1;
	r->order[r->res->n - 1 - r->base] = idx;
	progress_done(&r->pg, &x);
	return 0;
}

__attribute__((format(printf, 2, 3))) static void
outcome_error(struct cts_outcome *out, const char *fmt, ...)
{
	va_list ap;

	memset(out, 0, sizeof(*out));
	out->verdict = CTS_ERROR;
	va_start(ap, fmt);
	vsnprintf(out->message, sizeof(out->message), fmt, ap);
	va_end(ap);
}

/* Puts the records appended by this run into the order of r->tests. */
static int reorder(struct run *r, char *err, size_t errlen)
{
	size_t k = r->res->n - r->base;
	struct cts_result *tmp;
	size_t *pos;

	if (k < 2)
		return 0;
	tmp = malloc(k * sizeof(*tmp));
	pos = malloc(r->n * sizeof(*pos));
	if (!tmp || !pos) {
		free(tmp);
		free(pos);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	/* Tests were started in order, so rank by test index. */
	for (size_t i = 0; i < r->n; i++)
		pos[i] = SIZE_MAX;
	for (size_t i = 0; i < k; i++)
		pos[r->order[i]] = i;
	k = 0;
	for (size_t i = 0; i < r->n; i++)
		if (pos[i] != SIZE_MAX)
			tmp[k++] = r->res->v[r->base + pos[i]];
	memcpy(r->res->v + r->base, tmp, k * sizeof(*tmp));
	free(tmp);
	free(pos);
	return 0;
}

/* ---- the parent ---------------------------------------------------------- */

static int start_slot(struct run *r, struct slot *s, size_t idx, char *err,
		      size_t errlen)
{
	struct cts_outcome *out;
	int fds[2];
	pid_t pid;

	s->idx = idx;
	s->len = 0;
	s->overflow = false;
	s->reaped = false;
	s->timeout_ms = cts_test_timeout_ms(r->tests[idx], r->o);
	s->start_ns = cts_now_ns();
	s->kill_ns = s->start_ns + (uint64_t)s->timeout_ms * 1000000u;
	if (pipe2(fds, O_CLOEXEC) < 0)
		goto fail;
	if (fcntl(fds[0], F_SETFL, O_NONBLOCK) < 0) {
		close(fds[0]);
		close(fds[1]);
		goto fail;
	}
	fflush(NULL); /* nothing buffered may be written twice */
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		goto fail;
	}
	if (pid == 0) {
		close(fds[0]);
		child_main(r, idx, fds[1]);
	}
	close(fds[1]);
	s->pid = pid;
	s->fd = fds[0];
	s->busy = true;
	r->pg.status_dirty = true;
	return 0;
fail:
	out = malloc(sizeof(*out));
	if (!out) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	outcome_error(out, "cannot start the test process: %s",
		      strerror(errno));
	if (record_outcome(r, idx, out, err, errlen) < 0) {
		free(out);
		return -1;
	}
	free(out);
	return 0;
}

static void slot_read(struct slot *s)
{
	uint8_t scratch[4096];

	for (;;) {
		uint8_t *p = s->buf + s->len;
		size_t room = CTS_RECORD_MAX - s->len;
		ssize_t k;

		if (room == 0) {
			s->overflow = true;
			p = scratch;
			room = sizeof(scratch);
		}
		k = read(s->fd, p, room);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0 && errno == EAGAIN)
			return;
		if (k <= 0) {
			close(s->fd);
			s->fd = -1;
			return;
		}
		if (p != scratch)
			s->len += (size_t)k;
		if ((size_t)k < room)
			return;
	}
}

static void slot_reap(struct slot *s)
{
	uint64_t grace;

	if (s->reaped || waitpid(s->pid, &s->status, WNOHANG) != s->pid)
		return;
	s->reaped = true;
	/* Its pipe may stay open in a grandchild: wait a second at most. */
	grace = cts_now_ns() + 1000000000u;
	if (grace < s->kill_ns)
		s->kill_ns = grace;
}

/* How a child that ended without a whole record ended. */
static void describe_death(const struct slot *s, struct cts_outcome *out)
{
	if (WIFSIGNALED(s->status))
		outcome_error(out, "test process killed by signal %d (%s)",
			      WTERMSIG(s->status),
			      strsignal(WTERMSIG(s->status)));
	else if (WIFEXITED(s->status) && WEXITSTATUS(s->status) != 0)
		outcome_error(out,
			      "test process exited with status %d without a "
			      "verdict",
			      WEXITSTATUS(s->status));
	else
		outcome_error(out, "test process sent a malformed verdict "
				   "record");
}

static int finish_slot(struct run *r, struct slot *s, bool deadline, char *err,
		       size_t errlen)
{
	struct cts_outcome *out = malloc(sizeof(*out));
	uint64_t ms = (cts_now_ns() - s->start_ns) / 1000000u;
	int rc;

	if (!out) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (deadline && s->reaped) {
		/* exited, but its pipe stayed open without a whole record */
		describe_death(s, out);
		out->duration_ms = ms;
	} else if (deadline) {
		kill(s->pid, SIGKILL);
		while (waitpid(s->pid, &s->status, 0) < 0 && errno == EINTR)
			;
		s->reaped = true;
		outcome_error(out, "deadline exceeded after %u ms",
			      s->timeout_ms);
		out->duration_ms = ms;
	} else if (!s->overflow &&
		   cts_record_decode(s->buf, s->len, out) == 0 &&
		   WIFEXITED(s->status) && WEXITSTATUS(s->status) == 0) {
		/* the child's own measure of the body stands */
	} else {
		describe_death(s, out);
		out->duration_ms = ms;
	}
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	s->busy = false;
	rc = record_outcome(r, s->idx, out, err, errlen);
	free(out);
	return rc;
}

/* Poll timeout: the nearest deadline, or a short nap while a child that
 * has closed its pipe (or exited) is being collected. */
static int poll_timeout(const struct run *r, uint64_t now)
{
	uint64_t best = UINT64_MAX;

	for (unsigned i = 0; i < r->jobs; i++) {
		const struct slot *s = &r->slots[i];
		uint64_t left;

		if (!s->busy)
			continue;
		left = s->kill_ns > now ? s->kill_ns - now : 0;
		if (s->fd < 0 || s->reaped)
			left = left < 10000000u ? left : 10000000u;
		if (left < best)
			best = left;
	}
	if (best == UINT64_MAX)
		return 0;
	return (int)((best + 999999u) / 1000000u);
}

static int run_forked(struct run *r, char *err, size_t errlen)
{
	struct pollfd pfd[CTS_JOBS_MAX];
	unsigned map[CTS_JOBS_MAX];
	size_t next = 0, running = 0, finished = 0;

	while (finished < r->n) {
		uint64_t now;
		nfds_t np = 0;

		for (unsigned i = 0; i < r->jobs && next < r->n; i++) {
			if (r->slots[i].busy)
				continue;
			if (start_slot(r, &r->slots[i], next++, err, errlen) <
			    0)
				return -1;
			if (r->slots[i].busy)
				running++;
			else
				finished++;
		}
		if (running == 0)
			continue;
		progress_status(r);
		for (unsigned i = 0; i < r->jobs; i++) {
			if (!r->slots[i].busy || r->slots[i].fd < 0)
				continue;
			pfd[np].fd = r->slots[i].fd;
			pfd[np].events = POLLIN;
			pfd[np].revents = 0;
			map[np++] = i;
		}
		if (poll(pfd, np, poll_timeout(r, cts_now_ns())) < 0 &&
		    errno != EINTR) {
			snprintf(err, errlen, "poll: %s", strerror(errno));
			return -1;
		}
		for (nfds_t k = 0; k < np; k++)
			if (pfd[k].revents)
				slot_read(&r->slots[map[k]]);
		now = cts_now_ns();
		for (unsigned i = 0; i < r->jobs; i++) {
			struct slot *s = &r->slots[i];
			bool whole;

			if (!s->busy)
				continue;
			slot_reap(s);
			/* A grandchild may hold the pipe: a whole record
			 * from an exited child is enough. */
			whole = s->fd < 0 ||
				(!s->overflow && s->len <= CTS_RECORD_MAX &&
				 s->len >= 5 && s->buf[s->len - 5] == 'Z');
			if (s->reaped && whole) {
				if (finish_slot(r, s, false, err, errlen) < 0)
					return -1;
			} else if (now >= s->kill_ns) {
				if (finish_slot(r, s, true, err, errlen) < 0)
					return -1;
			} else {
				continue;
			}
			running--;
			finished++;
		}
	}
	progress_clear(&r->pg);
	return 0;
}

static int run_inproc(struct run *r, char *err, size_t errlen)
{
	struct cts_outcome *out = malloc(sizeof(*out));
	int rc = 0;

	if (!out) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < r->n && rc == 0; i++) {
		exec_test(r->tests[i], r, out);
		rc = record_outcome(r, i, out, err, errlen);
	}
	free(out);
	return rc;
}

static int digits(size_t n)
{
	int d = 1;

	while (n >= 10) {
		n /= 10;
		d++;
	}
	return d;
}

int cts_run(const struct cts_test *const *tests, size_t n,
	    const struct cts_run_opts *o, struct cts_result_set *res, char *err,
	    size_t errlen)
{
	static struct cts_profile empty;
	char why[64];
	struct run r = {
	    .tests = tests,
	    .n = n,
	    .o = o,
	    .profile = o->profile,
	    .res = res,
	    .base = res->n,
	};
	int rc;

	if (!r.profile) {
		cts_profile_init(&empty);
		r.profile = &empty;
	}
	r.jobs = o->jobs ? o->jobs : 1;
	if (r.jobs > CTS_JOBS_MAX)
		r.jobs = CTS_JOBS_MAX;
	if (r.jobs > n && n > 0)
		r.jobs = (unsigned)n;
	r.pg.f = o->progress;
	r.pg.tty = o->tty;
	r.pg.verbose = o->verbose;
	r.pg.total = n;
	r.pg.width = digits(n);
	if (n == 0)
		return 0;
	r.order = calloc(n, sizeof(*r.order));
	r.slots = calloc(r.jobs, sizeof(*r.slots));
	if (!r.order || !r.slots) {
		free(r.order);
		free(r.slots);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	rc = 0;
	for (unsigned i = 0; i < r.jobs && !o->no_fork; i++) {
		r.slots[i].fd = -1;
		r.slots[i].buf = malloc(CTS_RECORD_MAX);
		if (!r.slots[i].buf) {
			snprintf(err, errlen, "out of memory");
			rc = -1;
		}
	}
	if (rc == 0)
		rc = o->no_fork ? run_inproc(&r, err, errlen)
				: run_forked(&r, err, errlen);
	/* On a fatal error, collect whatever is still running. */
	for (unsigned i = 0; i < r.jobs; i++) {
		struct slot *s = &r.slots[i];

		if (s->busy) {
			kill(s->pid, SIGKILL);
			while (waitpid(s->pid, NULL, 0) < 0 && errno == EINTR)
				;
			if (s->fd >= 0)
				close(s->fd);
		}
		free(s->buf);
	}
	if (reorder(&r, why, sizeof(why)) < 0 && rc == 0) {
		snprintf(err, errlen, "%s", why);
		rc = -1;
	}
	free(r.slots);
	free(r.order);
	return rc;
}

void cts_run_summary(FILE *f, const struct cts_counts *c)
{
	if (c->failed)
		fprintf(f, "failures: %zu MUST, %zu SHOULD, %zu MAY\n",
			c->failed_level[CTS_MUST], c->failed_level[CTS_SHOULD],
			c->failed_level[CTS_MAY]);
	fprintf(f, "%zu passed, %zu failed, %zu skipped, %zu errors\n",
		c->passed, c->failed, c->skipped, c->errors);
}

int cts_run_exit_status(const struct cts_counts *c)
{
	return (c->failed || c->errors) ? 1 : 0;
}
