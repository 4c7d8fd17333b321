/* bench_args.h: the command line of every bench driver: "--name N" options, each required
 * exactly once with a whole decimal number, and optional "--name" flags. Strict on purpose: the
 * grader passes lesson.ini's args verbatim, and a typo there must stop the run, not change it. */
#ifndef BENCH_ARGS_H
#define BENCH_ARGS_H

#include <stddef.h>

struct bench_option {
	const char *name;         /* "--records" */
	int is_flag;              /* 1: takes no value and may be left out */
	unsigned long long value; /* out: the number, or 1 for a flag given, 0 for one left out */
};

/* Fills options[0..n) from argv. Returns 0, or -1 after printing the usage line, built from
 * the options, to stderr. */
int bench_args(int argc, char **argv, struct bench_option *options, size_t n);

#endif
