/* crc32c.c: CRC-32C (the contract is in crc32c.h). Correct and readable, and slow: this file
 * and crc32c_x86.S are the files you make fast. */
#include "crc32c.h"

#include <time.h>

/* The Castagnoli polynomial 0x1edc6f41 with its bits reversed: in this reflected form, bit i
 * of the register holds the coefficient of x^(31-i), and data bits enter lowest first. */
#define POLY 0x82f63b78u

/* The definition, one bit at a time: xor a byte into the register, then eight times shift it
 * right by one and, when the bit that falls out is 1, subtract (xor) the polynomial.
 * TODO: make this faster; keep the signature */
uint32_t crc32c_portable(uint32_t crc, const void *buf, size_t len)
{
	const unsigned char *p = buf;

	crc = ~crc;
	for (size_t i = 0; i < len; i++) {
		crc ^= p[i];
		for (int bit = 0; bit < 8; bit++) {
			if (crc & 1)
				crc = (crc >> 1) ^ POLY;
			else
				crc >>= 1;
		}
	}
	return ~crc;
}

#if defined(__x86_64__)
/* TODO: use the SSE4.2 crc32 instruction; keep the signature */
uint32_t crc32c_x86(uint32_t crc, const void *buf, size_t len)
{
	return crc32c_portable(crc, buf, len);
}
#endif

/* The code crc32c runs. */
static crc32c_fn *active = crc32c_portable;

uint32_t crc32c(uint32_t crc, const void *buf, size_t len)
{
	return active(crc, buf, len);
}

/* TODO: run the fastest code this CPU supports */
const char *crc32c_use(enum crc32c_path path)
{
	(void)path;
	active = crc32c_portable;
	return "portable";
}

/* TODO: read the time-stamp counter on x86-64 */
uint64_t crc32c_ticks(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}
