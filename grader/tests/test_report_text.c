/* test_report_text.c: the terminal report's points column. A scored metric that was not
 * measured (wall_ratio with --no-wall) is out of the score; its weight must be out of every
 * other metric's maximum too, or the report shows "15.0 / 13.3". */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "report.h"

static struct metric_spec scored(const char *name, double weight)
{
	struct metric_spec m = {.kind = METRIC_SCORED,
	                        .direction = DIRECTION_LOWER,
	                        .weight = weight,
	                        .zero_point = 12,
	                        .tolerance = 1.05};
	snprintf(m.name, sizeof m.name, "%s", name);
	return m;
}

/* Grades lesson 01's shape (instructions 4, allocations 4, peak_heap 2, syscalls 1, wall 2)
 * with every count equal to the reference's; wall_measured 0 is --no-wall, busy a machine too
 * busy to credit wall time (grade.c). */
static char *grade_and_print(struct metric_spec *specs, size_t n, int wall_measured, int busy)
{
	static struct grade_report r;
	struct score_metric_input in[8] = {
	    0}; /* gcc -O1 (ASan build): "may be used uninitialized" */
	struct score_metric_output out[8];
	memset(&r, 0, sizeof r);
	r.status = STATUS_GRADED;
	r.passed = r.total = 10;
	r.n_metrics = n;
	for (size_t i = 0; i < n; i++) {
		struct metric_result *mr = &r.metrics[i];
		mr->spec = &specs[i];
		mr->scored = 1;
		int wall = strcmp(specs[i].name, "wall_ratio") == 0;
		mr->measured = !wall || wall_measured;
		mr->busy = wall && busy;
		mr->unreliable = mr->busy;
		mr->student = mr->reference = 100;
		in[i] = (struct score_metric_input){.spec = &specs[i],
		                                    .student = 100,
		                                    .reference = 100,
		                                    .is_count = 1,
		                                    .scored = mr->measured,
		                                    .earns_nothing = mr->busy};
	}
	if (wall_measured)
		r.wall = (struct report_wall){.measured = 1,
		                              .reliable = !busy,
		                              .cpu_time = busy,
		                              .busy = busy,
		                              .triplets = busy ? 18 : 9,
		                              .quiet = busy ? 0 : 9,
		                              .aa_spread = 1.02,
		                              .tolerance = 1.05,
		                              .cpu_wait = busy ? 0.9 : 0.02};
	score_lesson(in, out, n, r.passed, r.total, 1, &r.total_score);
	for (size_t i = 0; i < n; i++)
		r.metrics[i].out = out[i];
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	assert_non_null(f);
	report_text(&r, f, 0);
	fclose(f);
	return text;
}

/* Every "P / M" in the points column: P <= M, and the Ms add up to the 60 performance points. */
static void check_points(const char *text, double want_points)
{
	double sum_max = 0, sum_points = 0;
	for (const char *line = text; line && *line;
	     line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		const char *slash = strstr(line, " / ");
		const char *eol = strchr(line, '\n');
		double p, m;
		if (slash == NULL || (eol && slash > eol) || !strncmp(line, "status", 6))
			continue;
		const char *start = slash;
		while (start > line && start[-1] != ' ')
			start--;
		if (sscanf(start, "%lf / %lf", &p, &m) != 2)
			continue;
		if (p > m + 0.05)
			fail_msg("points above their maximum: %.*s", (int)(eol ? eol - line : 80),
			         line);
		sum_points += p;
		sum_max += m;
	}
	if (sum_max < 59.8 || sum_max > 60.2 || sum_points < want_points - 0.2)
		fail_msg("maxima add up to %.1f, points to %.1f (want 60, %.1f):\n%s", sum_max,
		         sum_points, want_points, text);
}

static void no_wall_points_within_their_maximum(void **state)
{
	struct metric_spec specs[] = {scored("instructions", 4), scored("allocations", 4),
	                              scored("peak_heap", 2), scored("syscalls", 1),
	                              scored("wall_ratio", 2)};
	(void)state;
	char *text = grade_and_print(specs, 5, 0, 0);
	check_points(text, 60);
	if (strstr(text, "wall_ratio") == NULL)
		fail_msg("no wall_ratio row:\n%s", text);
	free(text);
	text = grade_and_print(specs, 5, 1, 0);
	check_points(text, 60);
	free(text);
}

/* Wall time on a busy machine: its row shows 0 of its points and says why, and the timing
 * note tells the student to grade again on an idle machine. */
static void busy_wall_time_shows_zero_and_says_why(void **state)
{
	struct metric_spec specs[] = {scored("instructions", 4), scored("allocations", 4),
	                              scored("peak_heap", 2), scored("syscalls", 1),
	                              scored("wall_ratio", 2)};
	(void)state;
	char *text = grade_and_print(specs, 5, 1, 1);
	check_points(text, 60 - 60.0 * 2 / 13);
	const char *row = strstr(text, "\nwall_ratio");
	if (row == NULL || strstr(row, "0.0 /") == NULL || strstr(row, "busy machine") == NULL)
		fail_msg("want the wall_ratio row at 0.0 points, saying busy machine:\n%s", text);
	if (strstr(text, "wall time not credited") == NULL || strstr(text, "idle machine") == NULL)
		fail_msg("want the note that wall time earned nothing and why:\n%s", text);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(no_wall_points_within_their_maximum),
	    cmocka_unit_test(busy_wall_time_shows_zero_and_says_why),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
