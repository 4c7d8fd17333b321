/* pool_test_tasks.c: tasks and helpers for lesson 03's tests (pool_test_tasks.h). */
#include "pool_test_tasks.h"

#include <stdio.h>
#include <time.h>

void count_task(void *arg)
{
	struct counting *c = arg;
	atomic_fetch_add(&c->ran, 1);
}

void gate_task(void *arg)
{
	struct gate *g = arg;
	pthread_mutex_lock(&g->lock);
	g->started++;
	pthread_cond_broadcast(&g->changed);
	while (!g->open)
		pthread_cond_wait(&g->changed, &g->lock);
	pthread_mutex_unlock(&g->lock);
}

void gate_wait_started(struct gate *g, long n)
{
	pthread_mutex_lock(&g->lock);
	while (g->started < n)
		pthread_cond_wait(&g->changed, &g->lock);
	pthread_mutex_unlock(&g->lock);
}

void gate_open(struct gate *g)
{
	pthread_mutex_lock(&g->lock);
	g->open = 1;
	pthread_cond_broadcast(&g->changed);
	pthread_mutex_unlock(&g->lock);
}

void sleeper_task(void *arg)
{
	struct sleeper *s = arg;
	atomic_fetch_add(&s->started, 1);
	if (pool_token_done(s->token))
		atomic_fetch_add(&s->started_late, 1);
	for (int i = 0; i < s->ms && !pool_token_done(s->token); i++)
		sleep_ms(1);
	atomic_fetch_add(&s->finished, 1);
}

static void *submit_once(void *arg)
{
	struct submitter *s = arg;
	s->status = pool_submit(s->pool, &s->task, 1);
	atomic_store(&s->returned, 1);
	return NULL;
}

void submitter_start(struct submitter *s)
{
	atomic_init(&s->returned, 0);
	pthread_create(&s->thread, NULL, submit_once, s);
}

int submitter_returned_within(struct submitter *s, int ms)
{
	for (int i = 0; i < ms && !atomic_load(&s->returned); i++)
		sleep_ms(1);
	return atomic_load(&s->returned);
}

void submitter_join(struct submitter *s)
{
	pthread_join(s->thread, NULL);
}

void sleep_ms(int ms)
{
	struct timespec t = {ms / 1000, (long)(ms % 1000) * 1000000};
	nanosleep(&t, NULL);
}

long live_threads(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long n = -1;
	while (f != NULL && fgets(line, sizeof line, f) != NULL)
		if (sscanf(line, "Threads: %ld", &n) == 1)
			break;
	if (f != NULL)
		fclose(f);
	return n;
}

double rusage_seconds(const struct rusage *r)
{
	return r->ru_utime.tv_sec + r->ru_utime.tv_usec / 1e6 + r->ru_stime.tv_sec +
	       r->ru_stime.tv_usec / 1e6;
}
