/* text_file.c: whole-file reads with a size limit and a text check. */
#include "text_file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK 65536

static char *failed(char *err, size_t errlen, const char *path, const char *why, char *buf)
{
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "%s: %s", path, why);
	free(buf);
	return NULL;
}

char *text_file_read(const char *path, size_t limit, int refuse_long, int refuse_nul, char *err,
                     size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return failed(err, errlen, path, strerror(errno), NULL);
	char *buf = NULL;
	size_t len = 0, cap = 0, got;
	int too_long = 0;
	do {
		if (len + CHUNK + 1 > cap) {
			cap = (len + CHUNK + 1) * 2;
			char *grown = realloc(buf, cap);
			if (grown == NULL) {
				fclose(f);
				return failed(err, errlen, path, "out of memory", buf);
			}
			buf = grown;
		}
		got = fread(buf + len, 1, CHUNK, f);
		len += got;
		if (limit > 0 && len > limit) {
			len = limit;
			too_long = 1;
			break;
		}
	} while (got > 0);
	int read_error = ferror(f) ? errno : 0;
	fclose(f);
	if (read_error)
		return failed(err, errlen, path, strerror(read_error), buf);
	if (too_long && refuse_long)
		return failed(err, errlen, path, "too large", buf);
	if (refuse_nul && memchr(buf, '\0', len) != NULL)
		return failed(err, errlen, path, "holds a NUL byte: not a text file", buf);
	buf[len] = '\0';
	return buf;
}
