/* impl.c: the --impl rules and the intake of student files (DESIGN section 6.3). */
#include "impl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "files.h"
#include "sha256.h"

#define MAX_STUDENT_FILE_BYTES (512 * 1024)

void impl_known(const char *name, const char *lesson_dir, const char *id, struct impl *out)
{
	memset(out, 0, sizeof *out);
	snprintf(out->name, sizeof out->name, "%s", name);
	const char *slug = strrchr(lesson_dir, '/');
	slug = slug ? slug + 1 : lesson_dir;
	if (strcmp(name, "reference") == 0)
		snprintf(out->src_dir, sizeof out->src_dir, "solutions/%s", slug);
	else if (strcmp(name, "skeleton") == 0)
		snprintf(out->src_dir, sizeof out->src_dir, "solutions/%s/skeleton", slug);
	else
		snprintf(out->src_dir, sizeof out->src_dir, "%s", lesson_dir);
	snprintf(out->out_dir, sizeof out->out_dir, "build/lessons/%s/%s", id, name);
}

static int is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static const char *base_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/* Reads one student file with the intake checks; returns malloc'd bytes or NULL. */
static char *intake(const char *path, size_t *len, char *err, size_t errlen)
{
	struct stat st;
	if (lstat(path, &st) != 0) {
		snprintf(err, errlen, "missing student file '%s': %s", path, strerror(errno));
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "'%s' is not a regular file (symbolic links are refused)",
		         path);
		return NULL;
	}
	if (st.st_size > MAX_STUDENT_FILE_BYTES) {
		snprintf(err, errlen, "'%s' is %lld bytes, over the %d-byte limit", path,
		         (long long)st.st_size, MAX_STUDENT_FILE_BYTES);
		return NULL;
	}
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	char *data = malloc((size_t)st.st_size + 1);
	ssize_t got = fd >= 0 && data ? read(fd, data, (size_t)st.st_size) : -1;
	if (fd >= 0)
		close(fd);
	if (got != st.st_size) {
		snprintf(err, errlen, "cannot read '%s'", path);
		free(data);
		return NULL;
	}
	if (memchr(data, '\0', (size_t)got) != NULL) {
		snprintf(err, errlen, "'%s' is not a text file (it holds NUL bytes)", path);
		free(data);
		return NULL;
	}
	*len = (size_t)got;
	return data;
}

/* Where student file `name` comes from under the rules: an --impl file named like it, or an
 * --impl folder that holds it (the first that does), else the first --impl if it is a file of
 * another name and name is the first student file, else the lesson folder. (The folder of a
 * file of another name once gave the rest, for the course's partial.c; the course's variants
 * are folders now, so a student's scratch folder never lends files by accident.) */
static void source_of(const struct manifest *m, size_t index, const char *lesson_dir,
                      char *const *args, size_t n, char *out, size_t len)
{
	const char *name = m->student_files[index];
	for (size_t i = 0; i < n; i++) {
		if (is_dir(args[i])) {
			snprintf(out, len, "%s/%s", args[i], name);
			if (access(out, F_OK) == 0)
				return;
		} else if (strcmp(base_of(args[i]), name) == 0) {
			snprintf(out, len, "%s", args[i]);
			return;
		}
	}
	for (size_t i = 0; index == 0 && i < n; i++) {
		int named_like_student = 0;
		for (size_t k = 0; k < m->n_student_files; k++)
			named_like_student |= strcmp(base_of(args[i]), m->student_files[k]) == 0;
		if (!is_dir(args[i]) && !named_like_student) {
			snprintf(out, len, "%s", args[i]);
			return;
		}
	}
	snprintf(out, len, "%s/%s", lesson_dir, name);
}

/* The staged folder is named by its content, so a file already there holds these bytes; a new
 * one appears whole (temporary file, then rename), never half-written under a grader that
 * builds the same submission at the same time. */
static int write_file(const char *path, const char *data, size_t len)
{
	if (access(path, F_OK) == 0)
		return 0;
	return file_write_atomic_bytes(path, 0644, data, len);
}

int impl_stage(const struct manifest *m, const char *lesson_dir, char *const *args, size_t n,
               struct impl *out, char *err, size_t errlen)
{
	char *data[MANIFEST_MAX_FILES] = {0};
	size_t lens[MANIFEST_MAX_FILES];
	struct sha256 h;
	sha256_init(&h);
	int rc = -1;
	for (size_t i = 0; i < m->n_student_files; i++) {
		char path[PATH_MAX];
		source_of(m, i, lesson_dir, args, n, path, sizeof path);
		if ((data[i] = intake(path, &lens[i], err, errlen)) == NULL)
			goto done;
		sha256_update(&h, m->student_files[i], strlen(m->student_files[i]) + 1);
		sha256_update(&h, data[i], lens[i]);
	}
	char hex[65];
	sha256_final_hex(&h, hex);
	memset(out, 0, sizeof *out);
	out->staged = 1;
	/* named by content: the same files build into the same folder, so their binaries and
	 * measurements are reused from the cache */
	snprintf(out->name, sizeof out->name, "impl-%.16s", hex);
	snprintf(out->out_dir, sizeof out->out_dir, "build/staging/%s/%s", m->id, out->name);
	snprintf(out->src_dir, sizeof out->src_dir, "%s/src", out->out_dir);
	char cmd[PATH_MAX + 32];
	snprintf(cmd, sizeof cmd, "%s", out->src_dir);
	for (char *p = cmd + 1; *p != '\0'; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(cmd, 0755);
			*p = '/';
		}
	mkdir(cmd, 0755);
	for (size_t i = 0; i < m->n_student_files; i++) {
		char path[PATH_MAX + 80];
		snprintf(path, sizeof path, "%s/%s", out->src_dir, m->student_files[i]);
		if (write_file(path, data[i], lens[i]) != 0) {
			snprintf(err, errlen, "cannot stage '%s': %s", path, strerror(errno));
			goto done;
		}
	}
	rc = 0;
done:
	for (size_t i = 0; i < m->n_student_files; i++)
		free(data[i]);
	return rc;
}
