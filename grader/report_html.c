/* report_html.c: the report as one self-contained HTML page for self-learners (`make report`):
 * the score and its breakdown, one inline SVG chart per metric (yours, the reference and the
 * skeleton on a log scale) and the hottest functions. No script, no network: every style is
 * inline, every string is escaped. The page is also well-formed XML, so tests parse it. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "html_page.h"
#include "report.h"

#define MAX_FUNCTION_BARS 10

/* {=== text: number formats ===} */

/* A ratio: two decimals near 1, whole numbers past 100 (14022x, not 14022.00x). */
static const char *ratio_text(double r, char *buf, size_t len)
{
	snprintf(buf, len, r < 100 ? "%.2fx" : "%.0fx", r);
	return buf;
}

/* }=== */

/* {=== page frame ===} */

/* One colour per scored metric in the breakdown. */
static const char *const METRIC_COLORS[] = {"#3b6fd8", "#8e5cd9", "#e07b39", "#d6a21e",
                                            "#c2417f", "#4aa0c9", "#6b8e23", "#8d6e63"};

static int graded(const struct grade_report *r)
{
	return r->status == STATUS_GRADED;
}

static void page_head(const struct grade_report *r, FILE *out)
{
	char title[512];
	snprintf(title, sizeof title, "Lesson %s · %s · %s · %.1f/100", r->lesson, r->title,
	         r->student, r->total_score.score);
	html_page_begin(out, title, NULL);
}

static void page_header(const struct grade_report *r, FILE *out)
{
	fprintf(out, "<header>\n<div>\n<h1>Lesson %s · ", r->lesson);
	html_escape(out, r->title);
	fputs("</h1>\n<p class=\"who\">", out);
	html_escape(out, r->student);
	fprintf(out, " · <span class=\"badge%s\">", graded(r) ? "" : " bad");
	html_escape(out, status_name(r->status));
	fprintf(out, "</span> · tests %u of %u passed</p>\n</div>\n", r->passed, r->total);
	fprintf(out,
	        "<div class=\"score\" id=\"score\">%.1f<small> / 100</small></div>\n"
	        "</header>\n",
	        r->total_score.score);
	if (r->reason[0]) {
		fputs("<div class=\"card reason\" style=\"margin-top:16px\"><b>Why:</b> ", out);
		html_escape(out, r->reason);
		fputs("</div>\n", out);
	}
}

static void page_failures(const struct grade_report *r, FILE *out)
{
	if (r->n_failures == 0 && r->details[0] == '\0')
		return;
	fputs("<h2>What failed</h2>\n<div class=\"card\">\n", out);
	if (r->n_failures) {
		fputs("<table>\n", out);
		for (size_t i = 0; i < r->n_failures; i++) {
			fputs("<tr><td>", out);
			html_escape(out, r->failures[i].name);
			fputs("</td><td>", out);
			html_escape(out, r->failures[i].message);
			fputs("</td></tr>\n", out);
		}
		fputs("</table>\n", out);
	}
	if (r->details[0]) {
		fputs("<pre>", out);
		html_escape(out, r->details);
		fputs("</pre>\n", out);
	}
	fputs("</div>\n", out);
}

static void page_footer(const struct grade_report *r, FILE *out)
{
	const struct toolchain *t = &r->toolchain;
	if (r->next_step[0]) { /* a batch's report of a refused submission has none */
		fputs("<h2>Next</h2>\n<div class=\"card next\">", out);
		html_escape(out, r->next_step);
		fputs("</div>\n", out);
	}
	fprintf(out, "<footer>seed %llu · course ", r->seed);
	const char *parts[] = {r->course_version, t->cc,  t->flags, t->glibc,
	                       t->valgrind,       t->cpu, t->arch};
	const char *labels[] = {"", " · ", " · ", " · glibc ", " · valgrind ", " · ", " · "};
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		fputs(labels[i], out);
		html_escape(out, parts[i]);
	}
	fputs("</footer>\n", out);
	html_page_end(out);
}

/* }=== */

/* {=== score breakdown: one bar of 100 points ===} */

