/* cheat: no collector: each put makes its document with gc_new, digests it, unlinks it from
 * heap.objects, fixes heap.bytes and frees it; the cache keeps plain records
 * Expected: status tests_failed /objects left the heap without the collector/
 *
 * Every count the grade reads says "paced and inline": one gc_new per put, no collection, a
 * tiny peak heap. It scored 100.0 while the tests read heap.allocated and heap.bytes, which the
 * cache writes itself. Now the tests read the collector's own books (gc_audit.h): gc_new gave
 * out bytes that neither a collection nor gc_destroy freed, and the heap does not list them. */
#include "doccache.h"

#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "doc_body.h"

struct record {
	uint64_t digest, version, hits, last;
};

struct doccache {
	struct gc_heap heap;
	struct doccache_config cfg;
	uint32_t keys;
	struct record *rec; /* version 0: no document */
};

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

static void out_of_memory(void)
{
	fputs("doccache: out of memory\n", stderr);
	abort();
}

struct doccache *doccache_new(const struct doccache_config *cfg, uint32_t keys)
{
	struct doccache *c = malloc(sizeof *c);
	if (c == NULL)
		out_of_memory();
	c->rec = calloc(keys, sizeof *c->rec);
	if (c->rec == NULL)
		out_of_memory();
	gc_init(&c->heap);
	c->cfg = *cfg;
	c->keys = keys;
	return c;
}

/* the shortcut: the document passes through the heap and leaves it by the back door */
void doccache_put(struct doccache *c, uint32_t key, uint32_t size, uint64_t seed, uint64_t now)
{
	struct gc_obj *doc = gc_new(&c->heap, 1, 0, size);
	doc_fill(gc_bytes(doc), size, seed);
	struct record *r = &c->rec[key];
	r->digest = doc_digest(gc_bytes(doc), size);
	r->version++;
	r->hits = 0;
	r->last = now;
	c->heap.objects = doc->next;
	c->heap.bytes -= gc_size(doc->nslots, doc->nbytes);
	c->heap.n_objects--;
	free(doc);
}

uint64_t doccache_get(struct doccache *c, uint32_t key, uint64_t now)
{
	struct record *r = &c->rec[key];
	if (r->version == 0)
		return 0;
	uint64_t last = r->last;
	r->hits++;
	r->last = now;
	return doccache_answer(r->digest, r->version, r->hits, last);
}

void doccache_drop(struct doccache *c, uint32_t key)
{
	c->rec[key].version = 0;
}

void doccache_idle(struct doccache *c)
{
	(void)c;
	malloc_trim(0);
}

const struct gc_heap *doccache_heap(const struct doccache *c)
{
	return &c->heap;
}

void doccache_free(struct doccache *c)
{
	gc_destroy(&c->heap);
	free(c->rec);
	free(c);
}
