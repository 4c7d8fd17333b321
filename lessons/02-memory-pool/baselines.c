/* baselines.c: `make baselines LESSON=02` (baselines.sh runs it). Two measurements the README
 * quotes, timed natively on the lesson's input (seed and size from lesson.ini's args): baselines
 * tree N SEED  builds and frees every request's tree, without parsing, four ways: one malloc per
 * node (whatever malloc LD_PRELOAD chose), the skeleton's layout (calloc per node, operand arrays
 * grown by realloc), the reference's pool and its arena; prints "name ns_per_node" lines. baselines
 * read N SEED  reads the request file with read() 64 bytes to all of it at a time, into a buffer
 * used before or a fresh one, and with mmap; prints a Markdown table with the page faults each
 * took. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "calc.h"
#include "calc_input.h"
#include "timing.h"

#define RUNS 7

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
	double t0 = timing_now_ns() / 1e9;
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
	return (timing_now_ns() / 1e9 - t0) * 1e9 / (double)n_nodes;
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
		printf("%s %.2f\n", names[w], timing_median(v, RUNS));
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

static long minor_faults(void)
{
	struct rusage u;
	getrusage(RUSAGE_SELF, &u);
	return u.ru_minflt;
}

/* Seconds to bring the file's len bytes into memory and sum them, as a parser would read them:
 * chunk > 0 reads chunk bytes a call into one buffer of the file's size, a new one (fresh: its
 * pages are faulted in and zeroed by the kernel during the read) or one used before (warm);
 * chunk 0 maps the file instead. *faults gets the minor page faults it took. */
static double read_with(int fd, size_t len, size_t chunk, int fresh, uint64_t *h, long *faults)
{
	static unsigned char *warm;
	if (warm == NULL) {
		warm = malloc(len);
		memset(warm, 1, len);
	}
	long f0 = minor_faults();
	double t0 = timing_now_ns() / 1e9;
	unsigned char *all = warm;
	if (chunk == 0)
		all = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
	else if (fresh)
		all = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	for (size_t got = 0; chunk != 0 && got < len;) {
		ssize_t n = pread(fd, all + got, chunk < len - got ? chunk : len - got, (off_t)got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	*h = sum_bytes(all, len, 0);
	if (all != warm)
		munmap(all, len);
	double t = timing_now_ns() / 1e9 - t0;
	*faults = minor_faults() - f0;
	return t;
}

static void read_table(const struct calc_input *in)
{
	static const struct {
		size_t chunk; /* 0: mmap; SIZE_MAX: the whole file */
		int fresh;
	} ways[] = {{64, 0},       {4096, 0},     {65536, 0}, {1 << 20, 0},
	            {SIZE_MAX, 0}, {SIZE_MAX, 1}, {0, 0}};
	printf("| how the %zu-byte file is read | read calls | minor faults | ms (median of %d) |"
	       " GB/s |\n",
	       in->len, RUNS);
	printf("|---|---|---|---|---|\n");
	uint64_t want = sum_bytes((const unsigned char *)in->text, in->len, 0);
	for (size_t i = 0; i < sizeof ways / sizeof ways[0]; i++) {
		size_t chunk = ways[i].chunk == SIZE_MAX ? in->len : ways[i].chunk;
		double v[RUNS];
		uint64_t h;
		long faults = 0;
		for (int r = 0; r < RUNS; r++) {
			v[r] = read_with(in->fd, in->len, chunk, ways[i].fresh, &h, &faults);
			if (h != want)
				fprintf(stderr, "baselines: reading with %zu: wrong bytes\n",
				        chunk);
		}
		double ms = timing_median(v, RUNS) * 1e3;
		char name[96];
		if (chunk == 0)
			snprintf(name, sizeof name, "`mmap` (`PROT_READ`, `MAP_PRIVATE`)");
		else if (chunk == in->len)
			snprintf(name, sizeof name, "one `read` into a %s buffer",
			         ways[i].fresh ? "fresh" : "warm");
		else
			snprintf(name, sizeof name, "`read` of %zu bytes a call into a warm buffer",
			         chunk);
		printf("| %s | %zu | %ld | %.2f | %.2f |\n", name,
		       chunk == 0 ? 0 : (in->len + chunk - 1) / chunk, faults, ms,
		       (double)in->len / ms / 1e6);
	}
}

/* }=== */

int main(int argc, char **argv)
{
	if (argc != 4 || (strcmp(argv[1], "tree") != 0 && strcmp(argv[1], "read") != 0)) {
		fputs("usage: baselines tree|read REQUESTS SEED\n", stderr);
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
