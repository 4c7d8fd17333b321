/* impl.h: which code is graded. Resolves the --impl rules of DESIGN section 6.3 into one folder of
 * student files, staged (for anything but the lesson folder itself) under build/staging/NN/ with
 * the intake checks: regular files only, no symbolic links, size-capped, text. */
#ifndef IMPL_H
#define IMPL_H

#include <limits.h>
#include <stddef.h>

#include "manifest.h"

struct impl {
	char name[48];          /* student, reference, skeleton, or impl-<hash> when staged */
	char src_dir[PATH_MAX]; /* the folder holding the student file(s) */
	char out_dir[PATH_MAX]; /* where its binaries are built */
	int staged;             /* 1: built through IMPL_SRC/IMPL_OUT */
};

/* Lesson folders and the course's known implementations. */
void impl_known(const char *name, const char *lesson_dir, const char *id, struct impl *out);

/* Applies the --impl rules to args[0..n) and stages the result. Returns 0, or -1 with a reason
 * in err (a missing file, a symbolic link, a binary file ...), which grades as build_failed. */
int impl_stage(const struct manifest *m, const char *lesson_dir, char *const *args, size_t n,
               struct impl *out, char *err, size_t errlen);

#endif
