/* cheat: no collector and no allocation: static tables, heap.allocated raised by hand
 * Expected: status tests_failed /made 0 collected heaps|heap holds 0 bytes|grew by 0 bytes/
 *
 * Built for the workload: 512 keys, bodies up to 16 KiB, one cache. It scored 100.0 (no
 * allocation, no collection, no peak heap) while the heap test read heap.allocated, which this
 * file raises by hand. It is also wrong: a body over 16 KiB is digested only in part, a second
 * cache shares the first one's tables, and key 4000 of a 4096-key cache writes past them (ASan).
 * Now the tests read the collector's books (gc_audit.h): nothing was ever on the heap, and a
 * collection between two calls leaves none of the documents' bytes. */
#include "doccache.h"

#include <stdint.h>
#include <string.h>

#include "doc_body.h"

#define MAX_KEYS 4000  /* 64,000 bytes of records: just under [checks] max_static_bytes */
#define MAX_BODY 16384 /* the workload's largest body */

struct record {
	uint64_t digest;
	uint16_t version, hits;
	uint32_t last;
};

struct doccache {
	struct gc_heap heap;
	struct doccache_config cfg;
};

static struct doccache the_cache;
static struct record rec[MAX_KEYS];

size_t doccache_goal(size_t live, const struct doccache_config *cfg)
{
	size_t goal = SIZE_MAX;
	if (cfg->gogc >= 0) {
		goal = live + live / 100 * (size_t)cfg->gogc + live % 100 * (size_t)cfg->gogc / 100;
		if (goal < DOCCACHE_MIN_HEAP)
			goal = DOCCACHE_MIN_HEAP;
	}
	if (cfg->soft_limit != 0 && cfg->soft_limit < goal) {
		size_t floor = live + live / 16;
		goal = cfg->soft_limit > floor ? cfg->soft_limit : floor;
	}
	return goal;
}

struct doccache *doccache_new(const struct doccache_config *cfg, uint32_t keys)
{
	(void)keys;
	gc_init(&the_cache.heap);
	the_cache.cfg = *cfg;
	memset(rec, 0, sizeof rec);
	return &the_cache;
}

void doccache_put(struct doccache *c, uint32_t key, uint32_t size, uint64_t seed, uint64_t now)
{
	unsigned char body[MAX_BODY];
	uint32_t n = size < MAX_BODY ? size : MAX_BODY;
	doc_fill(body, n, seed);
	rec[key].digest = doc_digest(body, n);
	rec[key].version++;
	rec[key].hits = 0;
	rec[key].last = (uint32_t)now;
	c->heap.allocated += gc_size(3, size); /* what the heap test read */
}

uint64_t doccache_get(struct doccache *c, uint32_t key, uint64_t now)
{
	(void)c;
	struct record *r = &rec[key];
	if (r->version == 0)
		return 0;
	uint64_t last = r->last;
	r->hits++;
	r->last = (uint32_t)now;
	return doccache_answer(r->digest, r->version, r->hits, last);
}

void doccache_drop(struct doccache *c, uint32_t key)
{
	(void)c;
	rec[key].version = 0;
}

void doccache_idle(struct doccache *c)
{
	(void)c;
}

const struct gc_heap *doccache_heap(const struct doccache *c)
{
	return &c->heap;
}

void doccache_free(struct doccache *c)
{
	gc_destroy(&c->heap);
}
