/* report_json.c: the JSON report of DESIGN section 10.2 (schema_version 1), the interface that
 * batch tools and CI scripts read. Keys and their meaning are fixed; numbers are plain JSON. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report.h"

void report_json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", out);
		else if (*p < 0x20)
			fprintf(out, "\\u%04x", *p);
		else
			fputc(*p, out);
	}
	fputc('"', out);
}

/* JSON has no NaN or infinity: they print as null. */
static void json_number(FILE *out, double v)
{
	if (!isfinite(v))
		fputs("null", out);
	else if (v == floor(v) && fabs(v) < 1e15)
		fprintf(out, "%.0f", v);
	else
		fprintf(out, "%.6g", v);
}

static const char *kind_name(enum metric_kind k)
{
	return k == METRIC_SCORED ? "scored" : k == METRIC_CAP ? "cap" : "report";
}

static void json_metric(FILE *out, const struct metric_result *mr)
{
	const struct metric_spec *s = mr->spec;
	fputs("{\"name\": ", out);
	report_json_string(out, s->name);
	fprintf(out, ", \"kind\": \"%s\", \"direction\": \"%s\", \"student\": ", kind_name(s->kind),
	        s->direction == DIRECTION_HIGHER ? "higher" : "lower");
	if (mr->measured)
		json_number(out, mr->student);
	else
		fputs("null", out);
	fputs(", \"reference\": ", out);
	if (mr->has_reference)
		json_number(out, mr->reference);
	else
		fputs("null", out);
	fputs(", \"skeleton\": ", out);
	if (mr->has_skeleton)
		json_number(out, mr->skeleton);
	else
		fputs("null", out);
	fputs(", \"ratio\": ", out);
	if (mr->measured)
		json_number(out, round(mr->out.ratio * 1000) / 1000);
	else
		fputs("null", out);
	fputs(", \"zero_point\": ", out);
	json_number(out, s->kind == METRIC_SCORED ? s->zero_point : NAN);
	fputs(", \"weight\": ", out);
	json_number(out, s->kind == METRIC_SCORED ? s->weight : 0);
	fputs(", \"points\": ", out);
	json_number(out, round(mr->out.points * 100) / 100);
	fputs(", \"max_points\": ", out); /* added in schema 1: what points could reach */
	json_number(out, round(mr->out.max_points * 100) / 100);
	/* added in schema 1, so that a batch draws each student's HTML page from the report
	 * alone (report_read.c): whether the metric counts, its tolerance and unit */
	fprintf(out, ", \"scored\": %s, \"tolerance\": ", mr->scored ? "true" : "false");
	json_number(out, round(mr->tolerance * 1000) / 1000);
	fputs(", \"unit\": ", out);
	report_json_string(out, mr->unit);
	if (mr->aa_spread > 0) { /* timed metrics (added in schema 1) */
		fputs(", \"aa_spread\": ", out);
		json_number(out, round(mr->aa_spread * 1000) / 1000);
		fprintf(out, ", \"reliable\": %s, \"excluded\": %s, \"busy\": %s",
		        mr->unreliable ? "false" : "true", mr->excluded ? "true" : "false",
		        mr->busy ? "true" : "false");
	}
	fputc('}', out);
}

static void json_toolchain(FILE *out, const struct toolchain *t)
{
	const char *keys[] = {"cc", "flags", "glibc", "valgrind", "cpu", "arch"};
	const char *values[] = {t->cc, t->flags, t->glibc, t->valgrind, t->cpu, t->arch};
	fputs("{", out);
	for (size_t i = 0; i < 6; i++) {
		fprintf(out, "%s\"%s\": ", i ? ", " : "", keys[i]);
		report_json_string(out, values[i]);
	}
	fputs("}", out);
}

