/* test_crc32c_abi.c: lesson 09's checks that crc32c_x86_asm (crc32c_x86.S) keeps the System V
 * AMD64 ABI and describes itself with CFI: the callee-saved registers survive a call, and a
 * profiler's sample taken inside the function unwinds to its caller. x86-64 only. */
#include <criterion/criterion.h>
#include <inttypes.h>

#include "crc32c.h"

#if defined(__x86_64__)
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <ucontext.h>
#include <unwind.h>

/* {=== callee-saved registers ===} */
/* Calls crc32c_x86_asm(crc, buf, len) with rbx, rbp and r12-r15 holding known values, and
 * stores what they hold after the call in regs[0..5]. */
uint32_t crc32c_test_probe(uint32_t crc, const void *buf, size_t len, uint64_t regs[6]);
__asm__(".text\n"
        ".globl crc32c_test_probe\n"
        ".type crc32c_test_probe, @function\n"
        "crc32c_test_probe:\n"
        ".cfi_startproc\n"
        "pushq %rbx\n.cfi_adjust_cfa_offset 8\n.cfi_rel_offset %rbx, 0\n"
        "pushq %rbp\n.cfi_adjust_cfa_offset 8\n.cfi_rel_offset %rbp, 0\n"
        "pushq %r12\n.cfi_adjust_cfa_offset 8\n.cfi_rel_offset %r12, 0\n"
        "pushq %r13\n.cfi_adjust_cfa_offset 8\n.cfi_rel_offset %r13, 0\n"
        "pushq %r14\n.cfi_adjust_cfa_offset 8\n.cfi_rel_offset %r14, 0\n"
        "pushq %r15\n.cfi_adjust_cfa_offset 8\n.cfi_rel_offset %r15, 0\n"
        "pushq %rcx\n.cfi_adjust_cfa_offset 8\n" /* regs; rsp is now 16-byte aligned */
        "movabsq $0x1b1b1b1b1b1b1b1b, %rbx\n"
        "movabsq $0x2b2b2b2b2b2b2b2b, %rbp\n"
        "movabsq $0x3b3b3b3b3b3b3b3b, %r12\n"
        "movabsq $0x4b4b4b4b4b4b4b4b, %r13\n"
        "movabsq $0x5b5b5b5b5b5b5b5b, %r14\n"
        "movabsq $0x6b6b6b6b6b6b6b6b, %r15\n"
        "call crc32c_x86_asm\n"
        "popq %rcx\n.cfi_adjust_cfa_offset -8\n"
        "movq %rbx, 0(%rcx)\nmovq %rbp, 8(%rcx)\nmovq %r12, 16(%rcx)\n"
        "movq %r13, 24(%rcx)\nmovq %r14, 32(%rcx)\nmovq %r15, 40(%rcx)\n"
        "popq %r15\n.cfi_adjust_cfa_offset -8\n.cfi_restore %r15\n"
        "popq %r14\n.cfi_adjust_cfa_offset -8\n.cfi_restore %r14\n"
        "popq %r13\n.cfi_adjust_cfa_offset -8\n.cfi_restore %r13\n"
        "popq %r12\n.cfi_adjust_cfa_offset -8\n.cfi_restore %r12\n"
        "popq %rbp\n.cfi_adjust_cfa_offset -8\n.cfi_restore %rbp\n"
        "popq %rbx\n.cfi_adjust_cfa_offset -8\n.cfi_restore %rbx\n"
        "ret\n"
        ".cfi_endproc\n"
        ".size crc32c_test_probe, .-crc32c_test_probe\n");
/* }=== */

/* {=== a profiler's samples ===} */
#define SAMPLES_WANTED 50 /* samples inside crc32c_x86_asm */
#define FRAMES         16

static struct {
	volatile sig_atomic_t active, done; /* active: drive() is in its loop */
	unsigned inside, unwound, total;
	uintptr_t first_bad[FRAMES]; /* the frames of the first sample that did not unwind */
	size_t n_first_bad;
} samples;

struct walk {
	uintptr_t ip[FRAMES], start[FRAMES];
	size_t n;
};

static _Unwind_Reason_Code on_frame(struct _Unwind_Context *ctx, void *arg)
{
	struct walk *w = arg;
	int before;
	if (w->n == FRAMES)
		return _URC_END_OF_STACK;
	w->ip[w->n] = _Unwind_GetIPInfo(ctx, &before);
	w->start[w->n++] = _Unwind_GetRegionStart(ctx);
	return _URC_NO_REASON;
}

static uint32_t drive(const unsigned char *buf, size_t len);

/* SIGPROF: walks the stack as a profiler would. A sample whose interrupted frame is not drive()
 * is inside crc32c_x86_asm, and must unwind to drive(). */
