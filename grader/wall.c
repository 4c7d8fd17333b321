/* wall.c: interleaved native timing of student and reference benches. */
#include "wall.h"

#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench_protocol.h"
#include "jail.h"
#include "proc.h"

#define MIN_TOLERANCE 1.05
#define MAX_ARGS 64

static int compare_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

double wall_median(double *values, size_t n)
{
	qsort(values, n, sizeof *values, compare_double);
	return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

/* How far a second run of the reference strayed from the first, as a factor >= 1 (no first
 * value to compare with: 1; a second value of 0 against a first: huge noise). */
static double aa_deviation(double first, double second)
{
	double r = first > 0 ? second / first : 1;
	return r >= 1 ? r : r > 0 ? 1 / r : 1e9;
}

/* The noise tolerance of a measurement from its A/A deviations: the 7th of 9 sorted (sorts
 * them), never below MIN_TOLERANCE. */
static double aa_tolerance(double *deviations)
{
	qsort(deviations, WALL_TRIPLETS, sizeof *deviations, compare_double);
	double spread = deviations[(WALL_TRIPLETS * 3) / 4];
	return spread > MIN_TOLERANCE ? spread : MIN_TOLERANCE;
}

/* One native run in a fixed environment; r->wall_seconds becomes the region's time. */
struct native_run {
	double wall, cpu_ratio, switches, minflt, max_rss;
	uint64_t checksum;
	struct bench_output printed;
};

/* Where the student's run works (dir/run-N, fresh for each run, the only folder it may
 * write) and what its jail shows: the bench's own folder, read-only. The grader's stdout and
 * stderr files stay in dir, outside its reach. */
struct jailed_side {
	const struct jail *jail;
	char own[PATH_MAX], bench_dir[PATH_MAX];
	struct jail_run shown;
	unsigned runs;
};

static int next_run_folder(struct jailed_side *side, const char *dir, const char *bench)
{
	snprintf(side->own, sizeof side->own, "%s/run-%u", dir, side->runs++);
	snprintf(side->bench_dir, sizeof side->bench_dir, "%s", bench);
	*strrchr(side->bench_dir, '/') = '\0'; /* bench is absolute (realpath) */
	side->shown = (struct jail_run){{side->bench_dir, NULL}, {side->own, NULL}};
	return mkdir(side->own, 0755) == 0 && jail_give(side->jail, side->own) == 0 ? 0 : -1;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path) == 0 ? 0 : 0; /* keep going: what is left is a few empty folders */
}

