/* calc_input.h: the seeded request file of lesson 02, written once for bench.c, the tests and
 * the baselines. The text is built in a mapping from bench_input_alloc and handed over as a file
 * (a memfd: a file in memory, like a request log in the page cache). */
#ifndef CALC_INPUT_H
#define CALC_INPUT_H

#include <stddef.h>
#include <stdint.h>

struct calc_input {
	int fd;     /* the request file (a memfd), its offset anywhere */
	char *text; /* the same bytes, mapped for reading, a NUL after them */
	size_t len;
	size_t map_size;
	size_t requests;
	size_t responses_bound; /* the most bytes every response together can take */
};

/* Builds n requests from seed into a new file: the same seed gives the same file on every
 * machine. Exits with a message if the file or the memory cannot be had. */
void calc_input_make(struct calc_input *in, size_t n, uint64_t seed);

/* A new file holding in's text, at offset 0 (the caller closes it). */
int calc_input_file(const struct calc_input *in);

/* A new file holding len bytes of text, at offset 0 (the caller closes it). */
int calc_input_file_of(const char *text, size_t len);

/* Unmaps the text and keeps the file (bench.c: no second copy in the peak). */
void calc_input_drop_text(struct calc_input *in);

/* Unmaps the text and closes the file. */
void calc_input_free(struct calc_input *in);

#endif
