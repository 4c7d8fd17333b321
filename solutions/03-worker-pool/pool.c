/* pool.c: lesson 03's reference (the contract is in pool.h). A fixed set of workers, each
 * with its own queue; the producer splits every batch across the queues with one lock per
 * queue, a worker takes up to GRAB tasks per lock and steals half of another queue when its
 * own is empty. One shared count bounds the queue (backpressure); a token cancels. */
#include "pool.h"

#include <pthread.h>
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define GRAB 32 /* tasks a worker takes per lock: 1 lock per 32 tasks, not 1 per task */

/* changed: one queue per worker, each on its own cache lines, so the lock a worker takes is
 * shared with the producer and the odd thief, never with every other worker */
struct queue {
	alignas(64) pthread_mutex_t lock;
	pthread_cond_t work; /* the owner sleeps here when the queue is empty */
	struct pool_task *ring;
	size_t head, count;
	atomic_size_t visible; /* count, readable without the lock: a hint, rechecked under it */
	int owner_sleeping;
	struct pool *pool;
	unsigned index;
};

/* q->count = n (q locked), and its unlocked copy for threads deciding whether to lock q. */
static void set_count(struct queue *q, size_t n)
{
	q->count = n;
	atomic_store_explicit(&q->visible, n, memory_order_relaxed);
}

/* changed: a worker skips the lock of a queue that looks empty. Unlike a plain read of count
 * without the lock (a data race: see racy), an atomic may be read anywhere; a stale value
 * only costs a lock taken for nothing, or a look elsewhere, and the worker rechecks its own
 * queue under the lock before it sleeps. */
static int looks_empty(struct queue *q)
{
	return atomic_load_explicit(&q->visible, memory_order_relaxed) == 0;
}

struct pool {
	struct queue *queues;
	struct pool_task *rings; /* every queue's ring, in one block */
	pthread_t *threads;
	unsigned workers, started;
	size_t capacity, next; /* next: the queue the producer fills first (producer only) */
	struct pool_token *token;
	atomic_int closing;
	/* changed: the queue bound is one count, not a lock: producer adds, workers subtract */
	atomic_size_t queued;      /* in the queues, not yet taken by a worker */
	atomic_size_t unfinished;  /* queued, or taken and not yet run or dropped */
	pthread_mutex_t lock;      /* only for sleeping: the producer, pool_wait */
	pthread_cond_t room, idle; /* room: on the monotonic clock, for the deadline */
};

/* Takes up to max tasks from the head of q into out (q locked by the caller). */
static size_t take(struct queue *q, struct pool_task *out, size_t max)
{
	size_t k = q->count < max ? q->count : max, cap = q->pool->capacity;
	for (size_t i = 0; i < k; i++)
		out[i] = q->ring[(q->head + i) % cap];
	q->head = (q->head + k) % cap;
	set_count(q, q->count - k);
	return k;
}

/* k tasks left the queues: if they were full, the producer may be asleep waiting for room. */
static void left_queue(struct pool *p, size_t k)
{
	if (k > 0 && atomic_fetch_sub(&p->queued, k) == p->capacity) {
		pthread_mutex_lock(&p->lock);
		pthread_cond_signal(&p->room);
		pthread_mutex_unlock(&p->lock);
	}
}

/* k tasks ran or were dropped: the last one wakes pool_wait. */
static void finished(struct pool *p, size_t k)
{
	if (k > 0 && atomic_fetch_sub(&p->unfinished, k) == k) {
		pthread_mutex_lock(&p->lock);
		pthread_cond_broadcast(&p->idle);
		pthread_mutex_unlock(&p->lock);
	}
}

/* Fills out from q, else from the other queues (half of a victim's tasks); 0 if all empty. */
static size_t find_work(struct queue *q, struct pool_task *out)
{
	struct pool *p = q->pool;
	size_t k = 0;
	if (!looks_empty(q)) {
		pthread_mutex_lock(&q->lock);
		k = take(q, out, GRAB);
		pthread_mutex_unlock(&q->lock);
	}
	for (unsigned i = 1; k == 0 && i < p->workers; i++) {
		struct queue *victim = &p->queues[(q->index + i) % p->workers];
		if (looks_empty(victim))
			continue;
		pthread_mutex_lock(&victim->lock);
		size_t half = (victim->count + 1) / 2;
		k = take(victim, out, half < GRAB ? half : GRAB);
		pthread_mutex_unlock(&victim->lock);
	}
	left_queue(p, k);
	return k;
}

static void *worker(void *arg)
{
	struct queue *q = arg;
	struct pool *p = q->pool;
	struct pool_task local[GRAB];
	for (;;) {
		size_t k = find_work(q, local);
		/* changed: the token is checked before each start: cancelled tasks never start */
		for (size_t i = 0; i < k && !pool_token_done(p->token); i++)
			local[i].run(local[i].arg);
		finished(p, k);
		if (k > 0)
			continue;
		pthread_mutex_lock(&q->lock);
		if (q->count == 0 && atomic_load(&p->closing)) {
			pthread_mutex_unlock(&q->lock);
			return NULL;
		}
		/* changed: an idle worker sleeps on a condition variable; it never spins */
		if (q->count == 0) {
			q->owner_sleeping = 1;
			pthread_cond_wait(&q->work, &q->lock);
			q->owner_sleeping = 0;
		}
		pthread_mutex_unlock(&q->lock);
	}
}

