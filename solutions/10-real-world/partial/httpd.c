/* httpd.c: lesson 10, case B, the partial solution: about half of the reference's changes.
 * The parser slices the input buffer in place, responses are written into a fixed buffer and a
 * pipelined batch goes out with one send, the store is sharded 64 ways. Still as in the
 * skeleton: a thread per connection, created when it arrives, with blocking reads; a
 * connection's buffers allocated per connection; one lock for the list of connections. */
#include "httpd.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define IN_CAP (HTTPD_MAX_HEAD + HTTPD_MAX_VALUE) /* the largest valid request fits whole */
#define MAX_RESPONSE (128 + HTTPD_MAX_VALUE)      /* longest header block plus a full value */
#define OUT_CAP (8192 + MAX_RESPONSE)             /* a batch; past it we stop reading */
#define SHARDS 64
#define BUCKETS 1024 /* per shard: SHARDS * BUCKETS = HTTPD_MAX_KEYS, chains of 1 when full */
#define ENTRIES_PER_BLOCK 64

/* {=== the store: 64 shards, each a chained hash table under its own mutex ===} */

struct entry {
	struct entry *next;
	uint64_t hash;
	char *value; /* NULL while cap is 0 */
	uint32_t len, cap;
	uint32_t klen;
	char key[HTTPD_MAX_KEY];
};

/* Entries are never deleted (no route removes a key), so a shard carves them from blocks. */
struct entry_block {
	struct entry_block *next;
	unsigned used;
	struct entry entries[ENTRIES_PER_BLOCK];
};

/* changed: a mutex per shard instead of one for the server. Not an rwlock: the critical
 * sections are a probe and a memcpy of at most 4 KiB, a reader pays the same atomic as for a
 * mutex, and glibc's rwlock prefers readers, so a hot key could starve its writers. */
struct shard {
	pthread_mutex_t lock;
	struct entry_block *blocks;
	struct entry *buckets[BUCKETS];
};

/* FNV-1a, seeded per server (an address: ASLR makes collisions hard to aim), then a final
 * mix so that the low bits picking the shard and the bucket depend on every byte. */
static uint64_t hash_key(uint64_t seed, const char *key, size_t n)
{
	uint64_t h = 14695981039346656037u ^ seed;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)key[i]) * 1099511628211u;
	h ^= h >> 32;
	h *= 0xd6e8feb86659fd93u;
	return h ^ (h >> 32);
}

static struct entry *shard_find(struct shard *sh, uint64_t h, const char *key, size_t n)
{
	for (struct entry *e = sh->buckets[(h / SHARDS) % BUCKETS]; e; e = e->next)
		if (e->hash == h && e->klen == n && memcmp(e->key, key, n) == 0)
			return e;
	return NULL;
}

/* {=== the server's state ===} */

/* What the parser has learnt of the request at in[start..len); offsets from its start. */
struct request {
	uint32_t next;     /* the next line to parse */
	uint32_t scanned;  /* bytes already searched for that line's LF */
	uint32_t head_len; /* 0 until the empty line has arrived */
	uint32_t target, target_len, cl, cl_len;
	uint32_t body_len;
	uint8_t put, http10, cl_seen, te_seen, connection; /* connection: 0, CLOSE or KEEP */
};
enum { CLOSE = 1, KEEP = 2 };

struct conn {
	struct httpd *server;
	int fd;
	int done; /* the thread has finished; the accept loop may join it */
	pthread_t thread;
	struct conn *next;
	uint8_t closing;     /* the last response is queued; later requests are dropped */
	uint32_t start, len; /* unparsed input is in[start..len) */
	uint32_t out_len;
	struct request req;
	char in[IN_CAP]; /* changed: fixed buffers, no realloc, no buffer per response */
	char out[OUT_CAP];
};

struct httpd {
	int listen_fd;
	uint16_t port;
	int stopping;
	pthread_t acceptor;
	pthread_mutex_t lock; /* guards the connection list only; the store has its own */
	struct conn *connections;
	uint64_t seed;
	atomic_size_t keys; /* HTTPD_MAX_KEYS counts keys across all shards */
	struct shard *shards;
};

/* {=== the store's operations ===} */

/* Power of two from 16: values of one size class replace each other in place. */
static uint32_t value_cap(size_t n)
{
	uint32_t cap = 16;
	while (cap < n)
		cap *= 2;
	return cap;
}

