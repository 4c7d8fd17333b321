/* gradebook.h: the batch's outputs written from its rows: gradebook.csv (RFC 4180), JUnit XML,
 * TAP and Gradescope's results.json. Each file is written whole through a temporary file and a
 * rename, so a batch killed at any moment leaves the previous complete version. */
#ifndef GRADEBOOK_H
#define GRADEBOOK_H

#include <stddef.h>
#include <stdio.h>

#include "batch_row.h"

/* The CSV: a header, then one row per student in the order given. Columns: student, lesson,
 * score, status, reason, passed, total, then value, ratio and points of each metric of the
 * first row that has metrics, then seed, course_version, environment. Returns 0 or -1. */
int gradebook_write_csv(const char *path, const struct batch_row *rows, size_t n);

/* One CSV field, quoted when it holds a comma, a quote, a line break or leading/trailing
 * space; a text field starting with = + - @ gets a leading ' so spreadsheets never run it. */
void gradebook_csv_field(FILE *out, const char *s, int is_text);

/* JUnit XML: one testsuite, one testcase per student, failed unless status is graded. */
int gradebook_write_junit(const char *path, const struct batch_row *rows, size_t n);
void gradebook_junit(FILE *out, const struct batch_row *rows, size_t n);

/* TAP version 13: "ok N - student: graded 87.4" or "not ok N - student: status: reason". */
int gradebook_write_tap(const char *path, const struct batch_row *rows, size_t n);
void gradebook_tap(FILE *out, const struct batch_row *rows, size_t n);

/* Gradescope's results.json for one student: score, max_score, output, visibility, one test
 * for correctness and one per scored metric, and a leaderboard of the scored metrics. */
void gradebook_gradescope(FILE *out, const struct batch_row *row);
int gradebook_write_gradescope(const char *path, const struct batch_row *row);

#endif