static void bar_segment(FILE *out, double *x, double points, const char *color)
{
	double w = points / 100 * (CHART_WIDTH - 2);
	if (w <= 0)
		return;
	fprintf(out, "<rect x=\"%.1f\" y=\"8\" width=\"%.1f\" height=\"30\" fill=\"%s\"/>\n", *x, w,
	        color);
	*x += w;
}

static void breakdown_row(FILE *out, const char *color, const char *name, double points, double max,
                          const char *note)
{
	fprintf(out, "<tr><td><span class=\"swatch\" style=\"background:%s\"></span>", color);
	html_escape(out, name);
	fprintf(out, "</td><td class=\"n\">%.1f</td><td class=\"n\">%.1f</td><td>", points, max);
	html_escape(out, note);
	fputs("</td></tr>\n", out);
}

static void page_breakdown(const struct grade_report *r, FILE *out)
{
	const struct score_total *t = &r->total_score;
	double x = 1;
	fputs("<h2>Score breakdown</h2>\n<div class=\"card\">\n", out);
	fprintf(out,
	        "<svg class=\"breakdown-chart\" xmlns=\"http://www.w3.org/2000/svg\" "
	        "width=\"%d\" height=\"62\" viewBox=\"0 0 %d 62\" role=\"img\">\n"
	        "<title>Score breakdown: %.1f of 100 points</title>\n"
	        "<rect x=\"1\" y=\"8\" width=\"%d\" height=\"30\" fill=\"%s\"/>\n",
	        CHART_WIDTH, CHART_WIDTH, t->score, CHART_WIDTH - 2, COLOR_LOST);
	bar_segment(out, &x, t->correctness_points, "#2e7d32");
	for (size_t i = 0, c = 0; i < r->n_metrics; i++)
		if (r->metrics[i].scored)
			bar_segment(
			    out, &x, r->metrics[i].out.points,
			    METRIC_COLORS[c++ % (sizeof METRIC_COLORS / sizeof *METRIC_COLORS)]);
	for (int p = 0; p <= 100; p += 10) {
		double px = 1 + p / 100.0 * (CHART_WIDTH - 2);
		fprintf(out,
		        "<line x1=\"%.1f\" y1=\"38\" x2=\"%.1f\" y2=\"43\" stroke=\"#9aa0a6\"/>"
		        "<text class=\"axis\" x=\"%.1f\" y=\"57\" text-anchor=\"%s\">%d</text>\n",
		        px, px, px,
		        p == 0     ? "start"
		        : p == 100 ? "end"
		                   : "middle",
		        p);
	}
	fputs("</svg>\n<table>\n<tr><th>part</th><th class=\"n\">points</th><th class=\"n\">of</th>"
	      "<th></th></tr>\n",
	      out);
	char note[160];
	snprintf(note, sizeof note, "%u of %u correct and task tests passed", r->passed, r->total);
	breakdown_row(out, "#2e7d32", "correctness", t->correctness_points,
	              SCORE_CORRECTNESS_POINTS, note);
	for (size_t i = 0, c = 0; i < r->n_metrics; i++) {
		const struct metric_result *mr = &r->metrics[i];
		if (!mr->scored)
			continue;
		snprintf(note, sizeof note, "weight %g%s", mr->spec->weight,
		         !mr->measured || mr->excluded
		             ? "; not measured reliably: its weight is out of the score"
		         : t->fraction == 0 ? "; no performance points until every test passes"
		                            : "");
		double by = r->status != STATUS_GRADED ? 0 : report_beats_reference(mr);
		if (by > 0) /* appended: note holds under 80 characters so far */
			snprintf(note + strlen(note), sizeof note - strlen(note),
			         "; %.2fx the reference: beats it by %.1fx (points stop at the "
			         "tolerance)",
			         mr->out.ratio, by);
		breakdown_row(out,
		              METRIC_COLORS[c++ % (sizeof METRIC_COLORS / sizeof *METRIC_COLORS)],
		              mr->spec->name, mr->out.points, mr->out.max_points, note);
	}
	for (size_t i = 0; i < r->n_metrics; i++)
		if (r->metrics[i].spec->kind == METRIC_CAP && r->metrics[i].out.cap_exceeded) {
			snprintf(note, sizeof note,
			         "over %.2fx the reference: performance capped at "
			         "%g%%",
			         r->metrics[i].spec->limit_ratio, r->metrics[i].spec->cap_points);
			breakdown_row(out, "#c62828", r->metrics[i].spec->name, 0, 0, note);
		}
	fprintf(out,
	        "<tr><td><b>total</b></td><td class=\"n\"><b>%.1f</b></td>"
	        "<td class=\"n\">100.0</td><td>performance share P = %.3f</td></tr>\n"
	        "</table>\n</div>\n",
	        t->score, t->fraction);
}

