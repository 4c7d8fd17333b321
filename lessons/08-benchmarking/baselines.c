/* baselines.c: the driver of `make baselines LESSON=08` (baselines.sh runs it), linked with the
 * reference benchmark.c:
 *   baselines compare OLD.json NEW.json  the reference's statistics on a recorded sample pair
 *                                      (Google Benchmark JSON, the real_time of every
 *                                      repetition): "CHANGE_PCT P VERDICT" on one line, then
 *                                      bench_compare_line's benchstat line
 *   baselines run A|B                    one run of the live workload, for hyperfine to time
 *   baselines live SAMPLES               the reference harness timing A and B in-process
 * The live workload is a dependent chain of multiply-adds (latency-bound, so its time hardly
 * depends on the cache): A takes 4,000,000 steps, B 4,400,000, a planted 10% slowdown. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "benchmark.h"

#define MAX_SAMPLES 1000
#define STEPS_A     4000000u
#define STEPS_B     4400000u

/* The "real_time" of every repetition in a Google Benchmark JSON file, in file order; the
 * aggregates (run_type "aggregate": mean, median, stddev) are skipped. */
static size_t read_real_times(const char *path, double *x, size_t max)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		perror(path);
		exit(2);
	}
	static char text[1 << 20];
	size_t len = fread(text, 1, sizeof text - 1, f);
	fclose(f);
	text[len] = '\0';
	size_t n = 0;
	const char *key = "\"real_time\":";
	const char *object = text; /* where the current benchmark object starts */
	for (const char *p = strstr(text, key); p && n < max; p = strstr(p, key)) {
		while (strchr(object + 1, '{') && strchr(object + 1, '{') < p)
			object = strchr(object + 1, '{');
		const char *agg = strstr(object, "\"aggregate\"");
		p += strlen(key);
		if (!agg || agg > p)
			x[n++] = strtod(p, NULL);
	}
	if (n == 0) {
		fprintf(stderr, "%s: no real_time values\n", path);
		exit(2);
	}
	return n;
}

static int compare(const char *old_path, const char *new_path)
{
	static double old[MAX_SAMPLES], new_[MAX_SAMPLES];
	size_t nold = read_real_times(old_path, old, MAX_SAMPLES);
	size_t nnew = read_real_times(new_path, new_, MAX_SAMPLES);
	double u;
	double p = bench_mann_whitney(old, nold, new_, nnew, &u);
	double mo = bench_median(old, nold), mn = bench_median(new_, nnew);
	char line[256];
	bench_compare_line(line, sizeof line, "x", old, nold, new_, nnew);
	printf("%+.2f %.4g %s\n%s\n", 100.0 * (mn - mo) / mo, p, p < 0.05 ? "different" : "same",
	       line);
	return 0;
}

static uint64_t chain(uint64_t steps)
{
	uint64_t x = steps;
	for (uint64_t i = 0; i < steps; i++) {
		x = x * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
		__asm__ volatile("" : "+r"(x)); /* keeps the chain a chain, step by step */
	}
	return x;
}

static volatile uint64_t sink;

static void run_a(void *arg)
{
	(void)arg;
	sink = chain(STEPS_A);
}

static void run_b(void *arg)
{
	(void)arg;
	sink = chain(STEPS_B);
}

static void describe(const char *name, const double *x, size_t n, uint64_t iters)
{
	double lo = 0, hi = 0;
	int ci = bench_median_ci(x, n, &lo, &hi);
	printf("%s %.4f %.4f %.4f %.4f %llu\n", name, bench_median(x, n) / 1e6,
	       ci == 0 ? lo / 1e6 : 0.0, ci == 0 ? hi / 1e6 : 0.0, bench_mad(x, n) / 1e6,
	       (unsigned long long)iters);
}

static int live(size_t count)
{
	static double a[MAX_SAMPLES], b[MAX_SAMPLES];
	if (count < 6 || count > MAX_SAMPLES)
		count = 20;
	const uint64_t min_ns = 20000000; /* a sample of at least 20 ms */
	uint64_t na = bench_collect(&bench_monotonic, run_a, NULL, min_ns, a, count);
	uint64_t nb = bench_collect(&bench_monotonic, run_b, NULL, min_ns, b, count);
	describe("A", a, count, na);
	describe("B", b, count, nb);
	char line[256];
	bench_compare_line(line, sizeof line, "chain", a, count, b, count);
	printf("%s\n", line);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "compare") == 0)
		return compare(argv[2], argv[3]);
	if (argc == 3 && strcmp(argv[1], "run") == 0) {
		sink = chain(strcmp(argv[2], "B") == 0 ? STEPS_B : STEPS_A);
		return 0;
	}
	if (argc >= 2 && strcmp(argv[1], "live") == 0)
		return live(argc >= 3 ? (size_t)strtoul(argv[2], NULL, 10) : 20);
	fprintf(stderr, "usage: baselines compare OLD.json NEW.json | run A|B | live [SAMPLES]\n");
	return 2;
}
