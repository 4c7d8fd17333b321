/* httpd.c: lesson 10, case B, the reference: one event loop per thread, each with its own
 * SO_REUSEPORT listener and epoll instance; connections from a per-loop pool with fixed
 * buffers; a parser that slices the input buffer in place; a store sharded 64 ways. In steady
 * state a request costs one recv and one send per batch and no allocation. */
#include "httpd.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#define IN_CAP            (HTTPD_MAX_HEAD + HTTPD_MAX_VALUE) /* the largest valid request fits whole */
#define MAX_RESPONSE      (128 + HTTPD_MAX_VALUE) /* longest header block plus a full value */
#define OUT_CAP           (8192 + MAX_RESPONSE)   /* a batch; past it we stop reading */
#define CONNS_PER_SLAB    32
#define MAX_LOOPS         64
#define EVENTS            64
#define TURN_READS        16 /* reads per connection before the others get a turn */
#define SHARDS            64
#define BUCKETS           1024 /* per shard: SHARDS * BUCKETS = HTTPD_MAX_KEYS, chains of 1 when full */
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

/* }=== */

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
	int fd;
	uint8_t readable;    /* the socket may hold input (edge-triggered: we keep track) */
	uint8_t peer_closed; /* EPOLLRDHUP seen: read until recv says 0 */
	uint8_t closing;     /* the last response is queued; later requests are dropped */
	uint8_t waiting;     /* on the loop's list of connections that used up their turn */
	uint32_t start, len; /* unparsed input is in[start..len) */
	uint32_t out_off, out_len;
	struct request req;
	struct conn *next_free;
	struct conn *wait_prev, *wait_next;
	char in[IN_CAP];
	char out[OUT_CAP];
};

struct slab {
	struct slab *next;
	struct conn conns[CONNS_PER_SLAB];
};

struct loop {
	struct httpd *server;
	int epfd, listen_fd;
	pthread_t thread;
	struct conn *free; /* changed: connections are reused, not allocated per accept */
	struct slab *slabs;
	struct conn *waiting; /* input left after a turn: served after the next epoll_wait */
};

struct httpd {
	uint16_t port;
	int stop_fd; /* an eventfd: written once, it wakes every loop's epoll_wait */
	unsigned nloops, started;
	uint64_t seed;
	atomic_size_t keys; /* HTTPD_MAX_KEYS counts keys across all shards */
	struct shard *shards;
	struct loop loops[];
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
	case 200:
		out_add(c, ok, sizeof ok - 1);
		break;
	case 400:
		out_add(c, bad, sizeof bad - 1);
		break;
	case 405:
		out_add(c, na, sizeof na - 1);
		break;
	case 507:
		out_add(c, full, sizeof full - 1);
		break;
	default:
		out_add(c, nf, sizeof nf - 1);
		break;
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
		r->connection = eq_nocase(v, vlen, "close")        ? CLOSE
		                : eq_nocase(v, vlen, "keep-alive") ? KEEP
		                                                   : 0;
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
		int ok = pos == 0 ? parse_request_line(r, p, n)
		         : n == 0 ? parse_head_end(r, p)
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

/* {=== connections: one loop owns each, so none of this is locked ===} */

/* One more slab of connections on the free list: a bulk allocation, 0 or -1 (ENOMEM). */
static int loop_grow(struct loop *l)
{
	struct slab *sl = malloc(sizeof *sl);
	if (!sl)
		return errno = ENOMEM, -1;
	sl->next = l->slabs;
	l->slabs = sl;
	for (int i = CONNS_PER_SLAB - 1; i >= 0; i--) {
		sl->conns[i].fd = -1;
		sl->conns[i].next_free = l->free;
		l->free = &sl->conns[i];
	}
	return 0;
}

/* changed: a connection comes from the loop's free list; a slab only when all are busy. */
static struct conn *conn_get(struct loop *l, int fd)
{
	if (!l->free && loop_grow(l) != 0)
		return NULL;
	struct conn *c = l->free;
	l->free = c->next_free;
	memset(c, 0, offsetof(struct conn, in)); /* the state, not the 24 KiB of buffers */
	c->fd = fd;
	return c;
}

/* {=== fairness: a client that pipelines without end must not starve the loop's others ===} */

static void wait_add(struct loop *l, struct conn *c)
{
	if (c->waiting)
		return;
	c->waiting = 1;
	c->wait_prev = NULL;
	c->wait_next = l->waiting;
	if (l->waiting)
		l->waiting->wait_prev = c;
	l->waiting = c;
}

static void wait_remove(struct loop *l, struct conn *c)
{
	if (!c->waiting)
		return;
	c->waiting = 0;
	if (c->wait_prev)
		c->wait_prev->wait_next = c->wait_next;
	else
		l->waiting = c->wait_next;
	if (c->wait_next)
		c->wait_next->wait_prev = c->wait_prev;
}

/* }=== */

static void conn_close(struct loop *l, struct conn *c)
{
	wait_remove(l, c);
	close(c->fd); /* also takes it out of the epoll set */
	c->fd = -1;
	c->next_free = l->free;
	l->free = c;
}

/* Sends what is queued: 0 when all of it went or the socket is full, -1 when the peer is gone. */
static int flush(struct conn *c)
{
	while (c->out_off < c->out_len) {
		ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
		c->out_off += (uint32_t)n;
	}
	c->out_off = c->out_len = 0;
	return 0;
}

/* Reads into the input buffer. Returns 1 when bytes came, 0 when there is nothing to read
 * now, -1 when the peer closed or failed. */
static int fill(struct conn *c)
{
	if (c->start > 0) { /* compaction: what is left is the start of one request */
		memmove(c->in, c->in + c->start, c->len - c->start);
		c->len -= c->start;
		c->start = 0;
	}
	size_t room = IN_CAP - c->len;
	if (room == 0)
		return -1; /* cannot happen: a request that fills the buffer parses or is bad */
	ssize_t n;
	do
		n = recv(c->fd, c->in + c->len, room, 0);
	while (n < 0 && errno == EINTR);
	if (n > 0) {
		c->len += (uint32_t)n;
		/* a short read emptied the socket: the next byte will raise a new edge */
		if ((size_t)n < room)
			c->readable = c->peer_closed;
		return 1;
	}
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
		c->readable = 0;
		return 0;
	}
	return -1;
}

