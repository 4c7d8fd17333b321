/* pipeline.c: lesson 04's workload (pipeline.h): seeded samples, the three stages, the threads
 * that run them. Course-owned: the same for every student, built as its own object. */
#include "pipeline.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench_input.h"
#include "lockfree.h"
#include "prng.h"

void pipeline_input_make(struct pipeline_input *in, size_t n, uint64_t seed)
{
	struct prng g;
	prng_seed(&g, seed);
	in->n = n;
	in->map_size = (n ? n : 1) * sizeof *in->samples;
	in->samples = bench_input_alloc(in->map_size);
	for (size_t i = 0; i < n; i++) {
		/* most requests take 20-80 us; one in 64 is slow, up to 64x slower */
		uint64_t r = prng_next(&g), v = 20000 + (r & 0xffff) % 60000;
		in->samples[i] = (r >> 58) == 0 ? v * (1 + ((r >> 16) & 63)) : v;
	}
}

void pipeline_input_free(struct pipeline_input *in)
{
	bench_input_free(in->samples, in->map_size);
	*in = (struct pipeline_input){0};
}

void pipeline_wait(unsigned *failures)
{
	if (++*failures < 256)
		__builtin_ia32_pause();
	else
		sched_yield();
}

void pipeline_run_threads(unsigned n, void *(*fn)(void *), void *arg, size_t arg_size)
{
	pthread_t tid[PIPELINE_MAX_WORKERS];
	cpu_set_t allowed;
	int ncpu = sched_getaffinity(0, sizeof allowed, &allowed) == 0 ? CPU_COUNT(&allowed) : 0;
	for (unsigned i = 0; i < n; i++) {
		pthread_attr_t attr;
		pthread_attr_init(&attr);
		if (ncpu > 0) { /* thread i on the (i mod ncpu)-th CPU this process may use */
			cpu_set_t one;
			CPU_ZERO(&one);
			for (int c = 0, seen = 0; c < CPU_SETSIZE; c++)
				if (CPU_ISSET(c, &allowed) && seen++ == (int)(i % (unsigned)ncpu)) {
					CPU_SET(c, &one);
					break;
				}
			pthread_attr_setaffinity_np(&attr, sizeof one, &one);
		}
		void *a = (char *)arg + i * arg_size;
		if (pthread_create(&tid[i], &attr, fn, a) != 0 &&
		    pthread_create(&tid[i], NULL, fn, a) != 0) { /* pinning refused: unpinned */
			fputs("pipeline: cannot create a thread\n", stderr);
			abort();
		}
		pthread_attr_destroy(&attr);
	}
	for (unsigned i = 0; i < n; i++)
		pthread_join(tid[i], NULL);
}

/* {=== stage 1: counter and maximum ===} */
struct count_job {
	struct lf_counter *counter;
	struct lf_max *max;
	const uint64_t *samples;
	size_t n;
	unsigned shard;
};

static void *count_worker(void *arg)
{
	struct count_job *j = arg;
	for (size_t i = 0; i < j->n; i++) {
		lf_counter_add(j->counter, j->shard, j->samples[i]);
		lf_max_update(j->max, j->samples[i]);
	}
	return NULL;
}

void pipeline_count(const struct pipeline_input *in, unsigned workers, int threaded,
                    struct pipeline_result *out)
{
	struct count_job jobs[PIPELINE_MAX_WORKERS];
	struct lf_counter *c = lf_counter_new(workers);
	struct lf_max *m = lf_max_new();
	for (unsigned w = 0; w < workers; w++) /* static partitioning: no queue, no sharing */
		jobs[w] = (struct count_job){c, m, in->samples + in->n * w / workers,
		                             in->n * (w + 1) / workers - in->n * w / workers, w};
	if (threaded)
		pipeline_run_threads(workers, count_worker, jobs, sizeof jobs[0]);
	else
		for (unsigned w = 0; w < workers; w++)
			count_worker(&jobs[w]);
	out->count_sum = lf_counter_read(c);
	out->count_max = lf_max_read(m);
	lf_counter_free(c);
	lf_max_free(m);
}
/* }=== */

/* {=== stage 2: a pool of message slots on a free list ===} */
/* A message slot: one cache line, so that two workers holding two slots share nothing. */
struct slot {
	_Alignas(64) _Atomic unsigned owner; /* worker + 1 holding the slot, 0: none */
	uint64_t data[7];                    /* plain memory: the stack orders it */
};

struct pool {
	struct lf_stack *free_slots;
	struct slot slots[PIPELINE_POOL_SLOTS];
};

struct pool_job {
	struct pool *pool;
	unsigned id;
	size_t ops;
	uint64_t done, errors;
};

