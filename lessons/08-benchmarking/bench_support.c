/* bench_support.c: the course's half of benchmark.h: the real clock and the payload. Not the
 * student's: compiled apart from benchmark.c, so the compiler there sees only the declarations
 * (bench_payload's const promise included) and not what the code does. */
#include <time.h>

#include "benchmark.h"

uint64_t bench_payload_calls;

/* A lie the tests rely on: declared const, it writes memory, to count its calls. */
uint64_t bench_payload(uint64_t x)
{
	bench_payload_calls++;
	return (x * UINT64_C(0x9e3779b97f4a7c15)) >> 32;
}

static uint64_t monotonic_ns(void *ctx)
{
	struct timespec ts;
	(void)ctx;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

const struct bench_clock bench_monotonic = {monotonic_ns, NULL};
