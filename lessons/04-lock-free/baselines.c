/* baselines.c: `make baselines LESSON=04`: the reference's SPSC ring beside Concurrency Kit's
 * ck_ring (libck-dev) and a mutex + condition-variable queue, producer and consumer pinned to
 * two CPUs, in one run; then the steps between them (seq_cst, padding, cached indices) and the
 * counters and stacks of the lesson under the same threads. Prints the Markdown tables the
 * README quotes. Every variant but the reference's is written here, course-owned. */
#include <ck_ring.h>
#include <pthread.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lockfree.h"
#include "pipeline.h"

#define RUNS 5
#define CAP  PIPELINE_RING_CAPACITY

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* {=== rings: every variant behind push/pop that return 0 when full/empty ===} */
struct ring_ops {
	const char *name;
	void *(*make)(void);
	int (*push)(void *, uint64_t);
	int (*pop)(void *, uint64_t *);
	void (*drop)(void *);
};

static void *ref_make(void)
{
	return lf_ring_new(CAP);
}
static int ref_push(void *r, uint64_t v)
{
	return lf_ring_push(r, v);
}
static int ref_pop(void *r, uint64_t *v)
{
	return lf_ring_pop(r, v);
}
static void ref_drop(void *r)
{
	lf_ring_free(r);
}

struct ck {
	ck_ring_t ring;
	ck_ring_buffer_t buf[CAP];
};
static void *ck_make(void)
{
	struct ck *c = aligned_alloc(64, sizeof(struct ck));
	ck_ring_init(&c->ring, CAP);
	return c;
}
static int ck_push(void *p, uint64_t v)
{
	struct ck *c = p;
	return ck_ring_enqueue_spsc(&c->ring, c->buf, (void *)(uintptr_t)v);
}
static int ck_pop(void *p, uint64_t *v)
{
	struct ck *c = p;
	void *item;
	if (!ck_ring_dequeue_spsc(&c->ring, c->buf, &item))
		return 0;
	*v = (uintptr_t)item;
	return 1;
}

/* The textbook blocking queue: one mutex, "not full" and "not empty" condition variables. */
struct mq {
	pthread_mutex_t lock;
	pthread_cond_t not_full, not_empty;
	size_t head, tail;
	uint64_t items[CAP];
};
static void *mq_make(void)
{
	struct mq *q = calloc(1, sizeof *q);
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->not_full, NULL);
	pthread_cond_init(&q->not_empty, NULL);
	return q;
}
static int mq_push(void *p, uint64_t v)
{
	struct mq *q = p;
	pthread_mutex_lock(&q->lock);
	while (q->tail - q->head == CAP)
		pthread_cond_wait(&q->not_full, &q->lock);
	q->items[q->tail++ % CAP] = v;
	pthread_cond_signal(&q->not_empty);
	pthread_mutex_unlock(&q->lock);
	return 1;
}
static int mq_pop(void *p, uint64_t *v)
{
	struct mq *q = p;
	pthread_mutex_lock(&q->lock);
	while (q->tail == q->head)
		pthread_cond_wait(&q->not_empty, &q->lock);
	*v = q->items[q->head++ % CAP];
	pthread_cond_signal(&q->not_full);
	pthread_mutex_unlock(&q->lock);
	return 1;
}

