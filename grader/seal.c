/* seal.c: hashes of a submission's build products, and the sealed copies that run. */
#include "seal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "files.h"
#include "sha256.h"

static const char *const programs[] = {"bench", "test", "test-asan", "race", "alloc-fail"};

static int hash_of(const char *path, char hex[65])
{
	struct sha256 h;
	sha256_init(&h);
	if (sha256_file(&h, path) != 0)
		return -1;
	sha256_final_hex(&h, hex);
	return 0;
}

static int remember(struct seal *s, const char *path, char *err, size_t errlen)
{
	if (s->n == SEAL_MAX_FILES) {
		snprintf(err, errlen, "too many build products to seal");
		return -1;
	}
	snprintf(s->files[s->n].path, sizeof s->files[0].path, "%s", path);
	if (hash_of(path, s->files[s->n].hash) != 0) {
		snprintf(err, errlen, "cannot hash '%s': %s", path, strerror(errno));
		return -1;
	}
	s->n++;
	return 0;
}

/* Every regular file of dir and of its subfolders one level down (count/, measure/, ...). */
static int hash_tree(struct seal *s, const char *dir, int depth, char *err, size_t errlen)
{
	DIR *d = opendir(dir);
	if (d == NULL) {
		snprintf(err, errlen, "cannot read '%s': %s", dir, strerror(errno));
		return -1;
	}
	struct dirent *e;
	int rc = 0;
	while (rc == 0 && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' || !strncmp(e->d_name, "sealed", 6) ||
		    !strcmp(e->d_name, "src") || !strncmp(e->d_name, "runs", 4))
			continue;
		char path[PATH_MAX];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		struct stat st;
		if (lstat(path, &st) != 0)
			continue;
		size_t len = strlen(e->d_name);
		int product =
		    S_ISREG(st.st_mode) &&
		    ((st.st_mode & S_IXUSR) || (len > 2 && !strcmp(e->d_name + len - 2, ".o")));
		if (product)
			rc = remember(s, path, err, errlen);
		else if (S_ISDIR(st.st_mode) && depth == 0)
			rc = hash_tree(s, path, 1, err, errlen);
	}
	closedir(d);
	return rc;
}

static int copy_sealed(const char *from, const char *to)
{
	int in = open(from, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	int out = in < 0 ? -1 : open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
	char buf[65536];
	ssize_t got = 0;
	int ok = in >= 0 && out >= 0;
	while (ok && (got = read(in, buf, sizeof buf)) > 0)
		ok = write(out, buf, (size_t)got) == got;
	ok = ok && got == 0;
	if (in >= 0)
		close(in);
	if (out >= 0 && (fchmod(out, 0555) != 0 || close(out) != 0))
		ok = 0;
	return ok ? 0 : -1;
}

/* An empty folder at path, whatever an earlier grading left there. */
static int fresh_folder(const char *path, char *err, size_t errlen)
{
	tree_remove(path);
	if (mkdir(path, 0755) != 0) {
		snprintf(err, errlen, "cannot create '%s': %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Removes the sealed.PID and runs.PID folders of gradings that are over (their PID is gone),
 * so repeated gradings of one file do not pile them up. */
static void forget_dead_gradings(const char *out_dir)
{
	DIR *d = opendir(out_dir);
	struct dirent *e;
	while (d != NULL && (e = readdir(d)) != NULL) {
		const char *dot = strchr(e->d_name, '.');
		if (dot == NULL ||
		    (strncmp(e->d_name, "sealed.", 7) && strncmp(e->d_name, "runs.", 5)))
			continue;
		long pid = strtol(dot + 1, NULL, 10);
		if (pid > 0 && kill((pid_t)pid, 0) != 0 && errno == ESRCH) {
			char path[PATH_MAX];
			snprintf(path, sizeof path, "%s/%s", out_dir, e->d_name);
			tree_remove(path);
		}
	}
	if (d != NULL)
		closedir(d);
}

int seal_impl(const char *out_dir, struct seal *s, char *err, size_t errlen)
{
	memset(s, 0, sizeof *s);
	char abs_out[PATH_MAX];
	if (realpath(out_dir, abs_out) == NULL) {
		snprintf(err, errlen, "cannot find '%s': %s", out_dir, strerror(errno));
		return -1;
	}
	if (hash_tree(s, abs_out, 0, err, errlen) != 0)
		return -1;
	/* one pair per grading: two gradings of the same code (the same staging folder, as the
	 * course's own tests run them) must not clear each other's */
	forget_dead_gradings(abs_out);
	snprintf(s->dir, sizeof s->dir, "%s/sealed.%ld", abs_out, (long)getpid());
	snprintf(s->runs, sizeof s->runs, "%s/runs.%ld", abs_out, (long)getpid());
	if (fresh_folder(s->dir, err, errlen) != 0 || fresh_folder(s->runs, err, errlen) != 0)
		return -1;
	size_t built = s->n;
	for (size_t i = 0; i < sizeof programs / sizeof *programs; i++) {
		char from[PATH_MAX + 16], to[PATH_MAX + 16];
		snprintf(from, sizeof from, "%s/%s", abs_out, programs[i]);
		snprintf(to, sizeof to, "%s/%s", s->dir, programs[i]);
		if (access(from, F_OK) != 0)
			continue;
		if (copy_sealed(from, to) != 0 || remember(s, to, err, errlen) != 0) {
			snprintf(err, errlen, "cannot seal '%s': %s", from, strerror(errno));
			return -1;
		}
		/* the copy must hash as the build product did, or something changed it between */
		for (size_t k = 0; k < built; k++)
			if (!strcmp(s->files[k].path, from) &&
			    strcmp(s->files[k].hash, s->files[s->n - 1].hash) != 0) {
				snprintf(err, errlen, "'%s' changed while it was sealed", from);
				return -1;
			}
	}
	return 0;
}

const char *seal_program(const struct seal *s, const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", s->dir, name);
	return buf;
}

int seal_verify(const struct seal *s, char *err, size_t errlen)
{
	for (size_t i = 0; i < s->n; i++) {
		char now[65];
		if (hash_of(s->files[i].path, now) != 0 || strcmp(now, s->files[i].hash) != 0) {
			snprintf(err, errlen,
			         "'%s' changed after it was built and checked: this grading cannot "
			         "be trusted",
			         s->files[i].path);
			return -1;
		}
	}
	return 0;
}

void seal_release(const struct seal *s)
{
	if (s->dir[0] != '\0')
		tree_remove(s->dir);
}
