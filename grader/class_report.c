/* class_report.c: DIR/class.html and the student pages of a batch (class_report.h). The numbers
 * come from the batch's rows; the reference's and the skeleton's values, which a row does not
 * keep, from the students' reports read for their pages. Every string from a submission (its
 * name, a reason) is escaped; links name the files by their slug. */
#include "class_report.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "files.h"
#include "grade.h"
#include "gradebook.h"
#include "html_page.h"
#include "json_read.h"
#include "report.h"
#include "text_file.h"

#define SLOWEST      10
#define HIST_BINS    10 /* scores 0-10, 10-20, ..., 90-100 */
#define MAX_PAIRS    200
#define STRIP_HEIGHT 136 /* labels, the box, the dots, the axis */

struct pair {
	char a[128], b[128], lines_a[128], lines_b[128];
	double similarity;
};

struct class_data {
	const char *dir;
	const struct batch_row *rows;
	size_t n;
	struct manifest m;
	int has_manifest;
	char *has_page; /* has_page[i]: reports/SLUG.html of rows[i] was written */
	/* per manifest metric: the reference's and the skeleton's values, from any report */
	double reference[MANIFEST_MAX_METRICS], skeleton[MANIFEST_MAX_METRICS];
	int has_reference[MANIFEST_MAX_METRICS], has_skeleton[MANIFEST_MAX_METRICS];
	char unit[MANIFEST_MAX_METRICS][8];
	struct pair pairs[MAX_PAIRS];
	size_t n_pairs;
	int has_similarity; /* similarity.csv was there */
};

/* A status as the class page says it: a submission no run has graded yet is "missing". */
static const char *status_word(enum grade_status s)
{
	return s != STATUS_NONE ? status_name(s) : "missing";
}

static const char *status_of(const struct batch_row *r)
{
	return status_word(r->status);
}

/* {=== the lesson and each student's page ===} */

static int load_manifest(struct class_data *c)
{
	char dir[PATH_MAX], ini[PATH_MAX * 2], err[512];
	const char *lesson = c->n ? c->rows[0].lesson : "";
	if (grade_find_lesson(lesson, dir, sizeof dir) != 0) {
		fprintf(stderr, "class report: no lesson '%s' in '%s'\n", lesson, COURSE_ROOT);
		return -1;
	}
	snprintf(ini, sizeof ini, "%s/%s/lesson.ini", COURSE_ROOT, dir);
	if (manifest_load(ini, &c->m, err, sizeof err) != 0) {
		fprintf(stderr, "class report: %s\n", err);
		return -1;
	}
	return 0;
}

static int write_report_html(FILE *out, const void *r)
{
	report_html(r, out);
	return 0;
}

/* Keeps the reference's and the skeleton's value of each metric the first report has. */
static void note_baselines(struct class_data *c, const struct grade_report *r)
{
	for (size_t i = 0; i < r->n_metrics; i++) {
		size_t k = (size_t)(r->metrics[i].spec - c->m.metrics);
		if (!c->has_reference[k] && r->metrics[i].has_reference) {
			c->reference[k] = r->metrics[i].reference;
			c->has_reference[k] = 1;
		}
		if (!c->has_skeleton[k] && r->metrics[i].has_skeleton) {
			c->skeleton[k] = r->metrics[i].skeleton;
			c->has_skeleton[k] = 1;
		}
		if (!c->unit[k][0])
			snprintf(c->unit[k], sizeof c->unit[k], "%s", r->metrics[i].unit);
	}
}

/* reports/SLUG.html from reports/SLUG.json: returns 0 when written. */
static int student_page(struct class_data *c, const struct batch_row *row)
{
	char path[PATH_MAX * 2], err[256];
	snprintf(path, sizeof path, "%s/reports/%s.json", c->dir, row->slug);
	char *text = text_file_read(path, 4u << 20, 1, 1, err, sizeof err);
	struct json_value *v = text ? json_parse(text, strlen(text), err, sizeof err) : NULL;
	struct grade_report r;
	int rc = v ? report_read_json(v, &c->m, &r, err, sizeof err) : -1;
	if (rc == 0) {
		note_baselines(c, &r);
		snprintf(path, sizeof path, "%s/reports/%s.html", c->dir, row->slug);
		rc = file_write_atomic(path, 0644, write_report_html, &r);
		if (rc != 0)
			snprintf(err, sizeof err, "cannot write '%s'", path);
	}
	if (v != NULL)
		free(r.functions);
	if (rc != 0)
		fprintf(stderr, "class report: %s: %s\n", row->student, err);
	json_free(v);
	free(text);
	return rc;
}

