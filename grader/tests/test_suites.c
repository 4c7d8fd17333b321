/* test_suites.c: the gate's reading of Criterion's TAP report (TAP recorded from Criterion
 * 2.4.1): passes, failures with their first message line, crashes, timeouts, and tests of
 * suites outside the gate (budget) ignored. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "../suites.h"

static const char *const recorded =
    "TAP version 13\n1..6\n# Criterion v2.4.1\n#\n# Running 2 tests from task\n"
    "not ok - task::slow timed out (1.01s)\n"
    "ok - task::c  # SKIP not now\n#\n# Running 3 tests from correct\n"
    "not ok - correct::crash unexpected signal after t2.c:5\n"
    "not ok - correct::b  (0.00s)\n  ---\n  assertions: 1\n  failures:\n"
    "  - t2.c:4: |+\n      Assertion failed: bad 3\n      second line\n  ...\n"
    "ok - correct::a  (0.00s)\n"
    "not ok - budget::instructions_within_budget  (0.04s)\n";

static void counts_only_gate_suites(void **state)
{
	struct gate_result g = {0};
	(void)state;
	suites_parse_tap(recorded, &g);
	assert_int_equal(g.passed, 2); /* task::c (skipped counts as not failed) and correct::a */
	assert_int_equal(g.failed, 3);
	assert_true(g.timed_out);
	assert_true(g.crashed);
}

static void failures_carry_their_first_message(void **state)
{
	struct gate_result g = {0};
	(void)state;
	suites_parse_tap(recorded, &g);
	assert_int_equal(g.n_failures, 3);
	assert_string_equal(g.failures[0].name, "task::slow");
	assert_string_equal(g.failures[0].message, "timed out (1.01s)");
	assert_string_equal(g.failures[1].name, "correct::crash");
	assert_string_equal(g.failures[1].message, "unexpected signal after t2.c:5");
	assert_string_equal(g.failures[2].name, "correct::b");
	assert_string_equal(g.failures[2].message, "Assertion failed: bad 3");
}

static void empty_report_counts_nothing(void **state)
{
	struct gate_result g = {0};
	(void)state;
	suites_parse_tap("TAP version 13\n1..0\n", &g);
	assert_int_equal(g.passed + g.failed, 0);
	assert_false(g.crashed || g.timed_out);
}

static void cmocka_tap_prefixes_names_and_keeps_the_message(void **state)
{
	(void)state;
	const char *tap = "1..3\n"
	                  "not ok 1 - pop_empty\n"
	                  "# 0x1 != 0x2\n"
	                  "# race_test.c:6: error: Failure!\n"
	                  "ok 2 - push_pop\n"
	                  "ok 3 - stress\n"
	                  "# not ok - tests\n";
	struct gate_result g = {0};
	assert_int_equal(suites_parse_cmocka_tap(tap, "race", &g), 3);
	assert_int_equal(g.passed, 2);
	assert_int_equal(g.failed, 1);
	assert_string_equal(g.failures[0].name, "race::pop_empty");
	assert_string_equal(g.failures[0].message, "0x1 != 0x2");
}

static void cmocka_tap_ignores_the_summary_line(void **state)
{
	(void)state;
	struct gate_result g = {0};
	assert_int_equal(suites_parse_cmocka_tap("1..1\nok 1 - a\n# ok - tests\n", "x", &g), 1);
	assert_int_equal(g.passed, 1);
	assert_int_equal(g.failed, 0);
}

/* The rerun after a race runs the tests by name, in the order the source declares them. */
static void cmocka_names_in_declaration_order(void **state)
{
	(void)state;
	char path[] = "/tmp/test_suites_XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	assert_non_null(f);
	fputs("/* cmocka_unit_test in a comment has no ( */\n"
	      "const struct CMUnitTest tests[] = {\n"
	      "    cmocka_unit_test(first_one),\n"
	      "    cmocka_unit_test_setup_teardown( second_2, up, down),\n"
	      "    cmocka_unit_test(\n\tthird),\n};\n",
	      f);
	fclose(f);
	char names[SUITES_MAX_TESTS][SUITES_NAME_MAX];
	size_t n = suites_cmocka_names(path, names, SUITES_MAX_TESTS);
	unlink(path);
	assert_int_equal(n, 3);
	assert_string_equal(names[0], "first_one");
	assert_string_equal(names[1], "second_2");
	assert_string_equal(names[2], "third");
	assert_int_equal(suites_cmocka_names("/nonexistent/race_test.c", names, 4), 0);
}

/* A stand-in for a test binary: a shell script that takes Criterion's options, kills itself
 * with SIGABRT while the marker file is missing (creating it first: only the first run dies
 * when once is set), and otherwise writes a TAP report of one passing test. */
static void write_runner(const char *dir, int once, char *bin, size_t len)
{
	snprintf(bin, len, "%s/test", dir);
	FILE *f = fopen(bin, "w");
	assert_non_null(f);
	fprintf(f,
	        "#!/bin/sh\n"
	        "marker=%s/died-once\n"
	        "if [ %d = 0 ] || [ ! -e \"$marker\" ]; then : >\"$marker\"; kill -ABRT $$; fi\n"
	        "for a; do case $a in --tap=*) tap=${a#--tap=} ;; esac; done\n"
	        "printf 'TAP version 13\\n1..1\\nok - correct::a  (0.00s)\\n' >\"$tap\"\n",
	        dir, once);
	fclose(f);
	assert_int_equal(chmod(bin, 0755), 0);
}

static void run_dying_runner(int once, int *rc, struct gate_result *g, char *err, size_t errlen)
{
	char dir[] = "/tmp/test_suites.XXXXXX", bin[64], log_dir[64], cmd[128];
	assert_non_null(mkdtemp(dir));
	write_runner(dir, once, bin, sizeof bin);
	snprintf(log_dir, sizeof log_dir, "%s/log", dir);
	assert_int_equal(mkdir(log_dir, 0755), 0);
	*rc = suites_run_gate(bin, log_dir, 20, NULL, g, err, errlen);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

static void a_runner_that_died_once_runs_again(void **state)
{
	struct gate_result g;
	char err[256] = "";
	int rc;
	(void)state;
	run_dying_runner(1, &rc, &g, err, sizeof err);
	assert_int_equal(rc, 0);
	assert_int_equal(g.passed, 1);
}

static void a_runner_that_always_dies_is_reported(void **state)
{
	struct gate_result g;
	char err[256] = "";
	int rc;
	(void)state;
	run_dying_runner(0, &rc, &g, err, sizeof err);
	assert_int_equal(rc, -1);
	assert_non_null(strstr(err, "the test run wrote no report: killed by SIGABRT"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(counts_only_gate_suites),
	    cmocka_unit_test(a_runner_that_died_once_runs_again),
	    cmocka_unit_test(a_runner_that_always_dies_is_reported),
	    cmocka_unit_test(failures_carry_their_first_message),
	    cmocka_unit_test(empty_report_counts_nothing),
	    cmocka_unit_test(cmocka_tap_prefixes_names_and_keeps_the_message),
	    cmocka_unit_test(cmocka_tap_ignores_the_summary_line),
	    cmocka_unit_test(cmocka_names_in_declaration_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
