/* 1-builder.c (lesson 01, step 1 of 4): the skeleton with only the string building fixed. Every
 * piece is appended with memcpy at the known end of one buffer; no strcat, no vasprintf, no
 * temporary strings. Still grows 64 bytes at a time, still boxes every value on the heap,
 * calls a callback per field and escapes through the extern helper. */
#include "logfmt.h"
#include "logfmt_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One member of a JSON object: its name, its value, and how to write the value as JSON. */
struct field {
	const char *name;
	void *value;
	void (*format)(struct logfmt_buf *out, const void *value); /* changed: appends to out */
};

static void *checked(void *p)
{
	if (p == NULL) {
		fputs("logfmt: out of memory\n", stderr);
		abort();
	}
	return p;
}

/* changed: appends with memcpy at the known end (out->len) instead of strlen + strcat from
 * the start; the buffer still grows by small steps (64 bytes), a realloc every few pieces */
#define GROW_STEP 64

static void put(struct logfmt_buf *out, const char *s, size_t len)
{
	if (out->len + len + 1 > out->cap) {
		out->cap = out->len + len + GROW_STEP;
		out->data = checked(realloc(out->data, out->cap));
	}
	memcpy(out->data + out->len, s, len);
	out->len += len;
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

/* changed: snprintf into a stack array, then appended: no string on the heap */
static void format_number(struct logfmt_buf *out, const void *value)
{
	char text[24];
	int len = snprintf(text, sizeof text, "%llu", (unsigned long long)*(const uint64_t *)value);
	put(out, text, (size_t)len);
}

static void format_ip(struct logfmt_buf *out, const void *value)
{
	uint32_t ip = *(const uint32_t *)value;
	char text[24];
	int len = snprintf(text, sizeof text, "\"%u.%u.%u.%u\"", ip >> 24, (ip >> 16) & 0xff,
	                   (ip >> 8) & 0xff, ip & 0xff);
	put(out, text, (size_t)len);
}

static void format_string(struct logfmt_buf *out, const void *value)
{
	const char *in = *(const char *const *)value;
	char piece[6];

	put(out, "\"", 1);
	for (; *in != '\0'; in++)
		put(out, piece, logfmt_escape_char((unsigned char)*in, piece));
	put(out, "\"", 1);
}

static void add_field(struct field **fields, size_t *n, const char *name, void *value,
                      void (*format)(struct logfmt_buf *out, const void *value))
{
	*fields = checked(realloc(*fields, (*n + 1) * sizeof **fields));
	(*fields)[(*n)++] = (struct field){name, value, format};
}

/* changed: appends one record to out instead of returning a new string */
static void render_record(struct logfmt_buf *out, const struct log_record *r)
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

	put(out, "{", 1);
	for (size_t i = 0; i < n; i++) {
		/* changed: the key is appended in pieces instead of formatted into a new string */
		if (i > 0)
			put(out, ",", 1);
		put(out, "\"", 1);
		put(out, fields[i].name, strlen(fields[i].name));
		put(out, "\":", 2);
		fields[i].format(out, fields[i].value);
		free(fields[i].value);
	}
	free(fields);
	put(out, "}\n", 2);
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

void logfmt_render(struct logfmt_buf *out, const struct log_record *records, size_t n,
                   struct logfmt_summary *sum)
{
	/* changed: every record is appended to one buffer; like the skeleton, each call starts
	 * from an empty one */
	free(out->data);
	*out = (struct logfmt_buf){0};
	put(out, "", 0);
	for (size_t i = 0; i < n; i++) {
		render_record(out, &records[i]);
		add_to_summary(sum, &records[i]);
	}
	out->data[out->len] = '\0';
}

void logfmt_buf_free(struct logfmt_buf *out)
{
	free(out->data);
	*out = (struct logfmt_buf){0};
}
