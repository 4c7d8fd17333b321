/* doccache.c, partial solution of lesson 06: the skeleton with the pacing policy of doccache.h
 * (a growth factor and a soft memory limit). Every number is still boxed, every body is still an
 * object of its own, and doccache_idle keeps every page. */
#include "doccache.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc_body.h"

enum { T_TABLE, T_DOC, T_NUMBER, T_BODY }; /* object types */

/* The slots of a document object. */
enum { D_KEY, D_VERSION, D_SIZE, D_HITS, D_LAST, D_BODY, D_SLOTS };

struct doccache {
	struct gc_heap heap;
	gc_value table; /* the root: an object of `keys` slots, each nil or a document */
	struct doccache_config cfg;
	uint32_t keys;
	size_t goal; /* collect when heap.bytes reaches this */
};

/* Every number lives in an object of its own, like a boxed integer in a dynamic language. */
static gc_value box(struct doccache *c, uint64_t v)
{
	struct gc_obj *o = gc_new(&c->heap, T_NUMBER, 0, sizeof v);
	memcpy(gc_bytes(o), &v, sizeof v);
	return gc_from_obj(o);
}

static uint64_t unbox(gc_value v)
{
	uint64_t n;
	memcpy(&n, gc_bytes(gc_to_obj(v)), sizeof n);
	return n;
}

/* changed: the growth factor and the soft limit of doccache.h */
size_t doccache_goal(size_t live, const struct doccache_config *cfg)
{
	size_t goal = SIZE_MAX;
	if (cfg->growth_percent >= 0) {
		goal = live + live / 100 * (size_t)cfg->growth_percent + live % 100 * (size_t)cfg->growth_percent / 100;
		if (goal < DOCCACHE_MIN_HEAP)
			goal = DOCCACHE_MIN_HEAP;
	}
	if (cfg->soft_limit != 0 && cfg->soft_limit < goal) {
		size_t floor = live + live / 16;
		goal = cfg->soft_limit > floor ? cfg->soft_limit : floor;
	}
	return goal;
}

/* Called where every document is reachable from the table: collects when the heap has reached
 * its goal. */
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

/* TODO: make this faster; keep the signature */
void doccache_put(struct doccache *c, uint32_t key, uint32_t size, uint64_t seed, uint64_t now)
{
	gc_value old = table(c)->slot[key];
	uint64_t version = old == GC_NIL ? 1 : unbox(gc_to_obj(old)->slot[D_VERSION]) + 1;

	struct gc_obj *body = gc_new(&c->heap, T_BODY, 0, size);
	doc_fill(gc_bytes(body), size, seed);
	struct gc_obj *doc = gc_new(&c->heap, T_DOC, D_SLOTS, 0);
	doc->slot[D_KEY] = box(c, key);
	doc->slot[D_VERSION] = box(c, version);
	doc->slot[D_SIZE] = box(c, size);
	doc->slot[D_HITS] = box(c, 0);
	doc->slot[D_LAST] = box(c, now);
	doc->slot[D_BODY] = gc_from_obj(body);
	table(c)->slot[key] = gc_from_obj(doc);
	safe_point(c);
}

/* TODO: make this faster; keep the signature */
uint64_t doccache_get(struct doccache *c, uint32_t key, uint64_t now)
{
	gc_value v = table(c)->slot[key];
	if (v == GC_NIL)
		return 0;
	struct gc_obj *doc = gc_to_obj(v);
	uint64_t hits = unbox(doc->slot[D_HITS]) + 1;
	uint64_t last = unbox(doc->slot[D_LAST]);
	doc->slot[D_HITS] = box(c, hits);
	doc->slot[D_LAST] = box(c, now);
	struct gc_obj *body = gc_to_obj(doc->slot[D_BODY]);
	uint64_t digest = doc_digest(gc_bytes(body), unbox(doc->slot[D_SIZE]));
	uint64_t answer = doccache_answer(digest, unbox(doc->slot[D_VERSION]), hits, last);
	safe_point(c);
	return answer;
}

void doccache_drop(struct doccache *c, uint32_t key)
{
	table(c)->slot[key] = GC_NIL;
	safe_point(c);
}

void doccache_idle(struct doccache *c)
{
	safe_point(c);
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
