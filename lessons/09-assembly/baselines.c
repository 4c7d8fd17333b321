/* baselines.c: `make baselines LESSON=09` — the reference beside Intel's ISA-L on lesson 09's
 * workload, in one run, natively: every implementation checksums the same reads, rounds
 * interleaved, medians reported as a Markdown table; then what a cycle-counter read costs. */
#include <errno.h>
#include <isa-l/crc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crc32c.h"
#include "crc32c_input.h"
#include "timing.h"

#define ROUNDS 21

/* exported by libisal beside crc32_iscsi, which picks one of them at run time */
unsigned int crc32_iscsi_01(unsigned char *buffer, int len, unsigned int init_crc);
unsigned int crc32_iscsi_by16_10(unsigned char *buffer, int len, unsigned int init_crc);

/* ISA-L takes and returns the bare register: no inversion at either end */
static uint32_t isal(uint32_t crc, const void *buf, size_t len)
{
	return ~crc32_iscsi((unsigned char *)buf, (int)len, ~crc);
}
static uint32_t isal_01(uint32_t crc, const void *buf, size_t len)
{
	return ~crc32_iscsi_01((unsigned char *)buf, (int)len, ~crc);
}
static uint32_t isal_by16(uint32_t crc, const void *buf, size_t len)
{
	return ~crc32_iscsi_by16_10((unsigned char *)buf, (int)len, ~crc);
}
static uint32_t isal_base(uint32_t crc, const void *buf, size_t len)
{
	return ~crc32_iscsi_base((unsigned char *)buf, (int)len, ~crc);
}

struct baseline {
	const char *name, *what;
	crc32c_fn *fn;
	int needs_avx512;
	double ns[ROUNDS], ticks[ROUNDS];
};

static struct baseline baselines[] = {
    {"ISA-L `crc32_iscsi`", "its own run-time choice", isal, 0, {0}, {0}},
    {"ISA-L `crc32_iscsi_by16_10`",
     "AVX-512 VPCLMULQDQ folding, 256 bytes a step",
     isal_by16,
     1,
     {0},
     {0}},
    {"ISA-L `crc32_iscsi_01`", "crc32 x 3 streams, PCLMULQDQ join", isal_01, 0, {0}, {0}},
    {"reference `crc32c`", "crc32 x 3 streams, PCLMULQDQ join (crc32c_x86)", crc32c, 0, {0}, {0}},
    {"reference `crc32c_x86_asm`", "crc32, one stream (.S)", NULL, 0, {0}, {0}},
    {"reference `crc32c_portable`", "slicing-by-8, plain C", crc32c_portable, 0, {0}, {0}},
    {"ISA-L `crc32_iscsi_base`", "one table, a byte a step", isal_base, 0, {0}, {0}},
};
#define N_ANCHORS (sizeof baselines / sizeof baselines[0])

static double median(const double *v)
{
	double s[ROUNDS];
	memcpy(s, v, sizeof s);
	return timing_median(s, ROUNDS);
}

/* One pass over every read; returns a checksum of the digests. */
static uint64_t pass(const struct crc32c_input *in, crc32c_fn *fn)
{
	uint64_t h = 0;
	for (size_t i = 0; i < in->n; i++)
		h = h * 0x100000001b3u +
		    fn(0, in->cache + in->requests[i].offset, in->requests[i].len);
	return h;
}

static double tick_rate(void);

/* {=== the crc32 instruction alone: latency and throughput, in core cycles ===} */

/* Ticks of n loops of: kind 0, 4 dependent adds (one cycle each: they calibrate the core clock
 * against the TSC); 1, 4 dependent crc32 (each waits for the last); 2, 6 crc32 into six
 * registers (each waits only for the one six back: 6 chains cover 3 cycles x 2 per cycle). */
static double chain(int kind, long n)
{
	uint64_t t0 = crc32c_ticks();
	if (kind == 0)
		__asm__ volatile(
		    "1: add $1, %%rax\n add $1, %%rax\n add $1, %%rax\n add $1, %%rax\n"
		    "dec %0\n jnz 1b"
		    : "+r"(n)
		    :
		    : "rax", "cc");
	else if (kind == 1)
		__asm__ volatile(
		    "1: crc32q %%rax, %%rax\n crc32q %%rax, %%rax\n crc32q %%rax, %%rax\n"
		    "crc32q %%rax, %%rax\n dec %0\n jnz 1b"
		    : "+r"(n)
		    :
		    : "rax", "cc");
	else
		__asm__ volatile(
		    "1: crc32q %%rax, %%r8\n crc32q %%rax, %%r9\n crc32q %%rax, %%r10\n"
		    "crc32q %%rax, %%r11\n crc32q %%rax, %%rsi\n crc32q %%rax, %%rdi\n"
		    "dec %0\n jnz 1b"
		    : "+r"(n)
		    :
		    : "r8", "r9", "r10", "r11", "rsi", "rdi", "cc");
	return (double)(crc32c_ticks() - t0);
}

