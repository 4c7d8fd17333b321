/* steps/6-six.c: lesson 09, step 6 of the README's "Concepts": the reference with six
 * crc32 streams instead of three, because this CPU starts two crc32 instructions per cycle. */
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
/* {=== x86-64: three crc32 streams ===} */

/* changed: one crc32 instruction, 8 bytes into the register. "+r": crc is read and written in
 * a register; "rm": the data may be a register or the memory itself (gcc folds the memcpy
 * into the instruction). No clobbers: crc32 writes no flags and no memory. */
static inline uint64_t crc32_u64(uint64_t crc, const unsigned char *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	__asm__("crc32q %1, %0" : "+r"(crc) : "rm"(v));
	return crc;
}

/* changed: crc followed by n zero bytes, crc * x^(8n) mod P, in two instructions. pclmulqdq
 * multiplies crc by k = x^(8n-33) mod P without carries (a 63-bit product); crc32 of that
 * product from a zero register multiplies by x^33 more and reduces mod P. */
static inline uint32_t shift(uint32_t crc, uint32_t k)
{
	typedef long long v2di __attribute__((vector_size(16)));
	v2di a = {crc, 0}, b = {k, 0};
	uint64_t product, zero = 0;

	__asm__("pclmulqdq $0x00, %1, %0" : "+x"(a) : "x"(b));
	product = (uint64_t)a[0];
	__asm__("crc32q %1, %0" : "+r"(zero) : "rm"(product));
	return (uint32_t)zero;
}

/* x^(8n-33) mod P for n = 64 << i, printed by the loop in README "Joining streams" */
static const uint32_t K[] = {0x9e4addf8, 0x0d3b6092, 0xb9e02b86, 0xdd7e3b0c,
                             0x170076fa, 0xa51b6135, 0x82f89c77, 0x54a86326};

/* changed: six streams. On this CPU (AMD Zen 5) a crc32 takes 3 cycles but two can start every
 * cycle, so 3 x 2 = 6 chains keep it busy. Blocks of 6 x 2048 bytes while they fit, then one
 * of 6 x 1024 ... 6 x 64 if it fits; the tail, under 384 bytes, in one stream. Streams are
 * joined in pairs (b after a, d after c, f after e), then the three pairs, so every shift uses
 * a constant of K and the joins overlap. */
uint32_t crc32c_x86(uint32_t crc, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	uint64_t a = ~crc;

	for (int t = 5; t >= 0; t--) {
		size_t n = (size_t)64 << t;
		for (; len >= 6 * n; p += 6 * n, len -= 6 * n) {
			uint64_t b = 0, c = 0, d = 0, e = 0, f = 0;
			for (size_t i = 0; i < n; i += 8) {
				a = crc32_u64(a, p + i);
				b = crc32_u64(b, p + n + i);
				c = crc32_u64(c, p + 2 * n + i);
				d = crc32_u64(d, p + 3 * n + i);
				e = crc32_u64(e, p + 4 * n + i);
				f = crc32_u64(f, p + 5 * n + i);
			}
			uint64_t ab = shift((uint32_t)a, K[t]) ^ b, cd = shift((uint32_t)c, K[t]) ^ d;
			uint64_t ef = shift((uint32_t)e, K[t]) ^ f;
			a = shift((uint32_t)ab, K[t + 2]) ^ shift((uint32_t)cd, K[t + 1]) ^ ef;
		}
	}
	for (; len >= 8; p += 8, len -= 8) /* in this file, not the .S: graded on its own */
		a = crc32_u64(a, p);
	uint32_t c32 = (uint32_t)a;
	for (; len > 0; p++, len--)
		__asm__("crc32b %1, %0" : "+r"(c32) : "rm"(*p));
	return ~c32;
}

/* }=== */
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
