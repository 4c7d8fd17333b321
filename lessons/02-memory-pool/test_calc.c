/* test_calc.c: lesson 02's suites. `correct` checks the pool, the arena and the service (its
 * responses against the simple evaluator below, which needs no tree); `budget` checks
 * allocations, instructions and peak memory against lesson.ini. */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc_count.h"
#include "budget.h"
#include "calc.h"
#include "calc_input.h"

/* {=== the simple evaluator: reads a formula and computes its response, no tree ===} */
struct simple {
	uint64_t value, nodes, depth;
};

static struct simple simple_formula(const char **s)
{
	if (**s != '(') {
		int negative = **s == '-';
		uint64_t v = 0;
		for (*s += negative; **s >= '0' && **s <= '9'; ++*s)
			v = v * 10 + (uint64_t)(**s - '0');
		return (struct simple){negative ? 0 - v : v, 1, 1};
	}
	char op[4] = {0};
	size_t n = strcspn(++*s, " ");
	memcpy(op, *s, n < 3 ? n : 3);
	*s += n;
	struct simple r = {0, 1, 0};
	for (int first = 1; **s == ' '; first = 0) {
		++*s;
		struct simple k = simple_formula(s);
		r.nodes += k.nodes;
		r.depth = k.depth > r.depth ? k.depth : r.depth;
		if (first)
			r.value = k.value;
		else if (!strcmp(op, "+"))
			r.value += k.value;
		else if (!strcmp(op, "-"))
			r.value -= k.value;
		else if (!strcmp(op, "*"))
			r.value *= k.value;
		else if (!strcmp(op, "max") ? (int64_t)k.value > (int64_t)r.value
		                            : (int64_t)k.value < (int64_t)r.value)
			r.value = k.value;
		if (first && !strcmp(op, "-") && **s != ' ')
			r.value = 0 - r.value;
	}
	++*s; /* ')' */
	r.depth++;
	return r;
}

/* The responses to every request of text, in a new string. */
static char *simple_responses(const char *text, size_t len)
{
	char *out;
	size_t out_len;
	FILE *f = open_memstream(&out, &out_len);
	for (const char *s = text; s < text + len; s++) {
		unsigned long long id = strtoull(s, (char **)&s, 10);
		s++;
		struct simple r = simple_formula(&s);
		fprintf(f,
		        "{\"id\":%llu,\"value\":%" PRId64 ",\"nodes\":%" PRIu64
		        ",\"depth\":%" PRIu64 "}\n",
		        id, (int64_t)r.value, r.nodes, r.depth);
	}
	fclose(f);
	return out;
}
/* }=== */

/* Handles every request of text with c (opened on a new file of it) and compares the responses
 * with the simple evaluator's, line by line (at most 10 mismatches reported). */
static void expect_responses_with(struct calc *c, const char *input, const char *text, size_t len)
{
	char *want = simple_responses(text, len), *w = want;
	int fd = calc_input_file_of(text, len);
	cr_assert(calc_open(c, fd) == 0, "%s: calc_open failed", input);
	const char *got;
	size_t got_len, line = 0, bad = 0;
	int rc;
	while ((rc = calc_build(c)) == 1) {
		cr_assert(calc_respond(c, &got, &got_len) == 0, "%s: calc_respond failed", input);
		size_t wl = strcspn(w, "\n") + (*w != '\0');
		if ((wl != got_len || memcmp(got, w, wl) != 0) && ++bad <= 10)
			cr_expect_fail("%s: request %zu (from 0):\n  got  %.*s\n  want %.*s", input,
			               line, (int)got_len, got, (int)wl, w);
		w += wl;
		line++;
		calc_release(c);
	}
	cr_assert(rc == 0, "%s: calc_build returned %d after %zu requests", input, rc, line);
	cr_assert(bad == 0 && *w == '\0',
	          "%s: %zu responses differ, %zu handled, %zu left unhandled", input, bad, line,
	          (size_t)(want + strlen(want) - w));
	close(fd);
	free(want);
}

static void expect_responses(const char *input, const char *text)
{
	struct calc *c = calc_create();
	cr_assert(c != NULL, "calc_create returned NULL");
	expect_responses_with(c, input, text, strlen(text));
	calc_destroy(c);
}

TestSuite(correct, .timeout = 20);

Test(correct, answers_like_the_simple_evaluator_on_seeded_requests)
{
	for (uint64_t seed = 1; seed <= 2; seed++) {
		struct calc_input in;
		char input[64];
		calc_input_make(&in, 1000, seed);
		snprintf(input, sizeof input, "1000 requests of seed %" PRIu64, seed);
		expect_responses(input, in.text);
		calc_input_free(&in);
	}
}

