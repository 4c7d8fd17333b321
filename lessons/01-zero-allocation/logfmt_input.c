/* logfmt_input.c: seeded access-log records for lesson 01: realistic tables of paths and user
 * agents with random ids, a few of them carrying quotes, backslashes, control characters or
 * UTF-8, so the JSON escaping is always exercised. */
#include "logfmt_input.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "bench_input.h"
#include "checksum.h"
#include "prng.h"

#define STRING_MAX   256 /* bytes one string may take, its NUL included */
#define FIXED_OUTPUT 192 /* a rendered record without its strings, rounded up (162 at most) */

static const char *const methods[] = {"GET",  "GET", "GET",    "GET",  "GET",   "GET",    "POST",
                                      "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS"};
/* search words; some need escaping in JSON, some are UTF-8 (copied as they are) */
static const char *const words[] = {
    "shoes", "caf\xc3\xa9", "say \"hi\"", "C:\\temp", "tab\there", "red+socks", "\xe6\x97\xa5", "",
};
static const uint16_t statuses[] = {200, 200, 200, 200, 200, 200, 200, 200, 201, 204,
                                    301, 304, 400, 401, 404, 404, 429, 500, 503, 101};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static unsigned id(struct prng *g, unsigned bound)
{
	return (unsigned)prng_below(g, bound);
}

/* Formats one string into the arena and returns it; STRING_MAX - 1 bytes at most. */
__attribute__((format(printf, 2, 3))) static const char *place(char **arena, const char *fmt, ...)
{
	va_list args;
	const char *s = *arena;

	va_start(args, fmt);
	int len = vsnprintf(*arena, STRING_MAX, fmt, args);
	va_end(args);
	*arena += (len < STRING_MAX ? len : STRING_MAX - 1) + 1;
	return s;
}

/* Every random number is drawn in its own statement: the order in which a call's arguments
 * are evaluated is unspecified, and the same seed must give the same records everywhere. */
static const char *make_path(char **arena, struct prng *g)
{
	const char *w = words[id(g, COUNT(words))];
	unsigned kind = id(g, 8);
	unsigned a = id(g, 1u << 20);
	unsigned b = id(g, 20);

	switch (kind) {
	case 0:
		return place(arena, "/api/v1/users/%u", a % 100000);
	case 1:
		return place(arena, "/api/v1/orders/%u/items?page=%u", a, 1 + b % 9);
	case 2:
		return place(arena, "/static/js/app.%08x.js", a * 2654435761u);
	case 3:
		return place(arena, "/img/products/%u/large.webp", a % 50000);
	case 4:
		return place(arena, "/search?q=%s&page=%u", w, b);
	case 5:
		return place(arena, "/health");
	case 6:
		return place(arena, "/blog/%u/%s", 2015 + b % 10, w);
	default:
		return place(arena, "%s", b == 0 ? "" : "/");
	}
}

static const char *make_ua(char **arena, struct prng *g)
{
	unsigned kind = id(g, 9);
	unsigned a = id(g, 1000);
	unsigned b = id(g, 7000);

	switch (kind) {
	case 0:
		return place(arena,
		             "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
		             "(KHTML, like Gecko) Chrome/%u.0.%u.%u Safari/537.36",
		             100 + a % 30, b, a % 200);
	case 1:
		return place(arena,
		             "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
		             "(KHTML, like Gecko) Version/17.%u Safari/605.1.15",
		             a % 6);
	case 2:
		return place(arena,
		             "Mozilla/5.0 (X11; Linux x86_64; rv:%u.0) Gecko/20100101 Firefox/%u.0",
		             110 + a % 20, 110 + b % 20);
	case 3:
		return place(arena, "curl/8.%u.%u", a % 10, b % 3);
	case 4:
		return place(arena, "python-requests/2.%u.%u", 20 + a % 12, b % 5);
	case 5:
		return place(arena, "Googlebot/2.1 (+http://www.google.com/bot.html)");
	case 6:
		return place(arena, "sqlmap/1.%u \"probe\" \\x%02x\\", a % 9, b % 256);
	case 7:
		return place(arena, "Bingbot/2.0\tbatch=%u\r\n", a);
	default:
		return place(arena,
		             "\xc3\x9c"
		             "ber-Client/%u (\xe2\x9c\x93)",
		             a % 100);
	}
}

static void make_record(struct log_record *r, char **arena, struct prng *g, uint64_t i)
{
	r->ip = id(g, 4) == 0 ? (10u << 24) | id(g, 1 << 16) : (uint32_t)prng_next(g);
	r->ts = 1700000000 + i / 40 + id(g, 3);
	r->method = place(arena, "%s", methods[id(g, COUNT(methods))]);
	r->path = make_path(arena, g);
	r->status = statuses[id(g, COUNT(statuses))];
	r->bytes = id(g, 16) == 0 ? 0 : prng_below(g, UINT64_C(1) << (10 + id(g, 14)));
	r->latency_us = 40 + id(g, 1u << (8 + id(g, 16)));
	r->ua = make_ua(arena, g);
	r->referer = NULL;
	if (id(g, 5) < 2) {
		const char *w = words[id(g, COUNT(words))];
		r->referer = place(arena, "https://www.example.com/%s?ref=%u", w, id(g, 1000));
	}
}

static size_t output_bound(const struct log_record *r)
{
	size_t strings = strlen(r->method) + strlen(r->path) + strlen(r->ua);
	if (r->referer != NULL)
		strings += strlen(r->referer);
	return FIXED_OUTPUT + 6 * strings;
}

void logfmt_input_make(struct logfmt_input *in, size_t n, uint64_t seed)
{
	struct prng g;
	size_t max_batches = n / LOGFMT_BATCH_MIN + 1;

	prng_seed(&g, seed);
	in->map_size =
	    n * (sizeof *in->records + 4 * STRING_MAX) + max_batches * sizeof *in->batches;
	in->map = bench_input_alloc(in->map_size);
	in->records = in->map;
	in->batches = (size_t *)(in->records + n);
	in->n = n;
	in->output_bound = 0;
	char *arena = (char *)(in->batches + max_batches);
	for (size_t i = 0; i < n; i++) {
		make_record(&in->records[i], &arena, &g, i);
		in->output_bound += output_bound(&in->records[i]);
	}
	in->n_batches = 0;
	for (size_t left = n; left > 0;) {
		size_t size = LOGFMT_BATCH_MIN + id(&g, LOGFMT_BATCH_MAX - LOGFMT_BATCH_MIN + 1);
		in->batches[in->n_batches++] = size < left ? size : left;
		left -= size < left ? size : left;
	}
}

uint64_t logfmt_input_checksum(uint64_t h, const struct logfmt_summary *sum)
{
	h = checksum_u64(checksum_u64(h, sum->requests), sum->bytes);
	for (int c = 0; c < 6; c++)
		h = checksum_u64(h, sum->status_class[c]);
	return checksum_u64(checksum_u64(h, sum->latency_sum_us), sum->latency_max_us);
}

void logfmt_input_free(struct logfmt_input *in)
{
	bench_input_free(in->map, in->map_size);
	*in = (struct logfmt_input){0};
}
