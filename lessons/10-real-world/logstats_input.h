/* logstats_input.h: the seeded nginx access log of lesson 10, written once for bench.c, the
 * tests and the baselines. The log is handed over as a file (a memfd: a log in the page cache);
 * a mapped copy of its text serves the tests' own simple analyser. */
#ifndef LOGSTATS_INPUT_H
#define LOGSTATS_INPUT_H

#include <stddef.h>
#include <stdint.h>

struct logstats_input {
	int fd;     /* the log (a memfd), its offset anywhere */
	char *text; /* the same bytes, mapped for reading, a NUL after them; NULL once dropped */
	size_t len;
	size_t map_size;
	size_t lines;
};

/* Writes `lines` seeded log lines to fd (any writable file): the same seed gives the same log
 * on every machine. Returns the bytes written; exits with a message on a write error. */
size_t logstats_input_write(int fd, size_t lines, uint64_t seed);

/* Builds a log of `lines` lines from seed into a new memfd and maps its text. Exits with a
 * message if the file or the memory cannot be had. */
void logstats_input_make(struct logstats_input *in, size_t lines, uint64_t seed);

/* A new memfd holding len bytes of text, at offset 0 (the caller closes it). */
int logstats_input_file_of(const char *text, size_t len);

/* Unmaps the text and keeps the file (bench.c: the measured code reads the file alone). */
void logstats_input_drop_text(struct logstats_input *in);

/* Unmaps the text, closes the file, resets in to {0}. */
void logstats_input_free(struct logstats_input *in);

#endif
