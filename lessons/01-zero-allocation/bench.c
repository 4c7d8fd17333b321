/* bench.c: lesson 01's workload driver. Renders seeded access-log records in requests of
 * 64-256 records through one reused output buffer, copies each request's output to a sink
 * (the socket of a real server), and prints a checksum of every output byte and the summary. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_input.h"
#include "checksum.h"
#include "exec_deny.h"
#include "logfmt.h"
#include "logfmt_input.h"
#include "region.h"

/* A whole decimal number or -1: no sign, no spaces, no trailing junk, no overflow. */
static int parse_number(const char *s, unsigned long long *value)
{
	char *end;
	errno = 0;
	*value = strtoull(s, &end, 10);
	return *s >= '0' && *s <= '9' && *end == '\0' && errno == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
	unsigned long long value[2]; /* --records, --seed */
	int seen = 0;

	if (exec_deny_install() != 0) {
		perror("bench: cannot install the exec filter");
		return 2;
	}
	for (int i = 1; i < argc; i += 2) {
		int k = strcmp(argv[i], "--records") == 0 ? 0 : 1;
		if ((k == 1 && strcmp(argv[i], "--seed") != 0) || (seen & (1 << k)) ||
		    i + 1 >= argc)
			break;
		if (parse_number(argv[i + 1], &value[k]) != 0)
			break;
		seen |= 1 << k;
	}
	if (seen != 3 || argc != 5) {
		fputs("usage: bench --records N --seed S\n", stderr);
		return 2;
	}

	struct logfmt_input in;
	logfmt_input_make(&in, value[0], value[1]);
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
