/* redefines_memcmp: defines memcmp so the test runner's comparisons always match.
 * Expected: refused 'memcmp'
 * (refused: the object defines a global the header does not declare.) */
#include "logfmt.h"

#include <stddef.h>
#include <stdlib.h>

int memcmp(const void *a, const void *b, size_t n)
{
	(void)a, (void)b, (void)n;
	return 0;
}

void logfmt_render(struct logfmt_buf *out, const struct log_record *records, size_t n,
                   struct logfmt_summary *sum)
{
	(void)out, (void)records, (void)n, (void)sum;
	(void)0;
}

void logfmt_buf_free(struct logfmt_buf *out)
{
	free(out->data);
	*out = (struct logfmt_buf){0};
}
