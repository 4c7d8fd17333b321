/* bench_input.h: memory for a bench driver's inputs, taken with mmap rather than malloc so that
 * massif (which sees only the heap) measures the student's allocations and nothing of the
 * driver's own. Aborts with a message on failure: a bench that cannot map its input is broken. */
#ifndef BENCH_INPUT_H
#define BENCH_INPUT_H

#include <stddef.h>

/* size bytes of zeroed memory; release with bench_input_free(p, size). */
void *bench_input_alloc(size_t size);
void bench_input_free(void *p, size_t size);

#endif
