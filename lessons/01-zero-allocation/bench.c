/* bench.c: lesson 01's workload driver. Renders seeded access-log records in requests of
 * 64-256 records through one reused output buffer, copies each request's output to a sink
 * (the socket of a real server), and prints a checksum of every output byte and the summary. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_args.h"
#include "bench_input.h"
#include "checksum.h"
#include "exec_deny.h"
#include "logfmt.h"
#include "logfmt_input.h"
#include "region.h"

int main(int argc, char **argv)
{
	struct bench_option opt[] = {{.name = "--records"}, {.name = "--seed"}};

	if (exec_deny_install() != 0) {
		perror("bench: cannot install the exec filter");
		return 2;
	}
	if (bench_args(argc, argv, opt, 2) != 0)
		return 2;

	struct logfmt_input in;
	logfmt_input_make(&in, opt[0].value, opt[1].value);
	char *sink = bench_input_alloc(in.output_bound);
	size_t used = 0;
	struct logfmt_buf out = {0};
	struct logfmt_summary sum = {0};
	const struct log_record *next = in.records;

	REGION_BEGIN();
	for (size_t b = 0; b < in.n_batches; next += in.batches[b++]) {
		logfmt_render(&out, next, in.batches[b], &sum);
		if (out.len > in.output_bound - used) {
			fputs("bench: output longer than any correct rendering\n", stderr);
			return 1;
		}
		memcpy(sink + used, out.data, out.len);
		used += out.len;
	}
	REGION_END();

	uint64_t h = logfmt_input_checksum(checksum_bytes(CHECKSUM_INIT, sink, used), &sum);
	printf("checksum %016llx\n", (unsigned long long)h);
	logfmt_buf_free(&out);
	return 0;
}
