/* wall.c: interleaved native timing of student and reference benches. */
#include "wall.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bench_protocol.h"
#include "files.h"
#include "jail.h"
#include "proc.h"
#include "wall_lock.h"

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

/* How far a second estimate of the reference strayed from the first, as a factor >= 1 (no
 * first value to compare with: 1; a second value of 0 against a first: huge noise). */
static double aa_deviation(double first, double second)
{
	double r = first > 0 ? second / first : 1;
	return r >= 1 ? r : r > 0 ? 1 / r : 1e9;
}

/* The lower quartile of n values (higher: the upper one), from a sorted copy. A quartile, not
 * the minimum: one lucky run cannot set it, and a sample of 9 and one of 18 (the reference's
 * two runs per triplet) estimate the same thing. Load only slows a run, so the low end is
 * where a busy machine leaves the truest times. */
static double quartile(const double *values, int n, int higher)
{
	double sorted[2 * WALL_MAX_TRIPLETS];
	memcpy(sorted, values, (size_t)n * sizeof *values);
	qsort(sorted, (size_t)n, sizeof *sorted, compare_double);
	int k = (n - 1) / 4;
	return sorted[higher ? n - 1 - k : k];
}

void wall_estimate(const struct wall_samples *x, int n, int higher, struct wall_estimate *e)
{
	double both[2 * WALL_MAX_TRIPLETS];
	memcpy(both, x->a, (size_t)n * sizeof *both);
	memcpy(both + n, x->b, (size_t)n * sizeof *both);
	e->student = quartile(x->s, n, higher);
	e->reference = quartile(both, 2 * n, higher);
	e->aa_spread = aa_deviation(quartile(x->a, n, higher), quartile(x->b, n, higher));
	/* a floor: quartiles of a quiet machine agree within 1-3%, and a student 5% off the
	 * reference is the reference; a cap: a wider spread says the machine, not the code,
	 * set the times, and forgiving it would forgive a 2x gap (issue 17) */
	e->tolerance = e->aa_spread < WALL_TOLERANCE_FLOOR ? WALL_TOLERANCE_FLOOR
	               : e->aa_spread > WALL_TOLERANCE_CAP ? WALL_TOLERANCE_CAP
	                                                   : e->aa_spread;
	e->reliable = e->aa_spread <= WALL_TOLERANCE_CAP;
}

/* The estimate over the triplets keep marks (kept of them); with fewer than WALL_MIN_QUIET,
 * over every triplet, and unreliable. */
static void kept_estimate(const struct wall_samples *x, int triplets, const unsigned char *keep,
                          int kept, int higher, struct wall_estimate *e)
{
	if (kept < WALL_MIN_QUIET) {
		wall_estimate(x, triplets, higher, e);
		e->reliable = 0;
		return;
	}
	struct wall_samples q;
	int n = 0;
	for (int i = 0; i < triplets; i++)
		if (keep[i]) {
			q.s[n] = x->s[i];
			q.a[n] = x->a[i];
			q.b[n] = x->b[i];
			n++;
		}
	wall_estimate(&q, n, higher, e);
}

/* Over the quiet triplets (wall.h). With fewer than WALL_MIN_QUIET the value is unreliable,
 * and grade.c leaves it out: on a busy machine the load generator, not the server, sets the
 * requests per second and the latency of both sides (lesson 10's skeleton came to 2.6x the
 * reference's throughput instead of 7.6x at load 16, and earned 13.9 points a quiet machine
 * never gives it). Whether a value counts then depends on the machine alone, the same for
 * every grading on it, not on an A/A spread that crosses its cap in one grading and not the
 * next (issue 17: lesson 10's partial spread 9.4 points over five loaded gradings). */
void wall_value_estimate(const struct wall_result *w, const struct wall_value *v, int higher,
                         struct wall_estimate *e)
{
	kept_estimate(&v->runs, w->triplets, w->is_quiet, w->quiet, higher, e);
}

