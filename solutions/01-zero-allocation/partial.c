/* partial.c (lesson 01, about half the fixes): renders into one pre-sized buffer reused across
 * calls and keeps the fields in a fixed array, but still boxes every value on the heap, calls
 * a formatting callback per field, escapes through the extern helper and formats numbers
 * with snprintf. */
#include "logfmt.h"
#include "logfmt_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LINE_ESTIMATE 256

struct field {
	const char *name;
	void *value;
	void (*format)(struct logfmt_buf *out, const void *value);
};

static void out_of_memory(void)
{
	fputs("logfmt: out of memory\n", stderr);
	abort();
}

/* changed: one buffer for the whole request, reused across calls, grown by doubling */
static void reserve(struct logfmt_buf *out, size_t need)
{
	if (need <= out->cap)
		return;
	size_t cap = 2 * out->cap > need ? 2 * out->cap : need;
	char *data = realloc(out->data, cap);
	if (data == NULL)
		out_of_memory();
	out->data = data;
	out->cap = cap;
}

/* changed: appends with memcpy at a known end instead of strcat from the start */
static void put(struct logfmt_buf *out, const char *s, size_t len)
{
	reserve(out, out->len + len + 1);
	memcpy(out->data + out->len, s, len);
	out->len += len;
}

static void *box(const void *value, size_t size)
{
	void *copy = malloc(size);
	if (copy == NULL)
		out_of_memory();
	memcpy(copy, value, size);
	return copy;
}

static void *box_number(uint64_t value)
{
	return box(&value, sizeof value);
}

static void *box_string(const char *value)
{
	return box(&value, sizeof value);
}

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

static void render_record(struct logfmt_buf *out, const struct log_record *r)
{
	/* changed: the fields go in a fixed array instead of one grown by realloc */
	struct field fields[] = {
	    {"ip", box(&r->ip, sizeof r->ip), format_ip},
	    {"ts", box_number(r->ts), format_number},
	    {"method", box_string(r->method), format_string},
	    {"path", box_string(r->path), format_string},
	    {"status", box_number(r->status), format_number},
	    {"bytes", box_number(r->bytes), format_number},
	    {"latency_us", box_number(r->latency_us), format_number},
	    {"ua", box_string(r->ua), format_string},
	    {"referer", r->referer != NULL ? box_string(r->referer) : NULL, format_string},
	};
	size_t n = sizeof fields / sizeof fields[0] - (r->referer == NULL);

	put(out, "{", 1);
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			put(out, ",", 1);
		put(out, "\"", 1);
		put(out, fields[i].name, strlen(fields[i].name));
		put(out, "\":", 2);
		fields[i].format(out, fields[i].value);
		free(fields[i].value);
	}
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
	out->len = 0;
	reserve(out, n * LINE_ESTIMATE + 1); /* changed: reserve capacity up front */
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
