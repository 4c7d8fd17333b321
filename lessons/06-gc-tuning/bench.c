/* bench.c: lesson 06's workload driver. Replays the seeded request stream (doccache_input.h)
 * against the cache, tells it traffic has stopped, then runs a batch job that takes 8 MiB of its
 * own (mapped memory, as a second process would; it touches every page), and prints a checksum of
 * every answer. --gc-off sets GOGC=off; --stats prints the heap's, malloc's and the kernel's
 * numbers to stderr after the region. */
#include <malloc.h>
#include <stdio.h>
#include <sys/resource.h>

#include "bench_args.h"
#include "bench_input.h"
#include "checksum.h"
#include "doccache.h"
#include "doccache_input.h"
#include "exec_deny.h"
#include "region.h"

/* The batch job's memory: what the cache kept after its live data shrank competes with this. */
#define BATCH_BYTES (8u << 20)

static void print_stats(const struct gc_heap *h)
{
	struct mallinfo2 mi = mallinfo2();
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	fprintf(stderr,
	        "collections %llu  heap peak %zu  heap now %zu  live %zu\n"
	        "mallinfo2: arena %zu  in use %zu  free %zu  mmap %zu (%zu blocks)  top %zu\n"
	        "max_rss %ld KiB  minor_faults %ld\n",
	        (unsigned long long)h->collections, h->peak_bytes, h->bytes, h->live_bytes,
	        mi.arena, mi.uordblks, mi.fordblks, mi.hblkhd, mi.hblks, mi.keepcost, ru.ru_maxrss,
	        ru.ru_minflt);
}

int main(int argc, char **argv)
{
	struct bench_option opt[] = {{.name = "--keys"},
	                             {.name = "--events"},
	                             {.name = "--growth-percent"},
	                             {.name = "--limit"},
	                             {.name = "--seed"},
	                             {.name = "--gc-off", .is_flag = 1},
	                             {.name = "--stats", .is_flag = 1}};

	if (exec_deny_install() != 0) {
		perror("bench: cannot install the exec filter");
		return 2;
	}
	if (bench_args(argc, argv, opt, 7) != 0)
		return 2;
	if (opt[0].value < 4 || opt[0].value > 1 << 20 || opt[1].value < opt[0].value) {
		fputs("bench: want 4 <= --keys <= 1048576 and --events >= --keys\n", stderr);
		return 2;
	}

	struct doccache_input in;
	doccache_input_make(&in, (uint32_t)opt[0].value, opt[1].value, opt[4].value);
	struct doccache_config cfg = {opt[5].value ? -1 : (int)opt[2].value, opt[3].value};
	uint64_t h = CHECKSUM_INIT;

	REGION_BEGIN();
	struct doccache *c = doccache_new(&cfg, in.keys);
	for (size_t i = 0; i < in.n; i++) {
		const struct doc_event *e = &in.events[i];
		if (e->op == DOC_PUT)
			doccache_put(c, e->key, e->size, e->seed, i + 1);
		else if (e->op == DOC_GET)
			h = checksum_u64(h, doccache_get(c, e->key, i + 1));
		else
			doccache_drop(c, e->key);
	}
	doccache_idle(c);
	unsigned char *batch = bench_input_alloc(BATCH_BYTES);
	for (size_t off = 0; off < BATCH_BYTES; off += 4096) /* one write makes a page resident */
		batch[off] = 0x5a;
	REGION_END();

	printf("checksum %016llx\n", (unsigned long long)h);
	if (opt[6].value)
		print_stats(doccache_heap(c));
	doccache_free(c);
	bench_input_free(batch, BATCH_BYTES);
	doccache_input_free(&in);
	return 0;
}
