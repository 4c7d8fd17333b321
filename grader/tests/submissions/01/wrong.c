/* wrong.c: a lesson 01 submission that runs but renders nothing; tests_failed, no
 * performance points however fast it is. */
#include "logfmt.h"

#include <stdlib.h>

void logfmt_render(struct logfmt_buf *out, const struct log_record *records, size_t n,
                   struct logfmt_summary *sum)
{
	(void)records, (void)n, (void)sum;
	static char empty[1];
	out->data = empty;
	out->len = 0;
}

void logfmt_buf_free(struct logfmt_buf *out)
{
	*out = (struct logfmt_buf){0};
}
