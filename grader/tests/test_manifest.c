/* test_manifest.c: cmocka tests of the lesson.ini parser: a full valid manifest read field by
 * field, continuation lines and comments, and every refusal with its exact file:line:key
 * message, since lesson authors fix their files from that one line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../tools/measure/manifest.h"

/* The DESIGN section 10.1 example, plus a metric of each remaining shape. */
static const char FULL[] =
    "format_version = 1\n"
    "# the course's first lesson\n"
    "[lesson]\n"
    "id = 01                      ; two digits, matches the folder\n"
    "title = Zero allocation\n"
    "title_th = ไม่มีการจัดสรรหน่วยความจำ\n"
    "student_files = logfmt.c helpers.S ; space-separated\n"
    "skeleton_passes = correct task\n"
    "partial_band = 30 80\n"
    "[workload]\n"
    "seed = 42\n"
    "args = --records 200000      ; argv for bench.c\n"
    "time_limit = 20\n"
    "[metric.instructions]        ; one section per metric\n"
    "kind = scored\n"
    "direction = lower\n"
    "weight = 3\n"
    "zero_point = 12\n"
    "budget = 2.9e7               ; absolute limit the budget suite asserts;\n"
    "                             ; tests and the README's budget table read it here\n"
    "[metric.allocations]\n"
    "kind = scored\n"
    "weight = 2\n"
    "zero_point = 1000\n"
    "tolerance = 1.2\n"
    "[metric.peak_heap]\n"
    "kind = cap\n"
    "limit_ratio = 2.0\n"
    "cap_points = 50\n"
    "[metric.wall_ratio]\n"
    "kind = report\n"
    "batch = report\n"
    "measure = cpu_time\n"
    "[metric.calls.render_record]\n"
    "kind = report\n"
    "direction = higher\n"
    "[metric.gc_share]\n"
    "kind = report\n"
    "function = gc_collect\n"
    "[checks]\n"
    "allow_symbols = memcpy memmove memset strlen\n"
    "                             ; every undefined symbol the student object may use\n"
    "\tsnprintf malloc\n"
    "    free\n"
    "allow_asm = yes\n"
    "max_static_bytes = 65536\n"
    "[baselines]\n"
    "libs = -lisal  -lm\n"
    "packages = libisal-dev\n";

/* The smallest valid manifest: 12 lines, so an appended line is line 13. */
#define MINIMAL                                                                                    \
	"format_version = 1\n[lesson]\nid = 01\ntitle = T\nstudent_files = a.c\n[workload]\n"      \
	"args = --n 1\ntime_limit = 5\n[metric.instructions]\nkind = scored\nweight = 3\n"         \
	"zero_point = 12\n"

static int parse(const char *text, struct manifest *m, char *err, size_t errlen)
{
	err[0] = '\0';
	return manifest_parse("lesson.ini", text, m, err, errlen);
}