/* A new entry for key, counted against HTTPD_MAX_KEYS; NULL when full or out of memory.
 * Called with the shard locked. */
static struct entry *shard_add(struct httpd *s, struct shard *sh, uint64_t h, const char *key,
			       size_t n)
{
	size_t keys = atomic_load_explicit(&s->keys, memory_order_relaxed);
	do {
		if (keys >= HTTPD_MAX_KEYS)
			return NULL;
	} while (!atomic_compare_exchange_weak(&s->keys, &keys, keys + 1));
	struct entry_block *b = sh->blocks;
	if (!b || b->used == ENTRIES_PER_BLOCK) {
		if (!(b = malloc(sizeof *b))) {
			atomic_fetch_sub(&s->keys, 1);
			return NULL;
		}
		b->next = sh->blocks;
		b->used = 0;
		sh->blocks = b;
	}
	struct entry *e = &b->entries[b->used++], **bucket = &sh->buckets[(h / SHARDS) % BUCKETS];
	*e = (struct entry){.next = *bucket, .hash = h, .klen = (uint32_t)n};
	memcpy(e->key, key, n);
	*bucket = e;
	return e;
}

/* 200, or 507 when the key is new and the store full (or memory is out): nothing stored. */
static int store_put(struct httpd *s, const char *key, size_t n, const char *value, size_t len)
{
	uint64_t h = hash_key(s->seed, key, n);
	struct shard *sh = &s->shards[h % SHARDS];
	pthread_mutex_lock(&sh->lock);
	struct entry *e = shard_find(sh, h, key, n);
	char *fresh = NULL;
	/* changed: the old value's buffer is reused whenever the new one fits */
	if (len > (e ? e->cap : 0) && !(fresh = malloc(value_cap(len)))) {
		pthread_mutex_unlock(&sh->lock);
		return 507;
	}
	if (!e && !(e = shard_add(s, sh, h, key, n))) {
		pthread_mutex_unlock(&sh->lock);
		free(fresh);
		return 507;
	}
	if (fresh) {
		free(e->value);
		e->value = fresh;
		e->cap = value_cap(len);
	}
	if (len)
		memcpy(e->value, value, len);
	e->len = (uint32_t)len;
	pthread_mutex_unlock(&sh->lock);
	return 200;
}

static void store_free(struct shard *shards)
{
	for (size_t i = 0; shards && i < SHARDS; i++) {
		for (struct entry_block *b = shards[i].blocks, *next; b; b = next) {
			next = b->next;
			for (unsigned j = 0; j < b->used; j++)
				free(b->entries[j].value);
			free(b);
		}
		pthread_mutex_destroy(&shards[i].lock);
	}
	free(shards);
}

/* }=== */

/* {=== responses: written straight into the connection's output buffer ===} */

static void out_add(struct conn *c, const void *p, size_t n)
{
	memcpy(c->out + c->out_len, p, n);
	c->out_len += (uint32_t)n;
}

/* The header block of a response with an n-byte body; the caller appends the body. */
static void respond_head(struct conn *c, int code, size_t n, int closing)
{
	static const char ok[] = "HTTP/1.1 200 OK\r\nContent-Length: ",
			  bad[] = "HTTP/1.1 400 Bad Request\r\nContent-Length: ",
			  nf[] = "HTTP/1.1 404 Not Found\r\nContent-Length: ",
			  na[] = "HTTP/1.1 405 Method Not Allowed\r\nContent-Length: ",
			  full[] = "HTTP/1.1 507 Insufficient Storage\r\nContent-Length: ";
	switch (code) {
	case 200: out_add(c, ok, sizeof ok - 1); break;
	case 400: out_add(c, bad, sizeof bad - 1); break;
	case 405: out_add(c, na, sizeof na - 1); break;
	case 507: out_add(c, full, sizeof full - 1); break;
	default: out_add(c, nf, sizeof nf - 1); break;
	}
	char digits[20], *d = digits + sizeof digits; /* changed: no snprintf */
	do
		*--d = (char)('0' + n % 10);
	while (n /= 10);
	out_add(c, d, (size_t)(digits + sizeof digits - d));
	if (closing)
		out_add(c, "\r\nConnection: close\r\n\r\n", 23);
	else
		out_add(c, "\r\n\r\n", 4);
}

