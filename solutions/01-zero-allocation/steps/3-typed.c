/* 3-typed.c (lesson 01, step 3 of 4): partial.c with the fields written straight from the typed
 * record: no value boxed on the heap, no callback per field. Still escapes through the extern
 * helper, one call per byte, and formats numbers with snprintf. */
#include "logfmt.h"
#include "logfmt_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LINE_ESTIMATE 256

static void out_of_memory(void)
{
	fputs("logfmt: out of memory\n", stderr);
	abort();
}

/* one buffer for the whole request, reused across calls, grown by doubling */
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

static void put(struct logfmt_buf *out, const char *s, size_t len)
{
	reserve(out, out->len + len + 1);
	memcpy(out->data + out->len, s, len);
	out->len += len;
}

#define PUT(out, literal) put((out), literal, sizeof(literal) - 1)

/* changed: takes the number itself, not a void* to a heap copy of it */
static void put_number(struct logfmt_buf *out, uint64_t value)
{
	char text[24];
	int len = snprintf(text, sizeof text, "%llu", (unsigned long long)value);
	put(out, text, (size_t)len);
}

static void put_ip(struct logfmt_buf *out, uint32_t ip)
{
	char text[24];
	int len = snprintf(text, sizeof text, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 0xff,
	                   (ip >> 8) & 0xff, ip & 0xff);
	put(out, text, (size_t)len);
}

/* changed: takes the string itself; the quotes are part of the literals around it */
static void put_string(struct logfmt_buf *out, const char *s)
{
	char piece[6];

	for (; *s != '\0'; s++)
		put(out, piece, logfmt_escape_char((unsigned char)*s, piece));
}

/* changed: typed fields written in order, no boxed values and no callback per field; the
 * keys are literals, so their lengths are known when this is compiled */
static void render_record(struct logfmt_buf *out, const struct log_record *r)
{
	PUT(out, "{\"ip\":\"");
	put_ip(out, r->ip);
	PUT(out, "\",\"ts\":");
	put_number(out, r->ts);
	PUT(out, ",\"method\":\"");
	put_string(out, r->method);
	PUT(out, "\",\"path\":\"");
	put_string(out, r->path);
	PUT(out, "\",\"status\":");
	put_number(out, r->status);
	PUT(out, ",\"bytes\":");
	put_number(out, r->bytes);
	PUT(out, ",\"latency_us\":");
	put_number(out, r->latency_us);
	PUT(out, ",\"ua\":\"");
	put_string(out, r->ua);
	if (r->referer != NULL) {
		PUT(out, "\",\"referer\":\"");
		put_string(out, r->referer);
	}
	PUT(out, "\"}\n");
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
	reserve(out, n * LINE_ESTIMATE + 1); /* reserve capacity up front */
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
