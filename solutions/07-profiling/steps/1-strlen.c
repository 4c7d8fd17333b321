/* 1-strlen.c: lesson 07, step 1: the skeleton with the first fix the flat profile asks for:
 * tokenize takes the document's length once (strlen was 43% of the instructions). */
#include "wordstat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every helper is noinline so that a profile names it: gcc -O2 would otherwise fold the small
 * ones into their callers, and a profile charges inlined code to the caller. */
#define PROFILED __attribute__((noinline, noclone))

#define TABLE_BUCKETS (1u << 20) /* room for any vocabulary: the table never has to grow */

struct entry {
	struct entry *next; /* the bucket's chain */
	char *word;
	uint64_t count;
	size_t first; /* order of first occurrence */
};

struct state {
	struct entry **buckets;
	struct entry **all; /* every entry, in first-seen order */
	size_t n_all, cap_all;
	struct entry **doc_words; /* every word of the current document so far */
	size_t n_doc_words, cap_doc_words;
	size_t doc_distinct;                   /* different words in the current document */
	uint32_t (*lengths)[WORDSTAT_LENGTHS]; /* [document][length class]: words */
	struct wordstat_report *out;
};

static void *checked(void *p)
{
	if (p == NULL) {
		fputs("wordstat: out of memory\n", stderr);
		abort();
	}
	return p;
}

PROFILED static struct entry **table_new(void)
{
	return checked(calloc(TABLE_BUCKETS, sizeof(struct entry *)));
}

/* The letters' sum: cheap, and every letter counts. */
PROFILED static size_t hash_word(const char *word)
{
	size_t h = 0;
	for (; *word != '\0'; word++)
		h += (unsigned char)*word;
	return h % TABLE_BUCKETS;
}

PROFILED static struct entry *table_find(struct state *s, const char *word)
{
	for (struct entry *e = s->buckets[hash_word(word)]; e != NULL; e = e->next)
		if (strcmp(e->word, word) == 0)
			return e;
	return NULL;
}

PROFILED static struct entry *table_add(struct state *s, const char *word)
{
	struct entry *e = checked(malloc(sizeof *e));
	size_t h = hash_word(word);
	*e = (struct entry){s->buckets[h], checked(strdup(word)), 0, s->n_all};
	s->buckets[h] = e;
	if (s->n_all == s->cap_all) {
		s->cap_all = s->cap_all ? 2 * s->cap_all : 256;
		s->all = checked(realloc(s->all, s->cap_all * sizeof *s->all));
	}
	s->all[s->n_all++] = e;
	return e;
}

/* The word at text[0..len) in lowercase, in a new string the caller frees. */
PROFILED static char *lower_word(const char *text, size_t len)
{
	char *w = checked(malloc(len + 1));
	for (size_t i = 0; i < len; i++)
		w[i] = text[i] >= 'A' && text[i] <= 'Z' ? (char)(text[i] - 'A' + 'a') : text[i];
	w[len] = '\0';
	return w;
}

/* 1 if e is among the words of the current document so far. */
PROFILED static int seen_in_doc(const struct state *s, const struct entry *e)
{
	for (size_t i = 0; i < s->n_doc_words; i++)
		if (s->doc_words[i] == e)
			return 1;
	return 0;
}

PROFILED static void count_word(struct state *s, const char *text, size_t len, size_t doc)
{
	if (len > WORDSTAT_MAX_WORD)
		len = WORDSTAT_MAX_WORD;
	s->out->words++;
	s->lengths[doc][len < WORDSTAT_LENGTHS ? len - 1 : WORDSTAT_LENGTHS - 1]++;

	char *word = lower_word(text, len);
	struct entry *e = table_find(s, word);
	if (e == NULL)
		e = table_add(s, word);
	e->count++;
	if (!seen_in_doc(s, e))
		s->doc_distinct++;
	if (s->n_doc_words == s->cap_doc_words) {
		s->cap_doc_words = s->cap_doc_words ? 2 * s->cap_doc_words : 64;
		s->doc_words =
		    checked(realloc(s->doc_words, s->cap_doc_words * sizeof *s->doc_words));
	}
	s->doc_words[s->n_doc_words++] = e;
	free(word);
}

static int is_letter(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

PROFILED static void tokenize(struct state *s, const char *text, size_t doc)
{
	size_t start = 0, n = strlen(text); /* changed: once, not once per byte */
	for (size_t i = 0; i < n; i++) {
		if (!is_letter(text[i])) {
			if (i > start)
				count_word(s, text + start, i - start, doc);
			start = i + 1;
		}
	}
	if (n > start)
		count_word(s, text + start, n - start, doc);
}

/* Totals and per-document maxima of each length class. */
PROFILED static void length_totals(struct state *s, size_t n)
{
	for (size_t c = 0; c < WORDSTAT_LENGTHS; c++)
		for (size_t d = 0; d < n; d++) {
			uint32_t k = s->lengths[d][c];
			s->out->length_total[c] += k;
			if (k > s->out->length_max_doc[c])
				s->out->length_max_doc[c] = k;
		}
}

static int by_count_then_first(const void *a, const void *b)
{
	const struct entry *x = *(const struct entry *const *)a;
	const struct entry *y = *(const struct entry *const *)b;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return x->first < y->first ? -1 : x->first > y->first;
}

PROFILED static void top_words(struct state *s)
{
	if (s->n_all > 1)
		qsort(s->all, s->n_all, sizeof *s->all, by_count_then_first);
	for (size_t i = 0; i < WORDSTAT_TOP && i < s->n_all; i++) {
		strcpy(s->out->top[i].word, s->all[i]->word);
		s->out->top[i].count = s->all[i]->count;
	}
}

/* TODO: make this faster; keep the signature */
void wordstat_analyze(const char *const *docs, size_t n, struct wordstat_report *out)
{
	struct state s = {.buckets = table_new(), .out = out};
	s.lengths = checked(calloc(n ? n : 1, sizeof *s.lengths));
	memset(out, 0, sizeof *out);

	for (size_t d = 0; d < n; d++) {
		s.n_doc_words = s.doc_distinct = 0;
		tokenize(&s, docs[d], d);
		out->doc_distinct_sum += s.doc_distinct;
		if (s.doc_distinct > out->doc_distinct_max) {
			out->doc_distinct_max = (uint32_t)s.doc_distinct;
			out->doc_distinct_argmax = (uint32_t)d;
		}
	}
	out->distinct = s.n_all;
	length_totals(&s, n);
	top_words(&s);

	for (size_t i = 0; i < s.n_all; i++) {
		free(s.all[i]->word);
		free(s.all[i]);
	}
	free(s.all);
	free(s.doc_words);
	free(s.lengths);
	free(s.buckets);
}
