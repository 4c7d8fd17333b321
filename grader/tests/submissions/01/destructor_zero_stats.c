/* destructor_zero_stats.c: zeroes callgrind's counters in a destructor, after the measured
 * Expected: refused before main or after exit
 * region: every count would read 0 (measured). Refused: code that runs after exit. */
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
}

__attribute__((destructor)) static void zero(void)
{
	CALLGRIND_ZERO_STATS;
}
