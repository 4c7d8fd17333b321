/* crc32c_input.h: the seeded workload of lesson 09, written once for bench.c, the tests and the
 * baselines: a storage server's hot page cache and the reads it answers, each reply carrying a
 * CRC-32C digest of its data. Everything lives in one mapping from bench_input_alloc. */
#ifndef CRC32C_INPUT_H
#define CRC32C_INPUT_H

#include <stddef.h>
#include <stdint.h>

#define CRC32C_CACHE_BYTES (256 * 1024) /* hot enough to stay in L2: the CPU is the limit */
#define CRC32C_PAGE        4096

/* One read: the bytes cache[offset .. offset + len). */
struct crc32c_request {
	uint32_t offset;
	uint32_t len;
};

struct crc32c_input {
	const unsigned char *cache; /* CRC32C_CACHE_BYTES of seeded bytes */
	struct crc32c_request *requests;
	size_t n;
	uint64_t bytes;    /* the sum of every request's len */
	uint32_t *digests; /* n slots for the caller's results */
	void *map;         /* the one mapping everything lives in */
	size_t map_size;
};

/* Builds n requests from seed: half are whole pages at page offsets, a quarter 1 to 1024 bytes
 * and a quarter 1025 to 16384 bytes, both at any byte offset. The same seed gives the same
 * input on every machine. Aborts with a message if the memory cannot be mapped. */
void crc32c_input_make(struct crc32c_input *in, size_t n, uint64_t seed);

/* Unmaps everything and resets in to {0}. */
void crc32c_input_free(struct crc32c_input *in);

#endif
