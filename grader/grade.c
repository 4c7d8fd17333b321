/* grade.c: student mode, end to end. Builds the reference, the skeleton and the submission with
 * the same rules; runs the correct and task suites as the gate; measures what lesson.ini asks
 * for (reference and skeleton from the cache when they were measured before); scores. */
#include "grade.h"

#include <ctype.h>
#include <dirent.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "build.h"
#include "impl.h"
#include "jail.h"
#include "metrics.h"
#include "seal.h"
#include "static_checks.h"
#include "suites.h"
#include "toolchain.h"
#include "valgrind_run.h"
#include "wall.h"

/* The suites of a lesson run in seconds; a submission that loops is stopped after this many
 * times the lesson's time_limit (the suites' own .timeout should fire first). */
#define GATE_LIMIT_FACTOR 3.0

/* Everything measured for one implementation. */
struct measured {
	struct vg_result cg, sim, massif;
	int has_cg, has_sim, has_massif;
	uint64_t checksum;
	int has_checksum;
};

static void progress(const struct grade_options *o, const char *fmt, ...)
{
	if (!o->verbose)
		return;
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "grade: lesson %s: ", o->lesson);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

int grade_find_lesson(const char *id, char *dir, size_t len)
{
	/* the course root's, wherever the caller stands (batch-merge stays where it was run) */
	char lessons[PATH_MAX];
	snprintf(lessons, sizeof lessons, "%s/lessons", COURSE_ROOT);
	DIR *d = opendir(lessons);
	if (d == NULL)
		return -1;
	struct dirent *e;
	int found = -1;
	while ((e = readdir(d)) != NULL)
		if (strncmp(e->d_name, id, 2) == 0 && e->d_name[2] == '-') {
			snprintf(dir, len, "lessons/%s", e->d_name);
			found = 0;
		}
	closedir(d);
	return found;
}

/* The last component of path, without a trailing slash. */
static const char *impl_display_name(const char *path)
{
	static char name[128];
	snprintf(name, sizeof name, "%s", path);
	size_t n = strlen(name);
	while (n > 1 && name[n - 1] == '/')
		name[--n] = '\0';
	const char *slash = strrchr(name, '/');
	return slash ? slash + 1 : name;
}

/* {=== which tools a lesson's metrics need ===} */

static int is_native_metric(const char *name);

static int wants_native_runs(const struct manifest *m)
{
	for (size_t i = 0; i < m->n_metrics; i++)
		if (is_native_metric(m->metrics[i].name))
			return 1;
	return 0;
}

/* 1 when a metric that counts toward the grade is a time taken on the wall clock: its native
 * runs need the machine to themselves, so the timing holds build/wall.lock exclusively. CPU
 * time (measure = cpu_time: lessons 05 and 09 moved under 1 point with three hogs running,
 * make test-noise) and a wall ratio that is only reported do not: their gradings time beside
 * other jobs rather than wait for every one of them to end (in make test, that wait left one
 * of two slots idle for each of 29 gradings). */
/* 1 when a batch only reports a metric that the lesson scores (lesson.ini batch = report). */
static int batch_reports_it(const struct grade_options *o, const struct metric_spec *spec)
{
	return o->batch && metric_def(spec->name)->batch_mode && !spec->batch_scored;
}

static int timing_needs_the_machine_alone(const struct grade_options *o, const struct manifest *m)
{
	for (size_t i = 0; i < m->n_metrics; i++) {
		const struct metric_spec *spec = &m->metrics[i];
		int counts = spec->kind != METRIC_REPORT && !batch_reports_it(o, spec);
		if (metric_def(spec->name)->timing != TIMING_NONE && counts && !spec->cpu_time)
			return 1;
	}
	return 0;
}

static int needs_tool(const struct manifest *m, enum vg_tool tool)
{
	for (size_t i = 0; i < m->n_metrics; i++) {
		const char *n = m->metrics[i].name;
		if (vg_tool_for_metric(n) == (int)tool)
			return 1;
	}
	/* callgrind always runs: it gives the checksum and the per-function table */
	return tool == VG_CALLGRIND;
}

/* jail: where the student's runs happen (NULL for the course's own code); sealed: the sealed
 * folder whose bench runs instead of the build's, NULL for the course's own code. */
