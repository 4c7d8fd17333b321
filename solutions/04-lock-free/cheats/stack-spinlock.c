/* cheat: the stack behind an atomic_flag spinlock, everything else the reference's lock-free code
 * stack-spinlock.c: no pthread_mutex_lock call for the lock budget to count, and under Valgrind
 * one thread never finds the flag taken, so every count equals a lock-free stack's (issue 16:
 * 100.0 before the lock-freedom test). Caught by task::stack_is_lock_free: a thread frozen with
 * the flag set leaves the other spinning.
 * Expected: status tests_failed /stack_is_lock_free/
 */
#include "lockfree.h"

#include <stdalign.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LINE 64 /* bytes in a cache line on x86-64 */

static void *must_alloc(size_t size)
{
	/* changed: every object on its own cache lines; size rounded up as aligned_alloc wants */
	void *p = aligned_alloc(LINE, (size + LINE - 1) / LINE * LINE);
	if (p == NULL) {
		fputs("lockfree: out of memory\n", stderr);
		abort();
	}
	memset(p, 0, size);
	return p;
}

/* {=== counter ===} */
/* changed: one shard per adding thread, each alone on its cache line (no false sharing) */
struct shard {
	alignas(LINE) _Atomic uint64_t value;
};

struct lf_counter {
	unsigned n;
	struct shard shards[];
};

struct lf_counter *lf_counter_new(unsigned shards)
{
	struct lf_counter *c = must_alloc(sizeof *c + shards * sizeof c->shards[0]);
	c->n = shards;
	return c;
}

void lf_counter_add(struct lf_counter *c, unsigned shard, uint64_t n)
{
	/* changed: a shard has one writer, so a relaxed load and store replace the locked
	 * read-modify-write; readers still see whole values, never a torn one */
	_Atomic uint64_t *v = &c->shards[shard].value;
	atomic_store_explicit(v, atomic_load_explicit(v, memory_order_relaxed) + n,
	                      memory_order_relaxed);
}

uint64_t lf_counter_read(struct lf_counter *c)
{
	uint64_t sum = 0;
	for (unsigned i = 0; i < c->n; i++)
		sum += atomic_load_explicit(&c->shards[i].value, memory_order_relaxed);
	return sum;
}

void lf_counter_free(struct lf_counter *c)
{
	free(c);
}
/* }=== */

/* {=== maximum ===} */
struct lf_max {
	alignas(LINE) _Atomic uint64_t value;
};

struct lf_max *lf_max_new(void)
{
	return must_alloc(sizeof(struct lf_max));
}

void lf_max_update(struct lf_max *m, uint64_t v)
{
	/* changed: a CAS loop; a value that cannot win returns after one plain load, so the
	 * line stays shared in every core's cache instead of bouncing on each update */
	uint64_t cur = atomic_load_explicit(&m->value, memory_order_relaxed);
	while (v > cur && !atomic_compare_exchange_weak_explicit(
	                      &m->value, &cur, v, memory_order_relaxed, memory_order_relaxed))
		;
}

uint64_t lf_max_read(struct lf_max *m)
{
	return atomic_load_explicit(&m->value, memory_order_relaxed);
}

void lf_max_free(struct lf_max *m)
{
	free(m);
}
/* }=== */

/* {=== stack ===} */
/* cheat: a spinlock instead of the Treiber stack. No call to count, so calls.pthread_mutex_lock
 * reads 0, and one thread under Valgrind never waits on it */
struct lf_stack {
	alignas(LINE) atomic_flag busy;
	uint32_t top;
	uint32_t slots[]; /* slots[0..top) are free */
};

struct lf_stack *lf_stack_new(uint32_t n)
{
	struct lf_stack *s = must_alloc(sizeof *s + (size_t)n * sizeof s->slots[0]);
	atomic_flag_clear(&s->busy);
	for (uint32_t i = 0; i < n; i++)
		s->slots[i] = n - 1 - i;
	s->top = n;
	return s;
}

static void take(struct lf_stack *s)
{
	while (atomic_flag_test_and_set_explicit(&s->busy, memory_order_acquire))
		__builtin_ia32_pause();
}

static void give(struct lf_stack *s)
{
	atomic_flag_clear_explicit(&s->busy, memory_order_release);
}

uint32_t lf_stack_pop(struct lf_stack *s)
{
	take(s);
	uint32_t slot = s->top > 0 ? s->slots[--s->top] : LF_EMPTY;
	give(s);
	return slot;
}

void lf_stack_push(struct lf_stack *s, uint32_t slot)
{
	take(s);
	s->slots[s->top++] = slot;
	give(s);
}

void lf_stack_free(struct lf_stack *s)
{
	free(s);
}
/* }=== */

/* {=== ring ===} */
/* changed: each side's index on its own line with its cached copy of the other side's: the
 * producer reads the consumer's line only when the ring looks full, the consumer reads the
 * producer's only when it looks empty */
struct lf_ring {
	alignas(LINE) _Atomic size_t tail; /* written by the producer */
	size_t head_cache;                 /* the producer's last look at head */
	alignas(LINE) _Atomic size_t head; /* written by the consumer */
	size_t tail_cache;                 /* the consumer's last look at tail */
	alignas(LINE) size_t mask;         /* read-only after lf_ring_new */
	uint64_t *items;
};

struct lf_ring *lf_ring_new(size_t capacity)
{
	struct lf_ring *r = must_alloc(sizeof *r);
	r->items = must_alloc(capacity * sizeof *r->items);
	r->mask = capacity - 1; /* changed: a power of two: & instead of % */
	return r;
}

int lf_ring_push(struct lf_ring *r, uint64_t item)
{
	size_t t = atomic_load_explicit(&r->tail, memory_order_relaxed); /* ours */
	if (t - r->head_cache > r->mask) {
		r->head_cache = atomic_load_explicit(&r->head, memory_order_acquire);
		if (t - r->head_cache > r->mask)
			return 0;
	}
	r->items[t & r->mask] = item;
	/* release: the item is written before the consumer can see the new tail */
	atomic_store_explicit(&r->tail, t + 1, memory_order_release);
	return 1;
}

int lf_ring_pop(struct lf_ring *r, uint64_t *item)
{
	size_t h = atomic_load_explicit(&r->head, memory_order_relaxed); /* ours */
	if (h == r->tail_cache) {
		r->tail_cache = atomic_load_explicit(&r->tail, memory_order_acquire);
		if (h == r->tail_cache)
			return 0;
	}
	*item = r->items[h & r->mask];
	/* release: the slot is read before the producer may overwrite it */
	atomic_store_explicit(&r->head, h + 1, memory_order_release);
	return 1;
}

void lf_ring_free(struct lf_ring *r)
{
	free(r->items);
	free(r);
}
/* }=== */
