/* batch_merge.c: `grade batch-merge --out DIR SHARD_DIR...`: one gradebook from the shards of a
 * batch split over machines (--shard I/N, same --seed): the JSON reports of every shard read back,
 * sorted by student, written as DIR/gradebook.csv and DIR/reports/. Shards of another seed,
 * lesson or course version are refused, a student graded by two shards too; every student of
 * the submissions folder that no shard graded (a task killed, a node lost) gets a `missing` row
 * naming its shard, and the exit status says so. */
#include "batch.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "batch_ini.h"
#include "batch_row.h"
#include "class_report.h"
#include "gradebook.h"
#include "json_read.h"
#include "submissions.h"
#include "text_file.h"

struct merged {
	struct batch_row *rows;
	const char **from; /* from[i]: the shard folder rows[i] was read from */
	size_t n, cap;
};

static int by_student(const void *a, const void *b)
{
	return strcmp(((const struct batch_row *)a)->student,
	              ((const struct batch_row *)b)->student);
}

/* Room for one more row in m. */
static void merged_grow(struct merged *m)
{
	if (m->n < m->cap)
		return;
	m->cap = m->cap ? m->cap * 2 : 64;
	m->rows = realloc(m->rows, m->cap * sizeof *m->rows);
	m->from = realloc(m->from, m->cap * sizeof *m->from);
	if (m->rows == NULL || m->from == NULL) {
		fputs("grade batch-merge: out of memory\n", stderr);
		exit(2);
	}
}

static const char *merged_find(const struct merged *m, const char *student)
{
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->rows[i].student, student) == 0)
			return m->from[i];
	return NULL;
}

/* 1 when a report's course version is its shard's: the same, or the same release without the
 * commit (a child grader in the sandbox sees VERSION but not the course's git folder), or none
 * (a row the batch wrote itself for a submission that never reached the grader). */
static int same_version(const char *report, const struct batch_ini *ini)
{
	size_t release = strcspn(ini->course_version, "+");
	return report[0] == '\0' || strcmp(report, ini->course_version) == 0 ||
	       (strlen(report) == release && strncmp(report, ini->course_version, release) == 0);
}

/* Appends the rows of shard/reports/ to m; returns -1 on an unreadable report, one of another
 * batch (seed, course version) or a student another shard graded too. */
