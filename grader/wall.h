/* wall.h: the wall-time ratio, the one metric that sees instruction-level parallelism and
 * multi-core scaling. Student and reference benches run natively, interleaved, in triplets
 * R S R'. Each side's time is a robust estimate: the lower quartile of its runs, of the
 * region's CPU time in a single-threaded lesson (lesson.ini: measure = cpu_time; a busy
 * machine delays a single thread but hardly changes the CPU it needs), else of its wall time
 * over the quiet triplets only (WALL_BUSY_MAX, judged by an idle probe before each). With too
 * few of those the machine is busy: threads that contend run one at a time there and look
 * cheaper than they are, so wall_ratio earns nothing (grade.c) and the report says why. The
 * A/A spread is the same estimate taken over the R runs and over the R' runs: its tolerance
 * is that spread within [WALL_TOLERANCE_FLOOR, WALL_TOLERANCE_CAP], so load can no longer
 * widen it to forgive a 2x gap. A spread above the cap, or a busy machine, reruns more
 * triplets, up to WALL_MAX_TRIPLETS and WALL_RERUN_SECONDS; a spread still above it makes
 * the measurement unreliable (grade.c says what that costs). Every grading job holds
 * build/wall.lock shared; timing converts it to exclusive, so no other job runs on the CPUs
 * meanwhile, then back to shared. */
#ifndef WALL_H
#define WALL_H

#include <stddef.h>

#define WALL_TRIPLETS        9    /* one round of R S R' triplets */
#define WALL_MAX_TRIPLETS    36   /* rounds rerun while the A/A spread is above the cap */
#define WALL_RERUN_SECONDS   60.0 /* no new round starts once timing has taken this long */
#define WALL_TOLERANCE_FLOOR 1.05
#define WALL_TOLERANCE_CAP   1.15 /* an A/A spread above it, after the reruns: unreliable */
#define WALL_ONE_THREAD      1.10 /* region CPU / wall above it in some run: threads overlapped */
#define WALL_MAX_VALUES      8    /* bench values graded per lesson */
/* Wall time (threaded lessons, bench values) counts only the quiet triplets: those before
 * which, watched for WALL_IDLE_PROBE seconds with no bench running, other tasks waited for a
 * CPU at most WALL_BUSY_MAX of the time (/proc/pressure/cpu "some"). Not during the triplet:
 * PSI then counts the bench's own threads waiting for a CPU too (lesson 10 runs four on the
 * course's 2 vCPUs: none of its triplets was ever quiet by that). Load changes what threads
 * that contend cost, in either direction: lesson 04's partial compared 2.1x to 7.8x its
 * reference from one grading to the next on a loaded machine, and 6.5x to 9x on an idle one. */
#define WALL_BUSY_MAX   0.20
#define WALL_MIN_QUIET  5   /* fewer quiet triplets than this: a busy machine */
#define WALL_IDLE_PROBE 0.1 /* seconds the machine is watched, idle, before each triplet */
/* Rounds with not one quiet triplet after which a busy machine is not waited for any longer:
 * lesson 04's loaded gradings took 98 s to reach WALL_RERUN_SECONDS for nothing. */
#define WALL_GIVE_UP_ROUNDS 2

/* A robust comparison of one quantity (a time, or a bench value) between the two sides. */
struct wall_estimate {
	double student, reference; /* lower (or, for higher-is-better values, upper) quartiles */
	double aa_spread;          /* the reference's R estimate against its R' estimate, >= 1 */
	double tolerance;          /* aa_spread within [floor, cap] */
	int reliable;              /* aa_spread <= WALL_TOLERANCE_CAP */
};

/* Every run's figure of one quantity, by side: s the student's, a and b the reference's
 * first and second run of each triplet. */
struct wall_samples {
	double s[WALL_MAX_TRIPLETS], a[WALL_MAX_TRIPLETS], b[WALL_MAX_TRIPLETS];
};

