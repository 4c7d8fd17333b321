/* cheat: reserve a fixed 4 KiB per record instead of bounding each line by its strings
 * Expected: status crashed /renders_strings_of_tens_of_kilobytes/
 * The reference with one change: no strlen of the four strings per record (3% of its
 * instructions, 1.09e7 against 1.12e7); right while a record renders to under 4 KiB, as every
 * record of the bench does. Before the test renders_strings_of_tens_of_kilobytes it scored
 * 100.0; now its 240 KB line runs past the buffer (or, if it does not crash, len >= cap). */
#include "logfmt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* changed: pre-size for a typical line (about 200 bytes here) so a request seldom grows it */
#define LINE_ESTIMATE 256
/* the most a record renders to besides its strings (162 bytes, rounded up) */
#define LINE_FIXED 192

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

/* changed: the escaping helper is static inline in this file, so the compiler inlines it
 * and the common byte costs a compare and a store instead of a call */
static inline char *put_escaped(char *p, const char *s)
{
	static const char hex[] = "0123456789abcdef";

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		if (c >= 0x20 && c != '"' && c != '\\') {
			*p++ = (char)c;
		} else if (c >= 0x20) {
			p[0] = '\\';
			p[1] = (char)c;
			p += 2;
		} else {
			memcpy(p, "\\u00", 4);
			p[4] = hex[c >> 4];
			p[5] = hex[c & 0xf];
			p += 6;
		}
	}
	return p;
}

/* changed: a hand-written decimal formatter instead of snprintf: no format string to parse,
 * no locale, no allocation */
static inline char *put_number(char *p, uint64_t v)
{
	char digits[20];
	int n = 0;

	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	while (n > 0)
		*p++ = digits[--n];
	return p;
}

#define PUT(p, literal) (memcpy((p), literal, sizeof(literal) - 1), (p) + sizeof(literal) - 1)

#if 0
/* The most bytes r can render to: every string byte escaped to \u00XX at worst. */
static size_t line_bound(const struct log_record *r)
{
	size_t strings = strlen(r->method) + strlen(r->path) + strlen(r->ua);
	if (r->referer != NULL)
		strings += strlen(r->referer);
	return LINE_FIXED + 6 * strings;
}
#endif

/* changed: typed fields written in order, no boxed values and no callback per field */
static char *render_record(char *p, const struct log_record *r)
{
	p = PUT(p, "{\"ip\":\"");
	for (int shift = 24; shift > 0; shift -= 8) {
		p = put_number(p, (r->ip >> shift) & 0xff);
		*p++ = '.';
	}
	p = put_number(p, r->ip & 0xff);
	p = put_number(PUT(p, "\",\"ts\":"), r->ts);
	p = put_escaped(PUT(p, ",\"method\":\""), r->method);
	p = put_escaped(PUT(p, "\",\"path\":\""), r->path);
	p = put_number(PUT(p, "\",\"status\":"), r->status);
	p = put_number(PUT(p, ",\"bytes\":"), r->bytes);
	p = put_number(PUT(p, ",\"latency_us\":"), r->latency_us);
	p = put_escaped(PUT(p, ",\"ua\":\""), r->ua);
	if (r->referer != NULL)
		p = put_escaped(PUT(p, "\",\"referer\":\""), r->referer);
	return PUT(p, "\"}\n");
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
		reserve(out, out->len + 4096); /* cheat: no strlen per record; the tests' strings are short */
		out->len = (size_t)(render_record(out->data + out->len, &records[i]) - out->data);
		add_to_summary(sum, &records[i]);
	}
	out->data[out->len] = '\0';
}

void logfmt_buf_free(struct logfmt_buf *out)
{
	free(out->data);
	*out = (struct logfmt_buf){0};
}