static int measure_impl(const struct grade_options *o, const struct manifest *m,
                        const struct impl *impl, const struct jail *jail, const struct seal *sealed,
                        struct measured *out, char *err, size_t errlen)
{
	char bench[PATH_MAX + 8];
	if (sealed != NULL)
		seal_program(sealed, "bench", bench, sizeof bench);
	else
		snprintf(bench, sizeof bench, "%s/bench", impl->out_dir);
	struct vg_spec spec = {
	    .bench = bench,
	    .args = m->args,
	    .seed = o->has_seed ? o->seed : m->seed,
	    .time_limit = m->time_limit,
	    .cache_dir = o->cache_dir,
	    .pages_as_heap = m->massif_pages_as_heap,
	    /* a batch keeps the graded code's raw outputs for disputes (not the course's own) */
	    .keep_dir = strcmp(impl->name, "reference") && strcmp(impl->name, "skeleton")
	                    ? o->keep_dir
	                    : NULL,
	    .student_file = m->student_files[0],
	    .jail = jail,
	};
	static const enum vg_tool tools[] = {VG_CALLGRIND, VG_CACHEGRIND_SIM, VG_MASSIF};
	struct vg_result *results[] = {&out->cg, &out->sim, &out->massif};
	int *has[] = {&out->has_cg, &out->has_sim, &out->has_massif};
	static const char *const names[] = {"callgrind", "callgrind with cache simulation",
	                                    "massif"};
	for (size_t i = 0; i < 3; i++) {
		if (!needs_tool(m, tools[i]))
			continue;
		spec.tool = tools[i];
		progress(o, "measuring %s with %s", impl->name, names[i]);
		if (sealed != NULL && seal_verify(sealed, err, errlen) != 0)
			return -1;
		if (vg_measure(&spec, results[i], err, errlen) != 0)
			return -1;
		*has[i] = 1;
		if (results[i]->has_checksum && !out->has_checksum) {
			out->checksum = results[i]->checksum;
			out->has_checksum = 1;
		}
	}
	return 0;
}

static void measured_free(struct measured *x)
{
	vg_result_free(&x->cg);
	vg_result_free(&x->sim);
	vg_result_free(&x->massif);
}

/* }=== */

/* {=== metric values ===} */

/* Every metric of a loaded manifest is in the catalogue (manifest.c refuses the others). */
static const struct metric_def *def_of(const struct metric_spec *spec)
{
	return metric_def(spec->name);
}

/* The value of a metric for one implementation; 0 when the tool did not run. */
static void metric_value(const struct metric_spec *spec, const struct measured *x, double *value)
{
	int tool = vg_tool_for_metric(spec->name);
	const struct vg_result *r = tool == VG_CACHEGRIND_SIM ? &x->sim
	                            : tool == VG_MASSIF       ? &x->massif
	                                                      : &x->cg;
	*value = 0;
	if (tool >= 0)
		vg_metric_value(r, spec->name, spec->function, value);
}

/* Metrics measured by the native runs of wall.c rather than under Valgrind. */
static int is_native_metric(const char *name)
{
	const struct metric_def *d = metric_def(name);
	return d != NULL && d->source == SOURCE_NATIVE;
}

/* bench.NAME: what the bench printed as "bench NAME VALUE", or NULL. */
static const struct wall_value *bench_value(const struct wall_result *w,
                                            const struct metric_spec *spec)
{
	const char *name = spec->name + strlen(def_of(spec)->name);
	for (size_t i = 0; w != NULL && i < w->n_values; i++)
		if (!strcmp(w->values[i].name, name))
			return &w->values[i];
	return NULL;
}

/* The robust comparison behind a timed metric (wall_ratio, bench.*), or NULL for the others
 * and when nothing was timed. */
static int timed_estimate(const struct metric_spec *spec, const struct wall_result *w,
                          struct wall_estimate *e)
{
	if (w == NULL)
		return 0;
	if (def_of(spec)->read == READ_WALL_RATIO) {
		*e = w->time;
		return 1;
	}
	const struct wall_value *v =
	    def_of(spec)->read == READ_BENCH_VALUE ? bench_value(w, spec) : NULL;
	if (v == NULL)
		return 0;
	wall_value_estimate(w, v, spec->direction == DIRECTION_HIGHER, e);
	return 1;
}

