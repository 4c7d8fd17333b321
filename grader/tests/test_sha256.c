/* test_sha256.c: cmocka tests pinning SHA-256 to the FIPS 180-2 / NIST example vectors, plus
 * the properties the cache relies on: chunking does not change the hash, and a file hashes
 * like its bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../tools/measure/sha256.h"

static void hash_of(const void *data, size_t len, char hex[65])
{
	struct sha256 h;

	sha256_init(&h);
	sha256_update(&h, data, len);
	sha256_final_hex(&h, hex);
}

static void empty_string(void **state)
{
	char hex[65];

	(void)state;
	hash_of("", 0, hex);
	assert_string_equal(hex,
	                    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void abc(void **state)
{
	char hex[65];

	(void)state;
	hash_of("abc", 3, hex);
	assert_string_equal(hex,
	                    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

/* 448 bits: the padding no longer fits in the same block, so a second block is needed. */
static void two_block_448_bits(void **state)
{
	static const char msg[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	char hex[65];

	(void)state;
	hash_of(msg, strlen(msg), hex);
	assert_string_equal(hex,
	                    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

/* 896 bits, the standard's other long example. */
static void two_block_896_bits(void **state)
{
	static const char msg[] = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
	                          "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
	char hex[65];

	(void)state;
	hash_of(msg, strlen(msg), hex);
	assert_string_equal(hex,
	                    "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

static void one_million_a(void **state)
{
	char chunk[1000], hex[65];
	struct sha256 h;

	(void)state;
	memset(chunk, 'a', sizeof(chunk));
	sha256_init(&h);
	for (int i = 0; i < 1000; i++)
		sha256_update(&h, chunk, sizeof(chunk));
	sha256_final_hex(&h, hex);
	assert_string_equal(hex,
	                    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

/* Every split of a message around the 55/56/64-byte padding edges gives the one-shot hash. */
static void chunking_does_not_change_the_hash(void **state)
{
	unsigned char msg[130];
	char whole[65], split[65];
	struct sha256 h;

	(void)state;
	for (size_t i = 0; i < sizeof(msg); i++)
		msg[i] = (unsigned char)(i * 7 + 3);
	for (size_t len = 50; len <= sizeof(msg); len++) {
		hash_of(msg, len, whole);
		for (size_t cut = 0; cut <= len; cut += 5) {
			sha256_init(&h);
			sha256_update(&h, msg, cut);
			sha256_update(&h, msg + cut, len - cut);
			sha256_final_hex(&h, split);
			if (strcmp(whole, split) != 0)
				fail_msg("len %zu cut %zu: got %s, want %s", len, cut, split,
				         whole);
		}
	}
}

static void file_hashes_like_its_bytes(void **state)
{
	char path[] = "/tmp/test_sha256.XXXXXX", from_file[65];
	struct sha256 h;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "abc", 3), 3);
	close(fd);
	sha256_init(&h);
	assert_int_equal(sha256_file(&h, path), 0);
	sha256_final_hex(&h, from_file);
	assert_string_equal(from_file,
	                    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	unlink(path);
	sha256_init(&h);
	errno = 0;
	assert_int_equal(sha256_file(&h, path), -1);
	assert_int_equal(errno, ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(empty_string),
	    cmocka_unit_test(abc),
	    cmocka_unit_test(two_block_448_bits),
	    cmocka_unit_test(two_block_896_bits),
	    cmocka_unit_test(one_million_a),
	    cmocka_unit_test(chunking_does_not_change_the_hash),
	    cmocka_unit_test(file_hashes_like_its_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
