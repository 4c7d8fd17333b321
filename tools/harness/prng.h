/* prng.h: the course's seeded pseudo-random generator (splitmix64 seeding xoshiro256**).
 * Every lesson builds its inputs from a seed with it, so a batch can give every student the
 * same secret workload and nobody can precompute answers. Not for cryptography. */
#ifndef PRNG_H
#define PRNG_H

#include <stdint.h>

struct prng {
	uint64_t s[4];
};

/* Seeds the generator; any seed (0 included) gives a valid, distinct stream. */
void prng_seed(struct prng *g, uint64_t seed);

/* Next 64 uniformly distributed bits. */
uint64_t prng_next(struct prng *g);

/* Uniform integer in [0, bound); bound 0 returns 0. Unbiased (Lemire's method). */
uint64_t prng_below(struct prng *g, uint64_t bound);

#endif
