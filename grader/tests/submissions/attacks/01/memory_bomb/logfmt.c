/* memory_bomb: allocates and touches memory until there is none.
 * Expected: crashed|tests_failed|timed_out .
 * (crashed or tests_failed: the child grader's RLIMIT_AS (4 GiB per process) makes malloc fail.) */
#include "logfmt.h"

#include <stdlib.h>
#include <string.h>

void logfmt_render(struct logfmt_buf *out, const struct log_record *records, size_t n,
                   struct logfmt_summary *sum)
{
	(void)out, (void)records, (void)n, (void)sum;
	for (;;) {
		char *p = malloc(64u << 20);
		if (p == NULL)
			abort();
		memset(p, 1, 64u << 20);
	}
}

void logfmt_buf_free(struct logfmt_buf *out)
{
	free(out->data);
	*out = (struct logfmt_buf){0};
}
