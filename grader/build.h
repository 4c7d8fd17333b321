/* build.h: builds an implementation's test and bench binaries through the course Makefile, so
 * student, reference and skeleton are compiled by the same rules with the same flags (the
 * Makefile's settings block is the only place flags live). */
#ifndef BUILD_H
#define BUILD_H

#include <stddef.h>

#include "impl.h"

/* Builds impl of lesson id. Returns 0, or -1 with a one-line reason in err and the compiler's
 * messages (the end of the build log) in details. */
int build_impl(const char *id, const struct impl *impl, char *err, size_t errlen, char *details,
               size_t details_len);

#endif
