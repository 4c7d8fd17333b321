/* budget.h: what a lesson's `budget` suite needs: the lesson's manifest, its bench driver
 * measured under Valgrind through the shared runner (so the grader reuses the result), and the
 * architecture check that turns instruction, cache and branch budgets into a visible SKIP off
 * x86-64. The test binary finds its bench driver beside itself (same implementation folder) and
 * its lesson.ini through LESSON_INI, which the Makefile compiles into every test object.
 * Each function fails (or skips) the current Criterion test itself on error. */
#ifndef BUDGET_H
#define BUDGET_H

#include "../measure/manifest.h"
#include "../measure/valgrind_run.h"

#ifdef LESSON_INI
/* The lesson's manifest, loaded once. */
#define budget_manifest() budget_manifest_at(LESSON_INI)
/* The `budget =` of metric name in lesson.ini, or the key name of its [budgets]. */
#define budget_of(metric) budget_of_at(LESSON_INI, (metric))
/* Measures this build's bench driver with tool (VG_CALLGRIND, VG_CACHEGRIND_SIM, VG_MASSIF),
 * with the lesson's workload; free r with vg_result_free. */
#define budget_measure(tool, r) budget_measure_at(LESSON_INI, (tool), (r))
/* Measures the metric (instructions, allocations, peak_heap, d1_misses, calls.<fn>, ...) with
 * the tool that owns it and fails the test unless it is within lesson.ini's budget; the message
 * sends the student to the README section named see. */
#define budget_expect_within(metric, see) budget_expect_within_at(LESSON_INI, (metric), (see))
/* Runs this build's bench driver once natively (no Valgrind) with the lesson's workload. */
#define budget_measure_native(r) budget_measure_native_at(LESSON_INI, (r))
#endif

/* What REGION_END measured in one native run (getrusage, all threads). Wall-clock figures
 * vary with the machine and its load: budget them only as ratios, such as cpu_ns / wall_ns
 * (about 1 per busy thread: a spinning wait shows here and nowhere else). */
struct native_result {
	long long wall_ns, cpu_ns; /* the region's wall and CPU time */
	long long csw;             /* context switches: vary 6x run to run, never budget them */
	long long minflt;          /* minor page faults in the region */
	long long max_rss;         /* the process's peak resident set so far, bytes */
};

const struct manifest *budget_manifest_at(const char *lesson_ini);
double budget_of_at(const char *lesson_ini, const char *metric);
void budget_measure_at(const char *lesson_ini, enum vg_tool tool, struct vg_result *r);
void budget_measure_native_at(const char *lesson_ini, struct native_result *r);
void budget_expect_within_at(const char *lesson_ini, const char *metric, const char *see);

/* 1 on x86-64, where absolute instruction, cache and branch budgets hold (gcc 12 -O2). */
int budget_arch_is_reference(void);

/* Skips the current test off x86-64, saying why: "instruction budgets hold on x86-64 (gcc 12
 * -O2) only; this is not one" for what = "instruction". The first line of every budget test
 * whose limit holds on the reference architecture only. */
void budget_skip_off_reference_arch(const char *what);

#endif
