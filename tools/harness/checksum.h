/* checksum.h: the checksum every bench driver prints, so the grader can tell that the
 * measured run computed the same results as the reference (FNV-1a, 64 bits; not a MAC). */
#ifndef CHECKSUM_H
#define CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

#define CHECKSUM_INIT UINT64_C(0xcbf29ce484222325)

/* Folds len bytes at data into the running checksum h and returns the new value. */
uint64_t checksum_bytes(uint64_t h, const void *data, size_t len);

/* Folds one 64-bit value (as 8 little-endian bytes). */
uint64_t checksum_u64(uint64_t h, uint64_t value);

#endif
