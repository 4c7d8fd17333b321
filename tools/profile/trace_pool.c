/* trace_pool.c: lesson 03's worker pool on a timeline (`make trace LESSON=03`), the course's
 * counterpart of `go tool trace`. It runs lesson 03's workload through the pool it is linked
 * with (student, reference or skeleton, untouched) and wraps every task so that its run is a
 * span on the row of the thread that ran it; the producer's pool calls are spans on its row.
 *   trace_pool OUT.json --tasks N --workers N --capacity N --batch N --seed N */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench_args.h"
#include "pool.h"
#include "pool_job.h"
#include "trace.h"

struct traced_task {
	struct pool_task inner; /* the task lesson 03's bench would have submitted */
	size_t index;
};

static atomic_int workers_seen;
static _Thread_local int named; /* this thread has its row name */

static void traced_run(void *arg)
{
	const struct traced_task *t = arg;
	char name[32];
	if (!named) {
		named = 1;
		snprintf(name, sizeof name, "pool thread %d",
		         atomic_fetch_add(&workers_seen, 1) + 1);
		trace_thread_name(name);
	}
	snprintf(name, sizeof name, "task %zu", t->index);
	trace_begin(name);
	t->inner.run(t->inner.arg);
	trace_end(name);
}

int main(int argc, char **argv)
{
	struct bench_option opt[] = {{.name = "--tasks"},
	                             {.name = "--workers"},
	                             {.name = "--capacity"},
	                             {.name = "--batch"},
	                             {.name = "--seed"}};
	if (argc < 2 || bench_args(argc - 1, argv + 1, opt, 5) != 0) {
		fputs("usage: trace_pool OUT.json --tasks N --workers N --capacity N --batch N "
		      "--seed N\n",
		      stderr);
		return 2;
	}
	size_t n = opt[0].value, batch = opt[3].value ? opt[3].value : 1;
	struct pool_jobs in;
	pool_jobs_make(&in, n, 384, 640, opt[4].value);
	struct traced_task *wrapped = malloc((n ? n : 1) * sizeof *wrapped);
	struct pool_task *tasks = malloc((n ? n : 1) * sizeof *tasks);
	if (wrapped == NULL || tasks == NULL || trace_open(argv[1]) != 0) {
		fputs("trace_pool: out of memory\n", stderr);
		return 1;
	}
	for (size_t i = 0; i < n; i++) {
		wrapped[i] = (struct traced_task){in.tasks[i], i};
		tasks[i] = (struct pool_task){traced_run, &wrapped[i]};
	}
	trace_thread_name("producer");
	trace_begin("pool_create");
	struct pool *p = pool_create((unsigned)opt[1].value, opt[2].value, NULL);
	trace_end("pool_create");
	if (p == NULL) {
		fputs("trace_pool: pool_create failed\n", stderr);
		return 1;
	}
	int status = POOL_OK;
	for (size_t i = 0; i < n && status == POOL_OK; i += batch) {
		trace_begin("pool_submit");
		status = pool_submit(p, tasks + i, n - i < batch ? n - i : batch);
		trace_end("pool_submit");
	}
	trace_begin("pool_wait");
	if (status == POOL_OK)
		status = pool_wait(p);
	trace_end("pool_wait");
	trace_begin("pool_destroy");
	pool_destroy(p);
	trace_end("pool_destroy");
	printf("trace_pool: %zu tasks, status %d, checksum %016llx, %d threads ran tasks; trace "
	       "in %s\n",
	       n, status, (unsigned long long)pool_jobs_checksum(&in), atomic_load(&workers_seen),
	       argv[1]);
	free(tasks);
	free(wrapped);
	pool_jobs_free(&in);
	return trace_close() == 0 && status == POOL_OK ? 0 : 1;
}
