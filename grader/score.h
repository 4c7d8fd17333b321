/* score.h: the scoring formula of DESIGN section 5. Pure functions, no I/O: the grader feeds
 * them measured values, the unit tests feed them the edges of the curve. */
#ifndef SCORE_H
#define SCORE_H

#include <stddef.h>

#include "../tools/measure/manifest.h"

#define SCORE_CORRECTNESS_POINTS 40.0
#define SCORE_PERFORMANCE_POINTS 60.0

/* The ratio r for one metric: (S+1)/(R+1) for counts, S/R for ratios and times (is_count 0);
 * for direction = higher, S and R swap places. A non-positive denominator gives r = 1 when the
 * numerator is also 0, else a huge ratio. */
double score_ratio(double student, double reference, int is_count, enum metric_direction direction);

/* s in [0, 1]: 1 if r <= t, 0 if r >= Z, 1 - ln(r/t)/ln(Z/t) in between. */
double score_curve(double r, double tolerance, double zero_point);

struct score_metric_input {
	const struct metric_spec *spec;
	double student, reference; /* measured values (for wall_ratio: student = median ratio,
	                              reference = 1) */
	int is_count;              /* counts use (S+1)/(R+1) */
	double tolerance;          /* t to use (wall_ratio: the A/A tolerance), else spec's */
	int scored;                /* 0: reported only (kind report, or wall_ratio in a batch) */
	int earns_nothing;         /* scored, but its curve value is 0 whatever the ratio (wall
	                              time on a busy machine: grade.c) */
};

struct score_metric_output {
	double ratio;      /* r as defined above */
	double s;          /* curve value, 0..1 (scored metrics) */
	double points;     /* share of the 60 performance points this metric earned */
	double max_points; /* what it could earn: 60 x its weight / the weights that count (a
	                      metric not measured, as wall_ratio with --no-wall, counts none) */
	int cap_exceeded;  /* cap metrics: 1 when ratio > limit_ratio */
};

struct score_total {
	double correctness_points; /* 40 x passed / total */
	double fraction;           /* P after caps, 0..1; 0 when gated off */
	double performance_points; /* 60 x fraction */
	double score;              /* correctness + performance, 0..100 */
};

/* Scores n metrics. passed/total are the correct+task tests; gate_open is 1 when every test
 * passed, the test count matched the reference's and the checksum matched. */
void score_lesson(const struct score_metric_input *in, struct score_metric_output *out, size_t n,
                  unsigned passed, unsigned total, int gate_open, struct score_total *total_out);

#endif
