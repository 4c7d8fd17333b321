/* similarity.c: winnowing fingerprints of C sources and the batch's similarity report. */
#include "similarity.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "gradebook.h"

#define MAX_RANGES      4  /* matching line ranges shown per pair */
#define MAX_SHOWN_LINES 12 /* lines of each range shown */

/* {=== tokens ===} */

struct token {
	uint32_t hash;
	unsigned line;
};

static uint32_t fnv(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static int is_keyword(const char *s, size_t n)
{
	static const char *const words[] = {
	    "auto",     "break",    "case",     "char",   "const",   "continue",
	    "default",  "do",       "double",   "else",   "enum",    "extern",
	    "float",    "for",      "goto",     "if",     "inline",  "int",
	    "long",     "register", "restrict", "return", "short",   "signed",
	    "sizeof",   "static",   "struct",   "switch", "typedef", "union",
	    "unsigned", "void",     "volatile", "while",  "_Bool",   NULL};
	for (size_t i = 0; words[i]; i++)
		if (strlen(words[i]) == n && memcmp(words[i], s, n) == 0)
			return 1;
	return 0;
}

/* Skips a comment, a preprocessor line, a string or a character literal starting at p;
 * returns the new position (p when nothing was skipped). Counts the lines it passes. */
static const char *skip_literal(const char *p, const char *end, unsigned *line, char quote)
{
	for (p++; p < end && *p != quote && *p != '\n'; p++)
		if (*p == '\\' && p + 1 < end)
			p++;
	(void)line;
	return p < end && *p == quote ? p + 1 : p;
}

static const char *skip_ignored(const char *p, const char *end, unsigned *line, int at_line_start)
{
	if (p + 1 < end && p[0] == '/' && p[1] == '/') {
		while (p < end && *p != '\n')
			p++;
	} else if (p + 1 < end && p[0] == '/' && p[1] == '*') {
		for (p += 2; p + 1 < end && !(p[0] == '*' && p[1] == '/'); p++)
			*line += *p == '\n';
		p = p + 2 <= end ? p + 2 : end;
	} else if (at_line_start && *p == '#') { /* includes and macros: shared boilerplate */
		for (; p < end && *p != '\n'; p++)
			if (*p == '\\' && p + 1 < end && p[1] == '\n') {
				p++;
				(*line)++;
			}
	}
	return p;
}

static size_t tokenize(const char *text, size_t len, struct token *out)
{
	const char *p = text, *end = text + len;
	unsigned line = 1;
	int line_start = 1;
	size_t n = 0;
	while (p < end) {
		if (*p == '\n') {
			line++;
			line_start = 1;
			p++;
			continue;
		}
		if (isspace((unsigned char)*p)) {
			p++;
			continue;
		}
		const char *after = skip_ignored(p, end, &line, line_start);
		line_start = 0;
		if (after != p) {
			p = after;
			continue;
		}
		const char *start = p;
		const char *norm;
		size_t norm_len;
		if (isalpha((unsigned char)*p) || *p == '_') {
			while (p < end && (isalnum((unsigned char)*p) || *p == '_'))
				p++;
			int kw = is_keyword(start, (size_t)(p - start));
			norm = kw ? start : "I";
			norm_len = kw ? (size_t)(p - start) : 1;
		} else if (isdigit((unsigned char)*p)) {
			while (p < end && (isalnum((unsigned char)*p) || *p == '.'))
				p++;
			norm = "N", norm_len = 1;
		} else if (*p == '"' || *p == '\'') {
			norm = *p == '"' ? "S" : "C", norm_len = 1;
			p = skip_literal(p, end, &line, *p);
		} else {
			norm = p++, norm_len = 1;
		}
		out[n++] = (struct token){fnv(norm, norm_len), line};
	}
	return n;
}

/* }=== */

/* {=== winnowing ===} */

static int by_hash(const void *a, const void *b)
{
	uint32_t x = ((const struct sim_print *)a)->hash, y = ((const struct sim_print *)b)->hash;
	return x < y ? -1 : x > y;
}

/* Keeps the rightmost minimum of each window of SIM_W k-gram hashes, once per position. */
static size_t winnow(const struct token *t, size_t n, struct sim_print *out)
{
	if (n < SIM_K)
		return 0;
	size_t grams = n - SIM_K + 1, kept = 0, last = (size_t)-1;
	uint32_t *h = malloc(grams * sizeof *h);
	if (h == NULL)
		return 0;
	for (size_t i = 0; i < grams; i++) {
		uint32_t x = 0;
		for (size_t j = 0; j < SIM_K; j++)
			x = x * 31u + t[i + j].hash;
		h[i] = x;
	}
	size_t w = grams < SIM_W ? grams : SIM_W;
	for (size_t start = 0; start + w <= grams; start++) {
		size_t min = start;
		for (size_t i = start; i < start + w; i++)
			if (h[i] <= h[min])
				min = i;
		if (min != last) {
			out[kept++] =
			    (struct sim_print){h[min], t[min].line, t[min + SIM_K - 1].line};
			last = min;
		}
	}
	free(h);
	return kept;
}

static size_t split_lines(char *copy, char ***lines)
{
	size_t n = 1;
	for (char *p = copy; *p; p++)
		n += *p == '\n';
	*lines = malloc(n * sizeof **lines);
	size_t k = 0;
	for (char *p = copy; *lines && p != NULL && k < n;) {
		(*lines)[k++] = p;
		p = strchr(p, '\n');
		if (p)
			*p++ = '\0';
	}
	return *lines ? k : 0;
}

int sim_doc_init(struct sim_doc *d, const char *name, const char *text, size_t len)
{
	memset(d, 0, sizeof *d);
	snprintf(d->name, sizeof d->name, "%s", name);
	struct token *t = malloc((len + 1) * sizeof *t);
	char *copy = malloc(len + 1);
	if (t == NULL || copy == NULL) {
		free(t);
		free(copy);
		return -1;
	}
	size_t n = tokenize(text, len, t);
	d->prints = malloc((n + 1) * sizeof *d->prints);
	if (d->prints != NULL)
		d->n = winnow(t, n, d->prints);
	free(t);
	qsort(d->prints, d->n, sizeof *d->prints, by_hash);
	memcpy(copy, text, len);
	copy[len] = '\0';
	d->n_lines = split_lines(copy, &d->lines);
	if (d->lines == NULL)
		free(copy);
	return d->prints && d->lines ? 0 : -1;
}

void sim_doc_free(struct sim_doc *d)
{
	if (d->lines != NULL)
		free(d->lines[0]);
	free(d->lines);
	free(d->prints);
	memset(d, 0, sizeof *d);
}

static int has_hash(const struct sim_doc *d, uint32_t h)
{
	struct sim_print key = {.hash = h};
	return bsearch(&key, d->prints, d->n, sizeof key, by_hash) != NULL;
}

void sim_doc_subtract(struct sim_doc *d, const struct sim_doc *base)
{
	size_t kept = 0;
	for (size_t i = 0; i < d->n; i++)
		if (!has_hash(base, d->prints[i].hash))
			d->prints[kept++] = d->prints[i];
	d->n = kept;
}

/* Distinct hashes shared by a and b (both sorted). */
static size_t shared(const struct sim_doc *a, const struct sim_doc *b)
{
	size_t i = 0, j = 0, n = 0;
	while (i < a->n && j < b->n) {
		uint32_t x = a->prints[i].hash, y = b->prints[j].hash;
		if (x == y)
			n++;
		i += x <= y;
		j += y <= x;
		while (x == y && i < a->n && a->prints[i].hash == x)
			i++;
		while (x == y && j < b->n && b->prints[j].hash == y)
			j++;
	}
	return n;
}

static size_t distinct(const struct sim_doc *d)
{
	size_t n = 0;
	for (size_t i = 0; i < d->n; i++)
		n += i == 0 || d->prints[i].hash != d->prints[i - 1].hash;
	return n;
}

double sim_score(const struct sim_doc *a, const struct sim_doc *b)
{
	size_t na = distinct(a), nb = distinct(b), min = na < nb ? na : nb;
	return min == 0 ? 0 : (double)shared(a, b) / (double)min;
}

/* }=== */

/* {=== the report ===} */

struct range {
	unsigned first, last;
};

struct pair {
	size_t a, b;
	double score;
};

static int by_score(const void *x, const void *y)
{
	double a = ((const struct pair *)x)->score, b = ((const struct pair *)y)->score;
	return a > b ? -1 : a < b;
}

static int by_first(const void *x, const void *y)
{
	unsigned a = ((const struct range *)x)->first, b = ((const struct range *)y)->first;
	return a < b ? -1 : a > b;
}

/* The lines of d covered by fingerprints that other has too, merged into ranges. */
static size_t matching_ranges(const struct sim_doc *d, const struct sim_doc *other,
                              struct range *out, size_t max)
{
	struct range *all = malloc((d->n + 1) * sizeof *all);
	size_t n = 0, merged = 0;
	for (size_t i = 0; all && i < d->n; i++)
		if (has_hash(other, d->prints[i].hash))
			all[n++] = (struct range){d->prints[i].first_line, d->prints[i].last_line};
	if (all == NULL)
		return 0;
	qsort(all, n, sizeof *all, by_first);
	for (size_t i = 0; i < n; i++) {
		if (merged > 0 && all[i].first <= out[merged - 1].last + 1) {
			if (all[i].last > out[merged - 1].last)
				out[merged - 1].last = all[i].last;
		} else if (merged < max) {
			out[merged++] = all[i];
		} else {
			break;
		}
	}
	free(all);
	return merged;
}

static void ranges_text(const struct range *r, size_t n, char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < n && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%u-%u", i ? " " : "",
		                         r[i].first, r[i].last);
}

