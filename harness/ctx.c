/* SPDX-License-Identifier: MIT */
/*
 * ctx.c - the verdict API test bodies call, the per-test context, and the
 * small record a test process sends its verdict in.
 *
 * The first of cts_fail / cts_skip / cts_error decides the verdict; later
 * ones are kept as notes, so a report never loses what a test saw.
 */
#include "ctx.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wire.h"

uint64_t cts_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void cts_ctx_init(struct cts_ctx *ctx, const struct cts_test *t,
		  const struct iscsi_url *target,
		  const struct cts_profile *profile,
		  struct cts_transcript *transcript, unsigned budget_ms)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->test = t;
	ctx->target = target;
	ctx->profile = profile;
	ctx->transcript = transcript;
	ctx->deadline_ns = cts_now_ns() + (uint64_t)budget_ms * 1000000u;
	ctx->out.verdict = CTS_PASS;
}

void cts_ctx_add_note(struct cts_ctx *ctx, const char *line)
{
	static const char cut[] = "[more notes cut]";
	char *n = ctx->out.notes;
	size_t used = strlen(n), len = strlen(line);
	size_t room = sizeof(ctx->out.notes) - sizeof(cut) - 1;

	if (used >= room)
		return; /* already cut */
	if (used + 1 + len >= room) {
		snprintf(n + used, sizeof(ctx->out.notes) - used, "%s%s",
			 used ? "\n" : "", cut);
		return;
	}
	snprintf(n + used, sizeof(ctx->out.notes) - used, "%s%s",
		 used ? "\n" : "", line);
}

static void copy_str(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src ? src : "");
}

void cts_fail(struct cts_ctx *ctx, const char *expected, const char *seen,
	      const char *fmt, ...)
{
	char msg[CTS_OUT_STR_MAX], line[CTS_OUT_STR_MAX * 3];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!ctx->decided) {
		ctx->decided = true;
		ctx->out.verdict = CTS_FAIL;
		copy_str(ctx->out.message, sizeof(ctx->out.message), msg);
		copy_str(ctx->out.expected, sizeof(ctx->out.expected),
			 expected);
		copy_str(ctx->out.seen, sizeof(ctx->out.seen), seen);
		return;
	}
	snprintf(line, sizeof(line), "also failed: %s (expected %s, seen %s)",
		 msg, expected ? expected : "", seen ? seen : "");
	cts_ctx_add_note(ctx, line);
}

__attribute__((format(printf, 4, 0))) static void
decide(struct cts_ctx *ctx, enum cts_verdict v, const char *what,
       const char *fmt, va_list ap)
{
	char msg[CTS_OUT_STR_MAX], line[CTS_OUT_STR_MAX + 32];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (!ctx->decided) {
		ctx->decided = true;
		ctx->out.verdict = v;
		copy_str(ctx->out.message, sizeof(ctx->out.message), msg);
		return;
	}
	snprintf(line, sizeof(line), "%s: %s", what, msg);
	cts_ctx_add_note(ctx, line);
}

void cts_skip(struct cts_ctx *ctx, const char *why, ...)
{
	va_list ap;

	va_start(ap, why);
	decide(ctx, CTS_SKIP, "also skipped", why, ap);
	va_end(ap);
}

void cts_error(struct cts_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	decide(ctx, CTS_ERROR, "also error", fmt, ap);
	va_end(ap);
}