struct wall_result {
	struct wall_estimate time; /* seconds: CPU or wall, as cpu_time says */
	double ratio;              /* time.student / time.reference */
	double student_spread;     /* the student's own runs, even against odd triplets, >= 1;
	                              above WALL_TOLERANCE_CAP and the reference's A/A spread,
	                              time.student is the slower half's */
	int cpu_time; /* 1: region CPU time (one thread on both sides, or busy), 0: wall */
	int busy;     /* 1: a wall-time lesson had too few quiet triplets; time is
	                 then every triplet's CPU time (or wall time), for the
	                 report only, and unreliable */
	int triplets; /* triplets run (WALL_TRIPLETS, more after reruns) */
	int quiet;    /* of them, the quiet ones (all: no PSI) */
	unsigned char is_quiet[WALL_MAX_TRIPLETS];
	double cpu_wait; /* median share of a triplet's time that tasks, its own threads
	                    included, waited for a CPU; -1: no /proc/pressure/cpu */
	double load;     /* the 1-minute load average when timing ended, for the report */
	/* medians over the runs of each side, from what REGION_END printed (getrusage) */
	struct wall_usage {
		double cpu_ratio;    /* region CPU time (all threads) / region wall time */
		double switches;     /* context switches: reported, never scored (6x noise) */
		double minor_faults; /* minor page faults in the region */
		double max_rss;      /* the process's peak resident set, bytes */
	} student, reference;
	/* what the bench printed as "bench NAME VALUE" (a load generator's requests per second),
	 * every run of it: wall_value_estimate compares them in the metric's direction */
	struct wall_value {
		char name[48];
		struct wall_samples runs;
	} values[WALL_MAX_VALUES];
	size_t n_values;
};

/* The student's own A/A spread: the lower quartile of its runs in even triplets against that
 * of its runs in odd ones (of those use marks; NULL: all), >= 1, and in *slower the larger of
 * the two. The reference's spread cannot see a student whose runs scatter within a grading,
 * and a lower quartile over scattered runs is set by its luckiest ones. Scattered more than
 * WALL_TOLERANCE_CAP and than the reference, the student's time is the slower half's (after
 * the reruns). It cannot steady a design whose time changes from one grading to the next
 * while each grading's runs agree: lesson 04's partial compared 2.07x and 2.25x CPU time in
 * two gradings of five on a loaded machine, 4.2x to 7.8x in the others, each with a student
 * spread under 1.14; the quiet triplets (above) are what steadies it. */
double wall_student_halves(const double *s, const unsigned char *use, int n, double *slower);

/* What the time is compared by, from the runs so far (wall and cpu: every triplet's figures
 * of each side): the CPU time when cpu_time (the lesson asks for it and both sides ran one
 * thread at a time: see wall.c); else the wall time of the quiet triplets (w->is_quiet); with
 * fewer than WALL_MIN_QUIET of those, busy: every triplet's CPU time (wall time when cpu is
 * NULL), unreliable. Sets w->time, w->cpu_time, w->busy, w->student_spread and w->ratio. */
void wall_judge(struct wall_result *w, const struct wall_samples *wall,
                const struct wall_samples *cpu, int cpu_time);

struct jail;
struct wall_lock;

/* Runs the benches with args and seed; cpu_time: the lesson compares CPU time (lesson.ini
 * measure = cpu_time); lock: the wall lock, held shared, to hold alone while timing (NULL: the
 * timing need not have the machine to itself). The student's runs happen
 * in student_jail (jail.h; NULL: as they are), each with a fresh working folder of its own.
 * Returns 0, or -1 with a reason (a run failed or timed out; its checksum differed from the
 * reference's). */
int wall_measure(const char *student_bench, const char *reference_bench, const char *args,
                 unsigned long long seed, double time_limit, int cpu_time,
                 const struct wall_lock *lock, const struct jail *student_jail,
                 struct wall_result *w, char *err, size_t errlen);

/* The robust comparison of n triplets' samples; higher: larger is better (the upper quartile
 * is the side's best), else smaller is. */
void wall_estimate(const struct wall_samples *x, int n, int higher, struct wall_estimate *e);

/* A bench value's comparison, in its metric's direction, over the quiet triplets (fewer
 * than WALL_MIN_QUIET: over every triplet, and unreliable). */
void wall_value_estimate(const struct wall_result *w, const struct wall_value *v, int higher,
                         struct wall_estimate *e);

/* Median of n values (sorts them). */
double wall_median(double *values, size_t n);

#endif
