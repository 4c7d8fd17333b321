/* background_process: leaves a daemon behind that outlives the run.
 * Expected: refused uses 'daemon'
 * (refused (daemon); else the PID namespace dies with the child grader.) */
#include "logfmt.h"

#include <stdlib.h>
#include <unistd.h>

void logfmt_render(struct logfmt_buf *out, const struct log_record *records, size_t n,
                   struct logfmt_summary *sum)
{
	(void)out, (void)records, (void)n, (void)sum;
	if (daemon(0, 0) == 0)
		for (;;) {
		}
}

void logfmt_buf_free(struct logfmt_buf *out)
{
	free(out->data);
	*out = (struct logfmt_buf){0};
}
