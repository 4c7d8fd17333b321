/* test_wall_lock.c: the wall lock and its turnstile (wall_lock.h), with processes in a scratch
 * folder: two gradings that both want to be alone both get their turn, and a job that wants to
 * share waits behind one that waits to be alone. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "../wall_lock.h"

static int setup(void **state)
{
	static char dir[] = "/tmp/ngrade-wall-lock-test-XXXXXX";
	(void)state;
	/* make test runs this under a check that holds the lock: here no ancestor does */
	unsetenv("NGRADE_WALL_HELD");
	return mkdtemp(dir) != NULL && chdir(dir) == 0 ? 0 : -1;
}

/* Waits for pid at most seconds; 1 when it exited 0 in time, else kills it and returns 0. */
static int finished_in_time(pid_t pid, int seconds)
{
	for (int tenths = 0; tenths < seconds * 10; tenths++) {
		int status;
		if (waitpid(pid, &status, WNOHANG) == pid)
			return WIFEXITED(status) && WEXITSTATUS(status) == 0;
		usleep(100 * 1000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return 0;
}

/* A grading: holds the lock shared, says so on ready, waits for go, then times alone. */
static pid_t grading(int ready, int go)
{
	pid_t pid = fork();
	if (pid == 0) {
		struct wall_lock l;
		char byte = 1;
		wall_lock_open(&l);
		wall_lock_share(&l);
		if (write(ready, &byte, 1) != 1 || read(go, &byte, 1) != 1)
			_exit(2);
		wall_lock_alone(&l);
		usleep(50 * 1000); /* the timing */
		wall_lock_no_longer_alone(&l);
		_exit(0);
	}
	return pid;
}

static void two_that_want_to_be_alone_both_get_a_turn(void **state)
{
	(void)state;
	int ready[2], go[2];
	assert_int_equal(pipe(ready), 0);
	assert_int_equal(pipe(go), 0);
	pid_t a = grading(ready[1], go[0]), b = grading(ready[1], go[0]);
	char bytes[2] = {1, 1};
	/* both hold the lock shared before either asks to be alone */
	assert_int_equal(read(ready[0], bytes, 1) + read(ready[0], bytes, 1), 2);
	assert_int_equal(write(go[1], bytes, 2), 2);
	assert_true(finished_in_time(a, 10));
	assert_true(finished_in_time(b, 10));
}

static void a_new_share_waits_behind_one_waiting_to_be_alone(void **state)
{
	(void)state;
	int ready[2], go[2];
	assert_int_equal(pipe(ready), 0);
	assert_int_equal(pipe(go), 0);
	/* forked first: a child that inherited the running job's hold would wait on itself */
	pid_t timing = grading(ready[1], go[0]);
	char byte = 1;
	assert_int_equal(read(ready[0], &byte, 1), 1);
	struct wall_lock held;
	wall_lock_open(&held);
	wall_lock_share(&held); /* a running job, as a make test check holds it */
	assert_int_equal(write(go[1], &byte, 1), 1);
	usleep(300 * 1000); /* the timing now waits for the running job, holding the turnstile */
	pid_t newcomer = fork();
	if (newcomer == 0) {
		struct wall_lock l;
		wall_lock_close(&held);
		wall_lock_open(&l);
		wall_lock_share(&l);
		_exit(0);
	}
	/* flock alone would let the newcomer share at once, beside the running job */
	assert_false(finished_in_time(newcomer, 1));
	wall_lock_close(&held); /* the running job ends */
	assert_true(finished_in_time(timing, 10));
}

/* A make test check holds the lock for its gradings (NGRADE_WALL_HELD=1): one of them that
 * asks to be alone must not wait for that hold, which ends only after it. */
static void a_job_whose_ancestor_holds_it_never_waits_for_it(void **state)
{
	(void)state;
	struct wall_lock ancestor;
	wall_lock_open(&ancestor);
	wall_lock_share(&ancestor);
	pid_t job = fork();
	if (job == 0) {
		struct wall_lock l;
		setenv("NGRADE_WALL_HELD", "1", 1);
		wall_lock_open(&l);
		wall_lock_share(&l);
		wall_lock_alone(&l);
		wall_lock_no_longer_alone(&l);
		_exit(0);
	}
	assert_true(finished_in_time(job, 10));
	wall_lock_close(&ancestor);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(two_that_want_to_be_alone_both_get_a_turn),
	    cmocka_unit_test(a_new_share_waits_behind_one_waiting_to_be_alone),
	    cmocka_unit_test(a_job_whose_ancestor_holds_it_never_waits_for_it),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
