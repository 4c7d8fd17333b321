/* test_wordstat.c: lesson 07's suites. `correct` compares wordstat_analyze with the simple
 * analyzer below (sort every word, then count runs); `task` checks findings.c against what the
 * skeleton's profiles say; `budget` checks instructions, allocations, D1 misses and peak heap
 * against lesson.ini. */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "budget.h"
#include "checksum.h"
#include "findings.h"
#include "wordstat.h"
#include "wordstat_input.h"

/* {=== the simple analyzer: every word with its document and position, sorted ===} */
struct token {
	char word[WORDSTAT_MAX_WORD + 1];
	size_t doc, seq;
	size_t len; /* letters in the run, before the cut */
};

static int by_word_then_seq(const void *a, const void *b)
{
	const struct token *x = a, *y = b;
	int c = strcmp(x->word, y->word);
	return c != 0 ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

static int letter(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static void simple_analyze(const char *const *docs, size_t n, struct wordstat_report *r)
{
	size_t cap = 1024, nt = 0;
	struct token *t = malloc(cap * sizeof *t);
	memset(r, 0, sizeof *r);
	for (size_t d = 0; d < n; d++) {
		uint32_t lengths[WORDSTAT_LENGTHS] = {0};
		for (const char *p = docs[d]; *p != '\0';) {
			if (!letter(*p)) {
				p++;
				continue;
			}
			if (nt == cap)
				t = realloc(t, (cap *= 2) * sizeof *t);
			struct token *k = &t[nt];
			k->doc = d;
			k->seq = nt++;
			for (k->len = 0; letter(p[k->len]); k->len++)
				if (k->len < WORDSTAT_MAX_WORD)
					k->word[k->len] = (char)(p[k->len] | 0x20);
			p += k->len;
			k->word[k->len < WORDSTAT_MAX_WORD ? k->len : WORDSTAT_MAX_WORD] = '\0';
			lengths[k->len < WORDSTAT_LENGTHS ? k->len - 1 : WORDSTAT_LENGTHS - 1]++;
		}
		for (size_t c = 0; c < WORDSTAT_LENGTHS; c++) {
			r->length_total[c] += lengths[c];
			if (lengths[c] > r->length_max_doc[c])
				r->length_max_doc[c] = lengths[c];
		}
	}
	r->words = nt;
	qsort(t, nt, sizeof *t, by_word_then_seq);
	uint32_t *doc_distinct = calloc(n + 1, sizeof *doc_distinct);
	size_t *first_of_top = calloc(WORDSTAT_TOP, sizeof(size_t));
	for (size_t i = 0, j; i < nt; i = j) {
		size_t first = t[i].seq; /* sorted by seq within a word: the first is first */
		for (j = i; j < nt && strcmp(t[j].word, t[i].word) == 0; j++)
			if (j == i || t[j].doc != t[j - 1].doc)
				doc_distinct[t[j].doc]++;
		r->distinct++;
		uint64_t count = j - i;
		size_t k = WORDSTAT_TOP;
		while (k > 0 && (r->top[k - 1].count < count ||
		                 (r->top[k - 1].count == count && first_of_top[k - 1] > first)))
			k--;
		if (k == WORDSTAT_TOP)
			continue;
		memmove(&r->top[k + 1], &r->top[k], (WORDSTAT_TOP - k - 1) * sizeof r->top[0]);
		memmove(&first_of_top[k + 1], &first_of_top[k],
		        (WORDSTAT_TOP - k - 1) * sizeof(size_t));
		strcpy(r->top[k].word, t[i].word);
		r->top[k].count = count;
		first_of_top[k] = first;
	}
	for (size_t d = 0; d < n; d++) {
		r->doc_distinct_sum += doc_distinct[d];
		if (doc_distinct[d] > r->doc_distinct_max) {
			r->doc_distinct_max = doc_distinct[d];
			r->doc_distinct_argmax = (uint32_t)d;
		}
	}
	free(first_of_top);
	free(doc_distinct);
	free(t);
}
/* }=== */

/* Compares two reports field by field; input says what was analysed. */
static void expect_same(const char *input, const struct wordstat_report *got,
                        const struct wordstat_report *want)
{
#define SAME(field, fmt)                                                                           \
	cr_expect(got->field == want->field, "%s: " #field ": got %" fmt ", want %" fmt, input,    \
	          got->field, want->field)
	SAME(words, PRIu64);
	SAME(distinct, PRIu64);
	SAME(doc_distinct_sum, PRIu64);
	SAME(doc_distinct_max, PRIu32);
	SAME(doc_distinct_argmax, PRIu32);
	for (size_t i = 0; i < WORDSTAT_LENGTHS; i++) {
		SAME(length_total[i], PRIu64);
		SAME(length_max_doc[i], PRIu32);
	}
	for (size_t i = 0; i < WORDSTAT_TOP; i++) {
		SAME(top[i].count, PRIu64);
		cr_expect(strcmp(got->top[i].word, want->top[i].word) == 0,
		          "%s: top[%zu].word: got \"%.33s\", want \"%s\"", input, i,
		          got->top[i].word, want->top[i].word);
	}
#undef SAME
	cr_assert(wordstat_report_checksum(CHECKSUM_INIT, got) ==
	              wordstat_report_checksum(CHECKSUM_INIT, want),
	          "%s: the reports differ (the fields above say where)", input);
}

/* Analyses docs with wordstat_analyze into a report full of garbage, and with the simple
 * analyzer, and compares them. */
static void expect_analysis(const char *input, const char *const *docs, size_t n)
{
	struct wordstat_report got, want;
	memset(&got, 0xa5, sizeof got);
	wordstat_analyze(docs, n, &got);
	simple_analyze(docs, n, &want);
	expect_same(input, &got, &want);
}

/* Criterion's --timeout flag does nothing in 2.4.1; a suite's .timeout works (lesson 01). */
TestSuite(correct, .timeout = 20);

Test(correct, matches_simple_analyzer_on_seeded_documents)
{
	for (uint64_t seed = 1; seed <= 3; seed++) {
		struct wordstat_input in;
		char input[64];
		wordstat_input_make(&in, 200 * seed, 100, seed);
		snprintf(input, sizeof input, "seed %" PRIu64 ", %zu documents", seed, in.n);
		expect_analysis(input, in.docs, in.n);
		wordstat_input_free(&in);
	}
}

Test(correct, reports_zeros_and_empty_slots_for_no_words)
{
	const char *docs[] = {"", "  42, 7 -- ...", "\xc3\xa9\xff\x80 1"};
	expect_analysis("0 documents", docs, 0);
	expect_analysis("documents \"\", \"  42, 7 -- ...\", \"\\xc3\\xa9\\xff\\x80 1\"", docs, 3);
}

Test(correct, folds_case_and_splits_on_every_non_letter)
{
	const char *docs[] = {"Hello, HELLO hello-world h\xc3\xa9llo x1y", "WORLD_hello"};
	struct wordstat_report got;
	wordstat_analyze(docs, 2, &got);
	cr_assert(got.words == 10 && got.distinct == 6,
	          "\"Hello, HELLO hello-world h\\xc3\\xa9llo x1y\", \"WORLD_hello\": got %" PRIu64
	          " words, %" PRIu64 " different; want 10 and 6 (hello world h llo x y)",
	          got.words, got.distinct);
	cr_assert(strcmp(got.top[0].word, "hello") == 0 && got.top[0].count == 4 &&
	              strcmp(got.top[1].word, "world") == 0 && got.top[1].count == 2,
	          "same documents: top[0..1] got \"%s\" %" PRIu64 ", \"%s\" %" PRIu64
	          "; want \"hello\" 4, \"world\" 2",
	          got.top[0].word, got.top[0].count, got.top[1].word, got.top[1].count);
	expect_analysis("the same documents", docs, 2);
}

Test(correct, cuts_long_runs_to_their_first_32_letters)
{
	const char *docs[] = {
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ abcdefghijklmnopqrstuvwxyzabcdef "
	    "abcdefghijklmnopqrstuvwxyzabcdefg abcdefghijklmnop"};
	struct wordstat_report got;
	wordstat_analyze(docs, 1, &got);
	cr_assert(got.distinct == 2 && got.top[0].count == 3 &&
	              strcmp(got.top[0].word, "abcdefghijklmnopqrstuvwxyzabcdef") == 0 &&
	              got.length_total[WORDSTAT_LENGTHS - 1] == 4,
	          "runs of 36, 32, 33 and 16 letters: got %" PRIu64
	          " different, top \"%s\" %" PRIu64 ", %" PRIu64
	          " of 16 or more letters; want 2, the 32-letter prefix 3 times, 4",
	          got.distinct, got.top[0].word, got.top[0].count,
	          got.length_total[WORDSTAT_LENGTHS - 1]);
	expect_analysis("runs of 36, 32, 33 and 16 letters", docs, 1);
}

Test(correct, breaks_ties_by_first_occurrence_and_leaves_unused_slots_empty)
{
	const char *docs[] = {"b a c", "c a b d", "e"};
	struct wordstat_report got;
	wordstat_analyze(docs, 3, &got);
	const char *want[] = {"b", "a", "c", "d", "e"};
	for (size_t i = 0; i < 5; i++)
		cr_expect(strcmp(got.top[i].word, want[i]) == 0,
		          "\"b a c\", \"c a b d\", \"e\": top[%zu] got \"%s\", want \"%s\"", i,
		          got.top[i].word, want[i]);
	expect_analysis("\"b a c\", \"c a b d\", \"e\"", docs, 3);
}

/* The bench's documents hold 4856 different words; these hold 66,000, more than 2^16. Word i
 * has 3 + i % 8 letters, the first three from (i / 8) * 7919 mod 26^3 (7919 is prime to 26, so
 * no two words of one length share them), the rest from a multiplicative hash of i. A table
 * sized for the bench and never grown fills up here and loops. Mixed lengths spread the letter
 * sums that the skeleton's weak hash uses, so even the skeleton takes well under a second. */
Test(correct, counts_sixty_six_thousand_different_words)
{
	/* 1000 words a document: the skeleton's scan of the document's words stays cheap */
	enum { WORDS = 66000, DOCS = 66 };
	char *text = malloc((size_t)WORDS * 11 + DOCS);
	cr_assert(text != NULL, "malloc failed");
	const char *docs[DOCS];
	char *p = text;
	for (size_t i = 0; i < WORDS; i++) {
		if (i % (WORDS / DOCS) == 0) {
			if (i > 0)
				*p++ = '\0';
			docs[i / (WORDS / DOCS)] = p;
		}
		uint32_t v = (uint32_t)((i / 8 * 7919) % 17576), w = (uint32_t)i * 2654435761u;
		char first = i % 3 == 0 ? 'A' : 'a'; /* case folds */
		for (size_t k = 0; k < 3 + i % 8; k++, v /= 26)
			*p++ = (char)(first + (k < 3 ? v % 26 : (w >> (3 * k)) % 26));
		*p++ = ' ';
	}
	*p = '\0';
	expect_analysis("66,000 different words of 3 to 10 letters in 66 documents", docs, DOCS);
	free(text);
}

Test(correct, counts_different_words_per_document)
{
	const char *docs[] = {"a a a", "x y x z", "p q r s", "A b B a"};
	struct wordstat_report got;
	wordstat_analyze(docs, 4, &got);
	cr_assert(got.doc_distinct_sum == 10 && got.doc_distinct_max == 4 &&
	              got.doc_distinct_argmax == 2,
	          "\"a a a\", \"x y x z\", \"p q r s\", \"A b B a\": different words per document "
	          "sum %" PRIu64 ", max %" PRIu32 " first at %" PRIu32 "; want 10, 4 at 2",
	          got.doc_distinct_sum, got.doc_distinct_max, got.doc_distinct_argmax);
	expect_analysis("the same documents", docs, 4);
}

/* {=== task: findings.c against the skeleton's profiles ===} */

/* The name without what a profile or a habit may add around it: "student/wordstat.c:",
 * "()", gcc's clone suffixes (".isra.0", ".constprop.0", ".part.0") and blanks. */
static uint64_t answer_hash(const char *answer, char name[64])
{
	if (answer == NULL)
		answer = "";
	const char *colon = strrchr(answer, ':');
	const char *p = colon ? colon + 1 : answer;
	while (*p == ' ')
		p++;
	size_t n = strcspn(p, ".( \t");
	snprintf(name, 64, "%.*s", (int)(n < 63 ? n : 63), p);
	return checksum_bytes(checksum_bytes(CHECKSUM_INIT, "lesson07/", 9), name, strlen(name));
}

/* Answers are compared by a salted hash so that reading this file does not give them away. */
static void expect_answer(const char *question, const char *answer, uint64_t want, const char *see)
{
	char name[64];
	uint64_t got = answer_hash(answer, name);
	cr_assert(name[0] != '\0', "findings.c: %s: no answer yet — see README \"%s\"", question,
	          see);
	cr_assert(got == want,
	          "findings.c: %s: \"%s\" is not what the skeleton's profile says — see README "
	          "\"%s\"",
	          question, name, see);
}

TestSuite(task, .timeout = 20);

Test(task, names_the_hottest_function_by_self_cost)
{
	expect_answer("hottest_self", wordstat_findings.hottest_self, UINT64_C(0x02dc5e92111702f5),
	              "Reading callgrind");
}

Test(task, names_the_caller_of_the_hottest_libc_function)
{
	expect_answer("hottest_libc_caller", wordstat_findings.hottest_libc_caller,
	              UINT64_C(0xb797d43864bbd728), "Reading callgrind");
}

Test(task, names_the_allocation_site_of_the_peak_heap)
{
	expect_answer("peak_heap_site", wordstat_findings.peak_heap_site,
	              UINT64_C(0x51ade7655927e052), "Reading massif");
}

Test(task, locates_the_strlen_in_a_loop_condition)
{
	expect_answer("problem[PROBLEM_STRLEN_IN_LOOP]",
	              wordstat_findings.problem[PROBLEM_STRLEN_IN_LOOP],
	              UINT64_C(0xb797d43864bbd728), "Reading callgrind");
}

Test(task, locates_the_allocation_in_the_hot_loop)
{
	expect_answer("problem[PROBLEM_ALLOC_IN_LOOP]",
	              wordstat_findings.problem[PROBLEM_ALLOC_IN_LOOP],
	              UINT64_C(0xbe5cd916caff8ff7), "Who calls malloc");
}

Test(task, locates_the_weak_hash_function)
{
	expect_answer("problem[PROBLEM_WEAK_HASH]", wordstat_findings.problem[PROBLEM_WEAK_HASH],
	              UINT64_C(0x507b0c4ed009d63a), "A cost is not always where it is paid");
}

Test(task, locates_the_quadratic_helper)
{
	expect_answer("problem[PROBLEM_QUADRATIC]", wordstat_findings.problem[PROBLEM_QUADRATIC],
	              UINT64_C(0x02dc5e92111702f5), "Reading callgrind");
}

Test(task, locates_the_column_major_walk)
{
	expect_answer("problem[PROBLEM_COLUMN_MAJOR]",
	              wordstat_findings.problem[PROBLEM_COLUMN_MAJOR], UINT64_C(0xbe2b76afc9622435),
	              "Reading the cache simulation");
}

Test(task, locates_the_oversized_allocation)
{
	expect_answer("problem[PROBLEM_OVERSIZED]", wordstat_findings.problem[PROBLEM_OVERSIZED],
	              UINT64_C(0x51ade7655927e052), "Reading massif");
}
/* }=== */

/* {=== budget: limits from lesson.ini; a failure says the value, the budget, where to look ===} */

Test(budget, instructions_within_budget)
{
	budget_skip_off_reference_arch("instruction");
	budget_expect_within("instructions", "What's slow");
}

Test(budget, allocations_within_budget)
{
	budget_expect_within("allocations", "Who calls malloc");
}

Test(budget, d1_misses_within_budget)
{
	budget_skip_off_reference_arch("cache");
	budget_expect_within("d1_misses", "Reading the cache simulation");
}

Test(budget, peak_heap_within_budget)
{
	budget_expect_within("peak_heap", "Reading massif");
}
/* }=== */
