/* suites.h: the correctness gate. Runs the `correct` and `task` suites of a test binary and
 * reads the results from a TAP file the grader names (never from the console), and counts the
 * tests the reference's binary declares, so a student binary that runs fewer tests (a redefined
 * strcmp made Criterion report 0 of 0 and exit 0, measured) cannot pass the gate. */
#ifndef SUITES_H
#define SUITES_H

#include <stddef.h>

#include "report.h"

struct gate_result {
	unsigned passed, failed;
	int crashed, timed_out; /* some test died of a signal / hit its timeout */
	char signal_line[160];  /* "test process killed by SIGSEGV (...)" if any */
	struct test_failure failures[REPORT_MAX_FAILURES];
	size_t n_failures;
};

struct jail;

/* Student code runs in jail (jail.h; NULL: as it is), seeing test_bin's folder read-only and
 * writing only in a fresh folder of log_dir (absolute paths); its console output goes to files
 * of log_dir that the grader opens. */

/* Runs test_bin's gate suites with its output in log_dir. Returns 0 when the run produced a TAP
 * file (whatever the results), -1 with a reason otherwise. */
int suites_run_gate(const char *test_bin, const char *log_dir, double wall_limit,
                    const struct jail *jail, struct gate_result *g, char *err, size_t errlen);

/* Runs the gate suites again from asan_bin (the AddressSanitizer + UBSan build, under setarch
 * -R, as make lessonNN does) and turns each test that passed in g but fails there into a
 * failure of g, its message saying so. Returns 0 when the run produced a report, else -1. */
int suites_run_gate_sanitized(const char *asan_bin, const char *log_dir, double wall_limit,
                              const struct jail *jail, struct gate_result *g, char *err,
                              size_t errlen);

/* cache_dir (absolute, or NULL): the grader's measurement cache, shown read-only in the jail,
 * so a budget test finds what the grader measured of the same bench instead of measuring it
 * again under Valgrind; it can never write there. */
/* Runs test_bin's `budget` suite the same way (make lessonNN's limits: allocations, threads,
 * instructions a lesson sets in [budgets] or its metrics' budget =), counting only its tests. */
int suites_run_budget(const char *test_bin, const char *log_dir, double wall_limit,
                      const char *cache_dir, const struct jail *jail, struct gate_result *g,
                      char *err, size_t errlen);

/* Tests in the `correct` and `task` suites of test_bin (criterion --list). */
int suites_count(const char *test_bin, unsigned *count, char *err, size_t errlen);

/* A lesson's cmocka gate programs (tools/lesson.mk): `race` (race_test.c under
 * ThreadSanitizer) and `alloc-fail` (alloc_fail_test.c with allocation-failure injection).
 * Runs bin with TAP output, under `setarch -R` when sanitized, and adds its results to g: each
 * test as "label::name", a ThreadSanitizer report or a run that ended early as a failure.
 * declared is the number of tests the lesson's source declares; tests that never ran count as
 * failed, except after a race: the test that raced fails, and each one after it runs again on
 * its own (source names them; NULL: no rerun). Returns 0 when the program ran, -1 with a
 * reason otherwise. */
int suites_run_cmocka(const char *bin, const char *label, int sanitized, unsigned declared,
                      const char *source, const char *log_dir, double wall_limit,
                      const struct jail *jail, struct gate_result *g, char *err, size_t errlen);

#define SUITES_MAX_TESTS 32
#define SUITES_NAME_MAX  64

/* The names of a cmocka source's tests in the order it declares them (the first argument of
 * each cmocka_unit_test*() entry); returns how many, at most max. */
size_t suites_cmocka_names(const char *source, char names[][SUITES_NAME_MAX], size_t max);

/* Tests a cmocka source declares: its cmocka_unit_test* entries. 0 when it cannot be read. */
unsigned suites_cmocka_declared(const char *source);

/* Parses cmocka's TAP output (CMOCKA_MESSAGE_OUTPUT=TAP) into g; returns the tests seen. */
unsigned suites_parse_cmocka_tap(const char *tap, const char *label, struct gate_result *g);

/* Parses Criterion TAP text into g (exposed for the unit tests). */
void suites_parse_tap(const char *tap, struct gate_result *g);

#endif
