/* cheat: naive but correct: seq_cst everywhere, one shared counter, nothing padded, no backoff
 * naive-seqcst.c: steps/2-treiber.c unchanged. Not a shortcut in its code, a shortcut in its
 * grade: its counts match the reference's (4.90e7 instructions, 0 locks), so only wall time
 * separates it, and natively it is 2.8x slower (issue 16: 100.0, then 90.6, when noise hid
 * that). At 2.8x the wall metric earns 0.27 of its 3 weights, so the honest score is about 81
 * (74 with no wall point). It may score no higher than the top band starts: this needs wall
 * times that noise cannot bend (issue 17).
 * Expected: score at most 85 wall
 */
#include "lockfree.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

static void *must_alloc(size_t size)
{
	void *p = calloc(1, size);
	if (p == NULL) {
		fputs("lockfree: out of memory\n", stderr);
		abort();
	}
	return p;
}

/* {=== counter ===} */
/* changed: one atomic instead of a mutex; every add is a locked read-modify-write */
struct lf_counter {
	_Atomic uint64_t total;
};

struct lf_counter *lf_counter_new(unsigned shards)
{
	(void)shards;
	return must_alloc(sizeof(struct lf_counter));
}

void lf_counter_add(struct lf_counter *c, unsigned shard, uint64_t n)
{
	(void)shard;
	atomic_fetch_add(&c->total, n);
}

uint64_t lf_counter_read(struct lf_counter *c)
{
	return atomic_load(&c->total);
}

void lf_counter_free(struct lf_counter *c)
{
	free(c);
}
/* }=== */

/* {=== maximum ===} */
struct lf_max {
	_Atomic uint64_t value;
};

struct lf_max *lf_max_new(void)
{
	return must_alloc(sizeof(struct lf_max));
}

void lf_max_update(struct lf_max *m, uint64_t v)
{
	/* changed: a CAS loop */
	uint64_t cur = atomic_load(&m->value);
	while (v > cur && !atomic_compare_exchange_weak(&m->value, &cur, v))
		;
}

uint64_t lf_max_read(struct lf_max *m)
{
	return atomic_load(&m->value);
}

void lf_max_free(struct lf_max *m)
{
	free(m);
}
/* }=== */

/* {=== stack ===} */
/* changed: a Treiber stack, generation above the top slot against ABA */
#define TOP(h)           ((uint32_t)(h))
#define NEXT_GEN(h, top) ((((h) >> 32) + 1) << 32 | (top))

struct lf_stack {
	_Atomic uint64_t head;
	_Atomic uint32_t next[];
};

struct lf_stack *lf_stack_new(uint32_t n)
{
	struct lf_stack *s = must_alloc(sizeof *s + (size_t)n * sizeof s->next[0]);
	for (uint32_t i = 0; i < n; i++)
		atomic_init(&s->next[i], i + 1 < n ? i + 1 : LF_EMPTY);
	atomic_init(&s->head, n > 0 ? 0 : LF_EMPTY);
	return s;
}

uint32_t lf_stack_pop(struct lf_stack *s)
{
	uint64_t old = atomic_load(&s->head);
	while (TOP(old) != LF_EMPTY) {
		uint32_t next = atomic_load(&s->next[TOP(old)]);
		if (atomic_compare_exchange_weak(&s->head, &old, NEXT_GEN(old, next)))
			return TOP(old);
	}
	return LF_EMPTY;
}

void lf_stack_push(struct lf_stack *s, uint32_t slot)
{
	uint64_t old = atomic_load(&s->head);
	do
		atomic_store(&s->next[slot], TOP(old));
	while (!atomic_compare_exchange_weak(&s->head, &old, NEXT_GEN(old, slot)));
}

void lf_stack_free(struct lf_stack *s)
{
	free(s);
}
/* }=== */

/* {=== ring ===} */
/* changed: lock-free SPSC, but both indices on one cache line, each read by the other side on
 * every call, every access seq_cst */
struct lf_ring {
	_Atomic size_t head;
	_Atomic size_t tail;
	size_t capacity;
	uint64_t *items;
};

struct lf_ring *lf_ring_new(size_t capacity)
{
	struct lf_ring *r = must_alloc(sizeof *r);
	r->items = must_alloc(capacity * sizeof *r->items);
	r->capacity = capacity;
	return r;
}

int lf_ring_push(struct lf_ring *r, uint64_t item)
{
	size_t t = atomic_load(&r->tail);
	if (t - atomic_load(&r->head) == r->capacity)
		return 0;
	r->items[t % r->capacity] = item;
	atomic_store(&r->tail, t + 1);
	return 1;
}

int lf_ring_pop(struct lf_ring *r, uint64_t *item)
{
	size_t h = atomic_load(&r->head);
	if (h == atomic_load(&r->tail))
		return 0;
	*item = r->items[h % r->capacity];
	atomic_store(&r->head, h + 1);
	return 1;
}

void lf_ring_free(struct lf_ring *r)
{
	free(r->items);
	free(r);
}
/* }=== */
