/* alloc_count.c: the allocation interposer of the `count` build. It defines every heap entry
 * point, counts the call in process-wide relaxed atomics and forwards to glibc's __libc_*
 * functions, so calls made inside libc (strdup, asprintf, fopen) are counted too. */
#include "alloc_count.h"

#include <errno.h>
#include <malloc.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>

/* glibc exports these for exactly this use; calling them never re-enters the definitions
 * below, so each entry point counts once (aligned_alloc is not malloc + memalign here). */
extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t nmemb, size_t size);
extern void *__libc_realloc(void *ptr, size_t size);
extern void __libc_free(void *ptr);
extern void *__libc_memalign(size_t alignment, size_t size);
extern void *__libc_valloc(size_t size);
extern void *__libc_pvalloc(size_t size);

/* Relaxed: tests allocate from worker threads and read the totals only after joining them,
 * and the join orders the counts; no count orders any other memory. */
static _Atomic uint64_t n_allocations, n_frees, n_bytes;

static void count_allocation(size_t bytes)
{
	atomic_fetch_add_explicit(&n_allocations, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&n_bytes, bytes, memory_order_relaxed);
}

/* The bytes a call asked for: the product, or SIZE_MAX when it overflows (the call then fails,
 * but it was made). The counters wrap modulo 2^64 like the deltas taken from them. */
static size_t product(size_t nmemb, size_t size)
{
	size_t bytes;
	return __builtin_mul_overflow(nmemb, size, &bytes) ? SIZE_MAX : bytes;
}

/* A power of two, as C17's aligned_alloc and POSIX's posix_memalign both require. */
static int is_power_of_two(size_t n)
{
	return n != 0 && (n & (n - 1)) == 0;
}

/* {=== the entry points ===} each counts the call, then forwards */
void *malloc(size_t size)
{
	count_allocation(size);
	return __libc_malloc(size);
}

void *calloc(size_t nmemb, size_t size)
{
	count_allocation(product(nmemb, size));
	return __libc_calloc(nmemb, size);
}

/* Counted as one allocation even when it shrinks, or frees (realloc(p, 0)): the lessons ask
 * "how many times did the code go to the allocator", not "how many blocks are live". */
void *realloc(void *ptr, size_t size)
{
	count_allocation(size);
	return __libc_realloc(ptr, size);
}

void *reallocarray(void *ptr, size_t nmemb, size_t size)
{
	size_t bytes;

	count_allocation(product(nmemb, size));
	if (__builtin_mul_overflow(nmemb, size, &bytes)) {
		errno = ENOMEM; /* as glibc's own reallocarray; ptr is left alone */
		return NULL;
	}
	return __libc_realloc(ptr, bytes);
}

void free(void *ptr)
{
	if (ptr)
		atomic_fetch_add_explicit(&n_frees, 1, memory_order_relaxed);
	__libc_free(ptr);
}

void *memalign(size_t alignment, size_t size)
{
	count_allocation(size);
	return __libc_memalign(alignment, size);
}

/* POSIX: EINVAL unless alignment is a power of two multiple of sizeof(void *); *memptr is left
 * alone on failure and errno is not the channel, so it is kept as the caller had it. */
int posix_memalign(void **memptr, size_t alignment, size_t size)
{
	int saved = errno;
	void *p;

	count_allocation(size);
	if (!is_power_of_two(alignment) || alignment % sizeof(void *) != 0)
		return EINVAL;
	p = __libc_memalign(alignment, size);
	errno = saved;
	if (!p)
		return ENOMEM;
	*memptr = p;
	return 0;
}

/* C17 (DR 460): an unsupported alignment fails with NULL; size need not be a multiple of it. */
void *aligned_alloc(size_t alignment, size_t size)
{
	count_allocation(size);
	if (!is_power_of_two(alignment)) {
		errno = EINVAL;
		return NULL;
	}
	return __libc_memalign(alignment, size);
}

void *valloc(size_t size)
{
	count_allocation(size);
	return __libc_valloc(size);
}

void *pvalloc(size_t size)
{
	count_allocation(size);
	return __libc_pvalloc(size);
}
/* }=== */

struct alloc_counts alloc_count_now(void)
{
	struct alloc_counts c = {
	    .allocations = atomic_load_explicit(&n_allocations, memory_order_relaxed),
	    .frees = atomic_load_explicit(&n_frees, memory_order_relaxed),
	    .bytes = atomic_load_explicit(&n_bytes, memory_order_relaxed),
	};
	return c;
}

struct alloc_counts alloc_count_delta(struct alloc_counts before, struct alloc_counts after)
{
	struct alloc_counts d = {
	    .allocations = after.allocations - before.allocations,
	    .frees = after.frees - before.frees,
	    .bytes = after.bytes - before.bytes,
	};
	return d;
}

int alloc_count_available(void)
{
	return 1;
}
