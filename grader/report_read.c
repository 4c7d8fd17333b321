/* report_read.c: a JSON report (schema_version 1) read back into the report every format
 * prints, so that a batch draws each student's HTML page from the report the sandboxed child
 * printed, in the batch's own process: the page is written by the grader, never by anything the
 * student's code could reach, and every string in it is escaped by report_html. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "json_read.h"
#include "report.h"

static void copy(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src ? src : "");
}

/* The report's status; one with no known name (or none) reads as an error. */
static enum grade_status known_status(const char *s)
{
	enum grade_status status;
	return s && status_from_name(s, &status) == 0 && status != STATUS_NONE ? status
	                                                                       : STATUS_ERROR;
}

/* value of key, and 1 when it is a number (0 for null: not measured) */
static int number(const struct json_value *v, const char *key, double *out)
{
	const struct json_value *n = json_get(v, key);
	*out = n && n->type == JSON_NUMBER ? n->number : 0;
	return n && n->type == JSON_NUMBER;
}

static void read_failures(const struct json_value *list, struct test_failure *out, size_t *n)
{
	*n = 0;
	for (size_t i = 0; list && list->type == JSON_ARRAY && i < list->n; i++) {
		if (*n == REPORT_MAX_FAILURES)
			break;
		copy(out[*n].name, sizeof out[*n].name,
		     json_string_or(&list->items[i], "name", ""));
		copy(out[*n].message, sizeof out[*n].message,
		     json_string_or(&list->items[i], "message", ""));
		(*n)++;
	}
}

/* Metrics the manifest does not know (another course version) are left out. */
static void read_metrics(const struct json_value *list, const struct manifest *m,
                         struct grade_report *r)
{
	r->n_metrics = 0;
	for (size_t i = 0; list && list->type == JSON_ARRAY && i < list->n; i++) {
		const struct json_value *j = &list->items[i];
		const char *name = json_string_or(j, "name", "");
		const struct metric_spec *spec = NULL;
		for (size_t k = 0; k < m->n_metrics && spec == NULL; k++)
			if (!strcmp(m->metrics[k].name, name))
				spec = &m->metrics[k];
		if (spec == NULL || r->n_metrics == MANIFEST_MAX_METRICS)
			continue;
		struct metric_result *mr = &r->metrics[r->n_metrics++];
		memset(mr, 0, sizeof *mr);
		mr->spec = spec;
		mr->measured = number(j, "student", &mr->student);
		mr->has_reference = number(j, "reference", &mr->reference);
		mr->has_skeleton = number(j, "skeleton", &mr->skeleton);
		mr->out.ratio = json_number_or(j, "ratio", NAN);
		mr->out.points = json_number_or(j, "points", 0);
		mr->out.max_points = json_number_or(j, "max_points", 0);
		mr->out.cap_exceeded =
		    spec->kind == METRIC_CAP && mr->measured && mr->out.ratio > spec->limit_ratio;
		mr->scored = json_is_true(j, "scored");
		mr->tolerance = json_number_or(j, "tolerance", spec->tolerance);
		copy(mr->unit, sizeof mr->unit, json_string_or(j, "unit", ""));
		mr->aa_spread = json_number_or(j, "aa_spread", 0);
		mr->unreliable = json_get(j, "reliable") != NULL && !json_is_true(j, "reliable");
		mr->excluded = json_is_true(j, "excluded");
		mr->busy = json_is_true(j, "busy");
	}
}

static void read_functions(const struct json_value *list, struct grade_report *r)
{
	size_t n = list && list->type == JSON_ARRAY ? list->n : 0;
	r->functions = calloc(n ? n : 1, sizeof *r->functions);
	r->n_functions = 0;
	for (size_t i = 0; r->functions && i < n; i++) {
		struct function_row *f = &r->functions[r->n_functions++];
		double v;
		copy(f->name, sizeof f->name, json_string_or(&list->items[i], "name", ""));
		number(&list->items[i], "student", &v);
		f->student = (uint64_t)v;
		f->has_reference = number(&list->items[i], "reference", &v);
		f->reference = (uint64_t)v;
	}
}

static void read_toolchain(const struct json_value *t, struct toolchain *out)
{
	copy(out->cc, sizeof out->cc, json_string_or(t, "cc", ""));
	copy(out->flags, sizeof out->flags, json_string_or(t, "flags", ""));
	copy(out->glibc, sizeof out->glibc, json_string_or(t, "glibc", ""));
	copy(out->valgrind, sizeof out->valgrind, json_string_or(t, "valgrind", ""));
	copy(out->cpu, sizeof out->cpu, json_string_or(t, "cpu", ""));
	copy(out->arch, sizeof out->arch, json_string_or(t, "arch", ""));
}

int report_read_json(const struct json_value *v, const struct manifest *m, struct grade_report *r,
                     char *err, size_t errlen)
{
	memset(r, 0, sizeof *r);
	read_functions(json_get(v, "functions"), r);
	if (json_number_or(v, "schema_version", 0) != 1 ||
	    strcmp(json_string_or(v, "lesson", ""), m->id) != 0) {
		snprintf(err, errlen, "not a schema_version 1 report of lesson %s", m->id);
		return -1;
	}
	copy(r->lesson, sizeof r->lesson, m->id);
	copy(r->title, sizeof r->title, m->title);
	copy(r->student, sizeof r->student, json_string_or(v, "student", ""));
	r->status = known_status(json_string_or(v, "status", ""));
	copy(r->reason, sizeof r->reason, json_string_or(v, "reason", ""));
	const struct json_value *c = json_get(v, "correctness"), *p = json_get(v, "performance");
	r->passed = (unsigned)json_number_or(c, "passed", 0);
	r->total = (unsigned)json_number_or(c, "total", 0);
	read_failures(json_get(c, "failures"), r->failures, &r->n_failures);
	r->total_score.score = json_number_or(v, "score", 0);
	r->total_score.correctness_points = json_number_or(c, "points", 0);
	r->total_score.fraction = json_number_or(p, "fraction", 0);
	r->total_score.performance_points = json_number_or(p, "points", 0);
	const struct json_value *b = json_get(v, "budgets");
	r->budgets_failed = (unsigned)json_number_or(b, "failed", 0);
	r->budget_cap = json_number_or(b, "cap", 0);
	read_failures(json_get(b, "failures"), r->budget_failures, &r->n_budget_failures);
	read_metrics(json_get(v, "metrics"), m, r);
	copy(r->next_step, sizeof r->next_step, json_string_or(v, "next_step", ""));
	r->seed = (unsigned long long)json_number_or(v, "seed", 0);
	copy(r->course_version, sizeof r->course_version, json_string_or(v, "course_version", ""));
	copy(r->isolation, sizeof r->isolation, json_string_or(v, "isolation", "none"));
	r->verified = json_is_true(v, "verified");
	copy(r->unverified, sizeof r->unverified, json_string_or(v, "unverified_reason", ""));
	read_toolchain(json_get(v, "toolchain"), &r->toolchain);
	if (r->functions == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}
