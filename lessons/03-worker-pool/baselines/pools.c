/* pools.c: `make baselines LESSON=03` (built and run by baselines.sh). The reference pool beside
 * OpenMP tasks (libgomp), GLib's GThreadPool and libuv's uv_queue_work, side by side in one
 * run: one producer thread submits the same tasks to each, empty and about 1 microsecond
 * long; prints the median ns per task of RUNS runs, the pools taking turns, as the Markdown
 * table the README quotes.
 * usage: pools --workers W --tasks N */
#include <glib.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "pool.h"
#include "pool_job.h"
#include "timing.h"

#define RUNS 7

static struct pool_jobs in;
static unsigned workers;

static void run_inline(struct pool_task *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		t[i].run(t[i].arg);
}

static void run_reference(struct pool_task *t, size_t n)
{
	struct pool *p = pool_create(workers, 256, NULL);
	for (size_t i = 0; i < n; i += 64)
		pool_submit(p, t + i, n - i < 64 ? n - i : 64);
	pool_wait(p);
	pool_destroy(p);
}

static void run_openmp(struct pool_task *t, size_t n)
{
#pragma omp parallel num_threads(workers)
#pragma omp single
	for (size_t i = 0; i < n; i++) {
#pragma omp task firstprivate(i)
		t[i].run(t[i].arg);
	}
}

static void glib_run(gpointer data, gpointer user_data)
{
	(void)user_data;
	struct pool_task *t = data;
	t->run(t->arg);
}

static void run_gthreadpool(struct pool_task *t, size_t n)
{
	GThreadPool *p = g_thread_pool_new(glib_run, NULL, (gint)workers, TRUE, NULL);
	for (size_t i = 0; i < n; i++)
		g_thread_pool_push(p, &t[i], NULL);
	g_thread_pool_free(p, FALSE, TRUE); /* waits for every task */
}

static uv_work_t *uv_reqs;

static void uv_run_task(uv_work_t *req)
{
	struct pool_task *t = req->data;
	t->run(t->arg);
}

static void uv_after(uv_work_t *req, int status)
{
	(void)req;
	(void)status;
}

static void run_libuv(struct pool_task *t, size_t n)
{
	uv_loop_t loop;
	uv_loop_init(&loop);
	for (size_t i = 0; i < n; i++) {
		uv_reqs[i].data = &t[i];
		uv_queue_work(&loop, &uv_reqs[i], uv_run_task, uv_after);
	}
	uv_run(&loop, UV_RUN_DEFAULT); /* returns once every after-callback ran */
	uv_loop_close(&loop);
}

/* One run of one pool over tasks, in ns per task; checks that every hash came out right. */
static double run_once(void (*run)(struct pool_task *, size_t), struct pool_task *t, int empty)
{
	memset(in.results, 0, in.n * sizeof *in.results);
	uint64_t start = pool_now_ns();
	run(t, in.n);
	double ns = (double)(pool_now_ns() - start) / (double)in.n;
	for (size_t i = 0; !empty && i < in.n; i++)
		if (in.results[i] != pool_job_hash(in.jobs[i].data, in.jobs[i].len)) {
			fprintf(stderr, "baselines: task %zu gave a wrong result\n", i);
			exit(1);
		}
	return ns;
}

int main(int argc, char **argv)
{
	size_t n = 200000;
	workers = 2;
	for (int i = 1; i + 1 < argc; i += 2)
		if (!strcmp(argv[i], "--workers"))
			workers = (unsigned)atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--tasks"))
			n = (size_t)atol(argv[i + 1]);
	char size[16];
	snprintf(size, sizeof size, "%u", workers);
	setenv("UV_THREADPOOL_SIZE", size, 1); /* read once, at libuv's first uv_queue_work */
	pool_jobs_make(&in, n, 384, 640, 1);
	uv_reqs = calloc(n, sizeof *uv_reqs);
	struct pool_task *empty = malloc(n * sizeof *empty);
	for (size_t i = 0; i < n; i++)
		empty[i] = (struct pool_task){pool_job_empty, NULL};
	static const struct {
		const char *name;
		void (*run)(struct pool_task *, size_t);
	} pools[] = {
	    {"inline (the producer runs every task itself)", run_inline},
	    {"reference `pool.c` (per-worker queues, batches of 64)", run_reference},
	    {"OpenMP `task` (libgomp)", run_openmp},
	    {"GLib `GThreadPool`", run_gthreadpool},
	    {"libuv `uv_queue_work`", run_libuv},
	};
	/* interleaved, one run of each pool in turn (after a warm-up of each): a change in the
	 * machine's load lands on every pool alike, not on whichever was running */
	double e[5][RUNS], h[5][RUNS], empty_ns[5], hash_ns[5];
	for (int r = -1; r < RUNS; r++)
		for (int k = 0; k < 5; k++) {
			double x = run_once(pools[k].run, empty, 1),
			       y = run_once(pools[k].run, in.tasks, 0);
			if (r >= 0) {
				e[k][r] = x;
				h[k][r] = y;
			}
		}
	for (int k = 0; k < 5; k++) {
		empty_ns[k] = timing_median(e[k], RUNS);
		hash_ns[k] = timing_median(h[k], RUNS);
	}
	printf("%zu tasks, %u workers, one producer; median of %d interleaved runs\n\n", n, workers,
	       RUNS);
	printf("| pool | ns per empty task | ns per ~1 µs task | tasks per second (~1 µs) | "
	       "reference's throughput over this one |\n|---|---|---|---|---|\n");
	for (int k = 0; k < 5; k++)
		printf("| %s | %.0f | %.0f | %.2f M | %.2fx |\n", pools[k].name, empty_ns[k],
		       hash_ns[k], 1e3 / hash_ns[k], hash_ns[k] / hash_ns[1]);
	printf("\ntarget: the reference within 1.5x of OpenMP tasks (%.2fx) and ahead of "
	       "GThreadPool (%.2fx) and libuv (%.2fx): %s\n",
	       hash_ns[1] / hash_ns[2], hash_ns[3] / hash_ns[1], hash_ns[4] / hash_ns[1],
	       hash_ns[1] <= 1.5 * hash_ns[2] && hash_ns[1] < hash_ns[3] && hash_ns[1] < hash_ns[4]
	           ? "met"
	           : "missed");
	free(empty);
	free(uv_reqs);
	pool_jobs_free(&in);
	return 0;
}
