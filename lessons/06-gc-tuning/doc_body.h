/* doc_body.h: the work a cache does with a document's bytes, course-owned (lesson 06): writing a
 * body from its seed and digesting it when it is served. Its own object, not a student file. */
#ifndef DOC_BODY_H
#define DOC_BODY_H

#include <stddef.h>
#include <stdint.h>

/* Writes size bytes of pseudo-random content, a function of seed only, at body. */
void doc_fill(unsigned char *body, size_t size, uint64_t seed);

/* A 64-bit digest of body[0 .. size) (FNV-1a over 8-byte words, then the tail). */
uint64_t doc_digest(const unsigned char *body, size_t size);

#endif