/* The steps between: indices on one line, seq_cst, no cached copy (partial's ring) ... */
struct naive {
	_Atomic size_t head, tail;
	uint64_t items[CAP];
};
static void *naive_make(void)
{
	void *p = aligned_alloc(64, sizeof(struct naive));
	return memset(p, 0, sizeof(struct naive));
}
static int seq_push(void *p, uint64_t v)
{
	struct naive *r = p;
	size_t t = atomic_load(&r->tail);
	if (t - atomic_load(&r->head) == CAP)
		return 0;
	r->items[t % CAP] = v;
	atomic_store(&r->tail, t + 1);
	return 1;
}
static int seq_pop(void *p, uint64_t *v)
{
	struct naive *r = p;
	size_t h = atomic_load(&r->head);
	if (h == atomic_load(&r->tail))
		return 0;
	*v = r->items[h % CAP];
	atomic_store(&r->head, h + 1);
	return 1;
}
/* ... the same with acquire/release ... */
static int acq_push(void *p, uint64_t v)
{
	struct naive *r = p;
	size_t t = atomic_load_explicit(&r->tail, memory_order_relaxed);
	if (t - atomic_load_explicit(&r->head, memory_order_acquire) == CAP)
		return 0;
	r->items[t % CAP] = v;
	atomic_store_explicit(&r->tail, t + 1, memory_order_release);
	return 1;
}
static int acq_pop(void *p, uint64_t *v)
{
	struct naive *r = p;
	size_t h = atomic_load_explicit(&r->head, memory_order_relaxed);
	if (h == atomic_load_explicit(&r->tail, memory_order_acquire))
		return 0;
	*v = r->items[h % CAP];
	atomic_store_explicit(&r->head, h + 1, memory_order_release);
	return 1;
}
/* ... and acquire/release with the indices on separate lines, still no cached copy. */
struct padded {
	alignas(64) _Atomic size_t head;
	alignas(64) _Atomic size_t tail;
	alignas(64) uint64_t items[CAP];
};
static void *padded_make(void)
{
	void *p = aligned_alloc(64, sizeof(struct padded));
	return memset(p, 0, sizeof(struct padded));
}
static int pad_push(void *p, uint64_t v)
{
	struct padded *r = p;
	size_t t = atomic_load_explicit(&r->tail, memory_order_relaxed);
	if (t - atomic_load_explicit(&r->head, memory_order_acquire) == CAP)
		return 0;
	r->items[t % CAP] = v;
	atomic_store_explicit(&r->tail, t + 1, memory_order_release);
	return 1;
}
static int pad_pop(void *p, uint64_t *v)
{
	struct padded *r = p;
	size_t h = atomic_load_explicit(&r->head, memory_order_relaxed);
	if (h == atomic_load_explicit(&r->tail, memory_order_acquire))
		return 0;
	*v = r->items[h % CAP];
	atomic_store_explicit(&r->head, h + 1, memory_order_release);
	return 1;
}

static const struct ring_ops rings[] = {
    {"`lf_ring`, reference: padded, acquire/release, cached indices", ref_make, ref_push, ref_pop,
     ref_drop},
    {"Concurrency Kit `ck_ring` SPSC", ck_make, ck_push, ck_pop, free},
    {"mutex + two condition variables, blocking", mq_make, mq_push, mq_pop, free},
    {"seq_cst, head and tail on one line, no cache (`partial`)", naive_make, seq_push, seq_pop,
     free},
    {"acquire/release, one line, no cache", naive_make, acq_push, acq_pop, free},
    {"acquire/release, padded, no cache", padded_make, pad_push, pad_pop, free},
};
#define N_RINGS (sizeof rings / sizeof rings[0])

struct ring_side {
	const struct ring_ops *ops;
	void *ring;
	size_t n;
	int consumer;
	uint64_t sum;
};

static void *ring_side(void *arg)
{
	struct ring_side *s = arg;
	uint64_t v, sum = 0;
	for (size_t i = 0; i < s->n; i++) {
		unsigned failures = 0;
		if (s->consumer) {
			while (!s->ops->pop(s->ring, &v))
				pipeline_wait(&failures);
			sum += v;
		} else {
			while (!s->ops->push(s->ring, i + 1))
				pipeline_wait(&failures);
		}
	}
	s->sum = sum;
	return NULL;
}

