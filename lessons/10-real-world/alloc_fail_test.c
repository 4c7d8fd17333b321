/* alloc_fail_test.c: lesson 10's error paths. Case A: every allocation logstats_analyze makes
 * is failed in turn (tools/harness/alloc_fail.h), on one worker and on three: each time it
 * must return -1 with errno ENOMEM and *out {NULL, 0}, with no worker thread left running and
 * no block left behind; past the last allocation it must give the right report. Case B: every
 * allocation httpd_start makes before its first thread is failed in turn: NULL with errno set,
 * and no thread, descriptor or block left. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "alloc_fail.h"
#include "httpd.h"
#include "logstats.h"
#include "logstats_input.h"
#include "proc_entries.h"

/* Threads of this process, from /proc/self/task. */
static long live_threads(void)
{
	return proc_entries("/proc/self/task");
}

/* Fails allocation k of one analysis; returns 1 once k is past the last one. live counts
 * blocks allocated through the wrapped calls and not freed; libc's own allocations (getline's
 * buffer, sscanf's %m, strdup) are not wrapped, and freeing them lowers it: above 0 is a leak. */
static int fail_allocation(const struct logstats_input *in, unsigned workers, long k,
                           const struct logstats_report *want)
{
	struct logstats_report r = {(char *)"stale", 5};
	long threads = live_threads();
	alloc_fail_reset();
	alloc_fail_nth(k);
	errno = 0;
	int rc = logstats_analyze(in->fd, workers, 10, &r), err = errno;
	int injected = alloc_fail_injected() > 0;
	alloc_fail_nth(0);
	if (!injected) {
		if (rc != 0 || r.len != want->len || memcmp(r.text, want->text, r.len) != 0)
			fail_msg(
			    "%u workers, no allocation failed (%ld made): returned %d, a report "
			    "of %zu bytes, want 0 and the %zu-byte report of the first run",
			    workers, alloc_fail_calls(), rc, r.len, want->len);
		logstats_report_free(&r);
		return 1;
	}
	long extra = live_threads() - threads;
	if (rc != -1 || err != ENOMEM || r.text != NULL || r.len != 0 || extra != 0 ||
	    alloc_fail_live() > 0)
		fail_msg("%u workers, allocation %ld failed: returned %d, errno %d (%s), report "
		         "{%p, %zu}, %ld threads still running, %ld blocks left; want -1, ENOMEM, "
		         "{NULL, 0}, 0 and 0 — see README \"Errors and leaks\"",
		         workers, k, rc, err, strerror(err), (void *)r.text, r.len, extra,
		         alloc_fail_live());
	return 0;
}

static void every_allocation_failure_is_reported_and_cleaned_up(void **state)
{
	(void)state;
	struct logstats_input in;
	struct logstats_report want = {0};
	logstats_input_make(&in, 60, 3); /* about 13 KiB: three workers get a chunk each */
	assert_int_equal(logstats_analyze(in.fd, 1, 10, &want), 0);
	for (unsigned workers = 1; workers <= 3; workers += 2)
		for (long k = 1; k <= 5000; k++)
			if (fail_allocation(&in, workers, k, &want))
				break;
	logstats_report_free(&want);
	logstats_input_free(&in);
}

/* {=== case B: httpd_start ===} */

/* Allocation calls made before the server's first thread, or -1. The failure counters are not
 * thread-safe: once a server thread may allocate beside the test, nothing is failed. */
static long calls_before_thread = -1;
static int watching;

/* Interposes on the C library's pthread_create for the whole binary (the logstats workers
 * pass through unchanged): the first thread a watched httpd_start creates disarms the
 * failure. */
int pthread_create(pthread_t *t, const pthread_attr_t *attr, void *(*fn)(void *), void *arg)
{
	static int (*real)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);
	if (real == NULL)
		*(void **)&real = dlsym(RTLD_NEXT, "pthread_create");
	if (watching && calls_before_thread < 0) {
		calls_before_thread = alloc_fail_calls();
		alloc_fail_nth(0);
	}
	return real(t, attr, fn, arg);
}

/* Fails allocation k of httpd_start; returns 1 once k is past those before its first thread. */
static int fail_start_allocation(long k)
{
	long threads = live_threads(), fds = proc_entries("/proc/self/fd");
	alloc_fail_reset();
	calls_before_thread = -1;
	watching = 1;
	alloc_fail_nth(k);
	errno = 0;
	struct httpd *s = httpd_start(&(struct httpd_options){.threads = 2});
	int err = errno;
	watching = 0;
	alloc_fail_nth(0);
	if (s != NULL) {
		httpd_stop(s);
		if (alloc_fail_injected() > 0)
			fail_msg(
			    "httpd_start, allocation %ld of %ld failed: it returned a server, want "
			    "NULL",
			    k, alloc_fail_calls());
		return 1;
	}
	long extra_threads = live_threads() - threads,
	     extra_fds = proc_entries("/proc/self/fd") - fds;
	if (alloc_fail_injected() == 0 || err == 0 || extra_threads != 0 || extra_fds != 0 ||
	    alloc_fail_live() > 0)
		fail_msg(
		    "httpd_start, allocation %ld failed (%ld injected): NULL, errno %d (%s), %ld "
		    "threads, %ld descriptors and %ld blocks left; want NULL with errno set and "
		    "nothing left — see README \"Errors and leaks\"",
		    k, alloc_fail_injected(), err, strerror(err), extra_threads, extra_fds,
		    alloc_fail_live());
	return 0;
}

static void every_start_allocation_failure_is_reported_and_cleaned_up(void **state)
{
	(void)state;
	long k = 1;
	while (k <= 1000 && !fail_start_allocation(k))
		k++;
	if (k > 1000)
		fail_msg("httpd_start still failed with allocation 1000 failed: want it to start");
}
/* }=== */

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(every_allocation_failure_is_reported_and_cleaned_up),
	    cmocka_unit_test(every_start_allocation_failure_is_reported_and_cleaned_up),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
