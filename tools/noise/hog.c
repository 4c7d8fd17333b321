/* hog.c: the load of `make test-noise` (tools/test_noise.sh). "hog cpu" spins on one CPU;
 * "hog mem" streams through two 32 MiB buffers, far past the last-level cache, so it takes
 * memory bandwidth as well as a CPU. Both run until killed: the script that starts them stops
 * them, whatever way it ends. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MEM_BYTES (32u << 20)

static void spin(void)
{
	volatile uint64_t x = 1;
	for (;;)
		x = x * 6364136223846793005u + 1442695040888963407u;
}

static void stream(void)
{
	unsigned char *a = malloc(MEM_BYTES), *b = malloc(MEM_BYTES);
	if (a == NULL || b == NULL) {
		fputs("hog: out of memory\n", stderr);
		exit(1);
	}
	memset(a, 1, MEM_BYTES);
	for (unsigned char k = 0;; k++) {
		memcpy(b, a, MEM_BYTES);
		a[k % MEM_BYTES] = b[(k * 4099u) % MEM_BYTES] + k; /* the copies are used */
	}
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "cpu") == 0)
		spin();
	if (argc == 2 && strcmp(argv[1], "mem") == 0)
		stream();
	fputs("usage: hog cpu|mem\n", stderr);
	return 2;
}
