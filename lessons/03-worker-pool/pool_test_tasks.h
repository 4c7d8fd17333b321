/* pool_test_tasks.h: tasks and helpers shared by lesson 03's Criterion suites and its
 * ThreadSanitizer test (race_test.c), course-owned: tasks that count, block on a gate or
 * sleep while watching a token, a producer on its own thread, and live-thread counting. */
#ifndef POOL_TEST_TASKS_H
#define POOL_TEST_TASKS_H

#include <pthread.h>
#include <stdatomic.h>
#include <sys/resource.h>

#include "pool.h"

/* count_task(struct counting *): one more task ran. */
struct counting {
	atomic_long ran;
};
void count_task(void *arg);

/* gate_task(struct gate *): counts its start, then blocks until gate_open. */
struct gate {
	pthread_mutex_t lock;
	pthread_cond_t changed;
	int open;
	long started;
};
#define GATE_INIT                                                                                  \
	{                                                                                          \
		PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0                          \
	}
void gate_task(void *arg);
void gate_wait_started(struct gate *g, long n);
void gate_open(struct gate *g);

/* sleeper_task(struct sleeper *): sleeps ms milliseconds in 1 ms steps, returning early once
 * the token is done; counts starts, finishes, and starts after the token was done. */
struct sleeper {
	const struct pool_token *token;
	int ms;
	atomic_long started, finished, started_late;
};
void sleeper_task(void *arg);

/* A second thread that calls pool_submit(pool, &task, 1) once. */
struct submitter {
	struct pool *pool;
	struct pool_task task;
	int status;
	atomic_int returned;
	pthread_t thread;
};
void submitter_start(struct submitter *s);
/* 1 if the submitter's pool_submit returned within ms milliseconds, else 0. */
int submitter_returned_within(struct submitter *s, int ms);
void submitter_join(struct submitter *s);

void sleep_ms(int ms);
/* Threads of this process now ("Threads:" of /proc/self/status). */
long live_threads(void);
/* User plus system time in r, in seconds. */
double rusage_seconds(const struct rusage *r);

#endif
