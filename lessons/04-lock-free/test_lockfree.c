/* test_lockfree.c: lesson 04's suites. `correct` checks each structure alone, then under
 * threads (exact sums, exact maximum, FIFO order, no slot handed out twice), including an ABA
 * stress and an ABA walk that freezes a pop at each of its instructions, each first shown
 * breaking a naive CAS stack; `task` freezes a thread inside each structure and fails one whose
 * other threads then spin (a lock no call count sees); `budget` checks the mutex calls and
 * instructions of the bench region against lesson.ini. README "What the tests prove". */
#include <criterion/criterion.h>
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "budget.h"
#include "lockfree.h"
#include "pipeline.h"

/* Criterion's --timeout flag does nothing in 2.4.1 (measured); a suite's .timeout works, so a
 * stack or ring that loops forever fails its test instead of hanging `make lesson04`. */
TestSuite(correct, .timeout = 20);
TestSuite(task, .timeout = 40);

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

/* {=== freezing a thread inside an operation ===} */
/* A thread is frozen by a signal whose handler parks it: the handler writes one byte to
 * parked_pipe and blocks in read() on release_pipe until the test writes a byte there. Only
 * write() and read() run in the handler because both are async-signal-safe (POSIX); sem_wait is
 * not on that list, and the handler may interrupt the thread anywhere, inside malloc or with a
 * lock held: that is the point. errno is saved because the interrupted code may be reading it. */
static int parked_pipe[2] = {-1, -1}, release_pipe[2] = {-1, -1};

static void park(void)
{
	int saved = errno;
	char b = 'P';
	while (write(parked_pipe[1], &b, 1) < 0 && errno == EINTR)
		;
	while (read(release_pipe[0], &b, 1) < 0 && errno == EINTR)
		;
	errno = saved;
}

static void on_freeze(int sig)
{
	(void)sig;
	park();
}

static void pipes_open(void)
{
	cr_assert(pipe(parked_pipe) == 0 && pipe(release_pipe) == 0, "pipe: %s", strerror(errno));
}

static void pipes_close(void)
{
	for (int i = 0; i < 2; i++) {
		close(parked_pipe[i]);
		close(release_pipe[i]);
	}
}

/* Waits up to ms for one byte on fd: 1 and the byte in *what, or 0 on timeout. */
static int wait_byte(int fd, int ms, char *what)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	int n;
	while ((n = poll(&p, 1, ms)) < 0 && errno == EINTR)
		;
	return n > 0 && read(fd, what, 1) == 1;
}

static void release_parked(void)
{
	char b = 'R';
	cr_assert(write(release_pipe[1], &b, 1) == 1, "write: %s", strerror(errno));
}

