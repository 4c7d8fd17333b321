/* test_report.c: what the text and JSON reports say about the reference's values: a value
 * never measured (the native runs happen only after the gate) prints as '-' and null, never
 * as 0, and a metric that beats the reference says by how much; and a JSON report read back
 * (how a batch draws each student's HTML page) prints the same JSON and the same page. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../json_read.h"
#include "../report.h"

static struct metric_spec instructions = {.name = "instructions",
                                          .kind = METRIC_SCORED,
                                          .weight = 3,
                                          .zero_point = 12,
                                          .tolerance = 1.05};
static struct metric_spec context_switches = {.name = "context_switches", .kind = METRIC_REPORT};

/* A report with instructions at `ratio` of the reference and context switches measured only
 * when the gate passed. */
static void make_report(struct grade_report *r, enum grade_status status, double ratio)
{
	memset(r, 0, sizeof *r);
	snprintf(r->lesson, sizeof r->lesson, "01");
	r->status = status;
	r->passed = r->total = 8;
	struct metric_result *m = &r->metrics[0];
	m->spec = &instructions;
	m->measured = m->has_reference = m->scored = 1;
	m->student = 1e7 * ratio;
	m->reference = 1e7;
	m->tolerance = 1.05;
	m->out.ratio = ratio;
	int graded = status == STATUS_GRADED;
	struct metric_result *n = &r->metrics[1];
	n->spec = &context_switches;
	n->measured = n->has_reference = graded;
	n->student = n->reference = graded ? 3 : 0;
	n->out.ratio = 1;
	r->n_metrics = 2;
}

/* json: 0 text, 1 JSON, 2 HTML */
static char *text_of(const struct grade_report *r, int json)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	if (json == 2)
		report_html(r, f);
	else if (json)
		report_json(r, f);
	else
		report_text(r, f, 0);
	fclose(f);
	/* a copy: gcc 12 takes a pointer into the memstream's buffer for a dangling local */
	char *copy = strdup(buf);
	free(buf);
	return copy;
}

static void beating_the_reference_says_by_how_much(void **state)
{
	(void)state;
	struct grade_report r;
	make_report(&r, STATUS_GRADED, 0.5);
	char *t = text_of(&r, 0);
	assert_non_null(strstr(t, "instructions: 0.50x the reference: beats it by 2.0x"));
	assert_non_null(strstr(t, "points stop at the tolerance, 1.05x"));
	free(t);
	make_report(&r, STATUS_GRADED, 1.0);
	t = text_of(&r, 0);
	assert_null(strstr(t, "beats it"));
	free(t);
}

static void never_measured_reference_values_are_dashes_and_null(void **state)
{
	(void)state;
	struct grade_report r;
	make_report(&r, STATUS_TESTS_FAILED, 0.5);
	char *t = text_of(&r, 0), *line = strstr(t, "\ncontext_switches");
	assert_non_null(line);
	char name[32], yours[32], reference[32];
	assert_int_equal(sscanf(line, "%31s %31s %31s", name, yours, reference), 3);
	assert_string_equal(yours, "-");
	assert_string_equal(reference, "-");
	assert_null(strstr(t, "beats it")); /* no claims without the gate */
	free(t);
	t = text_of(&r, 1);
	assert_non_null(strstr(t,
	                       "\"name\": \"context_switches\", \"kind\": \"report\", "
	                       "\"direction\": \"lower\", \"student\": null, \"reference\": null"));
	free(t);
}

static void a_report_read_back_prints_the_same_json_and_html(void **state)
{
	(void)state;
	struct manifest m = {.id = "01", .title = "Zero <allocation>", .n_metrics = 2};
	m.metrics[0] = instructions;
	m.metrics[1] = context_switches;
	struct grade_report r;
	make_report(&r, STATUS_TESTS_FAILED, 0.5);
	r.metrics[0].spec = &m.metrics[0];
	r.metrics[1].spec = &m.metrics[1];
	snprintf(r.title, sizeof r.title, "%s", m.title);
	snprintf(r.student, sizeof r.student, "eve \"<b>\" & co");
	snprintf(r.reason, sizeof r.reason, "test 'x' failed");
	snprintf(r.next_step, sizeof r.next_step, "run 'make lesson01'");
	r.passed = 7;
	r.n_failures = 1;
	snprintf(r.failures[0].name, sizeof r.failures[0].name, "correct::x");
	snprintf(r.failures[0].message, sizeof r.failures[0].message, "want 1, got 2");
	struct function_row f = {
	    .name = "render", .student = 120, .reference = 90, .has_reference = 1};
	r.functions = &f;
	r.n_functions = 1;
	snprintf(r.toolchain.cc, sizeof r.toolchain.cc, "gcc 12");
	r.seed = 42;
	char *json = text_of(&r, 1), *html = text_of(&r, 2), err[128];
	struct json_value *v = json_parse(json, strlen(json), err, sizeof err);
	assert_non_null(v);
	struct grade_report back;
	assert_int_equal(report_read_json(v, &m, &back, err, sizeof err), 0);
	char *json2 = text_of(&back, 1), *html2 = text_of(&back, 2);
	assert_string_equal(json2, json);
	assert_string_equal(html2, html);
	free(back.functions);
	json_free(v);
	m.id[1] = '2'; /* a report of another lesson is refused */
	v = json_parse(json, strlen(json), err, sizeof err);
	assert_int_equal(report_read_json(v, &m, &back, err, sizeof err), -1);
	assert_non_null(strstr(err, "lesson 02"));
	free(back.functions);
	json_free(v);
	free(json);
	free(html);
	free(json2);
	free(html2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(beating_the_reference_says_by_how_much),
	    cmocka_unit_test(never_measured_reference_values_are_dashes_and_null),
	    cmocka_unit_test(a_report_read_back_prints_the_same_json_and_html),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
