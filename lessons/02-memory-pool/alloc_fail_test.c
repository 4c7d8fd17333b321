/* alloc_fail_test.c: lesson 02's error paths. Every allocation the pool, the arena and the
 * service make is failed in turn (tools/harness/alloc_fail.h): each must report it (NULL, or -1
 * with errno ENOMEM), stay usable, answer every other request correctly, and leave no block
 * behind once destroyed. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h> /* after the headers it needs */

#include "alloc_fail.h"
#include "calc.h"
#include "calc_input.h"

#define MAX_K 100000 /* more allocation calls than any version makes in one run */

/* Ends a run that failed allocation k: no injected failure means k passed the last call. */
static int finish(long k, const char *what)
{
	int injected = alloc_fail_injected() > 0;
	alloc_fail_nth(0);
	if (alloc_fail_live() != 0)
		fail_msg("%s, allocation %ld failed: %ld blocks still allocated after destroy — an "
		         "error path leaks; see README \"When memory runs out\"",
		         what, k, alloc_fail_live());
	return !injected;
}

/* {=== pool ===} */

static int pool_run(long k)
{
	alloc_fail_reset();
	alloc_fail_nth(k);
	struct pool *p = pool_create(48);
	if (p != NULL) {
		static void *o[600];
		int n = 0, failed = 0;
		for (int i = 0; i < 600; i++)
			if ((o[n] = pool_get(p)) != NULL)
				memset(o[n++], 0x5a, 48);
			else
				failed++;
		if (failed > 1)
			fail_msg(
			    "pool: allocation %ld failed once, pool_get returned NULL %d times "
			    "(the pool must stay usable)",
			    k, failed);
		for (int i = 0; i < n; i += 2) /* half back, the rest left to pool_destroy */
			pool_put(p, o[i]);
	}
	pool_destroy(p);
	return finish(k, "pool_create(48) and 600 pool_get");
}

static void pool_survives_every_allocation_failure(void **state)
{
	(void)state;
	for (long k = 1; k <= MAX_K; k++)
		if (pool_run(k))
			return;
	fail_msg("the pool made more than %d allocations", MAX_K);
}

/* }=== */
/* {=== arena ===} */

static int arena_run(long k)
{
	static const size_t sizes[] = {24, 0, 200, 5000, 70000, 16, 100, 8};
	alloc_fail_reset();
	alloc_fail_nth(k);
	struct arena *a = arena_create();
	for (int round = 0; a != NULL && round < 2; round++) {
		int failed = 0;
		for (int i = 0; i < 64; i++) {
			size_t size = sizes[i % 8];
			char *p = arena_alloc(a, size);
			if (p == NULL)
				failed++;
			else
				memset(p, i, size);
		}
		if (failed > 1)
			fail_msg(
			    "arena: allocation %ld failed once, arena_alloc returned NULL %d times "
			    "(the arena must stay usable)",
			    k, failed);
		arena_reset(a);
	}
	arena_destroy(a);
	return finish(k, "arena_create and 2 x 64 arena_alloc of 0 to 70000 bytes");
}

static void arena_survives_every_allocation_failure(void **state)
{
	(void)state;
	for (long k = 1; k <= MAX_K; k++)
		if (arena_run(k))
			return;
	fail_msg("the arena made more than %d allocations", MAX_K);
}

/* }=== */
/* {=== the service ===} */

#define REQUESTS 24

static struct calc_input in;
static int fd;                  /* the request file, read again by every run */
static char want[REQUESTS][96]; /* the responses of a run without failures */

static int calc_run(long k)
{
	alloc_fail_reset();
	alloc_fail_nth(k);
	struct calc *c = calc_create();
	if (lseek(fd, 0, SEEK_SET) != 0)
		fail_msg("lseek of the request file failed");
	if (c != NULL && calc_open(c, fd) != 0 && errno != ENOMEM)
		fail_msg("calc_open: allocation %ld failed: returned -1 with errno %d, want ENOMEM",
		         k, errno);
	int rc;
	for (int i = 0; c != NULL && (rc = calc_build(c)) != 0; i++) {
		const char *r;
		size_t len;
		if (i >= REQUESTS)
			fail_msg("allocation %ld failed: more than %d requests built", k, REQUESTS);
		if (rc == -1 && errno != ENOMEM)
			fail_msg("calc_build: allocation %ld failed: errno %d, want ENOMEM", k,
			         errno);
		if (rc != 1)
			continue; /* skipped */
		if (calc_respond(c, &r, &len) != 0) {
			if (errno != ENOMEM)
				fail_msg("calc_respond: allocation %ld failed: errno %d", k, errno);
		} else if (len != strlen(want[i]) || memcmp(r, want[i], len) != 0) {
			fail_msg("allocation %ld failed: request %d answered\n  %.*s  want\n  %s",
			         k, i, (int)len, r, want[i]);
		}
		calc_release(c);
	}
	calc_destroy(c);
	return finish(k, "the service on 24 requests");
}

static void service_survives_every_allocation_failure(void **state)
{
	(void)state;
	calc_input_make(&in, REQUESTS, 5);
	fd = in.fd;
	struct calc *c = calc_create();
	const char *r;
	size_t len;
	assert_int_equal(calc_open(c, fd), 0);
	for (int i = 0; calc_build(c) == 1; i++) {
		assert_int_equal(calc_respond(c, &r, &len), 0);
		snprintf(want[i], sizeof want[i], "%.*s", (int)len, r);
		calc_release(c);
	}
	calc_destroy(c);
	for (long k = 1; k <= MAX_K; k++)
		if (calc_run(k)) {
			calc_input_free(&in);
			return;
		}
	fail_msg("the service made more than %d allocations", MAX_K);
}

/* }=== */

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(pool_survives_every_allocation_failure),
	    cmocka_unit_test(arena_survives_every_allocation_failure),
	    cmocka_unit_test(service_survives_every_allocation_failure),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