/* }=== */

/* {=== one chart per metric: yours, reference, skeleton on a log scale ===} */

static void chart_row(FILE *out, struct log_axis a, int y, const char *label, int has, double v,
                      const char *unit, const char *color)
{
	char text[48];
	fprintf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n", AXIS_LEFT - 10,
	        y + 15, label);
	if (!has) {
		fprintf(out, "<text class=\"axis\" x=\"%d\" y=\"%d\">not measured</text>\n",
		        AXIS_LEFT + 6, y + 15);
		return;
	}
	double x = log_axis_x(a, v);
	fprintf(out,
	        "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"20\" rx=\"3\" fill=\"%s\"/>"
	        "<text x=\"%.1f\" y=\"%d\">",
	        AXIS_LEFT, y, x - AXIS_LEFT, color, x + 6, y + 15);
	html_escape(out, html_value_text(v, unit, text, sizeof text));
	fputs("</text>\n", out);
}

static void metric_caption(FILE *out, const struct metric_result *mr)
{
	const struct metric_spec *s = mr->spec;
	char ratio[32];
	ratio_text(mr->out.ratio, ratio, sizeof ratio);
	fputs("<h3>", out);
	html_escape(out, s->name);
	fprintf(out, "</h3>\n<p class=\"meta\">%s is better · ",
	        s->direction == DIRECTION_HIGHER ? "higher" : "lower");
	if (!mr->measured)
		fputs("not measured", out);
	else if (s->kind == METRIC_CAP)
		fprintf(out,
		        "cap: more than %.2fx the reference caps performance at %g%% · yours "
		        "%s%s",
		        s->limit_ratio, s->cap_points, ratio,
		        mr->out.cap_exceeded ? " · <b>exceeded</b>" : " · within the cap");
	else if (!mr->scored)
		fprintf(out, "reported, not scored · ratio %s", ratio);
	else if (mr->excluded)
		fprintf(out,
		        "ratio %s · <b>unreliable</b>: the machine was too busy to measure it; not "
		        "scored, its weight goes to the measured metrics",
		        ratio);
	else if (mr->busy)
		fprintf(out,
		        "ratio %s · <b>not credited</b>: the machine was busy, and threads that "
		        "share it cost what they would not on an idle one; 0 of %.1f points: grade "
		        "again on an idle machine",
		        ratio, mr->out.max_points);
	else
		fprintf(out,
		        "ratio %s (full points up to %.2fx, none from %gx) · %.1f of %.1f "
		        "points",
		        ratio, mr->tolerance, s->zero_point, mr->out.points, mr->out.max_points);
	fputs("</p>\n", out);
}

static void metric_chart(FILE *out, const struct metric_result *mr)
{
	const double v[3] = {mr->student, mr->reference, mr->skeleton};
	const int has[3] = {mr->measured, mr->has_reference, mr->has_skeleton};
	struct log_axis a = log_axis_for(v, has, 3);
	fputs("<div class=\"card\">\n", out);
	metric_caption(out, mr);
	fprintf(out,
	        "<svg class=\"metric-chart\" xmlns=\"http://www.w3.org/2000/svg\" "
	        "width=\"%d\" height=\"112\" viewBox=\"0 0 %d 112\" role=\"img\">\n<title>",
	        CHART_WIDTH, CHART_WIDTH);
	html_escape(out, mr->spec->name);
	fputs(": yours, the reference and the skeleton on a log scale</title>\n", out);
	log_axis_draw(out, a, mr->unit, 2, 90);
	chart_row(out, a, 4, "yours", has[0], v[0], mr->unit, COLOR_YOURS);
	chart_row(out, a, 32, "reference", has[1], v[1], mr->unit, COLOR_REFERENCE);
	chart_row(out, a, 60, "skeleton", has[2], v[2], mr->unit, COLOR_SKELETON);
	fputs("</svg>\n</div>\n", out);
}

