/* jail.c: the bubblewrap command line of one jailed run, the student identity, and the sweep
 * of a user's processes where no PID namespace can be had. */
#include "jail.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proc.h"

#define DEFAULT_STUDENT_USER "ngradestu1"
#define SWEEP_ROUNDS         50 /* kill(-1) until nothing is left; a fork bomb needs a few */

/* NGRADE_BWRAP names another bwrap (an unusual install, or the course's test of a host where
 * bubblewrap cannot work), as for the batch's own sandbox. */
static int find_bwrap(char *out, size_t len)
{
	const char *chosen = getenv("NGRADE_BWRAP");
	static const char *const places[] = {"/usr/bin/bwrap", "/usr/local/bin/bwrap",
	                                     "/bin/bwrap"};
	if (chosen != NULL && chosen[0] != '\0') {
		snprintf(out, len, "%s", chosen);
		return access(chosen, X_OK);
	}
	for (size_t i = 0; i < sizeof places / sizeof *places; i++)
		if (access(places[i], X_OK) == 0) {
			snprintf(out, len, "%s", places[i]);
			return 0;
		}
	return -1;
}

/* A root grader's student identity (a batch names one per slot); make deps creates them. */
static void find_student(struct jail *j, const char *name)
{
	if (geteuid() != 0)
		return;
	struct passwd *pw = getpwnam(name && name[0] ? name : DEFAULT_STUDENT_USER);
	if (pw != NULL && pw->pw_uid != 0) {
		j->uid = pw->pw_uid;
		j->gid = pw->pw_gid;
	}
}

static int namespaces_work(const struct jail *j)
{
	char *inner[] = {"true", NULL}, *argv[JAIL_MAX_ARGS];
	struct jail_run run = {{NULL}, {NULL}};
	if (jail_argv(j, &run, "/", inner, argv) != 0)
		return 0;
	struct proc_spec spec = {
	    .argv = argv, .wall_limit = 20, .run_uid = j->uid, .run_gid = j->gid};
	struct proc_result r;
	return proc_run(&spec, &r) == 0 && r.exited && r.exit_code == 0;
}

int jail_hide(struct jail *j, const char *dir)
{
	if (j->n_hide == JAIL_MAX_HIDE)
		return -1;
	snprintf(j->hide[j->n_hide++], sizeof j->hide[0], "%s", dir);
	return 0;
}

void jail_setup(struct jail *j, const char *course_root, const char *student_user)
{
	memset(j, 0, sizeof *j);
	snprintf(j->course_root, sizeof j->course_root, "%s", course_root);
	static const char *const grader_dirs[] = {"build", "solutions", ".course"};
	for (size_t i = 0; i < sizeof grader_dirs / sizeof *grader_dirs; i++) {
		char dir[PATH_MAX + 16];
		snprintf(dir, sizeof dir, "%s/%s", course_root, grader_dirs[i]);
		struct stat st;
		if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
			jail_hide(j, dir);
	}
	find_student(j, student_user);
	if (find_bwrap(j->bwrap, sizeof j->bwrap) == 0) {
		j->mode = JAIL_NAMESPACES;
		if (namespaces_work(j))
			return;
		snprintf(j->why, sizeof j->why,
		         "bubblewrap cannot create user namespaces here (see 'make doctor')");
	} else {
		snprintf(j->why, sizeof j->why, "bubblewrap is not installed");
	}
	j->mode = j->uid ? JAIL_UID : JAIL_NONE;
	size_t n = strlen(j->why);
	snprintf(j->why + n, sizeof j->why - n, "%s",
	         j->uid ? ": the student's code ran as its own user, but could read the course"
	                : ": the student's code ran as the grader's user");
}

static int add(char **argv, size_t *n, char *arg)
{
	if (*n + 1 >= JAIL_MAX_ARGS)
		return -1;
	argv[(*n)++] = arg;
	return 0;
}

