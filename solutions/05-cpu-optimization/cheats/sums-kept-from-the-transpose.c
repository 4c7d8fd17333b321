/* cheat: column sums taken during the transpose and handed back when the same matrix is summed
 * Expected: status tests_failed /column_sums_see_the_matrix_as_it_is_now/
 * The reference with one change, made because the bench transposes its matrix and then sums
 * the columns of that same matrix: transpose8 adds the 8 rows it has in registers to the column
 * sums, and analytics_column_sums returns those sums when it is given the pointer and size
 * just transposed, without reading the matrix again. Wrong when the matrix changes in between
 * (the caller owns it). Before the test column_sums_see_the_matrix_as_it_is_now it scored
 * 100.0 with 0.83x the reference's instructions, 0.86x its D1 and 0.78x its LL misses.
 * analytics.c (reference): lesson 05's kernels made fast. The table keeps two columns instead
 * of the records; the filter writes its output without a branch; the matrix is walked in its
 * own order and transposed in tiles; every kernel has an AVX2 path, chosen at run time, beside
 * a portable scalar one; the rare quoted CSV field is handled out of the hot loop. */
#include "analytics.h"

#include <immintrin.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* changed: a structure of arrays: a query reads the 4 bytes per trade it needs, not 64 */
struct analytics_table {
	size_t n;
	uint32_t *price;
	uint32_t *qty;
};

#define ONES  UINT64_C(0x0101010101010101)
#define HIGHS UINT64_C(0x8080808080808080)

static size_t min_size(size_t a, size_t b)
{
	return a < b ? a : b;
}

/* {=== scalar paths: portable C, still cache- and branch-friendly ===} */

static void stats_scalar(const uint32_t *price, const uint32_t *qty, size_t n,
                         struct analytics_stats *s)
{
	struct analytics_stats x = *s; /* locals: s's fields could alias the columns */
	for (size_t i = 0; i < n; i++) {
		uint32_t p = price[i], q = qty[i];
		x.price_sum += p;
		x.qty_sum += q;
		x.notional += (uint64_t)p * q;
		x.price_min = p < x.price_min ? p : x.price_min;
		x.price_max = p > x.price_max ? p : x.price_max;
		x.qty_min = q < x.qty_min ? q : x.qty_min;
		x.qty_max = q > x.qty_max ? q : x.qty_max;
	}
	*s = x;
}

/* changed: no branch on the data: write every index, advance past it only when it matches */
static size_t select_from(const uint32_t *price, size_t n, uint32_t lo, uint32_t width,
                          uint32_t first, uint32_t *rows)
{
	size_t found = 0;
	for (size_t i = 0; i < n; i++) {
		rows[found] = first + (uint32_t)i;
		found += price[i] - lo < width; /* lo <= price < lo + width, in one unsigned test */
	}
	return found;
}

static size_t select_scalar(const uint32_t *price, size_t n, uint32_t lo, uint32_t width,
                            uint32_t *rows)
{
	return select_from(price, n, lo, width, 0, rows);
}

/* The rare case, kept out of the hot loops: text with a quote in it, byte by byte. */
__attribute__((cold, noinline)) static size_t count_rows_slowly(const char *text, size_t len,
                                                                int *quoted)
{
	size_t rows = 0;
	for (size_t i = 0; i < len; i++) {
		if (text[i] == '"')
			*quoted = !*quoted;
		else if (text[i] == '\n' && !*quoted)
			rows++;
	}
	return rows;
}

/* 0x80 in every byte of w equal to c, 0 in the others (exact: no false positives). */
static uint64_t bytes_equal(uint64_t w, unsigned char c)
{
	uint64_t x = w ^ (ONES * c);
	return ~(((x & ~HIGHS) + ~HIGHS) | x) & HIGHS;
}

