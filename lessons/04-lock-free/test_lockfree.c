/* test_lockfree.c: lesson 04's suites. `correct` checks each structure alone, then under
 * threads (exact sums, exact maximum, FIFO order, no slot handed out twice), including an ABA
 * stress that first proves it can break a naive CAS stack; `budget` checks the mutex calls
 * and instructions of the bench region against lesson.ini. */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "budget.h"
#include "lockfree.h"
#include "pipeline.h"

/* Criterion's --timeout flag does nothing in 2.4.1 (measured); a suite's .timeout works, so a
 * stack or ring that loops forever fails its test instead of hanging `make lesson04`. */
TestSuite(correct, .timeout = 20);

/* {=== one thread: the contract ===} */
Test(correct, counter_sums_every_shard)
{
	struct lf_counter *c = lf_counter_new(5);
	uint64_t want = 0;
	for (unsigned i = 0; i < 1000; i++) {
		lf_counter_add(c, i % 5, (uint64_t)i * 1000003);
		want += (uint64_t)i * 1000003;
	}
	uint64_t got = lf_counter_read(c);
	cr_assert(got == want, "1000 adds over 5 shards: got %" PRIu64 ", want %" PRIu64, got,
	          want);
	lf_counter_free(c);
	c = lf_counter_new(1);
	got = lf_counter_read(c);
	cr_assert(got == 0, "a new counter: got %" PRIu64 ", want 0", got);
	lf_counter_add(c, 0, UINT64_MAX);
	got = lf_counter_read(c);
	cr_assert(got == UINT64_MAX, "one add of 2^64-1: got %" PRIu64, got);
	lf_counter_free(c);
}

Test(correct, max_keeps_the_largest)
{
	static const uint64_t offers[] = {5, 3, 9, 9, 1, UINT64_MAX - 1, 7};
	struct lf_max *m = lf_max_new();
	uint64_t got = lf_max_read(m);
	cr_assert(got == 0, "a new maximum: got %" PRIu64 ", want 0", got);
	for (size_t i = 0; i < 7; i++)
		lf_max_update(m, offers[i]);
	got = lf_max_read(m);
	cr_assert(got == UINT64_MAX - 1, "after 5 3 9 9 1 2^64-2 7: got %" PRIu64, got);
	lf_max_free(m);
}

Test(correct, stack_hands_out_each_slot_once)
{
	struct lf_stack *s = lf_stack_new(100);
	uint8_t seen[100] = {0};
	for (int i = 0; i < 100; i++) {
		uint32_t slot = lf_stack_pop(s);
		cr_assert(slot < 100 && !seen[slot],
		          "pop %d of a 100-slot stack: got slot %" PRIu32 "%s", i, slot,
		          slot < 100 ? ", already handed out" : ", not in 0..99");
		seen[slot] = 1;
	}
	uint32_t got = lf_stack_pop(s);
	cr_assert(got == LF_EMPTY, "pop 101 of 100 slots: got %" PRIu32 ", want LF_EMPTY", got);
	lf_stack_push(s, 42);
	lf_stack_push(s, 7);
	uint32_t a = lf_stack_pop(s), b = lf_stack_pop(s), c = lf_stack_pop(s);
	cr_assert(((a == 7 && b == 42) || (a == 42 && b == 7)) && c == LF_EMPTY,
	          "push 42, push 7, pop x3: got %" PRIu32 " %" PRIu32 " %" PRIu32
	          ", want 42 and 7 in any order, then LF_EMPTY",
	          a, b, c);
	lf_stack_free(s);
	s = lf_stack_new(0);
	got = lf_stack_pop(s);
	cr_assert(got == LF_EMPTY, "pop of a 0-slot stack: got %" PRIu32, got);
	lf_stack_free(s);
}

Test(correct, ring_is_fifo_and_bounded)
{
	struct lf_ring *r = lf_ring_new(8);
	uint64_t v = 99, next_in = 0, next_out = 0;
	cr_assert(!lf_ring_pop(r, &v), "pop from a new ring: got item %" PRIu64, v);
	for (int round = 0; round < 5; round++) { /* 5 x (fill, drain 5): indices wrap */
		int pushed = 0;
		while (lf_ring_push(r, next_in * 0x9e3779b97f4a7c15u))
			next_in++, pushed++;
		cr_assert(pushed == (round == 0 ? 8 : 5),
		          "round %d: the ring took %d items, want %d (capacity 8)", round, pushed,
		          round == 0 ? 8 : 5);
		for (int k = 0; k < 5; k++, next_out++) {
			cr_assert(lf_ring_pop(r, &v), "round %d: pop %d found the ring empty",
			          round, k);
			cr_assert(v == next_out * 0x9e3779b97f4a7c15u,
			          "round %d: item %" PRIu64 " came out as %" PRIu64
			          ", want %" PRIu64,
			          round, next_out, v, next_out * 0x9e3779b97f4a7c15u);
		}
	}
	while (lf_ring_pop(r, &v))
		next_out++;
	cr_assert(next_out == next_in, "drained %" PRIu64 " of %" PRIu64 " items", next_out,
	          next_in);
	lf_ring_free(r);
	r = lf_ring_new(2);
	cr_assert(lf_ring_push(r, 1) && lf_ring_push(r, 2) && !lf_ring_push(r, 3),
	          "capacity 2: want two pushes to succeed and the third to fail");
	lf_ring_free(r);
}
/* }=== */