/* A native metric's student and reference values (0 without a measurement). */
static void native_value(const struct metric_spec *spec, const struct wall_result *w,
                         double *student, double *reference)
{
	enum metric_read read = def_of(spec)->read;
	struct wall_estimate e;
	*student = *reference = 0;
	if (read == READ_WALL_RATIO || read == READ_BENCH_VALUE) {
		/* a time, a rate or a latency: compared as a ratio of the robust estimates */
		if (timed_estimate(spec, w, &e)) {
			*student = e.student;
			*reference = e.reference;
		}
		if (read == READ_WALL_RATIO) { /* shown as a ratio: student / reference */
			*student = w ? w->ratio : 0;
			*reference = 1;
		}
		return;
	}
	if (w == NULL)
		return;
	const struct wall_usage *sides[2] = {&w->student, &w->reference};
	double *values[2] = {student, reference};
	for (int i = 0; i < 2; i++)
		*values[i] = read == READ_CPU_RATIO          ? sides[i]->cpu_ratio
		             : read == READ_CONTEXT_SWITCHES ? sides[i]->switches
		             : read == READ_MINOR_FAULTS     ? sides[i]->minor_faults
		                                             : sides[i]->max_rss;
}

/* A bench value's unit, from its name's suffix: requests_per_s, p99_us. */
static const char *value_unit(const char *name)
{
	size_t n = strlen(name);
	if (n > 6 && !strcmp(name + n - 6, "_per_s"))
		return "/s";
	if (n > 3 && !strcmp(name + n - 3, "_us"))
		return "us";
	return "";
}

/* A timed metric's tolerance is its measured A/A spread, floored and capped (wall.h); the
 * bench values keep lesson.ini's when it is wider. A spread above the cap after every rerun,
 * or too few quiet triplets, marks the metric unreliable, and the reports say so and why.
 * Then:
 * - wall_ratio on a busy machine (a threaded lesson with too few quiet triplets) stays in P
 *   and earns nothing: contending threads that load runs one at a time look cheaper than
 *   they are (lesson 04's partial: 3.0x to 6.5x on a loaded machine, 6.5x to 9x idle), so
 *   any time measured there could buy points. Leaving it out of P instead (its weight
 *   spread over the counts, as with --no-wall) would give a design whose counts match the
 *   reference's and whose wall time does not (lesson 04's naive-seqcst cheat) 100.
 * - wall_ratio whose A/A spread stayed above the cap is scored on its robust estimate and
 *   the capped tolerance: no free points, and the same file grades alike from one grading
 *   to the next.
 * - a bench value is left out of P: a busy machine, not the code, then limits requests per
 *   second and latency, which pulls both sides together (lesson 10's partial measured
 *   67489 against the reference's 66686 requests/s under load) and would hand out points. */
static void judge_timed(struct metric_result *mr, const struct wall_estimate *e, int busy)
{
	int wall = def_of(mr->spec)->timing == TIMING_WALL;
	if (wall || e->tolerance > mr->tolerance)
		mr->tolerance = e->tolerance;
	mr->aa_spread = e->aa_spread;
	mr->unreliable = !e->reliable;
	mr->excluded = mr->unreliable && !wall;
	mr->busy = wall && busy;
}

static void fill_metrics(const struct grade_options *o, const struct manifest *m,
                         struct grade_report *r, const struct measured *student,
                         const struct measured *reference, const struct measured *skeleton,
                         const struct wall_result *wall)
{
	struct score_metric_input in[MANIFEST_MAX_METRICS];
	struct score_metric_output out[MANIFEST_MAX_METRICS];
	r->n_metrics = m->n_metrics;
	for (size_t i = 0; i < m->n_metrics; i++) {
		const struct metric_spec *spec = &m->metrics[i];
		const struct metric_def *def = def_of(spec);
		struct metric_result *mr = &r->metrics[i];
		mr->spec = spec;
		mr->scored = spec->kind == METRIC_SCORED && !batch_reports_it(o, spec);
		mr->tolerance = spec->tolerance;
		snprintf(mr->unit, sizeof mr->unit, "%s",
		         def->unit ? def->unit : value_unit(spec->name));
		if (def->source == SOURCE_NATIVE) {
			struct wall_estimate e;
			int timed = timed_estimate(spec, wall, &e);
			mr->measured = wall != NULL;
			mr->has_reference = wall != NULL;
			native_value(spec, wall, &mr->student, &mr->reference);
			if (timed)
				judge_timed(mr, &e, wall->busy);
			if (def->read == READ_BENCH_VALUE) {
				mr->measured = timed;
				mr->has_reference = timed;
			}
		} else {
			mr->measured = student != NULL;
			mr->has_reference = 1; /* Valgrind measures the reference before the gate */
			metric_value(spec, reference, &mr->reference);
			if (student)
				metric_value(spec, student, &mr->student);
			if (skeleton) {
				metric_value(spec, skeleton, &mr->skeleton);
				mr->has_skeleton = 1;
			}
		}
		in[i] = (struct score_metric_input){
		    .spec = spec,
		    .student = mr->student,
		    .reference = mr->reference,
		    .is_count = def->is_count,
		    .tolerance = mr->tolerance,
		    .scored = mr->scored && mr->measured && !mr->excluded,
		    .earns_nothing = mr->busy,
		};
	}
	int gate_open = r->passed == r->total && r->total > 0 && student != NULL;
	score_lesson(in, out, m->n_metrics, r->passed, r->total, gate_open, &r->total_score);
	for (size_t i = 0; i < m->n_metrics; i++)
		r->metrics[i].out = out[i];
}

