/* main.c: the command line of `grade`. Exit codes (DESIGN section 6.2): 0 when a report with
 * status `graded` was written (any score), 1 for any other status, 2 for usage or internal
 * errors. The report goes to stdout in the chosen format only; progress goes to stderr. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "batch.h"
#include "batch_row.h"
#include "files.h"
#include "grade.h"
#include "gradebook.h"
#include "ini.h"
#include "json_read.h"
#include "lesson_id.h"
#include "options.h"
#include "report.h"
#include "wall_lock.h"
#include "whole_number.h"

#define MAX_IMPLS 16

static void usage(FILE *out)
{
	fputs(
	    "usage: grade --lesson NN [--impl PATH]... [--seed N] [--student NAME]\n"
	    "             [--format text|json|html|junit|tap|gradescope] [--json-out PATH] "
	    "[--no-wall]\n"
	    "             [--no-cache] [--quiet] [--static-only]\n"
	    "  --lesson NN   the lesson to grade (lessons/NN-*/)\n"
	    "  --impl PATH   a student file or a folder of them (repeatable); without it,\n"
	    "                the student file(s) in lessons/NN-*/ are graded\n"
	    "  --reference   grade the lesson's reference as the submission (sources or, in the\n"
	    "                student edition, the shipped objects)\n"
	    "  --seed N      the workload seed (default: lesson.ini's)\n"
	    "  --format F    text (default), json (schema_version 1), html (one page), junit, tap\n"
	    "                or gradescope (results.json)\n"
	    "  --json-out P  also write the JSON report to P, whatever the format\n"
	    "  --no-cache    measure the reference and skeleton again\n"
	    "  --no-wall     skip the native timing: wall_ratio is neither measured nor scored\n"
	    "  --isolate     an official grade: every process of the student's code in a jail of\n"
	    "                its own (DESIGN.md, Isolation); unverified where none can be made\n"
	    "  --keep-dir D  copy the graded code's raw Valgrind outputs into D (from the course "
	    "root)\n"
	    "  --static-only build and run only the static checks (what make lessonNN runs):\n"
	    "                exit 0 when they pass, 1 with the reason on stderr when not\n"
	    "  --batch       score as in a batch: wall_ratio only where lesson.ini says batch = "
	    "scored\n"
	    "       grade batch --lesson NN SUBMISSIONS_DIR --out DIR [--jobs N] ... (grade batch "
	    "--help)\n"
	    "       grade ini FILE SECTION.KEY...   lesson.ini's values, for make and scripts\n"
	    "exit: 0 graded, 1 any other status, 2 usage or internal error\n",
	    out);
}

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "grade: ");
	fprintf(stderr, fmt, arg);
	fputs("\n  run 'build/grade --help' for the options\n", stderr);
	return 2;
}

static int write_report_json(FILE *f, const void *r)
{
	report_json(r, f);
	return 0;
}

/* Writes the JSON report to path whole or not at all (file_write_atomic); creates the parent
 * folder (one level, such as .course/). Returns 0, or -1 with a message. */
static int write_json_out(const struct grade_report *r, const char *path)
{
	char parent[PATH_MAX];
	snprintf(parent, sizeof parent, "%s", path);
	char *slash = strrchr(parent, '/');
	if (slash != NULL && slash != parent) {
		*slash = '\0';
		mkdir(parent, 0755);
	}
	if (file_write_atomic(path, 0644, write_report_json, r) == 0)
		return 0;
	fprintf(stderr, "grade: --json-out: cannot write '%s': %s\n", path, strerror(errno));
	return -1;
}

/* The CI formats are written from the batch's row of this report, read back from its JSON, so
 * one grading and a batch of one print the same thing. */
static void report_ci(const struct grade_report *r, const char *format, FILE *out)
{
	char *json = NULL, err[256];
	size_t len = 0;
	FILE *mem = open_memstream(&json, &len);
	if (mem == NULL)
		return;
	report_json(r, mem);
	fclose(mem);
	struct json_value *v = json_parse(json, len, err, sizeof err);
	struct batch_row row = {0};
	if (v != NULL && batch_row_from_json(v, r->lesson, &row, err, sizeof err) == 0) {
		if (!strcmp(format, "junit"))
			gradebook_junit(out, &row, 1);
		else if (!strcmp(format, "tap"))
			gradebook_tap(out, &row, 1);
		else
			gradebook_gradescope(out, &row);
	} else {
		fprintf(stderr, "grade: --format %s: %s\n", format, err);
	}
	json_free(v);
	free(json);
}