void cts_note(struct cts_ctx *ctx, const char *fmt, ...)
{
	char line[CTS_OUT_STR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	cts_ctx_add_note(ctx, line);
}

bool cts_failed(const struct cts_ctx *ctx)
{
	return ctx->decided;
}

const struct cts_test *cts_test_of(const struct cts_ctx *ctx)
{
	return ctx->test;
}

const struct iscsi_url *cts_target(const struct cts_ctx *ctx)
{
	return ctx->target;
}

const struct cts_profile *cts_profile(const struct cts_ctx *ctx)
{
	return ctx->profile;
}

struct cts_transcript *cts_transcript(struct cts_ctx *ctx)
{
	return ctx->transcript;
}

unsigned cts_deadline_ms(const struct cts_ctx *ctx)
{
	uint64_t now = cts_now_ns();

	if (now >= ctx->deadline_ns)
		return 0;
	return (unsigned)((ctx->deadline_ns - now) / 1000000u);
}

void cts_defer(struct cts_ctx *ctx, void (*fn)(void *), void *arg)
{
	if (ctx->ndefers == ctx->capdefers) {
		size_t cap = ctx->capdefers ? ctx->capdefers * 2 : 8;
		struct cts_defer *d;

		if (cap > CTS_DEFER_MAX) {
			cts_error(ctx, "more than %u deferred cleanups",
				  CTS_DEFER_MAX);
			return;
		}
		d = realloc(ctx->defers, cap * sizeof(*d));
		if (!d) {
			cts_error(ctx, "out of memory deferring a cleanup");
			return;
		}
		ctx->defers = d;
		ctx->capdefers = cap;
	}
	ctx->defers[ctx->ndefers].fn = fn;
	ctx->defers[ctx->ndefers].arg = arg;
	ctx->ndefers++;
}

void cts_ctx_exec(struct cts_ctx *ctx)
{
	uint64_t start = cts_now_ns();

	ctx->test->fn(ctx);
	while (ctx->ndefers) {
		struct cts_defer d = ctx->defers[--ctx->ndefers];

		d.fn(d.arg);
	}
	free(ctx->defers);
	ctx->defers = NULL;
	ctx->capdefers = 0;
	ctx->out.duration_ms = (cts_now_ns() - start) / 1000000u;
}

/* ---- the record ---------------------------------------------------------- */

static size_t put_field(uint8_t *p, uint8_t tag, const void *v, size_t len)
{
	p[0] = tag;
	iscsi_put32(p + 1, (uint32_t)len);
	if (len)
		memcpy(p + 5, v, len);
	return 5 + len;
}

static size_t put_str(uint8_t *p, uint8_t tag, const char *s, size_t max)
{
	return put_field(p, tag, s, strnlen(s, max - 1));
}

size_t cts_record_encode(const struct cts_outcome *o, uint8_t *buf)
{
	uint8_t v = (uint8_t)o->verdict, d[8];
	size_t n = 0;

	iscsi_put64(d, o->duration_ms);
	n += put_field(buf + n, 'V', &v, 1);
	n += put_field(buf + n, 'D', d, 8);
	n += put_str(buf + n, 'M', o->message, sizeof(o->message));
	n += put_str(buf + n, 'E', o->expected, sizeof(o->expected));
	n += put_str(buf + n, 'S', o->seen, sizeof(o->seen));
	n += put_str(buf + n, 'N', o->notes, sizeof(o->notes));
	n += put_str(buf + n, 'P', o->pcap, sizeof(o->pcap));
	n += put_field(buf + n, 'Z', NULL, 0);
	return n;
}

static int get_str(char *dst, size_t dstlen, const uint8_t *v, size_t len)
{
	if (len >= dstlen || memchr(v, '\0', len))
		return -1;
	memcpy(dst, v, len);
	dst[len] = '\0';
	return 0;
}

int cts_record_decode(const uint8_t *buf, size_t len, struct cts_outcome *o)
{
	size_t pos = 0;
	bool have_v = false;

	memset(o, 0, sizeof(*o));
	while (pos + 5 <= len) {
		uint8_t tag = buf[pos];
		uint32_t n = iscsi_get32(buf + pos + 1);
		const uint8_t *v = buf + pos + 5;
		int rc = 0;

		if (n > len - pos - 5)
			return -1;
		pos += 5 + n;
		switch (tag) {
		case 'V':
			if (n != 1 || v[0] > CTS_ERROR)
				return -1;
			o->verdict = (enum cts_verdict)v[0];
			have_v = true;
			break;
		case 'D':
			if (n != 8)
				return -1;
			o->duration_ms = iscsi_get64(v);
			break;
		case 'M':
			rc = get_str(o->message, sizeof(o->message), v, n);
			break;
		case 'E':
			rc = get_str(o->expected, sizeof(o->expected), v, n);
			break;
		case 'S':
			rc = get_str(o->seen, sizeof(o->seen), v, n);
			break;
		case 'N':
			rc = get_str(o->notes, sizeof(o->notes), v, n);
			break;
		case 'P':
			rc = get_str(o->pcap, sizeof(o->pcap), v, n);
			break;
		case 'Z':
			return (n == 0 && pos == len && have_v) ? 0 : -1;
		default:
			return -1;
		}
		if (rc < 0)
			return -1;
	}
	return -1;
}