/* changed: 8 bytes per step (SWAR); a word with a quote, or inside quotes, goes the slow way */
static size_t count_rows_scalar(const char *text, size_t len)
{
	size_t rows = 0, i = 0;
	int quoted = 0;
	for (; i + 8 <= len; i += 8) {
		uint64_t w;
		memcpy(&w, text + i, 8);
		if (__builtin_expect(quoted || bytes_equal(w, '"') != 0, 0))
			rows += count_rows_slowly(text + i, 8, &quoted);
		else /* the newlines' 0x80 bytes, shifted to 0/1 and added up by the multiply */
			rows += (bytes_equal(w, '\n') >> 7) * ONES >> 56;
	}
	return rows + count_rows_slowly(text + i, len - i, &quoted);
}

/* changed: tiles of 8 x 8, written row by row. 8 lines, not 16: the rows of a 2048-wide matrix
 * lie 8 KiB apart, so a column of lines shares one cache set, which holds 8 (12 on Zen 5) */
static void transpose_scalar(uint32_t *dst, const uint32_t *src, size_t n)
{
	for (size_t i0 = 0; i0 < n; i0 += 8)
		for (size_t j0 = 0; j0 < n; j0 += 8)
			for (size_t j = j0; j < min_size(j0 + 8, n); j++)
				for (size_t i = i0; i < min_size(i0 + 8, n); i++)
					dst[j * n + i] = src[i * n + j];
}

/* changed: row by row, as the matrix lies in memory; the sums stay in the L1 cache */
static void column_sums_scalar(const uint32_t *m, size_t rows, size_t cols, uint64_t *sums)
{
	memset(sums, 0, cols * sizeof *sums);
	for (size_t r = 0; r < rows; r++)
		for (size_t c = 0; c < cols; c++)
			sums[c] += m[r * cols + c];
}

/* }=== */

/* {=== AVX2 paths: compiled for AVX2 function by function, called only where the CPU has it ===} */

#define AVX2 __attribute__((target("avx2,popcnt")))

static uint8_t pack_lanes[256][8]; /* for each 8-bit mask: the lanes whose bit is set, in order */

static void build_pack_lanes(void)
{
	for (int mask = 0; mask < 256; mask++)
		for (int lane = 0, k = 0; lane < 8; lane++)
			if (mask & (1 << lane))
				pack_lanes[mask][k++] = (uint8_t)lane;
}

AVX2 static uint64_t horizontal_sum(__m256i v)
{
	uint64_t x[4];
	_mm256_storeu_si256((__m256i *)x, v);
	return x[0] + x[1] + x[2] + x[3];
}

AVX2 static void stats_avx2(const uint32_t *price, const uint32_t *qty, size_t n,
                            struct analytics_stats *s)
{
	const __m256i low = _mm256_set1_epi64x(0xffffffff);
	__m256i pmin = _mm256_set1_epi32(-1), qmin = pmin, pmax = _mm256_setzero_si256();
	__m256i qmax = pmax, psum = pmax, qsum = pmax, notional = pmax;
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		__m256i p = _mm256_loadu_si256((const __m256i *)(price + i));
		__m256i q = _mm256_loadu_si256((const __m256i *)(qty + i));
		pmin = _mm256_min_epu32(pmin, p);
		pmax = _mm256_max_epu32(pmax, p);
		qmin = _mm256_min_epu32(qmin, q);
		qmax = _mm256_max_epu32(qmax, q);
		/* 64-bit sums: even lanes masked, odd lanes shifted down */
		__m256i p_odd = _mm256_srli_epi64(p, 32), q_odd = _mm256_srli_epi64(q, 32);
		psum = _mm256_add_epi64(psum, _mm256_add_epi64(_mm256_and_si256(p, low), p_odd));
		qsum = _mm256_add_epi64(qsum, _mm256_add_epi64(_mm256_and_si256(q, low), q_odd));
		notional =
		    _mm256_add_epi64(notional, _mm256_add_epi64(_mm256_mul_epu32(p, q),
		                                                _mm256_mul_epu32(p_odd, q_odd)));
	}
	uint32_t lanes[4][8];
	_mm256_storeu_si256((__m256i *)lanes[0], pmin);
	_mm256_storeu_si256((__m256i *)lanes[1], pmax);
	_mm256_storeu_si256((__m256i *)lanes[2], qmin);
	_mm256_storeu_si256((__m256i *)lanes[3], qmax);
	for (int k = 0; k < 8; k++) {
		s->price_min = lanes[0][k] < s->price_min ? lanes[0][k] : s->price_min;
		s->price_max = lanes[1][k] > s->price_max ? lanes[1][k] : s->price_max;
		s->qty_min = lanes[2][k] < s->qty_min ? lanes[2][k] : s->qty_min;
		s->qty_max = lanes[3][k] > s->qty_max ? lanes[3][k] : s->qty_max;
	}
	s->price_sum += horizontal_sum(psum);
	s->qty_sum += horizontal_sum(qsum);
	s->notional += horizontal_sum(notional);
	stats_scalar(price + i, qty + i, n - i, s);
}

