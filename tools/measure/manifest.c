/* manifest.c: reads a lesson's lesson.ini (schema version 1, DESIGN section 10.1) into struct
 * manifest, line by line, refusing anything it does not understand with one line that names the
 * file, the line and the key: the reader is a lesson author with the file open beside it. */
#include "manifest.h"
#include "metrics.h"
#include "text_file.h"
#include "whole_number.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FORMAT_VERSION    1
#define MAX_FILE_BYTES    (1 << 20) /* a manifest is a page of text; more is a mistake */
#define QUOTE_MAX         60        /* characters of a value quoted back in a message */
#define DEFAULT_TOLERANCE 1.05
#define DEFAULT_SEED      1
/* DESIGN section 10.1's default: a lesson that forgets the key still refuses a precomputed table */
#define DEFAULT_MAX_STATIC_BYTES 65536
#define MIN_ZERO_OVER_TOLERANCE  1.25
#define MAX_KEYS                 16

/* '%.*s%s' arguments quoting n bytes of s, cut to QUOTE_MAX with "..." so errors stay one line */
#define QS(s, n) (int)((n) > QUOTE_MAX ? QUOTE_MAX : (n)), (s), ((n) > QUOTE_MAX ? "..." : "")
#define QV(s)    QS((s), strlen(s))

enum section {
	SEC_NONE,
	SEC_LESSON,
	SEC_WORKLOAD,
	SEC_METRIC,
	SEC_CHECKS,
	SEC_BASELINES,
	SEC_BUDGETS,
	SEC_VARIANTS,
	SEC_COUNT
};

struct parser;

struct key_rule {
	const char *name;
	int (*set)(struct parser *p, const char *value);
};

struct parser {
	const char *name; /* the file, as messages show it */
	struct manifest *m;
	char *err;
	size_t errlen;
	int line;
	int version_seen;
	enum section sec;
	struct metric_spec *metric; /* the open [metric.NAME], when sec is SEC_METRIC */
	size_t metric_index;
	/* the line each key was first set on (0: never), to refuse duplicates and name lines */
	int key_line[SEC_COUNT][MAX_KEYS];
	int metric_key_line[MANIFEST_MAX_METRICS][MAX_KEYS];
	int section_line[SEC_COUNT];
	int metric_line[MANIFEST_MAX_METRICS];
	/* the key whose value is being collected: continuation lines may still follow */
	const struct key_rule *pending;
	int pending_line;
	/* [budgets] names its own keys: the rule of the one being read */
	struct key_rule budget_rule;
	char budget_key[64];
	char *value;
	size_t len, cap;
	/* manifest_value: the setting asked for (want_key NULL: none), and its value once read */
	enum section want_sec;
	char want_metric[64];
	const char *want_key;
	char *found;
	FILE *all; /* manifest_values: every setting, as SECTION.KEY=value lines */
};

/* {=== messages ===} */

#define PRINTF_LIKE(fmt, first) __attribute__((format(printf, fmt, first)))

static int vfail(struct parser *p, int line, const char *key, const char *fmt, va_list ap)
    PRINTF_LIKE(4, 0);
static int fail(struct parser *p, int line, const char *fmt, ...) PRINTF_LIKE(3, 4);
static int key_fail(struct parser *p, const char *fmt, ...) PRINTF_LIKE(2, 3);

static int vfail(struct parser *p, int line, const char *key, const char *fmt, va_list ap)
{
	size_t n;
	int w;

	if (!p->err || p->errlen == 0)
		return -1;
	if (line > 0)
		w = snprintf(p->err, p->errlen, "%s:%d: ", p->name, line);
	else
		w = snprintf(p->err, p->errlen, "%s: ", p->name);
	n = w > 0 ? (size_t)w : 0;
	if (key && n < p->errlen) {
		w = snprintf(p->err + n, p->errlen - n, "key '%s': ", key);
		n += w > 0 ? (size_t)w : 0;
	}
	if (n < p->errlen)
		vsnprintf(p->err + n, p->errlen - n, fmt, ap);
	return -1;
}

/* "PATH:LINE: message", or "PATH: message" when line is 0; returns -1 for `return fail(...)` */
static int fail(struct parser *p, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(p, line, NULL, fmt, ap);
	va_end(ap);
	return -1;
}

/* "PATH:LINE: key 'K': message" for the key whose value is being set */
static int key_fail(struct parser *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(p, p->pending_line, p->pending ? p->pending->name : NULL, fmt, ap);
	va_end(ap);
	return -1;
}

static const char *const section_names[SEC_COUNT] = {"",       "lesson",    "workload", "metric",
                                                     "checks", "baselines", "budgets",  "variants"};

/* "[lesson]", "[metric.instructions]", ... for messages */
static const char *section_label(enum section sec, const struct metric_spec *metric, char *buf,
                                 size_t size)
{
	if (sec == SEC_METRIC)
		snprintf(buf, size, "[metric.%s]", metric->name);
	else
		snprintf(buf, size, "[%s]", section_names[sec]);
	return buf;
}

/* }=== */

/* {=== values: numbers, enums, words ===} */

static int is_decimal(const char *s)
{
	int digits = 0;

	if (*s == '+' || *s == '-')
		s++;
	for (; isdigit((unsigned char)*s); s++)
		digits++;
	if (*s == '.')
		for (s++; isdigit((unsigned char)*s); s++)
			digits++;
	if (digits && (*s == 'e' || *s == 'E')) {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (!isdigit((unsigned char)*s))
			return 0;
		while (isdigit((unsigned char)*s))
			s++;
	}
	return digits && *s == '\0';
}

/* A decimal number such as 3, 0.5 or 2.9e7 (strtod alone would also take "inf" and hex). */
static int parse_decimal(struct parser *p, const char *v, double *out)
{
	if (!is_decimal(v))
		return key_fail(p, "not a number: '%.*s%s'", QV(v));
	*out = strtod(v, NULL);
	if (!isfinite(*out))
		return key_fail(p, "number out of range: '%.*s%s'", QV(v));
	return 0;
}