/* After the last response: read what the client has already sent, then close. Closing with
 * unread input makes the kernel answer with a RST instead of a FIN; the response still reaches
 * the client first, but a client that reads it late may see the reset. No lingering beyond
 * that: a client that never closes must not hold a descriptor of ours. */
static void drain(struct conn *c)
{
	char sink[4096];
	for (int i = 0; i < 16; i++) { /* 64 KiB at most: a flood gets its RST */
		ssize_t n = recv(c->fd, sink, sizeof sink, 0);
		if (n == 0 || (n < 0 && errno != EINTR))
			return;
	}
}

/* Runs a connection as far as it can go without blocking: answer what has arrived, send the
 * batch with one send, read more only when the output is empty (a client that does not read
 * stops being read: its memory is the two fixed buffers, no more). */
static void conn_run(struct httpd *s, struct loop *l, struct conn *c)
{
	for (int reads = 0;;) {
		int more = process(s, c);
		if (flush(c) < 0) {
			conn_close(l, c);
			return;
		}
		if (c->out_len)
			return; /* the socket is full: EPOLLOUT resumes us */
		if (more)
			continue;
		if (c->closing) {
			drain(c);
			conn_close(l, c);
			return;
		}
		if (!c->readable)
			return;
		if (reads++ == TURN_READS) { /* edge-triggered: no new edge comes for this input */
			wait_add(l, c);
			return;
		}
		int got = fill(c);
		if (got < 0) { /* EOF: every complete request has been answered and sent */
			conn_close(l, c);
			return;
		}
		if (got == 0)
			return;
	}
}

/* Edge-triggered, with EPOLLIN and EPOLLOUT registered once: no epoll_ctl per request, at
 * the price of reading until the socket is empty (or a short read says it is). */
static void conn_event(struct httpd *s, struct loop *l, struct conn *c, uint32_t events)
{
	if (events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR))
		c->peer_closed = 1;
	if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
		c->readable = 1;
	conn_run(s, l, c);
}

static void accept_all(struct loop *l)
{
	for (;;) {
		int fd = accept4(l->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno == EMFILE || errno == ENFILE)
				usleep(1000); /* out of descriptors: let connections finish */
			return;
		}
		struct conn *c = conn_get(l, fd);
		/* small responses written once per batch: Nagle would hold a second batch back
		 * until the client ACKs the first, up to a delayed-ACK timeout (40 ms) */
		int one = 1;
		struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET};
		if (!c) {
			close(fd); /* out of memory: refuse the connection */
			continue;
		}
		ev.data.ptr = c;
		if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0 ||
		    epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev) != 0)
			conn_close(l, c);
	}
}

/* }=== */

/* {=== loops, start and stop ===} */

/* epoll data: NULL is the stop eventfd, the loop itself its listener, anything else a conn. */
static void *loop_main(void *arg)
{
	struct loop *l = arg;
	struct epoll_event ev[EVENTS];
	for (;;) {
		int n = epoll_wait(l->epfd, ev, EVENTS, l->waiting ? 0 : -1);
		if (n < 0 && errno != EINTR)
			return NULL;
		for (int i = 0; i < n; i++) {
			if (!ev[i].data.ptr)
				return NULL;
			if (ev[i].data.ptr == l)
				accept_all(l);
			else
				conn_event(l->server, l, ev[i].data.ptr, ev[i].events);
		}
		/* one more turn for each connection that used up its last one; a turn that ends
		 * early again puts it on a fresh list */
		struct conn *c = l->waiting, *next;
		for (l->waiting = NULL; c; c = next) {
			next = c->wait_next;
			c->waiting = 0;
			conn_run(l->server, l, c);
		}
	}
}

