/* steps/2-bytes.c: lesson 09, step 2 of the README's "Concepts": step 1 with the crc32
 * instruction through inline asm, one byte per instruction, one stream. */
#include "crc32c.h"

#include <pthread.h>
#include <string.h>
#include <time.h>

/* The Castagnoli polynomial 0x1edc6f41 with its bits reversed: in this reflected form, bit i
 * of the register holds the coefficient of x^(31-i), and data bits enter lowest first. */
#define POLY 0x82f63b78u

/* {=== portable: slicing-by-8 ===} */

/* changed: tables instead of bits. table[0][b] is what 8 bit steps make of the byte b alone;
 * table[k][b] is the same followed by k zero bytes. Eight lookups that do not wait on each
 * other replace 64 dependent bit steps. 8 KiB, filled once. */
static uint32_t table[8][256];
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

static void table_fill(void)
{
	for (uint32_t b = 0; b < 256; b++) {
		uint32_t crc = b;
		for (int bit = 0; bit < 8; bit++)
			crc = (crc >> 1) ^ (POLY & (0u - (crc & 1)));
		table[0][b] = crc;
	}
	for (int k = 1; k < 8; k++)
		for (uint32_t b = 0; b < 256; b++)
			table[k][b] = (table[k - 1][b] >> 8) ^ table[0][table[k - 1][b] & 0xff];
}

/* 8 bytes as a little-endian number on any host (one plain load on x86-64) */
static uint64_t load_le64(const unsigned char *p)
{
	return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24 |
	       (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 |
	       (uint64_t)p[7] << 56;
}

uint32_t crc32c_portable(uint32_t crc, const void *buf, size_t len)
{
	const unsigned char *p = buf;

	pthread_once(&table_once, table_fill);
	crc = ~crc;
	for (; len >= 8; p += 8, len -= 8) {
		uint64_t v = load_le64(p) ^ crc;
		crc = table[7][v & 0xff] ^ table[6][(v >> 8) & 0xff] ^ table[5][(v >> 16) & 0xff] ^
		      table[4][(v >> 24) & 0xff] ^ table[3][(v >> 32) & 0xff] ^
		      table[2][(v >> 40) & 0xff] ^ table[1][(v >> 48) & 0xff] ^ table[0][v >> 56];
	}
	for (; len > 0; p++, len--)
		crc = (crc >> 8) ^ table[0][(crc ^ *p) & 0xff];
	return ~crc;
}

/* }=== */

#if defined(__x86_64__)
/* changed: one crc32 instruction per byte. "+r": c is read and written in a register; "rm":
 * the byte may come from a register or straight from memory. No clobbers: crc32 changes no
 * flags and no memory. */
uint32_t crc32c_x86(uint32_t crc, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	uint32_t c = ~crc;

	for (size_t i = 0; i < len; i++)
		__asm__("crc32b %1, %0" : "+r"(c) : "rm"(p[i]));
	return ~c;
}
#endif

/* {=== choosing the code, once ===} */

/* changed: NULL until the first call, then the code this CPU runs best */
static crc32c_fn *active;

static crc32c_fn *pick(enum crc32c_path path, const char **name)
{
#if defined(__x86_64__)
	if (path == CRC32C_AUTO && __builtin_cpu_supports("sse4.2")) {
		if (__builtin_cpu_supports("pclmul")) {
			*name = "sse4.2+pclmul";
			return crc32c_x86;
		}
		*name = "sse4.2";
		return crc32c_x86_asm;
	}
#endif
	(void)path; /* elsewhere there is one choice */
	*name = "portable";
	return crc32c_portable;
}

const char *crc32c_use(enum crc32c_path path)
{
	const char *name;

	__atomic_store_n(&active, pick(path, &name), __ATOMIC_RELAXED);
	return name;
}

uint32_t crc32c(uint32_t crc, const void *buf, size_t len)
{
	crc32c_fn *f = __atomic_load_n(&active, __ATOMIC_RELAXED);

	if (__builtin_expect(f == NULL, 0)) {
		crc32c_use(CRC32C_AUTO);
		f = __atomic_load_n(&active, __ATOMIC_RELAXED);
	}
	return f(crc, buf, len);
}

/* }=== */

/* changed: the time-stamp counter. lfence makes rdtsc wait until every earlier instruction
 * has finished; volatile and the "memory" clobber keep the compiler from moving it. */
uint64_t crc32c_ticks(void)
{
#if defined(__x86_64__)
	uint32_t lo, hi;

	__asm__ volatile("lfence\n\trdtsc" : "=a"(lo), "=d"(hi) : : "memory");
	return (uint64_t)hi << 32 | lo;
#else
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
#endif
}
