/* test_doccache.c: lesson 06's suites. `correct` replays seeded request streams against the
 * cache and against a plain model with no collector; `task` checks the pacing policy of
 * doccache.h, both the formula and when the cache really collects; `budget` checks the bench
 * region's instructions, collector work, collections, allocations, peak heap and peak RSS
 * against lesson.ini. What the heap holds, when it was collected and how much survived come
 * from the collector's own books (gc_audit.h), which no cache can write, and the tests find a
 * cache's heap there too, without asking the cache (doccache_heap) whether it is watched. */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "budget.h"
#include "doc_body.h"
#include "doccache.h"
#include "doccache_input.h"
#include "gc_audit.h"

/* {=== the model: the same cache as plain arrays, no collector; the behaviour to match ===} */
struct model {
	uint32_t keys;
	uint64_t *version, *hits, *last, *seed; /* version 0: no document */
	uint32_t *size;
	unsigned char *scratch; /* a body, regenerated from its seed when served */
};

static void model_init(struct model *m, uint32_t keys)
{
	m->keys = keys;
	m->version = calloc(keys, 8);
	m->hits = calloc(keys, 8);
	m->last = calloc(keys, 8);
	m->seed = calloc(keys, 8);
	m->size = calloc(keys, 4);
	m->scratch = malloc(1 << 20);
	cr_assert(m->version && m->hits && m->last && m->seed && m->size && m->scratch);
}

static void model_put(struct model *m, uint32_t key, uint32_t size, uint64_t seed, uint64_t now)
{
	m->version[key]++;
	m->hits[key] = 0;
	m->last[key] = now;
	m->seed[key] = seed;
	m->size[key] = size;
}

static uint64_t model_get(struct model *m, uint32_t key, uint64_t now)
{
	if (m->version[key] == 0)
		return 0;
	uint64_t last = m->last[key];
	m->hits[key]++;
	m->last[key] = now;
	doc_fill(m->scratch, m->size[key], m->seed[key]);
	return doccache_answer(doc_digest(m->scratch, m->size[key]), m->version[key], m->hits[key],
	                       last);
}

static void model_free(struct model *m)
{
	free(m->version);
	free(m->hits);
	free(m->last);
	free(m->seed);
	free(m->size);
	free(m->scratch);
}
/* }=== */

/* {=== the collector's books: what the cache really keeps on its heap ===} */

/* A new cache, and the heap it keeps its documents on: the one heap that appeared in the
 * collector's books while doccache_new ran. */
static struct doccache *new_cache(struct doccache_config cfg, uint32_t keys, struct gc_heap **heap)
{
	struct gc_heap *before[64], *after[64];
	size_t n_before = gc_audit_heaps(before, 64);
	struct doccache *c = doccache_new(&cfg, keys);
	size_t n_after = gc_audit_heaps(after, 64);
	cr_assert(
	    n_after == n_before + 1,
	    "doccache_new made %zu collected heaps, want 1: doccache.h keeps every document on "
	    "one collected heap (gc_init)",
	    n_after - n_before);
	*heap = NULL;
	for (size_t i = 0; i < n_after && *heap == NULL; i++) {
		*heap = after[i];
		for (size_t j = 0; j < n_before; j++)
			if (before[j] == after[i])
				*heap = NULL;
	}
	return c;
}

static struct gc_audit books(const struct gc_heap *h)
{
	struct gc_audit a;
	cr_assert(gc_audit(h, &a) == 0,
	          "the cache's collected heap is gone (gc_destroy) while the cache is in use");
	return a;
}

/* Every byte gc_new gave out that no collection freed is still on the heap's list of objects:
 * a document leaves the heap only through gc_collect, never by a cache's own free. */
static struct gc_audit expect_books_balanced(const struct gc_heap *h, const char *what)
{
	struct gc_audit a = books(h);
	size_t listed = gc_audit_listed(h);
	cr_assert(listed == a.held,
	          "%s: the heap lists %zu bytes of objects, but gc_new gave out %zu that no "
	          "collection freed: objects left the heap without the collector (only gc_collect "
	          "may free a document) — see README \"Your task\"",
	          what, listed, a.held);
	return a;
}

