/* vgdb_zero_stats: zeroes callgrind's counters through Valgrind's gdbserver (vgdb).
 * Expected: refused uses 'system'
 * (refused (system); the grader also runs Valgrind with --vgdb=no.) */
#include "logfmt.h"

#include <stdlib.h>

void logfmt_render(struct logfmt_buf *out, const struct log_record *records, size_t n,
                   struct logfmt_summary *sum)
{
	(void)out, (void)records, (void)n, (void)sum;
	if (system("vgdb --pid=1 instrumentation zero") != 0)
		abort();
}

void logfmt_buf_free(struct logfmt_buf *out)
{
	free(out->data);
	*out = (struct logfmt_buf){0};
}
