/* test_logstats.c: lesson 10's suites (case A). `correct` compares logstats_analyze's report
 * with the simple analyser below on seeded logs and on lines written by hand, and checks the
 * histogram's stated error bound; `budget` checks instructions, allocations and peak heap
 * against lesson.ini, and that allocations do not grow with the log. */
#include <criterion/criterion.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc_count.h"
#include "budget.h"
#include "logstats.h"
#include "logstats_input.h"
#include "prng.h"

/* {=== the simple analyser: obviously correct and slow; the behaviour to match ===} */
struct entry {
	char key[256];
	uint64_t n, bytes;
	uint32_t *us;
};

static int by_count(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	return x->n != y->n ? (x->n > y->n ? -1 : 1) : strcmp(x->key, y->key);
}

static int by_value(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

/* The entry called key in es[0..*n), added if new (es has room for every line). */
static struct entry *find(struct entry *es, size_t *n, const char *key, size_t len)
{
	for (size_t i = 0; i < *n; i++)
		if (strlen(es[i].key) == len && memcmp(es[i].key, key, len) == 0)
			return &es[i];
	memcpy(es[*n].key, key, len);
	return &es[(*n)++];
}

static uint32_t rounded(const struct entry *e, uint64_t per_mille)
{
	return logstats_bucket_high(logstats_bucket(e->us[(e->n * per_mille + 999) / 1000 - 1]));
}

/* The report of text (NUL-terminated), in a new string. */
static char *simple_report(const char *text, size_t top_k)
{
	size_t lines = 0, bad = 0, n_ep = 0, n_cl = 0, cap = 1;
	for (const char *p = text; (p = strchr(p, '\n')) != NULL; p++)
		cap++;
	uint64_t requests = 0, bytes = 0, status[1000] = {0};
	struct entry *ep = calloc(cap, sizeof *ep), *cl = calloc(cap, sizeof *cl);
	for (const char *p = text; *p != '\0'; p = strchr(p, '\n') + 1, lines++) {
		char line[1024], addr[256], req[256];
		unsigned code, s, us;
		uint64_t b;
		snprintf(line, sizeof line, "%.*s", (int)strcspn(p, "\n"), p);
		if (sscanf(line,
		           "%255s - %*s [%*[^]]] \"%255[^\"]\" %u %" SCNu64
		           " \"%*[^\"]\" \"%*[^\"]\" "
		           "%u.%u",
		           addr, req, &code, &b, &s, &us) != 6) {
			bad++;
			continue;
		}
		size_t key = strcspn(req, "?"), first = strcspn(req, " ");
		if (req[first] == ' ' && first + 1 + strcspn(req + first + 1, " ") < key)
			key = first + 1 + strcspn(req + first + 1, " ");
		struct entry *e = find(ep, &n_ep, req, key);
		e->us = realloc(e->us, (e->n + 1) * sizeof *e->us);
		e->us[e->n++] = s * 1000000 + us;
		e->bytes += b;
		find(cl, &n_cl, addr, strlen(addr))->n++;
		requests++, bytes += b, status[code]++;
	}
	char *out;
	size_t len;
	FILE *f = open_memstream(&out, &len);
	fprintf(f, "lines %zu malformed %zu\nrequests %" PRIu64 " bytes %" PRIu64 "\n", lines, bad,
	        requests, bytes);
	for (unsigned c = 0; c < 1000; c++)
		if (status[c])
			fprintf(f, "status %u %" PRIu64 "\n", c, status[c]);
	qsort(ep, n_ep, sizeof *ep, by_count);
	for (struct entry *e = ep; e < ep + n_ep; free(e->us), e++) {
		qsort(e->us, e->n, sizeof *e->us, by_value);
		fprintf(f,
		        "endpoint \"%s\" requests %" PRIu64 " bytes %" PRIu64 " p50_us %" PRIu32
		        " p99_us %" PRIu32 " p999_us %" PRIu32 "\n",
		        e->key, e->n, e->bytes, rounded(e, 500), rounded(e, 990), rounded(e, 999));
	}
	qsort(cl, n_cl, sizeof *cl, by_count);
	for (size_t i = 0; i < n_cl && i < top_k; i++)
		fprintf(f, "client %s requests %" PRIu64 "\n", cl[i].key, cl[i].n);
	fclose(f);
	free(ep), free(cl);
	return out;
}
/* }=== */

/* Analyses text with logstats_analyze and compares the report with the simple analyser's, line
 * by line (at most 10 mismatches shown). input says what the log is. */
static void expect_report(const char *input, const char *text, unsigned workers, size_t top_k)
{
	size_t len = strlen(text), bad = 0, line = 0;
	int fd = logstats_input_file_of(text, len);
	lseek(fd, (off_t)len / 2, SEEK_SET); /* the engine reads from offset 0 wherever fd is */
	struct logstats_report r = {0};
	char *want = simple_report(text, top_k);
	int rc = logstats_analyze(fd, workers, top_k, &r);
	cr_assert(rc == 0 && r.text != NULL, "%s, %u workers, top %zu: returned %d (%s), text %p",
	          input, workers, top_k, rc, strerror(errno), (void *)r.text);
	for (const char *g = r.text, *w = want; *g != '\0' || *w != '\0'; line++) {
		size_t gl = strcspn(g, "\n"), wl = strcspn(w, "\n");
		if ((gl != wl || memcmp(g, w, gl) != 0) && ++bad <= 10)
			cr_expect_fail("%s, %u workers, top %zu: report line %zu (from 0):\n  got  "
			               "%.*s\n  want %.*s",
			               input, workers, top_k, line, (int)gl, g, (int)wl, w);
		g += gl + (g[gl] == '\n');
		w += wl + (w[wl] == '\n');
	}
	cr_assert(bad == 0 && strlen(r.text) == r.len,
	          "%s: %zu report lines differ (at most 10 shown); len %zu, strlen(text) %zu",
	          input, bad, r.len, strlen(r.text));
	logstats_report_free(&r);
	cr_assert(r.text == NULL && r.len == 0,
	          "logstats_report_free: got {%p, %zu}, want {NULL, 0}", (void *)r.text, r.len);
	free(want);
	close(fd);
}

TestSuite(correct, .timeout = 20);

Test(correct, matches_simple_analyser_on_seeded_logs)
{
	static const unsigned workers[] = {1, 2, 3};
	for (uint64_t seed = 1; seed <= 2; seed++) {
		struct logstats_input in;
		char input[64];
		logstats_input_make(&in, 3000, seed);
		snprintf(input, sizeof input, "seeded log, 3000 lines, seed %" PRIu64, seed);
		for (size_t w = 0; w < 3; w++)
			expect_report(input, in.text, workers[w], w == 2 ? 1000 : 10);
		logstats_input_free(&in);
	}
}

#define LINE(addr, request, tail)                                                                  \
	addr " - - [26/Nov/2026:13:10:08 +0000] \"" request "\" " tail "\n"

Test(correct, cuts_every_line_short_at_every_byte_as_malformed)
{
	static const char full[] = LINE("10.0.0.1", "GET /a?x=1 HTTP/1.1",
	                                "200 5120 \"https://shop.test/\" \"curl/8.4.0\" 0.000873");
	char text[sizeof full * 2], input[64];
	size_t last_quote = strrchr(full, '"') - full;
	for (size_t cut = 0; cut < last_quote; cut++) {
		snprintf(text, sizeof text, "%.*s\n%s", (int)cut, full, full);
		snprintf(input, sizeof input, "a line cut after %zu bytes, then a whole one", cut);
		expect_report(input, text, 1, 10);
	}
}

Test(correct, keys_endpoints_by_method_and_path_without_query)
{
	static const char text[] =
	    LINE("10.0.0.1", "GET /a?x=1 HTTP/1.1", "200 1 \"-\" \"-\" 0.000001")
	        LINE("10.0.0.1", "GET /a HTTP/2.0", "200 2 \"-\" \"-\" 0.000002")
	            LINE("10.0.0.2", "GET /a/b", "404 4 \"-\" \"-\" 0.000003")
	                LINE("10.0.0.2", "-", "400 0 \"-\" \"-\" 0.000004")
	                    LINE("10.0.0.3", "\\x16\\x03\\x01\\x02", "400 157 \"-\" \"-\" 1.000000")
	                        LINE("2001:db8::1", "GET ?", "400 8 \"-\" \"-\" 0.000128")
	                            LINE("::1", "GET /a b c", "200 16 \"-\" \"-\" 0.000129")
	                                LINE("2001:0db8:85a3:0000:0000:8a2e:0370:7334", "GET /a",
	                                     "200 32 \"-\" \"-\" 0.000130");
	expect_report("GET /a?x=1, GET /a, GET /a/b, -, \\x16\\x03..., GET ?, GET /a b c, and a "
	              "39-byte address",
	              text, 1, 10);
}

Test(correct, reports_percentiles_by_nearest_rank_in_buckets)
{
	/* one sample: every percentile is it; 200 and 20000 us round to 201 and 20223 */
	expect_report("one request of 200 us",
	              LINE("1.1.1.1", "GET / HTTP/1.1", "200 1 \"-\" \"-\" 0.000200"), 1, 10);
	char *text = malloc(1000 * 160), *p = text;
	for (unsigned i = 1; i <= 1000; i++) /* latencies 1000..1 us: p50 500, p99 990, p999 999 */
		p += sprintf(p, LINE("1.1.1.1", "GET / HTTP/1.1", "200 1 \"-\" \"-\" 0.%06u"),
		             1001 - i);
	expect_report("1000 requests of 1000, 999 .. 1 us", text, 1, 10);
	p = text;
	for (unsigned i = 0; i < 3; i++) /* the largest latency and bytes the format allows */
		p += sprintf(p, LINE("1.1.1.1", "GET / HTTP/1.1",
		                     "200 3074457345618258602 \"-\" \"-\" "
		                     "4294.967295"));
	expect_report("3 requests of 4294.967295 s and 3074457345618258602 bytes", text, 1, 10);
	free(text);
}

Test(correct, ranks_ties_by_key_and_takes_top_k_of_any_size)
{
	static const char text[] =
	    LINE("10.0.0.10", "GET /a/b HTTP/1.1", "200 1 \"-\" \"-\" 0.100000")
	        LINE("10.0.0.9", "GET /a HTTP/1.1", "200 1 \"-\" \"-\" 0.100000")
	            LINE("10.0.0.1", "GET /a/ HTTP/1.1", "200 1 \"-\" \"-\" 0.100000")
	                LINE("10.0.0.10", "GET /a HTTP/1.1", "200 1 \"-\" \"-\" 0.100000");
	for (size_t k = 0; k <= 4; k++)
		expect_report("4 requests, ties between endpoints and between clients", text, 1, k);
}

Test(correct, reports_an_empty_log)
{
	expect_report("an empty file", "", 1, 10);
	expect_report("an empty file", "", 4, 10);
	expect_report("one empty line", "\n", 2, 10);
}

Test(correct, histogram_rounds_up_by_less_than_one_sixty_fourth)
{
	struct prng g;
	prng_seed(&g, 10);
	for (uint64_t i = 0; i < 3000000; i++) {
		uint32_t v = i < 2000000 ? (uint32_t)i : (uint32_t)prng_next(&g) >> (i % 32);
		unsigned b = logstats_bucket(v);
		uint32_t h = logstats_bucket_high(b);
		cr_assert(
		    b < LOGSTATS_BUCKETS && v <= h && h - v <= v / 64 && logstats_bucket(h) == b &&
		        (b == 0 || logstats_bucket_high(b - 1) < v),
		    "latency %" PRIu32 ": bucket %u (of %d), reported as %" PRIu32
		    "; want v <= h <= v + v/64, h in the same bucket, the bucket below under v",
		    v, b, LOGSTATS_BUCKETS, h);
	}
	cr_assert(logstats_bucket(UINT32_MAX) == LOGSTATS_BUCKETS - 1 &&
	              logstats_bucket_high(LOGSTATS_BUCKETS - 1) == UINT32_MAX,
	          "the last bucket: got %u and %" PRIu32 ", want %d and %" PRIu32,
	          logstats_bucket(UINT32_MAX), logstats_bucket_high(LOGSTATS_BUCKETS - 1),
	          LOGSTATS_BUCKETS - 1, UINT32_MAX);
}

/* {=== budget: limits from lesson.ini; a failure says the value, the budget, where to look ===} */

/* Allocation calls of one analysis of the first `lines` lines of seed 1. */
static uint64_t allocations_for(size_t lines)
{
	struct logstats_input in;
	struct logstats_report r = {0};
	logstats_input_make(&in, lines, 1);
	struct alloc_counts before = alloc_count_now();
	cr_assert(logstats_analyze(in.fd, 1, 10, &r) == 0, "%zu lines: %s", lines, strerror(errno));
	uint64_t n = alloc_count_delta(before, alloc_count_now()).allocations;
	logstats_report_free(&r);
	logstats_input_free(&in);
	return n;
}

Test(budget, allocations_do_not_grow_with_the_log)
{
	if (!alloc_count_available())
		cr_skip_test(
		    "no allocation counter in this build (sanitizers); the count build has one");
	uint64_t small = allocations_for(2000), large = allocations_for(8000);
	double per_1000 = (double)(large - small) / 6;
	cr_assert(per_1000 <= 2,
	          "allocations in logstats_analyze(): %.1f per 1000 lines (budget: 2; "
	          "%" PRIu64 " for 2000 lines, %" PRIu64 " for 8000) — see README "
	          "\"Zero-allocation parsing\"",
	          per_1000, small, large);
}

Test(budget, instructions_within_budget)
{
	budget_skip_off_reference_arch("instruction");
	budget_expect_within("instructions", "What's slow");
}

Test(budget, allocations_within_budget)
{
	budget_expect_within("allocations", "Zero-allocation parsing");
}

Test(budget, peak_heap_within_budget)
{
	budget_expect_within("peak_heap", "Histograms, not samples");
}

/* massif counts malloc's heap, not mmap: a version that touched 64 MiB it had mapped itself kept
 * peak_heap "ok". The process's peak resident set natively, at the region's end, sees every
 * page, however it was got. It also holds what the bench had before the region (the log, made
 * in memory: about 5 MB), so this is a cap against gross waste, not a measure of the engine. */
Test(budget, native_peak_rss_within_budget)
{
	double budget = budget_of("logstats_native_max_rss");
	struct native_result r;
	budget_measure_native(&r);
	cr_assert(r.max_rss <= budget,
	          "peak resident set natively at the end of the region: %lld bytes (budget: %.0f; "
	          "memory from mmap counts here, not in peak_heap) — see README \"Histograms, not "
	          "samples\"",
	          r.max_rss, budget);
}
/* }=== */
