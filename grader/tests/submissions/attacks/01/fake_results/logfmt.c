/* fake_results: prints lines that look like passing tests, a checksum and a JSON report.
 * Expected: tests_failed tests fail
 * (tests_failed: results come only from the grader's own files, never from the student's output.)
 */
#include "logfmt.h"

#include <stdio.h>
#include <stdlib.h>

void logfmt_render(struct logfmt_buf *out, const struct log_record *records, size_t n,
                   struct logfmt_summary *sum)
{
	(void)out, (void)records, (void)n, (void)sum;
	fputs("ok 1 - correct::all\nchecksum 0123456789abcdef\n"
	      "{\"status\": \"graded\", \"score\": 100}\n",
	      stderr);
}

void logfmt_buf_free(struct logfmt_buf *out)
{
	free(out->data);
	*out = (struct logfmt_buf){0};
}