/* Functions of the student file(s), hottest first, beside the reference's cost. */
static void fill_functions(const struct manifest *m, struct grade_report *r,
                           const struct measured *student, const struct measured *reference)
{
	const struct vg_result *s = &student->cg;
	r->functions = calloc(s->n_functions ? s->n_functions : 1, sizeof *r->functions);
	for (size_t i = 0; r->functions && i < s->n_functions; i++) {
		int ours = 0;
		for (size_t k = 0; k < m->n_student_files; k++)
			ours |= !strcmp(s->functions[i].file, m->student_files[k]);
		if (!ours)
			continue;
		struct function_row *row = &r->functions[r->n_functions++];
		snprintf(row->name, sizeof row->name, "%s", s->functions[i].name);
		row->student = s->functions[i].inclusive;
		for (size_t j = 0; j < reference->cg.n_functions; j++)
			if (!strcmp(reference->cg.functions[j].name, row->name) &&
			    !strcmp(reference->cg.functions[j].file, s->functions[i].file)) {
				row->reference = reference->cg.functions[j].inclusive;
				row->has_reference = 1;
			}
	}
	for (size_t i = 1; i < r->n_functions; i++) /* insertion sort: a few dozen rows */
		for (size_t j = i; j > 0 && r->functions[j].student > r->functions[j - 1].student;
		     j--) {
			struct function_row t = r->functions[j];
			r->functions[j] = r->functions[j - 1];
			r->functions[j - 1] = t;
		}
}

/* }=== */

/* {=== the steps ===} */

static void set_status(struct grade_report *r, enum grade_status status, const char *fmt, ...)
{
	r->status = status;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->reason, sizeof r->reason, fmt, ap);
	va_end(ap);
}

static void gate_status(struct grade_report *r, const struct gate_result *g)
{
	r->passed = g->passed;
	r->n_failures = g->n_failures;
	memcpy(r->failures, g->failures, sizeof g->failures);
	unsigned ran = g->passed + g->failed;
	if (g->crashed)
		set_status(r, STATUS_CRASHED, "%s: %s",
		           g->n_failures ? g->failures[0].name : "a test",
		           g->signal_line[0] ? g->signal_line : "killed by a signal");
	else if (g->timed_out)
		set_status(r, STATUS_TIMED_OUT, "%s timed out",
		           g->n_failures ? g->failures[0].name : "a test");
	else if (g->failed > 0)
		set_status(r, STATUS_TESTS_FAILED, "%u of %u tests fail; first: %s: %s", g->failed,
		           r->total, g->failures[0].name, g->failures[0].message);
	else if (ran != r->total)
		set_status(r, STATUS_TESTS_FAILED,
		           "the tests ran %u tests, the reference's binary declares %u", ran,
		           r->total);
}

static int build_or_fail(const struct grade_options *o, const struct impl *impl,
                         struct grade_report *r, char *err, size_t errlen)
{
	progress(o, "building %s", impl->name);
	return build_impl(o->lesson, impl, err, errlen, r->details, sizeof r->details);
}

/* The lesson's cmocka gate programs (tools/lesson.mk builds them when the source exists). */
struct cmocka_gate {
	const char *label;
	int sanitized;
	unsigned declared;
	char source[PATH_MAX + 32]; /* its race_test.c or alloc_fail_test.c */
};

static size_t cmocka_gates(const char *lesson_dir, struct cmocka_gate gates[2])
{
	static const struct {
		const char *source, *label;
		int sanitized;
	} known[] = {{"race_test.c", "race", 1}, {"alloc_fail_test.c", "alloc-fail", 0}};
	size_t n = 0;
	for (size_t i = 0; i < 2; i++) {
		char source[PATH_MAX + 32];
		snprintf(source, sizeof source, "%s/%s", lesson_dir, known[i].source);
		if (access(source, R_OK) != 0)
			continue;
		gates[n].label = known[i].label;
		gates[n].sanitized = known[i].sanitized;
		gates[n].declared = suites_cmocka_declared(source);
		snprintf(gates[n].source, sizeof gates[n].source, "%s", source);
		n++;
	}
	return n;
}