static uint64_t now_ns(clockid_t clock)
{
	struct timespec t;
	clock_gettime(clock, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}
/* }=== */

/* {=== task: lock-freedom, a frozen thread must not stop the others ===} */
/* One thread (the victim) runs operations on a structure in a loop; another runs its own. The
 * test freezes the victim FREEZES times at a random moment, inside an operation almost every
 * time since the loop does little else, and each time waits for the other thread to complete
 * PROGRESS more operations before it releases the victim. With a lock, a victim frozen while
 * holding it stops the other thread. If that thread's CPU clock still moves, it is spinning (or
 * yielding) on a lock that no call count sees, an atomic_flag or a CAS on a "locked" word, and
 * the test fails. If its clock stands still, it sleeps in the kernel: in pthread_mutex_lock,
 * which the lock budget counts and prices (the [checks] of lesson.ini refuse every other way to
 * sleep: sem_wait, futex, pthread_spin_lock, condition variables); the test notes it and stops,
 * since every later freeze would wait as long. */
#define FREEZES  1000
#define PROGRESS 32
#define STALL_NS 1000000000u /* no progress for this long: the other thread is stuck ... */
#define WATCH_NS 500000000u  /* ... and its CPU clock, watched this long, says how */
/* Under this much CPU in WATCH_NS, it sleeps in the kernel; a spinner, even one that yields its
 * CPU at every turn, uses more (a sched_yield loop used 100 ms in half a second here). */
#define ASLEEP_NS 100000u

struct lf_target {
	const char *what; /* named in the failure */
	void (*victim)(void *ctx);
	void (*other)(void *ctx);
	void *ctx;
};

struct lf_run {
	const struct lf_target *t;
	_Atomic int stop;
	_Atomic uint64_t victim_ops, other_ops;
};

static void *victim_loop(void *arg)
{
	struct lf_run *r = arg;
	while (!atomic_load_explicit(&r->stop, memory_order_relaxed)) {
		r->t->victim(r->t->ctx);
		atomic_fetch_add_explicit(&r->victim_ops, 1, memory_order_relaxed);
	}
	return NULL;
}

static void *other_loop(void *arg)
{
	struct lf_run *r = arg;
	while (!atomic_load_explicit(&r->stop, memory_order_relaxed)) {
		r->t->other(r->t->ctx);
		atomic_fetch_add_explicit(&r->other_ops, 1, memory_order_relaxed);
	}
	return NULL;
}

static void expect_lock_free(const struct lf_target *t)
{
	struct lf_run run = {.t = t};
	struct sigaction sa = {.sa_handler = on_freeze}, old;
	sigemptyset(&sa.sa_mask);
	cr_assert(sigaction(SIGUSR1, &sa, &old) == 0);
	pipes_open();
	pthread_t victim, other;
	cr_assert(pthread_create(&victim, NULL, victim_loop, &run) == 0 &&
	          pthread_create(&other, NULL, other_loop, &run) == 0);
	clockid_t other_cpu;
	cr_assert(pthread_getcpuclockid(other, &other_cpu) == 0);
	while (atomic_load(&run.victim_ops) == 0 || atomic_load(&run.other_ops) == 0)
		sched_yield();

	char verdict[300] = "";
	int freezes = 0, asleep = 0;
	uint64_t rng = 0x9e3779b97f4a7c15u;
	for (; freezes < FREEZES && !verdict[0] && !asleep; freezes++) {
		rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
		struct timespec pause = {0, (long)(rng % 20000)}; /* a random moment */
		nanosleep(&pause, NULL);
		pthread_kill(victim, SIGUSR1);
		char b;
		if (!wait_byte(parked_pipe[0], 10000, &b)) {
			snprintf(verdict, sizeof verdict, "%s: the frozen thread never parked",
			         t->what);
			break;
		}
		uint64_t start = atomic_load(&run.other_ops), t0 = now_ns(CLOCK_MONOTONIC);
		uint64_t cpu_at_stall = 0;
		int stalled = 0;
		while (atomic_load(&run.other_ops) < start + PROGRESS) {
			uint64_t waited = now_ns(CLOCK_MONOTONIC) - t0;
			if (!stalled && waited >= STALL_NS) { /* stuck: now watch its CPU clock */
				stalled = 1;
				cpu_at_stall = now_ns(other_cpu);
			}
			if (stalled && waited >= STALL_NS + WATCH_NS) {
				uint64_t used = now_ns(other_cpu) - cpu_at_stall;
				if (used < ASLEEP_NS) {
					asleep = 1; /* in pthread_mutex_lock: the lock budget's */
					break;
				}
				snprintf(
				    verdict, sizeof verdict,
				    "%s: while one thread was frozen inside an operation (freeze "
				    "%d), the other completed %" PRIu64 " operations in %.1f s, "
				    "using %.1f ms of CPU in the last %.1f s: it waits for a lock "
				    "that no call count sees — see README \"What the tests prove\"",
				    t->what, freezes + 1, atomic_load(&run.other_ops) - start,
				    waited / 1e9, used / 1e6, WATCH_NS / 1e9);
				break;
			}
			struct timespec nap = {0, 200000};
			nanosleep(&nap, NULL);
		}
		release_parked();
	}
	atomic_store(&run.stop, 1);
	pthread_join(victim, NULL); /* released: it finishes its operation, and frees any lock */
	pthread_join(other, NULL);
	sigaction(SIGUSR1, &old, NULL);
	pipes_close();
	cr_assert(!verdict[0], "%s", verdict);
	if (asleep)
		cr_log_info(
		    "%s: blocked in a sleeping lock after %d freezes; the lock budget counts "
		    "it",
		    t->what, freezes);
}

static void counter_victim(void *ctx)
{
	lf_counter_add(ctx, 0, 1);
}

static void counter_other(void *ctx)
{
	lf_counter_add(ctx, 1, 1);
	(void)lf_counter_read(ctx);
}

Test(task, counter_is_lock_free)
{
	struct lf_counter *c = lf_counter_new(2);
	expect_lock_free(&(struct lf_target){"lf_counter", counter_victim, counter_other, c});
	lf_counter_free(c);
}

static _Thread_local uint64_t max_offer; /* each thread offers ever larger values: CAS races */

static void max_op(void *ctx)
{
	lf_max_update(ctx, ++max_offer);
	(void)lf_max_read(ctx);
}

Test(task, max_is_lock_free)
{
	struct lf_max *m = lf_max_new();
	expect_lock_free(&(struct lf_target){"lf_max", max_op, max_op, m});
	lf_max_free(m);
}

static void stack_op(void *ctx)
{
	uint32_t slot = lf_stack_pop(ctx);
	if (slot != LF_EMPTY)
		lf_stack_push(ctx, slot);
}

Test(task, stack_is_lock_free)
{
	struct lf_stack *s = lf_stack_new(8);
	expect_lock_free(&(struct lf_target){"lf_stack", stack_op, stack_op, s});
	lf_stack_free(s);
}

/* A push that finds the ring full and a pop that finds it empty return at once: they count as
 * completed operations, as the contract says. */
static void ring_producer_op(void *ctx)
{
	(void)lf_ring_push(ctx, 1);
}

static void ring_consumer_op(void *ctx)
{
	uint64_t v;
	(void)lf_ring_pop(ctx, &v);
}

Test(task, ring_is_lock_free)
{
	struct lf_ring *r = lf_ring_new(64);
	expect_lock_free(
	    &(struct lf_target){"lf_ring, producer frozen", ring_producer_op, ring_consumer_op, r});
	expect_lock_free(
	    &(struct lf_target){"lf_ring, consumer frozen", ring_consumer_op, ring_producer_op, r});
	lf_ring_free(r);
}
/* }=== */

/* {=== ABA, deterministically: a popper frozen at each instruction in turn ===} */
/* The stress above meets the ABA window only in a naive stack it can widen. This test walks
 * into it instead: the x86-64 trap flag makes the CPU raise SIGTRAP after every instruction, so
 * a popper can be frozen after exactly k instructions of its pop, for k = 1, 2, 3 … until the
 * pop returns before k. At each k, while the popper is frozen, another thread pops A, pops B
 * and pushes A back (B stays out); then the popper goes on. Some k falls between the pop's read
 * of the head and its CAS: an untagged stack then installs B as the head, and B is handed out
 * twice, on every run. The frozen thread parks in the handler, as above. */
#if defined(__x86_64__)
#define TRAP_FLAG 0x100 /* EFLAGS.TF */

static _Atomic int step_phase;   /* 0: before the pop, 1: inside it, 2: after it */
static _Atomic long step_count;  /* instructions of the pop so far */
static _Atomic long step_target; /* freeze after this many */
static _Atomic int step_parked;  /* the popper froze in this run */

static void on_step(int sig, siginfo_t *si, void *ucv)
{
	(void)sig;
	(void)si;
	ucontext_t *uc = ucv;
	int phase = atomic_load(&step_phase);
	if (phase == 2) {
		uc->uc_mcontext.gregs[REG_EFL] &= ~TRAP_FLAG;
	} else if (phase == 1 &&
	           atomic_fetch_add(&step_count, 1) + 1 == atomic_load(&step_target)) {
		uc->uc_mcontext.gregs[REG_EFL] &=
		    ~TRAP_FLAG; /* the rest of the pop at full speed */
		atomic_store(&step_parked, 1);
		park();
	}
}

struct step_stack {
	uint32_t (*pop)(void *);
	void (*push)(void *, uint32_t);
	void *stack;
	uint32_t got;  /* what the frozen popper's pop returned */
	uint32_t x, y; /* the helper's pops: x is pushed back, y kept */
	int done_pipe[2];
};

static void *step_popper(void *arg)
{
	struct step_stack *j = arg;
	atomic_store(&step_count, 0);
	atomic_store(&step_parked, 0);
	atomic_store(&step_phase, 0);
	/* set the trap flag: from the next instruction on, SIGTRAP after each one */
	__asm__ volatile("pushfq\n\torq $0x100, (%%rsp)\n\tpopfq" ::: "memory", "cc");
	atomic_store(&step_phase, 1);
	j->got = j->pop(j->stack);
	atomic_store(&step_phase, 2);
	if (!atomic_load(&step_parked)) {
		char b = 'F'; /* finished before instruction k: k is past the end of the pop */
		while (write(parked_pipe[1], &b, 1) < 0 && errno == EINTR)
			;
	}
	return NULL;
}

static void *aba_helper(void *arg)
{
	struct step_stack *j = arg;
	j->x = j->pop(j->stack);
	j->y = j->pop(j->stack);
	if (j->x != LF_EMPTY)
		j->push(j->stack, j->x);
	char b = 'D';
	while (write(j->done_pipe[1], &b, 1) < 0 && errno == EINTR)
		;
	return NULL;
}

/* Runs the walk on stacks of ABA_SLOTS slots that make() creates and drop() frees. Returns the
 * number of positions k at which a slot was handed out twice or lost, with the first in *first;
 * *blocked is set when the helper could not finish while the popper was frozen (a lock: ABA
 * cannot happen in a stack whose pops wait for each other). */
static int aba_walk(uint32_t (*pop)(void *), void (*push)(void *, uint32_t), void *(*make)(void),
                    void (*drop)(void *), char *first, size_t first_size, int *blocked,
                    long *positions)
{
	struct sigaction sa = {.sa_sigaction = on_step, .sa_flags = SA_SIGINFO}, old;
	sigemptyset(&sa.sa_mask);
	cr_assert(sigaction(SIGTRAP, &sa, &old) == 0);
	pipes_open();
	struct step_stack j = {.pop = pop, .push = push};
	cr_assert(pipe(j.done_pipe) == 0);
	int broken = 0;
	*blocked = 0;
	long k = 1;
	for (; k < 100000 && !*blocked; k++) {
		j.stack = make();
		uint32_t warm = pop(j.stack); /* the first call resolves any lazy binding */
		push(j.stack, warm);
		atomic_store(&step_target, k);
		pthread_t popper, helper;
		cr_assert(pthread_create(&popper, NULL, step_popper, &j) == 0);
		char b = 0;
		cr_assert(wait_byte(parked_pipe[0], 10000, &b),
		          "the popper neither froze nor finished at instruction %ld", k);
		if (b == 'F') { /* past the end of the pop: every position was tried */
			pthread_join(popper, NULL);
			drop(j.stack);
			break;
		}
		cr_assert(pthread_create(&helper, NULL, aba_helper, &j) == 0);
		*blocked = !wait_byte(j.done_pipe[0], 2000, &b);
		release_parked();
		pthread_join(popper, NULL);
		pthread_join(helper, NULL);
		/* now: y is the helper's, got the popper's, and the rest must be on the stack */
		uint8_t seen[ABA_SLOTS] = {0};
		uint32_t held[2] = {j.y, j.got}, extra;
		char why[160] = "";
		for (int i = 0; i < 2 && !why[0]; i++)
			if (held[i] != LF_EMPTY && (held[i] >= ABA_SLOTS || seen[held[i]]++))
				snprintf(why, sizeof why, "slot %" PRIu32 " held by both threads",
				         held[i]);
		int n = (j.y != LF_EMPTY) + (j.got != LF_EMPTY);
		for (int i = 0; i <= ABA_SLOTS && !why[0]; i++) {
			if ((extra = pop(j.stack)) == LF_EMPTY)
				break;
			if (extra >= ABA_SLOTS || seen[extra]++)
				snprintf(why, sizeof why,
				         "slot %" PRIu32 " popped while already out", extra);
			n++;
		}
		if (!why[0] && n != ABA_SLOTS)
			snprintf(why, sizeof why, "%d of %d slots left", n, ABA_SLOTS);
		if (why[0] && broken++ == 0)
			snprintf(
			    first, first_size,
			    "popper frozen after instruction %ld of its pop, another thread popped "
			    "%" PRIu32 " and %" PRIu32 " and pushed %" PRIu32 " back: %s",
			    k, j.x, j.y, j.x, why);
		drop(j.stack);
	}
	*positions = k - 1;
	close(j.done_pipe[0]);
	close(j.done_pipe[1]);
	pipes_close();
	sigaction(SIGTRAP, &old, NULL);
	return broken;
}

static struct naive_stack walk_naive;

static void *naive_make(void)
{
	walk_naive.widen = 0; /* no help: the walk finds the window by itself */
	for (uint32_t i = 0; i < ABA_SLOTS; i++)
		atomic_init(&walk_naive.next[i], i + 1 < ABA_SLOTS ? i + 1 : LF_EMPTY);
	atomic_init(&walk_naive.head, 0);
	return &walk_naive;
}

static void naive_drop(void *s)
{
	(void)s;
}

static void *student_make(void)
{
	return lf_stack_new(ABA_SLOTS);
}

static void student_drop(void *s)
{
	lf_stack_free(s);
}
#endif

Test(correct, aba_walk_breaks_a_naive_cas_stack)
{
#if defined(__x86_64__)
	char first[300] = "";
	int blocked;
	long positions;
	int broken = aba_walk(naive_pop, naive_push, naive_make, naive_drop, first, sizeof first,
	                      &blocked, &positions);
	cr_assert(!blocked, "the naive stack blocked: the walk itself is broken");
	cr_assert(broken > 0,
	          "freezing a naive CAS stack's popper at each of %ld instructions found no ABA: "
	          "the walk cannot tell a defended stack from an undefended one",
	          positions);
#else
	cr_skip_test("the trap flag walk is written for x86-64");
#endif
}

Test(correct, stack_survives_the_aba_walk)
{
#if defined(__x86_64__)
	char first[300] = "";
	int blocked;
	long positions;
	int broken = aba_walk(student_pop, student_push, student_make, student_drop, first,
	                      sizeof first, &blocked, &positions);
	cr_assert(broken == 0,
	          "ABA: %d of the %ld positions where a pop was frozen broke the stack; the first: "
	          "%s — see README \"ABA\"",
	          broken, positions, first);
	if (blocked)
		cr_log_info("lf_stack: pops wait for a frozen pop after %ld positions (a lock): no "
		            "ABA possible",
		            positions);
#else
	cr_skip_test("the trap flag walk is written for x86-64");
#endif
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
	budget_skip_off_reference_arch("instruction");
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
