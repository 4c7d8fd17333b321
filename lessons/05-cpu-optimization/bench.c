/* bench.c: lesson 05's workload driver. Loads a day of trades, computes their statistics,
 * selects four price bands, counts the rows of a CSV export, transposes a counter matrix and
 * sums its columns; prints a checksum of every result. Two flags for experiments (the grader
 * uses neither): --sorted orders the trades by price, --scalar forces the scalar paths. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analytics.h"
#include "analytics_input.h"
#include "bench_args.h"
#include "bench_input.h"
#include "checksum.h"
#include "exec_deny.h"
#include "region.h"

int main(int argc, char **argv)
{
	struct bench_option opt[] = {{.name = "--records"},
	                             {.name = "--text"},
	                             {.name = "--matrix"},
	                             {.name = "--seed"},
	                             {.name = "--sorted", .is_flag = 1},
	                             {.name = "--scalar", .is_flag = 1}};
	if (exec_deny_install() != 0) {
		perror("bench: cannot install the exec filter");
		return 2;
	}
	if (bench_args(argc, argv, opt, 6) != 0)
		return 2;
	if (opt[0].value >= UINT32_MAX) {
		fputs("bench: --records must be below 2^32\n", stderr);
		return 2;
	}
	struct analytics_input in;
	analytics_input_make(&in, opt[0].value, opt[1].value, opt[2].value, opt[3].value,
	                     (int)opt[4].value);
	analytics_force_scalar((int)opt[5].value);
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
