/* metrics.h: the catalogue of metrics a lesson.ini may name, one row per metric or family
 * (calls.<function>, instr.<function>, bench.<value>): where its value comes from, its unit,
 * whether it is a count, and which field of a measurement holds it. The manifest checks names
 * against it, Valgrind's results and the native runs are read through it, and the grader
 * chooses how to score and show a metric from it, not from its name. Adding a metric is one
 * row here and its reading in vg_metric_value or grade.c's native_value (DESIGN section 8.2). */
#ifndef METRICS_H
#define METRICS_H

#include <stddef.h>

enum metric_source {
	SOURCE_CALLGRIND,      /* callgrind with the allocation and syscall counters */
	SOURCE_CACHEGRIND_SIM, /* callgrind with the cache and branch simulators, pinned */
	SOURCE_MASSIF,         /* massif's peak */
	SOURCE_NATIVE,         /* wall.c's interleaved native runs */
};

/* Which field of a measurement holds the value. */
enum metric_read {
	READ_INSTRUCTIONS,
	READ_ALLOCATIONS,
	READ_SYSCALLS,
	READ_PEAK_HEAP,
	READ_D1_MISSES,
	READ_LL_MISSES,
	READ_BRANCH_MISPREDICTS,
	READ_CALLS,      /* calls.<function>: the calls of the function, or of a family */
	READ_INSTR,      /* instr.<function>: the function's inclusive instructions */
	READ_GC_SHARE,   /* the function's inclusive share of all instructions */
	READ_WALL_RATIO, /* student time / reference time */
	READ_CPU_RATIO,  /* CPU time over wall time: how many cores were busy */
	READ_CONTEXT_SWITCHES,
	READ_MINOR_FAULTS,
	READ_MAX_RSS,
	READ_BENCH_VALUE, /* bench.<value>: what the bench printed as "bench NAME VALUE" */
};

/* How the native runs' noise bears on a timed metric (grade.c's judge_timed). */
enum metric_timing {
	TIMING_NONE,  /* exact: a count, or a ratio of counts */
	TIMING_WALL,  /* wall_ratio: tolerance from the A/A spread, scored even when unreliable */
	TIMING_VALUE, /* bench values: left out of the score when unreliable */
};

struct metric_def {
	const char *name;       /* the metric, or a family's prefix with its dot ("calls.") */
	const char *family_arg; /* a family's placeholder in messages ("<function>"); NULL */
	enum metric_source source;
	enum metric_read read;
	const char *unit; /* "" (a number), "B" (bytes), "x" (a ratio); NULL: from the bench
	                   * value's name (_per_s, _us) */
	int is_count;     /* scored as (S+1)/(R+1); else a ratio, scored as S/R */
	enum metric_timing timing;
	int batch_mode;      /* lesson.ini may say batch = report (too noisy beside other jobs) */
	int measure_mode;    /* lesson.ini may say measure = cpu_time */
	int needs_function;  /* lesson.ini must name the function (gc_share) */
	int function_family; /* function may list several, counted as one (calls.) */
	int report_only;     /* may only be reported: it varies too much to score or cap */
};

/* The row of name, a metric or a member of a family (calls.foo); NULL when unknown. A family
 * member needs something after the dot. */
const struct metric_def *metric_def(const char *name);

/* The same for the first n characters of name. */
const struct metric_def *metric_def_n(const char *name, size_t n);

/* The catalogue, for messages, into out: "instructions, allocations, calls.<function>, ...". */
void metric_catalogue_list(char *out, size_t len);

#endif
