/* html_page.c: the pieces every HTML page of the grader shares (html_page.h). */
#include "html_page.h"

#include <math.h>
#include <string.h>

#include "report.h"

/* {=== text: escaping and number formats ===} */

void html_escape(FILE *out, const char *s)
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

const char *html_value_text(double v, const char *unit, char *buf, size_t len)
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

void html_page_begin(FILE *out, const char *title, const char *extra_style)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n<title>",
	      out);
	html_escape(out, title);
	fprintf(out, "</title>\n<style>%s%s</style>\n</head>\n<body>\n<main>\n", STYLE,
	        extra_style ? extra_style : "");
}

void html_page_end(FILE *out)
{
	fputs("</main>\n</body>\n</html>\n", out);
}

/* }=== */

/* {=== the log-scale axis of the metric charts ===} */

struct log_axis log_axis_for(const double *v, const int *has, int n)
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

double log_axis_x(struct log_axis a, double v)
{
	if (v <= 0)
		return AXIS_LEFT;
	double f = (log10(v) - a.lo) / (a.hi - a.lo);
	return AXIS_LEFT + fmax(0, fmin(1, f)) * (AXIS_RIGHT - AXIS_LEFT);
}

void log_axis_draw(FILE *out, struct log_axis a, const char *unit, int top, int bottom)
{
	int step = a.hi - a.lo > 8 ? 2 : 1;
	for (int e = a.lo; e <= a.hi; e += step) {
		double x = log_axis_x(a, pow(10, e));
		char label[32];
		fprintf(
		    out,
		    "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#e3e6ec\"/>"
		    "<text class=\"axis\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
		    x, top, x, bottom, x, bottom + 14, decade_text(e, unit, label, sizeof label));
	}
}

/* }=== */
