/* alloc_fail.h: allocation-failure injection for a lesson's alloc_fail_test.c (cmocka). The
 * test binary is linked with -Wl,--wrap for malloc, calloc, realloc, free, aligned_alloc,
 * posix_memalign, mmap, mmap64, mremap and munmap, so every call from the linked objects (the
 * student's file included) goes through the wrappers in alloc_fail.c. A mapping is a block
 * like any other: mmap and mremap count as allocation calls and fail with MAP_FAILED and
 * ENOMEM; a successful mmap adds a live block and a successful munmap removes one (unmap each
 * mapping with one munmap call; mremap keeps the count). Harness code linked into the binary
 * (bench_input_alloc) is wrapped too: set up inputs before alloc_fail_reset. Calls made inside libc
 * (strdup, fopen) are not wrapped: that is why budgets count allocations with the interposer and
 * only failure tests use --wrap. Counters are process-wide and not thread-safe: inject failures on
 * single-threaded paths. */
#ifndef ALLOC_FAIL_H
#define ALLOC_FAIL_H

/* Counters to 0, nothing armed. */
void alloc_fail_reset(void);

/* The n-th allocation call from now (1-based) returns NULL (posix_memalign: ENOMEM), once;
 * 0 disarms. realloc counts as an allocation call; on failure it leaves the block alone. */
void alloc_fail_nth(long n);

/* Allocation calls since the last reset (the injected failure included). */
long alloc_fail_calls(void);

/* Blocks allocated through the wrapped calls since the last reset and not yet freed: after a
 * failed operation has cleaned up, this must be back where it was. */
long alloc_fail_live(void);

/* Failures injected since the last reset. */
long alloc_fail_injected(void);

#endif
