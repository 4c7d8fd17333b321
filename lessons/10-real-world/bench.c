/* bench.c: lesson 10's workload driver, both cases.
 * Case A: hands the engine a seeded access log as a file, runs one analysis inside the measured
 * region and hashes the report. Natively the engine runs on --workers threads; under Valgrind
 * on one, because instructions are counted only on single-threaded paths (DESIGN section 4.4).
 * Case B: after the region, natively only, starts the student's server on --server-threads
 * threads and drives it with the course's load generator (loadgen.h): --requests over
 * --connections keep-alive connections from --clients threads, --pipeline requests in flight
 * on each. It prints "bench requests_per_s N" and "bench p99_us N", which lesson.ini grades
 * as metrics bench.*, and folds the answers' hash into the checksum. Under Valgrind the server
 * is not run: threads that wait on sockets make instruction counts depend on scheduling, and
 * Valgrind's 20-60x slowdown would measure Valgrind, not the server. --requests 0 skips the
 * server natively too (case A alone, for profiling it).
 * --print also writes case A's report to stdout. */
#include <stdio.h>
#include <valgrind/valgrind.h>

#include "bench_args.h"
#include "checksum.h"
#include "exec_deny.h"
#include "httpd.h"
#include "loadgen.h"
#include "logstats.h"
#include "logstats_input.h"
#include "region.h"

enum {
	LINES,
	WORKERS,
	TOP,
	REQUESTS,
	CONNECTIONS,
	CLIENTS,
	PIPELINE,
	SERVER_THREADS,
	SEED,
	PRINT,
	N_OPTIONS
};

/* Case B: the server under the course's load. Returns 0 and adds to *h, or 1. */
static int serve_load(const struct bench_option *opt, uint64_t *h)
{
	struct httpd *server =
	    httpd_start(&(struct httpd_options){.threads = (unsigned)opt[SERVER_THREADS].value});
	if (server == NULL)
		return perror("bench: httpd_start"), 1;
	struct loadgen_options o = {.port = httpd_port(server),
	                            .threads = (unsigned)opt[CLIENTS].value,
	                            .connections = (unsigned)opt[CONNECTIONS].value,
	                            .requests = (unsigned)opt[REQUESTS].value,
	                            .pipeline = (unsigned)opt[PIPELINE].value,
	                            .seed = opt[SEED].value,
	                            .time_limit = 20};
	struct loadgen_result r;
	char err[512];
	int rc = loadgen_run(&o, &r, err, sizeof err);
	httpd_stop(server);
	if (rc != 0)
		return fprintf(stderr, "bench: %s\n", err), 1;
	printf("bench requests_per_s %.0f\n", r.requests_per_s);
	printf("bench p50_us %u\nbench p99_us %u\nbench p999_us %u\n", r.p50_us, r.p99_us,
	       r.p999_us);
	*h = checksum_u64(*h, r.checksum);
	return 0;
}

int main(int argc, char **argv)
{
	struct bench_option opt[N_OPTIONS] = {
	    [LINES] = {.name = "--lines"},
	    [WORKERS] = {.name = "--workers"},
	    [TOP] = {.name = "--top"},
	    [REQUESTS] = {.name = "--requests"},
	    [CONNECTIONS] = {.name = "--connections"},
	    [CLIENTS] = {.name = "--clients"},
	    [PIPELINE] = {.name = "--pipeline"},
	    [SERVER_THREADS] = {.name = "--server-threads"},
	    [SEED] = {.name = "--seed"},
	    [PRINT] = {.name = "--print", .is_flag = 1},
	};
	if (exec_deny_install() != 0) {
		perror("bench: cannot install the exec filter");
		return 2;
	}
	if (bench_args(argc, argv, opt, N_OPTIONS) != 0)
		return 2;
	unsigned workers = RUNNING_ON_VALGRIND ? 1 : (unsigned)opt[WORKERS].value;
	struct logstats_input in;
	logstats_input_make(&in, opt[LINES].value, opt[SEED].value);
	logstats_input_drop_text(&in); /* the engine reads the file, nothing else */
	struct logstats_report report = {0};

	REGION_BEGIN();
	int rc = logstats_analyze(in.fd, workers, opt[TOP].value, &report);
	REGION_END();

	if (rc != 0)
		return perror("bench: logstats_analyze"), 1;
	if (opt[PRINT].value)
		fwrite(report.text, 1, report.len, stdout);
	uint64_t h = checksum_bytes(CHECKSUM_INIT, report.text, report.len);
	logstats_report_free(&report);
	logstats_input_free(&in);
	if (!RUNNING_ON_VALGRIND && opt[REQUESTS].value > 0 && serve_load(opt, &h) != 0)
		return 1;
	printf("checksum %016llx\n", (unsigned long long)h);
	return 0;
}
