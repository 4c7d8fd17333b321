/* doccache_input.h: the seeded request stream of lesson 06, written once for bench.c, the tests
 * and the baselines. It lives in one mapping from bench_input_alloc, so massif sees none of it. */
#ifndef DOCCACHE_INPUT_H
#define DOCCACHE_INPUT_H

#include <stddef.h>
#include <stdint.h>

enum doc_op { DOC_PUT, DOC_GET, DOC_DROP };

struct doc_event {
	uint32_t op; /* enum doc_op */
	uint32_t key;
	uint32_t size; /* DOC_PUT: body bytes */
	uint32_t pad;
	uint64_t seed; /* DOC_PUT: the body's seed */
};

/* The stream, in four phases: every key stored once (small bodies); traffic with small bodies
 * (256 B - 4 KiB); traffic with large ones (2 - 16 KiB: the live heap grows about fourfold);
 * then three keys in four dropped and traffic on the rest (the live heap shrinks). Traffic is
 * 85% gets, 12% puts, 3% drops, keys uniform. Event i happens at time i + 1. */
struct doccache_input {
	struct doc_event *events;
	size_t n;
	uint32_t keys;
	void *map; /* the one mapping everything lives in */
	size_t map_size;
};

/* Builds n events over keys 0 .. keys-1 from seed (n >= keys >= 4): the same seed gives the same
 * stream on every machine. Aborts with a message if the memory cannot be mapped. */
void doccache_input_make(struct doccache_input *in, uint32_t keys, size_t n, uint64_t seed);

/* Unmaps everything and resets in to {0}. */
void doccache_input_free(struct doccache_input *in);

#endif