/* GET /kv/KEY: the value is copied into the output under the shard's lock, no other copy. */
static void respond_get(struct httpd *s, struct conn *c, const char *key, size_t n, int closing)
{
	uint64_t h = hash_key(s->seed, key, n);
	struct shard *sh = &s->shards[h % SHARDS];
	pthread_mutex_lock(&sh->lock);
	const struct entry *e = shard_find(sh, h, key, n);
	respond_head(c, e ? 200 : 404, e ? e->len : 0, closing);
	if (e && e->len)
		out_add(c, e->value, e->len);
	pthread_mutex_unlock(&sh->lock);
}

/* }=== */

/* {=== parsing: slices of the input buffer, resumed where the last call stopped ===} */

enum parse { PARSE_OK, PARSE_MORE, PARSE_BAD };

static int eq(const char *p, size_t n, const char *lit)
{
	return n == strlen(lit) && memcmp(p, lit, n) == 0;
}

/* Case-insensitive: strncasecmp stops at a NUL in p, which then differs from lit. */
static int eq_nocase(const char *p, size_t n, const char *lit)
{
	return n == strlen(lit) && strncasecmp(p, lit, n) == 0;
}

/* METHOD SP TARGET SP VERSION, p[0..n) without its CRLF. */
static int parse_request_line(struct request *r, const char *p, size_t n)
{
	const char *sp1 = memchr(p, ' ', n);
	if (!sp1)
		return 0;
	const char *t = sp1 + 1, *end = p + n;
	const char *sp2 = memchr(t, ' ', (size_t)(end - t));
	if (!sp2 || memchr(sp2 + 1, ' ', (size_t)(end - sp2 - 1)))
		return 0;
	size_t mlen = (size_t)(sp1 - p), vlen = (size_t)(end - sp2 - 1);
	r->put = eq(p, mlen, "PUT");
	r->http10 = eq(sp2 + 1, vlen, "HTTP/1.0");
	r->target = (uint32_t)(t - p);
	r->target_len = (uint32_t)(sp2 - t);
	return (r->put || eq(p, mlen, "GET")) && r->target_len > 0 && *t == '/' &&
	       (r->http10 || eq(sp2 + 1, vlen, "HTTP/1.1"));
}

/* NAME ":" OWS VALUE OWS at p[pos..pos+n); only three names mean anything. */
static int parse_header(struct request *r, const char *p, size_t pos, size_t n)
{
	const char *line = p + pos, *end = line + n, *colon = memchr(line, ':', n);
	if (!colon || colon == line || colon[-1] == ' ' || colon[-1] == '\t')
		return 0;
	const char *v = colon + 1;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	size_t nlen = (size_t)(colon - line), vlen = (size_t)(end - v);
	if (eq_nocase(line, nlen, "content-length")) {
		r->cl_seen = r->cl_seen ? 2 : 1; /* saturates: 256 of them must not wrap to 0 */
		r->cl = (uint32_t)(v - p);
		r->cl_len = (uint32_t)vlen;
	} else if (eq_nocase(line, nlen, "connection")) { /* the last one counts */
		r->connection = eq_nocase(v, vlen, "close") ? CLOSE
			      : eq_nocase(v, vlen, "keep-alive") ? KEEP : 0;
	} else if (eq_nocase(line, nlen, "transfer-encoding")) {
		r->te_seen = 1;
	}
	return 1;
}

/* After the empty line: the checks that need every header. */
static int parse_head_end(struct request *r, const char *p)
{
	if (r->te_seen || r->cl_seen > 1)
		return 0;
	uint64_t n = 0;
	if (r->cl_seen) {
		if (r->cl_len < 1 || r->cl_len > 18)
			return 0;
		for (uint32_t i = 0; i < r->cl_len; i++) {
			unsigned d = (unsigned char)p[r->cl + i] - '0';
			if (d > 9)
				return 0;
			n = n * 10 + d;
		}
	}
	r->body_len = (uint32_t)(n > HTTPD_MAX_VALUE ? 0 : n);
	return n <= HTTPD_MAX_VALUE;
}

/* changed: no copy, and each line is parsed once however the request arrives (a client
 * sending a byte at a time costs O(n), not O(n^2)). p[0..avail) is what has arrived. */
