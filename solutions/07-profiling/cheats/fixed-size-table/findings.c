/* cheat: a hash table sized once for the bench's vocabulary (16,384 slots), never grown
 * Expected: status timed_out /counts_sixty_six_thousand_different_words/
 * The shortcut is in wordstat.c beside this file; this findings.c is the reference's, so that
 * only the table is judged.
 * findings.c: the reference answers, read from the profiles of the skeleton (README
 * "Reading the profiles" shows each one). */
#include "findings.h"

#include <stddef.h>

const struct findings wordstat_findings = {
    .hottest_self = "seen_in_doc",
    .hottest_libc_caller = "tokenize",
    .peak_heap_site = "table_new",
    .problem =
        {
            [PROBLEM_STRLEN_IN_LOOP] = "tokenize",
            [PROBLEM_ALLOC_IN_LOOP] = "lower_word",
            [PROBLEM_WEAK_HASH] = "hash_word",
            [PROBLEM_QUADRATIC] = "seen_in_doc",
            [PROBLEM_COLUMN_MAJOR] = "length_totals",
            [PROBLEM_OVERSIZED] = "table_new",
        },
};
