/* grade.h: grading one submission of one lesson in student mode: build, gate, measure, score.
 * The result is a report (report.h) that any report format can print. */
#ifndef GRADE_H
#define GRADE_H

#include <stddef.h>

#include "report.h"
#include "wall_lock.h"

struct grade_options {
	const char *lesson; /* "01" (or "1") */
	char *const *impls; /* --impl arguments */
	size_t n_impls;
	unsigned long long seed; /* used when has_seed; else the lesson's */
	int has_seed;
	const char *student;               /* name in the report; NULL: the first --impl's name, or
	                                      "student" */
	const char *cache_dir;             /* build/cache; NULL: measure everything afresh */
	const struct wall_lock *wall_lock; /* held shared for the whole run; NULL: none */
	int batch;                /* wall_ratio is scored only if the lesson says batch = scored */
	int verbose;              /* progress lines on stderr */
	int reference;            /* grade the reference build itself (--reference) */
	int no_wall;              /* skip native timing (counts only, e.g. for README checks) */
	const char *student_user; /* with isolate, as root: run student code as this user
	                             (NULL: ngradestu1) */
	const char *unverified;   /* a reason the caller knows (a batch without its sandbox): the
	                             grade is unverified even when the jail worked */
	int isolate;              /* an official grade: every process of student code in a jail
	                             (jail.h), the grade unverified where none can be made */
	int static_only;          /* build and run the static checks only (make lessonNN) */
	const char *keep_dir;     /* where the graded code's raw Valgrind outputs are copied (a
	                             batch keeps them for disputes); NULL: not kept */
};

/* Fills r. Returns 0 when r holds a report (any status), -1 for a usage or internal error
 * (unknown lesson, broken lesson.ini, the reference failing), with the message in err. */
int grade_run(const struct grade_options *o, struct grade_report *r, struct manifest *m, char *err,
              size_t errlen);

/* Builds the submission and runs only the static checks; r->status is "graded" when they
 * pass, else refused, build_failed or error with r->reason. Returns as grade_run does. */
int grade_static_only(const struct grade_options *o, struct grade_report *r, struct manifest *m,
                      char *err, size_t errlen);

/* The absolute path of the course folder, from the grader's own location (course_root.c).
 * COURSE_ROOT names it where code was written when the path was compiled in. */
const char *course_root(void);
#define COURSE_ROOT course_root()

/* The folder lessons/NN-slug of lesson id, relative to the course root, or -1 if there is none. */
int grade_find_lesson(const char *id, char *dir, size_t len);

#endif
