/* test_wall.c: wall.c's statistics on made-up runs: the quartile estimates, the A/A spread,
 * the tolerance's floor and cap, and when a measurement is unreliable. The cases are the
 * ones of issue 17: load widened the old tolerance (the 7th of 9 sorted A/A ratios) to 1.6x
 * to 2.9x, and a lesson 04 solution 2.8x slower natively scored full wall points. */

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "wall.h"

#define assert_near(got, want)                                                                     \
	do {                                                                                       \
		double g_ = (got), w_ = (want);                                                    \
		if (!(fabs(g_ - w_) <= 1e-9))                                                      \
			fail_msg("%s: got %.17g, want %.17g", #got, g_, w_);                       \
	} while (0)

/* n triplets: the reference's runs take ref seconds, the student's stu, each run slowed by
 * a load of noise[i] (1 = none) */
static void fill(struct wall_samples *x, int n, double ref, double stu, const double *noise_a,
                 const double *noise_s, const double *noise_b)
{
	for (int i = 0; i < n; i++) {
		x->a[i] = ref * noise_a[i];
		x->s[i] = stu * noise_s[i];
		x->b[i] = ref * noise_b[i];
	}
}

static const double quiet[9] = {1, 1.01, 1.02, 1.005, 1.03, 1.01, 1.0, 1.02, 1.04};

static void quiet_machine_keeps_the_floor(void **state)
{
	struct wall_samples x;
	struct wall_estimate e;
	(void)state;
	fill(&x, 9, 0.1, 0.1, quiet, quiet, quiet);
	wall_estimate(&x, 9, 0, &e);
	assert_near(e.student / e.reference, 1);
	assert_near(e.tolerance, WALL_TOLERANCE_FLOOR);
	assert_true(e.reliable);
}

/* Load that slows runs by up to 3x, but not the fastest third of each side's runs: the
 * quartiles still see the true 2x gap, with a small A/A spread. The old estimator on the same
 * runs: median ratio 1.58x, tolerance (the 7th of 9 sorted A/A ratios) 2.6x: full points. */
static void load_cannot_hide_a_2x_gap(void **state)
{
	static const double load_a[9] = {1, 2.9, 1.01, 2.2, 1.6, 1.02, 2.5, 1.9, 3.0},
	                    load_s[9] = {2.4, 1.0, 2.8, 1.02, 1.8, 2.2, 1.01, 1.5, 2.0},
	                    load_b[9] = {2.6, 1.0, 2.7, 1.8, 1.03, 1.01, 2.9, 1.5, 2.2};
	struct wall_samples x;
	struct wall_estimate e;
	(void)state;
	fill(&x, 9, 0.1, 0.2, load_a, load_s, load_b);
	wall_estimate(&x, 9, 0, &e);
	double ratio = e.student / e.reference;
	if (ratio < 1.9 || ratio > 2.1)
		fail_msg("ratio %.3f, want about 2", ratio);
	assert_true(e.reliable);
	assert_true(e.tolerance <= WALL_TOLERANCE_CAP);
	assert_true(ratio > e.tolerance); /* so the curve takes points */
}

/* A reference whose own runs disagree by 1.5x even at their quartiles: the tolerance stops at
 * the cap and the measurement is unreliable, never a 1.5x licence. */
static void wide_spread_is_capped_and_unreliable(void **state)
{
	static const double fast[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1},
	                    slow[9] = {1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5};
	struct wall_samples x;
	struct wall_estimate e;
	(void)state;
	fill(&x, 9, 0.1, 0.1, fast, fast, slow);
	wall_estimate(&x, 9, 0, &e);
	assert_near(e.aa_spread, 1.5);
	assert_near(e.tolerance, WALL_TOLERANCE_CAP);
	assert_false(e.reliable);
}

/* Higher is better (requests per second): the upper quartile is each side's best. */
static void higher_is_better_takes_the_upper_quartile(void **state)
{
	struct wall_samples x;
	struct wall_estimate e;
	(void)state;
	for (int i = 0; i < 9; i++) {
		x.a[i] = x.b[i] = 1000 + 10 * i;
		x.s[i] = 500 + 5 * i;
	}
	wall_estimate(&x, 9, 1, &e);
	assert_near(e.reference, 1060); /* sorted 18 values, index 17 - 4 = 13: 1060 */
	assert_near(e.student, 530);    /* index 8 - 2 = 6 */
	assert_near(e.aa_spread, 1);
}

/* Nine runs of 6.0 s and three lucky ones of 2.3 s, all in even triplets: the lower quartile
 * of all nine is a lucky run, the halves differ 2.6x, and the slower half says 6.0 s. */
static void scattered_runs_earn_their_slower_half(void **state)
{
	(void)state;
	double s[9] = {2.3, 6.0, 2.3, 6.0, 2.3, 6.0, 6.0, 6.1, 6.0}, slower = 0;
	double spread = wall_student_halves(s, NULL, 9, &slower);
	assert_true(spread > WALL_TOLERANCE_CAP);
	assert_true(slower >= 6.0);
}

static void steady_runs_keep_their_quartile(void **state)
{
	(void)state;
	double s[9] = {6.0, 6.1, 6.0, 6.2, 6.0, 6.1, 6.0, 6.1, 6.0}, slower = 0;
	assert_true(wall_student_halves(s, NULL, 9, &slower) <= WALL_TOLERANCE_FLOOR);
	/* only the marked runs count: the two outliers are left out */
	double t[9] = {6.0, 1.0, 6.0, 6.1, 1.0, 6.1, 6.0, 6.1, 6.0};
	unsigned char use[9] = {1, 0, 1, 1, 0, 1, 1, 1, 1};
	assert_true(wall_student_halves(t, use, 9, &slower) <= WALL_TOLERANCE_FLOOR);
}

/* Nine triplets of a threaded lesson, with q of them quiet (the idle probe) and the others
 * loaded: the loaded ones run the student's contending threads one at a time, 3x the
 * reference instead of 8x. */
static void judge_nine(struct wall_result *w, struct wall_samples *wall, struct wall_samples *cpu,
                       int q)
{
	memset(w, 0, sizeof *w);
	w->triplets = 9;
	for (int i = 0; i < 9; i++) {
		int quiet = i < q;
		w->is_quiet[i] = (unsigned char)quiet;
		w->quiet += quiet;
		wall->a[i] = wall->b[i] = quiet ? 0.06 : 0.12;
		wall->s[i] = quiet ? 0.48 : 0.36;
		cpu->a[i] = cpu->b[i] = 0.1;
		cpu->s[i] = quiet ? 0.95 : 0.3;
	}
	wall_judge(w, wall, cpu, 0);
}

/* Enough quiet triplets: the wall time of those alone, 8x. Too few: busy, the CPU time of
 * every triplet shown, and unreliable (grade.c then credits nothing). */
static void quiet_triplets_decide_and_too_few_is_busy(void **state)
{
	struct wall_result w;
	struct wall_samples wall, cpu;
	(void)state;
	judge_nine(&w, &wall, &cpu, WALL_MIN_QUIET);
	assert_false(w.busy);
	assert_false(w.cpu_time);
	assert_near(w.ratio, 8);
	assert_true(w.time.reliable);
	judge_nine(&w, &wall, &cpu, WALL_MIN_QUIET - 1);
	assert_true(w.busy);
	assert_true(w.cpu_time);
	assert_false(w.time.reliable);
	assert_near(w.ratio, 3);
	/* no PSI, no CPU time: the wall time of every triplet, busy all the same */
	judge_nine(&w, &wall, &cpu, 0);
	wall_judge(&w, &wall, NULL, 0);
	assert_true(w.busy);
	assert_false(w.cpu_time);
	assert_near(w.ratio, 3);
}

/* A single-threaded lesson compares CPU time, however busy the machine. */
static void cpu_time_lessons_ignore_the_probe(void **state)
{
	struct wall_result w;
	struct wall_samples wall, cpu;
	(void)state;
	judge_nine(&w, &wall, &cpu, 0);
	wall_judge(&w, &wall, &cpu, 1);
	assert_true(w.cpu_time);
	assert_false(w.busy);
	assert_true(w.time.reliable);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(quiet_machine_keeps_the_floor),
	    cmocka_unit_test(load_cannot_hide_a_2x_gap),
	    cmocka_unit_test(wide_spread_is_capped_and_unreliable),
	    cmocka_unit_test(higher_is_better_takes_the_upper_quartile),
	    cmocka_unit_test(scattered_runs_earn_their_slower_half),
	    cmocka_unit_test(steady_runs_keep_their_quartile),
	    cmocka_unit_test(quiet_triplets_decide_and_too_few_is_busy),
	    cmocka_unit_test(cpu_time_lessons_ignore_the_probe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
