/* bench.c: lesson 09's workload driver. Answers seeded reads from a hot page cache, computing
 * the CRC-32C digest of each reply with crc32c(), and prints a checksum of every digest. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checksum.h"
#include "crc32c.h"
#include "crc32c_input.h"
#include "exec_deny.h"
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
	unsigned long long value[2]; /* --requests, --seed */
	int seen = 0;

	if (exec_deny_install() != 0) {
		perror("bench: cannot install the exec filter");
		return 2;
	}
	for (int i = 1; i + 1 < argc; i += 2) {
		int k = strcmp(argv[i], "--requests") == 0 ? 0 : strcmp(argv[i], "--seed") == 0 ? 1 : -1;
		if (k < 0 || (seen & (1 << k)) || parse_number(argv[i + 1], &value[k]) != 0)
			break;
		seen |= 1 << k;
	}
	if (seen != 3 || argc != 5) {
		fputs("usage: bench --requests N --seed S\n", stderr);
		return 2;
	}

	struct crc32c_input in;
	crc32c_input_make(&in, value[0], value[1]);
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
