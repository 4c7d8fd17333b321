/* status.c: the names of the grading statuses. */
#include "status.h"

#include <string.h>

static const char *const names[] = {
    [STATUS_NONE] = "",
    [STATUS_ERROR] = "error",
    [STATUS_GRADED] = "graded",
    [STATUS_REFUSED] = "refused",
    [STATUS_BUILD_FAILED] = "build_failed",
    [STATUS_TESTS_FAILED] = "tests_failed",
    [STATUS_TIMED_OUT] = "timed_out",
    [STATUS_CRASHED] = "crashed",
    [STATUS_MISSING] = "missing",
};

const char *status_name(enum grade_status s)
{
	return (unsigned)s < sizeof names / sizeof *names ? names[s] : "error";
}

int status_from_name(const char *name, enum grade_status *out)
{
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (strcmp(name, names[i]) == 0) {
			*out = (enum grade_status)i;
			return 0;
		}
	return -1;
}
