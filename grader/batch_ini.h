/* batch_ini.h: DIR/batch.ini, what makes a batch one batch: the lesson, the secret seed drawn
 * once (the same for every student), the course version and when it was created; for a shard of
 * a batch split over machines, which shard it is and the submissions folder it was cut from
 * (batch-merge lists that folder to name every student a shard did not grade). A rerun into DIR
 * reuses it and refuses another lesson, seed or shard. */
#ifndef BATCH_INI_H
#define BATCH_INI_H

#include <limits.h>
#include <stddef.h>

struct batch_ini {
	char lesson[3];
	unsigned long long seed;
	char course_version[64];
	char created[32];
	unsigned shard, shards;     /* --shard I/N; 0/1 for a whole batch, 0/0 when not written */
	char submissions[PATH_MAX]; /* "" when not written (an older batch.ini) */
};

/* Reads path into b. Returns 0, 1 when there is no such file, -1 when it is malformed (err). */
int batch_ini_read(const char *path, struct batch_ini *b, char *err, size_t errlen);

/* Writes b to path (mode 0600: the seed is secret until grades are out). Returns 0 or -1. */
int batch_ini_write(const char *path, const struct batch_ini *b);

/* A fresh seed from the kernel's random source, 1 .. 2^31-1. */
unsigned long long batch_ini_draw_seed(void);

#endif
