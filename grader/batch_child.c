/* batch_child.c: one submission of `grade batch`: its child grader, run in the sandbox as the
 * slot's users with the batch's limits, and what it ended with read back into a gradebook row. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch_internal.h"
#include "json_read.h"
#include "proc.h"
#include "slot_lease.h"
#include "text_file.h"

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

int batch_read_report(const struct batch *b, const char *path, struct batch_row *row, char **text,
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

/* Runs the child grader as the users of a lease; fills row from its report. Returns 1 when the
 * child was killed by a signal it was not sent for its wall limit, else 0. */
static int run_leased(struct batch *b, size_t i, unsigned users, const char *work,
                      struct batch_row *row, char **report)
{
	const struct submission *s = &b->subs[i];
	struct sandbox_user user = {0};
	if (!b->o.no_sandbox)
		sandbox_slot_user(users - 1, &user);
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
	batch_out_path(b, json, sizeof json, "logs/%s.json", row->slug);
	batch_out_path(b, log, sizeof log, "logs/%s.log", row->slug);
	char *inner[48] = {grade,           "--lesson", b->o.lesson, "--seed",   seed,  "--student",
	                   (char *)s->name, "--batch",  "--quiet",   "--format", "json"};
	size_t k = 11;
	/* every process of the student's code in a jail of its own, under the student user of
	 * this slot when the child is root (--no-sandbox as root: a Gradescope container) */
	char student_user[32];
	snprintf(student_user, sizeof student_user, "ngradestu%u", users);
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
	    batch_read_report(b, json, row, report, err, sizeof err) == 0) {
		snprintf(row->student, sizeof row->student, "%s", s->name);
		return 0;
	}
	child_failure(&r, log, &status, err, sizeof err);
	batch_row_failed(row, s->name, b->o.lesson, b->ini.seed, status, err);
	return r.signaled && !r.timed_out;
}

int batch_run_child(struct batch *b, size_t i, unsigned slot, const char *work,
                    struct batch_row *row, char **report)
{
	struct slot_lease lease;
	char why[256];
	if (slot_lease_take(slot, b->stopping, &lease, why, sizeof why) != 0) {
		batch_row_failed(row, b->subs[i].name, b->o.lesson, b->ini.seed, STATUS_ERROR, why);
		return 0;
	}
	int killed = run_leased(b, i, lease.number, work, row, report);
	slot_lease_release(&lease);
	return killed;
}
