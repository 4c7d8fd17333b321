/* score.c: DESIGN section 5 as code: the ratio of each metric, the logarithmic curve, the
 * weighted performance fraction P, caps, the correctness share and the gate. Nothing here is
 * rounded; the report formats round for display. */
#include "score.h"

#include <float.h>
#include <math.h>

/* The default tolerance of lesson.ini, used when neither the caller nor the spec gives one. */
#define DEFAULT_TOLERANCE 1.05

double score_ratio(double student, double reference, int is_count, enum metric_direction direction)
{
	double num = student, den = reference;

	if (direction == DIRECTION_HIGHER) {
		num = reference;
		den = student;
	}
	/* +1 on both sides: a count may legitimately be 0 (zero allocations) on either side */
	if (is_count) {
		num += 1;
		den += 1;
	}
	if (!(den > 0))
		/* DBL_MAX, not infinity: huge enough to score 0, yet still printable as JSON */
		return num == 0 ? 1.0 : DBL_MAX;
	return num / den;
}

double score_curve(double r, double tolerance, double zero_point)
{
	/* an unmeasured value (NaN) must never earn points */
	if (isnan(r))
		return 0;
	if (r <= tolerance)
		return 1;
	if (r >= zero_point)
		return 0;
	return 1 - log(r / tolerance) / log(zero_point / tolerance);
}

/* The t this metric is judged with: the caller's (wall_ratio's A/A tolerance) when given,
 * else lesson.ini's. */
static double tolerance_of(const struct score_metric_input *in)
{
	if (in->tolerance > 0)
		return in->tolerance;
	if (in->spec->tolerance > 0)
		return in->spec->tolerance;
	return DEFAULT_TOLERANCE;
}

/* A metric counts towards P only when lesson.ini scores it, the caller did not demote it to
 * report-only (wall_ratio in a batch), and its weight can divide. */
static int counts_in_p(const struct score_metric_input *in)
{
	return in->scored && in->spec->kind == METRIC_SCORED && in->spec->weight > 0;
}

/* A cap binds by its kind alone: `scored` says whether a metric counts towards P, and callers
 * pass 0 for caps (they are not scored), so it must not switch caps off. */
static int cap_binds(const struct score_metric_input *in)
{
	return in->spec->kind == METRIC_CAP;
}

/* First pass: ratios, curve values and cap verdicts; returns the sum of scored weights. */
static double measure_all(const struct score_metric_input *in, struct score_metric_output *out,
                          size_t n)
{
	double weights = 0;

	for (size_t i = 0; i < n; i++) {
		const struct metric_spec *spec = in[i].spec;

		out[i].ratio =
		    score_ratio(in[i].student, in[i].reference, in[i].is_count, spec->direction);
		out[i].s = 0;
		out[i].points = 0;
		out[i].max_points = 0;
		/* NaN > limit is false: a missing measurement is treated as exceeding the cap */
		out[i].cap_exceeded = cap_binds(&in[i]) && !(out[i].ratio <= spec->limit_ratio);
		if (counts_in_p(&in[i])) {
			out[i].s =
			    in[i].earns_nothing
			        ? 0
			        : score_curve(out[i].ratio, tolerance_of(&in[i]), spec->zero_point);
			weights += spec->weight;
		}
	}
	return weights;
}

/* P before caps: sum(w * s) / sum(w). Points per metric are its share of the 60, so that they
 * add up to the performance points before caps. No scored metric means nothing earned. */
static double weigh(const struct score_metric_input *in, struct score_metric_output *out, size_t n,
                    double weights, int gate_open)
{
	double sum = 0;

	if (!(weights > 0))
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (!counts_in_p(&in[i]))
			continue;
		sum += in[i].spec->weight * out[i].s;
		out[i].max_points = SCORE_PERFORMANCE_POINTS * in[i].spec->weight / weights;
		if (gate_open)
			out[i].points =
			    SCORE_PERFORMANCE_POINTS * in[i].spec->weight * out[i].s / weights;
	}
	return sum / weights;
}

/* Each cap exceeded lowers P to cap_points / 100; several caps keep the lowest. */
static double apply_caps(const struct score_metric_input *in, const struct score_metric_output *out,
                         size_t n, double p)
{
	for (size_t i = 0; i < n; i++) {
		double cap = in[i].spec->cap_points / 100;

		if (out[i].cap_exceeded && cap < p)
			p = cap;
	}
	return p < 0 ? 0 : p;
}

void score_lesson(const struct score_metric_input *in, struct score_metric_output *out, size_t n,
                  unsigned passed, unsigned total, int gate_open, struct score_total *total_out)
{
	double weights = measure_all(in, out, n);
	double p = weigh(in, out, n, weights, gate_open);

	p = apply_caps(in, out, n, p);
	if (passed > total)
		passed = total;
	total_out->correctness_points = total ? SCORE_CORRECTNESS_POINTS * passed / total : 0;
	/* the gate: no performance points for fast code that is wrong or unverifiable */
	total_out->fraction = gate_open ? p : 0;
	total_out->performance_points = SCORE_PERFORMANCE_POINTS * total_out->fraction;
	total_out->score = total_out->correctness_points + total_out->performance_points;
}