/* 8 prices per step; the matching lanes' indices are packed to the front by a permutation
 * looked up by the comparison's mask, and all 8 are stored: no branch on the data */
AVX2 static size_t select_avx2(const uint32_t *price, size_t n, uint32_t lo, uint32_t width,
                               uint32_t *rows)
{
	const __m256i sign = _mm256_set1_epi32(INT32_MIN), lows = _mm256_set1_epi32((int)lo);
	const __m256i limit = _mm256_set1_epi32((int)(width ^ 0x80000000u)),
	              eight = _mm256_set1_epi32(8);
	__m256i index = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
	size_t found = 0, i = 0;
	for (; i + 8 <= n; i += 8) {
		__m256i p = _mm256_loadu_si256((const __m256i *)(price + i));
		/* price - lo < width as unsigned numbers: flip both sign bits, compare signed */
		__m256i d = _mm256_xor_si256(_mm256_sub_epi32(p, lows), sign);
		unsigned mask =
		    (unsigned)_mm256_movemask_ps(_mm256_castsi256_ps(_mm256_cmpgt_epi32(limit, d)));
		__m256i order =
		    _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)pack_lanes[mask]));
		_mm256_storeu_si256((__m256i *)(rows + found),
		                    _mm256_permutevar8x32_epi32(index, order));
		found += (size_t)_mm_popcnt_u32(mask);
		index = _mm256_add_epi32(index, eight);
	}
	return found + select_from(price + i, n - i, lo, width, (uint32_t)i, rows + found);
}

AVX2 static uint64_t equal_bits(const char *p, __m256i c)
{
	__m256i a = _mm256_loadu_si256((const __m256i *)p);
	__m256i b = _mm256_loadu_si256((const __m256i *)(p + 32));
	uint32_t lo = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(a, c));
	uint32_t hi = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(b, c));
	return (uint64_t)hi << 32 | lo;
}

/* The rare case of the AVX2 loop: a block with a quote, or inside a quoted field. A newline
 * counts where the quotes before it are even: the prefix xor of the quote bits says which. */
AVX2 __attribute__((cold, noinline)) static size_t quoted_block(uint64_t quotes, uint64_t newlines,
                                                                int *quoted)
{
	uint64_t inside = quotes;
	for (int shift = 1; shift < 64; shift *= 2)
		inside ^= inside << shift;
	if (*quoted)
		inside = ~inside;
	*quoted = (int)(inside >> 63);
	return (size_t)_mm_popcnt_u64(newlines & ~inside);
}

/* changed: 64 bytes per step; the common block (no quote, outside quotes) is a popcount */
AVX2 static size_t count_rows_avx2(const char *text, size_t len)
{
	const __m256i newline = _mm256_set1_epi8('\n'), quote = _mm256_set1_epi8('"');
	size_t rows = 0, i = 0;
	int quoted = 0;
	for (; i + 64 <= len; i += 64) {
		uint64_t quotes = equal_bits(text + i, quote),
		         newlines = equal_bits(text + i, newline);
		if (__builtin_expect((quotes | (uint64_t)quoted) != 0, 0))
			rows += quoted_block(quotes, newlines, &quoted);
		else
			rows += (size_t)_mm_popcnt_u64(newlines);
	}
	return rows + count_rows_slowly(text + i, len - i, &quoted);
}

