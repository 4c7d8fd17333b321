/* submissions.c: listing a batch's submissions and taking the student files out of each. */
#include "submissions.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#define MAX_STUDENT_FILE_BYTES (512 * 1024)
#define MAX_ARCHIVE_BYTES      (64L * 1024 * 1024)
#define MAX_MEMBERS            4096

/* {=== listing ===} */

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n > k && strcmp(s + n - k, suffix) == 0;
}

static void classify(const char *dir, const char *entry, struct submission *s)
{
	memset(s, 0, sizeof *s);
	snprintf(s->path, sizeof s->path, "%s/%s", dir, entry);
	snprintf(s->name, sizeof s->name, "%s", entry);
	struct stat st;
	s->kind = SUBMISSION_OTHER;
	if (lstat(s->path, &st) != 0 || S_ISLNK(st.st_mode))
		return;
	static const struct {
		const char *suffix;
		enum submission_kind kind;
	} archives[] = {
	    {".tar.gz", SUBMISSION_TAR_GZ}, {".tgz", SUBMISSION_TAR_GZ}, {".zip", SUBMISSION_ZIP}};
	if (S_ISDIR(st.st_mode)) {
		s->kind = SUBMISSION_FOLDER;
		return;
	}
	for (size_t i = 0; S_ISREG(st.st_mode) && i < sizeof archives / sizeof *archives; i++)
		if (ends_with(entry, archives[i].suffix)) {
			s->kind = archives[i].kind;
			s->name[strlen(entry) - strlen(archives[i].suffix)] = '\0';
			return;
		}
}

/* By name, then by path: alice/ and alice.zip list in one order on every machine, whatever
 * order the filesystem returns them in (each shard of a batch and batch-merge list the folder). */
static int by_name(const void *a, const void *b)
{
	const struct submission *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	return c ? c : strcmp(x->path, y->path);
}

/* Two entries naming one student (alice/ and alice.zip): the later keeps its whole name. */
static void disambiguate(struct submission *all, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (strcmp(all[i].name, all[i - 1].name) == 0) {
			const char *base = strrchr(all[i].path, '/');
			snprintf(all[i].name, sizeof all[i].name, "%s", base ? base + 1 : "");
		}
}

struct submission *submissions_list(const char *dir, size_t *n, char *err, size_t errlen)
{
	DIR *d = opendir(dir);
	if (d == NULL) {
		snprintf(err, errlen, "cannot open the submissions folder '%s': %s", dir,
		         strerror(errno));
		return NULL;
	}
	size_t cap = 16;
	struct submission *all = malloc(cap * sizeof *all);
	struct dirent *e;
	*n = 0;
	while (all != NULL && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (*n == cap) {
			struct submission *grown = realloc(all, (cap *= 2) * sizeof *all);
			if (grown == NULL) {
				free(all);
				all = NULL;
				break;
			}
			all = grown;
		}
		classify(dir, e->d_name, &all[(*n)++]);
	}
	closedir(d);
	if (all == NULL) {
		snprintf(err, errlen, "out of memory listing '%s'", dir);
		return NULL;
	}
	qsort(all, *n, sizeof *all, by_name);
	disambiguate(all, *n);
	return all;
}

size_t submissions_shard(struct submission *all, size_t n, unsigned shard, unsigned shards)
{
	if (shards <= 1)
		return n;
	size_t kept = 0;
	for (size_t i = 0; i < n; i++)
		if (i % shards == shard)
			all[kept++] = all[i];
	return kept;
}

/* }=== */

/* {=== reading one student file without following any link ===} */

/* Opens root/rel refusing every symbolic link on the way and any path leaving root. */
static int open_beneath(const char *root, const char *rel)
{
	int dir = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (dir < 0)
		return -1;
	struct open_how how = {.flags = O_RDONLY | O_CLOEXEC | O_NOFOLLOW,
	                       .resolve =
	                           RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS};
	int fd = (int)syscall(SYS_openat2, dir, rel, &how, sizeof how);
	int saved = errno;
	close(dir);
	errno = saved;
	return fd;
}

/* Reads root/rel with the intake checks into dest. Returns 0, 1 (refused, err set) or 2 (no
 * such file: the caller tries the next place). */
