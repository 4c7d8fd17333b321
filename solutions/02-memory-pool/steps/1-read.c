/* calc.c, step 1: the skeleton, but the request file is read into one buffer of its size
 * (fstat, then read until it is full) instead of 64 bytes at a time into a growing one. */
#include "calc.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* {=== object pool: every object from malloc, on a list so that destroy can free it ===} */

struct object {
	struct object *prev, *next;
	_Alignas(16) char data[];
};

struct pool {
	size_t object_size;
	struct object live; /* the list of objects handed out, circular */
};

struct pool *pool_create(size_t object_size)
{
	struct pool *p = malloc(sizeof *p);
	if (p == NULL)
		return NULL;
	p->object_size = object_size;
	p->live.prev = p->live.next = &p->live;
	return p;
}

/* TODO: make this faster; keep the signature */
void *pool_get(struct pool *p)
{
	struct object *o = malloc(sizeof *o + p->object_size);
	if (o == NULL)
		return NULL;
	o->prev = &p->live;
	o->next = p->live.next;
	o->next->prev = o;
	p->live.next = o;
	return o->data;
}

void pool_put(struct pool *p, void *object)
{
	(void)p;
	if (object == NULL)
		return;
	struct object *o = (struct object *)((char *)object - offsetof(struct object, data));
	o->prev->next = o->next;
	o->next->prev = o->prev;
	free(o);
}

void pool_destroy(struct pool *p)
{
	if (p == NULL)
		return;
	while (p->live.next != &p->live)
		pool_put(p, p->live.next->data);
	free(p);
}

/* }=== */

/* {=== arena: every allocation on its own, chained so that reset can free them ===} */

struct chunk {
	struct chunk *next;
	char pad[8];
	_Alignas(16) char data[];
};

struct arena {
	struct chunk *chunks;
};

struct arena *arena_create(void)
{
	return calloc(1, sizeof(struct arena));
}

/* TODO: make this faster */
void *arena_alloc(struct arena *a, size_t size)
{
	struct chunk *c = malloc(sizeof *c + size);
	if (c == NULL)
		return NULL;
	c->next = a->chunks;
	a->chunks = c;
	return c->data;
}

void arena_reset(struct arena *a)
{
	while (a->chunks != NULL) {
		struct chunk *next = a->chunks->next;
		free(a->chunks);
		a->chunks = next;
	}
}

void arena_destroy(struct arena *a)
{
	if (a != NULL)
		arena_reset(a);
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
	char *input;       /* the whole request file */
	size_t len, pos;   /* its length, and where the next request starts */
	uint64_t id;       /* of the request built last */
	struct node *tree; /* built last, or NULL */
	char *response;
};

struct calc *calc_create(void)
{
	return calloc(1, sizeof(struct calc));
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

static void free_tree(struct node *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->n_kids; i++)
		free_tree(t->kids[i]);
	free(t->kids);
	free(t);
}

/* Parses the formula at c->input + c->pos. NULL when out of memory. */
static struct node *parse(struct calc *c)
{
	const char *s = c->input;
	struct node *t = calloc(1, sizeof *t);
	if (t == NULL)
		return NULL;
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
			free_tree(kid);
			if (kids != NULL)
				t->kids = kids;
			free_tree(t);
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

/* Appends text to the response, growing it to fit. -1 when out of memory. */
static int append(char **response, size_t *len, const char *text, size_t n)
{
	char *grown = realloc(*response, *len + n + 1);
	if (grown == NULL)
		return -1;
	memcpy(grown + *len, text, n);
	*len += n;
	grown[*len] = '\0';
	*response = grown;
	return 0;
}

static int append_number(char **response, size_t *len, const char *key, uint64_t v, int sign)
{
	char digits[24], *p = digits + sizeof digits;
	int negative = sign && (int64_t)v < 0;
	uint64_t magnitude = negative ? 0 - v : v;
	do
		*--p = (char)('0' + magnitude % 10);
	while ((magnitude /= 10) != 0);
	if (negative)
		*--p = '-';
	if (append(response, len, key, strlen(key)) != 0)
		return -1;
	return append(response, len, p, (size_t)(digits + sizeof digits - p));
}

/* TODO: make this faster; keep the signature */
int calc_respond(struct calc *c, const char **response, size_t *len)
{
	struct result r = eval(c->tree);
	char *text = NULL; /* a fresh response for every request */
	size_t n = 0;
	if (append_number(&text, &n, "{\"id\":", c->id, 0) != 0 ||
	    append_number(&text, &n, ",\"value\":", r.value, 1) != 0 ||
	    append_number(&text, &n, ",\"nodes\":", r.nodes, 0) != 0 ||
	    append_number(&text, &n, ",\"depth\":", r.depth, 0) != 0 ||
	    append(&text, &n, "}\n", 2) != 0) {
		free(text);
		errno = ENOMEM;
		return -1;
	}
	free(c->response);
	c->response = text;
	*response = text;
	*len = n;
	return 0;
}

void calc_release(struct calc *c)
{
	free_tree(c->tree);
	c->tree = NULL;
}

void calc_destroy(struct calc *c)
{
	if (c == NULL)
		return;
	calc_release(c);
	free(c->response);
	free(c->input);
	free(c);
}

/* }=== */
