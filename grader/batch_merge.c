/* batch_merge.c: `grade batch-merge --out DIR SHARD_DIR...`: one gradebook from the shards of a
 * batch split over machines (--shard I/N, same --seed): the JSON reports of every shard read back,
 * sorted by student, written as DIR/gradebook.csv and DIR/reports/. */
#include "batch.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "batch_row.h"
#include "class_report.h"
#include "gradebook.h"
#include "json_read.h"
#include "text_file.h"

static int by_student(const void *a, const void *b)
{
	return strcmp(((const struct batch_row *)a)->student,
	              ((const struct batch_row *)b)->student);
}

/* Appends the rows of shard/reports/ to *rows; returns -1 on an unreadable report. */
static int read_shard(const char *shard, struct batch_row **rows, size_t *n, size_t *cap,
                      const char *out)
{
	char dir[PATH_MAX + 16];
	snprintf(dir, sizeof dir, "%s/reports", shard);
	DIR *d = opendir(dir);
	if (d == NULL) {
		fprintf(stderr, "grade batch-merge: no reports in '%s'\n", shard);
		return -1;
	}
	struct dirent *e;
	int rc = 0;
	while (rc == 0 && (e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		if (len < 6 || strcmp(e->d_name + len - 5, ".json") != 0)
			continue;
		char path[PATH_MAX * 2], err[256];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		char *text = text_file_read(path, 4u << 20, 1, 1, err, sizeof err);
		struct json_value *v =
		    text ? json_parse(text, strlen(text), err, sizeof err) : NULL;
		if (*n == *cap)
			*rows = realloc(*rows, (*cap = *cap ? *cap * 2 : 64) * sizeof **rows);
		struct batch_row *row = &(*rows)[*n];
		memset(row, 0, sizeof *row);
		const char *lesson = json_string_or(v, "lesson", "");
		if (v == NULL || batch_row_from_json(v, lesson, row, err, sizeof err) != 0) {
			fprintf(stderr, "grade batch-merge: '%s': %s\n", path, err);
			rc = -1;
		} else {
			(*n)++;
			char copy[PATH_MAX * 2];
			snprintf(copy, sizeof copy, "%s/reports/%s", out, e->d_name);
			FILE *f = fopen(copy, "w");
			if (f != NULL) {
				fputs(text, f);
				fclose(f);
			}
		}
		json_free(v);
		free(text);
	}
	closedir(d);
	return rc;
}

int batch_merge_main(int argc, char **argv)
{
	const char *out = NULL;
	int first = 1;
	if (argc > 2 && strcmp(argv[1], "--out") == 0) {
		out = argv[2];
		first = 3;
	}
	if (out == NULL || first >= argc) {
		fputs("usage: grade batch-merge --out DIR SHARD_DIR...\n", stderr);
		return 2;
	}
	char reports[PATH_MAX + 16];
	mkdir(out, 0755);
	snprintf(reports, sizeof reports, "%s/reports", out);
	mkdir(reports, 0755);
	struct batch_row *rows = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;
	for (int i = first; i < argc; i++)
		if (read_shard(argv[i], &rows, &n, &cap, out) != 0)
			rc = 2;
	qsort(rows, n, sizeof *rows, by_student);
	char path[PATH_MAX + 16];
	snprintf(path, sizeof path, "%s/gradebook.csv", out);
	if (gradebook_write_csv(path, rows, n) != 0)
		rc = 2;
	if (class_report_write(out, rows, n) != 0)
		rc = 2;
	fprintf(stderr, "grade batch-merge: %zu students from %d shards: %s\n", n, argc - first,
	        path);
	free(rows);
	return rc;
}
