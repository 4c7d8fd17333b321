/* test_score.c: cmocka tests of the scoring formula (DESIGN section 5): the curve's edges, the
 * ratio of counts and of times, direction, caps, the gate, and a two-metric example whose
 * expected numbers were worked out by hand (with a calculator, not with this code). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <float.h>
#include <math.h>
#include <stdio.h>

#include "../score.h"

#define EPS 1e-9
#define T   1.05

#define assert_near(got, want)                                                                     \
	do {                                                                                       \
		double g_ = (got), w_ = (want);                                                    \
		if (!(fabs(g_ - w_) <= EPS))                                                       \
			fail_msg("%s: got %.17g, want %.17g", #got, g_, w_);                       \
	} while (0)

static struct metric_spec scored(const char *name, double weight, double zero_point)
{
	struct metric_spec m = {.kind = METRIC_SCORED,
	                        .direction = DIRECTION_LOWER,
	                        .weight = weight,
	                        .zero_point = zero_point,
	                        .tolerance = T};

	snprintf(m.name, sizeof(m.name), "%s", name);
	return m;
}

static struct metric_spec cap(double limit_ratio, double cap_points)
{
	struct metric_spec m = {.kind = METRIC_CAP,
	                        .limit_ratio = limit_ratio,
	                        .cap_points = cap_points,
	                        .tolerance = T};

	snprintf(m.name, sizeof(m.name), "peak_heap");
	return m;
}

static struct score_metric_input input(const struct metric_spec *spec, double s, double r,
                                       int is_count)
{
	return (struct score_metric_input){
	    .spec = spec, .student = s, .reference = r, .is_count = is_count, .scored = 1};
}

/* {=== the curve ===} */

static void curve_edges(void **state)
{
	(void)state;
	assert_near(score_curve(0, T, 12), 1); /* S = 0 on a ratio: as good as it gets */
	assert_near(score_curve(1, T, 12), 1);
	assert_near(score_curve(T, T, 12), 1);   /* exactly t */
	assert_near(score_curve(12, T, 12), 0);  /* exactly Z */
	assert_near(score_curve(1e6, T, 12), 0); /* beyond Z */
	assert_near(score_curve(DBL_MAX, T, 12), 0);
	assert_near(score_curve(NAN, T, 12), 0); /* unmeasured never earns */
}

static void curve_just_inside_its_ends(void **state)
{
	double below_z = score_curve(12 * (1 - 1e-9), T, 12);
	double above_t = score_curve(T * (1 + 1e-9), T, 12);

	(void)state;
	/* -ln(1 - 1e-9) / ln(12 / 1.05) = 4.1049e-10 */
	assert_true(below_z > 0 && below_z < 1e-9);
	assert_true(above_t < 1 && above_t > 1 - 1e-9);
}

/* Each halving of the gap earns the same points: the geometric middle of t..Z scores 1/2. */
static void curve_is_logarithmic(void **state)
{
	(void)state;
	assert_near(score_curve(sqrt(T * 12), T, 12), 0.5);
	/* 1 - ln(2 / 1.05) / ln(12 / 1.05) = 1 - 0.644357 / 2.436116 = 0.735498... */
	assert_near(score_curve(2, T, 12), 0.7354982735043966);
}

/* }=== */

/* {=== the ratio ===} */

static void counts_add_one_ratios_do_not(void **state)
{
	(void)state;
	assert_near(score_ratio(9, 4, 1, DIRECTION_LOWER), 2.0);  /* (9+1)/(4+1) */
	assert_near(score_ratio(9, 4, 0, DIRECTION_LOWER), 2.25); /* 9/4 */
	assert_near(score_ratio(0, 0, 1, DIRECTION_LOWER), 1.0);  /* zero allocations each */
	assert_near(score_ratio(0, 9, 1, DIRECTION_LOWER), 0.1);  /* S = 0 */
	assert_near(score_ratio(9, 0, 1, DIRECTION_LOWER), 10.0); /* R = 0, a count */
}

static void zero_reference_on_a_ratio(void **state)
{
	(void)state;
	assert_near(score_ratio(0, 0, 0, DIRECTION_LOWER), 1.0);
	assert_true(score_ratio(3, 0, 0, DIRECTION_LOWER) == DBL_MAX); /* R = 0: huge */
	assert_near(score_curve(score_ratio(3, 0, 0, DIRECTION_LOWER), T, 12), 0);
	assert_near(score_ratio(0, 3, 0, DIRECTION_LOWER), 0.0); /* S = 0 */
}

static void higher_is_better_swaps_student_and_reference(void **state)
{
	(void)state;
	assert_near(score_ratio(2, 1, 0, DIRECTION_HIGHER), 0.5);
	assert_near(score_ratio(1, 2, 0, DIRECTION_HIGHER), 2.0);
	assert_near(score_ratio(9, 4, 1, DIRECTION_HIGHER), 0.5); /* (4+1)/(9+1) */
	assert_true(score_ratio(0, 5, 0, DIRECTION_HIGHER) == DBL_MAX);
}

