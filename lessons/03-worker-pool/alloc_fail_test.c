/* alloc_fail_test.c: lesson 03's error paths. Every allocation the pool makes is failed in
 * turn (tools/harness/alloc_fail.h); whatever pool_create or pool_submit answers, after
 * pool_cancel and pool_destroy no thread of the pool may be alive and no task running (a
 * thread that outlived the pool was never joined), and no block the pool allocated may be
 * left. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <stdio.h>
#include <cmocka.h>

#include "alloc_fail.h"
#include "pool.h"
#include "pool_test_tasks.h"

/* Fails the k-th allocation while a pool starts and takes 40 tasks one at a time; returns
 * 1 once k is past the last allocation (nothing was injected). */
static int fail_allocation(long k)
{
	struct pool_token tok;
	pool_token_init(&tok, 0);
	static struct sleeper sl; /* static: a leaked thread must not touch a dead stack */
	atomic_store(&sl.started, 0);
	atomic_store(&sl.finished, 0);
	sl.token = &tok;
	sl.ms = 1000;
	struct pool_task t = {sleeper_task, &sl};
	long threads = live_threads();
	alloc_fail_reset();
	alloc_fail_nth(k);
	struct pool *p = pool_create(2, 64, &tok);
	int status = POOL_OK;
	for (int i = 0; p != NULL && i < 40 && status == POOL_OK; i++)
		status = pool_submit(p, &t, 1);
	if (p != NULL) {
		pool_cancel(p);
		pool_destroy(p);
	}
	long running = atomic_load(&sl.started) - atomic_load(&sl.finished);
	long extra_threads = live_threads() - threads;
	int injected = alloc_fail_injected() > 0;
	alloc_fail_nth(0);
	if (running != 0 || extra_threads != 0 || alloc_fail_live() != 0)
		fail_msg("allocation %ld of the pool failed (pool_create %s, last pool_submit %d); "
		         "after pool_cancel and pool_destroy %ld more threads are alive, %ld tasks "
		         "still run and %ld blocks are allocated: an error path left a thread "
		         "unjoined or memory behind — see README \"Leaks\"",
		         k, p ? "succeeded" : "returned NULL", status, extra_threads, running,
		         alloc_fail_live());
	return !injected;
}

static void every_allocation_failure_is_cleaned_up(void **state)
{
	(void)state;
	for (long k = 1; k <= 200; k++)
		if (fail_allocation(k))
			return;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(every_allocation_failure_is_cleaned_up),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
