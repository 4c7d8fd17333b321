/* files.c: the file and folder helpers of the grader and the measurement engine. */
#include "files.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int file_write_atomic(const char *path, mode_t mode, int (*write)(FILE *f, const void *arg),
                      const void *arg)
{
	char tmp[PATH_MAX + 16];
	if (snprintf(tmp, sizeof tmp, "%s.tmpXXXXXX", path) >= (int)sizeof tmp) {
		errno = ENAMETOOLONG;
		return -1;
	}
	int fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -1;
	FILE *f = fchmod(fd, mode) == 0 ? fdopen(fd, "w") : NULL;
	if (f == NULL) {
		int saved = errno;
		close(fd);
		unlink(tmp);
		errno = saved;
		return -1;
	}
	int ok = write(f, arg) == 0 && fflush(f) == 0 && !ferror(f) && fsync(fileno(f)) == 0;
	int saved = errno;
	if (fclose(f) != 0 || !ok || rename(tmp, path) != 0) {
		saved = errno ? errno : saved;
		unlink(tmp);
		errno = saved ? saved : EIO;
		return -1;
	}
	return 0;
}

struct bytes {
	const void *data;
	size_t len;
};

static int write_bytes(FILE *f, const void *arg)
{
	const struct bytes *b = arg;
	return fwrite(b->data, 1, b->len, f) == b->len ? 0 : -1;
}

int file_write_atomic_bytes(const char *path, mode_t mode, const void *data, size_t len)
{
	struct bytes b = {data, len};
	return file_write_atomic(path, mode, write_bytes, &b);
}

void mkdirs(const char *path, mode_t mode)
{
	char tmp[PATH_MAX];
	snprintf(tmp, sizeof tmp, "%s", path);
	for (char *p = tmp + 1; *p != '\0'; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(tmp, mode);
			*p = '/';
		}
	mkdir(tmp, mode);
}

int path_absolute(const char *path, char *out, size_t len)
{
	if (path[0] == '/')
		return snprintf(out, len, "%s", path) < (int)len ? 0 : -1;
	char cwd[PATH_MAX];
	if (getcwd(cwd, sizeof cwd) == NULL)
		return -1;
	return snprintf(out, len, "%s/%s", cwd, path) < (int)len ? 0 : -1;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	remove(path);
	return 0; /* keep going */
}

void tree_remove(const char *path)
{
	nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}
