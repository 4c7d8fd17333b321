/* alloc_fail_test.c: lesson 07's out-of-memory path. wordstat.h says wordstat_analyze aborts
 * with a message when memory runs out; the allocations it makes on a small input are failed in
 * turn (tools/harness/alloc_fail.h: all of them, or 16 spread over them), each in a child
 * process, which must die of SIGABRT after writing to stderr: not crash on a NULL pointer, not
 * carry on with half a report. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "alloc_fail.h"
#include "wordstat.h"
#include "wordstat_input.h"

/* Runs wordstat_analyze in a child with allocation k failed; returns how the child ended
 * (waitpid's status) and fills err with what it wrote to stderr. */
static int run_failing(const struct wordstat_input *in, long k, char *err, size_t len)
{
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct rlimit no_core = {0, 0}; /* many aborts: no core files */
		setrlimit(RLIMIT_CORE, &no_core);
		signal(SIGSEGV, SIG_DFL); /* cmocka's handlers would turn a crash into an exit */
		signal(SIGBUS, SIG_DFL);
		signal(SIGFPE, SIG_DFL);
		signal(SIGILL, SIG_DFL);
		dup2(fds[1], 2);
		close(fds[0]);
		struct wordstat_report r;
		alloc_fail_reset();
		alloc_fail_nth(k);
		wordstat_analyze(in->docs, in->n, &r);
		_exit(alloc_fail_injected() > 0 ? 3 : 0); /* 3: it went on as if nothing failed */
	}
	close(fds[1]);
	ssize_t got = read(fds[0], err, len - 1);
	err[got > 0 ? got : 0] = '\0';
	close(fds[0]);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

static void aborts_with_a_message_at_every_failed_allocation(void **state)
{
	(void)state;
	struct wordstat_input in;
	wordstat_input_make(&in, 4, 40, 1);
	struct wordstat_report r;
	alloc_fail_reset();
	wordstat_analyze(in.docs, in.n, &r);
	long calls = alloc_fail_calls();
	/* the first 8 and 8 more spread over the rest: a child costs up to 90 ms here (the
	 * skeleton's 8 MiB table is zeroed and faulted in again in every one) */
	long step = calls > 16 ? (calls - 8 + 7) / 8 : 1;
	for (long k = 1; k <= calls; k += k < 8 ? 1 : step) {
		char err[256];
		int status = run_failing(&in, k, err, sizeof err);
		if (WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT && err[0] != '\0')
			continue;
		char how[64];
		if (WIFSIGNALED(status))
			snprintf(how, sizeof how, "died of %s", strsignal(WTERMSIG(status)));
		else if (WEXITSTATUS(status) == 3)
			snprintf(how, sizeof how, "returned as if it had not failed");
		else
			snprintf(how, sizeof how, "exited with status %d", WEXITSTATUS(status));
		fail_msg(
		    "allocation %ld of %ld failed (4 seeded documents): wordstat_analyze %s%s; "
		    "wordstat.h asks for a message on stderr, then abort()",
		    k, calls, how, err[0] ? "" : " and wrote nothing to stderr");
	}
	wordstat_input_free(&in);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(aborts_with_a_message_at_every_failed_allocation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
