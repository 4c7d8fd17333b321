/* submissions.h: the intake of a batch (DESIGN section 6.4, layer 1). Lists the submissions of a
 * folder (one sub-folder, .tar.gz/.tgz or .zip per student, named by it) and takes from each
 * only the lesson's student file(s), found at the top of the submission or at the lesson's path,
 * through no symbolic link, size-capped and text, into a fresh folder. Archives are read in
 * process with libarchive: an entry that leaves its folder refuses the whole archive before it
 * is extracted, and only regular files named like a student file are written, each size-capped.
 * No extraction tool runs and student names never reach a shell. */
#ifndef SUBMISSIONS_H
#define SUBMISSIONS_H

#include <limits.h>
#include <stddef.h>

#include "manifest.h"

enum submission_kind { SUBMISSION_FOLDER, SUBMISSION_TAR_GZ, SUBMISSION_ZIP, SUBMISSION_OTHER };

struct submission {
	char name[128];      /* the student: folder or archive name without extension */
	char path[PATH_MAX]; /* the folder or archive */
	enum submission_kind kind;
};

/* Lists dir's submissions sorted by name (hidden entries skipped; a symbolic link or another
 * kind of file is listed as SUBMISSION_OTHER and refused at intake); two naming one student
 * (alice/, alice.zip) get distinct names. Returns a malloc'd array and its length in *n, or
 * NULL with a reason in err. */
struct submission *submissions_list(const char *dir, size_t *n, char *err, size_t errlen);

/* Keeps, in place, the submissions of shard I of N of a listing: numbers I, I+N, I+2N, ...
 * (a cluster's task; batch-merge cuts the same shares to find what a shard did not grade).
 * Returns how many are kept; N <= 1 keeps all. */
size_t submissions_shard(struct submission *all, size_t n, unsigned shard, unsigned shards);

/* Takes the student files of s into dest/<file> (dest is created; scratch is a fresh folder
 * for archive extraction, removed by the caller). Returns 0, or 1 with a one-line reason in
 * err when the submission is refused, or -1 for an internal error. */
int submissions_take(const struct submission *s, const struct manifest *m, const char *slug,
                     const char *dest, const char *scratch, char *err, size_t errlen);

/* 1 when an archive member name is absolute or has a ".." component. */
int submissions_unsafe_member(const char *name);

#endif
