/* status.h: the outcome of grading one submission (DESIGN section 10). The names are the words
 * of the reports, the gradebook and the CI formats; the code compares the enum. */
#ifndef STATUS_H
#define STATUS_H

enum grade_status {
	STATUS_NONE, /* no result yet (a batch's row of a submission no run has graded): "" */
	STATUS_ERROR,
	STATUS_GRADED,
	STATUS_REFUSED,
	STATUS_BUILD_FAILED,
	STATUS_TESTS_FAILED,
	STATUS_TIMED_OUT,
	STATUS_CRASHED,
	STATUS_MISSING, /* batch-merge: a student of the class no shard graded: "missing" */
};

/* 1 when some run graded the submission (any status but none or missing). */
static inline int status_has_result(enum grade_status s)
{
	return s != STATUS_NONE && s != STATUS_MISSING;
}

/* "graded", "refused", ...: the word the reports print ("" for STATUS_NONE). */
const char *status_name(enum grade_status s);

/* The status named name, or -1 when no status has that name. */
int status_from_name(const char *name, enum grade_status *out);

#endif