static void next_step(const struct manifest *m, struct grade_report *r, const char *lesson_dir)
{
	if (!strncmp(r->reason, "missing student file", 20)) {
		/* an --impl path that is not there: make lessonNN would not help */
		snprintf(r->next_step, sizeof r->next_step,
		         "check the --impl path; the student edition's solutions/ holds only "
		         "skeleton/ and obj/: the variants (partial, steps/, racy) are in the "
		         "full course");
		return;
	}
	if (r->status != STATUS_GRADED || r->budgets_failed) {
		snprintf(r->next_step, sizeof r->next_step,
		         "run 'make lesson%s' to see every failing test and its message", m->id);
		return;
	}
	const struct metric_result *worst = NULL;
	for (size_t i = 0; i < r->n_metrics; i++)
		if (r->metrics[i].scored && !r->metrics[i].excluded &&
		    r->metrics[i].out.s < 0.999 && (!worst || r->metrics[i].out.s < worst->out.s))
			worst = &r->metrics[i];
	if (worst)
		snprintf(r->next_step, sizeof r->next_step,
		         "%s is %.2fx the reference: the biggest gain left; see %s/README.md",
		         worst->spec->name, worst->out.ratio, lesson_dir);
	else
		snprintf(r->next_step, sizeof r->next_step,
		         "every scored metric is within tolerance of the reference: well done");
}

/* {=== the workload's seed ===}
 * A lesson whose workload a submission could recognise (lesson 10's log: its size and first
 * bytes) says draw_seed = yes: without --seed the grade draws one, so a report pasted for
 * lesson.ini's seed is wrong and the checksum shows it. A batch passes its own secret seed;
 * the README check and the tests pass --seed or read lesson.ini's. The seed is in every
 * report, so `--seed N` reproduces a grade. */
static const struct grade_options *with_seed(const struct grade_options *o,
                                             const struct manifest *m, struct grade_report *r,
                                             struct grade_options *copy)
{
	if (o->has_seed || !m->draw_seed)
		return o;
	unsigned long long seed = 0;
	FILE *f = fopen("/dev/urandom", "rb");
	if (f == NULL || fread(&seed, sizeof seed, 1, f) != 1)
		seed = (unsigned long long)time(NULL) ^ (unsigned long long)getpid() << 32;
	if (f != NULL)
		fclose(f);
	*copy = *o;
	seed %= 1000000000ULL;                          /* short to type */
	copy->seed = seed == m->seed ? seed + 1 : seed; /* never the tests' own */
	copy->has_seed = 1;
	r->seed = copy->seed;
	return copy;
}

/* }=== */

/* {=== the budget suite: make lessonNN's limits count in the grade ===}
 * A submission that fails a budget test of make lessonNN (a server on 101 threads, 8
 * allocations per request, 64 MiB from mmap) must not land in the lesson's top band,
 * whatever its metrics say: the metrics measure the graded workload only, the budget tests
 * measure what the lesson teaches around it. So once the gate passed, the budget suite runs
 * and each failed test is reported; any failure caps the score at the upper end of the
 * lesson's partial_band (the band of a solution half-way there, whose budgets fail by
 * design, so partial solutions keep their scores and the reference, which passes every
 * budget, loses nothing). A cap rather than points per budget: a budget test may check what
 * no metric sees, so there are no points of its own to take. */

/* Without a partial_band, the cap is this: under any lesson's top band. */
#define BUDGET_CAP_DEFAULT 65.0

static void run_budget_suite(const struct grade_options *o, const struct manifest *m,
                             const struct seal *sealed, const struct jail *jail,
                             struct grade_report *r)
{
	char test[PATH_MAX + 8], why[512];
	seal_program(sealed, "test", test, sizeof test);
	progress(o, "running the budget suite of %s", r->student);
	struct gate_result b;
	if (seal_verify(sealed, r->reason, sizeof r->reason) != 0) {
		r->status = STATUS_ERROR;
		return;
	}
	char cache[PATH_MAX];
	int cached = o->cache_dir != NULL && realpath(o->cache_dir, cache) != NULL;
	if (suites_run_budget(test, sealed->runs, GATE_LIMIT_FACTOR * m->time_limit,
	                      cached ? cache : NULL, jail, &b, why, sizeof why) != 0) {
		/* a budget run that hangs or dies fails every budget it did not report */
		b.failed = b.failed ? b.failed : 1;
		if (b.n_failures == 0) {
			b.n_failures = 1;
			snprintf(b.failures[0].name, sizeof b.failures[0].name, "budget::*");
			snprintf(b.failures[0].message, sizeof b.failures[0].message, "%s", why);
		}
	}
	r->budgets_failed = b.failed;
	r->n_budget_failures = b.n_failures;
	memcpy(r->budget_failures, b.failures, sizeof b.failures);
}

