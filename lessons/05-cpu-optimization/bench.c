/* bench.c: lesson 05's workload driver. Loads a day of trades, computes their statistics,
 * selects four price bands, counts the rows of a CSV export, transposes a counter matrix and
 * sums its columns; prints a checksum of every result. Two flags for experiments (the grader
 * uses neither): --sorted orders the trades by price, --scalar forces the scalar paths. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analytics.h"
#include "analytics_input.h"
#include "bench_input.h"
#include "checksum.h"
#include "exec_deny.h"
#include "region.h"

static const char *const options[] = {"--records", "--text", "--matrix", "--seed"};

/* Reads "--name N" pairs (all four, once each) and the flags --sorted and --scalar (bits 0
 * and 1 of *flags); 0 or -1. */
static int parse(int argc, char **argv, unsigned long long value[4], int *flags)
{
	int seen = 0;
	*flags = 0;
	for (int i = 1; i < argc; i++) {
		int flag = !strcmp(argv[i], "--sorted") ? 1 : !strcmp(argv[i], "--scalar") ? 2 : 0;
		if (flag && !(*flags & flag)) {
			*flags |= flag;
			continue;
		}
		int k = 0;
		while (k < 4 && strcmp(argv[i], options[k]) != 0)
			k++;
		char *end;
		errno = 0;
		if (k == 4 || (seen & (1 << k)) || i + 1 >= argc || argv[i + 1][0] < '0' ||
		    argv[i + 1][0] > '9' || (value[k] = strtoull(argv[++i], &end, 10), *end) ||
		    errno)
			return -1;
		seen |= 1 << k;
	}
	return seen == 15 ? 0 : -1;
}

int main(int argc, char **argv)
{
	unsigned long long v[4];
	int flags;
	if (exec_deny_install() != 0) {
		perror("bench: cannot install the exec filter");
		return 2;
	}
	if (parse(argc, argv, v, &flags) != 0 || v[0] >= UINT32_MAX) {
		fputs("usage: bench --records N --text BYTES --matrix SIDE --seed S [--sorted] "
		      "[--scalar]\n",
		      stderr);
		return 2;
	}
	struct analytics_input in;
	analytics_input_make(&in, v[0], v[1], v[2], v[3], flags & 1);
	analytics_force_scalar(flags & 2);
	size_t cells = in.side * in.side, found[ANALYTICS_QUERIES];
	uint32_t *rows[ANALYTICS_QUERIES], *dst = bench_input_alloc(cells * 4 + 1);
	uint64_t *sums = bench_input_alloc(in.side * 8 + 1);
	for (int q = 0; q < ANALYTICS_QUERIES; q++) /* touched now: no page faults in the region */
		memset(rows[q] = bench_input_alloc(in.n * 4 + 1), 0xff, in.n * 4);
	memset(dst, 0xff, cells * 4);
	memset(sums, 0xff, in.side * 8);
	struct analytics_stats stats;

	REGION_BEGIN();
	struct analytics_table *t = analytics_load(in.trades, in.n);
	analytics_stats(t, &stats);
	for (int q = 0; q < ANALYTICS_QUERIES; q++)
		found[q] =
		    analytics_select(t, analytics_queries[q][0], analytics_queries[q][1], rows[q]);
	size_t csv_rows = analytics_count_rows(in.text, in.text_len);
	analytics_transpose(dst, in.matrix, in.side);
	analytics_column_sums(in.matrix, in.side, in.side, sums);
	analytics_free(t);
	REGION_END();

	uint64_t h = analytics_input_checksum_stats(CHECKSUM_INIT, &stats);
	for (int q = 0; q < ANALYTICS_QUERIES; q++)
		h = checksum_bytes(checksum_u64(h, found[q]), rows[q], found[q] * 4);
	h = checksum_bytes(checksum_u64(h, csv_rows), dst, cells * 4);
	h = checksum_bytes(h, sums, in.side * 8);
	printf("checksum %016llx\n", (unsigned long long)h);
	return 0;
}
