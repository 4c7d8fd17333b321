/* batch_row.h: one student's result in a batch, read back from the JSON report (schema v1) the
 * child grader printed; every batch output (gradebook, JUnit, TAP, Gradescope) is written from
 * these rows, so a resumed batch rebuilds them from the reports on disk. */
#ifndef BATCH_ROW_H
#define BATCH_ROW_H

#include <stddef.h>
#include <stdio.h>

#include "json_read.h"
#include "status.h"

#define BATCH_MAX_METRICS 16

struct batch_metric {
	char name[48];
	char kind[8];      /* scored, cap, report */
	char direction[8]; /* lower, higher */
	int measured;      /* 0: the report has null for the student's value */
	double student, ratio, points;
	double weight; /* lesson.ini weight (scored metrics) */
};

struct batch_row {
	char student[128]; /* the submission's name, as the instructor named it */
	char slug[160];    /* the same, safe as a file name (batch_slug) */
	char lesson[3];
	enum grade_status status; /* a status of DESIGN section 10.3 */
	char reason[512];         /* "" when graded */
	double score, max;
	unsigned passed, total;
	struct batch_metric metrics[BATCH_MAX_METRICS];
	size_t n_metrics;
	unsigned long long seed;
	char course_version[64];
	char environment[320]; /* cc, glibc, Valgrind, CPU, arch: the environment fingerprint */
	char isolation[24];    /* how the student's code was kept apart (jail.h), "none" */
	int verified;          /* 1 only when it ran in namespaces of its own */
	char unverified[256];  /* why not, "" when verified */
	double seconds;        /* how long grading took (not in the report) */
};

/* Fills row from a parsed report. Returns 0, or -1 with a reason when it is not a schema v1
 * report of lesson `lesson`. */
int batch_row_from_json(const struct json_value *report, const char *lesson, struct batch_row *row,
                        char *err, size_t errlen);

/* A row for a submission that never produced a report (intake refused it, the grader died):
 * score 0, the given status and reason. */
void batch_row_failed(struct batch_row *row, const char *student, const char *lesson,
                      unsigned long long seed, enum grade_status status, const char *reason);

/* Writes row as a schema v1 JSON report (the fields a batch knows) to out. */
void batch_row_json(const struct batch_row *row, FILE *out);

/* name made safe as one file name: [A-Za-z0-9._-] kept, anything else '_', a leading '.' or
 * '-' replaced, and when anything changed a short hash of the original appended so two names
 * never share a file. Writes into out (at least 160 bytes). */
void batch_slug(const char *name, char *out, size_t len);

#endif
