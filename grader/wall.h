/* wall.h: the wall-time ratio, the one metric that sees instruction-level parallelism and
 * multi-core scaling. Student and reference benches run natively, interleaved, in triplets
 * R S R': the median of S/R is the ratio, and the spread of the A/A ratios R'/R sets the noise
 * tolerance. Every grading job holds build/wall.lock shared; timing converts it to exclusive,
 * so no other job runs on the CPUs meanwhile, then back to shared. */
#ifndef WALL_H
#define WALL_H

#include <stddef.h>

#define WALL_TRIPLETS 9
#define WALL_MAX_VALUES 8 /* bench values graded per lesson */

struct wall_result {
	double ratio;              /* median student/reference */
	double tolerance;          /* max(1.05, 7th of 9 sorted A/A deviations) */
	double student_seconds;    /* medians, for the report */
	double reference_seconds;
	/* medians over the runs of each side, from what REGION_END printed (getrusage) */
	struct wall_usage {
		double cpu_ratio;      /* region CPU time (all threads) / region wall time */
		double switches;       /* context switches: reported, never scored (6x noise) */
		double minor_faults;   /* minor page faults in the region */
		double max_rss;        /* the process's peak resident set, bytes */
	} student, reference;
	/* what the bench printed as "bench NAME VALUE" (a load generator's requests per second):
	 * medians of each side, and the A/A spread of the reference's values as tolerance */
	struct wall_value {
		char name[48];
		double student, reference, tolerance;
	} values[WALL_MAX_VALUES];
	size_t n_values;
};

struct jail;

/* The student's runs happen in student_jail (jail.h; NULL: as they are), each with a fresh
 * working folder of its own. Runs the benches with args and seed; lock_fd is the open build/wall.lock (or -1). Returns 0, or -1 with a reason (a run failed or timed
 * out; its checksum differed from the reference's). */
int wall_measure(const char *student_bench, const char *reference_bench, const char *args,
		 unsigned long long seed, double time_limit, int lock_fd,
		 const struct jail *student_jail, struct wall_result *w, char *err, size_t errlen);

/* Median of n values (sorts them). */
double wall_median(double *values, size_t n);

#endif