/* Between two calls the cache is at a safe point (doccache.h): the harness collects its heap
 * itself, and what survives must hold at least every body the model still has. */
static void expect_documents_survive(struct gc_heap *h, const struct model *m, const char *what)
{
	size_t bodies = 0;
	for (uint32_t k = 0; k < m->keys; k++)
		if (m->version[k] != 0)
			bodies += m->size[k];
	gc_collect(h);
	struct gc_audit a = expect_books_balanced(h, what);
	cr_assert(a.live >= bodies,
	          "%s: after a collection between two calls the heap holds %zu bytes, but the "
	          "cache's documents have %zu bytes of body: every document lives on the collected "
	          "heap, reachable from a root — see README \"Your task\"",
	          what, a.live, bodies);
}
/* }=== */

/* {=== the pacing oracle: doccache.h's policy, written as plainly as possible ===} */
static size_t oracle_goal(size_t live, int growth_percent, size_t limit)
{
	unsigned __int128 goal =
	    growth_percent < 0 ? (unsigned __int128)SIZE_MAX
	                       : live + (unsigned __int128)live * (unsigned)growth_percent / 100;
	if (growth_percent >= 0 && goal < DOCCACHE_MIN_HEAP)
		goal = DOCCACHE_MIN_HEAP;
	if (limit != 0 && limit < goal) {
		size_t floor = live + live / 16;
		goal = limit > floor ? limit : floor;
	}
	return (size_t)goal;
}
/* }=== */

/* Replays the stream of (keys, n, seed) against a cache with cfg and against the model;
 * compares every answer (at most 10 mismatches reported). Calls doccache_idle at the end and
 * serves every key again. With collect_every, the harness collects the cache's heap itself
 * every collect_every events and checks the documents survive it. */
static void expect_same_answers_collected(uint32_t keys, size_t n, uint64_t seed,
                                          struct doccache_config cfg, size_t collect_every)
{
	struct doccache_input in;
	struct model m;
	struct gc_heap *heap;
	doccache_input_make(&in, keys, n, seed);
	model_init(&m, keys);
	struct doccache *c = new_cache(cfg, keys, &heap);
	size_t bad = 0;
	char what[160];
	snprintf(what, sizeof what,
	         "keys %" PRIu32 ", %zu events, seed %" PRIu64 ", growth_percent %d, limit %zu",
	         keys, n, seed, cfg.growth_percent, cfg.soft_limit);
	for (size_t i = 0; i <= n + keys; i++) {
		const struct doc_event *e = i < n ? &in.events[i] : NULL;
		uint64_t got = 0, want = 0;
		if (i == n) {
			doccache_idle(c);
			continue;
		}
		if (e == NULL) { /* after the idle call: serve every key once more */
			uint32_t key = (uint32_t)(i - n - 1);
			got = doccache_get(c, key, i + 1);
			want = model_get(&m, key, i + 1);
		} else if (e->op == DOC_PUT) {
			doccache_put(c, e->key, e->size, e->seed, i + 1);
			model_put(&m, e->key, e->size, e->seed, i + 1);
		} else if (e->op == DOC_GET) {
			got = doccache_get(c, e->key, i + 1);
			want = model_get(&m, e->key, i + 1);
		} else {
			doccache_drop(c, e->key);
			m.version[e->key] = 0;
		}
		if (got != want && ++bad <= 10)
			cr_expect_fail("%s: event %zu (get key %" PRIu32 "): got %016" PRIx64
			               ", want %016" PRIx64,
			               what, i, e ? e->key : (uint32_t)(i - n - 1), got, want);
		if (collect_every != 0 && (i % collect_every == 0 || i == n))
			expect_documents_survive(heap, &m, what);
	}
	cr_assert(bad == 0, "%s: %zu answers differ (at most 10 shown above)", what, bad);
	expect_books_balanced(heap, what);
	doccache_free(c);
	model_free(&m);
	doccache_input_free(&in);
}

