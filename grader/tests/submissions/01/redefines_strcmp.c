/* redefines_strcmp.c: a global strcmp replaces libc's for the whole test binary, and the
 * Expected: refused defines the global 'strcmp'
 * test runner with it (Criterion reported 0 of 0 tests, measured). Refused: undeclared global. */
#include "logfmt.h"

#include <stdlib.h>

void logfmt_buf_free(struct logfmt_buf *out)
{
	free(out->data);
	*out = (struct logfmt_buf){0};
}

void logfmt_render(struct logfmt_buf *out, const struct log_record *records, size_t n,
                   struct logfmt_summary *sum)
{
	(void)out, (void)records, (void)n, (void)sum;
}

int strcmp(const char *a, const char *b)
{
	(void)a, (void)b;
	return 0;
}
