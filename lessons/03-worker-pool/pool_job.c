/* pool_job.c: lesson 03's work, course-owned (pool_job.h). Its own object: the pool cannot
 * inline the work, and every version pays the same for it. */
#include "pool_job.h"

#include "bench_input.h"
#include "checksum.h"
#include "prng.h"

void pool_jobs_make(struct pool_jobs *j, size_t n, size_t min_len, size_t max_len, uint64_t seed)
{
	struct prng g;
	prng_seed(&g, seed);
	j->n = n;
	j->jobs = bench_input_alloc(n * sizeof *j->jobs + 1);
	j->tasks = bench_input_alloc(n * sizeof *j->tasks + 1);
	j->results = bench_input_alloc(n * sizeof *j->results + 1);
	size_t total = 0;
	for (size_t i = 0; i < n; i++) {
		j->jobs[i].len = min_len + prng_below(&g, max_len - min_len + 1);
		total += j->jobs[i].len;
	}
	j->n_bytes = total;
	j->bytes = bench_input_alloc(total + 1);
	for (size_t i = 0; i < total; i++)
		j->bytes[i] = (uint8_t)prng_next(&g);
	for (size_t i = 0, at = 0; i < n; at += j->jobs[i++].len) {
		j->jobs[i].data = j->bytes + at;
		j->jobs[i].out = &j->results[i];
		j->tasks[i] = (struct pool_task){pool_job_run, &j->jobs[i]};
	}
}

void pool_jobs_free(struct pool_jobs *j)
{
	bench_input_free(j->bytes, j->n_bytes + 1);
	bench_input_free(j->jobs, j->n * sizeof *j->jobs + 1);
	bench_input_free(j->tasks, j->n * sizeof *j->tasks + 1);
	bench_input_free(j->results, j->n * sizeof *j->results + 1);
}

__attribute__((noinline)) uint64_t pool_job_hash(const uint8_t *data, size_t len)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);
	for (size_t i = 0; i < len; i++)
		h = (h ^ data[i]) * UINT64_C(0x100000001b3);
	return h;
}

__attribute__((noinline)) void pool_job_run(void *arg)
{
	struct pool_job *job = arg;
	*job->out = pool_job_hash(job->data, job->len);
}

__attribute__((noinline)) void pool_job_empty(void *arg)
{
	(void)arg;
}

uint64_t pool_jobs_checksum(const struct pool_jobs *j)
{
	return checksum_bytes(CHECKSUM_INIT, j->results, j->n * sizeof *j->results);
}
