/* budget.c: the budget suite's side of measuring: load lesson.ini, find the bench driver built
 * beside the running test, run it through the shared Valgrind runner with the cache under
 * build/cache (the grader reads the same cache, so nothing is measured twice). */
#include "budget.h"

#include "../measure/bench_protocol.h"
#include "../measure/proc.h"

#include <criterion/criterion.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const struct manifest *budget_manifest_at(const char *lesson_ini)
{
	static struct manifest m;
	static int loaded;
	char err[512];
	if (!loaded) {
		if (manifest_load(lesson_ini, &m, err, sizeof err) != 0)
			cr_assert_fail("%s", err);
		loaded = 1;
	}
	return &m;
}

double budget_of_at(const char *lesson_ini, const char *metric)
{
	const struct manifest *m = budget_manifest_at(lesson_ini);
	const struct metric_spec *spec = manifest_metric(m, metric);
	double value;
	if (spec != NULL && spec->has_budget)
		return spec->budget;
	if (spec == NULL && manifest_test_budget(m, metric, &value))
		return value;
	cr_assert_fail("%s: metric '%s' has no 'budget =' line, and [budgets] no key '%s'",
	               lesson_ini, metric, metric);
	return 0;
}

/* The folder of the running executable: the bench driver of the same implementation sits
 * there (build/lessons/NN/IMPL/). */
static void own_folder(char *out, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n < 0)
		cr_assert_fail("cannot read /proc/self/exe: the budget suite needs Linux");
	exe[n] = '\0';
	snprintf(out, len, "%s", dirname(exe));
}

/* build/cache of the course: three folders above lessons/NN-slug/lesson.ini. */
static void cache_folder(const char *lesson_ini, char *out, size_t len)
{
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s", lesson_ini);
	char *root = dirname(dirname(path));
	snprintf(out, len, "%s/build/cache", dirname(root));
}

void budget_measure_at(const char *lesson_ini, enum vg_tool tool, struct vg_result *r)
{
	const struct manifest *m = budget_manifest_at(lesson_ini);
	char folder[PATH_MAX], bench[PATH_MAX + 8], cache[PATH_MAX], err[1024];
	own_folder(folder, sizeof folder);
	snprintf(bench, sizeof bench, "%s/bench", folder);
	cache_folder(lesson_ini, cache, sizeof cache);
	struct vg_spec spec = {
	    .tool = tool,
	    .bench = bench,
	    .args = m->args,
	    .seed = m->seed,
	    .time_limit = m->time_limit,
	    .cache_dir = cache,
	    .student_file = m->n_student_files ? m->student_files[0] : NULL,
	    .pages_as_heap = m->massif_pages_as_heap,
	    .show_progress = 1, /* a budget test under Valgrind runs for seconds: say so */
	};
	if (vg_measure(&spec, r, err, sizeof err) != 0)
		cr_assert_fail("measuring %s: %s", bench, err);
}

void budget_measure_native_at(const char *lesson_ini, struct native_result *out)
{
	const struct manifest *m = budget_manifest_at(lesson_ini);
	char folder[PATH_MAX], bench[PATH_MAX + 8], storage[1024], *argv[66];
	own_folder(folder, sizeof folder);
	snprintf(bench, sizeof bench, "%s/bench", folder);
	argv[0] = bench;
	if (bench_protocol_argv(m->native_args, m->seed, storage, sizeof storage, argv + 1, 65) < 0)
		cr_assert_fail("%s: too many bench arguments", lesson_ini);
	char stdout_path[] = "/tmp/budget-native-XXXXXX";
	int fd = mkstemp(stdout_path);
	if (fd < 0)
		cr_assert_fail("cannot create a file in /tmp");
	close(fd);
	struct proc_spec spec = {.argv = argv,
	                         .stdout_path = stdout_path,
	                         .wall_limit = m->time_limit,
	                         .file_limit = 16 << 20};
	struct proc_result r;
	char how[128];
	struct bench_output printed;
	int ran = proc_run(&spec, &r) == 0 && r.exited && r.exit_code == 0;
	int read = ran && bench_protocol_read(stdout_path, &printed) == 0;
	unlink(stdout_path);
	if (!ran)
		cr_assert_fail("%s natively: %s", bench, proc_describe(&r, how, sizeof how));
	if (!read || !printed.has_region || !printed.has_usage)
		cr_assert_fail(
		    "%s printed no region_ns/region_cpu_ns lines: does it call REGION_END?", bench);
	*out = (struct native_result){
	    .wall_ns = printed.region_ns,
	    .cpu_ns = printed.region_cpu_ns,
	    .csw = printed.region_csw,
	    .minflt = printed.region_minflt,
	    .max_rss = printed.region_max_rss,
	};
}

void budget_expect_within_at(const char *lesson_ini, const char *metric, const char *see)
{
	const struct manifest *m = budget_manifest_at(lesson_ini);
	const struct metric_spec *spec = manifest_metric(m, metric);
	int tool = vg_tool_for_metric(metric);
	if (tool < 0)
		cr_assert_fail("%s: '%s' is not measured under Valgrind", lesson_ini, metric);
	double budget = budget_of_at(lesson_ini, metric), got;
	struct vg_result r;
	budget_measure_at(lesson_ini, (enum vg_tool)tool, &r);
	int known = vg_metric_value(&r, metric, spec ? spec->function : NULL, &got);
	vg_result_free(&r);
	if (known != 0)
		cr_assert_fail("%s: no value for '%s'", lesson_ini, metric);
	cr_assert(
	    got <= budget,
	    "%s in the bench region (%s --seed %llu): %.0f (budget: %.0f) — see README \"%s\"",
	    metric, m->args, m->seed, got, budget, see);
}

int budget_arch_is_reference(void)
{
#if defined(__x86_64__)
	return 1;
#else
	return 0;
#endif
}

void budget_skip_off_reference_arch(const char *what)
{
	if (!budget_arch_is_reference())
		cr_skip_test("%s budgets hold on x86-64 (gcc 12 -O2) only; this is not one", what);
}
