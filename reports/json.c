/* SPDX-License-Identifier: MIT */
/*
 * json.c - results as JSON (jansson), both ways.  The schema is described
 * in docs/results-schema.md; the reader accepts what the writer writes and
 * rejects anything else with a reason.
 */
#include "results.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#define SCHEMA_NAME    "iscsi-cts-results"
#define SCHEMA_VERSION 1
#define JSON_FILE_MAX  (64u * 1024u * 1024u)

/* json_string() refuses invalid UTF-8: keep such bytes as "\xNN" text. */
static json_t *str_value(const char *s)
{
	json_t *v;
	char *fixed;
	size_t n, o = 0;

	if (!s)
		s = "";
	v = json_string(s);
	if (v)
		return v;
	n = strlen(s);
	fixed = malloc(n * 4 + 1);
	if (!fixed)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x80)
			fixed[o++] = (char)c;
		else
			o += (size_t)sprintf(fixed + o, "\\x%02x", c);
	}
	fixed[o] = '\0';
	v = json_string(fixed);
	free(fixed);
	return v;
}

static int set_str(json_t *o, const char *key, const char *s)
{
	return json_object_set_new(o, key, str_value(s));
}

static int set_int(json_t *o, const char *key, uint64_t v)
{
	return json_object_set_new(o, key, json_integer((json_int_t)v));
}

static json_t *notes_value(const char *notes)
{
	json_t *a = json_array();
	const char *p = notes ? notes : "";

	if (!a)
		return NULL;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char *line = strndup(p, n);

		if (!line || json_array_append_new(a, str_value(line)) < 0) {
			free(line);
			json_decref(a);
			return NULL;
		}
		free(line);
		p += n + (nl ? 1 : 0);
	}
	return a;
}

static json_t *test_value(const struct cts_result *r)
{
	json_t *o = json_object();
	int rc = 0;

	if (!o)
		return NULL;
	rc |= set_str(o, "id", r->id);
	rc |= set_str(o, "section", r->section);
	rc |= set_str(o, "level", cts_level_name(r->level));
	rc |= set_str(o, "requirement", r->requirement);
	rc |= set_str(o, "verdict", cts_verdict_name(r->verdict));
	rc |= set_str(o, "message", r->message);
	rc |= set_str(o, "expected", r->expected);
	rc |= set_str(o, "seen", r->seen);
	rc |= json_object_set_new(o, "notes", notes_value(r->notes));
	rc |= set_int(o, "duration_ms", r->duration_ms);
	rc |= set_str(o, "pcap", r->pcap);
	if (rc) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *set_value(const struct cts_result_set *s)
{
	json_t *root = json_object(), *sum = json_object(),
	       *tests = json_array();
	struct cts_counts c;
	int rc = 0;

	if (!root || !sum || !tests) {
		json_decref(root);
		json_decref(sum);
		json_decref(tests);
		return NULL;
	}
	cts_results_count(s, &c);
	rc |= set_str(root, "schema", SCHEMA_NAME);
	rc |= set_int(root, "schema_version", SCHEMA_VERSION);
	rc |= set_str(root, "tool", "iscsi-cts");
	rc |= set_str(root, "tool_version", s->meta.tool_version);
	rc |= set_str(root, "target", s->meta.target);
	rc |= set_str(root, "date", s->meta.date);
	rc |= set_int(root, "duration_ms", s->meta.duration_ms);
	rc |= set_int(sum, "total", s->n);
	rc |= set_int(sum, "passed", c.passed);
	rc |= set_int(sum, "failed", c.failed);
	rc |= set_int(sum, "failed_must", c.failed_level[CTS_MUST]);
	rc |= set_int(sum, "failed_should", c.failed_level[CTS_SHOULD]);
	rc |= set_int(sum, "failed_may", c.failed_level[CTS_MAY]);
	rc |= set_int(sum, "skipped", c.skipped);
	rc |= set_int(sum, "errors", c.errors);
	rc |= json_object_set_new(root, "summary", sum);
	for (size_t i = 0; i < s->n && !rc; i++)
		rc |= json_array_append_new(tests, test_value(&s->v[i]));
	rc |= json_object_set_new(root, "tests", tests);
	if (rc) {
		json_decref(root);
		return NULL;
	}
	return root;
}

char *cts_results_to_json(const struct cts_result_set *s, char *err,
			  size_t errlen)
{
	json_t *root = set_value(s);
	char *text;

	if (!root) {
		snprintf(err, errlen, "out of memory building JSON");
		return NULL;
	}
	text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (!text)
		snprintf(err, errlen, "out of memory writing JSON");
	return text;
}

int cts_results_write_json(const struct cts_result_set *s, const char *path,
			   char *err, size_t errlen)
{
	char *text = cts_results_to_json(s, err, errlen);
	FILE *f;
	int rc = 0;

	if (!text)
		return -1;
	f = fopen(path, "w");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(text);
		return -1;
	}
	if (fputs(text, f) == EOF || fputc('\n', f) == EOF)
		rc = -1;
	if (fclose(f) != 0)
		rc = -1;
	if (rc)
		snprintf(err, errlen, "%s: write error", path);
	free(text);
	return rc;
}