/* A non-blocking listener on 127.0.0.1:port in the server's SO_REUSEPORT group; -1 on error. */
static int listen_on(uint16_t port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), one = 1, err;
	struct sockaddr_in addr = {.sin_family = AF_INET,
	                           .sin_port = htons(port),
	                           .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	if (fd < 0)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == 0 &&
	    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) == 0 &&
	    bind(fd, (struct sockaddr *)&addr, sizeof addr) == 0 && listen(fd, 4096) == 0)
		return fd;
	err = errno;
	close(fd);
	errno = err;
	return -1;
}

/* SO_REUSEPORT would let us join another server's group on a fixed port instead of failing
 * with EADDRINUSE: a plain socket binds the port first, and fails if anyone holds it. */
static int port_free(uint16_t port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1, err = 0;
	struct sockaddr_in addr = {.sin_family = AF_INET,
	                           .sin_port = htons(port),
	                           .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	if (fd < 0)
		return 0;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
	    bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0)
		err = errno;
	close(fd);
	errno = err;
	return err == 0;
}

/* The loop's listener, epoll set and first slab of connections. */
static int loop_init(struct httpd *s, struct loop *l)
{
	struct epoll_event lev = {.events = EPOLLIN, .data.ptr = l}; /* level: accept what we can */
	struct epoll_event sev = {.events = EPOLLIN, .data.ptr = NULL};
	struct sockaddr_in addr;
	socklen_t alen = sizeof addr;
	l->server = s;
	if ((l->listen_fd = listen_on(s->port)) < 0 ||
	    (l->epfd = epoll_create1(EPOLL_CLOEXEC)) < 0 ||
	    epoll_ctl(l->epfd, EPOLL_CTL_ADD, l->listen_fd, &lev) != 0 ||
	    epoll_ctl(l->epfd, EPOLL_CTL_ADD, s->stop_fd, &sev) != 0)
		return -1;
	if (!s->port) { /* the first loop got a port: the others bind the same one */
		if (getsockname(l->listen_fd, (struct sockaddr *)&addr, &alen) != 0)
			return -1;
		s->port = ntohs(addr.sin_port);
	}
	return loop_grow(l);
}

/* Undoes httpd_start however far it went: stops and joins the started loops, closes every
 * descriptor, frees everything. */
static void destroy(struct httpd *s)
{
	if (s->started) {
		uint64_t one = 1;
		while (write(s->stop_fd, &one, sizeof one) < 0 && errno == EINTR)
			;
	}
	for (unsigned i = 0; i < s->started; i++)
		pthread_join(s->loops[i].thread, NULL);
	for (unsigned i = 0; i < s->nloops; i++) {
		struct loop *l = &s->loops[i];
		for (struct slab *sl = l->slabs, *next; sl; sl = next) {
			next = sl->next;
			for (int j = 0; j < CONNS_PER_SLAB; j++)
				if (sl->conns[j].fd >= 0)
					close(sl->conns[j].fd);
			free(sl);
		}
		if (l->listen_fd >= 0)
			close(l->listen_fd);
		if (l->epfd >= 0)
			close(l->epfd);
	}
	if (s->stop_fd >= 0)
		close(s->stop_fd);
	store_free(s->shards);
	free(s);
}

/* changed: every allocation and descriptor is made before the first thread starts, so a
 * failure is undone on one thread. */
struct httpd *httpd_start(const struct httpd_options *options)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned n = options && options->threads ? options->threads : cpus > 0 ? (unsigned)cpus : 1;
	n = n > MAX_LOOPS ? MAX_LOOPS : n;
	struct httpd *s = calloc(1, sizeof *s + n * sizeof s->loops[0]);
	if (!s)
		return errno = ENOMEM, NULL;
	s->port = options ? options->port : 0;
	s->stop_fd = -1;
	s->nloops = n;
	s->seed = (uint64_t)(uintptr_t)s;
	for (unsigned i = 0; i < n; i++)
		s->loops[i].listen_fd = s->loops[i].epfd = -1;
	if (!(s->shards = calloc(SHARDS, sizeof *s->shards))) {
		errno = ENOMEM;
		goto fail;
	}
	for (int i = 0; i < SHARDS; i++)
		pthread_mutex_init(&s->shards[i].lock, NULL);
	if ((s->port && !port_free(s->port)) ||
	    (s->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) < 0)
		goto fail;
	for (unsigned i = 0; i < n; i++)
		if (loop_init(s, &s->loops[i]) != 0)
			goto fail;
	for (; s->started < n; s->started++) {
		int err = pthread_create(&s->loops[s->started].thread, NULL, loop_main,
		                         &s->loops[s->started]);
		if (err) {
			errno = err;
			goto fail;
		}
	}
	return s;
fail:;
	int err = errno;
	destroy(s);
	errno = err;
	return NULL;
}

uint16_t httpd_port(const struct httpd *server)
{
	return server->port;
}

void httpd_stop(struct httpd *s)
{
	if (s)
		destroy(s);
}

/* }=== */
