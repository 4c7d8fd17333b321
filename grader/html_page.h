/* html_page.h: what every HTML page of the grader shares (the student's report, the class
 * report): escaping, number formats, the page frame and its style sheet, the colours, and the
 * log-scale axis the metric charts are drawn on. Pages are self-contained (no script, no
 * network) and well-formed XML, so tests parse them. */
#ifndef HTML_PAGE_H
#define HTML_PAGE_H

#include <stddef.h>
#include <stdio.h>

#define CHART_WIDTH 960
#define AXIS_LEFT   120 /* where bars start: row labels sit left of it */
#define AXIS_RIGHT  800 /* where the longest bar ends: value labels sit right of it */

/* Colours: a student, the reference, the skeleton, and points lost. */
#define COLOR_YOURS     "#3b6fd8"
#define COLOR_REFERENCE "#2a9d8f"
#define COLOR_SKELETON  "#a3a9b5"
#define COLOR_LOST      "#e6e8ee"

/* Writes s with the five characters that matter in HTML text and attributes escaped. */
void html_escape(FILE *out, const char *s);

/* A value as the text report shows it: bytes with a binary unit, ratios with an x, big counts
 * in three significant digits, small ones exact. Returns buf. */
const char *html_value_text(double v, const char *unit, char *buf, size_t len);

/* The doctype, the head (title escaped here, the shared style sheet plus extra_style) and the
 * opening of <body><main>; html_page_end closes them. */
void html_page_begin(FILE *out, const char *title, const char *extra_style);
void html_page_end(FILE *out);

struct log_axis {
	int lo, hi; /* decades: the axis runs from 10^lo to 10^hi */
};

/* The decades around every positive v[i] with has[i]; zeros sit at the left edge. */
struct log_axis log_axis_for(const double *v, const int *has, int n);
/* Where v falls between AXIS_LEFT and AXIS_RIGHT. */
double log_axis_x(struct log_axis a, double v);
/* One grid line and label per decade, from y = top to y = bottom. */
void log_axis_draw(FILE *out, struct log_axis a, const char *unit, int top, int bottom);

#endif
