/* bench.c: lesson 04's workload driver. Runs the metrics pipeline (pipeline.h) on seeded
 * samples: sharded counting, a pool of message slots, a producer and a consumer on a ring.
 * Natively each stage runs on --workers threads (the ring on two), --rounds times; under
 * Valgrind it runs once with the workers taking turns on one thread, because threads that spin
 * make Valgrind's counts meaningless (DESIGN section 4.4). Prints a checksum of one round. */
#include <stdio.h>
#include <valgrind/valgrind.h>

#include "bench_args.h"
#include "checksum.h"
#include "exec_deny.h"
#include "pipeline.h"
#include "region.h"

int main(int argc, char **argv)
{
	struct bench_option opt[] = {
	    {.name = "--samples"}, {.name = "--workers"}, {.name = "--rounds"}, {.name = "--seed"}};
	if (exec_deny_install() != 0) {
		perror("bench: cannot install the exec filter");
		return 2;
	}
	if (bench_args(argc, argv, opt, 4) != 0)
		return 2;
	unsigned workers = (unsigned)opt[1].value;
	if (workers < 1 || workers > PIPELINE_MAX_WORKERS || opt[2].value < 1) {
		fprintf(stderr, "bench: --workers must be 1..%d, --rounds at least 1\n",
		        PIPELINE_MAX_WORKERS);
		return 2;
	}
	int threaded = !RUNNING_ON_VALGRIND;
	unsigned long long rounds = threaded ? opt[2].value : 1;
	struct pipeline_input in;
	pipeline_input_make(&in, opt[0].value, opt[3].value);
	struct pipeline_result first = {0}, r;

	REGION_BEGIN();
	for (unsigned long long i = 0; i < rounds; i++) {
		pipeline_count(&in, workers, threaded, &r);
		pipeline_pool(workers, in.n / 2, threaded, &r);
		pipeline_ring(&in, PIPELINE_RING_CAPACITY, threaded, &r);
		if (i == 0)
			first = r;
		else if (r.count_sum != first.count_sum || r.ring_hash != first.ring_hash)
			first.pool_errors++; /* a round that differs spoils the checksum */
	}
	REGION_END();

	uint64_t h = CHECKSUM_INIT;
	const uint64_t *v = &first.count_sum;
	for (size_t k = 0; k < sizeof first / sizeof *v; k++)
		h = checksum_u64(h, v[k]);
	printf("checksum %016llx\n", (unsigned long long)h);
	pipeline_input_free(&in);
	return 0;
}
