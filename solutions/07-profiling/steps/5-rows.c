/* 5-rows.c: lesson 07, step 5: step 4 and the length matrix walked along its rows, the order
 * it is laid out in memory: one cache miss per 16 reads instead of one per read. */
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
	size_t first;    /* order of first occurrence */
	size_t last_doc; /* changed: 1 + the last document the word was seen in */
};

struct state {
	struct entry **buckets;
	struct entry **all; /* every entry, in first-seen order */
	size_t n_all, cap_all;
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

/* changed: FNV-1a; the letters' sum gave anagrams and most same-length words one chain */
PROFILED static size_t hash_word(const char *word)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);
	for (; *word != '\0'; word++)
		h = (h ^ (unsigned char)*word) * UINT64_C(0x100000001b3);
	return (size_t)(h % TABLE_BUCKETS);
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
	*e = (struct entry){s->buckets[h], checked(strdup(word)), 0, s->n_all, 0};
	s->buckets[h] = e;
	if (s->n_all == s->cap_all) {
		s->cap_all = s->cap_all ? 2 * s->cap_all : 256;
		s->all = checked(realloc(s->all, s->cap_all * sizeof *s->all));
	}
	s->all[s->n_all++] = e;
	return e;
}

/* changed: the word at text[0..len) in lowercase, into the caller's buffer (no malloc) */
PROFILED static char *lower_word(char w[WORDSTAT_MAX_WORD + 1], const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++)
		w[i] = text[i] >= 'A' && text[i] <= 'Z' ? (char)(text[i] - 'A' + 'a') : text[i];
	w[len] = '\0';
	return w;
}

PROFILED static void count_word(struct state *s, const char *text, size_t len, size_t doc)
{
	if (len > WORDSTAT_MAX_WORD)
		len = WORDSTAT_MAX_WORD;
	s->out->words++;
	s->lengths[doc][len < WORDSTAT_LENGTHS ? len - 1 : WORDSTAT_LENGTHS - 1]++;

	char buf[WORDSTAT_MAX_WORD + 1];
	char *word = lower_word(buf, text, len);
	struct entry *e = table_find(s, word);
	if (e == NULL)
		e = table_add(s, word);
	e->count++;
	if (e->last_doc != doc + 1) { /* changed: one compare, not a scan of the document */
		e->last_doc = doc + 1;
		s->doc_distinct++;
	}
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
	for (size_t d = 0; d < n; d++) /* changed: rows outside, so reads go along a row */
		for (size_t c = 0; c < WORDSTAT_LENGTHS; c++) {
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
		s.doc_distinct = 0;
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
	free(s.lengths);
	free(s.buckets);
}
