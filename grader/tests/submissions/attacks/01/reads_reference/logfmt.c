/* reads_reference: reads the reference's source at run time.
 * Expected: refused uses 'fopen'
 * (refused (fopen); else the sandbox shows the solutions as empty files.) */
#include "logfmt.h"

#include <stdio.h>
#include <stdlib.h>

void logfmt_render(struct logfmt_buf *out, const struct log_record *records, size_t n,
                   struct logfmt_summary *sum)
{
	(void)out, (void)records, (void)n, (void)sum;
	FILE *f = fopen("solutions/01-zero-allocation/logfmt.c", "r");
	if (f != NULL)
		fclose(f);
}

void logfmt_buf_free(struct logfmt_buf *out)
{
	free(out->data);
	*out = (struct logfmt_buf){0};
}
