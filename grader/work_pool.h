/* work_pool.h: a fixed set of worker threads fed through a bounded queue (lesson 03's pattern):
 * submit blocks while the queue is full, so memory stays flat however many jobs there are. Each
 * worker has a slot number 0..workers-1 that a job can use (the batch's per-slot user). */
#ifndef WORK_POOL_H
#define WORK_POOL_H

#include <stddef.h>

typedef void (*work_pool_job_fn)(void *ctx, size_t job, unsigned slot);

struct work_pool;

/* Starts workers threads. Returns NULL when a thread cannot be started (none is left
 * running). */
struct work_pool *work_pool_start(unsigned workers, size_t queue_capacity, work_pool_job_fn fn,
                                  void *ctx);

/* Queues job; blocks while the queue is full. */
void work_pool_submit(struct work_pool *p, size_t job);

/* Lets the workers finish every queued job, joins them and frees the pool. */
void work_pool_finish(struct work_pool *p);

#endif
