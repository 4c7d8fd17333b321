/* gc_heap.c: the course's mark-sweep collector for lesson 06. Built as its own object without
 * link-time optimisation and marked noinline, so its cost is always a call to gc_collect that
 * callgrind can see whole (the grader's gc_share metric) and no student file can rename,
 * inline or hide it. */
#include "gc_heap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void out_of_memory(void)
{
	fputs("gc_heap: out of memory\n", stderr);
	abort();
}

void gc_init(struct gc_heap *h)
{
	memset(h, 0, sizeof *h);
}

void gc_add_root(struct gc_heap *h, gc_value *root)
{
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

static void sweep(struct gc_heap *h)
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
		h->bytes -= gc_size(o->nslots, o->nbytes);
		h->n_objects--;
		free(o);
	}
}

__attribute__((noinline)) void gc_collect(struct gc_heap *h)
{
	mark(h);
	sweep(h);
	h->live_bytes = h->bytes;
	h->collections++;
}

void gc_destroy(struct gc_heap *h)
{
	for (struct gc_obj *o = h->objects, *next; o != NULL; o = next) {
		next = o->next;
		free(o);
	}
	free(h->stack);
	gc_init(h);
}