Test(correct, evaluates_every_op_and_wraps_around)
{
	expect_responses("one of each op", "1 (+ 1 2 3)\n2 (- 5)\n3 (- 10 3 2)\n4 (* -2 3 4)\n"
	                                   "5 (max -1 -7 -3)\n6 (min 4 -2 9)\n7 42\n8 -0\n");
	expect_responses("int64 wraps", "18446744073709551615 (* 999999999999999999 "
	                                "999999999999999999 999999999999999999)\n"
	                                "9 (- (- 999999999999999999) 999999999999999999 "
	                                "999999999999999999 999999999999999999 "
	                                "999999999999999999 999999999999999999 "
	                                "999999999999999999 999999999999999999 "
	                                "999999999999999999 999999999999999999)\n");
	expect_responses("an answer by hand", "17 (+ 3 (* -4 5) (max 1 2 3))\n");
	struct calc *c = calc_create();
	const char *got;
	size_t len;
	int fd = calc_input_file_of("17 (+ 3 (* -4 5) (max 1 2 3))\n", 30);
	cr_assert(calc_open(c, fd) == 0 && calc_build(c) == 1 && calc_respond(c, &got, &len) == 0);
	const char *want = "{\"id\":17,\"value\":-14,\"nodes\":9,\"depth\":3}\n";
	cr_assert(len == strlen(want) && memcmp(got, want, len) == 0, "got %.*s  want %s", (int)len,
	          got, want);
	calc_destroy(c);
	close(fd);
}

/* A formula nested depth deep, or one op with width operands, in a new string. */
static char *big_request(int depth, int width)
{
	size_t cap = 32 + (size_t)depth * 8 + (size_t)width * 8;
	char *s = malloc(cap), *p = s + sprintf(s, "5 ");
	for (int i = 1; i < depth; i++)
		p += sprintf(p, "(%s ", i % 2 ? "+" : "min");
	p += sprintf(p, "(max");
	for (int i = 0; i < width; i++)
		p += sprintf(p, " %d", (i * 7919) % 1000 - 500);
	p += sprintf(p, ")");
	for (int i = 1; i < depth; i++)
		p += sprintf(p, ")");
	sprintf(p, "\n");
	return s;
}

Test(correct, handles_deep_wide_and_large_formulas)
{
	char *deep = big_request(64, 2), *wide = big_request(1, 5000);
	expect_responses("a formula 64 deep", deep);
	expect_responses("one max of 5000 operands", wide);
	free(deep);
	free(wide);
}

Test(correct, reads_files_of_any_size_and_can_be_opened_again)
{
	struct calc *c = calc_create();
	cr_assert(c != NULL);
	expect_responses_with(c, "an empty file", "", 0);
	/* a file that ends exactly on a page boundary */
	char page[8192];
	size_t n = 0;
	for (int id = 0; n + 40 < sizeof page; id++)
		n += (size_t)sprintf(page + n, "%d (+ %d 1)\n", id, id);
	size_t left = sizeof page - n; /* the last line: "1 (+ 1 1 ... 1)\n" or "12 (+ ...)\n" */
	n += (size_t)sprintf(page + n, left % 2 ? "12 (+" : "1 (+");
	while (sizeof page - n > 2)
		n += (size_t)sprintf(page + n, " 1");
	memcpy(page + n, ")\n", 2);
	expect_responses_with(c, "8192 bytes, the last line padded", page, sizeof page);
	struct calc_input in;
	calc_input_make(&in, 500, 3);
	expect_responses_with(c, "500 requests of seed 3, opened after two files", in.text, in.len);
	calc_input_free(&in);
	calc_destroy(c);
}

Test(correct, pool_hands_out_distinct_aligned_objects_and_takes_them_back)
{
	for (size_t size = 1; size <= 4096; size = size * 3 + 1) {
		struct pool *p = pool_create(size);
		cr_assert(p != NULL, "pool_create(%zu) returned NULL", size);
		unsigned char *o[300];
		for (int round = 0; round < 3; round++) {
			for (int i = 0; i < 300; i++) {
				o[i] = pool_get(p);
				cr_assert(o[i] != NULL && (uintptr_t)o[i] % 16 == 0,
				          "pool of %zu: object %d at %p: want non-NULL, 16-aligned",
				          size, i, (void *)o[i]);
				memset(o[i], i & 0xff, size);
			}
			for (int i = 0; i < 300; i++)
				for (size_t b = 0; b < size; b += size / 4 + 1)
					cr_assert(o[i][b] == (i & 0xff),
					          "pool of %zu, round %d: object %d byte %zu was "
					          "overwritten"
					          " (objects overlap)",
					          size, round, i, b);
			for (int i = round; i < 300; i++) /* round 1 and 2 keep a few out */
				pool_put(p, o[i]);
		}
		pool_put(p, NULL);
		pool_destroy(p); /* objects still handed out are released too (ASan checks) */
	}
	pool_destroy(NULL);
}

