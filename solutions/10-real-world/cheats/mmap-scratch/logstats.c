/* cheat: takes 64 MiB with mmap and touches it all, memory that massif's peak_heap never sees
 * The reference's logstats.c with a scratch area from mmap: the peak_heap cap said "ok" and its
 * budget passed. budget::native_peak_rss_within_budget reads the bench's peak resident set
 * natively (about 70 MB here, budget 16 MiB), and a failed budget caps the grade at the top of
 * partial_band (65), where the reference scores 100.
 * Expected: score at most 65
 */
#include "logstats.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

#define ARENA_BLOCK (64 * 1024)
#define OCTAVES     (LOGSTATS_BUCKETS / 64) /* 27 rows of 64 buckets, allocated when touched */
#define MIN_CHUNK   65536 /* bytes of log per worker, at least: a thread costs 50-100 us */
#define MAX_STATUS  1000

/* {=== arena: keys and histogram rows, freed all at once ===} */
struct block {
	struct block *next;
	size_t used;
	_Alignas(16) char data[ARENA_BLOCK];
};

/* size bytes (at most ARENA_BLOCK), zeroed, 16-byte aligned; NULL when out of memory. */
static void *arena_alloc(struct block **head, size_t size)
{
	size = (size + 15) & ~(size_t)15;
	struct block *b = *head;
	if (b == NULL || ARENA_BLOCK - b->used < size) {
		if ((b = malloc(sizeof *b)) == NULL)
			return NULL;
		b->next = *head, b->used = 0, *head = b;
	}
	void *p = b->data + b->used;
	b->used += size;
	return memset(p, 0, size);
}
/* }=== */

/* {=== open-addressing maps keyed by byte strings, the tally ===} */
/* A map's slot starts with its key: the map code sees every slot as a struct key. */
struct key {
	const char *s; /* in the arena; NULL: the slot is empty */
	uint32_t len, hash;
};

/* Open addressing: a power-of-two array of slots of `size` bytes, linear probing, at most half
 * full, so a probe sequence stays short; the hash in the slot spares most key comparisons. */
struct map {
	char *slots;
	size_t size, mask, count;
};

static void *map_slot(const struct map *m, size_t i)
{
	return m->slots + i * m->size;
}

/* An empty map of cap (a power of two) slots of size bytes; -1 when out of memory. */
static int map_init(struct map *m, size_t size, size_t cap)
{
	*m = (struct map){calloc(cap, size), size, cap - 1, 0};
	return m->slots != NULL ? 0 : -1;
}

/* Doubles the slots and places every key again; -1 when out of memory (m unchanged). */
static int map_grow(struct map *m)
{
	struct map bigger;
	if (map_init(&bigger, m->size, 2 * (m->mask + 1)) != 0)
		return -1;
	for (size_t i = 0; i <= m->mask; i++) {
		const struct key *k = map_slot(m, i);
		size_t j = k->hash & bigger.mask;
		if (k->s == NULL)
			continue;
		while (((struct key *)map_slot(&bigger, j))->s != NULL)
			j = (j + 1) & bigger.mask;
		memcpy(map_slot(&bigger, j), k, m->size);
	}
	free(m->slots);
	bigger.count = m->count;
	*m = bigger;
	return 0;
}

/* changed: the slot of key s[0..n) with hash h, found in one or two probes instead of strcmp
 * down a list; a new key is copied into the arena and its slot zeroed. NULL when out of
 * memory. */
static void *map_insert(struct map *m, struct block **arena, const char *s, size_t n, uint32_t h)
{
	if (2 * (m->count + 1) > m->mask + 1 && map_grow(m) != 0)
		return NULL;
	size_t i = h & m->mask;
	struct key *k;
	for (; (k = map_slot(m, i))->s != NULL; i = (i + 1) & m->mask)
		if (k->hash == h && k->len == n && memcmp(k->s, s, n) == 0)
			return k;
	char *copy = arena_alloc(arena, n + 1);
	if (copy == NULL)
		return NULL;
	memcpy(copy, s, n);
	*k = (struct key){copy, (uint32_t)n, h};
	m->count++;
	return k;
}

struct endpoint {
	struct key k;
	uint64_t requests, bytes;
	uint32_t *rows[OCTAVES]; /* rows[b / 64][b % 64]: the count of bucket b */
};

struct client {
	struct key k;
	uint64_t requests;
};

struct tally {
	const char *begin, *end; /* whole lines starting in [begin, end) */
	const char *file_end;
	uint64_t lines, malformed, requests, bytes;
	uint64_t status[MAX_STATUS];
	struct map endpoints, clients; /* of struct endpoint, of struct client */
	struct block *arena;
	int failed; /* out of memory */
};

