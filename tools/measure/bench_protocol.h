/* bench_protocol.h: the contract between whoever runs a bench driver (the Valgrind runner,
 * the grader's native timing) and the driver: its arguments are lesson.ini's args followed by
 * "--seed N", and after the measured region it prints "region_ns N" (with "region_cpu_ns N",
 * "region_csw N", "region_minflt N", "region_max_rss N"), any values it measured itself
 * ("bench NAME VALUE") and "checksum <hex>". */
#ifndef BENCH_PROTOCOL_H
#define BENCH_PROTOCOL_H

#include <stddef.h>
#include <stdint.h>

/* Splits "ARGS --seed SEED" into argv[0..n) (no quoting: lesson.ini args are plain flags),
 * using storage for the strings, and NULL-terminates it. Returns n, or -1 when more than
 * max - 1 words would not fit. */
int bench_protocol_argv(const char *args, unsigned long long seed, char *storage, size_t len,
                        char **argv, int max);

#define BENCH_MAX_VALUES 8

struct bench_output {
	uint64_t checksum; /* the last "checksum <16 hex digits>" line */
	int has_checksum;
	long long region_ns; /* the last "region_ns N" line with N > 0 */
	int has_region;
	/* what REGION_END measured with getrusage; has_usage when all four were printed */
	long long region_cpu_ns, region_csw, region_minflt, region_max_rss;
	int has_usage;
	/* "bench NAME VALUE" lines: what the driver measured itself, such as a load generator's
	 * requests per second; lesson.ini grades them as metric bench.NAME (native runs only) */
	struct bench_value {
		char name[48];
		double value;
	} values[BENCH_MAX_VALUES];
	size_t n_values;
};

/* The value called name, or NULL. */
const struct bench_value *bench_protocol_value(const struct bench_output *out, const char *name);

/* Reads what the driver printed (its stdout file). The driver prints after the region, so
 * the last lines win over anything the student's code printed. Returns 0, or -1 when the
 * file cannot be read. */
int bench_protocol_read(const char *stdout_path, struct bench_output *out);

#endif
