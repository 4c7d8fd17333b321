/* batch.c: `grade batch`: options, batch.ini, the reference measured once, the pool of workers
 * grading one submission each through a sandboxed child grader, and the outputs rewritten as
 * each student finishes (resumable: a student with a report on disk is not graded again). */
#include "batch.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "batch_ini.h"
#include "batch_row.h"
#include "class_report.h"
#include "files.h"
#include "grade.h"
#include "gradebook.h"
#include "json_read.h"
#include "lesson_id.h"
#include "manifest.h"
#include "options.h"
#include "proc.h"
#include "sandbox.h"
#include "similarity.h"
#include "submissions.h"
#include "text_file.h"
#include "toolchain.h"
#include "whole_number.h"
#include "work_pool.h"

#define MAX_JOBS         16
#define CHILD_WALL_LIMIT 1200.0         /* one submission, everything included: a backstop */
#define CHILD_FILE_LIMIT (256ULL << 20) /* = the largest nested limit (Valgrind outputs) */
#define CHILD_AS_LIMIT   (4ULL << 30)   /* per process; Valgrind needs under 2 GiB here */
#define CHILD_PROCESSES                                                                            \
	1024 /* per slot user, threads included: make, gcc,                                        \
	      * Valgrind, the tests, and lesson 10's load run                                      \
	      * of a thread-per-connection server (256+) */
#define CHILD_OPEN_FILES   1024
#define DEFAULT_SIMILARITY 0.5

struct batch_options {
	char lesson[3];
	char submissions[PATH_MAX], out[PATH_MAX];
	unsigned jobs;
	unsigned long long seed;
	int has_seed, no_sandbox, gradescope, no_wall, quiet;
	char junit[PATH_MAX], tap[PATH_MAX];
	double similarity;
	unsigned shard, shards; /* --shard I/N: only submissions number I, I+N, ... */
};

struct batch {
	struct batch_options o;
	struct manifest m;
	char lesson_dir[PATH_MAX], slug[64];
	struct batch_ini ini;
	struct sandbox sb;
	struct submission *subs;
	struct batch_row *rows;
	char *done; /* done[i]: rows[i] holds a result */
	size_t n;
	pthread_mutex_t lock; /* rows, done, the files rewritten from them, progress */
	size_t finished, to_grade, running;
	struct timespec started;
	int tty;
};

/* Set by SIGTERM: a cluster stopping the task (Slurm's scancel signals every process of the job,
 * the child graders with it). A child killed then is no result of its student: nothing is saved,
 * the student stays missing, and the shard's rerun grades it. */
static volatile sig_atomic_t stopping;

static void on_term(int sig)
{
	(void)sig;
	stopping = 1;
}

