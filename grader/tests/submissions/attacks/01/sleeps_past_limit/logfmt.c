/* sleeps_past_limit: sleeps past the time limit.
 * Expected: refused uses 'sleep'
 * (refused (sleep); a busy wait is endless_loop.) */
#include "logfmt.h"

#include <stdlib.h>
#include <unistd.h>

void logfmt_render(struct logfmt_buf *out, const struct log_record *records, size_t n,
                   struct logfmt_summary *sum)
{
	(void)out, (void)records, (void)n, (void)sum;
	sleep(1000);
}

void logfmt_buf_free(struct logfmt_buf *out)
{
	free(out->data);
	*out = (struct logfmt_buf){0};
}