Test(correct, arena_hands_out_aligned_separate_memory_until_reset)
{
	struct arena *a = arena_create();
	cr_assert(a != NULL, "arena_create returned NULL");
	static const size_t sizes[] = {0, 1, 7, 16, 24, 100, 4000, 70000, 1 << 20, 3};
	for (int round = 0; round < 3; round++) {
		unsigned char *p[200];
		for (int i = 0; i < 200; i++) {
			size_t size = sizes[i % 10];
			p[i] = arena_alloc(a, size);
			cr_assert(p[i] != NULL && (uintptr_t)p[i] % 16 == 0,
			          "arena_alloc(%zu), call %d: %p: want non-NULL, 16-aligned", size,
			          i, (void *)p[i]);
			memset(p[i], i, size);
		}
		for (int i = 0; i < 200; i++)
			for (size_t b = 0; b < sizes[i % 10]; b += sizes[i % 10] / 3 + 1)
				cr_assert(
				    p[i][b] == (unsigned char)i,
				    "round %d: allocation %d (%zu bytes) byte %zu overwritten",
				    round, i, sizes[i % 10], b);
		arena_reset(a);
	}
	arena_destroy(a);
	arena_destroy(NULL);
}

/* {=== task: the pool and the arena themselves, and the service's native peak ===} */

/* The grade's workload measures the service; a service that needs no tree (it evaluates while
 * it parses) is faster still and uses neither the pool nor the arena. These tests make the pool
 * and the arena graded on their own, by counts the harness takes (the allocation interposer of
 * the count build), not by anything calc.c reports. */
TestSuite(task, .timeout = 20);

#define SKIP_WITHOUT_COUNTER()                                                                     \
	if (!alloc_count_available())                                                              \
	cr_skip_test("no allocation counter in this build (sanitizers); the count build has one")

Test(task, pool_reuses_objects_without_allocating)
{
	SKIP_WITHOUT_COUNTER();
	static const size_t sizes[] = {8, 32, 100};
	for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
		struct pool *p = pool_create(sizes[s]);
		static void *o[4096];
		struct alloc_counts before = alloc_count_now();
		for (int i = 0; i < 4096; i++)
			o[i] = pool_get(p);
		struct alloc_counts first = alloc_count_delta(before, alloc_count_now());
		/* 50 rounds, not 1: a pool that never reuses but bumps through large blocks would
		 * have room for a second round, not for fifty */
		before = alloc_count_now();
		for (int round = 0; round < 50; round++) {
			for (int i = 0; i < 4096; i++)
				pool_put(p, o[i]);
			for (int i = 0; i < 4096; i++)
				o[i] = pool_get(p);
		}
		struct alloc_counts again = alloc_count_delta(before, alloc_count_now());
		before = alloc_count_now();
		pool_destroy(p);
		struct alloc_counts destroyed = alloc_count_delta(before, alloc_count_now());
		cr_assert(
		    first.allocations <= 64 && again.allocations == 0,
		    "pool of %zu-byte objects: %" PRIu64 " allocations (mmap included) for the "
		    "first 4096 pool_get (budget: 64), %" PRIu64 " in 50 rounds of putting them "
		    "back and getting them again (budget: 0) — see README \"Object pool\"",
		    sizes[s], first.allocations, again.allocations);
		cr_assert(destroyed.frees >= first.allocations,
		          "pool of %zu-byte objects: %" PRIu64 " blocks taken, %" PRIu64
		          " given back by pool_destroy",
		          sizes[s], first.allocations, destroyed.frees);
	}
}

Test(task, arena_allocates_in_blocks_and_keeps_them)
{
	SKIP_WITHOUT_COUNTER();
	static const size_t sizes[] = {16, 32, 200};
	for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
		struct arena *a = arena_create();
		uint64_t first = 0, again = 0;
		for (int round = 0; round < 50; round++) { /* 49 after a reset: see the pool's */
			struct alloc_counts before = alloc_count_now();
			for (int i = 0; i < 10000; i++)
				memset(arena_alloc(a, sizes[s]), 1, sizes[s]);
			uint64_t n = alloc_count_delta(before, alloc_count_now()).allocations;
			*(round == 0 ? &first : &again) += n;
			arena_reset(a);
		}
		arena_destroy(a);
		cr_assert(
		    first <= 64 && again == 0,
		    "arena: %" PRIu64 " allocations (mmap included) for 10000 arena_alloc(%zu) "
		    "(budget: 64), %" PRIu64 " for the same 49 times more, each after arena_reset "
		    "(budget: 0) — see README \"Arena\"",
		    first, sizes[s], again);
	}
}

