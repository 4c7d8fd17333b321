/* baselines.c: `make baselines LESSON=06` (baselines.sh runs it). Each run prints one Markdown row:
 *   --course  the reference's pacer on the course's heap: collections, heap, time collecting;
 *   --boehm   the same request stream on Boehm GC (libgc) with $BOEHM_DIVISOR as
 *             GC_free_space_divisor: the same columns;
 *   neither   the reference cache once, with or without its idle call (--skip-idle), and the
 *             bench's batch job, under whatever malloc is loaded (baselines.sh preloads jemalloc
 *             or mimalloc): peak RSS, minor faults and, for glibc, mallinfo2.
 * The time spent collecting on the course's heap is measured by wrapping gc_collect
 * (-Wl,--wrap=gc_collect in lesson.ini's [baselines] libs); on Boehm's by its collection events. */
#include <gc/gc.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "bench_args.h"
#include "bench_input.h"
#include "checksum.h"
#include "doc_body.h"
#include "doccache.h"
#include "doccache_input.h"
#include "timing.h"

#define RUNS 5

/* {=== the course's heap, its collections timed ===} */
static double gc_ms; /* time inside gc_collect so far */
void __real_gc_collect(struct gc_heap *h);
void __wrap_gc_collect(struct gc_heap *h)
{
	double start = timing_now_ns() / 1e6;
	__real_gc_collect(h);
	gc_ms += timing_now_ns() / 1e6 - start;
}

struct run {
	double total_ms, gc_ms;
	unsigned long collections;
	size_t heap; /* the most heap the collector held */
	uint64_t checksum;
};

static struct run run_doccache(const struct doccache_input *in, struct doccache_config cfg,
                               int idle)
{
	struct run r = {0};
	uint64_t h = CHECKSUM_INIT;
	gc_ms = 0;
	double start = timing_now_ns() / 1e6;
	struct doccache *c = doccache_new(&cfg, in->keys);
	for (size_t i = 0; i < in->n; i++) {
		const struct doc_event *e = &in->events[i];
		if (e->op == DOC_PUT)
			doccache_put(c, e->key, e->size, e->seed, i + 1);
		else if (e->op == DOC_GET)
			h = checksum_u64(h, doccache_get(c, e->key, i + 1));
		else
			doccache_drop(c, e->key);
	}
	if (idle)
		doccache_idle(c);
	r.total_ms = timing_now_ns() / 1e6 - start;
	r.gc_ms = gc_ms;
	r.collections = (unsigned long)doccache_heap(c)->collections;
	r.heap = doccache_heap(c)->peak_bytes;
	r.checksum = h;
	doccache_free(c);
	return r;
}
/* }=== */

/* {=== the same cache on Boehm GC: documents are atomic objects (no pointers inside) ===} */
struct boehm_doc {
	uint64_t version, hits, last;
	uint32_t size;
	unsigned char body[];
};

static double boehm_started, boehm_gc_ms;
static void on_event(GC_EventType e)
{
	if (e == GC_EVENT_START)
		boehm_started = timing_now_ns() / 1e6;
	else if (e == GC_EVENT_END)
		boehm_gc_ms += timing_now_ns() / 1e6 - boehm_started;
}

static struct run run_boehm(const struct doccache_input *in)
{
	struct run r = {0};
	uint64_t h = CHECKSUM_INIT;
	unsigned long gc_before = (unsigned long)GC_get_gc_no();
	boehm_gc_ms = 0;
	double start = timing_now_ns() / 1e6;
	struct boehm_doc **table = GC_MALLOC(in->keys * sizeof *table);
	for (size_t i = 0; i < in->n; i++) {
		const struct doc_event *e = &in->events[i];
		struct boehm_doc *d = table[e->key];
		if (e->op == DOC_PUT) {
			struct boehm_doc *n = GC_MALLOC_ATOMIC(sizeof *n + e->size);
			*n = (struct boehm_doc){d ? d->version + 1 : 1, 0, i + 1, e->size};
			doc_fill(n->body, e->size, e->seed);
			table[e->key] = n;
		} else if (e->op == DOC_GET) {
			uint64_t answer = 0;
			if (d != NULL) {
				uint64_t last = d->last;
				d->hits++;
				d->last = i + 1;
				answer = doccache_answer(doc_digest(d->body, d->size), d->version,
				                         d->hits, last);
			}
			h = checksum_u64(h, answer);
		} else {
			table[e->key] = NULL;
		}
	}
	r.total_ms = timing_now_ns() / 1e6 - start;
	r.gc_ms = boehm_gc_ms;
	r.collections = (unsigned long)GC_get_gc_no() - gc_before;
	r.heap = GC_get_heap_size();
	r.checksum = h;
	table = NULL;
	GC_gcollect(); /* the next run starts from an empty heap (the heap size stays) */
	return r;
}
/* }=== */