static int parse_unsigned(struct parser *p, const char *v, unsigned long long *out)
{
	int rc = parse_whole_number(v, out);
	if (rc == WHOLE_NUMBER_MALFORMED)
		return key_fail(p, "not an unsigned integer: '%.*s%s'", QV(v));
	if (rc == WHOLE_NUMBER_TOO_LARGE)
		return key_fail(p, "number out of range: '%.*s%s'", QV(v));
	return 0;
}

/* The index of v in choices ("a|b|c" is how the message spells them), or -1 after a message. */
static int parse_enum(struct parser *p, const char *v, const char *const *choices, size_t n)
{
	char list[128] = "";

	for (size_t i = 0; i < n; i++)
		if (strcmp(v, choices[i]) == 0)
			return (int)i;
	for (size_t i = 0; i < n; i++) {
		strncat(list, choices[i], sizeof(list) - strlen(list) - 2);
		if (i + 1 < n)
			strcat(list, "|");
	}
	return key_fail(p, "not one of %s: '%.*s%s'", list, QV(v));
}

static int copy_value(struct parser *p, const char *v, char *dst, size_t size)
{
	size_t n = strlen(v);

	if (n >= size)
		return key_fail(p, "too long (%zu bytes, limit %zu)", n, size - 1);
	memcpy(dst, v, n + 1);
	return 0;
}

/* The next word of a space-separated list (values may hold tabs too); NULL at the end. */
static const char *next_word(const char **cur, size_t *len)
{
	const char *s = *cur, *e;

	while (*s == ' ' || *s == '\t')
		s++;
	for (e = s; *e && *e != ' ' && *e != '\t'; e++)
		;
	*cur = e;
	*len = (size_t)(e - s);
	return *len ? s : NULL;
}

static int is_identifier(const char *s, size_t n)
{
	if (n == 0 || isdigit((unsigned char)s[0]))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_')
			return 0;
	return 1;
}

/* Appends word to a fixed table of names, refusing overflow and repeats. */
static int add_word(struct parser *p, char *table, size_t width, size_t max, size_t *count,
                    const char *word, size_t n)
{
	if (n >= width)
		return key_fail(p, "'%.*s%s' is too long (limit %zu characters)", QS(word, n),
		                width - 1);
	for (size_t i = 0; i < *count; i++)
		if (strlen(table + i * width) == n && memcmp(table + i * width, word, n) == 0)
			return key_fail(p, "'%.*s%s' is listed twice", QS(word, n));
	if (*count == max)
		return key_fail(p, "more than %zu entries", max);
	memcpy(table + *count * width, word, n);
	table[*count * width + n] = '\0';
	(*count)++;
	return 0;
}

/* }=== */

/* {=== [lesson] ===} */

static int set_format_version(struct parser *p, const char *v)
{
	unsigned long long version;

	if (parse_unsigned(p, v, &version) < 0)
		return -1;
	if (version != FORMAT_VERSION)
		return fail(p, p->pending_line,
		            "unsupported format_version %llu (this grader reads %d)", version,
		            FORMAT_VERSION);
	return 0;
}

static int set_id(struct parser *p, const char *v)
{
	if (strlen(v) != 2 || !isdigit((unsigned char)v[0]) || !isdigit((unsigned char)v[1]))
		return key_fail(p, "not two digits: '%.*s%s'", QV(v));
	memcpy(p->m->id, v, 3);
	return 0;
}

static int set_title(struct parser *p, const char *v)
{
	if (!*v)
		return key_fail(p, "empty value");
	return copy_value(p, v, p->m->title, sizeof(p->m->title));
}

/* The Thai title the student tools show when the course speaks Thai (tools/course_lang.sh);
 * optional: without it they show the English one. */
static int set_title_th(struct parser *p, const char *v)
{
	if (!*v)
		return key_fail(p, "empty value");
	return copy_value(p, v, p->m->title_th, sizeof(p->m->title_th));
}

/* A plain file name the Makefile and the intake can use as is: no folders, no shell-special
 * characters, a C or assembly source. */
static int is_plain_source(const char *s, size_t n)
{
	if (n < 3 || s[0] == '.' || s[0] == '-' || s[n - 2] != '.')
		return 0;
	if (s[n - 1] != 'c' && s[n - 1] != 'S')
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (!isalnum((unsigned char)s[i]) && !strchr("_.-", s[i]))
			return 0;
		if (s[i] == '.' && i + 1 < n && s[i + 1] == '.')
			return 0;
	}
	return 1;
}

static int set_student_files(struct parser *p, const char *v)
{
	struct manifest *m = p->m;
	const char *word;
	size_t n;

	while ((word = next_word(&v, &n))) {
		if (!is_plain_source(word, n))
			return key_fail(p, "'%.*s%s' is not a plain file name ending .c or .S",
			                QS(word, n));
		if (add_word(p, (char *)m->student_files, sizeof(m->student_files[0]),
		             MANIFEST_MAX_FILES, &m->n_student_files, word, n) < 0)
			return -1;
	}
	if (m->n_student_files == 0)
		return key_fail(p, "empty value");
	return 0;
}

static int set_skeleton_passes(struct parser *p, const char *v)
{
	static const char *const suites[] = {"correct", "task", "budget"};
	struct manifest *m = p->m;
	const char *word;
	char buf[32];
	size_t n;

	m->n_skeleton_passes = 0; /* replaces the default */
	while ((word = next_word(&v, &n))) {
		if (n >= sizeof(buf))
			return key_fail(p, "not one of correct|task|budget: '%.*s%s'", QS(word, n));
		memcpy(buf, word, n);
		buf[n] = '\0';
		if (parse_enum(p, buf, suites, 3) < 0 ||
		    add_word(p, (char *)m->skeleton_passes, sizeof(m->skeleton_passes[0]),
		             MANIFEST_MAX_SUITES, &m->n_skeleton_passes, word, n) < 0)
			return -1;
	}
	if (m->n_skeleton_passes == 0)
		return key_fail(p, "empty value");
	return 0;
}

