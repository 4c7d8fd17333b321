/* gc_heap.c: the course's mark-sweep collector for lesson 06. Built as its own object without
 * link-time optimisation and marked noinline, so its cost is always a call to gc_collect that
 * callgrind can see whole (the grader's instr.gc_collect metric) and no student file can rename,
 * inline or hide it. */
#include "gc_heap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gc_audit.h"

static void out_of_memory(void)
{
	fputs("gc_heap: out of memory\n", stderr);
	abort();
}

/* {=== the books: kept here, static, where no mutator can write them (gc_audit.h) ===} */

#define MAX_HEAPS 64

struct books {
	const struct gc_heap *heap; /* NULL: a free entry */
	struct gc_audit a;
};

static struct books books[MAX_HEAPS];
static struct books *last_books; /* the heap used last: one comparison in gc_new */
static uint64_t destroys;

static struct books *find_books(const struct gc_heap *h)
{
	for (size_t i = 0; i < MAX_HEAPS; i++)
		if (books[i].heap == h)
			return &books[i];
	return NULL;
}

/* h's books, opened on first use: a heap set up by hand (zeroed) or reused after gc_destroy
 * works as the contract of gc_heap.h says, and is counted all the same. */
static struct books *books_of(const struct gc_heap *h)
{
	if (last_books != NULL && last_books->heap == h)
		return last_books;
	struct books *b = find_books(h);
	if (b == NULL) {
		b = find_books(NULL);
		if (b == NULL) {
			fputs("gc_heap: more than 64 heaps in use\n", stderr);
			abort();
		}
		memset(b, 0, sizeof *b);
		b->heap = h;
	}
	last_books = b;
	return b;
}

int gc_audit(const struct gc_heap *h, struct gc_audit *out)
{
	struct books *b = find_books(h);
	if (h == NULL || b == NULL)
		return -1;
	*out = b->a;
	return 0;
}

size_t gc_audit_listed(const struct gc_heap *h)
{
	size_t listed = 0;
	for (const struct gc_obj *o = h->objects; o != NULL; o = o->next)
		listed += gc_size(o->nslots, o->nbytes);
	return listed;
}

size_t gc_audit_heaps(struct gc_heap **out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < MAX_HEAPS; i++)
		if (books[i].heap != NULL) {
			if (n < max)
				out[n] = (struct gc_heap *)books[i].heap;
			n++;
		}
	return n;
}

uint64_t gc_audit_destroys(void)
{
	return destroys;
}

/* }=== */

void gc_init(struct gc_heap *h)
{
	memset(h, 0, sizeof *h);
	struct books *b = books_of(h);
	memset(&b->a, 0, sizeof b->a); /* a heap set up again starts new books */
}

void gc_add_root(struct gc_heap *h, gc_value *root)
{
	books_of(h);
	if (h->n_roots == sizeof h->roots / sizeof h->roots[0]) {
		fputs("gc_heap: more than 8 roots\n", stderr);
		abort();
	}
	h->roots[h->n_roots++] = root;
}

__attribute__((noinline)) struct gc_obj *gc_new(struct gc_heap *h, uint32_t type, uint32_t nslots,
                                                uint32_t nbytes)
{
	size_t size = gc_size(nslots, nbytes);
	struct gc_obj *o = malloc(size);
	if (o == NULL)
		out_of_memory();
	o->next = h->objects;
	o->nslots = nslots;
	o->nbytes = nbytes;
	o->type = type;
	o->mark = 0;
	for (uint32_t i = 0; i < nslots; i++)
		o->slot[i] = GC_NIL;
	h->objects = o;
	h->n_objects++;
	h->bytes += size;
	h->allocated += size;
	struct books *b = books_of(h);
	b->a.allocated += size;
	b->a.held += size;
	if (b->a.held > b->a.peak)
		b->a.peak = b->a.held;
	if (h->bytes > h->peak_bytes)
		h->peak_bytes = h->bytes;
	return o;
}

/* Pushes v's object on the mark stack unless it is nil, an integer or already marked. */
static void shade(struct gc_heap *h, gc_value v, size_t *top)
{
	if (v == GC_NIL || gc_is_int(v))
		return;
	struct gc_obj *o = gc_to_obj(v);
	if (o->mark)
		return;
	o->mark = 1;
	if (*top == h->stack_cap) {
		size_t cap = h->stack_cap ? 2 * h->stack_cap : 1024;
		struct gc_obj **stack = realloc(h->stack, cap * sizeof *stack);
		if (stack == NULL)
			out_of_memory();
		h->stack = stack;
		h->stack_cap = cap;
	}
	h->stack[(*top)++] = o;
}

/* Marks with an explicit stack rather than recursion: a long list cannot overflow the C
 * stack, and callgrind's inclusive cost of gc_collect stays exact (no recursive cycles). */
static void mark(struct gc_heap *h)
{
	size_t top = 0;
	for (size_t r = 0; r < h->n_roots; r++)
		shade(h, *h->roots[r], &top);
	while (top > 0) {
		struct gc_obj *o = h->stack[--top];
		for (uint32_t i = 0; i < o->nslots; i++)
			shade(h, o->slot[i], &top);
	}
}

static void sweep(struct gc_heap *h, struct books *b)
{
	struct gc_obj **link = &h->objects;
	while (*link != NULL) {
		struct gc_obj *o = *link;
		if (o->mark) {
			o->mark = 0;
			link = &o->next;
			continue;
		}
		*link = o->next;
		size_t size = gc_size(o->nslots, o->nbytes);
		h->bytes -= size;
		b->a.held -= size;
		h->n_objects--;
		free(o);
	}
}

__attribute__((noinline)) void gc_collect(struct gc_heap *h)
{
	struct books *b = books_of(h);
	mark(h);
	sweep(h, b);
	h->live_bytes = h->bytes;
	h->collections++;
	b->a.live = b->a.held;
	b->a.collections++;
}

void gc_destroy(struct gc_heap *h)
{
	for (struct gc_obj *o = h->objects, *next; o != NULL; o = next) {
		next = o->next;
		free(o);
	}
	free(h->stack);
	memset(h, 0, sizeof *h);
	/* the heap's memory may be freed next: close its books (a reused heap opens new ones) */
	struct books *b = find_books(h);
	if (b != NULL)
		b->heap = NULL;
	if (last_books == b)
		last_books = NULL;
	destroys++;
}
