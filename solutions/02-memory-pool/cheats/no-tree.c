/* cheat: a service that never builds its tree, beside the skeleton's pool and arena, untouched
 *
 * Each formula is evaluated while it is parsed, as the tests' simple evaluator does; the file is
 * mapped and one response buffer is reused, as in the reference. Nothing of the lesson's pool or
 * arena is done, and the grade, which measured only the service, gave 100.0. The task suite now
 * grades the pool and the arena themselves by the harness's allocation counts.
 * Expected: status tests_failed /pool_reuses_objects_without_allocating|arena_allocates_in_blocks/
 */
#include "calc.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
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

/* the cheat: no tree. Each formula is evaluated as it is parsed; the pool and the arena above
 * are the skeleton's, never used by the service. */
struct result {
	uint64_t value, nodes, depth;
};

struct calc {
	const char *input; /* the request file, mapped */
	size_t len, pos;
	uint64_t id;
	struct result result; /* of the request built last */
	int built;
	char response[96];
};

struct calc *calc_create(void)
{
	return calloc(1, sizeof(struct calc));
}

static void unmap(struct calc *c)
{
	if (c->len > 0)
		munmap((void *)c->input, c->len);
	c->input = NULL;
	c->len = c->pos = 0;
}

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

static struct result eval(const char **s)
{
	const char *p = *s;
	if (*p != '(') {
		int negative = *p == '-';
		uint64_t v = 0;
		for (p += negative; *p >= '0' && *p <= '9'; p++)
			v = v * 10 + (uint64_t)(*p - '0');
		*s = p;
		return (struct result){negative ? 0 - v : v, 1, 1};
	}
	p++;
	char op = *p == 'm' ? p[1] : *p; /* 'a' max, 'i' min, + - * */
	while (*p != ' ')
		p++;
	struct result r = {0, 1, 0};
	for (int first = 1; *p == ' '; first = 0) {
		p++;
		struct result k = eval(&p);
		r.nodes += k.nodes;
		r.depth = k.depth > r.depth ? k.depth : r.depth;
		if (first)
			r.value = k.value;
		else if (op == '+')
			r.value += k.value;
		else if (op == '-')
			r.value -= k.value;
		else if (op == '*')
			r.value *= k.value;
		else if ((op == 'a') == ((int64_t)k.value > (int64_t)r.value))
			r.value = k.value;
		if (first && op == '-' && *p != ' ')
			r.value = 0 - r.value;
	}
	*s = p + 1; /* ')' */
	r.depth++;
	return r;
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
	c->result = eval(&p);
	c->built = 1;
	c->pos = (size_t)(p - c->input) + 1; /* '\n' */
	return 1;
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
	struct result r = c->result;
	char *p = c->response;
	p = put_number(PUT(p, "{\"id\":"), c->id, 0);
	p = put_number(PUT(p, ",\"value\":"), r.value, 1);
	p = put_number(PUT(p, ",\"nodes\":"), r.nodes, 0);
	p = put_number(PUT(p, ",\"depth\":"), r.depth, 0);
	p = PUT(p, "}\n");
	*response = c->response;
	*len = (size_t)(p - c->response);
	return 0;
}

void calc_release(struct calc *c)
{
	c->built = 0;
}

void calc_destroy(struct calc *c)
{
	if (c == NULL)
		return;
	unmap(c);
	free(c);
}

/* }=== */
