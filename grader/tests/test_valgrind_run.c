/* test_valgrind_run.c: vg_measure end to end on a fixture program (fixtures/src/peak.c, built
 * as TEST_BIN_DIR/fixture-peak): the exact massif peak, raw files kept from the cache, and
 * the libc build in the cache key. Each runs Valgrind for about a second. */

#include <gnu/libc-version.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "valgrind_run.h"

#ifndef TEST_BIN_DIR
#define TEST_BIN_DIR "build/tests"
#endif
#define PEAK_BENCH TEST_BIN_DIR "/fixture-peak"

/* peak.c: 1 MiB held, then an 8000-byte block on top of it (and the block headers) */
#define TRUE_PEAK_AT_LEAST ((1u << 20) + 8000u)

static void measure(const char *cache_dir, const char *keep_dir, struct vg_result *r)
{
	char err[512] = "";
	struct vg_spec spec = {.tool = VG_MASSIF,
	                       .bench = PEAK_BENCH,
	                       .args = "",
	                       .seed = 1,
	                       .time_limit = 120,
	                       .cache_dir = cache_dir,
	                       .keep_dir = keep_dir};
	if (vg_measure(&spec, r, err, sizeof err) != 0)
		fail_msg("vg_measure(%s): %s", PEAK_BENCH, err);
}

/* massif's default --peak-inaccuracy=1.0 reported 1048608 B here, 8000 B under the peak */
static void massif_peak_is_exact(void **state)
{
	struct vg_result r;
	(void)state;
	measure(NULL, NULL, &r);
	if (r.peak_heap < TRUE_PEAK_AT_LEAST)
		fail_msg("peak_heap %llu, the program held at least %u",
		         (unsigned long long)r.peak_heap, TRUE_PEAK_AT_LEAST);
	vg_result_free(&r);
}

static long file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

/* A second grading of the same binary reads the cache; --keep-dir must still get the raw file
 * (before the fix: none, so a batch lost the dispute evidence of identical files). */
static void keep_dir_from_the_cache(void **state)
{
	char cache[] = "/tmp/test-vgrun-cache-XXXXXX", keep[] = "/tmp/test-vgrun-keep-XXXXXX";
	struct vg_result first, second;
	(void)state;
	assert_non_null(mkdtemp(cache));
	assert_non_null(mkdtemp(keep));
	measure(cache, NULL, &first);
	measure(cache, keep, &second);
	assert_int_equal(second.cached, 1);
	assert_int_equal(second.peak_heap, first.peak_heap);
	char want[600];
	snprintf(want, sizeof want, "%s/massif.out", keep);
	assert_string_equal(second.raw_output, want);
	if (file_size(want) <= 0)
		fail_msg("%s: no raw massif file kept from the cache", want);
	vg_result_free(&first);
	vg_result_free(&second);
	char cmd[200];
	snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s'", cache, keep);
	assert_int_equal(system(cmd), 0);
}

/* "2.36" alone does not name the build: a Debian update keeps it and may move counts */
static void cache_key_names_the_libc_build(void **state)
{
	(void)state;
	const char *id = vg_libc_identity();
	if (strstr(id, gnu_get_libc_version()) == NULL || strstr(id, " libc.so") == NULL ||
	    strstr(id, " ld-linux") == NULL)
		fail_msg("libc identity '%s' names no libc or loader file hash", id);
	const char *hash = strchr(strstr(id, " libc.so"), ':');
	assert_non_null(hash);
	assert_true(strspn(hash + 1, "0123456789abcdef") == 16);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(massif_peak_is_exact),
	    cmocka_unit_test(keep_dir_from_the_cache),
	    cmocka_unit_test(cache_key_names_the_libc_build),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
