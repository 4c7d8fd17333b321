/* checksum.c: FNV-1a over bytes; enough to tell two runs' results apart, not a MAC. */
#include "checksum.h"

#define FNV_PRIME UINT64_C(0x100000001b3)

uint64_t checksum_bytes(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;
	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= FNV_PRIME;
	}
	return h;
}

uint64_t checksum_u64(uint64_t h, uint64_t value)
{
	unsigned char bytes[8];
	for (int i = 0; i < 8; i++)
		bytes[i] = (unsigned char)(value >> (8 * i));
	return checksum_bytes(h, bytes, sizeof bytes);
}
