/* cheat: a hash table sized once for the bench's vocabulary (16,384 slots), never grown
 * Expected: status timed_out /counts_sixty_six_thousand_different_words/
 * The reference with one change: the bench has 4856 different words, so the table starts at
 * 16,384 slots and the half-full doubling is gone (one allocation and a rehash fewer). Past
 * 16,384 different words every slot is taken and the probe loop never ends. Before the test
 * counts_sixty_six_thousand_different_words it scored 100.0.
 * wordstat.c: the reference. One pass over each document's bytes, words hashed as they are
 * lowercased into a stack buffer, an open-addressing table sized to the vocabulary, per-word
 * "last seen in document" marks, and per-document length counts folded in at its end. */
#include "wordstat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FNV_OFFSET UINT64_C(0xcbf29ce484222325)
#define FNV_PRIME  UINT64_C(0x100000001b3)

/* changed: entries live in one array in first-seen order; the table holds their indices */
struct entry {
	uint64_t hash;
	uint64_t count;
	uint32_t word; /* offset of the word in the text arena */
	uint32_t len;
	uint32_t last_doc; /* changed: 1 + the last document the word was seen in */
};

struct state {
	uint32_t *slots; /* 0: empty, else 1 + index into entries */
	size_t mask;     /* slots - 1, a power of two minus one */
	struct entry *entries;
	size_t n, cap;
	char *text; /* every different word, NUL-terminated, back to back */
	size_t text_len, text_cap;
};

static void *checked(void *p)
{
	if (p == NULL) {
		fputs("wordstat: out of memory\n", stderr);
		abort();
	}
	return p;
}

/* changed: the table doubles at half full, so a probe sequence stays short */
static void grow_slots(struct state *s)
{
	size_t size = 16384; /* cheat: the bench's 4856 words fit */
	free(s->slots);
	s->slots = checked(calloc(size, sizeof *s->slots));
	s->mask = size - 1;
	for (size_t i = 0; i < s->n; i++) {
		size_t k = s->entries[i].hash & s->mask;
		while (s->slots[k] != 0)
			k = (k + 1) & s->mask;
		s->slots[k] = (uint32_t)i + 1;
	}
}

static struct entry *add(struct state *s, const char *word, size_t len, uint64_t hash)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 1024;
		s->entries = checked(realloc(s->entries, s->cap * sizeof *s->entries));
	}
	if (s->text_len + len + 1 > s->text_cap) {
		s->text_cap = s->text_cap ? 2 * s->text_cap : 16384;
		s->text = checked(realloc(s->text, s->text_cap));
	}
	memcpy(s->text + s->text_len, word, len);
	s->text[s->text_len + len] = '\0';
	s->entries[s->n] = (struct entry){hash, 0, (uint32_t)s->text_len, (uint32_t)len, 0};
	s->text_len += len + 1;
	return &s->entries[s->n++];
}

/* changed: FNV-1a over the lowercase bytes, computed while they are copied */
static struct entry *find_or_add(struct state *s, const char *word, size_t len, uint64_t hash)
{
	size_t k = hash & s->mask;
	for (uint32_t i; (i = s->slots[k]) != 0; k = (k + 1) & s->mask) {
		struct entry *e = &s->entries[i - 1];
		if (e->hash == hash && e->len == len && memcmp(s->text + e->word, word, len) == 0)
			return e;
	}
	s->slots[k] = (uint32_t)s->n + 1;
	struct entry *e = add(s, word, len, hash);
	return e;
}

static int is_letter(unsigned char c)
{
	return (unsigned char)((c | 0x20) - 'a') < 26;
}

/* changed: one pass to the NUL; the word is lowercased into a stack buffer, no allocation */
static void analyze_doc(struct state *s, const char *p, uint32_t doc, struct wordstat_report *out)
{
	uint32_t lengths[WORDSTAT_LENGTHS] = {0};
	uint32_t distinct = 0;
	char word[WORDSTAT_MAX_WORD];

	for (;;) {
		while (*p != '\0' && !is_letter((unsigned char)*p))
			p++;
		if (*p == '\0')
			break;
		size_t len = 0;
		uint64_t h = FNV_OFFSET;
		for (; is_letter((unsigned char)*p); p++, len++)
			if (len < WORDSTAT_MAX_WORD) {
				char c = (char)(*p | 0x20);
				word[len] = c;
				h = (h ^ (unsigned char)c) * FNV_PRIME;
			}
		if (len > WORDSTAT_MAX_WORD)
			len = WORDSTAT_MAX_WORD;
		lengths[len < WORDSTAT_LENGTHS ? len - 1 : WORDSTAT_LENGTHS - 1]++;
		struct entry *e = find_or_add(s, word, len, h);
		e->count++;
		if (e->last_doc != doc + 1) {
			e->last_doc = doc + 1;
			distinct++;
		}
	}
	/* changed: no documents x lengths matrix to walk down its columns afterwards */
	for (size_t c = 0; c < WORDSTAT_LENGTHS; c++) {
		out->words += lengths[c];
		out->length_total[c] += lengths[c];
		if (lengths[c] > out->length_max_doc[c])
			out->length_max_doc[c] = lengths[c];
	}
	out->doc_distinct_sum += distinct;
	if (distinct > out->doc_distinct_max) {
		out->doc_distinct_max = distinct;
		out->doc_distinct_argmax = doc;
	}
}

/* changed: the ten most frequent by one scan in first-seen order, no sort of everything */
static void top_words(const struct state *s, struct wordstat_report *out)
{
	size_t top[WORDSTAT_TOP], n = 0;
	for (size_t i = 0; i < s->n; i++) {
		uint64_t c = s->entries[i].count;
		if (n == WORDSTAT_TOP && c <= s->entries[top[n - 1]].count)
			continue;
		size_t k = n < WORDSTAT_TOP ? n++ : n - 1;
		for (; k > 0 && s->entries[top[k - 1]].count < c; k--)
			top[k] = top[k - 1];
		top[k] = i;
	}
	for (size_t k = 0; k < n; k++) {
		const struct entry *e = &s->entries[top[k]];
		memcpy(out->top[k].word, s->text + e->word, e->len + 1);
		out->top[k].count = e->count;
	}
}

void wordstat_analyze(const char *const *docs, size_t n, struct wordstat_report *out)
{
	struct state s = {0};
	memset(out, 0, sizeof *out);
	grow_slots(&s);
	for (size_t d = 0; d < n; d++)
		analyze_doc(&s, docs[d], (uint32_t)d, out);
	out->distinct = s.n;
	top_words(&s, out);
	free(s.slots);
	free(s.entries);
	free(s.text);
}
