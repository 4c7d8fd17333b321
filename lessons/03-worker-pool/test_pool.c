/* test_pool.c: lesson 03's suites. `correct`: every task runs exactly once, whatever the
 * workers, capacity and batch sizes; `task`: backpressure, cancellation, deadline, no thread
 * or byte left after pool_destroy, the worker count and the queue bound at several values,
 * idle workers asleep (the skeleton may fail these); `budget`: thread creations and lock calls
 * against lesson.ini. */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "alloc_count.h"
#include "budget.h"
#include "pool.h"
#include "pool_job.h"
#include "pool_test_tasks.h"

/* Runs n seeded jobs on a pool and compares every result with pool_job_hash's. */
static void expect_all_run(unsigned workers, size_t capacity, size_t n, size_t batch)
{
	struct pool_jobs in;
	pool_jobs_make(&in, n, 0, 64, n + workers);
	struct pool *p = pool_create(workers, capacity, NULL);
	cr_assert(p != NULL, "pool_create(%u, %zu, NULL) returned NULL", workers, capacity);
	for (size_t i = 0; i < n; i += batch) {
		int s = pool_submit(p, in.tasks + i, n - i < batch ? n - i : batch);
		cr_assert(s == POOL_OK, "pool_submit(batch %zu at %zu): got %d, want POOL_OK",
		          batch, i, s);
	}
	cr_assert(pool_wait(p) == POOL_OK, "pool_wait: want POOL_OK");
	size_t bad = 0;
	for (size_t i = 0; i < n; i++)
		if (in.results[i] != pool_job_hash(in.jobs[i].data, in.jobs[i].len) && ++bad <= 10)
			cr_expect_fail(
			    "workers %u, capacity %zu, batch %zu: task %zu of %zu: result "
			    "%016" PRIx64 " is not its block's hash",
			    workers, capacity, batch, i, n, in.results[i]);
	cr_assert(bad == 0, "%zu of %zu tasks did not run (at most 10 shown above)", bad, n);
	pool_destroy(p);
	pool_jobs_free(&in);
}

TestSuite(correct, .timeout = 20);

Test(correct, runs_every_task_once_in_batches_larger_than_the_queue)
{
	expect_all_run(2, 8, 3000, 64);
	expect_all_run(3, 5, 2000, 7);
}

Test(correct, runs_every_task_once_one_at_a_time)
{
	expect_all_run(1, 1, 500, 1);
	expect_all_run(4, 100, 1000, 1);
}

Test(correct, counts_each_task_once_across_waits)
{
	struct counting c = {0};
	struct pool_task t[50];
	for (size_t i = 0; i < 50; i++)
		t[i] = (struct pool_task){count_task, &c};
	struct pool *p = pool_create(3, 16, NULL);
	for (int round = 1; round <= 4; round++) {
		cr_assert(pool_submit(p, t, 50) == POOL_OK, "round %d: pool_submit failed", round);
		if (round % 2 == 0)
			pool_wait(p);
		memset(t, 0, sizeof t); /* the pool copied the array: reusing it is allowed */
		for (size_t i = 0; i < 50; i++)
			t[i] = (struct pool_task){count_task, &c};
	}
	cr_assert(pool_submit(p, t, 0) == POOL_OK, "pool_submit of 0 tasks: want POOL_OK");
	pool_wait(p);
	long ran = atomic_load(&c.ran);
	cr_assert(ran == 200, "4 rounds of 50 tasks, waits after rounds 2 and 4: %ld ran, want 200",
	          ran);
	pool_destroy(p);
}

Test(correct, destroy_without_wait_runs_what_was_queued)
{
	struct counting c = {0};
	struct pool_task t[100];
	for (size_t i = 0; i < 100; i++)
		t[i] = (struct pool_task){count_task, &c};
	struct pool *p = pool_create(2, 32, NULL);
	pool_submit(p, t, 100);
	pool_destroy(p);
	long ran = atomic_load(&c.ran);
	cr_assert(ran == 100, "100 tasks then pool_destroy with no pool_wait: %ld ran, want 100",
	          ran);
}

/* {=== task: backpressure, cancellation, deadline, leaks ===} */
TestSuite(task, .timeout = 20);

/* The task tests keep what the pool's threads touch in static storage: when an assertion fails
 * on the skeleton, the test returns while its threads still run, and they must not find a dead
 * stack frame (a SIGSEGV would hide the assertion's message). */
