/* bench_args.c: strict parsing of a bench driver's options. */
#include "bench_args.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "whole_number.h"

static void usage(const struct bench_option *options, size_t n)
{
	fputs("usage: bench", stderr);
	for (size_t k = 0; k < n; k++)
		fprintf(stderr, options[k].is_flag ? " [%s]" : " %s N", options[k].name);
	fputc('\n', stderr);
}

int bench_args(int argc, char **argv, struct bench_option *options, size_t n)
{
	unsigned long long seen = 0;
	for (size_t k = 0; k < n; k++)
		options[k].value = 0;
	for (int i = 1; i < argc; i++) {
		size_t k = 0;
		while (k < n && strcmp(argv[i], options[k].name) != 0)
			k++;
		if (k == n || (seen & (1ULL << k)))
			goto bad;
		seen |= 1ULL << k;
		if (options[k].is_flag)
			options[k].value = 1;
		else if (i + 1 >= argc || parse_whole_number(argv[++i], &options[k].value) != 0)
			goto bad;
	}
	for (size_t k = 0; k < n; k++)
		if (!options[k].is_flag && !(seen & (1ULL << k)))
			goto bad;
	return 0;
bad:
	usage(options, n);
	return -1;
}
