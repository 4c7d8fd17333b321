/* endless_loop: never returns.
 * Expected: timed_out timed out
 * (timed_out, and the batch goes on.) */
#include "logfmt.h"

#include <stdlib.h>

void logfmt_render(struct logfmt_buf *out, const struct log_record *records, size_t n,
                   struct logfmt_summary *sum)
{
	(void)out, (void)records, (void)n, (void)sum;
	for (volatile int spin = 1; spin;) {
	}
}

void logfmt_buf_free(struct logfmt_buf *out)
{
	free(out->data);
	*out = (struct logfmt_buf){0};
}
