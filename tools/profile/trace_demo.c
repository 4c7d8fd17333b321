/* trace_demo.c: a small worker pool traced with tools/harness/trace.h, lesson 07's example of
 * a timeline (`make trace LESSON=07`): 4 workers take 64 tasks of uneven length from one
 * mutex-and-condition-variable queue; each task is a span on its worker's row, and the
 * producer's submit and wait are spans on its own.
 *   build/profile/trace_demo OUT.json [--workers N] */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace.h"

#define TASKS       64
#define MAX_WORKERS 16

struct queue {
	pthread_mutex_t lock;
	pthread_cond_t ready;
	int next, submitted, closed;
	uint64_t cost[TASKS]; /* iterations of each task's busy work */
	uint64_t result[TASKS];
};

static uint64_t busy(uint64_t iterations, uint64_t seed)
{
	uint64_t h = seed | 1;
	for (uint64_t i = 0; i < iterations; i++)
		h = (h ^ i) * UINT64_C(0x100000001b3);
	return h;
}

static void *worker(void *arg)
{
	struct queue *q = arg;
	char name[32];
	static int next_id;
	pthread_mutex_lock(&q->lock);
	snprintf(name, sizeof name, "worker %d", ++next_id);
	pthread_mutex_unlock(&q->lock);
	trace_thread_name(name);
	for (;;) {
		pthread_mutex_lock(&q->lock);
		trace_begin("wait for a task");
		while (q->next == q->submitted && !q->closed)
			pthread_cond_wait(&q->ready, &q->lock);
		trace_end("wait for a task");
		if (q->next == q->submitted) {
			pthread_mutex_unlock(&q->lock);
			return NULL;
		}
		int t = q->next++;
		pthread_mutex_unlock(&q->lock);
		snprintf(name, sizeof name, "task %d", t);
		trace_begin(name);
		q->result[t] = busy(q->cost[t], (uint64_t)t);
		trace_end(name);
	}
}

int main(int argc, char **argv)
{
	int workers = 4;
	if (argc == 4 && strcmp(argv[2], "--workers") == 0)
		workers = atoi(argv[3]);
	if ((argc != 2 && argc != 4) || workers < 1 || workers > MAX_WORKERS) {
		fputs("usage: trace_demo OUT.json [--workers 1..16]\n", stderr);
		return 2;
	}
	if (trace_open(argv[1]) != 0)
		return 1;
	static struct queue q = {.lock = PTHREAD_MUTEX_INITIALIZER,
	                         .ready = PTHREAD_COND_INITIALIZER};
	for (int t = 0; t < TASKS; t++) /* every eighth task is ten times longer */
		q.cost[t] = t % 8 == 7 ? 2000000 : 200000;
	trace_thread_name("producer");
	pthread_t th[MAX_WORKERS];
	for (int w = 0; w < workers; w++)
		pthread_create(&th[w], NULL, worker, &q);
	trace_begin("submit");
	for (int t = 0; t < TASKS; t++) {
		pthread_mutex_lock(&q.lock);
		q.submitted++;
		pthread_cond_signal(&q.ready);
		pthread_mutex_unlock(&q.lock);
	}
	trace_end("submit");
	trace_begin("wait");
	pthread_mutex_lock(&q.lock);
	q.closed = 1;
	pthread_cond_broadcast(&q.ready);
	pthread_mutex_unlock(&q.lock);
	for (int w = 0; w < workers; w++)
		pthread_join(th[w], NULL);
	trace_end("wait");
	uint64_t sum = 0;
	for (int t = 0; t < TASKS; t++)
		sum ^= q.result[t];
	printf("trace_demo: %d tasks on %d workers, checksum %016llx; trace in %s\n", TASKS,
	       workers, (unsigned long long)sum, argv[1]);
	return trace_close() == 0 ? 0 : 1;
}