/* ---- reading ------------------------------------------------------------- */

/* The string member key of o, "" when absent; NULL when of another type. */
static const char *get_str(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	if (!v)
		return "";
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static int get_uint(json_t *o, const char *key, uint64_t *out)
{
	json_t *v = json_object_get(o, key);

	*out = 0;
	if (!v)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return -1;
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

/* notes: an array of strings, joined with '\n' into a malloc'd string. */
static char *get_notes(json_t *o)
{
	json_t *a = json_object_get(o, "notes"), *line;
	size_t i, len = 0;
	char *s;

	if (!a)
		return strdup("");
	if (!json_is_array(a))
		return NULL;
	json_array_foreach(a, i, line)
	{
		if (!json_is_string(line))
			return NULL;
		len += json_string_length(line) + 1;
		if (len > CTS_RESULT_NOTES_MAX)
			return NULL;
	}
	s = malloc(len + 1);
	if (!s)
		return NULL;
	s[0] = '\0';
	len = 0;
	json_array_foreach(a, i, line)
	{
		size_t n = strlen(json_string_value(line));

		if (len)
			s[len++] = '\n';
		memcpy(s + len, json_string_value(line), n);
		len += n;
		s[len] = '\0';
	}
	return s;
}

static int read_test(json_t *t, size_t i, struct cts_result_set *s, char *err,
		     size_t errlen)
{
	struct cts_result r = {0};
	const char *level, *verdict;
	int rc;

	if (!json_is_object(t)) {
		snprintf(err, errlen, "tests[%zu]: not an object", i);
		return -1;
	}
	r.id = (char *)get_str(t, "id");
	r.section = (char *)get_str(t, "section");
	r.requirement = (char *)get_str(t, "requirement");
	r.message = (char *)get_str(t, "message");
	r.expected = (char *)get_str(t, "expected");
	r.seen = (char *)get_str(t, "seen");
	r.pcap = (char *)get_str(t, "pcap");
	level = get_str(t, "level");
	verdict = get_str(t, "verdict");
	if (!r.id || !*r.id || !r.section || !r.requirement || !r.message ||
	    !r.expected || !r.seen || !r.pcap || !level || !verdict) {
		snprintf(err, errlen,
			 "tests[%zu]: missing id or a member is not a string",
			 i);
		return -1;
	}
	if (cts_level_parse(level, &r.level) < 0) {
		snprintf(err, errlen, "tests[%zu] (%s): bad level '%s'", i,
			 r.id, level);
		return -1;
	}
	if (cts_verdict_parse(verdict, &r.verdict) < 0) {
		snprintf(err, errlen, "tests[%zu] (%s): bad verdict '%s'", i,
			 r.id, verdict);
		return -1;
	}
	if (get_uint(t, "duration_ms", &r.duration_ms) < 0) {
		snprintf(err, errlen, "tests[%zu] (%s): bad duration_ms", i,
			 r.id);
		return -1;
	}
	if (cts_results_find(s, r.id) >= 0) {
		snprintf(err, errlen, "tests[%zu]: duplicate id '%s'", i, r.id);
		return -1;
	}
	r.notes = get_notes(t);
	if (!r.notes) {
		snprintf(err, errlen,
			 "tests[%zu] (%s): notes must be an array of strings",
			 i, r.id);
		return -1;
	}
	rc = cts_results_add(s, &r, err, errlen);
	free(r.notes);
	return rc;
}

static int read_root(json_t *root, struct cts_result_set *s, char *err,
		     size_t errlen)
{
	const char *schema = get_str(root, "schema");
	const char *target = get_str(root, "target");
	const char *date = get_str(root, "date");
	const char *version = get_str(root, "tool_version");
	json_t *tests = json_object_get(root, "tests"), *t;
	uint64_t sv, dur;
	size_t i;

	if (!schema || strcmp(schema, SCHEMA_NAME)) {
		snprintf(err, errlen, "not an %s document", SCHEMA_NAME);
		return -1;
	}
	if (get_uint(root, "schema_version", &sv) < 0 || sv != SCHEMA_VERSION) {
		snprintf(err, errlen, "unsupported schema_version (want %d)",
			 SCHEMA_VERSION);
		return -1;
	}
	if (!target || !date || !version ||
	    get_uint(root, "duration_ms", &dur) < 0) {
		snprintf(err, errlen, "bad run metadata");
		return -1;
	}
	if (!json_is_array(tests)) {
		snprintf(err, errlen, "\"tests\" is not an array");
		return -1;
	}
	if (json_array_size(tests) > CTS_RESULTS_MAX) {
		snprintf(err, errlen, "more than %u tests", CTS_RESULTS_MAX);
		return -1;
	}
	if (cts_results_set_meta(s, target, date, version, dur) < 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	json_array_foreach(tests, i, t)
	{
		if (read_test(t, i, s, err, errlen) < 0)
			return -1;
	}
	return 0;
}

int cts_results_from_json(const char *text, size_t len,
			  struct cts_result_set *s, char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *root;
	int rc;

	cts_results_init(s);
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		snprintf(err, errlen, "line %d: %s", jerr.line, jerr.text);
		return -1;
	}
	if (!json_is_object(root)) {
		snprintf(err, errlen, "not a JSON object");
		json_decref(root);
		return -1;
	}
	rc = read_root(root, s, err, errlen);
	json_decref(root);
	if (rc < 0)
		cts_results_free(s);
	return rc;
}

int cts_results_read_json(const char *path, struct cts_result_set *s, char *err,
			  size_t errlen)
{
	struct stat st;
	char why[256];
	char *buf;
	size_t n;
	FILE *f;
	int rc;

	cts_results_init(s);
	f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fileno(f), &st) < 0 || st.st_size < 0 ||
	    (unsigned long long)st.st_size > JSON_FILE_MAX) {
		fclose(f);
		snprintf(err, errlen,
			 "%s: not a readable file of at most %u "
			 "bytes",
			 path, JSON_FILE_MAX);
		return -1;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		fclose(f);
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	n = fread(buf, 1, (size_t)st.st_size + 1, f);
	if (ferror(f) || n > (size_t)st.st_size) {
		snprintf(err, errlen, "%s: %s", path,
			 ferror(f) ? "read error" : "file grew while read");
		rc = -1;
	} else {
		rc = cts_results_from_json(buf, n, s, why, sizeof(why));
		if (rc < 0)
			snprintf(err, errlen, "%s: %s", path, why);
	}
	free(buf);
	fclose(f);
	return rc;
}