/* {=== threads: the pipeline's stages on real threads, compared with one thread ===} */
static void expect_stages(unsigned workers, size_t n, uint64_t seed)
{
	struct pipeline_input in;
	struct pipeline_result want = {0}, got = {0};
	pipeline_input_make(&in, n, seed);
	pipeline_count(&in, workers, 0, &want);
	pipeline_pool(workers, n, 0, &want);
	pipeline_ring(&in, 64, 0, &want);
	pipeline_count(&in, workers, 1, &got);
	pipeline_pool(workers, n, 1, &got);
	pipeline_ring(&in, 64, 1, &got);
	cr_assert(want.count_sum != 0 && want.pool_errors == 0 && want.ring_items == n,
	          "%u workers, %zu samples, one thread: wrong results before any thread ran "
	          "(count %" PRIu64 ", pool errors %" PRIu64 ", ring items %" PRIu64 ")",
	          workers, n, want.count_sum, want.pool_errors, want.ring_items);
	cr_expect(got.count_sum == want.count_sum, "%u workers: counter %" PRIu64 ", want %" PRIu64,
	          workers, got.count_sum, want.count_sum);
	cr_expect(got.count_max == want.count_max, "%u workers: maximum %" PRIu64 ", want %" PRIu64,
	          workers, got.count_max, want.count_max);
	cr_expect(got.pool_ops == n && got.pool_errors == 0,
	          "%u workers: pool did %" PRIu64 " of %zu cycles with %" PRIu64
	          " errors (a slot handed to two workers, or lost)",
	          workers, got.pool_ops, n, got.pool_errors);
	cr_assert(got.ring_items == n && got.ring_hash == want.ring_hash,
	          "ring: %" PRIu64 " of %zu items, hash %016" PRIx64 ", want %016" PRIx64
	          " (items lost, repeated or out of order)",
	          got.ring_items, n, got.ring_hash, want.ring_hash);
	pipeline_input_free(&in);
}

Test(correct, stages_on_two_threads_match_one_thread)
{
	expect_stages(2, 200000, 3);
}

Test(correct, stages_on_four_threads_match_one_thread)
{
	expect_stages(4, 100000, 4);
}
/* }=== */

/* {=== ABA: a stress that breaks a naive CAS stack, then the student's ===} */
#define ABA_SLOTS   8
#define ABA_THREADS 4
#define ABA_OPS     30000

/* The naive Treiber stack: the head is the top slot only. Between reading the top's next and
 * the CAS, other threads may pop that slot and the one below it and push the first one back:
 * the CAS still sees the same top and installs a next that is in use (ABA). widen makes one
 * thread wait in that window (a while at most) until the others have made exactly that
 * happen, so the stress meets ABA in milliseconds, not hours; the code is unchanged. */
struct naive_stack {
	_Atomic uint32_t head, next[ABA_SLOTS];
	int widen;
};

static _Thread_local int dawdler; /* the one thread that dawdles */

static uint32_t naive_pop(void *ctx)
{
	struct naive_stack *s = ctx;
	uint32_t top = atomic_load(&s->head);
	while (top != LF_EMPTY) {
		uint32_t next = atomic_load(&s->next[top]);
		for (int i = 0; s->widen && dawdler && i < 200; i++) {
			if (atomic_load(&s->head) == top && atomic_load(&s->next[top]) != next)
				break; /* A, then B taken, then A back: the CAS below succeeds */
			sched_yield(); /* let the others run, on this CPU too */
		}
		if (atomic_compare_exchange_weak(&s->head, &top, next))
			return top;
	}
	return LF_EMPTY;
}

static void naive_push(void *ctx, uint32_t slot)
{
	struct naive_stack *s = ctx;
	uint32_t top = atomic_load(&s->head);
	do
		atomic_store(&s->next[slot], top);
	while (!atomic_compare_exchange_weak(&s->head, &top, slot));
}

static uint32_t student_pop(void *ctx)
{
	return lf_stack_pop(ctx);
}

static void student_push(void *ctx, uint32_t slot)
{
	lf_stack_push(ctx, slot);
}

struct aba_run {
	uint32_t (*pop)(void *);
	void (*push)(void *, uint32_t);
	void *stack;
	_Atomic unsigned owner[ABA_SLOTS];
	_Atomic uint64_t errors, ops;
	struct timespec deadline; /* the stress stops here even if it found nothing */
};

static int past(const struct timespec *deadline)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > deadline->tv_sec ||
	       (now.tv_sec == deadline->tv_sec && now.tv_nsec > deadline->tv_nsec);
}

