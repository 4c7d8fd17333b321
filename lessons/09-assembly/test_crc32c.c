/* test_crc32c.c: lesson 09's suites. `correct` compares every path of the student's code (crc32c
 * as chosen, crc32c forced onto the portable path, crc32c_x86, crc32c_x86_asm) with the bitwise
 * definition below; `task` checks the run-time choice and the cycle counter; `budget` checks
 * the instruction budget of lesson.ini. The ABI and unwinding tests are in test_crc32c_abi.c. */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "budget.h"
#include "crc32c.h"
#include "crc32c_input.h"
#include "prng.h"

/* {=== the definition: one bit at a time, obviously right ===} */
static uint32_t definition(uint32_t crc, const unsigned char *p, size_t len)
{
	crc = ~crc;
	while (len-- > 0) {
		crc ^= *p++;
		for (int bit = 0; bit < 8; bit++)
			crc = (crc >> 1) ^ (0x82f63b78u & (0u - (crc & 1)));
	}
	return ~crc;
}
/* }=== */

/* {=== the paths: every one is checked on every run ===} */
enum path { DEFAULT, FORCED_PORTABLE, X86, X86_ASM };
static const char *const path_names[] = {"crc32c (its own choice)",
                                         "crc32c after crc32c_use(CRC32C_PORTABLE)", "crc32c_x86",
                                         "crc32c_x86_asm"};

/* The function to call for path p, after the set-up it needs; skips the test (with the reason)
 * where this machine cannot run it. */
static crc32c_fn *path_fn(enum path p)
{
	if (p == DEFAULT)
		return crc32c;
	if (p == FORCED_PORTABLE) {
		const char *name = crc32c_use(CRC32C_PORTABLE);
		cr_assert(name != NULL && strcmp(name, "portable") == 0,
		          "crc32c_use(CRC32C_PORTABLE): got \"%s\", want \"portable\"", name);
		return crc32c;
	}
#if defined(__x86_64__)
	__builtin_cpu_init();
	if (!__builtin_cpu_supports("sse4.2"))
		cr_skip_test("%s: this CPU has no SSE4.2 crc32 instruction", path_names[p]);
	if (p == X86_ASM)
		return crc32c_x86_asm;
	if (!__builtin_cpu_supports("pclmul"))
		cr_skip_test("%s: this CPU has no PCLMULQDQ", path_names[p]);
	return crc32c_x86;
#else
	cr_skip_test("%s: x86-64 only; this host runs the portable path", path_names[p]);
	return NULL;
#endif
}
/* }=== */

/* {=== checks on one path ===} */
struct vector {
	const char *what;
	unsigned char bytes[48];
	size_t len;
	uint32_t crc;
};

/* "123456789", and the examples of RFC 3720 (iSCSI), section B.4 */
static const struct vector vectors[] = {
    {"\"123456789\"", "123456789", 9, 0xe3069283},
    {"32 zero bytes", {0}, 32, 0x8a9136aa},
    {"32 bytes 0xff", {[0 ... 31] = 0xff}, 32, 0x62a8ab43},
    {"32 bytes 0x00..0x1f",
     {0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15,
      16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31},
     32,
     0x46dd794e},
    {"32 bytes 0x1f..0x00",
     {31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 16,
      15, 14, 13, 12, 11, 10, 9,  8,  7,  6,  5,  4,  3,  2,  1,  0},
     32,
     0x113fdb5c},
    {"an iSCSI read command PDU",
     {0x01, 0xc0, [16] = 0x14, [22] = 0x04, [27] = 0x14, [31] = 0x18, [32] = 0x28, [40] = 0x02},
     48,
     0xd9963a56},
};

/* Compares f with the definition on buf[off .. off+len) continued from crc; reports at most 10
 * mismatches, counted in *bad. */
static void expect_same(enum path p, crc32c_fn *f, uint32_t crc, const unsigned char *buf,
                        size_t off, size_t len, const char *what, size_t *bad)
{
	uint32_t got = f(crc, buf + off, len), want = definition(crc, buf + off, len);
	if (got != want && ++*bad <= 10)
		cr_expect_fail("%s(0x%08" PRIx32 ", buf + %zu, %zu): got 0x%08" PRIx32
		               ", want 0x%08" PRIx32 " (%s)",
		               path_names[p], crc, off, len, got, want, what);
}

