/* zero_stats_destructor_no_header: CALLGRIND_ZERO_STATS without <valgrind/callgrind.h>: the
 * client-request sequence spelled out in a destructor, after the measured region.
 * Expected: refused asm|before main or after exit
 * (refused (asm, and code that runs after exit).) */
#include "logfmt.h"

#include <stdlib.h>

__attribute__((destructor)) static void zero_counts(void)
{
	/* Valgrind's amd64 preamble, then the request (CALLGRIND_ZERO_STATS = 'C','T' << 16 | 1) */
	volatile unsigned long long request[6] = {0x43540001ULL, 0, 0, 0, 0, 0}, result = 0;
	__asm__ volatile("rolq $3, %%rdi; rolq $13, %%rdi; rolq $61, %%rdi; rolq $51, %%rdi\n\t"
	                 "xchgq %%rbx, %%rbx"
	                 : "=d"(result)
	                 : "a"(&request[0]), "0"(result)
	                 : "cc", "memory");
}

void logfmt_render(struct logfmt_buf *out, const struct log_record *records, size_t n,
                   struct logfmt_summary *sum)
{
	(void)out, (void)records, (void)n, (void)sum;
}

void logfmt_buf_free(struct logfmt_buf *out)
{
	free(out->data);
	*out = (struct logfmt_buf){0};
}
