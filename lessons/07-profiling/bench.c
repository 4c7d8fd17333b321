/* bench.c: lesson 07's workload driver. Analyses seeded documents once, the nightly report of
 * a search index, and prints a checksum of the report. */
#include <stdint.h>
#include <stdio.h>

#include "bench_args.h"
#include "checksum.h"
#include "exec_deny.h"
#include "region.h"
#include "wordstat.h"
#include "wordstat_input.h"

int main(int argc, char **argv)
{
	struct bench_option opt[] = {{.name = "--docs"}, {.name = "--words"}, {.name = "--seed"}};

	if (exec_deny_install() != 0) {
		perror("bench: cannot install the exec filter");
		return 2;
	}
	if (bench_args(argc, argv, opt, 3) != 0)
		return 2;

	struct wordstat_input in;
	wordstat_input_make(&in, opt[0].value, opt[1].value, opt[2].value);
	struct wordstat_report report;

	REGION_BEGIN();
	wordstat_analyze(in.docs, in.n, &report);
	REGION_END();

	printf("checksum %016llx\n",
	       (unsigned long long)wordstat_report_checksum(CHECKSUM_INIT, &report));
	wordstat_input_free(&in);
	return 0;
}
