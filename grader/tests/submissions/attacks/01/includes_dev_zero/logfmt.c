/* includes_dev_zero: #include "/dev/zero": gcc reads forever (measured).
 * Expected: build_failed /dev/zero
 * (not above the skeleton: in the sandbox /dev/zero is /dev/null, the include is empty and the
 * tests fail.) */
#include "logfmt.h"

#include "/dev/zero"
#include <stdlib.h>

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