/* Sets closing, wakes every worker and joins them; frees everything. */
static void stop(struct pool *p)
{
	atomic_store(&p->closing, 1);
	for (unsigned i = 0; i < p->started; i++) {
		pthread_mutex_lock(&p->queues[i].lock);
		pthread_cond_signal(&p->queues[i].work);
		pthread_mutex_unlock(&p->queues[i].lock);
	}
	/* changed: every thread started is joined, on every path */
	for (unsigned i = 0; i < p->started; i++)
		pthread_join(p->threads[i], NULL);
	for (unsigned i = 0; i < p->workers; i++) {
		pthread_mutex_destroy(&p->queues[i].lock);
		pthread_cond_destroy(&p->queues[i].work);
	}
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->room);
	pthread_cond_destroy(&p->idle);
	free(p->rings);
	free(p->queues);
	free(p->threads);
	free(p);
}

struct pool *pool_create(unsigned workers, size_t capacity, struct pool_token *token)
{
	struct pool *p = calloc(1, sizeof *p);
	if (p == NULL)
		return NULL;
	p->workers = workers;
	p->capacity = capacity;
	p->token = token;
	pthread_mutex_init(&p->lock, NULL);
	pthread_condattr_t monotonic;
	pthread_condattr_init(&monotonic);
	pthread_condattr_setclock(&monotonic, CLOCK_MONOTONIC);
	pthread_cond_init(&p->room, &monotonic);
	pthread_condattr_destroy(&monotonic);
	pthread_cond_init(&p->idle, NULL);
	/* changed: each ring holds capacity tasks, so only the shared count can say "full" */
	p->queues = aligned_alloc(64, workers * sizeof *p->queues);
	p->threads = malloc(workers * sizeof *p->threads);
	p->rings = malloc(workers * capacity * sizeof *p->rings);
	if (p->queues == NULL || p->threads == NULL || p->rings == NULL) {
		p->workers = 0;
		stop(p);
		return NULL;
	}
	for (unsigned i = 0; i < workers; i++) {
		struct queue *q = &p->queues[i];
		*q = (struct queue){.ring = p->rings + i * capacity, .pool = p, .index = i};
		pthread_mutex_init(&q->lock, NULL);
		pthread_cond_init(&q->work, NULL);
	}
	for (; p->started < workers; p->started++)
		if (pthread_create(&p->threads[p->started], NULL, worker, &p->queues[p->started])) {
			stop(p);
			return NULL;
		}
	return p;
}

/* Sleeps until the queues have room or the token is done (deadline: a timed wait). */
static void wait_for_room(struct pool *p)
{
	pthread_mutex_lock(&p->lock);
	while (atomic_load(&p->queued) == p->capacity && !pool_token_done(p->token)) {
		if (p->token != NULL && p->token->deadline_ns != 0) {
			struct timespec at = {(time_t)(p->token->deadline_ns / 1000000000u),
			                      (long)(p->token->deadline_ns % 1000000000u)};
			pthread_cond_timedwait(&p->room, &p->lock, &at);
		} else {
			pthread_cond_wait(&p->room, &p->lock);
		}
	}
	pthread_mutex_unlock(&p->lock);
}

/* changed: a batch goes in as one chunk per queue, one lock and at most one wake-up each */
int pool_submit(struct pool *p, const struct pool_task *tasks, size_t n)
{
	size_t share = (n + p->workers - 1) / p->workers, done = 0;
	atomic_fetch_add(&p->unfinished, n);
	while (done < n) {
		if (pool_token_done(p->token)) {
			finished(p, n - done);
			return POOL_CANCELLED;
		}
		size_t room = p->capacity - atomic_load(&p->queued);
		if (room == 0) {
			wait_for_room(p);
			continue;
		}
		size_t k = n - done < share ? n - done : share;
		k = k < room ? k : room;
		struct queue *q = &p->queues[p->next];
		p->next = (p->next + 1) % p->workers;
		pthread_mutex_lock(&q->lock);
		for (size_t i = 0; i < k; i++)
			q->ring[(q->head + q->count + i) % p->capacity] = tasks[done + i];
		set_count(q, q->count + k);
		atomic_fetch_add(&p->queued, k);
		if (q->owner_sleeping)
			pthread_cond_signal(&q->work);
		pthread_mutex_unlock(&q->lock);
		done += k;
	}
	return POOL_OK;
}

int pool_wait(struct pool *p)
{
	pthread_mutex_lock(&p->lock);
	while (atomic_load(&p->unfinished) != 0)
		pthread_cond_wait(&p->idle, &p->lock);
	pthread_mutex_unlock(&p->lock);
	return pool_token_done(p->token) ? POOL_CANCELLED : POOL_OK;
}

void pool_cancel(struct pool *p)
{
	pool_token_cancel(p->token);
	for (unsigned i = 0; i < p->workers; i++) {
		struct queue *q = &p->queues[i];
		pthread_mutex_lock(&q->lock);
		size_t dropped = q->count; /* changed: queued tasks are dropped, never started */
		set_count(q, 0);
		pthread_mutex_unlock(&q->lock);
		left_queue(p, dropped);
		finished(p, dropped);
	}
	pthread_mutex_lock(&p->lock);
	pthread_cond_broadcast(&p->room);
	pthread_mutex_unlock(&p->lock);
}

void pool_destroy(struct pool *p)
{
	stop(p);
}
