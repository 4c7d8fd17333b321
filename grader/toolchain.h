/* toolchain.h: the environment fingerprint a report carries (compiler, flags, glibc, Valgrind,
 * CPU, architecture) and the course version, so a score can be traced to where it was made. */
#ifndef TOOLCHAIN_H
#define TOOLCHAIN_H

#include <stddef.h>

#include "report.h"

void toolchain_read(struct toolchain *t);
void course_version(char *out, size_t len);

#endif
