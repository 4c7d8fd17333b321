/* alloc_count.c: the allocation interposer of the `count` build. It defines every heap entry
 * point, counts the call in process-wide relaxed atomics and forwards to glibc's __libc_*
 * functions, so calls made inside libc (strdup, asprintf, fopen) are counted too. It defines
 * mmap, mmap64, mremap and munmap as well, which make the system call themselves. */
#include "alloc_count.h"

#include <errno.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

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
static _Atomic uint64_t n_allocations, n_frees, n_bytes, n_mappings;

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
/* {=== mappings ===} glibc exports no __libc_mmap to forward to, and dlsym may allocate: the
 * system calls themselves (what glibc's own wrappers do, less nothing a program sees) */
static void count_mapping(size_t bytes)
{
	count_allocation(bytes);
	atomic_fetch_add_explicit(&n_mappings, 1, memory_order_relaxed);
}

void *mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset)
{
	count_mapping(length);
	return (void *)syscall(SYS_mmap, addr, length, prot, flags, fd, offset);
}

void *mmap64(void *addr, size_t length, int prot, int flags, int fd, off_t offset)
{
	count_mapping(length);
	return (void *)syscall(SYS_mmap, addr, length, prot, flags, fd, offset);
}

/* Counted as one allocation, like realloc: it may move, grow or shrink the mapping. */
void *mremap(void *old, size_t old_size, size_t new_size, int flags, ...)
{
	void *new_address = NULL;
	if (flags & MREMAP_FIXED) {
		va_list ap;
		va_start(ap, flags);
		new_address = va_arg(ap, void *);
		va_end(ap);
	}
	count_mapping(new_size);
	return (void *)syscall(SYS_mremap, old, old_size, new_size, flags, new_address);
}

int munmap(void *addr, size_t length)
{
	int rc = (int)syscall(SYS_munmap, addr, length);
	if (rc == 0)
		atomic_fetch_add_explicit(&n_frees, 1, memory_order_relaxed);
	return rc;
}
/* }=== */

struct alloc_counts alloc_count_now(void)
{
	struct alloc_counts c = {
	    .allocations = atomic_load_explicit(&n_allocations, memory_order_relaxed),
	    .frees = atomic_load_explicit(&n_frees, memory_order_relaxed),
	    .bytes = atomic_load_explicit(&n_bytes, memory_order_relaxed),
	    .mappings = atomic_load_explicit(&n_mappings, memory_order_relaxed),
	};
	return c;
}

struct alloc_counts alloc_count_delta(struct alloc_counts before, struct alloc_counts after)
{
	struct alloc_counts d = {
	    .allocations = after.allocations - before.allocations,
	    .frees = after.frees - before.frees,
	    .bytes = after.bytes - before.bytes,
	    .mappings = after.mappings - before.mappings,
	};
	return d;
}

int alloc_count_available(void)
{
	return 1;
}
