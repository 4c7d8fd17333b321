/* static_checks.h: the static checks on a student's object files (DESIGN section 6.4, layer 3),
 * run before any of the student's code runs: which global symbols it defines and which it
 * uses, no start-up or shutdown code, no IFUNC, no system-call instruction, no Valgrind
 * client request, no asm unless the lesson teaches it, and a cap on static data. */
#ifndef STATIC_CHECKS_H
#define STATIC_CHECKS_H

#include <stddef.h>

#include "impl.h"
#include "manifest.h"

/* Checks the student objects of impl (its measure build) against the lesson's rules; the
 * reference's objects say which global names the API defines. Returns 0 when every check
 * passes, 1 when one fails (reason says which and why, one line), -1 when a check could not
 * run (reason says why). */
int static_checks(const struct manifest *m, const struct impl *student,
                  const struct impl *reference, char *reason, size_t len);

#endif
