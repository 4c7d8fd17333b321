/* logfmt_support.h: course-owned helpers for lesson 01, compiled as their own object (not a
 * student file). */
#ifndef LOGFMT_SUPPORT_H
#define LOGFMT_SUPPORT_H

#include <stddef.h>

/* Writes the JSON string form of byte c to out (no NUL) and returns its length: 1 for a byte
 * copied as it is, 2 for \" and \\, 6 for \u00XX (bytes below 0x20). */
size_t logfmt_escape_char(unsigned char c, char out[6]);

#endif