static enum parse parse_head(struct request *r, const char *p, size_t avail)
{
	while (!r->head_len) {
		size_t from = r->scanned > r->next ? r->scanned : r->next;
		const char *nl = memchr(p + from, '\n', avail - from);
		if (!nl) {
			r->scanned = (uint32_t)avail;
			return avail >= HTTPD_MAX_HEAD ? PARSE_BAD : PARSE_MORE;
		}
		size_t pos = r->next, end = (size_t)(nl - p) + 1;
		if (end > HTTPD_MAX_HEAD || end - pos < 2 || nl[-1] != '\r')
			return PARSE_BAD;
		size_t n = end - pos - 2;
		int ok = pos == 0  ? parse_request_line(r, p, n)
		       : n == 0    ? parse_head_end(r, p)
				   : parse_header(r, p, pos, n);
		if (!ok)
			return PARSE_BAD;
		if (pos && !n)
			r->head_len = (uint32_t)end;
		r->next = (uint32_t)end;
	}
	return PARSE_OK;
}

/* }=== */

/* {=== routes ===} */

static int valid_key(const char *key, size_t n)
{
	if (n < 1 || n > HTTPD_MAX_KEY)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)key[i];
		if (!((ch | 0x20) >= 'a' && (ch | 0x20) <= 'z') && !(ch >= '0' && ch <= '9') &&
		    ch != '.' && ch != '_' && ch != '-')
			return 0;
	}
	return 1;
}

/* Answers the whole request at p (head and body): appends the response, sets c->closing. */
static void route(struct httpd *s, struct conn *c, const char *p)
{
	const struct request *r = &c->req;
	const char *t = p + r->target, *body = p + r->head_len;
	size_t n = r->target_len;
	int closing = r->http10 ? r->connection != KEEP : r->connection == CLOSE, code = 404;
	if (eq(t, n, "/ping")) {
		code = r->put ? 405 : 200;
		respond_head(c, code, code == 200 ? 4 : 0, closing);
		if (code == 200)
			out_add(c, "pong", 4);
	} else if (n >= 4 && memcmp(t, "/kv/", 4) == 0) {
		if (!valid_key(t + 4, n - 4))
			respond_head(c, 400, 0, closing = 1);
		else if (r->put)
			respond_head(c, store_put(s, t + 4, n - 4, body, r->body_len), 0, closing);
		else
			respond_get(s, c, t + 4, n - 4, closing);
	} else {
		respond_head(c, code, 0, closing);
	}
	c->closing = (uint8_t)closing;
}

/* Answers the complete requests in the input while the output has room for the longest
 * response. Returns 1 when it stopped for room (more may be waiting), else 0. */
static int process(struct httpd *s, struct conn *c)
{
	while (!c->closing) {
		if (c->out_len + MAX_RESPONSE > OUT_CAP)
			return 1;
		const char *p = c->in + c->start;
		size_t avail = c->len - c->start;
		enum parse st = parse_head(&c->req, p, avail);
		if (st == PARSE_MORE)
			return 0;
		if (st == PARSE_BAD) {
			respond_head(c, 400, 0, 1);
			c->closing = 1;
			return 0;
		}
		size_t need = (size_t)c->req.head_len + c->req.body_len;
		if (avail < need)
			return 0;
		route(s, c, p);
		c->start += (uint32_t)need;
		memset(&c->req, 0, sizeof c->req);
	}
	return 0;
}

/* }=== */

/* {=== a connection's thread: read, answer a batch, send it, until either side closes ===} */

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static void serve(struct conn *c)
{
	for (;;) {
		int more = process(c->server, c);
		/* changed: one send for every response of a pipelined batch */
		if (c->out_len && write_all(c->fd, c->out, c->out_len) != 0)
			return;
		c->out_len = 0;
		if (more)
			continue;
		if (c->closing)
			return;
		if (c->start > 0) { /* what is left is the start of one request */
			memmove(c->in, c->in + c->start, c->len - c->start);
			c->len -= c->start;
			c->start = 0;
		}
		if (c->len == IN_CAP)
			return; /* cannot happen: a request that fills the buffer parses or is bad */
		/* TODO: still a blocking read per thread and a thread per connection */
		ssize_t n = recv(c->fd, c->in + c->len, IN_CAP - c->len, 0);
		if (n > 0)
			c->len += (uint32_t)n;
		else if (!(n < 0 && errno == EINTR))
			return; /* the client closed, or the server is stopping */
	}
}

