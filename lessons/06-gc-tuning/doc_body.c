/* doc_body.c: a document's bytes, course-owned (lesson 06). A separate object without link-time
 * optimisation, so filling and digesting cost the same whatever the student's file does. */
#include "doc_body.h"

#include <string.h>

void doc_fill(unsigned char *body, size_t size, uint64_t seed)
{
	uint64_t x = seed | 1;
	size_t i = 0;
	for (; i + 8 <= size; i += 8) {
		x ^= x << 13; /* xorshift64: cheap, and every word differs */
		x ^= x >> 7;
		x ^= x << 17;
		memcpy(body + i, &x, 8);
	}
	for (; i < size; i++)
		body[i] = (unsigned char)(x >> (8 * (i & 7)));
}

uint64_t doc_digest(const unsigned char *body, size_t size)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);
	size_t i = 0;
	for (; i + 8 <= size; i += 8) {
		uint64_t w;
		memcpy(&w, body + i, 8);
		h = (h ^ w) * UINT64_C(0x100000001b3);
	}
	for (; i < size; i++)
		h = (h ^ body[i]) * UINT64_C(0x100000001b3);
	return h;
}