/* Seconds to move n items from a producer on the first CPU to a consumer on the second. */
static double time_ring(const struct ring_ops *ops, size_t n)
{
	void *ring = ops->make();
	struct ring_side sides[2] = {{ops, ring, n, 0, 0}, {ops, ring, n, 1, 0}};
	double start = now_s();
	pipeline_run_threads(2, ring_side, sides, sizeof sides[0]);
	double s = now_s() - start;
	if (sides[1].sum != (uint64_t)n * (n + 1) / 2) {
		fprintf(stderr, "baselines: %s lost or repeated items\n", ops->name);
		exit(1);
	}
	ops->drop(ring);
	return s;
}
/* }=== */

/* {=== counters and stacks: ns per operation on `workers` threads ===} */
enum kind {
	MUTEX_COUNTER,
	ATOMIC_COUNTER,
	SHARDS_UNPADDED,
	SHARDS_PADDED,
	MUTEX_STACK,
	TREIBER_NO_BACKOFF,
	TREIBER_REFERENCE
};

static const char *const kind_names[] = {
    "counter: one mutex (the skeleton)",
    "counter: one atomic, `atomic_fetch_add` (`partial`)",
    "counter: a shard per thread, shards adjacent (false sharing)",
    "counter: a shard per thread, one cache line each (reference)",
    "stack: one mutex (the skeleton)",
    "stack: Treiber, generation-tagged, no backoff (`steps/2-treiber`)",
    "stack: Treiber, generation-tagged, backoff (reference)",
};

struct shared {
	pthread_mutex_t lock;
	uint64_t total;
	_Atomic uint64_t atomic_total;
	_Atomic uint64_t adjacent[PIPELINE_MAX_WORKERS];
	struct lf_counter *padded;
	struct lf_stack *stack; /* the reference's */
	_Atomic uint64_t treiber_head;
	_Atomic uint32_t treiber_next[PIPELINE_POOL_SLOTS];
	uint32_t mutex_slots[PIPELINE_POOL_SLOTS], mutex_top;
};

struct worker {
	struct shared *s;
	enum kind kind;
	unsigned id;
	size_t ops;
};

static uint32_t treiber_pop(struct shared *s)
{
	uint64_t old = atomic_load(&s->treiber_head);
	while ((uint32_t)old != LF_EMPTY) {
		uint32_t next = atomic_load(&s->treiber_next[(uint32_t)old]);
		if (atomic_compare_exchange_weak(&s->treiber_head, &old,
		                                 ((old >> 32) + 1) << 32 | next))
			return (uint32_t)old;
	}
	return LF_EMPTY;
}

static void treiber_push(struct shared *s, uint32_t slot)
{
	uint64_t old = atomic_load(&s->treiber_head);
	do
		atomic_store(&s->treiber_next[slot], (uint32_t)old);
	while (
	    !atomic_compare_exchange_weak(&s->treiber_head, &old, ((old >> 32) + 1) << 32 | slot));
}

static void *worker(void *arg)
{
	struct worker *w = arg;
	struct shared *s = w->s;
	for (size_t i = 0; i < w->ops; i++) {
		uint32_t slot;
		switch (w->kind) {
		case MUTEX_COUNTER:
			pthread_mutex_lock(&s->lock);
			s->total += i;
			pthread_mutex_unlock(&s->lock);
			break;
		case ATOMIC_COUNTER:
			atomic_fetch_add(&s->atomic_total, i);
			break;
		case SHARDS_UNPADDED:
			atomic_store_explicit(
			    &s->adjacent[w->id],
			    atomic_load_explicit(&s->adjacent[w->id], memory_order_relaxed) + i,
			    memory_order_relaxed);
			break;
		case SHARDS_PADDED:
			lf_counter_add(s->padded, w->id, i);
			break;
		case MUTEX_STACK:
			pthread_mutex_lock(&s->lock);
			slot = s->mutex_slots[--s->mutex_top];
			pthread_mutex_unlock(&s->lock);
			pthread_mutex_lock(&s->lock);
			s->mutex_slots[s->mutex_top++] = slot;
			pthread_mutex_unlock(&s->lock);
			break;
		case TREIBER_NO_BACKOFF:
			treiber_push(s, treiber_pop(s));
			break;
		case TREIBER_REFERENCE:
			lf_stack_push(s->stack, lf_stack_pop(s->stack));
			break;
		}
	}
	return NULL;
}

