/* bench.c: lesson 08's workload driver. Measures the harness itself: the time of --iterations
 * calls of a trivial operation through bench_time (a function pointer, one call per iteration)
 * and of as many calls of bench_payload through bench_time_payload, on the real clock. The
 * operations cost a few instructions each, so what the region counts is the harness's own
 * overhead per iteration. Prints a checksum of the calls that happened (not of the times,
 * which vary from run to run). */
#include <stdint.h>
#include <stdio.h>

#include "bench_args.h"
#include "benchmark.h"
#include "checksum.h"
#include "exec_deny.h"
#include "region.h"

static void trivial(void *arg)
{
	++*(volatile uint64_t *)arg;
}

int main(int argc, char **argv)
{
	struct bench_option opt[] = {{.name = "--iterations"}, {.name = "--seed"}};

	if (exec_deny_install() != 0) {
		perror("bench: cannot install the exec filter");
		return 2;
	}
	if (bench_args(argc, argv, opt, 2) != 0)
		return 2;

	uint64_t n = opt[0].value, calls = opt[1].value, payload_before = bench_payload_calls;
	uint64_t ns_fn, ns_payload;

	REGION_BEGIN();
	ns_fn = bench_time(&bench_monotonic, trivial, &calls, n);
	ns_payload = bench_time_payload(&bench_monotonic, n);
	REGION_END();

	fprintf(stderr,
	        "bench: %.2f ns per call through bench_time, %.2f through bench_time_payload\n",
	        n ? (double)ns_fn / (double)n : 0.0, n ? (double)ns_payload / (double)n : 0.0);
	uint64_t h = checksum_u64(checksum_u64(CHECKSUM_INIT, calls - opt[1].value),
	                          bench_payload_calls - payload_before);
	h = checksum_u64(h, opt[1].value);
	printf("checksum %016llx\n", (unsigned long long)h);
	return 0;
}
