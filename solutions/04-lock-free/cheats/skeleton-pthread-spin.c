/* cheat: the skeleton with pthread_spin_lock, a lock family the lock budget does not count
 * skeleton-pthread-spin.c: the same for sem_wait, pthread_cond_wait or a futex through
 * syscall(): [checks] allow_symbols in lesson.ini lists what a submission may call, and none
 * of these is on it, so the grader refuses the file before it runs anything.
 * Expected: status refused /pthread_spin/
 */
#include "lockfree.h"

#include <pthread.h>
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
/* TODO: make this faster; keep the signatures */
struct lf_counter {
	pthread_spinlock_t lock;
	uint64_t total;
};

struct lf_counter *lf_counter_new(unsigned shards)
{
	(void)shards;
	struct lf_counter *c = must_alloc(sizeof *c);
	pthread_spin_init(&c->lock, PTHREAD_PROCESS_PRIVATE);
	return c;
}

void lf_counter_add(struct lf_counter *c, unsigned shard, uint64_t n)
{
	(void)shard;
	pthread_spin_lock(&c->lock);
	c->total += n;
	pthread_spin_unlock(&c->lock);
}

uint64_t lf_counter_read(struct lf_counter *c)
{
	pthread_spin_lock(&c->lock);
	uint64_t total = c->total;
	pthread_spin_unlock(&c->lock);
	return total;
}

void lf_counter_free(struct lf_counter *c)
{
	pthread_spin_destroy(&c->lock);
	free(c);
}
/* }=== */

/* {=== maximum ===} */
/* TODO: make this faster; keep the signatures */
struct lf_max {
	pthread_spinlock_t lock;
	uint64_t value;
};

struct lf_max *lf_max_new(void)
{
	struct lf_max *m = must_alloc(sizeof *m);
	pthread_spin_init(&m->lock, PTHREAD_PROCESS_PRIVATE);
	return m;
}

void lf_max_update(struct lf_max *m, uint64_t v)
{
	pthread_spin_lock(&m->lock);
	if (v > m->value)
		m->value = v;
	pthread_spin_unlock(&m->lock);
}

uint64_t lf_max_read(struct lf_max *m)
{
	pthread_spin_lock(&m->lock);
	uint64_t v = m->value;
	pthread_spin_unlock(&m->lock);
	return v;
}

void lf_max_free(struct lf_max *m)
{
	pthread_spin_destroy(&m->lock);
	free(m);
}
/* }=== */

/* {=== stack ===} */
/* TODO: make this faster; keep the signatures */
struct lf_stack {
	pthread_spinlock_t lock;
	uint32_t *slots; /* slots[0..top) are free */
	uint32_t top;
};

struct lf_stack *lf_stack_new(uint32_t n)
{
	struct lf_stack *s = must_alloc(sizeof *s);
	pthread_spin_init(&s->lock, PTHREAD_PROCESS_PRIVATE);
	s->slots = must_alloc((n ? n : 1) * sizeof *s->slots);
	for (uint32_t i = 0; i < n; i++)
		s->slots[i] = n - 1 - i; /* slot 0 on top */
	s->top = n;
	return s;
}

uint32_t lf_stack_pop(struct lf_stack *s)
{
	pthread_spin_lock(&s->lock);
	uint32_t slot = s->top > 0 ? s->slots[--s->top] : LF_EMPTY;
	pthread_spin_unlock(&s->lock);
	return slot;
}

void lf_stack_push(struct lf_stack *s, uint32_t slot)
{
	pthread_spin_lock(&s->lock);
	s->slots[s->top++] = slot;
	pthread_spin_unlock(&s->lock);
}

void lf_stack_free(struct lf_stack *s)
{
	pthread_spin_destroy(&s->lock);
	free(s->slots);
	free(s);
}
/* }=== */

/* {=== ring ===} */
/* TODO: make this faster; keep the signatures */
struct lf_ring {
	pthread_spinlock_t lock;
	uint64_t *items;
	size_t capacity;
	size_t head; /* items taken so far */
	size_t tail; /* items added so far */
};

struct lf_ring *lf_ring_new(size_t capacity)
{
	struct lf_ring *r = must_alloc(sizeof *r);
	pthread_spin_init(&r->lock, PTHREAD_PROCESS_PRIVATE);
	r->items = must_alloc(capacity * sizeof *r->items);
	r->capacity = capacity;
	return r;
}

int lf_ring_push(struct lf_ring *r, uint64_t item)
{
	int ok = 0;
	pthread_spin_lock(&r->lock);
	if (r->tail - r->head < r->capacity) {
		r->items[r->tail % r->capacity] = item;
		r->tail++;
		ok = 1;
	}
	pthread_spin_unlock(&r->lock);
	return ok;
}

int lf_ring_pop(struct lf_ring *r, uint64_t *item)
{
	int ok = 0;
	pthread_spin_lock(&r->lock);
	if (r->head != r->tail) {
		*item = r->items[r->head % r->capacity];
		r->head++;
		ok = 1;
	}
	pthread_spin_unlock(&r->lock);
	return ok;
}

void lf_ring_free(struct lf_ring *r)
{
	pthread_spin_destroy(&r->lock);
	free(r->items);
	free(r);
}
/* }=== */
