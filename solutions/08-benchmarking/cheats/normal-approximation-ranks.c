/* cheat: the median's confidence ranks from the normal approximation, not the binomial
 * Expected: status tests_failed /median_ci_from_binomial_ranks/
 * The reference with one change: j = round(n/2 - 0.98 sqrt(n)), the textbook shortcut, in
 * place of the binomial coverage the lesson teaches. It agrees with the exact rank at every n
 * the task suite used to try (5, 6, 7, 10, 30) and differs at n = 17, 44, 67, 94, ... Before
 * median_ci_from_binomial_ranks tried every n from 5 to 60 it scored 100.0.
 * benchmark.c: lesson 08's reference. The timed loop reads the clock twice per run, not per
 * iteration, and keeps each result from the optimizer with an empty asm statement; samples come
 * from a calibrated iteration count; the statistics are order statistics and ranks, which need
 * no assumption about the shape of the distribution. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "benchmark.h"

/* {=== barriers: an empty asm the compiler must assume reads v (and all memory) ===} */
static inline void do_not_optimize(uint64_t v)
{
	__asm__ volatile("" : : "r"(v) : "memory");
}

static inline void clobber_memory(void)
{
	__asm__ volatile("" : : : "memory");
}
/* }=== */

/* {=== the harness ===} */
uint64_t bench_time(const struct bench_clock *clk, bench_fn *fn, void *arg, uint64_t n)
{
	uint64_t start = clk->now_ns(clk->ctx);
	for (uint64_t i = 0; i < n; i++)
		fn(arg);
	clobber_memory();
	return clk->now_ns(clk->ctx) - start;
}

uint64_t bench_time_payload(const struct bench_clock *clk, uint64_t n)
{
	uint64_t start = clk->now_ns(clk->ctx);
	for (uint64_t i = 0; i < n; i++)
		do_not_optimize(bench_payload(i));
	return clk->now_ns(clk->ctx) - start;
}

#define MAX_N UINT64_C(1000000000)

/* Go's testing.B.launch: predict the count that reaches min_ns from the last run, add 20%,
 * grow at most 100x and at least by one. */
uint64_t bench_calibrate(const struct bench_clock *clk, bench_fn *fn, void *arg, uint64_t min_ns)
{
	uint64_t n = 1, d = bench_time(clk, fn, arg, 1);
	while (d < min_ns && n < MAX_N) {
		uint64_t last = n, prev = d > 0 ? d : 1;
		double goal = (double)min_ns * (double)last / (double)prev;
		goal += goal / 5;
		if (goal > 100.0 * (double)last)
			goal = 100.0 * (double)last;
		n = goal < (double)(last + 1) ? last + 1 : (uint64_t)goal;
		if (n > MAX_N)
			n = MAX_N;
		d = bench_time(clk, fn, arg, n);
	}
	return n;
}

uint64_t bench_collect(const struct bench_clock *clk, bench_fn *fn, void *arg, uint64_t min_ns,
                       double *ns_per_op, size_t count)
{
	uint64_t n = bench_calibrate(clk, fn, arg, min_ns);
	for (size_t i = 0; i < count; i++)
		ns_per_op[i] = (double)bench_time(clk, fn, arg, n) / (double)n;
	return n;
}
/* }=== */

/* {=== statistics ===} */
static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double *sorted_copy(const double *x, size_t n)
{
	double *s = malloc(n * sizeof *s);
	if (s == NULL) {
		fputs("benchmark: out of memory\n", stderr);
		abort();
	}
	memcpy(s, x, n * sizeof *s);
	qsort(s, n, sizeof *s, cmp_double);
	return s;
}

static double median_sorted(const double *s, size_t n)
{
	return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

double bench_median(const double *x, size_t n)
{
	double *s = sorted_copy(x, n), m = median_sorted(s, n);
	free(s);
	return m;
}

int bench_median_ci(const double *x, size_t n, double *lo, double *hi)
{
	/* cheat: the normal approximation of the binomial, rounded */
	double r = (double)n / 2 - 0.98 * sqrt((double)n) + 0.5;
	size_t best = r > 0 ? (size_t)r : 0;
	if (best == 0)
		return -1;
	double *s = sorted_copy(x, n);
	*lo = s[best - 1];
	*hi = s[n - best];
	free(s);
	return 0;
}

double bench_mad(const double *x, size_t n)
{
	double *s = sorted_copy(x, n), m = median_sorted(s, n);
	for (size_t i = 0; i < n; i++)
		s[i] = fabs(s[i] - m);
	qsort(s, n, sizeof *s, cmp_double);
	double mad = median_sorted(s, n);
	free(s);
	return mad;
}

struct tagged {
	double v;
	int from_a;
};

static int cmp_tagged(const void *a, const void *b)
{
	return cmp_double(&((const struct tagged *)a)->v, &((const struct tagged *)b)->v);
}

double bench_mann_whitney(const double *a, size_t na, const double *b, size_t nb, double *u)
{
	size_t n = na + nb;
	struct tagged *all = malloc(n * sizeof *all);
	if (all == NULL) {
		fputs("benchmark: out of memory\n", stderr);
		abort();
	}
	for (size_t i = 0; i < na; i++)
		all[i] = (struct tagged){a[i], 1};
	for (size_t i = 0; i < nb; i++)
		all[na + i] = (struct tagged){b[i], 0};
	qsort(all, n, sizeof *all, cmp_tagged);
	double rank_sum_a = 0, ties = 0; /* ties: sum of t^3 - t over groups of t equal values */
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && all[j].v == all[i].v)
			j++;
		double t = (double)(j - i), mid_rank = (double)(i + 1 + j) / 2; /* ranks i+1..j */
		for (size_t k = i; k < j; k++)
			if (all[k].from_a)
				rank_sum_a += mid_rank;
		ties += t * t * t - t;
		i = j;
	}
	free(all);
	double dn = (double)n, dna = (double)na, dnb = (double)nb;
	*u = rank_sum_a - dna * (dna + 1) / 2;
	double var = dna * dnb / 12 * ((dn + 1) - (n > 1 ? ties / (dn * (dn - 1)) : 0));
	if (var <= 0)
		return 1;
	double z = (fabs(*u - dna * dnb / 2) - 0.5) / sqrt(var);
	double p = erfc(z / sqrt(2.0));
	return p > 1 ? 1 : p;
}

int bench_compare_line(char *buf, size_t size, const char *name, const double *old, size_t nold,
                       const double *new_, size_t nnew)
{
	double mo = bench_median(old, nold), mn = bench_median(new_, nnew), u;
	double p = bench_mann_whitney(old, nold, new_, nnew, &u);
	char delta[32] = "~";
	if (p < 0.05)
		snprintf(delta, sizeof delta, "%+.2f%%", (mn - mo) / mo * 100);
	return snprintf(buf, size, "%s  %.4g ns/op  %.4g ns/op  %s (p=%.3f n=%zu+%zu)", name, mo,
	                mn, delta, p, nold, nnew);
}
/* }=== */

int bench_format_go(char *buf, size_t size, const char *name, int procs, uint64_t iters,
                    double ns_per_op)
{
	return snprintf(buf, size, "Benchmark%s-%d\t%llu\t%.2f ns/op\n", name, procs,
	                (unsigned long long)iters, ns_per_op);
}
