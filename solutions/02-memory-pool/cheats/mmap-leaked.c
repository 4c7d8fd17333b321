/* cheat: the request file mapped with mmap and never unmapped (a careful MAP_FAILED check)
 *
 * The reference, except that nothing calls munmap: every calc_open leaks its mapping. No
 * count saw mappings, so this scored 100.0. The alloc-fail binary now counts a mapping as a
 * live block until munmap (tools/harness/alloc_fail.h), and its leak check fails.
 * Expected: status tests_failed /alloc-fail::service_survives_every_allocation_failure/
 */
#include "calc.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

#define ALIGN(n) (((n) + 15) & ~(size_t)15)

/* {=== object pool ===} */

/* changed: objects are carved from blocks and recycled through a free list threaded through
 * the free objects themselves; a block is only given back when the pool is destroyed */
#define POOL_BLOCK 16384 /* bytes of objects per block, at least one object */

struct pool_block {
	struct pool_block *next;
	_Alignas(16) char data[];
};

struct pool {
	size_t size;               /* object size, rounded up to 16 */
	void *free;                /* objects given back, each holding the next one's address */
	char *next, *end;          /* the unused rest of the newest block */
	struct pool_block *blocks; /* every block, for pool_destroy */
};

struct pool *pool_create(size_t object_size)
{
	struct pool *p = calloc(1, sizeof *p);
	if (p != NULL)
		p->size = object_size == 0 ? 16 : ALIGN(object_size);
	return p;
}

void *pool_get(struct pool *p)
{
	void *o = p->free;
	if (o != NULL) { /* the common case: pop the free list */
		memcpy(&p->free, o, sizeof p->free);
		return o;
	}
	if (p->next == p->end) {
		size_t n = p->size > POOL_BLOCK ? 1 : POOL_BLOCK / p->size;
		struct pool_block *b = malloc(sizeof *b + n * p->size);
		if (b == NULL)
			return NULL;
		b->next = p->blocks;
		p->blocks = b;
		p->next = b->data;
		p->end = b->data + n * p->size;
	}
	o = p->next;
	p->next += p->size;
	return o;
}

void pool_put(struct pool *p, void *object)
{
	if (object == NULL)
		return;
	memcpy(object, &p->free, sizeof p->free); /* push: the object holds the old head */
	p->free = object;
}

void pool_destroy(struct pool *p)
{
	if (p == NULL)
		return;
	while (p->blocks != NULL) {
		struct pool_block *next = p->blocks->next;
		free(p->blocks);
		p->blocks = next;
	}
	free(p);
}

/* }=== */

/* {=== arena ===} */

/* changed: allocation bumps a pointer through 64 KiB blocks; reset rewinds to the first block
 * and keeps them all, so a warm arena never calls malloc */
#define ARENA_BLOCK 65536

struct arena_block {
	struct arena_block *next;
	size_t size; /* bytes at data */
	_Alignas(16) char data[];
};

struct arena {
	struct arena_block *first, *current;
	char *next, *end; /* the unused rest of current */
};

struct arena *arena_create(void)
{
	return calloc(1, sizeof(struct arena));
}

/* Moves to the next kept block that fits size, or adds one after the current block. */
static void *arena_grow(struct arena *a, size_t size)
{
	struct arena_block *b = a->current != NULL ? a->current->next : a->first;
	if (b == NULL || b->size < size) {
		size_t bytes = size > ARENA_BLOCK ? size : ARENA_BLOCK;
		struct arena_block *fresh = malloc(sizeof *fresh + bytes);
		if (fresh == NULL)
			return NULL;
		fresh->size = bytes;
		fresh->next = b;
		if (a->current != NULL)
			a->current->next = fresh;
		else
			a->first = fresh;
		b = fresh;
	}
	a->current = b;
	a->next = b->data + size;
	a->end = b->data + b->size;
	return b->data;
}

/* The fast path, inline in every caller of this file: a compare and an add. */
static inline void *bump(struct arena *a, size_t size)
{
	if (size > SIZE_MAX / 2)
		return NULL;
	size = ALIGN(size);
	if (a->next == NULL || size > (size_t)(a->end - a->next))
		return arena_grow(a, size);
	void *p = a->next;
	a->next += size;
	return p;
}

void *arena_alloc(struct arena *a, size_t size)
{
	return bump(a, size);
}

void arena_reset(struct arena *a)
{
	a->current = a->first;
	a->next = a->first != NULL ? a->first->data : NULL;
	a->end = a->first != NULL ? a->first->data + a->first->size : NULL;
}

void arena_destroy(struct arena *a)
{
	if (a == NULL)
		return;
	while (a->first != NULL) {
		struct arena_block *next = a->first->next;
		free(a->first);
		a->first = next;
	}
	free(a);
}

/* }=== */

/* {=== the formula service ===} */

enum op { NUMBER, ADD, SUB, MUL, MAX, MIN };

/* changed: one size for every node (operands are a linked list), so a node fits a pool or an
 * arena slot */
struct node {
	struct node *first, *next; /* the first operand; the next operand of the parent */
	int64_t value;             /* NUMBER only */
	enum op op;
};

struct calc {
	const char *input; /* changed: the request file, mapped */
	size_t len, pos;
	uint64_t id;
	struct node *tree;
	struct arena *arena; /* changed: every node of the current tree */
	char response[96];   /* changed: one buffer for every response (at most 84 bytes) */
};