static void *pool_worker(void *arg)
{
	struct pool_job *j = arg;
	struct pool *p = j->pool;
	uint64_t done = 0, errors = 0; /* locals: the jobs share cache lines */
	for (size_t i = 0; i < j->ops; i++) {
		unsigned failures = 0;
		uint32_t slot;
		while ((slot = lf_stack_pop(p->free_slots)) == LF_EMPTY)
			pipeline_wait(&failures);
		if (slot >= PIPELINE_POOL_SLOTS) {
			errors++;
			break;
		}
		uint64_t stamp = (uint64_t)j->id << 40 | i;
		struct slot *s = &p->slots[slot];
		errors += atomic_exchange_explicit(&s->owner, j->id + 1, memory_order_relaxed) != 0;
		s->data[0] = stamp; /* the message */
		errors += s->data[0] != stamp;
		atomic_store_explicit(&s->owner, 0, memory_order_relaxed);
		lf_stack_push(p->free_slots, slot);
		done++;
	}
	j->done = done;
	j->errors = errors;
	return NULL;
}

void pipeline_pool(unsigned workers, size_t ops, int threaded, struct pipeline_result *out)
{
	static struct pool p;
	struct pool_job jobs[PIPELINE_MAX_WORKERS];
	p.free_slots = lf_stack_new(PIPELINE_POOL_SLOTS);
	for (unsigned s = 0; s < PIPELINE_POOL_SLOTS; s++)
		atomic_init(&p.slots[s].owner, 0);
	for (unsigned w = 0; w < workers; w++)
		jobs[w] =
		    (struct pool_job){&p, w, ops * (w + 1) / workers - ops * w / workers, 0, 0};
	if (threaded)
		pipeline_run_threads(workers, pool_worker, jobs, sizeof jobs[0]);
	else
		for (unsigned w = 0; w < workers; w++)
			pool_worker(&jobs[w]);
	out->pool_ops = out->pool_errors = 0;
	for (unsigned w = 0; w < workers; w++) {
		out->pool_ops += jobs[w].done;
		out->pool_errors += jobs[w].errors;
	}
	/* every slot must be back on the stack, exactly once */
	uint8_t seen[PIPELINE_POOL_SLOTS] = {0};
	for (unsigned s = 0; s <= PIPELINE_POOL_SLOTS; s++) {
		uint32_t slot = lf_stack_pop(p.free_slots);
		if (slot == LF_EMPTY) {
			out->pool_errors += s != PIPELINE_POOL_SLOTS;
			break;
		}
		out->pool_errors += slot >= PIPELINE_POOL_SLOTS || seen[slot]++;
		if (slot >= PIPELINE_POOL_SLOTS || s == PIPELINE_POOL_SLOTS)
			break;
	}
	lf_stack_free(p.free_slots);
}
/* }=== */

/* {=== stage 3: producer and consumer on a ring ===} */
struct ring_job {
	struct lf_ring *ring;
	const struct pipeline_input *in;
	uint64_t items, hash;
};

static void *producer(void *arg)
{
	struct ring_job *j = arg;
	for (size_t i = 0; i < j->in->n; i++) {
		unsigned failures = 0;
		while (!lf_ring_push(j->ring, j->in->samples[i]))
			pipeline_wait(&failures);
	}
	return NULL;
}

static void *consumer(void *arg)
{
	struct ring_job *j = arg;
	uint64_t h = 0, v;
	for (size_t i = 0; i < j->in->n; i++) {
		unsigned failures = 0;
		while (!lf_ring_pop(j->ring, &v))
			pipeline_wait(&failures);
		h = pipeline_hash(h, v);
	}
	j->items = j->in->n;
	j->hash = h;
	return NULL;
}

static void *ring_side(void *arg)
{
	struct ring_job *j = arg;
	return j[0].in == NULL ? consumer(j - 1) : producer(j);
}

void pipeline_ring(const struct pipeline_input *in, size_t capacity, int threaded,
                   struct pipeline_result *out)
{
	struct lf_ring *r = lf_ring_new(capacity);
	/* jobs[0] is the producer's, jobs[1] (in == NULL) says "consumer of jobs[0]" */
	struct ring_job jobs[2] = {{r, in, 0, 0}, {r, NULL, 0, 0}};
	if (threaded) {
		pipeline_run_threads(2, ring_side, jobs, sizeof jobs[0]);
	} else {
		uint64_t h = 0, v;
		size_t pushed = 0, taken = 0;
		for (size_t moved = 1; taken < in->n && moved > 0;) { /* fill, then drain */
			moved = 0;
			for (; pushed < in->n && lf_ring_push(r, in->samples[pushed]); moved++)
				pushed++;
			for (; lf_ring_pop(r, &v); moved++) {
				h = pipeline_hash(h, v);
				taken++;
			}
		}
		jobs[0].items = taken;
		jobs[0].hash = h;
	}
	out->ring_items = jobs[0].items;
	out->ring_hash = jobs[0].hash;
	lf_ring_free(r);
}
/* }=== */
