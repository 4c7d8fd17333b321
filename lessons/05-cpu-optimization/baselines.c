/* baselines.c: `make baselines LESSON=05`: the reference's byte scan and transpose beside glibc's
 * memchr and memcpy, timed natively in one run and printed as the Markdown table the README
 * quotes. memchr is the floor of a byte scan; memcpy, which reads and writes the same bytes in
 * order, is the floor of a transpose. Each is measured on the lesson's input and on one larger
 * than this machine's last-level cache. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analytics.h"
#include "analytics_input.h"
#include "bench_input.h"
#include "timing.h"

#define RUNS 11

enum job { SCAN, SCAN_SCALAR, MEMCHR_LINES, MEMCHR_ONCE, TRANSPOSE, MEMCPY };

struct row {
	enum job job;
	int big;          /* 0: the lesson's input; 1: the larger one */
	const char *name; /* what the table says */
	int baseline;     /* the row this one is compared with, or -1 */
	const char *target;
};

static const struct row rows[] = {
    {SCAN, 0, "`analytics_count_rows`, reference (AVX2)", 2, "within 2x"},
    {SCAN_SCALAR, 0, "`analytics_count_rows`, reference, scalar path", 2, "–"},
    {MEMCHR_LINES, 0, "glibc `memchr` once per line, counting `\\n`", -1, "–"},
    {MEMCHR_ONCE, 0, "glibc `memchr` of an absent byte: one pass, no counting", -1, "–"},
    {SCAN, 1, "`analytics_count_rows`, reference (AVX2), 16x the text", 5, "within 2x"},
    {MEMCHR_ONCE, 1, "glibc `memchr` of an absent byte, 16x the text", -1, "–"},
    {TRANSPOSE, 0, "`analytics_transpose`, reference", 7, "within 8x"},
    {MEMCPY, 0, "glibc `memcpy` of the same matrix", -1, "–"},
    {TRANSPOSE, 1, "`analytics_transpose`, reference, 4x the cells", 9, "within 8x"},
    {MEMCPY, 1, "glibc `memcpy` of the same matrix", -1, "–"},
};
#define N_ROWS (sizeof rows / sizeof rows[0])

/* The newlines of text counted as wc -l counts them: one memchr call per line. */
static size_t memchr_lines(const char *text, size_t len)
{
	size_t lines = 0;
	for (const char *p = text, *end = text + len; (p = memchr(p, '\n', end - p)) != NULL; p++)
		lines++;
	return lines;
}

struct inputs {
	struct analytics_input in[2]; /* the lesson's size, and the larger one */
	uint32_t *dst[2];
};

/* Runs one row once; returns milliseconds and the bytes it read. Results go into *sink, so
 * nothing is optimised away. */
static double run(const struct row *r, struct inputs *x, double *bytes, volatile size_t *sink)
{
	const struct analytics_input *in = &x->in[r->big];
	size_t cells = in->side * in->side;
	analytics_force_scalar(r->job == SCAN_SCALAR);
	*bytes = r->job <= MEMCHR_ONCE ? in->text_len : cells * 4.0;
	double start = timing_now_ns() / 1e6;
	switch (r->job) {
	case SCAN:
	case SCAN_SCALAR:
		*sink += analytics_count_rows(in->text, in->text_len);
		break;
	case MEMCHR_LINES:
		*sink += memchr_lines(in->text, in->text_len);
		break;
	case MEMCHR_ONCE:
		*sink += memchr(in->text, '\x01', in->text_len) == NULL;
		break;
	case TRANSPOSE:
		analytics_transpose(x->dst[r->big], in->matrix, in->side);
		break;
	case MEMCPY:
		memcpy(x->dst[r->big], in->matrix, cells * 4);
		break;
	}
	double ms = timing_now_ns() / 1e6 - start;
	*sink += x->dst[r->big][cells / 3];
	return ms;
}

int main(int argc, char **argv)
{
	size_t text = 0, side = 0;
	unsigned long long seed = 1;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--text"))
			text = strtoull(argv[i + 1], NULL, 10);
		else if (!strcmp(argv[i], "--matrix"))
			side = strtoull(argv[i + 1], NULL, 10);
		else if (!strcmp(argv[i], "--seed"))
			seed = strtoull(argv[i + 1], NULL, 10);
	}
	if (text == 0 || side == 0) {
		fputs("usage: baselines --text BYTES --matrix SIDE [--seed S]\n", stderr);
		return 2;
	}
	struct inputs x;
	for (int big = 0; big < 2; big++) {
		size_t s = big ? 2 * side : side;
		analytics_input_make(&x.in[big], 0, big ? 16 * text : text, s, seed + big, 0);
		x.dst[big] = bench_input_alloc(s * s * 4);
		memset(x.dst[big], 1, s * s * 4); /* touched now: no page faults while timing */
	}

	double ms[N_ROWS][RUNS], bytes[N_ROWS], median[N_ROWS];
	volatile size_t sink = 0;
	for (int r = 0; r < RUNS; r++) /* interleaved: a slow moment hits every row alike */
		for (size_t k = 0; k < N_ROWS; k++)
			ms[k][r] = run(&rows[k], &x, &bytes[k], &sink);
	printf("| kernel | input | median time | GB/s | vs the baseline | target |\n");
	printf("|---|---|---|---|---|---|\n");
	for (size_t k = 0; k < N_ROWS; k++) {
		qsort(ms[k], RUNS, sizeof ms[k][0], timing_by_value);
		median[k] = ms[k][RUNS / 2];
	}
	for (size_t k = 0; k < N_ROWS; k++) {
		char versus[64] = "baseline";
		if (rows[k].baseline >= 0)
			snprintf(versus, sizeof versus, "%.2fx row %d",
			         median[k] / median[rows[k].baseline], rows[k].baseline + 1);
		printf("| %zu. %s | %.0f MiB | %.3f ms | %.1f | %s | %s |\n", k + 1, rows[k].name,
		       bytes[k] / 1048576, median[k], bytes[k] / median[k] / 1e6, versus,
		       rows[k].target);
	}
	printf(
	    "\nmedian of %d interleaved runs; text %zu and %zu bytes, matrices %zu and %zu square "
	    "(uint32), seed %llu\n",
	    RUNS, text, 16 * text, side, 2 * side, seed);
	for (int big = 0; big < 2; big++)
		analytics_input_free(&x.in[big]);
	return sink == 42; /* never: sink only keeps the results alive */
}