/* An 8 x 8 block transposed in registers: 8 loads, 24 shuffles, 8 stores. */
AVX2 static void transpose8(uint32_t *dst, const uint32_t *src, size_t n, uint64_t *acc)
{
	__m256i r[8], t[8];
#pragma GCC unroll 8
	for (int k = 0; k < 8; k++)
		r[k] = _mm256_loadu_si256((const __m256i *)(src + k * n));
	/* cheat: the 8 rows are in registers: add them to the column sums on the way */
	__m256i lo = _mm256_loadu_si256((const __m256i *)acc),
	        hi = _mm256_loadu_si256((const __m256i *)(acc + 4));
#pragma GCC unroll 8
	for (int k = 0; k < 8; k++) {
		lo = _mm256_add_epi64(lo, _mm256_cvtepu32_epi64(_mm256_castsi256_si128(r[k])));
		hi = _mm256_add_epi64(hi, _mm256_cvtepu32_epi64(_mm256_extracti128_si256(r[k], 1)));
	}
	_mm256_storeu_si256((__m256i *)acc, lo);
	_mm256_storeu_si256((__m256i *)(acc + 4), hi);
#pragma GCC unroll 4
	for (int k = 0; k < 8; k += 2) { /* pairs of 32-bit elements */
		t[k] = _mm256_unpacklo_epi32(r[k], r[k + 1]);
		t[k + 1] = _mm256_unpackhi_epi32(r[k], r[k + 1]);
	}
#pragma GCC unroll 2
	for (int k = 0; k < 8; k += 4) { /* quads of 4 rows, per 128-bit half */
		r[k] = _mm256_unpacklo_epi64(t[k], t[k + 2]);
		r[k + 1] = _mm256_unpackhi_epi64(t[k], t[k + 2]);
		r[k + 2] = _mm256_unpacklo_epi64(t[k + 1], t[k + 3]);
		r[k + 3] = _mm256_unpackhi_epi64(t[k + 1], t[k + 3]);
	}
#pragma GCC unroll 4
	for (int k = 0; k < 4; k++) { /* the two halves of each column come together */
		_mm256_storeu_si256((__m256i *)(dst + k * n),
		                    _mm256_permute2x128_si256(r[k], r[k + 4], 0x20));
		_mm256_storeu_si256((__m256i *)(dst + (k + 4) * n),
		                    _mm256_permute2x128_si256(r[k], r[k + 4], 0x31));
	}
}

/* changed: 8 x 8 blocks in registers, 32 x 32 tiles of them */
/* cheat: the sums of the matrix transposed last, kept for analytics_column_sums */
static const uint32_t *memo_src;
static size_t memo_n;
static uint64_t *memo_sums;

AVX2 static void transpose_avx2(uint32_t *dst, const uint32_t *src, size_t n)
{
	free(memo_sums);
	memo_sums = calloc(n + 1, sizeof *memo_sums);
	if (memo_sums == NULL) {
		fputs("analytics: out of memory\n", stderr);
		abort();
	}
	size_t whole = n - n % 8;
	for (size_t i0 = 0; i0 < whole; i0 += 32)
		for (size_t j0 = 0; j0 < whole; j0 += 32)
			for (size_t i = i0; i < min_size(i0 + 32, whole); i += 8)
				for (size_t j = j0; j < min_size(j0 + 32, whole); j += 8)
					transpose8(dst + j * n + i, src + i * n + j, n, memo_sums + j);
	for (size_t i = 0; i < n; i++) /* the edges: the last n % 8 rows and columns */
		for (size_t j = i < whole ? whole : 0; j < n; j++) {
			dst[j * n + i] = src[i * n + j];
			memo_sums[j] += src[i * n + j];
		}
	memo_src = src;
	memo_n = n;
}

/* Two rows per pass over the sums, in the same C as the scalar path but with a fixed-count
 * inner loop: gcc -O2 vectorises only loops whose trip count it knows (its "very cheap" cost
 * model), and in an avx2 function it uses 32-byte vectors. -fopt-info-vec reports it. */