static void apply_budget_cap(const struct manifest *m, struct grade_report *r)
{
	if (r->budgets_failed == 0)
		return;
	r->budget_cap = m->partial_band[1] > 0 ? m->partial_band[1] : BUDGET_CAP_DEFAULT;
	struct score_total *t = &r->total_score;
	if (t->score <= r->budget_cap)
		return;
	t->score = r->budget_cap;
	t->performance_points = t->score - t->correctness_points;
	if (t->performance_points < 0)
		t->performance_points = 0;
	t->fraction = t->performance_points / SCORE_PERFORMANCE_POINTS;
}

/* }=== */

/* The jail of an official grade (--isolate), or none for a local estimate; the report says
 * which, and an official grade without namespaces is unverified. */
static void choose_jail(const struct grade_options *o, struct grade_report *r, struct jail *j)
{
	char root[PATH_MAX];
	memset(j, 0, sizeof *j);
	r->isolated = o->isolate;
	if (o->isolate && getcwd(root, sizeof root) != NULL)
		jail_setup(j, root, o->student_user);
	snprintf(r->isolation, sizeof r->isolation, "%s", jail_mode_name(j));
	r->verified = j->mode == JAIL_NAMESPACES && o->unverified == NULL;
	if (!r->verified)
		snprintf(r->unverified, sizeof r->unverified, "%s",
		         !o->isolate
		             ? "a local grading: the student's code ran as the grader's user"
		         : j->mode != JAIL_NAMESPACES ? j->why
		                                      : o->unverified);
}

/* The correct and task suites, then the lesson's cmocka gates, each from its sealed copy. */
static void run_gates(const struct grade_options *o, const struct manifest *m,
                      struct grade_report *r, const struct seal *sealed, const struct jail *jail,
                      const struct cmocka_gate *gates, size_t n_gates)
{
	char test[PATH_MAX + 8];
	const char *log_dir = sealed->runs;
	progress(o, "running the correct and task suites of %s", r->student);
	struct gate_result g;
	int ran = seal_verify(sealed, r->reason, sizeof r->reason) == 0;
	if (!ran) {
		r->status = STATUS_ERROR;
		return;
	}
	ran = suites_run_gate(seal_program(sealed, "test", test, sizeof test), log_dir,
	                      GATE_LIMIT_FACTOR * m->time_limit, jail, &g, r->reason,
	                      sizeof r->reason) == 0;
	/* make lessonNN also runs correct and task under AddressSanitizer + UBSan: undefined
	 * behaviour that the plain build gets away with (alignas(64) on calloc's memory) fails
	 * the gate here too */
	if (ran && g.failed == 0 && !g.crashed && !g.timed_out) {
		char asan[PATH_MAX + 16];
		progress(o, "running the correct and task suites of %s under the sanitizers",
		         r->student);
		ran =
		    seal_verify(sealed, r->reason, sizeof r->reason) == 0 &&
		    suites_run_gate_sanitized(seal_program(sealed, "test-asan", asan, sizeof asan),
		                              log_dir, GATE_LIMIT_FACTOR * m->time_limit, jail, &g,
		                              r->reason, sizeof r->reason) == 0;
	}
	for (size_t i = 0; ran && i < n_gates; i++) {
		char bin[PATH_MAX + 16];
		progress(o, "running the %s tests of %s", gates[i].label, r->student);
		ran = seal_verify(sealed, r->reason, sizeof r->reason) == 0;
		if (!ran) {
			r->status = STATUS_ERROR;
			return;
		}
		ran = suites_run_cmocka(seal_program(sealed, gates[i].label, bin, sizeof bin),
		                        gates[i].label, gates[i].sanitized, gates[i].declared,
		                        gates[i].source, log_dir, GATE_LIMIT_FACTOR * m->time_limit,
		                        jail, &g, r->reason, sizeof r->reason) == 0;
	}
	if (!ran)
		r->status = g.timed_out ? STATUS_TIMED_OUT : STATUS_CRASHED;
	else
		gate_status(r, &g);
}

