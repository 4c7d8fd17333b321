/* json_read.c: a recursive-descent JSON reader (RFC 8259) for reports the grader wrote itself;
 * it still refuses anything malformed, since a student's code could have written into them. */
#include "json_read.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 32

struct parser {
	const char *p, *end;
	char *err;
	size_t errlen;
	int failed;
};

static void fail(struct parser *ps, const char *fmt, ...)
{
	if (ps->failed)
		return;
	ps->failed = 1;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ps->err, ps->errlen, fmt, ap);
	va_end(ap);
}

static void skip_space(struct parser *ps)
{
	while (ps->p < ps->end &&
	       (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
		ps->p++;
}

static int literal(struct parser *ps, const char *word)
{
	size_t n = strlen(word);
	if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0)
		return 0;
	ps->p += n;
	return 1;
}

static void put_utf8(char *out, size_t *len, unsigned cp)
{
	if (cp < 0x80) {
		out[(*len)++] = (char)cp;
	} else if (cp < 0x800) {
		out[(*len)++] = (char)(0xC0 | cp >> 6);
		out[(*len)++] = (char)(0x80 | (cp & 0x3F));
	} else {
		out[(*len)++] = (char)(0xE0 | cp >> 12);
		out[(*len)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[(*len)++] = (char)(0x80 | (cp & 0x3F));
	}
}

/* A string starting at the opening quote; malloc'd, escapes decoded (surrogates as U+FFFD). */
static char *parse_string(struct parser *ps)
{
	ps->p++;
	char *out = malloc((size_t)(ps->end - ps->p) * 3 + 1);
	size_t len = 0;
	while (out != NULL && ps->p < ps->end && *ps->p != '"') {
		unsigned char c = (unsigned char)*ps->p++;
		if (c < 0x20) {
			fail(ps, "a control character inside a string");
			break;
		}
		if (c != '\\') {
			out[len++] = (char)c;
			continue;
		}
		if (ps->p >= ps->end)
			break;
		char e = *ps->p++;
		const char *simple = strchr("\"\\/bfnrt", e);
		if (simple != NULL && e != '\0') {
			out[len++] = "\"\\/\b\f\n\r\t"[simple - "\"\\/bfnrt"];
		} else if (e == 'u' && ps->end - ps->p >= 4) {
			char hex[5] = {0};
			memcpy(hex, ps->p, 4);
			char *stop;
			unsigned cp = (unsigned)strtoul(hex, &stop, 16);
			if (*stop != '\0') {
				fail(ps, "a bad \\u escape");
				break;
			}
			ps->p += 4;
			put_utf8(out, &len, cp >= 0xD800 && cp <= 0xDFFF ? 0xFFFD : cp);
		} else {
			fail(ps, "a bad escape '\\%c'", e);
			break;
		}
	}
	if (out == NULL || ps->failed || ps->p >= ps->end) {
		fail(ps, "an unterminated string");
		free(out);
		return NULL;
	}
	ps->p++;
	out[len] = '\0';
	return out;
}

static int parse_value(struct parser *ps, struct json_value *v, int depth);

/* Arrays and objects: members appended one by one, grown by doubling. */
static int parse_container(struct parser *ps, struct json_value *v, int depth, char close)
{
	size_t cap = 0;
	ps->p++;
	skip_space(ps);
	if (ps->p < ps->end && *ps->p == close) {
		ps->p++;
		return 0;
	}
	for (;;) {
		if (v->n == cap) {
			cap = cap ? cap * 2 : 8;
			struct json_value *items = realloc(v->items, cap * sizeof *items);
			char **keys = close == '}' ? realloc(v->keys, cap * sizeof *keys) : NULL;
			if (items)
				v->items = items;
			if (keys)
				v->keys = keys;
			if (!items || (close == '}' && !keys)) {
				fail(ps, "out of memory");
				return -1;
			}
		}
		skip_space(ps);
		if (close == '}') {
			if (ps->p >= ps->end || *ps->p != '"') {
				fail(ps, "an object key is not a string");
				return -1;
			}
			v->keys[v->n] = parse_string(ps);
			if (v->keys[v->n] == NULL)
				return -1;
			skip_space(ps);
			if (ps->p >= ps->end || *ps->p++ != ':') {
				free(v->keys[v->n]);
				fail(ps, "a missing ':' after an object key");
				return -1;
			}
		}
		memset(&v->items[v->n], 0, sizeof v->items[v->n]);
		int rc = parse_value(ps, &v->items[v->n], depth + 1);
		v->n++; /* counted even when it failed: json_free frees what it holds */
		if (rc != 0)
			return -1;
		skip_space(ps);
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		if (ps->p < ps->end && *ps->p == close) {
			ps->p++;
			return 0;
		}
		fail(ps, "a missing ',' or '%c'", close);
		return -1;
	}
}

static int parse_value(struct parser *ps, struct json_value *v, int depth)
{
	skip_space(ps);
	if (depth > MAX_DEPTH) {
		fail(ps, "nested deeper than %d", MAX_DEPTH);
		return -1;
	}
	if (ps->p >= ps->end) {
		fail(ps, "the text ends where a value should be");
		return -1;
	}
	char c = *ps->p;
	if (c == '{' || c == '[') {
		v->type = c == '{' ? JSON_OBJECT : JSON_ARRAY;
		return parse_container(ps, v, depth, c == '{' ? '}' : ']');
	}
	if (c == '"') {
		v->type = JSON_STRING;
		return (v->string = parse_string(ps)) ? 0 : -1;
	}
	if (literal(ps, "null"))
		return v->type = JSON_NULL, 0;
	if (literal(ps, "true") || literal(ps, "false")) {
		v->type = JSON_BOOL;
		v->number = ps->p[-1] == 'e' && ps->p[-2] == 'u';
		return 0;
	}
	char buf[64];
	size_t n = 0;
	while (ps->p + n < ps->end && n + 1 < sizeof buf && strchr("+-0123456789.eE", ps->p[n]) &&
	       ps->p[n] != '\0')
		n++;
	memcpy(buf, ps->p, n);
	buf[n] = '\0';
	char *stop;
	v->type = JSON_NUMBER;
	v->number = strtod(buf, &stop);
	if (n == 0 || *stop != '\0') {
		fail(ps, "an unexpected character '%c'", c);
		return -1;
	}
	ps->p += n;
	return 0;
}

static void free_members(struct json_value *v)
{
	for (size_t i = 0; i < v->n; i++) {
		free_members(&v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->string);
}

void json_free(struct json_value *v)
{
	if (v == NULL)
		return;
	free_members(v);
	free(v);
}

struct json_value *json_parse(const char *text, size_t len, char *err, size_t errlen)
{
	struct parser ps = {.p = text, .end = text + len, .err = err, .errlen = errlen};
	struct json_value *v = calloc(1, sizeof *v);
	if (v == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (parse_value(&ps, v, 0) == 0) {
		skip_space(&ps);
		if (ps.p != ps.end)
			fail(&ps, "%zu bytes after the value", (size_t)(ps.end - ps.p));
	}
	if (ps.failed) {
		json_free(v);
		return NULL;
	}
	return v;
}

const struct json_value *json_get(const struct json_value *v, const char *key)
{
	if (v == NULL || v->type != JSON_OBJECT)
		return NULL;
	for (size_t i = 0; i < v->n; i++)
		if (strcmp(v->keys[i], key) == 0)
			return &v->items[i];
	return NULL;
}

double json_number_or(const struct json_value *v, const char *key, double fallback)
{
	const struct json_value *m = json_get(v, key);
	return m && m->type == JSON_NUMBER ? m->number : fallback;
}

int json_is_true(const struct json_value *v, const char *key)
{
	const struct json_value *b = json_get(v, key);
	return b != NULL && b->type == JSON_BOOL && b->number != 0;
}

const char *json_string_or(const struct json_value *v, const char *key, const char *fallback)
{
	const struct json_value *m = json_get(v, key);
	return m && m->type == JSON_STRING ? m->string : fallback;
}
