/* test_alloc_count.c: the allocation interposer counts every entry point once, frees, bytes,
 * calls made inside libc, and calls from several threads. Linked with alloc_count.o; in the
 * builds without it (asan, tsan, valgrind) every test skips. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h> /* after the four above, which it needs */

#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "../../tools/harness/alloc_count.h"

/* Without the interposer every count reads 0: say so by skipping, never pass on zeros. */
#define REQUIRE_INTERPOSER()                                                                       \
	do {                                                                                       \
		(void)state;                                                                       \
		if (!alloc_count_available())                                                      \
			skip();                                                                    \
	} while (0)
#define EXPECT(cond, ...)                                                                          \
	do {                                                                                       \
		if (!(cond))                                                                       \
			fail_msg(__VA_ARGS__);                                                     \
	} while (0)

/* Calls through volatile pointers: gcc -O1+ deletes an unused malloc/free pair and may merge
 * malloc + memset into calloc (DESIGN section 4.6); it cannot see through these. */
static void *(*volatile malloc_fn)(size_t) = malloc;
static void *(*volatile calloc_fn)(size_t, size_t) = calloc;
static void *(*volatile realloc_fn)(void *, size_t) = realloc;
static void *(*volatile reallocarray_fn)(void *, size_t, size_t) = reallocarray;
static void *(*volatile memalign_fn)(size_t, size_t) = memalign;
static int (*volatile posix_memalign_fn)(void **, size_t, size_t) = posix_memalign;
static void *(*volatile aligned_alloc_fn)(size_t, size_t) = aligned_alloc;
static void *(*volatile valloc_fn)(size_t) = valloc;
static void *(*volatile pvalloc_fn)(size_t) = pvalloc;
static void (*volatile free_fn)(void *) = free;
static char *(*volatile strdup_fn)(const char *) = strdup;

static void *posix_memalign_64(size_t size)
{
	void *p = NULL;
	return posix_memalign_fn(&p, 64, size) == 0 ? p : NULL;
}

/* One call of each entry point, with the bytes it asks for. */
static void *call(int which, void *old)
{
	switch (which) {
	case 0:
		return malloc_fn(100);
	case 1:
		return calloc_fn(3, 40);
	case 2:
		return realloc_fn(old, 200);
	case 3:
		return reallocarray_fn(old, 5, 40);
	case 4:
		return memalign_fn(64, 100);
	case 5:
		return posix_memalign_64(100);
	case 6:
		return aligned_alloc_fn(64, 100);
	case 7:
		return valloc_fn(100);
	default:
		return pvalloc_fn(100);
	}
}

static const char *const names[] = {"malloc",        "calloc",   "realloc",
                                    "reallocarray",  "memalign", "posix_memalign",
                                    "aligned_alloc", "valloc",   "pvalloc"};
static const uint64_t bytes[] = {100, 120, 200, 200, 100, 100, 100, 100, 100};

static void expect_delta(struct alloc_counts before, uint64_t allocs, uint64_t frees,
                         uint64_t nbytes, const char *what)
{
	struct alloc_counts d = alloc_count_delta(before, alloc_count_now());

	EXPECT(d.allocations == allocs && d.frees == frees && d.bytes == nbytes,
	       "%s: got %llu allocations, %llu frees, %llu bytes; want %llu, %llu, %llu", what,
	       (unsigned long long)d.allocations, (unsigned long long)d.frees,
	       (unsigned long long)d.bytes, (unsigned long long)allocs, (unsigned long long)frees,
	       (unsigned long long)nbytes);
}

static void every_entry_point_counts_once(void **state)
{
	REQUIRE_INTERPOSER();
	for (int i = 0; i < 9; i++) {
		void *old = i == 2 || i == 3 ? malloc_fn(8) : NULL;
		struct alloc_counts before = alloc_count_now();
		char *p = call(i, old);

		EXPECT(p != NULL, "%s: returned NULL", names[i]);
		p[0] = 1; /* used, so the call stays */
		expect_delta(before, 1, 0, bytes[i], names[i]);
		before = alloc_count_now();
		free_fn(p);
		expect_delta(before, 0, 1, 0, "free");
	}
}

/* mmap, mmap64 and mremap are allocations, munmap a free: memory taken with mmap escapes no
 * count. A failed munmap frees nothing. */
