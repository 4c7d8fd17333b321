/* pipeline.h: lesson 04's workload, written once for bench.c, baselines.c and the tests: seeded
 * latency samples and the three stages of a metrics pipeline that use the student's structures.
 * Each stage runs either on real threads (natively, and in the stress tests) or with all its
 * workers taking turns on the calling thread (under Valgrind: counts come only from paths that
 * never spin, DESIGN section 4.4); both ways compute the same results. */
#ifndef PIPELINE_H
#define PIPELINE_H

#include <stddef.h>
#include <stdint.h>

#define PIPELINE_MAX_WORKERS   64
#define PIPELINE_RING_CAPACITY 1024
#define PIPELINE_POOL_SLOTS    64

struct pipeline_input {
	uint64_t *samples; /* latencies in ns, heavy-tailed; in a mapping massif does not see */
	size_t n;
	size_t map_size;
};

/* n samples from seed: the same seed gives the same samples on every machine. */
void pipeline_input_make(struct pipeline_input *in, size_t n, uint64_t seed);
void pipeline_input_free(struct pipeline_input *in);

/* What the stages computed; identical whichever way they ran. */
struct pipeline_result {
	uint64_t count_sum;   /* stage 1: the counter after every sample was added */
	uint64_t count_max;   /* stage 1: the largest sample */
	uint64_t pool_ops;    /* stage 2: pop, use, push cycles completed */
	uint64_t pool_errors; /* stage 2: slots handed to two workers at once, or stale data */
	uint64_t ring_items;  /* stage 3: items the consumer took */
	uint64_t ring_hash;   /* stage 3: order-sensitive hash of the items, as taken */
};

/* Stage 1: workers threads each add their share of the samples to one lf_counter (shard =
 * worker) and offer each to one lf_max. threaded 0: the workers take turns on this thread. */
void pipeline_count(const struct pipeline_input *in, unsigned workers, int threaded,
                    struct pipeline_result *out);

/* Stage 2: workers threads each take a message slot from one shared lf_stack of
 * PIPELINE_POOL_SLOTS slots, write and check it, and give it back, ops times. */
void pipeline_pool(unsigned workers, size_t ops, int threaded, struct pipeline_result *out);

/* Stage 3: one producer pushes every sample through an lf_ring of capacity items, one consumer
 * takes them and hashes them in order. threaded 0: the producer fills the ring, then the
 * consumer empties it, in turns. */
void pipeline_ring(const struct pipeline_input *in, size_t capacity, int threaded,
                   struct pipeline_result *out);

/* The order-sensitive hash stage 3 computes, for checking it: fold v into h. */
static inline uint64_t pipeline_hash(uint64_t h, uint64_t v)
{
	return (h ^ v) * UINT64_C(0x100000001b3);
}

/* What a thread does when the structure it needs is full or empty: spins briefly with the
 * pause instruction, then yields the CPU (two threads on two cores must not starve a third). */
void pipeline_wait(unsigned *failures);

/* Runs fn(arg + i * arg_size) on n threads, thread i pinned to CPU i mod the CPUs available,
 * and joins them. Aborts if a thread cannot be created. */
void pipeline_run_threads(unsigned n, void *(*fn)(void *), void *arg, size_t arg_size);

#endif
