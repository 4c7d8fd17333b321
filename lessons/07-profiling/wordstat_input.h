/* wordstat_input.h: the seeded corpus of lesson 07, written once for bench.c and the tests.
 * The documents, their texts and the pointer array all live in one mapping from
 * bench_input_alloc, so massif sees none of it and only the student's heap is measured. */
#ifndef WORDSTAT_INPUT_H
#define WORDSTAT_INPUT_H

#include <stddef.h>
#include <stdint.h>

#include "wordstat.h"

struct wordstat_input {
	const char **docs; /* n NUL-terminated documents */
	size_t n;
	size_t bytes; /* text bytes, NULs not counted */
	void *map;    /* the one mapping everything lives in */
	size_t map_size;
};

/* Builds n documents of 20 to words_max words from seed, drawn from a lexicon of about 6000
 * made-up words with a Zipf-like frequency (a few words are most of the text, as in English),
 * with capitals, punctuation, digits and the odd UTF-8 byte between them. The same seed
 * gives the same documents on every machine. Aborts with a message if it cannot map memory. */
void wordstat_input_make(struct wordstat_input *in, size_t n, size_t words_max, uint64_t seed);

/* Folds every field of r into the running checksum h (checksum.h) and returns it. */
uint64_t wordstat_report_checksum(uint64_t h, const struct wordstat_report *r);

/* Unmaps everything and resets in to {0}. */
void wordstat_input_free(struct wordstat_input *in);

#endif
