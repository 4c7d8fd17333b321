/* inline_asm.c: asm in a lesson that does not teach it. Refused: allow_asm = no.
 * Expected: refused uses asm */
#include "logfmt.h"

#include <stdlib.h>

void logfmt_buf_free(struct logfmt_buf *out)
{
	free(out->data);
	*out = (struct logfmt_buf){0};
}

void logfmt_render(struct logfmt_buf *out, const struct log_record *records, size_t n,
                   struct logfmt_summary *sum)
{
	(void)records, (void)n, (void)sum;
	__asm__ volatile("" : : "r"(out) : "memory");
}