Test(task, full_queue_blocks_the_producer)
{
	static struct gate g = GATE_INIT;
	struct pool *p = pool_create(1, 2, NULL);
	static struct pool_task held = {gate_task, &g},
	                        more[2] = {{gate_task, &g}, {gate_task, &g}};
	pool_submit(p, &held, 1);
	gate_wait_started(&g, 1);
	pool_submit(p, more, 2); /* the worker is busy: these two fill the queue */
	static struct submitter s;
	s = (struct submitter){.pool = p, .task = held};
	submitter_start(&s);
	int returned = submitter_returned_within(&s, 100);
	gate_open(&g);
	submitter_join(&s);
	cr_assert(
	    !returned,
	    "1 worker busy, capacity 2, 2 tasks queued: a third pool_submit returned within "
	    "100 ms; it must block until the worker takes a task — see README \"Backpressure\"");
	pool_wait(p);
	pool_destroy(p);
}

Test(task, no_queued_task_starts_after_cancel)
{
	static struct pool_token tok;
	pool_token_init(&tok, 0);
	static struct sleeper sl = {.token = &tok, .ms = 2};
	static struct pool_task t[64];
	for (int i = 0; i < 64; i++)
		t[i] = (struct pool_task){sleeper_task, &sl};
	struct pool *p = pool_create(2, 64, &tok);
	pool_submit(p, t, 64);
	sleep_ms(5);
	long finished_before = atomic_load(&sl.finished);
	pool_cancel(p);
	int status = pool_wait(p);
	long after = atomic_load(&sl.started) - finished_before;
	cr_assert(after <= 2,
	          "64 tasks of 2 ms on 2 workers, cancelled after 5 ms: %ld tasks ran after the "
	          "cancel (%ld had finished), want at most 2 (the workers) — see README "
	          "\"Cancellation\"",
	          after, finished_before);
	cr_assert(status == POOL_CANCELLED, "pool_wait after pool_cancel: got %d, want %d", status,
	          POOL_CANCELLED);
	pool_destroy(p);
}

Test(task, blocked_submit_returns_when_cancelled)
{
	static struct pool_token tok;
	pool_token_init(&tok, 0);
	static struct sleeper sl = {.token = &tok, .ms = 1000};
	struct pool *p = pool_create(1, 1, &tok);
	static struct pool_task t = {sleeper_task, &sl};
	pool_submit(p, &t, 1);
	pool_submit(p, &t, 1);
	static struct submitter s;
	s = (struct submitter){.pool = p, .task = t};
	submitter_start(&s);
	sleep_ms(20);
	uint64_t start = pool_now_ns();
	pool_cancel(p);
	submitter_join(&s);
	double ms = (pool_now_ns() - start) / 1e6;
	cr_assert(
	    s.status == POOL_CANCELLED && ms < 200,
	    "pool_submit blocked on a full queue, then pool_cancel: returned %d after %.0f ms, "
	    "want POOL_CANCELLED (%d) within 200 ms",
	    s.status, ms, POOL_CANCELLED);
	pool_wait(p);
	pool_destroy(p);
	cr_assert(atomic_load(&sl.started) <= 1, "%ld tasks started; only the first may",
	          atomic_load(&sl.started));
}

Test(task, deadline_stops_the_producer_and_the_queue)
{
	static struct pool_token tok;
	pool_token_init(&tok, pool_now_ns() + 30 * 1000000u);
	static struct sleeper sl = {.token = &tok, .ms = 1};
	static struct pool_task t[1000];
	for (int i = 0; i < 1000; i++)
		t[i] = (struct pool_task){sleeper_task, &sl};
	struct pool *p = pool_create(2, 8, &tok);
	uint64_t start = pool_now_ns();
	int status = pool_submit(p, t, 1000);
	double ms = (pool_now_ns() - start) / 1e6;
	pool_wait(p);
	long late = atomic_load(&sl.started_late);
	pool_destroy(p);
	cr_assert(status == POOL_CANCELLED && ms < 500,
	          "1000 tasks of 1 ms, 2 workers, capacity 8, deadline in 30 ms: pool_submit "
	          "returned %d after %.0f ms, want POOL_CANCELLED (%d) soon after the deadline",
	          status, ms, POOL_CANCELLED);
	cr_assert(late <= 2, "%ld tasks started after the deadline, want at most 2 (the workers)",
	          late);
}

/* overlap_task(struct overlap *): counts the tasks running at once and keeps the most seen,
 * sleeping 1 ms in between so that every worker the pool has gets a task while it sleeps. */
struct overlap {
	atomic_long running, most;
};

static void overlap_task(void *arg)
{
	struct overlap *o = arg;
	long now = atomic_fetch_add(&o->running, 1) + 1, most = atomic_load(&o->most);
	while (now > most && !atomic_compare_exchange_weak(&o->most, &most, now))
		;
	sleep_ms(1);
	atomic_fetch_sub(&o->running, 1);
}

/* The most tasks running at once on a pool of `workers`, given PER_WORKER tasks per worker in
 * one batch: enough that a worker which takes up to 32 per lock (steps/1-batched), or half of
 * what is queued, still leaves work for every other worker. */
