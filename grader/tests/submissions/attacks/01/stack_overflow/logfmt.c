/* stack_overflow: recurses until the stack is gone.
 * Expected: crashed SIGSEGV|killed by a signal
 * (crashed (SIGSEGV).) */
#include "logfmt.h"

#include <stdlib.h>
#include <string.h>

static int deep(size_t depth, size_t limit)
{
	volatile char frame[4096];
	memset((char *)frame, (int)depth, sizeof frame);
	if (depth > limit + (1u << 30)) /* never true: the stack ends long before */
		return 0;
	return deep(depth + 1, limit) + frame[depth % 4096];
}

void logfmt_render(struct logfmt_buf *out, const struct log_record *records, size_t n,
                   struct logfmt_summary *sum)
{
	(void)out, (void)records, (void)n, (void)sum;
	deep(1, n);
}

void logfmt_buf_free(struct logfmt_buf *out)
{
	free(out->data);
	*out = (struct logfmt_buf){0};
}
