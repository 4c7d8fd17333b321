/* report_html.c: the report as one self-contained HTML page for self-learners (`make report`):
 * the score and its breakdown, one inline SVG chart per metric (yours, the reference and the
 * skeleton on a log scale) and the hottest functions. No script, no network: every style is
 * inline, every string is escaped. The page is also well-formed XML, so tests parse it. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report.h"

#define MAX_FUNCTION_BARS 10
#define CHART_WIDTH       960
#define AXIS_LEFT         120 /* where bars start: row labels sit left of it */
#define AXIS_RIGHT        800 /* where the longest bar ends: value labels sit right of it */

/* {=== text: escaping and number formats ===} */

/* Writes s with the five characters that matter in HTML text and attributes escaped. */
static void esc(FILE *out, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", out);
			break;
		case '<':
			fputs("&lt;", out);
			break;
		case '>':
			fputs("&gt;", out);
			break;
		case '"':
			fputs("&quot;", out);
			break;
		case '\'':
			fputs("&#39;", out);
			break;
		default:
			/* control characters are not allowed in XML; they show as a space */
			fputc((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t' ? ' ' : *s, out);
		}
	}
}

/* A value as the text report shows it: bytes with a binary unit, ratios with an x, big counts
 * in three significant digits, small ones exact. */
static const char *value_text(double v, const char *unit, char *buf, size_t len)
{
	if (!strcmp(unit, "B")) {
		report_bytes(v, buf, len);
	} else if (!strcmp(unit, "x")) {
		snprintf(buf, len, "%.2fx", v);
	} else if (v != floor(v)) {
		snprintf(buf, len, "%.3g", v);
	} else if (v < 1e6) {
		snprintf(buf, len, "%.0f", v);
	} else if (v < 1e9) {
		snprintf(buf, len, "%.3gM", v / 1e6);
	} else {
		snprintf(buf, len, "%.3gG", v / 1e9);
	}
	return buf;
}

/* A ratio: two decimals near 1, whole numbers past 100 (14022x, not 14022.00x). */
static const char *ratio_text(double r, char *buf, size_t len)
{
	snprintf(buf, len, r < 100 ? "%.2fx" : "%.0fx", r);
	return buf;
}

/* A power of ten as an axis label: 1, 10, 100, 1k … 1G, 0.1 (with "B" after it for bytes). */
static const char *decade_text(int exponent, const char *unit, char *buf, size_t len)
{
	static const char *const suffix[] = {"", "k", "M", "G", "T"};
	const char *u = !strcmp(unit, "B") ? "B" : !strcmp(unit, "x") ? "x" : "";
	if (exponent < 0)
		snprintf(buf, len, "%g%s", pow(10, exponent), u);
	else if (exponent / 3 < 5)
		snprintf(buf, len, "%.0f%s%s", pow(10, exponent % 3), suffix[exponent / 3], u);
	else
		snprintf(buf, len, "1e%d%s", exponent, u);
	return buf;
}

/* }=== */

/* {=== page frame ===} */