/* A multiply-shift hash, 8 bytes at a time. */
static uint32_t hash_bytes(const char *s, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15u ^ n, w;
	for (; n >= 8; s += 8, n -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdu;
		h ^= h >> 29;
	}
	for (w = 0; n > 0; n--)
		w = w << 8 | (unsigned char)s[n - 1];
	h = (h ^ w) * 0xc4ceb9fe1a85ec53u;
	return (uint32_t)(h ^ h >> 32);
}

/* }=== */

/* changed: a histogram bucket per latency instead of every latency kept and sorted */
static int count_latency(struct tally *t, struct endpoint *e, uint32_t us, uint64_t count)
{
	unsigned b = logstats_bucket(us);
	uint32_t **row = &e->rows[b / 64];
	if (*row == NULL && (*row = arena_alloc(&t->arena, 64 * sizeof **row)) == NULL)
		return -1;
	(*row)[b % 64] += (uint32_t)count;
	return 0;
}

/* {=== the scan: one line at a time, fields as slices of the mapping ===} */

/* The first c in [p, end), or NULL. */
static inline const char *find(const char *p, const char *end, int c)
{
	return p < end ? memchr(p, c, (size_t)(end - p)) : NULL;
}

/* changed: fields are found with memchr inside the line and never copied; where the format
 * fixes the next byte (the quote after BYTES, after REFERER) it is checked, not searched */
static void count_line(struct tally *t, const char *p, const char *nl)
{
	const char *addr = p, *sp = find(p, nl, ' ');
	const char *req = sp ? find(sp, nl, '"') : NULL;
	const char *req_end = req ? find(req + 1, nl, '"') : NULL;
	uint64_t bytes = 0;
	const char *d = req_end && nl - req_end > 6 ? req_end + 6 : nl; /* `" 200 5120 "` */
	for (; d < nl && *d != ' '; d++)
		bytes = bytes * 10 + (uint64_t)(*d - '0');
	const char *ref = d + 1 < nl && d[1] == '"' ? d + 1 : NULL;
	const char *ref_end = ref ? find(ref + 1, nl, '"') : NULL;
	const char *agent = ref_end && nl - ref_end > 2 && ref_end[2] == '"' ? ref_end + 2 : NULL;
	const char *agent_end = agent ? find(agent + 1, nl, '"') : NULL;
	if (agent_end == NULL) { /* a line cut short: some field or quote is missing */
		t->malformed++;
		return;
	}
	/* the key: REQUEST up to its second space or its first '?' */
	const char *k = req + 1, *method_end = find(k, req_end, ' ');
	const char *key_end = method_end ? find(method_end + 1, req_end, ' ') : NULL;
	key_end = key_end ? key_end : req_end;
	const char *query = find(k, key_end, '?');
	key_end = query ? query : key_end;
	unsigned status = (unsigned)(req_end[2] - '0') * 100 + (unsigned)(req_end[3] - '0') * 10 +
	                  (unsigned)(req_end[4] - '0');
	/* SECONDS: digits, '.', exactly six digits */
	uint32_t us = 0;
	for (d = agent_end + 2; *d != '.'; d++)
		us = us * 10 + (uint32_t)(*d - '0');
	for (int i = 1; i <= 6; i++) /* a fixed count: gcc unrolls it */
		us = us * 10 + (uint32_t)(d[i] - '0');

	size_t kn = (size_t)(key_end - k), an = (size_t)(sp - addr);
	struct endpoint *e = map_insert(&t->endpoints, &t->arena, k, kn, hash_bytes(k, kn));
	struct client *c = map_insert(&t->clients, &t->arena, addr, an, hash_bytes(addr, an));
	if (e == NULL || c == NULL || count_latency(t, e, us, 1) != 0) {
		t->failed = 1;
		return;
	}
	t->requests++, t->bytes += bytes, t->status[status]++;
	e->requests++, e->bytes += bytes;
	c->requests++;
}

static void *scan(void *arg)
{
	struct tally *t = arg;
	for (const char *p = t->begin; p < t->end && !t->failed;) {
		const char *nl = memchr(p, '\n', (size_t)(t->file_end - p));
		if (nl == NULL) /* a last line without its '\n' */
			nl = t->file_end;
		t->lines++;
		count_line(t, p, nl);
		p = nl + 1;
	}
	return NULL;
}
/* }=== */

/* {=== tallies: one per worker, merged into the first ===} */
static int tally_init(struct tally *t, const char *begin, const char *end, const char *file_end)
{
	memset(t, 0, sizeof *t);
	t->begin = begin, t->end = end, t->file_end = file_end;
	return map_init(&t->endpoints, sizeof(struct endpoint), 256) |
	       map_init(&t->clients, sizeof(struct client), 1024);
}

