/* report_text.c: the report a student reads in a terminal: status and score, then one row per
 * metric with yours / reference / skeleton, the ratio and the points, the hottest functions
 * of the student file, and the next step. Colour only on a TTY and never with NO_COLOR. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report.h"
#include "wall.h"

#define MAX_FUNCTION_ROWS 8

struct palette {
	const char *good, *warn, *bad, *dim, *bold, *off;
};

static struct palette palette_for(int color)
{
	if (!color)
		return (struct palette){"", "", "", "", "", ""};
	return (struct palette){"\033[32m", "\033[33m", "\033[31m",
	                        "\033[2m",  "\033[1m",  "\033[0m"};
}

/* 12345678 -> "1.23e+07"; small counts stay exact; bytes get a unit. */
static const char *human(double v, const char *unit, char *buf, size_t len)
{
	if (!strcmp(unit, "B")) {
		report_bytes(v, buf, len);
	} else if (!strcmp(unit, "x")) {
		snprintf(buf, len, "%.2fx", v);
	} else if (v != floor(v)) {
		snprintf(buf, len, "%.4f", v);
	} else if (v < 1e6) {
		snprintf(buf, len, "%.0f", v);
	} else {
		snprintf(buf, len, "%.3g", v);
	}
	return buf;
}

static void print_points(const struct metric_result *mr, FILE *out, struct palette c)
{
	if (!mr->measured) {
		fprintf(out, "%s-%s", c.dim, c.off);
	} else if (mr->spec->kind == METRIC_CAP) {
		fprintf(out, "%scap %.2fx: %s%s", mr->out.cap_exceeded ? c.bad : c.good,
		        mr->spec->limit_ratio, mr->out.cap_exceeded ? "EXCEEDED" : "ok", c.off);
	} else if (mr->excluded && mr->scored) {
		fprintf(out, "%sunreliable: not scored%s", c.warn, c.off);
	} else if (!mr->scored) {
		fprintf(out, "%sreported%s", c.dim, c.off);
	} else {
		/* the score's own maximum: the weights of metrics not measured (wall_ratio with
		 * --no-wall) are out of it, as they are out of the points */
		double max = mr->out.max_points;
		const char *col = mr->out.s >= 0.95 ? c.good : mr->out.s >= 0.5 ? c.warn : c.bad;
		fprintf(out, "%s%5.1f / %4.1f%s%s", col, mr->out.points, max,
		        mr->busy         ? " busy machine"
		        : mr->unreliable ? " unreliable"
		                         : "",
		        c.off);
	}
}

/* How the native timing went: what was compared, its A/A spread, and when the spread stayed
 * too wide, that the timed metrics are out of the score and why. */
static void print_wall(const struct report_wall *w, FILE *out, struct palette c)
{
	if (!w->measured)
		return;
	fprintf(out,
	        "%swall_ratio: lower quartile of the region's %s over %d interleaved triplets; "
	        "A/A spread %.2fx, tolerance %.2fx (load %.1f",
	        c.dim,
	        w->busy       ? "CPU time (shown only: too few quiet triplets for wall time)"
	        : w->cpu_time ? "CPU time (one thread each side)"
	                      : "wall time",
	        w->triplets, w->aa_spread, w->tolerance, w->load);
	if (w->cpu_wait >= 0)
		fprintf(out, ", CPU wait %.0f%%, %d quiet triplets", 100 * w->cpu_wait, w->quiet);
	fprintf(out, ")%s\n", c.off);
	if (w->student_spread > WALL_TOLERANCE_CAP && w->student_spread > w->aa_spread)
		fprintf(
		    out,
		    "%syour runs differed %.2fx between even and odd triplets: your time is the "
		    "slower half's, so lucky runs cannot set it.%s\n",
		    c.warn, w->student_spread, c.off);
	if (w->bench_values > 0 && w->quiet < WALL_MIN_QUIET)
		fprintf(
		    out,
		    "%sbench values not scored: before %d of %d triplets other tasks waited for "
		    "a CPU more than %.0f%% of the time with no bench running; the machine is too "
		    "busy to tell the server's speed from the load generator's.%s\n",
		    c.warn, w->triplets - w->quiet, w->triplets, 100 * WALL_BUSY_MAX, c.off);
	if (w->busy)
		fprintf(
		    out,
		    "%swall time not credited: before %d of %d triplets other tasks waited for a "
		    "CPU more than %.0f%% of the time with no bench running. On a busy machine "
		    "threads that contend take turns and look cheaper than they are, so "
		    "wall_ratio earns 0 points here; grade again on an idle machine.%s\n",
		    c.warn, w->triplets - w->quiet, w->triplets, 100 * WALL_BUSY_MAX, c.off);
	else if (!w->reliable)
		fprintf(
		    out,
		    "%swall time unreliable: the reference's own runs still differed %.2fx "
		    "(more than %.2fx) after %d triplets; the machine is too busy. Its points "
		    "are what this busy machine measured (tolerance held at %.2fx); grade again "
		    "on a quiet machine.%s\n",
		    c.warn, w->aa_spread, WALL_TOLERANCE_CAP, w->triplets, WALL_TOLERANCE_CAP,
		    c.off);
}

