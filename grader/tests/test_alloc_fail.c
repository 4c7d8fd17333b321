/* test_alloc_fail.c: the allocation-failure injection a lesson's alloc_fail_test.c relies on. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <cmocka.h>

#include "alloc_fail.h"

/* volatile: gcc -O2 deletes a malloc/free pair whose memory is unused */
static void *volatile sink;

static void the_nth_call_fails_once(void **state)
{
	(void)state;
	alloc_fail_reset();
	alloc_fail_nth(2);
	void *a = malloc(16);
	sink = a;
	errno = 0;
	void *b = malloc(16);
	assert_non_null(a);
	assert_null(b);
	assert_int_equal(errno, ENOMEM);
	void *c = calloc(2, 8); /* the failure is spent */
	sink = c;
	assert_non_null(c);
	assert_int_equal(alloc_fail_calls(), 3);
	assert_int_equal(alloc_fail_injected(), 1);
	assert_int_equal(alloc_fail_live(), 2);
	free(a);
	free(c);
	assert_int_equal(alloc_fail_live(), 0);
}

static void a_failed_realloc_keeps_the_block(void **state)
{
	(void)state;
	alloc_fail_reset();
	char *p = malloc(8);
	sink = p;
	p[7] = 'x';
	alloc_fail_nth(1);
	char *grown = realloc(p, 1 << 20);
	assert_null(grown);
	assert_int_equal(alloc_fail_live(), 1);
	if (grown == NULL) /* the block is still ours: grow it for real */
		grown = realloc(p, 64);
	sink = grown;
	assert_non_null(grown);
	assert_int_equal(grown[7], 'x');
	free(grown);
	assert_int_equal(alloc_fail_live(), 0);
}

static void aligned_entry_points_count_and_fail(void **state)
{
	(void)state;
	alloc_fail_reset();
	alloc_fail_nth(1);
	void *p = NULL;
	assert_int_equal(posix_memalign(&p, 64, 128), ENOMEM);
	assert_int_equal(posix_memalign(&p, 64, 128), 0);
	void *q = aligned_alloc(64, 128);
	sink = q;
	assert_non_null(q);
	assert_int_equal(alloc_fail_live(), 2);
	free(p);
	free(q);
	assert_int_equal(alloc_fail_live(), 0);
	assert_int_equal(alloc_fail_calls(), 3);
}

static void disarmed_nothing_fails(void **state)
{
	(void)state;
	alloc_fail_reset();
	alloc_fail_nth(1);
	alloc_fail_nth(0);
	void *p = malloc(1);
	sink = p;
	assert_non_null(p);
	free(p);
	assert_int_equal(alloc_fail_injected(), 0);
}

/* A mapping fails and counts like a malloc: MAP_FAILED with ENOMEM, a live block until munmap. */
static void mappings_fail_and_count_as_blocks(void **state)
{
	(void)state;
	alloc_fail_reset();
	alloc_fail_nth(1);
	errno = 0;
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(p == MAP_FAILED);
	assert_int_equal(errno, ENOMEM);
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(p != MAP_FAILED);
	assert_int_equal(alloc_fail_live(), 1);
	alloc_fail_nth(1);
	assert_true(mremap(p, 4096, 8192, MREMAP_MAYMOVE) == MAP_FAILED);
	void *q = mremap(p, 4096, 8192, MREMAP_MAYMOVE);
	assert_true(q != MAP_FAILED);
	assert_int_equal(alloc_fail_live(), 1);
	assert_int_equal(munmap(q, 8192), 0);
	assert_int_equal(alloc_fail_live(), 0);
	assert_int_equal(alloc_fail_calls(), 4);
	assert_int_equal(alloc_fail_injected(), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(the_nth_call_fails_once),
	    cmocka_unit_test(a_failed_realloc_keeps_the_block),
	    cmocka_unit_test(aligned_entry_points_count_and_fail),
	    cmocka_unit_test(disarmed_nothing_fails),
	    cmocka_unit_test(mappings_fail_and_count_as_blocks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
