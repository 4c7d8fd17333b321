/* pool_job.h: the work of lesson 03's bench, tests and baselines, course-owned: hashing many
 * small blocks of a seeded buffer, one task per block, each result in its own slot. */
#ifndef POOL_JOB_H
#define POOL_JOB_H

#include <stddef.h>
#include <stdint.h>

#include "pool.h"

/* One task's work: *out = FNV-1a-64 of data[0..len). */
struct pool_job {
	const uint8_t *data;
	size_t len;
	uint64_t *out;
};

/* n jobs over one seeded buffer; block sizes min_len..max_len bytes. Memory comes from mmap
 * (bench_input), so massif sees only the pool's heap. */
struct pool_jobs {
	size_t n;
	uint8_t *bytes;
	size_t n_bytes;
	struct pool_job *jobs;
	struct pool_task *tasks; /* tasks[i] = {pool_job_run, &jobs[i]} */
	uint64_t *results;
};

void pool_jobs_make(struct pool_jobs *j, size_t n, size_t min_len, size_t max_len, uint64_t seed);
void pool_jobs_free(struct pool_jobs *j);

/* A task function: arg is a struct pool_job. */
void pool_job_run(void *arg);

/* A task function that does nothing: the pool's own cost per task. */
void pool_job_empty(void *arg);

/* FNV-1a-64 of data[0..len): about 1 ns per byte, a chain of multiplies. */
uint64_t pool_job_hash(const uint8_t *data, size_t len);

/* The checksum the bench prints: every result, in index order. */
uint64_t pool_jobs_checksum(const struct pool_jobs *j);

#endif
