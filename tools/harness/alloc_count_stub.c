/* alloc_count_stub.c: weak stand-ins for alloc_count's readers, kept in the harness library so
 * every test links in every build variant. The asan, tsan and valgrind builds have no
 * interposer (it crashes under ASan, reads zero under Valgrind: DESIGN section 4.2). */
#include "alloc_count.h"

/* Weak, so that alloc_count.o's strong definitions win wherever the interposer is linked:
 * before the library on the link line the archive member is never pulled in, and after it
 * (or with --whole-archive) the linker still prefers the strong symbols. */
__attribute__((weak)) struct alloc_counts alloc_count_now(void)
{
	struct alloc_counts none = {0, 0, 0, 0};
	return none;
}

__attribute__((weak)) struct alloc_counts alloc_count_delta(struct alloc_counts before,
                                                            struct alloc_counts after)
{
	struct alloc_counts d = {
	    .allocations = after.allocations - before.allocations,
	    .frees = after.frees - before.frees,
	    .bytes = after.bytes - before.bytes,
	    .mappings = after.mappings - before.mappings,
	};
	return d;
}

/* 0: callers skip their allocation checks and say so instead of passing on zero counts. */
__attribute__((weak)) int alloc_count_available(void)
{
	return 0;
}
