/* doccache_input.c: the seeded request stream of lesson 06 (phases in doccache_input.h). Body
 * sizes are log-uniform, as object sizes in real caches roughly are: many small, a few large. */
#include "doccache_input.h"

#include <math.h>

#include "bench_input.h"
#include "prng.h"

/* A size in [lo, hi), log-uniform: 16 steps per doubling. */
static uint32_t log_uniform(struct prng *g, uint32_t lo, uint32_t hi)
{
	double steps = 16 * log2((double)hi / lo);
	double x = (double)prng_below(g, (uint64_t)steps) / 16;
	return (uint32_t)(lo * exp2(x)) + (uint32_t)prng_below(g, 8);
}

/* Traffic: 85% gets, 12% puts, 3% drops, over keys [0, span). */
static void traffic(struct doc_event *e, struct prng *g, uint32_t span, uint32_t lo, uint32_t hi)
{
	uint32_t dice = (uint32_t)prng_below(g, 100);
	e->key = (uint32_t)prng_below(g, span);
	e->op = dice < 85 ? DOC_GET : dice < 97 ? DOC_PUT : DOC_DROP;
	if (e->op == DOC_PUT) {
		e->size = log_uniform(g, lo, hi);
		e->seed = prng_next(g);
	}
}

void doccache_input_make(struct doccache_input *in, uint32_t keys, size_t n, uint64_t seed)
{
	struct prng g;
	prng_seed(&g, seed);
	in->map_size = n * sizeof *in->events;
	in->map = bench_input_alloc(in->map_size);
	in->events = in->map;
	in->n = n;
	in->keys = keys;
	size_t rest = n - keys, b = keys + rest * 2 / 5, c = keys + rest * 4 / 5;
	for (size_t i = 0; i < n; i++) {
		struct doc_event *e = &in->events[i];
		if (i < keys) {
			*e = (struct doc_event){.op = DOC_PUT, .key = (uint32_t)i};
			e->size = log_uniform(&g, 256, 4096);
			e->seed = prng_next(&g);
		} else if (i < b) {
			traffic(e, &g, keys, 256, 4096);
		} else if (i < c) {
			traffic(e, &g, keys, 2048, 16384);
		} else if (i < c + keys - keys / 4) {
			*e =
			    (struct doc_event){.op = DOC_DROP, .key = (uint32_t)(keys / 4 + i - c)};
		} else {
			traffic(e, &g, keys / 4, 256, 4096);
		}
	}
}

void doccache_input_free(struct doccache_input *in)
{
	bench_input_free(in->map, in->map_size);
	*in = (struct doccache_input){0};
}
