/* bench.c: lesson 03's workload driver. A producer hashes many small seeded blocks on a pool:
 * it starts the pool, submits one task per block in batches of --batch, waits, and destroys
 * the pool, all inside the measured region; then prints a checksum of every block's hash.
 * --workers sets the pool's size (more cores: try more); --empty submits tasks that do
 * nothing, to measure the pool's own cost per task. */
#include <stdio.h>

#include "bench_args.h"
#include "exec_deny.h"
#include "pool.h"
#include "pool_job.h"
#include "region.h"

int main(int argc, char **argv)
{
	struct bench_option opt[] = {{.name = "--tasks"},    {.name = "--workers"},
	                             {.name = "--capacity"}, {.name = "--batch"},
	                             {.name = "--seed"},     {.name = "--empty", .is_flag = 1}};
	if (exec_deny_install() != 0) {
		perror("bench: cannot install the exec filter");
		return 2;
	}
	if (bench_args(argc, argv, opt, 6) != 0)
		return 2;
	size_t n = opt[0].value, batch = opt[3].value;
	if (opt[1].value < 1 || opt[1].value > 256 || opt[2].value < 1 || batch < 1) {
		fputs("bench: --workers 1..256, --capacity and --batch at least 1\n", stderr);
		return 2;
	}
	struct pool_jobs in;
	pool_jobs_make(&in, n, 384, 640, opt[4].value);
	for (size_t i = 0; opt[5].value && i < n; i++)
		in.tasks[i].run = pool_job_empty;

	REGION_BEGIN();
	struct pool *p = pool_create((unsigned)opt[1].value, opt[2].value, NULL);
	if (p == NULL) {
		fputs("bench: pool_create failed\n", stderr);
		return 1;
	}
	for (size_t i = 0; i < n; i += batch)
		if (pool_submit(p, in.tasks + i, n - i < batch ? n - i : batch) != POOL_OK) {
			fputs("bench: pool_submit failed\n", stderr);
			return 1;
		}
	int status = pool_wait(p);
	pool_destroy(p);
	REGION_END();

	if (status != POOL_OK) {
		fputs("bench: pool_wait did not run every task\n", stderr);
		return 1;
	}
	printf("checksum %016llx\n", (unsigned long long)pool_jobs_checksum(&in));
	pool_jobs_free(&in);
	return 0;
}
