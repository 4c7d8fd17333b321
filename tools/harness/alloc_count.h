/* alloc_count.h: counts every heap allocation entry point (malloc, calloc, realloc,
 * reallocarray, memalign, posix_memalign, aligned_alloc, valloc, pvalloc) and free, by an
 * interposer linked into the `count` build variant only. It forwards to glibc's __libc_*
 * functions, so allocations made inside libc (strdup, asprintf, fopen ...) count too.
 * Mappings count as well: each call to mmap, mmap64 or mremap is an allocation (of its length),
 * each munmap that succeeds a free, so memory taken with mmap escapes no count. Only the
 * program's own calls are seen (libc maps for malloc and thread stacks internally); unmap each
 * mapping in one munmap call, or allocations and frees stop pairing up.
 * Read it as deltas: take a snapshot, run the code, subtract. Under ASan, TSan or Valgrind the
 * interposer is not linked and alloc_count_available() returns 0. */
#ifndef ALLOC_COUNT_H
#define ALLOC_COUNT_H

#include <stdint.h>

struct alloc_counts {
	uint64_t allocations; /* calls to any allocation entry point (realloc, mmap included) */
	uint64_t frees;       /* calls to free with a non-NULL pointer, munmap calls that worked */
	uint64_t bytes;       /* bytes requested by those calls */
	uint64_t mappings;    /* of the allocations, the mmap, mmap64 and mremap calls */
};

/* The totals so far, for the whole process. */
struct alloc_counts alloc_count_now(void);

/* after - before, field by field. */
struct alloc_counts alloc_count_delta(struct alloc_counts before, struct alloc_counts after);

/* 1 when the interposer is linked in (the count build), 0 otherwise. */
int alloc_count_available(void);

#endif
