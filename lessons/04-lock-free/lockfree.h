/* lockfree.h: the four shared structures of a metrics pipeline: a sharded counter, a running
 * maximum, a free list of message slots (a stack) and a single-producer single-consumer ring.
 * The API contract of lesson 04: the student file lockfree.c implements it; do not edit this
 * file. Every object is opaque, so its memory layout (padding, alignment) is the student's. */
#ifndef LOCKFREE_H
#define LOCKFREE_H

#include <stddef.h>
#include <stdint.h>

/* {=== counter: many threads add, anyone reads ===} */
struct lf_counter;

/* A counter at 0 with shards shards (1..1024): each adding thread names its own shard. Aborts
 * with a message on stderr if memory runs out. Free with lf_counter_free. */
struct lf_counter *lf_counter_new(unsigned shards);

/* Adds n. shard < shards; at most one thread adds to one shard at a time, any number of
 * threads add to different shards at once. */
void lf_counter_add(struct lf_counter *c, unsigned shard, uint64_t n);

/* The sum of every add that happened before this call (for example, of threads joined since);
 * while adds run concurrently, some value between the sums before and after them. */
uint64_t lf_counter_read(struct lf_counter *c);

void lf_counter_free(struct lf_counter *c);
/* }=== */

/* {=== maximum: many threads update, anyone reads ===} */
struct lf_max;

/* A maximum at 0. Aborts on out of memory. Free with lf_max_free. */
struct lf_max *lf_max_new(void);

/* Raises the maximum to v if v is larger. Any number of threads may update at once. */
void lf_max_update(struct lf_max *m, uint64_t v);

/* The largest value any update that happened before this call offered (0 if none). */
uint64_t lf_max_read(struct lf_max *m);

void lf_max_free(struct lf_max *m);
/* }=== */

/* {=== stack: a free list of slot numbers, any number of threads push and pop ===} */
struct lf_stack;

#define LF_EMPTY UINT32_MAX

/* A stack holding the n free slots 0..n-1 (n < 2^31), in any order. Aborts on out of memory.
 * Free with lf_stack_free. */
struct lf_stack *lf_stack_new(uint32_t n);

/* Takes a slot off the stack and returns it, or LF_EMPTY when the stack is empty. A slot is
 * never returned to two callers without a push in between. */
uint32_t lf_stack_pop(struct lf_stack *s);

/* Gives back a slot that lf_stack_pop returned to this caller. Everything the caller wrote to
 * the slot's data before the push is visible to whoever pops it next. */
void lf_stack_push(struct lf_stack *s, uint32_t slot);

void lf_stack_free(struct lf_stack *s);
/* }=== */

/* {=== ring: one producer thread, one consumer thread ===} */
struct lf_ring;

/* An empty ring that holds up to capacity items (a power of two, 2..2^30). Aborts on out of
 * memory. Free with lf_ring_free. */
struct lf_ring *lf_ring_new(size_t capacity);

/* Producer only: appends item and returns 1, or returns 0 at once when the ring is full. */
int lf_ring_push(struct lf_ring *r, uint64_t item);

/* Consumer only: takes the oldest item into *item and returns 1, or returns 0 at once when the
 * ring is empty. Items come out in the order they went in, each exactly once; everything the
 * producer wrote before pushing an item is visible to the consumer once it has popped it. */
int lf_ring_pop(struct lf_ring *r, uint64_t *item);

void lf_ring_free(struct lf_ring *r);
/* }=== */

#endif
