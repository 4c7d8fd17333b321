/* findings.c: what the profiles of the untouched skeleton say (the questions are in
 * findings.h). Profile solutions/07-profiling/skeleton/wordstat.c, or your wordstat.c before
 * you change it (`make profile LESSON=07 IMPL=skeleton`), and name one function of wordstat.c
 * in each blank, as the profile prints it: "count_word", not "count_word()". */
#include "findings.h"

#include <stddef.h>

/* TODO: fill in every answer */
const struct findings wordstat_findings = {
    .hottest_self = "",
    .hottest_libc_caller = "",
    .peak_heap_site = "",
    .problem =
        {
            [PROBLEM_STRLEN_IN_LOOP] = "",
            [PROBLEM_ALLOC_IN_LOOP] = "",
            [PROBLEM_WEAK_HASH] = "",
            [PROBLEM_QUADRATIC] = "",
            [PROBLEM_COLUMN_MAJOR] = "",
            [PROBLEM_OVERSIZED] = "",
        },
};
