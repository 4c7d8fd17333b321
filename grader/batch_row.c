/* batch_row.c: a student's batch result from the child grader's JSON report, and back. */
#include "batch_row.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "report.h"
#include "sha256.h"

static void copy(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src ? src : "");
}

static void read_metric(const struct json_value *m, struct batch_metric *out)
{
	memset(out, 0, sizeof *out);
	copy(out->name, sizeof out->name, json_string_or(m, "name", "?"));
	copy(out->kind, sizeof out->kind, json_string_or(m, "kind", ""));
	copy(out->direction, sizeof out->direction, json_string_or(m, "direction", ""));
	const struct json_value *s = json_get(m, "student");
	out->measured = s != NULL && s->type == JSON_NUMBER;
	out->student = out->measured ? s->number : 0;
	out->ratio = json_number_or(m, "ratio", NAN);
	out->points = json_number_or(m, "points", 0);
	out->weight = json_number_or(m, "weight", 0);
}

static void read_environment(const struct json_value *t, char *out, size_t len)
{
	snprintf(out, len, "%s; glibc %s; valgrind %s; %s; %s", json_string_or(t, "cc", "?"),
	         json_string_or(t, "glibc", "?"), json_string_or(t, "valgrind", "?"),
	         json_string_or(t, "cpu", "?"), json_string_or(t, "arch", "?"));
}

int batch_row_from_json(const struct json_value *r, const char *lesson, struct batch_row *row,
                        char *err, size_t errlen)
{
	if (json_number_or(r, "schema_version", 0) != 1 ||
	    strcmp(json_string_or(r, "lesson", ""), lesson) != 0 || json_get(r, "status") == NULL ||
	    json_get(r, "score") == NULL) {
		snprintf(err, errlen, "not a schema_version 1 report of lesson %s", lesson);
		return -1;
	}
	enum grade_status status;
	if (status_from_name(json_string_or(r, "status", ""), &status) != 0) {
		snprintf(err, errlen, "unknown status '%.32s'", json_string_or(r, "status", ""));
		return -1;
	}
	double seconds = row->seconds;
	char student[sizeof row->student];
	copy(student, sizeof student, row->student);
	memset(row, 0, sizeof *row);
	copy(row->student, sizeof row->student,
	     student[0] ? student : json_string_or(r, "student", ""));
	batch_slug(row->student, row->slug, sizeof row->slug);
	copy(row->lesson, sizeof row->lesson, lesson);
	row->status = status;
	copy(row->reason, sizeof row->reason, json_string_or(r, "reason", ""));
	row->score = json_number_or(r, "score", 0);
	row->max = json_number_or(r, "max", 100);
	const struct json_value *c = json_get(r, "correctness");
	row->passed = (unsigned)json_number_or(c, "passed", 0);
	row->total = (unsigned)json_number_or(c, "total", 0);
	const struct json_value *ms = json_get(r, "metrics");
	for (size_t i = 0; ms && ms->type == JSON_ARRAY && i < ms->n && i < BATCH_MAX_METRICS;
	     i++) {
		read_metric(&ms->items[i], &row->metrics[row->n_metrics++]);
		/* a scored wall time the machine was too busy to credit: the gradebook says so, so
		 * that the instructor regrades that student (delete the report; the batch resumes)
		 */
		if (status == STATUS_GRADED && row->reason[0] == '\0' &&
		    json_is_true(&ms->items[i], "busy") && json_is_true(&ms->items[i], "scored"))
			copy(
			    row->reason, sizeof row->reason,
			    "wall time not credited: the machine was busy; regrade on an idle one");
	}
	row->seed = (unsigned long long)json_number_or(r, "seed", 0);
	copy(row->course_version, sizeof row->course_version,
	     json_string_or(r, "course_version", ""));
	read_environment(json_get(r, "toolchain"), row->environment, sizeof row->environment);
	copy(row->isolation, sizeof row->isolation, json_string_or(r, "isolation", "none"));
	row->verified = json_is_true(r, "verified");
	copy(row->unverified, sizeof row->unverified,
	     row->verified ? "" : json_string_or(r, "unverified_reason", "not isolated"));
	row->seconds = seconds;
	return 0;
}

void batch_row_failed(struct batch_row *row, const char *student, const char *lesson,
                      unsigned long long seed, enum grade_status status, const char *reason)
{
	double seconds = row->seconds;
	memset(row, 0, sizeof *row);
	copy(row->student, sizeof row->student, student);
	batch_slug(student, row->slug, sizeof row->slug);
	copy(row->lesson, sizeof row->lesson, lesson);
	row->status = status;
	copy(row->reason, sizeof row->reason, reason);
	row->max = 100;
	row->seed = seed;
	copy(row->isolation, sizeof row->isolation, "none");
	copy(row->unverified, sizeof row->unverified, "no report");
	row->seconds = seconds;
}

static void json_number(FILE *out, double v)
{
	if (isfinite(v))
		fprintf(out, "%.10g", v);
	else
		fputs("null", out);
}

void batch_row_json(const struct batch_row *row, FILE *out)
{
	fputs("{\"schema_version\": 1, \"lesson\": ", out);
	report_json_string(out, row->lesson);
	fputs(", \"student\": ", out);
	report_json_string(out, row->student);
	fputs(", \"status\": ", out);
	report_json_string(out, status_name(row->status));
	fputs(", \"reason\": ", out);
	if (row->reason[0])
		report_json_string(out, row->reason);
	else
		fputs("null", out);
	fputs(", \"score\": ", out);
	json_number(out, row->score);
	fputs(", \"max\": ", out);
	json_number(out, row->max);
	fprintf(out, ", \"correctness\": {\"passed\": %u, \"total\": %u}, \"metrics\": [",
	        row->passed, row->total);
	for (size_t i = 0; i < row->n_metrics; i++) {
		fputs(i ? ", {\"name\": " : "{\"name\": ", out);
		report_json_string(out, row->metrics[i].name);
		fputs(", \"student\": ", out);
		json_number(out, row->metrics[i].measured ? row->metrics[i].student : NAN);
		fputs(", \"ratio\": ", out);
		json_number(out, row->metrics[i].ratio);
		fputs(", \"points\": ", out);
		json_number(out, row->metrics[i].points);
		fputc('}', out);
	}
	fprintf(out, "], \"seed\": %llu, \"course_version\": ", row->seed);
	report_json_string(out, row->course_version);
	fputs(", \"isolation\": ", out);
	report_json_string(out, row->isolation[0] ? row->isolation : "none");
	fprintf(out,
	        ", \"verified\": %s, \"unverified_reason\": ", row->verified ? "true" : "false");
	if (row->verified)
		fputs("null", out);
	else
		report_json_string(out, row->unverified);
	fputs("}\n", out);
}

void batch_slug(const char *name, char *out, size_t len)
{
	size_t n = 0;
	int changed = 0;
	for (const char *p = name; *p != '\0' && n + 1 < len && n < 100; p++) {
		char c = *p;
		int safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		           (c >= '0' && c <= '9') || c == '_' || (n > 0 && (c == '.' || c == '-'));
		out[n++] = safe ? c : '_';
		changed |= !safe;
	}
	changed |= name[n] != '\0' || n == 0;
	out[n] = '\0';
	if (changed && len > n + 10) {
		struct sha256 h;
		char hex[65];
		sha256_init(&h);
		sha256_update(&h, name, strlen(name));
		sha256_final_hex(&h, hex);
		snprintf(out + n, len - n, "-%.8s", hex);
	}
}