#define PER_WORKER 64

static long most_at_once(unsigned workers)
{
	static struct overlap o;
	static struct pool_task t[PER_WORKER * 8];
	atomic_store(&o.running, 0);
	atomic_store(&o.most, 0);
	for (unsigned i = 0; i < PER_WORKER * workers; i++)
		t[i] = (struct pool_task){overlap_task, &o};
	struct pool *p = pool_create(workers, PER_WORKER * workers, NULL);
	cr_assert(p != NULL, "pool_create(%u, %u, NULL) returned NULL", workers,
	          PER_WORKER * workers);
	pool_submit(p, t, PER_WORKER * workers);
	pool_wait(p);
	pool_destroy(p);
	return atomic_load(&o.most);
}

/* The graded workload runs 2 workers: a pool that caps its threads at 2, or starts 2 whatever
 * it is asked, passes every test of 1, 2 or 4 workers that only counts results. Here each
 * worker count is checked both ways: never more tasks at once than workers (a hard bound: the
 * cancellation contract relies on it), and all of them busy given enough sleeping tasks (best
 * of 3 tries: a loaded machine may start a thread late). */
Test(task, runs_as_many_tasks_at_once_as_it_has_workers)
{
	static const unsigned counts[] = {1, 3, 5, 8};
	for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
		long most = 0;
		for (int attempt = 0; attempt < 3 && most != (long)counts[i]; attempt++) {
			most = most_at_once(counts[i]);
			cr_assert(most <= (long)counts[i],
			          "pool of %u workers, %u tasks of 1 ms: %ld ran at once, want at "
			          "most %u — see README \"A fixed pool\"",
			          counts[i], PER_WORKER * counts[i], most, counts[i]);
		}
		cr_assert(most == (long)counts[i],
		          "pool of %u workers, %u tasks of 1 ms in one batch: at most %ld ran at "
		          "once (best of 3 tries), want %u: the pool must start the workers it is "
		          "asked for — see README \"A fixed pool\"",
		          counts[i], PER_WORKER * counts[i], most, counts[i]);
	}
}

/* A producer on its own thread that submits n tasks in one call. */
struct batch_submitter {
	struct pool *pool;
	const struct pool_task *tasks;
	size_t n;
	atomic_int returned;
	pthread_t thread;
};

static void *batch_submit(void *arg)
{
	struct batch_submitter *b = arg;
	pool_submit(b->pool, b->tasks, b->n);
	atomic_store(&b->returned, 1);
	return NULL;
}

/* 1 if b's pool_submit returned within ms milliseconds. */
static int batch_returned_within(struct batch_submitter *b, int ms)
{
	for (int waited = 0; waited < ms && !atomic_load(&b->returned); waited++)
		sleep_ms(1);
	return atomic_load(&b->returned);
}

/* The graded workload's queue holds 256 tasks, and full_queue_blocks_the_producer checks 2: a
 * pool that bounds its queue only when it is tiny (or rounds every bound up) passes both. With
 * its one worker held, a pool of each capacity must take exactly `capacity` tasks without
 * blocking the producer, and block it on the next one. */
Test(task, the_queue_holds_exactly_capacity_tasks)
{
	static const size_t caps[] = {1, 3, 16, 100};
	static struct gate gates[4] = {GATE_INIT, GATE_INIT, GATE_INIT, GATE_INIT};
	static struct pool_task held[4], queued[4][100];
	static struct batch_submitter fill[4], extra[4];
	for (size_t i = 0; i < 4; i++) {
		struct pool *p = pool_create(1, caps[i], NULL);
		cr_assert(p != NULL, "pool_create(1, %zu, NULL) returned NULL", caps[i]);
		held[i] = (struct pool_task){gate_task, &gates[i]};
		for (size_t k = 0; k < caps[i]; k++)
			queued[i][k] = held[i];
		pool_submit(p, &held[i], 1);
		gate_wait_started(&gates[i], 1); /* the worker is busy until the gate opens */
		fill[i] = (struct batch_submitter){.pool = p, .tasks = queued[i], .n = caps[i]};
		pthread_create(&fill[i].thread, NULL, batch_submit, &fill[i]);
		int filled = batch_returned_within(&fill[i], 2000), blocked = 1;
		if (filled) {
			extra[i] = (struct batch_submitter){.pool = p, .tasks = held + i, .n = 1};
			pthread_create(&extra[i].thread, NULL, batch_submit, &extra[i]);
			blocked = !batch_returned_within(&extra[i], 100);
		}
		gate_open(&gates[i]);
		pthread_join(fill[i].thread, NULL);
		if (filled)
			pthread_join(extra[i].thread, NULL);
		pool_wait(p);
		pool_destroy(p);
		cr_assert(filled,
		          "1 worker busy, capacity %zu: pool_submit of %zu tasks did not "
		          "return within 2 s; the queue must take %zu — see README "
		          "\"Backpressure\"",
		          caps[i], caps[i], caps[i]);
		cr_assert(blocked,
		          "1 worker busy, capacity %zu, %zu tasks queued: one more "
		          "pool_submit returned within 100 ms; it must block until the "
		          "worker takes a task — see README \"Backpressure\"",
		          caps[i], caps[i]);
	}
}

