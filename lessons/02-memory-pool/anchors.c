/* anchors.c: `make anchors LESSON=02` (anchors.sh runs it). Two measurements the README quotes,
 * timed natively on the lesson's input (seed and size from lesson.ini's args):
 *   anchors tree N SEED  builds and frees every request's tree, without parsing, four ways: one
 *                        malloc per node (whatever malloc LD_PRELOAD chose), the skeleton's layout
 *                        (calloc per node, operand arrays grown by realloc), the reference's pool
 *                        and its arena; prints "name ns_per_node" lines.
 *   anchors read N SEED  reads the request file with read() and buffers of 64 B to the whole
 *                        file, and with mmap; prints a Markdown table. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "calc.h"
#include "calc_input.h"

#define RUNS 7

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, by_value);
	return v[n / 2];
}

/* {=== tree: build and free without parsing ===} */

static unsigned char *arity; /* every node of every request in prefix order: its operand count */
static size_t *starts, n_nodes, n_trees;

/* Records the shape of the formula at *s. */
static void shape(const char **s)
{
	unsigned char *mine = &arity[n_nodes++];
	*mine = 0;
	if (**s != '(') {
		while (**s != ' ' && **s != ')' && **s != '\n')
			++*s;
		return;
	}
	while (**s != ' ')
		++*s;
	while (**s == ' ') {
		++*s;
		++*mine;
		shape(s);
	}
	++*s;
}

struct node {
	struct node *first, *next;
	int64_t value;
	int op;
};

struct kids_node { /* the skeleton's layout */
	int op;
	int64_t value;
	struct kids_node **kids;
	size_t n_kids;
};

enum way { MALLOC, SKELETON, POOL, ARENA };
static struct pool *pool;
static struct arena *arena;
static size_t at; /* the next node of arity[] */

static struct node *build(enum way w)
{
	struct node *t = w == MALLOC ? malloc(sizeof *t)
	                 : w == POOL ? pool_get(pool)
	                             : arena_alloc(arena, sizeof *t);
	unsigned char k = arity[at++];
	t->first = t->next = NULL;
	t->value = k;
	for (struct node **tail = &t->first; k-- > 0; tail = &(*tail)->next)
		*tail = build(w);
	return t;
}

static struct kids_node *build_kids(void)
{
	struct kids_node *t = calloc(1, sizeof *t);
	unsigned char k = arity[at++];
	for (unsigned char i = 0; i < k; i++) {
		struct kids_node *kid = build_kids();
		t->kids = realloc(t->kids, (t->n_kids + 1) * sizeof *t->kids);
		t->kids[t->n_kids++] = kid;
	}
	return t;
}

static void drop(enum way w, struct node *t)
{
	while (t != NULL) {
		struct node *next = t->next;
		drop(w, t->first);
		if (w == MALLOC)
			free(t);
		else
			pool_put(pool, t);
		t = next;
	}
}

static void drop_kids(struct kids_node *t)
{
	for (size_t i = 0; i < t->n_kids; i++)
		drop_kids(t->kids[i]);
	free(t->kids);
	free(t);
}

/* Nanoseconds per node to build and free every tree once, way w. */
static double build_and_free(enum way w)
{
	double t0 = now();
	at = 0;
	for (size_t i = 0; i < n_trees; i++) {
		if (w == SKELETON) {
			drop_kids(build_kids());
			continue;
		}
		struct node *t = build(w);
		if (t->value == 255) /* never: keeps the tree alive for the compiler */
			puts("");
		if (w == ARENA)
			arena_reset(arena);
		else
			drop(w, t);
	}
	return (now() - t0) * 1e9 / (double)n_nodes;
}

static void tree(const struct calc_input *in)
{
	arity = malloc(in->len);
	starts = malloc(in->requests * sizeof *starts);
	for (const char *s = in->text; s < in->text + in->len; s++) {
		s = strchr(s, ' ') + 1;
		starts[n_trees++] = n_nodes;
		shape(&s);
	}
	pool = pool_create(sizeof(struct node));
	arena = arena_create();
	static const char *const names[] = {"malloc", "skeleton", "pool", "arena"};
	for (enum way w = MALLOC; w <= ARENA; w++) {
		double v[RUNS];
		build_and_free(
		    w); /* warm-up: the allocator's caches, the pool and the arena fill */
		for (int r = 0; r < RUNS; r++)
			v[r] = build_and_free(w);
		printf("%s %.2f\n", names[w], median(v, RUNS));
	}
	printf("nodes %zu trees %zu\n", n_nodes, n_trees);
}

/* }=== */

/* {=== read: read() with buffers of every size, and mmap ===} */

static uint64_t sum_bytes(const unsigned char *p, size_t n, uint64_t h)
{
	for (size_t i = 0; i < n; i++)
		h += p[i];
	return h;
}

/* Seconds to read the file through a buffer of size bytes into one buffer of the file's size
 * (what a parser needs) and sum its bytes; size 0: mmap it and sum the bytes. */
static double read_with(int fd, size_t len, size_t size, uint64_t *h)
{
	double t0 = now();
	if (size == 0) {
		unsigned char *p = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
		*h = sum_bytes(p, len, 0);
		munmap(p, len);
		return now() - t0;
	}
	unsigned char *all = malloc(len), *buf = size < len ? malloc(size) : all;
	size_t got = 0;
	ssize_t n;
	while ((n = pread(fd, buf == all ? all + got : buf, size < len - got ? size : len - got,
	                  (off_t)got)) > 0) {
		if (buf != all)
			memcpy(all + got, buf, (size_t)n);
		got += (size_t)n;
	}
	*h = sum_bytes(all, got, 0);
	if (buf != all)
		free(buf);
	free(all);
	return now() - t0;
}

static void read_table(const struct calc_input *in)
{
	static const size_t sizes[] = {64, 4096, 65536, 1 << 20, 0, SIZE_MAX};
	printf("| how the %zu-byte file is read | read calls | ms (median of %d) | GB/s |\n",
	       in->len, RUNS);
	printf("|---|---|---|---|\n");
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		size_t size = sizes[i] == SIZE_MAX ? in->len : sizes[i];
		double v[RUNS];
		uint64_t h, want = sum_bytes((const unsigned char *)in->text, in->len, 0);
		for (int r = 0; r < RUNS; r++) {
			v[r] = read_with(in->fd, in->len, size, &h);
			if (h != want)
				fprintf(stderr, "anchors: read with %zu: wrong bytes\n", size);
		}
		double ms = median(v, RUNS) * 1e3;
		char name[64], calls[32];
		if (size == 0)
			snprintf(name, sizeof name, "`mmap`, then every byte read");
		else if (size == in->len)
			snprintf(name, sizeof name, "`read` into the whole buffer at once");
		else
			snprintf(name, sizeof name, "`read` of %zu bytes, `memcpy` on", size);
		snprintf(calls, sizeof calls, "%zu", size == 0 ? 0 : (in->len + size - 1) / size);
		printf("| %s | %s | %.2f | %.2f |\n", name, calls, ms, (double)in->len / ms / 1e6);
	}
}

/* }=== */

int main(int argc, char **argv)
{
	if (argc != 4 || (strcmp(argv[1], "tree") != 0 && strcmp(argv[1], "read") != 0)) {
		fputs("usage: anchors tree|read REQUESTS SEED\n", stderr);
		return 2;
	}
	struct calc_input in;
	calc_input_make(&in, strtoul(argv[2], NULL, 10), strtoull(argv[3], NULL, 10));
	if (argv[1][0] == 't')
		tree(&in);
	else
		read_table(&in);
	calc_input_free(&in);
	return 0;
}
