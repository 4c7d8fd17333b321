/* benchmark.h: a micro-benchmark harness and the statistics that make its numbers mean
 * something. The API contract of lesson 08: the student file benchmark.c implements it; do not
 * edit this file. Times are nanoseconds; every function that reads time reads it through a
 * struct bench_clock, so tests can drive the harness with a fake clock. */
#ifndef BENCHMARK_H
#define BENCHMARK_H

#include <stddef.h>
#include <stdint.h>

/* A clock: now_ns(ctx) returns the current time in nanoseconds, never decreasing. */
struct bench_clock {
	uint64_t (*now_ns)(void *ctx);
	void *ctx;
};

/* The real clock (CLOCK_MONOTONIC), in bench_support.c. */
extern const struct bench_clock bench_monotonic;

/* A benchmarked operation: one call is one iteration. */
typedef void bench_fn(void *arg);

/* The trivial operation bench.c measures the harness's overhead with (bench_support.c). It
 * is declared const, so the compiler may assume its result is all it does and delete a call
 * whose result nobody uses; it secretly counts its calls in bench_payload_calls, which is how
 * the tests see whether the calls really happened. */
uint64_t bench_payload(uint64_t x) __attribute__((const));
extern uint64_t bench_payload_calls;

/* {=== the harness ===} */

/* Calls fn(arg) n times and returns the nanoseconds the n calls took, read from clk. */
uint64_t bench_time(const struct bench_clock *clk, bench_fn *fn, void *arg, uint64_t n);

/* Calls bench_payload(i) for i = 0..n-1, every call really made (its result kept from the
 * optimizer), and returns the nanoseconds they took, read from clk. */
uint64_t bench_time_payload(const struct bench_clock *clk, uint64_t n);

/* Chooses the iteration count N of a sample (Go's b.N): runs fn with growing counts, each
 * run timed on its own, until a run of N iterations lasts at least min_ns (or N reaches
 * 1e9), and returns N. The runs warm fn up. */
uint64_t bench_calibrate(const struct bench_clock *clk, bench_fn *fn, void *arg, uint64_t min_ns);

/* Calibrates with min_ns, then fills ns_per_op[0..count) with count samples, each the time
 * of one run of N iterations divided by N, timed on its own. Returns N. */
uint64_t bench_collect(const struct bench_clock *clk, bench_fn *fn, void *arg, uint64_t min_ns,
                       double *ns_per_op, size_t count);

/* {=== the statistics; x is not modified, n >= 1 ===} */

/* The median: the middle value, or the mean of the two middle values when n is even. */
double bench_median(const double *x, size_t n);

/* A distribution-free 95% confidence interval of the median: [x(j), x(n+1-j)] in sorted
 * order (ranks from 1), with j the largest rank for which the binomial coverage
 * 1 - 2 P(B < j), B ~ Binomial(n, 1/2), is at least 0.95. Sets *lo, *hi; returns 0, or -1
 * (leaving them alone) when no such j exists (n < 6). */
int bench_median_ci(const double *x, size_t n, double *lo, double *hi);

/* The median absolute deviation: the median of |x[i] - median(x)|, not scaled. */
double bench_mad(const double *x, size_t n);

/* The Mann-Whitney U test of a[0..na) against b[0..nb): sets *u to U of a (a's rank sum,
 * ties given their mean rank, minus na(na+1)/2) and returns the two-sided p-value from the
 * normal approximation with the tie-corrected variance and a continuity correction of 0.5
 * (1 when the variance is 0; never above 1). */
double bench_mann_whitney(const double *a, size_t na, const double *b, size_t nb, double *u);

/* benchstat's verdict on old -> new samples, written to buf (snprintf's contract):
 *   "NAME  OLD ns/op  NEW ns/op  DELTA (p=P n=NOLD+NNEW)"
 * OLD and NEW are medians ("%.4g"), P the Mann-Whitney p-value ("%.3f"), DELTA the change of
 * the median in percent ("%+.2f%%") when p < 0.05, or "~" when it is not significant. */
int bench_compare_line(char *buf, size_t size, const char *name, const double *old, size_t nold,
                       const double *new_, size_t nnew);

/* One result line in Go's benchmark format, which benchstat reads, to buf (snprintf's
 * contract): "BenchmarkNAME-PROCS\tITERS\tNS ns/op\n", NS with two decimals. */
int bench_format_go(char *buf, size_t size, const char *name, int procs, uint64_t iters,
                    double ns_per_op);

#endif