static int prepare(const struct grade_options *o, struct grade_report *r, struct manifest *m,
                   char *lesson_dir, size_t dir_len, char *err, size_t errlen)
{
	memset(r, 0, sizeof *r);
	if (grade_find_lesson(o->lesson, lesson_dir, dir_len) != 0) {
		snprintf(err, errlen, "no lesson %s: no folder lessons/%s-*", o->lesson, o->lesson);
		return -1;
	}
	char ini[PATH_MAX + 16];
	snprintf(ini, sizeof ini, "%s/lesson.ini", lesson_dir);
	if (manifest_load(ini, m, err, errlen) != 0)
		return -1;
	snprintf(r->lesson, sizeof r->lesson, "%s", m->id);
	snprintf(r->title, sizeof r->title, "%s", m->title);
	if (o->student != NULL)
		snprintf(r->student, sizeof r->student, "%s", o->student);
	else if (o->n_impls > 0) /* "partial", or a submission folder's name */
		snprintf(r->student, sizeof r->student, "%s", impl_display_name(o->impls[0]));
	else
		snprintf(r->student, sizeof r->student, "%s",
		         o->reference ? "reference" : "student");
	r->seed = o->has_seed ? o->seed : m->seed;
	r->status = STATUS_GRADED;
	toolchain_read(&r->toolchain);
	course_version(r->course_version, sizeof r->course_version);
	return 0;
}

/* Builds the student's code (the lesson folder's, or the --impl files) and runs only the
 * static checks: what make lessonNN runs, so that a refused symbol shows up beside the suites'
 * results, not first in make grade. r->status is "graded" when every check passes. */
int grade_static_only(const struct grade_options *o, struct grade_report *r, struct manifest *m,
                      char *err, size_t errlen)
{
	char lesson_dir[PATH_MAX];
	if (prepare(o, r, m, lesson_dir, sizeof lesson_dir, err, errlen) != 0)
		return -1;
	struct impl reference, student;
	impl_known("reference", lesson_dir, m->id, &reference);
	if (build_or_fail(o, &reference, r, err, errlen) != 0) {
		fprintf(stderr, "%s\n", r->details);
		return -1;
	}
	r->details[0] = '\0';
	if (o->n_impls == 0)
		impl_known("student", lesson_dir, m->id, &student);
	if (o->n_impls > 0 && impl_stage(m, lesson_dir, o->impls, o->n_impls, &student, r->reason,
	                                 sizeof r->reason) != 0)
		r->status = STATUS_BUILD_FAILED;
	else if (build_or_fail(o, &student, r, r->reason, sizeof r->reason) != 0)
		r->status = STATUS_BUILD_FAILED;
	else {
		int refused = static_checks(m, &student, &reference, r->reason, sizeof r->reason);
		if (refused != 0)
			r->status = refused > 0 ? STATUS_REFUSED : STATUS_ERROR;
	}
	return 0;
}