static void page_metrics(const struct grade_report *r, FILE *out)
{
	if (r->n_metrics == 0)
		return;
	fputs("<h2>Metrics</h2>\n<p class=\"meta\">Each chart is on a log scale: one grid line per "
	      "power of ten, so each halving of the gap to the reference looks the same.</p>\n",
	      out);
	for (size_t i = 0; i < r->n_metrics; i++)
		metric_chart(out, &r->metrics[i]);
}

/* }=== */

/* {=== hottest functions: inclusive instructions, yours beside the reference's ===} */

static void function_row(FILE *out, const struct function_row *f, int y, double max)
{
	double span = AXIS_RIGHT - AXIS_LEFT - 60;
	char text[48];
	fprintf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", AXIS_LEFT + 60 - 10, y + 14);
	char name[40]; /* C identifiers: ASCII, cut at 24 characters */
	if (strlen(f->name) > 24)
		snprintf(name, sizeof name, "%.23s…", f->name);
	else
		snprintf(name, sizeof name, "%s", f->name);
	html_escape(out, name);
	fputs("</text>\n", out);
	double w = max > 0 ? (double)f->student / max * span : 0;
	fprintf(out,
	        "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"10\" rx=\"2\" fill=\"%s\"/>"
	        "<text class=\"axis\" x=\"%.1f\" y=\"%d\">yours ",
	        AXIS_LEFT + 60, y + 2, w, COLOR_YOURS, AXIS_LEFT + 60 + w + 6, y + 11);
	html_escape(out, html_value_text((double)f->student, "", text, sizeof text));
	fputs("</text>\n", out);
	if (!f->has_reference) {
		fprintf(out, "<text class=\"axis\" x=\"%d\" y=\"%d\">not in the reference</text>\n",
		        AXIS_LEFT + 66, y + 24);
		return;
	}
	w = max > 0 ? (double)f->reference / max * span : 0;
	fprintf(out,
	        "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"10\" rx=\"2\" fill=\"%s\"/>"
	        "<text class=\"axis\" x=\"%.1f\" y=\"%d\">reference ",
	        AXIS_LEFT + 60, y + 14, w, COLOR_REFERENCE, AXIS_LEFT + 60 + w + 6, y + 23);
	html_escape(out, html_value_text((double)f->reference, "", text, sizeof text));
	fputs("</text>\n", out);
}

static void page_functions(const struct grade_report *r, FILE *out)
{
	if (r->n_functions == 0)
		return;
	size_t n = r->n_functions < MAX_FUNCTION_BARS ? r->n_functions : MAX_FUNCTION_BARS;
	double max = 0;
	for (size_t i = 0; i < n; i++) {
		max = fmax(max, (double)r->functions[i].student);
		if (r->functions[i].has_reference)
			max = fmax(max, (double)r->functions[i].reference);
	}
	int height = (int)n * 34 + 6;
	fputs("<h2>Hottest functions of your file</h2>\n<div class=\"card\">\n<p class=\"meta\">"
	      "Inclusive instructions (the function and everything it calls), measured by "
	      "callgrind in the bench region.</p>\n",
	      out);
	fprintf(out,
	        "<svg class=\"functions-chart\" xmlns=\"http://www.w3.org/2000/svg\" "
	        "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">\n"
	        "<title>Hottest functions: inclusive instructions</title>\n",
	        CHART_WIDTH, height, CHART_WIDTH, height);
	for (size_t i = 0; i < n; i++)
		function_row(out, &r->functions[i], 4 + (int)i * 34, max);
	fputs("</svg>\n</div>\n", out);
}

/* }=== */

void report_html(const struct grade_report *r, FILE *out)
{
	page_head(r, out);
	page_header(r, out);
	page_failures(r, out);
	page_breakdown(r, out);
	page_metrics(r, out);
	page_functions(r, out);
	page_footer(r, out);
}
