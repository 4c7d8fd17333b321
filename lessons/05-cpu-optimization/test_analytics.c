/* test_analytics.c: lesson 05's suites. `correct` compares every kernel with the simple code
 * below, on the AVX2 path and on the forced scalar path in the same run; `budget` checks
 * instructions, cache misses and branch mispredictions against lesson.ini. */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analytics.h"
#include "analytics_input.h"
#include "budget.h"
#include "prng.h"

/* path 0: whatever the CPU runs best; path 1: forced scalar. */
static const char *use_path(int path)
{
	analytics_force_scalar(path);
	if (path == 1)
		return "scalar path";
	return __builtin_cpu_supports("avx2") ? "AVX2 path" : "default path (no AVX2 on this CPU)";
}

static void *checked_malloc(size_t size)
{
	void *p = malloc(size ? size : 1);
	cr_assert(p != NULL, "malloc(%zu) failed", size);
	return p;
}

/* {=== stats ===} */
static struct analytics_stats simple_stats(const struct trade *t, size_t n)
{
	struct analytics_stats s = {.count = n, .price_min = UINT32_MAX, .qty_min = UINT32_MAX};
	for (size_t i = 0; i < n; i++) {
		s.price_sum += t[i].price;
		s.qty_sum += t[i].qty;
		s.notional += (uint64_t)t[i].price * t[i].qty;
		s.price_min = t[i].price < s.price_min ? t[i].price : s.price_min;
		s.price_max = t[i].price > s.price_max ? t[i].price : s.price_max;
		s.qty_min = t[i].qty < s.qty_min ? t[i].qty : s.qty_min;
		s.qty_max = t[i].qty > s.qty_max ? t[i].qty : s.qty_max;
	}
	return s;
}

static void expect_stats(const char *input, const struct trade *trades, size_t n)
{
	struct analytics_stats want = simple_stats(trades, n);
	for (int path = 0; path < 2; path++) {
		const char *name = use_path(path);
		struct analytics_table *t = analytics_load(trades, n);
		struct analytics_stats got;
		memset(&got, 0x5a, sizeof got);
		analytics_stats(t, &got);
		analytics_free(t);
#define FIELD(f)                                                                                   \
	cr_assert((uint64_t)got.f == (uint64_t)want.f,                                             \
	          "%s, n %zu, %s: " #f ": got %" PRIu64 ", want %" PRIu64, input, n, name,         \
	          (uint64_t)got.f, (uint64_t)want.f)
		FIELD(count);
		FIELD(price_sum);
		FIELD(qty_sum);
		FIELD(notional);
		FIELD(price_min);
		FIELD(price_max);
		FIELD(qty_min);
		FIELD(qty_max);
#undef FIELD
	}
}

TestSuite(correct, .timeout = 20);

Test(correct, stats_match_simple_code_on_seeded_trades)
{
	struct analytics_input in;
	analytics_input_make(&in, 100003, 0, 0, 1, 0);
	expect_stats("seeded trades, seed 1", in.trades, in.n);
	for (size_t n = 0; n <= 17; n++)
		expect_stats("the first n seeded trades", in.trades, n);
	analytics_input_free(&in);
}

Test(correct, stats_wrap_sums_and_reach_extreme_values)
{
	struct trade t[40] = {0};
	for (size_t i = 0; i < 40; i++) {
		t[i].price = i % 3 == 0 ? UINT32_MAX : (uint32_t)i * 7;
		t[i].qty = i % 5 == 1 ? 0 : UINT32_MAX - (uint32_t)i;
	}
	for (size_t n = 1; n <= 40; n += 3)
		expect_stats("prices UINT32_MAX or 7i, qtys 0 or UINT32_MAX - i", t, n);
}
/* }=== */

/* {=== select ===} */
static void expect_select(const char *input, const struct trade *trades, size_t n, uint32_t lo,
                          uint32_t hi)
{
	uint32_t *got = checked_malloc(n * 4), *want = checked_malloc(n * 4);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (trades[i].price >= lo && trades[i].price < hi)
			want[k++] = (uint32_t)i;
	for (int path = 0; path < 2; path++) {
		const char *name = use_path(path);
		struct analytics_table *t = analytics_load(trades, n);
		/* got has exactly n entries: ASan sees a write past them */
		size_t found = analytics_select(t, lo, hi, got);
		analytics_free(t);
		cr_assert(found == k,
		          "%s, n %zu, [%" PRIu32 ", %" PRIu32 "), %s: got %zu rows, want %zu",
		          input, n, lo, hi, name, found, k);
		for (size_t i = 0; i < k; i++)
			cr_assert(got[i] == want[i],
			          "%s, n %zu, [%" PRIu32 ", %" PRIu32 "), %s: "
			          "rows[%zu]: got %" PRIu32 ", want %" PRIu32,
			          input, n, lo, hi, name, i, got[i], want[i]);
	}
	free(got);
	free(want);
}

