/* gc_audit.h: the collector's own books, for the course's tests only. gc_heap.c keeps them in
 * static storage that no student file can reach (the grader refuses any call of gc_audit*), so a
 * test checks what the cache really did to its heap, not what it wrote in struct gc_heap, whose
 * counters a cache can overwrite. */
#ifndef GC_AUDIT_H
#define GC_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include "gc_heap.h"

struct gc_audit {
	uint64_t collections; /* gc_collect calls on this heap */
	uint64_t allocated;   /* bytes gc_new gave out on this heap */
	size_t held; /* bytes gc_new gave out that neither the sweep nor gc_destroy freed */
	size_t live; /* held right after the last gc_collect (0 before the first) */
	size_t peak; /* the most held has ever been */
};

/* The books of heap h. Returns 0, or -1 if gc_heap.c never saw h (no gc_init, gc_new,
 * gc_collect or gc_add_root on it) or it was destroyed since. */
int gc_audit(const struct gc_heap *h, struct gc_audit *out);

/* The bytes of the objects on h->objects, walked now (h must be alive: the walk reads every
 * object); what the books call held, unless an object left the heap another way. */
size_t gc_audit_listed(const struct gc_heap *h);

/* The heaps in use now (set up and not destroyed), at most max of them written to out; returns
 * how many there are. */
size_t gc_audit_heaps(struct gc_heap **out, size_t max);

/* gc_destroy calls since the process started. */
uint64_t gc_audit_destroys(void);

#endif
