/* precreated_valgrind_output: creates Valgrind's output file read-only before Valgrind writes it.
 * Expected: refused uses 'open'
 * (refused (open); the grader creates the output file itself in a private folder.) */
#include "logfmt.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

void logfmt_render(struct logfmt_buf *out, const struct log_record *records, size_t n,
                   struct logfmt_summary *sum)
{
	(void)out, (void)records, (void)n, (void)sum;
	int fd = open("/tmp/callgrind.out", O_CREAT | O_WRONLY, 0444);
	if (fd >= 0)
		close(fd);
}

void logfmt_buf_free(struct logfmt_buf *out)
{
	free(out->data);
	*out = (struct logfmt_buf){0};
}