Test(correct, select_matches_simple_code_on_seeded_trades)
{
	struct analytics_input in;
	analytics_input_make(&in, 100003, 0, 0, 2, 0);
	for (int q = 0; q < ANALYTICS_QUERIES; q++)
		expect_select("seeded trades", in.trades, in.n, analytics_queries[q][0],
		              analytics_queries[q][1]);
	expect_select("seeded trades", in.trades, in.n, 0, UINT32_MAX);
	expect_select("seeded trades", in.trades, in.n, 1500000, 1500000);
	expect_select("seeded trades", in.trades, in.n, 1600000, 1200000);
	for (size_t n = 0; n <= 17; n++)
		expect_select("the first n seeded trades", in.trades, n, 1000000, 1500000);
	analytics_input_free(&in);
}

Test(correct, select_handles_extreme_prices_and_ranges)
{
	static const uint32_t prices[] = {0, 1,           UINT32_MAX, UINT32_MAX - 1,
	                                  2, 0x80000000u, 0x7fffffffu};
	static const uint32_t ranges[][2] = {{0, 1},
	                                     {0, UINT32_MAX},
	                                     {1, UINT32_MAX},
	                                     {UINT32_MAX - 1, UINT32_MAX},
	                                     {0x7fffffffu, 0x80000001u},
	                                     {5, 5},
	                                     {UINT32_MAX, 0}};
	struct trade t[37] = {0};
	for (size_t i = 0; i < 37; i++)
		t[i].price = prices[(i * 5) % 7];
	for (size_t r = 0; r < sizeof ranges / sizeof ranges[0]; r++)
		for (size_t n = 1; n <= 37; n += 4)
			expect_select("prices 0, 1, 2, 2^31 - 1, 2^31, UINT32_MAX - 1, UINT32_MAX",
			              t, n, ranges[r][0], ranges[r][1]);
}
/* }=== */

/* {=== count_rows ===} */
static size_t simple_count_rows(const char *text, size_t len)
{
	size_t rows = 0;
	int quoted = 0;
	for (size_t i = 0; i < len; i++)
		if (text[i] == '"')
			quoted = !quoted;
		else if (text[i] == '\n' && !quoted)
			rows++;
	return rows;
}

/* Copies the text into a buffer of exactly len bytes, so ASan sees any read past it. */
static void expect_rows(const char *input, const char *text, size_t len)
{
	char *copy = checked_malloc(len);
	memcpy(copy, text, len);
	size_t want = simple_count_rows(text, len);
	for (int path = 0; path < 2; path++) {
		const char *name = use_path(path);
		size_t got = analytics_count_rows(copy, len);
		cr_assert(got == want, "%s, %zu bytes, %s: got %zu rows, want %zu", input, len,
		          name, got, want);
	}
	free(copy);
}

Test(correct, count_rows_matches_simple_code_on_seeded_csv)
{
	struct analytics_input in;
	analytics_input_make(&in, 0, 1 << 20, 0, 3, 0);
	expect_rows("seeded CSV, 1 MiB", in.text, in.text_len);
	for (size_t start = 0; start < 64; start += 7)
		for (size_t len = 0; len < 300; len += 13)
			expect_rows("a slice of the seeded CSV", in.text + start * 977, len);
	analytics_input_free(&in);
}

Test(correct, count_rows_handles_quotes_anywhere)
{
	static const char alphabet[] = {'a', '\n', '"', ',', '\0', '\n', 'a', 'a'};
	char text[300];
	struct prng g;
	prng_seed(&g, 4);
	for (size_t len = 0; len <= 300; len++) {
		for (size_t i = 0; i < len; i++)
			text[i] = alphabet[prng_below(&g, sizeof alphabet)];
		expect_rows("random bytes from a, \\n, \", comma and NUL", text, len);
	}
	for (size_t at = 0; at < 200; at++) { /* one quote anywhere among newlines */
		memset(text, '\n', 200);
		text[at] = '"';
		expect_rows("200 newlines with one quote", text, 200);
	}
}
/* }=== */

