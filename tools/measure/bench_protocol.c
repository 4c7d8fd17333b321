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

/* "NAME VALUE" after "bench ": NAME an identifier, VALUE a finite number >= 0. The last
 * line of a name wins; names beyond BENCH_MAX_VALUES are ignored. */
static void read_value(const char *line, struct bench_output *out)
{
	size_t n = strspn(line, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
	double v;
	char tail;
	if (n == 0 || n >= sizeof out->values[0].name || line[n] != ' ' ||
	    sscanf(line + n, "%lf%c", &v, &tail) != 1 || !(v >= 0 && v <= 1e300))
		return;
	size_t i = 0;
	while (i < out->n_values &&
	       !(strlen(out->values[i].name) == n && memcmp(out->values[i].name, line, n) == 0))
		i++;
	if (i == BENCH_MAX_VALUES)
		return;
	memcpy(out->values[i].name, line, n);
	out->values[i].name[n] = '\0';
	out->values[i].value = v;
	if (i == out->n_values)
		out->n_values++;
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
		} else if (strncmp(line, "bench ", 6) == 0) {
			read_value(line + 6, out);
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

const struct bench_value *bench_protocol_value(const struct bench_output *out, const char *name)
{
	for (size_t i = 0; i < out->n_values; i++)
		if (strcmp(out->values[i].name, name) == 0)
			return &out->values[i];
	return NULL;
}
