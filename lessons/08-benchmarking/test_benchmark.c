/* test_benchmark.c: lesson 08's suites. `correct` checks what any harness must do (call the
 * function, fill the samples, write Go's format so it parses back); `task` checks what a
 * correct harness does (one clock read per run, calibration, warm-up, barriers, order
 * statistics, the U test), on a fake clock and fixed samples; `budget` checks the harness's
 * own instructions against lesson.ini. Expected values come from the hand calculations in the
 * comments, from the small independent implementations here (binomial ranks by exact integer
 * arithmetic, U by counting pairs), and from SciPy 1.10.1 where a p-value is needed. */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "benchmark.h"
#include "budget.h"
#include "prng.h"

/* {=== a fake clock and a fake operation: time moves only when the operation runs ===} */
struct fake_clock {
	uint64_t t;     /* now, in nanoseconds */
	uint64_t reads; /* calls of now_ns */
};

static uint64_t fake_now(void *ctx)
{
	struct fake_clock *c = ctx;
	c->reads++;
	return c->t;
}

struct fake_op {
	struct fake_clock *clock;
	uint64_t calls;
	uint64_t cost;       /* ns per call once warm */
	uint64_t cold_calls; /* the first cold_calls calls cost cold_cost each */
	uint64_t cold_cost;
};

static void fake_run(void *arg)
{
	struct fake_op *op = arg;
	op->calls++;
	op->clock->t += op->calls <= op->cold_calls ? op->cold_cost : op->cost;
}
/* }=== */

/* The samples of the statistics tests. */
static const double sample10[10] = {12.0, 10.5, 11.0, 10.0, 95.0, 10.2, 10.8, 11.5, 10.1, 10.4};
static const double sample7[7] = {3, 1, 4, 1, 5, 9, 2};
static const double tied_a[6] = {1, 2, 2, 3, 5, 6};
static const double tied_b[7] = {2, 4, 7, 8, 8, 9, 10};

/* Criterion's --timeout flag does nothing in 2.4.1; a suite's .timeout works, so a submission
 * that loops forever fails its test instead of hanging the run (lesson 01 says more). */
TestSuite(correct, .timeout = 20);

Test(correct, time_calls_fn_n_times_and_reads_the_given_clock)
{
	struct fake_clock c = {0};
	struct fake_op op = {.clock = &c, .cost = 7};
	struct bench_clock clk = {fake_now, &c};
	uint64_t ns = bench_time(&clk, fake_run, &op, 1000);
	cr_assert(op.calls == 1000, "bench_time(n = 1000): fn called %" PRIu64 " times", op.calls);
	cr_assert(ns == 7000,
	          "bench_time(n = 1000) of a 7 ns operation (fake clock): got %" PRIu64
	          " ns, want 7000",
	          ns);
}

Test(correct, calibrate_calls_fn_and_returns_a_count)
{
	struct fake_clock c = {0};
	struct fake_op op = {.clock = &c, .cost = 1000};
	struct bench_clock clk = {fake_now, &c};
	uint64_t n = bench_calibrate(&clk, fake_run, &op, 1000000);
	cr_assert(n >= 1 && op.calls >= 1,
	          "bench_calibrate: returned %" PRIu64 ", %" PRIu64 " calls; want at least 1 and 1",
	          n, op.calls);
}

Test(correct, collect_fills_every_sample)
{
	struct fake_clock c = {0};
	struct fake_op op = {.clock = &c, .cost = 250};
	struct bench_clock clk = {fake_now, &c};
	double s[5] = {-1, -1, -1, -1, -1};
	uint64_t n = bench_collect(&clk, fake_run, &op, 100000, s, 5);
	cr_assert(n >= 1, "bench_collect returned N = %" PRIu64, n);
	for (int i = 0; i < 5; i++)
		cr_assert(isfinite(s[i]) && s[i] > 0, "bench_collect: sample %d is %g", i, s[i]);
}

Test(correct, go_format_parses_back)
{
	char line[128], name[64];
	int procs;
	unsigned long long iters;
	double ns;
	int len = bench_format_go(line, sizeof line, "Median", 2, 1234567, 42.25);
	cr_assert(len > 0 && (size_t)len == strlen(line) && line[len - 1] == '\n',
	          "bench_format_go: \"%s\" (returned %d): want one line ending in \\n", line, len);
	int got = sscanf(line, "Benchmark%63[^-]-%d %llu %lf ns/op", name, &procs, &iters, &ns);
	cr_assert(got == 4 && strcmp(name, "Median") == 0 && procs == 2 && iters == 1234567 &&
	              ns == 42.25,
	          "bench_format_go: \"%s\" does not read back as "
	          "BenchmarkMedian-2 1234567 42.25 ns/op",
	          line);
}