static int copy_student_file(const char *root, const char *rel, const char *dest, char *err,
                             size_t errlen)
{
	struct stat st;
	char path[PATH_MAX * 2];
	snprintf(path, sizeof path, "%s/%s", root, rel);
	if (lstat(path, &st) != 0)
		return 2;
	int fd = open_beneath(root, rel);
	if (fd < 0 || S_ISLNK(st.st_mode)) {
		snprintf(err, errlen, "'%s' is reached through a symbolic link (refused)", rel);
		if (fd >= 0)
			close(fd);
		return 1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > MAX_STUDENT_FILE_BYTES) {
		snprintf(err, errlen, "'%s' is not a regular file of at most %d bytes", rel,
		         MAX_STUDENT_FILE_BYTES);
		close(fd);
		return 1;
	}
	char *data = malloc((size_t)st.st_size + 1);
	ssize_t got = data ? read(fd, data, (size_t)st.st_size) : -1;
	close(fd);
	int rc = 1;
	if (got != st.st_size)
		snprintf(err, errlen, "cannot read '%s'", rel);
	else if (memchr(data, '\0', (size_t)got) != NULL)
		snprintf(err, errlen, "'%s' is not a text file (it holds NUL bytes)", rel);
	else {
		FILE *out = fopen(dest, "w");
		rc = out && fwrite(data, 1, (size_t)got, out) == (size_t)got ? 0 : -1;
		if (out && fclose(out) != 0)
			rc = -1;
		if (rc != 0)
			snprintf(err, errlen, "cannot write '%s': %s", dest, strerror(errno));
	}
	free(data);
	return rc;
}

/* The places a student file may sit, relative to a submission's root. */
static int find_in_tree(const char *root, const char *file, const char *slug, const char *dest,
                        char *err, size_t errlen)
{
	char rel[2][PATH_MAX];
	snprintf(rel[0], sizeof rel[0], "%s", file);
	snprintf(rel[1], sizeof rel[1], "lessons/%s/%s", slug, file);
	for (int i = 0; i < 2; i++) {
		int rc = copy_student_file(root, rel[i], dest, err, errlen);
		if (rc != 2)
			return rc;
	}
	/* an archive of the student's folder: one top-level folder holding the submission */
	DIR *d = opendir(root);
	struct dirent *e;
	char top[PATH_MAX] = "";
	int tops = 0;
	while (d != NULL && (e = readdir(d)) != NULL)
		if (e->d_name[0] != '.' && e->d_type == DT_DIR && tops++ == 0)
			snprintf(top, sizeof top, "%s", e->d_name);
	if (d != NULL)
		closedir(d);
	for (int i = 0; tops == 1 && i < 2; i++) {
		char nested[PATH_MAX * 2];
		snprintf(nested, sizeof nested, "%s/%s", top, rel[i]);
		int rc = copy_student_file(root, nested, dest, err, errlen);
		if (rc != 2)
			return rc;
	}
	snprintf(err, errlen, "no '%s' at the top of the submission or at lessons/%s/%s", file,
	         slug, file);
	return 1;
}

/* }=== */

/* {=== archives ===} */

int submissions_unsafe_member(const char *name)
{
	if (name[0] == '/')
		return 1;
	for (const char *p = name; (p = strstr(p, "..")) != NULL; p += 2)
		if ((p == name || p[-1] == '/') && (p[2] == '\0' || p[2] == '/'))
			return 1;
	return 0;
}

