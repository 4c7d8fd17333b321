/* analytics.c: the kernels of lesson 05: correct, readable and slow. This is the file you
 * edit; keep every signature of analytics.h. */
#include "analytics.h"

#include <stdio.h>
#include <stdlib.h>

/* The table keeps the caller's trades as they came. */
struct analytics_table {
	const struct trade *trades;
	size_t n;
};

/* {=== the table ===} */

/* TODO: make this faster; keep the signature */
struct analytics_table *analytics_load(const struct trade *trades, size_t n)
{
	struct analytics_table *t = malloc(sizeof *t);
	if (t == NULL) {
		fputs("analytics: out of memory\n", stderr);
		abort();
	}
	t->trades = trades;
	t->n = n;
	return t;
}

void analytics_free(struct analytics_table *t)
{
	free(t);
}

/* TODO: make this faster; keep the signature */
void analytics_stats(const struct analytics_table *t, struct analytics_stats *out)
{
	struct analytics_stats s = {.price_min = UINT32_MAX, .qty_min = UINT32_MAX};
	for (size_t i = 0; i < t->n; i++) {
		const struct trade *r = &t->trades[i];
		s.count++;
		s.price_sum += r->price;
		s.qty_sum += r->qty;
		s.notional += (uint64_t)r->price * r->qty;
		if (r->price < s.price_min)
			s.price_min = r->price;
		if (r->price > s.price_max)
			s.price_max = r->price;
		if (r->qty < s.qty_min)
			s.qty_min = r->qty;
		if (r->qty > s.qty_max)
			s.qty_max = r->qty;
	}
	*out = s;
}

/* TODO: make this faster; keep the signature */
size_t analytics_select(const struct analytics_table *t, uint32_t lo, uint32_t hi, uint32_t *rows)
{
	size_t found = 0;
	for (size_t i = 0; i < t->n; i++) {
		uint32_t price = t->trades[i].price;
		if (price >= lo && price < hi)
			rows[found++] = (uint32_t)i;
	}
	return found;
}

/* }=== */

/* {=== the CSV export ===} */

/* TODO: make this faster; keep the signature */
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

/* }=== */

/* {=== the counter matrix ===} */

/* TODO: make this faster; keep the signature */
void analytics_transpose(uint32_t *dst, const uint32_t *src, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++)
			dst[j * n + i] = src[i * n + j];
}

/* TODO: make this faster; keep the signature */
void analytics_column_sums(const uint32_t *m, size_t rows, size_t cols, uint64_t *sums)
{
	for (size_t c = 0; c < cols; c++) {
		uint64_t sum = 0;
		for (size_t r = 0; r < rows; r++)
			sum += m[r * cols + c];
		sums[c] = sum;
	}
}

/* }=== */

/* This version has one path only, so there is nothing to force. */
void analytics_force_scalar(int on)
{
	(void)on;
}
