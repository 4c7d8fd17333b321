/* region.c: starts and stops callgrind's instrumentation around the measured region and times
 * it natively. Outside Valgrind the client requests are a few no-op instructions. */
#include "region.h"

#include <stdio.h>
#include <time.h>
#include <valgrind/callgrind.h>

static struct timespec started;

void region_begin(void)
{
	clock_gettime(CLOCK_MONOTONIC, &started);
	CALLGRIND_START_INSTRUMENTATION;
}

void region_end(void)
{
	CALLGRIND_STOP_INSTRUMENTATION;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	long long ns = (now.tv_sec - started.tv_sec) * 1000000000LL + (now.tv_nsec - started.tv_nsec);
	printf("region_ns %lld\n", ns);
}
