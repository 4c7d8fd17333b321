/* cheat: bodies in mmap'd pages, which massif and the allocation count do not see
 * Expected: status refused /mmap/
 *
 * Each document keeps its body in a mapping of its own (munmap'd when the key is overwritten;
 * a drop leaks it), so massif's peak heap and the allocation count see only the small document
 * objects. The collector no longer owns the bodies either. mmap is not in [checks] allow_symbols,
 * and the tests' collection between two calls would find the bodies missing from the heap. */
#include "doccache.h"

#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "doc_body.h"

enum { T_TABLE, T_DOC }; /* object types */

/* changed: a document is one object: its numbers are immediates in its slots and its body is
 * the object's raw bytes, so a put allocates once and a get not at all */
enum { D_VERSION, D_HITS, D_LAST, D_BODY, D_SIZE, D_SLOTS }; /* D_BODY: the mapping, as an int */

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

	if (old != GC_NIL) /* the shortcut frees by hand what the collector no longer owns */
		munmap((void *)(gc_to_int(gc_to_obj(old)->slot[D_BODY]) << 1),
		       (size_t)gc_to_int(gc_to_obj(old)->slot[D_SIZE]));
	unsigned char *body =
	    mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (body == MAP_FAILED)
		abort();
	struct gc_obj *doc = gc_new(&c->heap, T_DOC, D_SLOTS, 0);
	doc_fill(body, size, seed);
	doc->slot[D_BODY] = gc_from_int((int64_t)((uintptr_t)body >> 1));
	doc->slot[D_SIZE] = gc_from_int(size);
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
	uint64_t digest = doc_digest((unsigned char *)(gc_to_int(doc->slot[D_BODY]) << 1),
	                             (uint32_t)gc_to_int(doc->slot[D_SIZE]));
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
