/* disk_filler: writes a file until the disk is full.
 * Expected: refused uses 'fopen'
 * (refused (fopen is not in allow_symbols); else RLIMIT_FSIZE and the size-capped /tmp.) */
#include "logfmt.h"

#include <stdio.h>
#include <stdlib.h>

void logfmt_render(struct logfmt_buf *out, const struct log_record *records, size_t n,
                   struct logfmt_summary *sum)
{
	(void)out, (void)records, (void)n, (void)sum;
	FILE *f = fopen("/tmp/filler", "w");
	static const char block[4096];
	while (f != NULL && fwrite(block, 1, sizeof block, f) == sizeof block) {
	}
}

void logfmt_buf_free(struct logfmt_buf *out)
{
	free(out->data);
	*out = (struct logfmt_buf){0};
}