static void show_lines(FILE *txt, const struct sim_doc *d, const struct range *r, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		fprintf(txt, "    %s, lines %u-%u:\n", d->name, r[i].first, r[i].last);
		for (unsigned l = r[i].first; l <= r[i].last && l <= d->n_lines; l++) {
			if (l - r[i].first == MAX_SHOWN_LINES) {
				fprintf(txt, "      ...\n");
				break;
			}
			fprintf(txt, "      %4u | %s\n", l, d->lines[l - 1]);
		}
	}
}

size_t sim_report(struct sim_doc *docs, size_t n, double threshold, FILE *txt, FILE *csv)
{
	struct pair *pairs = malloc((n * (n - 1) / 2 + 1) * sizeof *pairs);
	size_t np = 0;
	for (size_t i = 0; pairs && i < n; i++)
		for (size_t j = i + 1; j < n; j++) {
			double s = sim_score(&docs[i], &docs[j]);
			if (s >= threshold && shared(&docs[i], &docs[j]) >= SIM_MIN_SHARED)
				pairs[np++] = (struct pair){i, j, s};
		}
	if (pairs == NULL)
		return 0;
	qsort(pairs, np, sizeof *pairs, by_score);
	fprintf(txt,
	        "similarity: %zu submissions, %zu pairs at or above %.0f%% "
	        "(winnowing, k=%d tokens, w=%d, at least %d shared fingerprints; the skeleton's "
	        "code ignored)\n",
	        n, np, threshold * 100, SIM_K, SIM_W, SIM_MIN_SHARED);
	fputs("student_a,student_b,similarity,lines_a,lines_b\r\n", csv);
	for (size_t p = 0; p < np; p++) {
		const struct sim_doc *a = &docs[pairs[p].a], *b = &docs[pairs[p].b];
		struct range ra[MAX_RANGES], rb[MAX_RANGES];
		size_t na = matching_ranges(a, b, ra, MAX_RANGES);
		size_t nb = matching_ranges(b, a, rb, MAX_RANGES);
		char la[128], lb[128];
		ranges_text(ra, na, la, sizeof la);
		ranges_text(rb, nb, lb, sizeof lb);
		fprintf(txt, "\n%3.0f%%  %s  ~  %s   (lines %s ~ %s)\n", pairs[p].score * 100,
		        a->name, b->name, la, lb);
		show_lines(txt, a, ra, na);
		show_lines(txt, b, rb, nb);
		gradebook_csv_field(csv, a->name, 1);
		fputc(',', csv);
		gradebook_csv_field(csv, b->name, 1);
		fprintf(csv, ",%.3f,%s,%s\r\n", pairs[p].score, la, lb);
	}
	free(pairs);
	return np;
}

/* }=== */
