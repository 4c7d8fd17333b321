/* pool.c: runs submitted tasks on threads (the contract is in pool.h). Correct and readable,
 * and slow: this is the file you make fast, cancellable and leak-free. */
#include "pool.h"

#include <pthread.h>
#include <stdlib.h>

struct pool {
	pthread_mutex_t lock; /* one lock for everything: the shared state is safe */
	pthread_t *threads;   /* threads started and not yet joined */
	size_t n_threads, cap_threads;
	struct pool_token *token;
};

/* What a thread needs to run one task. */
struct start {
	struct pool *pool;
	struct pool_task task;
};

static void *run_one(void *arg)
{
	struct start *s = arg;
	pthread_mutex_lock(&s->pool->lock); /* tasks may touch shared state: one at a time */
	s->task.run(s->task.arg);
	pthread_mutex_unlock(&s->pool->lock);
	free(s);
	return NULL;
}

struct pool *pool_create(unsigned workers, size_t capacity, struct pool_token *token)
{
	(void)workers; /* TODO: a thread per task needs no workers and no queue */
	(void)capacity;
	struct pool *p = calloc(1, sizeof *p);
	if (p == NULL)
		return NULL;
	pthread_mutex_init(&p->lock, NULL);
	p->token = token;
	return p;
}

/* Starts one thread for one task and remembers it, so that pool_wait can join it. */
static int start_task(struct pool *p, const struct pool_task *task)
{
	struct start *s = malloc(sizeof *s);
	if (s == NULL)
		return POOL_ERROR;
	*s = (struct start){p, *task};
	pthread_t t;
	if (pthread_create(&t, NULL, run_one, s) != 0) {
		free(s);
		return POOL_ERROR;
	}
	if (p->n_threads == p->cap_threads) {
		size_t cap = p->cap_threads ? 2 * p->cap_threads : 16;
		pthread_t *grown = realloc(p->threads, cap * sizeof *grown);
		if (grown == NULL)
			return POOL_ERROR;
		p->threads = grown;
		p->cap_threads = cap;
	}
	p->threads[p->n_threads++] = t;
	return POOL_OK;
}

/* TODO: make this faster; keep the signature */
int pool_submit(struct pool *p, const struct pool_task *tasks, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int status = start_task(p, &tasks[i]);
		if (status != POOL_OK)
			return status;
	}
	return POOL_OK;
}

int pool_wait(struct pool *p)
{
	for (size_t i = 0; i < p->n_threads; i++)
		pthread_join(p->threads[i], NULL);
	p->n_threads = 0;
	return pool_token_done(p->token) ? POOL_CANCELLED : POOL_OK;
}

void pool_cancel(struct pool *p)
{
	pool_token_cancel(p->token);
}

void pool_destroy(struct pool *p)
{
	pool_wait(p);
	pthread_mutex_destroy(&p->lock);
	free(p->threads);
	free(p);
}
