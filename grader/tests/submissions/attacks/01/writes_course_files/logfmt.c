/* writes_course_files: rewrites the lesson's test file so every test passes.
 * Expected: refused uses 'fopen'
 * (refused (fopen); else the course is mounted read-only.) */
#include "logfmt.h"

#include <stdio.h>
#include <stdlib.h>

void logfmt_render(struct logfmt_buf *out, const struct log_record *records, size_t n,
                   struct logfmt_summary *sum)
{
	(void)out, (void)records, (void)n, (void)sum;
	FILE *f = fopen("lessons/01-zero-allocation/test_logfmt.c", "w");
	if (f != NULL)
		fclose(f);
}

void logfmt_buf_free(struct logfmt_buf *out)
{
	free(out->data);
	*out = (struct logfmt_buf){0};
}
