/* files.h: the file and folder helpers of the grader and the measurement engine: a file written
 * whole or not at all, a folder made with its parents, a path made absolute, a folder removed
 * with everything in it. */
#ifndef FILES_H
#define FILES_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

/* Writes path whole or not at all: write(f, arg) fills a temporary file beside it, which is
 * flushed to disk (fsync) and renamed over path, so a reader, a crash or a rerun never sees
 * half of it. write returns 0, or -1 to abandon the file. The temporary name is unique per
 * call, so threads of one process may write at once. Returns 0, or -1 with errno set and
 * nothing left behind. */
int file_write_atomic(const char *path, mode_t mode, int (*write)(FILE *f, const void *arg),
                      const void *arg);

/* file_write_atomic of len bytes of data. */
int file_write_atomic_bytes(const char *path, mode_t mode, const void *data, size_t len);

/* mkdir -p path: makes path and the folders above it that are missing; what exists stays. */
void mkdirs(const char *path, mode_t mode);

/* path as seen from the current folder, written into out (len bytes). Returns 0, or -1 when
 * the current folder is unknown or the result does not fit. */
int path_absolute(const char *path, char *out, size_t len);

/* Removes path and everything below it, not following links; keeps going past what cannot be
 * removed (a few empty folders at worst). A missing path is not an error. rm -rf in process:
 * no shell, since the path may hold a student's name. */
void tree_remove(const char *path);

#endif
