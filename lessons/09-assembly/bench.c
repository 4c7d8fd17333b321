/* bench.c: lesson 09's workload driver. Answers seeded reads from a hot page cache, computing
 * the CRC-32C digest of each reply with crc32c(), and prints a checksum of every digest. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_args.h"
#include "checksum.h"
#include "crc32c.h"
#include "crc32c_input.h"
#include "exec_deny.h"
#include "region.h"

int main(int argc, char **argv)
{
	struct bench_option opt[] = {{.name = "--requests"}, {.name = "--seed"}};

	if (exec_deny_install() != 0) {
		perror("bench: cannot install the exec filter");
		return 2;
	}
	if (bench_args(argc, argv, opt, 2) != 0)
		return 2;

	struct crc32c_input in;
	crc32c_input_make(&in, opt[0].value, opt[1].value);
	REGION_BEGIN();
	for (size_t i = 0; i < in.n; i++)
		in.digests[i] = crc32c(0, in.cache + in.requests[i].offset, in.requests[i].len);
	REGION_END();

	uint64_t h = CHECKSUM_INIT;
	for (size_t i = 0; i < in.n; i++)
		h = checksum_u64(h, in.digests[i]);
	printf("checksum %016llx\n", (unsigned long long)h);
	crc32c_input_free(&in);
	return 0;
}
