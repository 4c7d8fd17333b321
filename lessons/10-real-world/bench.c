/* bench.c: lesson 10's workload driver (case A). Hands the engine a seeded access log as a
 * file, runs one analysis and prints a checksum of the report. Natively the engine runs on
 * --workers threads; under Valgrind on one, because instructions are counted only on
 * single-threaded paths (DESIGN section 4). --print also writes the report to stdout. */
#include <stdio.h>
#include <valgrind/valgrind.h>

#include "bench_args.h"
#include "checksum.h"
#include "exec_deny.h"
#include "logstats.h"
#include "logstats_input.h"
#include "region.h"

int main(int argc, char **argv)
{
	struct bench_option opt[] = {{.name = "--lines"},
	                             {.name = "--workers"},
	                             {.name = "--top"},
	                             {.name = "--seed"},
	                             {.name = "--print", .is_flag = 1}};
	if (exec_deny_install() != 0) {
		perror("bench: cannot install the exec filter");
		return 2;
	}
	if (bench_args(argc, argv, opt, 5) != 0)
		return 2;
	unsigned workers = RUNNING_ON_VALGRIND ? 1 : (unsigned)opt[1].value;
	struct logstats_input in;
	logstats_input_make(&in, opt[0].value, opt[3].value);
	logstats_input_drop_text(&in); /* the engine reads the file, nothing else */
	struct logstats_report report = {0};

	REGION_BEGIN();
	int rc = logstats_analyze(in.fd, workers, opt[2].value, &report);
	REGION_END();

	if (rc != 0)
		return perror("bench: logstats_analyze"), 1;
	if (opt[4].value)
		fwrite(report.text, 1, report.len, stdout);
	uint64_t h = checksum_bytes(CHECKSUM_INIT, report.text, report.len);
	printf("checksum %016llx\n", (unsigned long long)h);
	logstats_report_free(&report);
	logstats_input_free(&in);
	return 0;
}
