/* share.c: `make baselines LESSON=03`, second table (built and run by baselines.sh): what sharing
 * costs between two threads, per operation, for the README's "A channel or a mutex". Two
 * threads add to one counter under a mutex, with an atomic, or each to its own; one thread
 * hands items to the other through a bounded channel (mutex and two condition variables),
 * one item per send or 64. Median of RUNS runs. usage: share --ops N */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "timing.h"

#define RUNS 5
#define CAP  256

static long ops = 2000000;

/* {=== two threads, one counter ===} */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t locked_counter;
static atomic_uint_fast64_t atomic_counter;
static struct {
	_Alignas(64) uint64_t n; /* one cache line each: no false sharing */
} own[2];

static void *add_locked(void *arg)
{
	(void)arg;
	for (long i = 0; i < ops; i++) {
		pthread_mutex_lock(&lock);
		locked_counter++;
		pthread_mutex_unlock(&lock);
	}
	return NULL;
}

static void *add_atomic(void *arg)
{
	(void)arg;
	for (long i = 0; i < ops; i++)
		atomic_fetch_add_explicit(&atomic_counter, 1, memory_order_relaxed);
	return NULL;
}

static void *add_own(void *arg)
{
	uint64_t *n = arg;
	for (long i = 0; i < ops; i++)
		*(volatile uint64_t *)n += 1; /* volatile: one store per add, as the others do */
	return NULL;
}
/* }=== */

/* {=== a channel: a ring under a mutex, send blocks while full, receive while empty ===} */
static struct {
	pthread_mutex_t lock;
	pthread_cond_t not_empty, not_full;
	long ring[CAP];
	size_t head, count;
} ch = {.lock = PTHREAD_MUTEX_INITIALIZER,
        .not_empty = PTHREAD_COND_INITIALIZER,
        .not_full = PTHREAD_COND_INITIALIZER};
static long batch = 1;
static long received_sum;

static void *send_all(void *arg)
{
	(void)arg;
	for (long i = 0; i < ops; i += batch) {
		pthread_mutex_lock(&ch.lock);
		while (ch.count + batch > CAP)
			pthread_cond_wait(&ch.not_full, &ch.lock);
		for (long k = 0; k < batch; k++)
			ch.ring[(ch.head + ch.count++) % CAP] = i + k;
		pthread_cond_signal(&ch.not_empty);
		pthread_mutex_unlock(&ch.lock);
	}
	return NULL;
}

static void *receive_all(void *arg)
{
	(void)arg;
	long sum = 0;
	for (long got = 0; got < ops;) {
		pthread_mutex_lock(&ch.lock);
		while (ch.count == 0)
			pthread_cond_wait(&ch.not_empty, &ch.lock);
		for (; ch.count > 0; ch.count--, got++) /* take everything there is */
			sum += ch.ring[ch.head++ % CAP];
		pthread_cond_signal(&ch.not_full);
		pthread_mutex_unlock(&ch.lock);
	}
	received_sum = sum;
	return NULL;
}
/* }=== */

/* Median ns per operation of two threads running a and b. */
static double measure(void *(*a)(void *), void *arg_a, void *(*b)(void *), void *arg_b)
{
	double ns[RUNS];
	for (int r = 0; r < RUNS; r++) {
		ch.head = ch.count = 0;
		double start = timing_now_ns();
		pthread_t t[2];
		pthread_create(&t[0], NULL, a, arg_a);
		pthread_create(&t[1], NULL, b, arg_b);
		pthread_join(t[0], NULL);
		pthread_join(t[1], NULL);
		ns[r] = (timing_now_ns() - start) / (double)ops;
	}
	qsort(ns, RUNS, sizeof *ns, timing_by_value);
	return ns[RUNS / 2];
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--ops"))
		ops = atol(argv[2]) / 64 * 64;
	printf("\n2 threads, %ld operations each (a channel: %ld items), median of %d runs\n\n",
	       ops, ops, RUNS);
	printf("| what two threads share | ns per operation |\n|---|---|\n");
	printf("| one counter under a mutex (lock, add, unlock) | %.1f |\n",
	       measure(add_locked, NULL, add_locked, NULL));
	printf("| one atomic counter (`atomic_fetch_add`) | %.1f |\n",
	       measure(add_atomic, NULL, add_atomic, NULL));
	printf("| nothing: a counter each, on its own cache line | %.1f |\n",
	       measure(add_own, &own[0].n, add_own, &own[1].n));
	double one = measure(send_all, NULL, receive_all, NULL);
	long want = ops * (ops - 1) / 2;
	batch = 64;
	double many = measure(send_all, NULL, receive_all, NULL);
	printf("| a channel, one item per send | %.1f |\n", one);
	printf("| a channel, 64 items per send | %.1f |\n", many);
	if (locked_counter != 2 * RUNS * (uint64_t)ops || received_sum != want) {
		fputs("share: a count came out wrong\n", stderr);
		return 1;
	}
	return 0;
}