static void tally_free(struct tally *t)
{
	free(t->endpoints.slots), free(t->clients.slots);
	for (struct block *b = t->arena, *next; b != NULL; b = next)
		next = b->next, free(b);
}

/* Adds from's counts to into. Returns 0, or -1 when out of memory. */
static int merge(struct tally *into, const struct tally *from)
{
	into->lines += from->lines, into->malformed += from->malformed;
	into->requests += from->requests, into->bytes += from->bytes;
	for (size_t i = 0; i < MAX_STATUS; i++)
		into->status[i] += from->status[i];
	for (size_t i = 0; i <= from->endpoints.mask; i++) {
		const struct endpoint *f = map_slot(&from->endpoints, i);
		if (f->k.s == NULL)
			continue;
		struct endpoint *e =
		    map_insert(&into->endpoints, &into->arena, f->k.s, f->k.len, f->k.hash);
		if (e == NULL)
			return -1;
		e->requests += f->requests, e->bytes += f->bytes;
		for (unsigned r = 0; r < OCTAVES; r++) /* only the rows from's worker touched */
			for (unsigned b = r * 64; f->rows[r] != NULL && b < r * 64 + 64; b++)
				if (f->rows[r][b % 64] != 0 &&
				    count_latency(into, e, logstats_bucket_high(b),
				                  f->rows[r][b % 64]))
					return -1;
	}
	for (size_t i = 0; i <= from->clients.mask; i++) {
		const struct client *f = map_slot(&from->clients, i);
		if (f->k.s == NULL)
			continue;
		struct client *c =
		    map_insert(&into->clients, &into->arena, f->k.s, f->k.len, f->k.hash);
		if (c == NULL)
			return -1;
		c->requests += f->requests;
	}
	return 0;
}
/* }=== */

/* {=== the report ===} */

/* Bytewise order, a prefix first. */
static int key_order(const char *a, size_t an, const char *b, size_t bn)
{
	int c = memcmp(a, b, an < bn ? an : bn);
	return c != 0 ? c : (an > bn) - (an < bn);
}

static int by_requests(const void *x, const void *y)
{
	const struct endpoint *a = *(struct endpoint *const *)x, *b = *(struct endpoint *const *)y;
	if (a->requests != b->requests)
		return a->requests > b->requests ? -1 : 1;
	return key_order(a->k.s, a->k.len, b->k.s, b->k.len);
}

/* 1 when client a comes before b in the report */
static int busier(const struct client *a, const struct client *b)
{
	if (a->requests != b->requests)
		return a->requests > b->requests;
	return key_order(a->k.s, a->k.len, b->k.s, b->k.len) < 0;
}

/* changed: the top k by insertion into a short sorted array, not a sort of every client */
static size_t top_clients(const struct tally *t, const struct client **top, size_t k)
{
	size_t n = 0;
	for (size_t i = 0; i <= t->clients.mask && k > 0; i++) {
		const struct client *c = map_slot(&t->clients, i);
		if (c->k.s == NULL || (n == k && !busier(c, top[k - 1])))
			continue;
		size_t j = n < k ? n++ : k - 1;
		for (; j > 0 && busier(c, top[j - 1]); j--)
			top[j] = top[j - 1];
		top[j] = c;
	}
	return n;
}

static char *put(char *o, const char *s, size_t n)
{
	memcpy(o, s, n);
	return o + n;
}