static void mappings_count_as_allocations(void **state)
{
	REQUIRE_INTERPOSER();
	struct alloc_counts before = alloc_count_now();
	char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	EXPECT(p != MAP_FAILED, "mmap failed");
	p[0] = 1;
	expect_delta(before, 1, 0, 4096, "mmap");
	before = alloc_count_now();
	char *q = mremap(p, 4096, 8192, MREMAP_MAYMOVE);
	EXPECT(q != MAP_FAILED, "mremap failed");
	q[8191] = 1;
	expect_delta(before, 1, 0, 8192, "mremap");
	before = alloc_count_now();
	EXPECT(munmap(q, 8192) == 0, "munmap failed");
	EXPECT(munmap((char *)q + 1, 4096) != 0, "munmap of an unaligned address worked");
	expect_delta(before, 0, 1, 0, "munmap, then a failed munmap");
	before = alloc_count_now();
	p = mmap64(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	EXPECT(p != MAP_FAILED && munmap(p, 4096) == 0, "mmap64 or its munmap failed");
	struct alloc_counts d = alloc_count_delta(before, alloc_count_now());
	EXPECT(d.allocations == 1 && d.frees == 1 && d.mappings == 1,
	       "mmap64 and munmap: %llu allocations, %llu frees, %llu mappings; want 1, 1, 1",
	       (unsigned long long)d.allocations, (unsigned long long)d.frees,
	       (unsigned long long)d.mappings);
}

static void free_of_null_is_not_counted(void **state)
{
	struct alloc_counts before = alloc_count_now();

	REQUIRE_INTERPOSER();
	free_fn(NULL);
	expect_delta(before, 0, 0, 0, "free(NULL)");
}

static void bad_requests_fail_and_still_count(void **state)
{
	struct alloc_counts before = alloc_count_now();
	void *p = &p;
	int rc;

	REQUIRE_INTERPOSER();
	errno = 0;
	EXPECT(aligned_alloc_fn(24, 48) == NULL && errno == EINVAL,
	       "aligned_alloc(24, 48): want NULL and EINVAL, errno %d", errno);
	rc = posix_memalign_fn(&p, 4, 16);
	EXPECT(rc == EINVAL && p == &p, "posix_memalign(4): got %d, want EINVAL, *memptr kept", rc);
	errno = 0;
	EXPECT(reallocarray_fn(NULL, SIZE_MAX / 2, 3) == NULL && errno == ENOMEM,
	       "reallocarray overflow: want NULL and ENOMEM, errno %d", errno);
	expect_delta(before, 3, 0, 48 + 16 + SIZE_MAX, "three failed calls");
}

/* glibc's own calls to malloc go through the PLT, so the interposer sees them. */
static void allocations_inside_libc_count(void **state)
{
	struct alloc_counts before, d;
	char *s, *t = NULL;

	REQUIRE_INTERPOSER();
	before = alloc_count_now();
	s = strdup_fn("twelve bytes");
	EXPECT(s && strcmp(s, "twelve bytes") == 0, "strdup returned '%s'", s ? s : "(null)");
	expect_delta(before, 1, 0, 13, "strdup(\"twelve bytes\")");
	free_fn(s);
	before = alloc_count_now();
	EXPECT(asprintf(&t, "%d-%s", 42, "x") == 4 && strcmp(t, "42-x") == 0, "asprintf failed");
	free_fn(t);
	d = alloc_count_delta(before, alloc_count_now());
	EXPECT(d.allocations >= 1 && d.frees >= 1,
	       "asprintf + free: got %llu allocations, %llu frees",
	       (unsigned long long)d.allocations, (unsigned long long)d.frees);
}

#define THREADS    4
#define PER_THREAD 100000

static pthread_barrier_t start_line;

static void *churn(void *arg)
{
	(void)arg;
	pthread_barrier_wait(&start_line); /* all at once: contention is the point */
	for (int i = 0; i < PER_THREAD; i++) {
		char *p = malloc_fn(16);
		p[0] = (char)i;
		free_fn(p);
	}
	return NULL;
}

/* A counter that is not atomic loses increments under contention: none may be lost. The
 * slack covers what pthread_create and pthread_join allocate themselves. */
static void counts_from_threads_are_not_lost(void **state)
{
	const uint64_t want = (uint64_t)THREADS * PER_THREAD;
	struct alloc_counts before = alloc_count_now(), d;
	pthread_t t[THREADS];

	REQUIRE_INTERPOSER();
	pthread_barrier_init(&start_line, NULL, THREADS);
	for (int i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, churn, NULL);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&start_line);
	d = alloc_count_delta(before, alloc_count_now());
	EXPECT(d.allocations >= want && d.allocations < want + 100 && d.frees >= want &&
	           d.frees < want + 100,
	       "%d threads x %d malloc/free: got %llu allocations, %llu frees, want %llu each",
	       THREADS, PER_THREAD, (unsigned long long)d.allocations, (unsigned long long)d.frees,
	       (unsigned long long)want);
}

static int require_interposer(void **state)
{
	(void)state;
	if (!alloc_count_available())
		printf(
		    "alloc_count: no interposer in this build (asan, tsan, valgrind): skipped\n");
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(every_entry_point_counts_once),
	    cmocka_unit_test(free_of_null_is_not_counted),
	    cmocka_unit_test(mappings_count_as_allocations),
	    cmocka_unit_test(bad_requests_fail_and_still_count),
	    cmocka_unit_test(allocations_inside_libc_count),
	    cmocka_unit_test(counts_from_threads_are_not_lost),
	};
	return cmocka_run_group_tests_name("alloc_count", tests, require_interposer, NULL);
}
