/* gc_heap.h: the course's mark-sweep collected heap for lesson 06. Course-owned: students call
 * it and decide *when* it collects (the pacing policy in doccache.c); they do not edit it. */
#ifndef GC_HEAP_H
#define GC_HEAP_H

#include <stddef.h>
#include <stdint.h>

/* A value in a slot: 0 (nil), a pointer to an object (low bit 0), or an immediate integer of
 * 63 bits kept in the slot itself (low bit 1), which the collector never follows. */
typedef uintptr_t gc_value;
#define GC_NIL ((gc_value)0)

struct gc_obj {
	struct gc_obj *next; /* every object of the heap, newest first */
	uint32_t nslots;     /* gc_value slots, traced by the collector */
	uint32_t nbytes;     /* raw bytes after the slots, never traced */
	uint32_t type;       /* the mutator's tag; the collector ignores it */
	uint32_t mark;       /* set while marking; 0 between collections */
	gc_value slot[];     /* nslots slots, then nbytes bytes */
};

struct gc_heap {
	struct gc_obj *objects; /* every object, live or garbage */
	size_t bytes;           /* bytes of every object now in the heap, headers included */
	size_t live_bytes;      /* bytes that survived the last collection (0 before the first) */
	size_t peak_bytes;      /* the most `bytes` has ever been */
	size_t n_objects;
	uint64_t collections; /* calls of gc_collect */
	uint64_t allocated;   /* bytes ever allocated with gc_new */
	gc_value *roots[8];   /* slots the mutator keeps its data in: where marking starts */
	size_t n_roots;
	struct gc_obj **stack; /* the mark stack, kept between collections */
	size_t stack_cap;
};

static inline int gc_is_int(gc_value v)
{
	return (int)(v & 1);
}

static inline gc_value gc_from_int(int64_t i)
{
	return ((uint64_t)i << 1) | 1;
}

static inline int64_t gc_to_int(gc_value v)
{
	return (int64_t)v >> 1; /* arithmetic shift: gcc and clang on every target we build for */
}

static inline gc_value gc_from_obj(struct gc_obj *o)
{
	return (gc_value)o;
}

static inline struct gc_obj *gc_to_obj(gc_value v)
{
	return (struct gc_obj *)v;
}

/* The object's raw bytes (after its slots). */
static inline unsigned char *gc_bytes(struct gc_obj *o)
{
	return (unsigned char *)(o->slot + o->nslots);
}

/* Bytes an object of nslots slots and nbytes raw bytes counts for in gc_heap.bytes. */
static inline size_t gc_size(uint32_t nslots, uint32_t nbytes)
{
	return sizeof(struct gc_obj) + nslots * sizeof(gc_value) + nbytes;
}

/* An empty heap with no roots. */
void gc_init(struct gc_heap *h);

/* Registers *root as a root: what it points to (and everything reachable from that) survives
 * every collection. At most 8 roots; aborts beyond that. */
void gc_add_root(struct gc_heap *h, gc_value *root);

/* A new object with every slot GC_NIL and nbytes uninitialised raw bytes, from malloc. Never
 * collects (the caller decides when: gc_collect). Aborts with a message if memory runs out. */
struct gc_obj *gc_new(struct gc_heap *h, uint32_t type, uint32_t nslots, uint32_t nbytes);

/* Marks everything reachable from the roots and frees everything else; afterwards
 * live_bytes == bytes. Call it only where every object the mutator still needs is reachable
 * from a root (a safe point). */
void gc_collect(struct gc_heap *h);

/* Frees every object and the mark stack; the heap is empty and has no roots afterwards. */
void gc_destroy(struct gc_heap *h);

#endif
