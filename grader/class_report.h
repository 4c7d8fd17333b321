/* class_report.h: the class report of a batch: DIR/class.html, one self-contained page beside
 * gradebook.csv (the score histogram and the status counts, each scored metric's spread against
 * the reference and the skeleton, the slowest and the refused submissions, the similar pairs,
 * a link to every student's page), and DIR/reports/STUDENT.html, each student's own page drawn
 * from DIR/reports/STUDENT.json by the HTML report writer. `grade batch` writes them at its end,
 * `grade batch-merge` for the merged batch. */
#ifndef CLASS_REPORT_H
#define CLASS_REPORT_H

#include <stddef.h>

#include "batch_row.h"

/* Writes the student pages and DIR/class.html from the batch's rows (a row with an empty status
 * has no result yet: it shows as missing). DIR/similarity.csv is read when present. Returns 0,
 * or -1 after a message on stderr (the page is still written when it can be). */
int class_report_write(const char *dir, const struct batch_row *rows, size_t n);

#endif