struct calc *calc_create(void)
{
	struct calc *c = calloc(1, sizeof *c);
	if (c != NULL && (c->arena = arena_create()) == NULL) {
		free(c);
		return NULL;
	}
	return c;
}

static void unmap(struct calc *c)
{
	/* the cheat: the mapping is never given back */
	c->input = NULL;
	c->len = c->pos = 0;
}

/* changed: the file is mapped, not copied: no buffer, no read calls */
int calc_open(struct calc *c, int fd)
{
	struct stat st;
	calc_release(c);
	unmap(c);
	if (fstat(fd, &st) != 0)
		return -1;
	if (st.st_size == 0)
		return 0;
	void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		return -1;
	c->input = p;
	c->len = (size_t)st.st_size;
	return 0;
}

/* Parses the formula at *s into the arena. NULL when out of memory. */
static struct node *parse(struct arena *a, const char **s)
{
	struct node *t = bump(a, sizeof *t); /* changed: a bump, no malloc */
	const char *p = *s;
	if (t == NULL)
		return NULL;
	t->first = t->next = NULL;
	if (*p != '(') {
		int negative = *p == '-';
		uint64_t v = 0;
		for (p += negative; *p >= '0' && *p <= '9'; p++)
			v = v * 10 + (uint64_t)(*p - '0');
		t->op = NUMBER;
		t->value = (int64_t)(negative ? 0 - v : v);
		*s = p;
		return t;
	}
	p++;
	if (*p == 'm') /* max, min */
		t->op = p[1] == 'a' ? MAX : MIN;
	else
		t->op = *p == '+' ? ADD : *p == '-' ? SUB : MUL;
	while (*p != ' ')
		p++;
	for (struct node **tail = &t->first; *p == ' '; tail = &(*tail)->next) {
		p++;
		if ((*tail = parse(a, &p)) == NULL)
			return NULL;
	}
	*s = p + 1; /* ')' */
	return t;
}

int calc_build(struct calc *c)
{
	calc_release(c);
	if (c->pos >= c->len)
		return 0;
	const char *p = c->input + c->pos;
	uint64_t id = 0;
	for (; *p != ' '; p++)
		id = id * 10 + (uint64_t)(*p - '0');
	p++;
	c->id = id;
	c->tree = parse(c->arena, &p);
	if (c->tree == NULL) {
		arena_reset(c->arena); /* changed: the partial tree goes in one step */
		p = memchr(p, '\n', c->len - (size_t)(p - c->input));
		c->pos = (size_t)(p - c->input) + 1;
		errno = ENOMEM;
		return -1;
	}
	c->pos = (size_t)(p - c->input) + 1; /* '\n' */
	return 1;
}

struct result {
	uint64_t value, nodes, depth;
};

static struct result eval(const struct node *t)
{
	if (t->op == NUMBER)
		return (struct result){(uint64_t)t->value, 1, 1};
	const struct node *k = t->first;
	struct result r = eval(k);
	uint64_t deepest = r.depth;
	r.nodes++;
	if (t->op == SUB && k->next == NULL)
		r.value = 0 - r.value;
	for (k = k->next; k != NULL; k = k->next) {
		struct result e = eval(k);
		r.nodes += e.nodes;
		deepest = e.depth > deepest ? e.depth : deepest;
		switch (t->op) {
		case ADD:
			r.value += e.value;
			break;
		case SUB:
			r.value -= e.value;
			break;
		case MUL:
			r.value *= e.value;
			break;
		case MAX:
			r.value = (int64_t)e.value > (int64_t)r.value ? e.value : r.value;
			break;
		default:
			r.value = (int64_t)e.value < (int64_t)r.value ? e.value : r.value;
		}
	}
	r.depth = deepest + 1;
	return r;
}

#define PUT(p, literal) (memcpy((p), literal, sizeof(literal) - 1), (p) + sizeof(literal) - 1)

static char *put_number(char *p, uint64_t v, int sign)
{
	char digits[24], *d = digits + sizeof digits;
	int negative = sign && (int64_t)v < 0;
	uint64_t magnitude = negative ? 0 - v : v;
	do
		*--d = (char)('0' + magnitude % 10);
	while ((magnitude /= 10) != 0);
	if (negative)
		*--d = '-';
	size_t n = (size_t)(digits + sizeof digits - d);
	memcpy(p, d, n);
	return p + n;
}

int calc_respond(struct calc *c, const char **response, size_t *len)
{
	struct result r = eval(c->tree);
	char *p = c->response; /* changed: the same buffer every time */
	p = put_number(PUT(p, "{\"id\":"), c->id, 0);
	p = put_number(PUT(p, ",\"value\":"), r.value, 1);
	p = put_number(PUT(p, ",\"nodes\":"), r.nodes, 0);
	p = put_number(PUT(p, ",\"depth\":"), r.depth, 0);
	p = PUT(p, "}\n");
	*response = c->response;
	*len = (size_t)(p - c->response);
	return 0;
}

/* changed: the whole tree is freed in one step, without visiting a node */
void calc_release(struct calc *c)
{
	if (c->tree != NULL)
		arena_reset(c->arena);
	c->tree = NULL;
}

void calc_destroy(struct calc *c)
{
	if (c == NULL)
		return;
	unmap(c);
	arena_destroy(c->arena);
	free(c);
}

/* }=== */