static void *connection_main(void *arg)
{
	struct conn *c = arg;
	serve(c);
	pthread_mutex_lock(&c->server->lock);
	close(c->fd); /* now, not when the next connection arrives: a quiet server holds none */
	c->fd = -1;   /* under the lock: httpd_stop must not shut down a reused number */
	c->done = 1;
	pthread_mutex_unlock(&c->server->lock);
	return NULL;
}

/* Joins and frees the connections whose threads have finished (all of them when every is set).
 * Called with the lock held; drops it while joining. */
static void reap(struct httpd *s, int every)
{
	struct conn **link = &s->connections;
	while (*link) {
		struct conn *c = *link;
		if (!c->done && !every) {
			link = &c->next;
			continue;
		}
		*link = c->next;
		pthread_mutex_unlock(&s->lock);
		pthread_join(c->thread, NULL); /* the thread has closed its descriptor */
		free(c);
		pthread_mutex_lock(&s->lock);
		link = &s->connections; /* the list may have changed meanwhile */
	}
}

static void *accept_main(void *arg)
{
	struct httpd *s = arg;
	for (;;) {
		int fd = accept(s->listen_fd, NULL, NULL), accept_errno = errno;
		pthread_mutex_lock(&s->lock);
		if (s->stopping) {
			pthread_mutex_unlock(&s->lock);
			if (fd >= 0)
				close(fd);
			return NULL;
		}
		reap(s, 0);
		struct conn *c = fd >= 0 ? malloc(sizeof *c) : NULL;
		if (c) {
			memset(c, 0, offsetof(struct conn, in)); /* the state, not the buffers */
			c->server = s;
			c->fd = fd;
			c->next = s->connections;
			if (pthread_create(&c->thread, NULL, connection_main, c) == 0) {
				s->connections = c;
				c = NULL;
				fd = -1;
				accept_errno = 0;
			}
		}
		pthread_mutex_unlock(&s->lock);
		free(c);
		if (fd >= 0)
			close(fd); /* no memory or no thread for it: refuse it */
		else if (accept_errno == EMFILE || accept_errno == ENFILE)
			usleep(1000); /* out of descriptors: let connections finish */
	}
}

/* }=== */

/* {=== start and stop ===} */

struct httpd *httpd_start(const struct httpd_options *options)
{
	struct httpd *s = calloc(1, sizeof *s);
	if (!s)
		return errno = ENOMEM, NULL;
	s->seed = (uint64_t)(uintptr_t)s;
	if (!(s->shards = calloc(SHARDS, sizeof *s->shards))) {
		free(s);
		return errno = ENOMEM, NULL;
	}
	for (int i = 0; i < SHARDS; i++)
		pthread_mutex_init(&s->shards[i].lock, NULL);
	pthread_mutex_init(&s->lock, NULL);
	s->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in addr = {.sin_family = AF_INET,
				   .sin_port = htons(options ? options->port : 0),
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t alen = sizeof addr;
	int one = 1, err;
	if (s->listen_fd < 0 ||
	    setsockopt(s->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
	    bind(s->listen_fd, (struct sockaddr *)&addr, sizeof addr) != 0 ||
	    listen(s->listen_fd, 1024) != 0 ||
	    getsockname(s->listen_fd, (struct sockaddr *)&addr, &alen) != 0 ||
	    (errno = pthread_create(&s->acceptor, NULL, accept_main, s)) != 0) {
		err = errno;
		if (s->listen_fd >= 0)
			close(s->listen_fd);
		pthread_mutex_destroy(&s->lock);
		store_free(s->shards);
		free(s);
		errno = err;
		return NULL;
	}
	s->port = ntohs(addr.sin_port);
	return s;
}

uint16_t httpd_port(const struct httpd *server)
{
	return server->port;
}

void httpd_stop(struct httpd *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->lock);
	s->stopping = 1;
	shutdown(s->listen_fd, SHUT_RDWR); /* wakes the blocked accept */
	for (struct conn *c = s->connections; c; c = c->next)
		if (c->fd >= 0)
			shutdown(c->fd, SHUT_RDWR); /* wakes every blocked recv */
	pthread_mutex_unlock(&s->lock);
	pthread_join(s->acceptor, NULL);
	pthread_mutex_lock(&s->lock);
	reap(s, 1);
	pthread_mutex_unlock(&s->lock);
	close(s->listen_fd);
	store_free(s->shards);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

/* }=== */