static int set_partial_band(struct parser *p, const char *v)
{
	char words[2][64];
	const char *word, *cur = v;
	double *band = p->m->partial_band;
	size_t n, count = 0;

	for (; (word = next_word(&cur, &n)); count++) {
		if (count == 2 || n >= sizeof(words[0]))
			return key_fail(p, "expected two numbers LO HI: '%.*s%s'", QV(v));
		snprintf(words[count], sizeof(words[0]), "%.*s", (int)n, word);
	}
	if (count != 2)
		return key_fail(p, "expected two numbers LO HI: '%.*s%s'", QV(v));
	if (parse_decimal(p, words[0], &band[0]) < 0 || parse_decimal(p, words[1], &band[1]) < 0)
		return -1;
	if (band[0] < 0 || band[0] > band[1] || band[1] > 100)
		return key_fail(p, "need 0 <= LO <= HI <= 100: '%.*s%s'", QV(v));
	return 0;
}

/* }=== */

/* {=== [workload] ===} */

static int set_seed(struct parser *p, const char *v)
{
	return parse_unsigned(p, v, &p->m->seed);
}

static int set_args(struct parser *p, const char *v)
{
	return copy_value(p, v, p->m->args, sizeof(p->m->args));
}

/* draw_seed = yes: the local grade (no --seed) measures on a seed it draws, so a submission
 * cannot recognise the graded workload and paste its answers; the tests keep seed. */
static int set_draw_seed(struct parser *p, const char *v)
{
	static const char *const answers[] = {"no", "yes"};
	int i = parse_enum(p, v, answers, 2);

	if (i < 0)
		return -1;
	p->m->draw_seed = i;
	return 0;
}

static int set_native_args(struct parser *p, const char *v)
{
	return copy_value(p, v, p->m->native_args, sizeof(p->m->native_args));
}

static int set_time_limit(struct parser *p, const char *v)
{
	if (parse_decimal(p, v, &p->m->time_limit) < 0)
		return -1;
	if (!(p->m->time_limit > 0))
		return key_fail(p, "must be > 0 seconds: '%.*s%s'", QV(v));
	return 0;
}

static int set_massif_pages_as_heap(struct parser *p, const char *v)
{
	static const char *const answers[] = {"no", "yes"};
	int i = parse_enum(p, v, answers, 2);

	if (i < 0)
		return -1;
	p->m->massif_pages_as_heap = i;
	return 0;
}

/* }=== */

/* {=== [metric.NAME] ===} */

static int set_kind(struct parser *p, const char *v)
{
	static const char *const kinds[] = {"scored", "cap", "report"};
	static const enum metric_kind values[] = {METRIC_SCORED, METRIC_CAP, METRIC_REPORT};
	int i = parse_enum(p, v, kinds, 3);

	if (i < 0)
		return -1;
	p->metric->kind = values[i];
	return 0;
}

static int set_direction(struct parser *p, const char *v)
{
	static const char *const directions[] = {"lower", "higher"};
	int i = parse_enum(p, v, directions, 2);

	if (i < 0)
		return -1;
	p->metric->direction = i == 0 ? DIRECTION_LOWER : DIRECTION_HIGHER;
	return 0;
}

/* A number with a lower bound: strict (> min) or not (>= min). */
static int set_bounded(struct parser *p, const char *v, double *out, double min, int strict)
{
	if (parse_decimal(p, v, out) < 0)
		return -1;
	if (strict ? !(*out > min) : !(*out >= min))
		return key_fail(p, "must be %s %g: '%.*s%s'", strict ? ">" : ">=", min, QV(v));
	return 0;
}

static int set_weight(struct parser *p, const char *v)
{
	return set_bounded(p, v, &p->metric->weight, 0, 1);
}

static int set_zero_point(struct parser *p, const char *v)
{
	/* checked against 1.25 x tolerance once the section is complete */
	return set_bounded(p, v, &p->metric->zero_point, 0, 1);
}

static int set_tolerance(struct parser *p, const char *v)
{
	return set_bounded(p, v, &p->metric->tolerance, 1, 0);
}

static int set_budget(struct parser *p, const char *v)
{
	p->metric->has_budget = 1;
	return set_bounded(p, v, &p->metric->budget, 0, 0);
}

/* [budgets] NAME = N: a budget only the lesson's tests measure (no grader metric owns it) */
static int set_test_budget(struct parser *p, const char *v)
{
	struct manifest_budget *b = &p->m->budgets[p->m->n_budgets];
	if (set_bounded(p, v, &b->value, 0, 0) < 0)
		return -1;
	snprintf(b->name, sizeof b->name, "%s", p->budget_key);
	p->m->n_budgets++;
	return 0;
}

static int set_limit_ratio(struct parser *p, const char *v)
{
	return set_bounded(p, v, &p->metric->limit_ratio, 0, 1);
}

static int set_cap_points(struct parser *p, const char *v)
{
	if (set_bounded(p, v, &p->metric->cap_points, 0, 0) < 0)
		return -1;
	if (p->metric->cap_points > 100)
		return key_fail(p, "must be <= 100: '%.*s%s'", QV(v));
	return 0;
}

static int set_batch(struct parser *p, const char *v)
{
	static const char *const modes[] = {"scored", "report"};
	int i;

	/* only wall time is too noisy to score when a batch runs jobs side by side */
	if (!metric_def(p->metric->name)->batch_mode)
		return key_fail(p, "only wall_ratio has a batch mode, not '%s'", p->metric->name);
	if ((i = parse_enum(p, v, modes, 2)) < 0)
		return -1;
	p->metric->batch_scored = i == 0;
	return 0;
}

/* gc_share measures one function; a calls.* metric may count a family, names separated by
 * single spaces (vg_metric_value sums them). */

/* measure = cpu_time: a single-threaded lesson's wall_ratio compares the region's CPU time,
 * which a busy machine barely moves (wall.h); wall_time, the default, sees threads scale. */
static int set_measure(struct parser *p, const char *v)
{
	static const char *const modes[] = {"wall_time", "cpu_time"};
	int i;

	if (!metric_def(p->metric->name)->measure_mode)
		return key_fail(p, "only wall_ratio has a measure, not '%s'", p->metric->name);
	if ((i = parse_enum(p, v, modes, 2)) < 0)
		return -1;
	p->metric->cpu_time = i == 1;
	return 0;
}

