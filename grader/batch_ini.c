/* batch_ini.c: reading and writing DIR/batch.ini. */
#include "batch_ini.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "files.h"

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strcspn(s, ";\r\n");
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	s[n] = '\0';
	return s;
}

int batch_ini_read(const char *path, struct batch_ini *b, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return errno == ENOENT ? 1 : (snprintf(err, errlen, "cannot read '%s'", path), -1);
	memset(b, 0, sizeof *b);
	char line[PATH_MAX + 64];
	int has_seed = 0, lineno = 0, rc = 0;
	while (rc == 0 && fgets(line, sizeof line, f) != NULL) {
		lineno++;
		char *s = trim(line), *eq = strchr(s, '=');
		if (*s == '\0' || *s == '[' || eq == NULL)
			continue;
		*eq = '\0';
		char *key = trim(s), *value = trim(eq + 1), *end;
		if (!strcmp(key, "lesson"))
			snprintf(b->lesson, sizeof b->lesson, "%s", value);
		else if (!strcmp(key, "seed")) {
			b->seed = strtoull(value, &end, 10);
			has_seed = *end == '\0' && *value != '\0';
			if (!has_seed)
				rc = -1;
		} else if (!strcmp(key, "course_version"))
			snprintf(b->course_version, sizeof b->course_version, "%s", value);
		else if (!strcmp(key, "created"))
			snprintf(b->created, sizeof b->created, "%s", value);
		else if (!strcmp(key, "submissions"))
			snprintf(b->submissions, sizeof b->submissions, "%s", value);
		else if (!strcmp(key, "shard")) {
			char extra;
			if (sscanf(value, "%u/%u%c", &b->shard, &b->shards, &extra) != 2 ||
			    b->shards == 0 || b->shard >= b->shards) {
				snprintf(err, errlen,
				         "'%s' line %d: want 'shard = I/N', 0 <= I < N", path,
				         lineno);
				fclose(f);
				return -1;
			}
		}
	}
	fclose(f);
	if (rc != 0 || !has_seed || b->lesson[0] == '\0') {
		snprintf(err, errlen, "'%s' line %d: want 'lesson = NN' and 'seed = N'", path,
		         lineno);
		return -1;
	}
	return 0;
}

static int write_ini(FILE *f, const void *arg)
{
	const struct batch_ini *b = arg;
	fprintf(f,
	        "; batch.ini: one batch of 'grade batch'; a rerun into this folder reuses it\n"
	        "format_version = 1\n[batch]\nlesson = %s\nseed = %llu\n"
	        "course_version = %s\ncreated = %s\nshard = %u/%u\nsubmissions = %s\n",
	        b->lesson, b->seed, b->course_version, b->created, b->shard,
	        b->shards ? b->shards : 1, b->submissions);
	return 0;
}

int batch_ini_write(const char *path, const struct batch_ini *b)
{
	return file_write_atomic(path, 0600, write_ini, b);
}

unsigned long long batch_ini_draw_seed(void)
{
	unsigned int x = 0;
	if (getrandom(&x, sizeof x, 0) != (ssize_t)sizeof x)
		x = (unsigned)time(NULL) ^ (unsigned)getpid() << 16;
	x &= 0x7fffffffu;
	return x ? x : 1;
}
