/* exec_helper: does the work in a helper program it runs.
 * Expected: refused uses 'execl'
 * (refused (execl).) */
#include "logfmt.h"

#include <stdlib.h>
#include <unistd.h>

void logfmt_render(struct logfmt_buf *out, const struct log_record *records, size_t n,
                   struct logfmt_summary *sum)
{
	(void)out, (void)records, (void)n, (void)sum;
	execl("/bin/true", "true", (char *)NULL);
}

void logfmt_buf_free(struct logfmt_buf *out)
{
	free(out->data);
	*out = (struct logfmt_buf){0};
}
