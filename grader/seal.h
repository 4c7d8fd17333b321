/* seal.h: what is measured is what was built and checked (DESIGN.md, "Isolation"). Right after
 * the student's code is linked, and before the static checks read it, every file the build made
 * is hashed; the programs that will run are copied into a sealed folder that only the grader
 * writes, and only those copies run. seal_verify, called before each run and at the end,
 * refuses the grading when any hash differs. */
#ifndef SEAL_H
#define SEAL_H

#include <limits.h>
#include <stddef.h>

#define SEAL_MAX_FILES 32

struct seal {
	char dir[PATH_MAX];  /* absolute: OUT_DIR/sealed.PID */
	char runs[PATH_MAX]; /* absolute: OUT_DIR/runs.PID, the runs' folders and console files */
	size_t n;
	struct {
		char path[PATH_MAX]; /* a build product, or a sealed copy */
		char hash[65];
	} files[SEAL_MAX_FILES];
};

/* Hashes every regular file of out_dir and its variant folders (objects, programs), then
 * copies the programs (bench, test, race, alloc-fail) into out_dir/sealed.PID, read-only, and makes
 * an empty out_dir/runs.PID of its own, beside any other grading of the same code. Returns 0,
 * or -1 with a reason. */
int seal_impl(const char *out_dir, struct seal *s, char *err, size_t errlen);

/* The sealed copy of program name ("bench", "test", ...), absolute, into buf. */
const char *seal_program(const struct seal *s, const char *name, char *buf, size_t len);

/* Hashes everything again. Returns 0, or -1 naming the first file that changed. */
int seal_verify(const struct seal *s, char *err, size_t errlen);

/* Removes the sealed copies at the end of a grading; the runs' folder stays for disputes, until
 * a later grading of the same code finds this one over. */
void seal_release(const struct seal *s);

#endif