struct aba_thread_arg {
	struct aba_run *run;
	unsigned me;
};

/* Pops a slot and claims it; a slot someone holds was handed out twice. LF_EMPTY: none free
 * (or an error, counted). */
static uint32_t aba_take(struct aba_run *run, unsigned me)
{
	uint32_t slot = run->pop(run->stack);
	if (slot == LF_EMPTY)
		return LF_EMPTY;
	if (slot >= ABA_SLOTS || atomic_exchange(&run->owner[slot], me + 1) != 0) {
		atomic_fetch_add(&run->errors, 1);
		return LF_EMPTY;
	}
	return slot;
}

static void aba_give(struct aba_run *run, uint32_t slot)
{
	atomic_store(&run->owner[slot], 0);
	run->push(run->stack, slot);
}

/* Each thread takes two slots, A then B, gives back A, yields, then gives back B: the sequence
 * that turns a stale "top A, next B" into B handed out twice. It stops at the first error anyone
 * finds. */
static void *aba_thread(void *arg)
{
	struct aba_run *run = ((struct aba_thread_arg *)arg)->run;
	unsigned me = ((struct aba_thread_arg *)arg)->me;
	dawdler = me == 0;
	for (int i = 0; i < ABA_OPS && atomic_load(&run->errors) == 0; i++) {
		if (i % 1024 == 0 && past(&run->deadline))
			break;
		uint32_t a = aba_take(run, me), b = a == LF_EMPTY ? LF_EMPTY : aba_take(run, me);
		if (a != LF_EMPTY)
			aba_give(run, a);
		sched_yield(); /* holding B a while: others run in the A-back-but-B-out state */
		if (b != LF_EMPTY)
			aba_give(run, b);
		if (a == LF_EMPTY || b == LF_EMPTY)
			sched_yield();
		else
			atomic_fetch_add(&run->ops, 1);
	}
	return NULL;
}

static void aba_stress(struct aba_run *run)
{
	clock_gettime(CLOCK_MONOTONIC, &run->deadline);
	run->deadline.tv_sec += 3;
	struct aba_thread_arg args[ABA_THREADS];
	for (unsigned i = 0; i < ABA_THREADS; i++)
		args[i] = (struct aba_thread_arg){run, i};
	pipeline_run_threads(ABA_THREADS, aba_thread, args, sizeof args[0]);
}

Test(correct, aba_stress_breaks_a_naive_cas_stack)
{
	static struct naive_stack s = {.widen = 1};
	for (uint32_t i = 0; i < ABA_SLOTS; i++)
		atomic_init(&s.next[i], i + 1 < ABA_SLOTS ? i + 1 : LF_EMPTY);
	atomic_init(&s.head, 0);
	static struct aba_run run = {.pop = naive_pop, .push = naive_push, .stack = &s};
	aba_stress(&run);
	cr_assert(atomic_load(&run.errors) > 0,
	          "the ABA stress found no error in a naive CAS stack after %" PRIu64
	          " operations: it cannot tell a defended stack from an undefended one",
	          atomic_load(&run.ops));
}

Test(correct, stack_survives_the_aba_stress)
{
	static struct aba_run run = {.pop = student_pop, .push = student_push};
	run.stack = lf_stack_new(ABA_SLOTS);
	aba_stress(&run);
	cr_assert(atomic_load(&run.errors) == 0,
	          "ABA stress, %d threads on %d slots: a slot was handed to two threads at once "
	          "after %" PRIu64 " pop-push cycles — see README \"ABA\"",
	          ABA_THREADS, ABA_SLOTS, atomic_load(&run.ops));
	lf_stack_free(run.stack);
}
/* }=== */

/* {=== budget: limits from lesson.ini; a failure says the value, the budget, where to look ===} */
/* Calls to name in the region, whatever version suffix callgrind gives it (name@@GLIBC_...). */
Test(budget, no_mutex_lock_in_the_lock_free_paths)
{
	budget_expect_within("calls.pthread_mutex_lock", "Atomics instead of a lock");
}

Test(budget, instructions_within_budget)
{
	if (!budget_arch_is_reference())
		cr_skip_test(
		    "instruction budgets hold on x86-64 (gcc 12 -O2) only; this is not one");
	struct vg_result r;
	budget_measure(VG_CALLGRIND, &r);
	uint64_t got = r.instructions;
	double budget = budget_of("instructions");
	vg_result_free(&r);
	const char *samples = strstr(budget_manifest()->args, "--samples ");
	double n = samples ? strtod(samples + 10, NULL) : 0;
	cr_assert(got <= budget,
	          "instructions in the bench region (%s --seed %llu, one thread): %" PRIu64
	          " (budget: %.0f), %.0f per sample (budget: %.0f) — see README \"What's slow\"",
	          budget_manifest()->args, budget_manifest()->seed, got, budget,
	          n > 0 ? got / n : 0, n > 0 ? budget / n : 0);
}
/* }=== */
