/* kill_group: kills its process group (and, it hopes, the grader).
 * Expected: refused uses 'kill'
 * (refused (kill); else only its own group dies, in its own PID namespace.) */
#include "logfmt.h"

#include <signal.h>
#include <stdlib.h>

void logfmt_render(struct logfmt_buf *out, const struct log_record *records, size_t n,
                   struct logfmt_summary *sum)
{
	(void)out, (void)records, (void)n, (void)sum;
	kill(0, SIGKILL);
}

void logfmt_buf_free(struct logfmt_buf *out)
{
	free(out->data);
	*out = (struct logfmt_buf){0};
}
