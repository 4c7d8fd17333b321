/* calc_input.c: seeded formula requests for lesson 02. Formulas are random trees of the five
 * ops over small integers; most requests are small, a few are large, the way a rules service
 * sees mostly short rules and now and then a generated one. */
#include "calc_input.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bench_input.h"
#include "prng.h"

#define LINE_MAX_BYTES 65536 /* a generous bound on one request's line */

static const char *const ops[] = {"+", "+", "+", "*", "-", "-", "max", "min"};

struct writer {
	char *p, *end;
	struct prng *g;
};

static void put(struct writer *w, const char *s)
{
	size_t n = strlen(s);
	if ((size_t)(w->end - w->p) < n) {
		fputs("calc_input: text bound exceeded\n", stderr);
		abort();
	}
	memcpy(w->p, s, n);
	w->p += n;
}

static void put_integer(struct writer *w)
{
	char s[32];
	uint64_t kind = prng_below(w->g, 16);
	long long v = (long long)prng_below(w->g, 100);
	if (kind == 0) /* now and then a big one, so products wrap */
		v = (long long)(prng_next(w->g) % 1000000000000000000ull);
	if (prng_below(w->g, 4) == 0)
		v = -v;
	snprintf(s, sizeof s, "%lld", v);
	put(w, s);
}

/* Writes a formula of at most depth levels. */
static void put_formula(struct writer *w, unsigned depth)
{
	uint64_t leaf = prng_below(w->g, 100);
	if (depth <= 1 || leaf < 30) {
		put_integer(w);
		return;
	}
	unsigned op = (unsigned)prng_below(w->g, sizeof ops / sizeof ops[0]);
	unsigned operands = 1 + (unsigned)prng_below(w->g, 4);
	if (operands == 1 && ops[op][0] != '-')
		operands = 2;
	put(w, "(");
	put(w, ops[op]);
	for (unsigned i = 0; i < operands; i++) {
		put(w, " ");
		put_formula(w, depth - 1);
	}
	put(w, ")");
}

/* Writes len bytes to fd, or exits with a message. */
static void write_all(int fd, const char *text, size_t len)
{
	for (size_t done = 0; done < len;) {
		ssize_t k = write(fd, text + done, len - done);
		if (k <= 0) {
			perror("calc_input: write");
			exit(2);
		}
		done += (size_t)k;
	}
}

/* A new memfd, or exits with a message. */
static int new_file(void)
{
	int fd = memfd_create("requests", 0);
	if (fd < 0) {
		perror("calc_input: memfd_create");
		exit(2);
	}
	return fd;
}

/* Maps fd's len bytes read-only as in->text (a NUL follows them: the mapping is rounded up to
 * a page, or one more page when len is a multiple of it). */
static void map_text(struct calc_input *in, int fd)
{
	in->map_size = in->len + 1;
	in->text = bench_input_alloc(in->map_size);
	if (in->len > 0 && pread(fd, in->text, in->len, 0) != (ssize_t)in->len) {
		perror("calc_input: pread");
		exit(2);
	}
}

void calc_input_make(struct calc_input *in, size_t n, uint64_t seed)
{
	static char line[LINE_MAX_BYTES];
	struct prng g;
	prng_seed(&g, seed);
	in->requests = n;
	in->len = 0;
	in->fd = new_file();
	uint64_t id = prng_below(&g, 1000000);
	for (size_t i = 0; i < n; i++) {
		struct writer w = {line, line + sizeof line, &g};
		char s[32];
		id += 1 + prng_below(&g, 1000);
		snprintf(s, sizeof s, "%llu ", (unsigned long long)id);
		put(&w, s);
		/* depth 2 to 6, and 1 request in 64 up to 9 deep */
		unsigned depth = 2 + (unsigned)prng_below(&g, 5);
		if (prng_below(&g, 64) == 0)
			depth = 9;
		put_formula(&w, depth);
		put(&w, "\n");
		write_all(in->fd, line, (size_t)(w.p - line));
		in->len += (size_t)(w.p - line);
	}
	map_text(in, in->fd);
	if (lseek(in->fd, 0, SEEK_SET) != 0) {
		perror("calc_input: lseek");
		exit(2);
	}
	/* a response is at most 84 bytes: {"id":,"value":,"nodes":,"depth":} and four numbers */
	in->responses_bound = n * 84;
}

int calc_input_file_of(const char *text, size_t len)
{
	int fd = new_file();
	write_all(fd, text, len);
	if (lseek(fd, 0, SEEK_SET) != 0) {
		perror("calc_input: lseek");
		exit(2);
	}
	return fd;
}

int calc_input_file(const struct calc_input *in)
{
	return calc_input_file_of(in->text, in->len);
}

void calc_input_drop_text(struct calc_input *in)
{
	bench_input_free(in->text, in->map_size);
	in->text = NULL;
}

void calc_input_free(struct calc_input *in)
{
	calc_input_drop_text(in);
	close(in->fd);
	*in = (struct calc_input){0};
}