static void expect_path(enum path p)
{
	crc32c_fn *f = path_fn(p);
	size_t bad = 0, max = 65536 + 64;
	unsigned char *buf = malloc(max);
	struct prng g;

	cr_assert(buf != NULL);
	for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
		uint32_t got = f(0, vectors[i].bytes, vectors[i].len);
		cr_expect(got == vectors[i].crc,
		          "%s(0, %s, %zu): got 0x%08" PRIx32 ", want 0x%08" PRIx32, path_names[p],
		          vectors[i].what, vectors[i].len, got, vectors[i].crc);
	}
	cr_expect(f(0x12345678, NULL, 0) == 0x12345678,
	          "%s(0x12345678, NULL, 0): crc must come back", path_names[p]);
	prng_seed(&g, 9);
	for (size_t i = 0; i < max; i += 8) {
		uint64_t v = prng_next(&g);
		memcpy(buf + i, &v, 8);
	}
	for (size_t off = 0; off < 16; off++) /* every length 0..256 at every alignment */
		for (size_t len = 0; len <= 256; len++)
			expect_same(p, f, 0, buf, off, len, "random bytes, seed 9", &bad);
	for (size_t k = 6; k <= 14; k++) /* around 2^k and 3 x 2^k bytes, where blocks end */
		for (size_t m = 1; m <= 3; m += 2)
			for (size_t d = 0; d <= 9; d++)
				expect_same(p, f, 0, buf, k % 8, (m << k) + d - 1,
				            "near a block size", &bad);
	for (int i = 0; i < 64; i++) { /* random lengths and offsets, continued from a random crc */
		size_t len = (size_t)prng_below(&g, 40000), off = (size_t)prng_below(&g, 64);
		expect_same(p, f, (uint32_t)prng_next(&g), buf, off, len, "random crc and length",
		            &bad);
	}
	for (size_t cut = 0; cut <= 20000; cut += 1999) { /* two calls equal one */
		uint32_t got = f(f(0, buf + 3, cut), buf + 3 + cut, 20000 - cut);
		uint32_t want = definition(0, buf + 3, 20000);
		cr_expect(got == want,
		          "%s over buf + 3, 20000 bytes cut at %zu: got 0x%08" PRIx32
		          ", want 0x%08" PRIx32,
		          path_names[p], cut, got, want);
	}
	cr_assert(bad == 0, "%s: %zu results differ from the definition (at most 10 shown)",
	          path_names[p], bad);
	free(buf);
}
/* }=== */

/* Criterion's --timeout flag does nothing in 2.4.1; a suite's .timeout works, so a submission
 * that loops forever fails its test instead of hanging the run (lesson 01 says more). */
TestSuite(correct, .timeout = 20);

Test(correct, default_path_matches_the_definition)
{
	expect_path(DEFAULT);
}

Test(correct, forced_portable_path_matches_the_definition)
{
	expect_path(FORCED_PORTABLE);
}

Test(correct, x86_matches_the_definition)
{
	expect_path(X86);
}

Test(correct, x86_asm_matches_the_definition)
{
	expect_path(X86_ASM);
}

Test(correct, switches_paths_and_back)
{
	const char *first = crc32c_use(CRC32C_AUTO);
	cr_assert(first != NULL, "crc32c_use(CRC32C_AUTO) returned NULL");
	expect_path(FORCED_PORTABLE);
	const char *again = crc32c_use(CRC32C_AUTO);
	cr_assert(again != NULL && strcmp(first, again) == 0,
	          "crc32c_use(CRC32C_AUTO) after CRC32C_PORTABLE: got \"%s\", first time \"%s\"",
	          again, first);
	uint32_t got = crc32c(0, "123456789", 9);
	cr_assert(got == 0xe3069283,
	          "crc32c(0, \"123456789\", 9) after switching back to \"%s\": "
	          "got 0x%08" PRIx32 ", want 0xe3069283",
	          again, got);
}

TestSuite(task, .timeout = 20);

Test(task, picks_the_fastest_path_this_cpu_has)
{
#if defined(__x86_64__)
	__builtin_cpu_init();
	int sse42 = __builtin_cpu_supports("sse4.2"), pclmul = __builtin_cpu_supports("pclmul");
	const char *want = !sse42 ? "portable" : pclmul ? "sse4.2+pclmul" : "sse4.2";
	const char *got = crc32c_use(CRC32C_AUTO);
	cr_assert(
	    got != NULL && strcmp(got, want) == 0,
	    "crc32c_use(CRC32C_AUTO) on a CPU with%s SSE4.2 and with%s PCLMULQDQ: got \"%s\", "
	    "want \"%s\" — see README \"Choosing at run time\"",
	    sse42 ? "" : "out", pclmul ? "" : "out", got, want);
#else
	cr_skip_test("x86-64 only: this host has only the portable path");
#endif
}

Test(task, ticks_read_the_time_stamp_counter)
{
#if defined(__x86_64__)
	uint64_t before = __builtin_ia32_rdtsc(), got = crc32c_ticks(),
	         after = __builtin_ia32_rdtsc();
	cr_assert(before <= got && got <= after,
	          "crc32c_ticks(): got %" PRIu64 ", want the time-stamp counter, between %" PRIu64
	          " and %" PRIu64 " (rdtsc just before and after) — see README \"Counting cycles\"",
	          got, before, after);
#else
	cr_skip_test("x86-64 only: elsewhere crc32c_ticks reads CLOCK_MONOTONIC");
#endif
}

/* {=== budget: limits from lesson.ini; a failure says the value, the budget, where to look ===} */
Test(budget, instructions_within_budget)
{
	budget_skip_off_reference_arch("instruction");
	struct vg_result r;
	struct crc32c_input in;
	size_t requests = 0;
	const struct manifest *m = budget_manifest();

	cr_assert(sscanf(m->args, "--requests %zu", &requests) == 1, "lesson.ini args: %s",
	          m->args);
	crc32c_input_make(&in, requests, m->seed);
	budget_measure(VG_CALLGRIND, &r);
	double budget = budget_of("instructions"), bytes = (double)in.bytes;
	cr_assert(r.instructions <= budget,
	          "instructions in the bench region (%s --seed %llu, %.0f bytes): %" PRIu64
	          " = %.2f per byte (budget: %.0f = %.2f per byte) — see README \"What's slow\"",
	          m->args, m->seed, bytes, r.instructions, r.instructions / bytes, budget,
	          budget / bytes);
	vg_result_free(&r);
	crc32c_input_free(&in);
}
/* }=== */