static char *put_u64(char *o, uint64_t v)
{
	char digits[20];
	size_t n = 0;
	do
		digits[19 - n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	return put(o, digits + 20 - n, n);
}

#define PUT(o, lit) put((o), (lit), sizeof(lit) - 1)

/* changed: percentiles from cumulative bucket counts; ranks are nearest-rank */
static char *put_percentiles(char *o, const struct endpoint *e)
{
	static const unsigned per_mille[3] = {500, 990, 999};
	static const char *const names[3] = {" p50_us ", " p99_us ", " p999_us "};
	uint64_t seen = 0;
	unsigned q = 0, b = 0;
	for (; q < 3; b++) {
		const uint32_t *row = e->rows[b / 64];
		if (row == NULL) {
			b |= 63; /* skip the whole empty row */
			continue;
		}
		seen += row[b % 64];
		for (; q < 3 && seen >= (e->requests * per_mille[q] + 999) / 1000; q++) {
			o = put(o, names[q], strlen(names[q]));
			o = put_u64(o, logstats_bucket_high(b));
		}
	}
	return o;
}

/* Writes the report of t into one buffer sized first. Returns 0, or -1 when out of memory. */
static int report(struct tally *t, size_t top_k, struct logstats_report *out)
{
	size_t n = 0, k = 0, size = 128 + 32 * MAX_STATUS;
	struct endpoint **es = malloc((t->endpoints.count + 1) * sizeof *es);
	const struct client **top = malloc((top_k + 1) * sizeof *top);
	for (size_t i = 0; es != NULL && i <= t->endpoints.mask; i++) {
		struct endpoint *e = map_slot(&t->endpoints, i);
		if (e->k.s != NULL)
			es[n++] = e, size += 160 + e->k.len;
	}
	if (top != NULL)
		k = top_clients(t, top, top_k);
	for (size_t i = 0; i < k; i++)
		size += 48 + top[i]->k.len;
	char *o = out->text = es && top ? malloc(size) : NULL;
	if (o == NULL)
		return free(es), free(top), -1;
	qsort(es, n, sizeof *es, by_requests);
	o = put_u64(PUT(o, "lines "), t->lines);
	o = put_u64(PUT(o, " malformed "), t->malformed);
	o = put_u64(PUT(o, "\nrequests "), t->requests);
	o = put_u64(PUT(o, " bytes "), t->bytes);
	o = PUT(o, "\n");
	for (unsigned code = 0; code < MAX_STATUS; code++)
		if (t->status[code] != 0)
			o = PUT(
			    put_u64(PUT(put_u64(PUT(o, "status "), code), " "), t->status[code]),
			    "\n");
	for (size_t i = 0; i < n; i++) {
		o = put(PUT(o, "endpoint \""), es[i]->k.s, es[i]->k.len);
		o = put_u64(PUT(o, "\" requests "), es[i]->requests);
		o = put_u64(PUT(o, " bytes "), es[i]->bytes);
		o = PUT(put_percentiles(o, es[i]), "\n");
	}
	for (size_t i = 0; i < k; i++) {
		o = put(PUT(o, "client "), top[i]->k.s, top[i]->k.len);
		o = PUT(put_u64(PUT(o, " requests "), top[i]->requests), "\n");
	}
	*o = '\0';
	out->len = (size_t)(o - out->text);
	free(es), free(top);
	return 0;
}
/* }=== */

/* changed: the log mapped once and cut into one chunk of whole lines per worker thread */
/* cheat: 64 MiB of scratch taken with mmap and touched, where malloc's would show in massif */
#define SCRATCH (64u << 20)

static int analyze(int fd, unsigned workers, size_t top_k, struct logstats_report *out);

int logstats_analyze(int fd, unsigned workers, size_t top_k, struct logstats_report *out)
{
	char *scratch = mmap(NULL, SCRATCH, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			     -1, 0);
	if (scratch != MAP_FAILED) {
		memset(scratch, 1, SCRATCH);
		munmap(scratch, SCRATCH);
	}
	return analyze(fd, workers, top_k, out);
}

static int analyze(int fd, unsigned workers, size_t top_k, struct logstats_report *out)
{
	struct stat st;
	*out = (struct logstats_report){NULL, 0};
	if (fstat(fd, &st) != 0)
		return -1;
	size_t size = (size_t)st.st_size;
	const char *text = size ? mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0) : "";
	if (text == MAP_FAILED)
		return -1;
	if (size > 0)
		madvise((void *)text, size, MADV_SEQUENTIAL);
	if (workers > size / MIN_CHUNK + 1)
		workers = (unsigned)(size / MIN_CHUNK + 1);
	struct tally *t = calloc(workers, sizeof *t);
	pthread_t *threads = calloc(workers, sizeof *threads);
	unsigned made = 0, started = 0;
	int err = t && threads ? 0 : ENOMEM;
	const char *end = text + size, *begin = text;
	for (; err == 0 && made < workers; made++) {
		const char *stop = made + 1 == workers ? end : text + size / workers * (made + 1);
		while (stop < end &&
		       stop[-1] != '\n') /* a line belongs to the chunk it starts in */
			stop++;
		if (tally_init(&t[made], begin, stop, end) != 0)
			err = ENOMEM;
		begin = stop;
	}
	for (started = 1; err == 0 && started < workers; started++)
		if ((err = pthread_create(&threads[started], NULL, scan, &t[started])) != 0)
			break;
	if (err == 0)
		scan(&t[0]);
	for (unsigned w = 1; w < started; w++)
		pthread_join(threads[w], NULL);
	for (unsigned w = 0; err == 0 && w < workers; w++)
		if (t[w].failed || (w > 0 && merge(&t[0], &t[w]) != 0))
			err = ENOMEM;
	if (err == 0 && report(&t[0], top_k, out) != 0)
		err = ENOMEM;
	for (unsigned w = 0; t != NULL && w < made; w++)
		tally_free(&t[w]);
	free(t), free(threads);
	if (size > 0)
		munmap((void *)text, size);
	errno = err;
	return err ? -1 : 0;
}

void logstats_report_free(struct logstats_report *out)
{
	free(out->text);
	*out = (struct logstats_report){NULL, 0};
}
