/* pool_token.c: lesson 03's cancellation token (pool.h), course-owned: a flag and a deadline.
 * Built as its own object, so a call from pool.c into it is always a real call. */
#include "pool.h"

#include <time.h>

void pool_token_init(struct pool_token *t, uint64_t deadline_ns)
{
	atomic_init(&t->cancelled, 0);
	t->deadline_ns = deadline_ns;
}

void pool_token_cancel(struct pool_token *t)
{
	atomic_store_explicit(&t->cancelled, 1, memory_order_release);
}

int pool_token_done(const struct pool_token *t)
{
	if (t == NULL)
		return 0;
	/* the cast drops const only for C11's atomic_load, which takes a non-const pointer */
	if (atomic_load_explicit((atomic_int *)&t->cancelled, memory_order_acquire))
		return 1;
	return t->deadline_ns != 0 && pool_now_ns() >= t->deadline_ns;
}

uint64_t pool_now_ns(void)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}