static int add_binds(char **argv, size_t *n, const char *const *paths, char *how)
{
	for (size_t i = 0; i < JAIL_MAX_BINDS && paths[i] != NULL; i++)
		if (add(argv, n, how) || add(argv, n, (char *)paths[i]) ||
		    add(argv, n, (char *)paths[i]))
			return -1;
	return 0;
}

int jail_argv(const struct jail *j, const struct jail_run *run, const char *cwd, char *const *inner,
              char **argv)
{
	size_t n = 0;
	if (j->mode == JAIL_NAMESPACES) {
		/* clang-format off */
		char *head[] = {
		    (char *)j->bwrap, "--unshare-all", "--die-with-parent", "--new-session",
		    "--cap-drop", "ALL", "--ro-bind", "/", "/", "--dev", "/dev",
		    "--ro-bind", "/dev/null", "/dev/zero", /* as in the batch's sandbox */
		    "--proc", "/proc", "--tmpfs", "/tmp", "--tmpfs", "/var/tmp",
		    "--tmpfs", "/dev/shm", NULL};
		/* clang-format on */
		for (size_t i = 0; head[i] != NULL; i++)
			if (add(argv, &n, head[i]))
				return -1;
		/* a course that lives under /tmp (a CI's clean clone) would vanish under the
		 * private /tmp: mount it again, read-only, before its grader folders are hidden */
		if (j->course_root[0] != '\0' &&
		    (add(argv, &n, "--ro-bind") || add(argv, &n, (char *)j->course_root) ||
		     add(argv, &n, (char *)j->course_root)))
			return -1;
		for (size_t i = 0; i < j->n_hide; i++)
			if (add(argv, &n, "--tmpfs") || add(argv, &n, (char *)j->hide[i]))
				return -1;
		/* what is shown again is read-only; the writable folders come last, so an output
		 * folder inside a shown one is still writable */
		if (add_binds(argv, &n, run->show, "--ro-bind") ||
		    add_binds(argv, &n, run->writable, "--bind"))
			return -1;
		/* the empty folders are read-only too, once the mount points in them exist */
		for (size_t i = 0; i < j->n_hide; i++)
			if (add(argv, &n, "--remount-ro") || add(argv, &n, (char *)j->hide[i]))
				return -1;
		if (add(argv, &n, "--chdir") || add(argv, &n, (char *)cwd) || add(argv, &n, "--"))
			return -1;
	}
	for (size_t i = 0; inner[i] != NULL; i++)
		if (add(argv, &n, inner[i]))
			return -1;
	argv[n] = NULL;
	return 0;
}

int jail_signal_of_exit(const struct jail *j, int exit_code)
{
	if (j == NULL || j->mode != JAIL_NAMESPACES)
		return 0;
	return exit_code > 128 && exit_code < 128 + 65 ? exit_code - 128 : 0;
}

int jail_give(const struct jail *j, const char *path)
{
	if (j == NULL || j->uid == 0)
		return 0;
	return chown(path, j->uid, j->gid);
}

int jail_folder(const struct jail *j, const char *path)
{
	return mkdir(path, 0755) == 0 && jail_give(j, path) == 0 ? 0 : -1;
}

void jail_sweep(const struct jail *j)
{
	if (j == NULL || j->mode != JAIL_UID || j->uid == 0)
		return;
	pid_t pid = fork();
	if (pid == 0) {
		/* as the student user, kill(-1) reaches exactly that user's processes */
		if (setgroups(0, NULL) != 0 || setresgid(j->gid, j->gid, j->gid) != 0 ||
		    setresuid(j->uid, j->uid, j->uid) != 0)
			_exit(1);
		for (int i = 0; i < SWEEP_ROUNDS && kill(-1, SIGKILL) == 0; i++)
			usleep(1000);
		_exit(0);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
}

const char *jail_mode_name(const struct jail *j)
{
	if (j == NULL)
		return "none";
	switch (j->mode) {
	case JAIL_NAMESPACES:
		return j->uid ? "namespaces+user" : "namespaces";
	case JAIL_UID:
		return "user";
	default:
		return "none";
	}
}