/* The folders of rel (a checked, relative member name) under root, made one by one. */
static int make_parents(const char *root, const char *rel)
{
	char path[PATH_MAX * 2];
	int n = snprintf(path, sizeof path, "%s/%s", root, rel);
	if (n < 0 || (size_t)n >= sizeof path)
		return -1;
	for (char *p = path + strlen(root) + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (mkdir(path, 0700) != 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return 0;
}

/* A member worth writing: a regular file named like a student file (find_in_tree then looks
 * for it at the places a submission may hold it). */
static int wanted_member(struct archive_entry *e, const struct manifest *m)
{
	if (archive_entry_filetype(e) != AE_IFREG)
		return 0;
	const char *name = archive_entry_pathname(e);
	const char *base = strrchr(name, '/');
	base = base ? base + 1 : name;
	for (size_t i = 0; i < m->n_student_files; i++)
		if (strcmp(base, m->student_files[i]) == 0)
			return 1;
	return 0;
}

/* Writes the member libarchive is at into root/rel, refusing one over the student file limit. */
static int write_member(struct archive *a, const char *root, const char *rel, char *err,
                        size_t errlen)
{
	char path[PATH_MAX * 2];
	snprintf(path, sizeof path, "%s/%s", root, rel);
	if (make_parents(root, rel) != 0) {
		snprintf(err, errlen, "cannot extract '%.200s': %s", rel, strerror(errno));
		return -1;
	}
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		/* the same name twice: the archive is ambiguous about what the student meant */
		snprintf(err, errlen, "archive entry '%.200s' appears twice (refused)", rel);
		return 1;
	}
	char buf[16384];
	la_ssize_t got;
	size_t total = 0;
	int rc = 0;
	while ((got = archive_read_data(a, buf, sizeof buf)) > 0) {
		total += (size_t)got;
		if (total > MAX_STUDENT_FILE_BYTES) {
			snprintf(err, errlen, "archive entry '%.200s' is over %d bytes (refused)",
			         rel, MAX_STUDENT_FILE_BYTES);
			rc = 1;
			break;
		}
		if (write(fd, buf, (size_t)got) != got) {
			snprintf(err, errlen, "cannot extract '%.200s': %s", rel, strerror(errno));
			rc = -1;
			break;
		}
	}
	if (rc == 0 && got < 0) {
		snprintf(err, errlen, "cannot read '%.200s' in the archive: %s", rel,
		         archive_error_string(a));
		rc = 1;
	}
	if (close(fd) != 0 && rc == 0)
		rc = -1;
	return rc;
}

/* Reads the archive in this process with libarchive: every entry's name is checked before
 * anything is written (none may leave its folder, at most MAX_MEMBERS), and only regular files
 * named like a student file are written, under scratch. No tool runs, so there is no gap
 * between a listing and an extraction for a crafted archive to use, and no link, device or
 * name with a pattern character is ever made on disk. */
static int extract(const struct submission *s, const struct manifest *m, const char *scratch,
                   char *err, size_t errlen)
{
	const char *format = s->kind == SUBMISSION_ZIP ? "zip" : "tar.gz";
	struct archive *a = archive_read_new();
	if (a == NULL)
		return -1;
	if (s->kind == SUBMISSION_ZIP) {
		archive_read_support_format_zip(a);
	} else {
		archive_read_support_filter_gzip(a);
		archive_read_support_format_tar(a);
	}
	int rc = 0;
	size_t members = 0, written = 0;
	if (archive_read_open_filename(a, s->path, 16384) != ARCHIVE_OK) {
		snprintf(err, errlen, "'%s' is not a readable %s archive", s->name, format);
		archive_read_free(a);
		return 1;
	}
	if (mkdir(scratch, 0700) != 0) {
		snprintf(err, errlen, "cannot create '%s': %s", scratch, strerror(errno));
		archive_read_free(a);
		return -1;
	}
	struct archive_entry *e;
	int next;
	while (rc == 0 && (next = archive_read_next_header(a, &e)) != ARCHIVE_EOF) {
		if (next < ARCHIVE_WARN) {
			snprintf(err, errlen, "'%s' is not a readable %s archive", s->name, format);
			rc = 1;
			break;
		}
		const char *name = archive_entry_pathname(e);
		if (name == NULL || name[0] == '\0' || submissions_unsafe_member(name)) {
			snprintf(err, errlen, "archive entry '%.200s' leaves its folder (refused)",
			         name ? name : "");
			rc = 1;
		} else if (++members > MAX_MEMBERS) {
			snprintf(err, errlen, "the archive has over %d entries (refused)",
			         MAX_MEMBERS);
			rc = 1;
		} else if (wanted_member(e, m)) {
			rc = write_member(a, scratch, name, err, errlen);
			written++;
		}
	}
	archive_read_free(a);
	if (rc == 0 && written == 0) {
		snprintf(err, errlen, "the archive holds no '%s'", m->student_files[0]);
		rc = 1;
	}
	return rc;
}

/* }=== */

int submissions_take(const struct submission *s, const struct manifest *m, const char *slug,
                     const char *dest, const char *scratch, char *err, size_t errlen)
{
	const char *root = s->path;
	if (s->kind == SUBMISSION_OTHER) {
		snprintf(err, errlen, "not a folder, .tar.gz or .zip (symbolic links are refused)");
		return 1;
	}
	if (s->kind != SUBMISSION_FOLDER) {
		struct stat st;
		if (stat(s->path, &st) != 0 || st.st_size > MAX_ARCHIVE_BYTES) {
			snprintf(err, errlen, "the archive is over %ld bytes (refused)",
			         MAX_ARCHIVE_BYTES);
			return 1;
		}
		int rc = extract(s, m, scratch, err, errlen);
		if (rc != 0)
			return rc;
		root = scratch;
	}
	if (mkdir(dest, 0755) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "cannot create '%s': %s", dest, strerror(errno));
		return -1;
	}
	for (size_t i = 0; i < m->n_student_files; i++) {
		char to[PATH_MAX * 2];
		snprintf(to, sizeof to, "%s/%s", dest, m->student_files[i]);
		int rc = find_in_tree(root, m->student_files[i], slug, to, err, errlen);
		if (rc != 0)
			return rc;
	}
	return 0;
}
