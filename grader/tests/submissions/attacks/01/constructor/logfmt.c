/* constructor: does the work in a constructor, before the measured region.
 * Expected: refused before main
 * (refused: code that runs before main.) */
#include "logfmt.h"

#include <stdlib.h>

__attribute__((constructor)) static void early(void)
{
	volatile int x = 0;
	x++;
}

void logfmt_render(struct logfmt_buf *out, const struct log_record *records, size_t n,
                   struct logfmt_summary *sum)
{
	(void)out, (void)records, (void)n, (void)sum;
	(void)0;
}

void logfmt_buf_free(struct logfmt_buf *out)
{
	free(out->data);
	*out = (struct logfmt_buf){0};
}
