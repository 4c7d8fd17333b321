/* similarity.h: copied work across a batch, found the way MOSS does (Schleimer, Wilkerson and
 * Aiken, "Winnowing", SIGMOD 2003): C tokens with identifiers, numbers and literals normalised
 * (renaming variables or reformatting changes nothing), k-grams of tokens hashed, and from every
 * window of w hashes the smallest kept as a fingerprint. Fingerprints of the code every student
 * starts from (the skeleton) are ignored. Two submissions sharing a large part of their
 * fingerprints are listed with the lines where they match. */
#ifndef SIMILARITY_H
#define SIMILARITY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define SIM_K          12 /* tokens per k-gram: shorter runs match by chance in any C code */
#define SIM_W          8  /* window: any match of w + k - 1 tokens or more is always found */
#define SIM_MIN_SHARED 8  /* fewer shared fingerprints: a common idiom, not copied work */

struct sim_print {
	uint32_t hash;
	unsigned first_line, last_line;
};

struct sim_doc {
	char name[128];
	struct sim_print *prints; /* sorted by hash */
	size_t n;
	char **lines; /* the source's lines, to show matches */
	size_t n_lines;
};

/* Tokenises and fingerprints text. Returns 0, or -1 out of memory. Free with sim_doc_free. */
int sim_doc_init(struct sim_doc *d, const char *name, const char *text, size_t len);
void sim_doc_free(struct sim_doc *d);

/* Removes from d every fingerprint that base has too. */
void sim_doc_subtract(struct sim_doc *d, const struct sim_doc *base);

/* Shared fingerprints over the smaller document's count, 0..1 (0 when either has none). */
double sim_score(const struct sim_doc *a, const struct sim_doc *b);

/* Writes the pairs at or above threshold that share at least SIM_MIN_SHARED fingerprints, most
 * similar first, to txt (with their matching lines) and csv (student_a,student_b,similarity,
 * lines_a,lines_b). Returns the number of pairs written. */
size_t sim_report(struct sim_doc *docs, size_t n, double threshold, FILE *txt, FILE *csv);

#endif
