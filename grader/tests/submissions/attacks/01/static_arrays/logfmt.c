/* static_arrays: hides its memory in a static array the heap profile does not see.
 * Expected: refused bytes of static data
 * (refused: static data over the lesson's cap.) */
#include "logfmt.h"

#include <stdlib.h>

static char hidden[8 << 20];

void logfmt_render(struct logfmt_buf *out, const struct log_record *records, size_t n,
                   struct logfmt_summary *sum)
{
	(void)out, (void)records, (void)n, (void)sum;
	hidden[n % sizeof hidden]++; /* read and written: the array cannot be optimised away */
	if (hidden[0] == 42)
		abort();
}

void logfmt_buf_free(struct logfmt_buf *out)
{
	free(out->data);
	*out = (struct logfmt_buf){0};
}
