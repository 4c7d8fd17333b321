/* preinit_array: does the work from a .preinit_array entry.
 * Expected: refused before main
 * (refused: code that runs before main.) */
#include "logfmt.h"

#include <stdlib.h>

static void early(void)
{
}
__attribute__((used, section(".preinit_array"))) static void (*run_early)(void) = early;

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
