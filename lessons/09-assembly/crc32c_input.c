/* crc32c_input.c: the seeded page cache and read requests of lesson 09. Page reads dominate,
 * as on a block device; the odd sizes and offsets of the rest exercise every tail and every
 * alignment of the student's code. */
#include "crc32c_input.h"

#include <string.h>

#include "bench_input.h"
#include "prng.h"

/* Every random number is drawn in its own statement, so the same seed gives the same input
 * whatever order a compiler evaluates arguments in. */
static struct crc32c_request make_request(struct prng *g)
{
	unsigned kind = (unsigned)prng_below(g, 4);
	uint32_t len;

	if (kind < 2) {
		uint32_t page = (uint32_t)prng_below(g, CRC32C_CACHE_BYTES / CRC32C_PAGE);
		return (struct crc32c_request){page * CRC32C_PAGE, CRC32C_PAGE};
	}
	if (kind == 2)
		len = 1 + (uint32_t)prng_below(g, 1024);
	else
		len = 1025 + (uint32_t)prng_below(g, 16384 - 1024);
	uint32_t offset = (uint32_t)prng_below(g, CRC32C_CACHE_BYTES - len + 1);
	return (struct crc32c_request){offset, len};
}

void crc32c_input_make(struct crc32c_input *in, size_t n, uint64_t seed)
{
	struct prng g;
	prng_seed(&g, seed);
	in->map_size = CRC32C_CACHE_BYTES + n * (sizeof *in->requests + sizeof *in->digests);
	in->map = bench_input_alloc(in->map_size);
	unsigned char *cache = in->map;
	for (size_t i = 0; i < CRC32C_CACHE_BYTES; i += 8) {
		uint64_t v = prng_next(&g);
		for (int k = 0; k < 8; k++) /* little-endian on every host */
			cache[i + k] = (unsigned char)(v >> (8 * k));
	}
	in->cache = cache;
	in->requests = (struct crc32c_request *)(cache + CRC32C_CACHE_BYTES);
	in->digests = (uint32_t *)(in->requests + n);
	memset(in->digests, 0, n * sizeof *in->digests); /* page faults now, not in the region */
	in->n = n;
	in->bytes = 0;
	for (size_t i = 0; i < n; i++) {
		in->requests[i] = make_request(&g);
		in->bytes += in->requests[i].len;
	}
}

void crc32c_input_free(struct crc32c_input *in)
{
	bench_input_free(in->map, in->map_size);
	*in = (struct crc32c_input){0};
}
