/* findings.c: the reference answers (a copy of solutions/07-profiling/findings.c), so that
 * `build/grade --impl solutions/07-profiling/steps/N-name.c` grades a step with them. */
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
