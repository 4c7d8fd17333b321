/* alloc_fail_test.c: lesson 06's memory bookkeeping (tools/harness/alloc_fail.h). The cache and
 * its heap must give back every block they took once freed, and an allocation that fails must
 * end the process with abort() and a message (the contract of doccache.h), never a crash on a
 * NULL pointer: allocations of a small run are failed one at a time (the first 40, then every
 * 7th), each in a child process. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h> /* after the headers it needs */

#include "alloc_fail.h"
#include "doccache.h"
#include "doccache_input.h"

/* Replays in's stream on a new cache, calls doccache_idle and frees the cache. */
static void replay(const struct doccache_input *in, struct doccache_config cfg)
{
	struct doccache *c = doccache_new(&cfg, in->keys);
	for (size_t i = 0; i < in->n; i++) {
		const struct doc_event *e = &in->events[i];
		if (e->op == DOC_PUT)
			doccache_put(c, e->key, e->size, e->seed, i + 1);
		else if (e->op == DOC_GET)
			doccache_get(c, e->key, i + 1);
		else
			doccache_drop(c, e->key);
	}
	doccache_idle(c);
	doccache_free(c);
}

static void frees_every_block(void **state)
{
	(void)state;
	struct doccache_input in;
	doccache_input_make(&in, 256, 6000, 1);
	struct doccache_config configs[] = {{100, 0}, {100, 512 * 1024}, {-1, 0}};
	for (int i = 0; i < 3; i++) {
		alloc_fail_reset();
		replay(&in, configs[i]);
		if (alloc_fail_live() != 0)
			fail_msg(
			    "keys 256, 6000 events, growth_percent %d, limit %zu: %ld blocks still "
			    "allocated "
			    "after doccache_free — something the cache allocated is never freed",
			    configs[i].growth_percent, configs[i].soft_limit, alloc_fail_live());
	}
	doccache_input_free(&in);
}

static void aborts_when_memory_runs_out(void **state)
{
	(void)state;
	struct doccache_input in;
	struct doccache_config cfg = {100, 0};
	doccache_input_make(&in, 16, 80, 2);
	alloc_fail_reset();
	replay(&in, cfg);
	long calls = alloc_fail_calls();
	for (long k = 1; k <= calls;
	     k += k < 40 ? 1 : 7) { /* every call of the start, then a sample */
		fflush(NULL);
		pid_t pid = fork();
		if (pid < 0)
			fail_msg("fork failed");
		if (pid == 0) {
			struct rlimit no_core = {0,
			                         0}; /* an abort here is expected: no core file */
			setrlimit(RLIMIT_CORE, &no_core);
			if (freopen("/dev/null", "w", stderr) == NULL)
				_exit(3);
			alloc_fail_reset();
			alloc_fail_nth(k);
			replay(&in, cfg);
			_exit(alloc_fail_injected() ? 4 : 0); /* the failure went unnoticed */
		}
		int status;
		if (waitpid(pid, &status, 0) != pid)
			fail_msg("waitpid failed");
		if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGABRT)
			fail_msg(
			    "keys 16, 80 events: allocation %ld of %ld failed: the process %s %d, "
			    "want abort() (SIGABRT) with a message — see doccache.h",
			    k, calls, WIFSIGNALED(status) ? "died of signal" : "exited with",
			    WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
	}
	doccache_input_free(&in);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(frees_every_block),
	    cmocka_unit_test(aborts_when_memory_runs_out),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
