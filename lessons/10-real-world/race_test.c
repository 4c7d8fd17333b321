/* race_test.c: lesson 10's data-race gate (case A). The engine on 2 to 8 workers, built with
 * ThreadSanitizer (cmocka: Criterion aborts under TSan): every report must equal the
 * one-worker report, and any race TSan sees fails the run, and with it every performance
 * point. Logs are small: TSan runs code 5-15x slower. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>
#include <unistd.h>

#include "logstats.h"
#include "logstats_input.h"

/* Analyses the log on each worker count and compares with one worker. */
static void expect_same_reports(const char *text, size_t len)
{
	static const unsigned workers[] = {2, 3, 4, 8};
	int fd = logstats_input_file_of(text, len);
	struct logstats_report one = {0}, many = {0};
	assert_int_equal(logstats_analyze(fd, 1, 20, &one), 0);
	for (size_t i = 0; i < sizeof workers / sizeof workers[0]; i++) {
		assert_int_equal(logstats_analyze(fd, workers[i], 20, &many), 0);
		if (many.len != one.len || memcmp(many.text, one.text, one.len) != 0)
			fail_msg("%u workers on %zu bytes of log: a %zu-byte report that differs "
			         "from the one worker's %zu bytes",
			         workers[i], len, many.len, one.len);
		logstats_report_free(&many);
	}
	logstats_report_free(&one);
	close(fd);
}

static void workers_agree_on_a_seeded_log(void **state)
{
	(void)state;
	struct logstats_input in;
	logstats_input_make(&in, 3000, 5);
	expect_same_reports(in.text, in.len);
	logstats_input_free(&in);
}

static void workers_agree_on_logs_of_any_length(void **state)
{
	(void)state;
	struct logstats_input in;
	logstats_input_make(&in, 200, 6);                 /* about 45 KiB */
	for (size_t len = 0; len < in.len; len += 4099) { /* chunk edges fall mid-line */
		size_t whole = len;                       /* every line ends in '\n' (logstats.h) */
		while (whole > 0 && in.text[whole - 1] != '\n')
			whole--;
		expect_same_reports(in.text, whole);
	}
	logstats_input_free(&in);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(workers_agree_on_a_seeded_log),
	    cmocka_unit_test(workers_agree_on_logs_of_any_length),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
