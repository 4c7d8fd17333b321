/* pool.h: a fixed set of worker threads fed through a bounded queue (lesson 03's pattern):
 * submit blocks while the queue is full, so memory stays flat however many jobs there are. Each
 * worker has a slot number 0..workers-1 that a job can use (the batch's per-slot user). */
#ifndef POOL_H
#define POOL_H

#include <stddef.h>

typedef void (*pool_job_fn)(void *ctx, size_t job, unsigned slot);

struct pool;

/* Starts workers threads. Returns NULL when a thread cannot be started (none is left
 * running). */
struct pool *pool_start(unsigned workers, size_t queue_capacity, pool_job_fn fn, void *ctx);

/* Queues job; blocks while the queue is full. */
void pool_submit(struct pool *p, size_t job);

/* Lets the workers finish every queued job, joins them and frees the pool. */
void pool_finish(struct pool *p);

#endif
