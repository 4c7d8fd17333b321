/* jail.h: the boundary around every process that runs student code in an official grading
 * (DESIGN.md, "Isolation"). A jailed run is one bubblewrap process tree of its own:
 *  - a new user namespace with no capability over the grader's, and, when the grader is root,
 *    a second real identity (the student user, ngrade-student by default);
 *  - a new PID namespace: the grader's processes are invisible and cannot be signalled, and
 *    when the run's first process ends the kernel kills every process left in it, so nothing
 *    outlives the run (a setsid daemon included);
 *  - no network, IPC or UTS shared with the host;
 *  - the whole file system read-only, the grader's folders (build/, solutions/, .course/ and
 *    any the caller names) replaced by empty ones, then only what this run needs shown again:
 *    the sealed copies of the binaries it runs (read-only) and one folder it may write (its
 *    output files, which the grader reads once the run is over).
 * Where no user namespace can be made, a root grader still runs the student's processes as
 * the student user and kills every process of that user after each run; the grade is then
 * "unverified", since the course's files stay readable. */
#ifndef JAIL_H
#define JAIL_H

#include <limits.h>
#include <stddef.h>

#define JAIL_MAX_HIDE  8
#define JAIL_MAX_BINDS 8
#define JAIL_MAX_ARGS  (64 + 4 * JAIL_MAX_HIDE + 6 * JAIL_MAX_BINDS)

enum jail_mode {
	JAIL_NONE,       /* run as the grader: a local estimate */
	JAIL_UID,        /* a second user, swept after each run, no namespaces: unverified */
	JAIL_NAMESPACES, /* bubblewrap per run (and the student user when the grader is root) */
};

struct jail {
	enum jail_mode mode;
	char bwrap[PATH_MAX];
	unsigned uid, gid; /* the student identity; 0: the grader's own (a slot user in a batch) */
	char course_root[PATH_MAX]; /* shown again over the private /tmp (a clone in /tmp) */
	char hide[JAIL_MAX_HIDE][PATH_MAX]; /* absolute folders replaced by an empty tmpfs */
	size_t n_hide;
	char why[256]; /* for JAIL_NONE and JAIL_UID: what is missing, for the report */
};

/* What one run may see beyond the read-only system: absolute paths, NULL-terminated. */
struct jail_run {
	const char *show[JAIL_MAX_BINDS];     /* shown again read-only (inside a hidden folder) */
	const char *writable[JAIL_MAX_BINDS]; /* the run's output folders */
};

/* Chooses the strongest mode this host allows for a grader that must isolate: namespaces
 * (tried with a real bubblewrap run), else the student user when root, else none; why says
 * what is missing. course_root's build/, solutions/ and .course/ are hidden. student_user is
 * the identity a root grader runs student code as (NULL: ngradestu1). */
void jail_setup(struct jail *j, const char *course_root, const char *student_user);

/* Adds an absolute folder to hide. Returns 0, or -1 when the table is full. */
int jail_hide(struct jail *j, const char *dir);

/* The command line that runs inner (NULL-terminated) in the jail with cwd as its working
 * folder; argv must hold JAIL_MAX_ARGS pointers. In JAIL_UID and JAIL_NONE modes inner is
 * copied as it is. Returns 0, or -1 when it does not fit. */
int jail_argv(const struct jail *j, const struct jail_run *run, const char *cwd, char *const *inner,
              char **argv);

/* bwrap reports a command killed by signal N as exit 128+N: gives the signal back, or 0. */
int jail_signal_of_exit(const struct jail *j, int exit_code);

/* Makes path (created by the grader) writable by the student identity. Returns 0 or -1. */
int jail_give(const struct jail *j, const char *path);

/* Creates a run's own folder at path, writable by the student identity (j may be NULL).
 * Returns 0, or -1 with errno set. */
int jail_folder(const struct jail *j, const char *path);

/* Kills every process of the student identity (JAIL_UID: what a run left behind). A no-op in
 * the other modes, where the PID namespace already took them. */
void jail_sweep(const struct jail *j);

/* "namespaces", "namespaces+user", "user", "none": for the report. */
const char *jail_mode_name(const struct jail *j);

#endif