static int read_shard(const char *shard, const struct batch_ini *ini, struct merged *m,
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
		merged_grow(m);
		struct batch_row *row = &m->rows[m->n];
		memset(row, 0, sizeof *row);
		const char *twice = NULL;
		if (v == NULL || batch_row_from_json(v, ini->lesson, row, err, sizeof err) != 0) {
			fprintf(stderr, "grade batch-merge: '%s': %s\n", path, err);
			rc = -1;
		} else if (row->seed != ini->seed || !same_version(row->course_version, ini)) {
			fprintf(stderr,
			        "grade batch-merge: '%s': graded with seed %llu, course %s; its "
			        "shard's batch.ini says seed %llu, course %s: a report of another "
			        "batch\n",
			        path, row->seed, row->course_version, ini->seed,
			        ini->course_version);
			rc = -1;
		} else if ((twice = merged_find(m, row->student)) != NULL) {
			fprintf(
			    stderr,
			    "grade batch-merge: '%s' was graded by two shards: '%s' and '%s'\n"
			    "  a student belongs to one shard: were shards of two splits mixed?\n",
			    row->student, twice, shard);
			rc = -1;
		} else {
			m->from[m->n++] = shard;
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

/* 1 when folder/reports holds a report. */
static int has_reports(const char *folder)
{
	char dir[PATH_MAX + 16];
	snprintf(dir, sizeof dir, "%s/reports", folder);
	DIR *d = opendir(dir);
	struct dirent *e;
	int found = 0;
	while (d != NULL && !found && (e = readdir(d)) != NULL)
		found = strstr(e->d_name, ".json") != NULL;
	if (d != NULL)
		closedir(d);
	return found;
}

/* Reads every shard's batch.ini into inis[]; a folder without one and without reports (its task
 * died before it began) is left empty (lesson ""), its students are missing. Returns the index
 * of the first shard read, or -1 (after saying why) when the shards are not of one batch: one
 * lesson, one seed, one course version, one split. */
static int read_inis(char **shards, int n, struct batch_ini *inis)
{
	int first = -1;
	for (int i = 0; i < n; i++) {
		char path[PATH_MAX + 16], err[PATH_MAX + 128];
		snprintf(path, sizeof path, "%s/batch.ini", shards[i]);
		int rc = batch_ini_read(path, &inis[i], err, sizeof err);
		if (rc > 0 && !has_reports(shards[i])) {
			fprintf(stderr,
			        "grade batch-merge: '%s' has no batch.ini and no report: a "
			        "shard that never began\n",
			        shards[i]);
			continue;
		}
		if (rc != 0) {
			fprintf(stderr, "grade batch-merge: %s\n",
			        rc > 0 ? "reports without a batch.ini" : err);
			if (rc > 0)
				fprintf(stderr, "  in '%s': not a folder of grade batch\n",
				        shards[i]);
			return -1;
		}
		if (first < 0) {
			first = i;
			continue;
		}
		const struct batch_ini *a = &inis[first], *b = &inis[i];
		const char *what =
		    strcmp(a->lesson, b->lesson) != 0                   ? "lesson"
		    : a->seed != b->seed                                ? "seed"
		    : strcmp(a->course_version, b->course_version) != 0 ? "course version"
		    : a->shards != b->shards                            ? "number of shards"
		    : strcmp(a->submissions, b->submissions) != 0       ? "submissions folder"
		                                                        : NULL;
		if (what != NULL) {
			fprintf(stderr,
			        "grade batch-merge: '%s' and '%s' are not shards of one batch: "
			        "another %s\n"
			        "  '%s': lesson %s, seed %llu, course %s, shard %u/%u, submissions "
			        "'%s'\n"
			        "  '%s': lesson %s, seed %llu, course %s, shard %u/%u, submissions "
			        "'%s'\n"
			        "  grade every shard with one --seed and one course version\n",
			        shards[first], shards[i], what, shards[first], a->lesson, a->seed,
			        a->course_version, a->shard, a->shards, a->submissions, shards[i],
			        b->lesson, b->seed, b->course_version, b->shard, b->shards,
			        b->submissions);
			return -1;
		}
	}
	if (first < 0)
		fprintf(stderr, "grade batch-merge: no shard began: nothing to merge\n");
	return first;
}

/* The shard folder given for shard `shard`, or NULL. */
static const char *shard_dir(char **shards, const struct batch_ini *inis, int n, unsigned shard)
{
	for (int i = 0; i < n; i++)
		if (inis[i].shards != 0 && inis[i].shard == shard)
			return shards[i];
	return NULL;
}

/* Every student of the batch's submissions folder that no shard graded gets a `missing` row,
 * and a line naming it and its shard. Returns how many, or -1 when the folder cannot be
 * listed (then nothing says the merge is complete). */
static long add_missing(char **shards, const struct batch_ini *inis, int n, int first,
                        struct merged *m)
{
	const struct batch_ini *ini = &inis[first];
	if (ini->shards == 0 || ini->submissions[0] == '\0') {
		fprintf(stderr,
		        "grade batch-merge: '%s/batch.ini' names no shard and submissions "
		        "folder (an older grader): cannot check that no student is missing\n",
		        shards[first]);
		return -1;
	}
	char err[PATH_MAX + 128];
	size_t total;
	struct submission *all = submissions_list(ini->submissions, &total, err, sizeof err);
	struct submission *share = all ? malloc((total + 1) * sizeof *share) : NULL;
	if (share == NULL) {
		fprintf(stderr,
		        "grade batch-merge: %s\n  cannot check that no student is missing\n",
		        all ? "out of memory" : err);
		free(all);
		return -1;
	}
	long missing = 0;
	for (unsigned s = 0; s < ini->shards; s++) {
		memcpy(share, all, total * sizeof *share);
		size_t k = submissions_shard(share, total, s, ini->shards);
		const char *dir = shard_dir(shards, inis, n, s);
		for (size_t i = 0; i < k; i++) {
			if (merged_find(m, share[i].name) != NULL)
				continue;
			char reason[PATH_MAX + 256];
			snprintf(
			    reason, sizeof reason,
			    "shard %u/%u did not grade it (its task was killed or its node lost"
			    "%s): rerun that shard, then merge again",
			    s, ini->shards, dir ? "" : "; no folder of that shard was merged");
			fprintf(stderr,
			        "grade batch-merge: missing: '%s' of shard %u/%u (%s%s%s)\n",
			        share[i].name, s, ini->shards, dir ? "'" : "no folder given",
			        dir ? dir : "", dir ? "'" : "");
			merged_grow(m);
			memset(&m->rows[m->n], 0, sizeof m->rows[m->n]);
			batch_row_failed(&m->rows[m->n], share[i].name, ini->lesson, ini->seed,
			                 STATUS_MISSING, reason);
			m->from[m->n++] = dir ? dir : "";
			missing++;
		}
	}
	free(share);
	free(all);
	return missing;
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
		fputs("usage: grade batch-merge --out DIR SHARD_DIR...\n"
		      "exit: 0 every student has a report, 1 some are missing (listed, and in the\n"
		      "      gradebook as status missing), 2 the shards are not of one batch or a\n"
		      "      report cannot be read\n",
		      stderr);
		return 2;
	}
	int n_shards = argc - first;
	struct batch_ini *inis = calloc((size_t)n_shards, sizeof *inis);
	int first_ini = inis ? read_inis(argv + first, n_shards, inis) : -1;
	if (first_ini < 0) {
		free(inis);
		return 2;
	}
	char reports[PATH_MAX + 16];
	mkdir(out, 0755);
	snprintf(reports, sizeof reports, "%s/reports", out);
	mkdir(reports, 0755);
	struct merged m = {0};
	int rc = 0;
	for (int i = 0; i < n_shards; i++)
		if (inis[i].lesson[0] != '\0' &&
		    read_shard(argv[first + i], &inis[i], &m, out) != 0)
			rc = 2;
	size_t graded = m.n;
	long missing = rc == 0 ? add_missing(argv + first, inis, n_shards, first_ini, &m) : 0;
	if (missing < 0)
		rc = 2;
	else if (missing > 0)
		rc = 1;
	qsort(m.rows, m.n, sizeof *m.rows, by_student);
	char path[PATH_MAX + 16];
	snprintf(path, sizeof path, "%s/gradebook.csv", out);
	if (gradebook_write_csv(path, m.rows, m.n) != 0)
		rc = 2;
	if (class_report_write(out, m.rows, m.n) != 0)
		rc = 2;
	fprintf(stderr, "grade batch-merge: %zu students from %d shards, %ld missing: %s\n", graded,
	        n_shards, missing > 0 ? missing : 0, path);
	free(m.rows);
	free(m.from);
	free(inis);
	return rc;
}