static int set_function(struct parser *p, const char *v)
{
	int family = metric_def(p->metric->name)->function_family;
	for (const char *w = v; family || w == v;) {
		size_t n = family ? strcspn(w, " ") : strlen(w);
		if (!is_identifier(w, n))
			return key_fail(p, "not a C identifier: '%.*s%s'", QV(v));
		if (w[n] == '\0')
			break;
		w += n + 1;
	}
	return copy_value(p, v, p->metric->function, sizeof(p->metric->function));
}

/* }=== */

/* {=== [checks] ===} */

/* Stored with single spaces, so continuation lines read as one list. */
static int set_allow_symbols(struct parser *p, const char *v)
{
	char *out = p->m->allow_symbols;
	size_t size = sizeof(p->m->allow_symbols), used = 0, n;
	const char *word, *cur = v;

	while ((word = next_word(&cur, &n))) {
		if (!is_identifier(word, n))
			return key_fail(p, "not a C identifier: '%.*s%s'", QS(word, n));
		if (used + (used > 0) + n >= size)
			return key_fail(p, "too long (limit %zu bytes)", size - 1);
		if (used > 0)
			out[used++] = ' ';
		memcpy(out + used, word, n);
		used += n;
	}
	out[used] = '\0';
	return 0;
}

static int set_allow_asm(struct parser *p, const char *v)
{
	static const char *const answers[] = {"no", "yes"};
	int i = parse_enum(p, v, answers, 2);

	if (i < 0)
		return -1;
	p->m->allow_asm = i;
	return 0;
}

static int set_max_static_bytes(struct parser *p, const char *v)
{
	unsigned long long n;

	if (parse_unsigned(p, v, &n) < 0)
		return -1;
	if (n > ULONG_MAX)
		return key_fail(p, "number out of range: '%.*s%s'", QV(v));
	p->m->max_static_bytes = (unsigned long)n;
	return 0;
}

/* {=== [baselines]: what `make baselines` links and installs ===} */

/* A space-separated list of words, each of the characters allowed in a linker flag or a
 * package name (never a shell metacharacter: the Makefile passes them on a command line). */
static int set_word_list(struct parser *p, const char *v, char *out, size_t size)
{
	size_t n;
	const char *word, *cur = v;
	for (const char *c = v; *c; c++)
		if (!isalnum((unsigned char)*c) && !strchr(" \t-_.+=,:/", *c))
			return key_fail(p, "character '%c' is not allowed here", *c);
	out[0] = '\0';
	while ((word = next_word(&cur, &n))) {
		size_t used = strlen(out);
		if (used + 1 + n >= size)
			return key_fail(p, "too long (limit %zu bytes)", size - 1);
		snprintf(out + used, size - used, "%s%.*s", used ? " " : "", (int)n, word);
	}
	return 0;
}

static int set_baseline_libs(struct parser *p, const char *v)
{
	return set_word_list(p, v, p->m->baseline_libs, sizeof(p->m->baseline_libs));
}

static int set_baseline_packages(struct parser *p, const char *v)
{
	return set_word_list(p, v, p->m->baseline_packages, sizeof(p->m->baseline_packages));
}

/* {=== [variants]: the course's own solution variants (tools/variant.sh) ===} */

/* Each word names a folder of patches under solutions/NN-slug/ ("partial", "steps/1-read"):
 * a path of letters, digits, '-', '_' and '/', never leaving that folder. */
static int set_variant_list(struct parser *p, const char *v, char *out, size_t size)
{
	for (const char *c = v; *c; c++)
		if (!isalnum((unsigned char)*c) && !strchr(" \t-_/", *c))
			return key_fail(p, "character '%c' is not allowed in a variant name", *c);
	if (strstr(v, "..") != NULL || v[0] == '/' || strstr(v, " /") != NULL)
		return key_fail(p, "a variant is a folder under solutions/NN-slug/");
	return set_word_list(p, v, out, size);
}

static int set_variant_partial(struct parser *p, const char *v)
{
	return set_variant_list(p, v, p->m->variant_partial, sizeof(p->m->variant_partial));
}

static int set_variant_racy(struct parser *p, const char *v)
{
	return set_variant_list(p, v, p->m->variant_racy, sizeof(p->m->variant_racy));
}

static int set_variant_steps(struct parser *p, const char *v)
{
	return set_variant_list(p, v, p->m->variant_steps, sizeof(p->m->variant_steps));
}

/* }=== */

/* {=== the schema: keys per section, their order fixes their index in key_line ===} */

enum { K_ID, K_TITLE, K_STUDENT_FILES, K_SKELETON_PASSES, K_PARTIAL_BAND, K_TITLE_TH };
enum { K_SEED, K_ARGS, K_TIME_LIMIT, K_MASSIF_PAGES_AS_HEAP, K_NATIVE_ARGS, K_DRAW_SEED };
enum {
	K_KIND,
	K_DIRECTION,
	K_WEIGHT,
	K_ZERO_POINT,
	K_TOLERANCE,
	K_BUDGET,
	K_LIMIT_RATIO,
	K_CAP_POINTS,
	K_BATCH,
	K_FUNCTION,
	K_MEASURE
};

static const struct key_rule top_keys[] = {{"format_version", set_format_version}, {NULL, NULL}};

static const struct key_rule lesson_keys[] = {
    [K_ID] = {"id", set_id},
    [K_TITLE] = {"title", set_title},
    [K_STUDENT_FILES] = {"student_files", set_student_files},
    [K_SKELETON_PASSES] = {"skeleton_passes", set_skeleton_passes},
    [K_PARTIAL_BAND] = {"partial_band", set_partial_band},
    [K_TITLE_TH] = {"title_th", set_title_th},
    {NULL, NULL},
};

