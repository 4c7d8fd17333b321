/* build.c: runs `make` for one implementation and keeps its log beside the binaries. */
#include "build.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "files.h"
#include "proc.h"

#define BUILD_WALL_LIMIT 300.0

/* The compiler's messages: the log without make's own chatter, at most len bytes from its
 * start (the first error is the one to read). */
static void read_messages(const char *log, char *out, size_t len)
{
	FILE *f = fopen(log, "r");
	out[0] = '\0';
	if (f == NULL)
		return;
	char line[1024];
	size_t used = 0;
	while (fgets(line, sizeof line, f) != NULL && used + 1 < len) {
		if (strncmp(line, "make", 4) == 0 || strncmp(line, "  CC ", 5) == 0 ||
		    strncmp(line, "  LD ", 5) == 0)
			continue;
		used += (size_t)snprintf(out + used, len - used, "%s", line);
	}
	fclose(f);
}

/* In a batch's sandbox the course's own implementations (reference, skeleton) were built once
 * before the batch, outside it, and are read-only there: never rebuilt per student, even when a
 * library they link changed meanwhile (a batch measures them once, with what it built). */
static int prebuilt(const struct impl *impl)
{
	char test[PATH_MAX + 8], bench[PATH_MAX + 8];
	snprintf(test, sizeof test, "%s/test", impl->out_dir);
	snprintf(bench, sizeof bench, "%s/bench", impl->out_dir);
	return !impl->staged && getenv("NGRADE_PREBUILT") != NULL && access(test, X_OK) == 0 &&
	       access(bench, X_OK) == 0;
}

int build_impl(const char *id, const struct impl *impl, char *err, size_t errlen, char *details,
               size_t details_len)
{
	char log[PATH_MAX + 16], all[PATH_MAX + 8];
	char lesson[16], src[PATH_MAX + 16], out[PATH_MAX + 16];
	if (prebuilt(impl))
		return 0;
	mkdirs(impl->out_dir, 0755);
	snprintf(log, sizeof log, "%s/build.log", impl->out_dir);
	snprintf(all, sizeof all, "%s/all", impl->out_dir);
	snprintf(lesson, sizeof lesson, "LESSON=%s", id);
	snprintf(src, sizeof src, "IMPL_SRC=%s", impl->src_dir);
	snprintf(out, sizeof out, "IMPL_OUT=%s", impl->out_dir);
	/* `all` also builds the race and alloc-fail gates of lessons that have them */
	char *argv[] = {"make", "--no-print-directory", "-s", lesson, src, out, all, NULL};
	if (!impl->staged) {
		argv[4] = all;
		argv[5] = NULL;
	}
	struct proc_spec spec = {
	    .argv = argv,
	    .stdout_path = log,
	    .stderr_path = log,
	    .wall_limit = BUILD_WALL_LIMIT,
	};
	struct proc_result r;
	/* two graders building one implementation (the same submission graded twice at once)
	 * would overwrite each other's objects: one builds, the other waits and finds it built */
	char lock_path[PATH_MAX + 16];
	snprintf(lock_path, sizeof lock_path, "%s/build.lock", impl->out_dir);
	int lock = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (lock >= 0)
		flock(lock, LOCK_EX);
	int started = proc_run(&spec, &r);
	if (lock >= 0)
		close(lock);
	if (started != 0) {
		snprintf(err, errlen, "cannot run make: %s", r.error);
		return -1;
	}
	if (r.exited && r.exit_code == 0)
		return 0;
	char how[128];
	read_messages(log, details, details_len);
	/* the reason carries the compiler's first error, the one to read first */
	const char *first = strstr(details, "error:");
	while (first != NULL && first > details && first[-1] != '\n')
		first--;
	if (first != NULL)
		snprintf(err, errlen, "build failed: %.*s", (int)strcspn(first, "\n"), first);
	else
		snprintf(err, errlen, "build failed: %s: make %s (log: %s)", impl->src_dir,
		         proc_describe(&r, how, sizeof how), log);
	return -1;
}