/* }=== */

/* {=== similarity.csv (RFC 4180, as gradebook_csv_field writes it) ===} */

/* One field from *p into out; returns 0 at the end of the line, 1 when a comma follows. */
static int csv_field(const char **p, char *out, size_t len)
{
	size_t n = 0;
	const char *s = *p;
	int quoted = *s == '"';
	if (quoted) {
		s++;
		/* a text field starting with = + - @ or a tab was written with a ' before it */
		if (*s == '\'' && s[1] && strchr("=+-@\t", s[1]))
			s++;
		for (; *s && !(*s == '"' && s[1] != '"'); s++) {
			if (*s == '"')
				s++;
			if (n + 1 < len)
				out[n++] = *s;
		}
		if (*s == '"')
			s++;
	}
	for (; *s && *s != ',' && *s != '\r' && *s != '\n'; s++)
		if (n + 1 < len)
			out[n++] = *s;
	out[n] = '\0';
	*p = *s == ',' ? s + 1 : s;
	return *s == ',';
}

static void read_similarity(struct class_data *c)
{
	char path[PATH_MAX + 32], number[32];
	snprintf(path, sizeof path, "%s/similarity.csv", c->dir);
	char *text = text_file_read(path, 8u << 20, 0, 1, NULL, 0);
	if (text == NULL)
		return;
	c->has_similarity = 1;
	const char *p = strchr(text, '\n'); /* after the header */
	while (p != NULL && *++p && c->n_pairs < MAX_PAIRS) {
		struct pair *q = &c->pairs[c->n_pairs];
		if (csv_field(&p, q->a, sizeof q->a) && csv_field(&p, q->b, sizeof q->b) &&
		    csv_field(&p, number, sizeof number) &&
		    csv_field(&p, q->lines_a, sizeof q->lines_a)) {
			csv_field(&p, q->lines_b, sizeof q->lines_b);
			q->similarity = strtod(number, NULL);
			c->n_pairs++;
		}
		p = strchr(p, '\n');
	}
	free(text);
}

/* }=== */

/* {=== page pieces ===} */

static const char *const CLASS_STYLE =
    ".hist rect.bar{fill:" COLOR_YOURS "}"
    ".status{display:flex;flex-wrap:wrap;gap:8px;margin-top:10px}"
    ".status span{background:#f4f5f7;border-radius:6px;padding:2px 10px;font-size:13px}"
    "td.why{color:#5b6475;font-size:13px}";

/* A link to the student's page when it was written, else the name alone. */
static void student_link(const struct class_data *c, const char *name, FILE *out)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->has_page[i] && !strcmp(c->rows[i].student, name)) {
			fputs("<a href=\"reports/", out);
			html_escape(out, c->rows[i].slug);
			fputs(".html\">", out);
			html_escape(out, name);
			fputs("</a>", out);
			return;
		}
	html_escape(out, name);
}

