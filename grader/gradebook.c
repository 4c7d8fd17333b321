/* gradebook.c: the batch's gradebook.csv and the CI formats (JUnit XML, TAP, Gradescope). */
#include "gradebook.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "files.h"
#include "report.h"
#include "score.h"

#define CORRECTNESS_POINTS SCORE_CORRECTNESS_POINTS

/* {=== CSV ===} */

void gradebook_csv_field(FILE *out, const char *s, int is_text)
{
	size_t n = strlen(s);
	int quote = strpbrk(s, ",\"\r\n") != NULL || (n > 0 && (s[0] == ' ' || s[n - 1] == ' '));
	int defuse = is_text && n > 0 && strchr("=+-@\t", s[0]) != NULL;
	if (!quote && !defuse) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	if (defuse)
		fputc('\'', out);
	for (; *s != '\0'; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

static void csv_number(FILE *out, double v, int present)
{
	if (present && isfinite(v))
		fprintf(out, "%.6g", v);
}

struct rows {
	const struct batch_row *rows;
	size_t n;
};

static const struct batch_row *with_metrics(const struct rows *t)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->rows[i].n_metrics > 0)
			return &t->rows[i];
	return NULL;
}

static void csv_header(FILE *out, const struct batch_row *names)
{
	fputs("student,lesson,score,status,reason,passed,total", out);
	for (size_t i = 0; names && i < names->n_metrics; i++) {
		const char *m = names->metrics[i].name;
		fprintf(out, ",%s,%s_ratio,%s_points", m, m, m);
	}
	fputs(",seed,course_version,environment,verified\r\n", out);
}

static void csv_row(FILE *out, const struct batch_row *r, const struct batch_row *names)
{
	gradebook_csv_field(out, r->student, 1);
	fprintf(out, ",%s,%.1f,%s,", r->lesson, r->score, status_name(r->status));
	gradebook_csv_field(out, r->reason, 1);
	fprintf(out, ",%u,%u", r->passed, r->total);
	for (size_t i = 0; names && i < names->n_metrics; i++) {
		const struct batch_metric *m = NULL;
		for (size_t k = 0; k < r->n_metrics; k++)
			if (strcmp(r->metrics[k].name, names->metrics[i].name) == 0)
				m = &r->metrics[k];
		int measured = m != NULL && m->measured;
		fputc(',', out);
		csv_number(out, m ? m->student : 0, measured);
		fputc(',', out);
		csv_number(out, m ? m->ratio : 0, measured);
		fputc(',', out);
		csv_number(out, m ? m->points : 0, measured);
	}
	fprintf(out, ",%llu,", r->seed);
	gradebook_csv_field(out, r->course_version, 1);
	fputc(',', out);
	gradebook_csv_field(out, r->environment, 1);
	fputc(',', out);
	/* "yes", or "no: " and what was missing: a grade nobody should trust silently */
	char verified[300];
	snprintf(verified, sizeof verified, "%s%s",
	         r->verified ? "yes" : "no: ", r->verified ? "" : r->unverified);
	gradebook_csv_field(out, verified, 1);
	fputs("\r\n", out);
}

static int csv_all(FILE *out, const void *arg)
{
	const struct rows *t = arg;
	const struct batch_row *names = with_metrics(t);
	csv_header(out, names);
	for (size_t i = 0; i < t->n; i++)
		csv_row(out, &t->rows[i], names);
	return 0;
}

int gradebook_write_csv(const char *path, const struct batch_row *rows, size_t n)
{
	struct rows t = {rows, n};
	return file_write_atomic(path, 0644, csv_all, &t);
}

/* }=== */

/* {=== JUnit XML and TAP ===} */

static void xml_text(FILE *out, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '<')
			fputs("&lt;", out);
		else if (*p == '>')
			fputs("&gt;", out);
		else if (*p == '&')
			fputs("&amp;", out);
		else if (*p == '"')
			fputs("&quot;", out);
		else if (*p == '\'')
			fputs("&apos;", out);
		else if (*p < 0x20 && *p != '\n' && *p != '\t')
			fputc('?', out); /* not allowed in XML 1.0 at all */
		else
			fputc(*p, out);
	}
}

void gradebook_junit(FILE *out, const struct batch_row *rows, size_t n)
{
	size_t failures = 0;
	double seconds = 0;
	for (size_t i = 0; i < n; i++) {
		failures += rows[i].status != STATUS_GRADED;
		seconds += rows[i].seconds;
	}
	fprintf(out,
	        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	        "<testsuites tests=\"%zu\" failures=\"%zu\">\n"
	        "  <testsuite name=\"lesson %s\" tests=\"%zu\" failures=\"%zu\" time=\"%.1f\">\n",
	        n, failures, n ? rows[0].lesson : "", n, failures, seconds);
	for (size_t i = 0; i < n; i++) {
		const struct batch_row *r = &rows[i];
		fputs("    <testcase classname=\"lesson", out);
		xml_text(out, r->lesson);
		fputs("\" name=\"", out);
		xml_text(out, r->student);
		fprintf(out, "\" time=\"%.1f\">\n", r->seconds);
		if (r->status != STATUS_GRADED) {
			fputs("      <failure type=\"", out);
			xml_text(out, status_name(r->status));
			fputs("\" message=\"", out);
			xml_text(out, r->reason);
			fputs("\"/>\n", out);
		}
		fprintf(out, "      <system-out>score %.1f of %.0f</system-out>\n", r->score,
		        r->max);
		fputs("    </testcase>\n", out);
	}
	fputs("  </testsuite>\n</testsuites>\n", out);
}