static const struct key_rule workload_keys[] = {
    [K_SEED] = {"seed", set_seed},
    [K_ARGS] = {"args", set_args},
    [K_TIME_LIMIT] = {"time_limit", set_time_limit},
    [K_MASSIF_PAGES_AS_HEAP] = {"massif_pages_as_heap", set_massif_pages_as_heap},
    [K_NATIVE_ARGS] = {"native_args", set_native_args},
    [K_DRAW_SEED] = {"draw_seed", set_draw_seed},
    {NULL, NULL},
};

static const struct key_rule metric_keys[] = {
    [K_KIND] = {"kind", set_kind},
    [K_DIRECTION] = {"direction", set_direction},
    [K_WEIGHT] = {"weight", set_weight},
    [K_ZERO_POINT] = {"zero_point", set_zero_point},
    [K_TOLERANCE] = {"tolerance", set_tolerance},
    [K_BUDGET] = {"budget", set_budget},
    [K_LIMIT_RATIO] = {"limit_ratio", set_limit_ratio},
    [K_CAP_POINTS] = {"cap_points", set_cap_points},
    [K_BATCH] = {"batch", set_batch},
    [K_FUNCTION] = {"function", set_function},
    [K_MEASURE] = {"measure", set_measure},
    {NULL, NULL},
};

static const struct key_rule checks_keys[] = {
    {"allow_symbols", set_allow_symbols},
    {"allow_asm", set_allow_asm},
    {"max_static_bytes", set_max_static_bytes},
    {NULL, NULL},
};

static const struct key_rule baselines_keys[] = {
    {"libs", set_baseline_libs},
    {"packages", set_baseline_packages},
    {NULL, NULL},
};

static const struct key_rule no_keys[] = {{NULL, NULL}}; /* [budgets]: parse_budget_key */

static const struct key_rule variants_keys[] = {
    {"partial", set_variant_partial},
    {"racy", set_variant_racy},
    {"steps", set_variant_steps},
    {NULL, NULL},
};

static const struct key_rule *const section_keys[SEC_COUNT] = {
    top_keys,    lesson_keys,    workload_keys, metric_keys,
    checks_keys, baselines_keys, no_keys,       variants_keys,
};

/* A metric of the catalogue (metrics.c); a family's member is an identifier after the dot. */
static int in_catalogue(const char *s, size_t n)
{
	const struct metric_def *d = metric_def_n(s, n);
	size_t prefix = d && d->family_arg ? strlen(d->name) : 0;
	return d != NULL && (prefix == 0 || is_identifier(s + prefix, n - prefix));
}

/* The line each key of the open section was first set on. */
static int *key_lines(struct parser *p)
{
	if (p->sec == SEC_METRIC)
		return p->metric_key_line[p->metric_index];
	return p->key_line[p->sec];
}

/* }=== */

/* {=== lines ===} */

/* Collects a value; continuation lines join it with one space. */
static int append_value(struct parser *p, const char *s, size_t n)
{
	int sep = p->len > 0 && n > 0;
	size_t need = p->len + sep + n + 1;

	if (need > p->cap) {
		size_t cap = need > 2 * p->cap ? need : 2 * p->cap;
		char *grown = realloc(p->value, cap);

		if (!grown)
			return fail(p, p->line, "out of memory");
		p->value = grown;
		p->cap = cap;
	}
	if (sep)
		p->value[p->len++] = ' ';
	memcpy(p->value + p->len, s, n);
	p->len += n;
	p->value[p->len] = '\0';
	return 0;
}

/* Whether the value being finished is the one manifest_value asked for. */
static int is_wanted(const struct parser *p)
{
	return p->sec == p->want_sec && strcmp(p->pending->name, p->want_key) == 0 &&
	       (p->sec != SEC_METRIC || strcmp(p->metric->name, p->want_metric) == 0);
}

/* Hands the collected value to its key's setter; called when no continuation can follow. */
static int finish_key(struct parser *p)
{
	int rc;

	if (!p->pending)
		return 0;
	if (append_value(p, "", 0) < 0) /* makes sure an empty value is a string too */
		return -1;
	if (p->want_key && is_wanted(p) && !(p->found = strdup(p->value)))
		return fail(p, p->line, "out of memory");
	if (p->all)
		fprintf(p->all, "%s%s%s%s%s=%s\n", section_names[p->sec],
		        p->sec == SEC_METRIC ? "." : "",
		        p->sec == SEC_METRIC ? p->metric->name : "", p->sec == SEC_NONE ? "" : ".",
		        p->pending->name, p->value);
	rc = p->pending->set(p, p->value);
	p->pending = NULL;
	p->len = 0;
	return rc;
}

static int version_first(struct parser *p)
{
	return fail(p, p->line, "the first setting must be 'format_version = %d'", FORMAT_VERSION);
}

static int open_metric(struct parser *p, const char *name, size_t n)
{
	struct metric_spec *spec;

	if (!in_catalogue(name, n)) {
		char known[512];
		metric_catalogue_list(known, sizeof(known));
		return fail(p, p->line, "unknown metric '%.*s%s' in [metric.NAME] (known: %s)",
		            QS(name, n), known);
	}
	if (n >= sizeof(spec->name))
		return fail(p, p->line, "metric name too long (limit %zu characters): '%.*s%s'",
		            sizeof(spec->name) - 1, QS(name, n));
	for (size_t i = 0; i < p->m->n_metrics; i++)
		if (strlen(p->m->metrics[i].name) == n && !memcmp(p->m->metrics[i].name, name, n))
			return fail(p, p->line,
			            "duplicate section [metric.%.*s] (first on line %d)", (int)n,
			            name, p->metric_line[i]);
	if (p->m->n_metrics == MANIFEST_MAX_METRICS)
		return fail(p, p->line, "too many metrics (limit %d)", MANIFEST_MAX_METRICS);
	p->metric_index = p->m->n_metrics++;
	p->metric_line[p->metric_index] = p->line;
	spec = p->metric = &p->m->metrics[p->metric_index];
	memcpy(spec->name, name, n);
	spec->name[n] = '\0';
	spec->kind = METRIC_REPORT;
	spec->direction = DIRECTION_LOWER;
	spec->tolerance = DEFAULT_TOLERANCE;
	p->sec = SEC_METRIC;
	return 0;
}