static const char *const STYLE =
    "body{margin:0;background:#f4f5f7;color:#1d2330;"
    "font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif}"
    "main{max-width:1000px;margin:0 auto;padding:24px 20px 40px}"
    "header{display:flex;justify-content:space-between;align-items:flex-end;gap:24px;"
    "border-bottom:1px solid #d8dbe2;padding-bottom:16px}"
    "h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 10px}"
    "h3{font-size:15px;margin:0 0 6px}"
    ".who{color:#5b6475;margin:0}"
    ".score{font-size:44px;font-weight:700;line-height:1;text-align:right}"
    ".score small{font-size:18px;color:#5b6475;font-weight:400}"
    ".badge{display:inline-block;border-radius:10px;padding:1px 10px;font-size:13px;"
    "font-weight:600;color:#fff;background:#2e7d32}"
    ".badge.bad{background:#c62828}"
    ".card{background:#fff;border:1px solid #e1e4ea;border-radius:8px;padding:14px 16px;"
    "margin:0 0 12px}"
    ".meta{color:#5b6475;font-size:13px}"
    ".next{border-left:4px solid #3b6fd8}"
    ".reason{border-left:4px solid #c62828}"
    "table{border-collapse:collapse;width:100%;font-size:14px}"
    "td,th{text-align:left;padding:4px 8px;border-bottom:1px solid #eceef2}"
    "td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}"
    ".swatch{display:inline-block;width:11px;height:11px;border-radius:2px;margin-right:6px;"
    "vertical-align:-1px}"
    "pre{white-space:pre-wrap;font-size:12px;background:#f7f7f9;padding:8px;overflow:auto}"
    "svg{display:block;max-width:100%;height:auto}"
    "svg text{font:12px system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;"
    "fill:#1d2330}"
    "svg .axis{fill:#7a8294;font-size:11px}"
    "footer{margin-top:28px;color:#7a8294;font-size:12px}";

/* Colours: yours, the reference, the skeleton, and one per scored metric in the breakdown. */
#define COLOR_YOURS     "#3b6fd8"
#define COLOR_REFERENCE "#2a9d8f"
#define COLOR_SKELETON  "#a3a9b5"
#define COLOR_LOST      "#e6e8ee"
static const char *const METRIC_COLORS[] = {"#3b6fd8", "#8e5cd9", "#e07b39", "#d6a21e",
                                            "#c2417f", "#4aa0c9", "#6b8e23", "#8d6e63"};

static int graded(const struct grade_report *r)
{
	return r->status == STATUS_GRADED;
}

static void page_head(const struct grade_report *r, FILE *out)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n<title>",
	      out);
	fprintf(out, "Lesson %s · ", r->lesson);
	esc(out, r->title);
	fputs(" · ", out);
	esc(out, r->student);
	fprintf(out, " · %.1f/100</title>\n<style>%s</style>\n</head>\n<body>\n<main>\n",
	        r->total_score.score, STYLE);
}

static void page_header(const struct grade_report *r, FILE *out)
{
	fprintf(out, "<header>\n<div>\n<h1>Lesson %s · ", r->lesson);
	esc(out, r->title);
	fputs("</h1>\n<p class=\"who\">", out);
	esc(out, r->student);
	fprintf(out, " · <span class=\"badge%s\">", graded(r) ? "" : " bad");
	esc(out, status_name(r->status));
	fprintf(out, "</span> · tests %u of %u passed</p>\n</div>\n", r->passed, r->total);
	fprintf(out,
	        "<div class=\"score\" id=\"score\">%.1f<small> / 100</small></div>\n"
	        "</header>\n",
	        r->total_score.score);
	if (r->reason[0]) {
		fputs("<div class=\"card reason\" style=\"margin-top:16px\"><b>Why:</b> ", out);
		esc(out, r->reason);
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
			esc(out, r->failures[i].name);
			fputs("</td><td>", out);
			esc(out, r->failures[i].message);
			fputs("</td></tr>\n", out);
		}
		fputs("</table>\n", out);
	}
	if (r->details[0]) {
		fputs("<pre>", out);
		esc(out, r->details);
		fputs("</pre>\n", out);
	}
	fputs("</div>\n", out);
}

static void page_footer(const struct grade_report *r, FILE *out)
{
	const struct toolchain *t = &r->toolchain;
	fputs("<h2>Next</h2>\n<div class=\"card next\">", out);
	esc(out, r->next_step);
	fprintf(out, "</div>\n<footer>seed %llu · course ", r->seed);
	const char *parts[] = {r->course_version, t->cc,  t->flags, t->glibc,
	                       t->valgrind,       t->cpu, t->arch};
	const char *labels[] = {"", " · ", " · ", " · glibc ", " · valgrind ", " · ", " · "};
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		fputs(labels[i], out);
		esc(out, parts[i]);
	}
	fputs("</footer>\n</main>\n</body>\n</html>\n", out);
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
	esc(out, name);
	fprintf(out, "</td><td class=\"n\">%.1f</td><td class=\"n\">%.1f</td><td>", points, max);
	esc(out, note);
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

