/* crash.c: a lesson 01 submission that dies of SIGSEGV; the grader must say which signal. */
#include "logfmt.h"

#include <stdlib.h>

void logfmt_render(struct logfmt_buf *out, const struct log_record *records, size_t n,
                   struct logfmt_summary *sum)
{
	(void)records, (void)n, (void)sum;
	volatile char *nowhere = NULL;
	out->len = (size_t)*nowhere;
}

void logfmt_buf_free(struct logfmt_buf *out)
{
	free(out->data);
	*out = (struct logfmt_buf){0};
}