static int junit_all(FILE *out, const void *arg)
{
	const struct rows *t = arg;
	gradebook_junit(out, t->rows, t->n);
	return 0;
}

int gradebook_write_junit(const char *path, const struct batch_row *rows, size_t n)
{
	struct rows t = {rows, n};
	return file_write_atomic(path, 0644, junit_all, &t);
}

/* A TAP description may not hold '#' (a directive) or a line break. */
static void tap_text(FILE *out, const char *s)
{
	for (; *s != '\0'; s++)
		fputc(*s == '#' || *s == '\n' || *s == '\r' ? ' ' : *s, out);
}

void gradebook_tap(FILE *out, const struct batch_row *rows, size_t n)
{
	fprintf(out, "TAP version 13\n1..%zu\n", n);
	for (size_t i = 0; i < n; i++) {
		const struct batch_row *r = &rows[i];
		int ok = r->status == STATUS_GRADED;
		fprintf(out, "%s %zu - ", ok ? "ok" : "not ok", i + 1);
		tap_text(out, r->student);
		fprintf(out, ": %s %.1f", status_name(r->status), r->score);
		if (!ok) {
			fputs(": ", out);
			tap_text(out, r->reason);
		}
		fputc('\n', out);
	}
}

static int tap_all(FILE *out, const void *arg)
{
	const struct rows *t = arg;
	gradebook_tap(out, t->rows, t->n);
	return 0;
}

int gradebook_write_tap(const char *path, const struct batch_row *rows, size_t n)
{
	struct rows t = {rows, n};
	return file_write_atomic(path, 0644, tap_all, &t);
}

/* }=== */

/* {=== Gradescope ===} */

static void gs_test(FILE *out, const char *name, double score, double max, const char *output)
{
	fputs("    {\"name\": ", out);
	report_json_string(out, name);
	fprintf(out, ", \"score\": %.2f, \"max_score\": %.2f, \"output\": ", score, max);
	report_json_string(out, output);
	fputs(", \"visibility\": \"visible\"}", out);
}

void gradebook_gradescope(FILE *out, const struct batch_row *r)
{
	char output[800];
	if (r->status == STATUS_GRADED)
		snprintf(output, sizeof output, "graded: %.1f of %.0f (seed %llu, course %s)",
		         r->score, r->max, r->seed, r->course_version);
	else
		snprintf(output, sizeof output, "%s: %s", status_name(r->status), r->reason);
	if (!r->verified) { /* the instructor must see it where the score is */
		size_t n = strlen(output);
		snprintf(output + n, sizeof output - n, "; UNVERIFIED: %s", r->unverified);
	}
	fprintf(out, "{\n  \"score\": %.2f,\n  \"max_score\": %.2f,\n  \"output\": ", r->score,
	        r->max);
	report_json_string(out, output);
	fputs(",\n  \"visibility\": \"visible\",\n  \"stdout_visibility\": \"hidden\",\n"
	      "  \"tests\": [\n",
	      out);
	char what[128];
	snprintf(what, sizeof what, "%u of %u tests pass", r->passed, r->total);
	gs_test(out, "correctness", r->total ? CORRECTNESS_POINTS * r->passed / r->total : 0,
	        CORRECTNESS_POINTS, what);
	double weights = 0;
	for (size_t i = 0; i < r->n_metrics; i++)
		weights += strcmp(r->metrics[i].kind, "scored") == 0 ? r->metrics[i].weight : 0;
	for (size_t i = 0; i < r->n_metrics; i++) {
		const struct batch_metric *m = &r->metrics[i];
		if (strcmp(m->kind, "scored") != 0)
			continue;
		char text[128];
		if (m->measured)
			snprintf(text, sizeof text, "%.6g (%.3gx the reference)", m->student,
			         m->ratio);
		else
			snprintf(text, sizeof text, "not measured");
		fputs(",\n", out);
		gs_test(out, m->name, m->points,
		        weights > 0 ? (r->max - CORRECTNESS_POINTS) * m->weight / weights : 0,
		        text);
	}
	fputs("\n  ],\n  \"leaderboard\": [", out);
	int first = 1;
	for (size_t i = 0; i < r->n_metrics; i++) {
		const struct batch_metric *m = &r->metrics[i];
		if (strcmp(m->kind, "scored") != 0 || !m->measured)
			continue;
		fputs(first ? "\n    {\"name\": " : ",\n    {\"name\": ", out);
		report_json_string(out, m->name);
		fprintf(out, ", \"value\": %.10g, \"order\": \"%s\"}", m->student,
		        strcmp(m->direction, "higher") == 0 ? "desc" : "asc");
		first = 0;
	}
	fputs(first ? "]\n}\n" : "\n  ]\n}\n", out);
}

static int gs_one(FILE *out, const void *arg)
{
	gradebook_gradescope(out, arg);
	return 0;
}

int gradebook_write_gradescope(const char *path, const struct batch_row *row)
{
	return file_write_atomic(path, 0644, gs_one, row);
}

/* }=== */