static void on_sample(int sig, siginfo_t *info, void *context)
{
	uintptr_t rip = (uintptr_t)((ucontext_t *)context)->uc_mcontext.gregs[REG_RIP];
	struct walk w = {.n = 0};
	size_t at = FRAMES;
	int reached = 0;

	(void)sig, (void)info;
	if (!samples.active || samples.done)
		return; /* only drive()'s loop and crc32c_x86_asm run while active */
	_Unwind_Backtrace(on_frame, &w);
	for (size_t i = 0; i < w.n; i++) {
		if (at == FRAMES && w.ip[i] == rip)
			at = i;
		else if (at < i && w.start[i] == (uintptr_t)drive)
			reached = 1;
	}
	samples.total++;
	if (at < FRAMES && w.start[at] == (uintptr_t)drive)
		return; /* in the loop that calls crc32c_x86_asm */
	samples.inside++;
	samples.unwound += reached;
	if (!reached && samples.n_first_bad == 0) {
		memcpy(samples.first_bad, w.start, sizeof w.start);
		samples.n_first_bad = w.n;
	}
	if (samples.inside >= SAMPLES_WANTED || samples.total >= 100 * SAMPLES_WANTED)
		samples.done = 1;
}

__attribute__((noinline)) static uint32_t drive(const unsigned char *buf, size_t len)
{
	uint32_t crc = 0;
	samples.active = 1;
	while (!samples.done)
		crc = crc32c_x86_asm(crc, buf, len);
	samples.active = 0;
	return crc;
}
/* }=== */

static void need_sse42(void)
{
	__builtin_cpu_init();
	if (!__builtin_cpu_supports("sse4.2"))
		cr_skip_test("crc32c_x86_asm: this CPU has no SSE4.2 crc32 instruction");
}
#endif

/* the correct suite and its .timeout are declared in test_crc32c.c */

Test(correct, x86_asm_keeps_callee_saved_registers)
{
#if defined(__x86_64__)
	static const char *const names[] = {"rbx", "rbp", "r12", "r13", "r14", "r15"};
	unsigned char buf[1000];
	need_sse42();
	for (size_t i = 0; i < sizeof buf; i++)
		buf[i] = (unsigned char)(i * 37 + 11);
	for (size_t len = 0; len <= sizeof buf; len += len < 40 ? 1 : 97) {
		uint64_t regs[6] = {0};
		crc32c_test_probe(0, buf, len, regs);
		for (int r = 0; r < 6; r++) {
			uint64_t want = 0x0101010101010101u * (uint64_t)(0x1b + 0x10 * r);
			cr_assert(
			    regs[r] == want,
			    "crc32c_x86_asm(0, buf, %zu) changed %s, a callee-saved register: "
			    "0x%016" PRIx64 " before, 0x%016" PRIx64 " after — see README "
			    "\"An assembly file\"",
			    len, names[r], want, regs[r]);
		}
	}
#else
	cr_skip_test("x86-64 only: the System V AMD64 ABI and crc32c_x86.S do not apply here");
#endif
}

Test(correct, x86_asm_unwinds_to_its_caller)
{
#if defined(__x86_64__)
	size_t len = 16384;
	unsigned char *buf = calloc(len, 1);
	struct sigaction sa = {.sa_sigaction = on_sample, .sa_flags = SA_SIGINFO | SA_RESTART}, old;
	struct sigevent ev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGPROF};
	struct itimerspec every = {{0, 50000}, {0, 50000}}; /* 50 us */
	timer_t timer;

	need_sse42();
	cr_assert(buf != NULL);
	sigemptyset(&sa.sa_mask);
	cr_assert(sigaction(SIGPROF, &sa, &old) == 0 &&
	              timer_create(CLOCK_MONOTONIC, &ev, &timer) == 0,
	          "cannot set up a SIGPROF timer");
	timer_settime(timer, 0, &every, NULL);
	drive(buf, len);
	timer_delete(timer);
	sigaction(SIGPROF, &old, NULL);
	free(buf);
	cr_assert(samples.inside > 0, "no sample landed inside crc32c_x86_asm in %u samples",
	          samples.total);
	cr_assert(samples.unwound == samples.inside,
	          "%u of %u samples taken inside crc32c_x86_asm did not unwind to its caller: "
	          "the CFI does not say where the return address is at every instruction "
	          "(.cfi_startproc, .cfi_adjust_cfa_offset after each push and pop) — see README "
	          "\"An assembly file\"",
	          samples.inside - samples.unwound, samples.inside);
#else
	cr_skip_test("x86-64 only: crc32c_x86.S is empty elsewhere");
#endif
}