/* "[name]" with s..end already trimmed and comment-free. */
static int parse_section(struct parser *p, const char *s, const char *end)
{
	const char *close = memchr(s, ']', (size_t)(end - s));
	const char *name = s + 1;

	if (!p->version_seen)
		return version_first(p);
	if (!close)
		return fail(p, p->line, "unterminated '[': '%.*s%s'", QS(s, (size_t)(end - s)));
	if (close + 1 != end)
		return fail(p, p->line, "unexpected text after ']': '%.*s%s'",
		            QS(close + 1, (size_t)(end - close - 1)));
	while (name < close && isspace((unsigned char)*name))
		name++;
	while (close > name && isspace((unsigned char)close[-1]))
		close--;
	if (close - name >= 7 && memcmp(name, "metric.", 7) == 0)
		return open_metric(p, name + 7, (size_t)(close - name - 7));
	for (int sec = 0; sec < SEC_COUNT; sec++) {
		if (sec == SEC_NONE || sec == SEC_METRIC ||
		    strlen(section_names[sec]) != (size_t)(close - name) ||
		    memcmp(section_names[sec], name, (size_t)(close - name)) != 0)
			continue;
		if (p->section_line[sec])
			return fail(p, p->line, "duplicate section [%s] (first on line %d)",
			            section_names[sec], p->section_line[sec]);
		p->section_line[sec] = p->line;
		p->sec = (enum section)sec;
		return 0;
	}
	return fail(p, p->line, "unknown section [%.*s%s]", QS(name, (size_t)(close - name)));
}

static const struct key_rule *find_key(enum section sec, const char *key, size_t n, int *index)
{
	const struct key_rule *rules = section_keys[sec];

	for (int i = 0; rules[i].name; i++)
		if (strlen(rules[i].name) == n && memcmp(rules[i].name, key, n) == 0) {
			*index = i;
			return &rules[i];
		}
	return NULL;
}

static int unknown_key(struct parser *p, const char *key, size_t n)
{
	char label[96];

	if (p->sec == SEC_NONE)
		return fail(p, p->line, "unknown key '%.*s%s' before any [section]", QS(key, n));
	return fail(p, p->line, "unknown key '%.*s%s' in %s", QS(key, n),
	            section_label(p->sec, p->metric, label, sizeof(label)));
}

/* "NAME = N" in [budgets]: NAME is any identifier, once; N is read by set_test_budget. */
static int parse_budget_key(struct parser *p, const char *key, size_t n, const char *v,
                            const char *end)
{
	if (!is_identifier(key, n) || n >= sizeof p->budget_key)
		return fail(p, p->line,
		            "budget name must be an identifier of at most %zu characters: "
		            "'%.*s%s'",
		            sizeof p->budget_key - 1, QS(key, n));
	for (size_t i = 0; i < p->m->n_budgets; i++)
		if (strlen(p->m->budgets[i].name) == n && !memcmp(p->m->budgets[i].name, key, n))
			return fail(p, p->line, "duplicate key '%s' in [budgets]",
			            p->m->budgets[i].name);
	if (p->m->n_budgets == MANIFEST_MAX_BUDGETS)
		return fail(p, p->line, "more than %d keys in [budgets]", MANIFEST_MAX_BUDGETS);
	memcpy(p->budget_key, key, n);
	p->budget_key[n] = '\0';
	p->budget_rule = (struct key_rule){p->budget_key, set_test_budget};
	p->pending = &p->budget_rule;
	p->pending_line = p->line;
	while (v < end && isspace((unsigned char)*v))
		v++;
	return append_value(p, v, (size_t)(end - v));
}

/* "key = value" with s..end already trimmed and comment-free; the value is collected until no
 * continuation line can follow. */
static int parse_key(struct parser *p, const char *s, const char *end)
{
	const char *eq = memchr(s, '=', (size_t)(end - s));
	const char *k_end = eq ? eq : end, *v = eq ? eq + 1 : end;
	const struct key_rule *rule;
	char label[96];
	int index, *lines;

	while (k_end > s && isspace((unsigned char)k_end[-1]))
		k_end--;
	if (!p->version_seen && ((size_t)(k_end - s) != 14 || memcmp(s, "format_version", 14)))
		return version_first(p);
	if (!eq)
		return fail(p, p->line, "missing '=' in '%.*s%s'", QS(s, (size_t)(end - s)));
	if (k_end == s)
		return fail(p, p->line, "missing key name before '='");
	if (p->sec == SEC_BUDGETS)
		return parse_budget_key(p, s, (size_t)(k_end - s), v, end);
	if (!(rule = find_key(p->sec, s, (size_t)(k_end - s), &index)))
		return unknown_key(p, s, (size_t)(k_end - s));
	lines = key_lines(p);
	if (lines[index])
		return fail(p, p->line, "duplicate key '%s' in %s (first on line %d)", rule->name,
		            p->sec == SEC_NONE
		                ? "the preamble"
		                : section_label(p->sec, p->metric, label, sizeof(label)),
		            lines[index]);
	lines[index] = p->line;
	p->version_seen = 1;
	p->pending = rule;
	p->pending_line = p->line;
	while (v < end && isspace((unsigned char)*v))
		v++;
	return append_value(p, v, (size_t)(end - v));
}

/* Length of the line before its comment: ';' or '#' at the start or after whitespace (so
 * "C#" or "a;b" inside a value survive). */
static size_t strip_comment(const char *s, size_t n, int *had_comment)
{
	for (size_t i = 0; i < n; i++)
		if ((s[i] == ';' || s[i] == '#') && (i == 0 || isspace((unsigned char)s[i - 1]))) {
			*had_comment = 1;
			return i;
		}
	*had_comment = 0;
	return n;
}