static void expect_same_answers(uint32_t keys, size_t n, uint64_t seed, struct doccache_config cfg)
{
	expect_same_answers_collected(keys, n, seed, cfg, 0);
}

/* Criterion's --timeout flag does nothing in 2.4.1; a suite's .timeout works. Budget tests carry
 * none: the Valgrind runner bounds them (DESIGN section 4.3). */
TestSuite(correct, .timeout = 30);
TestSuite(task, .timeout = 30);

Test(correct, answers_like_the_model_with_go_defaults_and_a_soft_limit)
{
	expect_same_answers(256, 8000, 1, (struct doccache_config){100, 2u << 20});
	expect_same_answers(256, 8000, 2, (struct doccache_config){100, 0});
}

Test(correct, answers_like_the_model_under_a_limit_below_the_live_heap)
{
	expect_same_answers(256, 8000, 3, (struct doccache_config){100, 64 * 1024});
}

Test(correct, answers_like_the_model_with_the_collector_off)
{
	expect_same_answers(128, 4000, 4, (struct doccache_config){-1, 0});
}

Test(correct, counts_versions_hits_and_last_access)
{
	struct doccache_config cfg = {100, 0};
	struct doccache *c = doccache_new(&cfg, 4);
	unsigned char body[100];
	doc_fill(body, 100, 77);
	uint64_t d = doc_digest(body, 100);
	cr_assert(doccache_get(c, 2, 1) == 0, "get of key 2 in a new cache: got nonzero, want 0");
	doccache_put(c, 2, 50, 9, 2);
	doccache_put(c, 2, 100, 77, 3); /* replaces: version 2, hits 0 */
	struct {
		uint64_t now, got, want;
	} step[] = {{5, 0, doccache_answer(d, 2, 1, 3)}, {8, 0, doccache_answer(d, 2, 2, 5)}};
	for (int i = 0; i < 2; i++) {
		step[i].got = doccache_get(c, 2, step[i].now);
		cr_assert(step[i].got == step[i].want,
		          "get %d of key 2 (put at 2 and 3, got at 5 then 8): got %016" PRIx64
		          ", want %016" PRIx64 " (version 2, hits %d, last %s)",
		          i + 1, step[i].got, step[i].want, i + 1, i ? "5" : "3");
	}
	doccache_drop(c, 2);
	cr_assert(doccache_get(c, 2, 9) == 0, "get after drop: got nonzero, want 0");
	doccache_put(c, 2, 100, 77, 10);
	uint64_t got = doccache_get(c, 2, 11), want = doccache_answer(d, 1, 1, 10);
	cr_assert(got == want,
	          "put after drop, then get: got %016" PRIx64 ", want %016" PRIx64
	          " (version 1 again)",
	          got, want);
	doccache_free(c);
}

Test(correct, keeps_documents_on_the_collected_heap)
{
	struct doccache_config cfg = {-1, 0}; /* nothing is collected: every byte stays counted */
	struct gc_heap *h;
	struct doccache *c = new_cache(cfg, 8, &h);
	for (uint32_t key = 0; key < 8; key++) {
		size_t before = books(h).held;
		doccache_put(c, key, 3000, key, key + 1);
		size_t held = expect_books_balanced(h, "put of a 3000-byte body").held;
		cr_assert(
		    held - before >= 3000,
		    "put of a 3000-byte body under key %" PRIu32
		    ": the collected heap grew by %zu bytes; doccache.h keeps every document on "
		    "it (gc_new), body included",
		    key, held - before);
	}
	doccache_free(c);
}

Test(correct, documents_survive_a_collection_between_any_two_calls)
{
	expect_same_answers_collected(256, 8000, 6, (struct doccache_config){100, 0}, 61);
	expect_same_answers_collected(64, 3000, 7, (struct doccache_config){-1, 0}, 17);
}

