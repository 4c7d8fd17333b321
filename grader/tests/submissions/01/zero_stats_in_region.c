/* zero_stats_in_region.c: a client request inside the measured code. Refused: measurements
 * Expected: refused Valgrind client request
 * are the grader's. */
#include "logfmt.h"
#include <valgrind/callgrind.h>

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
	CALLGRIND_ZERO_STATS;
}
