/* wordstat_input.c: seeded documents for lesson 07. A lexicon of made-up words (alternating
 * consonants and vowels, lengths 1 to 18, most of them 4 to 8 letters), Zipf-distributed (rank r
 * drawn with weight 1 / (r + 2)), joined by spaces, punctuation and digits, with sentence capitals
 * and the odd SHOUTED word. */
#include "wordstat_input.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_input.h"
#include "checksum.h"
#include "prng.h"

#define LEXICON   6000
#define WORD_MAX  18 /* letters of the longest lexicon word */
#define WORD_ROOM 24 /* bytes a word and the separator after it take at most */

static const char consonants[] = "tnshrdlcmwfgypbvkjxqz"; /* English order of frequency */
static const char vowels[] = "eaoiu";
static const char *const separators[] = {" ",
                                         " ",
                                         " ",
                                         " ",
                                         " ",
                                         " ",
                                         " ",
                                         " ",
                                         ", ",
                                         ". ",
                                         "; ",
                                         " - ",
                                         "\n",
                                         " (",
                                         ") ",
                                         "? ",
                                         " 42 ",
                                         "'s ",
                                         " \xc3\xa9t\xc3\xa9 ",
                                         "/"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

struct lexicon {
	char words[LEXICON][WORD_MAX + 1];
	double cumulative[LEXICON]; /* running sum of the Zipf weights */
};

/* A letter of the given kind, the frequent ones more often: the lower of two uniform draws. */
static char letter(struct prng *g, int vowel)
{
	const char *set = vowel ? vowels : consonants;
	uint64_t n = vowel ? sizeof vowels - 1 : sizeof consonants - 1;
	uint64_t a = prng_below(g, n), b = prng_below(g, n);
	return set[a < b ? a : b];
}

static void make_lexicon(struct lexicon *lx, struct prng *g)
{
	static const unsigned char lengths[] = {1, 2, 2, 3, 3, 3, 4, 4, 4, 4, 5,  5,  5,  5,  6, 6,
	                                        6, 6, 7, 7, 7, 8, 8, 8, 9, 9, 10, 11, 12, 14, 18};
	double sum = 0;
	for (size_t i = 0; i < LEXICON; i++) {
		size_t len = lengths[prng_below(g, COUNT(lengths))];
		int vowel = (int)prng_below(g, 2); /* syllables: consonants and vowels alternate */
		for (size_t k = 0; k < len; k++, vowel = !vowel)
			lx->words[i][k] = letter(g, vowel);
		lx->words[i][len] = '\0';
		sum += 1.0 / (double)(i + 2);
		lx->cumulative[i] = sum;
	}
}

static const char *pick(const struct lexicon *lx, struct prng *g)
{
	double x = (double)prng_below(g, UINT64_C(1) << 53) / (double)(UINT64_C(1) << 53) *
	           lx->cumulative[LEXICON - 1];
	size_t lo = 0, hi = LEXICON - 1;
	while (lo < hi) { /* the first rank whose running sum passes x */
		size_t mid = (lo + hi) / 2;
		if (lx->cumulative[mid] > x)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lx->words[lo];
}

/* Writes one document of nwords words at p and returns the end (its NUL not included). */
static char *make_doc(char *p, const struct lexicon *lx, struct prng *g, size_t nwords)
{
	int capital = 1;
	for (size_t w = 0; w < nwords; w++) {
		const char *word = pick(lx, g);
		uint64_t style = prng_below(g, 64);
		for (size_t k = 0; word[k] != '\0'; k++) {
			char c = word[k];
			if (style == 0 || (k == 0 && capital))
				c = (char)(c - 'a' + 'A');
			*p++ = c;
		}
		const char *sep =
		    w + 1 == nwords ? "." : separators[prng_below(g, COUNT(separators))];
		capital = sep[0] == '.' || sep[0] == '?';
		size_t len = strlen(sep);
		memcpy(p, sep, len);
		p += len;
	}
	return p;
}

void wordstat_input_make(struct wordstat_input *in, size_t n, size_t words_max, uint64_t seed)
{
	struct prng g;
	prng_seed(&g, seed);
	struct lexicon *lx = bench_input_alloc(sizeof *lx);
	make_lexicon(lx, &g);

	size_t text_bound = n * (words_max * WORD_ROOM + 1);
	in->map_size = n * sizeof *in->docs + text_bound;
	in->map = bench_input_alloc(in->map_size ? in->map_size : 1);
	in->docs = in->map;
	in->n = n;
	in->bytes = 0;
	char *p = (char *)(in->docs + n);
	for (size_t d = 0; d < n; d++) {
		size_t nwords = words_max <= 20 ? words_max : 20 + prng_below(&g, words_max - 19);
		char *end = make_doc(p, lx, &g, nwords);
		*end = '\0';
		in->docs[d] = p;
		in->bytes += (size_t)(end - p);
		p = end + 1;
	}
	bench_input_free(lx, sizeof *lx);
}

uint64_t wordstat_report_checksum(uint64_t h, const struct wordstat_report *r)
{
	h = checksum_u64(h, r->words);
	h = checksum_u64(h, r->distinct);
	h = checksum_u64(h, r->doc_distinct_sum);
	h = checksum_u64(h, r->doc_distinct_max);
	h = checksum_u64(h, r->doc_distinct_argmax);
	for (size_t i = 0; i < WORDSTAT_LENGTHS; i++) {
		h = checksum_u64(h, r->length_total[i]);
		h = checksum_u64(h, r->length_max_doc[i]);
	}
	for (size_t i = 0; i < WORDSTAT_TOP; i++) {
		h = checksum_bytes(h, r->top[i].word,
		                   strnlen(r->top[i].word, WORDSTAT_MAX_WORD + 1));
		h = checksum_u64(h, r->top[i].count);
	}
	return h;
}

void wordstat_input_free(struct wordstat_input *in)
{
	if (in->map != NULL)
		bench_input_free(in->map, in->map_size);
	*in = (struct wordstat_input){0};
}