/* A body far larger than the workload's (100,000 bytes) and the largest doccache.h allows. */
Test(correct, serves_large_bodies)
{
	static const uint32_t sizes[] = {100000, 1u << 20, 1, 65536};
	struct doccache_config cfg = {100, 0};
	struct model m;
	struct gc_heap *h;
	model_init(&m, 4);
	struct doccache *c = new_cache(cfg, 4, &h);
	for (uint64_t now = 1; now <= 12; now++) {
		uint32_t key = (uint32_t)(now % 4), size = sizes[(now / 4 + key) % 4];
		if (now % 3 == 0) {
			doccache_put(c, key, size, now * 7, now);
			model_put(&m, key, size, now * 7, now);
		}
		uint64_t got = doccache_get(c, key, now), want = model_get(&m, key, now);
		cr_assert(got == want,
		          "get of key %" PRIu32 " (a body of %" PRIu32 " bytes) at %" PRIu64
		          ": got %016" PRIx64 ", want %016" PRIx64,
		          key, m.size[key], now, got, want);
		expect_documents_survive(h, &m, "large bodies");
	}
	doccache_free(c);
	model_free(&m);
}

/* Two caches at once, each with its own keys, policy and heap: nothing may be shared. */
Test(correct, two_caches_keep_their_own_documents)
{
	struct doccache_config cfg[2] = {{100, 0}, {50, 256 * 1024}};
	const uint32_t keys[2] = {64, 300};
	struct doccache_input in[2];
	struct model m[2];
	struct doccache *c[2];
	struct gc_heap *h[2];
	for (int k = 0; k < 2; k++) {
		doccache_input_make(&in[k], keys[k], 6000, 8 + (uint64_t)k);
		model_init(&m[k], keys[k]);
		c[k] = new_cache(cfg[k], keys[k], &h[k]);
	}
	for (size_t i = 0; i < 6000; i++)
		for (int k = 0; k < 2; k++) {
			const struct doc_event *e = &in[k].events[i];
			uint64_t got = 0, want = 0;
			if (e->op == DOC_PUT) {
				doccache_put(c[k], e->key, e->size, e->seed, i + 1);
				model_put(&m[k], e->key, e->size, e->seed, i + 1);
			} else if (e->op == DOC_GET) {
				got = doccache_get(c[k], e->key, i + 1);
				want = model_get(&m[k], e->key, i + 1);
			} else {
				doccache_drop(c[k], e->key);
				m[k].version[e->key] = 0;
			}
			cr_assert(got == want,
			          "cache %d of two (keys %" PRIu32 "), event %zu (get key %" PRIu32
			          "): got %016" PRIx64 ", want %016" PRIx64,
			          k + 1, keys[k], i, e->key, got, want);
			if (i % 500 == 0)
				expect_documents_survive(h[k], &m[k],
				                         k ? "cache 2 of two" : "cache 1 of two");
		}
	for (int k = 0; k < 2; k++) {
		doccache_free(c[k]);
		model_free(&m[k]);
		doccache_input_free(&in[k]);
	}
}

/* Every key of a 4096-key cache (the workload has 512): run under ASan by make lesson06. */
Test(correct, serves_every_key_of_a_4096_key_cache)
{
	const uint32_t keys = 4096;
	struct doccache_config cfg = {100, 0};
	struct model m;
	struct gc_heap *h;
	model_init(&m, keys);
	struct doccache *c = new_cache(cfg, keys, &h);
	uint64_t now = 1;
	for (int round = 0; round < 2; round++) {
		for (uint32_t key = 0; key < keys; key++, now++) {
			uint32_t size = 16 + (key * 37 + (uint32_t)round * 101) % 700;
			doccache_put(c, key, size, key + 1000 * (uint64_t)round, now);
			model_put(&m, key, size, key + 1000 * (uint64_t)round, now);
		}
		for (uint32_t key = 0; key < keys; key++, now++) {
			if (key % 3 == (uint32_t)round) {
				doccache_drop(c, key);
				m.version[key] = 0;
			}
			uint64_t got = doccache_get(c, key, now), want = model_get(&m, key, now);
			cr_assert(got == want,
			          "4096 keys, round %d, get key %" PRIu32 ": got %016" PRIx64
			          ", want %016" PRIx64,
			          round + 1, key, got, want);
		}
		expect_documents_survive(h, &m, "4096 keys");
	}
	doccache_free(c);
	model_free(&m);
}