/* Every path the grader uses is relative to the course root: the folder build/grade is in. */
static int enter_course_root(void)
{
	if (chdir(COURSE_ROOT) != 0) {
		fprintf(stderr, "grade: cannot enter the course folder '%s': %s\n", COURSE_ROOT,
		        strerror(errno));
		return -1;
	}
	return 0;
}

/* --impl paths are given relative to where the user stands; make them absolute first. */
static char *absolute(const char *path)
{
	char full[PATH_MAX];
	return path_absolute(path, full, sizeof full) == 0 ? strdup(full) : NULL;
}

/* --static-only: one line, on stdout when the checks pass and on stderr when not. */
static int static_only_main(const struct grade_options *o, struct grade_report *r,
                            struct manifest *m)
{
	char err[1024];
	if (grade_static_only(o, r, m, err, sizeof err) != 0) {
		fprintf(stderr, "grade: lesson %s: %s\n", o->lesson, err);
		return 2;
	}
	if (r->status != STATUS_GRADED) {
		fprintf(stderr, "lesson %s: static checks: %s: %s\n%s", r->lesson,
		        status_name(r->status), r->reason, r->details);
		return 1;
	}
	printf("lesson %s: static checks pass (symbols, static data, no asm or start-up code)\n",
	       r->lesson);
	return 0;
}

enum {
	OPT_NO_CACHE = 256,
	OPT_ISOLATE,
	OPT_REFERENCE,
	OPT_NO_WALL,
	OPT_STATIC_ONLY,
	OPT_BATCH,
	OPT_QUIET,
	OPT_LESSON,
	OPT_IMPL,
	OPT_SEED,
	OPT_FORMAT,
	OPT_JSON_OUT,
	OPT_KEEP_DIR,
	OPT_STUDENT,
	OPT_STUDENT_USER,
	OPT_UNVERIFIED,
};

static const struct option long_options[] = {
    {"help", no_argument, NULL, 'h'},
    {"no-cache", no_argument, NULL, OPT_NO_CACHE},
    {"isolate", no_argument, NULL, OPT_ISOLATE},
    {"reference", no_argument, NULL, OPT_REFERENCE},
    {"no-wall", no_argument, NULL, OPT_NO_WALL},
    {"static-only", no_argument, NULL, OPT_STATIC_ONLY},
    {"batch", no_argument, NULL, OPT_BATCH},
    {"quiet", no_argument, NULL, OPT_QUIET},
    {"lesson", required_argument, NULL, OPT_LESSON},
    {"impl", required_argument, NULL, OPT_IMPL},
    {"seed", required_argument, NULL, OPT_SEED},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"json-out", required_argument, NULL, OPT_JSON_OUT},
    {"keep-dir", required_argument, NULL, OPT_KEEP_DIR},
    {"student", required_argument, NULL, OPT_STUDENT},
    {"student-user", required_argument, NULL, OPT_STUDENT_USER},
    {"unverified", required_argument, NULL, OPT_UNVERIFIED},
    {NULL, 0, NULL, 0},
};