static int parse_line(struct parser *p, const char *s, size_t n)
{
	int indented = n > 0 && (s[0] == ' ' || s[0] == '\t'), comment;
	const char *end;

	if (n > 0 && s[n - 1] == '\r')
		n--;
	end = s + strip_comment(s, n, &comment);
	while (s < end && isspace((unsigned char)*s))
		s++;
	while (end > s && isspace((unsigned char)end[-1]))
		end--;
	if (s == end)
		/* a comment line, even indented under a value, keeps the value open; a blank
		 * line ends it */
		return comment ? 0 : finish_key(p);
	if (indented && p->pending && *s != '[')
		return append_value(p, s, (size_t)(end - s));
	if (finish_key(p) < 0)
		return -1;
	return *s == '[' ? parse_section(p, s, end) : parse_key(p, s, end);
}

/* }=== */

/* {=== after the last line: required keys and rules that span keys ===} */

static int require(struct parser *p, const int *lines, int index, const char *key,
                   const char *section, const char *why)
{
	if (lines[index])
		return 0;
	return fail(p, 0, "missing key '%s' in %s%s", key, section, why);
}

/* The folder lesson.ini lives in, by name; "." and ".." are resolved. Returns 0 or -1. */
static int folder_name(const char *path, char *out, size_t size)
{
	const char *slash = strrchr(path, '/');
	char dir[PATH_MAX], *base, *real;
	size_t n = slash ? (size_t)(slash - path) : 1;

	if (n >= sizeof(dir))
		return -1;
	memcpy(dir, slash ? path : ".", n);
	dir[n] = '\0';
	while (n > 1 && dir[n - 1] == '/')
		dir[--n] = '\0';
	base = strrchr(dir, '/') ? strrchr(dir, '/') + 1 : dir;
	if (strcmp(base, ".") && strcmp(base, "..") && *base)
		return snprintf(out, size, "%s", base) < (int)size ? 0 : -1;
	if (!(real = realpath(*dir ? dir : "/", NULL)))
		return -1;
	base = strrchr(real, '/') ? strrchr(real, '/') + 1 : real;
	n = (size_t)snprintf(out, size, "%s", base);
	free(real);
	return n < size ? 0 : -1;
}

/* The lesson's id must be the NN of an "NN-slug" folder, so a copied lesson.ini is caught. */
static int check_folder(struct parser *p)
{
	char folder[256];

	if (folder_name(p->name, folder, sizeof(folder)) < 0)
		return 0;
	if (!isdigit((unsigned char)folder[0]) || !isdigit((unsigned char)folder[1]) ||
	    folder[2] != '-')
		return 0;
	if (memcmp(folder, p->m->id, 2) != 0)
		return fail(p, p->key_line[SEC_LESSON][K_ID],
		            "key 'id': '%s' does not match the folder '%s'", p->m->id, folder);
	return 0;
}

static int check_metric(struct parser *p, size_t i)
{
	const struct metric_spec *spec = &p->m->metrics[i];
	const int *lines = p->metric_key_line[i];
	char label[96];
	double lowest = MIN_ZERO_OVER_TOLERANCE * spec->tolerance;

	section_label(SEC_METRIC, spec, label, sizeof(label));
	if (require(p, lines, K_KIND, "kind", label, ""))
		return -1;
	if (spec->kind == METRIC_SCORED &&
	    (require(p, lines, K_WEIGHT, "weight", label, " (required for kind = scored)") ||
	     require(p, lines, K_ZERO_POINT, "zero_point", label, " (required for kind = scored)")))
		return -1;
	if (spec->kind == METRIC_CAP &&
	    (require(p, lines, K_LIMIT_RATIO, "limit_ratio", label, " (required for kind = cap)") ||
	     require(p, lines, K_CAP_POINTS, "cap_points", label, " (required for kind = cap)")))
		return -1;
	const struct metric_def *def = metric_def(spec->name);
	char why[96];
	snprintf(why, sizeof(why), " (%s measures a function)", spec->name);
	if (def->needs_function && require(p, lines, K_FUNCTION, "function", label, why))
		return -1;
	if (def->report_only && spec->kind != METRIC_REPORT)
		return fail(p, lines[K_KIND],
		            "key 'kind': %s can only be reported (they vary 6x from run to run)",
		            spec->name);
	/* a relative margin, so that Z written as exactly 1.25 x t passes despite rounding */
	if (lines[K_ZERO_POINT] && spec->zero_point < lowest * (1 - 1e-12))
		return fail(p, lines[K_ZERO_POINT],
		            "key 'zero_point': %g is below 1.25 x tolerance (1.25 x %g = %g): the "
		            "curve would be too steep to grade",
		            spec->zero_point, spec->tolerance, lowest);
	if (lines[K_BATCH] && spec->batch_scored && spec->kind == METRIC_REPORT)
		return fail(p, lines[K_BATCH], "key 'batch': 'scored' needs kind = scored or cap");
	return 0;
}

static int validate(struct parser *p, int check_id_folder)
{
	const int *lesson = p->key_line[SEC_LESSON], *workload = p->key_line[SEC_WORKLOAD];
	size_t scored = 0;

	if (!p->version_seen)
		return fail(p, 0, "empty: the first setting must be 'format_version = %d'",
		            FORMAT_VERSION);
	if (require(p, lesson, K_ID, "id", "[lesson]", "") ||
	    require(p, lesson, K_TITLE, "title", "[lesson]", "") ||
	    require(p, lesson, K_STUDENT_FILES, "student_files", "[lesson]", "") ||
	    require(p, workload, K_ARGS, "args", "[workload]", "") ||
	    require(p, workload, K_TIME_LIMIT, "time_limit", "[workload]", ""))
		return -1;
	if (check_id_folder && check_folder(p) < 0)
		return -1;
	/* the native runs take the Valgrind workload unless the lesson gives them a larger one */
	if (!workload[K_NATIVE_ARGS])
		memcpy(p->m->native_args, p->m->args, sizeof(p->m->native_args));
	for (size_t i = 0; i < p->m->n_metrics; i++) {
		struct metric_spec *spec = &p->m->metrics[i];

		if (check_metric(p, i) < 0)
			return -1;
		/* without a batch key a metric acts in a batch as it does alone */
		if (!p->metric_key_line[i][K_BATCH])
			spec->batch_scored = spec->kind != METRIC_REPORT;
		scored += spec->kind == METRIC_SCORED;
	}
	if (scored == 0)
		return fail(p, 0,
		            "no scored metric: at least one [metric.NAME] needs kind = scored");
	return 0;
}

