/* hang.c: a lesson 01 submission that never returns; the grader must stop it and grade it
 * timed_out. */
#include "logfmt.h"

#include <stdlib.h>

void logfmt_render(struct logfmt_buf *out, const struct log_record *records, size_t n,
                   struct logfmt_summary *sum)
{
	(void)out, (void)records, (void)n, (void)sum;
	while (1) {
	}
}

void logfmt_buf_free(struct logfmt_buf *out)
{
	free(out->data);
	*out = (struct logfmt_buf){0};
}
