/* metrics.c: the catalogue of metrics, one row each (metrics.h). */
#include "metrics.h"

#include <stdio.h>
#include <string.h>

static const struct metric_def catalogue[] = {
    {.name = "instructions",
     .source = SOURCE_CALLGRIND,
     .read = READ_INSTRUCTIONS,
     .unit = "",
     .is_count = 1},
    {.name = "allocations",
     .source = SOURCE_CALLGRIND,
     .read = READ_ALLOCATIONS,
     .unit = "",
     .is_count = 1},
    {.name = "calls.",
     .family_arg = "<function>",
     .source = SOURCE_CALLGRIND,
     .read = READ_CALLS,
     .unit = "",
     .is_count = 1,
     .function_family = 1},
    {.name = "instr.",
     .family_arg = "<function>",
     .source = SOURCE_CALLGRIND,
     .read = READ_INSTR,
     .unit = "",
     .is_count = 1},
    {.name = "syscalls",
     .source = SOURCE_CALLGRIND,
     .read = READ_SYSCALLS,
     .unit = "",
     .is_count = 1},
    {.name = "peak_heap",
     .source = SOURCE_MASSIF,
     .read = READ_PEAK_HEAP,
     .unit = "B",
     .is_count = 1},
    {.name = "d1_misses",
     .source = SOURCE_CACHEGRIND_SIM,
     .read = READ_D1_MISSES,
     .unit = "",
     .is_count = 1},
    {.name = "ll_misses",
     .source = SOURCE_CACHEGRIND_SIM,
     .read = READ_LL_MISSES,
     .unit = "",
     .is_count = 1},
    {.name = "branch_mispredicts",
     .source = SOURCE_CACHEGRIND_SIM,
     .read = READ_BRANCH_MISPREDICTS,
     .unit = "",
     .is_count = 1},
    {.name = "wall_ratio",
     .source = SOURCE_NATIVE,
     .read = READ_WALL_RATIO,
     .unit = "x",
     .timing = TIMING_WALL,
     .batch_mode = 1,
     .measure_mode = 1},
    /* a ratio, yet its unit is none: the reports print a share such as 0.31 */
    {.name = "gc_share",
     .source = SOURCE_CALLGRIND,
     .read = READ_GC_SHARE,
     .unit = "",
     .needs_function = 1},
    {.name = "cpu_ratio", .source = SOURCE_NATIVE, .read = READ_CPU_RATIO, .unit = "x"},
    /* they vary 6x from run to run */
    {.name = "context_switches",
     .source = SOURCE_NATIVE,
     .read = READ_CONTEXT_SWITCHES,
     .unit = "",
     .is_count = 1,
     .report_only = 1},
    {.name = "minor_faults",
     .source = SOURCE_NATIVE,
     .read = READ_MINOR_FAULTS,
     .unit = "",
     .is_count = 1},
    {.name = "max_rss", .source = SOURCE_NATIVE, .read = READ_MAX_RSS, .unit = "B", .is_count = 1},
    /* a time, a rate or a latency: compared as a ratio of robust estimates */
    {.name = "bench.",
     .family_arg = "<value>",
     .source = SOURCE_NATIVE,
     .read = READ_BENCH_VALUE,
     .unit = NULL,
     .timing = TIMING_VALUE},
};

const struct metric_def *metric_def_n(const char *name, size_t n)
{
	for (size_t i = 0; i < sizeof catalogue / sizeof *catalogue; i++) {
		const struct metric_def *d = &catalogue[i];
		size_t len = strlen(d->name);
		if (d->family_arg ? n > len && memcmp(name, d->name, len) == 0
		                  : n == len && memcmp(name, d->name, len) == 0)
			return d;
	}
	return NULL;
}

const struct metric_def *metric_def(const char *name)
{
	return metric_def_n(name, strlen(name));
}

void metric_catalogue_list(char *out, size_t len)
{
	size_t used = 0;
	out[0] = '\0';
	for (size_t i = 0; i < sizeof catalogue / sizeof *catalogue && used < len; i++) {
		int n = snprintf(out + used, len - used, "%s%s%s", i ? ", " : "", catalogue[i].name,
		                 catalogue[i].family_arg ? catalogue[i].family_arg : "");
		used += n > 0 ? (size_t)n : 0;
	}
}
