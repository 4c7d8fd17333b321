/* region.c: starts and stops callgrind's instrumentation around the measured region and times
 * it natively. Outside Valgrind the client requests are a few no-op instructions. */
#include "region.h"

#include <stdio.h>
#include <sys/resource.h>
#include <time.h>
#include <valgrind/callgrind.h>

static struct timespec started;
static struct rusage usage_at_start;

static long long timeval_ns(struct timeval t)
{
	return (long long)t.tv_sec * 1000000000LL + (long long)t.tv_usec * 1000LL;
}

void region_begin(void)
{
	getrusage(RUSAGE_SELF, &usage_at_start);
	clock_gettime(CLOCK_MONOTONIC, &started);
	CALLGRIND_START_INSTRUMENTATION;
}

void region_end(void)
{
	CALLGRIND_STOP_INSTRUMENTATION;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	struct rusage u;
	getrusage(RUSAGE_SELF, &u); /* every thread's, including workers already joined */
	long long ns =
	    (now.tv_sec - started.tv_sec) * 1000000000LL + (now.tv_nsec - started.tv_nsec);
	long long cpu = timeval_ns(u.ru_utime) + timeval_ns(u.ru_stime) -
	                timeval_ns(usage_at_start.ru_utime) - timeval_ns(usage_at_start.ru_stime);
	printf("region_ns %lld\n", ns);
	printf("region_cpu_ns %lld\n", cpu);
	printf("region_csw %ld\n",
	       (u.ru_nvcsw - usage_at_start.ru_nvcsw) + (u.ru_nivcsw - usage_at_start.ru_nivcsw));
	printf("region_minflt %ld\n", u.ru_minflt - usage_at_start.ru_minflt);
	printf("region_max_rss %ld\n", u.ru_maxrss * 1024L); /* the process's peak so far, bytes */
}
