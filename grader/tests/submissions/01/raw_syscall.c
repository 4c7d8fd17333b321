/* raw_syscall.c: a write system call made directly, past libc. Refused: no system-call
 * Expected: refused 'syscall' instruction
 * instruction in a student object. */
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
	(void)out, (void)records, (void)n, (void)sum;
	long rc;
	__asm__ volatile("syscall"
	                 : "=a"(rc)
	                 : "a"(1L), "D"(1L), "S"("x"), "d"(1L)
	                 : "rcx", "r11", "memory");
}
