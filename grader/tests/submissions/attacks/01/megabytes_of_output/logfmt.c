/* megabytes_of_output: prints hundreds of megabytes on stderr.
 * Expected: tests_failed|crashed|timed_out .
 * (not above the skeleton: stderr is never read for results; RLIMIT_FSIZE stops a captured copy.)
 */
#include "logfmt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void logfmt_render(struct logfmt_buf *out, const struct log_record *records, size_t n,
                   struct logfmt_summary *sum)
{
	(void)out, (void)records, (void)n, (void)sum;
	char line[1024];
	memset(line, 'x', sizeof line - 1);
	line[sizeof line - 1] = '\n';
	for (int i = 0; i < 200000; i++)
		fwrite(line, 1, sizeof line, stderr);
}

void logfmt_buf_free(struct logfmt_buf *out)
{
	free(out->data);
	*out = (struct logfmt_buf){0};
}