static void full_manifest_reads_every_field(void **state)
{
	struct manifest m;
	char err[512];
	const struct metric_spec *ins, *alloc, *heap, *wall, *calls, *gc;

	(void)state;
	assert_int_equal(parse(FULL, &m, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_string_equal(m.path, "lesson.ini");
	assert_string_equal(m.id, "01");
	assert_string_equal(m.title, "Zero allocation");
	assert_string_equal(m.title_th, "ไม่มีการจัดสรรหน่วยความจำ");
	assert_int_equal(m.n_student_files, 2);
	assert_string_equal(m.student_files[0], "logfmt.c");
	assert_string_equal(m.student_files[1], "helpers.S");
	assert_int_equal(m.n_skeleton_passes, 2);
	assert_string_equal(m.skeleton_passes[1], "task");
	assert_true(m.partial_band[0] == 30 && m.partial_band[1] == 80);
	assert_true(m.seed == 42);
	assert_string_equal(m.args, "--records 200000");
	assert_true(m.time_limit == 20);
	assert_int_equal(m.n_metrics, 6);
	assert_non_null(ins = manifest_metric(&m, "instructions"));
	assert_int_equal(ins->kind, METRIC_SCORED);
	assert_int_equal(ins->direction, DIRECTION_LOWER);
	assert_true(ins->weight == 3 && ins->zero_point == 12 && ins->tolerance == 1.05);
	assert_true(ins->has_budget && ins->budget == 2.9e7);
	assert_non_null(alloc = manifest_metric(&m, "allocations"));
	assert_true(alloc->tolerance == 1.2 && !alloc->has_budget && alloc->batch_scored);
	assert_non_null(heap = manifest_metric(&m, "peak_heap"));
	assert_int_equal(heap->kind, METRIC_CAP);
	assert_true(heap->limit_ratio == 2.0 && heap->cap_points == 50);
	assert_non_null(wall = manifest_metric(&m, "wall_ratio"));
	assert_true(wall->kind == METRIC_REPORT && !wall->batch_scored && wall->cpu_time);
	assert_non_null(calls = manifest_metric(&m, "calls.render_record"));
	assert_int_equal(calls->direction, DIRECTION_HIGHER);
	assert_non_null(gc = manifest_metric(&m, "gc_share"));
	assert_string_equal(gc->function, "gc_collect");
	assert_null(manifest_metric(&m, "syscalls"));
	assert_string_equal(m.allow_symbols, "memcpy memmove memset strlen snprintf malloc free");
	assert_int_equal(m.allow_asm, 1);
	assert_string_equal(m.baseline_libs, "-lisal -lm");
	assert_string_equal(m.baseline_packages, "libisal-dev");
	assert_true(m.max_static_bytes == 65536);
}

static void defaults_fill_optional_keys(void **state)
{
	struct manifest m;
	char err[512];

	(void)state;
	assert_int_equal(parse(MINIMAL, &m, err, sizeof(err)), 0);
	assert_true(m.seed == 1);
	assert_int_equal(m.n_skeleton_passes, 1);
	assert_string_equal(m.skeleton_passes[0], "correct");
	assert_true(m.partial_band[0] == 0 && m.partial_band[1] == 100);
	assert_true(m.metrics[0].tolerance == 1.05);
	assert_string_equal(m.allow_symbols, "");
	assert_int_equal(m.allow_asm, 0);
}

static void comments_crlf_and_continuations(void **state)
{
	static const char text[] = "; a comment before the version\r\n"
	                           "\r\n"
	                           "format_version = 1 ; trailing\r\n"
	                           "[lesson] # a section with a comment\r\n"
	                           "id = 01\r\n"
	                           "title = C# and a;b survive\r\n"
	                           "     # an indented comment keeps the value open\r\n"
	                           "  and continue\r\n"
	                           "student_files = a.c\r\n"
	                           "[workload]\r\n"
	                           "args = --n 1\r\n"
	                           "time_limit = 5\r\n"
	                           "[ metric.instructions ]\r\n"
	                           "  kind = scored\r\n"
	                           "weight = 3\r\n"
	                           "zero_point = 12";
	struct manifest m;
	char err[512];

	(void)state;
	assert_int_equal(parse(text, &m, err, sizeof(err)), 0);
	assert_string_equal(m.title, "C# and a;b survive and continue");
	assert_string_equal(m.metrics[0].name, "instructions");
	assert_true(m.metrics[0].zero_point == 12);
}

/* A long value must be refused by length, not overflow a buffer. */
static void long_lines_are_refused_cleanly(void **state)
{
	size_t n = 100000;
	char *text = malloc(sizeof(MINIMAL) + 2 * n + 64), err[512];
	struct manifest m;
	char *p;

	(void)state;
	assert_non_null(text);
	p = text + sprintf(text, "%s[checks]\nallow_symbols = ", MINIMAL);
	memset(p, 'x', n);
	strcpy(p + n, "\n");
	assert_int_equal(parse(text, &m, err, sizeof(err)), -1);
	assert_string_equal(err, "lesson.ini:14: key 'allow_symbols': too long (limit 2047 bytes)");
	p = text + sprintf(text, "%s", MINIMAL);
	memset(p, 'k', n);
	strcpy(p + n, " = 1\n");
	assert_int_equal(parse(text, &m, err, sizeof(err)), -1);
	assert_string_equal(err, "lesson.ini:13: unknown key "
	                         "'kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk...'"
	                         " in [metric.instructions]");
	free(text);
}

struct refusal {
	const char *text;
	const char *want;
};

/* Each case: MINIMAL plus a tail (line 13 onwards), or a whole file, and the exact message. */
static const struct refusal appended[] = {
    {"wieght = 3\n", "lesson.ini:13: unknown key 'wieght' in [metric.instructions]"},
    {"[metric.allocations]\nkind = scored\nweight = abc\n",
     "lesson.ini:15: key 'weight': not a number: 'abc'"},
    {"kind = cap\n", "lesson.ini:13: duplicate key 'kind' in [metric.instructions] "
                     "(first on line 10)"},
    {"[metrics]\n", "lesson.ini:13: unknown section [metrics]"},
    {"[lesson]\n", "lesson.ini:13: duplicate section [lesson] (first on line 2)"},
    {"[metric.instructions]\n", "lesson.ini:13: duplicate section [metric.instructions] "
                                "(first on line 9)"},
    {"direction = down\n", "lesson.ini:13: key 'direction': not one of lower|higher: 'down'"},
    {"budget 3\n", "lesson.ini:13: missing '=' in 'budget 3'"},
    {"= 3\n", "lesson.ini:13: missing key name before '='"},
    {"[checks\n", "lesson.ini:13: unterminated '[': '[checks'"},
    {"[checks] x\n", "lesson.ini:13: unexpected text after ']': ' x'"},
    {"budget = -1\n", "lesson.ini:13: key 'budget': must be >= 0: '-1'"},
    {"budget = 1e999\n", "lesson.ini:13: key 'budget': number out of range: '1e999'"},
    {"budget = inf\n", "lesson.ini:13: key 'budget': not a number: 'inf'"},
    {"tolerance = 0.9\n", "lesson.ini:13: key 'tolerance': must be >= 1: '0.9'"},
    {"batch = report\n", "lesson.ini:13: key 'batch': only wall_ratio has a batch mode, not "
                         "'instructions'"},
    {"function = 2fast\n", "lesson.ini:13: key 'function': not a C identifier: '2fast'"},
    {"measure = cpu_time\n", "lesson.ini:13: key 'measure': only wall_ratio has a measure, not "
                             "'instructions'"},
    {"zero_point = 2\n", "lesson.ini:13: duplicate key 'zero_point' in [metric.instructions] "
                         "(first on line 12)"},
    {"[metric.cycles]\n",
     "lesson.ini:13: unknown metric 'cycles' in [metric.NAME] (known: instructions, "
     "allocations, calls.<function>, instr.<function>, syscalls, peak_heap, d1_misses, "
     "ll_misses, "
     "branch_mispredicts, wall_ratio, gc_share, cpu_ratio, context_switches, minor_faults, "
     "max_rss, bench.<value>)"},
    {"[metric.context_switches]\nkind = scored\nweight = 1\nzero_point = 9\n",
     "lesson.ini:14: key 'kind': context_switches can only be reported (they vary 6x from run "
     "to run)"},
    {"[metric.peak_heap]\nkind = cap\nlimit_ratio = 2\ncap_points = 101\n",
     "lesson.ini:16: key 'cap_points': must be <= 100: '101'"},
    {"[metric.peak_heap]\nkind = cap\nlimit_ratio = 2\n",
     "lesson.ini: missing key 'cap_points' in [metric.peak_heap] (required for kind = cap)"},
    {"[metric.gc_share]\nkind = report\n",
     "lesson.ini: missing key 'function' in [metric.gc_share] (gc_share measures a function)"},
    {"[metric.allocations]\nweight = 1\n",
     "lesson.ini: missing key 'kind' in [metric.allocations]"},
    {"[metric.allocations]\nkind = scored\nzero_point = 9\n",
     "lesson.ini: missing key 'weight' in [metric.allocations] (required for kind = scored)"},
    {"[metric.allocations]\nkind = scored\nweight = 0\n",
     "lesson.ini:15: key 'weight': must be > 0: '0'"},
    {"[metric.allocations]\nkind = scored\nweight = 1\nzero_point = 1.3\n",
     "lesson.ini:16: key 'zero_point': 1.3 is below 1.25 x tolerance (1.25 x 1.05 = 1.3125): "
     "the curve would be too steep to grade"},
    {"[metric.allocations]\nkind = scored\nweight = 1\nzero_point = 1.49\ntolerance = 1.2\n",
     "lesson.ini:16: key 'zero_point': 1.49 is below 1.25 x tolerance (1.25 x 1.2 = 1.5): "
     "the curve would be too steep to grade"},
    {"[metric.wall_ratio]\nkind = report\nbatch = scored\n",
     "lesson.ini:15: key 'batch': 'scored' needs kind = scored or cap"},
    {"[checks]\nallow_asm = maybe\n", "lesson.ini:14: key 'allow_asm': not one of no|yes: 'maybe'"},
    {"[baselines]\nlibs = -lx; rm -rf /\n",
     "lesson.ini:14: key 'libs': character ';' is not allowed here"},
    {"[baselines]\nflags = -O3\n", "lesson.ini:14: unknown key 'flags' in [baselines]"},
    {"[budgets]\nper-request = 3\n", "lesson.ini:14: budget name must be an identifier of at "
                                     "most 63 characters: 'per-request'"},
    {"[budgets]\nthreads = 3\nthreads = 4\n",
     "lesson.ini:15: duplicate key 'threads' in [budgets]"},
    {"[budgets]\nthreads = many\n", "lesson.ini:14: key 'threads': not a number: 'many'"},
    {"[metric.bench.requests-per-s]\nkind = report\n",
     "lesson.ini:13: unknown metric 'bench.requests-per-s' in [metric.NAME] (known: "
     "instructions, allocations, calls.<function>, instr.<function>, syscalls, peak_heap, "
     "d1_misses, ll_misses, "
     "branch_mispredicts, wall_ratio, gc_share, cpu_ratio, context_switches, minor_faults, "
     "max_rss, bench.<value>)"},
    {"[checks]\nmax_static_bytes = 64k\n",
     "lesson.ini:14: key 'max_static_bytes': not an unsigned integer: '64k'"},
    {"[checks]\nallow_symbols = memcpy free()\n",
     "lesson.ini:14: key 'allow_symbols': not a C identifier: 'free()'"},
    {"[checks]\nallow_symbols = memcpy\n\n   free\n", "lesson.ini:16: missing '=' in 'free'"},
    {"format_version = 1\n", "lesson.ini:13: unknown key 'format_version' in "
                             "[metric.instructions]"},
};

static const struct refusal whole[] = {
    {"", "lesson.ini: empty: the first setting must be 'format_version = 1'"},
    {"; only a comment\n", "lesson.ini: empty: the first setting must be 'format_version = 1'"},
    {"format_version = 2\n[lesson]\n",
     "lesson.ini:1: unsupported format_version 2 (this grader reads 1)"},
    {"format_version = one\n", "lesson.ini:1: key 'format_version': not an unsigned integer: "
                               "'one'"},
    {"# header\n[lesson]\nformat_version = 1\n",
     "lesson.ini:2: the first setting must be 'format_version = 1'"},
    {"id = 01\nformat_version = 1\n",
     "lesson.ini:1: the first setting must be 'format_version = 1'"},
    {"format_version = 1\nformat_version = 1\n",
     "lesson.ini:2: duplicate key 'format_version' in the preamble (first on line 1)"},
    {"format_version = 1\nid = 01\n", "lesson.ini:2: unknown key 'id' before any [section]"},
    {"format_version = 1\n[lesson]\nid = 1\n", "lesson.ini:3: key 'id': not two digits: '1'"},
    {"format_version = 1\n[lesson]\nid = 01\nstudent_files = a.c\n",
     "lesson.ini: missing key 'title' in [lesson]"},
    {"format_version = 1\n[lesson]\nid = 01\ntitle = T\nstudent_files = a.c\n[workload]\n"
     "args =\n",
     "lesson.ini: missing key 'time_limit' in [workload]"},
    {"format_version = 1\n[lesson]\nid = 01\ntitle = T\nstudent_files = a.c\n[workload]\n"
     "args =\ntime_limit = 5\n[metric.wall_ratio]\nkind = report\n",
     "lesson.ini: no scored metric: at least one [metric.NAME] needs kind = scored"},
    {"format_version = 1\n[lesson]\nstudent_files = ../a.c\n",
     "lesson.ini:3: key 'student_files': '../a.c' is not a plain file name ending .c or .S"},
    {"format_version = 1\n[lesson]\nstudent_files = a.c lib/b.c\n",
     "lesson.ini:3: key 'student_files': 'lib/b.c' is not a plain file name ending .c or .S"},
    {"format_version = 1\n[lesson]\nstudent_files = a.h\n",
     "lesson.ini:3: key 'student_files': 'a.h' is not a plain file name ending .c or .S"},
    {"format_version = 1\n[lesson]\nstudent_files = a.c a.c\n",
     "lesson.ini:3: key 'student_files': 'a.c' is listed twice"},
    {"format_version = 1\n[lesson]\nstudent_files =\n",
     "lesson.ini:3: key 'student_files': empty value"},
    {"format_version = 1\n[lesson]\ntitle_th =\n", "lesson.ini:3: key 'title_th': empty value"},
    {"format_version = 1\n[lesson]\nskeleton_passes = correct fast\n",
     "lesson.ini:3: key 'skeleton_passes': not one of correct|task|budget: 'fast'"},
    {"format_version = 1\n[lesson]\npartial_band = 80 30\n",
     "lesson.ini:3: key 'partial_band': need 0 <= LO <= HI <= 100: '80 30'"},
    {"format_version = 1\n[lesson]\npartial_band = 30 101\n",
     "lesson.ini:3: key 'partial_band': need 0 <= LO <= HI <= 100: '30 101'"},
    {"format_version = 1\n[lesson]\npartial_band = 30\n",
     "lesson.ini:3: key 'partial_band': expected two numbers LO HI: '30'"},
    {"format_version = 1\n[lesson]\npartial_band = 30 x\n",
     "lesson.ini:3: key 'partial_band': not a number: 'x'"},
    {"format_version = 1\n[workload]\nseed = -1\n",
     "lesson.ini:3: key 'seed': not an unsigned integer: '-1'"},
    {"format_version = 1\n[workload]\nseed = 99999999999999999999999\n",
     "lesson.ini:3: key 'seed': number out of range: '99999999999999999999999'"},
    {"format_version = 1\n[workload]\ntime_limit = 0\n",
     "lesson.ini:3: key 'time_limit': must be > 0 seconds: '0'"},
    {"format_version = 1\n[workload]\nmassif_pages_as_heap = maybe\n",
     "lesson.ini:3: key 'massif_pages_as_heap': not one of no|yes: 'maybe'"},
    {"format_version = 1\n[lesson]\ntitle = "
     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
     "xxxxxxxxxxxxxxxxxxxxxx\n",
     "lesson.ini:3: key 'title': too long (200 bytes, limit 127)"},
};

static void check_refusal(const char *text, const char *want)
{
	struct manifest m;
	char err[512];
	int rc = parse(text, &m, err, sizeof(err));

	if (rc != -1 || strcmp(err, want) != 0)
		fail_msg("input:\n%s\ngot rc %d, err '%s'\nwant '%s'", text, rc, err, want);
}

static void every_error_kind_names_file_line_and_key(void **state)
{
	char text[4096];

	(void)state;
	for (size_t i = 0; i < sizeof(appended) / sizeof(appended[0]); i++) {
		snprintf(text, sizeof(text), "%s%s", MINIMAL, appended[i].text);
		check_refusal(text, appended[i].want);
	}
	for (size_t i = 0; i < sizeof(whole) / sizeof(whole[0]); i++)
		check_refusal(whole[i].text, whole[i].want);
}

static void zero_point_of_exactly_1_25_tolerance_is_accepted(void **state)
{
	struct manifest m;
	char err[512];

	(void)state;
	assert_int_equal(parse(MINIMAL "[metric.allocations]\nkind = scored\nweight = 1\n"
	                               "zero_point = 1.3125\n"
	                               "[metric.syscalls]\nkind = scored\nweight = 1\n"
	                               "zero_point = 1.5\ntolerance = 1.2\n",
	                       &m, err, sizeof(err)),
	                 0);
	assert_string_equal(err, "");
}

static void more_than_sixteen_metrics_are_refused(void **state)
{
	char text[4096], *p = text, err[512];
	struct manifest m;

	(void)state;
	p += sprintf(p, "%s", MINIMAL);
	for (int i = 1; i <= MANIFEST_MAX_METRICS; i++)
		p += sprintf(p, "[metric.calls.f%d]\nkind = report\n", i);
	assert_int_equal(parse(text, &m, err, sizeof(err)), -1);
	assert_string_equal(err, "lesson.ini:43: too many metrics (limit 16)");
}

/* manifest_load: the file on disk, and the id checked against an NN-slug folder. */
static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void load_checks_id_against_folder(void **state)
{
	char root[] = "/tmp/test_manifest.XXXXXX", dir[128], path[160], err[512];
	struct manifest m;

	(void)state;
	assert_non_null(mkdtemp(root));
	snprintf(dir, sizeof(dir), "%s/01-zero-allocation", root);
	assert_int_equal(mkdir(dir, 0700), 0);
	snprintf(path, sizeof(path), "%s/lesson.ini", dir);
	write_file(path, MINIMAL);
	assert_int_equal(manifest_load(path, &m, err, sizeof(err)), 0);
	assert_string_equal(m.path, path);
	assert_int_equal(m.n_metrics, 1);

	write_file(path, "format_version = 1\n[lesson]\nid = 02\ntitle = T\nstudent_files = a.c\n"
	                 "[workload]\nargs =\ntime_limit = 5\n[metric.instructions]\n"
	                 "kind = scored\nweight = 3\nzero_point = 12\n");
	assert_int_equal(manifest_load(path, &m, err, sizeof(err)), -1);
	char want[512];
	snprintf(want, sizeof(want),
	         "%s:3: key 'id': '02' does not match the folder '01-zero-allocation'", path);
	assert_string_equal(err, want);
	/* parsing from memory never looks at folders */
	assert_int_equal(manifest_parse(path, MINIMAL, &m, err, sizeof(err)), 0);
	unlink(path);
	rmdir(dir);

	snprintf(path, sizeof(path), "%s/lesson.ini", root); /* no NN- folder: nothing to match */
	write_file(path, MINIMAL);
	assert_int_equal(manifest_load(path, &m, err, sizeof(err)), 0);
	unlink(path);
	rmdir(root);
}

static void load_reports_unreadable_files(void **state)
{
	struct manifest m;
	char err[512];

	(void)state;
	assert_int_equal(manifest_load("/nonexistent/lesson.ini", &m, err, sizeof(err)), -1);
	assert_string_equal(err, "/nonexistent/lesson.ini: No such file or directory");
	/* a NULL err must not crash */
	assert_int_equal(manifest_load("/nonexistent/lesson.ini", &m, NULL, 0), -1);
	assert_int_equal(manifest_load("/tmp", &m, err, sizeof(err)), -1);
	assert_string_equal(err, "/tmp: Is a directory");
}

static void load_refuses_binary_files(void **state)
{
	char path[] = "/tmp/test_manifest.XXXXXX", err[512], want[512];
	struct manifest m;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "format_version = 1\n\0", 20), 20);
	close(fd);
	assert_int_equal(manifest_load(path, &m, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s: holds a NUL byte: not a text file", path);
	assert_string_equal(err, want);
	unlink(path);
}

/* [budgets] holds limits only a lesson's tests measure; bench.<value> names what the bench
 * driver prints natively ("bench requests_per_s 123456"). */
static void test_budgets_and_bench_values(void **state)
{
	(void)state;
	struct manifest m;
	char err[512];
	int rc = parse(MINIMAL "[metric.bench.requests_per_s]\nkind = scored\ndirection = higher\n"
	                       "weight = 2\nzero_point = 8\n[budgets]\n"
	                       "httpd_threads = 8 ; a comment\nper_1000 = 2.5e1\n",
	               &m, err, sizeof err);
	assert_int_equal(rc, 0);
	assert_string_equal(m.metrics[1].name, "bench.requests_per_s");
	assert_int_equal(m.metrics[1].direction, DIRECTION_HIGHER);
	double v = 0;
	assert_int_equal(m.n_budgets, 2);
	assert_int_equal(manifest_test_budget(&m, "httpd_threads", &v), 1);
	assert_true(v == 8);
	assert_int_equal(manifest_test_budget(&m, "per_1000", &v), 1);
	assert_true(v == 25);
	assert_int_equal(manifest_test_budget(&m, "instructions", &v), 0);
}

static void native_args_default_to_args(void **state)
{
	(void)state;
	static const char text[] =
	    "format_version = 1\n[lesson]\nid = 10\ntitle = t\n"
	    "student_files = a.c\n[workload]\nargs = --lines 20000\n"
	    "time_limit = 5\n[metric.instructions]\nkind = scored\nweight = 1\n"
	    "zero_point = 9\n";
	static const char bigger[] =
	    "format_version = 1\n[lesson]\nid = 10\ntitle = t\n"
	    "student_files = a.c\n[workload]\nargs = --lines 20000\n"
	    "native_args = --lines 1000000 --workers 2\ntime_limit = 5\n"
	    "[metric.instructions]\nkind = scored\nweight = 1\nzero_point = 9\n";
	struct manifest m;
	char err[256];
	if (manifest_parse("lesson.ini", text, &m, err, sizeof err) != 0)
		fail_msg("%s", err);
	assert_string_equal(m.native_args, "--lines 20000");
	if (manifest_parse("lesson.ini", bigger, &m, err, sizeof err) != 0)
		fail_msg("%s", err);
	assert_string_equal(m.args, "--lines 20000");
	assert_string_equal(m.native_args, "--lines 1000000 --workers 2");
}

/* grade ini's reader: one setting by SECTION.KEY, as written, from a file checked whole. */
static void value_reads_one_setting_as_the_grader_does(void **state)
{
	(void)state;
	char path[] = "/tmp/test_manifest.XXXXXX", err[512], *v;
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	write_file(path, "format_version = 1\n[lesson]\nid = 01\ntitle = T\n"
	                 "student_files = a.c ; the first\n  b.c\n"
	                 "[workload]\nargs = --n 1\ntime_limit = 5\n"
	                 "[metric.instructions]\nkind = scored\nweight = 1\nzero_point = 10\n"
	                 "budget = 100\n[budgets]\nbudget = 7\n");
	assert_int_equal(manifest_value(path, "lesson.student_files", &v, err, sizeof err), 1);
	assert_string_equal(v, "a.c b.c"); /* the continuation line, the comment gone */
	free(v);
	assert_int_equal(manifest_value(path, "metric.instructions.budget", &v, err, sizeof err),
	                 1);
	assert_string_equal(v, "100");
	free(v);
	assert_int_equal(manifest_value(path, "budgets.budget", &v, err, sizeof err), 1);
	assert_string_equal(v, "7"); /* the same key name, in another section */
	free(v);
	/* known to lesson.ini, not set here */
	assert_int_equal(manifest_value(path, "workload.seed", &v, err, sizeof err), 0);
	assert_null(v);
	assert_int_equal(manifest_value(path, "metric.allocations.kind", &v, err, sizeof err), 0);
	assert_int_equal(manifest_value(path, "workload.sed", &v, err, sizeof err), -1);
	assert_non_null(strstr(err, "unknown key 'workload.sed'"));
	assert_int_equal(manifest_value(path, "title", &v, err, sizeof err), -1);
	assert_int_equal(manifest_value(path, "metric.nonsense.kind", &v, err, sizeof err), -1);
	/* every setting at once (grade ini FILE) */
	char *all = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&all, &len);
	assert_non_null(out);
	assert_int_equal(manifest_values(path, out, err, sizeof err), 0);
	fclose(out);
	assert_string_equal(all, "format_version=1\nlesson.id=01\nlesson.title=T\n"
	                         "lesson.student_files=a.c b.c\nworkload.args=--n 1\n"
	                         "workload.time_limit=5\nmetric.instructions.kind=scored\n"
	                         "metric.instructions.weight=1\nmetric.instructions.zero_point=10\n"
	                         "metric.instructions.budget=100\nbudgets.budget=7\n");
	free(all);
	/* a malformed file stops every question with the grader's file:line message */
	write_file(path, "format_version = 1\n[lesson]\nid = 01\ntitle = T\nstudent_files = a.c\n"
	                 "[workload]\nargs = --n 1\ntime_limit = soon\n");
	assert_int_equal(manifest_value(path, "lesson.title", &v, err, sizeof err), -1);
	assert_null(v);
	char want[600];
	snprintf(want, sizeof want, "%s:8: key 'time_limit': ", path);
	assert_memory_equal(err, want, strlen(want));
	remove(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(native_args_default_to_args),
	    cmocka_unit_test(test_budgets_and_bench_values),
	    cmocka_unit_test(full_manifest_reads_every_field),
	    cmocka_unit_test(defaults_fill_optional_keys),
	    cmocka_unit_test(comments_crlf_and_continuations),
	    cmocka_unit_test(long_lines_are_refused_cleanly),
	    cmocka_unit_test(every_error_kind_names_file_line_and_key),
	    cmocka_unit_test(zero_point_of_exactly_1_25_tolerance_is_accepted),
	    cmocka_unit_test(more_than_sixteen_metrics_are_refused),
	    cmocka_unit_test(load_checks_id_against_folder),
	    cmocka_unit_test(load_reports_unreadable_files),
	    cmocka_unit_test(load_refuses_binary_files),
	    cmocka_unit_test(value_reads_one_setting_as_the_grader_does),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
