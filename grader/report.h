/* report.h: the result of grading one submission of one lesson, as every report format reads
 * it (text, json, html; more formats later). Filled by grade.c, written by report_*.c. */
#ifndef REPORT_H
#define REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "manifest.h"
#include "score.h"
#include "status.h"

#define REPORT_MAX_FAILURES 32

struct metric_result {
	const struct metric_spec *spec;
	int measured; /* 0: not measured (gate closed, or the tool failed) */
	double student, reference, skeleton;
	int has_skeleton;
	int has_reference; /* 0: the reference's value was never measured (the native
	                      runs happen only after the gate passes) */
	double tolerance;  /* t used (the A/A tolerance for wall_ratio) */
	struct score_metric_output out;
	int scored;       /* counts towards P (report-only metrics do not) */
	char unit[8];     /* "", "B", "x" */
	double aa_spread; /* timed metrics: the reference's A/A spread (1 = none) */
	int unreliable;   /* timed metrics: the spread stayed above the cap */
	int excluded;     /* unreliable and so left out of the score (bench values) */
	int busy;         /* wall_ratio timed on a busy machine: in the score, earning nothing */
};

struct function_row {
	char name[128];
	uint64_t student, reference; /* inclusive instructions */
	int has_reference;
};

struct test_failure {
	char name[96];     /* suite::test */
	char message[256]; /* first line of what went wrong */
};

struct toolchain {
	char cc[64], flags[256], glibc[32], valgrind[32], cpu[128], arch[32];
};

struct grade_report {
	char lesson[3];
	char title[128];
	char student[128];
	enum grade_status status;
	char reason[1024];
	unsigned passed, total; /* correct + task tests; total from the reference */
	struct score_total total_score;
	struct metric_result metrics[MANIFEST_MAX_METRICS];
	size_t n_metrics;
	struct function_row *functions;
	size_t n_functions;
	struct test_failure failures[REPORT_MAX_FAILURES];
	size_t n_failures;
	char next_step[256]; /* what to do or read next, one line */
	char details[4096];  /* the compiler's messages when the build failed */
	unsigned long long seed;
	char course_version[64];
	struct toolchain toolchain;
	double wall_noise; /* A/A tolerance measured, 0 if no wall metric */
	/* How the student's code was kept from the grader (jail.h): "namespaces",
	 * "namespaces+user", "user" or "none". An official grade asks for isolation (--isolate);
	 * verified is 1 only when it got namespaces, else unverified says what was missing. */
	char isolation[24];
	int isolated; /* isolation was asked for */
	int verified;
	char unverified[256];
	/* the budget suite of make lessonNN, run once the gate passed: each failed budget test,
	   and the score's cap when one failed (0: no cap) */
	struct test_failure budget_failures[REPORT_MAX_FAILURES];
	size_t n_budget_failures;
	unsigned budgets_failed;
	double budget_cap;
	struct report_wall { /* how the native timing went (wall.h) */
		int measured, reliable;
		int cpu_time;          /* 1: region CPU time compared, 0: wall time */
		int busy;              /* 1: CPU time because too few triplets were quiet */
		int triplets, quiet;   /* quiet: triplets before which the idle machine was quiet
		                          (wall.h): wall time and bench values count only those */
		int bench_values;      /* values the bench printed (requests/s, p99) */
		double student_spread; /* the student's runs, even against odd triplets */
		double aa_spread, tolerance, load;
		double cpu_wait; /* median share of time other tasks waited; -1 unknown */
	} wall;
};

/* Bytes with a binary unit, as every report shows them: "97.4 KiB", "812 B". Returns buf. */
const char *report_bytes(double v, char *buf, size_t len);

/* How many times better than the reference a scored metric of a graded report is (2.0 for a
 * ratio of 0.50x; ratios put better below 1 in either direction), or 0 when it does not beat
 * the reference. Points stop at the tolerance: beating the reference earns no more. */
double report_beats_reference(const struct metric_result *mr);

/* Writers: each prints the whole report in one format to out. color: use ANSI colours. */
void report_text(const struct grade_report *r, FILE *out, int color);
void report_json(const struct grade_report *r, FILE *out);
/* s as a JSON string, quotes and escapes included: every JSON writer of the grader uses it. */
void report_json_string(FILE *out, const char *s);
/* One self-contained page (inline CSS and SVG charts, no script, no network, every string
 * escaped), also well-formed XML. */
void report_html(const struct grade_report *r, FILE *out);

struct json_value;
/* Fills r from a JSON report (schema_version 1) as report_json writes it, the metric specs and
 * the title from m, the lesson's manifest (report_read.c): how a batch draws each student's
 * HTML page. r->functions is allocated, even on error: free it. Returns 0, or -1 with a reason
 * in err when v is not a report of lesson m->id. */
int report_read_json(const struct json_value *v, const struct manifest *m, struct grade_report *r,
                     char *err, size_t errlen);

#endif