struct log_axis {
	int lo, hi; /* decades: the axis runs from 10^lo to 10^hi */
};

/* The decades around every positive value; zeros sit at the left edge. */
static struct log_axis axis_for(const double *v, const int *has, int n)
{
	double min = INFINITY, max = 0;
	for (int i = 0; i < n; i++)
		if (has[i] && v[i] > 0) {
			min = fmin(min, v[i]);
			max = fmax(max, v[i]);
		}
	if (max == 0)
		return (struct log_axis){0, 1};
	/* the smallest value still gets a visible bar: the axis starts a decade below it */
	struct log_axis a = {(int)floor(log10(min) - 1e-9), (int)ceil(log10(max) + 1e-9)};
	if (a.hi <= a.lo)
		a.hi = a.lo + 1;
	return a;
}

static double axis_x(struct log_axis a, double v)
{
	if (v <= 0)
		return AXIS_LEFT;
	double f = (log10(v) - a.lo) / (a.hi - a.lo);
	return AXIS_LEFT + fmax(0, fmin(1, f)) * (AXIS_RIGHT - AXIS_LEFT);
}

static void axis_draw(FILE *out, struct log_axis a, const char *unit, int top, int bottom)
{
	int step = a.hi - a.lo > 8 ? 2 : 1;
	for (int e = a.lo; e <= a.hi; e += step) {
		double x = axis_x(a, pow(10, e));
		char label[32];
		fprintf(
		    out,
		    "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#e3e6ec\"/>"
		    "<text class=\"axis\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
		    x, top, x, bottom, x, bottom + 14, decade_text(e, unit, label, sizeof label));
	}
}

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
	double x = axis_x(a, v);
	fprintf(out,
	        "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"20\" rx=\"3\" fill=\"%s\"/>"
	        "<text x=\"%.1f\" y=\"%d\">",
	        AXIS_LEFT, y, x - AXIS_LEFT, color, x + 6, y + 15);
	esc(out, value_text(v, unit, text, sizeof text));
	fputs("</text>\n", out);
}

static void metric_caption(FILE *out, const struct metric_result *mr)
{
	const struct metric_spec *s = mr->spec;
	char ratio[32];
	ratio_text(mr->out.ratio, ratio, sizeof ratio);
	fputs("<h3>", out);
	esc(out, s->name);
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
		        "ratio %s · <b>unreliable</b>: the reference's own runs differed %.2fx, the "
		        "machine was too busy; not scored, its weight goes to the measured metrics",
		        ratio, mr->aa_spread);
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
	struct log_axis a = axis_for(v, has, 3);
	fputs("<div class=\"card\">\n", out);
	metric_caption(out, mr);
	fprintf(out,
	        "<svg class=\"metric-chart\" xmlns=\"http://www.w3.org/2000/svg\" "
	        "width=\"%d\" height=\"112\" viewBox=\"0 0 %d 112\" role=\"img\">\n<title>",
	        CHART_WIDTH, CHART_WIDTH);
	esc(out, mr->spec->name);
	fputs(": yours, the reference and the skeleton on a log scale</title>\n", out);
	axis_draw(out, a, mr->unit, 2, 90);
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
	esc(out, name);
	fputs("</text>\n", out);
	double w = max > 0 ? (double)f->student / max * span : 0;
	fprintf(out,
	        "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"10\" rx=\"2\" fill=\"%s\"/>"
	        "<text class=\"axis\" x=\"%.1f\" y=\"%d\">yours ",
	        AXIS_LEFT + 60, y + 2, w, COLOR_YOURS, AXIS_LEFT + 60 + w + 6, y + 11);
	esc(out, value_text((double)f->student, "", text, sizeof text));
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
	esc(out, value_text((double)f->reference, "", text, sizeof text));
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