Test(correct, statistics_of_a_constant_sample)
{
	double x[4] = {5, 5, 5, 5}, u;
	cr_assert(bench_median(x, 4) == 5 && bench_mad(x, 4) == 0,
	          "{5, 5, 5, 5}: median %g (want 5), MAD %g (want 0)", bench_median(x, 4),
	          bench_mad(x, 4));
	double p = bench_mann_whitney(x, 4, x, 4, &u);
	cr_assert(p == 1, "U test of {5,5,5,5} against itself: p = %g, want 1", p);
}

TestSuite(task, .timeout = 20);

Test(task, time_reads_the_clock_twice_per_run)
{
	struct fake_clock c = {0};
	struct fake_op op = {.clock = &c, .cost = 7};
	struct bench_clock clk = {fake_now, &c};
	bench_time(&clk, fake_run, &op, 1000);
	cr_assert(c.reads == 2,
	          "bench_time(n = 1000) read the clock %" PRIu64 " times; want 2: "
	          "a clock read costs more than many operations (README \"What's slow\")",
	          c.reads);
}

Test(task, payload_calls_really_happen)
{
	struct fake_clock c = {0};
	struct bench_clock clk = {fake_now, &c};
	uint64_t before = bench_payload_calls;
	bench_time_payload(&clk, 1000);
	uint64_t calls = bench_payload_calls - before;
	cr_assert(calls == 1000,
	          "bench_time_payload(n = 1000) called bench_payload %" PRIu64
	          " times; the compiler deleted the rest (README \"Barriers\")",
	          calls);
}

/* N such that a run lasts at least min_ns, and not much more (Go adds 20% to its estimate). */
static void expect_calibrated(uint64_t cost, uint64_t min_ns)
{
	struct fake_clock c = {0};
	struct fake_op op = {.clock = &c, .cost = cost};
	struct bench_clock clk = {fake_now, &c};
	uint64_t n = bench_calibrate(&clk, fake_run, &op, min_ns);
	cr_assert(n * cost >= min_ns && (n == 1 || n * cost <= min_ns + min_ns / 2),
	          "bench_calibrate(min_ns = %" PRIu64 ") of a %" PRIu64
	          " ns operation: N = %" PRIu64 ", a run of %" PRIu64
	          " ns; want between min_ns and 1.5 min_ns (or N = 1)",
	          min_ns, cost, n, n * cost);
	cr_assert(op.calls <= 3 * n,
	          "bench_calibrate: %" PRIu64 " calls to reach N = %" PRIu64
	          "; grow the count faster (at most 100x a step)",
	          op.calls, n);
}

Test(task, calibrate_reaches_min_ns)
{
	expect_calibrated(1000, 10000000);
	expect_calibrated(3, 10000000);
	expect_calibrated(20000000, 10000000); /* one call is already long enough: N = 1 */
}

Test(task, collect_samples_are_warm_and_timed_apart)
{
	struct fake_clock c = {0};
	struct fake_op op = {.clock = &c, .cost = 1000, .cold_calls = 50, .cold_cost = 10000};
	struct bench_clock clk = {fake_now, &c};
	double s[8];
	uint64_t n = bench_collect(&clk, fake_run, &op, 1000000, s, 8);
	cr_assert(n * 1000 >= 1000000,
	          "bench_collect: N = %" PRIu64 ", runs of %" PRIu64
	          " ns; want at least min_ns = 1000000",
	          n, n * 1000);
	for (int i = 0; i < 8; i++)
		cr_assert(s[i] == 1000,
		          "bench_collect: sample %d is %g ns/op, want 1000: the first 50 "
		          "calls are cold (10000 ns each) and belong to no sample",
		          i, s[i]);
}

Test(task, median_of_fixed_samples)
{
	double copy[10];
	memcpy(copy, sample10, sizeof copy);
	/* sorted: 10.0 10.1 10.2 10.4 10.5 | 10.8 11.0 11.5 12.0 95.0; mean 19.15 */
	double m = bench_median(copy, 10);
	cr_assert(fabs(m - 10.65) < 1e-12, "median of sample10: got %g, want 10.65", m);
	cr_assert(memcmp(copy, sample10, sizeof copy) == 0, "bench_median modified its input");
	m = bench_median(sample7, 7); /* 1 1 2 3 4 5 9 */
	cr_assert(m == 3, "median of {3, 1, 4, 1, 5, 9, 2}: got %g, want 3", m);
}

