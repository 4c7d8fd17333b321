/* test_bench_protocol.c: what a bench driver prints after its region, as the grader reads it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <cmocka.h>

#include "bench_protocol.h"

static void read_text(const char *text, struct bench_output *out)
{
	char path[] = "/tmp/test-bench-protocol-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	assert_int_equal(bench_protocol_read(path, out), 0);
	unlink(path);
}

static void reads_region_usage_and_checksum(void **state)
{
	(void)state;
	struct bench_output out;
	read_text("region_ns 2000\nregion_cpu_ns 3900\nregion_csw 7\nregion_minflt 12\n"
	          "region_max_rss 4096\nchecksum 00000000000000ff\n",
	          &out);
	assert_true(out.has_region && out.has_usage && out.has_checksum);
	assert_int_equal(out.region_ns, 2000);
	assert_int_equal(out.region_cpu_ns, 3900);
	assert_int_equal(out.region_csw, 7);
	assert_int_equal(out.region_minflt, 12);
	assert_int_equal(out.region_max_rss, 4096);
	assert_int_equal(out.checksum, 0xff);
}

static void usage_needs_all_four_lines(void **state)
{
	(void)state;
	struct bench_output out;
	/* an older driver, or a student's print that imitates one line: no usage at all */
	read_text("region_ns 2000\nregion_cpu_ns 10\nregion_cspeed 9\nchecksum 0000000000000001\n",
	          &out);
	assert_true(out.has_region);
	assert_false(out.has_usage);
}

static void the_last_line_wins(void **state)
{
	(void)state;
	struct bench_output out;
	/* the driver prints after the region: a student's earlier fake lines lose */
	read_text("region_ns 1\nchecksum 0000000000000001\nregion_ns 5000\n"
	          "checksum 0000000000000002\n",
	          &out);
	assert_int_equal(out.region_ns, 5000);
	assert_int_equal(out.checksum, 2);
}

/* "bench NAME VALUE": the last line of a name wins; malformed lines are ignored. */
static void reads_values_the_driver_measured(void **state)
{
	(void)state;
	struct bench_output out;
	read_text("bench requests_per_s 1000\nbench p99_us 812.5\nbench bad-name 3\n"
	          "bench neg -1\nbench trailing 5x\nbench requests_per_s 120000.5\n"
	          "checksum 0000000000000001\n",
	          &out);
	assert_int_equal(out.n_values, 2);
	const struct bench_value *v = bench_protocol_value(&out, "requests_per_s");
	assert_non_null(v);
	assert_true(v->value == 120000.5);
	v = bench_protocol_value(&out, "p99_us");
	assert_non_null(v);
	assert_true(v->value == 812.5);
	assert_null(bench_protocol_value(&out, "neg"));
	assert_null(bench_protocol_value(&out, "trailing"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(reads_region_usage_and_checksum),
	    cmocka_unit_test(usage_needs_all_four_lines),
	    cmocka_unit_test(the_last_line_wins),
	    cmocka_unit_test(reads_values_the_driver_measured),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
