/* alloc_fail.c: the --wrap wrappers behind alloc_fail.h. Linked by name into a lesson's
 * alloc-fail binary only: its __real_* references resolve only under -Wl,--wrap. */
#include "alloc_fail.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/types.h>

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
void __real_free(void *p);
void *__real_aligned_alloc(size_t alignment, size_t size);
int __real_posix_memalign(void **out, size_t alignment, size_t size);
void *__real_mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset);
void *__real_mmap64(void *addr, size_t length, int prot, int flags, int fd, off_t offset);
void *__real_mremap(void *old, size_t old_size, size_t new_size, int flags, ...);
int __real_munmap(void *addr, size_t length);

static long calls, live, injected, fail_at;

void alloc_fail_reset(void)
{
	calls = live = injected = fail_at = 0;
}

void alloc_fail_nth(long n)
{
	fail_at = n > 0 ? calls + n : 0;
}

long alloc_fail_calls(void)
{
	return calls;
}

long alloc_fail_live(void)
{
	return live;
}

long alloc_fail_injected(void)
{
	return injected;
}

/* Counts one allocation call; 1 when this one must fail. */
static int this_call_fails(void)
{
	calls++;
	if (fail_at != 0 && calls == fail_at) {
		fail_at = 0;
		injected++;
		return 1;
	}
	return 0;
}

void *__wrap_malloc(size_t size)
{
	if (this_call_fails()) {
		errno = ENOMEM;
		return NULL;
	}
	void *p = __real_malloc(size);
	live += p != NULL;
	return p;
}

void *__wrap_calloc(size_t n, size_t size)
{
	if (this_call_fails()) {
		errno = ENOMEM;
		return NULL;
	}
	void *p = __real_calloc(n, size);
	live += p != NULL;
	return p;
}

void *__wrap_realloc(void *old, size_t size)
{
	if (this_call_fails()) {
		errno = ENOMEM;
		return NULL;
	}
	void *p = __real_realloc(old, size);
	/* realloc(NULL) allocates; realloc(p, 0) may free: keep live honest in both cases */
	if (old == NULL && p != NULL)
		live++;
	else if (old != NULL && p == NULL && size == 0)
		live--;
	return p;
}

void __wrap_free(void *p)
{
	live -= p != NULL;
	__real_free(p);
}

void *__wrap_aligned_alloc(size_t alignment, size_t size)
{
	if (this_call_fails()) {
		errno = ENOMEM;
		return NULL;
	}
	void *p = __real_aligned_alloc(alignment, size);
	live += p != NULL;
	return p;
}

int __wrap_posix_memalign(void **out, size_t alignment, size_t size)
{
	if (this_call_fails())
		return ENOMEM;
	int rc = __real_posix_memalign(out, alignment, size);
	live += rc == 0;
	return rc;
}

/* {=== mappings: a mapping is a block; mremap moves one, so the live count stays ===} */

void *__wrap_mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset)
{
	if (this_call_fails()) {
		errno = ENOMEM;
		return MAP_FAILED;
	}
	void *p = __real_mmap(addr, length, prot, flags, fd, offset);
	live += p != MAP_FAILED;
	return p;
}

void *__wrap_mmap64(void *addr, size_t length, int prot, int flags, int fd, off_t offset)
{
	if (this_call_fails()) {
		errno = ENOMEM;
		return MAP_FAILED;
	}
	void *p = __real_mmap64(addr, length, prot, flags, fd, offset);
	live += p != MAP_FAILED;
	return p;
}

void *__wrap_mremap(void *old, size_t old_size, size_t new_size, int flags, ...)
{
	void *new_address = NULL;
	if (flags & MREMAP_FIXED) {
		va_list ap;
		va_start(ap, flags);
		new_address = va_arg(ap, void *);
		va_end(ap);
	}
	if (this_call_fails()) {
		errno = ENOMEM;
		return MAP_FAILED;
	}
	return __real_mremap(old, old_size, new_size, flags, new_address);
}

int __wrap_munmap(void *addr, size_t length)
{
	int rc = __real_munmap(addr, length);
	live -= rc == 0;
	return rc;
}

/* }=== */