/* The CI rank j for n, independently: exact binomial sums in integers (n <= 60). */
static size_t ci_rank(size_t n)
{
	uint64_t c = 1, below = 0, total = UINT64_C(1) << n; /* c = C(n, j - 1) */
	size_t best = 0;
	for (size_t j = 1; j <= n / 2; j++) {
		below += c;                                /* 2^n P(B < j) */
		if (20 * (total - 2 * below) < 19 * total) /* coverage < 0.95 */
			break;
		best = j;
		c = c * (n - (j - 1)) / j;
	}
	return best;
}

static void expect_ci(const char *what, const double *x, size_t n, int want_ret, double want_lo,
                      double want_hi)
{
	double lo = -1, hi = -1;
	int ret = bench_median_ci(x, n, &lo, &hi);
	cr_assert(ret == want_ret, "bench_median_ci(%s, n = %zu): returned %d, want %d", what, n,
	          ret, want_ret);
	if (ret == 0)
		cr_assert(lo == want_lo && hi == want_hi,
		          "bench_median_ci(%s, n = %zu): [%g, %g], want [%g, %g]", what, n, lo, hi,
		          want_lo, want_hi);
}

Test(task, median_ci_from_binomial_ranks)
{
	/* j for n = 5, 6, 7, 10, 30, 31 (scipy.stats.binom agrees: coverage 0.969, 0.984, 0.979,
	 * 0.957, 0.971); n = 5 has none: 1 - 2/32 = 0.9375 */
	static const size_t ns[] = {5, 6, 7, 10, 30, 31}, js[] = {0, 1, 1, 2, 10, 10};
	for (int i = 0; i < 6; i++)
		cr_assert(ci_rank(ns[i]) == js[i], "test's own ranks: n %zu", ns[i]);
	expect_ci("sample10", sample10, 10, 0, 10.1, 12.0); /* ranks 2 and 9 */
	expect_ci("sample7", sample7, 7, 0, 1, 9);          /* ranks 1 and 7 */
	expect_ci("sample7", sample7, 5, -1, 0, 0);
	double perm[30];
	for (int i = 0; i < 30; i++)
		perm[i] = (double)((i * 7) % 30 + 1);     /* 1..30 shuffled */
	expect_ci("1..30 shuffled", perm, 30, 0, 10, 21); /* ranks 10 and 21 */
	/* every n the test's integer ranks reach (20 * 2^n stays below 2^64): a rank formula
	 * that only approximates the binomial (round(n/2 - 0.98 sqrt(n)) agrees at every n
	 * above) is off by one at n = 17 and 44 */
	double shuffled[59];
	struct prng g;
	prng_seed(&g, 9);
	for (size_t n = 5; n <= 59; n++) {
		for (size_t i = 0; i < n; i++) /* 1..n, Fisher-Yates shuffled */
			shuffled[i] = (double)(i + 1);
		for (size_t i = n - 1; i > 0; i--) {
			size_t k = prng_below(&g, i + 1);
			double t = shuffled[i];
			shuffled[i] = shuffled[k];
			shuffled[k] = t;
		}
		size_t j = ci_rank(n);
		expect_ci("1..n shuffled", shuffled, n, j ? 0 : -1, (double)j, (double)(n + 1 - j));
	}
}

Test(task, mad_of_fixed_samples)
{
	/* |x - 10.65| sorted: .15 .15 .25 .35 .45 | .55 .65 .85 1.35 84.35 -> 0.5 */
	double d = bench_mad(sample10, 10);
	cr_assert(fabs(d - 0.5) < 1e-9, "MAD of sample10: got %g, want 0.5", d);
	d = bench_mad(sample7, 7); /* |x - 3|: 0 2 1 2 2 6 1 -> 0 1 1 2 2 2 6 -> 2 */
	cr_assert(d == 2, "MAD of {3, 1, 4, 1, 5, 9, 2}: got %g, want 2", d);
}

/* U of a by counting pairs: 1 for a[i] > b[j], 1/2 for a tie. */
static double u_by_pairs(const double *a, size_t na, const double *b, size_t nb)
{
	double u = 0;
	for (size_t i = 0; i < na; i++)
		for (size_t j = 0; j < nb; j++)
			u += a[i] > b[j] ? 1 : a[i] == b[j] ? 0.5 : 0;
	return u;
}