static void say(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("grade batch: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* {=== options ===} */

static void usage(FILE *out)
{
	fputs(
	    "usage: grade batch --lesson NN SUBMISSIONS_DIR --out DIR [--jobs N] [--seed N]\n"
	    "                   [--no-sandbox] [--gradescope] [--junit FILE] [--tap FILE]\n"
	    "                   [--similarity FRACTION] [--shard I/N] [--no-wall] [--quiet]\n"
	    "  SUBMISSIONS_DIR  one folder, .tar.gz or .zip per student, named by the student\n"
	    "  --out DIR        gradebook.csv, reports/, gradescope/, similarity.txt, batch.ini\n"
	    "  --jobs N         submissions graded at once (default 2)\n"
	    "  --seed N         the workload seed (default: drawn once, kept in DIR/batch.ini)\n"
	    "  --no-sandbox     grade without bubblewrap: only for code you trust\n"
	    "  --gradescope     also DIR/gradescope/STUDENT/results.json\n"
	    "  --junit F, --tap F  also the batch as JUnit XML / TAP\n"
	    "  --similarity F   list pairs sharing at least this fraction (default 0.5)\n"
	    "  --shard I/N      only submissions I, I+N, I+2N, ... (a cluster task; same --seed)\n"
	    "exit: 0 every submission has a gradebook row, 1 some have none, 2 usage or internal "
	    "error\n",
	    out);
}

static int bad_usage(const char *fmt, const char *arg)
{
	fputs("grade batch: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\n  run 'build/grade batch --help' for the options\n", stderr);
	return 2;
}

enum {
	OPT_NO_SANDBOX = 256,
	OPT_GRADESCOPE,
	OPT_NO_WALL,
	OPT_QUIET,
	OPT_LESSON,
	OPT_JOBS,
	OPT_SEED,
	OPT_OUT,
	OPT_JUNIT,
	OPT_TAP,
	OPT_SHARD,
	OPT_SIMILARITY,
};

static const struct option long_options[] = {
    {"help", no_argument, NULL, 'h'},
    {"no-sandbox", no_argument, NULL, OPT_NO_SANDBOX},
    {"gradescope", no_argument, NULL, OPT_GRADESCOPE},
    {"no-wall", no_argument, NULL, OPT_NO_WALL},
    {"quiet", no_argument, NULL, OPT_QUIET},
    {"lesson", required_argument, NULL, OPT_LESSON},
    {"jobs", required_argument, NULL, OPT_JOBS},
    {"seed", required_argument, NULL, OPT_SEED},
    {"out", required_argument, NULL, OPT_OUT},
    {"junit", required_argument, NULL, OPT_JUNIT},
    {"tap", required_argument, NULL, OPT_TAP},
    {"shard", required_argument, NULL, OPT_SHARD},
    {"similarity", required_argument, NULL, OPT_SIMILARITY},
    {NULL, 0, NULL, 0},
};

/* Reads one option (c, from getopt_long) or, for c == 1, the submissions folder v. Returns 0,
 * 1 for --help (printed), or 2 after a message. */
static int parse_option(int c, const char *v, struct batch_options *o)
{
	unsigned long long x;
	switch (c) {
	case 'h':
		usage(stdout);
		return 1;
	case OPT_NO_SANDBOX:
		o->no_sandbox = 1;
		return 0;
	case OPT_GRADESCOPE:
		o->gradescope = 1;
		return 0;
	case OPT_NO_WALL:
		o->no_wall = 1;
		return 0;
	case OPT_QUIET:
		o->quiet = 1;
		return 0;
	case 1: /* a word where no option is: the submissions folder */
		if (o->submissions[0] != '\0')
			return bad_usage("one submissions folder only: '%s'", v);
		if (path_absolute(v, o->submissions, sizeof o->submissions) != 0)
			return bad_usage("cannot resolve '%s'", v);
		return 0;
	case OPT_LESSON:
		if (lesson_id_parse(v, o->lesson) != 0)
			return bad_usage("--lesson: not a lesson number: '%s'", v);
		return 0;
	case OPT_JOBS:
		if (parse_whole_number(v, &x) != 0 || x < 1 || x > MAX_JOBS)
			return bad_usage("--jobs: want 1 to 16, got '%s'", v);
		o->jobs = (unsigned)x;
		return 0;
	case OPT_SEED:
		if (parse_whole_number(v, &o->seed) != 0)
			return bad_usage("--seed: not an unsigned number: '%s'", v);
		o->has_seed = 1;
		return 0;
	case OPT_OUT:
	case OPT_JUNIT:
	case OPT_TAP: {
		char *dst = c == OPT_OUT ? o->out : c == OPT_JUNIT ? o->junit : o->tap;
		if (path_absolute(v, dst, PATH_MAX) != 0)
			return bad_usage("cannot resolve '%s'", v);
		return 0;
	}
	case OPT_SHARD: {
		unsigned part, parts;
		char extra;
		if (sscanf(v, "%u/%u%c", &part, &parts, &extra) != 2 || parts == 0 || part >= parts)
			return bad_usage("--shard: want I/N with 0 <= I < N, got '%s'", v);
		o->shard = part;
		o->shards = parts;
		return 0;
	}
	case OPT_SIMILARITY: {
		char *end;
		o->similarity = strtod(v, &end);
		if (*end || !(o->similarity > 0 && o->similarity <= 1))
			return bad_usage("--similarity: want a fraction in (0, 1], got '%s'", v);
		return 0;
	}
	}
	return 0;
}

/* Returns 0, 1 for --help (printed), or 2 after a message. */
static int parse_options(int argc, char **argv, struct batch_options *o)
{
	memset(o, 0, sizeof *o);
	o->jobs = 2;
	o->similarity = DEFAULT_SIMILARITY;
	opterr = 0; /* our messages, not getopt's */
	optind = 0;
	int c, rc, index = -1;
	const char *fmt, *bad;
	/* "-": words come back in order as c == 1, as the folder may stand anywhere */
	while ((c = getopt_long(argc, argv, "-:h", long_options, &index)) != -1) {
		if (option_refused(c, index, long_options, argc, argv, &fmt, &bad))
			return bad_usage(fmt, bad);
		index = -1;
		if ((rc = parse_option(c, optarg, o)) != 0)
			return rc;
	}
	if (option_rest_refused(argc, argv, &fmt, &bad))
		return bad_usage(fmt, bad);
	if (o->lesson[0] == '\0')
		return bad_usage("%s--lesson NN is required", "");
	if (o->submissions[0] == '\0')
		return bad_usage("%sthe submissions folder is required", "");
	if (o->out[0] == '\0')
		return bad_usage("%s--out DIR is required", "");
	return 0;
}

/* }=== */

/* {=== files and folders ===} */

static void chown_tree(const char *path, const struct sandbox_user *u)
{
	if (u->uid == 0)
		return;
	char copy[PATH_MAX], owner[64];
	snprintf(copy, sizeof copy, "%s", path);
	snprintf(owner, sizeof owner, "%u:%u", u->uid, u->gid);
	char *argv[] = {"chown", "-R", "--no-dereference", owner, "--", copy, NULL};
	struct proc_spec spec = {.argv = argv, .wall_limit = 60};
	struct proc_result r;
	proc_run(&spec, &r);
}

static void out_path(const struct batch *b, char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = snprintf(buf, len, "%s/", b->o.out);
	vsnprintf(buf + n, len - (size_t)n, fmt, ap);
	va_end(ap);
}

/* }=== */

/* {=== batch.ini and the reference ===} */

static int setup_ini(struct batch *b)
{
	char path[PATH_MAX + 16], err[512];
	out_path(b, path, sizeof path, "batch.ini");
	int rc = batch_ini_read(path, &b->ini, err, sizeof err);
	if (rc < 0) {
		say("%s", err);
		return -1;
	}
	if (rc == 0) {
		if (strcmp(b->ini.lesson, b->o.lesson) != 0) {
			say("'%s' is a batch of lesson %s, not %s\n  give another --out folder",
			    b->o.out, b->ini.lesson, b->o.lesson);
			return -1;
		}
		if (b->o.has_seed && b->o.seed != b->ini.seed) {
			say("'%s' was graded with another seed: a batch keeps one seed\n"
			    "  rerun without --seed, or give another --out folder",
			    path);
			return -1;
		}
		unsigned shards = b->o.shards ? b->o.shards : 1;
		if (b->ini.shards != 0 && (b->ini.shard != b->o.shard || b->ini.shards != shards)) {
			say("'%s' is shard %u/%u of its batch, not %u/%u: a rerun resumes the same "
			    "shard\n  give --shard %u/%u, or another --out folder",
			    path, b->ini.shard, b->ini.shards, b->o.shard, shards, b->ini.shard,
			    b->ini.shards);
			return -1;
		}
		say("resuming the batch in '%s' (seed from batch.ini)", b->o.out);
		return 0;
	}
	snprintf(b->ini.lesson, sizeof b->ini.lesson, "%s", b->o.lesson);
	b->ini.seed = b->o.has_seed ? b->o.seed : batch_ini_draw_seed();
	course_version(b->ini.course_version, sizeof b->ini.course_version);
	b->ini.shard = b->o.shard;
	b->ini.shards = b->o.shards ? b->o.shards : 1;
	snprintf(b->ini.submissions, sizeof b->ini.submissions, "%s", b->o.submissions);
	time_t now = time(NULL);
	strftime(b->ini.created, sizeof b->ini.created, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	if (batch_ini_write(path, &b->ini) != 0) {
		say("cannot write '%s': %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Runs the trusted skeleton through the grader: this builds and measures the reference and the
 * skeleton with the batch's seed once, into the cache every sandboxed child then reads. */
static int measure_reference(struct batch *b)
{
	char impl[PATH_MAX], seed[32], json[PATH_MAX + 32], log[PATH_MAX + 32];
	snprintf(impl, sizeof impl, "solutions/%s/skeleton/%s", b->slug, b->m.student_files[0]);
	snprintf(seed, sizeof seed, "%llu", b->ini.seed);
	out_path(b, json, sizeof json, "skeleton.json");
	out_path(b, log, sizeof log, "skeleton.log");
	char *argv[] = {"build/grade", "--lesson", b->o.lesson, "--impl",   impl,
	                "--seed",      seed,       "--student", "skeleton", "--batch",
	                "--no-wall",   "--format", "json",      NULL};
	struct proc_spec spec = {
	    .argv = argv, .stdout_path = json, .stderr_path = log, .wall_limit = CHILD_WALL_LIMIT};
	struct proc_result r;
	say("measuring the reference and the skeleton once for the batch (seed %llu)...",
	    b->ini.seed);
	if (proc_run(&spec, &r) != 0 || !r.exited || r.exit_code == 2) {
		say("the reference could not be measured: see '%s'", log);
		return -1;
	}
	return 0;
}

/* }=== */

/* {=== one student ===} */

/* Reads a child's JSON report into row; the report's bytes are kept in *text. */
static int read_report(const struct batch *b, const char *path, struct batch_row *row, char **text,
                       char *err, size_t errlen)
{
	*text = text_file_read(path, 4u << 20, 1, 1, err, errlen);
	if (*text == NULL)
		return -1;
	struct json_value *v = json_parse(*text, strlen(*text), err, errlen);
	int rc = v ? batch_row_from_json(v, b->o.lesson, row, err, errlen) : -1;
	json_free(v);
	if (rc != 0) {
		free(*text);
		*text = NULL;
	}
	return rc;
}

/* How the child grader ended, when it wrote no usable report. */
static void child_failure(const struct proc_result *r, const char *log, enum grade_status *status,
                          char *reason, size_t len)
{
	char how[128];
	proc_describe(r, how, sizeof how);
	*status = r->timed_out ? STATUS_TIMED_OUT : STATUS_ERROR;
	char *text = text_file_read(log, 1u << 20, 0, 0, NULL, 0), *last = NULL, *any = NULL;
	for (char *line = text ? strtok(text, "\n") : NULL; line; line = strtok(NULL, "\n")) {
		if (strncmp(line, "grade:", 6) == 0 || strncmp(line, "bwrap:", 6) == 0)
			last = line;
		any = line;
	}
	if (last == NULL)
		last = any;
	if (r->timed_out)
		snprintf(reason, len, "grading took over %.0f s and was stopped", CHILD_WALL_LIMIT);
	else if (last != NULL && strncmp(last, "bwrap:", 6) == 0)
		snprintf(reason, len, "the sandbox could not start (%s): %s", how, last);
	else if (last != NULL)
		snprintf(reason, len, "the grader failed (%s): %s", how, last);
	else
		snprintf(reason, len,
		         "the grader %s without a report (the submission may have killed it)", how);
	free(text);
}

/* Runs the child grader for one staged submission; fills row from its report. Returns 1 when the
 * child was killed by a signal it was not sent for its wall limit, else 0. */
static int run_child(struct batch *b, size_t i, unsigned slot, const char *work,
                     struct batch_row *row, char **report)
{
	const struct submission *s = &b->subs[i];
	struct sandbox_user user = {0};
	if (!b->o.no_sandbox)
		sandbox_slot_user(slot, &user);
	chown_tree(work, &user);
	char dir[PATH_MAX * 2], seed[32], grade[PATH_MAX + 16], json[PATH_MAX], log[PATH_MAX];
	char paths[MANIFEST_MAX_FILES][PATH_MAX * 2 + 72];
	/* inside the sandbox the work folder is mounted as build/staging */
	if (b->o.no_sandbox)
		snprintf(dir, sizeof dir, "%s/src", work);
	else
		snprintf(dir, sizeof dir, "%s/build/staging/src", b->sb.course_root);
	snprintf(seed, sizeof seed, "%llu", b->ini.seed);
	snprintf(grade, sizeof grade, "%s/build/grade", b->sb.course_root);
	out_path(b, json, sizeof json, "logs/%s.json", row->slug);
	out_path(b, log, sizeof log, "logs/%s.log", row->slug);
	char *inner[48] = {grade,           "--lesson", b->o.lesson, "--seed",   seed,  "--student",
	                   (char *)s->name, "--batch",  "--quiet",   "--format", "json"};
	size_t k = 11;
	/* every process of the student's code in a jail of its own, under the student user of
	 * this slot when the child is root (--no-sandbox as root: a Gradescope container) */
	char student_user[32];
	snprintf(student_user, sizeof student_user, "ngradestu%u", slot + 1);
	inner[k++] = "--isolate";
	inner[k++] = "--student-user";
	inner[k++] = student_user;
	if (b->o.no_sandbox) {
		inner[k++] = "--unverified";
		inner[k++] =
		    "the batch ran with --no-sandbox: the compiler could read the solutions";
	}
	if (b->o.no_wall)
		inner[k++] = "--no-wall";
	/* the raw Valgrind outputs, kept for disputes in the student's work folder */
	char keep[PATH_MAX * 2 + 16];
	snprintf(keep, sizeof keep, "%.*s/valgrind", (int)(strlen(dir) - 4), dir);
	inner[k++] = "--keep-dir";
	inner[k++] = keep;
	for (size_t f = 0; f < b->m.n_student_files; f++) { /* every student file, by name */
		snprintf(paths[f], sizeof paths[f], "%s/%s", dir, b->m.student_files[f]);
		inner[k++] = "--impl";
		inner[k++] = paths[f];
	}
	inner[k] = NULL;
	struct sandbox_command cmd;
	char **argv = cmd.argv;
	if (b->o.no_sandbox)
		memcpy(argv, inner, (k + 1) * sizeof *argv);
	else
		sandbox_argv(&b->sb, work, inner, &cmd);
	/* stdout and stderr are opened by us before dropping to the slot user: root's files,
	 * which the student's code cannot reopen through /proc to forge a report */
	struct proc_spec spec = {
	    .argv = argv,
	    .stdout_path = json,
	    .stderr_path = log,
	    .wall_limit = CHILD_WALL_LIMIT,
	    .file_limit = CHILD_FILE_LIMIT,
	    .as_limit = CHILD_AS_LIMIT,
	    .as_limit_soft = 1, /* the race gate's ThreadSanitizer lifts it (suites.c) */
	    .nproc_limit = user.uid ? CHILD_PROCESSES : 0,
	    .nofile_limit = CHILD_OPEN_FILES,
	    .run_uid = user.uid,
	    .run_gid = user.gid,
	};
	struct proc_result r;
	char err[512];
	enum grade_status status;
	if (proc_run(&spec, &r) != 0) {
		batch_row_failed(row, s->name, b->o.lesson, b->ini.seed, STATUS_ERROR, r.error);
		return 0;
	}
	if (r.exited && (r.exit_code == 0 || r.exit_code == 1) &&
	    read_report(b, json, row, report, err, sizeof err) == 0) {
		snprintf(row->student, sizeof row->student, "%s", s->name);
		return 0;
	}
	child_failure(&r, log, &status, err, sizeof err);
	batch_row_failed(row, s->name, b->o.lesson, b->ini.seed, status, err);
	return r.signaled && !r.timed_out;
}

static int write_row_json(FILE *f, const void *row)
{
	batch_row_json(row, f);
	return 0;
}

static void save_outputs(struct batch *b, const struct batch_row *row, const char *report)
{
	char path[PATH_MAX * 2];
	out_path(b, path, sizeof path, "reports/%s.json", row->slug);
	if (report != NULL)
		file_write_atomic_bytes(path, 0644, report, strlen(report));
	else
		file_write_atomic(path, 0644, write_row_json, row);
	if (b->o.gradescope) {
		out_path(b, path, sizeof path, "gradescope/%s", row->slug);
		mkdir(path, 0755);
		out_path(b, path, sizeof path, "gradescope/%s/results.json", row->slug);
		gradebook_write_gradescope(path, row);
	}
}

static void progress(struct batch *b)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	double elapsed = (double)(now.tv_sec - b->started.tv_sec) +
	                 (double)(now.tv_nsec - b->started.tv_nsec) / 1e9;
	size_t left = b->to_grade - b->finished;
	double eta = b->finished ? elapsed / (double)b->finished * (double)left : NAN;
	if (!b->tty || b->o.quiet)
		return;
	char bar[31];
	size_t fill = b->to_grade ? b->finished * 30 / b->to_grade : 30;
	for (size_t i = 0; i < 30; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[30] = '\0';
	fprintf(stderr, "\r[%s] %zu/%zu graded, %zu running, ", bar, b->finished, b->to_grade,
	        b->running);
	if (isnan(eta))
		fputs("ETA --    ", stderr);
	else
		fprintf(stderr, "ETA %dm%02ds ", (int)eta / 60, (int)eta % 60);
	fflush(stderr);
}

static void grade_one(void *ctx, size_t i, unsigned slot)
{
	struct batch *b = ctx;
	struct batch_row row = {0};
	char work[PATH_MAX * 2], scratch[PATH_MAX * 2 + 8], src[PATH_MAX * 2 + 8], err[512];
	struct timespec t0, t1;
	if (stopping) /* queued before SIGTERM: left missing */
		return;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pthread_mutex_lock(&b->lock);
	b->running++;
	progress(b);
	pthread_mutex_unlock(&b->lock);
	batch_slug(b->subs[i].name, row.slug, sizeof row.slug);
	out_path(b, work, sizeof work, "work/%s", row.slug);
	snprintf(scratch, sizeof scratch, "%s.unpack", work);
	snprintf(src, sizeof src, "%s/src", work);
	tree_remove(work);
	tree_remove(scratch);
	mkdir(work, 0755);
	char keep[PATH_MAX * 2 + 16];
	snprintf(keep, sizeof keep, "%s/valgrind", work);
	mkdir(keep, 0755);
	char *report = NULL;
	int rc = submissions_take(&b->subs[i], &b->m, b->slug, src, scratch, err, sizeof err);
	tree_remove(scratch);
	if (rc != 0)
		batch_row_failed(&row, b->subs[i].name, b->o.lesson, b->ini.seed,
		                 rc > 0 ? STATUS_REFUSED : STATUS_ERROR, err);
	else if (run_child(b, i, slot, work, &row, &report)) {
		/* the signal that killed the child may reach this process a moment later */
		for (int t = 0; t < 20 && !stopping; t++)
			nanosleep(&(struct timespec){.tv_nsec = 100000000}, NULL);
	}
	if (stopping) {
		free(report);
		pthread_mutex_lock(&b->lock);
		b->running--;
		pthread_mutex_unlock(&b->lock);
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	row.seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	save_outputs(b, &row, report);
	free(report);
	pthread_mutex_lock(&b->lock);
	b->rows[i] = row;
	b->done[i] = 1;
	b->finished++;
	b->running--;
	char path[PATH_MAX + 32];
	out_path(b, path, sizeof path, "gradebook.csv");
	size_t n = 0;
	struct batch_row *rows = malloc((b->n + 1) * sizeof *rows);
	for (size_t k = 0; rows && k < b->n; k++)
		if (b->done[k])
			rows[n++] = b->rows[k];
	if (rows == NULL || gradebook_write_csv(path, rows, n) != 0)
		say("cannot write '%s': %s", path, strerror(errno));
	free(rows);
	if (!b->tty || b->o.quiet)
		say("%zu/%zu %s: %s %.1f%s%s (%.0f s)", b->finished, b->to_grade, row.student,
		    status_name(row.status), row.score, row.reason[0] ? ": " : "", row.reason,
		    row.seconds);
	progress(b);
	pthread_mutex_unlock(&b->lock);
}

/* }=== */

/* {=== the batch ===} */

/* Students with a report on disk (a resumed batch) keep it; returns how many. */
static size_t load_done(struct batch *b)
{
	size_t done = 0;
	for (size_t i = 0; i < b->n; i++) {
		char path[PATH_MAX * 2], err[256], *text;
		struct batch_row *row = &b->rows[i];
		snprintf(row->student, sizeof row->student, "%s", b->subs[i].name);
		batch_slug(b->subs[i].name, row->slug, sizeof row->slug);
		out_path(b, path, sizeof path, "reports/%s.json", row->slug);
		if (access(path, F_OK) == 0 &&
		    read_report(b, path, row, &text, err, sizeof err) == 0) {
			free(text);
			b->done[i] = 1;
			done++;
		}
	}
	return done;
}

/* 0 when user u can traverse every folder down to path (each parent has x for it). */
static int access_as(const struct sandbox_user *u, const char *path)
{
	char copy[PATH_MAX];
	snprintf(copy, sizeof copy, "%s", path);
	for (char *p = copy + 1;; p++) {
		char saved = *p;
		if (saved != '/' && saved != '\0')
			continue;
		*p = '\0';
		struct stat st;
		if (stat(copy, &st) == 0) {
			mode_t need = st.st_uid == u->uid   ? S_IXUSR
			              : st.st_gid == u->gid ? S_IXGRP
			                                    : S_IXOTH;
			if (!(st.st_mode & need))
				return -1;
		}
		*p = saved;
		if (saved == '\0')
			return 0;
	}
}

static int setup_sandbox(struct batch *b)
{
	snprintf(b->sb.course_root, sizeof b->sb.course_root, "%s", COURSE_ROOT);
	if (b->o.no_sandbox) {
		say("--no-sandbox: submissions run with your rights, unconfined; only for code you "
		    "trust");
		return 0;
	}
	struct sandbox_user u;
	char why[1024];
	for (unsigned slot = 0; slot < b->o.jobs; slot++) {
		sandbox_slot_user(slot, &u);
		if (geteuid() == 0 && u.uid == 0) {
			say("no user 'ngrade%u' for grading slot %u: as root every slot runs as "
			    "its "
			    "own unprivileged user\n  run 'make deps' (it creates ngrade1 to "
			    "ngrade4), "
			    "or lower --jobs",
			    slot + 1, slot + 1);
			return -1;
		}
	}
	sandbox_slot_user(0, &u);
	if (sandbox_probe(&u, why, sizeof why) != 0) {
		say("cannot sandbox the submissions: %s", why);
		return -1;
	}
	if (u.uid != 0 && access_as(&u, b->o.out) != 0) {
		say("the slot users cannot reach '%s' (a folder on the way is private to you)\n"
		    "  give --out a folder that others may traverse (chmod o+x on each parent)",
		    b->o.out);
		return -1;
	}
	snprintf(b->sb.hide[b->sb.n_hide++], PATH_MAX, "%s", b->o.out);
	snprintf(b->sb.hide[b->sb.n_hide++], PATH_MAX, "%s", b->o.submissions);
	snprintf(b->sb.decoy_from, sizeof b->sb.decoy_from, "%s/solutions/%s", COURSE_ROOT,
	         b->slug);
	out_path(b, b->sb.decoy_to, sizeof b->sb.decoy_to, "sandbox/solutions-%s", b->o.lesson);
	tree_remove(b->sb.decoy_to);
	char parent[PATH_MAX + 16], err[512];
	out_path(b, parent, sizeof parent, "sandbox");
	mkdir(parent, 0755);
	if (sandbox_make_decoy(b->sb.decoy_from, b->sb.decoy_to, err, sizeof err) != 0) {
		say("%s", err);
		return -1;
	}
	return 0;
}

static int prepare(struct batch *b)
{
	if (chdir(COURSE_ROOT) != 0 ||
	    grade_find_lesson(b->o.lesson, b->lesson_dir, sizeof b->lesson_dir) != 0) {
		say("no lesson %s: no folder lessons/%s-* in '%s'", b->o.lesson, b->o.lesson,
		    COURSE_ROOT);
		return -1;
	}
	snprintf(b->slug, sizeof b->slug, "%s", strrchr(b->lesson_dir, '/') + 1);
	char ini[PATH_MAX + 16], err[512];
	snprintf(ini, sizeof ini, "%s/lesson.ini", b->lesson_dir);
	if (manifest_load(ini, &b->m, err, sizeof err) != 0) {
		say("%s", err);
		return -1;
	}
	mkdirs(b->o.out, 0755);
	chmod(b->o.out, 0755); /* slot users traverse it to their work folders */
	static const char *const subdirs[] = {"reports", "logs", "work", "gradescope"};
	for (size_t i = 0; i < sizeof subdirs / sizeof *subdirs; i++) {
		char path[PATH_MAX + 16];
		out_path(b, path, sizeof path, "%s", subdirs[i]);
		if (i < 3 || b->o.gradescope)
			mkdir(path, 0755);
	}
	b->subs = submissions_list(b->o.submissions, &b->n, err, sizeof err);
	if (b->subs == NULL) {
		say("%s", err);
		return -1;
	}
	b->n = submissions_shard(b->subs, b->n, b->o.shard, b->o.shards);
	b->rows = calloc(b->n + 1, sizeof *b->rows);
	b->done = calloc(b->n + 1, 1);
	return b->rows && b->done ? 0 : -1;
}

static void write_similarity(struct batch *b)
{
	struct sim_doc *docs = calloc(b->n + 1, sizeof *docs), base;
	char path[PATH_MAX * 2];
	snprintf(path, sizeof path, "solutions/%s/skeleton/%s", b->slug, b->m.student_files[0]);
	char *text = text_file_read(path, 1u << 20, 1, 1, NULL, 0);
	int has_base = text && sim_doc_init(&base, "skeleton", text, strlen(text)) == 0;
	free(text);
	size_t n = 0;
	for (size_t i = 0; docs && i < b->n; i++) {
		out_path(b, path, sizeof path, "work/%s/src/%s", b->rows[i].slug,
		         b->m.student_files[0]);
		text = text_file_read(path, 1u << 20, 1, 1, NULL, 0);
		if (text != NULL &&
		    sim_doc_init(&docs[n], b->rows[i].student, text, strlen(text)) == 0) {
			if (has_base)
				sim_doc_subtract(&docs[n], &base);
			n++;
		}
		free(text);
	}
	char txt_path[PATH_MAX + 32], csv_path[PATH_MAX + 32];
	out_path(b, txt_path, sizeof txt_path, "similarity.txt");
	out_path(b, csv_path, sizeof csv_path, "similarity.csv");
	FILE *txt = fopen(txt_path, "w"), *csv = fopen(csv_path, "w");
	if (docs && txt && csv) {
		size_t pairs = sim_report(docs, n, b->o.similarity, txt, csv);
		say("similarity: %zu pair%s at or above %.0f%%: %s", pairs, pairs == 1 ? "" : "s",
		    b->o.similarity * 100, txt_path);
	}
	if (txt)
		fclose(txt);
	if (csv)
		fclose(csv);
	for (size_t i = 0; i < n; i++)
		sim_doc_free(&docs[i]);
	if (has_base)
		sim_doc_free(&base);
	free(docs);
}

static int finish(struct batch *b)
{
	char path[PATH_MAX + 32];
	size_t missing = 0;
	for (size_t i = 0; i < b->n; i++)
		missing += !b->done[i];
	out_path(b, path, sizeof path, "gradebook.csv");
	gradebook_write_csv(path, b->rows, b->n);
	if (b->o.junit[0] && gradebook_write_junit(b->o.junit, b->rows, b->n) != 0)
		say("cannot write '%s': %s", b->o.junit, strerror(errno));
	if (b->o.tap[0] && gradebook_write_tap(b->o.tap, b->rows, b->n) != 0)
		say("cannot write '%s': %s", b->o.tap, strerror(errno));
	write_similarity(b);
	int page = class_report_write(b->o.out, b->rows, b->n);
	size_t graded = 0;
	for (size_t i = 0; i < b->n; i++)
		graded += b->done[i] && b->rows[i].status == STATUS_GRADED;
	say("%zu submissions, %zu graded, %zu with another status%s: %s", b->n, graded,
	    b->n - graded - missing, missing ? ", some missing" : "", path);
	if (page != 0) /* the reports are on disk: the pages can be drawn again */
		say("the class report is incomplete (above): rerun the batch to draw it again");
	else
		say("class report: %s/class.html, a page per student in %s/reports/", b->o.out,
		    b->o.out);
	return page != 0 ? 2 : missing ? 1 : 0;
}

int batch_main(int argc, char **argv)
{
	static struct batch b;
	int rc = parse_options(argc, argv, &b.o);
	if (rc != 0)
		return rc == 1 ? 0 : 2;
	pthread_mutex_init(&b.lock, NULL);
	if (prepare(&b) != 0 || setup_sandbox(&b) != 0)
		return 2;
	/* one batch writes into DIR at a time */
	char lock_path[PATH_MAX + 16];
	out_path(&b, lock_path, sizeof lock_path, "batch.lock");
	int lock = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (lock < 0 || flock(lock, LOCK_EX | LOCK_NB) != 0) {
		say("another batch is writing into '%s'", b.o.out);
		return 2;
	}
	if (setup_ini(&b) != 0)
		return 2;
	size_t done = load_done(&b);
	b.to_grade = b.n - done;
	say("lesson %s, %zu submissions (%zu already graded), %u jobs, seed %llu%s", b.o.lesson,
	    b.n, done, b.o.jobs, b.ini.seed, b.o.no_sandbox ? ", NO SANDBOX" : ", sandboxed");
	if (b.to_grade > 0 && measure_reference(&b) != 0)
		return 2;
	setenv("NGRADE_PREBUILT", "1", 1); /* children never rebuild what was just measured */
	char ref[64], skel[64];
	snprintf(ref, sizeof ref, "build/lessons/%s/reference", b.o.lesson);
	snprintf(skel, sizeof skel, "build/lessons/%s/skeleton", b.o.lesson);
	if (!b.o.no_sandbox &&
	    (sandbox_shadow(&b.sb, ref) != 0 || sandbox_shadow(&b.sb, skel) != 0)) {
		say("cannot list the reference's build folder '%s'", ref);
		return 2;
	}
	b.tty = isatty(STDERR_FILENO);
	clock_gettime(CLOCK_MONOTONIC, &b.started);
	struct work_pool *p = work_pool_start(b.o.jobs, 2 * (size_t)b.o.jobs, grade_one, &b);
	if (p == NULL) {
		say("cannot start %u worker threads", b.o.jobs);
		return 2;
	}
	struct sigaction term = {.sa_handler = on_term};
	sigaction(SIGTERM, &term, NULL);
	for (size_t i = 0; i < b.n && !stopping; i++)
		if (!b.done[i])
			work_pool_submit(p, i);
	work_pool_finish(p);
	if (stopping)
		say("stopped by SIGTERM: what was not graded is missing; a rerun into '%s' grades "
		    "it",
		    b.o.out);
	if (b.tty && !b.o.quiet)
		fputc('\n', stderr);
	rc = finish(&b);
	free(b.subs);
	free(b.rows);
	free(b.done);
	close(lock);
	return rc;
}

/* }=== */
