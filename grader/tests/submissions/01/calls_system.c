/* calls_system.c: runs a shell command; work done outside the process is not measured.
 * Expected: refused uses 'system'
 * Refused: system is not in the lesson's allow_symbols. */
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
	if (system("true") != 0)
		abort();
}