/* {=== transpose and column sums ===} */
Test(correct, transpose_matches_simple_code_for_every_size)
{
	static const size_t sides[] = {0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 33, 64, 100, 257, 1000};
	struct prng g;
	prng_seed(&g, 5);
	for (size_t s = 0; s < sizeof sides / sizeof sides[0]; s++) {
		size_t n = sides[s], cells = n * n;
		/* one element past the start: no alignment beyond uint32_t's; guards after */
		uint32_t *src = checked_malloc((cells + 1) * 4),
		         *dst = checked_malloc((cells + 9) * 4);
		for (size_t i = 0; i < cells; i++)
			src[i + 1] = (uint32_t)prng_next(&g);
		for (int path = 0; path < 2; path++) {
			const char *name = use_path(path);
			memset(dst, 0xee, (cells + 9) * 4);
			analytics_transpose(dst + 1, src + 1, n);
			for (size_t i = 0; i < n; i++)
				for (size_t j = 0; j < n; j++)
					cr_assert(dst[1 + j * n + i] == src[1 + i * n + j],
					          "n %zu, %s: dst[%zu * n + %zu]: got %08" PRIx32
					          ", want src[%zu * n + %zu] = %08" PRIx32,
					          n, name, j, i, dst[1 + j * n + i], i, j,
					          src[1 + i * n + j]);
			for (size_t i = 0; i < 9; i++)
				cr_assert(dst[i ? cells + i : 0] == 0xeeeeeeee,
				          "n %zu, %s: wrote outside dst[0..n*n)", n, name);
		}
		free(src);
		free(dst);
	}
}

Test(correct, column_sums_match_simple_code_for_every_shape)
{
	static const size_t shapes[] = {0, 1, 5, 16, 17, 100};
	static const size_t widths[] = {0, 1, 7, 16, 17, 33, 100};
	struct prng g;
	prng_seed(&g, 6);
	for (size_t a = 0; a < 6; a++)
		for (size_t b = 0; b < 7; b++) {
			size_t rows = shapes[a] * 30, cols = widths[b];
			uint32_t *m = checked_malloc(rows * cols * 4);
			uint64_t *got = checked_malloc(cols * 8), *want = checked_malloc(cols * 8);
			memset(want, 0, cols * 8);
			for (size_t i = 0; i < rows * cols; i++) /* some columns all UINT32_MAX */
				m[i] = i % cols % 3 == 0 ? UINT32_MAX : (uint32_t)prng_next(&g);
			for (size_t i = 0; i < rows * cols; i++)
				want[i % cols] += m[i];
			for (int path = 0; path < 2; path++) {
				const char *name = use_path(path);
				/* garbage first: a kernel must set the sums, not add to them */
				memset(got, 0x77, cols * 8);
				analytics_column_sums(m, rows, cols, got);
				for (size_t c = 0; c < cols; c++)
					cr_assert(got[c] == want[c],
					          "%zu x %zu, %s: sums[%zu]: got %" PRIu64
					          ", want %" PRIu64,
					          rows, cols, name, c, got[c], want[c]);
			}
			free(m);
			free(got);
			free(want);
		}
}
/* }=== */

/* The bench transposes its matrix and then sums the columns of the same matrix. The caller
 * owns the matrix and may change it in between: column sums kept from the transpose and handed
 * back for the same pointer (fewer instructions and misses on the bench) are stale here. */
Test(correct, column_sums_see_the_matrix_as_it_is_now)
{
	enum { N = 64 };
	struct prng g;
	prng_seed(&g, 7);
	uint32_t *m = checked_malloc(N * N * 4), *dst = checked_malloc(N * N * 4);
	uint64_t got[N], want[N];
	for (int path = 0; path < 2; path++) {
		const char *name = use_path(path);
		for (size_t i = 0; i < N * N; i++)
			m[i] = (uint32_t)prng_next(&g);
		analytics_transpose(dst, m, N);
		/* one element changes, anywhere: a check of a few samples cannot see it */
		m[prng_below(&g, N * N)] += 1 + (uint32_t)prng_below(&g, 1000);
		memset(want, 0, sizeof want);
		for (size_t i = 0; i < N * N; i++)
			want[i % N] += m[i];
		analytics_column_sums(m, N, N, got);
		for (size_t c = 0; c < N; c++)
			cr_assert(
			    got[c] == want[c],
			    "64 x 64, transposed, then one element changed, %s: sums[%zu]: got "
			    "%" PRIu64 ", want %" PRIu64 " (the sums of the matrix as it was?)",
			    name, c, got[c], want[c]);
	}
	free(m);
	free(dst);
}

/* {=== budget: limits from lesson.ini; a failure says the value, the budget, where to look ===} */
/* Instruction, cache and branch budgets hold where they were measured. */
static void expect_within_budget(const char *metric, const char *see)
{
	if (!budget_arch_is_reference() || !__builtin_cpu_supports("avx2"))
		cr_skip_test(
		    "%s budgets hold on x86-64 with AVX2 (gcc 12 -O2) only; this is not one",
		    metric);
	budget_expect_within(metric, see);
}

Test(budget, instructions_within_budget)
{
	expect_within_budget("instructions", "SIMD");
}

Test(budget, d1_misses_within_budget)
{
	expect_within_budget("d1_misses", "Layout");
}

Test(budget, ll_misses_within_budget)
{
	expect_within_budget("ll_misses", "Layout");
}

Test(budget, branch_mispredicts_within_budget)
{
	expect_within_budget("branch_mispredicts", "Branches");
}
/* }=== */
