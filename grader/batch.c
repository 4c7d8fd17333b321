/* batch.c: `grade batch`: batch.ini, the reference measured once, the pool of workers grading
 * one submission each (its child grader: batch_child.c), and the outputs rewritten as each
 * student finishes (resumable: a student with a report on disk is not graded again). The
 * command line is batch_options.c's. */
#include "batch.h"

#include <errno.h>
#include <fcntl.h>
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
#include "manifest.h"
#include "proc.h"
#include "sandbox.h"
#include "similarity.h"
#include "submissions.h"
#include "text_file.h"
#include "toolchain.h"
#include "wall_lock.h"
#include "work_pool.h"

#include "batch_internal.h"

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

/* {=== files and folders ===} */

void batch_out_path(const struct batch *b, char *buf, size_t len, const char *fmt, ...)
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
	batch_out_path(b, path, sizeof path, "batch.ini");
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
	batch_out_path(b, json, sizeof json, "skeleton.json");
	batch_out_path(b, log, sizeof log, "skeleton.log");
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

static int write_row_json(FILE *f, const void *row)
{
	batch_row_json(row, f);
	return 0;
}

static void save_outputs(struct batch *b, const struct batch_row *row, const char *report)
{
	char path[PATH_MAX * 2];
	batch_out_path(b, path, sizeof path, "reports/%s.json", row->slug);
	if (report != NULL)
		file_write_atomic_bytes(path, 0644, report, strlen(report));
	else
		file_write_atomic(path, 0644, write_row_json, row);
	if (b->o.gradescope) {
		batch_out_path(b, path, sizeof path, "gradescope/%s", row->slug);
		mkdir(path, 0755);
		batch_out_path(b, path, sizeof path, "gradescope/%s/results.json", row->slug);
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
	batch_out_path(b, work, sizeof work, "work/%s", row.slug);
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
	else if (batch_run_child(b, i, slot, work, &row, &report)) {
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
	batch_out_path(b, path, sizeof path, "gradebook.csv");
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
		batch_out_path(b, path, sizeof path, "reports/%s.json", row->slug);
		if (access(path, F_OK) == 0 &&
		    batch_read_report(b, path, row, &text, err, sizeof err) == 0) {
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
	batch_out_path(b, b->sb.decoy_to, sizeof b->sb.decoy_to, "sandbox/solutions-%s",
	               b->o.lesson);
	tree_remove(b->sb.decoy_to);
	char parent[PATH_MAX + 16], err[512];
	batch_out_path(b, parent, sizeof parent, "sandbox");
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
		batch_out_path(b, path, sizeof path, "%s", subdirs[i]);
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
		batch_out_path(b, path, sizeof path, "work/%s/src/%s", b->rows[i].slug,
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
	batch_out_path(b, txt_path, sizeof txt_path, "similarity.txt");
	batch_out_path(b, csv_path, sizeof csv_path, "similarity.csv");
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
	batch_out_path(b, path, sizeof path, "gradebook.csv");
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
	int rc = batch_parse_options(argc, argv, &b.o);
	if (rc != 0)
		return rc == 1 ? 0 : 2;
	pthread_mutex_init(&b.lock, NULL);
	b.stopping = &stopping;
	if (prepare(&b) != 0 || setup_sandbox(&b) != 0)
		return 2;
	/* one batch writes into DIR at a time */
	char lock_path[PATH_MAX + 16];
	batch_out_path(&b, lock_path, sizeof lock_path, "batch.lock");
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
	struct wall_lock files; /* sandboxed children can only open them: make them now */
	wall_lock_open(&files);
	wall_lock_close(&files);
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
