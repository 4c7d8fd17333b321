/* 1-batched.c: lesson 03, partial.c plus batches: the producer sends as many tasks as fit per
 * lock and the workers receive up to 32 per lock. Still one queue whose lock every worker and
 * the producer share: batching alone, without per-worker queues. */
#include "pool.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>

/* changed: a channel: a bounded ring of tasks; send blocks while full, receive while empty */
struct channel {
	pthread_mutex_t lock;
	pthread_cond_t not_empty, not_full, idle; /* not_full: on the monotonic clock */
	struct pool_task *ring;
	size_t cap, head, count, unfinished; /* unfinished: queued or running */
	int closed;
};

struct pool {
	struct channel ch;
	pthread_t *threads;
	unsigned workers, started;
	struct pool_token *token;
};

/* One task finished or was dropped (ch locked): the last one wakes pool_wait. */
static void done_locked(struct channel *ch, size_t k)
{
	ch->unfinished -= k;
	if (ch->unfinished == 0)
		pthread_cond_broadcast(&ch->idle);
}

#define GRAB 32

/* Takes up to GRAB tasks into out; 0 once the channel is closed and empty. */
static size_t receive(struct channel *ch, struct pool_task *out)
{
	pthread_mutex_lock(&ch->lock);
	while (ch->count == 0 && !ch->closed)
		pthread_cond_wait(&ch->not_empty, &ch->lock);
	size_t k = ch->count < GRAB ? ch->count : GRAB; /* changed: a batch per lock */
	for (size_t i = 0; i < k; i++)
		out[i] = ch->ring[(ch->head + i) % ch->cap];
	ch->head = (ch->head + k) % ch->cap;
	ch->count -= k;
	if (k > 0)
		pthread_cond_signal(&ch->not_full);
	pthread_mutex_unlock(&ch->lock);
	return k;
}

static void *worker(void *arg)
{
	struct pool *p = arg;
	struct pool_task local[GRAB];
	size_t k;
	while ((k = receive(&p->ch, local)) > 0) {
		for (size_t i = 0; i < k && !pool_token_done(p->token); i++)
			local[i].run(local[i].arg);
		pthread_mutex_lock(&p->ch.lock);
		done_locked(&p->ch, k);
		pthread_mutex_unlock(&p->ch.lock);
	}
	return NULL;
}

/* Closes the channel, joins every worker, frees everything. */
static void stop(struct pool *p)
{
	pthread_mutex_lock(&p->ch.lock);
	p->ch.closed = 1;
	pthread_cond_broadcast(&p->ch.not_empty);
	pthread_mutex_unlock(&p->ch.lock);
	for (unsigned i = 0; i < p->started; i++) /* changed: every thread is joined */
		pthread_join(p->threads[i], NULL);
	pthread_mutex_destroy(&p->ch.lock);
	pthread_cond_destroy(&p->ch.not_empty);
	pthread_cond_destroy(&p->ch.not_full);
	pthread_cond_destroy(&p->ch.idle);
	free(p->ch.ring);
	free(p->threads);
	free(p);
}

struct pool *pool_create(unsigned workers, size_t capacity, struct pool_token *token)
{
	struct pool *p = calloc(1, sizeof *p);
	if (p == NULL)
		return NULL;
	p->workers = workers;
	p->token = token;
	p->ch.cap = capacity;
	pthread_mutex_init(&p->ch.lock, NULL);
	pthread_condattr_t monotonic;
	pthread_condattr_init(&monotonic);
	pthread_condattr_setclock(&monotonic, CLOCK_MONOTONIC);
	pthread_cond_init(&p->ch.not_full, &monotonic);
	pthread_condattr_destroy(&monotonic);
	pthread_cond_init(&p->ch.not_empty, NULL);
	pthread_cond_init(&p->ch.idle, NULL);
	p->ch.ring = malloc(capacity * sizeof *p->ch.ring);
	p->threads = malloc(workers * sizeof *p->threads);
	if (p->ch.ring == NULL || p->threads == NULL) {
		stop(p);
		return NULL;
	}
	/* changed: the workers are started once, here */
	for (; p->started < workers; p->started++)
		if (pthread_create(&p->threads[p->started], NULL, worker, p) != 0) {
			stop(p);
			return NULL;
		}
	return p;
}

/* Sends as many of tasks[0..n) as fit, at least 1: blocks while the channel is full
 * (backpressure), until the token is done. Returns how many were sent; 0 if cancelled. */
static size_t chan_send(struct pool *p, const struct pool_task *tasks, size_t n)
{
	struct channel *ch = &p->ch;
	pthread_mutex_lock(&ch->lock);
	while (ch->count == ch->cap && !pool_token_done(p->token)) {
		if (p->token != NULL && p->token->deadline_ns != 0) {
			struct timespec at = {(time_t)(p->token->deadline_ns / 1000000000u),
			                      (long)(p->token->deadline_ns % 1000000000u)};
			pthread_cond_timedwait(&ch->not_full, &ch->lock, &at);
		} else {
			pthread_cond_wait(&ch->not_full, &ch->lock);
		}
	}
	size_t k = 0;
	if (!pool_token_done(p->token)) { /* changed: a batch per lock, one wake-up */
		k = ch->cap - ch->count < n ? ch->cap - ch->count : n;
		for (size_t i = 0; i < k; i++)
			ch->ring[(ch->head + ch->count + i) % ch->cap] = tasks[i];
		ch->count += k;
		ch->unfinished += k;
		pthread_cond_broadcast(&ch->not_empty);
	}
	pthread_mutex_unlock(&ch->lock);
	return k;
}

int pool_submit(struct pool *p, const struct pool_task *tasks, size_t n)
{
	for (size_t done = 0, k; done < n; done += k)
		if ((k = chan_send(p, tasks + done, n - done)) == 0)
			return POOL_CANCELLED;
	return POOL_OK;
}

int pool_wait(struct pool *p)
{
	pthread_mutex_lock(&p->ch.lock);
	while (p->ch.unfinished != 0)
		pthread_cond_wait(&p->ch.idle, &p->ch.lock);
	pthread_mutex_unlock(&p->ch.lock);
	return pool_token_done(p->token) ? POOL_CANCELLED : POOL_OK;
}

void pool_cancel(struct pool *p)
{
	pool_token_cancel(p->token);
	pthread_mutex_lock(&p->ch.lock);
	done_locked(&p->ch, p->ch.count); /* changed: what is queued is dropped */
	p->ch.count = 0;
	pthread_cond_broadcast(&p->ch.not_full);
	pthread_mutex_unlock(&p->ch.lock);
}

void pool_destroy(struct pool *p)
{
	stop(p);
}
