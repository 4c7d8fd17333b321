/* ifunc.c: picks its implementation in an IFUNC resolver, which runs before main. Refused.
 * Expected: refused is an IFUNC */
#include "logfmt.h"

#include <stdlib.h>

void logfmt_buf_free(struct logfmt_buf *out)
{
	free(out->data);
	*out = (struct logfmt_buf){0};
}

static void render_plain(struct logfmt_buf *out, const struct log_record *records, size_t n,
                         struct logfmt_summary *sum)
{
	(void)out, (void)records, (void)n, (void)sum;
}

typedef void render_fn(struct logfmt_buf *, const struct log_record *, size_t,
                       struct logfmt_summary *);

static render_fn *choose(void)
{
	return render_plain;
}

void logfmt_render(struct logfmt_buf *out, const struct log_record *records, size_t n,
                   struct logfmt_summary *sum) __attribute__((ifunc("choose")));
