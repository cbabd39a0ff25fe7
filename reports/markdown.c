/* SPDX-License-Identifier: MIT */
/*
 * markdown.c - a readable summary of a run: the totals, then every FAIL
 * (MUST and SHOULD apart) with section, expected and seen, then errors
 * and skips.
 */
#include "results.h"

#include <errno.h>
#include <string.h>

/* A table cell: '|' escaped, line breaks as <br>, controls dropped; outside
 * code spans '<' and '>' as entities, so they are not taken for HTML. */
static void cell_text(FILE *f, const char *s, bool code)
{
	for (const char *p = s ? s : ""; *p; p++) {
		if (*p == '|')
			fputs("\\|", f);
		else if (!code && *p == '<')
			fputs("&lt;", f);
		else if (!code && *p == '>')
			fputs("&gt;", f);
		else if (*p == '\n')
			fputs("<br>", f);
		else if ((unsigned char)*p < 0x20 || *p == 0x7f)
			fputc(' ', f);
		else
			fputc(*p, f);
	}
}

static void cell(FILE *f, const char *s)
{
	cell_text(f, s, false);
}

static void cell_code(FILE *f, const char *s)
{
	if (!s || !*s)
		return;
	/* backticks inside would end the code span */
	if (strchr(s, '`')) {
		cell(f, s);
		return;
	}
	fputc('`', f);
	cell_text(f, s, true);
	fputc('`', f);
}

static void failures(FILE *f, const struct cts_result_set *s,
		     enum cts_level level, size_t count)
{
	if (count == 0)
		return;
	fprintf(f, "\n## %s failures (%zu)\n\n", cts_level_name(level), count);
	fputs("| Test | Section | Expected | Seen | Exchange |\n", f);
	fputs("|---|---|---|---|---|\n", f);
	for (size_t i = 0; i < s->n; i++) {
		const struct cts_result *r = &s->v[i];

		if (r->verdict != CTS_FAIL || r->level != level)
			continue;
		fputs("| ", f);
		cell_code(f, r->id);
		fputs(" | ", f);
		cell(f, r->section);
		fputs(" | ", f);
		cell_code(f, r->expected);
		fputs(" | ", f);
		cell_code(f, r->seen);
		fputs(" | ", f);
		cell(f, r->message);
		fputs(" |\n", f);
	}
}

static void others(FILE *f, const struct cts_result_set *s, enum cts_verdict v,
		   const char *title, size_t count)
{
	if (count == 0)
		return;
	fprintf(f,
		"\n## %s (%zu)\n\n| Test | Section | Reason |\n"
		"|---|---|---|\n",
		title, count);
	for (size_t i = 0; i < s->n; i++) {
		const struct cts_result *r = &s->v[i];

		if (r->verdict != v)
			continue;
		fputs("| ", f);
		cell_code(f, r->id);
		fputs(" | ", f);
		cell(f, r->section);
		fputs(" | ", f);
		cell(f, r->message);
		fputs(" |\n", f);
	}
}

int cts_results_print_markdown(const struct cts_result_set *s, FILE *f)
{
	struct cts_counts c;

	cts_results_count(s, &c);
	fputs("# iscsi-cts results\n\n", f);
	fputs("| | |\n|---|---|\n| Target | ", f);
	cell_code(f, s->meta.target);
	fputs(" |\n| Date | ", f);
	cell(f, s->meta.date);
	fputs(" |\n| Tool version | ", f);
	cell(f, s->meta.tool_version);
	fprintf(f, " |\n| Duration | %llu ms |\n",
		(unsigned long long)s->meta.duration_ms);
	fputs("\n| Tests | Passed | Failed (MUST / SHOULD / MAY) | Skipped "
	      "| Errors |\n|---|---|---|---|---|\n",
	      f);
	fprintf(f, "| %zu | %zu | %zu (%zu / %zu / %zu) | %zu | %zu |\n", s->n,
		c.passed, c.failed, c.failed_level[CTS_MUST],
		c.failed_level[CTS_SHOULD], c.failed_level[CTS_MAY], c.skipped,
		c.errors);
	failures(f, s, CTS_MUST, c.failed_level[CTS_MUST]);
	failures(f, s, CTS_SHOULD, c.failed_level[CTS_SHOULD]);
	failures(f, s, CTS_MAY, c.failed_level[CTS_MAY]);
	others(f, s, CTS_ERROR, "Errors", c.errors);
	others(f, s, CTS_SKIP, "Skipped", c.skipped);
	return ferror(f) ? -1 : 0;
}

int cts_results_write_markdown(const struct cts_result_set *s, const char *path,
			       char *err, size_t errlen)
{
	FILE *f = fopen(path, "w");
	int rc;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	rc = cts_results_print_markdown(s, f);
	if (fclose(f) != 0)
		rc = -1;
	if (rc < 0)
		snprintf(err, errlen, "%s: write error", path);
	return rc;
}
