/* timing.h: the clock and the median of the comparison programs (each lesson's baselines.c,
 * lesson 03's baselines/), so that every table they print is timed the same way. A header,
 * since lesson 03's baselines.sh compiles its programs with gcc alone, without libharness. */
#ifndef TIMING_H
#define TIMING_H

#include <stddef.h>
#include <stdlib.h>
#include <time.h>

/* CLOCK_MONOTONIC in nanoseconds. A double holds every nanosecond exactly for 104 days of
 * uptime, and a difference of two readings to a fraction of one after that. */
static inline double timing_now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

/* qsort's comparator for doubles, smallest first. */
static inline int timing_by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Sorts v[0..n) and returns its median (the upper middle one when n is even). */
static inline double timing_median(double *v, size_t n)
{
	qsort(v, n, sizeof *v, timing_by_value);
	return v[n / 2];
}

#endif
