/* alloc_fail_test.c: lesson 10's error paths (case A). Every allocation logstats_analyze makes
 * is failed in turn (tools/harness/alloc_fail.h), on one worker and on three: each time it
 * must return -1 with errno ENOMEM and *out {NULL, 0}, with no worker thread left running and
 * no block left behind; past the last allocation it must give the right report. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "alloc_fail.h"
#include "logstats.h"
#include "logstats_input.h"

/* Threads of this process, from /proc/self/task. */
static long live_threads(void)
{
	long n = 0;
	DIR *d = opendir("/proc/self/task");
	for (struct dirent *e; d != NULL && (e = readdir(d)) != NULL;)
		n += e->d_name[0] != '.';
	if (d != NULL)
		closedir(d);
	return n;
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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(every_allocation_failure_is_reported_and_cleaned_up),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
