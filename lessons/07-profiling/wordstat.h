/* wordstat.h: word statistics over a set of text documents (a search index's nightly report).
 * The API contract of lesson 07: the student file wordstat.c implements it; do not edit this
 * file. */
#ifndef WORDSTAT_H
#define WORDSTAT_H

#include <stddef.h>
#include <stdint.h>

#define WORDSTAT_MAX_WORD 32 /* letters kept of a longer run */
#define WORDSTAT_TOP      10 /* most frequent words reported */
#define WORDSTAT_LENGTHS  16 /* length classes: 1 .. 15 letters, and 16 or more */

struct wordstat_top {
	char word[WORDSTAT_MAX_WORD + 1]; /* lowercase, NUL-terminated; "" in an unused slot */
	uint64_t count;                   /* 0 in an unused slot */
};

struct wordstat_report {
	uint64_t words;               /* words in all documents */
	uint64_t distinct;            /* different words in all documents */
	uint64_t doc_distinct_sum;    /* the sum, over documents, of the different words in each */
	uint32_t doc_distinct_max;    /* the most different words in one document */
	uint32_t doc_distinct_argmax; /* the first document (index) that has that many */
	uint64_t length_total[WORDSTAT_LENGTHS];   /* [i]: words of i + 1 letters; last: 16+ */
	uint32_t length_max_doc[WORDSTAT_LENGTHS]; /* [i]: most words of that class in one doc */
	struct wordstat_top top[WORDSTAT_TOP];     /* most frequent first; ties: seen first first */
};

/* Fills *out (every field) with the statistics of docs[0..n), NUL-terminated texts. A word is
 * a maximal run of ASCII letters (A-Z, a-z); every other byte separates words. Words compare
 * case-insensitively and are reported in lowercase; a run longer than WORDSTAT_MAX_WORD
 * letters counts as the word made of its first WORDSTAT_MAX_WORD letters, of length class
 * "16 or more". "Seen first" orders words by their first occurrence, documents in order.
 * Aborts with a message on stderr if memory runs out. */
void wordstat_analyze(const char *const *docs, size_t n, struct wordstat_report *out);

#endif