/* }=== */

/* {=== the lesson total ===} */

/* Weights 3 and 2. instructions (a time-like ratio here): S/R = 4, so
 *   s1 = 1 - ln(4/1.05)/ln(12/1.05) = 1 - 1.3375041/2.4361165 = 0.45096870168...
 * allocations (a count): (9+1)/(0+1) = 10, so
 *   s2 = 1 - ln(10/1.05)/ln(1000/1.05) = 1 - 2.2537949/6.8589700 = 0.67140889462...
 * P = (3 s1 + 2 s2) / 5 = 0.53914477885..., points 36 s1 = 16.2348732... and 24 s2. */
#define S1 0.450968701683062
#define S2 0.6714088946221215
#define P  0.5391447788586858

static void worked_example_two_metrics(void **state)
{
	struct metric_spec ins = scored("instructions", 3, 12),
	                   alloc = scored("allocations", 2, 1000);
	struct score_metric_input in[] = {input(&ins, 4e7, 1e7, 0), input(&alloc, 9, 0, 1)};
	struct score_metric_output out[2];
	struct score_total total;

	(void)state;
	score_lesson(in, out, 2, 18, 18, 1, &total);
	assert_near(out[0].ratio, 4);
	assert_near(out[1].ratio, 10);
	assert_near(out[0].s, S1);
	assert_near(out[1].s, S2);
	assert_near(out[0].points, 16.234873260590234);
	assert_near(out[1].points, 16.113813470930914);
	assert_near(out[0].points + out[1].points, total.performance_points);
	assert_near(total.fraction, P);
	assert_near(total.performance_points, 60 * P);
	assert_near(total.correctness_points, 40);
	assert_near(total.score, 40 + 60 * P);
}

static void reference_scores_full_and_correctness_is_a_share(void **state)
{
	struct metric_spec ins = scored("instructions", 3, 12);
	struct score_metric_input in[] = {input(&ins, 1e7, 1e7, 1)};
	struct score_metric_output out[1];
	struct score_total total;

	(void)state;
	score_lesson(in, out, 1, 2, 3, 1, &total);
	assert_near(total.fraction, 1);
	assert_near(out[0].points, 60);
	assert_near(total.correctness_points, 40.0 * 2 / 3); /* not rounded */
	score_lesson(in, out, 1, 0, 0, 1, &total);
	assert_near(total.correctness_points, 0); /* no tests: no points, no division by 0 */
}

static void cap_exceeded_lowers_p_not_exceeded_leaves_it(void **state)
{
	struct metric_spec ins = scored("instructions", 3, 12),
	                   alloc = scored("allocations", 2, 1000);
	struct metric_spec heap = cap(2.0, 50), loose = cap(2.0, 60);
	struct score_metric_input in[] = {input(&ins, 4e7, 1e7, 0), input(&alloc, 9, 0, 1),
	                                  input(&heap, 3e6, 1e6, 0)};
	struct score_metric_output out[3];
	struct score_total total;

	(void)state;
	score_lesson(in, out, 3, 1, 1, 1, &total);
	assert_true(out[2].cap_exceeded);
	assert_near(out[2].points, 0);
	assert_near(total.fraction, 0.5);                   /* min(0.539..., 50/100) */
	assert_near(out[0].points + out[1].points, 60 * P); /* per-metric points are before caps */
	in[2].student = 2e6;                                /* exactly at the limit: not exceeded */
	score_lesson(in, out, 3, 1, 1, 1, &total);
	assert_false(out[2].cap_exceeded);
	assert_near(total.fraction, P);
	in[2] = input(&loose, 3e6, 1e6, 0); /* exceeded, but P is already below 0.60 */
	score_lesson(in, out, 3, 1, 1, 1, &total);
	assert_true(out[2].cap_exceeded);
	assert_near(total.fraction, P);
}

static void several_caps_keep_the_lowest(void **state)
{
	struct metric_spec ins = scored("instructions", 1, 12), a = cap(2, 70), b = cap(1.5, 20);
	struct score_metric_input in[] = {input(&ins, 1, 1, 0), input(&a, 3, 1, 0),
	                                  input(&b, 3, 1, 0)};
	struct score_metric_output out[3];
	struct score_total total;

	(void)state;
	score_lesson(in, out, 3, 1, 1, 1, &total);
	assert_near(total.fraction, 0.2);
	assert_near(total.performance_points, 12);
}

/* Report-only metrics (kind report, or scored = 0 as wall_ratio in a batch) show a ratio, earn
 * nothing and weigh nothing; a cap binds whatever its scored flag (callers pass 0 for caps). */