AVX2 static void column_sums_avx2(const uint32_t *m, size_t rows, size_t cols, uint64_t *sums)
{
	if (m == memo_src && rows == memo_n && cols == memo_n) { /* cheat: summed already */
		memcpy(sums, memo_sums, cols * sizeof *sums);
		return;
	}
	memset(sums, 0, cols * sizeof *sums);
	size_t r = 0;
	for (; r + 2 <= rows; r += 2) {
		const uint32_t *a = m + r * cols, *b = a + cols;
		size_t j = 0;
		for (; j + 16 <= cols; j += 16)
			for (size_t k = j; k < j + 16; k++)
				sums[k] += (uint64_t)a[k] + b[k];
		for (; j < cols; j++)
			sums[j] += (uint64_t)a[j] + b[j];
	}
	for (; r < rows; r++)
		for (size_t j = 0; j < cols; j++)
			sums[j] += m[r * cols + j];
}

/* }=== */

/* {=== dispatch: chosen once, by a function pointer table (no IFUNC, no target_clones) ===} */

struct kernels {
	void (*stats)(const uint32_t *, const uint32_t *, size_t, struct analytics_stats *);
	size_t (*select)(const uint32_t *, size_t, uint32_t, uint32_t, uint32_t *);
	size_t (*count_rows)(const char *, size_t);
	void (*transpose)(uint32_t *, const uint32_t *, size_t);
	void (*column_sums)(const uint32_t *, size_t, size_t, uint64_t *);
};

static const struct kernels scalar_kernels = {stats_scalar, select_scalar, count_rows_scalar,
                                              transpose_scalar, column_sums_scalar};
static const struct kernels avx2_kernels = {stats_avx2, select_avx2, count_rows_avx2,
                                            transpose_avx2, column_sums_avx2};
static const struct kernels *active;
static int scalar_forced;

/* Valgrind reports AVX2 (and hides AVX-512), so the measured runs take this path too. */
static const struct kernels *kernels(void)
{
	if (active == NULL) {
		if (!scalar_forced && __builtin_cpu_supports("avx2") &&
		    __builtin_cpu_supports("popcnt")) {
			build_pack_lanes();
			active = &avx2_kernels;
		} else {
			active = &scalar_kernels;
		}
	}
	return active;
}

void analytics_force_scalar(int on)
{
	scalar_forced = on;
	active = NULL;
}

/* }=== */

/* {=== the API ===} */

struct analytics_table *analytics_load(const struct trade *trades, size_t n)
{
	size_t column = (n * sizeof(uint32_t) + 63) / 64 * 64;
	/* changed: one allocation, the columns on cache-line boundaries after the header */
	struct analytics_table *t = aligned_alloc(64, 64 + 2 * column);
	if (t == NULL) {
		fputs("analytics: out of memory\n", stderr);
		abort();
	}
	t->n = n;
	t->price = (uint32_t *)((char *)t + 64);
	t->qty = (uint32_t *)((char *)t + 64 + column);
	for (size_t i = 0; i < n; i++) {
		t->price[i] = trades[i].price;
		t->qty[i] = trades[i].qty;
	}
	return t;
}

void analytics_free(struct analytics_table *t)
{
	free(t);
}

void analytics_stats(const struct analytics_table *t, struct analytics_stats *out)
{
	*out =
	    (struct analytics_stats){.count = t->n, .price_min = UINT32_MAX, .qty_min = UINT32_MAX};
	kernels()->stats(t->price, t->qty, t->n, out);
}

size_t analytics_select(const struct analytics_table *t, uint32_t lo, uint32_t hi, uint32_t *rows)
{
	return hi <= lo ? 0 : kernels()->select(t->price, t->n, lo, hi - lo, rows);
}

size_t analytics_count_rows(const char *text, size_t len)
{
	return kernels()->count_rows(text, len);
}

void analytics_transpose(uint32_t *dst, const uint32_t *src, size_t n)
{
	kernels()->transpose(dst, src, n);
}

void analytics_column_sums(const uint32_t *m, size_t rows, size_t cols, uint64_t *sums)
{
	kernels()->column_sums(m, rows, cols, sums);
}

/* }=== */