static void status_badge(const struct batch_row *r, FILE *out)
{
	fprintf(out, "<span class=\"badge%s\">", r->status != STATUS_GRADED ? " bad" : "");
	html_escape(out, status_of(r));
	fputs("</span>", out);
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* The q-quantile of sorted v[0..n), interpolated. */
static double quantile(const double *v, size_t n, double q)
{
	double at = q * (double)(n - 1);
	size_t i = (size_t)at;
	return i + 1 < n ? v[i] + (at - (double)i) * (v[i + 1] - v[i]) : v[n - 1];
}

static void page_header(const struct class_data *c, const char *title, FILE *out)
{
	double *scores = malloc((c->n + 1) * sizeof *scores);
	size_t n = 0;
	for (size_t i = 0; scores && i < c->n; i++)
		if (status_has_result(c->rows[i].status))
			scores[n++] = c->rows[i].score;
	fputs("<header>\n<div>\n<h1>", out);
	html_escape(out, title);
	fprintf(out, "</h1>\n<p class=\"who\">%zu submissions", c->n);
	if (c->n)
		fprintf(out, " · seed %llu", c->rows[0].seed);
	fputs("</p>\n</div>\n", out);
	if (n > 0) {
		qsort(scores, n, sizeof *scores, by_value);
		fprintf(
		    out,
		    "<div class=\"score\" id=\"median\">%.1f<small> median of 100</small></div>\n",
		    quantile(scores, n, 0.5));
	}
	fputs("</header>\n", out);
	free(scores);
}

/* }=== */

/* {=== scores: histogram and status counts ===} */

static void page_scores(const struct class_data *c, FILE *out)
{
	static const enum grade_status statuses[] = {
	    STATUS_GRADED,    STATUS_REFUSED, STATUS_BUILD_FAILED, STATUS_TESTS_FAILED,
	    STATUS_TIMED_OUT, STATUS_CRASHED, STATUS_ERROR,        STATUS_NONE};
	size_t bins[HIST_BINS] = {0}, most = 1, with_score = 0;
	for (size_t i = 0; i < c->n; i++)
		if (status_has_result(c->rows[i].status)) {
			int b = (int)(c->rows[i].score / (100.0 / HIST_BINS));
			b = b < 0 ? 0 : b >= HIST_BINS ? HIST_BINS - 1 : b;
			most = ++bins[b] > most ? bins[b] : most;
			with_score++;
		}
	fputs("<h2 id=\"scores\">Scores</h2>\n<div class=\"card\">\n", out);
	fprintf(out,
	        "<svg class=\"hist score-histogram\" xmlns=\"http://www.w3.org/2000/svg\" "
	        "width=\"%d\" height=\"190\" viewBox=\"0 0 %d 190\" role=\"img\">\n"
	        "<title>Scores of %zu submissions, in bins of %d points</title>\n",
	        CHART_WIDTH, CHART_WIDTH, with_score, 100 / HIST_BINS);
	const double left = 40, width = CHART_WIDTH - 60, bin = width / HIST_BINS;
	for (int b = 0; b < HIST_BINS; b++) {
		double h = (double)bins[b] / (double)most * 140, x = left + b * bin;
		if (bins[b])
			fprintf(out,
			        "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
			        "height=\"%.1f\" rx=\"3\"><title>%d-%d: %zu</title></rect>"
			        "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%zu</text>\n",
			        x + 3, 160 - h, bin - 6, h, b * 100 / HIST_BINS,
			        (b + 1) * 100 / HIST_BINS, bins[b], x + bin / 2, 160 - h - 5,
			        bins[b]);
	}
	fprintf(out, "<line x1=\"%.0f\" y1=\"160\" x2=\"%.0f\" y2=\"160\" stroke=\"#9aa0a6\"/>\n",
	        left, left + width);
	for (int b = 0; b <= HIST_BINS; b++)
		fprintf(
		    out,
		    "<text class=\"axis\" x=\"%.1f\" y=\"176\" text-anchor=\"middle\">%d</text>\n",
		    left + b * bin, b * 100 / HIST_BINS);
	fputs("</svg>\n<div class=\"status\" id=\"status-counts\">", out);
	for (size_t s = 0; s < sizeof statuses / sizeof *statuses; s++) {
		size_t count = 0;
		for (size_t i = 0; i < c->n; i++)
			count +=
			    c->rows[i].status == statuses[s] ||
			    (statuses[s] == STATUS_NONE && c->rows[i].status == STATUS_MISSING);
		if (count)
			fprintf(out, "<span>%s <b>%zu</b></span>", status_word(statuses[s]), count);
	}
	fputs("</div>\n</div>\n", out);
}

/* }=== */

/* {=== each scored metric: every student's value, the reference and the skeleton ===} */

/* A vertical marker across the strip, labelled at the top. */
static void strip_marker(FILE *out, struct log_axis a, double v, const char *label,
                         const char *color, int label_y)
{
	double x = log_axis_x(a, v);
	fprintf(out,
	        "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" "
	        "stroke-width=\"2\"/><text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" "
	        "fill=\"%s\">%s</text>\n",
	        x, label_y + 4, x, STRIP_HEIGHT - 24, color, x, label_y, color, label);
}

static void metric_strip(const struct class_data *c, size_t k, FILE *out)
{
	const struct metric_spec *s = &c->m.metrics[k];
	double *v = malloc((c->n + 2) * sizeof *v), *sorted = malloc((c->n + 2) * sizeof *v);
	int *has = calloc(c->n + 2, sizeof *has);
	size_t n = 0;
	for (size_t i = 0; v && sorted && has && i < c->n; i++)
		for (size_t j = 0; j < c->rows[i].n_metrics; j++)
			if (!strcmp(c->rows[i].metrics[j].name, s->name) &&
			    c->rows[i].metrics[j].measured) {
				v[i] = sorted[n++] = c->rows[i].metrics[j].student;
				has[i] = 1;
			}
	if (v == NULL || sorted == NULL || has == NULL) {
		free(v);
		free(sorted);
		free(has);
		return;
	}
	/* the axis spans the students, the reference and the skeleton */
	v[c->n] = c->reference[k];
	has[c->n] = c->has_reference[k];
	v[c->n + 1] = c->skeleton[k];
	has[c->n + 1] = c->has_skeleton[k];
	struct log_axis a = log_axis_for(v, has, (int)c->n + 2);
	qsort(sorted, n, sizeof *sorted, by_value);
	char text[48];
	fputs("<div class=\"card\">\n<h3>", out);
	html_escape(out, s->name);
	fprintf(out, "</h3>\n<p class=\"meta\">%s is better · weight %g · %zu of %zu measured",
	        s->direction == DIRECTION_HIGHER ? "higher" : "lower", s->weight, n, c->n);
	if (n)
		fprintf(out, " · median %s",
		        html_value_text(quantile(sorted, n, 0.5), c->unit[k], text, sizeof text));
	if (c->has_reference[k])
		fprintf(out, " · reference %s",
		        html_value_text(c->reference[k], c->unit[k], text, sizeof text));
	if (c->has_skeleton[k])
		fprintf(out, " · skeleton %s",
		        html_value_text(c->skeleton[k], c->unit[k], text, sizeof text));
	fprintf(out,
	        "</p>\n<svg class=\"metric-strip\" xmlns=\"http://www.w3.org/2000/svg\" "
	        "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">\n<title>",
	        CHART_WIDTH, STRIP_HEIGHT, CHART_WIDTH, STRIP_HEIGHT);
	html_escape(out, s->name);
	fputs(": every student, the reference and the skeleton on a log scale</title>\n", out);
	log_axis_draw(out, a, c->unit[k], 28, STRIP_HEIGHT - 24);
	fprintf(out,
	        "<text x=\"%d\" y=\"47\" text-anchor=\"end\">quartiles</text>\n"
	        "<text x=\"%d\" y=\"88\" text-anchor=\"end\">students</text>\n",
	        AXIS_LEFT - 10, AXIS_LEFT - 10);
	if (n) { /* a box from the first to the third quartile, whiskers to the extremes */
		double lo = log_axis_x(a, sorted[0]), hi = log_axis_x(a, sorted[n - 1]);
		double q1 = log_axis_x(a, quantile(sorted, n, 0.25));
		double q3 = log_axis_x(a, quantile(sorted, n, 0.75));
		double med = log_axis_x(a, quantile(sorted, n, 0.5));
		fprintf(out,
		        "<line x1=\"%.1f\" y1=\"43\" x2=\"%.1f\" y2=\"43\" stroke=\"#5b6475\"/>"
		        "<rect x=\"%.1f\" y=\"34\" width=\"%.1f\" height=\"18\" fill=\"#dbe5f8\" "
		        "stroke=\"%s\"/><line x1=\"%.1f\" y1=\"34\" x2=\"%.1f\" y2=\"52\" "
		        "stroke=\"%s\" stroke-width=\"3\"/>\n",
		        lo, hi, q1, fmax(q3 - q1, 1), COLOR_YOURS, med, med, COLOR_YOURS);
	}
	for (size_t i = 0; i < c->n; i++) {
		if (!has[i])
			continue;
		/* spread vertically by the row's place, so equal values stay countable */
		fprintf(out,
		        "<circle cx=\"%.1f\" cy=\"%zu\" r=\"4.5\" fill=\"%s\" "
		        "fill-opacity=\"0.55\"><title>",
		        log_axis_x(a, v[i]), 66 + (i * 7) % 36, COLOR_YOURS);
		html_escape(out, c->rows[i].student);
		fprintf(out, ": %s</title></circle>\n",
		        html_value_text(v[i], c->unit[k], text, sizeof text));
	}
	if (c->has_skeleton[k])
		strip_marker(out, a, c->skeleton[k], "skeleton", "#7a8294", 24);
	if (c->has_reference[k])
		strip_marker(out, a, c->reference[k], "reference", COLOR_REFERENCE, 11);
	fputs("</svg>\n</div>\n", out);
	free(v);
	free(sorted);
	free(has);
}

static void page_metrics(const struct class_data *c, FILE *out)
{
	fputs("<h2 id=\"metrics\">Metrics</h2>\n<p class=\"meta\">Each scored metric on a log "
	      "scale: one dot per student (hover for the name), the box from the first to the "
	      "third quartile with the median, the reference and the skeleton as lines.</p>\n",
	      out);
	for (size_t k = 0; c->has_manifest && k < c->m.n_metrics; k++)
		if (c->m.metrics[k].kind == METRIC_SCORED)
			metric_strip(c, k, out);
}

/* }=== */

/* {=== the slowest, the refused and failed, the similar pairs, everyone ===} */

static const struct class_data *sort_data;

static int by_seconds(const void *a, const void *b)
{
	double x = sort_data->rows[*(const size_t *)a].seconds;
	double y = sort_data->rows[*(const size_t *)b].seconds;
	return x > y ? -1 : x < y;
}

static void row_cells(const struct class_data *c, const struct batch_row *r, FILE *out)
{
	fputs("<tr><td>", out);
	student_link(c, r->student, out);
	fputs("</td><td>", out);
	status_badge(r, out);
	fprintf(out, "</td><td class=\"n\">%.1f</td>", r->score);
}

static void page_slowest(const struct class_data *c, FILE *out)
{
	size_t *order = malloc((c->n + 1) * sizeof *order), n = 0;
	for (size_t i = 0; order && i < c->n; i++)
		if (c->rows[i].seconds > 0)
			order[n++] = i;
	fputs("<h2 id=\"slowest\">Slowest submissions</h2>\n<div class=\"card\">\n", out);
	if (n == 0) {
		fputs("<p class=\"meta\">No grading times: a batch times only the submissions it "
		      "grades in this run (not those a resumed or merged batch read back).</p>\n",
		      out);
	} else {
		sort_data = c;
		qsort(order, n, sizeof *order, by_seconds);
		fputs("<table>\n<tr><th>student</th><th>status</th><th class=\"n\">score</th>"
		      "<th class=\"n\">seconds</th><th>reason</th></tr>\n",
		      out);
		for (size_t k = 0; k < n && k < SLOWEST; k++) {
			const struct batch_row *r = &c->rows[order[k]];
			row_cells(c, r, out);
			fprintf(out, "<td class=\"n\">%.0f</td><td class=\"why\">", r->seconds);
			html_escape(out, r->reason);
			fputs("</td></tr>\n", out);
		}
		fputs("</table>\n", out);
	}
	fputs("</div>\n", out);
	free(order);
}

static void page_refused(const struct class_data *c, FILE *out)
{
	size_t n = 0;
	fputs("<h2 id=\"refused\">Refused and failed submissions</h2>\n<div class=\"card\">\n",
	      out);
	for (size_t i = 0; i < c->n; i++) {
		const struct batch_row *r = &c->rows[i];
		if (r->status == STATUS_GRADED)
			continue;
		if (n++ == 0)
			fputs(
			    "<table>\n<tr><th>student</th><th>status</th><th class=\"n\">score</th>"
			    "<th>reason</th></tr>\n",
			    out);
		row_cells(c, r, out);
		fputs("<td class=\"why\">", out);
		html_escape(out, r->status != STATUS_NONE ? r->reason
		                                          : "no result: graded in no run yet");
		fputs("</td></tr>\n", out);
	}
	fputs(n ? "</table>\n" : "<p class=\"meta\">Every submission was graded.</p>\n", out);
	fputs("</div>\n", out);
}

static void page_similarity(const struct class_data *c, FILE *out)
{
	fputs("<h2 id=\"similarity\">Similar pairs</h2>\n<div class=\"card\">\n", out);
	if (!c->has_similarity)
		fputs("<p class=\"meta\">No similarity.csv in this folder: a merged batch compares "
		      "only within each shard (see each shard's similarity.txt).</p>\n",
		      out);
	else if (c->n_pairs == 0)
		fputs("<p class=\"meta\">No pair shares enough code to list (similarity.txt says "
		      "how they were compared).</p>\n",
		      out);
	else
		fputs("<p class=\"meta\">The skeleton's code ignored; similarity.txt shows the "
		      "matching lines.</p>\n<table>\n<tr><th>student</th><th>student</th>"
		      "<th class=\"n\">shared</th><th>lines</th><th>lines</th></tr>\n",
		      out);
	for (size_t p = 0; p < c->n_pairs; p++) {
		const struct pair *q = &c->pairs[p];
		fputs("<tr><td>", out);
		student_link(c, q->a, out);
		fputs("</td><td>", out);
		student_link(c, q->b, out);
		fprintf(out, "</td><td class=\"n\">%.0f%%</td><td>", q->similarity * 100);
		html_escape(out, q->lines_a);
		fputs("</td><td>", out);
		html_escape(out, q->lines_b);
		fputs("</td></tr>\n", out);
	}
	if (c->n_pairs)
		fputs("</table>\n", out);
	fputs("</div>\n", out);
}

static void page_students(const struct class_data *c, FILE *out)
{
	fputs("<h2 id=\"students\">Students</h2>\n<div class=\"card\">\n<table>\n"
	      "<tr><th>student</th><th>status</th><th class=\"n\">score</th>"
	      "<th class=\"n\">tests</th></tr>\n",
	      out);
	for (size_t i = 0; i < c->n; i++) {
		row_cells(c, &c->rows[i], out);
		fprintf(out, "<td class=\"n\">%u of %u</td></tr>\n", c->rows[i].passed,
		        c->rows[i].total);
	}
	fputs("</table>\n</div>\n<footer>", out);
	if (c->n) {
		fputs("course ", out);
		html_escape(out, c->rows[0].course_version);
		fputs(" · ", out);
		html_escape(out, c->rows[0].environment);
	}
	fputs("</footer>\n", out);
}

/* }=== */

static int write_class_page(FILE *out, const void *arg)
{
	const struct class_data *c = arg;
	char title[256] = "Class report: no submissions";
	if (c->has_manifest)
		snprintf(title, sizeof title, "Lesson %s · %s · class report", c->m.id, c->m.title);
	html_page_begin(out, title, CLASS_STYLE);
	page_header(c, title, out);
	page_scores(c, out);
	page_metrics(c, out);
	page_slowest(c, out);
	page_refused(c, out);
	page_similarity(c, out);
	page_students(c, out);
	html_page_end(out);
	return 0;
}

int class_report_write(const char *dir, const struct batch_row *rows, size_t n)
{
	struct class_data *c = calloc(1, sizeof *c);
	if (c == NULL || (c->has_page = calloc(n + 1, 1)) == NULL) {
		free(c);
		fputs("class report: out of memory\n", stderr);
		return -1;
	}
	c->dir = dir;
	c->rows = rows;
	c->n = n;
	int rc = 0;
	c->has_manifest = n > 0 && load_manifest(c) == 0;
	if (n > 0 && !c->has_manifest)
		rc = -1;
	for (size_t i = 0; c->has_manifest && i < n; i++)
		if (status_has_result(rows[i].status) &&
		    !(c->has_page[i] = student_page(c, &rows[i]) == 0))
			rc = -1;
	read_similarity(c);
	char path[PATH_MAX + 16];
	snprintf(path, sizeof path, "%s/class.html", dir);
	if (file_write_atomic(path, 0644, write_class_page, c) != 0) {
		fprintf(stderr, "class report: cannot write '%s'\n", path);
		rc = -1;
	}
	free(c->has_page);
	free(c);
	return rc;
}