static void report_only_metrics_and_caps(void **state)
{
	struct metric_spec ins = scored("instructions", 3, 12), wall = scored("wall_ratio", 5, 4);
	struct metric_spec heap = cap(2.0, 80), syscalls = scored("syscalls", 1, 12);
	struct score_metric_input in[] = {input(&ins, 2e7, 1e7, 0), input(&wall, 30, 1, 0),
	                                  input(&heap, 1.5, 1, 0), input(&syscalls, 500, 1, 1)};
	struct score_metric_output out[4];
	struct score_total total;
	/* 1 - ln(2/1.05)/ln(12/1.05), the instructions metric alone */
	double s = 0.7354982735043966;

	(void)state;
	syscalls.kind = METRIC_REPORT;
	in[1].scored = 0;
	in[2].scored = 0;
	score_lesson(in, out, 4, 1, 1, 1, &total);
	assert_near(out[1].ratio, 30);
	assert_near(out[3].ratio, 501.0 / 2);
	assert_near(out[1].s + out[3].s, 0);
	assert_near(out[1].points + out[3].points, 0);
	assert_false(out[2].cap_exceeded);
	assert_near(out[0].points, 60 * s);
	assert_near(total.fraction, s);
	in[2].student =
	    3; /* past the cap's limit: P is lowered, report-only metrics still ignored */
	score_lesson(in, out, 4, 1, 1, 1, &total);
	assert_true(out[2].cap_exceeded);
	assert_near(out[2].points, 0);
	assert_near(total.fraction, 0.8 < s ? 0.8 : s);
	heap.cap_points = 50;
	score_lesson(in, out, 4, 1, 1, 1, &total);
	assert_near(total.fraction, 0.5);
	assert_near(total.performance_points, 30);
}

static void gate_closed_gives_no_performance(void **state)
{
	struct metric_spec ins = scored("instructions", 3, 12);
	struct score_metric_input in[] = {input(&ins, 1e7, 1e7, 1)};
	struct score_metric_output out[1];
	struct score_total total;

	(void)state;
	score_lesson(in, out, 1, 17, 18, 0, &total);
	assert_near(out[0].ratio, 1);
	assert_near(out[0].s, 1); /* still shown: what the code would earn once correct */
	assert_near(out[0].points, 0);
	assert_near(total.fraction, 0);
	assert_near(total.performance_points, 0);
	assert_near(total.correctness_points, 40.0 * 17 / 18);
	assert_near(total.score, 40.0 * 17 / 18);
}

/* wall_ratio: the caller's A/A tolerance replaces lesson.ini's. */
static void caller_tolerance_overrides_the_spec(void **state)
{
	struct metric_spec wall = scored("wall_ratio", 1, 4);
	struct score_metric_input in[] = {input(&wall, 1.1, 1, 0)};
	struct score_metric_output out[1];
	struct score_total total;

	(void)state;
	score_lesson(in, out, 1, 1, 1, 1, &total);
	assert_true(out[0].s < 1); /* 1.1 > 1.05 */
	in[0].tolerance = 1.15;
	score_lesson(in, out, 1, 1, 1, 1, &total);
	assert_near(out[0].s, 1);
}

/* Wall time on a busy machine (grade.c): its weight stays in P and it earns nothing, even at
 * the reference's own time; left out instead, a file whose counts match the reference's
 * would score 100 on any busy machine. */
static void earning_nothing_keeps_the_weight(void **state)
{
	struct metric_spec ins = scored("instructions", 2, 4), wall = scored("wall_ratio", 2, 4);
	struct score_metric_input in[] = {input(&ins, 1e7, 1e7, 0), input(&wall, 1, 1, 0)};
	struct score_metric_output out[2];
	struct score_total total;

	(void)state;
	in[1].earns_nothing = 1;
	score_lesson(in, out, 2, 1, 1, 1, &total);
	assert_near(out[1].s, 0);
	assert_near(out[1].points, 0);
	assert_near(out[1].max_points, 30);
	assert_near(total.score, 40 + 30);
}

/* }=== */

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(curve_edges),
	    cmocka_unit_test(curve_just_inside_its_ends),
	    cmocka_unit_test(curve_is_logarithmic),
	    cmocka_unit_test(counts_add_one_ratios_do_not),
	    cmocka_unit_test(zero_reference_on_a_ratio),
	    cmocka_unit_test(higher_is_better_swaps_student_and_reference),
	    cmocka_unit_test(worked_example_two_metrics),
	    cmocka_unit_test(reference_scores_full_and_correctness_is_a_share),
	    cmocka_unit_test(cap_exceeded_lowers_p_not_exceeded_leaves_it),
	    cmocka_unit_test(several_caps_keep_the_lowest),
	    cmocka_unit_test(report_only_metrics_and_caps),
	    cmocka_unit_test(gate_closed_gives_no_performance),
	    cmocka_unit_test(caller_tolerance_overrides_the_spec),
	    cmocka_unit_test(earning_nothing_keeps_the_weight),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
