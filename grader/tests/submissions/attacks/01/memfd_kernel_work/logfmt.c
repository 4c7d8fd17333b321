/* memfd_kernel_work: pushes work into the kernel through memfd writes and reads, which callgrind
 * does not count.
 * Expected: refused uses '(memfd_create|write|read)'
 * (refused (memfd_create, write, read).) */
#include "logfmt.h"

#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

void logfmt_render(struct logfmt_buf *out, const struct log_record *records, size_t n,
                   struct logfmt_summary *sum)
{
	(void)out, (void)records, (void)n, (void)sum;
	int fd = memfd_create("buf", 0);
	char c = 'x';
	if (write(fd, &c, 1) == 1)
		(void)!read(fd, &c, 1);
}

void logfmt_buf_free(struct logfmt_buf *out)
{
	free(out->data);
	*out = (struct logfmt_buf){0};
}
