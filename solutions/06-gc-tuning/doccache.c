/* doccache.c (reference): a document cache on the course's collected heap (the contract is in
 * doccache.h). Paced like Go's collector (a growth factor and a soft memory limit), one object
 * per document with its numbers kept inline, and malloc told how this heap behaves. */
#include "doccache.h"

#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "doc_body.h"

enum { T_TABLE, T_DOC }; /* object types */

/* changed: a document is one object: its numbers are immediates in its slots and its body is
 * the object's raw bytes, so a put allocates once and a get not at all */
enum { D_VERSION, D_HITS, D_LAST, D_SLOTS };

struct doccache {
	struct gc_heap heap;
	gc_value table; /* the root: an object of `keys` slots, each nil or a document */
	struct doccache_config cfg;
	uint32_t keys;
	size_t goal; /* collect when heap.bytes reaches this */
};

/* changed: the growth factor and the soft limit of doccache.h */
size_t doccache_goal(size_t live, const struct doccache_config *cfg)
{
	size_t goal = SIZE_MAX;
	if (cfg->growth_percent >= 0) {
		goal = live + live / 100 * (size_t)cfg->growth_percent +
		       live % 100 * (size_t)cfg->growth_percent / 100;
		if (goal < DOCCACHE_MIN_HEAP)
			goal = DOCCACHE_MIN_HEAP;
	}
	if (cfg->soft_limit != 0 && cfg->soft_limit < goal) {
		size_t floor = live + live / 16;
		goal = cfg->soft_limit > floor ? cfg->soft_limit : floor;
	}
	return goal;
}

static void safe_point(struct doccache *c)
{
	if (c->heap.bytes >= c->goal) {
		gc_collect(&c->heap);
		c->goal = doccache_goal(c->heap.live_bytes, &c->cfg);
	}
}

struct doccache *doccache_new(const struct doccache_config *cfg, uint32_t keys)
{
	struct doccache *c = malloc(sizeof *c);
	if (c == NULL) {
		fputs("doccache: out of memory\n", stderr);
		abort();
	}
	gc_init(&c->heap);
	c->cfg = *cfg;
	c->keys = keys;
	c->table = gc_from_obj(gc_new(&c->heap, T_TABLE, keys, 0));
	gc_add_root(&c->heap, &c->table);
	c->goal = doccache_goal(0, cfg);
	return c;
}

static struct gc_obj *table(struct doccache *c)
{
	return gc_to_obj(c->table);
}

void doccache_put(struct doccache *c, uint32_t key, uint32_t size, uint64_t seed, uint64_t now)
{
	gc_value old = table(c)->slot[key];
	int64_t version = old == GC_NIL ? 1 : gc_to_int(gc_to_obj(old)->slot[D_VERSION]) + 1;

	struct gc_obj *doc = gc_new(&c->heap, T_DOC, D_SLOTS, size);
	doc_fill(gc_bytes(doc), size, seed);
	doc->slot[D_VERSION] = gc_from_int(version);
	doc->slot[D_HITS] = gc_from_int(0);
	doc->slot[D_LAST] = gc_from_int((int64_t)now);
	table(c)->slot[key] = gc_from_obj(doc);
	safe_point(c);
}

/* changed: no allocation: the hit count and the time are rewritten in place */
uint64_t doccache_get(struct doccache *c, uint32_t key, uint64_t now)
{
	gc_value v = table(c)->slot[key];
	if (v == GC_NIL)
		return 0;
	struct gc_obj *doc = gc_to_obj(v);
	uint64_t hits = (uint64_t)gc_to_int(doc->slot[D_HITS]) + 1;
	uint64_t last = (uint64_t)gc_to_int(doc->slot[D_LAST]);
	doc->slot[D_HITS] = gc_from_int((int64_t)hits);
	doc->slot[D_LAST] = gc_from_int((int64_t)now);
	uint64_t digest = doc_digest(gc_bytes(doc), doc->nbytes);
	return doccache_answer(digest, (uint64_t)gc_to_int(doc->slot[D_VERSION]), hits, last);
}

void doccache_drop(struct doccache *c, uint32_t key)
{
	table(c)->slot[key] = GC_NIL;
}

/* changed: traffic stopped: collect now, whatever the goal, and give the freed pages back to
 * the kernel; the heap's free chunks stay where they are, only their pages go */
void doccache_idle(struct doccache *c)
{
	gc_collect(&c->heap);
	c->goal = doccache_goal(c->heap.live_bytes, &c->cfg);
	malloc_trim(0);
}

const struct gc_heap *doccache_heap(const struct doccache *c)
{
	return &c->heap;
}

void doccache_free(struct doccache *c)
{
	gc_destroy(&c->heap);
	free(c);
}