/* In the task suite, not the budget suite: the grade's gate runs correct and task, and a pool
 * whose workers spin instead of sleeping gives the grade's counts nothing to see (no lock call,
 * no condition wait). */
Test(task, idle_workers_sleep)
{
	struct counting c = {0};
	struct pool_task t = {count_task, &c};
	struct pool *p = pool_create(2, 16, NULL);
	struct rusage r0, r1;
	uint64_t start = pool_now_ns();
	getrusage(RUSAGE_SELF, &r0);
	for (int i = 0; i < 40; i++) { /* a slow producer: the workers wait most of the time */
		pool_submit(p, &t, 1);
		sleep_ms(2);
	}
	pool_wait(p);
	getrusage(RUSAGE_SELF, &r1);
	double wall = (pool_now_ns() - start) / 1e9,
	       cpu = rusage_seconds(&r1) - rusage_seconds(&r0);
	/* then nothing at all for 200 ms: a sleeping pool burns next to no CPU, while a spinning
	 * worker burns its share of a core even on a machine so loaded that it barely gets one
	 * (the slow producer above gives it too little time to show there) */
	struct rusage r2, r3;
	uint64_t idle_start = pool_now_ns();
	getrusage(RUSAGE_SELF, &r2);
	sleep_ms(200);
	getrusage(RUSAGE_SELF, &r3);
	double idle_wall = (pool_now_ns() - idle_start) / 1e9,
	       idle_cpu = rusage_seconds(&r3) - rusage_seconds(&r2);
	pool_destroy(p);
	cr_assert(cpu <= 0.2 * wall,
	          "40 tasks, 2 ms apart, on 2 workers: %.0f ms of CPU in %.0f ms (budget: 20%%): "
	          "a worker spins while it waits — see README \"Sleeping, not spinning\"",
	          cpu * 1e3, wall * 1e3);
	cr_assert(idle_cpu <= 0.05 * idle_wall,
	          "2 workers and nothing to do: %.1f ms of CPU in %.0f ms (budget: 5%%): a worker "
	          "spins while it waits — see README \"Sleeping, not spinning\"",
	          idle_cpu * 1e3, idle_wall * 1e3);
}
/* Starts 4 workers on 8 tasks that run until cancelled, then takes the error path: cancel and
 * destroy with no pool_wait. Returns the tasks still running after pool_destroy. */
static long cancel_and_destroy_early(void)
{
	struct pool_token tok;
	pool_token_init(&tok, 0);
	static struct sleeper sl; /* static: a thread that outlives the test must not crash it */
	atomic_store(&sl.started, 0);
	atomic_store(&sl.finished, 0);
	sl.token = &tok;
	sl.ms = 1000;
	struct pool_task t[8];
	for (int i = 0; i < 8; i++)
		t[i] = (struct pool_task){sleeper_task, &sl};
	struct pool *p = pool_create(4, 8, &tok);
	pool_submit(p, t, 8);
	sleep_ms(10);
	pool_cancel(p);
	pool_destroy(p);
	return atomic_load(&sl.started) - atomic_load(&sl.finished);
}

Test(task, destroy_joins_every_thread_and_frees_everything)
{
	cancel_and_destroy_early(); /* warm-up: glibc keeps the stacks of joined threads */
	long threads = live_threads();
	struct alloc_counts before = alloc_count_now();
	long running = cancel_and_destroy_early();
	struct alloc_counts d = alloc_count_delta(before, alloc_count_now());
	cr_assert(live_threads() == threads && running == 0,
	          "after pool_cancel and pool_destroy: %ld threads alive (%ld before pool_create), "
	          "%ld tasks still running: every thread must be joined — see README \"Leaks\"",
	          live_threads(), threads, running);
	cr_assert(!alloc_count_available() || d.allocations == d.frees,
	          "pool_create..pool_destroy: %" PRIu64 " allocations, %" PRIu64
	          " frees: memory left behind — see README \"Leaks\"",
	          d.allocations, d.frees);
}
/* }=== */

/* {=== budget: limits from lesson.ini ===} */

Test(budget, threads_created_at_most_the_workers)
{
	budget_expect_within("calls.pthread_create", "A fixed pool");
}

Test(budget, lock_calls_within_budget)
{
	budget_expect_within("calls.pthread_mutex_lock", "Batches and per-worker queues");
}

/* }=== */
