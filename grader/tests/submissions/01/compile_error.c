/* compile_error.c: a lesson 01 submission that does not compile; the grader must show gcc's
 * own message and grade it build_failed. */
#include "logfmt.h"

void logfmt_render(struct logfmt_buf *out, const struct log_record *records, size_t n,
                   struct logfmt_summary *sum)
{
	this_is_not_declared(out, records, n, sum);
}
