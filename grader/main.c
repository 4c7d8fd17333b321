/* main.c: the command line of `grade`. Exit codes (DESIGN section 6.2): 0 when a report with
 * status `graded` was written (any score), 1 for any other status, 2 for usage or internal
 * errors. The report goes to stdout in the chosen format only; progress goes to stderr. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "batch.h"
#include "batch_row.h"
#include "gradebook.h"
#include "json_read.h"
#include "grade.h"
#include "ini.h"
#include "report.h"

#define MAX_IMPLS 16

static void usage(FILE *out)
{
	fputs("usage: grade --lesson NN [--impl PATH]... [--seed N] [--student NAME]\n"
	      "             [--format text|json|html|junit|tap|gradescope] [--json-out PATH] [--no-wall]\n"
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
	      "  --keep-dir D  copy the graded code's raw Valgrind outputs into D (from the course root)\n"
	      "  --static-only build and run only the static checks (what make lessonNN runs):\n"
	      "                exit 0 when they pass, 1 with the reason on stderr when not\n"
	      "  --batch       score as in a batch: wall_ratio only where lesson.ini says batch = scored\n"
	      "       grade batch --lesson NN SUBMISSIONS_DIR --out DIR [--jobs N] ... (grade batch --help)\n"
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

/* Writes the JSON report to path through a temporary file, so a reader never sees half of it;
 * creates the parent folder (one level, such as .course/). Returns 0, or -1 with a message. */
static int write_json_out(const struct grade_report *r, const char *path)
{
	char tmp[PATH_MAX + 16], parent[PATH_MAX];
	snprintf(parent, sizeof parent, "%s", path);
	char *slash = strrchr(parent, '/');
	if (slash != NULL && slash != parent) {
		*slash = '\0';
		mkdir(parent, 0755);
	}
	snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid());
	FILE *f = fopen(tmp, "w");
	if (f != NULL) {
		report_json(r, f);
		if (fclose(f) == 0 && rename(tmp, path) == 0)
			return 0;
	}
	fprintf(stderr, "grade: --json-out: cannot write '%s': %s\n", path, strerror(errno));
	remove(tmp);
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
	if (path[0] == '/')
		return strdup(path);
	char *cwd = getcwd(NULL, 0), *out = NULL;
	if (cwd == NULL || asprintf(&out, "%s/%s", cwd, path) < 0)
		out = NULL;
	free(cwd);
	return out;
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
	if (strcmp(r->status, "graded") != 0) {
		fprintf(stderr, "lesson %s: static checks: %s: %s\n%s", r->lesson, r->status,
			r->reason, r->details);
		return 1;
	}
	printf("lesson %s: static checks pass (symbols, static data, no asm or start-up code)\n",
	       r->lesson);
	return 0;
}

int main(int argc, char **argv)
{
	struct grade_options o = {.cache_dir = "build/cache", .lock_fd = -1, .verbose = 1};
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
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(a, "--no-cache")) {
			o.cache_dir = NULL;
		} else if (!strcmp(a, "--isolate")) {
			o.isolate = 1;
		} else if (!strcmp(a, "--reference")) {
			o.reference = 1;
		} else if (!strcmp(a, "--no-wall")) {
			o.no_wall = 1;
		} else if (!strcmp(a, "--static-only")) {
			o.static_only = 1;
		} else if (!strcmp(a, "--batch")) {
			o.batch = 1;
		} else if (!strcmp(a, "--quiet")) {
			o.verbose = 0;
		} else if (v == NULL) {
			return usage_error("'%s' needs a value (or is unknown)", a);
		} else if (!strcmp(a, "--lesson")) {
			char *end;
			long n = strtol(v, &end, 10);
			if (*end || n < 1 || n > 99)
				return usage_error("--lesson: not a lesson number: '%s'", v);
			snprintf(lesson, sizeof lesson, "%02ld", n);
			i++;
		} else if (!strcmp(a, "--impl")) {
			if (o.n_impls == MAX_IMPLS)
				return usage_error("too many --impl (at most 16): '%s'", v);
			if ((impls[o.n_impls++] = absolute(v)) == NULL)
				return usage_error("cannot resolve '%s'", v);
			i++;
		} else if (!strcmp(a, "--seed")) {
			char *end;
			errno = 0;
			o.seed = strtoull(v, &end, 10);
			if (*end || errno || v[0] == '-')
				return usage_error("--seed: not an unsigned number: '%s'", v);
			o.has_seed = 1;
			i++;
		} else if (!strcmp(a, "--format")) {
			if (strcmp(v, "text") && strcmp(v, "json") && strcmp(v, "html") &&
			    strcmp(v, "junit") && strcmp(v, "tap") && strcmp(v, "gradescope"))
				return usage_error("--format: unknown format '%s' (text, json, html, "
						   "junit, tap, gradescope)",
						   v);
			format = v;
			i++;
		} else if (!strcmp(a, "--json-out")) {
			free(json_out);
			/* relative to where the user stands: the grader moves to the course root */
			if ((json_out = absolute(v)) == NULL)
				return usage_error("cannot resolve '%s'", v);
			i++;
		} else if (!strcmp(a, "--keep-dir")) {
			o.keep_dir = v; /* relative to the course root: a batch's work folder */
			i++;
		} else if (!strcmp(a, "--student")) {
			o.student = v;
			i++;
		} else if (!strcmp(a, "--student-user")) {
			o.student_user = v;
			i++;
		} else if (!strcmp(a, "--unverified")) {
			o.unverified = v;
			i++;
		} else {
			return usage_error("unknown option '%s'", a);
		}
	}
	if (lesson[0] == '\0')
		return usage_error("%s--lesson NN is required", "");
	if (o.reference && o.n_impls > 0)
		return usage_error("%s--reference grades the reference: it takes no --impl", "");
	o.lesson = lesson;
	o.impls = impls;
	if (enter_course_root() != 0)
		return 2;
	/* held shared while grading; wall timing takes it exclusively (DESIGN section 4.5) */
	mkdir("build", 0755);
	o.lock_fd = open("build/wall.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (o.lock_fd < 0) /* in a batch's sandbox, as a slot user: flock needs no write access */
		o.lock_fd = open("build/wall.lock", O_RDONLY | O_CLOEXEC);
	if (o.lock_fd >= 0)
		flock(o.lock_fd, LOCK_SH);
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
	else if (!strcmp(format, "junit") || !strcmp(format, "tap") || !strcmp(format, "gradescope"))
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
	return strcmp(r.status, "graded") == 0 ? 0 : 1;
}
