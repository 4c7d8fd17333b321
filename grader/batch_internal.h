/* batch_internal.h: what the parts of `grade batch` share (batch.c runs the batch;
 * batch_options.c reads its command line; batch_child.c runs one submission's child grader).
 * Not for other files: batch.h is the batch's interface. */
#ifndef BATCH_INTERNAL_H
#define BATCH_INTERNAL_H

#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <time.h>

#include "batch_ini.h"
#include "batch_row.h"
#include "manifest.h"
#include "sandbox.h"
#include "submissions.h"

#define MAX_JOBS         16
#define CHILD_WALL_LIMIT 1200.0         /* one submission, everything included: a backstop */
#define CHILD_FILE_LIMIT (256ULL << 20) /* = the largest nested limit (Valgrind outputs) */
#define CHILD_AS_LIMIT   (4ULL << 30)   /* per process; Valgrind needs under 2 GiB here */
/* per slot user, threads included: make, gcc, Valgrind, the tests, and lesson 10's load run of
 * a thread-per-connection server (256+) */
#define CHILD_PROCESSES    1024
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
	const volatile sig_atomic_t *stopping; /* set by SIGTERM (batch.c) */
};

/* DIR/fmt...: a path in the batch's output folder. */
void batch_out_path(const struct batch *b, char *buf, size_t len, const char *fmt, ...);

/* Reads the command line into o. Returns 0, 1 for --help (printed), or 2 after a message. */
int batch_parse_options(int argc, char **argv, struct batch_options *o);

/* Reads a child's JSON report into row; the report's bytes are kept in *text. */
int batch_read_report(const struct batch *b, const char *path, struct batch_row *row, char **text,
                      char *err, size_t errlen);

/* Runs the child grader of submission i, staged in work, on the users slot leases
 * (slot_lease.h); fills row from its report, whose bytes it keeps in *report. Returns 1 when the
 * child was killed by a signal it was not sent for its wall limit (a cluster stopping the task),
 * else 0. */
int batch_run_child(struct batch *b, size_t i, unsigned slot, const char *work,
                    struct batch_row *row, char **report);

#endif