int main(int argc, char **argv)
{
	struct grade_options o = {.cache_dir = "build/cache", .verbose = 1};
	char *impls[MAX_IMPLS];
	const char *format = "text";
	char *json_out = NULL;
	char lesson[3] = "";
	if (argc > 1 && strcmp(argv[1], "batch") == 0)
		return batch_main(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "batch-merge") == 0)
		return batch_merge_main(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "ini") == 0)
		return ini_main(argc - 1, argv + 1);
	opterr = 0; /* our messages, not getopt's */
	optind = 0;
	int c, index = -1;
	const char *fmt, *bad;
	while ((c = getopt_long(argc, argv, "+:h", long_options, &index)) != -1) {
		const char *v = optarg;
		if (option_refused(c, index, long_options, argc, argv, &fmt, &bad))
			return usage_error(fmt, bad);
		index = -1;
		switch (c) {
		case 'h':
			usage(stdout);
			return 0;
		case OPT_NO_CACHE:
			o.cache_dir = NULL;
			break;
		case OPT_ISOLATE:
			o.isolate = 1;
			break;
		case OPT_REFERENCE:
			o.reference = 1;
			break;
		case OPT_NO_WALL:
			o.no_wall = 1;
			break;
		case OPT_STATIC_ONLY:
			o.static_only = 1;
			break;
		case OPT_BATCH:
			o.batch = 1;
			break;
		case OPT_QUIET:
			o.verbose = 0;
			break;
		case OPT_LESSON:
			if (lesson_id_parse(v, lesson) != 0)
				return usage_error("--lesson: not a lesson number: '%s'", v);
			break;
		case OPT_IMPL:
			if (o.n_impls == MAX_IMPLS)
				return usage_error("too many --impl (at most 16): '%s'", v);
			if ((impls[o.n_impls++] = absolute(v)) == NULL)
				return usage_error("cannot resolve '%s'", v);
			break;
		case OPT_SEED:
			if (parse_whole_number(v, &o.seed) != 0)
				return usage_error("--seed: not an unsigned number: '%s'", v);
			o.has_seed = 1;
			break;
		case OPT_FORMAT:
			if (strcmp(v, "text") && strcmp(v, "json") && strcmp(v, "html") &&
			    strcmp(v, "junit") && strcmp(v, "tap") && strcmp(v, "gradescope"))
				return usage_error(
				    "--format: unknown format '%s' (text, json, html, "
				    "junit, tap, gradescope)",
				    v);
			format = v;
			break;
		case OPT_JSON_OUT:
			free(json_out);
			/* relative to where the user stands: the grader moves to the course root */
			if ((json_out = absolute(v)) == NULL)
				return usage_error("cannot resolve '%s'", v);
			break;
		case OPT_KEEP_DIR:
			o.keep_dir = v; /* relative to the course root: a batch's work folder */
			break;
		case OPT_STUDENT:
			o.student = v;
			break;
		case OPT_STUDENT_USER:
			o.student_user = v;
			break;
		case OPT_UNVERIFIED:
			o.unverified = v;
			break;
		}
	}
	if (option_rest_refused(argc, argv, &fmt, &bad))
		return usage_error(fmt, bad);
	if (lesson[0] == '\0')
		return usage_error("%s--lesson NN is required", "");
	if (o.reference && o.n_impls > 0)
		return usage_error("%s--reference grades the reference: it takes no --impl", "");
	o.lesson = lesson;
	o.impls = impls;
	if (enter_course_root() != 0)
		return 2;
	/* held shared while grading; wall timing takes it exclusively (DESIGN section 4.5) */
	static struct wall_lock wall_lock;
	wall_lock_open(&wall_lock);
	wall_lock_share(&wall_lock);
	o.wall_lock = &wall_lock;
	struct grade_report r;
	static struct manifest m;
	char err[1024];
	if (o.static_only)
		return static_only_main(&o, &r, &m);
	if (grade_run(&o, &r, &m, err, sizeof err) != 0) {
		fprintf(stderr, "grade: lesson %s: %s\n", lesson, err);
		return 2;
	}
	if (!strcmp(format, "json"))
		report_json(&r, stdout);
	else if (!strcmp(format, "junit") || !strcmp(format, "tap") ||
	         !strcmp(format, "gradescope"))
		report_ci(&r, format, stdout);
	else if (!strcmp(format, "html"))
		report_html(&r, stdout);
	else
		report_text(&r, stdout, isatty(STDOUT_FILENO) && getenv("NO_COLOR") == NULL);
	int json_failed = json_out != NULL && write_json_out(&r, json_out) != 0;
	free(json_out);
	free(r.functions);
	for (size_t i = 0; i < o.n_impls; i++)
		free(impls[i]);
	if (json_failed)
		return 2;
	return r.status == STATUS_GRADED ? 0 : 1;
}
