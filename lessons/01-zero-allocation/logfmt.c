/* logfmt.c: renders access-log records as JSON Lines (the contract is in logfmt.h).
 * Correct and readable, and slow: this is the file you make fast. */
#include "logfmt.h"
#include "logfmt_support.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One member of a JSON object: its name, its value, and how to write the value as JSON. */
struct field {
	const char *name;
	void *value;
	char *(*format)(const void *value); /* returns a new string; the caller frees it */
};

static void *checked(void *p)
{
	if (p == NULL) {
		fputs("logfmt: out of memory\n", stderr);
		abort();
	}
	return p;
}

/* printf into a new string the caller frees. */
static char *new_string(const char *fmt, ...)
{
	char *s;
	va_list args;

	va_start(args, fmt);
	int len = vasprintf(&s, fmt, args);
	va_end(args);
	return checked(len < 0 ? NULL : s);
}

/* Appends tail to the string *s, which grows to fit. */
static void append(char **s, const char *tail)
{
	*s = checked(realloc(*s, strlen(*s) + strlen(tail) + 1));
	strcat(*s, tail);
}

static void *box(const void *value, size_t size)
{
	return memcpy(checked(malloc(size)), value, size);
}

static void *box_number(uint64_t value)
{
	return box(&value, sizeof value);
}

static void *box_string(const char *value)
{
	return box(&value, sizeof value);
}

static char *format_number(const void *value)
{
	return new_string("%llu", (unsigned long long)*(const uint64_t *)value);
}

static char *format_ip(const void *value)
{
	uint32_t ip = *(const uint32_t *)value;
	return new_string("\"%u.%u.%u.%u\"", ip >> 24, (ip >> 16) & 0xff, (ip >> 8) & 0xff,
	                  ip & 0xff);
}

static char *format_string(const void *value)
{
	const char *in = *(const char *const *)value;
	char *s = new_string("\"");
	char piece[7];

	for (; *in != '\0'; in++) {
		size_t len = logfmt_escape_char((unsigned char)*in, piece);
		piece[len] = '\0';
		append(&s, piece);
	}
	append(&s, "\"");
	return s;
}

static void add_field(struct field **fields, size_t *n, const char *name, void *value,
                      char *(*format)(const void *value))
{
	*fields = checked(realloc(*fields, (*n + 1) * sizeof **fields));
	(*fields)[(*n)++] = (struct field){name, value, format};
}

/* One record as a JSON object and its newline, in a new string the caller frees.
 * TODO: make this faster */
static char *render_record(const struct log_record *r)
{
	struct field *fields = NULL;
	size_t n = 0;

	add_field(&fields, &n, "ip", box(&r->ip, sizeof r->ip), format_ip);
	add_field(&fields, &n, "ts", box_number(r->ts), format_number);
	add_field(&fields, &n, "method", box_string(r->method), format_string);
	add_field(&fields, &n, "path", box_string(r->path), format_string);
	add_field(&fields, &n, "status", box_number(r->status), format_number);
	add_field(&fields, &n, "bytes", box_number(r->bytes), format_number);
	add_field(&fields, &n, "latency_us", box_number(r->latency_us), format_number);
	add_field(&fields, &n, "ua", box_string(r->ua), format_string);
	if (r->referer != NULL)
		add_field(&fields, &n, "referer", box_string(r->referer), format_string);

	char *line = new_string("{");
	for (size_t i = 0; i < n; i++) {
		char *key = new_string("%s\"%s\":", i > 0 ? "," : "", fields[i].name);
		char *value = fields[i].format(fields[i].value);
		append(&line, key);
		append(&line, value);
		free(key);
		free(value);
		free(fields[i].value);
	}
	free(fields);
	append(&line, "}\n");
	return line;
}

static void add_to_summary(struct logfmt_summary *sum, const struct log_record *r)
{
	sum->requests++;
	sum->bytes += r->bytes;
	sum->status_class[r->status >= 100 && r->status < 600 ? r->status / 100 : 0]++;
	sum->latency_sum_us += r->latency_us;
	if (r->latency_us > sum->latency_max_us)
		sum->latency_max_us = r->latency_us;
}

/* TODO: make this faster; keep the signature */
void logfmt_render(struct logfmt_buf *out, const struct log_record *records, size_t n,
                   struct logfmt_summary *sum)
{
	char *text = new_string("");

	for (size_t i = 0; i < n; i++) {
		char *line = render_record(&records[i]);
		append(&text, line);
		free(line);
		add_to_summary(sum, &records[i]);
	}
	free(out->data);
	out->data = text;
	out->len = strlen(text);
	out->cap = out->len + 1;
}

void logfmt_buf_free(struct logfmt_buf *out)
{
	free(out->data);
	*out = (struct logfmt_buf){0};
}