Test(task, mann_whitney_with_ties)
{
	double u, want_u = u_by_pairs(tied_a, 6, tied_b, 7); /* 6: by hand 0+.5+.5+1+2+2 */
	/* scipy.stats.mannwhitneyu(a, b, use_continuity=True, alternative='two-sided',
	 * method='asymptotic'): statistic 6.0, pvalue 0.036996409771018784 */
	double p = bench_mann_whitney(tied_a, 6, tied_b, 7, &u);
	cr_assert(u == want_u && fabs(p - 0.036996409771018784) < 1e-9,
	          "U test of {1,2,2,3,5,6} against {2,4,7,8,8,9,10}: U %g p %.12f; want U %g p "
	          "0.036996409771",
	          u, p, want_u);
	p = bench_mann_whitney(tied_b, 7, tied_a, 6, &u);
	cr_assert(u == 36 && fabs(p - 0.036996409771018784) < 1e-9,
	          "U test the other way round: U %g p %.12f; want U 36 p 0.036996409771", u, p);
}

/* n samples around center: center x (1 + noise), noise uniform in [-1%, +1%). */
static void synthetic(double *x, size_t n, double center, struct prng *g)
{
	for (size_t i = 0; i < n; i++)
		x[i] = center * (1 + 0.02 * ((double)(prng_next(g) >> 11) * 0x1p-53 - 0.5));
}

Test(task, planted_slowdown_is_detected_and_aa_is_not)
{
	struct prng g;
	double old[30], old2[30], slow[30], u;
	char line[200];
	prng_seed(&g, 8);
	synthetic(old, 30, 100, &g);
	synthetic(old2, 30, 100, &g);
	synthetic(slow, 30, 105, &g);
	double p = bench_mann_whitney(old, 30, slow, 30, &u);
	cr_assert(p < 0.05,
	          "a planted 5%% slowdown (30 + 30 samples, 1%% noise): p = %g, want < "
	          "0.05",
	          p);
	p = bench_mann_whitney(old, 30, old2, 30, &u);
	cr_assert(p >= 0.05,
	          "A/A (two draws of the same 30 samples' distribution): p = %g, want "
	          ">= 0.05",
	          p);
	bench_compare_line(line, sizeof line, "Sum", old, 30, old2, 30);
	cr_assert(strstr(line, " ~ (p=") != NULL && strstr(line, "n=30+30)") != NULL,
	          "A/A comparison line: \"%s\": want \"~\", not a change", line);
	bench_compare_line(line, sizeof line, "Sum", old, 30, slow, 30);
	const char *delta = strstr(line, "ns/op  ");
	delta = delta != NULL ? strstr(delta + 1, "ns/op  ") : NULL;
	double pct = delta != NULL ? strtod(delta + 7, NULL) : 0;
	cr_assert(pct > 4 && pct < 6 && strstr(line, "% (p=0.000 n=30+30)") != NULL,
	          "5%% slowdown comparison line: \"%s\": want a change of about +5%% with p=0.000",
	          line);
}

Test(task, compare_line_on_fixed_samples)
{
	char line[200];
	/* medians 2.5 and 8 (by hand); p from scipy above; (8 - 2.5) / 2.5 = +220% */
	bench_compare_line(line, sizeof line, "Tiny", tied_a, 6, tied_b, 7);
	cr_assert(
	    strcmp(line, "Tiny  2.5 ns/op  8 ns/op  +220.00% (p=0.037 n=6+7)") == 0,
	    "comparison line:\n  got  %s\n  want Tiny  2.5 ns/op  8 ns/op  +220.00%% (p=0.037 "
	    "n=6+7)",
	    line);
}

/* {=== budget: limits from lesson.ini; a failure says the value, the budget, where to look ===} */
Test(budget, instructions_within_budget)
{
	budget_skip_off_reference_arch("instruction");
	struct vg_result r;
	budget_measure(VG_CALLGRIND, &r);
	double budget = budget_of("instructions");
	uint64_t got = r.instructions;
	vg_result_free(&r);
	cr_assert(got <= budget,
	          "instructions in the bench region (%s --seed %llu): %" PRIu64 " (budget: %.0f)"
	          " — see README \"What's slow\"",
	          budget_manifest()->args, budget_manifest()->seed, got, budget);
}
/* }=== */
