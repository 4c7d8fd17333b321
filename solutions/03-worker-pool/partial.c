/* partial.c: lesson 03 half done: a fixed pool of workers around one bounded channel (a ring
 * with send, receive and close under one mutex), with backpressure, cancellation and every
 * thread joined. Still one lock round trip per task on each side, and every worker and the
 * producer share the channel's one lock: the design that stops scaling at 4 cores. */
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

/* Takes one task; 0 once the channel is closed and empty. */
static int receive(struct channel *ch, struct pool_task *t)
{
	pthread_mutex_lock(&ch->lock);
	while (ch->count == 0 && !ch->closed)
		pthread_cond_wait(&ch->not_empty, &ch->lock); /* changed: sleeps, never spins */
	int got = ch->count > 0;
	if (got) {
		*t = ch->ring[ch->head];
		ch->head = (ch->head + 1) % ch->cap;
		ch->count--;
		pthread_cond_signal(&ch->not_full);
	}
	pthread_mutex_unlock(&ch->lock);
	return got;
}

static void *worker(void *arg)
{
	struct pool *p = arg;
	struct pool_task t;
	while (receive(&p->ch, &t)) {
		if (!pool_token_done(p->token)) /* changed: a cancelled task never starts */
			t.run(t.arg);
		pthread_mutex_lock(&p->ch.lock);
		done_locked(&p->ch, 1);
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

/* Sends one task: blocks while the channel is full (backpressure), until the token is done. */
static int chan_send(struct pool *p, const struct pool_task *t)
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
	int status = pool_token_done(p->token) ? POOL_CANCELLED : POOL_OK;
	if (status == POOL_OK) {
		ch->ring[(ch->head + ch->count++) % ch->cap] = *t;
		ch->unfinished++;
		pthread_cond_signal(&ch->not_empty);
	}
	pthread_mutex_unlock(&ch->lock);
	return status;
}

int pool_submit(struct pool *p, const struct pool_task *tasks, size_t n)
{
	for (size_t i = 0; i < n; i++) /* TODO: one lock per task, one signal per task */
		if (chan_send(p, &tasks[i]) != POOL_OK)
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