Test(correct, keeps_every_document_through_idle)
{
	expect_same_answers(64, 64, 5, (struct doccache_config){100, 0});
}

/* {=== task: the pacing policy ===} */
Test(task, goal_follows_the_growth_factor)
{
	struct {
		size_t live;
		int growth_percent;
		size_t want;
	} t[] = {{4u << 20, 100, 8u << 20},
	         {4u << 20, 50, 6u << 20},
	         {4u << 20, 0, 4u << 20},
	         {4u << 20, 300, 16u << 20},
	         {1000001, 100, 2000002},
	         {999, 250, DOCCACHE_MIN_HEAP},
	         {0, 100, DOCCACHE_MIN_HEAP},
	         {200000, 100, 400000},
	         {SIZE_MAX / 64, 100, SIZE_MAX / 64 * 2}};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		struct doccache_config cfg = {t[i].growth_percent, 0};
		size_t got = doccache_goal(t[i].live, &cfg);
		cr_expect(got == t[i].want,
		          "doccache_goal(live %zu, growth_percent %d, no limit): got %zu, want %zu",
		          t[i].live, t[i].growth_percent, got, t[i].want);
	}
}

Test(task, goal_is_off_with_growth_off_and_no_limit)
{
	struct doccache_config cfg = {-1, 0};
	size_t got = doccache_goal(12345, &cfg);
	cr_assert(got == SIZE_MAX,
	          "doccache_goal(live 12345, growth_percent off, no limit): got %zu, want "
	          "SIZE_MAX",
	          got);
}

Test(task, goal_stops_at_the_soft_limit_but_not_below_a_sixteenth_of_growth)
{
	struct {
		size_t live;
		int growth_percent;
		size_t limit, want;
	} t[] = {{4u << 20, 100, 6u << 20, 6u << 20},
	         {4u << 20, 100, 9u << 20, 8u << 20},
	         {4u << 20, 100, 4u << 20, 4456448},
	         {4u << 20, 100, 1u << 20, 4456448},
	         {4u << 20, -1, 6u << 20, 6u << 20},
	         {0, 100, 100000, 100000},
	         {1600, 100, 1000, 1700},
	         {4u << 20, 100, 8u << 20, 8u << 20}};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		struct doccache_config cfg = {t[i].growth_percent, t[i].limit};
		size_t got = doccache_goal(t[i].live, &cfg);
		cr_expect(
		    got == t[i].want,
		    "doccache_goal(live %zu, growth_percent %d, soft limit %zu): got %zu, want %zu",
		    t[i].live, t[i].growth_percent, t[i].limit, got, t[i].want);
	}
}

/* The largest a put may allocate: a 16 KiB body and a few words of metadata, with room. */
#define ONE_OPERATION (20 * 1024)

/* Replays the lesson's stream with cfg and checks, around every call, that the cache collects
 * when its heap reaches the goal of doccache.h and not before. The heap's numbers come from the
 * collector's books, and the heap is found there: the cache is never asked for it, so it cannot
 * pace one way when watched and another when not. */
