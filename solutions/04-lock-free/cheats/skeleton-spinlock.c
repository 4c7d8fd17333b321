/* cheat: the skeleton with every pthread mutex replaced by an atomic_flag spinlock
 * skeleton-spinlock.c: the skeleton's mechanism (one lock per structure, taken on every call)
 * hidden from calls.pthread_mutex_lock (issue 16: 72.2, all of the lock metric's points).
 * Caught by the four task::*_is_lock_free tests: a frozen lock holder leaves the others
 * spinning, so performance earns nothing.
 * Expected: score below partial_band
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

/* cheat: a spinlock where the skeleton has a mutex; the lock budget counts pthread_mutex_lock */
static void spin_lock(atomic_flag *f)
{
	while (atomic_flag_test_and_set_explicit(f, memory_order_acquire))
		__builtin_ia32_pause();
}

static void spin_unlock(atomic_flag *f)
{
	atomic_flag_clear_explicit(f, memory_order_release);
}

/* {=== counter ===} */
/* TODO: make this faster; keep the signatures */
struct lf_counter {
	atomic_flag lock;
	uint64_t total;
};

struct lf_counter *lf_counter_new(unsigned shards)
{
	(void)shards;
	struct lf_counter *c = must_alloc(sizeof *c);
	atomic_flag_clear(&c->lock);
	return c;
}

void lf_counter_add(struct lf_counter *c, unsigned shard, uint64_t n)
{
	(void)shard;
	spin_lock(&c->lock);
	c->total += n;
	spin_unlock(&c->lock);
}

uint64_t lf_counter_read(struct lf_counter *c)
{
	spin_lock(&c->lock);
	uint64_t total = c->total;
	spin_unlock(&c->lock);
	return total;
}

void lf_counter_free(struct lf_counter *c)
{
	free(c);
}
/* }=== */

/* {=== maximum ===} */
/* TODO: make this faster; keep the signatures */
struct lf_max {
	atomic_flag lock;
	uint64_t value;
};

struct lf_max *lf_max_new(void)
{
	struct lf_max *m = must_alloc(sizeof *m);
	atomic_flag_clear(&m->lock);
	return m;
}

void lf_max_update(struct lf_max *m, uint64_t v)
{
	spin_lock(&m->lock);
	if (v > m->value)
		m->value = v;
	spin_unlock(&m->lock);
}

uint64_t lf_max_read(struct lf_max *m)
{
	spin_lock(&m->lock);
	uint64_t v = m->value;
	spin_unlock(&m->lock);
	return v;
}

void lf_max_free(struct lf_max *m)
{
	free(m);
}
/* }=== */

/* {=== stack ===} */
/* TODO: make this faster; keep the signatures */
struct lf_stack {
	atomic_flag lock;
	uint32_t *slots; /* slots[0..top) are free */
	uint32_t top;
};

struct lf_stack *lf_stack_new(uint32_t n)
{
	struct lf_stack *s = must_alloc(sizeof *s);
	atomic_flag_clear(&s->lock);
	s->slots = must_alloc((n ? n : 1) * sizeof *s->slots);
	for (uint32_t i = 0; i < n; i++)
		s->slots[i] = n - 1 - i; /* slot 0 on top */
	s->top = n;
	return s;
}

uint32_t lf_stack_pop(struct lf_stack *s)
{
	spin_lock(&s->lock);
	uint32_t slot = s->top > 0 ? s->slots[--s->top] : LF_EMPTY;
	spin_unlock(&s->lock);
	return slot;
}

void lf_stack_push(struct lf_stack *s, uint32_t slot)
{
	spin_lock(&s->lock);
	s->slots[s->top++] = slot;
	spin_unlock(&s->lock);
}

void lf_stack_free(struct lf_stack *s)
{
	free(s->slots);
	free(s);
}
/* }=== */

/* {=== ring ===} */
/* TODO: make this faster; keep the signatures */
struct lf_ring {
	atomic_flag lock;
	uint64_t *items;
	size_t capacity;
	size_t head; /* items taken so far */
	size_t tail; /* items added so far */
};

struct lf_ring *lf_ring_new(size_t capacity)
{
	struct lf_ring *r = must_alloc(sizeof *r);
	atomic_flag_clear(&r->lock);
	r->items = must_alloc(capacity * sizeof *r->items);
	r->capacity = capacity;
	return r;
}

int lf_ring_push(struct lf_ring *r, uint64_t item)
{
	int ok = 0;
	spin_lock(&r->lock);
	if (r->tail - r->head < r->capacity) {
		r->items[r->tail % r->capacity] = item;
		r->tail++;
		ok = 1;
	}
	spin_unlock(&r->lock);
	return ok;
}

int lf_ring_pop(struct lf_ring *r, uint64_t *item)
{
	int ok = 0;
	spin_lock(&r->lock);
	if (r->head != r->tail) {
		*item = r->items[r->head % r->capacity];
		r->head++;
		ok = 1;
	}
	spin_unlock(&r->lock);
	return ok;
}

void lf_ring_free(struct lf_ring *r)
{
	free(r->items);
	free(r);
}
/* }=== */