/* How the native timing went (added in schema 1; absent when nothing was timed). */
static void json_wall(FILE *out, const struct report_wall *w)
{
	if (!w->measured)
		return;
	fprintf(out, ",\n \"wall\": {\"reliable\": %s, \"measure\": \"%s\", \"runs\": %d",
	        w->reliable ? "true" : "false", w->cpu_time ? "cpu_time" : "wall_time",
	        w->triplets);
	fprintf(out, ", \"busy\": %s, \"aa_spread\": ", w->busy ? "true" : "false");
	json_number(out, round(w->aa_spread * 1000) / 1000);
	fputs(", \"tolerance\": ", out);
	json_number(out, round(w->tolerance * 1000) / 1000);
	fputs(", \"load\": ", out);
	json_number(out, round(w->load * 100) / 100);
	fputs(", \"cpu_wait\": ", out);
	json_number(out, w->cpu_wait >= 0 ? round(w->cpu_wait * 1000) / 1000 : NAN);
	fputs(", \"student_spread\": ", out);
	json_number(out, round(w->student_spread * 1000) / 1000);
	fprintf(out, ", \"quiet_runs\": %d}", w->quiet);
}

void report_json(const struct grade_report *r, FILE *out)
{
	const struct score_total *t = &r->total_score;
	fprintf(out, "{\"schema_version\": 1, \"lesson\": \"%s\", \"student\": ", r->lesson);
	report_json_string(out, r->student);
	fprintf(out, ", \"status\": \"%s\", \"reason\": ", status_name(r->status));
	if (r->reason[0])
		report_json_string(out, r->reason);
	else
		fputs("null", out);
	fputs(", \"score\": ", out);
	json_number(out, round(t->score * 10) / 10);
	fprintf(out,
	        ", \"max\": 100,\n \"correctness\": {\"passed\": %u, \"total\": %u, "
	        "\"points\": ",
	        r->passed, r->total);
	json_number(out, round(t->correctness_points * 10) / 10);
	/* every failed test, not only the first the reason names: which fails first depends on
	 * the order the tests finish in */
	fputs(", \"failures\": [", out);
	for (size_t i = 0; i < r->n_failures; i++) {
		fputs(i ? ", {\"name\": " : "{\"name\": ", out);
		report_json_string(out, r->failures[i].name);
		fputs(", \"message\": ", out);
		report_json_string(out, r->failures[i].message);
		fputc('}', out);
	}
	fputs("]},\n \"performance\": {\"fraction\": ", out);
	json_number(out, round(t->fraction * 1000) / 1000);
	fputs(", \"points\": ", out);
	json_number(out, round(t->performance_points * 10) / 10);
	/* the budget suite of make lessonNN: a failed budget caps the score (grade.c) */
	fprintf(out, "},\n \"budgets\": {\"failed\": %u, \"cap\": ", r->budgets_failed);
	json_number(out, r->budgets_failed ? r->budget_cap : NAN);
	fputs(", \"failures\": [", out);
	for (size_t i = 0; i < r->n_budget_failures; i++) {
		fputs(i ? ", " : "", out);
		fputs("{\"name\": ", out);
		report_json_string(out, r->budget_failures[i].name);
		fputs(", \"message\": ", out);
		report_json_string(out, r->budget_failures[i].message);
		fputc('}', out);
	}
	fputs("]},\n \"metrics\": [", out);
	for (size_t i = 0; i < r->n_metrics; i++) {
		fputs(i ? ",\n   " : "", out);
		json_metric(out, &r->metrics[i]);
	}
	fputs("],\n \"functions\": [", out);
	for (size_t i = 0; i < r->n_functions; i++) {
		fputs(i ? ",\n   " : "", out);
		fputs("{\"name\": ", out);
		report_json_string(out, r->functions[i].name);
		fprintf(out, ", \"student\": %llu, \"reference\": ",
		        (unsigned long long)r->functions[i].student);
		if (r->functions[i].has_reference)
			fprintf(out, "%llu}", (unsigned long long)r->functions[i].reference);
		else
			fputs("null}", out);
	}
	fputs("],\n \"next_step\": ", out); /* added in schema 1 */
	report_json_string(out, r->next_step);
	fprintf(out, ",\n \"seed\": %llu, \"course_version\": ", r->seed);
	report_json_string(out, r->course_version);
	fputs(",\n \"isolation\": ", out);
	report_json_string(out, r->isolation[0] ? r->isolation : "none");
	fprintf(out, ", \"verified\": %s, \"unverified_reason\": ", r->verified ? "true" : "false");
	if (r->verified)
		fputs("null", out);
	else
		report_json_string(out, r->unverified);
	fputs(",\n \"toolchain\": ", out);
	json_toolchain(out, &r->toolchain);
	json_wall(out, &r->wall);
	fputs("}\n", out);
}
