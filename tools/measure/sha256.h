/* sha256.h: SHA-256 (FIPS 180-4), for cache keys. Measurements are cached by the hash of the
 * measured binary and its inputs; a collision-resistant hash keeps a crafted submission from
 * borrowing another binary's cached numbers. */
#ifndef SHA256_H
#define SHA256_H

#include <stddef.h>
#include <stdint.h>

struct sha256 {
	uint32_t state[8];
	uint64_t length; /* bytes hashed so far */
	unsigned char block[64];
	size_t used; /* bytes waiting in block */
};

void sha256_init(struct sha256 *h);
void sha256_update(struct sha256 *h, const void *data, size_t len);
/* Writes 64 lowercase hex digits and a NUL into hex. */
void sha256_final_hex(struct sha256 *h, char hex[65]);

/* Hashes the whole file at path into h. Returns 0, or -1 with errno set. */
int sha256_file(struct sha256 *h, const char *path);

#endif