/* Fastest of many short runs: on a shared machine a long run is interrupted, a short one
 * mostly is not, and nothing makes a run faster than the CPU can go. */
static double fastest(int kind, long n)
{
	double best = 1e300;
	for (int r = 0; r < 501; r++) {
		double t = chain(kind, n);
		best = t < best ? t : best;
	}
	return best;
}

static void crc32_timing(void)
{
	enum { N = 100000 };
	double cycle = fastest(0, N) / (4.0 * N); /* ticks per core cycle */
	printf(
	    "\nThe crc32 instruction (crc32q, fastest of 501 runs): latency %.2f core cycles, one"
	    " issued every %.2f cycles in six independent chains; the core ran %.2f cycles per"
	    " TSC tick (%.2f GHz).\n",
	    fastest(1, N) / (4.0 * N) / cycle, fastest(2, N) / (6.0 * N) / cycle, 1 / cycle,
	    tick_rate() / cycle);
}

/* }=== */

/* TSC ticks per ns, over 20 ms */
static double tick_rate(void)
{
	double t0 = timing_now_ns(), t1;
	uint64_t k0 = crc32c_ticks();
	while ((t1 = timing_now_ns()) - t0 < 2e7)
		;
	return (double)(crc32c_ticks() - k0) / (t1 - t0);
}

/* What reading each clock costs, in ns: the fastest of 101 runs of 1000 reads. */
static void clock_costs(void)
{
	double tsc = 1e300, mono = 1e300;
	uint64_t sink = 0;
	for (int r = 0; r < 101; r++) {
		double t0 = timing_now_ns();
		for (int i = 0; i < 1000; i++)
			sink += crc32c_ticks();
		double t1 = timing_now_ns();
		for (int i = 0; i < 1000; i++)
			sink += (uint64_t)timing_now_ns();
		double t2 = timing_now_ns();
		tsc = t1 - t0 < tsc ? t1 - t0 : tsc;
		mono = t2 - t1 < mono ? t2 - t1 : mono;
	}
	double rate = tick_rate();
	printf(
	    "\nTime-stamp counter: %.3f ticks per ns. One crc32c_ticks() (lfence; rdtsc): %.1f ns"
	    " = %.0f ticks. One clock_gettime(CLOCK_MONOTONIC): %.1f ns.%s\n",
	    rate, tsc / 1000, tsc / 1000 * rate, mono / 1000, sink == 42 ? " " : "");
}

int main(int argc, char **argv)
{
	unsigned long long requests = 0, seed = 0;
	if (argc != 5 || strcmp(argv[1], "--requests") != 0 || strcmp(argv[3], "--seed") != 0 ||
	    sscanf(argv[2], "%llu", &requests) != 1 || sscanf(argv[4], "%llu", &seed) != 1) {
		fputs("usage: baselines --requests N --seed S\n", stderr);
		return 2;
	}
	__builtin_cpu_init();
	int avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("vpclmulqdq");
	const char *path = crc32c_use(CRC32C_AUTO);
	baselines[4].fn = strcmp(path, "portable") != 0 ? crc32c_x86_asm : NULL;
	struct crc32c_input in;
	crc32c_input_make(&in, requests, seed);
	uint64_t want = pass(&in, crc32c_portable);
	for (size_t a = 0; a < N_ANCHORS; a++)
		if (baselines[a].fn && (!baselines[a].needs_avx512 || avx512) &&
		    pass(&in, baselines[a].fn) != want) {
			fprintf(stderr, "baselines: %s computes other digests\n",
			        baselines[a].name);
			return 1;
		}
	for (int r = 0; r < ROUNDS; r++)
		for (size_t a = 0; a < N_ANCHORS; a++) {
			if (!baselines[a].fn || (baselines[a].needs_avx512 && !avx512))
				continue;
			double t0 = timing_now_ns();
			uint64_t k0 = crc32c_ticks();
			pass(&in, baselines[a].fn);
			baselines[a].ticks[r] = (double)(crc32c_ticks() - k0);
			baselines[a].ns[r] = timing_now_ns() - t0;
		}
	printf("%llu reads, %.1f MB, seed %llu; medians of %d interleaved rounds; crc32c runs "
	       "\"%s\"\n\n",
	       requests, (double)in.bytes / 1e6, seed, ROUNDS, path);
	printf("| code | what it does | GB/s | TSC ticks per byte | time vs ISA-L |\n");
	printf("|---|---|---:|---:|---:|\n");
	double best = median(baselines[0].ns);
	for (size_t a = 0; a < N_ANCHORS; a++) {
		if (!baselines[a].fn || (baselines[a].needs_avx512 && !avx512))
			continue;
		double ns = median(baselines[a].ns);
		printf("| %s | %s | %.1f | %.3f | %.2fx |\n", baselines[a].name, baselines[a].what,
		       (double)in.bytes / ns, median(baselines[a].ticks) / (double)in.bytes,
		       ns / best);
	}
	crc32_timing();
	clock_costs();
	crc32c_input_free(&in);
	return errno = 0;
}
