/* forked_child: does the work in a forked child, outside the measured process.
 * Expected: refused uses '(fork|wait)'
 * (refused (fork).) */
#include "logfmt.h"

#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

void logfmt_render(struct logfmt_buf *out, const struct log_record *records, size_t n,
                   struct logfmt_summary *sum)
{
	(void)out, (void)records, (void)n, (void)sum;
	if (fork() == 0)
		_exit(0);
	wait(NULL);
}

void logfmt_buf_free(struct logfmt_buf *out)
{
	free(out->data);
	*out = (struct logfmt_buf){0};
}
