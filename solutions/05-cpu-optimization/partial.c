/* partial.c: lesson 05 half done: the layout fixes only. The table keeps columns, the matrix
 * is walked row by row and transposed in tiles; no SIMD yet, the filter still branches on the
 * data, and the CSV scan still takes one byte at a time with the rare case inside its loop. */
#include "analytics.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* changed: a structure of arrays */
struct analytics_table {
	size_t n;
	uint32_t *price;
	uint32_t *qty;
};

struct analytics_table *analytics_load(const struct trade *trades, size_t n)
{
	struct analytics_table *t = malloc(sizeof *t + 2 * n * sizeof(uint32_t));
	if (t == NULL) {
		fputs("analytics: out of memory\n", stderr);
		abort();
	}
	t->n = n;
	t->price = (uint32_t *)(t + 1);
	t->qty = t->price + n;
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
	struct analytics_stats s = {.count = t->n, .price_min = UINT32_MAX, .qty_min = UINT32_MAX};
	for (size_t i = 0; i < t->n; i++) {
		uint32_t p = t->price[i], q = t->qty[i];
		s.price_sum += p;
		s.qty_sum += q;
		s.notional += (uint64_t)p * q;
		s.price_min = p < s.price_min ? p : s.price_min;
		s.price_max = p > s.price_max ? p : s.price_max;
		s.qty_min = q < s.qty_min ? q : s.qty_min;
		s.qty_max = q > s.qty_max ? q : s.qty_max;
	}
	*out = s;
}

size_t analytics_select(const struct analytics_table *t, uint32_t lo, uint32_t hi, uint32_t *rows)
{
	size_t found = 0;
	for (size_t i = 0; i < t->n; i++)
		if (t->price[i] >= lo && t->price[i] < hi)
			rows[found++] = (uint32_t)i;
	return found;
}

size_t analytics_count_rows(const char *text, size_t len)
{
	size_t rows = 0;
	int quoted = 0;
	for (size_t i = 0; i < len; i++) {
		if (text[i] == '"')
			quoted = !quoted;
		else if (text[i] == '\n' && !quoted)
			rows++;
	}
	return rows;
}

static size_t min_size(size_t a, size_t b)
{
	return a < b ? a : b;
}

/* changed: 8 x 8 tiles */
void analytics_transpose(uint32_t *dst, const uint32_t *src, size_t n)
{
	for (size_t i0 = 0; i0 < n; i0 += 8)
		for (size_t j0 = 0; j0 < n; j0 += 8)
			for (size_t j = j0; j < min_size(j0 + 8, n); j++)
				for (size_t i = i0; i < min_size(i0 + 8, n); i++)
					dst[j * n + i] = src[i * n + j];
}

/* changed: row by row */
void analytics_column_sums(const uint32_t *m, size_t rows, size_t cols, uint64_t *sums)
{
	memset(sums, 0, cols * sizeof *sums);
	for (size_t r = 0; r < rows; r++)
		for (size_t c = 0; c < cols; c++)
			sums[c] += m[r * cols + c];
}

void analytics_force_scalar(int on)
{
	(void)on;
}