/* One native run in a fixed environment; r->wall_seconds becomes the region's time. */
struct native_run {
	double wall, cpu, cpu_ratio, switches, minflt, max_rss; /* cpu: region CPU seconds, or -1 */
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
	return jail_folder(side->jail, side->own);
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
	struct proc_spec spec = {.argv = argv,
	                         .envp = envp,
	                         .cwd = dir,
	                         .stdout_path = out,
	                         .stderr_path = errp,
	                         .wall_limit = limit,
	                         .file_limit = 16 << 20};
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
		snprintf(err, errlen, "'%s' natively: %s", bench,
		         proc_describe(r, how, sizeof how));
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
	run->cpu = -1;
	if (printed.has_usage) {
		run->cpu = (double)printed.region_cpu_ns / 1e9;
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
 * print every one of them in every run. */
static int collect_values(struct wall_result *w, int i, const struct native_run *a,
                          const struct native_run *s, const struct native_run *b, char *err,
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
		w->values[k].runs.s[i] = x->value;
		w->values[k].runs.a[i] = ra->value;
		w->values[k].runs.b[i] = rb->value;
	}
	return 0;
}

/* Every figure of every run so far, beyond what wall_result keeps. */
struct timing {
	struct wall_samples wall, cpu;         /* seconds */
	double usage[2][4][WALL_MAX_TRIPLETS]; /* [student, reference][figure][triplet] */
	double most_parallel[2];               /* highest CPU / wall of a run, by side */
	double cpu_wait[WALL_MAX_TRIPLETS];    /* by triplet; -1: unknown */
	int cpu_known;                         /* every run printed its region CPU time */
};

static void record_triplet(struct timing *t, int i, const struct native_run *a,
                           const struct native_run *s, const struct native_run *b)
{
	t->wall.s[i] = s->wall;
	t->wall.a[i] = a->wall;
	t->wall.b[i] = b->wall;
	t->cpu.s[i] = s->cpu;
	t->cpu.a[i] = a->cpu;
	t->cpu.b[i] = b->cpu;
	t->cpu_known &= s->cpu > 0 && a->cpu > 0 && b->cpu > 0;
	const struct native_run *runs[3] = {s, a, b};
	for (int k = 0; k < 3; k++) {
		int side = k > 0;
		if (runs[k]->cpu_ratio > t->most_parallel[side])
			t->most_parallel[side] = runs[k]->cpu_ratio;
	}
	for (int who = 0; who < 2; who++) {
		t->usage[who][0][i] = runs[who]->cpu_ratio;
		t->usage[who][1][i] = runs[who]->switches;
		t->usage[who][2][i] = runs[who]->minflt;
		t->usage[who][3][i] = runs[who]->max_rss;
	}
}

double wall_student_halves(const double *s, const unsigned char *use, int n, double *slower)
{
	double half[2][WALL_MAX_TRIPLETS];
	int count[2] = {0, 0}, used = 0;
	for (int i = 0; i < n && i < WALL_MAX_TRIPLETS; i++)
		if (use == NULL || use[i]) {
			half[used % 2][count[used % 2]++] = s[i];
			used++;
		}
	if (count[0] < 2 || count[1] < 2)
		return 1;
	double q0 = quartile(half[0], count[0], 0), q1 = quartile(half[1], count[1], 0);
	*slower = q0 > q1 ? q0 : q1;
	return aa_deviation(q0, q1);
}

/* Over the runs the time estimate used: every triplet when it compared CPU time or the
 * machine was busy, else the quiet ones. */
static double student_halves(const struct wall_result *w, const struct wall_samples *used,
                             double *slower)
{
	return wall_student_halves(used->s, w->cpu_time || w->busy ? NULL : w->is_quiet,
	                           w->triplets, slower);
}

/* The student's runs scatter more than the cap and more than the reference's own: a busy
 * machine that scatters both sides alike is the A/A spread's to judge, not the student's. */
static int scattered(const struct wall_result *w)
{
	return w->student_spread > WALL_TOLERANCE_CAP && w->student_spread > w->time.aa_spread;
}

void wall_judge(struct wall_result *w, const struct wall_samples *wall,
                const struct wall_samples *cpu, int cpu_time)
{
	w->cpu_time = cpu_time && cpu != NULL;
	w->busy = 0;
	const struct wall_samples *used = w->cpu_time ? cpu : wall;
	if (w->cpu_time) {
		wall_estimate(cpu, w->triplets, 0, &w->time);
	} else if (w->quiet < WALL_MIN_QUIET) {
		/* a busy machine: no time of it says what the threads cost on an idle one. The CPU
		 * time of every triplet is shown, for the report only (grade.c scores nothing):
		 * scored, it gave lesson 04's partial 3.0x to 6.5x in five loaded gradings (0 to
		 * 5.5 points), where an idle machine measures 6.5x to 9x (0 points), and lesson
		 * 03's partial 1.1x instead of 1.6x (4 points more than quiet gradings). */
		w->busy = 1;
		w->cpu_time = cpu != NULL;
		used = cpu != NULL ? cpu : wall;
		wall_estimate(used, w->triplets, 0, &w->time);
		w->time.reliable = 0;
	} else {
		kept_estimate(wall, w->triplets, w->is_quiet, w->quiet, 0, &w->time);
	}
	/* scattered runs earn what their slower half shows, never what their luckiest do: the
	 * reruns (settled) come first, this is for what they could not steady */
	double slower = w->time.student;
	w->student_spread = student_halves(w, used, &slower);
	if (scattered(w))
		w->time.student = slower;
	w->ratio = w->time.reference > 0 ? w->time.student / w->time.reference : 1e9;
}

/* wall_judge over the runs so far. CPU time in a lesson that asks for it (lesson.ini: measure =
 * cpu_time, a single-threaded lesson) while both sides ran one thread at a time in every run: a
 * single thread's CPU time barely moves with the machine's load (the time it waits for a CPU is not
 * in it), and it is the wall time a quiet machine would show. A student whose threads overlapped in
 * some run is timed by the wall, where that parallelism shows. Lessons about threads always are:
 * their threads wait for each other, and only the wall sees it. The choice never depends on how
 * busy the machine is, so a file is judged the same way on a quiet and on a busy one. */
static void estimate_time(struct wall_result *w, const struct timing *t, int cpu_time)
{
	int one_thread =
	    t->most_parallel[0] <= WALL_ONE_THREAD && t->most_parallel[1] <= WALL_ONE_THREAD;
	wall_judge(w, &t->wall, t->cpu_known ? &t->cpu : NULL, cpu_time && one_thread);
}

/* Whether the runs so far settle every quantity: the time on both sides, and each bench
 * value whichever its direction (wall.c does not know it). A student spread above the cap
 * only asks for more triplets (its lower quartile steadies as they come); the reference's
 * is what makes the time unreliable. */
static int settled(struct wall_result *w, const struct timing *t, int cpu_time)
{
	estimate_time(w, t, cpu_time);
	int ok = w->time.reliable && !scattered(w);
	for (size_t k = 0; k < w->n_values; k++)
		for (int higher = 0; higher < 2; higher++) {
			struct wall_estimate e;
			wall_value_estimate(w, &w->values[k], higher, &e);
			ok &= e.reliable;
		}
	return ok;
}

static double seconds_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double load_average(void)
{
	double load = 0;
	FILE *f = fopen("/proc/loadavg", "r");
	if (f != NULL) {
		if (fscanf(f, "%lf", &load) != 1)
			load = 0;
		fclose(f);
	}
	return load;
}

/* Microseconds that some task waited for a CPU since boot (/proc/pressure/cpu), or -1. */
static double cpu_wait_us(void)
{
	double total = -1;
	FILE *f = fopen("/proc/pressure/cpu", "r");
	if (f != NULL) {
		if (fscanf(f, "some avg10=%*f avg60=%*f avg300=%*f total=%lf", &total) != 1)
			total = -1;
		fclose(f);
	}
	return total;
}

/* The share of the time between two cpu_wait_us() readings that some task waited for a CPU,
 * or -1 when PSI is missing. */
static double wait_share(double wait0, double wait1, double seconds)
{
	return wait0 >= 0 && wait1 >= wait0 && seconds > 0 ? (wait1 - wait0) / 1e6 / seconds : -1;
}

/* Watches the machine for WALL_IDLE_PROBE seconds with no bench running and marks triplet i
 * quiet when other tasks waited for a CPU at most WALL_BUSY_MAX of that time. Without PSI
 * every triplet is quiet, and only the A/A spread judges. */
static void probe_idle(struct wall_result *w, int i)
{
	double wait0 = cpu_wait_us(), start = seconds_now();
	struct timespec nap = {0, (long)(WALL_IDLE_PROBE * 1e9)};
	nanosleep(&nap, NULL);
	double share = wait_share(wait0, cpu_wait_us(), seconds_now() - start);
	w->is_quiet[i] = share <= WALL_BUSY_MAX;
	w->quiet += w->is_quiet[i];
}

/* One triplet R S R' into slot i. */
static int run_triplet(const char *student, const char *reference, char **tail, double limit,
                       const char *dir, struct jailed_side *side, int i, struct wall_result *w,
                       struct timing *t, char *err, size_t errlen)
{
	struct native_run a, s, b;
	probe_idle(w, i);
	double wait0 = cpu_wait_us(), start = seconds_now();
	if (run_bench(reference, tail, limit, dir, NULL, &a, err, errlen) ||
	    run_bench(student, tail, limit, dir, side, &s, err, errlen) ||
	    run_bench(reference, tail, limit, dir, NULL, &b, err, errlen))
		return -1;
	if (a.checksum != s.checksum) {
		snprintf(err, errlen, "checksum %016llx differs from the reference's %016llx",
		         (unsigned long long)s.checksum, (unsigned long long)a.checksum);
		return -1;
	}
	if (collect_values(w, i, &a, &s, &b, err, errlen) != 0)
		return -1;
	record_triplet(t, i, &a, &s, &b);
	t->cpu_wait[i] = wait_share(wait0, cpu_wait_us(), seconds_now() - start); /* reported */
	return 0;
}

/* Whether more rounds can still help: not after WALL_GIVE_UP_ROUNDS rounds without one quiet
 * triplet, a machine that stays busy (a build, make test-noise's hogs). */
static int worth_another_round(const struct wall_result *w, double seconds)
{
	return w->triplets + WALL_TRIPLETS <= WALL_MAX_TRIPLETS && seconds < WALL_RERUN_SECONDS &&
	       !(w->quiet == 0 && w->triplets >= WALL_GIVE_UP_ROUNDS * WALL_TRIPLETS);
}

/* Rounds of WALL_TRIPLETS triplets until every quantity settles or another round cannot help
 * (worth_another_round). */
static int run_rounds(const char *student, const char *reference, char **tail, double limit,
                      int cpu_time, const char *dir, struct jailed_side *side,
                      struct wall_result *w, struct timing *t, char *err, size_t errlen)
{
	double start = seconds_now();
	w->triplets = 0;
	do {
		for (int k = 0; k < WALL_TRIPLETS; k++, w->triplets++)
			if (run_triplet(student, reference, tail, limit, dir, side, w->triplets, w,
			                t, err, errlen) != 0)
				return -1;
	} while (!settled(w, t, cpu_time) && worth_another_round(w, seconds_now() - start));
	return 0;
}

int wall_measure(const char *student_bench, const char *reference_bench, const char *args,
                 unsigned long long seed, double time_limit, int cpu_time,
                 const struct wall_lock *lock, const struct jail *student_jail,
                 struct wall_result *w, char *err, size_t errlen)
{
	struct jailed_side side = {.jail = student_jail};
	char storage[1024], *tail[MAX_ARGS], student[PATH_MAX], reference[PATH_MAX];
	if (bench_protocol_argv(args, seed, storage, sizeof storage, tail, MAX_ARGS) < 0) {
		snprintf(err, errlen, "too many bench arguments: '%s'", args);
		return -1;
	}
	/* the benches run in a private folder, so they are named by absolute path */
	if (realpath(student_bench, student) == NULL ||
	    realpath(reference_bench, reference) == NULL) {
		snprintf(err, errlen, "cannot find '%s' or '%s'", student_bench, reference_bench);
		return -1;
	}
	char dir[] = "/tmp/ngrade-wall-XXXXXX";
	if (mkdtemp(dir) == NULL || chmod(dir, 0711) != 0) { /* a student user reaches run-N */
		snprintf(err, errlen, "cannot create a private folder in /tmp");
		return -1;
	}
	memset(w, 0, sizeof *w);
	static struct timing t; /* 2 KiB of samples: off the stack; one timing at a time */
	memset(&t, 0, sizeof t);
	t.cpu_known = 1;
	if (lock != NULL)
		wall_lock_alone(lock); /* no other grading job runs while we time */
	int rc = run_rounds(student, reference, tail, time_limit, cpu_time, dir, &side, w, &t, err,
	                    errlen);
	w->load = load_average();
	if (lock != NULL)
		wall_lock_no_longer_alone(lock);
	char path[64];
	snprintf(path, sizeof path, "%s/stdout", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/stderr", dir);
	unlink(path);
	tree_remove(dir);
	if (rc != 0)
		return -1;
	estimate_time(w, &t, cpu_time);
	double waits[WALL_MAX_TRIPLETS];
	memcpy(waits, t.cpu_wait, sizeof waits);
	w->cpu_wait = wall_median(waits, (size_t)w->triplets);
	struct wall_usage *sides[2] = {&w->student, &w->reference};
	size_t n = (size_t)w->triplets;
	for (int who = 0; who < 2; who++) {
		sides[who]->cpu_ratio = wall_median(t.usage[who][0], n);
		sides[who]->switches = wall_median(t.usage[who][1], n);
		sides[who]->minor_faults = wall_median(t.usage[who][2], n);
		sides[who]->max_rss = wall_median(t.usage[who][3], n);
	}
	return 0;
}