/* A field of /proc/self/status, in KiB (VmRSS, VmHWM); -1 if unreadable. */
static long status_kib(const char *field)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kib = -1;
	size_t n = strlen(field);
	while (f != NULL && fgets(line, sizeof line, f) != NULL)
		if (strncmp(line, field, n) == 0 && line[n] == ':')
			kib = strtol(line + n + 1, NULL, 10);
	if (f != NULL)
		fclose(f);
	return kib;
}

/* Under Valgrind a program can tell it is measured (its own malloc is replaced, mallinfo2 reads
 * zero), so a service could free its trees only there and keep them natively, where massif never
 * looks. Here the peak is taken natively: the resident set's high-water mark (VmHWM, reset
 * through /proc/self/clear_refs) while 10,000 requests of another seed are handled, over the
 * resident set before. A tree lives for one request: the reference's growth is its mapping of
 * the 1.1 MB file and one 64 KiB block; 240,000 nodes kept would be 7 MB or more. */
#define NATIVE_GROWTH_KIB 4096

Test(task, native_peak_memory_stays_flat_across_requests)
{
	SKIP_WITHOUT_COUNTER(); /* sanitizers keep freed memory in quarantine */
	struct calc_input in;
	calc_input_make(&in, 10000, 7);
	int fd = in.fd;
	calc_input_drop_text(&in);
	FILE *reset = fopen("/proc/self/clear_refs", "w");
	cr_assert(reset != NULL && fputs("5", reset) >= 0 && fclose(reset) == 0,
	          "cannot reset the peak resident set (/proc/self/clear_refs)");
	long before = status_kib("VmRSS");
	struct calc *c = calc_create();
	const char *r;
	size_t len, handled = 0;
	cr_assert(c != NULL && calc_open(c, fd) == 0, "calc_create or calc_open failed");
	while (calc_build(c) == 1) {
		cr_assert(calc_respond(c, &r, &len) == 0, "calc_respond failed");
		handled++;
		calc_release(c);
	}
	long peak = status_kib("VmHWM");
	calc_destroy(c);
	close(fd);
	cr_assert(before > 0 && peak > 0, "cannot read VmRSS and VmHWM in /proc/self/status");
	cr_assert(peak - before <= NATIVE_GROWTH_KIB,
	          "%zu requests (1.1 MB): the resident set grew by %ld KiB at its peak, natively "
	          "(budget: %d KiB): trees kept after calc_release — see README \"Peak memory\"",
	          handled, peak - before, NATIVE_GROWTH_KIB);
}
/* }=== */

/* {=== budget: limits from lesson.ini; a failure says the value, the budget, where to look ===} */

Test(budget, no_allocation_per_request_once_warm)
{
	SKIP_WITHOUT_COUNTER();
	struct calc_input in;
	calc_input_make(&in, 1000, 1);
	struct calc *c = calc_create();
	const char *r;
	size_t len, bytes = 0;
	int fd = calc_input_file(&in);
	uint64_t counts[2] = {0, 0};
	for (int round = 0; round < 2; round++) { /* round 0 warms up: buffers reach their size */
		cr_assert(lseek(fd, 0, SEEK_SET) == 0 && calc_open(c, fd) == 0);
		struct alloc_counts before = alloc_count_now();
		while (calc_build(c) == 1) {
			calc_respond(c, &r, &len);
			bytes += len;
			calc_release(c);
		}
		counts[round] = alloc_count_delta(before, alloc_count_now()).allocations;
	}
	calc_destroy(c);
	close(fd);
	calc_input_free(&in);
	cr_assert(counts[1] == 0,
	          "allocations in calc_build, calc_respond and calc_release: %" PRIu64
	          " per 1000 requests (budget: 0) — see README \"Buffer reuse\" (seeded requests, "
	          "seed 1, handled a second time after calc_open; %zu response bytes)",
	          counts[1], bytes);
}

Test(budget, instructions_within_budget)
{
	budget_skip_off_reference_arch("instruction");
	budget_expect_within("instructions", "What's slow");
}

Test(budget, allocations_within_budget)
{
	budget_expect_within("allocations", "Arena");
}

Test(budget, peak_heap_within_budget)
{
	budget_expect_within("peak_heap", "Peak memory");
}
/* }=== */
