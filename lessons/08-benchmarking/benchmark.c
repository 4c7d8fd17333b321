/* benchmark.c: lesson 08's harness, the way a first attempt looks. It runs, it prints numbers,
 * and the numbers are wrong: see the README. This is the file you change. */
#include <math.h>
#include <stdio.h>

#include "benchmark.h"

/* {=== the harness ===} */

/* Times every call on its own and adds the times up. */
uint64_t bench_time(const struct bench_clock *clk, bench_fn *fn, void *arg, uint64_t n)
{
	uint64_t total = 0;
	for (uint64_t i = 0; i < n; i++) {
		uint64_t start = clk->now_ns(clk->ctx);
		fn(arg);
		total += clk->now_ns(clk->ctx) - start;
	}
	return total;
}

uint64_t bench_time_payload(const struct bench_clock *clk, uint64_t n)
{
	uint64_t total = 0;
	for (uint64_t i = 0; i < n; i++) {
		uint64_t start = clk->now_ns(clk->ctx);
		(void)bench_payload(i); /* the result is not needed */
		total += clk->now_ns(clk->ctx) - start;
	}
	return total;
}

/* One iteration is enough: it is timed, isn't it? */
uint64_t bench_calibrate(const struct bench_clock *clk, bench_fn *fn, void *arg, uint64_t min_ns)
{
	(void)clk;
	(void)min_ns;
	fn(arg);
	return 1;
}

uint64_t bench_collect(const struct bench_clock *clk, bench_fn *fn, void *arg, uint64_t min_ns,
                       double *ns_per_op, size_t count)
{
	(void)min_ns;
	for (size_t i = 0; i < count; i++)
		ns_per_op[i] = (double)bench_time(clk, fn, arg, 1);
	return 1;
}
/* }=== */

/* {=== statistics ===} */
static double mean(const double *x, size_t n)
{
	double sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += x[i];
	return sum / (double)n;
}

/* The average is the typical value, isn't it? */
double bench_median(const double *x, size_t n)
{
	return mean(x, n);
}

int bench_median_ci(const double *x, size_t n, double *lo, double *hi)
{
	(void)x;
	(void)n;
	(void)lo;
	(void)hi;
	return -1; /* TODO */
}

/* The mean distance from the mean. */
double bench_mad(const double *x, size_t n)
{
	double m = mean(x, n), sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += fabs(x[i] - m);
	return sum / (double)n;
}

double bench_mann_whitney(const double *a, size_t na, const double *b, size_t nb, double *u)
{
	(void)a;
	(void)na;
	(void)b;
	(void)nb;
	*u = 0;
	return 1; /* TODO: "not significant", always */
}

int bench_compare_line(char *buf, size_t size, const char *name, const double *old, size_t nold,
                       const double *new_, size_t nnew)
{
	double mo = mean(old, nold), mn = mean(new_, nnew);
	return snprintf(buf, size, "%s  %.4g ns/op  %.4g ns/op  %+.2f%% (p=%.3f n=%zu+%zu)", name,
	                mo, mn, (mn - mo) / mo * 100, 1.0, nold, nnew);
}
/* }=== */

int bench_format_go(char *buf, size_t size, const char *name, int procs, uint64_t iters,
                    double ns_per_op)
{
	return snprintf(buf, size, "Benchmark%s-%d\t%llu\t%.2f ns/op\n", name, procs,
	                (unsigned long long)iters, ns_per_op);
}