static void print_metrics(const struct grade_report *r, FILE *out, struct palette c)
{
	int graded = r->status == STATUS_GRADED;
	fprintf(out, "\n%s%-20s %12s %12s %12s %8s  %s%s\n", c.bold, "metric", "yours", "reference",
	        "skeleton", "ratio", "points", c.off);
	for (size_t i = 0; i < r->n_metrics; i++) {
		const struct metric_result *mr = &r->metrics[i];
		char a[32] = "-", b[32], s[32] = "-", ratio[32] = "-";
		if (mr->measured)
			human(mr->student, mr->unit, a, sizeof a);
		if (mr->has_reference)
			human(mr->reference, mr->unit, b, sizeof b);
		else
			snprintf(b, sizeof b, "-");
		if (mr->has_skeleton)
			human(mr->skeleton, mr->unit, s, sizeof s);
		if (mr->measured)
			snprintf(ratio, sizeof ratio, mr->out.ratio < 1000 ? "%.2fx" : "%.3gx",
			         mr->out.ratio);
		fprintf(out, "%-20s %12s %12s %12s %8s  ", mr->spec->name, a, b, s, ratio);
		print_points(mr, out, c);
		fputc('\n', out);
	}
	for (size_t i = 0; i < r->n_metrics && graded; i++) {
		const struct metric_result *mr = &r->metrics[i];
		double by = report_beats_reference(mr);
		if (by > 0)
			fprintf(
			    out,
			    "%s%s: %.2fx the reference: beats it by %.1fx%s (points stop at the "
			    "tolerance, %.2fx: beating the reference earns no more)\n",
			    c.good, mr->spec->name, mr->out.ratio, by, c.off, mr->tolerance);
	}
	print_wall(&r->wall, out, c);
}

static void print_functions(const struct grade_report *r, FILE *out, struct palette c)
{
	if (r->n_functions == 0)
		return;
	fprintf(out, "\n%shottest functions of your file (inclusive instructions)%s\n", c.bold,
	        c.off);
	for (size_t i = 0; i < r->n_functions && i < MAX_FUNCTION_ROWS; i++) {
		char a[32], b[32] = "-";
		human((double)r->functions[i].student, "", a, sizeof a);
		if (r->functions[i].has_reference)
			human((double)r->functions[i].reference, "", b, sizeof b);
		fprintf(out, "  %-32s %12s   reference %12s\n", r->functions[i].name, a, b);
	}
}

void report_text(const struct grade_report *r, FILE *out, int color)
{
	struct palette c = palette_for(color);
	int graded = r->status == STATUS_GRADED;
	fprintf(out, "%slesson %s · %s · %s%s\n", c.bold, r->lesson, r->title, r->student, c.off);
	fprintf(out,
	        "status: %s%s%s   score: %s%.1f / 100%s   (correctness %.1f / 40, "
	        "performance %.1f / 60)\n",
	        graded ? c.good : c.bad, status_name(r->status), c.off, c.bold,
	        r->total_score.score, c.off, r->total_score.correctness_points,
	        r->total_score.performance_points);
	fprintf(out, "tests: %u of %u passed\n", r->passed, r->total);
	if (r->reason[0])
		fprintf(out, "%sreason:%s %s\n", c.bad, c.off, r->reason);
	for (size_t i = 0; i < r->n_failures && i < 10; i++)
		fprintf(out, "  FAIL %s: %s\n", r->failures[i].name, r->failures[i].message);
	if (r->details[0])
		fprintf(out, "\n%s", r->details);
	if (r->budgets_failed)
		fprintf(out, "%s%u budget test(s) of make lesson%s fail: score capped at %.1f%s\n",
		        c.bad, r->budgets_failed, r->lesson, r->budget_cap, c.off);
	for (size_t i = 0; i < r->n_budget_failures && i < 10; i++)
		fprintf(out, "  FAIL %s: %s\n", r->budget_failures[i].name,
		        r->budget_failures[i].message);
	print_metrics(r, out, c);
	print_functions(r, out, c);
	fprintf(out, "\nnext: %s\n", r->next_step);
	if (r->isolated && !r->verified)
		fprintf(out, "%sunverified:%s %s\n", c.bad, c.off, r->unverified);
	fprintf(out, "%sseed %llu · course %s · %s · %s · glibc %s · valgrind %s · %s%s\n", c.dim,
	        r->seed, r->course_version, r->toolchain.cc, r->toolchain.flags, r->toolchain.glibc,
	        r->toolchain.valgrind, r->toolchain.cpu, c.off);
}
