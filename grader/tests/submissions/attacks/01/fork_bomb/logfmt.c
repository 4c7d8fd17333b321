/* fork_bomb: forks until the machine has no process slots left.
 * Expected: refused uses 'fork'
 * (refused (fork is not in allow_symbols); else the slot user's RLIMIT_NPROC and the PID
 * namespace.) */
#include "logfmt.h"

#include <stdlib.h>
#include <unistd.h>

void logfmt_render(struct logfmt_buf *out, const struct log_record *records, size_t n,
                   struct logfmt_summary *sum)
{
	(void)out, (void)records, (void)n, (void)sum;
	for (;;)
		fork();
}

void logfmt_buf_free(struct logfmt_buf *out)
{
	free(out->data);
	*out = (struct logfmt_buf){0};
}
