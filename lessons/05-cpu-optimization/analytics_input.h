/* analytics_input.h: the seeded workload of lesson 05, written once for bench.c, baselines.c and
 * the tests: a day of trades, a CSV export with a few quoted fields, a counter matrix. All of
 * it lives in mappings from bench_input_alloc, so nothing of it is the student's heap. */
#ifndef ANALYTICS_INPUT_H
#define ANALYTICS_INPUT_H

#include <stddef.h>
#include <stdint.h>

#include "analytics.h"

#define ANALYTICS_PRICE_MIN  1000000u /* prices are uniform in [MIN, MIN + SPAN) */
#define ANALYTICS_PRICE_SPAN 1000000u
#define ANALYTICS_QUERIES    4

/* The price bands bench.c selects, {lo, hi}: about 50%, 50%, 30% and 10% of the trades. */
extern const uint32_t analytics_queries[ANALYTICS_QUERIES][2];

struct analytics_input {
	struct trade *trades;
	size_t n;
	char *text; /* CSV rows, the last one cut at text_len; no NUL after it */
	size_t text_len;
	uint32_t *matrix; /* side x side, row-major */
	size_t side;
};

/* Builds n trades, text_len bytes of CSV and a side x side matrix from seed: the same seed gives
 * the same input on every machine. sorted != 0 orders the trades by price (the branch
 * predictor's best case; bench --sorted). Aborts with a message if memory cannot be mapped. */
void analytics_input_make(struct analytics_input *in, size_t n, size_t text_len, size_t side,
                          uint64_t seed, int sorted);

/* Folds every field of s into the running checksum h (checksum.h) and returns it. */
uint64_t analytics_input_checksum_stats(uint64_t h, const struct analytics_stats *s);

/* Unmaps everything and resets in to {0}. */
void analytics_input_free(struct analytics_input *in);

#endif
