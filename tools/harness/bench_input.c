/* bench_input.c: input memory for bench drivers, from mmap so massif never counts it. */
#include "bench_input.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

void *bench_input_alloc(size_t size)
{
	if (size == 0)
		size = 1;
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("bench: cannot map input memory");
		exit(2);
	}
	return p;
}

void bench_input_free(void *p, size_t size)
{
	if (p != NULL)
		munmap(p, size == 0 ? 1 : size);
}