static void remove_tree(const char *dir)
{
	nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static int run_bench(const char *bench, char **argv_tail, double limit, const char *dir,
		     struct jailed_side *side, struct native_run *run, char *err, size_t errlen)
{
	char *argv[MAX_ARGS];
	int n = 0;
	argv[n++] = (char *)bench;
	for (int i = 0; argv_tail[i] != NULL && n < MAX_ARGS - 1; i++)
		argv[n++] = argv_tail[i];
	argv[n] = NULL;
	char out[PATH_MAX], errp[PATH_MAX];
	snprintf(out, sizeof out, "%s/stdout", dir);
	snprintf(errp, sizeof errp, "%s/stderr", dir);
	char *envp[] = {"PATH=/usr/bin:/bin", "LC_ALL=C", NULL};
	struct proc_result result, *r = &result;
	struct proc_spec spec = {.argv = argv, .envp = envp, .cwd = dir, .stdout_path = out,
				 .stderr_path = errp, .wall_limit = limit, .file_limit = 16 << 20};
	if (side != NULL) {
		if (next_run_folder(side, dir, bench) != 0) {
			snprintf(err, errlen, "cannot make a run folder in %s", dir);
			return -1;
		}
		spec.cwd = side->own;
		spec.jail = side->jail;
		spec.jail_run = &side->shown;
	}
	if (proc_run(&spec, r) != 0) {
		snprintf(err, errlen, "cannot run '%s': %s", bench, r->error);
		return -1;
	}
	char how[128];
	if (!r->exited || r->exit_code != 0) {
		snprintf(err, errlen, "'%s' natively: %s", bench, proc_describe(r, how, sizeof how));
		return -1;
	}
	double process_seconds = r->wall_seconds;
	struct bench_output printed;
	if (bench_protocol_read(out, &printed) != 0 || !printed.has_checksum ||
	    !printed.has_region) {
		snprintf(err, errlen, "'%s' printed no region_ns and checksum lines", bench);
		return -1;
	}
	run->printed = printed;
	run->wall = (double)printed.region_ns / 1e9;
	run->checksum = printed.checksum;
	if (printed.has_usage) {
		run->cpu_ratio = (double)printed.region_cpu_ns / (double)printed.region_ns;
		run->switches = (double)printed.region_csw;
		run->minflt = (double)printed.region_minflt;
		run->max_rss = (double)printed.region_max_rss;
	} else { /* an older driver: the whole process's figures */
		run->cpu_ratio = (r->user_seconds + r->system_seconds) / process_seconds;
		run->switches = (double)(r->voluntary_switches + r->involuntary_switches);
		run->minflt = run->max_rss = 0;
	}
	return 0;
}

/* Stores triplet i's bench values: names come from the first reference run; each side must
 * print every one of them in every run. The A/A spread is the reference's second run against
 * its first, as for the wall time. */
static int collect_values(struct wall_result *w, int i, const struct native_run *a,
			  const struct native_run *s, const struct native_run *b,
			  double values[2][WALL_MAX_VALUES][WALL_TRIPLETS],
			  double noise[WALL_MAX_VALUES][WALL_TRIPLETS], char *err,
			  size_t errlen)
{
	if (i == 0) {
		w->n_values = a->printed.n_values;
		for (size_t k = 0; k < w->n_values; k++)
			snprintf(w->values[k].name, sizeof w->values[k].name, "%s",
				 a->printed.values[k].name);
	}
	for (size_t k = 0; k < w->n_values; k++) {
		const char *name = w->values[k].name;
		const struct bench_value *x = bench_protocol_value(&s->printed, name),
					 *ra = bench_protocol_value(&a->printed, name),
					 *rb = bench_protocol_value(&b->printed, name);
		if (x == NULL || ra == NULL || rb == NULL) {
			snprintf(err, errlen, "the %s bench printed no 'bench %s' line",
				 x == NULL ? "student's" : "reference's", name);
			return -1;
		}
		values[0][k][i] = x->value;
		values[1][k][i] = ra->value;
		noise[k][i] = aa_deviation(ra->value, rb->value);
	}
	return 0;
}

int wall_measure(const char *student_bench, const char *reference_bench, const char *args,
		 unsigned long long seed, double time_limit, int lock_fd,
		 const struct jail *student_jail, struct wall_result *w, char *err, size_t errlen)
{
	struct jailed_side side = {.jail = student_jail};
	char storage[1024], *tail[MAX_ARGS], student[PATH_MAX], reference[PATH_MAX];
	if (bench_protocol_argv(args, seed, storage, sizeof storage, tail, MAX_ARGS) < 0) {
		snprintf(err, errlen, "too many bench arguments: '%s'", args);
		return -1;
	}
	/* the benches run in a private folder, so they are named by absolute path */
	if (realpath(student_bench, student) == NULL || realpath(reference_bench, reference) == NULL) {
		snprintf(err, errlen, "cannot find '%s' or '%s'", student_bench, reference_bench);
		return -1;
	}
	char dir[] = "/tmp/ngrade-wall-XXXXXX";
	if (mkdtemp(dir) == NULL || chmod(dir, 0711) != 0) { /* a student user reaches run-N */
		snprintf(err, errlen, "cannot create a private folder in /tmp");
		return -1;
	}
	if (lock_fd >= 0)
		flock(lock_fd, LOCK_EX); /* no other grading job runs while we time */
	double ratios[WALL_TRIPLETS], noise[WALL_TRIPLETS], s_sec[WALL_TRIPLETS],
		r_sec[WALL_TRIPLETS], usage[2][4][WALL_TRIPLETS];
	/* bench values: [side][value][triplet], and the reference's A/A spread */
	double values[2][WALL_MAX_VALUES][WALL_TRIPLETS],
		value_noise[WALL_MAX_VALUES][WALL_TRIPLETS];
	w->n_values = 0;
	int rc = 0;
	for (int i = 0; i < WALL_TRIPLETS && rc == 0; i++) {
		struct native_run a, s, b;
		rc = run_bench(reference, tail, time_limit, dir, NULL, &a, err, errlen) ||
		     run_bench(student, tail, time_limit, dir, &side, &s, err, errlen) ||
		     run_bench(reference, tail, time_limit, dir, NULL, &b, err, errlen);
		if (rc == 0 && a.checksum != s.checksum) {
			snprintf(err, errlen, "checksum %016llx differs from the reference's %016llx",
				 (unsigned long long)s.checksum, (unsigned long long)a.checksum);
			rc = -1;
		}
		if (rc == 0)
			rc = collect_values(w, i, &a, &s, &b, values, value_noise, err, errlen);
		if (rc != 0)
			break;
		ratios[i] = s.wall / a.wall;
		noise[i] = aa_deviation(a.wall, b.wall);
		s_sec[i] = s.wall;
		r_sec[i] = a.wall;
		const struct native_run *runs[2] = {&s, &a};
		for (int who = 0; who < 2; who++) {
			usage[who][0][i] = runs[who]->cpu_ratio;
			usage[who][1][i] = runs[who]->switches;
			usage[who][2][i] = runs[who]->minflt;
			usage[who][3][i] = runs[who]->max_rss;
		}
	}
	if (lock_fd >= 0)
		flock(lock_fd, LOCK_SH);
	char path[64];
	snprintf(path, sizeof path, "%s/stdout", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/stderr", dir);
	unlink(path);
	remove_tree(dir);
	if (rc != 0)
		return -1;
	w->ratio = wall_median(ratios, WALL_TRIPLETS);
	w->tolerance = aa_tolerance(noise);
	w->student_seconds = wall_median(s_sec, WALL_TRIPLETS);
	w->reference_seconds = wall_median(r_sec, WALL_TRIPLETS);
	struct wall_usage *sides[2] = {&w->student, &w->reference};
	for (int who = 0; who < 2; who++) {
		sides[who]->cpu_ratio = wall_median(usage[who][0], WALL_TRIPLETS);
		sides[who]->switches = wall_median(usage[who][1], WALL_TRIPLETS);
		sides[who]->minor_faults = wall_median(usage[who][2], WALL_TRIPLETS);
		sides[who]->max_rss = wall_median(usage[who][3], WALL_TRIPLETS);
	}
	for (size_t k = 0; k < w->n_values; k++) {
		struct wall_value *v = &w->values[k];
		v->student = wall_median(values[0][k], WALL_TRIPLETS);
		v->reference = wall_median(values[1][k], WALL_TRIPLETS);
		v->tolerance = aa_tolerance(value_noise[k]);
	}
	return 0;
}