int grade_run(const struct grade_options *o, struct grade_report *r, struct manifest *m, char *err,
              size_t errlen)
{
	char lesson_dir[PATH_MAX];
	if (prepare(o, r, m, lesson_dir, sizeof lesson_dir, err, errlen) != 0)
		return -1;
	struct grade_options drawn;
	o = with_seed(o, m, r, &drawn);
	struct impl reference, skeleton, student;
	impl_known("reference", lesson_dir, m->id, &reference);
	impl_known("skeleton", lesson_dir, m->id, &skeleton);
	if (build_or_fail(o, &reference, r, err, errlen) != 0) {
		fprintf(stderr, "%s\n", r->details);
		return -1; /* the course itself is broken: an internal error */
	}
	r->details[0] = '\0';
	char ref_test[PATH_MAX + 8];
	snprintf(ref_test, sizeof ref_test, "%s/test", reference.out_dir);
	if (suites_count(ref_test, &r->total, err, errlen) != 0)
		return -1;
	struct cmocka_gate gates[2];
	size_t n_gates = cmocka_gates(lesson_dir, gates);
	for (size_t i = 0; i < n_gates; i++)
		r->total += gates[i].declared;

	struct measured ref = {0}, skel = {0}, stu = {0};
	if (measure_impl(o, m, &reference, NULL, NULL, &ref, err, errlen) != 0)
		return -1;
	int have_skeleton = build_or_fail(o, &skeleton, r, err, errlen) == 0 &&
	                    measure_impl(o, m, &skeleton, NULL, NULL, &skel, err, errlen) == 0;
	r->details[0] = '\0';

	int built = 0;
	if (o->n_impls == 0) /* --reference: the edition has no reference sources to --impl */
		impl_known(o->reference ? "reference" : "student", lesson_dir, m->id, &student);
	if (o->n_impls > 0 && impl_stage(m, lesson_dir, o->impls, o->n_impls, &student, r->reason,
	                                 sizeof r->reason) != 0)
		r->status = STATUS_BUILD_FAILED;
	else if (build_or_fail(o, &student, r, r->reason, sizeof r->reason) != 0)
		r->status = STATUS_BUILD_FAILED;
	else
		built = 1;
	struct seal sealed = {0};
	struct jail jail;
	choose_jail(o, r, &jail);
	if (built && seal_impl(student.out_dir, &sealed, r->reason, sizeof r->reason) != 0) {
		set_status(r, STATUS_ERROR, "%s", r->reason);
		built = 0;
	}
	/* the reference is the course's own code, and the edition ships no source to check */
	if (built && !o->reference) {
		progress(o, "static checks of %s", student.name);
		int refused = static_checks(m, &student, &reference, r->reason, sizeof r->reason);
		if (refused != 0) {
			r->status = refused > 0 ? STATUS_REFUSED : STATUS_ERROR;
			built = 0;
		}
	}
	if (built)
		run_gates(o, m, r, &sealed, &jail, gates, n_gates);
	int measured = 0;
	if (r->status == STATUS_GRADED) {
		char why[512];
		if (measure_impl(o, m, &student, &jail, &sealed, &stu, why, sizeof why) != 0)
			set_status(r,
			           strstr(why, "cannot be trusted") ? STATUS_ERROR
			           : strstr(why, "was replaced")    ? STATUS_REFUSED
			           : strstr(why, "timed out")       ? STATUS_TIMED_OUT
			                                            : STATUS_CRASHED,
			           "%s", why);
		else if (!stu.has_checksum || stu.checksum != ref.checksum)
			set_status(r, STATUS_TESTS_FAILED,
			           "the measured run's checksum %016llx differs from the "
			           "reference's %016llx: the bench computed other results",
			           (unsigned long long)stu.checksum,
			           (unsigned long long)ref.checksum);
		else
			measured = 1;
	}
	/* after the measurement, whose results the budget tests then find in the cache */
	if (r->status == STATUS_GRADED)
		run_budget_suite(o, m, &sealed, &jail, r);
	struct wall_result wall;
	int have_wall = 0;
	if (measured && !o->no_wall && wants_native_runs(m)) {
		char ref_bench[PATH_MAX + 8], stu_bench[PATH_MAX + 8], why[512];
		snprintf(ref_bench, sizeof ref_bench, "%s/bench", reference.out_dir);
		seal_program(&sealed, "bench", stu_bench, sizeof stu_bench);
		progress(o, "timing %s against the reference natively (%d interleaved triplets)",
		         student.name, WALL_TRIPLETS);
		const struct metric_spec *wall_spec = manifest_metric(m, "wall_ratio");
		have_wall = seal_verify(&sealed, why, sizeof why) == 0 &&
		            wall_measure(stu_bench, ref_bench, m->native_args, r->seed,
		                         m->time_limit, wall_spec && wall_spec->cpu_time,
		                         timing_needs_the_machine_alone(o, m) ? o->wall_lock : NULL,
		                         &jail, &wall, why, sizeof why) == 0;
		if (!have_wall)
			progress(o, "wall time not measured: %s", why);
		if (have_wall)
			r->wall = (struct report_wall){
			    .measured = 1,
			    .reliable = wall.time.reliable,
			    .cpu_time = wall.cpu_time,
			    .busy = wall.busy,
			    .triplets = wall.triplets,
			    .quiet = wall.quiet,
			    .bench_values = (int)wall.n_values,
			    .student_spread = wall.student_spread,
			    .aa_spread = wall.time.aa_spread,
			    .tolerance = wall.time.tolerance,
			    .load = wall.load,
			    .cpu_wait = wall.cpu_wait,
			};
		r->wall_noise = have_wall ? wall.time.tolerance : 0;
	}
	/* last: nothing may have changed what was built and checked since it was sealed */
	char why[512];
	if (measured && seal_verify(&sealed, why, sizeof why) != 0) {
		set_status(r, STATUS_ERROR, "%s", why);
		measured = have_wall = 0;
	}
	fill_metrics(o, m, r, measured ? &stu : NULL, &ref, have_skeleton ? &skel : NULL,
	             have_wall ? &wall : NULL);
	if (measured)
		fill_functions(m, r, &stu, &ref);
	apply_budget_cap(m, r);
	next_step(m, r, lesson_dir);
	measured_free(&ref);
	measured_free(&skel);
	measured_free(&stu);
	seal_release(&sealed);
	return 0;
}