/* Median of RUNS runs of one configuration; the counts come from the last run. */
static struct run median_run(const struct doccache_input *in, struct doccache_config cfg, int boehm)
{
	double total[RUNS], gc[RUNS];
	struct run r = {0};
	for (int i = 0; i < RUNS; i++) {
		r = boehm ? run_boehm(in) : run_doccache(in, cfg, 1);
		total[i] = r.total_ms;
		gc[i] = r.gc_ms;
	}
	qsort(total, RUNS, sizeof total[0], timing_by_value);
	qsort(gc, RUNS, sizeof gc[0], timing_by_value);
	r.total_ms = total[RUNS / 2];
	r.gc_ms = gc[RUNS / 2];
	return r;
}

static void print_row(const char *name, struct run r, uint64_t want)
{
	printf("| %s | %lu | %.2f MiB | %.2f | %.2f | %.1f%% | %s |\n", name, r.collections,
	       r.heap / 1048576.0, r.total_ms, r.gc_ms, 100 * r.gc_ms / r.total_ms,
	       r.checksum == want ? "yes" : "NO");
}

/* One row: the course's heap with the reference's pacer, or (boehm) Boehm GC with the divisor in
 * $BOEHM_DIVISOR (default 3): Boehm's heap only grows, so each divisor runs in its own process. */
static int pacing_row(const struct doccache_input *in, struct doccache_config cfg, int boehm)
{
	struct run ref = run_doccache(in, cfg, 1); /* the answers every run must give */
	if (!boehm) {
		print_row("course heap, reference pacer (GOGC=100, 5 MiB soft limit)",
		          median_run(in, cfg, 0), ref.checksum);
		return 0;
	}
	GC_INIT();
	GC_set_on_collection_event(on_event);
	const char *env = getenv("BOEHM_DIVISOR");
	int divisor = env != NULL ? atoi(env) : 3;
	GC_set_free_space_divisor((GC_word)divisor);
	char name[96];
	snprintf(name, sizeof name, "Boehm GC 8.2, `GC_free_space_divisor` = %d%s", divisor,
	         divisor == 3 ? " (default)" : "");
	print_row(name, median_run(in, cfg, 1), ref.checksum);
	return 0;
}

static int malloc_row(const struct doccache_input *in, struct doccache_config cfg, int idle)
{
	const char *preload = getenv("LD_PRELOAD");
	const char *name = preload == NULL || !*preload  ? "glibc 2.36"
	                   : strstr(preload, "jemalloc") ? "jemalloc 5.3"
	                   : strstr(preload, "mimalloc") ? "mimalloc 2.0"
	                                                 : preload;
	char label[160];
	const char *conf = getenv("MALLOC_CONF"), *delay = getenv("MIMALLOC_RESET_DELAY");
	snprintf(label, sizeof label, "%s%s%s%s%s", name, conf ? ", `MALLOC_CONF=" : "",
	         conf ? conf : "", delay ? ", `MIMALLOC_RESET_DELAY=" : "", delay ? delay : "");
	if (conf || delay)
		strcat(label, "`");
	double start = timing_now_ns() / 1e6;
	run_doccache(in, cfg, idle);
	/* the batch job of bench.c: 8 MiB of its own, every page touched */
	size_t batch_bytes = 8u << 20;
	unsigned char *batch = bench_input_alloc(batch_bytes);
	for (size_t off = 0; off < batch_bytes; off += 4096)
		batch[off] = 0x5a;
	double ms = timing_now_ns() / 1e6 - start;
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	struct mallinfo2 mi = mallinfo2();
	char info[128] = "–";
	if (preload == NULL || !*preload)
		snprintf(info, sizeof info, "%.2f MiB held, %.2f MiB of it free",
		         mi.arena / 1048576.0, mi.fordblks / 1048576.0);
	printf("| %s | %s | %.1f MiB | %ld | %.1f | %s |\n", label,
	       idle ? "collect + `malloc_trim(0)`" : "nothing", ru.ru_maxrss / 1024.0, ru.ru_minflt,
	       ms, info);
	bench_input_free(batch, batch_bytes);
	return 0;
}

int main(int argc, char **argv)
{
	struct bench_option opt[] = {{.name = "--keys"},
	                             {.name = "--events"},
	                             {.name = "--growth-percent"},
	                             {.name = "--limit"},
	                             {.name = "--seed"},
	                             {.name = "--course", .is_flag = 1},
	                             {.name = "--boehm", .is_flag = 1},
	                             {.name = "--skip-idle", .is_flag = 1}};
	if (bench_args(argc, argv, opt, 8) != 0)
		return 2;
	struct doccache_input in;
	doccache_input_make(&in, (uint32_t)opt[0].value, opt[1].value, opt[4].value);
	struct doccache_config cfg = {(int)opt[2].value, opt[3].value};
	int status = opt[5].value || opt[6].value ? pacing_row(&in, cfg, (int)opt[6].value)
	                                          : malloc_row(&in, cfg, !opt[7].value);
	doccache_input_free(&in);
	return status;
}
