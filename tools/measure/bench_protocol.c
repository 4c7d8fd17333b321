/* bench_protocol.c: building a bench driver's argv and reading its output lines. */
#include "bench_protocol.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text_file.h"

#define MAX_BENCH_OUTPUT (1 << 16)

int bench_protocol_argv(const char *args, unsigned long long seed, char *storage, size_t len,
			char **argv, int max)
{
	snprintf(storage, len, "%s --seed %llu", args ? args : "", seed);
	int n = 0;
	char *save;
	for (char *tok = strtok_r(storage, " \t", &save); tok != NULL;
	     tok = strtok_r(NULL, " \t", &save)) {
		if (n >= max - 1)
			return -1;
		argv[n++] = tok;
	}
	argv[n] = NULL;
	return n;
}

int bench_protocol_read(const char *stdout_path, struct bench_output *out)
{
	memset(out, 0, sizeof *out);
	char *text = text_file_read(stdout_path, MAX_BENCH_OUTPUT, 0, 0, NULL, 0);
	if (text == NULL)
		return -1;
	char *save;
	unsigned seen = 0;
	for (char *line = strtok_r(text, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		unsigned long long checksum;
		long long ns;
		char tail;
		if (sscanf(line, "checksum %16llx%c", &checksum, &tail) == 1) {
			out->checksum = checksum;
			out->has_checksum = 1;
		} else if (sscanf(line, "region_ns %lld%c", &ns, &tail) == 1 && ns > 0) {
			out->region_ns = ns;
			out->has_region = 1;
		} else {
			static const char *const names[] = {"region_cpu_ns", "region_csw",
							    "region_minflt", "region_max_rss"};
			long long *fields[] = {&out->region_cpu_ns, &out->region_csw,
					       &out->region_minflt, &out->region_max_rss};
			for (int i = 0; i < 4; i++) {
				size_t n = strlen(names[i]);
				if (strncmp(line, names[i], n) == 0 && line[n] == ' ' &&
				    sscanf(line + n, "%lld%c", &ns, &tail) == 1 && ns >= 0) {
					*fields[i] = ns;
					seen |= 1u << i;
				}
			}
		}
	}
	out->has_usage = seen == 0xf;
	free(text);
	return 0;
}