static void expect_paced(struct doccache_config cfg)
{
	struct doccache_input in;
	struct gc_heap *h;
	doccache_input_make(&in, 512, 40000, 1);
	struct doccache *c = new_cache(cfg, in.keys, &h);
	uint64_t destroys = gc_audit_destroys();
	char what[96];
	snprintf(what, sizeof what,
	         "lesson stream (keys 512, 40000 events), growth_percent %d, limit %zu",
	         cfg.growth_percent, cfg.soft_limit);
	for (size_t i = 0; i < in.n; i++) {
		const struct doc_event *e = &in.events[i];
		struct gc_audit was = books(h);
		if (e->op == DOC_PUT)
			doccache_put(c, e->key, e->size, e->seed, i + 1);
		else if (e->op == DOC_GET)
			doccache_get(c, e->key, i + 1);
		else
			doccache_drop(c, e->key);
		cr_assert(
		    gc_audit_destroys() == destroys,
		    "%s: event %zu destroyed a collected heap (gc_destroy): only gc_collect frees "
		    "documents while the cache is in use — see README \"Pacing\"",
		    what, i);
		struct gc_audit now = i % 256 == 0 ? expect_books_balanced(h, what) : books(h);
		size_t goal = oracle_goal(was.live, cfg.growth_percent, cfg.soft_limit);
		size_t reached = was.held + (size_t)(now.allocated - was.allocated);
		cr_assert(
		    now.collections == was.collections || reached >= goal,
		    "%s: event %zu collected early: the heap had %zu bytes and its goal was %zu "
		    "(%zu live after the last collection) — see README \"Pacing\"",
		    what, i, reached, goal, was.live);
		size_t now_goal = oracle_goal(now.live, cfg.growth_percent, cfg.soft_limit);
		cr_assert(
		    now.held <= now_goal || now.held - now_goal <= ONE_OPERATION,
		    "%s: after event %zu the heap holds %zu bytes, its goal is %zu (%zu live): "
		    "it should have collected — see README \"Pacing\"",
		    what, i, now.held, now_goal, now.live);
	}
	doccache_free(c);
	doccache_input_free(&in);
}

Test(task, collects_at_the_goal_of_the_growth_factor)
{
	expect_paced((struct doccache_config){100, 0});
	expect_paced((struct doccache_config){300, 0});
}

Test(task, collects_earlier_near_the_soft_limit)
{
	expect_paced((struct doccache_config){100, 5u << 20});
	expect_paced((struct doccache_config){-1, 4u << 20});
}
/* }=== */

/* {=== budget: limits from lesson.ini; a failure says the value, the budget, where to look ===} */
static void expect_at_most(const char *metric, double got, const char *unit, const char *see)
{
	double budget = budget_of(metric);
	cr_assert(
	    got <= budget,
	    "%s in the bench region (%s --seed %llu): %.4g%s (budget: %.4g%s) — see README \"%s\"",
	    metric, budget_manifest()->args, budget_manifest()->seed, got, unit, budget, unit, see);
}

/* gc_collect's inclusive instructions in the region, as the grader computes instr.gc_collect */
static double collector_work(const struct vg_result *r)
{
	double work = 0;
	vg_metric_value(r, "instr.gc_collect", "", &work);
	return work;
}

Test(budget, instructions_within_budget)
{
	budget_skip_off_reference_arch("instruction");
	struct vg_result r;
	budget_measure(VG_CALLGRIND, &r);
	double got = (double)r.instructions;
	vg_result_free(&r);
	expect_at_most("instructions", got, "", "What's slow");
}

Test(budget, collector_work_within_budget)
{
	struct vg_result r;
	budget_measure(VG_CALLGRIND, &r);
	double work = collector_work(&r);
	vg_result_free(&r);
	expect_at_most("instr.gc_collect", work, "", "Pacing");
}

Test(budget, collections_within_budget)
{
	struct vg_result r;
	budget_measure(VG_CALLGRIND, &r);
	double got = (double)vg_calls(&r, "gc_collect");
	vg_result_free(&r);
	expect_at_most("calls.gc_collect", got, "", "Pacing");
}

Test(budget, allocations_within_budget)
{
	struct vg_result r;
	budget_measure(VG_CALLGRIND, &r);
	double got = (double)r.allocations;
	vg_result_free(&r);
	expect_at_most("allocations", got, "", "Values inline");
}

Test(budget, peak_heap_within_budget)
{
	struct vg_result r;
	budget_measure(VG_MASSIF, &r);
	double got = (double)r.peak_heap;
	vg_result_free(&r);
	expect_at_most("peak_heap", got, " bytes", "Soft limit");
}

Test(budget, peak_rss_within_budget)
{
	if (!budget_arch_is_reference())
		cr_skip_test(
		    "peak RSS budgets hold on x86-64 with glibc 2.36 only; this is not one");
	struct native_result r;
	budget_measure_native(&r);
	expect_at_most("max_rss", (double)r.max_rss, " bytes", "Giving memory back");
}
/* }=== */
