/* manifest.h: parses a lesson's lesson.ini (schema version 1, DESIGN section 10.1). Every error
 * names the file, the line and the key, so a lesson author can fix it without guessing. */
#ifndef MANIFEST_H
#define MANIFEST_H

#include <stddef.h>
#include <stdio.h>

#define MANIFEST_MAX_FILES   8
#define MANIFEST_MAX_METRICS 16
#define MANIFEST_MAX_SUITES  4
#define MANIFEST_MAX_BUDGETS 8

enum metric_kind { METRIC_SCORED, METRIC_CAP, METRIC_REPORT };
enum metric_direction { DIRECTION_LOWER, DIRECTION_HIGHER };

struct metric_spec {
	char name[64]; /* catalogue name: instructions, allocations, calls.<fn>, ... */
	enum metric_kind kind;
	enum metric_direction direction;
	double weight;     /* scored metrics: > 0 */
	double zero_point; /* scored: Z, ratio at which points reach 0 (>= 1.25 * tolerance) */
	double tolerance;  /* scored: t, default 1.05 */
	double budget;     /* absolute limit the budget suite asserts; has_budget says if set */
	int has_budget;
	double limit_ratio; /* cap: student/reference above this caps performance */
	double cap_points;  /* cap: P is lowered to cap_points / 100 */
	int batch_scored;   /* wall_ratio: scored in a batch (batch = scored) or reported */
	int cpu_time;       /* wall_ratio: measure = cpu_time (a single-threaded lesson) */
	/* the function a metric measures (gc_share), or for calls.* one or more, space-separated:
	 * a family counted as one (every way to take a lock, so that trylock is no way around
	 * a lock budget); "" for calls.<name> alone */
	char function[256];
};

/* A [budgets] entry: a limit only the lesson's tests measure, such as allocations per 1000
 * requests of a server the bench drives but no grader metric counts. */
struct manifest_budget {
	char name[64];
	double value;
};

struct manifest {
	char path[512]; /* the file this was read from */
	char id[3];     /* two digits */
	char title[128];
	char title_th[192]; /* UTF-8: a Thai letter takes 3 bytes */
	char student_files[MANIFEST_MAX_FILES][64];
	size_t n_student_files;
	char skeleton_passes[MANIFEST_MAX_SUITES][32];
	size_t n_skeleton_passes;
	double partial_band[2];
	unsigned long long seed;
	int draw_seed;            /* [workload] draw_seed = yes: the grade without
	                           * --seed draws one (the tests keep seed) */
	char args[256];           /* argv for bench.c, space-separated */
	char native_args[256];    /* argv for the native (wall-time) runs; = args
	                           * unless [workload] native_args sets it */
	double time_limit;        /* seconds per measured run */
	int massif_pages_as_heap; /* massif --pages-as-heap=yes: mmap counts too */
	struct metric_spec metrics[MANIFEST_MAX_METRICS];
	size_t n_metrics;
	char allow_symbols[2048]; /* space-separated */
	int allow_asm;
	unsigned long max_static_bytes;
	char baseline_libs[256];     /* [baselines] libs: linker flags of baselines.c */
	char baseline_packages[256]; /* [baselines] packages: what make baselines installs */
	struct manifest_budget budgets[MANIFEST_MAX_BUDGETS]; /* [budgets] */
	/* [variants]: folders of patches under solutions/NN-slug/ (tools/variant.sh) */
	char variant_partial[64]; /* the partial solution, graded inside partial_band */
	char variant_racy[64];    /* the reference with a planted data race: fails the race gate */
	char variant_steps[512];  /* the README's steps, in order */
	size_t n_budgets;
};

/* Reads and validates path into m. Returns 0, or -1 after writing a one-line message such as
 * "lessons/01-x/lesson.ini:12: key 'weight': not a number: 'x'" into err. */
int manifest_load(const char *path, struct manifest *m, char *err, size_t errlen);

/* The same, from text already in memory; name is used in messages only. */
int manifest_parse(const char *name, const char *text, struct manifest *m, char *err,
                   size_t errlen);

/* One setting of the lesson.ini at path, for make and the shell scripts (grade ini): key is
 * SECTION.KEY (lesson.title, workload.args, metric.instructions.budget, budgets.NAME;
 * format_version alone). The whole file is read and checked as manifest_load does. Returns 1 and
 * *value (malloc'd) as the file writes it: continuation lines joined with one space, comments
 * stripped; 0 and *value NULL when the file does not set a key lesson.ini knows; -1 with the
 * message (file, line, key) when the file is malformed or lesson.ini knows no such key. */
int manifest_value(const char *path, const char *key, char **value, char *err, size_t errlen);

/* Every setting of the lesson.ini at path, a SECTION.KEY=value line each in the file's order,
 * written to out only once the whole file has been checked. Returns 0, or -1 with the message. */
int manifest_values(const char *path, FILE *out, char *err, size_t errlen);

/* 1 and *value when [budgets] has name, else 0. */
int manifest_test_budget(const struct manifest *m, const char *name, double *value);

/* The metric called name, or NULL. */
const struct metric_spec *manifest_metric(const struct manifest *m, const char *name);

#endif
