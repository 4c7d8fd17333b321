/* analytics_input.c: seeded inputs for lesson 05. Trades have uniform random prices, so a price
 * filter's branch is a coin toss; one CSV row in 64 carries a quoted note, some with an escaped
 * quote or a newline inside, so the rare case of the row counter is always exercised. */
#include "analytics_input.h"

#include <stdlib.h>
#include <string.h>

#include "bench_input.h"
#include "checksum.h"
#include "prng.h"

const uint32_t analytics_queries[ANALYTICS_QUERIES][2] = {
    {1000000, 1500000}, {1250000, 1750000}, {1100000, 1400000}, {1600000, 1700000}};

static const char *const symbols[] = {"AAPL", "MSFT", "NVDA", "AMZN",
                                      "GOOG", "META", "TSLA", "BRK.B"};
static const char *const notes[] = {"\"late print, corrected\"", "\"says \"\"hi\"\" twice\"",
                                    "\"line one\nline two\"", "\"\"", "\"odd lot\n\""};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static void make_trade(struct trade *t, struct prng *g, uint64_t i)
{
	memset(t, 0, sizeof *t);
	t->id = 900000000 + i;
	t->ts_ns = UINT64_C(1700000000000000000) + i * 1000 + prng_below(g, 1000);
	strcpy(t->symbol, symbols[prng_below(g, COUNT(symbols))]);
	t->price = ANALYTICS_PRICE_MIN + (uint32_t)prng_below(g, ANALYTICS_PRICE_SPAN);
	t->qty = prng_below(g, 8) == 0 ? 100 * (1 + (uint32_t)prng_below(g, 100))
	                               : 1 + (uint32_t)prng_below(g, 500);
	t->venue = (uint32_t)prng_below(g, 16);
	t->side = prng_below(g, 2) == 0 ? TRADE_BUY : TRADE_SELL;
	t->currency = 840;
	t->order_id = prng_next(g);
	t->seq = i;
}

static int by_price(const void *a, const void *b)
{
	uint32_t x = ((const struct trade *)a)->price, y = ((const struct trade *)b)->price;
	return (x > y) - (x < y);
}

/* Appends the decimal digits of v at p; returns the end. */
static char *put_number(char *p, uint64_t v)
{
	char digits[20];
	int n = 0;
	do
		digits[n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	while (n > 0)
		*p++ = digits[--n];
	return p;
}

/* One CSV row: id,symbol,price,qty,side,note\n (at most 96 bytes). */
static char *put_row(char *p, struct prng *g, uint64_t i)
{
	p = put_number(p, 900000000 + i);
	*p++ = ',';
	const char *s = symbols[prng_below(g, COUNT(symbols))];
	p = (char *)memcpy(p, s, strlen(s)) + strlen(s);
	*p++ = ',';
	p = put_number(p, ANALYTICS_PRICE_MIN + prng_below(g, ANALYTICS_PRICE_SPAN));
	*p++ = ',';
	p = put_number(p, 1 + prng_below(g, 500));
	*p++ = ',';
	*p++ = prng_below(g, 2) == 0 ? 'B' : 'S';
	*p++ = ',';
	if (prng_below(g, 64) == 0) {
		const char *note = notes[prng_below(g, COUNT(notes))];
		p = (char *)memcpy(p, note, strlen(note)) + strlen(note);
	}
	*p++ = '\n';
	return p;
}

void analytics_input_make(struct analytics_input *in, size_t n, size_t text_len, size_t side,
                          uint64_t seed, int sorted)
{
	struct prng g;
	prng_seed(&g, seed);
	in->n = n;
	in->trades = bench_input_alloc(n * sizeof *in->trades);
	for (size_t i = 0; i < n; i++)
		make_trade(&in->trades[i], &g, i);
	if (sorted)
		qsort(in->trades, n, sizeof *in->trades, by_price);

	in->text_len = text_len;
	in->text = bench_input_alloc(text_len + 128); /* room for the row that crosses the end */
	uint64_t row = 0;
	for (char *p = in->text; p < in->text + text_len;)
		p = put_row(p, &g, row++);
	memset(in->text + text_len, 0, 128);

	in->side = side;
	in->matrix = bench_input_alloc(side * side * sizeof *in->matrix);
	for (size_t i = 0; i < side * side; i += 2) {
		uint64_t bits = prng_next(&g);
		in->matrix[i] = (uint32_t)bits;
		if (i + 1 < side * side)
			in->matrix[i + 1] = (uint32_t)(bits >> 32);
	}
}

uint64_t analytics_input_checksum_stats(uint64_t h, const struct analytics_stats *s)
{
	const uint64_t fields[] = {s->count,     s->price_sum, s->qty_sum, s->notional,
	                           s->price_min, s->price_max, s->qty_min, s->qty_max};
	for (size_t i = 0; i < COUNT(fields); i++)
		h = checksum_u64(h, fields[i]);
	return h;
}

void analytics_input_free(struct analytics_input *in)
{
	bench_input_free(in->trades, in->n * sizeof *in->trades);
	bench_input_free(in->text, in->text_len + 128);
	bench_input_free(in->matrix, in->side * in->side * sizeof *in->matrix);
	*in = (struct analytics_input){0};
}
