/* work_pool.c: fixed workers and a bounded ring of job numbers, guarded by one mutex and two
 * condition variables (not_empty for workers, not_full for the submitter). */
#include "work_pool.h"

#include <pthread.h>
#include <stdlib.h>

#define MAX_WORKERS 64

struct work_pool {
	pthread_mutex_t lock;
	pthread_cond_t not_empty, not_full;
	size_t *ring, capacity, head, count;
	int closed;
	work_pool_job_fn fn;
	void *ctx;
	pthread_t threads[MAX_WORKERS];
	unsigned workers, next_slot;
};

/* Takes the next job; returns 0 when the queue is closed and empty. */
static int take(struct work_pool *p, size_t *job)
{
	pthread_mutex_lock(&p->lock);
	while (p->count == 0 && !p->closed)
		pthread_cond_wait(&p->not_empty, &p->lock);
	int got = p->count > 0;
	if (got) {
		*job = p->ring[p->head];
		p->head = (p->head + 1) % p->capacity;
		p->count--;
		pthread_cond_signal(&p->not_full);
	}
	pthread_mutex_unlock(&p->lock);
	return got;
}

static void *worker(void *arg)
{
	struct work_pool *p = arg;
	pthread_mutex_lock(&p->lock);
	unsigned slot = p->next_slot++;
	pthread_mutex_unlock(&p->lock);
	size_t job;
	while (take(p, &job))
		p->fn(p->ctx, job, slot);
	return NULL;
}

struct work_pool *work_pool_start(unsigned workers, size_t queue_capacity, work_pool_job_fn fn,
                                  void *ctx)
{
	if (workers == 0 || workers > MAX_WORKERS || queue_capacity == 0)
		return NULL;
	struct work_pool *p = calloc(1, sizeof *p);
	if (p == NULL || (p->ring = calloc(queue_capacity, sizeof *p->ring)) == NULL) {
		free(p);
		return NULL;
	}
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->not_empty, NULL);
	pthread_cond_init(&p->not_full, NULL);
	p->capacity = queue_capacity;
	p->fn = fn;
	p->ctx = ctx;
	for (; p->workers < workers; p->workers++)
		if (pthread_create(&p->threads[p->workers], NULL, worker, p) != 0) {
			work_pool_finish(p);
			return NULL;
		}
	return p;
}

void work_pool_submit(struct work_pool *p, size_t job)
{
	pthread_mutex_lock(&p->lock);
	while (p->count == p->capacity)
		pthread_cond_wait(&p->not_full, &p->lock);
	p->ring[(p->head + p->count) % p->capacity] = job;
	p->count++;
	pthread_cond_signal(&p->not_empty);
	pthread_mutex_unlock(&p->lock);
}

void work_pool_finish(struct work_pool *p)
{
	pthread_mutex_lock(&p->lock);
	p->closed = 1;
	pthread_cond_broadcast(&p->not_empty);
	pthread_mutex_unlock(&p->lock);
	for (unsigned i = 0; i < p->workers; i++)
		pthread_join(p->threads[i], NULL);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->not_empty);
	pthread_cond_destroy(&p->not_full);
	free(p->ring);
	free(p);
}
