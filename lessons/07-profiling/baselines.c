/* baselines.c: lesson 07's baseline driver (`make baselines LESSON=07`, run by baselines.sh),
 * linked with the reference wordstat.c. baselines --docs N --words N --seed N [--dump]
 * --dump writes the seeded documents to stdout, each followed by a newline, for the tools
 * baselines.sh times against the reference; otherwise it times wordstat_analyze on them (the
 * median of 15 runs) and prints "reference_ns N", then the top ten as "count word" lines. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_args.h"
#include "timing.h"
#include "wordstat.h"
#include "wordstat_input.h"

#define RUNS 15

int main(int argc, char **argv)
{
	struct bench_option opt[] = {{.name = "--docs"},
	                             {.name = "--words"},
	                             {.name = "--seed"},
	                             {.name = "--dump", .is_flag = 1}};
	if (bench_args(argc, argv, opt, 4) != 0)
		return 2;
	struct wordstat_input in;
	wordstat_input_make(&in, opt[0].value, opt[1].value, opt[2].value);
	if (opt[3].value) {
		for (size_t d = 0; d < in.n; d++)
			printf("%s\n", in.docs[d]);
		return fflush(stdout) == 0 ? 0 : 1;
	}
	struct wordstat_report r;
	double ns[RUNS];
	for (int i = 0; i < RUNS; i++) {
		double t0 = timing_now_ns();
		wordstat_analyze(in.docs, in.n, &r);
		ns[i] = timing_now_ns() - t0;
	}
	printf("reference_ns %llu\n", (unsigned long long)timing_median(ns, RUNS));
	for (int i = 0; i < WORDSTAT_TOP; i++)
		printf("%llu %s\n", (unsigned long long)r.top[i].count, r.top[i].word);
	wordstat_input_free(&in);
	return 0;
}
