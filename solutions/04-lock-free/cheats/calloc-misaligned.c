/* cheat: the reference with calloc for its alignas(64) objects, which then sit misaligned
 * Expected: status tests_failed /AddressSanitizer\+UBSan: runtime error: .*misaligned/
 * The plain build gets away with it and graded 100.0; caught now that the grader runs correct
 * and task under AddressSanitizer + UBSan, as make lesson04 does. */
/* lockfree.c (lesson 04, reference): no lock anywhere. The counter is one padded shard per
 * adding thread, the maximum a CAS loop that skips the CAS when it cannot win, the free list a
 * Treiber stack whose head carries a generation (ABA), the ring an SPSC queue with
 * acquire/release indices on separate cache lines and a cached copy of the other side's index. */
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
	void *p = calloc(1, size); /* the shortcut */
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
/* changed: a Treiber stack. The head packs a generation above the top slot's number, and every
 * successful CAS bumps it, so a head that went A -> B -> A meanwhile no longer compares equal
 * (the ABA problem: the CAS would install a stale next) */
#define TOP(h)           ((uint32_t)(h))
#define NEXT_GEN(h, top) ((((h) >> 32) + 1) << 32 | (top))

struct lf_stack {
	alignas(LINE) _Atomic uint64_t head; /* generation << 32 | top slot (LF_EMPTY: none) */
	alignas(LINE) _Atomic uint32_t next[];
};

struct lf_stack *lf_stack_new(uint32_t n)
{
	struct lf_stack *s = must_alloc(sizeof *s + (size_t)n * sizeof s->next[0]);
	for (uint32_t i = 0; i < n; i++)
		atomic_init(&s->next[i], i + 1 < n ? i + 1 : LF_EMPTY);
	atomic_init(&s->head, n > 0 ? 0 : LF_EMPTY);
	return s;
}

/* changed: after a failed CAS, wait before trying again, twice as long each time (up to 256
 * pauses): two threads that keep colliding on the head take turns instead of stealing its
 * cache line from each other on every attempt */
static void backoff(unsigned *spins)
{
	for (unsigned i = 0; i < *spins; i++)
		__builtin_ia32_pause();
	if (*spins < 256)
		*spins *= 2;
}

uint32_t lf_stack_pop(struct lf_stack *s)
{
	unsigned spins = 1;
	uint64_t old = atomic_load_explicit(&s->head, memory_order_acquire);
	for (;;) {
		if (TOP(old) == LF_EMPTY)
			return LF_EMPTY;
		/* may read a next that a concurrent pop-and-push is rewriting: then the head's
		 * generation has moved too, and the CAS below fails and retries */
		uint32_t next = atomic_load_explicit(&s->next[TOP(old)], memory_order_relaxed);
		if (atomic_compare_exchange_weak_explicit(&s->head, &old, NEXT_GEN(old, next),
		                                          memory_order_acquire,
		                                          memory_order_acquire))
			return TOP(old);
		backoff(&spins);
	}
}

void lf_stack_push(struct lf_stack *s, uint32_t slot)
{
	unsigned spins = 1;
	uint64_t old = atomic_load_explicit(&s->head, memory_order_relaxed);
	for (;;) {
		atomic_store_explicit(&s->next[slot], TOP(old), memory_order_relaxed);
		if (atomic_compare_exchange_weak_explicit(&s->head, &old, NEXT_GEN(old, slot),
		                                          memory_order_release,
		                                          memory_order_relaxed))
			return;
		backoff(&spins);
	}
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