/* ns per operation (per thread: each of workers threads does ops of them). */
static double time_kind(enum kind kind, unsigned workers, size_t ops)
{
	static struct shared s;
	memset(&s, 0, sizeof s);
	pthread_mutex_init(&s.lock, NULL);
	s.padded = lf_counter_new(workers);
	s.stack = lf_stack_new(PIPELINE_POOL_SLOTS);
	for (uint32_t i = 0; i < PIPELINE_POOL_SLOTS; i++) {
		s.mutex_slots[i] = i;
		atomic_init(&s.treiber_next[i], i + 1 < PIPELINE_POOL_SLOTS ? i + 1 : LF_EMPTY);
	}
	s.mutex_top = PIPELINE_POOL_SLOTS;
	struct worker w[PIPELINE_MAX_WORKERS];
	for (unsigned i = 0; i < workers; i++)
		w[i] = (struct worker){&s, kind, i, ops};
	double start = now_s();
	pipeline_run_threads(workers, worker, w, sizeof w[0]);
	double sec = now_s() - start;
	lf_counter_free(s.padded);
	lf_stack_free(s.stack);
	return sec * 1e9 / ops;
}
/* }=== */

int main(int argc, char **argv)
{
	size_t samples = 0;
	unsigned workers = 2;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--samples"))
			samples = strtoull(argv[i + 1], NULL, 10);
		else if (!strcmp(argv[i], "--workers"))
			workers = (unsigned)strtoul(argv[i + 1], NULL, 10);
	}
	if (samples == 0 || workers < 1 || workers > PIPELINE_MAX_WORKERS) {
		fputs("usage: baselines --samples N [--workers W] (other lesson args ignored)\n",
		      stderr);
		return 2;
	}
	size_t items = samples * 8;
	double t[N_RINGS][RUNS], median[N_RINGS];
	for (int r = 0; r < RUNS; r++) /* interleaved: a slow moment hits every row alike */
		for (size_t k = 0; k < N_RINGS; k++)
			t[k][r] = time_ring(&rings[k], items);
	for (size_t k = 0; k < N_RINGS; k++) {
		qsort(t[k], RUNS, sizeof t[k][0], by_value);
		median[k] = t[k][RUNS / 2];
	}
	printf(
	    "| SPSC queue, 2 pinned threads | median M items/s | min-max M items/s | vs `ck_ring` "
	    "| vs the mutex queue |\n|---|---|---|---|---|\n");
	for (size_t k = 0; k < N_RINGS; k++)
		printf("| %zu. %s | %.1f | %.1f-%.1f | %.2fx | %.1fx |\n", k + 1, rings[k].name,
		       items / median[k] / 1e6, items / t[k][RUNS - 1] / 1e6, items / t[k][0] / 1e6,
		       median[1] / median[k], median[2] / median[k]);
	printf("\n%zu items per run, capacity %d, median of %d interleaved runs\n\n", items, CAP,
	       RUNS);

	enum { KINDS = sizeof kind_names / sizeof kind_names[0] };
	double ns[KINDS][RUNS];
	size_t ops = samples;
	for (int r = 0; r < RUNS; r++)
		for (int k = 0; k < KINDS; k++)
			ns[k][r] = time_kind((enum kind)k, workers, ops);
	printf("| %u threads, each %zu operations | median ns per operation per thread |\n"
	       "|---|---|\n",
	       workers, ops);
	for (int k = 0; k < KINDS; k++) {
		qsort(ns[k], RUNS, sizeof ns[k][0], by_value);
		printf("| %s | %.1f |\n", kind_names[k], ns[k][RUNS / 2]);
	}
	printf("\nstack: one pop and one push per operation, %d slots\n", PIPELINE_POOL_SLOTS);
	return 0;
}
