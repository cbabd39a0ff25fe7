/* SPDX-License-Identifier: MIT */
/*
 * junit.c - results as JUnit XML, for CI systems.
 *
 * <testsuites>
 *   <testsuite name="login">           one per first id component
 *     <testcase classname="login.stage" name="transit-without-t-bit">
 *       <properties> section, level, requirement </properties>
 *       <failure message=... type="MUST"> expected / seen </failure>
 *       | <skipped message=.../> | <error message=.../>
 *       <system-out> notes, transcript path </system-out>
 */
#include "results.h"

#include <errno.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when invalid. */
static size_t utf8_len(const unsigned char *s)
{
	unsigned c = s[0];
	size_t n, i;
	unsigned cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3fu);
	}
	/* overlong forms, surrogates, beyond U+10FFFF, U+FFFE/U+FFFF */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff || cp == 0xfffe ||
	    cp == 0xffff)
		return 0;
	return n;
}

void cts_xml_escape(FILE *f, const char *s, bool attr)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");

	while (*p) {
		size_t n;

		switch (*p) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs(attr ? "&quot;" : "\"", f);
			break;
		case '\'':
			fputs(attr ? "&apos;" : "'", f);
			break;
		case '\n':
			fputs(attr ? "&#10;" : "\n", f);
			break;
		case '\r':
			fputs("&#13;", f);
			break;
		case '\t':
			fputs(attr ? "&#9;" : "\t", f);
			break;
		default:
			n = *p < 0x20 ? 0 : utf8_len(p);
			if (n == 0) {
				fprintf(f, "\\x%02x", *p);
				break;
			}
			fwrite(p, 1, n, f);
			p += n - 1;
			break;
		}
		p++;
	}
}

static void attr(FILE *f, const char *name, const char *value)
{
	fprintf(f, " %s=\"", name);
	cts_xml_escape(f, value, true);
	fputc('"', f);
}

static void property(FILE *f, const char *indent, const char *name,
		     const char *value)
{
	fprintf(f, "%s<property", indent);
	attr(f, "name", name);
	attr(f, "value", value);
	fputs("/>\n", f);
}

/* Length of the first id component ("login" of "login.stage.x"). */
static size_t top_len(const char *id)
{
	const char *dot = strchr(id, '.');

	return dot ? (size_t)(dot - id) : strlen(id);
}

static bool same_top(const char *a, const char *b)
{
	size_t n = top_len(a);

	return n == top_len(b) && !strncmp(a, b, n);
}

static void seconds(FILE *f, const char *name, uint64_t ms)
{
	fprintf(f, " %s=\"%llu.%03llu\"", name, (unsigned long long)(ms / 1000),
		(unsigned long long)(ms % 1000));
}

static void counts_attrs(FILE *f, const struct cts_counts *c, size_t n,
			 uint64_t ms)
{
	fprintf(f,
		" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" "
		"skipped=\"%zu\"",
		n, c->failed, c->errors, c->skipped);
	seconds(f, "time", ms);
}

static void testcase(FILE *f, const struct cts_result *r)
{
	const char *dot = strrchr(r->id, '.');
	char classname[CTS_RESULT_STR_MAX];

	snprintf(classname, sizeof(classname), "%.*s",
		 dot ? (int)(dot - r->id) : (int)strlen(r->id), r->id);
	fputs("    <testcase", f);
	attr(f, "classname", classname);
	attr(f, "name", dot ? dot + 1 : r->id);
	seconds(f, "time", r->duration_ms);
	fputs(">\n      <properties>\n", f);
	property(f, "        ", "section", r->section);
	property(f, "        ", "level", cts_level_name(r->level));
	property(f, "        ", "requirement", r->requirement);
	fputs("      </properties>\n", f);
	switch (r->verdict) {
	case CTS_PASS:
		break;
	case CTS_FAIL:
		fputs("      <failure", f);
		attr(f, "message", r->message);
		attr(f, "type", cts_level_name(r->level));
		fputs(">", f);
		fputs("RFC ", f);
		cts_xml_escape(f, r->section, false);
		fprintf(f, " (%s)\nexpected: ", cts_level_name(r->level));
		cts_xml_escape(f, r->expected, false);
		fputs("\nseen: ", f);
		cts_xml_escape(f, r->seen, false);
		fputs("</failure>\n", f);
		break;
	case CTS_SKIP:
		fputs("      <skipped", f);
		attr(f, "message", r->message);
		fputs("/>\n", f);
		break;
	case CTS_ERROR:
		fputs("      <error", f);
		attr(f, "message", r->message);
		fputs("/>\n", f);
		break;
	}
	if ((r->notes && *r->notes) || (r->pcap && *r->pcap)) {
		fputs("      <system-out>", f);
		cts_xml_escape(f, r->notes, false);
		if (r->pcap && *r->pcap) {
			fputs(r->notes && *r->notes ? "\ntranscript: "
						    : "transcript: ",
			      f);
			cts_xml_escape(f, r->pcap, false);
		}
		fputs("</system-out>\n", f);
	}
	fputs("    </testcase>\n", f);
}

static void count_one(struct cts_counts *c, const struct cts_result *r)
{
	switch (r->verdict) {
	case CTS_PASS:
		c->passed++;
		break;
	case CTS_FAIL:
		c->failed++;
		break;
	case CTS_SKIP:
		c->skipped++;
		break;
	case CTS_ERROR:
		c->errors++;
		break;
	}
}

/* The records whose first id component is that of s->v[first]. */
static void testsuite(FILE *f, const struct cts_result_set *s, size_t first)
{
	const char *id = s->v[first].id;
	struct cts_counts c = {0};
	uint64_t ms = 0;
	size_t n = 0;
	char name[CTS_RESULT_STR_MAX];

	for (size_t i = first; i < s->n; i++) {
		if (!same_top(id, s->v[i].id))
			continue;
		count_one(&c, &s->v[i]);
		ms += s->v[i].duration_ms;
		n++;
	}
	snprintf(name, sizeof(name), "%.*s", (int)top_len(id), id);
	fputs("  <testsuite", f);
	attr(f, "name", name);
	counts_attrs(f, &c, n, ms);
	attr(f, "timestamp", s->meta.date);
	fputs(">\n    <properties>\n", f);
	property(f, "      ", "target", s->meta.target);
	property(f, "      ", "tool_version", s->meta.tool_version);
	fputs("    </properties>\n", f);
	for (size_t i = first; i < s->n; i++)
		if (same_top(id, s->v[i].id))
			testcase(f, &s->v[i]);
	fputs("  </testsuite>\n", f);
}

int cts_results_print_junit(const struct cts_result_set *s, FILE *f)
{
	struct cts_counts c;

	cts_results_count(s, &c);
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites", f);
	attr(f, "name", "iscsi-cts");
	counts_attrs(f, &c, s->n, s->meta.duration_ms);
	fputs(">\n", f);
	for (size_t i = 0; i < s->n; i++) {
		bool seen = false;

		/* a suite is written where its first record is */
		for (size_t j = 0; j < i && !seen; j++)
			seen = same_top(s->v[i].id, s->v[j].id);
		if (!seen)
			testsuite(f, s, i);
	}
	fputs("</testsuites>\n", f);
	return ferror(f) ? -1 : 0;
}

int cts_results_write_junit(const struct cts_result_set *s, const char *path,
			    char *err, size_t errlen)
{
	FILE *f = fopen(path, "w");
	int rc;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	rc = cts_results_print_junit(s, f);
	if (fclose(f) != 0)
		rc = -1;
	if (rc < 0)
		snprintf(err, errlen, "%s: write error", path);
	return rc;
}