/* }=== */

static void set_defaults(struct manifest *m)
{
	memset(m, 0, sizeof(*m));
	strcpy(m->skeleton_passes[0], "correct");
	m->n_skeleton_passes = 1;
	m->partial_band[1] = 100;
	m->seed = DEFAULT_SEED;
	m->max_static_bytes = DEFAULT_MAX_STATIC_BYTES;
}

static int parse_all(struct parser *p, const char *text, int check_id_folder)
{
	const char *s = text, *nl;

	if (strlen(p->name) >= sizeof(p->m->path))
		return fail(p, 0, "path too long (limit %zu bytes)", sizeof(p->m->path) - 1);
	strcpy(p->m->path, p->name);
	if (!strncmp(s, "\xef\xbb\xbf", 3)) /* an editor's byte-order mark */
		s += 3;
	for (; *s; s = nl + 1) {
		nl = strchr(s, '\n');
		p->line++;
		if (parse_line(p, s, nl ? (size_t)(nl - s) : strlen(s)) < 0)
			return -1;
		if (!nl)
			break;
	}
	if (finish_key(p) < 0)
		return -1;
	return validate(p, check_id_folder);
}

/* p: zeroed, or prepared by manifest_value */
static int parse(struct parser *p, const char *name, const char *text, struct manifest *m,
                 char *err, size_t errlen, int check_id_folder)
{
	int rc;

	p->name = name ? name : "lesson.ini";
	p->m = m;
	p->err = err;
	p->errlen = errlen;
	set_defaults(m);
	rc = parse_all(p, text, check_id_folder);
	free(p->value);
	return rc;
}

int manifest_parse(const char *name, const char *text, struct manifest *m, char *err, size_t errlen)
{
	struct parser p = {0};

	return parse(&p, name, text, m, err, errlen, 0);
}

int manifest_load(const char *path, struct manifest *m, char *err, size_t errlen)
{
	char scratch[1];
	char *text;
	int rc;

	if (!err || errlen == 0) {
		err = scratch;
		errlen = sizeof(scratch);
	}
	if (!(text = text_file_read(path, MAX_FILE_BYTES, 1, 1, err, errlen))) {
		set_defaults(m);
		return -1;
	}
	struct parser p = {0};
	rc = parse(&p, path, text, m, err, errlen, 1);
	free(text);
	return rc;
}

/* "SECTION.KEY" into p's want_ fields; -1 with the message when lesson.ini has no such key. */
static int want(struct parser *p, const char *key)
{
	const char *dot = strrchr(key, '.'), *name = dot ? dot + 1 : key;
	size_t n = dot ? (size_t)(dot - key) : 0;
	int index, known = 0;

	p->want_key = name;
	if (n > 7 && memcmp(key, "metric.", 7) == 0) {
		p->want_sec = SEC_METRIC;
		known = in_catalogue(key + 7, n - 7) && n - 7 < sizeof p->want_metric &&
		        find_key(SEC_METRIC, name, strlen(name), &index);
		if (known)
			memcpy(p->want_metric, key + 7, n - 7);
	}
	for (int sec = 0; !known && sec < SEC_COUNT; sec++) {
		if (sec == SEC_METRIC || strlen(section_names[sec]) != n ||
		    memcmp(section_names[sec], key, n) != 0)
			continue;
		p->want_sec = (enum section)sec;
		known = sec == SEC_BUDGETS ? is_identifier(name, strlen(name))
		                           : find_key(sec, name, strlen(name), &index) != NULL;
	}
	if (!known)
		return fail(p, 0,
		            "unknown key '%s': lesson.ini has no such setting (SECTION.KEY, "
		            "such as lesson.title, workload.args, metric.instructions.budget)",
		            key);
	return 0;
}

/* manifest_load with a parser that manifest_value or manifest_values prepared. */
static int load_with(struct parser *p, const char *path, char *err, size_t errlen)
{
	struct manifest *m = malloc(sizeof *m);
	char *text = NULL;
	int rc = -1;

	if (!m)
		snprintf(err, errlen, "%s: out of memory", path);
	else if ((text = text_file_read(path, MAX_FILE_BYTES, 1, 1, err, errlen)))
		rc = parse(p, path, text, m, err, errlen, 1);
	free(text);
	free(m);
	return rc;
}

int manifest_value(const char *path, const char *key, char **value, char *err, size_t errlen)
{
	struct parser p = {.name = path, .err = err, .errlen = errlen};

	*value = NULL;
	if (want(&p, key) < 0 || load_with(&p, path, err, errlen) < 0) {
		free(p.found);
		return -1;
	}
	*value = p.found;
	return p.found != NULL;
}

int manifest_values(const char *path, FILE *out, char *err, size_t errlen)
{
	struct parser p = {0};
	char *text = NULL;
	size_t len = 0;
	int rc;

	if (!(p.all = open_memstream(&text, &len))) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	rc = load_with(&p, path, err, errlen);
	if (fclose(p.all) != 0 && rc == 0) {
		snprintf(err, errlen, "%s: out of memory", path);
		rc = -1;
	}
	if (rc == 0 && fwrite(text, 1, len, out) != len) {
		snprintf(err, errlen, "%s: cannot write its settings: %s", path, strerror(errno));
		rc = -1;
	}
	free(text);
	return rc;
}

int manifest_test_budget(const struct manifest *m, const char *name, double *value)
{
	for (size_t i = 0; i < m->n_budgets; i++)
		if (strcmp(m->budgets[i].name, name) == 0) {
			*value = m->budgets[i].value;
			return 1;
		}
	return 0;
}

const struct metric_spec *manifest_metric(const struct manifest *m, const char *name)
{
	for (size_t i = 0; i < m->n_metrics; i++)
		if (strcmp(m->metrics[i].name, name) == 0)
			return &m->metrics[i];
	return NULL;
}
